#!/bin/sh
# arm64 for real, under emulation: tools/arm64/run-guest.sh cross-builds
# tlbreplay, boots Debian's arm64 kernel in qemu (TCG, 4 CPUs) and runs
# `tlbreplay record` there (the arm64 kprobe plan, created by libtracefs in
# the guest); the traces come back and are replayed here.
. "$SRCDIR/tests/lib.sh"

command -v qemu-system-aarch64 >/dev/null || skip_all "qemu-system-aarch64 is not installed"
command -v aarch64-linux-gnu-gcc >/dev/null || skip_all "gcc-aarch64-linux-gnu is not installed"
dpkg --print-foreign-architectures | grep -q arm64 || skip_all "apt has no arm64 architecture"

G=$TMP/guest
"$SRCDIR/tools/arm64/run-guest.sh" $G > $TMP/run.log 2>&1
st=$?
[ $st -eq 77 ] && skip_all "$(tail -1 $TMP/run.log)"
ok $st "the guest booted, recorded and sent its traces back"
[ $st -eq 0 ] || sed 's/^/#   /' $TMP/run.log | tail -20

# cleanup with the kprobes in place: signals, a SIGKILLed recorder, the next run
cat $G/cleanup.txt | sed 's/^/# /'
grep_file "guest: nothing of ours before" "^before kprobes=0 instances=0" $G/cleanup.txt
grep_file "guest: SIGINT removes every kprobe and the instance" "^after-sigint kprobes=0 instances=0" $G/cleanup.txt
grep_file "guest: SIGTERM too" "^after-sigterm kprobes=0 instances=0" $G/cleanup.txt
grep_file "guest: SIGKILL leaves them" "^after-sigkill kprobes=[1-9][0-9]* instances=1" $G/cleanup.txt
grep_file "guest: the next run records" "^next-status 0" $G/cleanup.txt
grep_file "guest: and removes what the killed one left" "^after-next kprobes=0 instances=0" $G/cleanup.txt
grep_file "guest: saying so" "removed .*kprobe.* left by a killed recorder" $G/next.log
grep_file "guest: the census is on by default" "TLBI census: [0-9]* sites, [0-9]* probed" $G/usemem.log

# the arm64 plan, on a real arm64 kernel
grep_file "guest: kprobes on the fault path" "^tlbr:fault  *required  *available" $G/check.txt
grep_file "guest: the pre-6.9 function name" "kprobe: p:tlbr/set_access ptep_set_access_flags" $G/check.txt
grep_file "guest: tlb_finish_mmu for inlined gathers" "^tlbr:gather_end  *required  *available" $G/check.txt
grep_file "guest: no x86 tracepoint asked for" "^sched:sched_switch" $G/check.txt

for t in usemem mprotect-churn stress-ng; do
	expect_cmd "$t: trace-cmd report reads the arm64 trace.dat" trace-cmd report $G/$t.dat
	grep_file "$t: the probes fired in the guest" "tlbr/\|fault:" "$TMP/out"
	"$TLBREPLAY" stat --json $G/$t.dat > $TMP/$t.json
	ok $? "$t: stat reads it"
	python3 - $TMP/$t.json > $TMP/$t.facts <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
k = d["kinds"]
print("arch", "aarch64" if "arch=aarch64" in json.dumps(d.get("recorded", "")) else "other")
for n in ("fault", "flush", "switch"):
    print(n, k[n]["total"])
PY
	grep_file "$t: recorded on aarch64" "^arch aarch64" $TMP/$t.facts
	for n in fault flush switch; do
		v=$(awk -v n=$n '$1 == n { print $2 }' $TMP/$t.facts)
		[ "${v:-0}" -gt 0 ]
		ok $? "$t: $n events ($v)"
	done
done

# usemem (seed 000's pattern): reuses flushed by TLBI IS today, locally by wp-local
"$TLBREPLAY" what-if --json --cpu arm64 -p arm64-broadcast,wp-local,active-cpu,oracle $G/usemem.dat > $TMP/u.json
python3 - $TMP/u.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["name"]: x for x in d["policies"]}
b, w = p["arm64-broadcast"], p["wp-local"]
reuse = b["by_site"].get("wp-reuse", 0)
assert reuse > 20, reuse
assert w["local"] == reuse, (w["local"], reuse)
assert w["broadcasts"] == b["broadcasts"] - reuse
assert all(x["unsafe"] == 0 for n, x in p.items()), [(n, x["unsafe"]) for n, x in p.items()]
c = d["checks"]
assert c["unexplained"] <= 0.01 * max(1, c["write_faults_present"]), c
print("# reuses", reuse, "broadcasts", b["broadcasts"], "stale", w["stale_ro"])
PY
ok $? "usemem: every reuse broadcast today is local under wp-local, nothing unsafe, the model explains the write faults"

# the TLBI census: what the kernel really executed, against arm64-broadcast's replay
grep_file "guest: the TLBI census found and probed sites" "^TLBI census: [0-9]* sites" $G/check.txt
for t in usemem mprotect-churn stress-ng; do
	"$TLBREPLAY" what-if --json -p arm64-broadcast $G/$t.dat > $TMP/c.json
	python3 - $TMP/c.json > $TMP/c.out <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
real = d["checks"]["tlbi_broadcast_ops_by_site"]
pred = d["policies"][0]["by_site"]
out, bad = [], []
for site in ("wp-reuse", "cow", "mprotect"):
    r, p = real.get(site, 0), pred.get(site, 0)
    out.append("%s %d/%d" % (site, p, r))
    if p and abs(p - r) > 0.02 * max(r, 1):
        bad.append(site)
tr, tp = sum(real.values()), d["policies"][0]["broadcasts"]
out.append("all %d/%d" % (tp, tr))
if abs(tp - tr) > 0.02 * tr:
    bad.append("all")
print("# predicted/executed:", ", ".join(out))
sys.exit(1 if bad else 0)
PY
	st=$?
	cat $TMP/c.out
	ok $st "$t: arm64-broadcast predicts the TLBI broadcasts the kernel executed within 2% (per site and in all)"
done

# stress-ng (a program no one here wrote): no policy that models an accepted change is unsafe
"$TLBREPLAY" what-if --json --cpu arm64 -p arm64-broadcast,wp-local,pte-needs-flush,oracle $G/stress-ng.dat > $TMP/s.json
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if all(p['unsafe']==0 for p in d['policies']) else 1)" $TMP/s.json
ok $? "stress-ng: arm64-broadcast, wp-local, pte-needs-flush and oracle are safe on it"

# mprotect-churn -n 100: 100 PROT_NONE -> RW calls add access only
"$TLBREPLAY" what-if --json -p arm64-broadcast,pte-needs-flush $G/mprotect-churn.dat > $TMP/m.json
python3 - $TMP/m.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["name"]: x for x in d["policies"]}
assert p["arm64-broadcast"]["by_site"]["mprotect"] >= 200, p["arm64-broadcast"]["by_site"]
assert p["pte-needs-flush"]["skipped"] == 100, p["pte-needs-flush"]["skipped"]
assert p["pte-needs-flush"]["unsafe"] == 0
PY
ok $? "mprotect-churn: pte-needs-flush skips the 100 PROT_NONE->RW flushes the arm64 kernel made, safely"
done_testing
