// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * table.c - typed tables and their three renderings (see table.h).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tlbr.h"
#include "table.h"

#define TEXT_WIDTH 80
#define TRANSPOSE_COLS 3	/* rows shown side by side when transposed */
#define TRANSPOSE_W 16

void tlbr_table_init(struct tlbr_table *t, const char *name, const char *title,
		     const struct tlbr_col *cols, unsigned int ncols)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->title = title;
	t->cols = cols;
	t->ncols = ncols;
}

void tlbr_table_release(struct tlbr_table *t)
{
	unsigned int r, c;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			if (t->cols[c].type == TLBR_COL_STR)
				free(t->cells[(size_t)r * t->ncols + c].s);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->alloc = 0;
}

/* Room for one more row: the row after the last, or NULL. */
static union tlbr_cell *room(struct tlbr_table *t)
{
	if (t->nrows == t->alloc) {
		unsigned int n = t->alloc ? t->alloc * 2 : 16;
		union tlbr_cell *nc = realloc(t->cells, (size_t)n * t->ncols * sizeof(*nc));

		if (!nc)
			return NULL;
		t->cells = nc;
		t->alloc = n;
	}
	return &t->cells[(size_t)t->nrows * t->ncols];
}

/* Drop a row being added: its strings. */
static void drop(struct tlbr_table *t, union tlbr_cell *row)
{
	for (unsigned int c = 0; c < t->ncols; c++)
		if (t->cols[c].type == TLBR_COL_STR)
			free(row[c].s);
}

int tlbr_table_add_cells(struct tlbr_table *t, const union tlbr_cell *v)
{
	union tlbr_cell *row = room(t);
	unsigned int c;
	int ret = 0;

	if (!row)
		return -ENOMEM;
	for (c = 0; c < t->ncols; c++) {
		row[c] = v[c];
		if (t->cols[c].type == TLBR_COL_STR) {
			row[c].s = strdup(v[c].s ? v[c].s : "");
			if (!row[c].s)
				ret = -ENOMEM;
		}
	}
	if (ret < 0) {
		drop(t, row);
		return ret;
	}
	t->nrows++;
	return 0;
}

int tlbr_table_add(struct tlbr_table *t, ...)
{
	union tlbr_cell *row = room(t);
	unsigned int c;
	va_list ap;
	int ret = 0;

	if (!row)
		return -ENOMEM;
	va_start(ap, t);
	for (c = 0; c < t->ncols; c++) {
		switch (t->cols[c].type) {
		case TLBR_COL_STR: {
			const char *s = va_arg(ap, const char *);

			row[c].s = strdup(s ? s : "");
			if (!row[c].s)
				ret = -ENOMEM;
			break;
		}
		case TLBR_COL_U64:
		case TLBR_COL_HEX:
			row[c].u = va_arg(ap, uint64_t);
			break;
		case TLBR_COL_I64:
		case TLBR_COL_INT:
			row[c].i = va_arg(ap, int64_t);
			break;
		case TLBR_COL_BOOL:
			row[c].b = va_arg(ap, int) != 0;
			break;
		default:
			row[c].f = va_arg(ap, double);
			break;
		}
	}
	va_end(ap);
	if (ret < 0) {
		drop(t, row);
		return ret;
	}
	t->nrows++;
	return 0;
}

union tlbr_cell tlbr_table_cell(const struct tlbr_table *t, unsigned int row, unsigned int col)
{
	return t->cells[(size_t)row * t->ncols + col];
}

union tlbr_cell tlbr_table_get(const struct tlbr_table *t, unsigned int row, const char *name)
{
	unsigned int c;

	for (c = 0; c < t->ncols && strcmp(t->cols[c].name, name); c++)
		;
	if (c == t->ncols)	/* a renderer asking for a column no table has: a bug */
		abort();
	return tlbr_table_cell(t, row, c);
}

const char *tlbr_printable(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		buf[i] = ch < 0x20 || ch >= 0x7f ? '?' : (char)ch;
	}
	buf[i] = '\0';
	return buf;
}

/* One cell as text, into @buf. */
static const char *cell_text(const struct tlbr_col *col, union tlbr_cell v, char *buf, size_t n)
{
	switch (col->type) {
	case TLBR_COL_STR:
		return tlbr_printable(v.s, buf, n);
	case TLBR_COL_U64:
		snprintf(buf, n, "%llu", (unsigned long long)v.u);
		break;
	case TLBR_COL_I64:
		if (v.i < 0)
			snprintf(buf, n, "-");
		else
			snprintf(buf, n, "%lld", (long long)v.i);
		break;
	case TLBR_COL_HEX:
		snprintf(buf, n, "0x%llx", (unsigned long long)v.u);
		break;
	case TLBR_COL_CYCLES:
		snprintf(buf, n, "%.0f", v.f);
		break;
	case TLBR_COL_PCT:
		if (isfinite(v.f))
			snprintf(buf, n, "%.1f%%", v.f);
		else
			snprintf(buf, n, "-");
		break;
	case TLBR_COL_CHANGE:
		if (isfinite(v.f))
			snprintf(buf, n, "%+.1f%%", v.f);
		else
			snprintf(buf, n, "-");
		break;
	case TLBR_COL_SEC:
		snprintf(buf, n, "%.9f", v.f);
		break;
	case TLBR_COL_NUM:
		if (isfinite(v.f))
			snprintf(buf, n, "%.6g", v.f);
		else
			snprintf(buf, n, "-");
		break;
	case TLBR_COL_INT:
		snprintf(buf, n, "%lld", (long long)v.i);
		break;
	case TLBR_COL_BOOL:
		snprintf(buf, n, "%s", v.b ? "yes" : "no");
		break;
	}
	return buf;
}

void tlbr_print_wrapped(FILE *f, const char *label, unsigned int indent, const char *text,
			unsigned int width)
{
	unsigned int col = (unsigned int)fprintf(f, "%-*s", (int)indent, label);
	bool start = true;

	while (*text) {
		size_t n = strcspn(text, " ");

		if (!start && col + 1 + n > width) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
			start = true;
		}
		if (!start) {
			fputc(' ', f);
			col++;
		}
		fwrite(text, 1, n, f);
		col += (unsigned int)n;
		start = false;
		text += n;
		while (*text == ' ')
			text++;
	}
	fputc('\n', f);
}

static void print_title(FILE *f, const struct tlbr_table *t)
{
	size_t i, n = strlen(t->title);

	fprintf(f, "%s\n", t->title);
	for (i = 0; i < n && i < TEXT_WIDTH; i++)
		fputc('-', f);
	fputc('\n', f);
}

/* Rows become columns: for one-row-per-policy tables. Long names take two lines. */
static void print_transposed(FILE *f, const struct tlbr_table *t)
{
	unsigned int from, r, c, line;
	char buf[64];

	for (from = 0; from < t->nrows; from += TRANSPOSE_COLS) {
		unsigned int to = from + TRANSPOSE_COLS < t->nrows ? from + TRANSPOSE_COLS :
								     t->nrows;

		if (from)
			fputc('\n', f);
		for (line = 0; line < 2; line++) {
			bool any = false;

			for (r = from; r < to; r++)
				any |= strlen(cell_text(&t->cols[0], tlbr_table_cell(t, r, 0), buf,
							sizeof(buf))) > line * TRANSPOSE_W;
			if (line && !any)
				break;
			fprintf(f, "%-26s", "");
			for (r = from; r < to; r++) {
				const char *s = cell_text(&t->cols[0], tlbr_table_cell(t, r, 0), buf,
							  sizeof(buf));

				fprintf(f, " %*.*s", TRANSPOSE_W, TRANSPOSE_W,
					strlen(s) > line * TRANSPOSE_W ? s + line * TRANSPOSE_W : "");
			}
			fputc('\n', f);
		}
		for (c = 1; c < t->ncols; c++) {
			if (t->cols[c].text_hide)
				continue;
			fprintf(f, "%-26.26s", t->cols[c].head);
			for (r = from; r < to; r++)
				fprintf(f, " %*.*s", TRANSPOSE_W, TRANSPOSE_W,
					cell_text(&t->cols[c], tlbr_table_cell(t, r, c), buf,
						  sizeof(buf)));
			fputc('\n', f);
		}
	}
}

/* One line of the text table (the headers, or row @r), without trailing blanks. */
static void print_line(FILE *f, const struct tlbr_table *t, const unsigned int *w,
		       unsigned int first, unsigned int r, bool heads)
{
	char line[1024], buf[256];
	size_t n = 0;
	unsigned int c;

	for (c = first; c < t->ncols && n < sizeof(line); c++) {
		bool left = t->cols[c].type == TLBR_COL_STR;
		const char *s = heads ? t->cols[c].head :
			cell_text(&t->cols[c], tlbr_table_cell(t, r, c), buf, sizeof(buf));

		if (t->cols[c].text_hide)
			continue;
		n += (size_t)snprintf(line + n, sizeof(line) - n, "  %*.*s",
				      left ? -(int)w[c] : (int)w[c], (int)w[c], s);
	}
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	while (n && line[n - 1] == ' ')
		n--;
	fprintf(f, "%.*s\n", (int)n, line);
}

void tlbr_table_print_text(FILE *f, const struct tlbr_table *t)
{
	unsigned int w[32], r, c, total = 0, widest = UINT32_MAX, first = t->group ? 1 : 0;
	char buf[256];

	print_title(f, t);
	if (!t->nrows) {
		fprintf(f, "(none)\n\n");
		return;
	}
	if (t->transpose || t->ncols > 32) {
		print_transposed(f, t);
		fputc('\n', f);
		return;
	}
	for (c = first; c < t->ncols; c++) {
		w[c] = 0;
		if (t->cols[c].text_hide)
			continue;
		w[c] = (unsigned int)strlen(t->cols[c].head);
		for (r = 0; r < t->nrows; r++) {
			unsigned int n = (unsigned int)strlen(cell_text(&t->cols[c],
									tlbr_table_cell(t, r, c),
									buf, sizeof(buf)));
			if (n > w[c])
				w[c] = n;
		}
		total += w[c] + 2;
		if (t->cols[c].type == TLBR_COL_STR && (widest == UINT32_MAX || w[c] > w[widest]))
			widest = c;
	}
	/* too wide: the widest string column gives way, down to 8 characters */
	if (total > TEXT_WIDTH && widest != UINT32_MAX) {
		unsigned int cut = total - TEXT_WIDTH;

		w[widest] = w[widest] > cut + 8 ? w[widest] - cut : 8;
	}
	for (r = 0; r < t->nrows; r++) {
		bool head = !r;

		if (t->group && (!r || strcmp(tlbr_table_cell(t, r, 0).s,
					      tlbr_table_cell(t, r - 1, 0).s))) {
			fprintf(f, "%s%s:\n", r ? "\n" : "",
				cell_text(&t->cols[0], tlbr_table_cell(t, r, 0), buf, sizeof(buf)));
			head = true;
		}
		if (head)
			print_line(f, t, w, first, r, true);
		print_line(f, t, w, first, r, false);
	}
	fputc('\n', f);
}

static void csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void tlbr_table_print_csv(FILE *f, const struct tlbr_table *t)
{
	unsigned int r, c;
	char buf[64];

	for (c = 0; c < t->ncols; c++)
		fprintf(f, "%s%s", c ? "," : "", t->cols[c].name);
	fputs("\r\n", f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			union tlbr_cell v = tlbr_table_cell(t, r, c);

			if (c)
				fputc(',', f);
			switch (t->cols[c].type) {
			case TLBR_COL_STR:
				csv_str(f, v.s);
				break;
			case TLBR_COL_PCT:
			case TLBR_COL_CHANGE:	/* numbers, not "12.5%": spreadsheets read them */
				if (isfinite(v.f))
					fprintf(f, "%.2f", v.f);
				break;
			case TLBR_COL_I64:
				if (v.i >= 0)
					fprintf(f, "%lld", (long long)v.i);
				break;
			case TLBR_COL_BOOL:
				fputs(v.b ? "true" : "false", f);
				break;
			case TLBR_COL_NUM:
				if (isfinite(v.f))
					fputs(cell_text(&t->cols[c], v, buf, sizeof(buf)), f);
				break;
			default:
				fputs(cell_text(&t->cols[c], v, buf, sizeof(buf)), f);
			}
		}
		fputs("\r\n", f);
	}
}

void tlbr_table_print_json(struct tlbr_json *j, const struct tlbr_table *t)
{
	unsigned int r, c;
	char buf[32];

	tlbr_json_arr_begin(j, t->name);
	for (r = 0; r < t->nrows; r++) {
		tlbr_json_obj_begin(j, NULL);
		for (c = 0; c < t->ncols; c++) {
			const struct tlbr_col *col = &t->cols[c];
			union tlbr_cell v = tlbr_table_cell(t, r, c);

			switch (col->type) {
			case TLBR_COL_STR:
				tlbr_json_str(j, col->name, v.s);
				break;
			case TLBR_COL_U64:
				tlbr_json_u64(j, col->name, v.u);
				break;
			case TLBR_COL_INT:
				tlbr_json_i64(j, col->name, v.i);
				break;
			case TLBR_COL_BOOL:
				tlbr_json_bool(j, col->name, v.b);
				break;
			case TLBR_COL_I64:
				if (v.i < 0)
					tlbr_json_null(j, col->name);
				else
					tlbr_json_i64(j, col->name, v.i);
				break;
			case TLBR_COL_HEX:	/* addresses as strings: JSON numbers lose bits */
				snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v.u);
				tlbr_json_str(j, col->name, buf);
				break;
			case TLBR_COL_CYCLES:
				if (isfinite(v.f))
					tlbr_json_u64(j, col->name, (uint64_t)llround(v.f));
				else
					tlbr_json_null(j, col->name);
				break;
			default:
				tlbr_json_double(j, col->name, v.f);
			}
		}
		tlbr_json_obj_end(j);
	}
	tlbr_json_arr_end(j);
}

const char *tlbr_table_cell_text(const struct tlbr_table *t, unsigned int row, unsigned int col,
				 char *buf, size_t n)
{
	return cell_text(&t->cols[col], tlbr_table_cell(t, row, col), buf, n);
}
