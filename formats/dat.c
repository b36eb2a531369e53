// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dat.c - trace.dat reader through libtracecmd's public API: the top
 * buffer and every instance buffer, all CPUs merged in timestamp order,
 * one record at a time (memory does not grow with the file).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>

#include "dat-check.h"
#include "formats-local.h"
#include "tep-decode.h"
#include "tracecmd-private.h"

struct dat_stream {
	struct tracecmd_input *h;
	int buffer;				/* 0: top, i + 1: instance i */
	int cpu;
	struct tep_record *next;		/* peeked record, or NULL when exhausted */
	uint64_t last_offset;			/* of the last record read */
	uint64_t last_ts;			/* of the last record read */
	uint64_t nrecords;
};

struct dat_reader {
	int fd;
	struct tracecmd_input *top;
	struct tracecmd_input **inst;		/* instance handles */
	int ninst;
	struct dat_stream *streams;
	int nstreams;
	struct tep_handle *tep;
	struct tep_decoder dec;
	struct tep_record *cur;			/* returned last, freed on the next call */
	bool lost_pending;			/* marker returned; the record itself is next */
	uint64_t last_ts;
	struct dat_layout layout;		/* what tlbr_dat_check() found in the file */
	/*
	 * pid -> command, as tep_data_comm_from_pid() answers (a binary search
	 * of the saved cmdlines at every record otherwise: 6% of what-if on a
	 * system-wide trace). Nothing registers a command after the file is
	 * opened, so its answers, and the strings they point to, do not change.
	 */
	struct comm_cache {
		int pid;
		bool set;
		const char *comm;
	} comms[1024];
	/*
	 * Every event's common_type and common_pid, where libtraceevent's
	 * tep_data_type() and tep_data_pid() find them (the first event's
	 * common fields), read directly when the file's byte order is the
	 * host's: two library calls of about 100 instructions each at every
	 * record otherwise (5% of what-if on a 9 M-event trace).
	 */
	uint64_t page_size;			/* tep_get_page_size(), asked once */
	int common_ready;			/* 0 not looked at, 1 fast, -1 the library's calls */
	int type_off, type_size, pid_off, pid_size;
};

/* libtraceevent's tep_read_number() of a host-order file: 1, 2, 4 or 8 bytes. O(1). */
static inline unsigned long long read_host(const void *data, int off, int size)
{
	const unsigned char *p = (const unsigned char *)data + off;
	uint16_t v2;
	uint32_t v4;
	uint64_t v8;

	switch (size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v2, p, 2);
		return v2;
	case 4:
		memcpy(&v4, p, 4);
		return v4;
	default:
		memcpy(&v8, p, 8);
		return v8;
	}
}

static bool size_ok(int size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Where tep_data_type() and tep_data_pid() read, once. */
static void common_setup(struct dat_reader *d)
{
	struct tep_event *ev = tep_get_first_event(d->tep);
	struct tep_format_field *ft = ev ? tep_find_common_field(ev, "common_type") : NULL;
	struct tep_format_field *fp = ev ? tep_find_common_field(ev, "common_pid") : NULL;

	d->common_ready = -1;
	if (!ft || !fp || !size_ok(ft->size) || !size_ok(fp->size) ||
	    tep_is_file_bigendian(d->tep) != tep_is_local_bigendian(d->tep))
		return;
	d->type_off = ft->offset;
	d->type_size = ft->size;
	d->pid_off = fp->offset;
	d->pid_size = fp->size;
	d->common_ready = 1;
}

/* tep_data_type(d->tep, rec), the same answer. O(1). */
static inline int rec_type(struct dat_reader *d, struct tep_record *rec)
{
	if (d->common_ready == 1)
		return (int)read_host(rec->data, d->type_off, d->type_size);
	return tep_data_type(d->tep, rec);
}

/* tep_data_pid(d->tep, rec), the same answer. O(1). */
static inline int rec_pid(struct dat_reader *d, struct tep_record *rec)
{
	if (d->common_ready == 1)
		return (int)read_host(rec->data, d->pid_off, d->pid_size);
	return tep_data_pid(d->tep, rec);
}

static const char *comm_of(struct dat_reader *d, int pid)
{
	struct comm_cache *c = &d->comms[(unsigned int)pid % 1024];

	if (!c->set || c->pid != pid) {
		c->comm = tep_data_comm_from_pid(d->tep, pid);
		c->pid = pid;
		c->set = true;
	}
	return c->comm;
}

/* The stream's instance buffer's name, NULL for the top buffer (error messages). */
static const char *buffer_name(struct dat_reader *d, const struct dat_stream *s)
{
	return s->buffer ? tracecmd_buffer_instance_name(d->top, s->buffer - 1) : NULL;
}

/*
 * Read the stream's next record. libtracecmd reports a chunk it cannot
 * decompress or a page it cannot load as the end of the CPU's data, so a
 * stream that ends is checked: pages read must follow each other, and the
 * last record read must be the last record of the CPU.
 */
static int stream_advance(struct dat_reader *d, struct dat_stream *s, struct tlbr_error *err)
{
	uint64_t page = d->page_size;
	const char *bname;
	uint64_t want;
	struct tep_record *last;

	s->next = tracecmd_read_data(s->h, s->cpu);
	if (s->next) {
		if (s->nrecords && page &&
		    s->next->offset / page > s->last_offset / page + 1) {
			bname = buffer_name(d, s);
			tlbr_error_set(err, s->last_offset, 0, "%s%s%s, cpu %d: the pages after "
				       "this one are missing (corrupt trace.dat)",
				       bname ? "buffer '" : "top buffer", bname ? bname : "",
				       bname ? "'" : "", s->cpu);
			return -EBADMSG;
		}
		if (s->nrecords && s->next->ts < s->last_ts) {
			bname = buffer_name(d, s);
			tlbr_error_set(err, s->next->offset, 0, "%s%s%s, cpu %d: timestamp %llu goes "
				       "backwards within the CPU (previous %llu): corrupt trace.dat",
				       bname ? "buffer '" : "top buffer", bname ? bname : "",
				       bname ? "'" : "", s->cpu, s->next->ts,
				       (unsigned long long)s->last_ts);
			return -EBADMSG;
		}
		s->last_offset = s->next->offset;
		s->last_ts = s->next->ts;
		s->nrecords++;
		return 0;
	}
	/*
	 * The end of the CPU's data: libtracecmd must have delivered every
	 * record tlbr_dat_check() counted in the CPU's pages.
	 */
	want = s->buffer < DAT_MAX_BUFFERS ? d->layout.records[s->buffer][s->cpu] : 0;
	bname = buffer_name(d, s);
	if (s->nrecords != want) {
		uint64_t at = s->nrecords ? s->last_offset :
			      s->buffer < DAT_MAX_BUFFERS ? d->layout.cpu_offset[s->buffer][s->cpu] :
							    UINT64_MAX;

		tlbr_error_set(err, at, 0, "%s%s%s, cpu %d: libtracecmd delivered %llu records, but "
			       "the CPU's pages hold %llu (corrupt or truncated trace.dat)",
			       bname ? "buffer '" : "top buffer", bname ? bname : "",
			       bname ? "'" : "", s->cpu, (unsigned long long)s->nrecords,
			       (unsigned long long)want);
		return -EBADMSG;
	}
	if (!s->nrecords)
		return 0;
	last = tracecmd_read_cpu_last(s->h, s->cpu);
	if (!last || last->offset != s->last_offset) {
		tlbr_error_set(err, s->last_offset, 0, "buffer %d, cpu %d: the data stops here, "
			       "before the CPU's last record%s (corrupt or truncated trace.dat)",
			       s->buffer, s->cpu, last ? "" : ", which cannot be read either");
		if (last)
			tracecmd_free_record(last);
		return -EBADMSG;
	}
	tracecmd_free_record(last);
	return 0;
}

/* The stream whose next record is earliest; -1 when all are done. */
static int earliest(struct dat_reader *d)
{
	int i, best = -1;

	for (i = 0; i < d->nstreams; i++) {
		if (d->streams[i].next &&
		    (best < 0 || d->streams[i].next->ts < d->streams[best].next->ts))
			best = i;
	}
	return best;
}

/*
 * The next record of all buffers and CPUs, in timestamp order. O(streams)
 * for the merge (a scan of the CPUs' peeked records) plus libtracecmd's
 * read and the record's fields (O(fields)).
 */
static int dat_next(struct tlbr_reader *r, const struct tlbr_record **ret,
		    struct tlbr_error *err)
{
	struct dat_reader *d = r->priv;
	struct tlbr_record *out = &r->rec;
	struct tep_record *rec;
	const struct tep_type *t;
	struct dat_stream *s;
	int i, pid;

	if (d->cur && !d->lost_pending) {
		tracecmd_free_record(d->cur);
		d->cur = NULL;
	}
	if (!d->cur) {
		i = earliest(d);
		if (i < 0)
			return 0;
		s = &d->streams[i];
		rec = s->next;
		d->cur = rec;
		if (stream_advance(d, s, err) < 0)
			return -EBADMSG;
		if (rec->missed_events) {
			memset(out, 0, offsetof(struct tlbr_record, val));
			out->type = TLBR_TYPE_LOST;
			out->ts_ns = rec->ts;
			out->pos = rec->offset;
			out->cpu = s->cpu;
			out->pid = -1;
			out->missed = rec->missed_events > 0 ? rec->missed_events : -1;
			d->lost_pending = true;
			*ret = out;
			return 1;
		}
	}
	d->lost_pending = false;
	rec = d->cur;
	if (rec->size < 8) {
		tlbr_error_set(err, rec->offset, 0, "record of %d bytes is too short for an "
			       "event header (corrupt data?)", rec->size);
		return -EBADMSG;
	}
	if (!d->common_ready)
		common_setup(d);
	t = tlbr_tep_decoder_type(r, &d->dec, rec_type(d, rec), err, rec->offset);
	if (!t)
		return -EBADMSG;
	if (rec->ts < d->last_ts) {
		tlbr_error_set(err, rec->offset, 0, "timestamp %llu goes backwards (previous %llu)",
			       rec->ts, (unsigned long long)d->last_ts);
		return -EBADMSG;
	}
	d->last_ts = rec->ts;
	pid = rec_pid(d, rec);
	out->ts_ns = rec->ts;
	out->pos = rec->offset;
	out->line = 0;
	out->cpu = rec->cpu;
	out->pid = pid;
	out->comm = comm_of(d, pid);
	out->type = (uint32_t)t->type;
	out->def = t->def;
	out->missed = 0;
	if (tlbr_tep_decoder_fill(r, &d->dec, t, rec, err) < 0)
		return -EBADMSG;
	*ret = out;
	return 1;
}

static void dat_close(struct tlbr_reader *r)
{
	struct dat_reader *d = r->priv;
	struct tep_handle *tep;
	int i;

	if (!d)
		return;
	tep = d->tep ? d->tep : d->top ? tracecmd_get_tep(d->top) : NULL;
	if (d->cur)
		tracecmd_free_record(d->cur);
	for (i = 0; i < d->nstreams; i++)
		if (d->streams[i].next)
			tracecmd_free_record(d->streams[i].next);
	for (i = 0; i < d->ninst; i++)
		tracecmd_close(d->inst[i]);
	if (d->top)
		tracecmd_close(d->top);
	if (tep)	/* the functions of its kallsyms (kallsyms.c) */
		tlbr_kallsyms_forget(tep);
	if (d->fd >= 0)
		close(d->fd);
	free(d->streams);
	free(d->inst);
	tlbr_tep_decoder_release(&d->dec);
	free(d);
	r->priv = NULL;
}

static bool dat_declares(const struct tlbr_reader *r, const char *system, const char *name)
{
	const struct dat_reader *d = r->priv;

	return d && tlbr_tep_decoder_declares(&d->dec, system, name);
}

static const struct reader_ops dat_ops = {
	.declares = dat_declares,
	.next = dat_next,
	.close = dat_close,
};

static int add_streams(struct dat_reader *d, struct tracecmd_input *h, int buffer, int ncpus,
		       struct tlbr_error *err)
{
	struct dat_stream *ns;
	int cpu;

	ns = realloc(d->streams, (size_t)(d->nstreams + ncpus) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	d->streams = ns;
	for (cpu = 0; cpu < ncpus; cpu++) {
		struct dat_stream *s = &d->streams[d->nstreams++];

		memset(s, 0, sizeof(*s));
		s->h = h;
		s->buffer = buffer;
		s->cpu = cpu;
		if (stream_advance(d, s, err) < 0)
			return -EBADMSG;
	}
	return 0;
}

static int open_files(struct tlbr_reader *r, struct dat_reader *d, const char *version,
		      struct tlbr_error *err);

/*
 * libtracecmd prints some complaints ("File possibly truncated") on stdout,
 * where they would mix with the command's answer: while it opens a file,
 * its stdout goes to stderr.
 */
int tlbr_dat_reader_init(struct tlbr_reader *r, int fd, struct tlbr_error *err)
{
	struct dat_reader *d = calloc(1, sizeof(*d));
	char version[16] = "";
	int saved, ret;

	if (!d) {
		close(fd);
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
		return -ENOMEM;
	}
	d->fd = fd;
	r->priv = d;
	r->ops = &dat_ops;
	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	/* The version string follows the 10-byte magic: "6\0" or "7\0". */
	if (pread(fd, version, sizeof(version) - 1, 10) < 2)
		version[0] = '\0';
	version[strnlen(version, 4)] = '\0';

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved >= 0)
		dup2(STDERR_FILENO, STDOUT_FILENO);
	ret = open_files(r, d, version, err);
	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	return ret;
}

static int open_files(struct tlbr_reader *r, struct dat_reader *d, const char *version,
		      struct tlbr_error *err)
{
	int fd = d->fd;
	int i, ncpus, ret = -ENOMEM;
	struct stat st;

	if (fstat(fd, &st) < 0) {
		tlbr_error_set(err, UINT64_MAX, 0, "cannot stat: %s", strerror(errno));
		return -errno;
	}
	ret = tlbr_dat_check(fd, (uint64_t)st.st_size, &d->layout, err);
	if (ret < 0)
		return ret;
	/*
	 * Headers first, data second: libtracecmd 1.3's tracecmd_open() frees
	 * a half-initialised handle when the data sections are truncated and
	 * crashes doing it, so a handle whose data failed is left unfreed.
	 */
	d->top = tracecmd_open_head(r->path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!d->top) {
		fstat(fd, &st);
		tlbr_error_set(err, UINT64_MAX, 0, "libtracecmd cannot read this trace.dat "
			       "(version '%s', %lld bytes): truncated or corrupt headers",
			       version, (long long)st.st_size);
		return -EBADMSG;
	}
	if (tracecmd_init_data(d->top) < 0) {
		fstat(fd, &st);
		d->top = NULL;	/* leaked on purpose, see above */
		tlbr_error_set(err, UINT64_MAX, 0, "libtracecmd cannot load the event data of "
			       "this trace.dat (version '%s', %lld bytes): truncated or corrupt",
			       version, (long long)st.st_size);
		return -EBADMSG;
	}
	d->tep = tracecmd_get_tep(d->top);
	d->dec.tep = d->tep;
	d->page_size = (uint64_t)tep_get_page_size(d->tep);
	ncpus = tep_get_cpus(d->tep);
	/* a v7 file without a CPUCOUNT option: the buffers say which CPUs have data */
	if (ncpus < d->layout.ncpus)
		ncpus = d->layout.ncpus;
	if (ncpus < 0 || ncpus > TLBR_MAX_CPUS) {
		tlbr_error_set(err, UINT64_MAX, 0, "trace.dat declares %d CPUs (at most %d "
			       "supported)", ncpus, TLBR_MAX_CPUS);
		return -EBADMSG;
	}
	r->ncpus = ncpus;
	ret = add_streams(d, d->top, 0, ncpus, err);
	if (ret < 0)
		goto fail;
	d->ninst = tracecmd_buffer_instances(d->top);
	if (d->ninst < 0)
		d->ninst = 0;
	if ((unsigned int)d->ninst + 1 != d->layout.nbuffers) {
		tlbr_error_set(err, UINT64_MAX, 0, "libtracecmd finds %d instance buffers, the file's "
			       "options describe %u (corrupt trace.dat)", d->ninst,
			       d->layout.nbuffers - 1);
		return -EBADMSG;
	}
	if (d->ninst) {
		d->inst = calloc((size_t)d->ninst, sizeof(*d->inst));
		if (!d->inst)
			goto nomem;
	}
	for (i = 0; i < d->ninst; i++) {
		d->inst[i] = tracecmd_buffer_instance_handle(d->top, i);
		if (!d->inst[i]) {
			tlbr_error_set(err, UINT64_MAX, 0, "cannot open instance buffer '%s'",
				       tracecmd_buffer_instance_name(d->top, i));
			return -EBADMSG;
		}
		ret = add_streams(d, d->inst[i], i + 1, ncpus, err);
		if (ret < 0)
			goto fail;
	}
	snprintf(r->desc, sizeof(r->desc), "trace.dat v%s, %d CPUs, %d buffer%s", version, ncpus,
		 d->ninst + 1, d->ninst ? "s" : "");
	return 0;
nomem:
	tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
	return -ENOMEM;
fail:
	if (ret == -ENOMEM)
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
	return ret;
}
