// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wp-local - seed 000, "[PATCH -v4 2/2] arm64, tlbflush: don't TLBI broadcast
 * if page reused in write fault" (Huang Ying, reviewed by David Hildenbrand):
 * a write fault that reuses the page (RO -> RW upgrade, __ptep_set_access_flags
 * with dirty) flushes only the local TLB (local_flush_tlb_page: TLBI VALE1,
 * DSB NSH). Remote CPUs keep stale read-only entries, harmless: a write
 * through one takes a spurious fault, which flush_tlb_fix_spurious_fault()
 * fixes with a local flush. Every other flush is left to the next component
 * (today's broadcast by default).
 *
 * The contpte case (the set_access probe's cont field) reaches here as a
 * flush point over the whole 16-page block, flushed locally as the patch does.
 */
#include "../policy.h"

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	(void)r;
	(void)pl;
	if (q->site != TLBR_SITE_WP_REUSE)
		return false;
	d->kind = D_LOCAL;
	return true;
}

const struct policy_ops tlbr_policy_wp_local = {
	.name = "wp-local",
	.summary = "seed 000: a write fault reusing the page flushes locally only",
	.decide = decide,
};
