// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscalls.c - memory syscalls, forks and reclaim: their effects on the
 * page table and the VMAs, the flush points the trace does not show, and
 * the safety checks at their return.
 */
#include <errno.h>

#include <string.h>

#include "replay-local.h"

/*
 * The page @d names in @mm: the slot it was taken from while that still
 * holds it (a live page of @mm at @d->vpn: the hash has one such), else
 * tlbr_page_find(), which also settles a lazy child as it always did.
 * O(1), or the lookup's.
 */
static struct page *fork_dg_page(struct replay *r, uint32_t mm, const struct fork_dg *d)
{
	struct page *p = d->idx < r->npages ? page_at(r, d->idx) : NULL;

	if (p && mm && mm < r->nmms && !r->mms[mm].lazy_parent && p->mm == mm && p->vpn == d->vpn)
		return p;
	return tlbr_page_find(r, mm, d->vpn);
}

/*
 * The least of every (policy, CPU)'s last whole-mm flush of @mm (or flush
 * of everything): a PTE changed before it is hidden from every CPU's
 * materialised entry (tlbr_check_flushed). O(policies x CPUs).
 */
static uint64_t mm_flushed(struct replay *r, uint32_t mm)
{
	struct rmm *m = tlbr_mm_get(r, mm);
	uint64_t least = UINT64_MAX;

	if (!m)
		return 0;
	for (int pol = 0; pol < r->npol; pol++)
		for (int c = 0; c < r->ncpus; c++) {
			uint64_t mc = m->mm_cleared[(size_t)pol * (size_t)r->ncpus + (size_t)c];

			if (r->pol[pol].all_cleared[c] > mc)
				mc = r->pol[pol].all_cleared[c];
			if (mc < least)
				least = mc;
		}
	return least;
}

/*
 * O(apply_syscall + flush_point + check_range) over the syscall's range; a
 * fork's return checks the pages it write-protected.
 */
void tlbr_on_syscall_ret(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	const struct tlbr_ev_syscall *sc = &ev->sys;
	struct rmm *m = tlbr_mm_get(r, ev->mm);
	bool flushed = t->applied;	/* a flush inside the syscall applied it */
	uint64_t s, e, old_brk;

	if (!t->sys || (int)sc->nr != t->sys - 1) {
		t->sys = 0;
		return;
	}
	if (sc->ret < 0 && t->lifting)	/* a failed x86 mremap: its PTEs back in place */
		tlbr_mremap_put(r, t, ev->mm, sc->ret);
	/*
	 * change_pte_range(), zap_pte_range(), madvise_free_pte_range() and
	 * move_ptes() call flush_tlb_batched_pending() on every page table they
	 * visit: a trace without the tlbr:batch_pend probe does not show it (a
	 * kernel before 6.5 has nothing to probe). Missing evidence, not a race:
	 * call it here, before the syscall's check, as the kernel did before.
	 */
	if ((sc->nr == TLBR_SYS_MPROTECT || sc->nr == TLBR_SYS_MUNMAP ||
	     sc->nr == TLBR_SYS_MADVISE || sc->nr == TLBR_SYS_MREMAP) && sc->ret >= 0 &&
	    !t->pend_seen && tlbr_batch_pending(r, ev->mm)) {
		r->res.batch_pending_implied++;
		r->seq++;
		tlbr_batch_sync(r, TLBR_SYNC_PENDING, ev->cpu, ev->mm);
	}
	/* munmap, madvise, mremap: what the trace did not show (unmap.c) */
	if (sc->ret >= 0 && tlbr_unmap_syscall_ret(r, ev, t))
		flushed = true;
	if (sc->nr == TLBR_SYS_MMAP ? !tlbr_syscall_failed(sc->ret) : sc->ret >= 0) {
		int eff = flushed ? 0 : tlbr_apply_syscall(r, t, ev->mm);

		tlbr_range_of(&t->call, &s, &e);
		/* brk's: the heap from the new break to the old (tlbr_apply_syscall's) */
		if (sc->nr == TLBR_SYS_BRK && m && m->brk && t->call.brk.brk && t->call.brk.brk < m->brk) {
			s = TLBR_PAGES_UP(t->call.brk.brk);
			e = TLBR_PAGES_UP(m->brk);
		}
		if (eff & EFF_DOWNGRADED)
			tlbr_implied_flush_maybe(r, ev->mm, sc->nr == TLBR_SYS_MPROTECT ? TLBR_SITE_MPROTECT :
						 TLBR_SITE_ZAP, false, s, e, false, false,
						 (eff & EFF_MAYBE) != 0);
		else if ((eff & EFF_CHANGED) && sc->nr == TLBR_SYS_MPROTECT)
			tlbr_implied_flush_maybe(r, ev->mm, TLBR_SITE_MPROTECT, false, s, e, true,
						 !(eff & EFF_VALID_CHANGED), (eff & EFF_MAYBE) != 0);
	}
	old_brk = m ? m->brk : 0;
	if (m) {
		switch (sc->nr) {
		case TLBR_SYS_MMAP:
			if (sc->ret != 0 && !tlbr_syscall_failed(sc->ret)) {
				uint64_t a = (uint64_t)sc->ret, len = t->call.mmap.len;

				tlbr_vma_add(m, a, a + TLBR_PAGE_ALIGN(len), (uint32_t)t->call.mmap.prot,
					(t->call.mmap.flags & TLBR_MAP_SHARED) != 0,
					(t->call.mmap.flags & TLBR_MAP_ANONYMOUS) != 0);
				tlbr_vma_made(m, a, r->seq);
			}
			break;
		case TLBR_SYS_BRK:
			if (sc->ret > 0) {
				if (m->brk && (uint64_t)sc->ret > m->brk)
				{
					tlbr_vma_add(m, m->brk, (uint64_t)sc->ret,
						TLBR_PROT_READ | TLBR_PROT_WRITE, false, true);
					tlbr_vma_made(m, m->brk, r->seq);
				}
				m->brk = (uint64_t)sc->ret;
			}
			break;
		default:
			break;
		}
	}
	/*
	 * get_user_pages() maps pages with no fault record (the page-fault
	 * tracepoints are the architecture's fault handler's):
	 * MADV_POPULATE_READ/WRITE (madvise_populate() ->
	 * faultin_vma_page_range()), mmap's MAP_POPULATE or MAP_LOCKED
	 * (vm_mmap_pgoff() -> mm_populate()); a failure may come after some
	 * pages. The address space's pages are unknown from here, as after
	 * lost events (rmm.gup_seq).
	 */
	if (m && ((sc->nr == TLBR_SYS_MADVISE &&
		   (t->call.madvise.advice == TLBR_MADV_POPULATE_READ ||
		    t->call.madvise.advice == TLBR_MADV_POPULATE_WRITE)) ||
		  (sc->nr == TLBR_SYS_MMAP && !tlbr_syscall_failed(sc->ret) &&
		   (t->call.mmap.flags & (TLBR_MAP_POPULATE | TLBR_MAP_LOCKED))))) {
		m->gup_seq = r->seq + 1;
		if (m->born && !m->unknown_from)
			m->unknown_from = r->seq;
	}
	switch (sc->nr) {
	case TLBR_SYS_MPROTECT:
	case TLBR_SYS_MUNMAP:
	case TLBR_SYS_MADVISE:
	case TLBR_SYS_MREMAP:
		tlbr_range_of(&t->call, &s, &e);
		tlbr_check_range(r, ev->mm, false, s, e, "syscall returns: the flush must be complete");
		break;
	/*
	 * mmap(MAP_FIXED) over a mapping and brk() shrinking the heap unmap
	 * before they return (6.1 mmap_region() -> do_mas_munmap(),
	 * do_brk_munmap() -> unmap_region() -> tlb_finish_mmu()): the new
	 * mapping must not be reached through an old entry
	 */
	case TLBR_SYS_MMAP:
		if ((t->call.mmap.flags & TLBR_MAP_FIXED) && !tlbr_syscall_failed(sc->ret)) {
			tlbr_range_of(&t->call, &s, &e);
			tlbr_check_range(r, ev->mm, false, s, e,
					 "syscall returns: the flush must be complete");
		}
		break;
	case TLBR_SYS_BRK:
		if (old_brk && sc->ret > 0 && (uint64_t)sc->ret < old_brk)
			tlbr_check_range(r, ev->mm, false, TLBR_PAGES_UP((uint64_t)sc->ret),
					 TLBR_PAGES_UP(old_brk),
					 "syscall returns: the flush must be complete");
		break;
	case TLBR_SYS_CLONE:
	case TLBR_SYS_CLONE3:
	case TLBR_SYS_FORK:
		/* the pages the fork write-protected must have no writable entry left */
		if (t->fork_wp_done && sc->ret > 0) {
			struct rmm *c = t->fork_child ? tlbr_mm_get(r, t->fork_child) : NULL;
			uint64_t wp_flushed = t->nfork_dg ? mm_flushed(r, ev->mm) : 0;
			struct page *q;

			for (uint32_t i = 0; i < t->nfork_dg; i++) {
				struct page *p = fork_dg_page(r, ev->mm, &t->fork_dg[i]);

				if (!p)
					continue;
				/* (nothing in the loop flushes a whole mm: wp_flushed holds) */
				tlbr_check_flushed(r, p, (void *)"fork returns in the parent", wp_flushed);
				/* checked as write-protected: it may not be (pgtable.c) */
				tlbr_fork_wp_unknown(r, p);
				/* the child's copy, where it was made (mm_settle) before this */
				q = NULL;
				if (c && c->lazy_seq == t->fork_seq && !c->lazy_parent)
					q = tlbr_page_find(r, t->fork_child, t->fork_dg[i].vpn);
				if (q && q->since == t->fork_seq)
					tlbr_fork_wp_unknown(r, q);
			}
		}
		t->nfork_dg = 0;
		/* the larger array kept for the next fork, whoever's (replay.fork_dg_spare) */
		if (t->fork_dg_alloc > r->fork_dg_spare_alloc) {
			free(r->fork_dg_spare);
			r->fork_dg_spare = t->fork_dg;
			r->fork_dg_spare_alloc = t->fork_dg_alloc;
		} else
			free(t->fork_dg);
		t->fork_dg = NULL;
		t->fork_dg_alloc = 0;
		break;
	default:
		break;
	}
	t->sys = 0;
	t->applied = false;
	t->fork_wp_done = false;
	t->zapped = t->moved = t->move_pending = t->aged = t->zap_force = false;
	t->nyoung = t->nyoung_pmd = 0;
	t->young_lost = false;
	t->lifting = false;
	t->traced = 0;
}

/* O(fork_wp) once per fork, plus mm_fork. */
int tlbr_on_fork(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	const struct tlbr_ev_fork *f = &ev->fork;
	bool flushed;

	/* a thread: unseen until the trace shows it on a CPU (seen_on_cpu) */
	if (f->shares_mm && f->child_mm && f->child_task) {
		struct rtask *c = tlbr_task_rget(r, f->child_task);
		struct rmm *m = tlbr_mm_get(r, f->child_mm);

		if (!c || !m)
			return -ENOMEM;
		if (!c->unseen) {
			c->unseen = true;
			c->mm = f->child_mm;
			m->users++;
			m->unseen_threads++;
			/* it may now run anywhere: what the CPUs hold is no longer known */
			memset(m->empty, 0, (size_t)r->npol * sizeof(*m->empty));
			tlbr_stale_settle(r, m, -1, false);	/* and use any stale entry */
		}
		return 0;
	}
	if (f->shares_mm || !f->child_mm || !ev->mm)
		return 0;
	flushed = t && t->fork_wp_done;
	if (t && tlbr_fork_wp(r, t, ev->mm) && !flushed)
		tlbr_implied_flush(r, ev->mm, TLBR_SITE_FORK, true, 0, 0, false, false);
	if (!tlbr_mm_get(r, f->child_mm))
		return -ENOMEM;
	if (t) {	/* the return's tlbr_fork_wp_unknown() of the child's copies */
		t->fork_child = f->child_mm;
		t->fork_seq = r->seq;
	}
	return tlbr_fork_copy(r, ev->mm, f->child_mm);
}

/*
 * The traced kernel marked @mm (set_tlb_ubc_flush_pending: atomic_inc of
 * mm->tlb_flush_batched's pending count). O(1).
 */
void tlbr_kernel_mark(struct replay *r, uint32_t mm)
{
	struct rmm *m = mm ? tlbr_mm_get(r, mm) : NULL;

	if (m && r->o.batch_marks)
		m->kmark = KMARK_SET;
}

/*
 * The traced kernel's flush_tlb_batched_pending(mm) (mm/rmap.c, arm64 from
 * 6.5): when the mm is marked (pending != flushed),
 * arch_flush_tlb_batched_pending(): flush_tlb_mm() since the 2025 fix
 * (arch/arm64/include/asm/tlbflush.h), a dsb(ish) before it; then
 * flushed = pending. A flush point of the whole mm at site reclaim, which
 * the policies that batch reclaim leave to their own mark
 * (tlbr_batch_sync). Uncertain where the trace does not show the mark (an
 * mm older than the trace, a recording without tlbr:ubc_pending) or the
 * census does not show whether the kernel has the fix. O(flush_point).
 */
void tlbr_kernel_pending(struct replay *r, const struct tlbr_event *ev)
{
	struct rmm *m = ev->mm ? tlbr_mm_get(r, ev->mm) : NULL;
	struct flushreq q;

	if (!m || m->kmark == KMARK_CLEAR || ev->sync.how == TLBR_PEND_DSB) {
		if (m && r->o.batch_marks)
			m->kmark = KMARK_CLEAR;
		return;
	}
	tlbr_req_init(r, &q, TLBR_SITE_RECLAIM, ev->mm);
	q.whole_mm = true;
	q.kernel_pending = true;
	q.real = TLBR_EXEC_BROADCAST;
	q.maybe = m->kmark == KMARK_UNKNOWN || ev->sync.how == TLBR_PEND_UNKNOWN;
	if (q.maybe)
		tlbr_unsure(r, &q, TLBR_UNSURE_PENDING);
	if (r->o.batch_marks)
		m->kmark = KMARK_CLEAR;
	tlbr_flush_point(r, &q);
}

/*
 * Reclaim or migration unmaps a page: its PTE goes, and a flush is due (maybe batched).
 * O(pte_set + flush_point) of one page.
 */
int tlbr_on_reclaim_unmap(struct replay *r, const struct tlbr_event *ev)
{
	struct page *p = ev->mm ? tlbr_page_get(r, ev->mm, ev->reclaim.addr >> PAGE_SHIFT) : NULL;
	struct flushreq q;
	bool lazy, dirty, writable;

	if (!ev->mm)
		return 0;
	if (!p)
		return -ENOMEM;
	/*
	 * try_to_unmap_one() found it mapped: a page the trace never showed
	 * faulting in is older than the trace, and the kernel flushes it too
	 */
	if (p->mapped && !p->present) {
		/* PROT_NONE: not pte_accessible(), neither path flushes it */
		if (!ev->reclaim.keeps_pte)
			tlbr_pte_set(r, p, false, false, false, false, false, "reclaim unmap");
		return 0;
	}
	if (!p->mapped) {
		struct rmm *m = tlbr_mm_get(r, ev->mm);
		const struct vma *v = m ? tlbr_vma_find(m, ev->reclaim.addr) : NULL;

		tlbr_pte_present_before(r, p, !v || (v->prot & TLBR_PROT_WRITE), "present before the trace");
	}
	/*
	 * a migration entry (try_to_migrate_one) is put back present by
	 * remove_migration_ptes with the same permissions: the flush stays,
	 * the PTE the model keeps is the one it has again after
	 */
	lazy = p->lazyfree;
	dirty = p->dirty;
	writable = p->writable;
	if (!ev->reclaim.keeps_pte)
		tlbr_pte_set(r, p, false, false, false, false, false, "reclaim unmap");
	/* set_tlb_ubc_flush_pending marks the mm once the PTE was accessible */
	if (ev->reclaim.kernel_batched)
		tlbr_kernel_mark(r, ev->mm);
	tlbr_req_init(r, &q, TLBR_SITE_RECLAIM, ev->mm);
	q.start_vpn = p->vpn;
	q.end_vpn = p->vpn + 1;
	q.batched = true;
	q.real = TLBR_EXEC_BROADCAST;
	tlbr_flush_point(r, &q);
	/*
	 * a MADV_FREE'd folio (not swap-backed) that was redirtied, or has
	 * references beyond its mappings, cannot be discarded:
	 * try_to_unmap_one() puts the PTE back after its flush
	 * (`set_pte_at(mm, address, pvmw.pte, pteval)`, mm/rmap.c, 6.1 and
	 * 6.12; folio_mark_dirty() of a dirty PTE comes first). A write fault
	 * since the walk cleaned it proves it back; otherwise it may be (the
	 * hardware dirty state, a GUP write such as MADV_POPULATE_WRITE's, a
	 * reference: none traced): present as maybe, the flushes only it would
	 * cause uncertain, until its next fault or mprotect's count
	 */
	if (lazy && !ev->reclaim.keeps_pte) {
		tlbr_pte_set(r, p, true, true, writable, false, false, "reclaim put it back");
		p->lazyfree = true;
		p->dirty = dirty;
		p->maybe = !dirty;
		p->young = PAGE_YOUNG_UNKNOWN;
	}
	return 0;
}
