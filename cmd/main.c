// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - git-style dispatch: tlbreplay [--version] [--help] <command> [<args>]
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cmd.h"

const struct tlbr_cmd tlbr_commands[] = {
	{ "record", cmd_record, "record a workload's TLB events into a trace.dat (root)",
	  "tlbreplay record [-o <file>] [-d <seconds>] [-b <kb>] [--check] [--dry-run] "
	  "(-a | -p <pid>... | -- <command> [<args>...] | --recover <dir>)" },
	{ "stat", cmd_stat, "show what a trace contains and whether replay can use it",
	  "tlbreplay stat [--input-format <format>] [--format text|json] [--json] [--all] [-j <n>] [-i] [<trace>]" },
	{ "what-if", cmd_what_if, "replay a trace under TLB flush policies, side by side",
	  "tlbreplay what-if [-p <policies>] [--tlb <model>] [--cpu <model>] [--env <env>] "
	  "[--costs <table>] [--format text|json] [--json] [-i] [<trace>]" },
	{ "report", cmd_report, "the findings of a replay in detail: tables, JSON, CSV, email, plots",
	  "tlbreplay report [-p <policies>] [--format text|json|csv|email|markdown] [--json] [--table <name>] "
	  "[--plot <dir>] [-i] [<trace>]" },
	{ "suite", cmd_suite, "many traces, one table of gainers and losers per policy",
	  "tlbreplay suite [-p <policies>] [--env <envs>] [--preempt <models>] [-j <n>] "
	  "[--format text|csv|json|markdown|email] [--plot <dir>] (--manifest <file> | --from-json <dir> | "
	  "<trace>...)" },
	{ "diff", cmd_diff, "two kernels, flushes by site; --against: predicted for arm64 vs its census",
	  "tlbreplay diff [--against [--after-pid <list>] [--after-comm <list>] [--table <name>] "
	  "[--arm64-lpa2 <s>] [--arm64-aging <s>]] "
	  "[--comm <list>] [--pid <list>] [--time <s>,<e>] [--format text|csv|json] <before>... -- <after>..." },
	{ "help", cmd_help, "show the manual page of a command",
	  "tlbreplay help [<command> | <topic>]" },
	{ NULL, NULL, NULL, NULL },
};

const struct tlbr_cmd *tlbr_find_cmd(const char *name)
{
	const struct tlbr_cmd *c;

	for (c = tlbr_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void main_usage(FILE *f)
{
	const struct tlbr_cmd *c;

	fprintf(f, "usage: tlbreplay [--version] [--help] <command> [<args>]\n\n"
		   "Replay a kernel trace under alternative TLB flush policies.\n\n"
		   "Commands:\n");
	for (c = tlbr_commands; c->name; c++)
		fprintf(f, "   %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n'tlbreplay help <command>' shows a command's manual page.\n");
}

/* Flush stdout and report write errors, as perf's run_builtin does. */
static int finish_stdout(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		if (errno == EPIPE)
			return status;
		error("write failure on standard output: %s", strerror(errno));
		return TLBR_EXIT_FAILURE;
	}
	return status;
}

int main(int argc, char **argv)
{
	const struct tlbr_cmd *cmd;

	if (argc < 2) {
		main_usage(stderr);
		return TLBR_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("tlbreplay %s\n", TLBR_VERSION);
		return finish_stdout(TLBR_EXIT_OK);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		main_usage(stdout);
		return finish_stdout(TLBR_EXIT_OK);
	}
	cmd = tlbr_find_cmd(argv[1]);
	if (!cmd) {
		const char *names[16];
		const char *sug;
		size_t n = 0;

		for (cmd = tlbr_commands; cmd->name && n < 16; cmd++)
			names[n++] = cmd->name;
		sug = did_you_mean(argv[1], names, n);
		if (sug)
			error("unknown command '%s'; did you mean '%s'?", argv[1], sug);
		else
			error("unknown command '%s' ('tlbreplay --help' lists them)", argv[1]);
		return TLBR_EXIT_USAGE;
	}
	usage_set_command(cmd->name);
	return finish_stdout(cmd->run(argc - 1, argv + 1));
}
