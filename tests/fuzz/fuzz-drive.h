/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-drive.h - what every harness does with an opened stream (the
 * reader and the vocabulary adapter, formats/stream.c): records into the
 * stat reducer, normalised events into the stat reducer and the replay
 * engine (every policy, unbounded model), which must keep oracle and
 * arm64-broadcast safe.
 */
#ifndef TLBR_FUZZ_DRIVE_H
#define TLBR_FUZZ_DRIVE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "formats.h"
#include "replay.h"

/* A whole file into memory (a harness's fixed part); aborts if it cannot. */
static inline unsigned char *fuzz_load(const char *path, size_t *ret_size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 16 || fseek(f, 0, SEEK_SET))
		abort();
	buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	*ret_size = (size_t)n;
	return buf;
}

static inline void fuzz_drive(struct tlbr_stream *s)
{
	struct tlbr_error err = { 0 };
	const struct tlbr_record *rec;
	const struct tlbr_event *evs;
	struct tlbr_replay_opts ro = { .policies = "arm64-broadcast,x86-ipi,oracle,local-only,"
					"batched-reclaim+lazy-mmu,wp-local,active-cpu,"
					"wp-local+active-cpu,pte-needs-flush,uffd-move-batch,"
					"hugetlb-unshare-gather",
					.ncpus = 4 };
	struct tlbr_replay *rp = NULL;
	struct tlbr_stat st;
	unsigned int i, n;

	tlbr_stat_init(&st);
	if (tlbr_replay_new(&ro, &rp) < 0)
		rp = NULL;
	while (s && rp && tlbr_stream_next_record(s, &rec, &evs, &n, &err) > 0) {
		if (tlbr_stat_record(&st, rec) < 0)
			break;
		for (i = 0; i < n; i++) {
			tlbr_stat_event(&st, &evs[i]);
			if (evs[i].cpu < ro.ncpus)
				tlbr_replay_event(rp, &evs[i]);
		}
	}
	if (rp) {
		const struct tlbr_replay_result *res = tlbr_replay_finish(rp);

		/*
		 * The sound models, whatever the input: under the unbounded
		 * model oracle flushes every CPU that may hold an entry and
		 * arm64-broadcast every CPU, and the checker asks the same
		 * model, so neither may ever be unsafe (a finding is the model
		 * disagreeing with itself)
		 */
		for (i = 0; res && i < res->npolicies; i++)
			if ((!strcmp(res->policy[i].name, "oracle") ||
			     !strcmp(res->policy[i].name, "arm64-broadcast")) &&
			    res->policy[i].unsafe) {
				fprintf(stderr, "fuzz: %s unsafe (%llu) under the unbounded model\n",
					res->policy[i].name, (unsigned long long)res->policy[i].unsafe);
				abort();
			}
	}
	tlbr_replay_free(rp);
	tlbr_stat_release(&st);
}

#endif /* TLBR_FUZZ_DRIVE_H */
