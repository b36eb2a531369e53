#!/bin/sh
# arm64 for real, under emulation: tools/arm64/run-guest.sh cross-builds
# tlbreplay, boots Debian's arm64 kernels 6.1 and 6.12 in qemu (TCG, 2
# CPUs; one boot each, one initramfs) and runs `tlbreplay record` there on
# the project's workloads and on programs from Debian's arm64 archive
# (busybox, stress-ng: munmap, madvise, mremap, fork and exec patterns, THP
# at the default and off); the traces come back and are replayed here.
# tools/arm64/compare.py prints, per program, the broadcasts the kernel
# executed (the TLBI census) against arm64-broadcast's, per site, and each
# policy's unsafe findings.
#
# Time (CI's budget, on 2 host CPUs): every program of a kernel is recorded in
# one trace (all.dat; programs.txt names each program's process tree,
# replayed with --pid): arming and removing the census's ~400 kprobes takes a
# stop_machine each, about 100 s per recording under TCG, which one recording
# per program paid 8 times per kernel (t0500 took 964 s in CI); and the guest
# has 2 CPUs, not 4 (stop_machine waits for every vCPU: on 2 host CPUs 4
# vCPUs doubled it; t0500 728 s with 4, 364 s with 2, beside another busy
# process). CI runs 8
# programs per kernel, one per mechanism: usemem (write-fault reuse, COW),
# mprotect-churn (mprotect), stress-ng vm+fork (fork, exit), a busybox shell
# fork/exec loop (exec), stress-ng madvise (DONTNEED, FREE, PAGEOUT: zaps)
# and mremap (grow, shrink, move), and THP at the default and off. Moved out
# to tools/arm64/sweep.sh (not CI), as they repeat those mechanisms at a
# larger scale: busybox sort (realloc's mremap grows) and gzip, and
# stress-ng forkheavy, mmap, mprotect, exec and tlb-shootdown.
. "$SRCDIR/tests/lib.sh"

command -v qemu-system-aarch64 >/dev/null || skip_all "qemu-system-aarch64 is not installed"
command -v aarch64-linux-gnu-gcc >/dev/null || skip_all "gcc-aarch64-linux-gnu is not installed"
dpkg --print-foreign-architectures | grep -q arm64 || skip_all "apt has no arm64 architecture"

G=$TMP/guest
"$SRCDIR/tools/arm64/run-guest.sh" $G > $TMP/run.log 2>&1
st=$?
[ $st -eq 77 ] && skip_all "$(tail -1 $TMP/run.log)"
sed 's/^/# /' $TMP/run.log | grep -v "^# *$" | tail -5
ok $st "both guests booted, recorded and sent their traces back"
[ $st -eq 0 ] || tail -20 $TMP/run.log | sed 's/^/#   /'

# cleanup with the kprobes in place (the first kernel): signals, a SIGKILLed recorder, the next run
C=$G/6.1
sed 's/^/# /' $C/cleanup.txt
grep_file "guest: nothing of ours before" "^before kprobes=0 instances=0" $C/cleanup.txt
grep_file "guest: SIGINT removes every kprobe and the instance" "^after-sigint kprobes=0 instances=0" $C/cleanup.txt
grep_file "guest: SIGTERM too" "^after-sigterm kprobes=0 instances=0" $C/cleanup.txt
grep_file "guest: SIGKILL leaves them" "^after-sigkill kprobes=[1-9][0-9]* instances=1" $C/cleanup.txt
grep_file "guest: the next run records" "^next-status 0" $C/cleanup.txt
grep_file "guest: and removes what the killed one left" "^after-next kprobes=0 instances=0" $C/cleanup.txt
grep_file "guest: saying so" "removed .*kprobe.* left by a killed recorder" $C/next.log

for k in 6.1 6.12; do
	K=$G/$k
	grep_file "$k: the census is on by default" "TLBI census: [0-9]* sites, [0-9]* probed" $K/all.log
	# the arm64 plan, on a real arm64 kernel
	grep_file "$k: kprobes on the fault path" "^tlbr:fault  *required  *available" $K/check.txt
	grep_file "$k: tlb_finish_mmu for inlined gathers" "^tlbr:gather_end  *required  *available" $K/check.txt
	grep_file "$k: each VMA's zap" "^tlbr:zap_vma  *recommended  *available" $K/check.txt
	grep_file "$k: fork's flush" "^tlbr:fork_mm  *recommended  *available" $K/check.txt
	grep_file "$k: do_madvise, for process_madvise's advice" "^tlbr:madv  *optional  *available" $K/check.txt
	grep_file "$k: no x86 tracepoint asked for" "^sched:sched_switch" $K/check.txt
	grep_file "$k: the TLBI census found sites and the DSBs that complete them" \
		"^TLBI census: [0-9]* sites .* and [0-9]* DSBs" $K/check.txt
done
grep_file "6.1: the pre-6.9 function name" "kprobe: p:tlbr/set_access ptep_set_access_flags" $G/6.1/check.txt
grep_file "6.12: the 6.9 name" "kprobe: p:tlbr/set_access __ptep_set_access_flags" $G/6.12/check.txt
grep_file "6.12: dup_mmap is inlined: fork's flush at uprobe_end_dup_mmap" \
	"kprobe: p:tlbr/fork_mm uprobe_end_dup_mmap" $G/6.12/check.txt
grep_file "6.12: flush_tlb_batched_pending's TLBIs are probed, not its calls" \
	"[0-9] [a-z0-9]*is broadcast flush_tlb_batched_pending+0x[0-9a-f]*$\|flush_tlb_batched_pending+0x[0-9a-f]* probed" \
	$G/6.12/check.txt

pid_of() {	# pid_of KERNEL PROGRAM: the program's process in the kernel's all.dat
	sed -n "s/^$2 pid=\([0-9]*\) .*/\1/p" $G/$1/programs.txt
}
for k in 6.1 6.12; do
	f=$G/$k/all.dat
	expect_cmd "$k: trace-cmd report reads the arm64 trace.dat" trace-cmd report $f
	grep_file "$k: the probes fired in the guest" "tlbr/\|fault:" "$TMP/out"
	# move_normal_pmd()'s flush call, refused by both kernels (a spin_lock's
	# CASA before it), is probed after it (record/census.c, after_call())
	grep "tlbreplay-tlbi [0-9]* call broadcast move_page_tables+" "$TMP/out" |
		sed 's/.*tlbreplay-tlbi/# tlbreplay-tlbi/'
	! grep -q "tlbreplay-tlbi [0-9]* call broadcast move_page_tables+.* the kernel refused" "$TMP/out"
	ok $? "$k: no call of move_page_tables is blind (refused ones probed after the call)"
	# the recorder's Access flag test (MADV_COLD, then reads): qemu's max
	# CPU has FEAT_HAFDBS from 7.2 (hardware), an older one none (software)
	# (the metadata lines alone: a failure then shows what was written)
	grep "tlbreplay-meta" "$TMP/out" | sed 's/.*tlbreplay-meta/tlbreplay-meta/' > "$TMP/meta"
	grep_file "$k: who sets the Access flag, in the metadata" \
		"tlbreplay-meta access_flag=\(hardware\|software\)$" "$TMP/meta"
	# madvise COLD/PAGEOUT's young branch (record/census.c tlbr_age_find):
	# found in the running text, probed, and said so (6.1.0-47: +0x898,
	# 6.12.118: +0x770, tlbreplay-record(1))
	grep_file "$k: madvise's young branch found" \
		"young branch (Access flag test at +0x[0-9a-f]*): kprobe: p:tlbr/age_young madvise_cold_or_pageout_pte_range+0x[0-9a-f]* addr=%x[0-9]*:x64 end=%x[0-9]*:x64$" \
		$G/$k/check.txt
	grep_file "$k: madvise's young branch probed, in the metadata" \
		"tlbreplay-meta age_young=traced$" "$TMP/meta"
	# ... and its huge PMD's (6.1.0-47: +0x960, 6.12.118: +0x958)
	grep_file "$k: madvise's huge PMD young branch found" \
		"huge PMD young branch (Access flag test at +0x[0-9a-f]*): kprobe: p:tlbr/age_young_pmd madvise_cold_or_pageout_pte_range+0x[0-9a-f]* addr=%x[0-9]*:x64 end=%x[0-9]*:x64$" \
		$G/$k/check.txt
	grep_file "$k: madvise's huge PMD young branch probed, in the metadata" \
		"tlbreplay-meta age_young_pmd=traced$" "$TMP/meta"
	# ... and MADV_FREE's (6.1.0-47: +0x2c0, 6.12.118: +0x3bc)
	grep_file "$k: madvise FREE's young-or-dirty branch found" \
		"FREE's young-or-dirty branch: kprobe: p:tlbr/age_free madvise_free_pte_range+0x[0-9a-f]* addr=%x[0-9]*:x64 end=%x[0-9]*:x64$" \
		$G/$k/check.txt
	grep_file "$k: madvise FREE's young-or-dirty branch probed, in the metadata" \
		"tlbreplay-meta age_free=traced$" "$TMP/meta"
	"$TLBREPLAY" stat --json $f > $TMP/all.json
	ok $? "$k: stat reads it"
	python3 - $TMP/all.json > $TMP/all.facts <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
k = d["kinds"]
print("arch", "aarch64" if "arch=aarch64" in json.dumps(d.get("recorded", "")) else "other")
for n in ("fault", "flush", "switch"):
    print(n, k[n]["total"])
PY
	grep_file "$k: recorded on aarch64" "^arch aarch64" $TMP/all.facts
	for n in fault flush switch; do
		v=$(awk -v n=$n '$1 == n { print $2 }' $TMP/all.facts)
		[ "${v:-0}" -gt 0 ]
		ok $? "$k: $n events ($v)"
	done
	for t in usemem mprotect-churn stress-ng bb-sh-fork-exec sng-madvise sng-mremap thp-default thp-off; do
		[ -n "$(pid_of $k $t)" ]
		ok $? "$k $t: recorded (its process in programs.txt)"
	done

	# usemem (seed 000's pattern): reuses flushed by TLBI IS today, locally by wp-local
	"$TLBREPLAY" what-if --json --cpu arm64 -p arm64-broadcast,wp-local,active-cpu,oracle \
		--pid "$(pid_of $k usemem)" $G/$k/all.dat > $TMP/u.json
	python3 - $TMP/u.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["name"]: x for x in d["policies"]}
b, w = p["arm64-broadcast"], p["wp-local"]
reuse = b["by_site"].get("wp-reuse", 0)
assert reuse > 20, reuse
assert w["local"] == reuse, (w["local"], reuse)
assert w["broadcasts"] == b["broadcasts"] - reuse
assert all(x["unsafe"] == 0 for n, x in p.items()), [(n, x["unsafe"]) for n, x in p.items()]
c = d["checks"]
assert c["unexplained"] <= 0.01 * max(1, c["write_faults_present"]), c
print("# reuses", reuse, "broadcasts", b["broadcasts"], "stale", w["stale_ro"])
PY
	ok $? "$k usemem: every reuse broadcast today is local under wp-local, nothing unsafe, the model explains the write faults"

	# mprotect-churn -n 100: 100 PROT_NONE -> RW calls add access only
	"$TLBREPLAY" what-if --json -p arm64-broadcast,pte-needs-flush --pid "$(pid_of $k mprotect-churn)" \
		$G/$k/all.dat > $TMP/m.json
	python3 - $TMP/m.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["name"]: x for x in d["policies"]}
assert p["arm64-broadcast"]["by_site"]["mprotect"] >= 200, p["arm64-broadcast"]["by_site"]
assert p["pte-needs-flush"]["skipped"] == 100, p["pte-needs-flush"]["skipped"]
assert p["pte-needs-flush"]["unsafe"] == 0
PY
	ok $? "$k mprotect-churn: pte-needs-flush skips the 100 PROT_NONE->RW flushes the kernel made, safely"
done

# across architectures (issue 19, tlbreplay diff --against): the x86 samples
# of the same programs (usemem, mprotect-churn, recorded on an x86 machine)
# predict what these arm64 kernels executed, per operation counted in each
# trace: one fork flush per fork (dup_mmap), two exec flushes per exec,
# one exit flush per exit_mmap (arm64's tlb_flush of the fullmm gather, the
# flush x86 does not make), one mprotect flush per mprotect call. From 6.8,
# exec's stack relocation (relocate_vma_down -> move_page_tables(for_stack))
# moves a whole PMD where the randomised stack's placement lets it
# (can_align_down): move_normal_pmd()'s one flush and no page table freed,
# so no tlb_finish_mmu() flush. Such an exec makes 1 flush, not 2, and which
# execs do is ASLR's draw, not the program's: on 6.12 exec is asserted
# between 1 per exec and the prediction (+5%), not within 5% of it.
for k in 6.1 6.12; do
	for t in usemem:usemem-fork-exec:fork,exec,exit mprotect-churn:mprotect-churn:mprotect,exec,exit; do
		prog=${t%%:*}; rest=${t#*:}; sample=${rest%%:*}; sites=${rest#*:}
		"$TLBREPLAY" diff --against --json --after-pid "$(pid_of $k $prog)" \
			"$SAMPLES/$sample.dat" -- $G/$k/all.dat > $TMP/x.json
		python3 - $TMP/x.json $sites $k <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = {r["site"]: r for r in d["sites"]}
for s in sys.argv[2].split(","):
    r = rows[s]
    print("# %s: predicted %.3f per %s, executed %.3f (%+.1f%%)" % (
        s, r["predicted_per_op"], r["per_operation"], r["census_per_op"], r["difference"]))
    assert r["per_operation"] != "none", r
    if s == "exec" and sys.argv[3] != "6.1":
        # 1 (a PMD-level stack move) or 2 flushes an exec (above)
        assert 1.0 <= r["census_per_op"] <= r["predicted_per_op"] * 1.05, r
    else:
        assert abs(r["difference"]) <= 5, r
PY
		ok $? "$k $prog: from the x86 sample, $sites broadcasts per operation within 5% of the census (6.12's exec: 1..2, its stack's placement)"
	done
done

# every trace of both kernels: the kernel's executed broadcasts (census) against
# arm64-broadcast's, per site; unsafe findings per policy; TLBIs under "unknown"
python3 "$SRCDIR/tools/arm64/compare.py" --report-only "$TLBREPLAY" $G/6.1 $G/6.12 > $TMP/table
sed 's/^/# /' $TMP/table
# (a row per program of programs.txt, and "all": the whole trace)
for k in 6.1 6.12; do
	# (not its "census blind at N broadcast sites" line: 594681e)
	n=$(grep "^$k " $TMP/table | grep -vc "^$k  *census blind ")
	want=$(($(wc -l < $G/$k/programs.txt) + 1))
	[ "$n" -ge 9 ] && [ "$n" -eq "$want" ]
	ok $? "$k: the census and the replay of every program ($n rows of $want)"
done
for k in 6.1 6.12; do
	for t in usemem mprotect-churn stress-ng bb-sh-fork-exec sng-madvise sng-mremap all; do
		line=$(grep "^$k  *$t " $TMP/table)
		want="arm64-broadcast predicts the executed broadcasts within 2% (per site and in all), arm64-broadcast and oracle are safe, <= 1% unknown TLBIs"
		case $line in
		"") ok 1 "$k $t: no trace" ;;
		*"MISS: "*unsafe*) ok 1 "$k $t: $want" ;;
		*MISS*)	# issue 15's targets, not yet met everywhere: shown, not failed
			tap_n=$((tap_n + 1))
			echo "not ok $tap_n - $k $t: $want # TODO ${line##*MISS: }" ;;
		*) ok 0 "$k $t: $want" ;;
		esac
	done
	grep "^$k  *thp-" $TMP/table | grep -q "unsafe\|cannot"
	ok $((! $?)) "$k THP at the default and off: arm64-broadcast and oracle are safe"
done
done_testing
