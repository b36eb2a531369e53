// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reader.c - opening a trace: format detection by content, dispatch to the
 * format's reader, and the event-type table readers share.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats-local.h"

void tlbr_error_set(struct tlbr_error *err, uint64_t offset, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->offset = offset;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static const char *const format_names[] = {
	[TLBR_FMT_AUTO] = "auto",
	[TLBR_FMT_DAT] = "dat",
	[TLBR_FMT_TEXT] = "text",
	[TLBR_FMT_PERF] = "perf",
	[TLBR_FMT_CTF] = "ctf",
};

const char *tlbr_format_name(enum tlbr_format fmt)
{
	return (unsigned int)fmt < ARRAY_SIZE(format_names) ? format_names[fmt] : "?";
}

int tlbr_format_parse(const char *name, enum tlbr_format *ret_fmt)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(format_names); i++) {
		if (!strcmp(name, format_names[i])) {
			*ret_fmt = (enum tlbr_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* trace.dat files start with "\027\010\104tracing". */
static const char dat_magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

static enum tlbr_format detect(const unsigned char *buf, size_t n)
{
	size_t i;

	if (n >= sizeof(dat_magic) && !memcmp(buf, dat_magic, sizeof(dat_magic)))
		return TLBR_FMT_DAT;
	if (n >= 8 && !memcmp(buf, "PERFILE2", 8))
		return TLBR_FMT_PERF;
	if (n >= 8 && !memcmp(buf, "2ELIFREP", 8))
		return TLBR_FMT_PERF;	/* big-endian: the reader says it is not supported */
	/* Text: printable bytes (comms may hold UTF-8) and no NUL. */
	for (i = 0; i < n; i++) {
		if (buf[i] == 0 || (buf[i] < 0x20 && buf[i] != '\n' && buf[i] != '\t' &&
				    buf[i] != '\r'))
			return TLBR_FMT_AUTO;
	}
	return TLBR_FMT_TEXT;
}

static struct tlbr_reader *reader_alloc(const char *path)
{
	struct tlbr_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->path = strdup(path);
	if (!r->path) {
		free(r);
		return NULL;
	}
	return r;
}

static const char *file_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* Standard input: the bytes already read for detection, then the rest. */
struct stdin_src {
	unsigned char head[512];
	size_t n, at;
};

static ssize_t stdin_read(void *cookie, char *buf, size_t size)
{
	struct stdin_src *s = cookie;

	if (s->at < s->n) {
		size_t k = s->n - s->at < size ? s->n - s->at : size;

		memcpy(buf, s->head + s->at, k);
		s->at += k;
		return (ssize_t)k;
	}
	return read(STDIN_FILENO, buf, size);
}

static int stdin_close(void *cookie)
{
	free(cookie);
	return 0;
}

/*
 * Binary formats from standard input (pipe-mode perf.data, trace.dat):
 * the readers seek, so the input is copied into an anonymous file first.
 */
static int stdin_to_memfd(const struct stdin_src *s, struct tlbr_error *err)
{
	char buf[65536];
	ssize_t n;
	int fd = memfd_create("tlbreplay-stdin", MFD_CLOEXEC);

	if (fd < 0 || write(fd, s->head, s->n) != (ssize_t)s->n)
		goto fail;
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			goto fail;
	if (n < 0 || lseek(fd, 0, SEEK_SET) < 0)
		goto fail;
	return fd;
fail:
	tlbr_error_set(err, UINT64_MAX, 0, "cannot read standard input: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static struct tlbr_reader *open_stdin(enum tlbr_format fmt, struct tlbr_error *err)
{
	struct stdin_src *src = calloc(1, sizeof(*src));
	struct tlbr_reader *r = NULL;
	char path[64];
	ssize_t n;
	int fd, ret;
	FILE *f;

	if (!src) {
		ret = -ENOMEM;
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
		goto fail;
	}
	if (fmt == TLBR_FMT_CTF) {
		ret = -EBADMSG;
		tlbr_error_set(err, UINT64_MAX, 0, "a CTF trace is a directory: it cannot come "
			       "from standard input");
		goto fail;
	}
	while (src->n < sizeof(src->head) &&
	       (n = read(STDIN_FILENO, src->head + src->n, sizeof(src->head) - src->n)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			tlbr_error_set(err, 0, 0, "cannot read standard input: %s", strerror(errno));
			goto fail;
		}
		src->n += (size_t)n;
	}
	if (!src->n) {
		ret = -EBADMSG;
		tlbr_error_set(err, 0, 0, "standard input is empty: not a trace");
		goto fail;
	}
	if (fmt == TLBR_FMT_AUTO)
		fmt = detect(src->head, src->n);
	if (fmt == TLBR_FMT_AUTO) {
		ret = -EBADMSG;
		tlbr_error_set(err, 0, 0, "unrecognised format on standard input: not trace.dat, "
			       "perf.data or ftrace text");
		goto fail;
	}
	if (fmt == TLBR_FMT_TEXT) {
		f = fopencookie(src, "r", (cookie_io_functions_t){ .read = stdin_read,
								  .close = stdin_close });
		if (!f) {
			ret = -ENOMEM;
			tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
			goto fail;
		}
		r = reader_alloc("-");
		if (!r) {
			fclose(f);
			errno = ENOMEM;
			return NULL;
		}
		r->fmt = fmt;
		ret = tlbr_text_reader_init(r, f, true, err);
		if (ret < 0)
			goto fail_reader;
		return r;
	}
	fd = stdin_to_memfd(src, err);
	free(src);
	src = NULL;
	if (fd < 0) {
		ret = -EIO;
		goto fail;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = reader_alloc(path);
	if (!r) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	r->fmt = fmt;
	ret = fmt == TLBR_FMT_PERF ? tlbr_perf_reader_init(r, fd, err) :
				     tlbr_dat_reader_init(r, fd, err);
	if (ret < 0)
		goto fail_reader;
	return r;
fail:
	free(src);
fail_reader:
	tlbr_reader_close(r);
	errno = -ret;
	return NULL;
}

struct tlbr_reader *tlbr_reader_open(const char *path, enum tlbr_format fmt,
				     struct tlbr_error *err)
{
	unsigned char head[512];
	struct tlbr_reader *r = NULL;
	struct stat st;
	ssize_t n;
	int fd = -1, ret;
	FILE *f;

	if (!strcmp(path, "-"))
		return open_stdin(fmt, err);
	/*
	 * Looked at before it is opened: opening a FIFO nobody writes to
	 * blocks, and /dev/zero never ends.
	 */
	if (stat(path, &st) < 0) {
		ret = -errno;
		tlbr_error_set(err, UINT64_MAX, 0, "cannot open: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		ret = -EBADMSG;
		tlbr_error_set(err, UINT64_MAX, 0, "%s, not a trace file (give '-' to read a text "
			       "or pipe-mode perf trace from standard input)",
			       file_kind(st.st_mode));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		/* a directory: a CTF trace (or several, as LTTng nests them) */
		if (fmt != TLBR_FMT_AUTO && fmt != TLBR_FMT_CTF) {
			ret = -EISDIR;
			tlbr_error_set(err, UINT64_MAX, 0, "is a directory, not a %s file",
				       tlbr_format_name(fmt));
			goto fail;
		}
		fmt = TLBR_FMT_CTF;
	} else if (fmt == TLBR_FMT_CTF) {
		ret = -EBADMSG;
		tlbr_error_set(err, UINT64_MAX, 0, "a CTF trace is a directory (the one holding "
			       "'metadata', or one above it)");
		goto fail;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			ret = -errno;
			tlbr_error_set(err, UINT64_MAX, 0, "cannot open: %s", strerror(errno));
			goto fail;
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			ret = -EBADMSG;
			tlbr_error_set(err, UINT64_MAX, 0, "%s, not a trace file",
				       file_kind(st.st_mode));
			goto fail;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		n = pread(fd, head, sizeof(head), 0);
		if (n < 0) {
			ret = -errno;
			tlbr_error_set(err, 0, 0, "cannot read: %s", strerror(errno));
			goto fail;
		}
		if (n == 0) {
			ret = -EBADMSG;
			tlbr_error_set(err, 0, 0, "empty file: not a trace");
			goto fail;
		}
		if (fmt == TLBR_FMT_AUTO)
			fmt = detect(head, (size_t)n);
		if (fmt == TLBR_FMT_AUTO) {
			ret = -EBADMSG;
			tlbr_error_set(err, 0, 0, "unrecognised file format: not trace.dat, "
				       "perf.data or ftrace text (use --input-format to force one)");
			goto fail;
		}
	}
	r = reader_alloc(path);
	if (!r) {
		ret = -ENOMEM;
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
		goto fail;
	}
	r->fmt = fmt;
	r->check_change = S_ISREG(st.st_mode);
	r->st0 = st;
	switch (fmt) {
	case TLBR_FMT_CTF:
		ret = tlbr_ctf_reader_init(r, err);
		break;
	case TLBR_FMT_PERF:
		ret = tlbr_perf_reader_init(r, fd, err);
		fd = -1;	/* the reader owns it now, also on failure */
		break;
	case TLBR_FMT_DAT:
		ret = tlbr_dat_reader_init(r, fd, err);
		fd = -1;
		break;
	default:
		f = fdopen(fd, "r");
		if (!f) {
			ret = -errno;
			tlbr_error_set(err, UINT64_MAX, 0, "cannot read: %s", strerror(errno));
			goto fail;
		}
		fd = -1;
		ret = tlbr_text_reader_init(r, f, true, err);
		break;
	}
	if (ret < 0)
		goto fail;
	return r;
fail:
	if (fd >= 0)
		close(fd);
	tlbr_reader_close(r);
	errno = -ret;
	return NULL;
}

struct tlbr_reader *tlbr_reader_open_stream(FILE *f, const char *name, struct tlbr_error *err)
{
	struct tlbr_reader *r = reader_alloc(name);
	int ret;

	if (!r) {
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	r->fmt = TLBR_FMT_TEXT;
	ret = tlbr_text_reader_init(r, f, false, err);
	if (ret < 0) {
		tlbr_reader_close(r);
		errno = -ret;
		return NULL;
	}
	return r;
}

/* At the end of a regular file: the file must be the one that was opened, unchanged. */
static int check_unchanged(struct tlbr_reader *r, struct tlbr_error *err)
{
	struct stat st;

	if (stat(r->path, &st) < 0 || st.st_ino != r->st0.st_ino || st.st_dev != r->st0.st_dev) {
		tlbr_error_set(err, (uint64_t)r->st0.st_size, 0, "the file was removed or replaced "
			       "while it was read: read it again when the writer has finished");
		return -EBADMSG;
	}
	if (st.st_size != r->st0.st_size || st.st_mtim.tv_sec != r->st0.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != r->st0.st_mtim.tv_nsec) {
		tlbr_error_set(err, (uint64_t)(st.st_size < r->st0.st_size ? st.st_size :
					       r->st0.st_size), 0,
			       "the file changed while it was read (%lld bytes, now %lld, %s): read "
			       "it again when the writer has finished", (long long)r->st0.st_size,
			       (long long)st.st_size,
			       st.st_size == r->st0.st_size ? "rewritten" :
			       st.st_size < r->st0.st_size ? "truncated" : "appended to");
		return -EBADMSG;
	}
	return 0;
}

int tlbr_reader_next(struct tlbr_reader *r, const struct tlbr_record **rec,
		     struct tlbr_error *err)
{
	int ret = r->ops->next(r, rec, err);

	if (ret == 0 && r->check_change)
		return check_unchanged(r, err);
	return ret;
}

void tlbr_reader_close(struct tlbr_reader *r)
{
	if (!r)
		return;
	if (r->ops)
		r->ops->close(r);
	tlbr_typetab_release(&r->types);
	free(r->path);
	free(r);
}

enum tlbr_format tlbr_reader_format(const struct tlbr_reader *r)
{
	return r->fmt;
}

const char *tlbr_reader_describe(const struct tlbr_reader *r)
{
	return r->desc;
}

int tlbr_reader_ncpus(const struct tlbr_reader *r)
{
	return r->ncpus;
}

const char *tlbr_reader_lost_unknown(const struct tlbr_reader *r)
{
	return r->lost_unknown;
}

unsigned int tlbr_reader_ntypes(const struct tlbr_reader *r)
{
	return r->types.n;
}

bool tlbr_reader_declares(const struct tlbr_reader *r, const char *system, const char *name)
{
	return r->ops->declares && r->ops->declares(r, system, name);
}

void tlbr_reader_type(const struct tlbr_reader *r, unsigned int type, const char **ret_system,
		      const char **ret_name)
{
	*ret_system = type < r->types.n ? r->types.system[type] : "";
	*ret_name = type < r->types.n ? r->types.name[type] : "?";
}

/* ------------------------------------------------------------- type table */

static uint32_t hash_name(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

int tlbr_typetab_add(struct typetab *t, const char *system, const char *name)
{
	if (t->n == t->alloc) {
		unsigned int na = t->alloc ? t->alloc * 2 : 32;
		char **s = realloc(t->system, na * sizeof(*s));

		if (!s)
			return -ENOMEM;
		t->system = s;
		s = realloc(t->name, na * sizeof(*s));
		if (!s)
			return -ENOMEM;
		t->name = s;
		t->alloc = na;
	}
	t->system[t->n] = strdup(system ? system : "");
	t->name[t->n] = strdup(name);
	if (!t->system[t->n] || !t->name[t->n]) {
		free(t->system[t->n]);
		free(t->name[t->n]);
		return -ENOMEM;
	}
	return (int)t->n++;
}

static int rehash(struct typetab *t, unsigned int size)
{
	uint32_t *h = calloc(size, sizeof(*h));
	unsigned int i;

	if (!h)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		uint32_t k = hash_name(t->name[i], strlen(t->name[i])) & (size - 1);

		while (h[k])
			k = (k + 1) & (size - 1);
		h[k] = i + 1;
	}
	free(t->hash);
	t->hash = h;
	t->hash_size = size;
	return 0;
}

int tlbr_typetab_intern(struct typetab *t, const char *name, size_t len)
{
	const struct tlbr_evdef *def;
	char buf[128];
	uint32_t k;
	int idx;

	if (!t->hash_size && rehash(t, 64) < 0)
		return -ENOMEM;
	k = hash_name(name, len) & (t->hash_size - 1);
	while (t->hash[k]) {
		unsigned int i = t->hash[k] - 1;

		if (!strncmp(t->name[i], name, len) && t->name[i][len] == '\0')
			return (int)i;
		k = (k + 1) & (t->hash_size - 1);
	}
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	def = tlbr_vocab_find(NULL, buf);
	idx = tlbr_typetab_add(t, def ? def->system : "", buf);
	if (idx < 0)
		return idx;
	if (t->n * 2 > t->hash_size)
		return rehash(t, t->hash_size * 2) < 0 ? -ENOMEM : idx;
	t->hash[k] = (uint32_t)idx + 1;
	return idx;
}

void tlbr_typetab_release(struct typetab *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		free(t->system[i]);
		free(t->name[i]);
	}
	free(t->system);
	free(t->name);
	free(t->hash);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------- parsing helpers */

int tlbr_parse_u64(const char *s, const char **ret_end, uint64_t *ret_val)
{
	bool neg = false;
	uint64_t v = 0;
	unsigned int base = 10;
	const char *p = s;
	int digits = 0;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	if (ret_end)
		*ret_end = p;
	*ret_val = neg ? (uint64_t)-(int64_t)v : v;
	return 0;
}

int tlbr_parse_cpulist(const char *s, size_t len, struct tlbr_cpuset *set)
{
	const char *end = s + len, *p = s;
	uint64_t a, b;

	memset(set, 0, sizeof(*set));
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		/* hex mask, least significant digit last */
		unsigned int bit = 0;

		for (p = end - 1; p >= s + 2; p--, bit += 4) {
			unsigned int d;

			if (*p >= '0' && *p <= '9')
				d = (unsigned int)(*p - '0');
			else if (*p >= 'a' && *p <= 'f')
				d = (unsigned int)(*p - 'a' + 10);
			else if (*p == ',')
				continue;
			else
				return -EINVAL;
			for (unsigned int i = 0; i < 4; i++)
				if (d & (1u << i))
					tlbr_cpuset_set(set, bit + i);
		}
		return 0;
	}
	while (p < end) {
		const char *q;

		if (tlbr_parse_u64(p, &q, &a) < 0 || q > end)
			return -EINVAL;
		b = a;
		if (q < end && *q == '-') {
			if (tlbr_parse_u64(q + 1, &q, &b) < 0 || q > end || b < a)
				return -EINVAL;
		}
		if (b >= TLBR_MAX_CPUS)
			return -ERANGE;
		for (; a <= b; a++)
			tlbr_cpuset_set(set, (unsigned int)a);
		if (q < end && *q != ',')
			return -EINVAL;
		p = q < end ? q + 1 : q;
	}
	return 0;
}
