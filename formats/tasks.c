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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt-local.h"

static const char *const kthread_prefixes[] = {
	"swapper/", "kworker/", "ksoftirqd/", "migration/", "rcu_", "cpuhp/", "idle_inject/",
	"kswapd", "kcompactd", "khugepaged", "kthreadd", "watchdog/", "irq/", "jbd2/",
	"kauditd", "khungtaskd", "oom_reaper", "kblockd", "writeback", "ksmd", "kdevtmpfs",
	"scsi_", "kintegrityd", "kthrotld", "ecryptfs-kthrea", "xfsaild", "btrfs-", "pr/",
};

bool tlbr_comm_is_kthread(const char *comm)
{
	unsigned int i;

	if (!comm)
		return false;
	for (i = 0; i < ARRAY_SIZE(kthread_prefixes); i++)
		if (!strncmp(comm, kthread_prefixes[i], strlen(kthread_prefixes[i])))
			return true;
	return false;
}

void tlbr_task_set_comm(struct tlbr_task *t, const char *comm)
{
	if (comm && *comm && strcmp(comm, "<...>"))
		snprintf(t->comm, sizeof(t->comm), "%s", comm);
}

/* The element @id (1-based) of @n in blocks of ADAPT_BLOCK elements of @size bytes. */
static void *slot_of(void *const *blocks, uint32_t id, unsigned int n, size_t size)
{
	if (!id || id > n)
		return NULL;
	return (char *)blocks[(id - 1) / ADAPT_BLOCK] + (size_t)((id - 1) % ADAPT_BLOCK) * size;
}

/* Room for element @n + 1 (zeroed): a new block when the last one is full. */
static void *slot_new(void ***blocks, unsigned int n, size_t size)
{
	if (n % ADAPT_BLOCK == 0) {
		void **nb = realloc(*blocks, (n / ADAPT_BLOCK + 1) * sizeof(*nb));

		if (!nb)
			return NULL;
		*blocks = nb;
		nb[n / ADAPT_BLOCK] = calloc(ADAPT_BLOCK, size);
		if (!nb[n / ADAPT_BLOCK])
			return NULL;
	}
	return (char *)(*blocks)[n / ADAPT_BLOCK] + (size_t)(n % ADAPT_BLOCK) * size;
}

static void blocks_free(void **blocks, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < (n + ADAPT_BLOCK - 1) / ADAPT_BLOCK; i++)
		free(blocks[i]);
	free(blocks);
}

void tlbr_adapt_tasks_release(struct tlbr_adapter *a)
{
	blocks_free(a->task_blocks, a->ntasks);
	blocks_free(a->mm_blocks, a->nmms);
	free(a->pid_task);
}

struct tlbr_task *tlbr_task_by_id(const struct tlbr_adapter *a, uint32_t id)
{
	return slot_of(a->task_blocks, id, a->ntasks, sizeof(struct tlbr_task));
}

struct tlbr_mm *tlbr_mm_by_id(const struct tlbr_adapter *a, uint32_t id)
{
	return slot_of(a->mm_blocks, id, a->nmms, sizeof(struct tlbr_mm));
}

uint32_t tlbr_mm_new(struct tlbr_adapter *a, int owner_pid, const char *comm, uint64_t ts,
		     bool from_fork)
{
	struct tlbr_mm *m = slot_new(&a->mm_blocks, a->nmms, sizeof(*m));

	if (!m)
		return 0;
	a->nmms++;
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

void tlbr_task_unmap_pid(struct tlbr_adapter *a, struct tlbr_task *t)
{
	if (t->pid >= 0 && (unsigned int)t->pid < a->pid_alloc && a->pid_task[t->pid] == t->id)
		a->pid_task[t->pid] = 0;
}

/* A new task for @pid, replacing any live one (pid reuse). */
struct tlbr_task *tlbr_task_new(struct tlbr_adapter *a, int pid, const char *comm, uint64_t ts)
{
	struct tlbr_task *t;

	if (pid_slot(a, pid) < 0)
		return NULL;
	t = slot_new(&a->task_blocks, a->ntasks, sizeof(*t));
	if (!t)
		return NULL;
	a->ntasks++;
	memset(t, 0, sizeof(*t));
	t->id = a->ntasks;
	t->pid = pid;
	t->tgid = pid;
	t->first_ns = t->last_ns = ts;
	tlbr_task_set_comm(t, comm);
	a->pid_task[pid] = t->id;
	return t;
}

/* The live task for @pid, created on first sight. NULL for impossible pids or ENOMEM. */
struct tlbr_task *tlbr_task_get(struct tlbr_adapter *a, int pid, const char *comm, uint64_t ts)
{
	struct tlbr_task *t;

	if (pid_slot(a, pid) < 0)
		return NULL;
	t = tlbr_task_by_id(a, a->pid_task[pid]);
	if (t) {
		t->last_ns = ts;
		if (!t->comm[0])
			tlbr_task_set_comm(t, comm);
		return t;
	}
	t = tlbr_task_new(a, pid, comm, ts);
	if (!t)
		return NULL;
	/* First sight of a task older than the trace. */
	t->kthread = pid == 0 || pid == 2 || tlbr_comm_is_kthread(comm);
	if (!t->kthread) {
		uint32_t mm = tlbr_mm_new(a, pid, t->comm, ts, false);

		if (!mm)
			return NULL;
		t->mm = mm;
		tlbr_mm_by_id(a, mm)->nthreads = 1;
	}
	return t;
}
