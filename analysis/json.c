// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json.c - streaming JSON writer.
 */
#include <math.h>

#include "json.h"

void tlbr_json_init(struct tlbr_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
	j->pretty = pretty;
}

void tlbr_json_quote(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			/* control bytes and bytes >= 0x80 (comms need not be UTF-8) */
			if (*p < 0x20 || *p >= 0x80)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void indent(struct tlbr_json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void member(struct tlbr_json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (j->depth)
		indent(j);
	if (key) {
		tlbr_json_quote(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void open_(struct tlbr_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth < TLBR_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct tlbr_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

void tlbr_json_obj_begin(struct tlbr_json *j, const char *key)
{
	open_(j, key, '{');
}

void tlbr_json_obj_end(struct tlbr_json *j)
{
	close_(j, '}');
}

void tlbr_json_arr_begin(struct tlbr_json *j, const char *key)
{
	open_(j, key, '[');
}

void tlbr_json_arr_end(struct tlbr_json *j)
{
	close_(j, ']');
}

void tlbr_json_str(struct tlbr_json *j, const char *key, const char *val)
{
	member(j, key);
	tlbr_json_quote(j->f, val);
}

void tlbr_json_u64(struct tlbr_json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->f, "%llu", (unsigned long long)val);
}

void tlbr_json_i64(struct tlbr_json *j, const char *key, int64_t val)
{
	member(j, key);
	fprintf(j->f, "%lld", (long long)val);
}

void tlbr_json_double(struct tlbr_json *j, const char *key, double val)
{
	member(j, key);
	if (isfinite(val))
		fprintf(j->f, "%.6g", val);
	else
		fputs("null", j->f);
}

void tlbr_json_bool(struct tlbr_json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void tlbr_json_null(struct tlbr_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}
