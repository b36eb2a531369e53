// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * active-cpu - seed 001, "[PATCH v2] arm64: tlbflush: Don't broadcast if mm
 * was only active on local cpu" (Ryan Roberts / Linu Cherian, reviewed by
 * Will Deacon): mm->context.active_cpu is the one CPU that has switched to
 * the mm since its ASID was allocated, or MULTIPLE. A user flush issued on
 * that CPU is local (TLBI without IS, DSB NSH) inside migrate_disable() and
 * migrate_enable(), after a dsb(ish) where dsb(ishst) was enough before (the
 * speculative read of active_cpu said local); any other is left to the next
 * component (today's broadcast by default).
 *
 * Costs the thread asks about are counted: the migrate_disable/enable pairs
 * and the upgraded barriers. An ASID rollover (tlbr:asid_roll) resets
 * active_cpu of every mm that gets a new ASID; an mm loaded on some CPU at
 * the rollover keeps its reserved ASID and its state. Lazy kernel threads
 * do not switch mm, as in the patch.
 */
#include <string.h>

#include "../policy.h"

#define UNKNOWN -3	/* not seen yet: its history decides (view_mm_born) */
#define NONE_YET -1
#define MULTIPLE -2

struct active_state {
	int *cpu;		/* per mm id */
	uint32_t n;
	bool rolled;		/* an ASID rollover happened: mms seen since have a new ASID */
};

static int *slot(struct active_state *s, uint32_t mm)
{
	if (mm >= s->n) {
		uint32_t n = s->n ? s->n : 256, i;
		int *nc;

		while (n <= mm)
			n *= 2;
		nc = realloc(s->cpu, n * sizeof(*nc));
		if (!nc)
			return NULL;
		for (i = s->n; i < n; i++)
			nc[i] = UNKNOWN;
		s->cpu = nc;
		s->n = n;
	}
	return &s->cpu[mm];
}

static void on_switch(struct replay *r, struct policy *pl, int cpu, uint32_t mm)
{
	struct active_state *s = tlbr_policy_state(pl, &tlbr_policy_active_cpu);
	int *a;

	a = mm && s ? slot(s, mm) : NULL;
	if (!a)
		return;
	if (*a == UNKNOWN)	/* older than the trace: it may have run anywhere */
		*a = tlbr_view_mm_born(r, mm) || s->rolled ? NONE_YET : MULTIPLE;
	if (*a == NONE_YET)
		*a = cpu;
	else if (*a != cpu)
		*a = MULTIPLE;
}

static void on_rollover(struct replay *r, struct policy *pl, const uint32_t *kept,
			unsigned int nkept)
{
	struct active_state *s = tlbr_policy_state(pl, &tlbr_policy_active_cpu);
	unsigned int i;
	uint32_t mm;

	(void)r;
	if (s)
		s->rolled = true;
	for (mm = 0; s && mm < s->n; mm++) {
		for (i = 0; i < nkept && kept[i] != mm; i++)
			;
		if (i == nkept)
			s->cpu[mm] = NONE_YET;
	}
}

static bool decide(struct replay *r, struct policy *pl, const struct flushreq *q,
		   struct decision *d)
{
	struct active_state *s = tlbr_policy_state(pl, &tlbr_policy_active_cpu);

	if (!s)
		return false;
	/* exec: the new mm, switched in on this CPU with a fresh ASID */
	if (q->site == TLBR_SITE_EXEC && q->real == TLBR_EXEC_LOCAL) {
		d->kind = D_LOCAL;
		d->upgrade = true;
		return true;
	}
	if (!q->mm || q->opaque || q->mm >= s->n || s->cpu[q->mm] != q->cpu)
		return false;
	/*
	 * a thread the trace does not show (a pid filter, lost events) may run
	 * the mm elsewhere: its switch_mm there made active_cpu MULTIPLE
	 */
	for (int c = 0; c < tlbr_view_ncpus(r); c++)
		if (c != q->cpu && tlbr_view_running(r, q->mm, c)) {
			s->cpu[q->mm] = MULTIPLE;
			return false;
		}
	d->kind = D_LOCAL;
	d->upgrade = true;
	return true;
}

static void free_state(void *state)
{
	free(((struct active_state *)state)->cpu);
}

const struct policy_ops tlbr_policy_active_cpu = {
	.name = "active-cpu",
	.summary = "seed 001: local flush when the mm has only run on this CPU",
	.state_size = sizeof(struct active_state),
	.decide = decide,
	.on_switch = on_switch,
	.on_rollover = on_rollover,
	.free_state = free_state,
	.migrate_every_flush = true,
};
