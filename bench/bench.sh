#!/bin/sh
# bench/bench.sh [-n RUNS] [-j JOBS] [BUILDDIR] [TRACE...] - speed and memory
# of `tlbreplay stat` and of `tlbreplay what-if` with the default policies,
# against `trace-cmd report > /dev/null` and bare libtracecmd iteration
# (bench/iterate) on the same trace.dat files (default: samples/*.dat; the
# benchmark corpus: bench/record-bench-corpus.sh, then
# bench/bench.sh build /work/bench-corpus/*.dat).
#
# Paired runs: each round runs the four commands one after the other
# (one warm-up round first), and every ratio is taken within a round, so
# that a machine whose speed drifts (other jobs, a guest) moves both sides
# of it; the figures printed are medians of RUNS rounds (default 5). CPU
# time is user + system of the finished process (wait4), wall its elapsed
# time, RSS its peak resident set. JOBS is what-if's --jobs (default: its
# own default).
#
# Columns: events (normalised), pages (the pages the replay's address
# spaces touched, what-if's memory should be bounded by), cpu_s and wall_s
# (median), /report and /iter (CPU time against trace-cmd report and bare
# iteration, median of the paired ratios), wall/iter (wall against bare
# iteration's wall), s/M (CPU seconds per million events), rss_MiB (median
# peak RSS). Not a test: it prints numbers.
set -u
cd "$(dirname "$0")/.." || exit 1
RUNS=5
JOBS=
while [ $# -gt 0 ]; do
	case $1 in
	-n) RUNS=$2; shift 2 ;;
	-j) JOBS=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;/^set -u/d'; exit 0 ;;
	*) break ;;
	esac
done
B=${1:-build}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- samples/*.dat
T=$B/cmd/tlbreplay
I=$B/bench/iterate
[ -x "$T" ] && [ -x "$I" ] || { echo "build first: meson setup $B && ninja -C $B" >&2; exit 2; }

exec python3 - "$T" "$I" "$RUNS" "$JOBS" "$@" <<'PY'
import json, os, statistics, subprocess, sys, time

tlbr, iterate, runs, jobs, traces = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
jobs_arg = ["--jobs", jobs] if jobs else []

def run(argv):
    """cpu seconds, wall seconds, peak RSS KiB of one run, output discarded"""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0, 4):
        sys.exit("bench.sh: %s exited with %d" % (" ".join(argv), p.returncode))
    return ru.ru_utime + ru.ru_stime, wall, ru.ru_maxrss

med = statistics.median
print("%-18s %-7s %10s %9s %8s %8s %7s %7s %9s %6s %7s" % ("trace", "command", "events", "pages",
      "cpu_s", "wall_s", "/report", "/iter", "wall/iter", "s/M", "rss_MiB"))
for f in traces:
    info = json.loads(subprocess.run([tlbr, "what-if", "--json", f], capture_output=True,
                                     check=False).stdout)
    evs, pages = info["events"], info["pages"]
    cmds = {"report": ["trace-cmd", "report", f], "iter": [iterate, f],
            "stat": [tlbr, "stat", f], "what-if": [tlbr, "what-if"] + jobs_arg + [f]}
    res = {k: [] for k in cmds}
    for r in range(runs + 1):
        for k, argv in cmds.items():
            m = run(argv)
            if r:
                res[k].append(m)
    name = os.path.basename(f)[:18]
    for k in ("stat", "what-if"):
        rows = res[k]
        cpu = med(m[0] for m in rows)
        wall = med(m[1] for m in rows)
        rrep = med(a[0] / b[0] for a, b in zip(rows, res["report"]))
        riter = med(a[0] / b[0] for a, b in zip(rows, res["iter"]))
        rwall = med(a[1] / b[1] for a, b in zip(rows, res["iter"]))
        rss = med(m[2] for m in rows) / 1024
        print("%-18s %-7s %10d %9d %8.3f %8.3f %7.2f %7.2f %9.2f %6.3f %7.1f" % (name, k, evs,
              pages, cpu, wall, rrep, riter, rwall, cpu / (evs / 1e6) if evs else 0, rss))
    for k in ("report", "iter"):
        rows = res[k]
        print("%-18s %-7s %10s %9s %8.3f %8.3f %7s %7s %9s %6.3f %7.1f" % (name, k, "", "",
              med(m[0] for m in rows), med(m[1] for m in rows), "", "", "",
              med(m[0] for m in rows) / (evs / 1e6) if evs else 0, med(m[2] for m in rows) / 1024))
    sys.stdout.flush()
PY
