"""Hostile inputs, table-driven: one folder per case under ``tests/fixtures/hostile/<case>/``.

Each folder holds the input files and a ``case.json``::

    {
      "command": ["evaluate", "{dir}/gold.jsonl", "{dir}/pred.jsonl", "--out", "{dir}/out.json"],
      "exit": 2,
      "message": "pred.jsonl:1: ",          # or a list of substrings; all must be in the output
      "unchanged": ["out.json"],            # optional: files that must keep their bytes (or stay absent)
      "writes": ["hist.jsonl"],             # optional: files the command may create or change
      "generate": {"pred.jsonl": {"kind": "deep_json", "depth": 100000}},  # optional
      "env": {"COLUMNS": "200"},            # optional: environment for the run
      "max_line": 500                       # optional: longest allowed output line (default 500)
    }

``command[0]`` picks the CLI app (``evaluate``, ``evaluate history``, ``evaluate convert``, ``annotate``, see ``APPS``);
the rest are its arguments, with ``{dir}`` replaced by the case's temporary copy, which is
also the working directory. ``generate`` writes big or odd files at test time (kinds in
``tests/fixtures/hostile/generate.py``) so that they are never committed.

Every case checks: the exit code; each message substring in stdout+stderr; no traceback
(the only exception allowed is the CLI's own exit); no output line longer than ``max_line``
(quoted values are cut); and, when the exit code is not 0, that nothing was written: every
file of the folder keeps its bytes and no file appears, except those listed in ``writes``.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
CASES = sorted(p.name for p in HOSTILE.iterdir() if (p / "case.json").is_file())


def _evaluate() -> typer.Typer:
    from eval.cli import app

    return app


def _history() -> typer.Typer:
    from eval.cli import history_app

    return history_app


def _convert() -> typer.Typer:
    from eval.cli import convert_app

    return convert_app


def _annotate() -> typer.Typer:
    from annotate.cli import app

    return app


APPS: dict[tuple[str, ...], Callable[[], typer.Typer]] = {
    ("evaluate", "history"): _history,
    ("evaluate", "convert"): _convert,
    ("evaluate",): _evaluate,
    ("annotate",): _annotate,
}


def _app(command: list[str]) -> tuple[typer.Typer, list[str]]:
    """The app that ``command`` names (longest prefix first) and its arguments."""
    for prefix in sorted(APPS, key=len, reverse=True):
        if tuple(command[: len(prefix)]) == prefix:
            return APPS[prefix](), command[len(prefix) :]
    raise AssertionError(f"case.json: command {command[:2]} names no app; known: {[' '.join(p) for p in APPS]}")


def _generators() -> Any:
    spec = importlib.util.spec_from_file_location("hostile_generate", HOSTILE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under ``root`` by relative name."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def _bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def test_hostile_cases_exist() -> None:
    assert CASES, f"no case folders under {HOSTILE}"


@pytest.mark.parametrize("case", CASES)
def test_hostile_input(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / case
    shutil.copytree(HOSTILE / case, work)
    spec = json.loads((work / "case.json").read_text(encoding="utf-8"))
    if "generate" in spec:
        _generators().generate(work, spec["generate"])
    app, args = _app([part.replace("{dir}", str(work)) for part in spec["command"]])
    unchanged = {name: _bytes(work / name) for name in spec.get("unchanged", [])}
    before = _snapshot(work)
    monkeypatch.chdir(work)
    for key, value in spec.get("env", {}).items():
        monkeypatch.setenv(key, value)

    result = CliRunner().invoke(app, args)

    output = result.stdout + result.stderr
    assert result.exit_code == spec["exit"], f"exit {result.exit_code}, expected {spec['exit']}:\n{output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output, output
    messages = spec.get("message", [])
    for message in [messages] if isinstance(messages, str) else messages:
        assert message.replace("{dir}", str(work)) in output, f"{message!r} not in:\n{output}"
    longest = max((len(line) for line in output.splitlines()), default=0)
    assert longest <= spec.get("max_line", 500), f"an output line of {longest} characters:\n{output[:2000]}"
    for name, content in unchanged.items():
        assert _bytes(work / name) == content, f"{name} changed (or appeared) although the run was refused"
    if spec["exit"] != 0:
        after = _snapshot(work)
        allowed = set(spec.get("writes", []))
        gone = object()
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k, gone) != after.get(k, gone))
        assert [k for k in changed if k not in allowed] == [], "a refused run wrote files"
