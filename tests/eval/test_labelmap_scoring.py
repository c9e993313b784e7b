"""--label-map (file or inline), unknown labels after mapping, --drop-unknown-labels, and the
shipped maps in configs/label-maps/ on spaCy- and CoNLL-labelled output for gold/news-demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from eval.cli import app
from eval.counts import Scheme
from eval.errors import FormatError, UsageError
from eval.grounding import Policy
from eval.labelmap import INLINE, load_label_map, parse_label_map
from eval.pipeline import Options, evaluate
from eval.report import Level

ROOT = Path(__file__).parents[2]
NEWS_DEMO = ROOT / "gold" / "news-demo"
MAPS = ROOT / "configs" / "label-maps"
FIXTURES = ROOT / "tests" / "fixtures" / "labelmap"
SCHEMA_LABELS = [x["name"] for x in yaml.safe_load((ROOT / "configs" / "schema.yaml").read_text())["entity_labels"]]


def rewrite(src: Path, dst: Path, mapping: dict[str, str | None]) -> Path:
    """The predictions with labels renamed by hand (the reference the map must equal)."""
    out = []
    for line in src.read_text().splitlines():
        r = json.loads(line)
        r["entities"] = [
            {**e, "label": mapping.get(e["label"], e["label"])}
            for e in r["entities"]
            if mapping.get(e["label"], e["label"]) is not None
        ]
        out.append(json.dumps(r, ensure_ascii=False))
    dst.write_text("\n".join(out) + "\n")
    return dst


@pytest.mark.parametrize("name", ["spacy-ontonotes.yaml", "conll2003.yaml"])
def test_labelmap_shipped_maps_target_the_project_schema(name: str) -> None:
    m = load_label_map(MAPS / name)
    assert m.mapping
    assert {v for v in m.mapping.values() if v is not None} <= set(SCHEMA_LABELS)


def test_labelmap_spacy_output_scored_against_news_demo(tmp_path: Path) -> None:
    pred = FIXTURES / "spacy_news_demo" / "pred.jsonl"
    label_map = load_label_map(MAPS / "spacy-ontonotes.yaml")
    unmapped = evaluate(NEWS_DEMO, pred).report
    mapped = evaluate(NEWS_DEMO, pred, options=Options(label_map=label_map)).report
    by_hand = evaluate(NEWS_DEMO, rewrite(pred, tmp_path / "by_hand.jsonl", dict(label_map.mapping))).report
    assert mapped.entities == by_hand.entities
    assert any("outside the gold label set" in n and "CARDINAL" in n for n in unmapped.notes)
    assert not any("outside the gold label set" in n for n in mapped.notes)
    assert any(n.startswith("--label-map dropped 30 predictions mapped to null: CARDINAL (7), ORDINAL (7), TIME (16)")
               for n in mapped.notes)  # fmt: skip
    strict = mapped.entities.micro[Scheme.STRICT]
    assert strict.metrics.precision > unmapped.entities.micro[Scheme.STRICT].metrics.precision
    assert strict.spurious == 0 and strict.correct > 400
    assert mapped.settings.label_map_sha256 == label_map.sha256
    assert mapped.settings.label_map_source == str(MAPS / "spacy-ontonotes.yaml")


def test_labelmap_conll_output_inline_and_file_agree(tmp_path: Path) -> None:
    pred = FIXTURES / "conll_news_demo" / "pred.jsonl"
    from_file = evaluate(NEWS_DEMO, pred, options=Options(label_map=load_label_map(MAPS / "conll2003.yaml"))).report
    inline = parse_label_map("PER=PERSON,ORG=ORG,LOC=GPE,MISC=")
    assert inline.source == INLINE
    from_inline = evaluate(NEWS_DEMO, pred, options=Options(label_map=inline)).report
    assert from_file.entities == from_inline.entities
    assert from_file.settings.label_map_sha256 == from_inline.settings.label_map_sha256
    assert from_file.entities.labels["PERSON"][Scheme.STRICT].correct > 50
    assert "PER" not in from_file.entities.labels


def test_labelmap_unknown_after_mapping_is_spurious_for_its_own_label_unless_dropped(tmp_path: Path) -> None:
    text = "Putin met Tokayev in Astana."
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "d", "text": text, "entities": [
        {"start": 0, "end": 5, "label": "PERSON"}, {"start": 21, "end": 27, "label": "GPE"}]}) + "\n")  # fmt: skip
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"id": "d", "entities": [
        {"start": 0, "end": 5, "label": "PER"}, {"start": 10, "end": 17, "label": "PER"},
        {"start": 21, "end": 27, "label": "CITY"}]}) + "\n")  # fmt: skip
    kept = evaluate(gold, pred, options=Options(label_map=parse_label_map("PER=PERSON"))).report
    city = kept.entities.labels["CITY"][Scheme.STRICT]
    assert (city.correct, city.spurious, city.possible) == (0, 1, 0)
    assert any("outside the gold label set (scored as errors): CITY (1)" in n for n in kept.notes)
    assert kept.entities.micro[Scheme.STRICT].incorrect == 1  # same span, other label
    dropped = evaluate(gold, pred, options=Options(label_map=parse_label_map("PER=PERSON"), drop_unknown_labels=True))
    assert "CITY" not in dropped.report.entities.labels
    assert any("--drop-unknown-labels dropped 1 predictions" in n and "CITY (1)" in n for n in dropped.report.notes)
    micro = dropped.report.entities.micro[Scheme.STRICT]
    assert (micro.correct, micro.spurious, micro.missed) == (1, 1, 1)
    assert dropped.report.settings.drop_unknown_labels is True


def test_labelmap_applies_to_offset_free_mentions_before_grounding(tmp_path: Path) -> None:
    text = "Putin met Tokayev."
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "d", "text": text, "entities": [{"start": 0, "end": 5, "label": "PERSON"}]}) + "\n"
    )
    pred = tmp_path / "pred.jsonl"
    pred.write_text(
        json.dumps({"id": "d", "entities": [{"label": "PER", "text": "Putin"}, {"label": "X", "text": "Tokayev"}]})
        + "\n"
    )
    options = Options(label_map=parse_label_map("PER=PERSON,X="), ground=Policy.FIRST)
    report = evaluate(gold, pred, options=options).report
    assert report.entities.micro[Scheme.STRICT].correct == 1
    assert report.entities.micro[Scheme.STRICT].spurious == 0
    assert report.grounding is not None and set(report.grounding.labels) == {"PERSON"}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("PER", "neither a file nor an inline map"),
        ("PER=PERSON,PER=ORG", "PER is mapped twice"),
        ("=PERSON", "is not PRED=GOLD"),
    ],
)
def test_labelmap_inline_errors(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_label_map(spec)


def test_labelmap_file_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "map.yaml"
    bad.write_text("PER: PERSON\nLOC: [GPE, LOC]\n")
    with pytest.raises(FormatError, match=r"map\.yaml:2: 'LOC' must map to one gold label or null"):
        load_label_map(bad)
    bad.write_text("PER: PERSON\nPER: ORG\n")
    with pytest.raises(FormatError, match=r"map\.yaml:2: 'PER' is mapped twice"):
        load_label_map(bad)
    bad.write_text("PER: [\n")
    with pytest.raises(FormatError, match=r"map\.yaml:\d+: not valid YAML"):
        load_label_map(bad)
    as_json = tmp_path / "map.json"
    as_json.write_text('{"PER": "PERSON", "MISC": null}')
    assert dict(load_label_map(as_json).mapping) == {"PER": "PERSON", "MISC": None}
    result = CliRunner().invoke(app, [str(NEWS_DEMO), str(NEWS_DEMO), "--label-map", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "nope.yaml: cannot read the label map" in result.stderr


def test_labelmap_at_document_level_equals_renaming_by_hand(tmp_path: Path) -> None:
    pred = FIXTURES / "conll_news_demo" / "pred.jsonl"
    label_map = load_label_map(MAPS / "conll2003.yaml")
    names = tmp_path / "names.jsonl"  # offset-free mentions, as an LLM would give them
    rows = [json.loads(x) for x in pred.read_text().splitlines()]
    names.write_text(
        "".join(
            json.dumps({"id": r["id"], "entities": [{"label": e["label"], "text": e["text"]} for e in r["entities"]]})
            + "\n"
            for r in rows
        )
    )
    options = Options(level=Level.DOCUMENT, label_map=label_map)
    mapped = evaluate(NEWS_DEMO, names, options=options).report
    by_hand = evaluate(NEWS_DEMO, rewrite(names, tmp_path / "by_hand.jsonl", dict(label_map.mapping)),
                       options=Options(level=Level.DOCUMENT)).report  # fmt: skip
    assert mapped.entities == by_hand.entities
    assert mapped.entities.micro[Scheme.STRICT].correct > 50
