// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pte-needs-flush - seed 004 (the backport of arm64's pte_needs_flush()):
 * mprotect skips the flush when no access is removed, because the old PTE
 * was not valid (PROT_NONE -> RW) or permissions are only added; x86 has
 * done so for years. Every other flush is left to the next component.
 */
#include "../policy.h"

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	(void)r;
	(void)pl;
	if (!q->adds_only)
		return false;
	d->kind = D_NONE;
	return true;
}

const struct policy_ops policy_pte_needs_flush = {
	.name = "pte-needs-flush",
	.summary = "seed 004: mprotect that only adds access does not flush",
	.decide = decide,
};
