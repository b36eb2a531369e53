// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * views.c - what the model can tell about a flush point: the queries of
 * policy.h, and whether a broadcast was certainly avoidable.
 */
#include <string.h>

#include "replay-local.h"

void tlbr_decide_running(struct replay *r, const struct flushreq *q, const struct tlbr_cpuset *cpus,
		    struct decision *d)
{
	int c;

	for (c = 0; c < r->ncpus; c++) {
		if (c == q->cpu || !tlbr_cpuset_test(cpus, (unsigned int)c))
			continue;
		if (tlbr_view_running(r, q->mm, c))
			tlbr_cpuset_set(&d->targets, (unsigned int)c);
		else
			tlbr_cpuset_set(&d->deferred, (unsigned int)c);
	}
}

struct holders_arg {
	struct policy *pl;
	struct tlbr_cpuset set;
	struct tlbr_cpuset ask;	/* CPUs asked about: those that ever loaded the mm */
	unsigned int left;	/* asked CPUs not in the set yet: the walk stops at 0 */
	bool too_much;
};

/* Only a CPU that ever loaded the mm can hold its translations. */
static unsigned int ask_cpus(struct replay *r, uint32_t mm, int skip, struct tlbr_cpuset *ask)
{
	struct rmm *m = tlbr_mm_get(r, mm);

	memset(ask, 0, sizeof(*ask));
	if (m)
		*ask = m->ever;
	if (mm_anywhere(m))	/* a thread the trace does not show may have run it anywhere */
		for (int c = 0; c < r->ncpus; c++)
			tlbr_cpuset_set(ask, (unsigned int)c);
	/*
	 * an mm older than the trace: a CPU not seen loading a user mm yet may
	 * run it; any CPU may keep entries of it from before the trace, which
	 * the model materialises where it learns of them (tlbr_pte_residue():
	 * every CPU), also on a CPU the trace showed before it first showed
	 * the mm (load_mm()'s may_hold_now() only reaches the mms it knows then)
	 */
	if (m && !m->born)
		for (int c = 0; c < r->ncpus; c++)
			tlbr_cpuset_set(ask, (unsigned int)c);
	if (skip >= 0)
		ask->bits[skip / 64] &= ~(1ULL << (skip % 64));
	return tlbr_cpuset_count(ask);
}

/* Whether @c is one of the holders h asks for of @p. O(1) unbounded; O(ways) capacity. */
static bool holds(struct replay *r, const struct holders_arg *h, struct page *p, int c)
{
	uint8_t held;

	/* unbounded: an excess is in the materialised entry or nowhere (tlb.c) */
	if (h->too_much && r->o.tlb->kind == TLBR_TLB_UNBOUNDED) {
		held = ptlb_of(r, p, h->pl->idx, c)->held;
		if (!(held & HELD_OLD) && !(held & ~tlbr_perm(r, p) & (HELD_VALID | HELD_W)))
			return false;
	}
	held = tlbr_tlb_held(r, h->pl, p, c);
	if (!(held & HELD_VALID))
		return false;
	return !h->too_much || (held & HELD_OLD) ||
	       (held & ~tlbr_perm(r, p) & (HELD_VALID | HELD_W));
}

static void holders_fn(struct replay *r, struct page *p, void *a)
{
	struct holders_arg *h = a;
	int c;

	for (c = 0; c < r->ncpus; c++) {
		if (!tlbr_cpuset_test(&h->ask, (unsigned int)c) ||
		    tlbr_cpuset_test(&h->set, (unsigned int)c))
			continue;
		if (!holds(r, h, p, c))
			continue;
		tlbr_cpuset_set(&h->set, (unsigned int)c);
		if (!--h->left)
			r->stop_walk = true;
	}
}

/*
 * The asked CPUs holding more than the PTE allows of the flush's pages,
 * from the mm's excess lists instead of its whole page list: every page
 * the walk would find excessive is listed (tlb.c says why), and each listed
 * page is put the same test (holds). A page that can no longer be
 * excessive (tlb_excess_may) leaves the list as it is met.
 * O(listed pages of the asked CPUs), each listing paid once.
 */
static void excess_scan(struct replay *r, const struct flushreq *q, struct rmm *m,
			struct holders_arg *h)
{
	int c;

	if (!m->excess)
		return;
	for (c = 0; c < r->ncpus; c++) {
		struct pagelist *l = &m->excess[(size_t)h->pl->idx * (size_t)r->ncpus + (size_t)c];
		uint32_t k = 0;

		if (!tlbr_cpuset_test(&h->ask, (unsigned int)c))
			continue;
		while (k < l->n) {
			struct page *p = page_at(r, l->v[k]);

			if (!tlbr_tlb_excess_may(r, h->pl, p, c)) {
				ptlb_mut(r, p, h->pl->idx, c)->xlisted = false;
				l->v[k] = l->v[--l->n];
				continue;
			}
			if ((q->whole_mm || (p->vpn >= q->start_vpn && p->vpn < q->end_vpn)) &&
			    holds(r, h, p, c)) {
				tlbr_cpuset_set(&h->set, (unsigned int)c);
				break;
			}
			k++;
		}
	}
}

/*
 * holders_fn over the flush's pages, not asking the CPUs known to hold
 * nothing of the mm (rmm.empty); a walk of the mm's whole page list (a
 * whole-mm flush, or a range too big to look up page by page) also learns
 * which asked CPUs hold nothing anywhere in it, so the next walk does not
 * ask them: an mm whose other CPUs were flushed and have not run it since
 * is walked once, not at every flush. The set found is the one for_pages
 * with holders_fn finds. O(pages of the range) by lookup; O(pages of the
 * mm x CPUs) walking, then O(CPUs) for every query until the mm is loaded
 * on one of them again.
 */
static void holders_walk(struct replay *r, const struct flushreq *q, struct holders_arg *h)
{
	struct rmm *m = tlbr_mm_get(r, q->mm);
	struct tlbr_cpuset *empty, any = { { 0 } };
	uint64_t n = q->end_vpn - q->start_vpn;
	unsigned int i, nask, nany = 0;
	bool complete = true;
	int c;

	if (!m || r->o.tlb->kind != TLBR_TLB_UNBOUNDED) {
		tlbr_for_pages(r, q->mm, q->whole_mm, q->start_vpn, q->end_vpn, holders_fn, h);
		return;
	}
	if (mm_anywhere(m)) {
		if (m->lazy_parent)
			tlbr_mm_settle(r, m);
		/* for_pages' choice: look the pages up, or walk the whole mm */
		if (h->too_much && (q->whole_mm || (n > 16 && n > m->npages / 8)) &&
		    tlbr_tlb_excess_ready(r, h->pl))
			excess_scan(r, q, m, h);
		else
			tlbr_for_pages(r, q->mm, q->whole_mm, q->start_vpn, q->end_vpn, holders_fn, h);
		return;
	}
	empty = &m->empty[h->pl->idx];
	for (i = 0; i < TLBR_MAX_CPUS / 64; i++)
		h->ask.bits[i] &= ~empty->bits[i];
	nask = tlbr_cpuset_count(&h->ask);
	if (h->left > nask)
		h->left = nask;
	if (!h->left)
		return;
	if (m->lazy_parent)
		tlbr_mm_settle(r, m);
	if (!q->whole_mm && (n <= 16 || n <= m->npages / 8)) {	/* for_pages' lookups */
		tlbr_for_pages(r, q->mm, false, q->start_vpn, q->end_vpn, holders_fn, h);
		return;
	}
	if (h->too_much && tlbr_tlb_excess_ready(r, h->pl)) {
		excess_scan(r, q, m, h);
		return;
	}
	r->stop_walk = false;
	for (i = m->first; i; i = page_at(r, i - 1)->next) {
		struct page *p = page_at(r, i - 1);

		if (q->whole_mm || (p->vpn >= q->start_vpn && p->vpn < q->end_vpn)) {
			holders_fn(r, p, h);
			if (r->stop_walk) {
				complete = false;
				break;
			}
		}
		for (c = 0; nany < nask && c < r->ncpus; c++)
			if (tlbr_cpuset_test(&h->ask, (unsigned int)c) &&
			    !tlbr_cpuset_test(&any, (unsigned int)c) &&
			    (tlbr_tlb_held_sound(r, h->pl, p, c) & HELD_VALID)) {
				tlbr_cpuset_set(&any, (unsigned int)c);
				nany++;
			}
	}
	/* not where it is loaded: a page made present there is held at once */
	if (complete)
		for (c = 0; c < r->ncpus; c++)
			if (tlbr_cpuset_test(&h->ask, (unsigned int)c) &&
			    !tlbr_cpuset_test(&any, (unsigned int)c) &&
			    !tlbr_cpuset_test(&m->active, (unsigned int)c))
				tlbr_cpuset_set(empty, (unsigned int)c);
}

static struct tlbr_cpuset holders(struct replay *r, struct policy *pl, const struct flushreq *q,
				  bool too_much, int skip)
{
	struct holders_arg h = { .pl = pl, .too_much = too_much };

	h.left = ask_cpus(r, q->mm, skip, &h.ask);
	if (h.left)
		holders_walk(r, q, &h);
	return h.set;
}

struct tlbr_cpuset tlbr_view_holders(struct replay *r, struct policy *pl, const struct flushreq *q,
				bool more_than_allowed_only)
{
	return holders(r, pl, q, more_than_allowed_only, -1);
}

struct flushed_arg {
	struct policy *pl;
	int issuer;
	bool flushed_before;
};

static void flushed_before_fn(struct replay *r, struct page *p, void *a)
{
	struct flushed_arg *f = a;
	int c;

	for (c = 0; c < r->ncpus; c++)
		if (c != f->issuer && ptlb_of(r, p, f->pl->idx, c)->cleared)
			f->flushed_before = true;
}

enum tlbr_avoid tlbr_avoid_reason(struct replay *r, struct policy *pl, const struct flushreq *q)
{
	struct rmm *m = tlbr_mm_get(r, q->mm);
	struct flushed_arg f = { .pl = pl, .issuer = q->cpu };
	struct tlbr_cpuset others = m ? m->ever : (struct tlbr_cpuset){ { 0 } };
	int c;

	others.bits[q->cpu / 64] &= ~(1ULL << (q->cpu % 64));
	if (!tlbr_cpuset_count(&others))
		return TLBR_AVOID_NEVER_ELSEWHERE;
	for (c = 0; m && c < r->ncpus; c++)
		if (c != q->cpu && (m->mm_cleared[(size_t)pl->idx * (size_t)r->ncpus + (size_t)c] ||
				    pl->all_cleared[c]))
			return TLBR_AVOID_ALREADY_FLUSHED;
	if (r->o.tlb->kind == TLBR_TLB_UNBOUNDED)
		tlbr_for_pages(r, q->mm, q->whole_mm, q->start_vpn, q->end_vpn, flushed_before_fn, &f);
	return f.flushed_before ? TLBR_AVOID_ALREADY_FLUSHED : TLBR_AVOID_NOT_PRESENT;
}

struct vouched_arg {
	uint64_t n, since;	/* pages the model vouches for; from this seq on */
};

/* a page whose PTE the model knows: mapped, or seen unmapped since the last gap */
static void vouched_fn(struct replay *r, struct page *p, void *a)
{
	struct vouched_arg *v = a;

	(void)r;
	v->n += p->mapped || (p->since && p->since >= v->since);
}

/*
 * May @c hold, under @pl, an entry of a page of @m (one that may have
 * pages the model has no record of: older than the trace, or
 * rmm.unknown_from) that the model has no record of? Loaded now, or may
 * be; of an address space older than the trace, not flushed whole since
 * it last left @c; of one created in the trace, loaded since its
 * unknown_from and not flushed whole since; of a page seen unmapped at
 * @seen (0: none), loaded since then and not flushed whole since. O(1).
 */
bool tlbr_unknown_cpu(struct replay *r, struct policy *pl, struct rmm *m, int c, uint64_t seen)
{
	uint64_t mc = m->mm_cleared[(size_t)pl->idx * (size_t)r->ncpus + (size_t)c];

	if (pl->all_cleared[c] > mc)
		mc = pl->all_cleared[c];
	if (tlbr_cpuset_test(&m->active, (unsigned int)c) || mm_anywhere(m) ||
	    cpu_may_load_older(r, m, c))
		return true;
	if (seen)	/* the page seen unmapped then: nothing of it held before */
		return m->last_end[c] > seen && m->last_end[c] > mc;
	if (!m->born)
		return !mc || m->last_end[c] > mc;
	return m->last_end[c] >= m->unknown_from && m->last_end[c] > mc;
}

/*
 * May another CPU than the flush's hold an entry of one of its pages that
 * the model has no record of? Such a page may be present: in an address
 * space older than the trace since before it (any CPU may hold it, unless
 * a flush of the whole mm reached the CPU after the mm last left it), in
 * one created in the trace from its unknown_from on (a fork of such an
 * mm; lost events, whose faults the gap hides): held by a CPU that had the
 * mm loaded since then and not flushed since. The holders only ask the
 * pages the model has, so without this an munmap of pages of an older
 * process the trace never showed was "certainly avoidable" ("pages not
 * present while it ran elsewhere") where the traced kernel's flush itself
 * shows a PTE was there. Under the unbounded model only. O(CPUs), plus
 * the pages of the range the model has when one CPU may.
 */
bool tlbr_unknown_held(struct replay *r, struct policy *pl, const struct flushreq *q)
{
	struct rmm *m = tlbr_mm_get(r, q->mm);
	struct vouched_arg v = { .since = m ? tlbr_unknown_seq(r, m) : 0 };
	bool any = false;

	/* a capacity preset's estimate holds only what the trace showed accessed */
	if (!m || (m->born && !m->unknown_from && !mm_anywhere(m)) ||
	    r->o.tlb->kind != TLBR_TLB_UNBOUNDED)
		return false;
	for (int c = 0; c < r->ncpus && !any; c++)
		any = c != q->cpu && tlbr_unknown_cpu(r, pl, m, c, 0);
	if (!any)
		return false;
	if (q->whole_mm)
		return true;
	tlbr_for_pages(r, q->mm, false, q->start_vpn, q->end_vpn, vouched_fn, &v);
	return v.n < q->end_vpn - q->start_vpn;
}

/* Other CPUs that may hold anything the flush removes (stops at the first). */
struct tlbr_cpuset tlbr_holders_of(struct replay *r, struct policy *pl, const struct flushreq *q)
{
	struct holders_arg h = { .pl = pl };

	if (ask_cpus(r, q->mm, q->cpu, &h.ask)) {
		h.left = 1;
		holders_walk(r, q, &h);
	}
	return h.set;
}

bool tlbr_view_syscall_seq(struct replay *r, uint32_t task, uint64_t *ret_seq)
{
	struct rtask *t = tlbr_task_rget(r, task);

	if (!t)
		return false;
	*ret_seq = t->sys_seq;
	return true;
}

uint64_t tlbr_view_vma_start(struct replay *r, const struct flushreq *q)
{
	struct rmm *m = tlbr_mm_get(r, q->mm);
	const struct vma *v = m && !q->whole_mm ? tlbr_vma_find(m, q->start_vpn << PAGE_SHIFT) : NULL;

	return v ? v->start : UINT64_MAX;
}

struct tlbr_cpuset tlbr_view_walkers(struct replay *r, uint32_t mm)
{
	struct rmm *m = mm && mm < r->nmms ? &r->mms[mm] : NULL;

	if (!m || !m->born || mm_anywhere(m))
		return tlbr_view_all_cpus(r);
	return m->ever;
}

struct tlbr_cpuset tlbr_view_walkers_now(struct replay *r, uint32_t mm)
{
	struct rmm *m = mm && mm < r->nmms ? &r->mms[mm] : NULL;
	struct tlbr_cpuset w = { { 0 } };

	if (!m || mm_anywhere(m))
		return tlbr_view_all_cpus(r);
	w = m->active;
	for (int c = 0; c < r->ncpus; c++)	/* a CPU not seen loading a user mm yet may have it loaded */
		if (cpu_may_load_older(r, m, c))
			tlbr_cpuset_set(&w, (unsigned int)c);
	return w;
}

bool tlbr_view_same_gather(struct replay *r, struct unshare_gather *g, const struct flushreq *q,
		      bool *same)
{
	uint64_t vma, sys_seq;

	if (!q->ev || !q->ev->task || !tlbr_view_syscall_seq(r, q->ev->task, &sys_seq))
		return false;
	vma = tlbr_view_vma_start(r, q);
	*same = g->open && g->task == q->ev->task && g->sys_seq == sys_seq && g->vma_start == vma;
	if (!*same)
		*g = (struct unshare_gather){ .task = q->ev->task, .sys_seq = sys_seq,
					      .vma_start = vma, .open = true };
	return true;
}

bool tlbr_view_may_run_older(struct replay *r, uint32_t mm, int cpu)
{
	return mm && mm < r->nmms && r->mms[mm].last_end && cpu_may_run_older(r, &r->mms[mm], cpu);
}

bool tlbr_view_may_load_older(struct replay *r, uint32_t mm, int cpu)
{
	return mm && mm < r->nmms && r->mms[mm].last_end && cpu_may_load_older(r, &r->mms[mm], cpu);
}

bool tlbr_view_mm_born(struct replay *r, uint32_t mm)
{
	return mm && mm < r->nmms && r->mms[mm].born;
}

bool tlbr_view_repeat_tlbi(struct replay *r)
{
	return (r->o.env & TLBR_ENV_ERRATA) != 0;
}

int tlbr_view_ncpus(struct replay *r)
{
	return r->ncpus;
}

int tlbr_view_syscall(struct replay *r)
{
	return r->cur_task ? r->cur_task->sys : 0;
}

uint32_t tlbr_view_cpu_task(struct replay *r, int cpu)
{
	return cpu >= 0 && cpu < r->ncpus ? r->cpu[cpu].task : 0;
}

int tlbr_view_task_syscall(struct replay *r, uint32_t task)
{
	struct rtask *t = task && task < r->ntasks ? &r->tasks[task] : NULL;

	return t ? t->sys : 0;
}

struct tlbr_x86_check *tlbr_view_x86_check(struct replay *r)
{
	return &r->res.x86;
}

#define PMD_SIZE_ (2ULL << 20)

/*
 * The traced flush of an unmapping mmu_gather covers more than the @span
 * pages the syscall unmaps: free_pgtables() freed a page-table page whose
 * range starts below them (free_pte_range() -> pte_free_tlb():
 * tlb_flush_pmd_range(tlb, address, PAGE_SIZE) at the start of the PMD's
 * range, and freed_tables = 1), so tlb_finish_mmu()'s flush_tlb_mm_range()
 * has freed_tables. A full flush (TLB_FLUSH_ALL) of a span of at most 33
 * pages (tlb_single_page_flush_ceiling) is either that or
 * flush_tlb_batched_pending()'s flush_tlb_mm() or a nested gather's
 * (tlb_finish_mmu(), mm_tlb_flush_nested()): freed_tables as well.
 */
static bool wider_than(const struct flushreq *q, uint64_t span)
{
	const struct tlbr_event *ev = q->ev;

	if (!ev || ev->kind != TLBR_EV_FLUSH || ev->ts_ns != q->ts_ns ||
	    ev->flush.x86_reason == TLBR_X86_NONE || !span)
		return false;
	return ev->flush.pages == TLBR_PAGES_ALL ? span <= 33 : ev->flush.pages > span;
}

struct populated_arg {
	uint64_t seq;
	bool found;
};

/* a page mapped now, or until this syscall unmapped it */
static void populated_fn(struct replay *r, struct page *p, void *arg)
{
	struct populated_arg *pa = arg;

	(void)r;
	if (p->mapped || p->since > pa->seq)
		pa->found = true;
}

/* any page the model has a record of: it was mapped at some time (not a stand-in's) */
static void any_page_fn(struct replay *r, struct page *p, void *arg)
{
	if (p->standin)
		return;
	((struct populated_arg *)arg)->found = true;
	r->stop_walk = true;
}

/*
 * brk() shrinking the heap from the old break (mm->brk) to @newbrk:
 * do_brk_munmap() -> do_vmi_align_munmap() (6.1: do_mas_align_munmap())
 * -> unmap_region() -> free_pgtables(floor = the heap's new end, ceiling =
 * the next VMA's start) -> free_pgd_range(): addr = newbrk & PMD_MASK, and
 * PMD_SIZE more if that is below the floor; the PTE pages of the PMD ranges
 * from there to the old break go (the next VMA is not taken to share the
 * old break's PMD range: the gap above a heap is large). Only when the
 * trace showed the old break; else the traced flush's range may tell.
 */
static bool brk_frees_tables(struct replay *r, const struct flushreq *q, const struct rtask *t,
			     const struct rmm *m)
{
	uint64_t nb = t->call.brk.brk, a;

	if (!m->brk || !nb || nb >= m->brk)
		return false;
	if (wider_than(q, TLBR_PAGES_UP(m->brk) - TLBR_PAGES_UP(nb)))
		return true;
	a = nb & ~(PMD_SIZE_ - 1);
	if (a < nb)
		a += PMD_SIZE_;
	if (a >= m->brk)
		return false;
	/*
	 * free_pmd_range() frees only the PTE pages there are
	 * (pmd_none_or_clear_bad()): a PTE page exists where a page was
	 * mapped, up to this syscall's zap. The trace shows every page of an
	 * address space it saw born; of an older one it cannot tell
	 */
	if (!m->vmas_known)
		return true;
	struct populated_arg pa = { .seq = t->sys_seq };

	tlbr_for_pages(r, q->mm, false, a >> TLBR_PAGE_SHIFT, TLBR_PAGES_UP(m->brk), populated_fn, &pa);
	return pa.found;
}

/*
 * The 2 MiB range at @b of @m, an address space born in the trace whose
 * VMAs it showed, where the model has no record of a page mapped: no PTE
 * page there (a best estimate: see frees_tables()). O(pages known there).
 */
static bool no_pte_page(struct replay *r, const struct flushreq *q, const struct rmm *m, uint64_t b)
{
	struct populated_arg pa = { .seq = 0 };

	if (!m->born || !m->vmas_known)
		return false;
	tlbr_for_pages(r, q->mm, false, b >> TLBR_PAGE_SHIFT, (b + PMD_SIZE_) >> TLBR_PAGE_SHIFT,
		       any_page_fn, &pa);
	return !pa.found;
}

/*
 * @seen: also take a PMD range of a munmap in an address space born in the
 * trace as having no PTE page when the model has no record of a page mapped
 * there. O(PMDs of the syscall's range x log VMAs; a brk, or @seen: the
 * pages the model knows there).
 */
static bool frees_tables(struct replay *r, const struct flushreq *q, bool seen)
{
	const struct rtask *t = r->cur_task;
	const struct rmm *m;
	uint64_t s, e, b, a0, len;

	if (q->no_tables)
		return false;
	if (q->ev && q->ev->kind == TLBR_EV_FLUSH && (q->ev->flush.flags & TLBR_FLUSH_FREES_TABLES))
		return true;
	/* flush_tlb_mm() is flush_tlb_mm_range(mm, 0, TLB_FLUSH_ALL, 0, true) */
	if (q->site == TLBR_SITE_FORK || q->site == TLBR_SITE_EXIT)
		return true;
	if (q->site != TLBR_SITE_ZAP || !t || !t->sys)
		return false;
	m = q->mm < r->nmms ? &r->mms[q->mm] : NULL;
	if (!m)
		return false;
	if (t->sys - 1 == TLBR_SYS_BRK)
		return brk_frees_tables(r, q, t, m);
	/*
	 * MADV_DONTNEED (and _LOCKED) since Linux 6.14 on x86_64
	 * (CONFIG_PT_RECLAIM, default y where ARCH_SUPPORTS_PT_RECLAIM):
	 * madvise_dontneed_single_vma() zaps with details.reclaim_pt, and
	 * zap_pte_range() frees the PTE page of each PMD range the zap covers
	 * whole (reclaim_pt_is_enabled(): end - start >= PMD_SIZE) once all
	 * its entries are none (free_pte() / try_to_free_pte() ->
	 * pte_free_tlb(): freed_tables). Of a kernel older than 6.14 the
	 * tables stay; of an unknown one they may go. @seen: not a PMD range
	 * of an address space born in the trace where the model has no
	 * record of a page (no PTE page there).
	 */
	if (t->sys - 1 == TLBR_SYS_MADVISE &&
	    (t->call.madvise.advice == TLBR_MADV_DONTNEED ||
	     t->call.madvise.advice == TLBR_MADV_DONTNEED_LOCKED) &&
	    (!r->o.kernel || r->o.kernel >= TLBR_KVER(6, 14))) {
		tlbr_call_span(&t->call, &a0, &len);
		for (b = (a0 + PMD_SIZE_ - 1) & ~(PMD_SIZE_ - 1); b + PMD_SIZE_ <= a0 + len;
		     b += PMD_SIZE_) {
			if (!(seen && no_pte_page(r, q, m, b)))
				return true;
		}
		return false;
	}
	/* free_pgtables() after munmap (or mmap over): a PTE page no VMA uses any more */
	if (t->sys - 1 != TLBR_SYS_MUNMAP && t->sys - 1 != TLBR_SYS_MMAP)
		return false;	/* madvise's other zaps keep the page tables */
	tlbr_call_span(&t->call, &a0, &len);
	if (wider_than(q, TLBR_PAGES_UP(a0 + len) - (a0 >> TLBR_PAGE_SHIFT)))
		return true;
	s = a0 & ~(PMD_SIZE_ - 1);
	e = (a0 + len + PMD_SIZE_ - 1) & ~(PMD_SIZE_ - 1);
	for (b = s; b < e; b += PMD_SIZE_) {
		if (!m->vmas_known && !(a0 <= b && a0 + len >= b + PMD_SIZE_))
			continue;	/* the VMAs around it are unknown: cannot say */
		/*
		 * a VMA beside the unmapped span in the same PMD range keeps
		 * its PTE page (free_pgtables()' floor and ceiling: the prev
		 * and next VMAs' ends). One inside the span is none of them:
		 * after an munmap there is none; an mmap over a mapping
		 * (MAP_FIXED) detaches the old VMAs and computes prev and
		 * next before the new VMA goes in (vms_gather_munmap_vmas():
		 * unmap_start, unmap_end), then vms_complete_munmap_vmas() ->
		 * vms_clear_ptes() -> unmap_region() -> free_pgtables() frees
		 * the old mapping's PTE pages under the new VMA (6.1:
		 * do_mas_munmap() before the new VMA exists)
		 */
		if ((b < a0 && tlbr_vma_any_in(m, b, a0 < b + PMD_SIZE_ ? a0 : b + PMD_SIZE_)) ||
		    (a0 + len < b + PMD_SIZE_ &&
		     tlbr_vma_any_in(m, a0 + len > b ? a0 + len : b, b + PMD_SIZE_)))
			continue;
		/*
		 * free_pmd_range() frees the PTE page only if there is one
		 * (pmd_none_or_clear_bad()): __pte_alloc() made it for a page
		 * mapped in the PMD's range. The model has a record of every
		 * page an address space born in the trace mapped by a fault
		 * (records stay after an unmap); not of those a kernel path
		 * maps without a fault record (get_user_pages(): mlock,
		 * MADV_POPULATE_*, ptrace), so only x86-ipi's prediction asks
		 * (tlbr_view_frees_tables_seen); the sound models do not.
		 */
		if (seen && no_pte_page(r, q, m, b))
			continue;
		return true;
	}
	return false;
}

bool tlbr_view_frees_tables(struct replay *r, const struct flushreq *q)
{
	return frees_tables(r, q, false);
}

bool tlbr_view_frees_tables_seen(struct replay *r, const struct flushreq *q)
{
	return frees_tables(r, q, true);
}

/* Syscalls whose flushes come from tlb_finish_mmu() (an mmu_gather). */
static bool gathers(const struct rtask *t)
{
	switch (t->sys - 1) {
	case TLBR_SYS_MUNMAP:
	case TLBR_SYS_MMAP:
	case TLBR_SYS_BRK:
	case TLBR_SYS_MREMAP:
	case TLBR_SYS_MPROTECT:
		return true;
	case TLBR_SYS_MADVISE:
		/* DONTNEED, REMOVE, DONTNEED_LOCKED zap; FREE, COLD, PAGEOUT age */
		return tlbr_madvise_zaps(t->call.madvise.advice) ||
		       tlbr_madvise_ages(t->call.madvise.advice);
	default:
		return false;
	}
}

/* a full flush the trace shows at the end of this task's own mmu_gather */
static bool gather_full_flush(struct replay *r, const struct flushreq *q)
{
	const struct rtask *me = r->cur_task;

	if (!me || !gathers(me) || me->mm != q->mm || me->sys - 1 == TLBR_SYS_BRK)
		return false;
	if (q->site != TLBR_SITE_ZAP && q->site != TLBR_SITE_MPROTECT &&
	    q->site != TLBR_SITE_MREMAP)
		return false;
	return q->ev && q->ev->kind == TLBR_EV_FLUSH && q->ev->flush.pages == TLBR_PAGES_ALL &&
	       q->ev->ts_ns == q->ts_ns;
}

bool tlbr_view_short_full_flush(struct replay *r, const struct flushreq *q)
{
	uint64_t addr, len;

	if (!gather_full_flush(r, q))
		return false;
	/* a range flush_tlb_mm_range() flushes page by page: at most 33 pages */
	tlbr_call_span(&r->cur_task->call, &addr, &len);
	return TLBR_PAGES_UP(len) <= 33;
}

bool tlbr_view_gather_nested(struct replay *r, const struct flushreq *q)
{
	const struct rtask *me = r->cur_task;
	const struct rmm *m = q->mm < r->nmms ? &r->mms[q->mm] : NULL;

	if (!me || !m || m->users < 2 || !gather_full_flush(r, q))
		return false;
	for (uint32_t i = 0; i < r->ntasks; i++) {
		const struct rtask *t = &r->tasks[i];

		if (t != me && t->mm == q->mm && t->sys && gathers(t))
			return true;
	}
	return false;
}
