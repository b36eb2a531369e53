// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dat-check.c - walk a trace.dat file's structure before libtracecmd reads
 * it (trace-cmd.dat.v6(5), trace-cmd.dat.v7(5)).
 *
 * libtracecmd 3.1 aborts (a double free in tracecmd_alloc_fd) on a v7 file
 * cut inside the options offset, and takes a CPU whose compressed data it
 * cannot read (a zeroed chunk count, a chunk that does not decompress) for
 * a CPU that recorded nothing. So every section header, option and CPU data
 * range is checked against the file, and every page of CPU data is walked
 * (decompressed chunk by chunk when compressed): its committed size, its
 * records (the ring buffer's event headers, include/linux/ring_buffer.h)
 * and its time stamp against the previous page's last event. The walk also
 * counts each CPU's data records, which dat.c compares with what
 * libtracecmd delivers. Every error names the byte offset in the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <zlib.h>
#include <zstd.h>

#include "dat-check.h"

enum { COMP_NONE, COMP_ZSTD, COMP_ZLIB };

enum {	/* v7 section and option ids */
	OPT_DONE = 0, OPT_BUFFER = 3, OPT_HEADER_INFO = 16, OPT_FTRACE_EVENTS = 17,
	OPT_EVENT_FORMATS = 18, OPT_KALLSYMS = 19, OPT_PRINTK = 20, OPT_CMDLINES = 21,
	SEC_STRINGS = 15,
};

/* the ring buffer's event header: type_len (5 bits), time_delta (27 bits) */
#define RB_PADDING 29
#define RB_TIME_EXTEND 30
#define RB_TIME_STAMP 31
#define RB_COMMIT_MASK ((1u << 27) - 1)	/* the rest of 'commit' holds flags */
#define TS_ABS_MASK ((1ULL << 59) - 1)

#define MAX_SECTION (1ULL << 30)
#define MAX_CHUNK (64u << 20)

struct ck {
	int fd;
	uint64_t size;
	struct dat_layout *L;
	struct tlbr_error *err;
	int comp;
	unsigned int commit_off, commit_size, data_off;
	bool have_header_page;
	ZSTD_DCtx *z;
	unsigned int nsections;
};

/* A reader over a file range or over a decompressed section. */
struct cur {
	struct ck *c;
	const unsigned char *mem;	/* NULL: read from the file */
	uint64_t pos, end;
	uint64_t sec_off;		/* file offset of a decompressed section */
	const char *what;		/* the section */
};

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t le64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static int truncated(struct ck *c, uint64_t off, uint64_t n, const char *what)
{
	tlbr_error_set(c->err, off, 0, "the %s (%llu bytes) runs past the end of the file "
		       "(%llu bytes): truncated trace.dat", what, (unsigned long long)n,
		       (unsigned long long)c->size);
	return -EBADMSG;
}

static int rd(struct ck *c, uint64_t off, void *buf, size_t n, const char *what)
{
	size_t done = 0;

	if (off > c->size || n > c->size - off)
		return truncated(c, off, n, what);
	while (done < n) {
		ssize_t r = pread(c->fd, (char *)buf + done, n - done, (off_t)(off + done));

		if (r <= 0) {
			tlbr_error_set(c->err, off + done, 0, "cannot read the %s: %s", what,
				       r < 0 ? strerror(errno) : "the file shrank while read");
			return -EBADMSG;
		}
		done += (size_t)r;
	}
	return 0;
}

/* Where a cursor error is: the byte in the file, or the section for decompressed data. */
static int __printf(2, 3) cur_bad(struct cur *u, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (u->mem)
		tlbr_error_set(u->c->err, u->sec_off, 0, "%s section: byte %llu of its %llu "
			       "decompressed bytes: %s: corrupt trace.dat", u->what,
			       (unsigned long long)u->pos, (unsigned long long)u->end, msg);
	else
		tlbr_error_set(u->c->err, u->pos, 0, "%s: %s: truncated or corrupt trace.dat",
			       u->what, msg);
	return -EBADMSG;
}

static int cur_read(struct cur *u, void *out, uint64_t n, const char *what)
{
	if (n > u->end - u->pos)
		return cur_bad(u, "the %s (%llu bytes) runs past the end of the section", what,
			       (unsigned long long)n);
	if (u->mem)
		memcpy(out, u->mem + u->pos, n);
	else if (rd(u->c, u->pos, out, n, what) < 0)
		return -EBADMSG;
	u->pos += n;
	return 0;
}

static int cur_skip(struct cur *u, uint64_t n, const char *what)
{
	if (n > u->end - u->pos)
		return cur_bad(u, "the %s (%llu bytes) runs past the end of the section", what,
			       (unsigned long long)n);
	u->pos += n;
	return 0;
}

static int cur_u32(struct cur *u, uint32_t *v, const char *what)
{
	unsigned char b[4];

	if (cur_read(u, b, 4, what) < 0)
		return -EBADMSG;
	*v = le32(b);
	return 0;
}

static int cur_u64(struct cur *u, uint64_t *v, const char *what)
{
	unsigned char b[8];

	if (cur_read(u, b, 8, what) < 0)
		return -EBADMSG;
	*v = le64(b);
	return 0;
}

/* A NUL-terminated string of at most @max - 1 bytes into @buf. */
static int cur_str(struct cur *u, char *buf, size_t max, const char *what)
{
	uint64_t n = u->end - u->pos < max ? u->end - u->pos : max;
	size_t len;

	if (u->mem)
		memcpy(buf, u->mem + u->pos, n);
	else if (n && rd(u->c, u->pos, buf, n, what) < 0)
		return -EBADMSG;
	len = strnlen(buf, n);
	if (len == n)
		return cur_bad(u, "the %s is not terminated within %llu bytes", what,
			       (unsigned long long)n);
	u->pos += len + 1;
	return 0;
}

/* A block of @lenbytes-byte size and its data, skipped. */
static int cur_block(struct cur *u, unsigned int lenbytes, const char *what)
{
	uint64_t n = 0;
	uint32_t n32 = 0;

	if (lenbytes == 8 ? cur_u64(u, &n, what) : cur_u32(u, &n32, what))
		return -EBADMSG;
	if (lenbytes == 4)
		n = n32;
	return cur_skip(u, n, what);
}

/* ------------------------------------------------------------ decompression */

static int decompress(struct ck *c, const unsigned char *src, size_t n, unsigned char *dst,
		      size_t want, uint64_t pos, const char *what)
{
	if (c->comp == COMP_ZSTD) {
		size_t r;

		if (!c->z && !(c->z = ZSTD_createDCtx()))
			return -ENOMEM;
		r = ZSTD_decompressDCtx(c->z, dst, want, src, n);
		if (ZSTD_isError(r) || r != want) {
			tlbr_error_set(c->err, pos, 0, "the %s does not decompress%s%s (%llu bytes "
				       "expected): corrupt trace.dat", what,
				       ZSTD_isError(r) ? ": " : "",
				       ZSTD_isError(r) ? ZSTD_getErrorName(r) : "",
				       (unsigned long long)want);
			return -EBADMSG;
		}
		return 0;
	}
	if (c->comp == COMP_ZLIB) {
		uLongf out = want;

		if (uncompress(dst, &out, src, n) != Z_OK || out != want) {
			tlbr_error_set(c->err, pos, 0, "the %s does not decompress (zlib, %llu "
				       "bytes expected): corrupt trace.dat", what,
				       (unsigned long long)want);
			return -EBADMSG;
		}
		return 0;
	}
	tlbr_error_set(c->err, pos, 0, "the %s is compressed with '%s', which tlbreplay cannot "
		       "check", what, c->L->compression);
	return -EBADMSG;
}

/*
 * A v7 section at @off: its header (id, flags, string id, size) and its
 * content, decompressed into *@ret_mem (or left in the file: *@ret_mem NULL).
 */
static int open_section(struct ck *c, uint64_t off, int id, const char *what, struct cur *u,
			unsigned char **ret_mem)
{
	unsigned char h[16], ch[8];
	uint64_t size;
	uint32_t clen, ulen;
	unsigned char *src, *dst;
	int ret;

	*ret_mem = NULL;
	if (++c->nsections > 4096) {
		tlbr_error_set(c->err, off, 0, "more than 4096 sections: the offsets loop "
			       "(corrupt trace.dat)");
		return -EBADMSG;
	}
	if (rd(c, off, h, sizeof(h), what) < 0)
		return -EBADMSG;
	if (le16(h) != id) {
		tlbr_error_set(c->err, off, 0, "the %s section should start here, but the "
			       "section id is %u (%d expected): corrupt trace.dat", what, le16(h), id);
		return -EBADMSG;
	}
	size = le64(h + 8);
	if (size > c->size - off - 16)
		return truncated(c, off, size + 16, what);
	memset(u, 0, sizeof(*u));
	u->c = c;
	u->what = what;
	u->sec_off = off;
	if (!(le16(h + 2) & 1) || id == OPT_BUFFER) {	/* CPU data compress in chunks */
		u->pos = off + 16;
		u->end = off + 16 + size;
		return 0;
	}
	if (size < 8 || rd(c, off + 16, ch, 8, what) < 0)
		return size < 8 ? truncated(c, off + 16, 8, what) : -EBADMSG;
	clen = le32(ch);
	ulen = le32(ch + 4);
	if (clen != size - 8 || ulen > MAX_SECTION) {
		tlbr_error_set(c->err, off + 16, 0, "the %s section holds %u compressed bytes, "
			       "but its size says %llu, and %u uncompressed: corrupt trace.dat",
			       what, clen, (unsigned long long)size - 8, ulen);
		return -EBADMSG;
	}
	src = malloc(clen ? clen : 1);
	dst = malloc(ulen ? ulen : 1);
	if (!src || !dst) {
		free(src);
		free(dst);
		return -ENOMEM;
	}
	ret = rd(c, off + 24, src, clen, what);
	if (!ret)
		ret = decompress(c, src, clen, dst, ulen, off + 24, what);
	free(src);
	if (ret < 0) {
		free(dst);
		return ret;
	}
	u->mem = dst;
	u->pos = 0;
	u->end = ulen;
	*ret_mem = dst;
	return 0;
}

/* ------------------------------------------------------------ headers */

/* "field: local_t commit;\toffset:8;\tsize:8;" -> offset and size of @name */
static bool header_field(const char *text, const char *name, unsigned int *ret_off,
			 unsigned int *ret_size)
{
	const char *p = text;
	size_t n = strlen(name);

	while ((p = strstr(p, name))) {
		const char *o, *s;

		if ((p[n] == ';' || p[n] == '[') && p > text && p[-1] == ' ' &&
		    (o = strstr(p, "offset:")) && (s = strstr(p, "size:"))) {
			*ret_off = (unsigned int)strtoul(o + 7, NULL, 10);
			*ret_size = (unsigned int)strtoul(s + 5, NULL, 10);
			return true;
		}
		p += n;
	}
	return false;
}

static int check_headers(struct ck *c, struct cur *u)
{
	char name[16], text[2048];
	unsigned int doff, dsize;
	uint64_t n;

	if (cur_str(u, name, sizeof(name), "header_page name") < 0)
		return -EBADMSG;
	if (strcmp(name, "header_page"))
		return cur_bad(u, "'header_page' expected");
	if (cur_u64(u, &n, "header_page size") < 0)
		return -EBADMSG;
	if (n >= sizeof(text))
		return cur_bad(u, "the header_page is %llu bytes long", (unsigned long long)n);
	if (cur_read(u, text, n, "header_page") < 0)
		return -EBADMSG;
	text[n] = '\0';
	if (!header_field(text, "commit", &c->commit_off, &c->commit_size) ||
	    !header_field(text, "data", &doff, &dsize) ||
	    (c->commit_size != 4 && c->commit_size != 8) ||
	    c->commit_off + c->commit_size > doff || doff >= c->L->page_size)
		return cur_bad(u, "the header_page does not describe a page header (commit, data)");
	c->data_off = doff;
	c->have_header_page = true;
	if (cur_str(u, name, sizeof(name), "header_event name") < 0)
		return -EBADMSG;
	if (strcmp(name, "header_event"))
		return cur_bad(u, "'header_event' expected");
	return cur_block(u, 8, "header_event");
}

static int check_ftrace_events(struct cur *u)
{
	uint32_t n, i;

	if (cur_u32(u, &n, "ftrace event count") < 0)
		return -EBADMSG;
	for (i = 0; i < n; i++)
		if (cur_block(u, 8, "ftrace event format") < 0)
			return -EBADMSG;
	return 0;
}

static int check_event_formats(struct cur *u)
{
	uint32_t nsys, n, i, k;
	char sys[256];

	if (cur_u32(u, &nsys, "event system count") < 0)
		return -EBADMSG;
	for (i = 0; i < nsys; i++) {
		if (cur_str(u, sys, sizeof(sys), "event system name") < 0 ||
		    cur_u32(u, &n, "event count") < 0)
			return -EBADMSG;
		for (k = 0; k < n; k++)
			if (cur_block(u, 8, "event format") < 0)
				return -EBADMSG;
	}
	return 0;
}

/* ------------------------------------------------------------ CPU data */

struct cpu_walk {
	struct ck *c;
	unsigned int buffer;
	int cpu;
	const char *bname;
	uint64_t last_ts;		/* of the last event of the previous page */
	uint64_t records;
	uint64_t pages;
};

static int __printf(4, 5) page_bad(struct cpu_walk *w, uint64_t pos, const char *where,
				   const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tlbr_error_set(w->c->err, pos, 0, "%s, cpu %d: %s%s: corrupt CPU data", w->bname,
		       w->cpu, where, msg);
	return -EBADMSG;
}

/*
 * One page of CPU data. @pos is its file offset when the data is not
 * compressed; @where locates it otherwise (" page 3 of chunk 2").
 */
static int check_page(struct cpu_walk *w, const unsigned char *pg, uint64_t pos,
		      const char *where)
{
	struct ck *c = w->c;
	unsigned int psize = c->L->page_size;
	uint64_t ts = le64(pg), commit;
	unsigned int i, end;

	commit = c->commit_size == 8 ? le64(pg + c->commit_off) : le32(pg + c->commit_off);
	commit &= RB_COMMIT_MASK;
	if (!commit && !ts)
		return page_bad(w, pos, where, "a page without data or time stamp (a zeroed "
				"page?)");
	if (commit > psize - c->data_off)
		return page_bad(w, pos, where, "a page that commits %llu bytes, more than a "
				"page holds (%u)", (unsigned long long)commit, psize - c->data_off);
	if (w->pages && ts < w->last_ts)
		return page_bad(w, pos, where, "a page whose time stamp %llu is before the last "
				"event of the page before (%llu)", (unsigned long long)ts,
				(unsigned long long)w->last_ts);
	w->pages++;
	end = c->data_off + (unsigned int)commit;
	for (i = c->data_off; i < end;) {
		uint32_t h, type_len, delta, len;

		if (end - i < 4)
			goto cut;
		h = le32(pg + i);
		type_len = h & 31;
		delta = h >> 5;
		switch (type_len) {
		case RB_PADDING:
			if (!delta)	/* null padding: the rest of the page */
				i = end;
			else if (end - i < 8)
				goto cut;
			else {
				len = le32(pg + i + 4);
				if (len > end - i - 4)
					goto cut;
				i += 4 + len;
			}
			ts += delta;
			continue;
		case RB_TIME_EXTEND:
			if (end - i < 8)
				goto cut;
			ts += ((uint64_t)le32(pg + i + 4) << 27) + delta;
			i += 8;
			continue;
		case RB_TIME_STAMP:
			if (end - i < 8)
				goto cut;
			ts = (ts & ~TS_ABS_MASK) |
			     ((((uint64_t)le32(pg + i + 4) << 27) | delta) & TS_ABS_MASK);
			i += 8;
			continue;
		case 0:
			if (end - i < 8)
				goto cut;
			len = le32(pg + i + 4);	/* the data and this length word */
			if (len < 4 || len - 4 > end - i - 8)
				goto cut;
			i += 8 + ((len - 4 + 3) & ~3u);
			break;
		default:
			len = type_len * 4;
			if (len > end - i - 4)
				goto cut;
			i += 4 + len;
			break;
		}
		ts += delta;
		w->records++;
	}
	w->last_ts = ts;
	return 0;
cut:
	return page_bad(w, where[0] ? pos : pos + i, where, "the event header at byte %u of "
			"the page (committed: %llu bytes) describes a record that does not fit",
			i, (unsigned long long)commit);
}

/*
 * Check the pages of [*at, end) where they lie in the page cache, a window
 * at a time (no copy: a read() of every page cost more than the walk);
 * *at is where it stopped. False when the file cannot be mapped: the caller
 * reads what is left. A file that shrinks under the walk faults (SIGBUS):
 * the command's guard reports it (cmd/util-guard.c). O(bytes) page walks.
 */
#define MAP_WINDOW (4u << 20)

static bool walk_mapped(struct cpu_walk *w, uint64_t *at, uint64_t end, int *ret)
{
	unsigned int psize = w->c->L->page_size;
	uint64_t align = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t win = MAP_WINDOW / psize * psize;

	if (!align || (align & (align - 1)) || !win)
		return false;
	while (*at < end && !*ret) {
		uint64_t len = end - *at < win ? end - *at : win;
		uint64_t base = *at & ~(align - 1), p;
		size_t maplen = (size_t)(len + (*at - base));
		unsigned char *map = mmap(NULL, maplen, PROT_READ, MAP_PRIVATE, w->c->fd,
					  (off_t)base);

		if (map == MAP_FAILED)
			return false;
		for (p = 0; p < len && !*ret; p += psize)
			*ret = check_page(w, map + (*at - base) + p, *at + p, "");
		munmap(map, maplen);
		*at += len;
	}
	return true;
}

static int walk_uncompressed(struct cpu_walk *w, uint64_t off, uint64_t size)
{
	unsigned int psize = w->c->L->page_size;
	unsigned char *buf;
	uint64_t at = off;
	int ret = 0;

	if (size % psize) {
		tlbr_error_set(w->c->err, off, 0, "%s, cpu %d: %llu bytes of CPU data, not a whole "
			       "number of %u-byte pages: corrupt trace.dat", w->bname, w->cpu,
			       (unsigned long long)size, psize);
		return -EBADMSG;
	}
	if (walk_mapped(w, &at, off + size, &ret))
		return ret;
	buf = malloc(psize);
	if (!buf)
		return -ENOMEM;
	for (; at < off + size && !ret; at += psize) {
		ret = rd(w->c, at, buf, psize, "CPU data page");
		if (!ret)
			ret = check_page(w, buf, at, "");
	}
	free(buf);
	return ret;
}

/*
 * Compressed CPU data: a chunk count, then the chunks; the size the file
 * states counts the chunks, not the count before them.
 */
static int walk_compressed(struct cpu_walk *w, uint64_t off, uint64_t size)
{
	unsigned int psize = w->c->L->page_size;
	unsigned char *src = NULL, *dst = NULL, h[8];
	uint64_t at = off + 4;
	uint32_t count, k;

	size += 4;
	char where[64];
	int ret = 0;

	if (rd(w->c, off, h, 4, "chunk count") < 0)
		return -EBADMSG;
	count = le32(h);
	if (!count) {
		tlbr_error_set(w->c->err, off, 0, "%s, cpu %d: the file states %llu bytes of "
			       "compressed data for this CPU, but its chunk count is 0: corrupt "
			       "trace.dat", w->bname, w->cpu, (unsigned long long)size - 4);
		return -EBADMSG;
	}
	for (k = 0; k < count && !ret; k++) {
		uint32_t clen, ulen, p;

		if (at + 8 > off + size) {
			tlbr_error_set(w->c->err, at, 0, "%s, cpu %d: chunk %u of %u lies past the "
				       "CPU's %llu bytes of data: corrupt trace.dat", w->bname, w->cpu,
				       k + 1, count, (unsigned long long)size);
			ret = -EBADMSG;
			break;
		}
		if ((ret = rd(w->c, at, h, 8, "chunk header")) < 0)
			break;
		clen = le32(h);
		ulen = le32(h + 4);
		if (clen > off + size - at - 8 || !ulen || ulen % psize || ulen > MAX_CHUNK) {
			tlbr_error_set(w->c->err, at, 0, "%s, cpu %d: chunk %u of %u claims %u "
				       "compressed bytes (%llu left) and %u uncompressed (whole "
				       "%u-byte pages expected): corrupt trace.dat", w->bname, w->cpu,
				       k + 1, count, clen, (unsigned long long)(off + size - at - 8),
				       ulen, psize);
			ret = -EBADMSG;
			break;
		}
		free(src);
		free(dst);
		src = malloc(clen ? clen : 1);
		dst = malloc(ulen);
		if (!src || !dst) {
			ret = -ENOMEM;
			break;
		}
		ret = rd(w->c, at + 8, src, clen, "compressed chunk");
		if (!ret)
			ret = decompress(w->c, src, clen, dst, ulen, at, "compressed chunk of CPU data");
		for (p = 0; !ret && p < ulen / psize; p++) {
			snprintf(where, sizeof(where), "page %u of compressed chunk %u: ", p + 1, k + 1);
			ret = check_page(w, dst + (size_t)p * psize, at, where);
		}
		at += 8 + clen;
	}
	if (!ret && at != off + size) {
		tlbr_error_set(w->c->err, at, 0, "%s, cpu %d: its %u chunks end %llu bytes before "
			       "the CPU's data does: corrupt trace.dat", w->bname, w->cpu, count,
			       (unsigned long long)(off + size - at));
		ret = -EBADMSG;
	}
	free(src);
	free(dst);
	return ret;
}

static int check_cpu(struct ck *c, unsigned int buffer, const char *bname, uint32_t cpu,
		     uint64_t off, uint64_t size, bool compressed)
{
	struct cpu_walk w = { .c = c, .buffer = buffer, .cpu = (int)cpu, .bname = bname };
	int ret;

	if (cpu >= TLBR_MAX_CPUS) {
		tlbr_error_set(c->err, UINT64_MAX, 0, "%s: data for cpu %u (at most %d supported)",
			       bname, cpu, TLBR_MAX_CPUS);
		return -EBADMSG;
	}
	if (off > c->size || size + (compressed ? 4 : 0) > c->size - off) {
		tlbr_error_set(c->err, off, 0, "%s, cpu %u: its %llu bytes of data run past the "
			       "end of the file (%llu bytes): truncated trace.dat", bname, cpu,
			       (unsigned long long)size, (unsigned long long)c->size);
		return -EBADMSG;
	}
	if (!size)
		return 0;
	if (!c->have_header_page) {
		tlbr_error_set(c->err, off, 0, "%s, cpu %u: CPU data but no header info section "
			       "describing its pages: corrupt trace.dat", bname, cpu);
		return -EBADMSG;
	}
	ret = compressed ? walk_compressed(&w, off, size) : walk_uncompressed(&w, off, size);
	if (ret < 0)
		return ret;
	c->L->records[buffer][cpu] += w.records;
	if ((int)cpu >= c->L->ncpus)
		c->L->ncpus = (int)cpu + 1;
	c->L->cpu_offset[buffer][cpu] = off;
	c->L->pages += w.pages;
	c->L->total_records += w.records;
	return 0;
}

static int new_buffer(struct ck *c, const char *name, uint64_t pos, unsigned int *ret_index)
{
	if (!*name) {
		*ret_index = 0;
		return 0;
	}
	if (c->L->nbuffers >= DAT_MAX_BUFFERS) {
		tlbr_error_set(c->err, pos, 0, "more than %d instance buffers", DAT_MAX_BUFFERS - 1);
		return -EBADMSG;
	}
	*ret_index = c->L->nbuffers++;
	return 0;
}

static void buffer_name(char *out, size_t n, const char *name)
{
	if (*name)
		snprintf(out, n, "buffer '%.40s'", name);
	else
		snprintf(out, n, "top buffer");
}

/* ------------------------------------------------------------ version 7 */

/* The sections an option points to. */
static int check_v7_section(struct ck *c, int id, uint64_t off)
{
	static const char *const names[] = {
		[OPT_HEADER_INFO] = "header info", [OPT_FTRACE_EVENTS] = "ftrace events",
		[OPT_EVENT_FORMATS] = "event formats", [OPT_KALLSYMS] = "kallsyms",
		[OPT_PRINTK] = "printk", [OPT_CMDLINES] = "command lines",
	};
	unsigned char *mem;
	struct cur u;
	int ret;

	ret = open_section(c, off, id, names[id], &u, &mem);
	if (ret < 0)
		return ret;
	switch (id) {
	case OPT_HEADER_INFO:
		ret = check_headers(c, &u);
		break;
	case OPT_FTRACE_EVENTS:
		ret = check_ftrace_events(&u);
		break;
	case OPT_EVENT_FORMATS:
		ret = check_event_formats(&u);
		break;
	case OPT_KALLSYMS:
	case OPT_PRINTK:
		ret = cur_block(&u, 4, names[id]);
		break;
	default:
		ret = cur_block(&u, 8, names[id]);
		break;
	}
	free(mem);
	return ret;
}

static int check_v7_buffer(struct ck *c, struct cur *o, uint64_t opt_end)
{
	char name[256], clock[64], bname[64];
	uint32_t psize, ncpu, i, cpu;
	uint64_t off, coff, csize;
	unsigned char *mem;
	unsigned int idx;
	struct cur s;
	uint64_t pos = o->pos;
	int ret;

	o->end = opt_end;
	if (cur_u64(o, &off, "buffer offset") < 0 || cur_str(o, name, sizeof(name), "buffer name") < 0 ||
	    cur_str(o, clock, sizeof(clock), "buffer clock") < 0 || cur_u32(o, &psize, "page size") < 0 ||
	    cur_u32(o, &ncpu, "buffer CPU count") < 0)
		return -EBADMSG;
	if (psize != c->L->page_size)
		return cur_bad(o, "the page size of the buffer is %u, not the file's", psize);
	if (ncpu > TLBR_MAX_CPUS)
		return cur_bad(o, "the buffer CPU count is %u", ncpu);
	if (new_buffer(c, name, pos, &idx) < 0)
		return -EBADMSG;
	buffer_name(bname, sizeof(bname), name);
	ret = open_section(c, off, OPT_BUFFER, "buffer flyrecord", &s, &mem);
	if (ret < 0)
		return ret;
	{
		unsigned char h[4];
		bool compressed;

		if (rd(c, off + 2, h, 2, "buffer flags") < 0)
			return -EBADMSG;
		compressed = le16(h) & 1;
		for (i = 0; i < ncpu; i++) {
			if (cur_u32(o, &cpu, "CPU id") < 0 || cur_u64(o, &coff, "CPU data offset") < 0 ||
			    cur_u64(o, &csize, "CPU data size") < 0)
				return -EBADMSG;
			if (csize && (coff < s.pos || coff + csize + (compressed ? 4 : 0) > s.end)) {
				tlbr_error_set(c->err, off, 0, "%s, cpu %u: its data (%llu bytes at "
					       "%llu) lies outside its buffer section (%llu-%llu): "
					       "corrupt trace.dat", bname, cpu, (unsigned long long)csize,
					       (unsigned long long)coff, (unsigned long long)s.pos,
					       (unsigned long long)s.end);
				return -EBADMSG;
			}
			ret = check_cpu(c, idx, bname, cpu, coff, csize, compressed);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* The size an already checked section header states. */
static uint64_t sec_size(struct ck *c, uint64_t off)
{
	unsigned char h[8];

	return rd(c, off + 8, h, 8, "section size") < 0 ? 0 : le64(h);
}

static int check_strings(struct ck *c, uint64_t off)
{
	unsigned char *mem, h[2];
	struct cur u;
	int ret;

	if (rd(c, off, h, 2, "strings section") < 0)
		return -EBADMSG;
	if (le16(h) != SEC_STRINGS)
		return 0;
	ret = open_section(c, off, SEC_STRINGS, "strings", &u, &mem);
	free(mem);
	return ret;
}

static int check_v7(struct ck *c, uint64_t pos)
{
	char name[32], version[32];
	unsigned char b[8];
	uint64_t next;
	struct cur h = { .c = c, .pos = pos, .end = c->size, .what = "file header" };

	if (cur_str(&h, name, sizeof(name), "compression name") < 0 ||
	    cur_str(&h, version, sizeof(version), "compression version") < 0 ||
	    cur_read(&h, b, 8, "offset of the first options section") < 0)
		return -EBADMSG;
	snprintf(c->L->compression, sizeof(c->L->compression), "%s", name);
	if (!strcmp(name, "none") || !*name)
		c->comp = COMP_NONE;
	else if (!strcmp(name, "zstd"))
		c->comp = COMP_ZSTD;
	else if (!strcmp(name, "zlib"))
		c->comp = COMP_ZLIB;
	else {
		tlbr_error_set(c->err, pos, 0, "compression '%s' is not one libtracecmd reads "
			       "(zstd, zlib): corrupt trace.dat?", name);
		return -EBADMSG;
	}
	next = le64(b);
	if (!next) {
		tlbr_error_set(c->err, h.pos - 8, 0, "no options section (offset 0): corrupt "
			       "trace.dat");
		return -EBADMSG;
	}
	while (next) {
		unsigned char *mem;
		struct cur o;
		uint64_t sec = next;
		int ret;

		ret = open_section(c, sec, OPT_DONE, "options", &o, &mem);
		if (ret < 0)
			return ret;
		next = 0;
		for (;;) {
			unsigned char oh[6];
			uint64_t v, opt_end;
			uint16_t id;
			uint32_t size;

			if ((ret = cur_read(&o, oh, 6, "option header")) < 0)
				break;
			id = le16(oh);
			size = le32(oh + 2);
			if (size > o.end - o.pos) {
				ret = cur_bad(&o, "an option of %u bytes runs past the section", size);
				break;
			}
			opt_end = o.pos + size;
			if (id == OPT_DONE) {
				if (size < 8 || (ret = cur_u64(&o, &next, "next options offset")) < 0) {
					if (size < 8)
						ret = cur_bad(&o, "the DONE option has %u bytes (8 "
							      "expected)", size);
				}
				break;
			}
			if (id >= OPT_HEADER_INFO && id <= OPT_CMDLINES) {
				if (size != 8 || cur_u64(&o, &v, "section offset") < 0) {
					ret = size != 8 ? cur_bad(&o, "a section option of %u bytes (8 "
								  "expected)", size) : -EBADMSG;
					break;
				}
				if ((ret = check_v7_section(c, id, v)) < 0)
					break;
			} else if (id == OPT_BUFFER) {
				struct cur bo = o;

				if ((ret = check_v7_buffer(c, &bo, opt_end)) < 0)
					break;
			}
			o.pos = opt_end;
		}
		free(mem);
		if (ret < 0)
			return ret;
		/* the strings section trace-cmd writes after an options section */
		{
			uint64_t after = sec + 16 + sec_size(c, sec);

			if (after < c->size && (ret = check_strings(c, after)) < 0)
				return ret;
			if (after >= c->size && !next) {
				tlbr_error_set(c->err, after, 0, "the file ends after its last options "
					       "section, where trace-cmd writes the strings section: "
					       "truncated trace.dat");
				return -EBADMSG;
			}
		}
		if (next == sec) {
			tlbr_error_set(c->err, sec, 0, "the options section points to itself: "
				       "corrupt trace.dat");
			return -EBADMSG;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ version 6 */

static int check_v6_flyrecord(struct ck *c, struct cur *u, unsigned int idx, const char *bname,
			      uint32_t ncpus)
{
	char kind[10];
	uint32_t i;

	if (cur_read(u, kind, 10, "data kind (flyrecord or latency)") < 0)
		return -EBADMSG;
	if (!memcmp(kind, "latency  ", 10))
		return 0;
	if (memcmp(kind, "flyrecord", 10)) {
		u->pos -= 10;
		return cur_bad(u, "the data kind is neither 'flyrecord' nor 'latency'");
	}
	for (i = 0; i < ncpus; i++) {
		uint64_t off, size;
		int ret;

		if (cur_u64(u, &off, "CPU data offset") < 0 || cur_u64(u, &size, "CPU data size") < 0)
			return -EBADMSG;
		ret = check_cpu(c, idx, bname, i, off, size, false);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int check_v6(struct ck *c, uint64_t pos)
{
	struct cur u = { .c = c, .pos = pos, .end = c->size, .what = "file header" };
	struct { uint64_t off; char name[64]; } inst[DAT_MAX_BUFFERS];
	unsigned int ninst = 0, i;
	uint32_t ncpus;
	char kind[10];
	int ret;

	u.what = "header info";
	if (check_headers(c, &u) < 0)
		return -EBADMSG;
	u.what = "ftrace events";
	if (check_ftrace_events(&u) < 0)
		return -EBADMSG;
	u.what = "event formats";
	if (check_event_formats(&u) < 0)
		return -EBADMSG;
	u.what = "kallsyms";
	if (cur_block(&u, 4, "kallsyms") < 0)
		return -EBADMSG;
	u.what = "printk formats";
	if (cur_block(&u, 4, "printk formats") < 0)
		return -EBADMSG;
	u.what = "command lines";
	if (cur_block(&u, 8, "command lines") < 0)
		return -EBADMSG;
	u.what = "file header";
	if (cur_u32(&u, &ncpus, "CPU count") < 0)
		return -EBADMSG;
	if (ncpus > TLBR_MAX_CPUS)
		return cur_bad(&u, "the CPU count is %u", ncpus);
	if (cur_read(&u, kind, 10, "options marker") < 0)
		return -EBADMSG;
	u.pos -= 10;
	if (!memcmp(kind, "options  ", 10)) {
		u.pos += 10;
		u.what = "options";
		for (;;) {
			unsigned char oh[6];
			uint32_t size;
			uint64_t end;

			if (cur_read(&u, oh, 2, "option id") < 0)
				return -EBADMSG;
			if (!le16(oh))
				break;
			if (cur_read(&u, oh + 2, 4, "option size") < 0)
				return -EBADMSG;
			size = le32(oh + 2);
			end = u.pos + size;
			if (size > u.end - u.pos)
				return cur_bad(&u, "an option of %u bytes runs past the end of the file",
					       size);
			if (le16(oh) == OPT_BUFFER) {
				if (ninst == DAT_MAX_BUFFERS - 1)
					return cur_bad(&u, "more than %d instance buffers",
						       DAT_MAX_BUFFERS - 1);
				struct cur b = u;

				b.end = end;
				if (cur_u64(&b, &inst[ninst].off, "buffer offset") < 0 ||
				    cur_str(&b, inst[ninst].name, sizeof(inst[ninst].name),
					    "buffer name") < 0)
					return -EBADMSG;
				ninst++;
			}
			u.pos = end;
		}
	}
	u.what = "file header";
	ret = check_v6_flyrecord(c, &u, 0, "top buffer", ncpus);
	for (i = 0; !ret && i < ninst; i++) {
		struct cur b = { .c = c, .pos = inst[i].off, .end = c->size, .what = "buffer" };
		char bname[64];
		unsigned int idx;

		if (new_buffer(c, inst[i].name[0] ? inst[i].name : "?", inst[i].off, &idx) < 0)
			return -EBADMSG;
		buffer_name(bname, sizeof(bname), inst[i].name);
		ret = check_v6_flyrecord(c, &b, idx, bname, ncpus);
	}
	return ret;
}

int tlbr_dat_check(int fd, uint64_t size, struct dat_layout *out, struct tlbr_error *err)
{
	unsigned char h[24];
	struct ck c = { .fd = fd, .size = size, .L = out, .err = err };
	size_t vlen;
	int ret;

	memset(out, 0, sizeof(*out));
	out->nbuffers = 1;
	if (size < 10)
		return truncated(&c, 0, 10, "magic");
	if (rd(&c, 0, h, size < sizeof(h) ? (size_t)size : sizeof(h), "file header") < 0)
		return -EBADMSG;
	vlen = strnlen((char *)h + 10, size < 14 ? (size_t)size - 10 : 4);
	if (vlen == 0 || vlen >= 4 || 10 + vlen + 1 + 6 > size) {
		tlbr_error_set(err, 10, 0, "the file header (version, endianness, long and page "
			       "size) is cut short or corrupt: truncated trace.dat");
		return -EBADMSG;
	}
	if (strcmp((char *)h + 10, "6") && strcmp((char *)h + 10, "7")) {
		tlbr_error_set(err, 10, 0, "trace.dat version '%s': tlbreplay reads versions 6 "
			       "and 7", (char *)h + 10);
		return -EBADMSG;
	}
	out->version = h[10] - '0';
	if (h[12] != 0) {
		tlbr_error_set(err, 12, 0, "a big-endian trace.dat: not supported");
		return -EBADMSG;
	}
	if (h[13] != 4 && h[13] != 8) {
		tlbr_error_set(err, 13, 0, "a long size of %u bytes (4 or 8 expected): corrupt "
			       "trace.dat", h[13]);
		return -EBADMSG;
	}
	out->page_size = le32(h + 14);
	if (out->page_size < 1024 || out->page_size > (1u << 20) ||
	    (out->page_size & (out->page_size - 1))) {
		tlbr_error_set(err, 14, 0, "a page size of %u bytes: corrupt trace.dat",
			       out->page_size);
		return -EBADMSG;
	}
	ret = out->version == 6 ? check_v6(&c, 18) : check_v7(&c, 18);
	if (c.z)
		ZSTD_freeDCtx(c.z);
	if (!ret && out->version == 6)
		snprintf(out->compression, sizeof(out->compression), "none");
	return ret;
}
