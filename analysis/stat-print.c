// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stat-print.c - `tlbreplay stat` as text (80 columns) and as one JSON object.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "json.h"

static const char *const need_names[] = { "required", "recommended", "optional" };

static void print_ts(FILE *f, uint64_t ns)
{
	fprintf(f, "%llu.%09llu", (unsigned long long)(ns / 1000000000ULL),
		(unsigned long long)(ns % 1000000000ULL));
}

static int ncpus_of(const struct tlbr_stat *s, const struct tlbr_stat_render *o)
{
	int n = tlbr_reader_ncpus(o->reader);

	return n > s->max_cpu + 1 ? n : s->max_cpu + 1;
}

/* Printable comm: control bytes become '?', so a terminal is never confused. */
static const char *safe(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

struct order {
	uint32_t id;
	uint64_t key;
};

static int by_key_desc(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void print_cpu_header(FILE *f, const char *title, int ncpus)
{
	int c;

	fprintf(f, "%-34s %10s", title, "total");
	if (ncpus <= 4)
		for (c = 0; c < ncpus; c++)
			fprintf(f, " %7s%d", "cpu", c);
	fputc('\n', f);
}

void tlbr_stat_print_text(FILE *f, const struct tlbr_stat *s, const struct tlbr_stat_render *o)
{
	struct tlbr_readiness items[TLBR_READINESS_MAX];
	const char *verdict, *sys, *name;
	unsigned int i, n, ntasks, nmms, k;
	int c, ncpus = ncpus_of(s, o);
	struct order *ord;
	char buf[64], cbuf[32];

	fprintf(f, "trace       %s (%s)\n", o->path, tlbr_reader_describe(o->reader));
	if (*tlbr_adapter_metadata(o->adapter))
		fprintf(f, "recorded    %s\n", tlbr_adapter_metadata(o->adapter));
	if (s->records) {
		fprintf(f, "span        ");
		print_ts(f, s->first_ns);
		fprintf(f, " .. ");
		print_ts(f, s->last_ns);
		fprintf(f, " s (");
		print_ts(f, s->last_ns - s->first_ns);
		fprintf(f, " s)\n");
	} else {
		fprintf(f, "span        (no events)\n");
	}
	fprintf(f, "records     %llu raw records, %llu normalised events, %d CPUs\n",
		(unsigned long long)s->records, (unsigned long long)s->events, ncpus);

	fputc('\n', f);
	fprintf(f, "%-34s %10s\n", "Raw events", "total");
	ord = calloc(s->ntypes ? s->ntypes : 1, sizeof(*ord));
	for (i = 0, n = 0; ord && i < s->ntypes; i++)
		if (s->type_count[i])
			ord[n++] = (struct order){ i, s->type_count[i] };
	if (ord)
		qsort(ord, n, sizeof(*ord), by_key_desc);
	for (i = 0; ord && i < n; i++) {
		tlbr_reader_type(o->reader, ord[i].id, &sys, &name);
		snprintf(buf, sizeof(buf), "%s%s%s", sys, *sys ? ":" : "", name);
		fprintf(f, "  %-32s %10llu\n", buf, (unsigned long long)ord[i].key);
	}
	free(ord);

	fputc('\n', f);
	print_cpu_header(f, "Normalised events", ncpus);
	for (k = 0; k < TLBR_EV__COUNT; k++) {
		if (!s->kind[k])
			continue;
		fprintf(f, "  %-32s %10llu", tlbr_ev_kind_name((enum tlbr_ev_kind)k),
			(unsigned long long)s->kind[k]);
		if (ncpus <= 4)
			for (c = 0; c < ncpus; c++)
				fprintf(f, " %8llu", (unsigned long long)s->kind_cpu[k][c]);
		fputc('\n', f);
	}
	if (ncpus > 4) {
		fprintf(f, "  records per CPU:");
		for (c = 0; c < ncpus; c++)
			fprintf(f, " %d:%llu", c, (unsigned long long)s->cpu_records[c]);
		fputc('\n', f);
	}

	fprintf(f, "\nFlushes by site           local      ipi  broadcast   remote  "
		   "site-inferred\n");
	for (k = 0; k < TLBR_SITE__COUNT; k++) {
		const uint64_t *e = s->site_exec[k];

		if (!(e[0] + e[1] + e[2] + e[3]))
			continue;
		fprintf(f, "  %-20s %10llu %8llu %10llu %8llu %14llu\n",
			tlbr_site_name((enum tlbr_site)k), (unsigned long long)e[TLBR_EXEC_LOCAL],
			(unsigned long long)e[TLBR_EXEC_IPI],
			(unsigned long long)e[TLBR_EXEC_BROADCAST],
			(unsigned long long)e[TLBR_EXEC_REMOTE],
			(unsigned long long)s->site_inferred[k]);
	}
	fprintf(f, "  switch_mm without a flush (ASID up to date): %llu\n",
		(unsigned long long)s->switch_noflush);
	fprintf(f, "  x86 tlb_flush reasons:");
	for (k = 0; k < TLBR_X86_REASON__COUNT; k++)
		fprintf(f, "%s %s %llu", k == 3 ? "\n   " : k ? "," : "", tlbr_x86_reason_name(k),
			(unsigned long long)s->x86_reason[k]);
	fprintf(f, "\n  shootdown IPIs: %llu sent, %llu target CPUs", (unsigned long long)s->ipis,
		(unsigned long long)s->ipi_targets);
	if (s->ipis_inferred)
		fprintf(f, " (%llu recognised by context)",
			(unsigned long long)s->ipis_inferred);
	fprintf(f, "; remote flushes executed: %llu\n", (unsigned long long)s->remote_flushes);

	if (s->kind[TLBR_EV_TLBI]) {
		fprintf(f, "\nTLBI census (arm64): flush operations (runs of TLBIs) and instructions the "
			   "kernel executed\n  %-16s %14s %14s %10s %10s\n", "site", "broadcast ops",
			"TLBI IS/OS", "local ops", "TLBI");
		for (k = 0; k < TLBR_SITE__COUNT; k++) {
			const uint64_t *ops = s->tlbi_ops[k], *ins = s->tlbi_ins[k];

			if (ins[0] + ins[1])
				fprintf(f, "  %-16s %14llu %14llu %10llu %10llu\n",
					tlbr_site_name((enum tlbr_site)k), (unsigned long long)ops[1],
					(unsigned long long)ins[1], (unsigned long long)ops[0],
					(unsigned long long)ins[0]);
		}
	}

	if (s->huge[0] + s->huge[1] + s->huge[2] + s->huge[3])
		fprintf(f, "\nHuge pages  %llu huge faults, %llu write faults on huge pages, %llu "
			   "splits, %llu collapses: the model maps a huge page as its 512 pages\n",
			(unsigned long long)s->huge[TLBR_HUGE_FAULT],
			(unsigned long long)s->huge[TLBR_HUGE_WP],
			(unsigned long long)s->huge[TLBR_HUGE_SPLIT],
			(unsigned long long)s->huge[TLBR_HUGE_COLLAPSE]);
	else if (s->tlbi_huge)
		fprintf(f, "\nHuge pages  %llu TLBIs of huge-page functions in the census, and no THP "
			   "probe in the trace: the model cannot see those huge pages\n",
			(unsigned long long)s->tlbi_huge);

	fprintf(f, "\nFaults      %llu user faults: %llu write, %llu on a present page, %llu "
		   "instruction fetch\n", (unsigned long long)s->kind[TLBR_EV_FAULT],
		(unsigned long long)s->fault_write, (unsigned long long)s->fault_prot,
		(unsigned long long)s->fault_instr);
	fprintf(f, "Syscalls   ");
	for (k = 0, n = 0; k < TLBR_SYS__COUNT; k++) {
		if (!s->syscalls[k])
			continue;
		fprintf(f, "%s %s %llu", n++ ? "," : "", tlbr_syscall_name((enum tlbr_syscall)k),
			(unsigned long long)s->syscalls[k]);
	}
	fprintf(f, "%s\n", n ? "" : " none");

	if (!s->lost_markers) {
		fprintf(f, "Lost        none\n");
	} else {
		fprintf(f, "Lost        %llu%s events in %llu gaps\n",
			(unsigned long long)s->lost_events, s->lost_unknown ? "+ (some counts unknown)" : "",
			(unsigned long long)s->lost_markers);
		for (i = 0; i < s->ngaps; i++) {
			fprintf(f, "  cpu %d at ", s->gaps[i].cpu);
			print_ts(f, s->gaps[i].ts_ns);
			if (s->gaps[i].count == UINT64_MAX)
				fprintf(f, ": unknown number\n");
			else
				fprintf(f, ": %llu\n", (unsigned long long)s->gaps[i].count);
		}
		if (s->lost_markers > s->ngaps)
			fprintf(f, "  ... %llu more gaps\n",
				(unsigned long long)(s->lost_markers - s->ngaps));
	}

	ntasks = tlbr_adapter_ntasks(o->adapter);
	nmms = tlbr_adapter_nmms(o->adapter);
	{
		unsigned int kth = 0, born = 0, exited = 0, forked = 0, down = 0;

		for (i = 1; i <= ntasks; i++) {
			const struct tlbr_task *t = tlbr_adapter_task(o->adapter, i);

			kth += t->kthread;
			born += t->seen_birth;
			exited += t->exited;
		}
		for (i = 1; i <= nmms; i++) {
			forked += tlbr_adapter_mm(o->adapter, i)->from_fork;
			down += tlbr_adapter_mm(o->adapter, i)->torn_down;
		}
		fprintf(f, "\nTasks       %u: %u kernel threads, %u born in the trace, %u exited\n",
			ntasks, kth, born, exited);
		fprintf(f, "Address spaces %u: %u created by fork, %u torn down\n", nmms, forked,
			down);
	}
	ord = calloc(nmms ? nmms : 1, sizeof(*ord));
	for (i = 1; ord && i <= nmms; i++)
		ord[i - 1] = (struct order){ i, i < s->mm_alloc ? s->mm[i].events : 0 };
	if (ord && nmms) {
		unsigned int shown = o->top && o->top < nmms ? o->top : nmms;

		qsort(ord, nmms, sizeof(*ord), by_key_desc);
		fprintf(f, "  %5s %7s %-16s %7s %9s %8s %8s\n", "mm", "pid", "comm", "threads",
			"events", "faults", "flushes");
		for (i = 0; i < shown; i++) {
			const struct tlbr_mm *m = tlbr_adapter_mm(o->adapter, ord[i].id);
			const struct tlbr_stat_counts *sc =
				m->id < s->mm_alloc ? &s->mm[m->id] : NULL;

			fprintf(f, "  %5u %7d %-16s %7u %9llu %8llu %8llu%s\n", m->id, m->owner_pid,
				safe(m->comm, cbuf, sizeof(cbuf)), m->nthreads,
				(unsigned long long)(sc ? sc->events : 0),
				(unsigned long long)(sc ? sc->faults : 0),
				(unsigned long long)(sc ? sc->flushes : 0),
				m->torn_down ? "  (torn down)" : "");
		}
		if (shown < nmms)
			fprintf(f, "  ... %u more (--all lists every one)\n", nmms - shown);
	}
	free(ord);

	n = tlbr_stat_readiness(s, items, &verdict);
	fprintf(f, "\nReadiness   %s\n", verdict);
	for (i = 0; i < n; i++) {
		fprintf(f, "  [%c] %-24s %s (%s)\n",
			items[i].occurred ? 'x' : items[i].present ? '0' : ' ', items[i].input,
			items[i].events, need_names[items[i].need]);
		if (items[i].present && !items[i].occurred)
			fprintf(f, "      recorded, none occurred: zero is a fact of this trace\n");
		if (!items[i].present)
			fprintf(f, "      without it: %s\n", items[i].without);
	}
}

void tlbr_stat_print_json(FILE *f, const struct tlbr_stat *s, const struct tlbr_stat_render *o)
{
	struct tlbr_readiness items[TLBR_READINESS_MAX];
	const char *verdict, *sys, *name;
	int c, ncpus = ncpus_of(s, o);
	unsigned int i, k, n;
	struct tlbr_json j;

	tlbr_json_init(&j, f, true);
	tlbr_json_obj_begin(&j, NULL);
	tlbr_json_str(&j, "schema", "tlbreplay-stat");
	tlbr_json_u64(&j, "version", TLBR_JSON_SCHEMA_VERSION);
	tlbr_json_str(&j, "file", o->path);
	tlbr_json_str(&j, "format", tlbr_format_name(tlbr_reader_format(o->reader)));
	tlbr_json_str(&j, "description", tlbr_reader_describe(o->reader));
	tlbr_json_str(&j, "recorded", tlbr_adapter_metadata(o->adapter));
	tlbr_json_u64(&j, "cpus", (uint64_t)ncpus);
	tlbr_json_obj_begin(&j, "span");
	tlbr_json_u64(&j, "first_ns", s->first_ns);
	tlbr_json_u64(&j, "last_ns", s->last_ns);
	tlbr_json_u64(&j, "duration_ns", s->last_ns - s->first_ns);
	tlbr_json_obj_end(&j);
	tlbr_json_u64(&j, "records", s->records);
	tlbr_json_u64(&j, "events", s->events);

	tlbr_json_arr_begin(&j, "raw_events");
	for (i = 0; i < s->ntypes; i++) {
		if (!s->type_count[i])
			continue;
		tlbr_reader_type(o->reader, i, &sys, &name);
		tlbr_json_obj_begin(&j, NULL);
		tlbr_json_str(&j, "system", sys);
		tlbr_json_str(&j, "name", name);
		tlbr_json_u64(&j, "count", s->type_count[i]);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_arr_end(&j);
	tlbr_json_arr_begin(&j, "records_per_cpu");
	for (c = 0; c < ncpus; c++)
		tlbr_json_u64(&j, NULL, s->cpu_records[c]);
	tlbr_json_arr_end(&j);

	tlbr_json_obj_begin(&j, "kinds");
	for (k = 0; k < TLBR_EV__COUNT; k++) {
		tlbr_json_obj_begin(&j, tlbr_ev_kind_name((enum tlbr_ev_kind)k));
		tlbr_json_u64(&j, "total", s->kind[k]);
		tlbr_json_arr_begin(&j, "per_cpu");
		for (c = 0; c < ncpus; c++)
			tlbr_json_u64(&j, NULL, s->kind_cpu[k][c]);
		tlbr_json_arr_end(&j);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_obj_end(&j);

	tlbr_json_obj_begin(&j, "flushes");
	tlbr_json_arr_begin(&j, "by_site");
	for (k = 0; k < TLBR_SITE__COUNT; k++) {
		const uint64_t *e = s->site_exec[k];

		if (!(e[0] + e[1] + e[2] + e[3]))
			continue;
		tlbr_json_obj_begin(&j, NULL);
		tlbr_json_str(&j, "site", tlbr_site_name((enum tlbr_site)k));
		tlbr_json_u64(&j, "local", e[TLBR_EXEC_LOCAL]);
		tlbr_json_u64(&j, "ipi", e[TLBR_EXEC_IPI]);
		tlbr_json_u64(&j, "broadcast", e[TLBR_EXEC_BROADCAST]);
		tlbr_json_u64(&j, "remote", e[TLBR_EXEC_REMOTE]);
		tlbr_json_u64(&j, "site_inferred", s->site_inferred[k]);
		tlbr_json_u64(&j, "range_inferred", s->site_range_inferred[k]);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_arr_end(&j);
	tlbr_json_u64(&j, "switch_without_flush", s->switch_noflush);
	tlbr_json_obj_begin(&j, "huge_pages");	/* transparent huge pages */
	tlbr_json_u64(&j, "faults", s->huge[TLBR_HUGE_FAULT]);
	tlbr_json_u64(&j, "write_faults", s->huge[TLBR_HUGE_WP]);
	tlbr_json_u64(&j, "splits", s->huge[TLBR_HUGE_SPLIT]);
	tlbr_json_u64(&j, "collapses", s->huge[TLBR_HUGE_COLLAPSE]);
	tlbr_json_u64(&j, "census_tlbis_unseen", s->huge[0] + s->huge[1] + s->huge[2] +
		      s->huge[3] ? 0 : s->tlbi_huge);
	tlbr_json_obj_end(&j);
	tlbr_json_arr_begin(&j, "tlbi_by_site");	/* the arm64 census */
	for (k = 0; k < TLBR_SITE__COUNT; k++) {
		const uint64_t *ops = s->tlbi_ops[k], *ins = s->tlbi_ins[k];

		if (!(ins[0] + ins[1]))
			continue;
		tlbr_json_obj_begin(&j, NULL);
		tlbr_json_str(&j, "site", tlbr_site_name((enum tlbr_site)k));
		tlbr_json_u64(&j, "broadcast_ops", ops[1]);
		tlbr_json_u64(&j, "broadcast_tlbis", ins[1]);
		tlbr_json_u64(&j, "local_ops", ops[0]);
		tlbr_json_u64(&j, "local_tlbis", ins[0]);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_arr_end(&j);
	tlbr_json_obj_begin(&j, "x86_reasons");
	for (k = 0; k < TLBR_X86_REASON__COUNT; k++)
		tlbr_json_u64(&j, tlbr_x86_reason_name(k), s->x86_reason[k]);
	tlbr_json_obj_end(&j);
	tlbr_json_u64(&j, "ipis", s->ipis);
	tlbr_json_u64(&j, "ipi_targets", s->ipi_targets);
	tlbr_json_u64(&j, "ipis_recognised_by_context", s->ipis_inferred);
	tlbr_json_u64(&j, "remote_flushes", s->remote_flushes);
	tlbr_json_obj_end(&j);

	tlbr_json_obj_begin(&j, "faults");
	tlbr_json_u64(&j, "total", s->kind[TLBR_EV_FAULT]);
	tlbr_json_u64(&j, "write", s->fault_write);
	tlbr_json_u64(&j, "present", s->fault_prot);
	tlbr_json_u64(&j, "instruction", s->fault_instr);
	tlbr_json_obj_end(&j);
	tlbr_json_obj_begin(&j, "syscalls");
	for (k = 0; k < TLBR_SYS__COUNT; k++)
		tlbr_json_u64(&j, tlbr_syscall_name((enum tlbr_syscall)k), s->syscalls[k]);
	tlbr_json_obj_end(&j);

	tlbr_json_obj_begin(&j, "lost");
	tlbr_json_u64(&j, "gaps", s->lost_markers);
	tlbr_json_u64(&j, "events", s->lost_events);
	tlbr_json_bool(&j, "some_counts_unknown", s->lost_unknown);
	tlbr_json_arr_begin(&j, "first_gaps");
	for (i = 0; i < s->ngaps; i++) {
		tlbr_json_obj_begin(&j, NULL);
		tlbr_json_i64(&j, "cpu", s->gaps[i].cpu);
		tlbr_json_u64(&j, "ts_ns", s->gaps[i].ts_ns);
		if (s->gaps[i].count == UINT64_MAX)
			tlbr_json_null(&j, "count");
		else
			tlbr_json_u64(&j, "count", s->gaps[i].count);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_arr_end(&j);
	tlbr_json_obj_end(&j);

	tlbr_json_arr_begin(&j, "tasks");
	for (i = 1; i <= tlbr_adapter_ntasks(o->adapter); i++) {
		const struct tlbr_task *t = tlbr_adapter_task(o->adapter, i);
		const struct tlbr_stat_counts *sc = i < s->task_alloc ? &s->task[i] : NULL;

		tlbr_json_obj_begin(&j, NULL);
		tlbr_json_u64(&j, "id", t->id);
		tlbr_json_i64(&j, "pid", t->pid);
		tlbr_json_i64(&j, "tgid", t->tgid);
		tlbr_json_str(&j, "comm", t->comm);
		tlbr_json_u64(&j, "mm", t->mm);
		tlbr_json_u64(&j, "parent", t->parent);
		tlbr_json_bool(&j, "kthread", t->kthread);
		tlbr_json_bool(&j, "born_in_trace", t->seen_birth);
		tlbr_json_bool(&j, "exited", t->exited);
		tlbr_json_u64(&j, "events", sc ? sc->events : 0);
		tlbr_json_u64(&j, "faults", sc ? sc->faults : 0);
		tlbr_json_u64(&j, "flushes", sc ? sc->flushes : 0);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_arr_end(&j);
	tlbr_json_arr_begin(&j, "mms");
	for (i = 1; i <= tlbr_adapter_nmms(o->adapter); i++) {
		const struct tlbr_mm *m = tlbr_adapter_mm(o->adapter, i);
		const struct tlbr_stat_counts *sc = i < s->mm_alloc ? &s->mm[i] : NULL;

		tlbr_json_obj_begin(&j, NULL);
		tlbr_json_u64(&j, "id", m->id);
		tlbr_json_i64(&j, "owner_pid", m->owner_pid);
		tlbr_json_str(&j, "comm", m->comm);
		tlbr_json_u64(&j, "threads", m->nthreads);
		tlbr_json_bool(&j, "from_fork", m->from_fork);
		tlbr_json_bool(&j, "torn_down", m->torn_down);
		tlbr_json_u64(&j, "first_ns", m->first_ns);
		tlbr_json_u64(&j, "last_ns", m->last_ns);
		tlbr_json_u64(&j, "events", sc ? sc->events : 0);
		tlbr_json_u64(&j, "faults", sc ? sc->faults : 0);
		tlbr_json_u64(&j, "flushes", sc ? sc->flushes : 0);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_arr_end(&j);

	n = tlbr_stat_readiness(s, items, &verdict);
	tlbr_json_obj_begin(&j, "readiness");
	tlbr_json_str(&j, "verdict", verdict);
	tlbr_json_arr_begin(&j, "inputs");
	for (i = 0; i < n; i++) {
		tlbr_json_obj_begin(&j, NULL);
		tlbr_json_str(&j, "input", items[i].input);
		tlbr_json_str(&j, "events", items[i].events);
		tlbr_json_str(&j, "need", need_names[items[i].need]);
		tlbr_json_bool(&j, "present", items[i].present);
		tlbr_json_bool(&j, "occurred", items[i].occurred);
		if (!items[i].present)
			tlbr_json_str(&j, "without", items[i].without);
		tlbr_json_obj_end(&j);
	}
	tlbr_json_arr_end(&j);
	tlbr_json_obj_end(&j);
	tlbr_json_obj_end(&j);
}
