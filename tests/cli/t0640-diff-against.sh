#!/bin/sh
# tlbreplay diff --against (issue 19): a program traced on x86 predicts
# what an arm64 kernel executes, beside the same program's arm64 trace and
# its TLBI census, per flush site and per operation counted in the traces,
# and the seed policies' savings replayed on both. The hand-written traces
# (tests/data/diff-against-*.txt) derive every number in their headers.
. "$SRCDIR/tests/lib.sh"

cd "$DATA" || exit 1
X=diff-against-x86.txt
A=diff-against-arm64.txt

expect_cmd "x86 predicts, arm64 counts" "$TLBREPLAY" diff --against $X -- $A
unversion "$TMP/out" > "$TMP/g"
same_file "golden" diff-against.expect "$TMP/g"
awk 'length > 80 { bad = 1 } END { exit bad }' "$TMP/out"
ok $? "text lines are at most 80 columns"

"$TLBREPLAY" diff --against --format csv $X -- $A > "$TMP/c"
[ "$(field $TMP/c wp-reuse 2) $(field $TMP/c wp-reuse 3) $(field $TMP/c wp-reuse 4) $(field $TMP/c wp-reuse 6) $(field $TMP/c wp-reuse 7) $(field $TMP/c wp-reuse 9) $(field $TMP/c wp-reuse 19)" = "wf reused 1 1 1 1 0.00 rule" ]
ok $? "wp-reuse: per write fault reused, 1 predicted in 1, 1 counted in 1: +0% by construction: rule, not a hit"
[ "$(field $TMP/c wp-reuse/wf 2) $(field $TMP/c wp-reuse/wf 3) $(field $TMP/c wp-reuse/wf 4) $(field $TMP/c wp-reuse/wf 6) $(field $TMP/c wp-reuse/wf 7) $(field $TMP/c wp-reuse/wf 9) $(field $TMP/c wp-reuse/wf 19) / $(field $TMP/c cow 19) $(field $TMP/c cow/wf 9)" = "wr fault 1 4 1 3 -25.00 few / few 50.00" ]
ok $? "the count per user write fault: wp-reuse 1 in 4 against 1 in 3: -25%; cow per fault copied +100% is the rule broken, judged as any site (few), its count 2/4 against 1/3: +50%"
[ "$(field $TMP/c mprotect 3) $(field $TMP/c mprotect 4) $(field $TMP/c mprotect 6) $(field $TMP/c mprotect 7) $(field $TMP/c mprotect 9)" = "1 1 2 2 0.00" ]
ok $? "mprotect: 1 in 1 call predicted, 2 in 2 counted: the same per call"
[ "$(field $TMP/c exit 3) $(field $TMP/c exit 6) $(field $TMP/c exit 11)" = "3 3 exit_mmap" ]
ok $? "exit: arm64 flushes at each of the 3 exit_mmap, x86 showed none: predicted 3, counted 3"
[ "$(field $TMP/c cow 3) $(field $TMP/c cow 4) $(field $TMP/c cow 6) $(field $TMP/c cow 7) $(field $TMP/c cow 9)" = "2 1 1 1 100.00" ]
ok $? "cow: per write fault copied, 2 predicted in 1 (the child's tid write before it returns from clone is a COW, its kernel-mode fault not in this x86 trace), 1 counted in 1 (the arm64 trace has it: its page unseen until the clear_flush): +100%"
[ "$(field $TMP/c all 3) $(field $TMP/c all 6)" = "9 9" ]
ok $? "in all 9 predicted, 9 counted"
[ -z "$(field $TMP/c zap:tables 3)" ]
ok $? "no page table freed on either side: no zap:pages or zap:tables row"

# the same munmap alone in its 2 MiB on arm64 (busybox sort's buffer):
# tlb_finish_mmu's table flush apart (tests/data/diff-against-tables-arm64.txt)
"$TLBREPLAY" diff --against --format csv $X -- diff-against-tables-arm64.txt > "$TMP/tb"
[ "$(field $TMP/tb zap 3) $(field $TMP/tb zap 6) $(field $TMP/tb zap 9) / $(field $TMP/tb zap:pages 3) $(field $TMP/tb zap:pages 4) $(field $TMP/tb zap:pages 6) $(field $TMP/tb zap:pages 7) $(field $TMP/tb zap:pages 9) / $(field $TMP/tb zap:tables 3) $(field $TMP/tb zap:tables 6) $(field $TMP/tb zap:tables 9) / $(field $TMP/tb all 3) $(field $TMP/tb all 6)" = "1 2 -50.00 / 1 1 1 1 0.00 / 0 1 -100.00 / 9 10" ]
ok $? "a table freed on arm64 only: zap 1 against 2 per munmap (-50%); apart, zap:pages 1 against 1 (+0%), zap:tables 0 against 1 (the layout)"
"$TLBREPLAY" diff --against $X -- diff-against-tables-arm64.txt | tr '\n' ' ' | tr -s ' ' | grep -q "tables: 1 of AFTER's zap broadcasts"
ok $? "the note tables says the layout"
"$TLBREPLAY" diff --against --json $X -- diff-against-tables-arm64.txt > "$TMP/tj"
# zap:tables per unmap call that freed tables (each side's own: x86 the
# model's, arm64 the gathers with freed_tables), zap:tbl/call per unmap call:
# x86 freed none here, so there is nothing to judge per such call ("-"), and
# the count per unmap call 0/1 against 1/1 (-100%, few) is the layout
[ "$(field $TMP/tb zap:tables 19) $(field $TMP/tb zap:tbl/call 3) $(field $TMP/tb zap:tbl/call 4) $(field $TMP/tb zap:tbl/call 6) $(field $TMP/tb zap:tbl/call 7) $(field $TMP/tb zap:tbl/call 9) $(field $TMP/tb zap:tbl/call 19)" = "- 0 1 1 1 -100.00 few" ]
ok $? "zap:tables: BEFORE freed no table: nothing to judge per call that freed one (-); zap:tbl/call 0 in 1 unmap call against 1 in 1 (-100%, few)"
# a page table that moved with an mremap, then freed (tests/data/x86-mremap-tables.txt,
# zap-churn -H's last munmap on x86): the model gives the new address the
# table the old PMD had (move_page_tables: get_old_pmd, alloc_new_pmd,
# pte_alloc), though it knows no page the move moved (an x86 trace shows a
# huge page as one fault): the munmap there frees it
"$TLBREPLAY" diff --against --format csv x86-mremap-tables.txt -- diff-against-tables-arm64.txt > "$TMP/mt"
[ "$(field $TMP/mt zap 3) $(field $TMP/mt zap 4) / $(field $TMP/mt zap:tables 2) $(field $TMP/mt zap:tables 3) $(field $TMP/mt zap:tables 4) $(field $TMP/mt zap:tables 6) $(field $TMP/mt zap:tables 7) $(field $TMP/mt zap:tables 9) $(field $TMP/mt zap:tables 19) / $(field $TMP/mt zap:tbl/call 3) $(field $TMP/mt zap:tbl/call 4) $(field $TMP/mt zap:tbl/call 9)" = "3 2 / table call 1 1 1 1 0.00 rule / 1 2 -50.00" ]
ok $? "a moved page table freed: zap 3 in 2 munmaps, zap:tables 1 in 1 call that freed tables against 1 in 1 (+0%, rule), zap:tbl/call 1 in 2 against 1 in 1 (-50%)"
"$TLBREPLAY" diff --against x86-mremap-tables.txt -- diff-against-tables-arm64.txt | tr '\n' ' ' | tr -s ' ' | grep -q "flush) in 1 unmap calls, 1 of BEFORE's (where the model says the unmap freed a PTE page: no other mapping in the 2 MiB) in 1;"
ok $? "the note tables gives the calls that freed tables on each side"
# a transparent huge page on x86, told by its allocation (tests/data/x86-thp-alloc.txt:
# kmem:mm_page_alloc of order 9 with a THP gfp in the fault): the fault maps
# the whole 2 MiB (do_huge_pmd_anonymous_page), and the last munmap's VMA
# flush of the huge page's other pages is predicted; not an allocation that
# failed, the page cache's, a second one in the fault, nor one in a fault
# whose 2 MiB the model had a page in (pmd not none: unpaired). Without the
# event, as before: the fault's one page
grep -v mm_page_alloc x86-thp-alloc.txt > "$TMP/nothp.txt"
"$TLBREPLAY" stat x86-thp-alloc.txt > "$TMP/hs"
grep_file "x86 THP: stat counts the faults with a huge-page allocation" "^Huge pages  2 huge faults," "$TMP/hs"
"$TLBREPLAY" stat "$TMP/nothp.txt" > "$TMP/hn"
grep_file "x86 without kmem:mm_page_alloc: stat says what is lost" "without it: a transparent huge page shows as one fault" "$TMP/hn"
for f in x86-thp-alloc.txt "$TMP/nothp.txt"; do
	"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle "$f"
	"$TLBREPLAY" diff --against --json "$f" -- diff-against-tables-arm64.txt
done > "$TMP/hj"
python3 - "$TMP/hj" <<'PY'
import json, sys
dec, txt, docs = json.JSONDecoder(), open(sys.argv[1]).read(), []
while txt.strip():
    d, k = dec.raw_decode(txt.lstrip()); docs.append(d); txt = txt.lstrip()[k:]
for (wi, da), zap, mapped, traced, unpaired in (((docs[0], docs[1]), 4, 1, 1, 1), ((docs[2], docs[3]), 3, 0, 0, 0)):
    p = {x["name"]: x for x in wi["policies"]}
    b = p["arm64-broadcast"]
    assert (b["broadcasts"], b["by_site"]) == (zap + 1, {"zap": zap, "exit": 1}), b
    assert b["unsafe"] == 0 and p["oracle"]["unsafe"] == 0, p
    s = da["before"]
    assert (s["huge_mapped"], s["huge_allocs_traced"], s["huge_allocs_unpaired"]) == (mapped, traced, unpaired), s
PY
ok $? "x86 THP by its allocation: arm64-broadcast zap 4 (the huge page's other pages' VMA flush), 1 huge PMD mapped, 1 allocation unpaired; without the event zap 3, none"
# x86 huge pages after a PMD split and a fork (tests/data/x86-thp-reuse.txt):
# a syscall ending inside a huge PMD splits it (x86 shows no split), and a
# write-fault reuse of a huge PMD makes all its pages writable (x86 flushes
# nothing): the second mprotect changes nothing, the first one's change is
# a flush oracle needs
"$TLBREPLAY" what-if --json -p arm64-broadcast,oracle x86-thp-reuse.txt > "$TMP/hr"
python3 - "$TMP/hr" <<'PY'
import json, sys
p = {x["name"]: x for x in json.load(open(sys.argv[1]))["policies"]}
b, o = p["arm64-broadcast"], p["oracle"]
assert (b["by_site"]["wp-reuse"], b["by_site"]["mprotect"]) == (2, 3), b["by_site"]
assert b["by_site_uncertain"]["mprotect"] == 1, b["by_site_uncertain"]
assert (o["flush_points"], o["skipped"]) == (11, 7), o
assert b["unsafe"] == 0 and o["unsafe"] == 0, p
PY
ok $? "x86 THP split and reuse: wp-reuse 2 (the huge PMD's, one page's), mprotect 2 + 1 uncertain (where the split PMD's PTE stayed read-only unless the fork left it writable, a pinned page: copy_present_page()), oracle skips 7 of 11"

# an x86 MADV_COLD flush of pages an MADV_FREE's batched large folio split
# put back (tests/data/x86-cold-after-split.txt): arm64 6.12 made no such
# flush in the guest, cause not pinned: for 6.8+ an uncertain point (was
# certain); for 6.1 certain, as before, and 6.1's split is the COLD's (the
# MADV_FREE's walk stopped at the folio, whose first page the DONTNEED
# unmapped: folio_estimated_sharers() 0): 384 certain flushes at site fault,
# none at the FREE, whose gather met no page before the folio (was 3 and
# the gather uncertain)
for k in 6.12 6.1; do
	"$TLBREPLAY" what-if --json --arm64-kernel $k -p arm64-broadcast x86-cold-after-split.txt
done > "$TMP/cs"
python3 - "$TMP/cs" <<'PY'
import json, sys
dec, txt, docs = json.JSONDecoder(), open(sys.argv[1]).read(), []
while txt.strip():
    d, k = dec.raw_decode(txt.lstrip()); docs.append(d); txt = txt.lstrip()[k:]
for d, bc, unc, zapu, fault in ((docs[0], 32, 1, 1, 0), (docs[1], 388, 0, 0, 384)):
    b = d["policies"][0]
    assert (b["broadcasts"], b["broadcasts_uncertain"], b["by_site_uncertain"].get("zap", 0)) == (bc, unc, zapu), b
    assert b["by_site"].get("fault", 0) == fault and b["unsafe"] == 0, b
PY
ok $? "x86 COLD after a batched folio split: 6.12 32 broadcasts, 1 uncertain (the COLD's; the split's 24 contpte unfolds certain); 6.1 388, none uncertain (the COLD's split 384 at fault, the FREE's none, its gather none)"
# the same with the DONTNEED over the last eighth: the folio's first page
# is mapped once, 6.1's MADV_FREE splits it (split_folio): x86's 3 split
# flushes are arm64's, certain, at site fault, and the gather's flush too;
# the COLD finds small folios (was: 4 uncertain)
sed 's/sys_madvise(start: 0x400000, len_in: 0x80000, behavior: 0x4)/sys_madvise(start: 0x580000, len_in: 0x80000, behavior: 0x4)/' x86-cold-after-split.txt > "$TMP/mid.txt"
"$TLBREPLAY" what-if --json --arm64-kernel 6.1 -p arm64-broadcast "$TMP/mid.txt" > "$TMP/cm1"
python3 - "$TMP/cm1" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["policies"][0]
assert (b["broadcasts"], b["broadcasts_uncertain"], b["by_site"]["fault"], b["skipped"], b["unsafe"]) == (8, 0, 3, 3, 0), b
PY
ok $? "x86 MADV_FREE split of a folio whose first page is mapped, for 6.1: 8 broadcasts, none uncertain, the split's 3 at fault"
# x86 mremap moves of a split huge page's PTEs (tests/data/x86-thp-mremap.txt):
# arm64 6.12 unfolds the 8 contpte blocks the first move takes (certain)
# and may fold them at the destination, and so the second move (uncertain:
# arm64's layout); 6.1 has no contpte; of an unknown version all uncertain
for k in 6.12 6.1 unknown; do
	"$TLBREPLAY" what-if --json --arm64-kernel $k -p arm64-broadcast x86-thp-mremap.txt
done > "$TMP/cm"
python3 - "$TMP/cm" <<'PY'
import json, sys
dec, txt, docs = json.JSONDecoder(), open(sys.argv[1]).read(), []
while txt.strip():
    d, k = dec.raw_decode(txt.lstrip()); docs.append(d); txt = txt.lstrip()[k:]
for d, mr, unc in ((docs[0], 26, 16), (docs[1], 2, 0), (docs[2], 26, 24)):
    b = d["policies"][0]
    assert (b["by_site"]["mremap"], b["by_site_uncertain"].get("mremap", 0)) == (mr, unc), b
    assert b["by_site"]["zap"] == 3 and b["unsafe"] == 0, b
PY
ok $? "x86 mremap of a split huge page's PTEs: arm64 6.12 mremap 26 (16 uncertain: the folds, and the unfolds of what may have folded), 6.1 2, unknown version 26 (24 uncertain)"
"$TLBREPLAY" what-if --arm64-kernel 6.12 -p arm64-broadcast x86-thp-mremap.txt | tr '\n' ' ' | tr -s ' ' | grep -q "multiple of 64 KiB on arm64's layout"
# a zap that starts and ends inside contpte blocks (tests/data/x86-thp-partial.txt):
# arm64 6.12 unfolds both edge blocks first (contpte_try_unfold_partial), one
# that covers whole blocks none; 6.1 has no contpte
for k in 6.12 6.1; do
	"$TLBREPLAY" what-if --json --arm64-kernel $k -p arm64-broadcast x86-thp-partial.txt > "$TMP/cp-$k"
done
python3 - "$TMP" <<'PY'
import json, sys
want = {"6.12": (6, 0, 5, 0), "6.1": (4, 0, 3, 0)}	# broadcasts, uncertain, zap, unsafe
for k, w in want.items():
    b = json.load(open("%s/cp-%s" % (sys.argv[1], k)))["policies"][0]
    assert (b["broadcasts"], b["broadcasts_uncertain"], b["by_site"]["zap"], b["unsafe"]) == w, (k, b)
PY
ok $? "x86 zap inside contpte blocks: arm64 6.12 6 broadcasts (the 2 edge blocks unfolded, certain), 6.1 4"
ok $? "what-if names why an mremap's contpte folds are uncertain"
"$TLBREPLAY" what-if --arm64-kernel 6.12 -p arm64-broadcast x86-cold-after-split.txt | tr '\n' ' ' | tr -s ' ' | grep -q "where the kernel runs with LPA2"
ok $? "what-if names why the COLD point after a batched split is uncertain"
# ... decided where the arm64 machine's LPA2 is known: 6.9-6.12 with LPA2
# (set_ptes' pte_mknoncont clears PTE bit 52, SWP_MIG_YOUNG there) make no
# such flush, without it they do; 6.8 (not read) stays uncertain, 6.1 as before
for a in "6.12 on" "6.12 off" "6.8 on" "6.1 on"; do
	set -- $a
	"$TLBREPLAY" what-if --json --arm64-kernel $1 --arm64-lpa2 $2 -p arm64-broadcast x86-cold-after-split.txt
done > "$TMP/lp"
python3 - "$TMP/lp" <<'PY'
import json, sys
dec, txt, docs = json.JSONDecoder(), open(sys.argv[1]).read(), []
while txt.strip():
    d, k = dec.raw_decode(txt.lstrip()); docs.append(d); txt = txt.lstrip()[k:]
got = [(d["policies"][0]["broadcasts"], d["policies"][0]["broadcasts_uncertain"]) for d in docs]
assert got == [(31, 0), (32, 0), (8, 2), (388, 0)], got
PY
ok $? "--arm64-lpa2: 6.12 with LPA2 31 broadcasts, none uncertain (no COLD flush), without 32, none; 6.8 8, 2 uncertain (the COLD one of them); 6.1 388, none"
# diff --against takes LPA2 from AFTER's user PTEs (ubc_pending's pte: the
# shareability bits 9:8 zero, tests/data/diff-against-lpa2-arm64.txt);
# --arm64-lpa2 overrides it
"$TLBREPLAY" diff --against --json x86-cold-after-split.txt -- diff-against-lpa2-arm64.txt > "$TMP/l1"
"$TLBREPLAY" diff --against --json --arm64-lpa2 off x86-cold-after-split.txt -- diff-against-lpa2-arm64.txt > "$TMP/l2"
"$TLBREPLAY" diff --against --json x86-cold-after-split.txt -- whatif-batch-marks.txt > "$TMP/l3"
python3 - "$TMP/l1" "$TMP/l2" "$TMP/l3" <<'PY'
import json, sys
got = []
for p in sys.argv[1:]:
    d = json.load(open(p))
    s = {r["site"]: r for r in d["sites"]}
    got.append((d["before"]["arm64_kernel_from"], s["all"]["predicted"], s["all"]["predicted_uncertain"]))
assert got[0] == ("Linux 6.12, from AFTER's kernel 6.12, LPA2 on (AFTER's user PTEs)", 31, 0), got
assert got[1] == ("Linux 6.12, from AFTER's kernel 6.12, LPA2 off (--arm64-lpa2)", 32, 0), got
assert got[2] == ("Linux 6.12, from AFTER's kernel 6.12", 32, 1), got
PY
ok $? "diff --against: LPA2 on from AFTER's PTEs (BEFORE 31), off by --arm64-lpa2 (32), unknown without the PTEs (32)"
python3 - "$TMP/l1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert [n["key"] for n in d["notes"] if "multi-size THP" in n["text"]] == ["thp"], d["notes"]
PY
ok $? "diff --against says multi-size THP is not recorded where BEFORE (x86) has its huge pages' allocations"
"$TLBREPLAY" diff --against --json $X -- $A > "$TMP/j"
python3 - "$TMP/j" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "tlbreplay-diff-against" and d["version"] == 1
assert d["predicted_by"] == "arm64-broadcast"
assert d["after"]["tlbi_census_events"] > 0 and d["before"]["tlbi_census_events"] == 0
ops = {r["operation"]: (r["before"], r["after"]) for r in d["operations"]}
assert ops["fork"] == (1, 1) and ops["exit_mmap"] == (3, 3) and ops["mprotect call"] == (1, 2), ops
assert ops["write fault"] == (4, 3), ops
sv = {r["policy"]: r for r in d["savings"]}
assert sv["wp-local"]["before_broadcasts"] == 8 and sv["wp-local"]["after_broadcasts"] == 8
assert sv["active-cpu"]["before_broadcasts"] == 6 and sv["active-cpu"]["after_broadcasts"] == 6
assert sv["wp-local+active-cpu"]["before_broadcasts"] == 5 and sv["wp-local+active-cpu"]["difference_pp"] == 0
keys = [n["key"] for n in d["notes"]]
assert "operations" in keys and "wp-reuse" in keys, keys
PY
ok $? "json: sides, operations, savings (wp-local 8 and 8, active-cpu 6 and 6), notes"

# x86-ipi makes none of the flushes only arm64 has (the reuse, the exit_mmap),
# arm64-broadcast none of x86's own (its exit flush)
"$TLBREPLAY" what-if --json -p arm64-broadcast,x86-ipi $X > "$TMP/w"
python3 - "$TMP/w" <<'PY'
import json, sys
p = {x["name"]: x for x in json.load(open(sys.argv[1]))["policies"]}
b = p["arm64-broadcast"]
assert b["by_site"]["exit"] == 4 and b["skipped"] == 1 and b["broadcasts"] == 9, b
assert b["by_site"]["cow"] == 2 and "unknown" not in b["by_site"]
assert p["x86-ipi"]["local"] == 6 and p["x86-ipi"]["skipped"] == 4, p["x86-ipi"]
PY
ok $? "exit: arm64-broadcast one flush per exit_mmap (3), not x86's exit flush (4 points, 1 skipped); x86-ipi 6 local, 4 skipped; the child's flush is a COW"

# x86's flushes inside mremap: the cut tail's unmap is zap, the move mremap
# (tests/data/x86-mremap-shrink.txt)
"$TLBREPLAY" stat --json x86-mremap-shrink.txt > "$TMP/m"
python3 - "$TMP/m" <<'PY'
import json, sys
s = {r["site"]: r["local"] for r in json.load(open(sys.argv[1]))["flushes"]["by_site"]}
assert s == {"zap": 3, "mremap": 1}, s
PY
ok $? "mremap: the three tail unmaps are zap (a shrink without MREMAP_FIXED only unmaps, whatever its pages), the move mremap"

# x86's faults of kernel mode on user addresses (exceptions:page_fault_kernel,
# tests/data/x86-kfault-syscall.txt): a one-page flush after one in a syscall
# is that page's COW, not the syscall's site; a kernel write no flush follows
# is a reuse arm64 flushes; a kernel address is left out
"$TLBREPLAY" stat --json x86-kfault-syscall.txt > "$TMP/k"
"$TLBREPLAY" what-if --json -p arm64-broadcast x86-kfault-syscall.txt > "$TMP/kw"
python3 - "$TMP/k" "$TMP/kw" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
st = {r["site"]: r["local"] for r in s["flushes"]["by_site"]}
assert st == {"cow": 1}, st
assert s["faults"]["total"] == 2 and s["faults"]["present"] == 2, s["faults"]
w = json.load(open(sys.argv[2]))
b = w["policies"][0]
assert b["broadcasts"] == 2 and b["by_site"] == {"wp-reuse": 1, "cow": 1}, b
assert w["checks"]["cow_breaks"] == 1 and w["checks"]["reuses"] == 1, w["checks"]
PY
ok $? "x86 page_fault_kernel: the COW in madvise(POPULATE_WRITE) is cow, the kernel's write with no flush a reuse (arm64-broadcast 2), the kernel address left out"
# the same program with page_fault_kernel (tests/data/diff-against-kfault-x86.txt):
# wp-reuse and cow per write fault of their kind, 2/2 and 1/1 on both
KX=diff-against-kfault-x86.txt
"$TLBREPLAY" diff --against --format csv $KX -- $A > "$TMP/kc"
[ "$(field $TMP/kc wp-reuse 3) $(field $TMP/kc wp-reuse 4) $(field $TMP/kc wp-reuse 6) $(field $TMP/kc wp-reuse 7) $(field $TMP/kc wp-reuse 9) / $(field $TMP/kc cow 3) $(field $TMP/kc cow 4) $(field $TMP/kc cow 6) $(field $TMP/kc cow 7) $(field $TMP/kc cow 9) / $(field $TMP/kc all 3) $(field $TMP/kc all 6)" = "2 2 1 1 0.00 / 2 2 1 1 0.00 / 10 9" ]
ok $? "page_fault_kernel: wp-reuse 2 in 2 reused faults (1 the kernel's), 1 in 1 after; cow 2 in 2 copied, 1 in 1: +0%; in all 10 and 9"
# the same trace as trace-cmd report prints it (tests/data/x86-kfault-symbols.txt):
# ip and a kernel address are symbols ("%ps"): read, the kernel address left out
"$TLBREPLAY" diff --against --format csv x86-kfault-symbols.txt -- $A > "$TMP/ksc"
same_file "page_fault_kernel printed with symbols (%ps): the same comparison" "$TMP/kc" "$TMP/ksc"
"$TLBREPLAY" diff --against --json $KX -- $A > "$TMP/kj"
"$TLBREPLAY" diff --against --json $X -- $A > "$TMP/xj"
python3 - "$TMP/kj" "$TMP/xj" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["before"]["kernel_faults"] == 2 and d["after"]["kernel_faults"] == 1, (d["before"], d["after"])
ops = {r["operation"]: (r["before"], r["after"]) for r in d["operations"]}
assert ops["write fault reused"] == (2, 1) and ops["write fault copied"] == (2, 1), ops
assert ops["write fault"] == (4, 3), ops
notes = {n["key"]: n["text"] for n in d["notes"]}
p = notes["program"]
assert "reused 2 before (0.500 per user write fault; 1 by the kernel's writes), 1 after (0.333 per user write fault; 0 by the kernel's writes)" in p, p
assert "copied 2 before (0.500 per user write fault; 1 by the kernel's writes), 1 after (0.333 per user write fault; 1 by the kernel's writes)" in p, p
assert "kernel-faults" not in notes
assert notes["few"].endswith("wp-reuse 2/1, cow 2/1, mprotect 1/2, zap 1/1, fork 1/1, exit 3/3."), notes["few"]
st = {r["site"]: (r["predicted_per_op"], r["census_per_op"], r["within_5pct"]) for r in d["sites"]}
# per fault of the kind 2/2 against 1/1: true by construction, the rule ("rule", not a hit)
assert st["wp-reuse"] == (1.0, 1.0, "rule") and st["cow"] == (1.0, 1.0, "rule"), st
# the count per user write fault: 2/4 = 0.5 against 1/3: +50 %, 2 and 1 broadcasts: few
assert st["wp-reuse/wf"][2] == "few" and st["cow/wf"][2] == "few", st
assert st["wp-reuse/wf"][:2] == (0.5, 0.333333) and st["cow/wf"][:2] == (0.5, 0.333333), st
assert all(v[2] == "few" for k, v in st.items() if k not in ("all", "wp-reuse", "cow")), st
x = json.load(open(sys.argv[2]))
assert x["before"]["kernel_faults"] == 0
PY
ok $? "json: kernel faults 2 before, 1 after; the program note per user write fault; wp-reuse and cow 1.000 per fault of the kind on both: rule; their counts per user write fault 0.500 against 0.333, and every other site, too few to judge (few)"
# mremap is compared per page-table chunk moved (x86-mremap-shrink.txt: 3
# calls, the first moved 4 pages from 0x20000 to 0x40000, one chunk; the two
# shrinks return their own address); moved to 0x1ff000 instead, the new
# range crosses the PMD boundary at 0x200000: 2 chunks
"$TLBREPLAY" diff --force --against --format csv --table operations x86-mremap-shrink.txt -- $A > "$TMP/mo" 2>/dev/null
sed 's/new_addr: 0x40000)/new_addr: 0x1ff000)/; s/2.000103: sys_mremap -> 0x40000/2.000103: sys_mremap -> 0x1ff000/' x86-mremap-shrink.txt > "$TMP/mc.txt"
"$TLBREPLAY" diff --force --against --format csv --table operations "$TMP/mc.txt" -- $A > "$TMP/mc" 2>/dev/null
[ "$(field $TMP/mo 'mremap call' 2) $(field $TMP/mo 'mremap call that moved' 2) $(field $TMP/mo 'page-table chunk moved' 2) $(field $TMP/mc 'page-table chunk moved' 2)" = "3 1 1 2" ]
ok $? "mremap: 3 calls, 1 that moved (its return a new address), in 1 chunk; moved across a PMD boundary of the new address, 2"
expect_status 3 "AFTER without a TLBI census" "$TLBREPLAY" diff --against $X -- $X
grep_file "it says what is missing" "no TLBI census" "$TMP/err"
expect_status 2 "--after-pid without --against" "$TLBREPLAY" diff --after-pid 1 $X -- $A
"$TLBREPLAY" diff --against --after-pid 801 --format csv $X -- $A > "$TMP/p"
[ "$(field $TMP/p exit 6) $(field $TMP/p exit 7) $(field $TMP/p fork 6)" = "2 2 0" ]
ok $? "--after-pid 801: the child's two exit flushes, no fork of its own"
# From the program's own start marker (tests/data/diff-against-marker-*.txt):
# the process renames itself once main() starts (task:task_rename); --comm
# counts from there on both sides, leaving out the loader's calls (arm64's
# one more, the PROT_NONE gap mprotect that flushes nothing)
MX=diff-against-marker-x86.txt
MA=diff-against-marker-arm64.txt
"$TLBREPLAY" diff --against --format csv $MX -- $MA > "$TMP/mk"
[ "$(field $TMP/mk mprotect 3) $(field $TMP/mk mprotect 4) $(field $TMP/mk mprotect 6) $(field $TMP/mk mprotect 7) $(field $TMP/mk mprotect 9)" = "2 2 2 3 50.00" ]
ok $? "whole process: mprotect 2 in 2 calls predicted, 2 in 3 counted (the loader's gap call): +50%"
"$TLBREPLAY" diff --against --comm work --format csv $MX -- $MA > "$TMP/mk"
[ "$(field $TMP/mk mprotect 3) $(field $TMP/mk mprotect 4) $(field $TMP/mk mprotect 6) $(field $TMP/mk mprotect 7) $(field $TMP/mk mprotect 9) $(field $TMP/mk zap 9) $(field $TMP/mk exit 9) $(field $TMP/mk all 3) $(field $TMP/mk all 6)" = "1 1 1 1 0.00 0.00 0.00 3 3" ]
ok $? "--comm work (the start marker): mprotect 1 in 1 call on both sides, zap and exit +0%, 3 and 3 in all"

# the CPUs each side's workload was allowed (the recorder's affinity=)
"$TLBREPLAY" diff --against --comm work --json $MX -- $MA > "$TMP/mj"
python3 - "$TMP/mj" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["before"]["affinity"] == "0" and d["after"]["affinity"] == "0-1", (d["before"], d["after"])
n = [x["text"] for x in d["notes"] if x["key"] == "cpus"]
assert len(n) == 1 and "(pinned to CPU 0) before" in n[0] and "(free to run on all: CPUs 0-1) after" in n[0] \
    and "pin both sides alike" in n[0], n
PY
ok $? "affinity 0 before, 0-1 after: the cpus note says pinned before, free after, pin alike"
sed 's/affinity=0-1/affinity=0/' $MA > "$TMP/pinned.txt"
"$TLBREPLAY" diff --against --comm work --json $MX -- "$TMP/pinned.txt" > "$TMP/mj"
python3 - "$TMP/mj" <<'PY'
import json, sys
n = [x["text"] for x in json.load(open(sys.argv[1]))["notes"] if x["key"] == "cpus"]
assert len(n) == 1 and n[0].startswith("CPUs: both sides pinned alike") and "for 1 CPU only" in n[0], n
PY
ok $? "both pinned to CPU 0: the note says they compare like with like, for 1 CPU only"
# a new child's COW break after its traced return from clone (rseq's write
# on the way to user space) is cow, not unknown (tests/data/x86-fork-rseq.txt)
"$TLBREPLAY" stat --json x86-fork-rseq.txt > "$TMP/r"
python3 - "$TMP/r" <<'PY'
import json, sys
s = {r["site"]: r["local"] for r in json.load(open(sys.argv[1]))["flushes"]["by_site"]}
assert s == {"fork": 1, "cow": 2, "exit": 1}, s
PY
ok $? "the child's flush after its return from clone, before user space: cow (fork 1, cow 2, exit 1)"
# huge pages: an x86 trace has no event for a huge mapping (unknown, not 0);
# whatif-thp.txt (arm64, census) maps one (its E)
"$TLBREPLAY" diff --against --json $MX -- whatif-thp.txt > "$TMP/h"
python3 - "$TMP/h" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["after"]["huge_mapped"] == 1, d["after"]
n = [x["text"] for x in d["notes"] if x["key"] == "thp"]
assert len(n) == 1 and n[0].startswith("huge pages mapped by a PMD: 1 after; BEFORE's trace (x86_64) has no event") \
    and "unknown (not 0)" in n[0] and "(2 before, 1 after)" in n[0], n
PY
ok $? "thp: 1 huge page after (E), unknown before (x86 shows none); the user write faults, 2 (the marker trace) and 1 (F), said"
# ... counted in the scope like every other count: a command that mapped none
"$TLBREPLAY" diff --against --json --after-comm other $MX -- whatif-thp.txt > "$TMP/h"
python3 - "$TMP/h" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["after"]["huge_mapped"] == 0, d["after"]
assert "thp" not in [x["key"] for x in d["notes"]], d["notes"]
PY
ok $? "thp: huge pages are counted in the scope (--after-comm other: none, no note)"
# Uncertain flush points (tests/data/diff-against-pending-*.txt): an arm64
# 6.12 trace recorded without the batched-reclaim marks probe leaves each
# flush_tlb_batched_pending a whole-mm flush the trace cannot prove; the
# savings are the ranges they allow, "within 5 pp" is judged on the ranges
PX=diff-against-pending-x86.txt
PA=diff-against-pending-arm64.txt
"$TLBREPLAY" diff --against --format csv --table savings $PX -- $PA > "$TMP/u"
[ "$(field $TMP/u arm64-broadcast 9) $(field $TMP/u arm64-broadcast 10) $(field $TMP/u arm64-broadcast 14)" = "3 5 2" ]
ok $? "arm64-broadcast: 3 broadcasts before, 5 after of which 2 uncertain (U1, U2)"
[ "$(field $TMP/u pte-needs-flush 2) $(field $TMP/u pte-needs-flush 3) $(field $TMP/u pte-needs-flush 6) $(field $TMP/u pte-needs-flush 7) $(field $TMP/u pte-needs-flush 8)" = "33.33 20.00 20.0..33.3% +0.0..+13.3 unknown" ]
ok $? "pte-needs-flush: 33.3% before; after 20.0% conservative, 20.0..33.3%: +0.0..+13.3 pp, unknown"
[ "$(field $TMP/u active-cpu 3) $(field $TMP/u active-cpu 14) $(field $TMP/u active-cpu 17) $(field $TMP/u active-cpu 18) $(field $TMP/u active-cpu 8)" = "40.00 1 25.00 50.00 unknown" ]
ok $? "active-cpu: 40.0% conservative, 1 uncertain broadcast (U2), 25.0..50.0% (U2 alone, U1 alone): unknown"
[ "$(field $TMP/u batched-reclaim 6) $(field $TMP/u batched-reclaim 7) $(field $TMP/u wp-local 7) $(field $TMP/u wp-local 8)" = "0.0..40.0% -40.0..+0.0 +0.0 yes" ]
ok $? "batched-reclaim 0.0..40.0% (unknown); wp-local 0.0 on both: within 5 pp"
"$TLBREPLAY" diff --against $PX -- $PA > "$TMP/ut"
grep_file "text: the ranges" "pte-needs-flush         33.3%   20.0..33.3%  +0.0..+13.3  unknown" "$TMP/ut"
awk 'length > 80 { bad = 1 } END { exit bad }' "$TMP/ut"
ok $? "text with ranges: at most 80 columns"
"$TLBREPLAY" diff --against --json $PX -- $PA > "$TMP/uj"
python3 - "$TMP/uj" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sv = {r["policy"]: r for r in d["savings"]}
p = sv["pte-needs-flush"]
assert (p["after_broadcasts"], p["after_uncertain"], p["before_uncertain"]) == (4, 2, 0), p
assert round(p["after_saved_min"], 2) == 20.0 and round(p["after_saved_max"], 2) == 33.33, p
assert p["difference_pp_min"] == 0 and p["difference_pp_max"] == 13.3 and p["within_5pp"] == "unknown", p
assert sv["wp-local"]["within_5pp"] == "yes"
st = {r["site"]: r for r in d["sites"]}
assert st["all"]["predicted_uncertain"] == 0, st["all"]
n = [x["text"] for x in d["notes"] if x["key"] == "uncertain"]
assert len(n) == 1 and n[0].startswith("uncertain flush points: 0 of arm64-broadcast's 3 broadcasts before, 2 of 5 after") \
    and "AFTER (2): flush_tlb_batched_pending" in n[0] and "batch_marks=traced): re-record with this tlbreplay" in n[0] \
    and "BEFORE (" not in n[0], n
PY
ok $? "json: pte-needs-flush 4 broadcasts after, 2 uncertain, 20.0..33.3%, -> +0.0..+13.3 pp unknown; the note: 0 before, 2 of 5 after, recorded without the marks probe"
# both sides uncertain (an arm64 trace predicts too): the note names both
"$TLBREPLAY" diff --against --json $PA -- $PA > "$TMP/uu"
python3 - "$TMP/uu" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = {r["policy"]: r for r in d["savings"]}["pte-needs-flush"]
assert p["difference_pp_min"] == -13.3 and p["difference_pp_max"] == 13.3 and p["within_5pp"] == "unknown", p
st = {r["site"]: r for r in d["sites"]}
assert st["reclaim"]["predicted_uncertain"] == 2 and st["all"]["predicted_uncertain"] == 2, st
n = [x["text"] for x in d["notes"] if x["key"] == "uncertain"][0]
assert "2 of arm64-broadcast's 5 broadcasts before, 2 of 5 after" in n and "BEFORE (2):" in n and "AFTER (2):" in n, n
PY
ok $? "the same trace on both sides: -13.3..+13.3 pp, unknown; 2 uncertain on each side, said for each"
# recorded with the marks probe (batch_marks=traced): the mm born in the
# trace was never marked, the pending calls flush nothing: certain, within
sed 's/affinity=0-1$/&\n            prog-930   [000] .....    40.000002: tracing_mark_write: tlbreplay-meta batch_marks=traced/' $PA > "$TMP/marks.txt"
"$TLBREPLAY" diff --against --format csv --table savings $PX -- "$TMP/marks.txt" > "$TMP/um"
[ "$(field $TMP/um arm64-broadcast 10) $(field $TMP/um arm64-broadcast 14) $(field $TMP/um pte-needs-flush 3) $(field $TMP/um pte-needs-flush 4) $(field $TMP/um pte-needs-flush 8)" = "3 0 33.33 0 yes" ]
ok $? "batch_marks=traced: 3 broadcasts after, none uncertain; pte-needs-flush 33.3% on both: 0 pp, within"
"$TLBREPLAY" diff --against $PX -- "$TMP/marks.txt" > "$TMP/umt"
! grep -q "uncertain" "$TMP/umt"
ok $? "no uncertain point: no note, the table as before"
# the reasons are those of the uncertain points in scope
# (tests/data/diff-against-pending-two-arm64.txt: 930's pending calls, 940's too and its MADV_COLD)
P2=diff-against-pending-two-arm64.txt
for w in "930 2 no" "940 2 yes"; do
	set -- $w
	"$TLBREPLAY" diff --against --after-pid $1 --json $PX -- $P2 > "$TMP/u2"
	python3 - "$TMP/u2" $2 $3 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = [x["text"] for x in d["notes"] if x["key"] == "uncertain"][0]
assert d["after"]["uncertain_broadcasts"] == int(sys.argv[2]), d["after"]
assert "AFTER (%s): flush_tlb_batched_pending" % sys.argv[2] in n, n
assert ("madvise COLD" in n) == (sys.argv[3] == "yes"), n
PY
	ok $? "--after-pid $1: $2 uncertain broadcasts; madvise COLD among the reasons: $3"
done
# The arm64 kernel version the prediction follows
# (tests/data/diff-against-pageout-*.txt): x86 6.18's MADV_PAGEOUT ages
# nothing, arm64 6.1's ages and flushes the young PTEs
# (madvise_cold_or_pageout_pte_range), which no x86 trace shows: uncertain
PX6=diff-against-pageout-x86.txt
PA6=diff-against-pageout-arm64.txt
for k in traced 6.12 6.1 unknown; do
	"$TLBREPLAY" what-if --json -p arm64-broadcast,x86-ipi --arm64-kernel $k $PX6 > "$TMP/k-$k"
done
python3 - "$TMP" <<'PY'
import json, sys
def run(k):
    d = json.load(open("%s/k-%s" % (sys.argv[1], k)))
    return d, {p["name"]: p for p in d["policies"]}
for k, v, bc, unsure, why in (("traced", "6.18", 1, 0, "the traced kernel's version (default"),
                              ("6.12", "6.12", 1, 0, "from --arm64-kernel 6.12"),
                              ("6.1", "6.1", 2, 1, "from --arm64-kernel 6.1"),
                              ("unknown", "", 2, 1, "are uncertain")):
    d, p = run(k)
    b, x = p["arm64-broadcast"], p["x86-ipi"]
    assert d["kernel_version"] == "6.18" and d["arm64_kernel_version"] == v, (k, d["arm64_kernel_version"])
    assert why in d["arm64_kernel_from"], (k, d["arm64_kernel_from"])
    assert b["broadcasts"] == bc and b["broadcasts_uncertain"] == unsure, (k, b)
    assert b["by_site"].get("zap", 0) == unsure and b["by_site_uncertain"].get("zap", 0) == unsure, (k, b)
    assert x["broadcasts"] == 0 and x["local"] == 1, (k, x)
PY
ok $? "x86 6.18, PAGEOUT: arm64-broadcast 1 broadcast for 6.18 (the default) and 6.12; 2 for 6.1 and unknown, the aging's uncertain; x86-ipi 1 local whatever the version"
"$TLBREPLAY" what-if -p arm64-broadcast --arm64-kernel 6.1 $PX6 > "$TMP/kt"
grep_file "text: the version the prediction follows" "^arm64 rules Linux 6.1, from --arm64-kernel 6.1$" "$TMP/kt"
"$TLBREPLAY" what-if -p arm64-broadcast --arm64-kernel unknown $PX6 > "$TMP/ku"
grep_file "text: unknown, why the point is uncertain" "the kernel's version is unknown" "$TMP/ku"
expect_status 2 "--arm64-kernel takes a version" "$TLBREPLAY" what-if --arm64-kernel six $PX6
grep_file "it says what it takes" "takes a version" "$TMP/err"
# a version as uname -r spells it: "6.1junk" was read as 6.1
for v in 6.1junk 6 6.1. 6.1.2.3; do
	expect_status 2 "--arm64-kernel refuses '$v'" "$TLBREPLAY" what-if --arm64-kernel $v $PX6
done
expect_status 0 "--arm64-kernel takes a release (6.12.118+deb12-arm64)" "$TLBREPLAY" what-if --arm64-kernel 6.12.118+deb12-arm64 $PX6
"$TLBREPLAY" what-if --json -p arm64-broadcast --arm64-kernel 6.12 $PA6 > "$TMP/ka"
python3 - "$TMP/ka" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["arm64_kernel_version"] == "6.1" and "x86 traces only" in d["arm64_kernel_from"], d["arm64_kernel_from"]
assert d["policies"][0]["by_site"]["zap"] == 1, d["policies"][0]
PY
ok $? "an arm64 trace follows its own kernel (6.1: the aging's flush), --arm64-kernel or not, and says so"
# x86 6.1 (the aging's flush traced): x86's only when arm64 6.12 ages nothing
sed 's/kernel=6.18.0/kernel=6.1.0/; s/^\( *prog-940 *\[000\] \).....\( *\)50.000025: sys_madvise -> 0x0$/\1d....\250.000022: tlb_flush: pages:2 reason:local mm shootdown (3)\n&/' $PX6 > "$TMP/x61.txt"
for k in traced 6.12 unknown; do
	"$TLBREPLAY" what-if --json -p arm64-broadcast,x86-ipi --arm64-kernel $k "$TMP/x61.txt" > "$TMP/r-$k"
done
python3 - "$TMP" <<'PY'
import json, sys
for k, pts, bc, unsure, skipped in (("traced", 2, 2, 0, 0), ("6.12", 2, 1, 0, 1), ("unknown", 3, 2, 1, 1)):
    p = {x["name"]: x for x in json.load(open("%s/r-%s" % (sys.argv[1], k)))["policies"]}
    b, x = p["arm64-broadcast"], p["x86-ipi"]
    assert (b["flush_points"], b["broadcasts"], b["broadcasts_uncertain"], b["skipped"]) == (pts, bc, unsure, skipped), (k, b)
    assert x["local"] == 2 and x["broadcasts"] == 0, (k, x)
PY
ok $? "x86 6.1, the aging's flush traced: arm64 6.1 2 broadcasts; 6.12 skips it (1); unknown 2 of which 1 uncertain; x86-ipi 2 local"
# x86's MADV_FREE split of a large folio (tests/data/x86-free-split.txt):
# x86's gather flushes last in the call, so the first one-page flush of a
# call followed by another is the split's too (the replay holds it until the
# next record); a lone one-page flush is the gather's. arm64 6.8+ batches the
# split's flushes (site reclaim), 6.1 splits such a folio in a later COLD or
# PAGEOUT if at all (site fault, uncertain) and, where it does not, its walk
# stops at the folio: the gather after the split is uncertain too; 6.9+ (and
# an unknown version) first unfolds the contpte block the split enters, if
# arm64 mapped the folio so (one uncertain point at zap per 16 of the
# split's flushes)
for k in traced 6.12 6.1 unknown; do
	"$TLBREPLAY" what-if --json -p arm64-broadcast,x86-ipi,batched-reclaim --arm64-kernel $k x86-free-split.txt > "$TMP/s-$k"
done
python3 - "$TMP" <<'PY'
import json, sys
# version: broadcasts, uncertain, skipped, the split's site, zap points, x86-ipi skipped
for k, bc, unsure, skipped, site, zap, xs in (("traced", 7, 1, 3, "reclaim", 6, 4), ("6.12", 7, 1, 3, "reclaim", 6, 4),
                                             ("6.1", 6, 4, 4, "fault", 6, 4), ("unknown", 7, 5, 4, "fault", 7, 5)):
    p = {x["name"]: x for x in json.load(open("%s/s-%s" % (sys.argv[1], k)))["policies"]}
    b, x = p["arm64-broadcast"], p["x86-ipi"]
    assert (b["broadcasts"], b["broadcasts_uncertain"], b["skipped"]) == (bc, unsure, skipped), (k, b)
    assert b["by_site"].get(site) == 3 and b["by_site"]["zap"] == zap, (k, b["by_site"])
    assert x["local"] == 6 and x["skipped"] == xs and x["broadcasts"] == 0, (k, x)
    # 6.8+ batches the split's unmaps (TTU_BATCH_FLUSH): seed 002 defers them, and
    # a later walk of the mm pays the pending batch once (flush_tlb_batched_pending:
    # flush_tlb_mm)
    br = p["batched-reclaim"]
    batched = site == "reclaim"
    assert (br["deferred"], br["pending_syncs"], br["broadcasts"]) == \
        ((3, 1, bc - 3 + 1) if batched else (0, 0, bc)), (k, br)
PY
ok $? "x86 MADV_FREE folio split: all three one-page flushes the split's (the first too: another follows it in the call), a lone one-page flush the gather's: arm64 6.18 and 6.12 at reclaim, 6.1 and unknown at fault, uncertain, and their gather after the split uncertain; the contpte block's unfold for 6.18, 6.12 and unknown, uncertain, at zap; x86-ipi 6 local; batched-reclaim defers the 6.8+ split's 3 (a later walk pays the pending batch)"
# the contpte unfold's point flushes the whole 64 KiB block the split enters
# (contpte_convert: ALIGN_DOWN(addr, CONT_PTE_SIZE), CONT_PTES pages), here
# [0x200000, 0x210000): 6.12 makes 16 TLBIs more than 6.8 (which batches the
# split alike and has no contpte), one a page without FEAT_TLBIRANGE (before,
# 1 more: the point's range was shifted twice, page 0)
for k in 6.8 6.12; do
	"$TLBREPLAY" what-if --json -p arm64-broadcast --arm64-kernel $k x86-free-split.txt > "$TMP/u-$k"
done
python3 - "$TMP" <<'PY'
import json, sys
t = {k: json.load(open("%s/u-%s" % (sys.argv[1], k)))["policies"][0] for k in ("6.8", "6.12")}
assert t["6.12"]["broadcasts"] == t["6.8"]["broadcasts"] + 1, t
assert t["6.12"]["ops"]["tlbi_is"] == t["6.8"]["ops"]["tlbi_is"] + 16, (t["6.8"]["ops"], t["6.12"]["ops"])
PY
ok $? "x86 MADV_FREE folio split on arm64 6.12: the contpte unfold flushes its 64 KiB block, 16 TLBIs (6.8: no unfold)"
# that unfold is uncertain (was the block contpte-mapped?) and changes no
# permission: where arm64 did not unfold, CPU 0 keeps its entries of the
# block, so the split's flush after it is not skippable (effects.c
# maybe_keeps; before, oracle took the uncertain unfold as having flushed
# CPU 0: 2 local and 8 skipped)
"$TLBREPLAY" what-if --json -p oracle x86-free-split.txt > "$TMP/uo"
python3 - "$TMP/uo" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))["policies"][0]
assert (o["local"], o["skipped"], o["unsafe"]) == (3, 7, 0), (o["local"], o["skipped"], o["unsafe"])
PY
ok $? "x86 MADV_FREE folio split on arm64: the uncertain unfold keeps the entries, oracle 3 local, 7 skipped"
# diff --against takes the version from AFTER
"$TLBREPLAY" diff --against --format csv $PX6 -- $PA6 > "$TMP/kc"
[ "$(field $TMP/kc zap 3) $(field $TMP/kc zap 14) $(field $TMP/kc zap 15) $(field $TMP/kc zap 18) $(field $TMP/kc zap 19) $(field $TMP/kc exit 19)" = "1 1 0 -100.0..+0.0% unknown few" ]
ok $? "--against arm64 6.1: zap 0..1 per madvise against 1 (-100.0..+0.0%, unknown), exit within but too few to judge"
"$TLBREPLAY" diff --against $PX6 -- $PA6 > "$TMP/kd"
# tools/cross-arch-table.py names an unknown site and says why (BEFORE's
# uncertain points, from the note)
mkdir -p "$TMP/xt/x86"
echo "cx-p thp=madvise cpus=0" > "$TMP/xt/x86/programs.txt"
"$TLBREPLAY" diff --against --json $PX6 -- $PA6 > "$TMP/xt/6.1-cx-p.json"
python3 "$SRCDIR/tools/cross-arch-table.py" "$TMP/xt" 6.1 > "$TMP/xt/table.md"
grep -q "^Unknown: cx-p on 6.1, zap 0.000..1.000 / 1.000 (-100.0..+0.0%): .*madvise COLD, PAGEOUT or FREE flushes only PTEs that were young" "$TMP/xt/table.md"
ok $? "cross-arch-table.py: the unknown site named, with why"
grep_file "text: the version BEFORE's prediction follows" "^arm64   Linux 6.1, from AFTER's kernel 6.1$" "$TMP/kd"
awk 'length > 80 { bad = 1 } END { exit bad }' "$TMP/kd"
ok $? "text lines with ranges are at most 80 columns"
sed 's/kernel=6.1.0-47-arm64/kernel=6.12.118+deb12-arm64/; /tlbi_[01]:/d' $PA6 > "$TMP/a612.txt"
"$TLBREPLAY" diff --against --json $PX6 -- "$TMP/a612.txt" > "$TMP/kj"
python3 - "$TMP/kj" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
st = {r["site"]: r for r in d["sites"]}
assert d["before"]["arm64_kernel"] == "6.12" and "AFTER's kernel 6.12" in d["before"]["arm64_kernel_from"], d["before"]
assert "zap" not in st and st["all"]["predicted"] == 1 and st["all"]["census"] == 1, st
assert st["all"]["within_5pct"] == "yes", st["all"]
PY
ok $? "--against arm64 6.12: the prediction follows 6.12, no zap on either side, 1 against 1"
# unseen aging (unmap.c: age_range): where nothing on the arm64 machine clears
# Access flags unseen (MGLRU and DAMON off), the faults that made the 2 PTEs
# prove them young at 6.1's PAGEOUT: its flush certain
for a in unknown none; do
	"$TLBREPLAY" what-if --json -p arm64-broadcast --arm64-kernel 6.1 --arm64-aging $a $PX6 > "$TMP/g-$a"
done
python3 - "$TMP" <<'PY'
import json, sys
for a, unsure in (("unknown", 1), ("none", 0)):
    b = json.load(open("%s/g-%s" % (sys.argv[1], a)))["policies"][0]
    assert b["broadcasts"] == 2 and b["by_site"]["zap"] == 1, (a, b)
    assert b["broadcasts_uncertain"] == unsure and b["by_site_uncertain"].get("zap", 0) == unsure, (a, b)
PY
ok $? "x86 6.18, PAGEOUT for arm64 6.1: --arm64-aging none makes the aging's flush certain (2 broadcasts, 0 uncertain; unknown: 1)"
expect_status 2 "--arm64-aging takes none or unknown" "$TLBREPLAY" what-if --arm64-aging some $PX6
# AFTER's metadata says MGLRU off (lru_gen=0x0000, as record writes it): the
# same, from AFTER; with DAMON on (damon=on) too, unknown again
sed 's/^\( *prog-940 *\[000\] .....  *60.000002: tracing_mark_write: tlbreplay-meta \)affinity=0-1$/&\n\1lru_gen=0x0000/' $PA6 > "$TMP/ag.txt"
sed 's/lru_gen=0x0000$/lru_gen=0x0000 damon=on/' "$TMP/ag.txt" > "$TMP/ad.txt"
"$TLBREPLAY" diff --against --format csv $PX6 -- "$TMP/ag.txt" > "$TMP/gc"
[ "$(field $TMP/gc zap 3) $(field $TMP/gc zap 14) $(field $TMP/gc zap 18)" = "1 0 +0.0%" ]
ok $? "--against arm64 6.1 with MGLRU off: zap 1 per madvise against 1, none uncertain (+0.0%)"
"$TLBREPLAY" diff --against $PX6 -- "$TMP/ag.txt" > "$TMP/gd"
grep_file "text: where that came from" "no unseen aging (AFTER's metadata:" "$TMP/gd"
"$TLBREPLAY" diff --against --format csv $PX6 -- "$TMP/ad.txt" > "$TMP/gc"
[ "$(field $TMP/gc zap 14) $(field $TMP/gc zap 18)" = "1 -100.0..+0.0%" ]
ok $? "--against with DAMON on in AFTER: the aging's flush uncertain again"
"$TLBREPLAY" diff --against --format csv --arm64-aging unknown $PX6 -- "$TMP/ag.txt" > "$TMP/gc"
[ "$(field $TMP/gc zap 14)" = "1" ]
ok $? "--arm64-aging unknown overrides AFTER's metadata"
expect_status 2 "--table without --format csv" "$TLBREPLAY" diff --against --table savings $PX -- $PA
expect_status 2 "an unknown table" "$TLBREPLAY" diff --against --format csv --table nope $PX -- $PA
# every --json output of this script against doc/tlbreplay-diff-against.schema.json
if python3 -c 'import jsonschema' 2>/dev/null; then
	python3 - "$SRCDIR/doc/tlbreplay-diff-against.schema.json" "$TMP/j" "$TMP/mj" "$TMP/h" \
		"$TMP/uj" "$TMP/uu" "$TMP/kj" "$TMP/tj" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f)), schema)
PY
	ok $? "json outputs validate against doc/tlbreplay-diff-against.schema.json"
fi
done_testing
