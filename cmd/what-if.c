// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * what-if.c - `tlbreplay what-if`: replay a trace under TLB flush policies
 * side by side, in one pass.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "cmd.h"
#include "replay-cli.h"

enum { OPT_JSON = 256, OPT_OUTFMT, OPT_LABEL };

static const struct option whatif_options[] = {
	REPLAY_CLI_OPTIONS,
	{ "jobs", required_argument, NULL, 'j' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "format", required_argument, NULL, OPT_OUTFMT },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void whatif_help(FILE *f)
{
	print_usage(f, tlbr_find_cmd("what-if"));
	fprintf(f, "\n");
	replay_cli_help_options(f);
	fprintf(f, REPLAY_CLI_JOBS_HELP);
	fprintf(f, "        --format text|json  output format (default: text)\n"
		   "        --json              one JSON object (schema tlbreplay-what-if v%d)\n"
		   "        --label <name>      the workload's name in the JSON (for suite)\n"
		   "    -h, --help              this help\n", TLBR_JSON_SCHEMA_VERSION);
	replay_cli_help_lists(f);
}

int whatif_print(FILE *f, struct replay_cli *o, const char *path, const char *label, bool json)
{
	const struct tlbr_replay_result *res;
	struct replay_run run = { 0 };
	int status;

	run.cli = o;
	status = replay_run(&run, path, "what-if", &res);
	if (!status) {
		struct tlbr_whatif_render r = {
			.path = path, .describe = tlbr_reader_describe(run.in.reader),
			.max_findings = o->findings, .costs = o->costs, .label = label,
			.cpu_from = o->cpu_from, .arm64_from = o->arm64_from,
			.metadata = tlbr_adapter_metadata(run.in.adapter), .scope = o->scope.desc,
			.cpu_ns = run.cpu_ns, .span_ns = run.span_ns, .system = run.system,
			.ready = &run.ready,
		};

		if ((json ? tlbr_whatif_print_json : tlbr_whatif_print_text)(f, res, &r) < 0)
			die("out of memory");
		status = replay_cli_status(o, res);
	}
	replay_run_close(&run);
	return status;
}

int cmd_what_if(int argc, char **argv)
{
	const char *path, *label = NULL;
	struct replay_cli o;
	bool json = false;
	int c, status;

	replay_cli_init(&o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "p:i:j:h", whatif_options, NULL)) != -1) {
		if (replay_cli_option(&o, c, optarg, "what-if", &status) < 0)
			return status;
		if (c == OPT_JSON) {
			json = true;
		} else if (c == OPT_OUTFMT) {
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				error("unknown format '%s' (text or json)", optarg);
				return TLBR_EXIT_USAGE;
			}
			json = !strcmp(optarg, "json");
		} else if (c == OPT_LABEL) {
			label = optarg;
		} else if (c == 'j') {
			if (replay_cli_jobs(&o, optarg, "what-if", &status) < 0)
				return status;
		} else if (c == 'h') {
			whatif_help(stdout);
			return TLBR_EXIT_OK;
		} else if (c == '?') {
			return usage_bad_option("what-if", whatif_options, argc, argv, optind);
		}
	}
	path = input_parse_trace(argc, argv, optind, o.input, "what-if");
	if (!path)
		return TLBR_EXIT_USAGE;
	return whatif_print(stdout, &o, path, label, json);
}
