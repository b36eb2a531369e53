// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-ctf.c - libFuzzer harness for the CTF reader (babeltrace2's
 * source.ctf.fs and muxer, then tlbreplay's conversion of its messages)
 * and everything behind the stream (see fuzz-drive.h).
 *
 * The input is one CTF stream file (packets of events), next to the fixed
 * metadata of ctf-base/ (perf data convert --to-ctf of perf-base.data);
 * the first byte says on which of the two streams it stands (the other
 * keeps its real packets). The metadata stays valid: the packets are what
 * a damaged trace damages. (formats/ctf-check.c walks them before
 * babeltrace2 does: found here, a packet of sizes 0 made babeltrace2 2.0
 * loop until memory ran out, a size with its top bit set made it abort.)
 *
 *   build-fuzz/tests/fuzz/fuzz-ctf -max_total_time=60 tests/fuzz/corpus-ctf
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-drive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void cleanup(void)
{
	char path[128];

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/perf_stream_%d", dir, i);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/metadata", dir);
	unlink(path);
	rmdir(dir);
}

static int copy(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;
	int ret = in && out ? 0 : -1;

	while (!ret && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			ret = -1;
	if (in)
		fclose(in);
	if (out && fclose(out))
		ret = -1;
	return ret;
}

static int write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ret = f && fwrite(p, 1, n, f) == n ? 0 : -1;

	if (f && fclose(f))
		ret = -1;
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlbr_error err = { 0 };
	struct tlbr_stream *s;
	char path[128], other[128], src[4096];
	int which;

	if (!size)
		return 0;
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/tlbr-fuzz-ctf.%d", (int)getpid());
		if (mkdir(dir, 0700) && errno != EEXIST)
			abort();
		snprintf(path, sizeof(path), "%s/metadata", dir);
		snprintf(src, sizeof(src), "%s/metadata", CTF_BASE);
		if (copy(src, path))
			abort();
		atexit(cleanup);
	}
	which = data[0] & 1;
	snprintf(path, sizeof(path), "%s/perf_stream_%d", dir, which);
	snprintf(other, sizeof(other), "%s/perf_stream_%d", dir, !which);
	snprintf(src, sizeof(src), "%s/perf_stream_%d", CTF_BASE, !which);
	if (write_file(path, data + 1, size - 1) || copy(src, other))
		return 0;
	s = tlbr_stream_open(dir, TLBR_FMT_CTF, NULL, &err);
	fuzz_drive(s);
	tlbr_stream_close(s);
	return 0;
}
