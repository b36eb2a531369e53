// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-adapt.c - the vocabulary adapter on hand-written text traces: the
 * exact normalised events, task and address-space identity, and the x86
 * flush-site inference.
 */
#include <stdio.h>

#include "formats.h"
#include "../tap.h"

#define MAX_EVENTS 64

struct run {
	struct tlbr_stream *s;		/* formats/stream.c: reader and adapter */
	struct tlbr_adapter *a;		/* the stream's */
	FILE *f;
	struct tlbr_event ev[MAX_EVENTS];
	int n;
};

static int replay_text(const char *text, struct run *run)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	const struct tlbr_event *ev;
	struct tlbr_error err = { 0 };
	int ret;

	run->s = tlbr_stream_open_text(f, "test", &err);
	run->a = tlbr_stream_adapter(run->s);
	run->n = 0;
	while ((ret = tlbr_stream_next(run->s, &ev, &err)) > 0)
		if (run->n < MAX_EVENTS)
			run->ev[run->n++] = *ev;
	if (ret < 0)
		printf("# reader error at line %llu: %s\n", (unsigned long long)err.line, err.msg);
	run->f = f;
	return ret;
}

static void run_free(struct run *run)
{
	tlbr_stream_close(run->s);
	fclose(run->f);
}

static const struct tlbr_task *task_of_pid(struct run *run, int pid)
{
	const struct tlbr_task *found = NULL;
	unsigned int i;

	for (i = 1; i <= tlbr_adapter_ntasks(run->a); i++)
		if (tlbr_adapter_task(run->a, i)->pid == pid && !found)
			found = tlbr_adapter_task(run->a, i);
	return found;
}

static void test_threads_shootdown_exec_reuse(void)
{
	static const char text[] =
		"  prog-100 [000] ..... 10.000000: task_newtask: pid=101 comm=prog clone_flags=3d0f00 oom_score_adj=0\n"
		"  prog-100 [000] ..... 10.000001: sched_process_fork: comm=prog pid=100 child_comm=prog child_pid=101\n"
		"  prog-100 [000] ..... 10.000002: task_newtask: pid=102 comm=prog clone_flags=1200011 oom_score_adj=0\n"
		"  prog-100 [000] ..... 10.000003: sched_process_fork: comm=prog pid=100 child_comm=prog child_pid=102\n"
		"  prog-100 [000] ..... 10.000010: sys_mprotect(start: 0x7f0000001000, len: 0x2000, prot: 0)\n"
		"  prog-100 [000] d.... 10.000011: tlb_flush: pages:2 reason:remote IPI send (4)\n"
		"  prog-100 [000] d.... 10.000012: ipi_send_cpu: cpu=1 callsite=on_each_cpu_cond_mask+0x20/0x40 callback=generic_smp_call_function_single_interrupt+0x0/0x10\n"
		"  prog-101 [001] d.h.. 10.000013: tlb_flush: pages:2 reason:remote shootdown (1)\n"
		"  prog-100 [000] d.... 10.000014: tlb_flush: pages:2 reason:local mm shootdown (3)\n"
		"  prog-100 [000] ..... 10.000015: sys_mprotect -> 0x0\n"
		"  prog-101 [001] ..... 10.000020: page_fault_user: address=0x7f0000005234 ip=0x401000 error_code=0x7\n"
		"  prog-101 [001] d.... 10.000021: tlb_flush: pages:1 reason:local mm shootdown (3)\n"
		"  prog-102 [000] ..... 10.000029: exit_mmap: mt_mod 00000000ba5f1f41, DESTROY\n"
		"  prog-102 [000] ..... 10.000030: sched_process_exec: filename=/bin/true pid=102 old_pid=102\n"
		"  true-102 [000] ..... 10.000040: sched_process_exit: comm=true pid=102 prio=120 group_dead=true\n"
		"  <idle>-0 [001] ..s.. 10.000050: sched_process_free: comm=true pid=102 prio=120\n"
		"  newp-102 [001] ..... 10.000060: page_fault_user: address=0x5000 ip=0x5000 error_code=0x14\n"
		"  prog-100 [000] d.... 10.000070: tlb_flush: pages:0 reason:flush on task switch (0)\n";
	const struct tlbr_task *p100, *p101, *p102, *n102;
	const struct tlbr_event *e;
	struct run run;

	is_int(replay_text(text, &run), 0, "scenario 1 reads");
	is_int(run.n, 15, "15 normalised events");
	p100 = task_of_pid(&run, 100);
	p101 = task_of_pid(&run, 101);
	p102 = task_of_pid(&run, 102);
	if (!ok(p100 && p101 && p102 && run.n == 15, "tasks known"))
		return;

	e = &run.ev[0];
	ok(e->kind == TLBR_EV_FORK && e->fork.child_pid == 101 && e->fork.thread &&
	   e->fork.shares_mm && e->fork.flags_known, "thread created with CLONE_VM|CLONE_THREAD");
	is_int(p101->mm, p100->mm, "the thread shares its leader's mm");
	is_int(p101->tgid, 100, "the thread's tgid is its leader's");
	e = &run.ev[1];
	ok(e->kind == TLBR_EV_FORK && e->fork.child_pid == 102 && !e->fork.shares_mm,
	   "process forked without CLONE_VM (sched_process_fork adds nothing)");
	ok(p102->mm != p100->mm && p102->mm != 0, "the forked process has its own mm");

	e = &run.ev[2];
	ok(e->kind == TLBR_EV_SYSCALL && e->sys.nr == TLBR_SYS_MPROTECT &&
	   e->sys.args[1] == 0x2000, "mprotect entry");
	e = &run.ev[3];
	ok(e->kind == TLBR_EV_FLUSH && e->flush.exec == TLBR_EXEC_IPI, "one shootdown flush");
	is_int(e->flush.site, TLBR_SITE_MPROTECT, "site inferred from the syscall");
	is_u64(e->flush.start, 0x7f0000001000ULL, "range start from mprotect");
	is_u64(e->flush.end, 0x7f0000003000ULL, "range end from mprotect");
	is_int(e->flush.pages, 2, "pages");
	is_int(e->flush.flags, TLBR_FLUSH_SITE_INFERRED | TLBR_FLUSH_RANGE_INFERRED,
	       "marked as inferred");
	is_int(e->mm, p100->mm, "flush of the process's mm");
	e = &run.ev[4];
	ok(e->kind == TLBR_EV_FLUSH_IPI && tlbr_cpuset_count(&e->ipi.targets) == 1 &&
	   tlbr_cpuset_test(&e->ipi.targets, 1) && e->ipi.inferred,
	   "the IPI to cpu 1, recognised by context");
	e = &run.ev[5];
	ok(e->kind == TLBR_EV_FLUSH_REMOTE && e->cpu == 1 && e->task == p101->id &&
	   e->remote.pages == 2 && !e->remote.wrong_cpu, "cpu 1 executed the remote flush");
	e = &run.ev[6];
	ok(e->kind == TLBR_EV_SYSCALL_RET && e->sys.args_known && e->sys.ret == 0,
	   "the local half was absorbed; mprotect returns");

	e = &run.ev[7];
	ok(e->kind == TLBR_EV_FAULT && e->fault.error_code == 7, "write fault on a present page");
	e = &run.ev[8];
	ok(e->kind == TLBR_EV_FLUSH && e->flush.exec == TLBR_EXEC_LOCAL &&
	   e->flush.site == TLBR_SITE_COW && e->flush.start == 0x7f0000005000ULL &&
	   e->flush.end == 0x7f0000006000ULL, "local COW flush of the faulting page");

	e = &run.ev[9];
	ok(e->kind == TLBR_EV_MM_TEARDOWN && e->mm == run.ev[1].fork.child_mm,
	   "exit_mmap tears down the forked mm before exec installs the new one");
	e = &run.ev[10];
	ok(e->kind == TLBR_EV_EXEC && e->exec.old_mm == run.ev[1].fork.child_mm &&
	   e->exec.new_mm != e->exec.old_mm, "exec gives a new mm");
	is_str(p102->comm, "true", "comm from the exec'd file");
	e = &run.ev[11];
	ok(e->kind == TLBR_EV_EXIT && e->exit.group_dead, "exit");
	e = &run.ev[12];
	ok(e->kind == TLBR_EV_TASK_FREE && e->task == p102->id, "free of the right task");
	e = &run.ev[13];
	n102 = tlbr_adapter_task(run.a, e->task);
	ok(e->kind == TLBR_EV_FAULT && n102 && n102 != p102 && n102->pid == 102,
	   "a reused pid is a new task");
	ok(n102 && n102->mm != p102->mm && n102->mm != 0, "with an address space of its own");
	ok(p102->freed && p102->exited, "the old task is exited and freed");
	e = &run.ev[14];
	ok(e->kind == TLBR_EV_FLUSH && e->flush.site == TLBR_SITE_SWITCH && e->flush.pages == 0,
	   "switch_mm with an up-to-date ASID");
	is_int(tlbr_adapter_nmms(run.a), 4, "4 address spaces: prog, fork, exec, reused pid");
	run_free(&run);
}

static void test_reclaim_kernel_lost(void)
{
	static const char text[] =
		"  kswapd0-80 [001] d.... 20.000000: tlb_flush: pages:-1 reason:remote IPI send (4)\n"
		"  kswapd0-80 [001] d.... 20.000001: ipi_send_cpumask: cpumask=0,2 callsite=on_each_cpu_cond_mask+0x20/0x40 callback=generic_smp_call_function_single_interrupt+0x0/0x10\n"
		"  kswapd0-80 [001] d.... 20.000002: tlb_flush: pages:-1 reason:local shootdown (2)\n"
		"  prog-300 [000] d.... 20.000010: tlb_flush: pages:-1 reason:local shootdown (2)\n"
		"  prog-300 [000] d.... 20.000011: ipi_send_cpu: cpu=1 callsite=ttwu_queue_wakelist+0x11d/0x150 callback=generic_smp_call_function_single_interrupt+0x0/0x10\n"
		"  vmalloc-5 [002] d.... 20.000020: ipi_send_cpumask: cpumask=0-1 callsite=on_each_cpu_cond_mask+0x20/0x40 callback=do_kernel_range_flush+0x0/0x50\n"
		"CPU:2 [LOST 5 EVENTS]\n"
		"  prog-300 [000] ..... 20.000030: sys_clone(clone_flags: 0x11, newsp: 0, parent_tidptr: 0, child_tidptr: 0, tls: 0)\n"
		"  prog-300 [000] ..... 20.000031: sched_process_fork: comm=prog pid=300 child_comm=prog child_pid=301\n"
		"  prog-300 [000] d.... 20.000032: tlb_flush: pages:-1 reason:local mm shootdown (3)\n";
	const struct tlbr_event *e;
	struct run run;

	is_int(replay_text(text, &run), 0, "scenario 2 reads");
	is_int(run.n, 10, "10 normalised events");
	if (run.n != 10)
		return;
	e = &run.ev[0];
	ok(e->kind == TLBR_EV_FLUSH && e->flush.site == TLBR_SITE_RECLAIM &&
	   e->flush.exec == TLBR_EXEC_IPI && e->flush.scope == TLBR_SCOPE_ALL && e->mm == 0,
	   "kswapd's shootdown is arch_tlbbatch_flush: everything, no mm");
	e = &run.ev[1];
	ok(e->kind == TLBR_EV_FLUSH_IPI && tlbr_cpuset_count(&e->ipi.targets) == 2,
	   "its IPI to two CPUs");
	e = &run.ev[2];
	ok(e->kind == TLBR_EV_FLUSH && e->flush.site == TLBR_SITE_RECLAIM &&
	   e->flush.exec == TLBR_EXEC_LOCAL && e->flush.scope == TLBR_SCOPE_ALL &&
	   e->pid == 300, "kswapd's local half was absorbed; a lone local shootdown without "
	   "mm is the batched reclaim flush, even in a user task");
	e = &run.ev[3];
	ok(e->kind == TLBR_EV_IPI_OTHER && tlbr_cpuset_count(&e->ipi.targets) == 1 &&
	   tlbr_cpuset_test(&e->ipi.targets, 1), "a wakeup's IPI (ttwu_queue_wakelist) is "
	   "another IPI, counted apart");
	e = &run.ev[4];
	ok(e->kind == TLBR_EV_FLUSH && e->flush.site == TLBR_SITE_KERNEL &&
	   e->flush.exec == TLBR_EXEC_IPI, "do_kernel_range_flush IPIs are a kernel flush");
	e = &run.ev[5];
	ok(e->kind == TLBR_EV_FLUSH_IPI && tlbr_cpuset_count(&e->ipi.targets) == 2 &&
	   !e->ipi.inferred, "recognised by its callback");
	e = &run.ev[6];
	ok(e->kind == TLBR_EV_LOST && e->cpu == 2 && e->lost.count == 5, "lost events");
	e = &run.ev[7];
	ok(e->kind == TLBR_EV_SYSCALL && e->sys.nr == TLBR_SYS_CLONE, "clone entry");
	e = &run.ev[8];
	ok(e->kind == TLBR_EV_FORK && e->fork.flags_known && !e->fork.shares_mm &&
	   e->fork.clone_flags == 0x11, "without task_newtask, flags come from clone()");
	e = &run.ev[9];
	ok(e->kind == TLBR_EV_FLUSH && e->flush.site == TLBR_SITE_FORK &&
	   e->flush.scope == TLBR_SCOPE_MM && e->flush.exec == TLBR_EXEC_LOCAL,
	   "a full local flush inside clone() is the fork flush; the wakeup IPI gave nothing");
	run_free(&run);
}

static void test_arm64_probes(void)
{
	static const char text[] =
		"# entries-in-buffer/entries-written: 17/17   #P:2\n"
		"          <idle>-0     [000] d..2.     6.000000: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=600 next_prio=120\n"
		"            prog-600   [000] .....     6.000001: fault: (handle_mm_fault+0x0/0x2a0) addr=0x60000 flags=0x41 mm=0xffff000011112222\n"
		"            prog-600   [000] .....     6.000002: set_access: (__ptep_set_access_flags+0x0/0x100) addr=0x60123 dirty=1 mm=0xffff000011112222\n"
		"            prog-600   [000] .....     6.000003: set_access_r: (handle_pte_fault+0x1a0/0x200 <- __ptep_set_access_flags) changed=1\n"
		"            prog-600   [000] .....     6.000004: fault: (handle_mm_fault+0x0/0x2a0) addr=0x61000 flags=0x41 mm=0xffff000011112222\n"
		"            prog-600   [000] .....     6.000005: clear_flush: (ptep_clear_flush+0x0/0x80) addr=0x61000 mm=0xffff000011112222\n"
		"            prog-600   [000] .....     6.000010: sys_mprotect(start: 0x60000, len: 0x2000, prot: 1)\n"
		"            prog-600   [000] .....     6.000011: chprot: (change_protection+0x0/0x300) start=0x60000 end=0x62000\n"
		"            prog-600   [000] .....     6.000012: chprot_r: (mprotect_fixup+0x100/0x300 <- change_protection) pages=2\n"
		"            prog-600   [000] .....     6.000013: sys_mprotect -> 0x0\n"
		"            prog-600   [000] .....     6.000020: sys_munmap(addr: 0x60000, len: 0x2000)\n"
		"            prog-600   [000] .....     6.000021: gather_flush: (tlb_flush_mmu+0x0/0x40) mm=0xffff000011112222 start=0x60000 end=0x62000 fullmm=0 freed_tables=1\n"
		"            prog-600   [000] .....     6.000022: sys_munmap -> 0x0\n"
		"         kswapd0-90    [001] .....     6.000030: unmap_one: (try_to_unmap_one+0x0/0x900) addr=0x70123 mm=0xffff000011112222\n"
		"         kswapd0-90    [001] .....     6.000031: unmap_flush: (try_to_unmap_flush+0x0/0x40)\n"
		"            prog-600   [000] .....     6.000040: batch_pend: (flush_tlb_batched_pending+0x0/0x80) mm=0xffff000011112222\n"
		"            prog-600   [000] .....     6.000041: fork_mm: (dup_mmap+0x0/0x600) mm=0xffff000033334444 oldmm=0xffff000011112222\n";
	static const struct {
		enum tlbr_ev_kind kind;
		int site;	/* flushes: enum tlbr_site, else -1 */
	} want[] = {
		{ TLBR_EV_SWITCH, -1 }, { TLBR_EV_FAULT, -1 },
		{ TLBR_EV_FLUSH, TLBR_SITE_WP_REUSE }, { TLBR_EV_FAULT, -1 },
		{ TLBR_EV_FLUSH, TLBR_SITE_COW }, { TLBR_EV_SYSCALL, -1 },
		{ TLBR_EV_FLUSH, TLBR_SITE_MPROTECT }, { TLBR_EV_SYSCALL_RET, -1 },
		{ TLBR_EV_SYSCALL, -1 }, { TLBR_EV_FLUSH, TLBR_SITE_ZAP },
		{ TLBR_EV_SYSCALL_RET, -1 }, { TLBR_EV_RECLAIM_UNMAP, -1 },
		{ TLBR_EV_BATCH_SYNC, -1 }, { TLBR_EV_BATCH_SYNC, -1 },
		{ TLBR_EV_FLUSH, TLBR_SITE_FORK },
	};
	const struct tlbr_task *prog;
	struct run run;
	unsigned int i;

	is_int(replay_text(text, &run), 0, "arm64 probes read");
	is_int(run.n, (int)ARRAY_SIZE(want), "arm64: 15 normalised events");
	if (run.n != (int)ARRAY_SIZE(want))
		return;
	for (i = 0; i < ARRAY_SIZE(want); i++)
		ok(run.ev[i].kind == want[i].kind &&
		   (want[i].site < 0 || (int)run.ev[i].flush.site == want[i].site),
		   "arm64 event %u: %s%s%s", i, tlbr_ev_kind_name(want[i].kind),
		   want[i].site < 0 ? "" : " at ", want[i].site < 0 ? "" :
		   tlbr_site_name((enum tlbr_site)want[i].site));
	prog = task_of_pid(&run, 600);
	ok(run.ev[1].fault.prot_unknown && (run.ev[1].fault.error_code & TLBR_PF_WRITE),
	   "handle_mm_fault: a write, presence not said");
	ok(run.ev[2].flush.exec == TLBR_EXEC_BROADCAST && run.ev[2].flush.start == 0x60000 &&
	   run.ev[2].flush.end == 0x61000, "set_access(dirty) that changed the PTE: one page, TLBI IS");
	ok(run.ev[6].flush.start == 0x60000 && run.ev[6].flush.end == 0x62000 &&
	   !(run.ev[6].flush.flags & TLBR_FLUSH_RANGE_INFERRED),
	   "change_protection's range is exact, not inferred");
	ok(run.ev[9].flush.flags & TLBR_FLUSH_FREES_TABLES, "tlb_flush_mmu freeing page tables");
	ok(prog && run.ev[11].mm == prog->mm && run.ev[11].reclaim.addr == 0x70000,
	   "kswapd's unmap is of prog's mm, by its kernel pointer");
	ok(run.ev[12].sync.kind == TLBR_SYNC_COMPLETE && run.ev[12].cpu == 1 &&
	   run.ev[13].sync.kind == TLBR_SYNC_PENDING && run.ev[13].mm == prog->mm,
	   "try_to_unmap_flush completes; flush_tlb_batched_pending syncs prog's mm");
	ok(run.ev[14].flush.scope == TLBR_SCOPE_MM, "dup_mmap flushes the whole mm");
	run_free(&run);
}

/* The recorder's metadata as formats/ decodes it (the markers of record/recorder.c). */
static void test_metadata(void)
{
	const char *md = "v1 arch=aarch64 page_size=4096 cpus=4 cpu_model=implementer_0x41 "
			 "kernel=6.12.9 virtualised=yes recorder=tlbreplay-0.1.0 "
			 "plan_missing=tlbr:contpte,tlbr:asid_roll";
	char buf[16];

	is_str(tlbr_metadata_get(md, "arch", buf, sizeof(buf)), "aarch64", "arch");
	is_str(tlbr_metadata_get(md, "page_size", buf, sizeof(buf)), "4096", "page_size");
	is_str(tlbr_metadata_get(md, "plan_missing", buf, sizeof(buf)), "tlbr:contpte,tl",
	       "a value longer than the buffer is cut to it");
	ok(!tlbr_metadata_get(md, "model", buf, sizeof(buf)), "only whole keys match");
	ok(!tlbr_metadata_get("", "arch", buf, sizeof(buf)), "no metadata: no value");
}

int main(void)
{
	test_threads_shootdown_exec_reuse();
	test_reclaim_kernel_lost();
	test_arm64_probes();
	test_metadata();
	return tap_done();
}
