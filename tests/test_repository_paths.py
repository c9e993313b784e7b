"""Tests read nothing outside the repository except the temp dir: no test file names an absolute
path elsewhere (a seed folder on one machine, a user's home, a system program)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Well-known top-level folders of Linux, macOS and Nix machines, and whatever this machine has.
KNOWN_ROOTS = {"home", "Users", "work", "usr", "etc", "opt", "var", "mnt", "srv", "root", "data", "media",
               "private", "Volumes", "nix", "bin", "sbin", "lib", "lib64", "proc", "sys", "dev", "run"}
ALLOWED = {Path(tempfile.gettempdir()).resolve().parts[1], "tmp"}


def absolute_path_pattern() -> re.Pattern[str]:
    roots = (KNOWN_ROOTS | set(os.listdir("/"))) - ALLOWED
    names = "|".join(sorted(re.escape(r) for r in roots))
    # "/work/x" at the start of a string or after a quote, blank, '=' or '(' (not "a/usr/b", not a URL
    # path such as "http://h/api" or f"{url}/data"); a Windows drive ("C:\\"); a home-relative "~/".
    return re.compile(rf"(?:(?<![\w.:/~}})\]-])/(?:{names})(?=/|\b)|\b[A-Za-z]:\\\\|(?<![\w/])~/)")


def test_pattern_catches_paths_outside_and_allows_the_rest() -> None:
    pattern = absolute_path_pattern()
    for bad in ['Path("/work/shared/seeds")', "x = '/home/ann/data'", "open('/usr/share/dict')", r'"C:\\data"',
                "'~/notes.txt'"]:
        assert pattern.search(bad), bad
    for fine in ['tmp_path / "a"', "'/tmp/x.json'", '"http://127.0.0.1:8080/api/projects"', '"/api/tasks"',
                 "ROOT.parent / 'shared' / 'seeds'", "a/usr/b",
                 'f"{url}/data?task=1"']:
        assert not pattern.search(fine), fine


def test_no_test_file_names_an_absolute_path_outside_the_repository() -> None:
    pattern = absolute_path_pattern()
    found = []
    for path in sorted(TESTS.rglob("*")):
        if not path.is_file() or path == Path(__file__).resolve() or "__pycache__" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary fixtures name no paths
        for n, line in enumerate(text.splitlines(), 1):
            if m := pattern.search(line):
                found.append(f"{path.relative_to(TESTS.parent)}:{n}: {line.strip()[:100]} ({m.group()!r})")
    assert not found, "absolute paths outside the repository:\n" + "\n".join(found)
