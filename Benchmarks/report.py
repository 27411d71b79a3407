#!/usr/bin/env python3
"""Turns Benchmarks/run's raw measurements into the results table.

    report.py main  RAW.tsv  META.env  RESULTS.md
    report.py scale SCALE.tsv META.env RESULTS.md

Prints the table and rewrites its own section of RESULTS.md (the main run and
the --scale run each keep the other's section).
"""
import os
import re
import statistics
import sys
from collections import defaultdict

TICK = os.sysconf("SC_CLK_TCK")
ORDER = ["native", "gatefs", "gatefs-summary", "bindfs", "loggedfs"]
NAMES = {
    "dd-cold": "dd big.bin, cold", "dd-warm": "dd big.bin, warm", "fio-rand4k": "random 4 KiB reads (fio)",
    "find": "find -printf %s (stat all)", "du": "du -s", "tar": "tar cf - \\| cat", "rg": "rg",
    "openclose": "open+close one file", "readdir50k": "readdir 50k flat dir", "git-status": "git status",
    "git-log": "git log -p -20",
}
# Issue 6's limits for the default (fully audited) mode: ratio to native,
# except open+close (absolute microseconds) and dd cold (throughput, so the
# time ratio may be at most 1/0.75).
LIMITS = {"find": 3, "du": 4, "tar": 5, "rg": 10, "fio-rand4k": 18, "readdir50k": 1.0, "dd-cold": 1 / 0.75}
OPENCLOSE_US = 40


def fmt(x):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def size(b):
    if b is None:
        return "–"
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= scale:
            return f"{b / scale:.1f} {unit}"
    return f"{b:.0f} B"


def read_meta(path):
    meta = {}
    for line in open(path, encoding="utf-8"):
        k, _, v = line.rstrip("\n").partition("=")
        meta[k] = v
    return meta


def header(meta):
    return [
        f"- date: {meta['date']}",
        f"- command: `{meta['command']}`",
        f"- machine: {meta['nproc']} cores ({meta['cpu']}), {meta['memory']}, kernel {meta['kernel']}, "
        f"corpus on {meta['fs']}, fd hard limit {meta['fdlimit']}",
        f"- gatefs: {meta['gatefs']}; {meta['versions']}",
        f"- corpus: {meta['corpus']}",
        f"- {meta['params']}",
    ]


def main_report(raw, meta):
    rows = [line.rstrip("\n").split("\t") for line in open(raw, encoding="utf-8") if line.strip()]
    m = defaultdict(dict)          # (wl, target) -> {round: metric}
    extra = defaultdict(list)      # (wl, target) -> [(cpu s, hwm KiB, rss KiB, log bytes)]
    checks = defaultdict(dict)     # (wl, round) -> {target: check}
    units, workloads, targets = {}, [], []
    for rnd, wl, t, metric, unit, _wall, cpu, hwm, rss, logb, check in rows:
        m[(wl, t)][rnd] = float(metric)
        extra[(wl, t)].append((int(cpu) / TICK, int(hwm), int(rss), int(logb)))
        checks[(wl, rnd)][t] = check
        units[wl] = unit
        if wl not in workloads:
            workloads.append(wl)
        if t not in targets:
            targets.append(t)
    targets = [t for t in ORDER if t in targets] + [t for t in targets if t not in ORDER]

    def median(wl, t):
        v = m.get((wl, t))
        return statistics.median(v.values()) if v else None

    def ratio(wl, t):
        """Median over rounds of target/native measured in the same round."""
        v, n = m.get((wl, t)), m.get((wl, "native"))
        if not v or not n:
            return None
        rs = [v[r] / n[r] for r in v if r in n and n[r] > 0]
        return statistics.median(rs) if rs else None

    def daemon(wl, t, i, agg):
        v = [e[i] for e in extra.get((wl, t), [])]
        return agg(v) if v else None

    fuse = [t for t in targets if t != "native"]
    cols = ["workload", "unit"] + targets
    gate = "gatefs" in targets
    if gate:
        cols += ["gatefs CPU s", "gatefs peak RSS", "gatefs log"]
    if "gatefs-summary" in targets:
        cols += ["summary log"]
    table = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for wl in workloads:
        cells = [NAMES.get(wl, wl), units[wl]]
        for t in targets:
            med = median(wl, t)
            r = ratio(wl, t) if t != "native" else None
            cells.append(fmt(med) + (f" ({fmt(r)}×)" if r is not None else ""))
        if gate:
            cells += [fmt(daemon(wl, "gatefs", 0, statistics.median)),
                      f"{daemon(wl, 'gatefs', 1, max) / 1024:.1f} MiB",
                      size(daemon(wl, "gatefs", 3, statistics.median))]
        if "gatefs-summary" in targets:
            cells.append(size(daemon(wl, "gatefs-summary", 3, statistics.median)))
        table.append("| " + " | ".join(cells) + " |")

    detail = ["| workload | " + " | ".join(f"{t} CPU s / peak RSS / log" for t in fuse) + " |",
              "|---|" + "---|" * len(fuse)]
    for wl in workloads:
        cells = [NAMES.get(wl, wl)]
        for t in fuse:
            cells.append(f"{fmt(daemon(wl, t, 0, statistics.median))} / "
                         f"{daemon(wl, t, 1, max) / 1024:.1f} MiB / {size(daemon(wl, t, 3, statistics.median))}")
        detail.append("| " + " | ".join(cells) + " |")

    mismatches = []
    for (wl, rnd), byt in sorted(checks.items()):
        base = byt.get("native")
        for t, c in byt.items():
            if base is not None and c != base:
                mismatches.append(f"{wl} round {rnd}: {t} gave `{c}`, native `{base}`")

    verdicts = []
    if gate:
        for wl, limit in LIMITS.items():
            r = ratio(wl, "gatefs")
            if r is None:
                continue
            ok = r <= limit
            if wl == "dd-cold":
                verdicts.append(f"- {'met' if ok else 'MISSED'}: cold dd throughput {fmt(1 / r)}× native (target ≥ 0.75×)")
            else:
                verdicts.append(f"- {'met' if ok else 'MISSED'}: {NAMES[wl]} {fmt(r)}× native (target ≤ {fmt(limit)}×)")
        oc = median("openclose", "gatefs")
        if oc is not None:
            verdicts.append(f"- {'met' if oc <= OPENCLOSE_US else 'MISSED'}: open+close {fmt(oc)} µs (target ≤ {OPENCLOSE_US} µs)")
        for peer, need in (("loggedfs", {"find": 10, "du": 10, "rg": 10}), ("bindfs", {})):
            if peer not in targets:
                continue
            slower = []
            for wl in workloads:
                g, p = median(wl, "gatefs"), median(wl, peer)
                if g is None or p is None:
                    continue
                factor = need.get(wl, 1)
                if p / g < factor or (factor == 1 and p <= g):
                    slower.append(f"{NAMES.get(wl, wl)} ({fmt(p / g)}×{', needs ≥ ' + str(factor) + '×' if factor > 1 else ''})")
            req = "≥ 10× on find, du and rg, faster on the rest" if peer == "loggedfs" else "faster on every workload"
            verdicts.append(f"- {'met' if not slower else 'MISSED'}: against {peer} ({req})"
                            + (f"; not met on: {', '.join(slower)}" if slower else ""))
        lo, hi = daemon("find", "gatefs", 1, min), daemon("find", "gatefs", 1, max)
        if hi is not None:
            verdicts.append(f"- {'met' if hi <= 64 * 1024 else 'MISSED'}: gatefs peak RSS during find over the tree "
                            f"{lo / 1024:.1f} MiB in the best round, {hi / 1024:.1f} MiB in the worst "
                            f"(target ≤ 64 MiB and flat across repeats; see --scale for a larger tree)")

    out = ["## Side by side", ""] + header(meta) + [
        "",
        "Each cell: the median over the rounds, and in parentheses the median of the per-round ratios to native "
        "(lower is better; for dd the ratio of times is the inverse of the throughput ratio). "
        "`gatefs` logs every open and read; `gatefs-summary` has `[log] reads = \"summary\"`. "
        "gatefs CPU is the daemon's utime+stime per run, peak RSS its VmHWM during the workload "
        "(reset before each run; the largest over the rounds, so it also shows growth from round to round), "
        "log the bytes its audit writer wrote per run (all files, rotations included).",
        "",
    ] + table + ["", "### Issue 6 targets (gatefs, default mode)", ""] + (verdicts or ["- (gatefs not measured)"])
    out += ["", "### Every daemon: CPU s / peak RSS / log bytes per run", ""] + detail
    if mismatches:
        out += ["", "### Check mismatches (a target saw something else than native)", ""] + [f"- {x}" for x in mismatches]
    return table, verdicts, out


def scale_report(raw, meta):
    rows = [line.rstrip("\n").split("\t") for line in open(raw, encoding="utf-8") if line.strip()]
    table = ["| walk | files found | time s | daemon CPU s | daemon RSS after | daemon peak RSS | daemon fds open |",
             "|---|---|---|---|---|---|---|"]
    for t, p, n, secs, cpu, hwm, rss, fds in rows:
        if t == "native":
            table.append(f"| native | {n} | {secs} | – | – | – | – |")
        else:
            table.append(f"| gatefs, pass {p} | {n} | {secs} | {int(cpu) / TICK:.1f} | {int(rss) / 1024:.1f} MiB | "
                         f"{int(hwm) / 1024:.1f} MiB | {fds} |")
    files = max(int(r[2]) for r in rows)
    out = ["## Scale: `find VIEW -type f | wc -l` over a generated tree", ""] + header(meta)[:4] + [
        f"- tree: {files} empty files, 100 per directory, in two levels of directories",
        "", "gatefs default mode, `--allow '**'`; the same walk twice on one mount. "
        "fds open counts the daemon's descriptors after the walk (the directory cache holds at most 2,048).",
        ""] + table
    return table, [], out


def replace_section(path, name, lines):
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    block = f"<!-- {name} -->\n" + "\n".join(lines) + f"\n<!-- /{name} -->\n"
    pattern = re.compile(rf"<!-- {name} -->\n.*?<!-- /{name} -->\n", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        if not text:
            text = "# gatefs benchmark results\n\nWritten by `Benchmarks/run` (see the README's Benchmarks section).\n\n"
        # The side-by-side section comes first.
        if name == "main" and "<!-- scale -->" in text:
            text = text.replace("<!-- scale -->", block + "\n<!-- scale -->", 1)
        else:
            text += ("\n" if not text.endswith("\n\n") else "") + block
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    mode, raw, meta_path, results = sys.argv[1:5]
    meta = read_meta(meta_path)
    table, verdicts, section = (main_report if mode == "main" else scale_report)(raw, meta)
    print()
    print("\n".join(table))
    if verdicts:
        print()
        print("\n".join(verdicts))
    replace_section(results, mode, section)
    print(f"\nwritten to {results}")


if __name__ == "__main__":
    main()
