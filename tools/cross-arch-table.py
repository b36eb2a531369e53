#!/usr/bin/env python3
# cross-arch-table.py OUTDIR KERNEL...
#
# tools/cross-arch.sh's table (Markdown), from OUTDIR/KERNEL-PROGRAM.json
# (tlbreplay diff --against --json): for every program and arm64 kernel,
# per flush site both architectures share, the broadcasts per operation
# arm64-broadcast predicts from the x86 trace against those the arm64
# kernel executed (TLBI census), "predicted / executed (difference)", the
# difference in percent (target: within 5%; "-" where the site has no
# broadcast on either side, "p/c" counts where the census counted none or
# the operation is missing); a prediction with uncertain flush points is
# the range "lo..hi / executed (lo..hi%)" from the certain points alone to
# all of them, within 5% judged as diff --against judges it (within_5pct:
# yes when every difference the range allows is; "?" marks an unknown
# verdict); in all (counts); and per seed policy the broadcasts it saves,
# predicted from x86 against replayed on the arm64 trace, in percentage
# points apart (target: within 5): a range "lo..hi" where a side has
# uncertain flush points, and "within 5 pp" judged as diff --against
# judges it (within_5pp: every difference the ranges allow within 5 pp).
# wp-reuse and cow are compared per write fault of their kind (reused,
# copied: each trace's own): each trace's flushes follow its own faults of
# the kind one for one, so that figure is 1.000 / 1.000 by construction
# where the model keeps the rule (one flush a fault): "rule" in the cell,
# within_5pct "rule", counted apart from the hits (a "no" stays a miss: the
# rule broke). The cell adds "count per wf p/e (diff)", the broadcasts per
# user write fault on x86 / on arm64 (diff --against's rows wp-reuse/wf,
# cow/wf): the count, the programs' difference and the model's together,
# counted apart too. zap, where either side freed page tables at an unmap
# (diff --against's rows zap:pages, zap:tables, zap:tbl/call), is "pages"
# the rest per unmap call, judged, and the column zap:tables the table
# flushes per unmap call that freed tables (each side's own calls: one
# flush a call by construction, "rule" as wp-reuse and cow; "p/e" the
# counts where a side freed none: nothing to judge, "layout", counted
# apart) with "count per call p/e (diff)", the table flushes per unmap
# call (diff --against's zap:tbl/call: how many calls freed tables, the
# layout's doing and the model's), counted with the counts per user write
# fault. A site with fewer than 20 broadcasts on each side is "(few)":
# one flush more or less moves it by more than 5 %, so diff --against judges
# it neither a hit nor a miss (within_5pct "few"), counted apart. After
# the summary, each site judged unknown or not within 5 % is named with
# why: an unknown's uncertain flush points as diff --against's note on
# them says (BEFORE's), a miss's operations as each side counted them.
import json
import os
import sys

SHARED = ["wp-reuse", "cow", "mprotect", "zap", "zap:tables", "mremap", "fork", "exec", "exit"]
SEEDS = [("wp-local", "wp-local"), ("active-cpu", "active-cpu"),
         ("pte-needs-flush", "pte-needs-flush"), ("wp-local+active-cpu", "wp+active")]


def rng(lo, hi, fmt):
    """lo..hi, one figure when they are equal to 0.1"""
    if lo is None or hi is None:
        return "?"
    a, b = fmt % lo, fmt % hi
    return a if a == b else "%s..%s" % (a, b)


def main():
    out, kernels = sys.argv[1], sys.argv[2:]
    progs = []
    if os.path.exists(os.path.join(out, "x86", "programs.txt")):
        progs = [l.split()[0] for l in open(os.path.join(out, "x86", "programs.txt")) if l.strip()]
    print("| program | arm64 | " + " | ".join(SHARED) + " | all: predicted / executed | "
          "within 5% | savings x86 / arm64, pp apart |")
    print("|---|---|" + "---:|" * len(SHARED) + "---:|---:|---|")
    within_all = total = unknown = misses = few = rule = layout = 0
    tables = []
    cnt = {"yes": 0, "no": 0, "few": 0, "unknown": 0, "-": 0}
    sv_n = sv_within = sv_unknown = 0
    judged = []	# the sites not within 5%, and those unknown: said apart, with why
    for p in progs:
        for k in kernels:
            f = os.path.join(out, "%s-%s.json" % (k, p))
            if not os.path.exists(f):
                print("| %s | %s | not compared |" % (p, k))
                continue
            d = json.load(open(f))
            rows = {r["site"]: r for r in d["sites"]}
            ops = {r["operation"]: r for r in d["operations"]}
            wf = ops.get("write fault")
            cells, within, n, rule0 = [], 0, 0, rule
            for s in SHARED:
                r = rows.get(s)
                tb = None
                if s == "zap" and "zap:pages" in rows:
                    # like with like: zap apart from the page-table flushes,
                    # which the address space's layout decides
                    r, tb = rows["zap:pages"], rows["zap:tables"]
                if not r:
                    cells.append("")
                    continue
                c = rows.get(s + "/wf") or (rows.get("zap:tbl/call") if s == "zap:tables" else None)
                if s == "zap:tables" and r["per_operation"] == "none":
                    # a side freed no table: nothing to judge per call that
                    # freed one; the count per unmap call says the layout
                    layout += 1
                    cells.append("%d/%d layout" % (r["predicted"], r["census"]))
                    if c:
                        cv = c["within_5pct"]
                        cnt[cv] = cnt.get(cv, 0) + 1
                        cells[-1] += "; count per call %.3f/%.3f (%s)%s" % (
                            c["predicted_per_op"], c["census_per_op"], c["difference_range"],
                            {"few": " (few)", "unknown": "?"}.get(cv, ""))
                    continue
                n += 1
                if r["per_operation"] == "none" or r["difference"] is None:
                    cells.append("%d/%d" % (r["predicted"], r["census"]))
                    continue
                v = r.get("within_5pct")
                if v is None:	# a tlbreplay before the site ranges
                    v = "yes" if abs(r["difference"]) <= 5 else "no"
                lo = r.get("predicted_per_op_min")
                if r.get("predicted_uncertain") and lo is not None and \
                        "%.3f" % lo != "%.3f" % r["predicted_per_op"]:
                    cells.append("%.3f..%.3f / %.3f (%s)%s" % (
                        lo, r["predicted_per_op"], r["census_per_op"], r["difference_range"],
                        "?" if v == "unknown" else ""))
                else:
                    cells.append("%.3f / %.3f (%+.1f%%)" % (r["predicted_per_op"],
                                                          r["census_per_op"], r["difference"]))
                per = "call" if s == "zap:tables" else "wf"
                if v == "rule":
                    cells[-1] += " rule"
                if c and c["predicted_per_op"] is not None and c["census_per_op"] is not None:
                    cv = c["within_5pct"]
                    cnt[cv] = cnt.get(cv, 0) + 1
                    cells[-1] += "; count per %s %.3f/%.3f (%s)%s" % (
                        per, c["predicted_per_op"], c["census_per_op"], c["difference_range"],
                        {"few": " (few)", "unknown": "?"}.get(cv, ""))
                elif c:
                    cnt["-"] += 1
                    cells[-1] += "; count %d/%d" % (c["predicted"], c["census"])
                if tb:
                    cells[-1] = "pages " + cells[-1]
                    tables.append("%s %s %d/%d" % (p, k, tb["predicted"], tb["census"]))
                if v == "few":
                    cells[-1] += " (few)"
                rule += v == "rule"
                within += v == "yes"
                unknown += v == "unknown"
                misses += v == "no"
                few += v == "few"
                if v in ("unknown", "no"):
                    judged.append((p, k, s, cells[-1], v, r, d))
            a = rows["all"]
            sv = {r["policy"]: r for r in d["savings"]}
            saves = []
            for s, short in SEEDS:
                r = sv.get(s)
                if not r or r["before_saved"] is None or r["after_saved"] is None:
                    continue
                if not any(r[k] for k in ("before_saved_min", "before_saved_max",
                                          "after_saved_min", "after_saved_max")):
                    continue
                v = r["within_5pp"]
                sv_n += 1
                sv_within += v == "yes"
                sv_unknown += v == "unknown"
                saves.append("%s %s/%s (%s)%s" % (
                    short, rng(r["before_saved_min"], r["before_saved_max"], "%.1f"),
                    rng(r["after_saved_min"], r["after_saved_max"], "%.1f"),
                    rng(r["difference_pp_min"], r["difference_pp_max"], "%+.1f"),
                    "?" if v == "unknown" else ""))
            within_all += within
            total += n
            kern = k
            print("| %s | %s | %s | %d / %d | %d of %d%s | %s |" % (
                p, kern, " | ".join(cells), a["predicted"], a["census"], within, n,
                " (%d rule)" % (rule - rule0) if rule > rule0 else "",
                "; ".join(saves) or "none saves"))
    print()
    print("%d of %d site comparisons within 5%%, %d not, %d unknown (uncertain flush points "
          "leave the range across 5%%), %d too few to judge (few: fewer than 20 broadcasts on "
          "each side, where one flush more or less moves a site by more than 5%%), %d true by "
          "construction (rule: wp-reuse and cow per fault of the kind check the rule, not the "
          "count; zap:tables per unmap call that freed tables, one flush a call); %d "
          "layout (zap:tables where one side freed no table: nothing to judge per such "
          "call); their counts per user write fault and per unmap call: %d within 5%%, "
          "%d not, %d few; %d of %d savings comparisons within 5 pp (%d unknown: uncertain "
          "flush points leave the range across 5 pp)."
          % (within_all, total, misses, unknown, few, rule, layout, cnt["yes"], cnt["no"],
             cnt["few"], sv_within, sv_n, sv_unknown))
    for p, k, s, cell, v, r, d in judged:
        if v == "unknown":
            # why: diff --against's note on BEFORE's uncertain flush points
            why = next((n["text"] for n in d.get("notes", []) if n.get("key") == "uncertain"), "")
            i = why.find("Why: BEFORE (")
            why = why[i + 5:].split(" AFTER (")[0].rstrip(" ;.") if i >= 0 else "not said"
            print()
            print("Unknown: %s on %s, %s %s: the range crosses 5%%, and BEFORE's uncertain "
                  "flush points say why: %s." % (p, k, s, cell.rstrip("?"), why))
        else:
            print()
            print("Not within 5%%: %s on %s, %s %s, per %s: %s before, %s after (the "
                  "operations each side counted: where they differ, the programs or their "
                  "layout did)." % (p, k, s, cell, r["per_operation"], r["before_ops"],
                                    r["after_ops"]))
    if tables:
        print()
        print("zap is compared apart from the flushes of freed page tables (\"pages\": per "
              "unmap call, like with like), which the address space's layout decides (an "
              "unmap frees a PTE page where no other mapping is left in its 2 MiB): the "
              "column zap:tables, per unmap call that freed tables; those flushes, x86 "
              "(where the model says a table was freed) / arm64 (gathers with "
              "freed_tables): %s." % ", ".join(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
