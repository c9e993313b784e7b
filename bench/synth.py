"""Seeded synthetic corpora: gold documents and realistically noisy predictions.

Text is words separated by single spaces; an entity is a run of 1-4 words; entities are kept
at least ``GAP`` words apart. Noise applied to predictions (rates per gold entity):
missed, wrong label, boundary shifted by one word (never into a neighbour), spurious spans
in the gaps. Because no prediction can reach two gold entities and no gold entity two
predictions, every sane scorer must agree on the counts — which is what the bench checks.

    python bench/synth.py --docs 100000 --entities 25 --seed 7 --out bench/out/100k
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import orjson

LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "MONEY", "PERCENT", "QUANTITY")
GAP = 3
WORDS = [
    "minister",
    "talks",
    "signed",
    "agreement",
    "energy",
    "gas",
    "plant",
    "visit",
    "trade",
    "summit",
    "court",
    "warrant",
    "security",
    "cooperation",
    "president",
    "delegation",
    "capital",
    "region",
    "pipeline",
    "investment",
    "billion",
    "percent",
    "year",
    "week",
    "officials",
    "said",
    "announced",
    "discussed",
    "partners",
    "border",
    "bank",
    "project",
]


def _document(rng: random.Random, n_entities: int, noise: dict[str, float]) -> tuple[dict, dict]:
    words: list[str] = []
    spans: list[tuple[int, int, str]] = []  # word index range [a, b) and label
    for _ in range(n_entities):
        words.extend(rng.choice(WORDS) for _ in range(GAP + rng.randint(0, 4)))
        length = rng.randint(1, 4)
        a = len(words)
        words.extend(rng.choice(WORDS).capitalize() for _ in range(length))
        spans.append((a, a + length, rng.choice(LABELS)))
    words.extend(rng.choice(WORDS) for _ in range(GAP))
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    text = " ".join(words)

    def char_span(a: int, b: int) -> tuple[int, int]:
        return starts[a], starts[b - 1] + len(words[b - 1])

    gold, pred = [], []
    prev_end = 0
    for k, (a, b, label) in enumerate(spans):
        s, e = char_span(a, b)
        gold.append({"start": s, "end": e, "label": label})
        next_start = spans[k + 1][0] if k + 1 < len(spans) else len(words)
        r = rng.random()
        if r < noise["missed"]:
            pass
        elif r < noise["missed"] + noise["label"]:
            pred.append({"start": s, "end": e, "label": rng.choice([x for x in LABELS if x != label])})
        elif r < noise["missed"] + noise["label"] + noise["shift"]:
            a2 = max(prev_end + 1, a + rng.choice((-1, 0, 1)))
            b2 = min(next_start - 1, b + rng.choice((-1, 0, 1)))
            if b2 <= a2 or (a2, b2) == (a, b):
                a2, b2 = a, b + 1
            s2, e2 = char_span(a2, b2)
            pred.append({"start": s2, "end": e2, "label": label if rng.random() < 0.8 else rng.choice(LABELS)})
        else:
            pred.append({"start": s, "end": e, "label": label})
        if rng.random() < noise["spurious"] and a - prev_end >= GAP:
            w = rng.randint(prev_end + 1, a - 2)
            s3, e3 = char_span(w, w + 1)
            pred.append({"start": s3, "end": e3, "label": rng.choice(LABELS)})
        prev_end = b
    return gold, pred, text  # type: ignore[return-value]


def generate(out: Path, *, docs: int, entities: int, seed: int) -> tuple[Path, Path]:
    """Write ``gold.jsonl`` and ``pred.jsonl`` into ``out``; returns their paths."""
    rng = random.Random(seed)
    noise = {"missed": 0.08, "label": 0.06, "shift": 0.10, "spurious": 0.06}
    out.mkdir(parents=True, exist_ok=True)
    gold_path, pred_path = out / "gold.jsonl", out / "pred.jsonl"
    with open(gold_path, "wb") as g, open(pred_path, "wb") as p:
        for i in range(docs):
            n = max(1, int(rng.gauss(entities, entities / 5)))
            gold, pred, text = _document(rng, n, noise)
            doc_id = f"doc{i:07d}"
            g.write(orjson.dumps({"id": doc_id, "text": text, "entities": gold}) + b"\n")
            p.write(orjson.dumps({"id": doc_id, "text": text, "entities": pred}) + b"\n")
    return gold_path, pred_path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--entities", type=int, default=25)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path("bench/out/synth"))
    args = ap.parse_args()
    g, p = generate(args.out, docs=args.docs, entities=args.entities, seed=args.seed)
    print(g, p)


if __name__ == "__main__":
    main()
