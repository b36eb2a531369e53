#!/usr/bin/env python3
# cross-arch-table.py OUTDIR KERNEL...
#
# tools/cross-arch.sh's table (Markdown), from OUTDIR/KERNEL-PROGRAM.json
# (tlbreplay diff --against --json): for every program and arm64 kernel,
# per flush site both architectures share, the broadcasts per operation
# arm64-broadcast predicts from the x86 trace against those the arm64
# kernel executed (TLBI census): their difference in percent (target:
# within 5%; "-" where the site has no broadcast on either side, "p/c"
# counts where the census counted none or the operation is missing); in all
# (counts); and per seed policy the broadcasts it saves, predicted from x86
# against replayed on the arm64 trace, in percentage points apart (target:
# within 5).
import json
import os
import sys

SHARED = ["wp-reuse", "cow", "mprotect", "zap", "mremap", "fork", "exec", "exit"]
SEEDS = [("wp-local", "wp-local"), ("active-cpu", "active-cpu"),
         ("pte-needs-flush", "pte-needs-flush"), ("wp-local+active-cpu", "wp+active")]


def main():
    out, kernels = sys.argv[1], sys.argv[2:]
    progs = []
    if os.path.exists(os.path.join(out, "x86", "programs.txt")):
        progs = [l.split()[0] for l in open(os.path.join(out, "x86", "programs.txt")) if l.strip()]
    print("| program | arm64 | " + " | ".join(SHARED) + " | all: predicted / executed | "
          "within 5% | savings x86 / arm64, pp apart |")
    print("|---|---|" + "---:|" * len(SHARED) + "---:|---:|---|")
    within_all = total = 0
    for p in progs:
        for k in kernels:
            f = os.path.join(out, "%s-%s.json" % (k, p))
            if not os.path.exists(f):
                print("| %s | %s | not compared |" % (p, k))
                continue
            d = json.load(open(f))
            rows = {r["site"]: r for r in d["sites"]}
            cells, within, n = [], 0, 0
            for s in SHARED:
                r = rows.get(s)
                if not r:
                    cells.append("")
                    continue
                n += 1
                if r["per_operation"] == "none" or r["difference"] is None:
                    cells.append("%d/%d" % (r["predicted"], r["census"]))
                    continue
                cells.append("%+.1f%%" % r["difference"])
                within += abs(r["difference"]) <= 5
            a = rows["all"]
            sv = {r["policy"]: r for r in d["savings"]}
            saves = []
            for s, short in SEEDS:
                r = sv.get(s)
                if not r or r["before_saved"] is None or r["after_saved"] is None:
                    continue
                if r["before_saved"] == 0 and r["after_saved"] == 0:
                    continue
                saves.append("%s %.1f/%.1f (%+.1f)" % (short, r["before_saved"], r["after_saved"],
                                                     r["difference_pp"]))
            within_all += within
            total += n
            kern = k
            print("| %s | %s | %s | %d / %d | %d of %d | %s |" % (
                p, kern, " | ".join(cells), a["predicted"], a["census"], within, n,
                "; ".join(saves) or "none saves"))
    print()
    print("%d of %d site comparisons within 5%%." % (within_all, total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
