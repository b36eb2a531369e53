// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctf.c - CTF traces through babeltrace2's C API: one source.ctf.fs per
 * directory holding a 'metadata' file (LTTng nests them: the tree is
 * walked), all into one utils.muxer, read by a simple sink one batch of
 * messages at a time, so memory does not grow with the trace.
 *
 * Event names: "sys:name" (perf data convert --to-ctf) or LTTng kernel
 * names ("sched_switch", "x86_exceptions_page_fault_user",
 * "syscall_entry_munmap"). The CPU is the packet context's cpu_id; the task
 * is common_pid (perf) or the tid/vtid context (LTTng); timestamps are the
 * clock's value in ns (perf's clock, or LTTng's monotonic clock without the
 * epoch offset), so `perf record -k mono` and LTTng traces align with
 * ftrace's mono clock. Discarded-events messages become lost-event markers.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include <babeltrace2/babeltrace.h>

#include "ctf-check.h"
#include "formats-local.h"

#define MAX_TRACES 64

struct qrec {
	struct tlbr_record rec;
	char comm[16];
	char str[TLBR_MAX_FIELDS][128];
};

struct stream_cpu {
	uint64_t id;
	const void *trace;
	int cpu;
};

struct ctf_reader {
	bt_graph *graph;
	const bt_component_source *src[MAX_TRACES];
	unsigned int nsrc;
	bool ended;
	/* records converted from the last batch, delivered one by one */
	struct qrec *q;
	unsigned int qn, qi, qalloc;
	struct tlbr_error *err;		/* for the sink callback */
	bool failed;
	bool env_checked;
	uint64_t pos;			/* events so far: the position in the trace */
	uint64_t last_ts;
	struct stream_cpu *streams;
	unsigned int nstreams;
	char dirs[MAX_TRACES][512];
	unsigned int ndirs;
};

/*
 * Add @dir and the directories below it that hold a CTF "metadata" file to
 * c->dirs, in the order nftw(FTW_PHYS) visits them: depth first, entries in
 * readdir order, symbolic links not followed. 1 once MAX_TRACES are found.
 */
static int find_traces(struct ctf_reader *c, const char *dir)
{
	size_t len = strlen(dir);
	const char *sep = len && dir[len - 1] == '/' ? "" : "/";
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int ret = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir, sep, de->d_name) >=
		    sizeof(path) || lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			ret = find_traces(c, path);
		} else if (S_ISREG(st.st_mode) && !strcmp(de->d_name, "metadata")) {
			if (c->ndirs == MAX_TRACES)
				ret = 1;
			else
				snprintf(c->dirs[c->ndirs++], sizeof(c->dirs[0]), "%s", dir);
		}
	}
	closedir(d);
	return ret;
}

/* The traces below @root (a directory; not through a symbolic link, as nftw). */
static void find_all_traces(struct ctf_reader *c, const char *root)
{
	char dir[PATH_MAX];
	struct stat st;
	size_t n;

	if ((size_t)snprintf(dir, sizeof(dir), "%s", root) >= sizeof(dir))
		return;
	for (n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)	/* as nftw: no trailing slash */
		dir[n - 1] = '\0';
	if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		find_traces(c, dir);
}

/* The message of babeltrace2's last error, taken from the thread. */
static void take_error(struct tlbr_error *err, const char *what)
{
	const bt_error *e = bt_current_thread_take_error();
	const char *msg = NULL;
	uint64_t i, n;

	if (e) {
		n = bt_error_get_cause_count(e);
		/* the deepest cause (the first) says what was wrong with the input */
		for (i = 0; i < n && !msg; i++) {
			const char *m = bt_error_cause_get_message(bt_error_borrow_cause_by_index(e, i));

			if (m && *m)
				msg = m;
		}
	}
	tlbr_error_set(err, UINT64_MAX, 0, "%s%s%.180s", what, msg ? ": " : "", msg ? msg : "");
	if (e)
		bt_error_release(e);
}

static const bt_field *member(const bt_field *s, const char *name)
{
	if (!s || bt_field_get_class_type(s) != BT_FIELD_CLASS_TYPE_STRUCTURE)
		return NULL;
	return bt_field_structure_borrow_member_field_by_name_const(s, name);
}

static bool field_u64(const bt_field *f, uint64_t *v)
{
	bt_field_class_type t;

	if (!f)
		return false;
	t = bt_field_get_class_type(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		*v = bt_field_integer_unsigned_get_value(f);
	else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		*v = (uint64_t)bt_field_integer_signed_get_value(f);
	else if (t == BT_FIELD_CLASS_TYPE_BOOL)
		*v = bt_field_bool_get_value(f);
	else
		return false;
	return true;
}

/* A vocabulary field in the payload, under its name or LTTng's (pid -> tid). */
static const bt_field *payload_field(const bt_field *pl, const char *name)
{
	const bt_field *f = member(pl, name);
	char alt[64];
	const char *p;

	if (f)
		return f;
	p = strstr(name, "pid");
	if (p) {
		snprintf(alt, sizeof(alt), "%.*stid%s", (int)(p - name), name, p + 3);
		f = member(pl, alt);
	}
	if (!f && !strcmp(name, "address"))
		f = member(pl, "addr");
	return f;
}

/* The vocabulary entry for an event name of either producer. */
static const struct tlbr_evdef *find_def(const char *name)
{
	/* LTTng prefixes the x86 tracepoints with their arch and system */
	static const struct { const char *prefix, *system; } lttng[] = {
		{ "x86_exceptions_", "exceptions" }, { "x86_", "" },
	};
	const char *colon = strchr(name, ':');
	unsigned int i;
	char sys[64];

	if (colon) {
		snprintf(sys, sizeof(sys), "%.*s", (int)(colon - name), name);
		return tlbr_vocab_find(sys, colon + 1);
	}
	if (!strncmp(name, "syscall_entry_", 14))
		return tlbr_vocab_find_syscall(name + 14, false);
	if (!strncmp(name, "syscall_exit_", 13))
		return tlbr_vocab_find_syscall(name + 13, true);
	for (i = 0; i < ARRAY_SIZE(lttng); i++)
		if (!strncmp(name, lttng[i].prefix, strlen(lttng[i].prefix)))
			return tlbr_vocab_find(*lttng[i].system ? lttng[i].system : NULL,
					       name + strlen(lttng[i].prefix));
	return tlbr_vocab_find(NULL, name);
}

static int stream_cpu(struct ctf_reader *c, const bt_stream *s, int cpu)
{
	const void *trace = bt_stream_borrow_trace_const(s);
	uint64_t id = bt_stream_get_id(s);
	unsigned int i;

	for (i = 0; i < c->nstreams; i++)
		if (c->streams[i].id == id && c->streams[i].trace == trace)
			break;
	if (i == c->nstreams) {
		struct stream_cpu *n = realloc(c->streams, (c->nstreams + 1) * sizeof(*n));

		if (!n)
			return cpu < 0 ? 0 : cpu;
		c->streams = n;
		c->streams[c->nstreams++] = (struct stream_cpu){ id, trace, cpu < 0 ? 0 : cpu };
	}
	if (cpu >= 0)
		c->streams[i].cpu = cpu;
	return c->streams[i].cpu;
}

static uint64_t snapshot_ns(const bt_clock_snapshot *cs)
{
	const bt_clock_class *cc = bt_clock_snapshot_borrow_clock_class_const(cs);
	uint64_t v = bt_clock_snapshot_get_value(cs), f = bt_clock_class_get_frequency(cc);

	if (f == 1000000000ULL || !f)
		return v;
	return (uint64_t)((unsigned __int128)v * 1000000000ULL / f);
}

static int convert_event(struct ctf_reader *c, const bt_message *m, struct tlbr_reader *r,
			 struct qrec *q)
{
	const bt_event *ev = bt_message_event_borrow_event_const(m);
	const bt_event_class *ec = bt_event_borrow_class_const(ev);
	const char *name = bt_event_class_get_name(ec);
	const bt_field *pc = NULL, *pl = bt_event_borrow_payload_field_const(ev);
	const bt_field *ctx = bt_event_borrow_common_context_field_const(ev);
	const bt_packet *pk = bt_event_borrow_packet_const(ev);
	const struct tlbr_evdef *def;
	struct tlbr_record *out = &q->rec;
	uint64_t v = 0;
	unsigned int i;
	int type, cpu = -1;

	memset(out, 0, sizeof(*out));
	if (!name)
		name = "?";
	if (pk)
		pc = bt_packet_borrow_context_field_const(pk);
	if (field_u64(member(pc, "cpu_id"), &v))
		cpu = (int)v;
	out->cpu = stream_cpu(c, bt_event_borrow_stream_const(ev), cpu);
	if (!c->env_checked) {	/* a trace that says how many CPUs there were */
		const bt_value *nc = bt_trace_borrow_environment_entry_value_by_name_const(
			bt_stream_borrow_trace_const(bt_event_borrow_stream_const(ev)),
			"nr_cpus_avail");

		if (nc && bt_value_get_type(nc) == BT_VALUE_TYPE_SIGNED_INTEGER &&
		    bt_value_integer_signed_get(nc) > 0 &&
		    bt_value_integer_signed_get(nc) <= TLBR_MAX_CPUS)
			r->ncpus = (int)bt_value_integer_signed_get(nc);
		c->env_checked = true;
	}
	if (out->cpu >= TLBR_MAX_CPUS) {
		tlbr_error_set(c->err, c->pos, 0, "an event on cpu %d (at most %d supported)",
			       out->cpu, TLBR_MAX_CPUS);
		return -EBADMSG;
	}
	if (!bt_message_event_borrow_stream_class_default_clock_class_const(m)) {
		tlbr_error_set(c->err, c->pos, 0, "events without timestamps (the stream has no "
			       "clock): cannot be replayed");
		return -EBADMSG;
	}
	out->ts_ns = snapshot_ns(bt_message_event_borrow_default_clock_snapshot_const(m));
	out->pos = c->pos++;
	out->pid = -1;
	if (field_u64(member(pl, "common_pid"), &v) || field_u64(member(ctx, "tid"), &v) ||
	    field_u64(member(ctx, "vtid"), &v) || field_u64(member(pl, "perf_tid"), &v))
		out->pid = (int)v;
	{
		const bt_field *pn = member(ctx, "procname");

		if (pn && bt_field_get_class_type(pn) == BT_FIELD_CLASS_TYPE_STRING) {
			snprintf(q->comm, sizeof(q->comm), "%s", bt_field_string_get_value(pn));
			out->comm = q->comm;
		}
	}
	def = find_def(name);
	type = def ? tlbr_typetab_intern(&r->types, def->name, strlen(def->name)) :
		     tlbr_typetab_intern(&r->types, name, strlen(name));
	if (type < 0)
		return -ENOMEM;
	out->type = (uint32_t)type;
	out->def = def;
	for (i = 0; def && i < def->nfields; i++) {
		const bt_field *f = payload_field(pl, def->fields[i].name);

		if (!f) {
			if (def->fields[i].optional)
				continue;
			tlbr_error_set(c->err, out->pos, 0, "event %s has no field '%s'", name,
				       def->fields[i].name);
			return -EBADMSG;
		}
		switch (def->fields[i].type) {
		case TLBR_F_STR:
			if (bt_field_get_class_type(f) != BT_FIELD_CLASS_TYPE_STRING)
				continue;
			snprintf(q->str[i], sizeof(q->str[i]), "%s", bt_field_string_get_value(f));
			out->str[i] = q->str[i];
			break;
		case TLBR_F_CPUMASK: {
			bt_field_class_type t = bt_field_get_class_type(f);
			uint64_t k, n, w;

			if (!bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_ARRAY))
				continue;
			n = bt_field_array_get_length(f);
			for (k = 0; k < n; k++) {
				const bt_field *el = bt_field_array_borrow_element_field_by_index_const(f, k);
				const bt_field_class *ecl = bt_field_borrow_class_const(el);

				if (!field_u64(el, &v))
					break;
				w = bt_field_class_integer_get_field_value_range(ecl);
				for (uint64_t b = 0; b < w && k * w + b < TLBR_MAX_CPUS; b++)
					if (v & (1ULL << b))
						tlbr_cpuset_set(&out->mask, (unsigned int)(k * w + b));
			}
			break;
		}
		default:
			if (!field_u64(f, &v))
				continue;
			out->val[i] = v;
			break;
		}
		out->have |= 1u << i;
	}
	return 0;
}

static int convert_discarded(struct ctf_reader *c, const bt_message *m, struct qrec *q)
{
	const bt_stream *s = bt_message_discarded_events_borrow_stream_const(m);
	struct tlbr_record *out = &q->rec;
	uint64_t n = 0;

	memset(out, 0, sizeof(*out));
	out->type = TLBR_TYPE_LOST;
	out->cpu = stream_cpu(c, s, -1);
	out->pid = -1;
	out->pos = c->pos;
	out->ts_ns = c->last_ts;
	if (bt_message_discarded_events_borrow_stream_class_default_clock_class_const(m))
		out->ts_ns = snapshot_ns(
			bt_message_discarded_events_borrow_end_default_clock_snapshot_const(m));
	out->missed = bt_message_discarded_events_get_count(m, &n) ==
			      BT_PROPERTY_AVAILABILITY_AVAILABLE && n ? (int64_t)n : -1;
	return 0;
}

static bt_graph_simple_sink_component_consume_func_status consume(bt_message_iterator *it,
								   void *data)
{
	struct tlbr_reader *r = data;
	struct ctf_reader *c = r->priv;
	bt_message_array_const msgs;
	uint64_t n, i;
	int ret = 0;

	switch (bt_message_iterator_next(it, &msgs, &n)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
		break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	default:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	c->qn = c->qi = 0;
	if (n > c->qalloc) {
		struct qrec *nq = realloc(c->q, n * sizeof(*nq));

		if (!nq)
			ret = -ENOMEM;
		else {
			c->q = nq;
			c->qalloc = (unsigned int)n;
		}
	}
	for (i = 0; i < n; i++) {
		const bt_message *m = msgs[i];
		bt_message_type t = bt_message_get_type(m);

		if (!ret && t == BT_MESSAGE_TYPE_EVENT)
			ret = convert_event(c, m, r, &c->q[c->qn++]);
		else if (!ret && t == BT_MESSAGE_TYPE_DISCARDED_EVENTS)
			ret = convert_discarded(c, m, &c->q[c->qn++]);
		bt_message_put_ref(m);
	}
	if (ret < 0) {
		c->failed = true;
		if (ret == -ENOMEM)
			return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

static int ctf_next(struct tlbr_reader *r, const struct tlbr_record **ret,
		    struct tlbr_error *err)
{
	struct ctf_reader *c = r->priv;

	c->err = err;
	while (c->qi == c->qn) {
		bt_graph_run_once_status st;

		if (c->ended)
			return 0;
		c->qn = c->qi = 0;
		st = bt_graph_run_once(c->graph);
		if (c->failed) {	/* ours: the graph's "consume failed" cause is not */
			bt_current_thread_clear_error();
			return -EBADMSG;
		}
		if (st == BT_GRAPH_RUN_ONCE_STATUS_END)
			c->ended = true;
		else if (st == BT_GRAPH_RUN_ONCE_STATUS_MEMORY_ERROR)
			return -ENOMEM;
		else if (st == BT_GRAPH_RUN_ONCE_STATUS_ERROR) {
			take_error(err, "babeltrace2 cannot read this CTF trace (corrupt metadata "
					"or stream?)");
			return -EBADMSG;
		}
	}
	r->rec = c->q[c->qi].rec;
	/* the strings live in the queue entry, which stays until the next batch */
	*ret = &c->q[c->qi++].rec;
	if ((*ret)->ts_ns < c->last_ts) {
		tlbr_error_set(err, (*ret)->pos, 0, "event %llu goes back in time", (unsigned long long)(*ret)->pos);
		return -EBADMSG;
	}
	c->last_ts = (*ret)->ts_ns;
	return 1;
}

static void ctf_close(struct tlbr_reader *r)
{
	struct ctf_reader *c = r->priv;

	if (!c)
		return;
	bt_graph_put_ref(c->graph);
	/* an error babeltrace2 left on the thread (the graph's teardown can add causes) */
	bt_current_thread_clear_error();
	free(c->q);
	free(c->streams);
	free(c);
	r->priv = NULL;
}

static const struct reader_ops ctf_ops = {
	.next = ctf_next,
	.close = ctf_close,
};

static int build_graph(struct tlbr_reader *r, struct ctf_reader *c, struct tlbr_error *err)
{
	const bt_plugin *ctf = NULL, *utils = NULL;
	const bt_component_filter *mux;
	const bt_component_sink *sink;
	uint64_t nin = 0, i;
	unsigned int k;
	int ret = -EBADMSG;

	if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, &ctf) !=
		    BT_PLUGIN_FIND_STATUS_OK ||
	    bt_plugin_find("utils", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, &utils) !=
		    BT_PLUGIN_FIND_STATUS_OK) {
		tlbr_error_set(err, UINT64_MAX, 0, "babeltrace2's ctf and utils plugins are not "
			       "installed (Debian: babeltrace2)");
		goto out;
	}
	c->graph = bt_graph_create(0);
	if (!c->graph)
		goto nomem;
	for (k = 0; k < c->ndirs; k++) {
		bt_value *params = bt_value_map_create(), *inputs;
		char name[32];
		int st;

		if (!params)
			goto nomem;
		if (bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ||
		    bt_value_array_append_string_element(inputs, c->dirs[k])) {
			bt_value_put_ref(params);
			goto nomem;
		}
		snprintf(name, sizeof(name), "src%u", k);
		st = bt_graph_add_source_component(c->graph,
			bt_plugin_borrow_source_component_class_by_name_const(ctf, "fs"), name,
			params, BT_LOGGING_LEVEL_NONE, &c->src[k]);
		bt_value_put_ref(params);
		if (st != BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
			char what[600];

			snprintf(what, sizeof(what), "babeltrace2 cannot open the CTF trace in %.500s",
				 c->dirs[k]);
			take_error(err, what);
			goto out;
		}
		c->nsrc++;
	}
	if (bt_graph_add_filter_component(c->graph,
		    bt_plugin_borrow_filter_component_class_by_name_const(utils, "muxer"), "mux", NULL,
		    BT_LOGGING_LEVEL_NONE, &mux) != BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
	    bt_graph_add_simple_sink_component(c->graph, "sink", NULL, consume, NULL, r, &sink) !=
		    BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		take_error(err, "babeltrace2 cannot build its graph");
		goto out;
	}
	for (k = 0; k < c->nsrc; k++)
		for (i = 0; i < bt_component_source_get_output_port_count(c->src[k]); i++)
			if (bt_graph_connect_ports(c->graph,
				    bt_component_source_borrow_output_port_by_index_const(c->src[k], i),
				    bt_component_filter_borrow_input_port_by_index_const(mux, nin++),
				    NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
				take_error(err, "babeltrace2 cannot connect a stream");
				goto out;
			}
	if (bt_graph_connect_ports(c->graph, bt_component_filter_borrow_output_port_by_index_const(mux, 0),
				   bt_component_sink_borrow_input_port_by_index_const(sink, 0), NULL) !=
	    BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
		take_error(err, "babeltrace2 cannot connect its sink");
		goto out;
	}
	/*
	 * One output port per stream, and a kernel trace has one stream per CPU
	 * (per channel): an upper bound of the CPU count, where the trace's
	 * environment does not say (see convert_event()).
	 */
	if (nin <= TLBR_MAX_CPUS)
		r->ncpus = (int)nin;
	ret = 0;
	goto out;
nomem:
	tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
	ret = -ENOMEM;
out:
	bt_plugin_put_ref(ctf);
	bt_plugin_put_ref(utils);
	return ret;
}

/*
 * Did perf data convert --to-ctf write the trace in @dir (its metadata's
 * environment says tracer_name = "perf")? Such a trace cannot say whether
 * perf lost events: the converter (tools/perf/util/data-convert-bt.c)
 * writes samples only, PERF_RECORD_LOST goes nowhere, and every packet's
 * events_discarded stays 0, so babeltrace2 reports no discarded events.
 * perf writes its metadata as plain TSDL; a packetized one (LTTng) is not
 * perf's.
 */
static bool written_by_perf(const char *dir)
{
	static const char key[] = "tracer_name = \"perf\";";
	char path[4096], *buf;
	bool found = false;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/metadata", dir);
	f = fopen(path, "r");
	if (!f)
		return false;
	buf = malloc(1 << 20);
	if (buf) {
		n = fread(buf, 1, (1 << 20) - 1, f);
		buf[n] = '\0';
		found = strstr(buf, key) != NULL;	/* in its env block */
		free(buf);
	}
	fclose(f);
	return found;
}

/*
 * babeltrace2 reads an empty stream file as a stream without packets: a
 * CPU whose data was lost would go unnoticed. A stream file holds at least
 * one packet, so an empty one is damage.
 */
static int check_streams(const char *dir, struct tlbr_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		tlbr_error_set(err, UINT64_MAX, 0, "cannot read the CTF trace directory %.400s: %s",
			       dir, strerror(errno));
		return -EBADMSG;
	}
	while (!ret && (de = readdir(d))) {
		char path[4096];
		struct stat st;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "metadata"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (!st.st_size) {
			tlbr_error_set(err, 0, 0, "the CTF stream file %.400s is empty (a stream "
				       "holds at least one packet): damaged CTF trace", path);
			ret = -EBADMSG;
		}
	}
	closedir(d);
	return ret;
}

int tlbr_ctf_reader_init(struct tlbr_reader *r, struct tlbr_error *err)
{
	struct ctf_reader *c = calloc(1, sizeof(*c));

	if (!c) {
		tlbr_error_set(err, UINT64_MAX, 0, "out of memory");
		return -ENOMEM;
	}
	r->priv = c;
	r->ops = &ctf_ops;
	find_all_traces(c, r->path);
	if (!c->ndirs) {
		tlbr_error_set(err, UINT64_MAX, 0, "a directory without a CTF 'metadata' file "
			       "anywhere below it: not a CTF trace");
		return -EBADMSG;
	}
	for (unsigned int k = 0; k < c->ndirs; k++) {
		if (check_streams(c->dirs[k], err) < 0 || tlbr_ctf_check_packets(c->dirs[k], err) < 0)
			return -EBADMSG;
		if (written_by_perf(c->dirs[k]))
			r->lost_unknown = "perf data convert --to-ctf does not carry perf's "
					  "lost-event records (PERF_RECORD_LOST)";
	}
	c->err = err;
	if (build_graph(r, c, err) < 0)
		return -EBADMSG;
	snprintf(r->desc, sizeof(r->desc), "CTF, %u trace%s", c->ndirs, c->ndirs == 1 ? "" : "s");
	return 0;
}
