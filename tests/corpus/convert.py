#!/usr/bin/env python3
"""Convert a labelled ``.src`` corpus into the JSONL format of dev.jsonl.

Source format (see /work/shared/corpus/GUIDELINES.md and dev.src):

    CODES§TEXT

* CODES: letters T I M D F H (threat, insult, impersonation,
  third_party_disclosure, false_claim, harassment); uppercase = required
  label, lowercase = also acceptable; a single ``-`` = compliant line.
* A blank line ends a case; lines starting with ``#`` are comments.
* Escapes such as ``\\u200b`` in TEXT become the real character.
* ``-§`` with no text is an empty line inside a document; a line may carry
  only lowercase codes (acceptable, not required: the continuation of a
  sentence wrapped across lines).

Output: one JSON object per case,
    {"id": "t001", "lines": [{"text": ..., "labels": [...], "also": [...]}]}

Usage:
    python3 convert.py labelled.src [-o labelled.jsonl] [--prefix t]
Stdlib only.
"""
import argparse
import json
import re
import sys

CATEGORIES = {
    "T": "threat",
    "I": "insult",
    "M": "impersonation",
    "D": "third_party_disclosure",
    "F": "false_claim",
    "H": "harassment",
}
ORDER = list(CATEGORIES.values())
SEP = "\u00a7"  # §
ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


class SrcError(Exception):
    pass


def parse_codes(codes, where):
    if codes == "-":
        return [], []
    if not codes:
        raise SrcError(f"{where}: empty CODES")
    labels, also = set(), set()
    for ch in codes:
        cat = CATEGORIES.get(ch.upper())
        if cat is None:
            raise SrcError(f"{where}: unknown code {ch!r} in {codes!r}")
        (labels if ch.isupper() else also).add(cat)
    # A line with only lowercase codes has no required label: flagging it
    # is acceptable, missing it is no error (the continuation of a
    # sentence wrapped across lines).
    also -= labels
    return [c for c in ORDER if c in labels], [c for c in ORDER if c in also]


def unescape(text):
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


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
        if SEP not in line:
            raise SrcError(f"{where}: missing '{SEP}' separator: {line!r}")
        codes, text = line.split(SEP, 1)
        labels, also = parse_codes(codes.strip(), where)
        text = unescape(text)
        # "-§" with nothing after it is an empty line inside a document.
        if not text.strip() and (labels or also):
            raise SrcError(f"{where}: a labelled line needs text")
        current.append({"text": text, "labels": labels, "also": also})
    if current:
        cases.append(current)
    return cases


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", help="input .src file")
    ap.add_argument("-o", "--output", help="output .jsonl (default: stdout)")
    ap.add_argument("--prefix", default="t", help="case id prefix (default: t)")
    args = ap.parse_args(argv)

    with open(args.src, encoding="utf-8") as f:
        try:
            cases = parse(f, args.src)
        except SrcError as e:
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

    counts = {c: 0 for c in ORDER}
    n_lines = n_clean = 0
    for lines in cases:
        for line in lines:
            n_lines += 1
            if not line["labels"]:
                n_clean += 1
            for c in line["labels"]:
                counts[c] += 1
    summary = ", ".join(f"{c}={counts[c]}" for c in ORDER)
    print(f"{len(cases)} cases, {n_lines} lines ({n_clean} compliant); required labels: {summary}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
