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

#include "cmd.h"
#include "record.h"

enum { OPT_CHECK = 256, OPT_DRY_RUN, OPT_SYSROOT, OPT_NO_CENSUS };

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
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void record_help(FILE *f)
{
	print_usage(f, tlbr_find_cmd("record"));
	fprintf(f, "\n"
		   "    -o, --output <file>     the trace.dat to write (trace.dat)\n"
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
		   "    -h, --help              this help\n");
}

int cmd_record(int argc, char **argv)
{
	struct tlbr_record_opts o = { .output = "trace.dat", .buffer_kb = 8192, .log = stderr };
	bool all = false, check = false;
	pid_t pids[64];
	unsigned int npids = 0;
	unsigned long long lost = 0;
	struct sigaction sa;
	int c, ret, status = 0;
	char err[512] = "", *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:d:ap:b:h", record_options, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.output = optarg;
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
	if (check) {
		const struct tlbr_plan_env *env;
		struct tlbr_plan_item *items;
		unsigned int n = tlbr_plan_probe(o.sysroot, &items, &env);

		tlbr_plan_print(stdout, items, n, env);
		tlbr_census_print(stdout, env);
		return TLBR_EXIT_OK;
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
	ret = tlbr_record_run(&o, &stop, &status, &lost, err, sizeof(err));
	if (ret < 0) {
		error("%s", err[0] ? err : strerror(-ret));
		return TLBR_EXIT_FAILURE;
	}
	if (o.dry_run)
		return TLBR_EXIT_OK;
	if (o.command && WIFEXITED(status) && WEXITSTATUS(status))
		warning("'%s' exited with status %d", o.command[0], WEXITSTATUS(status));
	if (lost)
		warning("the kernel dropped %llu events: record again with a bigger buffer "
			"(--buffer-kb %u or more)", lost, o.buffer_kb * 4);
	fprintf(stderr, "tlbreplay: wrote '%s'%s\n", o.output, stop ? " (stopped by a signal)" : "");
	return TLBR_EXIT_OK;
}
