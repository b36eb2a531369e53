// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unmap.c - munmap, madvise and mremap as the kernel flushes them.
 *
 * mmu_gather (mm/mmu_gather.c, include/asm-generic/tlb.h): zap_pte_range
 * clears every PTE of the range and adds each one that was present to the
 * gather (tlb_remove_tlb_entry -> __tlb_adjust_range); tlb_end_vma, at the
 * end of each VMA's unmap_page_range, flushes the gathered range through
 * tlb_flush_mmu_tlbonly, which flushes nothing when nothing was cleared.
 * free_pgtables adds each page table it frees (pte_free_tlb ->
 * tlb_flush_pmd_range), flushed by tlb_finish_mmu. So a munmap or a
 * zapping madvise flushes once per VMA that had present entries, over
 * those entries, and once more when page tables go; and everything it
 * unmapped is flushed before it returns.
 *
 * Where the trace shows each VMA's zap (arm64: unmap_page_range), the
 * replay puts one flush point per zap that had present pages in the model.
 * Where it does not (x86, whose tlb:tlb_flush events are themselves the
 * kernel's flushes, and older arm64 recordings), the replay splits the
 * syscall's range by the VMAs it knows.
 *
 * mremap (mm/mremap.c): growing or shrinking in place moves nothing (a
 * shrink unmaps the tail: a zap); a move (move_page_tables) moves the PTEs
 * chunk by chunk, a chunk ending at a PMD boundary of the old or the new
 * address: move_ptes flushes the old chunk when it moved a present entry,
 * move_normal_pmd flushes a whole PMD's range when it moved its page table;
 * then the old range is unmapped (nothing is left to flush there but page
 * tables), except with MREMAP_DONTUNMAP.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "replay-local.h"


/* Does @t's syscall unmap a range (the syscalls whose zaps unmap_page_range does)? */
static bool unmaps(const struct rtask *t)
{
	switch (t->sys - 1) {
	case TLBR_SYS_MUNMAP:
	case TLBR_SYS_MREMAP:
	case TLBR_SYS_BRK:
	case TLBR_SYS_MMAP:
		return true;
	case TLBR_SYS_MADVISE:
		return tlbr_madvise_zaps(t->call.madvise.advice);
	default:
		return false;
	}
}

/* ------------------------------------------------------------ groups */

/*
 * The pages of a range a kernel walk touches, grouped as its flushes are:
 * per VMA (tlb_end_vma), the range from the first to the last page that
 * had an entry.
 */
#define MAX_GROUPS 64

struct groups {
	struct rmm *m;
	struct {
		uint64_t vstart, lo, hi;
		bool proven;	/* aging: a page of it is known young (or dirty: FREE) */
		bool unknown;	/* aging: a page of it may be young (or dirty) */
	} g[MAX_GROUPS];
	unsigned int n;
	bool present_only;	/* only present entries (not PROT_NONE ones) count */
	bool exclusive;		/* only pages no fork shares (madvise_cold: mapcount 1) */
	bool skip_zero;		/* not the zero page (vm_normal_folio finds no folio) */
	bool zap;		/* and clear them */
	bool age;		/* madvise COLD/PAGEOUT/FREE: flushed only if young (or dirty) */
	bool clean;		/* MADV_FREE: mkclean (read-only until written again) */
	bool sw_af;		/* the Access flag is set by software: page.young is known */
	/*
	 * page.young is the traced arm64 kernel's (not an x86 trace's), and
	 * MGLRU is off there (opts.lru_gen_off), DAMON neither said on
	 * (opts.damon_on) nor seen running (kdamond_seen): nothing untraced
	 * made it old
	 */
	bool young_seen;
	bool lru_check;		/* only folios on an LRU list (COLD, PAGEOUT: lru.c) */
	/*
	 * what the walk does to an exclusive folio's LRU state (lru.c): 0
	 * nothing, else it leaves the folio maybe in CPU @cpu's batch
	 * (PAGEOUT's isolation and putback, 6.11+ deactivate and lazyfree)
	 */
	bool lru_batch;
	int cpu;
	const char *why;
	/*
	 * the recording traced which PTEs COLD/PAGEOUT's walk found young
	 * (opts.age_young_traced: tlbr:age_young), all of this walk's are in
	 * (the syscall returned): @young, sorted, merged; a page in none was
	 * not young, or not aged
	 */
	bool probe;
	const struct young_hit *young;
	uint32_t nyoung;
	/*
	 * and its huge PMD's (opts.age_young_pmd_traced: tlbr:age_young_pmd):
	 * @ypmd, sorted, the first pages of the huge PMDs the walk found young
	 * (in @young too); a huge PMD in none was not young, or not aged
	 */
	bool probe_pmd;
	const uint64_t *ypmd;
	uint32_t nypmd;
	/* MADV_FREE's walk stops in these PMDs (vpn >> 9) at these pages (free_stops) */
	struct free_stop {
		uint64_t pmd, vpn;
		bool maybe;	/* the first page's mapcount unknown: may not stop */
	} *stop;
	unsigned int nstop;
};

/*
 * What an aging did to @p's folio's LRU state: a folio on the list the
 * walk took (folio_test_clear_lru()) waits in @gs->cpu's batch; one the
 * trace did not prove there was either left (PG_lru clear: in another
 * CPU's batch still) or taken: not known which.
 */
static void lru_after(struct replay *r, const struct groups *gs, struct page *p)
{
	if (!gs->lru_batch || p->huge || p->large)
		return;			/* a large folio is moved back at once */
	tlbr_lru_set(r, p, tlbr_lru_on(r, p) ? LRU_BATCH : LRU_MAYBE_OFF, gs->cpu);
}

/*
 * The group of @p's VMA (a new one if none: the last takes the rest past
 * MAX_GROUPS), its range stretched to @p. Returns its index.
 */
static unsigned int group_take(struct groups *gs, const struct page *p)
{
	const struct vma *v = gs->m ? tlbr_vma_find(gs->m, p->vpn << PAGE_SHIFT) : NULL;
	uint64_t vs = v ? v->start : 0;
	unsigned int i;

	for (i = 0; i < gs->n && gs->g[i].vstart != vs; i++)
		;
	if (i == gs->n && gs->n < MAX_GROUPS) {
		gs->g[gs->n].vstart = vs;
		gs->g[gs->n].lo = p->vpn;
		gs->g[gs->n].hi = p->vpn;
		gs->g[gs->n].proven = false;
		gs->g[gs->n].unknown = false;
		gs->n++;
	} else if (i == gs->n) {
		i = gs->n - 1;	/* too many VMAs: the last group takes the rest */
	}
	if (p->vpn < gs->g[i].lo)
		gs->g[i].lo = p->vpn;
	if (p->vpn > gs->g[i].hi)
		gs->g[i].hi = p->vpn;
	return i;
}

/* Is @vpn in a range the walk found young (gs->young: sorted, disjoint)? O(log n). */
static bool young_hit(const struct groups *gs, uint64_t vpn)
{
	uint32_t lo = 0, hi = gs->nyoung;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (gs->young[mid].e <= vpn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < gs->nyoung && gs->young[lo].s <= vpn;
}

/*
 * qsort()'s order of elements that begin with a uint64_t key (a uint64_t;
 * struct young_hit by its start, struct chunk by its PMD: a pointer to a
 * struct, converted, points to its first member)
 */
_Static_assert(offsetof(struct young_hit, s) == 0, "young_hit's key first (key_cmp)");

static int key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * An age_young_pmd event (TLBR_HUGE_AGED_PMD) in @t's madvise: the huge
 * PMD at @vpn kept for its aging at the return. O(1) amortised.
 */
static void young_pmd_add(struct rtask *t, uint64_t vpn)
{
	if (t->nyoung_pmd == t->young_pmd_alloc) {
		uint32_t na = t->young_pmd_alloc ? t->young_pmd_alloc * 2 : 16;
		uint64_t *nv = realloc(t->young_pmd, na * sizeof(*nv));

		if (!nv) {
			t->young_lost = true;
			return;
		}
		t->young_pmd = nv;
		t->young_pmd_alloc = na;
	}
	t->young_pmd[t->nyoung_pmd++] = vpn;
}

static int vpn_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Is the huge PMD at @vpn one the walk found young (gs->ypmd: sorted)? O(log n). */
static bool young_pmd_hit(const struct groups *gs, uint64_t vpn)
{
	return gs->nypmd && bsearch(&vpn, gs->ypmd, gs->nypmd, sizeof(*gs->ypmd), vpn_cmp);
}

/*
 * An age_young event (TLBR_HUGE_AGED) in @t's madvise: kept for its aging
 * at the return. O(1) amortised.
 */
static void young_add(struct rtask *t, uint64_t s, uint64_t e)
{
	if (t->nyoung && t->young[t->nyoung - 1].e == s) {	/* the walk goes up */
		t->young[t->nyoung - 1].e = e;
		return;
	}
	if (t->nyoung == t->young_alloc) {
		uint32_t na = t->young_alloc ? t->young_alloc * 2 : 64;
		struct young_hit *nv = realloc(t->young, na * sizeof(*nv));

		if (!nv) {
			t->young_lost = true;
			return;
		}
		t->young = nv;
		t->young_alloc = na;
	}
	t->young[t->nyoung++] = (struct young_hit){ s, e };
}

/* @t's young ranges sorted and merged (a walk goes up each VMA; VMAs too). */
static void young_sort(struct rtask *t)
{
	uint32_t i, n = 0;

	qsort(t->young, t->nyoung, sizeof(*t->young), key_cmp);
	for (i = 0; i < t->nyoung; i++) {
		if (n && t->young[i].s <= t->young[n - 1].e) {
			if (t->young[i].e > t->young[n - 1].e)
				t->young[n - 1].e = t->young[i].e;
		} else {
			t->young[n++] = t->young[i];
		}
	}
	t->nyoung = n;
}

/*
 * The groups of an aging the probe decides (gs->probe): each range it
 * showed young within [@s, @e), a page the model has or not (an address
 * space older than the trace), puts its VMA's point, certain. O(pages
 * shown young).
 */
static void young_groups(struct groups *gs, uint64_t s, uint64_t e)
{
	for (uint32_t k = 0; k < gs->nyoung; k++) {
		uint64_t a = gs->young[k].s > s ? gs->young[k].s : s;
		uint64_t b = gs->young[k].e < e ? gs->young[k].e : e;
		struct page edge = { 0 };

		for (edge.vpn = a; edge.vpn < b; edge.vpn++)	/* (merged: VMAs may meet) */
			gs->g[group_take(gs, &edge)].proven = true;
	}
}

static void group_fn(struct replay *r, struct page *p, void *a)
{
	struct groups *gs = a;
	unsigned int i;
	bool counts = gs->present_only ? p->present : p->mapped;
	bool past_maybe = false, on, folio_on = false, hit;

	for (unsigned int k = 0; k < gs->nstop; k++)
		if (gs->stop[k].pmd == p->vpn / PMD_PAGES && p->vpn >= gs->stop[k].vpn) {
			if (!gs->stop[k].maybe)
				return;		/* the walk of this PMD stopped before it */
			past_maybe = true;	/* it may have: the page's point uncertain */
		}
	if (counts && gs->exclusive && p->cow)
		counts = false;
	if (counts && gs->skip_zero && p->zero)
		counts = false;
	/*
	 * COLD, PAGEOUT: `if (!folio_test_lru(folio) || ...) continue;`; a
	 * large folio mapped by PTEs is split first (6.1: split_huge_page,
	 * 6.9+: split_folio where the range does not cover it all): the split
	 * the trace shows made the pages small (split_fn), one still large was
	 * not split, not aged (6.1 also stops the PMD's walk there: cold_stop_fn)
	 */
	if (counts && gs->lru_check && !p->large)
		folio_on = tlbr_lru_on(r, p);	/* if a folio: not the split's zero page */
	else if (counts && !gs->lru_check)
		folio_on = true;		/* FREE ages a folio on a list or not */
	/*
	 * FREE has no LRU test, but skips the zero page as the others do
	 * (madvise_free_pte_range: `if (!folio || ...) continue;`), and 6.12
	 * walks the PTEs its own split_folio() may have made that (lrutag.zero):
	 * such a page proves nothing, young or dirty
	 */
	on = counts && !r->lru[p->idx].zero && (!gs->lru_check || folio_on);
	hit = gs->probe && young_hit(gs, p->vpn);
	/*
	 * the probe in madvise_cold_or_pageout_pte_range()'s young branch
	 * (6.1: `if (pte_young(ptent)) { ... tlb_remove_tlb_entry(tlb, pte,
	 * addr); }`, 6.12: `if (!pageout && pte_young(ptent)) {
	 * clear_young_dirty_ptes(...); tlb_remove_tlb_entries(tlb, pte, nr,
	 * addr); }`) shows each PTE the walk put in the gather's range, which
	 * tlb_end_vma flushes: the groups are the young pages' (young_groups),
	 * certain; a page it did not show was skipped or old, and puts nothing
	 * there, whatever the model's view of its folio (mapcount, LRU, zero
	 * page); here only the pages' state after it. Not a huge PMD's where
	 * its young branch (6.1 `if (pmd_young(orig_pmd)) {
	 * pmdp_invalidate(...); ... tlb_remove_pmd_tlb_entry(tlb, pmd, addr);
	 * }`, 6.12 `if (!pageout && pmd_young(orig_pmd))`) is not probed too
	 * (gs->probe_pmd: tlbr:age_young_pmd, its hits in gs->young): it
	 * gathers the PMD's range unprobed, the model's rule, as without the
	 * probe
	 */
	if (counts && !(gs->probe && gs->age && !(p->huge && !gs->probe_pmd))) {
		i = group_take(gs, p);
		if (past_maybe)		/* whether the walk got here is unknown */
			gs->g[i].unknown = true;
		else if (gs->age && gs->clean && p->dirty && r->lru[p->idx].zero)
			gs->g[i].unknown = true;	/* dirty if a folio: maybe the zero page */
		else if (gs->age && gs->clean && p->dirty)
			gs->g[i].proven = true;
		/*
		 * young as the trace made it (page.young): a fault made or touched
		 * the PTE since the last aging (vm_page_prot's PTE_AF,
		 * pte_mkyoung), and only software clears the Access flag
		 * (pte_mkold, ptep_test_and_clear_young): young with either
		 * Access flag, where the recording shows MGLRU off (its aging
		 * clears it with no flush and no event: 6.1 mm/vmscan.c
		 * walk_pte_range(), lru_gen_look_around(); not proven where the
		 * trace does not say, lru_gen=), and DAMON is neither on (damon=on)
		 * nor seen running (a kdamond.N switch): its access checks clear
		 * it the same way (mm/damon/ops-common.c damon_ptep_mkold() ->
		 * ptep_clear_young_notify(), no flush, from paddr's
		 * damon_pa_mkold() rmap walk and vaddr's damon_va_mkold()).
		 * Old is proven only where software sets the flag
		 * (access_flag=software): the hardware's (TCR_EL1.HA) sets it on
		 * any access with no fault to see. A page the trace did not see
		 * made stays "may be young". COLD and PAGEOUT age only a folio on
		 * an LRU list (lru.c): one the trace does not prove there may be
		 * skipped, young or not.
		 */
		if (past_maybe)
			;
		else if (gs->age && p->young == PAGE_YOUNG && on && gs->young_seen)
			gs->g[i].proven = true;
		else if (gs->age && (!gs->sw_af || p->young != PAGE_OLD))
			gs->g[i].unknown = true;
	}
	if (gs->zap) {
		tlbr_pte_set(r, p, false, false, false, false, false, gs->why);
		return;
	}
	if (!counts) {
		if (hit)	/* (a page the model did not count: old now all the same) */
			p->young = PAGE_OLD;
		return;
	}
	lru_after(r, gs, p);
	if (!gs->age)
		return;
	p->remapped = false;	/* (the aging is its PTE's last change now) */
	/*
	 * madvise_cold_or_pageout_pte_range, madvise_free_pte_range: pte_mkold.
	 * Maybe the shared zero page, else a folio on the list: the folio is
	 * aged; the zero page is skipped young, but no aging flushes it
	 * (vm_normal_folio: none, `if (!folio ...) continue`): old either way
	 */
	if (!past_maybe && folio_on && r->lru[p->idx].zero)
		p->young = PAGE_OLD;
	else if (past_maybe || !on)	/* it may have been skipped: young as it was, or old */
		p->young = p->young == PAGE_OLD ? PAGE_OLD : PAGE_YOUNG_UNKNOWN;
	else
		p->young = PAGE_OLD;
	if (hit)	/* the walk made it old: pte_mkold, clear_young_dirty_ptes */
		p->young = PAGE_OLD;
	/* MADV_FREE's pte_mkclean: clean until a write the trace may not show */
	if (gs->clean) {
		p->dirty = false;
		p->lazyfree = !p->zero;	/* (no folio behind the zero page) */
		/*
		 * (no unfold: the walk splits a large folio it covers in part
		 * before it cleans, its blocks' unfolds are the split's
		 * (engine.c: split_cont_unfolds), and one it covers whole is
		 * cleaned block by block, contpte_clear_young_dirty_ptes)
		 */
		r->cont_keep = true;
		if (p->writable)
			tlbr_pte_set(r, p, p->mapped, p->present, false, p->cow, false, gs->why);
		r->cont_keep = false;
	}
}

/*
 * One flush point per group, as tlb_end_vma flushes them. An aging's
 * group no page of which the trace proves young (dirty) is a point the
 * kernel may not have flushed (@unsure: every group): put, marked maybe.
 */
static void group_points(struct replay *r, const struct groups *gs, uint32_t mm,
			 enum tlbr_site site, enum tlbr_exec real, bool unsure, bool arm64_only)
{
	unsigned int i;

	for (i = 0; i < gs->n; i++) {
		struct flushreq q;

		/*
		 * the software Access flag: no page of it young (nor dirty: FREE)
		 * and none the trace did not see made: the walk gathered nothing
		 */
		if (gs->age && !unsure && !gs->g[i].proven && !gs->g[i].unknown)
			continue;
		tlbr_req_init(r, &q, site, mm);
		q.start_vpn = gs->g[i].lo;
		q.end_vpn = gs->g[i].hi + 1;
		q.real = real;
		q.arm64_only = arm64_only;
		q.maybe = gs->age && (unsure || !gs->g[i].proven);
		/*
		 * COLD/PAGEOUT's pte_mkold changes no permission: where it did not
		 * flush, the CPUs keep their entries; FREE's pte_mkclean does
		 * (a clean PTE is read-only to the hardware dirty state)
		 */
		q.maybe_keeps = q.maybe && !gs->clean;
		if (q.maybe)
			tlbr_unsure(r, &q, unsure ? TLBR_UNSURE_PAGEOUT : TLBR_UNSURE_AGE);
		tlbr_flush_point(r, &q);
	}
}

/* ------------------------------------------------------------ zaps */

/*
 * A page the model had where the kernel had nothing: dropped, no CPU holds
 * it. @a: NULL, or a seq after which a PTE change set the page (a fault
 * inside the syscall: it is there).
 */
static void forget_fn(struct replay *r, struct page *p, void *a)
{
	const uint64_t *after = a;

	if (!p->mapped || (after && p->since > *after))
		return;
	tlbr_pte_set(r, p, false, false, false, false, false, "not mapped (the kernel zapped nothing)");
	for (int pol = 0; pol < r->npol; pol++)
		for (int c = 0; c < r->ncpus; c++)
			tlbr_tlb_flush_page(r, &r->pol[pol], p, c);
}

/*
 * A stand-in for pages the trace did not show (tlbr_unknown_stand_in), or a
 * page that is there maybe (page.maybe: fault-around's, a fork's copy of a
 * MAP_SHARED file page), in a range an x86 syscall zapped with no flush
 * traced: zap_pte_range() found no present PTE there (tlb_finish_mmu()
 * flushes what it cleared, and every x86 flush is traced), so there was
 * none.
 */
static void forget_standin_fn(struct replay *r, struct page *p, void *a)
{
	if (p->standin || p->maybe)
		forget_fn(r, p, a);
}

struct counted {
	uint64_t sure, maybe;
	bool resolve, present;
	bool unvouched;		/* a sure page may have gone unseen (lost events) */
};

static void count_fn(struct replay *r, struct page *p, void *a)
{
	struct counted *c = a;

	if (!p->mapped)
		return;
	if (!c->resolve) {
		c->sure += !p->maybe;
		c->maybe += p->maybe;
		c->unvouched |= !p->maybe && p->since < r->lost_seq;
	} else if (p->maybe && c->present) {
		p->maybe = false;	/* fault-around mapped it */
	} else if (p->maybe) {
		forget_fn(r, p, NULL);	/* it did not: no PTE, no CPU holds one */
	}
}

/*
 * mprotect's change_protection changed @n PTEs of [s, e) (chprot_r: 6.1
 * change_pte_range's pages++ for each present one, PROT_NONE ones too; a
 * huge PMD's HPAGE_PMD_NR): where that is the pages the model has for
 * certain, none of fault-around's maybe pages there was mapped; where it
 * is those and every maybe page, each was. Otherwise (pages the trace did
 * not see mapped) it stays as it was. "None was" holds only if every page
 * the model has for certain still had its PTE: a sure page gone unseen
 * (an unmap among lost events; reclaim or migration in a recording without
 * tlbr:unmap_one; a readable migration entry, which 6.1 change_pte_range()
 * leaves uncounted) and a maybe page fault-around did map give the same
 * count, and the mapped one would be dropped, its entries with it: then
 * it stays as it was too. O(pages of the range).
 */
void tlbr_counted_ptes(struct replay *r, uint32_t mm, uint64_t s, uint64_t e, uint64_t n)
{
	struct counted c = { 0 };

	tlbr_for_pages(r, mm, false, s, e, count_fn, &c);
	if (!c.maybe || (n != c.sure && n != c.sure + c.maybe))
		return;
	if (n != c.sure + c.maybe && (c.unvouched || !r->o.unmaps_traced))
		return;
	c.resolve = true;
	c.present = n == c.sure + c.maybe;
	tlbr_for_pages(r, mm, false, s, e, count_fn, &c);
}

/*
 * The page-table chunks (one PTE page: 2 MiB) of one VMA's zap, and what
 * zap_pte_range does at the end of each: a file or shmem page whose PTE was
 * dirty (!PageAnon && pte_dirty) sets force_flush, and the gather is flushed
 * there (tlb_flush_mmu_tlbonly, before the PTE lock goes: the page must not
 * be written back while a CPU can still dirty it).
 */
struct chunk {
	uint64_t pmd, lo, hi;	/* vpn >> 9 (key_cmp's key); the present pages' first and last */
	bool present;
	bool sure;		/* a page not only fault-around's (page.maybe) */
	bool force, force_maybe;	/* a dirty shared page; one that may be dirty */
};

_Static_assert(offsetof(struct chunk, pmd) == 0, "chunk's key first (key_cmp)");

struct chunks {
	struct rmm *m;
	struct chunk *c;
	uint32_t n, alloc;
	const char *why;
	bool seen;		/* a page of the range the model has a record of */
};

/*
 * Is @p's PTE dirty on a page that is not anonymous (shared file, shmem,
 * MAP_SHARED|MAP_ANONYMOUS)? 1 yes, 0 no, -1 maybe: a shared writable
 * page the trace saw only read may have been written since (arm64's
 * hardware dirty state, TCR_EL1.HD: a write through a writable-clean PTE
 * dirties it with no fault). Private mappings: an anonymous page, or a
 * file page mapped read-only (a write copies it first): never.
 *
 * Known clean where the CPU has no hardware dirty state: the recorder's
 * access_flag=software says TCR_EL1.HA is off, and __cpu_setup (arch/arm64/
 * mm/proc.S) sets HA wherever ID_AA64MMFR1_EL1.HAFDBS is not 0 (under
 * CONFIG_ARM64_HW_AFDBM), while cpu_enable_hw_dbm (arch/arm64/kernel/
 * cpufeature.c, ARM64_HW_DBM: HAFDBS >= 2, the same config) is what sets
 * HD: no HA, no HD (6.1 and 6.12). A writable clean PTE is then
 * PTE_WRITE|PTE_RDONLY (vm_page_prot's PAGE_SHARED; pte_mkwrite clears
 * PTE_RDONLY only of a PTE_DIRTY one; mprotect makes writable only a dirty
 * PTE: can_change_pte_writable's pte_dirty test), so the first write takes
 * a permission fault, handle_pte_fault's pte_mkdirty, which the trace
 * shows (tlbr:fault, a write: page.dirty). Where the address space was
 * created in the trace (exec, fork: every shared PTE of it made there;
 * fork copies none, vma_needs_copy) and no events were lost since the PTE
 * last changed (a write fault may be among them), a shared page the trace
 * never saw written is clean: zap_pte_range (6.1 mm/memory.c: `if
 * (!PageAnon(page)) { if (pte_dirty(ptent)) { force_flush = 1; ...`;
 * 6.12 zap_present_folio_ptes, the same test, `if (tlb_delay_rmap(tlb))`)
 * does not force a flush for it. (A large folio's batch, a contpte block,
 * gathers the dirty bits of its PTEs: all in one PTE page, one chunk here,
 * whose force any dirty page of it sets. userfaultfd's UFFDIO_COPY maps a
 * PTE dirty with no fault; the trace shows no ioctl.)
 */
static int dirty_shared(const struct replay *r, const struct rmm *m, const struct page *p)
{
	const struct vma *v = m ? tlbr_vma_find(m, p->vpn << PAGE_SHIFT) : NULL;

	if (!p->present)
		return 0;
	if (!v)	/* a mapping the trace does not know: written, it may be shared */
		return m && !m->vmas_known && p->dirty ? -1 : 0;
	if (!v->shared)
		return 0;
	if (p->dirty)
		return 1;
	if (r->o.sw_access_flag && m->born && p->since >= r->lost_seq)
		return 0;
	return v->prot & TLBR_PROT_WRITE ? -1 : 0;
}

static void chunk_fn(struct replay *r, struct page *p, void *a)
{
	struct chunks *cs = a;
	uint64_t pmd = p->vpn / PMD_PAGES;
	struct chunk *c = NULL;
	int d;

	cs->seen = true;
	/*
	 * pte_present(): a PROT_NONE PTE is present too (arm64: PTE_PROT_NONE,
	 * 6.12 PTE_PRESENT_INVALID); zap_present_ptes() gathers it
	 * (tlb_remove_tlb_entries) and tlb_end_vma() flushes it
	 */
	if (p->mapped) {
		for (uint32_t i = cs->n; i-- > 0;)
			if (cs->c[i].pmd == pmd) {
				c = &cs->c[i];
				break;
			}
		if (!c && cs->n == cs->alloc) {
			uint32_t na = cs->alloc ? cs->alloc * 2 : 16;
			struct chunk *nc = realloc(cs->c, na * sizeof(*nc));

			if (nc) {
				cs->c = nc;
				cs->alloc = na;
			}
		}
		if (!c && cs->n < cs->alloc) {
			c = &cs->c[cs->n++];
			*c = (struct chunk){ .pmd = pmd, .lo = p->vpn, .hi = p->vpn };
		}
		if (c) {
			c->present = true;
			c->sure |= !p->maybe;
			if (p->vpn < c->lo)
				c->lo = p->vpn;
			if (p->vpn > c->hi)
				c->hi = p->vpn;
			d = dirty_shared(r, cs->m, p);
			c->force |= d > 0;
			c->force_maybe |= d < 0;
		}
	}
	tlbr_pte_set(r, p, false, false, false, false, false, cs->why);
}

/*
 * @maybe: a shared page that may be dirty forces it; !@sure: only pages
 * fault-around may have mapped were gathered
 */
static void zap_point(struct replay *r, const struct tlbr_event *ev, uint64_t lo, uint64_t hi,
		      bool maybe, bool sure)
{
	struct flushreq q;

	tlbr_req_init(r, &q, ev->flush.site, ev->mm);
	q.start_vpn = lo;
	q.end_vpn = hi + 1;
	q.real = ev->flush.exec;
	q.maybe = maybe || !sure;
	if (maybe)
		tlbr_unsure(r, &q, TLBR_UNSURE_DIRTY);
	if (!sure)
		tlbr_unsure(r, &q, TLBR_UNSURE_AROUND);
	tlbr_flush_point(r, &q);
}

/* Is a page of the walk mapped (a PTE the trace showed)? Stops the walk at the first. */
static void any_mapped_fn(struct replay *r, struct page *p, void *a)
{
	if (p->mapped && !p->standin) {
		*(bool *)a = true;
		r->stop_walk = true;
	}
}

/*
 * One VMA's zap (TLBR_FLUSH_PRESENT_ONLY: unmap_page_range): every page of
 * the range is cleared; zap_pte_range flushes what it gathered so far at the
 * end of each 2 MiB chunk with a dirty page that is not anonymous
 * (force_flush), and tlb_end_vma flushes what is left. A chunk whose shared
 * pages may be dirty (written with no fault the trace shows) is a flush
 * point of its own, uncertain; the last one before the end is one flush
 * either way (its own or tlb_end_vma's).
 */
void tlbr_zap_vma(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	struct chunks cs = { .m = tlbr_mm_get(r, ev->mm), .why = "zap" };
	uint64_t s = ev->flush.start >> PAGE_SHIFT;
	uint64_t e = TLBR_PAGES_UP(ev->flush.end);
	uint64_t lo = 0, hi = 0;
	bool gathered = false, sure = false;
	uint32_t i;

	if (t) {
		t->zapped = true;
		t->zap_force = false;
		if (t->sys == TLBR_SYS_MADVISE + 1)
			cs.why = "madvise";
		else if (t->sys)
			cs.why = tlbr_syscall_name((enum tlbr_syscall)(t->sys - 1));
	}
	if (!ev->mm || e <= s)
		return;
	/*
	 * a range with a page the trace showed (so a PTE cleared: tlb_end_vma
	 * -> tlb_flush_mmu_tlbonly() flushes the gathered range, every PTE
	 * zap_pte_range() cleared in it) and pages it did not: those may be
	 * present too, and the one flush covers them (tlbr_unknown_stand_in:
	 * one stand-in, maybe present, held where such pages may be); before,
	 * the flush point covered the pages seen only, and a flush of those
	 * no other CPU held was "certainly avoidable"
	 */
	if (cs.m && (!cs.m->born || cs.m->unknown_from || mm_anywhere(cs.m))) {
		bool any = false;

		tlbr_for_pages(r, ev->mm, false, s, e, any_mapped_fn, &any);
		if (any)
			(void)tlbr_unknown_stand_in(r, ev->mm, s, e);
		cs.m = tlbr_mm_get(r, ev->mm);	/* page_get may grow the tables */
	}
	tlbr_for_pages(r, ev->mm, false, s, e, chunk_fn, &cs);
	/*
	 * a range the trace never showed a page of, where pages the model has
	 * no record of may be present (an mm older than the trace, or events
	 * lost): tlb_end_vma flushed those, but no flush point checks them
	 */
	if (!cs.seen && cs.m && (!cs.m->born || cs.m->unknown_from || mm_anywhere(cs.m)))
		r->res.unchecked_flushes++;
	if (cs.n > 1)
		qsort(cs.c, cs.n, sizeof(*cs.c), key_cmp);
	for (i = 0; i < cs.n; i++) {
		const struct chunk *c = &cs.c[i];
		bool last_maybe = c->force_maybe && !c->force;

		if (!gathered) {
			lo = c->lo;
			sure = false;
		}
		hi = c->hi;
		gathered = true;
		sure |= c->sure;
		/* the last chunk's maybe: a flush either way (no later chunk gathers) */
		for (uint32_t k = i + 1; last_maybe && k < cs.n; k++)
			last_maybe = false;
		if (c->force || last_maybe) {
			zap_point(r, ev, lo, hi, false, sure || c->force);
			gathered = false;
		} else if (c->force_maybe) {
			zap_point(r, ev, lo, hi, true, true);
		}
	}
	if (gathered)
		zap_point(r, ev, lo, hi, false, sure);
	if (t && cs.n) {	/* a resched in it may flush once more: zap_preempted */
		t->zap_force = false;
		for (i = 0; i < cs.n; i++)
			t->zap_force |= cs.c[i].force || cs.c[i].force_maybe;
		t->zap_mm = ev->mm;
		t->zap_lo = cs.c[0].lo;
		t->zap_hi = cs.c[cs.n - 1].hi;
	}
	free(cs.c);
}

/*
 * @t, zapping a VMA with dirty shared pages, was switched out while
 * runnable (@ev): zap_pte_range breaks its loop when need_resched() and
 * flushes what it gathered if force_flush is set by then, before the
 * cond_resched() that switches (on a kernel with full preemption the switch
 * may also come anywhere, with no flush): one more flush the trace cannot
 * confirm, an uncertain point over the VMA's pages.
 */
void tlbr_zap_preempted(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	struct flushreq q;

	/* runnable: TASK_RUNNING, or TASK_REPORT_MAX (0x100, "R+": preempted, as
	 * __cond_resched's preempt_schedule_common -> __schedule(SM_PREEMPT) is) */
	if (!t->zap_force || !t->sys || (ev->sw.prev_state & ~(int64_t)0x100) != 0)
		return;
	tlbr_req_init(r, &q, TLBR_SITE_ZAP, t->zap_mm);
	q.cpu = ev->cpu;
	q.start_vpn = t->zap_lo;
	q.end_vpn = t->zap_hi + 1;
	q.real = TLBR_EXEC_BROADCAST;
	q.maybe = true;
	tlbr_unsure(r, &q, TLBR_UNSURE_DIRTY);
	tlbr_flush_point(r, &q);
}

/*
 * The zaps of @t's syscall over [s, e) (vpns), where the trace did not show
 * them: one flush point per VMA the model knows that had an entry.
 */
static void zap_range(struct replay *r, struct rtask *t, uint32_t mm, uint64_t s, uint64_t e,
		      bool points)
{
	struct groups gs = { .m = tlbr_mm_get(r, mm), .zap = true, .why = "zap" };

	if (t->sys)
		gs.why = tlbr_syscall_name((enum tlbr_syscall)(t->sys - 1));
	if (e <= s)
		return;
	tlbr_for_pages(r, mm, false, s, e, group_fn, &gs);
	if (points)
		group_points(r, &gs, mm, TLBR_SITE_ZAP, TLBR_EXEC_BROADCAST, false, false);
}

/*
 * The VMAs of [s, e) (pages) with mapped PTEs, and the range of those in
 * each: the flushes of an munmap's zap on a kernel without
 * MMU_GATHER_MERGE_VMAS (arm64), whose tlb_end_vma() flushes each VMA's
 * cleared range (tlb_flush_mmu_tlbonly, include/asm-generic/tlb.h) where
 * x86's merges them all into tlb_finish_mmu()'s one flush. Asked before the
 * munmap is applied. O(pages of the range).
 */
void tlbr_unmap_vma_ranges(struct replay *r, uint32_t mm, uint64_t s, uint64_t e,
			   struct tlbr_vma_ranges *v)
{
	struct groups gs = { .m = tlbr_mm_get(r, mm), .why = "munmap" };

	v->n = 0;
	if (e <= s || !gs.m)
		return;
	tlbr_for_pages(r, mm, false, s, e, group_fn, &gs);
	for (unsigned int i = 0; i < gs.n && i < TLBR_VMA_RANGES; i++, v->n++) {
		v->lo[i] = gs.g[i].lo;
		v->hi[i] = gs.g[i].hi;
		v->vstart[i] = gs.g[i].vstart;
	}
}

/*
 * The range of @vpn's VMA among @v grows to cover it (a stand-in for pages
 * the model lacks, tlbr_unknown_stand_in: the VMA's flush covers whatever
 * PTE it cleared); none is added for a VMA @v does not have. O(log VMAs + n).
 */
void tlbr_vma_ranges_cover(struct replay *r, uint32_t mm, struct tlbr_vma_ranges *v, uint64_t vpn)
{
	struct rmm *m = tlbr_mm_get(r, mm);
	const struct vma *a = m ? tlbr_vma_find(m, vpn << PAGE_SHIFT) : NULL;
	uint64_t vs = a ? a->start : 0;

	for (unsigned int i = 0; i < v->n; i++)
		if (v->vstart[i] == vs) {
			if (vpn < v->lo[i])
				v->lo[i] = vpn;
			if (vpn > v->hi[i])
				v->hi[i] = vpn;
			return;
		}
}

/*
 * madvise FREE, COLD and PAGEOUT: the kernel flushes, per VMA through the
 * gather (tlb_end_vma), only the present PTEs it made old or clean:
 * madvise_cold_or_pageout_pte_range() takes a PTE that is pte_young()
 * (ptep_get_and_clear_full, pte_mkold, tlb_remove_tlb_entry), skipping the
 * zero page (vm_normal_page) and pages a fork shares (page_mapcount != 1);
 * madvise_free_pte_range() one that is young or dirty (pte_mkold,
 * pte_mkclean). Since Linux 6.10 PAGEOUT ages nothing ("mm: madvise:
 * pageout: ignore references rather than clearing young": `if (!pageout &&
 * pte_young(ptent))` in 6.12) and flushes nothing here; reclaim_pages()
 * unmaps what it can (try_to_unmap_one: reclaim events) either way.
 *
 * Young: a fault makes a PTE young (arm64's PAGE_* protections carry
 * PTE_AF; handle_pte_fault's pte_mkyoung), but the trace proves neither
 * young nor old at the aging: with the hardware Access flag (TCR_EL1.HA,
 * set by __cpu_setup where ID_AA64MMFR1_EL1.HAFDBS says so) any access
 * through a page-table walk makes it young with no fault to see (the qemu
 * suite's 6.1 guest: a COLD after plain reads flushed all 16 pages again),
 * and what makes it old is not all traced: process_madvise(COLD, PAGEOUT)
 * (stress-ng --madvise ages its whole buffer so before its threads start),
 * reclaim's folio_referenced, /proc/PID/clear_refs, MGLRU's walks. So a
 * COLD or PAGEOUT group is a point the kernel may or may not have flushed:
 * put (the conservative count) and marked maybe. MADV_FREE also flushes
 * a dirty PTE: a page written by a fault since FREE last cleaned it (a
 * private anonymous page: only MADV_FREE cleans it, or KSM replaces it)
 * proves its group's flush.
 */
/*
 * Where MADV_FREE's walk stops on Linux 6.1 (Debian's, from the stable
 * branch) to 6.8: madvise_free_pte_range meets a PTE of a large folio and
 * `if (folio_estimated_sharers(folio) != 1) break;`, the mapcount of the
 * folio's first page - 0 where a zap of part of a huge page unmapped it
 * (zap_pmd_range splits the PMD, not the folio): the rest of that PMD's
 * range is left as it is, nothing made clean or old there. (6.9 on:
 * folio_likely_mapped_shared() and `continue`; a first page unmapped is
 * not shared: the folio is split.) Per PMD, the lowest such page.
 */
struct free_stops {
	struct groups *gs;
	unsigned int alloc;
};

/* The walk of PMD @pmd stops at @vpn (the lowest such per PMD; @maybe: may not). */
static void add_stop(struct free_stops *fs, uint64_t pmd, uint64_t vpn, bool maybe)
{
	struct groups *gs = fs->gs;
	unsigned int k;

	for (k = 0; k < gs->nstop && gs->stop[k].pmd != pmd; k++)
		;
	if (k < gs->nstop) {
		if (vpn < gs->stop[k].vpn)
			gs->stop[k].vpn = vpn;
		gs->stop[k].maybe |= maybe;
		return;
	}
	if (gs->nstop == fs->alloc) {
		unsigned int na = fs->alloc ? fs->alloc * 2 : 8;
		struct free_stop *ns = realloc(gs->stop, na * sizeof(*ns));

		if (!ns)
			return;
		gs->stop = ns;
		fs->alloc = na;
	}
	gs->stop[gs->nstop++] = (struct free_stop){ pmd, vpn, maybe };
}

static void free_stop_fn(struct replay *r, struct page *p, void *a)
{
	struct free_stops *fs = a;
	const struct page *first;
	uint64_t pmd = p->vpn / PMD_PAGES;
	bool maybe;

	if (!p->mapped || !p->large || p->zero)
		return;
	first = tlbr_page_find(r, p->mm, pmd * PMD_PAGES);
	if (first && first->mapped && first->large && !first->cow)
		return;		/* mapped once: the folio is split, the walk goes on */
	/*
	 * A COW-shared folio (a fork write-protected it: this page or the
	 * first) may be mapped by another address space, or no longer (the
	 * child exited, exec'd or copied its pages): the first page's
	 * mapcount is not known, 1 or not, and the walk may go on. Only a
	 * folio never COW-shared is known to have its first page mapped
	 * nowhere else.
	 */
	maybe = p->cow || (first && first->cow);
	add_stop(fs, pmd, p->vpn, maybe);
}

/*
 * Where madvise_cold_or_pageout_pte_range's walk of a PMD may stop before
 * Linux 6.9 (6.1 mm/madvise.c): at a PTE-mapped large folio
 * (PageTransCompound) mapped more than once, or whose split_huge_page()
 * fails: `break`. A large page at the aging is one the trace did not see
 * split: the walk may have stopped there (maybe: whether the split was
 * tried and failed the trace does not show).
 */
static void cold_stop_fn(struct replay *r, struct page *p, void *a)
{
	(void)r;
	/* (the page itself is not aged: group_fn; the walk may stop after it) */
	if (p->mapped && p->present && p->large && !p->zero)
		add_stop(a, p->vpn / PMD_PAGES, p->vpn + 1, true);
}

/*
 * From an x86 trace, for an arm64 kernel 6.1 to 6.7 (Debian's 6.1; not
 * 6.8, which batches a split's flushes, nor 6.9+, which splits a folio
 * not mapped shared): the large folios x86's MADV_FREE split (x86 6.9+
 * splits one in madvise_free_pte_range(), the trace shows its one-page
 * flushes) are the huge pages the model knows from their allocation, and
 * what 6.1's madvise_free_pte_range() does with them the model can say:
 * it meets a PTE of one and `if (folio_estimated_sharers(folio) != 1)
 * break;` - the mapcount of the folio's first page (free_stop_fn) - else
 * split_folio() (try_to_migrate_one -> ptep_clear_flush for each PTE the
 * folio maps, site fault; it succeeds where x86's split of the same folio
 * did: no pin, can_split_folio()). A folio the walk meets after a PTE of
 * it was COW-shared may be mapped shared: not known.
 */
struct free61 {
	struct groups *gs;
	unsigned int split, maybe, stopped;	/* large pages, by what the walk does at them */
	bool pre;	/* a small present page the walk meets before any stop */
};

static const struct free_stop *stop_of(const struct groups *gs, uint64_t vpn)
{
	for (unsigned int k = 0; k < gs->nstop; k++)
		if (gs->stop[k].pmd == vpn / PMD_PAGES)
			return &gs->stop[k];
	return NULL;
}

static void free61_fn(struct replay *r, struct page *p, void *a)
{
	struct free61 *f = a;
	const struct free_stop *st;

	(void)r;
	if (!p->mapped || !p->present || p->zero)
		return;
	st = stop_of(f->gs, p->vpn);
	if (!p->large) {
		if (!st || p->vpn < st->vpn)
			f->pre = true;
	} else if (st && p->vpn >= st->vpn) {
		if (st->maybe)
			f->maybe++;
		else
			f->stopped++;
	} else if (p->cow) {
		f->maybe++;	/* mapped shared maybe: split_folio() may fail */
	} else {
		f->split++;
	}
}

/*
 * 6.1's split of a large folio (split_huge_page(), split_folio()) in the
 * arm64 kernel predicted: small folios, on the LRU list beside the head
 * (lru_add_page_tail(): the head was on it, a large folio is added at
 * once), none remapped to the zero page (6.12's RMP_USE_SHARED_ZEROPAGE),
 * the Access and dirty bits kept (try_to_migrate_one's
 * make_migration_entry_young/dirty, remove_migration_pte: arm64 6.1's swap
 * offset has the SWP_MIG_TOTAL_BITS, migration_entry_supports_ad()).
 */
static void split61_fn(struct replay *r, struct page *p, void *a)
{
	(void)a;
	if (!p->large || !p->mapped)
		return;
	tlbr_lru_set(r, p, LRU_ON, -1);
	r->lru[p->idx].zero = 0;
	p->large = false;
	p->cont = p->cont_maybe = false;
}

/*
 * @t's MADV_FREE, at x86's first split flush: 1 the 6.1 walk splits every
 * large folio of the range (then split, in the model, from the range's
 * first to its last PMD), 0 it stops at each, before a small present
 * page (@pre) or not, -1 not known (no large page, a maybe, both). O(pages
 * of the range).
 */
int tlbr_free61_walk(struct replay *r, struct rtask *t, uint32_t mm, bool *pre)
{
	struct groups gs = { 0 };
	struct free_stops fs = { .gs = &gs };
	struct free61 f = { .gs = &gs };
	uint64_t s, e;
	int res;

	*pre = false;
	tlbr_range_of(&t->call, &s, &e);
	if (e <= s)
		return -1;
	tlbr_for_pages(r, mm, false, s, e, free_stop_fn, &fs);
	tlbr_for_pages(r, mm, false, s, e, free61_fn, &f);
	free(gs.stop);
	*pre = f.pre;
	res = f.maybe || (f.split && f.stopped) || (!f.split && !f.stopped) ? -1 : f.split ? 1 : 0;
	if (res == 1)
		tlbr_for_pages(r, mm, false, s & ~(uint64_t)(PMD_PAGES - 1),
			       (e + PMD_PAGES - 1) & ~(uint64_t)(PMD_PAGES - 1), split61_fn, NULL);
	return res;
}

/* The lowest large page of a PMD's part of an aged range (cold61_splits). */
struct cold61 {
	uint64_t vpn;
	bool found, ok;
	uint64_t *v;	/* the folio's present PTEs (the whole PMD) */
	unsigned int n;
};

static void cold61_first_fn(struct replay *r, struct page *p, void *a)
{
	struct cold61 *c = a;

	(void)r;
	if (!p->mapped || !p->present || !p->large || p->zero || (c->found && p->vpn > c->vpn))
		return;
	c->found = true;
	c->vpn = p->vpn;
	c->ok = !p->cow && p->remapped;
}

static void cold61_list_fn(struct replay *r, struct page *p, void *a)
{
	struct cold61 *c = a;

	(void)r;
	if (p->mapped && p->present && p->large && !p->zero && c->n < PMD_PAGES)
		c->v[c->n++] = p->vpn;
}

/*
 * From an x86 trace, for an arm64 kernel 6.1 to 6.7: a madvise COLD or
 * PAGEOUT walk (6.1's madvise_cold_or_pageout_pte_range()) meets a PTE of a
 * large folio (PageTransCompound) `if (page_mapcount(page) != 1) break;`,
 * else split_huge_page(page) (try_to_migrate_one -> ptep_clear_flush for
 * each PTE the folio maps: a broadcast each, site fault, arm64's only) and
 * `pte--; addr -= PAGE_SIZE; continue;`: the walk goes on over the small
 * folios, aging them (group_fn). Where the folio is one x86's MADV_FREE
 * split and 6.1's certainly did not (page.remapped: engine.c marks a
 * folio so only where tlbr_free61_walk() said 0, the walk stopped at it;
 * x86's split succeeded, so no pin kept it whole; and nothing changed its
 * PTEs since), the split is this walk's: certain, where the PTE met is
 * not COW-shared (a mapcount not 1 stops the walk: cold_stop_fn's
 * maybe). O(pages of the range, and 512 a folio split).
 */
static void cold61_splits(struct replay *r, uint32_t mm, uint64_t s, uint64_t e)
{
	uint64_t b, v[PMD_PAGES];

	for (b = s & ~(uint64_t)(PMD_PAGES - 1); b < e; b += PMD_PAGES) {
		struct cold61 c = { .v = v };
		uint64_t lo = b > s ? b : s, hi = b + PMD_PAGES < e ? b + PMD_PAGES : e;

		tlbr_for_pages(r, mm, false, lo, hi, cold61_first_fn, &c);
		if (!c.found || !c.ok)
			continue;
		tlbr_for_pages(r, mm, false, b, b + PMD_PAGES, cold61_list_fn, &c);
		for (unsigned int i = 0; i < c.n; i++) {
			struct flushreq q;

			tlbr_req_init(r, &q, TLBR_SITE_FAULT, mm);
			q.real = TLBR_EXEC_BROADCAST;
			q.arm64_only = true;
			q.start_vpn = v[i];
			q.end_vpn = v[i] + 1;
			tlbr_flush_point(r, &q);
		}
		tlbr_for_pages(r, mm, false, b, b + PMD_PAGES, split61_fn, NULL);
	}
}

/*
 * Does madvise_cold_or_pageout_pte_range() flush a young huge PMD of its
 * own, before the gather's (on the arm64 kernel predicted)? 1: 6.1 (`if
 * (pmd_young(orig_pmd)) { pmdp_invalidate(vma, addr, pmd); orig_pmd =
 * pmd_mkold(orig_pmd); set_pmd_at(...); tlb_remove_pmd_tlb_entry(...); }`,
 * pmdp_invalidate -> flush_pmd_tlb_range); 0: 6.12 (`if (!pageout &&
 * pmd_young(orig_pmd)) { pmdp_test_and_clear_young(vma, addr, pmd);
 * tlb_remove_pmd_tlb_entry(tlb, pmd, addr); }`: no flush but the
 * gather's); -1 a version between, or unknown.
 */
static int pmd_age_invalidates(const struct replay *r)
{
	unsigned int k = !r->arm64_seen && r->o.arm64_kernel ? r->o.arm64_kernel : r->o.kernel;

	return !k ? -1 : k < TLBR_KVER(6, 2) ? 1 : k >= TLBR_KVER(6, 12) ? 0 : -1;
}

/*
 * A huge PMD the aged range covers whole: madvise_cold_or_pageout_pte_range()
 * (6.1 and 6.12 mm/madvise.c) ages a young one where the folio is mapped
 * once (`page_mapcount(page) != 1` skips it), madvise_free_huge_pmd() a
 * young or dirty one alike; 6.1's COLD/PAGEOUT (pmd_age_invalidates) and
 * madvise_free_huge_pmd() on 6.1 and 6.12 invalidate it at once, a flush
 * of its own before the gather's. Proven where the trace proves
 * it young (dirty: FREE) as group_fn() does, none where the software Access
 * flag shows it old (and clean), else uncertain. With the huge PMD's young
 * branch probed (gs->probe_pmd: tlbr:age_young_pmd) each PMD it showed is
 * young, certain (its gather range is young_groups()'), and one it did not
 * show put nothing, whatever the model knew of it (group_fn() groups no
 * huge page then; with the PTE's branch probed only it groups the huge
 * page's gather range by the model's rule). A PMD the range covers in part
 * is split instead (split_huge_page: the trace's split). O(PMDs of the
 * range).
 */
static void huge_age_points(struct replay *r, const struct groups *gs, uint32_t mm, uint64_t s,
			    uint64_t e, bool unsure, bool arm64_only)
{
	/* madvise_free_huge_pmd(): `pmdp_invalidate(vma, addr, pmd);` on 6.1 and 6.12 alike */
	int inv = gs->clean ? 1 : pmd_age_invalidates(r);
	uint64_t b;

	for (b = (s + PMD_PAGES - 1) & ~(uint64_t)(PMD_PAGES - 1); b + PMD_PAGES <= e;
	     b += PMD_PAGES) {
		const struct page *p = tlbr_page_find(r, mm, b);
		bool proven, none;
		struct flushreq q;

		if (gs->probe_pmd) {
			if (!young_pmd_hit(gs, b) || !inv)
				continue;
			proven = true;
		} else {
			if (!p || !p->present || !p->huge || p->zero || (gs->exclusive && p->cow))
				continue;
			proven = (p->young == PAGE_YOUNG && gs->young_seen) ||
				 (gs->clean && p->dirty);
			none = gs->sw_af && p->young == PAGE_OLD && !(gs->clean && p->dirty);
			if (!unsure && !proven && none)
				continue;
			if (!inv)
				continue;
		}
		tlbr_req_init(r, &q, TLBR_SITE_ZAP, mm);
		q.start_vpn = b;
		q.end_vpn = b + PMD_PAGES;
		q.real = TLBR_EXEC_BROADCAST;
		q.arm64_only = arm64_only;
		q.maybe = unsure || !proven || inv < 0;
		q.maybe_keeps = q.maybe && !gs->clean;	/* pmd_mkold: no permission changed */
		if (q.maybe)
			tlbr_unsure(r, &q, unsure ? TLBR_UNSURE_PAGEOUT : TLBR_UNSURE_AGE);
		tlbr_flush_point(r, &q);
	}
}

/*
 * Do the recorder's probes decide @t's madvise aging in @mm: the young
 * branch probed (age_young=traced; MADV_FREE's, age_free=traced), the
 * task's own madvise on a kernel whose PAGEOUT rule is known, no events
 * lost since it began (an age_young among them)? (Its points when every
 * age_young of it is in.)
 */
static bool probe_decides(const struct replay *r, const struct rtask *t, uint32_t mm)
{
	uint64_t advice = t->call.madvise.advice;

	return (advice == TLBR_MADV_FREE ? r->o.age_free_traced : r->o.age_young_traced) &&
	       r->arm64_seen && !t->young_lost && mm == t->mm &&
	       !(advice == TLBR_MADV_PAGEOUT && tlbr_pageout_ages(r, true) < 0) &&
	       r->lost_seq <= t->sys_seq;
}

static void age_range(struct replay *r, struct rtask *t, uint32_t mm, uint64_t s, uint64_t e,
		      bool points, bool walk_done)
{
	uint64_t advice = t->call.madvise.advice;
	struct groups gs = {
		.m = tlbr_mm_get(r, mm), .present_only = true, .skip_zero = true, .age = true,
		.exclusive = advice != TLBR_MADV_FREE, .clean = advice == TLBR_MADV_FREE,
		.sw_af = r->o.sw_access_flag, .why = "madvise(MADV_FREE)",
		.lru_check = advice != TLBR_MADV_FREE, .cpu = t->sys_cpu,
		.young_seen = (r->arm64_seen || r->o.sw_access_flag) && r->o.lru_gen_off &&
			      !r->o.damon_on && !r->kdamond_seen,
		/*
		 * PAGEOUT isolates what it takes and puts back what reclaim
		 * left (reclaim_folio_list: folio_putback_lru -> folio_add_lru);
		 * from 6.11 folio_deactivate (COLD) and folio_mark_lazyfree
		 * (FREE) batch with PG_lru clear too (not 6.1's deactivate_page,
		 * mark_page_lazyfree); a kernel of unknown version may
		 */
		.lru_batch = advice == TLBR_MADV_PAGEOUT || !r->o.kernel ||
			     r->o.kernel >= TLBR_KVER(6, 11),
	};
	bool pageout = advice == TLBR_MADV_PAGEOUT;
	/* PAGEOUT: does the traced kernel age, does the arm64 kernel predicted? */
	int traced = pageout ? tlbr_pageout_ages(r, false) : 1;
	int arm64 = pageout ? tlbr_pageout_ages(r, true) : 1;
	/*
	 * an x86 trace of a kernel whose PAGEOUT ages nothing (6.10+), for an
	 * arm64 kernel whose PAGEOUT ages (before 6.10) or may: its flushes
	 * are arm64's only, and uncertain (young bits: no x86 trace shows
	 * them), wherever the x86 trace showed flushes or none
	 */
	bool arm64_only = pageout && traced == 0 && arm64 != 0 && !r->arm64_seen;

	/*
	 * there, which PTEs the walk finds young no x86 flush says (x86's
	 * PAGEOUT ages nothing), but a PTE is made young (vm_page_prot's
	 * PTE_AF, arm64 and x86 alike: a fault's new PTE, pte_mkyoung) and
	 * made old only by an aging, and on an arm64 machine where nothing
	 * ages unseen (--arm64-aging none; diff --against: AFTER's metadata,
	 * MGLRU and DAMON off) every aging the program's trace does not show
	 * is reclaim's: a fault since the last madvise aging proves the PTE
	 * young there, as on an arm64 trace (not where x86's own kernel ages:
	 * its flush, or its absence, says)
	 */
	if (arm64_only && r->o.arm64_aging == TLBR_AGING_NONE)
		gs.young_seen = true;
	t->aged = true;
	if (e <= s)
		return;
	/*
	 * the young branch probed (age_young=traced) and the walk done (the
	 * syscall's return: every age_young of it is in; not PAGEOUT's aging
	 * taken before its first reclaim, whose later PMDs are still to come:
	 * tlbr_age_before_reclaim), the task's own madvise on a kernel whose
	 * PAGEOUT rule is known, no events lost since it began (an age_young
	 * among them)
	 */
	if (walk_done && probe_decides(r, t, mm)) {
		young_sort(t);
		gs.probe = true;
		gs.young = t->young;
		gs.nyoung = t->nyoung;
		if (r->o.age_young_pmd_traced && advice != TLBR_MADV_FREE) {
			qsort(t->young_pmd, t->nyoung_pmd, sizeof(*t->young_pmd), vpn_cmp);
			gs.probe_pmd = true;
			gs.ypmd = t->young_pmd;
			gs.nypmd = t->nyoung_pmd;
		}
	}
	/* madvise_cold(), madvise_pageout(), madvise_free_single_vma(): lru_add_drain() */
	tlbr_lru_drain(r, t->sys_cpu);
	/* x86, for arm64 6.1-6.7: a folio x86's MADV_FREE split, 6.1's COLD or PAGEOUT splits */
	if (advice != TLBR_MADV_FREE && !r->arm64_seen && r->o.arm64_kernel >= TLBR_KVER(6, 1) &&
	    r->o.arm64_kernel < TLBR_KVER(6, 8))
		cold61_splits(r, mm, s, e);
	if (arm64 == 0) {	/* no aging: PAGEOUT still takes and puts back (lru.c) */
		gs.age = false;
		tlbr_for_pages(r, mm, false, s, e, group_fn, &gs);
		return;		/* on an x86 trace, x86's own aging flush is x86_only (engine.c) */
	}
	/*
	 * (an x86 trace for arm64 6.1-6.7, whose folios the model knows: the
	 * pages past a stop keep their state there, as tlbr_free61_walk says)
	 */
	if (advice == TLBR_MADV_FREE &&
	    ((r->arm64_seen && r->o.kernel >= TLBR_KVER(6, 1) && r->o.kernel < TLBR_KVER(6, 9)) ||
	     (!r->arm64_seen && r->o.arm64_kernel >= TLBR_KVER(6, 1) &&
	      r->o.arm64_kernel < TLBR_KVER(6, 8)))) {
		struct free_stops fs = { .gs = &gs };

		tlbr_for_pages(r, mm, false, s, e, free_stop_fn, &fs);
	} else if (advice != TLBR_MADV_FREE && (!r->o.kernel || r->o.kernel < TLBR_KVER(6, 9))) {
		struct free_stops fs = { .gs = &gs };

		tlbr_for_pages(r, mm, false, s, e, cold_stop_fn, &fs);
	}
	/* (before group_fn makes them old) */
	if (points || arm64_only)
		huge_age_points(r, &gs, mm, s, e, pageout && arm64 < 0, arm64_only);
	tlbr_for_pages(r, mm, false, s, e, group_fn, &gs);
	if (gs.probe)
		young_groups(&gs, s, e);
	free(gs.stop);
	/* a kernel of unknown version: PAGEOUT may not age at all */
	if (points || arm64_only)
		group_points(r, &gs, mm, TLBR_SITE_ZAP, TLBR_EXEC_BROADCAST,
			     pageout && arm64 < 0, arm64_only);
}

/*
 * Does madvise(MADV_PAGEOUT) age the range's PTEs, flushing the young ones
 * (madvise_cold_or_pageout_pte_range(), 6.1 mm/madvise.c: `if
 * (pte_young(ptent))` for COLD and PAGEOUT alike), on the traced kernel
 * (@arm64 false) or on the arm64 kernel the prediction follows (true: an
 * arm64 trace's own, an x86 trace's tlbr_replay_opts.arm64_kernel)? 1 yes:
 * before Linux 6.10; 0 no: since 6.10 ("mm: madvise: pageout: ignore
 * references rather than clearing young", `if (!pageout &&
 * pte_young(ptent))` in 6.12's madvise_cold_or_pageout_pte_range); -1 the
 * version is unknown.
 */
int tlbr_pageout_ages(const struct replay *r, bool arm64)
{
	unsigned int k = arm64 && !r->arm64_seen ? r->o.arm64_kernel : r->o.kernel;

	return !k ? -1 : k < TLBR_KVER(6, 10);
}

/* Has @mm a huge page mapped in [@s, @e) (pages), as the model knows? O(PMDs). */
static bool huge_in_range(struct replay *r, uint32_t mm, uint64_t s, uint64_t e)
{
	for (uint64_t b = s & ~(uint64_t)(PMD_PAGES - 1); b < e; b += PMD_PAGES) {
		const struct page *p = tlbr_page_find(r, mm, b);

		if (p && p->mapped && p->huge)
			return true;
	}
	return false;
}

/*
 * A reclaim unmap inside madvise(MADV_PAGEOUT): the walk aged the range's
 * PTEs before reclaim_pages() unmapped them (madvise_cold_or_pageout_pte_range
 * ages a PMD's pages, then reclaims them; tlb_end_vma flushes after): the
 * aging is taken now, while the model still has the pages.
 */
void tlbr_age_before_reclaim(struct replay *r, struct rtask *t, uint32_t mm)
{
	uint64_t s, e;

	if (t->aged || t->sys != TLBR_SYS_MADVISE + 1 || t->call.madvise.advice != TLBR_MADV_PAGEOUT ||
	    mm != t->mm || t->traced)
		return;
	tlbr_range_of(&t->call, &s, &e);
	/*
	 * the probes decide it (probe_decides): its points are the PTEs and
	 * huge PMDs they show, whatever the model has left at the return
	 * (6.1 madvise_cold_or_pageout_pte_range is walk_page_range()'s
	 * pmd_entry: it ages a PMD's entries, then reclaim_pages() the folios
	 * it isolated, before the next PMD's call; tlb_end_vma flushes after
	 * the walk): the aging waits for the return, where every age_young of
	 * the walk is in. Not where the huge PMD's branch is not probed and
	 * the range has a huge page the model knows (its points are the
	 * model's, huge_age_points; this reclaim may unmap it)
	 */
	if (probe_decides(r, t, mm) &&
	    (r->o.age_young_pmd_traced || !huge_in_range(r, mm, s, e)))
		return;
	age_range(r, t, mm, s, e, true, false);
}

/* ------------------------------------------------------------ contpte blocks */

/*
 * arm64 6.9+ maps a large folio's PTEs by 64 KiB contpte blocks (PTE_CONT)
 * wherever set_ptes() maps a whole aligned block of it (contpte_set_ptes)
 * or the block's last PTE completes one (set_ptes -> contpte_try_fold ->
 * __contpte_try_fold: 16 valid PTEs of one folio, contiguous frames, the
 * same permissions, the frames 64 KiB aligned as the addresses are), and
 * a change to one PTE of a block unfolds it first (contpte_try_unfold ->
 * contpte_convert); both flush the block (__flush_tlb_range of its 16
 * pages), arm64's own flush. An x86 trace shows neither: the model knows
 * a block is one where a huge PMD it knew was split for an arm64 kernel
 * known 6.9+ (page.cont: __split_huge_pmd_locked -> set_ptes(..,
 * HPAGE_PMD_NR) maps every block), may be one for a kernel of unknown
 * version there (page.cont_maybe), and where an mremap may have folded
 * its destination (cont_maybe: only where the move's distance is a
 * multiple of 64 KiB on arm64's layout, which x86's addresses do not
 * tell: the loaders differ, arm64's aligning libraries to 64 KiB).
 */
static bool cont_target(const struct replay *r)
{
	return r->o.arm64_kernel >= TLBR_KVER(6, 9);
}

static bool cont_may(const struct replay *r)
{
	return !r->o.arm64_kernel || cont_target(r);
}

/* The block of @p (a cont block: address-aligned; a maybe one: its frames'). */
static uint64_t cont_block(const struct page *p)
{
	return p->cont ? p->vpn & ~(uint64_t)(CONT_PAGES - 1) : p->vpn - p->pfn16;
}

/*
 * A PTE of @p's block changes: the block is unfolded (its flush is
 * tlbr_cont_unfolds()', where the model puts it), every PTE of it no
 * longer PTE_CONT. O(16).
 */
static void cont_unset(struct replay *r, uint32_t mm, uint64_t b, bool maybe)
{
	for (uint64_t v = b; v < b + CONT_PAGES; v++) {
		struct page *q = tlbr_page_find(r, mm, v);

		if (!q)
			continue;
		if (maybe)
			q->cont_maybe = false;
		else
			q->cont = false;
	}
}

void tlbr_cont_leave(struct replay *r, const struct page *p)
{
	cont_unset(r, p->mm, cont_block(p), !p->cont);
}

/* Page numbers (or keys) collected by a walk, to act on after it. */
struct collect {
	uint64_t *vpn;
	uint32_t n, alloc;
};

static void collect_push(struct collect *c, uint64_t v)
{
	if (c->n == c->alloc) {
		uint32_t na = c->alloc ? c->alloc * 2 : 64;
		uint64_t *nv = realloc(c->vpn, na * sizeof(*nv));

		if (!nv)
			return;
		c->vpn = nv;
		c->alloc = na;
	}
	c->vpn[c->n++] = v;
}

/* a contpte block's key: its first page << 1 | maybe one */
static void cont_collect_fn(struct replay *r, struct page *p, void *a)
{
	(void)r;
	if (p->mapped && (p->cont || p->cont_maybe))
		collect_push(a, cont_block(p) << 1 | !p->cont);
}

/*
 * The first change to each contpte block a PTE of [s, e) is in (a walk
 * clearing or moving them: try_to_migrate_one's ptep_get_and_clear,
 * move_ptes' ptep_get_and_clear -> contpte_try_unfold): one unfold each,
 * certain where the block is known one, uncertain where it may be; the
 * blocks are unfolded. @q: the trace's flush they come with (NULL: none).
 * Returns the blocks.
 */
unsigned int tlbr_cont_unfolds(struct replay *r, const struct flushreq *q, uint32_t mm,
			       enum tlbr_site site, uint64_t s, uint64_t e)
{
	struct collect c = { 0 };
	unsigned int n = 0;

	tlbr_for_pages(r, mm, false, s, e, cont_collect_fn, &c);
	if (c.n)
		qsort(c.vpn, c.n, sizeof(*c.vpn), key_cmp);
	for (uint32_t i = 0; i < c.n; i++) {
		uint64_t b = c.vpn[i] >> 1;
		bool maybe = c.vpn[i] & 1;

		if (i && c.vpn[i] == c.vpn[i - 1])
			continue;
		tlbr_cont_point(r, q, mm, site, b,
				maybe ? (site == TLBR_SITE_MREMAP ? TLBR_UNSURE_CONT_FOLD
								 : TLBR_UNSURE_CONTPTE) : 0);
		n++;
		cont_unset(r, mm, b, maybe);
	}
	free(c.vpn);
	return n;
}

/*
 * The contpte blocks of the PTEs an x86 mremap lifted (mremap_lift: their
 * state as it was), unfolded at its return, when the trace says what it
 * did: a move's (move_ptes: ptep_get_and_clear of each PTE it moves ->
 * contpte_try_unfold) of each block a moved PTE was in, after the tail a
 * shrinking move cut (do_vmi_munmap) went; a shrink in place zaps the tail
 * (zap_pte_range -> get_and_clear_full_ptes: a block it covers whole is
 * not unfolded, contpte_try_unfold_partial unfolds the one the cut is in).
 */
static void lifted_unfolds(struct replay *r, struct rtask *t, uint32_t mm, uint64_t keep,
			   bool moved)
{
	uint64_t old = t->call.mremap.addr >> PAGE_SHIFT, *key = NULL;
	uint32_t n = 0, i;

	for (i = 0; i < t->nlifted; i++) {
		const struct lifted *l = &t->lifted[i];

		if (!l->cont && !l->cont_maybe)
			continue;
		if (!key && !(key = malloc(t->nlifted * sizeof(*key))))
			return;
		key[n++] = (l->cont ? (l->vpn & ~(uint64_t)(CONT_PAGES - 1)) : l->vpn - l->pfn16)
			   << 1 | !l->cont;
	}
	if (n)
		qsort(key, n, sizeof(*key), key_cmp);
	for (i = 0; i < n; i++) {
		uint64_t b = key[i] >> 1, lo = b - old, hi = lo + CONT_PAGES;

		if (i && key[i] == key[i - 1])
			continue;
		/* moved: a block with a PTE below @keep; in place: the block the cut is in */
		if (moved ? lo >= keep && b >= old : !(b < old + keep && keep < hi && keep))
			continue;
		tlbr_cont_point(r, NULL, mm, TLBR_SITE_MREMAP, b,
				(key[i] & 1) ? TLBR_UNSURE_CONT_FOLD : 0);
	}
	free(key);
}

/*
 * An mremap put the lifted PTEs at @to (x86: the first move_ptes flush
 * lifted them, mremap's return says where): each 16 of them that map
 * frames 0..15 of a 64 KiB aligned run of a large folio may be folded
 * there (set_pte_at of the block's last PTE -> contpte_try_fold), where
 * arm64's move distance is a multiple of 64 KiB: an uncertain fold.
 */
static void cont_folds(struct replay *r, struct rtask *t, uint32_t mm, uint64_t to,
		       uint64_t keep)
{
	uint64_t old = t->call.mremap.addr >> PAGE_SHIFT;

	if (!cont_may(r))
		return;
	for (uint32_t i = 0; i < t->nlifted; i++) {
		const struct lifted *l = &t->lifted[i];
		uint64_t d0 = l->vpn - old + to, k;
		struct page *d;
		bool fold = true;

		if (!l->large || !l->present || l->pfn16 || l->vpn - old + CONT_PAGES > keep)
			continue;
		for (k = 0; k < CONT_PAGES && fold; k++) {
			d = tlbr_page_find(r, mm, d0 + k);
			fold = d && d->mapped && d->present && d->large && d->pfn16 == k &&
			       d->writable == l->writable;
		}
		if (!fold)
			continue;
		tlbr_cont_point(r, NULL, mm, TLBR_SITE_MREMAP, d0, TLBR_UNSURE_CONT_FOLD);
		for (k = 0; k < CONT_PAGES; k++)
			tlbr_page_find(r, mm, d0 + k)->cont_maybe = true;
	}
}

/* ------------------------------------------------------------ mremap moves */

struct move_arg {
	uint64_t from, to;	/* vpns */
	uint32_t mm;
	const char *why;
};

/* Does the model have a page table at @vpn's PMD (a page it ever knew there)? */
static void any_fn(struct replay *r, struct page *p, void *a)
{
	(void)p;
	*(bool *)a = true;
	r->stop_walk = true;
}

static void mapped_fn(struct replay *r, struct page *p, void *a)
{
	if (p->mapped) {
		*(bool *)a = true;
		r->stop_walk = true;
	}
}

/* Collect the mapped pages first: moving them while walking would reorder the walk. */
static void collect_fn(struct replay *r, struct page *p, void *a)
{
	(void)r;
	if (p->mapped)
		collect_push(a, p->vpn);
}

static void moved_away_fn(struct replay *r, struct page *p, void *a)
{
	(void)a;
	if (p->mapped)
		tlbr_pte_set(r, p, false, false, false, false, false, "mremap move");
}

/* The pages of [s, s + n) move to [to, to + n): their PTEs go with them. */
static void move_ptes_model(struct replay *r, uint32_t mm, uint64_t s, uint64_t n, uint64_t to)
{
	struct collect c = { 0 };
	uint32_t i;

	tlbr_for_pages(r, mm, false, s, s + n, collect_fn, &c);
	for (i = 0; i < c.n; i++) {
		struct page *p = tlbr_page_find(r, mm, c.vpn[i]);
		struct page *d;
		bool present, writable, cow, zero, dirty, huge, maybe, large, gapw;
		uint8_t young = p->young, pfn16;
		struct lrutag lru;

		if (!p || !p->mapped)
			continue;
		if (tlbr_lru_on(r, p))
			tlbr_lru_set(r, p, LRU_ON, -1);
		lru = r->lru[p->idx];
		maybe = p->maybe;	/* what fault-around may have mapped moves as it is */
		present = p->present;
		writable = p->writable;
		cow = p->cow;
		zero = p->zero;
		dirty = p->dirty;	/* move_ptes moves the PTE as it is */
		huge = p->huge;		/* (move_huge_pmd: a huge PMD moves whole) */
		large = p->large;	/* the PTE still maps its large folio */
		pfn16 = p->pfn16;
		gapw = tlbr_pte_unknown(r, p);	/* writable, maybe, as it was (tlbr_perm) */
		tlbr_pte_set(r, p, false, false, false, false, false, "mremap move");
		d = tlbr_page_get(r, mm, c.vpn[i] - s + to);
		if (!d)
			continue;
		tlbr_pte_set(r, d, true, present, writable, cow, true, "mremap moved here");
		r->lru[d->idx] = lru;	/* the folio as it was */
		d->zero = zero;
		d->dirty = dirty;
		d->huge = huge;
		d->large = large;
		d->pfn16 = pfn16;
		d->maybe = maybe;
		d->gapw = gapw;
		d->young = young;
	}
	free(c.vpn);
}

/*
 * move_page_tables() gives the new address a page table wherever the old
 * address's PMD had one, extent by extent (get_extent(): cut at the PMD
 * boundaries of both): get_old_pmd() skips a none PMD only; otherwise
 * alloc_new_pmd() and pte_alloc() make the new one (move_ptes), or
 * move_normal_pmd() moves the table itself (6.1 and 6.12 alike), whether
 * or not the model knows a page the extent moves (a huge page an x86
 * trace showed as one fault: its 511 other pages have no record, and a
 * split left them in a page table). The model's sign of a page table is
 * a page record in the 2 MiB (any_fn; frees_tables()): an extent from a
 * PMD with one leaves a record at its new address, unmapped. O(extents x
 * the pages known in their PMDs).
 */
static void move_tables(struct replay *r, uint32_t mm, uint64_t s, uint64_t n, uint64_t to)
{
	uint64_t a, e = s + n, next;

	for (a = s; a < e; a = next) {
		uint64_t d = a - s + to, base = a & ~(uint64_t)(PMD_PAGES - 1);
		uint64_t dnext = (d | (PMD_PAGES - 1)) + 1;
		bool table = false;

		next = base + PMD_PAGES;
		if (a + (dnext - d) < next)
			next = a + (dnext - d);
		if (next > e)
			next = e;
		tlbr_for_pages(r, mm, false, base, base + PMD_PAGES, any_fn, &table);
		if (table && !tlbr_page_find(r, mm, d))
			tlbr_page_get(r, mm, d);
	}
}

/*
 * move_page_tables of [s, s + n) to @to (vpns): the flushes of the old
 * range, chunk by chunk (get_extent: a chunk ends at a PMD boundary of the
 * old or of the new address), and the pages moved. @to 0: not known yet,
 * flush points only.
 */
static void move_range(struct replay *r, uint32_t mm, enum tlbr_site site, enum tlbr_exec real,
		       uint64_t s, uint64_t n, uint64_t to, bool points)
{
	struct { uint64_t a, next; } fl[64];
	unsigned int nfl = 0, i;
	uint64_t a, e = s + n;

	/* which chunks flush: decided on the PTEs before the move */
	for (a = s; points && a < e; ) {
		uint64_t next = (a | (PMD_PAGES - 1)) + 1, d, dnext;
		bool whole, flush = false;

		if (to) {
			d = a - s + to;
			dnext = (d | (PMD_PAGES - 1)) + 1;
			if (a + (dnext - d) < next)
				next = a + (dnext - d);
		}
		if (next > e)
			next = e;
		/* move_normal_pmd: a whole page table moves, its range flushed */
		whole = next - a == PMD_PAGES && to;
		if (whole)
			tlbr_for_pages(r, mm, false, a, next, any_fn, &flush);
		else	/* move_ptes: flushed when a present entry moved */
			tlbr_for_pages(r, mm, false, a, next, mapped_fn, &flush);
		if (flush && nfl < ARRAY_SIZE(fl)) {
			fl[nfl].a = a;
			fl[nfl++].next = next;
		} else if (flush) {
			fl[nfl - 1].next = next;	/* very many: the last point takes the rest */
		}
		a = next;
	}
	/*
	 * the PTEs move, then each chunk's flush (move_ptes flushes after the
	 * moves); to an address the trace does not tell, they only leave
	 */
	if (to) {
		move_tables(r, mm, s, n, to);
		move_ptes_model(r, mm, s, n, to);
	} else
		tlbr_for_pages(r, mm, false, s, e, moved_away_fn, NULL);
	for (i = 0; i < nfl; i++) {
		struct flushreq q;

		tlbr_req_init(r, &q, site, mm);
		q.start_vpn = fl[i].a;
		q.end_vpn = fl[i].next;
		q.real = real;
		tlbr_flush_point(r, &q);
	}
}

/*
 * x86 traces each flush of an mremap (tlb:tlb_flush) but not what it
 * moved, nor where: move_ptes() clears the old PTEs, then flushes
 * (flush_tlb_range() after the loop, mm/mremap.c), and a shrink zaps the
 * tail (do_vmi_munmap()) before its flush. So at the first flush the trace
 * shows, every PTE of the old range leaves the page table (lifted, their
 * state kept); the return tells where they went (tlbr_mremap_put()).
 */
static void lift_fn(struct replay *r, struct page *p, void *a)
{
	struct rtask *t = a;

	if (!p->mapped)
		return;
	if (t->nlifted == t->lifted_alloc) {
		uint32_t n = t->lifted_alloc ? t->lifted_alloc * 2 : 64;
		struct lifted *nl = realloc(t->lifted, n * sizeof(*nl));

		if (!nl)
			return;		/* the page only leaves */
		t->lifted = nl;
		t->lifted_alloc = n;
	}
	t->lifted[t->nlifted++] = (struct lifted){ p->vpn, p->present, p->writable, p->cow,
						   p->zero, p->young, tlbr_pte_unknown(r, p),
						   p->large, p->cont, p->cont_maybe, p->pfn16 };
}

static void mremap_lift(struct replay *r, struct rtask *t, uint32_t mm)
{
	uint64_t s = t->call.mremap.addr >> PAGE_SHIFT;
	uint64_t e = s + TLBR_PAGES_UP(t->call.mremap.old_len);

	t->lifting = true;
	t->nlifted = 0;
	tlbr_for_pages(r, mm, false, s, e, lift_fn, t);
	tlbr_for_pages(r, mm, false, s, e, moved_away_fn, NULL);
}

/*
 * The lifted PTEs go where mremap's return says: back in place (a grow, or
 * a shrink's head; a failed mremap puts everything back), or to the new
 * address (@ret, a move). The shrunk tail stays unmapped.
 */
void tlbr_mremap_put(struct replay *r, struct rtask *t, uint32_t mm, int64_t ret)
{
	uint64_t old = t->call.mremap.addr >> PAGE_SHIFT;
	uint64_t keep = TLBR_PAGES_UP(t->call.mremap.new_len);
	uint64_t to = ret < 0 ? old : (uint64_t)ret >> PAGE_SHIFT;

	if (!t->lifting)
		return;
	if (ret < 0)
		keep = UINT64_MAX;
	for (uint32_t i = 0; i < t->nlifted; i++) {
		const struct lifted *l = &t->lifted[i];
		struct page *d;

		if (l->vpn - old >= keep)
			continue;
		d = tlbr_page_get(r, mm, l->vpn - old + to);
		if (!d)
			continue;
		tlbr_pte_set(r, d, true, l->present, l->writable, l->cow, to != old,
			to == old ? "mremap left in place" : "mremap moved here");
		d->zero = l->zero;
		d->young = l->young;	/* move_ptes moves the PTE as it is */
		d->gapw = l->gapw && d->mapped;	/* writable, maybe, as it was (tlbr_perm) */
		d->large = l->large;	/* the PTE still maps its large folio */
		d->pfn16 = l->pfn16;
		/* left in place: its block as it was, but the one the cut unfolded */
		if (to == old && (l->cont ? (l->vpn | (CONT_PAGES - 1)) - old < keep
					  : l->vpn - l->pfn16 + CONT_PAGES - old <= keep)) {
			d->cont = l->cont;
			d->cont_maybe = l->cont_maybe;
		}
	}
	lifted_unfolds(r, t, mm, keep, to != old);
	if (to != old)
		cont_folds(r, t, mm, to, keep);
	t->lifting = false;
	t->nlifted = 0;
}

/*
 * A page-table move the trace showed (TLBR_FLUSH_MOVE, move_page_tables):
 * its flushes and the pages moved, when the new address is known;
 * otherwise the flushes now, the move at mremap's return.
 */
void tlbr_move_flush(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	uint64_t s = ev->flush.start >> PAGE_SHIFT;
	uint64_t n = TLBR_PAGES_UP(ev->flush.end) - s;
	uint64_t to = ev->flush.move_to >> PAGE_SHIFT;

	if (!ev->mm || !n)
		return;
	if (!to && t && t->sys == TLBR_SYS_MREMAP + 1 && (t->call.mremap.flags & TLBR_MREMAP_FIXED))
		to = (t->call.mremap.new_addr >> PAGE_SHIFT) + (s - (t->call.mremap.addr >> PAGE_SHIFT));
	move_range(r, ev->mm, ev->flush.site, ev->flush.exec, s, n, to, true);
	if (t && t->sys == TLBR_SYS_MREMAP + 1) {
		t->moved = true;
		t->move_pending = !to;
		t->move_from = s;
		t->move_pages = n;
	}
}

/* The VMA that held @addr, for mremap's new VMA. */
static void vma_like(struct rmm *m, uint64_t old, uint64_t start, uint64_t end)
{
	const struct vma *v = tlbr_vma_find(m, old);

	if (v)
		tlbr_vma_add(m, start, end, v->prot, v->shared, v->anon);
	else
		tlbr_vma_add(m, start, end, 1 | 2, false, true);
}

/*
 * mremap returns: what the trace did not show happens now. In place
 * (the old address back): a grow moves nothing, a shrink zaps the tail.
 * Moved: the PTEs go to the new address (move_page_tables), the old range
 * is unmapped unless MREMAP_DONTUNMAP.
 */
static void mremap_ret(struct replay *r, struct rtask *t, uint32_t mm, uint64_t ret, bool points)
{
	struct rmm *m = tlbr_mm_get(r, mm);
	uint64_t old = t->call.mremap.addr, olen = TLBR_PAGE_ALIGN(t->call.mremap.old_len);
	uint64_t nlen = TLBR_PAGE_ALIGN(t->call.mremap.new_len), flags = t->call.mremap.flags;

	if (!m)
		return;
	if (ret == old) {
		if (nlen < olen) {
			if (!t->zapped)
				zap_range(r, t, mm, (old + nlen) >> PAGE_SHIFT,
					  (old + olen) >> PAGE_SHIFT, points);
			tlbr_vma_remove(m, old + nlen, old + olen);
		} else if (nlen > olen) {
			vma_like(m, old, old, old + nlen);
		}
		tlbr_mremap_put(r, t, mm, (int64_t)ret);
		return;
	}
	/* moved: a shrinking move unmapped the tail first (do_vmi_munmap) */
	if (nlen < olen) {
		if (!t->zapped)
			zap_range(r, t, mm, (old + nlen) >> PAGE_SHIFT, (old + olen) >> PAGE_SHIFT,
				  points);
		olen = nlen;
	}
	if (flags & TLBR_MREMAP_FIXED && !t->zapped)	/* the target was unmapped first */
		zap_range(r, t, mm, ret >> PAGE_SHIFT, (ret + nlen) >> PAGE_SHIFT, points);
	if (!t->moved)
		move_range(r, mm, TLBR_SITE_MREMAP, TLBR_EXEC_BROADCAST, old >> PAGE_SHIFT,
			   olen >> PAGE_SHIFT, ret >> PAGE_SHIFT, points);
	tlbr_mremap_put(r, t, mm, (int64_t)ret);
	vma_like(m, old, ret, ret + nlen);
	if (!(flags & TLBR_MREMAP_DONTUNMAP)) {
		/* the old VMA goes; any page the model still has there was not mapped */
		tlbr_for_pages(r, mm, false, old >> PAGE_SHIFT, (old + olen) >> PAGE_SHIFT, forget_fn,
			  NULL);
		tlbr_vma_remove(m, old, old + olen);
	}
}

/* ------------------------------------------------------------ syscall flushes */

/*
 * A flush the trace showed in an unmapping syscall, not a per-VMA zap:
 * on x86 a flush the kernel issued (tlb:tlb_flush); on arm64 a gather that
 * freed page tables or filled up (tlb_flush_mmu, tlb_finish_mmu).
 * Returns true when it was handled here (the caller just puts its point).
 */
bool tlbr_unmap_traced_flush(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	uint64_t s, e;

	if (!t || !t->sys)
		return false;
	/*
	 * a contpte block's unfold (contpte_convert: a walk changing part of
	 * a contiguous block, 6.9+) is not the syscall's gather flush: the
	 * aging or zap still flushes at its own tlb_end_vma
	 */
	if (ev->flush.flags & TLBR_FLUSH_CONTPTE)
		return true;
	/*
	 * nor is tlb_finish_mmu's flush of the whole mm where another task's
	 * gather overlapped (mm_tlb_flush_nested: adapt-arm64.c): the walk's
	 * own flushes are as without it
	 */
	if (ev->flush.flags & TLBR_FLUSH_NESTED)
		return true;
	t->traced++;
	if (t->sys == TLBR_SYS_MREMAP + 1) {
		/*
		 * a shrink's or a move's flush: which one is known at the
		 * return; on x86 the PTEs have left before this flush
		 */
		if (ev->flush.x86_reason != TLBR_X86_NONE && !t->lifting && !t->moved)
			mremap_lift(r, t, ev->mm);
		return true;
	}
	if (t->sys == TLBR_SYS_MADVISE + 1 && tlbr_madvise_ages(t->call.madvise.advice)) {
		/*
		 * x86: the flush the trace shows comes after the PTEs were
		 * aged or cleaned (madvise_cold_or_pageout_pte_range(),
		 * madvise_free_pte_range() flush at the end of their walk)
		 */
		if (ev->flush.x86_reason != TLBR_X86_NONE && !t->applied) {
			tlbr_range_of(&t->call, &s, &e);
			age_range(r, t, ev->mm, s, e, false, false);
			t->applied = true;
		}
		return true;
	}
	if (!unmaps(t) || ev->flush.x86_reason != TLBR_X86_NONE)
		return false;	/* x86: each flush traced; applied as before */
	if (t->zapped)
		return true;	/* page-table frees after the zaps: the syscall's return applies it */
	/*
	 * arm64 without zap_vma probes: a gather that freed page tables comes
	 * after the flushes of each VMA's zap (tlb_end_vma), which the trace
	 * does not show: they are put now, per VMA the model knows; a gather
	 * that did not is the zap's own flush
	 */
	tlbr_range_of(&t->call, &s, &e);
	if (t->sys == TLBR_SYS_BRK + 1) {	/* the heap from the new break to the old */
		struct rmm *m = tlbr_mm_get(r, ev->mm);

		s = e = 0;
		if (m && m->brk && t->call.brk.brk && t->call.brk.brk < m->brk) {
			s = TLBR_PAGES_UP(t->call.brk.brk);
			e = TLBR_PAGES_UP(m->brk);
		}
	}
	if (t->sys != TLBR_SYS_MREMAP + 1)
		zap_range(r, t, ev->mm, s, e, (ev->flush.flags & TLBR_FLUSH_FREES_TABLES) != 0);
	t->zapped = true;
	return true;
}

/*
 * An unmapping syscall returns (before the generic effects): apply what the
 * trace did not, with the flushes the kernel must have issued where the
 * trace showed none. Returns true when the syscall's effects are done.
 */
bool tlbr_unmap_syscall_ret(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	const struct tlbr_ev_syscall *sc = &ev->sys;
	bool points = !t->traced;	/* the trace showed the kernel's flushes */
	struct rmm *m = tlbr_mm_get(r, ev->mm);
	uint64_t s, e;

	if (!m || sc->ret < 0 || t->applied)
		return false;
	tlbr_range_of(&t->call, &s, &e);
	/* no flush traced, no events lost since the call began: nothing was there */
	if (points && !r->arm64_seen && r->lost_seq <= t->sys_seq &&
	    (sc->nr == TLBR_SYS_MUNMAP ||
	     (sc->nr == TLBR_SYS_MADVISE && tlbr_madvise_zaps(t->call.madvise.advice))))
		tlbr_for_pages(r, ev->mm, false, s, e, forget_standin_fn, NULL);
	switch (sc->nr) {
	case TLBR_SYS_MREMAP:
		mremap_ret(r, t, ev->mm, (uint64_t)sc->ret, points);
		break;
	case TLBR_SYS_MUNMAP:
		if (!t->zapped)
			zap_range(r, t, ev->mm, s, e, points);
		else	/* what no zap covered was not mapped */
			tlbr_for_pages(r, ev->mm, false, s, e, forget_fn, NULL);
		tlbr_vma_remove(m, s << PAGE_SHIFT, e << PAGE_SHIFT);
		break;
	case TLBR_SYS_MADVISE:
		if (tlbr_madvise_ages(t->call.madvise.advice)) {
			if (!t->aged)
				age_range(r, t, ev->mm, s, e, points, true);
		} else if (!tlbr_madvise_zaps(t->call.madvise.advice))
			return false;
		else if (!t->zapped)
			zap_range(r, t, ev->mm, s, e, points);
		break;
	case TLBR_SYS_BRK:
	case TLBR_SYS_MMAP:
		/* the zaps the trace showed were the kernel's: nothing else was mapped */
		if (t->zapped && sc->nr == TLBR_SYS_MMAP)	/* (not MAP_POPULATE's faults) */
			tlbr_for_pages(r, ev->mm, false, s, e, forget_fn, &t->sys_seq);
		else if (t->zapped && m->brk && t->call.brk.brk && t->call.brk.brk < m->brk)
			tlbr_for_pages(r, ev->mm, false, TLBR_PAGES_UP(t->call.brk.brk),
				  TLBR_PAGES_UP(m->brk), forget_fn, NULL);
		return false;	/* the VMAs: the generic effects */
	default:
		return false;
	}
	t->applied = true;
	return true;
}

/*
 * The flushes of a page-table move the replay cannot see into (exec's
 * stack shift, in an mm exec has not handed over yet): one per chunk.
 */
unsigned int tlbr_move_chunks(uint64_t start, uint64_t end, uint64_t to)
{
	uint64_t a, s = start >> PAGE_SHIFT, e = TLBR_PAGES_UP(end), d0 = to >> PAGE_SHIFT;
	unsigned int n = 0;

	for (a = s; a < e; n++) {
		uint64_t next = (a | (PMD_PAGES - 1)) + 1;

		if (d0) {
			uint64_t d = a - s + d0, dnext = (d | (PMD_PAGES - 1)) + 1;

			if (a + (dnext - d) < next)
				next = a + (dnext - d);
		}
		a = next < e ? next : e;
	}
	return n;
}

/* ------------------------------------------------------------ huge pages */

/* The pages of a PMD the kernel had no page table for, but the faulting one. */
static void pmd_none_fn(struct replay *r, struct page *p, void *a)
{
	if (p->vpn != *(uint64_t *)a)
		forget_fn(r, p, NULL);
}

/*
 * Is [s, e) (vpns) within one VMA as far as the model knows: VMAs without
 * a gap between them (the kernel may have merged them)? A gap where the
 * model does not know all the VMAs may be a VMA older than the trace.
 */
static bool vmas_cover(const struct rmm *m, uint64_t s, uint64_t e)
{
	while (s < e) {
		const struct vma *v = tlbr_vma_find(m, s << PAGE_SHIFT);

		if (!v)
			return !m->vmas_known;
		s = v->end >> PAGE_SHIFT;
	}
	return true;
}

/*
 * Transparent huge pages: the model keeps a huge page as its 512 pages.
 *
 * A huge fault: __handle_mm_fault calls create_huge_pmd ->
 * do_huge_pmd_anonymous_page only where the PMD is none: the kernel had no
 * page table there and no page of the 2 MiB mapped (any the model has
 * there is dropped: no CPU holds it). do_huge_pmd_anonymous_page returns
 * VM_FAULT_FALLBACK, and the fault maps one page through a new page table,
 * unless transhuge_vma_suitable(vma, haddr): the VMA covers the whole
 * aligned 2 MiB (6.12: thp_vma_suitable_order); or when no huge page is
 * free. Otherwise it maps all 512 as the faulting page was mapped (a read
 * fault: the huge zero page, read-only; a write fault: a new huge page).
 * The return probe (thp_fault_r) says which; without it, the VMAs the
 * model knows do, and a fault the model cannot judge maps the huge page
 * (CPUs may then hold more, never less).
 *
 * A collapse (khugepaged) maps a new huge page over the range, writable
 * where the VMA is. A split leaves the PTEs as the PMD was (its flush is a
 * flush event); a write fault on a huge PMD resolves through set_access
 * (reuse) or a split and PTE faults (copy).
 */
/* Does the model have a page in the PMD but the faulting one? */
static void pmd_used_fn(struct replay *r, struct page *p, void *a)
{
	uint64_t *at = a;

	(void)r;
	if (p->mapped && p->vpn != at[0])
		at[1] = 1;
}

/*
 * (x86: @alloc, the fault's huge page told by its allocation, not by a
 * probe: do_huge_pmd_anonymous_page allocates one only where the PMD is
 * none, the VMA anonymous and covering the aligned 2 MiB. The model's
 * VMA or pages there saying otherwise mean the allocation was not this
 * fault's (an mlock's populate in a syscall the trace leaves out, after
 * the fault returned): the fault keeps its one page, as without the
 * event. A new huge page: writable where the VMA is, maybe_pmd_mkwrite.)
 */
static void huge_apply(struct replay *r, uint32_t mm, enum tlbr_huge_kind kind, uint64_t addr,
		       uint64_t at_addr, int outcome, bool alloc)
{
	uint64_t s = addr >> PAGE_SHIFT, at = at_addr >> PAGE_SHIFT, v;
	struct rmm *m = tlbr_mm_get(r, mm);
	const struct vma *vma = m ? tlbr_vma_find(m, addr) : NULL;
	bool writable = true, zero = false;

	if (!m)
		return;
	if (kind == TLBR_HUGE_FAULT && alloc) {
		uint64_t used[2] = { at, 0 };

		tlbr_for_pages(r, mm, false, s, s + PMD_PAGES, pmd_used_fn, used);
		if (used[1] || (vma && (vma->shared || !vma->anon)) ||
		    !vmas_cover(m, s, s + PMD_PAGES)) {
			r->res.huge_alloc_unpaired++;
			return;
		}
		if (vma)
			writable = vma->prot & 2;
	}
	if (kind == TLBR_HUGE_FAULT) {
		struct page *fp = at ? tlbr_page_find(r, mm, at) : NULL;

		if (at < s || at >= s + PMD_PAGES)
			at = 0;
		/* pmd_none: nothing there but the page the fault maps */
		tlbr_for_pages(r, mm, false, s, s + PMD_PAGES, pmd_none_fn, &at);
		if (outcome < 0 || (!outcome && !vmas_cover(m, s, s + PMD_PAGES)))
			return;
		if (fp && fp->present && !alloc) {
			writable = fp->writable;
			zero = fp->zero;
		}
	} else {
		writable = !vma || (vma->prot & 2);
	}
	r->res.huge_mapped++;
	r->huge_alloc_seen |= alloc;
	for (v = s; v < s + PMD_PAGES; v++) {
		struct page *p = tlbr_page_get(r, mm, v);

		if (!p)
			return;
		/* not the small page's folio_add_lru its fault counted (lru.c): a large folio */
		if (kind == TLBR_HUGE_FAULT)
			tlbr_lru_unadd(r, p);
		tlbr_pte_set(r, p, true, true, writable, false, kind == TLBR_HUGE_COLLAPSE,
			kind == TLBR_HUGE_FAULT ? "huge page fault" : "huge page collapse");
		p->zero = zero;
		p->dirty = writable;	/* a new huge PMD: dirty where writable (pmd_mkdirty) */
		p->huge = true;
		p->pfn16 = v & (CONT_PAGES - 1);	/* a 2 MiB aligned folio's frames */
		p->young = PAGE_YOUNG;	/* mk_huge_pmd(page, vm_page_prot): PTE_AF */
	}
}

struct split_arg {
	bool huge, mapped;
};

static void split_look_fn(struct replay *r, struct page *p, void *a)
{
	struct split_arg *sa = a;

	(void)r;
	sa->huge |= p->huge;	/* (the split's huge event makes them PTEs: on_huge) */
	sa->mapped |= p->mapped;
}

/*
 * __split_huge_pmd (the thp_split probe) of the 2 MiB at @q: it takes the
 * PMD lock and splits, flushing the PMD (pmdp_invalidate; the huge zero
 * page's pmdp_huge_clear_flush), only if the PMD is huge (pmd_trans_huge);
 * split_huge_pmd_address calls it without that check, as
 * vma_adjust_trans_huge does for every VMA boundary that is not 2 MiB
 * aligned (mprotect, munmap, mremap of a part; 6.1 and 6.12 alike). So:
 * a huge PMD the trace showed there: the flush. An address space the trace
 * saw born, with no page at all in those 2 MiB: no huge PMD (one maps
 * pages, and a fault or a collapse the trace shows made it, or a copy or a
 * move of one), no flush. Anything else may have been huge: the flush,
 * uncertain (the qemu suite's 6.1 usemem: a fork child's split found a
 * huge PMD where the model had small pages). Where the recording read the
 * PMD as the call found it (thp_split's pmd: adapt-arm64.c), that
 * decides: huge and present, the flush; none or a page table, none, what
 * the model had there notwithstanding (the kernel tests the same entry
 * under the PMD lock: 6.1 __split_huge_pmd, 6.12 split_huge_pmd_locked,
 * `if (pmd_trans_huge(*pmd) || pmd_devmap(*pmd) || pmd_migration)`; a
 * concurrent fault or split of the same PMD between the probe and the
 * lock is the one case it misjudges).
 */
void tlbr_huge_split(struct replay *r, const struct tlbr_event *ev, struct flushreq *q)
{
	struct rmm *m = tlbr_mm_get(r, ev->mm);
	struct split_arg sa = { 0 };

	if (!m)
		return;
	if (ev->flush.flags & TLBR_FLUSH_PMD_TABLE)
		return;
	if (ev->flush.flags & TLBR_FLUSH_PMD_HUGE) {
		tlbr_flush_point(r, q);
		return;
	}
	tlbr_for_pages(r, ev->mm, false, q->start_vpn, q->end_vpn, split_look_fn, &sa);
	if (!sa.huge && m->vmas_known && !sa.mapped)
		return;
	q->maybe = !sa.huge;
	if (q->maybe)
		tlbr_unsure(r, q, TLBR_UNSURE_SPLIT);
	tlbr_flush_point(r, q);
}

/*
 * A huge fault's entry waits for its return (thp_fault_r), which says
 * what it did; in a recording without it, the task's next event decides
 * from the VMAs.
 */
void tlbr_huge_settle(struct replay *r, struct rtask *t)
{
	if (!t->huge_pending)
		return;
	t->huge_pending = false;
	huge_apply(r, t->huge_mm, TLBR_HUGE_FAULT, t->huge_addr, t->huge_at, 0, false);
}

/*
 * (a split into migration entries, split_huge_page's, keeps the Access
 * flag: __split_huge_pmd_locked's make_migration_entry_young and
 * remove_migration_pte's is_migration_entry_young, where
 * migration_entry_supports_ad(): the swap offset holds SWP_MIG_TOTAL_BITS,
 * as arm64's does; but arm64 6.9+ with LPA2 loses it, set_ptes() clearing
 * PTE bit 52: engine.c, cold_after_split)
 */
static void split_fn(struct replay *r, struct page *p, void *a)
{
	const int *reclaim_cpu = a;

	/*
	 * the PMD only: a large folio mapped by PTEs; with the folio: small
	 * ones, on the LRU list as the folio was (lru_add_split_folio). From
	 * Linux 6.12 the split maps an anonymous subpage that holds only zeros
	 * to the shared zero page instead (remap_page(...,
	 * RMP_USE_SHARED_ZEROPAGE) -> try_to_map_unused_to_zeropage()), which
	 * no aging takes (vm_normal_folio: none): which ones, no trace shows
	 * (lrutag.zero). A subpage that is not is a folio: on the list
	 * beside the head (lru_add_split_folio), or, split by reclaim
	 * (MADV_PAGEOUT: shrink_folio_list -> split_folio_to_list, the head
	 * isolated), on reclaim's list, then put back into the lru_add batch
	 * of the CPU @reclaim_cpu (reclaim_folio_list -> folio_putback_lru ->
	 * folio_add_lru; 6.1 mm/vmscan.c as 6.12)
	 */
	if (a && (p->huge || p->large) && p->mapped) {
		tlbr_lru_set(r, p, *reclaim_cpu >= 0 ? LRU_BATCH : LRU_ON, *reclaim_cpu);
		if (!r->o.kernel || r->o.kernel >= TLBR_KVER(6, 12))
			r->lru[p->idx].zero = 1;
	}
	p->large = !a && (p->huge || p->large) && p->mapped;
	p->huge = false;
	if (!p->large)	/* small folios: no block (contpte_try_fold: one folio) */
		p->cont = p->cont_maybe = false;
}

/*
 * __split_huge_pmd_locked maps the folio by set_ptes() of its 512 PTEs
 * (6.9+: contpte_set_ptes, every aligned 64 KiB block PTE_CONT): a block
 * for an arm64 kernel known 6.9+, maybe one for a kernel of unknown version
 */
static void cont_mark_fn(struct replay *r, struct page *p, void *a)
{
	(void)a;
	if (!p->mapped || !p->present || !p->large)
		return;
	p->cont = cont_target(r);
	p->cont_maybe = !p->cont;
}

static void cow_fn(struct replay *r, struct page *p, void *a)
{
	(void)r;
	*(bool *)a |= p->mapped && p->cow;
}

/*
 * contpte_try_unfold_partial() (6.12 arch/arm64/mm/contpte.c): a zap of
 * [@s, @e) (zap_present_ptes -> get_and_clear_full_ptes ->
 * contpte_get_and_clear_full_ptes; one PTE: ptep_get_and_clear_full ->
 * contpte_try_unfold) that starts or ends inside a contpte block unfolds
 * that block first (contpte_convert: one flush of its 16 pages, site zap,
 * arm64's only); a block it covers whole is cleared as one, no unfold. An
 * x86 trace's only (an arm64 trace's census shows its unfolds), and only
 * a block the model knows one (page.cont: a PMD split for 6.9+); a maybe
 * one is left out, as before.
 */
static void cont_edge_unfold(struct replay *r, uint32_t mm, uint64_t vpn)
{
	struct page *p = tlbr_page_find(r, mm, vpn);

	if (!p || !p->mapped || !p->cont)
		return;
	tlbr_cont_point(r, NULL, mm, TLBR_SITE_ZAP, cont_block(p), 0);
	cont_unset(r, mm, cont_block(p), false);
}

static void cont_partial_unfolds(struct replay *r, uint32_t mm, uint64_t s, uint64_t e)
{
	if (r->arm64_seen || !cont_target(r) || e <= s)
		return;
	if (s & (CONT_PAGES - 1))
		cont_edge_unfold(r, mm, s);
	if (e & (CONT_PAGES - 1))
		cont_edge_unfold(r, mm, e - 1);
}

/*
 * The PMD of @addr is huge in the model and @addr not its start: split it
 * (the PMD only); @unshared: only where no page of it is COW-shared (a
 * folio that may be mapped shared is left huge: folio_likely_mapped_shared)
 */
static void split_at(struct replay *r, uint32_t mm, uint64_t addr, bool unshared)
{
	uint64_t b = (addr >> PAGE_SHIFT) & ~(uint64_t)(PMD_PAGES - 1);
	struct split_arg sa = { 0 };
	bool cow = false;

	if (!(addr & (PMD_PAGES * TLBR_PAGE_SIZE - 1)))
		return;
	tlbr_for_pages(r, mm, false, b, b + PMD_PAGES, split_look_fn, &sa);
	if (sa.huge && unshared)
		tlbr_for_pages(r, mm, false, b, b + PMD_PAGES, cow_fn, &cow);
	if (sa.huge && !cow) {
		tlbr_for_pages(r, mm, false, b, b + PMD_PAGES, split_fn, NULL);
		if (cont_may(r))
			tlbr_for_pages(r, mm, false, b, b + PMD_PAGES, cont_mark_fn, NULL);
	}
}

/*
 * An x86 trace shows no PMD split (a huge page it showed by its allocation,
 * huge_apply): a syscall whose range ends inside a huge PMD splits it
 * there, the PMD only (__split_huge_pmd: a page table of 512 PTEs mapping
 * the folio, which stays large), as arm64's thp_split probe shows: munmap
 * and mremap split the VMA at each boundary (__split_vma ->
 * vma_adjust_trans_huge -> split_huge_pmd_address), mremap moves a part
 * (move_page_tables: split_huge_pmd), mprotect splits the VMA when the
 * protection changes (mprotect_fixup), a zap of part of one splits it
 * (zap_pmd_range), madvise FREE, COLD and PAGEOUT of part of one split it
 * with its folio (madvise_free_huge_pmd, madvise_cold_or_pageout_pte_range:
 * split_folio) unless the folio is mapped shared: the PMD here, which the
 * folio's split (the one-page flushes of x86's MADV_FREE) does not undo.
 * Before the syscall's flushes. O(pages in those PMDs).
 */
void tlbr_huge_split_implied(struct replay *r, const struct tlbr_event *ev)
{
	const struct tlbr_ev_syscall *sc = &ev->sys;
	struct rmm *m;

	if (!r->huge_alloc_seen || !ev->mm || !(m = tlbr_mm_get(r, ev->mm)))
		return;
	switch (sc->nr) {
	case TLBR_SYS_MUNMAP:
		split_at(r, ev->mm, sc->munmap.addr, false);
		split_at(r, ev->mm, sc->munmap.addr + TLBR_PAGE_ALIGN(sc->munmap.len), false);
		cont_partial_unfolds(r, ev->mm, sc->munmap.addr >> PAGE_SHIFT,
				     TLBR_PAGES_UP(sc->munmap.addr + sc->munmap.len));
		break;
	case TLBR_SYS_MREMAP:
		split_at(r, ev->mm, sc->mremap.addr, false);
		split_at(r, ev->mm, sc->mremap.addr + TLBR_PAGE_ALIGN(sc->mremap.old_len), false);
		if (sc->mremap.new_len < sc->mremap.old_len)
			split_at(r, ev->mm, sc->mremap.addr + TLBR_PAGE_ALIGN(sc->mremap.new_len), false);
		break;
	case TLBR_SYS_MPROTECT: {
		const struct vma *v = tlbr_vma_find(m, sc->mprotect.start);

		if (v && v->prot == (uint32_t)sc->mprotect.prot)
			break;	/* newflags == oldflags: no VMA split, no change */
		split_at(r, ev->mm, sc->mprotect.start, false);
		split_at(r, ev->mm, sc->mprotect.start + TLBR_PAGE_ALIGN(sc->mprotect.len), false);
		break;
	}
	case TLBR_SYS_MADVISE:
		if (!tlbr_madvise_zaps(sc->madvise.advice) && !tlbr_madvise_ages(sc->madvise.advice))
			break;
		split_at(r, ev->mm, sc->madvise.start, !tlbr_madvise_zaps(sc->madvise.advice));
		split_at(r, ev->mm, sc->madvise.start + TLBR_PAGE_ALIGN(sc->madvise.len),
			 !tlbr_madvise_zaps(sc->madvise.advice));
		if (tlbr_madvise_zaps(sc->madvise.advice))
			cont_partial_unfolds(r, ev->mm, sc->madvise.start >> PAGE_SHIFT,
					     TLBR_PAGES_UP(sc->madvise.start + sc->madvise.len));
		break;
	default:
		break;
	}
}

/* A PTE the trace shows mapping an anonymous folio's page: not the shared zero page. */
static void remap_fn(struct replay *r, struct page *p, void *a)
{
	(void)a;
	if (p->mapped)
		r->lru[p->idx].zero = 0;
}

void tlbr_on_huge(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	uint64_t s = ev->huge.addr >> PAGE_SHIFT;

	/*
	 * folio_add_anon_rmap_ptes (rmap_add): remove_migration_pte put a
	 * split folio's subpage back as a folio, not as the shared zero page
	 * (try_to_map_unused_to_zeropage() found data in it, or was not
	 * asked), or another path mapped a folio's pages (swap-in, a PMD
	 * split's 512): lrutag.zero's doubt is gone
	 */
	/*
	 * age_young: the task's madvise COLD/PAGEOUT walk found these PTEs
	 * young (madvise_cold_or_pageout_pte_range): kept for its aging
	 */
	if (ev->huge.kind == TLBR_HUGE_AGED || ev->huge.kind == TLBR_HUGE_AGED_PMD) {
		if (t && t->sys == TLBR_SYS_MADVISE + 1 && ev->huge.nr)
			young_add(t, ev->huge.at >> PAGE_SHIFT,
				  (ev->huge.at >> PAGE_SHIFT) + ev->huge.nr);
		else if (t && t->sys == TLBR_SYS_MADVISE + 1)
			t->young_lost = true;	/* young PTEs, not where: not "none" */
		/* (a huge PMD's: its gather range as a PTE's, and its own point) */
		if (t && t->sys == TLBR_SYS_MADVISE + 1 && ev->huge.nr &&
		    ev->huge.kind == TLBR_HUGE_AGED_PMD)
			young_pmd_add(t, s);
		return;
	}
	if (ev->huge.kind == TLBR_HUGE_REMAP) {
		tlbr_for_pages(r, ev->mm, false, ev->huge.at >> PAGE_SHIFT,
			       (ev->huge.at >> PAGE_SHIFT) + ev->huge.nr, remap_fn, NULL);
		return;
	}

	if (ev->huge.kind == TLBR_HUGE_WP && t) {	/* set_access's flush or a split says */
		t->huge_wp = ev->huge.addr + 1;
		return;
	}
	if (ev->huge.kind == TLBR_HUGE_SPLIT) {	/* a page table now: 512 entries */
		uint64_t a, e;
		int reclaim_cpu = -1;	/* the CPU of the MADV_PAGEOUT it is in, if so */

		/*
		 * MADV_PAGEOUT's walk aged a huge PMD it covers whole
		 * (huge_age_points) and isolated its folio before
		 * reclaim_pages() splits it (shrink_folio_list ->
		 * split_folio_to_list, where add_to_swap cannot take it whole):
		 * the aging is taken before the split, as before a reclaim
		 * unmap (a PMD covered in part is split by the walk itself,
		 * before its PTEs age)
		 */
		if (t && t->sys == TLBR_SYS_MADVISE + 1 &&
		    t->call.madvise.advice == TLBR_MADV_PAGEOUT) {
			reclaim_cpu = t->sys_cpu;
			tlbr_range_of(&t->call, &a, &e);
			if (a <= (s & ~(uint64_t)(PMD_PAGES - 1)) &&
			    (s & ~(uint64_t)(PMD_PAGES - 1)) + PMD_PAGES <= e)
				tlbr_age_before_reclaim(r, t, ev->mm);
		}
		tlbr_for_pages(r, ev->mm, false, s, s + PMD_PAGES, split_fn,
			       ev->huge.folio ? &reclaim_cpu : NULL);
		return;
	}
	if (ev->huge.kind == TLBR_HUGE_FAULT && !ev->huge.outcome && t) {
		t->huge_pending = true;
		t->huge_mm = ev->mm;
		t->huge_addr = ev->huge.addr;
		t->huge_at = ev->huge.at;
		return;
	}
	if (ev->huge.kind == TLBR_HUGE_FAULT && t)
		t->huge_pending = false;	/* its return says */
	if (ev->huge.kind == TLBR_HUGE_FAULT || ev->huge.kind == TLBR_HUGE_COLLAPSE)
		huge_apply(r, ev->mm, ev->huge.kind, ev->huge.addr, ev->huge.at, ev->huge.outcome,
			   ev->huge.alloc);
}
