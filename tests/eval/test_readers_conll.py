"""CoNLL/BIO reader: alignment to the gold text, tag decoding, scheme detection, errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities

from eval.errors import FormatError
from eval.model import Document
from eval.readers import detect, read_corpus
from eval.readers.conll import Chunk, TagScheme, decode_tags, detect_scheme, read_conll, scheme_of
from eval.readers.jsonl import read_jsonl

FIXTURES = Path(__file__).parents[1] / "fixtures" / "readers"
REPO = Path(__file__).parents[2]


def gold(case: str) -> dict[str, Document]:
    return {d.id: d for d in read_jsonl(FIXTURES / case / "gold.jsonl")}


def spans(doc: Document) -> list[tuple[str, str]]:
    return [(e.label, doc.text[e.start : e.end]) for e in doc.entities]


def write(tmp_path: Path, body: str, name: str = "pred.conll") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


# --- reading a fixture with two documents --------------------------------------------------------


def test_two_documents_align_with_ptb_rewrites_and_extra_columns() -> None:
    reference = gold("conll_two_documents")
    docs = read_conll(FIXTURES / "conll_two_documents" / "pred.conll", reference)
    assert [d.id for d in docs] == ["d1", "d2"]
    assert spans(docs[0]) == [("PER", "Mara Quill"), ("ORG", "Lumen Trust"), ("FAC", "Kestrel Bridge")]
    assert spans(docs[1]) == [("GPE", "Rivertown"), ("PER", "Ode Brant"), ("EVENT", "the vote")]


def test_documents_carry_gold_text_entity_text_path_and_header_line() -> None:
    reference = gold("conll_two_documents")
    path = FIXTURES / "conll_two_documents" / "pred.conll"
    lines = path.read_text(encoding="utf-8").splitlines()
    d1, d2 = read_conll(path, reference)
    assert d1.text == reference["d1"].text and d2.text == reference["d2"].text
    assert d1.path == str(path)
    assert lines[d1.line - 1] == "-DOCSTART- d1"
    assert lines[d2.line - 1] == "# doc_id = d2"
    for doc in (d1, d2):
        for e in doc.entities:
            assert e.text == doc.text[e.start : e.end] and e.id is None


def test_entity_offsets_index_the_gold_text() -> None:
    reference = gold("conll_two_documents")
    (d1, _) = read_conll(FIXTURES / "conll_two_documents" / "pred.conll", reference)
    text = d1.text
    start = text.index("Lumen Trust")
    assert (d1.entities[1].start, d1.entities[1].end) == (start, start + len("Lumen Trust"))


def test_read_corpus_detects_conll_by_extension_and_passes_reference() -> None:
    corpus = read_corpus(
        FIXTURES / "conll_two_documents" / "pred.conll", reference=gold("conll_two_documents")
    )
    assert corpus.format == "conll"
    assert len(corpus.documents) == 2


# --- one decoding for every scheme ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("iob1.iob", "conll-iob1"),
        ("iob2.iob2", "conll-iob2"),
        ("bilou.bilou", "conll-bilou"),
        ("bioes.bioes", "conll-bilou"),
    ],
)
def test_each_scheme_spells_the_same_entities(name: str, fmt: str) -> None:
    reference = gold("conll_same_entities")
    expected = [("PER", "Ana Bel"), ("PER", "Cora Dee"), ("PER", "Eli Fox"), ("LOC", "Gorin")]
    path = FIXTURES / "conll_same_entities" / name
    assert spans(read_corpus(path, fmt=fmt, reference=reference).documents[0]) == expected
    assert spans(read_corpus(path, reference=reference).documents[0]) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        # IOB2
        (["B-PER", "I-PER", "O", "B-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),
        (["B-PER", "B-PER"], [(0, 1, "PER"), (1, 2, "PER")]),
        # an I- after O or after another type begins an entity (conlleval)
        (["O", "I-PER", "I-PER"], [(1, 3, "PER")]),
        (["B-PER", "I-LOC", "I-LOC"], [(0, 1, "PER"), (1, 3, "LOC")]),
        # IOB1: B- separates two adjacent entities of one type
        (["I-PER", "I-PER", "B-PER", "O"], [(0, 2, "PER"), (2, 3, "PER")]),
        # BILOU and its BIOES spelling
        (["U-PER", "B-LOC", "I-LOC", "L-LOC"], [(0, 1, "PER"), (1, 4, "LOC")]),
        (["S-PER", "B-LOC", "E-LOC", "S-LOC"], [(0, 1, "PER"), (1, 3, "LOC"), (3, 4, "LOC")]),
        # ill-formed BILOU, decoded leniently: B- without L- ends at O; L- without B- begins
        (["B-PER", "I-PER", "O", "L-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),
        (["L-PER", "L-PER"], [(0, 1, "PER"), (1, 2, "PER")]),
        (["B-PER", "U-PER", "I-PER"], [(0, 1, "PER"), (1, 2, "PER"), (2, 3, "PER")]),
        # a type with a hyphen keeps it
        (["B-GPE-LOC", "I-GPE-LOC"], [(0, 2, "GPE-LOC")]),
        (["O", "O"], []),
    ],
)
def test_decode_tags(tags: list[str], expected: list[tuple[int, int, str]]) -> None:
    assert decode_tags(tags) == [Chunk(*c) for c in expected]


TAG = st.sampled_from(["O", "B", "I", "L", "U", "E", "S"]).flatmap(
    lambda p: st.just("O") if p == "O" else st.sampled_from(["PER", "LOC"]).map(lambda t: f"{p}-{t}")
)


@settings(max_examples=500, deadline=None)
@given(st.lists(TAG, max_size=12))
def test_decode_tags_agrees_with_seqeval_default_mode(tags: list[str]) -> None:
    # seqeval spells BILOU as BIOES; its default mode is conlleval's chunk rule.
    seqeval_tags = [t.replace("L-", "E-").replace("U-", "S-") for t in tags]
    expected = [Chunk(start, end + 1, label) for label, start, end in get_entities(seqeval_tags)]
    assert decode_tags(tags) == expected


def test_decode_tags_rejects_a_non_tag() -> None:
    with pytest.raises(ValueError, match="'PER'"):
        decode_tags(["O", "PER"])


def test_sentence_break_ends_an_entity(tmp_path: Path) -> None:
    reference = {"s": Document("s", "Ada Lin. Lin Wu.")}
    path = write(tmp_path, "-DOCSTART- s\nAda B-PER\nLin I-PER\n. I-PER\n\nLin I-PER\nWu I-PER\n. O\n")
    assert spans(read_conll(path, reference)[0]) == [("PER", "Ada Lin."), ("PER", "Lin Wu")]


# --- scheme detection ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        ([["B-PER", "I-PER", "O"]], TagScheme.IOB2),
        ([["I-PER", "I-PER", "O", "I-LOC"]], TagScheme.IOB1),
        ([["I-PER", "B-PER"], ["O", "I-LOC"]], TagScheme.IOB1),
        # a B- that begins an entity after O / another type / sentence start is IOB2 ...
        ([["I-PER", "O", "B-PER"]], TagScheme.IOB2),
        ([["I-PER", "B-LOC"]], TagScheme.IOB2),
        ([["I-PER"], ["B-PER"]], TagScheme.IOB2),
        # ... while IOB1 needs some I- that begins one
        ([["B-PER", "B-PER"]], TagScheme.IOB2),
        ([["O", "O"], []], TagScheme.IOB2),
        ([["I-PER", "U-LOC"]], TagScheme.BILOU),
        ([["B-PER", "E-PER"]], TagScheme.BILOU),
        ([["S-PER"]], TagScheme.BILOU),
    ],
)
def test_detect_scheme(sentences: list[list[str]], expected: TagScheme) -> None:
    assert detect_scheme(sentences) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("iob1.iob", TagScheme.IOB1),
        ("iob2.iob2", TagScheme.IOB2),
        ("bilou.bilou", TagScheme.BILOU),
        ("bioes.bioes", TagScheme.BILOU),
    ],
)
def test_scheme_of_file(name: str, expected: TagScheme) -> None:
    assert scheme_of(FIXTURES / "conll_same_entities" / name) is expected


def test_scheme_of_names_the_line_of_a_bad_tag(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- a\nx O\ny PERSON\n")
    with pytest.raises(FormatError, match=rf"{re.escape(str(path))}:3: tag 'PERSON'"):
        scheme_of(path)


@pytest.mark.parametrize("fmt", ["conll-iob1", "conll-iob2"])
def test_explicit_iob_scheme_rejects_bilou_tags(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, "-DOCSTART- a\nAda U-PER\n")
    reference = {"a": Document("a", "Ada")}
    with pytest.raises(FormatError, match=r"pred.conll:2: document 'a': tag 'U-PER' is not legal in IOB"):
        read_corpus(path, fmt=fmt, reference=reference)


# --- alignment -----------------------------------------------------------------------------------


def test_alignment_undoes_ptb_brackets_and_quotes(tmp_path: Path) -> None:
    text = '(a) [b] {c} "d" \u201ce\u201d'
    tokens = ["-LRB-", "a", "-RRB-", "-LSB-", "b", "-RSB-", "-LCB-", "c", "-RCB-"]
    tokens += ["``", "d", "''", "``", "e", "''"]
    body = "-DOCSTART- q\n" + "".join(f"{t} B-X\n" for t in tokens)
    (doc,) = read_conll(write(tmp_path, body), {"q": Document("q", text)})
    assert [e.text for e in doc.entities] == ["(", "a", ")", "[", "b", "]", "{", "c", "}"] + list(
        '"d"\u201ce\u201d'
    )


def test_ptb_rewrites_are_matched_literally_first(tmp_path: Path) -> None:
    text = "x -LRB- `` y"
    (doc,) = read_conll(
        write(tmp_path, "# doc_id = q\nx O\n-LRB- B-X\n`` B-Y\ny O\n"), {"q": Document("q", text)}
    )
    assert spans(doc) == [("X", "-LRB-"), ("Y", "``")]


def test_tokens_split_inside_words_and_any_whitespace_between(tmp_path: Path) -> None:
    text = "Ona didn't\u00a0go\n\n\tto  U.S.-run camps."
    tokens = ["Ona", "did", "n't", "go", "to", "U.S.", "-", "run", "camps", "."]
    tags = ["B-PER", "O", "O", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O", "O"]
    body = "-DOCSTART- w\n" + "".join(f"{t}\t{g}\n" for t, g in zip(tokens, tags, strict=True))
    (doc,) = read_conll(write(tmp_path, body), {"w": Document("w", text)})
    assert spans(doc) == [("PER", "Ona"), ("LOC", "U.S.-run")]


def test_zero_width_characters_a_tokenizer_dropped_are_skipped(tmp_path: Path) -> None:
    text = "Kai\u200b Rho\ufeffLand"
    (doc,) = read_conll(
        write(tmp_path, "-DOCSTART- z\nKai B-PER\nRho O\nLand B-LOC\n"), {"z": Document("z", text)}
    )
    assert spans(doc) == [("PER", "Kai"), ("LOC", "Land")]


def test_token_file_may_stop_before_the_text_ends(tmp_path: Path) -> None:
    (doc,) = read_conll(
        write(tmp_path, "-DOCSTART- t\nOla B-PER\n"), {"t": Document("t", "Ola ran far away.")}
    )
    assert spans(doc) == [("PER", "Ola")]


def test_token_not_found_names_file_line_document_offset_and_text(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- n\nOla O\nswam O\n")
    with pytest.raises(FormatError) as info:
        read_conll(path, {"n": Document("n", "Ola  ran far away.")})
    assert str(info.value) == (
        f"{path}:3: document 'n': token 'swam' not found in the gold text at offset 5 "
        "(text there: 'ran far away.'); the token file must tokenise the same text"
    )


def test_token_past_the_end_of_the_text(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- n\nOla O\nran O\n")
    with pytest.raises(FormatError, match=r"pred.conll:3: .*'ran' not found .* offset 3 \(text there: ''\)"):
        read_conll(path, {"n": Document("n", "Ola")})


def test_no_fuzzy_matching_of_case(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- n\nola O\n")
    with pytest.raises(FormatError, match="pred.conll:2: document 'n': token 'ola' not found"):
        read_conll(path, {"n": Document("n", "Ola")})


# --- lines: documents, comments, tokens ----------------------------------------------------------


def test_hash_lines_are_comments_before_a_sentence_and_tokens_inside_one(tmp_path: Path) -> None:
    text = "#Tag at # 5 and #"
    lines = ["# doc_id = h", "# a comment", "#no-tag-comment", "#Tag B-MISC", "at O", "# O", "5 O"]
    lines += ["and O", "# B-X", "", "# trailing comment"]
    body = "\n".join(lines) + "\n"
    (doc,) = read_conll(write(tmp_path, body), {"h": Document("h", text)})
    assert spans(doc) == [("MISC", "#Tag"), ("X", "#")]


def test_docstart_may_carry_extra_columns(tmp_path: Path) -> None:
    (doc,) = read_conll(write(tmp_path, "-DOCSTART- e O\nEd B-PER\n"), {"e": Document("e", "Ed")})
    assert doc.id == "e" and spans(doc) == [("PER", "Ed")]


def test_doc_id_comment_keeps_spaces_and_a_bom_is_ignored(tmp_path: Path) -> None:
    body = "\ufeff# doc_id = my doc 7\nEd B-PER\n"
    (doc,) = read_conll(write(tmp_path, body), {"my doc 7": Document("my doc 7", "Ed")})
    assert doc.id == "my doc 7" and doc.line == 1


def test_empty_document_has_no_entities(tmp_path: Path) -> None:
    docs = read_conll(
        write(tmp_path, "-DOCSTART- a\n\n-DOCSTART- b\nB O\n"),
        {"a": Document("a", "A"), "b": Document("b", "B")},
    )
    assert [(d.id, d.entities) for d in docs] == [("a", ()), ("b", ())]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Ed B-PER\n", r"pred.conll:1: token line before any document start; begin each document with"),
        ("-DOCSTART- zz\nEd O\n", r"pred.conll:1: document 'zz' is not in the gold set"),
        ("-DOCSTART- e\n\n-DOCSTART- e\n", r"pred.conll:3: document 'e' appears again \(first at line 1\)"),
        ("-DOCSTART-\nEd O\n", r"pred.conll:1: -DOCSTART- without a document id"),
        ("# doc_id =  \nEd O\n", r"pred.conll:1: '# doc_id =' without an id"),
        ("-DOCSTART- e\nEd\n", r"pred.conll:2: one column 'Ed'; write the token, whitespace, then its tag"),
        (
            "-DOCSTART- e\nEd PER\n",
            r"pred.conll:2: document 'e': tag 'PER' is not 'O' or B-, I-, L-, U-, E- or S-",
        ),
        ("-DOCSTART- e\nEd B-\n", r"pred.conll:2: document 'e': tag 'B-' is not 'O'"),
        ("-DOCSTART- e\nEd X-PER\n", r"pred.conll:2: document 'e': tag 'X-PER' is not 'O'"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(FormatError, match=message) as info:
        read_conll(path, {"e": Document("e", "Ed")})
    assert str(info.value).startswith(str(path) + ":")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "pred.conll"
    path.write_bytes(b"-DOCSTART- e\nE\xe9 O\n")
    with pytest.raises(FormatError, match=r"pred.conll:2: not UTF-8"):
        read_conll(path, {"e": Document("e", "Ed")})


def test_without_reference_says_the_gold_set_is_needed(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- e\nEd O\n")
    with pytest.raises(FormatError, match=r"pred.conll: CoNLL tokens carry no character offsets; .*gold set"):
        read_corpus(path, fmt="conll")


# --- detection -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".conll", ".bio", ".iob", ".iob2", ".bilou", ".BIO"])
def test_detected_by_extension(tmp_path: Path, suffix: str) -> None:
    assert detect(write(tmp_path, "anything", f"pred{suffix}")).name == "conll"


def test_tsv_is_conll_only_when_it_holds_token_tag_lines() -> None:
    case = FIXTURES / "conll_detect_by_content"
    assert detect(case / "pred.tsv").name == "conll"
    corpus = read_corpus(case / "pred.tsv", reference=gold("conll_detect_by_content"))
    assert spans(corpus.documents[0]) == [("PER", "Nell Orr"), ("LOC", "Pym")]
    for other in ("table.tsv", "notes.txt"):
        with pytest.raises(FormatError, match="cannot tell its format"):
            detect(case / other)


def test_explicit_scheme_formats_are_never_detected(tmp_path: Path) -> None:
    path = write(tmp_path, "-DOCSTART- e\nEd O\n", "pred.iob1")
    assert detect(path).name == "conll"


# --- real articles -------------------------------------------------------------------------------

# The news-demo articles and five written for these tests, each with one hard case (see its README).
ARTICLES = [
    *sorted((FIXTURES / "articles").glob("*.txt")),
    *sorted((REPO / "gold" / "news-demo" / "articles").glob("*.txt")),
]
TOKEN = re.compile(r"\w+|[^\w\s]")


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.name)
def test_every_token_of_a_real_article_aligns(tmp_path: Path, article: Path) -> None:
    with open(article, encoding="utf-8", newline="") as f:
        text = f.read()
    found = list(TOKEN.finditer(text))
    # Every token its own entity (B-), sentences broken at each full stop.
    lines = ["-DOCSTART- article"]
    for m in found:
        lines.append(f"{m.group()} B-TOK")
        if m.group() == ".":
            lines.append("")
    path = write(tmp_path, "\n".join(lines) + "\n")
    (doc,) = read_conll(path, {"article": Document("article", text)})
    assert len(found) > 100
    assert [(e.start, e.end) for e in doc.entities] == [m.span() for m in found]


# --- through the evaluate command, in a fresh interpreter -----------------------------------------

@pytest.mark.parametrize("pred", ["pred.conll", "pred_brat"])
def test_evaluate_command_reads_conll_and_brat_predictions(pred: str) -> None:
    case = FIXTURES / "cli_end_to_end"
    args = [sys.executable, "-m", "eval.cli", str(case / "gold.jsonl"), str(case / pred), "--format", "json"]
    done = subprocess.run(args, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    strict = json.loads(done.stdout)["entities"]["micro"]["strict"]
    assert (strict["correct"], strict["incorrect"], strict["actual"]) == (2, 1, 3)
