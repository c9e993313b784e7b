"""Hugging Face token-classification output: aggregated or token pieces, merged as "simple"."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.errors import FormatError
from eval.model import Document
from eval.readers import read_corpus
from eval.readers.huggingface import _Piece, merge_pieces
from eval.readers.jsonl import read_jsonl

CASE = Path(__file__).parents[1] / "fixtures" / "readers" / "huggingface"


def reference() -> dict[str, Document]:
    return {d.id: d for d in read_jsonl(CASE / "gold.jsonl")}


def spans(doc: Document) -> list[tuple[str, str]]:
    return [(e.label, doc.text[e.start : e.end]) for e in doc.entities]


EXPECTED = {
    "h1": [("PER", "Angela Merkel"), ("PER", "Emmanuel Macron"), ("LOC", "Paris")],
    "h2": [],
    "h3": [("ORG", "Bank of Lumen"), ("ORG", "Orlo Dam Co.")],
}


@pytest.mark.parametrize("name", ["aggregated.jsonl", "tokens.jsonl"])
def test_aggregated_and_token_output_give_the_same_entities(name: str) -> None:
    corpus = read_corpus(CASE / name, fmt="huggingface", reference=reference())
    assert corpus.format == "huggingface"
    assert {d.id: spans(d) for d in corpus.documents} == EXPECTED
    assert all(d.text == reference()[d.id].text for d in corpus.documents)
    scores = [round(e.score or 0, 6) for d in corpus.documents for e in d.entities]
    assert scores == [0.992667, 0.996, 0.996, 0.8525, 0.6275]  # kept: the group means of the pieces


def test_token_pieces_keep_the_mean_score_of_their_group() -> None:
    rows = [json.loads(x) for x in (CASE / "tokens.jsonl").read_text(encoding="utf-8").splitlines()]
    pieces = rows[0]["entities"][:3]  # Angela / Me / ##rkel
    text = reference()["h1"].text
    (merged, *_) = merge_pieces([_Piece(p, i) for i, p in enumerate(rows[0]["entities"])], text)
    assert merged["score"] == pytest.approx(sum(p["score"] for p in pieces) / 3)
    aggregated = json.loads((CASE / "aggregated.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert merged["score"] == pytest.approx(aggregated["entities"][0]["score"])


# --- merging equals the pipeline's group_entities over every token (O ones included) ---------------


def _pipeline_simple(tokens: list[dict[str, Any]]) -> list[tuple[int, int, str, float]]:
    """``TokenClassificationPipeline.group_entities`` + ``group_sub_entities``, then O groups dropped."""

    def get_tag(name: str) -> tuple[str, str]:
        return (name[0], name[2:]) if name.startswith(("B-", "I-")) else ("I", name)

    groups: list[list[dict[str, Any]]] = []
    for t in tokens:
        if (
            groups
            and get_tag(t["entity"])[1] == get_tag(groups[-1][-1]["entity"])[1]
            and get_tag(t["entity"])[0] != "B"
        ):
            groups[-1].append(t)
        else:
            groups.append([t])
    out = []
    for g in groups:
        label = g[0]["entity"].split("-")[-1]
        if label != "O":
            out.append((g[0]["start"], g[-1]["end"], label, sum(t["score"] for t in g) / len(g)))
    return out


def test_merging_filtered_pieces_equals_simple_aggregation_on_random_tokens() -> None:
    rng = random.Random(3)
    tags = ["O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "PER", "I-GPE-CITY"]
    for _ in range(1000):
        n = rng.randint(0, 15)
        text, tokens = "", []
        for i in range(n):
            sub = i > 0 and rng.random() < 0.3  # a sub-word piece: no space before it
            word = "x" * rng.randint(1, 4)
            if i and not sub:
                text += " "
            start = len(text)
            text += word
            tokens.append(
                {
                    "entity": rng.choice(tags),
                    "score": rng.random(),
                    "index": i + 1,
                    "word": word,
                    "start": start,
                    "end": start + len(word),
                }
            )
        expected = _pipeline_simple(tokens)
        kept = [t for t in tokens if t["entity"] != "O"]  # what aggregation_strategy="none" outputs
        for pieces in (kept, [{k: v for k, v in t.items() if k != "index"} for t in kept]):
            got = merge_pieces([_Piece(p, i) for i, p in enumerate(pieces)], text)
            assert [(g["start"], g["end"], g["label"]) for g in got] == [e[:3] for e in expected]
            assert [g["score"] for g in got] == pytest.approx([e[3] for e in expected])


# --- bad input ------------------------------------------------------------------------------------

BAD = {
    "not_json": ('{"id": "h1", ', r"bad\.jsonl:1: not valid JSON"),
    "no_id": ('{"entities": []}', r"bad\.jsonl:1: id must be a string, got None"),
    "entities_not_list": ('{"id": "h1", "entities": {}}', r"bad\.jsonl:1: document 'h1': entities must be the list"),
    "no_offsets": (
        '{"id": "h1", "entities": [{"entity_group": "PER", "score": 0.9, "start": null, "end": null}]}',
        r"bad\.jsonl:1: document 'h1': entities\[0\]\.start must be an integer, got None; run the pipeline with a fast",
    ),
    "bad_score": (
        '{"id": "h1", "entities": [{"entity": "B-PER", "score": 2, "start": 0, "end": 6}]}',
        r"bad\.jsonl:1: document 'h1': entities\[0\]\.score must be a number between 0 and 1, got 2",
    ),
    "no_tag": (
        '{"id": "h1", "entities": [{"score": 0.5, "start": 0, "end": 6}]}',
        r"bad\.jsonl:1: document 'h1': entities\[0\]\.entity must be a tag string",
    ),
    "mixed": (
        '{"id": "h1", "entities": [{"entity_group": "PER", "score": 0.5, "start": 0, "end": 6},'
        ' {"entity": "B-PER", "score": 0.5, "start": 7, "end": 9}]}',
        r"bad\.jsonl:1: document 'h1': entities mix aggregated",
    ),
    "unknown_doc": ('{"id": "zz", "entities": []}', r"bad\.jsonl:1: document 'zz': this id is not in the gold set"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_line_naming_file_and_line_exit_2(case: str, tmp_path: Path) -> None:
    body, pattern = BAD[case]
    path = tmp_path / "bad.jsonl"
    path.write_text(body + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=pattern):
        read_corpus(path, fmt="huggingface", reference=reference())
    result = CliRunner().invoke(app, [str(CASE / "gold.jsonl"), str(path), "--pred-format", "huggingface"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}:1:" in lines[0]


def test_cli_scores_token_output_like_the_aggregated_output() -> None:
    runner = CliRunner()
    reports = [
        json.loads(
            runner.invoke(
                app, [str(CASE / "gold.jsonl"), str(CASE / n), "--pred-format", "huggingface", "--format", "json"]
            ).stdout
        )
        for n in ("aggregated.jsonl", "tokens.jsonl")
    ]
    assert reports[0]["entities"] == reports[1]["entities"]
    strict = reports[0]["entities"]["micro"]["strict"]
    assert (strict["correct"], strict["possible"], strict["actual"]) == (4, 5, 5)  # "Orlo Dam Co." overshoots
