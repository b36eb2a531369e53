/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * formats.h - trace readers (one per file format) and the vocabulary
 * adapter that turns their raw records into the normalised event stream
 * of tlbr-event.h.
 *
 * Library code: functions return 0 / a positive count or a negative errno
 * and describe bad input in a struct tlbr_error; they never print or exit.
 */
#ifndef TLBR_FORMATS_H
#define TLBR_FORMATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tlbr.h"
#include "tlbr-event.h"

/* ---------------------------------------------------------------- vocabulary */

enum tlbr_format {
	TLBR_FMT_AUTO,
	TLBR_FMT_DAT,		/* trace.dat (v6, v7, compressed), through libtracecmd */
	TLBR_FMT_TEXT,		/* ftrace text: tracefs 'trace' file or 'trace-cmd report' output */
	TLBR_FMT_PERF,		/* perf.data (file mode), tracepoint samples */
	TLBR_FMT_CTF,		/* a CTF trace directory (perf data convert, LTTng), babeltrace2 */
};

enum tlbr_field_type {
	TLBR_F_NUM,		/* integer (signed values are sign-extended to 64 bits) */
	TLBR_F_STR,		/* char array or __data_loc string */
	TLBR_F_SYM,		/* kernel pointer: the symbol name when it can be resolved */
	TLBR_F_CPUMASK,		/* __data_loc cpumask_t: into record->mask */
	TLBR_F_HEX,		/* integer that text renders as %lx, without 0x */
	/*
	 * integer flags that text renders by name (__print_flags: gfp_flags
	 * "GFP_TRANSHUGE|__GFP_THISNODE"): the value where the trace has it,
	 * else 0 and the names in record->str
	 */
	TLBR_F_FLAGS,
};

/* record->type of a lost-events marker (missed holds the count). */
#define TLBR_TYPE_LOST UINT32_MAX

/* Raw events the adapters understand. */
enum tlbr_raw_id {
	TLBR_RAW_TLB_FLUSH,
	TLBR_RAW_PAGE_FAULT_USER,
	TLBR_RAW_IPI_SEND_CPU,
	TLBR_RAW_IPI_SEND_CPUMASK,
	TLBR_RAW_SCHED_SWITCH,
	TLBR_RAW_SCHED_MIGRATE_TASK,
	TLBR_RAW_SCHED_WAKEUP,
	TLBR_RAW_SCHED_WAKEUP_NEW,
	TLBR_RAW_PROCESS_FORK,
	TLBR_RAW_PROCESS_EXEC,
	TLBR_RAW_PROCESS_EXIT,
	TLBR_RAW_PROCESS_FREE,
	TLBR_RAW_TASK_NEWTASK,
	TLBR_RAW_TASK_RENAME,
	TLBR_RAW_EXIT_MMAP,
	TLBR_RAW_MIGRATE_PAGES_START,
	TLBR_RAW_MIGRATE_PAGES,
	TLBR_RAW_SET_MIGRATION_PTE,
	TLBR_RAW_REMOVE_MIGRATION_PTE,
	TLBR_RAW_DIRECT_RECLAIM_BEGIN,
	TLBR_RAW_DIRECT_RECLAIM_END,
	TLBR_RAW_PRINT,
	TLBR_RAW_VMAP_ALLOC,
	TLBR_RAW_VMAP_PURGE,
	TLBR_RAW_PAGE_FAULT_KERNEL,
	TLBR_RAW_PAGE_ALLOC,
	TLBR_RAW_CSD_QUEUE,
	TLBR_RAW_CSD_FUNC_ENTRY,
	TLBR_RAW_WAKE_IDLE_NO_IPI,
	/* arm64 kprobes of tlbreplay record (system "tlbr", see adapt-arm64.c) */
	TLBR_RAW_A64_FAULT,
	TLBR_RAW_A64_SET_ACCESS,
	TLBR_RAW_A64_SET_ACCESS_RET,
	TLBR_RAW_A64_CLEAR_FLUSH,
	TLBR_RAW_A64_GATHER_FLUSH,
	TLBR_RAW_A64_GATHER_END,
	TLBR_RAW_A64_GATHER_BEGIN,
	TLBR_RAW_A64_GATHER_END_RET,
	TLBR_RAW_A64_CHPROT,
	TLBR_RAW_A64_CHPROT_RET,
	TLBR_RAW_A64_FORK_MM,
	TLBR_RAW_A64_MOVE_PT,
	TLBR_RAW_A64_MOVE_PT_RET,
	TLBR_RAW_A64_UNMAP_ONE,
	TLBR_RAW_A64_MIGRATE_ONE,
	TLBR_RAW_A64_UBC_PENDING,
	TLBR_RAW_A64_UNMAP_FLUSH,
	TLBR_RAW_A64_BATCH_PENDING,
	TLBR_RAW_A64_PMD_UNSHARE,
	TLBR_RAW_A64_ASID_ROLLOVER,
	TLBR_RAW_A64_ZAP_VMA,
	TLBR_RAW_A64_THP,
	TLBR_RAW_A64_THP_RET,
	TLBR_RAW_A64_RMAP_ADD,
	TLBR_RAW_A64_AGE_YOUNG,
	TLBR_RAW_A64_CONTPTE,
	TLBR_RAW_A64_UFFD_MOVE,
	TLBR_RAW_A64_UFFD_MOVE_RET,
	TLBR_RAW_A64_MADVISE,
	TLBR_RAW_A64_MADVISE_RET,
	TLBR_RAW_A64_MAP_PTES,
	TLBR_RAW_A64_TLBI,
	TLBR_RAW_SYS_ENTER,
	TLBR_RAW_SYS_EXIT,
	TLBR_RAW__COUNT
};

#define TLBR_MAX_FIELDS 7

struct tlbr_fielddef {
	const char *name;
	enum tlbr_field_type type;
	bool optional;		/* absent in some kernels or text renderings */
	const char *text;	/* the name the print format uses, when it differs */
};

/* What replay needs of an event: the one scale for record's plan and stat's readiness. */
enum tlbr_need {
	TLBR_NEED_REQUIRED,	/* replay cannot work without it */
	TLBR_NEED_RECOMMENDED,	/* replay works, with a named loss */
	TLBR_NEED_OPTIONAL,
	TLBR_NEED_NOT_RECORDED,	/* read when a trace has it, never enabled by record */
};

/* One known event: its name, what it means and the fields adapters read. */
struct tlbr_evdef {
	const char *system;
	const char *name;
	enum tlbr_raw_id id;
	int sysnr;			/* enum tlbr_syscall for TLBR_RAW_SYS_*, else -1 */
	enum tlbr_need need;		/* what replay needs of it (record's plan, readiness) */
	const char *arch;		/* the plan enables it only on this machine (uname -m) */
	const char *without;		/* what replay loses without it */
	unsigned int nfields;
	struct tlbr_fielddef fields[TLBR_MAX_FIELDS];
	const char *filter;		/* record enables it with this filter (tracefs syntax) */
};

/* Find a known event by system and name; @system may be NULL (text traces). */
/* The need of @system:@event, -1 when the vocabulary does not list it. */
int tlbr_vocab_need_of(const char *system, const char *event);

const struct tlbr_evdef *tlbr_vocab_find(const char *system, const char *name);
/* Find a syscall event by the name the tracefs 'trace' file prints (sys_mmap). */
const struct tlbr_evdef *tlbr_vocab_find_syscall(const char *sysname, bool is_exit);
unsigned int tlbr_vocab_count(void);
const struct tlbr_evdef *tlbr_vocab_get(unsigned int i);

/* ---------------------------------------------------------------- readers */

/*
 * A raw record as a reader yields it. Pointers stay valid until the next
 * call of tlbr_reader_next() on the same reader.
 */
struct tlbr_record {
	uint64_t ts_ns;
	uint64_t pos;			/* byte offset of the record in the file */
	uint64_t line;			/* text inputs: 1-based line number */
	int cpu;
	int pid;			/* common_pid */
	const char *comm;		/* the task's command as the trace shows it, or NULL */
	uint32_t type;			/* reader-local dense event-type index */
	const struct tlbr_evdef *def;	/* NULL: an event no adapter reads */
	int64_t missed;			/* events lost on this CPU just before: >0 count, -1 unknown */
	uint32_t have;			/* bit i set: field i of def was found */
	uint64_t val[TLBR_MAX_FIELDS];
	const char *str[TLBR_MAX_FIELDS];
	struct tlbr_cpuset mask;
};

struct tlbr_reader;

/**
 * tlbr_reader_open - open a trace file and detect its format by content
 * @path: the file
 * @fmt: TLBR_FMT_AUTO, or a format to force
 * @err: filled in on failure
 *
 * Returns a reader to be closed with tlbr_reader_close(), or NULL with
 * errno set (-ENOENT and friends for I/O errors, EBADMSG for bad input).
 */
struct tlbr_reader *tlbr_reader_open(const char *path, enum tlbr_format fmt,
				     struct tlbr_error *err);
/**
 * tlbr_reader_open_stream - read an ftrace text trace from an open stream
 * @f: the stream; the reader does not close it
 * @name: what error messages call it
 */
struct tlbr_reader *tlbr_reader_open_stream(FILE *f, const char *name, struct tlbr_error *err);
/**
 * tlbr_reader_next - the next record in timestamp order
 *
 * Returns 1 and sets *@rec, 0 at the end, or a negative errno (-EBADMSG for
 * malformed input, described in @err).
 */
int tlbr_reader_next(struct tlbr_reader *r, const struct tlbr_record **rec,
		     struct tlbr_error *err);
void tlbr_reader_close(struct tlbr_reader *r);

enum tlbr_format tlbr_reader_format(const struct tlbr_reader *r);
const char *tlbr_format_name(enum tlbr_format fmt);
int tlbr_format_parse(const char *name, enum tlbr_format *ret_fmt);
/* Description of the file: "trace.dat v7 (zstd), 2 buffers" or "ftrace text". */
const char *tlbr_reader_describe(const struct tlbr_reader *r);
/* CPUs the file declares (0 if it does not say). */
int tlbr_reader_ncpus(const struct tlbr_reader *r);
/*
 * Why the file cannot say whether the tracer lost events (a CTF trace perf
 * data convert wrote: PERF_RECORD_LOST is not converted), NULL when it can:
 * no lost-event marker then means none were lost. Known from the open.
 */
const char *tlbr_reader_lost_unknown(const struct tlbr_reader *r);
/* Event types seen so far: index -> "system:name" (system may be empty). */
unsigned int tlbr_reader_ntypes(const struct tlbr_reader *r);
/*
 * Does the file define @system:@name (trace.dat and perf.data keep the formats of the
 * events that were enabled, whether or not they occurred)? false also when the format
 * cannot tell (ftrace text, CTF): the event is then "not known to be recorded".
 */
bool tlbr_reader_declares(const struct tlbr_reader *r, const char *system, const char *name);
void tlbr_reader_type(const struct tlbr_reader *r, unsigned int type, const char **ret_system,
		      const char **ret_name);

/* ---------------------------------------------------------------- adapter */

/* A task as the adapter knows it: one per (pid, birth). */
struct tlbr_task {
	uint32_t id;			/* index + 1 */
	int pid, tgid;
	uint32_t mm;			/* current mm identity; 0 for kernel threads */
	uint32_t parent;		/* task id of the parent, 0 if older than the trace */
	char comm[16];
	uint64_t first_ns, last_ns;
	bool kthread;
	bool exited, freed;
	bool seen_birth;		/* forked inside the trace */
	bool mremap_shrunk;		/* the mremap in progress flushed its cut tail (x86) */
	bool fresh;			/* forked inside the trace, not yet back in user space
					 * (no syscall entry, no user fault of its own) */
	bool fork_traced;		/* its sched_process_fork was seen (task_newtask first) */
	bool exec_done;			/* sched_process_exec seen in the execve in progress */

	/* adapter context (site inference) */
	int in_sys;			/* enum tlbr_syscall + 1 while inside one, else 0 */
	uint64_t sys_args[6];
	uint64_t sys_enter_ns;
	uint64_t fault_addr;		/* last user fault, while it is the task's context */
	uint64_t fault_error;
	bool in_fault;
	bool fault_huge;		/* its fault's huge-page allocation was seen (x86), or
					 * the fault is arm64's (thp probes, not allocations) */
	bool migrating;			/* between mm_migrate_pages_start and mm_migrate_pages */
	bool reclaiming;		/* inside direct reclaim (vmscan begin/end) */
	/* arm64 probes: an entry probe waiting for its return probe */
	uint64_t a64_addr, a64_start, a64_end;
	bool a64_dirty;
	/*
	 * contpte_ptep_set_access_flags()'s access/dirty loop: the next of its
	 * 16 __ptep_set_access_flags(dirty 0) calls expected, and how many seen
	 */
	uint64_t a64_cont_next;
	unsigned int a64_cont_n;
	bool a64_uffd;		/* in move_pages (UFFDIO_MOVE): the probe stood for the ioctl */
	bool a64_madv;		/* in do_madvise outside a madvise syscall: the probe stood for one */
	uint64_t a64_thp_addr, a64_thp_mm;	/* a huge fault in progress (thp_fault) */
	uint64_t a64_unmap_page;	/* try_to_unmap_one's page, until its ptep_clear_flush */
	/* the rmap walk the task is in: 1 try_to_unmap_one, 2 try_to_migrate_one, 0 none seen */
	uint8_t a64_rmap;
	uint64_t a64_migrate_addr;	/* try_to_migrate_one's address + 1, until a split of it */
	/* the flush site of the function probe the task is in (TLBI attribution) */
	int a64_ctx_site;		/* enum tlbr_site + 1, 0 none */
	/*
	 * a contpte_convert inside another flushing function (ptep_clear_flush
	 * of a COW): that function's a64_ctx_site + 1, given back to the first
	 * TLBI outside contpte_convert; 0 none
	 */
	int a64_ctx_resume;
	bool a64_sys_flushed;		/* a gather of this munmap/madvise already stood for it */
	bool a64_fullmm;		/* its last zap_vma was of a fullmm gather (exit_mmap) */
	/* tlb_finish_mmu's gather, when its tlb_flush_mmu may still be probed */
	uint64_t a64_gend_mm, a64_gend_start, a64_gend_end;
	/* an mmu_gather it is in, as far as its zap_vma showed (tlbr_mm.gathers_open) */
	uint32_t a64_gather_mm;		/* the mm's id, 0 none */
	/*
	 * the mm of the gather whose tlb_finish_mmu it was probed entering and
	 * may still be in: until its next record
	 */
	uint32_t a64_tail_mm;
	bool a64_tail_out;		/* ... and was switched out since (tlbr_mm.gathers_tail) */
};

/* An address space: one per fork without CLONE_VM, exec, or first sight. */
struct tlbr_mm {
	uint32_t id;			/* index + 1 */
	int owner_pid;			/* the thread-group leader that created it */
	char comm[16];
	uint64_t first_ns, last_ns;
	unsigned int nthreads;		/* tasks that ever ran in it */
	bool torn_down;
	bool from_fork;			/* created by fork inside the trace (vs. first sight / exec) */
	uint64_t kptr;			/* the kernel's struct mm_struct pointer, when a probe said */
	/*
	 * tasks between a zap_vma and the tlb_finish_mmu of the same gather
	 * (tlb_flush_pending counts them: mm_tlb_flush_nested, adapt-arm64.c)
	 */
	unsigned int gathers_open;
	/*
	 * tasks switched out past their gather's tlb_finish_mmu probe, before
	 * their next record: maybe before its dec_tlb_flush_pending
	 * (tlbr_task.a64_tail_mm, a64_tail_out)
	 */
	unsigned int gathers_tail;
};

struct tlbr_adapter;

/* Returns a new adapter for tlbr_adapter_free(), or NULL (ENOMEM). */
struct tlbr_adapter *tlbr_adapter_new(void);
void tlbr_adapter_free(struct tlbr_adapter *a);

#define TLBR_ADAPT_MAX_OUT 4

/**
 * tlbr_adapter_feed - turn one raw record into normalised events
 * @out: room for TLBR_ADAPT_MAX_OUT events
 * @err: filled in for a record that cannot be right (an impossible pid)
 *
 * Returns the number of events written to @out (0 for records that carry
 * nothing for replay), -EBADMSG or -ENOMEM.
 */
int tlbr_adapter_feed(struct tlbr_adapter *a, const struct tlbr_record *rec,
		      struct tlbr_event *out, struct tlbr_error *err);

unsigned int tlbr_adapter_ntasks(const struct tlbr_adapter *a);
const struct tlbr_task *tlbr_adapter_task(const struct tlbr_adapter *a, uint32_t id);
unsigned int tlbr_adapter_nmms(const struct tlbr_adapter *a);
/* What `tlbreplay record` wrote about the machine ("arch=x86_64 ..."), or "". */
const char *tlbr_adapter_metadata(const struct tlbr_adapter *a);
unsigned int tlbr_adapter_lpa2(const struct tlbr_adapter *a);
/* arm64: the broadcast TLBI census sites the kernel refused a kprobe for (into @buf). */
unsigned int tlbr_adapter_census_unprobed(const struct tlbr_adapter *a, char *buf, size_t n);
/*
 * The value of @key (arch, page_size, cpus, cpu_model, kernel, virtualised,
 * recorder, plan_missing, workload_pid, workload: include/tlbr-markers.h) in
 * that metadata, into @buf (truncated to @n); NULL if the recorder did not
 * write it.
 */
const char *tlbr_metadata_get(const char *metadata, const char *key, char *buf, size_t n);
/*
 * The recording shows MGLRU off (lru_gen=none, or caps without
 * LRU_GEN_CORE, bit 0): false where it is on or the trace does not say.
 */
bool tlbr_metadata_lru_gen_off(const char *metadata);
/*
 * The recording shows DAMON on (damon=on: a kdamond's state reads "on"):
 * its access checks clear Access flags untraced (damon_ptep_mkold(),
 * damon_pmdp_mkold(): ptep_clear_young_notify(), no flush).
 */
bool tlbr_metadata_damon_on(const char *metadata);
/* The trace so far showed DAMON's kdamond.N switched in or out (sched_switch). */
bool tlbr_adapter_kdamond_seen(const struct tlbr_adapter *a);
const struct tlbr_mm *tlbr_adapter_mm(const struct tlbr_adapter *a, uint32_t id);

/* ---------------------------------------------------------------- stream */

/*
 * The normalised event stream of a trace: a reader and the adapter behind
 * it. What commands, tests and fuzzers use instead of their own read loop.
 */
struct tlbr_stream;

/*
 * Called around every call into a reader (and so into libtracecmd,
 * libtraceevent or babeltrace2), never around the adapter or the caller's
 * own work: a crash guard armed only while a trace library runs.
 */
struct tlbr_guard {
	void (*enter)(void *ctx);
	void (*leave)(void *ctx);
	void *ctx;
};

/**
 * tlbr_stream_open - open a trace (a path, or "-" for standard input)
 * @guard: NULL, or the calls to make around the reader
 *
 * Returns the stream for tlbr_stream_close(), or NULL with errno and @err set.
 */
struct tlbr_stream *tlbr_stream_open(const char *path, enum tlbr_format fmt,
				     const struct tlbr_guard *guard, struct tlbr_error *err);
/* An ftrace text trace from an open stream (not closed by the stream). */
struct tlbr_stream *tlbr_stream_open_text(FILE *f, const char *name, struct tlbr_error *err);
/**
 * tlbr_stream_next_record - the next raw record and the normalised events it
 * makes (@ret_n of them, maybe 0)
 *
 * Returns 1, 0 at the end, or a negative errno (-EBADMSG: bad input, in @err).
 * Record and events stay valid until the next call.
 */
int tlbr_stream_next_record(struct tlbr_stream *s, const struct tlbr_record **ret_rec,
			    const struct tlbr_event **ret_evs, unsigned int *ret_n,
			    struct tlbr_error *err);
/* The next normalised event: 1, 0 at the end, or a negative errno. */
int tlbr_stream_next(struct tlbr_stream *s, const struct tlbr_event **ret_ev,
		     struct tlbr_error *err);
/* The raw record the last event came from. */
const struct tlbr_record *tlbr_stream_record(const struct tlbr_stream *s);
/**
 * tlbr_stream_read_ahead - from the next record on, read in a thread of its own
 *
 * The reader (libtracecmd, perf.data, CTF, text) then decodes batches of
 * records ahead while the caller works on the last ones; the caller's thread
 * still feeds the adapter, so records, events and the adapter's tasks and
 * address spaces are the same, at the same points, as without. The reader's
 * own answers (tlbr_reader_ncpus, _declares, _type) may then be ahead of the
 * records handed out: ask them before, or after the end. If the thread
 * cannot be started the stream goes on reading in the caller's thread.
 */
void tlbr_stream_read_ahead(struct tlbr_stream *s);
struct tlbr_reader *tlbr_stream_reader(const struct tlbr_stream *s);
struct tlbr_adapter *tlbr_stream_adapter(const struct tlbr_stream *s);
void tlbr_stream_close(struct tlbr_stream *s);

/* Parse an unsigned or negative integer in C syntax (0x.., decimal, -1). */
int tlbr_parse_u64(const char *s, const char **ret_end, uint64_t *ret_val);
/* Parse a CPU list "0-3,6" or a hex mask "0x3" into @set. */
int tlbr_parse_cpulist(const char *s, size_t len, struct tlbr_cpuset *set);

#endif /* TLBR_FORMATS_H */
