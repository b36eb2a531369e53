/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay-local.h - the engine's models and the policy interface.
 */
#ifndef TLBR_REPLAY_LOCAL_H
#define TLBR_REPLAY_LOCAL_H

#include "replay.h"

#define PAGE_SHIFT 12

/* What a CPU may hold for a page: bits of held state. */
enum {
	HELD_VALID = 1 << 0,	/* some valid entry (readable) */
	HELD_W = 1 << 1,	/* a writable entry */
	HELD_OLD = 1 << 2,	/* an entry for a page the PTE no longer maps */
	HELD_STALE = 1 << 3,	/* a read-only entry left by a write-fault reuse */
};

/* Per page, per policy, per CPU. */
struct ptlb {
	uint64_t cleared;	/* seq of the last flush of this page that reached the CPU */
	uint8_t held;		/* materialised at the last PTE change (unbounded model) */
};

/* The last flush decision about a page, for counterexamples. */
struct plast {
	uint64_t ts_ns, pos;
	int cpu;
};

struct page {
	uint64_t vpn;
	uint32_t idx;		/* its index: pages never move (see page_at) */
	uint32_t mm;		/* 0: free slot */
	uint32_t next;		/* next page of the same mm (index + 1) */
	uint32_t prev;
	bool mapped;		/* a page is there (present, or PROT_NONE) */
	bool present, writable, cow;
	uint64_t since;		/* seq of the last PTE change */
	struct pchange {	/* that change, formatted only for a counterexample */
		uint64_t ts_ns, pos;
		int cpu, pid;
		const char *why;
	} change;
};

struct vma {
	uint64_t start, end;
	uint32_t prot;		/* PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4 */
	bool shared;
	bool anon;
};

struct rmm {
	bool live;
	uint32_t first;			/* first page (index + 1) */
	uint64_t npages;
	struct tlbr_cpuset active;	/* CPUs where it is loaded (running or lazy) */
	struct tlbr_cpuset ever;	/* CPUs where it was ever loaded */
	uint64_t *last_end;		/* per CPU: seq when it was last unloaded */
	uint64_t *mm_cleared;		/* per policy x CPU: seq of the last whole-mm flush */
	struct tlbr_cpuset *behind;	/* per policy: CPUs that flush when they load it again */
	struct vma *vmas;
	unsigned int nvmas, vmas_alloc;
	bool vmas_known;		/* created in the trace: its VMAs are all known */
	uint32_t users;			/* tasks seen using it and not exited */
	uint32_t *hash;			/* vpn -> page index + 1; UINT32_MAX: tombstone */
	uint32_t hash_size, hash_used;
	/*
	 * A fork's child gets its parent's pages lazily: they are copied when
	 * the child's pages are first looked at, or before the parent changes
	 * one, whichever comes first (most children exit before either).
	 */
	uint32_t lazy_parent;		/* the copy owed to this child comes from there */
	uint64_t lazy_seq;		/* the fork's seq: the copies' PTE change */
	struct pchange lazy_change;
	uint32_t *lazy_kids;		/* children still owed a copy of this mm's pages */
	uint32_t nlazy_kids, lazy_kids_alloc;
	uint64_t brk;
};

struct rtask {
	uint32_t mm;
	/* a memory syscall in progress and its not yet applied effect */
	int sys;			/* enum tlbr_syscall + 1, 0 none */
	uint64_t sys_seq;		/* when it entered: tells one syscall from the next */
	uint64_t args[6];
	bool applied;
	int eff;			/* what applying it did (EFF_* bits of engine.c) */
	bool fork_wp_done;
	/* a write fault on a present read-only page, not yet resolved */
	bool wp_pending;
	uint32_t wp_page;		/* index + 1 */
	int wp_cpu;
	uint64_t wp_ts, wp_pos;
	/* pages the fork in progress write-protected: checked when it returns */
	uint64_t *fork_dg;
	uint32_t nfork_dg, fork_dg_alloc;
};

struct rcpu {
	uint32_t task;
	uint32_t mm;			/* loaded mm (also while a kernel thread runs: lazy) */
	bool user;			/* a task of that mm runs (not lazy) */
};

struct replay;
struct policy;

/* A flush point put to the policies. */
struct flushreq {
	enum tlbr_site site;
	uint32_t mm;			/* 0: no user mm (kernel, batched reclaim, fresh mm) */
	int cpu;			/* the issuer */
	bool whole_mm;
	uint64_t start_vpn, end_vpn;	/* when !whole_mm */
	bool opaque;			/* range and mm unknown: policies replay the kernel */
	bool adds_only;			/* no access removed: permissions only added */
	bool batched;			/* a reclaim/migration unmap that may be batched */
	enum tlbr_exec real;		/* what the traced kernel did */
	const struct tlbr_event *ev;
	uint64_t ts_ns, pos;		/* of the event it comes from */
};

/*
 * D_DEFER: TLBI IS now, completed by a DSB at the batch's sync (batched reclaim).
 * D_MERGED: covered by the batch flush of the run it extends (uffd MOVE):
 * every CPU is flushed, no new flush is issued.
 */
enum dkind { D_NONE, D_LOCAL, D_BROADCAST, D_TARGETED, D_DEFER, D_MERGED };

struct decision {
	enum dkind kind;
	struct tlbr_cpuset targets;	/* D_TARGETED: remote CPUs interrupted */
	struct tlbr_cpuset deferred;	/* not running the mm: they flush before they load it
					 * again (x86's TLB generation check at switch_mm) */
	bool migrate;			/* a migrate_disable()d local flush (active-cpu) */
	bool table_sync;		/* hugetlb unshare: an IPI to every other CPU syncs
					 * GUP-fast (tlb_remove_table_sync_one) */
	const struct policy_ops *by;	/* the component that decided */
};

/* Queries the engine answers for policies (under the policy's own TLB model). */
struct tlbr_cpuset view_holders(struct replay *r, struct policy *pl, const struct flushreq *q,
				bool more_than_allowed_only);
bool view_running(struct replay *r, uint32_t mm, int cpu);
/*
 * Of @cpus other than the issuer: those running the mm become IPI targets,
 * the others (lazy, or switched away) flush when they load it again.
 */
void decide_running(struct replay *r, const struct flushreq *q, const struct tlbr_cpuset *cpus,
		    struct decision *d);

struct policy_ops {
	const char *name;
	const char *summary;
	size_t state_size;
	/* Decide a flush point; false: not this policy's business (composition). */
	bool (*decide)(struct replay *r, struct policy *pl, const struct flushreq *q,
		       struct decision *d);
	/* Called when @cpu loads @mm. */
	void (*on_switch)(struct replay *r, struct policy *pl, int cpu, uint32_t mm);
	/* Called at an ASID rollover: @kept are the mms that keep their ASID. */
	void (*on_rollover)(struct replay *r, struct policy *pl, const uint32_t *kept,
			    unsigned int nkept);
	void (*free_state)(void *state);
	bool x86;			/* flushes by IPI, not by TLBI: --env vm/errata do not apply */
	bool no_pending_sync;		/* ignores flush_tlb_batched_pending (a broken variant) */
	bool lazy_mmu;			/* kernel PTE barriers batched at lazy MMU mode exit */
};

#define MAX_COMPONENTS 4

struct tlb_backend;

struct policy {
	int idx;
	const struct policy_ops *ops[MAX_COMPONENTS];
	void *state[MAX_COMPONENTS];
	unsigned int ncomp;
	struct tlbr_policy_result *res;
	/* capacity model: per CPU set-associative arrays */
	struct centry *tlb;
	uint64_t *all_cleared;		/* per CPU: seq of the last flush of everything */
	struct pending *pending;	/* deferred TLBIs not yet completed */
	uint32_t npending, pending_alloc;
};

/* The state of component @ops in the (composed) policy @pl, NULL if not in it. */
static inline void *policy_state(struct policy *pl, const struct policy_ops *ops)
{
	unsigned int k;

	for (k = 0; k < pl->ncomp; k++)
		if (pl->ops[k] == ops)
			return pl->state[k];
	return NULL;
}

struct pending {
	uint32_t page;			/* index */
	uint32_t mm;
	int cpu;			/* the issuer: its DSB completes it */
};

struct centry {
	uint32_t mm;
	uint8_t held;
	uint64_t vpn;
	uint64_t lru;
};

struct replay {
	struct tlbr_replay_opts o;
	int ncpus;
	uint64_t seq;
	const struct tlbr_event *ev;
	struct tlbr_replay_result res;
	struct policy pol[TLBR_MAX_POLICIES];
	int npol;
	/* page table */
	struct page **chunks;		/* pages, PAGE_CHUNK at a time: they never move */
	struct ptlb *ptlb;		/* pages x npol x ncpus */
	struct plast *plast;		/* pages x npol */
	uint32_t npages, pages_alloc;
	uint32_t free_head;		/* free page slots (index + 1), linked through next */
	uint32_t nfree;
	struct rmm *mms;
	uint32_t nmms;
	struct rtask *tasks;
	uint32_t ntasks;
	struct rcpu cpu[TLBR_MAX_CPUS];
	uint64_t lru_clock;
	bool stop_walk;			/* a page callback asks for_pages() to stop */
	struct rtask *cur_task;		/* the task of the event being replayed */
	struct tlbr_cpuset asid_flush;	/* CPUs that flush everything at their next switch_mm */
};

/* mmodel.c */
struct rmm *mm_create(struct replay *r, uint32_t id);
/* The address space @id, created on first use; NULL for 0 or out of memory. */
static inline struct rmm *mm_get(struct replay *r, uint32_t id)
{
	if (id && id < r->nmms && r->mms[id].last_end)
		return &r->mms[id];
	return mm_create(r, id);
}
struct rtask *task_rget(struct replay *r, uint32_t id);
struct page *page_find(struct replay *r, uint32_t mm, uint64_t vpn);
struct page *page_get(struct replay *r, uint32_t mm, uint64_t vpn);
void mm_drop_pages(struct replay *r, uint32_t mm);
int mm_reserve(struct replay *r, struct rmm *m, uint64_t npages);
int mm_fork(struct replay *r, uint32_t parent, uint32_t child, uint64_t seq,
	    const struct pchange *change);
int mm_settle(struct replay *r, struct rmm *m);
int mm_settle_kids(struct replay *r, struct rmm *m);
#define PAGE_CHUNK 4096

static inline struct page *page_at(struct replay *r, uint32_t i)
{
	return &r->chunks[i / PAGE_CHUNK][i % PAGE_CHUNK];
}

static inline uint32_t page_idx(struct replay *r, const struct page *p)
{
	(void)r;
	return p->idx;
}
static inline struct ptlb *ptlb_of(struct replay *r, const struct page *p, int pol, int cpu)
{
	return &r->ptlb[((size_t)page_idx(r, p) * (size_t)r->npol + (size_t)pol) *
			 (size_t)r->ncpus + (size_t)cpu];
}
void vma_add(struct rmm *m, uint64_t start, uint64_t end, uint32_t prot, bool shared, bool anon);
void vma_remove(struct rmm *m, uint64_t start, uint64_t end);
void vma_protect(struct rmm *m, uint64_t start, uint64_t end, uint32_t prot);
const struct vma *vma_find(const struct rmm *m, uint64_t addr);

/* tlb.c: the residency models */
uint8_t tlb_held(struct replay *r, struct policy *pl, const struct page *p, int cpu);
uint8_t tlb_held_before(struct replay *r, struct policy *pl, const struct page *p, int cpu);
void tlb_before_pte_change(struct replay *r, const struct page *p, bool replaced);
void tlb_flush_page(struct replay *r, struct policy *pl, const struct page *p, int cpu);
void tlb_flush_mm(struct replay *r, struct policy *pl, uint32_t mm, int cpu);
void tlb_flush_all(struct replay *r, struct policy *pl, int cpu);
void tlb_access(struct replay *r, const struct page *p, int cpu);
void tlb_set_flag(struct replay *r, struct policy *pl, const struct page *p, int cpu,
		  uint8_t set, uint8_t clear);
int tlb_init(struct replay *r);
void tlb_release(struct replay *r);

/* policies */
extern const struct policy_ops policy_arm64_broadcast;
extern const struct policy_ops policy_x86_ipi;
extern const struct policy_ops policy_oracle;
extern const struct policy_ops policy_local_only;
extern const struct policy_ops policy_wp_local;
extern const struct policy_ops policy_active_cpu;
extern const struct policy_ops policy_pte_needs_flush;
extern const struct policy_ops policy_batched_reclaim;
extern const struct policy_ops policy_batched_reclaim_nopending;
extern const struct policy_ops policy_lazy_mmu;
extern const struct policy_ops policy_uffd_move_batch;
extern const struct policy_ops policy_hugetlb_unshare_gather;

#endif /* TLBR_REPLAY_LOCAL_H */
