/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * table.h - the report's tables: named columns of typed cells, rendered as
 * text (fitting 80 columns), CSV or JSON by the same code, so every format
 * says the same thing under the same names.
 */
#ifndef TLBR_TABLE_H
#define TLBR_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

enum tlbr_col_type {
	TLBR_COL_STR,		/* const char *, copied */
	TLBR_COL_U64,		/* uint64_t */
	TLBR_COL_I64,		/* int64_t (-1: none) */
	TLBR_COL_HEX,		/* uint64_t, printed 0x... (addresses) */
	TLBR_COL_CYCLES,	/* double, whole cycles */
	TLBR_COL_PCT,		/* double, a share in percent; NaN: none */
	TLBR_COL_CHANGE,	/* double, a signed change in percent; NaN: none */
	TLBR_COL_SEC,		/* double, seconds */
	TLBR_COL_NUM,		/* double, any quantity (%.6g); NaN: none */
	TLBR_COL_INT,		/* int64_t, any sign (pids) */
	TLBR_COL_BOOL,		/* bool (passed as int): yes/no, JSON true/false */
};

struct tlbr_col {
	const char *name;	/* CSV header and JSON key: stable */
	const char *head;	/* text header: short */
	enum tlbr_col_type type;
	bool text_hide;		/* not in text (it would not fit 80 columns) */
};

union tlbr_cell {
	char *s;
	bool b;
	uint64_t u;
	int64_t i;
	double f;
};

struct tlbr_table {
	const char *name;	/* --table NAME */
	const char *title;	/* text heading */
	const struct tlbr_col *cols;
	unsigned int ncols;
	union tlbr_cell *cells;	/* nrows x ncols */
	unsigned int nrows, alloc;
	bool transpose;		/* text: one column per row (per policy), in blocks */
	bool group;		/* text: the first column heads each group of rows */
};

void tlbr_table_init(struct tlbr_table *t, const char *name, const char *title,
		     const struct tlbr_col *cols, unsigned int ncols);
void tlbr_table_release(struct tlbr_table *t);
/* Append a row: one argument per column, of the column's C type. 0 or -ENOMEM. */
int tlbr_table_add(struct tlbr_table *t, ...);
/* Append a row from @v, one cell per column (strings copied). 0 or -ENOMEM. */
int tlbr_table_add_cells(struct tlbr_table *t, const union tlbr_cell *v);
union tlbr_cell tlbr_table_cell(const struct tlbr_table *t, unsigned int row, unsigned int col);
/* The cell of @row in the column named @name (a column the table has). */
union tlbr_cell tlbr_table_get(const struct tlbr_table *t, unsigned int row, const char *name);

/* A cell as the text rendering shows it, into @buf. */
const char *tlbr_table_cell_text(const struct tlbr_table *t, unsigned int row, unsigned int col,
				 char *buf, size_t n);

/* Text for a terminal or a mail: control and non-ASCII bytes become '?'. */
const char *tlbr_printable(const char *s, char *buf, size_t n);

/* @text after @indent columns of @label, folded at spaces to @width columns. */
void tlbr_print_wrapped(FILE *f, const char *label, unsigned int indent, const char *text,
			unsigned int width);

void tlbr_table_print_text(FILE *f, const struct tlbr_table *t);
/* RFC 4180: a header line, then the rows; strings quoted when needed. */
void tlbr_table_print_csv(FILE *f, const struct tlbr_table *t);
/* An array of objects, one per row, keyed by column name. */
void tlbr_table_print_json(struct tlbr_json *j, const struct tlbr_table *t);

#endif /* TLBR_TABLE_H */
