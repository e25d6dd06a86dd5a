#!/usr/bin/env python3
"""Deterministic synthetic calls as callqc JSON Lines, one call a line (docs/formats.md).

Chinese calls built from gen_corpus.py's vocabulary (about one in ten in Traditional
characters, a few with ASR-style spacing, taboo phrases, missing greetings, fast agents),
and about one call in five in English, with the same faults. With --bad-every K, every
K-th line is one that is not a call (broken JSON, an object without turns, a call with no
turns), as a day's export sometimes holds: callqc answers each with a callqc.error/1 line.

usage: gen_calls.py OUT.jsonl CALLS [--seed N] [--bad-every K]
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_corpus import AGENT, CLOSINGS, CUSTOMER, GREETINGS, TOPICS, TRAD  # noqa: E402

EN_GREETINGS = ["Thank you for calling Starlink Mobile, my name is {name}, how can I help you today?",
                "Good morning, Starlink Mobile, this is {name} speaking, how may I help you?",
                "Hello, how can I help?", "Yeah, what is it?"]
EN_CLOSINGS = ["Is there anything else I can help you with? Thank you for calling, have a nice day.",
               "You're welcome, thank you for calling, goodbye.", "OK, that's it then.", "Fine, bye."]
EN_TOPICS = ["broadband", "bill", "data plan", "roaming", "invoice", "router", "5G plan", "SIM card"]
EN_CUSTOMER = ["Hi, my {t} this month is much higher than usual.", "My {t} has not worked since yesterday.",
               "Can you make the {t} any cheaper?", "I'd like to change my {t}.",
               "I want to file a complaint, the {t} keeps failing and I have called three times!",
               "OK, I see.", "How long will that take?"]
EN_AGENT = ["Sure, let me check the {t} on your account, one moment please.",
            "I'm sorry for the trouble, I'll fix that for you right away.",
            "The {t} is 58 yuan a month with 20 GB of data.", "I don't know, that's what the system says.",
            "That's the policy, there's nothing I can do.", "Could you confirm you are the account holder?",
            "I've logged a ticket, an engineer will call you within 24 hours."]
NAMES = ["Lisa", "Tom", "Grace", "Kevin", "Amy", "Daniel"]


def turns_for(rng, english, trad, fast):
    turns = []
    t = 0.0
    n = rng.randint(8, 30)
    topic = rng.choice(EN_TOPICS if english else TOPICS)
    for k in range(n):
        agent_turn = k % 2 == 0
        if english:
            if agent_turn:
                text = (rng.choice(EN_GREETINGS).format(name=rng.choice(NAMES)) if k == 0 else
                        rng.choice(EN_CLOSINGS) if k >= n - 2 else rng.choice(EN_AGENT).format(t=topic))
            else:
                text = rng.choice(EN_CUSTOMER).format(t=topic)
            speaker = "Agent" if agent_turn else "Customer"
            words = len(text.split())
            rate = (rng.uniform(3.6, 4.6) if fast else rng.uniform(2.0, 2.8)) if agent_turn else rng.uniform(2.0, 3.2)
            dur = max(0.8, words / rate)
        else:
            if agent_turn:
                text = (rng.choice(GREETINGS).format(n=rng.randint(1, 99)) if k == 0 else
                        rng.choice(CLOSINGS) if k >= n - 2 else rng.choice(AGENT).format(t=topic))
            else:
                text = rng.choice(CUSTOMER).format(t=topic)
            if rng.random() < 0.3:
                text += rng.choice(AGENT if agent_turn else CUSTOMER).format(t=rng.choice(TOPICS))
            if rng.random() < 0.05:
                text = " ".join(text[j:j + 3] for j in range(0, len(text), 3))  # ASR spacing
            speaker = "坐席" if agent_turn else "客户"
            if trad:
                text = text.translate(TRAD)
                speaker = "客服" if agent_turn else "客戶"
            chars = sum(1 for c in text if c.isalnum())
            rate = (rng.uniform(3.3, 4.2) if fast else rng.uniform(1.7, 2.3)) if agent_turn else rng.uniform(1.8, 3.0)
            dur = max(0.8, chars / rate)
        start = round(t + rng.uniform(0.2, 1.2), 1)
        end = round(start + dur, 1)
        turns.append({"role": "agent" if agent_turn else "customer", "speaker": speaker,
                      "start": start, "end": end, "text": text})
        t = end
    return turns


def call(rng, i):
    english = rng.random() < 0.2
    trad = not english and rng.random() < 0.1
    fast = rng.random() < 0.1
    day = 1 + rng.randint(0, 4)
    record = {"id": f"S202612{day:02d}-{i:06d}", "agent": f"A{rng.randint(1, 400):03d}",
              "date": f"2026-12-{day:02d}", "language": "en" if english else "zh",
              "metadata": {"queue": rng.choice(["billing", "broadband", "mobile", "complaints"])},
              "turns": turns_for(rng, english, trad, fast)}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


BAD = ['{"id": "broken", "turns": [{"role": "agent", "text": "您好',
       '{"caller": "A017", "duration": 61}',
       '{"id": "no-turns", "turns": []}']


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, count = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 20261201
    bad_every = int(sys.argv[sys.argv.index("--bad-every") + 1]) if "--bad-every" in sys.argv else 0
    rng = random.Random(seed)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(count):
            if bad_every and i % bad_every == bad_every - 1:
                f.write(BAD[(i // bad_every) % len(BAD)] + "\n")
            else:
                f.write(call(rng, i) + "\n")
    print(f"{count} lines in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
