// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * recorder.c - record into a private tracefs instance and write a trace.dat.
 *
 * The instance is named tlbreplay_<pid>, so that a later run can tell the
 * instance of a recorder that was killed (its pid is gone) and remove it,
 * and never touches another tool's. Per-CPU raw buffers are drained into
 * the spool beside the output while the workload runs (spool.c), then
 * libtracecmd's writer turns them into a trace.dat (v7, not compressed) that
 * trace-cmd and KernelShark open.
 *
 * A recording is a sequence of named steps (tlbr_record_run). Each step
 * that touches the kernel goes through a backend: the real one makes the
 * tracefs writes, the dry run's prints them. Both run the same steps, so
 * --dry-run cannot drift from what a recording does.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tracefs/tracefs.h>

#include "config.h"
#include "tlbr-markers.h"
#include "record-local.h"

#define PREFIX "tlbreplay_"

/* Is a recorder other than this one still running (its instance and pid alive)? */
static bool other_recorder_alive(void)
{
	char **names = tracefs_instances("^" PREFIX);
	bool alive = false;
	int i;

	for (i = 0; names && names[i]; i++) {
		char *end;
		long pid = strtol(names[i] + strlen(PREFIX), &end, 10);

		if (!*end && pid > 0 && pid != (long)getpid() &&
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			alive = true;
	}
	tracefs_list_free(names);
	return alive;
}

/*
 * Kprobes of system "tlbr" are tlbreplay's (the arm64 plan): when no other
 * recorder runs, any left are a killed recorder's, and go. Other tools'
 * dynamic events are never touched.
 */
static int remove_stale_probes(FILE *log)
{
	struct tracefs_dynevent **evs;
	int i, n = 0;

	if (other_recorder_alive())
		return 0;
	evs = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE,
				       PROBE_SYSTEM);
	for (i = 0; evs && evs[i]; i++)
		if (tracefs_dynevent_destroy(evs[i], true) == 0)
			n++;
	tracefs_dynevent_list_free(evs);
	if (n && log)
		fprintf(log, "tlbreplay: removed %d kprobe%s left by a killed recorder\n", n,
			n == 1 ? "" : "s");
	return n;
}

int tlbr_record_remove_stale(FILE *log)
{
	char **names = tracefs_instances("^" PREFIX);	/* a basic regex: digits checked below */
	int i, n = 0;

	for (i = 0; names && names[i]; i++) {
		char *end;
		long pid = strtol(names[i] + strlen(PREFIX), &end, 10);
		struct tracefs_instance *inst;

		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;	/* its recorder still runs */
		inst = tracefs_instance_alloc(NULL, names[i]);
		if (!inst)
			continue;
		tracefs_event_disable(inst, NULL, NULL);
		if (tracefs_instance_destroy(inst) == 0) {
			n++;
			if (log)
				fprintf(log, "tlbreplay: removed instance '%s' left by a killed "
					     "recorder (pid %ld)\n", names[i], pid);
		}
		tracefs_instance_free(inst);
	}
	tracefs_list_free(names);
	n += remove_stale_probes(log);
	return n;
}


static unsigned long long lost_events(struct tracefs_instance *inst, int ncpus)
{
	unsigned long long total = 0;
	int cpu;

	for (cpu = 0; cpu < ncpus; cpu++) {
		char path[64], *stats, *p;

		snprintf(path, sizeof(path), "per_cpu/cpu%d/stats", cpu);
		stats = tracefs_instance_file_read(inst, path, NULL);
		if (!stats)
			continue;
		p = strstr(stats, "overrun:");
		if (p)
			total += strtoull(p + 8, NULL, 10);
		p = strstr(stats, "dropped events:");
		if (p)
			total += strtoull(p + 15, NULL, 10);
		free(stats);
	}
	return total;
}

/* The first line of /proc/cpuinfo starting with @key, value only. */
static void cpuinfo(const char *key, char *buf, size_t n)
{
	char *line = NULL;	/* a flags line is longer than 512 bytes: read whole */
	size_t cap = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, n, "unknown");
	while (f && getline(&line, &cap, f) > 0) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, strlen(key)) || !colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		snprintf(buf, n, "%.*s", (int)strcspn(colon, "\n"), colon);
		break;
	}
	free(line);
	if (f)
		fclose(f);
}

/* Is @name one of the space-separated words of @flags (a cpuinfo flags value)? */
static bool has_flag(const char *flags, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = flags; *p; p += strcspn(p, " ")) {
		p += strspn(p, " ");
		if (!strncmp(p, name, n) && (p[n] == ' ' || !p[n]))
			return true;
	}
	return false;
}

/* A process's memory map as "tlbreplay-maps PID <maps line>" markers (none for kthreads). */
static void write_maps(struct tracefs_instance *inst, pid_t pid)
{
	char path[64], line[600];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		tracefs_printf(inst, TLBR_MARK_MAPS "%d %.*s\n", (int)pid, (int)strcspn(line, "\n"),
			       line);
	if (f)
		fclose(f);
}

/* The CPUs this process may run on, as a CPU list "0-1,3"; false if unknown. */
static bool affinity_list(char *buf, size_t n)
{
	cpu_set_t set;
	size_t m = 0;
	int c, first = -1;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return false;
	buf[0] = '\0';
	for (c = 0; c <= CPU_SETSIZE; c++) {
		bool in = c < CPU_SETSIZE && CPU_ISSET(c, &set);

		if (in && first < 0)
			first = c;
		if (!in && first >= 0) {
			if (m + 24 >= n)
				return false;
			m += (size_t)snprintf(buf + m, n - m, first == c - 1 ? "%s%d" : "%s%d-%d",
					      m ? "," : "", first, c - 1);
			first = -1;
		}
	}
	return m > 0;
}

/*
 * arm64: does the CPU set the Access flag itself (FEAT_HAFDBS, TCR_EL1.HA,
 * which __cpu_setup enables where ID_AA64MMFR1_EL1.HAFDBS says so; the
 * field is hidden from EL0's MRS emulation, and no boot message names the
 * Access flag alone)? Tried, on each CPU the recorder may run on, in a
 * child pinned there: 16 pages written (handle_pte_fault maps them young),
 * madvise(MADV_COLD) (madvise_cold drains this CPU's LRU batch, then
 * madvise_cold_or_pageout_pte_range makes each exclusive LRU page's PTE old:
 * pte_mkold, and flushes it), then each page read again. Without the
 * hardware flag a read through an old PTE is an Access flag fault
 * (do_page_fault -> handle_mm_fault -> handle_pte_fault -> pte_mkyoung,
 * arch/arm64/mm/fault.c, mm/memory.c), a minor fault in getrusage; with it
 * the hardware sets the flag and nothing faults. Every page faulting on
 * every CPU: "software"; none (or fewer than a quarter: a stray fault
 * not of the test) on any: "hardware" (also where COLD aged nothing: the
 * conservative answer, the replay's ranges stay); else "mixed". A try
 * that could not run (fork, affinity, mmap) is tried again, twice.
 * Before any event is enabled: nothing of it is traced.
 */
#define AF_PAGES 16
static int af_try_cpu(int cpu)
{
	long page = sysconf(_SC_PAGESIZE);
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		cpu_set_t one;
		struct rusage a, b;
		volatile char *p;
		unsigned int i, sum = 0;

		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one) < 0)
			_exit(3);
		p = mmap(NULL, AF_PAGES * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(3);
		for (i = 0; i < AF_PAGES; i++)
			p[i * page] = 1;
		/*
		 * the counters written before the test: a first write to a
		 * stack page fork left write-protected is a COW, a minor fault
		 * of its own (b on another page than a: it hit ~1 in 20 CI runs)
		 */
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		if (madvise((void *)p, AF_PAGES * page, 20 /* MADV_COLD, 5.4 */) < 0)
			_exit(3);
		getrusage(RUSAGE_THREAD, &a);
		for (i = 0; i < AF_PAGES; i++)
			sum += p[i * page];
		getrusage(RUSAGE_THREAD, &b);
		(void)sum;
		if (b.ru_minflt - a.ru_minflt >= AF_PAGES)
			_exit(1);	/* every page faulted: software */
		/*
		 * none or a stray few (a fault not of the test): hardware, the
		 * conservative answer
		 */
		_exit(b.ru_minflt - a.ru_minflt < AF_PAGES / 4 ? 0 : 2);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st) <= 2 ? WEXITSTATUS(st) : -1;
}

static const char *access_flag(void)
{
	cpu_set_t set;
	int c, sw = 0, hw = 0, other = 0;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return NULL;
	for (c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		int r = -1;

		/* a try that could not run (fork, affinity, mmap): tried again */
		for (int t = 0; t < 3 && r < 0; t++)
			r = af_try_cpu(c);
		switch (r) {
		case 0: hw++; break;
		case 1: sw++; break;
		case 2: other++; break;
		default: break;	/* a CPU that could not be tried */
		}
	}
	if (sw && !hw && !other)
		return "software";
	if (hw && !sw && !other)
		return "hardware";
	return sw || hw || other ? "mixed" : NULL;
}

/*
 * What replay needs to know about the machine, as trace markers
 * (include/tlbr-markers.h, which formats/adapt.c reads): "tlbreplay-meta v1 ...",
 * and the census's "tlbreplay-tlbi N ..." site lines, before any event is
 * enabled.
 */
/* DAMON runs: a sysfs kdamond is "on", or a kdamond.N kernel thread exists. */
static bool damon_on(void)
{
	const char *dir = "/sys/kernel/mm/damon/admin/kdamonds";
	struct dirent *de;
	bool on = false;
	DIR *d = opendir(dir);

	while (d && !on && (de = readdir(d))) {
		char path[320], state[8] = "";
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%s/state", dir, de->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%7s", state) == 1 && !strcmp(state, "on"))
			on = true;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	d = opendir("/proc");
	while (d && !on && (de = readdir(d))) {
		char path[300], comm[16] = "";
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (f && fgets(comm, sizeof(comm), f) && !strncmp(comm, "kdamond", 7))
			on = true;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return on;
}

static void write_metadata(struct tracefs_instance *inst, const struct tlbr_record_opts *o,
			   const struct tlbr_plan *plan, const struct tlbr_census *cs, pid_t workload)
{
	const struct tlbr_plan_item *items = plan->items;
	char model[160], flags[4096], missing[1024] = "";
	unsigned int n = plan->n;
	struct utsname u;
	unsigned int i;
	size_t m = 0;
	bool virt;

	uname(&u);
	cpuinfo("model name", model, sizeof(model));
	if (!strcmp(model, "unknown")) {	/* arm64: the MIDR fields */
		char impl[32], part[32];

		cpuinfo("CPU implementer", impl, sizeof(impl));
		cpuinfo("CPU part", part, sizeof(part));
		snprintf(model, sizeof(model), "implementer %s part %s", impl, part);
	}
	cpuinfo("flags", flags, sizeof(flags));
	virt = has_flag(flags, "hypervisor") || access("/sys/hypervisor/type", F_OK) == 0;
	for (i = 0; model[i]; i++)
		if (model[i] == ' ')
			model[i] = '_';
	tracefs_printf(inst, TLBR_MARK_META "v1 arch=%s page_size=%ld cpus=%ld cpu_model=%s "
		       "kernel=%s virtualised=%s recorder=tlbreplay-%s\n", u.machine,
		       sysconf(_SC_PAGESIZE), sysconf(_SC_NPROCESSORS_CONF), model, u.release,
		       virt ? "yes" : "no", TLBR_VERSION);
	for (i = 0; i < n; i++)
		if (!items[i].available && m < sizeof(missing) - 100)
			m += (size_t)snprintf(missing + m, sizeof(missing) - m, "%s%s:%s",
					      m ? "," : "", items[i].system, items[i].event);
	tracefs_printf(inst, TLBR_MARK_META "plan_missing=%s\n", m ? missing : "none");
	/*
	 * the CPUs the recorder may run on, which the workload it forks
	 * inherits (taskset -c LIST tlbreplay record -- CMD): what `diff
	 * --against` compares when two machines' savings depend on scheduling
	 */
	{
		char list[256];

		if (affinity_list(list, sizeof(list)))
			tracefs_printf(inst, TLBR_MARK_META "affinity=%s\n", list);
	}
	/*
	 * arm64 from 6.5: the PTEs reclaim and migration batch (ubc_pending)
	 * are traced, so the replay knows which address spaces the kernel
	 * marked (mm->tlb_flush_batched) and flush_tlb_batched_pending flushes
	 */
	for (i = 0; i < n; i++)
		if (items[i].kprobe && !strcmp(items[i].event, "ubc_pending") && items[i].available)
			tracefs_printf(inst, TLBR_MARK_META "batch_marks=traced\n");
	/*
	 * arm64: the PTEs faults make are traced (map_ptes: do_set_pte,
	 * set_pte_range), fault-around's among them: the replay knows which
	 * pages of a fault-around window were mapped
	 */
	for (i = 0; i < n; i++)
		if (items[i].kprobe && !strcmp(items[i].event, "map_ptes") && items[i].available)
			tracefs_printf(inst, TLBR_MARK_META "fault_around=traced\n");
	/*
	 * arm64: each mmu_gather from tlb_gather_mmu to tlb_finish_mmu's
	 * return is traced (gather_begin, gather_end_r): the replay has the
	 * count tlb_finish_mmu's mm_tlb_flush_nested tests
	 */
	{
		int both = 0;

		for (i = 0; i < n; i++)
			if (items[i].kprobe && items[i].available &&
			    (!strcmp(items[i].event, "gather_begin") ||
			     !strcmp(items[i].event, "gather_end_r")))
				both++;
		if (both == 2)
			tracefs_printf(inst, TLBR_MARK_META "gathers=traced\n");
	}
	/*
	 * arm64: madvise COLD/PAGEOUT's young branch is probed (census.c
	 * tlbr_age_find: madvise_cold_or_pageout_pte_range's range update
	 * behind its Access flag test, the probe created): the replay knows
	 * which PTEs the walk found young, and that the others were not
	 */
	if (cs && cs->age_planned)
		tracefs_printf(inst, TLBR_MARK_META "age_young=traced\n");
	/* ... and its huge PMD's (census.c: the other range update, cleared_pmds) */
	if (cs && cs->age_pmd_planned)
		tracefs_printf(inst, TLBR_MARK_META "age_young_pmd=traced\n");
	/* ... and FREE's young-or-dirty branch (census.c tlbr_free_find) */
	if (cs && cs->free_planned)
		tracefs_printf(inst, TLBR_MARK_META "age_free=traced\n");
	/*
	 * x86: whether the CPU has INVLPGB, as the kernel lists it (cpuinfo
	 * flag "invlpgb": X86_FEATURE_INVLPGB, named since Linux 6.15, which
	 * also uses it): then flush_tlb_mm_range() of an address space with a
	 * global ASID is broadcast_tlb_flush() (no IPI, no tlb_flush record),
	 * and arch_tlbbatch_flush() and flush_tlb_kernel_range() send no IPI
	 */
	if (!strcmp(u.machine, "x86_64"))
		tracefs_printf(inst, TLBR_MARK_META "invlpgb=%s\n",
			       has_flag(flags, "invlpgb") ? "yes" : "no");
	/*
	 * arm64: who sets the Access flag (access_flag()): where software does,
	 * every access through an old PTE is a traced fault and the replay
	 * knows which PTEs madvise COLD/PAGEOUT find young
	 */
	if (!strcmp(u.machine, "aarch64")) {
		const char *af = access_flag();

		if (af)
			tracefs_printf(inst, TLBR_MARK_META "access_flag=%s\n", af);
	}
	/*
	 * fault-around's window (mm/memory.c do_fault_around: the debugfs file
	 * fault_around_bytes, 64 KiB unless someone changed it): where it is
	 * readable, the replay takes it instead of the default
	 */
	{
		FILE *fa = fopen("/sys/kernel/debug/fault_around_bytes", "r");
		unsigned long long fab;

		if (fa && fscanf(fa, "%llu", &fab) == 1)
			tracefs_printf(inst, TLBR_MARK_META "fault_around_bytes=%llu\n", fab);
		if (fa)
			fclose(fa);
	}
	/*
	 * MGLRU (mm/vmscan.c, CONFIG_LRU_GEN): its aging clears PTEs' Access
	 * flags with no flush and no event (walk_pte_range(),
	 * lru_gen_look_around(): ptep_test_and_clear_young()), so a fault
	 * proves a PTE young at a later madvise COLD/PAGEOUT only where it is
	 * off: the caps it shows (enabled_show(): "0x%04x", bit 0 LRU_GEN_CORE),
	 * or "none" where the kernel has no lru_gen directory (not built in)
	 */
	{
		FILE *lg = fopen("/sys/kernel/mm/lru_gen/enabled", "r");
		unsigned int caps;

		if (lg && fscanf(lg, "%x", &caps) == 1)
			tracefs_printf(inst, TLBR_MARK_META "lru_gen=0x%04x\n", caps);
		else if (!lg && errno == ENOENT && access("/sys/kernel/mm", F_OK) == 0)
			tracefs_printf(inst, TLBR_MARK_META "lru_gen=none\n");
		if (lg)
			fclose(lg);
	}
	/*
	 * DAMON (mm/damon/): its access checks clear Access flags with no
	 * flush and no event as MGLRU's aging does (paddr: damon_pa_mkold()
	 * -> rmap walk -> damon_ptep_mkold() -> ptep_clear_young_notify()),
	 * so a fault proves a PTE young only where it is off: "on" where a
	 * kdamond's sysfs state reads "on" (state_show()) or a kdamond.N
	 * thread runs (DAMON_RECLAIM, DAMON_LRU_SORT and DAMON_STAT start
	 * theirs with no sysfs kdamond: nr_kdamonds 0), else "off"
	 */
	if (access("/sys/kernel/mm", F_OK) == 0)
		tracefs_printf(inst, TLBR_MARK_META "damon=%s\n", damon_on() ? "on" : "off");
	if (o->command && workload > 0) {	/* the default counting scope of what-if and report */
		char name[64];
		const char *base = strrchr(o->command[0], '/');

		snprintf(name, sizeof(name), "%s", base ? base + 1 : o->command[0]);
		for (i = 0; name[i]; i++)
			if (name[i] == ' ' || name[i] == '=')
				name[i] = '_';
		tracefs_printf(inst, TLBR_MARK_META "workload_pid=%d workload=%s\n", (int)workload,
			       name);
	}
	for (i = 0; i < cs->n; i++) {
		char line[400];

		tlbr_census_line(&cs->sites[i], i, line, sizeof(line));
		tracefs_printf(inst, TLBR_MARK_TLBI "%s\n", line);
	}
	tracefs_print_close(inst);
}

/*
 * "tlbreplay-maps PID <maps line>" for each process recorded with -p, or
 * for every process running when -a starts, once the events are enabled:
 * what changes after the snapshot is traced.
 */
static void write_all_maps(struct tracefs_instance *inst, const struct tlbr_record_opts *o)
{
	unsigned int i;

	for (i = 0; i < o->npids; i++)
		write_maps(inst, o->pids[i]);
	if (!o->command && !o->npids) {	/* -a: every process already running */
		DIR *d = opendir("/proc");
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char *end;
			long pid = strtol(de->d_name, &end, 10);

			if (!*end && pid > 0 && pid != (long)getpid())
				write_maps(inst, (pid_t)pid);
		}
		if (d)
			closedir(d);
	}
	/* the marker file stays open otherwise, and the instance could not go */
	tracefs_print_close(inst);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool pids_alive(const struct tlbr_record_opts *o)
{
	unsigned int i;

	for (i = 0; i < o->npids; i++)
		if (kill(o->pids[i], 0) == 0 || errno != ESRCH)
			return true;
	return false;
}

/* One recording: what the steps share. */
struct rec {
	const struct tlbr_record_opts *o;
	const struct backend *be;
	volatile sig_atomic_t *stop;
	struct tlbr_record_result *res;
	struct tlbr_error *err;		/* the caller's: what went wrong */
	struct tlbr_plan plan;
	char name[64];				/* the instance: tlbreplay_PID */
	struct tracefs_instance *inst;
	struct tracefs_dynevent *probes[32];	/* the plan's kprobes */
	unsigned int nprobes;
	struct tlbr_census cen;
	struct tlbr_spool spool;
	struct tracefs_cpu **tc;
	int ncpus;
	char *page;
	pid_t child;
	int go[2];				/* the workload starts once tracing is on */
	int execerr[2];				/* its exec's errno, if exec fails */
};

static int failf(struct rec *r, int ret, const char *fmt, ...) __printf(3, 4);

static int failf(struct rec *r, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err->msg, sizeof(r->err->msg), fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * What a step does to the kernel. Each call is one tracefs write (or, for
 * capture, the recording itself); teardown undoes whatever was done.
 */
struct backend {
	int (*instance_create)(struct rec *r);
	int (*write)(struct rec *r, const char *file, const char *value);
	int (*kprobe_create)(struct rec *r, const struct tlbr_plan_item *it);
	void (*census)(struct rec *r);
	int (*event_enable)(struct rec *r, const char *system, const char *event,
			    const char *filter);
	int (*capture)(struct rec *r);
	void (*teardown)(struct rec *r);
};

/* ------------------------------------------------------------ dry backend */

static void dry(struct rec *r, const char *fmt, ...) __printf(2, 3);

static void dry(struct rec *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(r->o->log, fmt, ap);
	va_end(ap);
	fputc('\n', r->o->log);
}

static int dry_instance_create(struct rec *r)
{
	const char *top = tracefs_tracing_dir();

	dry(r, "mkdir %s/instances/%s", r->plan.env.sysroot[0] ? r->plan.env.tracing :
					top ? top : "/sys/kernel/tracing", r->name);
	return 0;
}

static int dry_write(struct rec *r, const char *file, const char *value)
{
	dry(r, "echo %s > instances/%s/%s", value, r->name, file);
	return 0;
}

static int dry_kprobe_create(struct rec *r, const struct tlbr_plan_item *it)
{
	char line[512];

	tlbr_plan_kprobe_line(it, line, sizeof(line));
	dry(r, "echo '%s' >> kprobe_events", line);
	return 0;
}

static void tlbi_kprobe_line(const struct tlbr_census *cs, unsigned int k, char *buf, size_t n)
{
	const struct tlbr_tlbi_site *t = &cs->sites[cs->ev_site[k]];
	char fetch[64], ev[32];

	tlbr_tlbi_fetch(t, (unsigned int)cs->ev_site[k], fetch, sizeof(fetch));
	tlbr_tlbi_event(cs, k, ev, sizeof(ev));
	if (t->by_address)
		snprintf(buf, n, "p:%s/%s 0x%llx %s", PROBE_SYSTEM, ev,
			 (unsigned long long)t->addr, fetch);
	else
		snprintf(buf, n, "p:%s/%s %s+0x%llx %s", PROBE_SYSTEM, ev,
			 t->function, (unsigned long long)t->offset, fetch);
}

static void dry_census(struct rec *r)
{
	char line[256];
	unsigned int k;

	tlbr_census_probe(&r->cen, &r->plan.env, false, NULL);
	for (k = 0; k < r->cen.nprobed; k++) {
		tlbi_kprobe_line(&r->cen, k, line, sizeof(line));
		dry(r, "echo '%s' >> kprobe_events", line);
	}
	if (r->cen.age_planned)
		dry(r, "echo '%s' >> kprobe_events", r->cen.age_line);
	if (r->cen.age_pmd_planned)
		dry(r, "echo '%s' >> kprobe_events", r->cen.age_pmd_line);
	if (r->cen.free_planned)
		dry(r, "echo '%s' >> kprobe_events", r->cen.free_line);
}

static int step_enable(struct rec *r);

static int dry_event_enable(struct rec *r, const char *system, const char *event,
			    const char *filter)
{
	if (filter)
		dry(r, "echo '%s' > instances/%s/events/%s/%s/filter", filter, r->name, system,
		    event);
	dry(r, "echo 1 > instances/%s/events/%s/%s/enable", r->name, system, event);
	return 0;
}

static int dry_capture(struct rec *r)
{
	int ret;

	dry_write(r, "tracing_on", "1");
	dry_write(r, "tracing_on", "0");	/* (the metadata in between) */
	if ((ret = step_enable(r)) < 0)
		return ret;
	dry_write(r, "tracing_on", "1");
	dry(r, "read instances/%s/per_cpu/cpu*/trace_pipe_raw until the end", r->name);
	dry_write(r, "tracing_on", "0");
	return 0;
}

static void dry_teardown(struct rec *r)
{
	unsigned int i, k;

	dry(r, "echo 0 > instances/%s/events/enable", r->name);
	dry(r, "rmdir instances/%s", r->name);
	for (k = 0; k < r->cen.nprobed; k++) {
		char ev[32];

		tlbr_tlbi_event(&r->cen, k, ev, sizeof(ev));
		dry(r, "echo '-:%s/%s' >> kprobe_events", PROBE_SYSTEM, ev);
	}
	if (r->cen.age_planned)
		dry(r, "echo '-:%s/age_young' >> kprobe_events", PROBE_SYSTEM);
	if (r->cen.age_pmd_planned)
		dry(r, "echo '-:%s/age_young_pmd' >> kprobe_events", PROBE_SYSTEM);
	if (r->cen.free_planned)
		dry(r, "echo '-:%s/age_free' >> kprobe_events", PROBE_SYSTEM);
	for (i = 0; i < r->plan.n; i++)
		if (r->plan.items[i].available && r->plan.items[i].kprobe)
			dry(r, "echo '-:%s/%s' >> kprobe_events", r->plan.items[i].system,
			    r->plan.items[i].event);
	r->cen.nprobed = 0;
	tlbr_census_release(&r->cen);
}

static const struct backend dry_backend = {
	.instance_create = dry_instance_create,
	.write = dry_write,
	.kprobe_create = dry_kprobe_create,
	.census = dry_census,
	.event_enable = dry_event_enable,
	.capture = dry_capture,
	.teardown = dry_teardown,
};

/* ----------------------------------------------------------- real backend */

static int real_instance_create(struct rec *r)
{
	r->inst = tracefs_instance_create(r->name);
	if (!r->inst)
		return failf(r, -errno, "cannot create the tracefs instance '%s': %s", r->name,
			     strerror(errno));
	return 0;
}

static int real_write(struct rec *r, const char *file, const char *value)
{
	if (tracefs_instance_file_write(r->inst, file, value) < 0)
		return failf(r, -EIO, "the kernel refused '%s' in %s", value, file);
	return 0;
}

static int real_kprobe_create(struct rec *r, const struct tlbr_plan_item *it)
{
	struct tracefs_dynevent *ev;

	if (r->nprobes == ARRAY_SIZE(r->probes))
		return failf(r, -E2BIG, "too many kprobes in the plan");
	ev = it->retprobe ? tracefs_kretprobe_alloc(it->system, it->event, it->symbol, it->fetch,
						    0) :
			    tracefs_kprobe_alloc(it->system, it->event, it->symbol, it->fetch);
	if (!ev || tracefs_dynevent_create(ev) < 0) {
		char *kerr = tracefs_error_last(NULL);
		int e = errno;

		failf(r, -EIO, "the kernel refused the kprobe %s/%s on %s: %s%s", it->system,
		      it->event, it->symbol, kerr ? kerr : strerror(e),
		      e == EEXIST || e == EBUSY ? " (another tlbreplay record running?)" : "");
		free(kerr);
		tracefs_dynevent_free(ev);
		return -EIO;
	}
	r->probes[r->nprobes++] = ev;
	return 0;
}

static void real_census(struct rec *r)
{
	tlbr_census_probe(&r->cen, &r->plan.env, true, r->o->log);
}

static int real_event_enable(struct rec *r, const char *system, const char *event,
			     const char *filter)
{
	if (filter && tracefs_event_file_write(r->inst, system, event, "filter", filter) < 0)
		return failf(r, -EIO, "the kernel refused the filter '%s' of %s:%s", filter,
			     system, event);
	if (tracefs_event_enable(r->inst, system, event) < 0)
		return failf(r, -EIO, "cannot enable %s:%s", system, event);
	return 0;
}

/* Start the workload, stopped until go(): its exec is the first thing traced. */
static int workload_fork(struct rec *r)
{
	if (pipe2(r->go, O_CLOEXEC) < 0 || pipe2(r->execerr, O_CLOEXEC) < 0)
		return failf(r, -errno, "cannot start '%s': %s", r->o->command[0],
			     strerror(errno));
	r->child = fork();
	if (r->child < 0)
		return failf(r, -errno, "cannot start '%s': %s", r->o->command[0],
			     strerror(errno));
	if (r->child == 0) {
		char b;
		int e;

		close(r->spool.dirfd);	/* the spool's lock is the recorder's alone */
		close(r->go[1]);
		close(r->execerr[0]);
		if (read(r->go[0], &b, 1) != 1)
			_exit(127);
		execvp(r->o->command[0], r->o->command);
		e = errno;
		if (write(r->execerr[1], &e, sizeof(e)) != sizeof(e))
			_exit(127);
		_exit(127);
	}
	close(r->go[0]);
	close(r->execerr[1]);
	r->go[0] = r->execerr[1] = -1;
	return 0;
}

/* Let the workload go; 0 once it runs, or why its exec failed. */
static int workload_go(struct rec *r)
{
	ssize_t n;
	int e = 0;

	n = write(r->go[1], "g", 1);
	close(r->go[1]);
	r->go[1] = -1;
	if (n != 1)
		return failf(r, -EIO, "cannot start '%s'", r->o->command[0]);
	do
		n = read(r->execerr[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(r->execerr[0]);
	r->execerr[0] = -1;
	if (n == sizeof(e)) {
		waitpid(r->child, NULL, 0);
		r->child = -1;
		return failf(r, -e, "cannot run '%s': %s", r->o->command[0], strerror(e));
	}
	r->res->workload_started = true;
	return 0;
}

static int drain(struct rec *r, bool flush)
{
	int cpu, n, ret;

	for (cpu = 0; cpu < r->ncpus; cpu++) {
		if (!r->tc[cpu])
			continue;
		while ((n = tracefs_cpu_read(r->tc[cpu], r->page, true)) > 0)
			if ((ret = tlbr_spool_write(&r->spool, cpu, r->page, (size_t)n, r->err)) < 0)
				return ret;
		while (flush && (n = tracefs_cpu_flush(r->tc[cpu], r->page)) > 0)
			if ((ret = tlbr_spool_write(&r->spool, cpu, r->page, (size_t)n, r->err)) < 0)
				return ret;
	}
	return 0;
}

/*
 * CPU @cpu's reader, on an fd opened close-on-exec (tracefs_cpu_open's is
 * not: the workload would inherit the instance's trace_pipe_raw files).
 */
static struct tracefs_cpu *cpu_open(struct tracefs_instance *inst, int cpu)
{
	struct tracefs_cpu *tc;
	char name[64], *path;
	int fd;

	snprintf(name, sizeof(name), "per_cpu/cpu%d/trace_pipe_raw", cpu);
	path = tracefs_instance_get_file(inst, name);
	fd = path ? open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	tracefs_put_tracing_file(path);
	if (fd < 0)
		return NULL;
	tc = tracefs_cpu_alloc_fd(fd, (int)sysconf(_SC_PAGESIZE), true);
	if (!tc)
		close(fd);
	return tc;
}

/* The per-CPU readers and the spool's files, formats and manifest. */
static int capture_open(struct rec *r)
{
	const char *events[TLBR_PLAN_MAX + 4];
	char *names[TLBR_PLAN_MAX + 4], *clock;
	unsigned int i, nev = 0;
	size_t page = 0;
	int cpu, ret;

	r->ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	r->tc = calloc((size_t)r->ncpus, sizeof(*r->tc));
	if (!r->tc)
		return failf(r, -ENOMEM, "out of memory");
	for (cpu = 0; cpu < r->ncpus; cpu++) {
		r->tc[cpu] = cpu_open(r->inst, cpu);
		if (r->tc[cpu] && !page)
			page = (size_t)tracefs_cpu_read_size(r->tc[cpu]);
	}
	if (!page || !(r->page = malloc(page)))
		return failf(r, -EIO, "cannot read the instance's per-CPU buffers");
	ret = tlbr_spool_open_cpus(&r->spool, r->ncpus, page, r->err);
	if (ret < 0)
		return ret;
	for (i = 0; i < r->plan.n; i++) {
		const struct tlbr_plan_item *it = &r->plan.items[i];

		if (!it->available)
			continue;
		if (asprintf(&names[nev], "%s/%s", it->system, it->event) < 0) {
			ret = failf(r, -ENOMEM, "out of memory");
			goto out;
		}
		events[nev] = names[nev];
		nev++;
	}
	/* the TLBI probes; madvise's young branches, the PTE's and the PMD's (census.c) */
	for (i = 0; i < 4; i++) {
		static const char *const own[4] = { PROBE_SYSTEM "/tlbi_*",
						     PROBE_SYSTEM "/age_young",
						     PROBE_SYSTEM "/age_young_pmd",
						     PROBE_SYSTEM "/age_free" };
		bool planned[4] = { r->cen.nprobed > 0, r->cen.age_planned, r->cen.age_pmd_planned,
				    r->cen.free_planned };

		if (!planned[i])
			continue;
		names[nev] = strdup(own[i]);
		if (!names[nev]) {
			ret = failf(r, -ENOMEM, "out of memory");
			goto out;
		}
		events[nev] = names[nev];
		nev++;
	}
	clock = tracefs_instance_file_read(r->inst, "trace_clock", NULL);
	ret = tlbr_spool_snapshot(&r->spool, tracefs_tracing_dir(), clock ? clock : "", events,
				  nev, r->err);
	free(clock);
out:
	for (i = 0; i < nev; i++)
		free(names[i]);
	return ret;
}

static void capture_close(struct rec *r)
{
	int cpu;

	for (cpu = 0; r->tc && cpu < r->ncpus; cpu++)
		if (r->tc[cpu])
			tracefs_cpu_close(r->tc[cpu]);	/* and its fd */
	zfree(&r->tc);
	zfree(&r->page);
}

/* Read until the workload exits, the duration passes, -p's processes exit or a signal. */
static int capture_loop(struct rec *r)
{
	double start = now_s();
	int ret = 0, status;

	for (;;) {
		if (*r->stop)
			break;
		if ((ret = drain(r, false)) < 0 ||
		    (ret = tlbr_spool_sync(&r->spool, false, r->err)) < 0)
			break;
		if (r->child > 0 && waitpid(r->child, &status, WNOHANG) == r->child) {
			r->res->workload_status = status;
			r->res->workload_ended = true;
			r->child = -1;
			break;
		}
		if (r->o->duration > 0 && now_s() - start >= r->o->duration)
			break;
		if (r->o->npids && !pids_alive(r->o))
			break;
		usleep(20000);
	}
	r->res->seconds = now_s() - start;
	return ret;
}

static int real_capture(struct rec *r)
{
	int ret;

	ret = capture_open(r);
	if (ret == 0 && r->o->command)
		ret = workload_fork(r);
	if (ret < 0)
		return ret;
	/*
	 * the metadata first, then the events: the census's site lines come
	 * before any TLBI they describe (a DSB is told from a TLBI by them);
	 * the events are enabled while tracing is off: arming a kprobe patches
	 * the kernel's text, and its TLBIs are not the workload's
	 */
	tracefs_trace_on(r->inst);
	r->res->capture_started = true;
	write_metadata(r->inst, r->o, &r->plan, &r->cen, r->child);
	tracefs_trace_off(r->inst);
	if ((ret = step_enable(r)) < 0)
		return ret;
	tracefs_trace_on(r->inst);
	write_all_maps(r->inst, r->o);
	if (r->o->command && (ret = workload_go(r)) < 0)
		return ret;
	ret = capture_loop(r);
	tracefs_trace_off(r->inst);
	if (ret == 0)
		ret = drain(r, true);
	r->res->lost = lost_events(r->inst, r->ncpus);
	r->res->bytes = tlbr_spool_bytes(&r->spool);
	return ret;
}

static void real_teardown(struct rec *r)
{
	unsigned int k;

	if (r->child > 0) {	/* stopped early: the workload is ours to end */
		int status;

		kill(r->child, SIGTERM);
		if (waitpid(r->child, &status, 0) == r->child)
			r->res->workload_status = status;
		r->child = -1;
	}
	capture_close(r);
	if (r->inst) {
		tracefs_trace_off(r->inst);
		tracefs_event_disable(r->inst, NULL, NULL);
		tracefs_instance_destroy(r->inst);
		tracefs_instance_free(r->inst);
		r->inst = NULL;
	}
	tlbr_census_release(&r->cen);
	for (k = 0; k < r->nprobes; k++) {
		tracefs_dynevent_destroy(r->probes[k], true);
		tracefs_dynevent_free(r->probes[k]);
	}
	r->nprobes = 0;
}

static const struct backend real_backend = {
	.instance_create = real_instance_create,
	.write = real_write,
	.kprobe_create = real_kprobe_create,
	.census = real_census,
	.event_enable = real_event_enable,
	.capture = real_capture,
	.teardown = real_teardown,
};

/* ------------------------------------------------------------------ steps */

/* Can @cmd be run (execvp's search)? */
static int command_runnable(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	int found = -ENOENT;

	if (!*cmd)
		return -ENOENT;
	if (strchr(cmd, '/'))
		return access(cmd, X_OK) < 0 ? -errno : 0;
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		struct stat st;

		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, path, n ? "/" : "", cmd);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(buf, X_OK) == 0)
				return 0;
			found = -EACCES;
		}
		path += n + (path[n] == ':');
	}
	return found;
}

/*
 * Before anything is set up: root, tracefs, the workload can run, the
 * output can be written (its spool made); killed recorders' leftovers go.
 */
static int step_preflight(struct rec *r)
{
	const struct tlbr_record_opts *o = r->o;
	int ret;

	if (o->command && (ret = command_runnable(o->command[0])) < 0)
		return failf(r, ret, "cannot run '%s': %s", o->command[0],
			     ret == -ENOENT ? "command not found" : strerror(-ret));
	if (geteuid() != 0)
		return failf(r, -EPERM, "recording needs root (tracefs and its instances)");
	if (!tracefs_tracing_dir())
		return failf(r, -ENODEV, "tracefs is not mounted and cannot be: mount -t tracefs "
					 "nodev /sys/kernel/tracing");
	tlbr_record_remove_stale(o->log);
	tlbr_record_recover_stale(o->output, o->log);
	return tlbr_spool_create(&r->spool, o->output, r->err);
}

/* The instance, stopped until the capture starts. */
static int step_instance(struct rec *r)
{
	int ret = r->be->instance_create(r);

	return ret < 0 ? ret : r->be->write(r, "tracing_on", "0");
}

/* The plan's kprobes, then the census's (arm64): before the instance enables them. */
static int step_probes(struct rec *r)
{
	unsigned int i;
	int ret;

	for (i = 0; i < r->plan.n; i++) {
		const struct tlbr_plan_item *it = &r->plan.items[i];

		if (it->available && it->kprobe && (ret = r->be->kprobe_create(r, it)) < 0)
			return ret;
	}
	if (!r->o->no_census)
		r->be->census(r);
	return 0;
}

static int step_configure(struct rec *r)
{
	char kb[32];
	int ret;

	snprintf(kb, sizeof(kb), "%u", r->o->buffer_kb);
	ret = r->be->write(r, "trace_clock", "mono");
	return ret < 0 ? ret : r->be->write(r, "buffer_size_kb", kb);
}

static int step_enable(struct rec *r)
{
	unsigned int i;
	char ev[32];
	int ret;

	for (i = 0; i < r->cen.nprobed; i++) {
		tlbr_tlbi_event(&r->cen, i, ev, sizeof(ev));
		if ((ret = r->be->event_enable(r, PROBE_SYSTEM, ev, NULL)) < 0)
			return ret;
	}
	if (r->cen.age_planned &&
	    (ret = r->be->event_enable(r, PROBE_SYSTEM, "age_young", NULL)) < 0)
		return ret;
	if (r->cen.age_pmd_planned &&
	    (ret = r->be->event_enable(r, PROBE_SYSTEM, "age_young_pmd", NULL)) < 0)
		return ret;
	if (r->cen.free_planned &&
	    (ret = r->be->event_enable(r, PROBE_SYSTEM, "age_free", NULL)) < 0)
		return ret;
	for (i = 0; i < r->plan.n; i++)
		if (r->plan.items[i].available &&
		    (ret = r->be->event_enable(r, r->plan.items[i].system, r->plan.items[i].event,
					       r->plan.items[i].filter)) < 0)
			return ret;
	return 0;
}

/* The trace.dat from the spool; what went wrong before is said first. */
static int step_write(struct rec *r, int ret)
{
	char why[sizeof(r->err->msg) + 32];
	int wret;

	if (!r->res->capture_started || (r->o->command && !r->res->workload_started)) {
		tlbr_spool_discard(&r->spool);	/* nothing (of the workload) was recorded */
		return ret;
	}
	snprintf(why, sizeof(why), "%s%s", ret == -ENOSPC || ret == -EDQUOT ?
		 "the disk is full: " : "", r->err->msg);
	wret = tlbr_spool_finish(&r->spool, &r->res->old_kept, r->err);
	if (wret == 0) {
		r->res->written = true;
		if (ret < 0)
			failf(r, ret, "%s; the trace holds what was recorded until then (%.1f s)",
			      why, r->res->seconds);
		return ret;
	}
	if (ret < 0) {
		char werr[sizeof(r->err->msg)];

		snprintf(werr, sizeof(werr), "%s", r->err->msg);
		failf(r, ret, "%s; %s", why, werr);
	}
	r->res->kept = true;
	snprintf(r->res->spool, sizeof(r->res->spool), "%s", r->spool.dir);
	return ret < 0 ? ret : wret;
}

int tlbr_record_run(const struct tlbr_record_opts *o, volatile sig_atomic_t *stop,
		    struct tlbr_record_result *res, struct tlbr_error *err)
{
	struct rec *r = calloc(1, sizeof(*r));
	int ret;

	memset(res, 0, sizeof(*res));
	if (!r) {
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
		return -ENOMEM;
	}
	*r = (struct rec){ .o = o, .be = o->dry_run ? &dry_backend : &real_backend,
			   .stop = stop, .res = res, .err = err, .child = -1,
			   .go = { -1, -1 }, .execerr = { -1, -1 } };
	r->spool.dirfd = -1;
	*err = (struct tlbr_error){ .offset = UINT64_MAX };
	tlbr_plan_probe(o->sysroot, &r->plan);
	snprintf(r->name, sizeof(r->name), PREFIX "%d", (int)getpid());
	if (!o->dry_run && (ret = step_preflight(r)) < 0)
		goto out_spool;
	ret = step_instance(r);
	if (ret == 0)
		ret = step_probes(r);
	if (ret == 0)
		ret = step_configure(r);
	if (ret == 0)	/* (it enables the events once the metadata is written) */
		ret = r->be->capture(r);
	if (!o->dry_run && r->res->workload_ended && !*stop)
		res->workload_failed = !WIFEXITED(res->workload_status) ||
				       WEXITSTATUS(res->workload_status);
	r->be->teardown(r);
	if (!o->dry_run && r->spool.dir[0])
		ret = step_write(r, ret);
out_spool:
	if (r->spool.dir[0] && r->spool.dirfd >= 0 && !res->kept)
		tlbr_spool_discard(&r->spool);
	for (int i = 0; i < 2; i++) {
		if (r->go[i] >= 0)
			close(r->go[i]);
		if (r->execerr[i] >= 0)
			close(r->execerr[i]);
	}
	free(r);
	return ret;
}
