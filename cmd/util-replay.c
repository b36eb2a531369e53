// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util-replay.c - the replay options and read loop `what-if` and `report`
 * share (see replay-cli.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "replay-cli.h"

void replay_cli_init(struct replay_cli *o)
{
	memset(o, 0, sizeof(*o));
	o->findings = 3;
	o->ro.ncpus = 1;
}

static int usage_status(const char *cmd)
{
	usage_error(cmd);
	return TLBR_EXIT_USAGE;
}

/*
 * A version as `uname -r` spells it: MAJOR.MINOR, then nothing, a third
 * number, or a suffix after '-' or '+' (6.1, 6.12.118, 6.1.0-47-arm64,
 * 6.12.118+deb12-arm64); "6.1junk" is refused, not read as 6.1. O(length).
 */
static bool kver_spelt(const char *s)
{
	int part;

	for (part = 0; part < 3; part++) {
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
		if (*s != '.')
			break;
		if (part == 2)
			return false;
		s++;
	}
	return part > 0 && (!*s || *s == '-' || *s == '+');
}

static int load_costs(struct replay_cli *o, const char *arg, int *ret_status)
{
	struct tlbr_error err = { .file = arg };
	char where[32] = "";

	o->costs = tlbr_costs_find(arg);
	if (o->costs)
		return 1;
	if (tlbr_costs_load(arg, &o->loaded, &err) == 0) {
		o->costs = &o->loaded;
		return 1;
	}
	if (err.line)
		snprintf(where, sizeof(where), "line %llu: ", (unsigned long long)err.line);
	error("'%s': %s%s (--costs takes a preset or a file; --help lists the presets)", arg,
	      where, err.msg);
	*ret_status = strstr(err.msg, "cannot open") ? TLBR_EXIT_USAGE : TLBR_EXIT_BAD_INPUT;
	return -1;
}

int replay_cli_option(struct replay_cli *o, int c, const char *arg, const char *cmd,
		      int *ret_status)
{
	char *end;

	switch (c) {
	case 'p':
		o->ro.policies = arg;
		return 1;
	case OPT_R_TLB:
		o->ro.tlb = tlbr_tlb_model_find(arg);
		if (o->ro.tlb)
			return 1;
		error("unknown residency model '%s' (see --help)", arg);
		break;
	case OPT_R_CPU:
		o->ro.cpu = tlbr_cpu_model_find(arg);
		o->cpu_from = "from --cpu";
		if (o->ro.cpu)
			return 1;
		error("unknown cpu model '%s' (amd, intel or arm64)", arg);
		break;
	case OPT_R_CPUS:
		o->cpus = (int)strtol(arg, &end, 10);
		if (!*end && o->cpus >= 1 && o->cpus <= TLBR_MAX_CPUS)
			return 1;
		error("--cpus takes a number from 1 to %d, not '%s'", TLBR_MAX_CPUS, arg);
		break;
	case OPT_R_ENV:
		if (tlbr_env_parse(arg, &o->ro.env) == 0)
			return 1;
		error("unknown environment '%s' (native, vm, errata, or vm,errata)", arg);
		break;
	case OPT_R_PREEMPT:
		if (!strcmp(arg, "full") || !strcmp(arg, "none")) {
			o->ro.no_preempt = !strcmp(arg, "none");
			return 1;
		}
		error("--preempt takes full or none, not '%s'", arg);
		break;
	case OPT_R_COSTS:
		return load_costs(o, arg, ret_status);
	case OPT_R_FINDINGS:
		o->findings = (unsigned int)strtoul(arg, &end, 10);
		if (!*end && *arg)
			return 1;
		error("--findings takes a number, not '%s'", arg);
		break;
	case OPT_R_FAIL:
		o->fail_on_unsafe = true;
		return 1;
	case OPT_R_FORCE:
		o->force = true;
		return 1;
	case OPT_R_ARM64_KERNEL:
		/* 6.1, 6.12 (or a release: 6.1.0-47-arm64); traced; unknown */
		o->arm64_set = strcmp(arg, "traced") != 0;
		o->arm64_kernel = tlbr_kver_parse(arg);
		snprintf(o->arm64_by_buf, sizeof(o->arm64_by_buf), "--arm64-kernel %s", arg);
		o->arm64_by = o->arm64_by_buf;
		if ((o->arm64_kernel && kver_spelt(arg)) || !strcmp(arg, "unknown") ||
		    !strcmp(arg, "traced"))
			return 1;
		error("--arm64-kernel takes a version (6.1, 6.12, or a release such as "
		      "6.1.0-47-arm64), traced or unknown, not '%s'", arg);
		break;
	case OPT_R_ARM64_LPA2:
		/* on, off, unknown (diff --against: AFTER's PTEs say, tlbr_adapter_lpa2) */
		o->arm64_lpa2 = !strcmp(arg, "on") ? TLBR_LPA2_ON :
				!strcmp(arg, "off") ? TLBR_LPA2_OFF : TLBR_LPA2_UNKNOWN;
		if (o->arm64_lpa2 || !strcmp(arg, "unknown"))
			return 1;
		error("--arm64-lpa2 takes on, off or unknown, not '%s'", arg);
		break;
	case OPT_R_ARM64_AGING:
		/* none, unknown (diff --against: AFTER's metadata says) */
		o->arm64_aging = !strcmp(arg, "none") ? TLBR_AGING_NONE : TLBR_AGING_UNKNOWN;
		if (o->arm64_aging || !strcmp(arg, "unknown"))
			return 1;
		error("--arm64-aging takes none or unknown, not '%s'", arg);
		break;
	case 'i':
		o->input = arg;
		return 1;
	case OPT_R_FORMAT:
		if (input_parse_format(arg, &o->fmt) == 0)
			return 1;
		break;
	default:
		switch (scope_option(&o->scope, c, arg)) {
		case 1:
			return 1;
		case 0:
			return 0;
		}
		break;
	}
	*ret_status = usage_status(cmd);
	return -1;
}

int replay_cli_jobs(struct replay_cli *o, const char *arg, const char *cmd, int *ret_status)
{
	return parse_jobs(arg, cmd, &o->jobs, ret_status);
}

void replay_cli_help_options(FILE *f)
{
	fprintf(f, "    -p, --policies <list>   policies to replay, comma-separated; '+' composes\n"
		   "                            (default: arm64-broadcast,x86-ipi,oracle)\n"
		   "        --tlb <model>       residency model (default: unbounded)\n"
		   "        --cpu <model>       what a stale read-only entry does (default: from the\n"
		   "                            trace's architecture and vendor, else amd)\n"
		   "        --cpus <n>          CPU count, for text traces that do not say\n"
		   "        --env <env>         native, vm (local TLBIs upgraded), errata (repeated\n"
		   "                            TLBIs), or both: vm,errata (default: native)\n"
		   "        --preempt <model>   full or none: what migrate_disable costs (full)\n"
		   "        --costs <table>     cost model: a preset or a file (neoverse-n1)\n"
		   "    -i, --input <trace>     the trace (or the operand; default: ./trace.dat,\n"
		   "                            then ./perf.data)\n"
		   "        --input-format <f>  dat, text, perf or ctf (default: detected)\n"
		   "        --fail-on-unsafe    exit 4 when a policy is unsafe on this trace\n"
		   "        --force             replay a trace that is not ready (tlbreplay stat);\n"
		   "                            every output then says so\n"
		   "        --findings <n>      unsafe counterexamples shown per policy (3)\n"
		   "        --arm64-kernel <v>  x86 traces: the arm64 kernel version the arm64\n"
		   "                            policies' prediction follows where flush rules\n"
		   "                            differ by version (6.1, 6.12, ...; unknown: those\n"
		   "                            points uncertain; default: traced, the traced\n"
		   "                            kernel's version); an arm64 trace follows its\n"
		   "                            own kernel\n"
		   "        --arm64-lpa2 <s>    x86 traces: whether that arm64 machine runs with\n"
		   "                            LPA2 (on, off; default unknown): 6.9-6.12 lose\n"
		   "                            the Access flag of migration entries with it\n"
		   "        --arm64-aging <s>   x86 traces: none if nothing on that arm64 machine\n"
		   "                            clears Access flags unseen (MGLRU off, DAMON\n"
		   "                            off; default unknown): a fault then proves a\n"
		   "                            PTE young at a 6.1 MADV_PAGEOUT\n");
	scope_help_options(f);
}

void replay_cli_help_lists(FILE *f)
{
	const char *p;
	unsigned int i;

	fprintf(f, "\npolicies:\n");
	for (i = 0; (p = tlbr_policy_name(i)); i++)
		fprintf(f, "    %-22s %s\n", p, tlbr_policy_summary(p));
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

/*
 * --cpu when not given: from the trace. The recorder's metadata names the
 * architecture and the CPU model; without it, the arm64 probe vocabulary
 * (tlbr:fault) says arm64; an x86 trace that does not say its vendor gets
 * the default, amd, and says so.
 */
static void default_cpu(struct replay_run *run)
{
	struct replay_cli *o = run->cli;
	const char *meta = tlbr_adapter_metadata(run->in.adapter);
	char arch[32], model_buf[160];
	const char *model = tlbr_metadata_get(meta, "cpu_model", model_buf, sizeof(model_buf));
	const char *pick = "amd";

	if (o->ro.cpu)
		return;
	o->cpu_from = "default: the trace does not name the CPU vendor; --cpu sets it";
	if (tlbr_metadata_get(meta, "arch", arch, sizeof(arch)) && !strcmp(arch, "aarch64")) {
		pick = "arm64";
		o->cpu_from = "from the trace's metadata, arch=aarch64";
	} else if (tlbr_reader_declares(run->in.reader, "tlbr", "fault")) {
		pick = "arm64";
		o->cpu_from = "from the trace's arm64 probe vocabulary, tlbr:fault";
	} else if (model && strstr(model, "Intel")) {
		pick = "intel";
		o->cpu_from = "from the trace's metadata, an Intel CPU";
	} else if (model && strstr(model, "AMD")) {
		o->cpu_from = "from the trace's metadata, an AMD CPU";
	}
	o->ro.cpu = tlbr_cpu_model_find(pick);
}

/*
 * The traced kernel's version, from the recorder's metadata (kernel=R):
 * rules that differ by version follow it; unknown (0), they allow either.
 */
static void traced_kernel(struct replay_run *run)
{
	struct replay_cli *o = run->cli;
	const char *meta = tlbr_adapter_metadata(run->in.adapter);
	char release[128], arch[32], v[32], *b = o->arm64_from_buf;
	size_t n = sizeof(o->arm64_from_buf);
	bool arm64;

	if (tlbr_metadata_get(meta, "kernel", release, sizeof(release)))
		o->ro.kernel = tlbr_kver_parse(release);
	/*
	 * the arm64 kernel the prediction follows: an arm64 trace's own; an
	 * x86 trace's --arm64-kernel (diff --against: AFTER's), else the
	 * traced kernel's version
	 */
	arm64 = (tlbr_metadata_get(meta, "arch", arch, sizeof(arch)) && !strcmp(arch, "aarch64")) ||
		tlbr_reader_declares(run->in.reader, "tlbr", "fault");
	o->ro.arm64_kernel = o->arm64_set && !arm64 ? o->arm64_kernel : o->ro.kernel;
	o->ro.arm64_lpa2 = arm64 ? TLBR_LPA2_UNKNOWN : o->arm64_lpa2;
	o->ro.arm64_aging = arm64 ? TLBR_AGING_UNKNOWN : o->arm64_aging;
	if (o->ro.arm64_kernel)
		snprintf(v, sizeof(v), "Linux %u.%u", o->ro.arm64_kernel >> 8,
			 o->ro.arm64_kernel & 0xff);
	else
		snprintf(v, sizeof(v), "an unknown version");
	if (arm64)
		snprintf(b, n, "%s, the traced kernel (an arm64 trace%s)", v,
			 o->arm64_set ? ": --arm64-kernel applies to x86 traces only" : "");
	else if (o->arm64_set)
		snprintf(b, n, "%s, from %s%s", v, o->arm64_by, o->ro.arm64_kernel ? "" :
			 ": the flush points whose rules differ by version are uncertain");
	else
		snprintf(b, n, "%s, the traced kernel's version (default; --arm64-kernel sets "
			 "another)", v);
	o->arm64_from = o->arm64_from_buf;
	/* the PTEs the kernel batched are in the trace (record's tlbr:ubc_pending) */
	o->ro.batch_marks = tlbr_metadata_get(meta, "batch_marks", release, sizeof(release)) &&
			    !strcmp(release, "traced");
	/* the PTEs fault-around made are in the trace (record's tlbr:map_ptes) */
	o->ro.fault_around_traced = tlbr_metadata_get(meta, "fault_around", release,
						      sizeof(release)) && !strcmp(release, "traced");
	/*
	 * the recorder found the Access flag set by software on every CPU it
	 * tried (arm64 without FEAT_HAFDBS): which PTEs are young is traced
	 */
	o->ro.sw_access_flag = tlbr_metadata_get(meta, "access_flag", release, sizeof(release)) &&
			       !strcmp(release, "software");
	/*
	 * the recording traced reclaim's and migration's unmaps: tlbreplay
	 * record's plan had tlbr:unmap_one (plan_missing does not name it)
	 */
	{
		char missing[1024];

		o->ro.unmaps_traced = tlbr_metadata_get(meta, "plan_missing", missing,
							sizeof(missing)) &&
				      strlen(missing) < sizeof(missing) - 1 &&
				      !strstr(missing, "tlbr:unmap_one");
	}
	/*
	 * madvise COLD/PAGEOUT's young PTEs are traced (record's tlbr:age_young,
	 * an instruction probe in madvise_cold_or_pageout_pte_range's young
	 * branch, planned and armed)
	 */
	o->ro.age_young_traced = tlbr_metadata_get(meta, "age_young", release, sizeof(release)) &&
				 !strcmp(release, "traced");
	/* MADV_FREE's gathered PTEs are traced (tlbr:age_free) */
	o->ro.age_free_traced = tlbr_metadata_get(meta, "age_free", release, sizeof(release)) &&
				!strcmp(release, "traced");
	/* ... and its huge PMD's (tlbr:age_young_pmd), with the PTE's */
	o->ro.age_young_pmd_traced = o->ro.age_young_traced &&
				     tlbr_metadata_get(meta, "age_young_pmd", release,
						       sizeof(release)) &&
				     !strcmp(release, "traced");
	/* MGLRU off on the traced machine: none, or its caps without LRU_GEN_CORE (bit 0) */
	o->ro.lru_gen_off = tlbr_metadata_lru_gen_off(meta);
	/* DAMON on on the traced machine (a kdamond's state "on") */
	o->ro.damon_on = tlbr_metadata_damon_on(meta);
	/* fault-around's window on the traced machine (debugfs fault_around_bytes) */
	if (tlbr_metadata_get(meta, "fault_around_bytes", release, sizeof(release)))
		o->ro.fault_around_bytes = strtoull(release, NULL, 10);
	/* the x86 CPU flushes other CPUs' TLBs by INVLPGB (x86-ipi's self-check) */
	o->ro.invlpgb = tlbr_metadata_get(meta, "invlpgb", release, sizeof(release)) &&
			!strcmp(release, "yes");
	/*
	 * shootdowns delivered without an IPI are in the trace (x86-ipi's
	 * self-check): a trace.dat or perf.data keeps the format of every event
	 * it enabled (a text trace declares nothing: its records say)
	 */
	o->ro.polled_traced = tlbr_reader_declares(run->in.reader, "sched",
						   "sched_wake_idle_without_ipi");
}

/* The replay starts at the first event: text traces declare their CPUs in a header. */
static int start(struct replay_run *run, struct tlbr_error *err)
{
	default_cpu(run);
	traced_kernel(run);
	if (!run->ncpus)
		run->ncpus = tlbr_reader_ncpus(run->in.reader);
	if (run->ncpus <= 0) {
		tlbr_error_set(err, UINT64_MAX, 0, "the trace does not say how many CPUs it was "
			       "recorded on: give --cpus");
		return -EBADMSG;
	}
	run->cli->ro.ncpus = run->ncpus;
	run->cli->ro.lost_unknown = tlbr_reader_lost_unknown(run->in.reader) != NULL;
	return tlbr_replay_new(&run->cli->ro, &run->replay);
}

static int on_record(void *ctx, const struct tlbr_record *rec)
{
	struct replay_run *run = ctx;
	int ret;

	if ((ret = tlbr_stat_record(&run->stat, rec)) < 0)
		return ret;
	return run->on_record ? run->on_record(run->ctx, rec) : 0;
}

/* A note of the replay, for the caller when its event is in scope. */
static void scoped_note(void *ctx, const struct tlbr_note *n)
{
	struct replay_run *run = ctx;

	if (scope_note(&run->scope, n))
		run->note(run->note_ctx, n);
}

static int on_event(void *ctx, const struct tlbr_event *ev, struct tlbr_error *err)
{
	struct replay_run *run = ctx;
	bool in;
	int ret;

	/* a trace of record -- CMD counts CMD's process tree (scope.h) */
	if (!run->scope_decided)
		run->scope_decided = scope_follow_metadata(&run->cli->scope,
							   tlbr_adapter_metadata(run->in.adapter),
							   &run->meta_seen);
	in = scope_event(&run->scope, ev);

	if (!run->replay) {
		if ((ret = start(run, err)) < 0)
			return ret;
		/*
		 * What the replay asked the reader (its CPUs, its events) is
		 * asked: from the next record on the reader may run ahead.
		 */
		if (jobs_read_ahead(run->cli->jobs))
			tlbr_stream_read_ahead(run->in.stream);
	}
	/* what the replay held for this event to decide counts in the stretch before it */
	tlbr_replay_settle(run->replay, ev);
	/*
	 * the live counts only when a filter asks, and only where the scope
	 * changes (the policies' summaries are not free)
	 */
	if (scope_active(run->scope.o) && scope_count_due(&run->scope, in) &&
	    scope_count(&run->scope, tlbr_replay_finish(run->replay), in) < 0)
		return -ENOMEM;
	if (ev->cpu >= run->ncpus) {
		tlbr_error_set(err, ev->pos, 0, "an event on cpu %d, but the trace has %d CPUs "
			       "(--cpus sets the count)", ev->cpu, run->ncpus);
		return -EBADMSG;
	}
	if ((ret = tlbr_stat_event(&run->stat, ev)) < 0)
		return ret;
	run->event_in = in;
	if (run->on_event)
		run->on_event(run->ctx, ev);
	return tlbr_replay_event(run->replay, ev);
}

/*
 * The readiness of the trace just read (tlbreplay stat's check): a trace
 * that is not ready is refused, naming what it lacks, unless --force.
 */
static int check_ready(struct replay_run *run, const char *path, const char *cmd)
{
	struct tlbr_readiness items[TLBR_READINESS_MAX];
	const char *verdict;
	unsigned int n;
	char buf[512];

	tlbr_stat_note_declared(&run->stat, run->in.reader);
	n = tlbr_stat_readiness(&run->stat, items, &verdict);
	tlbr_ready_from(&run->ready, items, n, verdict, run->cli->force);
	if (strcmp(verdict, "not ready") || run->cli->force)
		return 0;
	error("'%s': the trace is %s (tlbreplay stat '%s' tells what each input "
	      "gives; %s --force replays it anyway, and says so in every output)", path,
	      tlbr_ready_line(&run->ready, buf, sizeof(buf)), path, cmd);
	return TLBR_EXIT_BAD_INPUT;
}

int replay_run(struct replay_run *run, const char *path, const char *cmd,
	       const struct tlbr_replay_result **ret_res)
{
	struct input_ops ops = { .on_event = on_event, .on_record = on_record };
	struct replay_cli *o = run->cli;
	char bad[64];
	int status;

	if (!o->costs)
		o->costs = tlbr_costs_find("neoverse-n1");
	run->ncpus = o->cpus;
	/* policy names are checked before the trace is read */
	if (tlbr_policy_parse(o->ro.policies, bad, sizeof(bad)) < 0) {
		const char *names[64], *sug;
		size_t n = 0;

		while (n < ARRAY_SIZE(names) && (names[n] = tlbr_policy_name((unsigned int)n)))
			n++;
		sug = did_you_mean(bad, names, n);
		if (sug)
			error("unknown policy '%s'; did you mean '%s'?", bad, sug);
		else
			error("unknown policy '%s' (tlbreplay %s --help lists them)", bad, cmd);
		return TLBR_EXIT_USAGE;
	}
	status = input_open(&run->in, path, o->fmt);
	if (status)
		return status;
	tlbr_stat_init(&run->stat);
	run->stat_on = true;
	scope_init(&run->scope, &o->scope, run->in.adapter);
	run->scope_decided = scope_active(&o->scope) || o->scope.system;
	if (o->ro.note) {	/* in scope: all of them, until a scope is set */
		run->note = o->ro.note;
		run->note_ctx = o->ro.note_ctx;
		o->ro.note = scoped_note;
		o->ro.note_ctx = run;
	}
	run->in.progress = run->progress;
	status = input_run(&run->in, &ops, run);
	if (!status && !run->replay && start(run, &run->in.err) < 0)
		status = report_input_error(path, -EBADMSG, &run->in.err);
	if (status)
		return status;
	status = check_ready(run, path, cmd);
	if (status)
		return status;
	tlbr_replay_end(run->replay);
	{
		char at[256];
		unsigned int n = tlbr_adapter_census_unprobed(run->in.adapter, at, sizeof(at));

		tlbr_replay_census_unprobed(run->replay, n, at);
	}
	*ret_res = tlbr_replay_finish(run->replay);
	run->system = o->scope.workload ? *ret_res : NULL;
	if (scope_active(&o->scope)) {
		*ret_res = scope_result(&run->scope);
		if (!*ret_res)
			die("out of memory");
	}
	run->cpu_ns = scope_cpu_ns(&run->scope);
	run->span_ns = run->scope.any_in ? run->scope.last_in_ns - run->scope.first_in_ns : 0;
	return 0;
}

void replay_run_close(struct replay_run *run)
{
	tlbr_replay_free(run->replay);
	run->replay = NULL;
	scope_release(&run->scope);
	if (run->stat_on)
		tlbr_stat_release(&run->stat);
	run->stat_on = false;
	if (run->in.reader || run->in.adapter)
		input_close(&run->in);
}

int replay_cli_status(const struct replay_cli *o, const struct tlbr_replay_result *res)
{
	unsigned int i;

	for (i = 0; o->fail_on_unsafe && i < res->npolicies; i++)
		if (res->policy[i].unsafe)
			return TLBR_EXIT_UNSAFE;
	return TLBR_EXIT_OK;
}
