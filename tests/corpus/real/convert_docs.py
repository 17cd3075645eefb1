#!/usr/bin/env python3
"""Convert a whole-document ``.src`` file (such as seeds.src) to JSONL.

Same format and output as ../convert.py, with one addition needed for real
documents: a line ``-§`` with nothing after it is an empty line of the
document (kept as ``"text": ""``), so that line N of a case is line N of the
original file. ../convert.py rejects empty text; this wrapper reuses its code
for everything else.

    python3 tests/corpus/real/convert_docs.py tests/corpus/real/seeds.src \
        -o tests/corpus/real/seeds.jsonl --prefix seed
Stdlib only.
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ next to ../convert.py
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import convert  # noqa: E402  (tests/corpus/convert.py)


def parse(lines, name="<src>"):
    cases, current = [], []
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if current:
                cases.append(current)
                current = []
            continue
        if line.startswith("#"):
            continue
        where = f"{name}:{n}"
        if convert.SEP not in line:
            raise convert.SrcError(f"{where}: missing '{convert.SEP}' separator: {line!r}")
        codes, text = line.split(convert.SEP, 1)
        labels, also = convert.parse_codes(codes.strip(), where)
        text = convert.unescape(text)
        if not text.strip() and (labels or also or text):
            raise convert.SrcError(f"{where}: an empty line must be written exactly '-{convert.SEP}'")
        current.append({"text": text, "labels": labels, "also": also})
    if current:
        cases.append(current)
    return cases


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("-o", "--output")
    ap.add_argument("--prefix", default="t")
    args = ap.parse_args(argv)
    with open(args.src, encoding="utf-8") as f:
        try:
            cases = parse(f, args.src)
        except convert.SrcError as e:
            sys.exit(f"error: {e}")
    width = max(3, len(str(len(cases))))
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        for i, lines in enumerate(cases, 1):
            record = {"id": f"{args.prefix}{i:0{width}d}", "lines": lines}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    counts = {c: 0 for c in convert.ORDER}
    n_lines = n_empty = n_flagged = 0
    for lines in cases:
        for line in lines:
            n_lines += 1
            n_empty += not line["text"]
            n_flagged += bool(line["labels"])
            for c in line["labels"]:
                counts[c] += 1
    summary = ", ".join(f"{c}={counts[c]}" for c in convert.ORDER)
    print(f"{len(cases)} cases, {n_lines} lines ({n_empty} empty, {n_flagged} with a required label); "
          f"required labels: {summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
