#!/bin/sh
# tools/sweep-tlb-shootdown.sh OUTDIR [POLICIES]
#
# The seed 001 (active-cpu) reproduction: `stress-ng --tlb-shootdown N`
# for N = 1..4 threads, recorded with `tlbreplay record` (and the TLBI
# census) in the arm64 qemu guest (-smp 4, Debian's 6.1 kernel unless
# TLBR_ARM64_KERNELS says otherwise; tools/arm64/run-guest.sh with
# TLBR_ARM64_SUITE=shootdown), then `tlbreplay suite` of active-cpu (and
# POLICIES) against arm64-broadcast by thread count: the table the
# active_cpu RFC's figures are compared with (gain growing with threads,
# the small single-thread cost of migrate_disable). Not part of CI (about
# ten minutes under TCG).
set -eu
[ $# -ge 1 ] || { echo "usage: sweep-tlb-shootdown.sh OUTDIR [POLICIES]" >&2; exit 2; }
out=$1
pol=${2:-arm64-broadcast,active-cpu,wp-local+active-cpu,oracle}
src=$(cd "$(dirname "$0")/.." && pwd)
host=${TLBREPLAY:-$src/build/cmd/tlbreplay}
[ -x "$host" ] || { echo "sweep-tlb-shootdown.sh: build tlbreplay first ($host)" >&2; exit 2; }
TLBR_ARM64_SUITE=shootdown TLBR_ARM64_SMP=${TLBR_ARM64_SMP:-4} TLBR_ARM64_KERNELS=${TLBR_ARM64_KERNELS:-6.1} \
	TLBR_ARM64_TIMEOUT=${TLBR_ARM64_TIMEOUT:-3600} "$src/tools/arm64/run-guest.sh" "$out"
for k in "$out"/*/; do
	[ -e "$k/sng-tlb-shootdown-1.dat" ] || continue
	m=$k/shootdown.manifest
	: > "$m"
	for n in 1 2 3 4; do
		[ -e "$k/sng-tlb-shootdown-$n.dat" ] &&
			echo "tlb-shootdown-$n sng-tlb-shootdown-$n.dat" >> "$m"
	done
	echo "== $(basename "$k"): stress-ng --tlb-shootdown N, $pol"
	"$host" suite --cpu arm64 -p "$pol" --manifest "$m"
	"$host" suite --cpu arm64 -p "$pol" --manifest "$m" --format csv > "$k/shootdown.csv"
done
