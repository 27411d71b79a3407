#!/usr/bin/env python3
"""Turns Benchmarks/run's raw measurements into the results table.

    report.py main  RAW.tsv  META.env  RESULTS.md
    report.py scale SCALE.tsv META.env RESULTS.md
    report.py micro DIR       META.env RESULTS.md   (DIR: the --micro run's percentile files)

Prints the tables and rewrites their sections of RESULTS.md, keeping the
others: main writes the side-by-side section (read rows) and the writes
section (write rows), each only if the run measured such rows.
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
    "openclose": "open+close one file", "readdir50k": "readdir 50k flat dir",
    "readdir50k-again": "readdir 50k flat dir, again at once", "git-status": "git status",
    "git-log": "git log -p -20",
    "untar": "tar x", "git-clone": "git clone --no-hardlinks", "dd-write": "dd write, conv=fsync + syncfs",
    "create-unlink": "create+unlink", "git-commit": "git add -A && git commit",
}
WRITES = {"untar", "git-clone", "dd-write", "create-unlink", "git-commit"}
SECTIONS = ["main", "write", "scale", "micro"]
# Issue 6's limits for the default (fully audited) mode: ratio to native,
# except open+close (absolute microseconds) and dd cold (throughput, so the
# time ratio may be at most 1/0.75).
LIMITS = {"find": 3, "du": 4, "tar": 5, "rg": 10, "fio-rand4k": 18, "readdir50k": 1.0, "readdir50k-again": 1.0, "dd-cold": 1 / 0.75}
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


def machine(meta):
    return f"{meta['nproc']} cores ({meta['cpu']}), {meta['memory']}, kernel {meta['kernel']}"


def header(meta):
    return [
        f"- date: {meta['date']}",
        f"- command: `{meta['command']}`",
        f"- machine: {machine(meta)}, corpus on {meta['fs']}, fd hard limit {meta['fdlimit']}",
        f"- gatefs: {meta['gatefs']}; {meta['versions']}",
        f"- corpus: {meta['corpus']}",
        f"- {meta['params']}",
    ]


class Runs:
    """Benchmarks/run's raw.tsv: one row per (round, workload, target). A
    write row that failed has the metric `failed` and its reason in the check
    column; it counts in no median, ratio or daemon figure."""

    def __init__(self, raw):
        rows = [line.rstrip("\n").split("\t") for line in open(raw, encoding="utf-8") if line.strip()]
        self.m = defaultdict(dict)          # (wl, target) -> {round: metric}
        self.extra = defaultdict(list)      # (wl, target) -> [(cpu s, hwm KiB, rss KiB, log bytes)]
        self.checks = defaultdict(dict)     # (wl, round) -> {target: check}
        self.failed = defaultdict(dict)     # (wl, target) -> {round: reason}
        self.units, self.workloads, self.seen = {}, [], defaultdict(list)   # seen: wl -> targets
        for rnd, wl, t, metric, unit, _wall, cpu, hwm, rss, logb, check in rows:
            if metric == "failed":
                self.failed[(wl, t)][rnd] = check
            else:
                self.m[(wl, t)][rnd] = float(metric)
                self.extra[(wl, t)].append((int(cpu) / TICK, int(hwm), int(rss), int(logb)))
                self.checks[(wl, rnd)][t] = check
            self.units[wl] = unit
            if wl not in self.workloads:
                self.workloads.append(wl)
            if t not in self.seen[wl]:
                self.seen[wl].append(t)

    def targets(self, workloads):
        ts = {t for wl in workloads for t in self.seen[wl]}
        return [t for t in ORDER if t in ts] + sorted(t for t in ts if t not in ORDER)

    def median(self, wl, t):
        v = self.m.get((wl, t))
        return statistics.median(v.values()) if v else None

    def ratio(self, wl, t):
        """Median over rounds of target/native measured in the same round."""
        v, n = self.m.get((wl, t)), self.m.get((wl, "native"))
        if not v or not n:
            return None
        rs = [v[r] / n[r] for r in v if r in n and n[r] > 0]
        return statistics.median(rs) if rs else None

    def daemon(self, wl, t, i, agg):
        v = [e[i] for e in self.extra.get((wl, t), [])]
        return agg(v) if v else None

    def cell(self, wl, t):
        med, r = self.median(wl, t), self.ratio(wl, t) if t != "native" else None
        failed = len(self.failed.get((wl, t), {}))
        if med is None and failed:
            return "failed"
        text = fmt(med) + (f" ({fmt(r)}×)" if r is not None else "")
        return text + (f", failed in {failed} of {failed + len(self.m[(wl, t)])} rounds" if failed else "")

    def table(self, workloads, targets):
        cols = ["workload", "unit"] + targets
        gate = "gatefs" in targets
        if gate:
            cols += ["gatefs CPU s", "gatefs peak RSS", "gatefs log"]
        if "gatefs-summary" in targets:
            cols += ["summary log"]
        table = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for wl in workloads:
            cells = [NAMES.get(wl, wl), self.units[wl]] + [self.cell(wl, t) for t in targets]
            if gate:
                cells += [fmt(self.daemon(wl, "gatefs", 0, statistics.median)), mib(self.daemon(wl, "gatefs", 1, max)),
                          size(self.daemon(wl, "gatefs", 3, statistics.median))]
            if "gatefs-summary" in targets:
                cells.append(size(self.daemon(wl, "gatefs-summary", 3, statistics.median)))
            table.append("| " + " | ".join(cells) + " |")
        return table

    def detail(self, workloads, targets):
        fuse = [t for t in targets if t != "native"]
        detail = ["| workload | " + " | ".join(f"{t} CPU s / peak RSS / log" for t in fuse) + " |",
                  "|---|" + "---|" * len(fuse)]
        for wl in workloads:
            cells = [NAMES.get(wl, wl)]
            for t in fuse:
                cells.append(f"{fmt(self.daemon(wl, t, 0, statistics.median))} / "
                             f"{mib(self.daemon(wl, t, 1, max))} / {size(self.daemon(wl, t, 3, statistics.median))}")
            detail.append("| " + " | ".join(cells) + " |")
        return detail

    def problems(self, workloads):
        """Check mismatches against native, and failed runs, as list items."""
        mismatches, failures = [], []
        for (wl, rnd), byt in sorted(self.checks.items()):
            base = byt.get("native")
            for t, c in byt.items():
                if wl in workloads and base is not None and c != base:
                    mismatches.append(f"- {wl} round {rnd}: {t} gave `{c}`, native `{base}`")
        for wl in workloads:
            for t in self.targets([wl]):
                by_round = self.failed.get((wl, t), {})
                for reason in sorted(set(by_round.values())):
                    rounds = [r for r, why in sorted(by_round.items()) if why == reason]
                    failures.append(f"- {NAMES.get(wl, wl)} on {t}, round{'s' if len(rounds) > 1 else ''} "
                                    f"{', '.join(rounds)}: `{reason}`")
        out = []
        if mismatches:
            out += ["", "### Check mismatches (a target saw something else than native)", ""] + mismatches
        if failures:
            out += ["", "### Failed runs", ""] + failures
        return out


def mib(kib):
    return "–" if kib is None else f"{kib / 1024:.1f} MiB"


def read_section(runs, meta, workloads):
    targets = runs.targets(workloads)
    fuse = [t for t in targets if t != "native"]
    gate = "gatefs" in targets
    median, ratio, daemon = runs.median, runs.ratio, runs.daemon
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

    return section(runs, workloads, targets, ["## Side by side", ""] + header(meta) + [
        "",
        "Each cell: the median over the rounds, and in parentheses the median of the per-round ratios to native "
        "(lower is better; for dd the ratio of times is the inverse of the throughput ratio). "
        "`gatefs` logs every open and read; `gatefs-summary` has `[log] reads = \"summary\"`. "
        "gatefs CPU is the daemon's utime+stime per run, peak RSS its VmHWM during the workload "
        "(reset before each run; the largest over the rounds, so it also shows growth from round to round), "
        "log the bytes its audit writer wrote per run (all files, rotations included).",
        "",
    ], "### Issue 6 targets (gatefs, default mode)", verdicts)


def section(runs, workloads, targets, intro, verdict_title, verdicts):
    """A results section: the intro, the table, the verdicts, each daemon's
    figures, then mismatches and failures; returns (table, verdicts, lines)."""
    table = runs.table(workloads, targets)
    out = intro + table + ["", verdict_title, ""] + (verdicts or ["- (gatefs not measured)"])
    out += ["", "### Every daemon: CPU s / peak RSS / log bytes per run", ""] + runs.detail(workloads, targets)
    return table, verdicts, out + runs.problems(workloads)


# Issue 12: faster than bindfs on every write row, and write throughput
# (the dd row) at least 0.7 of native's.
WRITE_THROUGHPUT = 0.7


def write_section(runs, meta, workloads):
    targets = runs.targets(workloads)
    verdicts = []
    if "gatefs" in targets:
        if "bindfs" in targets:
            slower = []
            for wl in workloads:
                g, p = runs.median(wl, "gatefs"), runs.median(wl, "bindfs")
                if g is None or p is None or p <= g:
                    slower.append(f"{NAMES[wl]} ({'failed' if g is None or p is None else fmt(p / g) + '×'})")
            verdicts.append(f"- {'met' if not slower else 'MISSED'}: against bindfs (faster on every write row)"
                            + (f"; not met on: {', '.join(slower)}" if slower else ""))
        if "dd-write" in workloads:
            r = runs.ratio("dd-write", "gatefs")
            if r is None:
                verdicts.append(f"- MISSED: dd write throughput (gatefs failed; target ≥ {WRITE_THROUGHPUT}× native)")
            else:
                verdicts.append(f"- {'met' if 1 / r >= WRITE_THROUGHPUT else 'MISSED'}: dd write throughput "
                                f"{fmt(1 / r)}× native (target ≥ {WRITE_THROUGHPUT}×)")
    return section(runs, workloads, targets, ["## Writes", "",
           f"- date: {meta['date']}",
           f"- command: `{meta['command']}`",
           f"- machine: {machine(meta)}, write directories on {meta['write_fs']}",
           f"- gatefs: {meta['gatefs']}; {meta['versions']}",
           f"- {meta['write_params']}",
           "",
           "Each target writes into an empty directory of its own on the same filesystem: native directly, "
           "`gatefs` through a view of a directory whose only rule is `--allow-write project` (audit as by "
           "default: every request logged), bindfs mounted read-write, loggedfs over a bind mount. Before each "
           "run the previous round's output is removed through the mount and the disk is synced (untimed). "
           "Cells as in the side-by-side table: the median over the rounds and the median per-round ratio to "
           "native; \"failed\" means the row failed on that target in every round (the reasons are listed below).",
           "",
           ], "### Issue 12 targets (gatefs, full audit)", verdicts)


def main_report(raw, meta):
    runs = Runs(raw)
    printed, all_verdicts, sections = [], [], {}
    for name, build in (("main", read_section), ("write", write_section)):
        workloads = [wl for wl in runs.workloads if (wl in WRITES) == (name == "write")]
        if workloads:
            table, verdicts, sections[name] = build(runs, meta, workloads)
            printed += ([""] if printed else []) + table
            all_verdicts += verdicts
    return printed, all_verdicts, sections


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
    return table, [], {"scale": out}


# Issue 6: at most 1 µs per policy decision with 1,000 rules.
DECISION_NS = 1000
MICRO_RULES = [10, 1000, 10000]


def micro_report(directory, meta):
    """The --micro run: ordo-one/benchmark's histogramPercentiles files, one per
    benchmark and metric, already scaled to one operation (the benchmarks do
    1,000 per iteration), plus the facts the benchmark wrote about its inputs."""
    pct = {}  # (benchmark, metric) -> {percentile: value}
    for name in os.listdir(directory):
        m = re.fullmatch(r"[^.]+\.GateMicro\.(.+)\.(wallClock|mallocCountTotal)\.histogram\.percentiles\.tsv", name)
        if not m:
            continue
        rows = [line.split("\t") for line in open(os.path.join(directory, name), encoding="utf-8")][1:]
        pct[(m.group(1), m.group(2))] = {int(p): int(v) for p, v in rows}
    policy_facts, audit_facts = {}, {}
    facts_path = os.path.join(directory, "facts.tsv")
    for line in open(facts_path, encoding="utf-8") if os.path.exists(facts_path) else []:
        f = line.rstrip("\n").split("\t")
        if f[0] == "policy":
            policy_facts[(f[1], int(f[2]))] = f[3:]
        elif f[0] == "audit":
            audit_facts[f[1]] = f[2:]

    def p(bench, q, metric="wallClock"):
        return pct.get((bench, metric), {}).get(q)

    def fmt_count(v):
        return "–" if v is None else str(v)

    def ns(v):
        return "–" if v is None else (f"{v / 1000:.2f} µs" if v >= 1000 else f"{v} ns")

    table = ["| benchmark | rules compiled | p50 | p90 | p99 | mallocs per op (p50) | ≤ 1 µs at 1,000 rules |",
             "|---|---|---|---|---|---|---|"]
    verdicts = []
    for op, label in (("decide", "decide a path from the root"), ("step", "one step (a file name from its directory's cursor)")):
        for kind in ("glob", "literal"):
            for n in MICRO_RULES:
                bench = f"policy-{op}-{kind}-{n}"
                if (bench, "wallClock") not in pct:
                    continue
                p50, p99 = p(bench, 50), p(bench, 99)
                compiled = policy_facts.get((kind, n), ["–"])[0]
                target = "–"
                if n == 1000:
                    if p50 <= DECISION_NS:
                        target = "met" + (" (p50 and p99)" if p99 <= DECISION_NS else f" at p50; p99 {ns(p99)}")
                    else:
                        target = "MISSED"
                    verdicts.append(f"- {'met' if p50 <= DECISION_NS else 'MISSED'}: {label}, {kind} rules, "
                                    f"1,000 user rules: p50 {ns(p50)}, p99 {ns(p99)} (target ≤ 1 µs per decision)")
                table.append(f"| policy {op}, {kind}, {n:,} user rules | {compiled} | {ns(p50)} | {ns(p(bench, 90))} | {ns(p99)} | "
                             f"{fmt_count(p(bench, 50, 'mallocCountTotal'))} | {target} |")
    names = {"audit-encoder": "AuditLineEncoder (the writer's)", "jsonencoder": "JSONEncoder, encode only",
             "jsonencoder-chain": "JSONEncoder + SHA-256 chain"}
    for event in ("open", "read"):
        for key, label in names.items():
            bench = f"{key}-{event}"
            if (bench, "wallClock") in pct:
                table.append(f"| `{event}` line: {label} | – | {ns(p(bench, 50))} | {ns(p(bench, 90))} | {ns(p(bench, 99))} | "
                             f"{fmt_count(p(bench, 50, 'mallocCountTotal'))} | – |")
        hand, full = p(f"audit-encoder-{event}", 50), p(f"jsonencoder-chain-{event}", 50)
        if hand and full:
            length = audit_facts.get(event)
            size = f" ({float(length[0]):.0f} bytes)" if length else ""
            verdicts.append(f"- `{event}` line{size}: AuditLineEncoder {ns(hand)}, "
                            f"JSONEncoder with the same chain {ns(full)} ({full / hand:.1f}× slower)")

    facts = []
    for (kind, n), f in sorted(policy_facts.items()):
        _compiled, visible, hidden, segments, step_visible, step_hidden = f
        facts.append(f"{kind} {n:,}: paths {visible} visible / {hidden} hidden, {float(segments):.1f} segments "
                     f"on average; steps {step_visible} visible / {step_hidden} hidden")
    out = ["## Micro: policy decisions and audit-line encoding", "",
           f"- date: {meta['date']}",
           f"- command: `{meta['command']}`",
           f"- machine: {machine(meta)}",
           f"- gatefs: {meta['gatefs']}; {meta.get('swift', '')}; ordo-one/benchmark 1.38.1",
           f"- build {meta.get('build_s', '?')} s ({meta.get('build_kind', '?')}), run {meta.get('run_s', '?')} s",
           "",
           "`Benchmarks/Micro` (ordo-one/benchmark), release build. Each benchmark iteration does 1,000 "
           "operations; the percentiles are over iterations, divided by 1,000 (so per decision or per line; "
           "a p99 of 1,000-operation averages, which on a shared machine mostly shows the iterations that "
           "lost the CPU; compare p90 and p99). `decide` is `Policy.decide` on a file path of 3-6 segments "
           "from the root; `step` is one `Policy.step` for a file name in a directory the policy shows, from "
           "that directory's cursor, which is what the gate does per lookup (it keeps a cursor per "
           "directory). Rules are generated with a fixed seed: `user rules` allow and deny patterns "
           "(glob: `projects/p7/**`, `code/src3/*.swift`, `docs4/**/*.md`, `logs/20[0-2][0-9]/app5-*.log`, "
           "`**/*.ext3`, ...; literal: `notes/2024/file123.txt`, `projects/p12/module3`, `cache/c5`, ...), "
           "built through `GateConfig.policySpec` so the built-in secret list and the hidden mountpoint "
           "and audit log come on top (`rules compiled` is `Policy.ruleCount`). The audit lines are "
           "`open` and `read` of `projects/demo/src/main.swift` by `cat`; the JSONEncoder rows encode a "
           "Codable struct with the same fields (`chain`: plus the same SHA-256 chain, giving a line "
           "with the same fields and length).",
           "",
           ] + table + ["", "### Issue 6 targets", ""] + verdicts
    if facts:
        out += ["", "The 1,000 query paths and 1,000 steps per rule set: " + "; ".join(facts) + "."]
    return table, verdicts, {"micro": out}


def replace_section(path, name, lines):
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    block = f"<!-- {name} -->\n" + "\n".join(lines) + f"\n<!-- /{name} -->\n"
    pattern = re.compile(rf"<!-- {name} -->\n.*?<!-- /{name} -->\n", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        if not text:
            text = "# gatefs benchmark results\n\nWritten by `Benchmarks/run` (see the README's Benchmarks section).\n\n"
        # Sections keep the order of SECTIONS: a new one goes before the first later one present.
        later = [n for n in SECTIONS[SECTIONS.index(name) + 1:] if f"<!-- {n} -->" in text]
        if later:
            text = text.replace(f"<!-- {later[0]} -->", block + f"\n<!-- {later[0]} -->", 1)
        else:
            text += ("\n" if not text.endswith("\n\n") else "") + block
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    mode, raw, meta_path, results = sys.argv[1:5]
    meta = read_meta(meta_path)
    table, verdicts, sections = {"main": main_report, "scale": scale_report, "micro": micro_report}[mode](raw, meta)
    print()
    print("\n".join(table))
    if verdicts:
        print()
        print("\n".join(verdicts))
    for name, lines in sections.items():
        replace_section(results, name, lines)
    print(f"\nwritten to {results}")


if __name__ == "__main__":
    main()
