// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check.c - the safety checker: where the kernel relies on a flush having
 * completed, no CPU may hold a translation granting more than the PTE
 * allows, under the sound (unbounded) residency model whatever model
 * prices the run. Each violation is counted and the first ones kept with the
 * events behind them (the PTE change, the last flush, the check).
 */
#include <stdio.h>
#include <string.h>

#include "replay-local.h"

/* The step of the event being replayed, with a fixed text. O(length of @what). */
static void step_str(struct replay *r, struct tlbr_step *st, const char *what)
{
	size_t n = strlen(what);

	if (n >= sizeof(st->what))
		n = sizeof(st->what) - 1;
	st->ts_ns = r->ev->ts_ns;
	st->pos = r->ev->pos;
	st->cpu = r->ev->cpu;
	st->pid = r->ev->pid;
	memcpy(st->what, what, n);
	st->what[n] = 0;
}

static const char *perm_name(uint8_t h)
{
	if (h & HELD_OLD)
		return "old";
	if (h & HELD_W)
		return "rw";
	if (h & HELD_VALID)
		return "ro";
	return "none";
}

/*
 * One page, @arg the check's text (the finding's last step: the event
 * being replayed, written only for a finding): O(1) when the page's bound
 * (r->held_any, the OR of every ptlb.held written since the last check)
 * has nothing excessive under the PTE, for then no entry of it has, or
 * when the page's entries were never written (page.ptlb_set); else
 * O(policies x CPUs), each pair O(1) where its materialised entry has no
 * excess or a whole-mm flush hid it, else tlb_held_sound's O(1) with the
 * residency tests, and the bound is made exact again. Its mm and
 * permission are looked up once for all (policy, CPU) pairs.
 */
void tlbr_check_fn(struct replay *r, struct page *p, void *arg)
{
	const char *at = arg;
	uint8_t allowed = tlbr_perm(r, p), any = r->held_any[p->idx];
	uint8_t listed = any & HELD_ANY_LISTED;
	struct rmm *m;
	int pol, c;

	if (!held_excess(any, allowed))
		return;
	any = 0;
	if (!p->ptlb_set) {	/* every entry reads as zero: none excessive */
		r->held_any[p->idx] = listed;
		return;
	}
	m = tlbr_mm_get(r, p->mm);
	for (pol = 0; pol < r->npol; pol++) {
		struct policy *pl = &r->pol[pol];
		const struct ptlb *t = ptlb_of(r, p, pol, 0);	/* the policy's CPUs, in a row */

		for (c = 0; c < r->ncpus; c++) {
			uint8_t held = t[c].held;
			struct tlbr_finding *f;
			struct plast *last;

			/*
			 * What tlb_held_sound adds to the materialised entry (ptlb.held,
			 * or nothing once a flush hid it) is at most the PTE's permission
			 * (tlb.c): without an excess there, there is none at all.
			 */
			if (!held_excess(held, allowed)) {
				any |= held;
				continue;
			}
			/*
			 * A whole-mm flush (or one of everything) reached the CPU
			 * since the PTE's last change: the materialised entry is
			 * hidden, and tlb_held_sound is nothing or the PTE's
			 * permission (@allowed), never an excess (a fork's return:
			 * its flush_tlb_mm came after the write-protection).
			 */
			if (m->mm_cleared[(size_t)pol * (size_t)r->ncpus + (size_t)c] > p->since ||
			    pl->all_cleared[c] > p->since) {
				any |= t[c].held;
				continue;
			}
			/* the sound model, whatever residency model prices the run */
			held = tlbr_tlb_held_sound_at(r, pl, p, c, m, allowed);
			if (!(held & HELD_VALID) || !held_excess(held, allowed)) {
				any |= t[c].held;
				continue;
			}
			pl->res->unsafe++;
			if (pl->res->nfindings < TLBR_MAX_FINDINGS) {
				f = &pl->res->findings[pl->res->nfindings++];
				memset(f, 0, sizeof(*f));
				f->mm = p->mm;
				f->addr = p->vpn << PAGE_SHIFT;
				f->cpu = c;
				snprintf(f->held, sizeof(f->held), "%s", perm_name(held));
				snprintf(f->allowed, sizeof(f->allowed), "%s", perm_name(allowed));
				{
					struct tlbr_step *s = &f->steps[f->nsteps++];

					s->ts_ns = p->change.ts_ns;
					s->pos = p->change.pos;
					s->cpu = p->change.cpu;
					s->pid = p->change.pid;
					snprintf(s->what, sizeof(s->what), "%s of %#llx",
						 p->change.why ? p->change.why : "change",
						 (unsigned long long)(p->vpn << PAGE_SHIFT));
				}
				last = p->plast_set ? &plast_of(r, p)[pol] : NULL;
				if (last && (last->pos || last->ts_ns)) {
					struct tlbr_step *s = &f->steps[f->nsteps++];

					s->ts_ns = last->ts_ns;
					s->pos = last->pos;
					s->cpu = last->cpu;
					s->pid = -1;
					snprintf(s->what, sizeof(s->what), "%.32s: the last flush of "
						 "the page did not reach cpu %d", pl->res->name, c);
				}
				step_str(r, &f->steps[f->nsteps++], at);
			}
			/* reported once: the model drops the entry it found */
			tlbr_tlb_flush_page(r, pl, p, c);
			any |= t[c].held;
		}
	}
	r->held_any[p->idx] = any | listed;
}

/*
 * tlbr_check_fn() of @p, where @flushed is at most every (policy, CPU)'s
 * last whole-mm flush (or flush of everything) of @p's mm (a fork's return:
 * dup_mmap()'s flush_tlb_mm(oldmm) came after copy_present_pte()'s
 * write-protection). A page whose PTE
 * last changed before it (@flushed > page.since) has no entry tlb_held_sound
 * finds excessive (check_fn's test at each pair): the check only makes its
 * bound exact again, the OR of its materialised entries. O(1) when the
 * bound passes; O(policies x CPUs) reads; else tlbr_check_fn().
 */
void tlbr_check_flushed(struct replay *r, struct page *p, void *arg, uint64_t flushed)
{
	uint8_t any = r->held_any[p->idx], listed = any & HELD_ANY_LISTED;
	const struct ptlb *t;
	size_t k, per;

	if (flushed <= p->since) {
		tlbr_check_fn(r, p, arg);
		return;
	}
	if (!held_excess(any, tlbr_perm(r, p)))
		return;
	any = listed;
	if (p->ptlb_set) {
		t = ptlb_of(r, p, 0, 0);
		per = (size_t)r->npol * (size_t)r->ncpus;
		for (k = 0; k < per; k++)
			any |= t[k].held;
	}
	r->held_any[p->idx] = any;
}

void tlbr_cand_note(struct replay *r, const struct page *p)
{
	uint8_t any = r->held_any[p->idx];
	struct pagelist *l;

	if ((any & HELD_ANY_LISTED) || r->cand_failed || !held_excess(any, tlbr_perm(r, p)))
		return;
	l = &r->mms[p->mm].cand;
	if (l->n == l->alloc) {
		uint32_t n = l->alloc ? l->alloc * 2 : 16;
		uint32_t *nv = realloc(l->v, n * sizeof(*nv));

		if (!nv) {
			r->cand_failed = true;	/* the lists are incomplete from now on */
			return;
		}
		l->v = nv;
		l->alloc = n;
	}
	l->v[l->n++] = p->idx;
	r->held_any[p->idx] = any | HELD_ANY_LISTED;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand_key *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/*
 * The pages of [start, end) (all: @whole) that tlbr_check_fn does not pass
 * at once, from the mm's rmm.cand instead of the range's pages: every page
 * whose first test fails is listed (tlbr_cand_note at each change of its
 * bound or its PTE). They are put in the order tlbr_for_pages() would meet
 * them: by vpn where it looks pages up, newest first where it walks the
 * mm's list. false (nothing done) when the walk is no dearer.
 * O(listed pages x log) against the walk's O(range) or O(pages of the mm).
 */
static bool check_listed(struct replay *r, struct rmm *m, bool whole, uint64_t start,
			 uint64_t end, const char *at)
{
	bool lookup = !whole && (end - start <= 16 || end - start <= m->npages / 8);
	uint64_t walk = lookup ? end - start : m->npages;
	struct pagelist *l = &m->cand;
	uint32_t k = 0, n = 0;

	if (r->cand_failed || (uint64_t)l->n * 4 > walk)
		return false;
	if (l->n > r->cand_tmp_alloc) {
		uint32_t na = l->alloc;
		struct cand_key *nt = realloc(r->cand_tmp, na * sizeof(*nt));

		if (!nt)
			return false;
		r->cand_tmp = nt;
		r->cand_tmp_alloc = na;
	}
	while (k < l->n) {
		struct page *p = page_at(r, l->v[k]);

		if (!held_excess(r->held_any[p->idx], tlbr_perm(r, p))) {
			r->held_any[p->idx] &= (uint8_t)~HELD_ANY_LISTED;
			l->v[k] = l->v[--l->n];
			continue;
		}
		if (whole || (p->vpn >= start && p->vpn < end))
			r->cand_tmp[n++] = (struct cand_key){
				.key = lookup ? p->vpn : UINT64_MAX - p->born, .idx = p->idx };
		k++;
	}
	if (n > 1)	/* an empty list has no array yet: qsort wants one */
		qsort(r->cand_tmp, n, sizeof(*r->cand_tmp), cand_cmp);
	r->stop_walk = false;
	for (k = 0; k < n; k++)
		tlbr_check_fn(r, page_at(r, r->cand_tmp[k].idx), (void *)at);
	return true;
}

/*
 * O(pages of the range the model knows x policies x CPUs) at most; the
 * pages that cannot fail pass in O(1) each, or are not met at all when
 * the mm's listed pages are fewer than the walk (check_listed).
 */
void tlbr_check_range(struct replay *r, uint32_t mm, bool whole, uint64_t start, uint64_t end,
			const char *what)
{
	struct rmm *m = tlbr_mm_get(r, mm);

	tlbr_teardown_settle_mm(r, mm);	/* a held x86 flush of it was complete */
	/* an owed copy is paid by the walk (tlbr_for_pages), as it always was */
	if (m && !m->lazy_parent && check_listed(r, m, whole, start, end, what))
		return;
	tlbr_for_pages(r, mm, whole, start, end, tlbr_check_fn, (void *)what);
}
