#!/bin/sh
# tools/test.sh - build from scratch and run the whole suite three ways:
#   build/        the normal build (debugoptimized): unit, cli, root and arm64 suites
#   build-asan/   the same under AddressSanitizer and UndefinedBehaviorSanitizer (not arm64:
#                 its tlbreplay is the cross-built one)
#   build-fuzz/   clang with libFuzzer: the fuzz suite (TLBR_FUZZ_SECONDS, 60 s)
# and end with one line "N passed, N failed" (meson tests, all builds).
# TLBR_REQUIRE_ROOT_TESTS=1 counts a skipped test as a failure (CI is root).
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
fuzz_seconds=${TLBR_FUZZ_SECONDS:-60}

count() {	# count <meson test output file>
	ok=$(awk '/^Ok:/ { print $2 }' "$1")
	fail=$(awk '/^(Fail|Timeout|Unexpected Pass):/ { n += $NF } END { print n + 0 }' "$1")
	skip=$(awk '/^Skipped:/ { print $2 }' "$1")
	if [ -z "$ok" ]; then	# meson test itself failed to run
		fail=$((fail + 1)); ok=0
	fi
	if [ "${TLBR_REQUIRE_ROOT_TESTS:-0}" = 1 ] && [ "${skip:-0}" -gt 0 ]; then
		echo "tools/test.sh: $skip test(s) skipped, but this run requires every test" >&2
		fail=$((fail + skip))
	fi
	passed=$((passed + ok))
	failed=$((failed + fail))
}

suite() {	# suite <dir> <meson test args> -- <meson setup args...>
	dir=$1; shift
	targs=""
	while [ "$1" != "--" ]; do targs="$targs $1"; shift; done
	shift
	rm -rf "$dir"
	echo "== $dir: meson setup $*"
	if ! meson setup "$dir" "$@" > "$dir.log" 2>&1 || ! ninja -C "$dir" >> "$dir.log" 2>&1; then
		cat "$dir.log"
		echo "tools/test.sh: the $dir build failed" >&2
		failed=$((failed + 1))
		return
	fi
	# shellcheck disable=SC2086
	meson test -C "$dir" --setup full --print-errorlogs $targs 2>&1 | tee "$dir.test.log" | grep -v '^ *$'
	count "$dir.test.log"
}

suite build --no-suite fuzz --
# the sanitizer builds without link-time optimisation (meson.build's default
# since 974cd71): it adds nothing to what they check, and clang's LTO link
# through the system linker's plugin crashed once in CI (a segfault linking
# cmd/tlbreplay in build-fuzz at 89751c5; the same tree linked the run before)
suite build-asan --no-suite fuzz --no-suite arm64 -- -Db_sanitize=address,undefined -Db_lundef=false \
	-Db_lto=false
if command -v clang >/dev/null 2>&1; then
	CC=clang suite build-fuzz --suite fuzz -- -Dfuzz=true -Dfuzz_seconds="$fuzz_seconds" \
		-Db_sanitize=address,undefined -Db_lundef=false -Db_lto=false \
		-Dc_args=-fsanitize=fuzzer-no-link
else
	echo "tools/test.sh: clang not found: the fuzz suite did not run" >&2
	failed=$((failed + 1))
fi
rm -f build.log build-asan.log build-fuzz.log build.test.log build-asan.test.log build-fuzz.test.log
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
