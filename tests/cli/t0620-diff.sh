#!/bin/sh
# tlbreplay diff: a hand-written trace against a variant with twice the
# mprotect calls (tests/data/diff-*.txt say what each does), Welch's test on
# two runs per side (p derived in README.md), identical sides, and two
# recordings of one workload (the mprotect-churn sample by trace-cmd and by perf).
. "$SRCDIR/tests/lib.sh"

cd "$DATA" || exit 1

expect_cmd "one run per side" "$TLBREPLAY" diff diff-base.txt -- diff-twice.txt
unversion "$TMP/out" > "$TMP/g"
same_file "one run per side: golden" diff-twice.expect "$TMP/g"
awk 'length > 80 { bad = 1 } END { exit bad }' "$TMP/out"
ok $? "text lines are at most 80 columns"

"$TLBREPLAY" diff --format csv diff-base.txt -- diff-twice.txt > "$TMP/c"
[ "$(field $TMP/c mprotect 9) $(field $TMP/c mprotect 12) $(field $TMP/c mprotect 6)" = "2 4 100.00" ]
ok $? "the mprotect site doubled: 2 -> 4 flushes, +100%"
[ "$(field $TMP/c zap 9) $(field $TMP/c zap 12)" = "1 1" ]
ok $? "the munmap (zap) flush did not move"
[ "$(field $TMP/c flushes/CPU-s 9) $(field $TMP/c flushes/CPU-s 12)" = "300 500" ]
ok $? "flushes per CPU-second: 3 and 5 flushes in 10 ms of CPU time"
[ "$(field $TMP/c mprotect 8)" = "-" ]
ok $? "one run per side: no test"

# two runs per side: {2, 3} mprotects before, {4, 6} after: Welch's t = 2.236,
# 1.47 degrees of freedom, p = 0.199: not beyond noise
"$TLBREPLAY" diff --format csv diff-base.txt diff-base-b.txt -- diff-twice.txt diff-twice-b.txt > "$TMP/w"
[ "$(field $TMP/w mprotect 7) $(field $TMP/w mprotect 8)" = "0.199 no" ]
ok $? "Welch: {2,3} vs {4,6} mprotects, p = 0.199, not beyond noise"
[ "$(field $TMP/w mprotect 9) $(field $TMP/w mprotect 10) $(field $TMP/w mprotect 12)" = "2.5 0.707107 5" ]
ok $? "Welch: means and spread"
"$TLBREPLAY" diff --format csv diff-base.txt diff-base.txt -- diff-twice.txt diff-twice.txt > "$TMP/z"
[ "$(field $TMP/z mprotect 8) $(field $TMP/z zap 8)" = "yes no" ]
ok $? "no spread on either side: the doubled site is a change, the unchanged one is not"
"$TLBREPLAY" diff --format csv diff-base.txt diff-base-b.txt -- diff-base.txt diff-base-b.txt > "$TMP/i"
tr -d '\r' < "$TMP/i" | awk -F, 'NR > 1 && $8 != "no" { bad = 1 } END { exit bad }'
ok $? "identical sides: no change beyond noise anywhere"

S=$SAMPLES/mprotect-churn
"$TLBREPLAY" diff --format csv $S.dat $S.perf.data -- $S.perf.data $S.dat > "$TMP/r"
tr -d '\r' < "$TMP/r" | awk -F, 'NR > 1 && $8 != "no" { bad = 1 } END { exit bad }'
ok $? "two recordings of one workload (trace-cmd, perf): no change beyond noise"
[ "$(field $TMP/r mprotect 9) $(field $TMP/r mprotect 10)" = "303 0" ]
ok $? "both recordings: 303 mprotect flushes"

expect_cmd "json" "$TLBREPLAY" diff --json diff-base.txt -- diff-twice.txt
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]=="tlbreplay-diff" and d["test"]=="welch-t" and [r for r in d["diff"] if r["metric"]=="mprotect"][0]["after_mean"]==4' "$TMP/out"
ok $? "json: schema, test, the mprotect row"

expect_status 2 "no '--'" "$TLBREPLAY" diff diff-base.txt diff-twice.txt
grep_file "the message says so" "no '--'" "$TMP/err"
expect_status 2 "nothing after '--'" "$TLBREPLAY" diff diff-base.txt --
expect_status 3 "a missing trace" "$TLBREPLAY" diff diff-base.txt -- no-such.txt
grep_file "it is named" "no-such.txt" "$TMP/err"
done_testing
