"""nervaluate end to end on canonical JSONL (reading included), printing micro counts as JSON.

Run by bench/run.py in its own process so that time and peak memory are its own.
"""

from __future__ import annotations

import json
import sys

from nervaluate import Evaluator


def load(path: str) -> list[list[dict]]:
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            # nervaluate's end offset is inclusive; it expects spans in text order.
            ents = sorted(d["entities"], key=lambda e: (e["start"], e["end"]))
            docs.append([{"label": e["label"], "start": e["start"], "end": e["end"] - 1} for e in ents])
    return docs


def main() -> None:
    gold, pred = load(sys.argv[1]), load(sys.argv[2])
    labels = sorted({e["label"] for doc in gold + pred for e in doc})
    overall = Evaluator(gold, pred, labels, loader="dict").evaluate()["overall"]
    names = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
    out = {
        ours: [r.correct, r.incorrect, r.partial, r.missed, r.spurious]
        for ours, theirs in names.items()
        for r in [overall[theirs]]
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
