// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - `tlbreplay report`: the findings of a replay in detail, as
 * text, JSON, CSV or a table for a mailing-list reply, and gnuplot plots.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "replay-cli.h"
#include "markdown.h"
#include "report.h"

enum fmt { F_TEXT, F_JSON, F_CSV, F_EMAIL, F_MARKDOWN };
enum { OPT_FORMAT = 256, OPT_TABLE, OPT_TOP, OPT_PLOT, OPT_GNUPLOT, OPT_JSON };

static const struct option report_options[] = {
	REPLAY_CLI_OPTIONS,
	{ "jobs", required_argument, NULL, 'j' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "gnuplot", required_argument, NULL, OPT_GNUPLOT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void report_help(FILE *f)
{
	unsigned int t;

	print_usage(f, tlbr_find_cmd("report"));
	fprintf(f, "\n");
	replay_cli_help_options(f);
	fprintf(f, REPLAY_CLI_JOBS_HELP);
	fprintf(f, "        --format <f>        text (80 columns), json (schema %s v%d), csv\n"
		   "                            (needs --table), email or markdown (default: text)\n"
		   "        --json              the same as --format json\n"
		   "        --table <name>      one table only (text, csv)\n"
		   "        --top <n>           rows per policy in the top-N tables (10; 0: all)\n"
		   "        --plot <dir>        gnuplot scripts, data, PNG and SVG images in <dir>\n"
		   "        --gnuplot <prog>    the gnuplot to run (default: gnuplot)\n"
		   "    -h, --help              this help\n\ntables:",
		TLBR_REPORT_SCHEMA, TLBR_REPORT_SCHEMA_VERSION);
	for (t = 0; t < TLBR_T__COUNT; t++)
		fprintf(f, "%s%s", t % 4 ? " " : "\n    ",
			tlbr_report_table_name((enum tlbr_report_table)t));
	fprintf(f, "\n");
	replay_cli_help_lists(f);
}

static bool table_known(const char *name)
{
	unsigned int t;

	for (t = 0; t < TLBR_T__COUNT; t++)
		if (!strcmp(tlbr_report_table_name((enum tlbr_report_table)t), name))
			return true;
	return false;
}

struct report_args {
	enum fmt fmt;
	const char *table;
	unsigned int top;
	const char *plot;
	const char *gnuplot;
};

static int parse(int argc, char **argv, struct replay_cli *o, struct report_args *a,
		 const char **ret_path)
{
	char *end;
	int c, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "p:i:j:h", report_options, NULL)) != -1) {
		if (replay_cli_option(o, c, optarg, "report", &status) < 0)
			return status;
		switch (c) {
		case 'j':
			if (replay_cli_jobs(o, optarg, "report", &status) < 0)
				return status;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				a->fmt = F_TEXT;
			else if (!strcmp(optarg, "json"))
				a->fmt = F_JSON;
			else if (!strcmp(optarg, "csv"))
				a->fmt = F_CSV;
			else if (!strcmp(optarg, "email"))
				a->fmt = F_EMAIL;
			else if (!strcmp(optarg, "markdown"))
				a->fmt = F_MARKDOWN;
			else {
				static const char *const fmts[] = { "text", "json", "csv", "email",
								    "markdown" };
				const char *s = did_you_mean(optarg, fmts, 5);

				error("unknown format '%s'%s%s%s (text, json, csv, email or markdown)",
				      optarg,
				      s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
				return TLBR_EXIT_USAGE;
			}
			break;
		case OPT_TABLE:
			if (!table_known(optarg)) {
				const char *names[TLBR_T__COUNT];
				const char *sug;
				unsigned int t;

				for (t = 0; t < TLBR_T__COUNT; t++)
					names[t] = tlbr_report_table_name((enum tlbr_report_table)t);
				sug = did_you_mean(optarg, names, TLBR_T__COUNT);
				if (sug)
					error("unknown table '%s'; did you mean '%s'?", optarg, sug);
				else
					error("unknown table '%s' (tlbreplay report --help lists them)",
					      optarg);
				return TLBR_EXIT_USAGE;
			}
			a->table = optarg;
			break;
		case OPT_TOP:
			a->top = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !*optarg) {
				error("--top takes a number, not '%s'", optarg);
				return TLBR_EXIT_USAGE;
			}
			break;
		case OPT_PLOT:
			a->plot = optarg;
			break;
		case OPT_GNUPLOT:
			a->gnuplot = optarg;
			break;
		case 'h':
			report_help(stdout);
			return -1;
		case OPT_JSON:
			a->fmt = F_JSON;
			break;
		case '?':
			return usage_bad_option("report", report_options, argc, argv, optind);
		}
	}
	if (a->fmt == F_CSV && !a->table) {
		error("--format csv writes one table: name it with --table (--help lists them)");
		return TLBR_EXIT_USAGE;
	}
	if (a->table && (a->fmt == F_JSON || a->fmt == F_EMAIL || a->fmt == F_MARKDOWN)) {
		error("--table goes with --format text or csv");
		return TLBR_EXIT_USAGE;
	}
	*ret_path = input_parse_trace(argc, argv, optind, o->input, "report");
	return *ret_path ? 0 : TLBR_EXIT_USAGE;
}

struct report_ctx {
	struct tlbr_report *rep;
};

static void on_event(void *ctx, const struct tlbr_event *ev)
{
	struct report_ctx *c = ctx;

	tlbr_report_time(c->rep, ev->ts_ns);
}

/* --format markdown: the document, with what the numbers come from. */
static void print_markdown(const struct tlbr_report *rep, const struct tlbr_replay_result *res,
			   const struct tlbr_report_info *info, const struct report_args *a,
			   struct replay_run *run)
{
	struct tlbr_readiness items[TLBR_READINESS_MAX];
	struct tlbr_provenance prov = {
		.metadata = tlbr_adapter_metadata(run->in.adapter),
		.scope = run->cli->scope.desc, .plot_dir = a->plot,
	};
	char hex[65];

	if (tlbr_sha256_file(info->path, hex) == 0)
		prov.sha256 = hex;
	prov.nready = tlbr_stat_readiness(&run->stat, items, &prov.verdict);
	prov.ready = items;
	tlbr_report_print_markdown(stdout, rep, res, info, &prov);
}

static void print(const struct tlbr_report *rep, const struct tlbr_replay_result *res,
		  const struct tlbr_report_info *info, const struct report_args *a)
{
	const struct tlbr_table *t = a->table ? tlbr_report_table_find(rep, a->table) : NULL;

	switch (a->fmt) {
	case F_TEXT:
		if (t)
			tlbr_table_print_text(stdout, t);
		else
			tlbr_report_print_text(stdout, rep, res, info);
		break;
	case F_JSON:
		tlbr_report_print_json(stdout, rep, res, info);
		break;
	case F_CSV:
		if (tlbr_ready_warn(info->ready)) {	/* a comment line before the header */
			char line[512];

			printf("# readiness: %s\r\n", tlbr_ready_line(info->ready, line,
								       sizeof(line)));
		}
		tlbr_table_print_csv(stdout, t);
		break;
	case F_EMAIL:
		if (tlbr_report_print_email(stdout, rep, res, info) < 0)
			die("out of memory");
		break;
	case F_MARKDOWN:	/* print_markdown() */
		break;
	}
}

int cmd_report(int argc, char **argv)
{
	struct report_args a = { .fmt = F_TEXT, .top = 10, .gnuplot = "gnuplot" };
	const struct tlbr_replay_result *res;
	struct replay_run run = { 0 };
	struct report_ctx ctx = { 0 };
	struct tlbr_report *rep;
	struct replay_cli o;
	const char *path = NULL;
	int status;

	replay_cli_init(&o);
	status = parse(argc, argv, &o, &a, &path);
	if (status)
		return status < 0 ? TLBR_EXIT_OK : status;
	{
		char bad[64];
		int npol = tlbr_policy_parse(o.ro.policies, bad, sizeof(bad));

		/* an unknown name is reported by replay_run(), before the trace is read */
		rep = tlbr_report_new(npol > 0 ? (unsigned int)npol : 0);
	}
	if (!rep)
		die("out of memory");
	o.ro.note = tlbr_report_note;
	o.ro.note_ctx = rep;
	run.cli = &o;
	run.on_event = on_event;
	ctx.rep = rep;
	run.ctx = &ctx;
	run.progress = true;
	status = replay_run(&run, path, "report", &res);
	if (!status) {
		struct tlbr_report_info info = {
			.path = path, .describe = tlbr_reader_describe(run.in.reader),
			.costs = o.costs, .cpu_from = o.cpu_from, .arm64_from = o.arm64_from, .top = a.top,
			.max_findings = o.findings, .scope = o.scope.desc, .system = run.system,
			.ready = &run.ready,
		};
		struct tlbr_error err = { 0 };

		if (tlbr_report_build(rep, res, run.in.adapter, &info) < 0)
			die("out of memory");
		print(rep, res, &info, &a);
		if (a.fmt == F_MARKDOWN)
			print_markdown(rep, res, &info, &a, &run);
		if (a.plot && tlbr_report_plot(rep, res, &info, a.plot, a.gnuplot, &err) < 0) {
			error("%s", err.msg);
			status = TLBR_EXIT_FAILURE;
		}
		if (!status)
			status = replay_cli_status(&o, res);
	}
	replay_run_close(&run);
	tlbr_report_free(rep);
	return status;
}
