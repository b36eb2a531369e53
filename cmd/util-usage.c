// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usage.c - diagnostics: "tlbreplay: error: cannot open 'x': reason".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

__attribute__((format(printf, 2, 0)))
static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
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
