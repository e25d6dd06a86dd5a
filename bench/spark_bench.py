#!/usr/bin/env python3
"""make bench-spark: Spark local[N] against one plain `callqc check -` run over the same calls.

Generates CALLS calls (bench/gen_calls.py, a line that is not a call every 500), then times,
with the release build:
  plain   callqc check - --format jsonl --no-progress < calls.jsonl > single.jsonl
  spark   scripts/spark_check.py --master local[N] --input calls.jsonl --out DIR --partitions P
  start   the same Spark job over 10 calls: the start-up (JVM, Python workers, callqc's rules)
and checks that Spark's output, its part files in name order, is the plain run's byte for byte.
Prints a Markdown table (docs/scale.md has one).

usage: bench/spark_bench.py [--calls 20000] [--master 'local[2]'] [--partitions 2 4] [--repeat 1]
(make bench-spark: --calls 50000 --repeat 3)
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(command, stdin=None, stdout=None):
    start = time.monotonic()
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as i, \
            open(stdout, "wb") if stdout else open(os.devnull, "wb") as o:
        done = subprocess.run(command, stdin=i, stdout=o, stderr=subprocess.PIPE, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"spark_bench: {' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()[-3000:]}")
    return time.monotonic() - start


def spark_run(binary, master, calls_file, out, partitions):
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, "scripts/spark_check.py", "--master", master, "--input", calls_file,
                  "--out", out, "--partitions", str(partitions), "--callqc", binary, "--quiet",
                  "--conf", "spark.ui.enabled=false"])


def joined_parts(out):
    data = b""
    for name in sorted(os.listdir(out)):
        if name.startswith("part-"):
            with open(os.path.join(out, name), "rb") as f:
                data += f.read()
    return data


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--calls", type=int, default=20000)
    p.add_argument("--master", default="local[2]")
    p.add_argument("--partitions", type=int, nargs="+", default=[2, 4])
    p.add_argument("--repeat", type=int, default=1, help="runs of each; the best is shown")
    p.add_argument("--callqc", default=os.path.join(ROOT, ".build", "release", "callqc"))
    args = p.parse_args()
    binary = os.path.abspath(args.callqc)
    if not os.access(binary, os.X_OK):
        sys.exit(f"spark_bench: no {binary}: swift build -c release")
    work = tempfile.mkdtemp(prefix="callqc-spark-bench-")
    try:
        calls = os.path.join(work, "calls.jsonl")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_calls.py"), calls, str(args.calls),
                        "--bad-every", "500"], check=True, stderr=subprocess.DEVNULL)
        tiny = os.path.join(work, "tiny.jsonl")
        with open(calls, "rb") as f, open(tiny, "wb") as t:
            for _ in range(10):
                t.write(f.readline())
        size = os.path.getsize(calls) / 1048576
        single = os.path.join(work, "single.jsonl")
        plain = min(timed([binary, "check", "-", "--format", "jsonl", "--no-progress"], stdin=calls, stdout=single)
                    for _ in range(args.repeat))
        with open(single, "rb") as f:
            expected = f.read()
        start = min(spark_run(binary, args.master, tiny, os.path.join(work, "tiny-out"), 1) for _ in range(args.repeat))
        rows = [("plain `callqc check -` (one process)", plain, None)]
        for partitions in args.partitions:
            out = os.path.join(work, f"out-{partitions}")
            t = min(spark_run(binary, args.master, calls, out, partitions) for _ in range(args.repeat))
            same = joined_parts(out) == expected
            if not same:
                sys.exit(f"spark_bench: Spark's output with {partitions} partitions differs from the plain run's")
            rows.append((f"Spark {args.master}, {partitions} partitions", t, start))
        cores = os.cpu_count()
        print(f"{args.calls:,} lines ({args.calls // 500} not calls), {size:.1f} MB, {cores} cores, "
              f"release build; Spark start-up (the same job over 10 calls): {start:.1f} s")
        print()
        print("| run | wall time | lines/s | lines/s without start-up | against plain |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, t, overhead in rows:
            steady = f"{args.calls / (t - overhead):,.0f}" if overhead is not None and t > overhead else "-"
            print(f"| {name} | {t:.1f} s | {args.calls / t:,.0f} | {steady} | {plain / t:.2f}× |")
        print()
        print("Every Spark output above is the plain run's, byte for byte (part files in name order).")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
