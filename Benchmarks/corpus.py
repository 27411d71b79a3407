#!/usr/bin/env python3
"""Deterministic benchmark corpus for Benchmarks/run.

    corpus.py tree  DIR --files N --repo-files M --seed S
    corpus.py big   FILE --mib N --seed S
    corpus.py flat  DIR --entries N
    corpus.py scale DIR --files N

Everything is derived from the seed: the same arguments give the same names,
sizes, contents and git history (fixed authors and dates, so the same commit
ids) on every machine. Names avoid the built-in secret patterns (*.key,
*.pem, .env, ...) so that every target shows the same tree.
"""
import argparse
import math
import os
import random
import subprocess
import sys

WORDS = ("core util net http json parser lexer buffer cache index store model view render "
         "config widget layout event queue worker task sched graph node edge tree list map "
         "set vec matrix math stats image audio video codec crypto hash auth user session "
         "db sql query schema migrate api client server proto rpc log trace metric alert "
         "test bench fixture mock stub docs guide intro build tools scripts ci deploy infra").split()
TEXT_EXTS = ("c", "h", "py", "js", "ts", "go", "rs", "swift", "java", "md", "txt", "json",
             "yaml", "toml", "html", "css", "sh", "cpp", "hpp", "rb")
BIN_EXTS = ("png", "jpg", "gz", "bin", "o")
NEEDLE = "GATEFS_BENCH_NEEDLE"


def text_blob(rng, size):
    """Code-like lines; files are slices of this blob."""
    idents = [f"{rng.choice(WORDS)}_{rng.choice(WORDS)}{rng.randrange(100)}" for _ in range(4000)]
    out, n = [], 0
    while n < size:
        indent = " " * (4 * rng.randrange(4))
        kind = rng.randrange(6)
        a, b, c = rng.choice(idents), rng.choice(idents), rng.choice(idents)
        if kind == 0:
            line = f"{indent}// {a} handles {b} before {c}\n"
        elif kind == 1:
            line = f"{indent}let {a} = {b}({c}, {rng.randrange(10000)})\n"
        elif kind == 2:
            line = f"{indent}if {a} > {rng.randrange(512)} {{ return {b}.{c} }}\n"
        elif kind == 3:
            line = f"{indent}func {a}(_ {b}: Int) -> {c.title()} {{\n"
        elif kind == 4:
            line = f"{indent}}}\n"
        else:
            line = f"{indent}{a}.{b} = \"{c}\"\n"
        out.append(line)
        n += len(line)
    return "".join(out).encode()[:size]


class Writer:
    def __init__(self, seed, blob_mib=8):
        self.rng = random.Random(seed)
        self.text = text_blob(self.rng, blob_mib << 20)
        self.binary = random.Random(seed + 1).randbytes(1 << 20)
        self.files = 0
        self.bytes = 0

    def size(self):
        # Log-normal, median ~3 KiB, mean ~8 KiB, clipped at 2 MiB: the shape
        # of a source tree (many small files, a long tail).
        return min(2 << 20, int(math.exp(self.rng.gauss(8.0, 1.4))))

    def content(self, ext, size):
        if ext in BIN_EXTS:
            size = min(size, len(self.binary))
            start = self.rng.randrange(len(self.binary) - size + 1)
            return self.binary[start:start + size]
        start = self.rng.randrange(len(self.text) - size + 1)
        data = self.text[start:start + size]
        if self.rng.random() < 0.005:
            data = data + f"\n// {NEEDLE} {self.files}\n".encode()
        return data

    def file(self, path, data):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        self.files += 1
        self.bytes += len(data)

    def random_file(self, directory, index):
        ext = self.rng.choice(BIN_EXTS) if self.rng.random() < 0.05 else self.rng.choice(TEXT_EXTS)
        name = f"{self.rng.choice(WORDS)}_{index}.{ext}"
        self.file(os.path.join(directory, name), self.content(ext, self.size()))

    def fill(self, directory, depth, budget, max_depth):
        """`budget` files under `directory`: a few here, the rest split among
        subdirectories, down to `max_depth`."""
        os.makedirs(directory, exist_ok=True)
        here = budget if depth >= max_depth else min(budget, self.rng.randint(2, 24))
        for i in range(here):
            self.random_file(directory, i)
        rest = budget - here
        if rest == 0:
            return
        k = self.rng.randint(1, max(1, min(6, rest // 30)))
        weights = [self.rng.random() + 0.1 for _ in range(k)]
        total = sum(weights)
        parts = [int(rest * w / total) for w in weights]
        parts[0] += rest - sum(parts)
        for i, part in enumerate(parts):
            if part > 0:
                self.fill(os.path.join(directory, f"{self.rng.choice(WORDS)}{i}"), depth + 1, part, max_depth)


def git(repo, *args, date=None):
    env = dict(os.environ)
    env.update(GIT_AUTHOR_NAME="Bench Author", GIT_AUTHOR_EMAIL="author@bench.invalid",
               GIT_COMMITTER_NAME="Bench Committer", GIT_COMMITTER_EMAIL="committer@bench.invalid",
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", TZ="UTC")
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-C", repo, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def make_repo(w, repo, files):
    w.fill(repo, 0, files, 6)
    w.file(os.path.join(repo, "README.md"), b"# bench repo\n")
    w.file(os.path.join(repo, ".gitignore"), b"build/\n*.o\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    base = 1_700_000_000
    git(repo, "commit", "-q", "-m", "Initial import", date=f"@{base} +0000")
    tracked = sorted(subprocess.run(["git", "-C", repo, "ls-files", "-z"], check=True,
                                    capture_output=True).stdout.decode().split("\0")[:-1])
    tracked = [t for t in tracked if t.rsplit(".", 1)[-1] in TEXT_EXTS]
    for n in range(1, 31):
        for rel in w.rng.sample(tracked, min(8, len(tracked))):
            path = os.path.join(repo, rel)
            with open(path, "rb") as f:
                lines = f.read().split(b"\n")
            at = w.rng.randrange(len(lines) + 1)
            new = w.content("txt", w.rng.randint(80, 1200)).split(b"\n")
            lines[at:at + w.rng.randint(0, 6)] = new
            with open(path, "wb") as f:
                f.write(b"\n".join(lines))
        w.random_file(repo, 1000 + n)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Change {n}: rework {w.rng.choice(WORDS)}", date=f"@{base + n * 3600} +0000")
    # Old mtimes, then a fresh index: nothing is "racily clean", so a native
    # `git status` does not have to re-hash files.
    old = base - 86400
    for root, dirs, names in os.walk(repo):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            os.utime(os.path.join(root, name), (old, old), follow_symlinks=False)
    git(repo, "update-index", "-q", "--refresh")


def cmd_tree(a):
    w = Writer(a.seed)
    top = a.dir
    os.makedirs(top)
    repo_files = min(a.repo_files, a.files // 4)
    rest = a.files - repo_files
    # A home-directory-like split: projects, vendored dependencies (deep),
    # documents, dotfile configs.
    shares = [("projects", 0.45, 7), ("vendor", 0.30, 10), ("Documents", 0.15, 4), (".config", 0.10, 3)]
    for name, share, depth in shares:
        w.fill(os.path.join(top, name), 0, int(rest * share), depth)
    while w.files < rest:
        w.random_file(top, w.files)
    make_repo(w, os.path.join(top, "projects", "repo"), repo_files)
    print(f"tree: {w.files} files, {w.bytes / (1 << 20):.0f} MiB")


def cmd_big(a):
    rng = random.Random(a.seed)
    block = rng.randbytes(1 << 20)
    with open(a.dir, "wb") as f:
        for i in range(a.mib):
            # Distinct blocks, so no layer can dedupe or compress them away.
            f.write(i.to_bytes(8, "little") + block[8:])
    print(f"big: {a.mib} MiB")


def cmd_flat(a):
    os.makedirs(a.dir)
    for i in range(a.entries):
        os.close(os.open(os.path.join(a.dir, f"entry-{i:06d}.dat"), os.O_WRONLY | os.O_CREAT, 0o644))
    print(f"flat: {a.entries} entries")


def cmd_scale(a):
    # sqrt-shaped fan-out: files / per_dir directories in groups of 100.
    per_dir = 100
    dirs = (a.files + per_dir - 1) // per_dir
    made = 0
    for d in range(dirs):
        path = os.path.join(a.dir, f"g{d // 100:03d}", f"d{d % 100:02d}")
        os.makedirs(path)
        for i in range(min(per_dir, a.files - made)):
            os.close(os.open(os.path.join(path, f"f{i:03d}"), os.O_WRONLY | os.O_CREAT, 0o644))
            made += 1
    print(f"scale: {made} files in {dirs} directories")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tree"); t.add_argument("dir"); t.add_argument("--files", type=int, required=True)
    t.add_argument("--repo-files", type=int, default=2500); t.add_argument("--seed", type=int, default=6)
    b = sub.add_parser("big"); b.add_argument("dir"); b.add_argument("--mib", type=int, required=True)
    b.add_argument("--seed", type=int, default=6)
    f = sub.add_parser("flat"); f.add_argument("dir"); f.add_argument("--entries", type=int, required=True)
    s = sub.add_parser("scale"); s.add_argument("dir"); s.add_argument("--files", type=int, required=True)
    a = p.parse_args()
    {"tree": cmd_tree, "big": cmd_big, "flat": cmd_flat, "scale": cmd_scale}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
