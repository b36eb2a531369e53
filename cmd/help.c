// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * help.c - `tlbreplay help [<command>]`: the command's manual page, from the
 * installed manual or else from the build tree.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "cmd.h"

static int run_man(const char *page)
{
	char local[4096];
	pid_t pid;
	int status;

	snprintf(local, sizeof(local), "%s/%s.1", TLBR_BUILD_MANDIR, page);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* the installed page first; the freshly built one when not installed */
		if (access(local, R_OK) == 0 && !getenv("TLBR_HELP_INSTALLED"))
			execlp("man", "man", "-l", local, (char *)NULL);
		else
			execlp("man", "man", page, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int cmd_help(int argc, char **argv)
{
	const struct tlbr_cmd *cmd;
	char page[64];
	int ret;

	if (argc > 2) {
		print_usage(stderr, tlbr_find_cmd("help"));
		return TLBR_EXIT_USAGE;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		print_usage(stdout, tlbr_find_cmd("help"));
		return TLBR_EXIT_OK;
	}
	if (argc == 1) {
		snprintf(page, sizeof(page), "tlbreplay");
	} else {
		cmd = tlbr_find_cmd(argv[1]);
		if (!cmd) {
			error("no such command '%s'; 'tlbreplay --help' lists them", argv[1]);
			return TLBR_EXIT_USAGE;
		}
		snprintf(page, sizeof(page), "tlbreplay-%s", cmd->name);
	}
	ret = run_man(page);
	if (ret != 0) {
		warning("cannot show the manual page '%s' (is man installed?); built-in usage:",
			page);
		if (argc == 2)
			print_usage(stdout, tlbr_find_cmd(argv[1]));
		return TLBR_EXIT_FAILURE;
	}
	return TLBR_EXIT_OK;
}
