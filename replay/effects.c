// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * effects.c - what a decision does: the policy's TLB model flushed on the
 * CPUs it reached, stale read-only entries left on the others, deferred
 * TLBIs completed at a batch's DSB; the primitive operations counted for
 * the cost model; and the notes that tell the report about each of them.
 */
#include <stdlib.h>

#include "replay-local.h"

/* A note for the report: its address, VMA and task filled in from the model. O(log VMAs). */
void tlbr_replay_note(struct replay *r, struct tlbr_note *n, int pol, int cpu, uint32_t mm,
		 uint64_t vpn)
{
	struct rmm *m = mm ? tlbr_mm_get(r, mm) : NULL;
	const struct vma *v;

	n->policy = pol;
	if (!n->ts_ns)
		n->ts_ns = r->ev->ts_ns;
	n->cpu = cpu;
	n->mm = mm;
	if (!n->task)
		n->task = r->ev->task;
	n->addr = vpn << PAGE_SHIFT;
	v = m && !n->whole_mm ? tlbr_vma_find(m, n->addr) : NULL;
	n->vma_start = v ? v->start : 0;
	n->vma_end = v ? v->end : 0;
	r->o.note(r->o.note_ctx, n);
}

/*
 * One page of a range flush, for every policy of the flush point
 * (r->fw): tlbr_tlb_flush_page() on each CPU a policy reached (its entries
 * gone, its last flush now: w->off lists them as offsets in the page's
 * block of ptlb) and each policy's last flush decision of the page (plast),
 * under the unbounded model. O(policies x CPUs reached).
 */
static void flush_walk_fn(struct replay *r, struct page *p, void *a)
{
	const struct flush_walk *w = a;
	struct ptlb *t = ptlb_mut(r, p, 0, 0);	/* the page's block */
	struct plast *last = plast_of(r, p);
	const struct plast now = w->last;
	const uint64_t seq = w->seq;
	const unsigned int noff = w->noff, n = w->n;

	for (unsigned int j = 0; j < noff; j++) {
		struct ptlb *e = &t[w->off[j]];

		e->held = 0;
		e->cleared = seq;
	}
	for (unsigned int k = 0; k < n; k++)
		last[w->pol[k]] = now;
}

/*
 * A range flush point under the unbounded model: the policies' flushes of
 * its pages are gathered (tlbr_apply_decision) and applied by one walk
 * (tlbr_flush_walk_end, when this returned true). Out of memory for the
 * lists, or inside another flush point's decisions: each policy walks.
 * O(1) (the lists are allocated once).
 */
bool tlbr_flush_walk_begin(struct replay *r, const struct flushreq *q)
{
	struct flush_walk *w = &r->fw;

	if (w->active || !q->mm || q->whole_mm || r->o.tlb->kind == TLBR_TLB_CAPACITY)
		return false;
	if (!w->pol) {
		w->pol = malloc((size_t)r->npol * sizeof(*w->pol));
		w->off = malloc((size_t)r->npol * (size_t)r->ncpus * sizeof(*w->off));
		if (!w->pol || !w->off) {
			tlbr_flush_walk_release(r);
			return false;
		}
	}
	w->active = true;
	w->q = q;
	w->seq = r->seq;
	w->last = (struct plast){ .ts_ns = q->ts_ns, .pos = q->pos, .cpu = q->cpu };
	w->n = w->noff = 0;
	return true;
}

/*
 * The gathered flushes applied: one walk of the range, each page's
 * policies in policy order. O(pages of the range the model knows x
 * policies x CPUs), as the policies' own walks were, with one walk.
 */
void tlbr_flush_walk_end(struct replay *r, bool begun)
{
	struct flush_walk *w = &r->fw;

	if (!begun)
		return;
	w->active = false;
	if (w->n)
		tlbr_for_pages(r, w->q->mm, false, w->q->start_vpn, w->q->end_vpn, flush_walk_fn, w);
	w->n = w->noff = 0;
}

void tlbr_flush_walk_release(struct replay *r)
{
	zfree(&r->fw.pol);
	zfree(&r->fw.off);
	r->fw.active = false;
}

struct flush_arg {
	struct policy *pl;
	const struct tlbr_cpuset *cpus;
	const struct flushreq *q;
};

/* One page of a range flush one policy walks (capacity models, out of memory). O(CPUs). */
static void flush_fn(struct replay *r, struct page *p, void *a)
{
	struct flush_arg *f = a;
	struct plast *last = &plast_of(r, p)[f->pl->idx];
	int c;

	for (c = 0; c < r->ncpus; c++)
		if (tlbr_cpuset_test(f->cpus, (unsigned int)c))
			tlbr_tlb_flush_page(r, f->pl, p, c);
	last->ts_ns = f->q->ts_ns;
	last->pos = f->q->pos;
	last->cpu = f->q->cpu;
}

/* Stale read-only entries a reuse left on CPUs the flush did not reach. */
struct stale_arg {
	struct policy *pl;
	const struct tlbr_cpuset *reached;
	int issuer;
	bool hw_clean;			/* held W entries are read-only to the MMU */
	bool block;			/* one block entry (a huge PMD) per CPU ... */
	struct tlbr_cpuset counted;	/* ... counted once */
};

static void stale_fn(struct replay *r, struct page *p, void *a)
{
	struct stale_arg *s = a;
	int c;

	for (c = 0; c < r->ncpus; c++) {
		uint8_t held, sound;

		if (c == s->issuer) {
			/* the faulting CPU re-walks the page table after its fault */
			tlbr_tlb_flush_page(r, s->pl, p, c);
			continue;
		}
		if (tlbr_cpuset_test(s->reached, (unsigned int)c) || !p->writable)
			continue;
		/*
		 * a clean entry is read-only to the MMU whenever it was loaded;
		 * the run's residency model counts the estimate (stale_ro), the
		 * sound one what may be there at most (stale_sound: the upper
		 * bound of spurious faults must not rest on an estimate)
		 */
		held = s->hw_clean ? tlbr_tlb_held(r, s->pl, p, c) : tlbr_tlb_held_before(r, s->pl, p, c);
		sound = s->hw_clean ? tlbr_tlb_held_sound(r, s->pl, p, c) :
				      tlbr_tlb_held_before_sound(r, s->pl, p, c);
		held = (held & HELD_VALID) && (!(held & HELD_W) || s->hw_clean);
		sound = (sound & HELD_VALID) && (!(sound & HELD_W) || s->hw_clean);
		if (!held && !sound)
			continue;
		tlbr_tlb_set_flag(r, s->pl, p, c, HELD_STALE, 0);
		if (s->block && tlbr_cpuset_test(&s->counted, (unsigned int)c))
			continue;	/* the same block entry: one stale entry */
		tlbr_cpuset_set(&s->counted, (unsigned int)c);
		if (sound) {
			s->pl->res->stale_sound++;
			/* not running the mm there now: it may never use the entry */
			if (!tlbr_view_running(r, p->mm, c))
				(void)tlbr_stale_wait_add(r, s->pl, p, c);	/* ENOMEM: it counts */
		}
		if (!held)
			continue;
		s->pl->res->stale_ro++;
		if (r->o.note) {
			struct tlbr_note n = { .kind = TLBR_NOTE_STALE };

			tlbr_replay_note(r, &n, s->pl->idx, c, p->mm, p->vpn);
		}
	}
}

/*
 * Apply a decision to the policy's TLB model: the reached CPUs now; the
 * deferred ones cannot use the mm's entries before they load it again, and
 * flush then: the model drops their entries now, and the switch flush is
 * counted when it happens. A write-fault reuse leaves stale read-only
 * entries on the CPUs it did not reach. An uncertain point that changes no
 * permission (flushreq.maybe_keeps) drops nothing.
 * O(pages of the range the model knows x CPUs); whole mm: O(CPUs) under the
 * unbounded model (one seq per mm and CPU), O(TLB entries) under capacity.
 */
void tlbr_apply_decision(struct replay *r, struct policy *pl, const struct flushreq *q,
		    const struct decision *d, const struct tlbr_cpuset *reached_now)
{
	struct tlbr_cpuset reached = *reached_now;
	int c;

	if (q->maybe_keeps)	/* the kernel may not have flushed: every CPU keeps its entries */
		return;
	for (c = 0; c < r->ncpus; c++) {
		struct rmm *m = tlbr_mm_get(r, q->mm);

		if (!tlbr_cpuset_test(&d->deferred, (unsigned int)c) ||
		    tlbr_cpuset_test(&reached, (unsigned int)c))
			continue;
		/*
		 * a CPU that may be running the mm now (a thread the trace does
		 * not show may run it there: mm_anywhere) uses its entries
		 * before any switch_mm: a flush left to that switch reaches
		 * nothing yet (x86-ipi defers a CPU its mask lacks; only
		 * switch_mm_irqs_off() would set that bit, and the trace did not
		 * show one); unless the traced kernel's own flush found no
		 * other CPU in mm_cpumask (flushreq.mask_alone): a CPU whose
		 * records the trace lost or has not started yet (the ring
		 * buffer of one CPU begins later) runs no thread of it now
		 * unseen, and switch_mm_irqs_off() compares tlb_gen when one
		 * loads it (not one the trace shows running it: the trace
		 * and the flush disagree, the trace's switch stands)
		 */
		if (tlbr_view_running(r, q->mm, c) &&
		    (!q->mask_alone || (r->cpu[c].mm == q->mm && r->cpu[c].user)))
			continue;
		tlbr_cpuset_set(&reached, (unsigned int)c);
		if (m && tlbr_cpuset_test(&m->ever, (unsigned int)c))
			tlbr_cpuset_set(&m->behind[pl->idx], (unsigned int)c);
	}
	if (q->site == TLBR_SITE_WP_REUSE) {
		struct stale_arg s = { .pl = pl, .reached = &reached, .issuer = q->cpu,
				       .block = q->block, .hw_clean = q->hw_clean };

		tlbr_for_pages(r, q->mm, false, q->start_vpn, q->end_vpn, stale_fn, &s);
	}
	if (!q->mm) {
		for (c = 0; c < r->ncpus; c++)
			if (tlbr_cpuset_test(&reached, (unsigned int)c))
				tlbr_tlb_flush_all(r, pl, c);
	} else if (q->whole_mm) {
		for (c = 0; c < r->ncpus; c++)
			if (tlbr_cpuset_test(&reached, (unsigned int)c))
				tlbr_tlb_flush_mm(r, pl, q->mm, c);
	} else {
		struct flush_walk *w = &r->fw;

		if (w->active && w->q == q && w->seq == r->seq) {	/* gathered: tlbr_flush_walk_end walks */
			for (c = 0; c < r->ncpus; c++)
				if (tlbr_cpuset_test(&reached, (unsigned int)c))
					w->off[w->noff++] = (uint32_t)pl->idx * (uint32_t)r->ncpus +
							    (uint32_t)c;
			w->pol[w->n++] = pl->idx;
		} else {
			struct flush_arg f = { .pl = pl, .cpus = &reached, .q = q };

			tlbr_for_pages(r, q->mm, false, q->start_vpn, q->end_vpn, flush_fn, &f);
		}
	}
}

#define PTRS_PER_PTE_ 512ULL			/* 4 KiB pages */
#define MAX_TLBI_RANGE_PAGES_ (32ULL << 16)	/* __TLBI_RANGE_PAGES(31, 3) */
#define X86_CEILING 33ULL			/* tlb_single_page_flush_ceiling */

/*
 * The TLBI operations one flush of @n pages takes, as the kernel issues them.
 * x86 (flush_tlb_mm_range): one INVLPG per page up to
 * tlb_single_page_flush_ceiling, else one full flush. arm64
 * (__flush_tlb_range_nosync, MAX_DVM_OPS = PTRS_PER_PTE, formerly
 * MAX_TLBI_OPS): without FEAT_TLBIRANGE one TLBI per page below 512 pages,
 * else flush_tlb_mm(), one TLBI ASIDE1IS; with it, __flush_tlb_range_op's
 * loop (scale 3 down to 0, (num + 1) << (5 * scale + 1) pages per range
 * TLBI, a last odd page by a plain TLBI) up to MAX_TLBI_RANGE_PAGES, else
 * flush_tlb_mm(). A 4 KiB stride and no LPA2 alignment are assumed. O(1).
 */
static uint64_t tlbi_ops(struct replay *r, const struct flushreq *q, bool x86)
{
	uint64_t n = q->end_vpn - q->start_vpn, ops = 0;
	int scale;

	if (!q->mm || q->whole_mm || !n || q->block)
		return 1;
	if (x86)
		return n > X86_CEILING ? 1 : n;
	if (!r->o.cpu->tlbi_range)
		return n >= PTRS_PER_PTE_ ? 1 : n;
	if (n > MAX_TLBI_RANGE_PAGES_)
		return 1;
	for (scale = 3; n > 0; scale--) {
		uint64_t unit = 1ULL << (5 * scale + 1), k;

		if (n == 1 || scale < 0) {
			ops += n;	/* non-range TLBIs, one page each */
			break;
		}
		k = (n < 32 * unit ? n : 32 * unit) / unit;	/* num + 1 */
		if (k) {
			ops++;
			n -= k * unit;
		}
	}
	return ops;
}

uint64_t tlbr_view_range_tlbis(struct replay *r, uint64_t pages)
{
	struct flushreq q = { .mm = 1, .start_vpn = 0, .end_vpn = pages };

	return pages ? tlbi_ops(r, &q, false) : 0;
}

/* O(1). */
void tlbr_count_ops(struct replay *r, struct policy *pl, const struct flushreq *q,
		      const struct decision *d)
{
	uint64_t *ops = pl->res->ops;
	bool x86 = d->by->x86;

	switch (d->kind) {
	case D_NONE:
		break;
	case D_LOCAL:
		ops[TLBR_OP_TLBI_LOCAL] += tlbi_ops(r, q, x86);
		ops[TLBR_OP_DSB_NSH]++;
		break;
	case D_BROADCAST:
		if (x86) {	/* the kernel's shootdown, replayed: IPIs to every other CPU */
			ops[TLBR_OP_IPI] += (uint64_t)r->ncpus - 1;
			ops[TLBR_OP_TLBI_LOCAL] += tlbi_ops(r, q, x86);
			break;
		}
		ops[TLBR_OP_TLBI_IS] += tlbi_ops(r, q, x86);
		ops[TLBR_OP_DSB_ISH]++;
		/* a local TLBI the VM upgraded was issued without the workaround */
		if ((r->o.env & TLBR_ENV_ERRATA) && !d->vm_upgraded)
			ops[TLBR_OP_REPEAT]++;
		break;
	case D_TARGETED:
		if (!x86) {	/* arm64 cannot target CPUs: a broadcast TLBI */
			ops[TLBR_OP_TLBI_IS] += tlbi_ops(r, q, x86);
			ops[TLBR_OP_DSB_ISH]++;
			if (r->o.env & TLBR_ENV_ERRATA)
				ops[TLBR_OP_REPEAT]++;
			break;
		}
		ops[TLBR_OP_IPI] += tlbr_cpuset_count(&d->targets);
		ops[TLBR_OP_TLBI_LOCAL] += tlbi_ops(r, q, x86);
		break;
	case D_DEFER:	/* the TLBI now, its DSB at the batch's sync */
		ops[TLBR_OP_TLBI_IS] += tlbi_ops(r, q, x86);
		break;
	case D_MERGED:	/* in the run's flush_tlb_range(): what its page adds */
		ops[TLBR_OP_TLBI_IS] += (uint64_t)d->merged_tlbis;
		break;
	}
	if (d->table_sync) {
		ops[TLBR_OP_IPI] += (uint64_t)r->ncpus - 1;
		pl->res->table_syncs++;
	}
	/* active-cpu's flush_tlb_user_pre(): migrate_disable() on every path */
	if (tlbr_migrates_every_flush(pl) && (d->kind == D_LOCAL || d->kind == D_BROADCAST ||
					 d->kind == D_TARGETED) &&
	    ((q->mm && !q->opaque) || q->site == TLBR_SITE_EXEC))
		ops[TLBR_OP_MIGRATE]++;
	if (d->upgrade)
		ops[TLBR_OP_DSB_UPGRADE]++;
}

/* A component of @pl runs every user flush inside migrate_disable(). O(components). */
bool tlbr_migrates_every_flush(const struct policy *pl)
{
	for (unsigned int k = 0; k < pl->ncomp; k++)
		if (pl->ops[k]->migrate_every_flush)
			return true;
	return false;
}

/* Remember the page of a deferred TLBI until the batch completes. */
static void defer_fn(struct replay *r, struct page *p, void *a)
{
	struct policy *pl = a;

	if (pl->npending == pl->pending_alloc) {
		uint32_t n = pl->pending_alloc ? pl->pending_alloc * 2 : 64;
		struct pending *np = realloc(pl->pending, n * sizeof(*np));

		if (!np)
			return;	/* out of memory: the model keeps the entry (safe side) */
		pl->pending = np;
		pl->pending_alloc = n;
	}
	pl->pending[pl->npending++] = (struct pending){ page_idx(r, p), p->mm, r->ev->cpu, false };
}

/* O(pages of the range the model knows). */
void tlbr_defer(struct replay *r, struct policy *pl, const struct flushreq *q)
{
	struct rmm *m = tlbr_mm_get(r, q->mm);

	pl->res->deferred++;
	/* set_tlb_ubc_flush_pending(): mm->tlb_flush_batched's pending count goes up */
	if (m)
		m->batched[pl->idx] = true;
	tlbr_for_pages(r, q->mm, q->whole_mm, q->start_vpn, q->end_vpn, defer_fn, pl);
}

static int pending_sync_of(const struct policy *pl)
{
	int how = PENDING_FLUSH_MM;

	for (unsigned int k = 0; k < pl->ncomp; k++)
		if (pl->ops[k]->pending_sync > how)
			how = pl->ops[k]->pending_sync;
	return how;
}

/*
 * Some policy that syncs has a reclaim batch pending on @mm:
 * flush_tlb_batched_pending() would act. O(policies x components).
 */
bool tlbr_batch_pending(struct replay *r, uint32_t mm)
{
	struct rmm *m = mm && mm < r->nmms ? &r->mms[mm] : NULL;

	for (int pol = 0; m && m->batched && pol < r->npol; pol++)
		if (m->batched[pol] && pending_sync_of(&r->pol[pol]) != PENDING_NONE)
			return true;
	return false;
}

/*
 * The DSB of @cpu completes the TLBIs @cpu issued (and only those, Arm ARM
 * "TLB maintenance operations and barriers"); entries a full-mm flush
 * already removed only owed that DSB. Returns whether any deferred TLBI was completed. O(pending TLBIs x CPUs).
 */
static bool complete_cpu(struct replay *r, struct policy *pl, int cpu)
{
	uint32_t i, kept = 0;
	bool any = false;

	for (i = 0; i < pl->npending; i++) {
		struct pending *e = &pl->pending[i];
		struct page *p = page_at(r, e->page);

		if (e->cpu != cpu) {
			pl->pending[kept++] = *e;
			continue;
		}
		any = true;
		if (e->done || p->mm != e->mm)
			continue;	/* flushed already, or the page went with its mm */
		for (int c = 0; c < r->ncpus; c++)
			tlbr_tlb_flush_page(r, pl, p, c);
	}
	pl->npending = kept;
	return any;
}

/*
 * A DSB completes deferred TLBIs: try_to_unmap_flush() (TLBR_SYNC_COMPLETE)
 * those @cpu issued. flush_tlb_batched_pending(@mm) (TLBR_SYNC_PENDING) acts
 * only when the policy deferred a TLBI of @mm since its last call (the
 * mm's mark, which try_to_unmap_flush() leaves set), and then does what the
 * policy says: flush_tlb_mm() (every CPU, priced as TLBI ASIDE1IS + DSB ISH,
 * a broadcast), a DSB of @cpu alone (which completes only @cpu's TLBIs), or
 * nothing.
 * O(policies x pending TLBIs x CPUs).
 */
void tlbr_batch_sync(struct replay *r, enum tlbr_sync_kind kind, int cpu, uint32_t mm)
{
	struct rmm *m = mm && mm < r->nmms ? &r->mms[mm] : NULL;
	int pol, c;

	for (pol = 0; pol < r->npol; pol++) {
		struct policy *pl = &r->pol[pol];
		int how = pending_sync_of(pl);

		if (kind == TLBR_SYNC_COMPLETE) {
			if (complete_cpu(r, pl, cpu)) {
				pl->res->syncs++;
				pl->res->ops[TLBR_OP_DSB_ISH]++;
			}
			continue;
		}
		if (how == PENDING_NONE || !m || !m->batched || !m->batched[pol])
			continue;
		m->batched[pol] = false;
		if (how == PENDING_DSB) {
			complete_cpu(r, pl, cpu);
			pl->res->pending_syncs++;
			pl->res->ops[TLBR_OP_DSB_ISH]++;
			continue;
		}
		/* flush_tlb_mm(): TLBI ASIDE1IS + DSB ISH, on every CPU */
		for (c = 0; c < r->ncpus; c++)
			tlbr_tlb_flush_mm(r, pl, mm, c);
		for (uint32_t i = 0; i < pl->npending; i++)
			if (pl->pending[i].mm == mm)
				pl->pending[i].done = true;
		pl->res->pending_syncs++;
		pl->res->broadcasts++;
		pl->res->ops[TLBR_OP_TLBI_IS]++;
		pl->res->ops[TLBR_OP_DSB_ISH]++;
		if (r->o.env & TLBR_ENV_ERRATA)
			pl->res->ops[TLBR_OP_REPEAT]++;
	}
}

/*
 * @pages valid kernel PTEs written from @start (vmalloc/vmap): arm64 follows
 * each with dsb(ishst)+isb; in lazy MMU mode (seed 003) one pair at the
 * mode's exit, per vmap_pte_range() call, that is per page-table page the
 * range touches (a 2 MiB-aligned block: an area that crosses a boundary
 * takes two). Not modelled: the PMD entries of new page-table pages and
 * huge (PMD) vmap mappings. O(policies x components).
 */
void tlbr_kmap_barriers(struct replay *r, uint64_t start, uint64_t pages)
{
	uint64_t first = start >> 21, last = (start + (pages << PAGE_SHIFT) - 1) >> 21;
	uint64_t tables = pages ? last - first + 1 : 0;
	int pol;

	for (pol = 0; pol < r->npol; pol++) {
		struct policy *pl = &r->pol[pol];
		bool lazy = false;

		for (unsigned int k = 0; k < pl->ncomp; k++)
			lazy |= pl->ops[k]->lazy_mmu;
		pl->res->ops[TLBR_OP_KMAP_BARRIER] += lazy ? tables : pages;
	}
}
