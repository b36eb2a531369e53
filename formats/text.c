// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * text.c - reader for ftrace text: the tracefs 'trace' file and the output
 * of 'trace-cmd report' (with or without instance prefixes).
 *
 *   <comm>-<pid> [(<tgid>)] [<cpu>] [<flags>] <sec>.<frac>: <event>: <payload>
 *   <comm>-<pid> [<cpu>] <flags> <ts>: sys_mmap(addr: 0, len: 0x2000, ...)
 *   <comm>-<pid> [<cpu>] <flags> <ts>: sys_mmap -> 0x7f5ff4163000
 *   CPU:1 [LOST 123 EVENTS]          CPU:1 [123 EVENTS DROPPED]
 *
 * Lines are read one at a time; memory does not grow with the file.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats-local.h"

/* ftrace lines are short; a trace marker's text is at most a page or so */
#define TEXT_MAX_LINE (64 << 10)
/*
 * The kernel's comms are at most 15 bytes (TASK_COMM_LEN 16); a longer one
 * (up to what is kept) may be an instance prefix trace-cmd report added.
 */
#define TEXT_MAX_COMM 63

struct text_reader {
	FILE *f;
	bool owns_file;
	bool unterminated_ok;	/* in-memory input (fuzzing, tests) may end without a newline */
	char *line;
	size_t line_alloc;
	uint64_t lineno;
	uint64_t offset;	/* byte offset of the next line */
	uint64_t last_ts;
	struct tlbr_record lost;	/* a lost-events marker waiting for its time */
	bool lost_pending;
	bool stashed;		/* r->rec holds a record not yet returned */
	char comm[64];
	char namebuf[128];
};

static bool is_ident(int c)
{
	return isalnum(c) || c == '_';
}

static char *skip_ws(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "CPU:1 [LOST 123 EVENTS]", "CPU:1 [123 EVENTS DROPPED]", "CPU:1 [EVENTS DROPPED]" */
static bool parse_lost(const char *s, int *ret_cpu, int64_t *ret_count)
{
	uint64_t cpu, n;
	const char *p;

	if (strncmp(s, "CPU:", 4) || tlbr_parse_u64(s + 4, &p, &cpu) < 0 || cpu >= TLBR_MAX_CPUS)
		return false;
	if (strncmp(p, " [", 2))
		return false;
	p += 2;
	*ret_cpu = (int)cpu;
	if (!strncmp(p, "LOST ", 5) && tlbr_parse_u64(p + 5, &p, &n) == 0 &&
	    !strncmp(p, " EVENTS]", 8)) {
		*ret_count = (int64_t)n;
		return true;
	}
	if (!strncmp(p, "EVENTS DROPPED]", 15)) {
		*ret_count = -1;
		return true;
	}
	if (tlbr_parse_u64(p, &p, &n) == 0 && !strncmp(p, " EVENTS DROPPED]", 16)) {
		*ret_count = (int64_t)n;
		return true;
	}
	return false;
}

/* "1425.637652:" -> ns; integer-only stamps (counter clocks) are taken as they are. */
static int parse_ts(char *p, char **ret_end, uint64_t *ret_ns)
{
	uint64_t sec = 0, frac = 0;
	int digits = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		if (sec > UINT64_MAX / 10)
			return -ERANGE;
		sec = sec * 10 + (uint64_t)(*p++ - '0');
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			}
			p++;
		}
		if (!digits)
			return -EINVAL;
		for (; digits < 9; digits++)
			frac *= 10;
		if (sec > (UINT64_MAX - frac) / 1000000000ULL)
			return -ERANGE;
		sec = sec * 1000000000ULL + frac;
	}
	if (*p != ':')
		return -EINVAL;
	*ret_end = p + 1;
	*ret_ns = sec;
	return 0;
}

/* Task state letters as sched_switch prints them, to the kernel's bits. */
static int parse_state(const char *s, uint64_t *ret)
{
	static const char letters[] = "SDTtXZPI";
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		const char *l;

		if (*s == 'R' || *s == '|')
			continue;
		if (*s == '+') {
			v |= 0x100;	/* preempted while runnable (TASK_REPORT_MAX) */
			continue;
		}
		l = strchr(letters, *s);
		if (l)
			v |= 1ULL << (l - letters);
		else if (isalpha((unsigned char)*s))
			v |= 0x200;	/* another not-runnable state (W, K, N, x...) */
		else
			return -EINVAL;
	}
	*ret = v;
	return 0;
}

static int parse_num_value(const struct tlbr_fielddef *fd, const char *v, uint64_t *ret)
{
	const char *end, *open;
	size_t len = strlen(v);

	if (fd->type == TLBR_F_HEX) {
		uint64_t x = 0;
		int n = 0;

		if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
			v += 2;
		for (; isxdigit((unsigned char)*v); v++, n++)
			x = x * 16 + (uint64_t)(isdigit((unsigned char)*v) ? *v - '0' :
						(tolower((unsigned char)*v) - 'a' + 10));
		if (!n || n > 16 || (*v && *v != ','))
			return -EINVAL;
		*ret = x;
		return 0;
	}
	if (tlbr_parse_u64(v, &end, ret) == 0 && (*end == '\0' || *end == ','))
		return 0;
	/* symbolic with the number last: "flush on task switch (0)" */
	if (len > 2 && v[len - 1] == ')' && (open = strrchr(v, '(')) &&
	    tlbr_parse_u64(open + 1, &end, ret) == 0 && *end == ')')
		return 0;
	if (!strcmp(v, "true") || !strcmp(v, "false")) {
		*ret = v[0] == 't';
		return 0;
	}
	if (!strcmp(fd->name, "prev_state")) {
		char st[32];

		snprintf(st, sizeof(st), "%.*s", (int)strcspn(v, " "), v);
		return parse_state(st, ret);
	}
	return -EINVAL;
}

/*
 * Find "name=" or "name:" at the start of @payload or after a separator.
 * Returns the position of the name, or NULL.
 */
static char *find_key(char *payload, const char *name, char **ret_value)
{
	size_t n = strlen(name);
	char *p = payload;

	while ((p = strstr(p, name))) {
		if ((p == payload || p[-1] == ' ' || p[-1] == ',' || p[-1] == '(') &&
		    (p[n] == '=' || p[n] == ':')) {
			char *v = p + n + 1;

			if (*v == ' ')
				v++;
			*ret_value = v;
			return p;
		}
		p += n;
	}
	return NULL;
}

/* The next " ident=" or " ident:" after @v, pointing at the ident. */
static char *next_key(char *v)
{
	char *p;

	for (p = strchr(v, ' '); p; p = strchr(p + 1, ' ')) {
		char *q = p + 1;

		while (is_ident((unsigned char)*q))
			q++;
		if (q > p + 1 && (*q == '=' || *q == ':'))
			return p + 1;
	}
	return NULL;
}

static void trim_value(char *v)
{
	size_t n = strlen(v);

	while (n && (v[n - 1] == ' ' || v[n - 1] == ',' || v[n - 1] == '\t'))
		v[--n] = '\0';
}

/* trace-cmd's sched_switch plugin: "prev:1 [120] S ==> next:2 [120]" */
static int parse_switch_plugin(char *payload, struct tlbr_record *rec)
{
	char *arrow = strstr(payload, " ==> "), *part[2], *c;
	uint64_t v;
	int i;

	if (!arrow)
		return -EINVAL;
	*arrow = '\0';
	part[0] = payload;
	part[1] = arrow + 5;
	for (i = 0; i < 2; i++) {
		char *br = strstr(part[i], " [");

		if (!br)
			return -EINVAL;
		*br = '\0';
		c = strrchr(part[i], ':');
		if (!c || tlbr_parse_u64(c + 1, NULL, &v) < 0)
			return -EINVAL;
		*c = '\0';
		rec->str[i ? 3 : 0] = part[i];
		rec->val[i ? 4 : 1] = v;
		rec->have |= i ? (1u << 3 | 1u << 4) : (1u << 0 | 1u << 1);
		if (!i) {
			char *st = strchr(br + 2, ']');

			if (!st || parse_state(skip_ws(st + 1), &v) < 0)
				return -EINVAL;
			rec->val[2] = v;
			rec->have |= 1u << 2;
		}
	}
	return 0;
}

/* trace-cmd's sched_wakeup plugin: "comm:pid [prio] CPU:003" (maybe " success=1") */
static int parse_wakeup_plugin(char *payload, struct tlbr_record *rec)
{
	char *br = strstr(payload, " ["), *c, *cpu;
	uint64_t pid, n;

	if (!br)
		return -EINVAL;
	cpu = strstr(br, "CPU:");
	*br = '\0';
	c = strrchr(payload, ':');
	if (!c || !cpu || tlbr_parse_u64(c + 1, NULL, &pid) < 0 ||
	    tlbr_parse_u64(cpu + 4, NULL, &n) < 0)
		return -EINVAL;
	*c = '\0';
	rec->str[0] = payload;
	rec->val[1] = pid;
	rec->val[2] = n;
	rec->have = 7;
	return 0;
}

static int parse_fields(struct tlbr_reader *r, char *payload, struct tlbr_error *err)
{
	struct tlbr_record *rec = &r->rec;
	const struct tlbr_evdef *def = rec->def;
	char *key[TLBR_MAX_FIELDS] = { 0 }, *val[TLBR_MAX_FIELDS] = { 0 };
	unsigned int i, j;

	rec->have = 0;
	if (def->id == TLBR_RAW_SYS_EXIT && !strstr(payload, "ret")) {
		trim_value(payload);
		if (tlbr_parse_u64(payload, NULL, &rec->val[0]) < 0)
			goto bad_value;
		rec->have = 1;
		return 0;
	}
	if (def->id == TLBR_RAW_SCHED_SWITCH && !strstr(payload, "prev_pid=")) {
		if (parse_switch_plugin(payload, rec) < 0)
			goto bad_value;
		return 0;
	}
	if (def->id == TLBR_RAW_PRINT) {	/* free text: all of it */
		rec->str[0] = payload;
		rec->have = 1;
		return 0;
	}
	if ((def->id == TLBR_RAW_SCHED_WAKEUP || def->id == TLBR_RAW_SCHED_WAKEUP_NEW) &&
	    !strstr(payload, "pid=")) {
		if (parse_wakeup_plugin(payload, rec) < 0)
			goto bad_value;
		return 0;
	}
	for (i = 0; i < def->nfields; i++)
		key[i] = find_key(payload, def->fields[i].text ? def->fields[i].text :
								  def->fields[i].name, &val[i]);
	/*
	 * Each value ends where the next field's name starts; a number also
	 * ends at the next "name=" or "name:" of a field we do not read.
	 */
	for (i = 0; i < def->nfields; i++) {
		char *end = NULL;

		if (!key[i])
			continue;
		for (j = 0; j < def->nfields; j++) {
			if (key[j] && key[j] > key[i] && (!end || key[j] < end))
				end = key[j];
		}
		if (def->fields[i].type != TLBR_F_STR) {
			char *other = next_key(val[i]);

			if (other && (!end || other < end))
				end = other;
		}
		if (end)
			end[-1] = '\0';
	}
	for (i = 0; i < def->nfields; i++) {
		const struct tlbr_fielddef *fd = &def->fields[i];

		if (!key[i]) {
			if (fd->optional)
				continue;
			tlbr_error_set(err, rec->pos, rec->line, "%s: field '%s' is missing",
				       def->name, fd->name);
			return -EBADMSG;
		}
		trim_value(val[i]);
		switch (fd->type) {
		case TLBR_F_STR:
			rec->str[i] = val[i];
			break;
		case TLBR_F_SYM:
			rec->str[i] = val[i];
			if (tlbr_parse_u64(val[i], NULL, &rec->val[i]) < 0)
				rec->val[i] = 0;
			break;
		case TLBR_F_FLAGS:	/* by name: the adapter reads the names */
			rec->str[i] = NULL;
			if (parse_num_value(fd, val[i], &rec->val[i]) < 0) {
				rec->val[i] = 0;
				rec->str[i] = val[i];
			}
			break;
		case TLBR_F_CPUMASK:
			if (tlbr_parse_cpulist(val[i], strlen(val[i]), &rec->mask) < 0) {
				tlbr_error_set(err, rec->pos, rec->line,
					       "%s: bad CPU list '%s' in field '%s'", def->name,
					       val[i], fd->name);
				return -EBADMSG;
			}
			break;
		default:
			if (parse_num_value(fd, val[i], &rec->val[i]) < 0) {
				tlbr_error_set(err, rec->pos, rec->line,
					       "%s: bad value '%.40s' in field '%s'", def->name,
					       val[i], fd->name);
				return -EBADMSG;
			}
			break;
		}
		rec->have |= 1u << i;
	}
	return 0;
bad_value:
	tlbr_error_set(err, rec->pos, rec->line, "%s: cannot parse '%.60s'", def->name, payload);
	return -EBADMSG;
}

/*
 * Locate "[cpu]" after "comm-pid": the first " [digits] " whose prefix ends
 * in "-digits", optionally followed by a "(tgid)" column.
 */
static char *find_cpu(char *s, char **ret_dash, uint64_t *ret_cpu)
{
	char *p;

	for (p = strstr(s, " ["); p; p = strstr(p + 1, " [")) {
		char *q = p + 2, *e = p, *d;
		uint64_t cpu;

		if (tlbr_parse_u64(q, (const char **)&q, &cpu) < 0 || *q != ']' ||
		    (q[1] != ' ' && q[1] != '\t'))
			continue;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s && e[-1] == ')') {	/* "(  123)" or "(-------)" tgid column */
			char *o = e - 1;

			while (o > s && *o != '(')
				o--;
			if (*o != '(')
				continue;
			e = o;
			while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
		}
		d = e;
		while (d > s && isdigit((unsigned char)d[-1]))
			d--;
		if (d == e || d == s || d[-1] != '-')
			continue;
		*ret_dash = d - 1;
		*ret_cpu = cpu;
		return q + 1;
	}
	return NULL;
}

static int parse_line(struct tlbr_reader *r, char *s, struct tlbr_error *err)
{
	struct text_reader *t = r->priv;
	struct tlbr_record *rec = &r->rec;
	char *dash, *p, *name, *payload, *comm;
	uint64_t cpu, pid, ts;
	size_t nlen;
	int type;

	p = find_cpu(s, &dash, &cpu);
	if (!p || cpu >= TLBR_MAX_CPUS)
		goto garbage;
	if (tlbr_parse_u64(dash + 1, NULL, &pid) < 0)
		goto garbage;
	*dash = '\0';
	comm = skip_ws(s);
	/* "instance:   comm" from trace-cmd report of a file with instances */
	{
		char *sp = strpbrk(comm, " \t");

		if (sp && sp > comm && sp[-1] == ':' && *skip_ws(sp))
			comm = skip_ws(sp);
	}
	if (strlen(comm) > TEXT_MAX_COMM) {
		tlbr_error_set(err, rec->pos, rec->line, "a task name of %zu bytes (the kernel's "
			       "have at most 15; %d are kept): '%.40s...'", strlen(comm),
			       TEXT_MAX_COMM, comm);
		return -EBADMSG;
	}
	snprintf(t->comm, sizeof(t->comm), "%s", comm);

	p = skip_ws(p);
	if (parse_ts(p, &p, &ts) < 0) {
		/* a flags column such as "d..2." comes first */
		p = strpbrk(p, " \t");
		if (!p || parse_ts(skip_ws(p), &p, &ts) < 0)
			goto garbage;
	}
	name = skip_ws(p);
	for (p = name; is_ident((unsigned char)*p); p++)
		;
	nlen = (size_t)(p - name);
	if (!nlen)
		goto garbage;

	rec->def = NULL;
	if (*p == ':') {
		payload = skip_ws(p + 1);
		name[nlen] = '\0';
		if (!strcmp(name, "tracing_mark_write")) {	/* the trace file's print events */
			name = (char *)"print";
			nlen = 5;
		} else if (!strcmp(name, "print")) {	/* trace-cmd: "print: <ip>: <text>" */
			char *sep = strstr(payload, ": ");

			if (sep)
				payload = sep + 2;
		}
		rec->def = tlbr_vocab_find(NULL, name);
	} else if (nlen > 4 && !strncmp(name, "sys_", 4) && (*p == '(' || !strncmp(p, " -> ", 4))) {
		bool is_exit = *p != '(';
		char *close;

		payload = is_exit ? p + 4 : p + 1;
		name[nlen] = '\0';
		if (!is_exit) {
			close = strrchr(payload, ')');
			if (!close)
				goto garbage;
			*close = '\0';
		}
		rec->def = tlbr_vocab_find_syscall(name + 4, is_exit);
		snprintf(t->namebuf, sizeof(t->namebuf), "sys_%s_%s", is_exit ? "exit" : "enter",
			 name + 4);
		name = t->namebuf;
		nlen = strlen(name);
	} else {
		goto garbage;
	}

	type = tlbr_typetab_intern(&r->types, name, nlen);
	if (type < 0) {
		tlbr_error_set(err, rec->pos, rec->line, "out of memory");
		return -ENOMEM;
	}
	rec->type = (uint32_t)type;
	rec->ts_ns = ts;
	rec->cpu = (int)cpu;
	rec->pid = (int)(int64_t)pid;
	rec->comm = t->comm;
	rec->missed = 0;
	rec->have = 0;
	if (ts < t->last_ts) {
		tlbr_error_set(err, rec->pos, rec->line,
			       "timestamp %llu.%09llu goes backwards (previous %llu.%09llu)",
			       (unsigned long long)(ts / 1000000000),
			       (unsigned long long)(ts % 1000000000),
			       (unsigned long long)(t->last_ts / 1000000000),
			       (unsigned long long)(t->last_ts % 1000000000));
		return -EBADMSG;
	}
	t->last_ts = ts;
	if (rec->def)
		return parse_fields(r, payload, err);
	return 0;

garbage:
	tlbr_error_set(err, rec->pos, rec->line, "not an ftrace event line: '%.60s'", s);
	return -EBADMSG;
}

/*
 * The next line into t->line, at most TEXT_MAX_LINE + 1 bytes: a longer
 * line (or /dev/zero read as text) stops there, so memory stays bounded.
 * Returns its length (with the newline), 0 at the end, -1 on a read error.
 */
static ssize_t read_line(struct text_reader *t)
{
	size_t n = 0;
	int c;

	if (!t->line) {
		t->line_alloc = TEXT_MAX_LINE + 2;
		t->line = malloc(t->line_alloc);
		if (!t->line)
			return -1;
	}
	while (n <= TEXT_MAX_LINE && (c = getc_unlocked(t->f)) != EOF) {
		t->line[n++] = (char)c;
		if (c == '\n')
			break;
	}
	t->line[n] = '\0';
	return (ssize_t)n;
}

static int text_next(struct tlbr_reader *r, const struct tlbr_record **ret_rec,
		     struct tlbr_error *err)
{
	struct text_reader *t = r->priv;
	struct tlbr_record *rec = &r->rec;
	ssize_t n;

	if (t->stashed) {	/* the record that followed a lost-events marker */
		t->stashed = false;
		*ret_rec = rec;
		return 1;
	}
	while ((n = read_line(t)) > 0) {
		char *s = t->line, *lost;
		int64_t count;
		int cpu, ret;

		rec->pos = t->offset;
		rec->line = ++t->lineno;
		t->offset += (uint64_t)n;
		if (n > TEXT_MAX_LINE) {
			tlbr_error_set(err, rec->pos, rec->line, "a line longer than %d KiB: not an "
				       "ftrace text trace", TEXT_MAX_LINE >> 10);
			return -EBADMSG;
		}
		if ((size_t)n != strlen(s)) {
			tlbr_error_set(err, rec->pos, rec->line, "NUL byte in a text trace");
			return -EBADMSG;
		}
		if (s[n - 1] != '\n' && !t->unterminated_ok) {
			tlbr_error_set(err, rec->pos, rec->line, "the last line is incomplete: "
				       "the file is truncated");
			return -EBADMSG;
		}
		while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
			s[--n] = '\0';
		s = skip_ws(s);
		if (*s == '#') {
			char *np = strstr(s, "#P:");
			uint64_t v;

			if (np && tlbr_parse_u64(np + 3, NULL, &v) == 0 && v <= TLBR_MAX_CPUS)
				r->ncpus = (int)v;
			continue;
		}
		if (!*s)
			continue;
		if (!strncmp(s, "cpus=", 5) || !strncmp(s, "version = ", 10)) {
			uint64_t v;

			if (s[0] == 'c' && tlbr_parse_u64(s + 5, NULL, &v) == 0 &&
			    v <= TLBR_MAX_CPUS)
				r->ncpus = (int)v;
			continue;
		}
		/* trace-cmd report prefixes the instance name to its lost lines too */
		lost = s;
		if (strncmp(lost, "CPU:", 4)) {
			char *sp = strstr(lost, ": CPU:");

			if (sp && !memchr(lost, ' ', (size_t)(sp - lost)))
				lost = sp + 2;
		}
		if (parse_lost(lost, &cpu, &count)) {
			/*
			 * Both tracefs and trace-cmd print the loss right before
			 * the first record after the gap, on that CPU: the marker
			 * takes that record's time, as with trace.dat files.
			 */
			struct tlbr_record m = {
				.pos = rec->pos, .line = rec->line, .type = TLBR_TYPE_LOST,
				.cpu = cpu, .pid = -1, .missed = count,
			};

			if (t->lost_pending) {	/* two in a row: the first one goes now */
				*rec = t->lost;
				rec->ts_ns = t->last_ts;
				t->lost = m;
				*ret_rec = rec;
				return 1;
			}
			t->lost = m;
			t->lost_pending = true;
			continue;
		}
		ret = parse_line(r, s, err);
		if (ret < 0)
			return ret;
		if (t->lost_pending) {
			t->lost_pending = false;
			t->lost.ts_ns = rec->ts_ns;
			t->stashed = true;
			*ret_rec = &t->lost;
			return 1;
		}
		*ret_rec = rec;
		return 1;
	}
	if (n < 0) {
		tlbr_error_set(err, t->offset, t->lineno + 1, "out of memory");
		return -ENOMEM;
	}
	if (ferror(t->f)) {
		tlbr_error_set(err, t->offset, t->lineno + 1, "read error");
		return -EIO;
	}
	if (t->lost_pending) {	/* lost events at the very end */
		t->lost_pending = false;
		t->lost.ts_ns = t->last_ts;
		*ret_rec = &t->lost;
		return 1;
	}
	return 0;
}

static void text_close(struct tlbr_reader *r)
{
	struct text_reader *t = r->priv;

	if (!t)
		return;
	if (t->owns_file && t->f)
		fclose(t->f);
	free(t->line);
	free(t);
	r->priv = NULL;
}

static const struct reader_ops text_ops = {
	.next = text_next,
	.close = text_close,
};

int tlbr_text_reader_init(struct tlbr_reader *r, FILE *f, bool owns_file, struct tlbr_error *err)
{
	struct text_reader *t = calloc(1, sizeof(*t));

	if (!t) {
		if (owns_file)
			fclose(f);
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
		return -ENOMEM;
	}
	t->f = f;
	t->owns_file = owns_file;
	t->unterminated_ok = !owns_file;
	r->priv = t;
	r->ops = &text_ops;
	snprintf(r->desc, sizeof(r->desc), "ftrace text");
	return 0;
}
