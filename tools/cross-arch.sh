#!/bin/sh
# cross-arch.sh OUTDIR
#
# From an x86 trace, what an arm64 kernel would do, checked against what
# one did (issue 19): the programs of tools/cross-arch-programs.sh (a
# fork/exec loop, mprotect churn, usemem's threaded writer with fork, gzip,
# sort, zap-churn's madvise/munmap/mremap (also over huge pages, THP at the
# default and off), stress-ng mremap and mmap/munmap; counted work, the
# same inputs and thread counts) recorded
#  1. on this x86 machine, one `taskset -c CPUS tlbreplay record -o
#     OUTDIR/x86/NAME.dat -- CMD` each (root, tracefs), with busybox's
#     applets first in PATH (the guest's sh, gzip, sort and true are
#     busybox's too);
#  2. in the arm64 qemu guest (tools/arm64/run-guest.sh,
#     TLBR_ARM64_SUITE=crossarch: one recording with the TLBI census,
#     pinned to the same CPUS, OUTDIR/arm64/KERNEL/all.dat, programs.txt
#     naming each program's process), with transparent huge pages set as
#     on this machine;
#  3. compared: `tlbreplay diff --against` per program and kernel, counting
#     each side from the program's own start marker (the commands of
#     cross_arch_comm: our programs rename themselves once main() starts)
#     (OUTDIR/KERNEL-NAME.txt and .json), and the table of every program
#     (OUTDIR/table.md: tools/cross-arch-table.py; README.md has one).
#
# TLBR_CROSS_CPUS: the CPU list both sides are pinned to (taskset -c;
# default 0: one CPU, since active-cpu's savings follow scheduling, and this
# shared host and the idle guest schedule differently; "0-1": both of the
# guest's 2 vCPUs and the host's 2). A program run with THP at another
# setting (CX_THP in tools/cross-arch-programs.sh) sets it on this machine
# for its recording only (under the tracefs lock), and back.
# TLBR_ARM64_KERNELS: the guest's kernels (default "6.1 6.12").
# TLBR_TRACEFS_LOCK, TLBR_QEMU_LOCK: lock files taken (flock) around the x86
# recordings and the guest, when several people share the machine.
# TLBR_CROSS_SKIP: "x86", "arm64" or "x86 arm64": reuse that side's
# recordings in OUTDIR (compare again with another tlbreplay).
# TLBREPLAY: the host's tlbreplay (default build/cmd/tlbreplay); the
# workloads are taken from beside it (build/tests/workloads).
# Needs: root and tracefs (x86 recording), busybox (busybox-static), stress-ng,
# and what run-guest.sh needs.
set -eu
[ $# -eq 1 ] || { echo "usage: cross-arch.sh OUTDIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
tlbreplay=${TLBREPLAY:-$src/build/cmd/tlbreplay}
workloads=$(dirname "$tlbreplay")/../tests/workloads
kernels=${TLBR_ARM64_KERNELS:-6.1 6.12}
skip=${TLBR_CROSS_SKIP:-}
CPUS=${TLBR_CROSS_CPUS:-0}
export CPUS
[ -x "$tlbreplay" ] && [ -x "$workloads/usemem" ] ||
	{ echo "cross-arch.sh: build tlbreplay first ($tlbreplay)" >&2; exit 2; }
bb=$(command -v busybox) || { echo "cross-arch.sh: busybox is missing (apt-get install busybox-static)" >&2; exit 77; }
command -v stress-ng >/dev/null || { echo "cross-arch.sh: stress-ng is missing" >&2; exit 77; }
skipped() { case " $skip " in *" $1 "*) return 0 ;; esac; return 1; }
locked() {	# locked LOCKFILE COMMAND...: under flock when a lock file is given
	l=$1; shift
	if [ -n "$l" ]; then flock "$l" "$@"; else "$@"; fi
}
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)

# 1. x86: one recording per program
if ! skipped x86; then
	x=$out/x86
	rm -rf "$x"
	mkdir -p "$x/bin" "$x/work"
	for a in sh sort gzip seq true; do ln -s "$bb" "$x/bin/$a"; done
	for w in usemem mprotect-churn zap-churn; do
		ln -s "$(cd "$workloads" && pwd)/$w" "$x/bin/$w"
	done
	run() {	# run NAME COMMAND...: record it, pinned, THP at $CX_THP if set
		n=$1; shift
		echo "x86: $n"
		locked "${TLBR_TRACEFS_LOCK:-}" sh -c '
			f=/sys/kernel/mm/transparent_hugepage/enabled t=$1 o=$2; shift 2
			[ -z "$t" ] || echo "$t" > $f || exit 1
			taskset -c "$CPUS" "$@"; s=$?
			[ -z "$t" ] || echo "$o" > $f
			exit $s' sh "${CX_THP:-}" "$thp" "$tlbreplay" record -o "$x/$n.dat" -- "$@" \
			> "$x/$n.log" 2>&1 || { echo "cross-arch.sh: recording $n failed:" >&2;
						tail -5 "$x/$n.log" >&2; exit 1; }
		echo "$n thp=${CX_THP:-$thp} cpus=$CPUS" >> "$x/programs.txt"
	}
	TRUE=$x/bin/true
	. "$src/tools/cross-arch-programs.sh"
	(cd "$x/work" && PATH=$x/bin:$PATH && export PATH && cross_arch_input && cross_arch_programs)
	rm -f "$x/work/lines.gz" "$x/work/sorted.txt"
fi

# 2. arm64: the guest, with this machine's THP setting
if ! skipped arm64; then
	TLBR_ARM64_SUITE=crossarch TLBR_ARM64_KERNELS=$kernels \
	TLBR_ARM64_APPEND="${thp:+transparent_hugepage=$thp }tlbr.cpus=$CPUS" \
		locked "${TLBR_QEMU_LOCK:-}" "$src/tools/arm64/run-guest.sh" "$out/arm64"
fi

# 3. per program and kernel: the prediction from x86 against the census
st=0
. "$src/tools/cross-arch-programs.sh"
for k in $kernels; do
	[ -e "$out/arm64/$k/all.dat" ] || { echo "cross-arch.sh: no arm64 trace for $k" >&2; st=1; continue; }
	while read -r n rest; do
		p=$(sed -n "s/^$n pid=\([0-9]*\) .*/\1/p" "$out/arm64/$k/programs.txt")
		[ -n "$p" ] || { echo "cross-arch.sh: $k: $n was not recorded" >&2; st=1; continue; }
		# from the program's start marker on both sides: its commands, in
		# its process tree (x86: the recorded workload's, from the metadata)
		c=$(cross_arch_comm "$n")
		w=$("$tlbreplay" stat "$out/x86/$n.dat" < /dev/null | sed -n 's/.* workload_pid=\([0-9]*\).*/\1/p')
		set -- --against --after-pid "$p"
		[ -z "$c" ] || set -- "$@" --after-comm "$c" --comm "$c" --pid "$w"
		"$tlbreplay" diff "$@" --json "$out/x86/$n.dat" -- \
			"$out/arm64/$k/all.dat" < /dev/null > "$out/$k-$n.json" || st=1
		"$tlbreplay" diff "$@" "$out/x86/$n.dat" -- \
			"$out/arm64/$k/all.dat" < /dev/null > "$out/$k-$n.txt" || st=1
	done < "$out/x86/programs.txt"
done
python3 "$src/tools/cross-arch-table.py" "$out" $kernels > "$out/table.md" || st=1
cat "$out/table.md"
exit $st
