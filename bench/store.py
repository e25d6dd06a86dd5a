#!/usr/bin/env python3
"""Results per second into the store: SQLite against PostgreSQL, with 1, 2 and 4 writers.

Every writer is a `callqc check SHARD --db STORE` process over its share of one generated
corpus; the same processes without --db give the checking's own time, so the store's share is
the difference. Run by `make bench-store` (and `make bench`); prints a Markdown table for
docs/scale.md.

    python3 bench/store.py [--calls 8000] [--binary .build/release/callqc] [--postgres URL]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen_corpus  # noqa: E402


def generate(folder, calls, seed=20261201):
    """`calls` generated transcripts (bench/gen_corpus.py's calls), one file each."""
    import random
    rng = random.Random(seed)
    paths = []
    for i in range(calls):
        d = os.path.join(folder, f"{i // 1000:04d}")
        if i % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        p = os.path.join(d, f"{i:07d}.txt")
        with open(p, "w", encoding="utf-8") as f:
            f.write(gen_corpus.call(rng, i))
        paths.append(p)
    return paths


def shards(paths, k, folder):
    lists = []
    for w in range(k):
        p = os.path.join(folder, f"shard-{k}-{w}.txt")
        with open(p, "w") as f:
            f.write("\n".join(paths[w::k]) + "\n")
        lists.append(p)
    return lists


def run_writers(binary, lists, db):
    started = time.perf_counter()
    procs = []
    for lst in lists:
        args = [binary, "check", "@" + lst, "--no-progress", "--format", "jsonl", "-o", "/dev/null"]
        if db:
            args += ["--db", db]
        procs.append(subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE))
    for p in procs:
        _, err = p.communicate()
        if p.returncode not in (0, 1):
            sys.exit(f"callqc failed ({p.returncode}): {err.decode()[-400:]}")
    return time.perf_counter() - started


def psql(url, sql):
    subprocess.run(["psql", url.split("?")[0], "-qc", sql], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=8000)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/callqc"))
    ap.add_argument("--postgres", default=os.environ.get("CALLQC_BENCH_POSTGRES",
                                                         "postgres://callqc:callqc@127.0.0.1:5432/callqc_test"))
    ap.add_argument("--writers", default="1,2,4")
    ap.add_argument("--repeat", type=int, default=2, help="runs per cell; the fastest counts")
    a = ap.parse_args()
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"{a.binary} is missing: swift build -c release --product callqc")
    work = tempfile.mkdtemp(prefix="callqc-store-bench-")
    try:
        paths = generate(os.path.join(work, "calls"), a.calls)
        rows = []
        for k in [int(x) for x in a.writers.split(",")]:
            lists = shards(paths, k, work)
            plain = min(run_writers(a.binary, lists, None) for _ in range(a.repeat))
            cells = {"plain": plain}
            for backend in ("sqlite", "postgres"):
                best = None
                for _ in range(a.repeat):
                    if backend == "sqlite":
                        db = os.path.join(work, f"qc-{uuid.uuid4().hex}.sqlite")
                    else:
                        schema = "bench_" + uuid.uuid4().hex
                        db = a.postgres + ("&" if "?" in a.postgres else "?") + f"schema={schema}"
                        # Migrate first: the figure is for writing results, not creating the schema.
                        subprocess.run([a.binary, "users", "list", "--db", db], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    t = run_writers(a.binary, lists, db)
                    best = t if best is None else min(best, t)
                    if backend == "sqlite":
                        os.remove(db)
                    else:
                        psql(a.postgres, f'DROP SCHEMA "{schema}" CASCADE')
                cells[backend] = best
            rows.append((k, cells))
        print(f"{a.calls} calls (bench/gen_corpus.py), {os.cpu_count()} cores; wall time of all writers, fastest of {a.repeat}\n")
        print("| writers | check only | check + SQLite | check + PostgreSQL | calls/s stored, SQLite | calls/s stored, PostgreSQL | the store's time a result, SQLite / PostgreSQL |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for k, c in rows:
            def rate(t):
                return f"{a.calls / t:,.0f}"
            def per(t):
                extra = max(t - c["plain"], 1e-9)
                return f"{extra / a.calls * 1e6:,.0f} µs"
            print(f"| {k} | {c['plain']:.2f} s ({rate(c['plain'])}/s) | {c['sqlite']:.2f} s | {c['postgres']:.2f} s | "
                  f"{rate(c['sqlite'])} | {rate(c['postgres'])} | {per(c['sqlite'])} / {per(c['postgres'])} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
