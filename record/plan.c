// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan.c - the events a recording enables, checked against the running
 * kernel (or against a copy of another machine's /proc and tracefs files
 * under a sysroot): a tracepoint is in the plan when its format file
 * exists; a kprobe when kprobe_events exists, the kernel version has the
 * function out of line, the symbol is in kallsyms and it is not in the
 * kprobe blacklist.
 *
 * x86 has tlb:tlb_flush and exceptions:page_fault_user. arm64 has neither
 * (its TLBIs are inlined from asm/tlbflush.h): its plan puts kprobes on the
 * out-of-line flush and fault functions, with the fields the arm64
 * vocabulary reads (formats/adapt-arm64.c). Register forms work from 6.1;
 * where the kernel takes BTF arguments (its README shows "->field"), struct
 * fields are fetched by name instead of by offset.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <tracefs/tracefs.h>

#include "record.h"

#define V(maj, min) ((maj) * 1000 + (min))

/* A kprobe of the arm64 plan: the function, by kernel version, and its fields. */
struct probe_def {
	const char *event;
	bool ret;			/* a kretprobe */
	const char *symbol;		/* from version min_v */
	const char *old_symbol;		/* before version rename_v */
	int rename_v, min_v;		/* 0: any */
	const char *fetch;		/* register form */
	const char *fetch_btf;		/* BTF form, NULL: the register form */
	const char *never;		/* why no kprobe can provide it, NULL if one can */
	const char *alt;		/* where the kernel inlined symbol: this one instead */
	const char *alt_fetch;
	const char *min_why;		/* why not before min_v; NULL: inline before 6.5 */
	const char *old_fetch;		/* old_symbol's register form, NULL: fetch */
};

static const struct probe_def probes[] = {
	{ "fault", false, "handle_mm_fault", NULL, 0, 0,
	  "addr=%x1:x64 flags=%x2:x32 mm=+16(%x0):x64",
	  "addr=address:x64 flags=flags:x32 mm=vma->vm_mm:x64", NULL },
	{ "set_access", false, "__ptep_set_access_flags", "ptep_set_access_flags", V(6, 9), 0,
	  "addr=%x1:x64 dirty=%x4:s32 mm=+16(%x0):x64 cont=%x3:b1@52/64", NULL, NULL },
	{ "set_access_r", true, "__ptep_set_access_flags", "ptep_set_access_flags", V(6, 9), 0,
	  "changed=$retval:s32", NULL, NULL },
	{ "clear_flush", false, "ptep_clear_flush", NULL, 0, 0,
	  "addr=%x1:x64 mm=+16(%x0):x64", "addr=address:x64 mm=vma->vm_mm:x64", NULL },
	{ "gather_flush", false, "tlb_flush_mmu", NULL, 0, 0,
	  "mm=+0(%x0):x64 start=+16(%x0):x64 end=+24(%x0):x64 fullmm=+32(%x0):b1@0/32 "
	  "freed_tables=+32(%x0):b1@2/32", NULL, NULL },
	{ "gather_end", false, "tlb_finish_mmu", NULL, 0, 0,
	  "mm=+0(%x0):x64 start=+16(%x0):x64 end=+24(%x0):x64 fullmm=+32(%x0):b1@0/32 "
	  "freed_tables=+32(%x0):b1@2/32", NULL, NULL },
	/*
	 * an mmu_gather's life in mm->tlb_flush_pending: tlb_gather_mmu(tlb,
	 * mm) counts it (__tlb_gather_mmu: inc_tlb_flush_pending), the end of
	 * tlb_finish_mmu uncounts it (dec_tlb_flush_pending, its last
	 * statement); tlb_finish_mmu flushes the whole mm where another is
	 * counted (mm_tlb_flush_nested)
	 */
	{ "gather_begin", false, "tlb_gather_mmu", NULL, 0, 0, "mm=%x1:x64", NULL, NULL },
	{ "gather_end_r", true, "tlb_finish_mmu", NULL, 0, 0, "", NULL, NULL },
	{ "chprot", false, "change_protection", NULL, 0, 0, "start=%x2:x64 end=%x3:x64", NULL,
	  NULL },
	{ "chprot_r", true, "change_protection", NULL, 0, 0, "pages=$retval:s64", NULL, NULL },
	/*
	 * fork's flush_tlb_mm(oldmm) is at the end of dup_mmap; where dup_mmap
	 * is inlined (Debian's 6.12), uprobe_end_dup_mmap is called right after
	 * it, by the forking task, only there
	 */
	{ "fork_mm", false, "dup_mmap", NULL, 0, 0, "oldmm=%x1:x64", NULL, NULL,
	  "uprobe_end_dup_mmap", "" },
	{ "move_pt", false, "move_page_tables", NULL, 0, 0, "addr=%x1:x64 len=%x4:x64 new=%x3:x64",
	  NULL, NULL },
	/* one VMA's zap; tlb_end_vma flushes what it cleared before it returns */
	{ "zap_vma", false, "unmap_page_range", NULL, 0, 0,
	  "mm=+0(%x0):x64 start=%x2:x64 end=%x3:x64 fullmm=+32(%x0):b1@0/32", NULL, NULL },
	/* a contpte block (un)folded: the 16 PTEs cleared and flushed (6.9 on) */
	{ "contpte", false, "contpte_convert", NULL, 0, 0, "addr=%x1:x64 mm=%x0:x64", NULL, NULL },
	/* transparent huge pages: struct vm_fault starts with vma, gfp_mask, pgoff, address */
	{ "thp_fault", false, "do_huge_pmd_anonymous_page", NULL, 0, 0,
	  "addr=+24(%x0):x64 mm=+16(+0(%x0)):x64", NULL, NULL },
	/* VM_FAULT_FALLBACK: no huge page (the VMA does not cover the 2 MiB, no memory) */
	{ "thp_fault_r", true, "do_huge_pmd_anonymous_page", NULL, 0, 0, "ret=$retval:x32", NULL,
	  NULL },
	{ "thp_wp", false, "do_huge_pmd_wp_page", NULL, 0, 0,
	  "addr=+24(%x0):x64 mm=+16(+0(%x0)):x64", NULL, NULL },
	/*
	 * __split_huge_pmd(vma, pmd, address, freeze, folio): the PMD's value
	 * as the call finds it (it splits, and flushes, only a huge one)
	 */
	{ "thp_split", false, "__split_huge_pmd", NULL, 0, 0,
	  "addr=%x2:x64 mm=+16(%x0):x64 pmd=+0(%x1):x64", NULL, NULL },
	{ "thp_collapse", false, "collapse_huge_page", NULL, 0, 0, "addr=%x1:x64 mm=%x0:x64", NULL,
	  NULL },
	/*
	 * folio_add_anon_rmap_ptes(folio, page, nr_pages, vma, address,
	 * flags): @nr_pages PTEs from @address map pages of an anonymous folio
	 * (remove_migration_pte puts a split folio's subpages back by it; one
	 * that held only zeros becomes the shared zero page instead, from
	 * 6.12: remap_page(..., RMP_USE_SHARED_ZEROPAGE))
	 */
	{ "rmap_add", false, "folio_add_anon_rmap_ptes", NULL, 0, V(6, 12),
	  "addr=%x4:x64 nr=%x2:s32 mm=+16(%x3):x64", NULL, NULL, NULL, NULL,
	  "a split maps a zero-filled subpage to the shared zero page only from 6.12 "
	  "(remap_page(..., RMP_USE_SHARED_ZEROPAGE)); before, each is a folio" },
	{ "move_pt_r", true, "move_page_tables", NULL, 0, 0, "moved=$retval:x64", NULL, NULL },
	{ "unmap_one", false, "try_to_unmap_one", NULL, 0, 0, "addr=%x2:x64 mm=+16(%x1):x64",
	  "addr=address:x64 mm=vma->vm_mm:x64", NULL },
	/*
	 * try_to_migrate_one: a folio split (unmap_folio), NUMA balancing or
	 * compaction replaces PTEs by migration entries and puts them back
	 * (remove_migration_ptes); tells its batched PTEs from reclaim's
	 */
	{ "migrate_one", false, "try_to_migrate_one", NULL, 0, 0, "addr=%x2:x64 mm=+16(%x1):x64",
	  "addr=address:x64 mm=vma->vm_mm:x64", NULL },
	/*
	 * set_tlb_ubc_flush_pending(mm, pteval, uaddr): one PTE reclaim or
	 * migration cleared with a batched flush (arch_tlbbatch_add_pending:
	 * TLBI without DSB) and the mm marked (mm->tlb_flush_batched); the PTE
	 * as it was: its shareability bits say whether the kernel runs with
	 * LPA2 (formats/adapt-arm64.c)
	 */
	{ "ubc_pending", false, "set_tlb_ubc_flush_pending", NULL, 0, V(6, 5),
	  "mm=%x0:x64 addr=%x2:x64 pte=%x1:x64", NULL, NULL },
	{ "unmap_flush", false, "try_to_unmap_flush", NULL, 0, V(6, 5), "", NULL, NULL },
	{ "batch_pend", false, "flush_tlb_batched_pending", NULL, 0, V(6, 5), "mm=%x0:x64", NULL,
	  NULL },
	{ "pmd_unshare", false, "huge_pmd_unshare", NULL, 0, 0, "", NULL,
	  "the PMD table's share count (ptdesc->pt_share_count of the page holding ptep) "
	  "cannot be fetched by a kprobe argument" },
	{ "asid_roll", false, "flush_context", NULL, 0, 0, "", NULL, NULL },
	/* UFFDIO_MOVE (userfaultfd_ioctl -> userfaultfd_move -> move_pages): its extent */
	{ "uffd_move", false, "move_pages", NULL, 0, V(6, 8), "", NULL, NULL, NULL, NULL,
	  "UFFDIO_MOVE is new in 6.8" },
	{ "uffd_move_r", true, "move_pages", NULL, 0, V(6, 8), "ret=$retval:s64", NULL, NULL, NULL,
	  NULL, "UFFDIO_MOVE is new in 6.8" },
	/*
	 * do_madvise(mm, start, len_in, behavior): one range's advice, for the
	 * madvise syscall and for what is not one (process_madvise, each iovec
	 * in turn; io_uring's IORING_OP_MADVISE), with the whole range and
	 * the advice as the syscall gives them. Global (sys_madvise,
	 * process_madvise and io_uring call it): out of line on every kernel,
	 * where madvise_cold and madvise_pageout (static, called once from
	 * madvise_vma_behavior; out of line on Debian's 6.1 and 6.12) may not be
	 */
	{ "madv", false, "do_madvise", NULL, 0, 0,
	  "mm=%x0:x64 start=%x1:x64 len=%x2:x64 advice=%x3:s32", NULL, NULL },
	{ "madv_r", true, "do_madvise", NULL, 0, 0, "ret=$retval:s32", NULL, NULL },
	/*
	 * the PTEs a fault makes (mm/memory.c): do_set_pte(vmf, page, addr)
	 * per page, from 6.6 set_pte_range(vmf, folio, page, nr, addr) per run
	 * of a folio; called by finish_fault for the faulting page (6.12: a
	 * large folio's pages too) and by filemap_map_pages for the pages
	 * fault-around maps (do_read_fault -> do_fault_around)
	 */
	{ "map_ptes", false, "set_pte_range", "do_set_pte", V(6, 6), 0,
	  "addr=%x4:x64 nr=%x3:u32 mm=+16(+0(%x0)):x64", NULL, NULL, NULL, NULL, NULL,
	  "addr=%x2:x64 mm=+16(+0(%x0)):x64" },
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0, alloc = 0;
	char *b = NULL;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (alloc - n < 65536) {
			char *nb = realloc(b, alloc + (1 << 20));

			if (!nb)
				break;
			b = nb;
			alloc += 1 << 20;
		}
		got = fread(b + n, 1, alloc - n - 1, f);
		n += got;
		if (!got)
			break;
	}
	fclose(f);
	if (b)
		b[n] = '\0';
	return b;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Is @sym a function in kallsyms ("addr t sym" or "addr T sym [module]")? */
static bool in_kallsyms(const char *kallsyms, const char *sym)
{
	size_t n = strlen(sym);
	const char *p = kallsyms;

	while (p && (p = strstr(p, sym))) {
		bool start = p >= kallsyms + 3 && p[-1] == ' ' && (p[-2] == 't' || p[-2] == 'T') &&
			     p[-3] == ' ';
		bool end = p[n] == '\n' || p[n] == ' ' || p[n] == '\t' || p[n] == '\0';

		if (start && end)
			return true;
		p += n;
	}
	return false;
}

static bool in_blacklist(const char *blacklist, const char *sym)
{
	size_t n = strlen(sym);
	const char *p = blacklist;

	/* lines: "0xstart-0xend\tsymbol" */
	while (p && (p = strstr(p, sym))) {
		if (p > blacklist && (p[-1] == '\t' || p[-1] == ' ') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static void read_env(struct tlbr_plan_env *env, const char *sysroot)
{
	char path[1024], *s;
	struct utsname u;
	int maj = 0, min = 0;

	memset(env, 0, sizeof(*env));
	if (sysroot) {
		snprintf(env->tracing, sizeof(env->tracing), "%s/sys/kernel/tracing", sysroot);
		snprintf(path, sizeof(path), "%s/proc/sys/kernel/arch", sysroot);
		s = slurp(path);
		snprintf(env->arch, sizeof(env->arch), "%.*s", s ? (int)strcspn(s, "\n") : 7,
			 s ? s : "unknown");
		free(s);
		snprintf(path, sizeof(path), "%s/proc/sys/kernel/osrelease", sysroot);
		s = slurp(path);
		snprintf(env->release, sizeof(env->release), "%.*s", s ? (int)strcspn(s, "\n") : 7,
			 s ? s : "unknown");
		free(s);
	} else {
		const char *t = tracefs_tracing_dir();

		snprintf(env->tracing, sizeof(env->tracing), "%s", t ? t : "/sys/kernel/tracing");
		snprintf(path, sizeof(path), "%s/events", env->tracing);
		if (!t)
			snprintf(env->unreadable, sizeof(env->unreadable), "tracefs is not mounted "
				 "(mount -t tracefs nodev /sys/kernel/tracing)%s",
				 geteuid() ? ", and only root can mount it" : "");
		else if (access(path, R_OK | X_OK) < 0)
			snprintf(env->unreadable, sizeof(env->unreadable), "tracefs (%.300s) is not "
				 "readable: %s%s", env->tracing, strerror(errno),
				 errno == EACCES && geteuid() ? " (it is root's: run as root)" : "");
		uname(&u);
		snprintf(env->arch, sizeof(env->arch), "%.31s", u.machine);
		snprintf(env->release, sizeof(env->release), "%.63s", u.release);
	}
	sscanf(env->release, "%d.%d", &maj, &min);
	env->version = V(maj, min);
	snprintf(path, sizeof(path), "%s/kprobe_events", env->tracing);
	env->kprobes = exists(path);
	snprintf(path, sizeof(path), "%s/README", env->tracing);
	s = slurp(path);
	env->btf_args = s && strstr(s, "->field");
	free(s);
	snprintf(env->sysroot, sizeof(env->sysroot), "%s", sysroot ? sysroot : "");
}

static const struct probe_def *probe_of(const struct tlbr_plan_item *it)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(probes); i++)
		if (!strcmp(probes[i].event, it->event))
			return &probes[i];
	return NULL;
}

/* Decide one kprobe item: its symbol, fetch arguments, or why it cannot be. */
static void check_probe(struct tlbr_plan_item *it, const struct tlbr_plan_env *env,
			const char *kallsyms, const char *blacklist)
{
	const struct probe_def *d = probe_of(it);

	it->kprobe = true;
	it->available = false;
	if (!d) {
		it->why = "no probe definition";
		return;
	}
	it->retprobe = d->ret;
	it->symbol = d->old_symbol && env->version < d->rename_v ? d->old_symbol : d->symbol;
	it->fetch = env->btf_args && d->fetch_btf ? d->fetch_btf : d->fetch;
	if (d->old_fetch && it->symbol == d->old_symbol)
		it->fetch = d->old_fetch;
	if (d->never)
		it->why = d->never;
	else if (env->unreadable[0])
		it->why = env->unreadable;
	else if (!env->kprobes)
		it->why = "no kprobe_events in tracefs (a kernel without CONFIG_KPROBE_EVENTS)";
	else if (d->min_v && env->version < d->min_v)
		it->why = d->min_why ? d->min_why : "inline on kernels before 6.5";
	else if (!kallsyms)
		it->why = "kallsyms cannot be read";
	else if (!in_kallsyms(kallsyms, it->symbol) && d->alt && in_kallsyms(kallsyms, d->alt) &&
		 !(blacklist && in_blacklist(blacklist, d->alt))) {
		it->symbol = d->alt;	/* the function is inlined: the call next to its flush */
		it->fetch = d->alt_fetch;
		it->available = true;
	} else if (!in_kallsyms(kallsyms, it->symbol))
		it->why = "not in kallsyms: inlined or not built on this kernel";
	else if (blacklist && in_blacklist(blacklist, it->symbol))
		it->why = "in the kprobe blacklist";
	else
		it->available = true;
}

int tlbr_plan_probe(const char *sysroot, struct tlbr_plan *ret)
{
	char path[1024], *kallsyms = NULL, *blacklist = NULL;
	struct tlbr_plan_env *env = &ret->env;
	unsigned int i;

	memset(ret, 0, sizeof(*ret));
	read_env(env, sysroot);
	for (i = 0; i < tlbr_vocab_count() && ret->n < TLBR_PLAN_MAX; i++) {
		const struct tlbr_evdef *v = tlbr_vocab_get(i);
		struct tlbr_plan_item *it;

		if (v->need == TLBR_NEED_NOT_RECORDED || (v->arch && strcmp(v->arch, env->arch)))
			continue;
		it = &ret->items[ret->n++];	/* the items of this architecture, in order */
		*it = (struct tlbr_plan_item){ .system = v->system, .event = v->name,
					       .need = v->need, .without = v->without,
					       .arch = v->arch, .filter = v->filter };
		if (!strcmp(it->system, "tlbr")) {
			if (!kallsyms) {
				snprintf(path, sizeof(path), "%s/proc/kallsyms", env->sysroot);
				kallsyms = slurp(path);
				snprintf(path, sizeof(path), "%s/sys/kernel/debug/kprobes/blacklist",
					 env->sysroot);
				blacklist = slurp(path);
			}
			check_probe(it, env, kallsyms, blacklist);
			continue;
		}
		snprintf(path, sizeof(path), "%s/events/%s/%s/format", env->tracing, it->system,
			 it->event);
		it->available = exists(path);
		if (!it->available)
			it->why = env->unreadable[0] ? env->unreadable :
							  "no such tracepoint on this kernel";
	}
	free(kallsyms);
	free(blacklist);
	return 0;
}

void tlbr_plan_kprobe_line(const struct tlbr_plan_item *it, char *buf, size_t n)
{
	snprintf(buf, n, "%c:%s/%s %s%s%s", it->retprobe ? 'r' : 'p', it->system, it->event,
		 it->symbol, *it->fetch ? " " : "", it->fetch);
}

void tlbr_plan_print(FILE *f, const struct tlbr_plan *p)
{
	const struct tlbr_plan_item *items = p->items;
	const struct tlbr_plan_env *e = &p->env;
	unsigned int n = p->n;
	static const char *const needs[] = { "required", "recommended", "optional" };
	unsigned int i;

	fprintf(f, "%-46s %-12s %s\n", "event", "need", "on this kernel");
	for (i = 0; i < n; i++) {
		char name[96], line[512];

		snprintf(name, sizeof(name), "%s:%s", items[i].system, items[i].event);
		fprintf(f, "%-46s %-12s %s\n", name, needs[items[i].need],
			items[i].available ? "available" : "MISSING");
		if (items[i].kprobe) {
			tlbr_plan_kprobe_line(&items[i], line, sizeof(line));
			fprintf(f, "    %s %s\n", items[i].available ? "kprobe:" : "would be:", line);
		}
		if (items[i].filter)
			fprintf(f, "    filter: %s\n", items[i].filter);
		if (!items[i].available)
			fprintf(f, "    why: %s\n    without it: %s\n", items[i].why,
				items[i].without);
	}
	if (e->unreadable[0]) {
		fprintf(f, "(%s, Linux %s; %s: this kernel's events are unknown)\n", e->arch,
			e->release, e->unreadable);
		return;
	}
	fprintf(f, "(%s, Linux %s; kprobe_events %s; BTF probe arguments %s)\n", e->arch,
		e->release, e->kprobes ? "present" : "absent", e->btf_args ? "yes" : "no");
}
