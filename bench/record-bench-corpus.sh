#!/bin/bash
# bench/record-bench-corpus.sh [-o DIR] [-w LIST] [-l FILE] [-s SECONDS]
#
# Records the benchmark corpus bench/bench.sh runs on: real workloads of
# programs no one here wrote, each recorded with `tlbreplay record` (the
# events replay needs, through a private tracefs instance):
#
#   mprotect.dat     stress-ng --mprotect 2, 3 s: mprotect churn (2 M+ events)
#   forkheavy.dat    stress-ng --forkheavy 2 --forkheavy-allocs 1024, 4 s:
#                    1,000+ mappings in every process that forks
#   vm-fork-exec.dat stress-ng --vm 1 --fork 1 --exec 1, 3 s
#   redis.dat        redis-server under redis-benchmark with a BGSAVE (fork
#                    of a large heap), the server recorded by pid
#   make-j2.dat      make -j2 of this tree's C sources (gcc, 6 s)
#   long.dat         trace-cmd record -d --no-filter of the whole system for
#                    SECONDS (default 15), uncompressed, while stress-ng
#                    churns mprotect, forks and execs beside it: the 20 M+
#                    event trace (on a 2-CPU EPYC VM, 14 s gave 35 M events
#                    and 0.48 M lost in 27 gaps; 45 s gave 95 M records and
#                    22 M lost: the per-CPU buffers overflow while trace-cmd
#                    writes them out, and a trace that long only measures
#                    the lost-event paths better)
#
# The traces are big (long.dat is about 1 GB): they are not committed.
#
# -o DIR     where to write (default /work/bench-corpus, or $BENCH_CORPUS)
# -w LIST    workloads, comma-separated (default: all; -w help lists them)
# -l FILE    hold flock FILE around each recording (and only there), for a
#            machine whose tracefs others share
# -s SECONDS length of long.dat (default 15)
#
# Needs root, tracefs, trace-cmd, stress-ng, redis-server and
# redis-benchmark, make and gcc, and a build (TLBREPLAY names the tlbreplay binary, default
# build/cmd/tlbreplay).
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=${BENCH_CORPUS:-/work/bench-corpus}
WL=all
LOCK=
LONG_S=15
while [ $# -gt 0 ]; do
	case $1 in
	-o) OUT=$2; shift 2 ;;
	-w) WL=$2; shift 2 ;;
	-l) LOCK=$2; shift 2 ;;
	-s) LONG_S=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;/^set -u/d'; exit 0 ;;
	*) echo "record-bench-corpus.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
TLBREPLAY=${TLBREPLAY:-$PWD/build/cmd/tlbreplay}
[ "$(id -u)" = 0 ] || { echo "record-bench-corpus.sh: needs root" >&2; exit 1; }
[ -x "$TLBREPLAY" ] || { echo "record-bench-corpus.sh: build first (no $TLBREPLAY)" >&2; exit 1; }
mkdir -p "$OUT/work" || exit 1
W=$OUT/work
WORKLOADS="mprotect forkheavy vm-fork-exec redis make-j2 long"

lock() { [ -z "$LOCK" ] || { exec 9>>"$LOCK" && flock 9; }; }
unlock() { [ -z "$LOCK" ] || { flock -u 9; exec 9>&-; }; }

rec() {	# NAME COMMAND [BUFFER_KB]: record COMMAND under sh
	local f=$OUT/$1.dat rc
	lock
	"$TLBREPLAY" record -b "${3:-32768}" -o "$f" -- sh -c "$2" >"$f.log" 2>&1
	rc=$?
	unlock
	return $rc
}

redis() {
	local f=$OUT/redis.dat rc pid
	redis-server --port 6391 --bind 127.0.0.1 --save '' --appendonly no --dir "$W" \
		--daemonize no --logfile "$W/redis.log" & pid=$!
	sleep 0.5
	# a heap worth forking: 200,000 keys of 512 bytes
	redis-benchmark -p 6391 -q -n 200000 -r 200000 -d 512 -t set -P 32 >/dev/null
	lock
	"$TLBREPLAY" record -b 32768 -o "$f" -p "$pid" >"$f.log" 2>&1 & rpid=$!
	sleep 1
	(sleep 1; redis-cli -p 6391 bgsave >/dev/null) &
	redis-benchmark -p 6391 -q -n 60000 -r 200000 -d 512 -c 8 -P 4 -t set,get,lpush >/dev/null
	wait $!
	sleep 1
	redis-cli -p 6391 shutdown nosave >/dev/null 2>&1
	wait "$rpid"; rc=$?
	wait "$pid"
	unlock
	return $rc
}

make_j2() {
	{
		echo "SRC := $(ls "$PWD"/formats/*.c "$PWD"/replay/*.c "$PWD"/analysis/*.c "$PWD"/cmd/*.c | tr '\n' ' ')"
		echo "CFLAGS := -O2 -I$PWD/include -I$PWD/formats -I$PWD/replay -I$PWD/analysis -I$(dirname "$(dirname "$TLBREPLAY")") -I/usr/include/traceevent -I/usr/include/tracefs -I/usr/include/trace-cmd -w"
		echo 'OBJ := $(patsubst %.c,$(OBJDIR)/%.o,$(notdir $(SRC)))'
		echo 'vpath %.c $(sort $(dir $(SRC)))'
		echo 'all: $(OBJ)'
		printf '$(OBJDIR)/%%.o: %%.c\n\t-@gcc $(CFLAGS) -c $< -o $@\n'
	} > "$W/Makefile"
	rec make-j2 "rm -rf $W/obj && mkdir $W/obj && { timeout 6 make -s -j2 -C $W OBJDIR=$W/obj; true; }"
}

# The plan's events (tlbreplay record --check), as trace-cmd -e options.
plan_events() {
	"$TLBREPLAY" record --check | awk 'NR > 1 && $3 == "available" && $1 !~ /^tlbr:/ { printf " -e %s", $1 }'
}

# trace-cmd record -d --no-filter of the whole system, uncompressed as
# tlbreplay record writes it: reading a zstd-compressed trace.dat of this
# size is super-linear in libtracecmd 1.3 (a list of decompressed chunks
# that grows with the file is walked at every record freed), which would
# hide the replay's own scaling. Into its own instance (-B); the top-level
# instance's tracing_on, which trace-cmd turns on, is put back.
long() {
	local f=$OUT/long.dat rc on inst=tlbr_bench_$$
	local T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
	local ev=$(plan_events)
	lock
	on=$(cat "$T/tracing_on")
	( sleep 0.5
	  stress-ng --mprotect 1 --fork 1 --exec 1 --vm 1 --vm-bytes 8M \
		--timeout "$((LONG_S - 1))" --quiet ) >/dev/null 2>&1 &
	# shellcheck disable=SC2086
	trace-cmd record -B "$inst" -d --no-filter --compression none -b 65536 $ev -o "$f" \
		sleep "$LONG_S" >"$f.log" 2>&1
	rc=$?
	# trace-cmd 3.1 fails at the end on the instance's set_ftrace_filter
	# (EPERM) after writing a whole trace: the trace is what counts
	[ $rc = 0 ] || ! "$TLBREPLAY" stat "$f" >/dev/null 2>&1 || rc=0
	wait
	echo "$on" > "$T/tracing_on"
	if [ -d "$T/instances/$inst" ]; then
		echo 0 > "$T/instances/$inst/tracing_on"
		echo > "$T/instances/$inst/set_event"
		rmdir "$T/instances/$inst"
	fi
	unlock
	return $rc
}

one() {
	case $1 in
	mprotect) rec mprotect "stress-ng --mprotect 2 --timeout 3 --quiet" 131072 ;;
	forkheavy) rec forkheavy "stress-ng --forkheavy 2 --forkheavy-allocs 1024 --timeout 4 --quiet" ;;
	vm-fork-exec) rec vm-fork-exec "stress-ng --vm 1 --vm-bytes 16M --fork 1 --exec 1 --timeout 3 --quiet" ;;
	redis) redis ;;
	make-j2) make_j2 ;;
	long) long ;;
	*) echo "record-bench-corpus.sh: unknown workload $1" >&2; return 2 ;;
	esac
}

[ "$WL" = help ] && { echo $WORKLOADS; exit 0; }
[ "$WL" = all ] && WL=$(echo $WORKLOADS | tr ' ' ,)
fail=0
for w in ${WL//,/ }; do
	one "$w"
	rc=$?
	printf '%-14s %s %s\n' "$w" "$([ $rc = 0 ] && echo ok || echo FAILED)" \
		"$(du -h "$OUT/$w.dat" 2>/dev/null | cut -f1)"
	[ $rc = 0 ] || fail=1
done
exit $fail
