#!/bin/sh
# Counting filters --comm, --pid (with descendants), --time on what-if,
# report, suite and diff, on tests/data/filter-tree.txt (README.md derives
# every number): the replay sees every event, the tables count those in scope.
. "$SRCDIR/tests/lib.sh"
cd "$DATA" || exit 1
T=filter-tree.txt

# wi <filters...>: "flush_points cpu_time_ns events" of what-if --json
wi() {
	"$TLBREPLAY" what-if --json -p arm64-broadcast "$@" $T | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["policies"][0]["flush_points"], d["cpu_time_ns"], d["events"], d["scope"] or "-")'
}
check() {	# check <want> <description> <filters...>
	want=$1; desc=$2; shift 2
	got=$(wi "$@")
	if [ "$got" = "$want" ]; then ok 0 "$desc"; else ok 1 "$desc (got '$got', want '$want')"; fi
}
check "5 3000004000 22 -" "no filter: 5 mprotect flushes, 2 CPUs x 1.500002 s"
check "3 1500002000 22 pid=400" "--pid 400: its flush and its child 410's two; CPU 0 all along" --pid 400
check "2 1200002000 22 pid=410" "--pid 410: the child alone, from its switch-in at 1.3 s" --pid 410
check "2 1500002000 22 comm=other" "--comm other: process 500, CPU 1 all along" --comm other
check "5 3000004000 22 comm=app,other" "--comm app,other: everything" --comm app,other
check "3 1600000000 22 time=0.2,1.0" "--time 0.2,1.0: 410's two and 500's first; 0.8 s on each CPU" --time 0.2,1.0
check "1 200000000 22 pid=400 time=,0.2" "--pid 400 --time ,0.2: 400's one flush, 0.2 s" --pid 400 --time ,0.2
check "0 0 22 comm=nobody" "a command no task has: nothing counted" --comm nobody

expect_cmd "what-if text names the scope" "$TLBREPLAY" what-if -p arm64-broadcast --pid 400 $T
grep_file "scope line" "^scope       pid=400 (counted; the replay sees every event)" "$TMP/out"

# filter-tree.txt is partial (no shootdown IPIs): the CSV's first line says so
"$TLBREPLAY" report --format csv --table avoidable_by_process -p arm64-broadcast --pid 400 $T |
	tr -d '\r' > "$TMP/r0"
grep_file "report csv carries the readiness verdict" "^# readiness: partial: missing " "$TMP/r0"
grep -v '^#' "$TMP/r0" > "$TMP/r"
printf 'policy,pid,comm,broadcasts,avoidable,avoidable_pct,share_pct\narm64-broadcast,410,app,2,2,100.00,66.67\narm64-broadcast,400,app,1,1,100.00,33.33\n' > "$TMP/want"
same_file "report --pid 400: by process, 410's two and 400's one" "$TMP/want" "$TMP/r"
expect_cmd "report text with --pid" "$TLBREPLAY" report -p arm64-broadcast --pid 400 $T
grep_file "report text names the filters" "^counted     pid=400 (the tables count these events" "$TMP/out"
expect_cmd "report email with --comm" "$TLBREPLAY" report --format email -p arm64-broadcast --comm other $T
grep_file "report email names the filters" "^Counted: comm=other (the replay sees every event)." "$TMP/out"
"$TLBREPLAY" report --format csv --table summary -p arm64-broadcast --time 0.2,1.0 $T | tr -d '\r' |
	grep -v '^#' | awk -F, 'NR == 2 { print $2, $3 }' > "$TMP/r"
echo "3 3" > "$TMP/want"
same_file "report --time 0.2,1.0: 3 flush points, 3 broadcasts" "$TMP/want" "$TMP/r"

"$TLBREPLAY" suite --format csv -p arm64-broadcast,x86-ipi --comm other $T | tr -d '\r' |
	awk -F, '$2 == "trace" { print $7, $8 }' > "$TMP/r"
echo "2 0" > "$TMP/want"
same_file "suite --comm other: 2 broadcasts under arm64-broadcast, 0 under x86-ipi" "$TMP/want" "$TMP/r"

"$TLBREPLAY" diff --format csv --pid 400 $T -- $T | tr -d '\r' |
	awk -F, '$1 == "all flushes" || $1 == "CPU time (s)" { print $9 }' > "$TMP/r"
printf '3\n1.5\n' > "$TMP/want"
same_file "diff --pid 400: 3 flushes in 1.5 s of CPU time" "$TMP/want" "$TMP/r"

expect_status 2 "--time with END before START" "$TLBREPLAY" what-if --time 2,1 $T
expect_status 2 "--pid not a number" "$TLBREPLAY" what-if --pid abc $T
expect_status 2 "--comm longer than a comm" "$TLBREPLAY" what-if --comm 0123456789abcdefg $T
# the default scope of a trace `record -- CMD` wrote: its workload's process
# tree (tests/data/filter-workload.txt: filter-tree.txt with the recorder's
# marker naming process 400), the whole system beside it
W=filter-workload.txt
T=$W	# wi's trace
check "3 1500002000 22 the recorded workload, app pid=400 (--system counts every process)" \
	"a recorded workload: counted as --pid 400 is on filter-tree.txt"
check "5 3000004000 22 -" "--system: every process, as without the marker" --system
check "2 1500002000 22 comm=other" "--comm other: the options win over the recorded workload" --comm other
T=filter-tree.txt
"$TLBREPLAY" what-if --json -p arm64-broadcast $W | python3 -c '
import json, sys
s = json.load(sys.stdin)["system"]
print(len(s), s[0]["name"], s[0]["flush_points"], s[0]["broadcasts"], s[0]["ipis"])' > "$TMP/r"
echo "1 arm64-broadcast 5 5 0" > "$TMP/want"
same_file "what-if --json: every process's counts beside (system: 5 flush points)" "$TMP/want" "$TMP/r"
"$TLBREPLAY" what-if --json -p arm64-broadcast $T | grep -q '"system"'
ok $((! $?)) "what-if --json: no system key without a recorded workload"
expect_cmd "what-if text with a recorded workload" "$TLBREPLAY" what-if -p arm64-broadcast $W
grep_file "it names the scope" "^scope       the recorded workload, app pid=400" "$TMP/out"
grep_file "and every process beside" "^system      every process: arm64-broadcast 5 flush points, 5 broadcasts, 0 IPIs" "$TMP/out"
expect_cmd "report text with a recorded workload" "$TLBREPLAY" report -p arm64-broadcast $W
grep_file "report: every process beside" "^system      every process: arm64-broadcast 5 flush points" "$TMP/out"
expect_cmd "report email with a recorded workload" "$TLBREPLAY" report --format email -p arm64-broadcast $W
grep_file "report email: every process beside" "^Every process: arm64-broadcast 5 flush points" "$TMP/out"
expect_cmd "diff of the workload's trace against the whole one" "$TLBREPLAY" diff $W -- $T
grep_file "diff: 3 flushes of the workload before, 5 after" "^  all flushes     3.0     -   5.0 " "$TMP/out"
grep_file "diff: says the scope" "^scope   the recorded workload of each trace that names one" "$TMP/out"

done_testing
