"""``run_command``: a command over JSONL pipes, its output parsed, its failures one clear error."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import pytest

from eval.errors import FormatError, GoldbenchError
from eval.extractor import STDERR_SHOWN_LINES, STDERR_TAIL_LINES, ExtractorError, run_command
from eval.model import Document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extractor"
PY = shlex.quote(sys.executable)

DOCS = [
    Document("a", "Anna met Boris in Paris."),
    Document("b", "nothing here"),
    Document("c", "Émile flew to Tōkyō 🇯🇵 with Dana."),
]


def cmd(case: str, *args: str) -> str:
    return " ".join([PY, shlex.quote(str(FIXTURES / case / "extractor.py")), *args])


def test_good_extractor_gives_every_document_with_the_input_text_and_its_entities():
    seen: list[tuple[int, int]] = []
    run = run_command(cmd("good"), DOCS, timeout=30, progress=lambda done, total: seen.append((done, total)))
    assert [d.id for d in run.documents] == ["a", "b", "c"]
    for given, got in zip(DOCS, run.documents, strict=True):
        assert got.text == given.text  # filled in where the extractor left it out, echoed where it did not
        assert [given.text[e.start : e.end] for e in got.entities] == [
            w for w in given.text.replace(".", " ").split() if w[0].isupper()
        ]
    assert run.documents[0].line == 1 and run.documents[2].line == 3
    assert run.submitted == 3 and run.seconds > 0 and run.docs_per_second == pytest.approx(3 / run.seconds)
    assert run.info().documents == 3 and run.info().extractor == run.command
    assert seen[-1] == (3, 3) and [d for d, _ in seen[:3]] == [1, 2, 3]


def test_a_crash_gives_the_exit_code_and_the_last_lines_of_stderr():
    with pytest.raises(ExtractorError) as info:
        run_command(cmd("crash"), DOCS, timeout=30)
    err = info.value
    assert f"exited with code 3; the last {STDERR_SHOWN_LINES} lines of its stderr follow" in str(err)
    assert "\n" not in str(err)
    assert len(err.stderr_tail) == STDERR_TAIL_LINES and "log line 0" not in err.stderr_tail  # only the tail
    assert err.stderr_tail[-1] == "RuntimeError: model file missing"
    lines = err.lines()
    assert len(lines) == 1 + STDERR_SHOWN_LINES and lines[0] == str(err)
    assert lines[-1] == "extractor stderr: RuntimeError: model file missing"


def test_a_bad_output_line_is_a_format_error_naming_the_stdout_line():
    with pytest.raises(FormatError, match=r"^<extractor stdout>:3: not valid JSON"):
        run_command(cmd("bad_line"), DOCS, timeout=30)


def test_timeout_kills_the_process_group_and_says_how_long():
    began = time.monotonic()
    with pytest.raises(ExtractorError, match=r"timed out after 1\.5 s") as info:
        run_command(cmd("slow"), DOCS, timeout=1.5)
    assert time.monotonic() - began < 15  # the child holding stdout open was killed too
    assert "thinking" in info.value.stderr_tail


def test_an_id_that_was_not_given_is_an_error():
    with pytest.raises(FormatError, match=r"<extractor stdout>:2: document 'not-an-input' is not one of the 3 input"):
        run_command(cmd("unknown_id"), DOCS, timeout=30)


def test_five_thousand_documents_with_large_output_do_not_deadlock():
    docs = [Document(f"d{i}", f"document {i} " + "x" * 1500) for i in range(5000)]
    run = run_command(cmd("flood"), docs, timeout=300)
    assert len(run.documents) == 5000
    assert run.documents[-1].id == "d4999" and len(run.documents[-1].entities) == (len(docs[-1].text) + 39) // 40


@pytest.mark.parametrize(
    ("mode", "error", "pattern"),
    [
        ("silent-exit", ExtractorError, r"exited with code 1; it wrote nothing to stderr"),
        ("signal", ExtractorError, r"was killed by signal SIGKILL"),
        ("changed-text", FormatError, r"<extractor stdout>:1: document 'a': its text differs from the input"),
        ("duplicate", FormatError, r"<extractor stdout>:2: document 'a' was already output at line 1"),
        ("bad-entity", FormatError, r"<extractor stdout>:1: document 'a': entities\[0\]\.start must be an integer"),
        ("cut-off", ExtractorError, r"exited with code 137"),
    ],
)
def test_each_fault_is_one_line_naming_what_to_fix(mode: str, error: type[GoldbenchError], pattern: str):
    with pytest.raises(error, match=pattern) as info:
        run_command(cmd("misbehave", mode), DOCS, timeout=30)
    assert "\n" not in str(info.value)


def test_missing_documents_are_absent_and_a_last_line_without_newline_is_kept():
    run = run_command(cmd("misbehave", "cut-off-ok"), DOCS, timeout=30)
    assert [d.id for d in run.documents] == ["a"] and run.submitted == 3


def test_an_extractor_that_stops_reading_early_still_succeeds():
    docs = [Document(str(i), "y" * 10_000) for i in range(200)]  # more than a pipe holds
    run = run_command(cmd("misbehave", "ignore-input"), docs, timeout=30)
    assert [d.id for d in run.documents] == ["0"]


def test_numeric_ids_are_read_as_strings_and_events_are_parsed():
    docs = [Document("7", "Anna went home")]
    assert run_command(cmd("misbehave", "numeric-id"), docs, timeout=30).documents[0].id == "7"
    (doc,) = run_command(cmd("misbehave", "events"), docs, timeout=30).documents
    assert doc.events[0].type == "Travel" and doc.events[0].arguments[0].entity == "e1"
    assert doc.text[doc.events[0].trigger.start : doc.events[0].trigger.end] == "went"


@pytest.mark.parametrize(
    ("command", "pattern"),
    [
        ("", r"the extractor command is empty"),
        ("python 'unclosed", r"cannot parse the extractor command .*check its quotes"),
        ("goldbench-no-such-program --x", r"cannot start extractor .*No such file or directory"),
    ],
)
def test_a_command_that_cannot_start_is_a_clear_error(command: str, pattern: str):
    with pytest.raises(ExtractorError, match=pattern):
        run_command(command, DOCS, timeout=5)
