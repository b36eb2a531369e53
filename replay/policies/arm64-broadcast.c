// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64-broadcast - today's arm64: every user TLB flush is a TLBI with the
 * inner-shareable qualifier followed by DSB ISH, which every CPU of the
 * inner-shareable domain executes, whether or not it holds the entry
 * (arch/arm64/include/asm/tlbflush.h: flush_tlb_page, __flush_tlb_range,
 * flush_tlb_mm). A write fault that reuses the page flushes too
 * (__ptep_set_access_flags with dirty set calls flush_tlb_page).
 */
#include "../policy.h"

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	(void)r;
	(void)pl;
	(void)q;
	d->kind = D_BROADCAST;
	return true;
}

const struct policy_ops tlbr_policy_arm64_broadcast = {
	.name = "arm64-broadcast",
	.summary = "today's arm64: every user flush is TLBI IS + DSB ISH (the baseline)",
	.decide = decide,
};
