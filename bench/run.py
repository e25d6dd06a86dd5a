#!/usr/bin/env python3
"""The callqc benchmark: callqc against ripgrep and a pyahocorasick baseline, measured
in the same run on the same corpus and the same phrase lists, reported as ratios.

usage: bench/run.py [--sizes 50 500] [--repeat 3] [--no-installed] [--write-docs]

--repeat N runs every measurement N times and keeps the median (default 1).
--no-installed skips the installed binary's start-up (`make release`: Swift's runtime linked
statically, in .build-static; a cold build of it takes about 9 minutes here).

The last table it prints sets the measurements against issue 21's targets.
"""
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench-out")
CALLQC = os.path.join(ROOT, ".build", "release", "callqc")
# What `make install` and the Debian package install: the same code, Swift's runtime linked statically.
INSTALLED = os.path.join(ROOT, ".build-static", "release", "callqc")
ONE_CALL = "samples/good-call-broadband.txt"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def measure(cmd):
    """Wall seconds, peak RSS in MB and CPU use (%) of a command, by GNU time."""
    tfile = os.path.join(OUT, "time.txt")
    with open(os.devnull, "w") as null:
        start = time.monotonic()
        subprocess.run(["/usr/bin/time", "-f", "%e %M %P", "-o", tfile] + cmd, cwd=ROOT, stdout=null, stderr=null)
        wall = time.monotonic() - start
    fields = open(tfile).read().split()
    return {"seconds": wall, "rss_mb": int(fields[1]) / 1024, "cpu": fields[2]}


def corpus(mb):
    path = os.path.join(OUT, f"corpus-{mb}")
    marker = os.path.join(OUT, f"corpus-{mb}.done")
    if not os.path.exists(marker):
        sh(["rm", "-rf", path])
        sh([sys.executable, "bench/gen_corpus.py", path, str(mb)])
        open(marker, "w").write("ok")
    files = sum(len([n for n in names if n.endswith(".txt")]) for _, _, names in os.walk(path))
    size = sum(os.path.getsize(os.path.join(r, n)) for r, _, names in os.walk(path) for n in names) / 1048576
    return path, files, size


def main():
    args = sys.argv[1:]
    sizes = [int(a) for a in args[args.index("--sizes") + 1:] if a.isdigit()] if "--sizes" in args else [50, 500]
    if "--sizes" in args:
        # Only the numbers right after --sizes.
        sizes = []
        for a in args[args.index("--sizes") + 1:]:
            if not a.isdigit():
                break
            sizes.append(int(a))
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 1
    if "BENCH_SIZES" in os.environ:
        sizes = [int(s) for s in os.environ["BENCH_SIZES"].split()]
    os.makedirs(OUT, exist_ok=True)
    print("building callqc (release)…", flush=True)
    sh(["swift", "build", "-c", "release", "--product", "callqc"], stdout=subprocess.DEVNULL)
    installed = "--no-installed" not in args
    if installed:
        print("building the installed binary (make release)…", flush=True)
        sh(["make", "--no-print-directory", "release"], stdout=subprocess.DEVNULL)
    rulesets = {}
    for n in (20, 2000):
        d = os.path.join(OUT, f"rules-{n}")
        sh([sys.executable, "bench/gen_rules.py", d, str(n)], stdout=subprocess.DEVNULL)
        rulesets[f"{n} phrases"] = d
    rulesets = {"20 phrases": rulesets["20 phrases"], "default zh-CN": None, "2000 phrases": rulesets["2000 phrases"]}
    phrase_files = {}
    for name, d in rulesets.items():
        f = os.path.join(OUT, "phrases-" + name.replace(" ", "-") + ".txt")
        with open(f, "w") as out:
            sh([CALLQC, "rules", "phrases"] + (["--rules", d] if d else []), stdout=out)
        phrase_files[name] = f

    rows = []
    for mb in sizes:
        path, calls, size = corpus(mb)
        print(f"\ncorpus {mb} MB: {calls} calls, {size:.1f} MB", flush=True)
        # Read every file once, untimed, so that no tool pays for a cold page cache.
        subprocess.run(["rg", "--count-matches", "-F", "-e", "\u0001", path], cwd=ROOT, stdout=subprocess.DEVNULL)
        for name, d in rulesets.items():
            phrases = phrase_files[name]
            count = sum(1 for _ in open(phrases))
            runs = {
                "callqc": [CALLQC, "check", path, "--format", "jsonl", "-o", "/dev/null", "--no-progress", "-q"] + (["--rules", d] if d else []),
                # The same without the sound layer: what matching recognisers' homophones costs.
                "literal": [CALLQC, "check", path, "--format", "jsonl", "-o", "/dev/null", "--no-progress", "-q", "--no-sound"] + (["--rules", d] if d else []),
                "rg": ["rg", "--count-matches", "-F", "-f", phrases, path],
                "python": [sys.executable, "bench/baseline.py", phrases, path],
            }
            # Each tool runs `repeat` times in turn (so a slow spell of the shared machine falls on
            # all of them); the median run counts.
            samples = {tool: [] for tool in runs}
            for _ in range(repeat):
                for tool, cmd in runs.items():
                    samples[tool].append(measure(cmd))
            result = {}
            for tool in runs:
                result[tool] = sorted(samples[tool], key=lambda r: r["seconds"])[len(samples[tool]) // 2]
                r = result[tool]
                print(f"  {name:14} {tool:7} {r['seconds']:7.2f} s {size / r['seconds']:8.1f} MB/s {calls / r['seconds']:9.0f} calls/s "
                      f"{r['rss_mb']:7.1f} MB peak  cpu {r['cpu']}", flush=True)
            rows.append((mb, size, calls, name, count, result))

    # Single-call latency, what an agent waits for.
    single = {}
    singles = {"check one call": [CALLQC, "check", ONE_CALL, "-o", "/dev/null"],
               "lint one draft": [CALLQC, "lint", "samples/drafts/survey-draft.draft"]}
    if installed:
        singles["check one call, installed binary"] = [INSTALLED, "check", ONE_CALL, "-o", "/dev/null"]
    for name, cmd in singles.items():
        measure(cmd)   # the rule cache written, the binary's pages read
        times = [measure(cmd)["seconds"] for _ in range(7)]
        single[name] = statistics.median(times)

    # Instruction counts: repeatable whatever the machine's load, unlike seconds.
    counts = instruction_counts(rows, phrase_files)
    startup = startup_counts(installed)

    table = render(rows, single, counts, startup)
    print("\n" + table)
    if "--write-docs" in args:
        write_docs(table, sizes, repeat)


def collected(cmd, env=None):
    """Instructions a command executes, by valgrind's callgrind (None when it cannot run)."""
    out = os.path.join(OUT, "callgrind.out")
    try:
        run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    except FileNotFoundError:
        return None
    for line in run.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1].strip())
    return None


def startup_counts(installed):
    """Instructions of `callqc check ONE-CALL` from start to finish, with the rule cache warm
    (a second run) and with it off (CALLQC_NO_CACHE=1): the release build and, when built, the
    installed binary."""
    binaries = {"release build": CALLQC}
    if installed and os.path.exists(INSTALLED):
        binaries["installed (static runtime)"] = INSTALLED
    result = {}
    for name, path in binaries.items():
        copy = os.path.join(OUT, "startup-nodebug")
        sh(["cp", path, copy])
        sh(["strip", "-g", copy])
        cmd = [copy, "check", ONE_CALL, "-o", "/dev/null"]
        # Warm: the cache on (whatever the caller's environment says), written by a first run.
        env_warm = {k: v for k, v in os.environ.items() if k != "CALLQC_NO_CACHE"}
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env_warm)
        warm = collected(cmd, env=env_warm)
        env = dict(os.environ, CALLQC_NO_CACHE="1")
        cold = collected(cmd, env=env)
        if warm is None or cold is None:
            return None
        result[name] = {"warm": warm, "no_cache": cold}
        print(f"  start-up {name}: {warm:,} instructions (rule cache warm), {cold:,} (no cache)", flush=True)
    return result


def instruction_counts(rows, phrase_files):
    """Instructions per call of each tool over the first folder (1,000 calls) of the smallest
    corpus, start-up (one call) subtracted, with the default zh-CN phrases."""
    if not rows:
        return None
    folder = os.path.join(OUT, f"corpus-{rows[0][0]}", "0000")
    files = sorted(n for n in os.listdir(folder) if n.endswith(".txt"))
    one = os.path.join(folder, files[0])
    # valgrind cannot read the DWARF of Swift's release build: count a copy without it.
    binary = os.path.join(OUT, "callqc-nodebug")
    sh(["cp", CALLQC, binary])
    sh(["strip", "-g", binary])
    phrases = phrase_files["default zh-CN"]
    tools = {
        "callqc": lambda path: [binary, "check", path, "--format", "jsonl", "-o", "/dev/null", "--no-progress", "-q"],
        "literal": lambda path: [binary, "check", path, "--format", "jsonl", "-o", "/dev/null", "--no-progress", "-q", "--no-sound"],
        "rg": lambda path: ["rg", "--count-matches", "-F", "-f", phrases, path],
        "python": lambda path: [sys.executable, "bench/baseline.py", phrases, path],
    }
    result = {}
    for tool, cmd in tools.items():
        whole, single = collected(cmd(folder)), collected(cmd(one))
        if whole is None or single is None:
            return None
        result[tool] = {"per_call": (whole - single) / (len(files) - 1), "startup": single}
        print(f"  instructions {tool:7} {result[tool]['per_call']:12,.0f} a call, {single:14,} to start", flush=True)
    return result


def targets(rows, single, counts, startup):
    """Issue 21's targets against this run's measurements."""
    lines = ["Issue 21's targets, against this run:", "",
             "| target | measured here | status |", "| --- | --- | --- |"]
    def status(ok):
        return "met" if ok else "**missed**"
    if counts:
        per_call = counts["callqc"]["per_call"]
        lines.append(f"| ≤ 250,000 instructions a call (default zh-CN rules) | {per_call:,.0f} | {status(per_call <= 250_000)} |")
    if rows:
        ratios = [r["rg"]["seconds"] / r["callqc"]["seconds"] for _, _, _, _, _, r in rows]
        lines.append(f"| ≥ 0.4× ripgrep's throughput | {min(ratios):.2f}–{max(ratios):.2f}× | {status(min(ratios) >= 0.4)} |")
    if startup:
        parts = [f"{name}: {v['warm'] / 1e6:.1f} M ({v['no_cache'] / 1e6:.1f} M without the rule cache)" for name, v in startup.items()]
        best = min(v["warm"] for v in startup.values())
        lines.append(f"| start-up ≤ 40 M instructions (`check` of one call, from start to finish) | {'; '.join(parts)} | {status(best <= 40_000_000)} |")
    checks = {k: v for k, v in single.items() if k.startswith("check one call")}
    if checks:
        parts = [f"{k.replace('check one call', '').strip(', ') or 'release build'}: {v * 1000:.0f} ms" for k, v in checks.items()]
        best = min(checks.values())
        lines.append(f"| a single `callqc check` under 30 ms (median of 7; seconds drift with the machine's load) | {'; '.join(parts)} | {status(best < 0.030)} |")
    peaks = {}
    for mb, _, _, _, _, r in rows:
        peaks.setdefault(mb, []).append(r["callqc"]["rss_mb"])
    if peaks:
        text = "; ".join(f"{mb} MB: {min(v):.0f}–{max(v):.0f} MB" for mb, v in sorted(peaks.items()))
        flat = len(peaks) < 2 or max(peaks[max(peaks)]) <= 1.5 * max(peaks[min(peaks)])
        lines.append(f"| memory flat (peak RSS by corpus size) | {text} | {status(flat) if len(peaks) >= 2 else 'one size run'} |")
    lines.append("| outputs byte-identical on the golden corpus | `GoldenOutputTests` (run by the tests, not here) | see the tests |")
    return lines


def render(rows, single, counts=None, startup=None):
    lines = ["| corpus | phrases | tool | MB/s | calls/s | peak MB | CPU | callqc ÷ tool |",
             "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for mb, size, calls, name, count, result in rows:
        cq = result["callqc"]["seconds"]
        for tool in ("callqc", "literal", "rg", "python"):
            r = result[tool]
            ratio = "" if tool == "callqc" else f"{r['seconds'] / cq:.2f}×"
            lines.append(f"| {mb} MB | {name} ({count}) | {tool} | {size / r['seconds']:.1f} | {calls / r['seconds']:.0f} | "
                         f"{r['rss_mb']:.0f} | {r['cpu']} | {ratio} |")
    lines.append("")
    lines.append("Growth (callqc seconds): ")
    by = {(mb, name): result["callqc"]["seconds"] for mb, _, _, name, _, result in rows}
    for mb in sorted({r[0] for r in rows}):
        if (mb, "20 phrases") in by and (mb, "2000 phrases") in by:
            lines.append(f"- {mb} MB, 20 → 2,000 phrases: ×{by[(mb, '2000 phrases')] / by[(mb, '20 phrases')]:.2f}")
    sizes = sorted({r[0] for r in rows})
    if len(sizes) >= 2:
        a, b = sizes[0], sizes[-1]
        for name in ("default zh-CN", "2000 phrases"):
            if (a, name) in by and (b, name) in by:
                lines.append(f"- {name}, {a} → {b} MB: ×{by[(b, name)] / by[(a, name)]:.2f} (data ×{b / a:.0f})")
    lines.append("")
    lines.append("The sound layer (recognisers' homophones; `literal` is callqc with `--no-sound`), callqc ÷ literal seconds: "
                 + ", ".join(f"{mb} MB {name} ×{result['callqc']['seconds'] / result['literal']['seconds']:.2f}"
                             for mb, _, _, name, _, result in rows))
    lines.append("")
    for name, s in single.items():
        lines.append(f"- {name}, start to finish: {s * 1000:.0f} ms (median of 7)")
    if counts:
        cq = counts["callqc"]["per_call"]
        lines.append("")
        lines.append("Instructions per call (valgrind's callgrind over 1,000 calls of the smallest corpus, default zh-CN "
                     "phrases, start-up subtracted; the same count on every run, whatever the machine's load):")
        lines.append("")
        lines.append("| tool | instructions a call | start-up | callqc ÷ tool |")
        lines.append("| --- | ---: | ---: | ---: |")
        for tool in ("callqc", "literal", "rg", "python"):
            c = counts[tool]
            ratio = "" if tool == "callqc" else f"{c['per_call'] / cq:.2f}×"
            lines.append(f"| {tool} | {c['per_call']:,.0f} | {c['startup']:,} | {ratio} |")
    lines.append("")
    lines += targets(rows, single, counts, startup)
    return "\n".join(lines)


def write_docs(table, sizes, repeat):
    path = os.path.join(ROOT, "docs", "performance.md")
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    marker_start, marker_end = "<!-- bench:start -->", "<!-- bench:end -->"
    block = (f"{marker_start}\nMeasured by `make bench` (`bench/run.py --sizes {' '.join(map(str, sizes))} --repeat {repeat} --write-docs`, "
             f"median of {repeat} runs each, page cache warm) on "
             f"{platform.machine()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}.\n\n{table}\n{marker_end}")
    if marker_start in text:
        text = text[:text.index(marker_start)] + block + text[text.index(marker_end) + len(marker_end):]
    else:
        text += "\n" + block + "\n"
    open(path, "w", encoding="utf-8").write(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
