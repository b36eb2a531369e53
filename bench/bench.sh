#!/bin/sh
# bench/bench.sh [BUILDDIR] [TRACE...] - speed and memory of `tlbreplay
# stat` and of `tlbreplay what-if` with every default policy, against
# `trace-cmd report > /dev/null` and bare libtracecmd iteration
# (bench/iterate) on the same trace.dat files. Best of 3 wall times; peak
# RSS of the tlbreplay run. Not a test: it prints numbers.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:-build}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- samples/*.dat
T=$B/cmd/tlbreplay
I=$B/bench/iterate
[ -x "$T" ] && [ -x "$I" ] || { echo "build first: meson setup $B && ninja -C $B" >&2; exit 2; }

# best-of-3 wall time in seconds, and peak RSS in KiB of those runs
measure() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
best = None
for _ in range(3):
    t0 = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    dt = time.perf_counter() - t0
    best = dt if best is None else min(best, dt)
print("%.4f %d" % (best, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}

printf '%-24s %-8s %9s %8s %8s %8s %10s %7s %7s %7s\n' trace command events tlbr_s report_s \
	iter_s events/s /report /iter rss_MiB
for f in "$@"; do
	evs=$("$T" stat --json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
	set -- $(measure trace-cmd report "$f"); tr=$1
	set -- $(measure "$I" "$f"); ti=$1
	for cmd in stat what-if; do
		set -- $(measure "$T" $cmd "$f"); ts=$1; rss=$2
		python3 -c "
evs, ts, tr, ti, rss = int('$evs'), float('$ts'), float('$tr'), float('$ti'), int('$rss')
print('%-24s %-8s %9d %8.3f %8.3f %8.3f %10.0f %7.2f %7.2f %7.1f' % ('$(basename "$f")'[:24], '$cmd',
      evs, ts, tr, ti, evs / ts, ts / tr, ts / ti, rss / 1024))"
	done
done
