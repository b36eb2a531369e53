// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util-scope.c - counting filters: --comm, --pid (with descendants), --time
 * (see scope.h). The replay sees every event; the counts it makes while an
 * event is replayed belong to that event, and are kept when the event is in
 * scope: the commands copy the replay's counters at every change of scope
 * and add up the stretches in scope.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "scope.h"

static void add_desc(struct scope_opts *o, const char *key, const char *arg)
{
	size_t n = strlen(o->desc);

	snprintf(o->desc + n, sizeof(o->desc) - n, "%s%s=%s", n ? " " : "", key, arg);
}

/* "1.5" seconds into @ret_ns; "" leaves it. */
static int parse_seconds(const char *s, size_t len, uint64_t *ret_ns)
{
	char buf[64], *end;
	double v;

	if (!len)
		return 0;
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtod(buf, &end);
	if (*end || !isfinite(v) || v < 0 || v > 1e9)
		return -1;
	*ret_ns = (uint64_t)llround(v * 1e9);
	return 0;
}

int scope_option(struct scope_opts *o, int c, const char *arg)
{
	const char *p = arg;
	char *end;

	switch (c) {
	case OPT_S_COMM:
		while (*p) {
			size_t n = strcspn(p, ",");

			if (!n || n > 15 || o->ncomm == SCOPE_MAX_ITEMS) {
				error("--comm takes up to %d comma-separated commands of at most 15 "
				      "characters, not '%s'", SCOPE_MAX_ITEMS, arg);
				return -1;
			}
			snprintf(o->comm[o->ncomm++], 16, "%.*s", (int)n, p);
			p += n + (p[n] == ',');
		}
		break;
	case OPT_S_PID:
		while (*p) {
			long v = strtol(p, &end, 10);

			if (end == p || (*end && *end != ',') || v <= 0 || v > 4194304 ||
			    o->npid == SCOPE_MAX_ITEMS) {
				error("--pid takes up to %d comma-separated process ids, not '%s'",
				      SCOPE_MAX_ITEMS, arg);
				return -1;
			}
			o->pid[o->npid++] = (int)v;
			p = *end ? end + 1 : end;
		}
		break;
	case OPT_S_TIME: {
		size_t n = strcspn(arg, ",");

		o->from_ns = 0;
		o->to_ns = UINT64_MAX;
		if (!arg[n] || parse_seconds(arg, n, &o->from_ns) < 0 ||
		    parse_seconds(arg + n + 1, strlen(arg + n + 1), &o->to_ns) < 0 ||
		    o->to_ns <= o->from_ns) {
			error("--time takes START,END in seconds from the trace's first event "
			      "(either may be empty), not '%s'", arg);
			return -1;
		}
		o->has_time = true;
		break;
	}
	case OPT_S_SYSTEM:
		o->system = true;
		return 1;
	default:
		return 0;
	}
	add_desc(o, c == OPT_S_COMM ? "comm" : c == OPT_S_PID ? "pid" : "time", arg);
	return 1;
}

static bool workload_default(struct scope_opts *o, const char *meta)
{
	char pid_s[24], name[64];
	long pid;

	if (o->system || scope_active(o) ||
	    !tlbr_metadata_get(meta, "workload_pid", pid_s, sizeof(pid_s)))
		return false;
	pid = strtol(pid_s, NULL, 10);
	if (pid <= 0 || pid > 4194304)
		return false;
	if (!tlbr_metadata_get(meta, "workload", name, sizeof(name)))
		snprintf(name, sizeof(name), "?");
	o->pid[0] = (int)pid;
	o->npid = 1;
	o->workload = true;
	snprintf(o->desc, sizeof(o->desc), "the recorded workload, %s pid=%ld (--system counts "
		 "every process)", name, pid);
	return true;
}

bool scope_follow_metadata(struct scope_opts *o, const char *meta, size_t *seen)
{
	size_t n = *seen + strlen(meta + *seen);

	if (n == *seen)
		return false;
	*seen = n;
	return workload_default(o, meta);
}

void scope_help_options(FILE *f)
{
	fprintf(f, "        --comm <list>       count only tasks with these commands\n"
		   "        --pid <list>        count only these processes and their descendants\n"
		   "        --time <s>,<e>      count only events from s to e seconds into the\n"
		   "                            trace (the replay always sees everything)\n"
		   "        --system            count every process; by default a trace that\n"
		   "                            'record -- CMD' wrote counts CMD's processes\n");
}

void scope_init(struct scope *s, const struct scope_opts *o, const struct tlbr_adapter *a)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	s->adapter = a;
}

void scope_release(struct scope *s)
{
	free(s->pid_memo);
	free(s->acc);
	free(s->accp);
	free(s->snap);
	s->pid_memo = NULL;
	s->acc = NULL;
	s->accp = NULL;
	s->snap = NULL;
}

/* Is task @id (or an ancestor) one of --pid's processes? */
static bool pid_in(struct scope *s, uint32_t id)
{
	const struct tlbr_task *t = tlbr_adapter_task(s->adapter, id);
	unsigned int i, depth;
	bool in = false;

	if (!t)
		return false;
	if (id >= s->memo_alloc) {
		unsigned int n = s->memo_alloc ? s->memo_alloc : 256;
		signed char *m;

		while (n <= id)
			n *= 2;
		m = realloc(s->pid_memo, n);
		if (!m)
			die("out of memory");
		memset(m + s->memo_alloc, 0, n - s->memo_alloc);
		s->pid_memo = m;
		s->memo_alloc = n;
	}
	if (s->pid_memo[id])
		return s->pid_memo[id] > 0;
	/* the parent chain: a task's ancestry does not change */
	for (depth = 0; t && !in && depth < 4096; depth++) {
		for (i = 0; i < s->o->npid; i++)
			in |= t->pid == s->o->pid[i] || t->tgid == s->o->pid[i];
		if (!in && t->parent && t->parent < s->memo_alloc && s->pid_memo[t->parent]) {
			in = s->pid_memo[t->parent] > 0;
			break;
		}
		t = t->parent ? tlbr_adapter_task(s->adapter, t->parent) : NULL;
	}
	s->pid_memo[id] = in ? 1 : -1;
	return in;
}

/*
 * Is task @id in --comm's and --pid's scope? O(1) once the task's answer is
 * memoised (--pid alone: a task's id, pid and ancestry do not change, so
 * pid_in()'s memo is the answer); O(commands) with --comm, O(depth of its
 * ancestry) the first time.
 */
static bool task_in(struct scope *s, uint32_t id)
{
	const struct tlbr_task *t;
	unsigned int i;
	bool in;

	if (!s->o->ncomm && !s->o->npid)
		return true;
	if (!s->o->ncomm && id < s->memo_alloc && s->pid_memo[id])
		return s->pid_memo[id] > 0;
	t = tlbr_adapter_task(s->adapter, id);
	if (!t || t->pid == 0)
		return false;
	if (s->o->ncomm) {
		for (i = 0, in = false; i < s->o->ncomm && !in; i++)
			in = !strncmp(t->comm, s->o->comm[i], 16);
		if (!in)
			return false;
	}
	return !s->o->npid || pid_in(s, id);
}

static bool time_in(const struct scope *s, uint64_t ts)
{
	uint64_t rel = ts - s->first_ns;

	return !s->o->has_time || (rel >= s->o->from_ns && rel < s->o->to_ns);
}

/* CPU time of task @id on a CPU from @a to @b, within the window, if in scope. */
static void add_cpu(struct scope *s, uint32_t id, uint64_t a, uint64_t b)
{
	const struct tlbr_task *t = tlbr_adapter_task(s->adapter, id);
	uint64_t lo = s->first_ns + s->o->from_ns, hi = s->first_ns + s->o->to_ns;

	if (!t || t->pid == 0 || !task_in(s, id))
		return;
	if (s->o->has_time) {
		if (s->o->to_ns == UINT64_MAX || hi < s->first_ns)
			hi = UINT64_MAX;
		a = a > lo ? a : lo;
		b = b < hi ? b : hi;
	}
	if (b > a)
		s->cpu_ns += b - a;
}

bool scope_event(struct scope *s, const struct tlbr_event *ev)
{
	int cpu = ev->cpu;
	bool in;

	if (!s->started) {
		s->started = true;
		s->first_ns = ev->ts_ns;
	}
	if (ev->ts_ns > s->last_ns)
		s->last_ns = ev->ts_ns;
	if (cpu >= 0 && cpu < TLBR_MAX_CPUS) {
		if (ev->kind == TLBR_EV_SWITCH) {
			if (s->cur_known[cpu])
				add_cpu(s, s->cur_task[cpu], s->cur_since[cpu], ev->ts_ns);
			s->cur_task[cpu] = ev->sw.next_task;
			s->cur_since[cpu] = ev->ts_ns;
			s->cur_known[cpu] = true;
		} else if (!s->cur_known[cpu] && ev->task) {	/* running when the trace began */
			s->cur_task[cpu] = ev->task;
			s->cur_since[cpu] = ev->ts_ns;
			s->cur_known[cpu] = true;
		}
	}
	in = time_in(s, ev->ts_ns) && (ev->task ? task_in(s, ev->task) :
					!s->o->ncomm && !s->o->npid);
	if (in) {
		if (!s->any_in)
			s->first_in_ns = ev->ts_ns;
		s->any_in = true;
		s->last_in_ns = ev->ts_ns;
	}
	return in;
}

bool scope_note(struct scope *s, const struct tlbr_note *n)
{
	if (!s->started)
		return true;
	return time_in(s, n->ts_ns) && (n->task ? task_in(s, n->task) :
					!s->o->ncomm && !s->o->npid);
}

/* The counters of a result, in a fixed order: the policies' then the trace's. */
#define PCOUNTERS(X)								\
	X(flush_points) X(broadcasts) X(local) X(skipped) X(deferred) X(syncs)	\
	X(pending_syncs)								\
	X(merged) X(table_syncs) X(ipis) X(switch_flushes) X(avoidable)		\
	X(stale_ro) X(stale_sound) X(stale_unused) X(spurious_predicted) X(upgraded) X(unsafe) X(maybe_broadcasts)
#define RCOUNTERS(X)								\
	X(write_faults_present) X(unexplained) X(write_faults_lost) X(spurious_observed)	\
	X(cow_breaks) X(reuses) X(reuses_user) X(cow_breaks_user) X(real_ipis) X(real_ipi_flushes)		\
	X(asid_rollovers) X(real_tlbi_is) X(contpte_reuses) X(contpte_dirty) X(huge_reuses) X(batch_pending_implied) \
	X(huge_mapped) X(huge_alloc_unpaired) X(unchecked_flushes)
#define ONE(f) + 1
#define NPC (0 PCOUNTERS(ONE) + 2 * TLBR_SITE__COUNT + TLBR_AVOID__COUNT + TLBR_OP__COUNT + 1)
#define NRC (0 RCOUNTERS(ONE) + TLBR_SITE__COUNT)

/* Copy the counters of @r into @v (NPC per policy, then NRC); nfindings is one. */
static void counters(const struct tlbr_replay_result *r, uint64_t *v)
{
	unsigned int i, k;

	for (i = 0; i < r->npolicies; i++) {
		const struct tlbr_policy_result *p = &r->policy[i];

#define GET(f) *v++ = p->f;
		PCOUNTERS(GET)
#undef GET
		for (k = 0; k < TLBR_SITE__COUNT; k++)
			*v++ = p->flushes[k];
		for (k = 0; k < TLBR_SITE__COUNT; k++)
			*v++ = p->maybe[k];
		for (k = 0; k < TLBR_AVOID__COUNT; k++)
			*v++ = p->avoidable_by[k];
		for (k = 0; k < TLBR_OP__COUNT; k++)
			*v++ = p->ops[k];
		*v++ = p->nfindings;
	}
#define GET(f) *v++ = r->f;
	RCOUNTERS(GET)
#undef GET
	for (k = 0; k < TLBR_SITE__COUNT; k++)
		*v++ = r->real_tlbi_ops[k];
}

/* Add @live minus @snap to @acc: the counts of one stretch in scope. */
static void accumulate(struct tlbr_replay_result *acc, struct tlbr_policy_result *accp,
		       const struct tlbr_replay_result *live, const uint64_t *snap)
{
	const uint64_t *v = snap;
	unsigned int i, k;

	for (i = 0; i < live->npolicies; i++) {
		const struct tlbr_policy_result *p = &live->policy[i];
		struct tlbr_policy_result *a = &accp[i];
		unsigned int from;

#define ADD(f) a->f += p->f - *v++;
		PCOUNTERS(ADD)
#undef ADD
		for (k = 0; k < TLBR_SITE__COUNT; k++)
			a->flushes[k] += p->flushes[k] - *v++;
		for (k = 0; k < TLBR_SITE__COUNT; k++)
			a->maybe[k] += p->maybe[k] - *v++;
		for (k = 0; k < TLBR_AVOID__COUNT; k++)
			a->avoidable_by[k] += p->avoidable_by[k] - *v++;
		for (k = 0; k < TLBR_OP__COUNT; k++)
			a->ops[k] += p->ops[k] - *v++;
		/* the counterexamples found while the stretch was replayed */
		for (from = (unsigned int)*v++; from < p->nfindings; from++)
			if (a->nfindings < TLBR_MAX_FINDINGS)
				a->findings[a->nfindings++] = p->findings[from];
	}
#define ADD(f) acc->f += live->f - *v++;
	RCOUNTERS(ADD)
#undef ADD
	for (k = 0; k < TLBR_SITE__COUNT; k++)
		acc->real_tlbi_ops[k] += live->real_tlbi_ops[k] - *v++;
}

int scope_count(struct scope *s, const struct tlbr_replay_result *live, bool in)
{
	if (!scope_active(s->o) || !live)
		return 0;
	if (!s->snap) {
		s->nsnap = live->npolicies * NPC + NRC;
		s->snap = calloc(s->nsnap, sizeof(*s->snap));
		s->acc = calloc(1, sizeof(*s->acc));
		s->accp = calloc(live->npolicies ? live->npolicies : 1, sizeof(*s->accp));
		if (!s->snap || !s->acc || !s->accp)
			return -ENOMEM;
		s->live = live;
		s->cur_in = false;
		counters(live, s->snap);
	}
	if (in == s->cur_in)
		return 0;
	if (s->cur_in)
		accumulate(s->acc, s->accp, live, s->snap);
	counters(live, s->snap);
	s->cur_in = in;
	return 0;
}

const struct tlbr_replay_result *scope_result(struct scope *s)
{
	const struct tlbr_replay_result *live = s->live;
	struct tlbr_replay_result *r;
	unsigned int i;

	if (!s->acc)
		return NULL;
	if (s->cur_in)
		accumulate(s->acc, s->accp, live, s->snap);
	s->cur_in = false;
	counters(live, s->snap);
	/* the models and names of the live result, the counts of the events in scope */
	r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	*r = *live;
	for (i = 0; i < live->npolicies; i++) {
		struct tlbr_policy_result *a = &s->accp[i];
		struct tlbr_policy_result p = live->policy[i];

#define SET(f) p.f = a->f;
		PCOUNTERS(SET)
#undef SET
		memcpy(p.flushes, a->flushes, sizeof(p.flushes));
		memcpy(p.maybe, a->maybe, sizeof(p.maybe));
		memcpy(p.avoidable_by, a->avoidable_by, sizeof(p.avoidable_by));
		memcpy(p.ops, a->ops, sizeof(p.ops));
		p.nfindings = a->nfindings;
		memcpy(p.findings, a->findings, a->nfindings * sizeof(p.findings[0]));
		*a = p;
	}
	r->policy = s->accp;	/* freed by scope_release() */
#define SET(f) r->f = s->acc->f;
	RCOUNTERS(SET)
#undef SET
	memcpy(r->real_tlbi_ops, s->acc->real_tlbi_ops, sizeof(r->real_tlbi_ops));
	free(s->acc);
	s->acc = r;
	return r;
}

uint64_t scope_cpu_ns(struct scope *s)
{
	unsigned int cpu;

	for (cpu = 0; cpu < TLBR_MAX_CPUS; cpu++)
		if (s->cur_known[cpu]) {
			add_cpu(s, s->cur_task[cpu], s->cur_since[cpu], s->last_ns);
			s->cur_since[cpu] = s->last_ns;
		}
	return s->cpu_ns;
}
