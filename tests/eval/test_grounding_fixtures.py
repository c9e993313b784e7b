"""--ground first|all on the LLM-style fixture (tests/fixtures/grounding/llm_names/), order
independence under shuffles, and the normal form's offset mapping."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from eval.cli import app
from eval.counts import Scheme
from eval.grounding import NormalText, Policy, fold, ground, normal_form
from eval.model import Document, Mention
from eval.pipeline import Options, evaluate
from eval.render.json import report_to_dict

CASE = Path(__file__).parents[1] / "fixtures" / "grounding" / "llm_names"
EXPECTED = json.loads((CASE / "expected.json").read_text())["cases"]
OUTCOMES = ("correct", "incorrect", "partial", "missed", "spurious")


def run(options: dict, pred: Path = CASE / "pred.jsonl") -> dict:
    chosen = Options(details=True, ground=Policy(options["ground"]), ground_fuzzy=options.get("ground_fuzzy"))
    return report_to_dict(evaluate(CASE / "gold.jsonl", pred, options=chosen).report)


def comparable(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "predictions"}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_grounding_fixture_counts_and_scores(case: str) -> None:
    expected = EXPECTED[case]
    d = run(expected["options"])
    g = d["grounding"]
    assert g["policy"] == expected["options"]["ground"]
    assert {k: g[k] for k in expected["grounding"]} == expected["grounding"]
    assert g["ungrounded_rate"] == expected["grounding"]["ungrounded"] / expected["grounding"]["mentions"]
    for label, counts in expected.get("labels", {}).items():
        assert {k: g["labels"][label][k] for k in counts} == counts, label
    assert sum(c["mentions"] for c in g["labels"].values()) == g["mentions"]
    for scheme, counts in expected["micro"].items():
        assert {k: d["entities"]["micro"][scheme][k] for k in OUTCOMES} == counts, scheme
    ungrounded = sorted([e["doc_id"], e["span"]] for e in d["errors"] if e["kind"] == "ungrounded")
    assert ungrounded == expected["ungrounded_errors"]
    assert all(e["start"] == e["end"] == -1 for e in d["errors"] if e["kind"] == "ungrounded")
    # every ungrounded mention is a spurious prediction in every scheme
    for scheme in ("strict", "exact", "partial", "type"):
        assert d["entities"]["micro"][scheme]["spurious"] >= g["ungrounded"]


@pytest.mark.parametrize("case", sorted(EXPECTED))
@pytest.mark.parametrize("seed", range(8))
def test_grounding_shuffled_mentions_change_nothing(case: str, seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    records = [json.loads(line) for line in (CASE / "pred.jsonl").read_text().splitlines()]
    for r in records:
        rng.shuffle(r["entities"])
    rng.shuffle(records)
    shuffled = tmp_path / "pred.jsonl"
    shuffled.write_text("".join(json.dumps(r) + "\n" for r in records))
    options = EXPECTED[case]["options"]
    assert comparable(run(options, shuffled)) == comparable(run(options))


def test_grounding_first_label_tie_break_and_successive_occurrences() -> None:
    text = "Georgia, Georgia and Georgia."
    mentions = (Mention("PERSON", "Georgia"), Mention("GPE", "Georgia"), Mention("GPE", "Georgia"))
    for order in (mentions, mentions[::-1], (mentions[1], mentions[0], mentions[2])):
        (doc,) = ground([Document("d", text, mentions=order)], policy=Policy.FIRST).documents
        assert [(e.start, e.label) for e in doc.entities] == [(0, "GPE"), (9, "GPE"), (21, "PERSON")]
    result = ground([Document("d", text, mentions=mentions)], policy=Policy.ALL)
    assert sorted((e.start, e.label) for e in result.documents[0].entities) == [
        (0, "GPE"), (0, "PERSON"), (9, "GPE"), (9, "PERSON"), (21, "GPE"), (21, "PERSON"),
    ]  # fmt: skip
    assert result.grounding.total.exact == 3


def test_grounding_higher_score_takes_the_occurrence() -> None:
    text = "Putin spoke."
    mentions = (Mention("PER", "Putin", 0.2), Mention("PER", "Putin", 0.9))
    result = ground([Document("d", text, mentions=mentions)], policy=Policy.FIRST)
    grounded = [e for e in result.documents[0].entities if e.end <= len(text)]
    assert [e.score for e in grounded] == [0.9]
    assert [u.text for u in result.ungrounded] == ["Putin"]


def test_grounding_never_looks_at_gold_and_leaves_offsets_alone() -> None:
    text = "Astana and Astana."
    doc = Document("d", text, entities=(), mentions=(Mention("GPE", "ASTANA"),))
    (out,) = ground([doc], policy=Policy.FIRST).documents
    assert [(e.start, e.end) for e in out.entities] == [(0, 6)]
    assert out.mentions == ()


@given(st.text(alphabet=st.sampled_from("aAbB ﬁ\u00e9e\u0301\t\n\u200bÅK"), max_size=30))
def test_grounding_normal_text_maps_back_to_whole_characters(text: str) -> None:
    n = NormalText(text)
    assert len(n.origin) == len(n.text)
    assert n.origin == sorted(n.origin)
    for start in range(len(n.text)):
        for end in range(start + 1, len(n.text) + 1):
            s, e = n.span(start, end)
            assert 0 <= s < e <= len(text)
            # the original span folds to a text that contains the normal-form piece
            if n.text[start:end].strip():
                assert normal_form(n.text[start:end]) in normal_form(text[s:e])


def test_grounding_normal_form_folds_case_width_and_space() -> None:
    assert normal_form("  The\u00a0 KREMLIN\n") == normal_form("the kremlin")
    assert normal_form("Ｐｕｔｉｎ") == normal_form("putin")
    assert normal_form("Café") == normal_form("Cafe\u0301")
    assert fold("ß") == "ss"


def test_cli_ground_needs_mention_level_and_reports_a_rate() -> None:
    runner = CliRunner()
    gold, pred = str(CASE / "gold.jsonl"), str(CASE / "pred.jsonl")
    bad = runner.invoke(app, [gold, pred, "--ground", "first", "--level", "document"])
    assert bad.exit_code == 2 and "--ground" in bad.stderr
    bad = runner.invoke(app, [gold, pred, "--ground-fuzzy", "0.9"])
    assert bad.exit_code == 2 and "--ground-fuzzy needs --ground" in bad.stderr
    refused = runner.invoke(app, [gold, pred])
    assert refused.exit_code == 2 and "--ground first|all" in refused.stderr
    ok = runner.invoke(app, [gold, pred, "--ground", "first", "--format", "markdown"])
    assert ok.exit_code == 0, ok.stderr
    assert "**Grounding** (first)" in ok.stdout and "0.312" in ok.stdout
    table = runner.invoke(app, [gold, pred, "--ground", "all"])
    assert "Grounding (all)" in table.stdout
    assert Scheme.STRICT.value in table.stdout


WORDS = ("Putin", "putin", "Astana", "ASTANA", "Tokayev", "Baku", "Xi", "Astana  Hub")


@given(
    st.lists(st.sampled_from(("Putin", "Astana", "Tokayev", "met", "in", "Astana Hub", "\n")), max_size=25),
    st.lists(st.tuples(st.sampled_from(("PER", "GPE", "ORG")), st.sampled_from(WORDS)), max_size=12),
    st.randoms(use_true_random=False),
    st.sampled_from([(Policy.FIRST, None), (Policy.ALL, None), (Policy.FIRST, 0.8), (Policy.ALL, 0.8)]),
)
def test_grounding_order_of_mentions_never_matters(
    words: list[str], pairs: list[tuple[str, str]], rng: random.Random, policy: tuple[Policy, float | None]
) -> None:
    text = " ".join(words)
    mentions = [Mention(label, name) for label, name in pairs]
    shuffled = list(mentions)
    rng.shuffle(shuffled)
    results = [
        ground([Document("d", text, mentions=tuple(m))], policy=policy[0], fuzzy=policy[1])
        for m in (mentions, shuffled)
    ]
    a, b = (r.documents[0].entities for r in results)
    assert sorted(a) == sorted(b)
    assert results[0].grounding == results[1].grounding
    assert results[0].grounding.total.mentions == len(mentions)
    for e in a:  # grounded spans lie in the text; placeholders past its end
        assert (0 <= e.start < e.end <= len(text)) or e.start >= len(text)
