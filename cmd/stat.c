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

struct stat_opts {
	enum tlbr_format fmt;
	bool json;
	bool all;
	const char *path;
};

enum { OPT_JSON = 256, OPT_ALL };

static const struct option stat_options[] = {
	{ "input-format", required_argument, NULL, 'i' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void stat_help(FILE *f)
{
	print_usage(f, tlbr_find_cmd("stat"));
	fprintf(f, "\n"
		   "    -i, --input-format <format>  dat or text (default: detected from content)\n"
		   "        --json                   one JSON object (schema tlbreplay-stat v%d)\n"
		   "        --all                    list every address space, not the top 10\n"
		   "    -h, --help                   this help\n", TLBR_JSON_SCHEMA_VERSION);
}

/* Parse argv into @o; returns -1 to exit with *ret_status. */
static int parse(int argc, char **argv, struct stat_opts *o, int *ret_status)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "+i:h", stat_options, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (tlbr_format_parse(optarg, &o->fmt) < 0 || o->fmt == TLBR_FMT_AUTO) {
				error("unknown input format '%s' (dat or text)", optarg);
				*ret_status = TLBR_EXIT_USAGE;
				return -1;
			}
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ALL:
			o->all = true;
			break;
		case 'h':
			stat_help(stdout);
			*ret_status = TLBR_EXIT_OK;
			return -1;
		default:
			stat_help(stderr);
			*ret_status = TLBR_EXIT_USAGE;
			return -1;
		}
	}
	if (argc - optind != 1) {
		if (argc - optind == 0)
			error("no trace file given");
		else
			error("too many arguments: one trace file at a time");
		print_usage(stderr, tlbr_find_cmd("stat"));
		*ret_status = TLBR_EXIT_USAGE;
		return -1;
	}
	o->path = argv[optind];
	return 0;
}

int cmd_stat(int argc, char **argv)
{
	struct tlbr_event evs[TLBR_ADAPT_MAX_OUT];
	struct tlbr_error err = { 0 };
	struct tlbr_adapter *adapter = NULL;
	struct tlbr_reader *reader = NULL;
	const struct tlbr_record *rec;
	struct tlbr_stat st;
	struct stat_opts o;
	int ret, n, i, status;

	if (parse(argc, argv, &o, &status) < 0)
		return status;
	tlbr_stat_init(&st);
	err.file = o.path;
	input_guard_begin(o.path);
	reader = tlbr_reader_open(o.path, o.fmt, &err);
	if (!reader) {
		status = report_input_error(o.path, -errno, &err);
		goto out;
	}
	adapter = tlbr_adapter_new();
	if (!adapter)
		die("out of memory");
	while ((ret = tlbr_reader_next(reader, &rec, &err)) > 0) {
		if (tlbr_stat_record(&st, rec) < 0)
			die("out of memory");
		n = tlbr_adapter_feed(adapter, rec, evs, &err);
		if (n < 0) {
			ret = n;
			break;
		}
		for (i = 0; i < n; i++)
			if (tlbr_stat_event(&st, &evs[i]) < 0)
				die("out of memory");
	}
	if (ret < 0) {
		status = report_input_error(o.path, ret, &err);
		goto out;
	}
	input_guard_end();
	{
		struct tlbr_stat_render r = {
			.path = o.path, .reader = reader, .adapter = adapter,
			.top = o.all ? 0 : 10,
		};

		if (o.json)
			tlbr_stat_print_json(stdout, &st, &r);
		else
			tlbr_stat_print_text(stdout, &st, &r);
	}
	status = TLBR_EXIT_OK;
out:
	input_guard_end();
	tlbr_stat_release(&st);
	tlbr_adapter_free(adapter);
	tlbr_reader_close(reader);
	return status;
}
