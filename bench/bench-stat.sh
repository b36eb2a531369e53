#!/bin/sh
# bench/bench-stat.sh [BUILDDIR] [TRACE...] - speed and memory of
# `tlbreplay stat`, against `trace-cmd report > /dev/null` and against bare
# libtracecmd iteration (bench/iterate) on the same trace.dat files.
# Prints, per file: records, wall time of each (best of 3), events/s, the
# two ratios, and the peak RSS of tlbreplay. Not a test: numbers only.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:-build}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- samples/*.dat
T=$B/cmd/tlbreplay
I=$B/bench/iterate
[ -x "$T" ] && [ -x "$I" ] || { echo "build first: meson setup $B && ninja -C $B" >&2; exit 2; }

# best-of-3 wall time in seconds, and peak RSS in KiB of the last run
measure() {
	python3 - "$@" <<'PY'
import os, resource, subprocess, sys, time
best = None
for _ in range(3):
    t0 = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    dt = time.perf_counter() - t0
    best = dt if best is None else min(best, dt)
print("%.4f %d" % (best, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}

printf '%-28s %9s %8s %8s %8s %11s %8s %8s %8s\n' trace records stat_s report_s iter_s events/s \
	vs_report vs_iter rss_MiB
for f in "$@"; do
	recs=$("$T" stat --json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
	set -- $(measure "$T" stat "$f"); ts=$1; rss=$2
	set -- $(measure trace-cmd report "$f"); tr=$1
	set -- $(measure "$I" "$f"); ti=$1
	python3 -c "
import sys
recs, ts, tr, ti, rss = int('$recs'), float('$ts'), float('$tr'), float('$ti'), int('$rss')
print('%-28s %9d %8.3f %8.3f %8.3f %11.0f %8.3f %8.3f %8.1f' % ('$(basename "$f")'[:28], recs, ts, tr, ti,
      recs / ts, ts / tr, ts / ti, rss / 1024))"
done
