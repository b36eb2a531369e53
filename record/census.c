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
}

void tlbr_census_release(struct tlbr_census *cs)
{
	unsigned int k;

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

void tlbr_census_print(FILE *f, const struct tlbr_plan_env *env)
{
	struct tlbr_census cs = { 0 };
	char line[400];
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
}
