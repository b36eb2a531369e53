// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stat-print.c - `tlbreplay stat` as text (80 columns) and as one JSON object.
 *
 * What stat lists row by row (raw events, flush sites, the TLBI census,
 * tasks, address spaces) is built once as tables (table.h); the text and
 * the JSON renderings read the same cells by column name. The JSON arrays
 * are the tables as they are; the text sorts and abridges them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "json.h"
#include "table.h"

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

static const struct tlbr_col raw_cols[] = {
	{ "system", "system", TLBR_COL_STR },
	{ "name", "name", TLBR_COL_STR },
	{ "count", "count", TLBR_COL_U64 },
};

static const struct tlbr_col site_cols[] = {
	{ "site", "site", TLBR_COL_STR },
	{ "local", "local", TLBR_COL_U64 },
	{ "ipi", "ipi", TLBR_COL_U64 },
	{ "broadcast", "broadcast", TLBR_COL_U64 },
	{ "remote", "remote", TLBR_COL_U64 },
	{ "site_inferred", "site-inferred", TLBR_COL_U64 },
	{ "range_inferred", "range-inferred", TLBR_COL_U64 },
};

static const struct tlbr_col census_cols[] = {
	{ "site", "site", TLBR_COL_STR },
	{ "broadcast_ops", "broadcast ops", TLBR_COL_U64 },
	{ "broadcast_tlbis", "TLBI IS/OS", TLBR_COL_U64 },
	{ "local_ops", "local ops", TLBR_COL_U64 },
	{ "local_tlbis", "TLBI", TLBR_COL_U64 },
};

static const struct tlbr_col task_cols[] = {
	{ "id", "id", TLBR_COL_U64 },
	{ "pid", "pid", TLBR_COL_INT },
	{ "tgid", "tgid", TLBR_COL_INT },
	{ "comm", "comm", TLBR_COL_STR },
	{ "mm", "mm", TLBR_COL_U64 },
	{ "parent", "parent", TLBR_COL_U64 },
	{ "kthread", "kthread", TLBR_COL_BOOL },
	{ "born_in_trace", "born", TLBR_COL_BOOL },
	{ "exited", "exited", TLBR_COL_BOOL },
	{ "events", "events", TLBR_COL_U64 },
	{ "faults", "faults", TLBR_COL_U64 },
	{ "flushes", "flushes", TLBR_COL_U64 },
};

static const struct tlbr_col mm_cols[] = {
	{ "id", "mm", TLBR_COL_U64 },
	{ "owner_pid", "pid", TLBR_COL_INT },
	{ "comm", "comm", TLBR_COL_STR },
	{ "threads", "threads", TLBR_COL_U64 },
	{ "from_fork", "forked", TLBR_COL_BOOL },
	{ "torn_down", "torn down", TLBR_COL_BOOL },
	{ "first_ns", "first", TLBR_COL_U64 },
	{ "last_ns", "last", TLBR_COL_U64 },
	{ "events", "events", TLBR_COL_U64 },
	{ "faults", "faults", TLBR_COL_U64 },
	{ "flushes", "flushes", TLBR_COL_U64 },
};

struct stat_tables {
	struct tlbr_table raw, sites, census, tasks, mms;
};

static void stat_tables_release(struct stat_tables *t)
{
	tlbr_table_release(&t->raw);
	tlbr_table_release(&t->sites);
	tlbr_table_release(&t->census);
	tlbr_table_release(&t->tasks);
	tlbr_table_release(&t->mms);
}

#define U(x) ((uint64_t)(x))
#define I(x) ((int64_t)(x))

/* The stat's row-shaped sections, in the order of their ids. 0 or -ENOMEM. */
static int stat_tables_build(const struct tlbr_stat *s, const struct tlbr_stat_render *o,
			     struct stat_tables *t)
{
	static const struct tlbr_stat_counts none;
	const char *sys, *name;
	unsigned int i, k;
	int ret = 0;

	tlbr_table_init(&t->raw, "raw_events", "Raw events", raw_cols, ARRAY_SIZE(raw_cols));
	tlbr_table_init(&t->sites, "by_site", "Flushes by site", site_cols, ARRAY_SIZE(site_cols));
	tlbr_table_init(&t->census, "tlbi_by_site", "TLBI census (arm64)", census_cols,
			ARRAY_SIZE(census_cols));
	tlbr_table_init(&t->tasks, "tasks", "Tasks", task_cols, ARRAY_SIZE(task_cols));
	tlbr_table_init(&t->mms, "mms", "Address spaces", mm_cols, ARRAY_SIZE(mm_cols));

	for (i = 0; !ret && i < s->ntypes; i++) {
		if (!s->type_count[i])
			continue;
		tlbr_reader_type(o->reader, i, &sys, &name);
		ret = tlbr_table_add(&t->raw, sys, name, U(s->type_count[i]));
	}
	for (k = 0; !ret && k < TLBR_SITE__COUNT; k++) {
		const uint64_t *e = s->site_exec[k];

		if (!(e[0] + e[1] + e[2] + e[3]))
			continue;
		ret = tlbr_table_add(&t->sites, tlbr_site_name((enum tlbr_site)k),
				     U(e[TLBR_EXEC_LOCAL]), U(e[TLBR_EXEC_IPI]),
				     U(e[TLBR_EXEC_BROADCAST]), U(e[TLBR_EXEC_REMOTE]),
				     U(s->site_inferred[k]), U(s->site_range_inferred[k]));
	}
	for (k = 0; !ret && k < TLBR_SITE__COUNT; k++) {
		const uint64_t *ops = s->tlbi_ops[k], *ins = s->tlbi_ins[k];

		if (!(ins[0] + ins[1]))
			continue;
		ret = tlbr_table_add(&t->census, tlbr_site_name((enum tlbr_site)k), U(ops[1]),
				     U(ins[1]), U(ops[0]), U(ins[0]));
	}
	for (i = 1; !ret && i <= tlbr_adapter_ntasks(o->adapter); i++) {
		const struct tlbr_task *tk = tlbr_adapter_task(o->adapter, i);
		const struct tlbr_stat_counts *sc = i < s->task_alloc ? &s->task[i] : &none;

		ret = tlbr_table_add(&t->tasks, U(tk->id), I(tk->pid), I(tk->tgid), tk->comm,
				     U(tk->mm), U(tk->parent), (int)tk->kthread,
				     (int)tk->seen_birth, (int)tk->exited, U(sc->events),
				     U(sc->faults), U(sc->flushes));
	}
	for (i = 1; !ret && i <= tlbr_adapter_nmms(o->adapter); i++) {
		const struct tlbr_mm *m = tlbr_adapter_mm(o->adapter, i);
		const struct tlbr_stat_counts *sc = i < s->mm_alloc ? &s->mm[i] : &none;

		ret = tlbr_table_add(&t->mms, U(m->id), I(m->owner_pid), m->comm, U(m->nthreads),
				     (int)m->from_fork, (int)m->torn_down, U(m->first_ns),
				     U(m->last_ns), U(sc->events), U(sc->faults), U(sc->flushes));
	}
	if (ret < 0)
		stat_tables_release(t);
	return ret;
}

#undef U
#undef I

/* The number in column @col of @t's row @r. */
static unsigned long long cell(const struct tlbr_table *t, unsigned int r, const char *col)
{
	return (unsigned long long)tlbr_table_get(t, r, col).u;
}

/* The rows of @t sorted by column @col, largest first (ties by row), or NULL. */
static struct order *sorted_rows(const struct tlbr_table *t, const char *col)
{
	struct order *ord = calloc(t->nrows ? t->nrows : 1, sizeof(*ord));
	unsigned int r;

	if (!ord)
		return NULL;
	for (r = 0; r < t->nrows; r++)
		ord[r] = (struct order){ r, tlbr_table_get(t, r, col).u };
	qsort(ord, t->nrows, sizeof(*ord), by_key_desc);
	return ord;
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

int tlbr_stat_print_text(FILE *f, const struct tlbr_stat *s, const struct tlbr_stat_render *o)
{
	struct tlbr_readiness items[TLBR_READINESS_MAX];
	const char *verdict, *sys;
	unsigned int i, n, k;
	int c, ncpus = ncpus_of(s, o);
	struct stat_tables t;
	struct order *ord;
	char buf[64], cbuf[32];

	if (stat_tables_build(s, o, &t) < 0)
		return -ENOMEM;

	fprintf(f, "trace       %s (%s)\n", o->path, tlbr_reader_describe(o->reader));
	if (*tlbr_adapter_metadata(o->adapter))
		fprintf(f, "recorded    %s\n", tlbr_adapter_metadata(o->adapter));
	/* the recorder's invlpgb= (x86): whether remote flushes are IPIs at all */
	if (tlbr_metadata_get(tlbr_adapter_metadata(o->adapter), "invlpgb", cbuf, sizeof(cbuf)))
		tlbr_print_wrapped(f, "invlpgb", 12, !strcmp(cbuf, "yes") ?
				   "yes: the CPU flushes other CPUs' TLBs by INVLPGB (Linux 6.15+): "
				   "batched and kernel flushes send no IPI (arch_tlbbatch_flush(), "
				   "flush_tlb_kernel_range()); on 4 or more CPUs an address space "
				   "active on more than 3 gets a global ASID and is flushed with no "
				   "IPI and no tlb_flush record (broadcast_tlb_flush()): x86-ipi's IPI "
				   "self-check is then not comparable" :
				   "no: every remote flush of an address space is an IPI "
				   "(flush_tlb_multi())", 80);
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
	ord = sorted_rows(&t.raw, "count");
	for (i = 0; ord && i < t.raw.nrows; i++) {
		sys = tlbr_table_get(&t.raw, ord[i].id, "system").s;
		snprintf(buf, sizeof(buf), "%s%s%s", sys, *sys ? ":" : "",
			 tlbr_table_get(&t.raw, ord[i].id, "name").s);
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
	for (i = 0; i < t.sites.nrows; i++)
		fprintf(f, "  %-20s %10llu %8llu %10llu %8llu %14llu\n",
			tlbr_table_get(&t.sites, i, "site").s, cell(&t.sites, i, "local"),
			cell(&t.sites, i, "ipi"), cell(&t.sites, i, "broadcast"),
			cell(&t.sites, i, "remote"), cell(&t.sites, i, "site_inferred"));
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
		for (i = 0; i < t.census.nrows; i++)
			fprintf(f, "  %-16s %14llu %14llu %10llu %10llu\n",
				tlbr_table_get(&t.census, i, "site").s,
				cell(&t.census, i, "broadcast_ops"), cell(&t.census, i, "broadcast_tlbis"),
				cell(&t.census, i, "local_ops"), cell(&t.census, i, "local_tlbis"));
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
	/* arm64: does a fault prove a PTE young at a madvise aging (replay/unmap.c) */
	if (s->kind[TLBR_EV_TLBI] && s->syscalls[TLBR_SYS_MADVISE]) {
		const char *meta = tlbr_adapter_metadata(o->adapter);

		if (tlbr_metadata_lru_gen_off(meta) &&
		    (tlbr_metadata_damon_on(meta) || tlbr_adapter_kdamond_seen(o->adapter)))
			fprintf(f, "Young PTEs  not proven by faults: DAMON on (%s), whose access "
				   "checks clear the Access flag untraced (damon_ptep_mkold): "
				   "madvise COLD/PAGEOUT points%s stay uncertain\n",
				tlbr_metadata_damon_on(meta) ? "damon=on" : "a kdamond switch in the trace",
				tlbr_metadata_damon_on(meta) ? "" : " after its first switch");
		else if (tlbr_metadata_lru_gen_off(meta))
			fprintf(f, "Young PTEs  a fault proves a PTE young at madvise COLD/PAGEOUT: "
				   "MGLRU off (lru_gen=%s)%s\n",
				tlbr_metadata_get(meta, "lru_gen", buf, sizeof(buf)),
				tlbr_metadata_get(meta, "damon", cbuf, sizeof(cbuf)) ?
				", DAMON off (damon=off)" : "");
		else
			fprintf(f, "Young PTEs  not proven by faults: %s%s%s, whose aging clears the "
				   "Access flag untraced (walk_pte_range, lru_gen_look_around): "
				   "madvise COLD/PAGEOUT points stay uncertain\n",
				tlbr_metadata_get(meta, "lru_gen", buf, sizeof(buf)) ?
				"MGLRU on (lru_gen=" : "the recording does not say whether MGLRU is on (no lru_gen=",
				tlbr_metadata_get(meta, "lru_gen", buf, sizeof(buf)) ? buf : "", ")");
	}

	if (s->lost_not_carried) {
		fprintf(f, "Lost        unknown: %s\n", s->lost_not_carried);
	} else if (!s->lost_markers) {
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

	{
		unsigned int kth = 0, born = 0, exited = 0, forked = 0, down = 0;

		for (i = 0; i < t.tasks.nrows; i++) {
			kth += tlbr_table_get(&t.tasks, i, "kthread").b;
			born += tlbr_table_get(&t.tasks, i, "born_in_trace").b;
			exited += tlbr_table_get(&t.tasks, i, "exited").b;
		}
		for (i = 0; i < t.mms.nrows; i++) {
			forked += tlbr_table_get(&t.mms, i, "from_fork").b;
			down += tlbr_table_get(&t.mms, i, "torn_down").b;
		}
		fprintf(f, "\nTasks       %u: %u kernel threads, %u born in the trace, %u exited\n",
			t.tasks.nrows, kth, born, exited);
		fprintf(f, "Address spaces %u: %u created by fork, %u torn down\n", t.mms.nrows,
			forked, down);
	}
	ord = sorted_rows(&t.mms, "events");
	if (ord && t.mms.nrows) {
		unsigned int nmms = t.mms.nrows, shown = o->top && o->top < nmms ? o->top : nmms;

		fprintf(f, "  %5s %7s %-16s %7s %9s %8s %8s\n", "mm", "pid", "comm", "threads",
			"events", "faults", "flushes");
		for (i = 0; i < shown; i++) {
			unsigned int r = ord[i].id;

			fprintf(f, "  %5llu %7lld %-16s %7llu %9llu %8llu %8llu%s\n", cell(&t.mms, r, "id"),
				(long long)tlbr_table_get(&t.mms, r, "owner_pid").i,
				safe(tlbr_table_get(&t.mms, r, "comm").s, cbuf, sizeof(cbuf)),
				cell(&t.mms, r, "threads"), cell(&t.mms, r, "events"),
				cell(&t.mms, r, "faults"), cell(&t.mms, r, "flushes"),
				tlbr_table_get(&t.mms, r, "torn_down").b ? "  (torn down)" : "");
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
	stat_tables_release(&t);
	return 0;
}

int tlbr_stat_print_json(FILE *f, const struct tlbr_stat *s, const struct tlbr_stat_render *o)
{
	struct tlbr_readiness items[TLBR_READINESS_MAX];
	int c, ncpus = ncpus_of(s, o);
	struct stat_tables t;
	unsigned int i, k, n;
	const char *verdict;
	struct tlbr_json j;

	if (stat_tables_build(s, o, &t) < 0)
		return -ENOMEM;

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

	tlbr_table_print_json(&j, &t.raw);
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
	tlbr_table_print_json(&j, &t.sites);
	tlbr_json_u64(&j, "switch_without_flush", s->switch_noflush);
	tlbr_json_obj_begin(&j, "huge_pages");	/* transparent huge pages */
	tlbr_json_u64(&j, "faults", s->huge[TLBR_HUGE_FAULT]);
	tlbr_json_u64(&j, "write_faults", s->huge[TLBR_HUGE_WP]);
	tlbr_json_u64(&j, "splits", s->huge[TLBR_HUGE_SPLIT]);
	tlbr_json_u64(&j, "collapses", s->huge[TLBR_HUGE_COLLAPSE]);
	tlbr_json_u64(&j, "census_tlbis_unseen", s->huge[0] + s->huge[1] + s->huge[2] +
		      s->huge[3] ? 0 : s->tlbi_huge);
	tlbr_json_obj_end(&j);
	tlbr_table_print_json(&j, &t.census);	/* the arm64 census */
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
	tlbr_json_bool(&j, "not_carried", s->lost_not_carried != NULL);
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

	tlbr_table_print_json(&j, &t.tasks);
	tlbr_table_print_json(&j, &t.mms);

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
	stat_tables_release(&t);
	return 0;
}
