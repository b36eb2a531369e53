/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay-cli.h - what `what-if` and `report` share: the replay options,
 * their help, and the read loop that starts the replay at the first event.
 */
#ifndef TLBR_REPLAY_CLI_H
#define TLBR_REPLAY_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "analysis.h"
#include "input.h"
#include "replay.h"
#include "scope.h"

enum {
	OPT_R_TLB = 512, OPT_R_CPU, OPT_R_CPUS, OPT_R_ENV, OPT_R_PREEMPT, OPT_R_COSTS,
	OPT_R_FAIL, OPT_R_FINDINGS, OPT_R_FORMAT, OPT_R_FORCE, OPT_R_ARM64_KERNEL, OPT_R_ARM64_LPA2,
	OPT_R_ARM64_AGING,
};

/* The long options every replaying command takes (short: -p, -i). */
#define REPLAY_CLI_OPTIONS							\
	{ "policies", required_argument, NULL, 'p' },				\
	{ "tlb", required_argument, NULL, OPT_R_TLB },				\
	{ "cpu", required_argument, NULL, OPT_R_CPU },				\
	{ "cpus", required_argument, NULL, OPT_R_CPUS },			\
	{ "env", required_argument, NULL, OPT_R_ENV },				\
	{ "preempt", required_argument, NULL, OPT_R_PREEMPT },			\
	{ "costs", required_argument, NULL, OPT_R_COSTS },			\
	{ "input", required_argument, NULL, 'i' },				\
	{ "input-format", required_argument, NULL, OPT_R_FORMAT },		\
	{ "fail-on-unsafe", no_argument, NULL, OPT_R_FAIL },			\
	{ "findings", required_argument, NULL, OPT_R_FINDINGS },		\
	{ "force", no_argument, NULL, OPT_R_FORCE },				\
	{ "arm64-kernel", required_argument, NULL, OPT_R_ARM64_KERNEL },	\
	{ "arm64-lpa2", required_argument, NULL, OPT_R_ARM64_LPA2 },	\
	{ "arm64-aging", required_argument, NULL, OPT_R_ARM64_AGING },	\
	SCOPE_CLI_OPTIONS

struct replay_cli {
	enum tlbr_format fmt;
	const char *input;		/* -i/--input, or NULL */
	const char *cpu_from;		/* where the CPU model came from, for the header */
	/*
	 * --arm64-kernel (or diff --against: AFTER's kernel): the arm64
	 * kernel an x86 trace's prediction follows (ro.arm64_kernel, set at
	 * the replay's start); arm64_from says which and why, for every output
	 */
	bool arm64_set;
	unsigned int arm64_kernel;	/* TLBR_KVER, 0 unknown */
	unsigned int arm64_lpa2;	/* --arm64-lpa2: TLBR_LPA2_* */
	unsigned int arm64_aging;	/* --arm64-aging: TLBR_AGING_* */
	const char *arm64_by;		/* "--arm64-kernel 6.1", "AFTER's kernel 6.1.0-47-arm64" */
	const char *arm64_from;
	char arm64_by_buf[128], arm64_from_buf[256];
	struct tlbr_replay_opts ro;
	int cpus;			/* --cpus, 0: from the trace */
	const struct tlbr_costs *costs;
	struct tlbr_costs loaded;
	bool fail_on_unsafe;
	bool force;			/* --force: replay a trace that is not ready */
	unsigned int findings;
	struct scope_opts scope;	/* --comm, --pid, --time: what the tables count */
	unsigned int jobs;		/* -j/--jobs: 1 one thread, 2+ read ahead; 0 by CPUs online */
};

void replay_cli_init(struct replay_cli *o);
/*
 * Handle option @c if it is one of REPLAY_CLI_OPTIONS: 1 handled, 0 not
 * ours, -1 on an error already reported (*@ret_status set).
 */
int replay_cli_option(struct replay_cli *o, int c, const char *arg, const char *cmd,
		      int *ret_status);
/* -j/--jobs of what-if and report: 0, or -1 after the usage error (*@ret_status set). */
int replay_cli_jobs(struct replay_cli *o, const char *arg, const char *cmd, int *ret_status);
#define REPLAY_CLI_JOBS_HELP							\
	"    -j, --jobs <n>          1: read and replay in one thread; 2: the trace is\n"	\
	"                            read ahead in a second (default: 2 when 2 or\n"	\
	"                            more CPUs are online); the output is the same\n"
/* The help lines of REPLAY_CLI_OPTIONS, and the lists of policies and models. */
void replay_cli_help_options(FILE *f);
void replay_cli_help_lists(FILE *f);

/* One replay of one trace. */
struct replay_run {
	struct replay_cli *cli;
	struct tlbr_replay *replay;
	struct input in;
	int ncpus;
	/* called for every event before the replay sees it, may be NULL */
	void (*on_event)(void *ctx, const struct tlbr_event *ev);
	bool event_in;			/* for on_event: the event is in the counting scope */
	/* called for every raw record, may be NULL; a negative errno stops the read */
	int (*on_record)(void *ctx, const struct tlbr_record *rec);
	void *ctx;
	bool progress;			/* progress on stderr when it is a terminal */
	struct scope scope;
	uint64_t cpu_ns;		/* CPU time of the tasks in scope (after replay_run) */
	uint64_t span_ns;		/* first to last event in scope */
	void (*note)(void *ctx, const struct tlbr_note *n);	/* the caller's, when scoped */
	void *note_ctx;
	bool scope_decided;		/* the user's scope, or the workload's was found */
	size_t meta_seen;		/* of the metadata, the bytes looked at */
	/* the whole system's counts when the scope is the recorded workload's */
	const struct tlbr_replay_result *system;
	/* the readiness check (tlbreplay stat's) on the same pass, and its verdict */
	struct tlbr_stat stat;
	bool stat_on;
	struct tlbr_ready ready;
};

/*
 * Check the policy names, read @path and replay it: 0 and the finished
 * replay in @run, or the exit status after the error is reported. Free with
 * replay_run_close(). The trace's readiness is checked on the same pass
 * (run->ready): a trace that is not ready is refused (TLBR_EXIT_BAD_INPUT,
 * naming what it lacks) unless --force.
 */
int replay_run(struct replay_run *run, const char *path, const char *cmd,
	       const struct tlbr_replay_result **ret_res);
void replay_run_close(struct replay_run *run);
/* TLBR_EXIT_UNSAFE when asked to fail on unsafe findings and there are some. */
int replay_cli_status(const struct replay_cli *o, const struct tlbr_replay_result *res);

/* what-if.c: replay @path and print the comparison (text or JSON) to @f; the exit status. */
int whatif_print(FILE *f, struct replay_cli *o, const char *path, const char *label, bool json);

#endif /* TLBR_REPLAY_CLI_H */
