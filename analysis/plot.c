// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plot.c - `tlbreplay report --plot DIR`: for each plot a gnuplot script and
 * its data, side by side so users can restyle them, rendered to PNG and
 * SVG by running gnuplot in DIR.
 *
 * Nothing from the trace reaches gnuplot unescaped: titles are single-quoted
 * strings (a quote doubled), labels in data files are double-quoted with
 * every byte gnuplot, SVG or a terminal could misread replaced by '?', and
 * every text is set noenhanced.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "suite.h"

#define WIDTH 960
#define HEIGHT 540

/* A label for a data file: printable ASCII without " \ ' < > &. */
static const char *label(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = c < 0x20 || c >= 0x7f || strchr("\"\\'<>&", c) ? '?' : (char)c;
	}
	buf[i] = '\0';
	return buf;
}

/* A gnuplot single-quoted string literal of @s (sanitised as a label). */
static void quoted(FILE *f, const char *s)
{
	char buf[512];
	const char *p;

	label(s, buf, sizeof(buf));
	fputc('\'', f);
	for (p = buf; *p; p++)
		fputc(*p, f);
	fputc('\'', f);
}

/* The largest value of integer column @name: a plot of zeros needs a fixed range. */
static uint64_t column_max(const struct tlbr_table *t, const char *name)
{
	uint64_t max = 0;
	unsigned int r;

	for (r = 0; r < t->nrows; r++)
		if (tlbr_table_get(t, r, name).u > max)
			max = tlbr_table_get(t, r, name).u;
	return max;
}

static FILE *open_in(const char *dir, const char *name, struct tlbr_error *err)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		tlbr_error_set(err, UINT64_MAX, 0, "cannot write %s: %s", path, strerror(errno));
	return f;
}

static int close_file(FILE *f, const char *dir, const char *name, struct tlbr_error *err)
{
	if (fclose(f) != 0) {
		tlbr_error_set(err, UINT64_MAX, 0, "cannot write %s/%s: %s", dir, name,
			       strerror(errno));
		return -EIO;
	}
	return 0;
}

/* The terminal lines: the plot command runs once per format. */
static void script_head(FILE *f, const char *what, const struct tlbr_report_info *info,
			const struct tlbr_replay_result *res)
{
	fprintf(f, "# tlbreplay report --plot: %s\n"
		   "# Restyle freely and render again with: gnuplot %s.gp\n"
		   "# Counts come from the replay (residency model %s, cpu model %s, %s kernel);\n"
		   "# cycles are estimates of the '%s' cost model.\n",
		what, what, res->tlb_model, res->cpu_model, res->env, info->costs->name);
	fprintf(f, "set encoding default\nset termoption noenhanced\nset grid\n");
	fprintf(f, "trace = ");
	quoted(f, info->path);
	/* every title names the trace: a partial or forced one says so there */
	if (tlbr_ready_warn(info->ready))
		fprintf(f, ".' [%s%s]'", info->ready->verdict,
			info->ready->forced ? ", replayed with --force" : "");
	fprintf(f, "\n");
}

static void script_render(FILE *f, const char *what, const char *plot)
{
	fprintf(f, "set terminal pngcairo size %d,%d noenhanced\nset output '%s.png'\n%s\n"
		   "set terminal svg size %d,%d noenhanced\nset output '%s.svg'\n%s\n"
		   "unset output\n", WIDTH, HEIGHT, what, plot, WIDTH, HEIGHT, what, plot);
}

static int plot_time(const struct tlbr_report *rep, const struct tlbr_replay_result *res,
		     const struct tlbr_report_info *info, const char *dir, struct tlbr_error *err)
{
	const struct tlbr_table *t = tlbr_report_table(rep, TLBR_T_OVER_TIME);
	unsigned int nbins = res->npolicies ? t->nrows / res->npolicies : 0, b, i;
	char plot[256];
	FILE *f = open_in(dir, "broadcasts-over-time.dat", err);

	if (!f)
		return -EIO;
	fprintf(f, "# broadcasts per bucket of %.6f s, by policy\n\"time_s\"",
		nbins ? tlbr_table_get(t, 0, "width_s").f : 0.0);
	for (i = 0; i < res->npolicies; i++)
		fprintf(f, "\t\"%s\"", res->policy[i].name);
	fputc('\n', f);
	for (b = 0; b < nbins; b++) {
		fprintf(f, "%.6f", tlbr_table_get(t, b, "start_s").f);
		for (i = 0; i < res->npolicies; i++)
			fprintf(f, "\t%llu",
				(unsigned long long)tlbr_table_get(t, i * nbins + b, "broadcasts").u);
		fputc('\n', f);
	}
	if (!nbins)	/* an empty trace: one zero point keeps gnuplot happy */
		fprintf(f, "0%s\n", res->npolicies > 1 ? "\t0\t0" : "\t0");
	if (close_file(f, dir, "broadcasts-over-time.dat", err))
		return -EIO;

	f = open_in(dir, "broadcasts-over-time.gp", err);
	if (!f)
		return -EIO;
	script_head(f, "broadcasts-over-time", info, res);
	fprintf(f, "set title 'Broadcasts over time: '.trace\n"
		   "set xlabel 'time since the first event (s)'\n"
		   "set ylabel 'broadcasts per %.6f s'\n"
		   "set key outside right top\nset datafile separator tab\n"
		   "set key autotitle columnhead\nset xrange [0:%.6f]\nset yrange [0:%s]\n",
		nbins ? tlbr_table_get(t, 0, "width_s").f : 0.0,
		nbins ? (double)nbins * tlbr_table_get(t, 0, "width_s").f : 1.0,
		column_max(t, "broadcasts") > 0 ? "*" : "1");
	snprintf(plot, sizeof(plot),
		 "plot for [i=2:%u] 'broadcasts-over-time.dat' using 1:i with steps lw 2",
		 res->npolicies + 1);
	script_render(f, "broadcasts-over-time", plot);
	return close_file(f, dir, "broadcasts-over-time.gp", err);
}

static int plot_policies(const struct tlbr_report *rep, const struct tlbr_replay_result *res,
			 const struct tlbr_report_info *info, const char *dir,
			 struct tlbr_error *err)
{
	const struct tlbr_table *t = tlbr_report_table(rep, TLBR_T_SUMMARY);
	unsigned int i;
	FILE *f = open_in(dir, "policies.dat", err);

	if (!f)
		return -EIO;
	fprintf(f, "# per policy: broadcasts, local flushes, predicted spurious faults, "
		   "estimated cycles ('%s' cost model)\n", info->costs->name);
	fprintf(f, "\"policy\"\t\"broadcasts\"\t\"local\"\t\"spurious\"\t\"cycles\"\n");
	for (i = 0; i < t->nrows; i++)
		fprintf(f, "\"%s\"\t%llu\t%llu\t%llu\t%.0f\n", tlbr_table_get(t, i, "policy").s,
			(unsigned long long)tlbr_table_get(t, i, "broadcasts").u,
			(unsigned long long)tlbr_table_get(t, i, "local").u,
			(unsigned long long)tlbr_table_get(t, i, "spurious_predicted").u,
			tlbr_table_get(t, i, "est_cycles").f);
	if (close_file(f, dir, "policies.dat", err))
		return -EIO;

	f = open_in(dir, "policies.gp", err);
	if (!f)
		return -EIO;
	script_head(f, "policies", info, res);
	fprintf(f, "set datafile separator tab\nset style data histograms\n"
		   "set style fill solid 0.8 border -1\nset boxwidth 0.7\nset key off\n"
		   "set xtics rotate by -30\nset key autotitle columnhead\nunset key\n");
	{
		static const char *const col[4] = {	/* summary columns */
			"broadcasts", "local", "spurious_predicted", "est_cycles",
		};
		static const char *const title[4] = {
			"broadcasts", "local flushes", "spurious faults (predicted)",
			"estimated cycles (a model)",
		};
		char plot[2048];
		size_t n = (size_t)snprintf(plot, sizeof(plot),
					    "set multiplot layout 2,2 title 'Per policy: '.trace\n");
		unsigned int k;

		for (k = 0; k < 4; k++) {
			double max = 0;

			for (i = 0; i < t->nrows; i++) {
				union tlbr_cell v = tlbr_table_get(t, i, col[k]);
				double x = k == 3 ? v.f : (double)v.u;

				if (x > max)
					max = x;
			}
			/* an all-zero panel gets a fixed range: gnuplot warns about [0:0] */
			n += (size_t)snprintf(plot + n, sizeof(plot) - n,
					      "set yrange [0:%s]\nset title '%s'\n"
					      "plot 'policies.dat' using %u:xtic(1) lc %u\n",
					      max > 0 ? "*" : "1", title[k], k + 2, k + 1);
		}
		snprintf(plot + n, sizeof(plot) - n, "unset multiplot");
		script_render(f, "policies", plot);
	}
	return close_file(f, dir, "policies.gp", err);
}

static int plot_stale(const struct tlbr_report *rep, const struct tlbr_replay_result *res,
		      const struct tlbr_report_info *info, const char *dir, struct tlbr_error *err)
{
	const struct tlbr_table *t = tlbr_report_table(rep, TLBR_T_STALE_BY_CPU);
	const struct tlbr_table *p = tlbr_report_table(rep, TLBR_T_BY_PROCESS);
	unsigned int r, i, cols = 0;
	char plot[512], buf[64];
	int c;
	FILE *f = open_in(dir, "stale-by-cpu.dat", err);

	if (!f)
		return -EIO;
	/* one column per policy that left stale entries, one row per CPU */
	fprintf(f, "# stale read-only entries by the CPU holding them, per policy\n\"cpu\"");
	for (r = 0; r < t->nrows; r += (unsigned int)res->ncpus, cols++)
		fprintf(f, "\t\"%s\"", tlbr_table_get(t, r, "policy").s);
	if (!cols)
		fprintf(f, "\t\"none\"");
	fputc('\n', f);
	for (c = 0; c < res->ncpus; c++) {
		fprintf(f, "%d", c);
		for (i = 0; i < cols; i++)
			fprintf(f, "\t%llu", (unsigned long long)tlbr_table_get(
				t, i * (unsigned int)res->ncpus + (unsigned int)c, "stale_ro").u);
		if (!cols)
			fprintf(f, "\t0");
		fputc('\n', f);
	}
	if (close_file(f, dir, "stale-by-cpu.dat", err))
		return -EIO;
	f = open_in(dir, "stale-by-cpu.gp", err);
	if (!f)
		return -EIO;
	script_head(f, "stale-by-cpu", info, res);
	fprintf(f, "set title 'Stale read-only entries by CPU: '.trace\nset xlabel 'CPU'\n"
		   "set datafile separator tab\nset style data histograms\n"
		   "set style histogram clustered\nset style fill solid 0.8 border -1\n"
		   "set key autotitle columnhead\nset yrange [0:%s]\n",
		column_max(t, "stale_ro") > 0 ? "*" : "1");
	snprintf(plot, sizeof(plot), "plot for [i=2:%u] 'stale-by-cpu.dat' using i:xtic(1)",
		 (cols ? cols : 1) + 1);
	script_render(f, "stale-by-cpu", plot);
	if (close_file(f, dir, "stale-by-cpu.gp", err))
		return -EIO;

	/* the baseline's avoidable broadcasts by process: where comms reach gnuplot */
	f = open_in(dir, "avoidable-by-process.dat", err);
	if (!f)
		return -EIO;
	fprintf(f, "# avoidable broadcasts of %s, by process (comm-pid)\n\"process\"\t"
		   "\"avoidable\"\t\"broadcasts\"\n", res->policy[tlbr_report_baseline(res)].name);
	for (r = 0, i = 0; r < p->nrows; r++) {
		char name[80];

		if (strcmp(tlbr_table_get(p, r, "policy").s, res->policy[tlbr_report_baseline(res)].name))
			continue;
		snprintf(name, sizeof(name), "%s-%lld", label(tlbr_table_get(p, r, "comm").s, buf,
							     sizeof(buf)),
			 (long long)tlbr_table_get(p, r, "pid").i);
		fprintf(f, "\"%s\"\t%llu\t%llu\n", name,
			(unsigned long long)tlbr_table_get(p, r, "avoidable").u,
			(unsigned long long)tlbr_table_get(p, r, "broadcasts").u);
		i++;
	}
	if (!i)
		fprintf(f, "\"none\"\t0\t0\n");
	if (close_file(f, dir, "avoidable-by-process.dat", err))
		return -EIO;
	f = open_in(dir, "avoidable-by-process.gp", err);
	if (!f)
		return -EIO;
	script_head(f, "avoidable-by-process", info, res);
	fprintf(f, "set title 'Broadcasts and avoidable ones of %s, by process: '.trace\n"
		   "set datafile separator tab\nset style data histograms\n"
		   "set style histogram clustered\nset style fill solid 0.8 border -1\n"
		   "set key autotitle columnhead\nset xtics rotate by -30\nset yrange [0:%s]\n",
		res->policy[tlbr_report_baseline(res)].name, column_max(p, "broadcasts") > 0 ? "*" : "1");
	script_render(f, "avoidable-by-process",
		      "plot 'avoidable-by-process.dat' using 3:xtic(1), '' using 2");
	return close_file(f, dir, "avoidable-by-process.gp", err);
}

static const char *const report_scripts[] = {
	"broadcasts-over-time", "policies", "stale-by-cpu", "avoidable-by-process",
};

/* Run @gnuplot on each of the @n @scripts inside @dir; check every image was written. */
static int render(const char *dir, const char *gnuplot, const char *const *scripts,
		  unsigned int n, struct tlbr_error *err)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		char script[256], path[4096];
		const char *ext[] = { "png", "svg" };
		struct stat st;
		int status, e;
		pid_t pid;

		snprintf(script, sizeof(script), "%s.gp", scripts[i]);
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			tlbr_error_set(err, UINT64_MAX, 0, "cannot run %s: %s", gnuplot,
				       strerror(errno));
			return -errno;
		}
		if (pid == 0) {
			if (chdir(dir) < 0)
				_exit(126);
			/* the report owns stdout: gnuplot's chatter goes to stderr */
			dup2(STDERR_FILENO, STDOUT_FILENO);
			execlp(gnuplot, gnuplot, script, (char *)NULL);
			_exit(127);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			tlbr_error_set(err, UINT64_MAX, 0, WIFEXITED(status) &&
				       WEXITSTATUS(status) == 127 ?
				       "cannot run '%s' (install gnuplot, e.g. the Debian package "
				       "gnuplot-nox; the scripts are in %s)" :
				       "'%s' failed on %s/%s", gnuplot, dir, script);
			return -EIO;
		}
		for (e = 0; e < 2; e++) {
			snprintf(path, sizeof(path), "%s/%s.%s", dir, scripts[i], ext[e]);
			if (stat(path, &st) < 0 || !st.st_size) {
				tlbr_error_set(err, UINT64_MAX, 0, "%s wrote no %s", gnuplot, path);
				return -EIO;
			}
		}
	}
	return 0;
}

int tlbr_report_plot(const struct tlbr_report *rep, const struct tlbr_replay_result *res,
		     const struct tlbr_report_info *info, const char *dir, const char *gnuplot,
		     struct tlbr_error *err)
{
	int ret;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		tlbr_error_set(err, UINT64_MAX, 0, "cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	ret = plot_time(rep, res, info, dir, err);
	if (!ret)
		ret = plot_policies(rep, res, info, dir, err);
	if (!ret)
		ret = plot_stale(rep, res, info, dir, err);
	if (!ret && gnuplot)
		ret = render(dir, gnuplot, report_scripts, ARRAY_SIZE(report_scripts), err);
	return ret;
}

/*
 * tlbreplay suite --plot: one bar group per workload, a bar per policy, of
 * the change in broadcasts and in estimated flush cost against the
 * baseline (the suite table's "trace" rows of its first configuration).
 */
int tlbr_suite_plot(const struct tlbr_table *t, const char *cost_model, const char *dir,
		    const char *gnuplot, struct tlbr_error *err)
{
	static const char *const scripts[] = { "suite" };
	const char *pols[16], *works[256], *config = NULL;
	unsigned int np = 0, nw = 0, r, p, w;
	char buf[512], plot[4096];
	size_t n;
	FILE *f;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		tlbr_error_set(err, UINT64_MAX, 0, "cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	for (r = 0; r < t->nrows; r++) {	/* the policies and workloads, in table order */
		const char *pol = tlbr_table_get(t, r, "policy").s;
		const char *wl = tlbr_table_get(t, r, "workload").s;

		if (strcmp(tlbr_table_get(t, r, "kind").s, "trace"))
			continue;
		if (!config)
			config = tlbr_table_get(t, r, "config").s;
		if (strcmp(tlbr_table_get(t, r, "config").s, config))
			continue;
		for (p = 0; p < np && strcmp(pols[p], pol); p++)
			;
		if (p == np && np < ARRAY_SIZE(pols))
			pols[np++] = pol;
		for (w = 0; w < nw && strcmp(works[w], wl); w++)
			;
		if (w == nw && nw < ARRAY_SIZE(works))
			works[nw++] = wl;
	}
	f = open_in(dir, "suite.dat", err);
	if (!f)
		return -EIO;
	fprintf(f, "# per workload and policy: change against the baseline in %% (broadcasts "
		   "from the replay; cost estimated by the '%s' cost model); configuration %s\n",
		cost_model ? cost_model : "no", config ? config : "none");
	fprintf(f, "\"workload\"");
	for (p = 0; p < np; p++)
		fprintf(f, "\t\"%s broadcasts\"\t\"%s cost\"", label(pols[p], buf, sizeof(buf)),
			label(pols[p], buf, sizeof(buf)));
	fputc('\n', f);
	for (w = 0; w < nw; w++) {
		fprintf(f, "\"%s\"", label(works[w], buf, sizeof(buf)));
		for (p = 0; p < np; p++) {
			double bc = NAN, cc = NAN;

			for (r = 0; r < t->nrows; r++)
				if (!strcmp(tlbr_table_get(t, r, "kind").s, "trace") &&
				    !strcmp(tlbr_table_get(t, r, "config").s, config) &&
				    !strcmp(tlbr_table_get(t, r, "workload").s, works[w]) &&
				    !strcmp(tlbr_table_get(t, r, "policy").s, pols[p])) {
					bc = tlbr_table_get(t, r, "broadcasts_change").f;
					cc = tlbr_table_get(t, r, "cycles_change").f;
				}
			/* gnuplot reads NaN as a missing bar: no baseline, no ratio */
			fprintf(f, isfinite(bc) ? "\t%.2f" : "\tNaN", bc);
			fprintf(f, isfinite(cc) ? "\t%.2f" : "\tNaN", cc);
		}
		fputc('\n', f);
	}
	if (close_file(f, dir, "suite.dat", err))
		return -EIO;

	f = open_in(dir, "suite.gp", err);
	if (!f)
		return -EIO;
	fprintf(f, "# tlbreplay suite --plot: one bar group per workload, a bar per policy\n"
		   "# Restyle freely and render again with: gnuplot suite.gp\n"
		   "# Broadcasts come from the replay; costs are estimates of the '%s' cost "
		   "model.\n", cost_model ? cost_model : "no");
	fprintf(f, "set encoding default\nset termoption noenhanced\nset grid ytics\n"
		   "set datafile separator tab\nset datafile missing 'NaN'\n"
		   "set style data histograms\nset style histogram clustered gap 1\n"
		   "set style fill solid 0.8 border -1\nset xtics rotate by -30\n"
		   "set key outside right top\nset ylabel 'change (%%)'\n"
		   "set xzeroaxis lt -1\n");
	n = (size_t)snprintf(plot, sizeof(plot), "set multiplot layout 2,1 title '%s'\n"
			     "set title 'broadcasts (counted by the replay)'\nplot ",
			     config ? label(config, buf, sizeof(buf)) : "");
	for (p = 0; p < np && n < sizeof(plot) - 200; p++)
		n += (size_t)snprintf(plot + n, sizeof(plot) - n, "%s'suite.dat' using %u%s "
				      "title columnhead", p ? ", " : "", 2 + 2 * p,
				      p ? "" : ":xtic(1)");
	n += (size_t)snprintf(plot + n, sizeof(plot) - n, "\nset title 'estimated flush cost "
			      "(a model)'\nplot ");
	for (p = 0; p < np && n < sizeof(plot) - 200; p++)
		n += (size_t)snprintf(plot + n, sizeof(plot) - n, "%s'suite.dat' using %u%s "
				      "title columnhead", p ? ", " : "", 3 + 2 * p,
				      p ? "" : ":xtic(1)");
	snprintf(plot + n, sizeof(plot) - n, "\nunset multiplot");
	if (!np)	/* nothing to compare: an empty frame, not a gnuplot error */
		snprintf(plot, sizeof(plot), "set title 'no policy besides the baseline'\n"
			 "plot [0:1][0:1] NaN notitle");
	script_render(f, "suite", plot);
	if (close_file(f, dir, "suite.gp", err))
		return -EIO;
	return gnuplot ? render(dir, gnuplot, scripts, ARRAY_SIZE(scripts), err) : 0;
}
