"""Shards of a corpus scored separately sum to the whole (docs/performance.md, "Corpora beyond
one machine"): every count of a report is a sum over documents, so the micro and per-label
counts of two halves add up to those of the whole corpus, and P/R/F1 follow from the sums.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from eval.pipeline import evaluate
from eval.render import render

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from synth import generate  # noqa: E402

KEYS = ("correct", "incorrect", "partial", "missed", "spurious")


def counts(report: dict) -> dict[str, dict[str, int]]:
    out = {f"micro.{s}": {k: v[k] for k in KEYS} for s, v in report["entities"]["micro"].items()}
    for label, by_scheme in report["entities"]["labels"].items():
        out |= {f"{label}.{s}": {k: v[k] for k in KEYS} for s, v in by_scheme.items()}
    return out


def test_shards_sum_to_the_whole(tmp_path: Path) -> None:
    generate(tmp_path, docs=200, entities=8, seed=4)
    halves = {}
    for name in ("gold", "pred"):
        lines = (tmp_path / f"{name}.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        for k, part in enumerate((lines[:120], lines[120:])):
            (tmp_path / f"{name}-{k}.jsonl").write_text("".join(part), encoding="utf-8")
    whole = counts(json.loads(render(evaluate(tmp_path / "gold.jsonl", tmp_path / "pred.jsonl").report, "json")))
    for k in (0, 1):
        report = evaluate(tmp_path / f"gold-{k}.jsonl", tmp_path / f"pred-{k}.jsonl").report
        halves[k] = counts(json.loads(render(report, "json")))
    summed = {
        key: {
            c: halves[0].get(key, dict.fromkeys(KEYS, 0))[c] + halves[1].get(key, dict.fromkeys(KEYS, 0))[c]
            for c in KEYS
        }
        for key in whole
    }
    assert summed == whole
    assert set(halves[0]) | set(halves[1]) == set(whole)
