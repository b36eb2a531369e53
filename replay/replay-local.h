/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay-local.h - the engine's models and the policy interface.
 */
#ifndef TLBR_REPLAY_LOCAL_H
#define TLBR_REPLAY_LOCAL_H

#include "policy.h"
#include "replay.h"

#define PAGE_SHIFT TLBR_PAGE_SHIFT
#define PMD_PAGES 512ULL	/* 4 KiB pages per PMD (2 MiB) */
#define CONT_PAGES 16ULL	/* 4 KiB pages per arm64 contpte block (64 KiB, CONT_PTES) */

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
	bool xlisted;		/* in its mm's excess list of this policy and CPU (rmm.excess) */
};

/* Page indexes (excess lists: tlb.c). */
struct pagelist {
	uint32_t *v;
	uint32_t n, alloc;
};
int tlbr_pagelist_push(struct pagelist *l, uint32_t v);

/* The last flush decision about a page, for counterexamples. */
struct plast {
	uint64_t ts_ns, pos;
	int cpu;
};

struct page {
	uint64_t vpn;
	uint32_t idx;		/* its index: pages never move (see page_at) */
	uint32_t mm;		/* 0: free slot */
	uint32_t next;		/* next page of the same mm (index + 1): newest first */
	uint32_t born;		/* replay.nborn at its creation: the order of its mm's list */
	bool mapped;		/* a page is there (present, or PROT_NONE) */
	bool present, writable, cow;
	bool zero : 1;		/* the shared zero page (a read fault on anonymous memory) */
	/*
	 * The PTE's Access flag as the trace shows it (PAGE_YOUNG_*): young
	 * when a fault made or touched it (handle_pte_fault's pte_mkyoung, a
	 * new PTE from vm_page_prot's PTE_AF), old when madvise COLD/PAGEOUT/
	 * FREE aged it or fork copied it (copy_present_pte: pte_mkold);
	 * unknown where fault-around may have mapped it (do_set_pte makes it
	 * old only where arch_wants_old_prefaulted_pte, arm64's cpu_has_hw_af:
	 * young without the hardware flag, if mapped at all) or the trace did
	 * not see the PTE made. Used only where the
	 * trace says the Access flag is set by software (opts.sw_access_flag):
	 * the hardware's sets it with no fault to see. (Two bits beside zero's:
	 * the page stays 72 bytes.)
	 */
	uint8_t young : 2;
	/*
	 * A part of a large folio mapped by PTEs: a huge PMD split without its
	 * folio (__split_huge_pmd: zap_pmd_range, mprotect, munmap of a part),
	 * until the folio is split (split_huge_page) or the PTE goes
	 */
	bool large : 1;
	/*
	 * Moved by mremap (move_ptes: the PTE as it is) from a page whose PTE
	 * a lost-events gap may have made writable: this one may be too
	 * (tlbr_pte_unknown()), until its PTE changes again
	 */
	bool gapw : 1;
	/* listed in its mm's rmm.wp_list (fork's write-protection: pgtable.c) */
	bool wpl : 1;
	/*
	 * MADV_FREE's walk cleaned it (madvise_free_pte_range ->
	 * folio_mark_lazyfree), since its PTE was made: reclaim may put the
	 * PTE back (tlbr_on_reclaim_unmap)
	 */
	bool lazyfree : 1;
	/*
	 * A stand-in for pages the trace did not show (tlbr_unknown_stand_in):
	 * not evidence that a page was ever mapped there, until a fault shows it
	 */
	bool standin : 1;
	/*
	 * The PTE is dirty, as the trace proves: a write fault mapped or
	 * upgraded it since MADV_FREE last cleaned it. False is "not known":
	 * arm64's hardware dirty state (TCR_EL1.HD) dirties a writable PTE on a
	 * write without a fault.
	 */
	bool dirty : 1;		/* (a bit beside huge's: the page stays 72 bytes) */
	bool huge : 1;		/* mapped by a huge PMD: one block entry for its 2 MiB */
	/*
	 * An x86 MADV_FREE's large folio split (engine.c: split_remapped)
	 * unmapped it and put it back (split_folio -> unmap_folio ->
	 * try_to_migrate_one; remap_page -> remove_migration_pte), and nothing
	 * changed its PTE since: arm64 6.12 found such PTEs old at the next
	 * COLD (engine.c: cold_after_split). (A bit beside huge's: the page
	 * stays 72 bytes.)
	 */
	bool remapped : 1;
	/*
	 * page.gapw set by a fork's write-protection (pgtable.c:
	 * tlbr_fork_wp_unknown): read-only, or writable still where the page
	 * was pinned (copy_present_page()) or its VMA, one the model does not
	 * know, shared; a write fault on it present (faults.c) says
	 * read-only: the fork write-protected it
	 */
	bool forkvma : 1;
	/*
	 * Its block of replay.plast was written since the slot was taken:
	 * unset, it reads as zero (plast_of; a fork's copy takes millions of
	 * slots and never writes most of them)
	 */
	bool plast_set : 1;
	bool ptlb_set : 1;	/* the same for its block of replay.ptlb (ptlb_of, ptlb_mut) */
	/*
	 * arm64 6.9+ (contpte): the PTE is in a 64 KiB block mapped with
	 * PTE_CONT: a huge PMD's split mapped the folio by set_ptes() of its
	 * 512 PTEs (__split_huge_pmd_locked -> contpte_set_ptes: every aligned
	 * block), and no PTE of the block changed since (any change unfolds
	 * it, contpte_try_unfold). Set only where the target is known 6.9+
	 * (x86 traces: unmap.c split_at). cont_maybe: maybe one, such a
	 * block for a kernel of unknown version, or one an mremap may have
	 * folded at its destination (contpte_try_fold: only where the move's
	 * distance is a multiple of 64 KiB on arm64's layout, which no x86
	 * trace shows). pfn16: the page's frame number modulo 16 within
	 * its large folio (a huge page's: its address's, 2 MiB aligned),
	 * carried by mremap: the blocks a fold can make. (Bits beside
	 * huge's: the page stays 72 bytes.)
	 */
	bool cont : 1;
	bool cont_maybe : 1;
	uint8_t pfn16 : 4;
	/*
	 * Fault-around (do_fault_around -> filemap_map_pages) may have mapped
	 * it with no fault of its own, or reclaim put it back (a MADV_FREE'd
	 * folio: tlbr_on_reclaim_unmap): present in the model (CPUs may hold
	 * it), the flushes only it would cause uncertain. Known again at its
	 * next fault or when the PTE goes.
	 */
	bool maybe;
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
	/*
	 * seq of the mmap or brk the trace showed making it (0: not seen
	 * made): no PTE of it was there before, so what the trace did not
	 * show of it is only what a later gap or an unseen thread hid
	 * (tlbr_unknown_stand_in)
	 */
	uint64_t made;
};

enum { KMARK_UNKNOWN, KMARK_CLEAR, KMARK_SET };

enum { PAGE_YOUNG_UNKNOWN, PAGE_YOUNG, PAGE_OLD };

/*
 * Whether a page's folio is on an LRU list (PG_lru), which
 * madvise_cold_or_pageout_pte_range() requires before it ages a PTE (lru.c):
 * LRU_UNTRACED, the trace did not show the folio made (taken as on it: a
 * folio older than the trace, or one a file or shared mapping found in the
 * page cache); LRU_ON; maybe in CPU @cpu's per-CPU folio batch with PG_lru
 * clear until that CPU drains it (LRU_BATCH; LRU_BATCH_ADD: its lru_add
 * batch, @k its adds then); LRU_MAYBE_OFF, maybe not on it, and when it
 * is the trace will not show (in one of two CPUs' batches, not known
 * which). @zero: from Linux 6.12 a folio split may have mapped the shared
 * zero page instead (no folio: no aging takes it); the state is the
 * folio's if it did not (lru.c).
 */
enum { LRU_UNTRACED, LRU_ON, LRU_BATCH, LRU_BATCH_ADD, LRU_MAYBE_OFF };

struct lrutag {
	uint32_t gen, k;	/* the CPU's drains, its lru_add batch's adds (lru.c) */
	uint16_t cpu;
	uint8_t state;
	uint8_t zero;		/* maybe the shared zero page (a 6.12 split), else the folio's state */
};

/* fault_around_bytes' default (mm/memory.c): 64 KiB */
#define FAULT_AROUND_PAGES 16

struct rmm {
	bool live;
	uint32_t first;			/* first page (index + 1) */
	uint64_t npages;
	struct tlbr_cpuset active;	/* CPUs where it is loaded (running or lazy) */
	struct tlbr_cpuset ever;	/* CPUs where it was ever loaded */
	/*
	 * An mm older than the trace: CPUs not known yet (rcpu.known) that the
	 * traced x86 kernel showed outside its mm_cpumask (tlbr_x86_not_in_mask()):
	 * they have not run it, nor kept it lazily, since the trace began.
	 */
	struct tlbr_cpuset not_since_start;
	uint64_t *last_end;		/* per CPU: seq when it was last unloaded */
	uint64_t *mm_cleared;		/* per policy x CPU: seq of the last whole-mm flush */
	struct tlbr_cpuset *behind;	/* per policy: CPUs that flush when they load it again */
	/*
	 * Per policy, unbounded model: CPUs known to hold nothing of the mm,
	 * learnt by a walk of all its pages (views.c), never for a CPU it is
	 * loaded on. Only the mm being loaded on the CPU, a thread that may
	 * run it anywhere (unseen), or entries put there by
	 * tlbr_pte_present_before() can give the CPU something again: each clears
	 * the bits.
	 */
	struct tlbr_cpuset *empty;
	/*
	 * Per policy x CPU, for the policies that asked which CPUs hold more
	 * than the PTE allows (policy.excess_on): the pages whose materialised
	 * entry on that CPU may be excessive (tlb_excess_may), so that the
	 * question is not a walk of the whole mm (tlb.c says why it is exact).
	 * NULL until the first entry; freed with the pages.
	 */
	struct pagelist *excess;
	/*
	 * The pages whose bound (replay.held_any) may be excessive under
	 * their PTE, tlbr_check_fn's first test: every such page of the mm is
	 * listed, each at most once (HELD_ANY_LISTED), so that a check of a
	 * big range need not walk every page (tlbr_check_range). A page
	 * leaves it when met no longer excessive; freed with the pages.
	 */
	struct pagelist cand;
	/*
	 * fork's write-protection (tlbr_fork_wp): once a walk of all the
	 * pages has run (wp_known), every page of the mm that is not in
	 * wp_list (page.wpl) is one that walk would pass by (no PTE, or
	 * one write-protected for COW already that no lost-events gap made
	 * unknown), as long as no gap came since (wp_lost: r->lost_seq then):
	 * each PTE change lists its page, so the next fork puts only the
	 * listed pages to the walk. Freed with the pages.
	 */
	struct pagelist wp_list;
	bool wp_known;
	uint64_t wp_lost;
	bool *batched;			/* per policy: mm->tlb_flush_batched pending != flushed
					 * (a reclaim batch was deferred since the last
					 * flush_tlb_batched_pending; completing it does not clear it) */
	struct vma *vmas;
	unsigned int nvmas, vmas_alloc;
	/*
	 * A fork's child shares its parent's VMA array until either changes
	 * its VMAs (mmodel.c: vma_own): the number of mms sharing @vmas, or
	 * NULL while the array is this mm's alone
	 */
	uint32_t *vmas_refs;
	bool vmas_known;		/* created in the trace: its VMAs are all known */
	bool born;			/* created in the trace (fork, exec): its history is known */
	/*
	 * Of an mm created in the trace: the seq from which pages the model
	 * has no record of may be present and held (0: none can be). A fork
	 * of an mm with such pages shares them from the fork on; lost events
	 * may hide faults from the gap on (tlbr_unknown_held()).
	 */
	uint64_t unknown_from;
	/*
	 * seq after the last syscall that mapped or changed pages of it with
	 * no fault record (get_user_pages(): MADV_POPULATE_READ/WRITE, mmap's
	 * MAP_POPULATE or MAP_LOCKED through __mm_populate()): as a gap of
	 * lost events, but of this address space only (tlbr_unknown_seq())
	 */
	uint64_t gup_seq;
	/*
	 * the traced kernel's mark (mm->tlb_flush_batched: pending != flushed):
	 * KMARK_UNKNOWN until the trace shows it (an exec's new mm is clear,
	 * a fork's child has its parent's, flush_tlb_batched_pending clears
	 * it, a batched PTE sets it), and forever without opts.batch_marks
	 */
	uint8_t kmark;
	bool exit_flushed;		/* the trace showed exit_mmap's flush of it */
	uint32_t users;			/* tasks seen using it and not exited */
	/*
	 * Threads created in the trace that the trace never showed on a CPU
	 * (a pid filter that leaves them out, lost events): they may run the
	 * mm anywhere, so the mm may be loaded and running on every CPU.
	 */
	uint32_t unseen_threads;
	uint32_t *hash;			/* vpn -> page index + 1; UINT32_MAX: tombstone */
	uint32_t hash_size, hash_used;
	/*
	 * A fork's child gets its parent's pages lazily: they are copied when
	 * the child's pages are first looked at, or before the parent changes
	 * one, whichever comes first (most children exit before either).
	 */
	uint32_t lazy_parent;		/* the copy owed to this child comes from there */
	uint64_t lazy_seq;		/* the fork's seq: the copies' PTE change */
	/*
	 * the parent's tlbr_unknown_seq() at the fork: a copy of a page whose
	 * PTE the parent did not know then is not known in the child either
	 */
	uint64_t lazy_unknown;
	struct pchange lazy_change;
	uint32_t *lazy_kids;		/* children still owed a copy of this mm's pages */
	uint32_t nlazy_kids, lazy_kids_alloc;
	uint64_t brk;
	/*
	 * Per CPU (allocated on first use): stale read-only entries left on a
	 * CPU that was not running a task of this mm when they were left; each
	 * is settled when the CPU runs a task of the mm again (it may be used:
	 * counted), or when the mm's pages go first (it cannot: stale_unused).
	 */
	struct stale_waits {
		struct stale_wait {
			uint64_t vpn, seq;	/* the page, and the seq the entry became stale */
			uint32_t page;		/* its index */
			int pol;
		} *v;
		uint32_t n, alloc;
	} *swait;
	uint32_t nswait;		/* entries in all of swait */
};

struct rtask {
	uint32_t mm;
	bool unseen;			/* created by a traced clone, not seen on a CPU yet */
	bool lost_sight;		/* a switch that did not chain lost sight of it once */
	/* a memory syscall in progress and its not yet applied effect */
	int sys;			/* enum tlbr_syscall + 1, 0 none */
	uint64_t sys_seq;		/* when it entered: tells one syscall from the next */
	uint32_t free_page_flushes;	/* x86's one-page flushes in it (MADV_FREE: engine.c) */
	uint32_t free_split_flushes;	/* ... of them taken for a large folio split's */
	bool split_cont;		/* ... whose contpte unfolds the model knew (page.cont) */
	/*
	 * ... what arm64 6.1-6.7's walk does with its large folios
	 * (unmap.c: tlbr_free61_walk): 1 splits them, 0 stops at them
	 * (free61_pre: after a small page it may gather), -1 not known
	 */
	int8_t free61;
	bool free61_pre;
	int sys_cpu;			/* the CPU it entered on, -1 once it ran on another in it */
	struct tlbr_ev_syscall call;	/* its entry: the arguments by name (tlbr-event.h) */
	bool applied;
	int eff;			/* what applying it did (EFF_* bits of engine.c) */
	bool zapped;			/* the trace showed its per-VMA zaps (unmap.c) */
	bool aged;			/* madvise COLD/PAGEOUT/FREE: its aging is applied */
	/*
	 * the PTE ranges madvise COLD/PAGEOUT's walk found young in this
	 * syscall (tlbr:age_young: madvise_cold_or_pageout_pte_range's young
	 * branch, tlb_remove_tlb_entries' range; unmap.c), [s, e) in pages
	 */
	struct young_hit { uint64_t s, e; } *young;
	uint32_t nyoung, young_alloc;
	bool young_lost;		/* one could not be kept: decide nothing */
	/*
	 * of them, the huge PMDs it found young (tlbr:age_young_pmd: the
	 * walk's `if (pmd_young(orig_pmd))` branch), each PMD's first page
	 */
	uint64_t *young_pmd;
	uint32_t nyoung_pmd, young_pmd_alloc;
	/*
	 * the VMA being zapped had dirty (or maybe dirty) shared pages: a
	 * resched inside zap_pte_range flushes what is gathered (unmap.c)
	 */
	bool zap_force;
	uint32_t zap_mm;
	uint64_t zap_lo, zap_hi;	/* vpns */
	bool moved, move_pending;	/* mremap: the trace showed the move; the pages go at
					 * the return (new address not traced) */
	uint64_t move_from, move_pages;	/* vpns */
	/*
	 * x86 mremap: the PTEs of the old range, lifted at the first flush the
	 * trace showed (move_ptes clears them before it flushes), put back
	 * where mremap's return says they went
	 */
	struct lifted {
		uint64_t vpn;
		bool present, writable, cow, zero;
		uint8_t young;
		bool gapw;	/* tlbr_pte_unknown() */
		bool large, cont, cont_maybe;	/* page.large, page.cont, page.cont_maybe */
		uint8_t pfn16;
	} *lifted;
	uint32_t nlifted, lifted_alloc;
	bool lifting;
	uint32_t traced;		/* flushes the trace showed in it */
	bool pend_seen;			/* the trace showed flush_tlb_batched_pending in it */
	bool fork_wp_done;
	/* its last fault's page (tlbr_on_pte_map leaves that PTE to the fault) */
	uint32_t fault_mm;
	uint64_t fault_vpn;
	bool fault_write;
	/* a huge fault's entry (thp_fault) waiting for its return */
	bool huge_pending;
	uint32_t huge_mm;
	uint64_t huge_addr, huge_at;
	uint64_t huge_wp;		/* the write fault's do_huge_pmd_wp_page: its PMD + 1 */
	uint64_t cont_unfold;		/* the write fault's contpte_convert: its block + 1 */
	/* a write fault on a present read-only page, not yet resolved */
	bool wp_pending;
	bool wp_user;			/* ... of user mode (TLBR_PF_USER) */
	bool wp_unseen;			/* ... or, maybe, on a page the model had no
					 * PTE for (an arm64 fault: tlbr_on_fault) */
	uint32_t wp_page;		/* index + 1 */
	int wp_cpu;
	uint64_t wp_ts, wp_pos;
	/*
	 * pages the fork in progress write-protected: checked when it returns
	 * (its page index, the lookup saved while the slot still holds it)
	 */
	struct fork_dg {
		uint64_t vpn;
		uint32_t idx;
	} *fork_dg;
	uint32_t nfork_dg, fork_dg_alloc;
	uint32_t fork_child;		/* that fork's child mm, and its seq (rmm.lazy_seq) */
	uint64_t fork_seq;
};

struct rcpu {
	uint32_t task;
	uint32_t mm;			/* loaded mm (also while a kernel thread runs: lazy) */
	bool user;			/* a task of that mm runs (not lazy) */
	/*
	 * the trace showed the CPU load a user mm: before that, a kernel
	 * thread or idle there may keep any mm older than the trace loaded
	 * (lazily: switch_mm_irqs_off() is not called for a kernel thread)
	 */
	bool known;
	bool ipi_to;			/* a shootdown IPI was sent to it (leave_mm() may follow) */
	bool switched;			/* a switch on it was seen */
	/*
	 * its last record was a lost-events marker (tracefs and perf put it
	 * before the CPU's first record after the gap): what this record
	 * pairs with may have gone with the gap (engine.c: flushreq.mask_alone)
	 */
	bool after_lost;
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
	struct unshare_gather unshare;	/* the default's hugetlb unshare gather */
	struct pending *pending;	/* deferred TLBIs not yet completed */
	uint32_t npending, pending_alloc;
	bool excess_on;			/* rmm.excess is kept for it */
	bool excess_failed;		/* out of memory keeping it: whole-mm walks again */
};

struct pending {
	uint32_t page;			/* index */
	uint32_t mm;
	int cpu;			/* the issuer: its DSB completes it */
	bool done;			/* a full-mm flush removed the entries: only the DSB is owed */
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
	struct policy *pol;		/* npol of them */
	int npol;
	/* the components with an on_event hook, in policy then component order */
	struct ev_hook {
		struct policy *pl;
		void (*fn)(struct replay *r, struct policy *pl, const struct tlbr_event *ev);
	} *ev_hooks;
	unsigned int nev_hooks;
	/* page table */
	struct page **chunks;		/* pages, PAGE_CHUNK at a time: they never move */
	struct ptlb *ptlb;		/* pages x npol x ncpus */
	struct plast *plast;		/* pages x npol */
	/*
	 * Per page: the OR of every ptlb.held of the page written since it was
	 * last checked (tlbr_tlb_excess_note sees each write; flushes only
	 * clear bits): a bound, so a page whose bound is not excessive under
	 * its PTE has no excessive entry anywhere (tlbr_check_fn).
	 */
	uint8_t *held_any;
	/*
	 * Per page slot: is its folio on an LRU list (lru.c)? Per CPU: its
	 * per-CPU folio batches' drains (lru_add_drain) the trace shows.
	 */
	struct lrutag *lru;
	struct lrucpu { uint32_t drains, adds; } *lru_cpu;
	uint32_t nborn;			/* pages created (page.born); at 2^32, cand_failed */
	bool cand_failed;		/* out of memory keeping rmm.cand: checks walk */
	struct cand_key { uint64_t key; uint32_t idx; } *cand_tmp;	/* check_range's sort */
	uint32_t cand_tmp_alloc;
	/*
	 * While a fork write-protects an mm (tlbr_fork_wp), what the fold of
	 * each of its pages reads of the mm and the CPUs (tlb.c:
	 * tlbr_tlb_fold_begin), per (policy, CPU) in ptlb's order: nothing in
	 * the write-protection flushes or switches, so it holds for every
	 * page. mm 0: none.
	 */
	struct fold_ctx {
		uint32_t mm;
		uint64_t *mc;		/* max(rmm.mm_cleared, policy.all_cleared) */
		uint64_t *le;		/* rmm.last_end of the CPU */
		uint8_t *ld;		/* loaded there: active, mm_anywhere, cpu_may_load_older */
	} fold;
	uint64_t *wp_tmp;		/* tlbr_fork_wp's sort of rmm.wp_list */
	uint32_t wp_tmp_alloc;
	/*
	 * the largest rtask.fork_dg array a returned fork gave back, for the
	 * next fork to take (syscalls.c): one task forking again and again
	 * reuses it, and no task keeps one between its forks
	 */
	struct fork_dg *fork_dg_spare;
	uint32_t fork_dg_spare_alloc;
	uint32_t npages, pages_alloc;
	uint32_t free_head;		/* free page slots (index + 1), linked through next */
	uint32_t nfree;
	uint64_t pgen;			/* bumped when a page is created or dropped */
	/*
	 * The pages tlbr_for_pages() last found by lookup in a range, in vpn
	 * order: the same range asked again while no page was created or
	 * dropped (the syscall's PTE change, each policy's flush of it, the
	 * check at its return) is not looked up again.
	 */
	struct range_cache {
		uint32_t mm;
		uint64_t start, end, gen;
		uint32_t *idx;
		uint32_t n, alloc;
		bool valid;
		bool busy;		/* a walk is using or filling it: a nested one does not */
	} rc;
	/*
	 * The range flush of the flush point being decided, under the
	 * unbounded model: each policy's decision adds its reached CPUs, and
	 * one walk of the range after all decided applies them all
	 * (tlbr_flush_walk_end). A policy's flush of a page writes only that
	 * policy's entries (ptlb, plast), which no other policy's decision
	 * reads, so the state after the walk is the one per-policy walks left.
	 */
	struct flush_walk {
		bool active;
		const struct flushreq *q;
		uint64_t seq;		/* the flush point's (r->seq) */
		struct plast last;	/* ... and its plast */
		unsigned int n;		/* policies added */
		int *pol;		/* npol: their indexes */
		unsigned int noff;
		/* npol x ncpus: the (policy, CPU reached) pairs, as pol * ncpus + cpu */
		uint32_t *off;
	} fw;
	struct rmm *mms;
	uint32_t nmms;
	struct rtask *tasks;
	uint32_t ntasks;
	struct rcpu cpu[TLBR_MAX_CPUS];
	uint64_t lru_clock;
	bool stop_walk;			/* a page callback asks tlbr_for_pages() to stop */
	struct rtask *cur_task;		/* the task of the event being replayed */
	struct tlbr_cpuset asid_flush;	/* CPUs that flush everything at their next switch_mm */
	int chain_pid[TLBR_MAX_CPUS];	/* next pid of the CPU's last traced switch + 1; 0: unknown */
	uint32_t chain_task[TLBR_MAX_CPUS];	/* ... and its task */
	uint64_t switches_traced, break_tasks;
	bool finished;			/* the policies' finish() ran */
	bool arm64_seen;		/* an arm64 trace: a TLBI census event, an arm64 fault */
	/*
	 * DAMON's kdamond.N switched in or out (sched_switch): from then on no
	 * fault proves a PTE young (unmap.c age_range(); before its first
	 * switch the trace shows, it had not run since the trace began, unless
	 * it was on a CPU then)
	 */
	bool kdamond_seen;
	bool huge_alloc_seen;		/* an x86 huge fault told by its allocation was mapped:
					 * the trace shows no PMD split (tlbr_huge_split_implied) */
	bool teardown_seen;		/* an mmap:exit_mmap was seen: the trace has them */
	uint64_t lost_seq;		/* seq of the last record of lost events */
	/*
	 * x86 exit_mmap() flushes the x86 policies have not decided yet: each
	 * waits for its task's next record (flushreq.teardown_hold; flush.c)
	 */
	struct held_teardown {
		bool active;
		uint32_t task;
		struct tlbr_event ev;	/* a copy: the reader's event is gone by then */
		struct flushreq q;
	} held[8];
	unsigned int nheld;		/* of them active: none, tlbr_teardown_settle returns at once */
	/*
	 * an x86 MADV_FREE's first one-page flush, decided at the next record
	 * (engine.c: free_settle): the gather's if nothing follows it in the
	 * call, a folio split's if another one-page flush does
	 */
	bool free_held;
	bool free_settling;		/* free_settle: the held flush is being put ... */
	bool cont_keep;			/* a PTE change that leaves contpte blocks folded (pte_change) */
	bool free_as_split;		/* ... as a split's */
	struct tlbr_event free_ev;	/* a copy: the reader's event is gone by then */
	bool lost_seen;			/* a lost-events record was seen */
};

/*
 * @m, if older than the trace, may be loaded on @cpu, running or lazily,
 * by what the trace shows so far: the CPU has not been seen loading a user
 * mm (the trace started mid-way: what it ran before is unknown, and a
 * thread or idle's lazy mm there needs no event to go on using it), and
 * the traced x86 kernel did not show it outside the mm's mask. An mm
 * created in the trace (fork, exec) cannot be there before a switch
 * shows it. O(1).
 */
static inline bool cpu_may_load_older(const struct replay *r, const struct rmm *m, int cpu)
{
	return !m->born && !r->cpu[cpu].known &&
	       !tlbr_cpuset_test(&m->not_since_start, (unsigned int)cpu);
}

/*
 * ... and a thread of it may be running there: no switch on the CPU yet
 * (its first shows what ran there since the trace began: idle or a kernel
 * thread leaves only a lazy use). O(1).
 */
static inline bool cpu_may_run_older(const struct replay *r, const struct rmm *m, int cpu)
{
	return cpu_may_load_older(r, m, cpu) && !r->cpu[cpu].switched;
}

/* The trace cannot tell where @m runs: it may be running on every CPU. O(1). */
static inline bool mm_anywhere(const struct rmm *m)
{
	return m && m->unseen_threads;
}

/* tlb.c: stale read-only entries waiting for their CPU to run the mm (rmm.swait) */
int tlbr_stale_wait_add(struct replay *r, struct policy *pl, const struct page *p, int cpu);
void tlbr_stale_settle(struct replay *r, struct rmm *m, int cpu, bool gone);
void tlbr_stale_settle_end(struct replay *r);

/* mmodel.c: address spaces, tasks, pages and VMAs */
/*
 * The address space @id, created on first use; NULL for 0 or out of memory.
 * O(1): an index; the first use allocates its per-CPU and per-policy arrays
 * (tlbr_mm_create, out of line).
 */
struct rmm *tlbr_mm_create(struct replay *r, uint32_t id);
static inline struct rmm *tlbr_mm_get(struct replay *r, uint32_t id)
{
	if (id && id < r->nmms && r->mms[id].last_end)
		return &r->mms[id];
	return tlbr_mm_create(r, id);
}
struct rtask *tlbr_task_rget(struct replay *r, uint32_t id);
struct page *tlbr_page_find(struct replay *r, uint32_t mm, uint64_t vpn);
struct page *tlbr_page_get(struct replay *r, uint32_t mm, uint64_t vpn);
void tlbr_mm_drop_pages(struct replay *r, uint32_t mm);
int tlbr_mm_reserve(struct replay *r, struct rmm *m, uint64_t npages);
int tlbr_mm_fork(struct replay *r, uint32_t parent, uint32_t child, uint64_t seq,
	    const struct pchange *change);
int tlbr_mm_settle(struct replay *r, struct rmm *m);
int tlbr_mm_settle_kids(struct replay *r, struct rmm *m);
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
/*
 * What @p's (policy, CPU) entry of replay.ptlb reads: a slot's block is
 * written only from its first write on (ptlb_mut, page.ptlb_set), zero
 * until then (a fork's copy takes millions of slots whose state is
 * only read). O(1).
 */
static inline const struct ptlb *ptlb_of(struct replay *r, const struct page *p, int pol, int cpu)
{
	static const struct ptlb zero;

	if (!p->ptlb_set)
		return &zero;
	return &r->ptlb[((size_t)page_idx(r, p) * (size_t)r->npol + (size_t)pol) *
			 (size_t)r->ncpus + (size_t)cpu];
}

/*
 * @p's entry to write: the page's block (every policy and CPU) zeroed at
 * its first write since the slot was taken. O(policies x CPUs) then,
 * else O(1).
 */
static inline struct ptlb *ptlb_mut(struct replay *r, const struct page *cp, int pol, int cpu)
{
	struct page *p = (struct page *)cp;	/* pages are never const objects: the flag is bookkeeping */
	size_t per = (size_t)r->npol * (size_t)r->ncpus;
	struct ptlb *t = &r->ptlb[(size_t)page_idx(r, p) * per];

	if (!p->ptlb_set) {
		/* field by field, not memset(): a call for a few dozen bytes; the padding is never read */
		for (size_t k = 0; k < per; k++) {
			t[k].cleared = 0;
			t[k].held = 0;
			t[k].xlisted = false;
		}
		p->ptlb_set = true;
	}
	return &t[(size_t)pol * (size_t)r->ncpus + (size_t)cpu];
}
/*
 * @p's block of replay.plast (one per policy), to write: zeroed at its
 * first use since the slot was taken (page.plast_set). O(policies) then,
 * else O(1).
 */
static inline struct plast *plast_of(struct replay *r, struct page *p)
{
	struct plast *l = &r->plast[(size_t)page_idx(r, p) * (size_t)r->npol];

	if (!p->plast_set) {
		for (int k = 0; k < r->npol; k++)
			l[k] = (struct plast){ 0 };
		p->plast_set = true;
	}
	return l;
}

typedef void (*page_fn)(struct replay *r, struct page *p, void *arg);
void tlbr_for_pages(struct replay *r, uint32_t mm, bool whole, uint64_t start, uint64_t end,
	       page_fn fn, void *arg);
void tlbr_vma_made(struct rmm *m, uint64_t start, uint64_t seq);
void tlbr_vma_add(struct rmm *m, uint64_t start, uint64_t end, uint32_t prot, bool shared,
		  bool anon);
void tlbr_vma_remove(struct rmm *m, uint64_t start, uint64_t end);
void tlbr_mm_drop_vmas(struct rmm *m);
void tlbr_vma_protect(struct rmm *m, uint64_t start, uint64_t end, uint32_t prot);
const struct vma *tlbr_vma_find(const struct rmm *m, uint64_t addr);
const struct vma *tlbr_vma_find_near(const struct rmm *m, uint64_t addr, unsigned int *hint);
bool tlbr_vma_any_in(const struct rmm *m, uint64_t start, uint64_t end);

/* unmap.c: munmap, madvise and mremap as the kernel flushes them */
void tlbr_zap_vma(struct replay *r, const struct tlbr_event *ev, struct rtask *t);
void tlbr_age_before_reclaim(struct replay *r, struct rtask *t, uint32_t mm);
void tlbr_zap_preempted(struct replay *r, const struct tlbr_event *ev, struct rtask *t);
void tlbr_huge_split(struct replay *r, const struct tlbr_event *ev, struct flushreq *q);
void tlbr_kernel_mark(struct replay *r, uint32_t mm);
void tlbr_kernel_pending(struct replay *r, const struct tlbr_event *ev);
void tlbr_mremap_put(struct replay *r, struct rtask *t, uint32_t mm, int64_t ret);
void tlbr_move_flush(struct replay *r, const struct tlbr_event *ev, struct rtask *t);
bool tlbr_unmap_traced_flush(struct replay *r, const struct tlbr_event *ev, struct rtask *t);
/* Does MADV_PAGEOUT age on the traced kernel (@arm64 false) or the arm64 one predicted: 1, 0, -1 unknown. */
int tlbr_pageout_ages(const struct replay *r, bool arm64);
int tlbr_free61_walk(struct replay *r, struct rtask *t, uint32_t mm, bool *pre);
void tlbr_free_settle_end(struct replay *r);
/* The VMAs with mapped pages in [s, e) (pages), their mapped ranges: arm64's per-VMA zap flushes. */
#define TLBR_VMA_RANGES 64
struct tlbr_vma_ranges {
	unsigned int n;
	uint64_t lo[TLBR_VMA_RANGES], hi[TLBR_VMA_RANGES];	/* vpns, inclusive */
	uint64_t vstart[TLBR_VMA_RANGES];	/* the VMA's start (0: the model has none) */
};
void tlbr_unmap_vma_ranges(struct replay *r, uint32_t mm, uint64_t s, uint64_t e,
			   struct tlbr_vma_ranges *v);
void tlbr_vma_ranges_cover(struct replay *r, uint32_t mm, struct tlbr_vma_ranges *v, uint64_t vpn);
bool tlbr_unmap_syscall_ret(struct replay *r, const struct tlbr_event *ev, struct rtask *t);
unsigned int tlbr_move_chunks(uint64_t start, uint64_t end, uint64_t to);
void tlbr_on_huge(struct replay *r, const struct tlbr_event *ev, struct rtask *t);
void tlbr_cont_unfold(struct replay *r, struct rtask *t, const struct tlbr_event *ev);
void tlbr_huge_settle(struct replay *r, struct rtask *t);
void tlbr_huge_split_implied(struct replay *r, const struct tlbr_event *ev);
void tlbr_cont_point(struct replay *r, const struct flushreq *q, uint32_t mm, enum tlbr_site site,
		     uint64_t start_vpn, unsigned int why);
void tlbr_cont_leave(struct replay *r, const struct page *p);
unsigned int tlbr_cont_unfolds(struct replay *r, const struct flushreq *q, uint32_t mm,
			       enum tlbr_site site, uint64_t s, uint64_t e);

/* tlb.c: the residency models */
uint8_t tlbr_tlb_held(struct replay *r, struct policy *pl, const struct page *p, int cpu);
uint8_t tlbr_tlb_held_sound(struct replay *r, struct policy *pl, const struct page *p, int cpu);
uint8_t tlbr_tlb_held_sound_at(struct replay *r, struct policy *pl, const struct page *p, int cpu,
			       struct rmm *m, uint8_t perm);
uint8_t tlbr_tlb_held_before(struct replay *r, struct policy *pl, const struct page *p, int cpu);
uint8_t tlbr_tlb_held_before_sound(struct replay *r, struct policy *pl, const struct page *p,
				   int cpu);
void tlbr_tlb_before_pte_change(struct replay *r, const struct page *p, bool replaced);
void tlbr_tlb_fold_begin(struct replay *r, uint32_t mm);
void tlbr_tlb_fold_end(struct replay *r);
void tlbr_tlb_flush_page(struct replay *r, struct policy *pl, const struct page *p, int cpu);
void tlbr_tlb_flush_mm(struct replay *r, struct policy *pl, uint32_t mm, int cpu);
void tlbr_tlb_flush_all(struct replay *r, struct policy *pl, int cpu);
void tlbr_tlb_access(struct replay *r, const struct page *p, int cpu);
void tlbr_tlb_set_flag(struct replay *r, struct policy *pl, const struct page *p, int cpu,
		  uint8_t set, uint8_t clear);
void tlbr_tlb_excess_note(struct replay *r, struct policy *pl, const struct page *p, int cpu);
bool tlbr_tlb_excess_may(struct replay *r, struct policy *pl, const struct page *p, int cpu);
bool tlbr_tlb_excess_ready(struct replay *r, struct policy *pl);
void tlbr_tlb_excess_drop(struct replay *r, struct rmm *m);
int tlbr_tlb_init(struct replay *r);
void tlbr_tlb_release(struct replay *r);

/* What the PTE of @p allows, as HELD_* bits. */
static inline uint8_t pte_perm(const struct page *p)
{
	return p->present ? (uint8_t)(HELD_VALID | (p->writable ? HELD_W : 0)) : 0;
}

/*
 * The seq before which a PTE of @m may have changed unseen: the last
 * lost-events gap (r->lost_seq), or the last of its syscalls that mapped
 * pages with no fault record (rmm.gup_seq). O(1).
 */
static inline uint64_t tlbr_unknown_seq(const struct replay *r, const struct rmm *m)
{
	return m->gup_seq > r->lost_seq ? m->gup_seq : r->lost_seq;
}

/*
 * What the PTE of @p may allow now. A page mapped (present, or PROT_NONE)
 * whose PTE last changed before the last lost-events gap (r->lost_seq;
 * tlbr_lost_gap() reaches every address space that existed then) may have
 * been made readable and writable in the gap by what the trace lost: a
 * write fault's COW copy or reuse (do_wp_page -> wp_page_copy,
 * wp_page_reuse), an mprotect (change_pte_range), KSM or migration
 * restoring it (and a page mremap moved such a PTE to: page.gapw). Until
 * the trace shows the PTE again (tlbr_pte_set), any CPU
 * that had the mm loaded since may hold a writable entry of it, and such an
 * entry is not an excess. O(1): the gap's seq against the page's, no walk.
 */
static inline bool tlbr_pte_unknown(const struct replay *r, const struct page *p)
{
	return p->mapped && (p->since < tlbr_unknown_seq(r, &r->mms[p->mm]) || p->gapw);
}

static inline uint8_t tlbr_perm(const struct replay *r, const struct page *p)
{
	if (tlbr_pte_unknown(r, p))
		return HELD_VALID | HELD_W;
	return pte_perm(p);
}

/* replay.held_any's flag: the page is in its mm's rmm.cand list */
#define HELD_ANY_LISTED 0x80

/* Held bits @held more than a PTE allowing @allowed: an entry the checker reports. O(1). */
static inline bool held_excess(uint8_t held, uint8_t allowed)
{
	return (held & HELD_OLD) || (held & ~allowed & (HELD_VALID | HELD_W));
}

/* check.c: list @p in its mm's rmm.cand when its bound is excessive under its PTE. O(1) amortised. */
void tlbr_cand_note(struct replay *r, const struct page *p);

/* pgtable.c: how PTEs change */
/* what applying a syscall did; EFF_VALID_CHANGED: a present (valid) PTE changed */
/* EFF_MAYBE: every page downgraded (none: changed) is one fault-around may have mapped */
enum { EFF_DOWNGRADED = 1, EFF_CHANGED = 2, EFF_VALID_CHANGED = 4, EFF_MAYBE = 8 };
void tlbr_pte_set(struct replay *r, struct page *p, bool mapped, bool present, bool writable,
	     bool cow, bool replaced, const char *why);
void tlbr_pte_present_before(struct replay *r, struct page *p, bool writable, const char *why);
void tlbr_pte_residue(struct replay *r, struct page *p, uint8_t held);
struct page *tlbr_unknown_stand_in(struct replay *r, uint32_t mm, uint64_t s, uint64_t e);
void tlbr_call_span(const struct tlbr_ev_syscall *c, uint64_t *addr, uint64_t *len);
void tlbr_range_of(const struct tlbr_ev_syscall *c, uint64_t *start, uint64_t *end);
int tlbr_apply_syscall(struct replay *r, struct rtask *t, uint32_t mm);
bool tlbr_fork_wp(struct replay *r, struct rtask *t, uint32_t mm);
void tlbr_fork_wp_unknown(struct replay *r, struct page *p);
int tlbr_fork_copy(struct replay *r, uint32_t parent, uint32_t child);

/* residency.c: which mm each CPU has loaded */
void tlbr_run_on(struct replay *r, int cpu, uint32_t task, uint32_t mm);
void tlbr_seen_on_cpu(struct replay *r, uint32_t task);
void tlbr_hidden_task(struct replay *r, uint32_t task);
void tlbr_lost_gap(struct replay *r, int cpu);
void tlbr_x86_not_in_mask(struct replay *r, uint32_t mm, int cpu);
void tlbr_asid_rollover(struct replay *r);

/* views.c: what the model tells about a flush point (and policy.h's view_*) */
struct tlbr_cpuset tlbr_holders_of(struct replay *r, struct policy *pl, const struct flushreq *q);
bool tlbr_unknown_held(struct replay *r, struct policy *pl, const struct flushreq *q);
bool tlbr_unknown_cpu(struct replay *r, struct policy *pl, struct rmm *m, int c, uint64_t seen);
enum tlbr_avoid tlbr_avoid_reason(struct replay *r, struct policy *pl, const struct flushreq *q);

/* flush.c: flush points put to the policies */
void tlbr_req_init(struct replay *r, struct flushreq *q, enum tlbr_site site, uint32_t mm);
void tlbr_flush_point(struct replay *r, struct flushreq *q);
/*
 * @ev (before it is replayed) settles the held x86 teardown flushes it
 * decides: its task's next record, or lost events; NULL: the trace ended.
 * O(held).
 */
void tlbr_teardown_settle(struct replay *r, const struct tlbr_event *ev);
void tlbr_teardown_settle_mm(struct replay *r, uint32_t mm);
void tlbr_implied_flush(struct replay *r, uint32_t mm, enum tlbr_site site, bool whole,
		   uint64_t s, uint64_t e, bool adds_only, bool from_invalid);
void tlbr_implied_flush_maybe(struct replay *r, uint32_t mm, enum tlbr_site site, bool whole,
			      uint64_t s, uint64_t e, bool adds_only, bool from_invalid, bool maybe);

/* effects.c: what a decision does and costs; notes for the report */
void tlbr_replay_note(struct replay *r, struct tlbr_note *n, int pol, int cpu, uint32_t mm,
		      uint64_t vpn);
void tlbr_count_ops(struct replay *r, struct policy *pl, const struct flushreq *q,
	       const struct decision *d);
void tlbr_apply_decision(struct replay *r, struct policy *pl, const struct flushreq *q,
		    const struct decision *d, const struct tlbr_cpuset *reached);
bool tlbr_flush_walk_begin(struct replay *r, const struct flushreq *q);
void tlbr_flush_walk_end(struct replay *r, bool begun);
void tlbr_flush_walk_release(struct replay *r);
void tlbr_defer(struct replay *r, struct policy *pl, const struct flushreq *q);
void tlbr_batch_sync(struct replay *r, enum tlbr_sync_kind kind, int cpu, uint32_t mm);
bool tlbr_batch_pending(struct replay *r, uint32_t mm);
bool tlbr_migrates_every_flush(const struct policy *pl);
void tlbr_kmap_barriers(struct replay *r, uint64_t start, uint64_t pages);

/* check.c: the safety checker */
void tlbr_check_fn(struct replay *r, struct page *p, void *arg);
void tlbr_check_flushed(struct replay *r, struct page *p, void *arg, uint64_t flushed);
void tlbr_check_range(struct replay *r, uint32_t mm, bool whole, uint64_t start, uint64_t end,
		 const char *what);

/* faults.c: user page faults */
int tlbr_on_fault(struct replay *r, const struct tlbr_event *ev, struct rtask *t);
/* PTEs a fault made beyond its own page (fault-around: tlbr:map_ptes). */
int tlbr_on_pte_map(struct replay *r, const struct tlbr_event *ev, const struct rtask *t);
void tlbr_resolve_reuse(struct replay *r, struct rtask *t, uint32_t mm);
bool tlbr_fault_flush(struct replay *r, struct rtask *t, const struct tlbr_event *ev,
		 struct flushreq *q, bool range);

/* syscalls.c: memory syscalls, forks, reclaim */
void tlbr_on_syscall_ret(struct replay *r, const struct tlbr_event *ev, struct rtask *t);
int tlbr_on_fork(struct replay *r, const struct tlbr_event *ev, struct rtask *t);
int tlbr_on_reclaim_unmap(struct replay *r, const struct tlbr_event *ev);

/* lru.c: which folios are on an LRU list */
bool tlbr_lru_on(struct replay *r, struct page *p);
void tlbr_lru_set(struct replay *r, struct page *p, int state, int cpu);
void tlbr_lru_drain(struct replay *r, int cpu);
void tlbr_lru_unadd(struct replay *r, struct page *p);

/* unmap.c: change_protection changed @n PTEs of [s, e) (TLBR_FLUSH_COUNTED) */
void tlbr_counted_ptes(struct replay *r, uint32_t mm, uint64_t s, uint64_t e, uint64_t n);

/* A flush point the kernel makes only if something the trace cannot show was so: why (q->maybe set apart). */
static inline void tlbr_unsure(struct replay *r, struct flushreq *q, unsigned int why)
{
	r->res.uncertain_why |= why;
	q->maybe_why |= why;
}

#endif /* TLBR_REPLAY_LOCAL_H */
