"""The ``evaluate`` command: parse options, call ``eval.pipeline.evaluate``, render, exit.

Exit codes: 0 scored (and every gate check passed), 1 a gate check failed, 2 bad input.
Heavy imports (numpy, the pipeline, renderers) happen inside the command so that
``evaluate --help`` answers at once.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

EXIT_OK, EXIT_GATE, EXIT_INPUT = 0, 1, 2


class SchemeName(StrEnum):
    strict = "strict"
    exact = "exact"
    partial = "partial"
    type = "type"


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


class LevelName(StrEnum):
    mention = "mention"
    document = "document"


app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich")


def fail(lines: list[str], *, code: int = EXIT_INPUT, limit: int = 20) -> None:
    """Print user errors as red lines on stderr (no traceback) and exit."""
    from rich.console import Console
    from rich.markup import escape

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for line in lines[:limit]:
        err.print(f"[red]error:[/red] {escape(line)}")
    if len(lines) > limit:
        err.print(f"[red]error:[/red] … and {len(lines) - limit} more problems of the same kind")
    raise typer.Exit(code)


@app.command(
    help="Score an extractor's output PRED against the gold set GOLD (a JSONL file or a gold folder).",
    epilog="Exit codes: 0 ok, 1 a quality gate failed, 2 bad input. See docs/metrics.md for the definitions.",
)
def evaluate_cli(
    gold: Annotated[Path, typer.Argument(help="Gold set: canonical JSONL or a folder with documents.jsonl.")],
    pred: Annotated[Path, typer.Argument(help="Predictions: JSONL, CoNLL/BIO or brat (see --pred-format).")],
    scheme: Annotated[
        list[SchemeName] | None, typer.Option("--scheme", "-s", help="Scheme(s) to report; default all four.")
    ] = None,
    labels: Annotated[str | None, typer.Option(help="Only score these labels, comma-separated.")] = None,
    pred_format: Annotated[
        str | None, typer.Option(help="Force the predictions' format (jsonl, conll, conll-iob1/2, conll-bilou, brat).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the output to FILE instead of stdout.")] = None,
    per_document: Annotated[bool, typer.Option("--per-document", help="Add per-document counts.")] = False,
    allow_extra: Annotated[
        bool, typer.Option("--allow-extra", help="Ignore (with a warning) predicted documents absent from gold.")
    ] = False,
    level: Annotated[
        LevelName, typer.Option(help="mention: compare offsets; document: offset-free names per document.")
    ] = LevelName.mention,
    aliases: Annotated[
        Path | None, typer.Option(help="Alias table for --level document (default configs/aliases.yaml).")
    ] = None,
) -> None:
    from .counts import Scheme
    from .errors import GoldbenchError
    from .pipeline import Options, evaluate
    from .report import Level

    try:
        options = Options(
            schemes=tuple(Scheme(s.value) for s in scheme) if scheme else tuple(Scheme),
            labels=tuple(x.strip() for x in labels.split(",") if x.strip()) if labels else None,
            pred_format=pred_format,
            allow_extra=allow_extra,
            per_document=per_document,
            level=Level(level.value),
            aliases=str(aliases) if aliases else None,
        )
        outcome = evaluate(gold, pred, options=options)
        _emit(outcome.report, fmt, out)
    except GoldbenchError as exc:
        fail(exc.lines())


def _emit(report: Any, fmt: Format, out: Path | None) -> None:
    from .io import atomic_write
    from .render import render

    if fmt is Format.table and out is None:
        from rich.console import Console

        from .render.table import print_table

        print_table(report, Console())
        return
    text = render(report, fmt.value)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    with atomic_write(out) as f:
        f.write(text)


def main() -> None:
    app(prog_name="evaluate")


if __name__ == "__main__":
    main()
