// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * adapt-arm64.c - the arm64 vocabulary: kprobes tlbreplay record places on
 * the out-of-line flush and fault sites (arm64 has neither tlb:tlb_flush
 * nor exceptions:page_fault_user; its TLBIs are inlined). Events of system
 * "tlbr" (see tlbreplay-record(1)):
 *
 *   fault         handle_mm_fault            addr flags mm      a user fault
 *   set_access(_r) __ptep_set_access_flags   addr dirty mm / changed
 *                                            a write-fault reuse flush (dirty, changed)
 *   clear_flush   ptep_clear_flush           addr mm            COW copy, migration
 *   zap_vma       unmap_page_range           mm start end fullmm one VMA's zap: tlb_end_vma
 *                                            flushes the PTEs it cleared (present ones)
 *   gather_flush  tlb_flush_mmu              mm start end fullmm freed_tables
 *   gather_end    tlb_finish_mmu             (the same)         the gather's last flush,
 *                                            where tlb_flush_mmu is inlined into it
 *                                            (after zap_vma: the page-table frees)
 *   chprot(_r)    change_protection          start end / pages  mprotect, NUMA
 *   fork_mm       dup_mmap                   oldmm              fork's flush_tlb_mm
 *   move_pt(_r)   move_page_tables           addr len new / moved
 *                                            a page-table move (exec's stack shift,
 *                                            mremap): move_ptes flushes the old range
 *   contpte       contpte_convert            addr mm            a contpte block (un)folded:
 *                                            its 16 PTEs cleared and flushed
 *   thp_fault(_r) do_huge_pmd_anonymous_page addr mm / ret      a huge page mapped by a PMD,
 *                                            or a fallback to PTEs (VM_FAULT_FALLBACK)
 *   thp_wp        do_huge_pmd_wp_page        addr mm            a write fault on a huge PMD
 *   thp_split     __split_huge_pmd           addr mm (pmd)      a huge PMD split (the PMD's
 *                                            value at the call: huge or not)
 *   thp_collapse  collapse_huge_page         addr mm            khugepaged's collapse
 *   unmap_one     try_to_unmap_one           addr mm            reclaim unmap (batched)
 *   unmap_flush   try_to_unmap_flush                            the batch's completion
 *   batch_pend    flush_tlb_batched_pending  mm                 pending batch synced
 *   pmd_unshare   huge_pmd_unshare           addr mm shares     a hugetlb PMD table unshared
 *                                            (shares: ptdesc pt_share_count before)
 *   asid_roll     flush_context                                 ASID generation rollover
 *   map_ptes      set_pte_range (do_set_pte)  addr nr mm         PTEs a fault made: its own
 *                                            page's and fault-around's
 *   tlbi_N        a TLBI instruction          site op (ret)      the census (see below)
 *
 * set_access's "cont" (PTE_CONT of the new entry) is always 0: arm64's
 * ptep_set_access_flags() makes the entry non-contiguous (pte_mknoncont)
 * before any call the probe sees, so it is ignored. A contpte block shows
 * as the kernel walks it (contpte_ptep_set_access_flags(), 6.9 on):
 * - the write bit changes (a reuse): __contpte_try_unfold -> contpte_convert
 *   (the contpte probe: break-before-make, the 16 PTEs cleared and
 *   flushed by a broadcast range), then one __ptep_set_access_flags(dirty)
 *   of the faulting page (set_access): its flush, a one-page reuse;
 * - it does not (access/dirty bits: a write to a writable-clean PTE without
 *   hardware DBM): 16 __ptep_set_access_flags(dirty 0) calls, one per page
 *   of the aligned block in order, then, in a write fault, one
 *   __flush_tlb_range of the block (inlined, so not probed): the 16th call
 *   of such a run in a write fault is that flush (site wp-reuse, flag
 *   contpte), broadcast today, local_flush_tlb_contpte() under seed 000.
 *
 * The census: tlbreplay record finds every TLBI instruction of the kernel
 * and probes it as tlbi_N; "tlbreplay-tlbi N OP broadcast|local FUNC+OFF"
 * markers describe the sites. A flush operation is a run of TLBIs of one
 * function on one CPU with nothing else between, ended by the DSB that
 * completes it where the census probed one (op "dsb"); a call of a notrace
 * copy (op "call") is one operation; one the kernel refused a kprobe for may
 * be probed after it, with x30 (ret): a call only where x30 is its return
 * address. Each TLBI executed becomes a TLBR_EV_TLBI
 * attributed to the flush site of the function probe its task is in (or,
 * outside one, of its function: reclaim, kernel ranges, context switch).
 *
 * Every flush is a broadcast (TLBI IS) as the kernel executed it; the site
 * comes from the probe, or from the task's context where a probe serves
 * several (tlb_flush_mmu).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "adapt-local.h"

static int adapt_arm64_probe(struct tlbr_adapter *a, const struct tlbr_record *rec,
			     struct tlbr_task *t, struct tlbr_event *out);

#define CONT_MASK_4K (~0xffffULL)	/* CONT_PTES (16) x 4 KiB */
#define PUD_MASK_4K (~0x3fffffffULL)	/* a PMD table maps 1 GiB */
#define FAULT_FLAG_WRITE 0x1
#define FAULT_FLAG_USER 0x40
#define FAULT_FLAG_INSTRUCTION 0x100

/* Learn which kernel mm pointer the task's address space is. */
static void learn_mm(struct tlbr_adapter *a, const struct tlbr_task *t, uint64_t kptr)
{
	struct tlbr_mm *m = tlbr_mm_by_id(a, t->mm);

	if (m && kptr)
		m->kptr = kptr;
}

/* The address space behind a kernel pointer (reclaim runs in kswapd). */
static uint32_t mm_of_kptr(struct tlbr_adapter *a, uint64_t kptr)
{
	unsigned int i;

	for (i = a->nmms; kptr && i > 0; i--) {
		const struct tlbr_mm *m = tlbr_mm_by_id(a, i);

		if (m->kptr == kptr && !m->torn_down)
			return m->id;
	}
	return 0;
}

static void flush_init(struct tlbr_event *out, const struct tlbr_record *rec, struct tlbr_task *t,
		       enum tlbr_scope scope, uint64_t start, uint64_t end)
{
	tlbr_adapt_ev_init(out, TLBR_EV_FLUSH, rec, t);
	out->flush.exec = TLBR_EXEC_BROADCAST;
	out->flush.scope = scope;
	out->flush.start = start;
	out->flush.end = end;
	out->flush.pages = scope == TLBR_SCOPE_MM || scope == TLBR_SCOPE_ALL ?
				   TLBR_PAGES_ALL : (end - start) >> TLBR_PAGE_SHIFT;
	out->flush.x86_reason = TLBR_X86_NONE;
}

/* "N OP broadcast|local FUNCTION+0xOFF [status]": one census site. */
int tlbr_adapt_census_line(struct tlbr_adapter *a, const char *line)
{
	char op[16], kind[16], where[96], callee[64] = "";
	const char *x30;
	unsigned int n;

	if (sscanf(line, "%u %15s %15s %95s calls %63s", &n, op, kind, where, callee) < 4 ||
	    n > 65535)
		return 0;
	if (n >= a->ncensus) {
		unsigned int nn = n + 64;
		struct census_site *nc = realloc(a->census, nn * sizeof(*nc));

		if (!nc)
			return -ENOMEM;
		memset(nc + a->ncensus, 0, (nn - a->ncensus) * sizeof(*nc));
		a->census = nc;
		a->ncensus = nn;
	}
	snprintf(a->census[n].op, sizeof(a->census[n].op), "%s", op);
	snprintf(a->census[n].function, sizeof(a->census[n].function), "%.*s",
		 (int)strcspn(where, "+"), where);
	snprintf(a->census[n].callee, sizeof(a->census[n].callee), "%s", callee);
	a->census[n].broadcast = !strcmp(kind, "broadcast");
	a->census[n].known = true;
	/* record/census.c: "... the kernel refused the kprobe: ..." (at each of six tries) */
	a->census[n].refused = strstr(line, " the kernel refused the kprobe") != NULL;
	snprintf(a->census[n].at, sizeof(a->census[n].at), "%.47s", where);
	/* "... probed after the call at +0xOFF... where x30 is 0xRET" (record/census.c) */
	x30 = strstr(line, " where x30 is 0x");
	a->census[n].ret_want = x30 ? strtoull(x30 + 14, NULL, 16) : 0;
	return 0;
}

/*
 * The broadcast TLBI sites (not DSBs) whose kprobe the kernel refused: the
 * flushes there are missing from the census's counts (the qemu suite's 6.12:
 * move_page_tables+0x590, move_normal_pmd()'s flush_tlb_range() inlined).
 * Their function+offset into @buf, comma-separated. Returns how many. O(sites).
 */
unsigned int tlbr_adapter_census_unprobed(const struct tlbr_adapter *a, char *buf, size_t n)
{
	unsigned int i, k = 0;
	size_t l = 0;

	if (n)
		buf[0] = 0;
	for (i = 0; i < a->ncensus; i++) {
		const struct census_site *c = &a->census[i];

		/* (__kvm_nvhe_*: the hypervisor's EL2 code, no kprobe there, no user flush) */
		if (!c->known || !c->refused || !c->broadcast || !strcmp(c->op, "dsb") ||
		    !strncmp(c->at, "__kvm_nvhe_", 11))
			continue;
		if (l < n)
			l += (size_t)snprintf(buf + l, n - l, "%s%s", k ? ", " : "", c->at);
		k++;
	}
	return k;
}

/*
 * What the traced kernel's arch_flush_tlb_batched_pending does: since the
 * 2025 fix flush_tlb_mm (a TLBI ASIDE1IS the census finds in
 * flush_tlb_batched_pending), from 6.5 to the fix a dsb(ish) (a census
 * without such a TLBI); no census: unknown.
 */
static enum tlbr_pend_how pend_how(struct tlbr_adapter *a)
{
	unsigned int i;

	if (a->pend_how)
		return (enum tlbr_pend_how)(a->pend_how - 1);
	a->pend_how = a->ncensus ? TLBR_PEND_DSB + 1 : TLBR_PEND_UNKNOWN + 1;
	for (i = 0; i < a->ncensus; i++)
		if (a->census[i].known && a->census[i].broadcast && strcmp(a->census[i].op, "dsb") &&
		    !strcmp(a->census[i].function, "flush_tlb_batched_pending"))
			a->pend_how = TLBR_PEND_FLUSH_MM + 1;
	return (enum tlbr_pend_how)(a->pend_how - 1);
}

/* The flush site of a TLBI outside any function probe, from its function. */
static enum tlbr_site site_of_function(const struct tlbr_task *t, const char *fn)
{
	/* page-table moves: exec's stack shift, mremap (no flush probe reports them) */
	if (strstr(fn, "move_page_tables") || strstr(fn, "move_ptes"))
		return t && t->in_sys == TLBR_SYS_EXECVE + 1 ? TLBR_SITE_EXEC : TLBR_SITE_MREMAP;
	if (strstr(fn, "purge_vmap") || strstr(fn, "flush_tlb_kernel") || strstr(fn, "vunmap") ||
	    strstr(fn, "vmap"))
		return TLBR_SITE_KERNEL;
	/* flush_tlb_batched_pending: a pending reclaim batch completed (6.12: flush_tlb_mm) */
	/* set_tlb_ubc_flush_pending: arch_tlbbatch_add_pending's TLBI of a batched PTE (6.5) */
	if (strstr(fn, "tlbbatch") || strstr(fn, "try_to_unmap") || strstr(fn, "migrate") ||
	    strstr(fn, "batched_pending") || strstr(fn, "tlb_ubc"))
		return TLBR_SITE_RECLAIM;
	if (strstr(fn, "context"))
		return TLBR_SITE_SWITCH;
	if (strstr(fn, "collapse") || strstr(fn, "khugepaged"))
		return TLBR_SITE_RECLAIM;	/* khugepaged remaps a page table as a huge page */
	/*
	 * the madvise walkers' own gather flush (tlb_end_vma inlined into
	 * madvise_cold, madvise_pageout, madvise_free_single_vma, ...): the
	 * advice's, whatever the walk did before it - a split_huge_page
	 * (madvise_cold_or_pageout_pte_range, madvise_free_pte_range on a
	 * large folio: unmap_folio -> try_to_migrate_one's ptep_clear_flush,
	 * which left the context at fault) or reclaim_pages (PAGEOUT)
	 */
	if (!strncmp(fn, "madvise_", 8))
		return TLBR_SITE_ZAP;
	/*
	 * mmu_gather flushes: tlb_end_vma (inlined into unmap_page_range and
	 * the madvise walkers), zap_pte_range's force_flush, tlb_flush_mmu
	 * and tlb_finish_mmu (page-table frees): munmap, madvise, mremap's
	 * unmaps, brk; in exit (fullmm) the ASID flush of exit_mmap
	 */
	if (strstr(fn, "unmap_page_range") || strstr(fn, "zap_p") || strstr(fn, "unmap_vmas") ||
	    strstr(fn, "unmap_single_vma") || strstr(fn, "zap_page_range") ||
	    strstr(fn, "tlb_flush_mmu") || strstr(fn, "tlb_finish_mmu") ||
	    strstr(fn, "free_pgtables") || strstr(fn, "free_pgd_range") ||
	    strstr(fn, "zap_huge"))
		/*
		 * (not reclaim's: try_to_unmap_one flushes with ptep_clear_flush or
		 * batches, never through a gather)
		 */
		return t && t->a64_ctx_site && t->a64_ctx_site != TLBR_SITE_RECLAIM + 1 ?
			       (enum tlbr_site)(t->a64_ctx_site - 1) :
		       t && (t->exited || t->in_sys == TLBR_SYS_EXIT_GROUP + 1) ?
			       TLBR_SITE_EXIT : TLBR_SITE_ZAP;
	/*
	 * huge PMDs: a split (pmdp_invalidate, the huge zero page's
	 * pmdp_huge_clear_flush) in a fault or in the syscall that splits
	 */
	if (strstr(fn, "pmdp_") || strstr(fn, "huge_pmd")) {
		struct tlbr_ev_flush f = { .site = TLBR_SITE_UNKNOWN };

		if (t && t->a64_ctx_site)
			return (enum tlbr_site)(t->a64_ctx_site - 1);
		if (!t)
			return TLBR_SITE_FAULT;
		tlbr_adapt_infer_site(t, &f, false);
		return f.site == TLBR_SITE_COW || f.site == TLBR_SITE_UNKNOWN ? TLBR_SITE_FAULT :
									       f.site;
	}
	/* fork's flush_tlb_mm(oldmm), where dup_mmap is inlined (6.12: into copy_process) */
	if (strstr(fn, "dup_mm") || strstr(fn, "copy_process"))
		return TLBR_SITE_FORK;
	return TLBR_SITE_UNKNOWN;
}

static int on_tlbi(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_task *t,
		   struct tlbr_event *out)
{
	unsigned int n = (unsigned int)rec->val[0];
	const struct census_site *c = n < a->ncensus && a->census[n].known ? &a->census[n] : NULL;
	const char *fn = c ? c->function : "?";

	/*
	 * a call the kernel refused a kprobe for, probed after it where other
	 * paths pass too (record/census.c, after_call(): 6.12.118's
	 * move_page_tables+0x590, move_normal_pmd()'s flush_tlb_range()): the
	 * call's flush only where x30 is its return address
	 */
	if (c && c->ret_want && (!(rec->have & 4u) || rec->val[2] != c->ret_want))
		return 0;
	/* the DSB that completes a flush: the next TLBI starts another operation */
	if (c && !strcmp(c->op, "dsb")) {
		a->cpu_last_tlbi[rec->cpu] = NULL;
		return 0;
	}
	/*
	 * a call of the copy of arm64's tlb_flush (zap_pte_range's force
	 * flush, tlb_end_vma) for a fullmm gather (exit_mmap) flushes nothing
	 * unless page tables were freed, which unmap_vmas does not do
	 */
	if (c && !strcmp(c->op, "call") && !strcmp(c->callee, "tlb_flush") && t &&
	    (t->a64_fullmm || (t->in_sys == TLBR_SYS_EXIT_GROUP + 1 && !strstr(fn, "tlb_finish")))) {
		a->cpu_last_tlbi[rec->cpu] = NULL;
		return 0;
	}
	/*
	 * contpte_convert's flush is over: the TLBIs that follow are the
	 * interrupted function's own (ptep_clear_flush: ptep_get_and_clear ->
	 * contpte_try_unfold -> contpte_convert flushes the 64 KiB block, then
	 * the COW's flush_tlb_page)
	 */
	if (t && t->a64_ctx_resume && !strstr(fn, "contpte")) {
		t->a64_ctx_site = t->a64_ctx_resume - 1;
		t->a64_ctx_resume = 0;
	}
	tlbr_adapt_ev_init(out, TLBR_EV_TLBI, rec, t);
	out->tlbi.census = n;
	out->tlbi.broadcast = c ? c->broadcast : true;
	out->tlbi.op = c ? c->op : "?";
	out->tlbi.function = fn;
	out->tlbi.has_operand = (rec->have & 2u) != 0;
	out->tlbi.operand = rec->val[1];
	out->tlbi.site = site_of_function(t, fn);
	if (out->tlbi.site == TLBR_SITE_UNKNOWN && t && t->a64_ctx_site)
		out->tlbi.site = (enum tlbr_site)(t->a64_ctx_site - 1);
	/* a call of a notrace copy is a whole flush, DSB included */
	out->tlbi.continues = a->cpu_last_tlbi[rec->cpu] == fn && c && strcmp(c->op, "call");
	a->cpu_last_tlbi[rec->cpu] = c && !strcmp(c->op, "call") ? NULL : fn;
	return 1;
}

int tlbr_adapt_arm64(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_task *t,
		     struct tlbr_event *out)
{
	int n, ctx = t ? t->a64_ctx_site : 0;

	if (rec->def->id == TLBR_RAW_A64_TLBI)
		return on_tlbi(a, rec, t, out);
	if (t)
		t->a64_ctx_resume = 0;	/* another probe: its context, not the one before */
	n = adapt_arm64_probe(a, rec, t, out);
	/*
	 * the flush site of what the task does now, for the TLBIs that follow:
	 * the flush a probe reported, or the reuse set_access is about to flush;
	 * a return probe, a fault or a syscall ends it
	 */
	switch (rec->def->id) {
	case TLBR_RAW_A64_SET_ACCESS:
		t->a64_ctx_site = (t->a64_dirty ? TLBR_SITE_WP_REUSE : TLBR_SITE_FAULT) + 1;
		break;
	case TLBR_RAW_A64_CHPROT:
		t->a64_ctx_site = (t->in_sys == TLBR_SYS_MPROTECT + 1 ? TLBR_SITE_MPROTECT :
								       TLBR_SITE_FAULT) + 1;
		break;
	case TLBR_RAW_A64_SET_ACCESS_RET:
	case TLBR_RAW_A64_CHPROT_RET:
	case TLBR_RAW_A64_FAULT:
		t->a64_ctx_site = 0;
		t->a64_unmap_page = 0;	/* (an unmap that did not flush) */
		break;
	case TLBR_RAW_A64_GATHER_END:
	case TLBR_RAW_A64_GATHER_FLUSH:
		if (n <= 0) {	/* an empty gather: its TLBIs belong to what the task does */
			struct tlbr_ev_flush f = { .site = TLBR_SITE_UNKNOWN };

			tlbr_adapt_infer_site(t, &f, false);
			t->a64_ctx_site = (int)f.site + 1;
			break;
		}
		/* fall through */
	default:
		/* contpte_convert inside ptep_clear_flush (a COW) or a set_access */
		if (rec->def->id == TLBR_RAW_A64_CONTPTE && n > 0 && ctx)
			t->a64_ctx_resume = ctx + 1;
		if (n > 0 && out->kind == TLBR_EV_FLUSH)
			t->a64_ctx_site = (int)out->flush.site + 1;
		break;
	}
	return n;
}

/*
 * A probe that stands for a syscall the recording has no event for (an
 * ioctl's UFFDIO_MOVE, process_madvise's madvise calls): its entry, with
 * the arguments the replay reads, and its return
 */
static void stand_for_syscall(struct tlbr_event *out, const struct tlbr_record *rec,
			      struct tlbr_task *t, enum tlbr_syscall nr, uint64_t a0, uint64_t a1,
			      uint64_t a2)
{
	tlbr_adapt_ev_init(out, TLBR_EV_SYSCALL, rec, t);
	out->sys.nr = nr;
	out->sys.args[0] = a0;
	out->sys.args[1] = a1;
	out->sys.args[2] = a2;
	t->in_sys = nr + 1;
	memcpy(t->sys_args, out->sys.args, sizeof(t->sys_args));
	t->sys_enter_ns = rec->ts_ns;
	t->in_fault = false;
	t->a64_ctx_site = 0;
	t->a64_sys_flushed = false;
}

static void stand_for_return(struct tlbr_event *out, const struct tlbr_record *rec,
			     struct tlbr_task *t, int64_t ret)
{
	tlbr_adapt_ev_init(out, TLBR_EV_SYSCALL_RET, rec, t);
	out->sys.nr = (enum tlbr_syscall)(t->in_sys - 1);
	out->sys.ret = ret;
	memcpy(out->sys.args, t->sys_args, sizeof(out->sys.args));
	out->sys.enter_ns = t->sys_enter_ns;
	out->sys.args_known = true;
	t->in_sys = 0;
	t->a64_ctx_site = 0;
}

/* Does the recording trace every gather's life (metadata gathers=traced)? Looked up once. */
static bool gathers_traced(struct tlbr_adapter *a)
{
	char buf[16];

	if (a->gathers_traced < 0)
		a->gathers_traced = tlbr_metadata_get(a->metadata, "gathers", buf, sizeof(buf)) &&
				    !strcmp(buf, "traced");
	return a->gathers_traced > 0;
}

/* @t's gather is over (tlb_finish_mmu, or its syscall returned): not open any more. O(1). */
void tlbr_adapt_gather_close(struct tlbr_adapter *a, struct tlbr_task *t)
{
	struct tlbr_mm *m = t->a64_gather_mm ? tlbr_mm_by_id(a, t->a64_gather_mm) : NULL;

	if (m && m->gathers_open)
		m->gathers_open--;
	t->a64_gather_mm = 0;
}

/*
 * @t's record after its tlb_finish_mmu probe: that gather's pending count
 * is down (dec_tlb_flush_pending ends tlb_finish_mmu); counted in
 * tlbr_mm.gathers_tail only if @t was switched out since (adapt.c). O(1).
 */
void tlbr_adapt_gather_tail_end(struct tlbr_adapter *a, struct tlbr_task *t)
{
	struct tlbr_mm *m = t->a64_tail_mm ? tlbr_mm_by_id(a, t->a64_tail_mm) : NULL;

	if (m && m->gathers_tail && t->a64_tail_out)
		m->gathers_tail--;
	t->a64_tail_mm = 0;
	t->a64_tail_out = false;
}

static int adapt_arm64_probe(struct tlbr_adapter *a, const struct tlbr_record *rec,
			     struct tlbr_task *t, struct tlbr_event *out)
{
	const uint64_t *v = rec->val;
	uint64_t page;

	switch (rec->def->id) {
	case TLBR_RAW_A64_FAULT:
		learn_mm(a, t, v[2]);
		t->in_fault = true;
		t->fault_huge = true;	/* its huge page: the thp probes say (not an allocation) */
		t->fault_addr = v[0];
		t->fault_error = (v[1] & FAULT_FLAG_WRITE ? TLBR_PF_WRITE : 0) |
				 (v[1] & FAULT_FLAG_USER ? TLBR_PF_USER : 0) |
				 (v[1] & FAULT_FLAG_INSTRUCTION ? TLBR_PF_INSTR : 0);
		tlbr_adapt_ev_init(out, TLBR_EV_FAULT, rec, t);
		out->fault.addr = v[0];
		out->fault.error_code = t->fault_error;
		out->fault.prot_unknown = true;
		return 1;
	case TLBR_RAW_A64_SET_ACCESS:
		learn_mm(a, t, v[2]);
		t->a64_addr = v[0];
		t->a64_dirty = v[1] != 0;
		if (t->a64_dirty) {
			t->a64_cont_n = 0;
			return 0;
		}
		/* contpte_ptep_set_access_flags' loop over the aligned block */
		if (!(v[0] & ~CONT_MASK_4K)) {
			t->a64_cont_n = 1;
		} else if (t->a64_cont_n && v[0] == t->a64_cont_next) {
			t->a64_cont_n++;
		} else {
			t->a64_cont_n = 0;
			return 0;
		}
		t->a64_cont_next = v[0] + 0x1000;
		if (t->a64_cont_n < 16)
			return 0;
		t->a64_cont_n = 0;
		if (!t->in_fault || !(t->fault_error & TLBR_PF_WRITE))
			return 0;	/* if (dirty) __flush_tlb_range(): dirty is the write */
		page = v[0] & CONT_MASK_4K;
		flush_init(out, rec, t, TLBR_SCOPE_RANGE, page, page + 0x10000);
		out->flush.flags |= TLBR_FLUSH_CONTPTE;
		out->flush.site = TLBR_SITE_WP_REUSE;
		return 1;
	case TLBR_RAW_A64_SET_ACCESS_RET:
		/* __ptep_set_access_flags flushes only when it changed a dirty entry */
		if (!t->a64_dirty || !v[0])
			return 0;
		t->a64_dirty = false;
		page = t->a64_addr & TLBR_PAGE_MASK;
		flush_init(out, rec, t, TLBR_SCOPE_PAGE, page, page + 0x1000);
		out->flush.site = TLBR_SITE_WP_REUSE;
		return 1;
	case TLBR_RAW_A64_CLEAR_FLUSH:
		learn_mm(a, t, v[1]);
		page = v[0] & TLBR_PAGE_MASK;
		/*
		 * try_to_unmap_one's own flush where it does not batch
		 * (ptep_clear_flush; arm64 batches from 6.5): the unmap_one
		 * event is that flush; its TLBIs are reclaim's
		 */
		if (t->a64_unmap_page && t->a64_unmap_page == page) {
			t->a64_unmap_page = 0;
			t->a64_ctx_site = TLBR_SITE_RECLAIM + 1;
			return 0;
		}
		flush_init(out, rec, t, TLBR_SCOPE_PAGE, page, page + 0x1000);
		tlbr_adapt_infer_site(t, &out->flush, false);
		/*
		 * a write fault inside a syscall (get_user_pages: madvise's
		 * MADV_POPULATE_WRITE, faultin_page with FOLL_WRITE) copies the
		 * faulting page as a user fault does (wp_page_copy): a COW
		 */
		if (t->in_sys && t->in_fault && (t->fault_error & TLBR_PF_WRITE) &&
		    (t->fault_addr & TLBR_PAGE_MASK) == page && out->flush.site != TLBR_SITE_RECLAIM)
			out->flush.site = TLBR_SITE_COW;
		/* MADV_PAGEOUT: reclaim_pages -> shrink_page_list -> try_to_unmap_one */
		else if (t->in_sys == TLBR_SYS_MADVISE + 1 && t->sys_args[2] == 21)
			out->flush.site = TLBR_SITE_RECLAIM;
		if (out->flush.site != TLBR_SITE_COW && out->flush.site != TLBR_SITE_RECLAIM &&
		    out->flush.site != TLBR_SITE_UFFD_MOVE)
			out->flush.site = TLBR_SITE_FAULT;	/* migration entry, KSM */
		return 1;
	case TLBR_RAW_A64_GATHER_END:
	case TLBR_RAW_A64_GATHER_FLUSH: {
		struct tlbr_mm *gm;
		bool nested = false, maybe_nested = false;

		learn_mm(a, t, v[0]);
		/*
		 * tlb_finish_mmu: where another task's gather of the same mm is
		 * open (mm_tlb_flush_nested: tlb_flush_pending > 1; the trace
		 * shows one from its zap_vma to its tlb_finish_mmu), the gather
		 * becomes fullmm with freed_tables set and tlb_flush_mmu flushes
		 * the whole mm (arm64's tlb_flush: flush_tlb_mm), even a gather
		 * that cleared nothing (the qemu suite's 6.1 usemem: two threads'
		 * MADV_DONTNEED of their stacks at once, zap 3 executed, 1
		 * predicted). Another task's gather not yet at its zap_vma is not
		 * seen: such a flush stays unpredicted.
		 */
		/*
		 * Past the probe, tlb_finish_mmu flushes and frees the gathered
		 * pages (tlb_batch_pages_flush: cond_resched) before its
		 * dec_tlb_flush_pending: a task switched out before its next
		 * record may be switched out there, its gather still counted
		 * (the qemu suite's 6.12-a72 sng-madvise: a DONTNEED thread
		 * preempted there for 3 ms, two other threads' empty COLD and
		 * PAGEOUT gathers each flushed the mm). Another task's
		 * tlb_finish_mmu meanwhile may flush the mm: uncertain. One that
		 * runs on between the probe and its next record (microseconds)
		 * is taken as past the dec: on the 6.1-a72 sng-madvise recording
		 * 1 of the 692 empty gathers that finished in such a window
		 * flushed the mm, 2 of the 90 in a switched-out one.
		 */
		/*
		 * A recording that traced each gather from tlb_gather_mmu to
		 * tlb_finish_mmu's return (gathers_traced) has the count the
		 * kernel tests: every other gather of the mm between those is
		 * counted, and none is uncertain (a return seen is past the
		 * dec; the probes' instants are at most a few instructions off
		 * the inc and the dec)
		 */
		if (rec->def->id == TLBR_RAW_A64_GATHER_END && !v[3] &&
		    (gm = tlbr_mm_by_id(a, t->mm)) && gm->kptr == v[0]) {
			nested = gm->gathers_open > (t->a64_gather_mm == t->mm ? 1u : 0u);
			maybe_nested = !nested && gm->gathers_tail && !gathers_traced(a);
		}
		if (rec->def->id == TLBR_RAW_A64_GATHER_END && !gathers_traced(a)) {
			tlbr_adapt_gather_close(a, t);
			if (!v[3] && (gm = tlbr_mm_by_id(a, t->mm)) && gm->kptr == v[0])
				t->a64_tail_mm = t->mm;
		}
		/*
		 * tlb_finish_mmu flushes what is left of the gather through
		 * tlb_flush_mmu; where that call is not inlined both probes see
		 * the same range: it is one flush
		 */
		if (rec->def->id == TLBR_RAW_A64_GATHER_END) {
			t->a64_fullmm = false;
			t->a64_gend_mm = v[0];
			t->a64_gend_start = v[1];
			t->a64_gend_end = v[2];
		} else if (t->a64_gend_mm == v[0] && t->a64_gend_start == v[1] &&
			   t->a64_gend_end == v[2]) {
			t->a64_gend_mm = 0;
			return 0;
		}
		/*
		 * tlb_flush_mmu_tlbonly flushes only a gather that cleared
		 * something (its range is empty otherwise: tlb_end_vma and
		 * zap_pte_range's force_flush reset it); arm64's tlb_flush of a
		 * fullmm gather (exit) flushes the ASID only when page tables
		 * were freed. What each VMA's zap flushed comes from zap_vma.
		 */
		if (nested || maybe_nested) {
			flush_init(out, rec, t, TLBR_SCOPE_MM, 0, 0);
		} else if (v[3]) {
			if ((rec->have & (1u << 4)) && !v[4])
				return 0;
			flush_init(out, rec, t, TLBR_SCOPE_MM, 0, 0);
		} else if (v[2] > v[1]) {
			flush_init(out, rec, t, v[2] - v[1] <= 0x1000 ? TLBR_SCOPE_PAGE :
					       TLBR_SCOPE_RANGE, v[1], v[2]);
		} else {
			return 0;
		}
		tlbr_adapt_infer_site(t, &out->flush, false);
		if (v[3])
			out->flush.site = TLBR_SITE_EXIT;
		else if (out->flush.site == TLBR_SITE_MREMAP || out->flush.site == TLBR_SITE_UNKNOWN)
			out->flush.site = TLBR_SITE_ZAP;	/* an mmu_gather: mremap's unmaps */
		if (((rec->have & (1u << 4)) && v[4]) || nested || maybe_nested)
			out->flush.flags |= TLBR_FLUSH_FREES_TABLES;
		if (nested || maybe_nested)
			out->flush.flags |= TLBR_FLUSH_NESTED;
		if (maybe_nested)
			out->flush.flags |= TLBR_FLUSH_NESTED_MAYBE;
		return 1;
	}
	case TLBR_RAW_A64_GATHER_BEGIN: {
		/*
		 * tlb_gather_mmu(tlb, mm): the gather is counted in @mm's
		 * tlb_flush_pending from here (a process_madvise's: another
		 * process's mm, where the pointer is known)
		 */
		uint32_t mm;

		learn_mm(a, t, v[0]);
		mm = tlbr_mm_by_id(a, t->mm) && tlbr_mm_by_id(a, t->mm)->kptr == v[0] ?
			     t->mm : mm_of_kptr(a, v[0]);
		if (!t->a64_gather_mm && mm) {
			tlbr_mm_by_id(a, mm)->gathers_open++;
			t->a64_gather_mm = mm;
		}
		return 0;
	}
	case TLBR_RAW_A64_GATHER_END_RET:
		/* tlb_finish_mmu returned: past its dec_tlb_flush_pending */
		tlbr_adapt_gather_close(a, t);
		return 0;
	case TLBR_RAW_A64_ZAP_VMA:
		/*
		 * unmap_page_range of one VMA: zap_pte_range clears every PTE of
		 * [start, end) and tlb_end_vma flushes the range of those that
		 * were present (not at all for a fullmm gather: exit); the
		 * replay knows which were
		 */
		learn_mm(a, t, v[0]);
		t->a64_fullmm = (rec->have & (1u << 3)) && v[3];
		/* inside its gather (tlb_gather_mmu: inc_tlb_flush_pending) until tlb_finish_mmu */
		if (!t->a64_fullmm && !t->a64_gather_mm && tlbr_mm_by_id(a, t->mm) &&
		    tlbr_mm_by_id(a, t->mm)->kptr == v[0]) {
			tlbr_mm_by_id(a, t->mm)->gathers_open++;
			t->a64_gather_mm = t->mm;
		}
		if (t->a64_fullmm || v[2] <= v[1])
			return 0;
		flush_init(out, rec, t, TLBR_SCOPE_RANGE, v[1] & TLBR_PAGE_MASK, v[2]);
		out->flush.flags |= TLBR_FLUSH_PRESENT_ONLY;
		out->flush.site = TLBR_SITE_ZAP;
		return 1;
	case TLBR_RAW_A64_CHPROT:
		t->a64_start = v[0];
		t->a64_end = v[1];
		return 0;
	case TLBR_RAW_A64_CHPROT_RET:
		/*
		 * change_protection flushes the range when it changed pages;
		 * in mprotect its count is that of the present PTEs of the range
		 * (change_pte_range: pages++ for each; 0 too: the replay learns
		 * which pages fault-around did not map, COUNTED)
		 */
		if ((int64_t)v[0] < 0 || t->a64_end <= t->a64_start ||
		    (!v[0] && t->in_sys != TLBR_SYS_MPROTECT + 1))
			return 0;
		flush_init(out, rec, t, TLBR_SCOPE_RANGE, t->a64_start, t->a64_end);
		out->flush.site = t->in_sys == TLBR_SYS_MPROTECT + 1 ? TLBR_SITE_MPROTECT :
								       TLBR_SITE_FAULT;
		if (t->in_sys == TLBR_SYS_MPROTECT + 1) {
			out->flush.flags |= TLBR_FLUSH_COUNTED;
			out->flush.pages = v[0];
		}
		return 1;
	case TLBR_RAW_A64_FORK_MM:
		learn_mm(a, t, v[0]);
		flush_init(out, rec, t, TLBR_SCOPE_MM, 0, 0);
		out->flush.site = TLBR_SITE_FORK;
		return 1;
	case TLBR_RAW_A64_MOVE_PT:
		t->a64_start = v[0];
		t->a64_end = v[0] + v[1];
		t->a64_addr = (rec->have & (1u << 2)) ? v[2] : 0;
		return 0;
	case TLBR_RAW_A64_MOVE_PT_RET:
		/*
		 * move_ptes flushes the old range of each page-table chunk it
		 * moved present entries from; move_normal_pmd each whole table
		 * it moved: the replay knows which
		 */
		if (!v[0] || t->a64_end <= t->a64_start || v[0] > t->a64_end - t->a64_start)
			return 0;
		flush_init(out, rec, t, TLBR_SCOPE_RANGE, t->a64_start, t->a64_start + v[0]);
		out->flush.site = t->in_sys == TLBR_SYS_EXECVE + 1 ? TLBR_SITE_EXEC :
								     TLBR_SITE_MREMAP;
		out->flush.flags |= TLBR_FLUSH_MOVE;
		out->flush.move_to = t->a64_addr;
		return 1;
	case TLBR_RAW_A64_CONTPTE:
		/*
		 * contpte_convert: break-before-make of a 64 KiB contpte block
		 * (unfolded before one of its PTEs changes, or folded), the
		 * block flushed; the permissions stay
		 */
		learn_mm(a, t, v[1]);
		page = v[0] & CONT_MASK_4K;
		flush_init(out, rec, t, TLBR_SCOPE_RANGE, page, page + 0x10000);
		out->flush.flags |= TLBR_FLUSH_CONTPTE;
		tlbr_adapt_infer_site(t, &out->flush, false);
		/* in a fault it is neither the copy nor the reuse: the unfold before it */
		if (out->flush.site == TLBR_SITE_UNKNOWN || out->flush.site == TLBR_SITE_COW ||
		    out->flush.site == TLBR_SITE_WP_REUSE)
			out->flush.site = TLBR_SITE_FAULT;
		return 1;
	case TLBR_RAW_A64_RMAP_ADD: {
		/*
		 * folio_add_anon_rmap_ptes: @nr PTEs from @addr map pages of an
		 * anonymous folio, of the VMA's mm (an rmap walk's: maybe not the
		 * task's); a split's subpage put back so is no zero page
		 */
		uint32_t mm = mm_of_kptr(a, v[2]);

		if (!mm || (int64_t)v[1] <= 0)
			return 0;
		tlbr_adapt_ev_init(out, TLBR_EV_HUGE, rec, t);
		out->mm = mm;
		out->huge.kind = TLBR_HUGE_REMAP;
		out->huge.addr = v[0] & ~0x1fffffULL;
		out->huge.at = v[0] & TLBR_PAGE_MASK;
		out->huge.nr = (uint32_t)(v[1] > 512 ? 512 : v[1]);
		return 1;
	}
	case TLBR_RAW_A64_AGE_YOUNG:
		/*
		 * madvise_cold_or_pageout_pte_range() found the PTEs [addr, end)
		 * young, made them old and put them in its gather's range (the
		 * task's madvise walk: the replay takes it for its syscall's)
		 */
		tlbr_adapt_ev_init(out, TLBR_EV_HUGE, rec, t);
		/*
		 * age_young_pmd: its huge PMD's branch (tlb_remove_pmd_tlb_entry);
		 * age_free: madvise_free_pte_range()'s PTEs, young or dirty, made
		 * old and clean and gathered (the task's MADV_FREE walk)
		 */
		out->huge.kind = strcmp(rec->def->name, "age_young_pmd") ? TLBR_HUGE_AGED
									  : TLBR_HUGE_AGED_PMD;
		out->huge.at = v[0] & TLBR_PAGE_MASK;
		out->huge.addr = out->huge.at & ~0x1fffffULL;
		/*
		 * a range no walk gathers (none, or past one PMD's 512 PTEs:
		 * a field missing, a corrupt record): nr 0, some PTE young
		 * unknown where (the replay then decides nothing by the probe)
		 */
		out->huge.nr = (rec->have & 3) != 3 || v[1] <= v[0] || v[1] - v[0] > 0x200000 ?
				       0 : (uint32_t)((v[1] - out->huge.at + 4095) >> 12);
		return 1;
	case TLBR_RAW_A64_THP: {
		enum tlbr_huge_kind k = !strcmp(rec->def->name, "thp_wp") ? TLBR_HUGE_WP :
					!strcmp(rec->def->name, "thp_split") ? TLBR_HUGE_SPLIT :
					!strcmp(rec->def->name, "thp_collapse") ? TLBR_HUGE_COLLAPSE :
										  TLBR_HUGE_FAULT;
		uint32_t mm = k == TLBR_HUGE_COLLAPSE ? mm_of_kptr(a, v[1]) : 0;	/* khugepaged */
		int n = 0;

		if (k != TLBR_HUGE_COLLAPSE)
			learn_mm(a, t, v[1]);
		page = v[0] & ~0x1fffffULL;
		/*
		 * a split (pmdp_invalidate) and a collapse (pmdp_collapse_flush)
		 * flush the 2 MiB the PMD maps: break-before-make
		 */
		if (k == TLBR_HUGE_SPLIT || k == TLBR_HUGE_COLLAPSE) {
			flush_init(&out[n], rec, t, TLBR_SCOPE_RANGE, page, page + 0x200000);
			if (k == TLBR_HUGE_COLLAPSE) {
				out[n].mm = mm;
				out[n].flush.site = TLBR_SITE_RECLAIM;	/* as the census files it */
				out[n].flush.flags |= TLBR_FLUSH_COLLAPSE;
			} else {
				out[n].flush.flags |= TLBR_FLUSH_SPLIT;
				/*
				 * the PMD as __split_huge_pmd found it (v[2]):
				 * it splits and flushes only under
				 * pmd_trans_huge(), a non-zero entry that is no
				 * table (arm64: PMD_TABLE_BIT, bit 1 clear);
				 * a valid one (bit 0) is a present huge PMD,
				 * __split_huge_pmd_locked's pmdp_invalidate (or
				 * pmdp_huge_clear_flush: file, huge zero page);
				 * an invalid non-zero one (PROT_NONE, which
				 * flushes, or a migration entry, which does
				 * not) is left to the replay
				 */
				if (rec->have & (1u << 2)) {
					if (!v[2] || (v[2] & 3) == 3)
						out[n].flush.flags |= TLBR_FLUSH_PMD_TABLE;
					else if ((v[2] & 3) == 1)
						out[n].flush.flags |= TLBR_FLUSH_PMD_HUGE;
				}
				tlbr_adapt_infer_site(t, &out[n].flush, false);
				if (out[n].flush.site == TLBR_SITE_COW ||
				    out[n].flush.site == TLBR_SITE_UNKNOWN)
					out[n].flush.site = TLBR_SITE_FAULT;
			}
			if (out[n].mm)
				n++;
		}
		tlbr_adapt_ev_init(&out[n], TLBR_EV_HUGE, rec, t);
		out[n].huge.addr = page;
		if (k == TLBR_HUGE_FAULT || k == TLBR_HUGE_WP)
			out[n].huge.at = v[0] & TLBR_PAGE_MASK;
		if (k == TLBR_HUGE_FAULT) {	/* for its return */
			t->a64_thp_addr = v[0];
			t->a64_thp_mm = v[1];
		}
		out[n].huge.kind = k;
		/*
		 * try_to_migrate_one(TTU_SPLIT_HUGE_PMD) -> split_huge_pmd_address:
		 * split_huge_page's unmap_folio, the folio itself is split (into
		 * small folios, remap_page puts their PTEs back)
		 */
		if (k == TLBR_HUGE_SPLIT && t->a64_migrate_addr &&
		    ((t->a64_migrate_addr - 1) & ~0x1fffffULL) == page) {
			out[n].huge.folio = true;
			t->a64_migrate_addr = 0;
		}
		if (k == TLBR_HUGE_COLLAPSE) {
			/*
			 * pmdp_collapse_flush clears the PMD before it flushes: no
			 * CPU can load the small pages again after the flush. The
			 * model has no "cleared" state between, so the new PMD goes
			 * in first and the flush follows (it takes the old entries)
			 */
			struct tlbr_event flush = out[0];

			if (!mm)
				return 0;
			out[n].mm = mm;
			out[0] = out[n];
			out[1] = flush;
			return 2;
		}
		return out[n].mm ? n + 1 : n;
	}
	case TLBR_RAW_A64_THP_RET:
		/*
		 * do_huge_pmd_anonymous_page returns VM_FAULT_FALLBACK (0x800)
		 * where transhuge_vma_suitable fails or no huge page is free: the
		 * fault goes on with a page table and maps one page; 0 when it
		 * mapped the huge page (or the huge zero page); OOM, SIGBUS,
		 * userfaultfd's retry: no huge page either
		 */
		if (!t->a64_thp_addr)
			return 0;
		tlbr_adapt_ev_init(out, TLBR_EV_HUGE, rec, t);
		out->huge.kind = TLBR_HUGE_FAULT;
		out->huge.addr = t->a64_thp_addr & ~0x1fffffULL;
		out->huge.at = t->a64_thp_addr & TLBR_PAGE_MASK;
		out->huge.outcome = v[0] ? -1 : 1;
		t->a64_thp_addr = 0;
		return 1;
	case TLBR_RAW_A64_UNMAP_ONE:
		tlbr_adapt_ev_init(out, TLBR_EV_RECLAIM_UNMAP, rec, t);
		out->mm = mm_of_kptr(a, v[1]);
		out->reclaim.addr = v[0] & TLBR_PAGE_MASK;
		t->a64_unmap_page = out->mm ? out->reclaim.addr : 0;
		t->a64_rmap = 1;
		return out->mm ? 1 : 0;
	case TLBR_RAW_A64_MIGRATE_ONE:
		/*
		 * try_to_migrate_one: its PTEs become migration entries that
		 * remove_migration_ptes puts back; a ptep_clear_flush in it (not
		 * batched) is a fault-site flush as before
		 */
		t->a64_rmap = 2;
		t->a64_unmap_page = 0;
		t->a64_migrate_addr = v[0] + 1;
		return 0;
	case TLBR_RAW_A64_UBC_PENDING:
		/*
		 * set_tlb_ubc_flush_pending(mm, pteval, uaddr): a PTE of the rmap
		 * walk cleared with a batched flush (try_to_unmap_one or
		 * try_to_migrate_one with TTU_BATCH_FLUSH, should_defer_flush),
		 * the mm marked; try_to_unmap_one's own page is an event already
		 */
		page = v[1] & TLBR_PAGE_MASK;
		/*
		 * the PTE as it was (pteval, valid: bit 0): a user PTE's
		 * shareability bits [9:8] are PTE_SHARED (0b11) in every
		 * protection_map entry, cleared where the kernel runs with LPA2
		 * (arch/arm64/mm/mmap.c adjust_protection_map: `if
		 * (lpa2_is_enabled()) ... &= ~PTE_SHARED`), where they hold the
		 * physical address's bits 51:50 (0 below 1 PiB)
		 */
		if ((rec->have & (1u << 2)) && (v[2] & 1))
			a->lpa2 = (v[2] >> 8 & 3) ? TLBR_LPA2_OFF : TLBR_LPA2_ON;
		if (t->a64_rmap == 1 && t->a64_unmap_page == page) {
			t->a64_unmap_page = 0;
			tlbr_adapt_ev_init(out, TLBR_EV_BATCH_SYNC, rec, t);
			out->mm = mm_of_kptr(a, v[0]);
			out->sync.kind = TLBR_SYNC_MARK;
			return out->mm ? 1 : 0;
		}
		tlbr_adapt_ev_init(out, TLBR_EV_RECLAIM_UNMAP, rec, t);
		out->mm = mm_of_kptr(a, v[0]);
		out->reclaim.addr = page;
		out->reclaim.kernel_batched = true;
		/* no walk probe seen: kept (the model then knows more pages, not fewer) */
		out->reclaim.keeps_pte = t->a64_rmap != 1;
		return out->mm ? 1 : 0;
	case TLBR_RAW_A64_UNMAP_FLUSH:
		tlbr_adapt_ev_init(out, TLBR_EV_BATCH_SYNC, rec, t);
		out->sync.kind = TLBR_SYNC_COMPLETE;
		t->a64_rmap = 0;
		return 1;
	case TLBR_RAW_A64_BATCH_PENDING:
		learn_mm(a, t, v[0]);
		tlbr_adapt_ev_init(out, TLBR_EV_BATCH_SYNC, rec, t);
		out->sync.kind = TLBR_SYNC_PENDING;
		out->sync.how = pend_how(a);
		return 1;
	case TLBR_RAW_A64_PMD_UNSHARE:
		/*
		 * huge_pmd_unshare on a shared table (a count of 0: not shared,
		 * nothing unshared). Before the seed-004 fix every unshare
		 * flushed the 1 GiB it mapped and broadcast an IPI
		 * (tlb_remove_table_sync_one); the count says whether this
		 * unshare left the table to a single user.
		 */
		learn_mm(a, t, v[1]);
		if (!v[2])
			return 0;
		page = v[0] & PUD_MASK_4K;
		flush_init(out, rec, t, TLBR_SCOPE_RANGE, page, page + 0x40000000);
		out->flush.site = TLBR_SITE_HUGETLB_UNSHARE;
		if (v[2] == 1)
			out->flush.flags |= TLBR_FLUSH_UNSHARE_LAST;
		return 1;
	case TLBR_RAW_A64_ASID_ROLLOVER:
		tlbr_adapt_ev_init(out, TLBR_EV_ASID_ROLLOVER, rec, t);
		return 1;
	case TLBR_RAW_A64_UFFD_MOVE:
		/*
		 * move_pages: an ioctl(UFFDIO_MOVE) the recording has no syscall
		 * event for (ioctl is not in the plan); its ptep_clear_flush
		 * (move_present_pte) flushes are UFFDIO_MOVE's
		 */
		if (t->in_sys)
			return 0;	/* the syscall events say it */
		stand_for_syscall(out, rec, t, TLBR_SYS_IOCTL, 0, TLBR_UFFDIO_MOVE, 0);
		t->a64_uffd = true;
		return 1;
	case TLBR_RAW_A64_UFFD_MOVE_RET:
		if (!t->a64_uffd)
			return 0;
		t->a64_uffd = false;
		stand_for_return(out, rec, t, (int64_t)v[0]);
		return 1;
	case TLBR_RAW_A64_MADVISE: {
		struct tlbr_mm *m = tlbr_mm_by_id(a, t->mm);

		/*
		 * do_madvise(mm, start, len_in, behavior) outside a madvise
		 * syscall: process_madvise (mm/madvise.c: do_madvise for each
		 * iovec in turn) or io_uring, which the recording has no
		 * syscall event for: it stands for madvise(start, len, advice),
		 * so the replay applies the advice's rules (its COLD and PAGEOUT
		 * agings: madvise_cold_or_pageout_pte_range) and the flushes in
		 * it are the advice's. Another process's address space
		 * (process_madvise on a pidfd) is not this task's: not seen
		 */
		if (t->in_sys || !m || (m->kptr && m->kptr != v[0]))
			return 0;
		learn_mm(a, t, v[0]);
		stand_for_syscall(out, rec, t, TLBR_SYS_MADVISE, v[1], v[2],
				  (uint64_t)(int64_t)(int32_t)v[3]);
		t->a64_madv = true;
		return 1;
	}
	case TLBR_RAW_A64_MADVISE_RET:
		if (!t->a64_madv)
			return 0;
		t->a64_madv = false;
		stand_for_return(out, rec, t, (int64_t)(int32_t)v[0]);
		return 1;
	case TLBR_RAW_A64_MAP_PTES: {
		/*
		 * do_set_pte(vmf, page, addr) (6.1), set_pte_range(vmf, folio,
		 * page, nr, addr) (6.6 on): PTEs a fault makes, its own page's
		 * (finish_fault) and those fault-around maps (filemap_map_pages),
		 * in the faulting VMA's address space (vmf->vma->vm_mm: another
		 * process's for a remote GUP)
		 */
		const struct tlbr_mm *m = tlbr_mm_by_id(a, t->mm);
		uint32_t mm = m && m->kptr && m->kptr != v[2] ? mm_of_kptr(a, v[2]) : t->mm;

		tlbr_adapt_ev_init(out, TLBR_EV_PTE_MAP, rec, t);
		out->mm = mm;
		out->pte_map.addr = v[0] & ~0xfffULL;
		out->pte_map.pages = (rec->have & (1u << 1)) ? v[1] : 1;
		return mm != 0;
	}
	default:
		return 0;
	}
}
