#!/bin/sh
# A recorder that dies loses nothing it had written to disk (root and
# tracefs): SIGKILL at random points of recordings (the seed is printed;
# TLBR_KILL_SEED=N repeats a run, TLBR_KILLS=N sets how many), the states a
# kill during the final write or a power loss leave in the spool, and a
# full disk. Every recovered trace.dat reads in trace-cmd report and in
# tlbreplay stat with the same counts, holds at least the data that was on
# disk when the recorder died, and an existing output is never lost.
. "$SRCDIR/tests/lib.sh"

need_recorder
need_tracefs

seed=${TLBR_KILL_SEED:-$$}
kills=${TLBR_KILLS:-6}
echo "# kill seed $seed (TLBR_KILL_SEED=$seed repeats this run)"

# bytes in a spool's CPU files
spool_bytes() { cat "$1"/cpu* 2>/dev/null | wc -c; }

# readable <description> <trace>: trace-cmd and stat read it and count alike
readable() {
	if trace-cmd report "$2" > /dev/null 2> "$TMP/rd.err" && "$TLBREPLAY" stat "$2" > /dev/null 2>> "$TMP/rd.err"; then
		report_counts "$2" > "$TMP/rc.report"
		stat_counts "$2" > "$TMP/rc.stat"
		same_file "$1: trace-cmd report and stat read it, with the same counts" \
			"$TMP/rc.report" "$TMP/rc.stat"
	else
		ok 1 "$1: trace-cmd report and stat read it"
		{ ls -l "$2"*; tail -5 "$TMP/rd.err"; } 2>&1 | sed 's/^/#   /'
		return 1
	fi
}

# wait_spool <output> <pid>: until the recording's spool has its manifest
# (set-up is done: capture starts), or the recorder is gone; at most 60 s
wait_spool() {
	n=0
	while [ ! -e "$1.tlbreplay-$2/recording" ] && kill -0 "$2" 2>/dev/null && [ $n -lt 1200 ]; do
		sleep 0.05; n=$((n + 1))
	done
}

# wait_bytes <spool> <pid>: until the spool's CPU files hold events, or the
# recorder is gone; at most 60 s (its workload runs longer than that: the
# kill, not the workload's end, stops it, however slow a loaded machine is)
wait_bytes() {
	n=0
	while [ "$(spool_bytes "$1")" -eq 0 ] && kill -0 "$2" 2>/dev/null && [ $n -lt 1200 ]; do
		sleep 0.05; n=$((n + 1))
	done
}

# kill_recorder <pid>: SIGKILL it and end its workload (an orphan otherwise)
kill_recorder() {
	kids=$(pgrep -P "$1")
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	[ -n "$kids" ] && kill -KILL $kids 2>/dev/null
}

recovered=0 finished=0 empty=0
i=1
while [ $i -le $kills ]; do
	out=$TMP/k$i.dat
	echo "precious $i" > "$out"
	"$TLBREPLAY" record -o "$out" -- "$USEMEM" -t 2 -m 2 -s 1 -f 50 > /dev/null 2>&1 &
	pid=$!
	delay=$(awk -v s="$seed" -v i=$i 'BEGIN { srand(s * 100 + i); printf "%.2f", rand() * 1.6 }')
	if [ $((i % 3)) -eq 0 ]; then	# during the set-up: once the spool is made
		n=0
		while [ ! -d "$out.tlbreplay-$pid" ] && kill -0 $pid 2>/dev/null && [ $n -lt 1200 ]; do
			sleep 0.05; n=$((n + 1))
		done
		phase="of set-up and capture"
	else
		wait_spool "$out" $pid
		phase="of capture"
	fi
	sleep "$delay"
	bytes=$(spool_bytes "$out.tlbreplay-$pid")
	kill_recorder $pid
	spool=$out.tlbreplay-$pid
	if [ -d "$spool" ]; then
		"$TLBREPLAY" record --recover "$spool" > "$TMP/out" 2> "$TMP/err"
		rc=$?
		ok $rc "kill $i (after ${delay} s $phase, $bytes bytes on disk): --recover exits 0"
		[ $rc -eq 0 ] || sed 's/^/#   /' "$TMP/err"
		if grep -q "recovered the recording" "$TMP/err"; then
			recovered=$((recovered + 1))
			got=$(sed -n 's/.*(\([0-9]*\) bytes of events).*/\1/p' "$TMP/err")
			[ "${got:-0}" -ge "$bytes" ]
			ok $? "kill $i: the trace holds the $bytes bytes on disk at the kill (${got:-0})"
			readable "kill $i" "$out" || sed 's/^/#   /' "$TMP/err"
			grep_file "kill $i: the previous output is kept as .old" "^precious $i$" "$out.old"
		elif grep -q "had finished with it" "$TMP/err"; then	# killed removing its spool
			finished=$((finished + 1))
			readable "kill $i (while the recorder removed its spool)" "$out"
			grep_file "kill $i: the previous output is kept as .old" "^precious $i$" "$out.old"
		else	# killed before a sub-buffer reached the disk
			empty=$((empty + 1))
			grep_file "kill $i: a spool with no events is removed, and said so" "removed '$spool'" "$TMP/err"
			grep_file "kill $i: the previous output is untouched" "^precious $i$" "$out"
		fi
	else	# the recording had ended before the kill
		finished=$((finished + 1))
		readable "kill $i (after the recording ended)" "$out"
		grep_file "kill $i: the previous output is kept as .old" "^precious $i$" "$out.old"
	fi
	if ls -d "$out".tlbreplay-* > /dev/null 2>&1; then ok 1 "kill $i: no spool left"; else
		ok 0 "kill $i: no spool left"; fi
	i=$((i + 1))
done
echo "# $kills kills: $recovered recovered, $empty before any event was on disk, $finished after the end"

# a spool in another directory is found through /run/tlbreplay by the next recording anywhere
mkdir "$TMP/far"
"$TLBREPLAY" record -o "$TMP/far/f.dat" -- "$USEMEM" -t 2 -m 2 -s 120 -f 50 > /dev/null 2>&1 &
pid=$!
wait_spool "$TMP/far/f.dat" $pid
wait_bytes "$TMP/far/f.dat.tlbreplay-$pid" $pid
kill_recorder $pid
expect_cmd "the next recording, elsewhere, runs" "$TLBREPLAY" record -o "$TMP/next.dat" -- true
grep_file "and recovers the killed one's trace" "recovered the recording of an interrupted recorder (pid $pid) into '$TMP/far/f.dat'" "$TMP/err"
readable "the trace recovered by the next recording" "$TMP/far/f.dat"
if [ -d "$TMP/far/f.dat.tlbreplay-$pid" ]; then ok 1 "its spool is gone"; else ok 0 "its spool is gone"; fi
if [ -e "/run/tlbreplay/$pid" ]; then ok 1 "and its registry entry"; else ok 0 "and its registry entry"; fi
left=$(left_instances | grep '^tlbreplay_')
if [ -z "$left" ]; then ok 0 "no instance of the killed recorders is left"; else
	ok 1 "no instance of the killed recorders is left: $left"; fi

# the states a death during the final write or a power loss leave, built
# from a killed recording's spool (no kernel needed to recover them)
"$TLBREPLAY" record -o "$TMP/s.dat" -- "$USEMEM" -t 2 -m 2 -s 120 -f 50 > /dev/null 2>&1 &
pid=$!
wait_spool "$TMP/s.dat" $pid
wait_bytes "$TMP/s.dat.tlbreplay-$pid" $pid
kill_recorder $pid
base=$TMP/s.dat.tlbreplay-$pid
[ -d "$base" ]
ok $? "a killed recording's spool to build the states from"
cp -a "$base" "$TMP/pristine"
"$TLBREPLAY" record --recover "$base" 2> "$TMP/err"
ok $? "the pristine spool recovers"
cp "$TMP/s.dat" "$TMP/s.ref"
state() {	# state <name>: a fresh copy of the spool as $TMP/<name>.dat.tlbreplay-1
	rm -rf "$TMP/$1.dat.tlbreplay-1"
	cp -a "$TMP/pristine" "$TMP/$1.dat.tlbreplay-1"
	S=$TMP/$1.dat.tlbreplay-1
}

# power loss: the last sub-buffer torn, a zero-filled one after it
state torn
head -c 4096 /dev/zero >> "$S/cpu0"
head -c 1000 /dev/urandom >> "$S/cpu0"
expect_cmd "power loss (torn, zero-filled tail): --recover" "$TLBREPLAY" record --recover "$S"
grep_file "it drops the 5096 bytes of the torn tail and says so" "5096 bytes of torn data at its end dropped" "$TMP/err"
readable "power loss" "$TMP/torn.dat"
stat_counts "$TMP/s.ref" > "$TMP/ref.counts"
stat_counts "$TMP/torn.dat" > "$TMP/torn.counts"
same_file "power loss: the same events as the pristine spool gives" "$TMP/ref.counts" "$TMP/torn.counts"

# killed while writing the trace.dat: a partial one in the spool, not marked assembled
state partial
head -c 5000 "$TMP/s.ref" > "$S/trace.dat.tmp"
expect_cmd "killed during the final write: --recover" "$TLBREPLAY" record --recover "$S"
readable "killed during the final write" "$TMP/partial.dat"
stat_counts "$TMP/partial.dat" > "$TMP/partial.counts"
same_file "killed during the final write: the partial file is not used" "$TMP/ref.counts" "$TMP/partial.counts"

# killed after the trace.dat was complete, before the rename
state assembled
cp "$TMP/s.ref" "$S/trace.dat.tmp"
: > "$S/assembled"
echo precious > "$TMP/assembled.dat"
bytes=$(spool_bytes "$S")
expect_cmd "killed before the rename: --recover" "$TLBREPLAY" record --recover "$S"
grep_file "killed before the rename: it names the $bytes bytes of events the CPU files hold" \
	"($bytes bytes of events)" "$TMP/err"
same_file "killed before the rename: the assembled file is put in place" "$TMP/s.ref" "$TMP/assembled.dat"
grep_file "killed before the rename: the existing output is kept as .old" "^precious$" "$TMP/assembled.dat.old"

# killed after the rename, before the spool was removed
state renamed
: > "$S/assembled"
echo "the trace put in place" > "$TMP/renamed.dat"
expect_cmd "killed after the rename: --recover" "$TLBREPLAY" record --recover "$S"
grep_file "killed after the rename: the output is left alone" "^the trace put in place$" "$TMP/renamed.dat"
if [ -d "$S" ]; then ok 1 "killed after the rename: the spool goes"; else ok 0 "killed after the rename: the spool goes"; fi

# killed while removing the spool after the rename: "assembled" and part
# of tracing/ already gone (the CI run that found this reassembled the
# half-removed spool over the new trace, and the old one was lost)
state removing
: > "$S/finished"
rm -rf "$S/tracing/events"
echo "the trace put in place" > "$TMP/removing.dat"
expect_cmd "killed while removing the spool: --recover" "$TLBREPLAY" record --recover "$S"
grep_file "killed while removing the spool: it says so" "removed '$S': its recorder had finished with it" "$TMP/err"
grep_file "killed while removing the spool: the output is left alone" "^the trace put in place$" "$TMP/removing.dat"
if [ -e "$TMP/removing.dat.old" ] || [ -d "$S" ]; then ok 1 "killed while removing the spool: the spool goes, nothing is renamed"; else
	ok 0 "killed while removing the spool: the spool goes, nothing is renamed"; fi

expect_status 1 "--recover of a directory that is not a spool: exit 1" "$TLBREPLAY" record --recover "$TMP/far"
grep_file "it says so" "is not a recording's spool" "$TMP/err"

# a full disk: a clear error, the sub-buffers that fit kept whole, the trace
# recoverable once there is room; the existing output untouched
mkdir "$TMP/small"
if mount -t tmpfs -o size=1m tlbr-test "$TMP/small" 2>/dev/null; then
	trap 'umount "$TMP/small" 2>/dev/null; rm -rf "$TMP"' EXIT
	echo precious > "$TMP/small/f.dat"
	# 128 MiB of first touches: 32768 page faults, far more events than 1 MiB holds
	expect_status 1 "a full disk: exit 1" "$TLBREPLAY" record -o "$TMP/small/f.dat" -- "$USEMEM" -t 1 -m 128 -s 0.5
	grep_file "it says the disk is full, naming the file" "the disk is full: cannot write '$TMP/small/f.dat.tlbreplay-[0-9]*/cpu[0-9]*': No space left on device" "$TMP/err"
	grep_file "it says where the data is kept and how to recover it" "record --recover $TMP/small/f.dat.tlbreplay-[0-9]*' writes" "$TMP/err"
	grep_file "the existing output is untouched" "^precious$" "$TMP/small/f.dat"
	S=$(ls -d "$TMP"/small/f.dat.tlbreplay-* 2>/dev/null | head -1)
	size_ok=0
	for f in "$S"/cpu*; do [ $(($(wc -c < "$f") % 4096)) -eq 0 ] || size_ok=1; done
	ok $size_ok "the CPU files hold whole sub-buffers"
	expect_cmd "--recover -o elsewhere, once there is room" "$TLBREPLAY" record --recover "$S" -o "$TMP/full.dat"
	readable "the full disk's trace" "$TMP/full.dat"
	if [ -d "$S" ]; then ok 1 "the full disk's spool goes"; else ok 0 "the full disk's spool goes"; fi
	umount "$TMP/small"
else
	ok 0 "# SKIP cannot mount a small tmpfs for the full-disk test"
fi
done_testing
