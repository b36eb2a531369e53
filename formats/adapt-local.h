/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * adapt-local.h - state shared by the vocabulary adapters.
 */
#ifndef TLBR_ADAPT_LOCAL_H
#define TLBR_ADAPT_LOCAL_H

#include "formats.h"

#define PID_LIMIT 4194304	/* the kernel's PID_MAX_LIMIT */

struct adapt_cpu {
	uint32_t cur_task;	/* running task (from sched_switch), 0 unknown */
	uint32_t op_task;	/* task whose x86 shootdown is in progress here, 0 none */
	bool op_batch;		/* it is arch_tlbbatch_flush: no mm (batched reclaim) */
	uint64_t ipi_from;	/* CPUs (< 64) whose shootdown IPI here is not answered yet */
	/*
	 * CPUs (< 64) the shootdown in progress here queued flush_tlb_func()
	 * on (csd:csd_queue_cpu), not yet told delivered without an IPI
	 */
	uint64_t csd_flush;
	/*
	 * the csd of the sched_ttwu_pending() this CPU entered
	 * (csd_function_entry), whose sched_wakeup names its wakee, 0 none
	 */
	uint64_t wake_csd;
};

/*
 * A wake-list csd: the wakee's &p->wake_entry (__ttwu_queue_wakelist()),
 * learnt where sched_ttwu_pending() traced its sched_wakeup: the task it
 * names while that task lives
 */
#define WAKE_CSDS 1024
struct wake_csd {
	uint64_t csd;
	uint32_t task;
};

/*
 * Tasks and mms are kept in blocks of ADAPT_BLOCK that never move: a
 * pointer to one stays valid while others are created (tasks.c).
 */
#define ADAPT_BLOCK 256

struct tlbr_adapter {
	void **task_blocks;	/* struct tlbr_task [ADAPT_BLOCK] each; id N is slot N - 1 */
	unsigned int ntasks;
	void **mm_blocks;	/* struct tlbr_mm [ADAPT_BLOCK] each */
	unsigned int nmms;
	uint32_t *pid_task;	/* pid -> live task id */
	unsigned int pid_alloc;
	struct adapt_cpu cpu[TLBR_MAX_CPUS];
	bool idle_switches;	/* a switch from the idle task was seen (see on_wakeup) */
	bool kdamond_seen;	/* a switch to or from DAMON's kdamond.N was seen (on_switch) */
	bool csd_traced;	/* a csd:csd_queue_cpu record was seen (on_csd) */
	struct wake_csd wake_csds[WAKE_CSDS];	/* open addressing by csd */
	/*
	 * the recording traced each mmu_gather from tlb_gather_mmu to
	 * tlb_finish_mmu's return (metadata gathers=traced): 1 yes, 0 no, -1
	 * not looked up yet
	 */
	int gathers_traced;
	unsigned int lpa2;	/* arm64: TLBR_LPA2_* its user PTEs show (ubc_pending's pte) */
	char metadata[1024];	/* "tlbreplay-meta" markers of the recorder */
	/* arm64: the recording's TLBI census ("tlbreplay-tlbi" markers), by site number */
	struct census_site {
		char op[16];
		char function[64];
		char callee[64];	/* op "call": the notrace copy it calls */
		bool broadcast;
		bool known;
		bool refused;		/* the kernel refused its kprobe: its TLBIs not seen */
		char at[48];		/* function+offset, as the census line gives it */
		/*
		 * a call the kernel refused, probed after it (record/census.c,
		 * after_call()): a flush only where x30 is this (its return address)
		 */
		uint64_t ret_want;
	} *census;
	unsigned int ncensus;
	/*
	 * what arch_flush_tlb_batched_pending does (enum tlbr_pend_how + 1,
	 * 0 not worked out yet): the census shows whether it has a TLBI
	 */
	int pend_how;
	/* per CPU: the census function of the last record if it was a TLBI */
	const char *cpu_last_tlbi[TLBR_MAX_CPUS];
};

/* tasks.c */
struct tlbr_task *tlbr_task_get(struct tlbr_adapter *a, int pid, const char *comm, uint64_t ts);
struct tlbr_task *tlbr_task_new(struct tlbr_adapter *a, int pid, const char *comm, uint64_t ts);
struct tlbr_task *tlbr_task_by_id(const struct tlbr_adapter *a, uint32_t id);
void tlbr_wake_csd_put(struct tlbr_adapter *a, uint64_t csd, uint32_t task);
uint32_t tlbr_wake_csd_get(const struct tlbr_adapter *a, uint64_t csd);
void tlbr_wake_csd_forget(struct tlbr_adapter *a, uint32_t task);
uint32_t tlbr_mm_new(struct tlbr_adapter *a, int owner_pid, const char *comm, uint64_t ts,
		     bool from_fork);
void tlbr_task_unmap_pid(struct tlbr_adapter *a, struct tlbr_task *t);
void tlbr_task_set_comm(struct tlbr_task *t, const char *comm);
struct tlbr_mm *tlbr_mm_by_id(const struct tlbr_adapter *a, uint32_t id);
void tlbr_adapt_tasks_release(struct tlbr_adapter *a);
bool tlbr_comm_is_kthread(const char *comm);

/* adapt.c: an event of @kind for @rec, in task @t's context (NULL: none) */
void tlbr_adapt_ev_init(struct tlbr_event *ev, enum tlbr_ev_kind kind,
			const struct tlbr_record *rec, const struct tlbr_task *t);

/* adapt-arm64.c */
int tlbr_adapt_census_line(struct tlbr_adapter *a, const char *line);
int tlbr_adapt_arm64(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_task *t,
		     struct tlbr_event *out);
void tlbr_adapt_gather_close(struct tlbr_adapter *a, struct tlbr_task *t);
void tlbr_adapt_gather_tail_end(struct tlbr_adapter *a, struct tlbr_task *t);

/* adapt-x86.c */
int tlbr_adapt_x86(struct tlbr_adapter *a, const struct tlbr_record *rec, struct tlbr_task *t,
		   struct tlbr_event *out);
/* The flush site of a flush issued by @t, from what it is doing (x86 and arm64 alike). */
void tlbr_adapt_infer_site(const struct tlbr_task *t, struct tlbr_ev_flush *f, bool prot_known);

#endif /* TLBR_ADAPT_LOCAL_H */
