/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.h - `tlbreplay report`: the replay's notes broken down by flush
 * site, reason, process, address range, CPU and time, as tables (see
 * table.h) every renderer shares; the schema is tlbreplay-report(5).
 */
#ifndef TLBR_REPORT_H
#define TLBR_REPORT_H

#include "analysis.h"
#include "table.h"

#define TLBR_REPORT_SCHEMA "tlbreplay-report"
#define TLBR_REPORT_SCHEMA_VERSION 1
#define TLBR_REPORT_BINS 128	/* time buckets: their width doubles as the trace grows */

enum tlbr_report_table {
	TLBR_T_SUMMARY,
	TLBR_T_COSTS,
	TLBR_T_BY_SITE,
	TLBR_T_BY_REASON,
	TLBR_T_BY_PROCESS,
	TLBR_T_BY_RANGE,
	TLBR_T_OVER_TIME,
	TLBR_T_STALE_BY_CPU,
	TLBR_T_STALE_BY_PROCESS,
	TLBR_T_STALE_BY_RANGE,
	TLBR_T_SEEN_BY_CPU,
	TLBR_T_SEEN_BY_PROCESS,
	TLBR_T_SEEN_BY_RANGE,
	TLBR_T_UNSAFE,
	TLBR_T__COUNT
};

struct tlbr_report;

struct tlbr_report_info {
	const char *path;
	const char *describe;		/* the reader's description of the input */
	const struct tlbr_costs *costs;
	const char *cpu_from;		/* where the CPU model came from, or NULL */
	const char *arm64_from;		/* the arm64 kernel predicted, and why, or NULL */
	unsigned int top;		/* rows per policy in the top-N tables */
	unsigned int max_findings;	/* counterexamples per policy */
	const char *scope;		/* the counting filters (--comm, --pid, --time), or NULL */
	/* every process's counts when the scope is the recorded workload's, or NULL */
	const struct tlbr_replay_result *system;
	const struct tlbr_ready *ready;	/* the trace's readiness, or NULL */
};

/* A report of a replay of @npolicies policies (tlbr_policy_parse() counts them). */
struct tlbr_report *tlbr_report_new(unsigned int npolicies);
void tlbr_report_free(struct tlbr_report *rep);
/* The replay's note callback (tlbr_replay_opts.note). */
void tlbr_report_note(void *rep, const struct tlbr_note *n);
/* Every event's time, for the span the time buckets cover. */
void tlbr_report_time(struct tlbr_report *rep, uint64_t ts_ns);
/*
 * Build the tables from the notes and the finished replay; names of
 * processes come from @a. Returns 0 or -ENOMEM (also when a note could not
 * be kept).
 */
int tlbr_report_build(struct tlbr_report *rep, const struct tlbr_replay_result *res,
		      const struct tlbr_adapter *a, const struct tlbr_report_info *info);

const struct tlbr_table *tlbr_report_table(const struct tlbr_report *rep,
					   enum tlbr_report_table t);
/* A table by its --table name, or NULL. */
const struct tlbr_table *tlbr_report_table_find(const struct tlbr_report *rep, const char *name);
const char *tlbr_report_table_name(enum tlbr_report_table t);
/* The policy costs and changes are compared with. */
unsigned int tlbr_report_baseline(const struct tlbr_replay_result *res);

/* report-print.c */
void tlbr_report_print_text(FILE *f, const struct tlbr_report *rep,
			    const struct tlbr_replay_result *res, const struct tlbr_report_info *info);
void tlbr_report_print_json(FILE *f, const struct tlbr_report *rep,
			    const struct tlbr_replay_result *res, const struct tlbr_report_info *info);
int tlbr_report_print_email(FILE *f, const struct tlbr_report *rep,
			     const struct tlbr_replay_result *res,
			     const struct tlbr_report_info *info);

/* plot.c: gnuplot scripts and data in @dir, rendered by @gnuplot (NULL: don't). */
int tlbr_report_plot(const struct tlbr_report *rep, const struct tlbr_replay_result *res,
		     const struct tlbr_report_info *info, const char *dir, const char *gnuplot,
		     struct tlbr_error *err);

#endif /* TLBR_REPORT_H */
