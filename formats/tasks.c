// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tasks.c - task and address-space identity for the adapters.
 *
 * A task is one (pid, birth): a pid freed by sched_process_free and seen
 * again is a new task. Threads share their leader's mm; fork without
 * CLONE_VM and exec create new ones. Tasks older than the trace appear on
 * first sight with an mm of their own (the thread grouping of processes
 * that predate the trace is unknown without a maps snapshot).
 */
#include <errno.h>
#include <string.h>

#include "adapt-local.h"

static const char *const kthread_prefixes[] = {
	"swapper/", "kworker/", "ksoftirqd/", "migration/", "rcu_", "cpuhp/", "idle_inject/",
	"kswapd", "kcompactd", "khugepaged", "kthreadd", "watchdog/", "irq/", "jbd2/",
	"kauditd", "khungtaskd", "oom_reaper", "kblockd", "writeback", "ksmd", "kdevtmpfs",
	"scsi_", "kintegrityd", "kthrotld", "ecryptfs-kthrea", "xfsaild", "btrfs-", "pr/",
};

bool comm_is_kthread(const char *comm)
{
	unsigned int i;

	if (!comm)
		return false;
	for (i = 0; i < ARRAY_SIZE(kthread_prefixes); i++)
		if (!strncmp(comm, kthread_prefixes[i], strlen(kthread_prefixes[i])))
			return true;
	return false;
}

void task_set_comm(struct tlbr_task *t, const char *comm)
{
	if (comm && *comm && strcmp(comm, "<...>"))
		snprintf(t->comm, sizeof(t->comm), "%s", comm);
}

struct tlbr_task *task_by_id(struct tlbr_adapter *a, uint32_t id)
{
	return id && id <= a->ntasks ? &a->tasks[id - 1] : NULL;
}

struct tlbr_mm *mm_by_id(struct tlbr_adapter *a, uint32_t id)
{
	return id && id <= a->nmms ? &a->mms[id - 1] : NULL;
}

uint32_t mm_new(struct tlbr_adapter *a, int owner_pid, const char *comm, uint64_t ts,
		bool from_fork)
{
	struct tlbr_mm *m;

	if (a->nmms == a->mms_alloc) {
		unsigned int n = a->mms_alloc ? a->mms_alloc * 2 : 64;
		struct tlbr_mm *nm = realloc(a->mms, n * sizeof(*nm));

		if (!nm)
			return 0;
		a->mms = nm;
		a->mms_alloc = n;
	}
	m = &a->mms[a->nmms++];
	memset(m, 0, sizeof(*m));
	m->id = a->nmms;
	m->owner_pid = owner_pid;
	m->first_ns = m->last_ns = ts;
	m->from_fork = from_fork;
	if (comm)
		snprintf(m->comm, sizeof(m->comm), "%s", comm);
	return m->id;
}

static int pid_slot(struct tlbr_adapter *a, int pid)
{
	unsigned int n;
	uint32_t *np;

	if (pid < 0 || pid > PID_LIMIT)
		return -EINVAL;
	if ((unsigned int)pid < a->pid_alloc)
		return 0;
	n = a->pid_alloc ? a->pid_alloc : 4096;
	while (n <= (unsigned int)pid)
		n *= 2;
	np = realloc(a->pid_task, n * sizeof(*np));
	if (!np)
		return -ENOMEM;
	memset(np + a->pid_alloc, 0, (n - a->pid_alloc) * sizeof(*np));
	a->pid_task = np;
	a->pid_alloc = n;
	return 0;
}

void task_unmap_pid(struct tlbr_adapter *a, struct tlbr_task *t)
{
	if (t->pid >= 0 && (unsigned int)t->pid < a->pid_alloc && a->pid_task[t->pid] == t->id)
		a->pid_task[t->pid] = 0;
}

/* A new task for @pid, replacing any live one (pid reuse). */
struct tlbr_task *task_new(struct tlbr_adapter *a, int pid, const char *comm, uint64_t ts)
{
	struct tlbr_task *t;

	if (pid_slot(a, pid) < 0)
		return NULL;
	if (a->ntasks == a->tasks_alloc) {
		unsigned int n = a->tasks_alloc ? a->tasks_alloc * 2 : 256;
		struct tlbr_task *nt = realloc(a->tasks, n * sizeof(*nt));

		if (!nt)
			return NULL;
		a->tasks = nt;
		a->tasks_alloc = n;
	}
	t = &a->tasks[a->ntasks++];
	memset(t, 0, sizeof(*t));
	t->id = a->ntasks;
	t->pid = pid;
	t->tgid = pid;
	t->first_ns = t->last_ns = ts;
	task_set_comm(t, comm);
	a->pid_task[pid] = t->id;
	return t;
}

/* The live task for @pid, created on first sight. NULL for impossible pids or ENOMEM. */
struct tlbr_task *task_get(struct tlbr_adapter *a, int pid, const char *comm, uint64_t ts)
{
	struct tlbr_task *t;

	if (pid_slot(a, pid) < 0)
		return NULL;
	t = task_by_id(a, a->pid_task[pid]);
	if (t) {
		t->last_ns = ts;
		if (!t->comm[0])
			task_set_comm(t, comm);
		return t;
	}
	t = task_new(a, pid, comm, ts);
	if (!t)
		return NULL;
	/* First sight of a task older than the trace. */
	t->kthread = pid == 0 || pid == 2 || comm_is_kthread(comm);
	if (!t->kthread) {
		uint32_t tid = t->id, mm = mm_new(a, pid, t->comm, ts, false);

		if (!mm)
			return NULL;
		t = task_by_id(a, tid);
		t->mm = mm;
		mm_by_id(a, mm)->nthreads = 1;
	}
	return t;
}
