// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - aggregate the replay's notes and build the report's tables.
 *
 * Memory is bounded by what the trace touches, not by its length: counters
 * per address space, per address range (a VMA, or a 2 MiB region where the
 * VMA is unknown), per CPU, and a fixed number of time buckets whose width
 * doubles whenever the trace outgrows them.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define REGION (2ULL << 20)

struct tally {
	uint64_t bcast, avoid, stale, spur;
};

enum range_kind { R_VMA, R_REGION, R_WHOLE };

struct range {
	uint32_t mm;
	enum range_kind kind;
	uint64_t start, end;
	uint64_t seen;				/* spurious faults the trace shows */
	struct tally *t;			/* per policy */
};

struct proc {
	uint64_t seen;
	struct tally *t;			/* per policy; NULL until the mm is noted */
};

struct tlbr_report {
	bool failed;				/* a note could not be kept (ENOMEM) */
	unsigned int npol;
	/* by address space (mm id; 0: kernel or unknown) */
	struct proc *procs;
	uint32_t nprocs;
	/* by range: entries and an open-addressing index (entry + 1) */
	struct range *ranges;
	uint32_t nranges, ranges_alloc;
	uint32_t *rindex;
	uint32_t rindex_size;
	/* by CPU */
	struct tally (*cpu)[TLBR_MAX_CPUS];	/* per policy */
	uint64_t cpu_seen[TLBR_MAX_CPUS];
	/* by site */
	struct tally (*site)[TLBR_SITE__COUNT];	/* per policy */
	/* over time */
	uint64_t t0, t_end;
	bool have_t0;
	uint64_t width_ns;
	uint64_t (*bins)[TLBR_REPORT_BINS];	/* per policy */
	struct tlbr_table tables[TLBR_T__COUNT];
	struct tlbr_col cost_cols[TLBR_OP__COUNT + 3];	/* the costs table's, named at run time */
};

struct tlbr_report *tlbr_report_new(unsigned int npolicies)
{
	struct tlbr_report *rep = calloc(1, sizeof(*rep));

	if (!rep)
		return NULL;
	rep->npol = npolicies;
	rep->width_ns = 1000000;	/* 1 ms to start with */
	rep->cpu = calloc(npolicies ? npolicies : 1, sizeof(*rep->cpu));
	rep->site = calloc(npolicies ? npolicies : 1, sizeof(*rep->site));
	rep->bins = calloc(npolicies ? npolicies : 1, sizeof(*rep->bins));
	if (!rep->cpu || !rep->site || !rep->bins) {
		tlbr_report_free(rep);
		return NULL;
	}
	return rep;
}

void tlbr_report_free(struct tlbr_report *rep)
{
	unsigned int i;

	if (!rep)
		return;
	for (i = 0; i < TLBR_T__COUNT; i++)
		tlbr_table_release(&rep->tables[i]);
	for (i = 0; i < rep->nprocs; i++)
		free(rep->procs[i].t);
	for (i = 0; i < rep->nranges; i++)
		free(rep->ranges[i].t);
	free(rep->procs);
	free(rep->ranges);
	free(rep->cpu);
	free(rep->site);
	free(rep->bins);
	free(rep->rindex);
	free(rep);
}

void tlbr_report_time(struct tlbr_report *rep, uint64_t ts)
{
	if (!rep->have_t0 || ts < rep->t0) {
		rep->t0 = ts;
		rep->have_t0 = true;
	}
	if (ts > rep->t_end)
		rep->t_end = ts;
}

static struct proc *proc_get(struct tlbr_report *rep, uint32_t mm)
{
	if (mm >= rep->nprocs) {
		uint32_t n = rep->nprocs ? rep->nprocs : 64;
		struct proc *np;

		while (n <= mm)
			n *= 2;
		np = realloc(rep->procs, (size_t)n * sizeof(*np));
		if (!np)
			return NULL;
		memset(np + rep->nprocs, 0, (size_t)(n - rep->nprocs) * sizeof(*np));
		rep->procs = np;
		rep->nprocs = n;
	}
	if (!rep->procs[mm].t) {
		rep->procs[mm].t = calloc(rep->npol ? rep->npol : 1, sizeof(struct tally));
		if (!rep->procs[mm].t)
			return NULL;
	}
	return &rep->procs[mm];
}

static uint64_t range_hash(uint32_t mm, uint64_t start, enum range_kind kind)
{
	uint64_t h = ((uint64_t)mm * 0x9e3779b97f4a7c15ULL) ^ (start * 0xff51afd7ed558ccdULL) ^
		     (uint64_t)kind;

	return h ^ (h >> 29);
}

static int rindex_grow(struct tlbr_report *rep)
{
	uint32_t n = rep->rindex_size ? rep->rindex_size * 2 : 256, i;
	uint32_t *ni = calloc(n, sizeof(*ni));

	if (!ni)
		return -ENOMEM;
	for (i = 0; i < rep->nranges; i++) {
		struct range *g = &rep->ranges[i];
		uint32_t h = (uint32_t)range_hash(g->mm, g->start, g->kind) & (n - 1);

		while (ni[h])
			h = (h + 1) & (n - 1);
		ni[h] = i + 1;
	}
	free(rep->rindex);
	rep->rindex = ni;
	rep->rindex_size = n;
	return 0;
}

static struct range *range_get(struct tlbr_report *rep, const struct tlbr_note *n)
{
	enum range_kind kind = n->whole_mm || !n->mm ? R_WHOLE : n->vma_end ? R_VMA : R_REGION;
	uint64_t start = kind == R_WHOLE ? 0 : kind == R_VMA ? n->vma_start : n->addr & ~(REGION - 1);
	uint64_t end = kind == R_WHOLE ? 0 : kind == R_VMA ? n->vma_end : start + REGION;
	struct range *g;
	uint32_t h;

	if ((rep->nranges + 1) * 2 > rep->rindex_size && rindex_grow(rep) < 0)
		return NULL;
	h = (uint32_t)range_hash(n->mm, start, kind) & (rep->rindex_size - 1);
	for (; rep->rindex[h]; h = (h + 1) & (rep->rindex_size - 1)) {
		g = &rep->ranges[rep->rindex[h] - 1];
		if (g->mm == n->mm && g->kind == kind && g->start == start && g->end == end)
			return g;
	}
	if (rep->nranges == rep->ranges_alloc) {
		uint32_t na = rep->ranges_alloc ? rep->ranges_alloc * 2 : 64;
		struct range *nr = realloc(rep->ranges, (size_t)na * sizeof(*nr));

		if (!nr)
			return NULL;
		rep->ranges = nr;
		rep->ranges_alloc = na;
	}
	g = &rep->ranges[rep->nranges];
	memset(g, 0, sizeof(*g));
	g->t = calloc(rep->npol ? rep->npol : 1, sizeof(*g->t));
	if (!g->t)
		return NULL;
	g->mm = n->mm;
	g->kind = kind;
	g->start = start;
	g->end = end;
	rep->rindex[h] = ++rep->nranges;
	return g;
}

/* A broadcast at @ts into the time buckets, widening them as needed. */
static void time_count(struct tlbr_report *rep, int pol, uint64_t ts)
{
	uint64_t idx;
	unsigned int p, i;

	tlbr_report_time(rep, ts);
	idx = (ts - rep->t0) / rep->width_ns;
	while (idx >= TLBR_REPORT_BINS) {
		for (p = 0; p < rep->npol; p++) {
			for (i = 0; i < TLBR_REPORT_BINS / 2; i++)
				rep->bins[p][i] = rep->bins[p][2 * i] + rep->bins[p][2 * i + 1];
			memset(&rep->bins[p][TLBR_REPORT_BINS / 2], 0,
			       TLBR_REPORT_BINS / 2 * sizeof(uint64_t));
		}
		rep->width_ns *= 2;
		idx = (ts - rep->t0) / rep->width_ns;
	}
	rep->bins[pol][idx]++;
}

void tlbr_report_note(void *ctx, const struct tlbr_note *n)
{
	struct tlbr_report *rep = ctx;
	struct proc *pr = proc_get(rep, n->mm);
	struct range *g = range_get(rep, n);
	int cpu = n->cpu >= 0 && n->cpu < TLBR_MAX_CPUS ? n->cpu : 0;
	int pol = n->policy;

	if (!pr || !g) {
		rep->failed = true;
		return;
	}
	if (n->kind == TLBR_NOTE_SPURIOUS_SEEN) {
		pr->seen++;
		g->seen++;
		rep->cpu_seen[cpu]++;
		return;
	}
	if (pol < 0 || (unsigned int)pol >= rep->npol)
		return;
	switch (n->kind) {
	case TLBR_NOTE_FLUSH:
		if (n->out != TLBR_OUT_BROADCAST)
			break;
		time_count(rep, pol, n->ts_ns);
		pr->t[pol].bcast++;
		g->t[pol].bcast++;
		rep->cpu[pol][cpu].bcast++;
		rep->site[pol][n->site].bcast++;
		if (n->avoidable) {
			pr->t[pol].avoid++;
			g->t[pol].avoid++;
			rep->cpu[pol][cpu].avoid++;
			rep->site[pol][n->site].avoid++;
		}
		break;
	case TLBR_NOTE_STALE:
		pr->t[pol].stale++;
		g->t[pol].stale++;
		rep->cpu[pol][cpu].stale++;
		break;
	case TLBR_NOTE_SPURIOUS:
		pr->t[pol].spur++;
		g->t[pol].spur++;
		rep->cpu[pol][cpu].spur++;
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------ tables */

/* The columns live as long as the program: tables point at them. */
#define TABLE_INIT(t, id, title, ...)							\
	do {										\
		static const struct tlbr_col cols_[] = { __VA_ARGS__ };			\
		tlbr_table_init(t, table_names[id], title, cols_, ARRAY_SIZE(cols_));	\
	} while (0)

static const char *const table_names[TLBR_T__COUNT] = {
	[TLBR_T_SUMMARY] = "summary",
	[TLBR_T_COSTS] = "costs",
	[TLBR_T_BY_SITE] = "avoidable_by_site",
	[TLBR_T_BY_REASON] = "avoidable_by_reason",
	[TLBR_T_BY_PROCESS] = "avoidable_by_process",
	[TLBR_T_BY_RANGE] = "avoidable_by_range",
	[TLBR_T_OVER_TIME] = "broadcasts_over_time",
	[TLBR_T_STALE_BY_CPU] = "stale_by_cpu",
	[TLBR_T_STALE_BY_PROCESS] = "stale_by_process",
	[TLBR_T_STALE_BY_RANGE] = "stale_by_range",
	[TLBR_T_SEEN_BY_CPU] = "spurious_seen_by_cpu",
	[TLBR_T_SEEN_BY_PROCESS] = "spurious_seen_by_process",
	[TLBR_T_SEEN_BY_RANGE] = "spurious_seen_by_range",
	[TLBR_T_UNSAFE] = "unsafe",
};

const char *tlbr_report_table_name(enum tlbr_report_table t)
{
	return t < TLBR_T__COUNT ? table_names[t] : NULL;
}

const struct tlbr_table *tlbr_report_table(const struct tlbr_report *rep,
					   enum tlbr_report_table t)
{
	return &rep->tables[t];
}

const struct tlbr_table *tlbr_report_table_find(const struct tlbr_report *rep, const char *name)
{
	unsigned int i;

	for (i = 0; i < TLBR_T__COUNT; i++)
		if (!strcmp(table_names[i], name))
			return &rep->tables[i];
	return NULL;
}

unsigned int tlbr_report_baseline(const struct tlbr_replay_result *res)
{
	unsigned int i;

	for (i = 0; i < res->npolicies; i++)
		if (!strcmp(res->policy[i].name, "arm64-broadcast"))
			return i;
	return 0;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : NAN;
}

static double change(double v, double base)
{
	return base > 0 ? 100.0 * (v - base) / base : v > 0 ? INFINITY : NAN;
}

struct names {
	const struct tlbr_adapter *a;
	char buf[32];
};

static int64_t mm_pid(const struct tlbr_adapter *a, uint32_t mm)
{
	const struct tlbr_mm *m = mm && a ? tlbr_adapter_mm(a, mm) : NULL;

	return m ? (int64_t)m->owner_pid : -1;
}

static const char *mm_comm(const struct tlbr_adapter *a, uint32_t mm)
{
	const struct tlbr_mm *m = mm && a ? tlbr_adapter_mm(a, mm) : NULL;

	return m ? m->comm : mm ? "?" : "(kernel)";
}

static const char *range_kind_name(enum range_kind k)
{
	return k == R_VMA ? "vma" : k == R_REGION ? "2m-region" : "whole-mm";
}

/* Sorting keys for the top-N tables. */
struct rank {
	uint32_t i;
	uint64_t k1, k2;
};

static int rank_cmp(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->k1 != y->k1)
		return x->k1 > y->k1 ? -1 : 1;
	if (x->k2 != y->k2)
		return x->k2 > y->k2 ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int build_summary(struct tlbr_report *rep, const struct tlbr_replay_result *res,
			 const struct tlbr_report_info *info)
{
	struct tlbr_table *t = &rep->tables[TLBR_T_SUMMARY];
	unsigned int b = tlbr_report_baseline(res), i;
	double base = tlbr_costs_cycles(info->costs, &res->policy[b], res->ncpus, res->preempt);
	int ret = 0;

	TABLE_INIT(t, TLBR_T_SUMMARY, "Policies (counts from the replay)",
			{ "policy", "policy", TLBR_COL_STR },
			     { "flush_points", "flush points", TLBR_COL_U64 },
			     { "broadcasts", "broadcasts", TLBR_COL_U64 },
			     { "local", "local flushes", TLBR_COL_U64 },
			     { "skipped", "skipped", TLBR_COL_U64 },
			     { "merged", "merged into a batch flush", TLBR_COL_U64 },
			     { "deferred", "deferred to a batch", TLBR_COL_U64 },
			     { "ipis", "IPIs sent", TLBR_COL_U64 },
			     { "table_syncs", "hugetlb unshare sync IPIs", TLBR_COL_U64 },
			     { "switch_flushes", "flushes at context switch", TLBR_COL_U64 },
			     { "avoidable", "certainly avoidable", TLBR_COL_U64 },
			     { "avoidable_pct", "  of broadcasts", TLBR_COL_PCT },
			     { "stale_ro", "stale read-only entries", TLBR_COL_U64 },
			     { "spurious_predicted", "spurious faults predicted", TLBR_COL_U64 },
			     { "unsafe", "unsafe findings", TLBR_COL_U64 },
			     { "est_cycles", "est. cycles (model)", TLBR_COL_CYCLES },
			     { "change_pct", "  vs baseline", TLBR_COL_CHANGE });
	t->transpose = true;
	for (i = 0; i < res->npolicies && !ret; i++) {
		const struct tlbr_policy_result *p = &res->policy[i];
		double c = tlbr_costs_cycles(info->costs, p, res->ncpus, res->preempt);

		ret = tlbr_table_add(t, p->name, p->flush_points, p->broadcasts, p->local,
				     p->skipped, p->merged, p->deferred, p->ipis, p->table_syncs,
				     p->switch_flushes, p->avoidable, pct(p->avoidable, p->broadcasts),
				     p->stale_ro, p->spurious_predicted, p->unsafe, c, change(c, base));
	}
	return ret;
}

static int build_costs(struct tlbr_report *rep, const struct tlbr_replay_result *res,
		       const struct tlbr_report_info *info)
{
	struct tlbr_col *cols = rep->cost_cols;
	struct tlbr_table *t = &rep->tables[TLBR_T_COSTS];
	unsigned int b = tlbr_report_baseline(res), i, k;
	double base = tlbr_costs_cycles(info->costs, &res->policy[b], res->ncpus, res->preempt);
	int ret = 0;

	cols[0] = (struct tlbr_col){ "policy", "policy", TLBR_COL_STR };
	for (k = 0; k < TLBR_OP__COUNT; k++)
		cols[k + 1] = (struct tlbr_col){ tlbr_op_name((enum tlbr_op)k),
						 tlbr_op_name((enum tlbr_op)k), TLBR_COL_U64 };
	cols[k + 1] = (struct tlbr_col){ "est_cycles", "est. cycles (model)", TLBR_COL_CYCLES };
	cols[k + 2] = (struct tlbr_col){ "change_pct", "  vs baseline", TLBR_COL_CHANGE };
	tlbr_table_init(t, table_names[TLBR_T_COSTS], "Costs: operations and estimated cycles",
			cols, TLBR_OP__COUNT + 3);
	t->transpose = true;
	for (i = 0; i < res->npolicies && !ret; i++) {
		const struct tlbr_policy_result *p = &res->policy[i];
		double c = tlbr_costs_cycles(info->costs, p, res->ncpus, res->preempt);
		const uint64_t *o = p->ops;

		/* one argument per column: the operation counts in enum order */
		_Static_assert(TLBR_OP__COUNT == 10, "costs table columns follow enum tlbr_op");
		ret = tlbr_table_add(t, p->name, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7],
				     o[8], o[9], c, change(c, base));
	}
	return ret;
}

static int build_sites(struct tlbr_report *rep, const struct tlbr_replay_result *res)
{
	struct tlbr_table *t = &rep->tables[TLBR_T_BY_SITE];
	struct tlbr_table *rt = &rep->tables[TLBR_T_BY_REASON];
	unsigned int i, k;
	int ret = 0;

	TABLE_INIT(t, TLBR_T_BY_SITE, "Broadcasts and avoidable ones, by flush site",
			{ "policy", "policy", TLBR_COL_STR }, { "site", "site", TLBR_COL_STR },
			     { "broadcasts", "broadcasts", TLBR_COL_U64 },
			     { "avoidable", "avoidable", TLBR_COL_U64 },
			     { "avoidable_pct", "of site", TLBR_COL_PCT },
			     { "share_pct", "share", TLBR_COL_PCT });
	TABLE_INIT(rt, TLBR_T_BY_REASON, "Avoidable broadcasts, by reason",
			{ "policy", "policy", TLBR_COL_STR }, { "reason", "reason", TLBR_COL_STR },
			     { "avoidable", "avoidable", TLBR_COL_U64 },
			     { "share_pct", "share", TLBR_COL_PCT });
	for (i = 0; i < res->npolicies && !ret; i++) {
		const struct tlbr_policy_result *p = &res->policy[i];

		for (k = 0; k < TLBR_SITE__COUNT && !ret; k++) {
			const struct tally *s = &rep->site[i][k];

			if (s->bcast)
				ret = tlbr_table_add(t, p->name, tlbr_site_name((enum tlbr_site)k),
						     s->bcast, s->avoid, pct(s->avoid, s->bcast),
						     pct(s->avoid, p->avoidable));
		}
		for (k = 0; k < TLBR_AVOID__COUNT && !ret; k++)
			if (p->avoidable_by[k])
				ret = tlbr_table_add(rt, p->name, tlbr_avoid_name((enum tlbr_avoid)k),
						     p->avoidable_by[k],
						     pct(p->avoidable_by[k], p->avoidable));
	}
	return ret;
}

/* The top @top of @n entries for policy @pol by (@stale ? stale : avoidable). */
static unsigned int rank_top(struct rank *rk, unsigned int n, const struct tally *(*get)(
	const struct tlbr_report *, unsigned int, unsigned int), const struct tlbr_report *rep,
	unsigned int pol, bool stale, unsigned int top)
{
	unsigned int i, m = 0;

	for (i = 0; i < n; i++) {
		const struct tally *t = get(rep, i, pol);

		if (!t || !(stale ? t->stale + t->spur : t->bcast))
			continue;
		rk[m++] = (struct rank){ i, stale ? t->stale : t->avoid, stale ? t->spur : t->bcast };
	}
	qsort(rk, m, sizeof(*rk), rank_cmp);
	return top && m > top ? top : m;
}

static const struct tally *proc_tally(const struct tlbr_report *rep, unsigned int i,
				      unsigned int pol)
{
	return rep->procs[i].t ? &rep->procs[i].t[pol] : NULL;	/* never noted */
}

static const struct tally *range_tally(const struct tlbr_report *rep, unsigned int i,
				       unsigned int pol)
{
	return &rep->ranges[i].t[pol];
}

static int build_procs(struct tlbr_report *rep, const struct tlbr_replay_result *res,
		       const struct tlbr_adapter *a, unsigned int top)
{
	struct tlbr_table *t = &rep->tables[TLBR_T_BY_PROCESS];
	struct tlbr_table *st = &rep->tables[TLBR_T_STALE_BY_PROCESS];
	struct rank *rk = calloc(rep->nprocs + 1, sizeof(*rk));
	unsigned int i, k, m;
	int ret = rk ? 0 : -ENOMEM;

	TABLE_INIT(t, TLBR_T_BY_PROCESS, "Avoidable broadcasts, by process",
			{ "policy", "policy", TLBR_COL_STR }, { "pid", "pid", TLBR_COL_I64 },
			     { "comm", "comm", TLBR_COL_STR },
			     { "broadcasts", "broadcasts", TLBR_COL_U64 },
			     { "avoidable", "avoidable", TLBR_COL_U64 },
			     { "avoidable_pct", "of its", TLBR_COL_PCT },
			     { "share_pct", "share", TLBR_COL_PCT });
	TABLE_INIT(st, TLBR_T_STALE_BY_PROCESS, "Stale read-only entries and predicted spurious faults, by process",
			{ "policy", "policy", TLBR_COL_STR }, { "pid", "pid", TLBR_COL_I64 },
			     { "comm", "comm", TLBR_COL_STR },
			     { "stale_ro", "stale RO", TLBR_COL_U64 },
			     { "spurious_predicted", "spurious", TLBR_COL_U64 },
			     { "share_pct", "share", TLBR_COL_PCT });
	for (i = 0; i < res->npolicies && !ret; i++) {
		const struct tlbr_policy_result *p = &res->policy[i];

		m = rank_top(rk, rep->nprocs, proc_tally, rep, i, false, top);
		for (k = 0; k < m && !ret; k++) {
			const struct tally *x = &rep->procs[rk[k].i].t[i];

			ret = tlbr_table_add(t, p->name, mm_pid(a, rk[k].i), mm_comm(a, rk[k].i),
					     x->bcast, x->avoid, pct(x->avoid, x->bcast),
					     pct(x->avoid, p->avoidable));
		}
		m = rank_top(rk, rep->nprocs, proc_tally, rep, i, true, top);
		for (k = 0; k < m && !ret; k++) {
			const struct tally *x = &rep->procs[rk[k].i].t[i];

			ret = tlbr_table_add(st, p->name, mm_pid(a, rk[k].i), mm_comm(a, rk[k].i),
					     x->stale, x->spur, pct(x->stale, p->stale_ro));
		}
	}
	free(rk);
	return ret;
}

static int build_ranges(struct tlbr_report *rep, const struct tlbr_replay_result *res,
			const struct tlbr_adapter *a, unsigned int top)
{
	struct tlbr_table *t = &rep->tables[TLBR_T_BY_RANGE];
	struct tlbr_table *st = &rep->tables[TLBR_T_STALE_BY_RANGE];
	struct rank *rk = calloc(rep->nranges + 1, sizeof(*rk));
	unsigned int i, k, m;
	int ret = rk ? 0 : -ENOMEM;

	TABLE_INIT(t, TLBR_T_BY_RANGE, "Avoidable broadcasts, by address range (VMA)",
			{ "policy", "policy", TLBR_COL_STR }, { "pid", "pid", TLBR_COL_I64 },
			     { "comm", "comm", TLBR_COL_STR }, { "start", "start", TLBR_COL_HEX },
			     { "end", "end", TLBR_COL_HEX }, { "kind", "kind", TLBR_COL_STR, true },
			     { "broadcasts", "bcasts", TLBR_COL_U64 },
			     { "avoidable", "avoidable", TLBR_COL_U64 },
			     { "share_pct", "share", TLBR_COL_PCT });
	TABLE_INIT(st, TLBR_T_STALE_BY_RANGE, "Stale read-only entries and predicted spurious faults, by address range",
			{ "policy", "policy", TLBR_COL_STR }, { "pid", "pid", TLBR_COL_I64 },
			     { "comm", "comm", TLBR_COL_STR }, { "start", "start", TLBR_COL_HEX },
			     { "end", "end", TLBR_COL_HEX }, { "kind", "kind", TLBR_COL_STR, true },
			     { "stale_ro", "stale RO", TLBR_COL_U64 },
			     { "spurious_predicted", "spurious", TLBR_COL_U64 });
	for (i = 0; i < res->npolicies && !ret; i++) {
		const struct tlbr_policy_result *p = &res->policy[i];

		m = rank_top(rk, rep->nranges, range_tally, rep, i, false, top);
		for (k = 0; k < m && !ret; k++) {
			const struct range *g = &rep->ranges[rk[k].i];

			ret = tlbr_table_add(t, p->name, mm_pid(a, g->mm), mm_comm(a, g->mm),
					     g->start, g->end, range_kind_name(g->kind), g->t[i].bcast,
					     g->t[i].avoid, pct(g->t[i].avoid, p->avoidable));
		}
		m = rank_top(rk, rep->nranges, range_tally, rep, i, true, top);
		for (k = 0; k < m && !ret; k++) {
			const struct range *g = &rep->ranges[rk[k].i];

			ret = tlbr_table_add(st, p->name, mm_pid(a, g->mm), mm_comm(a, g->mm),
					     g->start, g->end, range_kind_name(g->kind), g->t[i].stale,
					     g->t[i].spur);
		}
	}
	free(rk);
	return ret;
}

static int build_cpus(struct tlbr_report *rep, const struct tlbr_replay_result *res)
{
	struct tlbr_table *t = &rep->tables[TLBR_T_STALE_BY_CPU];
	struct tlbr_table *seen = &rep->tables[TLBR_T_SEEN_BY_CPU];
	unsigned int i;
	int c, ret = 0;

	TABLE_INIT(t, TLBR_T_STALE_BY_CPU, "Stale read-only entries and predicted spurious faults, by CPU",
			{ "policy", "policy", TLBR_COL_STR }, { "cpu", "cpu", TLBR_COL_U64 },
			     { "stale_ro", "stale RO", TLBR_COL_U64 },
			     { "spurious_predicted", "spurious", TLBR_COL_U64 },
			     { "broadcasts_issued", "bcasts issued", TLBR_COL_U64 });
	TABLE_INIT(seen, TLBR_T_SEEN_BY_CPU, "Spurious faults the trace shows, by CPU",
			{ "cpu", "cpu", TLBR_COL_U64 }, { "faults", "faults", TLBR_COL_U64 });
	for (i = 0; i < res->npolicies && !ret; i++) {
		if (!res->policy[i].stale_ro && !res->policy[i].spurious_predicted)
			continue;
		for (c = 0; c < res->ncpus && c < TLBR_MAX_CPUS && !ret; c++) {
			const struct tally *x = &rep->cpu[i][c];

			ret = tlbr_table_add(t, res->policy[i].name, (uint64_t)c, x->stale, x->spur,
					     x->bcast);
		}
	}
	for (c = 0; c < res->ncpus && c < TLBR_MAX_CPUS && !ret; c++)
		if (rep->cpu_seen[c])
			ret = tlbr_table_add(seen, (uint64_t)c, rep->cpu_seen[c]);
	return ret;
}

static int build_seen(struct tlbr_report *rep, const struct tlbr_adapter *a, unsigned int top)
{
	struct tlbr_table *pt = &rep->tables[TLBR_T_SEEN_BY_PROCESS];
	struct tlbr_table *rt = &rep->tables[TLBR_T_SEEN_BY_RANGE];
	unsigned int n = rep->nprocs > rep->nranges ? rep->nprocs : rep->nranges;
	struct rank *rk = calloc(n + 1, sizeof(*rk));
	unsigned int i, m = 0;
	int ret = rk ? 0 : -ENOMEM;

	TABLE_INIT(pt, TLBR_T_SEEN_BY_PROCESS, "Spurious faults the trace shows, by process",
			{ "pid", "pid", TLBR_COL_I64 }, { "comm", "comm", TLBR_COL_STR },
			     { "faults", "faults", TLBR_COL_U64 });
	TABLE_INIT(rt, TLBR_T_SEEN_BY_RANGE, "Spurious faults the trace shows, by address range",
			{ "pid", "pid", TLBR_COL_I64 }, { "comm", "comm", TLBR_COL_STR },
			     { "start", "start", TLBR_COL_HEX }, { "end", "end", TLBR_COL_HEX },
			     { "kind", "kind", TLBR_COL_STR }, { "faults", "faults", TLBR_COL_U64 });
	for (i = 0; rk && i < rep->nprocs; i++)
		if (rep->procs[i].seen)
			rk[m++] = (struct rank){ i, rep->procs[i].seen, 0 };
	qsort(rk, m, sizeof(*rk), rank_cmp);
	for (i = 0; i < m && (!top || i < top) && !ret; i++)
		ret = tlbr_table_add(pt, mm_pid(a, rk[i].i), mm_comm(a, rk[i].i), rk[i].k1);
	for (m = 0, i = 0; rk && i < rep->nranges; i++)
		if (rep->ranges[i].seen)
			rk[m++] = (struct rank){ i, rep->ranges[i].seen, 0 };
	qsort(rk, m, sizeof(*rk), rank_cmp);
	for (i = 0; i < m && (!top || i < top) && !ret; i++) {
		const struct range *g = &rep->ranges[rk[i].i];

		ret = tlbr_table_add(rt, mm_pid(a, g->mm), mm_comm(a, g->mm), g->start, g->end,
				     range_kind_name(g->kind), g->seen);
	}
	free(rk);
	return ret;
}

static int build_time(struct tlbr_report *rep, const struct tlbr_replay_result *res)
{
	struct tlbr_table *t = &rep->tables[TLBR_T_OVER_TIME];
	uint64_t nbins = rep->have_t0 ? (rep->t_end - rep->t0) / rep->width_ns + 1 : 0;
	unsigned int i, k;
	int ret = 0;

	TABLE_INIT(t, TLBR_T_OVER_TIME, "Broadcasts over time",
			{ "policy", "policy", TLBR_COL_STR },
			     { "start_s", "from (s)", TLBR_COL_SEC },
			     { "width_s", "width (s)", TLBR_COL_SEC },
			     { "broadcasts", "broadcasts", TLBR_COL_U64 });
	if (nbins > TLBR_REPORT_BINS)
		nbins = TLBR_REPORT_BINS;
	for (i = 0; i < res->npolicies && !ret; i++)
		for (k = 0; k < nbins && !ret; k++)
			ret = tlbr_table_add(t, res->policy[i].name,
					     (double)(k * rep->width_ns) / 1e9,
					     (double)rep->width_ns / 1e9, rep->bins[i][k]);
	return ret;
}

static const char *pid_comm(const struct tlbr_adapter *a, int pid)
{
	unsigned int i;

	for (i = a ? tlbr_adapter_ntasks(a) : 0; i > 0; i--) {
		const struct tlbr_task *t = tlbr_adapter_task(a, i);

		if (t && t->pid == pid)
			return t->comm;
	}
	return pid > 0 ? "?" : pid == 0 ? "<idle>" : "";
}

static int build_unsafe(struct tlbr_report *rep, const struct tlbr_replay_result *res,
			const struct tlbr_adapter *a, unsigned int max)
{
	struct tlbr_table *t = &rep->tables[TLBR_T_UNSAFE];
	unsigned int i, k, s;
	int ret = 0;

	TABLE_INIT(t, TLBR_T_UNSAFE, "Unsafe findings and their counterexamples",
			{ "policy", "policy", TLBR_COL_STR },
			     { "finding", "finding", TLBR_COL_U64 },
			     { "pid", "pid", TLBR_COL_I64 }, { "comm", "comm", TLBR_COL_STR },
			     { "addr", "addr", TLBR_COL_HEX },
			     { "holder_cpu", "holder cpu", TLBR_COL_U64 },
			     { "held", "held", TLBR_COL_STR }, { "allowed", "allowed", TLBR_COL_STR },
			     { "step", "step", TLBR_COL_U64 }, { "time_s", "time", TLBR_COL_SEC },
			     { "cpu", "cpu", TLBR_COL_U64 }, { "step_pid", "step pid", TLBR_COL_I64 },
			     { "step_comm", "step comm", TLBR_COL_STR },
			     { "event", "event", TLBR_COL_STR });
	for (i = 0; i < res->npolicies && !ret; i++) {
		const struct tlbr_policy_result *p = &res->policy[i];

		for (k = 0; k < p->nfindings && (!max || k < max) && !ret; k++) {
			const struct tlbr_finding *fd = &p->findings[k];

			for (s = 0; s < fd->nsteps && !ret; s++) {
				const struct tlbr_step *st = &fd->steps[s];

				ret = tlbr_table_add(t, p->name, (uint64_t)k + 1, mm_pid(a, fd->mm),
						     mm_comm(a, fd->mm), fd->addr, (uint64_t)fd->cpu,
						     fd->held, fd->allowed, (uint64_t)s + 1,
						     (double)st->ts_ns / 1e9, (uint64_t)st->cpu,
						     (int64_t)st->pid, pid_comm(a, st->pid), st->what);
			}
		}
	}
	return ret;
}

/* Per-policy tables read best in text as one group of rows per policy. */
static void set_groups(struct tlbr_report *rep)
{
	static const enum tlbr_report_table grouped[] = {
		TLBR_T_BY_SITE, TLBR_T_BY_REASON, TLBR_T_BY_PROCESS, TLBR_T_BY_RANGE,
		TLBR_T_STALE_BY_CPU, TLBR_T_STALE_BY_PROCESS, TLBR_T_STALE_BY_RANGE,
		TLBR_T_OVER_TIME,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(grouped); i++)
		rep->tables[grouped[i]].group = true;
}

int tlbr_report_build(struct tlbr_report *rep, const struct tlbr_replay_result *res,
		      const struct tlbr_adapter *a, const struct tlbr_report_info *info)
{
	int ret;

	if (rep->failed)
		return -ENOMEM;
	ret = build_summary(rep, res, info);
	if (!ret)
		ret = build_costs(rep, res, info);
	if (!ret)
		ret = build_sites(rep, res);
	if (!ret)
		ret = build_procs(rep, res, a, info->top);
	if (!ret)
		ret = build_ranges(rep, res, a, info->top);
	if (!ret)
		ret = build_time(rep, res);
	if (!ret)
		ret = build_cpus(rep, res);
	if (!ret)
		ret = build_seen(rep, a, info->top);
	if (!ret)
		ret = build_unsafe(rep, res, a, info->max_findings);
	set_groups(rep);
	return ret;
}
