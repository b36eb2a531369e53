/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - a tiny TAP producer for the unit tests. The exit status is
 * non-zero when any test failed or the plan was not met.
 */
#ifndef TLBR_TAP_H
#define TLBR_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static inline int __attribute__((format(printf, 4, 5)))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		printf("#   failed at %s:%d\n", file, line);
		tap_failed++;
	}
	return pass;
}

#define is_int(got, want, ...)                                                             \
	do {                                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);                   \
		if (!ok(g_ == w_, __VA_ARGS__))                                            \
			printf("#   got %lld, want %lld\n", g_, w_);                           \
	} while (0)

#define is_u64(got, want, ...)                                                             \
	do {                                                                               \
		unsigned long long g_ = (unsigned long long)(got);                         \
		unsigned long long w_ = (unsigned long long)(want);                        \
		if (!ok(g_ == w_, __VA_ARGS__))                                            \
			printf("#   got 0x%llx, want 0x%llx\n", g_, w_);                       \
	} while (0)

#define is_str(got, want, ...)                                                             \
	do {                                                                               \
		const char *g_ = (got), *w_ = (want);                                      \
		if (!ok(g_ && w_ && !strcmp(g_, w_), __VA_ARGS__))                         \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)",                \
			       w_ ? w_ : "(null)");                                        \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* TLBR_TAP_H */
