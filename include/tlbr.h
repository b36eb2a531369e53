/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tlbr.h - small shared basics for every tlbreplay folder.
 */
#ifndef TLBR_H
#define TLBR_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noreturn __attribute__((noreturn))
#define __unused __attribute__((unused))

#define zfree(pp) do { free(*(pp)); *(pp) = NULL; } while (0)

/* Exit status contract (DESIGN.md, every man page's EXIT STATUS). */
enum {
	TLBR_EXIT_OK = 0,
	TLBR_EXIT_FAILURE = 1,
	TLBR_EXIT_USAGE = 2,
	TLBR_EXIT_BAD_INPUT = 3,
	TLBR_EXIT_UNSAFE = 4,
};

/* Largest CPU number a trace may name; CPU sets are bitmaps of this size. */
#define TLBR_MAX_CPUS 256

struct tlbr_cpuset {
	uint64_t bits[TLBR_MAX_CPUS / 64];
};

static inline void tlbr_cpuset_set(struct tlbr_cpuset *s, unsigned int cpu)
{
	if (cpu < TLBR_MAX_CPUS)
		s->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

static inline int tlbr_cpuset_test(const struct tlbr_cpuset *s, unsigned int cpu)
{
	return cpu < TLBR_MAX_CPUS && (s->bits[cpu / 64] >> (cpu % 64)) & 1;
}

/*
 * The CPUs in @s. O(words): most words are 0 (traces of few CPUs), and the
 * others are counted inline (without -mpopcnt __builtin_popcountll is a
 * call into libgcc).
 */
static inline unsigned int tlbr_cpuset_count(const struct tlbr_cpuset *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(s->bits); i++) {
		uint64_t w = s->bits[i];

		if (!w)
			continue;
		w = w - ((w >> 1) & 0x5555555555555555ULL);
		w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
		w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
		n += (unsigned int)((w * 0x0101010101010101ULL) >> 56);
	}
	return n;
}

/*
 * Where a bad input was found. Library folders fill one in and return a
 * negative errno; only cmd/ prints it. @file is borrowed from the caller.
 */
struct tlbr_error {
	const char *file;
	uint64_t offset;	/* byte offset in the file, or UINT64_MAX if unknown */
	uint64_t line;		/* 1-based line for text inputs, 0 otherwise */
	char msg[1024];		/* room for two paths and what to do */
};

void tlbr_error_set(struct tlbr_error *err, uint64_t offset, uint64_t line, const char *fmt, ...)
	__printf(4, 5);

#endif /* TLBR_H */
