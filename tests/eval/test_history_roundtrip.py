"""Run history: lines appended and read back, commit detection, clear errors for bad lines."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from eval.errors import FormatError
from eval.gate import micro_metrics
from eval.history import HistoryRow, append_history, current_commit, read_history

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gate"


def report(case: str = "regression", name: str = "report.json") -> dict:
    return json.loads((FIXTURES / case / name).read_text(encoding="utf-8"))


def test_append_then_read_gives_the_same_rows(tmp_path):
    path = tmp_path / "runs" / "history.jsonl"
    first = append_history(
        path,
        report(name="baseline.json"),
        model="tagger@1.0",
        when=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        commit="a1",
    )
    second = append_history(path, report(), model=None, when=datetime(2024, 5, 2, 9, 30), commit="b2")
    rows = read_history(path)
    assert rows == [first, second]
    assert rows[0].model == "tagger@1.0" and rows[1].model is None
    assert rows[0].metrics["entities.strict.f1"] == 0.8
    assert rows[1].metrics["entities.strict.f1"] == 0.76
    assert rows[1].metrics == micro_metrics(report())
    assert rows[1].gold_sha256 == report()["gold"]["sha256"]
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_times_are_written_in_utc_iso_8601(tmp_path):
    path = tmp_path / "h.jsonl"
    plus_two = timezone(timedelta(hours=2))
    append_history(path, report(), model="m", when=datetime(2024, 5, 1, 14, 0, tzinfo=plus_two), commit="c")
    line = json.loads(path.read_text(encoding="utf-8"))
    assert line["time"] == "2024-05-01T12:00:00Z"
    assert line["format"] == "goldbench.history/1"
    assert set(line) == {"format", "time", "commit", "gold_sha256", "model", "metrics"}
    assert read_history(path)[0].time == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_default_time_is_now(tmp_path):
    before = datetime.now(UTC).replace(microsecond=0)
    row = append_history(tmp_path / "h.jsonl", report(), model="m", commit="c")
    assert before <= row.time <= datetime.now(UTC)


def test_commit_is_read_from_git_in_a_repository(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    monkeypatch.chdir(repo)
    row = append_history(tmp_path / "h.jsonl", report(), model="m")
    assert row.commit == head and len(head) == 40


def test_commit_is_none_outside_a_repository(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    outside = tmp_path / "plain"
    outside.mkdir()
    assert current_commit(outside) is None
    monkeypatch.chdir(outside)
    assert append_history(tmp_path / "h.jsonl", report(), model="m").commit is None


def test_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "h.jsonl"
    append_history(path, report(), model="m", commit="c")
    path.write_text("\n" + path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    assert [r.commit for r in read_history(path)] == ["c"]


GOOD = '{"time": "2024-05-01T12:00:00Z", "commit": null, "gold_sha256": null, "model": null, "metrics": {}}'


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"metrics": {}}', "'time' must be an ISO-8601 time"),
        ('{"time": "yesterday", "metrics": {}}', "got 'yesterday'"),
        ('{"time": "2024-05-01T12:00:00Z", "metrics": {"entities.strict.f1": "high"}}', "'metrics' must be"),
        ('{"time": "2024-05-01T12:00:00Z", "metrics": {}, "model": 3}', "'model' must be a string or null"),
        ('{"format": "other/9", "time": "2024-05-01T12:00:00Z", "metrics": {}}', "unknown history format"),
    ],
)
def test_bad_line_is_a_format_error_naming_file_and_line(tmp_path, bad, needle):
    path = tmp_path / "h.jsonl"
    path.write_text(f"{GOOD}\n{bad}\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_history(path)
    message = str(info.value)
    assert message.startswith(f"{path}:2: ")
    assert needle in message


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(FormatError, match="no such history file"):
        read_history(tmp_path / "absent.jsonl")


def test_row_round_trips_through_its_dict():
    row = HistoryRow(
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "abc", "f" * 64, "m", {"entities.strict.f1": 0.5}
    )
    assert row.as_dict()["time"] == "2024-01-02T03:04:05Z"
    assert row.as_dict()["metrics"] == {"entities.strict.f1": 0.5}
