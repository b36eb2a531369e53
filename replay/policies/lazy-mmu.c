// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lazy-mmu - seed 003, "[PATCH v3 11/11] arm64/mm: Batch barriers when
 * updating kernel mappings" (Ryan Roberts; reviewed by Anshuman Khandual):
 * inside lazy MMU mode, the dsb(ishst)+isb that follows each valid kernel
 * PTE/PMD/PUD write is deferred to one pair at the mode's exit (vmalloc up
 * to 30% faster in the thread). It changes no flush: it decides nothing
 * and only marks the policy, so that the engine counts one barrier pair per
 * vmap_pte_range() call instead of one per PTE. Reviewers asked whether
 * deferring is safe everywhere (a context switch emits dsb(ish); the isb
 * may then run on another CPU): the replay counts, it does not check that.
 * Needs: vmalloc:alloc_vmap_area (or kernel-mapping probes).
 */
#include "../policy.h"

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	(void)r;
	(void)pl;
	(void)q;
	(void)d;
	return false;
}

const struct policy_ops tlbr_policy_lazy_mmu = {
	.name = "lazy-mmu",
	.summary = "seed 003: kernel PTE barriers batched at lazy MMU mode exit",
	.decide = decide,
	.lazy_mmu = true,
};
