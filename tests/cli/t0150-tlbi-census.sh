#!/bin/sh
# The arm64 TLBI census: finding the TLBI instructions of a kernel's text
# (a synthetic kernel: tests/data/sysroots/a64-census, whose proc/kcore
# holds foo: nop; tlbi vae1is, x0; dsb ish; ret / bar: tlbi vale1, x3;
# tlbi aside1is, x1; tlbi vmalle1is; ret / baz: tlbi rvae1is, x2; tlbi
# alle2 (EL2: not ours); dc cvau (not a TLBI); ret), and replaying a trace
# with census events (whatif-tlbi-census.txt, counts derived there).
. "$SRCDIR/tests/lib.sh"
need_recorder

cd "$DATA" || exit 1
"$TLBREPLAY" record --check --sysroot sysroots/a64-census > $TMP/check
sed -n '/^TLBI census/,$p' $TMP/check > $TMP/census
cat > $TMP/want <<'W'
TLBI census: 5 sites (4 broadcast, 1 local) and 1 DSBs that complete them, kprobes at each:
    0 vae1is broadcast foo+0x4
    1 vale1 local bar+0x0
    2 aside1is broadcast bar+0x4
    3 vmalle1is broadcast bar+0x8
    4 rvae1is broadcast baz+0x0
    5 dsb broadcast foo+0x8
madvise FREE's young-or-dirty branch: no probe: madvise_free_pte_range is not in kallsyms (inlined?)
madvise COLD/PAGEOUT's young branch: no probe: madvise_cold_or_pageout_pte_range is not in kallsyms (inlined?)
W
same_file "census: the 5 EL1 TLBIs, their kind and function (not the EL2 TLBI, not DC), and the DSB ISH that completes foo's" $TMP/want $TMP/census
"$TLBREPLAY" record --dry-run --sysroot sysroots/a64-census -- true > $TMP/dry
grep_file "dry run: a kprobe at each site with its operand register" \
	"p:tlbr/tlbi_1 bar+0x0 site=\\\\1:u32 op=%x3:x64" $TMP/dry
grep_file "dry run: no operand for a TLBI of XZR" "p:tlbr/tlbi_3 bar+0x8 site=\\\\3:u32' >> kprobe_events" $TMP/dry
# a call the kernel may refuse (within 32 instructions after an exclusive
# load: sysroots/a64-census-call, mover: nop; casa w0, w1, [x5]; 23 nops;
# +0x64 bl __flush_tlb_range.constprop.0; dsb ish; 6 nops; +0x84 mov w1, #1;
# +0x88 b.eq +0x94; stlrb; nop; +0x94 stlrb; ret; +0x9c mov w1, #0; b +0x84,
# the shape of 6.12.118's move_page_tables+0x590; nofallback: casa; +0x4 bl
# the copy; nop; bl other; ret): --check says where it would be counted
# instead: +0x88, the first instruction after the CASA's 32, which every
# path from the return reaches with x30 unchanged (+0x9c's path too, with
# its own x30); nofallback's path meets a BL first: nowhere
"$TLBREPLAY" record --check --sysroot sysroots/a64-census-call > $TMP/check
sed -n '/^TLBI census/,$p' $TMP/check > $TMP/census
cat > $TMP/want <<'W'
TLBI census: 3 sites (3 broadcast, 0 local) and 0 DSBs that complete them, kprobes at each:
    0 vae1is broadcast __flush_tlb_range.constprop.0+0x0 in a notrace copy: its calls are probed
    1 call broadcast mover+0x64 calls __flush_tlb_range.constprop.0 (if refused: after it at +0x88)
    2 call broadcast nofallback+0x4 calls __flush_tlb_range.constprop.0
madvise FREE's young-or-dirty branch: no probe: madvise_free_pte_range is not in kallsyms (inlined?)
madvise COLD/PAGEOUT's young branch: no probe: madvise_cold_or_pageout_pte_range is not in kallsyms (inlined?)
W
same_file "census: a refused call is counted after it, where every path from it keeps x30 (not past a BL)" $TMP/want $TMP/census
"$TLBREPLAY" record --check --sysroot sysroots/a64-61 | tail -1 > $TMP/nocensus
grep_file "no kernel text symbols: no census, and why" "^no TLBI census: .*kallsyms has no kernel text symbols" $TMP/nocensus
# madvise COLD/PAGEOUT's young branch (record/census.c tlbr_age_find) in
# the guests' own madvise_cold_or_pageout_pte_range() (sysroots/a64-age-61,
# a64-age-612: the function's bytes from Debian's 6.1.0-47 and 6.12.118
# Images): behind the PTE's Access flag test (TBNZ bit 10: 6.1 +0x2e0,
# 6.12 +0x280) the range update (cmp; csel ls; cmp; csel hs; stp to
# tlb->start/end; orr of cleared_ptes, bit 3 on 6.1, 4 on 6.12), which only
# that branch enters; the PMD's (cleared_pmds, the next bit) is the other
"$TLBREPLAY" record --check --sysroot sysroots/a64-age-61 | tail -1 > $TMP/age
grep_file "6.1.0-47: the young branch's range update probed, address x19, end x5" \
	"young branch (Access flag test at +0x2e0): kprobe: p:tlbr/age_young madvise_cold_or_pageout_pte_range+0x898 addr=%x19:x64 end=%x5:x64$" $TMP/age
"$TLBREPLAY" record --check --sysroot sysroots/a64-age-612 | tail -1 > $TMP/age
grep_file "6.12.118: the young branch's range update probed, address x27, end x5 (nr pages)" \
	"young branch (Access flag test at +0x280): kprobe: p:tlbr/age_young madvise_cold_or_pageout_pte_range+0x770 addr=%x27:x64 end=%x5:x64$" $TMP/age
"$TLBREPLAY" record --dry-run --sysroot sysroots/a64-age-61 -- true > $TMP/dry
grep_file "dry run: the age_young kprobe" \
	"p:tlbr/age_young madvise_cold_or_pageout_pte_range+0x898 addr=%x19:x64 end=%x5:x64' >> kprobe_events" $TMP/dry
# ... and the huge PMD's (`if (pmd_young(orig_pmd))`, cleared_pmds): 6.1
# after pmdp_invalidate's call, its end pmd_addr_end() in x26; 6.12 after
# pmdp_test_and_clear_young; the line before the PTE's
"$TLBREPLAY" record --check --sysroot sysroots/a64-age-61 | tail -2 | head -1 > $TMP/age
grep_file "6.1.0-47: the huge PMD's range update probed, address x19, end x26" \
	"huge PMD young branch (Access flag test at +0x3c4): kprobe: p:tlbr/age_young_pmd madvise_cold_or_pageout_pte_range+0x960 addr=%x19:x64 end=%x26:x64$" $TMP/age
"$TLBREPLAY" record --check --sysroot sysroots/a64-age-612 | tail -2 | head -1 > $TMP/age
grep_file "6.12.118: the huge PMD's range update probed, address x27, end x28" \
	"huge PMD young branch (Access flag test at +0x91c): kprobe: p:tlbr/age_young_pmd madvise_cold_or_pageout_pte_range+0x958 addr=%x27:x64 end=%x28:x64$" $TMP/age
# MADV_FREE's young-or-dirty branch (tlbr_free_find): the only range update
# in madvise_free_pte_range (6.1: its bit set before the cmp/csel/stp,
# +0x2c0 addr x26 end x25; 6.12 +0x3bc addr x26 end x6: nr pages), the
# first --check line of the three
"$TLBREPLAY" record --check --sysroot sysroots/a64-age-61 | tail -3 | head -1 > $TMP/age
grep_file "6.1.0-47: FREE's range update probed, address x26, end x25" \
	"FREE's young-or-dirty branch: kprobe: p:tlbr/age_free madvise_free_pte_range+0x2c0 addr=%x26:x64 end=%x25:x64$" $TMP/age
"$TLBREPLAY" record --check --sysroot sysroots/a64-age-612 | tail -3 | head -1 > $TMP/age
grep_file "6.12.118: FREE's range update probed, address x26, end x6" \
	"FREE's young-or-dirty branch: kprobe: p:tlbr/age_free madvise_free_pte_range+0x3bc addr=%x26:x64 end=%x6:x64$" $TMP/age
grep_file "dry run: the age_free kprobe" \
	"p:tlbr/age_free madvise_free_pte_range+0x2c0 addr=%x26:x64 end=%x25:x64' >> kprobe_events" $TMP/dry
grep_file "dry run: the age_young_pmd kprobe" \
	"p:tlbr/age_young_pmd madvise_cold_or_pageout_pte_range+0x960 addr=%x19:x64 end=%x26:x64' >> kprobe_events" $TMP/dry
# a64-age-entered: 6.1's with +0x82c (b +0x178 before) a branch to +0x88c,
# inside the young branch: code outside enters it, no probe; a64-age-excl:
# 6.1's with +0x884 (dsb ishst) an LDXR, 5 instructions before the point
# (arm_kprobe_decode_insn -> is_probed_address_atomic refuses it)
"$TLBREPLAY" record --check --sysroot sysroots/a64-age-entered | tail -1 > $TMP/age
grep_file "a young branch other code enters: no probe" \
	"young branch: no probe: madvise_cold_or_pageout_pte_range: 1 young branches" $TMP/age
"$TLBREPLAY" record --check --sysroot sysroots/a64-age-excl | tail -1 > $TMP/age
grep_file "a point after an exclusive load: no probe" \
	"young branch: no probe: madvise_cold_or_pageout_pte_range+0x898 follows an exclusive load" $TMP/age

# a trace with the census: flush operations and instructions by site
"$TLBREPLAY" stat --json whatif-tlbi-census.txt > $TMP/s.json
python3 - $TMP/s.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
got = {r["site"]: (r["broadcast_ops"], r["broadcast_tlbis"], r["local_ops"], r["local_tlbis"])
       for r in d["flushes"]["tlbi_by_site"]}
want = {"wp-reuse": (1, 1, 0, 0), "mprotect": (1, 3, 0, 0), "kernel": (1, 1, 0, 0),
        "switch": (0, 0, 1, 1)}
assert got == want, got
assert d["kinds"]["tlbi"]["total"] == 6
PY
ok $? "stat: 3 TLBIs of one mprotect are one operation; the reuse's, the purge's, the local one"
"$TLBREPLAY" what-if --json -p arm64-broadcast whatif-tlbi-census.txt > $TMP/w.json
python3 - $TMP/w.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["checks"]
assert c["tlbi_broadcast_instructions"] == 5, c
assert c["tlbi_broadcast_ops_by_site"] == {"wp-reuse": 1, "mprotect": 1, "kernel": 1}, c
p = d["policies"][0]
assert p["by_site"] == {"wp-reuse": 1, "mprotect": 1}, p["by_site"]
PY
ok $? "what-if: arm64-broadcast's predictions next to the kernel's operations, per site"
"$TLBREPLAY" what-if -p arm64-broadcast whatif-tlbi-census.txt > $TMP/w.txt
# the mprotect's 3 pages the trace never showed, which CPU 0 (running 800) may hold (derived there)
"$TLBREPLAY" what-if --json -p oracle,local-only whatif-tlbi-census.txt > $TMP/w2.json
got=$(python3 -c "import json; p={x['name']: x for x in json.load(open('$TMP/w2.json'))['policies']}
print(p['oracle']['broadcasts'], p['oracle']['skipped'], p['local-only']['unsafe'])")
[ "$got" = "1 1 1" ]
ok $? "what-if: the mprotect of pages the trace never showed reaches CPU 0: oracle 1 broadcast, 1 skipped (the reuse's), local-only unsafe 1 (got $got)"
grep_file "what-if text: per-site comparison" "wp-reuse         kernel        1, predicted        1 (+0.0%)" $TMP/w.txt

# munmap, madvise and mremap as the kernel flushes them (whatif-zap.txt: the
# counts are derived there from mmu_gather, zap_pte_range, tlb_end_vma,
# free_pgtables and move_page_tables)
"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle whatif-zap.txt > $TMP/z.json
python3 - $TMP/z.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
real = d["checks"]["tlbi_broadcast_ops_by_site"]
assert real == {"zap": 7, "mremap": 2}, real
p = {x["name"]: x for x in d["policies"]}
assert p["arm64-broadcast"]["by_site"] == {"zap": 7, "mremap": 2}, p["arm64-broadcast"]["by_site"]
assert p["arm64-broadcast"]["unsafe"] == 0 and p["oracle"]["unsafe"] == 0
PY
ok $? "zaps: a flush per VMA that had present pages, none for untouched ones, one for freed page tables; mremap: in-place growth keeps the pages, a move flushes per chunk"
"$TLBREPLAY" stat --json whatif-zap.txt > $TMP/zs.json
python3 - $TMP/zs.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
got = {r["site"]: r["broadcast_ops"] for r in d["flushes"]["tlbi_by_site"]}
assert got == {"zap": 7, "mremap": 2}, got
PY
ok $? "census: the TLBIs of unmap_page_range, madvise_free_single_vma and tlb_finish_mmu are zap's; a DSB between two runs of move_page_tables makes two operations"

# transparent huge page faults (whatif-thp.txt: do_huge_pmd_anonymous_page
# maps a huge page only where the PMD was none and the VMA covers the 2 MiB
# (transhuge_vma_suitable), else falls back to one page; thp_fault_r says
# which, without it the VMAs do). The 6.1 stress-ng trace of the qemu suite
# had A-C's pattern: the fallback mapped 512 pages, some outside the VMA, and
# the next fault there made its own page read-only: "unsafe" under
# arm64-broadcast and oracle.
"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle whatif-thp.txt > $TMP/h.json
python3 - $TMP/h.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
real = d["checks"]["tlbi_broadcast_ops_by_site"]
assert real == {"zap": 7}, real
p = {x["name"]: x for x in d["policies"]}
assert p["arm64-broadcast"]["by_site"] == {"zap": 7}, p["arm64-broadcast"]["by_site"]
assert p["arm64-broadcast"]["unsafe"] == 0 and p["oracle"]["unsafe"] == 0, \
    (p["arm64-broadcast"]["unsafe"], p["oracle"]["unsafe"])
# 514 pages and one stand-in (an address space older than the trace: a zap of a range the
# trace showed part of covers the pages it did not show: whatif-zap-partial.txt)
assert d["pages"] == 515, d["pages"]
PY
ok $? "huge faults: a fallback maps the faulting page only (the VMA does not cover the PMD, or thp_fault_r says so), a huge page all 512; 7 zap flushes as executed, nothing unsafe"

# khugepaged's collapse (whatif-thp-collapse.txt: pmdp_collapse_flush clears
# the PMD, then flushes the 2 MiB; the huge PMD goes in after): the
# collapse's broadcast is predicted, the small pages' entries go with it,
# nothing unsafe (a 6.12 stress-ng trace of the qemu suite had 512 unsafe
# findings under every policy here)
"$TLBREPLAY" what-if --json --force -p arm64-broadcast,oracle whatif-thp-collapse.txt > $TMP/c.json
python3 - $TMP/c.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["name"]: x for x in d["policies"]}
assert p["arm64-broadcast"]["by_site"] == {"reclaim": 1}, p["arm64-broadcast"]["by_site"]
assert p["arm64-broadcast"]["unsafe"] == 0 and p["oracle"]["unsafe"] == 0, \
    (p["arm64-broadcast"]["unsafe"], p["oracle"]["unsafe"])
assert d["pages"] == 512, d["pages"]
PY
ok $? "khugepaged's collapse: one broadcast for the 2 MiB, the small pages' entries flushed, 512 pages, nothing unsafe"

# census_case FILE SITES [COW_BREAKS REUSES]: executed and predicted broadcasts
# by site are SITES (a JSON object), arm64-broadcast and oracle safe
census_case() {
	"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle "$1" > $TMP/case.json
	python3 - $TMP/case.json "$2" "${3:-}" "${4:-}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = json.loads(sys.argv[2])
assert d["checks"]["tlbi_broadcast_ops_by_site"] == want, d["checks"]
p = {x["name"]: x for x in d["policies"]}
assert p["arm64-broadcast"]["by_site"] == want, p["arm64-broadcast"]["by_site"]
if sys.argv[3]:
    got = (d["checks"]["cow_breaks"], d["checks"]["reuses"])
    assert got == (int(sys.argv[3]), int(sys.argv[4])), got
assert p["arm64-broadcast"]["unsafe"] == 0 and p["oracle"]["unsafe"] == 0
PY
}

# a write fault preempted before its copy (whatif-fault-preempt.txt): the
# switch away and back is not the end of the fault; the COW flush says how
# it was resolved (before: 1 wp-reuse flush the kernel never made; the qemu
# suite's 6.1 usemem predicted 33 reuse flushes where the kernel made 27)
census_case whatif-fault-preempt.txt '{"cow": 2}' 2 0
ok $? "a write fault preempted before its copy: 2 COW flushes as executed, no reuse"

# ptep_clear_flush inside madvise (whatif-madvise-clear.txt): a write fault
# through get_user_pages (MADV_POPULATE_WRITE) copies as a user fault does; a
# reclaim unmap (MADV_PAGEOUT, try_to_unmap_one) flushes once (before: census
# 'fault' 2; predicted wp-reuse 1, fault 2, reclaim 1); 6.1's PAGEOUT made the
# young page old first, flushed after the reclaim (the file gained that TLBI
# and the kernel=6.1 metadata when the replay modelled the aging)
census_case whatif-madvise-clear.txt '{"cow": 1, "zap": 1, "reclaim": 1}' 1 0
ok $? "madvise's ptep_clear_flush: POPULATE_WRITE's copy is a COW, PAGEOUT's unmap one reclaim flush and its aging one zap flush, as executed"

# a COW in a contpte block (whatif-contpte-cow.txt, 6.12): ptep_clear_flush's
# ptep_get_and_clear unfolds the block first (contpte_try_unfold ->
# contpte_convert: its flush is the unfold's, "fault"); the TLBI after it is
# ptep_clear_flush's own, the COW's (before: census fault 2, cow 0; the qemu
# suite's 6.12 stress-ng fault 23/20, cow 10086/10089)
census_case whatif-contpte-cow.txt '{"fork": 1, "fault": 1, "cow": 1, "exit": 1}' 1 0
ok $? "a COW in a contpte block: the unfold's flush is a fault's, ptep_clear_flush's after it the COW's, and a later exit flush the exit's, as executed"

# a PROT_NONE page is pte_present() to the zap (whatif-zap-protnone.txt):
# zap_present_ptes gathers it and tlb_end_vma flushes it (before: zap 1
# predicted, 2 executed; the qemu suite's 6.12 sng-mprotect zap 12/9)
census_case whatif-zap-protnone.txt '{"mprotect": 1, "zap": 2}'
ok $? "a PROT_NONE page is flushed by its VMA's zap: 2 zap flushes, as executed"

# uncertain_case FILE EXECUTED BY_SITE UNCERTAIN: the census's, and
# arm64-broadcast's by_site and by_site_uncertain, nothing unsafe
uncertain_case() {
	"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle "$1" > $TMP/u.json
	python3 - $TMP/u.json "$2" "$3" "$4" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ex, want, maybe = (json.loads(a) for a in sys.argv[2:5])
assert d["checks"]["tlbi_broadcast_ops_by_site"] == ex, d["checks"]
p = {x["name"]: x for x in d["policies"]}
b = p["arm64-broadcast"]
assert (b["by_site"], b["by_site_uncertain"]) == (want, maybe), (b["by_site"], b["by_site_uncertain"])
assert b["unsafe"] == 0 and p["oracle"]["unsafe"] == 0
PY
}
# fault-around (whatif-fault-around.txt): a read fault on shmem maps the
# cached pages of its 64 KiB block (do_fault_around): a page zapped before
# may be present again, its munmap's flush uncertain (before: not predicted);
# C's mprotect changed no PTE (chprot_r pages=0): its page was not mapped,
# no point (before that count was used: an uncertain mprotect point, 0..1)
uncertain_case whatif-fault-around.txt '{"zap": 2}' '{"zap": 2}' '{"zap": 1}'
ok $? "fault-around: the zapped page may be mapped again by a read fault next to it: zap 2 executed, 1..2 predicted; an mprotect that changed no PTE: no point"
# the window the recorder read (metadata fault_around_bytes): one page, no
# fault-around (D's flush not predicted: such a machine would not have
# mapped 0x100000 again); 8 KiB, the read at 0x101000 maps 0x100000 only
# (D's flush uncertain, 0x102000 outside: no mprotect point)
fault_around_case() {	# fault_around_case BYTES BY_SITE UNCERTAIN_BY_SITE
	sed "/tlbreplay-meta v1/a\\            prog-740   [000] .....    50.000001: tracing_mark_write: tlbreplay-meta fault_around_bytes=$1" \
		"$DATA/whatif-fault-around.txt" > $TMP/fa.txt
	uncertain_case $TMP/fa.txt '{"zap": 2}' "$2" "$3"
}
fault_around_case 4096 '{"zap": 1}' '{}'
ok $? "fault_around_bytes=4096: no fault-around (zap 1 predicted)"
fault_around_case 8192 '{"zap": 2}' '{"zap": 1}'
ok $? "fault_around_bytes=8192: a 2-page window (zap 1..2, no mprotect point)"
# MAP_POPULATE (whatif-mmap-populate.txt): its fault is inside mmap, after
# MAP_FIXED replaced the old mapping: the page stays (before: dropped at the
# return, 0 zap flushes predicted)
uncertain_case whatif-mmap-populate.txt '{"zap": 2}' '{"zap": 2}' '{}'
ok $? "MAP_POPULATE's page is present after mmap: COLD's flush (the fault made it young) and munmap's, 2 executed, 2 predicted"

# batched reclaim and migration on 6.12 (whatif-batch-marks.txt, counts
# derived there): each PTE set_tlb_ubc_flush_pending batches is a reclaim
# flush (a migration's PTE stays present, reclaim's goes), and
# flush_tlb_batched_pending flushes the mm the kernel marked (before: the
# migration's PTEs and the kernel's pending flushes were not predicted; the
# qemu suite's 6.12 sng-mremap: reclaim 208 executed, 0 predicted)
census_case whatif-batch-marks.txt '{"reclaim": 6, "mprotect": 1, "zap": 1}'
ok $? "6.12 batched reclaim and migration: 4 batched PTEs and 2 pending flushes of the marked mm, as executed; the migrated pages kept (1 zap flush)"
"$TLBREPLAY" what-if --json -p batched-reclaim whatif-batch-marks.txt > $TMP/bm.json
python3 - $TMP/bm.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["policies"][0]
assert (p["deferred"], p["pending_syncs"], p["broadcasts"]) == (4, 2, 4), p
PY
ok $? "batched-reclaim leaves the kernel's pending flushes to its own mark: 4 deferred, 2 pending syncs, 4 broadcasts"
sed '/batch_marks=traced/d' whatif-batch-marks.txt > $TMP/nomarks.txt
"$TLBREPLAY" what-if --json -p arm64-broadcast $TMP/nomarks.txt > $TMP/nm.json
python3 - $TMP/nm.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["policies"][0]
assert p["by_site"]["reclaim"] == 10 and p["by_site_uncertain"] == {"reclaim": 6}, p
PY
ok $? "without batch_marks=traced every flush_tlb_batched_pending is an uncertain flush of the mm (4 certain reclaim flushes, the 6 calls uncertain)"

# a kernel mapping in a task's context (whatif-kmap-mm.txt: clone's vmalloc'd
# stack) is not the task's address space: its pages stay (before: dropped, the
# munmap's flush not predicted; the qemu suite's 6.12 sng-madvise: zap 42/9)
census_case whatif-kmap-mm.txt '{"zap": 1}'
ok $? "vmalloc in a task's context keeps its address space: 1 zap flush as executed"
# madvise COLD, PAGEOUT and FREE (whatif-madvise-age.txt, counts derived
# there from madvise_cold_or_pageout_pte_range and madvise_free_pte_range):
# only young (FREE: or dirty) PTEs are made old and flushed: a page a fault
# made or touched since its last aging is young (only software clears the
# Access flag), one made old since may be young again (the hardware flag:
# no fault): uncertain; a FREE of a page written since it was cleaned is
# certain; 6.12's PAGEOUT ages nothing; PAGEOUT's gather flush after the
# reclaim is zap's, not reclaim's (before: every COLD and PAGEOUT point
# uncertain, the first COLD, the PAGEOUT and the MAP_POPULATE'd page's COLD
# too)
aging_check() {	# aging_check TRACE EXECUTED_BY_SITE BY_SITE UNCERTAIN_BY_SITE
	"$TLBREPLAY" what-if --json --force -p arm64-broadcast,oracle "$1" > $TMP/age.json
	python3 - $TMP/age.json "$2" "$3" "$4" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["checks"]["tlbi_broadcast_ops_by_site"] == json.loads(sys.argv[2]), d["checks"]
p = {x["name"]: x for x in d["policies"]}
b = p["arm64-broadcast"]
assert b["by_site"] == json.loads(sys.argv[3]), b["by_site"]
assert b["by_site_uncertain"] == json.loads(sys.argv[4]), b["by_site_uncertain"]
assert b["broadcasts_uncertain"] == sum(json.loads(sys.argv[4]).values())
assert b["unsafe"] == 0 and p["oracle"]["unsafe"] == 0
PY
}
aging_without() {	# aging_without PATTERN TRACE EXECUTED_BY_SITE BY_SITE UNCERTAIN_BY_SITE:
	# TRACE with the lines PATTERN matches taken out (the events, or the
	# metadata that says they are traced): the rule without them
	grep -v "$1" "$2" > $TMP/without.txt
	aging_check $TMP/without.txt "$3" "$4" "$5"
}
aging_612() {	# aging_612 DATA-FILE EXECUTED_BY_SITE BY_SITE UNCERTAIN_BY_SITE: as Linux 6.12
	sed 's/kernel=6.1.0-47-arm64/kernel=6.12.118+deb12-arm64/' "$DATA/$1" > $TMP/as612.txt
	aging_check $TMP/as612.txt "$2" "$3" "$4"
}
age_case() {	# age_case KERNEL-METADATA BY_SITE UNCERTAIN_BY_SITE
	sed "s/kernel=6.1.0-47-arm64/$1/" "$DATA/whatif-madvise-age.txt" > $TMP/age.txt
	aging_check $TMP/age.txt '{"zap": 3, "reclaim": 1}' "$2" "$3"
}
age_case kernel=6.1.0-47-arm64 '{"zap": 5, "reclaim": 1}' '{"zap": 2}'
ok $? "6.1 COLD/PAGEOUT/FREE: 5 zap points of which 2 uncertain (3..5, executed 3), the faulted pages' first agings and the dirty page's FREE certain; 1 reclaim"
age_case kernel=6.12.118+deb12-arm64 '{"zap": 4, "reclaim": 1}' '{"zap": 2}'
ok $? "6.12: PAGEOUT ages nothing (6.10): no zap point for it"
age_case nokernel=none '{"zap": 5, "reclaim": 1}' '{"zap": 3}'
ok $? "a kernel of unknown version: PAGEOUT's point kept, uncertain"
# MGLRU (mm/vmscan.c): its aging clears Access flags with no flush and no
# event (6.1 walk_pte_range(), lru_gen_look_around():
# ptep_test_and_clear_young()), so between the fault and the COLD it may have
# made 0x100000 old: A's and C's points are proven only where the recording
# shows MGLRU off (whatif-madvise-age.txt's lru_gen=0x0000). Without the key
# (a recording before it, or another recorder) or with MGLRU on (caps 0x0007):
# zap 5, 4 uncertain (A, B, C, F: 1..5 as a range, executed 3), E (dirty)
# certain; stat says why
for lg in "" " lru_gen=0x0007"; do
	sed "s/ lru_gen=0x0000/$lg/" "$DATA/whatif-madvise-age.txt" > $TMP/age-mglru.txt
	aging_check $TMP/age-mglru.txt '{"zap": 3, "reclaim": 1}' '{"zap": 5, "reclaim": 1}' '{"zap": 4}'
	ok $? "MGLRU${lg:- not said}: no COLD/PAGEOUT point proven young (zap 5, 4 uncertain)"
done
"$TLBREPLAY" stat $TMP/age-mglru.txt > $TMP/age-mglru.out
grep_file "stat: MGLRU on, young not proven" "^Young PTEs  not proven by faults: MGLRU on (lru_gen=0x0007)" $TMP/age-mglru.out
"$TLBREPLAY" stat "$DATA/whatif-madvise-age.txt" > $TMP/age-mglru.out
grep_file "stat: MGLRU off, young proven" "^Young PTEs  a fault proves a PTE young .*MGLRU off (lru_gen=0x0000)$" $TMP/age-mglru.out
# DAMON clears Access flags with no flush and no event as MGLRU does (6.12
# mm/damon/paddr.c damon_pa_mkold() -> rmap walk -> damon_ptep_mkold() ->
# ptep_clear_young_notify()): with MGLRU off, damon=on in the metadata
# proves no COLD/PAGEOUT point young (zap 5, 4 uncertain, as MGLRU on);
# damon=off keeps 2. whatif-madvise-age-kdamond.txt (no damon= key) shows
# kdamond.0 switched in and out after A: C's point is no longer proven (zap
# 5, 3 uncertain: B, C, F), A's still is; the same switches to a task of
# another name leave 2
sed "s/ lru_gen=0x0000/ lru_gen=0x0000 damon=on/" "$DATA/whatif-madvise-age.txt" > $TMP/age-damon.txt
aging_check $TMP/age-damon.txt '{"zap": 3, "reclaim": 1}' '{"zap": 5, "reclaim": 1}' '{"zap": 4}'
ok $? "damon=on: no COLD/PAGEOUT point proven young (zap 5, 4 uncertain)"
"$TLBREPLAY" stat $TMP/age-damon.txt > $TMP/age-damon.out
grep_file "stat: DAMON on, young not proven" "^Young PTEs  not proven by faults: DAMON on (damon=on), .*(damon_ptep_mkold): madvise COLD/PAGEOUT points stay uncertain$" $TMP/age-damon.out
sed "s/ lru_gen=0x0000/ lru_gen=0x0000 damon=off/" "$DATA/whatif-madvise-age.txt" > $TMP/age-damon.txt
aging_check $TMP/age-damon.txt '{"zap": 3, "reclaim": 1}' '{"zap": 5, "reclaim": 1}' '{"zap": 2}'
ok $? "damon=off: A's and C's points proven young (zap 5, 2 uncertain)"
"$TLBREPLAY" stat $TMP/age-damon.txt > $TMP/age-damon.out
grep_file "stat: DAMON off, young proven" "^Young PTEs  a fault proves a PTE young .*MGLRU off (lru_gen=0x0000), DAMON off (damon=off)$" $TMP/age-damon.out
aging_check "$DATA/whatif-madvise-age-kdamond.txt" '{"zap": 3, "reclaim": 1}' '{"zap": 5, "reclaim": 1}' '{"zap": 3}'
ok $? "a kdamond switch after A, no damon= key: C's point not proven (zap 5, 3 uncertain)"
"$TLBREPLAY" stat "$DATA/whatif-madvise-age-kdamond.txt" > $TMP/age-damon.out
grep_file "stat: kdamond seen, young not proven" "^Young PTEs  not proven by faults: DAMON on (a kdamond switch in the trace), .*points after its first switch stay uncertain$" $TMP/age-damon.out
sed "s/kdamond\.0/kworker\/1:1/g" "$DATA/whatif-madvise-age-kdamond.txt" > $TMP/age-damon.txt
aging_check $TMP/age-damon.txt '{"zap": 3, "reclaim": 1}' '{"zap": 5, "reclaim": 1}' '{"zap": 2}'
ok $? "the same switches to a kworker: A's and C's points proven (zap 5, 2 uncertain)"
"$TLBREPLAY" what-if --force -p arm64-broadcast $TMP/age.txt > $TMP/age.out
grep_file "unknown version: the note says PAGEOUT ages before 6.10 only" "PAGEOUT ages (and flushes)$" $TMP/age.out
"$TLBREPLAY" what-if --force -p arm64-broadcast whatif-madvise-age.txt > $TMP/age.out
grep_file "what-if says which broadcasts are uncertain" "^  uncertain  *2$" $TMP/age.out
grep_file "and why" "only PTEs that were young, or for FREE dirty$" $TMP/age.out
grep_file "the census line gives the range" "zap              kernel        3, predicted        5 (at least 3)" $TMP/age.out

# the software Access flag (whatif-young-sw.txt, counts derived there): on a
# CPU without FEAT_HAFDBS (metadata access_flag=software) every access
# through an old PTE is a traced fault, so which PTEs COLD, PAGEOUT and FREE
# find young is known: a point for each young group, none for an old one
# (before, and without the metadata: every COLD/PAGEOUT point uncertain)
aging_check "$DATA/whatif-young-sw.txt" '{"zap": 4, "reclaim": 1}' '{"zap": 4, "reclaim": 1}' '{}'
ok $? "software Access flag: COLD/PAGEOUT/FREE flush points certain, as executed (zap 4, reclaim 1), none for old pages"
aging_without access_flag=software "$DATA/whatif-young-sw.txt" '{"zap": 4, "reclaim": 1}' \
	'{"zap": 6, "reclaim": 1}' '{"zap": 2}'
ok $? "without access_flag=software: young proven where a fault made it, old not (zap 6, 2 uncertain: 4..6)"
# the LRU list (whatif-lru-batch.txt, counts derived there): COLD ages only
# a folio on an LRU list (madvise_cold_or_pageout_pte_range: `if
# (!PageLRU(page) ...) continue;`); a new folio waits in its CPU's lru_add
# batch until that CPU drains it (madvise's own lru_add_drain) or an add
# fills it (PAGEVEC_SIZE 15 in 6.1, 31 later): a COLD on another CPU before
# that is uncertain (before: every faulted page taken as on the list; with
# that, zap 4 certain where 2 were executed)
aging_check "$DATA/whatif-lru-batch.txt" '{"zap": 2}' '{"zap": 4}' '{"zap": 2}'
ok $? "LRU batches: a COLD on another CPU than the fault's, the batch not full: uncertain; after 14 adds or its CPU's drain: certain (zap 2..4, executed 2)"
aging_612 whatif-lru-batch.txt '{"zap": 2}' '{"zap": 4}' '{"zap": 3}'
ok $? "6.12's batch holds 31: 14 adds do not prove it moved (zap 1..4)"
# fault-around's pages with the software Access flag
# (whatif-young-fault-around.txt): do_set_pte makes a prefaulted PTE old
# only where arch_wants_old_prefaulted_pte() (arm64: cpu_has_hw_af), so
# without the hardware flag a page fault-around may have mapped may be
# young: COLD's point uncertain (before: old, no point, zap 1 < executed 2)
aging_check "$DATA/whatif-young-fault-around.txt" '{"zap": 2}' '{"zap": 2}' '{"zap": 1}'
ok $? "software Access flag: a page fault-around may have mapped is young (cpu_has_hw_af false): COLD's point uncertain, zap 1..2 (executed 2)"
# huge pages that COLD splits (whatif-young-split.txt): split_huge_page's
# migration entries keep the Access flag (migration_entry_supports_ad), so
# the walk after it flushes the young PTEs; the walker's gather flush is
# zap in the census even after try_to_migrate_one's ptep_clear_flush
# (before: filed under fault, fault 17 and zap 5 executed)
aging_check "$DATA/whatif-young-split.txt" '{"fault": 16, "zap": 6}' '{"fault": 16, "zap": 7}' \
	'{"zap": 1}'
ok $? "splits: the agings after them certain (zap 6 executed, 6..7 predicted), the census's madvise_cold TLBI under zap"
# the same as 6.12: a split of an anonymous folio maps each subpage holding
# only zeros to the shared zero page (remap_page(..., RMP_USE_SHARED_ZEROPAGE)
# -> try_to_map_unused_to_zeropage(), 6.12), which no aging takes, and no
# trace shows which: the agings of A, B and D after their splits uncertain
# (zap 7, 4 uncertain; the qemu suite's 6.12 sng-mremap: 69 COLDs after a
# PAGEOUT's split flushed nothing)
aging_612 whatif-young-split.txt '{"fault": 16, "zap": 6}' '{"fault": 16, "zap": 7}' '{"zap": 4}'
ok $? "6.12 splits may map zero-filled subpages to the zero page: the agings after them uncertain (zap 3..7)"
# once aged, such a page is old either way (whatif-split-zero-aged.txt): the
# folio made old (pte_mkold), or the zero page skipped, which no aging
# flushes; the next aging with no fault since is no point (before: "may be
# young", uncertain: zap 4 with 3 uncertain)
aging_check "$DATA/whatif-split-zero-aged.txt" '{"zap": 2}' '{"zap": 3}' '{"zap": 2}'
ok $? "6.12 split's maybe-zero pages: the first agings uncertain, the one after them no point (zap 1..3, executed 2)"
# MADV_FREE skips the zero page as well (madvise_free_pte_range: `if
# (!folio ...) continue`), and 6.12's FREE walks the PTEs its own
# split_folio() may have made that (whatif-free-split-zero.txt): a page
# dirty or young if a folio proves nothing there; cleaned and made old,
# or the zero page, the next FREE is no point (before: zap 2, certain)
aging_check "$DATA/whatif-free-split-zero.txt" '{"zap": 2}' '{"zap": 2}' '{"zap": 1}'
ok $? "6.12 MADV_FREE after its own split: a maybe-zero page proves nothing (zap 1..2, executed 2)"
# with tlbr:rmap_add (whatif-split-remap.txt: folio_add_anon_rmap_ptes,
# remove_migration_pte's for each subpage put back as a folio) a subpage
# it shows is no zero page: its FREE point certain; one it does not show
# stays uncertain (without the events: 1..3)
aging_check "$DATA/whatif-split-remap.txt" '{"zap": 2}' '{"zap": 3}' '{"zap": 1}'
ok $? "6.12 split's subpages put back as folios (rmap_add): proven, the others uncertain (zap 2..3, executed 2)"
aging_without "rmap_add:" "$DATA/whatif-split-remap.txt" '{"zap": 2}' '{"zap": 3}' '{"zap": 2}'
ok $? "... without the events both FREE points uncertain (zap 1..3)"
# a folio MADV_PAGEOUT's reclaim split is put back by the reclaiming CPU's
# lru_add batch on 6.1 as on 6.12 (whatif-pageout-split-batch.txt:
# reclaim_folio_list -> folio_putback_lru): a COLD on another CPU before
# that batch moves may skip it (before, 6.1: on the list at once, certain)
aging_check "$DATA/whatif-pageout-split-batch.txt" '{"zap": 4}' '{"zap": 4}' '{"zap": 1}'
ok $? "6.1 reclaim split: its folios wait in the reclaiming CPU's batch, a COLD elsewhere uncertain (zap 3..4, executed 4)"
# the young branch probed (whatif-age-young.txt, hardware Access flag:
# tlbr:age_young, age_young=traced): a COLD with a hit flushed, one without
# did not, both certain (zap 2, executed 2); without the metadata the probe
# is not said armed: the old rule, 1..3
aging_check "$DATA/whatif-age-young.txt" '{"zap": 2}' '{"zap": 2}' '{}'
ok $? "age_young: the COLDs the probe shows young flushed, the one it does not show did not (zap 2, none uncertain)"
aging_without age_young=traced "$DATA/whatif-age-young.txt" '{"zap": 2}' '{"zap": 3}' '{"zap": 2}'
ok $? "... not said planned and armed: as before (zap 1..3)"
# ... the huge PMD's young branch is not probed (whatif-age-young-thp.txt:
# pmdp_invalidate and tlb_remove_pmd_tlb_entry): its gather stays the
# model's (before: A's gather flush missed as certain, zap 1..2)
aging_check "$DATA/whatif-age-young-thp.txt" '{"zap": 2}' '{"zap": 4}' '{"zap": 2}'
ok $? "age_young and a huge PMD: its aging's gather flush still predicted (zap 2..4, executed 2)"
# the huge PMD's young branch probed too (whatif-age-young-pmd.txt, 6.1,
# hardware flag: tlbr:age_young_pmd, age_young_pmd=traced): a COLD with a
# PMD hit flushed twice (pmdp_invalidate, tlb_end_vma), one without did
# not, all certain (zap 4; before 2..6); with the PTE probe only, the
# model's rule (2..6)
aging_check "$DATA/whatif-age-young-pmd.txt" '{"zap": 4}' '{"zap": 4}' '{}'
ok $? "age_young_pmd: 6.1 huge PMD agings the probe shows flushed twice, the one it does not show not at all (zap 4, none uncertain)"
aging_without age_young_pmd "$DATA/whatif-age-young-pmd.txt" '{"zap": 4}' '{"zap": 6}' '{"zap": 4}'
ok $? "... the PTE probe only: the huge page by the model's rule (zap 2..6, executed 4)"
# 6.12 ages a huge PMD by pmdp_test_and_clear_young(): no flush of its own
aging_check "$DATA/whatif-age-young-pmd-612.txt" '{"zap": 2}' '{"zap": 2}' '{}'
ok $? "age_young_pmd: 6.12 huge PMD agings flush the gather's only (zap 2, none uncertain)"
aging_without age_young "$DATA/whatif-age-young-pmd-612.txt" '{"zap": 2}' '{"zap": 3}' '{"zap": 2}'
ok $? "... no probe: no pmdp_invalidate point on 6.12 (zap 1..3; before 2..6)"
# MADV_FREE's gathered PTEs probed (whatif-age-free.txt, 6.1, hardware
# flag: tlbr:age_free, age_free=traced): a FREE with a hit flushed, one
# without did not, all certain (zap 2); without the metadata 1..3
aging_check "$DATA/whatif-age-free.txt" '{"zap": 2}' '{"zap": 2}' '{}'
ok $? "age_free: the FREEs the probe shows young or dirty flushed, the one it does not show did not (zap 2, none uncertain)"
aging_without age_free=traced "$DATA/whatif-age-free.txt" '{"zap": 2}' '{"zap": 3}' '{"zap": 2}'
ok $? "... not said planned and armed: as before (zap 1..3)"
# 6.12 MADV_FREE of a huge PMD (whatif-free-huge-612.txt):
# madvise_free_huge_pmd() invalidates it as 6.1's does (pmdp_invalidate),
# whatever 6.12's COLD does (before: zap 1, executed 2)
aging_check "$DATA/whatif-free-huge-612.txt" '{"zap": 2}' '{"zap": 2}' '{}'
ok $? "6.12 FREE of a dirty huge PMD: pmdp_invalidate's flush and the gather's (zap 2)"
# 6.1 PAGEOUT reclaims each PMD's folios before the next PMD's walk
# (whatif-age-pageout-pmds.txt): with the probe its aging waits for the
# return, where the second PMD's hit is in (before: zap 1..2)
aging_check "$DATA/whatif-age-pageout-pmds.txt" '{"zap": 2, "reclaim": 4}' '{"zap": 2, "reclaim": 4}' '{}'
ok $? "6.1 PAGEOUT over two PMDs, a hit after the first reclaim: its aging at the return, certain (zap 2)"
# a record whose range no walk gathers (C's with end below addr: a corrupt
# record, or registers the probe misread) says some PTE was young, not
# where: C keeps the model's rule, uncertain (before: the record dropped,
# C taken as no hit: zap 1, certain, for 2 executed)
sed '/40.000026: age_young/s/end=0x104000/end=0x3000/' "$DATA/whatif-age-young.txt" > $TMP/age-bad.txt
aging_check $TMP/age-bad.txt '{"zap": 2}' '{"zap": 2}' '{"zap": 1}'
ok $? "age_young with a range no walk gathers: that COLD uncertain, not 'no hit' (zap 1..2, executed 2)"

# a contpte unfold inside a FREE (whatif-contpte-free.txt) is not the
# advice's own flush: the FREE still flushes the pages it cleaned (before:
# no point for them, 8 unsafe findings under every policy)
aging_check "$DATA/whatif-contpte-free.txt" '{"zap": 2}' '{"zap": 2}' '{}'
ok $? "6.12 FREE over part of a contpte block: the unfold's flush and the FREE's, 0 unsafe"

# MADV_FREE over a large folio whose first page a DONTNEED unmapped
# (whatif-free-large.txt): Debian's 6.1 madvise_free_pte_range stops at
# folio_estimated_sharers() != 1 and flushes nothing; 6.9 on splits the
# folio (the rule follows the kernel version; before: zap 3 on both)
aging_check "$DATA/whatif-free-large.txt" '{"zap": 2}' '{"zap": 2}' '{}'
ok $? "6.1 FREE stops at a large folio whose first page is unmapped: no point, as executed (zap 2)"
aging_612 whatif-free-large.txt '{"zap": 2}' '{"zap": 3}' '{}'
ok $? "on 6.12 the same FREE is a flush point (the folio is split there)"
# the same after a fork whose child exited (whatif-free-large-fork.txt): the
# first page's mapcount is 1 again, the walk goes on and flushes; the model
# cannot tell the child's mapping gone (COW-shared: uncertain, before: a
# certain stop, zap 2 < executed 3)
aging_check "$DATA/whatif-free-large-fork.txt" '{"zap": 3, "fork": 1, "exit": 1}' \
	'{"zap": 3, "fork": 1, "exit": 1}' '{"zap": 1}'
ok $? "6.1 FREE of a COW-shared large folio: whether the walk stops is unknown: zap 2..3 (executed 3)"

# process_madvise (whatif-process-madvise.txt): the madv/madv_r probes on
# do_madvise stand for a madvise call where no madvise syscall is traced
# (process_madvise calls do_madvise per iovec), so its COLD and PAGEOUT get
# the madvise rules; inside a madvise syscall they add nothing; another
# process's address space is not this task's (before: A's and B's zap
# flushes predicted by nothing: the qemu suite's 6.1 sng-madvise fault 6/2)
"$TLBREPLAY" what-if --json --force -p arm64-broadcast,oracle "$DATA/whatif-process-madvise.txt" > $TMP/pm.json
python3 - $TMP/pm.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["checks"]["tlbi_broadcast_ops_by_site"] == {"zap": 2, "reclaim": 1}, d["checks"]
p = {x["name"]: x for x in d["policies"]}
b = p["arm64-broadcast"]
assert b["by_site"] == {"zap": 3, "reclaim": 1}, b["by_site"]
assert b["by_site_uncertain"] == {"zap": 1}, b["by_site_uncertain"]
assert b["unsafe"] == 0 and p["oracle"]["unsafe"] == 0
PY
ok $? "process_madvise COLD/PAGEOUT: do_madvise's probes give 3 zap points, 1 uncertain (executed 2), and 1 reclaim; none doubled in a madvise syscall, none for another mm"

# fault-around in a PROT_WRITE-only shmem mapping, and what mprotect's count
# of changed PTEs (chprot_r) says of its pages (whatif-fault-around-count.txt):
# the maybe page it changed was mapped, those of a range with pages=0 were
# not (before: fault-around skipped for want of PROT_READ, zap 1 predicted
# for 2; with it but no count, mprotect 1..2 and zap 1..2)
census_case whatif-fault-around-count.txt '{"mprotect": 1, "zap": 2}'
ok $? "fault-around without PROT_READ, resolved by mprotect's PTE count: mprotect 1, zap 2 as executed, none uncertain"

# fault-around as the recording traced it (whatif-fault-around-traced.txt:
# tlbr:map_ptes, metadata fault_around=traced): the page set_pte_range
# mapped is present, those of the window it did not name were not mapped
# (before, and without the metadata: every one a maybe page, zap 3..4)
aging_check whatif-fault-around-traced.txt '{"zap": 3}' '{"zap": 3}' '{}'
ok $? "fault-around traced: the pages it mapped and no other (zap 3 as executed, none uncertain)"
# reclaim of MADV_FREE'd pages (whatif-lazyfree-restore.txt): try_to_unmap_one
# puts back the PTE of a lazyfree folio redirtied unseen (a GUP write) or
# referenced, after its flush: the munmap after it flushes that page
# (before: the page gone for good, zap 1 predicted for 2 executed)
aging_check whatif-lazyfree-restore.txt '{"zap": 2, "reclaim": 2}' '{"zap": 2, "reclaim": 2}' '{"zap": 1}'
ok $? "a reclaimed MADV_FREE page may be put back: the zap after it uncertain (zap 1..2, executed 2)"
# MADV_COLD over a huge PMD (whatif-thp-cold.txt): a young one the range
# covers whole is invalidated at once (pmdp_invalidate), a flush beside the
# gather's; an old one (software Access flag) is not (before: zap 1 for 2)
aging_check whatif-thp-cold.txt '{"zap": 2}' '{"zap": 2}' '{}'
ok $? "COLD over a young huge PMD: its pmdp_invalidate and the gather's flush (zap 2 as executed), nothing for it old"
# PAGEOUT of it (whatif-thp-pageout.txt): the walk's aging comes before
# reclaim's split of the folio (before: the split first, the aging then
# found no huge PMD: zap 1..2 for 3)
aging_check whatif-thp-pageout.txt '{"zap": 3}' '{"zap": 3}' '{}'
ok $? "PAGEOUT over a young huge PMD: the aging's pmdp_invalidate, reclaim's split and the gather (zap 3 as executed)"
aging_without fault_around=traced whatif-fault-around-traced.txt '{"zap": 3}' '{"zap": 4}' '{"zap": 2}'
ok $? "fault-around not traced: its window's pages stay maybe (zap 3..4, 2 uncertain)"

# a zap of pages the trace never showed (whatif-zap-unseen.txt, derived
# there): in an address space older than the trace the kernel flushed
# them (census zap 2) but the model has no page there, so no flush point
# checks any policy: unchecked 1, said beside the verdict; an exec'd mm's
# zap of an untouched page flushes nothing and is not counted (before: no
# count, local-only's 1 unsafe finding the only word on safety)
"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle "$DATA/whatif-zap-unseen.txt" > $TMP/zu.json
python3 - $TMP/zu.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["checks"]["tlbi_broadcast_ops_by_site"] == {"zap": 2}, d["checks"]
assert d["checks"].get("unchecked_flushes") == 1, d["checks"]
p = {x["name"]: x for x in d["policies"]}
assert p["arm64-broadcast"]["by_site"] == {"zap": 1}, p["arm64-broadcast"]["by_site"]
assert p["arm64-broadcast"]["unsafe"] == 0 and p["oracle"]["unsafe"] == 0
PY
ok $? "a zap of pages the trace never showed, in an mm older than the trace: 1 flush unchecked (JSON)"
"$TLBREPLAY" what-if -p arm64-broadcast "$DATA/whatif-zap-unseen.txt" | tr -s ' \n' '  ' |
	grep -q "unchecked over 1 flush of pages the trace never showed .* safe on what the trace shows, not safe"
ok $? "... and the text says so beside the checks: safe on what the trace shows"
# a zap of a range the model knows part of, in an address space older than the trace
# (whatif-zap-partial.txt, derived there): the unseen pages get a stand-in, the point covers
# them (before: "1 0 1 0", the broadcast certainly avoidable, 1 TLBI, local-only safe)
"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle,local-only "$DATA/whatif-zap-partial.txt" > $TMP/zp.json
got=$(python3 -c "import json; p={p['name']: p for p in json.load(open('$TMP/zp.json'))['policies']}
b=p['arm64-broadcast']; print(b['avoidable'], b['ops']['tlbi_is'], p['local-only']['unsafe'], p['oracle']['unsafe'], b['unsafe'], b['broadcasts_uncertain'], p['oracle']['local'])")
[ "$got" = "0 2 1 0 0 0 1" ]
ok $? "a zap of a partly known range: not certainly avoidable, 2 TLBIs (the census's), local-only unsafe (got $got, want 0 2 1 0 0 0 1)"
# the count after lost events, or without reclaim's unmaps traced
# (whatif-fault-around-gap.txt, derived there): a sure page may be gone
# unseen, so "the count of the sure pages" does not prove the maybe page
# unmapped: not dropped, CPU 1 may keep it (before: dropped, the mprotect's
# broadcast certainly avoidable, local-only safe)
fa_gap() {	# fa_gap TRACE AVOIDABLE LOCAL-ONLY-UNSAFE
	"$TLBREPLAY" what-if --json --force -p arm64-broadcast,local-only,oracle "$1" > $TMP/fg.json
	python3 - $TMP/fg.json "$2" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["name"]: x for x in d["policies"]}
got = (p["arm64-broadcast"]["avoidable"], p["local-only"]["unsafe"], p["oracle"]["unsafe"])
assert got == (int(sys.argv[2]), int(sys.argv[3]), 0), got
PY
}
fa_gap "$DATA/whatif-fault-around-gap.txt" 2 1
ok $? "mprotect's count after lost events: the maybe page kept, the broadcast not certainly avoidable, local-only unsafe"
grep -v '^CPU:0 \[LOST' "$DATA/whatif-fault-around-gap.txt" > $TMP/fg-nogap.txt
fa_gap $TMP/fg-nogap.txt 3 0
ok $? "without the gap the count settles it: 3 certainly avoidable, local-only safe"
sed 's/plan_missing=none/plan_missing=tlbr:unmap_one/' $TMP/fg-nogap.txt > $TMP/fg-noprobe.txt
fa_gap $TMP/fg-noprobe.txt 2 1
ok $? "without tlbr:unmap_one in the recording the count does not settle it either"
# fault-around's window is the kernel's VMA, which mprotect merged back
# (whatif-fault-around-merge.txt: vma_merge; the model keeps the pieces):
# the cached page across the model's VMA boundary may be mapped, and
# mprotect's count proves it (before: zap 1 predicted for 2)
census_case whatif-fault-around-merge.txt '{"mprotect": 1, "zap": 2}'
ok $? "fault-around across VMAs mprotect merged back: mprotect 1, zap 2 as executed"
# two threads' gathers at once (whatif-gather-nested.txt): tlb_finish_mmu
# flushes the whole mm where another gather of it is open
# (mm_tlb_flush_nested), even one that cleared nothing (before: zap 2
# predicted, 4 executed; the qemu suite's 6.1 usemem: zap 3 executed, 1);
# one whose thread was switched out past its tlb_finish_mmu probe may
# still be pending: uncertain (before: 3, E's flush unpredicted)
uncertain_case whatif-gather-nested.txt '{"zap": 4}' '{"zap": 4}' '{"zap": 1}'
ok $? "nested gathers: tlb_finish_mmu flushes the mm while another thread's gather is open, maybe where that thread was preempted in its tlb_finish_mmu (zap 4, 1 uncertain, as executed)"
# such an uncertain point changes no PTE either way, and drops no entry
# (whatif-nested-maybe-held.txt): where the kernel did not flush, CPU 1
# still holds the writable entry of 0x300000 that C makes read-only, so C's
# broadcast is not certainly avoidable and local-only is unsafe there
# (before: B's point flushed CPU 1's entry, C "certainly avoidable")
"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle,local-only \
	whatif-nested-maybe-held.txt > $TMP/nm.json
python3 - $TMP/nm.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["name"]: x for x in d["policies"]}
b = p["arm64-broadcast"]
got = (b["broadcasts"], b["broadcasts_uncertain"], b["avoidable"], b["unsafe"],
       p["oracle"]["unsafe"], p["local-only"]["unsafe"])
assert got == (3, 1, 0, 0, 0, 2), got
PY
ok $? "an uncertain nested-gather flush keeps the CPUs' entries: the mprotect after it not certainly avoidable, local-only unsafe there"
# the same with each gather traced from tlb_gather_mmu to tlb_finish_mmu's
# return (whatif-gather-traced.txt, metadata gathers=traced): the count
# mm_tlb_flush_nested() tests, nothing uncertain, and a gather counted
# before its zap_vma (before: 3..5, E and G uncertain, H missed); without
# the metadata line the events still open gathers and end tails, but a
# thread switched out past its tlb_finish_mmu probe is not known to be
# before the return: E uncertain (4..5)
uncertain_case whatif-gather-traced.txt '{"zap": 5}' '{"zap": 5}' '{}'
ok $? "nested gathers traced: each one counted from tlb_gather_mmu to tlb_finish_mmu's return (zap 5, none uncertain, as executed)"
grep -v "gathers=traced" whatif-gather-traced.txt > $TMP/gather-untraced.txt
uncertain_case $TMP/gather-untraced.txt '{"zap": 5}' '{"zap": 5}' '{"zap": 1}'
ok $? "... and without gathers=traced, E is uncertain (zap 4..5)"
# fork does not copy a shared anonymous mapping's page table
# (whatif-fork-shared.txt: copy_page_range, vma_needs_copy() false without
# an anon_vma): the child's mprotect of it changes no PTE and flushes nothing
# (before: the child had the parent's page, mprotect 2 predicted where 1 was
# executed; the qemu suite's sng-tlb-shootdown: 779/777 on 6.1, 747/745 on 6.12)
census_case whatif-fork-shared.txt '{"mprotect": 1, "fork": 1, "exit": 1}'
ok $? "fork: a shared anonymous mapping's PTEs are not copied: the child's mprotect of it flushes nothing (mprotect 1, fork 1, exit 1)"
# and the child's write to one is a fault on a not-present PTE, not a
# spurious fault on a present writable one (the self-check's line; the
# arm64-stress-ng sample's 7 "spurious" before 7464269 were such writes)
python3 - $TMP/case.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["checks"]
assert (c["write_faults_present"], c["spurious_observed"]) == (0, 0), c
PY
ok $? "fork: the child's write to a shared anonymous page is a new PTE (0 write faults on present pages, 0 spurious)"
# a census site whose kprobe the kernel refused (record/census.c tries six
# instructions, then gives up) counts nothing: the check says which
# broadcast ones (6.12: move_page_tables+0x590, move_normal_pmd's flush),
# not a DSB, not the hypervisor's EL2 code
sed '/tlbreplay-tlbi 3 /a\
        prog-720   [000] .....    70.000005: tracing_mark_write: tlbreplay-tlbi 4 call broadcast move_page_tables+0x590 calls __flush_tlb_range_nosync.constprop.0 the kernel refused the kprobe: [    7.376763] trace_kprobe: error: Failed to register probe\
        prog-720   [000] .....    70.000005: tracing_mark_write: tlbreplay-tlbi 5 dsb broadcast madvise_pageout+0x254 the kernel refused the kprobe: [    7.492452] trace_kprobe: error: Failed to register probe\
        prog-720   [000] .....    70.000005: tracing_mark_write: tlbreplay-tlbi 6 call broadcast __kvm_nvhe_stage2_unmap_walker+0xc8 calls __kvm_nvhe___kvm_tlb_flush_vmid_ipa the kernel refused the kprobe' \
	whatif-fork-shared.txt > $TMP/refused.txt
"$TLBREPLAY" what-if --json -p arm64-broadcast $TMP/refused.txt > $TMP/refused.json
"$TLBREPLAY" what-if -p arm64-broadcast $TMP/refused.txt > $TMP/refused.out
python3 - $TMP/refused.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["checks"]
assert (c["tlbi_unprobed_broadcast_sites"], c["tlbi_unprobed_at"]) == (1, "move_page_tables+0x590"), c
assert c["tlbi_broadcast_ops_by_site"] == {"mprotect": 1, "fork": 1, "exit": 1}, c
PY
ok $? "census: a broadcast site the kernel refused a kprobe for is named (not a DSB, not EL2 code)"
grep_file "census: the text check names it" "^            (move_page_tables+0x590): the flushes there are not in" $TMP/refused.out

# the same site probed after the call (whatif-tlbi-after-call.txt: 6.12.118's
# move_page_tables+0x590 at +0x5ac): a flush only where x30 is the call's
# return address; the other way to +0x5ac is not one (before: blind, mremap
# 1 executed of 2; counting every event there: 3)
census_case whatif-tlbi-after-call.txt '{"mremap": 2}'
ok $? "census: a refused call probed after it counts where x30 is its return address (mremap 2 executed, 2 predicted)"
python3 - $TMP/case.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["checks"]
assert c.get("tlbi_unprobed_broadcast_sites", 0) == 0, c
PY
ok $? "census: a call probed after it is not blind"

# mprotect over a VMA that has the protection already (whatif-mprotect-same.txt:
# mprotect_fixup returns at once, newflags == oldflags): its PTEs stay as
# they are (before: a shared page fault-around mapped writable was taken as
# made read-only: mprotect 1 uncertain predicted, none executed; the qemu
# suite's 6.1 sng-mprotect: 1 unsafe finding for arm64-broadcast and oracle)
census_case whatif-mprotect-same.txt '{"exit": 1}'
ok $? "mprotect: a VMA with the protection already keeps its PTEs (exit 1 as executed, nothing unsafe)"

# PMD splits (whatif-thp-split.txt): __split_huge_pmd flushes only a huge PMD
# (split_huge_pmd_address calls it for every unaligned VMA boundary): none
# where the replay saw the address space born and no page there, one for a
# huge page, an uncertain one where it has small pages or the address space
# is older than the trace (before: 6 mprotect flushes predicted, 2 executed)
"$TLBREPLAY" what-if --json --force -p arm64-broadcast,oracle whatif-thp-split.txt > $TMP/split.json
python3 - $TMP/split.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["checks"]["tlbi_broadcast_ops_by_site"] == {"mprotect": 2}, d["checks"]
p = {x["name"]: x for x in d["policies"]}
b = p["arm64-broadcast"]
assert b["by_site"] == {"mprotect": 4} and b["by_site_uncertain"] == {"mprotect": 2}, b
assert b["unsafe"] == 0 and p["oracle"]["unsafe"] == 0
PY
ok $? "splits: none where nothing is mapped, one for a huge page, uncertain where the replay cannot know (2..4, executed 2)"

# the same splits where the recording read the PMD each one found
# (whatif-thp-split-pmd.txt: thp_split's pmd): none or a page table, no
# flush; a valid block, the flush, certain; an invalid non-zero entry
# (PROT_NONE) left to the replay (before, without the field: 2..6)
uncertain_case whatif-thp-split-pmd.txt '{"mprotect": 4}' '{"mprotect": 4}' '{"mprotect": 1}'
ok $? "splits with the PMD read at the call: it decides (3..4, executed 4; without it 2..6)"

# munmap of shared memory (whatif-zap-shared.txt): zap_pte_range flushes at
# the end of each page table that had a dirty page that is not anonymous
# (force_flush); a shared page the trace saw only read may be dirty: an
# uncertain point, and so is a resched inside the zap (before: 6 predicted,
# one per VMA and page-table free)
"$TLBREPLAY" what-if --json --force -p arm64-broadcast,oracle whatif-zap-shared.txt > $TMP/zs.json
python3 - $TMP/zs.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["checks"]["tlbi_broadcast_ops_by_site"] == {"zap": 8}, d["checks"]
p = {x["name"]: x for x in d["policies"]}
b = p["arm64-broadcast"]
assert b["by_site"] == {"zap": 9} and b["by_site_uncertain"] == {"zap": 2}, b
assert b["unsafe"] == 0 and p["oracle"]["unsafe"] == 0
PY
ok $? "shared memory's zap: a flush per page table with a dirty page, one uncertain for a page seen only read, one for a resched in the zap (7..9, executed 8)"
# without the hardware dirty state (access_flag=software: no FEAT_HAFDBS),
# a shared page an address space born in the trace only read is clean
# (a write would have faulted: handle_pte_fault's pte_mkdirty): B's first
# page table forces no flush (before: an uncertain point, 7..9)
sed 's/^\(.*\)tlbreplay-meta v1 \(.*\)$/&\n\1tlbreplay-meta access_flag=software/' \
	whatif-zap-shared.txt > $TMP/zs-sw.txt
aging_check $TMP/zs-sw.txt '{"zap": 8}' '{"zap": 8}' '{"zap": 1}'
ok $? "shared memory's zap, access_flag=software: a page only read is clean, no point for its page table (7..8, executed 8)"
aging_without sched_process_exec $TMP/zs-sw.txt '{"zap": 8}' '{"zap": 9}' '{"zap": 2}'
ok $? "shared memory's zap, access_flag=software, an address space older than the trace: its PTEs may predate it, dirty (7..9)"
sed '/addr=0x40400000 flags=0x254/a CPU:0 [LOST 5 EVENTS]' $TMP/zs-sw.txt > $TMP/zs-lost.txt
aging_check $TMP/zs-lost.txt '{"zap": 8}' '{"zap": 9}' '{"zap": 2}'
ok $? "shared memory's zap, access_flag=software, events lost after the read: a write may be among them (7..9)"
done_testing
