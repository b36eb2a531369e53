/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tep-decode.h - decode tep records (libtraceevent) into struct tlbr_record.
 */
#ifndef TLBR_TEP_DECODE_H
#define TLBR_TEP_DECODE_H

#include <event-parse.h>

#include "formats-local.h"

/* What a reader knows about one tep event id. */
struct tep_type {
	bool ready;
	int type;				/* typetab index */
	const struct tlbr_evdef *def;
	bool native;				/* the file's byte order is the host's */
	struct tep_format_field *field[TLBR_MAX_FIELDS];
	/*
	 * The fields compiled (tlbr_tep_decoder_fill's fast path): when the
	 * byte order is the host's and every field present is a number,
	 * symbol or fixed-size string at a fixed offset; nfast 0 otherwise.
	 */
	unsigned int nfast;
	unsigned int fast_end;			/* the largest offset + size of them */
	uint32_t fast_have;			/* the fields present */
	struct tep_fast_field {
		uint16_t off;
		uint8_t size;
		uint8_t slot;			/* index in the vocabulary's fields */
		uint8_t type;			/* TLBR_F_NUM, _HEX, _SYM or _STR */
		bool sign;			/* sign-extended (a signed number under 8 bytes) */
	} fast[TLBR_MAX_FIELDS];
};

struct tep_decoder {
	struct tep_handle *tep;			/* not owned */
	struct tep_type *types;			/* indexed by tep event id */
	int ntypes_alloc;
	char strbuf[TLBR_MAX_FIELDS][1024];	/* trace markers carry long lines */
};

/* The type of event @id, its fields looked up; NULL with @err set for bad input. */
const struct tep_type *tlbr_tep_decoder_type(struct tlbr_reader *r, struct tep_decoder *d,
					    int id, struct tlbr_error *err, uint64_t pos);
/* Does the file's format list hold @system:@name? */
bool tlbr_tep_decoder_declares(const struct tep_decoder *d, const char *system, const char *name);
/* Fill r->rec's fields from @rec (data, size, offset); 0 or -EBADMSG. */
int tlbr_tep_decoder_fill(struct tlbr_reader *r, struct tep_decoder *d, const struct tep_type *t,
			  struct tep_record *rec, struct tlbr_error *err);
void tlbr_tep_decoder_release(struct tep_decoder *d);

#endif /* TLBR_TEP_DECODE_H */
