// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86-ipi - the x86 kernel's TLB shootdown, as Linux 6.14+ does it
 * (arch/x86/mm/tlb.c; the machines this project records on run 6.18), with
 * the kernel function behind each rule:
 *
 * mm_cpumask, per mm:
 *  - switch_mm_irqs_off(): a CPU's bit is set when it loads the mm and is
 *    NOT cleared when it switches away ("x86/mm/tlb: Update mm_cpumask
 *    lazily", 6.14); enter_lazy_tlb() only marks the CPU lazy, the mm stays
 *    loaded; an exiting thread's exit_mm() calls it before its switch.
 *  - flush_tlb_func(): a CPU that runs the flush for an mm it no longer has
 *    loaded clears its own bit (traced "remote wrong CPU", also on the
 *    issuing CPU); a lazy CPU that must flush switches to init_mm.
 *  - should_trim_cpumask(): at most once a second (HZ jiffies) per mm a
 *    flush also interrupts CPUs of the mask that run another mm, so that
 *    they clear their bits (time_after(jiffies, next_trim_cpumask), then
 *    jiffies + HZ); a new mm's first trim is a second after its creation
 *    (init_new_context()). For an mm older than the trace the clock is
 *    unknown: the model guesses it has run out, until the trace shows a
 *    trim. should_flush_tlb() also interrupts a CPU whose loaded_mm is
 *    LOADED_MM_SWITCHING (6.15+, fea4e317f9e7: from just before
 *    switch_mm_irqs_off() loads the next CR3 to just after it traces
 *    "flush on task switch"): such an IPI is no trim. The window is about
 *    a microsecond, finer than the trace between two CPUs: not predicted
 *    (on the corpus a window overlapping the sender's should_flush_tlb()
 *    calls got the IPI 75 times in 186); the self-check counts the misses
 *    to a CPU mid-switch (miss_mid_switch).
 * A flush of the mm (flush_tlb_mm_range()):
 *  - another CPU in mm_cpumask: flush_tlb_multi() ("remote IPI send");
 *    native_flush_tlb_multi() interrupts the CPUs of the mask that
 *    should_flush_tlb(): not lazy, and running the mm (or any, when
 *    trimming); when page tables are freed (freed_tables: fork's
 *    flush_tlb_mm() in dup_mmap, exit_mmap's and exec's teardown (its
 *    last flush only, tlb_finish_mmu()'s: unmap_vmas()'s batch flushes,
 *    tlb_flush_mmu() when tlb_next_batch() fails, come before
 *    free_pgtables(); the engine holds each teardown flush until its
 *    task's next record shows whether another follows:
 *    flushreq.teardown_more), a munmap
 *    or an mmap(MAP_FIXED) over a mapping that frees a page-table page in
 *    free_pgtables() (the new VMA keeps none; also only its last flush,
 *    held the same way: zap_pte_range()'s force_flush comes first), a
 *    brk() shrink over
 *    a PMD range with a PTE page (free_pgd_range()), or any unmapping
 *    gather whose traced flush pte_free_tlb() widened: tlbr_view_
 *    frees_tables()) it interrupts every CPU of the mask, lazy or running
 *    another mm (on_each_cpu_mask()). So does flush_tlb_range(), freed_tables
 *    true since 3ef938c35035 (6.15, stable 5.10+): mremap's moves.
 *    The issuing CPU runs flush_tlb_func() itself if it is in the mask.
 *  - only this CPU: a local flush if the mm is loaded here, else nothing.
 * A write fault that reuses the page flushes nothing (ptep_set_access_flags
 * on x86), nor does an mprotect that only adds access (pte_needs_flush()).
 * Kernel and batched flushes (arch_tlbbatch_flush(): no mm, the batch's
 * cpumask) are replayed as the kernel executed them.
 *
 * In a guest the remote half may be paravirtual: kvm_flush_tlb_multi()
 * skips vCPUs the host preempted (it sets KVM_VCPU_FLUSH_TLB for them), and
 * PVM (PVM_HC_FLUSH_TLB_MULTI) sends no IPI at all. The trace tells: the
 * kernel still traces "remote IPI send", but no IPI and no remote
 * shootdown follow. The self-check then compares the flush_tlb_multi()
 * decisions (the "calls"), which do not depend on how the remote half is
 * carried out, and says so.
 *
 * The model's evidence: the switches (and every event that shows a task on
 * a CPU); for an mm older than the trace the mask is unknown until its
 * first flush, which tells whether another CPU was in it (that flush is
 * the model's starting point: counted apart, not as a prediction). A later
 * "remote IPI send" of such an mm that the model did not predict shows a
 * thread the trace does not group with it (tasks older than the trace carry
 * no tgid in a trace.dat): counted as a miss, and from then on every CPU is
 * in the model's mask of that mm.
 *
 * Self-check (tlbr_replay_result.x86): every IPI the trace shows the
 * shootdown send is matched with the prediction of the same flush and the
 * same target; it counts as a shootdown IPI when the target answers with a
 * tlb_flush record (remote shootdown, wrong CPU, or the lazy CPU's switch
 * to init_mm), else as another IPI. Beside the point prediction, a range:
 * the targets the trace cannot tell the kernel interrupted or not are
 * uncertain (a trim whose clock is unknown or whose deadline's window
 * holds the call: trim_known(); a CPU mid-switch: struct pmid), the others
 * certain; deliveries are matched against the certain ones and counted
 * apart for the uncertain ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy.h"
#include "../replay.h"

/*
 * should_trim_cpumask(): jiffies + HZ, one second whatever HZ is (the
 * trace does not record CONFIG_HZ; Debian's is 250): the model compares
 * the trace's mono ns, so a trim within a jiffy (4 ms at HZ=250) of the
 * second may be predicted either way
 */
#define TRIM_NS 1000000000ULL
/*
 * The trim clock as the trace can know it (the self-check's range, not the
 * prediction): should_trim_cpumask() at a flush_tlb_multi() call at time F
 * sets next_trim_cpumask = jiffies + HZ, and time_after(jiffies, next)
 * holds from the tick HZ + 1 after the one F fell in: the deadline T is in
 * (F + 1 s, F + 1 s + one tick]. A call before T certainly does not trim,
 * the first call after T certainly does (if the trace shows every call of
 * the mm), one in between may. The trace does not record CONFIG_HZ: one
 * tick is taken as 10 ms, HZ=100's, the longest kernel/Kconfig.hz offers
 * (Debian's 250 ticks every 4 ms). CALL_SLACK_NS: should_trim_cpumask()
 * runs a few instructions before native_flush_tlb_multi() traces "remote
 * IPI send" (flush_tlb_mm_range()), taken as at most 10 us.
 */
#define TICK_NS 10000000ULL
#define CALL_SLACK_NS 10000ULL
#define FIFO 8
#define RING 4096	/* self-check counts kept to take out a span with lost events */

struct xmm {
	struct tlbr_cpuset mask;	/* mm_cpumask */
	uint64_t next_trim;		/* mm->context.next_trim_cpumask, in ts_ns */
	/*
	 * next_trim is the kernel's: set at the mm's birth in the trace
	 * (init_new_context(): jiffies + HZ) or at a trim the trace showed.
	 * Else it is the model's guess (an mm older than the trace: its clock
	 * has likely run out, so its first flush_tlb_multi() trims) which
	 * the trace's first trim IPI overrides.
	 */
	bool clock;
	bool born;			/* created in the trace: the mask started empty */
	bool restarted;			/* lost events restarted it: its next flush is not counted */
	bool flushed;			/* its first flush was seen */
	bool booted;			/* ... traced: the kernel showed its mask then */
	bool batched;			/* a batched unmap of its pages since (tlb_flush_batched) */
	/*
	 * The kernel's trim deadline as the trace bounds it (TICK_NS above):
	 * T in (tl_lo, tl_hi] where tl_known; tl_first: the first
	 * flush_tlb_multi() call after tl_lo (0: none yet), where the kernel
	 * may have trimmed already. Unknown for an mm older than the trace
	 * until the trace shows a trim.
	 */
	bool tl_known;
	uint64_t tl_lo, tl_hi, tl_first;
	uint64_t tl_maybe;		/* the last call that may have trimmed */
	/*
	 * the calls that may have trimmed, in groups of at most a second
	 * from the first (tl_group, 0: none; a trim is more than a second
	 * after the last): at most one of a group trimmed, so the range's
	 * high end adds the most targets one of them may have had
	 * (tl_group_max)
	 */
	uint64_t tl_group;
	unsigned int tl_group_max;
	/*
	 * the CPUs a trim of it may have reached since they last loaded it
	 * (counted in the range's high end): flush_tlb_func() on a CPU that
	 * runs another mm clears its bit (TLB_REMOTE_WRONG_CPU), and only
	 * switch_mm_irqs_off() into the mm sets it again, so a trim reaches
	 * a CPU at most once between two of its loads
	 */
	struct tlbr_cpuset tl_counted;
};

struct xstate {
	struct xmm *mms;
	uint32_t nmms;
	/*
	 * TLBR_X86_DEBUG set: each mismatch of the self-check on stderr
	 * (ipi-extra, ipi-extra-left, ipi-missed, mismatch), read once
	 */
	bool debug;
	/*
	 * per task (its identity in the trace): the address space the kernel
	 * showed it to use where the trace gave it another, 0 where none
	 * (task_rehome()); and the task the trace last showed on each CPU
	 */
	uint32_t *task_mm;
	uint32_t ntask_mm;
	uint32_t cur_task[TLBR_MAX_CPUS];
	uint32_t loaded[TLBR_MAX_CPUS];	/* cpu_tlbstate.loaded_mm; 0: init_mm */
	bool lazy[TLBR_MAX_CPUS];	/* cpu_tlbstate_shared.is_lazy */
	bool known[TLBR_MAX_CPUS];	/* the trace showed the CPU load a user mm */
	bool sw_event[TLBR_MAX_CPUS];	/* the CPU's event being replayed is a sched_switch */
	/*
	 * switch_mm_irqs_off() to another user mm in progress: the CPU traced
	 * its sched_switch but not yet the "flush on task switch" record that
	 * follows; in between loaded_mm is LOADED_MM_SWITCHING, which
	 * should_flush_tlb() answers with an IPI (6.15+): such an IPI is no
	 * trim
	 */
	bool switching[TLBR_MAX_CPUS];
	/*
	 * the last "flush on task switch" record that ended such a switch:
	 * the end of the CPU's last LOADED_MM_SWITCHING window
	 */
	uint64_t switched_ts[TLBR_MAX_CPUS];
	uint64_t send_ts[TLBR_MAX_CPUS];	/* the traced "remote IPI send" in progress */
	/* the shootdown in progress on each issuing CPU: its predicted targets */
	struct tlbr_cpuset pred[TLBR_MAX_CPUS];
	/* ... of them, those no CSD of flush_tlb_func was traced queued on yet */
	struct tlbr_cpuset dpred[TLBR_MAX_CPUS];
	/* the CPUs its CSD of flush_tlb_func was traced queued on (csd_queue_cpu) */
	struct tlbr_cpuset queued[TLBR_MAX_CPUS];
	/*
	 * ... of them, those predicted only for a trim the model guessed (the
	 * clock of an mm older than the trace), counted in the self-check
	 */
	struct tlbr_cpuset guess[TLBR_MAX_CPUS];
	/*
	 * the self-check's range of the shootdown in progress on each issuing
	 * CPU: its certain targets and its uncertain ones by why
	 * (TLBR_X86_UNC_*), not yet reached by an IPI or a poll (rng), or by
	 * a CSD queued (drng)
	 */
	struct rng {
		struct tlbr_cpuset lo, unc[TLBR_X86_UNC__COUNT];
	} rng[TLBR_MAX_CPUS], drng[TLBR_MAX_CPUS];
	/*
	 * A target of a shootdown that was in the middle of a switch when it
	 * was decided (its sched_switch traced, its "flush on task switch"
	 * not yet): whether it was is told by the CPU's next event, that
	 * record (then uncertain: LOADED_MM_SWITCHING) or another (then no
	 * switch_mm ran: two tasks of one mm the trace does not group, and
	 * the target is what the mm it runs makes it, @alt: 0 none, 1
	 * certain, 2 + why uncertain). Held per target CPU until then, by
	 * sender, mm and @alt: how many of its shootdowns (@n) and how many IPIs
	 * or polls (@n_ipi) and CSDs queued (@n_csd) reached it meanwhile;
	 * its last shootdown (@id: shoot_id) and whether they reached it.
	 */
	struct pmid {
		int from;
		uint8_t alt;
		uint32_t mm, id, n, n_ipi, n_csd;
		bool cur_ipi, cur_csd;
	} pmid[TLBR_MAX_CPUS][FIFO];
	uint8_t npmid[TLBR_MAX_CPUS];
	uint32_t shoot_id[TLBR_MAX_CPUS];	/* each issuing CPU's traced shootdowns */
	/*
	 * the trace shows switch_mm_irqs_off()'s "flush on task switch": a
	 * switch window is told by it (else no CPU counts as mid-switch)
	 */
	bool switch_traced;
	/*
	 * the mm of a wakee queued on the CPU's wake list (TLBR_EV_WAKE_LIST)
	 * that the CPU has not shown running yet (its next event tells), 0
	 * none: it may run that mm there at any time
	 */
	uint32_t wake_mm[TLBR_MAX_CPUS];
	/* per task: when it last entered a syscall, 0 unseen (a new mm's trim clock) */
	uint64_t *sys_ts;
	uint32_t nsys_ts;
	/*
	 * targets of each CPU's last traced flush that answered it with a
	 * remote flush although no IPI went to them (the CSD ran unannounced:
	 * call_function_single_prep_ipi() saw the target polling in idle), and
	 * whether that shootdown is still open (until the sender's next
	 * switch, fault or syscall: smp_call_function_many_cond() waits for
	 * every CSD it queued)
	 */
	struct tlbr_cpuset polled[TLBR_MAX_CPUS];
	bool shoot_open[TLBR_MAX_CPUS];
	/*
	 * a traced "remote IPI send" of an mm's flush that decide() has not
	 * seen yet (the engine holds an munmap's flush until its task's next
	 * record: flushreq.teardown_more; an IPI the trace shows is such a
	 * record), its mm, and the CPUs that ran it meanwhile without an IPI
	 * (polled): those that answered by leaving a lazy mm (early_lazy), or
	 * "remote wrong CPU"
	 */
	bool undecided[TLBR_MAX_CPUS];
	uint32_t undecided_mm[TLBR_MAX_CPUS];
	struct tlbr_cpuset early[TLBR_MAX_CPUS], early_lazy[TLBR_MAX_CPUS];
	bool op[TLBR_MAX_CPUS];
	/*
	 * this CPU traced a "remote IPI send" since its task's last syscall
	 * entry or return, fault or switch
	 */
	bool sent_in_op[TLBR_MAX_CPUS];
	/* the mm of the traced shootdown in progress: the IPIs the trace shows */
	uint32_t pend_mm[TLBR_MAX_CPUS];
	bool pend_freed[TLBR_MAX_CPUS];
	bool pend_batch[TLBR_MAX_CPUS];	/* replayed as traced: its IPIs are not predicted */
	/* IPIs sent to each CPU not yet answered: for which mm */
	struct fentry {
		uint32_t mm;
		int from;		/* the sending CPU */
		bool batch;		/* of a flush replayed as traced: not counted */
		bool excl;		/* of a flush taken out of the self-check */
		bool missed;		/* sent, not predicted: its answer tells why */
		/*
		 * missed, sent while the target was between its sched_switch
		 * and the "flush on task switch" it has not traced yet: a
		 * LOADED_MM_SWITCHING race if that record comes next
		 */
		bool mid_switch;
		/*
		 * missed, to a CPU the model had running another mm (not lazy,
		 * not switching), no tables freed, while the mm's trim clock
		 * was a guess: a trim the model's guess put elsewhere if the
		 * target answers "remote wrong CPU"
		 */
		bool trim_guess;
		/*
		 * not an IPI: the CSD reached a CPU polling in idle
		 * (sched_wake_idle_without_ipi); its answer is not an IPI's
		 */
		bool polled;
	} fifo[TLBR_MAX_CPUS][FIFO];
	uint8_t nfifo[TLBR_MAX_CPUS];
	bool checking;			/* this instance fills the self-check */
	uint64_t predicted;		/* IPIs predicted for the traced flushes */
	/*
	 * The self-check's recent counts, so that those of a span with lost
	 * events can be taken out when the tracer says so (after the gap)
	 */
	struct contrib {
		uint64_t ts;
		uint8_t site;
		uint8_t sent, matched, answered, predicted;
		uint8_t call_real, call_pred, call_match;
		uint8_t polled, polled_matched, polled_csd, queued, queued_matched;
		/*
		 * the range: certain and uncertain targets predicted (by why),
		 * and a delivery to a certain target (IPI or polled: r_m; CSD
		 * queued: q_m) or an uncertain one (r_u, q_u: 1 + why)
		 */
		uint8_t r_lo, r_unc[TLBR_X86_UNC__COUNT], r_m, r_u, q_m, q_u, r_targets;
	} ring[RING];
	unsigned int ring_head, ring_n;
	uint64_t last_ts[TLBR_MAX_CPUS];	/* the last event seen on each CPU */
	uint64_t excl_end;			/* the end of the last span taken out */
	bool pend_excl[TLBR_MAX_CPUS];	/* the shootdown in progress is taken out */
};

/*
 * loaded_mm of a CPU whose exec'ing task has switched to its new mm
 * (exec_mmap()), which the trace names only at sched_process_exec: no mm of
 * the model's
 */
#define MM_EXEC_NEW UINT32_MAX

static struct xmm *xmm_get(struct xstate *s, uint32_t mm)
{
	if (!mm || mm == MM_EXEC_NEW)
		return NULL;
	if (mm >= s->nmms) {
		uint32_t n = s->nmms ? s->nmms : 256;
		struct xmm *nm;

		while (n <= mm)
			n *= 2;
		nm = realloc(s->mms, n * sizeof(*nm));
		if (!nm)
			return NULL;
		memset(nm + s->nmms, 0, (n - s->nmms) * sizeof(*nm));
		s->mms = nm;
		s->nmms = n;
	}
	return &s->mms[mm];
}

/* The model's mm @mm if it has one, without allocating (held pointers stay valid). */
static struct xmm *xmm_find(struct xstate *s, uint32_t mm)
{
	return mm && mm < s->nmms ? &s->mms[mm] : NULL;
}

static void clear_cpu(struct tlbr_cpuset *s, int cpu)
{
	s->bits[cpu / 64] &= ~(1ULL << (cpu % 64));
}

/* switch_mm_irqs_off() / enter_lazy_tlb(): @cpu runs @mm (0: a kernel thread). */
static void on_run(struct replay *r, struct policy *pl, int cpu, uint32_t mm)
{
	struct xstate *s = tlbr_policy_state(pl, &tlbr_policy_x86_ipi);
	uint32_t task = tlbr_view_cpu_task(r, cpu);
	struct xmm *m;

	if (!mm) {
		if (s->loaded[cpu])
			s->lazy[cpu] = true;
		return;
	}
	/* a task the kernel showed to use another address space (task_rehome()) */
	if (task < s->ntask_mm && s->task_mm[task])
		mm = s->task_mm[task];
	if (s->sw_event[cpu] && s->loaded[cpu] != mm)
		s->switching[cpu] = true;
	s->sw_event[cpu] = false;
	s->lazy[cpu] = false;
	s->known[cpu] = true;
	s->loaded[cpu] = mm;
	m = xmm_get(s, mm);
	if (m) {
		tlbr_cpuset_set(&m->mask, (unsigned int)cpu);
		clear_cpu(&m->tl_counted, cpu);
	}
}

/*
 * A "remote shootdown" answer on @cpu to an IPI for @mm, where the model
 * has the CPU's task (the one the trace shows there) running another
 * address space, not lazily: flush_tlb_func() traces it only when
 * loaded_mm is the flush's mm, so the task uses @mm. Both address spaces
 * older than the trace: threads of one process that a trace.dat does not
 * group (it has no tgid for tasks older than the trace), the task given
 * its own. From now on the task runs @mm in the model (until it execs).
 * After lost events too: the record is the task's own (the CPU's current
 * task, interrupted by the IPI), and a user task runs its own mm
 * (context_switch() -> switch_mm_irqs_off(); only kernel threads borrow
 * one, kthread_use_mm()), whatever switches the gap hid; every address
 * space then counts as older than the trace (the model restarted them).
 * O(1) amortised.
 */
static void task_rehome(struct xstate *s, struct tlbr_x86_check *xc, const struct tlbr_event *ev,
			uint32_t mm)
{
	int cpu = ev->cpu;
	struct xmm *y = xmm_find(s, s->loaded[cpu]), *x = xmm_find(s, mm);

	if (!ev->task || ev->task != s->cur_task[cpu] || s->lazy[cpu] || !x || !y ||
	    x == y || x->born || y->born)
		return;
	if (ev->task >= s->ntask_mm) {
		uint32_t n = s->ntask_mm ? s->ntask_mm : 256, *nt;

		while (n <= ev->task)
			n *= 2;
		nt = realloc(s->task_mm, n * sizeof(*nt));
		if (!nt)
			return;
		memset(nt + s->ntask_mm, 0, (n - s->ntask_mm) * sizeof(*nt));
		s->task_mm = nt;
		s->ntask_mm = n;
	}
	s->task_mm[ev->task] = mm;
	s->loaded[cpu] = mm;
	tlbr_cpuset_set(&x->mask, (unsigned int)cpu);	/* switch_mm_irqs_off() set it */
	clear_cpu(&x->tl_counted, cpu);
	if (s->checking)
		xc->tasks_rehomed++;
}

/* Remember one count of the self-check at @ts, for lost_span(). O(1). */
static struct contrib *contrib(struct xstate *s, uint64_t ts)
{
	struct contrib *c = &s->ring[s->ring_head];

	s->ring_head = (s->ring_head + 1) % RING;
	if (s->ring_n < RING)
		s->ring_n++;
	memset(c, 0, sizeof(*c));
	c->ts = ts;
	return c;
}

/*
 * The tracer lost events between @from and @to (on one CPU: flushes, IPIs
 * and their answers the trace does not show): the self-check's counts of
 * that span are taken out, and counted as such. O(RING).
 */
static void lost_span(struct xstate *s, struct tlbr_x86_check *xc, uint64_t from, uint64_t to)
{
	unsigned int i, k;

	if (to > from)
		xc->lost_excl_ns += to - (s->excl_end > from ? (s->excl_end < to ? s->excl_end : to) :
					  from);
	if (to > s->excl_end)
		s->excl_end = to;
	for (i = 0; i < s->ring_n; i++) {
		struct contrib *c = &s->ring[(s->ring_head + RING - 1 - i) % RING];

		if (c->ts < from)
			break;
		k = c->site;
		xc->ipis_sent -= c->sent;
		xc->ipis_matched -= c->matched;
		xc->ipis_answered -= c->answered;
		s->predicted -= c->predicted;
		xc->calls_real -= c->call_real;
		xc->calls_predicted -= c->call_pred;
		xc->calls_matched -= c->call_match;
		xc->polled_sent -= c->polled;
		xc->polled_matched -= c->polled_matched;
		xc->polled_by_csd -= c->polled_csd;
		xc->csd_queued -= c->queued;
		xc->csd_matched -= c->queued_matched;
		xc->rng_certain -= c->r_lo;
		xc->rng_unc_targets -= c->r_targets;
		for (unsigned int u = 0; u < TLBR_X86_UNC__COUNT; u++)
			xc->rng_unc[u] -= c->r_unc[u];
		xc->rng_ipi_matched -= c->r_m;
		xc->rng_csd_matched -= c->q_m;
		if (c->r_u)
			xc->rng_ipi_unc[c->r_u - 1]--;
		if (c->q_u)
			xc->rng_csd_unc[c->q_u - 1]--;
		xc->calls_real_by_site[k] -= c->call_real;
		xc->calls_predicted_by_site[k] -= c->call_pred;
		xc->calls_matched_by_site[k] -= c->call_match;
		xc->lost_excl_sent += c->sent;
		xc->lost_excl_predicted += c->predicted;
		xc->lost_excl_matched += c->matched;
		xc->lost_excl_calls += c->call_real;
		memset(c, 0, sizeof(*c));
		c->ts = to;
	}
}

/*
 * The targets of @cpu's last traced flush that no IPI went to (predicted,
 * not sent) and that only a guessed trim had put there, or that ran the
 * flush without an IPI (polled): counted. O(words of a CPU set).
 */
static void settle_guess(struct xstate *s, struct tlbr_x86_check *xc, int cpu)
{
	struct tlbr_cpuset both;

	for (unsigned int i = 0; i < ARRAY_SIZE(both.bits); i++)
		both.bits[i] = s->guess[cpu].bits[i] & s->pred[cpu].bits[i];
	xc->unsent_trim_guess += tlbr_cpuset_count(&both);
	/* the polled targets, when not for a guessed trim (counted once) */
	for (unsigned int i = 0; i < ARRAY_SIZE(both.bits); i++)
		both.bits[i] = s->polled[cpu].bits[i] & s->pred[cpu].bits[i] & ~s->guess[cpu].bits[i];
	xc->unsent_polled += tlbr_cpuset_count(&both);
	memset(&s->guess[cpu], 0, sizeof(s->guess[cpu]));
	memset(&s->polled[cpu], 0, sizeof(s->polled[cpu]));
}

/* should_trim_cpumask()'s answer at a call of @m at @ts, as the trace bounds it */
enum trim_answer { TRIM_NO, TRIM_YES, TRIM_MAYBE_CLOCK, TRIM_MAYBE_WINDOW };

/*
 * A flush_tlb_multi() call of @m at @ts: did should_trim_cpumask() trim,
 * as far as the trace can know (TICK_NS above), and the clock after it.
 * Before the deadline's window, no; past it, yes if no call came in the
 * window and the trace shows every call of the mm (born in the trace);
 * else it may have (the window: the tick; an mm older than the trace
 * whose threads the trace may show apart; a call of an mm the trace does
 * not name). Past the window the kernel has trimmed by this call: the
 * next deadline is a second after the first call that may have trimmed,
 * at the earliest, and a second and a tick after this one, at the
 * latest. O(1).
 */
static enum trim_answer trim_known(struct xmm *m, uint64_t ts)
{
	enum trim_answer k;

	if (!m->tl_known) {
		m->tl_maybe = ts;
		return TRIM_MAYBE_CLOCK;
	}
	if (ts <= m->tl_lo)
		return TRIM_NO;
	m->tl_maybe = ts;
	if (ts <= m->tl_hi) {
		if (!m->tl_first)
			m->tl_first = ts;
		return TRIM_MAYBE_WINDOW;
	}
	k = m->born && !m->tl_first ? TRIM_YES : TRIM_MAYBE_WINDOW;
	/*
	 * an mm older than the trace: a call of it the trace shows under
	 * another mm (threads not grouped) may have trimmed earlier in the
	 * window, unbounded below: unknown again
	 */
	if (!m->born)
		m->tl_known = false;
	m->tl_lo = (m->tl_first ? m->tl_first : ts) + TRIM_NS - CALL_SLACK_NS;
	m->tl_hi = ts + TRIM_NS + TICK_NS;
	m->tl_first = 0;
	return k;
}

/* The trace shows @m trimmed at the call at @ts: its deadline follows. O(1). */
static void trim_seen(struct xmm *m, uint64_t ts)
{
	m->tl_known = true;
	m->tl_lo = ts + TRIM_NS - CALL_SLACK_NS;
	m->tl_hi = ts + TRIM_NS + TICK_NS;
	m->tl_first = 0;
}

/*
 * A delivery to @c of the shootdown whose range is @g: to a certain
 * target (*m = 1) or an uncertain one (*u = 1 + why), taken out of the
 * range. O(words of a CPU set).
 */
static void rng_deliver(struct rng *g, int c, uint8_t *m, uint8_t *u)
{
	if (tlbr_cpuset_test(&g->lo, (unsigned int)c)) {
		clear_cpu(&g->lo, c);
		*m = 1;
		return;
	}
	for (unsigned int k = 0; k < TLBR_X86_UNC__COUNT; k++)
		if (tlbr_cpuset_test(&g->unc[k], (unsigned int)c)) {
			clear_cpu(&g->unc[k], c);
			*u = (uint8_t)(k + 1);
			return;
		}
}

/*
 * The CPU @c's held targets (struct pmid) are told: @ends, it was in the
 * middle of a switch (its "flush on task switch" came next), uncertain;
 * else what the mm it runs makes them. Counted now, at @ts; a shootdown
 * still open takes the class into its range for the deliveries to come.
 * O(FIFO).
 */
static void mid_settle(struct xstate *s, struct tlbr_x86_check *xc, int c, bool ends, uint64_t ts)
{
	if (c < 0 || c >= TLBR_MAX_CPUS)
		return;
	for (unsigned int i = 0; i < s->npmid[c]; i++) {
		const struct pmid *e = &s->pmid[c][i];
		unsigned int k = ends ? 2 + TLBR_X86_UNC_SWITCH : e->alt;
		uint32_t n = e->n, ni = e->n_ipi, nc = e->n_csd;

		if (!k)
			continue;
		/*
		 * a trim reaches the CPU once between its loads of the mm (struct
		 * xmm, tl_counted): no load since it was held
		 */
		if (k == 2 + TLBR_X86_UNC_CLOCK || k == 2 + TLBR_X86_UNC_WINDOW) {
			struct xmm *m = xmm_find(s, e->mm);

			if (m && tlbr_cpuset_test(&m->tl_counted, (unsigned int)c))
				n = 0;
			else
				n = 1;
			if (m)
				tlbr_cpuset_set(&m->tl_counted, (unsigned int)c);
		}
		while (n || ni || nc) {	/* in counts a contrib holds */
			uint8_t a = (uint8_t)(n < 255 ? n : 255), b = (uint8_t)(ni < 255 ? ni : 255);
			uint8_t d = (uint8_t)(nc < 255 ? nc : 255);
			struct contrib *cb = contrib(s, ts);

			n -= a;
			ni -= b;
			nc -= d;
			if (k == 1) {
				cb->r_lo = a;
				xc->rng_certain += a;
				cb->r_m = b;
				xc->rng_ipi_matched += b;
				cb->q_m = d;
				xc->rng_csd_matched += d;
				continue;
			}
			cb->r_unc[k - 2] = a;
			cb->r_targets = a;
			xc->rng_unc[k - 2] += a;
			xc->rng_unc_targets += a;
			xc->rng_ipi_unc[k - 2] += b;
			xc->rng_csd_unc[k - 2] += d;
			/* one delivery a contrib: r_u / q_u say why */
			cb->r_u = b ? (uint8_t)(k - 1) : 0;
			cb->q_u = d ? (uint8_t)(k - 1) : 0;
			for (; b > 1; b--)
				contrib(s, ts)->r_u = (uint8_t)(k - 1);
			for (; d > 1; d--)
				contrib(s, ts)->q_u = (uint8_t)(k - 1);
		}
		if (s->shoot_id[e->from] == e->id) {
			struct tlbr_cpuset *ipi = k == 1 ? &s->rng[e->from].lo :
							   &s->rng[e->from].unc[k - 2];
			struct tlbr_cpuset *csd = k == 1 ? &s->drng[e->from].lo :
							   &s->drng[e->from].unc[k - 2];

			if (!e->cur_ipi)
				tlbr_cpuset_set(ipi, (unsigned int)c);
			if (!e->cur_csd)
				tlbr_cpuset_set(csd, (unsigned int)c);
		}
	}
	s->npmid[c] = 0;
}

/* Hold @c, mid-switch, as a target of @from's shootdown (struct pmid). O(FIFO). */
static void mid_hold(struct xstate *s, struct tlbr_x86_check *xc, int c, int from, uint32_t mm,
		     uint8_t alt, uint64_t ts)
{
	struct pmid *e;

	for (unsigned int i = 0; i < s->npmid[c]; i++) {
		e = &s->pmid[c][i];
		if (e->from == from && e->alt == alt && e->mm == mm) {
			e->n++;
			e->id = s->shoot_id[from];
			e->cur_ipi = e->cur_csd = false;
			return;
		}
	}
	if (s->npmid[c] == FIFO)	/* never told: uncertain */
		mid_settle(s, xc, c, true, ts);
	s->pmid[c][s->npmid[c]++] = (struct pmid){ from, alt, mm, s->shoot_id[from], 1, 0, 0,
						    false, false };
}

/*
 * A delivery from @from to @c while @c is held (struct pmid) for that
 * shootdown: noted, counted when @c is told. O(FIFO).
 */
static bool mid_deliver(struct xstate *s, int c, int from, bool csd)
{
	for (unsigned int i = 0; i < s->npmid[c]; i++) {
		struct pmid *e = &s->pmid[c][i];

		if (e->from != from || e->id != s->shoot_id[from] || (csd ? e->cur_csd : e->cur_ipi))
			continue;
		if (csd) {
			e->n_csd++;
			e->cur_csd = true;
		} else {
			e->n_ipi++;
			e->cur_ipi = true;
		}
		return true;
	}
	return false;
}

static bool x86_trace_flush(const struct flushreq *q)
{
	return q->ev && q->ev->kind == TLBR_EV_FLUSH &&
	       q->ev->flush.x86_reason != TLBR_X86_NONE && q->ev->ts_ns == q->ts_ns;
}

/*
 * Lazy CPU @c leaves the mm it kept for init_mm: flush_tlb_func() on a lazy
 * CPU, switch_mm_irqs_off(NULL, &init_mm). O(1).
 */
static void leave_lazy(struct xstate *s, int c)
{
	s->loaded[c] = 0;
	s->lazy[c] = false;
}

/*
 * What target @cpu's flush_tlb_func() for @mm (modelled by @m) did, the one
 * place the model takes a shootdown's answer, traced or inferred: @wrong,
 * the CPU ran another mm ("remote wrong CPU", TLB_REMOTE_WRONG_CPU), so it
 * cleared its bit of mm_cpumask; else a lazy CPU that kept @mm left it for
 * init_mm (switch_mm_irqs_off(NULL, &init_mm)); a CPU running @mm flushed,
 * which changes nothing here. O(1).
 */
static void answer_done(struct xstate *s, struct xmm *m, uint32_t mm, int cpu, bool wrong)
{
	if (wrong) {
		if (m)
			clear_cpu(&m->mask, cpu);
	} else if (s->lazy[cpu] && s->loaded[cpu] == mm) {
		leave_lazy(s, cpu);
	}
}

/*
 * The held flush @q of @m is decided: the targets that ran it before
 * (polled, no IPI: on_event()) are counted as such, and what their answers
 * did is done now: a lazy CPU left for init_mm, "remote wrong CPU" cleared
 * the CPU's bit. O(CPUs).
 */
static void early_answers(struct xstate *s, struct xmm *m, const struct flushreq *q,
			  const struct tlbr_cpuset *targets, int ncpus)
{
	int cpu = q->cpu;

	s->undecided[cpu] = false;
	for (int c = 0; c < ncpus && c < TLBR_MAX_CPUS; c++) {	/* (on_event sets the trace's) */
		if (!tlbr_cpuset_test(&s->early[cpu], (unsigned int)c))
			continue;
		if (tlbr_cpuset_test(targets, (unsigned int)c))
			tlbr_cpuset_set(&s->polled[cpu], (unsigned int)c);
		answer_done(s, m, q->mm, c, !tlbr_cpuset_test(&s->early_lazy[cpu], (unsigned int)c));
	}
	memset(&s->early[cpu], 0, sizeof(s->early[cpu]));
	memset(&s->early_lazy[cpu], 0, sizeof(s->early_lazy[cpu]));
}

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	struct xstate *s = tlbr_policy_state(pl, &tlbr_policy_x86_ipi);
	struct tlbr_x86_check *xc = tlbr_view_x86_check(r);
	struct tlbr_cpuset others, targets = { { 0 } }, guessed = { { 0 } }, unshown = { { 0 } };
	struct rng range;
	bool real_multi, multi, freed, trim = false, local_runs, traced;
	bool exec_teardown, boot, short_full;
	enum trim_answer ta = TRIM_NO;
	struct xmm *m;
	int c;

	/*
	 * no flush for a reuse; none when the PTEs were invalid before
	 * (pte_needs_flush); none where the trace shows x86 made none
	 */
	if (q->site == TLBR_SITE_WP_REUSE || q->from_invalid || q->arm64_only) {
		d->kind = D_NONE;
		return true;
	}
	traced = s->checking && x86_trace_flush(q);
	if (!q->mm || q->opaque) {	/* kernel and batched flushes: as the kernel did */
		d->kind = q->real == TLBR_EXEC_LOCAL ? D_LOCAL : D_BROADCAST;
		s->pend_mm[q->cpu] = 0;
		s->pend_batch[q->cpu] = false;
		s->pend_excl[q->cpu] = false;
		if (q->site == TLBR_SITE_RECLAIM && s->loaded[q->cpu] && !s->lazy[q->cpu] &&
		    (m = xmm_get(s, s->loaded[q->cpu])))
			m->batched = true;	/* the task's own reclaim: MADV_PAGEOUT */
		if (traced && q->real == TLBR_EXEC_IPI && s->loaded[q->cpu] && !s->lazy[q->cpu]) {
			/*
			 * arch_tlbbatch_flush() (no mm), or, in a
			 * madvise(MADV_PAGEOUT), maybe the task's own mm
			 * flush (the trace tells them apart only by the
			 * local half that follows): a target that answers
			 * "remote wrong CPU" proves the latter
			 * (flush_tlb_func() clears its bit in f->mm, which a
			 * batch flush does not have)
			 */
			s->pend_mm[q->cpu] = s->loaded[q->cpu];
			s->pend_batch[q->cpu] = true;
		}
		if (traced)
			xc->as_traced++;
		/*
		 * a "remote IPI send" not arch_tlbbatch_flush()'s (which asks
		 * no should_trim_cpumask()) is flush_tlb_mm_range()'s for an mm
		 * the trace does not name (a kernel thread's: khugepaged, ksmd):
		 * any mm whose deadline may have passed may have trimmed here
		 */
		if (traced && q->real == TLBR_EXEC_IPI && q->site != TLBR_SITE_RECLAIM)
			for (uint32_t i = 0; i < s->nmms; i++)
				if (s->mms[i].tl_known && q->ts_ns > s->mms[i].tl_lo &&
				    !s->mms[i].tl_first)
					s->mms[i].tl_first = q->ts_ns;
		return true;
	}
	m = xmm_get(s, q->mm);
	if (!m) {
		d->kind = D_BROADCAST;	/* out of memory: the safe side */
		return true;
	}
	real_multi = q->real == TLBR_EXEC_IPI;
	/*
	 * exec: exec_mmap() switched this CPU to the new mm before mmput()
	 * tore the old one down: the old mm is no longer loaded here
	 */
	exec_teardown = q->site == TLBR_SITE_EXIT && tlbr_view_syscall(r) == TLBR_SYS_EXECVE + 1;
	boot = !m->born && !m->flushed && traced;
	if (traced)	/* the first flush after lost events: a starting point, taken out */
		s->pend_excl[q->cpu] = boot && m->restarted;
	if (boot && m->restarted) {
		m->restarted = false;
		xc->lost_excl_calls += real_multi;
	}
	if (boot) {
		/*
		 * An mm older than the trace: its mask held CPUs the trace did
		 * not show. Its first flush tells whether another CPU was in it.
		 */
		if (real_multi)
			for (c = 0; c < tlbr_view_ncpus(r); c++)
				tlbr_cpuset_set(&m->mask, (unsigned int)c);
		else
			for (c = 0; c < tlbr_view_ncpus(r); c++)
				if (c != q->cpu)
					clear_cpu(&m->mask, c);
		xc->calls_bootstrap++;
		m->booted = true;
	}
	m->flushed = true;
	/*
	 * A PV guest's remote flush (the trace shows calls but never an IPI
	 * or a remote flush): the hypervisor flushes the other vCPUs
	 */

	others = m->mask;
	/*
	 * An mm older than the trace whose mask no traced x86 flush has shown
	 * (an arm64 trace, a text trace without tlb_flush, or before its first
	 * one): a CPU the trace has not shown loading a user mm may keep it
	 * lazily, so it may be in mm_cpumask (tlbr_view_may_load_older()), and
	 * until a switch shows what runs there it may run it, not lazy: the
	 * kernel would interrupt it (tlbr_view_may_run_older()). Not kept in
	 * the mask: the trace may show that CPU's own switches later.
	 */
	if (!m->born && !m->booted)
		for (c = 0; c < tlbr_view_ncpus(r); c++)
			if (c != q->cpu && tlbr_view_may_load_older(r, q->mm, c)) {
				tlbr_cpuset_set(&others, (unsigned int)c);
				if (tlbr_view_may_run_older(r, q->mm, c))
					tlbr_cpuset_set(&unshown, (unsigned int)c);
			}
	/*
	 * An mm created in the trace with a thread the trace does not show
	 * (a pid filter leaves it out: tlbr_view_running()'s mm_anywhere):
	 * where the kernel interrupted another CPU (real_multi), a CPU that
	 * may be running that thread now may be the one in mm_cpumask
	 * (switch_mm_irqs_off() set its bit unseen); the kernel would
	 * interrupt it. Not kept in the mask, as above.
	 */
	if (m->born && real_multi)
		for (c = 0; c < tlbr_view_ncpus(r); c++)
			if (c != q->cpu && !tlbr_cpuset_test(&others, (unsigned int)c) &&
			    s->loaded[c] != q->mm && tlbr_view_running(r, q->mm, c)) {
				tlbr_cpuset_set(&others, (unsigned int)c);
				tlbr_cpuset_set(&unshown, (unsigned int)c);
			}
	clear_cpu(&others, q->cpu);
	multi = tlbr_cpuset_count(&others) > 0;
	/*
	 * freed_tables: page tables go (free_pgtables(), fork's and exit's
	 * flush_tlb_mm()); or a short range's full flush (the trace shows
	 * it) is flush_tlb_mm() from flush_tlb_batched_pending(), which every
	 * PTE walker (zap_pte_range(), change_pte_range(), the madvise walks,
	 * move_ptes()) calls first when a batched reclaim unmapped pages of
	 * the mm since (set_tlb_ubc_flush_pending(): MADV_PAGEOUT, reclaim),
	 * or tlb_finish_mmu() with another thread's mmu_gather in flight
	 * (mm_tlb_flush_nested(): fullmm, freed_tables)
	 */
	short_full = tlbr_view_short_full_flush(r, q);
	freed = tlbr_view_frees_tables_seen(r, q) ||
		(short_full && m->batched) || tlbr_view_gather_nested(r, q);
	/*
	 * mremap's page-table moves flush with flush_tlb_range() (move_ptes(),
	 * move_normal_pmd()), which passes freed_tables = true since
	 * 3ef938c35035 ("x86/mm: Fix flush_tlb_range() when used for zapping
	 * normal PMDs": Linux 6.15, and the stable kernels from April 2025
	 * down to 5.10): native_flush_tlb_multi() interrupts every CPU of
	 * the mask (on_each_cpu_mask()), lazy or running another mm
	 */
	if (q->site == TLBR_SITE_MREMAP)
		freed = true;
	/*
	 * exit_mmap(): another teardown flush followed this one (the engine
	 * held it until its task's next record: policy.h, teardown_more), so
	 * this was unmap_vmas()'s, tlb_flush_mmu() when the mmu_gather's
	 * batches filled (tlb_next_batch()), before free_pgtables(): no page
	 * table freed (__tlb_reset_range() cleared freed_tables), the lazy
	 * and other-mm CPUs are skipped (should_flush_tlb()); only the last,
	 * tlb_finish_mmu()'s, frees them
	 */
	if (q->teardown_more)
		freed = false;
	if (short_full)
		m->batched = false;	/* flush_tlb_batched_pending() synced the batch */
	/*
	 * the self-check's trim clock follows the kernel's calls: those the
	 * trace shows ("remote IPI send"), else the model's
	 */
	if (s->checking && (traced ? real_multi : multi))
		ta = trim_known(m, q->ts_ns);
	if (multi) {
		/*
		 * should_trim_cpumask(), asked only on the flush_tlb_multi()
		 * path: time_after(jiffies, next_trim_cpumask), strictly
		 */
		if (m->clock ? q->ts_ns > m->next_trim : q->ts_ns >= m->next_trim) {
			trim = true;
			m->next_trim = q->ts_ns + TRIM_NS;
		}
		for (c = 0; c < tlbr_view_ncpus(r); c++) {
			if (c == q->cpu || !tlbr_cpuset_test(&others, (unsigned int)c))
				continue;
			/* should_flush_tlb(), or every CPU of the mask when tables go */
			if (freed || (!s->lazy[c] && (s->loaded[c] == q->mm || trim)) ||
			    tlbr_cpuset_test(&unshown, (unsigned int)c)) {
				tlbr_cpuset_set(&targets, (unsigned int)c);
				if (!freed && s->loaded[c] != q->mm && !m->clock)
					tlbr_cpuset_set(&guessed, (unsigned int)c);
			}
		}
		local_runs = tlbr_cpuset_test(&m->mask, (unsigned int)q->cpu) &&
			     (freed || (!s->lazy[q->cpu] && s->loaded[q->cpu] == q->mm) || trim);
	} else {
		local_runs = s->loaded[q->cpu] == q->mm && !exec_teardown;
	}
	/* flush_tlb_func() on every CPU that runs it */
	s->pend_mm[q->cpu] = traced ? q->mm : 0;
	s->send_ts[q->cpu] = q->ts_ns;
	s->pend_batch[q->cpu] = false;
	s->pend_freed[q->cpu] = freed;
	for (c = 0; c < tlbr_view_ncpus(r) && c < TLBR_MAX_CPUS; c++) {
		bool runs = c == q->cpu ? local_runs : tlbr_cpuset_test(&targets, (unsigned int)c);
		bool loaded = s->loaded[c] == q->mm && !(c == q->cpu && exec_teardown);

		if (!runs)
			continue;
		/*
		 * A remote CPU runs flush_tlb_func() only if the IPI is really
		 * sent: not in a PV guest, where the host flushes it. Its
		 * effect waits for the IPI the trace shows (on_event()).
		 */
		if (c != q->cpu)
			continue;
		answer_done(s, m, q->mm, c, !loaded);
	}
	if (exec_teardown)
		clear_cpu(&m->mask, q->cpu);

	/* the decision, for the engine's TLB model */
	d->targets = targets;
	for (c = 0; c < tlbr_view_ncpus(r); c++)
		if (c != q->cpu && !tlbr_cpuset_test(&targets, (unsigned int)c))
			tlbr_cpuset_set(&d->deferred, (unsigned int)c);
	if (tlbr_cpuset_count(&targets))
		d->kind = D_TARGETED;
	else if (local_runs || tlbr_view_running(r, q->mm, q->cpu))
		d->kind = D_LOCAL;
	else
		d->kind = D_NONE;

	/* the self-check: this flush against what the kernel did */
	if (traced) {
		settle_guess(s, xc, q->cpu);	/* the previous flush's */
		if (tlbr_cpuset_count(&s->pred[q->cpu]) && s->debug)
			fprintf(stderr, "x86 ipi-extra-left %llu.%09llu cpu %d targets %#llx\n",
				(unsigned long long)(q->ts_ns / 1000000000ULL),
				(unsigned long long)(q->ts_ns % 1000000000ULL), q->cpu,
				(unsigned long long)s->pred[q->cpu].bits[0]);
		s->pred[q->cpu] = targets;
		s->dpred[q->cpu] = targets;
		/*
		 * The range: the targets the kernel certainly interrupts, and
		 * those it may (by why): a CPU of the mask running another mm
		 * (not lazy), no tables freed, is interrupted only if
		 * should_trim_cpumask() trims (trim_known()); a CPU in the
		 * middle of a switch (switch_mm_irqs_off(): LOADED_MM_SWITCHING,
		 * which should_flush_tlb() answers with an IPI, between its
		 * sched_switch and its "flush on task switch") may or may not
		 * be, unless tables are freed and it is switching away (its
		 * bit was set before: on_each_cpu_mask() reaches it)
		 */
		memset(&range, 0, sizeof(range));
		s->shoot_id[q->cpu]++;
		for (c = 0; c < tlbr_view_ncpus(r); c++) {
			bool base, cand, mid;
			uint8_t alt = 0;

			if (c == q->cpu)
				continue;
			/*
			 * a wakee of the mm queued there, not run yet as far as
			 * the trace shows: switch_mm_irqs_off() may have set the
			 * CPU's bit and should_flush_tlb() found it running the mm
			 */
			if (s->wake_mm[c] == q->mm && !(!s->lazy[c] && s->loaded[c] == q->mm) &&
			    !(freed && tlbr_cpuset_test(&others, (unsigned int)c)) && s->checking &&
			    !s->pend_excl[q->cpu]) {
				tlbr_cpuset_set(&range.unc[TLBR_X86_UNC_WAKEE], (unsigned int)c);
				continue;
			}
			if (!tlbr_cpuset_test(&others, (unsigned int)c))
				continue;
			base = freed || (!s->lazy[c] && s->loaded[c] == q->mm) ||
			       tlbr_cpuset_test(&unshown, (unsigned int)c);
			cand = !base && !s->lazy[c];
			mid = s->switching[c] && s->switch_traced &&
			      !(freed && s->loaded[c] != q->mm);
			if (base || (cand && ta == TRIM_YES))
				alt = 1;
			else if (cand && ta == TRIM_MAYBE_CLOCK)
				alt = 2 + TLBR_X86_UNC_CLOCK;
			else if (cand && ta == TRIM_MAYBE_WINDOW)
				alt = 2 + TLBR_X86_UNC_WINDOW;
			if (mid && s->checking && !s->pend_excl[q->cpu]) {
				/* told by the CPU's next event (struct pmid) */
				mid_hold(s, xc, c, q->cpu, q->mm, alt, q->ts_ns);
			} else if (alt == 1) {
				tlbr_cpuset_set(&range.lo, (unsigned int)c);
			} else if (alt) {
				tlbr_cpuset_set(&range.unc[alt - 2], (unsigned int)c);
			}
			if (s->debug && cand && !mid &&
			    ((trim && ta == TRIM_NO) || (!trim && ta == TRIM_YES)))
				fprintf(stderr, "x86 trim-conflict %llu.%09llu cpu %d -> %d mm %u "
					"point %d range %d\n",
					(unsigned long long)(q->ts_ns / 1000000000ULL),
					(unsigned long long)(q->ts_ns % 1000000000ULL), q->cpu, c,
					q->mm, trim, ta);
		}
		if (s->debug && (tlbr_cpuset_count(&range.unc[0]) || tlbr_cpuset_count(&range.unc[1]) ||
				 tlbr_cpuset_count(&range.unc[2])))
			fprintf(stderr, "x86 range-unc %llu.%09llu cpu %d mm %u born %d known %d "
				"lo %.6f hi %.6f first %.6f ta %d unc %#llx/%#llx/%#llx\n",
				(unsigned long long)(q->ts_ns / 1000000000ULL),
				(unsigned long long)(q->ts_ns % 1000000000ULL), q->cpu, q->mm,
				m->born, m->tl_known, m->tl_lo / 1e9, m->tl_hi / 1e9,
				m->tl_first / 1e9, ta,
				(unsigned long long)range.unc[0].bits[0],
				(unsigned long long)range.unc[1].bits[0],
				(unsigned long long)range.unc[2].bits[0]);
		s->rng[q->cpu] = range;
		s->drng[q->cpu] = range;
		memset(&s->queued[q->cpu], 0, sizeof(s->queued[q->cpu]));
		if (s->checking && !s->pend_excl[q->cpu])
			s->guess[q->cpu] = guessed;
		s->op[q->cpu] = true;
		s->shoot_open[q->cpu] = s->checking && !s->pend_excl[q->cpu];
		if (s->pend_excl[q->cpu])
			xc->lost_excl_predicted += tlbr_cpuset_count(&targets);
		else
			s->predicted += tlbr_cpuset_count(&targets);
		if (s->checking && !s->pend_excl[q->cpu]) {
			struct contrib *cb = contrib(s, q->ts_ns);

			cb->predicted = (uint8_t)tlbr_cpuset_count(&targets);
			cb->r_lo = (uint8_t)tlbr_cpuset_count(&range.lo);
			xc->rng_certain += cb->r_lo;
			for (unsigned int u = 0; u < TLBR_X86_UNC__COUNT; u++) {
				unsigned int n = tlbr_cpuset_count(&range.unc[u]);

				cb->r_targets += (uint8_t)n;
				/*
				 * a trim: at most one of a group, and once a
				 * CPU between its loads (struct xmm)
				 */
				if (n && (u == TLBR_X86_UNC_CLOCK || u == TLBR_X86_UNC_WINDOW)) {
					struct tlbr_cpuset fresh;

					for (unsigned int w = 0; w < ARRAY_SIZE(fresh.bits); w++) {
						fresh.bits[w] = range.unc[u].bits[w] &
								~m->tl_counted.bits[w];
						m->tl_counted.bits[w] |= range.unc[u].bits[w];
					}
					n = tlbr_cpuset_count(&fresh);
					if (!m->tl_group || q->ts_ns > m->tl_group + TRIM_NS) {
						m->tl_group = q->ts_ns;
						m->tl_group_max = 0;
					}
					if (n > m->tl_group_max) {
						cb->r_unc[u] = (uint8_t)(n - m->tl_group_max);
						m->tl_group_max = n;
					}
				} else {
					cb->r_unc[u] = (uint8_t)n;
				}
				xc->rng_unc[u] += cb->r_unc[u];
			}
			xc->rng_unc_targets += cb->r_targets;
		}
		if (s->undecided[q->cpu])
			early_answers(s, m, q, &targets, tlbr_view_ncpus(r));
	}
	if (traced && !boot && real_multi != multi && s->debug)
		fprintf(stderr, "x86 mismatch %llu.%09llu cpu %d pid %d mm %u site %s real %d pred %d "
			"mask %#llx loaded %u/%u lazy %d/%d born %d freed %d\n",
			(unsigned long long)(q->ts_ns / 1000000000ULL),
			(unsigned long long)(q->ts_ns % 1000000000ULL), q->cpu, q->ev->pid, q->mm,
			tlbr_site_name(q->site), real_multi, multi,
			(unsigned long long)m->mask.bits[0], s->loaded[0], s->loaded[1], s->lazy[0],
			s->lazy[1], m->born, freed);
	if (traced && !boot && !m->born && real_multi && !multi) {
		/*
		 * The kernel's mask of an mm older than the trace held another
		 * CPU the model did not: a thread the trace shows under a task
		 * of its own (its grouping is not in the trace). A miss, and
		 * evidence: from now on that CPU is in the model's mask too.
		 */
		for (c = 0; c < tlbr_view_ncpus(r); c++)
			tlbr_cpuset_set(&m->mask, (unsigned int)c);
		xc->calls_learnt++;
	}
	if (traced && !boot && !real_multi && multi && !s->sent_in_op[q->cpu]) {
		/*
		 * flush_tlb_mm_range() calls flush_tlb_multi() ("remote IPI
		 * send") whenever cpumask_any_but(mm_cpumask(mm), cpu) finds
		 * another CPU; the trace shows this flush local only, so the
		 * kernel's mask held no other CPU: the model's CPUs that do
		 * not run the mm left it without a record the trace shows (an
		 * answer out of order, a lost one). They leave the model's mask
		 * too (counted). A CPU the model has running the mm stays (it
		 * may be switching in: switch_mm_irqs_off() sets its bit). Not
		 * after a "remote IPI send" in the same syscall or fault: a
		 * local record there may be that shootdown's local half, which
		 * an interrupt's records separated from it.
		 */
		for (c = 0; c < tlbr_view_ncpus(r); c++)
			if (c != q->cpu && s->loaded[c] != q->mm &&
			    tlbr_cpuset_test(&m->mask, (unsigned int)c)) {
				clear_cpu(&m->mask, c);
				if (s->checking)
					xc->mask_cleared++;
			}
	}
	if (traced && !boot) {	/* a starting point is not a prediction */
		struct contrib *cb = contrib(s, q->ts_ns);

		cb->site = (uint8_t)q->site;
		cb->call_real = real_multi;
		cb->call_pred = multi;
		cb->call_match = real_multi && multi;
		xc->calls_real += real_multi;
		xc->calls_predicted += multi;
		xc->calls_matched += real_multi && multi;
		xc->calls_real_by_site[q->site] += real_multi;
		xc->calls_predicted_by_site[q->site] += multi;
		xc->calls_matched_by_site[q->site] += real_multi && multi;
	}
	return true;
}

static void fifo_drop(struct xstate *s, int cpu, unsigned int i)
{
	memmove(s->fifo[cpu] + i, s->fifo[cpu] + i + 1,
		(s->nfifo[cpu] - i - 1) * sizeof(s->fifo[cpu][0]));
	s->nfifo[cpu]--;
}

/*
 * An IPI from @from to @cpu for @mm. The sender waits for every target
 * before its next shootdown (smp_call_function_many_cond(), wait=true, from
 * on_each_cpu_cond_mask()): an IPI of the same sender still waiting for its
 * answer was answered silently (flush_tlb_func() returns untraced when the
 * target's TLB is already at the mm's tlb_gen, or for kernel flushes on
 * init_mm): it is dropped, so that the answers that follow go to their IPI.
 */
/*
 * @cpu ran flush_tlb_func() for @e without a record in the trace: the
 * sender went on, so it had its answer (on_each_cpu_cond_mask() waits).
 * flush_tlb_func() traces "remote wrong CPU" and clears the CPU's mm_cpumask
 * bit when the CPU runs another mm, and switches a lazy CPU to init_mm:
 * the model does what the record would have said.
 */
static void answered_unseen(struct xstate *s, int cpu, const struct fentry *e)
{
	struct xmm *m = xmm_get(s, e->mm);

	if (e->batch || !m)
		return;
	answer_done(s, m, e->mm, cpu, s->loaded[cpu] != e->mm);
}

/*
 * The shootdown of @from is over: its IPIs no answer was seen for were
 * answered unseen. O(ncpus x FIFO): IPIs are queued only to the trace's
 * CPUs (fifo_push's callers loop below tlbr_view_ncpus()), so the CPUs
 * above have empty queues.
 */
static void sender_done(struct xstate *s, int from, int ncpus)
{
	for (int c = 0; c < ncpus && c < TLBR_MAX_CPUS; c++)
		for (unsigned int i = 0; i < s->nfifo[c]; i++)
			if (s->fifo[c][i].from == from) {
				answered_unseen(s, c, &s->fifo[c][i]);
				fifo_drop(s, c, i);
				break;
			}
}

static void fifo_push(struct xstate *s, int cpu, uint32_t mm, int from, bool batch, bool excl,
		      bool missed, bool mid_switch, bool trim_guess, bool polled)
{
	for (unsigned int i = 0; i < s->nfifo[cpu]; i++)
		if (s->fifo[cpu][i].from == from) {
			answered_unseen(s, cpu, &s->fifo[cpu][i]);
			fifo_drop(s, cpu, i);
			break;
		}
	if (s->nfifo[cpu] == FIFO)	/* never answered: the oldest was another IPI */
		fifo_drop(s, cpu, 0);
	s->fifo[cpu][s->nfifo[cpu]++] = (struct fentry){ mm, from, batch, excl, missed, mid_switch,
							 trim_guess, polled };
}

/*
 * A new mm @m, born at @ev (sched_process_fork, sched_process_exec):
 * init_new_context() set its deadline (jiffies + HZ) between the syscall's
 * entry (clone, execve: dup_mm(), bprm_mm_init()) and the event; where the
 * trace does not show the entry, any time before. O(1).
 */
static void trim_born(struct xstate *s, struct xmm *m, const struct tlbr_event *ev)
{
	uint64_t entry = ev->task && ev->task < s->nsys_ts ? s->sys_ts[ev->task] : 0;

	m->tl_known = true;
	m->tl_lo = entry && entry <= ev->ts_ns ? entry + TRIM_NS : 0;
	m->tl_hi = ev->ts_ns + TRIM_NS + TICK_NS;
	m->tl_first = 0;
}

/*
 * The shootdown of @from reached @c, a CPU running another mm (not lazy,
 * not switching) with no tables freed: should_flush_tlb() picked it for
 * the trim (should_trim_cpumask()), unless the trace's clock rules a trim
 * at that call out (then the model's view of @c was wrong). O(1).
 */
static void trim_observed(struct xstate *s, int from, int c)
{
	struct xmm *m = xmm_find(s, s->pend_mm[from]);

	if (!m || s->pend_freed[from] || s->lazy[c] || s->loaded[c] == s->pend_mm[from] ||
	    s->switching[c] ||
	    (m->tl_known && s->send_ts[from] <= m->tl_lo && s->send_ts[from] != m->tl_maybe))
		return;
	trim_seen(m, s->send_ts[from]);
}

/* What the kernel really did: IPIs sent, and the targets' answers. */
static void on_event(struct replay *r, struct policy *pl, const struct tlbr_event *ev)
{
	struct xstate *s = tlbr_policy_state(pl, &tlbr_policy_x86_ipi);
	struct tlbr_x86_check *xc = tlbr_view_x86_check(r);
	bool lazy_leaves, polled, no_ipi;
	int c;

	if (ev->cpu >= 0 && ev->cpu < TLBR_MAX_CPUS && ev->kind != TLBR_EV_LOST)
		s->last_ts[ev->cpu] = ev->ts_ns;
	if (ev->cpu >= 0 && ev->cpu < TLBR_MAX_CPUS) {	/* the task on_run() is about */
		if (ev->kind == TLBR_EV_SWITCH)
			s->cur_task[ev->cpu] = ev->sw.next_task;
		else if (ev->task && (ev->kind == TLBR_EV_FAULT || ev->kind == TLBR_EV_SYSCALL ||
				      ev->kind == TLBR_EV_SYSCALL_RET || ev->kind == TLBR_EV_FLUSH_IPI ||
				      ev->kind == TLBR_EV_FLUSH_CSD ||
				      (ev->kind == TLBR_EV_FLUSH && ev->flush.site != TLBR_SITE_SWITCH)))
			s->cur_task[ev->cpu] = ev->task;
	}
	if (ev->kind == TLBR_EV_EXEC && ev->task < s->ntask_mm)
		s->task_mm[ev->task] = 0;	/* exec_mmap(): a new address space */
	if (ev->kind == TLBR_EV_SYSCALL && ev->task && s->checking) {
		if (ev->task >= s->nsys_ts) {
			uint32_t n = s->nsys_ts ? s->nsys_ts : 256;
			uint64_t *nt;

			while (n <= ev->task)
				n *= 2;
			nt = realloc(s->sys_ts, n * sizeof(*nt));
			if (nt) {
				memset(nt + s->nsys_ts, 0, (n - s->nsys_ts) * sizeof(*nt));
				s->sys_ts = nt;
				s->nsys_ts = n;
			}
		}
		if (ev->task < s->nsys_ts)
			s->sys_ts[ev->task] = ev->ts_ns;
	}
	if (ev->cpu >= 0 && ev->cpu < TLBR_MAX_CPUS) {	/* on_run() follows for a switch */
		/*
		 * The event after a sched_switch to another mm: the "flush on
		 * task switch" record ends the LOADED_MM_SWITCHING window
		 * (switch_mm_irqs_off() traces it just before it writes
		 * loaded_mm = next); anything else shows no switch_mm (the
		 * tasks shared an mm the trace did not group them by)
		 */
		bool ends = s->switching[ev->cpu] && ev->kind == TLBR_EV_FLUSH &&
			    ev->flush.site == TLBR_SITE_SWITCH;

		if (ends)
			s->switched_ts[ev->cpu] = ev->ts_ns;
		if (ev->kind == TLBR_EV_FLUSH && ev->flush.site == TLBR_SITE_SWITCH)
			s->switch_traced = true;
		if (s->npmid[ev->cpu] && ev->kind != TLBR_EV_LOST)
			mid_settle(s, xc, ev->cpu, ends, ev->ts_ns);
		/* the CPU shows something: what runs there is the model's again */
		s->wake_mm[ev->cpu] = 0;
		/*
		 * exec_mmap() -> activate_mm() -> switch_mm_irqs_off(): the
		 * exec'ing task's CPU loads the new mm ("flush on task switch"
		 * in execve, no sched_switch before it) before
		 * sched_process_exec names it; from here it no longer runs the
		 * old mm (its bit stays in the old mask): a flush of the old mm
		 * (a vfork parent, woken by exec_mmap()'s mm_release(),
		 * unmapping the child's stack) skips it unless tables are freed
		 */
		if (ev->kind == TLBR_EV_FLUSH && ev->flush.site == TLBR_SITE_SWITCH && !ends &&
		    ev->task && ev->task == s->cur_task[ev->cpu] && s->loaded[ev->cpu] &&
		    !s->lazy[ev->cpu] &&
		    tlbr_view_task_syscall(r, ev->task) == TLBR_SYS_EXECVE + 1)
			s->loaded[ev->cpu] = MM_EXEC_NEW;
		for (unsigned int i = 0; i < s->nfifo[ev->cpu]; i++) {
			struct fentry *e = &s->fifo[ev->cpu][i];

			if (e->mid_switch && ends && s->checking)
				xc->miss_mid_switch++;
			e->mid_switch = false;
		}
		s->switching[ev->cpu] = false;
		s->sw_event[ev->cpu] = ev->kind == TLBR_EV_SWITCH;
		if (ev->kind == TLBR_EV_SWITCH || ev->kind == TLBR_EV_FAULT ||
		    ev->kind == TLBR_EV_SYSCALL || ev->kind == TLBR_EV_SYSCALL_RET)
			s->sent_in_op[ev->cpu] = false;
		if (ev->kind == TLBR_EV_FLUSH && ev->flush.exec == TLBR_EXEC_IPI)
			s->sent_in_op[ev->cpu] = true;
	}
	switch (ev->kind) {
	case TLBR_EV_LOST:
		/*
		 * The tracer dropped events on this CPU: switches, flushes,
		 * IPIs and their answers the model did not see. Every mm
		 * starts again as one older than the trace (its next flush
		 * sets the model's start, not counted), and no IPI waits for
		 * an answer.
		 */
		for (uint32_t i = 0; i < s->nmms; i++) {
			s->mms[i].born = s->mms[i].flushed = s->mms[i].clock = false;
			s->mms[i].tl_known = false;
			s->mms[i].tl_group = 0;
			memset(&s->mms[i].tl_counted, 0, sizeof(s->mms[i].tl_counted));
			s->mms[i].restarted = true;
		}
		memset(s->nfifo, 0, sizeof(s->nfifo));
		memset(s->npmid, 0, sizeof(s->npmid));
		memset(s->wake_mm, 0, sizeof(s->wake_mm));
		memset(s->pend_mm, 0, sizeof(s->pend_mm));
		memset(s->guess, 0, sizeof(s->guess));
		memset(s->polled, 0, sizeof(s->polled));
		memset(s->shoot_open, 0, sizeof(s->shoot_open));
		if (s->checking) {
			uint64_t from = UINT64_MAX;

			/* the gap is since the last event of that CPU (of any, when unknown) */
			for (c = 0; c < tlbr_view_ncpus(r) && c < TLBR_MAX_CPUS; c++)
				if ((c == ev->cpu || ev->cpu < 0) && s->last_ts[c] < from)
					from = s->last_ts[c];
			xc->lost_restarts++;
			lost_span(s, xc, from == UINT64_MAX ? ev->ts_ns : from, ev->ts_ns);
		}
		break;
	case TLBR_EV_WAKE_LIST:
		/*
		 * ttwu_queue_wakelist() queued the wakee on an idle CPU's wake
		 * list (ttwu_queue_cond(): the CPU is idle); when that CPU runs
		 * sched_ttwu_pending() (csd_function_entry) -> ttwu_do_activate(),
		 * it schedules the wakee, whose switch from idle
		 * (context_switch() -> switch_mm_irqs_off(): the CPU's bit in
		 * its mm_cpumask) the trace may lack. Where the csd names the
		 * wakee, the CPU may run its mm from the csd queued or entered
		 * until it shows something else (wake_mm: the range holds it
		 * uncertain for that mm). The prediction does not take it: the
		 * engine may decide a flush after a later record of that CPU
		 * (a held flush, policy.h), and the wakee runs only once the
		 * CPU has left idle (tens of us after an IPI)
		 */
		for (c = 0; ev->ipi.wakee_mm && c < tlbr_view_ncpus(r) && c < TLBR_MAX_CPUS; c++) {
			uint32_t mm = ev->ipi.wakee_mm;

			if (!tlbr_cpuset_test(&ev->ipi.targets, (unsigned int)c) ||
			    (s->loaded[c] && !s->lazy[c]))
				continue;
			if (ev->ipi.wakee < s->ntask_mm && s->task_mm[ev->ipi.wakee])
				mm = s->task_mm[ev->ipi.wakee];
			s->wake_mm[c] = mm;
		}
		break;
	case TLBR_EV_FORK:
		if (ev->fork.child_mm && !ev->fork.shares_mm) {
			struct xmm *m = xmm_get(s, ev->fork.child_mm);

			if (m && !m->born) {	/* mm_init_cpumask(): empty */
				memset(&m->mask, 0, sizeof(m->mask));
				m->born = m->clock = true;
				m->next_trim = ev->ts_ns + TRIM_NS;
				trim_born(s, m, ev);
			}
		}
		break;
	case TLBR_EV_EXIT:
		/*
		 * do_exit() -> exit_mm(): enter_lazy_tlb() before mmput(), so
		 * the CPU keeps the mm loaded, lazily, from now until its next
		 * switch (sched_process_exit is traced just before exit_mm()
		 * since 6.16, just after it before): should_flush_tlb() skips
		 * it, and exit_mmap()'s flushes find it lazy
		 */
		if (ev->cpu >= 0 && ev->cpu < TLBR_MAX_CPUS && ev->task &&
		    ev->task == s->cur_task[ev->cpu] && s->loaded[ev->cpu])
			s->lazy[ev->cpu] = true;
		break;
	case TLBR_EV_EXEC: {
		struct xmm *m = xmm_get(s, ev->exec.new_mm);

		if (m && !m->born) {
			memset(&m->mask, 0, sizeof(m->mask));
			m->born = m->clock = true;
			m->next_trim = ev->ts_ns + TRIM_NS;
			trim_born(s, m, ev);
		}
		break;
	}
	default:
		break;
	}
	/*
	 * Every CPU a shootdown IPI reaches runs flush_tlb_func() for the mm
	 * of the flush in progress on the sender: the trace says so, whatever
	 * the model predicted. An IPI to a CPU that runs another mm (not in
	 * the middle of a switch), when no page table is freed, is the
	 * kernel's trim: its clock restarts there; not while the kernel's
	 * clock, when known, has not run out (should_trim_cpumask() was
	 * false: the IPI had another cause the trace does not show, such as
	 * a target switching mm, or tables freed).
	 */
	/*
	 * A shootdown delivered without an IPI (sched_wake_idle_without_ipi
	 * in the sender's flush_tlb_multi(): call_function_single_prep_ipi()
	 * found the target polling in idle) reaches its target as an IPI does:
	 * the CSD runs flush_tlb_func() there. Counted apart from the IPIs
	 * (polled_sent); where the trace records the CSDs queued
	 * (csd_queue_cpu), only one the csd_queue_cpu of flush_tlb_func
	 * confirms (the adapter drops the others: another CSD's wakeup)
	 */
	no_ipi = ev->kind == TLBR_EV_FLUSH_CSD && !ev->ipi.queued &&
		 !(ev->ipi.inferred && xc->csd_recorded);
	if (ev->kind == TLBR_EV_FLUSH_CSD && s->checking) {
		if (ev->ipi.queued)
			xc->csd_recorded = true;
		else
			xc->polled_recorded = true;
	}
	/*
	 * The CSD of flush_tlb_func() queued on a target (csd_queue_cpu in
	 * smp_call_function_many_cond(), for every CPU should_flush_tlb()
	 * picked, or every CPU of the mask when tables are freed): the
	 * kernel's target, whether an IPI, a poll or a CSD already queued
	 * there (llist_add() not the first: no kick of its own) delivers it.
	 * Matched with the prediction apart from the IPIs (dpred).
	 */
	if (ev->kind == TLBR_EV_FLUSH_CSD && ev->ipi.queued && s->checking && s->pend_mm[ev->cpu] &&
	    !s->pend_batch[ev->cpu] && !s->pend_excl[ev->cpu])
		for (c = 0; c < tlbr_view_ncpus(r) && c < TLBR_MAX_CPUS; c++) {
			struct contrib *cb;

			if (!tlbr_cpuset_test(&ev->ipi.targets, (unsigned int)c))
				continue;
			cb = contrib(s, ev->ts_ns);
			cb->queued = 1;
			cb->queued_matched = tlbr_cpuset_test(&s->dpred[ev->cpu], (unsigned int)c);
			xc->csd_queued++;
			xc->csd_matched += cb->queued_matched;
			if (!mid_deliver(s, c, ev->cpu, true))
				rng_deliver(&s->drng[ev->cpu], c, &cb->q_m, &cb->q_u);
			xc->rng_csd_matched += cb->q_m;
			if (cb->q_u)
				xc->rng_csd_unc[cb->q_u - 1]++;
			trim_observed(s, ev->cpu, c);
			if (!cb->queued_matched && s->debug)
				fprintf(stderr, "x86 csd-missed %llu.%09llu cpu %d -> %d pid %d mm %u "
					"loaded %u lazy %d\n",
					(unsigned long long)(ev->ts_ns / 1000000000ULL),
					(unsigned long long)(ev->ts_ns % 1000000000ULL), ev->cpu, c,
					ev->pid, s->pend_mm[ev->cpu], s->loaded[c], s->lazy[c]);
			clear_cpu(&s->dpred[ev->cpu], c);
			tlbr_cpuset_set(&s->queued[ev->cpu], (unsigned int)c);
		}
	if ((ev->kind == TLBR_EV_FLUSH_IPI || no_ipi) && s->pend_mm[ev->cpu]) {
		struct xmm *m = xmm_get(s, s->pend_mm[ev->cpu]);
		bool missed, other, guess;

		for (c = 0; c < tlbr_view_ncpus(r) && c < TLBR_MAX_CPUS; c++) {
			if (!tlbr_cpuset_test(&ev->ipi.targets, (unsigned int)c))
				continue;
			if (s->pend_batch[ev->cpu]) {
				fifo_push(s, c, s->pend_mm[ev->cpu], ev->cpu, true, false, false, false,
					  false, no_ipi);
				continue;
			}
			/* no freed tables, a CPU running another mm: a trim, by the kernel's clock or a guess */
			other = m && !s->pend_freed[ev->cpu] && !s->lazy[c] &&
				s->loaded[c] != s->pend_mm[ev->cpu] && !s->switching[c];
			guess = other && !m->clock;
			if (other && (!m->clock || ev->ts_ns > m->next_trim)) {
				m->next_trim = ev->ts_ns + TRIM_NS;
				m->clock = true;
			}
			trim_observed(s, ev->cpu, c);
			/* flush_tlb_func() runs when the target takes the IPI: below */
			if (s->checking && !tlbr_cpuset_test(&s->pred[ev->cpu], (unsigned int)c) &&
			    s->debug)
				fprintf(stderr, "x86 %s %llu.%09llu cpu %d -> %d pid %d mm %u "
					"loaded %u lazy %d freed %d next_trim %.6f born %d\n",
					no_ipi ? "polled-missed" : "ipi-missed",
					(unsigned long long)(ev->ts_ns / 1000000000ULL),
					(unsigned long long)(ev->ts_ns % 1000000000ULL), ev->cpu, c,
					ev->pid, s->pend_mm[ev->cpu], s->loaded[c], s->lazy[c],
					s->pend_freed[ev->cpu], m ? m->next_trim / 1e9 : 0.0,
					m ? m->born : -1);
			if (no_ipi) {
				/* a delivery, not an IPI: none of the IPI counts below */
				if (s->checking && !s->pend_excl[ev->cpu]) {
					struct contrib *cb = contrib(s, ev->ts_ns);

					cb->polled = 1;
					cb->polled_matched = tlbr_cpuset_test(&s->pred[ev->cpu],
									      (unsigned int)c);
					cb->polled_csd = !ev->ipi.inferred;
					if (!mid_deliver(s, c, ev->cpu, false))
						rng_deliver(&s->rng[ev->cpu], c, &cb->r_m, &cb->r_u);
					xc->rng_ipi_matched += cb->r_m;
					if (cb->r_u)
						xc->rng_ipi_unc[cb->r_u - 1]++;
					xc->polled_sent++;
					xc->polled_matched += cb->polled_matched;
					xc->polled_by_csd += cb->polled_csd;
				}
				fifo_push(s, c, s->pend_mm[ev->cpu], ev->cpu, false,
					  s->pend_excl[ev->cpu], false, false, false, true);
				clear_cpu(&s->pred[ev->cpu], c);
				continue;
			}
			if (s->checking && s->pend_excl[ev->cpu]) {
				xc->lost_excl_sent++;
				xc->lost_excl_matched += tlbr_cpuset_test(&s->pred[ev->cpu],
									  (unsigned int)c);
			} else if (s->checking) {
				struct contrib *cb = contrib(s, ev->ts_ns);

				cb->sent = 1;
				cb->matched = tlbr_cpuset_test(&s->pred[ev->cpu], (unsigned int)c);
				if (!mid_deliver(s, c, ev->cpu, false))
					rng_deliver(&s->rng[ev->cpu], c, &cb->r_m, &cb->r_u);
				xc->rng_ipi_matched += cb->r_m;
				if (cb->r_u)
					xc->rng_ipi_unc[cb->r_u - 1]++;
				xc->ipis_sent++;
				xc->ipis_matched += cb->matched;
			}
			missed = s->checking && !s->pend_excl[ev->cpu] &&
				 !tlbr_cpuset_test(&s->pred[ev->cpu], (unsigned int)c);
			/*
			 * A miss to a CPU in the middle of a switch: its
			 * switch ended (the "flush on task switch" record)
			 * after the sender's "remote IPI send" record, when
			 * should_flush_tlb() may have read LOADED_MM_SWITCHING;
			 * or it has not ended yet (counted when that record
			 * comes next, above)
			 */
			if (missed && !s->switching[c] && s->switched_ts[c] &&
			    s->switched_ts[c] >= s->send_ts[ev->cpu]) {
				xc->miss_mid_switch++;
				guess = false;	/* counted once: mid-switch */
			}
			fifo_push(s, c, s->pend_mm[ev->cpu], ev->cpu, false, s->pend_excl[ev->cpu],
				  missed, missed && s->switching[c], missed && guess, false);
			clear_cpu(&s->pred[ev->cpu], c);
		}
	}
	/*
	 * A remote flush on a CPU no IPI is waiting on, or a lazy CPU's
	 * switch to init_mm (a "flush on task switch" no sched_switch
	 * brought: flush_tlb_func() on a lazy CPU), while a shootdown that
	 * predicted it and sent it none is open: flush_tlb_func() ran from
	 * the CSD that smp_call_function_many_cond() queued on every target,
	 * without an IPI: call_function_single_prep_ipi() sends none to a CPU
	 * polling in idle (set_nr_if_polling(), TIF_POLLING_NRFLAG). Still
	 * predicted and not sent; counted apart (settle_guess()); the model
	 * does what the answer says, as for an answered IPI.
	 */
	lazy_leaves = ev->kind == TLBR_EV_FLUSH && ev->flush.site == TLBR_SITE_SWITCH &&
		      ev->cpu >= 0 && ev->cpu < TLBR_MAX_CPUS && s->lazy[ev->cpu] &&
		      s->loaded[ev->cpu] && s->loaded[ev->cpu] != MM_EXEC_NEW;
	polled = false;
	if ((ev->kind == TLBR_EV_FLUSH_REMOTE || lazy_leaves) && s->checking && !s->nfifo[ev->cpu])
		for (c = 0; c < tlbr_view_ncpus(r) && c < TLBR_MAX_CPUS; c++) {
			if (c == ev->cpu || !s->shoot_open[c] ||
			    !tlbr_cpuset_test(&s->pred[c], (unsigned int)ev->cpu) ||
			    (lazy_leaves && s->pend_mm[c] != s->loaded[ev->cpu]))
				continue;
			/*
			 * inferred, unless the trace showed the CSD queued there
			 * (behind another: no IPI, no poll of its own), which
			 * the deliveries count
			 */
			if (!tlbr_cpuset_test(&s->queued[c], (unsigned int)ev->cpu))
				tlbr_cpuset_set(&s->polled[c], (unsigned int)ev->cpu);
			polled = true;
			if (lazy_leaves || ev->remote.wrong_cpu)	/* (lazy: it kept pend_mm) */
				answer_done(s, xmm_find(s, s->pend_mm[c]), s->pend_mm[c], ev->cpu,
					    !lazy_leaves);
			break;
		}
	/*
	 * ... or one the engine holds, not decided yet: what the answer did
	 * is applied once decide() has taken the sender's view of the target
	 */
	if ((ev->kind == TLBR_EV_FLUSH_REMOTE || lazy_leaves) && s->checking && !s->nfifo[ev->cpu] &&
	    !polled)
		for (c = 0; c < tlbr_view_ncpus(r) && c < TLBR_MAX_CPUS; c++) {
			if (c == ev->cpu || !s->undecided[c] ||
			    (lazy_leaves && s->undecided_mm[c] != s->loaded[ev->cpu]) ||
			    (!lazy_leaves && !ev->remote.wrong_cpu))
				continue;
			tlbr_cpuset_set(&s->early[c], (unsigned int)ev->cpu);
			if (lazy_leaves)
				tlbr_cpuset_set(&s->early_lazy[c], (unsigned int)ev->cpu);
			break;
		}
	if (ev->kind == TLBR_EV_FLUSH && ev->flush.exec == TLBR_EXEC_IPI && ev->mm && s->checking &&
	    ev->cpu >= 0 && ev->cpu < TLBR_MAX_CPUS) {
		s->undecided[ev->cpu] = true;		/* decide() clears it */
		s->undecided_mm[ev->cpu] = ev->mm;
		memset(&s->early[ev->cpu], 0, sizeof(s->early[ev->cpu]));
		memset(&s->early_lazy[ev->cpu], 0, sizeof(s->early_lazy[ev->cpu]));
	}
	/*
	 * the target's answer: flush_tlb_func() for that mm, as the trace
	 * shows it; a lazy CPU's is its switch to init_mm, also on a CPU the
	 * trace never showed loading a user mm (idle since before the trace,
	 * lazy in an mm older than it)
	 */
	if ((ev->kind == TLBR_EV_FLUSH_REMOTE ||
	     (ev->kind == TLBR_EV_FLUSH && ev->flush.site == TLBR_SITE_SWITCH &&
	      s->nfifo[ev->cpu] && ((s->lazy[ev->cpu] &&
				     s->loaded[ev->cpu] == s->fifo[ev->cpu][0].mm) ||
				    (!s->loaded[ev->cpu] && !s->known[ev->cpu])))) &&
	    s->nfifo[ev->cpu]) {
		struct fentry e = s->fifo[ev->cpu][0];

		fifo_drop(s, ev->cpu, 0);
		if (ev->kind == TLBR_EV_FLUSH_REMOTE && ev->remote.wrong_cpu) {
			answer_done(s, xmm_get(s, e.mm), e.mm, ev->cpu, true);
		} else if (ev->kind == TLBR_EV_FLUSH) {
			/* a lazy CPU left for init_mm (one never shown loading one: none to leave) */
			answer_done(s, NULL, e.mm, ev->cpu, false);
		} else if (!e.batch && !e.excl && s->loaded[ev->cpu] != e.mm) {
			task_rehome(s, xc, ev, e.mm);	/* "remote shootdown": it runs e.mm */
		}
		if (s->checking && !e.batch && !e.excl && !e.polled) {
			xc->ipis_answered++;
			contrib(s, ev->ts_ns)->answered = 1;
		}
		/*
		 * why the model missed it, as the answer tells: "remote wrong
		 * CPU", the target ran another mm (the kernel trimmed the mask,
		 * should_trim_cpumask(), when the model's clock did not); a
		 * flush, it ran this mm (a switch there the trace lacks)
		 */
		if (s->checking && e.missed) {
			if (ev->kind == TLBR_EV_FLUSH_REMOTE && ev->remote.wrong_cpu) {
				xc->miss_other_mm++;
				xc->miss_trim_guess += e.trim_guess;
			} else
				xc->miss_ran_mm++;
		}
	}
	if (!s->checking)
		return;
	xc->x86 = true;
	switch (ev->kind) {
	case TLBR_EV_IPI_OTHER:
		xc->ipis_other += tlbr_cpuset_count(&ev->ipi.targets);
		break;
	case TLBR_EV_FLUSH_REMOTE:
		xc->remote_flushes++;
		xc->remote_wrong_cpu += ev->remote.wrong_cpu;
		break;
	case TLBR_EV_FLUSH:
		if (ev->flush.site == TLBR_SITE_SWITCH)
			break;
		if (ev->flush.exec != TLBR_EXEC_IPI)
			s->op[ev->cpu] = false;
		if (ev->flush.exec == TLBR_EXEC_IPI)
			xc->calls_traced++;
		break;
	case TLBR_EV_SWITCH:
	case TLBR_EV_FAULT:
	case TLBR_EV_SYSCALL:
	case TLBR_EV_SYSCALL_RET:
		if (s->op[ev->cpu] && tlbr_cpuset_count(&s->pred[ev->cpu]) &&
		    s->debug)
			fprintf(stderr, "x86 ipi-extra %llu.%09llu cpu %d pid %d mm %u targets %#llx "
				"loaded %u/%u lazy %d/%d\n",
				(unsigned long long)(ev->ts_ns / 1000000000ULL),
				(unsigned long long)(ev->ts_ns % 1000000000ULL), ev->cpu, ev->pid,
				s->pend_mm[ev->cpu], (unsigned long long)s->pred[ev->cpu].bits[0],
				s->loaded[0], s->loaded[1], s->lazy[0], s->lazy[1]);
		if (s->op[ev->cpu])
			sender_done(s, ev->cpu, tlbr_view_ncpus(r));
		s->shoot_open[ev->cpu] = false;
		s->op[ev->cpu] = false;	/* the shootdown is over */
		break;
	default:
		break;
	}
}

static void finish(struct replay *r, struct policy *pl)
{
	struct xstate *s = tlbr_policy_state(pl, &tlbr_policy_x86_ipi);
	struct tlbr_x86_check *xc = tlbr_view_x86_check(r);

	if (!s->checking)
		return;
	/*
	 * guesses are made only on the trace's CPUs (a flush point's issuer):
	 * O(CPUs of the trace), not of TLBR_MAX_CPUS; a scoped run calls this
	 * at every change of scope
	 */
	for (int c = 0; c < tlbr_view_ncpus(r); c++)
		settle_guess(s, xc, c);
	/*
	 * a switch the trace has not told the end of yet: uncertain, for now
	 * (a scoped run calls this again later: held, not settled)
	 */
	xc->rng_pend_unc = xc->rng_pend_ipi = xc->rng_pend_csd = 0;
	for (int c = 0; c < tlbr_view_ncpus(r) && c < TLBR_MAX_CPUS; c++)
		for (unsigned int i = 0; i < s->npmid[c]; i++) {
			xc->rng_pend_unc += s->pmid[c][i].n;
			xc->rng_pend_ipi += s->pmid[c][i].n_ipi;
			xc->rng_pend_csd += s->pmid[c][i].n_csd;
		}
	xc->ipis_unanswered = xc->ipis_sent > xc->ipis_answered ? xc->ipis_sent - xc->ipis_answered : 0;
	/*
	 * sched_wake_idle_without_ipi declared beside a shootdown's
	 * csd_queue_cpu record (the plan enables both): none in a shootdown is
	 * a fact
	 */
	if (xc->polled_declared && xc->csd_recorded)
		xc->polled_recorded = true;
	/*
	 * INVLPGB (Linux 6.15+): consider_global_asid() gives an address
	 * space active on more than 3 CPUs (mm_active_cpus_exceeds(mm, 3)) a
	 * global ASID, after which flush_tlb_mm_range() flushes it by
	 * broadcast_tlb_flush(): no IPI, no tlb_flush record. Which address
	 * spaces had one the trace cannot tell: on 4 or more CPUs the IPIs
	 * predicted are those of a kernel without INVLPGB, not comparable
	 */
	xc->invlpgb_incomparable = xc->invlpgb && tlbr_view_ncpus(r) >= 4;
	/* remote flush calls traced, but neither an IPI nor a remote flush */
	xc->pv = xc->calls_real >= 3 && !xc->ipis_sent && !xc->remote_flushes;
	/* PV: the hypervisor flushes the other vCPUs: no IPI is predicted */
	xc->ipis_native = xc->pv ? s->predicted : 0;
	xc->ipis_predicted = xc->pv ? 0 : s->predicted;
}

static int init(struct replay *r, struct policy *pl)
{
	struct xstate *s = tlbr_policy_state(pl, &tlbr_policy_x86_ipi);

	/* the first x86-ipi of the run fills the self-check */
	s->checking = !tlbr_view_x86_check(r)->checked;
	tlbr_view_x86_check(r)->checked = true;
	s->debug = getenv("TLBR_X86_DEBUG") != NULL;
	return 0;
}

static void free_state(void *state)
{
	struct xstate *s = state;

	free(s->mms);
	free(s->task_mm);
	free(s->sys_ts);
}

const struct policy_ops tlbr_policy_x86_ipi = {
	.name = "x86-ipi",
	.summary = "x86: IPIs to the CPUs of the modelled mm_cpumask (Linux 6.14+ rules)",
	.state_size = sizeof(struct xstate),
	.decide = decide,
	.on_run = on_run,
	.on_event = on_event,
	.init = init,
	.finish = finish,
	.free_state = free_state,
	.x86 = true,
};
