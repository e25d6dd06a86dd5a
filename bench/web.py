#!/usr/bin/env python3
"""make bench-web: the workbench's POST /api/check throughput, measured with wrk on loopback.

Starts `callqc serve` (release build, no database, loopback) on a free port, then runs wrk
(2 threads, 10 s, after a 3 s warm-up) posting one transcript at 8 and 64 connections, for a
short call (a sample) and a long one (60 turns), and prints requests/s, latency percentiles and
the calls per second `callqc check` reaches on the same transcript in one process, for scale.

usage: python3 bench/web.py [--binary .build/release/callqc] [--seconds 10]
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def long_call(path):
    lines = ["# call: BENCH-LONG", "# agent: A001", "# date: 2026-12-01"]
    t = 0.0
    for k in range(60):
        who, text = ("坐席", "您好，我帮您查询一下宽带的情况，请您稍等，这个套餐每个月是五十八元。") if k % 2 == 0 else \
                    ("客户", "我家宽带从昨天开始就用不了了，你们什么时候能修好？")
        lines.append(f"[{int(t // 60):02d}:{t % 60:04.1f}-{int((t + 4) // 60):02d}:{(t + 4) % 60:04.1f}] {who}: {text}")
        t += 4.5
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def wrk(url, body, connections, seconds):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "text/plain; charset=utf-8"\n')
        lua.write("local f = io.open(%r, 'rb')\nwrk.body = f:read('*a')\nf:close()\n" % body)
        script = lua.name
    subprocess.run(["wrk", "-t2", f"-c{connections}", "-d3s", "-s", script, url], capture_output=True)  # warm-up
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
                         capture_output=True, text=True).stdout
    os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, lat, int(non2xx.group(1)) if non2xx else 0


def cli_rate(binary, body, repeat=2000):
    folder = tempfile.mkdtemp(prefix="callqc-webbench-")
    data = open(body, "rb").read()
    for i in range(repeat):
        with open(os.path.join(folder, f"{i:05d}.txt"), "wb") as f:
            f.write(data)
    start = time.time()
    subprocess.run([binary, "check", folder, "--format", "jsonl", "-o", "/dev/null", "-q", "--no-progress"], cwd=ROOT, check=True)
    elapsed = time.time() - start
    subprocess.run(["rm", "-rf", folder])
    return repeat / elapsed


def main():
    binary = arg("--binary", os.path.join(ROOT, ".build", "release", "callqc"))
    seconds = int(arg("--seconds", "10"))
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--no-config", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        server.stdout.readline()  # "callqc workbench at …"
        long_path = os.path.join(tempfile.gettempdir(), "callqc-bench-long.txt")
        long_call(long_path)
        bodies = [("sample (good-call-broadband.txt)", os.path.join(ROOT, "samples", "good-call-broadband.txt")),
                  ("60 turns", long_path)]
        print(f"| transcript | connections | requests/s | p50 | p90 | p99 | non-2xx | `callqc check`, calls/s |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, body in bodies:
            rate = cli_rate(binary, body)
            for c in (8, 64):
                rps, lat, bad = wrk(f"http://127.0.0.1:{port}/api/check?source=bench.txt", body, c, seconds)
                print(f"| {name} | {c} | {rps:,.0f} | {lat.get('50', '?')} | {lat.get('90', '?')} | {lat.get('99', '?')} | {bad} | {rate:,.0f} |",
                      flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
