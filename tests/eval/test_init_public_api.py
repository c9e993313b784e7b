"""The public API: ``eval`` and ``annotate`` list it in ``__all__``, and importing them stays light.

Each check runs in a fresh interpreter (``sys.modules`` of this test process already holds
pandas). ``evaluate --help`` itself is checked in test_cli_bad_input.py and timed in
bench/cli_startup.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "pyarrow", "label_studio_sdk", "sklearn", "matplotlib")


def _modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))\n"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    out = run.stdout
    return set(out.split())


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_import_eval_imports_nothing_heavy() -> None:
    modules = _modules_after("import eval")
    assert _heavy(modules) == []
    assert "numpy" not in modules and "eval.pipeline" not in modules


def test_the_public_names_import_no_pandas_arrow_or_sdk() -> None:
    modules = _modules_after(
        "from eval import evaluate, evaluate_extractor, load_gold, Report, Options, Outcome, TrackOptions"
    )
    assert _heavy(modules) == []


def test_scoring_imports_no_pandas_and_to_frame_does() -> None:
    code = (
        "from pathlib import Path\n"
        "from eval import evaluate\n"
        "r = evaluate('examples/quickstart/gold.jsonl', 'examples/quickstart/pred.jsonl').report\n"
        "assert 'pandas' not in sys.modules, 'scoring imported pandas'\n"
        "r.to_frame('labels')\n"
    )
    modules = _modules_after(code)
    assert "pandas" in modules
    assert not any(m.startswith("label_studio_sdk") for m in modules)


def test_eval_all_lists_what_it_exports() -> None:
    import eval

    assert sorted(eval.__all__) == sorted(eval._EXPORTS)
    for name in eval.__all__:
        assert getattr(eval, name) is not None
    assert callable(eval.evaluate) and eval.Report.__name__ == "Report"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = eval.nothing  # type: ignore[attr-defined]
