// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util-guard.c - the last line of defence against corrupt traces:
 * libtracecmd, libtraceevent and babeltrace2 can crash on files they cannot
 * parse (libtracecmd 3.1 did, on truncated v6 instance buffers). While one
 * of them runs on a command's trace (the stream arms the guard around its
 * reader calls only, see struct tlbr_guard), a crash is turned into the
 * bad-input exit status with a message naming the file. A crash anywhere
 * else (the adapter, replay/, analysis/) is left alone: it goes to the
 * handler that was there before (the sanitizers') or kills the process.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "input.h"

static char guard_msg[4200];
/* per thread: the stream may read ahead in a thread of its own */
static _Thread_local volatile sig_atomic_t armed;
static bool installed;
/* faults, and the asserts of a library built with them (babeltrace2 2.0's CTF source) */
static const int guarded[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NGUARDED (sizeof(guarded) / sizeof(guarded[0]))
static struct sigaction old[NGUARDED];

static void restore(void)
{
	for (unsigned int i = 0; i < NGUARDED; i++)
		sigaction(guarded[i], &old[i], NULL);
}

static void on_crash(int sig)
{
	ssize_t n;

	if (!armed) {
		/* not a trace library: the previous handlers take the fault again */
		(void)sig;
		restore();
		return;
	}
	n = write(STDERR_FILENO, guard_msg, strlen(guard_msg));
	(void)n;
	_exit(TLBR_EXIT_BAD_INPUT);
}

static void guard_enter(void *ctx)
{
	(void)ctx;
	armed = 1;
}

static void guard_leave(void *ctx)
{
	(void)ctx;
	armed = 0;
}

const struct tlbr_guard input_guard = { .enter = guard_enter, .leave = guard_leave };

void input_guard_begin(const char *path)
{
	struct sigaction sa;
	struct stat st;

	/* formatted now: the handler may only write() */
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode))
		snprintf(guard_msg, sizeof(guard_msg), "tlbreplay: error: '%s': the file (%lld "
			 "bytes) is corrupt or truncated: the trace library reading it crashed "
			 "(position unknown)\n", path, (long long)st.st_size);
	else
		snprintf(guard_msg, sizeof(guard_msg), "tlbreplay: error: '%s': the trace is "
			 "corrupt or truncated: the trace library reading it crashed (position "
			 "unknown)\n", path);
	armed = 0;
	if (installed)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	for (unsigned int i = 0; i < NGUARDED; i++)
		sigaction(guarded[i], &sa, &old[i]);
	installed = true;
}

void input_guard_end(void)
{
	armed = 0;
	if (!installed)
		return;
	restore();
	installed = false;
}
