#!/bin/sh
# bench/validate.sh [-b BUILDDIR] [TRACE...] - the x86 model against what
# the kernel really did, one line per trace (default: every trace of the
# corpus that tools/record-corpus.sh wrote to ${CORPUS:-/work/corpus}, and
# the x86 samples).
#
# Columns, from `tlbreplay what-if --json --force -p
# x86-ipi,arm64-broadcast,oracle,local-only` (its "self_check"):
#   sent     shootdown IPIs the kernel really sent (ipi_send_cpu[mask] of a
#            traced flush_tlb_multi(): on_each_cpu_cond_mask, flush_tlb_func;
#            other IPIs are not counted)
#   unans    of those, IPIs no tlb_flush record on the target answered (a
#            silent flush_tlb_func(): the target was on init_mm)
#   pred     IPIs x86-ipi predicts
#   match    predicted IPIs matched one-to-one with sent ones (same flush,
#            same target CPU)
#   err      (pred - sent) / sent, or pred - sent when sent < 100
#   deliv    where the trace records how a shootdown reaches its targets
#            (tlbreplay record plans csd:csd_queue_cpu and
#            sched:sched_wake_idle_without_ipi; "-" where it does not): the
#            shootdown's deliveries, the CSDs of flush_tlb_func() queued
#            (csd_queue_cpu: an IPI, a poll of an idle CPU,
#            call_function_single_prep_ipi(), or a CSD queued behind another),
#            else the IPIs and the polled deliveries traced
#            (sched_wake_idle_without_ipi)
#   dmatch   predicted IPIs matched one-to-one with those deliveries; where
#            deliv is known, err and the target are taken against it, and
#            sent/match stay the IPI-only figures
#   range    the prediction as certain..certain+uncertain (the self-check's
#            "range": targets the trace cannot tell the kernel interrupted or
#            not: a trim by should_trim_cpumask() whose clock is unknown or
#            whose deadline's window holds the flush, a target mid-switch, a
#            wakee of the mm queued on the target's wake list);
#            "-" where nothing was uncertain (the range is the point)
#   unc      deliveries (sent, or deliv where known) to an uncertain target
#   calls    flush_tlb_multi() calls ("remote IPI send" records, the
#            kernel's decision that mm_cpumask holds another CPU): real /
#            predicted / matched (same flush). In a guest whose remote
#            flushes are hypercalls (PV) these are the shootdowns: no IPI
#            is sent.
#   other    IPIs the trace shows that are not shootdowns (not counted)
#   unsafe   unsafe findings of arm64-broadcast / oracle / local-only
#   unexpl   user write faults on present pages the model cannot explain,
#            percent of all write faults on present pages
#   verdict  the self-check's one-line verdict
# Target (issue 14): |err| <= 2% (or <= 2 when sent < 100), match >= 98%
# of sent; arm64-broadcast and oracle never unsafe; unexpl < 1%. A trailing
# "MISS" marks a line off target (the point prediction); "R-MISS" off target
# on the range as well: sent within 2% (2 under 100) of certain..
# certain+uncertain, and >= 98% of sent delivered to a certain target
# (matched one-to-one) or an uncertain one. A last "summary:" line totals the IPIs
# and counts the traces within 2%, >= 98% matched, unsafe, and on target,
# and how many missed IPIs went to a CPU in the middle of a switch (the
# self-check's missed_ipis_target_mid_switch: not predictable, still missed),
# and how many IPIs predicted and not sent were for a trim the model guessed
# (unsent_ipis_trim_guess: the trim clock of an mm older than the trace),
# and how many missed went to a CPU running another address space while
# that clock was a guess (missed_ipis_trim_guess: a trim the guess had
# not), and how many predicted went to a CPU that ran the shootdown without an IPI
# (unsent_ipis_target_polled: it answered with a remote flush; the CSD ran
# unannounced, call_function_single_prep_ipi() found it polling in idle).
set -u
cd "$(dirname "$0")/.." || exit 1
B=build
if [ "${1:-}" = -b ]; then B=$2; shift 2; fi
T=$B/cmd/tlbreplay
[ -x "$T" ] || { echo "build first: meson setup $B && ninja -C $B" >&2; exit 2; }
if [ $# -eq 0 ]; then
	C=${CORPUS:-/work/corpus}
	set -- $(ls "$C"/*.dat "$C"/*.perf.data 2>/dev/null) samples/usemem-fork-exec.dat \
		samples/mprotect-churn.dat samples/stress-ng-vm-fork.dat samples/mprotect-churn.perf.data
fi
FORCE=$("$T" what-if --help 2>&1 | grep -q -- --force && echo --force)
printf '%-34s %6s %5s %6s %6s %6s %6s %7s %11s %4s %17s %6s %11s %6s %s\n' trace sent unans pred \
	match deliv dmatch err range unc calls:real/pr/ma other unsafe:a/o/l unexpl verdict
for f in "$@"; do
	"$T" what-if --json $FORCE -p x86-ipi,arm64-broadcast,oracle,local-only "$f" \
		>/tmp/validate.$$.json 2>/tmp/validate.$$.err
	python3 - "$f" /tmp/validate.$$.json /tmp/validate.$$.err <<'PY'
import json, os, sys
name, path, errpath = sys.argv[1], sys.argv[2], sys.argv[3]
short = os.path.basename(name)[:34]
try:
    d = json.load(open(path))
except Exception:
    err = open(errpath).read().strip().splitlines()
    print('%-34s failed: %s' % (short, err[-1] if err else 'no output'))
    sys.exit(0)
pol = {p['name']: p for p in d['policies']}
sc = d.get('self_check')
if sc is None:          # before the self-check existed: the raw counts
    sc = {'shootdown_ipis_sent': d['checks']['real_ipis'], 'other_ipis': -1,
          'predicted_ipis': pol['x86-ipi']['ipis'], 'matched_ipis': -1,
          'calls_real': d['checks']['real_ipi_shootdowns'], 'calls_predicted': -1,
          'calls_matched': -1, 'verdict': '(no self-check)'}
sent, pred, match = sc['shootdown_ipis_sent'], sc['predicted_ipis'], sc['matched_ipis']
ipi_sent, ipi_match = sent, match
deliv, dmatch = '-', '-'
if 'deliveries' in sc:  # the trace records the deliveries: the target is taken on them
    sent, match = sc['deliveries'], sc['matched_deliveries']
    deliv, dmatch = str(sent), str(match)
if sent >= 100:
    err = '%+.1f%%' % (100.0 * (pred - sent) / sent)
    ok = abs(pred - sent) <= 0.02 * sent
else:
    err = '%+d' % (pred - sent)
    ok = abs(pred - sent) <= 2
ok = ok and (sent == 0 or match >= 0.98 * sent)
ua, uo, ul = (pol[p]['unsafe'] for p in ('arm64-broadcast', 'oracle', 'local-only'))
ok = ok and ua == 0 and uo == 0
calls = '%d/%d/%d' % (sc['calls_real'], sc['calls_predicted'], sc['calls_matched'])
cok = sc['calls_real'] == 0 or (abs(sc['calls_predicted'] - sc['calls_real']) <=
                                max(2, 0.02 * sc['calls_real']) and
                                sc['calls_matched'] >= 0.98 * sc['calls_real'])
wfp, unx = d['checks'].get('write_faults_present', 0), d['checks'].get('unexplained', 0)
unexpl = 100.0 * unx / wfp if wfp else 0.0
ok = ok and unexpl < 1.0
w = abs(pred - sent) <= (0.02 * sent if sent >= 100 else 2)
rg = sc.get('range')
if rg:                  # the range: certain..certain+uncertain
    lo, hi, unc = rg['low'], rg['high'], rg['delivered_uncertain']
    tol = 0.02 * sent if sent >= 100 else 2
    rw = lo - tol <= sent <= hi + tol
    rm = sent == 0 or rg['delivered_certain'] + unc >= 0.98 * sent
    rng, uncs = '%d..%d' % (lo, hi), str(unc)
    dc = rg['delivered_certain']
else:                   # nothing uncertain: the range is the point
    lo = hi = pred
    unc, rw, rm, dc = 0, w, sent == 0 or match >= 0.98 * sent, match
    rng, uncs = '-', '-'
rok = rw and rm and ua == 0 and uo == 0 and unexpl < 1.0 and cok
print('%-34s %6d %5d %6d %6d %6s %6s %7s %11s %4s %17s %6d %11s %5.2f%% %s%s%s' % (short, ipi_sent,
      sc['unanswered_ipis'], pred, ipi_match, deliv, dmatch, err, rng, uncs, calls,
      sc.get('other_ipis', -1), '%d/%d/%d' % (ua, uo, ul), unexpl,
      sc['verdict'][:50], '' if ok and cok else '  MISS', '' if rok else '  R-MISS'))
ubw = (rg or {}).get('delivered_uncertain_by_why', {})
with open(sys.argv[3] + '.sum', 'a') as f:
    f.write('%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n' % (sent, pred, match, w, sent == 0 or match >= 0.98 * sent,
                                                ua > 0, uo > 0, ok and cok,
                                                sc.get('missed_ipis_target_mid_switch', 0),
                                                sc.get('unsent_ipis_trim_guess', 0),
                                                sc.get('unsent_ipis_target_polled', 0),
                                                sc.get('missed_ipis_trim_guess', 0),
                                                ipi_sent, ipi_match, 'deliveries' in sc,
                                                lo, hi, unc, rw, rm, rok,
                                                ubw.get('trim_clock_unknown', 0),
                                                ubw.get('trim_deadline_window', 0),
                                                ubw.get('target_mid_switch', 0), dc,
                                                ubw.get('wakee_queued', 0)))
PY
done
python3 - /tmp/validate.$$.err.sum <<'PY'
import sys
try:
    rows = [list(map(int, l.split())) for l in open(sys.argv[1])]
except OSError:
    sys.exit(0)
t = [sum(r[i] if i < len(r) else 0 for r in rows) for i in range(26)]
print('summary: %d traces; shootdown IPIs (deliveries where traced) sent %d, predicted %d, matched %d (%.1f%%); '
      'within 2%% (2 under 100): %d; >= 98%% matched: %d; arm64-broadcast unsafe on %d, '
      'oracle unsafe on %d; every target met: %d; of the %d missed, %d to a CPU mid-switch '
      '(LOADED_MM_SWITCHING race, still counted as missed), %d to a CPU running another '
      'address space for a trim the guessed clock did not have; of the %d predicted and not sent, '
      '%d for a guessed trim, %d to a target that polled (ran the shootdown without an IPI)'
      % (len(rows), t[0], t[1], t[2],
      100.0 * t[2] / t[0] if t[0] else 100.0, t[3], t[4], t[5], t[6], t[7], t[0] - t[2], t[8],
      t[11], t[1] - t[2], t[9], t[10]))
print('  range: certain..certain+uncertain %d..%d against %d sent; %d of them delivered to a '
      'certain target (matched one-to-one), %d to an uncertain one (%d trim clock unknown, %d in '
      'its deadline\'s window, %d mid-switch, %d wakee queued), %d to neither (missed); %d '
      'certain not delivered; '
      'on the range, within 2%% (2 under 100): %d; >= 98%% delivered to a certain or an '
      'uncertain target: %d; every target met: %d'
      % (t[15], t[16], t[0], t[24], t[17], t[21], t[22], t[23], t[25], t[0] - t[24] - t[17],
         t[15] - t[24], t[18], t[19], t[20]))
if t[14]:
    print('         (on the %d traces that record the deliveries, sent and matched above are '
          'the deliveries: the CSDs of flush_tlb_func() queued, or the IPIs and polled '
          'deliveries; IPIs only, all traces: sent %d, matched %d)' % (t[14], t[12], t[13]))
PY
rm -f /tmp/validate.$$.json /tmp/validate.$$.err /tmp/validate.$$.err.sum
