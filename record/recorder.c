// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * recorder.c - record into a private tracefs instance and write a trace.dat.
 *
 * The instance is named tlbreplay_<pid>, so that a later run can tell the
 * instance of a recorder that was killed (its pid is gone) and remove it,
 * and never touches another tool's. Per-CPU raw buffers are drained into
 * temporary files while the workload runs, then libtracecmd's writer turns
 * them into a trace.dat (v7, compressed) that trace-cmd and KernelShark open.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tracefs/tracefs.h>

#include "config.h"
#include "record-local.h"
#include "tracecmd-writer.h"

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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct capture {
	int ncpus;
	struct tracefs_cpu **tc;
	int *fd;
	char **file;
	char *page;
	char dir[64];
};

static int drain(struct capture *c, bool flush)
{
	int cpu, n;

	for (cpu = 0; cpu < c->ncpus; cpu++) {
		if (!c->tc[cpu])
			continue;
		while ((n = tracefs_cpu_read(c->tc[cpu], c->page, true)) > 0)
			if (write(c->fd[cpu], c->page, (size_t)n) != n)
				return -errno;
		while (flush && (n = tracefs_cpu_flush(c->tc[cpu], c->page)) > 0)
			if (write(c->fd[cpu], c->page, (size_t)n) != n)
				return -errno;
	}
	return 0;
}

static void capture_release(struct capture *c)
{
	int cpu;

	for (cpu = 0; cpu < c->ncpus; cpu++) {
		if (c->tc && c->tc[cpu])
			tracefs_cpu_close(c->tc[cpu]);
		if (c->fd && c->fd[cpu] >= 0)
			close(c->fd[cpu]);
		if (c->file && c->file[cpu]) {
			unlink(c->file[cpu]);
			free(c->file[cpu]);
		}
	}
	if (c->dir[0])
		rmdir(c->dir);
	free(c->tc);
	free(c->fd);
	free(c->file);
	free(c->page);
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

static int write_dat(const char *output, struct tracefs_instance *inst,
		     const struct tlbr_plan_item *items, unsigned int nitems, bool census,
		     struct capture *c, char *err, size_t errlen)
{
	struct tracecmd_event_list *list = NULL, *l;
	struct tracecmd_output *out;
	char uname_buf[512], *clock;
	struct utsname u;
	unsigned int i;
	int ret = -EIO;

	l = calloc(nitems + 2, sizeof(*l));
	if (!l)
		return -ENOMEM;
	if (census) {	/* the TLBI probes */
		l[nitems + 1].glob = strdup(PROBE_SYSTEM ":tlbi_*");
		if (!l[nitems + 1].glob)
			goto out;
		list = &l[nitems + 1];
	}
	for (i = 0; i < nitems + 1; i++) {
		char *glob;

		if (i == nitems) {	/* the recorder's own markers */
			glob = strdup("ftrace:print");
			if (!glob)
				goto out;
			l[i].glob = glob;
			l[i].next = list;
			list = &l[i];
			break;
		}
		if (!items[i].available)
			continue;
		if (asprintf(&glob, "%s:%s", items[i].system, items[i].event) < 0)
			goto out;
		l[i].glob = glob;
		l[i].next = list;
		list = &l[i];
	}
	out = tracecmd_output_create(output);
	if (!out) {
		snprintf(err, errlen, "cannot create '%s': %s", output, strerror(errno));
		goto out;
	}
	tracecmd_set_out_clock(out, "mono");
	tracecmd_output_set_compression(out, "any");
	if (tracecmd_output_write_headers(out, list) < 0) {
		snprintf(err, errlen, "cannot write the headers of '%s'", output);
		tracecmd_output_close(out);
		goto out;
	}
	clock = tracefs_instance_file_read(inst, "trace_clock", NULL);
	if (clock) {
		tracecmd_add_option(out, TRACECMD_OPTION_TRACECLOCK, (int)strlen(clock) + 1, clock);
		free(clock);
	}
	if (uname(&u) == 0) {
		snprintf(uname_buf, sizeof(uname_buf), "%s %s %s %s %s", u.sysname, u.nodename,
			 u.release, u.version, u.machine);
		tracecmd_add_option(out, TRACECMD_OPTION_UNAME, (int)strlen(uname_buf) + 1,
				    uname_buf);
	}
	tracecmd_write_cmdlines(out);
	{
		/* libtracecmd prints a summary per CPU on stderr: not ours to print */
		int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		fflush(stderr);
		if (saved >= 0 && null >= 0)
			dup2(null, STDERR_FILENO);
		ret = tracecmd_append_cpu_data(out, c->ncpus, c->file);
		fflush(stderr);
		if (saved >= 0 && null >= 0)
			dup2(saved, STDERR_FILENO);
		if (saved >= 0)
			close(saved);
		if (null >= 0)
			close(null);
	}
	if (ret < 0) {
		snprintf(err, errlen, "cannot write the event data to '%s'", output);
		tracecmd_output_close(out);
		ret = -EIO;
		goto out;
	}
	tracecmd_output_close(out);
	ret = 0;
out:
	for (i = 0; i < nitems + 2; i++)
		free((char *)l[i].glob);
	free(l);
	return ret;
}

/* The first line of /proc/cpuinfo starting with @key, value only. */
static void cpuinfo(const char *key, char *buf, size_t n)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, n, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, strlen(key)) || !colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		snprintf(buf, n, "%.*s", (int)strcspn(colon, "\n"), colon);
		break;
	}
	if (f)
		fclose(f);
}

/* A process's memory map as "tlbreplay-maps PID <maps line>" markers (none for kthreads). */
static void write_maps(struct tracefs_instance *inst, pid_t pid)
{
	char path[64], line[600];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		tracefs_printf(inst, "tlbreplay-maps %d %.*s\n", (int)pid, (int)strcspn(line, "\n"),
			       line);
	if (f)
		fclose(f);
}

/*
 * What replay needs to know about the machine, as trace markers (the
 * ftrace:print event, which trace-cmd shows too): "tlbreplay-meta v1 ...",
 * and "tlbreplay-maps PID <maps line>" for each process recorded with -p, or
 * for every process running when -a starts.
 */
static void write_metadata(struct tracefs_instance *inst, const struct tlbr_record_opts *o,
			   const struct tlbr_plan_item *items, unsigned int n,
			   const struct census *cs)
{
	char model[160], flags[4096], missing[1024] = "";
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
	virt = strstr(flags, " hypervisor") || access("/sys/hypervisor/type", F_OK) == 0;
	for (i = 0; model[i]; i++)
		if (model[i] == ' ')
			model[i] = '_';
	tracefs_printf(inst, "tlbreplay-meta v1 arch=%s page_size=%ld cpus=%ld cpu_model=%s "
		       "kernel=%s virtualised=%s recorder=tlbreplay-%s\n", u.machine,
		       sysconf(_SC_PAGESIZE), sysconf(_SC_NPROCESSORS_CONF), model, u.release,
		       virt ? "yes" : "no", TLBR_VERSION);
	for (i = 0; i < n; i++)
		if (!items[i].available && m < sizeof(missing) - 100)
			m += (size_t)snprintf(missing + m, sizeof(missing) - m, "%s%s:%s",
					      m ? "," : "", items[i].system, items[i].event);
	tracefs_printf(inst, "tlbreplay-meta plan_missing=%s\n", m ? missing : "none");
	for (i = 0; i < cs->n; i++) {
		char line[400];

		census_line(&cs->sites[i], i, line, sizeof(line));
		tracefs_printf(inst, "tlbreplay-tlbi %s\n", line);
	}
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

/* The plan's kprobes (arm64): created before the instance enables them. */
static int create_probes(const struct tlbr_plan_item *items, unsigned int n,
			 struct tracefs_dynevent **probes, unsigned int max, char *err,
			 size_t errlen)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		const struct tlbr_plan_item *it = &items[i];
		struct tracefs_dynevent *ev;

		if (!it->available || !it->kprobe)
			continue;
		if (k == max) {
			snprintf(err, errlen, "too many kprobes in the plan");
			return -E2BIG;
		}
		ev = it->retprobe ? tracefs_kretprobe_alloc(it->system, it->event, it->symbol,
							    it->fetch, 0) :
				    tracefs_kprobe_alloc(it->system, it->event, it->symbol,
							 it->fetch);
		if (!ev || tracefs_dynevent_create(ev) < 0) {
			char *kerr = tracefs_error_last(NULL);

			snprintf(err, errlen, "the kernel refused the kprobe %s/%s on %s: %s%s",
				 it->system, it->event, it->symbol, kerr ? kerr : strerror(errno),
				 errno == EEXIST || errno == EBUSY ?
				 " (another tlbreplay record running?)" : "");
			free(kerr);
			tracefs_dynevent_free(ev);
			return -EIO;
		}
		probes[k++] = ev;
	}
	return 0;
}

static void destroy_probes(struct tracefs_dynevent **probes, unsigned int max)
{
	unsigned int k;

	for (k = 0; k < max && probes[k]; k++) {
		tracefs_dynevent_destroy(probes[k], true);
		tracefs_dynevent_free(probes[k]);
		probes[k] = NULL;
	}
}

static bool pids_alive(const struct tlbr_record_opts *o)
{
	unsigned int i;

	for (i = 0; i < o->npids; i++)
		if (kill(o->pids[i], 0) == 0 || errno != ESRCH)
			return true;
	return false;
}

static void dry(const struct tlbr_record_opts *o, const char *fmt, ...) __printf(2, 3);

static void dry(const struct tlbr_record_opts *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(o->log, fmt, ap);
	va_end(ap);
	fputc('\n', o->log);
}

int tlbr_record_run(const struct tlbr_record_opts *o, volatile sig_atomic_t *stop,
		    int *ret_child_status, unsigned long long *ret_lost, char *err, size_t errlen)
{
	struct tracefs_instance *inst = NULL;
	struct tlbr_plan_item *items;
	const struct tlbr_plan_env *env;
	struct tracefs_dynevent *probes[32] = { 0 };
	struct census cen = { 0 };
	struct capture c = { 0 };
	unsigned int n, i;
	int ret = 0, cpu, go[2] = { -1, -1 };
	pid_t child = -1;
	char name[64], kb[32];
	double start;

	n = tlbr_plan_probe(o->sysroot, &items, &env);
	snprintf(name, sizeof(name), PREFIX "%d", (int)getpid());
	snprintf(kb, sizeof(kb), "%u", o->buffer_kb);
	if (o->dry_run) {
		const char *top = tracefs_tracing_dir();

		dry(o, "mkdir %s/instances/%s", env->sysroot[0] ? env->tracing :
					top ? top : "/sys/kernel/tracing", name);
		for (i = 0; i < n; i++) {
			char line[512];

			if (!items[i].available || !items[i].kprobe)
				continue;
			tlbr_plan_kprobe_line(&items[i], line, sizeof(line));
			dry(o, "echo '%s' >> kprobe_events", line);
		}
		if (!o->no_census)
			census_probe(&cen, env, false, NULL);
		for (i = 0; i < cen.nprobed; i++) {
			const struct tlbr_tlbi_site *t = &cen.sites[cen.ev_site[i]];

			char fetch[64];

			tlbi_fetch(t, (unsigned int)cen.ev_site[i], fetch, sizeof(fetch));
			if (t->by_address)
				dry(o, "echo 'p:%s/tlbi_%d 0x%llx %s' >> kprobe_events", PROBE_SYSTEM,
				    cen.ev_site[i], (unsigned long long)t->addr, fetch);
			else
				dry(o, "echo 'p:%s/tlbi_%d %s+0x%llx %s' >> kprobe_events",
				    PROBE_SYSTEM, cen.ev_site[i], t->function,
				    (unsigned long long)t->offset, fetch);
		}
		census_release(&cen);
		dry(o, "echo mono > instances/%s/trace_clock%s", name, "");
		dry(o, "echo %s > instances/%s/buffer_size_kb", kb, name);
		for (i = 0; i < n; i++) {
			char ev[96];

			if (!items[i].available)
				continue;
			snprintf(ev, sizeof(ev), "%s/%s", items[i].system, items[i].event);
			dry(o, "echo 1 > instances/%s/events/%s/enable", name, ev);
		}
		dry(o, "echo 1 > instances/%s/tracing_on%s", name, "");
		dry(o, "read instances/%s/per_cpu/cpu*/trace_pipe_raw until the end%s", name, "");
		dry(o, "echo 0 > instances/%s/tracing_on%s", name, "");
		dry(o, "rmdir instances/%s%s", name, "");
		for (i = 0; i < n; i++)
			if (items[i].available && items[i].kprobe)
				dry(o, "echo '-:%s/%s' >> kprobe_events", items[i].system,
				    items[i].event);
		return 0;
	}
	if (geteuid() != 0) {
		snprintf(err, errlen, "recording needs root (tracefs and its instances)");
		return -EPERM;
	}
	if (!tracefs_tracing_dir()) {
		snprintf(err, errlen, "tracefs is not mounted and cannot be: mount -t tracefs "
				      "nodev /sys/kernel/tracing");
		return -ENODEV;
	}
	tlbr_record_remove_stale(o->log);
	inst = tracefs_instance_create(name);
	if (!inst) {
		snprintf(err, errlen, "cannot create the tracefs instance '%s': %s", name,
			 strerror(errno));
		return -errno;
	}
	tracefs_trace_off(inst);
	if (tracefs_instance_file_write(inst, "trace_clock", "mono") < 0 ||
	    tracefs_instance_set_buffer_size(inst, o->buffer_kb, -1) < 0) {
		snprintf(err, errlen, "the kernel refused the clock or the buffer size");
		ret = -EIO;
		goto out;
	}
	ret = create_probes(items, n, probes, ARRAY_SIZE(probes), err, errlen);
	if (ret < 0)
		goto out;
	if (!o->no_census)
		census_probe(&cen, env, true, o->log);
	for (i = 0; i < cen.nprobed; i++) {
		char ev[32];

		snprintf(ev, sizeof(ev), "tlbi_%d", cen.ev_site[i]);
		if (tracefs_event_enable(inst, PROBE_SYSTEM, ev) < 0) {
			snprintf(err, errlen, "cannot enable %s:%s", PROBE_SYSTEM, ev);
			ret = -EIO;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (!items[i].available)
			continue;
		if (tracefs_event_enable(inst, items[i].system, items[i].event) < 0) {
			snprintf(err, errlen, "cannot enable %s:%s", items[i].system,
				 items[i].event);
			ret = -EIO;
			goto out;
		}
	}

	c.ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	c.tc = calloc((size_t)c.ncpus, sizeof(*c.tc));
	c.fd = malloc((size_t)c.ncpus * sizeof(*c.fd));
	c.file = calloc((size_t)c.ncpus, sizeof(*c.file));
	snprintf(c.dir, sizeof(c.dir), "%s/tlbreplay-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!c.tc || !c.fd || !c.file || !mkdtemp(c.dir)) {
		c.dir[0] = '\0';
		snprintf(err, errlen, "cannot make temporary files: %s", strerror(errno));
		ret = -ENOMEM;
		goto out;
	}
	for (cpu = 0; cpu < c.ncpus; cpu++)
		c.fd[cpu] = -1;
	for (cpu = 0; cpu < c.ncpus; cpu++) {
		if (asprintf(&c.file[cpu], "%s/cpu%d", c.dir, cpu) < 0) {
			c.file[cpu] = NULL;
			ret = -ENOMEM;
			goto out;
		}
		c.fd[cpu] = open(c.file[cpu], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		c.tc[cpu] = tracefs_cpu_open(inst, cpu, true);
		if (c.fd[cpu] < 0) {
			snprintf(err, errlen, "cannot create '%s': %s", c.file[cpu],
				 strerror(errno));
			ret = -errno;
			goto out;
		}
		if (!c.page && c.tc[cpu])
			c.page = malloc((size_t)tracefs_cpu_read_size(c.tc[cpu]));
	}
	if (!c.page) {
		snprintf(err, errlen, "cannot read the instance's per-CPU buffers");
		ret = -EIO;
		goto out;
	}

	if (o->command) {
		/* the workload starts once tracing is on */
		if (pipe(go) < 0) {
			ret = -errno;
			goto out;
		}
		child = fork();
		if (child < 0) {
			ret = -errno;
			goto out;
		}
		if (child == 0) {
			char b;

			close(go[1]);
			if (read(go[0], &b, 1) != 1)
				_exit(127);
			close(go[0]);
			execvp(o->command[0], o->command);
			fprintf(stderr, "tlbreplay: error: cannot run '%s': %s\n", o->command[0],
				strerror(errno));
			_exit(127);
		}
		close(go[0]);
		go[0] = -1;
	}
	tracefs_trace_on(inst);
	write_metadata(inst, o, items, n, &cen);
	start = now_s();
	if (child > 0) {
		if (write(go[1], "g", 1) != 1)
			kill(child, SIGKILL);
		close(go[1]);
		go[1] = -1;
	}
	while (!*stop) {
		int status;

		if ((ret = drain(&c, false)) < 0)
			break;
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			*ret_child_status = status;
			child = -1;
			break;
		}
		if (o->duration > 0 && now_s() - start >= o->duration)
			break;
		if (o->npids && !pids_alive(o))
			break;
		usleep(20000);
	}
	tracefs_trace_off(inst);
	if (ret >= 0)
		ret = drain(&c, true);
	if (ret < 0) {
		snprintf(err, errlen, "cannot save the event data: %s", strerror(-ret));
		goto out;
	}
	*ret_lost = lost_events(inst, c.ncpus);
	ret = write_dat(o->output, inst, items, n, cen.nprobed > 0, &c, err, errlen);
out:
	if (child > 0) {	/* stopped early: the workload is ours to end */
		int status;

		kill(child, SIGTERM);
		if (waitpid(child, &status, 0) == child)
			*ret_child_status = status;
	}
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	capture_release(&c);
	if (inst) {
		tracefs_trace_off(inst);
		tracefs_event_disable(inst, NULL, NULL);
		tracefs_instance_destroy(inst);
		tracefs_instance_free(inst);
	}
	census_release(&cen);
	destroy_probes(probes, ARRAY_SIZE(probes));
	return ret;
}
