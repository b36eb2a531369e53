// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugetlb-unshare-gather - seed 004, "mm/hugetlb: fix excessive IPI
 * broadcasts when unsharing PMD tables using mmu_gather" (David Hildenbrand):
 * before it, every huge_pmd_unshare() flushed the 1 GiB the shared PMD table
 * mapped and broadcast an IPI to sync GUP-fast (tlb_remove_table_sync_one),
 * one per table, which fork()+exit() and munmap() of large shared hugetlb
 * areas turned into IPI storms. With it, the unshares of one mmu_gather are
 * flushed once (tlb_flush_unshared_tables(), before the i_mmap lock is
 * dropped), and the IPI is only sent when some table became exclusive, that
 * is when this mm was the last sharer but one; an unshare that leaves the
 * table shared by two or more needs no IPI, the last sharer sends it.
 *
 * One gather here: the unshares of one task within one system call (or one
 * exit) and one VMA, as __unmap_hugepage_range() works VMA by VMA. The
 * first unshare of a gather is its flush (a broadcast); the others are
 * merged into it. Needs the tlbr:pmd_unshare probe (tlbreplay-record(1)).
 */
#include "../policy.h"

struct gather {
	uint32_t task;
	uint64_t sys_seq;
	uint64_t vma_start;	/* the VMA of the gather; UINT64_MAX: VMAs unknown */
	bool open;
	bool synced;		/* the gather's IPI was counted */
};

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	struct gather *g = policy_state(pl, &policy_hugetlb_unshare_gather);
	uint64_t vma, sys_seq;
	bool last = q->ev && (q->ev->flush.flags & TLBR_FLUSH_UNSHARE_LAST);

	if (q->site != TLBR_SITE_HUGETLB_UNSHARE || !q->ev || !q->ev->task)
		return false;
	if (!g || !view_syscall_seq(r, q->ev->task, &sys_seq))
		return false;
	vma = view_vma_start(r, q);
	if (g->open && g->task == q->ev->task && g->sys_seq == sys_seq && g->vma_start == vma) {
		d->kind = D_MERGED;
	} else {
		d->kind = D_BROADCAST;
		*g = (struct gather){ .task = q->ev->task, .sys_seq = sys_seq,
				      .vma_start = vma, .open = true };
	}
	d->table_sync = last && !g->synced;
	g->synced |= d->table_sync;
	return true;
}

const struct policy_ops policy_hugetlb_unshare_gather = {
	.name = "hugetlb-unshare-gather",
	.summary = "seed 004: hugetlb PMD unshares flush once per gather, IPI only by the last sharer",
	.state_size = sizeof(struct gather),
	.decide = decide,
};
