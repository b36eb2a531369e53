#!/usr/bin/env python3
# cross-arch-table.py OUTDIR KERNEL...
#
# tools/cross-arch.sh's table (Markdown): for every program and arm64
# kernel, from OUTDIR/KERNEL-PROGRAM.json (tlbreplay diff --against
# --json), per flush site both architectures share: the broadcasts per
# operation arm64-broadcast predicts from the x86 trace against those the
# arm64 kernel executed (TLBI census), and their difference (target: within
# 5%); and per seed policy the broadcasts saved, predicted from x86 against
# replayed on the arm64 trace, in percentage points (target: within 5).
import json
import os
import sys

SHARED = ["wp-reuse", "cow", "mprotect", "zap", "mremap", "fork", "exec", "exit"]
SEEDS = ["wp-local", "active-cpu", "pte-needs-flush", "batched-reclaim", "wp-local+active-cpu"]


def pct(v):
    return "-" if v is None else "%+.1f%%" % v


def main():
    out, kernels = sys.argv[1], sys.argv[2:]
    progs = []
    if os.path.exists(os.path.join(out, "x86", "programs.txt")):
        progs = [l.split()[0] for l in open(os.path.join(out, "x86", "programs.txt")) if l.strip()]
    print("| program | arm64 kernel | per site: predicted/op from x86, census/op on arm64 "
          "(per what), difference | in all (counts) | sites within 5% | seed savings "
          "x86 / arm64 (pp apart) |")
    print("|---|---|---|---|---|---|")
    for p in progs:
        for k in kernels:
            f = os.path.join(out, "%s-%s.json" % (k, p))
            if not os.path.exists(f):
                print("| %s | %s | not compared (no result) | | | |" % (p, k))
                continue
            d = json.load(open(f))
            sites, within, n = [], 0, 0
            total = ""
            for r in d["sites"]:
                if r["site"] == "all":
                    total = "%d / %d (%s)" % (r["predicted"], r["census"], pct(r["difference"]))
                    continue
                if r["site"] not in SHARED:
                    sites.append("%s %d/%d (count)" % (r["site"], r["predicted"], r["census"]))
                    continue
                if r["per_operation"] == "none":
                    sites.append("%s %d/%d (count) %s" % (r["site"], r["predicted"], r["census"],
                                                          pct(r["difference"])))
                else:
                    sites.append("%s %.3f/%.3f per %s %s" % (
                        r["site"], r["predicted_per_op"], r["census_per_op"],
                        r["per_operation"], pct(r["difference"])))
                n += 1
                if r["difference"] is not None and abs(r["difference"]) <= 5:
                    within += 1
            sv = {r["policy"]: r for r in d["savings"]}
            saves = []
            for s in SEEDS:
                r = sv.get(s)
                if not r or r["before_saved"] is None or r["after_saved"] is None:
                    continue
                if r["before_saved"] == 0 and r["after_saved"] == 0:
                    continue
                saves.append("%s %.1f%% / %.1f%% (%+.1f)" % (s, r["before_saved"], r["after_saved"],
                                                          r["difference_pp"]))
            print("| %s | %s | %s | %s | %d of %d | %s |" % (
                p, d["after"]["kernel"] or k, "<br>".join(sites), total, within, n,
                "<br>".join(saves) or "none saves"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
