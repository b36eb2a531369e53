// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uffd-move-batch - seed 004 (the backport of "userfaultfd: move: batch TLB
 * flushes over contiguous present PTEs", upstream in Linux 6.18):
 * move_present_ptes() clears a run of contiguous present source PTEs and
 * flushes the run once, flush_tlb_range(src_vma, src_start, src_addr),
 * instead of one ptep_clear_flush() per page (over 40% of move_pages_pte()
 * in the thread).
 *
 * A run never crosses a PMD: move_present_ptes() ends it at
 * pmd_addr_end() of the source (and of the destination, which the trace
 * does not give: an unaligned destination splits a run once more, not
 * modelled, so the flushes counted are a lower bound). The next page of a
 * run must follow the last one (check_ptes_for_batched_move(): the next
 * source PTE present, its folio small and exclusive, the destination none;
 * a page that is not is moved by the next call of move_present_ptes, a new
 * run). A flush point of the same ioctl at the next page, inside the same
 * PMD, is merged into the run's flush; the first of a run is a broadcast.
 * The run's flush is priced as the kernel issues flush_tlb_range() of its
 * pages (a TLBI per page without FEAT_TLBIRANGE, range TLBIs with it, one
 * DSB): a merged page adds what its page adds to the run's TLBIs.
 * x86 traces give no address (tlb:tlb_flush has a page count only):
 * whether two flushes of a call are of contiguous pages is unknown, so none
 * is merged there (missing evidence is no saving).
 */
#include "../policy.h"

struct run {
	uint32_t task;
	uint64_t sys_seq;
	uint64_t next_vpn;
	uint64_t pages;		/* in the run so far */
	bool open;
};

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	struct run *run = tlbr_policy_state(pl, &tlbr_policy_uffd_move_batch);
	uint64_t sys_seq;

	if (q->site != TLBR_SITE_UFFD_MOVE || !q->ev || !q->ev->task)
		return false;
	if (!run || !tlbr_view_syscall_seq(r, q->ev->task, &sys_seq))
		return false;
	if (q->whole_mm) {	/* no address: contiguity unknown */
		d->kind = D_BROADCAST;
		run->open = false;
		return true;
	}
	if (run->open && run->task == q->ev->task && run->sys_seq == sys_seq &&
	    run->next_vpn == q->start_vpn && q->start_vpn % 512 != 0 &&
	    q->end_vpn - q->start_vpn == 1) {
		d->kind = D_MERGED;
		/* the run's flush_tlb_range() grows by a page */
		d->merged_tlbis = (int64_t)tlbr_view_range_tlbis(r, run->pages + 1) -
				  (int64_t)tlbr_view_range_tlbis(r, run->pages);
		run->pages++;
	} else {
		d->kind = D_BROADCAST;
		run->open = true;
		run->task = q->ev->task;
		run->sys_seq = sys_seq;
		run->pages = q->end_vpn - q->start_vpn;
	}
	run->next_vpn = q->end_vpn;
	return true;
}

const struct policy_ops tlbr_policy_uffd_move_batch = {
	.name = "uffd-move-batch",
	.summary = "seed 004: UFFDIO_MOVE flushes once per run of contiguous pages",
	.state_size = sizeof(struct run),
	.decide = decide,
};
