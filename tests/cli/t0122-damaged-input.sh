#!/bin/sh
# The damaged-input campaign: tests/damage-cases.py makes ~200 damaged
# copies of real traces (trace.dat v7 x86 and arm64, v6 uncompressed,
# perf.data, text, CTF: truncations at every section boundary, byte flips
# in headers and in the structure of CPU data, zeroed pages and chunk
# counts, emptied streams), plus special files. For each: no crash (status
# below 128, no sanitizer report), no hang, and either status 0 with output
# identical to the undamaged trace's (stat and what-if: the damage missed
# everything the answer depends on) or status 3 with a message naming the
# file and the position. Runs in the ASan build too (the cli suite).
. "$SRCDIR/tests/lib.sh"

gen=$SRCDIR/tests/damage-cases.py
traces="$SAMPLES/mprotect-churn.dat $SAMPLES/arm64-mprotect-churn.dat $SAMPLES/mprotect-churn.perf.data $DATA/scenario1.txt $SRCDIR/tests/fuzz/ctf-base"
if command -v trace-cmd >/dev/null; then
	trace-cmd convert --file-version 6 -i "$SAMPLES/mprotect-churn.dat" -o "$TMP/v6.dat" >/dev/null 2>&1 &&
		traces="$traces $TMP/v6.dat"
fi
mkdir "$TMP/cases"
# shellcheck disable=SC2086
n=$(python3 "$gen" "$TMP/cases" $traces) || skip_all "python3 cannot make the cases"

# the answers of the undamaged traces: stat and what-if, without the file name
answers() {	# answers <trace> <out prefix>: status of stat
	timeout 60 "$TLBREPLAY" stat --json "$1" >"$2.stat" 2>"$2.err"
	rc=$?
	sed -i '/"file"\|"description"/d' "$2.stat"
	[ $rc -eq 0 ] || return $rc
	timeout 60 "$TLBREPLAY" what-if --json --cpus 4 "$1" 2>>"$2.err" |
		grep -v '"file"\|"description"' >"$2.whatif"
}
for t in $traces; do
	key=$(echo "$t" | tr / _)
	answers "$t" "$TMP/ref$key" || echo "# the undamaged $t does not read"
done

crashes=0 silent=0 unnamed=0 others=0 zeros=0 threes=0 total=0
check() {	# check <file> <original> <what>
	total=$((total + 1))
	answers "$1" "$TMP/got"
	rc=$?
	if [ $rc -ge 124 ] || grep -q "Sanitizer\|runtime error:" "$TMP/got.err"; then
		crashes=$((crashes + 1))
		echo "# CRASH/HANG ($rc): $3: $(head -c 300 "$TMP/got.err")"
	elif [ $rc -eq 0 ]; then
		key=$(echo "$2" | tr / _)
		if cmp -s "$TMP/got.stat" "$TMP/ref$key.stat" && cmp -s "$TMP/got.whatif" "$TMP/ref$key.whatif"; then
			zeros=$((zeros + 1))
		else
			silent=$((silent + 1))
			echo "# SILENT: exit 0, a different answer: $3 ($2)"
		fi
	elif [ $rc -eq 3 ]; then
		threes=$((threes + 1))
		if ! grep -q "'$1'" "$TMP/got.err" ||
		   ! grep -q "byte offset [0-9]\|line [0-9]* (byte [0-9]*)\|CTF stream file '[^']*'" "$TMP/got.err"; then
			unnamed=$((unnamed + 1))
			echo "# no file or position: $3: $(head -c 300 "$TMP/got.err")"
		fi
	else
		others=$((others + 1))
		echo "# status $rc: $3: $(head -c 300 "$TMP/got.err")"
	fi
}

while IFS='	' read -r op orig at arg what file; do
	if [ "$op" != file ]; then
		file=$TMP/case
		python3 "$gen" apply "$op" "$orig" "$at" "$arg" "$file"
	fi
	check "$file" "$orig" "$what"
	[ "$op" = file ] || rm -f "$file"
done < "$TMP/cases/cases"

ok $((total < 100)) "at least 100 damaged traces ($total)"
ok $((crashes != 0)) "no crash, hang or sanitizer report ($crashes)"
ok $((silent != 0)) "no silently different answer ($silent)"
ok $((others != 0)) "only statuses 0 and 3 ($others others)"
ok $((unnamed != 0)) "every status 3 names the file and the position ($threes, $unnamed without)"
echo "# $total cases: $threes refused (status 3), $zeros with the undamaged answer"

# special files: refused before they are opened, naming the file
special() {	# special <description> <path>
	expect_status 3 "$1: exit 3, no hang" timeout 10 "$TLBREPLAY" stat "$2"
	grep_file "$1: named and said what it is" "'$2'.*not a trace file\|not a CTF trace" "$TMP/err"
}
mkfifo "$TMP/fifo"
special "a FIFO" "$TMP/fifo"
special "/dev/zero" /dev/zero
special "/dev/null" /dev/null
ln -s "$TMP/fifo" "$TMP/link"
special "a symbolic link to a FIFO" "$TMP/link"
mkdir "$TMP/notctf"
special "a directory without a CTF trace" "$TMP/notctf"
if python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$TMP/sock" 2>/dev/null; then
	special "a socket" "$TMP/sock"
fi
done_testing
