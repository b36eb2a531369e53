// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pgtable.c - how the page-table model changes: tlbr_pte_set() is the one way a
 * PTE changes (it folds what CPUs may hold under the old PTE first), and
 * the PTE effects of memory syscalls and of fork's write-protection.
 */
#include <stdlib.h>
#include <string.h>

#include "replay-local.h"

static void note_change(struct replay *r, struct page *p, const char *why)
{
	p->change.ts_ns = r->ev->ts_ns;
	p->change.pos = r->ev->pos;
	p->change.cpu = r->ev->cpu;
	p->change.pid = r->ev->pid;
	p->change.why = why;
}

/*
 * Change a page's PTE, folding what CPUs may hold under the old one first.
 * O(policies x CPUs), plus the copies owed to forks of the mm (mm_settle_kids).
 */
static void pte_change(struct replay *r, struct page *p, bool mapped, bool present, bool writable,
		       bool cow, bool replaced, const char *why);

/*
 * A page whose PTE changes is listed for the next fork's write-protection
 * (rmm.wp_list), where its mm keeps the list. O(1) amortised.
 */
static bool wp_list_add(struct rmm *m, struct page *p)
{
	if (p->wpl)
		return true;
	if (tlbr_pagelist_push(&m->wp_list, p->idx) < 0)
		return false;
	p->wpl = true;
	return true;
}

static void wp_note(struct replay *r, struct page *p)
{
	struct rmm *m = &r->mms[p->mm];

	if (m->wp_known && !p->wpl && !wp_list_add(m, p))
		m->wp_known = false;	/* the next fork walks every page */
}

void tlbr_pte_set(struct replay *r, struct page *p, bool mapped, bool present, bool writable,
		    bool cow, bool replaced, const char *why)
{
	if (p->present == present && p->writable == writable && p->mapped == mapped &&
	    !replaced) {
		if (p->cow != cow)
			wp_note(r, p);
		p->cow = cow;
		return;
	}
	pte_change(r, p, mapped, present, writable, cow, replaced, why);
}

/* tlbr_pte_set()'s change, also where the model's PTE stays as it was (pgtable.c's gap). */
static void pte_change(struct replay *r, struct page *p, bool mapped, bool present, bool writable,
		       bool cow, bool replaced, const char *why)
{
	if (r->mms[p->mm].nlazy_kids)	/* forks still owed the page as it was */
		tlbr_mm_settle_kids(r, &r->mms[p->mm]);
	wp_note(r, p);
	tlbr_tlb_before_pte_change(r, p, replaced);
	if ((p->cont || p->cont_maybe) && !r->cont_keep)	/* its block unfolds (contpte_try_unfold) */
		tlbr_cont_leave(r, p);
	p->gapw = false;	/* the PTE is known again (tlbr_perm) */
	p->forkvma = false;
	p->remapped = false;	/* a split's remap is no longer the PTE's last change */
	p->mapped = mapped;
	p->present = present;
	p->writable = writable;
	p->cow = cow;
	if (writable || !present || replaced)
		p->zero = false;
	if (!present)
		p->huge = false;
	if (!present || replaced) {	/* a new PTE: dirty only as the trace shows */
		p->dirty = false;
		p->lazyfree = false;
	}
	if (!mapped)
		p->maybe = false;
	if (!mapped || replaced) {	/* its Access flag, its folio's LRU: as the caller says */
		p->young = PAGE_YOUNG_UNKNOWN;
		p->large = false;	/* a new PTE maps a small page unless said */
		tlbr_lru_set(r, p, LRU_UNTRACED, -1);
	}
	p->since = r->seq;
	note_change(r, p, why);
	tlbr_cand_note(r, p);	/* what the PTE allows changed */
}

/*
 * The kernel shows @p mapped where the model has no mapping for it (older
 * than the trace, or faulted in where the trace lost it): present from an
 * unknown time, so every CPU that may have run the mm may hold it (every
 * CPU when the mm is older than the trace). O(policies x CPUs).
 */
void tlbr_pte_present_before(struct replay *r, struct page *p, bool writable, const char *why)
{
	tlbr_pte_set(r, p, true, true, writable, false, false, why);
	tlbr_pte_residue(r, p, (uint8_t)(HELD_VALID | (writable ? HELD_W : 0)));
}

/*
 * @p's PTE was present from an unknown time with @held's permission: every
 * CPU that may have run its mm may hold it: every CPU when the mm is older
 * than the trace, those that loaded it (ever) when it was created in the
 * trace, whatever the trace knows of its VMAs (a fork's child of an older
 * parent: no CPU holds its entries before it runs it). O(policies x CPUs).
 */
void tlbr_pte_residue(struct replay *r, struct page *p, uint8_t held)
{
	struct rmm *m = tlbr_mm_get(r, p->mm);

	for (int pol = 0; m && pol < r->npol; pol++)
		for (int c = 0; c < r->ncpus; c++)
			if (!m->born || tlbr_cpuset_test(&m->ever, (unsigned int)c)) {
				ptlb_mut(r, p, pol, c)->held |= held;
				tlbr_tlb_excess_note(r, &r->pol[pol], p, c);
				m->empty[pol].bits[c / 64] &= ~(1ULL << (c % 64));
			}
}

/*
 * The traced kernel flushed [@s, @e) of @mm for a syscall that changes
 * PTEs there (change_pte_range(), zap_pte_range(): the gather flushes only
 * where it changed or cleared a PTE, tlb_flush_mmu_tlbonly() when
 * tlb->end > tlb->start), and the model may not know every PTE of the
 * range: an address space older than the trace, or one created in it
 * whose faults a lost-events gap may hide (rmm.unknown_from), where a
 * page has no record, or was seen unmapped before the last gap (the gap
 * may have mapped it again and made it writable: mmap, a write fault),
 * outside a VMA the trace saw made since the last gap (vma.made: the
 * mmap found the range empty, the faults since are all traced, unless a
 * thread the trace does not show made them: mm_anywhere()).
 * Such a page may be present and writable and held by every CPU
 * tlbr_unknown_cpu() names; the checker asks only the pages the model
 * has, so without one the flush's syscall returned "safe" whatever the
 * policy did, and oracle skipped the flush the kernel made. All such
 * pages of the range are alike (no PTE the trace showed, the same CPUs),
 * so one stands for them: the first, made mapped and present, its
 * permission unknown (page.gapw: tlbr_perm() allows read-write, an
 * mprotect without PROT_WRITE makes it read-only), maybe (the kernel may
 * have flushed for another page: the flushes only it would cause are
 * uncertain), held read-write by those CPUs under each policy (of one
 * seen unmapped, those that loaded the mm since). Returns
 * it; NULL when every page of the range is known. O(pages of the range the model
 * knows + policies x CPUs).
 */
struct page *tlbr_unknown_stand_in(struct replay *r, uint32_t mm, uint64_t s, uint64_t e)
{
	struct rmm *m = tlbr_mm_get(r, mm);
	struct page *p = NULL;
	unsigned int hint = 0;
	uint64_t v, seen;

	if (!m || (m->born && !m->unknown_from && !mm_anywhere(m)) ||
	    r->o.tlb->kind != TLBR_TLB_UNBOUNDED)
		return NULL;
	for (v = s; v < e; v++) {
		const struct vma *a = tlbr_vma_find_near(m, v << PAGE_SHIFT, &hint);

		/* made in the trace since the last gap, no thread unseen: known */
		if (a && a->made && a->made >= tlbr_unknown_seq(r, m) && !mm_anywhere(m)) {
			v = (a->end >> PAGE_SHIFT) - 1;
			continue;
		}
		p = tlbr_page_find(r, mm, v);
		/* a thread unseen (mm_anywhere) may have faulted it in since it went */
		if (!p || (!p->mapped && (p->since < tlbr_unknown_seq(r, m) || mm_anywhere(m))))
			break;
	}
	if (v >= e)
		return NULL;
	seen = p ? p->since : 0;
	if (!p && !(p = tlbr_page_get(r, mm, v)))
		return NULL;
	m = tlbr_mm_get(r, mm);	/* page_get may grow the tables */
	tlbr_pte_set(r, p, true, true, true, false, false, "a PTE the trace never showed");
	p->maybe = true;
	p->gapw = true;
	p->standin = true;
	for (int pol = 0; pol < r->npol; pol++)
		for (int c = 0; c < r->ncpus; c++)
			if (tlbr_unknown_cpu(r, &r->pol[pol], m, c, seen)) {
				ptlb_mut(r, p, pol, c)->held |= HELD_VALID | HELD_W;
				tlbr_tlb_excess_note(r, &r->pol[pol], p, c);
				m->empty[pol].bits[c / 64] &= ~(1ULL << (c % 64));
			}
	return p;
}

struct effect_arg {
	uint32_t prot;
	bool downgraded;	/* some present page lost a permission */
	bool changed;		/* some mapped page's PTE changed */
	bool valid_changed;	/* ... one that was present (a valid PTE) */
	const char *why;
	struct rmm *m;
	unsigned int vma_hint;	/* tlbr_vma_find_near() */
	uint64_t after;		/* not the pages a PTE change after this seq set (0: any) */
	bool downgraded_sure;	/* ... one not only fault-around's */
	bool changed_sure;	/* ... one not only fault-around's */
};

static void unmap_fn(struct replay *r, struct page *p, void *a)
{
	struct effect_arg *e = a;

	if (e->after && p->since > e->after)
		return;
	if (p->present) {
		e->downgraded = true;
		e->downgraded_sure |= !p->maybe;
	}
	tlbr_pte_set(r, p, false, false, false, false, false, e->why);
}

static void protect_fn(struct replay *r, struct page *p, void *a)
{
	struct effect_arg *e = a;
	const struct vma *v = e->m ? tlbr_vma_find_near(e->m, p->vpn << PAGE_SHIFT, &e->vma_hint) :
				     NULL;
	bool present = p->mapped && (e->prot & 7) != 0;
	/* change_protection makes private exclusive (not COW-shared) pages writable */
	bool writable = present && (e->prot & TLBR_PROT_WRITE) && !p->cow && !(v && v->shared);

	/*
	 * a VMA that has the protection already: mprotect_fixup() returns
	 * at once (`if (newflags == oldflags)`), its PTEs stay as they are
	 * (the qemu suite's 6.1 sng-mprotect: a shmem page fault-around
	 * mapped writable taken as made read-only with no flush, an unsafe
	 * finding for every policy)
	 */
	bool gap = tlbr_pte_unknown(r, p);

	/*
	 * A page whose PTE may have been made writable in a lost-events gap
	 * (tlbr_perm(): its VMA's protection too, the mprotect being lost): a
	 * protection without write makes it read-only whatever it was
	 * (change_pte_range), which may be a downgrade the traced kernel
	 * flushes (uncertain: EFF_MAYBE), and the PTE is known again; one with
	 * write leaves it unknown (COW-shared or not: the gap may say).
	 */
	if (gap) {
		if (e->prot & TLBR_PROT_WRITE)
			return;
		e->downgraded = e->changed = true;
		e->valid_changed |= p->present;
		pte_change(r, p, p->mapped, present, false, p->cow, false, e->why);
		return;
	}
	if (v && (v->prot & 7) == (e->prot & 7))
		return;
	if ((p->present && !present) || (p->writable && !writable)) {
		e->downgraded = true;
		e->downgraded_sure |= !p->maybe;
	}
	if (p->present != present || p->writable != writable) {
		e->changed = true;
		e->changed_sure |= !p->maybe;
		e->valid_changed |= p->present;
	}
	tlbr_pte_set(r, p, p->mapped, present, writable, p->cow, false, e->why);
}

/* The bytes a memory syscall's arguments name: @addr, @len (brk: its new break, 0). */
void tlbr_call_span(const struct tlbr_ev_syscall *c, uint64_t *addr, uint64_t *len)
{
	switch (c->nr) {
	case TLBR_SYS_MMAP:
		*addr = c->mmap.addr, *len = c->mmap.len;
		break;
	case TLBR_SYS_MUNMAP:
		*addr = c->munmap.addr, *len = c->munmap.len;
		break;
	case TLBR_SYS_MPROTECT:
		*addr = c->mprotect.start, *len = c->mprotect.len;
		break;
	case TLBR_SYS_MADVISE:
		*addr = c->madvise.start, *len = c->madvise.len;
		break;
	case TLBR_SYS_MREMAP:
		*addr = c->mremap.addr, *len = c->mremap.old_len;
		break;
	case TLBR_SYS_BRK:
		*addr = c->brk.brk, *len = 0;
		break;
	default:
		*addr = *len = 0;
		break;
	}
}

/* The pages [*start, *end) a memory syscall's arguments name. */
void tlbr_range_of(const struct tlbr_ev_syscall *c, uint64_t *start, uint64_t *end)
{
	uint64_t a, len;

	tlbr_call_span(c, &a, &len);
	*start = a >> PAGE_SHIFT;
	*end = TLBR_PAGES_UP(a + len);
	if (*end < *start)
		*end = *start;
}

/*
 * Apply the PTE changes of @t's syscall (once). Returns EFF_* bits.
 * O(log VMAs) for the VMAs, plus O(pte_set) per page of the range the model knows.
 */
int tlbr_apply_syscall(struct replay *r, struct rtask *t, uint32_t mm)
{
	struct rmm *m = tlbr_mm_get(r, mm);
	struct effect_arg e = { .m = m };
	uint64_t s, end;

	if (t->applied || !m)
		return 0;
	t->applied = true;
	switch (t->sys - 1) {
	case TLBR_SYS_MPROTECT:
		tlbr_range_of(&t->call, &s, &end);
		e.prot = (uint32_t)t->call.mprotect.prot;
		e.why = "mprotect";
		/* the pages first, seeing the VMAs as they were (protect_fn) */
		tlbr_for_pages(r, mm, false, s, end, protect_fn, &e);
		tlbr_vma_protect(m, s << PAGE_SHIFT, end << PAGE_SHIFT, e.prot);
		break;
	case TLBR_SYS_MUNMAP:
		tlbr_range_of(&t->call, &s, &end);
		e.why = "munmap";
		tlbr_vma_remove(m, s << PAGE_SHIFT, end << PAGE_SHIFT);
		tlbr_for_pages(r, mm, false, s, end, unmap_fn, &e);
		break;
	case TLBR_SYS_MADVISE:
		/* only the advice that zaps the range (PAGEOUT: unmap.c) */
		if (!tlbr_madvise_zaps(t->call.madvise.advice))
			break;
		tlbr_range_of(&t->call, &s, &end);
		e.why = "madvise";
		tlbr_for_pages(r, mm, false, s, end, unmap_fn, &e);
		break;
	case TLBR_SYS_MREMAP:
		tlbr_range_of(&t->call, &s, &end);
		e.why = "mremap";
		tlbr_for_pages(r, mm, false, s, end, unmap_fn, &e);
		break;
	case TLBR_SYS_BRK:
		if (m->brk && t->call.brk.brk && t->call.brk.brk < m->brk) {
			s = TLBR_PAGES_UP(t->call.brk.brk);
			end = TLBR_PAGES_UP(m->brk);
			e.why = "brk";
			tlbr_for_pages(r, mm, false, s, end, unmap_fn, &e);
		}
		break;
	case TLBR_SYS_MMAP:
		if (t->call.mmap.flags & TLBR_MAP_FIXED) {
			tlbr_range_of(&t->call, &s, &end);
			e.why = "mmap over";
			/*
			 * the old mapping went before the syscall returned: the
			 * pages faulted in the new one since (MAP_POPULATE,
			 * MAP_LOCKED: __mm_populate after mmap_region) stay
			 */
			e.after = t->sys_seq;
			tlbr_for_pages(r, mm, false, s, end, unmap_fn, &e);
		}
		break;
	default:
		break;
	}
	t->eff = (e.downgraded ? EFF_DOWNGRADED : 0) | (e.changed || e.downgraded ? EFF_CHANGED : 0) |
		 (e.valid_changed || e.downgraded ? EFF_VALID_CHANGED : 0) |
		 ((e.downgraded ? !e.downgraded_sure : e.changed && !e.changed_sure) ? EFF_MAYBE : 0);
	return t->eff;
}

/* fork write-protects the parent's private pages: both sides share them COW. */
struct fork_arg {
	struct rmm *m;
	bool downgraded;
	bool unlisted;		/* out of memory listing (rmm.wp_list) */
	unsigned int vma_hint;	/* tlbr_vma_find_near() */
};

/* The fork's return checks @p: no writable entry of it may be left (syscalls.c). */
static void fork_dg_add(struct replay *r, const struct page *p)
{
	struct rtask *t = r->cur_task;

	if (t && !t->fork_dg_alloc && r->fork_dg_spare) {	/* the last fork's array (syscalls.c) */
		t->fork_dg = r->fork_dg_spare;
		t->fork_dg_alloc = r->fork_dg_spare_alloc;
		r->fork_dg_spare = NULL;
		r->fork_dg_spare_alloc = 0;
	}
	if (t && t->nfork_dg == t->fork_dg_alloc) {
		uint32_t n = t->fork_dg_alloc ? t->fork_dg_alloc * 2 : 64;
		struct fork_dg *nd = realloc(t->fork_dg, n * sizeof(*nd));

		if (nd) {
			t->fork_dg = nd;
			t->fork_dg_alloc = n;
		}
	}
	if (t && t->nfork_dg < t->fork_dg_alloc)
		t->fork_dg[t->nfork_dg++] = (struct fork_dg){ .vpn = p->vpn, .idx = p->idx };
}

/*
 * One page of fork's write-protection (copy_present_pte -> ptep_set_wrprotect
 * for a private COW mapping): O(1) for a page with no PTE or one already
 * write-protected for COW, else O(log VMAs) (O(1) while the walk stays in
 * one VMA) plus tlbr_pte_set.
 */
/*
 * fork_wp_fn() passes @p by: no PTE; or one already write-protected for
 * COW (an earlier fork's) that no lost-events gap made unknown
 * (tlbr_perm(): a COW break there): shared or not, tlbr_pte_set() would
 * change nothing. O(1).
 */
static bool fork_wp_none(const struct replay *r, const struct page *p)
{
	return !p->mapped || (!p->writable && p->cow && !tlbr_pte_unknown(r, p));
}

/*
 * After the fork's check of @p (its write-protection, checked as certain),
 * @p may still be writable, and so may the child's copy: a page the
 * parent may have pinned (MMF_HAS_PINNED: pin_user_pages(), io_uring's
 * fixed buffers, O_DIRECT since 6.5; page_needs_cow_for_dma()) is copied
 * for the child at once, its PTE writable and dirty (copy_present_pte()
 * -> page_try_dup_anon_rmap() fails -> copy_present_page():
 * maybe_mkwrite(pte_mkdirty())), and the parent's is left as it was
 * (the write-protection `if (is_cow_mapping(vm_flags) && pte_write(pte))`
 * comes after); a MAP_SHARED mapping's, of a VMA the model does not know
 * (an address space older than the trace with no maps snapshot), is not
 * write-protected either. The trace shows neither, so the permission is
 * unknown (page.gapw, page.forkvma) until the trace shows the PTE again:
 * a later mprotect() without PROT_WRITE is an uncertain downgrade, a later
 * fork may write-protect it. A write fault on it present says it was
 * write-protected (faults.c). O(policies x CPUs) for the excess lists.
 */
void tlbr_fork_wp_unknown(struct replay *r, struct page *p)
{
	if (!p->mapped || !p->present || p->gapw)
		return;
	p->gapw = true;
	p->forkvma = true;
	wp_note(r, p);		/* the next fork write-protects it again */
}

static void fork_wp_fn(struct replay *r, struct page *p, void *a)
{
	struct fork_arg *f = a;
	const struct vma *v;
	bool gap;

	if (fork_wp_none(r, p))
		return;
	gap = tlbr_pte_unknown(r, p);
	v = tlbr_vma_find_near(f->m, p->vpn << PAGE_SHIFT, &f->vma_hint);
	if (v && v->shared)
		return;
	/*
	 * copy_present_pte write-protects a writable PTE of a COW mapping:
	 * read-only now, whatever the model's VMA (the gap may hold an
	 * mprotect), checked at the fork's return as a writable one's
	 */
	if (gap) {
		/*
		 * one the model has not present (PROT_NONE) the gap may have
		 * made present (an mprotect, a fault): read-only now, maybe
		 * present (page.maybe), not known absent
		 */
		bool was = p->present;

		f->downgraded = true;
		fork_dg_add(r, p);
		pte_change(r, p, p->mapped, true, false, true, false, "fork write-protect");
		if (!was)
			p->maybe = true;
		return;
	}
	if (p->writable) {
		f->downgraded = true;
		fork_dg_add(r, p);
	}
	tlbr_pte_set(r, p, p->mapped, p->present, false, true, false, "fork write-protect");
}

/* The walk of every page, listing those fork_wp_fn() leaves to a later fork. */
static void fork_wp_list_fn(struct replay *r, struct page *p, void *a)
{
	struct fork_arg *f = a;

	fork_wp_fn(r, p, a);
	if (!fork_wp_none(r, p) && !wp_list_add(f->m, p))	/* a shared VMA's */
		f->unlisted = true;
}

/*
 * Sort @v (@n keys) into descending order, @tmp (n more) as scratch: an LSD
 * radix sort by bytes, a byte's pass skipped where every key has the same
 * one (the born numbers' high bytes, mostly). The keys are distinct (they
 * end in the page index), so the order is the one any sort gives.
 * O(n x 8 + 8 x 256).
 */
static void u64_sort_desc(uint64_t *v, uint64_t *tmp, uint32_t n)
{
	uint32_t cnt[8][256] = { { 0 } };
	uint64_t *src = v, *dst = tmp;

	for (uint32_t k = 0; k < n; k++)
		for (int d = 0; d < 8; d++)
			cnt[d][(v[k] >> (8 * d)) & 0xff]++;
	for (int d = 0; d < 8; d++) {
		uint32_t pos = 0, *c = cnt[d];
		uint64_t *t;

		if (c[(v[0] >> (8 * d)) & 0xff] == n)
			continue;	/* one byte value: the order stays */
		for (int b = 255; b >= 0; b--) {	/* the highest byte first */
			uint32_t x = c[b];

			c[b] = pos;
			pos += x;
		}
		for (uint32_t k = 0; k < n; k++)
			dst[c[(src[k] >> (8 * d)) & 0xff]++] = src[k];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, (size_t)n * sizeof(*v));
}

/*
 * Sort @v (@n distinct keys) into descending order, @tmp (n more) as
 * scratch, by what the list holds: a fork lists again, at its return, the
 * pages it write-protected in the order it met them (descending), after
 * those it left listed (a shared VMA's, descending too), so the list is
 * mostly one or two descending runs. A first run that covers it all is
 * left as it is; the rest, one run or sorted by u64_sort_desc() where it
 * is no longer than the first run, is merged with the first; else the
 * whole is sorted. The keys are distinct: the order is any sort's.
 * O(n), or u64_sort_desc()'s.
 */
static void u64_order_desc(uint64_t *v, uint64_t *tmp, uint32_t n)
{
	uint32_t k = 1, j, a, b, o;

	while (k < n && v[k - 1] > v[k])
		k++;
	if (k >= n)
		return;
	for (j = k + 1; j < n && v[j - 1] > v[j]; j++)
		;
	if (j < n && n - k > k) {
		u64_sort_desc(v, tmp, n);
		return;
	}
	if (j < n)
		u64_sort_desc(v + k, tmp, n - k);
	for (a = 0, b = k, o = 0; a < k && b < n;)
		tmp[o++] = v[a] > v[b] ? v[a++] : v[b++];
	while (a < k)
		tmp[o++] = v[a++];
	while (b < n)
		tmp[o++] = v[b++];
	memcpy(v, tmp, (size_t)n * sizeof(*v));
}

/*
 * The listed pages (rmm.wp_list) put to fork_wp_fn() in the order of the
 * mm's page list, newest first (by born), as the walk of every page would
 * meet them: the walk's other pages it passes by (fork_wp_none). Those
 * still to write-protect at a later fork (a shared VMA's) stay listed.
 * false (nothing done) out of memory. O(listed) (u64_order_desc) plus the
 * write-protection's.
 */
static bool fork_wp_listed(struct replay *r, struct fork_arg *f)
{
	struct rmm *m = f->m;
	struct pagelist *l = &m->wp_list;
	uint32_t k, n = l->n;

	if (n > r->wp_tmp_alloc) {	/* the keys, then as many for the sort */
		uint64_t *nt = realloc(r->wp_tmp, 2 * (size_t)l->alloc * sizeof(*nt));

		if (!nt)
			return false;
		r->wp_tmp = nt;
		r->wp_tmp_alloc = l->alloc;
	}
	for (k = 0; k < n; k++) {
		struct page *p = page_at(r, l->v[k]);

		r->wp_tmp[k] = (uint64_t)p->born << 32 | p->idx;
		p->wpl = false;
	}
	l->n = 0;
	if (n > 1)
		u64_order_desc(r->wp_tmp, r->wp_tmp + r->wp_tmp_alloc, n);
	r->stop_walk = false;	/* as tlbr_for_pages() leaves it */
	m->wp_known = false;	/* the PTE changes below are not listed ... */
	for (k = 0; k < n; k++)
		fork_wp_fn(r, page_at(r, (uint32_t)r->wp_tmp[k]), f);
	m->wp_known = true;
	for (k = 0; k < n; k++) {	/* ... but for what stays to do */
		struct page *p = page_at(r, (uint32_t)r->wp_tmp[k]);

		if (!fork_wp_none(r, p))
			wp_note(r, p);
	}
	return true;
}

/*
 * fork write-protects the whole mm. The first fork of the mm (or the first
 * after a lost-events gap) walks every page: O(pages of the mm x
 * pte_set). Each later one: O(pages whose PTE changed since the last fork,
 * x pte_set) (rmm.wp_list), the same pages changed in the same order.
 * Each page's fold reads the mm's and the CPUs' state from replay.fold,
 * taken once: O(policies x CPUs) (tlbr_tlb_fold_begin).
 */
bool tlbr_fork_wp(struct replay *r, struct rtask *t, uint32_t mm)
{
	struct fork_arg f = { .m = tlbr_mm_get(r, mm) };
	struct rmm *m = f.m;

	if (t->fork_wp_done || !m)
		return false;
	t->fork_wp_done = true;
	if (m->lazy_parent)	/* as tlbr_for_pages() does first */
		tlbr_mm_settle(r, m);
	tlbr_tlb_fold_begin(r, mm);	/* nothing below flushes or switches */
	if (m->wp_known && m->wp_lost == r->lost_seq && fork_wp_listed(r, &f)) {
		tlbr_tlb_fold_end(r);
		return f.downgraded;
	}
	for (uint32_t k = 0; k < m->wp_list.n; k++)
		page_at(r, m->wp_list.v[k])->wpl = false;
	m->wp_list.n = 0;
	m->wp_known = false;	/* fork_wp_list_fn lists */
	tlbr_for_pages(r, mm, true, 0, 0, fork_wp_list_fn, &f);
	tlbr_tlb_fold_end(r);
	m->wp_known = !f.unlisted;
	m->wp_lost = r->lost_seq;
	return f.downgraded;
}

int tlbr_fork_copy(struct replay *r, uint32_t parent, uint32_t child)
{
	struct pchange ch = {
		.ts_ns = r->ev->ts_ns, .pos = r->ev->pos, .cpu = r->ev->cpu, .pid = r->ev->pid,
		.why = "fork copy",
	};

	return tlbr_mm_fork(r, parent, child, r->seq, &ch);
}
