#!/bin/sh
# sweep.sh OUTDIR
#
# The bigger arm64 sweep, outside CI: tools/arm64/run-guest.sh with
# TLBR_ARM64_SUITE=full (each program longer, and more of them: busybox
# gzip, stress-ng mmap, mprotect, exec, tlb-shootdown) on both kernels,
# then tools/arm64/compare.py's table: executed against predicted
# broadcasts per site and in all, unsafe findings per policy, unknown TLBIs.
# Exit status: compare.py's (1 when a trace misses a target).
set -eu
[ $# -eq 1 ] || { echo "usage: sweep.sh OUTDIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/../.." && pwd)
TLBR_ARM64_SUITE=full TLBR_ARM64_TIMEOUT=${TLBR_ARM64_TIMEOUT:-3600} \
	"$src/tools/arm64/run-guest.sh" "$1" || true
host=${TLBREPLAY:-$src/build/cmd/tlbreplay}
[ -x "$host" ] || { echo "sweep.sh: build tlbreplay first ($host)" >&2; exit 2; }
dirs=
for d in "$1"/*/; do [ -e "$d/kernel" ] && dirs="$dirs $d"; done
exec python3 "$src/tools/arm64/compare.py" "$host" $dirs
