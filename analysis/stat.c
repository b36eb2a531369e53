// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stat.c - what is in a trace: counts per raw event, per normalised kind
 * and CPU, per flush site, per task and address space, lost-event gaps,
 * and whether the trace has what replay needs. Memory grows with event
 * types, tasks and address spaces, never with the number of events.
 */
#include <errno.h>
#include <string.h>

#include "analysis.h"

void tlbr_stat_init(struct tlbr_stat *s)
{
	memset(s, 0, sizeof(*s));
	s->max_cpu = -1;
	for (int c = 0; c < TLBR_MAX_CPUS; c++)
		s->chain_pid[c] = -1;
}

void tlbr_stat_release(struct tlbr_stat *s)
{
	free(s->type_count);
	free(s->task);
	free(s->mm);
	memset(s, 0, sizeof(*s));
}

/*
 * @arr with room for index @need (zero-filled), or NULL when out of memory.
 * Amortised O(1): the array doubles; the common case (room already) is the
 * inline test in grow() and costs no call.
 */
static void *grow_slow(void *arr, unsigned int *alloc, unsigned int need, size_t elem)
{
	unsigned int n = *alloc ? *alloc : 64;
	void *p;

	while (n <= need)
		n *= 2;
	p = realloc(arr, n * elem);
	if (!p)
		return NULL;
	memset((char *)p + *alloc * elem, 0, (n - *alloc) * elem);
	*alloc = n;
	return p;
}

static inline void *grow(void *arr, unsigned int *alloc, unsigned int need, size_t elem)
{
	return need < *alloc ? arr : grow_slow(arr, alloc, need, elem);
}

int tlbr_stat_record(struct tlbr_stat *s, const struct tlbr_record *rec)
{
	uint64_t *tc;

	if (rec->type == TLBR_TYPE_LOST)
		return 0;	/* counted from the normalised lost event */
	tc = grow(s->type_count, &s->ntypes, rec->type, sizeof(*tc));
	if (!tc)
		return -ENOMEM;
	s->type_count = tc;
	s->type_count[rec->type]++;
	if (!s->records)
		s->first_ns = rec->ts_ns;
	s->last_ns = rec->ts_ns;
	s->records++;
	if (rec->cpu >= 0 && rec->cpu < TLBR_MAX_CPUS) {
		s->cpu_records[rec->cpu]++;
		if (rec->cpu > s->max_cpu)
			s->max_cpu = rec->cpu;
	}
	return 0;
}

static struct tlbr_stat_counts *counts(struct tlbr_stat_counts **arr, unsigned int *alloc,
				       uint32_t id)
{
	struct tlbr_stat_counts *p;

	if (!id)
		return NULL;
	p = grow(*arr, alloc, id, sizeof(*p));
	if (!p)
		return NULL;
	*arr = p;
	return &p[id];
}

int tlbr_stat_event(struct tlbr_stat *s, const struct tlbr_event *ev)
{
	struct tlbr_stat_counts *t, *m;

	if (tlbr_flush_counted_none(ev))
		return 0;	/* the replay's evidence, no flush */
	t = counts(&s->task, &s->task_alloc, ev->task);
	m = counts(&s->mm, &s->mm_alloc, ev->mm);

	if ((ev->task && !t) || (ev->mm && !m))
		return -ENOMEM;
	s->events++;
	s->kind[ev->kind]++;
	if (ev->cpu >= 0 && ev->cpu < TLBR_MAX_CPUS)
		s->kind_cpu[ev->kind][ev->cpu]++;
	if (t)
		t->events++;
	if (m)
		m->events++;

	switch (ev->kind) {
	case TLBR_EV_FAULT:
		if (t)
			t->faults++;
		if (m)
			m->faults++;
		if (ev->fault.error_code & TLBR_PF_WRITE)
			s->fault_write++;
		if (ev->fault.error_code & TLBR_PF_PROT)
			s->fault_prot++;
		if (ev->fault.error_code & TLBR_PF_INSTR)
			s->fault_instr++;
		break;
	case TLBR_EV_FLUSH:
		if (ev->flush.x86_reason != TLBR_X86_NONE && ev->flush.x86_reason != TLBR_X86_OTHER)
			s->x86_reason[ev->flush.x86_reason]++;
		if (ev->flush.site == TLBR_SITE_SWITCH && ev->flush.pages == 0) {
			s->switch_noflush++;
			break;
		}
		if (t)
			t->flushes++;
		if (m)
			m->flushes++;
		s->site_exec[ev->flush.site][ev->flush.exec]++;
		if (ev->flush.flags & TLBR_FLUSH_SITE_INFERRED)
			s->site_inferred[ev->flush.site]++;
		if (ev->flush.flags & TLBR_FLUSH_RANGE_INFERRED)
			s->site_range_inferred[ev->flush.site]++;
		break;
	case TLBR_EV_HUGE:	/* (a fault's return, thp_fault_r, is the same fault) */
		if (ev->huge.kind < 4 && (!ev->huge.outcome || ev->huge.alloc))
			s->huge[ev->huge.kind]++;
		s->huge_alloc += ev->huge.alloc;
		break;
	case TLBR_EV_TLBI:
		if (ev->tlbi.function && (strstr(ev->tlbi.function, "huge") ||
					  strstr(ev->tlbi.function, "pmdp_")))
			s->tlbi_huge++;
		s->tlbi_ins[ev->tlbi.site][ev->tlbi.broadcast]++;
		if (!ev->tlbi.continues)
			s->tlbi_ops[ev->tlbi.site][ev->tlbi.broadcast]++;
		break;
	case TLBR_EV_FLUSH_IPI:
		s->ipis++;
		s->ipi_targets += tlbr_cpuset_count(&ev->ipi.targets);
		if (ev->ipi.inferred)
			s->ipis_inferred++;
		break;
	case TLBR_EV_FLUSH_REMOTE:
		s->remote_flushes++;
		s->x86_reason[ev->remote.wrong_cpu ? TLBR_X86_REMOTE_WRONG_CPU :
						   TLBR_X86_REMOTE_SHOOTDOWN]++;
		break;
	case TLBR_EV_SYSCALL:
		if (ev->sys.nr < TLBR_SYS__COUNT)
			s->syscalls[ev->sys.nr]++;
		break;
	case TLBR_EV_SWITCH:
		if (ev->cpu < 0 || ev->cpu >= TLBR_MAX_CPUS || ev->sw.inferred)
			break;
		s->switches_traced++;
		if (s->chain_pid[ev->cpu] > 0 && ev->sw.prev_pid > 0 &&
		    ev->sw.prev_pid != s->chain_pid[ev->cpu]) {
			struct tlbr_stat_counts *lost = counts(&s->task, &s->task_alloc,
							       s->chain_task[ev->cpu]);

			s->switch_breaks++;
			if (lost && !lost->lost_sight) {
				lost->lost_sight = true;
				s->break_tasks++;
			}
		}
		if (!s->filtered && tlbr_switch_chain_filtered(s->switch_breaks, s->switches_traced,
							       s->break_tasks)) {
			s->filtered = true;
			s->filtered_ns = ev->ts_ns;
		}
		s->chain_pid[ev->cpu] = ev->sw.next_pid;
		s->chain_task[ev->cpu] = ev->sw.next_task;
		break;
	case TLBR_EV_LOST:
		for (int c = 0; c < TLBR_MAX_CPUS; c++)
			if (c == ev->cpu || ev->cpu < 0 || ev->cpu >= TLBR_MAX_CPUS)
				s->chain_pid[c] = -1;
		s->lost_markers++;
		if (ev->lost.count == UINT64_MAX)
			s->lost_unknown = true;
		else
			s->lost_events += ev->lost.count;
		if (s->ngaps < TLBR_STAT_MAX_GAPS) {
			s->gaps[s->ngaps].cpu = ev->cpu;
			s->gaps[s->ngaps].ts_ns = ev->ts_ns;
			s->gaps[s->ngaps].count = ev->lost.count;
			s->ngaps++;
		}
		break;
	default:
		break;
	}
	return 0;
}

_Static_assert(TLBR_RAW__COUNT <= 64, "tlbr_stat.declared is a 64-bit set");

void tlbr_stat_note_declared(struct tlbr_stat *s, const struct tlbr_reader *r)
{
	unsigned int i, n = tlbr_vocab_count();

	s->lost_not_carried = tlbr_reader_lost_unknown(r);
	for (i = 0; i < n; i++) {
		const struct tlbr_evdef *d = tlbr_vocab_get(i);

		if (d->system && tlbr_reader_declares(r, d->system, d->name))
			s->declared |= UINT64_C(1) << d->id;
	}
}

static bool declared(const struct tlbr_stat *s, enum tlbr_raw_id a, enum tlbr_raw_id b)
{
	return s->declared & ((UINT64_C(1) << a) | (UINT64_C(1) << b));
}

/* The vocabulary's need of an event (formats/vocab.c): the plan records by the same. */
static enum tlbr_need need_of(const char *system, const char *event)
{
	int need = tlbr_vocab_need_of(system, event);

	return need < 0 ? TLBR_NEED_OPTIONAL : (enum tlbr_need)need;
}

unsigned int tlbr_stat_readiness(const struct tlbr_stat *s, struct tlbr_readiness *it,
				 const char **ret_verdict)
{
	uint64_t memsys = s->syscalls[TLBR_SYS_MPROTECT] + s->syscalls[TLBR_SYS_MUNMAP] +
			  s->syscalls[TLBR_SYS_MADVISE] + s->syscalls[TLBR_SYS_MMAP];
	uint64_t flushes = s->kind[TLBR_EV_FLUSH] + s->kind[TLBR_EV_FLUSH_REMOTE];
	bool required_missing = false, recommended_missing = false, a64 = false;
	unsigned int n = 0, i;

	/* arm64 traces (the kprobe vocabulary) flush by TLBI broadcast: no IPIs to see */
	for (i = 0; i < TLBR_SITE__COUNT; i++)
		a64 |= s->site_exec[i][TLBR_EXEC_BROADCAST] > 0;

/* present: it occurred, or the file says the event was enabled (a recorded zero) */
#define ITEM_D(in, evs, nd, occ, decl, wo) \
	it[n++] = (struct tlbr_readiness){ in, evs, nd, (occ) || (decl), occ, wo }
#define ITEM(in, evs, nd, occ, wo) ITEM_D(in, evs, nd, occ, false, wo)
	ITEM_D("context switches", "sched:sched_switch", need_of("sched", "sched_switch"),
	     s->kind[TLBR_EV_SWITCH] > 0, declared(s, TLBR_RAW_SCHED_SWITCH, TLBR_RAW_SCHED_SWITCH),
	     "CPU residency unknown: which address space runs on which CPU, so no TLB model");
	ITEM_D("user page faults", a64 ? "tlbr:fault (handle_mm_fault)" : "exceptions:page_fault_user",
	     a64 ? need_of("tlbr", "fault") : need_of("exceptions", "page_fault_user"),
	     s->kind[TLBR_EV_FAULT] > 0,
	     declared(s, TLBR_RAW_PAGE_FAULT_USER, TLBR_RAW_A64_FAULT),
	     "page presence unknown: no translations to model, no spurious faults to check");
	ITEM_D("TLB flushes", a64 ? "tlbr:* flush probes (arm64)" : "tlb:tlb_flush",
	     a64 ? need_of("tlbr", "gather_flush") : need_of("tlb", "tlb_flush"), flushes > 0,
	     declared(s, TLBR_RAW_TLB_FLUSH, TLBR_RAW_A64_GATHER_FLUSH),
	     "no flushes to replay: every policy issues nothing");
	ITEM_D("memory syscalls", "syscalls:sys_{enter,exit}_{mmap,munmap,mprotect,madvise,...}",
	     need_of("syscalls", "sys_enter_mprotect"), memsys > 0,
	     declared(s, TLBR_RAW_SYS_ENTER, TLBR_RAW_SYS_EXIT),
	     "no VMAs or protection changes: flush sites stay 'unknown', safety checks miss "
	     "protection changes");
	ITEM_D("task creation", "task:task_newtask, sched:sched_process_fork",
	     need_of("task", "task_newtask"), s->kind[TLBR_EV_FORK] > 0,
	     declared(s, TLBR_RAW_TASK_NEWTASK, TLBR_RAW_PROCESS_FORK),
	     "threads and processes cannot be told apart: address-space sharing is guessed");
	ITEM_D("shootdown IPIs", "ipi:ipi_send_cpu, ipi:ipi_send_cpumask",
	     a64 ? TLBR_NEED_OPTIONAL : need_of("ipi", "ipi_send_cpu"),
	     s->kind[TLBR_EV_FLUSH_IPI] + s->kind[TLBR_EV_IPI_OTHER] > 0,
	     declared(s, TLBR_RAW_IPI_SEND_CPU, TLBR_RAW_IPI_SEND_CPUMASK),
	     a64 ? "none to see: arm64 flushes by TLBI broadcast" :
		   "the IPIs really sent are unknown: x86-ipi cannot be validated against the kernel");
	/*
	 * x86: how each shootdown reached its targets (formats/adapt-x86.c
	 * on_csd(): smp_call_function_many_cond()'s csd_queue_cpu,
	 * call_function_single_prep_ipi()'s sched_wake_idle_without_ipi)
	 */
	if (!a64)
		ITEM_D("shootdown deliveries",
		       "csd:csd_queue_cpu, sched:sched_wake_idle_without_ipi",
		       need_of("csd", "csd_queue_cpu"), s->kind[TLBR_EV_FLUSH_CSD] > 0,
		       declared(s, TLBR_RAW_CSD_QUEUE, TLBR_RAW_WAKE_IDLE_NO_IPI),
		       "a shootdown delivered without an IPI (to a CPU polling in idle, or "
		       "behind a CSD already queued there) is inferred from the target's "
		       "answer: the x86 self-check judges the IPIs alone");
	ITEM_D("address-space teardown", "mmap:exit_mmap", need_of("mmap", "exit_mmap"),
	     s->kind[TLBR_EV_MM_TEARDOWN] > 0, declared(s, TLBR_RAW_EXIT_MMAP, TLBR_RAW_EXIT_MMAP),
	     "address spaces are never seen to end: their entries stay modelled until exit");
	ITEM_D("task free", "sched:sched_process_free", need_of("sched", "sched_process_free"),
	     s->kind[TLBR_EV_TASK_FREE] > 0,
	     declared(s, TLBR_RAW_PROCESS_FREE, TLBR_RAW_PROCESS_FREE), "pid reuse is not detected");
	ITEM_D("page migration", "migrate:*", need_of("migrate", "mm_migrate_pages_start"),
	     s->kind[TLBR_EV_MIGRATION] > 0,
	     declared(s, TLBR_RAW_MIGRATE_PAGES_START, TLBR_RAW_MIGRATE_PAGES),
	     "migration flushes are attributed by context only");
	ITEM_D("kernel-mapping updates", "vmalloc:alloc_vmap_area", need_of("vmalloc", "alloc_vmap_area"),
	     s->kind[TLBR_EV_KMAP] > 0, declared(s, TLBR_RAW_VMAP_ALLOC, TLBR_RAW_VMAP_ALLOC), "lazy-mmu barrier savings cannot be estimated");
	/*
	 * x86 shows a transparent huge page as one fault; its allocation
	 * (order 9) says it was one (formats/adapt-x86.c). Without it the
	 * model knows that one page only, as before the event was recorded
	 */
	if (!a64 && !declared(s, TLBR_RAW_A64_THP, TLBR_RAW_A64_FAULT))
		ITEM_D("huge pages at fault (x86)", "kmem:mm_page_alloc (order 9)",
		       need_of("kmem", "mm_page_alloc"), s->huge_alloc > 0,
		       declared(s, TLBR_RAW_PAGE_ALLOC, TLBR_RAW_PAGE_ALLOC),
		       "a transparent huge page shows as one fault: the model knows that page "
		       "only, not the other 511 its huge PMD maps (their flushes are not "
		       "predicted)");
	/*
	 * A file that cannot carry lost events (perf's CTF conversion) does not
	 * show that none were lost: a gap may be anywhere, so every address
	 * space may have run on every CPU at any time. Replaying that says
	 * nothing a kernel developer can use, and the perf.data it was
	 * converted from does carry them: not ready, and --force replays it
	 * with every address space running on every CPU.
	 */
	if (s->lost_not_carried)
		ITEM("lost events known", "(the perf.data itself, not its CTF conversion)",
		     TLBR_NEED_REQUIRED, false,
		     "whether perf lost events, and where, is unknown (perf data convert --to-ctf "
		     "does not carry PERF_RECORD_LOST): replay the perf.data; with --force every "
		     "address space may run on every CPU throughout (nothing certainly avoidable, "
		     "every local-only policy unsafe)");
	else
		ITEM("no lost events", "(ring buffer large enough)", TLBR_NEED_RECOMMENDED,
		     s->lost_markers == 0,
		     "the model misses what happened in the gaps: counts are lower bounds");
	ITEM("every task's events", "(no pid filter; set_event_pid, trace-cmd record -P, perf -p)",
	     TLBR_NEED_RECOMMENDED, !s->filtered,
	     "switches that do not chain show tasks the trace leaves out (a pid-filtered "
	     "recording): a task the trace lost sight of may run its address space on any CPU, "
	     "and once such switches are many (8, over 5% of the switches) every address space "
	     "may run on every CPU; the x86 self-check cannot be trusted");
#undef ITEM
#undef ITEM_D
	for (i = 0; i < n; i++) {
		if (it[i].present)
			continue;
		if (it[i].need == TLBR_NEED_REQUIRED)
			required_missing = true;
		else if (it[i].need == TLBR_NEED_RECOMMENDED)
			recommended_missing = true;
	}
	*ret_verdict = required_missing ? "not ready" : recommended_missing ? "partial" : "ready";
	return n;
}

void tlbr_ready_from(struct tlbr_ready *r, const struct tlbr_readiness *items, unsigned int n,
		     const char *verdict, bool force)
{
	memset(r, 0, sizeof(*r));
	r->verdict = verdict;
	r->forced = force && !strcmp(verdict, "not ready");
	for (unsigned int i = 0; i < n && r->nmissing < TLBR_READINESS_MAX; i++)
		if (!items[i].present && items[i].need != TLBR_NEED_OPTIONAL)
			r->missing[r->nmissing++] = items[i].input;
}

bool tlbr_ready_warn(const struct tlbr_ready *r)
{
	return r && r->verdict && strcmp(r->verdict, "ready");
}

const char *tlbr_ready_line(const struct tlbr_ready *r, char *buf, size_t n)
{
	size_t len;

	if (!r || !r->verdict) {
		snprintf(buf, n, "%s", "");
		return buf;
	}
	snprintf(buf, n, "%s%s", r->verdict, r->forced ? ", replayed with --force" : "");
	for (unsigned int i = 0; i < r->nmissing; i++) {
		len = strlen(buf);
		snprintf(buf + len, n - len, "%s%s", i ? ", " : ": missing ", r->missing[i]);
	}
	return buf;
}
