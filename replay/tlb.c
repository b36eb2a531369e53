// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlb.c - what each CPU's TLB may hold, per policy, under the residency
 * model chosen with --tlb.
 *
 * unbounded: a CPU may hold a page's translation, with the permission the
 * PTE had, at any time the page was present while the mm was loaded on the
 * CPU (running or lazily), until a flush reaching the CPU removes it; the
 * entries are ASID-tagged and survive context switches. Kept implicitly:
 * per (page, policy, CPU) the seq of the last flush that reached it and the
 * permission materialised at the page's last PTE change; per (mm, CPU) the
 * seq of its last unload; per (mm, policy, CPU) the seq of the last
 * whole-mm flush. A CPU then may hold the current PTE's permission iff the
 * mm was loaded on it at some time after max(last PTE change, last flush):
 * loaded now, or unloaded after that time.
 *
 * capacity presets: one set-associative LRU array per CPU and policy,
 * filled by the user faults the trace shows on that CPU: an estimate. It
 * prices the run (holders, avoidable broadcasts, stale entries); the
 * unbounded bookkeeping is kept under it all the same, and the safety
 * checker always asks that one (tlb_held_sound): a capacity model must not
 * make an unsafe policy look safe.
 */
#include <errno.h>
#include <string.h>

#include "replay-local.h"

static bool capacity(const struct replay *r)
{
	return r->o.tlb->kind == TLBR_TLB_CAPACITY;
}

static uint64_t *mm_cleared(struct rmm *m, struct replay *r, int pol, int cpu)
{
	return &m->mm_cleared[(size_t)pol * (size_t)r->ncpus + (size_t)cpu];
}

/* ------------------------------------------------------------ capacity */

static unsigned int nsets(const struct replay *r)
{
	return r->o.tlb->entries / r->o.tlb->ways;
}

static struct centry *cset(struct replay *r, struct policy *pl, int cpu, uint64_t vpn)
{
	size_t per_cpu = r->o.tlb->entries;

	return &pl->tlb[(size_t)cpu * per_cpu + (size_t)(vpn % nsets(r)) * r->o.tlb->ways];
}

static struct centry *clookup(struct replay *r, struct policy *pl, int cpu, uint32_t mm,
			      uint64_t vpn)
{
	struct centry *set = cset(r, pl, cpu, vpn);
	unsigned int w;

	for (w = 0; w < r->o.tlb->ways; w++)
		if (set[w].mm == mm && set[w].vpn == vpn)
			return &set[w];
	return NULL;
}

static void cinsert(struct replay *r, struct policy *pl, int cpu, const struct page *p)
{
	struct centry *set = cset(r, pl, cpu, p->vpn), *victim = &set[0];
	unsigned int w;

	for (w = 0; w < r->o.tlb->ways; w++) {
		if (set[w].mm == p->mm && set[w].vpn == p->vpn) {
			victim = &set[w];
			break;
		}
		if (!set[w].mm || set[w].lru < victim->lru)
			victim = &set[w];
	}
	victim->mm = p->mm;
	victim->vpn = p->vpn;
	victim->held = pte_perm(p);
	victim->lru = ++r->lru_clock;
}

/* ------------------------------------------------------------ the models */

/*
 * tlbr_tlb_held_sound() with @p's mm (@m) and its tlbr_perm() (@perm) looked
 * up by the caller, once for all its (policy, CPU) pairs (check.c). O(1).
 */
uint8_t tlbr_tlb_held_sound_at(struct replay *r, struct policy *pl, const struct page *p, int cpu,
			       struct rmm *m, uint8_t perm)
{
	const struct ptlb *t;
	uint64_t mc, since;
	uint8_t held;

	t = ptlb_of(r, p, pl->idx, cpu);
	mc = *mm_cleared(m, r, pl->idx, cpu);
	if (pl->all_cleared[cpu] > mc)
		mc = pl->all_cleared[cpu];
	held = mc > p->since ? 0 : t->held;
	since = p->since;
	if (t->cleared > since)
		since = t->cleared;
	if (mc > since)
		since = mc;
	if (perm && (tlbr_cpuset_test(&m->active, (unsigned int)cpu) || mm_anywhere(m) ||
		     m->last_end[cpu] > since || cpu_may_load_older(r, m, cpu)))
		held |= perm;
	return held;
}

/* The unbounded (sound) model: what @cpu may hold of @p. O(1). */
uint8_t tlbr_tlb_held_sound(struct replay *r, struct policy *pl, const struct page *p, int cpu)
{
	return tlbr_tlb_held_sound_at(r, pl, p, cpu, tlbr_mm_get(r, p->mm), tlbr_perm(r, p));
}

/* Under the run's residency model. O(1) unbounded; O(ways) capacity. */
uint8_t tlbr_tlb_held(struct replay *r, struct policy *pl, const struct page *p, int cpu)
{
	if (capacity(r)) {
		struct centry *e = clookup(r, pl, cpu, p->mm, p->vpn);

		return e ? e->held : 0;
	}
	return tlbr_tlb_held_sound(r, pl, p, cpu);
}

/*
 * What @cpu may still hold from before the page's last PTE change (the
 * entries a flush must remove), without what it may have loaded since.
 * O(1) unbounded; O(ways) capacity.
 */
uint8_t tlbr_tlb_held_before(struct replay *r, struct policy *pl, const struct page *p, int cpu)
{
	if (capacity(r))
		return tlbr_tlb_held(r, pl, p, cpu);
	return tlbr_tlb_held_before_sound(r, pl, p, cpu);
}

/* tlbr_tlb_held_before() under the unbounded (sound) model, whatever the run's. O(1). */
uint8_t tlbr_tlb_held_before_sound(struct replay *r, struct policy *pl, const struct page *p,
				   int cpu)
{
	struct rmm *m = tlbr_mm_get(r, p->mm);
	uint64_t mc;

	mc = *mm_cleared(m, r, pl->idx, cpu);
	if (pl->all_cleared[cpu] > mc)
		mc = pl->all_cleared[cpu];
	return mc > p->since ? 0 : ptlb_of(r, p, pl->idx, cpu)->held;
}

/* tlbr_tlb_excess_note() without its tlbr_cand_note() (the caller's, once). O(1) amortised. */
static void excess_note_one(struct replay *r, struct policy *pl, const struct page *p, int cpu,
			    struct ptlb *t);

/*
 * tlbr_tlb_held_sound_at() from its inputs: the page's since, the pair's
 * last whole-mm flush or flush of everything (@mc), its entry @t, and the
 * CPU's: the mm loaded there now (@loaded), its last unload (@last_end).
 * O(1).
 */
static inline uint8_t held_sound_of(uint64_t since, uint64_t mc, const struct ptlb *t,
				    bool loaded, uint64_t last_end, uint8_t perm)
{
	uint8_t h = mc > since ? 0 : t->held;

	if (t->cleared > since)
		since = t->cleared;
	if (mc > since)
		since = mc;
	if (loaded || last_end > since)
		h |= perm;
	return h;
}

/*
 * The fold's inputs of @mm, for the pages of one fork's write-protection
 * (replay.fold, until tlbr_tlb_fold_end): none under a capacity model or
 * out of memory (the fold reads them itself). O(policies x CPUs).
 */
void tlbr_tlb_fold_begin(struct replay *r, uint32_t mm)
{
	struct fold_ctx *f = &r->fold;
	size_t per = (size_t)r->npol * (size_t)r->ncpus;
	struct rmm *m = tlbr_mm_get(r, mm);
	int pol, cpu;

	f->mm = 0;
	if (!m || capacity(r))
		return;
	if (!f->mc) {
		f->mc = malloc(per * sizeof(*f->mc));
		f->le = malloc(per * sizeof(*f->le));
		f->ld = malloc(per * sizeof(*f->ld));
		if (!f->mc || !f->le || !f->ld) {
			zfree(&f->mc);
			zfree(&f->le);
			zfree(&f->ld);
			return;
		}
	}
	for (pol = 0; pol < r->npol; pol++)
		for (cpu = 0; cpu < r->ncpus; cpu++) {
			size_t k = (size_t)pol * (size_t)r->ncpus + (size_t)cpu;
			uint64_t mc = *mm_cleared(m, r, pol, cpu);

			if (r->pol[pol].all_cleared[cpu] > mc)
				mc = r->pol[pol].all_cleared[cpu];
			f->mc[k] = mc;
			f->le[k] = m->last_end[cpu];
			f->ld[k] = tlbr_cpuset_test(&m->active, (unsigned int)cpu) || mm_anywhere(m) ||
				   cpu_may_load_older(r, m, cpu);
		}
	f->mm = mm;
}

/* The fork's write-protection is over: the fold reads the state again. O(1). */
void tlbr_tlb_fold_end(struct replay *r)
{
	r->fold.mm = 0;
}

/*
 * tlbr_tlb_before_pte_change() of a page of replay.fold's mm, from its
 * inputs: the page's block of (policy, CPU) entries in one loop, then
 * the excess lists in the same (policy, CPU) order. O(policies x CPUs).
 */
static void fold_ctx_page(struct replay *r, const struct page *p, bool replaced)
{
	const struct fold_ctx *f = &r->fold;
	const int ncpus = r->ncpus, npol = r->npol;
	const size_t per = (size_t)npol * (size_t)ncpus;
	const uint64_t since0 = p->since, *mcv = f->mc, *lev = f->le;
	const uint8_t *ldv = f->ld;
	const uint8_t perm = tlbr_perm(r, p), oldv = replaced ? HELD_OLD : 0;
	struct ptlb *t = ptlb_mut(r, p, 0, 0);	/* the page's block */
	uint8_t any = 0;
	bool note = false;

	for (size_t k = 0; k < per; k++) {
		uint64_t mc = mcv[k], since = since0, cl = t[k].cleared;
		uint8_t h = mc > since ? 0 : t[k].held;

		/* tlbr_tlb_held_sound(), as held_sound_of() */
		if (cl > since)
			since = cl;
		if (mc > since)
			since = mc;
		if (ldv[k] || lev[k] > since)
			h |= perm;
		h |= (uint8_t)((h & HELD_VALID) << 2) & oldv;	/* HELD_VALID -> HELD_OLD */
		t[k].held = h;
		any |= h;
		note |= (h & (HELD_VALID | HELD_W | HELD_OLD)) && !t[k].xlisted;
	}
	for (int pol = 0; note && pol < npol; pol++) {
		struct policy *pl = &r->pol[pol];

		for (int cpu = 0; cpu < ncpus && pl->excess_on; cpu++) {
			struct ptlb *e = &t[(size_t)pol * (size_t)ncpus + (size_t)cpu];

			if ((e->held & (HELD_VALID | HELD_W | HELD_OLD)) && !e->xlisted)
				excess_note_one(r, pl, p, cpu, e);
		}
	}
	r->held_any[p->idx] |= any;
	tlbr_cand_note(r, p);
}

/*
 * Fold what every CPU may hold under the old PTE into the materialised state.
 * O(policies x CPUs): the mm's state looked up once, and what does not
 * depend on the policy (is the mm loaded on the CPU: tlb_held_sound's
 * active, anywhere and cpu_may_load_older) once per CPU; each (policy,
 * CPU) is then tlbr_tlb_held_sound() and tlbr_tlb_excess_note() inline.
 * The page's bound (r->held_any) takes the OR of the entries once, and is
 * put to tlbr_cand_note() once at the end (the bound only grows in the
 * loop, nothing in it reads the bound, and listing is idempotent: the
 * same list either way).
 */
static void fold_page(struct replay *r, const struct page *p, bool replaced)
{
	struct rmm *m = tlbr_mm_get(r, p->mm);
	/* locals: the byte stores below (ptlb.held) may alias anything the loop would read */
	const int ncpus = r->ncpus, npol = r->npol;
	const uint64_t since0 = p->since, *last_end = m->last_end;
	const uint8_t perm = tlbr_perm(r, p);
	const bool anywhere = mm_anywhere(m), cap = capacity(r);
	uint8_t loaded[TLBR_MAX_CPUS], any = 0;
	int pol, cpu;

	if (perm)
		for (cpu = 0; cpu < ncpus; cpu++)
			loaded[cpu] = tlbr_cpuset_test(&m->active, (unsigned int)cpu) || anywhere ||
				      cpu_may_load_older(r, m, cpu);
	for (pol = 0; pol < npol; pol++) {
		struct policy *pl = &r->pol[pol];
		struct ptlb *t = ptlb_mut(r, p, pol, 0);
		const uint64_t *mcl = mm_cleared(m, r, pol, 0), *allc = pl->all_cleared;

		for (cpu = 0; cpu < ncpus; cpu++, t++) {
			uint64_t mc = mcl[cpu];
			uint8_t h;

			if (allc[cpu] > mc)
				mc = allc[cpu];
			h = !perm ? (mc > since0 ? 0 : t->held) :
			    held_sound_of(since0, mc, t, loaded[cpu], last_end[cpu], perm);
			if (cap) {
				struct centry *e = clookup(r, pl, cpu, p->mm, p->vpn);

				if (e && replaced && (e->held & HELD_VALID))
					e->held |= HELD_OLD;
			}
			if (replaced && (h & HELD_VALID))
				h |= HELD_OLD;
			any |= h;
			/* excess_note_one() but for the bound, taken below */
			if ((h & (HELD_VALID | HELD_W | HELD_OLD)) && !t->xlisted && pl->excess_on) {
				t->held = h;
				excess_note_one(r, pl, p, cpu, t);
			} else
				t->held = h;
		}
	}
	r->held_any[p->idx] |= any;
	tlbr_cand_note(r, p);
}

/* The fold, from replay.fold where a fork's write-protection set it. O(policies x CPUs). */
void tlbr_tlb_before_pte_change(struct replay *r, const struct page *p, bool replaced)
{
	if (r->fold.mm && r->fold.mm == p->mm)
		fold_ctx_page(r, p, replaced);
	else
		fold_page(r, p, replaced);
}

/* O(1) unbounded; O(ways) capacity. */
void tlbr_tlb_flush_page(struct replay *r, struct policy *pl, const struct page *p, int cpu)
{
	struct ptlb *t = ptlb_mut(r, p, pl->idx, cpu);

	if (capacity(r)) {
		struct centry *e = clookup(r, pl, cpu, p->mm, p->vpn);

		if (e)
			memset(e, 0, sizeof(*e));
	}
	t->held = 0;
	t->cleared = r->seq;
}

/* O(1) unbounded; O(TLB entries of the CPU) capacity. */
void tlbr_tlb_flush_mm(struct replay *r, struct policy *pl, uint32_t mm, int cpu)
{
	struct rmm *m = tlbr_mm_get(r, mm);

	if (!m)
		return;
	if (capacity(r)) {
		struct centry *e = &pl->tlb[(size_t)cpu * r->o.tlb->entries];
		unsigned int i;

		for (i = 0; i < r->o.tlb->entries; i++)
			if (e[i].mm == mm)
				memset(&e[i], 0, sizeof(e[i]));
	}
	*mm_cleared(m, r, pl->idx, cpu) = r->seq;
}

/* O(1) unbounded; O(TLB entries of the CPU) capacity. */
void tlbr_tlb_flush_all(struct replay *r, struct policy *pl, int cpu)
{
	if (capacity(r))
		memset(&pl->tlb[(size_t)cpu * r->o.tlb->entries], 0,
		       r->o.tlb->entries * sizeof(struct centry));
	pl->all_cleared[cpu] = r->seq;
}

/*
 * @cpu accessed @p (a fault the trace shows): capacity models fill it in.
 * O(policies) unbounded (nothing); O(policies x ways) capacity.
 */
void tlbr_tlb_access(struct replay *r, const struct page *p, int cpu)
{
	int pol;

	if (!capacity(r) || !p->present)
		return;
	for (pol = 0; pol < r->npol; pol++)
		cinsert(r, &r->pol[pol], cpu, p);
}

/* O(1) unbounded; O(ways) capacity. */
void tlbr_tlb_set_flag(struct replay *r, struct policy *pl, const struct page *p, int cpu,
		  uint8_t set, uint8_t clear)
{
	if (capacity(r)) {
		struct centry *e = clookup(r, pl, cpu, p->mm, p->vpn);

		if (e)
			e->held = (uint8_t)((e->held | set) & ~clear);
	}
	{
		struct rmm *m = tlbr_mm_get(r, p->mm);
		struct ptlb *t = ptlb_mut(r, p, pl->idx, cpu);

		if (*mm_cleared(m, r, pl->idx, cpu) > p->since || pl->all_cleared[cpu] > p->since)
			t->held = 0;
		t->held = (uint8_t)((t->held | set) & ~clear);
		tlbr_tlb_excess_note(r, pl, p, cpu);
	}
}

/* ------------------------------------------------------------ stale entries */

/*
 * A stale read-only entry can only fault (handle_pte_fault's
 * flush_tlb_fix_spurious_fault) through a user access, and @cpu uses the
 * mm's ASID only while a task of the mm runs there (switch_mm, for arm64
 * check_and_switch_context; a lazy kernel thread does not write user
 * pages). An entry left while its CPU runs something else waits here until
 * the CPU runs the mm again. O(1) amortised.
 */
int tlbr_stale_wait_add(struct replay *r, struct policy *pl, const struct page *p, int cpu)
{
	struct rmm *m = tlbr_mm_get(r, p->mm);
	struct stale_waits *w;

	if (!m)
		return -ENOMEM;
	if (!m->swait) {
		m->swait = calloc((size_t)r->ncpus, sizeof(*m->swait));
		if (!m->swait)
			return -ENOMEM;
	}
	w = &m->swait[cpu];
	if (w->n == w->alloc) {
		uint32_t n = w->alloc ? w->alloc * 2 : 8;
		struct stale_wait *nv = realloc(w->v, n * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		w->v = nv;
		w->alloc = n;
	}
	w->v[w->n++] = (struct stale_wait){ .vpn = p->vpn, .seq = r->seq, .page = p->idx,
					    .pol = pl->idx };
	m->nswait++;
	return 0;
}

/* Is the stale entry @e of @cpu still the one left then (no flush reached it since)? O(ways). */
static bool stale_alive(struct replay *r, uint32_t mm, const struct stale_wait *e, int cpu)
{
	struct policy *pl = &r->pol[e->pol];
	struct page *p = e->page < r->npages ? page_at(r, e->page) : NULL;
	struct rmm *m = tlbr_mm_get(r, mm);

	if (!p || !m || p->mm != mm || p->vpn != e->vpn)
		return false;	/* the page went (munmap flushed it, or the mm is gone) */
	if (ptlb_of(r, p, e->pol, cpu)->cleared > e->seq || *mm_cleared(m, r, e->pol, cpu) > e->seq ||
	    pl->all_cleared[cpu] > e->seq)
		return false;	/* a flush reached the CPU: a page, the mm, an ASID rollover */
	return (tlbr_tlb_held_sound(r, pl, p, cpu) & HELD_STALE) != 0;
}

/*
 * Settle the entries waiting on @cpu (-1: every CPU) of @m: the CPU runs the
 * mm now (@gone false), and an entry still held may fault; or the mm's pages
 * go (@gone true) before it ran there. An entry that cannot fault is
 * counted in stale_unused. O(entries settled x ways).
 */
void tlbr_stale_settle(struct replay *r, struct rmm *m, int cpu, bool gone)
{
	uint32_t mm = (uint32_t)(m - r->mms);
	int c;

	if (!m->nswait)
		return;
	for (c = cpu < 0 ? 0 : cpu; c < (cpu < 0 ? r->ncpus : cpu + 1); c++) {
		struct stale_waits *w = &m->swait[c];

		for (uint32_t i = 0; i < w->n; i++)
			if (gone || !stale_alive(r, mm, &w->v[i], c))
				r->pol[w->v[i].pol].res->stale_unused++;
		m->nswait -= w->n;
		w->n = 0;
	}
}

/*
 * The end of the trace: entries still waiting that a flush removed (or whose
 * page went) were never used; the others may still fault after the trace and
 * stay counted. Idempotent. O(entries waiting x ways).
 */
void tlbr_stale_settle_end(struct replay *r)
{
	for (uint32_t mm = 1; mm < r->nmms; mm++) {
		struct rmm *m = &r->mms[mm];

		for (int c = 0; m->nswait && c < r->ncpus; c++) {
			struct stale_waits *w = &m->swait[c];
			uint32_t i = 0;

			while (i < w->n) {
				if (stale_alive(r, mm, &w->v[i], c)) {
					i++;
					continue;
				}
				r->pol[w->v[i].pol].res->stale_unused++;
				w->v[i] = w->v[--w->n];
				m->nswait--;
			}
		}
	}
}

/* ------------------------------------------------------------ excess lists */

/*
 * "Which CPUs may hold more than the PTE allows" (tlbr_view_holders(..., true),
 * the oracle's question at every flush) without a walk of the whole mm.
 *
 * Under the unbounded model tlbr_tlb_held_sound(p, c) is M | L where
 * M = (max(mm_cleared, all_cleared) > p->since ? 0 : ptlb.held), the entry
 * materialised at the page's last PTE change, and L is either 0 or
 * tlbr_perm(p) (the mm loaded on c since then: the PTE's permission, or
 * read-write where a lost-events gap may have changed it). L grants nothing
 * beyond what the tests allow (tlbr_perm too) and carries no HELD_OLD, so
 * an excessive entry (HELD_OLD, or a HELD_VALID or HELD_W bit the PTE does
 * not allow: views.c's holders test)
 * has it in M: tlbr_tlb_excess_may(p, c) is true for every (p, c) the whole-mm
 * walk finds excessive.
 *
 * tlb_excess_may can only turn true when ptlb.held is written or the PTE or
 * p->since changes (a gap only widens tlbr_perm until the next). The PTE
 * and since change only in tlbr_pte_set() (pgtable.c's pte_change()), after
 * tlbr_tlb_before_pte_change() has written ptlb.held for every policy and CPU
 * (tlbr_mm_settle()'s fresh pages start with ptlb.held 0); ptlb.held is written
 * only there, in tlbr_tlb_set_flag(), tlbr_pte_present_before() and
 * tlbr_tlb_flush_page() (to 0); the cleared seqs only grow, which only hides M.
 * Each writer calls tlbr_tlb_excess_note(), which lists the page whenever
 * ptlb.held has a bit that could be excessive under some PTE; a page leaves
 * the list only where tlb_excess_may is false (views.c's scan). So every
 * excessive (page, CPU) of the mm is in its list, the scan asks the same
 * test of the same pages the walk would find, and the set of CPUs is the
 * same. Pages never change mm and are freed only with the whole mm
 * (mm_drop_pages, which drops the lists; a reused slot's ptlb is zeroed).
 *
 * Each (page, policy, CPU) is listed at most once (ptlb.xlisted), so a list
 * is at most the pages of its mm: memory bounded by the touched pages.
 */

/* O(1). */
bool tlbr_tlb_excess_may(struct replay *r, struct policy *pl, const struct page *p, int cpu)
{
	struct rmm *m = &r->mms[p->mm];
	uint64_t mc = *mm_cleared(m, r, pl->idx, cpu);
	uint8_t held;

	if (pl->all_cleared[cpu] > mc)
		mc = pl->all_cleared[cpu];
	held = mc > p->since ? 0 : ptlb_of(r, p, pl->idx, cpu)->held;
	return (held & HELD_OLD) || (held & ~tlbr_perm(r, p) & (HELD_VALID | HELD_W));
}

/* Append @v to @l. O(1) amortised; -ENOMEM leaves @l as it was. */
int tlbr_pagelist_push(struct pagelist *l, uint32_t v)
{
	if (l->n == l->alloc) {
		uint32_t n = l->alloc ? l->alloc * 2 : 8;
		uint32_t *nv = realloc(l->v, n * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->alloc = n;
	}
	l->v[l->n++] = v;
	return 0;
}

static void excess_fail(struct replay *r, struct policy *pl)
{
	pl->excess_on = false;
	pl->excess_failed = true;
	for (uint32_t i = 0; i < r->nmms; i++)
		tlbr_tlb_excess_drop(r, &r->mms[i]);
}

/*
 * After ptlb.held of (@p, @pl, @cpu) was written: its bits join the page's
 * bound (r->held_any). O(1) amortised.
 */
void tlbr_tlb_excess_note(struct replay *r, struct policy *pl, const struct page *p, int cpu)
{
	struct ptlb *t = ptlb_mut(r, p, pl->idx, cpu);

	r->held_any[p->idx] |= t->held;
	tlbr_cand_note(r, p);
	if (pl->excess_on)
		excess_note_one(r, pl, p, cpu, t);
}

static void excess_note_one(struct replay *r, struct policy *pl, const struct page *p, int cpu,
			    struct ptlb *t)
{
	struct rmm *m;

	r->held_any[p->idx] |= t->held;
	if (!pl->excess_on)
		return;
	if (t->xlisted || !(t->held & (HELD_VALID | HELD_W | HELD_OLD)))
		return;
	m = &r->mms[p->mm];
	if (!m->excess) {
		m->excess = calloc((size_t)r->npol * (size_t)r->ncpus, sizeof(*m->excess));
		if (!m->excess) {
			excess_fail(r, pl);
			return;
		}
	}
	if (tlbr_pagelist_push(&m->excess[(size_t)pl->idx * (size_t)r->ncpus + (size_t)cpu],
			       p->idx) < 0) {
		excess_fail(r, pl);
		return;
	}
	t->xlisted = true;
}

/*
 * Whether @pl's excess lists can answer: kept from its first question on
 * (then built from every page the model has: O(pages x CPUs), once).
 */
bool tlbr_tlb_excess_ready(struct replay *r, struct policy *pl)
{
	if (pl->excess_on || pl->excess_failed || capacity(r))
		return pl->excess_on;
	pl->excess_on = true;
	for (uint32_t i = 0; i < r->nmms && pl->excess_on; i++)
		for (uint32_t k = r->mms[i].first; k && pl->excess_on; k = page_at(r, k - 1)->next)
			for (int c = 0; c < r->ncpus; c++)
				tlbr_tlb_excess_note(r, pl, page_at(r, k - 1), c);
	return pl->excess_on;
}

/* The mm's pages go: so do its lists. O(policies x CPUs). */
void tlbr_tlb_excess_drop(struct replay *r, struct rmm *m)
{
	if (!m->excess)
		return;
	for (size_t i = 0; i < (size_t)r->npol * (size_t)r->ncpus; i++)
		free(m->excess[i].v);
	zfree(&m->excess);
}

int tlbr_tlb_init(struct replay *r)
{
	int pol;

	for (pol = 0; pol < r->npol; pol++) {
		r->pol[pol].all_cleared = calloc((size_t)r->ncpus, sizeof(uint64_t));
		if (!r->pol[pol].all_cleared)
			return -ENOMEM;
	}
	if (!capacity(r))
		return 0;
	for (pol = 0; pol < r->npol; pol++) {
		r->pol[pol].tlb = calloc((size_t)r->ncpus * r->o.tlb->entries,
					 sizeof(struct centry));
		if (!r->pol[pol].tlb)
			return -ENOMEM;
	}
	return 0;
}

void tlbr_tlb_release(struct replay *r)
{
	int pol;

	zfree(&r->fold.mc);
	zfree(&r->fold.le);
	zfree(&r->fold.ld);
	r->fold.mm = 0;
	for (pol = 0; pol < r->npol; pol++) {
		zfree(&r->pol[pol].tlb);
		zfree(&r->pol[pol].all_cleared);
		zfree(&r->pol[pol].pending);
	}
}
