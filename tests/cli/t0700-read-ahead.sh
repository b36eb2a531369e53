#!/bin/sh
# Read-ahead (issue 17): with --jobs 2 the reader decodes the trace in a
# thread of its own while the replay (or stat's counting) works; records, events and the
# adapter's tasks are handed to the replay in the same order at the same
# points, so every output must be byte-identical to the one-thread run
# (--jobs 1), on every sample and hand-written trace, in every format the
# samples have, through batch boundaries (512 records), with the filters
# that ask the adapter about tasks, and when the input ends in an error.
. "$SRCDIR/tests/lib.sh"
same() {	# same <description> <args...>: -j 1 and -j 2 print the same, exit the same
	desc=$1; shift
	"$TLBREPLAY" "$@" -j 1 >"$TMP/1.out" 2>"$TMP/1.err"; s1=$?
	"$TLBREPLAY" "$@" -j 2 >"$TMP/2.out" 2>"$TMP/2.err"; s2=$?
	cmp -s "$TMP/1.out" "$TMP/2.out" && cmp -s "$TMP/1.err" "$TMP/2.err" && [ "$s1" = "$s2" ]
	ok $? "$desc (status $s1)"
}
for f in "$SAMPLES"/*.dat "$SAMPLES"/*.perf.data "$DATA"/helper-munmap-pid.dat; do
	n=$(basename "$f")
	same "what-if $n" what-if "$f"
	same "what-if --json, every policy, $n" what-if --json \
		-p arm64-broadcast,x86-ipi,oracle,local-only,wp-local,active-cpu,pte-needs-flush "$f"
	same "report --json $n" report --json "$f"
	same "stat $n" stat "$f"
	same "stat --json $n" stat --json "$f"
done
for f in "$DATA"/whatif-*.txt "$DATA"/report-comm.txt; do
	same "what-if $(basename "$f")" what-if --cpus 4 "$f"
done
same "report with --comm (the adapter's tasks asked per event)" report --comm stress-ng-vm \
	"$SAMPLES/stress-ng-vm-fork.dat"
same "what-if with --pid and --time" what-if --pid 2 --time 0.1,0.5 "$SAMPLES/usemem-fork-exec.dat"
# a text trace whose last line is cut: the error, its position and the status
head -c -3 "$DATA/whatif-munmap.txt" > "$TMP/cut.txt"
same "a truncated text trace: the same error" what-if --cpus 4 "$TMP/cut.txt"
same "stat of a truncated text trace: the same error" stat "$TMP/cut.txt"
# the replay stops at an event on CPU 1 of 1 while the reader thread is ahead:
# the same message, position and status, and the thread is stopped and joined
same "the replay stopping early: the same error" what-if --cpus 1 "$SAMPLES/stress-ng-vm-fork.dat"
expect_status 2 "--jobs 0 is a usage error" "$TLBREPLAY" what-if --jobs 0 "$SAMPLES/mprotect-churn.dat"
expect_status 2 "--jobs x is a usage error" "$TLBREPLAY" report -j x "$SAMPLES/mprotect-churn.dat"
expect_status 2 "stat --jobs 0 is a usage error" "$TLBREPLAY" stat --jobs 0 "$SAMPLES/mprotect-churn.dat"
done_testing
