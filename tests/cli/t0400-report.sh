#!/bin/sh
# tlbreplay report: golden text, JSON, CSV and email outputs on hand-written
# traces (the numbers are those t0300/t0310 derive by hand) and on a
# sample, the JSON against its schema, the plots, and a comm that tries to
# break every format.
. "$SRCDIR/tests/lib.sh"

SCHEMA=$SRCDIR/doc/tlbreplay-report.schema.json
validate() {	# validate <json file>: against the schema
	python3 - "$1" "$SCHEMA" <<'PY'
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
PY
}
golden() {	# golden <description> <expect file> <command...>
	desc=$1; exp=$2; shift 2
	expect_cmd "$desc: runs" "$@"
	grep -v '^  "tool": ' "$TMP/out" > "$TMP/golden"
	# TLBR_UPDATE_GOLDEN=1: rewrite the expected file (review the diff before committing)
	[ "${TLBR_UPDATE_GOLDEN:-0}" = 1 ] && cp "$TMP/golden" "$DATA/$exp"
	same_file "$desc: as expected" "$DATA/$exp" "$TMP/golden"
}

cd "$DATA" || exit 1
S0="--cpu arm64 -p arm64-broadcast,wp-local,x86-ipi whatif-seed000.txt"
golden "seed 000 text" report-seed000.expect "$TLBREPLAY" report $S0
golden "seed 000 json" report-seed000.json.expect "$TLBREPLAY" report --format json $S0
golden "seed 000 csv" report-seed000.csv.expect "$TLBREPLAY" report --format csv --table stale_by_cpu $S0
golden "seed 000 email" report-seed000.email.expect "$TLBREPLAY" report --format email $S0
golden "munmap (unsafe) text" report-munmap.expect \
	"$TLBREPLAY" report -p arm64-broadcast,local-only whatif-munmap.txt
golden "munmap (unsafe) csv" report-munmap.csv.expect \
	"$TLBREPLAY" report --format csv --table unsafe -p arm64-broadcast,local-only whatif-munmap.txt
golden "hugetlb email" report-hugetlb.email.expect \
	"$TLBREPLAY" report --format email --force -p arm64-broadcast,hugetlb-unshare-gather whatif-seed004-hugetlb.txt
awk 'length > 80 { bad = 1 } END { exit bad }' report-seed000.expect report-munmap.expect
ok $? "text fits 80 columns"
awk 'length > 80 { bad = 1 } END { exit bad }' report-seed000.email.expect report-hugetlb.email.expect \
	report-sample.email.expect
ok $? "email: every line within 80 columns, the header too"

# the numbers in the report are the hand-derived ones
"$TLBREPLAY" report --format json $S0 > $TMP/s.json
q() { python3 -c "import json,sys; d=json.load(open('$TMP/s.json')); print($1)"; }
[ "$(q "[r['stale_ro'] for r in d['tables']['stale_by_cpu'] if r['policy']=='wp-local']")" = "[0, 3, 3, 3]" ]
ok $? "seed 000: wp-local's 9 stale entries are 3 on each of CPUs 1-3"
[ "$(q "[(r['site'],r['broadcasts']) for r in d['tables']['avoidable_by_site'] if r['policy']=='arm64-broadcast']")" = "[('wp-reuse', 3), ('fork', 1)]" ]
ok $? "seed 000: the baseline's broadcasts: 3 reuses and the fork"
[ "$(q "d['tables']['spurious_seen_by_cpu']")" = "[{'cpu': 1, 'faults': 1}]" ]
ok $? "seed 000: the trace's spurious fault is on CPU 1"
[ "$(q "sum(r['broadcasts'] for r in d['tables']['broadcasts_over_time'] if r['policy']=='wp-local')")" = "1" ]
ok $? "seed 000: the time buckets hold wp-local's one broadcast"
validate $TMP/s.json
ok $? "the JSON validates against doc/tlbreplay-report.schema.json"
"$TLBREPLAY" report --format json -p arm64-broadcast,local-only whatif-munmap.txt > $TMP/u.json
validate $TMP/u.json
ok $? "an unsafe report validates too"
[ "$(python3 -c "import json; print(len(json.load(open('$TMP/u.json'))['tables']['unsafe']))")" = "3" ]
ok $? "munmap: local-only's counterexample has 3 steps"

# a sample: golden email and summary, the schema, every table in CSV
SAMPLE=../../samples/mprotect-churn.dat
golden "sample email" report-sample.email.expect "$TLBREPLAY" report --format email \
	-p arm64-broadcast,pte-needs-flush,x86-ipi "$SAMPLE"
golden "sample summary csv" report-sample.csv.expect "$TLBREPLAY" report --format csv \
	--table summary -p arm64-broadcast,pte-needs-flush,x86-ipi "$SAMPLE"
"$TLBREPLAY" report --format json "$SAMPLE" > $TMP/sample.json
validate $TMP/sample.json
ok $? "sample: the JSON validates"
for t in $("$TLBREPLAY" report --help | sed -n '/^tables:/,/^$/p' | sed 1d | grep '^    ' ); do
	"$TLBREPLAY" report --format csv --table $t "$SAMPLE" > $TMP/t.csv
	python3 -c "import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=''))); sys.exit(0 if r and all(len(x)==len(r[0]) for x in r) else 1)" $TMP/t.csv
	ok $? "sample: --table $t is well-formed CSV"
done

# a comm with " \ ' < & > and bytes that are not ASCII breaks no format
W="--cpu arm64 -p arm64-broadcast,wp-local report-comm.txt"
expect_cmd "weird comm: text" "$TLBREPLAY" report $W
LC_ALL=C grep -q "$(printf '[\001-\010\016-\037\177-\377]')" "$TMP/out"
ok $((! $?)) "weird comm: text has no control or non-ASCII bytes"
expect_cmd "weird comm: email" "$TLBREPLAY" report --format email $W
expect_cmd "weird comm: json" "$TLBREPLAY" report --format json $W
cp "$TMP/out" $TMP/w.json
python3 -c "
import json, sys
d = json.load(open('$TMP/w.json'))
c = [r['comm'] for r in d['tables']['stale_by_process']][0]
sys.exit(0 if c.encode('latin-1') == b'u\"s\\\\e\'m<&>\xc3\xa9\xff' else 1)"
ok $? "weird comm: JSON keeps every byte (as \\u00XX)"
validate $TMP/w.json
ok $? "weird comm: JSON validates"
"$TLBREPLAY" report --format csv --table stale_by_process $W > $TMP/w.csv
python3 -c "
import csv, sys
r = list(csv.reader(open('$TMP/w.csv', encoding='latin-1', newline='')))
sys.exit(0 if r[1][2].encode('latin-1') == b'u\"s\\\\e\'m<&>\xc3\xa9\xff' else 1)"
ok $? "weird comm: CSV round-trips the comm"

# plots: scripts, data, PNG and SVG of the expected size, also with the weird comm
for t in report-comm.txt whatif-seed000.txt; do
	rm -rf $TMP/plots
	expect_cmd "plots of $t" "$TLBREPLAY" report --plot $TMP/plots --cpu arm64 -p arm64-broadcast,wp-local $t
	for p in broadcasts-over-time policies stale-by-cpu avoidable-by-process; do
		[ -s $TMP/plots/$p.gp ] && [ -s $TMP/plots/$p.dat ]
		ok $? "$t: $p.gp and its data are kept"
		[ "$(png_size $TMP/plots/$p.png)" = "960x540" ]
		ok $? "$t: $p.png is 960x540"
		python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" $TMP/plots/$p.svg
		ok $? "$t: $p.svg is well-formed XML"
	done
done
[ ! -s "$TMP/err" ]
ok $? "gnuplot printed no warning on the last plots"
(cd $TMP/plots && gnuplot policies.gp)
ok $? "a script renders again by itself"
expect_status 1 "a missing gnuplot is an error naming the fix" \
	"$TLBREPLAY" report --plot $TMP/p2 --gnuplot /nonexistent/gnuplot whatif-single.txt
grep_file "the error says what to install" "gnuplot-nox" "$TMP/err"

# usage errors
expect_status 2 "csv needs --table" "$TLBREPLAY" report --format csv whatif-single.txt
expect_status 2 "an unknown table" "$TLBREPLAY" report --format csv --table nope whatif-single.txt
expect_status 2 "an unknown format" "$TLBREPLAY" report --format xml whatif-single.txt
expect_status 4 "--fail-on-unsafe" "$TLBREPLAY" report --fail-on-unsafe -p local-only whatif-munmap.txt
expect_status 3 "bad input is bad input" "$TLBREPLAY" report "$DATA/../cli/t0400-report.sh"
# Readiness is a gate: report refuses scenario1.txt (no context switches)
# with exit 3; with --force every format carries the verdict
N=$DATA/scenario1.txt
expect_status 3 "report refuses a trace that is not ready" "$TLBREPLAY" report "$N"
grep_file "naming what it lacks" "not ready: missing context switches" "$TMP/err"
V="not ready, replayed with --force: missing context switches"
expect_cmd "report --force, text" "$TLBREPLAY" report --force "$N"
grep_file "text: the verdict" "^readiness   $V" "$TMP/out"
expect_cmd "report --force, json" "$TLBREPLAY" report --force --format json "$N"
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['readiness']; sys.exit(not (r['forced'] and r['verdict'] == 'not ready'))" "$TMP/out"
ok $? "json: the verdict"
expect_cmd "report --force, csv" "$TLBREPLAY" report --force --format csv --table summary "$N"
grep_file "csv: the verdict, a comment line before the header" "^# readiness: $V" "$TMP/out"
expect_cmd "report --force, email" "$TLBREPLAY" report --force --format email "$N"
grep_file "email: the verdict" "^Trace readiness: not ready, replayed with --force: missing" "$TMP/out"
expect_cmd "report --force, markdown" "$TLBREPLAY" report --force --format markdown "$N"
grep_file "markdown: the verdict" "not ready" "$TMP/out"
rm -rf $TMP/fplots
expect_cmd "report --force, plots" "$TLBREPLAY" report --force --plot $TMP/fplots "$N"
grep_file "plot titles: the verdict (every title ends with the trace)" \
	"^trace = '.*scenario1.txt'.' \[not ready, replayed with --force\]'" $TMP/fplots/policies.gp
done_testing
