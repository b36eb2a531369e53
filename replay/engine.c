// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * engine.c - the event loop: one pass over the normalised events, each
 * handed to the part of the model it concerns.
 *
 *   residency.c  which mm each CPU has loaded; ASID rollovers
 *   faults.c     user page faults, and how a write fault was resolved
 *   syscalls.c   memory syscalls, forks, reclaim: PTE and VMA effects
 *   pgtable.c    the one way a PTE changes, and the effects themselves
 *   flush.c      flush points put to every policy (policy.h), counted
 *   effects.c    a decision applied to the policy's TLB model; its costs
 *   views.c      the queries policies ask; avoidable broadcasts
 *   check.c      the safety checker
 *   mmodel.c     address spaces, tasks, pages and VMAs (the storage)
 *   tlb.c        what each CPU's TLB may hold, per policy (--tlb)
 *
 * Flush points are the trace's flushes plus the write faults that reuse a
 * page: x86 does not flush there, arm64 does, so a replay of an x86 trace
 * must put that point to the policies itself. A write fault on a present
 * read-only page is resolved when the faulting task does something else:
 * a COW flush for that page first means the page was copied; anything else
 * means it was reused in place.
 *
 * Effects of memory syscalls are applied at their first flush, or at their
 * return when they did not flush: the kernel changes the PTEs, then flushes,
 * then returns. The safety checker runs where the kernel relies on the
 * flush having completed: at the syscall's return, after a COW flush.
 */
#include <errno.h>
#include <string.h>

#include "replay-local.h"

/*
 * One contpte_convert() of a 64 KiB block for an arm64 6.9+ kernel: its
 * flush of the whole block (__flush_tlb_range(ALIGN_DOWN(addr,
 * CONT_PTE_SIZE), CONT_PTES pages), an unfold or a fold), arm64's only,
 * at @site; @why: uncertain, and why (0: certain). @q: the flush of the
 * trace it comes with, or NULL.
 */
void tlbr_cont_point(struct replay *r, const struct flushreq *q, uint32_t mm, enum tlbr_site site,
		     uint64_t start_vpn, unsigned int why)
{
	struct flushreq a;

	if (q) {
		a = *q;
	} else {
		tlbr_req_init(r, &a, site, mm);
		a.real = TLBR_EXEC_BROADCAST;
	}
	a.x86_only = false;
	a.arm64_only = true;
	a.whole_mm = false;
	a.start_vpn = start_vpn;
	a.end_vpn = start_vpn + CONT_PAGES;
	a.site = site;
	a.maybe = why != 0;
	a.maybe_keeps = a.maybe;	/* contpte_convert() changes no permission */
	if (why)
		tlbr_unsure(r, &a, why);
	tlbr_flush_point(r, &a);
}

/*
 * One unfold of a contpte block for an arm64 6.9+ kernel, of the range of
 * the madvise (@q: the flush's, whose page x86 does not say): the
 * @block-th of the call's range, the split walking the folio in address
 * order; uncertain.
 */
static void cont_unfold_point(struct replay *r, const struct flushreq *q, uint32_t block)
{
	uint64_t s, e;

	tlbr_range_of(&r->cur_task->call, &s, &e);	/* page numbers */
	tlbr_cont_point(r, q, q->mm, TLBR_SITE_ZAP,
			(s & ~(uint64_t)(CONT_PAGES - 1)) + (uint64_t)block * CONT_PAGES,
			TLBR_UNSURE_CONTPTE);
}

/*
 * x86's one-page flushes of an MADV_FREE's large folio split (on_flush),
 * one a PTE the folio still maps, in address order (try_to_migrate()
 * walks the folio): on arm64 6.9+ the folio's PTEs map 64 KiB contpte
 * blocks where the folio was mapped by set_ptes() over whole aligned
 * blocks (contpte_set_ptes: a PMD split's __split_huge_pmd_locked, a
 * large folio's fault) or folded (contpte_try_fold), and the split's
 * first change to each block unfolds it: try_to_migrate_one ->
 * ptep_clear_flush -> contpte_try_unfold -> __contpte_try_unfold ->
 * contpte_convert(), one flush of the block (the census's contpte probe;
 * the 6.12 census of zap-churn -H: 24 a round, one a block the folio still
 * mapped, after 384 PTE flushes). x86's tlb_flush has no address: a block
 * per 16 of the split's flushes, counting the call's first one-page flush
 * (taken for the gather's) with the second, the folio's mapped PTEs taken
 * as whole blocks (an unmap or a zap of part of it in 64 KiB multiples).
 * An x86 trace shows neither the folio's size nor whether arm64 had one
 * there: uncertain points, at site zap (the census files them at the
 * madvise's). Before 6.9 (6.1): none.
 */
static void cont_split_unfolds(struct replay *r, struct rtask *t, const struct flushreq *q)
{
	if (r->o.arm64_kernel && r->o.arm64_kernel < TLBR_KVER(6, 9))
		return;
	if (t->free_split_flushes % 16 == 1)
		cont_unfold_point(r, q, t->free_split_flushes / 16);
}

/*
 * The split's unfolds where the model knows the folio's blocks (a huge PMD
 * it knew split for an arm64 kernel 6.9+, page.cont; maybe, for one of
 * unknown version): try_to_migrate_one's first change to each block the
 * folio still maps unfolds it (the 6.12 census of zap-churn -H: 24 a
 * round, the 384 PTEs the folio still mapped), one flush a block, put at
 * the call's first split flush; the folio is the huge PMD's, in the PMDs
 * the call's range meets. Returns whether there were any (else
 * cont_split_unfolds() counts them from x86's flushes, uncertain).
 */
static bool split_cont_unfolds(struct replay *r, struct rtask *t, const struct flushreq *q)
{
	uint64_t s, e;

	tlbr_range_of(&t->call, &s, &e);
	return e > s && tlbr_cont_unfolds(r, q, q->mm, TLBR_SITE_ZAP,
					  s & ~(uint64_t)(PMD_PAGES - 1),
					  (e + PMD_PAGES - 1) & ~(uint64_t)(PMD_PAGES - 1)) > 0;
}

/*
 * An x86 MADV_FREE's large folio split (madvise_free_pte_range ->
 * split_folio -> unmap_folio -> try_to_migrate_one, then remap_page ->
 * remove_migration_pte): every PTE the folio still maps is unmapped and put
 * back. x86's one-page flushes carry no address: the pages marked are the
 * mapped ones of large folios in the PMDs the call's range meets (a folio
 * the model knows large is a huge PMD's, split without its folio).
 */
static void remap_mark_fn(struct replay *r, struct page *p, void *a)
{
	(void)r;
	(void)a;
	if (p->mapped && p->present && p->large && !p->zero)
		p->remapped = true;
}

static void split_remapped(struct replay *r, struct rtask *t, uint32_t mm)
{
	uint64_t s, e;

	tlbr_range_of(&t->call, &s, &e);
	if (e > s)
		tlbr_for_pages(r, mm, false, s & ~(uint64_t)(PMD_PAGES - 1),
			       (e + PMD_PAGES - 1) & ~(uint64_t)(PMD_PAGES - 1), remap_mark_fn, NULL);
}

static void remapped_fn(struct replay *r, struct page *p, void *a)
{
	if (p->mapped && p->present && p->remapped) {
		*(bool *)a = true;
		r->stop_walk = true;
	}
}

/*
 * Is @ev an x86 trace's flush of madvise(MADV_COLD) (its aging:
 * madvise_cold_or_pageout_pte_range's young PTEs) over a page a batched
 * split put back and nothing changed since (page.remapped)? Such a flush
 * is x86's only, and arm64's as the migration entry kept the Access flag:
 * try_to_migrate_one sets SWP_MIG_YOUNG (make_migration_entry_young: swap
 * offset bit SWP_PFN_BITS = MAX_PHYSMEM_BITS - PAGE_SHIFT) and
 * set_pte_at() writes the entry; remove_migration_pte makes the PTE old
 * `if (!is_migration_entry_young(entry))`. From 6.9 arm64's set_ptes()
 * clears PTE_CONT, bit 52, of whatever it writes (pte_mknoncont), and
 * from 6.9 a kernel with LPA2 (TCR_EL1.DS: PHYS_MASK_SHIFT 52, not 48)
 * puts SWP_MIG_YOUNG at offset bit 40, which __swp_entry() shifts to PTE
 * bit 52: every migration entry loses it, every PTE a split puts back is
 * old, and COLD flushes none of them. The 6.12 guest (qemu's max CPU,
 * LPA2 on) probed: try_to_migrate_one's young mask 0x10000000000 set in
 * each entry (a kprobe on its `orr`), remove_migration_pte's entry read
 * back without it (0x7800020000042480: the dirty bit 41 only) and the
 * PTE it writes old (migrate:remove_migration_pte, all 2,304: PTE_AF
 * clear); its COLD made no flush. Without LPA2 the bit is offset bit 36,
 * PTE bit 48, which set_ptes() keeps: the flush is made. So for 6.9 to
 * 6.12 (the code read, 6.12's; later versions not read) the flush is
 * certainly absent with LPA2 (2), certainly made without (0), uncertain
 * where the trace does not say (1); uncertain for 6.8 (batched split, not
 * read) and an unknown version; before 6.8 (6.1) a COLD splits the
 * folio itself and its flush was made (0).
 */
static int cold_after_split(struct replay *r, const struct tlbr_event *ev, const struct rtask *t)
{
	unsigned int k = r->o.arm64_kernel;
	uint64_t s, e;
	bool any = false;

	if (!t || ev->kind != TLBR_EV_FLUSH || t->sys != TLBR_SYS_MADVISE + 1 ||
	    t->call.madvise.advice != TLBR_MADV_COLD || ev->flush.x86_reason == TLBR_X86_NONE ||
	    r->arm64_seen || ev->flush.site != TLBR_SITE_ZAP || !ev->mm ||
	    (k && k < TLBR_KVER(6, 8)))
		return 0;
	tlbr_range_of(&t->call, &s, &e);
	tlbr_for_pages(r, ev->mm, false, s, e, remapped_fn, &any);
	r->stop_walk = false;
	if (!any)
		return 0;
	if (k < TLBR_KVER(6, 9) || k > TLBR_KVER(6, 12) || r->o.arm64_lpa2 == TLBR_LPA2_UNKNOWN)
		return 1;
	return r->o.arm64_lpa2 == TLBR_LPA2_ON ? 2 : 0;
}

/* Is @ev an x86 trace's zap flush inside madvise(MADV_FREE) of @t? */
static bool free_zap_flush(const struct replay *r, const struct tlbr_event *ev, const struct rtask *t)
{
	return ev->kind == TLBR_EV_FLUSH && t && t->sys == TLBR_SYS_MADVISE + 1 &&
	       t->call.madvise.advice == TLBR_MADV_FREE && ev->flush.x86_reason != TLBR_X86_NONE &&
	       !r->arm64_seen && ev->flush.site == TLBR_SITE_ZAP;
}

/* ... and a one-page one, as a folio split's are (on_flush)? */
static bool free_page_flush(const struct replay *r, const struct tlbr_event *ev, const struct rtask *t)
{
	return free_zap_flush(r, ev, t) && ev->flush.pages == 1 &&
	       !(ev->flush.flags & (TLBR_FLUSH_SPLIT | TLBR_FLUSH_PRESENT_ONLY | TLBR_FLUSH_MOVE));
}

static void on_flush(struct replay *r, const struct tlbr_event *ev, struct rtask *t);

/*
 * The held first one-page flush of an x86 MADV_FREE (on_flush), decided by
 * the record after it (@next; NULL: the trace ended): x86's gather flushes
 * last in the call (madvise_free_single_vma -> tlb_finish_mmu), so a
 * one-page flush of the same call after it says it was a large folio
 * split's, as the ones after it (split_folio -> unmap_folio ->
 * try_to_migrate_one, one a PTE the folio still maps); anything else, the
 * gather's (a free that cleared one PTE flushes one page). Put now, before
 * @next.
 */
static void free_settle(struct replay *r, const struct tlbr_event *next)
{
	const struct tlbr_event *saved_ev = r->ev;
	struct rtask *saved_task = r->cur_task, *t;

	if (!r->free_held)
		return;
	r->free_held = false;
	t = tlbr_task_rget(r, r->free_ev.task);
	r->free_as_split = next && next->task == r->free_ev.task && next->cpu == r->free_ev.cpu &&
			   free_page_flush(r, next, t);
	r->ev = &r->free_ev;
	r->cur_task = t;
	r->free_settling = true;
	on_flush(r, &r->free_ev, t);
	r->free_settling = r->free_as_split = false;
	r->ev = saved_ev;
	r->cur_task = saved_task;
}

/* The trace ended: a held MADV_FREE flush was the gather's (replay.c). */
void tlbr_free_settle_end(struct replay *r)
{
	free_settle(r, NULL);
}

void tlbr_replay_settle(struct tlbr_replay *rp, const struct tlbr_event *next)
{
	free_settle((struct replay *)rp, next);
}

/* A flush event of the trace: what it resolves or applies, then its flush point. */
static void on_flush(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	const struct tlbr_ev_flush *f = &ev->flush;
	bool range = f->start < f->end && f->scope != TLBR_SCOPE_MM && f->scope != TLBR_SCOPE_ALL;
	struct tlbr_vma_ranges vmas = { 0 };	/* an x86 munmap's VMAs, on arm64 (below) */
	bool pageout_maybe = false;	/* an x86 PAGEOUT aging flush arm64 may not make */
	bool free_maybe = false;	/* an x86 MADV_FREE gather's flush after a split, ditto */
	bool cold_maybe = false;	/* an x86 COLD flush of a split's remapped pages, ditto */
	/*
	 * an x86 MADV_FREE folio split's flush: arm64's at site reclaim (1,
	 * batched), fault (-2; -1 uncertain), none (0; below)
	 */
	int split = 0;
	struct flushreq q;

	if (f->site == TLBR_SITE_SWITCH)
		return;		/* x86 switch_mm: residency comes from the switches */
	/* an x86 MADV_FREE's first one-page flush: the gather's or a split's? (free_settle) */
	if (!r->free_settling && free_page_flush(r, ev, t) && !t->free_page_flushes) {
		r->free_held = true;
		r->free_ev = *ev;
		return;
	}
	/* mprotect's count of the PTEs it changed: which pages fault-around mapped */
	if ((f->flags & TLBR_FLUSH_COUNTED) && ev->mm && range)
		tlbr_counted_ptes(r, ev->mm, f->start >> PAGE_SHIFT, TLBR_PAGES_UP(f->end), f->pages);
	if (f->exec == TLBR_EXEC_IPI)
		r->res.real_ipi_flushes++;
	if (f->exec == TLBR_EXEC_LOCAL && f->x86_reason == TLBR_X86_LOCAL_MM_SHOOTDOWN && ev->mm)
		tlbr_x86_not_in_mask(r, ev->mm, ev->cpu);
	tlbr_req_init(r, &q, f->site, ev->mm);
	q.real = f->exec;
	/* (not where a "remote IPI send" before it may have gone with a gap) */
	q.mask_alone = f->exec == TLBR_EXEC_LOCAL && f->x86_reason == TLBR_X86_LOCAL_MM_SHOOTDOWN &&
		       ev->mm && !r->cpu[ev->cpu].after_lost;
	/*
	 * an x86 exit flush, in a trace that shows exit_mmap: the arm64
	 * kernel's one flush is put at mmap:exit_mmap instead (engine.c's
	 * TLBR_EV_MM_TEARDOWN); without exit_mmap events it stands for it
	 */
	/*
	 * an x86 exit_mmap() flush that IPIs: whether it frees page tables is
	 * known at its task's next record (policy.h: teardown_hold)
	 */
	q.teardown_hold = f->site == TLBR_SITE_EXIT && f->x86_reason == TLBR_X86_REMOTE_SEND_IPI &&
			  f->exec == TLBR_EXEC_IPI && ev->mm && !r->arm64_seen;
	if (f->site == TLBR_SITE_EXIT && f->x86_reason != TLBR_X86_NONE && !r->arm64_seen &&
	    r->teardown_seen) {
		q.x86_only = true;
	} else if (f->site == TLBR_SITE_EXIT && ev->mm) {
		struct rmm *m = tlbr_mm_get(r, ev->mm);

		if (m)
			m->exit_flushed = true;
	}
	if ((f->flags & TLBR_FLUSH_SPLIT) && ev->mm && range) {	/* a split, maybe (unmap.c) */
		q.start_vpn = f->start >> PAGE_SHIFT;
		q.end_vpn = TLBR_PAGES_UP(f->end);
		tlbr_huge_split(r, ev, &q);
		return;
	}
	if (f->site == TLBR_SITE_WP_REUSE && (f->flags & TLBR_FLUSH_CONTPTE)) {
		q.hw_clean = true;	/* contpte_ptep_set_access_flags' dirty flush */
		r->res.contpte_dirty++;
	} else if ((f->flags & TLBR_FLUSH_CONTPTE) && t) {
		tlbr_cont_unfold(r, t, ev);	/* contpte_convert: an unfold, maybe for a reuse */
	}

	switch (f->site) {
	case TLBR_SITE_WP_REUSE:
	case TLBR_SITE_COW:
		if (t && tlbr_fault_flush(r, t, ev, &q, range))
			return;
		break;
	case TLBR_SITE_MPROTECT:
	case TLBR_SITE_ZAP:
	case TLBR_SITE_MREMAP:
		if (f->flags & TLBR_FLUSH_PRESENT_ONLY) {	/* one VMA's zap (unmap.c) */
			tlbr_zap_vma(r, ev, t);
			return;
		}
		if (f->flags & TLBR_FLUSH_MOVE) {		/* a page-table move */
			tlbr_move_flush(r, ev, t);
			return;
		}
		/*
		 * an x86 munmap's one flush (x86 selects MMU_GATHER_MERGE_VMAS:
		 * its tlb_end_vma() flushes nothing, tlb_finish_mmu() all) is,
		 * on arm64 (asm-generic tlb_end_vma -> tlb_flush_mmu_tlbonly),
		 * one flush per VMA whose PTEs unmap_vmas() cleared, and one
		 * more at tlb_finish_mmu() when free_pgtables() freed a page
		 * table (pte_free_tlb sets freed_tables): the VMAs are counted
		 * before the pages go, their flushes put after (below)
		 */
		if (t && f->site == TLBR_SITE_ZAP && f->x86_reason != TLBR_X86_NONE &&
		    !r->arm64_seen && t->sys == TLBR_SYS_MUNMAP + 1 && !t->applied && !t->traced) {
			uint64_t s, e;

			tlbr_range_of(&t->call, &s, &e);
			tlbr_unmap_vma_ranges(r, ev->mm, s, e, &vmas);
		}
		/*
		 * the kernel's flush of the syscall it applies (below): a PTE
		 * of the range changed, maybe one the model has no record of
		 * (tlbr_unknown_stand_in), which the VMA's flush on arm64
		 * covers too (a VMA with no other page: no flush of its own, the
		 * traced one covers it)
		 */
		if (t && !t->applied && ev->mm &&
		    (f->site == TLBR_SITE_MPROTECT || f->x86_reason != TLBR_X86_NONE) &&
		    (t->sys == TLBR_SYS_MPROTECT + 1 || t->sys == TLBR_SYS_MUNMAP + 1 ||
		     (t->sys == TLBR_SYS_MADVISE + 1 && tlbr_madvise_zaps(t->call.madvise.advice)))) {
			uint64_t s, e;
			struct page *u;

			tlbr_range_of(&t->call, &s, &e);
			if (range && (f->start >> PAGE_SHIFT) > s)
				s = f->start >> PAGE_SHIFT;
			if (range && TLBR_PAGES_UP(f->end) < e)
				e = TLBR_PAGES_UP(f->end);
			u = tlbr_unknown_stand_in(r, ev->mm, s, e);
			if (u)
				tlbr_vma_ranges_cover(r, ev->mm, &vmas, u->vpn);
		}
		/* (before the aging the call applies below makes the pages old) */
		switch (cold_after_split(r, ev, t)) {
		case 1:
			cold_maybe = true;
			/* fall through */
		case 2:
			q.x86_only = true;
			break;
		}
		if (t && t->sys && (f->site == TLBR_SITE_MPROTECT || !tlbr_unmap_traced_flush(r, ev, t)))
			tlbr_apply_syscall(r, t, ev->mm);
		/*
		 * x86's flush of a PAGEOUT's aging (a kernel before 6.10: the
		 * young PTEs madvise_cold_or_pageout_pte_range made old) where
		 * the arm64 kernel predicted ages nothing (6.10+): x86's only;
		 * where its version is unknown, arm64's flush is uncertain
		 * (put below, beside x86's)
		 */
		if (t && t->sys == TLBR_SYS_MADVISE + 1 && f->x86_reason != TLBR_X86_NONE &&
		    !r->arm64_seen && t->call.madvise.advice == TLBR_MADV_PAGEOUT &&
		    f->site == TLBR_SITE_ZAP && r->o.arm64_kernel != r->o.kernel &&
		    tlbr_pageout_ages(r, true) != 1) {
			pageout_maybe = tlbr_pageout_ages(r, true) < 0;
			q.x86_only = true;
		}
		/*
		 * x86's one-page flushes inside madvise(MADV_FREE): a large
		 * folio split (madvise_free_pte_range -> split_folio ->
		 * unmap_folio -> try_to_migrate_one -> ptep_clear_flush; x86
		 * defers none of them when the mm ran on this CPU only,
		 * should_defer_flush), one per PTE the folio still maps; the
		 * free's own flush is its gather's, of the range. On arm64:
		 *  - 6.8 and later (unmap_folio's TTU_BATCH_FLUSH, "mm:
		 *    huge_memory: batch tlb flush when splitting a pte-mapped
		 *    THP"): each PTE's TLBI batched, set_tlb_ubc_flush_pending
		 *    (site reclaim, as the census counts them);
		 *  - before (6.1): ptep_clear_flush each (the census: site
		 *    fault), and only where the kernel splits at all: 6.1's
		 *    madvise_free_pte_range gives up on a large folio whose
		 *    first page is unmapped or mapped more than once (below),
		 *    and a later COLD or PAGEOUT splits it (split_huge_page)
		 *    if one reaches it, which the x86 trace does not show:
		 *    uncertain;
		 *  - of an unknown version: uncertain too.
		 * The first one-page flush of a call is the gather's, which
		 * flushes one page where the free cleared one PTE, unless
		 * another one-page flush follows it in the call: a split's,
		 * which flushes every PTE the folio still maps (free_settle
		 * holds it until the next record says which).
		 * The gather's flush after a split, before 6.9 (6.1's
		 * madvise_free_pte_range: `if (folio_estimated_sharers(folio)
		 * != 1) break;` - the mapcount of the folio's first page, 0
		 * where a zap of part of the huge page unmapped it; upstream
		 * 6.1.0 folio_mapcount() != 1: goto out) or of an unknown
		 * version: the walk may have stopped at the folio and cleaned
		 * nothing (the 6.1 census of zap-churn -H: no flush in
		 * MADV_FREE), where the x86 trace does not show the folio's
		 * first page: uncertain, arm64's only (put below).
		 */
		/*
		 * For 6.1 to 6.7, where the model knows the folios (huge pages
		 * by their allocation), what 6.1's walk did is known
		 * (tlbr_free61_walk): it split them (each x86 split flush is
		 * arm64's, certain; the gather's is its too), or stopped at
		 * each (no split here: x86's only; a later COLD or PAGEOUT
		 * splits them, unmap.c cold61_splits; the gather flushes
		 * nothing where no page came before the stops)
		 */
		if (t && free_page_flush(r, ev, t) &&
		    (++t->free_page_flushes >= 2 || r->free_as_split)) {
			bool k61 = r->o.arm64_kernel >= TLBR_KVER(6, 1) &&
				   r->o.arm64_kernel < TLBR_KVER(6, 8);

			q.x86_only = true;
			if (!t->free_split_flushes++ && ev->mm) {
				t->free61 = k61 ? tlbr_free61_walk(r, t, ev->mm, &t->free61_pre) : -1;
				if (!k61 || !t->free61)	/* (6.1-6.7: the folios 6.1 left large) */
					split_remapped(r, t, ev->mm);
				t->split_cont = split_cont_unfolds(r, t, &q);
			}
			split = r->o.arm64_kernel >= TLBR_KVER(6, 8) ? 1 :
				!k61 || t->free61 < 0 ? -1 : t->free61 ? -2 : 0;
			if (!t->split_cont)
				cont_split_unfolds(r, t, &q);
		} else if (free_zap_flush(r, ev, t) && t->free_split_flushes &&
			   (!r->o.arm64_kernel || r->o.arm64_kernel < TLBR_KVER(6, 9)) &&
			   t->free61 != 1) {
			q.x86_only = true;
			/* 6.1-6.7, the walk stopped at every folio and met no page before */
			free_maybe = !(t->free61 == 0 && !t->free61_pre &&
				       r->o.arm64_kernel >= TLBR_KVER(6, 1) &&
				       r->o.arm64_kernel < TLBR_KVER(6, 8));
		}
		/*
		 * a kernel without pte_needs_flush() (arm64 before the seed-004
		 * backport) flushes an mprotect that only added permissions: as
		 * far as the model knows the pages, say so to the policies
		 */
		if (t && t->sys == TLBR_SYS_MPROTECT + 1 && f->site == TLBR_SITE_MPROTECT &&
		    (t->eff & EFF_CHANGED) && !(t->eff & EFF_DOWNGRADED)) {
			q.adds_only = true;
			q.from_invalid = !(t->eff & EFF_VALID_CHANGED);
		}
		break;
	case TLBR_SITE_FORK:
		if (t)
			tlbr_fork_wp(r, t, ev->mm);
		break;
	case TLBR_SITE_EXEC:
		/*
		 * exec's flushes are of the new mm no other CPU has run: "fresh";
		 * its stack shift (move_page_tables) flushes each chunk it moves
		 */
		q.mm = 0;
		q.real = TLBR_EXEC_LOCAL;
		q.opaque = true;
		for (unsigned int k = (f->flags & TLBR_FLUSH_MOVE) && f->move_to ?
					      tlbr_move_chunks(f->start, f->end, f->move_to) : 1;
		     k > 0; k--)
			tlbr_flush_point(r, &q);
		return;
	case TLBR_SITE_RECLAIM:
	case TLBR_SITE_KERNEL:
		/*
		 * a collapse's flush (collapse_huge_page -> pmdp_collapse_flush ->
		 * flush_tlb_range) is of a known range of a known mm: it flushes
		 * those pages like any range flush, or the entries of the small
		 * pages would outlive the huge PMD that replaces them
		 */
		if ((f->flags & TLBR_FLUSH_COLLAPSE) && ev->mm && range)
			break;
		q.mm = 0;
		q.opaque = true;
		tlbr_flush_point(r, &q);
		return;
	default:
		break;
	}
	if (!ev->mm) {
		q.opaque = true;
		tlbr_flush_point(r, &q);
		return;
	}
	if (range) {
		q.start_vpn = f->start >> PAGE_SHIFT;
		q.end_vpn = TLBR_PAGES_UP(f->end);
	} else {
		q.whole_mm = true;
	}
	if (vmas.n) {
		/*
		 * arm64's flushes of the munmap: each VMA's (its leaf entries,
		 * arm64 only) and then the traced one, tlb_finish_mmu's, which
		 * frees the tables if any were freed; without freed tables the
		 * last VMA's flush is the traced one (tlb_finish_mmu flushes
		 * nothing more: tlb_flush_mmu_tlbonly finds nothing cleared)
		 */
		unsigned int n = tlbr_view_frees_tables(r, &q) ? vmas.n : vmas.n - 1;
		struct flushreq v = q;

		v.arm64_only = true;
		v.no_tables = true;
		v.whole_mm = false;
		for (unsigned int i = 0; i < n; i++) {
			v.start_vpn = vmas.lo[i];
			v.end_vpn = vmas.hi[i] + 1;
			tlbr_flush_point(r, &v);
		}
	}
	if (split) {
		struct flushreq a = q;

		a.x86_only = false;
		a.arm64_only = true;
		a.site = split > 0 ? TLBR_SITE_RECLAIM : TLBR_SITE_FAULT;
		a.batched = split > 0;	/* TTU_BATCH_FLUSH: seed 002 defers them */
		if (split == -1) {
			a.maybe = true;
			tlbr_unsure(r, &a, TLBR_UNSURE_FOLIO_SPLIT);
		}
		tlbr_flush_point(r, &a);
	}
	if (pageout_maybe || free_maybe || cold_maybe) {
		struct flushreq a = q;

		a.x86_only = false;
		a.arm64_only = true;
		a.maybe = true;
		/* an aging's (pte_mkold: no permission changed); FREE's cleans */
		a.maybe_keeps = (pageout_maybe || cold_maybe) && !free_maybe;
		tlbr_unsure(r, &a, pageout_maybe ? TLBR_UNSURE_PAGEOUT :
				   cold_maybe	 ? TLBR_UNSURE_REMAP_AF :
						   TLBR_UNSURE_FOLIO_SPLIT);
		tlbr_flush_point(r, &a);
	}
	/*
	 * an x86 munmap(), mmap(MAP_FIXED) over a mapping or brk() shrink
	 * that IPIs: only unmap_region()'s tlb_finish_mmu() flush, after
	 * free_pgtables(), frees page tables; one before it in the same call
	 * is zap_pte_range()'s force_flush (tlb_flush_mmu_tlbonly() when
	 * tlb_next_batch() fails or for delayed rmaps), with freed_tables
	 * still 0. Which one this was is known at its task's next record
	 * (policy.h: teardown_hold, teardown_more)
	 */
	if (f->site == TLBR_SITE_ZAP && f->x86_reason == TLBR_X86_REMOTE_SEND_IPI &&
	    f->exec == TLBR_EXEC_IPI && !r->arm64_seen && t &&
	    (t->sys == TLBR_SYS_MUNMAP + 1 || t->sys == TLBR_SYS_MMAP + 1 ||
	     t->sys == TLBR_SYS_BRK + 1))
		q.teardown_hold = true;
	/* tlb_finish_mmu while another gather may still be pending (adapt-arm64.c) */
	if (f->flags & TLBR_FLUSH_NESTED_MAYBE) {
		q.maybe = true;
		q.maybe_keeps = true;	/* mm_tlb_flush_nested()'s flush changes no PTE */
		tlbr_unsure(r, &q, TLBR_UNSURE_NESTED);
	}
	tlbr_flush_point(r, &q);
}

/*
 * Follow which address space each task uses. When the last task known to
 * use one exits, its pages go: memory follows the live address spaces even
 * where the trace misses an exit_mmap.
 */
static void set_task_mm(struct replay *r, struct rtask *t, uint32_t mm)
{
	struct rmm *old = t->mm && t->mm < r->nmms ? &r->mms[t->mm] : NULL;
	struct rmm *m = tlbr_mm_get(r, mm);

	if (old && old->users && !--old->users)
		tlbr_mm_drop_pages(r, t->mm);
	t->mm = mm;
	if (m)
		m->users++;
}


/*
 * Events of a task that are not about it, by kind:
 * IN_FAULT: the work of a write fault the task is in, or its being
 * preempted in it (its TLBIs, a huge PMD's write fault and split, reclaim,
 * vmalloc or IPIs while it allocates; a switch, a migration): they do not
 * end the fault (anything else the task does next means it reused the page);
 * OTHER_MM: about an address space not (or not necessarily) the task's
 * (a kernel mapping's, reclaim's victim, khugepaged's).
 */
enum { IN_FAULT = 1, OTHER_MM = 2 };
static const uint8_t not_about_task[TLBR_EV__COUNT] = {
	[TLBR_EV_TLBI] = IN_FAULT,
	[TLBR_EV_HUGE] = IN_FAULT,
	[TLBR_EV_SWITCH] = IN_FAULT,
	[TLBR_EV_MIGRATE] = IN_FAULT,
	[TLBR_EV_IPI_OTHER] = IN_FAULT,
	[TLBR_EV_PTE_MAP] = IN_FAULT | OTHER_MM,
	[TLBR_EV_RECLAIM_UNMAP] = IN_FAULT | OTHER_MM,
	[TLBR_EV_KMAP] = IN_FAULT | OTHER_MM,
	[TLBR_EV_BATCH_SYNC] = OTHER_MM,
	[TLBR_EV_ASID_ROLLOVER] = OTHER_MM,
};

/* Does @ev end the write fault its task was in (then it reused the page)? */
static bool ends_fault(const struct tlbr_event *ev)
{
	if (ev->kind == TLBR_EV_FLUSH)
		return ev->flush.site != TLBR_SITE_COW && ev->flush.site != TLBR_SITE_WP_REUSE &&
		       ev->flush.site != TLBR_SITE_FAULT;
	return !(not_about_task[ev->kind] & IN_FAULT);
}

/* Is @ev about an address space not (or not necessarily) its task's? */
static bool about_other_mm(const struct tlbr_event *ev)
{
	if (ev->kind == TLBR_EV_HUGE)	/* khugepaged's; an rmap walk's remap, of any mm */
		return ev->huge.kind == TLBR_HUGE_COLLAPSE || ev->huge.kind == TLBR_HUGE_REMAP;
	if (ev->kind == TLBR_EV_FLUSH)
		return ev->flush.site == TLBR_SITE_RECLAIM || ev->flush.site == TLBR_SITE_KERNEL;
	return not_about_task[ev->kind] & OTHER_MM;
}

static bool runs_in_task(const struct tlbr_event *ev)
{
	switch (ev->kind) {
	case TLBR_EV_FAULT:
	case TLBR_EV_SYSCALL:
	case TLBR_EV_SYSCALL_RET:
	case TLBR_EV_FLUSH:
		/* x86 traces switch_mm's flush after sched_switch, in the previous task */
		return ev->flush.site != TLBR_SITE_SWITCH;
	case TLBR_EV_FLUSH_IPI:
	case TLBR_EV_FLUSH_CSD:
	case TLBR_EV_IPI_OTHER:
	case TLBR_EV_FORK:
	case TLBR_EV_EXEC:
	case TLBR_EV_EXIT:
	case TLBR_EV_MM_TEARDOWN:
		return true;
	default:
		return false;
	}
}

/*
 * Tasks the trace leaves out ran on the CPUs (a pid-filtered recording:
 * tlbr_switch_chain_filtered()): a thread of any address space may have run
 * on any CPU unseen, as a thread created in the trace and never shown may
 * (mm_anywhere): from now on every address space has one such thread.
 * O(mms x policies) once.
 */
static void hide_tasks(struct replay *r, uint64_t ts_ns)
{
	r->res.hidden_tasks = true;
	r->res.hidden_ns = ts_ns;
	for (uint32_t i = 1; i < r->nmms; i++) {
		struct rmm *m = &r->mms[i];

		if (!m->last_end)
			continue;
		m->unseen_threads++;
		memset(m->empty, 0, (size_t)r->npol * sizeof(*m->empty));
	}
}

/* A traced switch: does it chain with the CPU's previous one? O(1). */
static void switch_chain(struct replay *r, const struct tlbr_event *ev)
{
	int *chain = &r->chain_pid[ev->cpu];

	r->switches_traced++;
	if (*chain > 1 && ev->sw.prev_pid > 0 && ev->sw.prev_pid + 1 != *chain) {
		size_t cur = r->cur_task ? (size_t)(r->cur_task - r->tasks) : 0;
		struct rtask *lost = tlbr_task_rget(r, r->chain_task[ev->cpu]);

		if (r->cur_task)	/* tlbr_task_rget() may have moved the tasks */
			r->cur_task = &r->tasks[cur];
		r->res.switch_breaks++;
		if (lost && !lost->lost_sight) {
			lost->lost_sight = true;
			r->break_tasks++;
		}
		/* the task the CPU ran left unseen: it may be anywhere now */
		if (r->chain_task[ev->cpu] != ev->sw.next_task)
			tlbr_hidden_task(r, r->chain_task[ev->cpu]);
	}
	*chain = ev->sw.next_pid + 1;
	r->chain_task[ev->cpu] = ev->sw.next_task;
	if (!r->res.hidden_tasks &&
	    tlbr_switch_chain_filtered(r->res.switch_breaks, r->switches_traced, r->break_tasks))
		hide_tasks(r, ev->ts_ns);
}

/*
 * One event. O(1) for most kinds; a flush, fault or syscall costs what its
 * handler above says (the pages of its range the model knows, times policies
 * and CPUs); a fork write-protects the whole mm once; an exit drops the
 * mm's pages (each page once); an ASID rollover visits every mm.
 */
int tlbr_replay_event(struct tlbr_replay *rp, const struct tlbr_event *ev)
{
	struct replay *r = (struct replay *)rp;
	struct rtask *t = NULL;
	int ret = 0;

	free_settle(r, ev);		/* a held x86 MADV_FREE one-page flush this record decides */
	tlbr_teardown_settle(r, ev);	/* a held x86 exit_mmap() flush this record decides */
	if (ev->kind == TLBR_EV_LOST && ev->cpu < 0) {	/* a gap on a CPU the record does not name */
		for (int c = 0; c < r->ncpus; c++) {
			r->chain_pid[c] = 0;
			r->cpu[c].after_lost = true;
		}
		tlbr_lost_gap(r, -1);
		return 0;
	}
	if (ev->cpu < 0 || ev->cpu >= r->ncpus)
		return 0;
	r->ev = ev;
	if (tlbr_flush_counted_none(ev)) {	/* no flush: only what it shows (on_flush) */
		if (ev->mm && ev->flush.start < ev->flush.end)
			tlbr_counted_ptes(r, ev->mm, ev->flush.start >> PAGE_SHIFT,
					  TLBR_PAGES_UP(ev->flush.end), 0);
		return 0;
	}
	/*
	 * A traced switch away from a user task the model does not have on
	 * the CPU: the task ran there (__schedule() switches away only from
	 * rq->curr), and its switch in is not in the trace (this project's x86
	 * VMs' 6.18 kernels leave out about half of the switches from idle,
	 * with their "flush on task switch"; a pid filter; the trace's start).
	 * context_switch() -> switch_mm_irqs_off() loaded its mm there and set
	 * the CPU's bit in mm_cpumask: it runs there until this switch, then
	 * the CPU keeps the mm lazily (enter_lazy_tlb()) or switches it. Before
	 * the policies' hooks, a step of its own (seq) as a switch the trace
	 * had shown: what ran there before it ran until then. O(load_mm).
	 */
	if (ev->kind == TLBR_EV_SWITCH && !ev->sw.inferred && ev->sw.prev_task && ev->sw.prev_mm &&
	    ev->sw.prev_pid > 0 && r->cpu[ev->cpu].task != ev->sw.prev_task) {
		r->seq++;
		tlbr_run_on(r, ev->cpu, ev->sw.prev_task, ev->sw.prev_mm);
	}
	for (unsigned int h = 0; h < r->nev_hooks; h++)
		r->ev_hooks[h].fn(r, r->ev_hooks[h].pl, ev);
	r->seq++;
	r->res.events++;
	r->cur_task = NULL;
	if (ev->kind == TLBR_EV_SWITCH)
		tlbr_seen_on_cpu(r, ev->sw.next_task);
	else if (ev->kind == TLBR_EV_MIGRATE && ev->migrate.shows)
		tlbr_seen_on_cpu(r, ev->migrate.task);
	if (ev->task) {
		t = tlbr_task_rget(r, ev->task);
		if (!t)
			return -ENOMEM;
		if (t->unseen && ev->kind != TLBR_EV_FORK &&
		    !(ev->kind == TLBR_EV_MIGRATE && !ev->migrate.shows))
			tlbr_seen_on_cpu(r, ev->task);
		/*
		 * the task's address space, from the events about it: not a
		 * kernel mapping's (no mm: vmalloc of clone's stack), nor another
		 * process's page that reclaim or khugepaged works on (which would
		 * drop the task's pages when it looked like the last user)
		 */
		if (t->mm != ev->mm && ev->kind != TLBR_EV_EXEC && !about_other_mm(ev))
			set_task_mm(r, t, ev->mm);
		r->cur_task = t;
		/* a huge fault's return, or anything else the task does: it is decided */
		if (t->huge_pending && !(ev->kind == TLBR_EV_HUGE && ev->huge.kind == TLBR_HUGE_FAULT &&
					 ev->huge.outcome))
			tlbr_huge_settle(r, t);
		/* the task did something else since its write fault: it reused the page */
		if (t->wp_pending && ends_fault(ev))
			tlbr_resolve_reuse(r, t, ev->mm);
	}
	if (runs_in_task(ev) && ev->task && r->cpu[ev->cpu].task != ev->task &&
	    ev->kind != TLBR_EV_EXEC)
		tlbr_run_on(r, ev->cpu, ev->task, ev->mm);

	switch (ev->kind) {
	case TLBR_EV_SWITCH:
		r->cpu[ev->cpu].switched = true;
		if (ev->sw.kdamond)
			r->kdamond_seen = true;
		if (!ev->sw.inferred)
			switch_chain(r, ev);
		if (ev->sw.prev_task) {	/* preempted inside a zap (unmap.c) */
			struct rtask *pt = tlbr_task_rget(r, ev->sw.prev_task);

			if (pt && pt->zap_force)
				tlbr_zap_preempted(r, ev, pt);
		}
		/* a syscall going on on another CPU (lru.c; a task in one exists already) */
		if (ev->sw.next_task && ev->sw.next_task < r->ntasks) {
			struct rtask *nt = &r->tasks[ev->sw.next_task];

			if (nt->sys && nt->sys_cpu != ev->cpu)
				nt->sys_cpu = -1;
		}
		tlbr_run_on(r, ev->cpu, ev->sw.next_task, ev->sw.next_mm);
		break;
	case TLBR_EV_LOST:
		r->lost_seen = true;
		for (int c = 0; c < r->ncpus; c++)
			if (c == ev->cpu || ev->cpu < 0) {
				r->chain_pid[c] = 0;
				r->cpu[c].after_lost = true;
			}
		tlbr_lost_gap(r, ev->cpu);
		break;
	case TLBR_EV_EXEC:
		if (!tlbr_mm_get(r, ev->exec.new_mm))
			return -ENOMEM;
		if (t)
			set_task_mm(r, t, ev->exec.new_mm);
		tlbr_mm_get(r, ev->exec.new_mm)->vmas_known = true;
		tlbr_mm_get(r, ev->exec.new_mm)->born = true;
		/* mm_alloc zeroes the new mm: tlb_flush_batched too */
		if (r->o.batch_marks)
			tlbr_mm_get(r, ev->exec.new_mm)->kmark = KMARK_CLEAR;
		tlbr_run_on(r, ev->cpu, ev->task, ev->exec.new_mm);
		break;
	case TLBR_EV_FORK:
		ret = tlbr_on_fork(r, ev, t);
		if (!ret && ev->fork.child_mm && !ev->fork.shares_mm) {
			tlbr_mm_get(r, ev->fork.child_mm)->vmas_known = tlbr_mm_get(r, ev->mm) &&
								   tlbr_mm_get(r, ev->mm)->vmas_known;
			tlbr_mm_get(r, ev->fork.child_mm)->born = true;
			/* the parent's pages the model does not know: the child's too */
			if (!tlbr_mm_get(r, ev->mm) || !tlbr_mm_get(r, ev->mm)->born ||
			    tlbr_mm_get(r, ev->mm)->unknown_from)
				tlbr_mm_get(r, ev->fork.child_mm)->unknown_from = r->seq;
			/* ... those a populate mapped too: dup_mmap() copies them (rmm.gup_seq) */
			if (tlbr_mm_get(r, ev->mm))
				tlbr_mm_get(r, ev->fork.child_mm)->gup_seq =
					tlbr_mm_get(r, ev->mm)->gup_seq;
			/* dup_mm copies the parent's mm_struct: tlb_flush_batched too */
			tlbr_mm_get(r, ev->fork.child_mm)->kmark = tlbr_mm_get(r, ev->mm) ?
					tlbr_mm_get(r, ev->mm)->kmark : KMARK_UNKNOWN;
		}
		break;
	case TLBR_EV_FAULT:
		if (ev->fault.prot_unknown)	/* arm64's handle_mm_fault probe */
			r->arm64_seen = true;
		if (ev->mm)
			ret = tlbr_on_fault(r, ev, t);
		break;
	case TLBR_EV_SYSCALL:
		if (t) {
			t->sys = (int)ev->sys.nr + 1;
			t->sys_seq = r->seq;
			t->free_page_flushes = t->free_split_flushes = 0;
			t->split_cont = false;
			t->free61 = -1;
			t->free61_pre = false;
			t->sys_cpu = ev->cpu;
			t->call = ev->sys;
			t->applied = false;
			t->eff = 0;
			t->fork_wp_done = false;
			t->zapped = t->moved = t->move_pending = t->aged = t->zap_force = false;
			t->nyoung = t->nyoung_pmd = 0;
			t->young_lost = false;
			t->lifting = false;
			t->traced = 0;
			t->pend_seen = false;
		}
		tlbr_huge_split_implied(r, ev);
		break;
	case TLBR_EV_SYSCALL_RET:
		if (t)
			tlbr_on_syscall_ret(r, ev, t);
		break;
	case TLBR_EV_FLUSH:
		on_flush(r, ev, t);
		break;
	case TLBR_EV_FLUSH_IPI:
		r->res.real_ipis += tlbr_cpuset_count(&ev->ipi.targets);
		for (int c = 0; c < r->ncpus; c++)
			if (tlbr_cpuset_test(&ev->ipi.targets, (unsigned int)c))
				r->cpu[c].ipi_to = true;
		break;
	case TLBR_EV_FLUSH_CSD:
		/* no IPI, but the CSD runs flush_tlb_func() there all the same */
		for (int c = 0; c < r->ncpus; c++)
			if (tlbr_cpuset_test(&ev->ipi.targets, (unsigned int)c))
				r->cpu[c].ipi_to = true;
		break;
	case TLBR_EV_RECLAIM_UNMAP:
		if (t && ev->mm)	/* madvise(MADV_PAGEOUT) aged the pages first */
			tlbr_age_before_reclaim(r, t, ev->mm);
		ret = tlbr_on_reclaim_unmap(r, ev);
		break;
	case TLBR_EV_BATCH_SYNC:
		if (ev->sync.kind == TLBR_SYNC_MARK) {
			tlbr_kernel_mark(r, ev->mm);
			break;
		}
		if (t && ev->sync.kind == TLBR_SYNC_PENDING)
			t->pend_seen = true;
		r->seq++;
		tlbr_batch_sync(r, ev->sync.kind, ev->cpu, ev->mm);
		if (ev->sync.kind == TLBR_SYNC_PENDING)
			tlbr_kernel_pending(r, ev);
		break;
	case TLBR_EV_KMAP:
		tlbr_kmap_barriers(r, ev->kmap.start, ev->kmap.pages);
		break;
	case TLBR_EV_ASID_ROLLOVER:
		tlbr_asid_rollover(r);
		break;
	case TLBR_EV_HUGE:
		if (ev->mm)
			tlbr_on_huge(r, ev, t);
		break;
	case TLBR_EV_PTE_MAP:
		if (ev->mm)
			ret = tlbr_on_pte_map(r, ev, t);
		break;
	case TLBR_EV_TLBI:	/* what the kernel did: compared with the policies' decisions */
		r->arm64_seen = true;
		if (ev->tlbi.broadcast) {
			r->res.real_tlbi_is++;
			if (!ev->tlbi.continues)
				r->res.real_tlbi_ops[ev->tlbi.site]++;
		}
		break;
	case TLBR_EV_VMA: {	/* the recorder's snapshot of a process older than the trace */
		struct rmm *m = tlbr_mm_get(r, ev->mm);

		if (m)
			tlbr_vma_add(m, ev->vma.start, ev->vma.end, ev->vma.prot, ev->vma.shared,
				ev->vma.anon);
		break;
	}
	case TLBR_EV_EXIT:
		if (t)
			set_task_mm(r, t, 0);
		break;
	case TLBR_EV_MM_TEARDOWN:
		if (ev->mm) {
			struct rmm *m = tlbr_mm_get(r, ev->mm);

			/*
			 * exit_mmap() -> tlb_finish_mmu() of a fullmm gather that
			 * freed the page tables: arm64's tlb_flush() flushes the
			 * whole mm (flush_tlb_mm(): TLBI ASIDE1IS), whatever CPU
			 * ran it; x86's flush_tlb_mm_range() finds the exiting
			 * CPU lazy (exit_mm() -> enter_lazy_tlb()) and the mm's
			 * other CPUs mostly gone, and the trace shows no flush
			 * (mmap:exit_mmap comes after tlb_finish_mmu: a traced
			 * one has been seen). On an x86 trace (no arm64 event
			 * seen) the flush point an arm64 kernel has here, one
			 * per exit_mmap whatever x86 flushed in it (its traced
			 * flushes are x86_only once exit_mmap events are known
			 * to be in the trace); x86-ipi makes none of it.
			 */
			r->teardown_seen = true;
			if (m && !r->arm64_seen && !m->exit_flushed) {
				struct flushreq q;

				tlbr_req_init(r, &q, TLBR_SITE_EXIT, ev->mm);
				q.whole_mm = true;
				q.arm64_only = true;
				tlbr_flush_point(r, &q);
			}
			tlbr_mm_drop_pages(r, ev->mm);
			if (m) {
				m->live = false;
				/* exit_mmap's remove_vma() of each: the mm has none left */
				tlbr_mm_drop_vmas(m);
			}
		}
		break;
	default:
		break;
	}
	if (ev->kind != TLBR_EV_LOST)
		r->cpu[ev->cpu].after_lost = false;
	return ret;
}
