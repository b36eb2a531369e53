// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vocab.c - the one list of raw events: the fields tlbreplay's adapters read,
 * what replay needs of each and what it loses without it.
 *
 * Field names are the tracepoint format's names; both readers look them
 * up by name (trace.dat through the format, text by "name=" / "name:").
 */
#include <string.h>

#include "formats.h"

#define N TLBR_F_NUM
#define S TLBR_F_STR
#define Y TLBR_F_SYM
#define M TLBR_F_CPUMASK
#define X TLBR_F_HEX
#define F TLBR_F_FLAGS

/* What a row's need means and on which machines the plan enables it. */
#define R TLBR_NEED_REQUIRED
#define C TLBR_NEED_RECOMMENDED
#define O TLBR_NEED_OPTIONAL
#define NONE TLBR_NEED_NOT_RECORDED
#define ANY NULL
#define X86 "x86_64"
#define A64 "aarch64"

#define EV(sys, nm, rid, nd, ar, wo, n, ...) \
	{ sys, nm, rid, -1, nd, ar, wo, n, { __VA_ARGS__ } }
#define SYS_ENTER(nm, nr, nd, wo, n, ...) \
	{ "syscalls", "sys_enter_" nm, TLBR_RAW_SYS_ENTER, nr, nd, ANY, wo, n, { __VA_ARGS__ } }
#define SYS_EXIT(nm, nr, nd) \
	{ "syscalls", "sys_exit_" nm, TLBR_RAW_SYS_EXIT, nr, nd, ANY, \
	  (nd) == NONE ? NULL : "as above", 1, { { "ret", N } } }
#define SYSCALL(nm, nr, nd, wo, n, ...) \
	SYS_ENTER(nm, nr, nd, wo, n, __VA_ARGS__), SYS_EXIT(nm, nr, nd)

/*
 * The one list of events: what each means to the adapters (its fields), what
 * replay needs of it and what replay loses without it. Record's plan
 * (record/plan.c) enables the rows with a need, in this order, on the rows'
 * architecture; stat's readiness (analysis/stat.c) judges a trace by the
 * same needs. NONE rows are read when a trace has them and never enabled.
 */
static const struct tlbr_evdef vocab[] = {
	EV("sched", "sched_switch", TLBR_RAW_SCHED_SWITCH, R, ANY,
	   "CPU residency unknown: no TLB model",
	   5,
	   { "prev_comm", S }, { "prev_pid", N }, { "prev_state", N },
	   { "next_comm", S }, { "next_pid", N }),
	EV("exceptions", "page_fault_user", TLBR_RAW_PAGE_FAULT_USER, R, X86,
	   "page presence unknown: no translations to model",
	   3,
	   { "address", N }, { "ip", N }, { "error_code", N }),
	/*
	 * x86's faults of kernel mode (exc_page_fault -> trace_page_fault_entries:
	 * page_fault_kernel when !user_mode(regs)), read for those on user
	 * addresses: copy_to_user, put_user (schedule_tail's CLONE_CHILD_SETTID,
	 * rseq) writing a page fork write-protected, which the kernel copies
	 * (x86 flushes: a COW) or reuses (x86 does not flush, arm64 does)
	 */
	EV("exceptions", "page_fault_kernel", TLBR_RAW_PAGE_FAULT_KERNEL, O, X86,
	   "the kernel's write faults on user pages are not seen: the reuses they "
	   "make (wp_page_reuse: arm64 flushes, x86 does not) are not predicted, and "
	   "their COW copies are told by context only",
	   3,
	   /* printed "address=%ps ip=%ps": in text a kernel address is a symbol */
	   { "address", Y }, { "ip", Y }, { "error_code", N }),
	/*
	 * x86 shows a transparent huge page as one fault: its allocation says
	 * it is one (do_huge_pmd_anonymous_page -> vma_alloc_folio(gfp,
	 * HPAGE_PMD_ORDER) -> __alloc_pages: trace_mm_page_alloc, also when
	 * it failed: pfn -1), in the faulting task right after its fault
	 * (adapt-x86.c); record filters it on the PMD order, 9 on x86-64's 4
	 * KiB pages, so it costs one record a huge page
	 */
	{ "kmem", "mm_page_alloc", TLBR_RAW_PAGE_ALLOC, -1, O, X86,
	  "huge pages mapped at fault are not seen: the model knows only the "
	  "faulting page of each (the other 511 are not modelled)",
	  3, { { "pfn", N }, { "order", N }, { "gfp_flags", F } }, "order == 9" },
	EV("tlb", "tlb_flush", TLBR_RAW_TLB_FLUSH, R, X86,
	   "no flushes to replay",
	   2, { "reason", N }, { "pages", N }),
	EV("tlbr", "fault", TLBR_RAW_A64_FAULT, R, A64,
	   "page presence unknown: no translations to model",
	   3, { "addr", N }, { "flags", N }, { "mm", N }),
	EV("tlbr", "set_access", TLBR_RAW_A64_SET_ACCESS, R, A64,
	   "write-fault reuses (seed 000) are not seen",
	   4,
	   { "addr", N }, { "dirty", N }, { "mm", N }, { "cont", N, true }),
	EV("tlbr", "set_access_r", TLBR_RAW_A64_SET_ACCESS_RET, R, A64,
	   "as set_access: whether the PTE changed",
	   1, { "changed", N }),
	EV("tlbr", "clear_flush", TLBR_RAW_A64_CLEAR_FLUSH, R, A64,
	   "COW and migration flushes are not seen",
	   2, { "addr", N }, { "mm", N }),
	EV("tlbr", "zap_vma", TLBR_RAW_A64_ZAP_VMA, C, A64,
	   "which VMAs munmap, madvise and mremap zap is not seen: their "
	   "flushes are counted per VMA the replay knows",
	   4, { "mm", N }, { "start", N }, { "end", N },
	   { "fullmm", N, true }),
	EV("tlbr", "gather_flush", TLBR_RAW_A64_GATHER_FLUSH, R, A64,
	   "munmap, madvise and exit flushes are not seen",
	   5, { "mm", N }, { "start", N },
	   { "end", N }, { "fullmm", N }, { "freed_tables", N, true }),
	EV("tlbr", "gather_end", TLBR_RAW_A64_GATHER_END, R, A64,
	   "the last flush of munmap, madvise and exit gathers is not "
	   "seen where tlb_flush_mmu is inlined",
	   5, { "mm", N }, { "start", N },
	   { "end", N }, { "fullmm", N }, { "freed_tables", N, true }),
	EV("tlbr", "gather_begin", TLBR_RAW_A64_GATHER_BEGIN, O, A64,
	   "whether another task's gather was open at a tlb_finish_mmu "
	   "(mm_tlb_flush_nested: its whole-mm flush) is judged from zap_vma "
	   "to the next record after tlb_finish_mmu, uncertain where that "
	   "task was switched out between",
	   1, { "mm", N }),
	EV("tlbr", "gather_end_r", TLBR_RAW_A64_GATHER_END_RET, O, A64,
	   "as gather_begin",
	   0),
	EV("tlbr", "chprot", TLBR_RAW_A64_CHPROT, C, A64,
	   "mprotect and NUMA-hinting flushes are not seen",
	   2, { "start", N }, { "end", N }),
	EV("tlbr", "chprot_r", TLBR_RAW_A64_CHPROT_RET, C, A64,
	   "as chprot: the pages it changed",
	   1, { "pages", N }),
	EV("tlbr", "fork_mm", TLBR_RAW_A64_FORK_MM, C, A64,
	   "fork's flush of the parent is not seen",
	   1, { "oldmm", N, true }),
	EV("tlbr", "move_pt", TLBR_RAW_A64_MOVE_PT, C, A64,
	   "page-table moves (exec's stack, mremap) and their flushes are "
	   "not seen",
	   3, { "addr", N }, { "len", N },
	   { "new", N, true }),
	EV("tlbr", "move_pt_r", TLBR_RAW_A64_MOVE_PT_RET, C, A64,
	   "as move_pt: how much moved",
	   1, { "moved", N }),
	EV("tlbr", "unmap_one", TLBR_RAW_A64_UNMAP_ONE, O, A64,
	   "reclaim unmaps (seed 002) are not seen",
	   2, { "addr", N }, { "mm", N }),
	EV("tlbr", "migrate_one", TLBR_RAW_A64_MIGRATE_ONE, O, A64,
	   "migration unmaps (a folio split, NUMA balancing, compaction) "
	   "with a batched flush are taken for reclaim's: their pages are "
	   "dropped instead of kept",
	   2, { "addr", N }, { "mm", N }),
	EV("tlbr", "ubc_pending", TLBR_RAW_A64_UBC_PENDING, O, A64,
	   "the PTEs reclaim and migration unmap with a batched flush "
	   "(6.5 and later) are not seen: their flushes, and the mark that "
	   "makes flush_tlb_batched_pending flush the address space, are "
	   "missing",
	   3, { "mm", N }, { "addr", N }, { "pte", N, true }),
	EV("tlbr", "unmap_flush", TLBR_RAW_A64_UNMAP_FLUSH, O, A64,
	   "batched reclaim flushes are not completed",
	   0),
	EV("tlbr", "batch_pend", TLBR_RAW_A64_BATCH_PENDING, O, A64,
	   "flush_tlb_batched_pending (seed 002) is not seen",
	   1, { "mm", N }),
	EV("tlbr", "pmd_unshare", TLBR_RAW_A64_PMD_UNSHARE, O, A64,
	   "hugetlb PMD unsharing (seed 004) is not seen",
	   3,
	   { "addr", N }, { "mm", N }, { "shares", N }),
	EV("tlbr", "asid_roll", TLBR_RAW_A64_ASID_ROLLOVER, O, A64,
	   "ASID rollovers are not seen: active-cpu is not reset",
	   0),
	EV("tlbr", "contpte", TLBR_RAW_A64_CONTPTE, O, A64,
	   "contpte blocks folded or unfolded are not seen: their 16-page "
	   "flushes are missing (6.9 and later)",
	   2, { "addr", N }, { "mm", N }),
	/* move_pages: UFFDIO_MOVE, as ioctl is not recorded (it is frequent) */
	EV("tlbr", "uffd_move", TLBR_RAW_A64_UFFD_MOVE, O, A64,
	   "UFFDIO_MOVE's flushes are not told apart (seed 004; 6.8 and later)",
	   0),
	EV("tlbr", "uffd_move_r", TLBR_RAW_A64_UFFD_MOVE_RET, O, A64,
	   "as above",
	   1, { "ret", N }),
	/* do_madvise: advice not given by the madvise syscall (process_madvise) */
	EV("tlbr", "madv", TLBR_RAW_A64_MADVISE, O, A64,
	   "advice given by process_madvise (or io_uring) is not seen: the "
	   "pages COLD and PAGEOUT age there are flushes nothing predicts",
	   4, { "mm", N }, { "start", N }, { "len", N }, { "advice", N }),
	EV("tlbr", "madv_r", TLBR_RAW_A64_MADVISE_RET, O, A64,
	   "as above",
	   1, { "ret", N }),
	EV("tlbr", "map_ptes", TLBR_RAW_A64_MAP_PTES, O, A64,
	   "which pages fault-around mapped is not seen: each page of its "
	   "window may be mapped (the flushes only they would cause uncertain)",
	   3, { "addr", N }, { "nr", N, true }, { "mm", N }),
	EV("tlbr", "thp_fault", TLBR_RAW_A64_THP, O, A64,
	   "huge pages mapped at fault are not seen: the model misses "
	   "their 512 pages",
	   2, { "addr", N }, { "mm", N }),
	EV("tlbr", "thp_fault_r", TLBR_RAW_A64_THP_RET, O, A64,
	   "whether a huge fault mapped a huge page or fell back to "
	   "pages is judged from the VMAs the replay knows",
	   1, { "ret", N }),
	EV("tlbr", "thp_wp", TLBR_RAW_A64_THP, O, A64,
	   "write faults on huge pages (COW, reuse) are not seen",
	   2, { "addr", N }, { "mm", N }),
	EV("tlbr", "thp_split", TLBR_RAW_A64_THP, O, A64,
	   "huge-page splits are not seen",
	   3, { "addr", N }, { "mm", N }, { "pmd", N, true }),
	EV("tlbr", "rmap_add", TLBR_RAW_A64_RMAP_ADD, O, A64,
	   "which subpages a 6.12 folio split put back as folios, not as the "
	   "shared zero page, is not seen: agings of them stay uncertain",
	   3, { "addr", N }, { "nr", N }, { "mm", N }),
	/*
	 * an instruction probe the recorder places itself (record/census.c:
	 * tlbr_age_find), not a plan item: madvise_cold_or_pageout_pte_range's
	 * young branch, at its tlb_remove_tlb_entries() range update
	 */
	EV("tlbr", "age_young", TLBR_RAW_A64_AGE_YOUNG, NONE, A64, NULL,
	   2, { "addr", N }, { "end", N }),
	/* ... and its huge PMD's (`if (pmd_young(orig_pmd))`: cleared_pmds) */
	EV("tlbr", "age_young_pmd", TLBR_RAW_A64_AGE_YOUNG, NONE, A64, NULL,
	   2, { "addr", N }, { "end", N }),
	/* madvise_free_pte_range's young-or-dirty branch (tlbr_free_find) */
	EV("tlbr", "age_free", TLBR_RAW_A64_AGE_YOUNG, NONE, A64, NULL,
	   2, { "addr", N }, { "end", N }),
	EV("tlbr", "thp_collapse", TLBR_RAW_A64_THP, O, A64,
	   "khugepaged's collapses are not seen",
	   2, { "addr", N }, { "mm", N }),
	EV("sched", "sched_wakeup", TLBR_RAW_SCHED_WAKEUP, C, ANY,
	   "switches from idle, which some kernels do not trace, "
	   "are not inferred",
	   3,
	   { "comm", S }, { "pid", N }, { "target_cpu", N }),
	EV("sched", "sched_wakeup_new", TLBR_RAW_SCHED_WAKEUP_NEW, C, ANY,
	   "as sched_wakeup, for new tasks",
	   3,
	   { "comm", S }, { "pid", N }, { "target_cpu", N }),
	EV("ipi", "ipi_send_cpu", TLBR_RAW_IPI_SEND_CPU, C, ANY,
	   "the IPIs really sent are unknown: x86-ipi unvalidated",
	   3,
	   { "cpu", N }, { "callsite", Y, true }, { "callback", Y }),
	EV("ipi", "ipi_send_cpumask", TLBR_RAW_IPI_SEND_CPUMASK, C, ANY,
	   "as ipi_send_cpu, for several targets",
	   3,
	   { "cpumask", M }, { "callsite", Y, true }, { "callback", Y }),
	/*
	 * x86: how a shootdown reached each target. smp_call_function_many_cond()
	 * (from on_each_cpu_cond_mask(), native_flush_tlb_multi()) queues a CSD
	 * on every CPU should_flush_tlb() picks and traces csd_queue_cpu(cpu,
	 * callsite, func = flush_tlb_func, csd); with one target it calls
	 * send_call_function_single_ipi(), where call_function_single_prep_ipi()
	 * sends no IPI to a CPU polling in idle (set_nr_if_polling(),
	 * TIF_POLLING_NRFLAG) and traces sched_wake_idle_without_ipi(cpu)
	 * instead: the CPU runs flush_tlb_func() from its idle loop
	 * (flush_smp_call_function_queue()), csd_function_entry(func, csd)
	 */
	EV("csd", "csd_queue_cpu", TLBR_RAW_CSD_QUEUE, O, X86,
	   "which CPUs a shootdown queued flush_tlb_func() on is not seen: a "
	   "delivery without an IPI is told by context only",
	   4, { "cpu", N }, { "callsite", Y, true }, { "func", Y }, { "csd", Y, true }),
	EV("csd", "csd_function_entry", TLBR_RAW_CSD_FUNC_ENTRY, O, X86,
	   "the CPUs that ran a shootdown's flush_tlb_func() are seen only "
	   "where it flushed (its tlb_flush record)",
	   2, { "func", Y }, { "csd", Y, true }),
	EV("sched", "sched_wake_idle_without_ipi", TLBR_RAW_WAKE_IDLE_NO_IPI, O, X86,
	   "shootdowns delivered to a CPU polling in idle without an IPI are "
	   "not seen: the self-check can only infer them from the target's answer",
	   1, { "cpu", N }),
	EV("task", "task_newtask", TLBR_RAW_TASK_NEWTASK, C, ANY,
	   "threads and processes cannot be told apart",
	   3,
	   { "pid", N }, { "comm", S }, { "clone_flags", X }),
	EV("sched", "sched_process_fork", TLBR_RAW_PROCESS_FORK, C, ANY,
	   "task creation is not seen",
	   4,
	   { "parent_comm", S, false, "comm" }, { "parent_pid", N, false, "pid" },
	   { "child_comm", S }, { "child_pid", N }),
	EV("sched", "sched_process_exec", TLBR_RAW_PROCESS_EXEC, C, ANY,
	   "exec's new address spaces are not seen",
	   3,
	   { "filename", S }, { "pid", N }, { "old_pid", N }),
	EV("sched", "sched_process_exit", TLBR_RAW_PROCESS_EXIT, C, ANY,
	   "exits are not seen",
	   3,
	   { "comm", S }, { "pid", N }, { "group_dead", N, true }),
	EV("sched", "sched_process_free", TLBR_RAW_PROCESS_FREE, O, ANY,
	   "pid reuse is not detected",
	   2, { "comm", S }, { "pid", N }),
	EV("sched", "sched_migrate_task", TLBR_RAW_SCHED_MIGRATE_TASK, O, ANY,
	   "task migrations are not counted",
	   4,
	   { "comm", S }, { "pid", N }, { "orig_cpu", N }, { "dest_cpu", N }),
	EV("task", "task_rename", TLBR_RAW_TASK_RENAME, O, ANY,
	   "renamed tasks keep their old command",
	   3, { "pid", N }, { "newcomm", S },
	   { "oom_score_adj", N, true }),
	EV("mmap", "exit_mmap", TLBR_RAW_EXIT_MMAP, O, ANY,
	   "address-space teardown is not seen",
	   1, { "mm", N, true }),
	EV("vmscan", "mm_vmscan_direct_reclaim_begin", TLBR_RAW_DIRECT_RECLAIM_BEGIN, O, ANY,
	   "direct reclaim flushes are not told apart",
	   0),
	EV("vmscan", "mm_vmscan_direct_reclaim_end", TLBR_RAW_DIRECT_RECLAIM_END, O, ANY,
	   "as above",
	   0),
	EV("vmalloc", "alloc_vmap_area", TLBR_RAW_VMAP_ALLOC, O, ANY,
	   "no kernel-mapping updates: lazy-mmu unmeasured",
	   3,
	   { "addr", N, false, "va_start" }, { "size", N }, { "failed", N }),
	EV("vmalloc", "purge_vmap_area_lazy", TLBR_RAW_VMAP_PURGE, O, ANY,
	   "kernel range flushes of vmap purges unseen",
	   2, { "start", N }, { "end", N }),
	EV("migrate", "mm_migrate_pages_start", TLBR_RAW_MIGRATE_PAGES_START, O, ANY,
	   "migration flushes are not told apart",
	   0),
	EV("migrate", "mm_migrate_pages", TLBR_RAW_MIGRATE_PAGES, O, ANY,
	   "as above",
	   0),
	SYSCALL("mmap", TLBR_SYS_MMAP, C, "no VMAs: flush sites stay unknown",
		6, { "addr", N }, { "len", N }, { "prot", N },
		{ "flags", N }, { "fd", N }, { "off", N }),
	SYSCALL("munmap", TLBR_SYS_MUNMAP, C, "unmaps unseen: safety checks miss them",
		2, { "addr", N }, { "len", N }),
	SYSCALL("mprotect", TLBR_SYS_MPROTECT, C, "protection changes unseen",
		3, { "start", N }, { "len", N }, { "prot", N }),
	SYSCALL("madvise", TLBR_SYS_MADVISE, C, "MADV_DONTNEED unseen",
		3, { "start", N }, { "len_in", N }, { "behavior", N }),
	SYSCALL("mremap", TLBR_SYS_MREMAP, C, "mremap unseen",
		5, { "addr", N }, { "old_len", N }, { "new_len", N },
		{ "flags", N }, { "new_addr", N }),
	SYSCALL("brk", TLBR_SYS_BRK, O, "heap shrinking unseen",
		1, { "brk", N }),
	SYSCALL("clone", TLBR_SYS_CLONE, C, "fork flushes are attributed by context only",
		5, { "clone_flags", N }, { "newsp", N },
		{ "parent_tidptr", N }, { "child_tidptr", N }, { "tls", N }),
	SYSCALL("clone3", TLBR_SYS_CLONE3, C, "as above",
		2, { "uargs", N }, { "size", N }),
	SYSCALL("fork", TLBR_SYS_FORK, O, "as above",
		0),
	SYSCALL("vfork", TLBR_SYS_VFORK, O, "as above",
		0),
	SYSCALL("execve", TLBR_SYS_EXECVE, C, "exec flushes are attributed by context only",
		3, { "filename", N }, { "argv", N }, { "envp", N }),
	SYS_ENTER("exit_group", TLBR_SYS_EXIT_GROUP, O, "exit flushes are attributed by context only",
		1, { "error_code", N }),
	EV("migrate", "set_migration_pte", TLBR_RAW_SET_MIGRATION_PTE, NONE, ANY,
	   NULL,
	   1, { "addr", X, true }),
	EV("migrate", "remove_migration_pte", TLBR_RAW_REMOVE_MIGRATION_PTE, NONE, ANY,
	   NULL,
	   1, { "addr", X, true }),
	EV("ftrace", "print", TLBR_RAW_PRINT, NONE, ANY,
	   NULL,
	   1, { "buf", S }),
	SYSCALL("ioctl", TLBR_SYS_IOCTL, NONE, NULL,
		3, { "fd", N }, { "cmd", N }, { "arg", N }),
};

/* The census probes of tlbreplay record on arm64: tlbr/tlbi_N, one per TLBI site. */
static const struct tlbr_evdef tlbi_def =
	EV("tlbr", "tlbi_*", TLBR_RAW_A64_TLBI, NONE, A64, NULL, 3, { "site", N }, { "op", N, true },
	   { "ret", N, true });

const struct tlbr_evdef *tlbr_vocab_find(const char *system, const char *name)
{
	unsigned int i;

	if (!strncmp(name, "tlbi_", 5) && (!system || !*system || !strcmp(system, "tlbr")))
		return &tlbi_def;

	for (i = 0; i < ARRAY_SIZE(vocab); i++) {
		if (strcmp(vocab[i].name, name))
			continue;
		if (system && *system && strcmp(vocab[i].system, system))
			continue;
		return &vocab[i];
	}
	return NULL;
}

const struct tlbr_evdef *tlbr_vocab_find_syscall(const char *sysname, bool is_exit)
{
	enum tlbr_raw_id want = is_exit ? TLBR_RAW_SYS_EXIT : TLBR_RAW_SYS_ENTER;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vocab); i++) {
		const char *nm = vocab[i].name;

		if (vocab[i].id != want)
			continue;
		nm += is_exit ? strlen("sys_exit_") : strlen("sys_enter_");
		if (!strcmp(nm, sysname))
			return &vocab[i];
	}
	return NULL;
}

unsigned int tlbr_vocab_count(void)
{
	return ARRAY_SIZE(vocab);
}

const struct tlbr_evdef *tlbr_vocab_get(unsigned int i)
{
	return i < ARRAY_SIZE(vocab) ? &vocab[i] : NULL;
}

int tlbr_vocab_need_of(const char *system, const char *event)
{
	const struct tlbr_evdef *d = tlbr_vocab_find(system, event);

	return d && d->need != TLBR_NEED_NOT_RECORDED ? (int)d->need : -1;
}
