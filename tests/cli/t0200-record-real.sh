#!/bin/sh
# A real trace recorded on this machine's kernel (root and tracefs needed):
# stat must find the faults, flushes and switches, with the counts of
# trace-cmd report, and the recording must leave no instance behind.
. "$SRCDIR/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to record through tracefs"
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
if [ -z "$T" ]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || skip_all "cannot mount tracefs"
	T=/sys/kernel/tracing
fi
[ -e "$T/events/tlb/tlb_flush" ] || skip_all "this kernel has no tlb:tlb_flush tracepoint"
command -v trace-cmd >/dev/null || skip_all "trace-cmd is not installed"

before=$(ls "$T/instances" | sort)
expect_cmd "record the usemem workload" \
	"$SRCDIR/tools/record-sample.sh" "$TMP/usemem.dat" "$USEMEM" -t 2 -m 2 -s 0.5 -f 100
after=$(ls "$T/instances" | sort)
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
done_testing
