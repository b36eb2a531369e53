#!/bin/sh
# tlbreplay suite: golden tables in every format on hand-written traces
# (their numbers are those t0300 derives by hand, tests/data/README.md) and
# on two samples; -j, --manifest and --from-json give the same table.
. "$SRCDIR/tests/lib.sh"

# the version is not part of the table
golden() {	# golden <description> <expect file> <command...>
	desc=$1; exp=$2; shift 2
	expect_cmd "$desc: runs" "$@"
	unversion "$TMP/out" > "$TMP/golden"
	# TLBR_UPDATE_GOLDEN=1: rewrite the expected file (review the diff before committing)
	[ "${TLBR_UPDATE_GOLDEN:-0}" = 1 ] && cp "$TMP/golden" "$DATA/$exp"
	same_file "$desc: as expected" "$DATA/$exp" "$TMP/golden"
}

cd "$DATA" || exit 1
P=arm64-broadcast,x86-ipi,local-only,wp-local
H="whatif-single.txt whatif-reuse.txt whatif-munmap.txt"
golden "hand-written: text" suite-hand.expect "$TLBREPLAY" suite --cpu arm64 -p $P $H
golden "hand-written: csv" suite-hand.csv.expect "$TLBREPLAY" suite --format csv --cpu arm64 -p $P $H
golden "hand-written: json" suite-hand.json.expect "$TLBREPLAY" suite --format json --cpu arm64 -p $P $H
golden "hand-written: markdown" suite-hand.md.expect "$TLBREPLAY" suite --format markdown --cpu arm64 -p $P $H
golden "hand-written: email" suite-hand.email.expect "$TLBREPLAY" suite --format email --cpu arm64 -p $P $H
awk 'length > 80 { bad = 1 } END { exit bad }' suite-hand.expect suite-hand.email.expect
ok $? "text and email lines are at most 80 columns"

# the numbers behind the golden rows (README.md: whatif-*.txt)
expect_cmd "csv" "$TLBREPLAY" suite --format csv --cpu arm64 -p $P $H
row() {	# row <policy> <workload>: the CSV fields that matter
	tr -d '\r' < "$TMP/out" | awk -F, -v p="$1" -v w="$2" '$5 == p && $3 == w { print $7, $8, $16, $17, $18, $20 }'
}
[ "$(row local-only whatif-munmap)" = "1 0 1 0 0 UNSAFE" ]
ok $? "munmap: local-only removes the one broadcast and is unsafe"
[ "$(row x86-ipi whatif-reuse)" = "2 1 0 0 1 LOSS" ]
ok $? "reuse: x86-ipi keeps the fork's broadcast, leaves one stale entry (0..1 spurious)"
[ "$(row wp-local whatif-reuse)" = "2 1 0 0 1 gain" ]
ok $? "reuse: wp-local makes the reuse flush local"
[ "$(row local-only 'geometric mean')" = "5 0 2 0 1 UNSAFE" ]
ok $? "summary row: sums, 2 unsafe findings"
# local-only: (0+1)/(1+1), (0+1)/(2+1), (0+1)/(2+1): geometric mean 0.3816: -61.8%
grep -q '^local-only vs arm64-broadcast (native),geomean,geometric mean,.*,-61.84,' "$TMP/out"
ok $? "geometric mean of (policy+1)/(baseline+1): -61.84%"

S="mprotect-churn.dat arm64-usemem.dat"
P2=arm64-broadcast,wp-local,x86-ipi,pte-needs-flush
golden "samples: text, -j 2" suite-samples.expect "$TLBREPLAY" suite -j 2 -p $P2 --env native,vm \
	--manifest suite-samples.manifest
golden "samples: email" suite-samples.email.expect "$TLBREPLAY" suite --format email -p $P2 \
	--manifest suite-samples.manifest

# --from-json: the what-if results of each trace, computed one by one
mkdir "$TMP/res"
for t in $H; do
	"$TLBREPLAY" what-if --json --cpu arm64 -p $P $t > "$TMP/res/${t%.txt}.json"
done
for f in text csv json markdown email; do
	"$TLBREPLAY" suite --format $f --cpu arm64 -p $P $H > "$TMP/direct.$f"
	"$TLBREPLAY" suite --format $f --from-json "$TMP/res" > "$TMP/from.$f"
	same_file "--from-json equals the direct run ($f)" "$TMP/direct.$f" "$TMP/from.$f"
done
"$TLBREPLAY" suite -j 3 --cpu arm64 -p $P $H > "$TMP/j3"
same_file "-j 3 equals -j 1" "$TMP/direct.text" "$TMP/j3"

# --plot: a bar group per workload, a bar per policy; the data are the
# table's broadcasts_change and cycles_change of each trace row
rm -rf "$TMP/splot"
expect_cmd "suite --plot" "$TLBREPLAY" suite --plot "$TMP/splot" --cpu arm64 -p $P $H
[ -s "$TMP/splot/suite.gp" ] && [ -s "$TMP/splot/suite.dat" ]
ok $? "suite.gp and suite.dat are kept"
if command -v gnuplot >/dev/null; then
	[ "$(png_size "$TMP/splot/suite.png")" = "960x540" ]
	ok $? "suite.png is 960x540"
	python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$TMP/splot/suite.svg"
	ok $? "suite.svg is well-formed XML"
	[ ! -s "$TMP/err" ]
	ok $? "gnuplot printed no warning"
fi
"$TLBREPLAY" suite --format csv --cpu arm64 -p $P $H | python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(sys.stdin) if r["kind"] == "trace"]
dat = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if not l.startswith("#")]
head = [h.strip("\"") for h in dat[0]]
bad = 0
for line in dat[1:]:
    w = line[0].strip("\"")
    for r in (r for r in rows if r["workload"] == w):
        for what, col in (("broadcasts", "broadcasts_change"), ("cost", "cycles_change")):
            v = line[head.index(r["policy"] + " " + what)]
            want = "NaN" if r[col] in ("", "nan", "-") else "%.2f" % float(r[col])
            bad += v != want
            if v != want: print("#", w, r["policy"], what, v, want)
print(len(dat) - 1, len({r["workload"] for r in rows}), bad)' "$TMP/splot/suite.dat" > "$TMP/r"
read -r nd nw nbad < "$TMP/r"
[ "$nd" = "$nw" ] && [ "$nbad" = 0 ]
ok $? "suite.dat: a row per workload ($nd of $nw), every bar the table's change ($nbad differ)"
expect_status 1 "suite --plot without gnuplot: an error naming the fix" \
	"$TLBREPLAY" suite --plot "$TMP/splot2" --gnuplot /nonexistent/gnuplot -p $P $H
grep_file "it says what to install" "gnuplot-nox" "$TMP/err"

# errors
echo '{"schema": "tlbreplay-what-if", "version": 1, "policies": [' > "$TMP/res/zz-bad.json"
expect_status 3 "a truncated result: bad input" "$TLBREPLAY" suite --from-json "$TMP/res"
grep_file "the message names the file" "zz-bad.json': offset " "$TMP/err"
mkdir "$TMP/empty"
expect_status 3 "no results in the directory" "$TLBREPLAY" suite --from-json "$TMP/empty"
expect_status 2 "no traces" "$TLBREPLAY" suite
expect_status 2 "traces and --from-json" "$TLBREPLAY" suite --from-json "$TMP/res" whatif-single.txt
expect_status 2 "an unknown environment" "$TLBREPLAY" suite --env native,moon whatif-single.txt
expect_status 3 "a missing trace" "$TLBREPLAY" suite whatif-single.txt no-such.dat
grep_file "the missing trace is named" "no-such.dat" "$TMP/err"
printf 'a b c\n' > "$TMP/m"
expect_status 3 "a manifest line with three fields" "$TLBREPLAY" suite --manifest "$TMP/m"
grep_file "the manifest line is named" "line 1" "$TMP/err"
expect_status 4 "--fail-on-unsafe: local-only is unsafe on munmap" \
	"$TLBREPLAY" suite --fail-on-unsafe -p arm64-broadcast,local-only whatif-munmap.txt
# the arm64 kernel version the prediction followed (tests/data/diff-against-pageout-x86.txt)
"$TLBREPLAY" suite --arm64-kernel 6.1 diff-against-pageout-x86.txt > "$TMP/k"
grep_file "the notes name the arm64 version (--arm64-kernel 6.1)" "^arm64 rules: Linux 6.1, where" "$TMP/k"
"$TLBREPLAY" suite --format json diff-against-pageout-x86.txt > "$TMP/kj"
python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["runs"][0]; assert r["arm64_kernel"] == "6.18", r' "$TMP/kj"
ok $? "json runs: arm64_kernel, by default the traced kernel's version (6.18)"
done_testing
