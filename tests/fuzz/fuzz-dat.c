// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-dat.c - libFuzzer harness for the trace.dat reader: tlbreplay's own
 * structure walk (dat-check.c), libtracecmd behind it, and everything
 * behind the stream (see fuzz-drive.h).
 *
 * The first byte chooses what the rest is:
 *  - even: the CPU data of a version 6 trace.dat whose header and event
 *    formats are fixed (dat-base.dat, made by make-dat-base.py from the
 *    mprotect-churn sample): pages, their event headers and records, read
 *    through the whole stream. The formats stay valid: libtraceevent's
 *    format parser is not robust against corrupt formats, and the pages
 *    are where the damage tlbreplay must catch lies.
 *  - odd: a whole trace.dat (v6 or v7, any section), given to tlbr_dat_check()
 *    only.
 *
 *   build-fuzz/tests/fuzz/fuzz-dat -max_total_time=60 tests/fuzz/corpus-dat
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dat-check.h"
#include "fuzz-drive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE 4096

static unsigned char *base;
static size_t base_size;

static int memfd_with(const unsigned char *p, size_t n)
{
	int fd = memfd_create("fuzz.dat", MFD_CLOEXEC);

	if (fd >= 0 && write(fd, p, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlbr_error err = { 0 };
	struct dat_layout *layout;
	struct tlbr_stream *s;
	uint64_t off, len;
	unsigned char *out;
	char path[64];
	size_t n;
	int fd;

	if (!size)
		return 0;
	if (data[0] & 1) {
		layout = malloc(sizeof(*layout));
		fd = memfd_with(data + 1, size - 1);
		if (layout && fd >= 0)
			tlbr_dat_check(fd, size - 1, layout, &err);
		if (fd >= 0)
			close(fd);
		free(layout);
		return 0;
	}
	if (!base)
		base = fuzz_load(DAT_BASE, &base_size);
	/* the header, padding to a page, then the pages (at least one) */
	off = (base_size + PAGE - 1) / PAGE * PAGE;
	len = (size - 1) / PAGE * PAGE;
	if (!len)
		len = PAGE;
	n = (size_t)(off + len);
	out = calloc(1, n);
	if (!out)
		return 0;
	memcpy(out, base, base_size);
	memcpy(out + base_size - 16, &off, 8);
	memcpy(out + base_size - 8, &len, 8);
	memcpy(out + off, data + 1, size - 1 < len ? size - 1 : len);
	fd = memfd_with(out, n);
	if (fd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		s = tlbr_stream_open(path, TLBR_FMT_DAT, NULL, &err);
		fuzz_drive(s);
		tlbr_stream_close(s);
		close(fd);
	}
	free(out);
	return 0;
}
