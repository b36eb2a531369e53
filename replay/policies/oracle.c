// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * oracle - flush exactly the CPUs that may hold a translation granting more
 * than the page table now does (a writable entry for a read-only page, any
 * entry for an unmapped or replaced page), under the chosen residency
 * model: the floor no real policy can beat. Like x86, a holder that is not
 * running the mm (lazy, or switched to another mm) is left to flush when it
 * loads the mm again. It needs knowledge no kernel has, which is the point.
 *
 * A flush that frees page tables also invalidates walk caches, which the
 * residency model does not track: every other CPU that may have the tables
 * loaded now (view_walkers_now: running the mm, or lazily under a kernel
 * thread, which may walk them speculatively, Catalin Marinas 2020) is
 * flushed now; the others that may have walked them before
 * (view_walkers) flush their walk caches with everything else of the mm
 * before they load it again, as x86's switch_mm_irqs_off() does when the
 * mm's tlb_gen moved on, and as x86 itself allows: flush_tlb_func() on a
 * CPU that switched away only clears its mm_cpumask bit.
 */
#include "../policy.h"

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	struct tlbr_cpuset h;
	unsigned int n;

	if (!q->mm || q->opaque) {	/* nothing known to reason about: as the kernel did */
		d->kind = q->real == TLBR_EXEC_LOCAL ? D_LOCAL : D_BROADCAST;
		return true;
	}
	h = tlbr_view_holders(r, pl, q, true);
	n = tlbr_cpuset_count(&h);
	if (tlbr_view_frees_tables(r, q)) {
		struct tlbr_cpuset now = tlbr_view_walkers_now(r, q->mm), w = tlbr_view_walkers(r, q->mm);

		for (int c = 0; c < tlbr_view_ncpus(r); c++) {
			if (c == q->cpu)
				continue;
			if (tlbr_cpuset_test(&now, (unsigned int)c))
				tlbr_cpuset_set(&d->targets, (unsigned int)c);
			else if (tlbr_cpuset_test(&w, (unsigned int)c) ||
				 tlbr_cpuset_test(&h, (unsigned int)c))
				tlbr_cpuset_set(&d->deferred, (unsigned int)c);
		}
		if (tlbr_cpuset_count(&d->targets)) {
			d->kind = D_TARGETED;
			return true;
		}
		/* nobody has it loaded: the leaf entries decide, the walkers catch up */
	}
	if (!n) {
		d->kind = D_NONE;
		return true;
	}
	if (n == 1 && tlbr_cpuset_test(&h, (unsigned int)q->cpu)) {
		d->kind = D_LOCAL;
		return true;
	}
	tlbr_decide_running(r, q, &h, d);
	if (tlbr_cpuset_count(&d->targets))
		d->kind = D_TARGETED;
	else
		d->kind = tlbr_cpuset_test(&h, (unsigned int)q->cpu) ? D_LOCAL : D_NONE;
	return true;
}

/* Priced as arm64 would do it: a targeted flush is a broadcast TLBI (no IPIs). */
const struct policy_ops tlbr_policy_oracle = {
	.name = "oracle",
	.summary = "flush exactly the CPUs that may hold a translation granting too much",
	.decide = decide,
};
