#!/bin/sh
# record-sample.sh OUT.dat COMMAND [ARGS...]
#
# Interim recorder used to make the bundled samples until `tlbreplay record`
# exists: it creates a private tracefs instance, enables the events the x86
# and generic vocabulary adapters understand, runs COMMAND, and writes the
# instance buffer to OUT.dat with `trace-cmd extract -B` (trace-cmd record
# cannot be used on machines whose function-tracer files are not writable).
# It removes the instance on every exit path. Needs root and tracefs.
set -eu
[ $# -ge 2 ] || { echo "usage: record-sample.sh OUT.dat COMMAND [ARGS...]" >&2; exit 2; }
out=$1; shift
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
if [ -z "$T" ]; then
	T=/sys/kernel/tracing
	mount -t tracefs nodev "$T"
fi
inst=tlbr_sample_$$
I=$T/instances/$inst
mkdir "$I"
cleanup() {
	trap - EXIT INT TERM HUP
	if [ -d "$I" ]; then
		echo 0 > "$I/tracing_on"
		echo > "$I/set_event"
		rmdir "$I"
	fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP
echo 0 > "$I/tracing_on"
echo mono > "$I/trace_clock"
echo "${TLBR_BUFFER_KB:-8192}" > "$I/buffer_size_kb"
for e in tlb:tlb_flush exceptions:page_fault_user exceptions:page_fault_kernel ipi:ipi_send_cpu ipi:ipi_send_cpumask \
	sched:sched_switch sched:sched_wakeup sched:sched_wakeup_new sched:sched_migrate_task sched:sched_process_fork \
	sched:sched_process_exec sched:sched_process_exit sched:sched_process_free \
	task:task_newtask task:task_rename mmap:exit_mmap vmscan:mm_vmscan_direct_reclaim_begin vmscan:mm_vmscan_direct_reclaim_end 'migrate:*' \
	syscalls:sys_enter_mmap syscalls:sys_exit_mmap syscalls:sys_enter_munmap syscalls:sys_exit_munmap \
	syscalls:sys_enter_mprotect syscalls:sys_exit_mprotect syscalls:sys_enter_madvise syscalls:sys_exit_madvise \
	syscalls:sys_enter_mremap syscalls:sys_exit_mremap syscalls:sys_enter_brk syscalls:sys_exit_brk \
	syscalls:sys_enter_clone syscalls:sys_exit_clone syscalls:sys_enter_clone3 syscalls:sys_exit_clone3 \
	syscalls:sys_enter_fork syscalls:sys_exit_fork syscalls:sys_enter_vfork syscalls:sys_exit_vfork \
	syscalls:sys_enter_execve syscalls:sys_exit_execve syscalls:sys_enter_exit_group; do
	echo "$e" >> "$I/set_event"
done
echo 1 > "$I/tracing_on"
"$@" || true
echo 0 > "$I/tracing_on"
if [ -n "${TLBR_TEXT_OUT:-}" ]; then cat "$I/trace" > "$TLBR_TEXT_OUT"; fi
trace-cmd extract -B "$inst" -o "$out" >/dev/null
