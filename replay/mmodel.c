// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmodel.c - the page-table model: address spaces with their VMAs, and
 * one entry per touched page (present, writable, COW write-protected).
 * Pages never touched cost nothing; the pages of a torn-down address space
 * are freed and their slots reused.
 */
#include <errno.h>
#include <string.h>

#include "replay-local.h"

#define TOMB UINT32_MAX

static void *grow_zero(void *arr, uint32_t *alloc, uint32_t need, size_t elem)
{
	uint32_t n = *alloc ? *alloc : 64;
	void *p;

	if (need < *alloc)
		return arr;
	while (n <= need)
		n *= 2;
	p = realloc(arr, (size_t)n * elem);
	if (!p)
		return NULL;
	memset((char *)p + (size_t)*alloc * elem, 0, (size_t)(n - *alloc) * elem);
	*alloc = n;
	return p;
}

/* O(1) amortised (the table of mms grows by doubling). */
struct rmm *tlbr_mm_create(struct replay *r, uint32_t id)
{
	struct rmm *m;

	if (id && id < r->nmms && r->mms[id].last_end)
		return &r->mms[id];
	if (!id)
		return NULL;
	if (id >= r->nmms) {
		uint32_t n = r->nmms;
		struct rmm *nm = grow_zero(r->mms, &n, id, sizeof(*nm));

		if (!nm)
			return NULL;
		r->mms = nm;
		r->nmms = n;
	}
	m = &r->mms[id];
	if (!m->last_end) {
		m->last_end = calloc((size_t)r->ncpus, sizeof(*m->last_end));
		m->mm_cleared = calloc((size_t)r->ncpus * (size_t)r->npol, sizeof(*m->mm_cleared));
		m->behind = calloc((size_t)r->npol, sizeof(*m->behind));
		m->empty = calloc((size_t)r->npol, sizeof(*m->empty));
		m->batched = calloc((size_t)r->npol, sizeof(*m->batched));
		if (!m->last_end || !m->mm_cleared || !m->behind || !m->empty || !m->batched)
			return NULL;
		m->live = true;
		if (r->res.hidden_tasks)	/* tasks the trace leaves out may run it anywhere */
			m->unseen_threads = 1;
	}
	return m;
}

/* The task @id, created on first use. O(1) amortised. */
struct rtask *tlbr_task_rget(struct replay *r, uint32_t id)
{
	if (!id)
		return NULL;
	if (id >= r->ntasks) {
		uint32_t n = r->ntasks;
		struct rtask *nt = grow_zero(r->tasks, &n, id, sizeof(*nt));

		if (!nt)
			return NULL;
		r->tasks = nt;
		r->ntasks = n;
	}
	return &r->tasks[id];
}

/*
 * Each address space has its own open-addressing table vpn -> page index:
 * small tables stay in cache (a fork copies hundreds of pages into a fresh
 * one) and an address space that goes is dropped whole, without tombstones.
 */
static uint32_t hash_vpn(uint64_t vpn)
{
	uint64_t k = vpn;

	/* splitmix64's finaliser */
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebULL;
	k ^= k >> 31;
	return (uint32_t)k;
}

/* O(1) expected (open addressing); pays a fork's owed copy first (mm_settle). */
struct page *tlbr_page_find(struct replay *r, uint32_t mm, uint64_t vpn)
{
	struct rmm *m = mm && mm < r->nmms ? &r->mms[mm] : NULL;
	uint32_t k, slot;

	if (m && m->lazy_parent)
		tlbr_mm_settle(r, m);
	if (!m || !m->hash_size)
		return NULL;
	k = hash_vpn(vpn) & (m->hash_size - 1);
	while ((slot = m->hash[k])) {
		if (slot != TOMB && page_at(r, slot - 1)->vpn == vpn)
			return page_at(r, slot - 1);
		k = (k + 1) & (m->hash_size - 1);
	}
	return NULL;
}

/* O(pages of the mm) when the table grows. */
int tlbr_mm_reserve(struct replay *r, struct rmm *m, uint64_t npages);

static int rehash(struct replay *r, struct rmm *m, uint32_t size)
{
	uint32_t *h = calloc(size, sizeof(*h)), i;

	if (!h)
		return -ENOMEM;
	for (i = m->first; i; i = page_at(r, i - 1)->next) {
		uint32_t k = hash_vpn(page_at(r, i - 1)->vpn) & (size - 1);

		while (h[k])
			k = (k + 1) & (size - 1);
		h[k] = i;
	}
	free(m->hash);
	m->hash = h;
	m->hash_size = size;
	m->hash_used = (uint32_t)m->npages;
	return 0;
}

/* Room for PAGE_CHUNK more page slots. O(pages) for the reallocs, amortised. */
static __attribute__((noinline)) int page_slots_grow(struct replay *r)
{
	size_t per = (size_t)r->npol * (size_t)r->ncpus;
	uint32_t n = r->pages_alloc + PAGE_CHUNK;
	struct page **nc = realloc(r->chunks, (n / PAGE_CHUNK) * sizeof(*nc));
	struct ptlb *nt;
	struct plast *nl;
	struct lrutag *lt;
	uint8_t *ha;

	if (!nc)
		return -ENOMEM;
	r->chunks = nc;
	nc[n / PAGE_CHUNK - 1] = malloc(PAGE_CHUNK * sizeof(struct page));
	if (!nc[n / PAGE_CHUNK - 1])
		return -ENOMEM;
	nt = realloc(r->ptlb, (size_t)n * per * sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	r->ptlb = nt;
	nl = realloc(r->plast, (size_t)n * (size_t)r->npol * sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	r->plast = nl;
	ha = realloc(r->held_any, n);
	if (!ha)
		return -ENOMEM;
	r->held_any = ha;
	lt = realloc(r->lru, (size_t)n * sizeof(*lt));
	if (!lt)
		return -ENOMEM;
	r->lru = lt;
	r->pages_alloc = n;
	return 0;
}

/*
 * A free page slot, its bound and LRU state zeroed (the page itself is the
 * caller's to fill: its memset clears page.ptlb_set and plast_set, so
 * its policy and CPU state reads as zero and is zeroed at its first write,
 * ptlb_mut / plast_of). O(1), amortised over the arrays' growth
 * (page_slots_grow, out of line: a fork's copy takes millions of slots).
 */
static inline int page_slot_take(struct replay *r, uint32_t *ret)
{
	uint32_t i;

	if (r->free_head) {
		i = r->free_head - 1;
		r->free_head = page_at(r, i)->next;
		r->nfree--;
	} else {
		if (r->npages == r->pages_alloc && page_slots_grow(r) < 0)
			return -ENOMEM;
		i = r->npages++;
	}
	r->held_any[i] = 0;
	r->lru[i] = (struct lrutag){ 0 };
	*ret = i;
	return 0;
}

/* A free page slot, zeroed (no PTE, no history). O(1) (page_slot_take). */
static int page_slot(struct replay *r, uint32_t *ret)
{
	int err = page_slot_take(r, ret);

	if (err < 0)
		return err;
	memset(page_at(r, *ret), 0, sizeof(struct page));
	page_at(r, *ret)->idx = *ret;
	return 0;
}

static struct page *page_insert(struct replay *r, uint32_t mm, uint64_t vpn);

/*
 * The page, created (not present, no history) when first touched; NULL on ENOMEM.
 * O(1) expected, amortised over table growth.
 */
struct page *tlbr_page_get(struct replay *r, uint32_t mm, uint64_t vpn)
{
	struct page *p = tlbr_page_find(r, mm, vpn);

	return p ? p : page_insert(r, mm, vpn);
}

/* A page @mm does not have yet (page_get's second half). O(1) expected, amortised. */
static struct page *page_insert(struct replay *r, uint32_t mm, uint64_t vpn)
{
	struct page *p;
	struct rmm *m;
	uint32_t i, k;

	m = tlbr_mm_get(r, mm);
	if (!m)
		return NULL;
	if (m->nlazy_kids && tlbr_mm_settle_kids(r, m) < 0)	/* they do not get this page */
		return NULL;
	if ((m->hash_used + 1) * 2 > m->hash_size) {
		/* sized by the live pages: tombstones of freed ones are dropped */
		uint32_t size = 64;

		while (size < (m->npages + 1) * 4)
			size *= 2;
		if (rehash(r, m, size) < 0)
			return NULL;
	}
	if (page_slot(r, &i) < 0)
		return NULL;
	p = page_at(r, i);
	p->mm = mm;
	p->vpn = vpn;
	r->pgen++;
	/* a mm's list is newest first (pages leave only with the whole mm) */
	p->born = r->nborn++;
	if (!r->nborn)		/* wrapped: the order by born is lost */
		r->cand_failed = true;
	p->next = m->first;
	m->first = i + 1;
	m->npages++;
	m = &r->mms[mm];	/* page_slot() does not move the mms */
	k = hash_vpn(vpn) & (m->hash_size - 1);
	while (m->hash[k] && m->hash[k] != TOMB)
		k = (k + 1) & (m->hash_size - 1);
	if (!m->hash[k])
		m->hash_used++;
	m->hash[k] = i + 1;
	r->res.pages++;
	return p;
}

static void unlink_kid(struct replay *r, struct rmm *kid, uint32_t kid_id)
{
	struct rmm *pm = &r->mms[kid->lazy_parent];
	uint32_t i;

	for (i = 0; i < pm->nlazy_kids; i++)
		if (pm->lazy_kids[i] == kid_id) {
			pm->lazy_kids[i] = pm->lazy_kids[--pm->nlazy_kids];
			break;
		}
	kid->lazy_parent = 0;
}

/* O(pages of the mm), each page freed once. */
void tlbr_mm_drop_pages(struct replay *r, uint32_t mm)
{
	struct rmm *m = tlbr_mm_get(r, mm);
	uint32_t i, next;

	if (!m)
		return;
	if (m->lazy_parent)	/* the copy is no longer owed */
		unlink_kid(r, m, mm);
	tlbr_mm_settle_kids(r, m);	/* they keep what the parent had */
	tlbr_stale_settle(r, m, -1, true);	/* no CPU ran the mm since: never used */
	for (i = m->first; i; i = next) {
		struct page *p = page_at(r, i - 1);

		next = p->next;
		p->mm = 0;
		p->next = r->free_head;
		r->free_head = i;
		r->nfree++;
	}
	m->first = 0;
	m->npages = 0;
	r->pgen++;
	tlbr_tlb_excess_drop(r, m);
	zfree(&m->cand.v);
	m->cand.n = m->cand.alloc = 0;
	zfree(&m->wp_list.v);
	m->wp_list.n = m->wp_list.alloc = 0;
	m->wp_known = false;
	zfree(&m->hash);
	m->hash_size = m->hash_used = 0;
}

/* Remember page @i found in the range being filled; false when out of memory. */
static bool rc_push(struct range_cache *c, uint32_t i)
{
	if (c->n == c->alloc) {
		uint32_t n = c->alloc ? c->alloc * 2 : 64;
		uint32_t *ni = realloc(c->idx, n * sizeof(*ni));

		if (!ni)
			return false;
		c->idx = ni;
		c->alloc = n;
	}
	c->idx[c->n++] = i;
	return true;
}

/*
 * The lookup walk of [start, end): @fn for each page found, in vpn order,
 * from @v on. With @c, the pages found are remembered (r->rc) for the same
 * range asked again, unless @fn created or dropped a page or stopped the
 * walk. O(end - start) lookups.
 */
static void lookup_walk(struct replay *r, uint32_t mm, uint64_t v, uint64_t end,
			page_fn fn, void *arg, struct range_cache *c)
{
	for (; v < end && !r->stop_walk; v++) {
		struct page *p = tlbr_page_find(r, mm, v);

		if (!p)
			continue;
		if (c && !rc_push(c, p->idx))
			c = NULL;
		fn(r, p, arg);
	}
	if (c && !r->stop_walk && c->gen == r->pgen)
		c->valid = true;
}

/*
 * Call @fn for every page of @mm the model knows in [start, end) (vpns).
 * O(pages in the range) by lookup when the range is small, else O(pages of
 * the mm). The same range asked again while no page was created or dropped
 * costs O(pages found) (r->rc); a walk inside @fn neither uses nor fills it.
 */
void tlbr_for_pages(struct replay *r, uint32_t mm, bool whole, uint64_t start, uint64_t end,
		      page_fn fn, void *arg)
{
	struct rmm *m = tlbr_mm_get(r, mm);
	struct range_cache *c = &r->rc;
	uint32_t i, next;

	r->stop_walk = false;
	if (!m)
		return;
	if (m->lazy_parent)
		tlbr_mm_settle(r, m);
	/* few pages asked of a big mm: look them up; else walk the mm's list */
	if (!whole && (end - start <= 16 || end - start <= m->npages / 8)) {
		uint64_t v = start;

		if (c->busy) {
			lookup_walk(r, mm, v, end, fn, arg, NULL);
			return;
		}
		c->busy = true;
		if (c->valid && c->gen == r->pgen && c->mm == mm && c->start == start &&
		    c->end == end) {
			for (uint32_t k = 0; k < c->n; k++) {
				struct page *p = page_at(r, c->idx[k]);

				v = p->vpn + 1;
				fn(r, p, arg);
				if (r->stop_walk)
					break;
				/* a page created or dropped, or a copy owed: look up the rest */
				if (c->gen != r->pgen || r->mms[mm].lazy_parent) {
					lookup_walk(r, mm, v, end, fn, arg, NULL);
					break;
				}
			}
		} else {
			*c = (struct range_cache){ .mm = mm, .start = start, .end = end,
						   .gen = r->pgen, .idx = c->idx,
						   .alloc = c->alloc, .busy = true };
			lookup_walk(r, mm, v, end, fn, arg, c);
		}
		c->busy = false;
		return;
	}
	for (i = m->first; i && !r->stop_walk; i = next) {
		struct page *p = page_at(r, i - 1);

		next = p->next;
		if (whole || (p->vpn >= start && p->vpn < end))
			fn(r, p, arg);
	}
}

/* ------------------------------------------------------------------ VMAs */

/*
 * An mm's VMAs are a sorted array that never overlaps: lookups are binary
 * searches, and a change replaces the run of VMAs it touches by at most
 * three pieces in one splice (as the kernel's maple tree stores a range).
 * n below is the mm's number of VMAs, k the VMAs a range touches; the
 * splice's memmove moves the tail of the array once, at memory speed.
 */

/* The VMA holding @addr, NULL if none. O(log n). */
const struct vma *tlbr_vma_find(const struct rmm *m, uint64_t addr)
{
	unsigned int lo = 0, hi = m->nvmas;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (addr < m->vmas[mid].start)
			hi = mid;
		else if (addr >= m->vmas[mid].end)
			lo = mid + 1;
		else
			return &m->vmas[mid];
	}
	return NULL;
}

/*
 * tlbr_vma_find() for a walk over pages in any order: the VMA of index
 * *@hint (the last one found) is tried first. VMAs never overlap, so one
 * that holds @addr is the one a search finds. O(1) while the walk stays in
 * that VMA, else O(log n).
 */
const struct vma *tlbr_vma_find_near(const struct rmm *m, uint64_t addr, unsigned int *hint)
{
	const struct vma *v;

	if (*hint < m->nvmas && addr >= m->vmas[*hint].start && addr < m->vmas[*hint].end)
		return &m->vmas[*hint];
	v = tlbr_vma_find(m, addr);
	if (v)
		*hint = (unsigned int)(v - m->vmas);
	return v;
}

/* The index of the first VMA ending after @addr (nvmas: none). O(log n). */
static unsigned int vma_first_after(const struct rmm *m, uint64_t addr)
{
	unsigned int lo = 0, hi = m->nvmas;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (m->vmas[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Does a VMA overlap [start, end)? The first VMA ending after @start has the
 * lowest start of those that may: the others start after it. O(log n).
 */
bool tlbr_vma_any_in(const struct rmm *m, uint64_t start, uint64_t end)
{
	unsigned int i = vma_first_after(m, start);

	return i < m->nvmas && m->vmas[i].start < end;
}

/* The index of the first VMA from @i on starting at or after @addr. O(log n). */
static unsigned int vma_first_from(const struct rmm *m, unsigned int i, uint64_t addr)
{
	unsigned int lo = i, hi = m->nvmas;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (m->vmas[mid].start < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Make @m's VMA array its own before a change: a copy if another mm shares
 * it (vma_copy). false (nothing changed) when out of memory. O(n) for the
 * copy, once per change after a fork; O(1) otherwise.
 */
static bool vma_own(struct rmm *m)
{
	struct vma *nv;

	if (!m->vmas_refs)
		return true;
	if (*m->vmas_refs == 1) {	/* the others went */
		zfree(&m->vmas_refs);
		return true;
	}
	nv = malloc(m->vmas_alloc * sizeof(*nv));
	if (!nv)
		return false;
	memcpy(nv, m->vmas, m->nvmas * sizeof(*nv));
	(*m->vmas_refs)--;
	m->vmas_refs = NULL;
	m->vmas = nv;
	return true;
}

static bool vma_reserve(struct rmm *m, unsigned int n)
{
	if (!vma_own(m))
		return false;
	if (m->nvmas + n > m->vmas_alloc) {
		unsigned int a = m->vmas_alloc ? m->vmas_alloc * 2 : 16;
		struct vma *nv;

		while (a < m->nvmas + n)
			a *= 2;
		nv = realloc(m->vmas, a * sizeof(*nv));
		if (!nv)
			return false;
		m->vmas = nv;
		m->vmas_alloc = a;
	}
	return true;
}

/* Replace VMAs [i, j) by the @n of @with. O(n + k) moved by one memmove; amortised O(1) growth. */
static void vma_splice(struct rmm *m, unsigned int i, unsigned int j, const struct vma *with,
		       unsigned int n)
{
	if (!vma_own(m) || (n > j - i && !vma_reserve(m, n - (j - i))))
		return;		/* out of memory: the VMAs stay as they were */
	if (m->nvmas > j && i + n != j)
		memmove(&m->vmas[i + n], &m->vmas[j], (m->nvmas - j) * sizeof(*with));
	if (n)	/* (memcpy of nothing from NULL is undefined all the same) */
		memcpy(&m->vmas[i], with, n * sizeof(*with));
	m->nvmas = m->nvmas - (j - i) + n;
}

/*
 * The VMAs [*@i, *@j) that [start, end) touches, and the pieces of the
 * first and last that lie outside it (@left, @right; false: none).
 * An empty range touches the VMA strictly containing it. O(log n).
 */
static void vma_touched(const struct rmm *m, uint64_t start, uint64_t end, unsigned int *i,
			unsigned int *j, struct vma *left, bool *has_left, struct vma *right,
			bool *has_right)
{
	*i = vma_first_after(m, start);
	*j = vma_first_from(m, *i, end > start ? end : start + 1);
	if (end <= start && *j > *i && m->vmas[*i].start == start)
		*j = *i;	/* an empty range at a VMA's start touches nothing */
	*has_left = *has_right = false;
	if (*i == *j)
		return;
	if (m->vmas[*i].start < start) {
		*left = m->vmas[*i];
		left->end = start;
		*has_left = true;
	}
	if (m->vmas[*j - 1].end > end) {
		*right = m->vmas[*j - 1];
		right->start = end;
		*has_right = true;
	}
}

/* Cut [start, end) out of every VMA (splitting one that contains it). O(log n + k). */
void tlbr_vma_remove(struct rmm *m, uint64_t start, uint64_t end)
{
	struct vma keep[2], left, right;
	bool has_left, has_right;
	unsigned int i, j, n = 0;

	vma_touched(m, start, end, &i, &j, &left, &has_left, &right, &has_right);
	if (i == j)
		return;
	if (has_left)
		keep[n++] = left;
	if (has_right)
		keep[n++] = right;
	vma_splice(m, i, j, keep, n);
}

/* Map [start, end) as one VMA, replacing what was there. O(log n + k). */
void tlbr_vma_add(struct rmm *m, uint64_t start, uint64_t end, uint32_t prot, bool shared,
		  bool anon)
{
	struct vma with[3], left, right;
	bool has_left, has_right;
	unsigned int i, j, n = 0;

	if (start >= end)
		return;
	vma_touched(m, start, end, &i, &j, &left, &has_left, &right, &has_right);
	if (has_left)
		with[n++] = left;
	with[n++] = (struct vma){ start, end, prot, shared, anon };
	if (has_right)
		with[n++] = right;
	vma_splice(m, i, j, with, n);
}

/* The VMA tlbr_vma_add() just put at @start was made by what the trace shows at @seq. O(log n). */
void tlbr_vma_made(struct rmm *m, uint64_t start, uint64_t seq)
{
	const struct vma *v = tlbr_vma_find(m, start);
	size_t i = v ? (size_t)(v - m->vmas) : 0;

	/* tlbr_vma_add() made the array the address space's own (vma_own) */
	if (v && v->start == start && vma_own(m))
		m->vmas[i].made = seq;
}

/*
 * Give the parts of VMAs within [start, end) protection @prot, in place:
 * the touched run is cut at the range's ends (at most two more VMAs).
 * O(log n + k), plus the tail's memmove; amortised O(1) growth.
 */
void tlbr_vma_protect(struct rmm *m, uint64_t start, uint64_t end, uint32_t prot)
{
	struct vma left, right;
	bool has_left, has_right;
	unsigned int i, j, k, extra;

	if (start >= end)
		return;
	vma_touched(m, start, end, &i, &j, &left, &has_left, &right, &has_right);
	if (i == j)
		return;
	extra = (unsigned int)has_left + (unsigned int)has_right;
	if (!vma_own(m) || (extra && !vma_reserve(m, extra)))
		return;		/* out of memory: the VMAs stay as they were */
	/* the VMAs after the run move by both pieces, the run by the left one */
	memmove(&m->vmas[j + extra], &m->vmas[j], (m->nvmas - j) * sizeof(*m->vmas));
	memmove(&m->vmas[i + has_left], &m->vmas[i], (j - i) * sizeof(*m->vmas));
	for (k = i + has_left; k < j + has_left; k++) {
		struct vma *v = &m->vmas[k];

		v->start = v->start > start ? v->start : start;
		v->end = v->end < end ? v->end : end;
		v->prot = prot;
	}
	if (has_left)
		m->vmas[i] = left;
	if (has_right)
		m->vmas[j + has_left] = right;
	m->nvmas += extra;
}

/* Forget all of @m's VMAs and their memory (its share of an array others keep). O(1). */
void tlbr_mm_drop_vmas(struct rmm *m)
{
	if (m->vmas_refs && --*m->vmas_refs) {
		m->vmas = NULL;		/* the others keep it */
		m->vmas_refs = NULL;
	} else {
		zfree(&m->vmas_refs);
		zfree(&m->vmas);
	}
	m->nvmas = m->vmas_alloc = 0;
}

/*
 * Copy @from's VMAs into @to. O(1) when @to has none: the array is shared
 * until either changes its VMAs (vma_own); else O(n log n).
 */
static void vma_copy(struct rmm *to, struct rmm *from)
{
	unsigned int i;

	if (!from->nvmas)
		return;
	if (!to->nvmas) {
		tlbr_mm_drop_vmas(to);
		if (!from->vmas_refs && (from->vmas_refs = malloc(sizeof(*from->vmas_refs))))
			*from->vmas_refs = 1;
		if (from->vmas_refs) {
			(*from->vmas_refs)++;
			to->vmas_refs = from->vmas_refs;
			to->vmas = from->vmas;
			to->nvmas = from->nvmas;
			to->vmas_alloc = from->vmas_alloc;
			return;
		}
	}
	if (!to->nvmas && vma_reserve(to, from->nvmas)) {
		memcpy(to->vmas, from->vmas, from->nvmas * sizeof(*to->vmas));
		to->nvmas = from->nvmas;
		return;
	}
	for (i = 0; i < from->nvmas; i++)
		tlbr_vma_add(to, from->vmas[i].start, from->vmas[i].end, from->vmas[i].prot,
			from->vmas[i].shared, from->vmas[i].anon);
}

/* Size @m's page table for @npages pages at once (a fork copying them). */
int tlbr_mm_reserve(struct replay *r, struct rmm *m, uint64_t npages)
{
	uint32_t size = 64;

	while (size < (npages + 1) * 4)
		size *= 2;
	if (size <= m->hash_size)
		return 0;
	return rehash(r, m, size);
}

/*
 * Give @child the pages of @parent as they are now (see struct rmm).
 * O(VMAs) for the VMA copy; the pages are owed, O(1) now.
 */
int tlbr_mm_fork(struct replay *r, uint32_t parent, uint32_t child, uint64_t seq,
	    const struct pchange *change)
{
	struct rmm *pm = tlbr_mm_get(r, parent), *cm = tlbr_mm_get(r, child);

	if (!pm || !cm)
		return -ENOMEM;
	pm = &r->mms[parent];
	if (pm->lazy_parent && tlbr_mm_settle(r, pm) < 0)	/* a lazy mm has no lazy kids */
		return -ENOMEM;
	cm->vmas_known = pm->vmas_known;
	cm->brk = pm->brk;
	vma_copy(cm, pm);
	if (!pm->npages)
		return 0;
	if (pm->nlazy_kids == pm->lazy_kids_alloc) {
		uint32_t n = pm->lazy_kids_alloc ? pm->lazy_kids_alloc * 2 : 4;
		uint32_t *nk = realloc(pm->lazy_kids, n * sizeof(*nk));

		if (!nk)
			return -ENOMEM;
		pm->lazy_kids = nk;
		pm->lazy_kids_alloc = n;
	}
	pm->lazy_kids[pm->nlazy_kids++] = child;
	cm->lazy_parent = parent;
	cm->lazy_seq = seq;
	cm->lazy_unknown = tlbr_unknown_seq(r, pm);
	cm->lazy_change = *change;
	return 0;
}

/*
 * The copy of @p in a fork's child @m (mm_settle): the PTE, since and
 * change. Into a child that had no page (@empty), page_insert()'s work
 * without what an mm with pages needs (owed copies of its own, a full
 * table: tlbr_mm_reserve sized it for all the copies first): the same
 * slot, list position, born and hash slot. O(1) (the fresh slot's policy
 * and CPU state is zeroed at its first write, page_slot_take); O(1)
 * expected lookup otherwise (tlbr_page_get).
 */
static struct page *page_copy_insert(struct replay *r, uint32_t mm, struct rmm *m,
				     const struct page *p, bool empty)
{
	uint32_t i, k, mask = m->hash_size - 1;
	struct page *q;

	if (!empty || (m->hash_used + 1) * 2 > m->hash_size) {
		q = empty ? page_insert(r, mm, p->vpn) : tlbr_page_get(r, mm, p->vpn);
		if (!q)
			return NULL;
	} else {
		if (page_slot_take(r, &i) < 0)
			return NULL;
		q = page_at(r, i);
		memset(q, 0, sizeof(*q));	/* what no line below sets is as page_slot leaves it */
		q->vpn = p->vpn;
		q->idx = i;
		q->mm = mm;
		q->next = m->first;
		q->born = r->nborn++;
		if (!r->nborn)
			r->cand_failed = true;
		r->pgen++;
		m->first = i + 1;
		m->npages++;
		for (k = hash_vpn(p->vpn) & mask; m->hash[k]; k = (k + 1) & mask)
			;
		m->hash_used++;
		m->hash[k] = i + 1;
		r->res.pages++;
	}
	q->mapped = p->mapped;
	q->present = p->present;
	q->writable = p->writable;
	q->cow = p->cow;
	q->dirty = p->dirty;	/* copy_present_pte keeps it (arm64: PTE_DIRTY) */
	q->huge = p->huge;	/* copy_huge_pmd */
	/* copy_present_pte: pte_mkold; copy_huge_pmd: pmd_mkold */
	q->young = PAGE_OLD;
	q->since = m->lazy_seq;
	q->change = m->lazy_change;
	/*
	 * copy_present_pte() copies the PTE as it is (write-protected for a
	 * COW mapping: fork_wp_fn() did the parent's, the copy is of that):
	 * one the parent's model did not know at the fork (tlbr_pte_unknown():
	 * changed before its last gap or populate, page.gapw) is not known in
	 * the child either, and a stand-in (and its maybe) stays one
	 */
	q->gapw = p->gapw || (p->mapped && p->since < m->lazy_unknown);
	q->standin = p->standin;
	q->forkvma = p->forkvma && !(p->mapped && p->since < m->lazy_unknown);
	q->maybe = p->maybe;
	return q;
}

/* Does @m have a MAP_SHARED VMA? O(n). */
static bool any_shared(const struct rmm *m)
{
	for (unsigned int k = 0; k < m->nvmas; k++)
		if (m->vmas[k].shared)
			return true;
	return false;
}

/*
 * Pay the copy @m is owed. O(pages of the parent), paid once per child,
 * plus O(VMAs) once and, only when the child has a shared anonymous VMA,
 * O(log VMAs) per page (O(1) while consecutive pages stay in one VMA).
 */
int tlbr_mm_settle(struct replay *r, struct rmm *m)
{
	uint32_t id = (uint32_t)(m - r->mms), parent = m->lazy_parent, i;
	unsigned int hint = 0;
	struct rmm *pm;
	bool empty, sa;

	if (!parent)
		return 0;
	unlink_kid(r, m, id);
	m->wp_known = false;	/* the copies are not listed (rmm.wp_list): a fork walks */
	pm = &r->mms[parent];
	/* a child owed a copy has no page yet: the parent's (distinct) vpns need no lookup */
	empty = !m->npages;
	if (tlbr_mm_reserve(r, m, pm->npages) < 0)
		return -ENOMEM;
	sa = any_shared(m);	/* the VMAs do not change in the loop */
	for (i = pm->first; i; i = page_at(r, i - 1)->next) {
		struct page *p = page_at(r, i - 1);
		const struct vma *v = NULL;
		struct page *q;

		if (!p->mapped)
			continue;
		/*
		 * copy_page_range returns at once where !vma_needs_copy(): no
		 * anon_vma (nor VM_PFNMAP/VM_MIXEDMAP, uffd-wp), as a
		 * MAP_SHARED|MAP_ANONYMOUS mapping never has (shmem_zero_setup):
		 * the child faults its pages in
		 */
		if (sa) {
			v = tlbr_vma_find_near(m, p->vpn << PAGE_SHIFT, &hint);
			if (v && v->shared && v->anon)
				continue;
		}
		if (!(q = page_copy_insert(r, id, m, p, empty)))
			return -ENOMEM;
		/*
		 * nor a MAP_SHARED file mapping (no anon_vma: anon_vma_prepare()
		 * is for private COW faults only), unless it is a device's
		 * (VM_PFNMAP, VM_MIXEDMAP: /dev/mem, DRM, DAX), which the trace
		 * cannot tell: the copy is there maybe (page.maybe), the flushes
		 * only it would cause uncertain
		 */
		if (v && v->shared)
			q->maybe = true;
	}
	return 0;
}

/* O(children x pages of the parent). */
int tlbr_mm_settle_kids(struct replay *r, struct rmm *m)
{
	while (m->nlazy_kids)
		if (tlbr_mm_settle(r, &r->mms[m->lazy_kids[m->nlazy_kids - 1]]) < 0)
			return -ENOMEM;
	return 0;
}
