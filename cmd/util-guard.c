// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * guard.c - the last line of defence against corrupt traces: libtracecmd
 * and libtraceevent can crash on files they cannot parse (libtracecmd 1.3
 * does, on a v6 trace.dat whose instance buffer is truncated). While a
 * command reads a trace, a crash is turned into the bad-input exit status
 * with a message naming the file, instead of a core dump.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

static char guard_msg[4200];

static void on_crash(int sig)
{
	ssize_t n = write(STDERR_FILENO, guard_msg, strlen(guard_msg));

	(void)n;
	(void)sig;
	_exit(TLBR_EXIT_BAD_INPUT);
}

void input_guard_begin(const char *path)
{
	struct sigaction sa;
	struct stat st;

	/* formatted now: the handler may only write() */
	if (stat(path, &st) == 0)
		snprintf(guard_msg, sizeof(guard_msg), "tlbreplay: error: '%s': the file (%lld "
			 "bytes) is corrupt or truncated: the trace library reading it crashed\n",
			 path, (long long)st.st_size);
	else
		snprintf(guard_msg, sizeof(guard_msg), "tlbreplay: error: '%s': the file is "
			 "corrupt or truncated: the trace library reading it crashed\n", path);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

void input_guard_end(void)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
}
