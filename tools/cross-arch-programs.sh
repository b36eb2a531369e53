# cross-arch-programs.sh: the programs tools/cross-arch.sh records on x86
# and in the arm64 guest (tools/arm64/run-guest.sh, TLBR_ARM64_SUITE=crossarch),
# with the same inputs and thread counts on both. Sourced, not run: the
# caller defines
#   run NAME COMMAND...   run one program (record it, note its process)
#   TRUE                  the path of busybox's true (the exec'd child)
# and puts busybox's applets (sh, sort, gzip, seq) first in PATH, with
# usemem, mprotect-churn and stress-ng, in a directory holding lines.txt
# (cross_arch_input). Counts, never timeouts, bound the work: the arm64
# guest runs under emulation, 10-50 times slower. stress-ng's --timeout is
# only a guard, --seed fixes its random choices.

cross_arch_input() {	# the input of gzip and sort: 100,000 lines, 589 kB
	seq 1 100000 > lines.txt
}

cross_arch_programs() {
	# a shell fork/exec loop: fork, exec, exit (and the COW of the forked shell)
	run cx-fork-exec sh -c "i=0; while [ \$i -lt 50 ]; do $TRUE; i=\$((i+1)); done"
	# mprotect: 100 rounds of PROT_NONE <-> RW over 8 pages, a second thread running
	run cx-mprotect mprotect-churn -p 8 -n 100
	# usemem's pattern, counted: 2 writer threads, 2 MiB, 10 rounds of a
	# write to every page then fork+exec: write-fault reuse and COW
	run cx-usemem usemem -t 2 -m 2 -r 10 -e "$TRUE"
	# a compressor and a sort (busybox's, as on both sides)
	run cx-gzip sh -c 'gzip -c lines.txt > lines.gz'
	run cx-sort sh -c 'sort -r lines.txt > sorted.txt'
	# munmap, madvise and mremap (stress-ng, counted bogo operations)
	run cx-madvise stress-ng --madvise 1 --madvise-ops 20 --seed 1 --timeout 120 --quiet
	run cx-mremap stress-ng --mremap 1 --mremap-ops 4 --mremap-bytes 256K --seed 1 --timeout 120 --quiet
	run cx-mmap stress-ng --mmap 1 --mmap-ops 20 --mmap-bytes 256K --seed 1 --timeout 120 --quiet
}
