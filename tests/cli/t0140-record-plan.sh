#!/bin/sh
# The recording plan per architecture and kernel, from copies of machines'
# /proc and tracefs files (tests/data/sysroots): arm64 6.12 with BTF probe
# arguments, a blacklisted function and no flush_context symbol; arm64 6.1
# with the pre-6.9 ptep_set_access_flags, no batched-unmap functions and
# flush_context out of line; 6.12 with dup_mmap inlined (only
# uprobe_end_dup_mmap). The expected plans follow from those files.
. "$SRCDIR/tests/lib.sh"
need_recorder

cd "$DATA" || exit 1
for v in 612 61; do
	expect_cmd "arm64 $v: --check runs" "$TLBREPLAY" record --check --sysroot sysroots/a64-$v
	same_file "arm64 $v: the plan" record-check-a64-$v.expect "$TMP/out"
done
grep_file "6.12: BTF arguments where the kernel takes them" \
	"p:tlbr/fault handle_mm_fault addr=address:x64 flags=flags:x32 mm=vma->vm_mm:x64" \
	record-check-a64-612.expect
grep_file "6.12: the contpte-era function name" "r:tlbr/set_access_r __ptep_set_access_flags" \
	record-check-a64-612.expect
grep_file "6.12: a blacklisted function is left out, and why" "why: in the kprobe blacklist" \
	record-check-a64-612.expect
grep_file "6.1: the older function name" "p:tlbr/set_access ptep_set_access_flags" \
	record-check-a64-61.expect
grep_file "6.1: registers and offsets" "mm=+16(%x0):x64" record-check-a64-61.expect
grep_file "6.1: batched unmap flushing is inline before 6.5" "why: inline on kernels before 6.5" \
	record-check-a64-61.expect
grep_file "6.12: dup_mmap inlined, fork's flush seen at uprobe_end_dup_mmap" \
	"p:tlbr/fork_mm uprobe_end_dup_mmap$" record-check-a64-612.expect
grep_file "each VMA's zap (unmap_page_range)" "p:tlbr/zap_vma unmap_page_range" \
	record-check-a64-61.expect
grep_file "6.12: the PTEs a fault makes, per run of a folio (set_pte_range, 6.6 on)" \
	"p:tlbr/map_ptes set_pte_range addr=%x4:x64 nr=%x3:u32 mm=+16(+0(%x0)):x64$" \
	record-check-a64-612.expect
grep_file "6.1: per page (do_set_pte, its own arguments)" \
	"p:tlbr/map_ptes do_set_pte addr=%x2:x64 mm=+16(+0(%x0)):x64$" record-check-a64-61.expect
grep -q "tlb:tlb_flush\|page_fault_user" record-check-a64-61.expect record-check-a64-612.expect
ok $((! $?)) "the arm64 plans ask for no x86 tracepoint"
"$TLBREPLAY" record --dry-run --sysroot sysroots/a64-61 -- true | sed 's/tlbreplay_[0-9]*/tlbreplay_PID/g' > "$TMP/dry"
same_file "arm64 6.1: --dry-run prints the kprobe_events and tracefs writes" \
	record-dry-run-a64-61.expect "$TMP/dry"
n_add=$(grep -c ">> kprobe_events" "$TMP/dry"); n_del=$(grep -c "'-:tlbr/" "$TMP/dry")
[ "$n_add" -gt 0 ] && [ "$n_add" -eq $((n_del * 2)) ]
ok $? "every kprobe it creates it removes ($((n_add - n_del)) created, $n_del removed)"
expect_status 2 "--sysroot is for --check and --dry-run only" "$TLBREPLAY" record --sysroot sysroots/a64-61 -- true
done_testing
