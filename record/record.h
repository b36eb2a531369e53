/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.h - recording a trace with libtracefs into a trace.dat.
 *
 * The recorder owns kernel-side state (a tracefs instance): every function
 * that creates it has a matching destroy, called on every exit path.
 */
#ifndef TLBR_RECORD_H
#define TLBR_RECORD_H

#include <stdbool.h>
#include <stdio.h>
#include <signal.h>
#include <sys/types.h>

#include "formats.h"
#include "tlbr.h"


struct tlbr_plan_item {
	const char *system, *event;
	enum tlbr_need need;	/* from the vocabulary (formats/vocab.c) */
	const char *without;	/* what replay loses without it */
	const char *arch;	/* only on this architecture (uname -m), NULL: any */
	const char *filter;	/* enabled with this filter (events/SYS/EVENT/filter), NULL: none */
	bool available;		/* this kernel has it */
	const char *why;	/* when not: why */
	/* system "tlbr": a kprobe (or kretprobe) tlbreplay creates */
	bool kprobe, retprobe;
	const char *symbol;	/* the function probed on this kernel */
	const char *fetch;	/* its fetch arguments */
};

/* What the plan was checked against. */
struct tlbr_plan_env {
	char sysroot[256];	/* "" for this machine */
	char tracing[512];	/* the tracefs directory */
	char arch[32], release[64];
	int version;		/* major * 1000 + minor */
	bool kprobes;		/* kprobe_events exists */
	bool btf_args;		/* kprobe arguments by BTF name ("->field" in README) */
	char unreadable[400];	/* "": tracefs could be read; else why not */
};

#define TLBR_PLAN_MAX 96

/* The plan of one machine: its items (those of its architecture) and what was found. */
struct tlbr_plan {
	struct tlbr_plan_item items[TLBR_PLAN_MAX];
	unsigned int n;
	struct tlbr_plan_env env;
};

/*
 * The plan for this machine, or for the one whose /proc and tracefs files
 * are copied under @sysroot (NULL: this machine), into *@ret (nothing to
 * free). Returns 0; when tracefs cannot be read, env.unreadable says why.
 */
int tlbr_plan_probe(const char *sysroot, struct tlbr_plan *ret);
void tlbr_plan_print(FILE *f, const struct tlbr_plan *plan);
/* The kprobe_events line of a kprobe item ("p:tlbr/fault handle_mm_fault ..."). */
void tlbr_plan_kprobe_line(const struct tlbr_plan_item *it, char *buf, size_t n);

/* One TLBI instruction of the kernel (arm64), found by census.c. */
struct tlbr_tlbi_site {
	uint64_t addr, offset;		/* kernel address; offset in its function */
	char function[64];
	char op[16];			/* "vae1is", "vale1", "aside1is", "rvae1is", ...; "call": a
					 * call of a notrace copy holding TLBIs (callee) */
	char callee[64];
	unsigned int rt;		/* the operand register (31: none) */
	bool broadcast;			/* inner or outer shareable */
	bool by_address;		/* its function's name is not unique: probe the address */
	bool probed;			/* a kprobe records it */
	char why[96];			/* when not, why; when moved, where */
	/*
	 * op "call" by BL, where the kernel refuses the call's own kprobe:
	 * the offsets (in its function) of the instructions after it that
	 * every path from the call reaches first with x30 still the call's
	 * return address (census.c: after_call()); nafter 0: none found
	 */
	uint64_t after[4];
	unsigned int nafter;
};

/*
 * Every TLBI instruction of the running kernel's text, read through @kcore
 * with the symbols of @kallsyms: 0 with *@ret (free it), or a negative
 * errno with a message in @err (its msg; no position).
 */
int tlbr_census_take(const char *kallsyms, const char *kcore, struct tlbr_tlbi_site **ret,
		     unsigned int *ret_n, struct tlbr_error *err);

/*
 * madvise COLD/PAGEOUT's young branch (arm64): where in
 * madvise_cold_or_pageout_pte_range() its range update is, with the
 * registers holding the address and the end (census.c: tlbr_age_find).
 */
struct tlbr_age_site {
	bool found;
	char function[64];
	uint64_t test, offset;		/* the Access flag test; the probe point */
	unsigned int ra, rb;		/* address, end registers at the probe point */
	char why[200];			/* when not found, why */
	/*
	 * the huge PMD's young branch (`if (pmd_young(orig_pmd))`,
	 * tlb_remove_pmd_tlb_entry: cleared_pmds), found with the PTE's:
	 * pmd_found where its point is probeable too, else @pmd_why
	 */
	bool pmd_found;
	uint64_t pmd_test, pmd_offset;
	unsigned int pmd_ra, pmd_rb;
	char pmd_why[160];
};
int tlbr_age_find(const char *kallsyms, const char *kcore, struct tlbr_age_site *s);
/*
 * madvise FREE's young-or-dirty branch: the only range update in
 * madvise_free_pte_range() (census.c: tlbr_free_find), as @s (no test).
 */
int tlbr_free_find(const char *kallsyms, const char *kcore, struct tlbr_age_site *s);

/* The census of the machine @env describes (arm64), for --check. */
void tlbr_census_print(FILE *f, const struct tlbr_plan_env *env);

struct tlbr_recorder;

struct tlbr_record_opts {
	const char *output;
	unsigned int buffer_kb;		/* per CPU */
	double duration;		/* seconds; 0: until the command ends or a signal */
	char *const *command;		/* NULL: the whole system */
	const pid_t *pids;		/* -p: record until these exit (their maps are saved) */
	unsigned int npids;
	bool dry_run;			/* print the tracefs writes, make none */
	const char *sysroot;		/* dry run: the plan of another machine (see --sysroot) */
	bool no_census;			/* arm64: no kprobe on every TLBI */
	FILE *log;			/* progress and dry-run output */
};

/* How a recording went. */
struct tlbr_record_result {
	bool capture_started;		/* tracing was on */
	bool workload_started;		/* the command's exec succeeded */
	bool workload_ended;		/* it ended by itself (not stopped by the recorder) */
	bool workload_failed;		/* ... with a non-zero status or a signal */
	int workload_status;		/* as waitpid() gives it */
	double seconds;			/* how long it recorded */
	unsigned long long lost;	/* events the kernel dropped */
	unsigned long long bytes;	/* ring-buffer data read */
	bool written;			/* the trace.dat is in place */
	bool old_kept;			/* an existing output was renamed OUTPUT.old */
	bool kept;			/* not written: the data stays in spool, for --recover */
	char spool[4160];
};

/* Remove instances left by recorders that were killed; returns how many. */
int tlbr_record_remove_stale(FILE *log);
/**
 * tlbr_record_run - record until the command exits, the duration passes or
 * *@stop becomes true (set it from a signal handler)
 *
 * Creates and always destroys its own tracefs instance. The data goes to
 * disk as it is read, into a spool beside the output (OUTPUT.tlbreplay-PID),
 * and becomes the output at the end (an existing one is renamed
 * OUTPUT.old). Returns 0 or a negative errno, with a message in @err;
 * *@res says what was written, also on failure.
 */
int tlbr_record_run(const struct tlbr_record_opts *o, volatile sig_atomic_t *stop,
		    struct tlbr_record_result *res, struct tlbr_error *err);
/**
 * tlbr_record_recover - write the trace.dat of a killed recorder's spool
 * @dir: OUTPUT.tlbreplay-PID
 * @output: where to write it (NULL: OUTPUT, beside @dir)
 *
 * Returns 1 when a trace was written (said on @log), 0 when the spool held
 * nothing and was removed, or a negative errno with a message in @err
 * (-EBUSY: its recorder is alive).
 */
int tlbr_record_recover(const char *dir, const char *output, FILE *log, struct tlbr_error *err);
/* Recover every killed recorder's spool beside @output or in the registry; how many. */
int tlbr_record_recover_stale(const char *output, FILE *log);

#endif /* TLBR_RECORD_H */
