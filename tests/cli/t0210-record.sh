#!/bin/sh
# tlbreplay record on this machine's kernel (root and tracefs): a recorded
# workload reads back in trace-cmd and in stat; the plan is the expected
# one; signals and errors leave no instance behind; a killed recorder's
# instance is removed by the next run.
. "$SRCDIR/tests/lib.sh"

need_recorder
need_tracefs

ours() { left_instances | grep '^tlbreplay_' ; }
no_instance() {	# no_instance <description>
	if [ -z "$(ours)" ]; then ok 0 "$1"; else ok 1 "$1: $(ours | tr '\n' ' ')"; fi
}
ours | while read -r i; do rmdir "$T/instances/$i" 2>/dev/null; done

# the plan on this machine: every event of the x86 and generic vocabulary
# (the kernel's release string differs between machines of this kind: compared as KERNEL)
"$TLBREPLAY" record --check | sed "s/Linux $(uname -r | sed 's/[.[\*^$/]/\\&/g');/Linux KERNEL;/" > "$TMP/check"
if [ "$(uname -m)" = x86_64 ] && [ "$(uname -r | cut -d. -f1-2)" = 6.18 ]; then
	same_file "--check prints this machine's plan" "$DATA/record-check.expect" "$TMP/check"
else
	ok 0 "# SKIP the expected plan is this project's x86 6.18 machine's"
fi
grep_file "--check names the required events" "^tlb:tlb_flush  *required  *available" "$TMP/check"

expect_status 0 "--dry-run exits 0" "$TLBREPLAY" record --dry-run -- true
grep_file "--dry-run prints the instance it would make" "^mkdir .*/instances/tlbreplay_" "$TMP/out"
grep_file "--dry-run prints the events it would enable" "events/tlb/tlb_flush/enable" "$TMP/out"
# a huge page's allocation (x86 shows a huge page as one fault), filtered on
# the PMD order before it is enabled: one record a huge page
grep_file "--dry-run filters mm_page_alloc on order 9" "^echo 'order == 9' > instances/tlbreplay_[0-9]*/events/kmem/mm_page_alloc/filter" "$TMP/out"
no_instance "--dry-run makes no instance"

# a workload
expect_cmd "record usemem" "$TLBREPLAY" record -o "$TMP/u.dat" -- "$USEMEM" -t 2 -m 2 -s 0.5 -f 100
no_instance "no instance left after the recording"
grep_file "it says what it wrote" "wrote '$TMP/u.dat'" "$TMP/err"
expect_cmd "trace-cmd report reads it" trace-cmd report "$TMP/u.dat"
report_counts "$TMP/u.dat" > "$TMP/report"
stat_counts "$TMP/u.dat" > "$TMP/stat"
same_file "stat counts what trace-cmd report shows" "$TMP/report" "$TMP/stat"
"$TLBREPLAY" stat --json "$TMP/u.dat" > "$TMP/u.json"
python3 - "$TMP/u.json" > "$TMP/facts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
k = d["kinds"]
for n in ("fault", "flush", "switch", "fork", "exec"):
    print(n, k[n]["total"])
# ready: every input the plan enabled is recorded (a zero count is a recorded zero);
# lost events depend on the machine's load, not on the recorder: named, not failed
missing = [i["input"] for i in d["readiness"]["inputs"]
           if not i["present"] and i["need"] != "optional" and i["input"] != "no lost events"]
print("verdict", "ready" if not missing else "missing " + ", ".join(missing))
PY
for n in fault flush switch fork exec; do
	v=$(awk -v n=$n '$1 == n { print $2 }' "$TMP/facts")
	if [ "${v:-0}" -gt 0 ]; then ok 0 "stat finds $v ${n}es"; else ok 1 "stat finds no $n"; fi
done
grep_file "the recording is ready for replay" "^verdict ready" "$TMP/facts"
"$TLBREPLAY" stat "$TMP/u.dat" > "$TMP/stat.txt"
expect_cmd "what-if replays it" "$TLBREPLAY" what-if "$TMP/u.dat"

grep_file "stat shows the recorder's metadata" "^recorded    v1 arch=$(uname -m) page_size=[0-9]* cpus=[0-9]* cpu_model=" "$TMP/stat.txt"
grep_file "the metadata names the workload's process" "workload_pid=[0-9][0-9]* workload=usemem" "$TMP/stat.txt"
# x86: whether the CPU has INVLPGB, as /proc/cpuinfo's flags say
if [ "$(uname -m)" = x86_64 ]; then
	grep -qw invlpgb /proc/cpuinfo && inv=yes || inv=no
	grep_file "the metadata says whether the CPU has INVLPGB ($inv)" "invlpgb=$inv" "$TMP/stat.txt"
fi
# whether DAMON runs (its access checks clear Access flags untraced): on or
# off, whichever this machine says (a kdamond may start or stop any time)
grep_file "the metadata says whether DAMON runs (damon=on or off)" " damon=o\(n\|ff\)\( \|\$\)" "$TMP/stat.txt"
grep_file "what-if counts the workload's process tree by default" "^scope       the recorded workload, usemem pid=[0-9]" "$TMP/out"
grep_file "and shows every process beside it" "^system      every process: " "$TMP/out"

# -p: its memory maps become VMAs. The process outlives the recording
# (-d ends it), whatever the recorder's set-up takes on a loaded machine
# (a 3 s process once had to outlive it)
sleep 600 &
spid=$!
expect_cmd "record -p PID" "$TLBREPLAY" record -p $spid -d 0.5 -o "$TMP/p.dat"
no_instance "no instance left after -p"
# and -p alone records until the process exits: ended once the recording's
# instance exists
"$TLBREPLAY" record -p $spid -o "$TMP/p2.dat" > /dev/null 2> "$TMP/p2.err" &
rpid=$!
n=0	# at most 60 s
while [ ! -d "$T/instances/tlbreplay_$rpid" ] && kill -0 $rpid 2>/dev/null && [ $n -lt 600 ]; do
	sleep 0.1; n=$((n + 1))
done
kill $spid
wait $rpid
ok $? "record -p stops when the process exits, and exits 0"
no_instance "no instance left after -p's process exited"
trace-cmd report "$TMP/p.dat" 2>/dev/null | grep -c "tlbreplay-maps $spid " > "$TMP/nmaps"
nmaps=$(cat "$TMP/nmaps")
if [ "$nmaps" -gt 3 ]; then ok 0 "the trace holds $nmaps lines of its maps"; else ok 1 "the trace holds $nmaps lines of its maps"; fi
"$TLBREPLAY" stat --json "$TMP/p.dat" | python3 -c 'import json,sys; print(json.load(sys.stdin)["kinds"]["vma"]["total"])' > "$TMP/nvma"
if [ "$(cat "$TMP/nvma")" = "$nmaps" ]; then ok 0 "stat turns each into a VMA event"; else ok 1 "stat turns each into a VMA event ($(cat "$TMP/nvma") of $nmaps)"; fi
# -a: every running process's maps, the recorder's own excluded
sleep 30 & apid=$!
expect_cmd "record -a" "$TLBREPLAY" record -a -d 0.2 -o "$TMP/a.dat"
trace-cmd report "$TMP/a.dat" 2>/dev/null > "$TMP/a.txt"
grep_file "-a saves the maps of processes running before it" "tlbreplay-maps $apid " "$TMP/a.txt"
kill $apid 2>/dev/null
expect_status 2 "-p of a process that does not exist is a usage error" "$TLBREPLAY" record -p 4194000 -o "$TMP/x.dat"

# signals: the recording stops, is written, and the instance goes
for sig in INT TERM HUP; do
	"$TLBREPLAY" record -a -o "$TMP/sig.dat" > /dev/null 2> "$TMP/sig.err" &
	pid=$!
	n=0	# the signal during the capture: once the instance exists (at most 60 s), not after a fixed delay
	while [ ! -d "$T/instances/tlbreplay_$pid" ] && kill -0 $pid 2>/dev/null && [ $n -lt 600 ]; do
		sleep 0.1; n=$((n + 1))
	done
	sleep 0.2
	kill -s $sig $pid
	wait $pid
	rc=$?
	ok $((rc != 0)) "SIG$sig: the recorder exits 0 (status $rc)"
	no_instance "SIG$sig: no instance left"
	expect_cmd "SIG$sig: the trace it wrote reads back" trace-cmd report "$TMP/sig.dat"
done

# SIGKILL leaves the instance; the next run removes it, and only it
mkdir "$T/instances/othertool_keep"
"$TLBREPLAY" record -a -o "$TMP/k.dat" > /dev/null 2>&1 &
pid=$!
n=0	# until the instance exists (a loaded machine is slow to set up), at most 20 s
while [ ! -d "$T/instances/tlbreplay_$pid" ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.2
kill -KILL $pid
wait $pid 2>/dev/null
if [ -d "$T/instances/tlbreplay_$pid" ]; then ok 0 "SIGKILL leaves tlbreplay_$pid"; else ok 1 "SIGKILL leaves tlbreplay_$pid"; fi
expect_cmd "the next run records" "$TLBREPLAY" record -d 0.2 -a -o "$TMP/n.dat"
grep_file "and says it removed the stale instance" "removed instance 'tlbreplay_$pid'" "$TMP/err"
no_instance "no instance of ours is left"
if [ -d "$T/instances/othertool_keep" ]; then ok 0 "another tool's instance is kept"; else ok 1 "another tool's instance is kept"; fi
rmdir "$T/instances/othertool_keep"

# errors
expect_status 2 "nothing to record is a usage error" "$TLBREPLAY" record
if command -v setpriv >/dev/null; then
	expect_status 1 "without root: exit 1" setpriv --reuid=65534 --regid=65534 --clear-groups "$TLBREPLAY" record -o /tmp/never.dat -- true
	grep_file "without root: a clear message" "needs root" "$TMP/err"
	no_instance "without root: nothing left behind"
fi
expect_status 1 "an unwritable output: exit 1" "$TLBREPLAY" record -o /proc/nonexistent/x.dat -- true
no_instance "after a failed write: nothing left behind"

# the output is checked before anything starts: the workload never runs
expect_status 1 "a missing output directory: exit 1" \
	"$TLBREPLAY" record -o /no/such/dir/x.dat -- sh -c "touch '$TMP/started'; sleep 4"
grep_file "it names the output and why" "cannot write '/no/such/dir/x.dat'.*No such file or directory" "$TMP/err"
if [ -e "$TMP/started" ]; then ok 1 "the workload did not start"; else ok 0 "the workload did not start"; fi
no_instance "a missing output directory: no instance made"
mkdir "$TMP/adir"
expect_status 1 "an output that is a directory: exit 1" "$TLBREPLAY" record -o "$TMP/adir" -- true
grep_file "it says so" "cannot write '$TMP/adir': it is a directory" "$TMP/err"

# a workload that cannot run: an error, no trace, nothing left behind
expect_status 1 "a command that does not exist: exit 1" \
	"$TLBREPLAY" record -o "$TMP/nc.dat" -- tlbr-no-such-command
grep_file "it says the command cannot run" "cannot run 'tlbr-no-such-command': command not found" "$TMP/err"
ls "$TMP" | grep -q '^nc\.dat'
ok $((! $?)) "no trace and no spool are written"
# a directory passes the first check; its exec fails once tracing is set up
expect_status 1 "a command whose exec fails: exit 1" "$TLBREPLAY" record -o "$TMP/ne.dat" -- "$TMP/adir/"
grep_file "it names the exec's error" "cannot run '$TMP/adir/': Permission denied" "$TMP/err"
ls "$TMP" | grep -q '^ne\.dat'
ok $((! $?)) "no trace and no spool are written"
no_instance "a failed exec: no instance left"

# a workload that fails: the trace is written, the status is the recording's
expect_status 1 "a workload exiting 3: exit 1" "$TLBREPLAY" record -o "$TMP/x3.dat" -- sh -c 'exit 3'
grep_file "it names the workload's status" "the workload 'sh' exited with status 3" "$TMP/err"
expect_cmd "and the trace reads back" "$TLBREPLAY" stat "$TMP/x3.dat"
expect_status 1 "a workload killed by SIGTERM: exit 1" "$TLBREPLAY" record -o "$TMP/xk.dat" -- sh -c 'kill -TERM $$'
grep_file "it names the signal" "the workload 'sh' was killed by signal 15" "$TMP/err"
expect_cmd "and the trace reads back" trace-cmd report "$TMP/xk.dat"

# the workload inherits none of the recorder's files (its instance could not go)
expect_cmd "record a workload listing its open files" \
	"$TLBREPLAY" record -o "$TMP/fd.dat" -- sh -c "ls -l /proc/\$\$/fd > '$TMP/fds'"
grep -q "trace_pipe_raw\|tlbreplay-" "$TMP/fds"
ok $((! $?)) "the workload holds no trace_pipe_raw and no spool file"

# an existing output is kept as FILE.old, never overwritten
echo "precious" > "$TMP/o.dat"
expect_cmd "record over an existing output" "$TLBREPLAY" record -o "$TMP/o.dat" -- true
grep_file "it says where the previous one went" "the previous one is now '$TMP/o.dat.old'" "$TMP/err"
grep_file "the previous one is FILE.old, unchanged" "^precious$" "$TMP/o.dat.old"
expect_cmd "the new one reads back" "$TLBREPLAY" stat "$TMP/o.dat"
ls "$TMP" | grep -q 'tlbreplay-'
ok $((! $?)) "no spool is left after a recording"

# not root: --check says tracefs cannot be read, not that the kernel lacks the events
if command -v setpriv >/dev/null; then
	expect_status 1 "--check without root: exit 1" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$TLBREPLAY" record --check
	grep_file "--check without root: tracefs is not readable, and why" \
		"why: tracefs (.*) is not readable: Permission denied (it is root's: run as root)" "$TMP/out"
	grep -q "no such tracepoint" "$TMP/out"
	ok $((! $?)) "--check without root: no event is blamed on the kernel"
	grep_file "--check without root: the error says why" "cannot check this kernel's plan: tracefs" "$TMP/err"
fi
done_testing
