"""The ``evaluate`` command: parse options, call ``eval.pipeline.evaluate``, render, exit.

Exit codes: 0 scored (and every gate check passed), 1 a gate check failed, 2 bad input.
Heavy imports (numpy, the pipeline, renderers) happen inside the command so that
``evaluate --help`` answers at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from .io import WriteSet
    from .report import Report

EXIT_OK, EXIT_GATE, EXIT_INPUT = 0, 1, 2
# Plain click help: typer's rich help prints "<bool>" after every flag (``--per-document <bool>``,
# even ``--help <bool>``) and boxes it at 80 columns in a CI log. Plain help lists flags bare.
HELP_MARKUP = None


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
    junit = "junit"
    html = "html"


class BioModeName(StrEnum):
    lenient = "lenient"
    strict = "strict"


class BioStyleName(StrEnum):
    prefix = "prefix"
    suffix = "suffix"


class BadOutputName(StrEnum):
    fail = "fail"
    skip = "skip"


class LevelName(StrEnum):
    mention = "mention"
    document = "document"


class GroundName(StrEnum):
    first = "first"
    all = "all"


app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=HELP_MARKUP)


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
    epilog="Exit codes: 0 ok, 1 a quality gate failed, 2 bad input. See docs/metrics.md and docs/ci.md.",
)
def evaluate_cli(
    gold: Annotated[
        Path, typer.Argument(metavar="GOLD", help="Gold set: canonical JSONL or a folder with documents.jsonl.")
    ],
    pred: Annotated[
        Path | None,
        typer.Argument(metavar="[PRED]", help="Predictions: JSONL, CoNLL/BIO or brat (or use --extractor)."),
    ] = None,
    scheme: Annotated[
        list[SchemeName] | None, typer.Option("--scheme", "-s", help="Scheme(s) to report; default all four.")
    ] = None,
    labels: Annotated[str | None, typer.Option(help="Only score these labels, comma-separated.")] = None,
    pred_format: Annotated[
        str | None,
        typer.Option(
            help="Force the predictions' format (jsonl, conll, conll-iob1/iob2/ioe2/iobes/bilou, brat, "
            "huggingface, fields, spacy, label-studio); see docs/formats.md."
        ),
    ] = None,
    pred_fields: Annotated[
        str | None,
        typer.Option(help='Read another JSONL shape: "entities=output.entities,label=type,text=span" (dotted paths).'),
    ] = None,
    model_version: Annotated[
        str | None,
        typer.Option(help="--pred-format label-studio: score the predictions of this model version."),
    ] = None,
    bio_mode: Annotated[
        BioModeName,
        typer.Option(help='Token files: lenient (conlleval) or strict (seqeval mode="strict": drops invalid chunks).'),
    ] = BioModeName.lenient,
    bio_style: Annotated[
        BioStyleName, typer.Option(help="Token files: tags written B-PER (prefix) or PER-B (suffix).")
    ] = BioStyleName.prefix,
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
    baseline: Annotated[
        Path | None, typer.Option(help="A JSON report of the baseline model, for --max-drop and deltas.")
    ] = None,
    fail_under: Annotated[
        list[str] | None,
        typer.Option(help='Floors, e.g. "entities.strict.f1=0.80,events.trigger_classification.f1=0.5".'),
    ] = None,
    max_drop: Annotated[
        list[str] | None, typer.Option(help='Largest allowed drop against --baseline: "0.02" and/or "metric=value".')
    ] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for confidence intervals (0: none).")] = 0,
    seed: Annotated[int, typer.Option(help="Random seed for --bootstrap and --against.")] = 0,
    against: Annotated[
        Path | None, typer.Option(help="Second predictions file: paired comparison (B - A) on the same gold.")
    ] = None,
    junit: Annotated[Path | None, typer.Option(help="Also write the gate checks as JUnit XML to FILE.")] = None,
    html: Annotated[Path | None, typer.Option(help="Also write a self-contained HTML report to FILE.")] = None,
    history: Annotated[Path | None, typer.Option(help="Append this run's headline metrics to FILE (JSONL).")] = None,
    model: Annotated[str | None, typer.Option(help="Model name/version recorded in --history.")] = None,
    extractor: Annotated[
        str | None,
        typer.Option(help='Run an extractor on the gold texts: a command ("python -m x") or package.module:function.'),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds the --extractor may run.")] = 600.0,
    on_bad_output: Annotated[
        BadOutputName,
        typer.Option(help="Undecodable --extractor output: fail (exit 2) or skip (score as no predictions)."),
    ] = BadOutputName.fail,
    max_errors: Annotated[int, typer.Option(help="Error cases listed in the HTML report.")] = 200,
    fail_over: Annotated[
        list[str] | None, typer.Option(help='Ceilings, e.g. "grounding.ungrounded_rate=0.05" (exit 1 above).')
    ] = None,
    label_map: Annotated[
        str | None,
        typer.Option(help='Rename predicted labels: a YAML/JSON file (PRED: GOLD or null) or "PER=PERSON,MISC=".'),
    ] = None,
    drop_unknown_labels: Annotated[
        bool, typer.Option(help="Drop predictions whose label (after --label-map) is not a gold label.")
    ] = False,
    ground: Annotated[
        GroundName | None,
        typer.Option(help="Locate offset-free mentions in the text: first (one occurrence each) or all."),
    ] = None,
    ground_fuzzy: Annotated[
        float | None, typer.Option(help="With --ground: also accept fuzzy matches scoring at least RATIO (0-1].")
    ] = None,
    min_overlap: Annotated[
        float | None, typer.Option(help="partial/type: a prediction must cover this fraction (0-1] of the gold span.")
    ] = None,
    min_score: Annotated[
        float | None, typer.Option(help="Drop predictions whose score is below T before scoring.")
    ] = None,
    sweep_scores: Annotated[
        bool, typer.Option(help="Strict P/R/F1 at every distinct score, best thresholds, average precision.")
    ] = False,
    slice_by: Annotated[
        list[str] | None,
        typer.Option(
            "--slice-by",
            help="Scores per slice of the gold documents: a dotted field (meta.source), length:3 (tertiles of "
            "text length) or date:month (meta.date; FIELD:year|quarter|month|week|day). Several: their cross product.",
        ),
    ] = None,
) -> None:
    from .counts import Scheme
    from .errors import GoldbenchError, UsageError
    from .grounding import Policy
    from .io import WriteSet
    from .labelmap import parse_label_map
    from .pipeline import Options, evaluate, evaluate_extractor
    from .report import Level
    from .track import TrackOptions, gate_inputs, track

    try:
        # Everything that can be checked without the corpus is checked first: output paths,
        # gate options and the baseline (scoring a big corpus takes minutes).
        outputs = WriteSet({"--out": out, "--junit": junit, "--html": html, "--history": history})
        if (pred is None) == (extractor is None):
            raise UsageError("give either PRED (a predictions file) or --extractor, not both and not neither")
        tracking = TrackOptions(
            baseline=str(baseline) if baseline else None,
            fail_under=tuple(fail_under or ()),
            fail_over=tuple(fail_over or ()),
            max_drop=tuple(max_drop or ()),
            bootstrap=bootstrap,
            seed=seed,
        )
        inputs = gate_inputs(tracking)
        read, pred_format = _read_options(pred_format, pred_fields, bio_mode, bio_style, model_version)
        options = Options(
            label_map=parse_label_map(label_map) if label_map is not None else None,
            drop_unknown_labels=drop_unknown_labels,
            ground=Policy(ground.value) if ground is not None else None,
            ground_fuzzy=ground_fuzzy,
            min_overlap=min_overlap,
            min_score=min_score,
            sweep_scores=sweep_scores,
            schemes=tuple(Scheme(s.value) for s in scheme) if scheme else tuple(Scheme),
            labels=tuple(x.strip() for x in labels.split(",") if x.strip()) if labels else None,
            pred_format=pred_format,
            allow_extra=allow_extra,
            per_document=per_document,
            level=Level(level.value),
            aliases=str(aliases) if aliases else None,
            details=html is not None,
            max_errors=max_errors,
            read=read,
            slice_by=tuple(slice_by or ()),
        )
        if on_bad_output is BadOutputName.skip and extractor is None:
            raise UsageError("--on-bad-output applies to --extractor output; a PRED file must be valid as a whole")
        if extractor is not None:
            from .extractor import BadOutput

            with _progress("extracting") as progress:
                outcome = evaluate_extractor(
                    gold,
                    extractor,
                    options=options,
                    timeout=timeout,
                    progress=progress,
                    on_bad_output=BadOutput(on_bad_output.value),
                )
        else:
            assert pred is not None
            outcome = evaluate(gold, pred, options=options)
        other = evaluate(gold, against, options=options, gold=outcome.gold) if against is not None else None
        report = track(outcome, options=tracking, against=other, inputs=inputs)
        _emit(report, fmt, outputs, model=model)
    except GoldbenchError as exc:
        fail(exc.lines())
    if report.gate is not None and not report.gate.passed:
        raise typer.Exit(EXIT_GATE)


def _read_options(
    pred_format: str | None,
    pred_fields: str | None,
    bio_mode: BioModeName,
    bio_style: BioStyleName,
    model_version: str | None,
) -> tuple[Any, str | None]:
    """The readers' options, and the format (``fields`` when only --pred-fields is given)."""
    from .errors import UsageError
    from .readers import BioMode, BioStyle, ReadOptions

    fields = None
    if pred_fields is not None:
        from .readers.fields import parse_fields

        if pred_format not in (None, "fields"):
            raise UsageError(
                f"--pred-fields reads JSONL of another shape; it cannot be used with --pred-format {pred_format}"
            )
        fields, pred_format = parse_fields(pred_fields), "fields"
    if model_version is not None and pred_format not in (None, "label-studio"):
        raise UsageError(
            f"--model-version picks predictions in a Label Studio export; not for --pred-format {pred_format}"
        )
    read = ReadOptions(
        bio_mode=BioMode(bio_mode.value),
        bio_style=BioStyle(bio_style.value),
        fields=fields,
        model_version=model_version,
    )
    return read, pred_format


@contextmanager
def _progress(what: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr, advanced by ``progress(done, total)`` callbacks."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _emit(report: Report, fmt: Format, outputs: WriteSet, *, model: str | None) -> None:
    """Render everything first, then write every file of the run at once (``WriteSet``)."""
    from .render import OutputFormat, render

    for option, kind in (("--junit", "junit"), ("--html", "html")):
        if option in outputs.paths:
            outputs.add(option, render(report, OutputFormat(kind)))
    out = outputs.paths.get("--out")
    text = None if fmt is Format.table and out is None else render(report, OutputFormat(fmt.value))
    outputs.add("--out", text or "")
    if "--history" in outputs.paths:
        from .history import history_row
        from .render.json import report_to_dict

        outputs.append("--history", history_row(report_to_dict(report), model=model).line())
    outputs.commit()
    if out is None and text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    elif out is None:
        from .render.table import print_out, tables

        print_out(tables(report))


history_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=HELP_MARKUP)


@history_app.command(help="Show a run history written by --history, and draw its trend with --plot.")
def history_cli(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="History JSONL written by evaluate --history.")],
    plot: Annotated[Path | None, typer.Option(help="Write a trend plot (PNG) to this path.")] = None,
    metric: Annotated[
        list[str] | None, typer.Option("--metric", "-m", help="Metric path(s) to draw; default entities.strict.f1.")
    ] = None,
) -> None:
    from .errors import GoldbenchError
    from .history import plot_history, read_history
    from .io import WriteSet

    try:
        WriteSet({"--plot": plot})  # checked before reading
        rows = read_history(file)
        metrics = list(metric or ["entities.strict.f1"])
        for row in rows:
            values = "  ".join(f"{m}={row.metrics[m]:.4f}" for m in metrics if m in row.metrics)
            typer.echo(f"{row.time}  {row.commit or '-':.10}  {row.model or '-'}  {values}")
        if plot is not None:
            plot_history(rows, plot, metrics=metrics)
            typer.echo(f"wrote {plot}")
    except GoldbenchError as exc:
        fail(exc.lines())


convert_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=HELP_MARKUP)


@convert_app.command(
    help="Check a gold or predictions file IN (any format evaluate reads) and write it as Parquet to OUT.",
    epilog="Exit codes: 0 written, 2 bad input or output path (nothing written). See docs/formats.md, Parquet.",
)
def convert_cli(
    src: Annotated[Path, typer.Argument(metavar="IN", help="Gold or predictions: a file, or a gold folder.")],
    out: Annotated[Path, typer.Argument(metavar="OUT.parquet", help="The Parquet file to write (must not exist).")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="Force IN's format (as --pred-format); detected when not given.")
    ] = None,
) -> None:
    from .convert import convert
    from .errors import GoldbenchError, plural

    try:
        done = convert(src, out, fmt=fmt)
    except GoldbenchError as exc:
        fail(exc.lines())
    counts = f"{plural(done.documents, 'document')}, {plural(done.entities, 'entity', 'entities')}"
    events = f", {plural(done.events, 'event')}" if done.events else ""
    typer.echo(f"wrote {done.path}: {counts}{events}, {done.bytes:,} bytes")


merge_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=HELP_MARKUP)


@merge_app.command(
    help="Merge the JSON reports of shards of one corpus (evaluate --format json, one per shard) into one report.",
    epilog="Counts are summed and ratios recomputed; what is made of a whole shard (error cases, intervals, slices) "
    "is left out with a note. Exit codes: 0 merged, 2 bad input or output path. See docs/performance.md.",
)
def merge_cli(
    parts: Annotated[list[Path], typer.Argument(metavar="PART.json...", help="Shard reports, two or more.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the output to FILE instead of stdout.")] = None,
    junit: Annotated[Path | None, typer.Option(help="Also write a JUnit XML report to this path.")] = None,
    html: Annotated[Path | None, typer.Option(help="Also write an HTML report to this path.")] = None,
) -> None:
    from .errors import GoldbenchError
    from .io import WriteSet
    from .merge import merge_reports

    try:
        outputs = WriteSet({"--out": out, "--junit": junit, "--html": html})
        _emit(merge_reports(parts), fmt, outputs, model=None)
    except GoldbenchError as exc:
        fail(exc.lines())


SUBCOMMANDS = {"history": history_app, "convert": convert_app, "merge": merge_app}


def main() -> None:
    """``evaluate GOLD PRED ...``, or one of ``evaluate history|convert|merge ...``."""
    sub = SUBCOMMANDS.get(sys.argv[1]) if len(sys.argv) > 1 else None
    if sub is not None:
        sub(args=sys.argv[2:], prog_name=f"evaluate {sys.argv[1]}")
    else:
        app(prog_name="evaluate")


if __name__ == "__main__":
    main()
