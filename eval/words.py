"""How counts read in messages and summaries: ``1 document``, ``2 documents`` (no "(s)")."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, plural unless ``n == 1`` (``plural`` when it is not noun + "s")."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
