// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * what-if.c - `tlbreplay what-if`: replay a trace under TLB flush policies
 * side by side, in one pass.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "cmd.h"
#include "input.h"
#include "replay.h"

struct whatif_opts {
	enum tlbr_format fmt;
	const char *policies;
	const struct tlbr_tlb_model *tlb;
	const struct tlbr_cpu_model *cpu;
	int cpus;
	enum tlbr_env env;
	bool no_preempt;
	const struct tlbr_costs *costs;
	struct tlbr_costs loaded;
	bool json;
	bool fail_on_unsafe;
	unsigned int findings;
	const char *path;
};

enum { OPT_JSON = 256, OPT_TLB, OPT_CPU, OPT_CPUS, OPT_FAIL, OPT_FINDINGS, OPT_ENV, OPT_PREEMPT,
       OPT_COSTS };

static const struct option whatif_options[] = {
	{ "policies", required_argument, NULL, 'p' },
	{ "tlb", required_argument, NULL, OPT_TLB },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "preempt", required_argument, NULL, OPT_PREEMPT },
	{ "costs", required_argument, NULL, OPT_COSTS },
	{ "input-format", required_argument, NULL, 'i' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "fail-on-unsafe", no_argument, NULL, OPT_FAIL },
	{ "findings", required_argument, NULL, OPT_FINDINGS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void whatif_help(FILE *f)
{
	const char *const *p;
	unsigned int i;

	print_usage(f, tlbr_find_cmd("what-if"));
	fprintf(f, "\n"
		   "    -p, --policies <list>   policies to replay, comma-separated; '+' composes\n"
		   "                            (default: arm64-broadcast,x86-ipi,oracle)\n"
		   "        --tlb <model>       residency model (default: unbounded)\n"
		   "        --cpu <model>       what a stale read-only entry does (default: amd)\n"
		   "        --cpus <n>          CPU count, for text traces that do not say\n"
		   "        --env <env>         native, vm (local TLBIs upgraded) or errata (default:\n"
		   "                            native)\n"
		   "        --preempt <model>   full or none: what migrate_disable costs (full)\n"
		   "        --costs <table>     cost model: a preset or a file (neoverse-n1)\n"
		   "    -i, --input-format <f>  dat or text (default: detected)\n"
		   "        --json              one JSON object (schema tlbreplay-what-if v%d)\n"
		   "        --fail-on-unsafe    exit 4 when a policy is unsafe on this trace\n"
		   "        --findings <n>      unsafe counterexamples printed per policy (3)\n"
		   "    -h, --help              this help\n\npolicies:\n",
		TLBR_JSON_SCHEMA_VERSION);
	for (p = tlbr_policy_names(); *p; p++)
		fprintf(f, "    %-20s %s\n", *p, tlbr_policy_summary(*p));
	fprintf(f, "residency models:");
	for (i = 0; tlbr_tlb_model_get(i); i++)
		fprintf(f, " %s", tlbr_tlb_model_get(i)->name);
	fprintf(f, "\ncost presets:");
	for (i = 0; tlbr_costs_get(i); i++)
		fprintf(f, " %s", tlbr_costs_get(i)->name);
	fprintf(f, "\ncpu models:");
	for (i = 0; tlbr_cpu_model_get(i); i++)
		fprintf(f, " %s", tlbr_cpu_model_get(i)->name);
	fprintf(f, "\n");
}

static int usage_error(void)
{
	print_usage(stderr, tlbr_find_cmd("what-if"));
	return TLBR_EXIT_USAGE;
}

static int parse(int argc, char **argv, struct whatif_opts *o, int *ret_status)
{
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->findings = 3;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:i:h", whatif_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->policies = optarg;
			break;
		case OPT_TLB:
			o->tlb = tlbr_tlb_model_find(optarg);
			if (!o->tlb) {
				error("unknown residency model '%s' (see --help)", optarg);
				*ret_status = usage_error();
				return -1;
			}
			break;
		case OPT_CPU:
			o->cpu = tlbr_cpu_model_find(optarg);
			if (!o->cpu) {
				error("unknown cpu model '%s' (amd, intel or arm64)", optarg);
				*ret_status = usage_error();
				return -1;
			}
			break;
		case OPT_CPUS:
			o->cpus = (int)strtol(optarg, &end, 10);
			if (*end || o->cpus < 1 || o->cpus > TLBR_MAX_CPUS) {
				error("--cpus takes a number from 1 to %d, not '%s'", TLBR_MAX_CPUS,
				      optarg);
				*ret_status = usage_error();
				return -1;
			}
			break;
		case OPT_ENV:
			if (tlbr_env_parse(optarg, &o->env) < 0) {
				error("unknown environment '%s' (native, vm or errata)", optarg);
				*ret_status = usage_error();
				return -1;
			}
			break;
		case OPT_PREEMPT:
			if (strcmp(optarg, "full") && strcmp(optarg, "none")) {
				error("--preempt takes full or none, not '%s'", optarg);
				*ret_status = usage_error();
				return -1;
			}
			o->no_preempt = !strcmp(optarg, "none");
			break;
		case OPT_COSTS:
			o->costs = tlbr_costs_find(optarg);
			if (!o->costs) {
				struct tlbr_error err = { .file = optarg };

				if (tlbr_costs_load(optarg, &o->loaded, &err) < 0) {
					char where[32] = "";

					if (err.line)
						snprintf(where, sizeof(where), "line %llu: ",
							 (unsigned long long)err.line);
					error("'%s': %s%s (--costs takes a preset or a file; "
					      "--help lists the presets)", optarg, where, err.msg);
					*ret_status = err.msg[0] && strstr(err.msg, "cannot open") ?
						      TLBR_EXIT_USAGE : TLBR_EXIT_BAD_INPUT;
					return -1;
				}
				o->costs = &o->loaded;
			}
			break;
		case OPT_FINDINGS:
			o->findings = (unsigned int)strtoul(optarg, &end, 10);
			if (*end) {
				error("--findings takes a number, not '%s'", optarg);
				*ret_status = usage_error();
				return -1;
			}
			break;
		case 'i':
			if (input_parse_format(optarg, &o->fmt) < 0) {
				*ret_status = usage_error();
				return -1;
			}
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_FAIL:
			o->fail_on_unsafe = true;
			break;
		case 'h':
			whatif_help(stdout);
			*ret_status = TLBR_EXIT_OK;
			return -1;
		default:
			whatif_help(stderr);
			*ret_status = TLBR_EXIT_USAGE;
			return -1;
		}
	}
	o->path = input_parse_trace(argc, argv, optind, "what-if");
	if (!o->path) {
		*ret_status = TLBR_EXIT_USAGE;
		return -1;
	}
	return 0;
}

struct whatif_ctx {
	struct tlbr_replay *replay;
	struct tlbr_replay_opts ro;
	struct input *in;
	int ncpus;
};

/* The replay starts at the first event: text traces declare their CPUs in a header. */
static int start(struct whatif_ctx *w, struct tlbr_error *err)
{
	const char *bad;

	if (!w->ncpus)
		w->ncpus = tlbr_reader_ncpus(w->in->reader);
	if (w->ncpus <= 0) {
		tlbr_error_set(err, UINT64_MAX, 0, "the trace does not say how many CPUs it was "
			       "recorded on: give --cpus");
		return -EBADMSG;
	}
	w->ro.ncpus = w->ncpus;
	return tlbr_replay_new(&w->ro, &w->replay, &bad);
}

static int whatif_event(void *ctx, const struct tlbr_event *ev, struct tlbr_error *err)
{
	struct whatif_ctx *w = ctx;
	int ret;

	if (!w->replay && (ret = start(w, err)) < 0)
		return ret;

	if (ev->cpu >= w->ncpus) {
		tlbr_error_set(err, ev->pos, 0, "an event on cpu %d, but the trace has %d CPUs "
			       "(--cpus sets the count)", ev->cpu, w->ncpus);
		return -EBADMSG;
	}
	return tlbr_replay_event(w->replay, ev);
}

int cmd_what_if(int argc, char **argv)
{
	static const struct input_ops ops = { .on_event = whatif_event };
	struct whatif_ctx w = { 0 };
	struct tlbr_replay *check;
	const char *bad = NULL;
	struct whatif_opts o;
	struct input in;
	int status, ret;
	unsigned int i;

	if (parse(argc, argv, &o, &status) < 0)
		return status;
	w.ro.policies = o.policies;
	w.ro.tlb = o.tlb;
	w.ro.cpu = o.cpu;
	w.ro.env = o.env;
	w.ro.no_preempt = o.no_preempt;
	w.ro.ncpus = 1;
	if (!o.costs)
		o.costs = tlbr_costs_find("neoverse-n1");
	w.ncpus = o.cpus;
	/* policy names are checked before the trace is read */
	ret = tlbr_replay_new(&w.ro, &check, &bad);
	if (ret == -EINVAL || ret == -E2BIG) {
		error("unknown policy '%s' (tlbreplay what-if --help lists them)", bad);
		return TLBR_EXIT_USAGE;
	}
	if (ret < 0)
		die("out of memory");
	tlbr_replay_free(check);
	status = input_open(&in, o.path, o.fmt);
	if (status)
		return status;
	w.in = &in;
	status = input_run(&in, &ops, &w);
	if (!status && !w.replay && start(&w, &in.err) < 0)
		status = report_input_error(o.path, -EBADMSG, &in.err);
	if (!status) {
		const struct tlbr_replay_result *res = tlbr_replay_finish(w.replay);
		struct tlbr_whatif_render r = {
			.path = o.path, .describe = tlbr_reader_describe(in.reader),
			.max_findings = o.findings, .costs = o.costs,
		};

		if (o.json)
			tlbr_whatif_print_json(stdout, res, &r);
		else
			tlbr_whatif_print_text(stdout, res, &r);
		for (i = 0; o.fail_on_unsafe && i < res->npolicies; i++)
			if (res->policy[i].unsafe)
				status = TLBR_EXIT_UNSAFE;
	}
	tlbr_replay_free(w.replay);
	input_close(&in);
	return status;
}
