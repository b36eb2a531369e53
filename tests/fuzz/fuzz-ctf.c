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
 * a damaged trace damages.
 *
 *   build-fuzz/tests/fuzz/fuzz-ctf -max_total_time=60 tests/fuzz/corpus-ctf
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
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

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * babeltrace2 2.0's CTF source asserts (abort) when a packet's
 * packet_size or content_size has its top bit set (msg-iter.c,
 * set_current_packet_content_sizes: the sizes are kept as int64_t). That
 * is the library's bug, not ours: the CLI's crash guard turns it into exit
 * 3 naming the file (t0130). Here such inputs are skipped, so that the
 * fuzzer keeps searching tlbreplay's code. The layout is ctf-base's
 * metadata: packet.header (magic, uuid[16], stream_id: 24 bytes), then
 * packet.context (timestamp_begin, timestamp_end, content_size,
 * packet_size, events_discarded: u64; cpu_id: u32), sizes in bits.
 */
static bool library_asserts(const uint8_t *p, size_t n)
{
	size_t off = 0;

	while (n - off >= 68 && p[off] == 0xc1 && p[off + 1] == 0x1f && p[off + 2] == 0xfc &&
	       p[off + 3] == 0xc1) {
		uint64_t content = le64(p + off + 24 + 16), packet = le64(p + off + 24 + 24);

		if ((int64_t)content < 0 || (int64_t)packet < 0)
			return true;
		if (packet < 68 * 8 || packet % 8 || packet / 8 > n - off)
			break;
		off += packet / 8;
	}
	return false;
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
	if (library_asserts(data + 1, size - 1))
		return -1;	/* not added to the corpus */
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
