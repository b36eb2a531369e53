// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * markdown-report.c - `tlbreplay report --format markdown`: one
 * self-contained document for a cover letter or a wiki: where the numbers
 * come from (tlbreplay, the trace and its hash, the machine it was recorded
 * on, the models), whether the trace is fit for replay, the checks against
 * the traced kernel, the tables, the plots and the counterexamples.
 */
#include <string.h>

#include "config.h"
#include "markdown.h"

/* The plots of --plot DIR (plot.c writes NAME.gp, NAME.png, NAME.svg). */
static const struct { const char *name, *title; } plots[] = {
	{ "policies", "Broadcasts, local flushes and skipped flush points per policy" },
	{ "broadcasts-over-time", "Broadcasts over time" },
	{ "stale-by-cpu", "Stale read-only entries by CPU" },
	{ "avoidable-by-process", "Avoidable broadcasts by process" },
};

/* The recorder's value of @key, or "?" */
static const char *known(const char *md, const char *key, char *buf, size_t n)
{
	const char *v = tlbr_metadata_get(md, key, buf, n);

	return v ? v : "?";
}

static void row(FILE *f, const char *key, const char *val)
{
	fprintf(f, "| %s | ", key);
	tlbr_md_escape(f, val);
	fprintf(f, " |\n");
}

static void provenance(FILE *f, const struct tlbr_replay_result *res,
		       const struct tlbr_report_info *info, const struct tlbr_provenance *prov)
{
	const struct tlbr_tlb_model *tm = tlbr_tlb_model_find(res->tlb_model);
	const struct tlbr_cpu_model *cm = tlbr_cpu_model_find(res->cpu_model);
	const char *md = prov->metadata ? prov->metadata : "";
	char buf[512], v[6][160];

	fprintf(f, "## Provenance\n\n| | |\n|---|---|\n");
	row(f, "tlbreplay", TLBR_VERSION);
	snprintf(buf, sizeof(buf), "%s (%s)", info->path, info->describe);
	row(f, "trace", buf);
	row(f, "sha256", prov->sha256 ? prov->sha256 : "(not a single file)");
	if (tlbr_metadata_get(md, "kernel", v[0], sizeof(v[0]))) {
		snprintf(buf, sizeof(buf), "Linux %s, %s, page size %s",
			 v[0], known(md, "arch", v[1], sizeof(v[1])),
			 known(md, "page_size", v[2], sizeof(v[2])));
		row(f, "recorded on", buf);
		snprintf(buf, sizeof(buf), "%s, %s CPUs",
			 known(md, "cpu_model", v[3], sizeof(v[3])),
			 known(md, "cpus", v[4], sizeof(v[4])));
		for (char *c = buf; *c; c++)
			if (*c == '_')
				*c = ' ';
		row(f, "CPU", buf);
		row(f, "virtualised", known(md, "virtualised", v[5], sizeof(v[5])));
		row(f, "recorder", known(md, "recorder", v[0], sizeof(v[0])));
		if (tlbr_metadata_get(md, "plan_missing", v[1], sizeof(v[1]))) {
			for (char *c = v[1]; *c; c++)
				if (*c == ',')
					*c = ' ';
			row(f, "plan: events this kernel lacks", v[1]);
		}
		row(f, "preemption model", "not recorded: see the replay's kernel row");
	} else {
		row(f, "recorded on", "not recorded (the trace was not written by tlbreplay "
				      "record): kernel, CPU and virtualisation unknown");
	}
	snprintf(buf, sizeof(buf), "%llu events on %d CPUs, %llu pages modelled",
		 (unsigned long long)res->events, res->ncpus, (unsigned long long)res->pages);
	row(f, "replayed", buf);
	snprintf(buf, sizeof(buf), "%s: %s", res->tlb_model, tm ? tm->source : "");
	row(f, "residency model", buf);
	snprintf(buf, sizeof(buf), "%s: %s", res->cpu_model, cm ? cm->note : "");
	row(f, "CPU model", buf);
	snprintf(buf, sizeof(buf), "%s, %s", res->env, res->preempt ?
		 "preemptible (migrate_disable priced as such)" :
		 "not preemptible (migrate_disable nearly free)");
	row(f, "replayed kernel", buf);
	snprintf(buf, sizeof(buf), "%s: %s", info->costs->name, info->costs->source);
	row(f, "cost model", buf);
	if (prov->scope && *prov->scope) {
		snprintf(buf, sizeof(buf), "%s (the tables count these events; the replay saw "
			 "every event)", prov->scope);
		row(f, "counted", buf);
	}
	if (info->system) {
		char sys[2048];

		tlbr_system_sentence(sys, sizeof(sys), info->system);
		row(f, "whole system", sys);
	}
	fputc('\n', f);
}

static void readiness(FILE *f, const struct tlbr_provenance *prov)
{
	static const char *const need[] = { "required", "recommended", "optional" };
	unsigned int i;

	if (!prov->verdict)
		return;
	fprintf(f, "## Readiness: %s\n\n", prov->verdict);
	fprintf(f, "What replay needs and whether this trace has it (see tlbreplay-stat(1)).\n\n"
		   "| input | events | need | recorded | without it |\n|---|---|---|---|---|\n");
	for (i = 0; i < prov->nready; i++) {
		const struct tlbr_readiness *r = &prov->ready[i];

		fputs("| ", f);
		tlbr_md_escape(f, r->input);
		fputs(" | ", f);
		tlbr_md_escape(f, r->events);
		fprintf(f, " | %s | %s | ", need[r->need], r->present ? (r->occurred ? "yes" :
						"yes (none occurred)") : "**no**");
		tlbr_md_escape(f, r->present ? "" : r->without);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

static void table(FILE *f, const struct tlbr_report *rep, enum tlbr_report_table t)
{
	tlbr_table_print_markdown(f, tlbr_report_table(rep, t), 3);
}

void tlbr_report_print_markdown(FILE *f, const struct tlbr_report *rep,
				const struct tlbr_replay_result *res,
				const struct tlbr_report_info *info,
				const struct tlbr_provenance *prov)
{
	static const enum tlbr_report_table order[] = {
		TLBR_T_BY_SITE, TLBR_T_BY_REASON, TLBR_T_BY_PROCESS, TLBR_T_BY_RANGE,
		TLBR_T_STALE_BY_CPU, TLBR_T_STALE_BY_PROCESS, TLBR_T_STALE_BY_RANGE,
	};
	const char *base = strrchr(info->path, '/');
	unsigned int i;

	fprintf(f, "# TLB flush policies replayed on ");
	tlbr_md_escape(f, base ? base + 1 : info->path);
	fprintf(f, "\n\nCounts are facts of the replay of this trace; which CPUs may hold "
		   "which translations is the residency model named below; cycles are the "
		   "cost model's estimate, not a measurement.\n\n");
	provenance(f, res, info, prov);
	readiness(f, prov);

	fprintf(f, "## Checks against the traced kernel\n\n```");
	tlbr_print_checks(f, res);
	fprintf(f, "```\n\n");
	tlbr_table_print_markdown(f, tlbr_report_table(rep, TLBR_T_SUMMARY), 2);
	table(f, rep, TLBR_T_COSTS);
	fprintf(f, "Cycles are the '");
	tlbr_md_escape(f, info->costs->name);
	fprintf(f, "' cost model's estimate; the baseline is %s; a positive change is a "
		   "regression.\n\n## Breakdowns\n\n", res->policy[tlbr_report_baseline(res)].name);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		table(f, rep, order[i]);
	if (res->spurious_observed) {
		table(f, rep, TLBR_T_SEEN_BY_CPU);
		table(f, rep, TLBR_T_SEEN_BY_PROCESS);
		table(f, rep, TLBR_T_SEEN_BY_RANGE);
	}
	if (prov->plot_dir) {
		fprintf(f, "## Plots\n\nRendered by gnuplot into `%s` (the scripts and data are "
			   "beside them: restyle and render again with `gnuplot NAME.gp`).\n\n",
			prov->plot_dir);
		for (i = 0; i < ARRAY_SIZE(plots); i++)
			fprintf(f, "![%s](%s/%s.svg)\n\n", plots[i].title, prov->plot_dir,
				plots[i].name);
	} else {
		fprintf(f, "(Broadcasts over time: `--table broadcasts_over_time`; plots: "
			   "`--plot DIR`.)\n\n");
	}
	if (!tlbr_report_table(rep, TLBR_T_UNSAFE)->nrows)
		fprintf(f, "## Unsafe findings\n\nNone: no policy let a CPU keep a translation "
			   "the page table no longer allows.\n\n");
	else
		tlbr_table_print_markdown(f, tlbr_report_table(rep, TLBR_T_UNSAFE), 2);
}
