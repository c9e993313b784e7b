"""``evaluate --help``, ``evaluate convert|merge --help`` and ``annotate --help`` import no Arrow.

pyarrow costs ~0.3 s to import; the readers import it only when they read (issue 11). The
time itself is measured in bench/cli_startup.py.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pyarrow", "polars", "numpy", "pandas")


@pytest.mark.parametrize(
    ("module", "argv"),
    [
        ("eval.cli", ["evaluate", "--help"]),
        ("eval.cli", ["evaluate", "convert", "--help"]),
        ("eval.cli", ["evaluate", "merge", "--help"]),
        ("annotate.cli", ["annotate", "--help"]),
    ],
)
def test_cli_help_imports_no_arrow(module: str, argv: list[str]) -> None:
    code = (
        "import sys\n"
        f"from {module} import main\n"
        f"sys.argv = {argv!r}\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY', [m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "Usage" in out and "HEAVY []" in out, out
