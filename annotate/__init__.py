"""goldbench annotation: the Label Studio round trip.

Articles go out as Label Studio tasks (``push``) and come back as a versioned gold set
(``pull``). The pure, offline half lives in ``schema`` (configs/schema.yaml -> typed schema
and labeling config), ``convert_push`` (documents -> Label Studio tasks and results),
``convert_pull`` (Label Studio results -> documents, validation and repair) and ``goldset``
(atomic gold-set folders). Only ``client`` imports ``label_studio_sdk``.
Errors are in ``annotate.errors``.

The public API is ``__all__`` (docs/python.md): the function behind each command::

    from annotate import push, pull, quality

``quality`` is ``annotate.quality.quality_of_project`` (a live project, as ``push`` and
``pull`` take a client); ``quality_from_export`` reads an export file. Every name is imported
on first use, so ``import annotate`` (and ``annotate --help``) stays light. ``annotate.push``,
``annotate.pull`` and ``annotate.quality`` are these functions, not their modules: the package
keeps them even after the modules are imported (which would otherwise rebind the names to the
modules). Import other names from the modules themselves: ``from annotate.push import PushSummary``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

# public name -> (the module that defines it, its name there)
_EXPORTS: dict[str, tuple[str, str]] = {
    "push": ("annotate.push", "push"),
    "pull": ("annotate.pull", "pull"),
    "pull_from_export": ("annotate.pull", "pull_from_export"),
    "quality": ("annotate.quality", "quality_of_project"),
    "quality_from_export": ("annotate.quality", "quality_from_export"),
    "Client": ("annotate.client", "Client"),
    "load_schema": ("annotate.schema", "load_schema"),
    "resolve_settings": ("annotate.settings", "resolve_settings"),
}

__all__ = [
    "Client",
    "load_schema",
    "pull",
    "pull_from_export",
    "push",
    "quality",
    "quality_from_export",
    "resolve_settings",
]

if TYPE_CHECKING:
    from .client import Client
    from .pull import pull, pull_from_export
    from .push import push
    from .quality import quality_from_export
    from .quality import quality_of_project as quality
    from .schema import load_schema
    from .settings import resolve_settings


class _Package(types.ModuleType):
    """This package's module type: public names imported lazily, and kept when a submodule of
    the same name is imported."""

    def __getattr__(self, name: str) -> Any:
        where = _EXPORTS.get(name)
        if where is None:
            raise AttributeError(f"module 'annotate' has no attribute {name!r}")
        value = getattr(importlib.import_module(where[0]), where[1])
        super().__setattr__(name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return  # the import system binding ``annotate.push`` to its module; the function wins
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *__all__})


sys.modules[__name__].__class__ = _Package
