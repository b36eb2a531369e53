#!/bin/sh
# record-perf.sh OUT.perf.data COMMAND [ARGS...]
#
# Record COMMAND with perf instead of `tlbreplay record`: the same events
# (this kernel's plan, from `tlbreplay record --check`), the whole system,
# CLOCK_MONOTONIC timestamps (-k mono, aligned with ftrace's mono clock).
# TLBREPLAY names the tlbreplay binary (default: build/cmd/tlbreplay);
# PERF_RECORD_OPTS adds options (-z to compress). OUT "-" writes pipe mode
# to standard output.
# Needs root (or perf_event_paranoid <= -1) and perf.
set -eu
[ $# -ge 2 ] || { echo "usage: record-perf.sh OUT.perf.data COMMAND [ARGS...]" >&2; exit 2; }
out=$1; shift
tlbreplay=${TLBREPLAY:-build/cmd/tlbreplay}
events=$("$tlbreplay" record --check | awk 'NR > 1 && $3 == "available" && $1 !~ /^tlbr:/ { printf " -e %s", $1 }')
[ -n "$events" ] || { echo "record-perf.sh: no event of the plan is available" >&2; exit 1; }
# shellcheck disable=SC2086
exec perf record -q -k mono -a ${PERF_RECORD_OPTS:-} -o "$out" $events -- "$@"
