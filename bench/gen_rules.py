#!/usr/bin/env python3
"""A callqc rule set with N generated forbidden phrases (plus the default scoring scheme),
in callqc's own format, for measuring how matching cost grows with the lexicon.

usage: gen_rules.py OUT_DIR N [--seed N]
"""
import os
import random
import sys

CHARS = ("的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见把老因点从"
         "宽带话费流量套餐积分漫游发票账单光猫路由器副卡携号转网服务客户投诉办理查询")


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    rng = random.Random(seed)
    os.makedirs(os.path.join(out, "rules"), exist_ok=True)
    with open(os.path.join(out, "ruleset.yaml"), "w", encoding="utf-8") as f:
        f.write(f"""name: bench-{n}
version: "1"
language: zh
scoring:
  sections:
    - {{id: greeting-closing, title: 欢迎语及结束语, points: 15}}
    - {{id: pace, title: 语速, points: 10}}
    - {{id: politeness, title: 礼貌及服务用语, points: 35}}
    - {{id: listening, title: 聆听, points: 20}}
    - {{id: completeness, title: 完整, points: 20}}
  grades:
    - {{grade: A, min: 90}}
    - {{grade: E, min: 0}}
""")
    phrases = set(["不知道", "这是规定就不行", "找领导去", "你问我我问谁"])
    while len(phrases) < n:
        phrases.add("".join(rng.choice(CHARS) for _ in range(rng.randint(2, 6))))
    phrases = sorted(phrases)
    with open(os.path.join(out, "phrases.txt"), "w", encoding="utf-8") as f:
        f.write("# generated\n" + "\n".join(phrases) + "\n")
    with open(os.path.join(out, "rules", "generated.yaml"), "w", encoding="utf-8") as f:
        f.write("""rules:
  - id: greeting
    kind: required
    message: 开头未使用标准问候语
    section: greeting-closing
    deduction: 10
    phrases: [您好, 欢迎致电, 很高兴为您服务]
    window: {at: start, turns: 2, seconds: 15}
  - id: closing
    kind: required
    message: 结尾未使用标准结束语
    section: greeting-closing
    deduction: 10
    phrases: [再见, 感谢您的来电]
    window: {at: end, turns: 2, seconds: 20}
  - id: generated
    kind: forbidden
    message: 生成的短语
    section: politeness
    deduction: 1
    roles: [agent, customer]
    phrases_file: ../phrases.txt
  - id: pace.fast
    kind: speech-rate
    message: 语速过快
    section: pace
    deduction: 10
    above: 150
  - id: interruption
    kind: interruption
    message: 打断客户
    section: listening
    deduction: 5
  - id: silence
    kind: silence
    message: 冷场
    section: listening
    deduction: 3
""")
    print(f"{len(phrases)} phrases in {out}")


if __name__ == "__main__":
    main()
