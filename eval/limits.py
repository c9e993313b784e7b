"""Limits on hostile input, in one place: offsets, JSON and YAML depth and size, quoted values.

Every reader goes through these, so a hostile file gives one line that names the limit:

- offsets must fit a signed 64-bit integer (the span columns are int64);
- JSON nests at most ``MAX_JSON_DEPTH`` levels (orjson's own limit); a whole-file JSON
  (a manifest, a baseline report) is at most ``MAX_JSON_BYTES``;
- YAML is read by ``parse_yaml``: PyYAML's safe loader with a depth limit, an alias limit and
  a limit on the size of the document once its aliases are expanded (the "billion laughs");
- a value quoted in a message is cut to about ``QUOTE_LIMIT`` characters by ``eval.errors.quote``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import yaml

from .errors import FormatError, quote

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_JSON_DEPTH = 1024  # orjson refuses deeper documents; msgspec is held to the same
MAX_JSON_BYTES = 256 << 20
MAX_YAML_BYTES = 16 << 20
MAX_YAML_DEPTH = 100
MAX_YAML_ALIASES = 1_000
MAX_YAML_NODES = 1_000_000  # nodes once aliases are expanded


def offset_problem(value: int, what: str) -> str | None:
    """Why integer ``value`` cannot be an offset (outside int64), or None when it can."""
    if INT64_MIN <= value <= INT64_MAX:
        return None
    return f"{what} {quote(value)} is outside the 64-bit integer range (the limit is {INT64_MAX:,})"


def json_problem(exc: Exception) -> str:
    """The reason of a JSON decoding error, naming the depth limit when that is what was hit."""
    text = str(exc)
    if isinstance(exc, RecursionError) or "depth limit" in text or "recursion" in text.lower():
        return f"nested deeper than {MAX_JSON_DEPTH} levels, the JSON depth limit"
    return text


def load_json_file(path: str | Path, *, what: str, hint: str) -> Any:
    """A whole-file JSON document (a manifest, a report); every problem a FormatError naming
    ``path`` and ending in ``hint`` (what to do)."""
    p = Path(path)
    try:
        if p.is_dir():
            raise FormatError(f"{p}: is a folder, not {what}; {hint}")
        size = p.stat().st_size
        if size > MAX_JSON_BYTES:
            raise FormatError(f"{p}: {size:,} bytes is larger than the {MAX_JSON_BYTES:,}-byte limit for {what}")
        return orjson.loads(p.read_bytes())
    except FileNotFoundError:
        raise FormatError(f"{p}: no such file; {hint}") from None
    except OSError as exc:
        raise FormatError(f"{p}: cannot read it ({exc.strerror or exc}); {hint}") from None
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"{p}: not valid JSON ({json_problem(exc)}); {hint}") from None


class _LimitedLoader(yaml.SafeLoader):
    """The safe loader, refusing deep nesting and alias expansion past the limits."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                limit = f"more than {MAX_YAML_ALIASES:,} aliases, the YAML alias limit"
                raise _Limit(self.peek_event().start_mark, limit)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                limit = f"nested deeper than {MAX_YAML_DEPTH} levels, the YAML depth limit"
                raise _Limit(self.peek_event().start_mark, limit)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


class _Limit(Exception):
    def __init__(self, mark: yaml.Mark | None, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


def _expanded_size(root: yaml.Node) -> int:
    """Nodes in the tree once every alias is expanded (a shared node counts each time it is used)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in open_nodes:
            raise _Limit(node.start_mark, "an alias refers to a node that contains it (a recursive alias)")
        open_nodes.add(id(node))
        n = 1
        if isinstance(node, yaml.MappingNode):
            n += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            n += sum(size(v) for v in node.value)
        sizes[id(node)] = n
        open_nodes.discard(id(node))
        return n

    return size(root)


def parse_yaml(text: str, path: str | Path, *, kind: str = "YAML") -> tuple[yaml.Node | None, Any]:
    """One YAML document as its node tree (for line numbers) and its data, from one parse.

    Refuses, as a FormatError naming ``path:line`` and the limit, documents over
    ``MAX_YAML_BYTES``, nested over ``MAX_YAML_DEPTH``, with over ``MAX_YAML_ALIASES`` aliases
    or over ``MAX_YAML_NODES`` nodes once those are expanded.
    """
    if len(text) > MAX_YAML_BYTES:
        raise FormatError(f"{path}: {len(text):,} characters is larger than the {MAX_YAML_BYTES:,} limit for YAML")
    loader = _LimitedLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node) > MAX_YAML_NODES:
            raise _Limit(
                node.start_mark, f"more than {MAX_YAML_NODES:,} nodes once aliases are expanded, the YAML size limit"
            )
        data = loader.construct_document(node) if node is not None else None
    except _Limit as exc:
        where = f"{path}:{exc.mark.line + 1}" if exc.mark is not None else str(path)
        raise FormatError(f"{where}: {exc.message}; simplify the file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FormatError(f"{where}: not valid {kind} ({problem}); fix the file") from None
    finally:
        loader.dispose()
    return node, data
