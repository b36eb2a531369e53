// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * adapt.c - the generic vocabulary adapter: scheduler, task lifecycle,
 * memory syscalls, exit_mmap and migration tracepoints into normalised
 * events. Architecture-specific vocabularies (adapt-x86.c) are called from
 * here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlbr-markers.h"
#include "adapt-local.h"

#define CLONE_VM 0x00000100ULL
#define CLONE_THREAD 0x00010000ULL

struct tlbr_adapter *tlbr_adapter_new(void)
{
	struct tlbr_adapter *a = calloc(1, sizeof(struct tlbr_adapter));

	if (a)
		a->gathers_traced = -1;
	return a;
}

void tlbr_adapter_free(struct tlbr_adapter *a)
{
	if (!a)
		return;
	tlbr_adapt_tasks_release(a);
	free(a->census);
	free(a);
}

unsigned int tlbr_adapter_ntasks(const struct tlbr_adapter *a)
{
	return a->ntasks;
}

const struct tlbr_task *tlbr_adapter_task(const struct tlbr_adapter *a, uint32_t id)
{
	return tlbr_task_by_id(a, id);
}

unsigned int tlbr_adapter_nmms(const struct tlbr_adapter *a)
{
	return a->nmms;
}

const struct tlbr_mm *tlbr_adapter_mm(const struct tlbr_adapter *a, uint32_t id)
{
	return tlbr_mm_by_id(a, id);
}

/* arm64: whether the kernel runs with LPA2, as its user PTEs say (TLBR_LPA2_*) */
unsigned int tlbr_adapter_lpa2(const struct tlbr_adapter *a)
{
	return a->lpa2;
}

const char *tlbr_adapter_metadata(const struct tlbr_adapter *a)
{
	return a->metadata;
}

const char *tlbr_metadata_get(const char *metadata, const char *key, char *buf, size_t n)
{
	size_t klen = strlen(key);
	const char *p = metadata;

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			size_t len = strcspn(p + klen + 1, " ");

			snprintf(buf, n, "%.*s", (int)len, p + klen + 1);
			return buf;
		}
		p = strchr(p, ' ');
	}
	return NULL;
}

bool tlbr_metadata_lru_gen_off(const char *metadata)
{
	char v[16];

	return tlbr_metadata_get(metadata, "lru_gen", v, sizeof(v)) &&
	       (!strcmp(v, "none") || !(strtoul(v, NULL, 16) & 1));
}

bool tlbr_metadata_damon_on(const char *metadata)
{
	char v[8];

	return tlbr_metadata_get(metadata, "damon", v, sizeof(v)) && !strcmp(v, "on");
}

bool tlbr_adapter_kdamond_seen(const struct tlbr_adapter *a)
{
	return a->kdamond_seen;
}

/* damon= as record/recorder.c writes it */
static bool valid_on_off(const char *v, size_t n)
{
	return (n == 2 && !strncmp(v, "on", 2)) || (n == 3 && !strncmp(v, "off", 3));
}

/* access_flag= as record/recorder.c's access_flag() writes it */
static bool valid_access_flag(const char *v, size_t n)
{
	return (n == 8 && (!strncmp(v, "software", 8) || !strncmp(v, "hardware", 8))) ||
	       (n == 5 && !strncmp(v, "mixed", 5));
}

/* lru_gen= as record/recorder.c writes it: MGLRU's caps ("0x%04x"), or none */
static bool valid_lru_gen(const char *v, size_t n)
{
	if (n == 4 && !strncmp(v, "none", 4))
		return true;
	if (n != 6 || strncmp(v, "0x", 2))
		return false;
	for (size_t i = 2; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return false;
	return true;
}

/* invlpgb= as record/recorder.c writes it */
static bool valid_yes_no(const char *v, size_t n)
{
	return (n == 3 && !strncmp(v, "yes", 3)) || (n == 2 && !strncmp(v, "no", 2));
}

/* fault_around_bytes= as debugfs shows it: a power of two, a page to a page table */
static bool valid_fault_around(const char *v, size_t n)
{
	unsigned long long x = 0;
	size_t i;

	if (!n || n > 12)
		return false;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (unsigned long long)(v[i] - '0');
	}
	return x >= TLBR_PAGE_SIZE && x <= 512 * TLBR_PAGE_SIZE && !(x & (x - 1));
}

/*
 * Each @key= of the tlbreplay-meta marker @body (@len bytes) must be
 * @valid and agree with the trace's earlier value of it (the first one
 * wins in tlbr_metadata_get()), else an error at the marker. O(len).
 */
static int meta_check(struct tlbr_adapter *a, const struct tlbr_record *rec, const char *body,
		      size_t len, const char *key, bool (*valid)(const char *, size_t),
		      const char *expect, struct tlbr_error *err)
{
	char prev[32];
	const char *had = tlbr_metadata_get(a->metadata, key, prev, sizeof(prev));
	size_t klen = strlen(key), k;

	for (k = 0; k < len; k += strcspn(body + k, " ") + 1) {
		const char *v = body + k;
		size_t vlen;

		if (strncmp(v, key, klen) || v[klen] != '=')
			continue;
		v += klen + 1;
		vlen = strcspn(v, " \n");
		if (!valid(v, vlen) || (had && (strlen(had) != vlen || strncmp(had, v, vlen)))) {
			tlbr_error_set(err, rec->pos, rec->line,
				       "the tlbreplay-meta marker's %s is '%.*s'%s%s%s: %s, one value "
				       "per trace", key, (int)(vlen > 32 ? 32 : vlen), v,
				       had ? " (an earlier marker said '" : "", had ? had : "",
				       had ? "')" : "", expect);
			return -EBADMSG;
		}
		if (!had) {	/* the rest of the line must agree with it */
			snprintf(prev, sizeof(prev), "%.*s", (int)vlen, v);
			had = prev;
		}
	}
	return 0;
}

/*
 * Markers `tlbreplay record` writes into the trace (include/tlbr-markers.h):
 * "tlbreplay-meta v1 key=value..." about the machine, the arm64 TLBI census,
 * and "tlbreplay-maps PID START-END PERMS ..." lines of /proc/PID/maps for
 * the processes it attached to, which become VMA events.
 */
static int on_print(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_event *out,
		    struct tlbr_error *err)
{
	const char *s = rec->str[0], *body;
	unsigned long long start, end;
	char perms[8];
	struct tlbr_task *t;
	int pid;

	if (!s)
		return 0;
	body = tlbr_marker_body(s, TLBR_MARK_META);
	if (body) {
		size_t n = strlen(a->metadata), len = strcspn(body, "\n");
		char ps[24];

		/*
		 * access_flag (record/recorder.c's access_flag()): software,
		 * hardware or mixed; the replay follows the young bits only for
		 * "software". fault_around_bytes (debugfs, fault_around_bytes_set()
		 * keeps it a power of two from a page to a page table's 512): a
		 * smaller window models fewer pages fault-around may have mapped.
		 * lru_gen (MGLRU's caps, or none): a fault proves a PTE young
		 * only where MGLRU is off; damon (on or off): nor where DAMON is on.
		 * A misspelt or contradicted value would silently change the
		 * answer: refused, one value per trace.
		 */
		if (meta_check(a, rec, body, len, "access_flag", valid_access_flag,
			       "software, hardware or mixed", err) < 0 ||
		    meta_check(a, rec, body, len, "fault_around_bytes", valid_fault_around,
			       "a power of two from 4096 to 2097152 (mm/memory.c "
			       "fault_around_bytes_set())", err) < 0 ||
		    meta_check(a, rec, body, len, "lru_gen", valid_lru_gen,
			       "none, or MGLRU's caps as /sys/kernel/mm/lru_gen/enabled shows "
			       "them (0x0000 to 0xffff)", err) < 0 ||
		    meta_check(a, rec, body, len, "damon", valid_on_off, "on or off", err) < 0 ||
		    meta_check(a, rec, body, len, "invlpgb", valid_yes_no, "yes or no", err) < 0)
			return -EBADMSG;
		/*
		 * The recorder's markers hold a few hundred bytes; a trace whose
		 * markers run past the buffer would lose its later keys
		 * (page_size, kernel, access_flag) and answer by the defaults:
		 * refused rather than truncated.
		 */
		if (n + (n ? 1 : 0) + len >= sizeof(a->metadata)) {
			tlbr_error_set(err, rec->pos, rec->line,
				       "the tlbreplay-meta markers hold more than %zu bytes (this "
				       "one %zu): tlbreplay record writes a few hundred; the keys "
				       "past the limit would be lost", sizeof(a->metadata) - 1, len);
			return -EBADMSG;
		}
		snprintf(a->metadata + n, sizeof(a->metadata) - n, "%s%.*s", n ? " " : "",
			 (int)len, body);
		/*
		 * The stream counts pages of TLBR_PAGE_SIZE (tlbr-event.h): a
		 * machine with 16 or 64 KiB pages (arm64 CONFIG_ARM64_16K/64K_PAGES)
		 * would have every page misplaced. Refuse rather than answer.
		 */
		if (tlbr_metadata_get(a->metadata, "page_size", ps, sizeof(ps)) &&
		    strtoull(ps, NULL, 10) != TLBR_PAGE_SIZE) {
			tlbr_error_set(err, rec->pos, rec->line,
				       "recorded on a machine with %s-byte pages (the tlbreplay-meta "
				       "marker's page_size): tlbreplay models %llu-byte pages only, "
				       "and would misplace every page of this trace", ps,
				       (unsigned long long)TLBR_PAGE_SIZE);
			return -EBADMSG;
		}
		return 0;
	}
	body = tlbr_marker_body(s, TLBR_MARK_TLBI);
	if (body)
		return tlbr_adapt_census_line(a, body) < 0 ? -ENOMEM : 0;
	body = tlbr_marker_body(s, TLBR_MARK_MAPS);
	if (!body || sscanf(body, "%d %llx-%llx %7s", &pid, &start, &end, perms) != 4 ||
	    pid <= 0 || pid > PID_LIMIT || end <= start)
		return 0;
	t = tlbr_task_get(a, pid, NULL, rec->ts_ns);
	if (!t)
		return -ENOMEM;
	tlbr_adapt_ev_init(out, TLBR_EV_VMA, rec, t);
	out->vma.start = start;
	out->vma.end = end;
	out->vma.prot = (perms[0] == 'r' ? 1u : 0u) | (perms[1] == 'w' ? 2u : 0u) |
			(perms[2] == 'x' ? 4u : 0u);
	out->vma.shared = perms[3] == 's';
	out->vma.anon = !strchr(body, '/');
	return 1;
}

void tlbr_adapt_ev_init(struct tlbr_event *ev, enum tlbr_ev_kind kind,
			const struct tlbr_record *rec, const struct tlbr_task *t)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->ts_ns = rec->ts_ns;
	ev->cpu = rec->cpu;
	ev->pos = rec->pos;
	ev->pid = t ? t->pid : rec->pid;
	ev->tgid = t ? t->tgid : rec->pid;
	ev->task = t ? t->id : 0;
	ev->mm = t ? t->mm : 0;
}

static void touch_mm(struct tlbr_adapter *a, const struct tlbr_task *t, uint64_t ts)
{
	struct tlbr_mm *m = tlbr_mm_by_id(a, t->mm);

	if (m)
		m->last_ns = ts;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* sched_switch: also the best source of comms for tasks older than the trace. */
static int on_switch(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_event *out)
{
	struct tlbr_task *prev, *next;

	prev = tlbr_task_get(a, (int)rec->val[1], rec->str[0], rec->ts_ns);
	if (!prev)
		return -ENOMEM;
	next = tlbr_task_get(a, (int)rec->val[4], rec->str[3], rec->ts_ns);
	if (!next)
		return -ENOMEM;
	tlbr_adapt_ev_init(out, TLBR_EV_SWITCH, rec, prev);
	out->sw.prev_pid = prev->pid;
	out->sw.next_pid = next->pid;
	out->sw.prev_task = prev->id;
	out->sw.next_task = next->id;
	out->sw.prev_mm = prev->mm;
	out->sw.next_mm = next->mm;
	out->sw.prev_state = (int64_t)rec->val[2];
	/*
	 * DAMON's kdamond.N ran (mm/damon/core.c kdamond_fn): its access
	 * checks clear Access flags with no flush and no event
	 */
	out->sw.kdamond = (rec->str[0] && !strncmp(rec->str[0], "kdamond", 7)) ||
			  (rec->str[3] && !strncmp(rec->str[3], "kdamond", 7));
	if (out->sw.kdamond)
		a->kdamond_seen = true;
	a->cpu[rec->cpu].cur_task = next->id;
	/* switched out inside its tlb_finish_mmu, maybe: its gather may still count */
	if (prev->a64_tail_mm && !prev->a64_tail_out && tlbr_mm_by_id(a, prev->a64_tail_mm)) {
		prev->a64_tail_out = true;
		tlbr_mm_by_id(a, prev->a64_tail_mm)->gathers_tail++;
	}
	if (prev->pid == 0 && next->pid != 0)
		a->idle_switches = true;	/* this kernel traces them: none to infer */
	touch_mm(a, next, rec->ts_ns);
	return 1;
}

/*
 * Some kernels do not trace the switch away from the idle task (seen on
 * this project's x86 VMs: no "swapper/N ==> task" switch at all, while the
 * switches to idle are there). A task woken onto a CPU that runs the idle
 * task runs there next: the adapter emits that switch, marked inferred.
 * Not once the trace has shown a switch from idle: that kernel traces
 * them, and the real switch comes a little after the wakeup (a switch
 * inferred at the wakeup would put the mm on the CPU too early).
 */
/* @t moved to @to's runqueue (from @from, -1: a new task placed), not running. */
static void put_migrate(struct tlbr_adapter *a, struct tlbr_event *out, const struct tlbr_record *rec,
			struct tlbr_task *t, int from, int to)
{
	char arch[16];

	tlbr_adapt_ev_init(out, TLBR_EV_MIGRATE, rec, t);
	out->migrate.pid = t->pid;
	out->migrate.task = t->id;
	out->migrate.from_cpu = from;
	out->migrate.to_cpu = to;
	out->migrate.shows = rec->pid == t->pid ||
			     tlbr_metadata_get(a->metadata, "arch", arch, sizeof(arch));
}

/* An inferred switch on @cpu from its idle task @idle to @t. O(1). */
static void put_idle_switch(struct tlbr_adapter *a, const struct tlbr_record *rec,
			    struct tlbr_event *out, struct tlbr_task *idle, struct tlbr_task *t, int cpu)
{
	tlbr_adapt_ev_init(out, TLBR_EV_SWITCH, rec, idle);
	out->cpu = cpu;
	out->sw.prev_pid = 0;
	out->sw.next_pid = t->pid;
	out->sw.prev_task = idle->id;
	out->sw.next_task = t->id;
	out->sw.prev_mm = 0;
	out->sw.next_mm = t->mm;
	out->sw.inferred = true;
	a->cpu[cpu].cur_task = t->id;
}

/*
 * @t moved to @cpu, which runs the idle task, on a kernel that does not
 * trace switches from idle (the wake-up's case below): the idle CPU pulled
 * it to run it (newidle or idle balance: load_balance() ->
 * detach_task(), sched_migrate_task from set_task_cpu(), then __schedule()
 * switches idle to it, untraced there): it runs there next, an inferred
 * switch, as a wake-up onto an idle CPU. Without it the task was
 * "runnable, not running" while it ran the mm there. Returns the events
 * written (0 or 1).
 */
static int migrate_to_idle(struct tlbr_adapter *a, const struct tlbr_record *rec,
			   struct tlbr_task *t, int cpu, struct tlbr_event *out)
{
	struct tlbr_task *cur;

	if (a->idle_switches || cpu < 0 || cpu >= TLBR_MAX_CPUS || t->pid == 0)
		return 0;
	/* traced by @cpu's idle task (the pull), or @cpu last switched to idle */
	cur = rec->cpu == cpu && rec->pid == 0 ? tlbr_task_get(a, 0, rec->comm, rec->ts_ns) :
	      tlbr_task_by_id(a, a->cpu[cpu].cur_task);
	if (!cur || cur->pid != 0)
		return 0;
	put_idle_switch(a, rec, out, cur, t, cpu);
	return 1;
}

/* Wake-list csds (struct wake_csd): open addressing, a few probes. O(1). */
#define WAKE_PROBES 8
static unsigned int wake_slot(uint64_t csd, unsigned int i)
{
	return (unsigned int)(((csd >> 6) + i) % WAKE_CSDS);
}

void tlbr_wake_csd_put(struct tlbr_adapter *a, uint64_t csd, uint32_t task)
{
	unsigned int i, free_i = WAKE_CSDS;

	for (i = 0; i < WAKE_PROBES; i++) {
		struct wake_csd *w = &a->wake_csds[wake_slot(csd, i)];

		if (w->csd == csd) {
			w->task = task;
			return;
		}
		if (!w->csd && free_i == WAKE_CSDS)
			free_i = wake_slot(csd, i);
	}
	/* full: the first probe's place */
	a->wake_csds[free_i == WAKE_CSDS ? wake_slot(csd, 0) : free_i] = (struct wake_csd){ csd, task };
}

uint32_t tlbr_wake_csd_get(const struct tlbr_adapter *a, uint64_t csd)
{
	for (unsigned int i = 0; csd && i < WAKE_PROBES; i++)
		if (a->wake_csds[wake_slot(csd, i)].csd == csd)
			return a->wake_csds[wake_slot(csd, i)].task;
	return 0;
}

/* A task freed (its task_struct, and so its wake_entry, may be reused). O(WAKE_CSDS). */
void tlbr_wake_csd_forget(struct tlbr_adapter *a, uint32_t task)
{
	for (unsigned int i = 0; i < WAKE_CSDS; i++)
		if (a->wake_csds[i].task == task)
			a->wake_csds[i].task = 0;
}

static int on_wakeup(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_event *out,
		     bool new_task)
{
	int cpu = (int)rec->val[2], n = 0;
	struct tlbr_task *cur, *t;
	char arch[16];

	/*
	 * traced by sched_ttwu_pending() -> ttwu_do_activate(): the csd it
	 * entered for is the wakee's &p->wake_entry
	 */
	if (rec->cpu >= 0 && rec->cpu < TLBR_MAX_CPUS && a->cpu[rec->cpu].wake_csd) {
		t = tlbr_task_get(a, (int)rec->val[1], rec->str[0], rec->ts_ns);
		if (!t)
			return -ENOMEM;
		tlbr_wake_csd_put(a, a->cpu[rec->cpu].wake_csd, t->id);
		a->cpu[rec->cpu].wake_csd = 0;
	}

	/*
	 * wake_up_new_task() put a new task on @cpu's runqueue: it has run
	 * nowhere yet. Where the recording follows every task (tlbreplay
	 * record's own instance, no pid filter: its metadata marker, arch=)
	 * the trace follows its scheduling from here: a placement, as a
	 * migration of a task that is not running (sched_migrate_task); the
	 * idle CPU's inferred switch below follows. Not in a recording that
	 * may be pid-filtered (trace-cmd record -P without -c, set_event_pid
	 * without event-fork): event_filter_pid_sched_wakeup_probe_pre()
	 * only turns tracing on for a woken task that is followed, never off
	 * while the waker is, so the parent's sched_wakeup_new is recorded
	 * for a child whose switches are not: it stays "anywhere" until the
	 * trace shows it (tlbr_on_fork).
	 */
	if (new_task && cpu >= 0 && cpu < TLBR_MAX_CPUS &&
	    tlbr_metadata_get(a->metadata, "arch", arch, sizeof(arch))) {
		t = tlbr_task_get(a, (int)rec->val[1], rec->str[0], rec->ts_ns);
		if (!t)
			return -ENOMEM;
		put_migrate(a, out, rec, t, -1, cpu);
		n = 1;
		out++;
	}

	/*
	 * The record's common_pid is the task current on the CPU that traced
	 * it, whatever the path (try_to_wake_up() in the waker, or
	 * sched_ttwu_pending() in an interrupt of whatever runs on the wakee's
	 * CPU): when the trace did not show it switch in (a pid-filtered
	 * recording keeps a wakeup of a task in the filter,
	 * event_filter_pid_sched_wakeup_probe_pre(), but not the switches of a
	 * thread outside it), it runs there now: an inferred switch, before
	 * the idle CPU's below
	 */
	cur = rec->cpu >= 0 && rec->cpu < TLBR_MAX_CPUS ?
	      tlbr_task_by_id(a, a->cpu[rec->cpu].cur_task) : NULL;
	if (rec->pid > 0 && rec->cpu >= 0 && rec->cpu < TLBR_MAX_CPUS &&
	    (!cur || cur->pid != rec->pid)) {
		t = tlbr_task_get(a, rec->pid, rec->comm, rec->ts_ns);
		if (!t)
			return -ENOMEM;
		tlbr_adapt_ev_init(out, TLBR_EV_SWITCH, rec, cur ? cur : t);
		out->sw.prev_pid = cur ? cur->pid : -1;
		out->sw.next_pid = t->pid;
		out->sw.prev_task = cur ? cur->id : 0;
		out->sw.next_task = t->id;
		out->sw.prev_mm = cur ? cur->mm : 0;
		out->sw.next_mm = t->mm;
		out->sw.inferred = true;
		a->cpu[rec->cpu].cur_task = t->id;
		n++;
		out++;
	}
	if (cpu < 0 || cpu >= TLBR_MAX_CPUS || a->idle_switches)
		return n;
	cur = tlbr_task_by_id(a, a->cpu[cpu].cur_task);
	if (!cur || cur->pid != 0)
		return n;
	t = tlbr_task_get(a, (int)rec->val[1], rec->str[0], rec->ts_ns);
	if (!t)
		return -ENOMEM;
	if (t->pid == 0)
		return n;
	put_idle_switch(a, rec, out, cur, t, cpu);
	return n + 1;
}

/*
 * A new task. task_newtask (in the parent, with clone flags) comes first;
 * sched_process_fork follows and only creates the child if the former was
 * not traced, guessing the flags from the parent's clone() arguments.
 */
static int on_new_task(struct tlbr_adapter *a, const struct tlbr_record *rec,
		       struct tlbr_task *parent, int child_pid, const char *child_comm,
		       bool flags_known, uint64_t flags, struct tlbr_event *out)
{
	struct tlbr_task *child;

	child = tlbr_task_new(a, child_pid, child_comm, rec->ts_ns);
	if (!child)
		return -ENOMEM;
	child->parent = parent->id;
	child->seen_birth = true;
	child->fresh = true;
	child->kthread = parent->kthread || parent->pid == 2;
	if (!flags_known && parent->in_sys == TLBR_SYS_CLONE + 1) {
		flags = parent->sys_args[0];
		flags_known = true;
	}
	if (!flags_known && (parent->in_sys == TLBR_SYS_FORK + 1))
		flags_known = true;	/* plain fork: no flags */
	if (flags & CLONE_THREAD)
		child->tgid = parent->tgid;
	if (child->kthread) {
		child->mm = 0;
	} else if (flags & CLONE_VM) {
		struct tlbr_mm *m;

		child->mm = parent->mm;
		m = tlbr_mm_by_id(a, child->mm);
		if (m)
			m->nthreads++;
	} else {
		uint32_t mm = tlbr_mm_new(a, child->tgid, child->comm, rec->ts_ns, true);

		if (!mm)
			return -ENOMEM;
		child->mm = mm;
		tlbr_mm_by_id(a, mm)->nthreads = 1;
	}
	tlbr_adapt_ev_init(out, TLBR_EV_FORK, rec, parent);
	out->fork.parent_pid = parent->pid;
	out->fork.child_pid = child->pid;
	out->fork.child_task = child->id;
	out->fork.child_mm = child->mm;
	out->fork.clone_flags = flags;
	out->fork.flags_known = flags_known;
	out->fork.thread = (flags & CLONE_THREAD) != 0;
	out->fork.shares_mm = (flags & CLONE_VM) != 0;
	child->fork_traced = rec->def->id == TLBR_RAW_PROCESS_FORK;
	return 1;
}

static int on_exec(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_task *t,
		   struct tlbr_event *out)
{
	uint32_t old_mm = t->mm, mm;

	/*
	 * A non-leader thread that execs takes over the leader's pid (old_pid
	 * differs): the record's pid is already the leader's, so @t is right.
	 */
	t->exec_done = true;	/* flushes after this are the new mm's */
	tlbr_task_set_comm(t, basename_of(rec->str[0] ? rec->str[0] : ""));
	mm = tlbr_mm_new(a, t->pid, t->comm, rec->ts_ns, false);
	if (!mm)
		return -ENOMEM;
	t->mm = mm;
	t->tgid = t->pid;
	t->kthread = false;
	tlbr_mm_by_id(a, mm)->nthreads = 1;
	tlbr_adapt_ev_init(out, TLBR_EV_EXEC, rec, t);
	out->exec.old_mm = old_mm;
	out->exec.new_mm = mm;
	return 1;
}

static int on_syscall(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_task *t,
		      struct tlbr_event *out)
{
	const struct tlbr_evdef *def = rec->def;
	unsigned int i;

	/*
	 * a new child is back in user space at its first syscall entry or
	 * user fault, not at the return from clone it starts with: that
	 * tracepoint (syscall_exit_to_user_mode -> syscall_exit_work ->
	 * trace_sys_exit) comes before exit_to_user_mode_loop's work, whose
	 * rseq_handle_notify_resume -> __rseq_handle_notify_resume writes
	 * the child's rseq area (rseq_update_cpu_node_id's put_user: a
	 * kernel-mode write to a page fork write-protected)
	 */
	if (def->id == TLBR_RAW_SYS_ENTER)
		t->fresh = false;
	t->mremap_shrunk = false;
	if (def->id == TLBR_RAW_SYS_ENTER) {
		tlbr_adapt_ev_init(out, TLBR_EV_SYSCALL, rec, t);
		out->sys.nr = (enum tlbr_syscall)def->sysnr;
		for (i = 0; i < def->nfields && i < 6; i++)
			out->sys.args[i] = rec->val[i];
		t->in_sys = def->sysnr + 1;
		t->exec_done = false;
		memcpy(t->sys_args, out->sys.args, sizeof(t->sys_args));
		t->sys_enter_ns = rec->ts_ns;
		t->in_fault = false;
		return 1;
	}
	tlbr_adapt_ev_init(out, TLBR_EV_SYSCALL_RET, rec, t);
	out->sys.nr = (enum tlbr_syscall)def->sysnr;
	out->sys.ret = (int64_t)rec->val[0];
	if (t->in_sys == def->sysnr + 1) {
		memcpy(out->sys.args, t->sys_args, sizeof(out->sys.args));
		out->sys.enter_ns = t->sys_enter_ns;
		out->sys.args_known = true;
	}
	t->in_sys = 0;
	tlbr_adapt_gather_close(a, t);	/* (its tlb_finish_mmu not seen) */
	return 1;
}

/* A pid no kernel can have: the record is corrupt. */
static int bad_pid(const struct tlbr_record *rec, long long pid, struct tlbr_error *err)
{
	tlbr_error_set(err, rec->pos, rec->line, "%s: impossible pid %lld (corrupt record?)",
		       rec->def ? rec->def->name : "event", pid);
	return -EBADMSG;
}

static bool pid_ok(long long pid)
{
	return pid >= 0 && pid <= PID_LIMIT;
}

int tlbr_adapter_feed(struct tlbr_adapter *a, const struct tlbr_record *rec,
		      struct tlbr_event *out, struct tlbr_error *err)
{
	const struct tlbr_evdef *def = rec->def;
	struct tlbr_task *t;

	if (rec->cpu < 0 || rec->cpu >= TLBR_MAX_CPUS)
		return 0;
	/* a flush operation is a run of TLBIs of one function with nothing between */
	if (!def || def->id != TLBR_RAW_A64_TLBI)
		a->cpu_last_tlbi[rec->cpu] = NULL;
	if (rec->type == TLBR_TYPE_LOST) {
		tlbr_adapt_ev_init(out, TLBR_EV_LOST, rec, NULL);
		out->lost.count = rec->missed < 0 ? UINT64_MAX : (uint64_t)rec->missed;
		return 1;
	}
	if (!def)
		return 0;
	/* sched_ttwu_pending()'s sched_wakeup comes next, or none */
	if (def->id != TLBR_RAW_CSD_FUNC_ENTRY && def->id != TLBR_RAW_SCHED_WAKEUP)
		a->cpu[rec->cpu].wake_csd = 0;
	if (def->id == TLBR_RAW_SCHED_SWITCH) {
		if (!pid_ok((int64_t)rec->val[1]) || !pid_ok((int64_t)rec->val[4]))
			return bad_pid(rec, pid_ok((int64_t)rec->val[1]) ? (int64_t)rec->val[4] :
									    (int64_t)rec->val[1], err);
		return on_switch(a, rec, out);
	}
	if (!pid_ok(rec->pid))
		return bad_pid(rec, rec->pid, err);
	t = tlbr_task_get(a, rec->pid, rec->comm, rec->ts_ns);
	if (!t)
		return -ENOMEM;
	/* Only user context reaches here with user faults or memory syscalls. */
	if (t->kthread && (def->id == TLBR_RAW_PAGE_FAULT_USER || def->id == TLBR_RAW_SYS_ENTER ||
			   def->id == TLBR_RAW_A64_FAULT) &&
	    t->pid != 0) {
		uint32_t mm = tlbr_mm_new(a, t->pid, t->comm, rec->ts_ns, false);

		if (!mm)
			return -ENOMEM;
		t->kthread = false;
		t->mm = mm;
		tlbr_mm_by_id(a, mm)->nthreads = 1;
	}
	touch_mm(a, t, rec->ts_ns);
	/*
	 * a record of @t's own after its tlb_finish_mmu probe: past that
	 * function's dec_tlb_flush_pending (not the TLBIs and tlb_flush_mmu
	 * inside it, nor what an interrupt there records)
	 */
	if (t->a64_tail_mm && def->id != TLBR_RAW_A64_TLBI && def->id != TLBR_RAW_A64_GATHER_FLUSH &&
	    def->id != TLBR_RAW_SCHED_WAKEUP && def->id != TLBR_RAW_SCHED_MIGRATE_TASK &&
	    def->id != TLBR_RAW_IPI_SEND_CPU && def->id != TLBR_RAW_IPI_SEND_CPUMASK &&
	    def->id != TLBR_RAW_PROCESS_FREE)
		tlbr_adapt_gather_tail_end(a, t);
	if (def->id == TLBR_RAW_SYS_ENTER || def->id == TLBR_RAW_SYS_EXIT) {
		t->a64_ctx_site = 0;	/* a TLBI after this is not the last probe's */
		t->a64_ctx_resume = 0;
		t->a64_sys_flushed = false;
	}

	switch (def->id) {
	case TLBR_RAW_TLB_FLUSH:
	case TLBR_RAW_PAGE_FAULT_USER:
	case TLBR_RAW_PAGE_FAULT_KERNEL:
	case TLBR_RAW_PAGE_ALLOC:
	case TLBR_RAW_IPI_SEND_CPU:
	case TLBR_RAW_IPI_SEND_CPUMASK:
	case TLBR_RAW_CSD_QUEUE:
	case TLBR_RAW_CSD_FUNC_ENTRY:
	case TLBR_RAW_WAKE_IDLE_NO_IPI:
		return tlbr_adapt_x86(a, rec, t, out);
	case TLBR_RAW_A64_FAULT ... TLBR_RAW_A64_TLBI:
		return tlbr_adapt_arm64(a, rec, t, out);
	default:
		break;
	}
	/*
	 * any other event ends an x86 shootdown in progress; not those an
	 * interrupt can record on the CPU while on_each_cpu_cond_mask() waits
	 * with interrupts on (a timer's or softirq's try_to_wake_up(),
	 * select_task_rq()'s migration, an RCU callback's
	 * delayed_put_task_struct()): the shootdown's IPIs and local half may
	 * follow them
	 */
	if (def->id != TLBR_RAW_SCHED_WAKEUP && def->id != TLBR_RAW_SCHED_MIGRATE_TASK &&
	    def->id != TLBR_RAW_PROCESS_FREE)
		a->cpu[rec->cpu].op_task = 0;

	switch (def->id) {
	case TLBR_RAW_SCHED_MIGRATE_TASK: {
		struct tlbr_task *m;

		if (!pid_ok((int64_t)rec->val[1]))
			return bad_pid(rec, (int64_t)rec->val[1], err);
		m = tlbr_task_get(a, (int)rec->val[1], rec->str[0], rec->ts_ns);
		if (!m)
			return -ENOMEM;
		put_migrate(a, out, rec, m, (int)rec->val[2], (int)rec->val[3]);
		return 1 + migrate_to_idle(a, rec, m, (int)rec->val[3], out + 1);
	}
	case TLBR_RAW_SCHED_WAKEUP:
	case TLBR_RAW_SCHED_WAKEUP_NEW:
		if (!pid_ok((int64_t)rec->val[1]))
			return bad_pid(rec, (int64_t)rec->val[1], err);
		return on_wakeup(a, rec, out, def->id == TLBR_RAW_SCHED_WAKEUP_NEW);
	case TLBR_RAW_TASK_NEWTASK:
		if (!pid_ok((int64_t)rec->val[0]))
			return bad_pid(rec, (int64_t)rec->val[0], err);
		return on_new_task(a, rec, t, (int)rec->val[0], rec->str[1], true, rec->val[2], out);
	case TLBR_RAW_PROCESS_FORK: {
		struct tlbr_task *c;

		if (!pid_ok((int64_t)rec->val[3]))
			return bad_pid(rec, (int64_t)rec->val[3], err);
		/*
		 * Already created by its task_newtask, which copy_process()
		 * traces in the same task before kernel_clone() traces
		 * sched_process_fork; records of other CPUs (or of this one:
		 * an interrupt) may come between the two.
		 */
		c = (int)rec->val[3] < (int)a->pid_alloc ?
			    tlbr_task_by_id(a, a->pid_task[(int)rec->val[3]]) : NULL;
		if (c && c->seen_birth && !c->fork_traced && c->parent == t->id) {
			c->fork_traced = true;
			return 0;
		}
		return on_new_task(a, rec, t, (int)rec->val[3], rec->str[2], false, 0, out);
	}
	case TLBR_RAW_PROCESS_EXEC:
		return on_exec(a, rec, t, out);
	case TLBR_RAW_PROCESS_EXIT:
		t->exited = true;
		tlbr_adapt_ev_init(out, TLBR_EV_EXIT, rec, t);
		out->exit.group_dead = (rec->have & (1u << 2)) ? rec->val[2] != 0 : true;
		return 1;
	case TLBR_RAW_PROCESS_FREE: {
		struct tlbr_task *f;

		if ((int)rec->val[1] < 0 || (unsigned int)rec->val[1] >= a->pid_alloc)
			return 0;
		f = tlbr_task_by_id(a, a->pid_task[rec->val[1]]);
		if (!f)
			return 0;
		f->freed = true;
		tlbr_task_unmap_pid(a, f);
		tlbr_wake_csd_forget(a, f->id);
		tlbr_adapt_ev_init(out, TLBR_EV_TASK_FREE, rec, f);
		out->cpu = rec->cpu;
		return 1;
	}
	case TLBR_RAW_TASK_RENAME:
		if ((int)rec->val[0] == t->pid)
			tlbr_task_set_comm(t, rec->str[1]);
		return 0;
	case TLBR_RAW_EXIT_MMAP: {
		struct tlbr_mm *m = tlbr_mm_by_id(a, t->mm);

		if (m)
			m->torn_down = true;
		tlbr_adapt_ev_init(out, TLBR_EV_MM_TEARDOWN, rec, t);
		return 1;
	}
	case TLBR_RAW_MIGRATE_PAGES_START:
	case TLBR_RAW_MIGRATE_PAGES:
	case TLBR_RAW_SET_MIGRATION_PTE:
	case TLBR_RAW_REMOVE_MIGRATION_PTE:
		tlbr_adapt_ev_init(out, TLBR_EV_MIGRATION, rec, t);
		out->migration.kind = def->id == TLBR_RAW_MIGRATE_PAGES_START ? TLBR_MIGR_START :
				      def->id == TLBR_RAW_MIGRATE_PAGES ? TLBR_MIGR_DONE :
				      def->id == TLBR_RAW_SET_MIGRATION_PTE ? TLBR_MIGR_SET_PTE :
									      TLBR_MIGR_REMOVE_PTE;
		out->migration.addr = rec->val[0];
		if (def->id == TLBR_RAW_MIGRATE_PAGES_START)
			t->migrating = true;
		else if (def->id == TLBR_RAW_MIGRATE_PAGES)
			t->migrating = false;
		return 1;
	case TLBR_RAW_DIRECT_RECLAIM_BEGIN:
	case TLBR_RAW_DIRECT_RECLAIM_END:
		t->reclaiming = def->id == TLBR_RAW_DIRECT_RECLAIM_BEGIN;
		return 0;
	case TLBR_RAW_SYS_ENTER:
	case TLBR_RAW_SYS_EXIT:
		return on_syscall(a, rec, t, out);
	case TLBR_RAW_PRINT:
		return on_print(a, rec, out, err);
	case TLBR_RAW_VMAP_ALLOC:
		/*
		 * vmalloc maps the area it got: one valid kernel PTE per page
		 * but the last, the guard page __get_vm_area_node() adds to the
		 * size unless VM_NO_GUARD (which the event does not show;
		 * vm_map_ram's large areas have none either)
		 */
		if (rec->val[2] || TLBR_PAGES_UP(rec->val[1]) < 2)
			return 0;
		tlbr_adapt_ev_init(out, TLBR_EV_KMAP, rec, t);
		out->mm = 0;
		out->kmap.start = rec->val[0];
		out->kmap.pages = TLBR_PAGES_UP(rec->val[1]) - 1;
		return 1;
	case TLBR_RAW_VMAP_PURGE:
		/* lazily freed vmap areas: flush_tlb_kernel_range over them */
		if (rec->val[1] <= rec->val[0])
			return 0;
		tlbr_adapt_ev_init(out, TLBR_EV_FLUSH, rec, t);
		out->mm = 0;
		out->flush.site = TLBR_SITE_KERNEL;
		out->flush.scope = TLBR_SCOPE_RANGE;
		out->flush.exec = TLBR_EXEC_BROADCAST;
		out->flush.start = rec->val[0];
		out->flush.end = rec->val[1];
		out->flush.pages = (rec->val[1] - rec->val[0]) >> TLBR_PAGE_SHIFT;
		out->flush.x86_reason = TLBR_X86_NONE;
		return 1;
	default:
		return 0;
	}
}
