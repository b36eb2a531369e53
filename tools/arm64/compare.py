#!/usr/bin/env python3
# compare.py TLBREPLAY DIR...
#
# The qemu suite's table: for each program of each DIR (one per kernel, as
# tools/arm64/run-guest.sh leaves them: all.dat and programs.txt, a row per
# program's process tree, --pid, and one for the whole trace, "all"; or one
# trace.dat per program, as older runs left them), the broadcast flushes the kernel
# executed (the TLBI census) against those arm64-broadcast predicts, per
# site and in all, the unsafe findings of each policy, and the share of
# executed TLBIs the census could not attribute (site "unknown").
#
# Targets (issue 15): predicted within 2% of executed in all and at every
# site (or within 2), arm64-broadcast and oracle never unsafe, at most 1% of
# the executed TLBIs unknown. Where the replay cannot know whether the kernel
# flushed (what-if's "uncertain": madvise COLD/PAGEOUT/FREE flush only PTEs
# the hardware marked young or dirty), the prediction is a range LO..HI and
# the executed count must fall in it (within 2% or 2 of either end). Lines that miss one end with "MISS: ...";
# the exit status is 1 when any does (--report-only: always 0).
import json
import os
import subprocess
import sys

POLICIES = "arm64-broadcast,oracle,wp-local,local-only"


def run(tlbreplay, args):
    out = subprocess.run([tlbreplay] + args, capture_output=True, text=True)
    if out.returncode not in (0, 4):
        raise RuntimeError("%s: %s" % (" ".join(args), out.stderr.strip()))
    return json.loads(out.stdout)


def near(pred, real, lo=None):
    """pred within 2% (or 2) of real; with lo, real within [lo, pred] so widened"""
    slack = max(2, 0.02 * real)
    if lo is not None and lo < pred:
        return lo - slack <= real <= pred + slack
    return abs(pred - real) <= slack


def main():
    argv = sys.argv[1:]
    report_only = "--report-only" in argv
    argv = [a for a in argv if a != "--report-only"]
    if len(argv) < 2:
        print("usage: compare.py [--report-only] TLBREPLAY DIR...", file=sys.stderr)
        return 2
    tlbreplay, dirs = argv[0], argv[1:]
    missed = 0
    print("%-6s %-16s %-5s %9s %9s %7s  %-44s %s" % ("kernel", "program", "thp", "executed",
          "predicted", "unknown", "per site (executed/predicted)", "unsafe"))
    for d in dirs:
        kernel = os.path.basename(os.path.normpath(d))
        thp, pids, rows = {}, {}, []
        if os.path.exists(os.path.join(d, "programs.txt")):
            for line in open(os.path.join(d, "programs.txt")):
                w = line.split()
                for x in w[1:]:
                    if x.startswith("thp="):
                        thp[w[0]] = x[4:]
                    elif x.startswith("pid="):
                        pids[w[0]] = x[4:]
        # one trace of every program (all.dat): a row per program (its process
        # tree, --pid), and the whole trace; else one trace per program
        if os.path.exists(os.path.join(d, "all.dat")):
            path = os.path.join(d, "all.dat")
            rows = [(n, path, ["--pid", pids[n]]) for n in pids]
            rows.append(("all", path, []))
        for f in sorted(os.listdir(d)):
            if not f.endswith(".dat") or f in ("all.dat", "sigint.dat", "sigterm.dat",
                                                 "killed.dat", "next.dat"):
                continue
            rows.append((f[:-4], os.path.join(d, f), []))
        for name, path, scope in rows:
            try:
                w = run(tlbreplay, ["what-if", "--json", "-p", POLICIES] + scope + [path])
                # (stat counts the whole trace: only the row of all of it needs it)
                s = None if scope else run(tlbreplay, ["stat", "--json", path])
            except (RuntimeError, json.JSONDecodeError) as e:
                print("%-6s %-16s cannot replay: %s  MISS" % (kernel, name, e))
                missed += 1
                continue
            real = w["checks"]["tlbi_broadcast_ops_by_site"]
            pol = {p["name"]: p for p in w["policies"]}
            pred = pol["arm64-broadcast"]["by_site"]
            tr, tp = sum(real.values()), pol["arm64-broadcast"]["broadcasts"]
            # flushes the trace cannot decide (the accessed/dirty flags, a split
            # that may find no huge PMD): the prediction is a range, lo..pred
            unsure = pol["arm64-broadcast"].get("by_site_uncertain", {})
            tlo = tp - pol["arm64-broadcast"].get("broadcasts_uncertain", 0)
            if scope:	# a program: its broadcast flushes (stat counts the whole trace)
                ins, unk = tr, real.get("unknown", 0)
            else:
                ins = sum(r["broadcast_tlbis"] + r["local_tlbis"]
                          for r in s["flushes"]["tlbi_by_site"])
                unk = sum(r["broadcast_tlbis"] + r["local_tlbis"]
                          for r in s["flushes"]["tlbi_by_site"] if r["site"] == "unknown")
            sites, why = [], []
            for site in sorted(set(real) | set(pred)):
                r, p = real.get(site, 0), pred.get(site, 0)
                lo = p - unsure.get(site, 0)
                sites.append("%s %d/%s" % (site, r, "%d..%d" % (lo, p) if lo < p else p))
                if not near(p, r, lo) and site != "unknown":
                    why.append(site)
            if not near(tp, tr, tlo):
                why.append("all")
            if pol["arm64-broadcast"]["unsafe"] or pol["oracle"]["unsafe"]:
                why.append("unsafe")
            if ins and unk > 0.01 * ins:
                why.append("unknown")
            unsafe = " ".join("%s=%d" % (n, p["unsafe"]) for n, p in pol.items())
            print("%-6s %-16s %-5s %9d %9s %6.1f%%  %-44s %s%s" % (
                kernel, name, thp.get(name, "?"), tr,
                "%d..%d" % (tlo, tp) if tlo < tp else tp, 100.0 * unk / ins if ins else 0,
                ", ".join(sites), unsafe, "  MISS: " + ",".join(why) if why else ""))
            missed += bool(why)
            # the census's blind spots: broadcast sites the kernel refused a kprobe for
            if not scope and w["checks"].get("tlbi_unprobed_broadcast_sites"):
                print("%-6s census blind at %d broadcast sites (not counted): %s" % (
                    kernel, w["checks"]["tlbi_unprobed_broadcast_sites"],
                    w["checks"]["tlbi_unprobed_at"]))
    return 0 if report_only or not missed else 1


if __name__ == "__main__":
    sys.exit(main())
