#!/bin/sh
# A real trace recorded on this machine's kernel (root and tracefs needed):
# stat must find the faults, flushes and switches, with the counts of
# trace-cmd report, and the recording must leave no instance behind.
. "$SRCDIR/tests/lib.sh"

need_tracefs

before=$(left_instances | sort)
expect_cmd "record the usemem workload" \
	"$SRCDIR/tools/record-sample.sh" "$TMP/usemem.dat" "$USEMEM" -t 2 -m 2 -s 0.5 -f 100
after=$(left_instances | sort)
if [ "$before" = "$after" ]; then ok 0 "no tracefs instance left behind"; else
	ok 1 "no tracefs instance left behind"; fi
expect_cmd "trace-cmd report reads it" trace-cmd report "$TMP/usemem.dat"
expect_cmd "stat reads it" "$TLBREPLAY" stat --json "$TMP/usemem.dat"
cp "$TMP/out" "$TMP/stat.json"
python3 - "$TMP/stat.json" > "$TMP/facts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
k = d["kinds"]
print("faults", k["fault"]["total"])
print("flushes", k["flush"]["total"])
print("switches", k["switch"]["total"])
print("forks", k["fork"]["total"])
print("execs", k["exec"]["total"])
print("cow", sum(s["local"] + s["ipi"] for s in d["flushes"]["by_site"] if s["site"] == "cow"))
PY
for fact in faults flushes switches forks execs cow; do
	n=$(awk -v f=$fact '$1 == f { print $2 }' "$TMP/facts")
	if [ "${n:-0}" -gt 0 ]; then ok 0 "found $n $fact"; else ok 1 "found no $fact"; fi
done
report_counts "$TMP/usemem.dat" > "$TMP/report"
stat_counts "$TMP/usemem.dat" > "$TMP/stat"
same_file "event counts equal trace-cmd report's" "$TMP/report" "$TMP/stat"

# A buffer far too small for the workload: the kernel drops events, and stat
# must count exactly the drops trace-cmd reports, from the trace.dat and from
# trace-cmd's text alike.
expect_cmd "record with a 16 KiB buffer" env TLBR_BUFFER_KB=16 \
	"$SRCDIR/tools/record-sample.sh" "$TMP/lossy.dat" "$USEMEM" -t 2 -m 8 -s 0.5 -f 50
dropped=$(trace-cmd report "$TMP/lossy.dat" 2>/dev/null |
	sed -n 's/.*CPU:[0-9]* \[\([0-9]*\) EVENTS DROPPED\]/\1/p' | awk '{ n += $1 } END { print n + 0 }')
lost_of() {
	"$TLBREPLAY" stat --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lost"]["events"])'
}
lost=$(lost_of "$TMP/lossy.dat")
if [ "$dropped" -gt 0 ]; then ok 0 "the kernel dropped $dropped events"; else ok 1 "the kernel dropped no events"; fi
if [ "$lost" = "$dropped" ]; then ok 0 "stat counts the $dropped lost events"; else
	ok 1 "stat counts $lost lost events, trace-cmd $dropped"; fi
trace-cmd report "$TMP/lossy.dat" > "$TMP/lossy.txt" 2>/dev/null
lost_txt=$(lost_of "$TMP/lossy.txt")
if [ "$lost_txt" = "$dropped" ]; then ok 0 "and so does its text rendering"; else
	ok 1 "text rendering: $lost_txt lost events, trace-cmd $dropped"; fi
done_testing
