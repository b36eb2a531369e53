// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * whatif-print.c - `tlbreplay what-if`: the policies side by side, as text
 * (80 columns, at most four policies per block) and as one JSON object.
 *
 * The per-policy numbers are built once as a table (table.h), the policy
 * matrix; the text and the JSON renderings read its cells by column name.
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "table.h"
#include "json.h"

#define COLS_PER_BLOCK 4

/*
 * The modelled flush cost of @p as a percentage of the counted tasks' busy
 * CPU time (from the switches), at the cost table's clock: an estimate. O(1).
 */
static double busy_share(const struct tlbr_whatif_render *o, const struct tlbr_policy_result *p,
			 const struct tlbr_replay_result *r)
{
	double c = tlbr_costs_cycles(o->costs, p, r->ncpus, r->preempt);

	return 100.0 * c / (o->costs->ghz * (double)o->cpu_ns);
}

/* The policy costs are compared with: arm64-broadcast if replayed, else the first. */
static unsigned int baseline(const struct tlbr_replay_result *r)
{
	unsigned int i;

	for (i = 0; i < r->npolicies; i++)
		if (!strcmp(r->policy[i].name, "arm64-broadcast"))
			return i;
	return 0;
}

/*
 * The policy matrix: one row per policy, one column per number, named as
 * the JSON object's keys ("group.key" for the keys of a nested object:
 * by_site.munmap, ops.tlbi_is); the column's head is the text's label.
 * Built once; the text and the JSON renderings read its cells by name.
 * policy_row() names the columns at every row: the same names each time.
 */
#define MATRIX_COLS (26 + 2 * TLBR_SITE__COUNT + TLBR_OP__COUNT)

struct matrix {
	struct tlbr_table t;
	struct tlbr_col cols[MATRIX_COLS];
	char names[MATRIX_COLS][48];
	union tlbr_cell row[MATRIX_COLS];	/* the row being built */
	unsigned int n;				/* its cells so far */
};

/* The text's label of an operation's count. */
static const char *op_head(enum tlbr_op k)
{
	switch (k) {
	case TLBR_OP_TLBI_IS: return "TLBI IS + DSB ISH";
	case TLBR_OP_REPEAT: return "repeated (errata)";
	case TLBR_OP_TLBI_LOCAL: return "TLBI local + DSB NSH";
	case TLBR_OP_MIGRATE: return "migrate_disable/enable";
	case TLBR_OP_KMAP_BARRIER: return "kernel PTE dsb+isb pairs";
	default: return tlbr_op_name(k);
	}
}

/* The next cell of the row: its column @group.@key (or @key), of @type, labelled @head. */
static union tlbr_cell *put(struct matrix *m, enum tlbr_col_type type, const char *group,
			    const char *key, const char *head)
{
	if (m->n == MATRIX_COLS)	/* MATRIX_COLS out of step with policy_row(): a bug */
		abort();
	snprintf(m->names[m->n], sizeof(m->names[0]), "%s%s%s", group ? group : "",
		 group ? "." : "", key);
	m->cols[m->n] = (struct tlbr_col){ m->names[m->n], head, type };
	return &m->row[m->n++];
}

#define PUT_U(m, group, key, head, v) (put(m, TLBR_COL_U64, group, key, head)->u = (v))

/* Policy @p's row, in the JSON object's order. */
static void policy_row(struct matrix *m, const struct tlbr_replay_result *r,
		       const struct tlbr_whatif_render *o, const struct tlbr_policy_result *p)
{
	const struct tlbr_cpu_model *cm = tlbr_cpu_model_find(r->cpu_model);
	bool spurious_possible = !cm || cm->spurious_faults;
	unsigned int k;

	m->n = 0;
	put(m, TLBR_COL_STR, NULL, "name", "policy")->s = (char *)p->name;
	PUT_U(m, NULL, "flush_points", "flush points", p->flush_points);
	for (k = 0; k < TLBR_SITE__COUNT; k++)
		PUT_U(m, "by_site", tlbr_site_name((enum tlbr_site)k),
		      tlbr_site_name((enum tlbr_site)k), p->flushes[k]);
	PUT_U(m, NULL, "broadcasts", "broadcasts", p->broadcasts);
	/* of those, uncertain: the trace proves broadcasts - broadcasts_uncertain */
	PUT_U(m, NULL, "broadcasts_uncertain", "uncertain", p->maybe_broadcasts);
	for (k = 0; k < TLBR_SITE__COUNT; k++)
		PUT_U(m, "by_site_uncertain", tlbr_site_name((enum tlbr_site)k),
		      tlbr_site_name((enum tlbr_site)k), p->maybe[k]);
	PUT_U(m, NULL, "local", "local flushes", p->local);
	PUT_U(m, NULL, "skipped", "skipped", p->skipped);
	PUT_U(m, NULL, "merged", "merged into a batch flush", p->merged);
	PUT_U(m, NULL, "deferred", "deferred to a batch", p->deferred);
	PUT_U(m, NULL, "syncs", "batch syncs (DSB)", p->syncs);
	PUT_U(m, NULL, "pending_syncs", "pending-batch syncs", p->pending_syncs);
	PUT_U(m, NULL, "ipis", "IPIs sent", p->ipis);
	PUT_U(m, NULL, "table_syncs", "hugetlb unshare sync IPIs", p->table_syncs);
	PUT_U(m, NULL, "switch_flushes", "flushes at context switch", p->switch_flushes);
	PUT_U(m, NULL, "avoidable", "certainly avoidable", p->avoidable);
	PUT_U(m, "avoidable_by", "never_elsewhere", "mm never active elsewhere",
	      p->avoidable_by[TLBR_AVOID_NEVER_ELSEWHERE]);
	PUT_U(m, "avoidable_by", "already_flushed", "remote copies flushed",
	      p->avoidable_by[TLBR_AVOID_ALREADY_FLUSHED]);
	PUT_U(m, "avoidable_by", "not_present", "not present remotely",
	      p->avoidable_by[TLBR_AVOID_NOT_PRESENT]);
	PUT_U(m, NULL, "stale_ro", "stale read-only entries", p->stale_ro);
	PUT_U(m, NULL, "stale_sound", "sound model: at most", p->stale_sound);
	PUT_U(m, NULL, "stale_unused", "retired unused", p->stale_unused);
	PUT_U(m, NULL, "spurious_predicted", "spurious faults predicted", p->spurious_predicted);
	/* a range: the lower bound is what the trace proves, the upper one per stale entry */
	PUT_U(m, NULL, "spurious_upper", "at most (1 per usable entry)",
	      tlbr_spurious_upper(p, spurious_possible));
	PUT_U(m, NULL, "upgraded", "local upgraded by the VM", p->upgraded);
	for (k = 0; k < TLBR_OP__COUNT; k++)
		PUT_U(m, "ops", tlbr_op_name((enum tlbr_op)k), op_head((enum tlbr_op)k), p->ops[k]);
	/* estimates, with a cost table (and a clock and a CPU time); NaN: none */
	put(m, TLBR_COL_CYCLES, NULL, "est_cycles", "est. cycles (model)")->f =
		o->costs ? tlbr_costs_cycles(o->costs, p, r->ncpus, r->preempt) : NAN;
	put(m, TLBR_COL_PCT, NULL, "est_busy_share_pct", "share of busy CPU time")->f =
		o->costs && o->costs->ghz > 0 && o->cpu_ns ? busy_share(o, p, r) : NAN;
	PUT_U(m, NULL, "unsafe", "unsafe findings", p->unsafe);
	if (m->n != MATRIX_COLS)
		abort();
}

#undef PUT_U

/* The matrix of @r's policies, in their order. 0 or -ENOMEM. */
static int matrix_build(struct matrix *m, const struct tlbr_replay_result *r,
			const struct tlbr_whatif_render *o)
{
	unsigned int i;

	/* no policy, no column: policy_row() names them */
	tlbr_table_init(&m->t, "policies", "Policies", m->cols, r->npolicies ? MATRIX_COLS : 0);
	for (i = 0; i < r->npolicies; i++) {
		policy_row(m, r, o, &r->policy[i]);
		if (tlbr_table_add_cells(&m->t, m->row) < 0) {
			tlbr_table_release(&m->t);
			return -ENOMEM;
		}
	}
	return 0;
}

/* The columns of @m named @group.*: from *@c on, the next one; false past the last. */
static bool next_in_group(const struct matrix *m, const char *group, unsigned int *c)
{
	size_t n = strlen(group);

	for (; *c < m->t.ncols; ++*c)
		if (!strncmp(m->cols[*c].name, group, n) && m->cols[*c].name[n] == '.')
			return true;
	return false;
}

static void print_ts(FILE *f, uint64_t ns)
{
	fprintf(f, "%llu.%09llu", (unsigned long long)(ns / 1000000000ULL),
		(unsigned long long)(ns % 1000000000ULL));
}

/* What produced the numbers: the trace, the models, the cost table. */
void tlbr_print_models(FILE *f, const struct tlbr_replay_result *r, const char *path,
		       const char *describe, const struct tlbr_costs *costs, const char *cpu_from,
		       const char *arm64_from)
{
	const struct tlbr_tlb_model *tm = tlbr_tlb_model_find(r->tlb_model);
	const struct tlbr_cpu_model *cm = tlbr_cpu_model_find(r->cpu_model);
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s (%s)", path, describe);
	tlbr_print_wrapped(f, "trace", 12, buf, 80);
	snprintf(buf, sizeof(buf), "%s: %s", r->tlb_model, tm ? tm->source : "");
	tlbr_print_wrapped(f, "residency", 12, buf, 80);
	if (cpu_from)
		snprintf(buf, sizeof(buf), "%s (%s): %s", r->cpu_model, cpu_from, cm ? cm->note : "");
	else
		snprintf(buf, sizeof(buf), "%s: %s", r->cpu_model, cm ? cm->note : "");
	tlbr_print_wrapped(f, "cpu", 12, buf, 80);
	snprintf(buf, sizeof(buf), "%s, %s", r->env, r->preempt ? "preemptible (migrate_disable "
		 "priced as such)" : "not preemptible (migrate_disable nearly free)");
	tlbr_print_wrapped(f, "kernel", 12, buf, 80);
	/* the arm64 kernel whose version-dependent rules the prediction follows */
	if (arm64_from)
		tlbr_print_wrapped(f, "arm64 rules", 12, arm64_from, 80);
	if (costs) {
		snprintf(buf, sizeof(buf), "%s: %s", costs->name, costs->source);
		tlbr_print_wrapped(f, "costs", 12, buf, 80);
	}
	snprintf(buf, sizeof(buf), "%llu events on %d CPUs, %llu pages modelled",
		 (unsigned long long)r->events, r->ncpus, (unsigned long long)r->pages);
	tlbr_print_wrapped(f, "replayed", 12, buf, 80);
}

void tlbr_print_ready(FILE *f, const struct tlbr_ready *r)
{
	char buf[512], line[600];

	if (!tlbr_ready_warn(r))
		return;
	snprintf(line, sizeof(line), "%s; the numbers are what this trace supports "
		 "(tlbreplay stat tells what each missing input costs)",
		 tlbr_ready_line(r, buf, sizeof(buf)));
	tlbr_print_wrapped(f, "readiness", 12, line, 80);
}

void tlbr_json_ready(struct tlbr_json *j, const struct tlbr_ready *r)
{
	if (!r || !r->verdict)
		return;
	tlbr_json_obj_begin(j, "readiness");
	tlbr_json_str(j, "verdict", r->verdict);
	tlbr_json_bool(j, "forced", r->forced);
	tlbr_json_arr_begin(j, "missing");
	for (unsigned int i = 0; i < r->nmissing; i++)
		tlbr_json_str(j, NULL, r->missing[i]);
	tlbr_json_arr_end(j);
	tlbr_json_obj_end(j);
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 100.0;
}

/* Within issue 14's target: 2% (or 2 when fewer than 100), 98% matched. */
static bool close_enough(uint64_t real, uint64_t pred, uint64_t matched)
{
	uint64_t d = real > pred ? real - pred : pred - real;

	if (real < 100 ? d > 2 : (double)d > 0.02 * (double)real)
		return false;
	return real < 100 ? real - matched <= 2 : (double)matched >= 0.98 * (double)real;
}

/*
 * The shootdown's deliveries: the IPIs sent, and, where the trace records
 * them (sched_wake_idle_without_ipi), the deliveries to a CPU polling in
 * idle without one; predicted IPIs are matched against both.
 */
static uint64_t deliveries(const struct tlbr_x86_check *x)
{
	if (x->csd_recorded)	/* every target's CSD, however delivered */
		return x->csd_queued;
	return x->ipis_sent + (x->polled_recorded ? x->polled_sent : 0);
}

static uint64_t delivered_matched(const struct tlbr_x86_check *x)
{
	if (x->csd_recorded)
		return x->csd_matched;
	return x->ipis_matched + (x->polled_recorded ? x->polled_matched : 0);
}

/* The deliveries are traced facts (not the IPIs alone): the trace records how. */
static bool deliveries_traced(const struct tlbr_x86_check *x)
{
	return x->polled_recorded || x->csd_recorded;
}

/*
 * The range (struct tlbr_x86_check, rng_*): the deliveries to a certain
 * target and to an uncertain one (by why), on the figure the deliveries
 * are taken from
 */
static uint64_t rng_matched(const struct tlbr_x86_check *x)
{
	return x->csd_recorded ? x->rng_csd_matched : x->rng_ipi_matched;
}

/* ... the targets mid-switch not told yet count as such (rng_pend_*) */
static uint64_t rng_unc_delivered(const struct tlbr_x86_check *x, unsigned int k)
{
	if (k == TLBR_X86_UNC_SWITCH)
		return x->csd_recorded ? x->rng_csd_unc[k] + x->rng_pend_csd :
					 x->rng_ipi_unc[k] + x->rng_pend_ipi;
	return x->csd_recorded ? x->rng_csd_unc[k] : x->rng_ipi_unc[k];
}

static uint64_t rng_unc(const struct tlbr_x86_check *x, unsigned int k)
{
	return x->rng_unc[k] + (k == TLBR_X86_UNC_SWITCH ? x->rng_pend_unc : 0);
}

static uint64_t rng_unc_sum(const struct tlbr_x86_check *x, bool delivered)
{
	uint64_t n = 0;

	for (unsigned int k = 0; k < TLBR_X86_UNC__COUNT; k++)
		n += delivered ? rng_unc_delivered(x, k) : rng_unc(x, k);
	return n;
}

/* Deliveries to neither a certain nor an uncertain target. */
static uint64_t rng_missed(const struct tlbr_x86_check *x)
{
	uint64_t in = rng_matched(x) + rng_unc_sum(x, true);

	return deliveries(x) > in ? deliveries(x) - in : 0;
}

/* Certain targets not delivered. */
static uint64_t rng_unsent(const struct tlbr_x86_check *x)
{
	return x->rng_certain > rng_matched(x) ? x->rng_certain - rng_matched(x) : 0;
}

/* The self-check has a range: some target was uncertain. */
static bool rng_any(const struct tlbr_x86_check *x)
{
	return rng_unc_sum(x, false) || rng_unc_sum(x, true);
}

/*
 * Issue 14's target on the range: the deliveries within 2% (2 when fewer
 * than 100) of certain..certain + uncertain, and 98% of them (all but 2)
 * delivered to a certain target (matched one-to-one) or an uncertain one
 */
static bool close_enough_range(const struct tlbr_x86_check *x)
{
	uint64_t real = deliveries(x), lo = x->rng_certain, hi = lo + rng_unc_sum(x, false);
	uint64_t in = rng_matched(x) + rng_unc_sum(x, true);
	double tol = real < 100 ? 2.0 : 0.02 * (double)real;

	if ((double)real + tol < (double)lo || (double)real > (double)hi + tol)
		return false;
	return real < 100 ? real - in <= 2 : (double)in >= 0.98 * (double)real;
}

/* Issue 14's targets on the point prediction (@range false) or on the range. */
static bool explains(const struct tlbr_replay_result *r, bool range)
{
	const struct tlbr_x86_check *x = &r->x86;

	if (!x->checked || !x->x86 || x->invlpgb_incomparable)
		return false;
	if (!close_enough(x->calls_real, x->calls_predicted, x->calls_matched))
		return false;
	if (x->pv)
		return true;
	return range ? close_enough_range(x) :
		       close_enough(deliveries(x), x->ipis_predicted, delivered_matched(x));
}

bool tlbr_x86_explains_range(const struct tlbr_replay_result *r)
{
	return explains(r, true);
}

bool tlbr_x86_explains(const struct tlbr_replay_result *r)
{
	return explains(r, false);
}

/* One line: does the x86 model explain this trace, and if not, why. */
/*
 * The verdict's word on the range, where it has uncertain targets: how many
 * deliveries went to one, and why
 */
static void verdict_range(const struct tlbr_replay_result *r, char *buf, size_t n)
{
	const struct tlbr_x86_check *x = &r->x86;
	size_t k = strlen(buf);

	if (!rng_any(x) || x->pv || k >= n)
		return;
	snprintf(buf + k, n - k, "; %s its range %llu..%llu: %llu of the %llu deliveries went "
		 "to an uncertain target (%llu trim clock unknown, %llu in its deadline's "
		 "window, %llu mid-switch, %llu wakee queued), %llu to none",
		 tlbr_x86_explains_range(r) ? "within" : "not within",
		 (unsigned long long)x->rng_certain,
		 (unsigned long long)(x->rng_certain + rng_unc_sum(x, false)),
		 (unsigned long long)rng_unc_sum(x, true), (unsigned long long)deliveries(x),
		 (unsigned long long)rng_unc_delivered(x, TLBR_X86_UNC_CLOCK),
		 (unsigned long long)rng_unc_delivered(x, TLBR_X86_UNC_WINDOW),
		 (unsigned long long)rng_unc_delivered(x, TLBR_X86_UNC_SWITCH),
		 (unsigned long long)rng_unc_delivered(x, TLBR_X86_UNC_WAKEE),
		 (unsigned long long)rng_missed(x));
}

static void verdict_point(const struct tlbr_replay_result *r, char *buf, size_t n);

void tlbr_x86_verdict(const struct tlbr_replay_result *r, char *buf, size_t n)
{
	verdict_point(r, buf, n);
	if (r->x86.checked && r->x86.x86 && !r->x86.invlpgb_incomparable)
		verdict_range(r, buf, n);
}

static void verdict_point(const struct tlbr_replay_result *r, char *buf, size_t n)
{
	const struct tlbr_x86_check *x = &r->x86;
	const char *why;

	if (!x->checked) {
		snprintf(buf, n, "not checked: x86-ipi was not replayed");
		return;
	}
	if (!x->x86 || (!x->calls_traced && !x->remote_flushes && !x->calls_predicted &&
			!x->as_traced && !x->calls_bootstrap)) {
		snprintf(buf, n, "no x86 flush in this trace: nothing to check");
		return;
	}
	if (x->invlpgb_incomparable) {
		snprintf(buf, n, "not comparable: INVLPGB on 4+ CPUs (Linux 6.15+ global ASIDs: "
			 "no IPI, no tlb_flush record); the %llu IPIs predicted are a kernel's "
			 "without INVLPGB", (unsigned long long)x->ipis_predicted);
		return;
	}
	if (tlbr_x86_explains(r)) {
		snprintf(buf, n, "the model explains this trace%s",
			 x->pv ? " (remote flushes by hypercall: its flush_tlb_multi() calls)" :
			 deliveries_traced(x) ? " (its shootdown deliveries, traced: IPIs, and "
			 "without an IPI where the target polled in idle)" : "");
		return;
	}
	/* a pid-filtered trace hides the tasks that fill the kernel's mm_cpumask */
	why = r->lost_unknown ? " (lost events unknown: every address space may run on every CPU)" :
	      r->hidden_tasks ? " (pid-filtered: tasks the trace leaves out ran on the CPUs)" : "";
	if (!close_enough(x->calls_real, x->calls_predicted, x->calls_matched))
		snprintf(buf, n, "the model does not explain this trace: %llu of %llu "
			 "flush_tlb_multi() calls missed, %llu predicted that the kernel did not make%s",
			 (unsigned long long)(x->calls_real - x->calls_matched),
			 (unsigned long long)x->calls_real,
			 (unsigned long long)(x->calls_predicted - x->calls_matched), why);
	else if (deliveries_traced(x))
		snprintf(buf, n, "the model does not explain this trace: %llu of %llu shootdown "
			 "deliveries (traced: %s) missed, %llu predicted that were not "
			 "delivered%s", (unsigned long long)(deliveries(x) - delivered_matched(x)),
			 (unsigned long long)deliveries(x),
			 x->csd_recorded ? "the CSDs of flush_tlb_func() queued" : "IPIs and polled",
			 (unsigned long long)(x->ipis_predicted - delivered_matched(x)), why);
	else
		snprintf(buf, n, "the model does not explain this trace: %llu of %llu shootdown "
			 "IPIs missed, %llu predicted that were not sent%s",
			 (unsigned long long)(x->ipis_sent - x->ipis_matched),
			 (unsigned long long)x->ipis_sent,
			 (unsigned long long)(x->ipis_predicted - x->ipis_matched), why);
}

/* Missed IPIs (sent, not predicted) the trace shows no answer to. */
static uint64_t misses_unanswered(const struct tlbr_x86_check *x)
{
	uint64_t missed = x->ipis_sent - x->ipis_matched, told = x->miss_other_mm + x->miss_ran_mm;

	return missed > told ? missed - told : 0;
}

/*
 * Missed IPIs to a CPU in the middle of a switch (LOADED_MM_SWITCHING), at
 * most the missed ones (a lost-events span takes IPIs out of the counts,
 * not out of the categories)
 */
static uint64_t mid_switch(const struct tlbr_x86_check *x)
{
	uint64_t missed = x->ipis_sent - x->ipis_matched;

	return x->miss_mid_switch < missed ? x->miss_mid_switch : missed;
}

/* Missed, to a CPU a trim the model did not guess reached: at most the rest of the misses. */
static uint64_t miss_guess(const struct tlbr_x86_check *x)
{
	uint64_t rest = x->ipis_sent - x->ipis_matched - mid_switch(x);

	return x->miss_trim_guess < rest ? x->miss_trim_guess : rest;
}

/* One self-check line: printf's @fmt after @label, folded to 80 columns. */
static void __attribute__((format(printf, 3, 4)))
print_check(FILE *f, const char *label, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tlbr_print_wrapped(f, label, 12, buf, 80);
}

/* Predicted, not sent, for a guessed trim: at most the predicted not sent. */
static uint64_t trim_guess(const struct tlbr_x86_check *x)
{
	uint64_t unsent = x->ipis_predicted - x->ipis_matched;

	return x->unsent_trim_guess < unsent ? x->unsent_trim_guess : unsent;
}

/* Predicted, not sent, to a target that polled: at most the rest of them. */
static uint64_t target_polled(const struct tlbr_x86_check *x)
{
	uint64_t rest = x->ipis_predicted - x->ipis_matched - trim_guess(x);

	return x->unsent_polled < rest ? x->unsent_polled : rest;
}

void tlbr_print_x86_check(FILE *f, const struct tlbr_replay_result *r)
{
	const struct tlbr_x86_check *x = &r->x86;
	char verdict[768], buf[512];
	unsigned int k;

	tlbr_x86_verdict(r, verdict, sizeof(verdict));
	fprintf(f, "  x86 self-check (x86-ipi against the traced kernel):\n");
	if (!x->checked) {
		fprintf(f, "    shootdown IPIs sent %llu (by %llu flushes); no prediction\n",
			(unsigned long long)r->real_ipis, (unsigned long long)r->real_ipi_flushes);
		tlbr_print_wrapped(f, "    verdict", 12, verdict, 80);
		return;
	}
	fprintf(f, "    shootdown IPIs sent %llu (%llu answered by a tlb_flush on the target)\n",
		(unsigned long long)x->ipis_sent, (unsigned long long)x->ipis_answered);
	fprintf(f, "    other IPIs seen %llu (not shootdowns: not counted)\n",
		(unsigned long long)x->ipis_other);
	if (x->polled_recorded) {	/* only then: the goldens stay as they were */
		print_check(f, "    polled", "deliveries without an IPI traced %llu (to a CPU polling in "
			    "idle: sched_wake_idle_without_ipi in the sender's flush_tlb_multi(), "
			    "call_function_single_prep_ipi(); %llu of them confirmed by the "
			    "csd_queue_cpu of flush_tlb_func before it%s)",
			    (unsigned long long)x->polled_sent, (unsigned long long)x->polled_by_csd,
			    x->csd_recorded ? "" : ", the others by context: the trace has no "
			    "csd_queue_cpu");
	}
	if (x->csd_recorded) {	/* only then: the goldens stay as they were */
		uint64_t kicked = x->ipis_sent + x->polled_sent;

		print_check(f, "    queued", "CSDs of flush_tlb_func() queued on targets %llu "
			    "(csd_queue_cpu in smp_call_function_many_cond(): the kernel's "
			    "targets): %llu with an IPI, %llu without (polled, above), %llu behind "
			    "a CSD already queued there (llist_add() not first: no kick of its own)",
			    (unsigned long long)x->csd_queued, (unsigned long long)x->ipis_sent,
			    (unsigned long long)x->polled_sent,
			    (unsigned long long)(x->csd_queued > kicked ? x->csd_queued - kicked : 0));
	}
	if (deliveries_traced(x)) {
		print_check(f, "    deliver", "deliveries (%s) %llu, predicted "
			    "%llu, matched one-to-one %llu: recall %.1f%%, precision %.1f%%",
			    x->csd_recorded ? "the CSDs queued" : "IPIs sent and polled traced",
			    (unsigned long long)deliveries(x), (unsigned long long)x->ipis_predicted,
			    (unsigned long long)delivered_matched(x),
			    pct(delivered_matched(x), deliveries(x)),
			    pct(delivered_matched(x), x->ipis_predicted));
	}
	fprintf(f, "    %spredicted %llu, matched one-to-one %llu: recall %.1f%%, precision %.1f%%\n",
		deliveries_traced(x) ? "IPIs only: " : "",
		(unsigned long long)x->ipis_predicted, (unsigned long long)x->ipis_matched,
		pct(x->ipis_matched, x->ipis_sent), pct(x->ipis_matched, x->ipis_predicted));
	if (rng_any(x)) {	/* only then: the goldens stay as they were */
		print_check(f, "    range", "predicted %llu..%llu: %llu certain, %llu uncertain (the "
			    "trace cannot tell whether the kernel interrupted them: %llu a trim "
			    "whose clock is unknown, an address space older than the trace, "
			    "should_trim_cpumask(); %llu a trim in the window of the clock's "
			    "deadline, its jiffies tick (HZ not recorded: 10 ms taken) or a trim "
			    "at an earlier call; %llu a CPU in the middle of a switch, "
			    "LOADED_MM_SWITCHING in should_flush_tlb(); %llu a CPU a wakee of the "
			    "address space was queued on, ttwu_queue_wakelist(), not shown running "
			    "yet; a trim's targets counted "
			    "once for the calls of an address space within a second, at most one "
			    "of which trims: %llu uncertain targets in all); of the %llu deliveries "
			    "%llu went to a certain target (matched one-to-one), %llu to an "
			    "uncertain one (%llu trim clock unknown, %llu in the deadline's window, "
			    "%llu mid-switch, %llu wakee queued), %llu to neither (missed); %llu "
			    "certain targets "
			    "were not delivered; %s",
			    (unsigned long long)x->rng_certain,
			    (unsigned long long)(x->rng_certain + rng_unc_sum(x, false)),
			    (unsigned long long)x->rng_certain,
			    (unsigned long long)rng_unc_sum(x, false),
			    (unsigned long long)rng_unc(x, TLBR_X86_UNC_CLOCK),
			    (unsigned long long)rng_unc(x, TLBR_X86_UNC_WINDOW),
			    (unsigned long long)rng_unc(x, TLBR_X86_UNC_SWITCH),
			    (unsigned long long)rng_unc(x, TLBR_X86_UNC_WAKEE),
			    (unsigned long long)(x->rng_unc_targets + x->rng_pend_unc),
			    (unsigned long long)deliveries(x), (unsigned long long)rng_matched(x),
			    (unsigned long long)rng_unc_sum(x, true),
			    (unsigned long long)rng_unc_delivered(x, TLBR_X86_UNC_CLOCK),
			    (unsigned long long)rng_unc_delivered(x, TLBR_X86_UNC_WINDOW),
			    (unsigned long long)rng_unc_delivered(x, TLBR_X86_UNC_SWITCH),
			    (unsigned long long)rng_unc_delivered(x, TLBR_X86_UNC_WAKEE),
			    (unsigned long long)rng_missed(x),
			    (unsigned long long)rng_unsent(x),
			    tlbr_x86_explains_range(r) ? "within issue 14's target on the range" :
			    "off issue 14's target on the range too");
	}
	fprintf(f, "    flush_tlb_multi() calls %llu, predicted %llu, matched %llu\n",
		(unsigned long long)x->calls_real, (unsigned long long)x->calls_predicted,
		(unsigned long long)x->calls_matched);
	fprintf(f, "      recall %.1f%%, precision %.1f%%\n", pct(x->calls_matched, x->calls_real),
		pct(x->calls_matched, x->calls_predicted));
	for (k = 0; k < TLBR_SITE__COUNT; k++)
		if (x->calls_real_by_site[k] || x->calls_predicted_by_site[k])
			fprintf(f, "      %-14s %7llu calls, predicted %7llu, matched %7llu\n",
				tlbr_site_name((enum tlbr_site)k),
				(unsigned long long)x->calls_real_by_site[k],
				(unsigned long long)x->calls_predicted_by_site[k],
				(unsigned long long)x->calls_matched_by_site[k]);
	snprintf(buf, sizeof(buf), "%llu remote flushes executed (%llu on CPUs that had left the "
		 "mm); %llu first flushes of older mms set the model's start; %llu missed calls "
		 "showed an older mm on more CPUs; %llu kernel or batched flushes replayed as "
		 "traced", (unsigned long long)x->remote_flushes,
		 (unsigned long long)x->remote_wrong_cpu, (unsigned long long)x->calls_bootstrap,
		 (unsigned long long)x->calls_learnt, (unsigned long long)x->as_traced);
	if (x->mask_cleared) {	/* only then: the goldens stay as they were */
		size_t n = strlen(buf);

		snprintf(buf + n, sizeof(buf) - n, "; %llu CPUs left the model's mm_cpumask when a "
			 "flush the trace shows local only proved them out of the kernel's",
			 (unsigned long long)x->mask_cleared);
	}
	if (x->tasks_rehomed) {	/* only then: the goldens stay as they were */
		size_t n = strlen(buf);

		snprintf(buf + n, sizeof(buf) - n, "; %llu tasks a \"remote shootdown\" answer "
			 "showed to run another address space older than the trace than their "
			 "own (threads a trace.dat does not group) run it from then on",
			 (unsigned long long)x->tasks_rehomed);
	}
	tlbr_print_wrapped(f, "    also", 12, buf, 80);
	if (x->ipis_sent > x->ipis_matched || x->ipis_predicted > x->ipis_matched) {
		uint64_t missed = x->ipis_sent - x->ipis_matched;

		print_check(f, "    misses", "%llu IPIs sent and not predicted: %llu answered \"remote "
			 "wrong CPU\" (the target ran another address space: the kernel's mm_cpumask "
			 "held it, by a trim, should_trim_cpumask(), or freed page tables, where the "
			 "model's did not), %llu "
			 "answered by a flush (the target ran the address space: a switch the trace "
			 "lacks), %llu without an answer in the trace; %llu predicted and not sent "
			 "(%s: a vCPU the host preempted, kvm_flush_tlb_multi(), "
			 "or a switch away the trace lacks)", (unsigned long long)missed,
			 (unsigned long long)x->miss_other_mm, (unsigned long long)x->miss_ran_mm,
			 (unsigned long long)misses_unanswered(x),
			 (unsigned long long)(x->ipis_predicted - x->ipis_matched),
			 deliveries_traced(x) ? "delivered without an IPI, below, or where the trace "
			 "shows no cause" : "the trace shows no cause");
		if (missed) {
			print_check(f, "    switch", "%llu of the %llu missed went to a CPU in the "
				 "middle of a switch to another address space (target mid-switch, "
				 "LOADED_MM_SWITCHING race: its sched_switch traced, its \"flush on "
				 "task switch\" not before the sender's \"remote IPI send\"; "
				 "should_flush_tlb() IPIs such a CPU since Linux 6.15): a race the "
				 "trace cannot predict, still counted as missed above",
				 (unsigned long long)mid_switch(x), (unsigned long long)missed);
		}
		if (miss_guess(x)) {	/* only then: the goldens stay as they were */
			print_check(f, "    trim", "%llu of the %llu missed went to a CPU running "
				 "another address space (answered \"remote wrong CPU\", no tables "
				 "freed, not mid-switch) while the address space's trim clock was "
				 "the model's guess: a trim the kernel made where the guess had "
				 "none (should_trim_cpumask()'s clock of an address space older than "
				 "the trace, unknown until the trace shows a trim); still counted "
				 "as missed above", (unsigned long long)miss_guess(x),
				 (unsigned long long)missed);
		}
		if (x->ipis_predicted > x->ipis_matched) {
			print_check(f, "    guess", "%llu of the %llu predicted and not sent went to a "
				 "CPU running another address space for a trim the model guessed: "
				 "should_trim_cpumask()'s clock of an address space older than the "
				 "trace is unknown until the trace shows a trim, and the model takes "
				 "it to run out at its first flush_tlb_multi() and every second after",
				 (unsigned long long)trim_guess(x),
				 (unsigned long long)(x->ipis_predicted - x->ipis_matched));
		}
		if (x->polled_recorded && x->polled_matched) {
			print_check(f, "    poll", "%llu of the %llu predicted and not sent were "
				 "delivered without an IPI, traced (sched_wake_idle_without_ipi, above); "
				 "still counted as predicted and not sent in the IPI-only figures",
				 (unsigned long long)x->polled_matched,
				 (unsigned long long)(x->ipis_predicted - x->ipis_matched));
		}
		if (x->csd_recorded && x->csd_matched > x->ipis_matched + x->polled_matched) {
			print_check(f, "    queue", "%llu of the %llu predicted and not sent were "
				 "queued behind a CSD already on the target (csd_queue_cpu traced, "
				 "no IPI and no poll of their own: llist_add() not first in "
				 "smp_call_function_many_cond()); still counted as predicted and not "
				 "sent in the IPI-only figures",
				 (unsigned long long)(x->csd_matched - x->ipis_matched -
						      x->polled_matched),
				 (unsigned long long)(x->ipis_predicted - x->ipis_matched));
		}
		if (target_polled(x)) {	/* only then: the goldens stay as they were */
			print_check(f, "    poll", "%llu of the %llu predicted and not sent went to a "
				 "CPU that ran the shootdown without an IPI of its own (target polled, "
				 "inferred from its answer%s): it answered with a remote flush (or, "
				 "lazy, its switch to init_mm), "
				 "flush_tlb_func() from the CSD "
				 "smp_call_function_many_cond() queued on every target, which sends "
				 "no IPI where call_function_single_prep_ipi() finds the target "
				 "polling in idle (or llist_add() its queue not empty); still counted "
				 "as predicted and not sent above",
				 (unsigned long long)target_polled(x),
				 (unsigned long long)(x->ipis_predicted - x->ipis_matched),
				 x->polled_recorded ? ": no sched_wake_idle_without_ipi traced for it" :
				 ", the trace does not record sched_wake_idle_without_ipi");
		}
	}
	if (x->lost_restarts) {
		snprintf(buf, sizeof(buf), "%llu lost-event records: taken out of the counts above, "
			 "the spans with lost events (%.6f s: from each CPU's last event before the "
			 "gap to the record) and each address space's first flush after (the "
			 "restarted model's start): %llu shootdown IPIs sent, %llu predicted, %llu "
			 "matched; %llu flush_tlb_multi() calls",
			 (unsigned long long)x->lost_restarts, (double)x->lost_excl_ns / 1e9,
			 (unsigned long long)x->lost_excl_sent,
			 (unsigned long long)x->lost_excl_predicted,
			 (unsigned long long)x->lost_excl_matched,
			 (unsigned long long)x->lost_excl_calls);
		tlbr_print_wrapped(f, "    lost", 12, buf, 80);
	}
	if (x->invlpgb)
		print_check(f, "    INVLPGB", "the CPU has INVLPGB (metadata invlpgb=yes; Linux "
			    "6.15+): batched and kernel flushes (arch_tlbbatch_flush(), "
			    "flush_tlb_kernel_range()) send no IPI, replayed as traced; %s",
			    x->invlpgb_incomparable ?
			    "an address space active on 4 or more CPUs gets a global ASID "
			    "(consider_global_asid()) and flush_tlb_mm_range() flushes it by "
			    "broadcast_tlb_flush(), with no IPI and no tlb_flush record, which "
			    "the trace cannot place: the IPIs above are not comparable" :
			    "with fewer than 4 CPUs no address space gets a global ASID "
			    "(mm_active_cpus_exceeds(mm, 3)): shootdowns are IPIs as modelled");
	if (x->pv) {
		snprintf(buf, sizeof(buf), "remote flushes are paravirtual (a PV TLB flush "
			 "hypercall): the kernel sent no shootdown IPI where a native kernel would "
			 "send %llu", (unsigned long long)x->ipis_native);
		tlbr_print_wrapped(f, "    PV", 12, buf, 80);
	}
	tlbr_print_wrapped(f, "    verdict", 12, verdict, 80);
}

void tlbr_json_x86_check(struct tlbr_json *j, const struct tlbr_replay_result *r)
{
	const struct tlbr_x86_check *x = &r->x86;
	char verdict[768];
	unsigned int k;

	tlbr_x86_verdict(r, verdict, sizeof(verdict));
	tlbr_json_obj_begin(j, "self_check");
	tlbr_json_bool(j, "checked", x->checked);
	tlbr_json_bool(j, "pv_flush", x->pv);
	if (x->invlpgb) {	/* only then: the goldens stay as they were */
		tlbr_json_bool(j, "invlpgb", true);
		tlbr_json_bool(j, "invlpgb_comparable", !x->invlpgb_incomparable);
	}
	tlbr_json_u64(j, "shootdown_ipis_sent", x->ipis_sent);
	tlbr_json_u64(j, "answered_ipis", x->ipis_answered);
	tlbr_json_u64(j, "unanswered_ipis", x->ipis_unanswered);
	tlbr_json_u64(j, "other_ipis", x->ipis_other);
	tlbr_json_u64(j, "native_ipis", x->ipis_native);
	tlbr_json_u64(j, "predicted_ipis", x->ipis_predicted);
	tlbr_json_u64(j, "matched_ipis", x->ipis_matched);
	tlbr_json_double(j, "ipi_recall", pct(x->ipis_matched, x->ipis_sent));
	tlbr_json_double(j, "ipi_precision", pct(x->ipis_matched, x->ipis_predicted));
	if (deliveries_traced(x)) {	/* only then: the goldens stay as they were */
		tlbr_json_bool(j, "polled_recorded", x->polled_recorded);
		tlbr_json_bool(j, "csd_recorded", x->csd_recorded);
		tlbr_json_u64(j, "csd_queued", x->csd_queued);
		tlbr_json_u64(j, "csd_queued_matched", x->csd_matched);
		tlbr_json_u64(j, "polled_deliveries", x->polled_sent);
		tlbr_json_u64(j, "polled_deliveries_by_csd", x->polled_by_csd);
		tlbr_json_u64(j, "polled_deliveries_matched", x->polled_matched);
		tlbr_json_u64(j, "deliveries", deliveries(x));
		tlbr_json_u64(j, "matched_deliveries", delivered_matched(x));
		tlbr_json_double(j, "delivery_recall", pct(delivered_matched(x), deliveries(x)));
		tlbr_json_double(j, "delivery_precision", pct(delivered_matched(x),
							       x->ipis_predicted));
	}
	if (rng_any(x)) {	/* only then: the goldens stay as they were */
		static const char *const why[TLBR_X86_UNC__COUNT] = {
			[TLBR_X86_UNC_CLOCK] = "trim_clock_unknown",
			[TLBR_X86_UNC_WINDOW] = "trim_deadline_window",
			[TLBR_X86_UNC_SWITCH] = "target_mid_switch",
			[TLBR_X86_UNC_WAKEE] = "wakee_queued",
		};

		tlbr_json_obj_begin(j, "range");
		tlbr_json_u64(j, "certain", x->rng_certain);
		tlbr_json_u64(j, "uncertain", rng_unc_sum(x, false));
		tlbr_json_u64(j, "uncertain_targets", x->rng_unc_targets + x->rng_pend_unc);
		tlbr_json_u64(j, "low", x->rng_certain);
		tlbr_json_u64(j, "high", x->rng_certain + rng_unc_sum(x, false));
		tlbr_json_u64(j, "deliveries", deliveries(x));
		tlbr_json_u64(j, "delivered_certain", rng_matched(x));
		tlbr_json_u64(j, "delivered_uncertain", rng_unc_sum(x, true));
		tlbr_json_u64(j, "missed", rng_missed(x));
		tlbr_json_u64(j, "certain_not_delivered", rng_unsent(x));
		tlbr_json_obj_begin(j, "uncertain_by_why");
		for (k = 0; k < TLBR_X86_UNC__COUNT; k++)
			tlbr_json_u64(j, why[k], rng_unc(x, k));
		tlbr_json_obj_end(j);
		tlbr_json_obj_begin(j, "delivered_uncertain_by_why");
		for (k = 0; k < TLBR_X86_UNC__COUNT; k++)
			tlbr_json_u64(j, why[k], rng_unc_delivered(x, k));
		tlbr_json_obj_end(j);
		tlbr_json_bool(j, "explains", tlbr_x86_explains_range(r));
		tlbr_json_obj_end(j);
	}
	tlbr_json_u64(j, "calls_real", x->calls_real);
	tlbr_json_u64(j, "calls_predicted", x->calls_predicted);
	tlbr_json_u64(j, "calls_matched", x->calls_matched);
	tlbr_json_u64(j, "calls_bootstrap", x->calls_bootstrap);
	tlbr_json_u64(j, "calls_learnt", x->calls_learnt);
	tlbr_json_u64(j, "mask_cleared", x->mask_cleared);
	if (x->tasks_rehomed)	/* only then: the goldens stay as they were */
		tlbr_json_u64(j, "tasks_rehomed", x->tasks_rehomed);
	tlbr_json_u64(j, "as_traced", x->as_traced);
	tlbr_json_u64(j, "remote_flushes", x->remote_flushes);
	tlbr_json_u64(j, "remote_wrong_cpu", x->remote_wrong_cpu);
	if (x->ipis_sent > x->ipis_matched) {	/* only then: the goldens stay as they were */
		tlbr_json_obj_begin(j, "missed_ipis_by_answer");
		tlbr_json_u64(j, "wrong_cpu", x->miss_other_mm);
		tlbr_json_u64(j, "flushed", x->miss_ran_mm);
		tlbr_json_u64(j, "unanswered", misses_unanswered(x));
		tlbr_json_obj_end(j);
		/* of them (whatever the answer): to a CPU in the middle of a switch */
		tlbr_json_u64(j, "missed_ipis_target_mid_switch", mid_switch(x));
		if (miss_guess(x))	/* only then: the goldens stay as they were */
			tlbr_json_u64(j, "missed_ipis_trim_guess", miss_guess(x));
	}
	if (x->ipis_predicted > x->ipis_matched)	/* only then, like the misses */
		tlbr_json_u64(j, "unsent_ipis_trim_guess", trim_guess(x));
	if (target_polled(x))	/* only then: the goldens stay as they were */
		tlbr_json_u64(j, "unsent_ipis_target_polled", target_polled(x));
	if (x->lost_restarts) {	/* only then: the goldens of complete traces stay as they were */
		tlbr_json_obj_begin(j, "lost_excluded");
		tlbr_json_u64(j, "records", x->lost_restarts);
		tlbr_json_u64(j, "span_ns", x->lost_excl_ns);
		tlbr_json_u64(j, "shootdown_ipis_sent", x->lost_excl_sent);
		tlbr_json_u64(j, "predicted_ipis", x->lost_excl_predicted);
		tlbr_json_u64(j, "matched_ipis", x->lost_excl_matched);
		tlbr_json_u64(j, "calls_real", x->lost_excl_calls);
		tlbr_json_obj_end(j);
	}
	tlbr_json_obj_begin(j, "calls_by_site");
	for (k = 0; k < TLBR_SITE__COUNT; k++) {
		if (!x->calls_real_by_site[k] && !x->calls_predicted_by_site[k])
			continue;
		tlbr_json_obj_begin(j, tlbr_site_name((enum tlbr_site)k));
		tlbr_json_u64(j, "real", x->calls_real_by_site[k]);
		tlbr_json_u64(j, "predicted", x->calls_predicted_by_site[k]);
		tlbr_json_u64(j, "matched", x->calls_matched_by_site[k]);
		tlbr_json_obj_end(j);
	}
	tlbr_json_obj_end(j);
	tlbr_json_bool(j, "explains", tlbr_x86_explains(r));
	tlbr_json_str(j, "verdict", verdict);
	tlbr_json_obj_end(j);
}

bool tlbr_uncertain(const struct tlbr_replay_result *r)
{
	for (unsigned int i = 0; i < r->npolicies; i++)
		for (unsigned int k = 0; k < TLBR_SITE__COUNT; k++)
			if (r->policy[i].maybe[k])
				return true;
	return false;
}

/* Why some flush points are uncertain, when some are (see struct tlbr_policy_result). */
void tlbr_print_uncertain(FILE *f, const struct tlbr_replay_result *r)
{
	unsigned int why = r->uncertain_why;

	if (!tlbr_uncertain(r))
		return;
	fprintf(f, "(uncertain: flush points where the kernel flushes only if something the\n"
		   " trace cannot show was so; counted in the broadcasts above, the conservative\n"
		   " figure: the trace proves the broadcasts less these.");
	if (why & (TLBR_UNSURE_AGE | TLBR_UNSURE_PAGEOUT))
		fprintf(f, "\n - madvise(MADV_COLD, MADV_PAGEOUT, MADV_FREE): the kernel flushes\n"
			   "   only PTEs that were young, or for FREE dirty\n"
			   "   (madvise_cold_or_pageout_pte_range, madvise_free_pte_range), COLD and\n"
			   "   PAGEOUT only on a folio on an LRU list: the trace proves young where a\n"
			   "   fault made the PTE since its last aging where the recording shows\n"
			   "   MGLRU off (lru_gen=: its aging clears the flag untraced) and DAMON\n"
			   "   neither on (damon=) nor seen running (a kdamond switch: its\n"
			   "   damon_ptep_mkold does the same), and the list where the folio's\n"
			   "   CPU drained its batch, but not old: the hardware Access flag\n"
			   "   (TCR_EL1.HA) sets it without a fault (a recording where software\n"
			   "   sets it, access_flag=software, shows old too). An x86 trace for an\n"
			   "   arm64 kernel before 6.10, whose PAGEOUT ages what x86's 6.10+ does\n"
			   "   not: proven so where nothing on that machine ages unseen\n"
			   "   (--arm64-aging none; diff --against: AFTER's metadata).");
	if (why & TLBR_UNSURE_PAGEOUT)
		fprintf(f, "\n - the kernel's version is unknown (the traced one's, or for an x86\n"
			   "   trace the arm64 one's: --arm64-kernel): PAGEOUT ages (and flushes)\n"
			   "   before Linux 6.10 only.");
	if (why & TLBR_UNSURE_DIRTY)
		fprintf(f, "\n - unmapping shared pages the trace saw only read: a dirty one makes\n"
			   "   zap_pte_range flush at the end of its page table (force_flush), and\n"
			   "   at a resched inside it; the hardware dirty state sets it without a\n"
			   "   fault, and the trace does not show where in the loop the resched came.");
	if (why & TLBR_UNSURE_SPLIT)
		fprintf(f, "\n - __split_huge_pmd where the trace does not show whether the PMD was\n"
			   "   huge: it flushes only a huge one.");
	if (why & TLBR_UNSURE_FOLIO_SPLIT)
		fprintf(f, "\n - an x86 MADV_FREE's large folio split (one flush a PTE), for an arm64\n"
			   "   kernel before 6.9 or of an unknown version: 6.1 does not split a folio\n"
			   "   whose first page is unmapped or mapped more than once in MADV_FREE (its\n"
			   "   walk stops there: the call's gather may flush nothing), a later COLD or\n"
			   "   PAGEOUT does if one reaches it (site fault); 6.8+ batches the split's\n"
			   "   flushes (reclaim). Decided for 6.1-6.7 where the model knows the\n"
			   "   folio (a huge page by its allocation) and no page of it COW-shared.");
	if (why & TLBR_UNSURE_CONTPTE)
		fprintf(f, "\n - the same split for an arm64 kernel 6.9+ (or of an unknown version):\n"
			   "   each 64 KiB block of the folio it enters is unfolded first\n"
			   "   (contpte_convert), where arm64 mapped the folio with contpte blocks.");
	if (why & TLBR_UNSURE_REMAP_AF)
		fprintf(f, "\n - an x86 MADV_COLD flush of pages an MADV_FREE's large folio split put\n"
			   "   back (remap_page -> remove_migration_pte): arm64 6.9-6.12 find them\n"
			   "   old, and flush none, where the kernel runs with LPA2 (the migration\n"
			   "   entry's young bit is PTE bit 52, PTE_CONT, which set_ptes() clears),\n"
			   "   young without it; uncertain where that is not known (--arm64-lpa2;\n"
			   "   diff --against: AFTER's PTEs say), for 6.8 and an unknown version.");
	if (why & TLBR_UNSURE_CONT_FOLD)
		fprintf(f, "\n - an mremap of a large folio's PTEs for an arm64 kernel 6.9+ (or of an\n"
			   "   unknown version): each 64 KiB run of the folio may be folded into a\n"
			   "   contpte block at the destination (contpte_try_fold: one flush a\n"
			   "   block), and a block so folded is unfolded when it moves again, only\n"
			   "   where the move's distance is a multiple of 64 KiB on arm64's layout.");
	if (why & TLBR_UNSURE_AROUND)
		fprintf(f, "\n - unmapping, or taking access from, pages of a file or shared mapping\n"
			   "   that fault-around may have mapped with no fault of their own\n"
			   "   (do_fault_around maps the cached pages of the 64 KiB around a read\n"
			   "   fault), or MADV_FREE'd pages reclaim may have put back\n"
			   "   (try_to_unmap_one restores a redirtied or referenced one after its\n"
			   "   flush): the kernel flushes only if one was.");
	if (why & TLBR_UNSURE_NESTED)
		fprintf(f, "\n - tlb_finish_mmu (arm64) while another task's tlb_finish_mmu of the\n"
			   "   same address space may not have reached its dec_tlb_flush_pending\n"
			   "   (that task was switched out after entering it): mm_tlb_flush_nested\n"
			   "   flushes the whole address space only if it had not.");
	if (why & TLBR_UNSURE_PENDING)
		fprintf(f, "\n - flush_tlb_batched_pending flushes the address space only if reclaim\n"
			   "   or migration batched one of its PTEs since the last call (arm64 6.5+),\n"
			   "   and the trace does not show it (a recording without tlbr:ubc_pending,\n"
			   "   an address space older than the trace), or whether the kernel has the\n"
			   "   2025 fix (flush_tlb_mm; a DSB before it).");
	fprintf(f, ")\n");
}

/* The replay's own numbers against what the traced kernel did. */
void tlbr_print_checks(FILE *f, const struct tlbr_replay_result *r)
{
	unsigned int k;

	fprintf(f, "\nChecks against the traced kernel\n");
	tlbr_print_x86_check(f, r);
	if (r->real_tlbi_is) {
		uint64_t ops = 0;
		unsigned int b = baseline(r);

		for (k = 0; k < TLBR_SITE__COUNT; k++)
			ops += r->real_tlbi_ops[k];
		fprintf(f, "  TLBI census: the kernel made %llu broadcast flushes (%llu TLBI IS/OS);\n"
			   "    %s predicts %llu broadcasts:", (unsigned long long)ops,
			(unsigned long long)r->real_tlbi_is, r->policy[b].name,
			(unsigned long long)r->policy[b].broadcasts);
		for (k = 0; k < TLBR_SITE__COUNT; k++) {
			uint64_t real = r->real_tlbi_ops[k], pred = r->policy[b].flushes[k];

			if (!real && !pred)
				continue;
			fprintf(f, "\n      %-16s kernel %8llu, predicted %8llu", tlbr_site_name(
					(enum tlbr_site)k), (unsigned long long)real,
				(unsigned long long)pred);
			if (r->policy[b].maybe[k])	/* a range: what the trace proves .. pred */
				fprintf(f, " (at least %llu)",
					(unsigned long long)(pred - r->policy[b].maybe[k]));
			else if (real)
				fprintf(f, " (%+.1f%%)", 100.0 * ((double)pred - (double)real) /
							 (double)real);
		}
		fputc('\n', f);
		if (r->census_unprobed)
			print_check(f, "    blind", "the kernel refused the kprobe at %u broadcast "
				    "site%s (%s): the flushes there are not in the kernel's counts",
				    r->census_unprobed, r->census_unprobed == 1 ? "" : "s",
				    r->census_unprobed_at);
	}
	if (r->asid_rollovers)
		fprintf(f, "  ASID rollovers: %llu (every CPU flushed at its next switch_mm)\n",
			(unsigned long long)r->asid_rollovers);
	if (r->batch_pending_implied)
		fprintf(f, "  flush_tlb_batched_pending: not traced in %llu memory syscalls on an mm\n"
			   "    with a reclaim batch pending; replayed where the kernel calls it (missing\n"
			   "    evidence, not a race: the tlbr:batch_pend probe needs Linux 6.5 or later)\n",
			(unsigned long long)r->batch_pending_implied);
	if (r->lost_unknown)
		fprintf(f, "  lost events unknown (perf data convert --to-ctf does not carry them):\n"
			   "    a gap may be anywhere, so every address space may run on every CPU\n"
			   "    throughout (oracle flushes them all; x86-ipi's self-check cannot be\n"
			   "    trusted); the perf.data it came from shows its gaps\n");
	if (r->switch_breaks) {
		fprintf(f, "  switches that do not chain: %llu (tasks the trace leaves out ran there):\n"
			   "    %llu tasks lost sight of may run their address space on any CPU until\n"
			   "    the trace shows them again (the sound model)\n",
			(unsigned long long)r->switch_breaks, (unsigned long long)r->tasks_lost_sight);
		if (r->hidden_tasks)
			fprintf(f, "    from %llu.%09llu s on the trace counts as pid-filtered: every address\n"
				   "    space may run on every CPU (oracle flushes them all; x86-ipi's\n"
				   "    self-check cannot be trusted)\n",
				(unsigned long long)(r->hidden_ns / 1000000000ULL),
				(unsigned long long)(r->hidden_ns % 1000000000ULL));
	}
	if (r->contpte_reuses)
		fprintf(f, "  write-fault reuses in a contpte block (unfolded first, then one page): %llu\n",
			(unsigned long long)r->contpte_reuses);
	if (r->contpte_dirty)
		fprintf(f, "  access/dirty updates of a whole contpte block (16-page flush): %llu\n",
			(unsigned long long)r->contpte_dirty);
	if (r->huge_reuses)
		fprintf(f, "  write-fault reuses of a huge PMD (2 MiB, one block entry): %llu\n",
			(unsigned long long)r->huge_reuses);
	if (r->unchecked_flushes)	/* only then: the goldens stay as they were */
		print_check(f, "  safety", "unchecked over %llu flush%s of pages the trace "
			    "never showed (a VMA's zap where the model has no page, in an address "
			    "space older than the trace or after lost events; tlb_end_vma flushed "
			    "what was present): no policy's safety was checked there, so 0 unsafe "
			    "findings is safe on what the trace shows, not safe",
			    (unsigned long long)r->unchecked_flushes,
			    r->unchecked_flushes == 1 ? "" : "es");
	for (unsigned int i = 0; i < r->npolicies; i++)
		if (r->policy[i].ops[TLBR_OP_KMAP_BARRIER]) {
			/* vmap_pmd_range: pte_alloc_kernel_track, vmap_try_huge_pmd */
			fprintf(f, "  kernel PTE dsb+isb pairs: PTE writes only; a PMD write (a new\n"
				   "    page-table page, a huge vmap) takes a pair in every policy and\n"
				   "    is not in the trace: not counted\n");
			break;
		}
	fprintf(f, "  user write faults on present pages: %llu: %llu COW breaks, %llu reuses,\n"
		   "    %llu spurious (the CPU model allows them), %llu unexplained",
		(unsigned long long)r->write_faults_present, (unsigned long long)r->cow_breaks,
		(unsigned long long)r->reuses, (unsigned long long)r->spurious_observed,
		(unsigned long long)r->unexplained);
	if (r->write_faults_present)
		fprintf(f, " (%.2f%%)", 100.0 * (double)r->unexplained /
					    (double)r->write_faults_present);
	if (r->write_faults_lost)	/* only then: the goldens stay as they were */
		fprintf(f, ";\n    %llu of them on a page the model had writable, its PTE last\n"
			   "    changed before lost events (the gap may hold a write-protection\n"
			   "    and its flush): taken as read-only, a COW break or a reuse",
			(unsigned long long)r->write_faults_lost);
	fputc('\n', f);
}

/*
 * Line @line (0-based) of a policy name wrapped into a column of @w characters:
 * broken after '-' or '+' where it can be, never truncated. Returns false past
 * the last line.
 */
static bool name_line(const char *name, unsigned int line, unsigned int w, char *buf)
{
	size_t len = strlen(name), at = 0, n;
	unsigned int l;

	for (l = 0;; l++) {
		if (at >= len)
			return false;
		n = len - at;
		if (n > w) {
			size_t cut = 0, i;

			for (i = 1; i <= w; i++)
				if (name[at + i - 1] == '-' || name[at + i - 1] == '+')
					cut = i;
			n = cut ? cut : w;
		}
		if (l == line) {
			memcpy(buf, name + at, n);
			buf[n] = '\0';
			return true;
		}
		at += n;
	}
}

/* The column headers: every policy name whole, over as many lines as the longest needs. */
static void print_header(FILE *f, const struct tlbr_replay_result *r, unsigned int from,
			 unsigned int to)
{
	char buf[16];
	unsigned int i, line;
	bool more = true;

	for (line = 0; more; line++) {
		more = false;
		for (i = from; i < to; i++)
			more |= name_line(r->policy[i].name, line, 11, buf);
		if (!more)
			break;
		fprintf(f, "%s%-30s", line ? "" : "\n", "");
		for (i = from; i < to; i++)
			fprintf(f, " %11s", name_line(r->policy[i].name, line, 11, buf) ? buf : "");
		fputc('\n', f);
	}
}

/* The self-checks as JSON: one writer for what-if and report (the same keys). */
void tlbr_json_checks(struct tlbr_json *j, const struct tlbr_replay_result *r)
{
	unsigned int k;

	tlbr_json_obj_begin(j, "checks");
	tlbr_json_u64(j, "real_ipis", r->real_ipis);
	tlbr_json_u64(j, "real_ipi_shootdowns", r->real_ipi_flushes);
	tlbr_json_u64(j, "write_faults_present", r->write_faults_present);
	tlbr_json_u64(j, "cow_breaks", r->cow_breaks);
	tlbr_json_u64(j, "reuses", r->reuses);
	tlbr_json_u64(j, "contpte_reuses", r->contpte_reuses);
	tlbr_json_u64(j, "contpte_dirty", r->contpte_dirty);
	tlbr_json_u64(j, "huge_reuses", r->huge_reuses);
	tlbr_json_u64(j, "asid_rollovers", r->asid_rollovers);
	tlbr_json_u64(j, "batch_pending_implied", r->batch_pending_implied);
	if (r->switch_breaks) {	/* only then: goldens of traces without them stay as they were */
		tlbr_json_u64(j, "switch_breaks", r->switch_breaks);
		tlbr_json_u64(j, "tasks_lost_sight", r->tasks_lost_sight);
	}
	if (r->hidden_tasks)
		tlbr_json_u64(j, "hidden_tasks_from_ns", r->hidden_ns);
	if (r->unchecked_flushes)	/* only then, as in the text */
		tlbr_json_u64(j, "unchecked_flushes", r->unchecked_flushes);
	if (r->lost_unknown)
		tlbr_json_bool(j, "lost_events_unknown", true);
	tlbr_json_u64(j, "tlbi_broadcast_instructions", r->real_tlbi_is);
	tlbr_json_obj_begin(j, "tlbi_broadcast_ops_by_site");
	for (k = 0; k < TLBR_SITE__COUNT; k++)
		if (r->real_tlbi_ops[k])
			tlbr_json_u64(j, tlbr_site_name((enum tlbr_site)k), r->real_tlbi_ops[k]);
	tlbr_json_obj_end(j);
	if (r->census_unprobed) {	/* only then: the goldens stay as they were */
		tlbr_json_u64(j, "tlbi_unprobed_broadcast_sites", r->census_unprobed);
		tlbr_json_str(j, "tlbi_unprobed_at", r->census_unprobed_at);
	}
	tlbr_json_u64(j, "spurious_observed", r->spurious_observed);
	tlbr_json_u64(j, "unexplained", r->unexplained);
	if (r->write_faults_lost)	/* only then: the goldens stay as they were */
		tlbr_json_u64(j, "write_faults_after_lost", r->write_faults_lost);
	tlbr_json_obj_end(j);
}

void tlbr_system_sentence(char *buf, size_t n, const struct tlbr_replay_result *system)
{
	size_t k = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < system->npolicies && k < n - 200; i++) {
		const struct tlbr_policy_result *p = &system->policy[i];

		k += (size_t)snprintf(buf + k, n - k, "%s%s %llu flush points, %llu broadcasts, "
				      "%llu IPIs", i ? "; " : "every process: ", p->name,
				      (unsigned long long)p->flush_points,
				      (unsigned long long)p->broadcasts, (unsigned long long)p->ipis);
	}
}

/* The column of @m named @name (a column it has). */
static const struct tlbr_col *column(const struct matrix *m, const char *name)
{
	for (unsigned int c = 0; c < m->t.ncols; c++)
		if (!strcmp(m->cols[c].name, name))
			return &m->cols[c];
	abort();	/* a renderer asking for a column the matrix has not: a bug */
}

/* One line of the text: column @col's label, then its cells of policies [from, to). */
static void print_line(FILE *f, const struct matrix *m, const char *col, bool indent,
		       unsigned int from, unsigned int to)
{
	const struct tlbr_col *c = column(m, col);
	unsigned int i;

	fprintf(f, "%s%-*s", indent ? "  " : "", indent ? 28 : 30, c->head);
	for (i = from; i < to; i++) {
		union tlbr_cell v = tlbr_table_get(&m->t, i, col);

		if (c->type == TLBR_COL_CYCLES)
			fprintf(f, " %11.0f", v.f);
		else if (c->type == TLBR_COL_PCT)
			fprintf(f, " %10.3f%%", v.f);
		else
			fprintf(f, " %11llu", (unsigned long long)v.u);
	}
	fputc('\n', f);
}

/* Is column @col 0 for every policy? */
static bool all_zero(const struct matrix *m, const char *col)
{
	for (unsigned int i = 0; i < m->t.nrows; i++)
		if (tlbr_table_get(&m->t, i, col).u)
			return false;
	return true;
}

/*
 * The text's lines, in order: the matrix's columns by name. "by_site" stands
 * for the sites some policy flushed at; broadcasts_uncertain is shown when
 * the trace leaves broadcasts uncertain, stale_sound when the residency
 * model bounds the TLB.
 */
static const struct text_line {
	const char *col;
	bool indent;
} text_lines[] = {
	{ "flush_points", false },
	{ "by_site", true },
	{ "broadcasts", false },
	{ "broadcasts_uncertain", true },
	{ "local", false },
	{ "skipped", false },
	{ "merged", false },
	{ "deferred", false },
	{ "syncs", true },
	{ "pending_syncs", true },
	{ "ipis", false },
	{ "table_syncs", false },
	{ "switch_flushes", false },
	{ "avoidable", false },
	{ "avoidable_by.never_elsewhere", true },
	{ "avoidable_by.already_flushed", true },
	{ "avoidable_by.not_present", true },
	{ "stale_ro", false },
	{ "stale_sound", true },
	{ "stale_unused", true },
	{ "spurious_predicted", false },
	{ "spurious_upper", true },
	{ "upgraded", false },
	{ "unsafe", false },
	{ "ops.tlbi_is", false },
	{ "ops.repeat_tlbi_dsb", true },
	{ "ops.tlbi_local", false },
	{ "ops.migrate_disable_enable", false },
	{ "ops.kmap_dsb_isb", false },
};

int tlbr_whatif_print_text(FILE *f, const struct tlbr_replay_result *r,
			   const struct tlbr_whatif_render *o)
{
	unsigned int from, i, k, c;
	struct matrix m;

	if (matrix_build(&m, r, o) < 0)
		return -ENOMEM;
	tlbr_print_models(f, r, o->path, o->describe, o->costs, o->cpu_from, o->arm64_from);
	tlbr_print_ready(f, o->ready);
	if (o->scope && *o->scope) {
		char buf[512];

		snprintf(buf, sizeof(buf), "%s (counted; the replay sees every event): %.6f s of "
			 "CPU time", o->scope, (double)o->cpu_ns / 1e9);
		tlbr_print_wrapped(f, "scope", 12, buf, 80);
	}
	if (o->system) {	/* the whole system beside the workload's counts */
		char buf[2048];

		tlbr_system_sentence(buf, sizeof(buf), o->system);
		tlbr_print_wrapped(f, "system", 12, buf, 80);
	}

	for (from = 0; from < r->npolicies; from += COLS_PER_BLOCK) {
		unsigned int to = from + COLS_PER_BLOCK < r->npolicies ? from + COLS_PER_BLOCK :
									 r->npolicies;

		print_header(f, r, from, to);
		for (k = 0; k < ARRAY_SIZE(text_lines); k++) {
			const struct text_line *l = &text_lines[k];

			if (!strcmp(l->col, "by_site")) {
				for (c = 0; next_in_group(&m, "by_site", &c); c++)
					if (!all_zero(&m, m.cols[c].name))
						print_line(f, &m, m.cols[c].name, true, from, to);
				continue;
			}
			if (!strcmp(l->col, "broadcasts_uncertain") && !tlbr_uncertain(r))
				continue;
			if (!strcmp(l->col, "stale_sound") && !strcmp(r->tlb_model, "unbounded"))
				continue;
			print_line(f, &m, l->col, l->indent, from, to);
		}
		if (o->costs) {
			double base = tlbr_table_get(&m.t, baseline(r), "est_cycles").f;

			print_line(f, &m, "est_cycles", false, from, to);
			fprintf(f, "%-30s", "  vs baseline");
			for (i = from; i < to; i++) {
				double cy = tlbr_table_get(&m.t, i, "est_cycles").f;

				if (base > 0)
					fprintf(f, " %+10.1f%%", 100.0 * (cy - base) / base);
				else
					fprintf(f, " %11s", "-");
			}
			fputc('\n', f);
			if (o->costs->ghz > 0 && o->cpu_ns)
				print_line(f, &m, "est_busy_share_pct", true, from, to);
		}
	}
	tlbr_table_release(&m.t);
	if (o->costs)
		fprintf(f, "(cycles are the '%s' cost model's estimate; the baseline is %s;\n"
			   " a positive change is a regression)\n", o->costs->name,
			r->policy[baseline(r)].name);
	if (o->costs && o->costs->ghz > 0 && o->cpu_ns)
		fprintf(f, "(share of busy CPU time: the modelled flush cycles at %.1f GHz over the\n"
			   " %.6f s the counted tasks ran (from the switches): an estimate)\n",
			o->costs->ghz, (double)o->cpu_ns / 1e9);
	if (strcmp(r->tlb_model, "unbounded"))
		fprintf(f, "(avoidable under '%s' is an estimate, not a bound)\n", r->tlb_model);
	tlbr_print_uncertain(f, r);

	tlbr_print_checks(f, r);

	for (i = 0; i < r->npolicies; i++) {
		const struct tlbr_policy_result *p = &r->policy[i];

		for (k = 0; k < p->nfindings && k < o->max_findings; k++) {
			const struct tlbr_finding *fd = &p->findings[k];

			fprintf(f, "\nUNSAFE under %s: cpu %d may hold a%s '%s' translation of %#llx "
				   "(mm %u) where the page table allows '%s'\n", p->name, fd->cpu,
				!strcmp(fd->held, "old") ? "n" : "", fd->held,
				(unsigned long long)fd->addr, fd->mm, fd->allowed);
			for (unsigned int s = 0; s < fd->nsteps; s++) {
				const struct tlbr_step *st = &fd->steps[s];

				fprintf(f, "  %u. ", s + 1);
				print_ts(f, st->ts_ns);
				fprintf(f, " cpu %d", st->cpu);
				if (st->pid >= 0)
					fprintf(f, " pid %d", st->pid);
				fprintf(f, " @%llu: %s\n", (unsigned long long)st->pos, st->what);
			}
		}
		if (p->unsafe > k)
			fprintf(f, "(%s: %llu unsafe findings in all, %u shown)\n", p->name,
				(unsigned long long)p->unsafe, k);
	}
	return 0;
}

/* Column @col of policy @row as the JSON key @col. */
static void json_u(struct tlbr_json *j, const struct matrix *m, unsigned int row, const char *col)
{
	tlbr_json_u64(j, col, tlbr_table_get(&m->t, row, col).u);
}

/* The columns @group.* of policy @row as the JSON object @group (without the 0s if @skip0). */
static void json_group(struct tlbr_json *j, const struct matrix *m, unsigned int row,
		       const char *group, bool skip0)
{
	unsigned int c;

	tlbr_json_obj_begin(j, group);
	for (c = 0; next_in_group(m, group, &c); c++) {
		uint64_t v = tlbr_table_get(&m->t, row, m->cols[c].name).u;

		if (v || !skip0)
			tlbr_json_u64(j, m->cols[c].name + strlen(group) + 1, v);
	}
	tlbr_json_obj_end(j);
}

int tlbr_whatif_print_json(FILE *f, const struct tlbr_replay_result *r,
			   const struct tlbr_whatif_render *o)
{
	struct tlbr_json j;
	char kv[16];
	unsigned int i, k, s;
	struct matrix m;

	if (matrix_build(&m, r, o) < 0)
		return -ENOMEM;
	tlbr_json_init(&j, f, true);
	tlbr_json_obj_begin(&j, NULL);
	tlbr_json_str(&j, "schema", "tlbreplay-what-if");
	tlbr_json_u64(&j, "version", TLBR_JSON_SCHEMA_VERSION);
	tlbr_json_str(&j, "file", o->path);
	tlbr_json_str(&j, "description", o->describe);
	if (o->label)
		tlbr_json_str(&j, "label", o->label);
	tlbr_json_str(&j, "metadata", o->metadata ? o->metadata : "");
	tlbr_json_str(&j, "scope", o->scope ? o->scope : "");
	if (o->system) {	/* every process, when the scope is the recorded workload's */
		tlbr_json_arr_begin(&j, "system");
		for (i = 0; i < o->system->npolicies; i++) {
			const struct tlbr_policy_result *p = &o->system->policy[i];

			tlbr_json_obj_begin(&j, NULL);
			tlbr_json_str(&j, "name", p->name);
			tlbr_json_u64(&j, "flush_points", p->flush_points);
			tlbr_json_u64(&j, "broadcasts", p->broadcasts);
			tlbr_json_u64(&j, "ipis", p->ipis);
			tlbr_json_obj_end(&j);
		}
		tlbr_json_arr_end(&j);
	}
	tlbr_json_u64(&j, "cpu_time_ns", o->cpu_ns);
	tlbr_json_u64(&j, "span_ns", o->span_ns);
	tlbr_json_str(&j, "tlb_model", r->tlb_model);
	tlbr_json_str(&j, "cpu_model", r->cpu_model);
	tlbr_json_str(&j, "cpu_model_from", o->cpu_from ? o->cpu_from : "");
	tlbr_json_str(&j, "env", r->env);
	tlbr_json_bool(&j, "preempt", r->preempt);
	/* the traced kernel's version the version-dependent rules followed */
	tlbr_json_str(&j, "kernel_version", tlbr_kver_string(r->kernel, kv, sizeof(kv)));
	/* ... and the arm64 kernel's the arm64 policies' prediction followed */
	tlbr_json_str(&j, "arm64_kernel_version", tlbr_kver_string(r->arm64_kernel, kv, sizeof(kv)));
	tlbr_json_str(&j, "arm64_kernel_from", o->arm64_from ? o->arm64_from : "");
	if (o->costs) {
		tlbr_json_obj_begin(&j, "costs");
		tlbr_json_str(&j, "name", o->costs->name);
		tlbr_json_str(&j, "source", o->costs->source);
		for (k = 0; k < TLBR_OP__COUNT; k++)
			tlbr_json_double(&j, tlbr_op_name((enum tlbr_op)k), o->costs->c[k]);
		tlbr_json_double(&j, "per_cpu", o->costs->per_cpu);
		tlbr_json_double(&j, "migrate_nopreempt", o->costs->migrate_nopreempt);
		tlbr_json_double(&j, "ghz", o->costs->ghz);
		tlbr_json_str(&j, "baseline", r->policy[baseline(r)].name);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_u64(&j, "cpus", (uint64_t)r->ncpus);
	tlbr_json_u64(&j, "events", r->events);
	tlbr_json_u64(&j, "pages", r->pages);
	tlbr_json_ready(&j, o->ready);
	tlbr_json_checks(&j, r);
	tlbr_json_x86_check(&j, r);
	tlbr_json_arr_begin(&j, "policies");
	for (i = 0; i < r->npolicies; i++) {
		const struct tlbr_policy_result *p = &r->policy[i];

		tlbr_json_obj_begin(&j, NULL);
		tlbr_json_str(&j, "name", tlbr_table_get(&m.t, i, "name").s);
		json_u(&j, &m, i, "flush_points");
		json_group(&j, &m, i, "by_site", true);
		json_u(&j, &m, i, "broadcasts");
		json_u(&j, &m, i, "broadcasts_uncertain");
		json_group(&j, &m, i, "by_site_uncertain", true);
		json_u(&j, &m, i, "local");
		json_u(&j, &m, i, "skipped");
		json_u(&j, &m, i, "merged");
		json_u(&j, &m, i, "deferred");
		json_u(&j, &m, i, "syncs");
		json_u(&j, &m, i, "pending_syncs");
		json_u(&j, &m, i, "ipis");
		json_u(&j, &m, i, "table_syncs");
		json_u(&j, &m, i, "switch_flushes");
		json_u(&j, &m, i, "avoidable");
		json_group(&j, &m, i, "avoidable_by", false);
		json_u(&j, &m, i, "stale_ro");
		json_u(&j, &m, i, "stale_sound");
		json_u(&j, &m, i, "stale_unused");
		json_u(&j, &m, i, "spurious_predicted");
		json_u(&j, &m, i, "spurious_upper");
		json_u(&j, &m, i, "upgraded");
		json_group(&j, &m, i, "ops", false);
		if (o->costs)
			tlbr_json_double(&j, "est_cycles", tlbr_table_get(&m.t, i, "est_cycles").f);
		if (o->costs && o->costs->ghz > 0 && o->cpu_ns)
			tlbr_json_double(&j, "est_busy_share_pct",
					 tlbr_table_get(&m.t, i, "est_busy_share_pct").f);
		json_u(&j, &m, i, "unsafe");
		tlbr_json_arr_begin(&j, "findings");
		for (k = 0; k < p->nfindings; k++) {
			const struct tlbr_finding *fd = &p->findings[k];

			tlbr_json_obj_begin(&j, NULL);
			tlbr_json_u64(&j, "mm", fd->mm);
			tlbr_json_u64(&j, "addr", fd->addr);
			tlbr_json_i64(&j, "cpu", fd->cpu);
			tlbr_json_str(&j, "held", fd->held);
			tlbr_json_str(&j, "allowed", fd->allowed);
			tlbr_json_arr_begin(&j, "steps");
			for (s = 0; s < fd->nsteps; s++) {
				tlbr_json_obj_begin(&j, NULL);
				tlbr_json_u64(&j, "ts_ns", fd->steps[s].ts_ns);
				tlbr_json_u64(&j, "pos", fd->steps[s].pos);
				tlbr_json_i64(&j, "cpu", fd->steps[s].cpu);
				tlbr_json_i64(&j, "pid", fd->steps[s].pid);
				tlbr_json_str(&j, "what", fd->steps[s].what);
				tlbr_json_obj_end(&j);
			}
			tlbr_json_arr_end(&j);
			tlbr_json_obj_end(&j);
		}
		tlbr_json_arr_end(&j);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_arr_end(&j);
	tlbr_json_obj_end(&j);
	tlbr_table_release(&m.t);
	return 0;
}
