/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scope.h - counting filters (--comm, --pid, --time): which events the
 * tables count. The replay always sees every event (residency and the page
 * tables would be wrong otherwise); a count belongs to the event being
 * replayed when it changed, and is kept when that event is in scope.
 */
#ifndef TLBR_SCOPE_H
#define TLBR_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "formats.h"
#include "replay.h"

#define SCOPE_MAX_ITEMS 16

enum { OPT_S_COMM = 640, OPT_S_PID, OPT_S_TIME, OPT_S_SYSTEM };

#define SCOPE_CLI_OPTIONS						\
	{ "comm", required_argument, NULL, OPT_S_COMM },		\
	{ "pid", required_argument, NULL, OPT_S_PID },			\
	{ "time", required_argument, NULL, OPT_S_TIME },		\
	{ "system", no_argument, NULL, OPT_S_SYSTEM }

struct scope_opts {
	char comm[SCOPE_MAX_ITEMS][16];
	unsigned int ncomm;
	int pid[SCOPE_MAX_ITEMS];
	unsigned int npid;
	bool has_time;
	uint64_t from_ns, to_ns;	/* relative to the first event; to_ns UINT64_MAX: end */
	char desc[256];			/* "comm=a pid=1 time=0.5,2" or "" */
	bool system;			/* --system: not the recorded workload by default */
	bool workload;			/* the scope is the recorded workload's (no option) */
};

/*
 * Handle option @c if it is one of SCOPE_CLI_OPTIONS: 1 handled, 0 not
 * ours, -1 after the usage error is reported.
 */
int scope_option(struct scope_opts *o, int c, const char *arg);
/* Does a filter (--comm, --pid, --time, or the recorded workload) narrow the counts? O(1). */
static inline bool scope_active(const struct scope_opts *o)
{
	return o && (o->ncomm || o->npid || o->has_time);
}
/*
 * Without --comm, --pid, --time or --system, a trace `tlbreplay record --
 * CMD` wrote is counted for its workload's process tree: when the
 * recorder's metadata @meta names it (workload_pid=), make that the scope,
 * say so in o->desc and return true. Call per event until it returns true
 * (or not at all when the user gave a scope): it looks at the metadata only
 * when it grew since *@seen (the recorder writes it before the workload
 * starts), so it costs nothing per event.
 */
bool scope_follow_metadata(struct scope_opts *o, const char *meta, size_t *seen);
void scope_help_options(FILE *f);

/* One trace's counting scope. */
struct scope {
	const struct scope_opts *o;
	const struct tlbr_adapter *adapter;
	uint64_t first_ns, last_ns;
	bool started;
	signed char *pid_memo;		/* per task id: 1 in, -1 out, 0 unknown */
	unsigned int memo_alloc;
	/* CPU time of the tasks in scope (non-idle, switch to switch) */
	uint32_t cur_task[TLBR_MAX_CPUS];
	uint64_t cur_since[TLBR_MAX_CPUS];
	bool cur_known[TLBR_MAX_CPUS];
	uint64_t cpu_ns;
	uint64_t first_in_ns, last_in_ns;	/* the span of the events in scope */
	bool any_in;
	/* the counts of the replay, kept for the events in scope */
	const struct tlbr_replay_result *live;
	struct tlbr_replay_result *acc;	/* the trace's counters; then the result */
	struct tlbr_policy_result *accp;	/* the policies' counters */
	uint64_t *snap;			/* the counts when the current stretch began */
	unsigned int nsnap;
	bool cur_in;			/* the current stretch of events is in scope */
};

void scope_init(struct scope *s, const struct scope_opts *o, const struct tlbr_adapter *a);
void scope_release(struct scope *s);
/* Is @ev in scope? Also accounts CPU time; call once per event, in order. */
bool scope_event(struct scope *s, const struct tlbr_event *ev);
/* Is a note (of the event being replayed) in scope? */
bool scope_note(struct scope *s, const struct tlbr_note *n);
/* Follow @live's counts: call before the replay sees each event, with its scope. */
int scope_count(struct scope *s, const struct tlbr_replay_result *live, bool in);
/*
 * Does scope_count() look at the live result for an event whose scope is
 * @in (its first call, or the scope changes)? When not, it does nothing, and
 * the live result (the policies' summaries) need not be made. O(1).
 */
static inline bool scope_count_due(const struct scope *s, bool in)
{
	return !s->snap || in != s->cur_in;
}
/* The counts of the events in scope (the live result when nothing is filtered). */
const struct tlbr_replay_result *scope_result(struct scope *s);
/* CPU time (ns) the tasks in scope ran, within the time window. */
uint64_t scope_cpu_ns(struct scope *s);

#endif /* TLBR_SCOPE_H */
