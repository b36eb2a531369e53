#!/bin/sh
# tools/fuzz-long.sh [SECONDS] - the nightly fuzz run: every libFuzzer
# harness (text, perf.data, trace.dat, CTF readers) for SECONDS each
# (default 600: at least ten minutes), one after the other, from its seed
# corpus plus what earlier long runs found (kept in the build directory).
# Not part of CI (tools/test.sh runs each harness for a minute or less).
#
#   tools/fuzz-long.sh            # 4 harnesses x 10 min, in build-fuzz-long/
#   TLBR_FUZZ_BUILD=dir tools/fuzz-long.sh 3600
#
# Ends with one line per harness (runs, new corpus entries, findings) and
# exits 1 if any harness found a crash, a leak or a timeout; the input that
# did it is saved as BUILD/fuzz-NAME-crash-* (or leak-*, timeout-*).
set -u
secs=${1:-600}
src=$(cd "$(dirname "$0")/.." && pwd)
bd=${TLBR_FUZZ_BUILD:-$src/build-fuzz-long}

command -v clang >/dev/null || { echo "fuzz-long.sh: clang is needed (libFuzzer)" >&2; exit 1; }
if [ ! -f "$bd/build.ninja" ]; then
	CC=clang meson setup "$bd" "$src" -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null || exit 1
fi
ninja -C "$bd" >/dev/null || exit 1

failed=0
summary=
for h in text:corpus perf:corpus-perf dat:corpus-dat ctf:corpus-ctf; do
	name=fuzz-${h%%:*}
	corpus=${h#*:}
	exe=$bd/tests/fuzz/$name
	if [ ! -x "$exe" ]; then
		summary="$summary$name: not built (no babeltrace2?)\n"
		continue
	fi
	mkdir -p "$bd/long-$corpus"
	log=$bd/$name.long.log
	echo "fuzz-long.sh: $name for $secs s (log: $log)"
	LSAN_OPTIONS=suppressions=$src/tests/lsan.supp:print_suppressions=0 \
		"$exe" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 -error_exitcode=1 \
		-artifact_prefix="$bd/$name-" -print_final_stats=1 \
		"$bd/long-$corpus" "$src/tests/fuzz/$corpus" >"$log" 2>&1
	rc=$?
	runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
	found=$(ls "$bd/$name-"crash-* "$bd/$name-"leak-* "$bd/$name-"timeout-* "$bd/$name-"oom-* \
		2>/dev/null | wc -l)
	if [ "$rc" -eq 0 ]; then
		summary="$summary$name: ${runs:-?} runs in $secs s, no findings\n"
	else
		failed=1
		summary="$summary$name: FINDING (exit $rc, ${runs:-?} runs, $found saved inputs): see $log\n"
	fi
done
printf "$summary"
exit $failed
