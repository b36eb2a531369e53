/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diff.h - `tlbreplay diff`: what the traced kernels did, before and after
 * a change: flushes and broadcasts per flush site and in all, shootdown
 * IPIs, flushes per CPU-second of the workload, user faults; with several
 * runs per side, mean, spread and Welch's t-test against run-to-run noise.
 */
#ifndef TLBR_DIFF_H
#define TLBR_DIFF_H

#include <stdint.h>

#include "tlbr-event.h"
#include "table.h"

#define TLBR_DIFF_SCHEMA "tlbreplay-diff"
#define TLBR_DIFF_SCHEMA_VERSION 1
#define TLBR_DIFF_ALPHA 0.05	/* significant: two-sided p below this */

/* What one trace shows (the events in scope). */
struct tlbr_diff_counts {
	uint64_t flushes[TLBR_SITE__COUNT];
	uint64_t broadcasts[TLBR_SITE__COUNT];	/* reached other CPUs: IPIs, TLBI IS */
	uint64_t ipis;				/* shootdown IPI messages (targets) */
	uint64_t faults;			/* user page faults */
	uint64_t cpu_ns;			/* CPU time of the tasks in scope */
};

/* Count one normalised event that is in scope. */
void tlbr_diff_count(struct tlbr_diff_counts *c, const struct tlbr_event *ev);

/*
 * Two-sided p-value of Welch's t-test for two samples given by their mean,
 * standard deviation (n - 1) and size; NaN when a side has fewer than 2.
 * Both spreads 0: 0 when the means differ, 1 when they do not.
 */
double tlbr_welch_p(double m1, double s1, unsigned int n1, double m2, double s2, unsigned int n2);

/* The comparison table of @nb runs before and @na after. 0 or -ENOMEM. */
int tlbr_diff_table(const struct tlbr_diff_counts *before, unsigned int nb,
		    const struct tlbr_diff_counts *after, unsigned int na, struct tlbr_table *t);

#endif /* TLBR_DIFF_H */
