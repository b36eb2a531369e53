// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-stream.c - the stream API (formats/stream.c) on tests/data's
 * scenario1.txt, a file changed while it is read, special files, and the
 * guard calls around the reader only.
 *
 *   test-stream DATADIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats.h"
#include "../tap.h"

static const char *datadir;
static int enters, leaves, depth;
static bool inside_during_event;

static void g_enter(void *ctx)
{
	(void)ctx;
	enters++;
	depth++;
}

static void g_leave(void *ctx)
{
	(void)ctx;
	leaves++;
	depth--;
}

static const struct tlbr_guard guard = { g_enter, g_leave, NULL };

static char *copy_to_tmp(const char *src)
{
	static char path[] = "/tmp/tlbr-test-stream.XXXXXX";
	char buf[4096];
	FILE *in = fopen(src, "r"), *out;
	size_t n;
	int fd;

	strcpy(path + strlen(path) - 6, "XXXXXX");
	fd = mkstemp(path);
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!in || !out)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
	return path;
}

static void test_scenario1(void)
{
	const struct tlbr_event *ev;
	struct tlbr_error err = { 0 };
	struct tlbr_stream *s;
	char path[4096];
	int n = 0, ret;

	snprintf(path, sizeof(path), "%s/scenario1.txt", datadir);
	s = tlbr_stream_open(path, TLBR_FMT_AUTO, &guard, &err);
	if (!ok(s != NULL, "scenario1.txt opens"))
		return;
	while ((ret = tlbr_stream_next(s, &ev, &err)) > 0) {
		n++;
		if (depth)
			inside_during_event = true;
	}
	is_int(ret, 0, "to the end without error");
	/* tests/data/scenario1.stat.expect: "18 raw records, 15 normalised events" */
	is_int(n, 15, "15 normalised events");
	ok(!inside_during_event, "the guard is not armed while the caller has an event");
	tlbr_stream_close(s);
	/* open, 18 records and the end (19 reads), close */
	is_int(enters, 1 + 19 + 1, "the guard is armed around every reader call");
	is_int(leaves, enters, "and disarmed after each");
}

static void test_changed(void)
{
	const struct tlbr_record *rec;
	const struct tlbr_event *evs;
	struct tlbr_error err = { 0 };
	struct tlbr_stream *s;
	char src[4096], *path;
	unsigned int n;
	FILE *f;
	int ret;

	snprintf(src, sizeof(src), "%s/scenario1.txt", datadir);
	path = copy_to_tmp(src);
	if (!ok(path != NULL, "a copy of scenario1.txt"))
		return;
	s = tlbr_stream_open(path, TLBR_FMT_TEXT, NULL, &err);
	is_int(tlbr_stream_next_record(s, &rec, &evs, &n, &err), 1, "first record read");
	f = fopen(path, "a");
	fputs("  a-1 [000] ..... 99.000000: tlb_flush: pages:1 reason:x (3)\n", f);
	fclose(f);
	while ((ret = tlbr_stream_next_record(s, &rec, &evs, &n, &err)) > 0)
		;
	is_int(ret, -EBADMSG, "appended while read: bad input");
	ok(strstr(err.msg, "changed while it was read") != NULL, "the message says so");
	is_u64(err.offset, 1842, "at the size it had when opened");
	tlbr_stream_close(s);
	unlink(path);
}

static void test_special(void)
{
	struct tlbr_error err = { 0 };
	char fifo[] = "/tmp/tlbr-test-fifo.XXXXXX";
	struct tlbr_stream *s;
	int fd = mkstemp(fifo);

	close(fd);
	unlink(fifo);
	if (!ok(mkfifo(fifo, 0600) == 0, "a FIFO"))
		return;
	s = tlbr_stream_open(fifo, TLBR_FMT_AUTO, NULL, &err);
	ok(s == NULL && errno == EBADMSG, "a FIFO is refused (without blocking)");
	ok(strstr(err.msg, "a FIFO, not a trace file") != NULL, "the message says what it is");
	unlink(fifo);
	s = tlbr_stream_open("/dev/zero", TLBR_FMT_TEXT, NULL, &err);
	ok(s == NULL && strstr(err.msg, "a character device") != NULL, "/dev/zero is refused");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test-stream DATADIR\n");
		return 2;
	}
	datadir = argv[1];
	test_scenario1();
	test_changed();
	test_special();
	return tap_done();
}
