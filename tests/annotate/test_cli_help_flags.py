"""annotate --help lists flags bare (no "<bool>"), as evaluate's does."""

from __future__ import annotations

from typer.testing import CliRunner

from annotate.cli import app


def test_annotate_help_lists_flags_without_a_value() -> None:
    for command in (["--help"], ["push", "--help"], ["pull", "--help"], ["server", "start", "--help"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.output
        assert "<bool>" not in result.stdout, command
    assert "  --dry-run  " in CliRunner().invoke(app, ["push", "--help"]).stdout
