// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-replay.c - the replay engine and the policies through the replay
 * API, on events built here (no reader, no CLI): exact counts of small
 * scenarios whose answers follow from the kernel functions cited; the
 * policy-list parser; and the VMA model against the straightforward
 * algorithm it replaced.
 */
#include <errno.h>
#include <stdlib.h>

#include "replay-local.h"
#include "../tap.h"

#define PAGE 0x1000ULL

struct scenario {
	struct tlbr_replay *r;
	uint64_t ts;
};

static struct tlbr_event base(struct scenario *s, enum tlbr_ev_kind kind, int cpu, uint32_t task,
			      uint32_t mm)
{
	struct tlbr_event ev = { .kind = kind, .cpu = cpu, .pid = (int)task + 100, .tgid = 100,
				 .task = task, .mm = mm };

	ev.ts_ns = s->ts += 1000;
	ev.pos = s->ts;
	return ev;
}

static void feed(struct scenario *s, const struct tlbr_event *ev)
{
	if (tlbr_replay_event(s->r, ev) < 0)
		printf("# tlbr_replay_event failed\n");
}

static void sw(struct scenario *s, int cpu, uint32_t task, uint32_t mm)
{
	struct tlbr_event ev = base(s, TLBR_EV_SWITCH, cpu, 0, 0);

	ev.sw.next_task = task;
	ev.sw.next_mm = mm;
	ev.sw.next_pid = (int)task + 100;
	feed(s, &ev);
}

/* Task @task with address space @mm is forked on @cpu by task 50 (mm 50): born in the trace. */
static void born(struct scenario *s, int cpu, uint32_t task, uint32_t mm)
{
	struct tlbr_event ev = base(s, TLBR_EV_FORK, cpu, 50, 50);

	ev.fork.child_task = task;
	ev.fork.child_mm = mm;
	ev.fork.child_pid = (int)task + 100;
	feed(s, &ev);
}

static void fault(struct scenario *s, int cpu, uint32_t task, uint32_t mm, uint64_t addr,
		  uint64_t err)
{
	struct tlbr_event ev = base(s, TLBR_EV_FAULT, cpu, task, mm);

	ev.fault.addr = addr;
	ev.fault.error_code = err | TLBR_PF_USER;
	feed(s, &ev);
}

static void sys(struct scenario *s, int cpu, uint32_t task, uint32_t mm, enum tlbr_syscall nr,
		uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tlbr_event ev = base(s, TLBR_EV_SYSCALL, cpu, task, mm);

	ev.sys.nr = nr;
	ev.sys.args[0] = a0;
	ev.sys.args[1] = a1;
	ev.sys.args[2] = a2;
	feed(s, &ev);
}

static void sysret(struct scenario *s, int cpu, uint32_t task, uint32_t mm, enum tlbr_syscall nr,
		   int64_t ret)
{
	struct tlbr_event ev = base(s, TLBR_EV_SYSCALL_RET, cpu, task, mm);

	ev.sys.nr = nr;
	ev.sys.ret = ret;
	ev.sys.args_known = true;
	feed(s, &ev);
}

static void flush(struct scenario *s, int cpu, uint32_t task, uint32_t mm, enum tlbr_site site,
		  uint64_t start, uint64_t end, enum tlbr_exec exec)
{
	struct tlbr_event ev = base(s, TLBR_EV_FLUSH, cpu, task, mm);

	ev.flush.site = site;
	ev.flush.scope = end - start > PAGE ? TLBR_SCOPE_RANGE : TLBR_SCOPE_PAGE;
	ev.flush.exec = exec;
	ev.flush.start = start;
	ev.flush.end = end;
	ev.flush.pages = (end - start) / PAGE;
	ev.flush.x86_reason = TLBR_X86_NONE;
	feed(s, &ev);
}

static const struct tlbr_replay_result *start(struct scenario *s, const char *policies, int ncpus)
{
	struct tlbr_replay_opts o = { .policies = policies, .ncpus = ncpus };

	s->ts = 0;
	s->r = NULL;
	if (tlbr_replay_new(&o, &s->r) < 0)
		return NULL;
	return tlbr_replay_finish(s->r);
}

static const struct tlbr_policy_result *pol(const struct tlbr_replay_result *res, const char *name)
{
	unsigned int i;

	for (i = 0; res && i < res->npolicies; i++)
		if (!strcmp(res->policy[i].name, name))
			return &res->policy[i];
	return NULL;
}

/*
 * A thread of the mm runs on CPU 1 while its leader unmaps a page on CPU 0
 * that it wrote (so CPU 1 may hold it writable). munmap: zap_page_range,
 * then tlb_finish_mmu -> flush_tlb_mm_range (x86: an IPI to CPU 1, which
 * runs the mm; arm64: TLBI IS). local-only leaves CPU 1's entry: unsafe
 * at munmap's return, where the kernel relies on the flush.
 */
static void test_munmap_two_cpus(void)
{
	struct scenario s;
	const struct tlbr_replay_result *res =
		start(&s, "arm64-broadcast,x86-ipi,oracle,local-only", 2);
	const struct tlbr_policy_result *p;

	ok(res != NULL, "munmap: the replay starts");
	if (!res)
		return;
	sw(&s, 0, 1, 1);
	fault(&s, 0, 1, 1, 0x30000, TLBR_PF_WRITE);
	sw(&s, 1, 2, 1);
	sys(&s, 0, 1, 1, TLBR_SYS_MUNMAP, 0x30000, PAGE, 0);
	flush(&s, 0, 1, 1, TLBR_SITE_ZAP, 0x30000, 0x31000, TLBR_EXEC_IPI);
	sysret(&s, 0, 1, 1, TLBR_SYS_MUNMAP, 0);
	res = tlbr_replay_finish(s.r);

	is_int(res->npolicies, 4, "munmap: four policies");
	p = pol(res, "arm64-broadcast");
	is_int(p->broadcasts, 1, "arm64-broadcast: one broadcast");
	is_int(p->avoidable, 0, "arm64-broadcast: not avoidable (CPU 1 may hold the page)");
	is_int(p->flushes[TLBR_SITE_ZAP], 1, "arm64-broadcast: at the zap site");
	p = pol(res, "x86-ipi");
	is_int(p->broadcasts, 1, "x86-ipi: one shootdown");
	is_int(p->ipis, 1, "x86-ipi: one IPI, to CPU 1 which runs the mm");
	p = pol(res, "oracle");
	is_int(p->ipis, 1, "oracle: flushes CPU 1 only");
	is_int(p->unsafe, 0, "oracle: safe");
	p = pol(res, "local-only");
	is_int(p->local, 1, "local-only: one local flush");
	is_int(p->unsafe, 1, "local-only: CPU 1's entry found at munmap's return");
	is_int(p->nfindings, 1, "local-only: one counterexample");
	is_int(p->findings[0].cpu, 1, "local-only: held on CPU 1");
	is_u64(p->findings[0].addr, 0x30000, "local-only: of the unmapped page");
	is_str(p->findings[0].held, "rw", "local-only: a writable entry");
	is_str(p->findings[0].allowed, "none", "local-only: where nothing is mapped");
	tlbr_replay_free(s.r);
}

/*
 * The same munmap when the mm, forked in the trace, only ever ran on CPU 0:
 * today's broadcast reaches no CPU that needed it (avoidable: never
 * elsewhere); seed 001 (active-cpu) flushes locally under
 * migrate_disable(); x86 flushes locally (flush_tlb_mm_range with no other
 * CPU in mm_cpumask).
 */
static void test_munmap_one_cpu(void)
{
	struct scenario s;
	const struct tlbr_replay_result *res =
		start(&s, "arm64-broadcast,active-cpu,x86-ipi,oracle", 2);
	const struct tlbr_policy_result *p;

	if (!ok(res != NULL, "one CPU: the replay starts"))
		return;
	sw(&s, 0, 50, 50);
	born(&s, 0, 1, 1);
	sw(&s, 0, 1, 1);
	fault(&s, 0, 1, 1, 0x30000, TLBR_PF_WRITE);
	sys(&s, 0, 1, 1, TLBR_SYS_MUNMAP, 0x30000, PAGE, 0);
	flush(&s, 0, 1, 1, TLBR_SITE_ZAP, 0x30000, 0x31000, TLBR_EXEC_LOCAL);
	sysret(&s, 0, 1, 1, TLBR_SYS_MUNMAP, 0);

	p = pol(res, "arm64-broadcast");
	is_int(p->broadcasts, 1, "arm64-broadcast: one broadcast");
	is_int(p->avoidable, 1, "arm64-broadcast: avoidable");
	is_int(p->avoidable_by[TLBR_AVOID_NEVER_ELSEWHERE], 1,
	       "arm64-broadcast: the mm never ran elsewhere");
	is_int(p->ops[TLBR_OP_TLBI_IS], 1, "arm64-broadcast: one TLBI IS (one page)");
	is_int(p->ops[TLBR_OP_DSB_ISH], 1, "arm64-broadcast: one DSB ISH");
	p = pol(res, "active-cpu");
	is_int(p->local, 1, "active-cpu: local");
	is_int(p->ops[TLBR_OP_MIGRATE], 1, "active-cpu: under migrate_disable()");
	is_int(p->ops[TLBR_OP_TLBI_LOCAL], 1, "active-cpu: one local TLBI");
	is_int(pol(res, "x86-ipi")->local, 1, "x86-ipi: local");
	is_int(pol(res, "oracle")->local, 1, "oracle: local (only CPU 0 holds it)");
	tlbr_replay_free(s.r);
}

/*
 * mprotect PROT_NONE -> RW: the old PTE is not valid, pte_needs_flush() is
 * false (x86; arm64 since the seed-004 backport), so x86's trace shows no
 * flush; arm64 before seed 004 flushes it (a flush point marked adds-only,
 * from invalid); pte-needs-flush skips it. RO -> RW of a valid PTE changes a
 * hardware bit on both (x86 _PAGE_RW, arm64 PTE_RDONLY): flushed.
 */
static void test_mprotect_adds_only(void)
{
	struct scenario s;
	const struct tlbr_replay_result *res =
		start(&s, "arm64-broadcast,pte-needs-flush,x86-ipi", 2);

	if (!ok(res != NULL, "adds-only: the replay starts"))
		return;
	sw(&s, 0, 1, 1);
	fault(&s, 0, 1, 1, 0x40000, TLBR_PF_WRITE);
	sys(&s, 0, 1, 1, TLBR_SYS_MPROTECT, 0x40000, PAGE, 0);
	flush(&s, 0, 1, 1, TLBR_SITE_MPROTECT, 0x40000, 0x41000, TLBR_EXEC_LOCAL);
	sysret(&s, 0, 1, 1, TLBR_SYS_MPROTECT, 0);
	sys(&s, 0, 1, 1, TLBR_SYS_MPROTECT, 0x40000, PAGE, 3);
	sysret(&s, 0, 1, 1, TLBR_SYS_MPROTECT, 0);

	is_int(pol(res, "arm64-broadcast")->flushes[TLBR_SITE_MPROTECT], 2,
	       "adds-only: two mprotect flush points");
	is_int(pol(res, "arm64-broadcast")->broadcasts, 2, "arm64-broadcast flushes both");
	is_int(pol(res, "pte-needs-flush")->skipped, 1, "pte-needs-flush skips PROT_NONE -> RW");
	is_int(pol(res, "x86-ipi")->skipped, 1, "x86-ipi skips it");
	sys(&s, 0, 1, 1, TLBR_SYS_MPROTECT, 0x40000, PAGE, 1);	/* RW -> RO: flushed */
	flush(&s, 0, 1, 1, TLBR_SITE_MPROTECT, 0x40000, 0x41000, TLBR_EXEC_LOCAL);
	sysret(&s, 0, 1, 1, TLBR_SYS_MPROTECT, 0);
	sys(&s, 0, 1, 1, TLBR_SYS_MPROTECT, 0x40000, PAGE, 3);	/* RO -> RW */
	sysret(&s, 0, 1, 1, TLBR_SYS_MPROTECT, 0);
	is_int(pol(res, "pte-needs-flush")->skipped, 1, "pte-needs-flush flushes RO -> RW");
	is_int(pol(res, "x86-ipi")->skipped, 1, "so does x86");
	tlbr_replay_free(s.r);
}

/*
 * A write fault on a present read-only page, then the task does something
 * else: do_wp_page reused the page in place (wp_page_reuse). arm64 flushes
 * there (__ptep_set_access_flags), x86 does not; seed 000 (wp-local)
 * flushes locally; composed with active-cpu the first component decides.
 */
static void test_write_fault_reuse(void)
{
	struct scenario s;
	const struct tlbr_replay_result *res =
		start(&s, "arm64-broadcast,x86-ipi,wp-local,active-cpu+wp-local", 2);

	if (!ok(res != NULL, "reuse: the replay starts"))
		return;
	sw(&s, 0, 1, 1);
	fault(&s, 0, 1, 1, 0x50000, 0);
	fault(&s, 0, 1, 1, 0x50000, TLBR_PF_PROT | TLBR_PF_WRITE);
	sys(&s, 0, 1, 1, TLBR_SYS_BRK, 0, 0, 0);	/* something else: the fault is resolved */

	is_int(res->reuses, 1, "reuse: one write-fault reuse");
	is_int(res->write_faults_present, 1, "reuse: one write fault on a present page");
	is_int(pol(res, "arm64-broadcast")->flushes[TLBR_SITE_WP_REUSE], 1,
	       "reuse: one flush point at the reuse");
	is_int(pol(res, "arm64-broadcast")->broadcasts, 1, "arm64-broadcast: a broadcast");
	is_int(pol(res, "x86-ipi")->skipped, 1, "x86-ipi: no flush");
	is_int(pol(res, "wp-local")->local, 1, "wp-local: local");
	/* mm 1 is older than the trace: active_cpu unknown (MULTIPLE), wp-local decides */
	is_int(pol(res, "active-cpu+wp-local")->local, 1, "active-cpu+wp-local: local (wp-local)");
	is_int(pol(res, "active-cpu+wp-local")->ops[TLBR_OP_MIGRATE], 1,
	       "active-cpu+wp-local: inside migrate_disable() all the same (flush_tlb_user_pre)");
	tlbr_replay_free(s.r);
}

static void test_policy_parse(void)
{
	char bad[64] = "", many[1024] = "";
	struct tlbr_replay_opts o = { .ncpus = 2 };
	struct tlbr_replay *r = NULL;
	int i;

	is_int(tlbr_policy_parse("oracle,wp-local+active-cpu", bad, sizeof(bad)), 2,
	       "parse: two policies");
	is_int(tlbr_policy_parse(NULL, bad, sizeof(bad)), 3, "parse: the default list has three");
	is_int(tlbr_policy_parse("oracle,frob+x", bad, sizeof(bad)), -EINVAL,
	       "parse: an unknown component");
	is_str(bad, "frob", "parse: names it");
	is_int(tlbr_policy_parse("oracle,,x86-ipi", bad, sizeof(bad)), -EINVAL,
	       "parse: an empty policy");
	is_str(bad, "(empty)", "parse: says so");
	for (i = 0; i < 40; i++)
		strcat(many, i ? ",oracle" : "oracle");
	is_int(tlbr_policy_parse(many, bad, sizeof(bad)), 40, "parse: no fixed limit");
	o.policies = many;
	is_int(tlbr_replay_new(&o, &r), 0, "40 policies replay");
	if (r)
		is_int(tlbr_replay_finish(r)->npolicies, 40, "with 40 results");
	tlbr_replay_free(r);
	o.policies = "nope";
	r = NULL;
	is_int(tlbr_replay_new(&o, &r), -EINVAL, "an unknown policy refuses the replay");
}

/* ------------------------------------------------------------ VMAs */

/* The straightforward algorithm the binary search replaced: the reference. */
struct ref {
	struct vma v[512];
	unsigned int n;
};

static void ref_insert(struct ref *f, struct vma v)
{
	unsigned int i = f->n;

	while (i > 0 && f->v[i - 1].start > v.start)
		i--;
	memmove(&f->v[i + 1], &f->v[i], (f->n - i) * sizeof(v));
	f->v[i] = v;
	f->n++;
}

static void ref_remove(struct ref *f, uint64_t start, uint64_t end)
{
	unsigned int i, j;

	for (i = 0; i < f->n; i++) {
		struct vma *v = &f->v[i];

		if (v->end <= start || v->start >= end)
			continue;
		if (v->start < start && v->end > end) {
			struct vma tail = *v;

			tail.start = end;
			v->end = start;
			ref_insert(f, tail);
			continue;
		}
		if (v->start < start)
			v->end = start;
		else if (v->end > end)
			v->start = end;
		else
			v->start = v->end;
	}
	for (i = 0, j = 0; i < f->n; i++)
		if (f->v[i].start < f->v[i].end)
			f->v[j++] = f->v[i];
	f->n = j;
}

static void ref_add(struct ref *f, struct vma v)
{
	if (v.start >= v.end)
		return;
	ref_remove(f, v.start, v.end);
	ref_insert(f, v);
}

static void ref_protect(struct ref *f, uint64_t start, uint64_t end, uint32_t prot)
{
	struct vma hit[512];
	unsigned int i, n = 0;

	for (i = 0; i < f->n; i++)
		if (f->v[i].end > start && f->v[i].start < end)
			hit[n++] = f->v[i];
	for (i = 0; i < n; i++) {
		struct vma v = hit[i];

		v.start = v.start > start ? v.start : start;
		v.end = v.end < end ? v.end : end;
		v.prot = prot;
		ref_add(f, v);
	}
}

static bool same(const struct rmm *m, const struct ref *f)
{
	unsigned int i;

	if (m->nvmas != f->n)
		return false;
	for (i = 0; i < f->n; i++)
		if (m->vmas[i].start != f->v[i].start || m->vmas[i].end != f->v[i].end ||
		    m->vmas[i].prot != f->v[i].prot || m->vmas[i].shared != f->v[i].shared ||
		    m->vmas[i].anon != f->v[i].anon)
			return false;
	return true;
}

/* Random maps, unmaps (also empty ones) and mprotects over 64 pages, 20,000 of them. */
static void test_vmas_against_reference(void)
{
	struct rmm m = { 0 };
	struct ref f = { .n = 0 };
	unsigned int seed = 12345, step, bad = 0, lookups_bad = 0;

	for (step = 0; step < 20000 && !bad; step++) {
		uint64_t a, b, x;
		unsigned int op;

		seed = seed * 1103515245 + 12345;
		op = (seed >> 16) % 3;
		a = ((seed >> 4) % 64) * PAGE;
		seed = seed * 1103515245 + 12345;
		b = a + ((seed >> 8) % 9) * PAGE;	/* 0 to 8 pages: empty ranges too */
		switch (op) {
		case 0: {
			struct vma v = { a, b, (seed >> 20) % 8, (seed >> 23) & 1, (seed >> 24) & 1 };

			tlbr_vma_add(&m, v.start, v.end, v.prot, v.shared, v.anon);
			ref_add(&f, v);
			break;
		}
		case 1:
			tlbr_vma_remove(&m, a, b);
			ref_remove(&f, a, b);
			break;
		default:
			tlbr_vma_protect(&m, a, b, (seed >> 20) % 8);
			ref_protect(&f, a, b, (seed >> 20) % 8);
			break;
		}
		if (!same(&m, &f))
			bad = step + 1;
		for (x = 0; x < 70 * PAGE; x += PAGE / 2) {
			const struct vma *v = tlbr_vma_find(&m, x);
			unsigned int i;

			for (i = 0; i < f.n && !(f.v[i].start <= x && x < f.v[i].end); i++)
				;
			if ((i == f.n) != !v || (v && v->start != f.v[i].start))
				lookups_bad++;
		}
	}
	is_int(bad, 0, "VMAs: 20,000 random changes leave what the reference algorithm leaves");
	is_int(lookups_bad, 0, "VMAs: every lookup finds the reference's VMA");
	free(m.vmas);
}

int main(void)
{
	test_munmap_two_cpus();
	test_munmap_one_cpu();
	test_mprotect_adds_only();
	test_write_fault_reuse();
	test_policy_parse();
	test_vmas_against_reference();
	return tap_done();
}
