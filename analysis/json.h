/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - a small streaming JSON writer: correct escaping of any bytes
 * (comms are not guaranteed to be UTF-8), commas handled for the caller.
 */
#ifndef TLBR_JSON_H
#define TLBR_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TLBR_JSON_MAX_DEPTH 32

struct tlbr_json {
	FILE *f;
	int depth;
	bool first[TLBR_JSON_MAX_DEPTH];
	bool pretty;
};

void tlbr_json_init(struct tlbr_json *j, FILE *f, bool pretty);
void tlbr_json_obj_begin(struct tlbr_json *j, const char *key);
void tlbr_json_obj_end(struct tlbr_json *j);
void tlbr_json_arr_begin(struct tlbr_json *j, const char *key);
void tlbr_json_arr_end(struct tlbr_json *j);
void tlbr_json_str(struct tlbr_json *j, const char *key, const char *val);
void tlbr_json_u64(struct tlbr_json *j, const char *key, uint64_t val);
void tlbr_json_i64(struct tlbr_json *j, const char *key, int64_t val);
void tlbr_json_double(struct tlbr_json *j, const char *key, double val);
void tlbr_json_bool(struct tlbr_json *j, const char *key, bool val);
void tlbr_json_null(struct tlbr_json *j, const char *key);
/* Write @s as a JSON string literal (quotes included). */
void tlbr_json_quote(FILE *f, const char *s);

#endif /* TLBR_JSON_H */
