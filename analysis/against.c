// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * against.c - `tlbreplay diff --against` (see against.h): the prediction
 * from one trace beside the TLBI census of an arm64 one, per flush site and
 * per operation of the workload, and the seed policies' savings on both.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "against.h"
#include "formats.h"

static const char *const op_names[TLBR_AOP__COUNT] = {
	[TLBR_AOP_FORKS] = "fork",
	[TLBR_AOP_EXECS] = "exec",
	[TLBR_AOP_EXITS] = "exit_mmap",
	[TLBR_AOP_MPROTECT] = "mprotect call",
	[TLBR_AOP_ZAPCALLS] = "munmap/madvise/brk call",
	[TLBR_AOP_TABLECALLS] = "unmap call that freed tables",
	[TLBR_AOP_MREMAP] = "mremap call",
	[TLBR_AOP_MREMAP_MOVED] = "mremap call that moved",
	[TLBR_AOP_MREMAP_CHUNKS] = "page-table chunk moved",
	[TLBR_AOP_WFAULTS] = "write fault",
	[TLBR_AOP_REUSEFAULTS] = "write fault reused",
	[TLBR_AOP_COWFAULTS] = "write fault copied",
	[TLBR_AOP_FAULTS] = "user fault",
};

/* What the text table calls them (narrow). */
static const char *const op_short[TLBR_AOP__COUNT] = {
	[TLBR_AOP_FORKS] = "fork",
	[TLBR_AOP_EXECS] = "exec",
	[TLBR_AOP_EXITS] = "exit_mmap",
	[TLBR_AOP_MPROTECT] = "mprotect",
	[TLBR_AOP_ZAPCALLS] = "unmap call",
	[TLBR_AOP_TABLECALLS] = "table call",
	[TLBR_AOP_MREMAP] = "mremap",
	[TLBR_AOP_MREMAP_MOVED] = "mremap mv",
	[TLBR_AOP_MREMAP_CHUNKS] = "pt chunk",
	[TLBR_AOP_WFAULTS] = "wr fault",
	[TLBR_AOP_REUSEFAULTS] = "wf reused",
	[TLBR_AOP_COWFAULTS] = "wf copied",
	[TLBR_AOP_FAULTS] = "fault",
};

const char *tlbr_against_op_name(enum tlbr_against_op op)
{
	return (unsigned int)op < TLBR_AOP__COUNT ? op_names[op] : "none";
}

/*
 * The extents move_page_tables() moves a mapping in, from @from to @to:
 * get_extent() cuts the moved range (the smaller of the old and new
 * lengths: a shrinking move unmaps the tail first) at every PMD boundary
 * (2 MiB) of the old address and of the new. O(length / 2 MiB).
 */
static uint64_t move_chunks(uint64_t from, uint64_t to, uint64_t old_len, uint64_t new_len)
{
	const uint64_t pmd = UINT64_C(2) << 20;
	uint64_t len = old_len < new_len ? old_len : new_len, off = 0, n = 0;

	len = (len + 0xfff) & ~UINT64_C(0xfff);
	while (off < len) {
		uint64_t a = pmd - ((from + off) & (pmd - 1)), b = pmd - ((to + off) & (pmd - 1));
		uint64_t step = a < b ? a : b;

		off += step < len - off ? step : len - off;
		n++;
	}
	return n;
}

void tlbr_against_count(struct tlbr_against_side *s, const struct tlbr_event *ev)
{
	if ((ev->kind == TLBR_EV_FAULT || ev->kind == TLBR_EV_SYSCALL) && ev->cpu >= 0 &&
	    ev->cpu < TLBR_MAX_CPUS)
		tlbr_cpuset_set(&s->ran_on, (unsigned int)ev->cpu);
	switch (ev->kind) {
	case TLBR_EV_FORK:
		if (!ev->fork.shares_mm)
			s->ops[TLBR_AOP_FORKS]++;
		break;
	case TLBR_EV_EXEC:
		s->ops[TLBR_AOP_EXECS]++;
		break;
	case TLBR_EV_MM_TEARDOWN:
		s->ops[TLBR_AOP_EXITS]++;
		break;
	case TLBR_EV_FAULT:
		/*
		 * faults of user mode only: x86's page_fault_user has them
		 * only, arm64's handle_mm_fault probe also the kernel's on user
		 * addresses (put_user, get_user_pages: no FAULT_FLAG_USER)
		 */
		if (!(ev->fault.error_code & TLBR_PF_USER)) {
			s->kernel_faults++;
			break;
		}
		s->ops[TLBR_AOP_FAULTS]++;
		if (ev->fault.error_code & TLBR_PF_WRITE)
			s->ops[TLBR_AOP_WFAULTS]++;
		break;
	case TLBR_EV_SYSCALL:
		switch (ev->sys.nr) {
		case TLBR_SYS_MPROTECT:
			s->ops[TLBR_AOP_MPROTECT]++;
			break;
		case TLBR_SYS_MUNMAP:
		case TLBR_SYS_MADVISE:
		case TLBR_SYS_BRK:
			s->ops[TLBR_AOP_ZAPCALLS]++;
			break;
		case TLBR_SYS_MREMAP:
			s->ops[TLBR_AOP_MREMAP]++;
			break;
		default:
			break;
		}
		break;
	case TLBR_EV_SYSCALL_RET:
		/* mremap() returns the new address: moved where it is not the old one */
		if (ev->sys.nr == TLBR_SYS_MREMAP && ev->sys.args_known && ev->sys.ret >= 0 &&
		    (uint64_t)ev->sys.ret != ev->sys.mremap.addr) {
			s->ops[TLBR_AOP_MREMAP_MOVED]++;
			s->ops[TLBR_AOP_MREMAP_CHUNKS] += move_chunks(ev->sys.mremap.addr,
								      (uint64_t)ev->sys.ret,
								      ev->sys.mremap.old_len,
								      ev->sys.mremap.new_len);
		}
		break;
	default:
		break;
	}
}

/* Is @n's call not the one @last holds? It is now. */
static bool new_call(uint64_t last[2], const struct tlbr_note *n)
{
	if (n->sys_seq && last[0] == n->task && last[1] == n->sys_seq)
		return false;
	last[0] = n->task;
	last[1] = n->sys_seq;
	return true;
}

void tlbr_against_broadcast(struct tlbr_against_side *s, const struct tlbr_note *n)
{
	s->predicted[n->site]++;
	s->zap_tables_traced += n->tables_traced;
	s->zap_tables_model += n->tables_model;
	if (n->tables_traced && new_call(s->last_traced, n))
		s->table_calls_traced++;
	if (n->tables_model && new_call(s->last_model, n))
		s->table_calls_model++;
}

void tlbr_against_add(struct tlbr_against_side *s, const struct tlbr_replay_result *r)
{
	unsigned int i, k;

	s->traces++;
	for (k = 0; k < TLBR_SITE__COUNT; k++)
		s->census[k] += r->real_tlbi_ops[k];
	for (i = 0; i < r->npolicies && i < TLBR_AGAINST_NPOL; i++) {
		s->policy_bcasts[i] += r->policy[i].broadcasts;
		s->policy_unsafe[i] += r->policy[i].unsafe;
		s->policy_maybe[i] += r->policy[i].maybe_broadcasts;
	}
	if (r->npolicies)
		for (k = 0; k < TLBR_SITE__COUNT; k++)
			s->predicted_maybe[k] += r->policy[0].maybe[k];

	s->huge_mapped += r->huge_mapped;
	s->huge_alloc_unpaired += r->huge_alloc_unpaired;
	s->contpte_reuses += r->contpte_reuses;
	s->asid_rollovers += r->asid_rollovers;
	s->reuses += r->reuses;
	s->cow_breaks += r->cow_breaks;
	s->ops[TLBR_AOP_REUSEFAULTS] += r->reuses;
	s->ops[TLBR_AOP_COWFAULTS] += r->cow_breaks;
	/* the calls of the table flushes the side's zap:tables row counts (tlbr_against_sites) */
	s->ops[TLBR_AOP_TABLECALLS] = s->tlbi_events ? s->table_calls_traced : s->table_calls_model;
	s->reuses_user += r->reuses_user;
	s->cow_breaks_user += r->cow_breaks_user;
	s->write_faults_present += r->write_faults_present;
	if (r->ncpus > s->ncpus)
		s->ncpus = r->ncpus;
}

/*
 * The operation each site's flushes follow from, one for one or nearly:
 *  wp-reuse, cow: a write fault on a present read-only page (do_wp_page:
 *   wp_page_reuse -> ptep_set_access_flags -> flush_tlb_page on arm64;
 *   wp_page_copy -> ptep_clear_flush), counted per user write fault of
 *   that kind, each trace's own: reused (no COW flush followed) for
 *   wp-reuse, copied (the COW flush followed) for cow. How many write
 *   faults were of the kind is the program's doing (which pages it writes
 *   after a fork, a load before a store on a new page: a zero-page COW), not
 *   the model's: the notes give it per write fault on each side
 *   (program_note). The arm64 probe does not say whether a page was
 *   present: the replay's model does, on both sides;
 *  mprotect: change_protection's flush_tlb_range per mprotect call;
 *  zap: tlb_finish_mmu of munmap, madvise(DONTNEED, ...) and brk;
 *  mremap: move_ptes' flush_tlb_range (or move_normal_pmd's) per
 *   page-table chunk an mremap that moved the mapping moved (its return
 *   is a new address: mremap_to, move_vma; move_chunks()), the only ones
 *   that flush there: how many calls moved and in how many chunks follows
 *   the address space's layout (whether the mapping could grow in place,
 *   which 2 MiB boundaries it crosses), the program's and the loader's
 *   doing, not the model's;
 *  fork: dup_mmap's flush_tlb_mm per fork; exec: the flushes of exec's
 *  setup (shift_arg_pages, the old mm's exit_mmap) per exec; exit:
 *  exit_mmap's tlb_finish_mmu per torn-down mm.
 */
/* How a row of the sites table is judged (site_row's @how). */
enum {
	ROW_SHARED = 1 << 0,	/* a site both architectures have (issue 19's list) */
	/*
	 * true by construction where within 5 %: a comparison per operation
	 * of the kind each trace's own flushes follow one for one ("rule")
	 */
	ROW_RULE = 1 << 1,
	ROW_PER_OP = 1 << 2,	/* only per operation: "-" where a side has none of it */
};

/* The part of a site's broadcasts a row compares. */
enum row_part {
	PART_ALL,
	PART_PAGES,	/* zap without the flushes of freed page tables */
	PART_TABLES,	/* ... those alone */
};

/*
 * The rows of the sites table, in its order, each a site's broadcasts (or
 * a part of them) per an operation (TLBR_AOP__COUNT: none, the counts):
 * every site once, named as the site (@name NULL), with the operation
 * tlbr_against_site_op() gives it, and the rows derived from one after
 * it. A site's rows appear where either side has broadcasts at it; the
 * zap parts (PART_PAGES, PART_TABLES) where either side freed page tables
 * at an unmap (tlbr_against_sites).
 *  wp-reuse/wf, cow/wf: the count itself, per user write fault (each
 *   side's own): the programs' difference (which pages they write, how
 *   many faults of the kind) and the model's together;
 *  zap:pages, zap:tables, zap:tbl/call: zap apart from the page-table
 *   flushes, and those alone: an unmap that frees a PTE page
 *   (free_pgtables: the mapping alone in its 2 MiB) flushes the tables
 *   apart on arm64 (tlb_finish_mmu, freed_tables: the trace's gather says
 *   so), where the address space's layout, not the model, decides
 *   whether a call frees one. BEFORE's from the model where its trace has
 *   no census (x86: frees_tables(), no other mapping in the 2 MiB: the
 *   prediction has a flush point for the tables there), from its trace
 *   where it has. zap:pages: the rest per unmap call; zap:tables per
 *   unmap call that freed tables (each side's own: one flush a call by
 *   construction, "rule", as wp-reuse and cow); zap:tbl/call the table
 *   flushes per unmap call: how many calls freed tables, the layout's
 *   doing and the model's together.
 */
static const struct row_spec {
	enum tlbr_site site;
	const char *name;
	enum row_part part;
	enum tlbr_against_op op;
	unsigned int how;
} row_specs[] = {
	{ TLBR_SITE_UNKNOWN, NULL, PART_ALL, TLBR_AOP__COUNT, 0 },
	{ TLBR_SITE_WP_REUSE, NULL, PART_ALL, TLBR_AOP_REUSEFAULTS, ROW_SHARED | ROW_RULE },
	{ TLBR_SITE_WP_REUSE, "wp-reuse/wf", PART_ALL, TLBR_AOP_WFAULTS, 0 },
	{ TLBR_SITE_COW, NULL, PART_ALL, TLBR_AOP_COWFAULTS, ROW_SHARED | ROW_RULE },
	{ TLBR_SITE_COW, "cow/wf", PART_ALL, TLBR_AOP_WFAULTS, 0 },
	{ TLBR_SITE_FAULT, NULL, PART_ALL, TLBR_AOP_WFAULTS, 0 },
	{ TLBR_SITE_MPROTECT, NULL, PART_ALL, TLBR_AOP_MPROTECT, ROW_SHARED },
	{ TLBR_SITE_ZAP, NULL, PART_ALL, TLBR_AOP_ZAPCALLS, ROW_SHARED },
	{ TLBR_SITE_ZAP, "zap:pages", PART_PAGES, TLBR_AOP_ZAPCALLS, 0 },
	{ TLBR_SITE_ZAP, "zap:tables", PART_TABLES, TLBR_AOP_TABLECALLS, ROW_RULE | ROW_PER_OP },
	{ TLBR_SITE_ZAP, "zap:tbl/call", PART_TABLES, TLBR_AOP_ZAPCALLS, 0 },
	{ TLBR_SITE_MREMAP, NULL, PART_ALL, TLBR_AOP_MREMAP_CHUNKS, ROW_SHARED },
	{ TLBR_SITE_FORK, NULL, PART_ALL, TLBR_AOP_FORKS, ROW_SHARED },
	{ TLBR_SITE_EXEC, NULL, PART_ALL, TLBR_AOP_EXECS, ROW_SHARED },
	{ TLBR_SITE_EXIT, NULL, PART_ALL, TLBR_AOP_EXITS, ROW_SHARED },
	{ TLBR_SITE_RECLAIM, NULL, PART_ALL, TLBR_AOP__COUNT, 0 },
	{ TLBR_SITE_UFFD_MOVE, NULL, PART_ALL, TLBR_AOP__COUNT, 0 },
	{ TLBR_SITE_HUGETLB_UNSHARE, NULL, PART_ALL, TLBR_AOP__COUNT, 0 },
	{ TLBR_SITE_KERNEL, NULL, PART_ALL, TLBR_AOP__COUNT, 0 },
	{ TLBR_SITE_SWITCH, NULL, PART_ALL, TLBR_AOP__COUNT, 0 },
};

enum tlbr_against_op tlbr_against_site_op(enum tlbr_site site)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(row_specs); i++)
		if (row_specs[i].site == site && !row_specs[i].name)
			return row_specs[i].op;
	return TLBR_AOP__COUNT;
}

static void fmt3(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.3f", v);
}

static double change(double pred, double real)
{
	if (!isfinite(pred) || !isfinite(real))
		return NAN;
	if (real == 0)
		return pred == 0 ? 0 : NAN;
	return 100.0 * (pred - real) / real;
}

/*
 * The sites table's columns. Where BEFORE has uncertain flush points at a
 * site (arm64-broadcast's maybe points: the kernel flushes there only if
 * something the trace cannot show was so), its prediction is a range, from
 * the certain points alone to all of them: the text then shows the range
 * per operation and the difference range (site_cols_unsure, without the
 * operation counts, to keep 80 columns); CSV and JSON have every column
 * either way.
 */
#define SITE_COLS(certain)							\
	{ "site", "site", TLBR_COL_STR, false },				\
	{ "per", "per", TLBR_COL_STR, false },					\
	{ "predicted", "predicted", TLBR_COL_U64, false },			\
	{ "before_ops", "ops", TLBR_COL_I64, !(certain) },			\
	{ "predicted_per_op_text", "/op", TLBR_COL_STR, false },		\
	{ "census", "census", TLBR_COL_U64, false },				\
	{ "after_ops", "ops", TLBR_COL_I64, !(certain) },			\
	{ "census_per_op_text", "/op", TLBR_COL_STR, false },			\
	{ "difference", "diff", TLBR_COL_CHANGE, !(certain) },			\
	{ "shared", "shared", TLBR_COL_STR, true },				\
	{ "per_operation", "operation", TLBR_COL_STR, true },			\
	{ "predicted_per_op", "predicted/op", TLBR_COL_NUM, true },		\
	{ "census_per_op", "census/op", TLBR_COL_NUM, true },			\
	{ "predicted_uncertain", "uncertain", TLBR_COL_U64, true },		\
	{ "predicted_per_op_min", "predicted/op min", TLBR_COL_NUM, true },	\
	{ "difference_min", "diff min", TLBR_COL_NUM, true },			\
	{ "difference_max", "diff max", TLBR_COL_NUM, true },			\
	{ "difference_range", "diff", TLBR_COL_STR, (certain) },		\
	{ "within_5pct", "5%", TLBR_COL_STR, true }

static const struct tlbr_col site_cols[] = { SITE_COLS(true) };
static const struct tlbr_col site_cols_unsure[] = { SITE_COLS(false) };

/* Too few broadcasts at the site on both sides to judge 5 % (TLBR_AGAINST_MIN_FLUSHES)? */
static bool too_few(uint64_t predicted, uint64_t census)
{
	return predicted < TLBR_AGAINST_MIN_FLUSHES && census < TLBR_AGAINST_MIN_FLUSHES;
}

/*
 * Within 5 %: yes when every difference the range allows is, no when none
 * is, unknown otherwise; "-" where there is no difference to judge; "few"
 * instead of yes or no where the site has too few broadcasts on both sides
 * to tell (too_few): neither a hit nor a miss.
 */
static const char *within5(double lo, double hi, bool few)
{
	if (!isfinite(lo) || !isfinite(hi))
		return "-";
	if (lo >= -5.0 && hi <= 5.0)
		return few ? "few" : "yes";
	if (lo > 5.0 || hi < -5.0)
		return few ? "few" : "no";
	return "unknown";
}

/* "-11.1..+0.0%", or one figure as the diff column has it when they agree to 0.1 */
static void diff_range(char *buf, size_t n, double lo, double hi)
{
	char l[24], h[24];

	snprintf(l, sizeof(l), isfinite(lo) ? "%+.1f" : "?", lo);
	snprintf(h, sizeof(h), isfinite(hi) ? "%+.1f" : "?", hi);
	if (!strcmp(l, h) || !isfinite(lo))
		snprintf(buf, n, isfinite(hi) ? "%+.1f%%" : "-", hi);
	else
		snprintf(buf, n, "%s..%s%%", l, h);
}

/*
 * One row of the sites table: @name's @pred broadcasts predicted (@mk of
 * them uncertain) in BEFORE's @bo operations @op against @census counted in
 * AFTER's @ao (the counts themselves where either is 0 or there is no
 * operation). @rule: a comparison per fault of the kind (wp-reuse, cow):
 * each trace's flushes follow its own faults of that kind one for one, so
 * the figures read 1.000 / 1.000 by construction when the model follows
 * the kernel's rule (one flush a fault): within_5pct "rule" where the
 * figures are within 5 % (of any number of broadcasts), neither a hit nor a
 * miss of the count (the row per user write fault compares that); beyond
 * 5 % the rule broke: "no" (or "few") as for any site. @per_op: only per
 * operation: where a side has none of @op, nothing to judge ("-"; the
 * counts shown).
 */
static int site_row(struct tlbr_table *t, const char *name, enum tlbr_against_op op, int64_t bo,
		    int64_t ao, uint64_t pred, uint64_t mk, uint64_t maybe, uint64_t census,
		    unsigned int how)
{
	double bp = NAN, ap = NAN, bmin = NAN, d, dmin;
	char bs[40], as[32], ds[64];
	const char *w;

	if (bo > 0 && ao > 0) {	/* per operation */
		bp = (double)pred / (double)bo;
		bmin = (double)(pred - mk) / (double)bo;
		ap = (double)census / (double)ao;
		d = change(bp, ap);
		dmin = change(bmin, ap);
	} else {	/* no operation to count by: the counts themselves */
		d = change((double)pred, (double)census);
		dmin = change((double)(pred - mk), (double)census);
	}
	fmt3(bs, sizeof(bs), bp);
	fmt3(as, sizeof(as), ap);
	if (mk && isfinite(bmin))	/* the range the uncertain points allow */
		snprintf(bs, sizeof(bs), "%.3f..%.3f", bmin, bp);
	diff_range(ds, sizeof(ds), dmin, d);
	w = within5(dmin, d, too_few(pred, census));
	if ((how & ROW_RULE) && !strcmp(within5(dmin, d, false), "yes"))
		w = "rule";
	if ((how & ROW_PER_OP) && !(bo > 0 && ao > 0))
		w = "-";
	return tlbr_table_add(t, name, bo > 0 && ao > 0 ? op_short[op] : "(count)", pred, bo, bs,
			      census, ao, as, d, how & ROW_SHARED ? "yes" : "no",
			      bo > 0 && ao > 0 ? op_names[op] : "none", bp, ap, maybe, bmin, dmin,
			      d, ds, w);
}

int tlbr_against_sites(const struct tlbr_against_side *b, const struct tlbr_against_side *a,
		       struct tlbr_table *t)
{
	uint64_t pt = 0, ct = 0, mt = 0;
	bool unsure = false;
	bool tables = b->zap_tables_traced || a->zap_tables_traced || b->zap_tables_model;
	unsigned int i, k;
	int ret = 0;

	for (k = 0; k < TLBR_SITE__COUNT; k++) {
		unsure |= b->predicted_maybe[k] && (b->predicted[k] || a->census[k]);
		pt += b->predicted[k];
		ct += a->census[k];
		if (b->predicted[k] || a->census[k])
			mt += b->predicted_maybe[k];
	}
	tlbr_table_init(t, "sites", "Broadcasts per flush site: predicted from BEFORE, "
			"counted on AFTER", unsure ? site_cols_unsure : site_cols,
			ARRAY_SIZE(site_cols));
	for (i = 0; i < ARRAY_SIZE(row_specs) && !ret; i++) {
		const struct row_spec *rs = &row_specs[i];
		uint64_t pred = b->predicted[rs->site], census = a->census[rs->site];
		uint64_t maybe = b->predicted_maybe[rs->site], mk = maybe < pred ? maybe : pred;
		int64_t bo = -1, ao = -1;

		if (!pred && !census)
			continue;
		if (rs->part != PART_ALL) {
			/*
			 * the table flushes: BEFORE's traced where its trace has a
			 * census, else the model's; AFTER's traced (its gathers
			 * with freed_tables), neither more than the site's
			 */
			uint64_t bt = b->tlbi_events ? b->zap_tables_traced : b->zap_tables_model;
			uint64_t at = a->zap_tables_traced < census ? a->zap_tables_traced : census;

			if (!tables)
				continue;
			bt = bt < pred ? bt : pred;
			pred = rs->part == PART_PAGES ? pred - bt : bt;
			census = rs->part == PART_PAGES ? census - at : at;
			mk = rs->part == PART_PAGES && mk < pred ? mk : rs->part == PART_PAGES ? pred : 0;
			maybe = rs->part == PART_PAGES ? maybe : 0;
		}
		if (rs->op != TLBR_AOP__COUNT) {
			bo = (int64_t)b->ops[rs->op];
			ao = (int64_t)a->ops[rs->op];
		}
		ret = site_row(t, rs->name ? rs->name : tlbr_site_name(rs->site), rs->op, bo, ao,
			       pred, mk, maybe, census, rs->how);
	}
	if (!ret) {
		double dmin = change((double)(pt - (mt < pt ? mt : pt)), (double)ct);
		double d = change((double)pt, (double)ct);
		char ds[64];

		diff_range(ds, sizeof(ds), dmin, d);
		ret = tlbr_table_add(t, "all", "(count)", pt, (int64_t)-1, "-", ct, (int64_t)-1,
				     "-", d, "-", "none", NAN, NAN, mt, NAN, dmin, d, ds,
				     within5(dmin, d, false));
	}
	return ret;
}

static const struct tlbr_col op_cols[] = {
	{ "operation", "operation", TLBR_COL_STR, false },
	{ "before", "before", TLBR_COL_U64, false },
	{ "after", "after", TLBR_COL_U64, false },
	{ "change", "change", TLBR_COL_CHANGE, false },
};

int tlbr_against_ops(const struct tlbr_against_side *b, const struct tlbr_against_side *a,
		     struct tlbr_table *t)
{
	unsigned int i;
	int ret = 0;

	tlbr_table_init(t, "operations", "Operations counted in the traces (in scope)", op_cols,
			ARRAY_SIZE(op_cols));
	for (i = 0; i < TLBR_AOP__COUNT && !ret; i++)
		ret = tlbr_table_add(t, op_names[i], b->ops[i], a->ops[i],
				     b->ops[i] ? 100.0 * ((double)a->ops[i] - (double)b->ops[i]) /
						 (double)b->ops[i] : NAN);
	return ret;
}

/*
 * The savings table's columns. Its text shows the conservative shares
 * (save_cols) while no side has uncertain broadcasts, the ranges
 * (save_cols_unsure: the numbers of the broadcasts move to the notes to keep
 * 80 columns) when one has; CSV and JSON have every column either way.
 */
#define SAVE_COLS(certain)							\
	{ "policy", "policy", TLBR_COL_STR, false },				\
	{ "before_saved", "before", TLBR_COL_PCT, !(certain) },			\
	{ "after_saved", "after", TLBR_COL_PCT, !(certain) },			\
	{ "difference_pp", "diff (pp)", TLBR_COL_NUM, !(certain) },		\
	{ "before_saved_range", "before", TLBR_COL_STR, (certain) },		\
	{ "after_saved_range", "after", TLBR_COL_STR, (certain) },		\
	{ "difference_pp_range", "diff (pp)", TLBR_COL_STR, (certain) },	\
	{ "within_5pp", "5 pp", TLBR_COL_STR, (certain) },			\
	{ "before_broadcasts", "bc before", TLBR_COL_U64, !(certain) },		\
	{ "after_broadcasts", "bc after", TLBR_COL_U64, !(certain) },		\
	{ "before_unsafe", "before unsafe", TLBR_COL_U64, true },		\
	{ "after_unsafe", "after unsafe", TLBR_COL_U64, true },			\
	{ "before_uncertain", "before uncertain", TLBR_COL_U64, true },		\
	{ "after_uncertain", "after uncertain", TLBR_COL_U64, true },		\
	{ "before_saved_min", "before min", TLBR_COL_PCT, true },		\
	{ "before_saved_max", "before max", TLBR_COL_PCT, true },		\
	{ "after_saved_min", "after min", TLBR_COL_PCT, true },			\
	{ "after_saved_max", "after max", TLBR_COL_PCT, true },			\
	{ "difference_pp_min", "diff min", TLBR_COL_NUM, true },		\
	{ "difference_pp_max", "diff max", TLBR_COL_NUM, true }

static const struct tlbr_col save_cols[] = { SAVE_COLS(true) };
static const struct tlbr_col save_cols_unsure[] = { SAVE_COLS(false) };

bool tlbr_against_uncertain(const struct tlbr_against_side *b, const struct tlbr_against_side *a)
{
	for (unsigned int i = 0; i < TLBR_AGAINST_NPOL; i++)
		if (b->policy_maybe[i] || a->policy_maybe[i])
			return true;
	return false;
}

/*
 * An uncertain flush point is one where the kernel flushed or did not
 * (tlbr_policy_result.maybe): arm64-broadcast broadcasts at each (every
 * user flush is a TLBI IS), a policy at some (its uncertain broadcasts, u
 * of them) and not at the others (Bu - u). Whichever of them the kernel
 * really flushed at, the baseline's broadcasts are Bc (the certain ones)
 * plus those, the policy's Pc plus those of its u: the share saved is
 * least when only the policy's u were real, most when only the Bu - u it
 * saves were. Both figures the trace gives lie between: none real (what
 * the trace proves) and all real (the conservative figure).
 */
void tlbr_against_saved(const struct tlbr_against_side *s, unsigned int i, double *cons,
			double *lo, double *hi)
{
	uint64_t B = s->policy_bcasts[0], Bu = s->policy_maybe[0];
	uint64_t P = s->policy_bcasts[i], Pu = s->policy_maybe[i];
	uint64_t Bc = B - (Bu < B ? Bu : B), Pc = P - (Pu < P ? Pu : P);
	uint64_t u = Pu < Bu ? Pu : Bu;

	*cons = B ? 100.0 * (1.0 - (double)P / (double)B) : NAN;
	*lo = Bc + u ? 100.0 * (1.0 - (double)(Pc + u) / (double)(Bc + u)) : NAN;
	*hi = Bc + Bu - u ? 100.0 * (1.0 - (double)Pc / (double)(Bc + Bu - u)) : NAN;
	if (!Bu && !Pu)
		*lo = *hi = *cons;
}

static double round1(double v)
{
	return round(v * 10) / 10;
}

static void fmt_range(char *buf, size_t n, double lo, double hi, bool pct)
{
	char l[24], h[24];

	snprintf(l, sizeof(l), isfinite(lo) ? (pct ? "%.1f" : "%+.1f") : "?", round1(lo));
	snprintf(h, sizeof(h), isfinite(hi) ? (pct ? "%.1f" : "%+.1f") : "?", round1(hi));
	if (isfinite(lo) && isfinite(hi) && round1(lo) == round1(hi))
		snprintf(buf, n, "%s%s", l, pct ? "%" : "");
	else
		snprintf(buf, n, "%s..%s%s", l, h, pct ? "%" : "");
}

int tlbr_against_savings(const struct tlbr_against_side *b, const struct tlbr_against_side *a,
			 struct tlbr_table *t)
{
	char names[] = TLBR_AGAINST_POLICIES;
	char *save = NULL, *name;
	unsigned int i = 0;
	int ret = 0;
	bool unsure = tlbr_against_uncertain(b, a);

	tlbr_table_init(t, "savings", "Broadcasts saved against arm64-broadcast, both replayed",
			unsure ? save_cols_unsure : save_cols, ARRAY_SIZE(save_cols));
	for (name = strtok_r(names, ",", &save); name && !ret;
	     name = strtok_r(NULL, ",", &save), i++) {
		double sb, sa, d, bl, bh, al, ah, dl, dh;
		char rb[64], ra[64], rd[64];
		const char *within;

		if (!i) {	/* the baseline itself */
			ret = tlbr_table_add(t, name, NAN, NAN, NAN, "-", "-", "-", "-",
					     b->policy_bcasts[0], a->policy_bcasts[0],
					     b->policy_unsafe[0], a->policy_unsafe[0],
					     b->policy_maybe[0], a->policy_maybe[0], NAN, NAN, NAN,
					     NAN, NAN, NAN);
			continue;
		}
		tlbr_against_saved(b, i, &sb, &bl, &bh);
		tlbr_against_saved(a, i, &sa, &al, &ah);
		d = isfinite(sb) && isfinite(sa) ? round1(sb - sa) : NAN;
		/* before - after: least with before least and after most */
		dl = isfinite(bl) && isfinite(ah) ? round1(bl - ah) : NAN;
		dh = isfinite(bh) && isfinite(al) ? round1(bh - al) : NAN;
		/*
		 * within 5 pp only when every difference the ranges allow is
		 * (what the traces prove); not within when none is; else unknown
		 */
		if (!isfinite(dl) || !isfinite(dh))
			within = "unknown";
		else if (dl >= -5.0 && dh <= 5.0)
			within = "yes";
		else if (dl > 5.0 || dh < -5.0)
			within = "no";
		else
			within = "unknown";
		fmt_range(rb, sizeof(rb), bl, bh, true);
		fmt_range(ra, sizeof(ra), al, ah, true);
		fmt_range(rd, sizeof(rd), dl, dh, false);
		ret = tlbr_table_add(t, name, sb, sa, d, rb, ra, rd, within, b->policy_bcasts[i],
				     a->policy_bcasts[i], b->policy_unsafe[i], a->policy_unsafe[i],
				     b->policy_maybe[i], a->policy_maybe[i], bl, bh, al, ah, dl, dh);
	}
	return ret;
}

/* Differs by more than 5%. */
static bool differs(uint64_t x, uint64_t y)
{
	uint64_t d = x > y ? x - y : y - x;

	return d > 0 && (double)d > 0.05 * (double)(x > y ? x : y);
}

/*
 * Can the side's traces show a huge mapping? arm64's fault probes do
 * (tlbr:thp_fault, do_huge_pmd_anonymous_page), and x86's huge pages'
 * allocations (kmem:mm_page_alloc of order 9) where every trace of the
 * side has them; an x86 trace without them shows a huge page as one
 * fault, so its huge_mapped is unknown, not 0.
 */
static bool sees_huge(const struct tlbr_against_side *s)
{
	return !strcmp(s->arch, "aarch64") || s->tlbi_events ||	/* the census: arm64's plan */
	       (s->traces && s->huge_allocs == s->traces);
}

/* The CPUs a side's workload may run on (metadata affinity=), or -1 unknown. */
static int allowed_cpus(const struct tlbr_against_side *s)
{
	struct tlbr_cpuset set;

	if (!*s->affinity ||
	    tlbr_parse_cpulist(s->affinity, strlen(s->affinity), &set) < 0)
		return -1;
	return (int)tlbr_cpuset_count(&set);
}

static void describe_cpus(char *buf, size_t n, const struct tlbr_against_side *s)
{
	unsigned int ran = tlbr_cpuset_count(&s->ran_on);
	int allowed = allowed_cpus(s);

	if (allowed < 0)
		snprintf(buf, n, "on %u CPU%s of %d (affinity not recorded)", ran, ran == 1 ? "" : "s",
			 s->ncpus);
	else
		snprintf(buf, n, "on %u CPU%s of %d (%s CPU%s %s)", ran, ran == 1 ? "" : "s", s->ncpus,
			 allowed < s->ncpus ? "pinned to" : "free to run on all:",
			 allowed == 1 ? "" : "s", s->affinity);
}

/*
 * Scheduling: active-cpu saves a broadcast where the address space ran on
 * one CPU only (tlbreplay-policies(7)), so its savings on two machines
 * compare only when their workloads ran on as many CPUs: said when the
 * CPUs of the machines, the CPUs the workloads were allowed (the recorder's
 * affinity, which taskset sets) or those they ran on differ; and when both
 * were pinned alike, that the comparison holds for that CPU count only.
 */
static unsigned int cpu_note(const struct tlbr_against_side *b, const struct tlbr_against_side *a,
			     void (*emit)(void *ctx, const char *key, const char *text), void *ctx)
{
	int ab = allowed_cpus(b), aa = allowed_cpus(a);
	char buf[640], db[160], da[160];

	describe_cpus(db, sizeof(db), b);
	describe_cpus(da, sizeof(da), a);
	if (b->ncpus != a->ncpus || ab != aa ||
	    tlbr_cpuset_count(&b->ran_on) != tlbr_cpuset_count(&a->ran_on)) {
		snprintf(buf, sizeof(buf), "CPUs: the workload faulted or made syscalls %s "
			 "before, %s after: scheduling differs, and with it what active-cpu saves (an "
			 "address space that ran on one CPU flushes locally) and what the "
			 "residency model lets other CPUs hold%s.", db, da,
			 ab != aa ? "; pin both sides alike (taskset -c LIST tlbreplay record) "
			 "to compare them" : "");
		emit(ctx, "cpus", buf);
		return 1;
	}
	if (ab > 0 && ab < b->ncpus) {
		snprintf(buf, sizeof(buf), "CPUs: both sides pinned alike: the workload ran %s "
			 "before, %s after; active-cpu's savings compare like with like, for %d "
			 "CPU%s only.", db, da,
			 ab, ab == 1 ? "" : "s");
		emit(ctx, "cpus", buf);
		return 1;
	}
	return 0;
}

/* Why a side's flush points in scope were uncertain (TLBR_UNSURE_* bits; tlbr_print_uncertain says more). */
static size_t uncertain_why(char *buf, size_t n, const struct tlbr_against_side *s,
			    const char *SIDE)
{
	unsigned int why = s->uncertain_why;
	size_t l = (size_t)snprintf(buf, n, " %s (%llu):", SIDE,
				    (unsigned long long)s->policy_maybe[0]);

#define WHY(bit, text)								\
	if ((why & (bit)) && l < n)						\
		l += (size_t)snprintf(buf + l, n - l, " %s;", text)
	if (why & TLBR_UNSURE_PENDING) {
		if (s->batch_marks < s->traces) {
			WHY(TLBR_UNSURE_PENDING, "flush_tlb_batched_pending (arm64 6.5+) flushes the "
			    "whole address space if reclaim or migration marked it "
			    "(set_tlb_ubc_flush_pending), and the trace was recorded without the "
			    "batched-reclaim marks probe (tlbr:ubc_pending; its metadata lacks "
			    "batch_marks=traced): re-record with this tlbreplay");
		} else {
			WHY(TLBR_UNSURE_PENDING, "flush_tlb_batched_pending (arm64 6.5+) of an "
			    "address space older than the trace, or on a kernel whose census does "
			    "not show whether it flushes (the 2025 fix)");
		}
	}
	WHY(TLBR_UNSURE_AGE, "madvise COLD, PAGEOUT or FREE flushes only PTEs that were young "
	    "or dirty (madvise_cold_or_pageout_pte_range, madvise_free_pte_range); for an "
	    "arm64 6.1 PAGEOUT from x86, a fault proves its PTE young only where nothing on "
	    "AFTER's machine ages unseen (its metadata: MGLRU and DAMON off; --arm64-aging)");
	WHY(TLBR_UNSURE_PAGEOUT, "PAGEOUT on a kernel of unknown version (it ages and "
	    "flushes before Linux 6.10 only; BEFORE's prediction follows AFTER's kernel)");
	WHY(TLBR_UNSURE_DIRTY, "a zap of shared pages the trace saw only read flushes early "
	    "if one was dirty (zap_pte_range's force_flush)");
	WHY(TLBR_UNSURE_SPLIT, "__split_huge_pmd flushes only a PMD that was huge");
	WHY(TLBR_UNSURE_FOLIO_SPLIT, "BEFORE's MADV_FREE split a large folio (x86, one flush a "
	    "PTE); an arm64 kernel before 6.9 (6.1) does not split one whose first page is "
	    "unmapped or mapped more than once there (madvise_free_pte_range: "
	    "folio_estimated_sharers() != 1), its walk stops at the folio and the call's gather "
	    "may flush nothing, a later COLD or PAGEOUT splits it if one reaches it (each PTE's "
	    "flush at site fault; decided for 6.1-6.7 where the model knows the folio, a huge "
	    "page by its allocation); of an unknown version whether it batches (6.8+: site "
	    "reclaim) is unknown too");
	WHY(TLBR_UNSURE_CONTPTE, "BEFORE's MADV_FREE split a large folio; an arm64 kernel "
	    "6.9+ (or of an unknown version) first unfolds each 64 KiB contpte block of it "
	    "the split enters (contpte_try_unfold -> contpte_convert: one flush a block, site "
	    "zap), where it mapped the folio with contpte blocks, which no x86 trace shows");
	WHY(TLBR_UNSURE_REMAP_AF, "BEFORE's MADV_COLD flushed pages a MADV_FREE large folio "
	    "split had put back (remap_page -> remove_migration_pte); an arm64 kernel 6.9-6.12 "
	    "finds them old and flushes nothing where it runs with LPA2 (try_to_migrate_one's "
	    "SWP_MIG_YOUNG is PTE bit 52, PTE_CONT, which set_ptes() clears: "
	    "remove_migration_pte makes the PTE old), young without it; neither AFTER's PTEs "
	    "nor --arm64-lpa2 said which (or the version is 6.8 or unknown)");
	WHY(TLBR_UNSURE_CONT_FOLD, "BEFORE's mremap moved PTEs of a large folio; an arm64 "
	    "kernel 6.9+ (or of an unknown version) folds each 64 KiB run of it into a contpte "
	    "block at the destination (set_pte_at -> contpte_try_fold -> contpte_convert: one "
	    "flush a block, site mremap) and unfolds such a block when it moves again, only "
	    "where the move's distance is a multiple of 64 KiB, which arm64's layout decides "
	    "(its loader aligns libraries to 64 KiB), not x86's addresses");
	WHY(TLBR_UNSURE_AROUND, "a zap of pages fault-around may have mapped "
	    "(do_fault_around), or reclaim may have put back (try_to_unmap_one of a "
	    "MADV_FREE'd folio redirtied or referenced), flushes only if one was");
	WHY(TLBR_UNSURE_NESTED, "tlb_finish_mmu flushes the whole address space if another "
	    "task's gather is still pending (mm_tlb_flush_nested), and one may have been: "
	    "that task was switched out after entering its tlb_finish_mmu");
#undef WHY
	if (l < n && buf[l - 1] == ';')
		buf[l - 1] = '.';
	return l < n ? l : n - 1;
}

/*
 * Uncertain flush points: how many of arm64-broadcast's broadcasts each
 * side has, and why.
 */
static unsigned int uncertain_note(const struct tlbr_against_side *b,
				   const struct tlbr_against_side *a,
				   void (*emit)(void *ctx, const char *key, const char *text),
				   void *ctx)
{
	char buf[2048];
	size_t l;

	if (!b->policy_maybe[0] && !a->policy_maybe[0])
		return 0;
	l = (size_t)snprintf(buf, sizeof(buf), "uncertain flush points: %llu of "
			     "arm64-broadcast's %llu broadcasts before, %llu of %llu after, "
			     "where the kernel flushes only if something the trace cannot show "
			     "was so; counted as broadcasts in the broadcast counts and the "
			     "conservative shares (before_saved, after_saved), so the savings "
			     "are the ranges they allow (tlbreplay-diff(1)). Why:",
			     (unsigned long long)b->policy_maybe[0],
			     (unsigned long long)b->policy_bcasts[0],
			     (unsigned long long)a->policy_maybe[0],
			     (unsigned long long)a->policy_bcasts[0]);
	if (b->policy_maybe[0] && l < sizeof(buf))
		l += uncertain_why(buf + l, sizeof(buf) - l, b, "BEFORE");
	if (a->policy_maybe[0] && l < sizeof(buf))
		uncertain_why(buf + l, sizeof(buf) - l, a, "AFTER");
	emit(ctx, "uncertain", buf);
	return 1;
}

/* "N before (0.286; K by the kernel's writes)" of one kind on one side */
static void kind_text(char *buf, size_t n, const struct tlbr_against_side *s,
		      enum tlbr_against_op op, uint64_t user, const char *when)
{
	uint64_t all = s->ops[op], wf = s->ops[TLBR_AOP_WFAULTS];

	if (wf)
		snprintf(buf, n, "%llu %s (%.3f per user write fault; %llu by the kernel's writes)",
			 (unsigned long long)all, when, (double)all / (double)wf,
			 (unsigned long long)(all > user ? all - user : 0));
	else
		snprintf(buf, n, "%llu %s (%llu by the kernel's writes)", (unsigned long long)all,
			 when, (unsigned long long)(all > user ? all - user : 0));
}

/*
 * wp-reuse and cow are compared per write fault of their kind (the write
 * faults on present read-only pages the kernel reused, and those it
 * copied: each trace's own, user and kernel mode as it shows them). How
 * many faults there were of each kind is what the program did - which
 * pages it writes after a fork, whether it loads before it stores (a zero
 * page the store then copies), how the C library lays out what the kernel
 * writes (schedule_tail's tid, rseq) - not the model: said here per user
 * write fault, beside the comparison. An x86 trace recorded without
 * exceptions:page_fault_kernel shows no fault of kernel mode: the reuses of
 * the kernel's writes (x86 flushes none; arm64 does) are then missing from
 * the prediction altogether, which the per-kind figure cannot show.
 */
static unsigned int program_note(const struct tlbr_against_side *b,
				 const struct tlbr_against_side *a,
				 void (*emit)(void *ctx, const char *key, const char *text),
				 void *ctx)
{
	char buf[1536], rb[128], ra[128], cb[128], ca[128];
	uint64_t ka = a->ops[TLBR_AOP_REUSEFAULTS] > a->reuses_user ?
		      a->ops[TLBR_AOP_REUSEFAULTS] - a->reuses_user : 0;
	unsigned int n = 0;

	if (!b->ops[TLBR_AOP_REUSEFAULTS] && !a->ops[TLBR_AOP_REUSEFAULTS] &&
	    !b->ops[TLBR_AOP_COWFAULTS] && !a->ops[TLBR_AOP_COWFAULTS])
		return 0;
	kind_text(rb, sizeof(rb), b, TLBR_AOP_REUSEFAULTS, b->reuses_user, "before");
	kind_text(ra, sizeof(ra), a, TLBR_AOP_REUSEFAULTS, a->reuses_user, "after");
	kind_text(cb, sizeof(cb), b, TLBR_AOP_COWFAULTS, b->cow_breaks_user, "before");
	kind_text(ca, sizeof(ca), a, TLBR_AOP_COWFAULTS, a->cow_breaks_user, "after");
	snprintf(buf, sizeof(buf), "wp-reuse and cow are compared per write fault of their "
		 "kind, each trace's own (a write fault on a present read-only page that the "
		 "kernel reused: 'wf reused'; that it copied: 'wf copied'); how many of each "
		 "there were is the program's doing, not the model's (the pages it writes "
		 "after a fork, a load before a store that maps the zero page the store then "
		 "copies, where the C library puts what the kernel writes): reused %s, %s; "
		 "copied %s, %s. Per fault of the kind each trace's flushes follow its own "
		 "faults one for one, so those rows read 1.000 / 1.000 by construction where "
		 "the model keeps the kernel's rule (one flush a fault): they check the rule, "
		 "not the count (within_5pct \"rule\": neither a hit nor a miss; beyond 5 %% "
		 "the rule broke: judged as any site). The rows wp-reuse/wf and cow/wf compare the count, per "
		 "user write fault: the programs' difference and the model's together.",
		 rb, ra, cb, ca);
	emit(ctx, "program", buf), n++;
	if (!b->kernel_faults && !b->tlbi_events && ka) {
		snprintf(buf, sizeof(buf), "BEFORE's trace shows no fault of kernel mode (an "
			 "x86 recording without exceptions:page_fault_kernel): the reuses of the "
			 "kernel's writes to user pages (copy_to_user, put_user; %llu after) are "
			 "not predicted, and the per-kind figure cannot show it (the all row "
			 "does); re-record with this tlbreplay.", (unsigned long long)ka);
		emit(ctx, "kernel-faults", buf), n++;
	}
	return n;
}

/* The sites with too few broadcasts on both sides to judge 5 % (within_5pct "few"). */
static unsigned int few_note(const struct tlbr_against_side *b, const struct tlbr_against_side *a,
			     void (*emit)(void *ctx, const char *key, const char *text), void *ctx)
{
	char buf[1024];
	size_t l;
	unsigned int k, m = 0;

	l = (size_t)snprintf(buf, sizeof(buf), "too few flushes to judge 5 %% (fewer than %d "
			     "broadcasts on each side, where one flush more or less moves the "
			     "site's figure by more than 5 %%; within_5pct \"few\" where it would "
			     "be yes or no: neither a hit nor a miss; wp-reuse and cow: their rows "
			     "per user write fault, /wf), predicted/counted:",
			     TLBR_AGAINST_MIN_FLUSHES);
	for (k = 0; k < TLBR_SITE__COUNT && l < sizeof(buf); k++) {
		if ((!b->predicted[k] && !a->census[k]) || !too_few(b->predicted[k], a->census[k]))
			continue;
		l += (size_t)snprintf(buf + l, sizeof(buf) - l, "%s %s %llu/%llu", m ? "," : "",
				      tlbr_site_name((enum tlbr_site)k),
				      (unsigned long long)b->predicted[k],
				      (unsigned long long)a->census[k]);
		m++;
	}
	if (!m)
		return 0;
	if (l < sizeof(buf) - 1)
		strcat(buf, ".");
	emit(ctx, "few", buf);
	return 1;
}

unsigned int tlbr_against_notes(const struct tlbr_against_side *b,
				const struct tlbr_against_side *a,
				void (*emit)(void *ctx, const char *key, const char *text),
				void *ctx)
{
	char buf[1024];
	unsigned int n = 0, i;

	snprintf(buf, sizeof(buf), "BEFORE was recorded on %s (kernel %s), AFTER on %s "
		 "(kernel %s): besides the architecture, the kernel versions differ where "
		 "these do, and with them the flush code.",
		 *b->arch ? b->arch : "an unknown architecture", *b->kernel ? b->kernel : "unknown",
		 *a->arch ? a->arch : "an unknown architecture", *a->kernel ? a->kernel : "unknown");
	emit(ctx, "machines", buf), n++;
	for (i = 0; i < TLBR_AOP__COUNT; i++) {
		if (i == TLBR_AOP_FAULTS || i == TLBR_AOP_REUSEFAULTS ||
		    i == TLBR_AOP_COWFAULTS || !differs(b->ops[i], a->ops[i]))
			continue;
		snprintf(buf, sizeof(buf), "%s: %llu before, %llu after: the programs did not do "
			 "the same work (the C library and loader, the program's own choices, "
			 "scheduling%s); the sites counted per %s are compared per %s.",
			 op_names[i], (unsigned long long)b->ops[i], (unsigned long long)a->ops[i],
			 i == TLBR_AOP_WFAULTS ? ", the compiled code: arm64 loads before "
			 "it stores where x86 has one read-modify-write instruction" :
			 i == TLBR_AOP_MREMAP_CHUNKS ? ", the address space's layout: a move "
			 "that crosses a 2 MiB boundary of its old or new address moves in two "
			 "chunks" : "", op_names[i], op_names[i]);
		emit(ctx, "operations", buf), n++;
	}
	n += program_note(b, a, emit, ctx);
	if (!sees_huge(b) || !sees_huge(a)) {
		const struct tlbr_against_side *blind = sees_huge(b) ? a : b;
		const struct tlbr_against_side *seer = blind == b ? a : b;

		if (seer->huge_mapped) {
			snprintf(buf, sizeof(buf), "huge pages mapped by a PMD: %llu %s; %s's trace "
				 "(%s) has no event for a huge mapping, so how many it mapped is "
				 "unknown (not 0). The write faults (%llu before, %llu after) say "
				 "whether huge pages backed the same memory (one fault maps 512 "
				 "pages), and splitting a partly advised or unmapped huge page "
				 "flushes differently by kernel version (tlbreplay-policies(7)).",
				 (unsigned long long)seer->huge_mapped, seer == a ? "after" : "before",
				 blind == b ? "BEFORE" : "AFTER",
				 *blind->arch ? blind->arch : "unknown architecture",
				 (unsigned long long)b->ops[TLBR_AOP_WFAULTS],
				 (unsigned long long)a->ops[TLBR_AOP_WFAULTS]);
			emit(ctx, "thp", buf), n++;
		}
	} else if (differs(b->huge_mapped, a->huge_mapped)) {
		snprintf(buf, sizeof(buf), "huge pages mapped by a PMD: %llu before, %llu after: "
			 "transparent huge pages differ (the THP setting, alignment, khugepaged); a "
			 "huge page is faulted and zapped as one, so the faults and zaps per "
			 "operation differ with it.", (unsigned long long)b->huge_mapped,
			 (unsigned long long)a->huge_mapped);
		emit(ctx, "thp", buf), n++;
	}
	if (b->huge_alloc_unpaired) {
		snprintf(buf, sizeof(buf), "huge-page allocations: %llu of BEFORE's huge-page "
			 "allocations in a fault (kmem:mm_page_alloc, order 9) were not taken for "
			 "that fault's, where the model had another page in its 2 MiB or knew "
			 "the VMA as not anonymous and private (do_huge_pmd_anonymous_page "
			 "allocates only where the PMD is none): such a fault maps one page in "
			 "the prediction, as in a trace without the event.",
			 (unsigned long long)b->huge_alloc_unpaired);
		emit(ctx, "thp", buf), n++;
	}
	/*
	 * mTHP: alloc_anon_folio's folios below order 9 (6.8+, where a size's
	 * hugepages-<size>kB/enabled allows it) are not in an x86 recording:
	 * record's kmem:mm_page_alloc filter keeps order 9 (formats/vocab.c),
	 * and the model maps a fault's one page
	 */
	if (b->huge_allocs && strcmp(b->arch, "aarch64")) {
		snprintf(buf, sizeof(buf), "multi-size THP (anonymous folios of orders 2 to 8, "
			 "Linux 6.8+, where /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/"
			 "enabled allows a size) is not recorded: BEFORE's huge-page allocations "
			 "are of order 9 only (the recorder's kmem:mm_page_alloc filter), so a "
			 "fault that mapped a smaller large folio replays as one small page: the "
			 "folio's other pages, and on arm64 6.9+ its contpte blocks, are not "
			 "predicted (where every size is never, as on this project's x86 host "
			 "and guests, there are none).");
		emit(ctx, "thp", buf), n++;
	}
	n += cpu_note(b, a, emit, ctx);
	if (a->contpte_reuses || b->contpte_reuses) {
		snprintf(buf, sizeof(buf), "contpte: %llu write-fault reuses of a whole contpte "
			 "block after, %llu before: one flush of 16 pages (x86 has no contpte; "
			 "tlbreplay-policies(7)).", (unsigned long long)a->contpte_reuses,
			 (unsigned long long)b->contpte_reuses);
		emit(ctx, "contpte", buf), n++;
	}
	if (a->asid_rollovers || b->asid_rollovers) {
		snprintf(buf, sizeof(buf), "ASID rollovers: %llu after, %llu before: each flushes "
			 "every CPU's TLB, outside any site.", (unsigned long long)a->asid_rollovers,
			 (unsigned long long)b->asid_rollovers);
		emit(ctx, "asid", buf), n++;
	}
	if (a->census[TLBR_SITE_RECLAIM] || b->predicted[TLBR_SITE_RECLAIM]) {
		snprintf(buf, sizeof(buf), "reclaim: %llu predicted, %llu executed: reclaim and "
			 "migration depend on memory pressure, not on the program; on arm64 before "
			 "6.10 they are not batched (tlbreplay-policies(7)).",
			 (unsigned long long)b->predicted[TLBR_SITE_RECLAIM],
			 (unsigned long long)a->census[TLBR_SITE_RECLAIM]);
		emit(ctx, "reclaim", buf), n++;
	}
	if (b->zap_tables_traced || a->zap_tables_traced || b->zap_tables_model) {
		uint64_t bt = b->tlbi_events ? b->zap_tables_traced : b->zap_tables_model;

		snprintf(buf, sizeof(buf), "tables: %llu of AFTER's zap broadcasts are flushes "
			 "of freed page tables (its gathers with freed_tables: tlb_finish_mmu after "
			 "free_pgtables, apart from the pages' flush) in %llu unmap calls, %llu of "
			 "BEFORE's%s in %llu; an unmap frees a PTE page where no other mapping is "
			 "left in its 2 MiB, the address space's layout (the loader, the C library, "
			 "the program's sizes), not the model: zap:pages compares the rest per unmap "
			 "call, like with like, zap:tables the table flushes per call that freed "
			 "tables (one a call on each side: it checks the rule, not the count; "
			 "nothing to judge where a side freed none), zap:tbl/call per unmap call "
			 "(how many calls freed tables: the layout's doing and the model's).",
			 (unsigned long long)a->zap_tables_traced,
			 (unsigned long long)a->ops[TLBR_AOP_TABLECALLS], (unsigned long long)bt,
			 b->tlbi_events ? "" : " (where the model says the unmap freed a PTE page: "
			 "no other mapping in the 2 MiB)",
			 (unsigned long long)b->ops[TLBR_AOP_TABLECALLS]);
		emit(ctx, "tables", buf), n++;
	}
	n += uncertain_note(b, a, emit, ctx);
	n += few_note(b, a, emit, ctx);
	if (a->census[TLBR_SITE_UNKNOWN]) {
		snprintf(buf, sizeof(buf), "%llu broadcast operations after the census could not "
			 "attribute to a site (unknown): they count in all, at no site.",
			 (unsigned long long)a->census[TLBR_SITE_UNKNOWN]);
		emit(ctx, "unknown", buf), n++;
	}
	if (b->predicted[TLBR_SITE_WP_REUSE] && !b->tlbi_events) {
		snprintf(buf, sizeof(buf), "wp-reuse before: %llu flushes an arm64 kernel would "
			 "issue where the BEFORE kernel flushed nothing (x86: a write fault "
			 "reusing the page only marks it writable); predicted from the write "
			 "faults the trace shows on present pages (%llu).",
			 (unsigned long long)b->predicted[TLBR_SITE_WP_REUSE],
			 (unsigned long long)b->write_faults_present);
		emit(ctx, "wp-reuse", buf), n++;
	}
	return n;
}
