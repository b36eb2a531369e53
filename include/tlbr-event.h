/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tlbr-event.h - the normalised event stream: the one contract between
 * formats/ (readers and vocabulary adapters) and replay/.
 *
 * Every event carries a timestamp in nanoseconds of the trace's clock, the
 * CPU it happened on, the task (pid and a per-trace task identity that
 * distinguishes reused pids) and the address space (mm identity; 0 for
 * kernel threads and unknown). Events arrive in timestamp order.
 */
#ifndef TLBR_EVENT_H
#define TLBR_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "tlbr.h"

enum tlbr_ev_kind {
	TLBR_EV_SWITCH,		/* context switch: prev -> next on this CPU */
	TLBR_EV_MIGRATE,	/* scheduler moved a task between CPUs */
	TLBR_EV_FORK,		/* new task (process or thread) */
	TLBR_EV_EXEC,		/* task replaced its mm */
	TLBR_EV_EXIT,		/* task exited */
	TLBR_EV_TASK_FREE,	/* task struct freed: the pid may be reused */
	TLBR_EV_MM_TEARDOWN,	/* exit_mmap: the address space is torn down */
	TLBR_EV_FAULT,		/* user page fault */
	TLBR_EV_SYSCALL,	/* memory-management syscall entry, with arguments */
	TLBR_EV_SYSCALL_RET,	/* the same syscall's return, with arguments and result */
	TLBR_EV_FLUSH,		/* a TLB flush issued by the kernel (the unit policies decide) */
	TLBR_EV_FLUSH_IPI,	/* flush IPIs really sent for this CPU's current flush */
	TLBR_EV_FLUSH_REMOTE,	/* a CPU executed a flush requested by another CPU */
	TLBR_EV_MIGRATION,	/* page migration (migrate:* tracepoints) */
	TLBR_EV_LOST,		/* the tracer dropped events on this CPU */
	TLBR_EV_VMA,		/* a mapping that existed when recording started */
	TLBR_EV_RECLAIM_UNMAP,	/* reclaim or migration made a page non-present (try_to_unmap) */
	TLBR_EV_BATCH_SYNC,	/* a batch of deferred TLBIs completes */
	TLBR_EV_KMAP,		/* kernel mapping update: valid kernel PTEs written (vmalloc) */
	TLBR_EV_ASID_ROLLOVER,	/* arm64 ASID generation rolled over: every CPU flushes its
				 * TLB at its next switch_mm; mms not loaded get new ASIDs */
	TLBR_EV_TLBI,		/* arm64: a TLBI instruction the kernel executed (the census) */
	TLBR_EV_HUGE,		/* transparent huge page activity at PMD level */
	TLBR_EV_IPI_OTHER,	/* an IPI that is not a TLB shootdown (ipi: its targets) */
	TLBR_EV_PTE_MAP,	/* arm64: PTEs a fault made beyond its own (fault-around) */
	TLBR_EV_FLUSH_CSD,	/* x86: this CPU's current flush queued its CSD on a target
				 * (csd_queue_cpu, ipi.queued), or reached one polling in
				 * idle without an IPI (sched_wake_idle_without_ipi) */
	TLBR_EV_WAKE_LIST,	/* x86: a wakeup queued on a CPU's wake list (csd_queue_cpu of
				 * sched_ttwu_pending, ipi.targets, ipi.queued), the wakee
				 * named where its csd is known (ipi.wakee); or, on that
				 * CPU, its sched_ttwu_pending() entered for a named wakee
				 * (csd_function_entry): the wakee runs there */
	TLBR_EV__COUNT
};

/* Why the kernel flushed: policies decide per site (DESIGN.md). */
enum tlbr_site {
	TLBR_SITE_UNKNOWN,
	TLBR_SITE_WP_REUSE,	/* write fault reusing the page: RO -> RW upgrade */
	TLBR_SITE_COW,		/* COW break: ptep_clear_flush in wp_page_copy */
	TLBR_SITE_FAULT,	/* other fault-time flush (migration entry, NUMA hinting) */
	TLBR_SITE_MPROTECT,	/* mprotect / change_protection */
	TLBR_SITE_ZAP,		/* munmap, madvise, brk shrink: mmu_gather */
	TLBR_SITE_MREMAP,	/* mremap: move_ptes */
	TLBR_SITE_FORK,		/* fork write-protects private pages (dup_mmap) */
	TLBR_SITE_EXEC,		/* exec building the new mm */
	TLBR_SITE_EXIT,		/* exit / exit_group tearing down the mm */
	TLBR_SITE_RECLAIM,	/* reclaim or migration unmap (try_to_unmap / try_to_migrate) */
	TLBR_SITE_UFFD_MOVE,	/* userfaultfd MOVE */
	TLBR_SITE_HUGETLB_UNSHARE,	/* hugetlb PMD-table unshare */
	TLBR_SITE_KERNEL,	/* kernel range (vmalloc, vmap) */
	TLBR_SITE_SWITCH,	/* context switch: x86 switch_mm (pages 0: the ASID was up to date) */
	TLBR_SITE__COUNT
};

enum tlbr_scope {
	TLBR_SCOPE_PAGE,
	TLBR_SCOPE_RANGE,
	TLBR_SCOPE_MM,		/* the whole address space (x86: more than the ceiling) */
	TLBR_SCOPE_ALL,		/* everything, all address spaces */
};

/* What the traced kernel really did with a flush. */
enum tlbr_exec {
	TLBR_EXEC_LOCAL,	/* this CPU only */
	TLBR_EXEC_IPI,		/* x86: this CPU plus shootdown IPIs to other CPUs of the mm */
	TLBR_EXEC_BROADCAST,	/* arm64: TLBI inner-shareable */
	TLBR_EXEC_REMOTE,	/* only other CPUs (the mm was not loaded here) */
};

enum tlbr_syscall {
	TLBR_SYS_MMAP,
	TLBR_SYS_MUNMAP,
	TLBR_SYS_MPROTECT,
	TLBR_SYS_MADVISE,
	TLBR_SYS_MREMAP,
	TLBR_SYS_BRK,
	TLBR_SYS_CLONE,
	TLBR_SYS_CLONE3,
	TLBR_SYS_FORK,
	TLBR_SYS_VFORK,
	TLBR_SYS_EXECVE,
	TLBR_SYS_EXIT_GROUP,
	TLBR_SYS_IOCTL,		/* for UFFDIO_MOVE */
	TLBR_SYS__COUNT
};

/* x86 page-fault error code bits (arch/x86/include/asm/trap_pf.h). */
enum {
	TLBR_PF_PROT = 1 << 0,	/* the page was present: protection fault */
	TLBR_PF_WRITE = 1 << 1,
	TLBR_PF_USER = 1 << 2,
	TLBR_PF_RSVD = 1 << 3,
	TLBR_PF_INSTR = 1 << 4,
	TLBR_PF_PK = 1 << 5,
	TLBR_PF_SHSTK = 1 << 6,
};

/*
 * Why x86 flushed: tlb:tlb_flush's reason (enum tlb_flush_reason,
 * include/linux/mm_types.h), decoded by formats/adapt-x86.c.
 */
enum tlbr_x86_reason {
	TLBR_X86_NONE = -1,		/* not from tlb:tlb_flush (arm64, inferred) */
	TLBR_X86_TASK_SWITCH,		/* TLB_FLUSH_ON_TASK_SWITCH */
	TLBR_X86_REMOTE_SHOOTDOWN,	/* TLB_REMOTE_SHOOTDOWN */
	TLBR_X86_LOCAL_SHOOTDOWN,	/* TLB_LOCAL_SHOOTDOWN */
	TLBR_X86_LOCAL_MM_SHOOTDOWN,	/* TLB_LOCAL_MM_SHOOTDOWN */
	TLBR_X86_REMOTE_SEND_IPI,	/* TLB_REMOTE_SEND_IPI */
	TLBR_X86_REMOTE_WRONG_CPU,	/* TLB_REMOTE_WRONG_CPU */
	TLBR_X86_REASON__COUNT,
	TLBR_X86_OTHER = TLBR_X86_REASON__COUNT,	/* a reason this list does not know */
};

/* Flags of a flush event. */
enum {
	TLBR_FLUSH_SITE_INFERRED = 1 << 0,	/* site deduced from the task's context */
	TLBR_FLUSH_RANGE_INFERRED = 1 << 1,	/* start/end deduced from the syscall or fault */
	TLBR_FLUSH_FREES_TABLES = 1 << 2,	/* page tables are freed: walk caches too */
	TLBR_FLUSH_CONTPTE = 1 << 3,		/* a contpte block: at site wp-reuse the
						 * access/dirty update of its 16 PTEs (write bit
						 * unchanged: contpte_ptep_set_access_flags);
						 * elsewhere the block's break-before-make
						 * (contpte_convert) */
	TLBR_FLUSH_UNSHARE_LAST = 1 << 4,	/* hugetlb unshare that left the PMD table
						 * exclusive to its other user (the last sharer) */
	TLBR_FLUSH_PRESENT_ONLY = 1 << 5,	/* an mmu_gather zap of [start, end) in one VMA
						 * (unmap_page_range): every PTE there is cleared,
						 * and tlb_end_vma flushes only what was present */
	TLBR_FLUSH_MOVE = 1 << 6,		/* move_page_tables moved [start, end) to
						 * move_to; move_ptes flushes the old range per
						 * page-table chunk that had present entries */
	TLBR_FLUSH_COLLAPSE = 1 << 7,		/* khugepaged's pmdp_collapse_flush: the 2 MiB
						 * [start, end) of the event's mm, not its
						 * task's, before the huge PMD goes in */
	TLBR_FLUSH_SPLIT = 1 << 8,		/* __split_huge_pmd of the 2 MiB [start, end):
						 * it flushes (pmdp_invalidate) only when the PMD
						 * there is huge, which its caller may not have
						 * checked (split_huge_pmd_address) */
	TLBR_FLUSH_COUNTED = 1 << 10,		/* change_protection in mprotect: pages is
						 * how many PTEs of [start, end) it changed
						 * (chprot_r), each present one; 0: none, and
						 * no flush (the event says only that) */
	TLBR_FLUSH_NESTED = 1 << 9,		/* tlb_finish_mmu of a gather another task's
						 * overlapped (mm_tlb_flush_nested): the whole
						 * mm, besides what the gather itself flushed */
	TLBR_FLUSH_NESTED_MAYBE = 1 << 11,	/* with NESTED: another task's gather may
						 * still have been pending (its tlb_finish_mmu
						 * past its probe, before its next record) */
	TLBR_FLUSH_PMD_HUGE = 1 << 12,		/* with SPLIT: the recording read the PMD at
						 * the call, a present huge one: it flushes */
	TLBR_FLUSH_PMD_TABLE = 1 << 13,		/* with SPLIT: ... none or a page table: the
						 * call splits nothing and does not flush */
};

/*
 * The page the model counts in: 4 KiB, the base page of x86 and of the
 * arm64 kernels tlbreplay records (4K granule). Addresses, ranges and page
 * counts in the stream are in bytes and in these pages.
 */
#define TLBR_PAGE_SHIFT 12
#define TLBR_PAGE_SIZE (1ULL << TLBR_PAGE_SHIFT)
#define TLBR_PAGE_MASK (~(TLBR_PAGE_SIZE - 1))
#define TLBR_PAGE_ALIGN(x) (((x) + TLBR_PAGE_SIZE - 1) & TLBR_PAGE_MASK)	/* up */
#define TLBR_PAGES_UP(x) (((x) + TLBR_PAGE_SIZE - 1) >> TLBR_PAGE_SHIFT)	/* pfn past @x */

#define TLBR_PAGES_ALL UINT64_MAX	/* a full flush (x86 TLB_FLUSH_ALL) */
#define TLBR_UFFDIO_MOVE 0xc028aa05ULL	/* _IOWR(0xAA, 0x05, struct uffdio_move) */

/*
 * The memory syscalls' arguments as the kernel's uapi defines them
 * (include/uapi/asm-generic/mman-common.h, linux/mman.h; the same values on
 * x86 and arm64): the one place replay/ and formats/ take them from.
 */
enum {
	TLBR_PROT_READ = 0x1,
	TLBR_PROT_WRITE = 0x2,
	TLBR_PROT_EXEC = 0x4,
};

enum {
	TLBR_MAP_SHARED = 0x01,
	TLBR_MAP_FIXED = 0x10,
	TLBR_MAP_ANONYMOUS = 0x20,
	TLBR_MAP_LOCKED = 0x2000,	/* asm-generic/mman.h (x86, arm64) */
	TLBR_MAP_POPULATE = 0x8000,
};

enum {
	TLBR_MREMAP_MAYMOVE = 1,
	TLBR_MREMAP_FIXED = 2,
	TLBR_MREMAP_DONTUNMAP = 4,
};

enum tlbr_madvise {
	TLBR_MADV_DONTNEED = 4,
	TLBR_MADV_FREE = 8,
	TLBR_MADV_REMOVE = 9,
	TLBR_MADV_COLD = 20,
	TLBR_MADV_PAGEOUT = 21,
	TLBR_MADV_POPULATE_READ = 22,
	TLBR_MADV_POPULATE_WRITE = 23,
	TLBR_MADV_DONTNEED_LOCKED = 24,
};

/* madvise advice that zaps the range (mmu_gather): DONTNEED, REMOVE, DONTNEED_LOCKED. */
static inline bool tlbr_madvise_zaps(uint64_t advice)
{
	return advice == TLBR_MADV_DONTNEED || advice == TLBR_MADV_REMOVE ||
	       advice == TLBR_MADV_DONTNEED_LOCKED;
}

/* madvise advice that only ages or cleans present pages (and flushes them). */
static inline bool tlbr_madvise_ages(uint64_t advice)
{
	return advice == TLBR_MADV_FREE || advice == TLBR_MADV_COLD || advice == TLBR_MADV_PAGEOUT;
}

/* A syscall's return value is an error: -MAX_ERRNO..-1 (include/linux/err.h). */
#define TLBR_MAX_ERRNO 4095
static inline bool tlbr_syscall_failed(int64_t ret)
{
	return ret < 0 && ret >= -TLBR_MAX_ERRNO;
}

struct tlbr_ev_switch {
	int prev_pid, next_pid;
	uint32_t prev_task, next_task;
	uint32_t prev_mm, next_mm;
	int64_t prev_state;
	bool inferred;		/* not traced: a wakeup onto an idle CPU (see adapt.c) */
	bool kdamond;		/* prev or next is DAMON's kdamond.N (comm "kdamond...") */
};

/*
 * Switches that do not chain (on a CPU, a traced switch away from a task
 * other than the one the CPU's previous traced switch put there, neither
 * the idle task, no lost events between) mean tasks the trace leaves out
 * ran there. A system-wide recording has a few, all losing sight of the
 * same one to three tasks (this project's x86 VMs never trace the switch
 * away from a host agent's threads: at most 1% of the switches on the
 * corpus, in bursts of up to 8 in 160 switches); a pid-filtered one
 * (set_event_pid, trace-cmd record -P, perf -p) keeps only the switches of
 * its tasks and breaks the chain at every other run of two unfiltered
 * tasks, whichever they are (46% on the helper-munmap scenario recorded
 * with a filter). The trace counts as filtered from the point where at
 * least 8 switches broke the chain, they are more than 5% of the switches
 * so far, and they lost sight of at least 4 different tasks: the one rule
 * stat's readiness and the replay both follow.
 */
static inline bool tlbr_switch_chain_filtered(uint64_t breaks, uint64_t switches,
					      uint64_t tasks)
{
	return breaks >= 8 && breaks * 20 > switches && tasks >= 4;
}

struct tlbr_ev_migrate {
	int pid, from_cpu, to_cpu;	/* from_cpu -1: a new task placed (sched_wakeup_new) */
	uint32_t task;
	/*
	 * the record shows the trace follows the task: a recording of every
	 * task (tlbreplay record's marker), or the task's own record; not a
	 * migration another task's record shows in a recording that may be
	 * pid-filtered (try_to_wake_up()'s set_task_cpu() in a followed waker)
	 */
	bool shows;
};

struct tlbr_ev_fork {
	int parent_pid, child_pid;
	uint32_t child_task, child_mm;
	uint64_t clone_flags;
	bool flags_known;	/* clone flags came from task:task_newtask */
	bool thread;		/* CLONE_THREAD */
	bool shares_mm;		/* CLONE_VM: the child runs in the parent's mm */
};

struct tlbr_ev_exec {
	uint32_t old_mm, new_mm;
};

struct tlbr_ev_exit {
	bool group_dead;
};

struct tlbr_ev_fault {
	uint64_t addr, ip, error_code;
	bool prot_unknown;	/* arm64 handle_mm_fault: whether the page was present is not said */
};

struct tlbr_ev_reclaim {
	uint64_t addr;		/* the page; ev.mm is the address space it belongs to */
	/*
	 * arm64 6.5+: the kernel batched this PTE's flush
	 * (set_tlb_ubc_flush_pending: TLBI now, DSB at try_to_unmap_flush) and
	 * marked the address space (mm->tlb_flush_batched)
	 */
	bool kernel_batched;
	/*
	 * try_to_migrate_one: a migration entry that remove_migration_ptes
	 * puts back as a present PTE (a folio split, NUMA balancing,
	 * compaction): flushed, not dropped
	 */
	bool keeps_pte;
};

enum tlbr_sync_kind {
	TLBR_SYNC_COMPLETE,	/* try_to_unmap_flush on the CPU that issued the batch */
	TLBR_SYNC_PENDING,	/* flush_tlb_batched_pending before mprotect/munmap/madvise */
	/*
	 * set_tlb_ubc_flush_pending marked the mm for a page whose unmap is
	 * already an event (try_to_unmap_one's own page)
	 */
	TLBR_SYNC_MARK,
};

/* What arch_flush_tlb_batched_pending does on the traced kernel (arm64). */
enum tlbr_pend_how {
	TLBR_PEND_UNKNOWN,	/* no census: flush_tlb_mm or a DSB */
	TLBR_PEND_DSB,		/* 6.5 to the 2025 fix: dsb(ish), no TLBI */
	TLBR_PEND_FLUSH_MM,	/* the 2025 fix: flush_tlb_mm (the census has its TLBI) */
};

struct tlbr_ev_kmap {
	uint64_t start;
	uint64_t pages;		/* kernel PTEs written */
};

struct tlbr_ev_sync {
	enum tlbr_sync_kind kind;
	enum tlbr_pend_how how;	/* PENDING */
};

struct tlbr_ev_tlbi {
	unsigned int census;	/* the site's number in the recording's census */
	bool broadcast;		/* inner/outer shareable: reaches every CPU */
	bool continues;		/* the previous event on this CPU was a TLBI of the same
				 * function: one flush operation */
	enum tlbr_site site;	/* the flush site it belongs to (function probe or function) */
	const char *op;		/* "vae1is", ...; owned by the adapter */
	const char *function;	/* the kernel function holding it; owned by the adapter */
	uint64_t operand;	/* the register (ASID in bits 63:48), when recorded */
	bool has_operand;
};

struct tlbr_ev_syscall {
	enum tlbr_syscall nr;
	/*
	 * The arguments in the order of the syscall's sys_enter tracepoint
	 * (formats/vocab.c; tests/unit/test-vocab.c checks the names): args[]
	 * raw, or by name through the view of @nr.
	 */
	union {
		uint64_t args[6];
		/* prot: TLBR_PROT_*, flags: TLBR_MAP_* */
		struct { uint64_t addr, len, prot, flags, fd, off; } mmap;
		struct { uint64_t addr, len; } munmap;
		struct { uint64_t start, len, prot; } mprotect;
		struct { uint64_t start, len, advice; } madvise;	/* enum tlbr_madvise */
		/* flags: TLBR_MREMAP_* */
		struct { uint64_t addr, old_len, new_len, flags, new_addr; } mremap;
		struct { uint64_t brk; } brk;
		struct { uint64_t flags; } clone;	/* CLONE_* */
		struct { uint64_t fd, cmd, arg; } ioctl;	/* cmd TLBR_UFFDIO_MOVE */
	};
	int64_t ret;		/* TLBR_EV_SYSCALL_RET only */
	uint64_t enter_ns;	/* TLBR_EV_SYSCALL_RET: when it entered, 0 if unseen */
	bool args_known;	/* TLBR_EV_SYSCALL_RET: the entry was seen */
};

struct tlbr_ev_flush {
	enum tlbr_site site;
	enum tlbr_scope scope;
	enum tlbr_exec exec;
	uint32_t flags;
	uint64_t start, end;	/* [start, end) when known, else 0, 0 */
	uint64_t pages;		/* as traced; TLBR_PAGES_ALL for a full flush */
	enum tlbr_x86_reason x86_reason;	/* TLBR_X86_NONE if not from tlb:tlb_flush */
	uint64_t move_to;	/* TLBR_FLUSH_MOVE: where start moved to, 0 unknown */
};

struct tlbr_ev_flush_ipi {
	struct tlbr_cpuset targets;
	bool inferred;		/* recognised by the shootdown in progress, not by its callback */
	/*
	 * TLBR_EV_FLUSH_CSD: the CSD queued (csd_queue_cpu), not how it was
	 * delivered; else delivered without an IPI (sched_wake_idle_without_ipi),
	 * @inferred: by context only (no csd_queue_cpu before it)
	 */
	bool queued;
	/*
	 * TLBR_EV_WAKE_LIST: the wakee its csd names (the wakee's
	 * &p->wake_entry, learnt from an earlier sched_ttwu_pending()'s
	 * sched_wakeup), and its mm; 0, 0 unknown
	 */
	uint32_t wakee, wakee_mm;
};

struct tlbr_ev_flush_remote {
	uint64_t pages;
	bool wrong_cpu;		/* the target had switched away from the mm */
};

enum tlbr_migration_kind {
	TLBR_MIGR_START,	/* migrate:mm_migrate_pages_start */
	TLBR_MIGR_DONE,		/* migrate:mm_migrate_pages */
	TLBR_MIGR_SET_PTE,	/* migrate:set_migration_pte */
	TLBR_MIGR_REMOVE_PTE,	/* migrate:remove_migration_pte */
};

struct tlbr_ev_migration {
	enum tlbr_migration_kind kind;
	uint64_t addr;
};

struct tlbr_ev_vma {
	uint64_t start, end;
	uint32_t prot;		/* TLBR_PROT_* */
	bool shared;
	bool anon;
};

enum tlbr_huge_kind {
	TLBR_HUGE_FAULT,	/* a huge page mapped by one PMD (do_huge_pmd_anonymous_page) */
	TLBR_HUGE_WP,		/* a write fault on a huge PMD (do_huge_pmd_wp_page) */
	TLBR_HUGE_SPLIT,	/* a huge PMD split into a page table (__split_huge_pmd) */
	TLBR_HUGE_COLLAPSE,	/* khugepaged collapses a page table into a huge PMD */
	/*
	 * PTEs put back mapping pages of an anonymous folio, not the shared
	 * zero page (folio_add_anon_rmap_ptes: a split's remove_migration_pte)
	 */
	TLBR_HUGE_REMAP,
	/*
	 * not a huge page: PTEs madvise COLD/PAGEOUT found young, made old and
	 * put in the gather's range (arm64 tlbr:age_young, in
	 * madvise_cold_or_pageout_pte_range()'s young branch): nr pages from at
	 */
	TLBR_HUGE_AGED,
	/*
	 * a huge PMD madvise COLD/PAGEOUT found young, made old and put in
	 * the gather's range (arm64 tlbr:age_young_pmd: the walk's `if
	 * (pmd_young(orig_pmd))` branch): the 512 pages from addr
	 */
	TLBR_HUGE_AGED_PMD,
};

struct tlbr_ev_huge {
	enum tlbr_huge_kind kind;
	uint64_t addr;		/* the 2 MiB-aligned address the PMD maps */
	uint64_t at;		/* the faulting address (fault, write fault), 0 unknown;
				 * a remap's first page */
	uint32_t nr;		/* a remap: its pages from at */
	/*
	 * a fault: 0 at its entry (the replay judges from the VMAs whether it
	 * maps a huge page), 1 its return mapped one, -1 it fell back to PTEs
	 */
	int outcome;
	/* a split: of the folio too (split_huge_page: try_to_migrate_one's) */
	bool folio;
	/*
	 * a fault (outcome 1) told by the huge page's allocation (x86:
	 * kmem:mm_page_alloc of order 9 in the fault): a new huge page, never
	 * the huge zero page, mapped where the VMA is anonymous and private
	 */
	bool alloc;
};

/*
 * PTEs a fault made for pages other than its own, as the kernel reports them
 * (arm64 record: do_set_pte, 6.6 on set_pte_range): fault-around's
 * (do_fault_around -> filemap_map_pages), and a large folio's that 6.12's
 * finish_fault maps whole; the fault's own page among them is the fault's
 */
struct tlbr_ev_pte_map {
	uint64_t addr;		/* the first page */
	uint64_t pages;		/* how many, from addr on */
};

struct tlbr_ev_lost {
	uint64_t count;		/* UINT64_MAX when the tracer did not say how many */
};

struct tlbr_event {
	enum tlbr_ev_kind kind;
	uint64_t ts_ns;
	int cpu;
	int pid, tgid;
	uint32_t task;		/* identity of (pid, birth) in this trace */
	uint32_t mm;		/* address-space identity; 0: none or unknown */
	uint64_t pos;		/* where the source record is: byte offset in the file */
	union {
		struct tlbr_ev_switch sw;
		struct tlbr_ev_migrate migrate;
		struct tlbr_ev_fork fork;
		struct tlbr_ev_exec exec;
		struct tlbr_ev_exit exit;
		struct tlbr_ev_fault fault;
		struct tlbr_ev_syscall sys;
		struct tlbr_ev_flush flush;
		struct tlbr_ev_flush_ipi ipi;
		struct tlbr_ev_flush_remote remote;
		struct tlbr_ev_migration migration;
		struct tlbr_ev_lost lost;
		struct tlbr_ev_vma vma;
		struct tlbr_ev_reclaim reclaim;
		struct tlbr_ev_sync sync;
		struct tlbr_ev_kmap kmap;
		struct tlbr_ev_tlbi tlbi;
		struct tlbr_ev_huge huge;
		struct tlbr_ev_pte_map pte_map;
	};
};

const char *tlbr_ev_kind_name(enum tlbr_ev_kind kind);
const char *tlbr_site_name(enum tlbr_site site);
const char *tlbr_syscall_name(enum tlbr_syscall nr);
const char *tlbr_scope_name(enum tlbr_scope scope);
const char *tlbr_exec_name(enum tlbr_exec exec);
const char *tlbr_x86_reason_name(enum tlbr_x86_reason reason);

/* An mprotect's count of no PTE changed: an event that is no flush (TLBR_FLUSH_COUNTED). */
static inline bool tlbr_flush_counted_none(const struct tlbr_event *ev)
{
	return ev->kind == TLBR_EV_FLUSH && (ev->flush.flags & TLBR_FLUSH_COUNTED) && !ev->flush.pages;
}

/*
 * Whether an arm64 kernel runs with LPA2 (52-bit physical addresses on 4
 * KiB pages, TCR_EL1.DS): an arm64 trace's user PTEs say (the adapter's
 * tlbr_adapter_lpa2()), what-if --arm64-lpa2 for an x86 trace's prediction
 */
enum { TLBR_LPA2_UNKNOWN, TLBR_LPA2_OFF, TLBR_LPA2_ON };

/*
 * Whether anything on an arm64 machine clears Access flags with no event
 * to trace: MGLRU's aging (lru_gen on: walk_pte_range(),
 * lru_gen_look_around()), DAMON's access checks (damon_ptep_mkold()).
 * TLBR_AGING_NONE: neither (an arm64 trace's metadata: lru_gen off, damon
 * not on, no kdamond seen), so a fault since the last madvise aging proves
 * a PTE young; what-if --arm64-aging for an x86 trace's prediction.
 */
enum { TLBR_AGING_UNKNOWN, TLBR_AGING_NONE };

#endif /* TLBR_EVENT_H */
