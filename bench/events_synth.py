"""Seeded event-dense corpora: gold documents with events and noisy predictions.

Text is ~1.2 KB of words separated by single spaces; each document has a few entities (with ids)
and several events, each a one-word trigger with 2-4 arguments of 1-3 words; some arguments are
given by entity id. Noise on predictions: events dropped, retyped, moved or duplicated,
arguments dropped, re-roled, shifted by a word or added, spurious events; a few gold documents
have no prediction. Any TextEE scorer must give the same counts on them.

    python bench/events_synth.py --docs 10000 --seed 11 --out bench/out/events
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import orjson
from synth import WORDS  # the words of bench/synth.py

TYPES = tuple(f"{k}.{s}" for k in ("Conflict", "Life", "Movement", "Justice", "Business") for s in ("A", "B", "C"))
ROLES = ("Agent", "Target", "Place", "Victim", "Instrument", "Time", "Giver", "Recipient", "Entity", "Artifact")
N_WORDS = 190  # ~1.2 KB of text


def _document(rng: random.Random, doc_id: str) -> tuple[dict, dict | None]:
    words = [rng.choice(WORDS) for _ in range(N_WORDS)]
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    text = " ".join(words)

    def span(a: int, n: int) -> dict:
        b = min(a + n, N_WORDS)
        return {"start": starts[a], "end": starts[b - 1] + len(words[b - 1])}

    at = rng.sample(range(0, N_WORDS - 3, 4), 6)  # entities never overlap
    entities = [{**span(a, rng.randint(1, 3)), "label": "X", "id": f"e{i}"} for i, a in enumerate(at)]
    events = []
    for _ in range(rng.randint(3, 8)):
        args = []
        for _ in range(rng.randint(2, 4)):
            role = rng.choice(ROLES)
            if rng.random() < 0.15:
                args.append({"role": role, "entity": rng.choice(entities)["id"]})
            else:
                args.append({"role": role, **span(rng.randrange(N_WORDS), rng.randint(1, 3))})
        events.append({"type": rng.choice(TYPES), "trigger": span(rng.randrange(N_WORDS), 1), "arguments": args})
    gold = {"id": doc_id, "text": text, "entities": entities, "events": events}
    if rng.random() < 0.01:
        return gold, None
    pred_events = []
    for ev in events:
        r = rng.random()
        if r < 0.1:
            continue
        ev = {**ev, "arguments": [_noisy(rng, a) for a in ev["arguments"] if rng.random() > 0.1]}
        if r < 0.18:
            ev["type"] = rng.choice(TYPES)
        elif r < 0.23:
            ev["trigger"] = span(rng.randrange(N_WORDS), 1)
        if rng.random() < 0.08:
            ev["arguments"].append({"role": rng.choice(ROLES), **span(rng.randrange(N_WORDS), 2)})
        pred_events += [ev] * (2 if rng.random() < 0.03 else 1)
    if rng.random() < 0.3:
        pred_events.append({"type": rng.choice(TYPES), "trigger": span(rng.randrange(N_WORDS), 1), "arguments": []})
    return gold, {"id": doc_id, "text": text, "entities": entities, "events": pred_events}


def _noisy(rng: random.Random, arg: dict) -> dict:
    r = rng.random()
    if r < 0.08:
        return {**arg, "role": rng.choice(ROLES)}
    if r < 0.16 and "start" in arg:
        return {**arg, "start": arg["start"] + 1}  # one character shorter (words have 3+)
    return arg


def generate(out: Path, *, docs: int, seed: int) -> tuple[Path, Path]:
    """Write ``gold.jsonl`` and ``pred.jsonl`` into ``out``; returns their paths."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    gold_path, pred_path = out / "gold.jsonl", out / "pred.jsonl"
    with open(gold_path, "wb") as g, open(pred_path, "wb") as p:
        for i in range(docs):
            gold, pred = _document(rng, f"doc{i:07d}")
            g.write(orjson.dumps(gold) + b"\n")
            if pred is not None:
                p.write(orjson.dumps(pred) + b"\n")
    return gold_path, pred_path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", type=Path, default=Path("bench/out/events"))
    args = ap.parse_args()
    print(*generate(args.out, docs=args.docs, seed=args.seed))


if __name__ == "__main__":
    main()
