"""The news-demo inline markup (gold/news-demo/build.py) and the demo articles themselves."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from eval.errors import FormatError, UsageError, ValidationError
from eval.readers.jsonl import read_jsonl

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "gold" / "news-demo"
# The seed articles the demo was written from live next to the repository on the development
# machine only; the one test below that compares with them skips elsewhere.
SEEDS = ROOT.parent / "shared" / "seeds"


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("newsdemo_build", DEMO / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


build = _load_build()
ARTICLES = sorted((DEMO / "articles").glob("*.txt"))


# --- markup -> document ---------------------------------------------------------------------


def test_entity_offsets_are_code_points_of_the_stripped_text() -> None:
    src = "[Vladimir Putin](PERSON#e1) met [Shavkat Mirziyoyev](PERSON) in [Tashkent](GPE#e3)."
    doc = build.parse_markup(src, doc_id="d")
    assert doc.text == "Vladimir Putin met Shavkat Mirziyoyev in Tashkent."
    for ent in doc.entities:
        assert doc.text[ent.start : ent.end] == ent.text
    assert [(e.label, e.text) for e in doc.entities] == [
        ("PERSON", "Vladimir Putin"),
        ("PERSON", "Shavkat Mirziyoyev"),
        ("GPE", "Tashkent"),
    ]
    ids = [e.id for e in doc.entities]
    assert ids[0] == "e1" and ids[2] == "e3"
    assert ids[1] not in {"e1", "e3"}, "an auto id must not collide with a written one"


def test_event_arguments_carry_the_entity_id_and_its_offsets() -> None:
    src = "[Putin](PERSON#e1) {arrived}(Travel#v1 Agent=e1 Destination=e2) in [Uzbekistan](GPE#e2)"
    doc = build.parse_markup(src, doc_id="d")
    (event,) = doc.events
    assert (event.id, event.type) == ("v1", "Travel")
    assert doc.text[event.trigger.start : event.trigger.end] == "arrived" == event.trigger.text
    by_id = {e.id: e for e in doc.entities}
    for arg in event.arguments:
        target = by_id[arg.entity]
        assert (arg.start, arg.end, arg.text) == (target.start, target.end, target.text)
    assert [(a.role, a.entity) for a in event.arguments] == [("Agent", "e1"), ("Destination", "e2")]


def test_repeated_role_and_event_without_id() -> None:
    src = "[Putin](PERSON#a) and [Rahmon](PERSON#b) {met}(Meet Entity=a Entity=b)"
    (event,) = build.parse_markup(src, doc_id="d").events
    assert [a.entity for a in event.arguments] == ["a", "b"]
    assert event.id is not None


def test_emoji_and_flags_count_as_code_points() -> None:
    src = 'The post read "one car 🇺🇿🤝🇷🇺" and [Tashkent](GPE) cheered 😀 [Putin](PERSON).'
    doc = build.parse_markup(src, doc_id="d")
    tashkent, putin = doc.entities
    assert doc.text.index("Tashkent") == tashkent.start
    assert doc.text.index("Putin") == putin.start
    assert doc.text[putin.start : putin.end] == "Putin"


def test_crlf_is_kept_and_offsets_count_the_carriage_returns() -> None:
    src = "Headline\r\n\r\nMOSCOW — [Putin](PERSON) {met}(Meet#v1 Entity=x) [Mirziyoyev](PERSON#x).\r\n"
    doc = build.parse_markup(src, doc_id="d")
    assert doc.text.count("\r\n") == 3
    assert doc.text == "Headline\r\n\r\nMOSCOW — Putin met Mirziyoyev.\r\n"
    putin = doc.entities[0]
    assert putin.start == doc.text.index("Putin")


def test_escaped_brackets_are_literal_text() -> None:
    doc = build.parse_markup(r"a \[note\] on \{x\} and \\ [Baku](GPE)", doc_id="d")
    assert doc.text == r"a [note] on {x} and \ Baku"
    assert doc.text[doc.entities[0].start : doc.entities[0].end] == "Baku"


@pytest.mark.parametrize(
    ("src", "where", "words"),
    [
        ("x\n[Putin](PERSON", "f.txt:2:", "not closed"),
        ("[Putin (PERSON)", "f.txt:1:1", "never closed"),
        ("[Putin] (PERSON)", "f.txt:1:8", "followed"),
        ("[the [Kremlin](ORG)](ORG)", "f.txt:1:6", "nest"),
        ("text ] here", "f.txt:1:6", "unmatched"),
        ("[Putin}(PERSON)", "f.txt:1:7", "unmatched"),
        ("[Putin](person)", "f.txt:1:1", "upper-case"),
        ("[ Putin](PERSON)", "f.txt:1:1", "space"),
        ("[](PERSON)", "f.txt:1:1", "empty"),
        ("{met}(Meet Agent = e1)", "f.txt:1:1", "ROLE=ENTITY_ID"),
        ("{met}()", "f.txt:1:1", "event type"),
        ("[Putin\n](PERSON)", "f.txt:1:1", "cross lines"),
    ],
)
def test_syntax_errors_name_file_line_column(src: str, where: str, words: str) -> None:
    with pytest.raises(FormatError) as info:
        build.parse_markup(src, doc_id="d", path="f.txt")
    message = str(info.value)
    assert message.startswith(where), message
    assert words in message
    assert "\n" not in message


def test_unknown_and_duplicate_ids_are_all_reported() -> None:
    src = "[Putin](PERSON#e1) [Rahmon](PERSON#e1)\n{met}(Meet#v1 Entity=e1 Entity=e9)"
    with pytest.raises(ValidationError) as info:
        build.parse_markup(src, doc_id="d", path="f.txt")
    lines = info.value.lines()
    assert len(lines) == 2
    assert lines[0].startswith("f.txt:1:20:") and "'e1' already used" in lines[0]
    assert lines[1].startswith("f.txt:2:1:") and "'e9'" in lines[1]


# --- annotated copy against the article -----------------------------------------------------


def _tree(tmp_path: Path, article: str, annotated: str, name: str = "a1") -> tuple[Path, Path]:
    articles, ann = tmp_path / "articles", tmp_path / "ann"
    articles.mkdir()
    ann.mkdir()
    (articles / f"{name}.txt").write_bytes(article.encode())
    (ann / f"{name}.txt").write_bytes(annotated.encode())
    return articles, ann


def test_build_writes_canonical_jsonl_that_reads_back(tmp_path: Path) -> None:
    article = "Putin visits Tashkent\r\n\r\nTASHKENT — Putin 🇷🇺 arrived.\r\n"
    annotated = (
        "[Putin](PERSON#p) visits [Tashkent](GPE#t)\r\n\r\n"
        "TASHKENT — [Putin](PERSON#p2) 🇷🇺 {arrived}(Travel Agent=p2 Destination=t).\r\n"
    )
    articles, ann = _tree(tmp_path, article, annotated)
    out = tmp_path / "out.jsonl"
    build.build(ann, out, articles=articles)
    (doc,) = read_jsonl(out)
    assert doc.id == "a1"
    assert doc.text == article
    assert all(doc.text[e.start : e.end] == e.text for e in doc.entities)
    assert all(e.id for e in doc.entities)
    (event,) = doc.events
    assert doc.text[event.trigger.start : event.trigger.end] == "arrived"
    assert {a.entity for a in event.arguments} == {"p2", "t"}
    # The reader keeps only the entity id of such arguments; the file also carries the offsets.
    (raw,) = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    for arg in raw["events"][0]["arguments"]:
        assert set(arg) == {"role", "entity", "start", "end", "text"}
        assert raw["text"][arg["start"] : arg["end"]] == arg["text"]


def test_changed_word_is_reported_at_its_annotated_line(tmp_path: Path) -> None:
    articles, ann = _tree(tmp_path, "Title\nPutin met Rahmon.\n", "Title\n[Putin](PERSON) met Rakhmon.\n")
    with pytest.raises(ValidationError) as info:
        build.build(ann, tmp_path / "o.jsonl", articles=articles)
    (line,) = info.value.lines()
    assert line.startswith(f"{ann / 'a1.txt'}:2:")
    assert "a1.txt:2" in line and "Rakhmon" in line


def test_crlf_turned_into_lf_is_named(tmp_path: Path) -> None:
    articles, ann = _tree(tmp_path, "Title\r\nBody.\r\n", "Title\n[Body](ORG).\n")
    with pytest.raises(ValidationError) as info:
        build.build(ann, tmp_path / "o.jsonl", articles=articles)
    assert "line ends differ" in str(info.value)


def test_missing_annotations_need_partial(tmp_path: Path) -> None:
    articles, ann = _tree(tmp_path, "Putin.\n", "[Putin](PERSON).\n")
    (articles / "a2.txt").write_text("Rahmon.\n")
    with pytest.raises(UsageError, match="a2"):
        build.build(ann, tmp_path / "o.jsonl", articles=articles)
    docs = build.build(ann, tmp_path / "o.jsonl", articles=articles, partial=True)
    assert [d.id for d in docs] == ["a1"]


def test_main_prints_one_error_line_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles, ann = _tree(tmp_path, "Putin.\n", "[Putin(PERSON).\n")
    code = build.main([str(ann), str(tmp_path / "o.jsonl"), "--articles", str(articles)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    assert not (tmp_path / "o.jsonl").exists()


_plain = st.lists(st.sampled_from([*"abc XYZ—é\r\n", "🇺🇿", "😀", "𝔘"]), max_size=12).map("".join)
_word = st.lists(st.sampled_from([*"Tashkent", "😀", "é"]), min_size=1, max_size=8).map("".join)


@given(st.lists(st.tuples(_plain, _word, st.booleans()), max_size=6), _plain)
def test_stripping_markup_gives_back_the_text_and_exact_offsets(parts: list[tuple[str, str, bool]], tail: str) -> None:
    source, text, spans = "", "", []
    for k, (before, word, is_event) in enumerate(parts):
        source += before
        text += before
        spans.append((len(text), len(text) + len(word), word))
        source += f"{{{word}}}(T#v{k})" if is_event else f"[{word}](L#x{k})"
        text += word
    source += tail
    text += tail
    doc = build.parse_markup(source, doc_id="h")
    assert doc.text == text
    got = sorted([(e.start, e.end, e.text) for e in doc.entities] + [tuple(v.trigger) for v in doc.events])
    assert got == sorted(spans)


# --- the demo articles --------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("\u2019", "'"))


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_there_are_at_least_13_articles_of_150_to_400_words() -> None:
    assert len(ARTICLES) >= 13
    for path in ARTICLES:
        n = len(path.read_text(encoding="utf-8").split())
        assert 150 <= n <= 400, f"{path.name}: {n} words"


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_article_has_headline_dateline_and_no_markup_characters(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    headline, blank, *body = text.splitlines()
    assert headline.strip() and not blank.strip()
    assert re.match(r"[A-Z]{4,}(, [A-Z][a-z]{2}\.? \d{1,2}(, \d{4})?)? — ", body[0]), body[0][:40]
    assert not set(text) & set("[]{}\\"), "markup characters in an article would need escaping"


def test_articles_exercise_crlf_and_non_bmp_characters() -> None:
    texts = [p.read_bytes().decode("utf-8") for p in ARTICLES]
    assert any("\r\n" in t for t in texts)
    assert any(any(ord(c) > 0xFFFF for c in t) for t in texts)


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"no seed articles at {SEEDS} (../shared/seeds next to the repository)")
def test_no_article_repeats_eight_words_of_a_seed() -> None:
    seed_grams: set[tuple[str, ...]] = set()
    for seed in SEEDS.glob("*.txt"):
        seed_grams |= _ngrams(_words(seed.read_text(encoding="utf-8")), 8)
    assert seed_grams
    for path in ARTICLES:
        copied = _ngrams(_words(path.read_text(encoding="utf-8")), 8) & seed_grams
        assert not copied, f"{path.name} repeats seed text: {' '.join(sorted(copied)[0])}"


def _guideline_examples() -> list[str]:
    text = (ROOT / "docs" / "guidelines.md").read_text(encoding="utf-8")
    return [line for block in re.findall(r"```markup\n(.*?)```", text, re.S) for line in block.splitlines()]


def test_guideline_examples_parse_and_quote_an_article() -> None:
    examples = _guideline_examples()
    assert len(examples) >= 20
    corpus = "\n".join(p.read_bytes().decode("utf-8").replace("\r\n", "\n") for p in ARTICLES)
    for line in examples:
        doc = build.parse_markup(line, doc_id="guidelines", path="docs/guidelines.md")
        assert doc.text in corpus, f"not in any article: {doc.text[:60]!r}"


@pytest.mark.skipif(not (ROOT / "configs" / "schema.yaml").is_file(), reason="schema not written yet")
def test_guideline_examples_follow_the_schema() -> None:
    import yaml

    schema = yaml.safe_load((ROOT / "configs" / "schema.yaml").read_text(encoding="utf-8"))
    labels = {e["name"] for e in schema["entity_labels"]}
    roles = {t["name"]: {r["name"]: set(r["entity_labels"]) for r in t["roles"]} for t in schema["event_types"]}
    checked = 0
    for line in _guideline_examples():
        doc = build.parse_markup(line, doc_id="guidelines")
        assert {e.label for e in doc.entities} <= labels, line
        by_id = {e.id: e for e in doc.entities}
        for event in doc.events:
            assert event.type in roles, line
            for arg in event.arguments:
                assert by_id[arg.entity].label in roles[event.type][arg.role], (line, arg)
                checked += 1
    assert checked >= 20
