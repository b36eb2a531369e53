/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * markdown.h - Markdown and mail renderings: tables as Markdown pipe tables
 * or ASCII boxes, and `report --format markdown`, a self-contained document
 * with the provenance of every number.
 */
#ifndef TLBR_MARKDOWN_H
#define TLBR_MARKDOWN_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis.h"
#include "report.h"
#include "table.h"

/*
 * A table as GitHub-flavoured Markdown: its title as a heading of @heading_level,
 * one pipe table per group (headed one level below), text columns only.
 */
void tlbr_table_print_markdown(FILE *f, const struct tlbr_table *t, int heading_level);
/* A table as an ASCII box for a mail (text columns only), one box per group. */
void tlbr_table_print_boxed(FILE *f, const struct tlbr_table *t);
/* @s with Markdown's special characters escaped. */
void tlbr_md_escape(FILE *f, const char *s);

/* SHA-256 of the file @path as 64 hex digits into @hex; 0 or a negative errno. */
int tlbr_sha256_file(const char *path, char hex[65]);

/* Where the numbers come from, beyond the replay result. */
struct tlbr_provenance {
	const char *sha256;		/* of the trace file, or NULL (a directory: CTF) */
	const char *metadata;		/* what tlbreplay record wrote, or "" */
	const struct tlbr_readiness *ready;
	unsigned int nready;
	const char *verdict;		/* "ready", "partial", "not ready" */
	const char *scope;		/* counting filters, or "" */
	const char *plot_dir;		/* --plot DIR: images linked as DIR/NAME.svg, or NULL */
};

void tlbr_report_print_markdown(FILE *f, const struct tlbr_report *rep,
				const struct tlbr_replay_result *res,
				const struct tlbr_report_info *info,
				const struct tlbr_provenance *prov);

#endif /* TLBR_MARKDOWN_H */
