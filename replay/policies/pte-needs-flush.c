// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pte-needs-flush - seed 004, the backport of "arm64/mm: implement
 * pte_needs_flush()" (Dev Jain, upstream c320dbb, Linux 6.18):
 * change_pte_range() skips the flush of a PTE when pte_needs_flush(old, new)
 * is false. arm64's __pte_flags_need_flush(): false when the old PTE was
 * not valid (PROT_NONE -> RW: the glibc heap case of the thread), or when
 * only software bits change (uffd-wp); any hardware bit change flushes, and
 * RO -> RW changes PTE_RDONLY (and DBM): flushed. x86's pte_needs_flush()
 * (pte_flags_need_flush(): _PAGE_RW is in flush_on_change) decides the same
 * at this model's granularity: !present -> * skipped, RO -> RW flushed. So
 * a flush point is skipped only when every PTE it is for was invalid
 * before (q->from_invalid). Not modelled: software-bit-only changes
 * (uffd-wp, no events for them), x86's flush_on_clear of dirty/accessed.
 * Every other flush is left to the next component.
 */
#include "../policy.h"

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	(void)r;
	(void)pl;
	if (!q->from_invalid)
		return false;
	d->kind = D_NONE;
	return true;
}

const struct policy_ops tlbr_policy_pte_needs_flush = {
	.name = "pte-needs-flush",
	.summary = "seed 004: mprotect of PTEs that were invalid (PROT_NONE -> RW) does not flush",
	.decide = decide,
};
