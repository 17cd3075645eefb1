#!/usr/bin/env python3
"""False alarms on ordinary Chinese dialogue: CrossWOZ and KdConv.

Neither corpus has anything to do with debt collection, so every finding is
a false alarm. Each corpus is checked twice: as one file of utterances (one
per line, the way call notes arrive) and as one transcript file per
dialogue, with speaker labels (the way transcripts arrive). The rate is
findings per utterance.

    python3 bench/dialogue.py --crosswoz DIR --kdconv DIR \
        [--cmd "target/release/hegui check --format json"] [--show]

DIR is a clone of https://github.com/thu-coai/CrossWOZ (its
data/crosswoz/{val,test}.json.zip are read) or of
https://github.com/thu-coai/KdConv (its data/*/{dev,test}.json are read).
The data sets are not distributed with hegui.
"""
import argparse, glob, json, os, shlex, subprocess, sys, tempfile, zipfile


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


def one_line(text):
    return " ".join(text.split())


def run(cmd, path):
    out = subprocess.run(shlex.split(cmd) + [path], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"checker failed ({out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout)["findings"]


def measure(name, dialogues, cmd, show):
    with tempfile.TemporaryDirectory() as tmp:
        utterances = [one_line(t) for d in dialogues for _, t in d]
        flat = os.path.join(tmp, "utterances.txt")
        with open(flat, "w", encoding="utf-8") as f:
            f.write("\n".join(utterances) + "\n")
        folder = os.path.join(tmp, "dialogues")
        os.mkdir(folder)
        for i, d in enumerate(dialogues):
            with open(os.path.join(folder, f"{i:05}.txt"), "w", encoding="utf-8") as f:
                f.write("".join(f"{who}：{one_line(t)}\n" for who, t in d))
        for label, path in (("utterances", flat), ("transcripts", folder)):
            findings = run(cmd, path)
            lines = {(x["path"], x["line"]) for x in findings}
            rate = 100.0 * len(lines) / len(utterances)
            print(f"{name:9} {label:12} {len(utterances):7} utterances  "
                  f"{len(lines):3} with findings  {rate:.4f} %")
            if show:
                for x in findings:
                    print(f"    {x['rule']} {os.path.basename(x['path'])}:{x['line']} {x['excerpt']}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--crosswoz")
    ap.add_argument("--kdconv")
    ap.add_argument("--cmd", default="target/release/hegui check --format json")
    ap.add_argument("--show", action="store_true", help="list every finding")
    args = ap.parse_args()
    if not (args.crosswoz or args.kdconv):
        ap.error("give --crosswoz and/or --kdconv")
    if args.crosswoz:
        measure("CrossWOZ", list(crosswoz(args.crosswoz)), args.cmd, args.show)
    if args.kdconv:
        measure("KdConv", list(kdconv(args.kdconv)), args.cmd, args.show)


if __name__ == "__main__":
    main()
