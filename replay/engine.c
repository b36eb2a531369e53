// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * engine.c - one pass over the normalised events: address spaces and CPU
 * residency, the page-table model, flush points put to every policy, and
 * the safety checker.
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
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "replay-local.h"


#define PROT_R 1
#define PROT_W 2
#define MAP_SHARED_ 0x01
#define MAP_FIXED_ 0x10
#define MAP_ANON_ 0x20

/* ------------------------------------------------------------ helpers */

static void step_of(struct replay *r, struct tlbr_step *st, const char *fmt, ...)
	__printf(3, 4);

static void step_of(struct replay *r, struct tlbr_step *st, const char *fmt, ...)
{
	va_list ap;

	st->ts_ns = r->ev->ts_ns;
	st->pos = r->ev->pos;
	st->cpu = r->ev->cpu;
	st->pid = r->ev->pid;
	va_start(ap, fmt);
	vsnprintf(st->what, sizeof(st->what), fmt, ap);
	va_end(ap);
}

static void note_change(struct replay *r, struct page *p, const char *why)
{
	p->change.ts_ns = r->ev->ts_ns;
	p->change.pos = r->ev->pos;
	p->change.cpu = r->ev->cpu;
	p->change.pid = r->ev->pid;
	p->change.why = why;
}

static uint8_t pte_perm(const struct page *p)
{
	return p->present ? (uint8_t)(HELD_VALID | (p->writable ? HELD_W : 0)) : 0;
}

/* Change a page's PTE, folding what CPUs may hold under the old one first. */
static void pte_set(struct replay *r, struct page *p, bool mapped, bool present, bool writable,
		    bool cow, bool replaced, const char *why)
{
	if (p->present == present && p->writable == writable && p->mapped == mapped &&
	    !replaced) {
		p->cow = cow;
		return;
	}
	if (r->mms[p->mm].nlazy_kids)	/* forks still owed the page as it was */
		mm_settle_kids(r, &r->mms[p->mm]);
	tlb_before_pte_change(r, p, replaced);
	p->mapped = mapped;
	p->present = present;
	p->writable = writable;
	p->cow = cow;
	p->since = r->seq;
	note_change(r, p, why);
}

typedef void (*page_fn)(struct replay *r, struct page *p, void *arg);

/* A note for the report: its address, VMA and task filled in from the model. */
static void note(struct replay *r, struct tlbr_note *n, int pol, int cpu, uint32_t mm,
		 uint64_t vpn)
{
	struct rmm *m = mm ? mm_get(r, mm) : NULL;
	const struct vma *v;

	n->policy = pol;
	if (!n->ts_ns)
		n->ts_ns = r->ev->ts_ns;
	n->cpu = cpu;
	n->mm = mm;
	if (!n->task)
		n->task = r->ev->task;
	n->addr = vpn << PAGE_SHIFT;
	v = m && !n->whole_mm ? vma_find(m, n->addr) : NULL;
	n->vma_start = v ? v->start : 0;
	n->vma_end = v ? v->end : 0;
	r->o.note(r->o.note_ctx, n);
}

/* Call @fn for every page of @mm the model knows in [start, end) (vpns). */
static void for_pages(struct replay *r, uint32_t mm, bool whole, uint64_t start, uint64_t end,
		      page_fn fn, void *arg)
{
	struct rmm *m = mm_get(r, mm);
	uint32_t i, next;

	r->stop_walk = false;
	if (!m)
		return;
	if (m->lazy_parent)
		mm_settle(r, m);
	/* few pages asked of a big mm: look them up; else walk the mm's list */
	if (!whole && (end - start <= 16 || end - start <= m->npages / 8)) {
		for (uint64_t v = start; v < end && !r->stop_walk; v++) {
			struct page *p = page_find(r, mm, v);

			if (p)
				fn(r, p, arg);
		}
		return;
	}
	for (i = m->first; i && !r->stop_walk; i = next) {
		struct page *p = page_at(r, i - 1);

		next = p->next;
		if (whole || (p->vpn >= start && p->vpn < end))
			fn(r, p, arg);
	}
}

/* ------------------------------------------------------------ residency */

bool view_running(struct replay *r, uint32_t mm, int cpu)
{
	return r->cpu[cpu].mm == mm && r->cpu[cpu].user;
}

void decide_running(struct replay *r, const struct flushreq *q, const struct tlbr_cpuset *cpus,
		    struct decision *d)
{
	int c;

	for (c = 0; c < r->ncpus; c++) {
		if (c == q->cpu || !tlbr_cpuset_test(cpus, (unsigned int)c))
			continue;
		if (view_running(r, q->mm, c))
			tlbr_cpuset_set(&d->targets, (unsigned int)c);
		else
			tlbr_cpuset_set(&d->deferred, (unsigned int)c);
	}
}

static void load_mm(struct replay *r, int cpu, uint32_t mm)
{
	struct rcpu *c = &r->cpu[cpu];
	struct rmm *m;
	int pol;

	if (c->mm == mm)
		return;
	m = mm_get(r, c->mm);
	if (m) {
		m->active.bits[cpu / 64] &= ~(1ULL << (cpu % 64));
		m->last_end[cpu] = r->seq;
	}
	c->mm = mm;
	/* after an ASID rollover a CPU flushes everything at its next switch_mm */
	if (mm && tlbr_cpuset_test(&r->asid_flush, (unsigned int)cpu)) {
		r->asid_flush.bits[cpu / 64] &= ~(1ULL << (cpu % 64));
		for (pol = 0; pol < r->npol; pol++) {
			tlb_flush_all(r, &r->pol[pol], cpu);
			r->pol[pol].res->ops[TLBR_OP_TLBI_LOCAL]++;
			r->pol[pol].res->ops[TLBR_OP_DSB_NSH]++;
		}
	}
	m = mm_get(r, mm);
	if (m) {
		tlbr_cpuset_set(&m->active, (unsigned int)cpu);
		tlbr_cpuset_set(&m->ever, (unsigned int)cpu);
		/* a CPU a flush was deferred for catches up as it loads the mm */
		for (pol = 0; pol < r->npol; pol++) {
			struct tlbr_cpuset *b = &m->behind[pol];

			if (tlbr_cpuset_test(b, (unsigned int)cpu)) {
				b->bits[cpu / 64] &= ~(1ULL << (cpu % 64));
				r->pol[pol].res->switch_flushes++;
			}
		}
	}
	for (pol = 0; pol < r->npol; pol++)
		for (unsigned int k = 0; k < r->pol[pol].ncomp; k++)
			if (r->pol[pol].ops[k]->on_switch)
				r->pol[pol].ops[k]->on_switch(r, &r->pol[pol], cpu, mm);
}

/* @task (in @mm, 0 for a kernel thread) runs on @cpu from now on. */
static void run_on(struct replay *r, int cpu, uint32_t task, uint32_t mm)
{
	struct rcpu *c = &r->cpu[cpu];

	c->task = task;
	if (mm) {
		load_mm(r, cpu, mm);
		c->user = true;
	} else {
		c->user = false;	/* lazy: the previous mm stays loaded */
	}
}

/* ------------------------------------------------------------ policies */

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
	struct rmm *m = mm_get(r, mm);

	memset(ask, 0, sizeof(*ask));
	if (m)
		*ask = m->ever;
	if (skip >= 0)
		ask->bits[skip / 64] &= ~(1ULL << (skip % 64));
	return tlbr_cpuset_count(ask);
}

static void holders_fn(struct replay *r, struct page *p, void *a)
{
	struct holders_arg *h = a;
	uint8_t allowed = pte_perm(p);
	int c;

	for (c = 0; c < r->ncpus; c++) {
		uint8_t held;

		if (!tlbr_cpuset_test(&h->ask, (unsigned int)c) ||
		    tlbr_cpuset_test(&h->set, (unsigned int)c))
			continue;
		held = tlb_held(r, h->pl, p, c);
		if (!(held & HELD_VALID))
			continue;
		if (h->too_much && !(held & HELD_OLD) && (held & ~allowed & (HELD_VALID | HELD_W)) == 0)
			continue;
		tlbr_cpuset_set(&h->set, (unsigned int)c);
		if (!--h->left)
			r->stop_walk = true;
	}
}

static struct tlbr_cpuset holders(struct replay *r, struct policy *pl, const struct flushreq *q,
				  bool too_much, int skip)
{
	struct holders_arg h = { .pl = pl, .too_much = too_much };

	h.left = ask_cpus(r, q->mm, skip, &h.ask);
	if (h.left)
		for_pages(r, q->mm, q->whole_mm, q->start_vpn, q->end_vpn, holders_fn, &h);
	return h.set;
}

struct tlbr_cpuset view_holders(struct replay *r, struct policy *pl, const struct flushreq *q,
				bool more_than_allowed_only)
{
	return holders(r, pl, q, more_than_allowed_only, -1);
}

struct flush_arg {
	struct policy *pl;
	const struct tlbr_cpuset *cpus;
	const struct flushreq *q;
};

static void flush_fn(struct replay *r, struct page *p, void *a)
{
	struct flush_arg *f = a;
	struct plast *last = &r->plast[(size_t)page_idx(r, p) * (size_t)r->npol + (size_t)f->pl->idx];
	int c;

	for (c = 0; c < r->ncpus; c++)
		if (tlbr_cpuset_test(f->cpus, (unsigned int)c))
			tlb_flush_page(r, f->pl, p, c);
	last->ts_ns = f->q->ts_ns;
	last->pos = f->q->pos;
	last->cpu = f->q->cpu;
}

static const char *const dnames[] = { "nothing", "local", "broadcast", "targeted" };

/* Stale read-only entries a reuse left on CPUs the flush did not reach. */
struct stale_arg {
	struct policy *pl;
	const struct tlbr_cpuset *reached;
	int issuer;
};

static void stale_fn(struct replay *r, struct page *p, void *a)
{
	struct stale_arg *s = a;
	int c;

	for (c = 0; c < r->ncpus; c++) {
		uint8_t held;

		if (c == s->issuer) {
			/* the faulting CPU re-walks the page table after its fault */
			tlb_flush_page(r, s->pl, p, c);
			continue;
		}
		if (tlbr_cpuset_test(s->reached, (unsigned int)c))
			continue;
		held = tlb_held_before(r, s->pl, p, c);
		if ((held & HELD_VALID) && !(held & HELD_W) && p->writable) {
			s->pl->res->stale_ro++;
			tlb_set_flag(r, s->pl, p, c, HELD_STALE, 0);
			if (r->o.note) {
				struct tlbr_note n = { .kind = TLBR_NOTE_STALE };

				note(r, &n, s->pl->idx, c, p->mm, p->vpn);
			}
		}
	}
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

static enum tlbr_avoid avoid_reason(struct replay *r, struct policy *pl, const struct flushreq *q)
{
	struct rmm *m = mm_get(r, q->mm);
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
		for_pages(r, q->mm, q->whole_mm, q->start_vpn, q->end_vpn, flushed_before_fn, &f);
	return f.flushed_before ? TLBR_AVOID_ALREADY_FLUSHED : TLBR_AVOID_NOT_PRESENT;
}

/* Other CPUs that may hold anything the flush removes (stops at the first). */
static struct tlbr_cpuset holders_of(struct replay *r, struct policy *pl, const struct flushreq *q)
{
	struct holders_arg h = { .pl = pl };

	if (ask_cpus(r, q->mm, q->cpu, &h.ask)) {
		h.left = 1;
		for_pages(r, q->mm, q->whole_mm, q->start_vpn, q->end_vpn, holders_fn, &h);
	}
	return h.set;
}

/* TLBI operations one flush takes: per page up to 32 pages, else one by ASID. */
static uint64_t tlbi_ops(const struct flushreq *q)
{
	uint64_t n = q->end_vpn - q->start_vpn;

	if (!q->mm || q->whole_mm || n > 32)
		return 1;
	return n ? n : 1;
}

static void count_ops(struct replay *r, struct policy *pl, const struct flushreq *q,
		      const struct decision *d)
{
	uint64_t *ops = pl->res->ops;
	bool x86 = d->by->x86;

	switch (d->kind) {
	case D_NONE:
		break;
	case D_LOCAL:
		ops[TLBR_OP_TLBI_LOCAL] += tlbi_ops(q);
		ops[TLBR_OP_DSB_NSH]++;
		break;
	case D_BROADCAST:
		if (x86) {	/* the kernel's shootdown, replayed: IPIs to every other CPU */
			ops[TLBR_OP_IPI] += (uint64_t)r->ncpus - 1;
			ops[TLBR_OP_TLBI_LOCAL] += tlbi_ops(q);
			break;
		}
		ops[TLBR_OP_TLBI_IS] += tlbi_ops(q);
		ops[TLBR_OP_DSB_ISH]++;
		if (r->o.env == TLBR_ENV_ERRATA)
			ops[TLBR_OP_REPEAT]++;
		break;
	case D_TARGETED:
		if (!x86) {	/* arm64 cannot target CPUs: a broadcast TLBI */
			ops[TLBR_OP_TLBI_IS] += tlbi_ops(q);
			ops[TLBR_OP_DSB_ISH]++;
			break;
		}
		ops[TLBR_OP_IPI] += tlbr_cpuset_count(&d->targets);
		ops[TLBR_OP_TLBI_LOCAL] += tlbi_ops(q);
		break;
	case D_DEFER:	/* the TLBI now, its DSB at the batch's sync */
		ops[TLBR_OP_TLBI_IS] += tlbi_ops(q);
		break;
	case D_MERGED:	/* in the batch's range TLBI */
		break;
	}
	if (d->table_sync) {
		ops[TLBR_OP_IPI] += (uint64_t)r->ncpus - 1;
		pl->res->table_syncs++;
	}
	if (d->migrate) {
		ops[TLBR_OP_MIGRATE]++;
		ops[TLBR_OP_DSB_UPGRADE]++;
	}
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
	pl->pending[pl->npending++] = (struct pending){ page_idx(r, p), p->mm, r->ev->cpu };
}

static void defer(struct replay *r, struct policy *pl, const struct flushreq *q)
{
	pl->res->deferred++;
	for_pages(r, q->mm, q->whole_mm, q->start_vpn, q->end_vpn, defer_fn, pl);
}

/*
 * A DSB completes deferred TLBIs: those the CPU issued (try_to_unmap_flush),
 * or all of an mm's (flush_tlb_batched_pending, unless the policy is the
 * broken variant that skips it).
 */
static void batch_sync(struct replay *r, enum tlbr_sync_kind kind, int cpu, uint32_t mm)
{
	int pol, c;

	for (pol = 0; pol < r->npol; pol++) {
		struct policy *pl = &r->pol[pol];
		uint32_t i, kept = 0;
		bool any = false;

		if (kind == TLBR_SYNC_PENDING) {
			bool ignores = false;

			for (unsigned int k = 0; k < pl->ncomp; k++)
				ignores |= pl->ops[k]->no_pending_sync;
			if (ignores)
				continue;
		}
		for (i = 0; i < pl->npending; i++) {
			struct pending *e = &pl->pending[i];
			struct page *p = page_at(r, e->page);

			if (kind == TLBR_SYNC_COMPLETE ? e->cpu != cpu : e->mm != mm) {
				pl->pending[kept++] = *e;
				continue;
			}
			any = true;
			if (p->mm != e->mm)
				continue;	/* the page went with its mm */
			for (c = 0; c < r->ncpus; c++)
				tlb_flush_page(r, pl, p, c);
		}
		pl->npending = kept;
		if (any) {
			pl->res->syncs++;
			pl->res->ops[TLBR_OP_DSB_ISH]++;
		}
	}
}

static void decide_one(struct replay *r, struct policy *pl, const struct flushreq *q)
{
	struct tlbr_policy_result *res = pl->res;
	struct tlbr_cpuset reached = { { 0 } }, all = { { 0 } }, holders;
	enum tlbr_avoid reason = TLBR_AVOID_NEVER_ELSEWHERE;
	bool avoidable = false;
	struct decision d = { 0 };
	unsigned int k, nremote;
	int c;

	/* before the seed-004 fix, every hugetlb unshare also synced GUP-fast by IPI */
	d.table_sync = q->site == TLBR_SITE_HUGETLB_UNSHARE;
	for (k = 0; k < pl->ncomp; k++)
		if (pl->ops[k]->decide(r, pl, q, &d)) {
			d.by = pl->ops[k];
			break;
		}
	if (k == pl->ncomp) {
		policy_arm64_broadcast.decide(r, pl, q, &d);
		d.by = &policy_arm64_broadcast;
	}
	/* HCR_EL2.FB: in a guest every local TLBI is executed as a broadcast */
	if (r->o.env == TLBR_ENV_VM && d.kind == D_LOCAL && !d.by->x86) {
		d.kind = D_BROADCAST;
		res->upgraded++;
	}
	count_ops(r, pl, q, &d);

	for (c = 0; c < r->ncpus; c++)
		tlbr_cpuset_set(&all, (unsigned int)c);
	switch (d.kind) {
	case D_NONE:
	case D_DEFER:	/* reaches every CPU at the batch's sync */
		break;
	case D_MERGED:
		reached = all;
		break;
	case D_LOCAL:
		tlbr_cpuset_set(&reached, (unsigned int)q->cpu);
		break;
	case D_BROADCAST:
		reached = all;
		break;
	case D_TARGETED:
		reached = d.targets;
		tlbr_cpuset_set(&reached, (unsigned int)q->cpu);
		res->ipis += tlbr_cpuset_count(&d.targets);
		break;
	}
	nremote = tlbr_cpuset_count(&reached) - tlbr_cpuset_test(&reached, (unsigned int)q->cpu);

	res->flush_points++;
	res->flushes[q->site]++;
	if (d.kind == D_DEFER) {
		defer(r, pl, q);
		if (r->o.note) {
			struct tlbr_note n = { .kind = TLBR_NOTE_FLUSH, .site = q->site,
					       .out = TLBR_OUT_DEFERRED, .whole_mm = q->whole_mm,
					       .ts_ns = q->ts_ns };

			note(r, &n, pl->idx, q->cpu, q->mm, q->whole_mm ? 0 : q->start_vpn);
		}
		return;
	}
	if (d.kind == D_NONE)
		res->skipped++;
	else if (d.kind == D_MERGED)
		res->merged++;
	else if (nremote || d.kind == D_BROADCAST)
		res->broadcasts++;
	else
		res->local++;

	/* certainly avoidable: no other CPU may hold anything this flush removes */
	if ((nremote || d.kind == D_BROADCAST) && d.kind != D_MERGED && q->mm && !q->opaque) {
		holders = holders_of(r, pl, q);
		if (!tlbr_cpuset_count(&holders)) {
			avoidable = true;
			reason = avoid_reason(r, pl, q);
			res->avoidable++;
			res->avoidable_by[reason]++;
		}
	}
	if (r->o.note) {
		struct tlbr_note n = {
			.kind = TLBR_NOTE_FLUSH, .whole_mm = q->whole_mm || q->opaque, .site = q->site,
			.ts_ns = q->ts_ns, .task = q->ev ? q->ev->task : 0,
			.avoidable = avoidable, .reason = reason,
			.out = d.kind == D_NONE ? TLBR_OUT_SKIPPED : d.kind == D_MERGED ?
			       TLBR_OUT_MERGED : nremote || d.kind == D_BROADCAST ?
			       TLBR_OUT_BROADCAST : TLBR_OUT_LOCAL,
		};

		note(r, &n, pl->idx, q->cpu, q->opaque ? 0 : q->mm, q->whole_mm ? 0 : q->start_vpn);
	}

	/*
	 * apply: the reached CPUs now; the deferred ones cannot use the mm's
	 * entries before they load it again, and flush then: the model drops
	 * their entries now, and the switch flush is counted when it happens
	 */
	for (c = 0; c < r->ncpus; c++) {
		struct rmm *m = mm_get(r, q->mm);

		if (!tlbr_cpuset_test(&d.deferred, (unsigned int)c) ||
		    tlbr_cpuset_test(&reached, (unsigned int)c))
			continue;
		tlbr_cpuset_set(&reached, (unsigned int)c);
		if (m && tlbr_cpuset_test(&m->ever, (unsigned int)c))
			tlbr_cpuset_set(&m->behind[pl->idx], (unsigned int)c);
	}
	if (q->site == TLBR_SITE_WP_REUSE) {
		struct stale_arg s = { .pl = pl, .reached = &reached, .issuer = q->cpu };

		for_pages(r, q->mm, false, q->start_vpn, q->end_vpn, stale_fn, &s);
	}
	if (!q->mm) {
		for (c = 0; c < r->ncpus; c++)
			if (tlbr_cpuset_test(&reached, (unsigned int)c))
				tlb_flush_all(r, pl, c);
	} else if (q->whole_mm) {
		for (c = 0; c < r->ncpus; c++)
			if (tlbr_cpuset_test(&reached, (unsigned int)c))
				tlb_flush_mm(r, pl, q->mm, c);
	} else {
		struct flush_arg f = { .pl = pl, .cpus = &reached, .q = q };

		for_pages(r, q->mm, false, q->start_vpn, q->end_vpn, flush_fn, &f);
	}
	(void)dnames;
}

static void flush_point(struct replay *r, struct flushreq *q)
{
	int pol;

	if (q->cpu < 0 || q->cpu >= r->ncpus)
		return;
	r->seq++;	/* the flush comes after the PTE changes made in the same event */
	for (pol = 0; pol < r->npol; pol++)
		decide_one(r, &r->pol[pol], q);
}

/* ------------------------------------------------------------ safety */

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

static void check_fn(struct replay *r, struct page *p, void *arg)
{
	const struct tlbr_step *at = arg;
	uint8_t allowed = pte_perm(p);
	int pol, c;

	for (pol = 0; pol < r->npol; pol++) {
		struct policy *pl = &r->pol[pol];

		for (c = 0; c < r->ncpus; c++) {
			uint8_t held = tlb_held(r, pl, p, c);
			struct tlbr_finding *f;
			struct plast *last;

			if (!(held & HELD_VALID))
				continue;
			if (!(held & HELD_OLD) && !(held & ~allowed & (HELD_VALID | HELD_W)))
				continue;
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
				last = &r->plast[(size_t)page_idx(r, p) * (size_t)r->npol + (size_t)pol];
				if (last->pos || last->ts_ns) {
					struct tlbr_step *s = &f->steps[f->nsteps++];

					s->ts_ns = last->ts_ns;
					s->pos = last->pos;
					s->cpu = last->cpu;
					s->pid = -1;
					snprintf(s->what, sizeof(s->what), "%.32s: the last flush of "
						 "the page did not reach cpu %d", pl->res->name, c);
				}
				f->steps[f->nsteps++] = *at;
			}
			/* reported once: the model drops the entry it found */
			tlb_flush_page(r, pl, p, c);
		}
	}
}

static void check_range(struct replay *r, uint32_t mm, bool whole, uint64_t start, uint64_t end,
			const char *what)
{
	struct tlbr_step at;

	step_of(r, &at, "%s", what);
	for_pages(r, mm, whole, start, end, check_fn, &at);
}

/* ------------------------------------------------------------ page-table effects */

enum { EFF_DOWNGRADED = 1, EFF_CHANGED = 2 };

struct effect_arg {
	uint32_t prot;
	bool downgraded;	/* some present page lost a permission */
	bool changed;		/* some mapped page's PTE changed */
	const char *why;
	struct rmm *m;
};

static void unmap_fn(struct replay *r, struct page *p, void *a)
{
	struct effect_arg *e = a;

	if (p->present)
		e->downgraded = true;
	pte_set(r, p, false, false, false, false, false, e->why);
}

static void protect_fn(struct replay *r, struct page *p, void *a)
{
	struct effect_arg *e = a;
	const struct vma *v = e->m ? vma_find(e->m, p->vpn << PAGE_SHIFT) : NULL;
	bool present = p->mapped && (e->prot & 7) != 0;
	/* change_protection makes private exclusive (not COW-shared) pages writable */
	bool writable = present && (e->prot & PROT_W) && !p->cow && !(v && v->shared);

	if ((p->present && !present) || (p->writable && !writable))
		e->downgraded = true;
	if (p->present != present || p->writable != writable)
		e->changed = true;
	pte_set(r, p, p->mapped, present, writable, p->cow, false, e->why);
}

static void range_of(const uint64_t *args, int ai, int li, uint64_t *start, uint64_t *end)
{
	uint64_t a = args[ai], len = args[li];

	*start = a >> PAGE_SHIFT;
	*end = (a + len + (1ULL << PAGE_SHIFT) - 1) >> PAGE_SHIFT;
	if (*end < *start)
		*end = *start;
}

/* Apply the PTE changes of @t's syscall (once). Returns EFF_* bits. */
static int apply_syscall(struct replay *r, struct rtask *t, uint32_t mm)
{
	struct rmm *m = mm_get(r, mm);
	struct effect_arg e = { .m = m };
	uint64_t s, end;

	if (t->applied || !m)
		return 0;
	t->applied = true;
	switch (t->sys - 1) {
	case TLBR_SYS_MPROTECT:
		range_of(t->args, 0, 1, &s, &end);
		e.prot = (uint32_t)t->args[2];
		e.why = "mprotect";
		vma_protect(m, s << PAGE_SHIFT, end << PAGE_SHIFT, e.prot);
		for_pages(r, mm, false, s, end, protect_fn, &e);
		break;
	case TLBR_SYS_MUNMAP:
		range_of(t->args, 0, 1, &s, &end);
		e.why = "munmap";
		vma_remove(m, s << PAGE_SHIFT, end << PAGE_SHIFT);
		for_pages(r, mm, false, s, end, unmap_fn, &e);
		break;
	case TLBR_SYS_MADVISE:
		/* DONTNEED 4, REMOVE 9, PAGEOUT 21, DONTNEED_LOCKED 24 zap the range */
		if (t->args[2] != 4 && t->args[2] != 9 && t->args[2] != 21 && t->args[2] != 24)
			break;
		range_of(t->args, 0, 1, &s, &end);
		e.why = "madvise";
		for_pages(r, mm, false, s, end, unmap_fn, &e);
		break;
	case TLBR_SYS_MREMAP:
		range_of(t->args, 0, 1, &s, &end);
		e.why = "mremap";
		for_pages(r, mm, false, s, end, unmap_fn, &e);
		break;
	case TLBR_SYS_BRK:
		if (m->brk && t->args[0] && t->args[0] < m->brk) {
			s = (t->args[0] + (1ULL << PAGE_SHIFT) - 1) >> PAGE_SHIFT;
			end = (m->brk + (1ULL << PAGE_SHIFT) - 1) >> PAGE_SHIFT;
			e.why = "brk";
			for_pages(r, mm, false, s, end, unmap_fn, &e);
		}
		break;
	case TLBR_SYS_MMAP:
		if (t->args[3] & MAP_FIXED_) {
			range_of(t->args, 0, 1, &s, &end);
			e.why = "mmap over";
			for_pages(r, mm, false, s, end, unmap_fn, &e);
		}
		break;
	default:
		break;
	}
	t->eff = (e.downgraded ? EFF_DOWNGRADED : 0) | (e.changed || e.downgraded ? EFF_CHANGED : 0);
	return t->eff;
}

/* fork write-protects the parent's private pages: both sides share them COW. */
struct fork_arg {
	struct rmm *m;
	bool downgraded;
};

static void fork_wp_fn(struct replay *r, struct page *p, void *a)
{
	struct fork_arg *f = a;
	const struct vma *v = vma_find(f->m, p->vpn << PAGE_SHIFT);

	if (!p->mapped || (v && v->shared))
		return;
	if (p->writable) {
		struct rtask *t = r->cur_task;

		f->downgraded = true;
		if (t && t->nfork_dg == t->fork_dg_alloc) {
			uint32_t n = t->fork_dg_alloc ? t->fork_dg_alloc * 2 : 64;
			uint64_t *nd = realloc(t->fork_dg, n * sizeof(*nd));

			if (nd) {
				t->fork_dg = nd;
				t->fork_dg_alloc = n;
			}
		}
		if (t && t->nfork_dg < t->fork_dg_alloc)
			t->fork_dg[t->nfork_dg++] = p->vpn;
	}
	pte_set(r, p, p->mapped, p->present, false, true, false, "fork write-protect");
}

static bool fork_wp(struct replay *r, struct rtask *t, uint32_t mm)
{
	struct fork_arg f = { .m = mm_get(r, mm) };

	if (t->fork_wp_done || !f.m)
		return false;
	t->fork_wp_done = true;
	for_pages(r, mm, true, 0, 0, fork_wp_fn, &f);
	return f.downgraded;
}

static int fork_copy(struct replay *r, uint32_t parent, uint32_t child)
{
	struct pchange ch = {
		.ts_ns = r->ev->ts_ns, .pos = r->ev->pos, .cpu = r->ev->cpu, .pid = r->ev->pid,
		.why = "fork copy",
	};

	return mm_fork(r, parent, child, r->seq, &ch);
}

/* ------------------------------------------------------------ faults */

static void req_init(struct replay *r, struct flushreq *q, enum tlbr_site site, uint32_t mm)
{
	memset(q, 0, sizeof(*q));
	q->site = site;
	q->mm = mm;
	q->cpu = r->ev->cpu;
	q->ev = r->ev;
	q->ts_ns = r->ev->ts_ns;
	q->pos = r->ev->pos;
	q->real = TLBR_EXEC_LOCAL;
}

/* The pending write fault of @t was a reuse: upgrade in place, put the point. */
static void resolve_reuse(struct replay *r, struct rtask *t, uint32_t mm)
{
	struct page *p;
	struct flushreq q;

	if (!t->wp_pending)
		return;
	t->wp_pending = false;
	p = page_at(r, t->wp_page - 1);
	if (p->mm != mm && mm)
		return;
	r->res.reuses++;
	pte_set(r, p, true, true, true, false, false, "write-fault reuse");
	req_init(r, &q, TLBR_SITE_WP_REUSE, p->mm);
	q.cpu = t->wp_cpu;
	q.start_vpn = p->vpn;
	q.end_vpn = p->vpn + 1;
	q.ts_ns = t->wp_ts;
	q.pos = t->wp_pos;
	flush_point(r, &q);
}

static int on_fault(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	uint64_t err = ev->fault.error_code;
	struct page *p = page_get(r, ev->mm, ev->fault.addr >> PAGE_SHIFT);
	int pol;

	if (!p)
		return -ENOMEM;
	/* arm64's handle_mm_fault does not say whether the page was present: the model does */
	if (ev->fault.prot_unknown && p->present)
		err |= TLBR_PF_PROT;
	if ((err & (TLBR_PF_PROT | TLBR_PF_WRITE)) == (TLBR_PF_PROT | TLBR_PF_WRITE)) {
		r->res.write_faults_present++;
		/* a CPU writing a page it holds a stale read-only entry for */
		for (pol = 0; pol < r->npol; pol++) {
			if (tlb_held(r, &r->pol[pol], p, ev->cpu) & HELD_STALE) {
				if (r->o.cpu->spurious_faults) {
					r->pol[pol].res->spurious_predicted++;
					r->pol[pol].res->ops[TLBR_OP_SPURIOUS]++;
					if (r->o.note) {
						struct tlbr_note n = { .kind = TLBR_NOTE_SPURIOUS };

						note(r, &n, pol, ev->cpu, p->mm, p->vpn);
					}
				}
				tlb_set_flag(r, &r->pol[pol], p, ev->cpu, 0, HELD_STALE);
			}
		}
		if (p->present && p->writable) {
			if (r->o.cpu->spurious_faults) {
				r->res.spurious_observed++;
				if (r->o.note) {
					struct tlbr_note n = { .kind = TLBR_NOTE_SPURIOUS_SEEN };

					note(r, &n, -1, ev->cpu, p->mm, p->vpn);
				}
			} else
				r->res.unexplained++;
		} else {
			if (!p->mapped)	/* older than the trace: it was there, read-only */
				pte_set(r, p, true, true, false, true, false, "present before the trace");
			t->wp_pending = true;
			t->wp_page = page_idx(r, p) + 1;
			t->wp_cpu = ev->cpu;
			t->wp_ts = ev->ts_ns;
			t->wp_pos = ev->pos;
		}
	} else if (!(err & TLBR_PF_PROT)) {
		pte_set(r, p, true, true, (err & TLBR_PF_WRITE) != 0, false, false,
			err & TLBR_PF_WRITE ? "write fault mapping" : "read fault mapping");
	} else if (!p->present) {
		pte_set(r, p, true, true, false, p->cow, false, "present before the trace");
	}
	tlb_access(r, p, ev->cpu);
	return 0;
}

/* ------------------------------------------------------------ flushes */

/*
 * A write-fault reuse in a contpte block (contpte_ptep_set_access_flags):
 * the 16 PTEs of the block are all made writable and the block is flushed
 * as one range; the faulting page must be in it.
 */
static void reuse_contpte(struct replay *r, struct rtask *t, const struct tlbr_event *ev,
			  struct flushreq *q)
{
	uint64_t first = ev->flush.start >> PAGE_SHIFT, last = ev->flush.end >> PAGE_SHIFT;
	struct page *fp = page_at(r, t->wp_page - 1);
	uint64_t v;

	if (fp->vpn < first || fp->vpn >= last || fp->mm != ev->mm)
		return;
	t->wp_pending = false;
	r->res.reuses++;
	r->res.contpte_reuses++;
	for (v = first; v < last; v++) {
		struct page *p = page_get(r, ev->mm, v);

		if (!p)
			continue;	/* out of memory: the page stays as the model had it */
		if (!p->present)	/* a contpte block is all present */
			pte_set(r, p, true, true, false, false, false, "present before the trace");
		pte_set(r, p, true, true, true, false, false, "write-fault reuse (contpte block)");
	}
	q->start_vpn = first;
	q->end_vpn = last;
	flush_point(r, q);
}

static void on_flush(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	const struct tlbr_ev_flush *f = &ev->flush;
	bool range = f->start < f->end && f->scope != TLBR_SCOPE_MM && f->scope != TLBR_SCOPE_ALL;
	struct flushreq q;

	if (f->site == TLBR_SITE_SWITCH)
		return;		/* x86 switch_mm: residency comes from the switches */
	if (f->exec == TLBR_EXEC_IPI)
		r->res.real_ipi_flushes++;
	req_init(r, &q, f->site, ev->mm);
	q.real = f->exec;

	switch (f->site) {
	case TLBR_SITE_WP_REUSE:	/* arm64's __ptep_set_access_flags said so */
		if (t && t->wp_pending && range && (f->flags & TLBR_FLUSH_CONTPTE)) {
			reuse_contpte(r, t, ev, &q);
			return;
		}
		if (t && t->wp_pending && range &&
		    page_at(r, t->wp_page - 1)->vpn == f->start >> PAGE_SHIFT) {
			struct page *p = page_at(r, t->wp_page - 1);

			t->wp_pending = false;
			r->res.reuses++;
			pte_set(r, p, true, true, true, false, false, "write-fault reuse");
			q.start_vpn = p->vpn;
			q.end_vpn = p->vpn + 1;
			flush_point(r, &q);
			return;
		}
		break;
	case TLBR_SITE_COW:
		if (t && t->wp_pending && range &&
		    page_at(r, t->wp_page - 1)->vpn == f->start >> PAGE_SHIFT) {
			struct page *p = page_at(r, t->wp_page - 1);

			t->wp_pending = false;
			r->res.cow_breaks++;
			pte_set(r, p, true, true, true, false, true, "COW copy");
			q.start_vpn = p->vpn;
			q.end_vpn = p->vpn + 1;
			flush_point(r, &q);
			check_range(r, p->mm, false, p->vpn, p->vpn + 1, "COW copy done: old page freed");
			return;
		}
		break;
	case TLBR_SITE_MPROTECT:
	case TLBR_SITE_ZAP:
	case TLBR_SITE_MREMAP:
		if (t && t->sys)
			apply_syscall(r, t, ev->mm);
		/*
		 * a kernel without pte_needs_flush() (arm64 before the seed-004
		 * backport) flushes an mprotect that only added permissions: as
		 * far as the model knows the pages, say so to the policies
		 */
		if (t && t->sys == TLBR_SYS_MPROTECT + 1 && f->site == TLBR_SITE_MPROTECT &&
		    (t->eff & EFF_CHANGED) && !(t->eff & EFF_DOWNGRADED))
			q.adds_only = true;
		break;
	case TLBR_SITE_FORK:
		if (t)
			fork_wp(r, t, ev->mm);
		break;
	case TLBR_SITE_EXEC:
		/* exec's flushes are of the new mm no other CPU has run: "fresh" */
		q.mm = 0;
		q.real = TLBR_EXEC_LOCAL;
		q.opaque = true;
		flush_point(r, &q);
		return;
	case TLBR_SITE_RECLAIM:
	case TLBR_SITE_KERNEL:
		q.mm = 0;
		q.opaque = true;
		flush_point(r, &q);
		return;
	default:
		break;
	}
	if (!ev->mm) {
		q.opaque = true;
		flush_point(r, &q);
		return;
	}
	if (range) {
		q.start_vpn = f->start >> PAGE_SHIFT;
		q.end_vpn = (f->end + (1ULL << PAGE_SHIFT) - 1) >> PAGE_SHIFT;
	} else {
		q.whole_mm = true;
	}
	flush_point(r, &q);
}

/*
 * A syscall changed PTEs and the trace shows no flush for it. When it
 * removed access the kernel must have flushed; when it only added some, the
 * traced kernel skipped the flush (x86's pte_needs_flush) where a kernel
 * without that check flushes: a flush point either way, marked adds_only.
 */
static void implied_flush(struct replay *r, uint32_t mm, enum tlbr_site site, bool whole,
			  uint64_t s, uint64_t e, bool adds_only)
{
	struct flushreq q;

	req_init(r, &q, site, mm);
	q.adds_only = adds_only;
	q.whole_mm = whole;
	q.start_vpn = s;
	q.end_vpn = e;
	q.real = TLBR_EXEC_IPI;
	flush_point(r, &q);
}

static void on_syscall_ret(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	const struct tlbr_ev_syscall *sc = &ev->sys;
	struct rmm *m = mm_get(r, ev->mm);
	bool flushed = t->applied;	/* a flush inside the syscall applied it */
	uint64_t s, e;

	if (!t->sys || (int)sc->nr != t->sys - 1) {
		t->sys = 0;
		return;
	}
	if (sc->ret >= 0 || (sc->nr == TLBR_SYS_MMAP && sc->ret < -4095)) {
		int eff = flushed ? 0 : apply_syscall(r, t, ev->mm);

		range_of(t->args, 0, 1, &s, &e);
		if (eff & EFF_DOWNGRADED)
			implied_flush(r, ev->mm, sc->nr == TLBR_SYS_MPROTECT ? TLBR_SITE_MPROTECT :
						 TLBR_SITE_ZAP, false, s, e, false);
		else if ((eff & EFF_CHANGED) && sc->nr == TLBR_SYS_MPROTECT)
			implied_flush(r, ev->mm, TLBR_SITE_MPROTECT, false, s, e, true);
	}
	if (m) {
		switch (sc->nr) {
		case TLBR_SYS_MMAP:
			if (sc->ret > 0 || sc->ret < -4095) {
				uint64_t a = (uint64_t)sc->ret, len = t->args[1];

				vma_add(m, a, a + ((len + 4095) & ~4095ULL), (uint32_t)t->args[2],
					(t->args[3] & MAP_SHARED_) != 0, (t->args[3] & MAP_ANON_) != 0);
			}
			break;
		case TLBR_SYS_BRK:
			if (sc->ret > 0) {
				if (m->brk && (uint64_t)sc->ret > m->brk)
					vma_add(m, m->brk, (uint64_t)sc->ret, PROT_R | PROT_W, false,
						true);
				m->brk = (uint64_t)sc->ret;
			}
			break;
		default:
			break;
		}
	}
	switch (sc->nr) {
	case TLBR_SYS_MPROTECT:
	case TLBR_SYS_MUNMAP:
	case TLBR_SYS_MADVISE:
	case TLBR_SYS_MREMAP:
		range_of(t->args, 0, 1, &s, &e);
		check_range(r, ev->mm, false, s, e, "syscall returns: the flush must be complete");
		break;
	case TLBR_SYS_CLONE:
	case TLBR_SYS_CLONE3:
	case TLBR_SYS_FORK:
		/* the pages the fork write-protected must have no writable entry left */
		if (t->fork_wp_done && sc->ret > 0) {
			struct tlbr_step at;

			step_of(r, &at, "fork returns in the parent");
			for (uint32_t i = 0; i < t->nfork_dg; i++) {
				struct page *p = page_find(r, ev->mm, t->fork_dg[i]);

				if (p)
					check_fn(r, p, &at);
			}
		}
		t->nfork_dg = 0;
		break;
	default:
		break;
	}
	t->sys = 0;
	t->applied = false;
	t->fork_wp_done = false;
}

static int on_fork(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	const struct tlbr_ev_fork *f = &ev->fork;
	bool flushed;

	if (f->shares_mm || !f->child_mm || !ev->mm)
		return 0;
	flushed = t && t->fork_wp_done;
	if (t && fork_wp(r, t, ev->mm) && !flushed)
		implied_flush(r, ev->mm, TLBR_SITE_FORK, true, 0, 0, false);
	if (!mm_get(r, f->child_mm))
		return -ENOMEM;
	return fork_copy(r, ev->mm, f->child_mm);
}

/* ------------------------------------------------------------ the event loop */

/*
 * Follow which address space each task uses. When the last task known to
 * use one exits, its pages go: memory follows the live address spaces even
 * where the trace misses an exit_mmap.
 */
static void set_task_mm(struct replay *r, struct rtask *t, uint32_t mm)
{
	struct rmm *old = t->mm && t->mm < r->nmms ? &r->mms[t->mm] : NULL;
	struct rmm *m = mm_get(r, mm);

	if (old && old->users && !--old->users)
		mm_drop_pages(r, t->mm);
	t->mm = mm;
	if (m)
		m->users++;
}

/* Reclaim or migration unmaps a page: its PTE goes, and a flush is due (maybe batched). */
static int on_reclaim_unmap(struct replay *r, const struct tlbr_event *ev)
{
	struct page *p = page_find(r, ev->mm, ev->reclaim.addr >> PAGE_SHIFT);
	struct flushreq q;

	if (!p || !p->mapped)
		return 0;	/* a page the model never saw: no translation to worry about */
	pte_set(r, p, false, false, false, false, false, "reclaim unmap");
	req_init(r, &q, TLBR_SITE_RECLAIM, ev->mm);
	q.start_vpn = p->vpn;
	q.end_vpn = p->vpn + 1;
	q.batched = true;
	q.real = TLBR_EXEC_BROADCAST;
	flush_point(r, &q);
	return 0;
}

/*
 * Valid kernel PTEs written (vmalloc/vmap): arm64 follows each with
 * dsb(ishst)+isb; in lazy MMU mode (seed 003) one pair at the mode's exit,
 * per vmap_pte_range() call, that is per page-table page of 512 PTEs.
 */
static void kmap_barriers(struct replay *r, uint64_t pages)
{
	int pol;

	for (pol = 0; pol < r->npol; pol++) {
		struct policy *pl = &r->pol[pol];
		bool lazy = false;

		for (unsigned int k = 0; k < pl->ncomp; k++)
			lazy |= pl->ops[k]->lazy_mmu;
		pl->res->ops[TLBR_OP_KMAP_BARRIER] += lazy ? (pages + 511) / 512 : pages;
	}
}

/*
 * arm64 ASID rollover (flush_context): every CPU is marked to flush its
 * whole TLB at its next switch_mm; the mms loaded on a CPU keep their ASID
 * (reserved_asids), every other mm gets a new one when it next runs, which
 * resets per-ASID state such as active-cpu's. Until its next switch_mm a CPU
 * can only use the entries of the mm it has loaded: the others carry an
 * ASID that is gone or that it will flush before loading it again.
 */
static void asid_rollover(struct replay *r)
{
	uint32_t kept[TLBR_MAX_CPUS], mm;
	unsigned int nkept = 0;
	int c, pol;

	r->res.asid_rollovers++;
	r->seq++;
	for (c = 0; c < r->ncpus; c++) {
		tlbr_cpuset_set(&r->asid_flush, (unsigned int)c);
		if (r->cpu[c].mm)
			kept[nkept++] = r->cpu[c].mm;
	}
	for (mm = 1; mm < r->nmms; mm++) {
		struct rmm *m = &r->mms[mm];

		if (!m->last_end)
			continue;
		for (c = 0; c < r->ncpus; c++) {
			if (r->cpu[c].mm == mm || !tlbr_cpuset_test(&m->ever, (unsigned int)c))
				continue;
			for (pol = 0; pol < r->npol; pol++)
				tlb_flush_mm(r, &r->pol[pol], mm, c);
		}
	}
	for (pol = 0; pol < r->npol; pol++)
		for (unsigned int k = 0; k < r->pol[pol].ncomp; k++)
			if (r->pol[pol].ops[k]->on_rollover)
				r->pol[pol].ops[k]->on_rollover(r, &r->pol[pol], kept, nkept);
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
	case TLBR_EV_FORK:
	case TLBR_EV_EXEC:
	case TLBR_EV_EXIT:
	case TLBR_EV_MM_TEARDOWN:
		return true;
	default:
		return false;
	}
}

int tlbr_replay_event(struct tlbr_replay *rp, const struct tlbr_event *ev)
{
	struct replay *r = (struct replay *)rp;
	struct rtask *t = NULL;
	int ret = 0;

	if (ev->cpu < 0 || ev->cpu >= r->ncpus)
		return 0;
	r->ev = ev;
	r->seq++;
	r->res.events++;
	r->cur_task = NULL;
	if (ev->task) {
		t = task_rget(r, ev->task);
		if (!t)
			return -ENOMEM;
		if (t->mm != ev->mm && ev->kind != TLBR_EV_EXEC)
			set_task_mm(r, t, ev->mm);
		r->cur_task = t;
		/* the task did something else since its write fault: it reused the page */
		if (t->wp_pending && ev->kind != TLBR_EV_TLBI &&	/* the fault's own TLBIs */
		    !(ev->kind == TLBR_EV_FLUSH && (ev->flush.site == TLBR_SITE_COW ||
						    ev->flush.site == TLBR_SITE_WP_REUSE)))
			resolve_reuse(r, t, ev->mm);
	}
	if (runs_in_task(ev) && ev->task && r->cpu[ev->cpu].task != ev->task &&
	    ev->kind != TLBR_EV_EXEC)
		run_on(r, ev->cpu, ev->task, ev->mm);

	switch (ev->kind) {
	case TLBR_EV_SWITCH:
		run_on(r, ev->cpu, ev->sw.next_task, ev->sw.next_mm);
		break;
	case TLBR_EV_EXEC:
		if (!mm_get(r, ev->exec.new_mm))
			return -ENOMEM;
		if (t)
			set_task_mm(r, t, ev->exec.new_mm);
		mm_get(r, ev->exec.new_mm)->vmas_known = true;
		run_on(r, ev->cpu, ev->task, ev->exec.new_mm);
		break;
	case TLBR_EV_FORK:
		ret = on_fork(r, ev, t);
		if (!ret && ev->fork.child_mm && !ev->fork.shares_mm)
			mm_get(r, ev->fork.child_mm)->vmas_known = mm_get(r, ev->mm) &&
								   mm_get(r, ev->mm)->vmas_known;
		break;
	case TLBR_EV_FAULT:
		if (ev->mm)
			ret = on_fault(r, ev, t);
		break;
	case TLBR_EV_SYSCALL:
		if (t) {
			t->sys = (int)ev->sys.nr + 1;
			t->sys_seq = r->seq;
			memcpy(t->args, ev->sys.args, sizeof(t->args));
			t->applied = false;
			t->eff = 0;
			t->fork_wp_done = false;
		}
		break;
	case TLBR_EV_SYSCALL_RET:
		if (t)
			on_syscall_ret(r, ev, t);
		break;
	case TLBR_EV_FLUSH:
		on_flush(r, ev, t);
		break;
	case TLBR_EV_FLUSH_IPI:
		r->res.real_ipis += tlbr_cpuset_count(&ev->ipi.targets);
		break;
	case TLBR_EV_RECLAIM_UNMAP:
		ret = on_reclaim_unmap(r, ev);
		break;
	case TLBR_EV_BATCH_SYNC:
		r->seq++;
		batch_sync(r, ev->sync.kind, ev->cpu, ev->mm);
		break;
	case TLBR_EV_KMAP:
		kmap_barriers(r, ev->kmap.pages);
		break;
	case TLBR_EV_ASID_ROLLOVER:
		asid_rollover(r);
		break;
	case TLBR_EV_TLBI:	/* what the kernel did: compared with the policies' decisions */
		if (ev->tlbi.broadcast) {
			r->res.real_tlbi_is++;
			if (!ev->tlbi.continues)
				r->res.real_tlbi_ops[ev->tlbi.site]++;
		}
		break;
	case TLBR_EV_VMA: {	/* the recorder's snapshot of a process older than the trace */
		struct rmm *m = mm_get(r, ev->mm);

		if (m)
			vma_add(m, ev->vma.start, ev->vma.end, ev->vma.prot, ev->vma.shared,
				ev->vma.anon);
		break;
	}
	case TLBR_EV_EXIT:
		if (t)
			set_task_mm(r, t, 0);
		break;
	case TLBR_EV_MM_TEARDOWN:
		if (ev->mm) {
			struct rmm *m = mm_get(r, ev->mm);

			mm_drop_pages(r, ev->mm);
			if (m)
				m->live = false;
		}
		break;
	default:
		break;
	}
	return ret;
}
