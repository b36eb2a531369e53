/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record-local.h - what the recorder's files share.
 */
#ifndef TLBR_RECORD_LOCAL_H
#define TLBR_RECORD_LOCAL_H

#include <limits.h>
#include <sys/types.h>

#include <tracefs/tracefs.h>

#include "record.h"

#define PROBE_SYSTEM "tlbr"	/* the kprobes of the arm64 plan and census */
#define MAX_TLBI_PROBES 512

/* The TLBI census of an arm64 kernel and its kprobes. */
struct tlbr_census {
	struct tlbr_tlbi_site *sites;
	unsigned int n, nprobed;
	struct tracefs_dynevent *evs[MAX_TLBI_PROBES];
	int ev_site[MAX_TLBI_PROBES];
	unsigned char ev_part[MAX_TLBI_PROBES];	/* 0: tlbi_N; k: tlbi_N_k (after a call) */
	char note[256];			/* why there is no census */
	/*
	 * madvise COLD/PAGEOUT's young branch (tlbr_age_find): its probe,
	 * tlbr/age_young, when placed (@age_line: its kprobe_events line) and
	 * created (@age_ev; metadata age_young=traced), else @age.why
	 */
	struct tlbr_age_site age;
	char age_line[256];
	bool age_planned;
	struct tracefs_dynevent *age_ev;
	/*
	 * the huge PMD's young branch: tlbr/age_young_pmd, planned with the
	 * PTE's (metadata age_young_pmd=traced), else @age.pmd_why
	 */
	char age_pmd_line[256];
	bool age_pmd_planned;
	struct tracefs_dynevent *age_pmd_ev;
	/*
	 * madvise FREE's young-or-dirty branch (tlbr_free_find): tlbr/age_free
	 * (metadata age_free=traced), else @free.why
	 */
	struct tlbr_age_site free;
	char free_line[256];
	bool free_planned;
	struct tracefs_dynevent *free_ev;
};

/*
 * Take the census of the kernel @env describes (arm64 with kprobe_events)
 * and, when @create, probe each site; otherwise list what would be probed.
 */
void tlbr_census_probe(struct tlbr_census *cs, const struct tlbr_plan_env *env, bool create,
		       FILE *log);
/* The age_young probe's location and fetch arguments on @env's kernel, or why none. */
bool tlbr_age_probe_def(const struct tlbr_plan_env *env, struct tlbr_age_site *a, char *where,
			size_t nw, char *fetch, size_t nf);
/* The age_free probe's location and fetch arguments on @env's kernel, or why none. */
bool tlbr_free_probe_def(const struct tlbr_plan_env *env, struct tlbr_age_site *a, char *where,
			 size_t nw, char *fetch, size_t nf);
/* The age_young_pmd probe's location and fetch arguments from @a (found). */
void tlbr_age_pmd_def(const struct tlbr_age_site *a, char *where, size_t nw, char *fetch,
		      size_t nf);
/* The --check line of the age_young probe. */
void tlbr_age_line(const struct tlbr_plan_env *env, char *buf, size_t n);
/* Destroy the census probes and free the census. */
void tlbr_census_release(struct tlbr_census *cs);
/* The census line of a site, for --check and the trace's markers. */
void tlbr_census_line(const struct tlbr_tlbi_site *t, unsigned int i, char *buf, size_t n);
/* The fetch arguments of a TLBI probe: its site number and the operand register. */
void tlbr_tlbi_fetch(const struct tlbr_tlbi_site *t, unsigned int i, char *buf, size_t n);
/* The event name of census probe @k: tlbi_N, or tlbi_N_P for a call's further probes. */
void tlbr_tlbi_event(const struct tlbr_census *cs, unsigned int k, char *buf, size_t n);

/*
 * The spool (spool.c): a recording's data on disk beside its output, as it
 * is read, so that nothing read is lost if the recorder dies.
 */
struct tlbr_spool {
	char output[PATH_MAX];		/* absolute */
	char dir[PATH_MAX + 32];	/* OUTPUT.tlbreplay-PID */
	char registry[64];		/* /run/tlbreplay/PID, "" if none */
	int dirfd;			/* flock'ed while recording */
	int ncpus;
	size_t page_size;
	int *fd;
	off_t *size;
	char **file;
	double last_sync;
};

/* Make the spool of @output (and so check that it can be written). */
int tlbr_spool_create(struct tlbr_spool *s, const char *output, struct tlbr_error *err);
/* The per-CPU files, for sub-buffers of @page_size bytes. */
int tlbr_spool_open_cpus(struct tlbr_spool *s, int ncpus, size_t page_size, struct tlbr_error *err);
/* Copy the event formats (@events: "system/event" globs) and write the manifest. */
int tlbr_spool_snapshot(struct tlbr_spool *s, const char *tracing, const char *clock,
			const char *const *events, unsigned int nevents, struct tlbr_error *err);
/* Append sub-buffers read from CPU @cpu; on failure the file keeps whole ones. */
int tlbr_spool_write(struct tlbr_spool *s, int cpu, const void *data, size_t n, struct tlbr_error *err);
/* Sync the CPU files to disk (when @now, or a second after the last time). */
int tlbr_spool_sync(struct tlbr_spool *s, bool now, struct tlbr_error *err);
unsigned long long tlbr_spool_bytes(const struct tlbr_spool *s);
/*
 * Write the trace.dat and put it in place (an existing output becomes
 * OUTPUT.old: *@ret_old); the spool goes. On failure it stays, for
 * --recover. Closes the spool either way.
 */
int tlbr_spool_finish(struct tlbr_spool *s, bool *ret_old, struct tlbr_error *err);
/* Remove the spool: nothing worth keeping was recorded. */
void tlbr_spool_discard(struct tlbr_spool *s);

#endif /* TLBR_RECORD_LOCAL_H */
