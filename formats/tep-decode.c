// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tep-decode.c - the vocabulary's fields out of a libtraceevent record: what
 * the trace.dat and perf.data readers share (both hold tep event formats).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tep-decode.h"

/*
 * The fast path's list of @t's fields, when every one present is at a fixed
 * offset and read as tlbr_tep_decoder_fill()'s general loop would read it
 * without a case it treats apart: a number of 1, 2, 4 or 8 bytes (or a
 * symbol), or a char array of a fixed, non-zero size. O(fields), once a type.
 */
static void compile_fields(struct tep_type *t)
{
	unsigned int i, n = 0, end = 0;

	t->nfast = 0;
	if (!t->def || !t->native)
		return;
	for (i = 0; i < t->def->nfields; i++) {
		const struct tep_format_field *f = t->field[i];
		unsigned int type = t->def->fields[i].type;

		if (!f)
			continue;
		if (f->flags & TEP_FIELD_IS_DYNAMIC || f->offset < 0 || f->offset > 65535 ||
		    type == TLBR_F_CPUMASK)
			return;
		if (type == TLBR_F_STR ? f->size <= 0 || f->size > 255 :
		    f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
			return;
		t->fast[n++] = (struct tep_fast_field){
			.off = (uint16_t)f->offset, .size = (uint8_t)f->size, .slot = (uint8_t)i,
			.type = (uint8_t)type,
			.sign = type != TLBR_F_STR && (f->flags & TEP_FIELD_IS_SIGNED) && f->size < 8 };
		if ((unsigned int)f->offset + (unsigned int)f->size > end)
			end = (unsigned int)f->offset + (unsigned int)f->size;
		t->fast_have |= 1u << i;
	}
	t->fast_end = end;
	t->nfast = n;
}

const struct tep_type *tlbr_tep_decoder_type(struct tlbr_reader *r, struct tep_decoder *d,
					    int id, struct tlbr_error *err, uint64_t pos)
{
	struct tep_event *ev;
	struct tep_type *t;
	unsigned int i;
	int idx;

	if (id < 0 || id > 65535) {
		tlbr_error_set(err, pos, 0, "record with invalid event id %d", id);
		return NULL;
	}
	if (id >= d->ntypes_alloc) {
		int n = id + 64;
		struct tep_type *nt = realloc(d->types, (size_t)n * sizeof(*nt));

		if (!nt)
			goto nomem;
		memset(nt + d->ntypes_alloc, 0, (size_t)(n - d->ntypes_alloc) * sizeof(*nt));
		d->types = nt;
		d->ntypes_alloc = n;
	}
	t = &d->types[id];
	if (t->ready)
		return t;
	ev = tep_find_event(d->tep, id);
	if (!ev) {
		tlbr_error_set(err, pos, 0, "record of event id %d, which the file does not define",
			       id);
		return NULL;
	}
	idx = tlbr_typetab_add(&r->types, ev->system, ev->name);
	if (idx < 0)
		goto nomem;
	t->type = idx;
	t->def = tlbr_vocab_find(ev->system, ev->name);
	if (t->def) {
		for (i = 0; i < t->def->nfields; i++) {
			t->field[i] = tep_find_field(ev, t->def->fields[i].name);
			if (!t->field[i] && !t->def->fields[i].optional) {
				tlbr_error_set(err, pos, 0, "event %s:%s has no field '%s' in this "
					       "file's format", ev->system, ev->name,
					       t->def->fields[i].name);
				return NULL;
			}
		}
	}
	t->native = tep_is_file_bigendian(d->tep) == tep_is_local_bigendian(d->tep);
	compile_fields(t);
	t->ready = true;
	return t;
nomem:
	tlbr_error_set(err, pos, 0, "out of memory");
	return NULL;
}

/*
 * tep_read_number_field(), without its two calls when the file's byte
 * order is the host's: the same bytes (at the field's offset) and the same
 * failure for a size other than 1, 2, 4 or 8. O(1).
 */
static inline int read_number(const struct tep_type *t, struct tep_format_field *f,
			      const void *data, unsigned long long *v)
{
	const unsigned char *p = (const unsigned char *)data + f->offset;

	if (!t->native)
		return tep_read_number_field(f, data, v);
	switch (f->size) {
	case 1:
		*v = *p;
		return 0;
	case 2: {
		uint16_t x;

		memcpy(&x, p, 2);
		*v = x;
		return 0;
	}
	case 4: {
		uint32_t x;

		memcpy(&x, p, 4);
		*v = x;
		return 0;
	}
	case 8: {
		uint64_t x;

		memcpy(&x, p, 8);
		*v = x;
		return 0;
	}
	default:
		return -1;
	}
}

static bool field_bounds(const struct tep_format_field *f, const struct tep_record *rec,
			 unsigned int *ret_off, unsigned int *ret_len)
{
	unsigned int off = (unsigned int)f->offset, len = (unsigned int)f->size;

	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		unsigned long long loc;

		if (off + 4 > (unsigned int)rec->size ||
		    tep_read_number_field((struct tep_format_field *)f, rec->data, &loc))
			return false;
		off = (unsigned int)(loc & 0xffff);
		len = (unsigned int)(loc >> 16);
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += (unsigned int)(f->offset + f->size);
	}
	if (off > (unsigned int)rec->size || len > (unsigned int)rec->size - off)
		return false;
	*ret_off = off;
	*ret_len = len;
	return true;
}

bool tlbr_tep_decoder_declares(const struct tep_decoder *d, const char *system, const char *name)
{
	return d->tep && tep_find_event_by_name(d->tep, system, name) != NULL;
}

/*
 * The vocabulary's fields of @rec into r->rec. O(fields): the compiled list
 * (compile_fields) when the record is long enough for it, else the general
 * loop, which also bounds every field and names the one that does not fit.
 */
int tlbr_tep_decoder_fill(struct tlbr_reader *r, struct tep_decoder *d, const struct tep_type *t,
			  struct tep_record *rec, struct tlbr_error *err)
{
	struct tlbr_record *out = &r->rec;
	unsigned int i;

	/* the compiled fields, when the record holds them all: the same values */
	if (t->nfast && t->fast_end <= (unsigned int)rec->size) {
		const unsigned char *data = rec->data;

		for (i = 0; i < t->nfast; i++) {
			const struct tep_fast_field *f = &t->fast[i];
			const unsigned char *p = data + f->off;
			unsigned long long v;
			uint16_t x2;
			uint32_t x4;
			size_t len;

			if (f->type == TLBR_F_STR) {
				len = strnlen((const char *)p, f->size);
				if (len >= sizeof(d->strbuf[f->slot]))
					len = sizeof(d->strbuf[f->slot]) - 1;
				memcpy(d->strbuf[f->slot], p, len);
				d->strbuf[f->slot][len] = '\0';
				out->str[f->slot] = d->strbuf[f->slot];
				continue;
			}
			switch (f->size) {
			case 1:
				v = *p;
				break;
			case 2:
				memcpy(&x2, p, 2);
				v = x2;
				break;
			case 4:
				memcpy(&x4, p, 4);
				v = x4;
				break;
			default:
				memcpy(&v, p, 8);
				break;
			}
			if (f->sign && (v & (1ULL << (f->size * 8 - 1))))
				v |= ~0ULL << (f->size * 8);
			out->val[f->slot] = v;
			if (f->type == TLBR_F_SYM)
				out->str[f->slot] = v ? tep_find_function(d->tep, v) : NULL;
			else if (f->type == TLBR_F_FLAGS)
				out->str[f->slot] = NULL;	/* the value, not names */
		}
		out->have = t->fast_have;
		return 0;
	}
	out->have = 0;
	for (i = 0; t->def && i < t->def->nfields; i++) {
		struct tep_format_field *f = t->field[i];
		unsigned int off, len, b;
		unsigned long long v;
		const char *s;

		if (!f)
			continue;
		if (!field_bounds(f, rec, &off, &len)) {
			tlbr_error_set(err, rec->offset, 0, "%s: field '%s' lies outside the "
				       "record (corrupt data?)", t->def->name, f->name);
			return -EBADMSG;
		}
		switch (t->def->fields[i].type) {
		case TLBR_F_STR:
			if (!len && !(f->flags & TEP_FIELD_IS_DYNAMIC))
				len = (unsigned int)rec->size - off;	/* char buf[]: to the end */
			s = (const char *)rec->data + off;
			len = (unsigned int)strnlen(s, len);
			if (len >= sizeof(d->strbuf[i]))
				len = sizeof(d->strbuf[i]) - 1;
			memcpy(d->strbuf[i], s, len);
			d->strbuf[i][len] = '\0';
			out->str[i] = d->strbuf[i];
			break;
		case TLBR_F_CPUMASK:
			memset(&out->mask, 0, sizeof(out->mask));
			for (b = 0; b < len * 8 && b < TLBR_MAX_CPUS; b++) {
				if (((const unsigned char *)rec->data)[off + b / 8] & (1u << (b % 8)))
					tlbr_cpuset_set(&out->mask, b);
			}
			break;
		default:
			if (read_number(t, f, rec->data, &v)) {
				tlbr_error_set(err, rec->offset, 0, "%s: cannot read field '%s'",
					       t->def->name, f->name);
				return -EBADMSG;
			}
			if ((f->flags & TEP_FIELD_IS_SIGNED) && f->size < 8 &&
			    (v & (1ULL << (f->size * 8 - 1))))
				v |= ~0ULL << (f->size * 8);
			out->val[i] = v;
			if (t->def->fields[i].type == TLBR_F_SYM)
				out->str[i] = v ? tep_find_function(d->tep, v) : NULL;
			else if (t->def->fields[i].type == TLBR_F_FLAGS)
				out->str[i] = NULL;
			break;
		}
		out->have |= 1u << i;
	}
	return 0;
}

void tlbr_tep_decoder_release(struct tep_decoder *d)
{
	free(d->types);
	d->types = NULL;
	d->ntypes_alloc = 0;
}
