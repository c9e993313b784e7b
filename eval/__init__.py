"""goldbench scoring: pure, offline evaluation of entity and event extractors.

Nothing in this package touches the network, imports ``annotate`` or imports
``label_studio_sdk``. The data flows: readers -> documents -> validation -> matching ->
report -> renderers.

The public API is ``__all__`` (documented in docs/python.md)::

    from eval import evaluate, evaluate_extractor, load_gold, Report, Options

Each name is imported on first use (module ``__getattr__``), so ``import eval`` costs nothing
and pandas is imported only by ``Report.to_frame``. Functions named like a submodule
(``eval.track.track``, ``eval.render.render``) are imported from that submodule: a package
attribute of that name is the submodule once it has been imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "evaluate": "eval.pipeline",
    "evaluate_extractor": "eval.pipeline",
    "load_gold": "eval.pipeline",
    "Options": "eval.pipeline",
    "Outcome": "eval.pipeline",
    "TrackOptions": "eval.track",
    "Report": "eval.report",
    "Scheme": "eval.counts",
    "Counts": "eval.counts",
    "PRF": "eval.counts",
    "Level": "eval.report",
    "OutputFormat": "eval.render",
    "GoldbenchError": "eval.errors",
}

__all__ = [
    "Counts",
    "GoldbenchError",
    "Level",
    "Options",
    "Outcome",
    "OutputFormat",
    "PRF",
    "Report",
    "Scheme",
    "TrackOptions",
    "evaluate",
    "evaluate_extractor",
    "load_gold",
]

if TYPE_CHECKING:
    from .counts import PRF, Counts, Scheme
    from .errors import GoldbenchError
    from .pipeline import Options, Outcome, evaluate, evaluate_extractor, load_gold
    from .render import OutputFormat
    from .report import Level, Report
    from .track import TrackOptions


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'eval' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
