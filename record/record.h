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

#include "tlbr.h"

enum tlbr_plan_need { TLBR_PLAN_REQUIRED, TLBR_PLAN_RECOMMENDED, TLBR_PLAN_OPTIONAL };

struct tlbr_plan_item {
	const char *system, *event;
	enum tlbr_plan_need need;
	const char *without;	/* what replay loses without it */
	const char *arch;	/* only on this architecture (uname -m), NULL: any */
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
};

/*
 * The plan for this machine, or for the one whose /proc and tracefs files
 * are copied under @sysroot (NULL: this machine): returns the number of
 * items; *@ret_env (may be NULL) says what was found.
 */
unsigned int tlbr_plan_probe(const char *sysroot, struct tlbr_plan_item **ret_items,
			     const struct tlbr_plan_env **ret_env);
void tlbr_plan_print(FILE *f, const struct tlbr_plan_item *items, unsigned int n,
		     const struct tlbr_plan_env *env);
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
};

/*
 * Every TLBI instruction of the running kernel's text, read through @kcore
 * with the symbols of @kallsyms: 0 with *@ret (free it), or a negative
 * errno with a message in @err.
 */
int tlbr_census_take(const char *kallsyms, const char *kcore, struct tlbr_tlbi_site **ret,
		     unsigned int *ret_n, char *err, size_t errlen);

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

/* Remove instances left by recorders that were killed; returns how many. */
int tlbr_record_remove_stale(FILE *log);
/**
 * tlbr_record_run - record until the command exits, the duration passes or
 * *@stop becomes true (set it from a signal handler)
 * @ret_lost: events the kernel dropped
 *
 * Creates and always destroys its own tracefs instance. Returns 0 or a
 * negative errno, with a message in @err.
 */
int tlbr_record_run(const struct tlbr_record_opts *o, volatile sig_atomic_t *stop,
		    int *ret_child_status, unsigned long long *ret_lost, char *err, size_t errlen);

#endif /* TLBR_RECORD_H */
