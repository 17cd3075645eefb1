#!/usr/bin/env python3
"""Line-level scores per genre of a labelled document corpus.

The genre of each document comes from its comment line in the .src file
(`# doc001｜通话转写｜…`); the .jsonl beside it holds the documents in the
same order. Each genre's documents are scored with the shared scorer.

    python3 bench/genres.py ../shared/corpus/docs.src ../shared/corpus/docs.jsonl \
        --cmd "target/release/hegui check --format json"
"""
import argparse, json, os, re, subprocess, sys, tempfile, unicodedata
from collections import OrderedDict

SCORER = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "tools", "score.py")


def pad(text, width):
    """`text` padded to `width` display columns (CJK characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("jsonl")
    ap.add_argument("--cmd", default="target/release/hegui check --format json")
    ap.add_argument("--scorer", default=SCORER)
    args = ap.parse_args()

    genres = {}
    with open(args.src, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#\s*(\w+)｜([^｜]+)｜", line)
            if m:
                genres[m.group(1)] = m.group(2).strip()
    by_genre = OrderedDict()
    with open(args.jsonl, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                case = json.loads(line)
                by_genre.setdefault(genres.get(case["id"], "?"), []).append(line)
    print(f"| {'genre':<16} | docs | line-F1 | precision | recall |")
    print("|------------------|------|---------|-----------|--------|")
    for genre, lines in by_genre.items():
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as t:
            t.writelines(lines)
        out = subprocess.run([sys.executable, args.scorer, t.name, "--cmd", args.cmd],
                             capture_output=True, text=True).stdout
        os.unlink(t.name)
        m = re.search(r"line-F1=([\d.]+) .*line-precision=([\d.]+) line-recall=([\d.]+)", out)
        f1, p, r = m.groups() if m else ("?", "?", "?")
        print(f"| {pad(genre, 16)} | {len(lines):>4} | {f1:>7} | {p:>9} | {r:>6} |")


if __name__ == "__main__":
    main()
