// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uffd-move-batch - seed 004 (the backport of "userfaultfd: move: batch TLB
 * flushes over contiguous present PTEs"): UFFDIO_MOVE clears a run of
 * contiguous present source PTEs and flushes the run once, instead of one
 * ptep_clear_flush() per page (over 40% of move_pages_pte() in the thread).
 * A flush point of the same ioctl that extends the run (the next page; on
 * x86 traces, which give no address, the next flush of the same call) is
 * merged into the run's flush; the first of a run is a broadcast.
 */
#include "../policy.h"

struct run {
	uint32_t task;
	uint64_t sys_seq;
	uint64_t next_vpn;	/* UINT64_MAX: addresses unknown */
	bool open;
};

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	struct run *run = policy_state(pl, &policy_uffd_move_batch);
	uint64_t sys_seq;

	if (q->site != TLBR_SITE_UFFD_MOVE || !q->ev || !q->ev->task)
		return false;
	if (!run || !view_syscall_seq(r, q->ev->task, &sys_seq))
		return false;
	if (run->open && run->task == q->ev->task && run->sys_seq == sys_seq &&
	    (run->next_vpn == UINT64_MAX || q->whole_mm || run->next_vpn == q->start_vpn)) {
		d->kind = D_MERGED;
	} else {
		d->kind = D_BROADCAST;
		run->open = true;
		run->task = q->ev->task;
		run->sys_seq = sys_seq;
	}
	run->next_vpn = q->whole_mm ? UINT64_MAX : q->end_vpn;
	return true;
}

const struct policy_ops policy_uffd_move_batch = {
	.name = "uffd-move-batch",
	.summary = "seed 004: UFFDIO_MOVE flushes once per run of contiguous pages",
	.state_size = sizeof(struct run),
	.decide = decide,
};
