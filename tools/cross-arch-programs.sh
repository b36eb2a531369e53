# cross-arch-programs.sh: the programs tools/cross-arch.sh records on x86
# and in the arm64 guest (tools/arm64/run-guest.sh, TLBR_ARM64_SUITE=crossarch),
# with the same inputs and thread counts on both. Sourced, not run: the
# caller defines
#   run NAME COMMAND...   run one program (record it, note its process), with
#                         transparent huge pages set to $CX_THP when it is
#                         not empty (and set back afterwards)
#   TRUE                  the path of busybox's true (the exec'd child)
# and puts busybox's applets (sh, sort, gzip, seq) first in PATH, with
# usemem, mprotect-churn, zap-churn and stress-ng, in a directory holding
# lines.txt (cross_arch_input). Counts, never timeouts, bound the work: the
# arm64 guest runs under emulation, 10-50 times slower. stress-ng's
# --timeout is only a guard, --seed fixes its random choices.
#
# Our own programs rename themselves (-N) once main() starts, and
# stress-ng names its stressor process: cross_arch_comm gives the commands
# `tlbreplay diff --against --comm` counts for each program, so that the
# loader's start-up (arm64's glibc loader makes one PROT_NONE mprotect per
# library that x86's does not) and stress-ng's parent stay out on both
# sides: operations are counted from the program's own start marker.

cross_arch_input() {	# the input of gzip and sort: 100,000 lines, 589 kB
	seq 1 100000 > lines.txt
}

cross_arch_comm() {	# cross_arch_comm NAME: the commands counted ("": the whole tree)
	case $1 in
	cx-mprotect) echo cx-mprotect ;;
	cx-usemem) echo cx-usemem,true ;;	# the exec'd children too: fork, exec, exit
	cx-zap*) echo "$1" ;;
	cx-mremap) echo stress-ng-mrema ;;	# stress_set_proc_name(), 15 characters
	cx-mmap) echo stress-ng-mmap ;;
	*) echo ;;	# busybox (static: no loader), the shell loop's tree
	esac
}

cross_arch_programs() {
	# a shell fork/exec loop: fork, exec, exit (and the COW of the forked shell)
	run cx-fork-exec sh -c "i=0; while [ \$i -lt 50 ]; do $TRUE; i=\$((i+1)); done"
	# mprotect: 100 rounds of PROT_NONE <-> RW over 8 pages, a second thread running
	run cx-mprotect mprotect-churn -p 8 -n 100 -N cx-mprotect
	# usemem's pattern, counted: 2 writer threads, 2 MiB, 20 rounds of a
	# write to every page then fork+exec: write-fault reuse and COW (20
	# rounds: 20 forks and mprotects, enough to judge 5 %)
	run cx-usemem usemem -t 2 -m 2 -r 20 -e "$TRUE" -N cx-usemem
	# a compressor and a sort (busybox's, as on both sides), 20 runs each
	# from a shell loop: one run makes 1 to 8 flushes a site, too few to
	# judge 5 % (diff --against: "few"); a larger input adds few (gzip
	# streams through fixed buffers, sort's buffer grows by a few mremaps)
	run cx-gzip sh -c 'i=0; while [ $i -lt 20 ]; do gzip -c lines.txt > lines.gz; i=$((i+1)); done'
	run cx-sort sh -c 'i=0; while [ $i -lt 20 ]; do sort -r lines.txt > sorted.txt; i=$((i+1)); done'
	# madvise (DONTNEED, FREE, COLD, PAGEOUT), munmap and mremap (grow,
	# shrink, move) over touched and untouched pages, the same calls on both
	run cx-zap zap-churn -n 50 -p 64 -N cx-zap
	# the same over 4 MiB regions that may be huge pages (MADV_HUGEPAGE):
	# THP at the default (madvise: huge), then off (never: not)
	run cx-zap-thp zap-churn -n 10 -p 1024 -H -N cx-zap-thp
	CX_THP=never
	run cx-zap-nothp zap-churn -n 10 -p 1024 -H -N cx-zap-nothp
	CX_THP=
	# stress-ng's mremap and mmap/munmap (counted bogo operations)
	run cx-mremap stress-ng --mremap 1 --mremap-ops 4 --mremap-bytes 256K --seed 1 --timeout 120 --quiet
	run cx-mmap stress-ng --mmap 1 --mmap-ops 20 --mmap-bytes 256K --seed 1 --timeout 120 --quiet
}
