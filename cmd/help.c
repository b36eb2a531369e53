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

/* Topics that are not commands: the section 5 and 7 pages. */
static const struct {
	const char *topic, *page;
	int section;
} topics[] = {
	{ "policies", "tlbreplay-policies", 7 },
	{ "formats", "tlbreplay-formats", 5 },
	{ "report-json", "tlbreplay-report", 5 },
};

static int run_man(const char *page, int section)
{
	char local[4096], sect[8];
	pid_t pid;
	int status;

	snprintf(local, sizeof(local), "%s/%s.%d", TLBR_BUILD_MANDIR, page, section);
	snprintf(sect, sizeof(sect), "%d", section);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* the installed page first; the freshly built one when not installed */
		if (access(local, R_OK) == 0 && !getenv("TLBR_HELP_INSTALLED"))
			execlp("man", "man", "-l", local, (char *)NULL);
		else
			execlp("man", "man", sect, page, (char *)NULL);
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
	int ret, section = 1;
	unsigned int i;

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
		for (i = 0; !cmd && i < sizeof(topics) / sizeof(topics[0]); i++)
			if (!strcmp(argv[1], topics[i].topic))
				break;
		if (cmd) {
			snprintf(page, sizeof(page), "tlbreplay-%s", cmd->name);
		} else if (i < sizeof(topics) / sizeof(topics[0])) {
			snprintf(page, sizeof(page), "%s", topics[i].page);
			section = topics[i].section;
		} else {
			const char *names[32];
			const char *sug;
			size_t n = 0;

			for (cmd = tlbr_commands; cmd->name && n < 28; cmd++)
				names[n++] = cmd->name;
			for (i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
				names[n++] = topics[i].topic;
			sug = did_you_mean(argv[1], names, n);
			if (sug)
				error("no such command or topic '%s'; did you mean '%s'?", argv[1], sug);
			else
				error("no such command or topic '%s' (commands: 'tlbreplay --help'; "
				      "topics: policies, formats, report-json)", argv[1]);
			return TLBR_EXIT_USAGE;
		}
	}
	ret = run_man(page, section);
	if (ret != 0) {
		warning("cannot show the manual page '%s' (is man installed?); built-in usage:",
			page);
		if (argc == 2 && section == 1)
			print_usage(stdout, tlbr_find_cmd(argv[1]));
		return TLBR_EXIT_FAILURE;
	}
	return TLBR_EXIT_OK;
}
