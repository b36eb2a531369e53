// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * suite.c - `tlbreplay suite`: replay many traces (in parallel processes
 * with -j) under the same policies, in one or more environments, and print
 * one table of gainers and losers. Every replay is a what-if JSON result,
 * whether a child process here wrote it or a batch job elsewhere did
 * (--from-json): the table is built from those results only.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "replay-cli.h"
#include "suite.h"

enum { OPT_FORMAT = 256, OPT_MANIFEST, OPT_FROM_JSON, OPT_PLOT, OPT_GNUPLOT };

static const struct option suite_options[] = {
	REPLAY_CLI_OPTIONS,
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "jobs", required_argument, NULL, 'j' },
	{ "manifest", required_argument, NULL, OPT_MANIFEST },
	{ "from-json", required_argument, NULL, OPT_FROM_JSON },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "gnuplot", required_argument, NULL, OPT_GNUPLOT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void suite_help(FILE *f)
{
	print_usage(f, tlbr_find_cmd("suite"));
	fprintf(f, "\n");
	replay_cli_help_options(f);
	fprintf(f, "                            (--env and --preempt take lists: native,vm;\n"
		   "                            vm+errata is both at once)\n"
		   "    -j, --jobs <n>          replay up to n traces at once, in processes (1)\n"
		   "        --format <f>        text (80 columns), csv, json, markdown or email\n"
		   "        --manifest <file>   the traces: '[<label>] <trace>' lines, paths relative\n"
		   "                            to the manifest\n"
		   "        --from-json <dir>   build the table from the what-if --json results in\n"
		   "                            <dir> (*.json) instead of replaying\n"
		   "        --plot <dir>        a bar group per workload (gnuplot script, data,\n"
		   "                            PNG and SVG in <dir>)\n"
		   "        --gnuplot <prog>    the gnuplot to run (default: gnuplot)\n"
		   "    -h, --help              this help\n");
	replay_cli_help_lists(f);
}

struct job {
	char *path, *label;
	enum tlbr_env env;
	bool no_preempt;
	FILE *out;
	pid_t pid;
	int status;
};

struct suite_args {
	enum tlbr_suite_format fmt;
	unsigned int jobs;
	const char *manifest, *from_json;
	const char *plot, *gnuplot;	/* --plot DIR, --gnuplot PROG */
	enum tlbr_env envs[4];
	unsigned int nenv;
	bool preempt_none[2];
	unsigned int npreempt;
};

static int parse_envs(struct suite_args *a, const char *arg)
{
	const char *p = arg;
	char name[32];

	a->nenv = 0;
	while (*p) {
		size_t n = strcspn(p, ",");

		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if (a->nenv == ARRAY_SIZE(a->envs) || tlbr_env_parse(name, &a->envs[a->nenv]) < 0) {
			error("unknown environment '%s' (native, vm, errata or vm+errata, "
			      "comma-separated)",
			      name);
			return -1;
		}
		a->nenv++;
		p += n + (p[n] == ',');
	}
	return a->nenv ? 0 : -1;
}

static int parse_preempts(struct suite_args *a, const char *arg)
{
	const char *p = arg;

	a->npreempt = 0;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (a->npreempt == 2 || !((n == 4 && !strncmp(p, "full", 4)) ||
					  (n == 4 && !strncmp(p, "none", 4)))) {
			error("--preempt takes full, none or full,none, not '%s'", arg);
			return -1;
		}
		a->preempt_none[a->npreempt++] = !strncmp(p, "none", 4);
		p += n + (p[n] == ',');
	}
	return a->npreempt ? 0 : -1;
}

static int parse_format(const char *arg, enum tlbr_suite_format *ret)
{
	static const char *const names[] = { "text", "csv", "json", "markdown", "email" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(arg, names[i])) {
			*ret = (enum tlbr_suite_format)i;
			return 0;
		}
	error("unknown format '%s' (text, csv, json, markdown or email)", arg);
	return -1;
}

/* Read all of @f into a new buffer; NULL on error. */
static char *slurp(FILE *f, size_t *ret_len)
{
	size_t n = 0, alloc = 65536;
	char *b = malloc(alloc);

	while (b) {
		size_t got = fread(b + n, 1, alloc - n, f);

		n += got;
		if (n < alloc) {
			if (ferror(f)) {
				free(b);
				return NULL;
			}
			*ret_len = n;
			return b;
		}
		{
			char *nb = realloc(b, alloc *= 2);

			if (!nb)
				free(b);
			b = nb;
		}
	}
	return NULL;
}

static int add_text(struct tlbr_suite *s, const char *name, const char *text, size_t len)
{
	struct tlbr_error err = { .file = name };
	int ret = tlbr_suite_add_json(s, text, len, &err);

	if (ret == -ENOMEM)
		die("out of memory");
	if (ret < 0) {
		if (err.offset != UINT64_MAX)
			error("'%s': offset %llu: %s", name, (unsigned long long)err.offset, err.msg);
		else
			error("'%s': %s", name, err.msg);
		return TLBR_EXIT_BAD_INPUT;
	}
	return 0;
}

static int json_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

/* --from-json DIR: every *.json in DIR, in name order. */
static int from_json(struct tlbr_suite *s, const char *dir)
{
	struct dirent **names;
	int n, i, status = 0;

	n = scandir(dir, &names, json_name, alphasort);
	if (n < 0) {
		error("cannot read directory '%s': %s", dir, strerror(errno));
		return TLBR_EXIT_USAGE;
	}
	if (!n)
		error("'%s' holds no *.json results (tlbreplay what-if --json writes them)", dir);
	for (i = 0; i < n; i++) {
		char path[4096];
		size_t len;
		char *text;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		f = fopen(path, "r");
		text = f ? slurp(f, &len) : NULL;
		if (!text) {
			error("cannot read '%s': %s", path, strerror(errno));
			status = TLBR_EXIT_FAILURE;
		} else if (!status) {
			status = add_text(s, path, text, len);
		}
		free(text);
		if (f)
			fclose(f);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return n ? status : TLBR_EXIT_BAD_INPUT;
}

struct traces {
	char **path, **label;
	unsigned int n, alloc;
};

static void traces_add(struct traces *t, const char *path, const char *label)
{
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->path = realloc(t->path, t->alloc * sizeof(*t->path));
		t->label = realloc(t->label, t->alloc * sizeof(*t->label));
		if (!t->path || !t->label)
			die("out of memory");
	}
	t->path[t->n] = strdup(path);
	t->label[t->n] = label ? strdup(label) : NULL;
	if (!t->path[t->n] || (label && !t->label[t->n]))
		die("out of memory");
	t->n++;
}

static void traces_free(struct traces *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		free(t->path[i]);
		free(t->label[i]);
	}
	free(t->path);
	free(t->label);
}

/* "[label] trace" lines; '#' starts a comment; relative paths are the manifest's. */
static int read_manifest(struct traces *t, const char *manifest)
{
	const char *slash = strrchr(manifest, '/');
	int dirlen = slash ? (int)(slash - manifest) : 0;
	char line[4096], f1[2048], f2[2048], path[4200];
	unsigned int lineno = 0;
	FILE *f = fopen(manifest, "r");

	if (!f) {
		error("cannot open '%s': %s", manifest, strerror(errno));
		return TLBR_EXIT_USAGE;
	}
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), extra[8];
		int n;

		lineno++;
		if (hash)
			*hash = '\0';
		n = sscanf(line, "%2047s %2047s %7s", f1, f2, extra);
		if (n <= 0)
			continue;
		if (n > 2) {
			error("'%s': line %u: more than a label and a trace", manifest, lineno);
			fclose(f);
			return TLBR_EXIT_BAD_INPUT;
		}
		{
			const char *p = n == 2 ? f2 : f1;

			if (p[0] != '/' && slash)
				snprintf(path, sizeof(path), "%.*s/%s", dirlen, manifest, p);
			else
				snprintf(path, sizeof(path), "%s", p);
		}
		traces_add(t, path, n == 2 ? f1 : NULL);
	}
	fclose(f);
	if (!t->n) {
		error("'%s': no traces listed", manifest);
		return TLBR_EXIT_BAD_INPUT;
	}
	return 0;
}

static void start_job(struct job *j, struct replay_cli *o)
{
	int fd;

	j->out = tmpfile();
	if (!j->out)
		die("cannot create a temporary file: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	j->pid = fork();
	if (j->pid < 0)
		die("cannot fork: %s", strerror(errno));
	if (!j->pid) {
		FILE *out;
		int status;

		fd = dup(fileno(j->out));
		out = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!out)
			_exit(TLBR_EXIT_FAILURE);
		o->ro.env = j->env;
		o->ro.no_preempt = j->no_preempt;
		status = whatif_print(out, o, j->path, j->label, true);
		if (fclose(out))
			status = TLBR_EXIT_FAILURE;
		fflush(stderr);
		_exit(status);
	}
}

static void wait_job(struct job *jobs, unsigned int njobs)
{
	int wstatus;
	pid_t pid = wait(&wstatus);
	unsigned int i;

	if (pid < 0)
		die("wait: %s", strerror(errno));
	for (i = 0; i < njobs; i++)
		if (jobs[i].pid == pid) {
			jobs[i].pid = 0;
			jobs[i].status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : TLBR_EXIT_FAILURE;
			if (WIFSIGNALED(wstatus))
				error("'%s': the replay was killed by signal %d", jobs[i].path,
				      WTERMSIG(wstatus));
		}
}

/* Replay every (trace, environment, preemption), @a->jobs at a time. */
static int run_all(struct tlbr_suite *s, struct replay_cli *o, const struct suite_args *a,
		   const struct traces *t)
{
	unsigned int n = t->n * a->nenv * a->npreempt, i, running = 0, next = 0;
	struct job *jobs = calloc(n, sizeof(*jobs));
	int status = 0;

	if (!jobs)
		die("out of memory");
	for (i = 0; i < n; i++) {
		unsigned int tr = i / (a->nenv * a->npreempt), rest = i % (a->nenv * a->npreempt);

		jobs[i].path = t->path[tr];
		jobs[i].label = t->label[tr];
		jobs[i].env = a->envs[rest / a->npreempt];
		jobs[i].no_preempt = a->preempt_none[rest % a->npreempt];
	}
	while (next < n || running) {
		if (next < n && running < a->jobs) {
			start_job(&jobs[next++], o);
			running++;
			continue;
		}
		wait_job(jobs, n);
		running--;
	}
	for (i = 0; i < n; i++) {
		int st = jobs[i].status;

		if (st == TLBR_EXIT_OK || st == TLBR_EXIT_UNSAFE) {
			size_t len;
			char *text;

			rewind(jobs[i].out);
			text = slurp(jobs[i].out, &len);
			if (!text)
				die("cannot read a temporary file: %s", strerror(errno));
			if (!status)
				status = add_text(s, jobs[i].path, text, len);
			free(text);
		} else if (!status) {
			status = st;	/* the child said why */
		}
		fclose(jobs[i].out);
	}
	free(jobs);
	return status;
}

int cmd_suite(int argc, char **argv)
{
	struct suite_args a = { .fmt = TLBR_SUITE_TEXT, .jobs = 1, .envs = { TLBR_ENV_NATIVE },
				.nenv = 1, .npreempt = 1 };
	struct tlbr_suite s = { 0 };
	struct traces tr = { 0 };
	struct tlbr_table t;
	struct replay_cli o;
	int c, status = 0, i;
	char *end;

	replay_cli_init(&o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "p:i:j:h", suite_options, NULL)) != -1) {
		if (c == OPT_R_ENV) {
			if (parse_envs(&a, optarg) < 0)
				return TLBR_EXIT_USAGE;
			continue;
		}
		if (c == OPT_R_PREEMPT) {
			if (parse_preempts(&a, optarg) < 0)
				return TLBR_EXIT_USAGE;
			continue;
		}
		if (replay_cli_option(&o, c, optarg, "suite", &status) < 0)
			return status;
		switch (c) {
		case OPT_FORMAT:
			if (parse_format(optarg, &a.fmt) < 0)
				return TLBR_EXIT_USAGE;
			break;
		case 'j':
			a.jobs = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !a.jobs || a.jobs > 1024) {
				error("--jobs takes a number from 1 to 1024, not '%s'", optarg);
				return TLBR_EXIT_USAGE;
			}
			break;
		case OPT_MANIFEST:
			a.manifest = optarg;
			break;
		case OPT_FROM_JSON:
			a.from_json = optarg;
			break;
		case OPT_PLOT:
			a.plot = optarg;
			break;
		case OPT_GNUPLOT:
			a.gnuplot = optarg;
			break;
		case 'h':
			suite_help(stdout);
			return TLBR_EXIT_OK;
		case '?':
			return usage_bad_option("suite", suite_options, argc, argv, optind);
		}
	}
	if (a.jobs > 1)	/* the CPUs go to the replays: each reads its trace in one thread */
		o.jobs = 1;
	if (o.input)	/* -i/--input: one more trace */
		traces_add(&tr, o.input, NULL);
	if (!!a.manifest + !!a.from_json + (optind < argc || tr.n) != 1) {
		error(optind < argc || tr.n || a.manifest || a.from_json ?
		      "give traces, --manifest or --from-json: one of them" : "no traces given");
		usage_error("suite");
		traces_free(&tr);
		return TLBR_EXIT_USAGE;
	}
	if (a.from_json) {
		status = from_json(&s, a.from_json);
	} else {
		if (a.manifest)
			status = read_manifest(&tr, a.manifest);
		for (i = optind; i < argc; i++)
			traces_add(&tr, argv[i], NULL);
		if (!status)
			status = run_all(&s, &o, &a, &tr);
	}
	traces_free(&tr);
	if (status) {
		tlbr_suite_release(&s);
		return status;
	}
	if (tlbr_suite_table(&s, &t) < 0)
		die("out of memory");
	tlbr_suite_print(stdout, &s, &t, a.fmt);
	status = TLBR_EXIT_OK;
	if (a.plot) {
		struct tlbr_error err = { 0 };

		if (tlbr_suite_plot(&t, tlbr_suite_cost_name(&s), a.plot,
				    a.gnuplot ? a.gnuplot : "gnuplot", &err) < 0) {
			error("%s", err.msg);
			status = TLBR_EXIT_FAILURE;
		}
	}
	tlbr_table_release(&t);
	for (i = 0; o.fail_on_unsafe && i < (int)s.nruns; i++)
		for (unsigned int k = 0; k < s.runs[i].npol; k++)
			if (s.runs[i].pol[k].unsafe)
				status = TLBR_EXIT_UNSAFE;
	tlbr_suite_release(&s);
	return status;
}
