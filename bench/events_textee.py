"""A plain-Python TextEE event scorer on canonical JSONL (reading included), printing micro counts.

Global tuple sets with the document id in every tuple, as TextEE's ``compute_E2E_*`` build
them; predicted documents not in the gold are left out. Run by bench/events.py in its own
process so that time and peak memory are its own. ``--no-gc`` turns the cyclic garbage
collector off: the millions of tuples make its full collections the larger part of the time.
"""

from __future__ import annotations

import gc
import sys

import orjson

METRICS = (
    "trigger_identification",
    "trigger_classification",
    "argument_identification",
    "argument_classification",
    "argument_identification_attached",
    "argument_classification_attached",
)


def tuples(path: str, keep: set[str] | None) -> tuple[list[set], set[str]]:
    sets: list[set] = [set() for _ in METRICS]
    ti, tc, ai, ac, aia, aca = sets
    ids: set[str] = set()
    with open(path, "rb") as f:
        for line in f:
            d = orjson.loads(line)
            doc = d["id"]
            if keep is not None and doc not in keep:
                continue
            ids.add(doc)
            ents = {e["id"]: (e["start"], e["end"]) for e in d.get("entities") or () if e.get("id") is not None}
            for ev in d.get("events") or ():
                ty, t = ev["type"], (ev["trigger"]["start"], ev["trigger"]["end"])
                ti.add((doc, t))
                tc.add((doc, ty, t))
                for a in ev.get("arguments") or ():
                    span = ents[a["entity"]] if a.get("entity") is not None else (a["start"], a["end"])
                    role = a["role"]
                    ai.add((doc, ty, span))
                    ac.add((doc, ty, role, span))
                    aia.add((doc, ty, t, span))
                    aca.add((doc, ty, t, role, span))
    return sets, ids


def main() -> None:
    paths = [a for a in sys.argv[1:] if a != "--no-gc"]
    if "--no-gc" in sys.argv:
        gc.disable()
    gold, ids = tuples(paths[0], None)
    pred, _ = tuples(paths[1], ids)
    counts = {m: [len(g & p), len(p - g), len(g - p)] for m, g, p in zip(METRICS, gold, pred, strict=True)}
    sys.stdout.write(orjson.dumps(counts).decode())


if __name__ == "__main__":
    main()
