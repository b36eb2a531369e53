#!/bin/sh
# sweep.sh OUTDIR
#
# The bigger arm64 sweep, outside CI: tools/arm64/run-guest.sh with
# TLBR_ARM64_SUITE=full (each program longer, and more of them: busybox
# gzip, stress-ng mmap, mprotect, exec, tlb-shootdown) on both kernels,
# then tools/arm64/compare.py's table: executed against predicted
# broadcasts per site and in all, unsafe findings per policy, unknown TLBIs.
# Then the madvise programs again on a CPU without FEAT_HAFDBS (qemu -cpu
# cortex-a72, ARMv8.0: TLBR_ARM64_SUITE=madvise, into OUTDIR/KERNEL-a72),
# where the Access flag is set by software and the recorder's metadata says
# so (access_flag=software), with MGLRU off (its aging clears Access flags
# unseen; 6.12 has it on by default): there madvise COLD/PAGEOUT/FREE flush
# points are certain where the trace saw their PTEs made young or old; and
# stress-ng --tlb-shootdown, whose zaps of shared memory there know a page
# only read as clean (no hardware dirty state either).
# Exit status: compare.py's (1 when a trace misses a target).
set -eu
[ $# -eq 1 ] || { echo "usage: sweep.sh OUTDIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/../.." && pwd)
TLBR_ARM64_SUITE=full TLBR_ARM64_TIMEOUT=${TLBR_ARM64_TIMEOUT:-3600} \
	"$src/tools/arm64/run-guest.sh" "$1" || true
TLBR_ARM64_SUITE=madvise TLBR_ARM64_CPU=cortex-a72 TLBR_ARM64_TAG=-a72 \
	TLBR_ARM64_TIMEOUT=${TLBR_ARM64_TIMEOUT:-3600} "$src/tools/arm64/run-guest.sh" "$1" || true
host=${TLBREPLAY:-$src/build/cmd/tlbreplay}
[ -x "$host" ] || { echo "sweep.sh: build tlbreplay first ($host)" >&2; exit 2; }
dirs=
for d in "$1"/*/; do [ -e "$d/kernel" ] && dirs="$dirs $d"; done
exec python3 "$src/tools/arm64/compare.py" "$host" $dirs
