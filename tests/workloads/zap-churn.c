// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zap-churn - counted madvise, munmap and mremap over touched and untouched
 * pages, the same calls on every machine (tools/cross-arch.sh records it on
 * x86 and in the arm64 guest, where stress-ng --madvise chose its advice at
 * random and differed between the two).
 *
 * zap-churn [-n ROUNDS] [-p PAGES] [-H] [-N NAME]
 *
 * Every round, over a private anonymous region of PAGES pages (a multiple
 * of 8; default 64), every page written once (a store, never an increment:
 * arm64 compiles that to a load, whose fault maps the zero page, then a
 * store that copies it):
 *   1. madvise(MADV_DONTNEED) over its first eighth (touched pages), which
 *      are then written again;
 *   2. madvise(MADV_FREE) over the second eighth;
 *   3. madvise(MADV_COLD) over the third, madvise(MADV_PAGEOUT) over the
 *      fourth (no swap on either machine: nothing is paged out);
 *   4. madvise(MADV_DONTNEED) over an untouched mapping of PAGES/8 pages;
 *   5. munmap of the fifth eighth (touched) and of the untouched mapping;
 *   6. mremap: the sixth eighth, which the seventh (still mapped) keeps from
 *      growing in place, grown to twice its size (moved: its page tables
 *      move), shrunk back to half of its old size (the cut tail, touched,
 *      is unmapped), and moved with MREMAP_FIXED into a PROT_NONE
 *      reservation of the same size (whose unmap finds no page);
 *   7. munmap of all that is left.
 * Per round: 3 mmap calls, 5 madvise, 6 munmap (step 5: 2; step 7: the
 * region's first four eighths, its seventh and eighth, the moved part, the
 * reservation's rest), 3 mremap; PAGES + PAGES/8 page writes.
 *
 * -H: the region is 2 MiB-aligned and madvise(MADV_HUGEPAGE)d before it is
 * written, so transparent huge pages back it wherever the system's setting
 * (/sys/kernel/mm/transparent_hugepage/enabled: always or madvise) lets
 * them; with PAGES a multiple of 4096 the eighths are 2 MiB-aligned too.
 * It is mapped 4 MiB larger and the slack on both sides unmapped: 2 munmap
 * and 1 madvise more per round, wherever the first mmap landed.
 * -N NAME: the process renames itself (prctl PR_SET_NAME) before its first
 * round: the start marker `tlbreplay diff --against --comm NAME` counts
 * from, leaving the loader's and the C library's start-up out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PG 4096UL
#define HUGE (2UL << 20)

static void touch(char *p, size_t pages, int r)
{
	for (size_t i = 0; i < pages; i++)
		*(volatile char *)&p[i * PG] = (char)(r + 1);
}

static void check(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "zap-churn: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

static void *map(size_t bytes, int prot)
{
	void *p = mmap(NULL, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("zap-churn: mmap");
		exit(1);
	}
	return p;
}

/*
 * A region of @bytes, 2 MiB-aligned (-H): mapped 4 MiB larger, the slack
 * on both sides (never empty: 0 < a - p <= 2 MiB) unmapped, so the calls
 * are the same wherever mmap put it.
 */
static char *map_region(size_t bytes, int huge)
{
	char *p, *a;

	if (!huge)
		return map(bytes, PROT_READ | PROT_WRITE);
	p = map(bytes + 2 * HUGE, PROT_READ | PROT_WRITE);
	a = (char *)(((uintptr_t)p + HUGE) & ~(HUGE - 1));
	check(munmap(p, (size_t)(a - p)), "munmap head");
	check(munmap(a + bytes, (size_t)(p + bytes + 2 * HUGE - (a + bytes))), "munmap tail");
	if (madvise(a, bytes, MADV_HUGEPAGE) < 0)
		perror("zap-churn: madvise(MADV_HUGEPAGE)");
	return a;
}

int main(int argc, char **argv)
{
	int rounds = 50, huge = 0, c;
	size_t pages = 64, e;
	const char *name = NULL;

	while ((c = getopt(argc, argv, "n:p:HN:")) != -1) {
		switch (c) {
		case 'n': rounds = atoi(optarg); break;
		case 'p': pages = (size_t)atol(optarg); break;
		case 'H': huge = 1; break;
		case 'N': name = optarg; break;
		default:
			fprintf(stderr, "usage: zap-churn [-n ROUNDS] [-p PAGES] [-H] [-N NAME]\n");
			return 2;
		}
	}
	if (rounds < 1 || pages < 8 || pages % 8)
		return 2;
	if (name)
		prctl(PR_SET_NAME, name, 0, 0, 0);
	e = pages / 8 * PG;	/* an eighth */
	for (int r = 0; r < rounds; r++) {
		char *p = map_region(pages * PG, huge);
		char *u = map(e, PROT_READ | PROT_WRITE);	/* never touched */
		char *res = map(e, PROT_NONE);			/* the move's destination */
		char *m;

		touch(p, pages, r);
		check(madvise(p, e, MADV_DONTNEED), "madvise(MADV_DONTNEED)");
		touch(p, pages / 8, r);
		check(madvise(p + e, e, MADV_FREE), "madvise(MADV_FREE)");
		check(madvise(p + 2 * e, e, MADV_COLD), "madvise(MADV_COLD)");
		check(madvise(p + 3 * e, e, MADV_PAGEOUT), "madvise(MADV_PAGEOUT)");
		check(madvise(u, e, MADV_DONTNEED), "madvise(MADV_DONTNEED) untouched");
		check(munmap(p + 4 * e, e), "munmap");
		check(munmap(u, e), "munmap untouched");
		/* the seventh eighth is mapped: growing the sixth must move it */
		m = mremap(p + 5 * e, e, 2 * e, MREMAP_MAYMOVE);
		if (m == MAP_FAILED)
			check(-1, "mremap grow");
		m = mremap(m, 2 * e, e / 2, 0);
		if (m == MAP_FAILED)
			check(-1, "mremap shrink");
		m = mremap(m, e / 2, e / 2, MREMAP_MAYMOVE | MREMAP_FIXED, res);
		if (m == MAP_FAILED)
			check(-1, "mremap move");
		check(munmap(p, 4 * e), "munmap");
		check(munmap(p + 6 * e, 2 * e), "munmap");
		check(munmap(m, e / 2), "munmap");
		check(munmap(res + e / 2, e - e / 2), "munmap");
	}
	return 0;
}
