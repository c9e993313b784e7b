"""goldbench's reference extractor: a rule-based baseline for the news demo domain.

Run it as a command (stdin JSONL ``{"id", "text"}`` -> stdout canonical JSONL)::

    PYTHONPATH=examples python -m reference_extractor
    python examples/reference_extractor/__main__.py

or as a function, ``reference_extractor.extract:extract``. It reads ``configs/schema.yaml``
(found above the current directory, or given by ``--schema`` / ``$GOLDBENCH_SCHEMA``) and the
data files beside this one: ``gazetteer.yaml`` and ``triggers.yaml``. Only the standard
library and PyYAML are needed.
"""

from .extract import Extractor, extract

__all__ = ["Extractor", "extract"]
