// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report-print.c - `tlbreplay report` as text (80 columns), one JSON
 * object (schema tlbreplay-report, see tlbreplay-report(5)) and an ASCII
 * table to paste into a mailing-list reply.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "config.h"
#include "report.h"

static void costs_note(FILE *f, const struct tlbr_replay_result *res,
		       const struct tlbr_report_info *info)
{
	fprintf(f, "(cycles are the '%s' cost model's estimate, not a measurement; the\n"
		   " baseline is %s; a positive change is a regression)\n\n", info->costs->name,
		res->policy[tlbr_report_baseline(res)].name);
}

/* The counterexamples as numbered steps under their finding. */
static void print_unsafe_text(FILE *f, const struct tlbr_table *t)
{
	char a[24], b[24], c[128], prefix[96];
	unsigned int r;
	int n;

	fprintf(f, "%s\n", t->title);
	for (r = 0; r < strlen(t->title); r++)
		fputc('-', f);
	fputc('\n', f);
	if (!t->nrows)
		fprintf(f, "(none: no policy let a CPU keep a translation the page table no longer "
			   "allows)\n");
	for (r = 0; r < t->nrows; r++) {
#define CELL(name) tlbr_table_get(t, r, name)
		if (CELL("step").u == 1)
			fprintf(f, "%s%s #%llu: cpu %llu may hold '%s' for %#llx of pid %lld (%s);\n"
				   "  the page table allows '%s'\n", r ? "\n" : "",
				tlbr_printable(CELL("policy").s, c, sizeof(c)),
				(unsigned long long)CELL("finding").u,
				(unsigned long long)CELL("holder_cpu").u, CELL("held").s,
				(unsigned long long)CELL("addr").u, (long long)CELL("pid").i,
				tlbr_printable(CELL("comm").s, a, sizeof(a)), CELL("allowed").s);
		n = snprintf(prefix, sizeof(prefix), "  %llu. %.9f cpu %llu",
			     (unsigned long long)CELL("step").u, CELL("time_s").f,
			     (unsigned long long)CELL("cpu").u);
		if (CELL("step_pid").i >= 0 && n > 0 && (size_t)n < sizeof(prefix))
			n += snprintf(prefix + n, sizeof(prefix) - (size_t)n, " %s-%lld",
				      tlbr_printable(CELL("step_comm").s, b, sizeof(b)),
				      (long long)CELL("step_pid").i);
		if (n > 0 && (size_t)n < sizeof(prefix) - 3)
			strcat(prefix, ": ");
		tlbr_print_wrapped(f, prefix, 7, tlbr_printable(CELL("event").s, c, sizeof(c)), 80);
#undef CELL
	}
	fputc('\n', f);
}

/* Broadcasts over time, in words: the busiest bucket of each policy. */
static void print_time_text(FILE *f, const struct tlbr_table *t)
{
	unsigned int r, best = 0;
	uint64_t total = 0;

	fprintf(f, "%s\n", t->title);
	for (r = 0; r < strlen(t->title); r++)
		fputc('-', f);
	fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		union tlbr_cell name = tlbr_table_get(t, r, "policy");
		uint64_t n = tlbr_table_get(t, r, "broadcasts").u;
		bool last = r + 1 == t->nrows ||
			    strcmp(tlbr_table_get(t, r + 1, "policy").s, name.s);

		total += n;
		if (n > tlbr_table_get(t, best, "broadcasts").u ||
		    strcmp(tlbr_table_get(t, best, "policy").s, name.s))
			best = r;
		if (!last)
			continue;
		if (tlbr_table_get(t, best, "broadcasts").u)
			fprintf(f, "%-24s %8llu, at most %llu in %.6f s (from %.6f s)\n", name.s,
				(unsigned long long)total,
				(unsigned long long)tlbr_table_get(t, best, "broadcasts").u,
				tlbr_table_get(t, best, "width_s").f,
				tlbr_table_get(t, best, "start_s").f);
		else
			fprintf(f, "%-24s %8u\n", name.s, 0);
		total = 0;
		best = r + 1;
	}
	fprintf(f, "(every bucket: --table broadcasts_over_time; a plot: --plot DIR)\n\n");
}

void tlbr_report_print_text(FILE *f, const struct tlbr_report *rep,
			    const struct tlbr_replay_result *res, const struct tlbr_report_info *info)
{
	static const enum tlbr_report_table order[] = {
		TLBR_T_BY_SITE, TLBR_T_BY_REASON, TLBR_T_BY_PROCESS, TLBR_T_BY_RANGE,
		TLBR_T_STALE_BY_CPU, TLBR_T_STALE_BY_PROCESS, TLBR_T_STALE_BY_RANGE,
	};
	unsigned int i;

	tlbr_print_models(f, res, info->path, info->describe, info->costs, info->cpu_from,
			  info->arm64_from);
	tlbr_print_ready(f, info->ready);
	if (info->scope && *info->scope) {
		char buf[400];

		snprintf(buf, sizeof(buf), "%s (the tables count these events; the replay sees "
			 "every event)", info->scope);
		tlbr_print_wrapped(f, "counted", 12, buf, 80);
	}
	if (info->system) {
		char buf[2048];

		tlbr_system_sentence(buf, sizeof(buf), info->system);
		tlbr_print_wrapped(f, "system", 12, buf, 80);
	}
	fputc('\n', f);
	tlbr_table_print_text(f, tlbr_report_table(rep, TLBR_T_SUMMARY));
	costs_note(f, res, info);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		tlbr_table_print_text(f, tlbr_report_table(rep, order[i]));
	if (res->spurious_observed) {
		tlbr_table_print_text(f, tlbr_report_table(rep, TLBR_T_SEEN_BY_CPU));
		tlbr_table_print_text(f, tlbr_report_table(rep, TLBR_T_SEEN_BY_PROCESS));
		tlbr_table_print_text(f, tlbr_report_table(rep, TLBR_T_SEEN_BY_RANGE));
	}
	print_time_text(f, tlbr_report_table(rep, TLBR_T_OVER_TIME));
	print_unsafe_text(f, tlbr_report_table(rep, TLBR_T_UNSAFE));
	tlbr_table_print_text(f, tlbr_report_table(rep, TLBR_T_COSTS));
	costs_note(f, res, info);
	tlbr_print_uncertain(f, res);
	tlbr_print_checks(f, res);
}

void tlbr_report_print_json(FILE *f, const struct tlbr_report *rep,
			    const struct tlbr_replay_result *res, const struct tlbr_report_info *info)
{
	const struct tlbr_tlb_model *tm = tlbr_tlb_model_find(res->tlb_model);
	const struct tlbr_costs *c = info->costs;
	struct tlbr_json j;
	char kv[16];
	unsigned int k;

	tlbr_json_init(&j, f, true);
	tlbr_json_obj_begin(&j, NULL);
	tlbr_json_str(&j, "schema", TLBR_REPORT_SCHEMA);
	tlbr_json_u64(&j, "version", TLBR_REPORT_SCHEMA_VERSION);
	tlbr_json_str(&j, "tool", "tlbreplay " TLBR_VERSION);
	tlbr_json_obj_begin(&j, "trace");
	tlbr_json_str(&j, "file", info->path);
	tlbr_json_str(&j, "description", info->describe);
	tlbr_json_u64(&j, "events", res->events);
	tlbr_json_u64(&j, "cpus", (uint64_t)res->ncpus);
	tlbr_json_u64(&j, "pages", res->pages);
	tlbr_json_obj_end(&j);
	tlbr_json_obj_begin(&j, "models");
	tlbr_json_str(&j, "residency", res->tlb_model);
	tlbr_json_str(&j, "residency_source", tm ? tm->source : "");
	tlbr_json_str(&j, "cpu", res->cpu_model);
	tlbr_json_str(&j, "cpu_from", info->cpu_from ? info->cpu_from : "");
	tlbr_json_str(&j, "arm64_kernel", tlbr_kver_string(res->arm64_kernel, kv, sizeof(kv)));
	tlbr_json_str(&j, "arm64_kernel_from", info->arm64_from ? info->arm64_from : "");
	tlbr_json_str(&j, "env", res->env);
	tlbr_json_bool(&j, "preempt", res->preempt);
	tlbr_json_obj_begin(&j, "costs");
	tlbr_json_str(&j, "name", c->name);
	tlbr_json_str(&j, "source", c->source);
	tlbr_json_str(&j, "baseline", res->policy[tlbr_report_baseline(res)].name);
	tlbr_json_obj_begin(&j, "cycles");
	for (k = 0; k < TLBR_OP__COUNT; k++)
		tlbr_json_double(&j, tlbr_op_name((enum tlbr_op)k), c->c[k]);
	tlbr_json_double(&j, "per_cpu", c->per_cpu);
	tlbr_json_double(&j, "migrate_nopreempt", c->migrate_nopreempt);
	tlbr_json_obj_end(&j);
	tlbr_json_obj_end(&j);
	tlbr_json_obj_end(&j);
	tlbr_json_ready(&j, info->ready);
	tlbr_json_checks(&j, res);
	tlbr_json_obj_begin(&j, "tables");
	for (k = 0; k < TLBR_T__COUNT; k++)
		tlbr_table_print_json(&j, tlbr_report_table(rep, (enum tlbr_report_table)k));
	tlbr_json_obj_end(&j);
	tlbr_json_obj_end(&j);
	fputc('\n', f);
}

/* ------------------------------------------------------------ email */

struct erow {
	const char *policy;
	const char *metric;
	char base[24], value[24], change[16];
};

static void email_fmt(struct erow *e, double base, double v)
{
	snprintf(e->base, sizeof(e->base), "%.0f", base);
	snprintf(e->value, sizeof(e->value), "%.0f", v);
	if (base > 0)
		snprintf(e->change, sizeof(e->change), "%+.1f%%", 100.0 * (v - base) / base);
	else
		snprintf(e->change, sizeof(e->change), v > 0 ? "new" : "-");
}

static void email_rule(FILE *f, const unsigned int *w, char c)
{
	unsigned int i, k;

	for (i = 0; i < 5; i++) {
		fputc('+', f);
		for (k = 0; k < w[i] + 2; k++)
			fputc(c, f);
	}
	fputs("+\n", f);
}

int tlbr_report_print_email(FILE *f, const struct tlbr_report *rep,
			     const struct tlbr_replay_result *res,
			     const struct tlbr_report_info *info)
{
	static const char *const metrics[] = {
		"broadcasts", "local flushes", "IPIs", "avoidable broadcasts", "stale RO entries",
		"spurious faults", "unsafe findings", "est. cycles",
	};
	unsigned int b = tlbr_report_baseline(res), i, m, n = 0, k;
	const struct tlbr_policy_result *bp = &res->policy[b];
	struct erow *rows = calloc((size_t)res->npolicies * ARRAY_SIZE(metrics) + 1, sizeof(*rows));
	unsigned int w[5] = { 6, 6, 8, 5, 6 };
	char name[64];

	(void)rep;
	if (!rows)
		return -ENOMEM;
	for (i = 0; i < res->npolicies; i++) {
		const struct tlbr_policy_result *p = &res->policy[i];

		if (i == b && res->npolicies > 1)
			continue;
		for (m = 0; m < ARRAY_SIZE(metrics); m++) {
			struct erow *e = &rows[n++];
			double bv, v;

			switch (m) {
			case 0: bv = (double)bp->broadcasts; v = (double)p->broadcasts; break;
			case 1: bv = (double)bp->local; v = (double)p->local; break;
			case 2: bv = (double)bp->ops[TLBR_OP_IPI]; v = (double)p->ops[TLBR_OP_IPI];
				break;
			case 3: bv = (double)bp->avoidable; v = (double)p->avoidable; break;
			case 4: bv = (double)bp->stale_ro; v = (double)p->stale_ro; break;
			case 5: bv = (double)bp->spurious_predicted; v = (double)p->spurious_predicted;
				break;
			case 6: bv = (double)bp->unsafe; v = (double)p->unsafe; break;
			default:
				bv = tlbr_costs_cycles(info->costs, bp, res->ncpus, res->preempt);
				v = tlbr_costs_cycles(info->costs, p, res->ncpus, res->preempt);
			}
			e->policy = m ? "" : p->name;
			e->metric = metrics[m];
			email_fmt(e, bv, v);
		}
	}
	for (k = 0; k < n; k++) {
		unsigned int l[5] = { (unsigned int)strlen(rows[k].policy),
				      (unsigned int)strlen(rows[k].metric),
				      (unsigned int)strlen(rows[k].base),
				      (unsigned int)strlen(rows[k].value),
				      (unsigned int)strlen(rows[k].change) };

		for (i = 0; i < 5; i++)
			if (l[i] > w[i])
				w[i] = l[i];
	}
	{
		/* every line within 80 columns: the header too (a long path keeps its end) */
		char head[800], path[256];
		const char *p = tlbr_printable(info->path, path, sizeof(path));
		size_t len = strlen(p);

		snprintf(head, sizeof(head), "tlbreplay %s: %s%s (%s), %llu events, %d CPUs",
			 TLBR_VERSION, len > 60 ? "..." : "", len > 60 ? p + len - 57 : p,
			 info->describe, (unsigned long long)res->events, res->ncpus);
		tlbr_print_wrapped(f, "", 0, head, 80);
		snprintf(head, sizeof(head), "Residency model %s, CPU model %s, %s kernel, %s; "
			 "baseline %s.", res->tlb_model, res->cpu_model, res->env,
			 res->preempt ? "preemptible" : "not preemptible", bp->name);
		tlbr_print_wrapped(f, "", 0, head, 80);
		if (info->scope && *info->scope) {
			snprintf(head, sizeof(head), "Counted: %s (the replay sees every event).",
				 info->scope);
			tlbr_print_wrapped(f, "", 0, head, 80);
		}
		if (info->system) {
			char buf[2048];

			tlbr_system_sentence(buf, sizeof(buf), info->system);
			buf[0] = 'E';	/* "Every process: ..." */
			tlbr_print_wrapped(f, "", 0, buf, 80);
		}
		if (tlbr_ready_warn(info->ready)) {
			char line[512];

			snprintf(head, sizeof(head), "Trace readiness: %s.",
				 tlbr_ready_line(info->ready, line, sizeof(line)));
			tlbr_print_wrapped(f, "", 0, head, 80);
		}
		fputc('\n', f);
	}
	email_rule(f, w, '-');
	fprintf(f, "| %-*s | %-*s | %*s | %*s | %*s |\n", w[0], "Policy", w[1], "Metric",
		w[2], "Baseline", w[3], "Value", w[4], "Change");
	email_rule(f, w, '=');
	for (k = 0; k < n; k++) {
		if (k && rows[k].policy[0])
			email_rule(f, w, '-');
		fprintf(f, "| %-*s | %-*s | %*s | %*s | %*s |\n", w[0], rows[k].policy, w[1],
			rows[k].metric, w[2], rows[k].base, w[3], rows[k].value, w[4],
			rows[k].change);
	}
	email_rule(f, w, '-');
	fprintf(f, "\n");
	snprintf(name, sizeof(name), "%s", info->costs->name);
	{
		char text[800];

		snprintf(text, sizeof(text), "Counts are replayed from the trace; cycles are "
			 "estimates of the '%s' cost model, not measurements. Cost table: %s. "
			 "A positive change is a regression.", name, info->costs->source);
		tlbr_print_wrapped(f, "", 0, text, 72);
	}
	free(rows);
	return 0;
}
