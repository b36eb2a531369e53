/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * analysis.h - reducers over the normalised event stream and their
 * renderers. Renderers write to the FILE they are given; nothing here
 * exits.
 */
#ifndef TLBR_ANALYSIS_H
#define TLBR_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "formats.h"
#include "tlbr-event.h"

/* ----------------------------------------------------------------- stat */

#define TLBR_STAT_MAX_GAPS 64

struct tlbr_stat_gap {
	int cpu;
	uint64_t ts_ns;
	uint64_t count;		/* UINT64_MAX: the tracer did not say */
};

struct tlbr_stat_counts {
	uint64_t events, faults, flushes;
	bool lost_sight;		/* a switch that did not chain lost sight of it */
};

struct tlbr_stat {
	uint64_t records;		/* raw records, lost-event markers excluded */
	uint64_t events;		/* normalised events */
	uint64_t first_ns, last_ns;
	int max_cpu;
	uint64_t *type_count;		/* per reader event type */
	unsigned int ntypes;
	uint64_t cpu_records[TLBR_MAX_CPUS];
	uint64_t kind[TLBR_EV__COUNT];
	uint64_t kind_cpu[TLBR_EV__COUNT][TLBR_MAX_CPUS];
	uint64_t site_exec[TLBR_SITE__COUNT][4];	/* by enum tlbr_exec */
	uint64_t tlbi_ins[TLBR_SITE__COUNT][2];	/* arm64 census: TLBIs [local, broadcast] */
	uint64_t tlbi_ops[TLBR_SITE__COUNT][2];	/* ... and flush operations (runs of them) */
	uint64_t huge[4];		/* transparent huge pages: by enum tlbr_huge_kind */
	uint64_t huge_alloc;		/* x86 huge faults told by their allocation (mm_page_alloc) */
	uint64_t tlbi_huge;		/* census TLBIs in huge-page functions (zap_huge_pmd, ...) */
	uint64_t site_inferred[TLBR_SITE__COUNT];
	uint64_t site_range_inferred[TLBR_SITE__COUNT];
	uint64_t switch_noflush;	/* x86 switch_mm that reused an up-to-date ASID */
	uint64_t x86_reason[TLBR_X86_REASON__COUNT];	/* x86 flushes by tlb:tlb_flush reason */
	uint64_t ipis, ipi_targets, ipis_inferred;
	uint64_t remote_flushes;
	uint64_t fault_write, fault_prot, fault_instr;
	uint64_t syscalls[TLBR_SYS__COUNT];
	uint64_t lost_markers, lost_events;
	bool lost_unknown;
	/*
	 * why the file cannot show lost events at all (tlbr_reader_lost_unknown():
	 * perf's CTF conversion), NULL when it can
	 */
	const char *lost_not_carried;
	/*
	 * Switches that do not chain: on a CPU, a traced switch away from a
	 * task other than the one the CPU's previous traced switch put there,
	 * neither being the idle task (no lost events between): tasks the
	 * trace does not show ran there (a pid-filtered recording).
	 */
	uint64_t switch_breaks, switches_traced, break_tasks;
	bool filtered;			/* tlbr_switch_chain_filtered() held at some point */
	uint64_t filtered_ns;		/* ... from then on */
	int chain_pid[TLBR_MAX_CPUS];	/* next pid of the CPU's last traced switch, -1: unknown */
	uint32_t chain_task[TLBR_MAX_CPUS];	/* ... and its task */
	struct tlbr_stat_gap gaps[TLBR_STAT_MAX_GAPS];
	unsigned int ngaps;
	struct tlbr_stat_counts *task, *mm;	/* by task id and mm id */
	uint64_t declared;		/* bit (1 << enum tlbr_raw_id): the file defines it */
	unsigned int task_alloc, mm_alloc;
};

void tlbr_stat_init(struct tlbr_stat *s);
void tlbr_stat_release(struct tlbr_stat *s);
/* Count one raw record. Returns 0 or -ENOMEM. */
int tlbr_stat_record(struct tlbr_stat *s, const struct tlbr_record *rec);
/*
 * Note which known events the file defines (trace.dat, perf.data keep the formats of
 * every enabled event): an enabled event that never occurred is a recorded zero, not
 * a missing input. Call once the reader is open.
 */
void tlbr_stat_note_declared(struct tlbr_stat *s, const struct tlbr_reader *r);
/* Count one normalised event. Returns 0 or -ENOMEM. */
int tlbr_stat_event(struct tlbr_stat *s, const struct tlbr_event *ev);

struct tlbr_readiness {
	const char *input;	/* what the trace must contain */
	const char *events;	/* the events that provide it */
	enum tlbr_need need;
	bool present;		/* recorded: it occurred, or the file defines an enabled event */
	bool occurred;		/* at least one such event is in the trace */
	const char *without;	/* what replay loses without it */
};

#define TLBR_READINESS_MAX 16

/* Fill @items; returns the number. *ret_verdict: "ready", "partial", "not ready". */
unsigned int tlbr_stat_readiness(const struct tlbr_stat *s, struct tlbr_readiness *items,
				 const char **ret_verdict);

/*
 * A trace's readiness as what-if and report carry it into every output:
 * the verdict, whether --force replayed a trace that is not ready, and the
 * required and recommended inputs the trace lacks.
 */
struct tlbr_ready {
	const char *verdict;		/* "ready", "partial", "not ready"; NULL: not checked */
	bool forced;			/* not ready, replayed because of --force */
	const char *missing[TLBR_READINESS_MAX];
	unsigned int nmissing;
};

/* From the readiness items of tlbr_stat_readiness(). */
void tlbr_ready_from(struct tlbr_ready *r, const struct tlbr_readiness *items, unsigned int n,
		     const char *verdict, bool force);
/* Not ready, or partial: the outputs say so. */
bool tlbr_ready_warn(const struct tlbr_ready *r);
/* One line: "partial: missing shootdown IPIs, ..." (no verdict: ""). */
const char *tlbr_ready_line(const struct tlbr_ready *r, char *buf, size_t n);

struct tlbr_stat_render {
	const char *path;
	const struct tlbr_reader *reader;
	const struct tlbr_adapter *adapter;
	unsigned int top;	/* address spaces listed in text; 0: all */
};

/* stat as text or JSON: 0, or -ENOMEM with nothing written. */
int tlbr_stat_print_text(FILE *f, const struct tlbr_stat *s, const struct tlbr_stat_render *o);
int tlbr_stat_print_json(FILE *f, const struct tlbr_stat *s, const struct tlbr_stat_render *o);

#define TLBR_JSON_SCHEMA_VERSION 1

/* ----------------------------------------------------------------- what-if */

#include "replay.h"

struct tlbr_costs {
	const char *name;
	const char *source;
	double c[TLBR_OP__COUNT];	/* cycles per operation */
	double per_cpu;			/* added per CPU to broadcasts and IPIs */
	double migrate_nopreempt;	/* migrate_disable+enable without preemption */
	double ghz;			/* the clock the cycles are at: busy-time shares */
	char name_buf[128], source_buf[400];
};

const struct tlbr_costs *tlbr_costs_find(const char *name);
const struct tlbr_costs *tlbr_costs_get(unsigned int i);
/* Load a table from @path (see costs.c); 0, or -EBADMSG with @err's line set. */
int tlbr_costs_load(const char *path, struct tlbr_costs *c, struct tlbr_error *err);
double tlbr_costs_cycles(const struct tlbr_costs *c, const struct tlbr_policy_result *p,
			 int ncpus, bool preempt);

struct tlbr_whatif_render {
	const char *path;
	const char *describe;
	unsigned int max_findings;	/* counterexamples printed per policy */
	const struct tlbr_costs *costs;
	const char *label;		/* the workload's name (suite), or NULL */
	const char *metadata;		/* what the recorder wrote about the machine, or "" */
	const char *scope;		/* the counting filters ("comm=x"), NULL or "": none */
	uint64_t cpu_ns;		/* CPU time of the tasks in scope */
	uint64_t span_ns;		/* first to last event in scope */
	const char *cpu_from;		/* where the CPU model came from, or NULL */
	const char *arm64_from;		/* the arm64 kernel predicted, and why, or NULL */
	/* every process's counts, when the scope is the recorded workload's; else NULL */
	const struct tlbr_replay_result *system;
	const struct tlbr_ready *ready;	/* the trace's readiness, or NULL */
};

/*
 * "every process: POLICY N flush points, N broadcasts, N IPIs; ..." into
 * @buf: the whole system's counts, printed beside the recorded workload's.
 */
void tlbr_system_sentence(char *buf, size_t n, const struct tlbr_replay_result *system);
/* Shared by what-if and report: the models behind the numbers, and the checks. */
/* The "readiness" line of a trace that is not ready or partial (text outputs). */
void tlbr_print_ready(FILE *f, const struct tlbr_ready *r);
/* Are some flush points uncertain (the accessed/dirty flags the trace cannot show)? */
bool tlbr_uncertain(const struct tlbr_replay_result *r);
/* The note that says why, when they are (text outputs). */
void tlbr_print_uncertain(FILE *f, const struct tlbr_replay_result *r);
void tlbr_print_models(FILE *f, const struct tlbr_replay_result *r, const char *path,
		       const char *describe, const struct tlbr_costs *costs, const char *cpu_from,
		       const char *arm64_from);
void tlbr_print_checks(FILE *f, const struct tlbr_replay_result *r);
/* The x86 self-check (x86-ipi against the traced kernel): text, JSON, verdict. */
struct tlbr_json;
void tlbr_print_x86_check(FILE *f, const struct tlbr_replay_result *r);
void tlbr_json_x86_check(struct tlbr_json *j, const struct tlbr_replay_result *r);
void tlbr_x86_verdict(const struct tlbr_replay_result *r, char *buf, size_t n);
bool tlbr_x86_explains(const struct tlbr_replay_result *r);
bool tlbr_x86_explains_range(const struct tlbr_replay_result *r);

/* what-if as text or JSON: 0 or -ENOMEM (nothing printed). */
int tlbr_whatif_print_text(FILE *f, const struct tlbr_replay_result *r,
			   const struct tlbr_whatif_render *o);
struct tlbr_json;
/* The self-checks object ("checks"), the same in what-if and report JSON. */
void tlbr_json_checks(struct tlbr_json *j, const struct tlbr_replay_result *r);
/* The "readiness" object (what-if and report JSON), when it was checked. */
void tlbr_json_ready(struct tlbr_json *j, const struct tlbr_ready *r);
int tlbr_whatif_print_json(FILE *f, const struct tlbr_replay_result *r,
			   const struct tlbr_whatif_render *o);

#endif /* TLBR_ANALYSIS_H */
