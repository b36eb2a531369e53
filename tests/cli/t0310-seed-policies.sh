#!/bin/sh
# The seed policies on hand-written scenarios of their threads, with counts
# derived by hand (the scenario files explain them), composition, the
# environments, the cost model, and the samples.
. "$SRCDIR/tests/lib.sh"

value() {	# value <json> <policy> <key.path>
	python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = [p for p in d["policies"] if p["name"] == sys.argv[2]][0]
for k in sys.argv[3].split("."):
    v = v[k]
print(v)
PY
}

expect() {	# expect <json> <policy> <key> <value> <description>
	got=$(value "$1" "$2" "$3")
	if [ "$got" = "$4" ]; then ok 0 "$5"; else ok 1 "$5 (got $got, want $4)"; fi
}

SEEDS=arm64-broadcast,wp-local,active-cpu,wp-local+active-cpu,pte-needs-flush,batched-reclaim,lazy-mmu,uffd-move-batch,hugetlb-unshare-gather,x86-ipi,oracle

# seed 000: 4 threads on 4 CPUs, fork, the parent writes 3 pages
J=$TMP/s000.json
"$TLBREPLAY" what-if --json --cpu arm64 -p $SEEDS "$DATA/whatif-seed000.txt" > $J
expect $J arm64-broadcast by_site.wp-reuse 3 "seed 000: 3 write-fault reuses"
expect $J arm64-broadcast broadcasts 4 "seed 000: today's arm64 broadcasts the 3 reuses and the fork"
expect $J wp-local broadcasts 1 "seed 000: wp-local broadcasts only the fork"
expect $J wp-local local 3 "seed 000: and flushes the 3 reuses locally"
expect $J wp-local stale_ro 9 "seed 000: leaving 9 stale read-only entries (3 pages x CPUs 1-3)"
expect $J arm64-broadcast stale_ro 0 "seed 000: the baseline leaves none"
expect $J wp-local spurious_predicted 1 "seed 000: thread 401's write on CPU 1 is a spurious fault"
expect $J wp-local ops.spurious_fault 1 "seed 000: priced as one"
# a range: the lower bound is what the trace proves (a traced write through a stale entry);
# the upper, one per stale entry (a kernel that flushed never shows the write)
expect $J wp-local spurious_upper 9 "seed 000: at most 9 spurious faults, one per stale entry"
expect $J wp-local unsafe 0 "seed 000: wp-local is safe"
expect $J active-cpu broadcasts 4 "seed 000: active-cpu cannot help: the mm ran on 4 CPUs"
expect $J active-cpu ops.migrate_disable_enable 4 "seed 000: yet each broadcast pays migrate_disable/enable"
expect $J wp-local+active-cpu ops.migrate_disable_enable 5 "seed 000: composed: 4 flushes and the spurious fault's local fix-up"
expect $J wp-local+active-cpu local 3 "seed 000: composed, the reuses are local (wp-local)"
expect $J wp-local+active-cpu broadcasts 1 "seed 000: composed, the fork broadcasts"
"$TLBREPLAY" what-if --json --cpu amd -p $SEEDS "$DATA/whatif-seed000.txt" > $TMP/amd.json
expect $TMP/amd.json wp-local spurious_predicted 0 "seed 000: no spurious fault on AMD"
expect $TMP/amd.json wp-local spurious_upper 0 "seed 000: nor at most, on AMD"

# seed 000, the upper bound narrowed by what the trace shows (the file derives it):
# an entry is used only while its CPU runs a task of the mm (switch_mm), and a
# flush that reaches the CPU first retires it (handle_pte_fault never sees it)
J=$TMP/s000-bound.json
"$TLBREPLAY" what-if --json --cpu arm64 -p arm64-broadcast,wp-local "$DATA/whatif-spurious-bound.txt" > $J
expect $J wp-local stale_ro 6 "spurious bound: 2 reuses leave 6 stale entries (CPUs 1-3)"
expect $J wp-local stale_unused 2 "spurious bound: munmap's flush retires B's on the sleeping CPUs 2 and 3"
expect $J wp-local spurious_predicted 1 "spurious bound: 501's traced write on CPU 1 is the lower bound"
expect $J wp-local spurious_upper 4 "spurious bound: at most 4 (was 6: one per stale entry)"
expect $J arm64-broadcast spurious_upper 0 "spurious bound: the baseline leaves none"
"$TLBREPLAY" what-if --json --cpu amd -p wp-local "$DATA/whatif-spurious-bound.txt" > $J
expect $J wp-local spurious_upper 0 "spurious bound: none on AMD"
expect $J wp-local stale_unused 2 "spurious bound: the entries are counted all the same"
# a capacity model fills TLBs from traced faults only (CPUs 1-3 faulted nothing):
# its stale count is an estimate (0 here); the upper bound stays the sound one
"$TLBREPLAY" what-if --json --cpu arm64 --tlb neoverse-n1 -p wp-local "$DATA/whatif-spurious-bound.txt" > $J
expect $J wp-local stale_ro 0 "spurious bound, neoverse-n1: the estimate has no stale entry"
expect $J wp-local stale_sound 6 "spurious bound, neoverse-n1: the sound model has 6"
expect $J wp-local spurious_upper 4 "spurious bound, neoverse-n1: at most 4 all the same (was 0)"

# seed 001: a process forked and exec'd in the trace, on one CPU (the file derives it)
J=$TMP/s001.json
"$TLBREPLAY" what-if --json -p $SEEDS "$DATA/whatif-seed001.txt" > $J
expect $J active-cpu local 4 "seed 001: exec's, mprotect's and munmap's two flushes (tlb_end_vma's, tlb_finish_mmu's for the freed PTE page) of a process that ran on one CPU are local"
expect $J active-cpu by_site.exec 1 "seed 001: exec's flush is one of them (exec_mmap switched the new mm in first)"
expect $J active-cpu ops.migrate_disable_enable 4 "seed 001: each inside migrate_disable/enable"
expect $J active-cpu ops.dsb_ish_for_ishst 4 "seed 001: each after a dsb(ish) for dsb(ishst)"
expect $J active-cpu unsafe 0 "seed 001: active-cpu is safe"
expect $J arm64-broadcast broadcasts 4 "seed 001: today's arm64 broadcasts all four"
# flush_tlb_user_pre() calls migrate_disable() first, on the broadcast path too
J=$TMP/s001-old.json
"$TLBREPLAY" what-if --json -p $SEEDS "$DATA/whatif-single.txt" > $J
expect $J active-cpu local 0 "seed 001: a process older than the trace has an unknown history: MULTIPLE, no local flush"
expect $J active-cpu broadcasts 2 "seed 001: its two flushes broadcast"
expect $J active-cpu ops.migrate_disable_enable 2 "seed 001: and still pay migrate_disable/enable (the broadcast path)"
expect $J active-cpu ops.dsb_ish_for_ishst 0 "seed 001: but no barrier upgrade (the speculative read said not local)"
"$TLBREPLAY" what-if --json -p active-cpu "$DATA/whatif-munmap.txt" > $TMP/mt.json
expect $TMP/mt.json active-cpu broadcasts 1 "seed 001: with a thread on the other CPU, it broadcasts"
expect $TMP/mt.json active-cpu unsafe 0 "seed 001: and is safe"
# --env vm,errata: a guest on CPUs with ARM64_WORKAROUND_REPEAT_TLBI; the local path skips
# __tlbi_sync_s1ish(), the HCR_EL2.FB upgrade does not bring the workaround back
J=$TMP/s001-vme.json
"$TLBREPLAY" what-if --json --env vm,errata -p arm64-broadcast,active-cpu "$DATA/whatif-seed001.txt" > $J
expect $J active-cpu upgraded 4 "seed 001 vm,errata: the 4 local flushes are upgraded"
expect $J active-cpu ops.repeat_tlbi_dsb 0 "seed 001 vm,errata: without the repeat the workaround needs"
expect $J arm64-broadcast ops.repeat_tlbi_dsb 4 "seed 001 vm,errata: today's 4 broadcasts are repeated"
n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["env"])' $J)
ok $([ "$n" = "vm,errata" ]; echo $?) "seed 001 vm,errata: both environments named (got $n)"

# seed 004: PROT_NONE -> RW skips one flush, RW -> RO does not
J=$TMP/s004.json
"$TLBREPLAY" what-if --json -p $SEEDS "$DATA/whatif-seed004.txt" > $J
expect $J arm64-broadcast flush_points 3 "seed 004: three mprotects, three flush points"
expect $J arm64-broadcast broadcasts 3 "seed 004: today's arm64 flushes all three"
expect $J pte-needs-flush broadcasts 2 "seed 004: pte-needs-flush flushes RW->NONE and RW->RO"
expect $J pte-needs-flush skipped 1 "seed 004: and skips NONE->RW"
expect $J pte-needs-flush unsafe 0 "seed 004: safely"
# pte_needs_flush() per architecture: RO -> RW of a valid PTE is flushed on arm64 and x86
J=$TMP/s004rw.json
"$TLBREPLAY" what-if --json -p arm64-broadcast,pte-needs-flush,x86-ipi "$DATA/whatif-seed004-rorw.txt" > $J
expect $J arm64-broadcast broadcasts 4 "seed 004: today's arm64 flushes all four mprotects"
expect $J pte-needs-flush skipped 1 "seed 004: pte-needs-flush skips PROT_NONE -> RW only"
expect $J pte-needs-flush broadcasts 3 "seed 004: RO -> RW changes PTE_RDONLY: flushed"
expect $J x86-ipi skipped 1 "seed 004: x86 flushes RO -> RW too (_PAGE_RW in flush_on_change)"

# seed 002: the mprotect race, in the arm64 probe vocabulary
J=$TMP/s002.json
B2=arm64-broadcast,batched-reclaim,batched-reclaim-dsb,batched-reclaim-nopending,oracle
"$TLBREPLAY" what-if --json --force -p $B2 "$DATA/whatif-seed002.txt" > $J
expect $J batched-reclaim deferred 1 "seed 002: the reclaim unmap's TLBI is deferred to the batch"
expect $J batched-reclaim syncs 1 "seed 002: try_to_unmap_flush's DSB completes the batch"
# arch_flush_tlb_batched_pending() since the 2025 fix: flush_tlb_mm() ("since we can be
# executing on a remote CPU, a DSB cannot guarantee this"): TLBI ASIDE1IS + DSB ISH
expect $J batched-reclaim pending_syncs 1 "seed 002: flush_tlb_batched_pending acts once (the mm is pending)"
expect $J batched-reclaim broadcasts 1 "seed 002: as the full-mm flush it performs (a broadcast)"
expect $J batched-reclaim ops.tlbi_is 2 "seed 002: TLBI IS: the deferred page and flush_tlb_mm's ASID"
expect $J batched-reclaim ops.dsb_ish 2 "seed 002: DSB ISH: flush_tlb_mm's and the batch's"
expect $J batched-reclaim unsafe 0 "seed 002: with flush_tlb_batched_pending the race is safe"
# 6.5's arch_flush_tlb_batched_pending() was dsb(ish): on CPU 1 it does not complete
# the TLBI CPU 0 (kswapd) issued (a DSB waits for its own PE's TLB maintenance)
expect $J batched-reclaim-dsb unsafe 2 "seed 002: the DSB-only sync on CPU 1 leaves CPUs 0 and 1 the writable entry"
expect $J batched-reclaim-dsb ops.dsb_ish 2 "seed 002: priced as the DSB it is (plus the batch's)"
expect $J batched-reclaim-dsb ops.tlbi_is 1 "seed 002: and no TLBI of its own"
expect $J batched-reclaim-nopending unsafe 2 "seed 002: without it, CPUs 0 and 1 keep the writable entry"
expect $J arm64-broadcast unsafe 0 "seed 002: unbatched, today's broadcast is safe"
for pol in batched-reclaim-nopending batched-reclaim-dsb; do
python3 - "$J" $pol > "$TMP/race" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = [p for p in d["policies"] if p["name"] == sys.argv[2]][0]["findings"][0]
print(f["held"], f["allowed"], hex(f["addr"]))
print("\n".join(s["what"] for s in f["steps"]))
PY
grep_file "seed 002 $pol: the counterexample: rw where the page table allows none" "^rw none 0x80000" "$TMP/race"
grep_file "seed 002 $pol: from the reclaim unmap" "^reclaim unmap of 0x80000" "$TMP/race"
grep_file "seed 002 $pol: to mprotect's return" "syscall returns" "$TMP/race"
done
# before Linux 6.5 the probe has nothing to attach to: the trace lacks batch_pend
grep -v batch_pend "$DATA/whatif-seed002.txt" > $TMP/noprobe.txt
"$TLBREPLAY" what-if --json --force -p $B2 $TMP/noprobe.txt > $TMP/noprobe.json
expect $TMP/noprobe.json batched-reclaim unsafe 0 "seed 002 without the probe: the correct policy is not reported unsafe"
expect $TMP/noprobe.json batched-reclaim pending_syncs 1 "seed 002 without the probe: the sync is replayed where change_pte_range calls it"
expect $TMP/noprobe.json batched-reclaim-dsb unsafe 2 "seed 002 without the probe: the DSB-only race is still a race"
n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["checks"]["batch_pending_implied"])' $TMP/noprobe.json)
ok $((n != 1)) "seed 002 without the probe: 1 sync implied (got $n)"
"$TLBREPLAY" what-if --force -p batched-reclaim $TMP/noprobe.txt > $TMP/noprobe.out
grep_file "seed 002 without the probe: said to be missing evidence" "evidence, not a race" "$TMP/noprobe.out"

# seed 002 after the batch: the mm's pending mark, an unseen page, errata (the file derives them)
J=$TMP/s002p.json
"$TLBREPLAY" what-if --json --force -p $B2 "$DATA/whatif-seed002-pending.txt" > $J
expect $J arm64-broadcast by_site.reclaim 4 "seed 002: a page never seen faulting is unmapped and flushed too, and each flush_tlb_batched_pending may flush"
expect $J arm64-broadcast by_site_uncertain.reclaim 2 "seed 002: those 2 uncertain: the trace does not show whether the kernel marked the mm"
expect $J arm64-broadcast broadcasts 6 "seed 002: today's arm64: 2 reclaim + 2 mprotect broadcasts, and 2 uncertain"
expect $J batched-reclaim deferred 2 "seed 002: both reclaim TLBIs deferred"
expect $J batched-reclaim pending_syncs 1 "seed 002: the completed batch still costs the first mprotect a full-mm flush"
expect $J batched-reclaim broadcasts 3 "seed 002: that flush and the 2 mprotects"
expect $J batched-reclaim ops.tlbi_is 5 "seed 002: TLBI IS 2 + 1 + 2: more than today's 4"
expect $J batched-reclaim ops.dsb_ish 4 "seed 002: DSB ISH 1 + 1 + 2"
expect $J batched-reclaim unsafe 0 "seed 002: safely"
expect $J batched-reclaim-dsb ops.dsb_ish 4 "seed 002: 6.5's sync is a DSB: 1 + 1 + 2"
expect $J batched-reclaim-dsb unsafe 0 "seed 002: safe here, the batch had completed"
J=$TMP/s002e.json
"$TLBREPLAY" what-if --json --force --env errata -p $B2 "$DATA/whatif-seed002-pending.txt" > $J
expect $J batched-reclaim deferred 0 "seed 002 errata: arch_tlbbatch_should_defer() is false: nothing deferred"
expect $J batched-reclaim broadcasts 4 "seed 002 errata: as many broadcasts as today"
expect $J batched-reclaim ops.repeat_tlbi_dsb 4 "seed 002 errata: each repeated, as today"
expect $J batched-reclaim pending_syncs 0 "seed 002 errata: and no pending mark to pay for"

# seed 003: barriers after kernel PTE writes, batched in lazy MMU mode
J=$TMP/s003.json
"$TLBREPLAY" what-if --json --force -p arm64-broadcast,lazy-mmu "$DATA/whatif-seed003.txt" > $J
expect $J arm64-broadcast ops.kmap_dsb_isb 515 "seed 003: 515 kernel PTEs (the guard pages not mapped), 515 dsb(ishst)+isb pairs today"
expect $J lazy-mmu ops.kmap_dsb_isb 3 "seed 003: one pair per page-table page in lazy MMU mode (one area crosses 2 MiB)"
expect $J lazy-mmu by_site.kernel 1 "seed 003: the vmap purge is a kernel range flush"
"$TLBREPLAY" stat "$DATA/whatif-seed003.txt" > "$TMP/s003.txt"
grep_file "seed 003: stat sees the kernel-mapping updates" "\[x\] kernel-mapping updates" "$TMP/s003.txt"
# PMD writes (vmap_pmd_range: a new page-table page, a huge vmap) are not in the
# trace and take a pair under both rules: the output says they are not counted
"$TLBREPLAY" what-if --force -p arm64-broadcast,lazy-mmu "$DATA/whatif-seed003.txt" > "$TMP/s003w.txt"
grep_file "seed 003: the uncounted PMD writes are said" "a PMD write (a new" "$TMP/s003w.txt"

# seed 004: userfaultfd MOVE flushes once per run of contiguous pages
J=$TMP/uffd.json
"$TLBREPLAY" what-if --json --force -p arm64-broadcast,uffd-move-batch "$DATA/whatif-seed004-uffd.txt" > $J
expect $J arm64-broadcast by_site.uffd-move 13 "uffd: 13 page flushes in UFFDIO_MOVE calls (the TCGETS ioctl has none)"
expect $J arm64-broadcast broadcasts 13 "uffd: one broadcast per page today"
expect $J uffd-move-batch broadcasts 9 "uffd: x86's 4 unmerged (no address: contiguity unknown), arm64's 5 runs (the hole, the PMD boundary, move_pages probes for the ioctl)"
expect $J uffd-move-batch merged 4 "uffd: 0x11000, 0x1ff000, 0x201000 and 0x31000 merged into their runs (was 6 of the first 11)"
expect $J uffd-move-batch ops.tlbi_is 13 "uffd: flush_tlb_range() of a run is a TLBI per page without FEAT_TLBIRANGE (was 1 per run)"
expect $J uffd-move-batch ops.dsb_ish 9 "uffd: one DSB per run"
"$TLBREPLAY" what-if --json --force --cpu arm64-tlbirange -p arm64-broadcast,uffd-move-batch "$DATA/whatif-seed004-uffd.txt" > $TMP/uffd-r.json
expect $TMP/uffd-r.json uffd-move-batch ops.tlbi_is 9 "uffd: with FEAT_TLBIRANGE each 2-page run is one range TLBI"
expect $TMP/uffd-r.json arm64-broadcast ops.tlbi_is 13 "uffd: today's per-page flushes stay 13"
expect $J uffd-move-batch unsafe 0 "uffd: safely"

# environments
J=$TMP/vm.json
"$TLBREPLAY" what-if --json --env vm --cpu arm64 -p $SEEDS "$DATA/whatif-seed000.txt" > $J
expect $J wp-local upgraded 3 "vm: the 3 local reuse flushes are upgraded to broadcasts"
expect $J wp-local broadcasts 4 "vm: wp-local broadcasts as much as the baseline"
expect $J wp-local stale_ro 0 "vm: and leaves no stale entry"
expect $J x86-ipi upgraded 0 "vm: x86's IPIs are not TLBIs"
J=$TMP/errata.json
"$TLBREPLAY" what-if --json --env errata -p $SEEDS "$DATA/whatif-seed000.txt" > $J
expect $J arm64-broadcast ops.repeat_tlbi_dsb 4 "errata: every broadcast is repeated"
expect $J wp-local ops.repeat_tlbi_dsb 1 "errata: wp-local repeats its one broadcast"
"$TLBREPLAY" what-if --json --preempt none -p active-cpu "$DATA/whatif-seed001.txt" > $TMP/np.json
"$TLBREPLAY" what-if --json --preempt full -p active-cpu "$DATA/whatif-seed001.txt" > $TMP/fp.json
a=$(value $TMP/np.json active-cpu est_cycles); b=$(value $TMP/fp.json active-cpu est_cycles)
python3 -c "import sys; sys.exit(0 if float('$a') < float('$b') else 1)"
ok $? "preempt: migrate_disable costs less without preemption ($a < $b cycles)"

# the cost model: shown against the baseline, regressions as regressions
# seed 004: hugetlb PMD-table unsharing, once per gather, an IPI only for the last sharer
J=$TMP/hugetlb.json
"$TLBREPLAY" what-if --json --force -p arm64-broadcast,hugetlb-unshare-gather,x86-ipi "$DATA/whatif-seed004-hugetlb.txt" > $J
expect $J arm64-broadcast by_site.hugetlb-unshare 6 "hugetlb: 6 tables unshared (a count of 0 unshares nothing)"
# before the fix __unmap_hugepage_range() already flushed once per gather (force_flush,
# tlb_flush_mmu_tlbonly() at its end); the IPI was per table (huge_pmd_unshare)
expect $J arm64-broadcast broadcasts 3 "hugetlb: one flush per gather before the fix too"
expect $J arm64-broadcast merged 3 "hugetlb: the other 3 unshares merged into it before the fix too"
expect $J arm64-broadcast table_syncs 6 "hugetlb: and one IPI broadcast per table"
expect $J arm64-broadcast ops.ipi 6 "hugetlb: priced as 6 IPIs to the other CPU"
expect $J x86-ipi table_syncs 6 "hugetlb: x86 sent the same IPIs"
expect $J hugetlb-unshare-gather broadcasts 3 "hugetlb: one flush per gather: munmap's two VMAs and the exit (no cut credited)"
expect $J hugetlb-unshare-gather merged 3 "hugetlb: the other 3 unshares are merged"
expect $J hugetlb-unshare-gather table_syncs 1 "hugetlb: one IPI, in the gather that left a table to one user"
expect $J hugetlb-unshare-gather unsafe 0 "hugetlb: safely"

# seed 000 on a huge PMD (the file derives it): do_huge_pmd_wp_page's reuse is
# pmdp_set_access_flags -> flush_tlb_page(vma, haddr): one TLBI for the block
J=$TMP/thp-reuse.json
"$TLBREPLAY" what-if --json --cpu arm64 -p arm64-broadcast,wp-local "$DATA/whatif-thp-reuse.txt" > $J
expect $J arm64-broadcast by_site.wp-reuse 1 "huge PMD reuse: one reuse flush (was 3: set_access's and two one-page reuses)"
expect $J arm64-broadcast broadcasts 2 "huge PMD reuse: today's arm64 broadcasts the fork and the reuse (was 4)"
expect $J arm64-broadcast ops.tlbi_is 2 "huge PMD reuse: one TLBI each (the block entry)"
expect $J wp-local local 1 "huge PMD reuse: wp-local flushes the block locally"
expect $J wp-local ops.tlbi_local 1 "huge PMD reuse: with one TLBI"
expect $J wp-local stale_ro 1 "huge PMD reuse: CPU 1 keeps one stale block entry (was 2 page entries)"
expect $J wp-local spurious_predicted 1 "huge PMD reuse: 701's first write is a spurious fault, its second is not"
expect $J wp-local spurious_upper 1 "huge PMD reuse: at most 1"
expect $J wp-local unsafe 0 "huge PMD reuse: safely"
n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["checks"]["huge_reuses"])' $J)
ok $((n != 1)) "huge PMD reuse: one counted (got $n)"

# seed 000's contpte cases as the kernel runs them (the file derives them):
# A. a reuse unfolds the block first (contpte_convert: break-before-make, a
#    broadcast every policy keeps), then flushes one page (local under wp-local)
# B. an access/dirty update of a writable-clean block flushes 16 pages
#    (local_flush_tlb_contpte under wp-local); CPU 1's clean entry is read-only
J=$TMP/contpte.json
"$TLBREPLAY" what-if --json --cpu arm64 -p arm64-broadcast,wp-local "$DATA/whatif-seed000-contpte.txt" > $J
expect $J arm64-broadcast broadcasts 4 "contpte: today's arm64 broadcasts the fork, the unfold, A's reuse and B's block"
expect $J arm64-broadcast ops.tlbi_is 34 "contpte: 1 + 16 + 1 + 16 TLBIs"
expect $J arm64-broadcast by_site.fault 1 "contpte: the unfold is the fault's, not a COW's"
expect $J wp-local broadcasts 2 "contpte: wp-local keeps the fork and the unfold's break-before-make"
expect $J wp-local ops.tlbi_is 17 "contpte: 1 + 16 broadcast TLBIs (was 1)"
expect $J wp-local ops.tlbi_local 17 "contpte: A's page and B's 16 locally (was the whole block for A)"
expect $J wp-local stale_ro 2 "contpte: one stale entry per flush (was 16: the unfold took the block's)"
expect $J wp-local spurious_predicted 1 "contpte: thread 611's write through A's is a spurious fault"
expect $J wp-local spurious_upper 2 "contpte: at most 2"
expect $J wp-local unsafe 0 "contpte: safely"
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["checks"]; print(d["contpte_reuses"], d["contpte_dirty"])' $J)
ok $([ "$n" = "1 1" ]; echo $?) "contpte: one reuse in a block, one block access/dirty update (got $n)"

# ASID rollover: active-cpu's state resets for the mms that get a new ASID
J=$TMP/asid.json
"$TLBREPLAY" what-if --json -p arm64-broadcast,active-cpu,local-only "$DATA/whatif-asid-rollover.txt" > $J
expect $J active-cpu local 1 "rollover: 720 runs on CPU 0 only after it: its munmap is local"
expect $J active-cpu broadcasts 1 "rollover: 730 kept its ASID and stays MULTIPLE: a broadcast"
expect $J active-cpu unsafe 0 "rollover: the local flush is safe (CPU 1's copies had the dead ASID)"
expect $J arm64-broadcast ops.tlbi_local 1 "rollover: CPU 0 flushes its TLB at its next switch_mm"
expect $J local-only unsafe 0 "rollover: even local-only is safe here: CPU 0 flushed 730's entries"
grep -v asid_roll "$DATA/whatif-asid-rollover.txt" > $TMP/noroll.txt
"$TLBREPLAY" what-if --json -p active-cpu "$TMP/noroll.txt" > $TMP/noroll.json
expect $TMP/noroll.json active-cpu local 0 "rollover: without it, 720 stays MULTIPLE: no local flush"

"$TLBREPLAY" what-if --costs neoverse-v2 -p arm64-broadcast,active-cpu "$DATA/whatif-single.txt" > $TMP/c.txt
grep_file "costs: the table and its source are printed" "^costs       neoverse-v2: estimates" "$TMP/c.txt"
grep_file "costs: each policy against the baseline" "vs baseline" "$TMP/c.txt"
cat > $TMP/slow.costs <<'C'
# a machine where local flushes and migrate_disable are dear
base = neoverse-n1
source = test table
tlbi_local = 5000
migrate_disable_enable = 5000
C
"$TLBREPLAY" what-if --json --costs $TMP/slow.costs -p arm64-broadcast,active-cpu "$DATA/whatif-seed001.txt" > $TMP/slow.json
a=$(value $TMP/slow.json active-cpu est_cycles); b=$(value $TMP/slow.json arm64-broadcast est_cycles)
python3 -c "import sys; sys.exit(0 if float('$a') > float('$b') else 1)"
ok $? "costs: a table from a file can make active-cpu a regression ($a > $b cycles)"
"$TLBREPLAY" what-if --costs $TMP/slow.costs -p arm64-broadcast,active-cpu "$DATA/whatif-seed001.txt" > $TMP/slow.txt
grep_file "costs: shown as a positive change" "vs baseline *+0.0% *+[0-9]" "$TMP/slow.txt"
printf 'tlbi_is = fast\n' > $TMP/bad.costs
expect_status 3 "costs: a bad table is bad input" "$TLBREPLAY" what-if --costs $TMP/bad.costs "$DATA/whatif-single.txt"
grep_file "costs: named with its line" "line 1" "$TMP/err"
expect_status 2 "an unknown environment is a usage error" "$TLBREPLAY" what-if --env moon "$DATA/whatif-single.txt"

# seed 001 on the arm64 usemem sample: migrate_disable/enable on every flush (4662 of
# them) outweighs the 179 local flushes: the regression Will Deacon asked to see
J=$TMP/usemem-a64.json
"$TLBREPLAY" what-if --json -p arm64-broadcast,active-cpu "$SAMPLES/arm64-usemem.dat" > $J
a=$(value $J active-cpu ops.migrate_disable_enable); b=$(value $J active-cpu flush_points)
ok $([ "$a" = "$b" ]; echo $?) "seed 001 usemem: a migrate_disable/enable pair per flush point ($a of $b)"
expect $J active-cpu local 179 "seed 001 usemem: 179 local flushes (mms born in the trace, on one CPU)"
a=$(value $J active-cpu est_cycles); b=$(value $J arm64-broadcast est_cycles)
python3 -c "import sys; sys.exit(0 if float('$a') > float('$b') else 1)"
ok $? "seed 001 usemem: a regression under neoverse-n1 costs ($a > $b cycles)"

# across seeds: the safety checker asks the sound (unbounded) model whatever model prices the
# run: local-only leaves CPU 1's writable entry after munmap under a capacity model too
for tlb in unbounded neoverse-n1; do
	"$TLBREPLAY" what-if --json --tlb $tlb -p local-only,arm64-broadcast "$DATA/whatif-munmap.txt" > $TMP/cap.json
	expect $TMP/cap.json local-only unsafe 1 "checker under --tlb $tlb: local-only is unsafe (CPU 1 keeps the page)"
done

# across seeds: a flush that frees page tables also flushes walk caches (the files derive it):
# a lazy CPU now, a CPU that switched away when it loads the mm again
J=$TMP/frees.json
"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle,x86-ipi,local-only "$DATA/whatif-frees-tables.txt" > $J
expect $J arm64-broadcast avoidable 0 "frees tables (lazy CPU): not certainly avoidable"
expect $J x86-ipi avoidable 0 "frees tables (lazy CPU): x86's IPI to CPU 1 is not avoidable either"
expect $J oracle broadcasts 1 "frees tables (lazy CPU): oracle flushes the lazy CPU's walk cache"
expect $J oracle local 1 "frees tables (lazy CPU): the VMA's flush is local (the lazy CPU's leaf entry waits for its next load), tlb_finish_mmu's is not"
expect $J oracle unsafe 0 "frees tables (lazy CPU): oracle is safe"
expect $J local-only unsafe 2 "frees tables (lazy CPU): local-only leaves the lazy CPU's entry, and one of a page from before the trace (tlbr_unknown_stand_in)"
J=$TMP/frees-away.json
"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle,x86-ipi,local-only "$DATA/whatif-frees-tables-away.txt" > $J
expect $J arm64-broadcast avoidable 0 "frees tables (switched away): no flush certainly avoidable: the second VMA's range may hold pages from before the trace CPUs 1 and 2 may hold (before: 1)"
expect $J oracle broadcasts 2 "frees tables (switched away): oracle flushes the CPU not seen yet at the first munmap (leaf and tables)"
expect $J oracle local 1 "frees tables (switched away): the second VMA's flush local; no CPU has the tables loaded at the second finish"
expect $J oracle skipped 1 "frees tables (switched away): the second finish flushes nothing"
expect $J oracle switch_flushes 1 "frees tables (switched away): CPU 1 catches up as it loads the mm"
expect $J oracle unsafe 0 "frees tables (switched away): oracle is safe"
expect $J local-only unsafe 5 "frees tables (switched away): local-only leaves CPU 2 the first page's leaf entry, and CPUs 1 and 2 each munmap's stand-in"
got=$(python3 -c "import json; s=json.load(open('$J'))['self_check']
print(s['shootdown_ipis_sent'], s['predicted_ipis'], s['matched_ipis'], s['calls_real'], s['calls_predicted'], s['calls_matched'])")
[ "$got" = "3 3 3 1 1 1" ]
ok $? "frees tables (switched away): x86-ipi's IPIs and calls exact (got $got)"

# across seeds: range flushes as the kernel issues them (the file derives them)
"$TLBREPLAY" what-if --json --force --cpu arm64 -p arm64-broadcast,x86-ipi "$DATA/whatif-range.txt" > $TMP/r.json
expect $TMP/r.json arm64-broadcast ops.tlbi_is 301 "range: 300 page TLBIs, then flush_tlb_mm() from MAX_DVM_OPS (512) pages"
expect $TMP/r.json x86-ipi ops.tlbi_local 2 "range: x86 flushes all above the 33-page ceiling"
"$TLBREPLAY" what-if --json --force --cpu arm64-tlbirange -p arm64-broadcast "$DATA/whatif-range.txt" > $TMP/r.json
expect $TMP/r.json arm64-broadcast ops.tlbi_is 4 "range: FEAT_TLBIRANGE: 2 range TLBIs per flush"

# seed 001 on a corpus trace with threads the trace does not show on a CPU: they may run the
# mm anywhere, so active_cpu is MULTIPLE (a COW copy on CPU 0 was local and unsafe before)
"$TLBREPLAY" what-if --json -p active-cpu "$SAMPLES/corpus/stress-ng-madvise.dat" > $TMP/sm.json
expect $TMP/sm.json active-cpu unsafe 0 "seed 001 stress-ng-madvise: safe with unseen threads"
# the same by hand (the file derives it): a thread created and never shown makes active_cpu MULTIPLE
"$TLBREPLAY" what-if --json --cpu arm64 -p active-cpu,local-only "$DATA/whatif-seed001-unseen.txt" > $TMP/su.json
expect $TMP/su.json active-cpu broadcasts 3 "seed 001, unseen thread: the mprotect and the munmap's two flushes broadcast"
expect $TMP/su.json active-cpu local 1 "seed 001, unseen thread: exec's flush stays local (fresh ASID)"
expect $TMP/su.json active-cpu unsafe 0 "seed 001, unseen thread: safe"
expect $TMP/su.json local-only unsafe 2 "seed 001, unseen thread: local-only leaves CPU 1's entries"

# a thread the trace shows placed (sched_wakeup_new) has run nowhere until a switch shows it
# (whatif-seed001-placed.txt derives each): active_cpu stays CPU 0; without the placement it
# is a thread the trace does not show; placed on CPU 1 and switched in there: MULTIPLE
"$TLBREPLAY" what-if --json --cpu arm64 -p active-cpu,local-only "$DATA/whatif-seed001-placed.txt" > $TMP/sp.json
expect $TMP/sp.json active-cpu local 4 "seed 001, thread placed, not yet run: exec, mprotect and the munmap's two flushes local"
expect $TMP/sp.json active-cpu broadcasts 0 "seed 001, thread placed, not yet run: no broadcast"
expect $TMP/sp.json local-only unsafe 0 "seed 001, thread placed, not yet run: no other CPU ran the mm"
grep -v sched_wakeup_new "$DATA/whatif-seed001-placed.txt" > $TMP/np.txt
"$TLBREPLAY" what-if --json --cpu arm64 -p active-cpu,local-only $TMP/np.txt > $TMP/np.json
expect $TMP/np.json active-cpu broadcasts 3 "seed 001, the placement not traced: anywhere, 3 broadcasts"
sed 's/target_cpu=000/target_cpu=001/; /1.00004[01]:/d; s/^\(.*1.000013: sched_wakeup_new.*\)$/\1\n          <idle>-0     [001] d..2.     1.000015: sched_switch: prev_comm=swapper\/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=202 next_prio=120/' \
	"$DATA/whatif-seed001-placed.txt" > $TMP/p1.txt
"$TLBREPLAY" what-if --json --cpu arm64 -p active-cpu,local-only $TMP/p1.txt > $TMP/p1.json
expect $TMP/p1.json active-cpu broadcasts 3 "seed 001, placed on CPU 1 and run there: MULTIPLE, 3 broadcasts"
expect $TMP/p1.json local-only unsafe 2 "seed 001, placed on CPU 1 and run there: local-only unsafe 2"
# the placement in a recording that may be pid-filtered (whatif-seed001-filtered.txt, derived
# there: no tlbreplay-meta marker; the parent's sched_wakeup_new is recorded for a child the
# filter leaves out, which runs on CPU 1 unseen): anywhere, as a thread never shown
"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,active-cpu,local-only,x86-ipi "$DATA/whatif-seed001-filtered.txt" > $TMP/sf.json
expect $TMP/sf.json oracle broadcasts 3 "seed 001, placed in a maybe pid-filtered recording: oracle reaches CPU 1 (3 broadcasts)"
expect $TMP/sf.json active-cpu broadcasts 3 "seed 001, placed in a maybe pid-filtered recording: active-cpu MULTIPLE, 3 broadcasts"
expect $TMP/sf.json local-only unsafe 2 "seed 001, placed in a maybe pid-filtered recording: local-only unsafe 2"
expect $TMP/sf.json x86-ipi unsafe 0 "seed 001, placed in a maybe pid-filtered recording: where the kernel interrupted another CPU, x86-ipi's mask takes in CPU 1, where 202 may run the mm now: unsafe 0 (before: 2)"
expect $TMP/sf.json x86-ipi broadcasts 2 "seed 001, maybe pid-filtered: x86-ipi's 2 IPI flushes, the kernel's"
# lost events on CPU 1 after the placement (whatif-lost-gap.txt, derived there): any thread may
# have loaded its mm there in the gap; the sound model keeps CPU 1 a possible holder
"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,active-cpu,local-only,arm64-broadcast "$DATA/whatif-lost-gap.txt" > $TMP/lg.json
expect $TMP/lg.json active-cpu unsafe 1 "lost events: 202 may have run on CPU 1 in the gap: active-cpu's local mprotect flush unsafe"
expect $TMP/lg.json local-only unsafe 1 "lost events: local-only unsafe 1"
expect $TMP/lg.json oracle unsafe 0 "lost events: oracle defers CPU 1 to its next switch_mm: safe"
expect $TMP/lg.json arm64-broadcast avoidable 1 "lost events: arm64-broadcast's mprotect broadcast no longer certainly avoidable (1, not 2)"
# a write fault (error_code 0x7) on a page the trace never showed mapped: present, read-only,
# since a time the trace does not show, held wherever the mm may have run then: after a gap
# (whatif-present-gap.txt) and in an address space older than the trace on a CPU shown first
# running another one (whatif-present-older.txt), both derived there
"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,local-only,arm64-broadcast "$DATA/whatif-present-gap.txt" > $TMP/pg.json
expect $TMP/pg.json arm64-broadcast avoidable 1 "present since the gap: the COW's broadcast not certainly avoidable (1, not 2)"
expect $TMP/pg.json local-only unsafe 1 "present since the gap: local-only's COW leaves CPU 1 the old page: unsafe 1"
expect $TMP/pg.json oracle unsafe 0 "present since the gap: oracle defers CPU 1: safe"
"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,local-only,arm64-broadcast "$DATA/whatif-present-older.txt" > $TMP/po.json
expect $TMP/po.json arm64-broadcast avoidable 1 "present before the trace: the COW's broadcast not certainly avoidable (1, not 2)"
expect $TMP/po.json local-only unsafe 1 "present before the trace: local-only's COW leaves CPU 0 the old page: unsafe 1"
expect $TMP/po.json oracle unsafe 0 "present before the trace: oracle defers CPU 0 (asked though shown before the mm): safe"
expect $TMP/po.json oracle broadcasts 0 "present before the trace: oracle 0 broadcasts"
# an munmap of a page the model has no record of, which may be present and held elsewhere: after a
# gap (whatif-gap-unknown.txt) and in an address space older than the trace
# (whatif-older-unknown.txt), both derived there
# the kernel's flush there puts a stand-in for the pages the model lacks (tlbr_unknown_stand_in),
# which local-only and active-cpu leave on CPU 1 and oracle does not skip (before: unsafe 0, skipped 1)
"$TLBREPLAY" what-if --json --force --cpu arm64 -p arm64-broadcast,oracle,local-only,active-cpu "$DATA/whatif-gap-unknown.txt" > $TMP/gu.json
expect $TMP/gu.json arm64-broadcast avoidable 0 "a page the gap may have mapped: the munmap's broadcast not certainly avoidable"
expect $TMP/gu.json local-only unsafe 1 "a page the gap may have mapped: local-only leaves CPU 1 its entry"
expect $TMP/gu.json active-cpu unsafe 1 "a page the gap may have mapped: active-cpu leaves CPU 1 its entry"
expect $TMP/gu.json oracle skipped 0 "a page the gap may have mapped: oracle does not skip the munmap"
grep -v '^CPU:1 \[LOST' "$DATA/whatif-gap-unknown.txt" > $TMP/gu-nogap.txt
"$TLBREPLAY" what-if --json --force --cpu arm64 -p arm64-broadcast $TMP/gu-nogap.txt > $TMP/gn.json
expect $TMP/gn.json arm64-broadcast avoidable 1 "without the gap: every page of a born address space known, certainly avoidable 1"
"$TLBREPLAY" what-if --json --force --cpus 2 --cpu arm64 -p arm64-broadcast,oracle,local-only "$DATA/whatif-older-unknown.txt" > $TMP/ou.json
expect $TMP/ou.json arm64-broadcast avoidable 0 "a page from before the trace CPU 1 may hold: the munmap's broadcast not certainly avoidable"
expect $TMP/ou.json local-only unsafe 1 "a page from before the trace: local-only leaves CPU 1 its entry"
expect $TMP/ou.json oracle skipped 0 "a page from before the trace: oracle does not skip the munmap"
# pages MADV_POPULATE_WRITE mapped with no fault record (whatif-populate.txt, derived there):
# unknown from then, as after lost events; as before with MADV_WILLNEED instead
"$TLBREPLAY" what-if --json --force --cpu arm64 -p arm64-broadcast,oracle,local-only "$DATA/whatif-populate.txt" > $TMP/pp.json
expect $TMP/pp.json arm64-broadcast avoidable 0 "populate: the munmap's broadcast not certainly avoidable (before: 1)"
expect $TMP/pp.json local-only unsafe 1 "populate: local-only leaves CPU 1 the populated page (before: 0)"
expect $TMP/pp.json oracle skipped 0 "populate: oracle does not skip the munmap (before: 1)"
expect $TMP/pp.json oracle local 2 "populate: oracle 2 local flushes (CPU 1 idle: deferred)"
"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,local-only "$DATA/whatif-populate-fork.txt" > $TMP/pf.json
expect $TMP/pf.json local-only unsafe 2 "populate, then fork: the child's munmap of the populated page leaves CPU 1 its entry (before: 1)"
expect $TMP/pf.json oracle skipped 0 "populate, then fork: oracle does not skip the child's munmap (before: 1)"
sed 's/behavior: 0x17/behavior: 0x3/' "$DATA/whatif-populate.txt" > $TMP/pp-willneed.txt
"$TLBREPLAY" what-if --json --force --cpu arm64 -p arm64-broadcast,local-only $TMP/pp-willneed.txt > $TMP/pp.json
expect $TMP/pp.json arm64-broadcast avoidable 1 "populate made WILLNEED: every page known, the munmap's broadcast certainly avoidable"
expect $TMP/pp.json local-only unsafe 0 "populate made WILLNEED: local-only safe"
# mmap(MAP_FIXED) over a page and brk() shrinking the heap unmap before they return
# (whatif-mmap-fixed.txt, derived there; the brk variant below): checked there too
"$TLBREPLAY" what-if --json -p local-only,arm64-broadcast,oracle "$DATA/whatif-mmap-fixed.txt" > $TMP/mf.json
expect $TMP/mf.json local-only unsafe 1 "mmap(MAP_FIXED) over a page CPU 1 holds: local-only unsafe at its return (before: 0)"
expect $TMP/mf.json oracle unsafe 0 "mmap(MAP_FIXED): oracle safe"
sed 's/sys_mmap(addr: 0x30000, len: 0x1000, prot: 0x3, flags: 0x32, .*$/sys_brk(brk: 0x0)/; s/sys_mmap -> 0x30000/sys_brk -> 0x30000/' "$DATA/whatif-mmap-fixed.txt" |
	sed '/sys_brk(brk: 0x0)/a\
            prog-300   [000] .....     3.000010: sys_brk -> 0x31000\
            prog-300   [000] .....     3.000010: sys_brk(brk: 0x30000)' > $TMP/brk.txt
"$TLBREPLAY" what-if --json -p local-only,oracle $TMP/brk.txt > $TMP/mf.json
expect $TMP/mf.json local-only unsafe 1 "brk() shrinking over a page CPU 1 holds: local-only unsafe at its return (before: 0)"
expect $TMP/mf.json oracle unsafe 0 "brk() shrink: oracle safe"
# ... and with no flush traced (the kernel's flush implied at the return): its flush point
# covers the heap from the new break to the old (before: the call's empty range, no page,
# so every policy kept CPU 0's and CPU 1's entries: arm64-broadcast and oracle unsafe 2)
grep -v 'tlb_flush\|ipi_send' $TMP/brk.txt > $TMP/brk-nf.txt
"$TLBREPLAY" what-if --json --force -p arm64-broadcast,oracle,local-only $TMP/brk-nf.txt > $TMP/mf.json
expect $TMP/mf.json arm64-broadcast unsafe 0 "brk() shrink, flush implied: arm64-broadcast's flush covers the heap's pages"
expect $TMP/mf.json oracle unsafe 0 "brk() shrink, flush implied: oracle safe"
expect $TMP/mf.json local-only unsafe 1 "brk() shrink, flush implied: local-only leaves CPU 1 its entry"
# a thread never shown does not run on a CPU the trace shows running another task now
# (whatif-running-shown.txt, derived there); it may again after that CPU loses events
run_shown() {	# run_shown <trace> <want> <description>: x86-ipi unsafe, oracle broadcasts, local, local-only unsafe
	"$TLBREPLAY" what-if --json --force --cpu arm64 -p x86-ipi,oracle,local-only "$1" > $TMP/rs.json
	got=$(python3 -c "import json; p={p['name']: p for p in json.load(open('$TMP/rs.json'))['policies']}
print(p['x86-ipi']['unsafe'], p['oracle']['broadcasts'], p['oracle']['local'], p['local-only']['unsafe'])")
	[ "$got" = "$2" ]
	ok $? "$3 (got $got, want $2)"
}
run_shown "$DATA/whatif-running-shown.txt" "0 0 2 1" "CPU 1 shown running 900: x86-ipi's local flush safe, oracle defers CPU 1 (before: 1 1 1 1)"
sed '/1.000030: sys_munmap/i\
CPU:1 [LOST 3 EVENTS]' "$DATA/whatif-running-shown.txt" > $TMP/rs-lost.txt
run_shown $TMP/rs-lost.txt "0 1 1 1" "CPU 1 lost events since: it may run 202, oracle reaches it; the kernel's local-only flush says CPU 1 is not in mm_cpumask: x86-ipi safe (before: 1 1 1 1)"
# CPU 1 not seen yet (its first record later, as on stress-madvise.tc.dat): the kernel's own
# local-only flush says no other CPU runs the mm (flushreq.mask_alone): x86-ipi safe (before:
# 1 1 1 1); with events lost on CPU 0 just before that flush record (its "remote IPI send" may
# have gone with them) as before
grep -v '1.000020: sched_switch' "$DATA/whatif-running-shown.txt" > $TMP/rs-unseen.txt
run_shown $TMP/rs-unseen.txt "0 1 1 1" "CPU 1 not seen yet: x86-ipi's local flush safe by the kernel's mask, oracle reaches CPU 1"
sed '/1.000031: tlb_flush/i\
CPU:0 [LOST 3 EVENTS]' $TMP/rs-unseen.txt > $TMP/rs-lost0.txt
run_shown $TMP/rs-lost0.txt "1 1 1 1" "CPU 1 not seen yet, CPU 0 lost events before its flush record: x86-ipi unsafe"
# pages a thread the trace never shows may have faulted in (a pid filter leaves its faults out):
# where the kernel flushed, a stand-in (whatif-unseen-thread-pages.txt, derived there; before:
# local-only 0, oracle skipped 1, arm64-broadcast certainly avoidable 1)
"$TLBREPLAY" what-if --json --force -p oracle,local-only,arm64-broadcast,x86-ipi "$DATA/whatif-unseen-thread-pages.txt" > $TMP/ut.json
got=$(python3 -c "import json; p={p['name']: p for p in json.load(open('$TMP/ut.json'))['policies']}
print(p['local-only']['unsafe'], p['oracle']['skipped'], p['oracle']['broadcasts'], p['oracle']['unsafe'], p['arm64-broadcast']['avoidable'], p['arm64-broadcast']['unsafe'], p['x86-ipi']['unsafe'])")
[ "$got" = "1 0 1 0 0 0 0" ]
ok $? "an unseen thread's page the kernel flushed: local-only unsafe, oracle and x86-ipi reach CPU 1, not certainly avoidable (got $got, want 1 0 1 0 0 0 0)"
# an mprotect of a page from before the trace (whatif-older-mprotect.txt, derived there), and the
# same with the VMA's mmap shown first (the range was empty: no stand-in)
"$TLBREPLAY" what-if --json --force --cpus 2 --cpu arm64 -p oracle,local-only,arm64-broadcast "$DATA/whatif-older-mprotect.txt" > $TMP/om.json
expect $TMP/om.json local-only unsafe 1 "mprotect of a page from before the trace: local-only leaves CPU 1 a writable entry (before: 0)"
expect $TMP/om.json oracle skipped 0 "mprotect of a page from before the trace: oracle does not skip it (before: 1)"
expect $TMP/om.json oracle local 1 "mprotect of a page from before the trace: oracle flushes CPU 0, defers CPU 1"
expect $TMP/om.json oracle unsafe 0 "mprotect of a page from before the trace: oracle safe"
expect $TMP/om.json arm64-broadcast unsafe 0 "mprotect of a page from before the trace: arm64-broadcast safe"
sed '/1.000030: sys_mprotect/i\
            prog-201   [000] .....     1.000020: sys_mmap(addr: 0x0, len: 0x1000, prot: 0x3, flags: 0x22, fd: 0xffffffffffffffff, off: 0x0)\
            prog-201   [000] .....     1.000021: sys_mmap -> 0x20000' "$DATA/whatif-older-mprotect.txt" > $TMP/om-made.txt
"$TLBREPLAY" what-if --json --force --cpus 2 --cpu arm64 -p oracle,local-only $TMP/om-made.txt > $TMP/om.json
expect $TMP/om.json local-only unsafe 0 "mprotect of a page of a VMA the trace saw made: known absent, local-only safe"
expect $TMP/om.json oracle skipped 1 "mprotect of a page of a VMA the trace saw made: oracle skips"
# a fork's child: the pages its parent did not know, it does not know either
fork_kid() {	# fork_kid <trace> <want> <description>: local-only unsafe; oracle skipped, local, broadcasts, unsafe; arm64-broadcast, x86-ipi unsafe
	"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,local-only,arm64-broadcast,x86-ipi "$1" > $TMP/fk.json
	got=$(python3 -c "import json; p={p['name']: p for p in json.load(open('$TMP/fk.json'))['policies']}
print(p['local-only']['unsafe'], p['oracle']['skipped'], p['oracle']['local'], p['oracle']['broadcasts'], p['oracle']['unsafe'], p['arm64-broadcast']['unsafe'], p['x86-ipi']['unsafe'])")
	[ "$got" = "$2" ]
	ok $? "$3 (got $got, want $2)"
}
# an address space older than the trace, a page never shown: the child's mprotect gets a
# stand-in (whatif-older-fork.txt, derived there; so since 0e5fd7a, a regression test)
fork_kid "$DATA/whatif-older-fork.txt" "2 0 1 1 0 0 0" "older parent, fork: the child's mprotect of a page never shown: local-only leaves CPU 1 a writable entry, oracle flushes CPU 0, defers CPU 1"
# the copy of a shared mapping's page a gap may have made writable (whatif-fork-gap-shared.txt,
# derived there) is unknown in the child too (before: "0 1 1 0 0 0 0": local-only safe, oracle
# skipped the child's mprotect); without the gap it is known read-only, oracle skips
fork_kid "$DATA/whatif-fork-gap-shared.txt" "1 0 2 0 0 0 0" "fork after a gap: the child's mprotect of the copied page: local-only leaves CPU 1 a writable entry, oracle flushes it, defers CPU 1"
grep -v 'LOST' "$DATA/whatif-fork-gap-shared.txt" > $TMP/fg-nolost.txt
fork_kid $TMP/fg-nolost.txt "0 1 1 0 0 0 0" "fork, no gap: the copied page known read-only, local-only safe, oracle skips"
# a PROT_NONE page a gap may have made present: the fork leaves it read-only, maybe present,
# in parent and child (whatif-fork-gap-protnone.txt, derived there; before: "0 1 3 1 0 0 0",
# the child's munmap skipped, arm64-broadcast's certainly avoidable 3)
fork_kid "$DATA/whatif-fork-gap-protnone.txt" "1 0 4 1 0 0 0" "PROT_NONE, gap, fork: the child's munmap: local-only leaves CPU 1 a read-only entry, oracle flushes it, defers CPU 1"
expect $TMP/fk.json arm64-broadcast avoidable 2 "PROT_NONE, gap, fork: the child's munmap not certainly avoidable (before: 3)"
grep -v 'LOST' "$DATA/whatif-fork-gap-protnone.txt" > $TMP/fp-nolost.txt
fork_kid $TMP/fp-nolost.txt "0 1 2 1 0 0 0" "PROT_NONE, fork, no gap: the page known not present, oracle skips the munmap"
# a fork of an address space whose VMAs the model does not know: the VMA may be shared, its PTE
# left writable (copy_present_pte(): is_cow_mapping() only); the fork is checked as a private
# mapping's, then the page's permission is unknown (whatif-fork-unknown-vma.txt, derived there;
# before: "1 1 0 1 0 0 0", oracle skipped the mprotect the kernel flushed)
fork_kid "$DATA/whatif-fork-unknown-vma.txt" "2 0 1 1 0 0 0" "fork, VMA unknown: the parent's mprotect after it: local-only leaves CPU 1 a writable entry, oracle flushes it, defers CPU 1"
for v in "rw-p:2 0 1 1 0 0 0:private: the page may have been pinned (whatif-fork-pinned.txt)" "rw-s:1 0 1 0 0 0 0:shared: no fork write-protection, oracle flushes the mprotect"; do
	sed "/1.000000: sched_switch/a\\
            prog-201   [001] .....     1.000000: tracing_mark_write: tlbreplay-maps 201 00010000-00011000 ${v%%:*} 00000000 00:00 0" \
		"$DATA/whatif-fork-unknown-vma.txt" > $TMP/fu.txt
	w=${v#*:}
	fork_kid $TMP/fu.txt "${w%%:*}" "fork, the maps snapshot says the VMA is ${w#*:}"
done
# a private page the parent may have pinned: copy_present_page() leaves the parent's PTE
# writable and gives the child a writable copy (whatif-fork-pinned.txt and -child.txt, derived
# there; before: "0 2 1 0 0 0 0" both, oracle skipped the mprotect the kernel flushed)
fork_kid "$DATA/whatif-fork-pinned.txt" "1 1 2 0 0 0 0" "fork, a page maybe pinned: the parent's mprotect: local-only leaves CPU 1 a writable entry, oracle flushes CPU 0, defers CPU 1"
fork_kid "$DATA/whatif-fork-pinned-child.txt" "0 1 2 0 0 0 0" "fork, a page maybe pinned: the child's copy, made before the parent's return: its mprotect flushed locally by oracle"
# a fork copies no PTE of a MAP_SHARED file mapping (vma_needs_copy()): the child's copy is there
# maybe, and the x86 kernel's missing flush at its munmap drops it (whatif-fork-file-shared.txt,
# derived there; before: "1 1 1 1", a certain point the kernel did not make); with the flush traced
# (a device mapping's copy, VM_PFNMAP) as before
fshared() {	# fshared <trace> <want>: arm64-broadcast flush points, broadcasts; x86-ipi local; oracle local
	"$TLBREPLAY" what-if --json --force -p oracle,arm64-broadcast,x86-ipi "$1" > $TMP/fs.json
	python3 -c "import json; p={p['name']: p for p in json.load(open('$TMP/fs.json'))['policies']}
print(p['arm64-broadcast']['flush_points'], p['arm64-broadcast']['broadcasts'], p['x86-ipi']['local'], p['oracle']['local'])"
}
got=$(fshared "$DATA/whatif-fork-file-shared.txt")
[ "$got" = "0 0 0 0" ]
ok $? "fork, MAP_SHARED file page: the child's munmap of it, no flush traced: no flush point (got $got, want 0 0 0 0)"
sed '/1.000032: sys_munmap -> 0x0/i\
            prog-202   [001] d....     1.000031: tlb_flush: pages:1 reason:local mm shootdown (3)' \
	"$DATA/whatif-fork-file-shared.txt" > $TMP/ffs.txt
got=$(fshared $TMP/ffs.txt)
[ "$got" = "2 2 1 1" ]
ok $? "fork, MAP_SHARED file page, the kernel's flush traced (a device mapping's copy): as before (got $got, want 2 2 1 1)"
# a known page whose PTE may have been made writable inside a gap: by an mprotect (the VMA's
# protection too: whatif-gap-perm.txt) or a COW after a fork (whatif-gap-cow.txt), both derived
# there; the mprotect PROT_READ after the gap makes it read-only again, CPU 1 may hold it writable;
# a fork after the gap write-protects it (whatif-gap-fork.txt, derived there); a page the model
# had unmapped before the gap, which the gap may map again writable (whatif-gap-unmapped.txt,
# derived there: before tlbr_unknown_stand_in, local-only and active-cpu unsafe 0, oracle skipped 1)
for g in perm cow fork unmapped; do
	"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,local-only,arm64-broadcast,active-cpu,x86-ipi "$DATA/whatif-gap-$g.txt" > $TMP/gp.json
	expect $TMP/gp.json local-only unsafe 1 "gap-$g: CPU 1 may hold the page writable: local-only's local flush unsafe"
	expect $TMP/gp.json active-cpu unsafe 1 "gap-$g: active-cpu, which never saw the mm on CPU 1, unsafe"
	expect $TMP/gp.json oracle skipped 0 "gap-$g: oracle does not skip the flush after the gap"
	expect $TMP/gp.json oracle local 3 "gap-$g: oracle 3 local flushes (CPU 1 deferred to its switch_mm)"
	expect $TMP/gp.json oracle unsafe 0 "gap-$g: oracle safe"
	expect $TMP/gp.json arm64-broadcast unsafe 0 "gap-$g: arm64-broadcast safe"
	expect $TMP/gp.json x86-ipi unsafe 0 "gap-$g: x86-ipi safe"
	grep -v '^CPU:1 \[LOST' "$DATA/whatif-gap-$g.txt" > $TMP/gp-nogap.txt
	"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,local-only $TMP/gp-nogap.txt > $TMP/gpn.json
	expect $TMP/gpn.json local-only unsafe 0 "gap-$g without the gap: the page is read-only throughout: local-only safe"
	# gap-cow's fork may have left the page writable (a pinned page: copy_present_page(),
	# whatif-fork-pinned.txt), its mprotect after the fork is a flush (before: skipped 1)
	want=1; why="nothing changed"
	[ $g = cow ] && { want=0; why="the fork may have left it writable, a pinned page"; }
	expect $TMP/gpn.json oracle skipped $want "gap-$g without the gap: oracle skipped $want ($why)"
done
"$TLBREPLAY" what-if --json --force --cpu arm64 -p arm64-broadcast "$DATA/whatif-gap-unmapped.txt" > $TMP/gx.json
expect $TMP/gx.json arm64-broadcast avoidable 1 "gap-unmapped: the mprotect's broadcast not certainly avoidable (the madvise's is)"
# a PTE the gap may have made writable, moved by mremap (whatif-gap-mremap.txt, derived there):
# the moved PTE is as unknown as the old one, so the mprotect after the move is not skipped
"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,arm64-broadcast "$DATA/whatif-gap-mremap.txt" > $TMP/gm.json
expect $TMP/gm.json oracle skipped 0 "gap-mremap: oracle flushes the mprotect of the moved page"
expect $TMP/gm.json oracle local 4 "gap-mremap: oracle 4 local flushes"
expect $TMP/gm.json oracle unsafe 0 "gap-mremap: oracle safe"
expect $TMP/gm.json arm64-broadcast avoidable 2 "gap-mremap: CPU 1 cannot hold the new address: the mprotect's broadcast avoidable"
grep -v '^CPU:1 \[LOST' "$DATA/whatif-gap-mremap.txt" > $TMP/gm-nogap.txt
"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle $TMP/gm-nogap.txt > $TMP/gmn.json
expect $TMP/gmn.json oracle skipped 1 "gap-mremap without the gap: oracle skips the mprotect"
# a placed thread pulled by an idle CPU on a kernel that does not trace switches from idle
# (whatif-seed001-idle-pull.txt, derived there): it runs there next, an inferred switch
"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,active-cpu,local-only,arm64-broadcast "$DATA/whatif-seed001-idle-pull.txt" > $TMP/ip.json
expect $TMP/ip.json oracle broadcasts 3 "idle pull: 202 runs on CPU 1 after the migration: oracle 3 broadcasts"
expect $TMP/ip.json active-cpu broadcasts 3 "idle pull: active-cpu MULTIPLE, 3 broadcasts"
expect $TMP/ip.json local-only unsafe 2 "idle pull: local-only unsafe 2"
expect $TMP/ip.json arm64-broadcast avoidable 0 "idle pull: no broadcast certainly avoidable"
# a trace that starts mid-way (whatif-midway.txt, derived there): a CPU first shown after a PTE
# change may have run an address space older than the trace until then
"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,active-cpu,local-only,arm64-broadcast "$DATA/whatif-midway.txt" > $TMP/mw.json
expect $TMP/mw.json local-only unsafe 1 "mid-way: CPU 1 may hold 300's page from before its first record: local-only unsafe 1"
expect $TMP/mw.json oracle unsafe 0 "mid-way: oracle defers CPU 1: safe"
expect $TMP/mw.json arm64-broadcast avoidable 0 "mid-way: the mprotect's broadcast not certainly avoidable"
expect $TMP/mw.json active-cpu avoidable 0 "mid-way: nor active-cpu's"
# a COW of a page the trace never showed, on an address space another CPU ran
# (whatif-cow-unseen.txt, derived there): that CPU may hold the read-only entry
"$TLBREPLAY" what-if --json --force -p arm64-broadcast,oracle,local-only "$DATA/whatif-cow-unseen.txt" > $TMP/cu.json
expect $TMP/cu.json arm64-broadcast avoidable 0 "COW of an unseen page: not certainly avoidable (CPU 1 ran the mm)"
expect $TMP/cu.json oracle local 1 "COW of an unseen page: oracle defers CPU 1 (it runs another mm)"
expect $TMP/cu.json oracle unsafe 0 "COW of an unseen page: oracle safe"
expect $TMP/cu.json local-only unsafe 1 "COW of an unseen page: local-only leaves CPU 1 the old page's entry"
# a CPU the trace never shows (whatif-midway-unshown.txt, derived there): it may run an
# address space older than the trace, not one created in it; the x86 kernel's local-only
# flush shows it outside mm_cpumask, but not after lost events
mwu() {	# mwu <trace> <want> <description>: arm64-broadcast broadcasts, avoidable; oracle broadcasts, local, ipis; local-only, x86-ipi unsafe
	"$TLBREPLAY" what-if --json --force -p arm64-broadcast,oracle,local-only,x86-ipi "$1" > $TMP/mwu.json
	got=$(python3 -c "import json; p={p['name']: p for p in json.load(open('$TMP/mwu.json'))['policies']}
print(p['arm64-broadcast']['broadcasts'], p['arm64-broadcast']['avoidable'], p['oracle']['broadcasts'], p['oracle']['local'], p['oracle']['ipis'], p['local-only']['unsafe'], p['x86-ipi']['unsafe'])")
	[ "$got" = "$2" ]
	ok $? "$3 (got $got, want $2)"
}
mwu "$DATA/whatif-midway-unshown.txt" "2 1 1 1 1 1 0" "CPU never shown: 300's mprotect must reach it, 400's (born) need not"
sed '/1.000020: sys_mprotect/a\
            prog-301   (    300) [000] d....     1.000021: tlb_flush: pages:1 reason:local mm shootdown (3)' \
	"$DATA/whatif-midway-unshown.txt" > $TMP/mwu-x86.txt
mwu $TMP/mwu-x86.txt "2 2 0 2 0 0 0" "CPU never shown, the x86 kernel's local-only flush: outside 300's mm_cpumask"
sed '/1.000020: sys_mprotect/a\
CPU:0 [LOST 3 EVENTS]' $TMP/mwu-x86.txt > $TMP/mwu-lost.txt
mwu $TMP/mwu-lost.txt "2 1 1 1 1 1 1" "the same after lost events: no evidence (a remote IPI send may be lost)"
sed '/1.000010: page_fault_user/i\
          <idle>-0     [001] d..2.     1.000005: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/1:0 next_pid=20 next_prio=120' \
	$TMP/mwu-x86.txt > $TMP/mwu-kth.txt
mwu $TMP/mwu-kth.txt "2 1 0 2 0 1 0" "the same with CPU 1 running a kernel thread: kthread_use_mm() may have left the mask silently"
# the same recording with a wake-up migration of 202 its followed waker's record shows
# (try_to_wake_up() -> set_task_cpu(): sched_migrate_task in 201's context, 202 left out by the
# filter): no sign the trace follows 202, which stays anywhere (before: seen, oracle 0 broadcasts)
sed '/^ .*sched_wakeup_new/a\
            prog-201   [000] d..2.     1.000014: sched_migrate_task: comm=prog pid=202 prio=120 orig_cpu=1 dest_cpu=0' \
	"$DATA/whatif-seed001-filtered.txt" > $TMP/fm.txt
"$TLBREPLAY" what-if --json --force --cpu arm64 -p oracle,local-only $TMP/fm.txt > $TMP/fm.json
expect $TMP/fm.json oracle broadcasts 3 "maybe pid-filtered: a migration in the waker's record does not show 202 followed: oracle 3 broadcasts"
expect $TMP/fm.json local-only unsafe 2 "maybe pid-filtered: a migration in the waker's record: local-only unsafe 2"
sed '/tlbreplay-meta/d' "$DATA/whatif-seed001-placed.txt" > $TMP/nm.txt
"$TLBREPLAY" what-if --json --cpu arm64 -p active-cpu $TMP/nm.txt > $TMP/nm.json
expect $TMP/nm.json active-cpu broadcasts 3 "seed 001, placed, the recorder's marker removed: the filter unknown, anywhere, 3 broadcasts"

# denominators: the modelled flush cost as a share of the busy CPU time (an estimate).
# whatif-seed001.txt: CPU 0 runs sh then 201 from 1.000000 to 1.000032 s: 32000 ns busy;
# arm64-broadcast's 4 broadcasts at tlbi_is 1000 cycles (nothing else priced), 1 GHz: 4000 ns
printf 'base = neoverse-n1\nsource = test table\ntlbi_is = 1000\ndsb_ish = 0\nper_cpu = 0\nghz = 1\n' > $TMP/share.costs
"$TLBREPLAY" what-if --json --costs $TMP/share.costs -p arm64-broadcast "$DATA/whatif-seed001.txt" > $TMP/share.json
expect $TMP/share.json arm64-broadcast est_busy_share_pct 12.5 "denominator: 4000 ns of flushes in 32000 ns busy: 12.5%"
"$TLBREPLAY" what-if --costs $TMP/share.costs -p arm64-broadcast "$DATA/whatif-seed001.txt" > $TMP/share.txt
grep_file "denominator: printed, and said to be an estimate" "over the busy CPU time\|an estimate)" "$TMP/share.txt"

# the samples: no policy modelling an accepted upstream change is unsafe
for s in "$SAMPLES"/*.dat; do
	for env in native vm; do
		"$TLBREPLAY" what-if --json --env $env -p $SEEDS "$s" > $TMP/s.json
		n=$(python3 -c 'import json,sys; print(sum(p["unsafe"] for p in json.load(open(sys.argv[1]))["policies"]))' $TMP/s.json)
		ok $((n != 0)) "$(basename "$s") ($env): no seed policy is unsafe"
	done
done
done_testing
