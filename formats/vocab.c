// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vocab.c - the raw events tlbreplay's adapters read, and their fields.
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

#define EV(sys, nm, rid, n, ...) \
	{ sys, nm, rid, -1, n, { __VA_ARGS__ } }
#define SYS_ENTER(nm, nr, n, ...) \
	{ "syscalls", "sys_enter_" nm, TLBR_RAW_SYS_ENTER, nr, n, { __VA_ARGS__ } }
#define SYS_EXIT(nm, nr) \
	{ "syscalls", "sys_exit_" nm, TLBR_RAW_SYS_EXIT, nr, 1, { { "ret", N } } }
#define SYSCALL(nm, nr, n, ...) SYS_ENTER(nm, nr, n, __VA_ARGS__), SYS_EXIT(nm, nr)

static const struct tlbr_evdef vocab[] = {
	EV("tlb", "tlb_flush", TLBR_RAW_TLB_FLUSH, 2, { "reason", N }, { "pages", N }),
	EV("exceptions", "page_fault_user", TLBR_RAW_PAGE_FAULT_USER, 3,
	   { "address", N }, { "ip", N }, { "error_code", N }),
	EV("ipi", "ipi_send_cpu", TLBR_RAW_IPI_SEND_CPU, 3,
	   { "cpu", N }, { "callsite", Y, true }, { "callback", Y }),
	EV("ipi", "ipi_send_cpumask", TLBR_RAW_IPI_SEND_CPUMASK, 3,
	   { "cpumask", M }, { "callsite", Y, true }, { "callback", Y }),
	EV("sched", "sched_switch", TLBR_RAW_SCHED_SWITCH, 5,
	   { "prev_comm", S }, { "prev_pid", N }, { "prev_state", N },
	   { "next_comm", S }, { "next_pid", N }),
	EV("sched", "sched_migrate_task", TLBR_RAW_SCHED_MIGRATE_TASK, 4,
	   { "comm", S }, { "pid", N }, { "orig_cpu", N }, { "dest_cpu", N }),
	EV("sched", "sched_wakeup", TLBR_RAW_SCHED_WAKEUP, 3,
	   { "comm", S }, { "pid", N }, { "target_cpu", N }),
	EV("sched", "sched_wakeup_new", TLBR_RAW_SCHED_WAKEUP, 3,
	   { "comm", S }, { "pid", N }, { "target_cpu", N }),
	EV("sched", "sched_process_fork", TLBR_RAW_PROCESS_FORK, 4,
	   { "parent_comm", S, false, "comm" }, { "parent_pid", N, false, "pid" },
	   { "child_comm", S }, { "child_pid", N }),
	EV("sched", "sched_process_exec", TLBR_RAW_PROCESS_EXEC, 3,
	   { "filename", S }, { "pid", N }, { "old_pid", N }),
	EV("sched", "sched_process_exit", TLBR_RAW_PROCESS_EXIT, 3,
	   { "comm", S }, { "pid", N }, { "group_dead", N, true }),
	EV("sched", "sched_process_free", TLBR_RAW_PROCESS_FREE, 2, { "comm", S }, { "pid", N }),
	EV("task", "task_newtask", TLBR_RAW_TASK_NEWTASK, 3,
	   { "pid", N }, { "comm", S }, { "clone_flags", X }),
	EV("task", "task_rename", TLBR_RAW_TASK_RENAME, 3, { "pid", N }, { "newcomm", S },
	   { "oom_score_adj", N, true }),
	EV("mmap", "exit_mmap", TLBR_RAW_EXIT_MMAP, 1, { "mm", N, true }),
	EV("migrate", "mm_migrate_pages_start", TLBR_RAW_MIGRATE_PAGES_START, 0),
	EV("migrate", "mm_migrate_pages", TLBR_RAW_MIGRATE_PAGES, 0),
	EV("migrate", "set_migration_pte", TLBR_RAW_SET_MIGRATION_PTE, 1, { "addr", X, true }),
	EV("migrate", "remove_migration_pte", TLBR_RAW_REMOVE_MIGRATION_PTE, 1, { "addr", X, true }),
	EV("ftrace", "print", TLBR_RAW_PRINT, 1, { "buf", S }),
	EV("vmalloc", "alloc_vmap_area", TLBR_RAW_VMAP_ALLOC, 3,
	   { "addr", N, false, "va_start" }, { "size", N }, { "failed", N }),
	EV("vmalloc", "purge_vmap_area_lazy", TLBR_RAW_VMAP_PURGE, 2, { "start", N }, { "end", N }),
	EV("tlbr", "fault", TLBR_RAW_A64_FAULT, 3, { "addr", N }, { "flags", N }, { "mm", N }),
	EV("tlbr", "set_access", TLBR_RAW_A64_SET_ACCESS, 4,
	   { "addr", N }, { "dirty", N }, { "mm", N }, { "cont", N, true }),
	EV("tlbr", "set_access_r", TLBR_RAW_A64_SET_ACCESS_RET, 1, { "changed", N }),
	EV("tlbr", "clear_flush", TLBR_RAW_A64_CLEAR_FLUSH, 2, { "addr", N }, { "mm", N }),
	EV("tlbr", "gather_flush", TLBR_RAW_A64_GATHER_FLUSH, 5, { "mm", N }, { "start", N },
	   { "end", N }, { "fullmm", N }, { "freed_tables", N, true }),
	EV("tlbr", "gather_end", TLBR_RAW_A64_GATHER_END, 5, { "mm", N }, { "start", N },
	   { "end", N }, { "fullmm", N }, { "freed_tables", N, true }),
	EV("tlbr", "chprot", TLBR_RAW_A64_CHPROT, 2, { "start", N }, { "end", N }),
	EV("tlbr", "chprot_r", TLBR_RAW_A64_CHPROT_RET, 1, { "pages", N }),
	EV("tlbr", "fork_mm", TLBR_RAW_A64_FORK_MM, 1, { "oldmm", N, true }),
	EV("tlbr", "move_pt", TLBR_RAW_A64_MOVE_PT, 3, { "addr", N }, { "len", N },
	   { "new", N, true }),
	EV("tlbr", "move_pt_r", TLBR_RAW_A64_MOVE_PT_RET, 1, { "moved", N }),
	EV("tlbr", "unmap_one", TLBR_RAW_A64_UNMAP_ONE, 2, { "addr", N }, { "mm", N }),
	EV("tlbr", "unmap_flush", TLBR_RAW_A64_UNMAP_FLUSH, 0),
	EV("tlbr", "batch_pend", TLBR_RAW_A64_BATCH_PENDING, 1, { "mm", N }),
	EV("tlbr", "pmd_unshare", TLBR_RAW_A64_PMD_UNSHARE, 3,
	   { "addr", N }, { "mm", N }, { "shares", N }),
	EV("tlbr", "asid_roll", TLBR_RAW_A64_ASID_ROLLOVER, 0),
	EV("tlbr", "zap_vma", TLBR_RAW_A64_ZAP_VMA, 4, { "mm", N }, { "start", N }, { "end", N },
	   { "fullmm", N, true }),
	EV("tlbr", "contpte", TLBR_RAW_A64_CONTPTE, 2, { "addr", N }, { "mm", N }),
	EV("tlbr", "thp_fault", TLBR_RAW_A64_THP, 2, { "addr", N }, { "mm", N }),
	EV("tlbr", "thp_fault_r", TLBR_RAW_A64_THP_RET, 1, { "ret", N }),
	EV("tlbr", "thp_wp", TLBR_RAW_A64_THP, 2, { "addr", N }, { "mm", N }),
	EV("tlbr", "thp_split", TLBR_RAW_A64_THP, 2, { "addr", N }, { "mm", N }),
	EV("tlbr", "thp_collapse", TLBR_RAW_A64_THP, 2, { "addr", N }, { "mm", N }),
	EV("vmscan", "mm_vmscan_direct_reclaim_begin", TLBR_RAW_DIRECT_RECLAIM_BEGIN, 0),
	EV("vmscan", "mm_vmscan_direct_reclaim_end", TLBR_RAW_DIRECT_RECLAIM_END, 0),
	SYSCALL("mmap", TLBR_SYS_MMAP, 6, { "addr", N }, { "len", N }, { "prot", N },
		{ "flags", N }, { "fd", N }, { "off", N }),
	SYSCALL("munmap", TLBR_SYS_MUNMAP, 2, { "addr", N }, { "len", N }),
	SYSCALL("mprotect", TLBR_SYS_MPROTECT, 3, { "start", N }, { "len", N }, { "prot", N }),
	SYSCALL("madvise", TLBR_SYS_MADVISE, 3, { "start", N }, { "len_in", N }, { "behavior", N }),
	SYSCALL("mremap", TLBR_SYS_MREMAP, 5, { "addr", N }, { "old_len", N }, { "new_len", N },
		{ "flags", N }, { "new_addr", N }),
	SYSCALL("brk", TLBR_SYS_BRK, 1, { "brk", N }),
	SYSCALL("clone", TLBR_SYS_CLONE, 5, { "clone_flags", N }, { "newsp", N },
		{ "parent_tidptr", N }, { "child_tidptr", N }, { "tls", N }),
	SYSCALL("clone3", TLBR_SYS_CLONE3, 2, { "uargs", N }, { "size", N }),
	SYSCALL("fork", TLBR_SYS_FORK, 0),
	SYSCALL("vfork", TLBR_SYS_VFORK, 0),
	SYSCALL("execve", TLBR_SYS_EXECVE, 3, { "filename", N }, { "argv", N }, { "envp", N }),
	SYS_ENTER("exit_group", TLBR_SYS_EXIT_GROUP, 1, { "error_code", N }),
	SYSCALL("ioctl", TLBR_SYS_IOCTL, 3, { "fd", N }, { "cmd", N }, { "arg", N }),
};

/* The census probes of tlbreplay record on arm64: tlbr/tlbi_N, one per TLBI site. */
static const struct tlbr_evdef tlbi_def =
	EV("tlbr", "tlbi_*", TLBR_RAW_A64_TLBI, 2, { "site", N }, { "op", N, true });

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

/*
 * What replay needs of each event a recording enables, in the order record
 * enables them, and what replay loses without it: the one list that
 * record's plan (record/plan.c) and stat's readiness (analysis/stat.c) read.
 */
#define R TLBR_NEED_REQUIRED
#define C TLBR_NEED_RECOMMENDED
#define O TLBR_NEED_OPTIONAL
#define X86 "x86_64"
#define A64 "aarch64"

static const struct tlbr_vocab_need needs[] = {
	{ "sched", "sched_switch", R, "CPU residency unknown: no TLB model" },
	{ "exceptions", "page_fault_user", R, "page presence unknown: no translations to model",
	  .arch = X86 },
	{ "tlb", "tlb_flush", R, "no flushes to replay", .arch = X86 },
	{ "tlbr", "fault", R, "page presence unknown: no translations to model", .arch = A64 },
	{ "tlbr", "set_access", R, "write-fault reuses (seed 000) are not seen", .arch = A64 },
	{ "tlbr", "set_access_r", R, "as set_access: whether the PTE changed", .arch = A64 },
	{ "tlbr", "clear_flush", R, "COW and migration flushes are not seen", .arch = A64 },
	{ "tlbr", "zap_vma", C, "which VMAs munmap, madvise and mremap zap is not seen: their "
				"flushes are counted per VMA the replay knows", .arch = A64 },
	{ "tlbr", "gather_flush", R, "munmap, madvise and exit flushes are not seen", .arch = A64 },
	{ "tlbr", "gather_end", R, "the last flush of munmap, madvise and exit gathers is not "
				   "seen where tlb_flush_mmu is inlined", .arch = A64 },
	{ "tlbr", "chprot", C, "mprotect and NUMA-hinting flushes are not seen", .arch = A64 },
	{ "tlbr", "chprot_r", C, "as chprot: the pages it changed", .arch = A64 },
	{ "tlbr", "fork_mm", C, "fork's flush of the parent is not seen", .arch = A64 },
	{ "tlbr", "move_pt", C, "page-table moves (exec's stack, mremap) and their flushes are "
				"not seen", .arch = A64 },
	{ "tlbr", "move_pt_r", C, "as move_pt: how much moved", .arch = A64 },
	{ "tlbr", "unmap_one", O, "reclaim unmaps (seed 002) are not seen", .arch = A64 },
	{ "tlbr", "unmap_flush", O, "batched reclaim flushes are not completed", .arch = A64 },
	{ "tlbr", "batch_pend", O, "flush_tlb_batched_pending (seed 002) is not seen",
	  .arch = A64 },
	{ "tlbr", "pmd_unshare", O, "hugetlb PMD unsharing (seed 004) is not seen", .arch = A64 },
	{ "tlbr", "asid_roll", O, "ASID rollovers are not seen: active-cpu is not reset",
	  .arch = A64 },
	{ "tlbr", "contpte", O, "contpte blocks folded or unfolded are not seen: their 16-page "
				"flushes are missing (6.9 and later)", .arch = A64 },
	{ "tlbr", "thp_fault", O, "huge pages mapped at fault are not seen: the model misses "
				  "their 512 pages", .arch = A64 },
	{ "tlbr", "thp_fault_r", O, "whether a huge fault mapped a huge page or fell back to "
				    "pages is judged from the VMAs the replay knows", .arch = A64 },
	{ "tlbr", "thp_wp", O, "write faults on huge pages (COW, reuse) are not seen", .arch = A64 },
	{ "tlbr", "thp_split", O, "huge-page splits are not seen", .arch = A64 },
	{ "tlbr", "thp_collapse", O, "khugepaged's collapses are not seen", .arch = A64 },
	{ "sched", "sched_wakeup", C, "switches from idle, which some kernels do not trace, "
				       "are not inferred" },
	{ "sched", "sched_wakeup_new", C, "as sched_wakeup, for new tasks" },
	{ "ipi", "ipi_send_cpu", C, "the IPIs really sent are unknown: x86-ipi unvalidated" },
	{ "ipi", "ipi_send_cpumask", C, "as ipi_send_cpu, for several targets" },
	{ "task", "task_newtask", C, "threads and processes cannot be told apart" },
	{ "sched", "sched_process_fork", C, "task creation is not seen" },
	{ "sched", "sched_process_exec", C, "exec's new address spaces are not seen" },
	{ "sched", "sched_process_exit", C, "exits are not seen" },
	{ "sched", "sched_process_free", O, "pid reuse is not detected" },
	{ "sched", "sched_migrate_task", O, "task migrations are not counted" },
	{ "task", "task_rename", O, "renamed tasks keep their old command" },
	{ "mmap", "exit_mmap", O, "address-space teardown is not seen" },
	{ "vmscan", "mm_vmscan_direct_reclaim_begin", O, "direct reclaim flushes are not told apart" },
	{ "vmscan", "mm_vmscan_direct_reclaim_end", O, "as above" },
	{ "vmalloc", "alloc_vmap_area", O, "no kernel-mapping updates: lazy-mmu unmeasured" },
	{ "vmalloc", "purge_vmap_area_lazy", O, "kernel range flushes of vmap purges unseen" },
	{ "migrate", "mm_migrate_pages_start", O, "migration flushes are not told apart" },
	{ "migrate", "mm_migrate_pages", O, "as above" },
	{ "syscalls", "sys_enter_mmap", C, "no VMAs: flush sites stay unknown" },
	{ "syscalls", "sys_exit_mmap", C, "as above" },
	{ "syscalls", "sys_enter_munmap", C, "unmaps unseen: safety checks miss them" },
	{ "syscalls", "sys_exit_munmap", C, "as above" },
	{ "syscalls", "sys_enter_mprotect", C, "protection changes unseen" },
	{ "syscalls", "sys_exit_mprotect", C, "as above" },
	{ "syscalls", "sys_enter_madvise", C, "MADV_DONTNEED unseen" },
	{ "syscalls", "sys_exit_madvise", C, "as above" },
	{ "syscalls", "sys_enter_mremap", C, "mremap unseen" },
	{ "syscalls", "sys_exit_mremap", C, "as above" },
	{ "syscalls", "sys_enter_brk", O, "heap shrinking unseen" },
	{ "syscalls", "sys_exit_brk", O, "as above" },
	{ "syscalls", "sys_enter_clone", C, "fork flushes are attributed by context only" },
	{ "syscalls", "sys_exit_clone", C, "as above" },
	{ "syscalls", "sys_enter_clone3", C, "as above" },
	{ "syscalls", "sys_exit_clone3", C, "as above" },
	{ "syscalls", "sys_enter_fork", O, "as above" },
	{ "syscalls", "sys_exit_fork", O, "as above" },
	{ "syscalls", "sys_enter_vfork", O, "as above" },
	{ "syscalls", "sys_exit_vfork", O, "as above" },
	{ "syscalls", "sys_enter_execve", C, "exec flushes are attributed by context only" },
	{ "syscalls", "sys_exit_execve", C, "as above" },
	{ "syscalls", "sys_enter_exit_group", O, "exit flushes are attributed by context only" },
};

#undef R
#undef C
#undef O

unsigned int tlbr_vocab_need_count(void)
{
	return ARRAY_SIZE(needs);
}

const struct tlbr_vocab_need *tlbr_vocab_need_get(unsigned int i)
{
	return i < ARRAY_SIZE(needs) ? &needs[i] : NULL;
}

int tlbr_vocab_need_of(const char *system, const char *event)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(needs); i++)
		if (!strcmp(needs[i].system, system) && !strcmp(needs[i].event, event))
			return (int)needs[i].need;
	return -1;
}
