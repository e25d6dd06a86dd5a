#!/usr/bin/env python3
"""Deterministic synthetic corpus of call transcripts in callqc's plain format.

Chinese calls with realistic turn lengths and vocabulary, about one in ten written in
Traditional characters, full-width punctuation, some spaces and ASR-style fillers, and
the faults a QC run looks for (taboo phrases, missing greetings, fast agents).

usage: gen_corpus.py OUT_DIR MEGABYTES [--seed N] [--calls N]

With --calls N it stops after N calls (MEGABYTES still bounds the size).
"""
import os
import random
import sys

GREETINGS = ["您好，欢迎致电星联移动，很高兴为您服务，请问有什么可以帮您？", "您好，请问有什么可以帮到您？",
             "您好，星联移动客服，工号{n}号为您服务。", "喂，什么事？", "下午好，请讲。"]
CLOSINGS = ["请问还有其他可以帮您的吗？感谢您的来电，祝您生活愉快，再见！", "不客气，感谢您的来电，再见。",
            "好的，那就这样。", "行，就这样吧。", "感谢您的配合，再见。"]
TOPICS = ["宽带", "话费", "流量", "套餐", "积分", "漫游", "发票", "账单", "光猫", "路由器", "5G套餐", "副卡", "携号转网"]
CUSTOMER = ["我想问一下我这个月{t}怎么这么多？", "我家{t}从昨天开始就用不了了。", "你们这个{t}能不能便宜一点？",
            "我想办理一下{t}的业务。", "上次说好的{t}的问题到现在还没解决。", "呃，那个{t}是怎么收费的？",
            "我要投诉，你们{t}一直有问题，打了好几次电话了！", "行，那就这样吧。", "嗯，好的，我知道了。", "那要多久才能弄好？"]
AGENT = ["好的，我帮您查询一下{t}的情况，请您稍等。", "您的{t}目前是正常的，本月已经使用了三十G。", "非常抱歉给您带来不便，我马上为您处理。",
         "这个{t}每个月是五十八元，包含二十G流量和三百分钟通话。", "我已经为您登记了，师傅会在二十四小时内联系您。",
         "您看这样行不行，我先帮您申请一个临时方案。", "不知道，系统上就这么显示的。", "这是规定，就不行。",
         "您不知道也没关系，我来帮您查一下。", "请问您是机主本人吗？", "好的先生，已经为您办理成功，稍后会有短信通知。",
         "{t}的问题我们会在三个工作日内给您答复，请您谅解。"]
TRAD = str.maketrans("这个么说对吗业务问话费宽带办理请为们还没时间帮处查询务电会让给关系应该钱后网络数据账单发票号码", 
                     "這個麼說對嗎業務問話費寬帶辦理請為們還沒時間幫處查詢務電會讓給關係應該錢後網絡數據賬單發票號碼")


def call(rng, i):
    agent = f"A{rng.randint(1, 400):03d}"
    day = 20 + rng.randint(0, 1)
    trad = rng.random() < 0.1
    fast = rng.random() < 0.1
    lines = [f"# call: B202611{day}-{i:07d}", f"# agent: {agent}", f"# date: 2026-11-{day}"]
    t = 0.0
    turns = rng.randint(8, 30)
    for k in range(turns):
        agent_turn = k % 2 == 0
        topic = rng.choice(TOPICS)
        if agent_turn:
            text = rng.choice(GREETINGS).format(n=rng.randint(1, 99)) if k == 0 else (
                rng.choice(CLOSINGS) if k >= turns - 2 else rng.choice(AGENT).format(t=topic))
            label = "坐席"
        else:
            text = rng.choice(CUSTOMER).format(t=topic)
            label = "客户"
        if rng.random() < 0.3:
            text += rng.choice(AGENT if agent_turn else CUSTOMER).format(t=rng.choice(TOPICS))
        if rng.random() < 0.05:
            text = " ".join(text[j:j + 3] for j in range(0, len(text), 3))  # ASR spacing
        if trad:
            text = text.translate(TRAD)
            label = "客服" if agent_turn else "客戶"
        chars = sum(1 for c in text if c.isalnum())
        rate = (rng.uniform(3.3, 4.2) if fast else rng.uniform(1.7, 2.3)) if agent_turn else rng.uniform(1.8, 3.0)
        dur = max(0.8, chars / rate)
        start = t + rng.uniform(0.2, 1.2)
        end = start + dur
        lines.append(f"[{fmt(start)}-{fmt(end)}] {label}: {text}")
        t = end
    return "\n".join(lines) + "\n"


def fmt(s):
    tenths = int(round(s * 10))
    m, rest = divmod(tenths, 600)
    return f"{m:02d}:{rest // 10:02d}.{rest % 10}"


def main():
    out, mb = sys.argv[1], float(sys.argv[2])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 20261129
    rng = random.Random(seed)
    target = int(mb * 1024 * 1024)
    limit = int(sys.argv[sys.argv.index("--calls") + 1]) if "--calls" in sys.argv else None
    written = 0
    i = 0
    while written < target and (limit is None or i < limit):
        d = os.path.join(out, f"{i // 1000:04d}")
        if i % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        data = call(rng, i).encode("utf-8")
        with open(os.path.join(d, f"{i:07d}.txt"), "wb") as f:
            f.write(data)
        written += len(data)
        i += 1
    print(f"{i} calls, {written / 1048576:.1f} MB in {out}")


if __name__ == "__main__":
    main()
