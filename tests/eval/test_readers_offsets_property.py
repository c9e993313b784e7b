"""Round trips through the token and standoff readers give back exactly the spans written."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from eval.model import Document, Entity
from eval.readers import read_corpus
from eval.readers.brat import read_brat
from eval.readers.conll import TagScheme, scheme_of

LABELS = ("PER", "LOC", "GPE-CITY")
# Words never hold whitespace (the token file splits on it) nor '#' (a lone '#' opening a
# sentence is a comment line, a documented limit of the format).
WORD = st.text(
    st.characters(exclude_categories=("Z", "C"), exclude_characters="#").filter(lambda c: not c.isspace()),
    min_size=1,
    max_size=6,
).filter(lambda w: w != "-DOCSTART-")
GAP = st.sampled_from(["", " ", "  ", "\n", "\t", " \n\n ", "\u00a0", "\u3000"])

Sentence = list[str]
TokenSpan = tuple[int, int, str]  # token indices [start, end) within a sentence, label


@st.composite
def sentence(draw: st.DrawFn) -> tuple[Sentence, list[TokenSpan]]:
    """Words and non-overlapping entities on token boundaries, adjacent ones included."""
    words = draw(st.lists(WORD, min_size=1, max_size=8))
    spans: list[TokenSpan] = []
    i = 0
    while i < len(words):
        if draw(st.booleans()):
            length = draw(st.integers(1, len(words) - i))
            spans.append((i, i + length, draw(st.sampled_from(LABELS))))
            i += length
        else:
            i += 1
    return words, spans


def iob2(n: int, spans: list[TokenSpan]) -> list[str]:
    tags = ["O"] * n
    for s, e, label in spans:
        tags[s:e] = [f"B-{label}"] + [f"I-{label}"] * (e - s - 1)
    return tags


def iob1(n: int, spans: list[TokenSpan]) -> list[str]:
    tags = ["O"] * n
    ends = {e: label for _, e, label in spans}
    for s, e, label in spans:
        first = "B" if ends.get(s) == label else "I"  # B- only right after the same type
        tags[s:e] = [f"{first}-{label}"] + [f"I-{label}"] * (e - s - 1)
    return tags


def bilou(
    n: int, spans: list[TokenSpan], letters: tuple[str, str, str, str] = ("B", "I", "L", "U")
) -> list[str]:
    b, i, last, unit = letters
    tags = ["O"] * n
    for s, e, label in spans:
        if e - s == 1:
            tags[s] = f"{unit}-{label}"
        else:
            tags[s:e] = [f"{b}-{label}"] + [f"{i}-{label}"] * (e - s - 2) + [f"{last}-{label}"]
    return tags


def bioes(n: int, spans: list[TokenSpan]) -> list[str]:
    return bilou(n, spans, ("B", "I", "E", "S"))


Encoder = Callable[[int, list[TokenSpan]], list[str]]
ENCODINGS: dict[str, tuple[Encoder, str, TagScheme]] = {
    "iob1": (iob1, "conll-iob1", TagScheme.IOB1),
    "iob2": (iob2, "conll-iob2", TagScheme.IOB2),
    "bilou": (bilou, "conll-bilou", TagScheme.BILOU),
    "bioes": (bioes, "conll-bilou", TagScheme.BILOU),
}


@st.composite
def documents(draw: st.DrawFn) -> list[tuple[str, list[tuple[Sentence, list[TokenSpan]]], list[str]]]:
    """Documents as (id, sentences, the gaps written before each word)."""
    out = []
    for k in range(draw(st.integers(1, 3))):
        sentences = draw(st.lists(sentence(), min_size=0, max_size=4))
        gaps = [draw(GAP) for s in sentences for _ in s[0]]
        out.append((f"doc {k}", sentences, gaps))
    return out


@settings(max_examples=150, deadline=None)
@given(documents(), st.sampled_from(sorted(ENCODINGS)), st.booleans())
def test_conll_round_trip_gives_the_same_character_spans(
    docs: list[tuple[str, list[tuple[Sentence, list[TokenSpan]]], list[str]]],
    encoding: str,
    comment_ids: bool,
) -> None:
    encode, fmt, scheme = ENCODINGS[encoding]
    reference: dict[str, Document] = {}
    expected: dict[str, list[Entity]] = {}
    lines: list[str] = []
    for doc_id, sentences, gaps in docs:
        lines.append(f"# doc_id = {doc_id}" if comment_ids else f"-DOCSTART- {doc_id.replace(' ', '_')}")
        doc_id = doc_id if comment_ids else doc_id.replace(" ", "_")
        text, entities, gap = "", [], iter(gaps)
        for words, spans in sentences:
            offsets = []
            for word in words:
                text += next(gap)
                offsets.append((len(text), len(text) + len(word)))
                text += word
            for s, e, label in spans:
                start, end = offsets[s][0], offsets[e - 1][1]
                entities.append(Entity(start, end, label, None, text[start:end]))
            tags = encode(len(words), spans)
            lines += [f"{w}\t{t}" for w, t in zip(words, tags, strict=True)] + [""]
        reference[doc_id] = Document(doc_id, text + " trailing text")
        expected[doc_id] = entities
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pred.conll"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for given_fmt in ("conll", fmt):
            corpus = read_corpus(path, fmt=given_fmt, reference=reference)
            assert {d.id: list(d.entities) for d in corpus.documents} == expected
        if any(expected.values()):
            assert scheme_of(path) is scheme


@st.composite
def brat_document(draw: st.DrawFn) -> tuple[str, list[Entity]]:
    """Any text and any spans that stay on one line (brat writes one annotation per line)."""
    text = draw(st.text(max_size=60))
    entities = []
    for k in range(draw(st.integers(0, 5))):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        if "\n" in text[start:end] or "\r" in text[start:end]:
            continue
        label = draw(st.sampled_from(("Person", "Geo_Place", "Org-Unit")))
        entities.append(Entity(start, end, label, f"T{k + 1}", text[start:end]))
    return text, entities


@settings(max_examples=150, deadline=None)
@given(st.lists(brat_document(), min_size=1, max_size=3))
def test_brat_round_trip_gives_the_same_spans_and_text(docs: list[tuple[str, list[Entity]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n, (text, entities) in enumerate(docs):
            (folder / f"d{n}.txt").write_bytes(text.encode("utf-8"))
            ann = [f"{e.id}\t{e.label} {e.start} {e.end}\t{e.text}" for e in entities]
            ann += [f"R{n}\tNear Arg1:T1 Arg2:T2", "#1\tAnnotatorNotes T1\tfree text"]
            (folder / f"d{n}.ann").write_bytes("\n".join(ann).encode("utf-8"))
        read = read_brat(folder)
    assert [(d.id, d.text, list(d.entities)) for d in read] == [
        (f"d{n}", text, entities) for n, (text, entities) in enumerate(docs)
    ]
