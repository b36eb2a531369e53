// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * batched-reclaim - seed 002, "[PATCH v9 2/2] arm64: support batched/deferred
 * tlb shootdown during page reclamation/migration" (Barry Song, Yicong
 * Yang; reviewed by Catalin Marinas): during try_to_unmap and
 * try_to_migrate the TLBIs are issued without waiting for completion
 * (arch_tlbbatch_add_pending: TLBI IS without DSB), and one DSB per batch
 * completes them at try_to_unmap_flush on the issuing CPU. Before mprotect,
 * munmap or madvise act on a PTE that reclaim made non-present,
 * flush_tlb_batched_pending syncs the mm's pending batch: otherwise they
 * would see the PTE gone, skip their own flush, and return while another
 * CPU still holds the old translation (the race Catalin Marinas and Barry
 * Song discuss, and the 2025 fix about whose DSB completes a TLBI).
 *
 * batched-reclaim-nopending is the same without that sync: deliberately
 * broken, to show the race on a trace where it happens.
 */
#include "../policy.h"

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	(void)r;
	(void)pl;
	if (!q->batched)
		return false;
	d->kind = D_DEFER;
	return true;
}

const struct policy_ops policy_batched_reclaim = {
	.name = "batched-reclaim",
	.summary = "seed 002: reclaim TLBIs complete at one DSB per batch, synced when pending",
	.decide = decide,
};

const struct policy_ops policy_batched_reclaim_nopending = {
	.name = "batched-reclaim-nopending",
	.summary = "deliberately unsafe: batched reclaim without flush_tlb_batched_pending",
	.decide = decide,
	.no_pending_sync = true,
};
