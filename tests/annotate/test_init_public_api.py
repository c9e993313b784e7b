"""The public API of ``annotate``: ``__all__``, lazily imported, and ``push``/``pull`` stay the
functions behind the commands even after their modules are imported (fresh interpreters)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "pyarrow", "label_studio_sdk", "sklearn", "matplotlib")


def _modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))\n"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(run.stdout.split())


def test_import_annotate_imports_nothing_heavy() -> None:
    modules = _modules_after("import annotate")
    assert not [m for m in modules if m.split('.')[0] in HEAVY] and "httpx" not in modules and "numpy" not in modules


def test_annotate_push_and_pull_are_the_functions_even_after_their_modules_load() -> None:
    code = (
        "import annotate.push, annotate.pull, annotate.quality, annotate.cli\n"
        "from annotate import push, pull, quality\n"
        "assert quality.__name__ == 'quality_of_project' and quality.__module__ == 'annotate.quality', quality\n"
        "import annotate.push as p\n"
        "assert push.__module__ == 'annotate.push' and callable(push), push\n"
        "assert pull.__module__ == 'annotate.pull' and callable(pull), pull\n"
        "assert p is push\n"
        "from annotate.push import PushSummary\n"
        "assert 'label_studio_sdk' not in sys.modules\n"
    )
    _modules_after(code)


def test_annotate_all_lists_what_it_exports() -> None:
    import annotate

    assert sorted(annotate.__all__) == sorted(annotate._EXPORTS)
    for name in annotate.__all__:
        assert callable(getattr(annotate, name))
