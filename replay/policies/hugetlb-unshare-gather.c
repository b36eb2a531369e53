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
 * merged into it. The kernel before the fix already flushed once per
 * gather (force_flush, then tlb_flush_mmu_tlbonly() at the end of
 * __unmap_hugepage_range()): the engine's default does the same, so the
 * fix's saving is the IPIs. Needs the tlbr:pmd_unshare probe
 * (tlbreplay-record(1)).
 */
#include "../policy.h"

struct gather {
	struct unshare_gather g;
	bool synced;		/* the gather's IPI was counted */
};

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	struct gather *g = tlbr_policy_state(pl, &tlbr_policy_hugetlb_unshare_gather);
	bool last = q->ev && (q->ev->flush.flags & TLBR_FLUSH_UNSHARE_LAST), same;

	if (q->site != TLBR_SITE_HUGETLB_UNSHARE || !g || !tlbr_view_same_gather(r, &g->g, q, &same))
		return false;
	d->kind = same ? D_MERGED : D_BROADCAST;
	if (!same)
		g->synced = false;
	d->table_sync = last && !g->synced;
	g->synced |= d->table_sync;
	return true;
}

const struct policy_ops tlbr_policy_hugetlb_unshare_gather = {
	.name = "hugetlb-unshare-gather",
	.summary = "seed 004: hugetlb PMD unshares flush once per gather, IPI only by the last sharer",
	.state_size = sizeof(struct gather),
	.decide = decide,
};
