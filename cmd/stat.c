// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stat.c - `tlbreplay stat`: what is in a trace and whether replay can use it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "cmd.h"
#include "formats.h"
#include "input.h"

struct stat_opts {
	enum tlbr_format fmt;
	const char *input;
	bool json;
	bool all;
	unsigned int jobs;	/* 0: the default */
	const char *path;
};

enum { OPT_JSON = 256, OPT_ALL, OPT_FORMAT, OPT_OUTFMT };

static const struct option stat_options[] = {
	{ "input", required_argument, NULL, 'i' },
	{ "input-format", required_argument, NULL, OPT_FORMAT },
	{ "format", required_argument, NULL, OPT_OUTFMT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "jobs", required_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void stat_help(FILE *f)
{
	print_usage(f, tlbr_find_cmd("stat"));
	fprintf(f, "\n"
		   "    -i, --input <trace>          the trace (or the operand; default: ./trace.dat,\n"
		   "                                 then ./perf.data)\n"
		   "        --input-format <format>  dat, text, perf or ctf (default: detected)\n"
		   "        --format text|json       output format (default: text)\n"
		   "        --json                   one JSON object (schema tlbreplay-stat v%d)\n"
		   "        --all                    list every address space, not the top 10\n"
		   "    -j, --jobs <n>               1: read in one thread; 2: the trace is read\n"
		   "                                 ahead in a second (default: 2 when 2 or more\n"
		   "                                 CPUs are online); the output is the same\n"
		   "    -h, --help                   this help\n", TLBR_JSON_SCHEMA_VERSION);
}

/* Parse argv into @o; returns -1 to exit with *ret_status. */
static int parse(int argc, char **argv, struct stat_opts *o, int *ret_status)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "i:j:h", stat_options, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->input = optarg;
			break;
		case OPT_FORMAT:
			if (input_parse_format(optarg, &o->fmt) < 0) {
				*ret_status = TLBR_EXIT_USAGE;
				return -1;
			}
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_OUTFMT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				error("unknown format '%s' (text or json)", optarg);
				*ret_status = TLBR_EXIT_USAGE;
				return -1;
			}
			o->json = !strcmp(optarg, "json");
			break;
		case OPT_ALL:
			o->all = true;
			break;
		case 'j':
			if (parse_jobs(optarg, "stat", &o->jobs, ret_status) < 0)
				return -1;
			break;
		case 'h':
			stat_help(stdout);
			*ret_status = TLBR_EXIT_OK;
			return -1;
		default:
			*ret_status = usage_bad_option("stat", stat_options, argc, argv, optind);
			return -1;
		}
	}
	o->path = input_parse_trace(argc, argv, optind, o->input, "stat");
	if (!o->path) {
		*ret_status = TLBR_EXIT_USAGE;
		return -1;
	}
	return 0;
}

static int stat_record(void *ctx, const struct tlbr_record *rec)
{
	return tlbr_stat_record(ctx, rec);
}

static int stat_event(void *ctx, const struct tlbr_event *ev, struct tlbr_error *err)
{
	(void)err;
	return tlbr_stat_event(ctx, ev);
}

int cmd_stat(int argc, char **argv)
{
	static const struct input_ops ops = { .on_record = stat_record, .on_event = stat_event };
	struct tlbr_stat st;
	struct stat_opts o;
	struct input in;
	int status;

	if (parse(argc, argv, &o, &status) < 0)
		return status;
	tlbr_stat_init(&st);
	status = input_open(&in, o.path, o.fmt);
	if (!status) {
		tlbr_stat_note_declared(&st, in.reader);
		/* the reader's state is asked only before this and after the end */
		if (jobs_read_ahead(o.jobs))
			tlbr_stream_read_ahead(in.stream);
		status = input_run(&in, &ops, &st);
	}
	if (!status) {
		struct tlbr_stat_render r = {
			.path = o.path, .reader = in.reader, .adapter = in.adapter,
			.top = o.all ? 0 : 10,
		};

		if ((o.json ? tlbr_stat_print_json : tlbr_stat_print_text)(stdout, &st, &r) < 0)
			die("out of memory");
	}
	tlbr_stat_release(&st);
	input_close(&in);
	return status;
}
