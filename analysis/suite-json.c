// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * suite-json.c - a small JSON reader for the results `suite --from-json`
 * collects (what-if --json): the whole text into a tree of values. Numbers
 * keep their unsigned 64-bit value when they are whole; strings are decoded
 * (a \u escape of a code point below 0x100 becomes that byte, as the
 * writer in json.c escapes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

struct parser {
	const char *s, *end, *start;
	struct tlbr_error *err;
	int depth;
};

static int fail(struct parser *p, const char *what)
{
	tlbr_error_set(p->err, (uint64_t)(p->s - p->start), 0, "bad JSON: %s", what);
	return -EBADMSG;
}

static void ws(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static int parse_value(struct parser *p, struct tlbr_jv *v);

static int parse_string(struct parser *p, char **ret)
{
	size_t n = 0, alloc = 16;
	char *b = malloc(alloc);

	if (!b)
		return -ENOMEM;
	p->s++;	/* the quote */
	while (p->s < p->end && *p->s != '"') {
		char c = *p->s++;

		if (c == '\\') {
			if (p->s >= p->end)
				break;
			c = *p->s++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned int u;

				if (p->end - p->s < 4 || sscanf(p->s, "%4x", &u) != 1) {
					free(b);
					return fail(p, "a \\u escape without four hex digits");
				}
				p->s += 4;
				c = (char)(u < 0x100 ? u : '?');
				break;
			}
			default:
				break;	/* \" \\ \/ */
			}
		}
		if (n + 2 > alloc) {
			char *nb = realloc(b, alloc *= 2);

			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
		}
		b[n++] = c;
	}
	if (p->s >= p->end) {
		free(b);
		return fail(p, "a string without its closing quote");
	}
	p->s++;
	b[n] = '\0';
	*ret = b;
	return 0;
}

static int push(struct tlbr_jv *v, char *key, struct tlbr_jv *item)
{
	if (v->n == v->alloc) {
		unsigned int n = v->alloc ? v->alloc * 2 : 8;
		struct tlbr_jv *ni = realloc(v->items, n * sizeof(*ni));
		char **nk = realloc(v->keys, n * sizeof(*nk));

		if (ni)
			v->items = ni;
		if (nk)
			v->keys = nk;
		if (!ni || !nk)
			return -ENOMEM;
		v->alloc = n;
	}
	v->keys[v->n] = key;
	v->items[v->n++] = *item;
	return 0;
}

static int parse_container(struct parser *p, struct tlbr_jv *v, bool obj)
{
	char close = obj ? '}' : ']';
	int ret;

	if (++p->depth > 64)
		return fail(p, "nested too deeply");
	v->type = obj ? TLBR_JV_OBJ : TLBR_JV_ARR;
	p->s++;
	ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		p->depth--;
		return 0;
	}
	for (;;) {
		struct tlbr_jv item = { 0 };
		char *key = NULL;

		ws(p);
		if (obj) {
			if (p->s >= p->end || *p->s != '"')
				return fail(p, "an object member without a quoted name");
			if ((ret = parse_string(p, &key)) < 0)
				return ret;
			ws(p);
			if (p->s >= p->end || *p->s != ':') {
				free(key);
				return fail(p, "a member name without ':'");
			}
			p->s++;
		}
		ret = parse_value(p, &item);
		if (!ret)
			ret = push(v, key, &item);
		if (ret < 0) {
			free(key);
			tlbr_jv_release(&item);
			return ret;
		}
		ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			break;
		}
		return fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	p->depth--;
	return 0;
}

static int parse_value(struct parser *p, struct tlbr_jv *v)
{
	char *end;

	memset(v, 0, sizeof(*v));
	ws(p);
	if (p->s >= p->end)
		return fail(p, "unexpected end");
	switch (*p->s) {
	case '{':
		return parse_container(p, v, true);
	case '[':
		return parse_container(p, v, false);
	case '"':
		v->type = TLBR_JV_STR;
		return parse_string(p, &v->s);
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };
		unsigned int i;

		for (i = 0; i < 3; i++) {
			size_t n = strlen(words[i]);

			if ((size_t)(p->end - p->s) >= n && !strncmp(p->s, words[i], n)) {
				p->s += n;
				v->type = i == 2 ? TLBR_JV_NULL : TLBR_JV_BOOL;
				v->b = i == 0;
				return 0;
			}
		}
		return fail(p, "an unknown word");
	}
	default: {
		char buf[64];
		size_t n = strspn(p->s, "-+0123456789.eE");

		if (!n || n >= sizeof(buf) || (size_t)(p->end - p->s) < n)
			return fail(p, "an unexpected character");
		memcpy(buf, p->s, n);
		buf[n] = '\0';
		v->type = TLBR_JV_NUM;
		v->d = strtod(buf, &end);
		if (*end)
			return fail(p, "a malformed number");
		if (!strpbrk(buf, "-.eE"))
			v->u = strtoull(buf, NULL, 10);
		else
			v->u = v->d > 0 ? (uint64_t)v->d : 0;
		p->s += n;
		return 0;
	}
	}
}

int tlbr_jv_parse(const char *text, size_t len, struct tlbr_jv *ret, struct tlbr_error *err)
{
	struct parser p = { .s = text, .end = text + len, .start = text, .err = err };
	int r = parse_value(&p, ret);

	if (r < 0) {
		tlbr_jv_release(ret);
		return r;
	}
	ws(&p);
	if (p.s != p.end) {
		tlbr_jv_release(ret);
		return fail(&p, "text after the value");
	}
	return 0;
}

void tlbr_jv_release(struct tlbr_jv *v)
{
	unsigned int i;

	for (i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		tlbr_jv_release(&v->items[i]);
	}
	free(v->keys);
	free(v->items);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

const struct tlbr_jv *tlbr_jv_get(const struct tlbr_jv *v, const char *key)
{
	unsigned int i;

	if (!v || v->type != TLBR_JV_OBJ)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (v->keys[i] && !strcmp(v->keys[i], key))
			return &v->items[i];
	return NULL;
}
