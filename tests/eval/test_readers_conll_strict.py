"""--bio-mode strict (seqeval 1.2.2 mode="strict"), typeless tags, suffix style, short token files."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES, IOE2, Token, Tokens
from typer.testing import CliRunner

from eval.cli import app
from eval.counts import Scheme
from eval.errors import FormatError
from eval.model import Document
from eval.pipeline import Options, evaluate
from eval.readers import BioMode, BioStyle, ReadOptions, read_corpus
from eval.readers.conll import Chunk, TagScheme, decode_tags, read_conll, strict_scheme

SEQEVAL: dict[TagScheme, tuple[type[Token], str]] = {
    TagScheme.IOB1: (IOB1, "OBI"),
    TagScheme.IOB2: (IOB2, "OBI"),
    TagScheme.IOE2: (IOE2, "OIE"),
    TagScheme.IOBES: (IOBES, "OBIES"),
    TagScheme.BILOU: (BILOU, "OBILU"),
}
TYPES = ("PER", "LOC", "GPE-CITY")


def random_tags(rng: random.Random, letters: str, n: int, *, suffix: bool = False, typeless: float = 0.1) -> list[str]:
    tags = []
    for _ in range(n):
        letter = rng.choice(letters)
        if letter == "O":
            tags.append("O")
        elif rng.random() < typeless:
            tags.append(letter)
        else:
            t = rng.choice(TYPES)
            tags.append(f"{t}-{letter}" if suffix else f"{letter}-{t}")
    return tags


@pytest.mark.parametrize("scheme", list(SEQEVAL), ids=lambda s: s.value)
@pytest.mark.parametrize("style", list(BioStyle), ids=lambda s: s.value)
def test_strict_decoding_equals_seqeval_strict_on_random_sequences(scheme: TagScheme, style: BioStyle) -> None:
    cls, letters = SEQEVAL[scheme]
    rng = random.Random(f"{scheme.value}-{style.value}")
    suffix = style is BioStyle.SUFFIX
    for _ in range(1500):
        tags = random_tags(rng, letters, rng.randint(0, 12), suffix=suffix)
        expected = [Chunk(e.start, e.end, e.tag) for e in Tokens(tags, cls, suffix=suffix).entities]
        assert decode_tags(tags, mode=BioMode.STRICT, scheme=scheme, style=style) == expected, tags


@pytest.mark.parametrize("style", list(BioStyle), ids=lambda s: s.value)
def test_lenient_decoding_of_typeless_and_suffix_tags_equals_seqeval_default(style: BioStyle) -> None:
    rng = random.Random(style.value)
    suffix = style is BioStyle.SUFFIX
    for _ in range(1500):
        tags = random_tags(rng, "OBIES", rng.randint(0, 12), suffix=suffix, typeless=0.3)
        expected = [Chunk(s, e + 1, t) for t, s, e in get_entities(tags, suffix=suffix)]
        assert decode_tags(tags, style=style) == expected, tags


def test_strict_scheme_follows_seqeval_auto_detect() -> None:
    from seqeval.scheme import auto_detect

    rng = random.Random(7)
    for _ in range(500):
        letters = "".join(rng.sample("OBIELU", rng.randint(1, 5)))
        tags = random_tags(rng, letters, 6, typeless=0)
        used = {t[0] for t in tags}
        try:
            expected: type[Token] | None = auto_detect([tags])
        except ValueError:
            expected = None
        got = strict_scheme(used)
        assert (SEQEVAL[got][0] if got is not None else None) is expected, tags


# --- a token file scored end to end: goldbench strict == seqeval strict ----------------------------


def _corpus(
    rng: random.Random, scheme: TagScheme, tmp: Path, n_docs: int, sentences: int
) -> tuple[Path, Path, list[list[str]], list[list[str]]]:
    """Gold JSONL (entities from seqeval strict on the gold tags) and a predicted token file."""
    cls, letters = SEQEVAL[scheme]
    gold_lines: list[str] = []
    conll: list[str] = []
    y_true: list[list[str]] = []
    y_pred: list[list[str]] = []
    for d in range(n_docs):
        text_parts: list[str] = []
        entities = []
        conll.append(f"-DOCSTART- d{d}")
        pos = 0
        for _ in range(sentences):
            n = rng.randint(1, 10)
            true = random_tags(rng, letters, n, typeless=0)
            pred = [t if rng.random() < 0.7 else random_tags(rng, letters, 1, typeless=0)[0] for t in true]
            tokens = [f"w{rng.randint(0, 99)}" for _ in range(n)]
            starts = []
            for tok in tokens:
                starts.append(pos)
                text_parts.append(tok + " ")
                pos += len(tok) + 1
            for e in Tokens(true, cls).entities:
                start, end = starts[e.start], starts[e.end - 1] + len(tokens[e.end - 1])
                entities.append({"start": start, "end": end, "label": e.tag})
            conll.extend(f"{tok}\t{tag}" for tok, tag in zip(tokens, pred, strict=True))
            conll.append("")
            y_true.append(true)
            y_pred.append(pred)
        gold_lines.append(json.dumps({"id": f"d{d}", "text": "".join(text_parts), "entities": entities}))
    gold = tmp / "gold.jsonl"
    gold.write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    pred_path = tmp / "pred.conll"
    pred_path.write_text("\n".join(conll) + "\n", encoding="utf-8")
    return gold, pred_path, y_true, y_pred


@pytest.mark.parametrize("scheme", [s for s in SEQEVAL if s is not TagScheme.IOB1], ids=lambda s: s.value)
def test_strict_scores_equal_seqeval_strict_on_1000_random_sequences(scheme: TagScheme, tmp_path: Path) -> None:
    rng = random.Random(scheme.value)
    gold, pred, y_true, y_pred = _corpus(rng, scheme, tmp_path, n_docs=100, sentences=10)
    assert len(y_true) == 1000
    options = Options(schemes=(Scheme.STRICT,), read=ReadOptions(bio_mode=BioMode.STRICT))
    report = evaluate(gold, pred, options=options, gold=None).report
    counts = report.entities.micro[Scheme.STRICT]
    cls = SEQEVAL[scheme][0]
    expected = [fn(y_true, y_pred, mode="strict", scheme=cls) for fn in (precision_score, recall_score, f1_score)]
    m = counts.metrics
    assert (m.precision, m.recall, m.f1) == pytest.approx(expected, abs=1e-12)
    assert counts.possible == sum(len(Tokens(t, cls).entities) for t in y_true)
    assert counts.actual == sum(len(Tokens(t, cls).entities) for t in y_pred)
    # the same file read with its scheme named gives the same numbers
    named = Options(schemes=(Scheme.STRICT,), pred_format=f"conll-{scheme.value}", read=options.read)
    assert evaluate(gold, pred, options=named).report.entities.micro[Scheme.STRICT] == counts


def test_issue_example_strict_drops_an_i_only_chunk(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "a", "text": "Acme Corp", "entities": [{"start": 0, "end": 9, "label": "ORG"}]}) + "\n",
        encoding="utf-8",
    )
    pred = tmp_path / "pred.conll"
    pred.write_text("-DOCSTART- a\nAcme I-ORG\nCorp I-ORG\n", encoding="utf-8")
    runner = CliRunner()
    base = [str(gold), str(pred), "--format", "json", "--scheme", "strict", "--pred-format", "conll-iob2"]
    lenient = json.loads(runner.invoke(app, base).stdout)
    strict = json.loads(runner.invoke(app, [*base, "--bio-mode", "strict"]).stdout)
    assert lenient["entities"]["micro"]["strict"]["f1"] == 1.0
    assert strict["entities"]["micro"]["strict"]["f1"] == 0.0
    f = f1_score([["B-ORG", "I-ORG"]], [["I-ORG", "I-ORG"]], mode="strict", scheme=IOB2)
    assert f == strict["entities"]["micro"]["strict"]["f1"]
    # the report records the decoding, so that the gate never compares runs decoded differently
    assert (lenient["settings"]["bio_mode"], strict["settings"]["bio_mode"]) == (None, "strict")
    suffix = runner.invoke(app, [*base, "--bio-style", "suffix"])
    assert suffix.exit_code == 2  # prefix tags read as suffix style: refused, naming file:line
    assert f"{pred}:2:" in suffix.stderr


# --- errors ---------------------------------------------------------------------------------------


def write(tmp_path: Path, body: str, name: str = "pred.conll") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


STRICT = ReadOptions(bio_mode=BioMode.STRICT)


def test_strict_refuses_a_letter_its_scheme_does_not_allow(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- a\nAda B-PER\nLin E-PER\n")
    with pytest.raises(FormatError, match=r"pred\.conll:3: document 'a': tag 'E-PER' is not legal in strict BILOU"):
        read_corpus(path, fmt="conll-bilou", reference={"a": Document("a", "Ada Lin")}, options=STRICT)


def test_strict_without_a_detectable_scheme_names_the_file_and_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- a\nAda I-PER\nLin O\n")
    with pytest.raises(
        FormatError,
        match=r"pred\.conll: --bio-mode strict cannot tell the tag scheme .*I, O.*"
        r"pass --pred-format",
    ):
        read_corpus(path, reference={"a": Document("a", "Ada Lin")}, options=STRICT)


def test_strict_detects_the_scheme_of_a_plain_conll_file(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- a\nAda I-PER\nLin E-PER\nand O\nBo E-PER\n")
    doc = read_corpus(path, reference={"a": Document("a", "Ada Lin and Bo")}, options=STRICT).documents[0]
    assert [(e.label, e.text) for e in doc.entities] == [("PER", "Ada Lin"), ("PER", "Bo")]


def test_cli_strict_error_is_one_line_and_exit_2(tmp_path: Path) -> None:
    gold = write(tmp_path, json.dumps({"id": "a", "text": "Ada Lin", "entities": []}) + "\n", "gold.jsonl")
    pred = write(tmp_path, "-DOCSTART- a\nAda B-PER\nLin E-PER\n")
    result = CliRunner().invoke(app, [str(gold), str(pred), "--pred-format", "conll-bilou", "--bio-mode", "strict"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{pred}:3: document 'a': tag 'E-PER'" in lines[0]


def test_strict_iob1_is_seqeval_iob1() -> None:
    tags = ["I-PER", "I-PER", "B-PER", "O", "B-LOC"]
    expected = [Chunk(e.start, e.end, e.tag) for e in Tokens(tags, IOB1).entities]
    assert (
        decode_tags(tags, mode=BioMode.STRICT, scheme=TagScheme.IOB1)
        == expected
        == [
            Chunk(0, 2, "PER"),
            Chunk(2, 3, "PER"),
        ]
    )


# --- typeless and suffix tags ---------------------------------------------------------------------


def test_typeless_tags_are_read_with_type_underscore(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- a\nAda B\nLin I\nmet O\nBo B\n")
    (doc,) = read_conll(path, {"a": Document("a", "Ada Lin met Bo")})
    assert [(e.label, e.text) for e in doc.entities] == [("_", "Ada Lin"), ("_", "Bo")]


def test_suffix_style_is_read_when_asked_and_refused_otherwise(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- a\nAda PER-B\nLin PER-E\nmet O\nBo GPE-CITY-S\n")
    reference = {"a": Document("a", "Ada Lin met Bo")}
    doc = read_corpus(path, reference=reference, options=ReadOptions(bio_style=BioStyle.SUFFIX)).documents[0]
    assert [(e.label, e.text) for e in doc.entities] == [("PER", "Ada Lin"), ("GPE-CITY", "Bo")]
    with pytest.raises(FormatError, match=r"pred\.conll:2: document 'a': tag 'PER-B' is not 'O' or B-"):
        read_corpus(path, reference=reference)
    bad = write(tmp_path, "-DOCSTART- a\nAda B-PER\n", "bad.conll")
    with pytest.raises(FormatError, match=r"bad\.conll:2: .*tag 'B-PER' is not .*drop --bio-style suffix"):
        read_corpus(bad, reference=reference, options=ReadOptions(bio_style=BioStyle.SUFFIX))


# --- a token file shorter than its document --------------------------------------------------------


def test_short_token_file_is_reported_in_the_notes(tmp_path: Path) -> None:
    gold = write(
        tmp_path,
        json.dumps({"id": "t", "text": "Ola ran far away.  \n", "entities": []})
        + "\n"
        + json.dumps({"id": "u", "text": "Bo", "entities": []})
        + "\n",
        "gold.jsonl",
    )
    pred = write(tmp_path, "-DOCSTART- t\nOla B-PER\nran O\n\n-DOCSTART- u\nBo O\n")
    report = evaluate(gold, pred).report
    (note,) = [n for n in report.notes if "stop before the text ends" in n]
    assert "1 document(s)" in note and "leaving 9 characters" in note and "'t' (9 of 20)" in note
    full = write(tmp_path, "-DOCSTART- t\nOla B-PER\nran O\nfar O\naway. O\n-DOCSTART- u\nBo O\n", "full.conll")
    assert not [n for n in evaluate(gold, full).report.notes if "stop before" in n]
