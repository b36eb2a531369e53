// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * suite.c - `tlbreplay suite`: what-if results of many traces (see
 * suite.h) folded into one table of gainers and losers per policy and
 * configuration, with a geometric-mean and a worst-regression row.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "config.h"
#include "analysis.h"
#include "suite.h"

#define VERDICT_PCT 0.5		/* a change of the estimated cost that is not noise of rounding */

static char *dup_or_null(const struct tlbr_jv *v)
{
	return v && v->type == TLBR_JV_STR ? strdup(v->s) : NULL;
}

static uint64_t num(const struct tlbr_jv *o, const char *key)
{
	const struct tlbr_jv *v = tlbr_jv_get(o, key);

	return v && v->type == TLBR_JV_NUM ? v->u : 0;
}

/* "samples/usemem-fork-exec.dat" -> "usemem-fork-exec" */
static char *label_of(const char *file)
{
	static const char *const exts[] = { ".perf.data", ".data", ".dat", ".txt", ".trace" };
	const char *b = strrchr(file, '/');
	size_t n, i;
	char *s;

	b = b ? b + 1 : file;
	n = strlen(b);
	for (i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t e = strlen(exts[i]);

		if (n > e && !strcmp(b + n - e, exts[i])) {
			n -= e;
			break;
		}
	}
	s = malloc(n + 1);
	if (s) {
		memcpy(s, b, n);
		s[n] = '\0';
	}
	return s;
}

static void run_release(struct tlbr_suite_run *r)
{
	unsigned int i;

	free(r->label);
	free(r->file);
	free(r->config);
	free(r->costs);
	free(r->baseline);
	free(r->scope);
	free(r->arm64);
	for (i = 0; i < r->npol; i++)
		free(r->pol[i].name);
	free(r->pol);
}

static int bad(struct tlbr_error *err, const char *what)
{
	tlbr_error_set(err, UINT64_MAX, 0, "not a tlbreplay what-if v%d result: %s",
		       TLBR_JSON_SCHEMA_VERSION, what);
	return -EBADMSG;
}

static int run_from(struct tlbr_suite_run *r, const struct tlbr_jv *d, struct tlbr_error *err)
{
	const struct tlbr_jv *v, *pols = tlbr_jv_get(d, "policies"), *costs;
	const struct tlbr_cpu_model *cm;
	const char *env, *tlb;
	char cfg[128];
	unsigned int i;

	v = tlbr_jv_get(d, "schema");
	if (!v || v->type != TLBR_JV_STR || strcmp(v->s, "tlbreplay-what-if"))
		return bad(err, "no \"schema\": \"tlbreplay-what-if\"");
	if (num(d, "version") != TLBR_JSON_SCHEMA_VERSION)
		return bad(err, "another schema version");
	if (!pols || pols->type != TLBR_JV_ARR || !pols->n)
		return bad(err, "no policies");
	v = tlbr_jv_get(d, "file");
	r->file = dup_or_null(v);
	if (!r->file)
		return bad(err, "no \"file\"");
	r->label = dup_or_null(tlbr_jv_get(d, "label"));
	if (!r->label)
		r->label = label_of(r->file);
	v = tlbr_jv_get(d, "env");
	env = v && v->type == TLBR_JV_STR ? v->s : "native";
	v = tlbr_jv_get(d, "tlb_model");
	tlb = v && v->type == TLBR_JV_STR ? v->s : "unbounded";
	v = tlbr_jv_get(d, "preempt");
	snprintf(cfg, sizeof(cfg), "%s%s%s%s", env,
		 v && v->type == TLBR_JV_BOOL && !v->b ? ", not preemptible" : "",
		 strcmp(tlb, "unbounded") ? ", " : "", strcmp(tlb, "unbounded") ? tlb : "");
	r->config = strdup(cfg);
	v = tlbr_jv_get(d, "cpu_model");
	cm = v && v->type == TLBR_JV_STR ? tlbr_cpu_model_find(v->s) : NULL;
	r->spurious_possible = !cm || cm->spurious_faults;
	costs = tlbr_jv_get(d, "costs");
	r->costs = dup_or_null(tlbr_jv_get(costs, "name"));
	r->baseline = dup_or_null(tlbr_jv_get(costs, "baseline"));
	r->scope = dup_or_null(tlbr_jv_get(d, "scope"));
	if (!r->scope)
		r->scope = strdup("");
	v = tlbr_jv_get(d, "arm64_kernel_version");
	if (v && v->type == TLBR_JV_STR && !(r->arm64 = strdup(v->s)))
		return -ENOMEM;
	r->events = num(d, "events");
	r->cpu_ns = num(d, "cpu_time_ns");
	r->pol = calloc(pols->n, sizeof(*r->pol));
	if (!r->label || !r->config || !r->scope || !r->pol)
		return -ENOMEM;
	for (i = 0; i < pols->n; i++) {
		const struct tlbr_jv *p = &pols->items[i];
		struct tlbr_suite_pol *sp = &r->pol[r->npol];

		sp->name = dup_or_null(tlbr_jv_get(p, "name"));
		if (!sp->name)
			return bad(err, "a policy without a name");
		r->npol++;
		sp->flush_points = num(p, "flush_points");
		sp->broadcasts = num(p, "broadcasts");
		sp->ipis = num(p, "ipis");
		sp->stale_ro = num(p, "stale_ro");
		sp->spurious_predicted = num(p, "spurious_predicted");
		v = tlbr_jv_get(p, "spurious_upper");
		sp->spurious_upper = v && v->type == TLBR_JV_NUM ? (uint64_t)v->d :
				     r->spurious_possible ? sp->stale_ro : sp->spurious_predicted;
		sp->unsafe = num(p, "unsafe");
		v = tlbr_jv_get(p, "est_cycles");
		sp->cycles = v && v->type == TLBR_JV_NUM ? v->d : NAN;
	}
	if (!r->baseline) {
		const char *b = r->pol[0].name;

		for (i = 0; i < r->npol; i++)
			if (!strcmp(r->pol[i].name, "arm64-broadcast"))
				b = r->pol[i].name;
		r->baseline = strdup(b);
		if (!r->baseline)
			return -ENOMEM;
	}
	return 0;
}

int tlbr_suite_add_json(struct tlbr_suite *s, const char *text, size_t len,
			struct tlbr_error *err)
{
	struct tlbr_suite_run *r;
	struct tlbr_jv d;
	int ret;

	ret = tlbr_jv_parse(text, len, &d, err);
	if (ret < 0)
		return ret;
	if (s->nruns == s->alloc) {
		unsigned int n = s->alloc ? s->alloc * 2 : 8;
		struct tlbr_suite_run *nr = realloc(s->runs, n * sizeof(*nr));

		if (!nr) {
			tlbr_jv_release(&d);
			return -ENOMEM;
		}
		s->runs = nr;
		s->alloc = n;
	}
	r = &s->runs[s->nruns];
	memset(r, 0, sizeof(*r));
	ret = run_from(r, &d, err);
	tlbr_jv_release(&d);
	if (ret < 0) {
		run_release(r);
		return ret;
	}
	s->nruns++;
	return 0;
}

void tlbr_suite_release(struct tlbr_suite *s)
{
	unsigned int i;

	for (i = 0; i < s->nruns; i++)
		run_release(&s->runs[i]);
	free(s->runs);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------- the table */

static const struct tlbr_col cols[] = {
	{ "comparison", "comparison", TLBR_COL_STR, false },
	{ "kind", "kind", TLBR_COL_STR, true },
	{ "workload", "workload", TLBR_COL_STR, false },
	{ "config", "config", TLBR_COL_STR, true },
	{ "policy", "policy", TLBR_COL_STR, true },
	{ "baseline", "baseline", TLBR_COL_STR, true },
	{ "baseline_broadcasts", "base bc", TLBR_COL_U64, true },
	{ "broadcasts", "bc", TLBR_COL_U64, true },
	{ "broadcasts_change", "broadcasts", TLBR_COL_CHANGE, false },
	{ "baseline_ipis", "base IPIs", TLBR_COL_U64, true },
	{ "ipis", "IPIs", TLBR_COL_U64, true },
	{ "ipis_change", "IPIs", TLBR_COL_CHANGE, false },
	{ "baseline_cycles", "base cycles", TLBR_COL_CYCLES, true },
	{ "cycles", "cycles", TLBR_COL_CYCLES, true },
	{ "cycles_change", "est. cost", TLBR_COL_CHANGE, false },
	{ "unsafe", "unsafe", TLBR_COL_U64, false },
	{ "spurious_min", "spurious min", TLBR_COL_U64, true },
	{ "spurious_max", "spurious max", TLBR_COL_U64, true },
	{ "spurious", "spurious", TLBR_COL_STR, false },
	{ "verdict", "verdict", TLBR_COL_STR, false },
};

static double change(double base, double v)
{
	return base > 0 && isfinite(base) && isfinite(v) ? 100.0 * (v - base) / base : NAN;
}

static const struct tlbr_suite_pol *find_pol(const struct tlbr_suite_run *r, const char *name)
{
	unsigned int i;

	for (i = 0; i < r->npol; i++)
		if (!strcmp(r->pol[i].name, name))
			return &r->pol[i];
	return NULL;
}

static const char *verdict(uint64_t unsafe, double cost_change, double bc_change)
{
	double c = isfinite(cost_change) ? cost_change : bc_change;

	if (unsafe)
		return "UNSAFE";
	if (isfinite(c) && c < -VERDICT_PCT)
		return "gain";
	if (isfinite(c) && c > VERDICT_PCT)
		return "LOSS";
	return "";
}

/* The distinct strings of @field over the runs, in order of first appearance. */
static unsigned int distinct(const struct tlbr_suite *s, const char **out, unsigned int max,
			     const char *(*get)(const struct tlbr_suite_run *r, unsigned int i),
			     unsigned int per_run)
{
	unsigned int n = 0, r, i, k;

	for (r = 0; r < s->nruns; r++)
		for (i = 0; i < (per_run ? s->runs[r].npol : 1); i++) {
			const char *v = get(&s->runs[r], i);

			for (k = 0; k < n && strcmp(out[k], v); k++)
				;
			if (k == n && n < max)
				out[n++] = v;
		}
	return n;
}

static const char *get_config(const struct tlbr_suite_run *r, unsigned int i)
{
	(void)i;
	return r->config;
}

static const char *get_policy(const struct tlbr_suite_run *r, unsigned int i)
{
	return r->pol[i].name;
}

#define MAX_DISTINCT 64

struct acc {
	double lbc, lipi, lcyc;		/* sums of log ratios */
	unsigned int n, nbc, nipi, ncyc;
	uint64_t bbc, bc, bipi, ipi, unsafe, smin, smax;
	double bcyc, cyc;
	int worst;			/* run index */
	double worst_change;
};

static double geo(double sumlog, unsigned int n)
{
	return n ? 100.0 * (exp(sumlog / n) - 1.0) : NAN;
}

static void spurious_range(char *buf, size_t n, uint64_t lo, uint64_t hi)
{
	if (lo == hi)
		snprintf(buf, n, "%llu", (unsigned long long)lo);
	else
		snprintf(buf, n, "%llu..%llu", (unsigned long long)lo, (unsigned long long)hi);
}

/* Workloads in label order, whatever order the traces or results came in. */
static int by_label(const void *a, const void *b)
{
	const struct tlbr_suite_run *x = a, *y = b;
	int c = strcmp(x->label, y->label);

	if (!c)
		c = strcmp(x->file, y->file);
	return c ? c : strcmp(x->config, y->config);
}

int tlbr_suite_table(struct tlbr_suite *s, struct tlbr_table *t)
{
	const char *configs[MAX_DISTINCT], *policies[MAX_DISTINCT];
	unsigned int nc, np, c, p, r;
	int ret = 0;

	tlbr_table_init(t, "suite", "Policies against the baseline, by workload", cols,
			ARRAY_SIZE(cols));
	t->group = true;
	if (s->nruns)
		qsort(s->runs, s->nruns, sizeof(*s->runs), by_label);
	nc = distinct(s, configs, MAX_DISTINCT, get_config, 0);
	np = distinct(s, policies, MAX_DISTINCT, get_policy, 1);
	for (c = 0; c < nc && !ret; c++)
		for (p = 0; p < np && !ret; p++) {
			struct acc a = { .worst = -1, .worst_change = -INFINITY };
			const char *base = NULL;
			char group[256], sp[48];

			for (r = 0; r < s->nruns && !ret; r++) {
				const struct tlbr_suite_run *run = &s->runs[r];
				const struct tlbr_suite_pol *bp, *pp;
				double cc, bcc;
				uint64_t smax;

				if (strcmp(run->config, configs[c]) || !strcmp(run->baseline, policies[p]))
					continue;
				bp = find_pol(run, run->baseline);
				pp = find_pol(run, policies[p]);
				if (!bp || !pp)
					continue;
				if (!base)
					base = run->baseline;
				snprintf(group, sizeof(group), "%s vs %s (%s)", policies[p], base,
					 configs[c]);
				smax = pp->spurious_upper;
				spurious_range(sp, sizeof(sp), pp->spurious_predicted, smax);
				cc = change(bp->cycles, pp->cycles);
				bcc = change((double)bp->broadcasts, (double)pp->broadcasts);
				ret = tlbr_table_add(t, group, "trace", run->label, run->config,
						     pp->name, run->baseline, bp->broadcasts,
						     pp->broadcasts, bcc, bp->ipis, pp->ipis,
						     change((double)bp->ipis, (double)pp->ipis), bp->cycles,
						     pp->cycles, cc, pp->unsafe, pp->spurious_predicted,
						     smax, sp, verdict(pp->unsafe, cc, bcc));
				/* ratios where the baseline has any: a new cost has no ratio */
				if (bp->broadcasts) {
					a.lbc += log(((double)pp->broadcasts + 1) /
						     ((double)bp->broadcasts + 1));
					a.nbc++;
				}
				if (bp->ipis) {
					a.lipi += log(((double)pp->ipis + 1) / ((double)bp->ipis + 1));
					a.nipi++;
				}
				a.n++;
				if (isfinite(bp->cycles) && isfinite(pp->cycles) && bp->cycles > 0) {
					a.lcyc += log((pp->cycles + 1) / (bp->cycles + 1));
					a.ncyc++;
					a.bcyc += bp->cycles;
					a.cyc += pp->cycles;
				}
				a.bbc += bp->broadcasts;
				a.bc += pp->broadcasts;
				a.bipi += bp->ipis;
				a.ipi += pp->ipis;
				a.unsafe += pp->unsafe;
				a.smin += pp->spurious_predicted;
				a.smax += smax;
				if (isfinite(cc) ? cc > a.worst_change : a.worst < 0) {
					a.worst = (int)r;
					a.worst_change = isfinite(cc) ? cc : a.worst_change;
				}
			}
			if (!a.n || ret)
				continue;
			spurious_range(sp, sizeof(sp), a.smin, a.smax);
			ret = tlbr_table_add(t, group, "geomean", "geometric mean", configs[c],
					     policies[p], base, a.bbc, a.bc, geo(a.lbc, a.nbc), a.bipi,
					     a.ipi, geo(a.lipi, a.nipi), a.ncyc ? a.bcyc : NAN,
					     a.ncyc ? a.cyc : NAN, geo(a.lcyc, a.ncyc), a.unsafe, a.smin,
					     a.smax, sp, verdict(a.unsafe, geo(a.lcyc, a.ncyc),
								 geo(a.lbc, a.nbc)));
			if (!ret && a.worst >= 0 && isfinite(a.worst_change) && a.worst_change > 0) {
				const struct tlbr_suite_run *run = &s->runs[a.worst];
				const struct tlbr_suite_pol *bp = find_pol(run, run->baseline);
				const struct tlbr_suite_pol *pp = find_pol(run, policies[p]);
				char w[96];
				uint64_t smax = pp->spurious_upper;

				snprintf(w, sizeof(w), "worst: %s", run->label);
				spurious_range(sp, sizeof(sp), pp->spurious_predicted, smax);
				ret = tlbr_table_add(t, group, "worst", w, configs[c], policies[p], base,
						     bp->broadcasts, pp->broadcasts,
						     change((double)bp->broadcasts, (double)pp->broadcasts),
						     bp->ipis, pp->ipis,
						     change((double)bp->ipis, (double)pp->ipis), bp->cycles,
						     pp->cycles, a.worst_change, pp->unsafe,
						     pp->spurious_predicted, smax, sp, "LOSS");
			}
		}
	return ret;
}

/* ---------------------------------------------------------------- rendering */

const char *tlbr_suite_cost_name(const struct tlbr_suite *s)
{
	unsigned int r;

	for (r = 0; r < s->nruns; r++)
		if (s->runs[r].costs)
			return s->runs[r].costs;
	return NULL;
}

/*
 * The counting scope the runs share; when they differ (each trace counted
 * for its own recorded workload), say that instead of the first one's.
 */
static const char *scope_of(const struct tlbr_suite *s)
{
	const char *first = NULL;
	unsigned int r;

	for (r = 0; r < s->nruns; r++) {
		if (!*s->runs[r].scope)
			continue;
		if (!first)
			first = s->runs[r].scope;
		else if (strcmp(first, s->runs[r].scope))
			return strstr(first, "the recorded workload") ?
			       "each trace's own recorded workload (--system counts every process)" :
			       "each trace's own scope (see its what-if --json)";
	}
	return first;
}

/*
 * The arm64 kernel version the runs' arm64 policies followed (what-if's
 * arm64_kernel_version): one for all, "differs", or NULL when no run says.
 */
static const char *arm64_of(const struct tlbr_suite *s, char *buf, size_t n)
{
	const char *first = NULL;

	for (unsigned int r = 0; r < s->nruns; r++) {
		if (!s->runs[r].arm64)
			continue;
		if (!first)
			first = s->runs[r].arm64;
		else if (strcmp(first, s->runs[r].arm64))
			return "each trace's own (see its what-if --json: arm64_kernel_version)";
	}
	if (!first)
		return NULL;
	if (*first)
		snprintf(buf, n, "Linux %s", first);
	else
		snprintf(buf, n, "an unknown version (those points uncertain)");
	return buf;
}

static void notes_text(FILE *f, const struct tlbr_suite *s, unsigned int width)
{
	const char *costs = tlbr_suite_cost_name(s), *scope = scope_of(s), *arm64;
	char text[1200], kv[96];

	snprintf(text, sizeof(text), "Changes against the baseline policy replayed on the same "
		 "trace. est. cost: the '%s' cost model's estimate of the flush cycles, not a "
		 "measurement. spurious: the spurious faults the trace proves .. at most one per "
		 "stale read-only entry the policy leaves (0 where the CPU model re-walks the "
		 "page table). geometric mean: of (policy + 1) / (baseline + 1) over the "
		 "workloads where the baseline has any. gain, LOSS: the estimated cost falls, rises by more than %.1f%% "
		 "(broadcasts when there is no cost model); UNSAFE: the safety checker found a "
		 "translation that grants more than the page table.", costs ? costs : "(none)",
		 VERDICT_PCT);
	tlbr_print_wrapped(f, "", 0, text, width);
	if (scope) {
		snprintf(text, sizeof(text), "Counted: %s (the replay sees every event).", scope);
		tlbr_print_wrapped(f, "", 0, text, width);
	}
	if ((arm64 = arm64_of(s, kv, sizeof(kv)))) {
		snprintf(text, sizeof(text), "arm64 rules: %s, where the flush rules differ by "
			 "kernel version (an x86 trace: --arm64-kernel, by default its traced "
			 "kernel's version; an arm64 trace: its own kernel).", arm64);
		tlbr_print_wrapped(f, "", 0, text, width);
	}
}

static void print_json(FILE *f, const struct tlbr_suite *s, const struct tlbr_table *t)
{
	struct tlbr_json j;
	unsigned int r;

	tlbr_json_init(&j, f, true);
	tlbr_json_obj_begin(&j, NULL);
	tlbr_json_str(&j, "schema", TLBR_SUITE_SCHEMA);
	tlbr_json_u64(&j, "version", TLBR_SUITE_SCHEMA_VERSION);
	tlbr_json_str(&j, "tlbreplay", TLBR_VERSION);
	if (tlbr_suite_cost_name(s))
		tlbr_json_str(&j, "costs", tlbr_suite_cost_name(s));
	else
		tlbr_json_null(&j, "costs");
	tlbr_json_arr_begin(&j, "runs");
	for (r = 0; r < s->nruns; r++) {
		const struct tlbr_suite_run *run = &s->runs[r];

		tlbr_json_obj_begin(&j, NULL);
		tlbr_json_str(&j, "label", run->label);
		tlbr_json_str(&j, "file", run->file);
		tlbr_json_str(&j, "config", run->config);
		tlbr_json_str(&j, "baseline", run->baseline);
		tlbr_json_str(&j, "scope", run->scope);
		tlbr_json_str(&j, "arm64_kernel", run->arm64 ? run->arm64 : "");
		tlbr_json_u64(&j, "events", run->events);
		tlbr_json_u64(&j, "cpu_time_ns", run->cpu_ns);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_arr_end(&j);
	tlbr_table_print_json(&j, t);
	tlbr_json_obj_end(&j);
}

void tlbr_suite_print(FILE *f, const struct tlbr_suite *s, const struct tlbr_table *t,
		      enum tlbr_suite_format fmt)
{
	unsigned int r, nl = 0;
	const char *labels[MAX_DISTINCT];
	char buf[200];

	for (r = 0; r < s->nruns; r++) {
		unsigned int k;

		for (k = 0; k < nl && strcmp(labels[k], s->runs[r].label); k++)
			;
		if (k == nl && nl < MAX_DISTINCT)
			labels[nl++] = s->runs[r].label;
	}
	switch (fmt) {
	case TLBR_SUITE_TEXT:
		fprintf(f, "tlbreplay %s suite: %u workloads, %u replays\n\n", TLBR_VERSION, nl,
			s->nruns);
		tlbr_table_print_text(f, t);
		notes_text(f, s, 80);
		break;
	case TLBR_SUITE_CSV:
		tlbr_table_print_csv(f, t);
		break;
	case TLBR_SUITE_JSON:
		print_json(f, s, t);
		break;
	case TLBR_SUITE_MARKDOWN:
		fprintf(f, "# TLB flush policies on %u workloads\n\n", nl);
		fprintf(f, "tlbreplay %s, %u replays:\n\n", TLBR_VERSION, s->nruns);
		for (r = 0; r < s->nruns; r++) {
			fprintf(f, "- ");
			tlbr_md_escape(f, s->runs[r].label);
			fprintf(f, " (%s): `", s->runs[r].config);
			fputs(tlbr_printable(s->runs[r].file, buf, sizeof(buf)), f);
			fprintf(f, "`, %llu events\n", (unsigned long long)s->runs[r].events);
		}
		fputc('\n', f);
		tlbr_table_print_markdown(f, t, 2);
		notes_text(f, s, 1000);
		break;
	case TLBR_SUITE_EMAIL:
		fprintf(f, "tlbreplay %s: %u workloads, %u replays\n\n", TLBR_VERSION, nl, s->nruns);
		tlbr_table_print_boxed(f, t);
		notes_text(f, s, 72);
		break;
	}
}
