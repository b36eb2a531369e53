// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults.c - user page faults: a fault maps a page; a write fault on a
 * present read-only page is pending until the task does something else
 * (a reuse, a flush point of its own) or the kernel's flush says how it
 * was resolved (a COW copy, or arm64's reuse flush, also of a contpte block).
 */
#include <errno.h>

#include "replay-local.h"

/*
 * The pending write fault of @t was a reuse: upgrade in place, put the point.
 * O(pte_set + flush_point) of one page.
 */
void resolve_reuse(struct replay *r, struct rtask *t, uint32_t mm)
{
	struct page *p;
	struct flushreq q;

	if (!t->wp_pending)
		return;
	t->wp_pending = false;
	p = page_at(r, t->wp_page - 1);
	if (p->mm != mm && mm)
		return;
	r->res.reuses++;
	pte_set(r, p, true, true, true, false, false, "write-fault reuse");
	req_init(r, &q, TLBR_SITE_WP_REUSE, p->mm);
	q.cpu = t->wp_cpu;
	q.start_vpn = p->vpn;
	q.end_vpn = p->vpn + 1;
	q.ts_ns = t->wp_ts;
	q.pos = t->wp_pos;
	flush_point(r, &q);
}

/* O(policies) plus one pte_set and tlb_access. */
int on_fault(struct replay *r, const struct tlbr_event *ev, struct rtask *t)
{
	uint64_t err = ev->fault.error_code;
	struct page *p = page_get(r, ev->mm, ev->fault.addr >> PAGE_SHIFT);
	int pol;

	if (!p)
		return -ENOMEM;
	/* arm64's handle_mm_fault does not say whether the page was present: the model does */
	if (ev->fault.prot_unknown && p->present)
		err |= TLBR_PF_PROT;
	if ((err & (TLBR_PF_PROT | TLBR_PF_WRITE)) == (TLBR_PF_PROT | TLBR_PF_WRITE)) {
		r->res.write_faults_present++;
		/* a CPU writing a page it holds a stale read-only entry for */
		for (pol = 0; pol < r->npol; pol++) {
			if (tlb_held(r, &r->pol[pol], p, ev->cpu) & HELD_STALE) {
				if (r->o.cpu->spurious_faults) {
					r->pol[pol].res->spurious_predicted++;
					r->pol[pol].res->ops[TLBR_OP_SPURIOUS]++;
					/* flush_tlb_fix_spurious_fault(): TLBF_NOBROADCAST,
					 * inside migrate_disable() too under active-cpu */
					if (migrates_every_flush(&r->pol[pol]))
						r->pol[pol].res->ops[TLBR_OP_MIGRATE]++;
					if (r->o.note) {
						struct tlbr_note n = { .kind = TLBR_NOTE_SPURIOUS };

						note(r, &n, pol, ev->cpu, p->mm, p->vpn);
					}
				}
				tlb_set_flag(r, &r->pol[pol], p, ev->cpu, 0, HELD_STALE);
			}
		}
		if (p->present && p->writable) {
			if (r->o.cpu->spurious_faults) {
				r->res.spurious_observed++;
				if (r->o.note) {
					struct tlbr_note n = { .kind = TLBR_NOTE_SPURIOUS_SEEN };

					note(r, &n, -1, ev->cpu, p->mm, p->vpn);
				}
			} else
				r->res.unexplained++;
		} else {
			if (!p->mapped)	/* older than the trace: it was there, read-only */
				pte_set(r, p, true, true, false, true, false, "present before the trace");
			t->wp_pending = true;
			t->wp_page = page_idx(r, p) + 1;
			t->wp_cpu = ev->cpu;
			t->wp_ts = ev->ts_ns;
			t->wp_pos = ev->pos;
		}
	} else if (!(err & TLBR_PF_PROT)) {
		struct rmm *m = mm_get(r, ev->mm);
		const struct vma *v = m ? vma_find(m, ev->fault.addr) : NULL;

		pte_set(r, p, true, true, (err & TLBR_PF_WRITE) != 0, false, false,
			err & TLBR_PF_WRITE ? "write fault mapping" : "read fault mapping");
		/* do_anonymous_page maps the zero page for a read */
		p->zero = !(err & TLBR_PF_WRITE) && v && v->anon && !v->shared;
	} else if (!p->present) {
		pte_set(r, p, true, true, false, p->cow, false, "present before the trace");
	}
	tlb_access(r, p, ev->cpu);
	return 0;
}

/*
 * A write-fault reuse in a contpte block (contpte_ptep_set_access_flags):
 * the 16 PTEs of the block are all made writable and the block is flushed
 * as one range; the faulting page must be in it.
 * O(16 pages x pte_set + flush_point).
 */
static void reuse_contpte(struct replay *r, struct rtask *t, const struct tlbr_event *ev,
			  struct flushreq *q)
{
	uint64_t first = ev->flush.start >> PAGE_SHIFT, last = ev->flush.end >> PAGE_SHIFT;
	struct page *fp = page_at(r, t->wp_page - 1);
	uint64_t v;

	if (fp->vpn < first || fp->vpn >= last || fp->mm != ev->mm)
		return;
	t->wp_pending = false;
	r->res.reuses++;
	r->res.contpte_reuses++;
	for (v = first; v < last; v++) {
		struct page *p = page_get(r, ev->mm, v);

		if (!p)
			continue;	/* out of memory: the page stays as the model had it */
		if (!p->present)	/* a contpte block is all present */
			pte_set(r, p, true, true, false, false, false, "present before the trace");
		pte_set(r, p, true, true, true, false, false, "write-fault reuse (contpte block)");
	}
	q->start_vpn = first;
	q->end_vpn = last;
	flush_point(r, q);
}

/*
 * A COW or write-fault-reuse flush of the page @t's write fault is pending
 * on: it says how the fault was resolved. Puts the flush point and returns
 * true; false when the flush is not about that page.
 */
bool fault_flush(struct replay *r, struct rtask *t, const struct tlbr_event *ev,
		 struct flushreq *q, bool range)
{
	const struct tlbr_ev_flush *f = &ev->flush;
	struct page *p;

	if (!t->wp_pending || !range)
		return false;
	if (f->site == TLBR_SITE_WP_REUSE && (f->flags & TLBR_FLUSH_CONTPTE)) {
		/* arm64's __ptep_set_access_flags said so, for a whole contpte block */
		reuse_contpte(r, t, ev, q);
		return true;
	}
	if (f->flags & TLBR_FLUSH_CONTPTE)	/* contpte_convert: the block, not the copy */
		return false;
	p = page_at(r, t->wp_page - 1);
	if (p->vpn != f->start >> PAGE_SHIFT)
		return false;
	t->wp_pending = false;
	if (f->site == TLBR_SITE_WP_REUSE) {
		r->res.reuses++;
		pte_set(r, p, true, true, true, false, false, "write-fault reuse");
	} else {
		r->res.cow_breaks++;
		pte_set(r, p, true, true, true, false, true, "COW copy");
	}
	q->start_vpn = p->vpn;
	q->end_vpn = p->vpn + 1;
	flush_point(r, q);
	if (f->site == TLBR_SITE_COW)
		check_range(r, p->mm, false, p->vpn, p->vpn + 1, "COW copy done: old page freed");
	return true;
}
