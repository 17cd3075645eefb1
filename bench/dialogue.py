#!/usr/bin/env python3
"""False alarms on ordinary Chinese dialogue and social-media comments.

None of these corpora has anything to do with debt collection, so every
finding is a false alarm. Dialogues (CrossWOZ, KdConv) are checked twice: as
one file of utterances (one per line, the way call notes arrive) and as one
transcript file per dialogue, with speaker labels (the way transcripts
arrive). Comments (the non-offensive items of COLD and SWSR) are checked as
one file, one comment per line. Every item is also checked as a file of its
own, the way a one-line corpus is scored: a sentence alone is read as said
to a debtor when it speaks to someone (GUIDELINES.md presumes collection
context), so this is the harder reading. The rate is items with findings per
item.

    python3 bench/dialogue.py --crosswoz DIR --kdconv DIR --cold DIR --swsr DIR \
        [--cmd "target/release/hegui check --format json"] [--show]

Each DIR is a clone of https://github.com/thu-coai/CrossWOZ (its
data/crosswoz/{val,test}.json.zip are read), https://github.com/thu-coai/KdConv
(data/*/{dev,test}.json), https://github.com/thu-coai/COLDataset
(COLDataset/{train,dev,test}.csv, items labelled 0) or
https://github.com/aggiejiang/SWSR (SWSR/SexComment.csv, items labelled 0).
The data sets are not distributed with hegui.
"""
import argparse, csv, glob, json, os, shlex, subprocess, sys, tempfile, zipfile


def crosswoz(root):
    """Dialogues of CrossWOZ's validation and test sets: lists of (speaker, text)."""
    for name in ("val", "test"):
        with zipfile.ZipFile(os.path.join(root, "data", "crosswoz", f"{name}.json.zip")) as z:
            data = json.loads(z.read(f"{name}.json"))
        for dialogue in data.values():
            yield [("用户" if m["role"] == "usr" else "客服", m["content"]) for m in dialogue["messages"]]


def kdconv(root):
    """Dialogues of KdConv's dev and test sets (film, music, travel)."""
    for path in sorted(glob.glob(os.path.join(root, "data", "*", "*.json"))):
        if os.path.basename(path) not in ("dev.json", "test.json"):
            continue
        with open(path, encoding="utf-8") as f:
            for dialogue in json.load(f):
                yield [("甲" if i % 2 == 0 else "乙", m["message"]) for i, m in enumerate(dialogue["messages"])]


def cold(root):
    """Non-offensive comments of COLD (all three splits), one per item."""
    for name in ("train", "dev", "test"):
        with open(os.path.join(root, "COLDataset", f"{name}.csv"), encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                if row["label"] == "0":
                    yield [("", row["TEXT"])]


def swsr(root):
    """Non-sexist Weibo comments of SWSR, one per item."""
    with open(os.path.join(root, "SWSR", "SexComment.csv"), encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["label"] == "0":
                yield [("", row["comment_text"])]


def one_line(text):
    return " ".join(text.split())


def run(cmd, path):
    out = subprocess.run(shlex.split(cmd) + [path], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"checker failed ({out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout)["findings"]


def measure(name, dialogues, cmd, show, transcripts=True):
    with tempfile.TemporaryDirectory() as tmp:
        utterances = [one_line(t) for d in dialogues for _, t in d]
        flat = os.path.join(tmp, "utterances.txt")
        with open(flat, "w", encoding="utf-8") as f:
            f.write("\n".join(utterances) + "\n")
        runs = [("utterances" if transcripts else "items", flat)]
        alone = os.path.join(tmp, "alone")
        os.mkdir(alone)
        for i, text in enumerate(utterances):
            with open(os.path.join(alone, f"{i:06}.txt"), "w", encoding="utf-8") as f:
                f.write(text + "\n")
        runs.append(("one per file", alone))
        if transcripts:
            folder = os.path.join(tmp, "dialogues")
            os.mkdir(folder)
            for i, d in enumerate(dialogues):
                with open(os.path.join(folder, f"{i:05}.txt"), "w", encoding="utf-8") as f:
                    f.write("".join(f"{who}：{one_line(t)}\n" for who, t in d))
            runs.append(("transcripts", folder))
        for label, path in runs:
            findings = run(cmd, path)
            lines = {(x["path"], x["line"]) for x in findings}
            rate = 100.0 * len(lines) / len(utterances)
            print(f"{name:9} {label:12} {len(utterances):7} items  "
                  f"{len(lines):3} with findings  {rate:.4f} %")
            if show:
                for x in findings:
                    print(f"    {x['rule']} {os.path.basename(x['path'])}:{x['line']} {x['excerpt']}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--crosswoz")
    ap.add_argument("--kdconv")
    ap.add_argument("--cold")
    ap.add_argument("--swsr")
    ap.add_argument("--cmd", default="target/release/hegui check --format json")
    ap.add_argument("--show", action="store_true", help="list every finding")
    args = ap.parse_args()
    if not (args.crosswoz or args.kdconv or args.cold or args.swsr):
        ap.error("give at least one of --crosswoz, --kdconv, --cold, --swsr")
    if args.crosswoz:
        measure("CrossWOZ", list(crosswoz(args.crosswoz)), args.cmd, args.show)
    if args.kdconv:
        measure("KdConv", list(kdconv(args.kdconv)), args.cmd, args.show)
    if args.cold:
        measure("COLD", list(cold(args.cold)), args.cmd, args.show, transcripts=False)
    if args.swsr:
        measure("SWSR", list(swsr(args.swsr)), args.cmd, args.show, transcripts=False)


if __name__ == "__main__":
    main()
