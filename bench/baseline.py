#!/usr/bin/env python3
"""The Python baseline a user would write: one pyahocorasick automaton of the phrases,
run over each line of each transcript, counting matches.

usage: baseline.py PHRASES_FILE CORPUS_DIR
"""
import os
import sys

import ahocorasick


def main():
    phrases = [p.strip() for p in open(sys.argv[1], encoding="utf-8") if p.strip() and not p.startswith("#")]
    automaton = ahocorasick.Automaton()
    for i, p in enumerate(phrases):
        automaton.add_word(p, i)
    automaton.make_automaton()
    count = files = 0
    for root, _, names in os.walk(sys.argv[2]):
        for name in names:
            if not name.endswith(".txt"):
                continue
            files += 1
            with open(os.path.join(root, name), encoding="utf-8") as f:
                for line in f:
                    for _ in automaton.iter(line):
                        count += 1
    print(f"{files} files, {count} matches")


if __name__ == "__main__":
    main()
