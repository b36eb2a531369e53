/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd.h - subcommand entry points and the diagnostics only cmd/ may print.
 */
#ifndef TLBR_CMD_H
#define TLBR_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tlbr.h"

struct tlbr_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage;	/* the synopsis: equal to the man page's SYNOPSIS */
};

int cmd_record(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_what_if(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_suite(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_help(int argc, char **argv);

extern const struct tlbr_cmd tlbr_commands[];
const struct tlbr_cmd *tlbr_find_cmd(const char *name);

/* usage.c: git-style messages on stderr, "tlbreplay: error: ..." */
void error(const char *fmt, ...) __printf(1, 2);
void warning(const char *fmt, ...) __printf(1, 2);
__noreturn void die(const char *fmt, ...) __printf(1, 2);
/* Report a bad input described by @err; returns TLBR_EXIT_BAD_INPUT or TLBR_EXIT_FAILURE. */
int report_input_error(const char *path, int ret, const struct tlbr_error *err);
/* guard.c: while reading @path, a crash in a trace library exits with status 3. */
void input_guard_begin(const char *path);
void input_guard_end(void);

/* Print the usage line of @cmd to @f. */
void print_usage(FILE *f, const struct tlbr_cmd *cmd);
/* The subcommand that runs: messages read "tlbreplay CMD: error: ...". */
void usage_set_command(const char *name);
/* After a usage error: the usage line and where the options are listed. */
void usage_error(const char *cmd);
/* The candidate closest to @word (a typo or a prefix), or NULL. */
const char *did_you_mean(const char *word, const char *const *cands, size_t n);
/*
 * -j/--jobs of @cmd: 1 to 1024 into *@ret_jobs, or -1 after the usage
 * error is reported (*@ret_status: the exit status).
 */
int parse_jobs(const char *arg, const char *cmd, unsigned int *ret_jobs, int *ret_status);
/* Whether --jobs @jobs (0: not given) reads the trace ahead in a second thread. */
bool jobs_read_ahead(unsigned int jobs);
struct option;
/*
 * getopt_long returned '?' (call with opterr = 0): report the bad option of
 * argv[@opt_index - 1] with a suggestion and the usage line; returns TLBR_EXIT_USAGE.
 */
int usage_bad_option(const char *cmd, const struct option *opts, int argc, char **argv,
		     int opt_index);

#endif /* TLBR_CMD_H */
