/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.h - replay a normalised event stream under TLB flush policies.
 *
 * One pass: the engine keeps one page-table model (what the kernel did to
 * the PTEs is a fact of the trace) and, per selected policy, one model of
 * what each CPU's TLB may hold. Every flush point of the trace (and every
 * point where another kernel would flush, such as a write fault reusing a
 * page) is put to every policy, which decides whom to flush; the decision
 * updates that policy's TLB model; the safety checker then looks at the
 * points where the kernel relies on the flush having completed.
 */
#ifndef TLBR_REPLAY_H
#define TLBR_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "tlbr.h"
#include "tlbr-event.h"

/* Residency models: which translations a CPU may hold. */
enum tlbr_tlb_kind {
	TLBR_TLB_UNBOUNDED,	/* sound upper bound: anything present while the mm was active */
	TLBR_TLB_CAPACITY,	/* set-associative LRU filled by the accesses the trace shows */
};

struct tlbr_tlb_model {
	const char *name;
	enum tlbr_tlb_kind kind;
	unsigned int entries;	/* capacity models: L2 TLB entries */
	unsigned int ways;
	const char *source;	/* where the geometry comes from */
};

const struct tlbr_tlb_model *tlbr_tlb_model_find(const char *name);
const struct tlbr_tlb_model *tlbr_tlb_model_get(unsigned int i);

/* CPU models: what a stale read-only entry does on a write. */
struct tlbr_cpu_model {
	const char *name;
	bool spurious_faults;	/* a write through a stale read-only entry faults */
	const char *note;
	bool tlbi_range;	/* arm64 FEAT_TLBIRANGE: range TLBIs (__flush_tlb_range_op) */
};

const struct tlbr_cpu_model *tlbr_cpu_model_find(const char *name);
const struct tlbr_cpu_model *tlbr_cpu_model_get(unsigned int i);

/* Reasons a broadcast was certainly avoidable under the unbounded model. */
enum tlbr_avoid {
	TLBR_AVOID_NEVER_ELSEWHERE,	/* the mm never ran on another CPU */
	TLBR_AVOID_ALREADY_FLUSHED,	/* other CPUs' copies were flushed before */
	TLBR_AVOID_NOT_PRESENT,		/* the pages were not present while it ran elsewhere */
	TLBR_AVOID__COUNT
};

const char *tlbr_avoid_name(enum tlbr_avoid r);

/* The primitive operations a policy's flushes cost (see analysis/costs.c). */
enum tlbr_op {
	TLBR_OP_TLBI_IS,	/* broadcast TLBI (inner shareable), per operation */
	TLBR_OP_DSB_ISH,
	TLBR_OP_TLBI_LOCAL,	/* non-shareable TLBI */
	TLBR_OP_DSB_NSH,
	TLBR_OP_IPI,		/* x86 shootdown IPI, per target CPU */
	TLBR_OP_SPURIOUS,	/* a predicted spurious fault */
	TLBR_OP_MIGRATE,	/* migrate_disable() + migrate_enable() */
	TLBR_OP_DSB_UPGRADE,	/* dsb(ish) where dsb(ishst) would do (active-cpu's read) */
	TLBR_OP_REPEAT,		/* errata: the repeated TLBI + DSB of a broadcast */
	TLBR_OP_KMAP_BARRIER,	/* dsb(ishst) + isb after kernel PTE writes */
	TLBR_OP__COUNT
};

const char *tlbr_op_name(enum tlbr_op op);

/* Where the replayed kernel runs: bits, combined ("vm,errata": a guest on affected CPUs). */
enum tlbr_env {
	TLBR_ENV_NATIVE = 0,
	TLBR_ENV_VM = 1,	/* HCR_EL2.FB: local TLBIs are upgraded to broadcast */
	TLBR_ENV_ERRATA = 2,	/* ARM64_WORKAROUND_REPEAT_TLBI: every broadcast twice */
};

/* "native", "vm", "errata", or a combination joined by ',' or '+' ("vm,errata"). */
int tlbr_env_parse(const char *name, enum tlbr_env *ret);
/* "native", "vm", "errata" or "vm,errata". */
const char *tlbr_env_name(enum tlbr_env env);

#define TLBR_MAX_FINDINGS 32	/* unsafe counterexamples kept per policy */
#define TLBR_FINDING_STEPS 6

/* One event of a counterexample. */
struct tlbr_step {
	uint64_t ts_ns;
	uint64_t pos;
	int cpu;
	int pid;
	char what[96];
};

struct tlbr_finding {
	uint32_t mm;
	uint64_t addr;
	int cpu;		/* the CPU holding the translation */
	char held[8];		/* what it may hold: "rw", "ro", "old" */
	char allowed[8];	/* what the page table allows: "rw", "ro", "none" */
	unsigned int nsteps;
	struct tlbr_step steps[TLBR_FINDING_STEPS];
};

struct tlbr_policy_result {
	char name[64];
	uint64_t flushes[TLBR_SITE__COUNT];	/* flush points, by site */
	uint64_t flush_points;
	uint64_t broadcasts;		/* flushes reaching other CPUs (TLBI IS, IPI shootdown) */
	uint64_t local;			/* flushes of the issuing CPU only */
	uint64_t skipped;		/* flush points where nothing was flushed */
	uint64_t deferred;		/* TLBIs issued without waiting (batched reclaim) */
	uint64_t syncs;			/* DSBs that completed a batch */
	uint64_t pending_syncs;		/* flush_tlb_batched_pending() acting on a pending mm:
					 * a full-mm broadcast (also in broadcasts), or a DSB */
	uint64_t merged;		/* flush points covered by a batch's one flush (uffd MOVE) */
	uint64_t table_syncs;		/* hugetlb unshare IPI broadcasts (tlb_remove_table_sync_one) */
	uint64_t ipis;			/* IPI messages (x86-style shootdowns) */
	uint64_t switch_flushes;	/* full flushes deferred to a context switch */
	uint64_t avoidable;		/* broadcasts no other CPU needed (unbounded model) */
	uint64_t avoidable_by[TLBR_AVOID__COUNT];
	uint64_t stale_ro;		/* stale read-only entries left behind (the run's model) */
	uint64_t stale_sound;		/* ... under the unbounded model (= stale_ro there) */
	/*
	 * ... of which the trace proves that their CPU could not use them:
	 * a flush reached the CPU, or the address space went, before the CPU
	 * ran a task of that mm again (an entry is used only through the mm's
	 * ASID, loaded by switch_mm for a task of the mm)
	 */
	uint64_t stale_unused;
	uint64_t spurious_predicted;
	uint64_t upgraded;		/* local flushes a VM upgraded to broadcast */
	/*
	 * Flush points the kernel makes only when a PTE was young or dirty
	 * (madvise COLD, PAGEOUT, FREE), where the trace does not show the
	 * access that would have made it so: counted in flushes[] and
	 * broadcasts (the conservative figure); the figure the trace proves
	 * is the count less these. By site, and the broadcasts among them.
	 */
	uint64_t maybe[TLBR_SITE__COUNT];
	uint64_t maybe_broadcasts;
	uint64_t ops[TLBR_OP__COUNT];	/* primitive operations, for the cost model */
	uint64_t unsafe;		/* violations found */
	unsigned int nfindings;
	struct tlbr_finding findings[TLBR_MAX_FINDINGS];
};

/*
 * The upper bound of a policy's spurious faults: each stale read-only entry
 * the sound (unbounded) residency model allows, whatever model priced the
 * run, faults at most once (handle_pte_fault's flush_tlb_fix_spurious_fault
 * removes it), and only while its CPU runs a task of the mm; entries the
 * trace shows retired before that (stale_unused) cannot fault. Never below
 * what the trace proves (spurious_predicted); 0 beyond that on a CPU model
 * that does not fault (@possible false). Entries still held at the end of
 * the trace count: they may fault after it.
 */
static inline uint64_t tlbr_spurious_upper(const struct tlbr_policy_result *p, bool possible)
{
	uint64_t u = possible && p->stale_sound > p->stale_unused ?
			     p->stale_sound - p->stale_unused : 0;

	return u > p->spurious_predicted ? u : p->spurious_predicted;
}

/*
 * The x86 model against the trace (filled by the first x86-ipi policy of a
 * run; see replay/policies/x86-ipi.c). "Calls" are flush_tlb_multi()
 * decisions: a traced "remote IPI send" (real) or mm_cpumask holding another
 * CPU (predicted), compared flush by flush.
 */
/* Why the x86 self-check's range holds a target as uncertain (struct tlbr_x86_check). */
enum tlbr_x86_unc {
	TLBR_X86_UNC_CLOCK,	/* the trim clock unknown: an mm older than the trace */
	TLBR_X86_UNC_WINDOW,	/* the flush in the window of the trim clock's deadline */
	TLBR_X86_UNC_SWITCH,	/* the target in the middle of a switch */
	TLBR_X86_UNC_WAKEE,	/* a wakee of the mm queued on the target, not run yet */
	TLBR_X86_UNC__COUNT
};

struct tlbr_x86_check {
	bool checked;			/* an x86-ipi policy was replayed */
	bool x86;			/* the trace is an x86 trace (events seen) */
	bool pv;			/* remote flushes are paravirtual: no IPI follows */
	/*
	 * the CPU has INVLPGB (metadata invlpgb=yes): batched and kernel
	 * flushes send no IPI (arch_tlbbatch_flush(), flush_tlb_kernel_range());
	 * on 4 or more CPUs an address space active on more than 3 gets a
	 * global ASID (consider_global_asid(): mm_active_cpus_exceeds(mm, 3))
	 * and its flushes are broadcast_tlb_flush()'s INVLPGB, with no IPI and
	 * no tlb_flush record, which the trace cannot place
	 * (@invlpgb_incomparable): the IPI self-check is not comparable
	 */
	bool invlpgb, invlpgb_incomparable;
	uint64_t ipis_sent;		/* shootdown IPIs: sent by a traced flush_tlb_multi() */
	uint64_t ipis_answered;		/* ... answered by a tlb_flush record on the target */
	uint64_t ipis_unanswered;	/* ... not (a silent flush_tlb_func(), or lost) */
	uint64_t ipis_other;		/* IPIs seen that are not shootdowns (not counted above) */
	uint64_t ipis_predicted;	/* IPIs x86-ipi predicts for the traced flushes */
	uint64_t ipis_native;		/* PV guest: the IPIs a native kernel would send */
	uint64_t ipis_matched;		/* predicted and sent: same flush, same target */
	uint64_t remote_flushes;	/* remote tlb_flush records (shootdown and wrong CPU) */
	uint64_t remote_wrong_cpu;
	uint64_t calls_traced;		/* every traced "remote IPI send" */
	uint64_t calls_real, calls_predicted, calls_matched;	/* user-mm flushes */
	uint64_t calls_bootstrap;	/* first flushes of mms older than the trace */
	uint64_t calls_learnt;		/* missed calls that showed an older mm on more CPUs */
	uint64_t mask_cleared;		/* CPUs a local-only flush showed out of mm_cpumask */
	uint64_t lost_restarts;		/* lost-event records: the model restarted its mms */
	/*
	 * Taken out of the counts above: the spans with lost events (from the
	 * last event of the CPU before the gap to the lost-event record), and
	 * the first flush of each mm after (the restarted model's start)
	 */
	/*
	 * IPIs sent and not predicted, by the target's answer: "remote wrong
	 * CPU" (it ran another mm: the kernel trimmed mm_cpumask when the
	 * model did not), a flush (it ran the mm: a switch the trace lacks);
	 * the rest had no answer in the trace
	 */
	uint64_t miss_other_mm, miss_ran_mm;
	/*
	 * ... of all of them, IPIs to a CPU in the middle of a switch to
	 * another mm (its sched_switch traced, its "flush on task switch" not
	 * before the sender's "remote IPI send"): should_flush_tlb() answers
	 * LOADED_MM_SWITCHING with an IPI (Linux 6.15+, fea4e317f9e7), a race
	 * the trace cannot predict
	 */
	uint64_t miss_mid_switch;
	/*
	 * ... of all of them, IPIs to a CPU running another mm (answered
	 * "remote wrong CPU"; not lazy, not mid-switch, no tables freed) while
	 * the mm's trim clock was a guess: should_trim_cpumask()'s clock of
	 * an mm older than the trace, until the trace shows a trim
	 */
	uint64_t miss_trim_guess;
	/*
	 * tasks a "remote shootdown" answer showed to use an address space
	 * older than the trace other than their own in the trace (threads a
	 * trace.dat does not group): from then on they run that one
	 */
	uint64_t tasks_rehomed;
	/*
	 * IPIs predicted and not sent to a CPU running another mm, for a trim
	 * the model guessed: should_trim_cpumask()'s clock of an mm older
	 * than the trace is unknown until the trace shows a trim
	 */
	uint64_t unsent_trim_guess;
	/*
	 * ... to a CPU that answered the shootdown with a remote flush
	 * although no IPI went to it: the CSD ran without one
	 * (call_function_single_prep_ipi(): the target polled in idle)
	 */
	uint64_t unsent_polled;
	/*
	 * The trace records deliveries without an IPI (sched_wake_idle_without_ipi:
	 * a record of one in a shootdown, or the trace declares it and records
	 * csd_queue_cpu: the same plan), and the CSDs queued (csd_queue_cpu: a
	 * record of a shootdown's): then a shootdown that reached a
	 * CPU polling in idle is a traced fact. call_function_single_prep_ipi()
	 * (send_call_function_single_ipi(), smp_call_function_many_cond()'s
	 * one-target path) traces sched_wake_idle_without_ipi(cpu) where
	 * set_nr_if_polling() found the target polling: the target runs
	 * flush_tlb_func() from its idle loop, no IPI sent. @polled_sent: such
	 * deliveries of a traced flush_tlb_multi() (its sender's record
	 * between its "remote IPI send" and its local half), @polled_by_csd of
	 * them confirmed by the csd_queue_cpu of flush_tlb_func just before
	 * (the others by context only, the trace has no csd_queue_cpu),
	 * @polled_matched of them predicted (same flush, same target). The
	 * deliveries are the IPIs sent and these: predicted IPIs are matched
	 * one-to-one against both.
	 */
	bool polled_recorded, csd_recorded, polled_declared;
	uint64_t polled_sent, polled_by_csd, polled_matched;
	/*
	 * Where the trace records csd_queue_cpu: the CSDs of flush_tlb_func()
	 * a traced flush_tlb_multi() queued (smp_call_function_many_cond(),
	 * one per target should_flush_tlb() picked: the kernel's targets,
	 * delivered by an IPI, by a poll, or behind a CSD already queued
	 * there, llist_add() not first), and of them predicted (same flush,
	 * same target). The deliveries are then these.
	 */
	uint64_t csd_queued, csd_matched;
	/*
	 * The prediction as a range: where the trace cannot tell whether the
	 * kernel interrupted a CPU, the target is uncertain, by why
	 * (TLBR_X86_UNC_*): a trim by should_trim_cpumask() whose clock is
	 * unknown (an mm older than the trace, no trim traced yet), or whose
	 * deadline's window holds the flush (the jiffies tick, HZ not
	 * recorded; a trim that may have come at an earlier call), or a
	 * target in the middle of a switch (LOADED_MM_SWITCHING, which
	 * should_flush_tlb() answers with an IPI), or a CPU a wakee of the mm
	 * was queued on (its wake list) that has not shown it running yet.
	 * @rng_certain: predicted
	 * targets that are certain (the range's low end), @rng_unc: uncertain
	 * ones (the high end adds them). The deliveries (IPIs and polled,
	 * @rng_ipi_*; the CSDs queued, @rng_csd_*) to a certain target
	 * (matched one-to-one) and to an uncertain one (by why).
	 */
	uint64_t rng_certain, rng_unc[TLBR_X86_UNC__COUNT];
	/*
	 * ... @rng_unc counts a trim's targets once for the calls of an mm
	 * within a second of each other (at most one of them trims:
	 * should_trim_cpumask() sets the next deadline a second on);
	 * @rng_unc_targets: every uncertain target of every call
	 */
	uint64_t rng_unc_targets;
	/*
	 * ... targets mid-switch whose CPU has not told yet whether it
	 * switched mm (its next event), counted uncertain (mid-switch) until
	 * it does: predicted, and delivered by an IPI or poll, or a CSD
	 */
	uint64_t rng_pend_unc, rng_pend_ipi, rng_pend_csd;
	uint64_t rng_ipi_matched, rng_ipi_unc[TLBR_X86_UNC__COUNT];
	uint64_t rng_csd_matched, rng_csd_unc[TLBR_X86_UNC__COUNT];
	uint64_t lost_excl_ns;
	uint64_t lost_excl_sent, lost_excl_predicted, lost_excl_matched, lost_excl_calls;
	uint64_t as_traced;		/* kernel and batched flushes, replayed as traced */
	uint64_t calls_real_by_site[TLBR_SITE__COUNT];
	uint64_t calls_predicted_by_site[TLBR_SITE__COUNT];
	uint64_t calls_matched_by_site[TLBR_SITE__COUNT];
};

struct tlbr_replay_result {
	const char *tlb_model;
	const char *cpu_model;
	const char *env;
	bool preempt;
	unsigned int kernel;		/* the traced kernel's version (TLBR_KVER), 0 unknown */
	unsigned int arm64_kernel;	/* the arm64 kernel the prediction follows, 0 unknown */
	/*
	 * ... whether it runs with LPA2 (52-bit physical addresses on 4 KiB
	 * pages, TCR_EL1.DS): TLBR_LPA2_UNKNOWN, _OFF, _ON
	 */
	unsigned int arm64_lpa2;
	unsigned int uncertain_why;	/* TLBR_UNSURE_* bits: why flush points were uncertain */
	int ncpus;
	uint64_t events;
	uint64_t pages;			/* pages touched: the model's size */
	uint64_t write_faults_present;	/* user write faults on present pages */
	uint64_t unexplained;		/* ... the model cannot explain */
	/*
	 * ... on a page the model has writable whose PTE changed last before
	 * a gap with lost events: the gap may hold its write-protection
	 */
	uint64_t write_faults_lost;
	uint64_t spurious_observed;	/* ... that are spurious faults the CPU model allows */
	uint64_t cow_breaks, reuses;
	/*
	 * ... of them, those of user-mode write faults (x86's page_fault_user;
	 * the others are the kernel's writes to user pages: arm64's fault
	 * probe, x86's page_fault_kernel): reuses (do_wp_page ->
	 * wp_page_reuse: no COW flush followed the fault) and COW breaks
	 * (wp_page_copy: the COW flush followed)
	 */
	uint64_t reuses_user, cow_breaks_user;
	uint64_t real_ipis;		/* flush IPIs the traced kernel sent (x86 traces) */
	uint64_t real_ipi_flushes;	/* flushes that sent them */
	uint64_t asid_rollovers;	/* arm64 ASID generation rollovers */
	/*
	 * mprotect/munmap/madvise/mremap calls on an mm with a reclaim batch
	 * pending that the trace shows without flush_tlb_batched_pending (no
	 * tlbr:batch_pend probe: before Linux 6.5 arm64 has no such function to
	 * probe): the replay calls it where the kernel does. Missing evidence,
	 * not a race.
	 */
	uint64_t batch_pending_implied;
	/* arm64 TLBI census: what the traced kernel executed */
	uint64_t real_tlbi_ops[TLBR_SITE__COUNT];	/* broadcast flush operations, by site */
	uint64_t real_tlbi_is;			/* broadcast TLBI instructions */
	/*
	 * broadcast census sites the kernel refused a kprobe for: the flushes
	 * there are not in real_tlbi_ops (tlbr_replay_census_unprobed)
	 */
	unsigned int census_unprobed;
	char census_unprobed_at[256];		/* their function+offset, comma-separated */
	uint64_t contpte_reuses;	/* write-fault reuses in a contpte block (unfolded first) */
	uint64_t contpte_dirty;		/* access/dirty updates of a whole contpte block */
	uint64_t huge_reuses;		/* write-fault reuses of a huge PMD (do_huge_pmd_wp_page) */
	uint64_t huge_mapped;		/* huge pages mapped by a PMD (fault, collapse) */
	/* x86 huge-page allocations in a fault whose 2 MiB the model had used or as not
	 * anonymous: not taken for the fault's (replay/unmap.c huge_apply) */
	uint64_t huge_alloc_unpaired;
	/*
	 * One VMA's zaps (unmap_page_range) over a range where the model has
	 * no page, in an address space whose pages the trace may not show (older
	 * than the trace, or after lost events): no flush point, so no policy's
	 * safety was checked there, though tlb_end_vma flushed whatever was
	 * present. Unknown, not zero.
	 */
	uint64_t unchecked_flushes;
	/*
	 * Tasks the trace leaves out ran on the CPUs (switches that do not
	 * chain: tlbr_switch_chain_filtered(), a pid-filtered recording): from
	 * hidden_ns on every address space may run on every CPU.
	 */
	bool hidden_tasks;
	uint64_t hidden_ns;
	bool lost_unknown;		/* hidden_tasks from the start: opts.lost_unknown */
	uint64_t switch_breaks;
	uint64_t tasks_lost_sight;	/* tasks a switch that did not chain hid (tlbr_hidden_task()) */
	struct tlbr_x86_check x86;	/* the self-check of the x86 model */
	unsigned int npolicies;
	struct tlbr_policy_result *policy;	/* npolicies of them */
};

/*
 * Notes: what the aggregate counts are made of, one at a time, for reports
 * that break them down (by site, process, address range, CPU, time).
 */
enum tlbr_note_kind {
	TLBR_NOTE_FLUSH,	/* a policy decided a flush point */
	TLBR_NOTE_STALE,	/* a policy left a stale read-only entry on a CPU */
	TLBR_NOTE_SPURIOUS,	/* a policy's stale entry predicts a spurious fault */
	TLBR_NOTE_SPURIOUS_SEEN,	/* the trace shows a spurious fault (policy -1) */
};

enum tlbr_outcome {
	TLBR_OUT_BROADCAST,	/* reached other CPUs (TLBI IS, IPIs) */
	TLBR_OUT_LOCAL,
	TLBR_OUT_SKIPPED,
	TLBR_OUT_MERGED,
	TLBR_OUT_DEFERRED,
	TLBR_OUT__COUNT
};

struct tlbr_note {
	enum tlbr_note_kind kind;
	int policy;		/* index into the result's policies; -1: the trace itself */
	uint64_t ts_ns;
	int cpu;		/* FLUSH: the issuer; STALE: the CPU holding the entry; SPURIOUS*:
				 * the CPU that faults */
	uint32_t mm;		/* 0: no user address space (kernel, opaque) */
	uint32_t task;		/* the task of the event (the adapter's task id) */
	uint64_t addr;		/* the page, or the flush's first page */
	bool whole_mm;		/* FLUSH: of the whole address space */
	uint64_t vma_start, vma_end;	/* the VMA of addr when the model knows it, else 0 */
	enum tlbr_site site;	/* FLUSH */
	enum tlbr_outcome out;	/* FLUSH */
	bool avoidable;		/* FLUSH: a broadcast no other CPU needed */
	enum tlbr_avoid reason;	/* ... and why */
	unsigned int unsure;	/* FLUSH: an uncertain flush point: why, TLBR_UNSURE_* bits; 0 certain */
	/*
	 * FLUSH at site zap: the trace's flush says page tables were freed
	 * (arm64's gather with freed_tables: tlb_finish_mmu's flush after
	 * free_pgtables); the model says the call frees a PTE page (x86: a
	 * mapping alone in its 2 MiB; tlbr_view_frees_tables_seen)
	 */
	bool tables_traced, tables_model;
	/*
	 * FLUSH: the issuing task's syscall (its entry event's sequence
	 * number; 0: in none), so that a note's reader counts calls, not
	 * flush points
	 */
	uint64_t sys_seq;
};

struct tlbr_replay;

/* Why the replay could not tell whether the kernel flushed (tlbr_policy_result.maybe). */
enum {
	TLBR_UNSURE_AGE = 1 << 0,	/* madvise COLD/PAGEOUT/FREE: a PTE young or dirty? */
	TLBR_UNSURE_PAGEOUT = 1 << 1,	/* PAGEOUT on a kernel of unknown version (6.10 stopped) */
	TLBR_UNSURE_SPLIT = 1 << 2,	/* a PMD split: was the PMD huge? */
	TLBR_UNSURE_DIRTY = 1 << 3,	/* a zap's shared page: dirty (zap_pte_range's force flush)? */
	/* flush_tlb_batched_pending: did the kernel mark the mm (a batched reclaim PTE)? */
	TLBR_UNSURE_PENDING = 1 << 4,
	/*
	 * a zap of pages fault-around may have mapped (do_fault_around), or
	 * reclaim may have put back (try_to_unmap_one, a MADV_FREE'd folio)
	 */
	TLBR_UNSURE_AROUND = 1 << 5,
	/*
	 * an x86 MADV_FREE's large folio split, for an arm64 kernel before 6.8
	 * or of an unknown version: does it split the folio (at all)?
	 */
	TLBR_UNSURE_FOLIO_SPLIT = 1 << 6,
	/*
	 * ... for an arm64 kernel 6.9+ (or of an unknown version): was each
	 * 64 KiB block of the folio contpte-mapped (one unfold a block)?
	 */
	TLBR_UNSURE_CONTPTE = 1 << 7,
	/*
	 * arm64 tlb_finish_mmu while another task's gather may still be
	 * pending (mm_tlb_flush_nested: it flushes the whole mm)
	 */
	TLBR_UNSURE_NESTED = 1 << 8,
	/*
	 * an x86 MADV_COLD flush of pages a batched large folio split put
	 * back, for an arm64 kernel 6.8+ (or of an unknown version): 6.12
	 * found them old (engine.c: cold_after_split), cause not pinned
	 */
	TLBR_UNSURE_REMAP_AF = 1 << 9,
	/*
	 * an mremap's contpte fold at its destination, or the unfold of a
	 * block one may have folded, for an arm64 kernel 6.9+ (or of an
	 * unknown version): folded only where arm64's move distance is a
	 * multiple of 64 KiB, its layout's (unmap.c: cont_folds)
	 */
	TLBR_UNSURE_CONT_FOLD = 1 << 10,
};

#define TLBR_KVER(major, minor) ((unsigned int)(major) << 8 | (unsigned int)(minor))

/* "6.1.0-47-arm64", "6.12.118+deb12-arm64" -> TLBR_KVER(6, 1); 0 when it does not parse. */
unsigned int tlbr_kver_parse(const char *release);
/* TLBR_KVER(6, 1) -> "6.1" into @buf; 0 -> "" (unknown). Returns @buf. */
const char *tlbr_kver_string(unsigned int kver, char *buf, size_t n);

struct tlbr_replay_opts {
	const char *policies;		/* "a,b+c": comma-separated, '+' composes */
	const struct tlbr_tlb_model *tlb;
	const struct tlbr_cpu_model *cpu;
	int ncpus;			/* from the trace */
	enum tlbr_env env;
	/*
	 * The traced kernel's version, TLBR_KVER(major, minor), from the
	 * recorder's metadata (kernel=6.1.0-47-arm64); 0 when the trace does
	 * not say: a rule that differs by version then allows either.
	 */
	unsigned int kernel;
	/*
	 * The arm64 kernel whose rules the arm64 policies follow where they
	 * differ by version (TLBR_KVER; 0 unknown: such a point is uncertain).
	 * An arm64 trace follows its own kernel (kernel); an x86 trace the
	 * version given here (what-if --arm64-kernel, diff --against: AFTER's
	 * kernel), which the CLI sets to the traced kernel's by default.
	 * x86-ipi follows the traced kernel whatever this says.
	 */
	unsigned int arm64_kernel;
	/*
	 * ... and whether that machine runs with LPA2 (TLBR_LPA2_*: what-if
	 * --arm64-lpa2, diff --against: AFTER's PTEs, tlbr_adapter_lpa2());
	 * engine.c: cold_after_split. An arm64 trace: unknown.
	 */
	unsigned int arm64_lpa2;
	/*
	 * ... and whether nothing there clears Access flags unseen
	 * (TLBR_AGING_*: what-if --arm64-aging, diff --against: AFTER's
	 * metadata); unmap.c: age_range. An arm64 trace: unknown (its own
	 * lru_gen_off, damon_on).
	 */
	unsigned int arm64_aging;
	bool no_preempt;		/* migrate_disable() is cheap: a non-preemptible kernel */
	/*
	 * The trace cannot show lost events (tlbr_reader_lost_unknown(): perf's
	 * CTF conversion): a gap may be anywhere, so every address space may
	 * run on every CPU from the start, as after tlbr_switch_chain_filtered().
	 */
	bool lost_unknown;
	/*
	 * The recording traced the PTEs the kernel batched (arm64 6.5+,
	 * tlbr:ubc_pending; metadata batch_marks=traced): which address spaces
	 * it marked (mm->tlb_flush_batched) is known from their birth.
	 */
	bool batch_marks;
	/*
	 * The recording traced the PTEs faults make (arm64, tlbr:map_ptes on
	 * do_set_pte / set_pte_range; metadata fault_around=traced): which
	 * pages fault-around mapped is known, none of its window is "maybe".
	 */
	bool fault_around_traced;
	/*
	 * The CPU sets the Access flag in software (arm64 without FEAT_HAFDBS;
	 * metadata access_flag=software, which the recorder tries): every
	 * access through an old PTE is a traced fault (do_page_fault ->
	 * handle_mm_fault -> handle_pte_fault -> pte_mkyoung), so which PTEs
	 * madvise COLD/PAGEOUT/FREE find young is known where the replay saw
	 * them made.
	 */
	bool sw_access_flag;
	/*
	 * The recording shows MGLRU off (metadata lru_gen=none, or caps
	 * without LRU_GEN_CORE): no aging clears Access flags untraced
	 * (walk_pte_range(), lru_gen_look_around() call
	 * ptep_test_and_clear_young() with no flush), so a fault since the
	 * last madvise aging proves a PTE young at the next.
	 */
	bool lru_gen_off;
	/*
	 * The recording probed madvise_cold_or_pageout_pte_range()'s young
	 * branch (arm64, tlbr:age_young; metadata age_young=traced): each PTE
	 * madvise COLD/PAGEOUT found young, cleared and put in the gather's
	 * range is traced, and a PTE of the walk the probe did not show was
	 * not (unmap.c group_fn).
	 */
	bool age_young_traced;
	/*
	 * ... and its huge PMD's (tlbr:age_young_pmd; metadata
	 * age_young_pmd=traced, with age_young=traced): each huge PMD the walk
	 * found young is traced, and one it did not show was not aged
	 * (unmap.c huge_age_points)
	 */
	bool age_young_pmd_traced;
	/*
	 * madvise_free_pte_range()'s young-or-dirty branch is probed
	 * (tlbr:age_free; metadata age_free=traced): each PTE MADV_FREE
	 * cleaned and gathered is traced, and one it did not show was not
	 */
	bool age_free_traced;
	/*
	 * The recording shows DAMON on (metadata damon=on): its access checks
	 * clear Access flags untraced as MGLRU's aging does (paddr:
	 * damon_pa_mkold() -> damon_folio_mkold() -> rmap walk ->
	 * damon_ptep_mkold() -> ptep_clear_young_notify(), no flush): no
	 * fault proves a PTE young. A trace that shows kdamond.N switched in
	 * or out says so too, from then on (struct replay's kdamond_seen).
	 */
	bool damon_on;
	/*
	 * The recording traced reclaim's and migration's unmaps (metadata
	 * plan_missing without tlbr:unmap_one): a PTE the model has present
	 * is not gone unseen, but through lost events.
	 */
	bool unmaps_traced;
	/*
	 * fault_around_bytes as the recorder read it (metadata), 0 when the
	 * trace does not say: the default, 64 KiB (mm/memory.c)
	 */
	uint64_t fault_around_bytes;
	/*
	 * the traced x86 CPU has INVLPGB (metadata invlpgb=yes; the kernel
	 * lists the flag since Linux 6.15, which uses it): x86-ipi's IPIs
	 * are not comparable with the trace's on 4 or more CPUs
	 * (struct tlbr_x86_check, invlpgb)
	 */
	bool invlpgb;
	/*
	 * the trace declares sched:sched_wake_idle_without_ipi (a trace.dat or
	 * perf.data keeps the format of an event it enabled; trace-cmd extract
	 * keeps every format, so it counts only beside records of
	 * csd_queue_cpu, of the same plan: struct tlbr_x86_check,
	 * polled_recorded)
	 */
	bool polled_traced;
	/* called for every note when set (tlbreplay report) */
	void (*note)(void *ctx, const struct tlbr_note *n);
	void *note_ctx;
};

/**
 * tlbr_policy_parse - check a policy list without building a replay
 * @spec: "a,b+c" (NULL or empty: the default list)
 * @bad: on -EINVAL, the name that is unknown (or "(empty)")
 *
 * Returns the number of policies, or -EINVAL.
 */
int tlbr_policy_parse(const char *spec, char *bad, size_t badsize);

/**
 * tlbr_replay_new - a replay of the policies named in @o
 *
 * Returns 0 and sets *@ret (free it with tlbr_replay_free()); -EINVAL for a
 * list tlbr_policy_parse() refuses, -ENOMEM.
 */
int tlbr_replay_new(const struct tlbr_replay_opts *o, struct tlbr_replay **ret);
/* Feed one event; returns 0 or -ENOMEM. */
int tlbr_replay_event(struct tlbr_replay *r, const struct tlbr_event *ev);
/*
 * What the replay held until the next event (an x86 MADV_FREE's first
 * one-page flush: engine.c) is decided by @next and counted now: call
 * before a caller counting by event (a scope) moves on to @next; the next
 * tlbr_replay_event() does it otherwise. O(1) when nothing is held.
 */
void tlbr_replay_settle(struct tlbr_replay *r, const struct tlbr_event *next);
/* Finish the replay; the result stays valid until tlbr_replay_free(). */
const struct tlbr_replay_result *tlbr_replay_finish(struct tlbr_replay *r);
/*
 * The trace ended (no more events): what the end proves is counted (stale
 * read-only entries a flush removed before their CPU ran the mm again).
 * Call once before the last tlbr_replay_finish(); idempotent.
 */
void tlbr_replay_end(struct tlbr_replay *r);
/* The trace's census could not probe @n broadcast sites, @at (the checks say so). */
void tlbr_replay_census_unprobed(struct tlbr_replay *r, unsigned int n, const char *at);
void tlbr_replay_free(struct tlbr_replay *r);

/* The name of built-in policy @i, in help order; NULL past the last. */
const char *tlbr_policy_name(unsigned int i);
const char *tlbr_policy_summary(const char *name);

#endif /* TLBR_REPLAY_H */
