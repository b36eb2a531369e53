// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-text.c - the ftrace text reader on hand-written traces, record by
 * record, in both the tracefs 'trace' format and 'trace-cmd report' output.
 */
#include <errno.h>
#include <stdio.h>

#include "formats.h"
#include "../tap.h"

static struct tlbr_reader *open_str(const char *text, FILE **ret_f)
{
	struct tlbr_error err = { 0 };
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	*ret_f = f;
	return tlbr_reader_open_stream(f, "test", &err);
}

static const char *type_name(struct tlbr_reader *r, const struct tlbr_record *rec)
{
	const char *sys, *name;

	tlbr_reader_type(r, rec->type, &sys, &name);
	return name;
}

static void test_trace_file(void)
{
	static const char text[] =
		"# tracer: nop\n"
		"#\n"
		"# entries-in-buffer/entries-written: 8/8   #P:4\n"
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		"#              | |         |   |||||     |         |\n"
		"            bash-1234    [001] d..2.  1425.637652: tlb_flush: pages:1 reason:local mm shootdown (3)\n"
		" kworker/0:1 H-99     [000] .....  1425.637700: page_fault_user: address=0x7f0000001000 ip=0x401000 error_code=0x7\n"
		"  my-prog-x-4321 [002] .....  1425.700000: sys_mprotect(start: 0x7f0000000000, len: 0x2000, prot: 1)\n"
		"  my-prog-x-4321 [002] .....  1425.700001: sys_mprotect -> 0xfffffffffffffff4\n"
		"CPU:3 [LOST 17 EVENTS]\n"
		"            bash-1234    [003] d..2.  1425.800000: sched_switch: prev_comm=bash prev_pid=1234 prev_prio=120 prev_state=S ==> next_comm=swapper/3 next_pid=0 next_prio=120\n"
		"            bash-1234    [003] d..2.  1425.800001: ipi_send_cpumask: cpumask=0-1,3 callsite=on_each_cpu_cond_mask+0x20/0x40 callback=generic_smp_call_function_single_interrupt+0x0/0x10\n"
		"            bash-1234    [003] .....  1425.800002: some_unknown_event: foo=1\n"
		"   migrate-9 (    9) [001] .....  1425.900000: set_migration_pte: addr=7f00deadb000, pte=8000000123, order=0\n"
		"       tlbreplay-7    [000] .....  1425.900001: tracing_mark_write: tlbreplay-meta v1 arch=x86_64 cpus=4\n";
	const struct tlbr_record *rec;
	struct tlbr_error err = { 0 };
	struct tlbr_reader *r;
	FILE *f;

	r = open_str(text, &f);
	ok(r != NULL, "trace file: opens");
	if (!r)
		return;
	is_int(tlbr_reader_next(r, &rec, &err), 1, "record 1");
	is_u64(rec->ts_ns, 1425637652000ULL, "timestamp in ns");
	is_int(rec->cpu, 1, "cpu");
	is_int(rec->pid, 1234, "pid");
	is_str(rec->comm, "bash", "comm");
	is_str(type_name(r, rec), "tlb_flush", "event name");
	ok(rec->def && rec->def->id == TLBR_RAW_TLB_FLUSH, "known event");
	is_u64(rec->val[0], 3, "reason from the symbolic value");
	is_u64(rec->val[1], 1, "pages");
	is_int(rec->line, 6, "line number");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "record 2");
	is_str(rec->comm, "kworker/0:1 H", "comm with a space");
	is_int(rec->pid, 99, "pid");
	is_u64(rec->val[0], 0x7f0000001000ULL, "fault address");
	is_u64(rec->val[1], 0x401000, "fault ip");
	is_u64(rec->val[2], 7, "error code");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "record 3");
	is_str(rec->comm, "my-prog-x", "comm with dashes");
	is_str(type_name(r, rec), "sys_enter_mprotect", "syscall entry renamed as trace-cmd does");
	ok(rec->def && rec->def->id == TLBR_RAW_SYS_ENTER && rec->def->sysnr == TLBR_SYS_MPROTECT,
	   "mprotect entry");
	is_u64(rec->val[0], 0x7f0000000000ULL, "start");
	is_u64(rec->val[1], 0x2000, "len");
	is_u64(rec->val[2], 1, "prot");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "record 4");
	is_str(type_name(r, rec), "sys_exit_mprotect", "syscall exit");
	is_int((int64_t)rec->val[0], -12, "negative return value");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "record 5: lost events");
	ok(rec->type == TLBR_TYPE_LOST, "lost marker");
	is_int(rec->cpu, 3, "lost on cpu 3");
	is_int(rec->missed, 17, "17 lost");
	is_u64(rec->ts_ns, 1425800000000ULL, "at the time of the record after the gap");
	is_int(rec->line, 10, "the marker's line");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "record 6");
	is_int(rec->line, 11, "the record after the gap");
	is_str(rec->str[0], "bash", "prev_comm");
	is_int(rec->val[1], 1234, "prev_pid");
	is_u64(rec->val[2], 1, "prev_state S");
	is_str(rec->str[3], "swapper/3", "next_comm");
	is_int(rec->val[4], 0, "next_pid");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "record 7");
	ok(tlbr_cpuset_test(&rec->mask, 0) && tlbr_cpuset_test(&rec->mask, 1) &&
	   !tlbr_cpuset_test(&rec->mask, 2) && tlbr_cpuset_test(&rec->mask, 3),
	   "cpumask 0-1,3");
	is_str(rec->str[1], "on_each_cpu_cond_mask+0x20/0x40", "callsite symbol");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "record 8");
	ok(rec->def == NULL, "unknown event has no definition");
	is_str(type_name(r, rec), "some_unknown_event", "but is counted by name");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "record 9: tgid column");
	is_int(rec->pid, 9, "pid before the tgid column");
	is_u64(rec->val[0], 0x7f00deadb000ULL, "hex field printed without 0x");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "record 10: a trace marker");
	is_str(type_name(r, rec), "print", "named as trace-cmd names it");
	is_str(rec->str[0], "tlbreplay-meta v1 arch=x86_64 cpus=4", "its whole text");

	is_int(tlbr_reader_next(r, &rec, &err), 0, "end of trace");
	is_int(tlbr_reader_ncpus(r), 4, "#P:4 gives the CPU count");
	tlbr_reader_close(r);
	fclose(f);
}

static void test_report_output(void)
{
	static const char text[] =
		"cpus=2\n"
		"inst_a:           bash-1234  [001]  1425.637652: sched_switch:         bash:1234 [120] R+ ==> foo bar:77 [120]\n"
		"inst_a: comm with: colon-55  [000]  1425.637653: sys_enter_munmap:     addr: 0x7f0000000000, len: 0x00001000\n"
		"inst_a:           bash-1234  [001]  1425.637654: sys_exit_munmap:      0x0\n"
		"inst_a:           bash-1234  [001]  1425.637655123: tlb_flush:            pages=-1 reason= (4)\n"
		"inst_a:           bash-1234  [001]  1425.637656: task_newtask:         pid=1300 comm=bash clone_flags=3d0f00 oom_score_adj=0\n"
		"inst_a:           <idle>-0     [001]  1425.637657: sched_wakeup:         foo bar:77 [120] CPU:003\n"
		"inst_a:        tlbreplay-7     [000]  1425.637658: print:                tracing_mark_write: tlbreplay-maps 42 400000-401000 r-xp 00000000 08:01 1 /bin/x\n"
		"CPU:1 [12 EVENTS DROPPED]\n"
		"CPU:0 [EVENTS DROPPED]\n";
	const struct tlbr_record *rec;
	struct tlbr_error err = { 0 };
	struct tlbr_reader *r;
	FILE *f;

	r = open_str(text, &f);
	if (!ok(r != NULL, "report output: opens"))
		return;
	is_int(tlbr_reader_next(r, &rec, &err), 1, "switch record");
	is_str(rec->comm, "bash", "instance prefix stripped");
	is_str(rec->str[0], "bash", "plugin format: prev comm");
	is_int(rec->val[1], 1234, "plugin format: prev pid");
	is_u64(rec->val[2], 0x100, "R+ is preempted while runnable");
	is_str(rec->str[3], "foo bar", "plugin format: next comm with a space");
	is_int(rec->val[4], 77, "plugin format: next pid");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "munmap entry");
	is_str(rec->comm, "comm with: colon", "comm keeps its colon");
	is_u64(rec->val[1], 0x1000, "zero-padded hex length");
	is_int(tlbr_reader_next(r, &rec, &err), 1, "munmap exit");
	is_u64(rec->val[0], 0, "return value without a key");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "tlb_flush");
	is_u64(rec->ts_ns, 1425637655123ULL, "nanosecond timestamps");
	is_u64(rec->val[0], 4, "reason with an empty symbol");
	is_u64(rec->val[1], UINT64_MAX, "pages -1");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "task_newtask");
	is_u64(rec->val[2], 0x3d0f00, "clone_flags are hex");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "sched_wakeup");
	is_str(rec->str[0], "foo bar", "plugin format: woken comm");
	is_int(rec->val[1], 77, "plugin format: woken pid");
	is_int(rec->val[2], 3, "plugin format: target cpu");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "print");
	is_str(rec->str[0], "tlbreplay-maps 42 400000-401000 r-xp 00000000 08:01 1 /bin/x",
	       "the marker text without the ip");

	is_int(tlbr_reader_next(r, &rec, &err), 1, "dropped events");
	is_int(rec->missed, 12, "12 dropped");
	is_int(tlbr_reader_next(r, &rec, &err), 1, "dropped, count unknown");
	is_int(rec->missed, -1, "unknown count");
	is_int(tlbr_reader_next(r, &rec, &err), 0, "end");
	is_int(tlbr_reader_ncpus(r), 2, "cpus=2");
	tlbr_reader_close(r);
	fclose(f);
}

/* Each bad trace fails at a known line with a message naming the problem. */
static void test_errors(void)
{
	static const struct {
		const char *text;
		int line;
		const char *msg;
	} cases[] = {
		{ "  a-1 [000] .... 1.000000: tlb_flush: pages:1 reason:x (2)\nhello world\n", 2,
		  "not an ftrace event line" },
		{ "  a-1 [000] .... 2.000000: tlb_flush: pages:1 reason:x (2)\n"
		  "  a-1 [000] .... 1.000000: tlb_flush: pages:1 reason:x (2)\n", 2,
		  "goes backwards" },
		{ "  a-1 [000] .... 1.000000: tlb_flush: pages:1\n", 1, "field 'reason' is missing" },
		{ "  a-1 [000] .... 1.000000: ipi_send_cpumask: cpumask=zz callsite=x callback=y\n", 1,
		  "bad CPU list" },
		{ "  a-1 [000] .... 1.000000: page_fault_user: address=nope ip=0x1 error_code=0x2\n",
		  1, "bad value 'nope'" },
		{ "  a-1 [999] .... 1.000000: tlb_flush: pages:1 reason:x (2)\n", 1,
		  "not an ftrace event line" },
		{ "  a-1 [000] .... 1.000000: sys_mprotect(start: 0x1000\n", 1,
		  "not an ftrace event line" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct tlbr_record *rec;
		struct tlbr_error err = { 0 };
		struct tlbr_reader *r;
		int ret;
		FILE *f;

		r = open_str(cases[i].text, &f);
		while ((ret = tlbr_reader_next(r, &rec, &err)) > 0)
			;
		is_int(ret, -EBADMSG, "bad trace %u: EBADMSG", i);
		is_int(err.line, cases[i].line, "bad trace %u: at line %d", i, cases[i].line);
		ok(strstr(err.msg, cases[i].msg) != NULL, "bad trace %u: '%s' in '%s'", i,
		   cases[i].msg, err.msg);
		tlbr_reader_close(r);
		fclose(f);
	}
}

static void test_parse(void)
{
	struct tlbr_cpuset s;
	const char *end;
	uint64_t v;

	ok(tlbr_parse_u64("0x1f,", &end, &v) == 0 && v == 0x1f && *end == ',', "hex");
	ok(tlbr_parse_u64("-1", NULL, &v) == 0 && v == UINT64_MAX, "-1");
	ok(tlbr_parse_u64("18446744073709551616", NULL, &v) == -ERANGE, "overflow refused");
	ok(tlbr_parse_u64("x", NULL, &v) == -EINVAL, "not a number");
	ok(tlbr_parse_cpulist("0x5", 3, &s) == 0 && tlbr_cpuset_count(&s) == 2 &&
	   tlbr_cpuset_test(&s, 0) && tlbr_cpuset_test(&s, 2), "hex mask 0x5");
	ok(tlbr_parse_cpulist("2-4,7", 5, &s) == 0 && tlbr_cpuset_count(&s) == 4, "list 2-4,7");
	ok(tlbr_parse_cpulist("4-2", 3, &s) < 0, "reversed range refused");
	ok(tlbr_parse_cpulist("300", 3, &s) < 0, "CPU beyond the limit refused");
}

int main(void)
{
	test_trace_file();
	test_report_output();
	test_errors();
	test_parse();
	return tap_done();
}
