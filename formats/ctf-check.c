// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctf-check.c - walk a CTF trace's packets before babeltrace2 reads it.
 *
 * babeltrace2 2.0's CTF source trusts each packet's sizes: a packet whose
 * packet_size and content_size are both 0 makes its packet index loop,
 * allocating until memory runs out (a hang, then the OOM killer), and a
 * size with its top bit set trips an assertion (an abort). Both were found
 * by fuzz-ctf. So where the trace's metadata declares the packet header
 * and context with plain integers (CTF 1.8 section 5: perf data convert
 * --to-ctf and LTTng both do), every stream file's packets are walked here
 * first: the magic, content_size <= packet_size, both at least the header
 * and context, whole bytes, and the packet inside the file. Each error
 * names the stream file and the byte offset of the packet.
 *
 * Metadata this walk cannot lay out (packetized metadata, several stream
 * classes with different packet contexts, structures, enumerations or
 * variants in the header or context) is left to babeltrace2 unchecked.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctf-check.h"

#define CTF_MAGIC 0xc1fc1fc1u
#define META_MAX (4u << 20)
#define MAX_ALIASES 64
#define HDR_MAX 1024		/* bytes of packet header and context we read */

struct ctf_int {
	unsigned int size, align;	/* bits */
	int be;				/* 1 big-endian, 0 little, -1 the trace's */
};

struct alias {
	char name[48];
	struct ctf_int t;
};

struct layout {
	struct alias alias[MAX_ALIASES];
	unsigned int nalias;
	bool trace_be;
	/* bit offsets in a packet, -1 if absent; the end of header + context */
	long magic, content_size, packet_size;
	struct ctf_int magic_t, content_t, packet_t;
	unsigned long end;
};

/* The text between the '{' at @open and its '}' (exclusive); NULL if unbalanced. */
static const char *block_end(const char *open)
{
	int depth = 0;

	for (const char *p = open; *p; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p;
	}
	return NULL;
}

/* Collapse runs of blanks to one space and trim: "unsigned  long" -> "unsigned long". */
static void squeeze(char *dst, size_t n, const char *src, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; i < len && j + 1 < n; i++) {
		if (isspace((unsigned char)src[i])) {
			if (j && dst[j - 1] != ' ')
				dst[j++] = ' ';
		} else {
			dst[j++] = src[i];
		}
	}
	while (j && dst[j - 1] == ' ')
		j--;
	dst[j] = '\0';
}

/* The attributes of "integer { ... }" in [@a, @b): false if not an integer we can read. */
static bool parse_int(const char *a, const char *b, struct ctf_int *t)
{
	char body[512], *p;

	squeeze(body, sizeof(body), a, (size_t)(b - a));
	*t = (struct ctf_int){ .size = 0, .align = 0, .be = -1 };
	for (p = strtok(body, ";"); p; p = strtok(NULL, ";")) {
		char key[32], val[32];

		if (sscanf(p, " %31[a-z_] = %31s", key, val) != 2)
			continue;
		if (!strcmp(key, "size"))
			t->size = (unsigned int)strtoul(val, NULL, 0);
		else if (!strcmp(key, "align"))
			t->align = (unsigned int)strtoul(val, NULL, 0);
		else if (!strcmp(key, "byte_order"))
			t->be = !strcmp(val, "be") || !strcmp(val, "network") ? 1 :
				!strcmp(val, "le") ? 0 : -1;
	}
	if (!t->size || t->size > 64)
		return false;
	if (!t->align)
		t->align = t->size % 8 ? 1 : 8;
	return true;
}

/* "typealias integer { ... } := NAME;" everywhere in the metadata. */
static void parse_aliases(const char *meta, struct layout *l)
{
	const char *p = meta;

	while ((p = strstr(p, "typealias integer")) && l->nalias < MAX_ALIASES) {
		const char *open = strchr(p, '{'), *close = open ? block_end(open) : NULL;
		const char *def, *semi;
		struct alias *a = &l->alias[l->nalias];

		if (!close)
			return;
		def = strstr(close, ":=");
		semi = def ? strchr(def, ';') : NULL;
		if (!semi)
			return;
		if (parse_int(open + 1, close, &a->t)) {
			squeeze(a->name, sizeof(a->name), def + 2, (size_t)(semi - def - 2));
			l->nalias++;
		}
		p = semi;
	}
}

/*
 * Lay out the fields of the struct body [@a, @b) from bit @pos; note where
 * magic, content_size and packet_size are. False if a field is not a plain
 * integer (or array of them).
 */
static bool lay_out(const char *a, const char *b, struct layout *l, unsigned long *pos)
{
	const char *p = a;

	while (p < b) {
		const char *semi = p, *open = NULL, *close = NULL;
		char stmt[256], name[256], *br, *sp;
		unsigned long count = 1;
		struct ctf_int t;
		int depth = 0;

		while (semi < b && (*semi != ';' || depth)) {
			if (*semi == '{') {
				if (!depth++)
					open = semi;
			} else if (*semi == '}' && !--depth) {
				close = semi;
			}
			semi++;
		}
		if (semi >= b)
			break;
		squeeze(stmt, sizeof(stmt), close ? close + 1 : p,
			(size_t)(semi - (close ? close + 1 : p)));
		if (close) {	/* integer { ... } name */
			if (strncmp(p + strspn(p, " \t\r\n"), "integer", 7) || !parse_int(open + 1, close, &t))
				return false;
			snprintf(name, sizeof(name), "%s", stmt);
		} else {	/* ALIAS name */
			unsigned int k;

			sp = strrchr(stmt, ' ');
			if (!sp)
				return false;
			*sp = '\0';
			snprintf(name, sizeof(name), "%s", sp + 1);
			for (k = 0; k < l->nalias && strcmp(l->alias[k].name, stmt); k++)
				;
			if (k == l->nalias)
				return false;
			t = l->alias[k].t;
		}
		if ((br = strchr(name, '['))) {
			count = strtoul(br + 1, NULL, 0);
			*br = '\0';
			if (!count || count > 4096)
				return false;
		}
		*pos = (*pos + t.align - 1) / t.align * t.align;
		if (count == 1 && !strcmp(name, "magic") && t.size == 32)
			l->magic = (long)*pos, l->magic_t = t;
		else if (count == 1 && !strcmp(name, "content_size"))
			l->content_size = (long)*pos, l->content_t = t;
		else if (count == 1 && !strcmp(name, "packet_size"))
			l->packet_size = (long)*pos, l->packet_t = t;
		*pos += t.size * count;
		p = semi + 1;
	}
	return true;
}

/* The struct after "@what := struct" in @meta: its body, or false. */
static bool find_struct(const char *meta, const char *what, const char **a, const char **b)
{
	const char *p = strstr(meta, what), *open;

	if (!p)
		return false;
	open = strchr(p, '{');
	*b = open ? block_end(open) : NULL;
	*a = open + 1;
	return *b != NULL;
}

static bool parse_layout(const char *meta, struct layout *l)
{
	const char *ha, *hb, *ca, *cb, *other, *ta, *tb;
	unsigned long pos = 0;

	memset(l, 0, sizeof(*l));
	l->magic = l->content_size = l->packet_size = -1;
	if (find_struct(meta, "trace {", &ta, &tb)) {	/* the trace's byte order */
		const char *bo = strstr(ta, "byte_order");

		if (bo && bo < tb)
			l->trace_be = !strncmp(bo + 10 + strspn(bo + 10, " =\t"), "be", 2);
	}
	parse_aliases(meta, l);
	if (find_struct(meta, "packet.header :=", &ha, &hb) && !lay_out(ha, hb, l, &pos))
		return false;
	if (!find_struct(meta, "packet.context :=", &ca, &cb))
		return false;
	/* several stream classes: only if they all have this context */
	for (other = strstr(cb, "packet.context :="); other; other = strstr(other + 1, "packet.context :=")) {
		const char *oa, *ob;

		if (!find_struct(other, "packet.context :=", &oa, &ob) || ob - oa != cb - ca ||
		    memcmp(oa, ca, (size_t)(cb - ca)))
			return false;
	}
	pos = (pos + 7) / 8 * 8;	/* the context struct is byte-aligned at least */
	if (!lay_out(ca, cb, l, &pos))
		return false;
	l->end = pos;
	return l->packet_size >= 0 && l->content_size >= 0;
}

static uint64_t get_int(const unsigned char *p, long bit, const struct ctf_int *t, bool trace_be)
{
	unsigned int bytes = t->size / 8;
	bool be = t->be < 0 ? trace_be : t->be == 1;
	uint64_t v = 0;

	p += bit / 8;
	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[be ? i : bytes - 1 - i] << (8 * (bytes - 1 - i));
	return v;
}

static int check_file(const char *path, const struct layout *l, struct tlbr_error *err)
{
	FILE *f = fopen(path, "rb");
	unsigned char hdr[HDR_MAX];
	unsigned long need = (l->end + 7) / 8;
	uint64_t off = 0, size;
	struct stat st;
	int ret = 0;

	if (!f || fstat(fileno(f), &st) < 0) {
		if (f)
			fclose(f);
		return 0;	/* babeltrace2 says why it cannot read it */
	}
	size = (uint64_t)st.st_size;
	while (!ret && off < size) {
		uint64_t content, packet;

		if (size - off < need || fseeko(f, (off_t)off, SEEK_SET) || fread(hdr, 1, need, f) != need) {
			tlbr_error_set(err, off, 0, "CTF stream file %.300s: the packet at byte %llu "
				       "is cut inside its header (%llu of %lu bytes)", path,
				       (unsigned long long)off, (unsigned long long)(size - off), need);
			ret = -EBADMSG;
			break;
		}
		if (l->magic >= 0 && get_int(hdr, l->magic, &l->magic_t, l->trace_be) != CTF_MAGIC) {
			tlbr_error_set(err, off, 0, "CTF stream file %.300s: no packet magic at byte %llu",
				       path, (unsigned long long)off);
			ret = -EBADMSG;
			break;
		}
		content = get_int(hdr, l->content_size, &l->content_t, l->trace_be);
		packet = get_int(hdr, l->packet_size, &l->packet_t, l->trace_be);
		if (packet % 8 || packet < l->end || content > packet || content < l->end ||
		    packet / 8 > size - off) {
			tlbr_error_set(err, off, 0, "CTF stream file %.300s: the packet at byte %llu "
				       "has impossible sizes (packet %llu bits, content %llu bits, "
				       "header and context %lu bits, %llu bytes left in the file)",
				       path, (unsigned long long)off, (unsigned long long)packet,
				       (unsigned long long)content, l->end,
				       (unsigned long long)(size - off));
			ret = -EBADMSG;
			break;
		}
		off += packet / 8;
	}
	fclose(f);
	return ret;
}

int tlbr_ctf_check_packets(const char *dir, struct tlbr_error *err)
{
	char path[4096], *meta;
	struct layout *l;
	struct dirent *de;
	FILE *f;
	size_t n;
	int ret = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/metadata", dir);
	f = fopen(path, "rb");
	if (!f)
		return 0;
	meta = malloc(META_MAX + 1);
	l = malloc(sizeof(*l));
	n = meta ? fread(meta, 1, META_MAX, f) : 0;
	fclose(f);
	if (!meta || !l || n < 4 || n == META_MAX ||
	    (unsigned char)meta[0] == 0x57 || (unsigned char)meta[0] == 0x75) {
		free(meta);	/* packetized metadata (0x75d11d57), or too big: unchecked */
		free(l);
		return 0;
	}
	meta[n] = '\0';
	if (!parse_layout(meta, l) || l->end > 8 * HDR_MAX) {
		free(meta);
		free(l);
		return 0;
	}
	d = opendir(dir);
	while (d && !ret && (de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "metadata"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			ret = check_file(path, l, err);
	}
	if (d)
		closedir(d);
	free(meta);
	free(l);
	return ret;
}
