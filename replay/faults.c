// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults.c - user page faults: a fault maps a page; a write fault on a
 * present read-only page is pending until the task does something else
 * (a reuse, a flush point of its own) or the kernel's flush says how it
 * was resolved (a COW copy, or arm64's reuse flush, also of a contpte block).
 */
#include <errno.h>

#include "replay-local.h"

/*
 * The pending write fault of @t was a reuse: upgrade in place, put the point.
 * O(pte_set + flush_point) of one page.
 */
/*
 * The huge PMD of @first made writable, all 512 pages, and its one flush
 * point; @mapped: only the pages the model maps (x86: its huge page is
 * the model's, no probe says the PMD is whole)
 */
static void reuse_pmd(struct replay *r, uint32_t mm, uint64_t first, struct flushreq *q,
		      bool mapped)
{
	for (uint64_t v = first; v < first + PMD_PAGES; v++) {
		struct page *p = mapped ? tlbr_page_find(r, mm, v) : tlbr_page_get(r, mm, v);

		if (!p || (mapped && !p->mapped))
			continue;	/* out of memory: the page stays as the model had it */
		tlbr_pte_set(r, p, true, true, true, false, false, "write-fault reuse (huge PMD)");
		p->huge = true;
		p->dirty = true;	/* pmd_mkdirty */
		p->young = PAGE_YOUNG;	/* pmd_mkyoung */
	}
	q->start_vpn = first;
	q->end_vpn = first + PMD_PAGES;
	q->block = true;
	tlbr_flush_point(r, q);
}

void tlbr_resolve_reuse(struct replay *r, struct rtask *t, uint32_t mm)
{
	struct page *p;
	struct flushreq q;

	if (!t->wp_pending)
		return;
	t->wp_pending = false;
	if (t->wp_unseen)	/* no flush said it was present: it was not */
		return;
	p = page_at(r, t->wp_page - 1);
	if (p->mm != mm && mm)
		return;
	r->res.reuses++;
	r->res.reuses_user += t->wp_user;
	/*
	 * x86 (a huge page told by its allocation; its reuse flushes nothing):
	 * a reuse of a page the model maps by a huge PMD is the PMD's,
	 * do_huge_pmd_wp_page -> reuse: maybe_pmd_mkwrite(pmd_mkdirty()) and
	 * pmdp_set_access_flags(), all 512 pages writable, as reuse_huge() on
	 * arm64's flush (one point, the block)
	 */
	if (p->huge && r->huge_alloc_seen) {
		r->res.huge_reuses++;
		tlbr_req_init(r, &q, TLBR_SITE_WP_REUSE, p->mm);
		q.cpu = t->wp_cpu;
		q.ts_ns = t->wp_ts;
		q.pos = t->wp_pos;
		reuse_pmd(r, p->mm, p->vpn & ~(uint64_t)(PMD_PAGES - 1), &q, true);
		return;
	}
	tlbr_pte_set(r, p, true, true, true, false, false, "write-fault reuse");
	p->young = PAGE_YOUNG;	/* wp_page_reuse: pte_mkyoung */
	tlbr_req_init(r, &q, TLBR_SITE_WP_REUSE, p->mm);
	q.cpu = t->wp_cpu;
	q.start_vpn = p->vpn;
	q.end_vpn = p->vpn + 1;
	q.ts_ns = t->wp_ts;
	q.pos = t->wp_pos;
	tlbr_flush_point(r, &q);
}

struct unstale_arg {
	struct policy *pl;
	int cpu;
};

static void unstale_fn(struct replay *r, struct page *p, void *a)
{
	struct unstale_arg *u = a;

	tlbr_tlb_set_flag(r, u->pl, p, u->cpu, 0, HELD_STALE);
}

/*
 * @t's write fault on @p is pending: how the kernel resolved it the next
 * flush or event of @t says (tlbr_fault_flush, tlbr_resolve_reuse). O(1).
 */
static void set_pending(struct replay *r, struct rtask *t, const struct tlbr_event *ev,
			struct page *p, bool user, bool unseen)
{
	t->wp_pending = true;
	t->wp_unseen = unseen;
	t->wp_user = user;
	t->huge_wp = 0;
	t->cont_unfold = 0;
	t->wp_page = page_idx(r, p) + 1;
	t->wp_cpu = ev->cpu;
	t->wp_ts = ev->ts_ns;
	t->wp_pos = ev->pos;
}

/* O(policies) plus one pte_set and tlb_access; a huge page's block: O(512). */
/*
 * do_read_fault() -> do_fault_around() (mm/memory.c, 6.1 and 6.12): a read
 * fault on a file or shmem mapping (vm_ops->map_pages: filemap_map_pages)
 * first maps the pages of the page cache around the address that have no
 * PTE, with no fault of their own: the fault_around_bytes (the recorder's
 * metadata, else 64 KiB: 16 pages) aligned block holding the address,
 * clipped to the VMA (and to its
 * page table, which the block never crosses). Which of them were cached
 * the trace cannot show: each page of the block the model has no PTE for
 * may be present from now, read-only, or writable in a shared writable
 * mapping (vm_page_prot: so for shmem, a read-only one where the file
 * system tracks dirty pages; the model takes the wider).
 * O(16 x pte_set).
 */
static bool same_vma(const struct vma *a, const struct vma *b)
{
	return a->prot == b->prot && a->shared == b->shared && a->anon == b->anon;
}

static void fault_around(struct replay *r, uint32_t mm, const struct vma *v, uint64_t vpn)
{
	/*
	 * the window: fault_around_bytes (a power of two, fault_around_bytes_set
	 * rounds it down, at most a page table's 512 pages) as the recorder
	 * read it, else the default; one page or less: no fault-around
	 * (do_read_fault: `fault_around_bytes >> PAGE_SHIFT > 1`, 6.12
	 * should_fault_around: `fault_around_pages > 1`)
	 */
	uint64_t n = r->o.fault_around_bytes ? r->o.fault_around_bytes >> PAGE_SHIFT :
		     FAULT_AROUND_PAGES;
	uint64_t s, e, a, lo, hi;
	const struct vma *w;
	struct rmm *m;

	/*
	 * a VMA a read fault mapped a page in: do_fault_around does not look
	 * at VM_READ, and PROT_WRITE alone is readable (arm64's do_page_fault
	 * takes VM_WRITE, and VM_EXEC without EPAN, for a read; x86 has no
	 * write-only PTE): only PROT_NONE faults no page in
	 */
	if (!(v->prot & (TLBR_PROT_READ | TLBR_PROT_WRITE | TLBR_PROT_EXEC)) || n <= 1)
		return;
	while (n & (n - 1))	/* (a power of two, as the kernel keeps it) */
		n &= n - 1;
	if (n > PMD_PAGES)
		n = PMD_PAGES;
	s = vpn & ~(n - 1);
	e = s + n;
	/*
	 * clipped to the kernel's VMA: mprotect_fixup -> vma_merge joins
	 * neighbours of the same flags and file (a shmem object split by one
	 * mprotect and given its protection back by another), which the model
	 * keeps apart: its contiguous neighbours of the same protection may be
	 * one VMA (a page fault-around may have mapped: the wider bound)
	 */
	m = tlbr_mm_get(r, mm);
	lo = v->start;
	hi = v->end;
	for (w = v; m && w > m->vmas && w[-1].end == lo && same_vma(&w[-1], v); w--)
		lo = w[-1].start;
	for (w = v; m && w + 1 < m->vmas + m->nvmas && w[1].start == hi && same_vma(&w[1], v); w++)
		hi = w[1].end;
	if (s < lo >> PAGE_SHIFT)
		s = lo >> PAGE_SHIFT;
	if (e > hi >> PAGE_SHIFT)
		e = hi >> PAGE_SHIFT;
	for (a = s; a < e; a++) {
		struct page *q;

		if (a == vpn || ((q = tlbr_page_find(r, mm, a)) && q->mapped))
			continue;
		q = tlbr_page_get(r, mm, a);
		if (!q)
			return;
		tlbr_pte_set(r, q, true, true, v->shared && (v->prot & TLBR_PROT_WRITE), false, false,
			     "fault-around (maybe)");
		q->maybe = true;
		/*
		 * do_set_pte(prefault): pte_mkold where arch_wants_old_prefaulted_pte(),
		 * which arm64 defines as cpu_has_hw_af (arch/arm64/include/asm/
		 * pgtable.h, 6.1 and 6.12), else mk_pte(vm_page_prot), whose PTE_AF
		 * makes it young: with the software Access flag a page fault-around
		 * mapped is young. Whether it mapped this one the trace cannot
		 * show: "may be young", an aging of it an uncertain point. With the
		 * hardware flag it is old, made young by any access (no fault to
		 * see): "may be young" too.
		 */
		q->young = PAGE_YOUNG_UNKNOWN;
	}
}

/*
 * The PTEs a fault made for pages other than its own, as the recording
 * traced them (tlbr:map_ptes; metadata fault_around=traced): do_fault_around
 * -> filemap_map_pages maps the window's page-cache pages that have no PTE
 * (6.1: do_set_pte(vmf, page, addr) each; 6.6 on set_pte_range(vmf, folio,
 * page, nr, addr) per run of a folio), and through nothing else, so a page
 * of the window not named was not mapped: no "maybe" page (fault_around()
 * is not called). The PTE: mk_pte(page, vma->vm_page_prot), clean: arm64's
 * PTE_RDONLY even in a shared writable mapping until a write dirties it
 * (a traced permission fault, pte_mkdirty, without FEAT_HAFDBS's DBM; the
 * hardware's with it), read-only as the model takes a read fault's page;
 * writable and dirty only for a write fault's run (maybe_mkwrite(
 * pte_mkdirty()): 6.12's finish_fault of a shared mapping's large folio);
 * pte_mkold where arch_wants_old_prefaulted_pte() (arm64: cpu_has_hw_af)
 * for a page that is not the fault's (prefault: `vmf->address != addr`;
 * 6.6 on, `!in_range(vmf->address, addr, nr * PAGE_SIZE)`), else young
 * (pte_sw_mkyoung; arm64's vm_page_prot carries PTE_AF): with the software
 * Access flag every one is young, with the hardware's old, then young at
 * any access (unknown). 6.12's finish_fault maps a large folio's pages the
 * same way, not prefault (young; a private mapping's COW is the fault's one
 * page). The fault's own page
 * is the fault's (tlbr_on_fault); a page the model has present stays as it
 * is. Events lost in between are lost faults as any (tlbr_lost_gap).
 * O(pages x pte_set).
 */
int tlbr_on_pte_map(struct replay *r, const struct tlbr_event *ev, const struct rtask *t)
{
	struct rmm *m = tlbr_mm_get(r, ev->mm);
	uint64_t s = ev->pte_map.addr >> PAGE_SHIFT, n = ev->pte_map.pages, a;
	bool own = t && t->fault_mm == ev->mm && t->fault_vpn >= s && t->fault_vpn - s < n;

	if (!m || !n || n > PMD_PAGES)	/* (a run never crosses a page table) */
		return 0;
	for (a = s; a < s + n; a++) {
		const struct vma *v = tlbr_vma_find(m, a << PAGE_SHIFT);
		struct page *q;

		if (own && a == t->fault_vpn)
			continue;
		q = tlbr_page_find(r, ev->mm, a);
		if (q && q->mapped && q->present)
			continue;
		q = tlbr_page_get(r, ev->mm, a);
		if (!q)
			return -ENOMEM;
		tlbr_pte_set(r, q, true, true, own && t->fault_write && v && v->shared &&
			     (v->prot & TLBR_PROT_WRITE), false, false,
			     own ? "mapped with the fault's page" : "fault-around");
		if (own && t->fault_write)
			q->dirty = true;
		q->maybe = false;
		q->young = r->o.sw_access_flag || own ? PAGE_YOUNG : PAGE_YOUNG_UNKNOWN;
	}
	return 0;
}

/*
 * A write fault on @p present says its PTE was read-only: a fork's
 * write-protection that may have left it writable (page.forkvma) did
 * not. What the CPUs hold is put to the excess lists again under the
 * narrower permission. O(policies x CPUs).
 */
static void fork_wp_seen(struct replay *r, struct page *p, void *a)
{
	(void)a;
	if (!p->forkvma || !p->present || p->writable)
		return;
	p->gapw = false;
	p->forkvma = false;
	for (int pol = 0; pol < r->npol; pol++)
		for (int c = 0; c < r->ncpus; c++)
			tlbr_tlb_excess_note(r, &r->pol[pol], p, c);
	tlbr_cand_note(r, p);
}

int tlbr_on_fault(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	uint64_t err = ev->fault.error_code;
	struct page *p = tlbr_page_get(r, ev->mm, ev->fault.addr >> PAGE_SHIFT);
	bool was_maybe, unseen;
	int pol;

	if (!p)
		return -ENOMEM;
	if (t) {
		t->fault_mm = ev->mm;
		t->fault_vpn = p->vpn;
		t->fault_write = (ev->fault.error_code & TLBR_PF_WRITE) != 0;
	}
	/*
	 * an arm64 write fault (the probe does not say whether the PTE was
	 * present) on a page the model has no PTE for (older than the trace,
	 * or one fault-around may have mapped): a new page, unless the COW or
	 * reuse flush of that page follows (tlbr_fault_flush), which says it
	 * was present, read-only (do_wp_page)
	 */
	unseen = ev->fault.prot_unknown && (err & TLBR_PF_WRITE) && (!p->mapped || p->maybe);
	/*
	 * a page fault-around may have mapped: it did not (a fault), unless
	 * this is a write to a read-only one (the COW or reuse probes say)
	 */
	was_maybe = p->maybe;
	p->maybe = false;
	p->standin = false;	/* the fault shows it */
	/* arm64's handle_mm_fault does not say whether the page was present: the model does */
	if (ev->fault.prot_unknown && p->present && !was_maybe)
		err |= TLBR_PF_PROT;
	if ((err & (TLBR_PF_PROT | TLBR_PF_WRITE)) == (TLBR_PF_PROT | TLBR_PF_WRITE)) {
		r->res.write_faults_present++;
		/*
		 * a page a fork write-protected, maybe (page.forkvma): a
		 * pinned page's PTE (copy_present_page()) or a shared
		 * mapping's stayed writable, and the fork's flush left no
		 * read-only entry of it; this write fault says read-only:
		 * write-protected since. What the CPUs hold is put to the
		 * excess lists again under the narrower permission.
		 */
		if (p->forkvma && p->present && !p->writable) {
			if (p->huge) {	/* one block entry: the whole PMD (copy_huge_pmd) */
				uint64_t b = p->vpn & ~(PMD_PAGES - 1);

				tlbr_for_pages(r, p->mm, false, b, b + PMD_PAGES, fork_wp_seen, NULL);
			} else
				fork_wp_seen(r, p, NULL);
		}
		/* a CPU writing a page it holds a stale read-only entry for */
		for (pol = 0; pol < r->npol; pol++) {
			if (tlbr_tlb_held(r, &r->pol[pol], p, ev->cpu) & HELD_STALE) {
				if (r->o.cpu->spurious_faults) {
					r->pol[pol].res->spurious_predicted++;
					r->pol[pol].res->ops[TLBR_OP_SPURIOUS]++;
					/* flush_tlb_fix_spurious_fault(): TLBF_NOBROADCAST,
					 * inside migrate_disable() too under active-cpu */
					if (tlbr_migrates_every_flush(&r->pol[pol]))
						r->pol[pol].res->ops[TLBR_OP_MIGRATE]++;
					if (r->o.note) {
						struct tlbr_note n = { .kind = TLBR_NOTE_SPURIOUS };

						tlbr_replay_note(r, &n, pol, ev->cpu, p->mm, p->vpn);
					}
				}
				tlbr_tlb_set_flag(r, &r->pol[pol], p, ev->cpu, 0, HELD_STALE);
				if (p->huge) {	/* flush_tlb_fix_spurious_fault_pmd: the block */
					struct unstale_arg u = { &r->pol[pol], ev->cpu };
					uint64_t b = p->vpn & ~(PMD_PAGES - 1);

					tlbr_for_pages(r, p->mm, false, b, b + PMD_PAGES, unstale_fn, &u);
				}
			}
		}
		if (p->present && p->writable && p->since < r->lost_seq) {
			/*
			 * the PTE last changed before a gap with lost events: a
			 * write-protection there (a fork's copy_present_pte(), an
			 * mprotect, KSM's write_protect_page()) and its flush are
			 * lost. The fault says the PTE was read-only: a COW break
			 * or a reuse, as its flush tells (counted apart)
			 */
			r->res.write_faults_lost++;
			set_pending(r, t, ev, p, err & TLBR_PF_USER, false);
		} else if (p->present && p->writable) {
			if (r->o.cpu->spurious_faults) {
				r->res.spurious_observed++;
				if (r->o.note) {
					struct tlbr_note n = { .kind = TLBR_NOTE_SPURIOUS_SEEN };

					tlbr_replay_note(r, &n, -1, ev->cpu, p->mm, p->vpn);
				}
			} else
				r->res.unexplained++;
		} else {
			/*
			 * older than the trace, or mapped where the trace lost it
			 * (lost events, a kernel path without a fault record): it
			 * was there, read-only, since a time the trace does not
			 * show, so every CPU that may have run the mm may hold it
			 * (tlbr_pte_residue: the flush of this write fault must
			 * remove it there), not only those that load it from now
			 */
			if (!p->mapped) {
				tlbr_pte_set(r, p, true, true, false, true, false, "present before the trace");
				tlbr_pte_residue(r, p, HELD_VALID);
			}
			set_pending(r, t, ev, p, err & TLBR_PF_USER, false);
		}
	} else if (!(err & TLBR_PF_PROT)) {
		struct rmm *m = tlbr_mm_get(r, ev->mm);
		const struct vma *v = m ? tlbr_vma_find(m, ev->fault.addr) : NULL;

		/* (a page fault-around may have mapped writable stays so: no downgrade) */
		tlbr_pte_set(r, p, true, true, (err & TLBR_PF_WRITE) || (was_maybe && p->writable),
			false, false, err & TLBR_PF_WRITE ? "write fault mapping" : "read fault mapping");
		/* do_anonymous_page maps the zero page for a read */
		p->zero = !(err & TLBR_PF_WRITE) && v && v->anon && !v->shared;
		/*
		 * and a new folio for a write (folio_add_lru_vma: this CPU's
		 * lru_add batch, lru.c); a file or shared page may be one the
		 * page cache had: not known
		 */
		if ((err & TLBR_PF_WRITE) && v && v->anon && !v->shared)
			tlbr_lru_set(r, p, LRU_BATCH_ADD, ev->cpu);
		/* (the recording traced which pages it mapped: tlbr_on_pte_map) */
		if (!(err & TLBR_PF_WRITE) && v && (!v->anon || v->shared) &&
		    !r->o.fault_around_traced)
			fault_around(r, ev->mm, v, p->vpn);
		if (unseen)
			set_pending(r, t, ev, p, err & TLBR_PF_USER, true);
	} else if (!p->present) {
		bool unknown = !p->mapped;

		tlbr_pte_set(r, p, true, true, false, p->cow, false, "present before the trace");
		if (unknown)	/* as a write fault's above: held where the mm may have run */
			tlbr_pte_residue(r, p, HELD_VALID);
	}
	/* a write fault leaves the PTE dirty (pte_mkdirty in do_anonymous_page, do_set_pte) */
	if (err & TLBR_PF_WRITE)
		p->dirty = true;
	/*
	 * young: a new PTE (mk_pte of vm_page_prot: arm64's PAGE_* carry
	 * PTE_AF) or a present one the fault touched (handle_pte_fault:
	 * pte_mkyoung, ptep_set_access_flags), also the software Access flag
	 * fault of an old PTE (do_page_fault -> handle_mm_fault, as any)
	 */
	if (p->mapped)
		p->young = PAGE_YOUNG;
	tlbr_tlb_access(r, p, ev->cpu);
	return 0;
}

/*
 * A write-fault reuse of a huge PMD (do_huge_pmd_wp_page -> reuse:
 * pmdp_set_access_flags(vma, haddr, pmd, entry, 1), which arm64 maps to
 * ptep_set_access_flags, 6.9 on __ptep_set_access_flags, on the PMD): the
 * block is made writable, all 512 pages of it, and flush_tlb_page(vma,
 * haddr) - local_flush_tlb_page() under seed 000, which the merged series
 * extends to huge PMDs (flush_tlb_fix_spurious_fault_pmd() fixes their
 * spurious faults) - removes the one block entry a CPU holds for it with
 * one TLBI. Evidence: the set_access flush is at the PMD's address, the
 * faulting page is in its 2 MiB, and the fault went through
 * do_huge_pmd_wp_page (thp_wp) or the model maps the page by a huge PMD.
 * O(512 pages x pte_set + flush_point).
 */
static bool reuse_huge(struct replay *r, struct rtask *t, const struct tlbr_event *ev,
		       struct flushreq *q, struct page *fp)
{
	uint64_t first = ev->flush.start >> PAGE_SHIFT;

	if ((ev->flush.start & (PMD_PAGES * TLBR_PAGE_SIZE - 1)) || fp->mm != ev->mm ||
	    fp->vpn < first || fp->vpn >= first + PMD_PAGES ||
	    !(t->huge_wp == ev->flush.start + 1 || fp->huge))
		return false;
	t->wp_pending = false;
	t->huge_wp = 0;
	r->res.reuses++;
	r->res.reuses_user += t->wp_user;
	r->res.huge_reuses++;
	reuse_pmd(r, ev->mm, first, q, false);
	return true;
}

/*
 * contpte_convert in @t's write fault, of the block of the page it is
 * pending on: contpte_ptep_set_access_flags unfolds before a reuse (the
 * write bit changes); the reuse's one-page flush follows. O(1).
 */
void tlbr_cont_unfold(struct replay *r, struct rtask *t, const struct tlbr_event *ev)
{
	struct page *p;

	if (!t->wp_pending)
		return;
	p = page_at(r, t->wp_page - 1);
	if (p->mm == ev->mm && p->vpn >= ev->flush.start >> PAGE_SHIFT &&
	    p->vpn < TLBR_PAGES_UP(ev->flush.end))
		t->cont_unfold = (ev->flush.start & ~0xffffULL) + 1;
}

/*
 * A COW or write-fault-reuse flush of the page @t's write fault is pending
 * on: it says how the fault was resolved. Puts the flush point and returns
 * true; false when the flush is not about that page.
 */
bool tlbr_fault_flush(struct replay *r, struct rtask *t, const struct tlbr_event *ev,
		 struct flushreq *q, bool range)
{
	const struct tlbr_ev_flush *f = &ev->flush;
	struct page *p;

	if (!t->wp_pending || !range)
		return false;
	p = page_at(r, t->wp_page - 1);
	if (f->flags & TLBR_FLUSH_CONTPTE) {
		bool in = p->mm == ev->mm && p->vpn >= f->start >> PAGE_SHIFT &&
			  p->vpn < TLBR_PAGES_UP(f->end);

		if (f->site != TLBR_SITE_WP_REUSE)	/* contpte_convert: tlbr_cont_unfold() */
			return false;
		/*
		 * contpte_ptep_set_access_flags with the write bit unchanged: the
		 * page was writable (clean); its 16-page flush is not a reuse
		 */
		if (in) {
			t->wp_pending = false;
			tlbr_pte_set(r, p, true, true, true, p->cow, false,
				"access/dirty update (contpte block)");
		}
		return false;
	}
	if (f->site == TLBR_SITE_WP_REUSE && reuse_huge(r, t, ev, q, p))
		return true;
	if (p->vpn != f->start >> PAGE_SHIFT)
		return false;
	t->wp_pending = false;
	if (t->wp_unseen) {	/* it was present after all: a write fault on a present page */
		r->res.write_faults_present++;
		/*
		 * present read-only since an unknown time (do_wp_page): every
		 * CPU that may have run the mm may hold that entry, which the
		 * flush must remove (the fault made the model take it for new)
		 */
		tlbr_pte_residue(r, p, HELD_VALID);
	}
	if (f->site == TLBR_SITE_WP_REUSE) {
		r->res.reuses++;
		r->res.reuses_user += t->wp_user;
		/* contpte_ptep_set_access_flags: unfolded, then this page's flush */
		if (t->cont_unfold && t->cont_unfold - 1 == (f->start & ~0xffffULL))
			r->res.contpte_reuses++;
		tlbr_pte_set(r, p, true, true, true, false, false, "write-fault reuse");
	} else {
		r->res.cow_breaks++;
		r->res.cow_breaks_user += t->wp_user;
		tlbr_pte_set(r, p, true, true, true, false, true, "COW copy");
		/* wp_page_copy: a new folio (folio_add_lru_vma), in the faulting CPU's batch */
		tlbr_lru_set(r, p, LRU_BATCH_ADD, t->wp_cpu);
	}
	p->dirty = true;	/* wp_page_reuse, wp_page_copy: pte_mkdirty */
	p->young = PAGE_YOUNG;	/* and pte_mkyoung (wp_page_copy: vm_page_prot's PTE_AF) */
	q->start_vpn = p->vpn;
	q->end_vpn = p->vpn + 1;
	tlbr_flush_point(r, q);
	if (f->site == TLBR_SITE_COW)
		tlbr_check_range(r, p->mm, false, p->vpn, p->vpn + 1, "COW copy done: old page freed");
	return true;
}
