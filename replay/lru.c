// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lru.c - which folios are on an LRU list, as far as the trace shows.
 *
 * madvise_cold_or_pageout_pte_range() ages (pte_mkold, the flush it
 * gathers) only a PTE whose folio is on an LRU list: `if
 * (!folio_test_lru(folio) || ...) continue;` (6.1 and 6.12 alike; a huge
 * PMD is aged without that test). A new folio is not, until its CPU's
 * per-CPU batch is drained: folio_add_lru() puts it in the CPU's lru_add
 * folio_batch and PG_lru is set when folio_batch_move_lru() moves the
 * batch (mm/swap.c), except a large folio, moved at once. From Linux 6.11
 * (not in Debian's 6.1) folio_deactivate() and folio_mark_lazyfree() also
 * clear PG_lru while the folio waits in the CPU's lru_deactivate or
 * lru_lazyfree batch (folio_batch_add_and_move(..., true)).
 *
 * The drains the trace shows for certain: madvise's own (madvise_cold(),
 * madvise_pageout() and madvise_free_single_vma() call lru_add_drain(),
 * which moves every batch of the CPU they run on, before their walk), and
 * a full lru_add batch: folio_batch_add_and_move() moves the batch when an
 * add fills it (PAGEVEC_SIZE: 15 in 6.1, 31 later), so a folio is on the
 * list once PAGEVEC_SIZE - 1 more adds the trace shows (a new anonymous
 * page's write fault, a COW copy) followed it on its CPU: adds the trace
 * does not show only fill the batch sooner. Other drains (a large folio's
 * add, lru_add_drain_all(), a batch another way) are not counted on: a
 * folio the model keeps "maybe in a batch" may already be on the list, its
 * aging uncertain, never wrongly certain.
 */
#include <stdlib.h>

#include "replay-local.h"

/* PAGEVEC_SIZE of the traced kernel: 15 in 6.1; 31 later, and where unknown (the later drain) */
static uint32_t pagevec_size(const struct replay *r)
{
	return r->o.kernel && r->o.kernel < TLBR_KVER(6, 2) ? 15 : 31;
}

/* Is @p's folio on an LRU list, as the trace proves? O(1). */
bool tlbr_lru_on(struct replay *r, struct page *p)
{
	struct lrutag *l = &r->lru[p->idx];

	/* a large folio is moved to the list at once, and stays there */
	if (p->huge || p->large)
		return true;
	if ((l->state == LRU_BATCH || l->state == LRU_BATCH_ADD) && r->lru_cpu && l->cpu < r->ncpus) {
		const struct lrucpu *c = &r->lru_cpu[l->cpu];

		if (c->drains != l->gen ||
		    (l->state == LRU_BATCH_ADD && c->adds - l->k >= pagevec_size(r) - 1))
			l->state = LRU_ON;
	}
	return l->state == LRU_ON || l->state == LRU_UNTRACED;
}

/*
 * @p's folio's LRU state now (replay-local.h); LRU_BATCH: maybe in CPU
 * @cpu's batch (LRU_BATCH_ADD: added to its lru_add batch now, an add that
 * counts; @cpu < 0: not known which CPU's, LRU_MAYBE_OFF).
 */
void tlbr_lru_set(struct replay *r, struct page *p, int state, int cpu)
{
	struct lrutag *l = &r->lru[p->idx];

	if ((state == LRU_BATCH || state == LRU_BATCH_ADD) &&
	    (cpu < 0 || cpu >= r->ncpus || cpu > UINT16_MAX))
		state = LRU_MAYBE_OFF;
	if ((state == LRU_BATCH || state == LRU_BATCH_ADD) && !r->lru_cpu) {
		r->lru_cpu = calloc((size_t)r->ncpus, sizeof(*r->lru_cpu));
		if (!r->lru_cpu)
			state = LRU_MAYBE_OFF;
	}
	l->state = (uint8_t)state;
	if (state == LRU_UNTRACED || state == LRU_BATCH_ADD)
		l->zero = 0;	/* a new PTE, a new folio: not the split's zero page */
	if (state == LRU_BATCH || state == LRU_BATCH_ADD) {
		if (state == LRU_BATCH_ADD)
			r->lru_cpu[cpu].adds++;
		l->cpu = (uint16_t)cpu;
		l->gen = r->lru_cpu[cpu].drains;
		l->k = r->lru_cpu[cpu].adds;
	}
}

/*
 * The add @p's fault counted was not one: the fault mapped a huge page
 * (the traced fault comes before the huge fault's own event), a large
 * folio moved to the list at once. Undone while it is its CPU's last. O(1).
 */
void tlbr_lru_unadd(struct replay *r, struct page *p)
{
	struct lrutag *l = &r->lru[p->idx];

	if (l->state == LRU_BATCH_ADD && r->lru_cpu && l->cpu < r->ncpus &&
	    r->lru_cpu[l->cpu].adds == l->k)
		r->lru_cpu[l->cpu].adds--;
	l->state = LRU_UNTRACED;
	l->zero = 0;
}

/* lru_add_drain() on @cpu (< 0: not known where): its batches are moved. O(1). */
void tlbr_lru_drain(struct replay *r, int cpu)
{
	if (cpu >= 0 && cpu < r->ncpus && r->lru_cpu)
		r->lru_cpu[cpu].drains++;
}
