// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * census.c - every TLBI instruction of the running arm64 kernel.
 *
 * arm64 flushes with TLBI instructions inlined from asm/tlbflush.h into
 * their callers, so no function probe sees them all. The kernel's text is
 * read through /proc/kcore (an ELF core: its PT_LOAD segments map kernel
 * virtual addresses) between _stext and _etext, every word is matched
 * against the TLBI encoding (SYS with op0=1, CRn=8: a fixed pattern, no
 * disassembler needed), and each site is attributed to its function from
 * /proc/kallsyms. tlbr_census_probe() puts a kprobe at function+offset of each
 * site, recording the site's number and the operand register (ASID in
 * bits 63:48, VA >> 12 below); the recorder writes the table into the trace.
 *
 * A flush is a run of TLBIs completed by one DSB (__flush_tlb_range's
 * dsb(ish)). Two flushes of one function in a row (move_ptes's flush of
 * each page-table chunk, tlb_end_vma per VMA) would look like one run: the
 * first DSB after each TLBI site in its function is probed too (op "dsb"),
 * and ends the flush operation it completes.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record-local.h"

struct ksym {
	uint64_t addr;
	char *name;
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Text symbols of kallsyms, sorted; _stext and _etext found on the way. */
static struct ksym *read_kallsyms(const char *path, size_t *ret_n, uint64_t *stext,
				  uint64_t *etext)
{
	FILE *f = fopen(path, "r");
	struct ksym *v = NULL;
	size_t n = 0, alloc = 0;
	char line[512];

	*stext = *etext = 0;
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char type, name[256];

		if (sscanf(line, "%llx %c %255s", &a, &type, name) != 3 || !a)
			continue;
		if (!strcmp(name, "_stext"))
			*stext = a;
		else if (!strcmp(name, "_etext"))
			*etext = a;
		if (type != 't' && type != 'T')
			continue;
		if (strchr(line, '['))	/* modules: not in the kernel's text */
			continue;
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 65536;
			struct ksym *nv = realloc(v, na * sizeof(*nv));

			if (!nv)
				break;
			v = nv;
			alloc = na;
		}
		v[n].addr = a;
		v[n].name = strdup(name);
		if (v[n].name)
			n++;
	}
	if (f)
		fclose(f);
	if (v)
		qsort(v, n, sizeof(*v), ksym_cmp);
	*ret_n = n;
	return v;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Does kallsyms name more than one function @name (static functions of several files)? */
static bool name_shared(char **sorted, size_t n, const char *name)
{
	char *const *hit = bsearch(&name, sorted, n, sizeof(*sorted), name_cmp);

	return hit && ((hit > sorted && !strcmp(hit[-1], name)) ||
		       (hit + 1 < sorted + n && !strcmp(hit[1], name)));
}

static const struct ksym *ksym_of(const struct ksym *v, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &v[lo - 1] : NULL;
}

/* The TLBI operations of EL1 by CRm (shareability) and op2. */
static bool decode(uint32_t insn, struct tlbr_tlbi_site *s)
{
	static const char *const ops[8] = { "vmalle1", "vae1", "aside1", "vaae1", NULL, "vale1",
					    NULL, "vaale1" };
	static const char *const rops[8] = { NULL, "rvae1", NULL, "rvaae1", NULL, "rvale1",
					     NULL, "rvaale1" };
	unsigned int op1 = (insn >> 16) & 7, crm = (insn >> 8) & 15, op2 = (insn >> 5) & 7;
	const char *op, *sh;

	if ((insn & 0xfff8f000u) != 0xd5088000u || op1 != 0)
		return false;	/* not a TLBI, or one of EL2/EL3 */
	switch (crm) {
	case 1: op = ops[op2]; sh = "os"; break;
	case 2: op = rops[op2]; sh = "is"; break;
	case 3: op = ops[op2]; sh = "is"; break;
	case 5: op = rops[op2]; sh = "os"; break;
	case 6: op = rops[op2]; sh = ""; break;
	case 7: op = ops[op2]; sh = ""; break;
	default: return false;
	}
	if (!op)
		return false;
	s->broadcast = *sh != '\0';
	s->rt = insn & 31;
	snprintf(s->op, sizeof(s->op), "%s%s", op, sh);
	return true;
}

/*
 * The kernel's static inline functions are notrace, and so are the copies
 * the compiler emits out of line (tlb_flush, flush_tlb_mm,
 * __flush_tlb_range in several files): no kprobe may sit on their TLBIs.
 * Each call of such a copy is one flush: the BL (or tail-call B)
 * instructions that reach one become census sites of kind "call".
 */
static bool notrace_copy(const char *name, bool shared)
{
	/*
	 * flush_tlb_batched_pending (mm/rmap.c) is an ordinary function: its
	 * TLBI (6.12's arch_flush_tlb_batched_pending, flush_tlb_mm since the
	 * 2025 fix) runs only when a batch is pending, and is probed there,
	 * not at every call
	 */
	if (strstr(name, "batched_pending"))
		return false;
	return shared || strstr(name, "flush_tlb") || strstr(name, "tlb_flush") ||
	       strstr(name, ".constprop") || strstr(name, ".isra");
}

/*
 * Where the kernel probes: not within 32 instructions after an exclusive
 * load with no exclusive store between (arch/arm64/kernel/probes/
 * decode-insn.c, arm_kprobe_decode_insn -> is_probed_address_atomic,
 * MAX_ATOMIC_CONTEXT_SIZE; aarch64_insn_is_load_ex, which LSE's CAS
 * matches too: a spin_lock's CASA), scanning back no further than the
 * function's start. @text[0] is at the function's start or, when @whole is
 * false, somewhere in it (nothing before it is known: not probe-able).
 */
static bool probeable(const uint32_t *text, size_t i, bool whole)
{
	size_t j, end = i > 32 ? i - 32 : 0;

	if (!whole && i < 32)
		return false;
	for (j = i; j-- > end; ) {
		if ((text[j] & 0x3f400000u) == 0x08000000u)	/* aarch64_insn_is_store_ex */
			return true;
		if ((text[j] & 0x3f400000u) == 0x08400000u)	/* aarch64_insn_is_load_ex */
			return false;
	}
	return true;
}

/* Does @insn change x30 (BL, BLR, a PAC operation on LR, any write to register 30)? */
static bool writes_x30(uint32_t insn)
{
	if ((insn & 0xfc000000u) == 0x94000000u)		/* BL */
		return true;
	if ((insn & 0xfffff01fu) == 0xd503201fu)		/* HINT: PACIASP, AUTIASP, XPACLRI */
		return (insn & 0xf00u) == 0x300u || insn == 0xd50320ffu;
	if ((insn & 0x3a000000u) == 0x28000000u && (insn & (1u << 22)) &&
	    ((insn >> 10) & 31) == 30)				/* LDP ..., x30 */
		return true;
	return (insn & 31) == 30;	/* any other with Rd/Rt x30 (a store too: cautious) */
}

/*
 * The successors of a straight or conditional instruction (B, B.cond,
 * CBZ/CBNZ, TBZ/TBNZ: relative targets), as indices; -1 for what no path
 * may cross (RET, BR, BLR, exceptions: the return address is lost or the
 * flow leaves). Returns how many (0, 1 or 2).
 */
static int successors(uint32_t insn, long i, long next[2])
{
	int64_t imm;

	if ((insn & 0xfc000000u) == 0x14000000u) {		/* B */
		imm = insn & 0x03ffffffu;
		next[0] = i + (imm & 0x02000000 ? imm - 0x04000000 : imm);
		return 1;
	}
	if ((insn & 0xff000010u) == 0x54000000u || (insn & 0x7e000000u) == 0x34000000u) {
		imm = (insn >> 5) & 0x7ffff;			/* B.cond, CBZ, CBNZ */
		next[0] = i + (imm & 0x40000 ? imm - 0x80000 : imm);
		next[1] = i + 1;
		return 2;
	}
	if ((insn & 0x7e000000u) == 0x36000000u) {		/* TBZ, TBNZ */
		imm = (insn >> 5) & 0x3fff;
		next[0] = i + (imm & 0x2000 ? imm - 0x4000 : imm);
		next[1] = i + 1;
		return 2;
	}
	if ((insn & 0xfe000000u) == 0xd6000000u || (insn & 0xff000000u) == 0xd4000000u)
		return -1;	/* branch to a register (RET, BR, BLR), SVC/HVC/BRK */
	next[0] = i + 1;
	return 1;
}

/*
 * The kernel may refuse a kprobe on a BL of a notrace copy (6.12.118's
 * move_page_tables+0x590, move_normal_pmd's flush_tlb_range: a spin_lock's
 * CASA 26 instructions before). Each path from the call reaches, before x30
 * changes, an instruction the kernel probes: probed with x30 recorded, each
 * counts the call where x30 is the call's return address (the adapter's
 * test: other paths reach it too, with another x30). Every path from the
 * return must reach one such point before x30 changes or the flow leaves
 * (else none: the site stays refused), and no path from a point may reach
 * another (or itself) with x30 unchanged: each call counted once.
 * @text: @n instructions from @base (an index of the function's start when
 * @whole), the call at @call. Fills t->after. O(instructions reached).
 */
static void after_call(struct tlbr_tlbi_site *t, const uint32_t *text, size_t n, bool whole,
		       size_t call, uint64_t base_off)
{
	unsigned char seen[4096] = { 0 };
	long stack[128], next[2];
	unsigned int sp = 0, np = 0, steps = 0;
	size_t pts[4];

	if (n > sizeof(seen) || call + 1 >= n)
		return;
	stack[sp++] = (long)call + 1;
	while (sp) {
		long i = stack[--sp];
		int k;

		if (i < 0 || (size_t)i >= n || ++steps > 256)
			return;
		if (seen[i])
			continue;
		seen[i] = 1;
		if (probeable(text, (size_t)i, whole)) {
			if (np == ARRAY_SIZE(pts))
				return;
			pts[np++] = (size_t)i;
			continue;
		}
		if (writes_x30(text[i]) || (k = successors(text[i], i, next)) < 0)
			return;
		while (k-- > 0) {
			if (sp == ARRAY_SIZE(stack))
				return;
			stack[sp++] = next[k];
		}
	}
	/* from each point on, with x30 unchanged: no point again */
	for (unsigned int p = 0; p < np; p++) {
		memset(seen, 0, sizeof(seen));
		sp = steps = 0;
		if (writes_x30(text[pts[p]]))
			continue;
		int k = successors(text[pts[p]], (long)pts[p], next);

		while (k-- > 0)
			stack[sp++] = next[k];
		while (sp) {
			long i = stack[--sp];

			if (i < 0 || (size_t)i >= n || ++steps > 1024)
				return;	/* out of what was read: cannot tell */
			if (seen[i])
				continue;
			seen[i] = 1;
			for (unsigned int q = 0; q < np; q++)
				if ((size_t)i == pts[q])
					return;
			if (writes_x30(text[i]) || (k = successors(text[i], i, next)) < 0)
				continue;	/* x30 changed, or the flow left: that path is done */
			while (k-- > 0) {
				if (sp == ARRAY_SIZE(stack))
					return;
				stack[sp++] = next[k];
			}
		}
	}
	for (unsigned int p = 0; p < np; p++)
		t->after[p] = base_off + pts[p] * 4;
	t->nafter = np;
}

/*
 * The text around the call @t (up to 2048 instructions either side, within
 * its function @f, which ends at the next symbol) for after_call().
 */
static void call_window(int fd, const Elf64_Phdr *ph, struct tlbr_tlbi_site *t,
			const struct ksym *f, const struct ksym *syms_end)
{
	uint32_t text[4096];
	uint64_t end = f + 1 < syms_end ? f[1].addr : t->addr + 4096;
	uint64_t lo = t->addr - f->addr > 2048 * 4 ? t->addr - 2048 * 4 : f->addr;
	uint64_t hi = end - t->addr > 2048 * 4 ? t->addr + 2048 * 4 : end;
	ssize_t got;

	if (hi <= t->addr || hi - lo > sizeof(text))
		return;
	got = pread(fd, text, hi - lo, (off_t)(ph->p_offset + (lo - ph->p_vaddr)));
	if (got < (ssize_t)(t->addr + 4 - lo))
		return;
	after_call(t, text, (size_t)got / 4, lo == f->addr, (t->addr - lo) / 4, lo - f->addr);
}

static int call_sites(const char *kcore, const Elf64_Phdr *ph, struct tlbr_tlbi_site **psites,
		      unsigned int *pn, const struct ksym *syms, size_t nsyms, uint64_t stext,
		      uint64_t etext)
{
	struct tlbr_tlbi_site *sites = *psites;
	unsigned int n = *pn, alloc = n, k, nh = 0;
	struct { uint64_t start; unsigned int first; bool broadcast; } holders[128];
	uint64_t a;
	int fd;

	/* the functions whose TLBIs cannot be probed, by their start address */
	for (k = 0; k < n; k++) {
		const struct ksym *f = ksym_of(syms, nsyms, sites[k].addr);
		unsigned int h;

		if (!f || !notrace_copy(sites[k].function, sites[k].by_address))
			continue;
		snprintf(sites[k].why, sizeof(sites[k].why), "in a notrace copy: its calls are "
			 "probed");
		for (h = 0; h < nh && holders[h].start != f->addr; h++)
			;
		if (h == nh && nh < ARRAY_SIZE(holders))
			holders[nh++] = (typeof(holders[0])){ f->addr, k, false };
		if (h < nh)
			holders[h].broadcast |= sites[k].broadcast;
	}
	if (!nh)
		return 0;
	fd = open(kcore, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (a = stext; a < etext; ) {
		uint32_t buf[16384];
		size_t len = etext - a < sizeof(buf) ? (size_t)(etext - a) : sizeof(buf);
		ssize_t got = pread(fd, buf, len, (off_t)(ph->p_offset + (a - ph->p_vaddr)));

		if (got <= 0)
			break;
		for (size_t i = 0; i < (size_t)got / 4; i++) {
			uint32_t insn = buf[i];
			uint64_t pc = a + i * 4, target;
			int64_t imm;
			const struct ksym *caller;
			unsigned int h;

			if ((insn & 0x7c000000u) != 0x14000000u)	/* B or BL */
				continue;
			imm = (int64_t)(insn & 0x03ffffffu);
			if (imm & 0x02000000)
				imm -= 0x04000000;
			target = pc + (uint64_t)(imm * 4);
			for (h = 0; h < nh && holders[h].start != target; h++)
				;
			if (h == nh)
				continue;
			caller = ksym_of(syms, nsyms, pc);
			if (!caller || notrace_copy(caller->name, false))
				continue;	/* a copy calling a copy: its own callers count */
			if (n == alloc) {
				unsigned int na = alloc ? alloc * 2 : 64;
				struct tlbr_tlbi_site *ns = realloc(sites, na * sizeof(*ns));

				if (!ns) {
					close(fd);
					*psites = sites;
					*pn = n;
					return -ENOMEM;
				}
				sites = ns;
				alloc = na;
			}
			memset(&sites[n], 0, sizeof(sites[n]));
			sites[n].addr = pc;
			sites[n].offset = pc - caller->addr;
			sites[n].rt = 31;
			sites[n].broadcast = holders[h].broadcast;
			snprintf(sites[n].op, sizeof(sites[n].op), "call");
			snprintf(sites[n].function, sizeof(sites[n].function), "%s", caller->name);
			snprintf(sites[n].callee, sizeof(sites[n].callee), "%s",
				 sites[holders[h].first].function);
			if (insn & 0x80000000u)	/* BL: where to count it if the kernel refuses it */
				call_window(fd, ph, &sites[n], caller, syms + nsyms);
			n++;
		}
		a += (uint64_t)got & ~3ULL;
	}
	close(fd);
	*psites = sites;
	*pn = n;
	return 0;
}

/* DSB ISH, OSH or NSH (dsb(ishst) only orders the PTE stores before the TLBIs) */
static bool is_dsb_completion(uint32_t insn)
{
	return insn == 0xd5033b9fu || insn == 0xd503339fu || insn == 0xd503379fu;
}

/* The first DSB after each probed TLBI site, in its function: census sites of op "dsb". */
static int dsb_sites(struct tlbr_tlbi_site **psites, unsigned int *pn, const uint64_t *dsb,
		     size_t ndsb, const struct ksym *syms, size_t nsyms)
{
	struct tlbr_tlbi_site *sites = *psites;
	unsigned int n = *pn, ntlbi = n, alloc = n, k;
	uint64_t last = 0;

	for (k = 0; k < ntlbi; k++) {
		const struct tlbr_tlbi_site *t = &sites[k];
		const struct ksym *f = ksym_of(syms, nsyms, t->addr);
		size_t lo = 0, hi = ndsb;

		if (!strcmp(t->op, "call") || t->why[0] || !f)
			continue;
		while (lo < hi) {	/* the first DSB after the TLBI */
			size_t mid = (lo + hi) / 2;

			if (dsb[mid] <= t->addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == ndsb || dsb[lo] - t->addr > 256 || ksym_of(syms, nsyms, dsb[lo]) != f ||
		    dsb[lo] == last)
			continue;
		for (unsigned int j = ntlbi; j < n; j++)
			if (sites[j].addr == dsb[lo])
				goto next;
		if (n == alloc) {
			unsigned int na = alloc ? alloc * 2 : 64;
			struct tlbr_tlbi_site *ns = realloc(sites, na * sizeof(*ns));

			if (!ns) {
				*psites = sites;
				*pn = n;
				return -ENOMEM;
			}
			sites = ns;
			alloc = na;
		}
		memset(&sites[n], 0, sizeof(sites[n]));
		sites[n].addr = dsb[lo];
		sites[n].offset = dsb[lo] - f->addr;
		sites[n].rt = 31;
		sites[n].broadcast = sites[k].broadcast;
		sites[n].by_address = sites[k].by_address;
		snprintf(sites[n].op, sizeof(sites[n].op), "dsb");
		snprintf(sites[n].function, sizeof(sites[n].function), "%s", f->name);
		last = dsb[lo];
		n++;
next:		;
	}
	*psites = sites;
	*pn = n;
	return 0;
}

int tlbr_census_take(const char *kallsyms, const char *kcore, struct tlbr_tlbi_site **ret_sites,
		     unsigned int *ret_n, struct tlbr_error *err)
{
	uint64_t *dsb = NULL;
	size_t ndsb = 0, dsb_alloc = 0;
	struct tlbr_tlbi_site *sites = NULL;
	uint64_t stext, etext, a;
	unsigned int nsites = 0, alloc = 0;
	struct ksym *syms;
	size_t nsyms, i;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, ret = 0;
	bool found = false;

	*ret_sites = NULL;
	*ret_n = 0;
	syms = read_kallsyms(kallsyms, &nsyms, &stext, &etext);
	if (!syms || !stext || etext <= stext) {
		tlbr_error_set(err, UINT64_MAX, 0, "%s has no kernel text symbols (kptr_restrict?)", kallsyms);
		ret = -ENOENT;
		goto out;
	}
	fd = open(kcore, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tlbr_error_set(err, UINT64_MAX, 0, "cannot read %s: %s", kcore, strerror(errno));
		ret = -errno;
		goto out;
	}
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(ph)) {
		tlbr_error_set(err, UINT64_MAX, 0, "%s is not a 64-bit ELF core", kcore);
		close(fd);
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < eh.e_phnum && !found; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph))
			break;
		found = ph.p_type == PT_LOAD && ph.p_vaddr <= stext &&
			etext <= ph.p_vaddr + ph.p_filesz;
	}
	if (!found) {
		tlbr_error_set(err, UINT64_MAX, 0, "no segment of %s holds the kernel text", kcore);
		close(fd);
		ret = -ENOENT;
		goto out;
	}
	for (a = stext; a < etext; ) {
		uint32_t buf[16384];
		size_t len = etext - a < sizeof(buf) ? (size_t)(etext - a) : sizeof(buf);
		ssize_t got = pread(fd, buf, len, (off_t)(ph.p_offset + (a - ph.p_vaddr)));

		if (got <= 0) {
			tlbr_error_set(err, UINT64_MAX, 0, "cannot read the kernel text from %s: %s", kcore,
				 got < 0 ? strerror(errno) : "short read");
			ret = -EIO;
			break;
		}
		for (i = 0; i < (size_t)got / 4; i++) {
			struct tlbr_tlbi_site s = { 0 };
			const struct ksym *k;

			if (is_dsb_completion(buf[i])) {
				if (ndsb == dsb_alloc) {
					size_t na = dsb_alloc ? dsb_alloc * 2 : 4096;
					uint64_t *nd = realloc(dsb, na * sizeof(*nd));

					if (!nd) {
						ret = -ENOMEM;
						break;
					}
					dsb = nd;
					dsb_alloc = na;
				}
				dsb[ndsb++] = a + i * 4;
				continue;
			}
			if (!decode(buf[i], &s))
				continue;
			k = ksym_of(syms, nsyms, a + i * 4);
			if (!k)
				continue;
			if (nsites == alloc) {
				unsigned int na = alloc ? alloc * 2 : 64;
				struct tlbr_tlbi_site *ns = realloc(sites, na * sizeof(*ns));

				if (!ns) {
					ret = -ENOMEM;
					break;
				}
				sites = ns;
				alloc = na;
			}
			s.addr = a + i * 4;
			s.offset = s.addr - k->addr;
			snprintf(s.function, sizeof(s.function), "%s", k->name);
			sites[nsites++] = s;
		}
		a += (uint64_t)got & ~3ULL;
	}
	close(fd);
	/* kprobes take function+offset only of a unique name: others get the address */
	if (nsites) {
		char **names = malloc(nsyms * sizeof(*names));

		for (i = 0; names && i < nsyms; i++)
			names[i] = syms[i].name;
		if (names) {
			qsort(names, nsyms, sizeof(*names), name_cmp);
			for (unsigned int k = 0; k < nsites; k++)
				sites[k].by_address = name_shared(names, nsyms, sites[k].function);
		}
		free(names);
	}
	if (!ret && nsites)
		ret = call_sites(kcore, &ph, &sites, &nsites, syms, nsyms, stext, etext);
	if (!ret && nsites)
		ret = dsb_sites(&sites, &nsites, dsb, ndsb, syms, nsyms);
	*ret_sites = sites;
	*ret_n = nsites;
	sites = NULL;
out:
	free(sites);
	free(dsb);
	for (i = 0; syms && i < nsyms; i++)
		free(syms[i].name);
	free(syms);
	return ret;
}

/* ------------------------------------------------------------ madvise's young branch */

/*
 * madvise COLD/PAGEOUT's young branch (mm/madvise.c
 * madvise_cold_or_pageout_pte_range(); 6.1: `if (pte_young(ptent)) {
 * ptent = ptep_get_and_clear_full(...); ptent = pte_mkold(ptent);
 * set_pte_at(...); tlb_remove_tlb_entry(tlb, pte, addr); }`, 6.12: `if
 * (!pageout && pte_young(ptent)) { clear_young_dirty_ptes(vma, addr, pte,
 * nr, CYDP_CLEAR_YOUNG); tlb_remove_tlb_entries(tlb, pte, nr, addr); }`),
 * all inlined: no function probe sees which PTEs the walk found young. Its
 * range update, __tlb_adjust_range(tlb, addr, PAGE_SIZE * nr) (asm-generic/
 * tlb.h: tlb->start = min(tlb->start, address); tlb->end = max(tlb->end,
 * address + range_size); then tlb->cleared_ptes = 1), compiles to
 *	cmp Xs, Xa; csel Xs, Xs, Xa, ls; cmp Xe, Xb; csel Xe, Xe, Xb, hs;
 *	stp Xs, Xe, [Xt, #16]; ... orr Wf, Wg, #(1 << k); strh Wf, [Xt, #32]
 * (struct mmu_gather: start at 16, end at 24, the bit-fields at 32), Xa the
 * address, Xb its end. Found as what every path from a test of the PTE's
 * Access flag (TBZ/TBNZ bit 10, PTE_AF) reaches, in code only that test
 * enters: the PTE's (cleared_ptes) and the huge PMD's (`if
 * (pmd_young(orig_pmd))`, tlb_remove_pmd_tlb_entry: cleared_pmds, the
 * next bit) both, or nothing (which one is which: the lower bit, as the
 * struct has them, whatever bits come before). The probe is on the first
 * CMP, where the kernel probes (probeable()); it records Xa and Xb.
 */
static bool is_cmp_x(uint32_t insn, unsigned int *rn, unsigned int *rm)
{
	if ((insn & 0xffe0fc1fu) != 0xeb00001fu)	/* SUBS XZR, Xn, Xm (LSL #0) */
		return false;
	*rn = (insn >> 5) & 31;
	*rm = (insn >> 16) & 31;
	return true;
}

static bool is_csel_x(uint32_t insn, unsigned int rd, unsigned int rm, unsigned int cond)
{
	return (insn & 0xffe00c00u) == 0x9a800000u && (insn & 31) == rd &&
	       ((insn >> 5) & 31) == rd && ((insn >> 16) & 31) == rm && ((insn >> 12) & 15) == cond;
}

/*
 * Is @text[i] the start of a range update? Its address and end registers
 * in *@ra, *@rb and the cleared_* bit it sets in *@bit.
 */
static bool is_adjust(const uint32_t *text, size_t n, size_t i, unsigned int *ra,
		      unsigned int *rb, int *bit)
{
	unsigned int s, a, e, b, rt, f = 32;

	if (i + 9 > n || !is_cmp_x(text[i], &s, &a) || !is_csel_x(text[i + 1], s, a, 9) ||
	    !is_cmp_x(text[i + 2], &e, &b) || !is_csel_x(text[i + 3], e, b, 2) || s == e)
		return false;
	/* STP Xs, Xe, [Xt, #16] (64-bit, signed offset) */
	if ((text[i + 4] & 0xffc00000u) != 0xa9000000u || ((text[i + 4] >> 15) & 0x7f) != 2 ||
	    (text[i + 4] & 31) != s || ((text[i + 4] >> 10) & 31) != e)
		return false;
	rt = (text[i + 4] >> 5) & 31;
	for (size_t j = i + 5; j < i + 9; j++) {
		/* ORR Wf, Wg, #(one bit): N 0, imms 0, immr (32 - k) % 32 */
		if ((text[j] & 0xffc0fc00u) == 0x32000000u) {
			f = text[j] & 31;
			*bit = (int)((32 - ((text[j] >> 16) & 63)) & 31);
			continue;
		}
		/* STRH Wf, [Xt, #32] */
		if (f < 32 && (text[j] & 0xffc00000u) == 0x79000000u &&
		    ((text[j] >> 10) & 0xfff) == 16 && ((text[j] >> 5) & 31) == rt &&
		    (text[j] & 31) == f) {
			*ra = a;
			*rb = b;
			return true;
		}
	}
	return false;
}

/*
 * Is @text[i] the start of a range update with its bit set first (orr Wf,
 * Wg, #(1 << k); strh Wf, [Xt, #32]; then the cmp/csel/cmp/csel/stp to
 * [Xt, #16] of is_adjust(): 6.1's madvise_free_pte_range)? The CMP's index
 * in *@at, the registers and the bit as is_adjust().
 */
static bool is_adjust_bit_first(const uint32_t *text, size_t n, size_t i, size_t *at,
				unsigned int *ra, unsigned int *rb, int *bit)
{
	unsigned int f, rt, s, a, e, b;

	if (i + 7 > n || (text[i] & 0xffc0fc00u) != 0x32000000u)
		return false;
	f = text[i] & 31;
	if ((text[i + 1] & 0xffc00000u) != 0x79000000u || ((text[i + 1] >> 10) & 0xfff) != 16 ||
	    (text[i + 1] & 31) != f)
		return false;
	rt = (text[i + 1] >> 5) & 31;
	if (!is_cmp_x(text[i + 2], &s, &a) || !is_csel_x(text[i + 3], s, a, 9) ||
	    !is_cmp_x(text[i + 4], &e, &b) || !is_csel_x(text[i + 5], e, b, 2) || s == e)
		return false;
	if ((text[i + 6] & 0xffc00000u) != 0xa9000000u || ((text[i + 6] >> 15) & 0x7f) != 2 ||
	    (text[i + 6] & 31) != s || ((text[i + 6] >> 10) & 31) != e ||
	    ((text[i + 6] >> 5) & 31) != rt)
		return false;
	*bit = (int)((32 - ((text[i] >> 16) & 63)) & 31);
	*at = i + 2;
	*ra = a;
	*rb = b;
	return true;
}

/*
 * The flow of @insn at @i for the region walk: its successors (B, B.cond,
 * CBZ/CBNZ, TBZ/TBNZ relative; BL, BLR return to the next), 0 for RET, -1
 * for what cannot be followed (BR, ERET); BRK goes on (a WARN returns).
 */
static int flow(uint32_t insn, long i, long next[2])
{
	if ((insn & 0xfc000000u) == 0x94000000u) {		/* BL */
		next[0] = i + 1;
		return 1;
	}
	if ((insn & 0xfe000000u) == 0xd6000000u) {		/* branch to a register */
		unsigned int opc = (insn >> 21) & 15;

		if (opc == 1 || opc == 9) {			/* BLR, BLRAA/BLRAB */
			next[0] = i + 1;
			return 1;
		}
		return opc == 2 ? 0 : -1;			/* RET (RETAA/RETAB); BR, ERET */
	}
	if ((insn & 0xff000000u) == 0xd4000000u) {		/* BRK: a WARN goes on */
		next[0] = i + 1;
		return 1;
	}
	return successors(insn, i, next);
}

#define AGE_MAX_INSNS 4096

/*
 * From the young side @y of a bit-10 test at @test: the instructions every
 * path reaches before a range update (@in: marked), the update's index in
 * *@adj. False when a path leaves without one, reaches two, or code
 * outside enters it (checked by the caller).
 */
static bool young_region(const uint32_t *text, size_t n, long y, unsigned char *in, long *adj)
{
	long stack[256], next[2];
	unsigned int sp = 0, steps = 0;
	unsigned int ra, rb;
	int bit;

	*adj = -1;
	stack[sp++] = y;
	while (sp) {
		long i = stack[--sp];
		int k;

		if (i < 0 || (size_t)i >= n || ++steps > 2048)
			return false;
		if (in[i])
			continue;
		if (is_adjust(text, n, (size_t)i, &ra, &rb, &bit)) {
			if (*adj >= 0 && *adj != i)
				return false;
			*adj = i;
			continue;
		}
		in[i] = 1;
		k = flow(text[i], i, next);
		if (k <= 0)
			return false;	/* returns or leaves with no update */
		while (k-- > 0) {
			if (sp == ARRAY_SIZE(stack))
				return false;
			stack[sp++] = next[k];
		}
	}
	return *adj >= 0;
}

/*
 * Does code outside @in (but @test) flow into @in or to @adj? The kernel
 * probes only the young branch's own update then.
 */
static bool entered(const uint32_t *text, size_t n, const unsigned char *in, long test, long adj,
		    const unsigned char *reach)
{
	long next[2];

	for (size_t j = 0; j < n; j++) {
		int k;

		if (in[j] || (long)j == test || !reach[j])
			continue;
		k = flow(text[j], (long)j, next);
		while (k-- > 0)
			if (next[k] >= 0 && (size_t)next[k] < n && (in[next[k]] || next[k] == adj))
				return true;
	}
	/* nor into the update's other instructions but from the one before */
	for (size_t j = 0; j < n; j++) {
		int k = reach[j] ? flow(text[j], (long)j, next) : 0;

		while (k-- > 0)
			if (next[k] > adj && next[k] < adj + 5 && next[k] != (long)j + 1)
				return true;
	}
	return false;
}

/*
 * The instructions the flow reaches from the function's start (@reach):
 * one after an unconditional branch that nothing targets is not code the
 * kernel runs (a patched static branch's other side, padding). False when
 * the flow cannot be followed (a branch to a register).
 */
static bool reachable(const uint32_t *text, size_t n, unsigned char *reach)
{
	long *stack = malloc(n * 2 * sizeof(*stack)), next[2];
	size_t sp = 0;
	bool ok = stack != NULL;

	memset(reach, 0, n);
	if (ok)
		stack[sp++] = 0;
	while (ok && sp) {
		long i = stack[--sp];
		int k;

		if (i < 0 || (size_t)i >= n)
			continue;	/* a tail call */
		if (reach[i])
			continue;
		reach[i] = 1;
		k = flow(text[i], i, next);
		if (k < 0)
			ok = false;
		while (k-- > 0)
			stack[sp++] = next[k];
	}
	free(stack);
	return ok;
}

/*
 * The text of @fn (one function of at most AGE_MAX_INSNS instructions in
 * @kallsyms) from @kcore into @text: its instructions in *@n, and the
 * instructions the flow reaches in @reach (reachable()). 0, or a negative
 * errno with why in @s->why.
 */
static int fn_text(const char *kallsyms, const char *kcore, const char *fn, uint32_t *text,
		   size_t *n, unsigned char *reach, struct tlbr_age_site *s)
{
	unsigned int named = 0;
	uint64_t stext, etext, start = 0, end = 0;
	struct ksym *syms;
	size_t nsyms, i;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	bool seg = false;
	ssize_t got;
	int fd;

	syms = read_kallsyms(kallsyms, &nsyms, &stext, &etext);
	for (i = 0; syms && i < nsyms; i++) {
		if (strcmp(syms[i].name, fn))
			continue;
		named++;
		start = syms[i].addr;
		for (size_t j = i + 1; j < nsyms; j++)
			if (syms[j].addr > start) {
				end = syms[j].addr;
				break;
			}
	}
	for (i = 0; syms && i < nsyms; i++)
		free(syms[i].name);
	free(syms);
	if (named != 1 || !end || end - start > AGE_MAX_INSNS * 4) {
		snprintf(s->why, sizeof(s->why), named ? "%s is not one function of at most 16 KiB"
			 : "%s is not in kallsyms (inlined?)", fn);
		return -ENOENT;
	}
	fd = open(kcore, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && pread(fd, &eh, sizeof(eh), 0) == sizeof(eh) &&
	    !memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
	    eh.e_phentsize == sizeof(ph))
		for (i = 0; i < eh.e_phnum && !seg; i++) {
			if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
			    sizeof(ph))
				break;
			seg = ph.p_type == PT_LOAD && ph.p_vaddr <= start &&
			      end <= ph.p_vaddr + ph.p_filesz;
		}
	got = seg ? pread(fd, text, end - start, (off_t)(ph.p_offset + (start - ph.p_vaddr))) : -1;
	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)(end - start)) {
		snprintf(s->why, sizeof(s->why), "cannot read %s's text from %s", fn, kcore);
		return -EIO;
	}
	*n = (size_t)got / 4;
	if (!reachable(text, *n, reach)) {
		snprintf(s->why, sizeof(s->why), "%s: a branch to a register, or out of it", fn);
		return -EINVAL;
	}
	return 0;
}

int tlbr_age_find(const char *kallsyms, const char *kcore, struct tlbr_age_site *s)
{
	static const char fn[] = "madvise_cold_or_pageout_pte_range";
	uint32_t text[AGE_MAX_INSNS];
	unsigned char in[AGE_MAX_INSNS], reach[AGE_MAX_INSNS];
	struct { long test, adj; int bit; unsigned int ra, rb; } found[4];
	unsigned int nfound = 0;
	size_t i, n;
	int ret;

	memset(s, 0, sizeof(*s));
	if ((ret = fn_text(kallsyms, kcore, fn, text, &n, reach, s)) < 0)
		return ret;
	for (i = 0; i < n; i++) {
		long next[2], y, adj;
		unsigned int ra = 0, rb = 0;
		int bit = -1;

		/* TBZ/TBNZ Wt, #10 (b5 0, b40 10) */
		if (!reach[i] || (text[i] & 0xfef80000u) != 0x36500000u)
			continue;
		successors(text[i], (long)i, next);
		y = text[i] & 0x01000000u ? next[0] : next[1];	/* TBNZ: taken is young */
		memset(in, 0, n);
		if (!young_region(text, n, y, in, &adj) || entered(text, n, in, (long)i, adj, reach))
			continue;
		is_adjust(text, n, (size_t)adj, &ra, &rb, &bit);
		if (nfound == ARRAY_SIZE(found)) {
			snprintf(s->why, sizeof(s->why), "%s has more than %zu Access flag tests",
				 fn, ARRAY_SIZE(found));
			return -EINVAL;
		}
		found[nfound].test = (long)i;
		found[nfound].adj = adj;
		found[nfound].bit = bit;
		found[nfound].ra = ra;
		found[nfound++].rb = rb;
	}
	/* the PTE's and the PMD's: cleared_ptes, then cleared_pmds */
	if (nfound != 2 || found[0].adj == found[1].adj ||
	    abs(found[0].bit - found[1].bit) != 1) {
		snprintf(s->why, sizeof(s->why), "%s: %u young branches with their own range update "
			 "(the PTE's and the PMD's, cleared_ptes and cleared_pmds, expected)", fn,
			 nfound);
		return -ENOENT;
	}
	i = found[0].bit < found[1].bit ? 0 : 1;
	if (!probeable(text, (size_t)found[i].adj, true)) {
		snprintf(s->why, sizeof(s->why), "%s+0x%lx follows an exclusive load "
			 "(arm_kprobe_decode_insn refuses it)", fn, found[i].adj * 4);
		return -EINVAL;
	}
	s->found = true;
	s->test = (uint64_t)found[i].test * 4;
	s->offset = (uint64_t)found[i].adj * 4;
	s->ra = found[i].ra;
	s->rb = found[i].rb;
	snprintf(s->function, sizeof(s->function), "%s", fn);
	/* the huge PMD's: the other one (cleared_pmds), where the kernel probes too */
	i ^= 1;
	s->pmd_test = (uint64_t)found[i].test * 4;
	s->pmd_offset = (uint64_t)found[i].adj * 4;
	s->pmd_ra = found[i].ra;
	s->pmd_rb = found[i].rb;
	s->pmd_found = probeable(text, (size_t)found[i].adj, true);
	if (!s->pmd_found)
		snprintf(s->pmd_why, sizeof(s->pmd_why), "%s+0x%lx follows an exclusive load "
			 "(arm_kprobe_decode_insn refuses it)", fn, found[i].adj * 4);
	return 0;
}

/*
 * madvise FREE's young-or-dirty branch (mm/madvise.c madvise_free_pte_range();
 * 6.1: `if (pte_young(ptent) || pte_dirty(ptent)) { ptent =
 * ptep_get_and_clear_full(...); ptent = pte_mkold(ptent); ptent =
 * pte_mkclean(ptent); set_pte_at(...); tlb_remove_tlb_entry(tlb, pte,
 * addr); }`, 6.12: clear_young_dirty_ptes(..., CYDP_CLEAR_YOUNG |
 * CYDP_CLEAR_DIRTY); tlb_remove_tlb_entries(tlb, pte, nr, addr)), inlined:
 * the function's only range update (either order of its parts:
 * is_adjust(), is_adjust_bit_first()), which every PTE range it gathers
 * goes through (its huge PMDs are madvise_free_huge_pmd()'s, out of line:
 * a second update refuses it). The probe on the update's first CMP
 * (probeable()) records the address and end registers.
 */
int tlbr_free_find(const char *kallsyms, const char *kcore, struct tlbr_age_site *s)
{
	static const char fn[] = "madvise_free_pte_range";
	uint32_t text[AGE_MAX_INSNS];
	unsigned char reach[AGE_MAX_INSNS];
	unsigned int nfound = 0, ra = 0, rb = 0;
	size_t i, n, at = 0;
	int ret, bit;

	memset(s, 0, sizeof(*s));
	if ((ret = fn_text(kallsyms, kcore, fn, text, &n, reach, s)) < 0)
		return ret;
	for (i = 0; i < n; i++) {
		unsigned int a, b;
		size_t k = i;

		if (!reach[i] || !(is_adjust(text, n, i, &a, &b, &bit) ||
				   is_adjust_bit_first(text, n, i, &k, &a, &b, &bit)))
			continue;
		nfound++;
		at = k;
		ra = a;
		rb = b;
	}
	if (nfound != 1) {
		snprintf(s->why, sizeof(s->why), "%s: %u range updates (its PTEs' only expected)", fn,
			 nfound);
		return -ENOENT;
	}
	if (!probeable(text, at, true)) {
		snprintf(s->why, sizeof(s->why), "%s+0x%zx follows an exclusive load "
			 "(arm_kprobe_decode_insn refuses it)", fn, at * 4);
		return -EINVAL;
	}
	s->found = true;
	s->offset = (uint64_t)at * 4;
	s->ra = ra;
	s->rb = rb;
	snprintf(s->function, sizeof(s->function), "%s", fn);
	return 0;
}

/* ------------------------------------------------------------ probing */

/* The fetch arguments of a TLBI probe: its site number and the operand register. */
void tlbr_tlbi_fetch(const struct tlbr_tlbi_site *t, unsigned int i, char *buf, size_t n)
{
	if (t->rt < 31)
		snprintf(buf, n, "site=\\%u:u32 op=%%x%u:x64", i, t->rt);
	else
		snprintf(buf, n, "site=\\%u:u32", i);
}

void tlbr_tlbi_event(const struct tlbr_census *cs, unsigned int k, char *buf, size_t n)
{
	if (cs->ev_part[k])
		snprintf(buf, n, "tlbi_%d_%u", cs->ev_site[k], cs->ev_part[k]);
	else
		snprintf(buf, n, "tlbi_%d", cs->ev_site[k]);
}

/*
 * The kprobe of census site @i at @off into its function (moved past an
 * atomic); @part > 0: the part-th point after a refused call, recording x30
 * (after_call()).
 */
static struct tracefs_dynevent *tlbi_probe(const struct tlbr_census *cs, unsigned int i, uint64_t off,
					   unsigned int part)
{
	const struct tlbr_tlbi_site *t = &cs->sites[i];
	char name[32], addr[96], fetch[64];

	if (part)
		snprintf(name, sizeof(name), part > 1 ? "tlbi_%u_%u" : "tlbi_%u", i, part - 1);
	else
		snprintf(name, sizeof(name), "tlbi_%u", i);
	if (t->by_address)
		snprintf(addr, sizeof(addr), "0x%llx",
			 (unsigned long long)(t->addr - t->offset + off));
	else
		snprintf(addr, sizeof(addr), "%s+0x%llx", t->function, (unsigned long long)off);
	if (part)
		snprintf(fetch, sizeof(fetch), "site=\\%u:u32 ret=%%x30:x64", i);
	else
		tlbr_tlbi_fetch(t, i, fetch, sizeof(fetch));
	return tracefs_kprobe_alloc(PROBE_SYSTEM, name, addr, fetch);
}

/*
 * A call the kernel refused: probed at the points after it (t->after),
 * each recording x30; all of them or none. Returns whether it is probed.
 */
static bool probe_after_call(struct tlbr_census *cs, unsigned int i)
{
	struct tlbr_tlbi_site *t = &cs->sites[i];
	unsigned int p, k0 = cs->nprobed;
	size_t l;

	if (!t->nafter || cs->nprobed + t->nafter > MAX_TLBI_PROBES)
		return false;
	for (p = 0; p < t->nafter; p++) {
		struct tracefs_dynevent *ev = tlbi_probe(cs, i, t->after[p], p + 1);

		if (!ev || tracefs_dynevent_create(ev) < 0) {
			tracefs_dynevent_free(ev);
			while (cs->nprobed > k0) {	/* all or none */
				cs->nprobed--;
				tracefs_dynevent_destroy(cs->evs[cs->nprobed], true);
				tracefs_dynevent_free(cs->evs[cs->nprobed]);
				cs->evs[cs->nprobed] = NULL;
			}
			return false;
		}
		cs->evs[cs->nprobed] = ev;
		cs->ev_part[cs->nprobed] = (unsigned char)p;
		cs->ev_site[cs->nprobed++] = (int)i;
	}
	/* formats/adapt-arm64.c reads " where x30 is 0x...": the call's return address */
	l = (size_t)snprintf(t->why, sizeof(t->why), "probed after the call at");
	for (p = 0; p < t->nafter && l < sizeof(t->why); p++)
		l += (size_t)snprintf(t->why + l, sizeof(t->why) - l, " +0x%llx",
				      (unsigned long long)t->after[p]);
	if (l < sizeof(t->why))
		snprintf(t->why + l, sizeof(t->why) - l, " where x30 is 0x%llx",
			 (unsigned long long)(t->addr + 4));
	t->probed = true;
	return true;
}

/* The census line of a site, for --check and the trace's markers. */
void tlbr_census_line(const struct tlbr_tlbi_site *t, unsigned int i, char *buf, size_t n)
{
	size_t l = (size_t)snprintf(buf, n, "%u %s %s %s+0x%llx%s%s%s%s", i, t->op,
		 t->broadcast ? "broadcast" : "local", t->function, (unsigned long long)t->offset,
		 t->callee[0] ? " calls " : "", t->callee, t->probed || t->why[0] ? " " : "",
		 t->probed ? (t->why[0] ? t->why : "probed") : t->why);

	/* --check: where a refused call would be counted (after_call()) */
	for (unsigned int p = 0; !t->probed && !t->why[0] && p < t->nafter && l < n; p++)
		l += (size_t)snprintf(buf + l, n - l, "%s+0x%llx%s", p ? " " :
				      " (if refused: after it at ", (unsigned long long)t->after[p],
				      p + 1 == t->nafter ? ")" : "");
}

/*
 * The age_young probe (tlbr_age_find): planned where its point is found,
 * and, when @create, created (the kernel may still refuse it: then the
 * recording says nothing of it, and the replay keeps its old rule).
 */
/* The kprobe tlbr/@name at @where, created, or NULL with why in @why. */
static struct tracefs_dynevent *age_create(const char *name, const char *where, const char *fetch,
					   char *why, size_t nwhy)
{
	struct tracefs_dynevent *ev = tracefs_kprobe_alloc(PROBE_SYSTEM, name, where, fetch);
	char *kerr;

	if (ev && tracefs_dynevent_create(ev) == 0)
		return ev;
	kerr = tracefs_error_last(NULL);
	snprintf(why, nwhy, "the kernel refused the kprobe at %s%s%.60s", where, kerr ? ": " : "",
		 kerr ? kerr : "");
	free(kerr);
	tracefs_dynevent_free(ev);
	return NULL;
}

static void age_probe(struct tlbr_census *cs, const struct tlbr_plan_env *env, bool create,
		      FILE *log)
{
	char where[128], fetch[64];

	cs->age_planned = tlbr_age_probe_def(env, &cs->age, where, sizeof(where), fetch,
					     sizeof(fetch));
	if (!cs->age_planned)
		return;
	snprintf(cs->age_line, sizeof(cs->age_line), "p:%s/age_young %s %s", PROBE_SYSTEM, where,
		 fetch);
	if (!create) {	/* --check, --dry-run: the huge PMD's would be tried too */
		if (cs->age.pmd_found) {
			tlbr_age_pmd_def(&cs->age, where, sizeof(where), fetch, sizeof(fetch));
			snprintf(cs->age_pmd_line, sizeof(cs->age_pmd_line),
				 "p:%s/age_young_pmd %s %s", PROBE_SYSTEM, where, fetch);
			cs->age_pmd_planned = true;
		}
		return;
	}
	cs->age_ev = age_create("age_young", where, fetch, cs->age.why, sizeof(cs->age.why));
	cs->age_planned = cs->age_ev != NULL;
	if (log)
		fprintf(log, "tlbreplay: madvise's young branch: %s\n",
			cs->age_ev ? cs->age_line : cs->age.why);
	/* the huge PMD's, with the PTE's only (the replay decides a walk by both) */
	if (!cs->age_planned || !cs->age.pmd_found)
		return;
	tlbr_age_pmd_def(&cs->age, where, sizeof(where), fetch, sizeof(fetch));
	snprintf(cs->age_pmd_line, sizeof(cs->age_pmd_line), "p:%s/age_young_pmd %s %s",
		 PROBE_SYSTEM, where, fetch);
	cs->age_pmd_planned = true;
	cs->age_pmd_ev = age_create("age_young_pmd", where, fetch, cs->age.pmd_why,
				    sizeof(cs->age.pmd_why));
	cs->age_pmd_planned = cs->age_pmd_ev != NULL;
	if (log)
		fprintf(log, "tlbreplay: madvise's huge PMD young branch: %s\n",
			cs->age_pmd_ev ? cs->age_pmd_line : cs->age.pmd_why);
}

/* The age_free probe (tlbr_free_find), as age_probe()'s. */
static void free_probe(struct tlbr_census *cs, const struct tlbr_plan_env *env, bool create,
		       FILE *log)
{
	char where[128], fetch[64];

	cs->free_planned = tlbr_free_probe_def(env, &cs->free, where, sizeof(where), fetch,
					       sizeof(fetch));
	if (!cs->free_planned)
		return;
	snprintf(cs->free_line, sizeof(cs->free_line), "p:%s/age_free %s %s", PROBE_SYSTEM, where,
		 fetch);
	if (!create)
		return;
	cs->free_ev = age_create("age_free", where, fetch, cs->free.why, sizeof(cs->free.why));
	cs->free_planned = cs->free_ev != NULL;
	if (log)
		fprintf(log, "tlbreplay: madvise FREE's young-or-dirty branch: %s\n",
			cs->free_ev ? cs->free_line : cs->free.why);
}

/*
 * Take the census (arm64 with kprobes) and probe each site: the kernel
 * refuses some (an instruction right after an atomic looks exclusive to
 * it): those are tried at the next five instructions, then skipped.
 */
void tlbr_census_probe(struct tlbr_census *cs, const struct tlbr_plan_env *env, bool create,
			 FILE *log)
{
	char path[2][600];
	struct tlbr_error err = { 0 };
	unsigned int i;

	if (strcmp(env->arch, "aarch64") || !env->kprobes) {
		snprintf(cs->note, sizeof(cs->note), "no TLBI census: %s",
			 strcmp(env->arch, "aarch64") ? "not an arm64 kernel" : "no kprobe_events");
		return;
	}
	snprintf(path[0], sizeof(path[0]), "%s/proc/kallsyms", env->sysroot);
	snprintf(path[1], sizeof(path[1]), "%s/proc/kcore", env->sysroot);
	if (tlbr_census_take(path[0], path[1], &cs->sites, &cs->n, &err) < 0) {
		snprintf(cs->note, sizeof(cs->note), "no TLBI census: %.200s", err.msg);
		return;
	}
	for (i = 0; i < cs->n; i++) {
		struct tlbr_tlbi_site *t = &cs->sites[i];
		struct tracefs_dynevent *ev = NULL;
		uint64_t off = t->offset;

		if (t->why[0])	/* in a notrace copy: its call sites stand for it */
			continue;
		if (cs->nprobed == MAX_TLBI_PROBES) {
			snprintf(t->why, sizeof(t->why), "over the limit of %d probes",
				 MAX_TLBI_PROBES);
			continue;
		}
		if (!create) {	/* --check, --dry-run: every site would be tried */
			cs->ev_part[cs->nprobed] = 0;
			cs->ev_site[cs->nprobed++] = (int)i;
			continue;
		}
		for (int k = 0; k < 6 && !t->probed; k++, off += 4) {
			ev = tlbi_probe(cs, i, off, 0);
			if (ev && tracefs_dynevent_create(ev) == 0) {
				t->probed = true;
				if (k)
					snprintf(t->why, sizeof(t->why), "probed further on "
						 "(+0x%llx)", (unsigned long long)off);
				break;
			}
			tracefs_dynevent_free(ev);
			ev = NULL;
		}
		if (!t->probed && probe_after_call(cs, i))
			continue;
		if (!t->probed) {
			char *kerr = tracefs_error_last(NULL);

			snprintf(t->why, sizeof(t->why), "the kernel refused the kprobe%s%.60s",
				 kerr ? ": " : "", kerr ? kerr : "");
			free(kerr);
			continue;
		}
		cs->evs[cs->nprobed] = ev;
		cs->ev_part[cs->nprobed] = 0;
		cs->ev_site[cs->nprobed++] = (int)i;
	}
	if (log && create)
		fprintf(log, "tlbreplay: TLBI census: %u sites, %u probed\n", cs->n, cs->nprobed);
	age_probe(cs, env, create, log);
	free_probe(cs, env, create, log);
}

void tlbr_census_release(struct tlbr_census *cs)
{
	unsigned int k;

	if (cs->age_ev) {
		tracefs_dynevent_destroy(cs->age_ev, true);
		tracefs_dynevent_free(cs->age_ev);
		cs->age_ev = NULL;
	}
	if (cs->age_pmd_ev) {
		tracefs_dynevent_destroy(cs->age_pmd_ev, true);
		tracefs_dynevent_free(cs->age_pmd_ev);
		cs->age_pmd_ev = NULL;
	}
	if (cs->free_ev) {
		tracefs_dynevent_destroy(cs->free_ev, true);
		tracefs_dynevent_free(cs->free_ev);
		cs->free_ev = NULL;
	}

	for (k = 0; k < cs->nprobed; k++) {
		if (!cs->evs[k])
			continue;
		tracefs_dynevent_destroy(cs->evs[k], true);
		tracefs_dynevent_free(cs->evs[k]);
		cs->evs[k] = NULL;
	}
	free(cs->sites);
	cs->sites = NULL;
}

/*
 * An instruction probe's kprobe_events location and fetch arguments, as
 * @find (tlbr_age_find, tlbr_free_find) places it on @env's kernel, or why
 * there is none (@why set).
 */
static bool site_def(const struct tlbr_plan_env *env, struct tlbr_age_site *a, char *where,
		     size_t nw, char *fetch, size_t nf,
		     int (*find)(const char *, const char *, struct tlbr_age_site *))
{
	char path[2][600];

	if (strcmp(env->arch, "aarch64") || !env->kprobes) {
		snprintf(a->why, sizeof(a->why), "%s", strcmp(env->arch, "aarch64") ?
			 "not an arm64 kernel" : "no kprobe_events");
		return false;
	}
	snprintf(path[0], sizeof(path[0]), "%s/proc/kallsyms", env->sysroot);
	snprintf(path[1], sizeof(path[1]), "%s/proc/kcore", env->sysroot);
	if (find(path[0], path[1], a) < 0)
		return false;
	snprintf(where, nw, "%s+0x%llx", a->function, (unsigned long long)a->offset);
	snprintf(fetch, nf, "addr=%%x%u:x64 end=%%x%u:x64", a->ra, a->rb);
	return true;
}

bool tlbr_age_probe_def(const struct tlbr_plan_env *env, struct tlbr_age_site *a, char *where,
			size_t nw, char *fetch, size_t nf)
{
	return site_def(env, a, where, nw, fetch, nf, tlbr_age_find);
}

bool tlbr_free_probe_def(const struct tlbr_plan_env *env, struct tlbr_age_site *a, char *where,
			 size_t nw, char *fetch, size_t nf)
{
	return site_def(env, a, where, nw, fetch, nf, tlbr_free_find);
}

void tlbr_age_pmd_def(const struct tlbr_age_site *a, char *where, size_t nw, char *fetch,
		      size_t nf)
{
	snprintf(where, nw, "%s+0x%llx", a->function, (unsigned long long)a->pmd_offset);
	snprintf(fetch, nf, "addr=%%x%u:x64 end=%%x%u:x64", a->pmd_ra, a->pmd_rb);
}

/*
 * The --check lines of the age_young probes: FREE's first, then the huge
 * PMD's, the PTE's last (@buf: each ends with a newline).
 */
void tlbr_age_line(const struct tlbr_plan_env *env, char *buf, size_t n)
{
	struct tlbr_age_site a;
	char where[128], fetch[64];
	size_t l = 0;

	if (tlbr_free_probe_def(env, &a, where, sizeof(where), fetch, sizeof(fetch)))
		l = (size_t)snprintf(buf, n, "madvise FREE's young-or-dirty branch: kprobe: "
				     "p:tlbr/age_free %s %s\n", where, fetch);
	else
		l = (size_t)snprintf(buf, n, "madvise FREE's young-or-dirty branch: no probe: %s\n",
				     a.why);
	if (l >= n)
		return;
	buf += l;
	n -= l;
	l = 0;
	if (!tlbr_age_probe_def(env, &a, where, sizeof(where), fetch, sizeof(fetch))) {
		snprintf(buf, n, "madvise COLD/PAGEOUT's young branch: no probe: %s\n", a.why);
		return;
	}
	if (a.pmd_found) {
		char w2[128], f2[64];

		tlbr_age_pmd_def(&a, w2, sizeof(w2), f2, sizeof(f2));
		l = (size_t)snprintf(buf, n, "madvise COLD/PAGEOUT's huge PMD young branch (Access "
				     "flag test at +0x%llx): kprobe: p:tlbr/age_young_pmd %s %s\n",
				     (unsigned long long)a.pmd_test, w2, f2);
	} else {
		l = (size_t)snprintf(buf, n, "madvise COLD/PAGEOUT's huge PMD young branch: "
				     "no probe: %s\n", a.pmd_why);
	}
	if (l < n)
		snprintf(buf + l, n - l, "madvise COLD/PAGEOUT's young branch (Access flag test at "
			 "+0x%llx): kprobe: p:tlbr/age_young %s %s\n", (unsigned long long)a.test,
			 where, fetch);
}

void tlbr_census_print(FILE *f, const struct tlbr_plan_env *env)
{
	struct tlbr_census cs = { 0 };
	char line[1200];
	unsigned int i, nb = 0, nd = 0;

	tlbr_census_probe(&cs, env, false, NULL);
	if (!cs.sites && cs.note[0]) {
		fprintf(f, "%s\n", cs.note);
		return;
	}
	for (i = 0; i < cs.n; i++) {
		nd += !strcmp(cs.sites[i].op, "dsb");
		nb += cs.sites[i].broadcast && strcmp(cs.sites[i].op, "dsb");
	}
	fprintf(f, "TLBI census: %u sites (%u broadcast, %u local) and %u DSBs that complete them, "
		   "kprobes at each:\n", cs.n - nd, nb, cs.n - nd - nb, nd);
	for (i = 0; i < cs.n; i++) {
		tlbr_census_line(&cs.sites[i], i, line, sizeof(line));
		fprintf(f, "    %s\n", line);
	}
	tlbr_census_release(&cs);
	tlbr_age_line(env, line, sizeof(line));
	fputs(line, f);
}
