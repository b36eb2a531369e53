// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spool.c - a recording's data on disk as it is read, and its assembly into
 * a trace.dat.
 *
 * While it records, the recorder keeps everything in a spool directory
 * beside the output, OUTPUT.tlbreplay-PID/ (the same file system, so the
 * final rename is atomic):
 *
 *	recording	what the trace.dat needs besides the data: "tlbreplay-spool v1",
 *			the CPU count, the sub-buffer size, the clock, uname, boot id
 *	tracing/	a copy of the tracefs files the trace.dat holds (header_page,
 *			header_event, events/SYSTEM/EVENT/format): the kprobes' formats
 *			are gone once the probes are, and after a reboot all are
 *	cpuN		CPU N's ring-buffer sub-buffers, appended as they are read and
 *			synced to disk every second
 *	trace.dat.tmp	the trace.dat being assembled; "assembled" once it is complete
 *	finished	the spool is being removed (its trace is in place, or there is none)
 *
 * The recorder holds an flock on the directory while it runs. A directory
 * nobody holds is a killed (or powered-off) recorder's: the next recording
 * into the same directory, or `tlbreplay record --recover DIR`, assembles a
 * trace.dat from what it holds (whole sub-buffers only) and removes it. A
 * registry of live spools under /run/tlbreplay lets a recording elsewhere
 * find them too (until a reboot empties /run).
 *
 * An existing output is never destroyed: it is renamed to OUTPUT.old (as
 * perf does with perf.data.old) in the same step that puts the new one in
 * place.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "record-local.h"
#include "tracecmd-writer.h"

#define SPOOL_TAG ".tlbreplay-"
#define MANIFEST "recording"
#define ASSEMBLED "assembled"
#define FINISHED "finished"	/* being removed: nothing in it is to be recovered */
#define TMP_DAT "trace.dat.tmp"
#define REGISTRY "/run/tlbreplay"
#define PAGE_HEADER 16		/* u64 timestamp, u64 commit (64-bit kernels) */

static int fail(struct tlbr_error *err, int ret, const char *fmt, ...) __printf(3, 4);

static int fail(struct tlbr_error *err, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err->offset = UINT64_MAX;
	err->line = 0;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return ret;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void boot_id(char *buf, size_t n)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	if (!f || !fgets(buf, (int)n, f))
		snprintf(buf, n, "unknown");
	buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

static int fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Write all of @n bytes: a write to a regular file may return short (a signal
 * arrives during it) or fail with EINTR; only a write that makes no progress
 * (0 bytes: no room) or fails otherwise is an error. A full disk is given a
 * few seconds (100 tries, 50 ms apart) before it is an error: a workload may fill it
 * for a moment (stress-ng's fallocate of 16 TB fails with ENOSPC after taking
 * every free block, then gives them back). Returns 0 or -errno.
 */
static int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	int full = 0;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == ENOSPC || errno == EDQUOT) && ++full < 100) {
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);
			continue;
		}
		if (w < 0)
			return -errno;
		if (w == 0)
			return -ENOSPC;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copy @src (a tracefs file: its size is unknown until read) into @dst. */
static int copy_file(const char *src, const char *dst)
{
	char buf[8192];
	int in, out, ret = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if ((ret = write_all(out, buf, (size_t)n)) < 0)
			break;
	if (n < 0 && !ret)
		ret = -errno;
	if (!ret && fsync(out) < 0)
		ret = -errno;
	close(in);
	if (close(out) < 0 && !ret)
		ret = -errno;
	return ret;
}

static int mkdirs(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	if (ftw->level == 1 && !strcmp(path + ftw->base, FINISHED))
		return 0;	/* the spool's marker goes last */
	if (ftw->level == 0)
		return 0;	/* and the directory after it */
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/*
 * Remove the spool @dir. A removal can be killed half-way: the spool is
 * first marked finished, so that what is left (a spool without its
 * "assembled" mark or with half its formats) is never taken for a
 * recording to assemble; the mark is the last thing to go.
 */
static void remove_tree(const char *dir)
{
	char mark[PATH_MAX + 16];
	int fd;

	snprintf(mark, sizeof(mark), "%s/" FINISHED, dir);
	fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	unlink(mark);
	rmdir(dir);
}

/* ---------------------------------------------------------------- recording */

int tlbr_spool_create(struct tlbr_spool *s, const char *output, struct tlbr_error *err)
{
	char tmp[PATH_MAX + 8], abs_dir[PATH_MAX], out[PATH_MAX], *d;
	struct stat st;
	int ret;

	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
	if (strlen(output) >= sizeof(out) - 64)
		return fail(err, -ENAMETOOLONG, "cannot write '%s': the name is too long",
			    output);
	if (stat(output, &st) == 0 && S_ISDIR(st.st_mode))
		return fail(err, -EISDIR, "cannot write '%s': it is a directory", output);
	snprintf(out, sizeof(out), "%s", output);
	d = dirname(out);
	if (!realpath(d, abs_dir))
		return fail(err, -errno, "cannot write '%s': the directory '%s': %s",
			    output, d, strerror(errno));
	snprintf(out, sizeof(out), "%s", output);
	/* made under another name, locked, then renamed: never seen unlocked */
	if (snprintf(s->output, sizeof(s->output), "%s/%s", abs_dir, basename(out)) >=
	    (int)sizeof(s->output) - 32 ||
	    snprintf(s->dir, sizeof(s->dir), "%s" SPOOL_TAG "%d", s->output, (int)getpid()) >=
	    (int)sizeof(s->dir) ||
	    snprintf(tmp, sizeof(tmp), "%s.new", s->dir) >= (int)sizeof(tmp))
		return fail(err, -ENAMETOOLONG, "cannot write '%s': the name is too long",
			    output);
	if (mkdir(tmp, 0755) < 0)
		return fail(err, -errno, "cannot write '%s': %s", output, strerror(errno));
	s->dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0 || flock(s->dirfd, LOCK_EX | LOCK_NB) < 0 || rename(tmp, s->dir) < 0) {
		ret = -errno;
		rmdir(tmp);
		if (s->dirfd >= 0)
			close(s->dirfd);
		s->dirfd = -1;
		return fail(err, ret, "cannot write '%s': %s", output, strerror(-ret));
	}
	/* the registry is a convenience: a recording elsewhere finds this one */
	if (mkdirs(REGISTRY) == 0) {
		snprintf(s->registry, sizeof(s->registry), REGISTRY "/%d", (int)getpid());
		unlink(s->registry);
		if (symlink(s->dir, s->registry) < 0)
			s->registry[0] = '\0';
	}
	return 0;
}

int tlbr_spool_open_cpus(struct tlbr_spool *s, int ncpus, size_t page_size, struct tlbr_error *err)
{
	int cpu;

	s->ncpus = ncpus;
	s->page_size = page_size;
	s->fd = malloc((size_t)ncpus * sizeof(*s->fd));
	s->size = calloc((size_t)ncpus, sizeof(*s->size));
	s->file = calloc((size_t)ncpus, sizeof(*s->file));
	if (!s->fd || !s->size || !s->file)
		return fail(err, -ENOMEM, "out of memory");
	for (cpu = 0; cpu < ncpus; cpu++)
		s->fd[cpu] = -1;
	for (cpu = 0; cpu < ncpus; cpu++) {
		if (asprintf(&s->file[cpu], "%s/cpu%d", s->dir, cpu) < 0) {
			s->file[cpu] = NULL;
			return fail(err, -ENOMEM, "out of memory");
		}
		s->fd[cpu] = open(s->file[cpu], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (s->fd[cpu] < 0)
			return fail(err, -errno, "cannot create '%s': %s", s->file[cpu],
				    strerror(errno));
	}
	s->last_sync = now_s();
	return 0;
}

/*
 * Copy the tracefs files the trace.dat needs (@tracing: the tracefs
 * directory; @events: "system/event" globs of the enabled events), then
 * write the manifest: from then on the spool can be assembled.
 */
int tlbr_spool_snapshot(struct tlbr_spool *s, const char *tracing, const char *clock,
			const char *const *events, unsigned int nevents, struct tlbr_error *err)
{
	static const char *const headers[] = { "events/header_page", "events/header_event" };
	char src[PATH_MAX], dst[PATH_MAX + 64], id[64];
	struct utsname u;
	unsigned int i;
	FILE *f;
	int ret;

	for (i = 0; i < nevents + 1; i++) {
		const char *glob = i < nevents ? events[i] : "ftrace/*";
		char pattern[PATH_MAX];
		struct dirent *de;
		DIR *d;
		char sys[128], ev[128];

		if (sscanf(glob, "%127[^/]/%127s", sys, ev) != 2)
			continue;
		snprintf(pattern, sizeof(pattern), "%s/events/%s", tracing, sys);
		d = opendir(pattern);
		while (d && (de = readdir(d))) {
			size_t plen = strcspn(ev, "*");

			if (de->d_name[0] == '.' || strncmp(de->d_name, ev, plen) ||
			    (!ev[plen] && strcmp(de->d_name, ev)))
				continue;
			snprintf(src, sizeof(src), "%s/events/%s/%s/format", tracing, sys,
				 de->d_name);
			if (access(src, R_OK) < 0)
				continue;
			if (snprintf(dst, sizeof(dst), "%s/tracing/events/%s/%s", s->dir, sys,
				     de->d_name) >= (int)sizeof(dst) - 8)
				ret = -ENAMETOOLONG;
			else
				ret = mkdirs(dst);
			if (ret == 0) {
				strcat(dst, "/format");
				ret = copy_file(src, dst);
			}
			if (ret < 0) {
				closedir(d);
				return fail(err, ret, "cannot write '%s': %s", dst,
					    strerror(-ret));
			}
		}
		if (d)
			closedir(d);
	}
	for (i = 0; i < ARRAY_SIZE(headers); i++) {
		snprintf(src, sizeof(src), "%s/%s", tracing, headers[i]);
		snprintf(dst, sizeof(dst), "%s/tracing/%s", s->dir, headers[i]);
		ret = copy_file(src, dst);
		if (ret < 0)
			return fail(err, ret, "cannot copy '%s' into '%s': %s", src, dst,
				    strerror(-ret));
	}
	snprintf(dst, sizeof(dst), "%s/" MANIFEST, s->dir);
	f = fopen(dst, "we");
	if (!f)
		return fail(err, -errno, "cannot write '%s': %s", dst, strerror(errno));
	uname(&u);
	boot_id(id, sizeof(id));
	fprintf(f, "tlbreplay-spool v1\ncpus %d\npage_size %zu\nboot_id %s\nclock %.*s\n"
		   "uname %s %s %s %s %s\n", s->ncpus, s->page_size, id,
		(int)strcspn(clock, "\n"), clock, u.sysname, u.nodename, u.release, u.version,
		u.machine);
	ret = fflush(f) || fsync(fileno(f)) < 0 ? -errno : 0;
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret == 0 && fsync(s->dirfd) < 0)
		ret = -errno;
	if (ret < 0)
		return fail(err, ret, "cannot write '%s': %s", dst, strerror(-ret));
	return 0;
}

int tlbr_spool_write(struct tlbr_spool *s, int cpu, const void *data, size_t n, struct tlbr_error *err)
{
	int ret = write_all(s->fd[cpu], data, n);

	if (ret == 0) {
		s->size[cpu] += (off_t)n;
		return 0;
	}
	/* keep whole sub-buffers only: what did not fit is not there */
	if (ftruncate(s->fd[cpu], s->size[cpu]) == 0)
		lseek(s->fd[cpu], s->size[cpu], SEEK_SET);
	return fail(err, ret, "cannot write '%s': %s", s->file[cpu], strerror(-ret));
}

int tlbr_spool_sync(struct tlbr_spool *s, bool now, struct tlbr_error *err)
{
	int cpu;

	if (!now && now_s() - s->last_sync < 1.0)
		return 0;
	for (cpu = 0; cpu < s->ncpus; cpu++)
		if (s->fd[cpu] >= 0 && fdatasync(s->fd[cpu]) < 0)
			return fail(err, -errno, "cannot write '%s': %s", s->file[cpu],
				    strerror(errno));
	s->last_sync = now_s();
	return 0;
}

unsigned long long tlbr_spool_bytes(const struct tlbr_spool *s)
{
	unsigned long long n = 0;
	int cpu;

	for (cpu = 0; cpu < s->ncpus; cpu++)
		n += (unsigned long long)s->size[cpu];
	return n;
}

static void spool_close(struct tlbr_spool *s)
{
	int cpu;

	for (cpu = 0; cpu < s->ncpus; cpu++) {
		if (s->fd && s->fd[cpu] >= 0)
			close(s->fd[cpu]);
		if (s->file)
			free(s->file[cpu]);
	}
	zfree(&s->fd);
	zfree(&s->size);
	zfree(&s->file);
	s->ncpus = 0;
	if (s->registry[0])
		unlink(s->registry);
	s->registry[0] = '\0';
	if (s->dirfd >= 0)
		close(s->dirfd);	/* and the lock with it */
	s->dirfd = -1;
}

void tlbr_spool_discard(struct tlbr_spool *s)
{
	if (s->dir[0] && s->dirfd >= 0)
		remove_tree(s->dir);
	spool_close(s);
	s->dir[0] = '\0';
}

/* --------------------------------------------------------------- assembling */

struct manifest {
	int cpus;
	size_t page_size;
	char boot_id[64], clock[512], uname[512];
};

static int read_manifest(const char *dir, struct manifest *m, struct tlbr_error *err)
{
	char path[PATH_MAX + 16], line[1024];
	bool magic = false;
	FILE *f;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "%s/" MANIFEST, dir);
	f = fopen(path, "re");
	if (!f)
		return fail(err, -errno, "cannot read '%s': %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "tlbreplay-spool v1"))
			magic = true;
		else if (!strncmp(line, "cpus ", 5))
			m->cpus = atoi(line + 5);
		else if (!strncmp(line, "page_size ", 10))
			m->page_size = strtoul(line + 10, NULL, 10);
		else if (!strncmp(line, "boot_id ", 8))
			snprintf(m->boot_id, sizeof(m->boot_id), "%.63s", line + 8);
		else if (!strncmp(line, "clock ", 6))
			snprintf(m->clock, sizeof(m->clock), "%.511s", line + 6);
		else if (!strncmp(line, "uname ", 6))
			snprintf(m->uname, sizeof(m->uname), "%.511s", line + 6);
	}
	fclose(f);
	if (!magic || m->cpus <= 0 || m->cpus > TLBR_MAX_CPUS || m->page_size < 64 ||
	    m->page_size > (1 << 24))
		return fail(err, -EBADMSG, "'%s' is not a tlbreplay recording's manifest",
			    path);
	return 0;
}

/*
 * A killed recorder's CPU file: keep the whole sub-buffers up to the first
 * that is not one (a power loss can leave a torn or zero-filled tail).
 */
static int trim_cpu_file(const char *path, size_t page_size, unsigned long *ret_dropped)
{
	unsigned char *page = malloc(page_size);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	off_t off = 0, size;
	int ret = 0;

	*ret_dropped = 0;
	if (fd < 0 || !page) {
		ret = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	size = lseek(fd, 0, SEEK_END);
	while (off + (off_t)page_size <= size) {
		uint64_t commit;

		if (pread(fd, page, page_size, off) != (ssize_t)page_size)
			break;
		memcpy(&commit, page + 8, sizeof(commit));
		commit &= (1ULL << 30) - 1;	/* bits 30, 31: missed events */
		if (commit == 0 || commit > page_size - PAGE_HEADER)
			break;
		off += (off_t)page_size;
	}
	if (off < size) {
		*ret_dropped = (unsigned long)(size - off);
		if (ftruncate(fd, off) < 0)
			ret = -errno;
	}
out:
	if (fd >= 0)
		close(fd);
	free(page);
	return ret;
}

/* The files of the machine that recorded, when this is still its boot; else empty ones. */
static int machine_files(const char *dir, const struct manifest *m, bool *same_boot)
{
	static const char *const files[] = { "saved_cmdlines", "printk_formats" };
	const char *tracing = NULL;
	char id[64], dst[PATH_MAX + 64], src[PATH_MAX];
	unsigned int i;
	int ret = 0;

	boot_id(id, sizeof(id));
	*same_boot = strcmp(id, "unknown") && !strcmp(id, m->boot_id);
	if (*same_boot && geteuid() == 0)
		tracing = tracefs_tracing_dir();
	for (i = 0; i < ARRAY_SIZE(files) && !ret; i++) {
		snprintf(dst, sizeof(dst), "%s/tracing/%s", dir, files[i]);
		if (tracing) {
			snprintf(src, sizeof(src), "%s/%s", tracing, files[i]);
			if (copy_file(src, dst) == 0)
				continue;
		}
		int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0)
			ret = -errno;
		else
			close(fd);
	}
	return ret;
}

/* libtracecmd prints a summary per CPU on stderr: not ours to print. */
static int quiet_begin(void)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	fflush(stderr);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	if (null >= 0)
		close(null);
	return saved;
}

static void quiet_end(int saved)
{
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
}

/* Write @tmp from the spool @dir; when @mark, mark the spool assembled. */
static int assemble(const char *dir, const struct manifest *m, const char *tmp, bool mark,
		    struct tlbr_error *err)
{
	char trdir[PATH_MAX + 16], path[PATH_MAX + 32];
	struct tracecmd_output *out = NULL;
	char **files = NULL;
	bool same_boot;
	int cpu, ret, quiet, fd;

	machine_files(dir, m, &same_boot);	/* without them: no comms, no printk formats */
	files = calloc((size_t)m->cpus, sizeof(*files));
	if (!files)
		return fail(err, -ENOMEM, "out of memory");
	for (cpu = 0; cpu < m->cpus; cpu++)
		if (asprintf(&files[cpu], "%s/cpu%d", dir, cpu) < 0) {
			files[cpu] = NULL;
			ret = fail(err, -ENOMEM, "out of memory");
			goto out;
		}
	snprintf(trdir, sizeof(trdir), "%s/tracing", dir);
	unlink(tmp);
	quiet = quiet_begin();
	errno = 0;
	out = tracecmd_output_create(tmp);
	ret = -EIO;
	if (out) {
		tracecmd_output_set_trace_dir(out, trdir);
		if (!same_boot) {	/* another boot's symbols would be wrong: none */
			snprintf(path, sizeof(path), "%s/no-kallsyms", trdir);
			tracecmd_output_set_kallsyms(out, path);
		}
		tracecmd_set_out_clock(out, "mono");
		/*
		 * Version 7, not compressed: libtracecmd 1.3 reads zstd-compressed
		 * CPU data super-linearly (its cache of decompressed chunks grows
		 * with the file and is searched at every page), so a recording of
		 * 26 M events took more than 120 s of CPU to iterate compressed
		 * against 3.6 s uncompressed, and 3.6 M events 1.8 times as long.
		 * trace-cmd record does not compress by default either.
		 */
		tracecmd_output_set_version(out, 7);
		tracecmd_output_set_compression(out, "none");
		if (tracecmd_output_write_headers(out, NULL) == 0) {
			if (m->clock[0])
				tracecmd_add_option(out, TRACECMD_OPTION_TRACECLOCK,
						    (int)strlen(m->clock) + 1, m->clock);
			if (m->uname[0])
				tracecmd_add_option(out, TRACECMD_OPTION_UNAME,
						    (int)strlen(m->uname) + 1, m->uname);
			if (tracecmd_write_cmdlines(out) == 0 &&
			    tracecmd_append_cpu_data(out, m->cpus, files) == 0)
				ret = 0;
		}
	}
	if (ret < 0)
		ret = errno ? -errno : -EIO;
	quiet_end(quiet);
	if (ret < 0) {
		fail(err, ret, "cannot write '%s': %s", tmp, strerror(-ret));
		goto out;
	}
	tracecmd_output_close(out);
	out = NULL;
	ret = fsync_path(tmp, 0);
	if (ret < 0) {
		fail(err, ret, "cannot write '%s': %s", tmp, strerror(-ret));
		goto out;
	}
	if (!mark)
		goto out;
	snprintf(path, sizeof(path), "%s/" ASSEMBLED, dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || fsync(fd) < 0 || fsync_path(dir, O_DIRECTORY) < 0) {
		ret = fail(err, -errno, "cannot write '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
out:
	if (out)
		tracecmd_output_close(out);
	if (ret < 0)
		unlink(tmp);
	for (cpu = 0; cpu < m->cpus; cpu++)
		free(files[cpu]);
	free(files);
	return ret;
}

/*
 * Put an assembled trace.dat in place: an existing @output becomes
 * @output.old; then the spool goes. *@ret_old says whether there was one.
 */
static int commit(const char *dir, const char *tmp, const char *output, bool *ret_old,
		  struct tlbr_error *err)
{
	char old[PATH_MAX + 8], parent[PATH_MAX];
	struct stat st;

	snprintf(old, sizeof(old), "%s.old", output);
	*ret_old = false;
	if (access(tmp, F_OK) == 0) {
		if (lstat(output, &st) == 0) {
			if (rename(output, old) < 0)
				return fail(err, -errno, "cannot rename '%s' to '%s': %s",
					    output, old, strerror(errno));
			*ret_old = true;
		}
		if (rename(tmp, output) < 0)
			return fail(err, -errno, "cannot rename '%s' to '%s': %s", tmp,
				    output, strerror(errno));
		snprintf(parent, sizeof(parent), "%s", output);
		fsync_path(dirname(parent), O_DIRECTORY);
	}	/* else: renamed before the recorder was killed */
	remove_tree(dir);
	return 0;
}

/* Is @output in the directory that holds the spool @dir? */
static bool beside(const char *dir, const char *output)
{
	char a[PATH_MAX], b[PATH_MAX], ra[PATH_MAX], rb[PATH_MAX];

	snprintf(a, sizeof(a), "%s", dir);
	snprintf(b, sizeof(b), "%s", output);
	return realpath(dirname(a), ra) && realpath(dirname(b), rb) && !strcmp(ra, rb);
}

/*
 * Assemble the spool @dir into @output and remove it. Beside the spool,
 * the trace.dat is assembled inside it (a SIGKILL then leaves nothing
 * else); elsewhere (--recover -o), next to @output, as OUTPUT.tmp-PID.
 */
static int spool_finish(const char *dir, const char *output, bool *ret_old, struct tlbr_error *err)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 32];
	bool inside = beside(dir, output);
	struct manifest m;
	int ret;

	if (inside)
		snprintf(tmp, sizeof(tmp), "%s/" TMP_DAT, dir);
	else
		snprintf(tmp, sizeof(tmp), "%s.tmp-%d", output, (int)getpid());
	snprintf(path, sizeof(path), "%s/" ASSEMBLED, dir);
	if (!inside || access(path, F_OK) < 0) {
		ret = read_manifest(dir, &m, err);
		if (ret == 0)
			ret = assemble(dir, &m, tmp, inside, err);
		if (ret < 0)
			return ret;
	}
	return commit(dir, tmp, output, ret_old, err);
}

int tlbr_spool_finish(struct tlbr_spool *s, bool *ret_old, struct tlbr_error *err)
{
	int ret;

	ret = tlbr_spool_sync(s, true, err);
	if (ret == 0)
		ret = spool_finish(s->dir, s->output, ret_old, err);
	spool_close(s);		/* on failure the spool stays, for --recover */
	return ret;
}

/* ----------------------------------------------------------------- recovery */

/* OUTPUT.tlbreplay-PID -> OUTPUT (beside it), and PID; false if @dir is not so named. */
static bool spool_name(const char *dir, char *output, size_t n, long *ret_pid)
{
	char buf[PATH_MAX], *tag, *end;
	size_t len;

	snprintf(buf, sizeof(buf), "%s", dir);
	len = strlen(buf);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	tag = strstr(buf, SPOOL_TAG);
	while (tag && strstr(tag + 1, SPOOL_TAG))
		tag = strstr(tag + 1, SPOOL_TAG);
	if (!tag || tag == buf || tag[-1] == '/')
		return false;
	*ret_pid = strtol(tag + strlen(SPOOL_TAG), &end, 10);
	if (*end || *ret_pid <= 0)
		return false;
	*tag = '\0';
	snprintf(output, n, "%s", buf);
	return true;
}

static void unregister(long pid, const char *dir);

/* Remove the spool @dir nothing is to be recovered from (locked by @fd), saying @why. */
static int drop(const char *dir, int fd, long pid, const char *abs, FILE *log, const char *why)
{
	remove_tree(dir);
	close(fd);
	unregister(pid, abs);
	if (log)
		fprintf(log, "tlbreplay: removed '%s': %s\n", dir, why);
	return 0;
}

int tlbr_record_recover(const char *dir, const char *output, FILE *log, struct tlbr_error *err)
{
	char out[PATH_MAX], path[PATH_MAX + 16], abs[PATH_MAX];
	unsigned long dropped, total = 0;
	unsigned long long kept = 0;
	struct manifest m;
	struct stat st;
	bool old = false, assembled;
	long pid;
	int fd, ret, cpu;

	if (!spool_name(dir, out, sizeof(out), &pid))
		return fail(err, -EINVAL, "'%s' is not a recording's spool "
			    "(OUTPUT" SPOOL_TAG "PID)", dir);
	if (output)
		snprintf(out, sizeof(out), "%s", output);
	if (!realpath(dir, abs))
		snprintf(abs, sizeof(abs), "%s", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, -errno, "cannot open '%s': %s", dir, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ret = errno;
		close(fd);
		if (ret == EWOULDBLOCK)
			return fail(err, -EBUSY, "'%s' is still being recorded (by pid %ld)",
				    dir, pid);
		return fail(err, -ret, "cannot lock '%s': %s", dir, strerror(ret));
	}
	snprintf(path, sizeof(path), "%s/" FINISHED, dir);
	if (access(path, F_OK) == 0)	/* killed while it removed its spool */
		return drop(dir, fd, pid, abs, log, "its recorder had finished with it "
			    "(killed while removing it)");
	snprintf(path, sizeof(path), "%s/" MANIFEST, dir);
	if (access(path, F_OK) < 0)	/* killed before it recorded anything */
		return drop(dir, fd, pid, abs, log, "its recorder was killed before it "
			    "recorded anything");
	ret = read_manifest(dir, &m, err);
	snprintf(path, sizeof(path), "%s/" ASSEMBLED, dir);
	assembled = access(path, F_OK) == 0;
	/*
	 * Once "assembled" is written the CPU files are what the trace.dat
	 * holds: they are counted, not trimmed (a kill between assembly and
	 * the rename reported 0 bytes of events before).
	 */
	for (cpu = 0; ret == 0 && cpu < m.cpus; cpu++) {
		char f[PATH_MAX + 16];

		snprintf(f, sizeof(f), "%s/cpu%d", dir, cpu);
		if (access(f, F_OK) < 0) {	/* killed while opening them: empty */
			int nfd = assembled ? -1 : open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

			if (nfd >= 0)
				close(nfd);
			continue;
		}
		if (!assembled) {
			ret = trim_cpu_file(f, m.page_size, &dropped);
			if (ret < 0)
				fail(err, ret, "cannot read '%s': %s", f, strerror(-ret));
			total += dropped;
		}
		if (stat(f, &st) == 0)
			kept += (unsigned long long)st.st_size;
	}
	if (ret == 0 && !kept && !assembled)
		return drop(dir, fd, pid, abs, log, "its recorder had read no events yet");
	if (ret == 0)
		ret = spool_finish(dir, out, &old, err);
	close(fd);
	if (ret < 0)
		return ret;
	unregister(pid, abs);
	if (log) {
		fprintf(log, "tlbreplay: recovered the recording of an interrupted recorder (pid %ld) "
			     "into '%s' (%llu bytes of events)", pid, out, kept);
		if (old)
			fprintf(log, " (the previous one is now '%s.old')", out);
		if (total)
			fprintf(log, "; %lu bytes of torn data at its end dropped", total);
		fputc('\n', log);
	}
	return 1;
}

/* The registry's entry for @pid, if it names @abs_dir. */
static void unregister(long pid, const char *abs_dir)
{
	char reg[64], target[PATH_MAX];
	ssize_t len;

	snprintf(reg, sizeof(reg), REGISTRY "/%ld", pid);
	len = readlink(reg, target, sizeof(target) - 1);
	if (len <= 0)
		return;
	target[len] = '\0';
	if (!strcmp(target, abs_dir))
		unlink(reg);
}

/* Is @dir a spool nobody records into any more? */
static bool stale_spool(const char *dir)
{
	char out[PATH_MAX];
	struct stat st;
	long pid;
	int fd;
	bool stale;

	if (!spool_name(dir, out, sizeof(out), &pid) || lstat(dir, &st) < 0 ||
	    !S_ISDIR(st.st_mode))
		return false;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	stale = flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);
	return stale;
}

/* Recover @dir if it is a spool nobody records into: 1 if a trace was written. */
static int recover_stale(const char *dir, FILE *log)
{
	struct tlbr_error err = { .offset = UINT64_MAX };

	if (!stale_spool(dir))
		return 0;
	if (tlbr_record_recover(dir, NULL, log, &err) > 0)
		return 1;
	if (log && err.msg[0])
		fprintf(log, "tlbreplay: warning: a killed recorder's data: %s\n", err.msg);
	return 0;
}

int tlbr_record_recover_stale(const char *output, FILE *log)
{
	char buf[PATH_MAX], dir[PATH_MAX], path[PATH_MAX * 2 + 2];
	struct dirent *de;
	int n = 0;
	DIR *d;

	/* those beside the output */
	snprintf(buf, sizeof(buf), "%s", output);
	if (!realpath(dirname(buf), dir))
		return 0;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (!strstr(de->d_name, SPOOL_TAG))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (len > 4 && !strcmp(de->d_name + len - 4, ".new")) {
			/* killed between making and naming it: it holds nothing */
			int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
				remove_tree(path);
			if (fd >= 0)
				close(fd);
			continue;
		}
		n += recover_stale(path, log);
	}
	if (d)
		closedir(d);
	/* those the registry knows of, anywhere */
	d = opendir(REGISTRY);
	while (d && (de = readdir(d))) {
		char target[PATH_MAX], reg[PATH_MAX];
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(reg, sizeof(reg), REGISTRY "/%s", de->d_name);
		len = readlink(reg, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (access(target, F_OK) < 0) {
			unlink(reg);
			continue;
		}
		n += recover_stale(target, log);
		if (access(target, F_OK) < 0)
			unlink(reg);
	}
	if (d)
		closedir(d);
	return n;
}
