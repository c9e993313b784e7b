"""The reference extractor as a function: ``extract(text) -> {"entities": [...], "events": [...]}``.

Entities: gazetteer names, title + name, organisation and facility heads (``names``) and value
patterns (``values``), without overlaps. Events: trigger words and nearby entities (``events``).
Labels, event types and roles are those of ``configs/schema.yaml``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from .events import EventFinder, Mention
from .names import GAZETTEER, TITLE, NameRules, Span, resolve
from .resources import HERE, find_schema, load_gazetteer, load_lexicon, load_schema
from .values import find_values


class Extractor:
    """Loads the schema and the data files once; call it on a text."""

    def __init__(self, schema_path: str | Path | None = None) -> None:
        self.schema = load_schema(find_schema(schema_path))
        self.labels = frozenset(self.schema.labels)
        gazetteer = load_gazetteer(HERE / "gazetteer.yaml", self.schema)
        self.names = NameRules(gazetteer)
        self.events = EventFinder(load_lexicon(HERE / "triggers.yaml", self.schema), titles=gazetteer.titles)

    def entities(self, text: str) -> list[Span]:
        """Entity spans, sorted, without overlaps."""
        proposed = [*self.names.find(text), *(Span(s, e, label, 1) for s, e, label in find_values(text, self.labels))]
        kept = resolve(proposed)
        # A person first named after a title ("Minister Ann Lee") is the same person as "Lee" later on.
        surnames = {
            text[s.start : s.end].rsplit(" ", 1)[1] for s in kept if s.rank == TITLE and " " in text[s.start : s.end]
        }
        if surnames:
            pattern = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, sorted(surnames)))})(?!\w)")
            proposed += [Span(m.start(), m.end(), "PERSON", GAZETTEER) for m in pattern.finditer(text)]
            kept = resolve(proposed)
        return [s for s in kept if s.label in self.labels]

    def __call__(self, text: str) -> dict[str, list[dict[str, Any]]]:
        mentions = [Mention(f"e{i}", s.start, s.end, s.label) for i, s in enumerate(self.entities(text), 1)]
        entities = [
            {"id": m.id, "start": m.start, "end": m.end, "label": m.label, "text": text[m.start : m.end]}
            for m in mentions
        ]
        return {"entities": entities, "events": self.events.find(text, mentions)}


@cache
def default_extractor() -> Extractor:
    """The extractor over the schema ``find_schema`` finds, made on first use."""
    return Extractor()


def extract(text: str) -> dict[str, list[dict[str, Any]]]:
    """Entities and events of ``text`` in canonical JSONL shapes (``evaluate --extractor`` function)."""
    return default_extractor()(text)
