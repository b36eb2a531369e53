// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * perf.c - a native perf.data reader (file mode, "PERFILE2"), see
 * tools/perf/Documentation/perf.data-file-format.txt.
 *
 * The tracepoint formats come from the HEADER_TRACING_DATA feature section
 * and are parsed with libtraceevent; each PERF_RECORD_SAMPLE's RAW blob is
 * the tracepoint record itself, decoded like a trace.dat record. perf writes
 * samples out of time order: they are delivered in order with the file's
 * FINISHED_ROUND records, as perf does (an event of one round is never older
 * than the rounds before the previous one), so memory is bounded by two
 * rounds, not by the file. COMM records name tasks; LOST records become
 * lost-event markers. Files of 'perf record -z' (PERF_RECORD_COMPRESSED,
 * one zstd stream across records) and of pipe mode ('perf record -o -':
 * attributes, tracing data and features arrive as records) are read too.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "tep-decode.h"

#define PERF_MAGIC 0x32454c4946524550ULL	/* "PERFILE2" read as a little-endian u64 */
#define PERF_MAGIC_SWAPPED 0x50455246494c4532ULL

enum {
	PERF_TYPE_TRACEPOINT = 2,
	PERF_RECORD_LOST = 2,
	PERF_RECORD_COMM = 3,
	PERF_RECORD_SAMPLE = 9,
	PERF_RECORD_LOST_SAMPLES = 13,
	PERF_RECORD_FINISHED_ROUND = 68,
	PERF_RECORD_HEADER_ATTR = 64,
	PERF_RECORD_HEADER_TRACING_DATA = 66,
	PERF_RECORD_HEADER_FEATURE = 80,
	PERF_RECORD_COMPRESSED = 81,
	HEADER_TRACING_DATA = 1,
	HEADER_NRCPUS = 7,
	HEADER_SAMPLE_TIME = 21,
};

enum {
	S_IP = 1 << 0, S_TID = 1 << 1, S_TIME = 1 << 2, S_ADDR = 1 << 3, S_READ = 1 << 4,
	S_CALLCHAIN = 1 << 5, S_ID = 1 << 6, S_CPU = 1 << 7, S_PERIOD = 1 << 8,
	S_STREAM_ID = 1 << 9, S_RAW = 1 << 10, S_IDENTIFIER = 1 << 16,
};

#define ATTR_SAMPLE_ID_ALL (1ULL << 18)

struct perf_attr {
	uint32_t type;
	uint64_t config;		/* a tracepoint's event id */
	uint64_t sample_type;
	bool sample_id_all;
	uint64_t *ids;
	uint64_t nids;
};

/* A sample or marker waiting for its turn, in a min-heap by time. */
struct pending {
	uint64_t ts, pos, seq;
	int cpu, pid;
	int64_t lost;			/* > 0 or -1: a lost-events marker */
	uint32_t size;
	unsigned char *raw;		/* the tracepoint record (owned) */
};

struct perf_reader {
	FILE *f;
	uint64_t file_size;
	uint64_t data_off, data_end, pos;
	struct tep_handle *tep;
	struct tep_decoder dec;
	struct perf_attr *attrs;
	unsigned int nattrs;
	bool all_identifier;		/* every attr samples PERF_SAMPLE_IDENTIFIER */
	int ncpus;			/* HEADER_NRCPUS: CPUs available */
	uint64_t first_ts, last_ts_hdr;	/* HEADER_SAMPLE_TIME, when perf wrote it */
	/* ordering */
	struct pending *heap;
	size_t nheap, heap_alloc;
	uint64_t seq;
	uint64_t round_max, prev_round_max, limit;
	bool flushing;			/* at the end: everything may go */
	struct pending cur;		/* handed out last */
	uint64_t last_ts;
	/* pid -> comm from COMM records */
	struct { int pid; char comm[16]; } *comms;
	size_t ncomms, comms_alloc;
	/* perf record -z: records decompressed from PERF_RECORD_COMPRESSED */
	ZSTD_DStream *zds;
	unsigned char *dbuf;
	size_t dlen, dhead, dalloc;
	uint64_t dpos;			/* the compressed record they came from */
	/* pipe mode: attributes and tracing data come as records */
	bool pipe;
	bool have_tracing;
	struct tlbr_reader *reader;
	unsigned char buf[65536];
};

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static int read_at(struct perf_reader *p, uint64_t off, void *buf, size_t n, const char *what,
		   struct tlbr_error *err)
{
	if (off > p->file_size || n > p->file_size - off ||
	    fseeko(p->f, (off_t)off, SEEK_SET) || fread(buf, 1, n, p->f) != n) {
		tlbr_error_set(err, off, 0, "the %s (%zu bytes) lies past the end of the file "
			       "(%llu bytes): truncated perf.data", what, n,
			       (unsigned long long)p->file_size);
		return -EBADMSG;
	}
	return 0;
}

/* ------------------------------------------------------------ tracing data */

struct cursor {
	const unsigned char *p, *end;
	uint64_t base;			/* file offset of the section */
};

static int need(struct cursor *c, size_t n, const char *what, struct tlbr_error *err)
{
	if ((size_t)(c->end - c->p) < n) {
		tlbr_error_set(err, c->base + (uint64_t)(c->end - c->p), 0,
			       "HEADER_TRACING_DATA is cut short in its %s (corrupt perf.data)",
			       what);
		return -EBADMSG;
	}
	return 0;
}

/* A string of the section, NUL-terminated inside it. */
static const char *cstr(struct cursor *c, const char *what, struct tlbr_error *err)
{
	const unsigned char *z = memchr(c->p, 0, (size_t)(c->end - c->p));
	const char *s = (const char *)c->p;

	if (!z) {
		need(c, (size_t)(c->end - c->p) + 1, what, err);
		return NULL;
	}
	c->p = z + 1;
	return s;
}

/* A length-prefixed block, copied with a NUL after it (the parsers want strings). */
static char *block(struct cursor *c, unsigned int lenbytes, size_t *ret_len, const char *what,
		   struct tlbr_error *err)
{
	uint64_t n;
	char *b;

	if (need(c, lenbytes, what, err))
		return NULL;
	n = lenbytes == 8 ? rd64(c->p) : rd32(c->p);
	c->p += lenbytes;
	if (n > (uint64_t)(c->end - c->p)) {
		need(c, (size_t)(c->end - c->p) + 1, what, err);
		return NULL;
	}
	b = malloc(n + 1);
	if (!b) {
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
		return NULL;
	}
	memcpy(b, c->p, n);
	b[n] = '\0';
	c->p += n;
	*ret_len = n;
	return b;
}

/*
 * libtraceevent trusts these sections (a malformed line makes it read past
 * its buffer): only lines of the expected shape are passed on.
 */
static bool kallsyms_line(const char *l, size_t n)
{
	size_t i = 0;

	while (i < n && isxdigit((unsigned char)l[i]))
		i++;
	if (!i || i + 3 > n || l[i] != ' ' || !isalpha((unsigned char)l[i + 1]) ||
	    l[i + 2] != ' ' || i + 3 == n)
		return false;
	for (i += 3; i < n; i++)
		if ((unsigned char)l[i] < 0x20)
			return false;
	return true;
}

static bool cmdline_line(const char *l, size_t n)
{
	size_t i = 0;

	while (i < n && isdigit((unsigned char)l[i]))
		i++;
	if (!i || i + 1 >= n || l[i] != ' ')
		return false;
	for (i++; i < n; i++)
		if ((unsigned char)l[i] < 0x20)
			return false;
	return true;
}

/* Keep the lines of @b that @ok accepts (in place). */
static void keep_lines(char *b, bool (*ok)(const char *l, size_t n))
{
	char *in = b, *out = b;

	while (*in) {
		size_t n = strcspn(in, "\n");

		if (ok(in, n)) {
			memmove(out, in, n);
			out += n;
			*out++ = '\n';
		}
		in += n;
		if (*in == '\n')
			in++;
	}
	*out = '\0';
}

static int parse_formats(struct perf_reader *p, struct cursor *c, const char *sys,
			 struct tlbr_error *err)
{
	uint32_t n, i;

	if (need(c, 4, "event formats", err))
		return -EBADMSG;
	n = rd32(c->p);
	c->p += 4;
	for (i = 0; i < n; i++) {
		size_t len;
		char *fmt = block(c, 8, &len, "event formats", err);

		if (!fmt)
			return -EBADMSG;
		/* an event libtraceevent cannot parse is just not decoded */
		tep_parse_event(p->tep, fmt, len, sys);
		free(fmt);
	}
	return 0;
}

static int parse_tracing_data(struct perf_reader *p, const unsigned char *d, uint64_t size,
			      uint64_t off, struct tlbr_error *err)
{
	static const unsigned char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	struct cursor c = { d, d + size, off };
	const char *version, *name;
	uint32_t nsys, i;
	size_t len;
	char *b;

	if (need(&c, sizeof(magic), "magic", err))
		return -EBADMSG;
	if (memcmp(c.p, magic, sizeof(magic))) {
		tlbr_error_set(err, off, 0, "HEADER_TRACING_DATA does not start with the tracing "
			       "magic (corrupt perf.data)");
		return -EBADMSG;
	}
	c.p += sizeof(magic);
	version = cstr(&c, "version", err);
	if (!version || need(&c, 6, "header", err))
		return -EBADMSG;
	if (c.p[0]) {
		tlbr_error_set(err, off, 0, "the tracing data is big-endian: not supported");
		return -EBADMSG;
	}
	tep_set_file_bigendian(p->tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(p->tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(p->tep, c.p[1]);
	tep_set_page_size(p->tep, (int)rd32(c.p + 2));
	c.p += 6;
	name = cstr(&c, "header_page", err);
	if (!name || strcmp(name, "header_page"))
		return name ? (tlbr_error_set(err, off, 0, "HEADER_TRACING_DATA: no header_page"),
			       -EBADMSG) : -EBADMSG;
	b = block(&c, 8, &len, "header_page", err);
	if (!b)
		return -EBADMSG;
	tep_parse_header_page(p->tep, b, (unsigned long)len, tep_get_long_size(p->tep));
	free(b);
	name = cstr(&c, "header_event", err);
	if (!name)
		return -EBADMSG;
	b = block(&c, 8, &len, "header_event", err);
	if (!b)
		return -EBADMSG;
	free(b);
	if (parse_formats(p, &c, "ftrace", err))
		return -EBADMSG;
	if (need(&c, 4, "systems", err))
		return -EBADMSG;
	nsys = rd32(c.p);
	c.p += 4;
	for (i = 0; i < nsys; i++) {
		const char *sys = cstr(&c, "system name", err);

		if (!sys || parse_formats(p, &c, sys, err))
			return -EBADMSG;
	}
	b = block(&c, 4, &len, "kallsyms", err);
	if (!b)
		return -EBADMSG;
	keep_lines(b, kallsyms_line);
	tep_parse_kallsyms(p->tep, b);
	free(b);
	/* printk formats only serve printing, which tlbreplay does not do */
	b = block(&c, 4, &len, "printk formats", err);
	if (!b)
		return -EBADMSG;
	free(b);
	if (strcmp(version, "0.6") >= 0 && c.p < c.end) {
		b = block(&c, 8, &len, "saved cmdlines", err);
		if (!b)
			return -EBADMSG;
		keep_lines(b, cmdline_line);
		tep_parse_saved_cmdlines(p->tep, b);
		free(b);
	}
	return 0;
}

/* ------------------------------------------------------------ header */

/* Add one attribute (@a, @asize bytes) and its ids; 0 or -errno. */
static int add_attr(struct perf_reader *p, const unsigned char *a, uint64_t asize,
		    const uint64_t *ids, uint64_t nids, uint64_t pos, struct tlbr_error *err)
{
	struct perf_attr *na, *at;

	if (asize < 48 || nids > (1u << 21) || p->nattrs >= 4096) {
		tlbr_error_set(err, pos, 0, "implausible event attribute (%llu bytes, %llu ids): "
			       "corrupt perf.data", (unsigned long long)asize,
			       (unsigned long long)nids);
		return -EBADMSG;
	}
	na = realloc(p->attrs, (p->nattrs + 1) * sizeof(*na));
	if (!na)
		return -ENOMEM;
	p->attrs = na;
	at = &p->attrs[p->nattrs];
	memset(at, 0, sizeof(*at));
	at->type = rd32(a);
	if (rd32(a + 4) != asize) {
		tlbr_error_set(err, pos, 0, "an event attribute that says it has %u bytes, in an "
			       "entry of %llu: corrupt perf.data", rd32(a + 4),
			       (unsigned long long)asize);
		return -EBADMSG;
	}
	at->config = rd64(a + 8);
	at->sample_type = rd64(a + 24);
	at->sample_id_all = rd64(a + 40) & ATTR_SAMPLE_ID_ALL;
	if (at->type == PERF_TYPE_TRACEPOINT && (at->sample_type & S_READ)) {
		tlbr_error_set(err, pos, 0, "samples with PERF_SAMPLE_READ are not supported: "
			       "record without -s / read formats");
		return -EBADMSG;
	}
	at->ids = calloc(nids + 1, 8);
	if (!at->ids)
		return -ENOMEM;
	if (nids)
		memcpy(at->ids, ids, nids * 8);
	at->nids = nids;
	p->nattrs++;
	p->all_identifier = true;
	for (unsigned int i = 0; i < p->nattrs; i++)
		if (!(p->attrs[i].sample_type & S_IDENTIFIER))
			p->all_identifier = false;
	if (!p->all_identifier && p->nattrs > 1 &&
	    (at->sample_type != p->attrs[0].sample_type || !(at->sample_type & S_ID))) {
		tlbr_error_set(err, pos, 0, "events with different sample formats and no "
			       "PERF_SAMPLE_IDENTIFIER: cannot tell samples apart (record with a "
			       "newer perf)");
		return -EBADMSG;
	}
	return 0;
}

static int read_attrs(struct perf_reader *p, const unsigned char *h, struct tlbr_error *err)
{
	uint64_t attr_size = rd64(h + 16), off = rd64(h + 24), size = rd64(h + 32), i;
	unsigned char a[512];

	if (attr_size < 16 + 64 || attr_size > sizeof(a) || size % attr_size ||
	    size / attr_size > 4096) {
		tlbr_error_set(err, 16, 0, "implausible attribute table (%llu bytes of %llu-byte "
			       "entries): corrupt perf.data", (unsigned long long)size,
			       (unsigned long long)attr_size);
		return -EBADMSG;
	}
	if (!size) {
		tlbr_error_set(err, 24, 0, "no event attributes: not a recording of events");
		return -EBADMSG;
	}
	for (i = 0; i < size / attr_size; i++) {
		uint64_t ioff, isize, *ids;
		int ret;

		if (read_at(p, off + i * attr_size, a, attr_size, "event attributes", err))
			return -EBADMSG;
		ioff = rd64(a + attr_size - 16);
		isize = rd64(a + attr_size - 8);
		if (isize % 8 || isize > (1u << 24)) {
			tlbr_error_set(err, off + i * attr_size, 0, "implausible id table of "
				       "%llu bytes: corrupt perf.data", (unsigned long long)isize);
			return -EBADMSG;
		}
		ids = malloc(isize ? isize : 1);
		if (!ids)
			return -ENOMEM;
		ret = isize ? read_at(p, ioff, ids, isize, "event ids", err) : 0;
		if (!ret)
			ret = add_attr(p, a, attr_size - 16, ids, isize / 8, off + i * attr_size, err);
		free(ids);
		if (ret)
			return ret;
	}
	return 0;
}

static int read_features(struct perf_reader *p, const unsigned char *h, struct tlbr_error *err)
{
	uint64_t off = p->data_end, bits[4];
	unsigned int bit, n = 0;
	bool tracing = false;

	memcpy(bits, h + 72, sizeof(bits));
	for (bit = 0; bit < 256; bit++) {
		unsigned char sec[16];
		uint64_t soff, ssize;

		if (!(bits[bit / 64] & (1ULL << (bit % 64))))
			continue;
		if (read_at(p, off + 16ULL * n++, sec, 16, "feature table", err))
			return -EBADMSG;
		soff = rd64(sec);
		ssize = rd64(sec + 8);
		if (soff > p->file_size || ssize > p->file_size - soff) {
			tlbr_error_set(err, off + 16ULL * (n - 1), 0, "feature section %u (%llu "
				       "bytes at %llu) lies past the end of the file: truncated "
				       "perf.data", bit, (unsigned long long)ssize,
				       (unsigned long long)soff);
			return -EBADMSG;
		}
		if (bit == HEADER_NRCPUS && ssize >= 8) {
			unsigned char v[8];

			if (read_at(p, soff, v, 8, "NRCPUS feature", err))
				return -EBADMSG;
			if (!rd32(v) || rd32(v) > TLBR_MAX_CPUS) {
				tlbr_error_set(err, soff, 0, "HEADER_NRCPUS says %u CPUs (1 to %d "
					       "expected): corrupt perf.data", rd32(v), TLBR_MAX_CPUS);
				return -EBADMSG;
			}
			p->ncpus = (int)rd32(v);
		} else if (bit == HEADER_SAMPLE_TIME && ssize >= 16) {
			unsigned char v[16];

			if (read_at(p, soff, v, 16, "SAMPLE_TIME feature", err))
				return -EBADMSG;
			p->first_ts = rd64(v);
			p->last_ts_hdr = rd64(v + 8);
			if (p->first_ts > p->last_ts_hdr) {
				tlbr_error_set(err, soff, 0, "HEADER_SAMPLE_TIME's first sample (%llu) "
					       "is after its last (%llu): corrupt perf.data",
					       (unsigned long long)p->first_ts,
					       (unsigned long long)p->last_ts_hdr);
				return -EBADMSG;
			}
		} else if (bit == HEADER_TRACING_DATA) {
			unsigned char *d;
			int ret;

			if (ssize > (1ULL << 30) || soff > p->file_size ||
			    ssize > p->file_size - soff) {
				tlbr_error_set(err, off, 0, "HEADER_TRACING_DATA of %llu bytes lies "
					       "past the end: truncated perf.data",
					       (unsigned long long)ssize);
				return -EBADMSG;
			}
			d = malloc(ssize ? ssize : 1);
			if (!d)
				return -ENOMEM;
			ret = read_at(p, soff, d, ssize, "tracing data", err);
			if (!ret)
				ret = parse_tracing_data(p, d, ssize, soff, err);
			free(d);
			if (ret)
				return ret;
			tracing = true;
			p->have_tracing = true;
		}
	}
	if (!tracing) {
		tlbr_error_set(err, UINT64_MAX, 0, "no HEADER_TRACING_DATA: the perf.data holds no "
			       "tracepoint formats (record tracepoints with -e sys:event)");
		return -EBADMSG;
	}
	return 0;
}

/* ------------------------------------------------------------ ordering */

static bool before(const struct pending *a, const struct pending *b)
{
	return a->ts != b->ts ? a->ts < b->ts : a->seq < b->seq;
}

static int heap_push(struct perf_reader *p, const struct pending *e)
{
	size_t i;

	if (p->nheap == p->heap_alloc) {
		size_t n = p->heap_alloc ? p->heap_alloc * 2 : 1024;
		struct pending *nh = realloc(p->heap, n * sizeof(*nh));

		if (!nh)
			return -ENOMEM;
		p->heap = nh;
		p->heap_alloc = n;
	}
	i = p->nheap++;
	while (i && before(e, &p->heap[(i - 1) / 2])) {
		p->heap[i] = p->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	p->heap[i] = *e;
	return 0;
}

static struct pending heap_pop(struct perf_reader *p)
{
	struct pending top = p->heap[0], last = p->heap[--p->nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= p->nheap)
			break;
		if (c + 1 < p->nheap && before(&p->heap[c + 1], &p->heap[c]))
			c++;
		if (!before(&p->heap[c], &last))
			break;
		p->heap[i] = p->heap[c];
		i = c;
	}
	if (p->nheap)
		p->heap[i] = last;
	return top;
}

/* ------------------------------------------------------------ records */

static const struct perf_attr *attr_of(struct perf_reader *p, uint64_t id)
{
	unsigned int i;
	uint64_t k;

	if (p->nattrs == 1)
		return &p->attrs[0];
	for (i = 0; i < p->nattrs; i++)
		for (k = 0; k < p->attrs[i].nids; k++)
			if (p->attrs[i].ids[k] == id)
				return &p->attrs[i];
	return NULL;
}

static void remember_comm(struct perf_reader *p, int pid, const char *comm, size_t max)
{
	size_t i;

	for (i = 0; i < p->ncomms; i++)
		if (p->comms[i].pid == pid)
			break;
	if (i == p->ncomms) {
		if (p->ncomms == p->comms_alloc) {
			size_t n = p->comms_alloc ? p->comms_alloc * 2 : 256;
			void *nc = realloc(p->comms, n * sizeof(*p->comms));

			if (!nc)
				return;	/* names are a nicety */
			p->comms = nc;
			p->comms_alloc = n;
		}
		p->ncomms++;
		p->comms[i].pid = pid;
	}
	snprintf(p->comms[i].comm, sizeof(p->comms[i].comm), "%.*s", (int)strnlen(comm, max),
		 comm);
}

static const char *comm_of(struct perf_reader *p, int pid)
{
	size_t i;

	for (i = p->ncomms; i > 0; i--)
		if (p->comms[i - 1].pid == pid)
			return p->comms[i - 1].comm;
	return tep_data_comm_from_pid(p->tep, pid);
}

/* The trailing sample_id of a non-sample record: its time and cpu, when present. */
static void sample_id(const struct perf_reader *p, const unsigned char *rec, uint32_t size,
		      uint64_t *ret_ts, int *ret_cpu)
{
	const struct perf_attr *a = &p->attrs[0];
	uint64_t st = a->sample_type;
	uint32_t n = 0, at;

	*ret_ts = 0;
	*ret_cpu = -1;
	if (!a->sample_id_all)
		return;
	n += st & S_TID ? 8 : 0;
	n += st & S_TIME ? 8 : 0;
	n += st & S_ID ? 8 : 0;
	n += st & S_STREAM_ID ? 8 : 0;
	n += st & S_CPU ? 8 : 0;
	n += st & S_IDENTIFIER ? 8 : 0;
	if (n > size - 8)
		return;
	at = size - n;
	at += st & S_TID ? 8 : 0;
	if (st & S_TIME) {
		*ret_ts = rd64(rec + at);
		at += 8;
	}
	at += st & S_ID ? 8 : 0;
	at += st & S_STREAM_ID ? 8 : 0;
	if (st & S_CPU)
		*ret_cpu = (int)rd32(rec + at);
}

/* Parse a SAMPLE into @e; 0 (e->raw NULL: not a tracepoint sample) or -EBADMSG. */
static int parse_sample(struct perf_reader *p, const unsigned char *rec, uint32_t size,
			uint64_t pos, struct pending *e, struct tlbr_error *err)
{
	const unsigned char *q = rec + 8, *end = rec + size;
	const struct perf_attr *a;
	uint64_t st, id = 0;

#define TAKE(n) do { if ((size_t)(end - q) < (n)) goto short_; q += (n); } while (0)
	if (p->all_identifier) {
		TAKE(8);
		id = rd64(q - 8);
	} else if (p->nattrs > 1) {
		/* all attrs sample alike: the ID is at its place in the common layout */
		const unsigned char *s = q;

		st = p->attrs[0].sample_type;
		s += (st & S_IP ? 8 : 0) + (st & S_TID ? 8 : 0) + (st & S_TIME ? 8 : 0) +
		     (st & S_ADDR ? 8 : 0);
		if (s + 8 > end)
			goto short_;
		id = rd64(s);
	}
	a = attr_of(p, id);
	if (!a) {
		tlbr_error_set(err, pos, 0, "a sample of event id %llu, which no attribute "
			       "lists (corrupt perf.data)", (unsigned long long)id);
		return -EBADMSG;
	}
	st = a->sample_type;
	memset(e, 0, sizeof(*e));
	e->pos = pos;
	e->cpu = -1;
	if (st & S_IP)
		TAKE(8);
	if (st & S_TID) {
		TAKE(8);
		e->pid = (int)rd32(q - 4);	/* the thread */
	}
	if (st & S_TIME) {
		TAKE(8);
		e->ts = rd64(q - 8);
	}
	if (st & S_ADDR)
		TAKE(8);
	if (st & S_ID)
		TAKE(8);
	if (st & S_STREAM_ID)
		TAKE(8);
	if (st & S_CPU) {
		TAKE(8);
		e->cpu = (int)rd32(q - 8);
	}
	if (st & S_PERIOD)
		TAKE(8);
	if (st & S_CALLCHAIN) {
		uint64_t nr;

		TAKE(8);
		nr = rd64(q - 8);
		if (nr > (uint64_t)(end - q) / 8)
			goto short_;
		q += nr * 8;
	}
	if (a->type != PERF_TYPE_TRACEPOINT || !(st & S_RAW))
		return 0;
	if (!(st & S_TIME) || !(st & S_CPU)) {
		tlbr_error_set(err, pos, 0, "tracepoint samples without time or cpu: record with "
			       "'perf record -a' (which samples both)");
		return -EBADMSG;
	}
	TAKE(4);
	e->size = rd32(q - 4);
	if (e->size > (uint64_t)(end - q) || e->size < 8)
		goto short_;
	/* perf pads the raw data to 8 bytes: nothing else may follow it */
	if ((uint64_t)(end - q) - e->size >= 8) {
		tlbr_error_set(err, pos, 0, "a sample record of %u bytes whose raw data ends %llu "
			       "bytes before it does (corrupt perf.data)", size,
			       (unsigned long long)((uint64_t)(end - q) - e->size));
		return -EBADMSG;
	}
	if ((q[0] | q[1] << 8) != a->config) {
		tlbr_error_set(err, pos, 0, "a sample of event id %llu whose raw data is of event "
			       "id %u (corrupt perf.data)", (unsigned long long)a->config,
			       q[0] | q[1] << 8);
		return -EBADMSG;
	}
	/* (perf writes thread -1 for a task it can no longer name: an exiting one) */
	if ((st & S_TID) && e->pid != -1 && (int)rd32(q + 4) != e->pid) {
		tlbr_error_set(err, pos, 0, "a sample of thread %d whose raw data says common_pid "
			       "%d (corrupt perf.data)", e->pid, (int)rd32(q + 4));
		return -EBADMSG;
	}
	if (p->ncpus && e->cpu >= p->ncpus) {
		tlbr_error_set(err, pos, 0, "a sample on cpu %d, but the file's HEADER_NRCPUS says "
			       "%d CPUs (corrupt perf.data)", e->cpu, p->ncpus);
		return -EBADMSG;
	}
	if (p->last_ts_hdr && (e->ts < p->first_ts || e->ts > p->last_ts_hdr)) {
		tlbr_error_set(err, pos, 0, "a sample at time %llu, outside the file's "
			       "HEADER_SAMPLE_TIME (%llu .. %llu): corrupt perf.data",
			       (unsigned long long)e->ts, (unsigned long long)p->first_ts,
			       (unsigned long long)p->last_ts_hdr);
		return -EBADMSG;
	}
	e->raw = malloc(e->size);
	if (!e->raw)
		return -ENOMEM;
	memcpy(e->raw, q, e->size);
	return 0;
short_:
	tlbr_error_set(err, pos, 0, "a sample record of %u bytes is too short for its "
		       "sample format (corrupt perf.data)", size);
	return -EBADMSG;
#undef TAKE
}

/* Decompress a PERF_RECORD_COMPRESSED payload behind what is left of the last one. */
static int decompress(struct perf_reader *p, const unsigned char *src, size_t n, uint64_t pos,
		      struct tlbr_error *err)
{
	ZSTD_inBuffer in = { src, n, 0 };

	if (!p->zds) {
		p->zds = ZSTD_createDStream();
		if (!p->zds || ZSTD_isError(ZSTD_initDStream(p->zds)))
			return -ENOMEM;
	}
	/* keep the record that straddles the two payloads */
	if (p->dlen > p->dhead)
		memmove(p->dbuf, p->dbuf + p->dhead, p->dlen - p->dhead);
	p->dlen -= p->dhead;
	p->dhead = 0;
	p->dpos = pos;
	while (in.pos < in.size) {
		ZSTD_outBuffer out;
		size_t ret;

		if (p->dalloc - p->dlen < 65536) {
			size_t na = p->dalloc ? p->dalloc * 2 : 1 << 20;
			unsigned char *nb;

			if (na > (1u << 30)) {
				tlbr_error_set(err, pos, 0, "a compressed record expands past 1 GiB "
					       "(corrupt perf.data)");
				return -EBADMSG;
			}
			nb = realloc(p->dbuf, na);
			if (!nb)
				return -ENOMEM;
			p->dbuf = nb;
			p->dalloc = na;
		}
		out = (ZSTD_outBuffer){ p->dbuf + p->dlen, p->dalloc - p->dlen, 0 };
		ret = ZSTD_decompressStream(p->zds, &out, &in);
		if (ZSTD_isError(ret)) {
			tlbr_error_set(err, pos, 0, "compressed record does not decompress (%s): "
				       "corrupt perf.data", ZSTD_getErrorName(ret));
			return -EBADMSG;
		}
		p->dlen += out.pos;
		if (!out.pos && in.pos < in.size && out.size)
			break;	/* no progress */
	}
	return 0;
}

/*
 * The next record of the data section (from a compressed record's payload
 * when perf compressed them, with that record's position): 1, 0 at the
 * end, or -errno. The record stays valid until the next call.
 */
static int next_record(struct perf_reader *p, unsigned char **ret, uint32_t *ret_size,
		       uint64_t *ret_pos, struct tlbr_error *err)
{
	for (;;) {
		unsigned char *rec = p->buf;
		uint64_t pos = p->pos;
		uint32_t type, size;
		int ret_;

		if (p->dlen - p->dhead >= 8) {
			unsigned char *d = p->dbuf + p->dhead;

			size = (uint32_t)(d[6] | d[7] << 8);
			if (size < 8) {
				tlbr_error_set(err, p->dpos, 0, "a record of %u bytes inside a "
					       "compressed record (corrupt perf.data)", size);
				return -EBADMSG;
			}
			if (size <= p->dlen - p->dhead) {
				p->dhead += size;
				*ret = d;
				*ret_size = size;
				*ret_pos = p->dpos;
				return 1;
			}
		}
		if (p->pos >= p->data_end) {
			if (p->dlen != p->dhead) {
				tlbr_error_set(err, p->dpos, 0, "the compressed records end inside a "
					       "record: truncated perf.data");
				return -EBADMSG;
			}
			return 0;
		}
		if (read_at(p, pos, rec, 8, "record header", err))
			return -EBADMSG;
		type = rd32(rec);
		size = (uint32_t)(rec[6] | rec[7] << 8);
		if (!type || (type > 31 && type < 64) || type > 127) {
			tlbr_error_set(err, pos, 0, "a record of type %u, which perf does not write "
				       "(corrupt perf.data)", type);
			return -EBADMSG;
		}
		if (size < 8 || size > p->data_end - pos) {
			tlbr_error_set(err, pos, 0, "record of type %u claims %u bytes, %s "
				       "(corrupt or truncated perf.data)", type, size,
				       size < 8 ? "less than its header" :
						  "past the end of the data section");
			return -EBADMSG;
		}
		if (read_at(p, pos + 8, rec + 8, size - 8, "record", err))
			return -EBADMSG;
		p->pos += size;
		if (type != PERF_RECORD_COMPRESSED) {
			*ret = rec;
			*ret_size = size;
			*ret_pos = pos;
			return 1;
		}
		ret_ = decompress(p, rec + 8, size - 8, pos, err);
		if (ret_ < 0)
			return ret_;
	}
}

/* Pipe mode: the tracing data follows its record, padded to 8 bytes. */
static int pipe_tracing_data(struct perf_reader *p, const unsigned char *rec, uint32_t size,
			     uint64_t pos, struct tlbr_error *err)
{
	uint32_t n = size >= 12 ? rd32(rec + 8) : 0;
	uint64_t padded = ((uint64_t)n + 7) & ~7ULL;
	unsigned char *d;
	int ret;

	if (p->dlen != p->dhead || !n || padded > p->data_end - p->pos) {
		tlbr_error_set(err, pos, 0, "tracing data of %u bytes that the file does not hold "
			       "(corrupt or truncated perf.data)", n);
		return -EBADMSG;
	}
	d = malloc(n);
	if (!d)
		return -ENOMEM;
	ret = read_at(p, p->pos, d, n, "tracing data", err);
	if (!ret)
		ret = parse_tracing_data(p, d, n, p->pos, err);
	free(d);
	p->pos += padded;
	p->have_tracing = p->have_tracing || !ret;
	return ret;
}

/* Read records until something can be delivered; 1, 0 at the end, or -errno. */
static int fill(struct perf_reader *p, struct tlbr_error *err)
{
	while (!p->nheap || p->heap[0].ts > p->limit) {
		unsigned char *rec;
		uint32_t type, size;
		struct pending e;
		uint64_t pos;
		int ret = next_record(p, &rec, &size, &pos, err);

		if (ret < 0)
			return ret;
		if (!ret) {
			p->limit = UINT64_MAX;	/* the end: everything goes */
			return p->nheap ? 1 : 0;
		}
		type = rd32(rec);
		switch (type) {
		case PERF_RECORD_SAMPLE:
			if (!p->have_tracing) {
				tlbr_error_set(err, pos, 0, "a sample before any tracing data: the "
					       "file holds no tracepoint formats");
				return -EBADMSG;
			}
			ret = parse_sample(p, rec, size, pos, &e, err);
			if (ret < 0)
				return ret;
			if (!e.raw)
				break;
			if (e.ts < p->limit) {
				tlbr_error_set(err, pos, 0, "a sample at time %llu, older than the "
					       "events of the rounds before (flushed up to %llu): "
					       "corrupt perf.data", (unsigned long long)e.ts,
					       (unsigned long long)p->limit);
				free(e.raw);
				return -EBADMSG;
			}
			e.seq = p->seq++;
			if (e.ts > p->round_max)
				p->round_max = e.ts;
			if ((ret = heap_push(p, &e)) < 0) {
				free(e.raw);
				return ret;
			}
			break;
		case PERF_RECORD_FINISHED_ROUND:
			if (size != 8) {
				tlbr_error_set(err, pos, 0, "a FINISHED_ROUND record of %u bytes (8 "
					       "expected): corrupt perf.data", size);
				return -EBADMSG;
			}
			/* events of the next round are never older than the previous round */
			p->limit = p->prev_round_max;
			p->prev_round_max = p->round_max;
			break;
		case PERF_RECORD_COMM:
			if (size >= 16)
				remember_comm(p, (int)rd32(rec + 12), (const char *)rec + 16,
					      size - 16);
			break;
		case PERF_RECORD_LOST:
		case PERF_RECORD_LOST_SAMPLES:
			if (size < (type == PERF_RECORD_LOST ? 24u : 16u))
				break;
			memset(&e, 0, sizeof(e));
			e.pos = pos;
			e.lost = (int64_t)rd64(rec + (type == PERF_RECORD_LOST ? 16 : 8));
			if (e.lost <= 0)
				e.lost = -1;
			if (p->nattrs)
				sample_id(p, rec, size, &e.ts, &e.cpu);
			if (e.cpu < 0 || e.cpu >= TLBR_MAX_CPUS)
				e.cpu = 0;
			if (!e.ts)
				e.ts = p->round_max;
			e.seq = p->seq++;
			if ((ret = heap_push(p, &e)) < 0)
				return ret;
			break;
		case PERF_RECORD_HEADER_ATTR:
			if (!p->pipe)
				break;
			if (size < 8 + 48 || rd32(rec + 12) < 48 || rd32(rec + 12) > size - 8) {
				tlbr_error_set(err, pos, 0, "an attribute record of %u bytes "
					       "(corrupt perf.data)", size);
				return -EBADMSG;
			}
			{
				uint32_t asize = rd32(rec + 12);
				uint64_t nids = (size - 8 - asize) / 8;
				uint64_t *ids = malloc(nids * 8 + 8);

				if (!ids)
					return -ENOMEM;
				memcpy(ids, rec + 8 + asize, nids * 8);
				ret = add_attr(p, rec + 8, asize, ids, nids, pos, err);
				free(ids);
				if (ret)
					return ret;
			}
			break;
		case PERF_RECORD_HEADER_TRACING_DATA:
			if (!p->pipe)
				break;
			ret = pipe_tracing_data(p, rec, size, pos, err);
			if (ret)
				return ret;
			break;
		case PERF_RECORD_HEADER_FEATURE:
			/* pipe mode's features: the CPU count */
			if (p->pipe && size >= 24 && rd64(rec + 8) == HEADER_NRCPUS &&
			    rd32(rec + 16) <= TLBR_MAX_CPUS)
				p->reader->ncpus = (int)rd32(rec + 16);
			break;
		default:
			break;
		}
	}
	return 1;
}

static int perf_next(struct tlbr_reader *r, const struct tlbr_record **ret,
		     struct tlbr_error *err)
{
	struct perf_reader *p = r->priv;
	struct tlbr_record *out = &r->rec;
	const struct tep_type *t;
	struct tep_record trec;
	int ret_, id;

	free(p->cur.raw);
	p->cur.raw = NULL;
	ret_ = fill(p, err);
	if (ret_ <= 0)
		return ret_;
	p->cur = heap_pop(p);
	if (p->cur.ts < p->last_ts) {
		tlbr_error_set(err, p->cur.pos, 0, "timestamp %llu is older than one delivered "
			       "before (%llu): the file's rounds are not ordered as perf writes "
			       "them", (unsigned long long)p->cur.ts,
			       (unsigned long long)p->last_ts);
		return -EBADMSG;
	}
	p->last_ts = p->cur.ts;
	if (p->cur.cpu >= TLBR_MAX_CPUS) {
		tlbr_error_set(err, p->cur.pos, 0, "a sample on cpu %d (at most %d supported)",
			       p->cur.cpu, TLBR_MAX_CPUS);
		return -EBADMSG;
	}
	if (!p->cur.raw) {	/* a lost-events marker */
		memset(out, 0, offsetof(struct tlbr_record, val));
		out->type = TLBR_TYPE_LOST;
		out->ts_ns = p->cur.ts;
		out->pos = p->cur.pos;
		out->cpu = p->cur.cpu;
		out->pid = -1;
		out->missed = p->cur.lost;
		*ret = out;
		return 1;
	}
	memset(&trec, 0, sizeof(trec));
	trec.ts = p->cur.ts;
	trec.offset = p->cur.pos;
	trec.cpu = p->cur.cpu;
	trec.size = (int)p->cur.size;
	trec.data = p->cur.raw;
	id = tep_data_type(p->tep, &trec);
	t = tlbr_tep_decoder_type(r, &p->dec, id, err, p->cur.pos);
	if (!t)
		return -EBADMSG;
	out->ts_ns = p->cur.ts;
	out->pos = p->cur.pos;
	out->line = 0;
	out->cpu = p->cur.cpu;
	out->pid = tep_data_pid(p->tep, &trec);
	out->comm = comm_of(p, out->pid);
	out->type = (uint32_t)t->type;
	out->def = t->def;
	out->missed = 0;
	if (tlbr_tep_decoder_fill(r, &p->dec, t, &trec, err) < 0)
		return -EBADMSG;
	*ret = out;
	return 1;
}

static void perf_close(struct tlbr_reader *r)
{
	struct perf_reader *p = r->priv;
	unsigned int i;

	if (!p)
		return;
	free(p->cur.raw);
	while (p->nheap)
		free(heap_pop(p).raw);
	free(p->heap);
	for (i = 0; p->attrs && i < p->nattrs; i++)
		free(p->attrs[i].ids);
	free(p->attrs);
	free(p->comms);
	free(p->dbuf);
	if (p->zds)
		ZSTD_freeDStream(p->zds);
	tlbr_tep_decoder_release(&p->dec);
	if (p->tep) {
		tlbr_kallsyms_forget(p->tep);	/* the functions of its kallsyms (kallsyms.c) */
		tep_free(p->tep);
	}
	if (p->f)
		fclose(p->f);
	free(p);
	r->priv = NULL;
}

static bool perf_declares(const struct tlbr_reader *r, const char *system, const char *name)
{
	const struct perf_reader *d = r->priv;

	return d && tlbr_tep_decoder_declares(&d->dec, system, name);
}

static const struct reader_ops perf_ops = {
	.declares = perf_declares,
	.next = perf_next,
	.close = perf_close,
};

int tlbr_perf_reader_init(struct tlbr_reader *r, int fd, struct tlbr_error *err)
{
	struct perf_reader *p = calloc(1, sizeof(*p));
	unsigned char h[104];
	struct stat st;
	uint64_t magic, hsize;
	int ret;

	if (!p) {
		close(fd);
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
		return -ENOMEM;
	}
	r->priv = p;
	r->ops = &perf_ops;
	p->f = fdopen(fd, "r");
	if (!p->f) {
		close(fd);
		tlbr_error_set(err, UINT64_MAX, 0, "cannot read: %s", strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) == 0)
		p->file_size = (uint64_t)st.st_size;
	p->tep = tep_alloc();
	if (!p->tep)
		goto nomem;
	tep_set_loglevel(TEP_LOG_NONE);
	p->dec.tep = p->tep;
	if (read_at(p, 0, h, 16, "file header", err))
		return -EBADMSG;
	magic = rd64(h);
	hsize = rd64(h + 8);
	if (magic == PERF_MAGIC_SWAPPED) {
		tlbr_error_set(err, 0, 0, "big-endian perf.data is not supported");
		return -EBADMSG;
	}
	if (magic != PERF_MAGIC) {
		tlbr_error_set(err, 0, 0, "not a perf.data file (PERFILE2 magic expected)");
		return -EBADMSG;
	}
	p->reader = r;
	if (hsize == 16) {	/* pipe mode: everything comes as records */
		p->pipe = true;
		p->data_off = p->pos = 16;
		p->data_end = p->file_size;
		snprintf(r->desc, sizeof(r->desc), "perf.data (pipe mode)");
		return 0;
	}
	if (hsize != sizeof(h)) {
		tlbr_error_set(err, 8, 0, "perf.data header of %llu bytes (104 expected): an "
			       "unknown version", (unsigned long long)hsize);
		return -EBADMSG;
	}
	if (read_at(p, 0, h, sizeof(h), "file header", err))
		return -EBADMSG;
	p->data_off = rd64(h + 40);
	p->data_end = p->data_off + rd64(h + 48);
	if (p->data_end < p->data_off || p->data_end > p->file_size) {
		tlbr_error_set(err, 40, 0, "the data section (%llu bytes at %llu) runs past the "
			       "end of the file (%llu bytes): truncated perf.data (was perf "
			       "stopped before it finished writing?)",
			       (unsigned long long)rd64(h + 48), (unsigned long long)p->data_off,
			       (unsigned long long)p->file_size);
		return -EBADMSG;
	}
	ret = read_attrs(p, h, err);
	if (!ret)
		ret = read_features(p, h, err);
	if (ret == -ENOMEM)
		goto nomem;
	if (ret)
		return ret;
	r->ncpus = p->ncpus;
	p->pos = p->data_off;
	snprintf(r->desc, sizeof(r->desc), "perf.data, %u event%s, %d CPUs", p->nattrs,
		 p->nattrs == 1 ? "" : "s", r->ncpus);
	return 0;
nomem:
	tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
	return -ENOMEM;
}
