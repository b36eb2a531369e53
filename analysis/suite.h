/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * suite.h - `tlbreplay suite`: many traces, one table of gainers and
 * losers. The suite is built from what-if JSON results (tlbreplay-what-if
 * v1), whether suite replayed the traces itself or they were replayed
 * elsewhere (suite --from-json): one code path, one table.
 */
#ifndef TLBR_SUITE_H
#define TLBR_SUITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tlbr.h"
#include "table.h"

/* ---------------------------------------------------------------- JSON reader */

enum tlbr_jv_type { TLBR_JV_NULL, TLBR_JV_BOOL, TLBR_JV_NUM, TLBR_JV_STR, TLBR_JV_ARR,
		    TLBR_JV_OBJ };

struct tlbr_jv {
	enum tlbr_jv_type type;
	bool b;
	double d;
	uint64_t u;		/* whole numbers exactly */
	char *s;
	unsigned int n, alloc;	/* members (objects: with keys) or elements */
	char **keys;
	struct tlbr_jv *items;
};

/* Parse @text; 0, -ENOMEM, or -EBADMSG with @err's offset set. Release with tlbr_jv_release(). */
int tlbr_jv_parse(const char *text, size_t len, struct tlbr_jv *ret, struct tlbr_error *err);
void tlbr_jv_release(struct tlbr_jv *v);
/* The member @key of object @v, or NULL. */
const struct tlbr_jv *tlbr_jv_get(const struct tlbr_jv *v, const char *key);

/* ---------------------------------------------------------------- the suite */

#define TLBR_SUITE_SCHEMA "tlbreplay-suite"
#define TLBR_SUITE_SCHEMA_VERSION 1

struct tlbr_suite_pol {
	char *name;
	uint64_t flush_points, broadcasts, ipis, stale_ro, spurious_predicted, unsafe;
	uint64_t spurious_upper;	/* JSON spurious_upper; stale_ro where absent (older JSON) */
	double cycles;		/* NaN: no cost model */
};

/* One trace replayed in one configuration (environment, preemption). */
struct tlbr_suite_run {
	char *label;		/* the workload */
	char *file;
	char *config;		/* "native", "vm, not preemptible", ... */
	char *costs;		/* the cost model's name, or NULL */
	char *baseline;		/* the policy the others are compared with */
	char *scope;		/* the counting filters, "" for none */
	/* the arm64 kernel version the arm64 policies followed ("6.1", "" unknown), NULL not said */
	char *arm64;
	bool spurious_possible;	/* the CPU model lets stale read-only entries fault */
	uint64_t events, cpu_ns;
	unsigned int npol;
	struct tlbr_suite_pol *pol;
};

struct tlbr_suite {
	struct tlbr_suite_run *runs;
	unsigned int nruns, alloc;
};

/*
 * Add the what-if JSON result in @text (from @file, for the label when the
 * JSON has none). Returns 0, -ENOMEM, or -EBADMSG with @err set.
 */
int tlbr_suite_add_json(struct tlbr_suite *s, const char *text, size_t len,
			struct tlbr_error *err);
void tlbr_suite_release(struct tlbr_suite *s);

/*
 * The comparison table (the runs are sorted by label first): one row per
 * (configuration, policy, workload), then
 * a geometric-mean row and a worst-regression row per (configuration,
 * policy). 0 or -ENOMEM; release with tlbr_table_release().
 */
int tlbr_suite_table(struct tlbr_suite *s, struct tlbr_table *t);

enum tlbr_suite_format { TLBR_SUITE_TEXT, TLBR_SUITE_CSV, TLBR_SUITE_JSON, TLBR_SUITE_MARKDOWN,
			 TLBR_SUITE_EMAIL };

/* The cost model the runs were priced with, or NULL. */
const char *tlbr_suite_cost_name(const struct tlbr_suite *s);
/*
 * --plot @dir: suite.dat and suite.gp (one bar group per workload, a bar per
 * policy: the change in broadcasts and in estimated cost), rendered to PNG
 * and SVG by @gnuplot unless NULL. 0, or an error in @err.
 */
int tlbr_suite_plot(const struct tlbr_table *t, const char *cost_model, const char *dir,
		    const char *gnuplot, struct tlbr_error *err);
void tlbr_suite_print(FILE *f, const struct tlbr_suite *s, const struct tlbr_table *t,
		      enum tlbr_suite_format fmt);

/* markdown.h: tlbr_table_print_markdown(), tlbr_table_print_boxed() */
#include "markdown.h"

#endif /* TLBR_SUITE_H */
