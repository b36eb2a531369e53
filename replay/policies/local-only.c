// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * local-only - deliberately broken: every flush is local to the issuing
 * CPU. No kernel does this; it exists so the safety checker can show what
 * goes wrong (a CPU keeping a translation the page table no longer allows).
 */
#include "../policy.h"

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	(void)r;
	(void)pl;
	(void)q;
	d->kind = D_LOCAL;
	return true;
}

const struct policy_ops tlbr_policy_local_only = {
	.name = "local-only",
	.summary = "deliberately unsafe: every flush local (for the safety checker)",
	.decide = decide,
};
