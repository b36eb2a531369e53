/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * against.h - `tlbreplay diff --against`: one architecture's trace
 * predicting what an arm64 kernel executes, beside an arm64 trace's TLBI
 * census (issue 19). Per flush site: the broadcasts arm64-broadcast
 * predicts from the BEFORE traces (any architecture), the broadcast flush
 * operations the AFTER traces' kernel executed (counted by the census), and
 * both per operation of the workload (forks, mprotect calls, write faults,
 * ...: counted in each trace), since two runs of one program on two
 * machines rarely do exactly the same work. And per seed policy, the share
 * of arm64-broadcast's broadcasts it saves, replayed on each side.
 */
#ifndef TLBR_AGAINST_H
#define TLBR_AGAINST_H

#include <stdbool.h>
#include <stdint.h>

#include "replay.h"
#include "table.h"
#include "tlbr-event.h"

#define TLBR_AGAINST_SCHEMA "tlbreplay-diff-against"
#define TLBR_AGAINST_SCHEMA_VERSION 1
#define TLBR_AGAINST_BASE "arm64-broadcast"
/* the replayed policies: the baseline first, then the seed policies whose savings are compared */
#define TLBR_AGAINST_POLICIES "arm64-broadcast,wp-local,active-cpu,pte-needs-flush," \
	"batched-reclaim,uffd-move-batch,hugetlb-unshare-gather,wp-local+active-cpu"
#define TLBR_AGAINST_NPOL 8
/*
 * A site with fewer broadcasts than this on both sides is not judged within
 * 5 % or not (within_5pct "few"): one flush more or less moves its figure
 * by more than 5 %.
 */
#define TLBR_AGAINST_MIN_FLUSHES 20

/* The operations of a workload, counted from a trace's events in scope. */
enum tlbr_against_op {
	TLBR_AOP_FORKS,		/* new processes: fork events without CLONE_VM */
	TLBR_AOP_EXECS,		/* exec events */
	TLBR_AOP_EXITS,		/* exit_mmap (mm-teardown events) */
	TLBR_AOP_MPROTECT,	/* mprotect syscall entries */
	TLBR_AOP_ZAPCALLS,	/* munmap, madvise and brk syscall entries */
	/*
	 * ... the unmap calls that freed page tables (free_pgtables: a PTE
	 * page no mapping uses any more), each side's own: AFTER's (a trace
	 * with a census) those whose gather had freed_tables, BEFORE's
	 * without one (x86) those the model says freed one (no other mapping
	 * left in the 2 MiB: tlbr_view_frees_tables_seen); a call counts once
	 * however many of its flushes are the tables'. Of the calls
	 * arm64-broadcast broadcasts a table flush at (tlbr_against_broadcast)
	 */
	TLBR_AOP_TABLECALLS,
	TLBR_AOP_MREMAP,	/* mremap syscall entries */
	/*
	 * ... of them, those that moved the mapping (the return: a new
	 * address), the only ones that flush at site mremap (move_ptes): a
	 * grow in place moves nothing, a shrink's flush is its tail's unmap
	 */
	TLBR_AOP_MREMAP_MOVED,
	/*
	 * ... the page-table chunks they moved: move_page_tables() moves (and
	 * move_ptes() or move_normal_pmd() flushes) one extent at a time,
	 * cut at the old and the new address's PMD boundaries (get_extent())
	 */
	TLBR_AOP_MREMAP_CHUNKS,
	TLBR_AOP_WFAULTS,	/* write faults of user mode */
	/*
	 * write faults on present read-only pages, of user and kernel mode as
	 * the trace shows them, that the kernel resolved by a reuse and by a
	 * COW copy (the replay's reuses and cow_breaks: each trace's own)
	 */
	TLBR_AOP_REUSEFAULTS,
	TLBR_AOP_COWFAULTS,
	TLBR_AOP_FAULTS,	/* faults of user mode */
	TLBR_AOP__COUNT
};

const char *tlbr_against_op_name(enum tlbr_against_op op);

/* One side: the sum over its traces. */
struct tlbr_against_side {
	unsigned int traces;
	uint64_t ops[TLBR_AOP__COUNT];
	uint64_t predicted[TLBR_SITE__COUNT];	/* arm64-broadcast's broadcasts, by site (from
						 * the replay's notes: the caller counts them) */
	uint64_t census[TLBR_SITE__COUNT];	/* the TLBI census: broadcast operations */
	uint64_t tlbi_events;			/* TLBI census events in the trace (any scope) */
	uint64_t policy_bcasts[TLBR_AGAINST_NPOL];	/* broadcasts, TLBR_AGAINST_POLICIES' order */
	uint64_t policy_unsafe[TLBR_AGAINST_NPOL];
	/*
	 * ... of the broadcasts, those at uncertain flush points (the kernel
	 * flushes there only if something the trace cannot show was so:
	 * tlbr_policy_result.maybe_broadcasts), counted in policy_bcasts[]
	 */
	uint64_t policy_maybe[TLBR_AGAINST_NPOL];
	/*
	 * arm64-broadcast's zap broadcasts at flushes the trace says freed
	 * page tables (arm64: tlb_finish_mmu's own flush after free_pgtables),
	 * and at those where the model says the call freed a PTE page
	 */
	uint64_t zap_tables_traced, zap_tables_model;
	/*
	 * ... the calls those were in (the operation TLBR_AOP_TABLECALLS takes
	 * one of: the traced where the side has a census), and the last call
	 * counted of each kind: its task and syscall (tlbr_note.sys_seq)
	 */
	uint64_t table_calls_traced, table_calls_model;
	uint64_t last_traced[2], last_model[2];
	uint64_t predicted_maybe[TLBR_SITE__COUNT];	/* arm64-broadcast's uncertain flush
							 * points, by site */
	unsigned int uncertain_why;	/* TLBR_UNSURE_* bits of arm64-broadcast's uncertain
					 * flush points in scope (the caller: the notes) */
	unsigned int batch_marks;	/* traces recorded with tlbr:ubc_pending
					 * (metadata batch_marks=traced) */
	unsigned int huge_allocs;	/* x86 traces recorded with kmem:mm_page_alloc: their
					 * huge faults are seen (formats/adapt-x86.c) */
	uint64_t huge_alloc_unpaired;	/* ... allocations not taken for their fault's */
	uint64_t huge_mapped, contpte_reuses, asid_rollovers, reuses, cow_breaks;
	uint64_t reuses_user, cow_breaks_user;	/* ... of user-mode write faults */
	uint64_t kernel_faults;	/* faults of kernel mode on user addresses, in scope */
	uint64_t write_faults_present;
	int ncpus;
	struct tlbr_cpuset ran_on;	/* CPUs of the faults and syscalls in scope */
	char arch[32];		/* from the recorder's metadata, "" unknown */
	char kernel[96];
	char thp[32];		/* not in the metadata: "" */
	char affinity[64];	/* the recorder's CPU list (metadata affinity=), "" unknown */
	/*
	 * the traced kernels' version (TLBR_KVER): 0 when unknown or when the
	 * side's traces differ; and the arm64 kernel version its replay's
	 * prediction followed (an arm64 trace: its own; an x86 one: AFTER's)
	 * and why
	 */
	unsigned int kver, arm64_kver;
	unsigned int lpa2;	/* AFTER: TLBR_LPA2_* as its user PTEs say */
	unsigned int aging;	/* AFTER: TLBR_AGING_* as its metadata says */
	char arm64_from[256];
};

/* Count one event that is in scope. */
void tlbr_against_count(struct tlbr_against_side *s, const struct tlbr_event *ev);
/*
 * One broadcast of arm64-broadcast's in scope (the replay's note @n, a
 * flush): its site's count, and at site zap the table flushes and the
 * calls they were in.
 */
void tlbr_against_broadcast(struct tlbr_against_side *s, const struct tlbr_note *n);
/* Add a finished replay (in scope) of one trace to @s (not its predicted[]: the notes'). */
void tlbr_against_add(struct tlbr_against_side *s, const struct tlbr_replay_result *r);

/* The operation a site's broadcasts are counted per (TLBR_AOP__COUNT: none). */
enum tlbr_against_op tlbr_against_site_op(enum tlbr_site site);

/*
 * The tables: per site (predicted from @b beside the census of @a, per
 * operation), the operations counted on each side, and the seed policies'
 * savings. 0 or -ENOMEM.
 */
int tlbr_against_sites(const struct tlbr_against_side *b, const struct tlbr_against_side *a,
		       struct tlbr_table *t);
int tlbr_against_ops(const struct tlbr_against_side *b, const struct tlbr_against_side *a,
		     struct tlbr_table *t);
int tlbr_against_savings(const struct tlbr_against_side *b, const struct tlbr_against_side *a,
			 struct tlbr_table *t);

/* Has either side uncertain broadcasts (the savings are ranges)? */
bool tlbr_against_uncertain(const struct tlbr_against_side *b, const struct tlbr_against_side *a);

/*
 * The share of the baseline's broadcasts policy @i saves on @s, in percent:
 * *@cons the conservative figure (every uncertain flush point a broadcast),
 * *@lo and *@hi the least and most it can be whichever uncertain points the
 * kernel really flushed at. NaN without a baseline broadcast.
 */
void tlbr_against_saved(const struct tlbr_against_side *s, unsigned int i, double *cons,
			double *lo, double *hi);

/*
 * What differs because the programs or machines differ, not the model: one
 * sentence per difference found, each passed to @emit. Returns how many.
 */
unsigned int tlbr_against_notes(const struct tlbr_against_side *b,
				const struct tlbr_against_side *a,
				void (*emit)(void *ctx, const char *key, const char *text),
				void *ctx);

#endif /* TLBR_AGAINST_H */
