// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * markdown.c - two more renderings of a table (see table.h): GitHub-flavoured
 * Markdown pipe tables, and ASCII boxes that fit a mail's 80 columns.
 * Both show the columns the text rendering shows, one table per group.
 */
#include <string.h>

#include "markdown.h"

#define MAIL_WIDTH 80
#define MAX_COLS 32

void tlbr_md_escape(FILE *f, const char *s)
{
	char buf[512];
	const char *p = tlbr_printable(s, buf, sizeof(buf));

	for (; *p; p++) {
		if (strchr("\\|*_`<>[]", *p))
			fputc('\\', f);
		fputc(*p, f);
	}
}

/* The rows [from, to) of @t's group that starts at @from. */
static unsigned int group_end(const struct tlbr_table *t, unsigned int from)
{
	unsigned int r = from + 1;

	if (!t->group)
		return t->nrows;
	while (r < t->nrows && !strcmp(tlbr_table_cell(t, r, 0).s, tlbr_table_cell(t, from, 0).s))
		r++;
	return r;
}

static bool right_aligned(const struct tlbr_col *c)
{
	return c->type != TLBR_COL_STR;
}

void tlbr_table_print_markdown(FILE *f, const struct tlbr_table *t, int heading_level)
{
	unsigned int first = t->group ? 1 : 0, from, to, r, c;
	char buf[256];

	fprintf(f, "%.*s ", heading_level, "######");
	tlbr_md_escape(f, t->title);
	fprintf(f, "\n\n");
	if (!t->nrows) {
		fprintf(f, "(none)\n\n");
		return;
	}
	for (from = 0; from < t->nrows; from = to) {
		to = group_end(t, from);
		if (t->group) {
			fprintf(f, "%.*s ", heading_level + 1, "######");
			tlbr_md_escape(f, tlbr_table_cell(t, from, 0).s);
			fprintf(f, "\n\n");
		}
		fputc('|', f);
		for (c = first; c < t->ncols; c++)
			if (!t->cols[c].text_hide) {
				fputc(' ', f);
				tlbr_md_escape(f, t->cols[c].head);
				fprintf(f, " |");
			}
		fprintf(f, "\n|");
		for (c = first; c < t->ncols; c++)
			if (!t->cols[c].text_hide)
				fprintf(f, "%s|", right_aligned(&t->cols[c]) ? "---:" : "---");
		fputc('\n', f);
		for (r = from; r < to; r++) {
			fputc('|', f);
			for (c = first; c < t->ncols; c++)
				if (!t->cols[c].text_hide) {
					fputc(' ', f);
					tlbr_md_escape(f, tlbr_table_cell_text(t, r, c, buf,
									       sizeof(buf)));
					fprintf(f, " |");
				}
			fputc('\n', f);
		}
		fputc('\n', f);
	}
}

static void rule(FILE *f, const unsigned int *w, unsigned int first, const struct tlbr_table *t,
		 char ch)
{
	unsigned int c, k;

	for (c = first; c < t->ncols; c++) {
		if (t->cols[c].text_hide)
			continue;
		fputc('+', f);
		for (k = 0; k < w[c] + 2; k++)
			fputc(ch, f);
	}
	fputs("+\n", f);
}

static void boxed_line(FILE *f, const struct tlbr_table *t, const unsigned int *w,
		       unsigned int first, unsigned int r, bool heads)
{
	unsigned int c;
	char buf[256];

	for (c = first; c < t->ncols; c++) {
		const char *s;

		if (t->cols[c].text_hide)
			continue;
		s = heads ? t->cols[c].head : tlbr_table_cell_text(t, r, c, buf, sizeof(buf));
		fprintf(f, "| %*.*s ", right_aligned(&t->cols[c]) ? (int)w[c] : -(int)w[c],
			(int)w[c], s);
	}
	fputs("|\n", f);
}

void tlbr_table_print_boxed(FILE *f, const struct tlbr_table *t)
{
	unsigned int first = t->group ? 1 : 0, from, to, r, c, w[MAX_COLS];
	char buf[256];

	if (!t->nrows || t->ncols > MAX_COLS) {
		fprintf(f, "(none)\n\n");
		return;
	}
	for (from = 0; from < t->nrows; from = to) {
		unsigned int total = 1, widest = UINT32_MAX;

		to = group_end(t, from);
		for (c = first; c < t->ncols; c++) {
			w[c] = 0;
			if (t->cols[c].text_hide)
				continue;
			w[c] = (unsigned int)strlen(t->cols[c].head);
			for (r = from; r < to; r++) {
				unsigned int n = (unsigned int)strlen(tlbr_table_cell_text(t, r, c, buf,
											   sizeof(buf)));

				if (n > w[c])
					w[c] = n;
			}
			total += w[c] + 3;
			if (!right_aligned(&t->cols[c]) && (widest == UINT32_MAX || w[c] > w[widest]))
				widest = c;
		}
		/* too wide for a mail: the widest text column gives way, down to 8 */
		if (total > MAIL_WIDTH && widest != UINT32_MAX) {
			unsigned int cut = total - MAIL_WIDTH;

			w[widest] = w[widest] > cut + 8 ? w[widest] - cut : 8;
		}
		if (t->group)
			fprintf(f, "%s%.78s:\n", from ? "\n" : "",
				tlbr_printable(tlbr_table_cell(t, from, 0).s, buf, sizeof(buf)));
		rule(f, w, first, t, '-');
		boxed_line(f, t, w, first, from, true);
		rule(f, w, first, t, '=');
		for (r = from; r < to; r++)
			boxed_line(f, t, w, first, r, false);
		rule(f, w, first, t, '-');
	}
	fputc('\n', f);
}
