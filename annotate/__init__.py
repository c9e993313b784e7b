"""goldbench annotation: the Label Studio round trip.

Articles go out as Label Studio tasks (``push``) and come back as a versioned gold set
(``pull``). The pure, offline half lives in ``schema`` (configs/schema.yaml -> typed schema
and labeling config), ``convert_push`` (documents -> Label Studio tasks and results),
``convert_pull`` (Label Studio results -> documents, validation and repair) and ``goldset``
(atomic gold-set folders). Only ``client`` imports ``label_studio_sdk``.
Errors are in ``annotate.errors``.

The public API is ``__all__`` (docs/python.md): the function behind each command::

    from annotate import push, pull

Both are imported on first use, so ``import annotate`` (and ``annotate --help``) stays light.
``annotate.push`` and ``annotate.pull`` are these functions, not their modules: the package
keeps them even after the modules are imported (which would otherwise rebind the names to the
modules). Import other names from the modules themselves: ``from annotate.push import PushSummary``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

# public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "push": "annotate.push",
    "pull": "annotate.pull",
    "pull_from_export": "annotate.pull",
    "Client": "annotate.client",
    "load_schema": "annotate.schema",
    "resolve_settings": "annotate.settings",
}

__all__ = ["Client", "load_schema", "pull", "pull_from_export", "push", "resolve_settings"]

if TYPE_CHECKING:
    from .client import Client
    from .pull import pull, pull_from_export
    from .push import push
    from .schema import load_schema
    from .settings import resolve_settings


class _Package(types.ModuleType):
    """This package's module type: public names imported lazily, and kept when a submodule of
    the same name is imported."""

    def __getattr__(self, name: str) -> Any:
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module 'annotate' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        super().__setattr__(name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return  # the import system binding ``annotate.push`` to its module; the function wins
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *__all__})


sys.modules[__name__].__class__ = _Package
