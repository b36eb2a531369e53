// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-perf.c - libFuzzer harness for the perf.data reader and everything
 * behind it (see fuzz-drive.h).
 *
 * The input is a perf.data *data section* (records: samples, rounds, COMM,
 * LOST, ...), spliced into a real perf.data (perf-base.data: its header,
 * attributes and tracing data) whose feature sections move behind it. The
 * tracepoint formats stay valid: libtraceevent's format parser is not
 * robust against corrupt formats (it crashes; the command line turns a
 * crash in a trace library into exit status 3 naming the file), and the
 * records are where tlbreplay's own parsing is.
 *
 *   build-fuzz/tests/fuzz/fuzz-perf -max_total_time=60 tests/fuzz/corpus-perf
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-drive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char *base;
static size_t base_size;

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t off, dsize, end, feat, bits[4], delta, i, nfeat = 0;
	struct tlbr_error err = { 0 };
	struct tlbr_stream *s;
	unsigned char *out;
	size_t n;
	char path[64];
	int fd;

	if (!base)
		base = fuzz_load(PERF_BASE, &base_size);
	off = get64(base + 40);
	dsize = get64(base + 48);
	end = off + dsize;
	/* the file: header and attributes, the input, the features moved by delta */
	n = (size_t)off + size + (base_size - (size_t)end);
	out = malloc(n ? n : 1);
	if (!out)
		return 0;
	memcpy(out, base, (size_t)off);
	memcpy(out + off, data, size);
	memcpy(out + off + size, base + end, base_size - (size_t)end);
	put64(out + 48, size);
	delta = (uint64_t)size - dsize;
	memcpy(bits, base + 72, sizeof(bits));
	for (i = 0; i < 256; i++)
		nfeat += (bits[i / 64] >> (i % 64)) & 1;
	for (i = 0; i < nfeat; i++) {
		feat = off + size + 16 * i;
		put64(out + feat, get64(out + feat) + delta);
	}
	fd = memfd_create("fuzz.perf.data", MFD_CLOEXEC);
	if (fd >= 0 && write(fd, out, n) == (ssize_t)n) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		s = tlbr_stream_open(path, TLBR_FMT_PERF, NULL, &err);
		fuzz_drive(s);
		tlbr_stream_close(s);
	}
	if (fd >= 0)
		close(fd);
	free(out);
	return 0;
}
