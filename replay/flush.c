// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * flush.c - flush decisions: a flush point is put to every policy; each
 * policy's decision is counted (broadcast, local, skipped, avoidable),
 * priced (effects.c) and applied to its TLB model (effects.c).
 */
#include <string.h>

#include "replay-local.h"

/* A flush point of the event being replayed. O(1). */
void tlbr_req_init(struct replay *r, struct flushreq *q, enum tlbr_site site, uint32_t mm)
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

/* Ask the policy's components in turn; none answering means today's arm64. */
static void decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	unsigned int k;

	/* before the seed-004 fix, every hugetlb unshare also synced GUP-fast by IPI */
	d->table_sync = q->site == TLBR_SITE_HUGETLB_UNSHARE;
	/* x86's own flush where arm64 makes none (policy.h): only x86's policies act */
	if (q->x86_only && pl->ncomp && !pl->ops[0]->x86) {
		d->kind = D_NONE;
		d->by = pl->ops[0];
		return;
	}
	for (k = 0; k < pl->ncomp; k++)
		if (pl->ops[k]->decide(r, pl, q, d)) {
			d->by = pl->ops[k];
			break;
		}
	if (k == pl->ncomp) {
		tlbr_policy_arm64_broadcast.decide(r, pl, q, d);
		d->by = &tlbr_policy_arm64_broadcast;
	}
	/*
	 * before the seed-004 fix, __unmap_hugepage_range() already flushed its
	 * unshares once (force_flush: tlb_flush_mmu_tlbonly() at the end), with
	 * an IPI per table (huge_pmd_unshare's tlb_remove_table_sync_one)
	 */
	if (q->site == TLBR_SITE_HUGETLB_UNSHARE && d->by != &tlbr_policy_hugetlb_unshare_gather &&
	    !d->by->x86 && (d->kind == D_BROADCAST || d->kind == D_LOCAL)) {
		bool same = false;

		if (tlbr_view_same_gather(r, &pl->unshare, q, &same) && same)
			d->kind = D_MERGED;
	}
	/* HCR_EL2.FB: in a guest every local TLBI is executed as a broadcast */
	if ((r->o.env & TLBR_ENV_VM) && d->kind == D_LOCAL && !d->by->x86) {
		d->kind = D_BROADCAST;
		d->vm_upgraded = true;
		pl->res->upgraded++;
	}
}

/* The CPUs the decision flushes now. */
static struct tlbr_cpuset reached_by(struct replay *r, const struct flushreq *q,
				     const struct decision *d)
{
	struct tlbr_cpuset reached = { { 0 } }, all = { { 0 } };
	int c;

	for (c = 0; c < r->ncpus; c++)
		tlbr_cpuset_set(&all, (unsigned int)c);
	switch (d->kind) {
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
		reached = d->targets;
		tlbr_cpuset_set(&reached, (unsigned int)q->cpu);
		break;
	}
	return reached;
}

/*
 * Count the decision by its outcome, and say whether a broadcast was
 * certainly avoidable: no other CPU may hold anything this flush removes.
 */
static void account(struct replay *r, struct policy *pl, const struct flushreq *q,
		    const struct decision *d, const struct tlbr_cpuset *reached)
{
	struct tlbr_policy_result *res = pl->res;
	enum tlbr_avoid reason = TLBR_AVOID_NEVER_ELSEWHERE;
	unsigned int nremote;
	bool avoidable = false;

	nremote = tlbr_cpuset_count(reached) - tlbr_cpuset_test(reached, (unsigned int)q->cpu);
	if (d->kind == D_NONE)
		res->skipped++;
	else if (d->kind == D_MERGED)
		res->merged++;
	else if (nremote || d->kind == D_BROADCAST) {
		res->broadcasts++;
		res->maybe_broadcasts += q->maybe;
	} else
		res->local++;

	if ((nremote || d->kind == D_BROADCAST) && d->kind != D_MERGED && q->mm && !q->opaque) {
		struct tlbr_cpuset holders = tlbr_holders_of(r, pl, q);

		/* freed page tables: every CPU that may have walked them must flush its walk cache */
		if (tlbr_view_frees_tables(r, q)) {
			struct tlbr_cpuset w = tlbr_view_walkers(r, q->mm);

			w.bits[q->cpu / 64] &= ~(1ULL << (q->cpu % 64));
			if (tlbr_cpuset_count(&w))
				holders = w;
		}
		/*
		 * a trace that cannot show its lost events (perf's CTF: --force)
		 * may have lost the faults that made the flushed pages present,
		 * not only the switches: no flush of it is certainly avoidable
		 */
		if (!tlbr_cpuset_count(&holders) && !r->res.lost_unknown &&
		    !tlbr_unknown_held(r, pl, q)) {
			avoidable = true;
			reason = tlbr_avoid_reason(r, pl, q);
			res->avoidable++;
			res->avoidable_by[reason]++;
		}
	}
	if (r->o.note) {
		struct tlbr_note n = {
			.kind = TLBR_NOTE_FLUSH, .whole_mm = q->whole_mm || q->opaque, .site = q->site,
			.ts_ns = q->ts_ns, .task = q->ev ? q->ev->task : 0,
			.avoidable = avoidable, .reason = reason,
			.unsure = q->maybe ? q->maybe_why : 0,
			.tables_traced = q->site == TLBR_SITE_ZAP && q->ev &&
					 q->ev->kind == TLBR_EV_FLUSH &&
					 (q->ev->flush.flags & TLBR_FLUSH_FREES_TABLES),
			.tables_model = q->site == TLBR_SITE_ZAP && tlbr_view_frees_tables_seen(r, q),
			.sys_seq = r->cur_task && r->cur_task->sys ? r->cur_task->sys_seq : 0,
			.out = d->kind == D_NONE ? TLBR_OUT_SKIPPED : d->kind == D_MERGED ?
			       TLBR_OUT_MERGED : nremote || d->kind == D_BROADCAST ?
			       TLBR_OUT_BROADCAST : TLBR_OUT_LOCAL,
		};

		tlbr_replay_note(r, &n, pl->idx, q->cpu, q->opaque ? 0 : q->mm, q->whole_mm ? 0 : q->start_vpn);
	}
}

/*
 * One policy decides one flush point.
 * O(components) for the decision itself, plus what the policy's queries
 * cost, plus the avoidable check and the application: O(pages of the
 * range the model knows x CPUs) each (whole-mm: the pages of the mm).
 */
static void decide_one(struct replay *r, struct policy *pl, const struct flushreq *q)
{
	struct decision d = { 0 };
	struct tlbr_cpuset reached;

	decide(r, pl, q, &d);
	tlbr_count_ops(r, pl, q, &d);
	reached = reached_by(r, q, &d);
	if (d.kind == D_TARGETED)
		pl->res->ipis += tlbr_cpuset_count(&d.targets);
	pl->res->flush_points++;
	pl->res->flushes[q->site]++;
	pl->res->maybe[q->site] += q->maybe;
	if (d.kind == D_DEFER) {
		tlbr_defer(r, pl, q);
		if (r->o.note) {
			struct tlbr_note n = { .kind = TLBR_NOTE_FLUSH, .site = q->site,
					       .out = TLBR_OUT_DEFERRED, .whole_mm = q->whole_mm,
					       .ts_ns = q->ts_ns };

			tlbr_replay_note(r, &n, pl->idx, q->cpu, q->mm, q->whole_mm ? 0 : q->start_vpn);
		}
		return;
	}
	account(r, pl, q, &d, &reached);
	tlbr_apply_decision(r, pl, q, &d, &reached);
}

static bool x86_policy(const struct policy *pl)
{
	for (unsigned int k = 0; k < pl->ncomp; k++)
		if (pl->ops[k]->x86)
			return true;
	return false;
}

/* Put a flush point to every policy. O(policies x decide_one). */
void tlbr_flush_point(struct replay *r, struct flushreq *q)
{
	struct held_teardown *h = NULL;
	bool begun;
	int pol;

	if (q->cpu < 0 || q->cpu >= r->ncpus)
		return;
	if (q->teardown_hold && q->ev && q->ev->task) {
		/* a free slot; none: decided now, as the last flush */
		for (unsigned int i = 0; i < ARRAY_SIZE(r->held) && !h; i++)
			if (!r->held[i].active)
				h = &r->held[i];
		if (h) {
			h->active = true;
			r->nheld++;
			h->task = q->ev->task;
			h->ev = *q->ev;
			h->q = *q;
			h->q.ev = &h->ev;
			h->q.teardown_hold = false;
		}
	}
	r->seq++;	/* the flush comes after the PTE changes made in the same event */
	begun = tlbr_flush_walk_begin(r, q);
	for (pol = 0; pol < r->npol; pol++)
		if (!h || !x86_policy(&r->pol[pol]))
			decide_one(r, &r->pol[pol], q);
	tlbr_flush_walk_end(r, begun);
}

/*
 * Does @ev, a record of a held flush's task, show what came after it? Its
 * own IPIs and every step of the task do; a switch away (cond_resched() in
 * the zap: preempted mid-teardown), a migration, an interrupt's records
 * (a wakeup's IPI, the answer to another CPU's shootdown) do not.
 */
static bool next_step(const struct tlbr_event *ev)
{
	switch (ev->kind) {
	case TLBR_EV_FLUSH:
		return ev->flush.site != TLBR_SITE_SWITCH;
	case TLBR_EV_FLUSH_IPI:
	case TLBR_EV_FLUSH_CSD:
	case TLBR_EV_FAULT:
	case TLBR_EV_SYSCALL:
	case TLBR_EV_SYSCALL_RET:
	case TLBR_EV_FORK:
	case TLBR_EV_EXEC:
	case TLBR_EV_MM_TEARDOWN:
		return true;
	default:
		return false;
	}
}

/* The x86 policies decide held flush @h now (@more: another of its call follows). */
static void decide_held(struct replay *r, struct held_teardown *h, bool more)
{
	const struct tlbr_event *saved = r->ev;
	struct rtask *saved_task = r->cur_task;
	bool begun;

	h->q.teardown_more = more;
	h->active = false;
	r->nheld--;
	r->ev = &h->ev;
	r->cur_task = tlbr_task_rget(r, h->task);
	r->seq++;
	begun = tlbr_flush_walk_begin(r, &h->q);
	for (int pol = 0; pol < r->npol; pol++)
		if (x86_policy(&r->pol[pol]))
			decide_one(r, &r->pol[pol], &h->q);
	tlbr_flush_walk_end(r, begun);
	r->ev = saved;
	r->cur_task = saved_task;
}

/*
 * A check of @mm is due while a flush of it is held (another thread's
 * syscall returns over the range before the flushing task's next record:
 * 6.1 munmap downgrades to the read lock before unmap_region()'s flushes,
 * and madvise takes the read lock): the kernel's flush was complete when
 * its record was written (flush_tlb_multi() waits for the IPIs), so the
 * held ones are decided first, as the last of their call (as a switch
 * away decides them). O(held x decide_one); O(1) when none is held.
 */
void tlbr_teardown_settle_mm(struct replay *r, uint32_t mm)
{
	if (!r->nheld)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(r->held); i++)
		if (r->held[i].active && r->held[i].q.mm == mm)
			decide_held(r, &r->held[i], false);
}

/*
 * Decide the held teardown flushes @ev (NULL: the trace's end) settles.
 * O(1) when none is held (every event); O(held x decide_one) otherwise.
 */
void tlbr_teardown_settle(struct replay *r, const struct tlbr_event *ev)
{
	if (!r->nheld)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(r->held); i++) {
		struct held_teardown *h = &r->held[i];

		if (!h->active)
			continue;
		/*
		 * an unmapping syscall's held flush is decided at a switch away
		 * too, as the last: the model's residency must be the one of
		 * the flush, not of the CPUs' switches until the task runs
		 * again (an exit_mmap() one waits: a preempted teardown goes on)
		 */
		bool away = ev && ev->kind == TLBR_EV_SWITCH && ev->cpu == h->q.cpu &&
			    h->q.site == TLBR_SITE_ZAP;

		if (ev && ev->kind != TLBR_EV_LOST && !away && (ev->task != h->task || !next_step(ev)))
			continue;
		/* another flush of the same teardown comes next: this one was a batch's */
		decide_held(r, h, ev && ev->kind == TLBR_EV_FLUSH && ev->flush.site == h->q.site &&
				  ev->mm == h->q.mm);
		r->cur_task = NULL;
	}
}

/*
 * A syscall changed PTEs and the trace shows no flush for it. When it
 * removed access the kernel must have flushed; when it only added some, the
 * traced kernel skipped the flush (x86's pte_needs_flush) where a kernel
 * without that check flushes: a flush point either way, marked adds_only.
 */
void tlbr_implied_flush(struct replay *r, uint32_t mm, enum tlbr_site site, bool whole,
		   uint64_t s, uint64_t e, bool adds_only, bool from_invalid)
{
	tlbr_implied_flush_maybe(r, mm, site, whole, s, e, adds_only, from_invalid, false);
}

/*
 * As tlbr_implied_flush(); @maybe: only pages fault-around may have mapped
 * lost access, so the kernel may have flushed nothing: uncertain.
 */
void tlbr_implied_flush_maybe(struct replay *r, uint32_t mm, enum tlbr_site site, bool whole,
			      uint64_t s, uint64_t e, bool adds_only, bool from_invalid, bool maybe)
{
	struct flushreq q;

	tlbr_req_init(r, &q, site, mm);
	q.maybe = maybe;
	if (maybe)
		tlbr_unsure(r, &q, TLBR_UNSURE_AROUND);
	q.adds_only = adds_only;
	q.from_invalid = from_invalid;
	q.whole_mm = whole;
	q.start_vpn = s;
	q.end_vpn = e;
	q.real = TLBR_EXEC_IPI;
	tlbr_flush_point(r, &q);
}
