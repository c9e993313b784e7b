"""Run an extractor for ``evaluate --extractor``: a command over JSONL pipes, or a Python function.

A command reads ``{"id", "text"}`` lines on stdin and writes canonical prediction lines on
stdout (``text`` may be left out; the input text is used). A function spec
``package.module:function`` is imported and called once per text. Both give an
``ExtractorRun``: the predicted documents, the wall time, and the extractor's name.

    GoldbenchError
    └── InputError
        ├── FormatError            a bad prediction line, named ``<extractor stdout>:LINE``
        └── ExtractorError         cannot start/import, crashed, timed out, or returned a bad value

``ExtractorError.lines()`` adds the last lines of the extractor's stderr after its one-line message.

With ``on_bad_output=BadOutput.SKIP`` a document whose output cannot be decoded (a line that
is not JSON, not an object, or not a valid canonical record; a function's return value of the
wrong shape) is not fatal: it is scored as no predictions and named in ``ExtractorRun.undecodable``.
"""

from __future__ import annotations

import contextlib
import enum
import importlib
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

import orjson

from .errors import FormatError, InputError, plural, quote
from .limits import json_problem
from .model import Document
from .readers.jsonl import parse_record
from .report import RunInfo

STDOUT = "<extractor stdout>"
STDERR_TAIL_LINES = 50  # kept in ``ExtractorError.stderr_tail``
STDERR_SHOWN_LINES = 15  # of those, printed after the message (the CLI prints at most 20 lines)
_MAX_STDERR_LINE = 500

Progress = Callable[[int, int], None]


class BadOutput(enum.Enum):
    """What a document whose output cannot be decoded does to the run."""

    FAIL = "fail"  # the run stops with the error (exit 2)
    SKIP = "skip"  # the document is scored as no predictions and counted as undecodable


class ExtractorError(InputError):
    """The extractor could not be started or imported, failed, timed out, or returned a bad value."""

    def __init__(self, message: str, *, stderr_tail: Sequence[str] = ()) -> None:
        self.stderr_tail = tuple(stderr_tail)
        super().__init__(message)

    def lines(self) -> list[str]:
        shown = self.stderr_tail[-STDERR_SHOWN_LINES:]
        return [str(self), *(f"extractor stderr: {line}" for line in shown)]


@dataclass(frozen=True, slots=True)
class ExtractorRun:
    """What one run of an extractor produced, and how long it took."""

    documents: tuple[Document, ...]  # in output order; a subset of the input ids
    seconds: float
    command: str  # the command line or function spec, as given
    submitted: int  # how many documents the extractor was given
    undecodable: tuple[str, ...] | None = None  # with BadOutput.SKIP: the ids (or stdout lines) skipped

    @property
    def docs_per_second(self) -> float:
        return self.submitted / self.seconds if self.seconds > 0 else 0.0

    def info(self) -> RunInfo:
        """The ``Report.run`` record of this run."""
        return RunInfo(self.command, self.submitted, self.seconds, self.undecodable)


def is_function_spec(spec: str) -> bool:
    """``package.module:function`` (no spaces) names a function; anything else is a command."""
    return ":" in spec and " " not in spec.strip()


def run_extractor(
    spec: str,
    documents: Sequence[Document],
    *,
    timeout: float = 600.0,
    progress: Progress | None = None,
    on_bad_output: BadOutput = BadOutput.FAIL,
) -> ExtractorRun:
    """Run the extractor ``spec``, a command over JSONL pipes or a ``module:function``, on ``documents``."""
    if is_function_spec(spec):
        return run_function(spec, documents, progress=progress, on_bad_output=on_bad_output)
    return run_command(spec, documents, timeout=timeout, progress=progress, on_bad_output=on_bad_output)


# --- a command over pipes ------------------------------------------------------------------------


def run_command(
    cmd: str,
    documents: Sequence[Document],
    *,
    timeout: float,
    progress: Progress | None = None,
    on_bad_output: BadOutput = BadOutput.FAIL,
) -> ExtractorRun:
    """Run ``cmd`` (split like a shell would, but run without one) on ``documents``.

    The texts go to its stdin from a writer thread while this thread reads stdout, so neither
    side can block the other however large the corpus. The whole run is bounded by ``timeout``
    seconds; when it is exceeded, the extractor's process group is killed.
    """
    args = _split(cmd)
    inputs = {d.id: d for d in documents}
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so a timeout kills its children too
        )
    except OSError as exc:
        raise ExtractorError(
            f"cannot start extractor {quote(cmd)}: {exc.strerror or exc}; check the command and that it is installed"
        ) from None
    session = _Session(proc, cmd, timeout)
    session.start(documents)
    skipped: list[str] | None = [] if on_bad_output is BadOutput.SKIP else None
    try:
        out = session.read(inputs, progress, skipped)
    except BaseException:
        _kill(proc)
        raise
    finally:
        session.close()
    seconds = time.perf_counter() - started
    if progress is not None:
        progress(len(documents), len(documents))
    return ExtractorRun(tuple(out), seconds, cmd, len(documents), tuple(skipped) if skipped is not None else None)


def _split(cmd: str) -> list[str]:
    try:
        args = shlex.split(cmd)
    except ValueError as exc:
        raise ExtractorError(f"cannot parse the extractor command {quote(cmd)}: {exc}; check its quotes") from None
    if not args:
        raise ExtractorError("the extractor command is empty; pass a command such as 'python -m my_extractor'")
    return args


class _Session:
    """One running extractor: a writer thread on stdin, a reader thread on stderr, a timer."""

    def __init__(self, proc: subprocess.Popen[bytes], cmd: str, timeout: float) -> None:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        self.proc, self.cmd, self.timeout = proc, cmd, timeout
        self.stdout = proc.stdout
        self.timed_out = threading.Event()
        self.tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
        self.writer: threading.Thread | None = None
        self.stderr = threading.Thread(target=_drain, args=(proc.stderr, self.tail), daemon=True)
        self.timer = threading.Timer(timeout, self._expire)
        self.timer.daemon = True

    def start(self, documents: Sequence[Document]) -> None:
        self.writer = threading.Thread(target=_feed, args=(self.proc.stdin, documents), daemon=True)
        for t in (self.writer, self.stderr, self.timer):
            t.start()

    def _expire(self) -> None:
        self.timed_out.set()
        _kill(self.proc)

    def read(self, inputs: dict[str, Document], progress: Progress | None, skipped: list[str] | None) -> list[Document]:
        """Parse stdout line by line until it closes, then check how the extractor ended.

        With ``skipped`` (a list), an undecodable line is recorded there instead of raising, and
        its document, when the line names one, is scored as no predictions.
        """
        out: list[Document] = []
        seen: dict[str, int] = {}
        for number, raw in enumerate(self.stdout, 1):
            if not raw.strip():
                continue
            if not raw.endswith(b"\n"):  # a cut-off last line: a crash explains it better than a parse error
                self.wait()
            try:
                out.append(_prediction(raw, number, inputs, seen))
            except _Undecodable:
                if skipped is None:
                    raise
                doc_id = _id_in(raw, inputs, seen)
                if doc_id is None:
                    skipped.append(f"{STDOUT}:{number}")
                else:
                    seen[doc_id] = number
                    skipped.append(doc_id)
                    out.append(Document(doc_id, inputs[doc_id].text, path=STDOUT, line=number))
            if progress is not None:
                progress(len(out), len(inputs))
        self.wait()
        return out

    def wait(self) -> None:
        """Wait for the exit (the timer still runs); a timeout or a failure becomes an error."""
        code = self.proc.wait()
        if self.timed_out.is_set():
            raise ExtractorError(
                f"extractor timed out after {self.timeout:g} s ({quote(self.cmd)}); make it faster or raise --timeout",
                stderr_tail=self.stderr_tail(),
            )
        if code != 0:
            tail = self.stderr_tail()
            how = f"exited with code {code}" if code > 0 else f"was killed by signal {_signal_name(-code)}"
            n = min(len(tail), STDERR_SHOWN_LINES)
            shown = f"; the last {plural(n, 'line')} of its stderr follow" if tail else "; it wrote nothing to stderr"
            raise ExtractorError(f"extractor {quote(self.cmd)} {how}{shown}", stderr_tail=tail)

    def stderr_tail(self) -> list[str]:
        self.stderr.join(timeout=2)  # stderr closes when the extractor (and its children) are gone
        return list(self.tail)

    def close(self) -> None:
        self.timer.cancel()
        if self.writer is not None:
            self.writer.join(timeout=5)
        self.stderr.join(timeout=2)
        self.stdout.close()
        assert self.proc.stderr is not None
        self.proc.stderr.close()


def _feed(stdin: IO[bytes], documents: Sequence[Document]) -> None:
    """Write the input lines; an extractor that exits early just stops the writing."""
    try:
        for d in documents:
            stdin.write(orjson.dumps({"id": d.id, "text": d.text}) + b"\n")
    except OSError:  # BrokenPipeError: the extractor closed its stdin or exited
        pass
    finally:
        with contextlib.suppress(OSError):
            stdin.close()


def _drain(stderr: IO[bytes], tail: deque[str]) -> None:
    with contextlib.suppress(OSError, ValueError):  # closed under us after a kill
        for raw in stderr:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            tail.append(line if len(line) <= _MAX_STDERR_LINE else line[:_MAX_STDERR_LINE] + " …")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the extractor and every process it started (they share its process group)."""
    if proc.poll() is not None:
        return
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups of this kind
            proc.kill()
    except ProcessLookupError:
        pass
    proc.wait()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


class _Undecodable(FormatError):
    """An output line that cannot be decoded (``--on-bad-output skip`` skips it)."""


_ID = re.compile(rb'"id"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _id_in(raw: bytes, inputs: dict[str, Document], seen: dict[str, int]) -> str | None:
    """The input id a bad line is about: its ``id`` if it parses, else the first ``"id": "..."``."""
    try:
        obj = orjson.loads(raw)
        candidate = obj.get("id") if isinstance(obj, dict) else None
    except orjson.JSONDecodeError:
        found = _ID.search(raw)
        try:
            candidate = orjson.loads(b'"' + found.group(1) + b'"') if found else None
        except orjson.JSONDecodeError:
            candidate = None
    if isinstance(candidate, int) and not isinstance(candidate, bool):
        candidate = str(candidate)
    return candidate if isinstance(candidate, str) and candidate in inputs and candidate not in seen else None


def _prediction(raw: bytes, number: int, inputs: dict[str, Document], seen: dict[str, int]) -> Document:
    """One stdout line -> Document, with the input text filled in; errors name the line."""
    where = f"{STDOUT}:{number}"
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _Undecodable(
            f"{where}: not valid JSON ({json_problem(exc)}); the extractor must print one JSON object per line, "
            "and nothing else, on stdout (log to stderr)"
        ) from None
    if not isinstance(obj, dict):
        raise _Undecodable(f"{where}: each line must be a JSON object, got {_kind(obj)}")
    doc_id = obj.get("id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str):
        raise _Undecodable(f"{where}: id must be a string, got {quote(doc_id)}; echo the input document's id")
    source = inputs.get(doc_id)
    if source is None:
        raise FormatError(
            f"{where}: document {quote(doc_id)} is not one of the {len(inputs)} input documents; "
            "output only ids that were given on stdin"
        )
    if doc_id in seen:
        raise FormatError(
            f"{where}: document {quote(doc_id)} was already output at line {seen[doc_id]}; output each document once"
        )
    text = obj.get("text")
    if text is None:
        obj = {**obj, "text": source.text}
    elif text != source.text:
        raise FormatError(
            f"{where}: document {quote(doc_id)}: its text differs from the input text; "
            "echo the text unchanged or leave it out"
        )
    try:
        doc = parse_record(obj, STDOUT, number)
    except FormatError as exc:
        raise _Undecodable(str(exc)) from None
    seen[doc_id] = number
    return doc


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


# --- a Python function ---------------------------------------------------------------------------


def run_function(
    spec: str,
    documents: Sequence[Document],
    *,
    progress: Progress | None = None,
    on_bad_output: BadOutput = BadOutput.FAIL,
) -> ExtractorRun:
    """Import ``package.module:function`` and call it on each document's text.

    The function returns a list of entity dicts ``{"start", "end", "label"}`` or a dict with
    ``"entities"`` and optionally ``"events"`` (canonical JSONL shapes). The current directory
    is searched for the module when it is not found on ``sys.path``, as ``python -m`` would.
    """
    fn = load_function(spec)
    started = time.perf_counter()
    out: list[Document] = []
    skipped: list[str] | None = [] if on_bad_output is BadOutput.SKIP else None
    for i, d in enumerate(documents, 1):
        try:
            result = fn(d.text)
        except Exception as exc:
            raise ExtractorError(
                f"extractor function {spec} raised {type(exc).__name__} on document {quote(d.id)}"
                f"{_origin(exc)}: {_one_line(exc)}"
            ) from None
        try:
            out.append(_function_result(result, d, spec=spec, position=i))
        except (FormatError, _BadReturn):
            if skipped is None:
                raise
            skipped.append(d.id)
            out.append(Document(d.id, d.text, path=f"<{spec}>", line=i))
        if progress is not None:
            progress(i, len(documents))
    undecodable = tuple(skipped) if skipped is not None else None
    return ExtractorRun(tuple(out), time.perf_counter() - started, spec, len(documents), undecodable)


def load_function(spec: str) -> Callable[[str], Any]:
    """``package.module:function`` (the attribute may be dotted) -> the callable, or ExtractorError."""
    module_name, sep, attr = spec.strip().partition(":")
    if not sep or not module_name or not attr or ":" in attr:
        raise ExtractorError(
            f"extractor function {quote(spec)} must be written 'package.module:function', e.g. 'my_pkg.extract:extract'"
        )
    module = _import(module_name, spec)
    target: Any = module
    for part in attr.split("."):
        if not hasattr(target, part):
            raise ExtractorError(
                f"extractor function {spec}: module {quote(module_name)} has no attribute {quote(attr)}; check the name"
            )
        target = getattr(target, part)
    if not callable(target):
        raise ExtractorError(
            f"extractor function {spec}: {quote(attr)} is a {type(target).__name__}, not a function; "
            "name a function that takes a text"
        )
    return target  # type: ignore[no-any-return]


def _import(module_name: str, spec: str) -> Any:
    for attempt in range(2):
        try:
            return importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            ours = module_name == missing or module_name.startswith(missing + ".")
            if ours and attempt == 0 and os.getcwd() not in sys.path:
                sys.path.insert(0, os.getcwd())
                continue
            if ours:
                raise ExtractorError(
                    f"extractor function {spec}: no module named {quote(missing)}; "
                    "check the spelling and that its folder is on PYTHONPATH"
                ) from None
            raise ExtractorError(
                f"extractor function {spec}: importing {quote(module_name)} failed, it needs the missing module "
                f"{quote(missing)}; install it"
            ) from None
        except Exception as exc:
            raise ExtractorError(
                f"extractor function {spec}: importing {quote(module_name)} raised {type(exc).__name__}"
                f"{_origin(exc)}: {_one_line(exc)}"
            ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _origin(exc: BaseException) -> str:
    """`` at FILE:LINE`` of the innermost frame, for errors raised inside user code."""
    frames = traceback.extract_tb(exc.__traceback__)
    if isinstance(exc, SyntaxError) and exc.filename:
        return f" at {exc.filename}:{exc.lineno}"
    return f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + " …" if len(text) > 300 else text or "(no message)"


class _BadReturn(ExtractorError):
    """A function's return value of the wrong shape (``--on-bad-output skip`` skips it)."""


def _function_result(result: Any, doc: Document, *, spec: str, position: int) -> Document:
    """Check the shape of one return value, then parse it like a canonical JSONL record.

    Problems inside the value are ``FormatError``s located ``<spec>:N`` (N = the document's
    position in the input) and naming the document id.
    """
    shapes = "a list of entity dicts {'start', 'end', 'label'} or {'entities': [...], 'events': [...]}"
    if isinstance(result, list | tuple):
        record: dict[str, Any] = {"entities": list(result)}
    elif isinstance(result, dict) and "entities" in result:
        record = {k: list(v) if isinstance(v, tuple) else v for k, v in result.items() if k in ("entities", "events")}
    else:
        what = "a dict without 'entities'" if isinstance(result, dict) else type(result).__name__
        raise _BadReturn(f"extractor function {spec} returned {what} for document {quote(doc.id)}; return {shapes}")
    return parse_record({"id": doc.id, "text": doc.text, **record}, f"<{spec}>", position)
