"""``--label-map``: rename predicted labels to the gold set's labels before scoring.

A map is ``predicted label -> gold label`` (or ``None``: drop predictions with that label),
given as a YAML or JSON file (``PER: PERSON``, ``MISC: null``) or inline
(``"PER=PERSON,LOC=GPE,MISC="``, an empty right side drops). A label the map does not name is
kept as it is. The map's sha256 is taken over its canonical JSON (keys sorted), so one map
hashes the same inline or in a file; the report's settings record both (docs/metrics.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson
import yaml

from .errors import FormatError, UsageError, quote
from .io import read_yaml

INLINE = "inline"


@dataclass(frozen=True, slots=True)
class LabelMap:
    mapping: Mapping[str, str | None]
    source: str  # the file it was read from, or "inline"

    @property
    def sha256(self) -> str:
        canonical = orjson.dumps(dict(self.mapping), option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(canonical).hexdigest()

    def target(self, label: str) -> str | None:
        """The gold label for ``label`` (itself when unmapped), or None when it is dropped."""
        return self.mapping.get(label, label)


def parse_label_map(spec: str) -> LabelMap:
    """A file (``.yaml``, ``.yml``, ``.json``, or any existing path) or an inline ``A=B,C=D`` map."""
    p = Path(spec)
    if p.suffix.lower() in {".yaml", ".yml", ".json"} or ("=" not in spec and p.exists()):
        return load_label_map(p)
    if "=" not in spec:
        raise UsageError(
            f"--label-map: {quote(spec)} is neither a file nor an inline map; "
            "give FILE.yaml or e.g. 'PER=PERSON,LOC=GPE'"
        )
    mapping: dict[str, str | None] = {}
    for item in spec.split(","):
        source, sep, target = (x.strip() for x in item.partition("="))
        if not sep or not source:
            raise UsageError(
                f"--label-map: {quote(item.strip())} is not PRED=GOLD; write e.g. 'PER=PERSON' ('MISC=' drops)"
            )
        if source in mapping:
            raise UsageError(f"--label-map: {source} is mapped twice; map each label once")
        mapping[source] = target or None
    return LabelMap(mapping, INLINE)


def load_label_map(path: str | Path) -> LabelMap:
    """Read a YAML or JSON mapping of predicted label -> gold label or null; errors name ``file:line``."""
    p = str(path)
    root = read_yaml(path, what="the label map")
    if root is None:
        return LabelMap({}, p)
    if not isinstance(root, yaml.MappingNode):
        raise FormatError(f"{p}:{root.start_mark.line + 1}: a label map maps predicted labels to gold labels")
    mapping: dict[str, str | None] = {}
    for key, value in root.value:
        line = f"{p}:{key.start_mark.line + 1}"
        if not isinstance(key, yaml.ScalarNode) or not str(key.value):
            raise FormatError(f"{line}: a predicted label must be a plain string")
        source = str(key.value)
        if source in mapping:
            raise FormatError(f"{line}: {quote(source)} is mapped twice; map each label once")
        if isinstance(value, yaml.ScalarNode) and (value.tag.endswith(":null") or value.value == ""):
            mapping[source] = None
        elif isinstance(value, yaml.ScalarNode):
            mapping[source] = str(value.value)
        else:
            raise FormatError(
                f"{line}: {quote(source)} must map to one gold label or null (drop), not a list or mapping"
            )
    return LabelMap(mapping, p)
