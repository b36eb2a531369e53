// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan.c - the events a recording enables, checked against the running
 * kernel: a tracepoint is in the plan when its format file exists.
 */
#include <string.h>

#include <tracefs/tracefs.h>

#include "record.h"

#define R TLBR_PLAN_REQUIRED
#define C TLBR_PLAN_RECOMMENDED
#define O TLBR_PLAN_OPTIONAL

static struct tlbr_plan_item plan[] = {
	{ "sched", "sched_switch", R, "CPU residency unknown: no TLB model" },
	{ "exceptions", "page_fault_user", R, "page presence unknown: no translations to model" },
	{ "tlb", "tlb_flush", R, "no flushes to replay" },
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

unsigned int tlbr_plan_probe(struct tlbr_plan_item **ret_items)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(plan); i++)
		plan[i].available = tracefs_event_file_exists(NULL, plan[i].system, plan[i].event,
							      "format");
	*ret_items = plan;
	return ARRAY_SIZE(plan);
}

void tlbr_plan_print(FILE *f, const struct tlbr_plan_item *items, unsigned int n)
{
	static const char *const needs[] = { "required", "recommended", "optional" };
	unsigned int i;

	fprintf(f, "%-46s %-12s %s\n", "event", "need", "on this kernel");
	for (i = 0; i < n; i++) {
		char name[96];

		snprintf(name, sizeof(name), "%s:%s", items[i].system, items[i].event);
		fprintf(f, "%-46s %-12s %s\n", name, needs[items[i].need],
			items[i].available ? "available" : "MISSING");
		if (!items[i].available)
			fprintf(f, "    without it: %s\n", items[i].without);
	}
}
