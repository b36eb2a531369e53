/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h - what a flush policy sees: the flush point put to it, the
 * decision it returns, and the queries the engine answers (view_*).
 *
 * A policy decides whom a flush point flushes; the engine applies the
 * decision to the policy's own TLB model, counts its cost and checks its
 * safety. A policy never sees the models themselves: the replay and the
 * policy are opaque here, and everything it may ask is a view_* query.
 */
#ifndef TLBR_POLICY_H
#define TLBR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlbr.h"
#include "tlbr-event.h"

struct replay;
struct policy;

/* A flush point put to the policies. */
struct flushreq {
	enum tlbr_site site;
	uint32_t mm;			/* 0: no user mm (kernel, batched reclaim, fresh mm) */
	int cpu;			/* the issuer */
	bool whole_mm;
	uint64_t start_vpn, end_vpn;	/* when !whole_mm */
	bool opaque;			/* range and mm unknown: policies replay the kernel */
	bool adds_only;			/* no access removed: permissions only added */
	/*
	 * every PTE the flush is for was invalid before (PROT_NONE or not
	 * present -> valid): pte_needs_flush() returns false on x86 and on
	 * arm64 since 6.18; a valid PTE whose permissions change (RO -> RW
	 * too) still needs the flush on both
	 */
	bool from_invalid;
	bool batched;			/* a reclaim/migration unmap that may be batched */
	/*
	 * flush_tlb_batched_pending of an mm the traced kernel marked (arm64
	 * 6.5+): arch_flush_tlb_batched_pending's flush_tlb_mm. A policy that
	 * batches reclaim itself makes this flush from its own mark instead
	 * (effects.c: tlbr_batch_sync).
	 */
	bool kernel_pending;
	/*
	 * a flush an arm64 kernel makes where the traced x86 kernel made none
	 * it shows: exit_mmap's (arm64 tlb_flush() of a fullmm gather that
	 * freed page tables: flush_tlb_mm(); x86's is lazy: engine.c)
	 */
	bool arm64_only;
	/*
	 * a flush the traced x86 kernel made where an arm64 kernel makes none:
	 * x86's flushes of exit_mmap's fullmm gather (tlb_flush_mmu while
	 * unmap_vmas fills the batch, tlb_finish_mmu); arm64's tlb_flush()
	 * returns for a fullmm gather unless page tables were freed, and that
	 * one flush is the arm64_only point at mmap:exit_mmap (engine.c).
	 * Policies other than x86's make nothing of it.
	 */
	bool x86_only;
	/*
	 * one VMA's flush of an munmap on a kernel without
	 * MMU_GATHER_MERGE_VMAS (arm64's tlb_end_vma): its leaf entries only;
	 * the page tables free_pgtables() frees later are tlb_finish_mmu's
	 * flush (engine.c)
	 */
	bool no_tables;
	/*
	 * the range is one block entry (a huge PMD): one TLBI by VA removes
	 * it (TLBI VALE1 takes any leaf entry holding the address), as
	 * flush_tlb_page(vma, haddr) from pmdp_set_access_flags() does
	 */
	bool block;
	/*
	 * a write fault's access/dirty update of writable-clean PTEs: without
	 * hardware DBM a clean PTE is read-only to the MMU (PTE_RDONLY), so the
	 * entries other CPUs hold are read-only, whatever the model's HELD_W
	 */
	bool hw_clean;
	/*
	 * the kernel flushes here only if something the trace cannot show
	 * was so (a PTE young at madvise COLD/PAGEOUT, a shared page dirty at
	 * a zap, a PMD huge at a split): put, and counted apart as uncertain
	 */
	bool maybe;
	unsigned int maybe_why;		/* ... why: TLBR_UNSURE_* bits (tlbr_unsure) */
	/*
	 * ... and no PTE's permission changes either way (an aging that
	 * makes PTEs old, COLD/PAGEOUT; a nested gather's whole-mm flush; a
	 * contpte unfold or fold, contpte_convert()):
	 * where the kernel did not flush, every CPU still holds what it held,
	 * and nothing it holds grants more than before: the point is decided
	 * and counted, and drops no entry (effects.c), so that no later flush
	 * is judged avoidable, nor a policy safe, for an entry only this
	 * point would have taken
	 */
	bool maybe_keeps;
	/*
	 * an x86 exit_mmap() flush ("remote IPI send" of a fullmm gather):
	 * x86 policies decide it only at its task's next record (flush.c,
	 * tlbr_teardown_settle), which tells whether another teardown flush of
	 * the same exit_mmap() follows (@teardown_more): then this one was
	 * unmap_vmas()'s, from tlb_flush_mmu() when the gather's batches filled
	 * (zap_pte_range()'s force_flush: tlb_next_batch() failed at
	 * MAX_GATHER_BATCH_COUNT, or with delayed rmaps), which frees no page
	 * table: tlb_flush_mmu_tlbonly() -> __tlb_reset_range() cleared
	 * freed_tables and free_pgtables() has not run yet. Only the last,
	 * tlb_finish_mmu()'s, frees them. The other policies decide at once.
	 */
	bool teardown_hold;
	bool teardown_more;
	enum tlbr_exec real;		/* what the traced kernel did */
	/*
	 * the traced x86 kernel flushed locally only (a "local mm shootdown"
	 * no "remote IPI send" preceded): flush_tlb_mm_range() found no other
	 * CPU in mm_cpumask(mm), and a CPU running the mm (or keeping it
	 * lazily) is in it, switch_mm_irqs_off() set the bit: no other CPU
	 * runs the mm now, whatever the trace showed of it (effects.c)
	 */
	bool mask_alone;
	const struct tlbr_event *ev;
	uint64_t ts_ns, pos;		/* of the event it comes from */
};

/*
 * D_DEFER: TLBI IS now, completed by a DSB at the batch's sync (batched reclaim).
 * D_MERGED: covered by the batch flush of the run it extends (uffd MOVE):
 * every CPU is flushed, no new flush is issued.
 */
enum dkind { D_NONE, D_LOCAL, D_BROADCAST, D_TARGETED, D_DEFER, D_MERGED };

struct decision {
	enum dkind kind;
	struct tlbr_cpuset targets;	/* D_TARGETED: remote CPUs interrupted */
	struct tlbr_cpuset deferred;	/* not running the mm: they flush before they load it
					 * again (x86's TLB generation check at switch_mm) */
	bool upgrade;			/* a dsb(ish) where dsb(ishst) was enough (active-cpu's
					 * speculative read said local) */
	bool table_sync;		/* hugetlb unshare: an IPI to every other CPU syncs
					 * GUP-fast (tlb_remove_table_sync_one) */
	const struct policy_ops *by;	/* the component that decided */
	bool vm_upgraded;		/* a local TLBI the VM (HCR_EL2.FB) made a broadcast: the
					 * kernel issued it without the errata workaround */
	int64_t merged_tlbis;		/* D_MERGED: what the page adds to its run's TLBIs */
};

struct policy_ops {
	const char *name;
	const char *summary;
	size_t state_size;
	/* Decide a flush point; false: not this policy's business (composition). */
	bool (*decide)(struct replay *r, struct policy *pl, const struct flushreq *q,
		       struct decision *d);
	/* Called when @cpu loads @mm. */
	void (*on_switch)(struct replay *r, struct policy *pl, int cpu, uint32_t mm);
	/* Called whenever a task runs on @cpu: @mm, or 0 for a kernel thread (lazy). */
	void (*on_run)(struct replay *r, struct policy *pl, int cpu, uint32_t mm);
	/* Called for every event, before the engine replays it. */
	void (*on_event)(struct replay *r, struct policy *pl, const struct tlbr_event *ev);
	/* Called once when the replay starts, and when it ends. */
	int (*init)(struct replay *r, struct policy *pl);
	void (*finish)(struct replay *r, struct policy *pl);
	/* Called at an ASID rollover: @kept are the mms that keep their ASID. */
	void (*on_rollover)(struct replay *r, struct policy *pl, const uint32_t *kept,
			    unsigned int nkept);
	void (*free_state)(void *state);
	bool x86;			/* flushes by IPI, not by TLBI: --env vm/errata do not apply */
	/*
	 * What flush_tlb_batched_pending() does when the mm has a reclaim batch
	 * pending (mm->tlb_flush_batched: pending != flushed), for a policy that
	 * defers: flush_tlb_mm() (the 2025 fix), a dsb(ish) of the calling CPU
	 * (Linux 6.5 to the fix: it completes only that CPU's TLBIs), or nothing
	 * (a broken variant).
	 */
	enum { PENDING_FLUSH_MM, PENDING_DSB, PENDING_NONE } pending_sync;
	bool lazy_mmu;			/* kernel PTE barriers batched at lazy MMU mode exit */
	/*
	 * Every user TLB flush, whoever decides it, and every local fix-up of a
	 * spurious fault runs inside migrate_disable()/migrate_enable()
	 * (active-cpu's flush_tlb_user_pre()).
	 */
	bool migrate_every_flush;
};

/* The state of component @ops in the (composed) policy @pl, NULL if not in it. O(components). */
void *tlbr_policy_state(struct policy *pl, const struct policy_ops *ops);

/*
 * Queries the engine answers (under the asking policy's own TLB model).
 */

/* Every CPU of the replay. O(1). */
struct tlbr_cpuset tlbr_view_all_cpus(struct replay *r);
/* A task of @mm runs on @cpu (not lazily). O(1). */
bool tlbr_view_running(struct replay *r, uint32_t mm, int cpu);
/* @cpu has @mm loaded, running it or lazily. O(1). */
bool tlbr_view_loaded(struct replay *r, uint32_t mm, int cpu);
/*
 * The CPUs that may hold a translation of the flush's range (with
 * @more_than_allowed_only: one granting more than the PTE now allows).
 * O(pages of the range the model knows x CPUs), stopping once every CPU
 * that ever loaded the mm is in.
 */
struct tlbr_cpuset tlbr_view_holders(struct replay *r, struct policy *pl, const struct flushreq *q,
				bool more_than_allowed_only);
/*
 * Of @cpus other than the issuer: those running the mm become IPI targets,
 * the others (lazy, or switched away) flush when they load it again. O(CPUs).
 */
void tlbr_decide_running(struct replay *r, const struct flushreq *q, const struct tlbr_cpuset *cpus,
		    struct decision *d);
/*
 * The syscall @task is in, as the seq it entered at: two flush points with
 * the same answer come from one syscall. false: no such task. O(1).
 */
bool tlbr_view_syscall_seq(struct replay *r, uint32_t task, uint64_t *ret_seq);
/* The TLBIs an arm64 flush_tlb_range() of @pages pages of an mm takes on the run's CPU. */
uint64_t tlbr_view_range_tlbis(struct replay *r, uint64_t pages);
/* The start of the VMA of the flush's first page; UINT64_MAX: unknown, or whole mm. O(log VMAs). */
uint64_t tlbr_view_vma_start(struct replay *r, const struct flushreq *q);

/*
 * The trace shows @mm's birth (fork or exec): its history is known. An
 * address space older than the trace may have run anywhere before. O(1).
 */
bool tlbr_view_mm_born(struct replay *r, uint32_t mm);
/*
 * @mm is older than the trace and @cpu has not been shown loading a user mm
 * (nor shown outside @mm's mask by an x86 kernel's flush): it may keep @mm
 * loaded there, lazily or running (replay-local.h: cpu_may_load_older());
 * ..._run_: and run a thread of it, no switch on @cpu having shown what
 * runs there yet.
 */
bool tlbr_view_may_load_older(struct replay *r, uint32_t mm, int cpu);
bool tlbr_view_may_run_older(struct replay *r, uint32_t mm, int cpu);
/* One mmu_gather of hugetlb PMD unshares: one task's, in one syscall (or exit), one VMA. */
struct unshare_gather {
	uint32_t task;
	uint64_t sys_seq;
	uint64_t vma_start;	/* UINT64_MAX: VMAs unknown */
	bool open;
};
/*
 * Does the unshare @q belong to the gather @g is? If not, @g becomes @q's
 * (a new gather). false, @g untouched, when @q has no task. O(log VMAs).
 */
bool tlbr_view_same_gather(struct replay *r, struct unshare_gather *g, const struct flushreq *q,
		      bool *same);
/* The number of CPUs of the replay. O(1). */
int tlbr_view_ncpus(struct replay *r);
/* The memory syscall the flush point's task is in (enum tlbr_syscall + 1), 0: none. O(1). */
int tlbr_view_syscall(struct replay *r);
/* ... of task @task (the trace's identity), for a policy's on_event(): 0 when none */
int tlbr_view_task_syscall(struct replay *r, uint32_t task);
/* The task the model runs on @cpu (the trace's identity; in on_run(), the one it starts). O(1). */
uint32_t tlbr_view_cpu_task(struct replay *r, int cpu);
/*
 * Does the flush free page tables (x86 flush_tlb_mm_range()'s freed_tables)?
 * The trace's flag; fork's and exit's flush_tlb_mm(); a munmap that leaves a
 * 2 MiB page-table page no VMA uses (free_pgtables()). O(VMAs).
 */
bool tlbr_view_frees_tables(struct replay *r, const struct flushreq *q);
/*
 * ... and, for a munmap in an address space born in the trace, not over a
 * 2 MiB range where the model has no record of a page ever mapped (no PTE
 * page there to free: pmd_none_or_clear_bad()). A best estimate for
 * x86-ipi's prediction, not a bound: a page mapped without a fault record
 * (get_user_pages()) is not known. O(VMAs + pages the model knows there).
 */
bool tlbr_view_frees_tables_seen(struct replay *r, const struct flushreq *q);
/*
 * ARM64_WORKAROUND_REPEAT_TLBI applies (--env errata): every TLBI is
 * repeated after a dsb(ish). O(1).
 */
bool tlbr_view_repeat_tlbi(struct replay *r);
/*
 * The CPUs that may have walked @mm's page tables and may cache them (walk
 * caches): every CPU that loaded it in the trace, every CPU when its
 * history is unknown (older than the trace, or threads the trace does not
 * show). O(CPUs).
 */
struct tlbr_cpuset tlbr_view_walkers(struct replay *r, uint32_t mm);
/*
 * Of those, the CPUs that may have @mm's page tables loaded now, running
 * it or lazily (a kernel thread or idle keeps the previous mm loaded:
 * enter_lazy_tlb()), and so may walk them at any time, speculatively too:
 * the CPUs the mm is loaded on, a CPU the trace has not shown loading a
 * user mm yet when @mm is older than the trace, every CPU when threads the
 * trace does not show may run it. The others flush before they load it
 * again. O(CPUs).
 */
struct tlbr_cpuset tlbr_view_walkers_now(struct replay *r, uint32_t mm);
/*
 * Is the traced flush a full one (TLB_FLUSH_ALL) in a syscall that gathers
 * its unmaps in an mmu_gather (munmap, mmap over, mremap, mprotect, a
 * zapping or aging madvise) over at most 33 pages, which
 * flush_tlb_mm_range() would flush page by page? Then it is flush_tlb_mm()
 * or a nested tlb_finish_mmu(). O(1).
 */
bool tlbr_view_short_full_flush(struct replay *r, const struct flushreq *q);
/*
 * Is the traced flush a full one in such a syscall, of any range, while
 * another task of the mm is inside one (its mmu_gather maybe in flight:
 * tlb_finish_mmu() then flushes the whole mm with freed_tables when
 * mm_tlb_flush_nested())? O(tasks) when the mm has more than one user,
 * else O(1).
 */
bool tlbr_view_gather_nested(struct replay *r, const struct flushreq *q);
/* The x86 self-check of the result, which the first x86-ipi policy fills. O(1). */
struct tlbr_x86_check *tlbr_view_x86_check(struct replay *r);

/* The built-in policies (replay/policies/). */
extern const struct policy_ops tlbr_policy_arm64_broadcast;
extern const struct policy_ops tlbr_policy_x86_ipi;
extern const struct policy_ops tlbr_policy_oracle;
extern const struct policy_ops tlbr_policy_local_only;
extern const struct policy_ops tlbr_policy_wp_local;
extern const struct policy_ops tlbr_policy_active_cpu;
extern const struct policy_ops tlbr_policy_pte_needs_flush;
extern const struct policy_ops tlbr_policy_batched_reclaim;
extern const struct policy_ops tlbr_policy_batched_reclaim_dsb;
extern const struct policy_ops tlbr_policy_batched_reclaim_nopending;
extern const struct policy_ops tlbr_policy_lazy_mmu;
extern const struct policy_ops tlbr_policy_uffd_move_batch;
extern const struct policy_ops tlbr_policy_hugetlb_unshare_gather;

#endif /* TLBR_POLICY_H */
