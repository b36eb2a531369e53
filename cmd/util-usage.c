// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util-usage.c - diagnostics: "tlbreplay stat: error: cannot open 'x': reason",
 * one usage line on a usage error, and "did you mean" suggestions.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

/* The running subcommand, for the "tlbreplay CMD:" prefix (main sets it). */
static const char *current_cmd;

void usage_set_command(const char *name)
{
	current_cmd = name;
}

__attribute__((format(printf, 2, 0)))
static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (current_cmd)
		fprintf(stderr, "tlbreplay %s: %s", current_cmd, prefix);
	else
		fprintf(stderr, "tlbreplay: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("fatal: ", fmt, ap);
	va_end(ap);
	exit(TLBR_EXIT_FAILURE);
}

int report_input_error(const char *path, int ret, const struct tlbr_error *err)
{
	char where[96] = "";

	if (err->line)
		snprintf(where, sizeof(where), "line %llu (byte %llu): ",
			 (unsigned long long)err->line, (unsigned long long)err->offset);
	else if (err->offset != UINT64_MAX)
		snprintf(where, sizeof(where), "byte offset %llu (0x%llx): ",
			 (unsigned long long)err->offset, (unsigned long long)err->offset);
	error("'%s': %s%s", path, where, err->msg[0] ? err->msg : strerror(-ret));
	return ret == -ENOMEM ? TLBR_EXIT_FAILURE : TLBR_EXIT_BAD_INPUT;
}

void print_usage(FILE *f, const struct tlbr_cmd *cmd)
{
	fprintf(f, "usage: %s\n", cmd->usage);
}

void usage_error(const char *cmd)
{
	print_usage(stderr, tlbr_find_cmd(cmd));
	fprintf(stderr, "'tlbreplay %s --help' lists the options, 'tlbreplay help %s' is the manual.\n",
		cmd, cmd);
}

int parse_jobs(const char *arg, const char *cmd, unsigned int *ret_jobs, int *ret_status)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 10);

	if (*arg >= '0' && *arg <= '9' && !*end && n >= 1 && n <= 1024) {
		*ret_jobs = (unsigned int)n;
		return 0;
	}
	error("--jobs takes a number from 1 to 1024, not '%s'", arg);
	usage_error(cmd);
	*ret_status = TLBR_EXIT_USAGE;
	return -1;
}

/* The default: read ahead when a second CPU is online to do it. */
bool jobs_read_ahead(unsigned int jobs)
{
	return jobs > 1 || (!jobs && sysconf(_SC_NPROCESSORS_ONLN) > 1);
}

/* Damerau-free Levenshtein distance, bounded by the short strings it compares. */
static unsigned int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int row[64], prev, tmp;

	if (la >= 64 || lb >= 64)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned int)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned int)i;
		for (j = 1; j <= lb; j++) {
			unsigned int best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

const char *did_you_mean(const char *word, const char *const *cands, size_t n)
{
	unsigned int best = UINT32_MAX, d;
	const char *pick = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!cands[i])
			continue;
		d = distance(word, cands[i]);
		/* a prefix of a long name is as good as a typo */
		if (strlen(word) >= 3 && !strncmp(cands[i], word, strlen(word)))
			d = 1;
		else if (strlen(word) >= 4 && strstr(cands[i], word) && d > 2)
			d = 2;	/* a part of a long name: "site" for "avoidable_by_site" */
		if (d < best) {
			best = d;
			pick = cands[i];
		}
	}
	/* close enough: at most 2 edits, and fewer than half the word */
	return pick && best <= 2 && best * 2 < strlen(word) + 1 ? pick : NULL;
}

int usage_bad_option(const char *cmd, const struct option *opts, int argc, char **argv,
		     int opt_index)
{
	const char *arg = opt_index > 0 && opt_index <= argc ? argv[opt_index - 1] : "";
	const char *names[128] = { NULL };
	const char *sug = NULL;
	size_t n = 0;

	if (optopt && optopt < 256 && strncmp(arg, "--", 2)) {
		/* a short option: unknown, or its argument is missing */
		if (strchr(arg, optopt) && strlen(arg) == 2 && optopt != '?')
			error("option '-%c' %s", optopt, "is unknown or needs an argument");
		else
			error("unknown option '-%c'", optopt);
	} else if (!strncmp(arg, "--", 2)) {
		char word[64];
		const char *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		const struct option *o;

		snprintf(word, sizeof(word), "%.*s", (int)len, arg + 2);
		for (o = opts; o->name && n < 128; o++)
			names[n++] = o->name;
		sug = did_you_mean(word, names, n);
		for (o = opts; o->name; o++)
			if (!strcmp(o->name, word))
				break;
		if (o->name)
			error("option '--%s' %s", word,
			      o->has_arg == required_argument ? "needs an argument"
							      : "takes no argument");
		else if (sug)
			error("unknown option '--%s'; did you mean '--%s'?", word, sug);
		else
			error("unknown option '--%s'", word);
	} else {
		error("unknown option '%s'", arg);
	}
	usage_error(cmd);
	return TLBR_EXIT_USAGE;
}
