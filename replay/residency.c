// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * residency.c - which address space each CPU has loaded (running, or
 * lazily under a kernel thread), the catch-up flushes due when a CPU loads
 * one again, and arm64's ASID rollover.
 */
#include <string.h>

#include "replay-local.h"

struct tlbr_cpuset tlbr_view_all_cpus(struct replay *r)
{
	struct tlbr_cpuset all = { { 0 } };
	int c;

	for (c = 0; c < r->ncpus; c++)
		tlbr_cpuset_set(&all, (unsigned int)c);
	return all;
}

bool tlbr_view_loaded(struct replay *r, uint32_t mm, int cpu)
{
	return r->cpu[cpu].mm == mm;
}

bool tlbr_view_running(struct replay *r, uint32_t mm, int cpu)
{
	/*
	 * a thread the trace does not show may run it there, unless the
	 * trace shows what runs there now: a traced switch since the CPU's
	 * last lost events (chain_pid), in a recording not found to leave
	 * tasks out (hide_tasks(): one left out runs with no switch shown)
	 */
	if (mm && mm < r->nmms && mm_anywhere(&r->mms[mm]) &&
	    (r->res.hidden_tasks || !r->chain_pid[cpu]))
		return true;
	/*
	 * a CPU the trace has not shown loading a user mm yet (it started
	 * mid-way) may be running a thread of one older than the trace
	 */
	if (tlbr_view_may_run_older(r, mm, cpu))
		return true;
	return r->cpu[cpu].mm == mm && r->cpu[cpu].user;
}

/*
 * @m may hold entries on @cpu as of now (what ran there is not known):
 * the CPU joins its ever-loaded set, its last use there is now, and no
 * policy may take it as holding nothing there. O(policies).
 */
static void may_hold_now(struct replay *r, struct rmm *m, int cpu)
{
	tlbr_cpuset_set(&m->ever, (unsigned int)cpu);
	m->last_end[cpu] = r->seq;
	for (int pol = 0; pol < r->npol; pol++)
		m->empty[pol].bits[cpu / 64] &= ~(1ULL << (cpu % 64));
}

/*
 * @cpu loads @mm: it leaves the previous mm's active set, catches up on the
 * flushes deferred for it, and flushes everything after an ASID rollover.
 * O(policies x components), plus O(TLB entries) after a rollover.
 */
static void load_mm(struct replay *r, int cpu, uint32_t mm)
{
	struct rcpu *c = &r->cpu[cpu];
	struct rmm *m;
	int pol;

	if (mm && !c->known) {
		/*
		 * until now the CPU may have run any address space older than
		 * the trace (it started mid-way): they may keep entries there
		 */
		for (uint32_t o = 1; o < r->nmms; o++) {
			struct rmm *om = &r->mms[o];

			if (!om->last_end || om->born || o == mm)
				continue;
			may_hold_now(r, om, cpu);
		}
		c->known = true;
	}
	if (c->mm == mm)
		return;
	m = tlbr_mm_get(r, c->mm);
	if (m) {
		m->active.bits[cpu / 64] &= ~(1ULL << (cpu % 64));
		m->last_end[cpu] = r->seq;
	}
	c->mm = mm;
	/* after an ASID rollover a CPU flushes everything at its next switch_mm */
	if (mm && tlbr_cpuset_test(&r->asid_flush, (unsigned int)cpu)) {
		r->asid_flush.bits[cpu / 64] &= ~(1ULL << (cpu % 64));
		for (pol = 0; pol < r->npol; pol++) {
			tlbr_tlb_flush_all(r, &r->pol[pol], cpu);
			r->pol[pol].res->ops[TLBR_OP_TLBI_LOCAL]++;
			r->pol[pol].res->ops[TLBR_OP_DSB_NSH]++;
		}
	}
	m = tlbr_mm_get(r, mm);
	if (m) {
		tlbr_cpuset_set(&m->active, (unsigned int)cpu);
		tlbr_cpuset_set(&m->ever, (unsigned int)cpu);
		for (pol = 0; pol < r->npol; pol++)	/* it may hold anything again */
			m->empty[pol].bits[cpu / 64] &= ~(1ULL << (cpu % 64));
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

/* @task (in @mm, 0 for a kernel thread) runs on @cpu from now on. O(load_mm). */
void tlbr_run_on(struct replay *r, int cpu, uint32_t task, uint32_t mm)
{
	struct rcpu *c = &r->cpu[cpu];

	c->task = task;
	if (mm) {
		struct rmm *m;

		load_mm(r, cpu, mm);
		c->user = true;
		m = tlbr_mm_get(r, mm);
		if (m && m->nswait)	/* the stale entries left there may be used now */
			tlbr_stale_settle(r, m, cpu, false);
	} else {
		c->user = false;	/* lazy: the previous mm stays loaded */
	}
	for (int pol = 0; pol < r->npol; pol++)
		for (unsigned int k = 0; k < r->pol[pol].ncomp; k++)
			if (r->pol[pol].ops[k]->on_run)
				r->pol[pol].ops[k]->on_run(r, &r->pol[pol], cpu, mm);
}

/* The trace showed @task on a CPU: its mm's whereabouts are known again. O(1). */
void tlbr_seen_on_cpu(struct replay *r, uint32_t task)
{
	struct rtask *t = task < r->ntasks ? &r->tasks[task] : NULL;

	if (!t || !t->unseen)
		return;
	t->unseen = false;
	if (t->mm && t->mm < r->nmms && r->mms[t->mm].unseen_threads) {
		struct rmm *m = &r->mms[t->mm];

		/*
		 * while unseen it may have loaded the mm on any CPU: those
		 * may hold its entries still (the holders asked every CPU
		 * while mm_anywhere(); they go on asking them)
		 */
		m->unseen_threads--;
		for (int c = 0; c < r->ncpus; c++)
			tlbr_cpuset_set(&m->ever, (unsigned int)c);
	}
}

/*
 * The trace lost sight of @task: a switch on its CPU shows another task
 * going away there, and never @task leaving (a pid-filtered recording, or
 * a switch the kernel did not trace). Until the trace shows it again it
 * may run its mm on any CPU, as a thread created and never shown may. O(1).
 */
void tlbr_hidden_task(struct replay *r, uint32_t task)
{
	struct rtask *t = task < r->ntasks ? &r->tasks[task] : NULL;
	struct rmm *m;

	if (!t || t->unseen || !t->mm || !(m = tlbr_mm_get(r, t->mm)))
		return;
	t->unseen = true;
	m->unseen_threads++;
	memset(m->empty, 0, (size_t)r->npol * sizeof(*m->empty));
	r->res.tasks_lost_sight++;
}

/*
 * The traced x86 kernel flushed @mm on @cpu locally only (a "local mm
 * shootdown" that no "remote IPI send" preceded): flush_tlb_mm_range()
 * found no other CPU in mm_cpumask(mm) (cpumask_any_but(), 6.1
 * arch/x86/mm/tlb.c), and a CPU running the mm, or keeping it lazily
 * under a kernel thread, is in that mask (switch_mm_irqs_off() sets the
 * bit; only a switch to another mm or leave_mm() clears it). So a CPU the
 * trace has not shown loading a user mm yet did not have @mm loaded now,
 * nor since the trace began: loading or leaving it takes a switch the
 * trace would show, or leave_mm() after a shootdown IPI the trace would
 * show (a CPU an IPI reached is not taken), or events lost (none taken
 * after a lost-events record). Nor a CPU a switch has shown running a
 * kernel thread: kthread_use_mm() (io_uring, vhost) switches its lazy mm
 * away without a sched_switch. It holds only what it kept from before the
 * trace (tlbr_pte_present_before()). O(CPUs).
 */
void tlbr_x86_not_in_mask(struct replay *r, uint32_t mm, int cpu)
{
	struct rmm *m = tlbr_mm_get(r, mm);

	if (!m || m->born || r->lost_seen)
		return;
	for (int c = 0; c < r->ncpus; c++)
		if (c != cpu && !r->cpu[c].known && !r->cpu[c].ipi_to && !r->cpu[c].switched)
			tlbr_cpuset_set(&m->not_since_start, (unsigned int)c);
}

/*
 * The trace lost events on @cpu (-1: on a CPU it does not name): whatever
 * ran there during the gap is unknown, so any thread of any address space
 * may have loaded its mm there (a thread placed and not shown yet, one
 * switched out runnable, one the load balancer pulled: their
 * sched_switch and sched_migrate_task went with the gap) and may still
 * hold its entries: every address space counts as loaded there until the
 * gap's end (this record: tracefs and perf put the gap marker before the
 * CPU's first record after it, which shows the task running there then).
 * What it loaded before a later PTE change is then flushed as any CPU's
 * that ran the mm (tlb.c: last_end). O(mms x (CPUs + policies)).
 */
void tlbr_lost_gap(struct replay *r, int cpu)
{
	r->lost_seq = r->seq + 1;	/* a PTE changed until now may have changed again unseen (faults.c) */
	for (uint32_t mm = 1; mm < r->nmms; mm++) {
		struct rmm *m = &r->mms[mm];

		if (!m->last_end)
			continue;
		if (m->born && !m->unknown_from)	/* faults in the gap: pages the model has no record of */
			m->unknown_from = r->seq;
		for (int c = 0; c < r->ncpus; c++)
			if (cpu < 0 || c == cpu)
				may_hold_now(r, m, c);
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
/* O(mms x CPUs x policies) for the whole-mm flushes, plus the policies' hooks. */
void tlbr_asid_rollover(struct replay *r)
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
				tlbr_tlb_flush_mm(r, &r->pol[pol], mm, c);
		}
	}
	for (pol = 0; pol < r->npol; pol++)
		for (unsigned int k = 0; k < r->pol[pol].ncomp; k++)
			if (r->pol[pol].ops[k]->on_rollover)
				r->pol[pol].ops[k]->on_rollover(r, &r->pol[pol], kept, nkept);
}
