// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * batched-reclaim - seed 002, "[PATCH v9 2/2] arm64: support batched/deferred
 * tlb shootdown during page reclamation/migration" (Barry Song, Yicong
 * Yang; reviewed by Catalin Marinas), merged in Linux 6.5, with the 2025
 * fix of arch_flush_tlb_batched_pending():
 *
 * - try_to_unmap_one()/try_to_migrate_one() with TTU_BATCH_FLUSH: when
 *   should_defer_flush() (arch_tlbbatch_should_defer(): always, except on
 *   CPUs with ARM64_WORKAROUND_REPEAT_TLBI, where the repeated TLBI has a
 *   dsb(ish) in between and deferral would save nothing), the TLBI is issued
 *   without waiting (arch_tlbbatch_add_pending: TLBI IS, no DSB) and
 *   set_tlb_ubc_flush_pending() marks the mm (mm->tlb_flush_batched).
 * - try_to_unmap_flush() (arch_tlbbatch_flush) is one dsb(ish) on the CPU
 *   that issued the batch: it completes that CPU's TLBIs, and it does not
 *   clear the mm's mark.
 * - flush_tlb_batched_pending(mm), called before mprotect, munmap, madvise
 *   and mremap act on a PTE that reclaim may have made non-present: when the
 *   mm is marked (pending != flushed), arch_flush_tlb_batched_pending(), then
 *   the mark is cleared. Since the 2025 fix that is flush_tlb_mm(): "since we
 *   can be executing on a remote CPU, a DSB cannot guarantee this like it
 *   can for arch_tlbbatch_flush()". The mark outlives the batch: the first
 *   such call after a batch pays a full-mm flush even when the batch has
 *   long completed; the engine charges it.
 *
 * batched-reclaim-dsb is 6.5's arch_flush_tlb_batched_pending(), a dsb(ish)
 * of the calling CPU (the thread's "on arm64 it should only be a dsb"): it
 * completes only the TLBIs that CPU issued (Arm ARM: a DSB waits for the
 * TLB maintenance issued by its own PE), so an mprotect on another CPU than
 * the reclaimer returns while the old translation may still be held: unsafe,
 * with the counterexample. batched-reclaim-nopending skips the sync entirely.
 *
 * The engine does the rest (effects.c: defer, tlbr_batch_sync): the policy only
 * says whether a reclaim unmap is deferred and, in its ops, what the sync is.
 */
#include "../policy.h"

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	(void)pl;
	/* the traced kernel's pending flush: this policy's own mark makes it (tlbr_batch_sync) */
	if (q->kernel_pending) {
		d->kind = D_NONE;
		return true;
	}
	/* arch_tlbbatch_should_defer(): not on ARM64_WORKAROUND_REPEAT_TLBI CPUs */
	if (!q->batched || tlbr_view_repeat_tlbi(r))
		return false;
	d->kind = D_DEFER;
	return true;
}

const struct policy_ops tlbr_policy_batched_reclaim = {
	.name = "batched-reclaim",
	.summary = "seed 002: reclaim TLBIs complete at one DSB per batch; a pending batch "
		   "costs a full-mm flush (flush_tlb_batched_pending, 2025 fix)",
	.decide = decide,
	.pending_sync = PENDING_FLUSH_MM,
};

const struct policy_ops tlbr_policy_batched_reclaim_dsb = {
	.name = "batched-reclaim-dsb",
	.summary = "unsafe: Linux 6.5's flush_tlb_batched_pending, a DSB that completes only "
		   "the calling CPU's TLBIs",
	.decide = decide,
	.pending_sync = PENDING_DSB,
};

const struct policy_ops tlbr_policy_batched_reclaim_nopending = {
	.name = "batched-reclaim-nopending",
	.summary = "deliberately unsafe: batched reclaim without flush_tlb_batched_pending",
	.decide = decide,
	.pending_sync = PENDING_NONE,
};
