// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diff.c - `tlbreplay diff` (see diff.h): per-trace counts of what the
 * kernel did, their mean and spread per side, and Welch's t-test.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diff.h"

void tlbr_diff_count(struct tlbr_diff_counts *c, const struct tlbr_event *ev)
{
	switch (ev->kind) {
	case TLBR_EV_FLUSH:
		if ((unsigned int)ev->flush.site >= TLBR_SITE__COUNT || tlbr_flush_counted_none(ev))
			break;
		/* a context switch that reused an up-to-date ASID flushed nothing */
		if (ev->flush.site == TLBR_SITE_SWITCH && !ev->flush.pages)
			break;
		c->flushes[ev->flush.site]++;
		if (ev->flush.exec != TLBR_EXEC_LOCAL)
			c->broadcasts[ev->flush.site]++;
		break;
	case TLBR_EV_FLUSH_IPI:
		c->ipis += tlbr_cpuset_count(&ev->ipi.targets);
		break;
	case TLBR_EV_FAULT:
		c->faults++;
		break;
	default:
		break;
	}
}

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double betacf(double a, double b, double x)
{
	double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap, h;
	int m;

	if (fabs(d) < 1e-300)
		d = 1e-300;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, aa = m * (b - m) * x / ((qam + m2) * (a + m2)), del;

		d = 1 + aa * d;
		d = fabs(d) < 1e-300 ? 1e-300 : d;
		c = 1 + aa / c;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		d = fabs(d) < 1e-300 ? 1e-300 : d;
		c = 1 + aa / c;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double betai(double a, double b, double x)
{
	double bt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x));
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, 1 - x) / b;
}

double tlbr_welch_p(double m1, double s1, unsigned int n1, double m2, double s2, unsigned int n2)
{
	double v1, v2, se2, t, df;

	if (n1 < 2 || n2 < 2)
		return NAN;
	v1 = s1 * s1 / n1;
	v2 = s2 * s2 / n2;
	se2 = v1 + v2;
	if (se2 <= 0)
		return m1 == m2 ? 1.0 : 0.0;
	t = (m2 - m1) / sqrt(se2);
	/* Welch-Satterthwaite degrees of freedom */
	df = se2 * se2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1));
	/* P(|T| > |t|) for Student's t with df degrees of freedom */
	return betai(df / 2, 0.5, df / (df + t * t));
}

struct stats {
	double mean, sd;
	unsigned int n;
};

static struct stats stats_of(const double *v, unsigned int n)
{
	struct stats s = { 0, 0, n };
	unsigned int i;

	for (i = 0; i < n; i++)
		s.mean += v[i] / n;
	for (i = 0; n > 1 && i < n; i++)
		s.sd += (v[i] - s.mean) * (v[i] - s.mean) / (n - 1);
	s.sd = sqrt(s.sd);
	return s;
}

/* A mean or a spread as text: counts with one decimal, rates whole, seconds in ms. */
static void fmt_num(char *buf, size_t n, double v, int decimals)
{
	if (!isfinite(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.*f", decimals, v);
}

static const struct tlbr_col cols[] = {
	{ "metric", "", TLBR_COL_STR, false },
	{ "before", "before", TLBR_COL_STR, false },
	{ "before_sd", "+-", TLBR_COL_STR, false },
	{ "after", "after", TLBR_COL_STR, false },
	{ "after_sd", "+-", TLBR_COL_STR, false },
	{ "change", "change", TLBR_COL_CHANGE, false },
	{ "p", "p", TLBR_COL_STR, false },
	{ "significant", "sig", TLBR_COL_STR, false },
	{ "before_mean", "before mean", TLBR_COL_NUM, true },
	{ "before_stddev", "before sd", TLBR_COL_NUM, true },
	{ "before_runs", "before runs", TLBR_COL_U64, true },
	{ "after_mean", "after mean", TLBR_COL_NUM, true },
	{ "after_stddev", "after sd", TLBR_COL_NUM, true },
	{ "after_runs", "after runs", TLBR_COL_U64, true },
	{ "p_value", "p value", TLBR_COL_NUM, true },
};

#define MAX_RUNS 1024

/* One metric of every run: a row. */
static int row(struct tlbr_table *t, const char *name, const double *b, unsigned int nb,
	       const double *a, unsigned int na, int decimals)
{
	struct stats sb = stats_of(b, nb), sa = stats_of(a, na);
	double p = tlbr_welch_p(sb.mean, sb.sd, nb, sa.mean, sa.sd, na);
	char bs[32], bsd[32], as[32], asd[32], ps[32];

	fmt_num(bs, sizeof(bs), sb.mean, decimals);
	fmt_num(bsd, sizeof(bsd), nb > 1 ? sb.sd : NAN, decimals);
	fmt_num(as, sizeof(as), sa.mean, decimals);
	fmt_num(asd, sizeof(asd), na > 1 ? sa.sd : NAN, decimals);
	if (isfinite(p))
		snprintf(ps, sizeof(ps), p < 0.001 ? "<.001" : "%.3f", p);
	else
		snprintf(ps, sizeof(ps), "-");
	return tlbr_table_add(t, name, bs, bsd, as, asd,
			      sb.mean > 0 ? 100.0 * (sa.mean - sb.mean) / sb.mean : NAN, ps,
			      !isfinite(p) ? "-" : p < TLBR_DIFF_ALPHA ? "yes" : "no",
			      sb.mean, nb > 1 ? sb.sd : NAN, (uint64_t)nb, sa.mean,
			      na > 1 ? sa.sd : NAN, (uint64_t)na, p);
}

enum metric { M_FLUSHES, M_BROADCASTS, M_SITE_FLUSHES, M_SITE_BROADCASTS, M_IPIS, M_RATE,
	      M_FAULTS, M_CPU };

static double metric(const struct tlbr_diff_counts *c, enum metric m, unsigned int site)
{
	double sum = 0, bc = 0;
	unsigned int k;

	for (k = 0; k < TLBR_SITE__COUNT; k++) {
		sum += (double)c->flushes[k];
		bc += (double)c->broadcasts[k];
	}
	switch (m) {
	case M_FLUSHES:
		return sum;
	case M_BROADCASTS:
		return bc;
	case M_SITE_FLUSHES:
		return (double)c->flushes[site];
	case M_SITE_BROADCASTS:
		return (double)c->broadcasts[site];
	case M_IPIS:
		return (double)c->ipis;
	case M_RATE:
		return c->cpu_ns ? sum / ((double)c->cpu_ns / 1e9) : NAN;
	case M_FAULTS:
		return (double)c->faults;
	case M_CPU:
		return (double)c->cpu_ns / 1e9;
	}
	return NAN;
}

int tlbr_diff_table(const struct tlbr_diff_counts *before, unsigned int nb,
		    const struct tlbr_diff_counts *after, unsigned int na, struct tlbr_table *t)
{
	static const struct { const char *name; enum metric m; int decimals; } totals[] = {
		{ "all flushes", M_FLUSHES, 1 },
		{ "  broadcast", M_BROADCASTS, 1 },
		{ "shootdown IPIs", M_IPIS, 1 },
		{ "flushes/CPU-s", M_RATE, 0 },
		{ "user faults", M_FAULTS, 1 },
		{ "CPU time (s)", M_CPU, 4 },
	};
	double b[MAX_RUNS], a[MAX_RUNS];
	unsigned int i, k, m;
	int ret = 0;

	tlbr_table_init(t, "diff", "Before and after", cols, ARRAY_SIZE(cols));
	if (nb > MAX_RUNS || na > MAX_RUNS)
		return -E2BIG;
	for (m = 0; m < ARRAY_SIZE(totals) && !ret; m++) {
		for (i = 0; i < nb; i++)
			b[i] = metric(&before[i], totals[m].m, 0);
		for (i = 0; i < na; i++)
			a[i] = metric(&after[i], totals[m].m, 0);
		ret = row(t, totals[m].name, b, nb, a, na, totals[m].decimals);
	}
	for (k = 0; k < TLBR_SITE__COUNT && !ret; k++) {
		char name[64];
		bool any = false;

		for (i = 0; i < nb; i++)
			any |= before[i].flushes[k] != 0;
		for (i = 0; i < na; i++)
			any |= after[i].flushes[k] != 0;
		if (!any)
			continue;
		for (m = 0; m < 2 && !ret; m++) {
			enum metric mm = m ? M_SITE_BROADCASTS : M_SITE_FLUSHES;

			snprintf(name, sizeof(name), "%s", m ? "  broadcast" :
				 tlbr_site_name((enum tlbr_site)k));
			for (i = 0; i < nb; i++)
				b[i] = metric(&before[i], mm, k);
			for (i = 0; i < na; i++)
				a[i] = metric(&after[i], mm, k);
			ret = row(t, name, b, nb, a, na, 1);
		}
	}
	return ret;
}
