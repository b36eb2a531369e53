/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record-local.h - what the recorder's files share.
 */
#ifndef TLBR_RECORD_LOCAL_H
#define TLBR_RECORD_LOCAL_H

#include <tracefs/tracefs.h>

#include "record.h"

#define PROBE_SYSTEM "tlbr"	/* the kprobes of the arm64 plan and census */
#define MAX_TLBI_PROBES 512

/* The TLBI census of an arm64 kernel and its kprobes. */
struct census {
	struct tlbr_tlbi_site *sites;
	unsigned int n, nprobed;
	struct tracefs_dynevent *evs[MAX_TLBI_PROBES];
	int ev_site[MAX_TLBI_PROBES];
	char note[256];			/* why there is no census */
};

/*
 * Take the census of the kernel @env describes (arm64 with kprobe_events)
 * and, when @create, probe each site; otherwise list what would be probed.
 */
void census_probe(struct census *cs, const struct tlbr_plan_env *env, bool create, FILE *log);
/* Destroy the census probes and free the census. */
void census_release(struct census *cs);
/* The census line of a site, for --check and the trace's markers. */
void census_line(const struct tlbr_tlbi_site *t, unsigned int i, char *buf, size_t n);
/* The fetch arguments of a TLBI probe: its site number and the operand register. */
void tlbi_fetch(const struct tlbr_tlbi_site *t, unsigned int i, char *buf, size_t n);

#endif /* TLBR_RECORD_LOCAL_H */
