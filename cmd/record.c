// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * record.c - `tlbreplay record`: record a workload's TLB-relevant events into
 * a trace.dat, through a private tracefs instance that is always removed.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "cmd.h"
#include "record.h"	/* types only, when built without the recorder */

enum { OPT_CHECK = 256, OPT_DRY_RUN, OPT_SYSROOT, OPT_NO_CENSUS, OPT_RECOVER };

static const struct option record_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "duration", required_argument, NULL, 'd' },
	{ "all", no_argument, NULL, 'a' },
	{ "pid", required_argument, NULL, 'p' },
	{ "buffer-kb", required_argument, NULL, 'b' },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "sysroot", required_argument, NULL, OPT_SYSROOT },
	{ "no-census", no_argument, NULL, OPT_NO_CENSUS },
	{ "recover", required_argument, NULL, OPT_RECOVER },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#if TLBR_HAVE_RECORD
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}
#endif

static void record_help(FILE *f)
{
	print_usage(f, tlbr_find_cmd("record"));
	fprintf(f, "\n"
		   "    -o, --output <file>     the trace.dat to write (trace.dat; an existing one\n"
		   "                            is kept as <file>.old)\n"
		   "    -d, --duration <s>      stop after this many seconds\n"
		   "    -a, --all               record the whole system (until -d or Ctrl-C)\n"
		   "    -p, --pid <pid>         record until these processes exit (repeatable);\n"
		   "                            their memory maps are saved in the trace\n"
		   "    -b, --buffer-kb <kb>    ring buffer per CPU (8192)\n"
		   "        --check             print this kernel's plan and exit\n"
		   "        --dry-run           print the tracefs writes, make none\n"
		   "        --no-census         arm64: no kprobe on every TLBI (faster set-up, no\n"
		   "                            trap per TLBI; the replay cannot be checked)\n"
		   "        --sysroot <dir>     with --check or --dry-run: the plan of the machine\n"
		   "                            whose /proc and tracefs files are copied in <dir>\n"
		   "        --recover <dir>     write the trace.dat of a killed recording from its\n"
		   "                            data in <dir> (<file>.tlbreplay-<pid>)\n"
		   "    -h, --help              this help\n");
}

int cmd_record(int argc, char **argv)
{
	struct tlbr_record_opts o = { .output = "trace.dat", .buffer_kb = 8192, .log = stderr };
	const char *recover = NULL;
	bool all = false, check = false, output_given = false;
	pid_t pids[64];
	unsigned int npids = 0;
	struct tlbr_record_result res;
	struct sigaction sa;
	int c, ret;
	struct tlbr_error err = { .offset = UINT64_MAX };
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:d:ap:b:h", record_options, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.output = optarg;
			output_given = true;
			break;
		case 'd':
			o.duration = strtod(optarg, &end);
			if (*end || o.duration <= 0) {
				error("--duration takes a positive number of seconds, not '%s'",
				      optarg);
				return TLBR_EXIT_USAGE;
			}
			break;
		case 'a':
			all = true;
			break;
		case 'p': {
			long pid = strtol(optarg, &end, 10);

			if (*end || pid <= 0 || npids == ARRAY_SIZE(pids)) {
				error("-p takes a process id (at most %zu), not '%s'",
				      ARRAY_SIZE(pids), optarg);
				return TLBR_EXIT_USAGE;
			}
			if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
				error("no process %ld to record", pid);
				return TLBR_EXIT_USAGE;
			}
			pids[npids++] = (pid_t)pid;
			break;
		}
		case 'b':
			o.buffer_kb = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || o.buffer_kb < 4) {
				error("--buffer-kb takes a size in KiB (at least 4), not '%s'",
				      optarg);
				return TLBR_EXIT_USAGE;
			}
			break;
		case OPT_CHECK:
			check = true;
			break;
		case OPT_DRY_RUN:
			o.dry_run = true;
			o.log = stdout;
			break;
		case OPT_SYSROOT:
			o.sysroot = optarg;
			break;
		case OPT_NO_CENSUS:
			o.no_census = true;
			break;
		case OPT_RECOVER:
			recover = optarg;
			break;
		case 'h':
			record_help(stdout);
			return TLBR_EXIT_OK;
		default:
			record_help(stderr);
			return TLBR_EXIT_USAGE;
		}
	}
	if (o.sysroot && !check && !o.dry_run) {
		error("--sysroot describes another machine: it goes with --check or --dry-run");
		return TLBR_EXIT_USAGE;
	}
#if !TLBR_HAVE_RECORD
	(void)check;
	(void)all;
	(void)recover;
	(void)output_given;
	(void)res;
	(void)sa;
	(void)ret;
	(void)err;
	error("this tlbreplay was built without the recorder (meson -Drecord=disabled, or "
	      "libtracefs was not found): nothing can be recorded");
	return TLBR_EXIT_FAILURE;
}
#else
	if (check) {
		struct tlbr_plan *plan = malloc(sizeof(*plan));

		if (!plan) {
			error("out of memory");
			return TLBR_EXIT_FAILURE;
		}
		tlbr_plan_probe(o.sysroot, plan);
		tlbr_plan_print(stdout, plan);
		tlbr_census_print(stdout, &plan->env);
		ret = TLBR_EXIT_OK;
		if (plan->env.unreadable[0]) {
			error("cannot check this kernel's plan: %s", plan->env.unreadable);
			ret = TLBR_EXIT_FAILURE;
		}
		free(plan);
		return ret;
	}
	if (recover) {
		if (optind < argc || all || npids || o.dry_run) {
			error("--recover takes a recording's directory and nothing to record");
			return TLBR_EXIT_USAGE;
		}
		if (geteuid() == 0)	/* its instance too, as the next recording would */
			tlbr_record_remove_stale(stderr);
		ret = tlbr_record_recover(recover, output_given ? o.output : NULL, stderr, &err);
		if (ret < 0) {
			error("%s", err.msg);
			return TLBR_EXIT_FAILURE;
		}
		return TLBR_EXIT_OK;	/* what it did (or why it removed it) is said */
	}
	if (optind < argc)
		o.command = argv + optind;
	o.pids = pids;
	o.npids = npids;
	if (!o.command && !all && !npids) {
		error("nothing to record: give a command after '--', -p PID, or -a for the whole "
		      "system");
		print_usage(stderr, tlbr_find_cmd("record"));
		return TLBR_EXIT_USAGE;
	}
	if (!!o.command + all + !!npids > 1) {
		error("-a, -p and a command exclude each other");
		return TLBR_EXIT_USAGE;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: the loop must see it */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	ret = tlbr_record_run(&o, &stop, &res, &err);
	if (o.dry_run)
		return ret < 0 ? TLBR_EXIT_FAILURE : TLBR_EXIT_OK;
	if (res.lost)
		warning("the kernel dropped %llu events: record again with a bigger buffer "
			"(--buffer-kb %u or more)", res.lost, o.buffer_kb * 4);
	if (res.written)
		fprintf(stderr, "tlbreplay: wrote '%s' (%.1f s, %.1f MB of events)%s%s%s%s\n",
			o.output, res.seconds, (double)res.bytes / 1e6,
			stop ? " (stopped by a signal)" : "",
			res.old_kept ? "; the previous one is now '" : "",
			res.old_kept ? o.output : "", res.old_kept ? ".old'" : "");
	if (ret < 0) {
		error("%s", err.msg[0] ? err.msg : strerror(-ret));
		if (res.kept)
			fprintf(stderr, "tlbreplay: what was recorded is kept in '%s': once there is "
					"room, 'tlbreplay record --recover %s' writes '%s'\n",
				res.spool, res.spool, o.output);
		return TLBR_EXIT_FAILURE;
	}
	if (res.workload_failed) {
		int st = res.workload_status;

		if (WIFSIGNALED(st))
			error("the workload '%s' was killed by signal %d (%s)", o.command[0],
			      WTERMSIG(st), strsignal(WTERMSIG(st)));
		else
			error("the workload '%s' exited with status %d", o.command[0],
			      WEXITSTATUS(st));
		return TLBR_EXIT_FAILURE;
	}
	return TLBR_EXIT_OK;
}
#endif /* TLBR_HAVE_RECORD */
