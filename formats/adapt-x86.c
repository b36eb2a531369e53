// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * adapt-x86.c - the x86 vocabulary: tlb:tlb_flush, exceptions:page_fault_user
 * and the ipi:ipi_send_cpu / ipi_send_cpumask events of TLB shootdowns.
 *
 * How x86 (arch/x86/mm/tlb.c) traces one flush_tlb_mm_range() on the CPU
 * that issues it:
 *   - other CPUs in mm_cpumask: tlb_flush "remote IPI send" (the intent,
 *     before lazy CPUs are skipped), then ipi_send_cpu[mask] with callback
 *     flush_tlb_func to the CPUs really interrupted, then the local
 *     flush_tlb_func: tlb_flush "local mm shootdown";
 *   - otherwise only the local "local mm shootdown".
 * Each interrupted CPU logs "remote shootdown", or "remote wrong CPU"
 * (pages 0) when it no longer runs the mm: flush_tlb_func() clears its bit
 * in mm_cpumask (since 6.14 x86 clears the bit there, not at switch_mm).
 * The issuing CPU logs "remote wrong CPU" too when it is in mm_cpumask
 * without the mm loaded (exec's teardown of the old mm). "local shootdown"
 * (no mm) is arch_tlbbatch_flush: the batched flush of reclaim, migration
 * and MADV_PAGEOUT; its "remote IPI send" (to the batch's cpumask) carries
 * no mm either. "flush on task switch" is switch_mm: pages -1 flushed, 0
 * reused an up-to-date ASID.
 *
 * In a guest with paravirtual remote flushes (KVM's kvm_flush_tlb_multi,
 * PVM's PVM_HC_FLUSH_TLB_MULTI hypercall) "remote IPI send" is still
 * traced but some or all IPIs are not sent: the replay tells (replay.h).
 *
 * tlb_flush has no address, so the site and range of each flush are
 * inferred from what the same task is doing (its syscall, its fault).
 */
#include <string.h>

#include "adapt-local.h"

/* tlb:tlb_flush's reason field, decoded: the contract carries no raw value. */
static enum tlbr_x86_reason x86_reason_of(uint64_t raw)
{
	int v = (int)raw;

	if (v < 0)
		return TLBR_X86_NONE;
	return v < TLBR_X86_REASON__COUNT ? (enum tlbr_x86_reason)v : TLBR_X86_OTHER;
}

static bool sym_is(const char *sym, const char *name)
{
	size_t n = strlen(name);

	return sym && !strncmp(sym, name, n) && (sym[n] == '\0' || sym[n] == '+');
}

static enum tlbr_site site_of_syscall(int nr)
{
	switch (nr) {
	case TLBR_SYS_MPROTECT:
		return TLBR_SITE_MPROTECT;
	case TLBR_SYS_MUNMAP:
	case TLBR_SYS_MADVISE:
	case TLBR_SYS_BRK:
	case TLBR_SYS_MMAP:	/* MAP_FIXED over an existing mapping unmaps it */
		return TLBR_SITE_ZAP;
	case TLBR_SYS_MREMAP:
		return TLBR_SITE_MREMAP;
	case TLBR_SYS_CLONE:
	case TLBR_SYS_CLONE3:
	case TLBR_SYS_FORK:
	case TLBR_SYS_VFORK:
		return TLBR_SITE_FORK;
	case TLBR_SYS_EXECVE:
		return TLBR_SITE_EXEC;
	case TLBR_SYS_EXIT_GROUP:
		return TLBR_SITE_EXIT;
	default:
		return TLBR_SITE_UNKNOWN;
	}
}

/* The syscall's address range, page aligned, if it has one. */
static bool syscall_range(const struct tlbr_task *t, uint64_t *start, uint64_t *end)
{
	uint64_t a = t->sys_args[0], len;

	switch (t->in_sys - 1) {
	case TLBR_SYS_MPROTECT:
	case TLBR_SYS_MUNMAP:
	case TLBR_SYS_MADVISE:
	case TLBR_SYS_MREMAP:
		len = t->sys_args[1];
		break;
	default:
		return false;
	}
	if (!len || a + len < a)
		return false;
	*start = a & TLBR_PAGE_MASK;
	*end = TLBR_PAGE_ALIGN(a + len);
	return true;
}

void tlbr_adapt_infer_site(const struct tlbr_task *t, struct tlbr_ev_flush *f, bool prot_known)
{
	bool cow = prot_known ? (t->fault_error & (TLBR_PF_PROT | TLBR_PF_WRITE)) ==
					(TLBR_PF_PROT | TLBR_PF_WRITE) :
				(t->fault_error & TLBR_PF_WRITE) != 0;

	f->flags |= TLBR_FLUSH_SITE_INFERRED;
	if (t->migrating || t->reclaiming ||
	    (t->kthread && (!strncmp(t->comm, "kswapd", 6) || !strncmp(t->comm, "kcompactd", 9))))
		f->site = TLBR_SITE_RECLAIM;
	else if (t->in_sys == TLBR_SYS_IOCTL + 1)
		f->site = t->sys_args[1] == TLBR_UFFDIO_MOVE ? TLBR_SITE_UFFD_MOVE :
							      TLBR_SITE_UNKNOWN;
	else if (t->in_sys)
		f->site = site_of_syscall(t->in_sys - 1);
	else if (t->exited)
		f->site = TLBR_SITE_EXIT;
	else if (t->in_fault)
		f->site = cow ? TLBR_SITE_COW : TLBR_SITE_FAULT;
	else
		f->site = TLBR_SITE_UNKNOWN;
}

/* Fill in site, range and scope of a flush issued by @t. */
static void infer(struct tlbr_task *t, enum tlbr_x86_reason reason, uint64_t pages,
		  struct tlbr_ev_flush *f)
{
	f->flags = 0;
	f->x86_reason = reason;
	f->pages = pages;
	f->scope = pages == TLBR_PAGES_ALL ? TLBR_SCOPE_MM : pages == 1 ? TLBR_SCOPE_PAGE :
									 TLBR_SCOPE_RANGE;
	tlbr_adapt_infer_site(t, f, true);
	/*
	 * a new child's one-page flush before it first returns to user space:
	 * schedule_tail()'s put_user() of the child's tid (CLONE_CHILD_SETTID),
	 * or, after the traced return from clone, exit_to_user_mode_loop's
	 * rseq_handle_notify_resume() (the child's rseq area: glibc registers
	 * one per thread), writes a page fork write-protected: a kernel-mode
	 * write fault (not page_fault_user) -> do_wp_page -> wp_page_copy ->
	 * ptep_clear_flush, a COW break (arm64's census counts it under cow too)
	 */
	if (f->site == TLBR_SITE_UNKNOWN && t->fresh && pages == 1)
		f->site = TLBR_SITE_COW;
	/*
	 * a one-page flush after a kernel-mode write fault on a present page in
	 * a syscall (page_fault_kernel: copy_to_user, get_user_pages with
	 * FOLL_WRITE): do_wp_page -> wp_page_copy -> ptep_clear_flush, a COW
	 * of that page (arm64's census: clear_flush, cow); user faults are
	 * never in a syscall, so only a trace with page_fault_kernel has these
	 */
	if (t->in_sys && t->in_fault && pages == 1 && f->site != TLBR_SITE_RECLAIM &&
	    (t->fault_error & (TLBR_PF_PROT | TLBR_PF_WRITE)) == (TLBR_PF_PROT | TLBR_PF_WRITE)) {
		f->site = TLBR_SITE_COW;
		f->start = t->fault_addr & TLBR_PAGE_MASK;
		f->end = f->start + 0x1000;
		f->flags |= TLBR_FLUSH_RANGE_INFERRED;
		t->in_fault = false;
		return;
	}
	/*
	 * mremap shrinking [addr, addr + old_len) to new_len unmaps the cut
	 * tail first (mremap_to()/mremap(): do_vmi_munmap(addr + new_len,
	 * old_len - new_len), an mmu_gather: tlb_finish_mmu) and only then
	 * moves what is left (move_page_tables: move_ptes' flush). The first
	 * flush of exactly the tail's pages is that unmap: site zap, as the
	 * arm64 census has it; the moves stay mremap.
	 */
	/*
	 * a shrink without MREMAP_FIXED or MREMAP_DONTUNMAP moves nothing: it
	 * only unmaps the tail (mremap(): "Always allow a shrinking remap:
	 * that just unmaps the unnecessary pages", do_mas_munmap on 6.1,
	 * do_vmi_munmap later): every flush of it is that unmap, of as many
	 * pages as the tail had present (the mmu_gather's range), site zap
	 */
	if (f->site == TLBR_SITE_MREMAP && !(t->sys_args[3] & (TLBR_MREMAP_FIXED |
							       TLBR_MREMAP_DONTUNMAP)) &&
	    t->sys_args[2] < t->sys_args[1]) {
		f->site = TLBR_SITE_ZAP;
		if (pages != TLBR_PAGES_ALL) {
			f->start = TLBR_PAGE_ALIGN(t->sys_args[0] + t->sys_args[2]);
			f->end = TLBR_PAGE_ALIGN(t->sys_args[0] + t->sys_args[1]);
			f->flags |= TLBR_FLUSH_RANGE_INFERRED;
		}
		return;
	}
	if (f->site == TLBR_SITE_MREMAP && !t->mremap_shrunk && pages != TLBR_PAGES_ALL) {
		uint64_t old_end = TLBR_PAGE_ALIGN(t->sys_args[0] + t->sys_args[1]);
		uint64_t new_end = TLBR_PAGE_ALIGN(t->sys_args[0] + t->sys_args[2]);

		if (new_end < old_end && pages == (old_end - new_end) >> TLBR_PAGE_SHIFT) {
			t->mremap_shrunk = true;
			f->site = TLBR_SITE_ZAP;
			f->start = new_end;
			f->end = old_end;
			f->flags |= TLBR_FLUSH_RANGE_INFERRED;
			return;
		}
	}
	if (reason == TLBR_X86_LOCAL_SHOOTDOWN) {	/* arch_tlbbatch_flush: everything, no mm */
		f->site = TLBR_SITE_RECLAIM;
		f->scope = TLBR_SCOPE_ALL;
	} else if (t->in_sys == TLBR_SYS_EXECVE + 1 && !t->exec_done &&
		   reason == TLBR_X86_REMOTE_SEND_IPI) {
		/*
		 * Before sched_process_exec, exec_mmap() has switched to the
		 * new mm and mmput()s the old one: exit_mmap's tlb_finish_mmu
		 * flushes the old mm, page tables freed (the local CPU is no
		 * longer on it, so only "remote IPI send" is traced). A local
		 * flush there is the new mm's (shift_arg_pages()).
		 */
		f->site = TLBR_SITE_EXIT;
		f->scope = TLBR_SCOPE_MM;
		f->flags |= TLBR_FLUSH_FREES_TABLES;
	} else if (f->site == TLBR_SITE_EXIT) {
		f->scope = TLBR_SCOPE_MM;	/* exit_mmap: fullmm, tables freed */
		f->flags |= TLBR_FLUSH_FREES_TABLES;
	} else if (f->site == TLBR_SITE_RECLAIM || f->site == TLBR_SITE_EXIT) {
		/* no range to infer */
	} else if (t->in_sys) {
		if (pages != TLBR_PAGES_ALL && syscall_range(t, &f->start, &f->end))
			f->flags |= TLBR_FLUSH_RANGE_INFERRED;
	} else if (t->in_fault && pages == 1) {
		f->start = t->fault_addr & TLBR_PAGE_MASK;
		f->end = f->start + 0x1000;
		f->flags |= TLBR_FLUSH_RANGE_INFERRED;
		/*
		 * a fault makes at most one such flush: do_wp_page() ->
		 * wp_page_copy() -> ptep_clear_flush() -> flush_tlb_page(),
		 * and wp_page_reuse() none; a later one-page flush before the
		 * task's next fault or traced syscall is not this fault's (a
		 * syscall the recording leaves out: move_pages()'
		 * try_to_migrate_one() without migrate:* events, a remote COW
		 * of process_vm_writev()), as infer() has it in a syscall
		 */
		t->in_fault = false;
	}
}

/*
 * Is the "remote IPI send" of @t arch_tlbbatch_flush()? It flushes
 * everything (TLB_FLUSH_ALL) for the pages that try_to_unmap() queued with
 * TTU_BATCH_FLUSH: reclaim (kswapd, direct reclaim), migration, and
 * madvise(MADV_PAGEOUT) (reclaim_pages()).
 */
static bool is_batch_flush(const struct tlbr_task *t, uint64_t pages)
{
	if (pages != TLBR_PAGES_ALL)
		return false;
	if (t->reclaiming || t->migrating)
		return true;
	if (t->kthread && (!strncmp(t->comm, "kswapd", 6) || !strncmp(t->comm, "kcompactd", 9)))
		return true;
	return t->in_sys == TLBR_SYS_MADVISE + 1 && t->sys_args[2] == TLBR_MADV_PAGEOUT;
}

static int on_tlb_flush(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_task *t,
			struct tlbr_event *out)
{
	struct adapt_cpu *c = &a->cpu[rec->cpu];
	enum tlbr_x86_reason reason = x86_reason_of(rec->val[0]);
	uint64_t pages = rec->val[1];

	/* x86 reports a full flush as TLB_FLUSH_ALL, -1, in an unsigned long */
	if (pages == UINT64_MAX || pages == 0xffffffffULL)
		pages = TLBR_PAGES_ALL;

	switch (reason) {
	case TLBR_X86_REMOTE_WRONG_CPU:
		if (c->op_task == t->id && !c->ipi_from) {
			/* the issuer's own flush_tlb_func: in mm_cpumask, mm not loaded */
			c->op_task = 0;
			return 0;
		}
		/* fall through */
	case TLBR_X86_REMOTE_SHOOTDOWN:
		/*
		 * The answer to another CPU's IPI, in interrupt context: a
		 * shootdown this CPU has in progress goes on (two CPUs can
		 * interrupt each other, each waiting in on_each_cpu_cond_mask())
		 */
		c->ipi_from &= c->ipi_from - 1;
		tlbr_adapt_ev_init(out, TLBR_EV_FLUSH_REMOTE, rec, t);
		out->remote.pages = pages;
		out->remote.wrong_cpu = reason == TLBR_X86_REMOTE_WRONG_CPU;
		return 1;
	case TLBR_X86_LOCAL_SHOOTDOWN:
	case TLBR_X86_LOCAL_MM_SHOOTDOWN:
		if (c->op_task == t->id) {
			/* the local half of the shootdown issued by the same task */
			c->op_task = 0;
			return 0;
		}
		c->op_task = 0;
		tlbr_adapt_ev_init(out, TLBR_EV_FLUSH, rec, t);
		out->flush.exec = TLBR_EXEC_LOCAL;
		infer(t, reason, pages, &out->flush);
		return 1;
	case TLBR_X86_REMOTE_SEND_IPI:
		/* the previous shootdown of this CPU waited for all its IPIs */
		for (int k = 0; k < TLBR_MAX_CPUS && rec->cpu < 64; k++)
			a->cpu[k].ipi_from &= ~(1ULL << rec->cpu);
		c->op_task = t->id;
		c->csd_flush = 0;
		tlbr_adapt_ev_init(out, TLBR_EV_FLUSH, rec, t);
		out->flush.exec = TLBR_EXEC_IPI;
		c->op_batch = is_batch_flush(t, pages);
		/* arch_tlbbatch_flush: its local half will say "local shootdown" */
		infer(t, c->op_batch ? TLBR_X86_LOCAL_SHOOTDOWN : reason, pages, &out->flush);
		out->flush.x86_reason = reason;
		if (c->op_batch || out->flush.site == TLBR_SITE_RECLAIM)
			out->mm = 0;	/* the batch's cpumask, no mm: not the task's */
		return 1;
	case TLBR_X86_TASK_SWITCH:
		c->op_task = 0;
		tlbr_adapt_ev_init(out, TLBR_EV_FLUSH, rec, t);
		out->flush.exec = TLBR_EXEC_LOCAL;
		out->flush.site = TLBR_SITE_SWITCH;
		out->flush.x86_reason = reason;
		out->flush.pages = pages;
		out->flush.scope = TLBR_SCOPE_MM;
		return 1;
	default:
		c->op_task = 0;
		tlbr_adapt_ev_init(out, TLBR_EV_FLUSH, rec, t);
		out->flush.exec = TLBR_EXEC_LOCAL;
		infer(t, reason, pages, &out->flush);
		out->flush.site = TLBR_SITE_UNKNOWN;
		return 1;
	}
}

static int on_ipi(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_task *t,
		  struct tlbr_event *out)
{
	struct adapt_cpu *c = &a->cpu[rec->cpu];
	const char *site = (rec->have & 2) ? rec->str[1] : NULL;
	const char *cb = rec->str[2];
	struct tlbr_cpuset targets;
	bool by_context = false;
	int n = 0;

	memset(&targets, 0, sizeof(targets));
	if (rec->def->id == TLBR_RAW_IPI_SEND_CPU)
		tlbr_cpuset_set(&targets, (unsigned int)rec->val[0]);
	else
		targets = rec->mask;

	if (sym_is(cb, "do_kernel_range_flush") || sym_is(cb, "do_flush_tlb_all")) {
		tlbr_adapt_ev_init(&out[n], TLBR_EV_FLUSH, rec, t);
		out[n].mm = 0;
		out[n].flush.site = TLBR_SITE_KERNEL;
		out[n].flush.exec = TLBR_EXEC_IPI;
		out[n].flush.scope = sym_is(cb, "do_flush_tlb_all") ? TLBR_SCOPE_ALL :
								      TLBR_SCOPE_RANGE;
		out[n].flush.pages = TLBR_PAGES_ALL;
		out[n].flush.x86_reason = -1;
		n++;
	} else if (sym_is(cb, "flush_tlb_func")) {
		if (c->op_task != t->id)
			c->op_task = 0;
	} else if (c->op_task == t->id && (!site || sym_is(site, "on_each_cpu_cond_mask") ||
					   sym_is(site, "smp_call_function_many_cond"))) {
		/*
		 * Since 6.x the callback is the generic IPI handler; the IPI
		 * is the shootdown's when it follows "remote IPI send" from
		 * the same task, sent by on_each_cpu_cond_mask.
		 */
		by_context = true;
	} else {
		/*
		 * some other cross-CPU call (a reschedule, text patching, a
		 * kworker's): not a shootdown, counted apart; a shootdown in
		 * progress here goes on
		 */
		tlbr_adapt_ev_init(&out[n], TLBR_EV_IPI_OTHER, rec, t);
		out[n].ipi.targets = targets;
		return n + 1;
	}
	for (int k = 0; k < TLBR_MAX_CPUS && rec->cpu < 64; k++)
		if (k != rec->cpu && tlbr_cpuset_test(&targets, (unsigned int)k))
			a->cpu[k].ipi_from |= 1ULL << rec->cpu;
	tlbr_adapt_ev_init(&out[n], TLBR_EV_FLUSH_IPI, rec, t);
	out[n].ipi.targets = targets;
	out[n].ipi.inferred = by_context;
	return n + 1;
}

/*
 * How the shootdown in progress on the CPU reaches a target without an
 * IPI. smp_call_function_many_cond() (on_each_cpu_cond_mask() from
 * native_flush_tlb_multi()) queues flush_tlb_func() on every target
 * should_flush_tlb() picks, tracing csd_queue_cpu(cpu, callsite, func,
 * csd) for each; with one target (llist_add() found its queue empty) it
 * calls send_call_function_single_ipi(), and there
 * call_function_single_prep_ipi() sends no IPI to a CPU whose idle task is
 * polling (set_nr_if_polling(): TIF_POLLING_NRFLAG) and traces
 * sched_wake_idle_without_ipi(cpu) instead: the target runs the CSD from
 * its idle loop (flush_smp_call_function_queue()). With several targets,
 * send_call_function_ipi_mask() interrupts them all. Every record of these
 * is in the sender's task, between its "remote IPI send" and the local
 * half, or in the target's interrupt or idle loop (csd_function_entry, and
 * any of them from an interrupt): none ends a shootdown in progress.
 * csd_function_entry with csd (nil) is the sender's own flush_tlb_func()
 * (csd_do_func(func, info, NULL), SCF_RUN_LOCAL); on a target it is the
 * CSD's: the adapter reads neither (the target's tlb_flush record answers).
 */
static int on_csd(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_task *t,
		  struct tlbr_event *out)
{
	struct adapt_cpu *c = &a->cpu[rec->cpu];
	unsigned int k = (unsigned int)rec->val[0];
	bool queued;

	/* sched_ttwu_pending() entered: its sched_wakeup names the csd's task (on_wakeup()) */
	if (rec->def->id == TLBR_RAW_CSD_FUNC_ENTRY && (rec->have & 3) == 3 && rec->str[0] &&
	    sym_is(rec->str[0], "sched_ttwu_pending")) {
		const struct tlbr_task *w = tlbr_task_by_id(a, tlbr_wake_csd_get(a, rec->val[1]));

		c->wake_csd = rec->val[1];
		/*
		 * the wakee the csd names is activated here now (ttwu_do_activate())
		 * and the idle CPU schedules it: it runs here
		 */
		if (w && !w->freed && !w->kthread && w->mm) {
			tlbr_adapt_ev_init(out, TLBR_EV_WAKE_LIST, rec, t);
			tlbr_cpuset_set(&out->ipi.targets, (unsigned int)rec->cpu);
			out->ipi.wakee = w->id;
			out->ipi.wakee_mm = w->mm;
			return 1;
		}
	}
	if (rec->def->id == TLBR_RAW_CSD_FUNC_ENTRY || k >= TLBR_MAX_CPUS || (int)k == rec->cpu)
		return 0;
	if (rec->def->id == TLBR_RAW_CSD_QUEUE) {
		a->csd_traced = true;
		/*
		 * ttwu_queue_wakelist() -> __ttwu_queue_wakelist(): the wakee's
		 * wake_entry queued on the CPU it will run on, which runs
		 * sched_ttwu_pending() -> ttwu_do_activate() there; the csd is
		 * the wakee's &p->wake_entry, named where an earlier
		 * sched_ttwu_pending() traced its sched_wakeup (its own
		 * sched_wakeup and its switch from idle may be missing: this
		 * project's 6.18 VMs lose about half the switches from idle).
		 * Only where the trace names the function (a perf.data carries
		 * no kernel symbols)
		 */
		if (rec->str[2] && sym_is(rec->str[2], "sched_ttwu_pending")) {
			const struct tlbr_task *w =
				(rec->have & 8) ? tlbr_task_by_id(a, tlbr_wake_csd_get(a, rec->val[3])) :
						  NULL;

			tlbr_adapt_ev_init(out, TLBR_EV_WAKE_LIST, rec, t);
			tlbr_cpuset_set(&out->ipi.targets, k);
			out->ipi.queued = true;	/* not run yet */
			if (w && !w->freed && !w->kthread) {
				out->ipi.wakee = w->id;
				out->ipi.wakee_mm = w->mm;
			}
			return 1;
		}
		/*
		 * func is flush_tlb_func; a perf.data carries no kernel symbols
		 * (func unknown): by context, the shootdown in progress of the
		 * task
		 */
		if (c->op_task != t->id || (rec->str[2] && !sym_is(rec->str[2], "flush_tlb_func")))
			return 0;	/* another CSD's: a wakeup's, a kworker's */
		if (k < 64)
			c->csd_flush |= 1ULL << k;
		tlbr_adapt_ev_init(out, TLBR_EV_FLUSH_CSD, rec, t);
		tlbr_cpuset_set(&out->ipi.targets, k);
		out->ipi.queued = true;
		out->ipi.inferred = !rec->str[2];
		return 1;
	}
	/*
	 * sched_wake_idle_without_ipi: of the shootdown in progress when its
	 * task traced it (else a wakeup's, ttwu_queue_wakelist(), or a
	 * reschedule's, resched_curr()). Confirmed where the trace shows the
	 * CSD it woken the target for (csd_queue_cpu of flush_tlb_func, just
	 * before); by context only where the trace has no csd_queue_cpu.
	 */
	if (c->op_task != t->id)
		return 0;
	queued = k < 64 && (c->csd_flush & (1ULL << k));
	if (!queued && a->csd_traced)
		return 0;	/* another CSD's (an interrupt's wakeup): not the shootdown's */
	if (k < 64)
		c->csd_flush &= ~(1ULL << k);
	if (rec->cpu < 64)
		a->cpu[k].ipi_from |= 1ULL << rec->cpu;	/* its answer is the CSD's */
	tlbr_adapt_ev_init(out, TLBR_EV_FLUSH_CSD, rec, t);
	tlbr_cpuset_set(&out->ipi.targets, k);
	out->ipi.inferred = !queued;
	return 1;
}

/* gfp_t bits, the same from 4.x to 6.18 (include/linux/gfp_types.h: ___GFP_*) */
#define GFP_MOVABLE_BIT (1ULL << 3)
#define GFP_COMP_BIT (1ULL << 18)
#define GFP_NOMEMALLOC_BIT (1ULL << 19)

/*
 * Is kmem:mm_page_alloc's allocation a transparent huge page of the fault
 * @t is in? do_huge_pmd_anonymous_page() allocates it only where the PMD
 * is none and the VMA covers the aligned 2 MiB (transhuge_vma_suitable),
 * with vma_thp_gfp_mask(): GFP_TRANSHUGE_LIGHT (__GFP_MOVABLE, __GFP_COMP
 * and __GFP_NOMEMALLOC) at least, __alloc_pages traces it (pfn -1 when it
 * failed: 6.1's vma_alloc_folio tries the local node first, with
 * __GFP_THISNODE | __GFP_NORETRY, then any), and the fault maps it by one
 * huge PMD unless the memory cgroup refuses it, another thread's fault
 * filled the PMD first, or userfaultfd takes the fault (the model then
 * holds more pages than the kernel mapped, never fewer). No other
 * allocation a fault makes is one: the page cache's (readahead_gfp_mask:
 * no __GFP_NOMEMALLOC), the huge zero page's (GFP_TRANSHUGE without
 * __GFP_MOVABLE), an mTHP's (order below 9). Text renders the flags by
 * name: GFP_TRANSHUGE and GFP_TRANSHUGE_LIGHT both name those bits.
 */
static bool thp_alloc(const struct tlbr_record *rec)
{
	uint64_t pfn = rec->val[0], gfp = rec->val[2];
	uint64_t want = GFP_MOVABLE_BIT | GFP_COMP_BIT | GFP_NOMEMALLOC_BIT;

	if ((rec->have & 7) != 7 || rec->val[1] != 9 || !pfn || pfn == UINT64_MAX ||
	    pfn == 0xffffffffULL)
		return false;
	if (rec->str[2])
		return strstr(rec->str[2], "GFP_TRANSHUGE") != NULL;
	return (gfp & want) == want;
}

int tlbr_adapt_x86(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_task *t,
		   struct tlbr_event *out)
{
	switch (rec->def->id) {
	case TLBR_RAW_TLB_FLUSH:
		return on_tlb_flush(a, rec, t, out);
	case TLBR_RAW_IPI_SEND_CPU:
	case TLBR_RAW_IPI_SEND_CPUMASK:
		return on_ipi(a, rec, t, out);
	case TLBR_RAW_CSD_QUEUE:
	case TLBR_RAW_CSD_FUNC_ENTRY:
	case TLBR_RAW_WAKE_IDLE_NO_IPI:
		return on_csd(a, rec, t, out);
	case TLBR_RAW_PAGE_FAULT_KERNEL:
		/*
		 * a fault of kernel mode on a user address (the upper half is
		 * the kernel's: bit 63 set) by a task with an address space
		 * (not a kernel thread's, which has none of its own): the
		 * kernel writing (copy_to_user) or reading user memory. It
		 * does not return the task to user space (t->fresh stays:
		 * schedule_tail's put_user is one), and the flush it may cause
		 * is its COW (infer(): in a syscall too). A text trace prints
		 * the address with %ps: a kernel address shows as a symbol,
		 * read as 0 (the page at 0 is never a user mapping:
		 * mmap_min_addr), and skipped too
		 */
		if ((rec->val[0] >> 63) || !rec->val[0] || t->kthread || !t->pid)
			return 0;
		a->cpu[rec->cpu].op_task = 0;
		t->in_fault = true;
		t->fault_huge = false;
		t->fault_addr = rec->val[0];
		t->fault_error = rec->val[2] & ~(uint64_t)TLBR_PF_USER;
		tlbr_adapt_ev_init(out, TLBR_EV_FAULT, rec, t);
		out->fault.addr = rec->val[0];
		out->fault.ip = rec->val[1];
		out->fault.error_code = t->fault_error;
		return 1;
	case TLBR_RAW_PAGE_ALLOC:
		/*
		 * the huge page of the fault the task is in (one a fault: a
		 * second is not that fault's): the fault maps the whole
		 * aligned 2 MiB by one PMD. The task's own record: a fault
		 * leaves user mode, its allocation comes before the task
		 * returns there (no event of its own between but a switch, an
		 * IPI); an x86 shootdown in progress on the CPU goes on
		 */
		if (!t->in_fault || t->fault_huge || t->kthread || (t->fault_addr >> 63) ||
		    !thp_alloc(rec))
			return 0;
		t->fault_huge = true;
		tlbr_adapt_ev_init(out, TLBR_EV_HUGE, rec, t);
		out->huge.kind = TLBR_HUGE_FAULT;
		out->huge.addr = t->fault_addr & ~0x1fffffULL;
		out->huge.at = t->fault_addr & TLBR_PAGE_MASK;
		out->huge.outcome = 1;
		out->huge.alloc = true;
		return 1;
	case TLBR_RAW_PAGE_FAULT_USER:
		a->cpu[rec->cpu].op_task = 0;
		t->fault_huge = false;
		t->in_fault = true;
		t->fresh = false;
		t->fault_addr = rec->val[0];
		t->fault_error = rec->val[2];
		tlbr_adapt_ev_init(out, TLBR_EV_FAULT, rec, t);
		out->fault.addr = rec->val[0];
		out->fault.ip = rec->val[1];
		out->fault.error_code = rec->val[2];
		return 1;
	default:
		return 0;
	}
}
