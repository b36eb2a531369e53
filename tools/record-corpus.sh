#!/bin/bash
# record-corpus.sh [-o DIR] [-w LIST] [-m LIST] [--install]
#
# Records the x86 validation corpus: real workloads of programs no one here
# wrote (stress-ng stressors, a parallel C build, redis under
# redis-benchmark with a BGSAVE, three multithreaded compressors, a Java and
# a Python garbage collector, git gc, sort --parallel, sysbench memory),
# each for 2-5 seconds, each recorded four ways, one recording at a time:
#
#   NAME.tc.dat      trace-cmd record -d --no-filter -e EVENT... (the plan's
#                    events, system-wide, trace-cmd's defaults otherwise:
#                    local clock, its own buffer instance)
#
# The plan (tlbreplay record --check) is the list for trace-cmd and perf
# too; on x86 it has csd:csd_queue_cpu, csd:csd_function_entry and
# sched:sched_wake_idle_without_ipi where the kernel has them: how each
# shootdown reaches its targets, which bench/validate.sh's deliv column
# reads (recordings made before they were in the plan lack them).
#   NAME.perf.data   perf record -a -k mono -e EVENT... (tools/record-perf.sh)
#   NAME.tlbr.dat    tlbreplay record -- sh -c WORKLOAD
#   NAME.tlbr-a.dat  tlbreplay record -a -d SECONDS, the workload started
#                    beside it
#
# plus the scenario of tests/workloads/helper-munmap recorded whole and
# pid-filtered (trace-cmd record -P: only the scenario's own events).
#
# -w held-out records five more (sqlite3 building and querying a 250k-row
# table, rsync -a of /usr/share/doc and /usr/lib/python3, node's V8
# collector, make-j2's build of this tree with clang, git clone
# --local + repack -a -d -f): no rule of the x86 model was tuned to them
# (bench/validate.sh DIR/*.dat DIR/*.perf.data: the generalisation figure).
#
# bench/validate.sh replays them. The corpus is not committed (hundreds of
# MB); small recordings are copied to samples/ by hand.
#
# -o DIR     where to write (default /work/corpus, or $CORPUS)
# -w LIST    workloads, comma-separated (default: all; -w help lists them)
# -m LIST    methods: tc,perf,tlbr,tlbr-a (default: all four)
# -l FILE    hold flock FILE around each recording (and only there), for a
#            machine whose tracefs others share
# --install  apt-get install the Debian packages the workloads need
#
# Needs root, tracefs, trace-cmd and perf, and a build (TLBREPLAY names the
# tlbreplay binary, default build/cmd/tlbreplay). trace-cmd record records
# into its own instance (-B): the top-level instance is left alone, and its
# tracing_on, which trace-cmd turns on, is put back as it was.
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=${CORPUS:-/work/corpus}
WL=all
METHODS=tc,perf,tlbr,tlbr-a
INSTALL=
LOCK=
while [ $# -gt 0 ]; do
	case $1 in
	-o) OUT=$2; shift 2 ;;
	-w) WL=$2; shift 2 ;;
	-m) METHODS=$2; shift 2 ;;
	-l) LOCK=$2; shift 2 ;;
	--install) INSTALL=1; shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;/^set -u/d'; exit 0 ;;
	*) echo "record-corpus.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
TLBREPLAY=${TLBREPLAY:-$PWD/build/cmd/tlbreplay}
B=$(dirname "$(dirname "$TLBREPLAY")")
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ "$(id -u)" = 0 ] || { echo "record-corpus.sh: needs root" >&2; exit 1; }
[ -n "$T" ] || { echo "record-corpus.sh: no tracefs mounted" >&2; exit 1; }
[ -x "$TLBREPLAY" ] || { echo "record-corpus.sh: build first (no $TLBREPLAY)" >&2; exit 1; }

if [ -n "$INSTALL" ]; then
	apt-get install -y stress-ng redis-server redis-tools sysbench pigz zstd xz-utils \
		default-jdk-headless python3 git make gcc trace-cmd linux-perf \
		sqlite3 rsync nodejs clang >/dev/null || exit 1
fi
mkdir -p "$OUT/work" || exit 1
W=$OUT/work

# ------------------------------------------------------------ inputs
setup() {
	if [ ! -s "$W/data.bin" ]; then	# 48 MB of real, compressible files
		find /usr/share /usr/lib -type f -size +4k 2>/dev/null | head -20000 |
			xargs cat 2>/dev/null | head -c 48M > "$W/data.bin"
	fi
	if [ ! -s "$W/numbers.txt" ]; then
		seq 1 2000000 | shuf --random-source=<(yes) > "$W/numbers.txt"
	fi
	if [ ! -s "$W/Churn.class" ]; then
		cat > "$W/Churn.java" <<'EOF'
// Allocation churn for a generational collector: two threads keep
// building and dropping lists of arrays for the given number of seconds.
import java.util.ArrayList;
public class Churn {
    public static void main(String[] a) throws Exception {
        final long end = System.nanoTime() + (long)(Double.parseDouble(a[0]) * 1e9);
        Runnable r = () -> {
            ArrayList<int[]> keep = new ArrayList<>();
            long n = 0;
            while (System.nanoTime() < end) {
                keep.add(new int[256 + (int)(n++ % 4096)]);
                if (keep.size() > 20000) keep.subList(0, 10000).clear();
            }
        };
        Thread t1 = new Thread(r), t2 = new Thread(r);
        t1.start(); t2.start(); t1.join(); t2.join();
    }
}
EOF
		javac -d "$W" "$W/Churn.java" || return 1
	fi
	if [ ! -d "$W/repo.git" ]; then
		git clone -q --bare /work/main "$W/repo.git" 2>/dev/null ||
			git clone -q --bare . "$W/repo.git" || return 1
	fi
	if [ ! -s "$W/Makefile" ]; then
		{
			echo "SRC := $(ls "$PWD"/formats/*.c "$PWD"/replay/*.c "$PWD"/analysis/*.c | tr '\n' ' ')"
			echo "CFLAGS := -O2 -I$PWD/include -I$PWD/formats -I$PWD/replay -I$PWD/analysis -I$PWD/$B -I/usr/include/traceevent -I/usr/include/tracefs -I/usr/include/trace-cmd -w"
			echo 'OBJ := $(patsubst %.c,$(OBJDIR)/%.o,$(notdir $(SRC)))'
			echo 'vpath %.c $(sort $(dir $(SRC)))'
			echo 'all: $(OBJ)'
			printf '$(OBJDIR)/%%.o: %%.c\n\t-@gcc $(CFLAGS) -c $< -o $@\n'
		} > "$W/Makefile"
	fi
	if [ ! -s "$W/load.sql" ]; then
		cat > "$W/load.sql" <<'EOF'
PRAGMA journal_mode=WAL;
PRAGMA threads=2;
PRAGMA cache_size=-65536;
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL);
WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM s WHERE x < 250000)
INSERT INTO t SELECT x, hex(randomblob(24)), random() % 1000 FROM s;
CREATE INDEX tb ON t(b);
CREATE INDEX tc ON t(c, b);
SELECT count(*), sum(length(b)) FROM t WHERE c > 0;
SELECT c, count(*) FROM t GROUP BY c ORDER BY 2 DESC LIMIT 3;
DELETE FROM t WHERE a % 3 = 0;
VACUUM;
EOF
	fi
	if [ ! -s "$W/churn.js" ]; then
		cat > "$W/churn.js" <<'EOF'
// V8 allocation churn: young-generation scavenges and old-space marking
// run on V8's own helper threads, for the given number of seconds.
const end = Date.now() + 1000 * Number(process.argv[2] || 3);
let keep = [];
while (Date.now() < end) {
  keep.push(Array.from({length: 2000}, (_, i) => ({i, s: 'x' + i})));
  if (keep.length > 60) keep.splice(0, 30);
}
EOF
	fi
	[ -s "$W/Makefile.clang" ] || sed 's/-@gcc /-@clang /' "$W/Makefile" > "$W/Makefile.clang"
	if ! redis-cli -p 6390 ping >/dev/null 2>&1; then
		redis-server --port 6390 --bind 127.0.0.1 --save '' --appendonly no --dir "$W" \
			--daemonize yes --logfile "$W/redis.log" || return 1
		sleep 0.5
		redis-benchmark -p 6390 -q -n 100000 -r 100000 -d 256 -t set -P 16 >/dev/null
	fi
	[ -x "$B/tests/workloads/helper-munmap" ] || ninja -C "$B" tests/workloads/helper-munmap >/dev/null
}

# ------------------------------------------------------------ workloads
# Each runs for 2-5 s in the foreground.
WORKLOADS="stress-vm stress-fork stress-mmap stress-madvise stress-uffd make-j2 redis-bgsave
xz-T2 pigz zstd-T2 java-gc python-gc git-gc sort-parallel sysbench-memory"
HELD_OUT="sqlite rsync node-gc clang-j2 git-repack"

wl_cmd() {
	case $1 in
	stress-vm) echo "stress-ng --vm 2 --vm-bytes 16M --timeout 3 --quiet" ;;
	stress-fork) echo "stress-ng --fork 2 --timeout 2 --quiet" ;;
	stress-mmap) echo "stress-ng --mmap 2 --mmap-bytes 16M --timeout 3 --quiet" ;;
	stress-madvise) echo "stress-ng --madvise 2 --timeout 3 --quiet" ;;
	stress-uffd) echo "stress-ng --userfaultfd 1 --timeout 3 --quiet" ;;
	make-j2) echo "rm -rf $W/obj && mkdir $W/obj && timeout 4 make -s -j2 -C $W OBJDIR=$W/obj" ;;
	redis-bgsave) echo "(sleep 0.8; redis-cli -p 6390 bgsave >/dev/null) & redis-benchmark -p 6390 -q -n 40000 -r 100000 -d 256 -c 8 -P 4 -t set,get,lpush >/dev/null; wait" ;;
	xz-T2) echo "timeout 3 xz -T2 -4 -c $W/data.bin >/dev/null" ;;
	pigz) echo "timeout 3 pigz -p 2 -6 -c $W/data.bin >/dev/null" ;;
	zstd-T2) echo "timeout 3 zstd -q -T2 -12 -c $W/data.bin >/dev/null" ;;
	java-gc) echo "java -Xmx128m -XX:+UseParallelGC -XX:ParallelGCThreads=2 -cp $W Churn 2.5" ;;
	python-gc) echo "python3 -c 'import gc,threading,time
end=time.time()+3
def churn():
    keep=[]
    while time.time()<end:
        keep.append([{\"k\":i,\"v\":[i]*8} for i in range(2000)])
        if len(keep)>50: del keep[:25]; gc.collect(0)
ts=[threading.Thread(target=churn) for _ in range(2)]
[t.start() for t in ts]; [t.join() for t in ts]'" ;;
	git-gc) echo "rm -rf $W/gc.git && cp -r $W/repo.git $W/gc.git && timeout 4 git -C $W/gc.git -c pack.threads=2 gc -q --aggressive" ;;
	sort-parallel) echo "timeout 4 sort --parallel=2 -S 64M -n $W/numbers.txt >/dev/null" ;;
	sysbench-memory) echo "sysbench memory --threads=2 --time=3 --memory-block-size=4K --memory-total-size=100G run >/dev/null" ;;
	sqlite) echo "rm -f $W/t.db $W/t.db-wal $W/t.db-shm && sqlite3 $W/t.db < $W/load.sql >/dev/null" ;;
	rsync) echo "rm -rf $W/rs && timeout 4 rsync -a /usr/share/doc /usr/lib/python3 $W/rs/" ;;
	node-gc) echo "node $W/churn.js 3" ;;
	clang-j2) echo "rm -rf $W/cobj && mkdir $W/cobj && timeout 4 make -s -j2 -C $W -f Makefile.clang OBJDIR=$W/cobj" ;;
	git-repack) echo "rm -rf $W/cl && git clone -q --local $W/repo.git $W/cl && timeout 4 git -C $W/cl -c pack.threads=2 repack -q -a -d -f" ;;
	*) return 1 ;;
	esac
}
SECONDS_OF=4	# tlbreplay record -a -d: long enough for every workload's start

# ------------------------------------------------------------ methods
plan_events() {
	"$TLBREPLAY" record --check | awk 'NR > 1 && $3 == "available" && $1 !~ /^tlbr:/ { printf " -e %s", $1 }'
}
EVENTS=$(plan_events)

rec_tc() {	# OUT CMD
	local on inst=tlbr_corpus_$$
	on=$(cat "$T/tracing_on")
	# shellcheck disable=SC2086
	trace-cmd record -B "$inst" -d --no-filter $EVENTS -o "$1" sh -c "$2" >"$1.log" 2>&1
	echo "$on" > "$T/tracing_on"	# trace-cmd turns the top instance's on
	if [ -d "$T/instances/$inst" ]; then
		echo 0 > "$T/instances/$inst/tracing_on"
		echo > "$T/instances/$inst/set_event"
		rmdir "$T/instances/$inst"
	fi
	[ -s "$1" ]
}
rec_perf() {
	TLBREPLAY=$TLBREPLAY tools/record-perf.sh "$1" sh -c "$2" >"$1.log" 2>&1
	[ -s "$1" ]
}
rec_tlbr() {
	"$TLBREPLAY" record -o "$1" -- sh -c "$2" >"$1.log" 2>&1
	[ -s "$1" ]
}
rec_tlbr_a() {
	( sleep 0.5; sh -c "$2" ) >/dev/null 2>&1 &
	local pid=$!
	"$TLBREPLAY" record -a -d "$SECONDS_OF" -o "$1" >"$1.log" 2>&1
	wait "$pid"
	[ -s "$1" ]
}

lock() { [ -z "$LOCK" ] || { exec 9>>"$LOCK" && flock 9; }; }
unlock() { [ -z "$LOCK" ] || { flock -u 9; exec 9>&-; }; }

record_one() {	# NAME METHOD CMD
	local f
	lock
	case $2 in
	tc) f=$OUT/$1.tc.dat; rec_tc "$f" "$3" ;;
	perf) f=$OUT/$1.perf.data; rec_perf "$f" "$3" ;;
	tlbr) f=$OUT/$1.tlbr.dat; rec_tlbr "$f" "$3" ;;
	tlbr-a) f=$OUT/$1.tlbr-a.dat; rec_tlbr_a "$f" "$3" ;;
	*) echo "record-corpus.sh: unknown method $2" >&2; return 2 ;;
	esac
	local rc=$?
	unlock
	printf '%-20s %-7s %s %s\n' "$1" "$2" "$([ $rc = 0 ] && echo ok || echo FAILED)" \
		"$(du -h "$f" 2>/dev/null | cut -f1)"
	return $rc
}

# The scenario: a helper thread on CPU 1 reads 64 pages, then the main
# thread on CPU 0 munmaps them; recorded whole (tlbreplay record), and
# pid-filtered as `trace-cmd record -P PID` does it (set_event_pid: the
# main thread's events only, the helper thread's left out), extracted with
# trace-cmd extract.
record_scenario() {
	local inst=tlbr_corpus_$$ exe=$B/tests/workloads/helper-munmap e pid on
	local I=$T/instances/tlbr_corpus_$$ f=$OUT/helper-munmap-pid.dat
	record_one helper-munmap tlbr "$exe -n 20 -s"
	lock
	mkdir "$I" || { unlock; return 1; }
	echo 0 > "$I/tracing_on"
	for e in $EVENTS; do [ "$e" = -e ] || echo "$e" >> "$I/set_event"; done
	"$exe" -n 20 -s -w 1 & pid=$!
	echo "$pid" > "$I/set_event_pid"
	echo 1 > "$I/tracing_on"
	wait "$pid"
	echo 0 > "$I/tracing_on"
	on=$(cat "$T/tracing_on")
	trace-cmd extract -B "$inst" -o "$f" >"$f.log" 2>&1	# removes the instance
	echo "$on" > "$T/tracing_on"
	if [ -d "$I" ]; then
		echo > "$I/set_event"
		echo > "$I/set_event_pid"
		rmdir "$I"
	fi
	unlock
	printf '%-20s %-7s %s\n' helper-munmap-pid extract "$(du -h "$f" | cut -f1)"
}

[ "$WL" = help ] && { echo $WORKLOADS scenario; echo held-out: $HELD_OUT; exit 0; }
[ "$WL" = all ] && WL=$(echo $WORKLOADS scenario | tr ' ' ,)
[ "$WL" = held-out ] && WL=$(echo $HELD_OUT | tr ' ' ,)
setup || { echo "record-corpus.sh: setting up the inputs failed" >&2; exit 1; }
fail=0
for w in ${WL//,/ }; do
	if [ "$w" = scenario ]; then
		record_scenario || fail=1
		continue
	fi
	cmd=$(wl_cmd "$w") || { echo "record-corpus.sh: unknown workload $w" >&2; exit 2; }
	for m in ${METHODS//,/ }; do
		record_one "$w" "$m" "$cmd" || fail=1
		sleep 1
	done
done
exit $fail
