// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86-ipi - x86's shootdown (arch/x86/mm/tlb.c, flush_tlb_mm_range and
 * native_flush_tlb_multi): flush locally if the mm is loaded here, and send
 * an IPI to every other CPU of mm_cpumask that should_flush_tlb(): the mm is
 * loaded there and the CPU is not in lazy TLB mode. Lazy CPUs and CPUs that
 * switched to another mm are skipped; their TLB generation falls behind and
 * switch_mm_irqs_off() flushes them when they next load the mm (counted as
 * flushes at context switch). A write fault that reuses the page flushes
 * nothing: the faulting CPU's own entry goes with the fault, other CPUs keep
 * stale read-only entries (x86's ptep_set_access_flags does not flush).
 *
 * Not modelled: flushes that free page tables also interrupt lazy CPUs
 * (info->freed_tables), and the periodic mm_cpumask trim.
 */
#include "../policy.h"

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	struct tlbr_cpuset all;

	(void)pl;
	/* no flush for a reuse; none when access is only added (pte_needs_flush) */
	if (q->site == TLBR_SITE_WP_REUSE || q->adds_only) {
		d->kind = D_NONE;
		return true;
	}
	if (!q->mm || q->opaque) {	/* kernel and batched flushes: as the kernel did */
		d->kind = q->real == TLBR_EXEC_LOCAL ? D_LOCAL : D_BROADCAST;
		return true;
	}
	all = view_all_cpus(r);
	decide_running(r, q, &all, d);
	if (tlbr_cpuset_count(&d->targets))
		d->kind = D_TARGETED;
	else if (view_loaded(r, q->mm, q->cpu))
		d->kind = D_LOCAL;
	else
		d->kind = D_NONE;
	return true;
}

const struct policy_ops policy_x86_ipi = {
	.name = "x86-ipi",
	.summary = "x86: IPIs to the CPUs running the mm, lazy CPUs flush at their next switch",
	.decide = decide,
	.x86 = true,
};
