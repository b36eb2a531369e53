// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diff.c - `tlbreplay diff BEFORE... -- AFTER...`: the same workload
 * recorded on two kernels (or configurations): what each kernel did per
 * flush site and in all, and whether the change exceeds run-to-run noise.
 * No replay: these are facts of the traces.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "against.h"
#include "cmd.h"
#include "config.h"
#include "diff.h"
#include "input.h"
#include "json.h"
#include "replay-cli.h"
#include "scope.h"

enum { OPT_FORMAT = 256, OPT_JSON, OPT_INFMT, OPT_AGAINST, OPT_AFTER_PID, OPT_AFTER_COMM,
       OPT_FORCE, OPT_TABLE, OPT_LPA2, OPT_AGING };
enum fmt { F_TEXT, F_CSV, F_JSON };

static const struct option diff_options[] = {
	SCOPE_CLI_OPTIONS,
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "input-format", required_argument, NULL, OPT_INFMT },
	{ "against", no_argument, NULL, OPT_AGAINST },
	{ "after-pid", required_argument, NULL, OPT_AFTER_PID },
	{ "after-comm", required_argument, NULL, OPT_AFTER_COMM },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "arm64-lpa2", required_argument, NULL, OPT_LPA2 },
	{ "arm64-aging", required_argument, NULL, OPT_AGING },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* --arm64-lpa2 (set: it overrides what AFTER's PTEs say) */
static unsigned int lpa2_cli;
static bool lpa2_cli_set;
/* --arm64-aging (set: it overrides what AFTER's metadata says) */
static unsigned int aging_cli;
static bool aging_cli_set;

static void diff_help(FILE *f)
{
	print_usage(f, tlbr_find_cmd("diff"));
	fprintf(f, "\n"
		   "        --format <f>        text (80 columns), csv or json (default: text)\n"
		   "        --json              the same as --format json\n"
		   "        --input-format <f>  dat, text, perf or ctf (default: detected)\n"
		   "        --against           BEFORE predicts, AFTER (arm64, TLBI census) counts:\n"
		   "                            arm64-broadcast replayed on BEFORE beside the\n"
		   "                            broadcasts AFTER's kernel executed, per site and\n"
		   "                            per operation counted in the traces, and the\n"
		   "                            seed policies' savings replayed on both\n"
		   "        --after-pid <list>  count these processes of AFTER (instead of --pid)\n"
		   "        --after-comm <list> count these commands of AFTER (instead of --comm)\n"
		   "        --force             --against: replay traces that are not ready\n"
		   "        --table <name>      --against --format csv: sites (default),\n"
		   "                            operations or savings\n"
		   "        --arm64-lpa2 <s>    --against: whether AFTER's machine runs with LPA2\n"
		   "                            (on, off, unknown; default: as AFTER's PTEs say)\n"
		   "        --arm64-aging <s>   --against: none if nothing on AFTER's machine\n"
		   "                            clears Access flags unseen (none, unknown;\n"
		   "                            default: none where AFTER's metadata shows MGLRU\n"
		   "                            and DAMON off)\n");
	scope_help_options(f);
	fprintf(f, "    -h, --help              this help\n\n"
		   "With two or more traces on a side: mean +- standard deviation, and Welch's\n"
		   "two-sided t-test; a change is beyond run-to-run noise when p < %.2f.\n",
		   TLBR_DIFF_ALPHA);
}

static void print_files(FILE *f, const char *side, char **paths, unsigned int n);

/* --against: one side's traces replayed, its operations counted */
struct against_ctx {
	struct replay_run *run;
	struct tlbr_against_side *side;
	bool huge_alloc;	/* an x86 huge fault told by its allocation was seen */
};

static void against_event(void *ctx, const struct tlbr_event *ev)
{
	struct against_ctx *c = ctx;

	if (ev->kind == TLBR_EV_TLBI)
		c->side->tlbi_events++;
	if (ev->kind == TLBR_EV_HUGE && ev->huge.alloc)
		c->huge_alloc = true;
	if (c->run->event_in)
		tlbr_against_count(c->side, ev);
}

/* a decision of the replay in scope: arm64-broadcast's broadcasts, by site */
static void against_note(void *ctx, const struct tlbr_note *n)
{
	struct tlbr_against_side *side = ctx;

	if (n->kind == TLBR_NOTE_FLUSH && n->policy == 0 && n->out == TLBR_OUT_BROADCAST &&
	    (unsigned int)n->site < TLBR_SITE__COUNT)
		tlbr_against_broadcast(side, n);
	if (n->kind == TLBR_NOTE_FLUSH && n->policy == 0)	/* why its points were uncertain */
		side->uncertain_why |= n->unsure;
}

/*
 * One side replayed. @arm64_by: the arm64 kernel version BEFORE's
 * prediction follows (@arm64_kver: AFTER's kernel), NULL for AFTER itself.
 */
static int against_side(char **paths, unsigned int n, enum tlbr_format fmt,
			const struct scope_opts *so, bool force, struct tlbr_against_side *side,
			char *desc, size_t descsize, unsigned int arm64_kver, const char *arm64_by,
			unsigned int lpa2, unsigned int aging)
{
	unsigned int i;
	int status = 0;

	memset(side, 0, sizeof(*side));
	desc[0] = '\0';
	for (i = 0; i < n && !status; i++) {
		const struct tlbr_replay_result *res;
		struct replay_run run = { 0 };
		struct against_ctx c = { &run, side };
		struct replay_cli o;
		const char *meta;
		char buf[96];

		replay_cli_init(&o);
		o.fmt = fmt;
		o.ro.policies = TLBR_AGAINST_POLICIES;
		o.scope = *so;
		o.force = force;
		o.ro.note = against_note;
		o.ro.note_ctx = side;
		if (arm64_by) {
			o.arm64_set = true;
			o.arm64_kernel = arm64_kver;
			o.arm64_by = arm64_by;
			o.arm64_lpa2 = lpa2;
			o.arm64_aging = aging;
		}
		run.cli = &o;
		run.on_event = against_event;
		run.ctx = &c;
		status = replay_run(&run, paths[i], "diff", &res);
		if (!status) {
			tlbr_against_add(side, res);
			meta = tlbr_adapter_metadata(run.in.adapter);
			if (!*side->arch && tlbr_metadata_get(meta, "arch", buf, sizeof(buf)))
				snprintf(side->arch, sizeof(side->arch), "%.31s", buf);
			if (!*side->kernel && tlbr_metadata_get(meta, "kernel", buf, sizeof(buf)))
				snprintf(side->kernel, sizeof(side->kernel), "%s", buf);
			/* one version for the side, or unknown (0) when its traces differ */
			side->kver = !i || side->kver == res->kernel ? res->kernel : 0;
			side->arm64_kver = !i || side->arm64_kver == res->arm64_kernel ?
					   res->arm64_kernel : 0;
			/* AFTER's machine: LPA2 as its PTEs say, unknown where its traces differ */
			side->lpa2 = !i || side->lpa2 == tlbr_adapter_lpa2(run.in.adapter) ?
				     tlbr_adapter_lpa2(run.in.adapter) : TLBR_LPA2_UNKNOWN;
			/*
			 * AFTER's machine: nothing clears Access flags unseen where
			 * its metadata shows MGLRU off and DAMON not on, and no
			 * kdamond ran in it (unmap.c: age_range's young_seen), in
			 * every one of its traces
			 */
			{
				unsigned int ag = tlbr_metadata_lru_gen_off(meta) &&
						  !tlbr_metadata_damon_on(meta) &&
						  !tlbr_adapter_kdamond_seen(run.in.adapter) ?
						  TLBR_AGING_NONE : TLBR_AGING_UNKNOWN;

				side->aging = !i || side->aging == ag ? ag : TLBR_AGING_UNKNOWN;
			}
			if (!arm64_by)	/* AFTER: its census, its kernel */
				snprintf(side->arm64_from, sizeof(side->arm64_from), "the traced "
					 "kernel (AFTER: the census counts what it executed)");
			else if (!i || side->arm64_kver != res->arm64_kernel)
				snprintf(side->arm64_from, sizeof(side->arm64_from), "%s",
					 o.arm64_from ? o.arm64_from : "");
			if (!*side->affinity && tlbr_metadata_get(meta, "affinity", buf, sizeof(buf)))
				snprintf(side->affinity, sizeof(side->affinity), "%.63s", buf);
			if (tlbr_metadata_get(meta, "batch_marks", buf, sizeof(buf)) &&
			    !strcmp(buf, "traced"))
				side->batch_marks++;
			/* (a text trace declares nothing: its records say) */
			if (tlbr_reader_declares(run.in.reader, "kmem", "mm_page_alloc") ||
			    c.huge_alloc)
				side->huge_allocs++;
			if (!*desc)
				snprintf(desc, descsize, "%s", *o.scope.desc ? o.scope.desc :
					 "every process");
		}
		replay_run_close(&run);
	}
	return status;
}

static void note_text(void *ctx, const char *key, const char *text)
{
	(void)key;
	tlbr_print_wrapped(ctx, "- ", 2, text, 80);
}

static void note_json(void *ctx, const char *key, const char *text)
{
	struct tlbr_json *j = ctx;

	tlbr_json_obj_begin(j, NULL);
	tlbr_json_str(j, "key", key);
	tlbr_json_str(j, "text", text);
	tlbr_json_obj_end(j);
}

static void side_json(struct tlbr_json *j, const char *name, const struct tlbr_against_side *s,
		      char **paths, unsigned int n, const char *scope, bool census)
{
	unsigned int i;
	char kv[16];

	tlbr_json_obj_begin(j, name);
	tlbr_json_arr_begin(j, "traces");
	for (i = 0; i < n; i++)
		tlbr_json_str(j, NULL, paths[i]);
	tlbr_json_arr_end(j);
	tlbr_json_str(j, "scope", scope);
	tlbr_json_str(j, "arch", s->arch);
	tlbr_json_str(j, "kernel", s->kernel);
	tlbr_json_u64(j, "cpus", (uint64_t)s->ncpus);
	tlbr_json_str(j, "affinity", s->affinity);
	tlbr_json_str(j, "arm64_kernel", tlbr_kver_string(s->arm64_kver, kv, sizeof(kv)));
	tlbr_json_str(j, "arm64_kernel_from", s->arm64_from);
	tlbr_json_str(j, "source", census ? "counted: the TLBI census (broadcast flush operations "
		      "the kernel executed)" : "predicted: arm64-broadcast replayed");
	tlbr_json_u64(j, "tlbi_census_events", s->tlbi_events);
	tlbr_json_u64(j, "huge_mapped", s->huge_mapped);
	tlbr_json_u64(j, "contpte_reuses", s->contpte_reuses);
	tlbr_json_u64(j, "asid_rollovers", s->asid_rollovers);
	tlbr_json_u64(j, "write_faults_present", s->write_faults_present);
	tlbr_json_u64(j, "kernel_faults", s->kernel_faults);
	tlbr_json_u64(j, "uncertain_broadcasts", s->policy_maybe[0]);
	tlbr_json_u64(j, "batch_marks_traced", s->batch_marks);
	tlbr_json_u64(j, "huge_allocs_traced", s->huge_allocs);
	tlbr_json_u64(j, "huge_allocs_unpaired", s->huge_alloc_unpaired);
	tlbr_json_obj_end(j);
}

static int cmd_against(char **b, unsigned int nb, char **a, unsigned int na,
		       enum tlbr_format infmt, const struct scope_opts *so,
		       const struct scope_opts *so_after, bool force, int fmt, const char *table)
{
	struct tlbr_against_side *sb = calloc(1, sizeof(*sb)), *sa = calloc(1, sizeof(*sa));
	char db[256], da[256], by[224];
	struct tlbr_table ts, to, tv;
	int status;

	if (!sb || !sa)
		die("out of memory");
	/*
	 * AFTER first: its kernel's version is the arm64 kernel BEFORE's
	 * prediction follows (rules that differ by version: MADV_PAGEOUT's
	 * aging before 6.10), unknown when AFTER's traces differ
	 */
	status = against_side(a, na, infmt, so_after, force, sa, da, sizeof(da), 0, NULL, 0, 0);
	if (!status) {
		char v[16];
		unsigned int lpa2, aging;
		size_t l;

		if (sa->kver)
			snprintf(by, sizeof(by), "AFTER's kernel %s",
				 tlbr_kver_string(sa->kver, v, sizeof(v)));
		else
			snprintf(by, sizeof(by), "AFTER's kernel (its version %s)", na > 1 ?
				 "unknown, or not the same in all its traces" : "unknown");
		/* LPA2 (engine.c: cold_after_split): --arm64-lpa2, else AFTER's PTEs */
		lpa2 = lpa2_cli_set ? lpa2_cli : sa->lpa2;
		l = strlen(by);
		if (lpa2 != TLBR_LPA2_UNKNOWN)
			snprintf(by + l, sizeof(by) - l, ", LPA2 %s (%s)",
				 lpa2 == TLBR_LPA2_ON ? "on" : "off",
				 lpa2_cli_set ? "--arm64-lpa2" : "AFTER's user PTEs");
		/* unseen aging (unmap.c: age_range): --arm64-aging, else AFTER's metadata */
		aging = aging_cli_set ? aging_cli : sa->aging;
		l = strlen(by);
		if (aging == TLBR_AGING_NONE)
			snprintf(by + l, sizeof(by) - l, ", no unseen aging (%s)",
				 aging_cli_set ? "--arm64-aging" : "AFTER's metadata: MGLRU and DAMON off");
		status = against_side(b, nb, infmt, so, force, sb, db, sizeof(db), sa->kver, by,
				      lpa2, aging);
	}
	if (!status && !sa->tlbi_events) {
		error("the traces after the '--' have no TLBI census: --against counts what an "
		      "arm64 kernel executed, recorded by tlbreplay record on arm64 (the census "
		      "is on by default)");
		status = TLBR_EXIT_BAD_INPUT;
	}
	if (status) {
		free(sb);
		free(sa);
		return status;
	}
	if (tlbr_against_sites(sb, sa, &ts) < 0 || tlbr_against_ops(sb, sa, &to) < 0 ||
	    tlbr_against_savings(sb, sa, &tv) < 0)
		die("out of memory");
	if (fmt == 0) {	/* text */
		printf("tlbreplay %s diff --against: %u trace%s before (predicted), %u after "
		       "(counted)\n", TLBR_VERSION, nb, nb == 1 ? "" : "s", na);
		print_files(stdout, "before", b, nb);
		print_files(stdout, "after", a, na);
		printf("scope   before: %s\n        after: %s\n", db, da);
		tlbr_print_wrapped(stdout, "arm64   ", 8, sb->arm64_from, 80);
		putchar('\n');
		tlbr_table_print_text(stdout, &ts);
		tlbr_print_wrapped(stdout, "", 0,
				   "predicted: the broadcasts of arm64-broadcast replayed on BEFORE "
				   "(every user flush one TLBI IS operation; write-fault reuses and "
				   "one exit flush per exit_mmap included, x86's own exit flushes "
				   "not). census: the broadcast flush operations AFTER's arm64 "
				   "kernel executed, counted by the TLBI census. ops: the operation "
				   "each site is counted per (per), counted in that side's traces ('wf "
				   "reused', 'wf copied': the write faults on present read-only pages "
				   "the kernel reused, copied; the notes give them per user write "
				   "fault, the program's difference); /op: "
				   "the broadcasts per operation. diff: predicted per operation against "
				   "counted per operation (or the counts themselves, per '(count)').", 80);
		putchar('\n');
		tlbr_table_print_text(stdout, &to);
		putchar('\n');
		tlbr_table_print_text(stdout, &tv);
		tlbr_print_wrapped(stdout, "", 0,
				   "saved: 1 - the policy's broadcasts / arm64-broadcast's, both "
				   "replayed on the side's traces (predicted on both sides; AFTER's "
				   "census is not a replay); diff: percentage points.", 80);
		if (tlbr_against_uncertain(sb, sa))
			tlbr_print_wrapped(stdout, "", 0,
					   "Where a side has uncertain flush points (the notes say how "
					   "many, and why) its share is the range they allow: least if "
					   "only those the policy broadcasts at were flushes, most if "
					   "only those it saves were. 5 pp: yes when every difference "
					   "the ranges allow is within 5 percentage points, no when "
					   "none is, unknown otherwise.", 80);
		printf("\nWhat differs because the programs or machines differ, not the model:\n");
		tlbr_against_notes(sb, sa, note_text, stdout);
	} else if (fmt == 1) {	/* csv: one table, the sites unless --table names another */
		tlbr_table_print_csv(stdout, table && !strcmp(table, "savings") ? &tv :
				     table && !strcmp(table, "operations") ? &to : &ts);
	} else {
		struct tlbr_json j;

		tlbr_json_init(&j, stdout, true);
		tlbr_json_obj_begin(&j, NULL);
		tlbr_json_str(&j, "schema", TLBR_AGAINST_SCHEMA);
		tlbr_json_u64(&j, "version", TLBR_AGAINST_SCHEMA_VERSION);
		tlbr_json_str(&j, "tlbreplay", TLBR_VERSION);
		tlbr_json_str(&j, "predicted_by", TLBR_AGAINST_BASE);
		side_json(&j, "before", sb, b, nb, db, false);
		side_json(&j, "after", sa, a, na, da, true);
		tlbr_table_print_json(&j, &ts);
		tlbr_table_print_json(&j, &to);
		tlbr_table_print_json(&j, &tv);
		tlbr_json_arr_begin(&j, "notes");
		tlbr_against_notes(sb, sa, note_json, &j);
		tlbr_json_arr_end(&j);
		tlbr_json_obj_end(&j);
	}
	tlbr_table_release(&ts);
	tlbr_table_release(&to);
	tlbr_table_release(&tv);
	free(sb);
	free(sa);
	return 0;
}

struct diff_ctx {
	struct scope scope;
	struct scope_opts so;		/* the options, or the trace's recorded workload */
	const struct tlbr_adapter *adapter;
	size_t meta_seen;
	bool decided;
	struct tlbr_diff_counts *c;
};

static int on_event(void *ctx, const struct tlbr_event *ev, struct tlbr_error *err)
{
	struct diff_ctx *d = ctx;

	(void)err;
	if (!d->decided)	/* a trace of record -- CMD counts CMD's processes (scope.h) */
		d->decided = scope_follow_metadata(&d->so, tlbr_adapter_metadata(d->adapter),
						   &d->meta_seen);
	if (scope_event(&d->scope, ev))
		tlbr_diff_count(d->c, ev);
	return 0;
}

static int count(const char *path, enum tlbr_format fmt, const struct scope_opts *so,
		 struct tlbr_diff_counts *c, bool *ret_workload)
{
	static const struct input_ops ops = { .on_event = on_event };
	struct diff_ctx *d = calloc(1, sizeof(*d));
	struct input in;
	int status;

	if (!d)
		die("out of memory");
	memset(c, 0, sizeof(*c));
	status = input_open(&in, path, fmt);
	if (status) {
		free(d);
		return status;
	}
	d->c = c;
	d->so = *so;
	d->adapter = in.adapter;
	d->decided = scope_active(so) || so->system;
	scope_init(&d->scope, &d->so, in.adapter);
	status = input_run(&in, &ops, d);
	*ret_workload |= d->so.workload;
	c->cpu_ns = scope_cpu_ns(&d->scope);
	scope_release(&d->scope);
	input_close(&in);
	free(d);
	return status;
}

static void print_files(FILE *f, const char *side, char **paths, unsigned int n)
{
	char buf[256], line[1024];
	size_t m = 0;
	unsigned int i;

	line[0] = '\0';
	for (i = 0; i < n; i++)
		m += (size_t)snprintf(line + m, m < sizeof(line) ? sizeof(line) - m : 0, "%s%s",
				      i ? " " : "", tlbr_printable(paths[i], buf, sizeof(buf)));
	tlbr_print_wrapped(f, side, 8, line, 80);
}

static void print_json(FILE *f, const struct tlbr_table *t, char **b, unsigned int nb, char **a,
		       unsigned int na, const struct scope_opts *so)
{
	struct tlbr_json j;
	unsigned int i;

	tlbr_json_init(&j, f, true);
	tlbr_json_obj_begin(&j, NULL);
	tlbr_json_str(&j, "schema", TLBR_DIFF_SCHEMA);
	tlbr_json_u64(&j, "version", TLBR_DIFF_SCHEMA_VERSION);
	tlbr_json_str(&j, "tlbreplay", TLBR_VERSION);
	tlbr_json_str(&j, "test", "welch-t");
	tlbr_json_double(&j, "alpha", TLBR_DIFF_ALPHA);
	tlbr_json_str(&j, "scope", so->desc);
	tlbr_json_arr_begin(&j, "before");
	for (i = 0; i < nb; i++)
		tlbr_json_str(&j, NULL, b[i]);
	tlbr_json_arr_end(&j);
	tlbr_json_arr_begin(&j, "after");
	for (i = 0; i < na; i++)
		tlbr_json_str(&j, NULL, a[i]);
	tlbr_json_arr_end(&j);
	tlbr_table_print_json(&j, t);
	tlbr_json_obj_end(&j);
}

int cmd_diff(int argc, char **argv)
{
	struct tlbr_diff_counts *cb = NULL, *ca = NULL;
	enum tlbr_format infmt = TLBR_FMT_AUTO;
	struct scope_opts so = { 0 }, so_after = { 0 };
	bool workload = false, against = false, after_set = false, force = false;
	const char *table = NULL;
	enum fmt fmt = F_TEXT;
	int c, sep, i, status = 0;
	unsigned int nb, na;
	char **b, **a;
	struct tlbr_table t;

	/* BEFORE... -- AFTER...: the options are before the "--" */
	for (sep = 1; sep < argc && strcmp(argv[sep], "--"); sep++)
		;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(sep, argv, "h", diff_options, NULL)) != -1) {
		switch (scope_option(&so, c, optarg)) {
		case 1:
			continue;
		case -1:
			usage_error("diff");
			return TLBR_EXIT_USAGE;
		}
		switch (c) {
		case OPT_FORMAT:
			if (!strcmp(optarg, "text") || !strcmp(optarg, "csv") ||
			    !strcmp(optarg, "json")) {
				fmt = optarg[0] == 't' ? F_TEXT : optarg[0] == 'c' ? F_CSV : F_JSON;
				break;
			}
			error("unknown format '%s' (text, csv or json)", optarg);
			return TLBR_EXIT_USAGE;
		case OPT_JSON:
			fmt = F_JSON;
			break;
		case OPT_AGAINST:
			against = true;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_LPA2:
			lpa2_cli = !strcmp(optarg, "on") ? TLBR_LPA2_ON :
			       !strcmp(optarg, "off") ? TLBR_LPA2_OFF : TLBR_LPA2_UNKNOWN;
			lpa2_cli_set = true;
			if (lpa2_cli || !strcmp(optarg, "unknown"))
				break;
			error("--arm64-lpa2 takes on, off or unknown, not '%s'", optarg);
			return TLBR_EXIT_USAGE;
		case OPT_AGING:
			aging_cli = !strcmp(optarg, "none") ? TLBR_AGING_NONE : TLBR_AGING_UNKNOWN;
			aging_cli_set = true;
			if (aging_cli || !strcmp(optarg, "unknown"))
				break;
			error("--arm64-aging takes none or unknown, not '%s'", optarg);
			return TLBR_EXIT_USAGE;
		case OPT_TABLE:
			if (strcmp(optarg, "sites") && strcmp(optarg, "operations") &&
			    strcmp(optarg, "savings")) {
				error("unknown table '%s' (sites, operations or savings)", optarg);
				return TLBR_EXIT_USAGE;
			}
			table = optarg;
			break;
		case OPT_AFTER_PID:
		case OPT_AFTER_COMM:
			if (scope_option(&so_after, c == OPT_AFTER_PID ? OPT_S_PID : OPT_S_COMM,
					 optarg) < 0) {
				usage_error("diff");
				return TLBR_EXIT_USAGE;
			}
			after_set = true;
			break;
		case OPT_INFMT:
			if (input_parse_format(optarg, &infmt) < 0)
				return TLBR_EXIT_USAGE;
			break;
		case 'h':
			diff_help(stdout);
			return TLBR_EXIT_OK;
		default:
			return usage_bad_option("diff", diff_options, sep, argv, optind);
		}
	}
	b = argv + optind;
	nb = (unsigned int)(sep - optind);
	a = argv + sep + 1;
	na = sep < argc ? (unsigned int)(argc - sep - 1) : 0;
	if (sep == argc || !nb || !na) {
		error(sep == argc ? "no '--' between the traces before and after" :
		      "no traces %s the '--'", nb ? "after" : "before");
		usage_error("diff");
		return TLBR_EXIT_USAGE;
	}
	if (table && (!against || fmt != F_CSV)) {
		error("--table goes with --against --format csv");
		usage_error("diff");
		return TLBR_EXIT_USAGE;
	}
	if ((after_set || force) && !against) {
		error("--after-pid, --after-comm and --force go with --against");
		usage_error("diff");
		return TLBR_EXIT_USAGE;
	}
	if (against) {
		if (!after_set) {
			so_after = so;
		} else {	/* the other filters of AFTER are the common ones */
			so_after.has_time = so.has_time;
			so_after.from_ns = so.from_ns;
			so_after.to_ns = so.to_ns;
			so_after.system = so.system;
		}
		return cmd_against(b, nb, a, na, infmt, &so, &so_after, force, (int)fmt, table);
	}
	cb = calloc(nb, sizeof(*cb));
	ca = calloc(na, sizeof(*ca));
	if (!cb || !ca)
		die("out of memory");
	for (i = 0; i < (int)nb && !status; i++)
		status = count(b[i], infmt, &so, &cb[i], &workload);
	for (i = 0; i < (int)na && !status; i++)
		status = count(a[i], infmt, &so, &ca[i], &workload);
	if (workload)	/* said once for all: each trace names its own */
		snprintf(so.desc, sizeof(so.desc), "the recorded workload of each trace that "
			 "names one (--system counts every process)");
	if (!status) {
		int ret = tlbr_diff_table(cb, nb, ca, na, &t);

		if (ret == -E2BIG) {
			error("at most 1024 traces on a side");
			status = TLBR_EXIT_USAGE;
		} else if (ret < 0) {
			die("out of memory");
		}
	}
	if (!status) {
		switch (fmt) {
		case F_TEXT:
			printf("tlbreplay %s diff: %u trace%s before, %u after\n", TLBR_VERSION, nb,
			       nb == 1 ? "" : "s", na);
			print_files(stdout, "before", b, nb);
			print_files(stdout, "after", a, na);
			if (*so.desc)
				printf("scope   %s\n", so.desc);
			putchar('\n');
			tlbr_table_print_text(stdout, &t);
			tlbr_print_wrapped(stdout, "", 0,
					   "What the traced kernels did (no replay), per flush site "
					   "and in all: the mean and standard deviation (+-) over the "
					   "traces of a side. broadcast: flushes that reached other "
					   "CPUs (IPI shootdowns, TLBI IS). sig: the change exceeds "
					   "run-to-run noise by Welch's two-sided t-test, p < 0.05; "
					   "no test (-) with one trace on a side.", 80);
			break;
		case F_CSV:
			tlbr_table_print_csv(stdout, &t);
			break;
		case F_JSON:
			print_json(stdout, &t, b, nb, a, na, &so);
			break;
		}
		tlbr_table_release(&t);
	}
	free(cb);
	free(ca);
	return status;
}
