// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-text.c - libFuzzer harness for the ftrace text reader, the
 * vocabulary adapter behind it, and the stat reducer and the replay engine
 * (every policy, unbounded model) behind that.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined
 *   ninja -C build-fuzz tests/fuzz/fuzz-text
 *   build-fuzz/tests/fuzz/fuzz-text -max_total_time=60 tests/fuzz/corpus
 */
#include <stdio.h>

#include "fuzz-drive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlbr_error err = { 0 };
	struct tlbr_stream *s;
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	s = tlbr_stream_open_text(f, "fuzz", &err);
	fuzz_drive(s);
	tlbr_stream_close(s);
	fclose(f);
	return 0;
}
