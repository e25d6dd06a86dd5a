#!/usr/bin/env python3
"""Load generator for live QC (docs/live.md, docs/performance.md): N concurrent live calls over
the WebSocket /api/live of a `callqc serve` it starts (or one at --url), each sending a turn
every 2-4 s, with taboo turns at known times. Measures the latency from a taboo turn sent to
its alert received (p50, p99, max), the server's CPU and memory per live call (from /proc), and
dropped or duplicated alerts (must be 0). Python 3 standard library only.

    python3 bench/live/run.py --binary .build/release/callqc --calls 1000 --turns 12
    python3 bench/live/run.py --calls 30 --turns 4 --json      # the small run CI does
"""
import argparse, asyncio, base64, json, os, random, re, signal, struct, subprocess, sys, tempfile, time

AGENT_TURNS = [
    "您好，欢迎致电星联移动，很高兴为您服务，请问有什么可以帮您？",
    "好的，我这边帮您查询一下，请您稍等。",
    "查到了，您这个月的套餐费用是五十八元，另外有一笔流量包的费用。",
    "这个流量包是您上个月二十号开通的，每个月自动续订。",
    "如果您不需要的话，我可以帮您取消，下个月开始生效。",
    "好的，已经为您提交了，稍后会有短信通知。",
]
CUSTOMER_TURNS = [
    "你好，我想问一下我这个月话费怎么多了。",
    "流量包？我不记得开通过啊。",
    "那你帮我取消掉吧。",
    "好的，谢谢。",
]
# The taboo turns and the rules they must raise (lexicons/zh-CN/rules/politeness.yaml).
TABOO = ("不知道，你自己去营业厅问吧。", {"taboo.dont-know", "taboo.elsewhere"})


class WS:
    """A minimal WebSocket client (RFC 6455): text frames, masked as a client must."""

    def __init__(self, reader, writer):
        self.r, self.w = reader, writer

    @classmethod
    async def connect(cls, host, port, path, token=None):
        reader, writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        head = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        writer.write((head + "\r\n").encode())
        await writer.drain()
        status = await reader.readuntil(b"\r\n\r\n")
        if not status.startswith(b"HTTP/1.1 101"):
            raise RuntimeError("upgrade refused: " + status.split(b"\r\n")[0].decode(errors="replace"))
        return cls(reader, writer)

    def send(self, text, opcode=1):
        data = text.encode() if isinstance(text, str) else text
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        self.w.write(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    async def recv(self):
        """The next text message, or None when the connection closes."""
        parts = b""
        while True:
            b0, b1 = await self.r.readexactly(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", await self.r.readexactly(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", await self.r.readexactly(8))[0]
            mask = await self.r.readexactly(4) if b1 & 0x80 else None
            data = await self.r.readexactly(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 8:
                return None
            if opcode == 9:
                self.send(data, opcode=10)
                continue
            if opcode == 10:
                continue
            parts += data
            if b0 & 0x80:
                return parts.decode()

    def close(self):
        try:
            self.send(struct.pack(">H", 1000), opcode=8)
            self.w.close()
        except Exception:
            pass


def proc_stat(pid):
    """(CPU seconds used, resident memory in KiB) of a process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return cpu, rss


def percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))
    return s[k]


async def one_call(i, args, host, port, stats, opened, go):
    call = f"LIVE-{i:05d}"
    rng = random.Random(args.seed * 100_003 + i)
    # Taboo turns at known places: the 3rd agent turn, and every 4th after it.
    ws = await WS.connect(host, port, "/api/live", args.token)
    ws.send(json.dumps({"event": "open", "call": call, "agent": f"A{i % 50:03d}"}))
    sent = {}       # turn number -> time sent (taboo turns)
    got = {}        # (turn, rule) -> count
    latency = []
    result = asyncio.get_running_loop().create_future()

    async def reader():
        while True:
            msg = await ws.recv()
            if msg is None:
                break
            now = time.perf_counter()
            d = json.loads(msg)
            if d.get("type") == "alert":
                a = d["alert"]
                if a["kind"] == "forbidden" and a["turn"] in sent:
                    key = (a["turn"], a["rule"])
                    got[key] = got.get(key, 0) + 1
                    if got[key] == 1 and a["rule"] in TABOO[1]:
                        latency.append((now - sent[a["turn"]]) * 1000)
            elif d.get("type") == "result":
                result.set_result(d)
                break
            elif d.get("type") == "error":
                stats["errors"].append(d.get("error"))

    task = asyncio.create_task(reader())
    opened.append(call)
    await go.wait()
    await asyncio.sleep(rng.uniform(0, 3))
    clock = 0.0
    expected = set()
    agent_turns = 0
    for n in range(1, args.turns + 1):
        agent = n % 2 == 1
        if agent:
            agent_turns += 1
            taboo = agent_turns >= 3 and (agent_turns - 3) % 4 == 0
            text = TABOO[0] if taboo else AGENT_TURNS[(agent_turns - 1) % len(AGENT_TURNS)]
        else:
            taboo = False
            text = CUSTOMER_TURNS[(n // 2 - 1) % len(CUSTOMER_TURNS)]
        length = max(1.5, len(text) / 4.0)   # about 240 characters a minute: never too fast on the rules
        turn = {"role": "agent" if agent else "customer", "start": round(clock, 2), "end": round(clock + length, 2), "text": text}
        clock += length + 0.5
        if taboo:
            sent[n] = time.perf_counter()
            expected |= {(n, r) for r in TABOO[1]}
        ws.send(json.dumps(turn, ensure_ascii=False))
        await ws.w.drain()
        await asyncio.sleep(rng.uniform(2, 4))
    await asyncio.sleep(1.0)
    ws.send(json.dumps({"event": "end"}))
    try:
        await asyncio.wait_for(result, 30)
    except asyncio.TimeoutError:
        stats["errors"].append(f"{call}: no result")
    task.cancel()
    ws.close()
    stats["latency"] += latency
    stats["expected"] += len(expected)
    stats["dropped"] += len(expected - set(got))
    stats["duplicated"] += sum(c - 1 for c in got.values() if c > 1)
    stats["unexpected"] += len(set(got) - expected)
    stats["calls"] += 1


def raise_open_files(n):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, n))
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


async def main(args):
    raise_open_files(2 * args.calls + 256)
    server = None
    host, port = "127.0.0.1", None
    if args.url:
        m = re.match(r"http://([^:/]+):(\d+)", args.url)
        host, port = m.group(1), int(m.group(2))
        pid = args.pid
    else:
        env = dict(os.environ, CALLQC_TOKEN=args.token) if args.token else dict(os.environ)
        lex = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lexicons")
        server = subprocess.Popen([args.binary, "serve", "--no-config", "--port", "0", "--max-connections", str(args.calls + 100),
                                   "--live-idle", "600", "--live-websocket", "--rules", os.path.normpath(lex)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        line = server.stdout.readline()
        m = re.search(r":(\d+)", line)
        if not m:
            raise SystemExit("the server did not start: " + line + server.stderr.read())
        port = int(m.group(1))
        pid = server.pid
    try:
        stats = {"latency": [], "expected": 0, "dropped": 0, "duplicated": 0, "unexpected": 0, "calls": 0, "errors": []}
        base = proc_stat(pid) if pid else (0, 0)
        opened, go = [], asyncio.Event()
        tasks = []
        for i in range(args.calls):
            tasks.append(asyncio.create_task(one_call(i, args, host, port, stats, opened, go)))
            if i % 50 == 49:
                await asyncio.sleep(0.05)
        while len(opened) < args.calls and not any(t.done() for t in tasks):
            await asyncio.sleep(0.05)
        failed = [t for t in tasks if t.done() and t.exception()]
        if failed:
            raise failed[0].exception()
        await asyncio.sleep(0.5)
        start_cpu = proc_stat(pid) if pid else (0, 0)
        t0 = time.perf_counter()
        go.set()
        peak = start_cpu[1]
        while not all(t.done() for t in tasks):
            await asyncio.sleep(0.5)
            if pid:
                peak = max(peak, proc_stat(pid)[1])
        wall = time.perf_counter() - t0
        end_cpu = proc_stat(pid) if pid else (0, 0)
        for t in tasks:
            if t.exception():
                stats["errors"].append(repr(t.exception()))
        lat = stats["latency"]
        report = {
            "calls": args.calls, "turns_per_call": args.turns, "completed": stats["calls"],
            "alerts_expected": stats["expected"], "alerts_received": len(lat) * 1 if False else stats["expected"] - stats["dropped"],
            "dropped": stats["dropped"], "duplicated": stats["duplicated"], "unexpected": stats["unexpected"],
            "latency_ms": {"p50": percentile(lat, 50), "p99": percentile(lat, 99), "max": max(lat) if lat else None, "n": len(lat)},
            "seconds": round(wall, 1),
            "server_cpu_percent": round(100 * (end_cpu[0] - start_cpu[0]) / wall, 1) if pid else None,
            "server_rss_mib": {"idle": round(base[1] / 1024, 1), "calls_open": round(start_cpu[1] / 1024, 1), "peak": round(peak / 1024, 1)} if pid else None,
            "memory_per_call_kib": round((peak - base[1]) / args.calls, 1) if pid else None,
            "errors": stats["errors"][:10],
        }
        if args.json:
            print(json.dumps(report))
        else:
            l = report["latency_ms"]
            print(f"{report['completed']}/{args.calls} calls, {args.turns} turns each, {report['seconds']} s")
            print(f"alerts: {report['alerts_received']}/{report['alerts_expected']} received, dropped {report['dropped']}, duplicated {report['duplicated']}, unexpected {report['unexpected']}")
            if lat:
                print(f"latency turn sent -> alert received: p50 {l['p50']:.2f} ms, p99 {l['p99']:.2f} ms, max {l['max']:.2f} ms ({l['n']} alerts)")
            if pid:
                print(f"server CPU {report['server_cpu_percent']}% of one core; RSS idle {report['server_rss_mib']['idle']} MiB, "
                      f"peak {report['server_rss_mib']['peak']} MiB: {report['memory_per_call_kib']} KiB per live call")
            for e in report["errors"]:
                print("error:", e)
        ok = report["dropped"] == 0 and report["duplicated"] == 0 and report["completed"] == args.calls and not report["errors"]
        return 0 if ok else 1
    finally:
        if server:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", default=".build/release/callqc", help="the callqc to serve with")
    p.add_argument("--url", help="use a running server instead (http://127.0.0.1:PORT); --pid for its /proc figures")
    p.add_argument("--pid", type=int)
    p.add_argument("--token", default="bench-live-token-0123456789abcdef", help="the access token producers send")
    p.add_argument("--calls", type=int, default=1000)
    p.add_argument("--turns", type=int, default=12)
    p.add_argument("--seed", type=int, default=19)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    sys.exit(asyncio.run(main(a)))
