"""The ``annotate`` command: ``server start|stop|status``, ``config``, ``push``, ``pull``, ``agreement``,
``quality``.

Each command parses options, calls one function of ``server``/``push``/``pull``, prints, and
picks the exit code: 0 done, 2 anything the user can fix (one red line each, no traceback).
The API key is never an option (argv is visible to every local user): it comes from
``LABEL_STUDIO_API_KEY`` or a 0600 key file, see ``annotate.settings``.
"""

from __future__ import annotations

from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from eval.cli import HELP_MARKUP, fail

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .client import Client, Progress

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=HELP_MARKUP,
    help="Label Studio round trip: push articles, pull gold.",
)
server_app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=HELP_MARKUP,
    help="A local Label Studio on 127.0.0.1.",
)
app.add_typer(server_app, name="server")
users_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Annotator accounts on the server.")
app.add_typer(users_app, name="users")


class AnnotationsOption(StrEnum):
    latest = "latest"
    ground_truth = "ground-truth"
    all = "all"


DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Local server data dir, also where the API key file is "
        "(default: ./.labelstudio, else the one `annotate server start` last ran).",
        show_default=False,
    ),
]
Url = Annotated[str | None, typer.Option("--url", help="Label Studio URL (default: $LABEL_STUDIO_URL or local).")]
KeyFile = Annotated[
    Path | None, typer.Option("--key-file", help="0600 file holding the API key (default: DATA_DIR/api_key).")
]
SchemaPath = Annotated[Path | None, typer.Option("--schema", help="Annotation schema (default configs/schema.yaml).")]
ProjectRef = Annotated[str, typer.Option("--project", "-p", help="Project title or id.")]


def _console(stderr: bool = False):  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


@contextmanager
def _user_errors() -> Iterator[None]:
    from eval.errors import GoldbenchError

    try:
        yield
    except GoldbenchError as exc:
        fail(exc.lines())
    except KeyboardInterrupt:
        fail(["interrupted; run the same command again to finish (push resumes where it stopped)"], code=130)


@contextmanager
def _client(url: str | None, data_dir: Path | None, key_file: Path | None) -> Iterator[Client]:
    from .client import Client
    from .settings import resolve_settings

    with Client(resolve_settings(url=url, data_dir=data_dir, key_file=key_file)) as client:
        yield client


@contextmanager
def _progress_bar() -> Iterator[Progress]:
    """A rich progress bar per phase ("tasks", "predictions", "downloading", ...)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bars = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_console(stderr=True),
        transient=False,
    )
    ids: dict[str, object] = {}

    def note(what: str, done: int, total: int | None) -> None:
        if what not in ids:
            ids[what] = bars.add_task(what, total=total)
        bars.update(ids[what], completed=done, total=total)  # type: ignore[arg-type]

    with bars:
        yield note


# --- server ---------------------------------------------------------------------------------


@server_app.command("start", help="Start Label Studio on 127.0.0.1 (first start: admin user and API key).")
def server_start(
    port: Annotated[int, typer.Option(help="TCP port on 127.0.0.1.")] = 8080,
    data_dir: DataDir = None,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="PostgreSQL as postgresql://USER@HOST:PORT/DB (password in $PGPASSWORD); default SQLite in DATA_DIR.",
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the server to answer.")] = 300.0,
) -> None:
    from .server import start_server
    from .settings import pick_data_dir

    out = _console()
    data_dir = pick_data_dir(data_dir)
    with _user_errors():
        with out.status("Starting Label Studio (the first start sets up its database: about a minute)…"):
            info = start_server(data_dir, port, database=database, timeout=timeout)
        password = info.password_file.read_text(encoding="utf-8").strip() if info.password_file.exists() else "?"
    state = "is running" if info.started else "was already running"
    out.print(f"Label Studio {state} at [bold]{info.url}[/bold] (pid {info.pid}, data in {info.data_dir})")
    out.print(
        f"Log in as [bold]{info.username}[/bold] with password [bold]{password}[/bold] "
        f"(kept in {info.password_file}, mode 0600)"
    )
    if info.key_file.exists():
        out.print(f"API key: in {info.key_file} (mode 0600); annotate push/pull read it from there")
    else:
        out.print(
            f"[yellow]API key: {info.key_file} is missing[/yellow]; log in, create a Personal Access Token "
            f"(Account & Settings), and save it there with mode 0600 (or set LABEL_STUDIO_API_KEY)"
        )
    out.print(f"Stop it with: annotate server stop --data-dir {info.data_dir}")


@server_app.command("stop", help="Stop the Label Studio started from this data dir.")
def server_stop(data_dir: DataDir = None) -> None:
    from .server import stop_server
    from .settings import pick_data_dir

    data_dir = pick_data_dir(data_dir)
    with _user_errors():
        stopped = stop_server(data_dir)
    typer.echo("Label Studio stopped" if stopped else f"no Label Studio was running from {data_dir}")


@server_app.command("status", help="Say whether the Label Studio of this data dir is running (exit 1 if not).")
def server_status_cli(data_dir: DataDir = None) -> None:
    from .server import server_status
    from .settings import pick_data_dir

    with _user_errors():
        st = server_status(pick_data_dir(data_dir))
    if not st.running:
        typer.echo(f"not running (data dir {st.data_dir})")
        raise typer.Exit(1)
    health = "answering" if st.healthy else "not answering /health yet"
    typer.echo(f"running at {st.url} (pid {st.pid}, {health})")


# --- users ------------------------------------------------------------------------------------


@users_app.command("add", help="Make a user (an annotator): password and API key go to 0600 files, never printed.")
def users_add(
    email: Annotated[str, typer.Argument(help="The annotator's email (their login).")],
    users_dir: Annotated[
        Path | None, typer.Option("--users-dir", help="Where the password and key files go (default: DATA_DIR/users).")
    ] = None,
    url: Url = None,
    data_dir: DataDir = None,
    key_file: KeyFile = None,
) -> None:
    from .settings import pick_data_dir
    from .users import add_user

    out = _console()
    data_dir = pick_data_dir(data_dir)
    with _user_errors(), _client(url, data_dir, key_file) as client:
        user = add_user(client, email, users_dir=users_dir or data_dir / "users")
    out.print(f"user [bold]{user.email}[/bold] (id {user.id}) created on {client.settings.url}")
    out.print(f"password: in {user.password_file} (mode 0600); give it to them for the web editor")
    out.print(f"API key: in {user.key_file} (mode 0600); LABEL_STUDIO_API_KEY or --key-file for scripts as them")


# --- push -------------------------------------------------------------------------------------


@app.command("push", help="Push articles as tasks: idempotent, resumable; optional predictions and annotations.")
def push_cli(
    sources: Annotated[
        list[Path], typer.Argument(metavar="SOURCE...", help=".txt files or folders, canonical JSONL, gold folders.")
    ],
    project: ProjectRef,
    predictions: Annotated[
        Path | None, typer.Option(help="Canonical JSONL of pre-annotations (same ids and texts).")
    ] = None,
    model_version: Annotated[str | None, typer.Option(help="Model version of --predictions.")] = None,
    as_annotations: Annotated[
        bool, typer.Option("--as-annotations", help="Store the sources' entities/events as annotations.")
    ] = False,
    ground_truth: Annotated[
        bool, typer.Option("--ground-truth", help="With --as-annotations: mark them ground truth.")
    ] = False,
    update_config: Annotated[
        bool, typer.Option("--update-config", help="Replace the project's labeling config with the schema's.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would happen; change nothing.")] = False,
    batch_size: Annotated[int, typer.Option(help="Tasks per import request.")] = 500,
    schema_path: SchemaPath = None,
    url: Url = None,
    data_dir: DataDir = None,
    key_file: KeyFile = None,
) -> None:
    from eval.readers.jsonl import read_jsonl

    from .push import check_push_options, push, read_sources
    from .schema import load_schema

    out = _console()
    with _user_errors():
        check_push_options(
            batch_size=batch_size,
            as_annotations=as_annotations,
            ground_truth=ground_truth,
            predictions=predictions is not None,
            model_version=model_version,
        )
        schema = load_schema(schema_path) if schema_path else load_schema()
        docs = read_sources(sources)
        preds = read_jsonl(predictions) if predictions else []
        with _client(url, data_dir, key_file) as client, _progress_bar() as note:
            summary = push(
                client,
                docs,
                project=project,
                schema=schema,
                predictions=preds,
                model_version=model_version,
                as_annotations=as_annotations,
                ground_truth=ground_truth,
                update_config=update_config,
                dry_run=dry_run,
                batch_size=batch_size,
                progress=note,
            )
    _print_push(out, summary, model_version)


def _print_push(out, s, model_version: str | None) -> None:  # type: ignore[no-untyped-def]
    from eval.words import counted

    would = "would be " if s.dry_run else ""
    where = f"project {s.project_title!r}" + (f" (id {s.project_id})" if s.project_id is not None else "")
    if s.project_created:
        out.print(f"{where}: {would}created with the schema's labeling config")
    elif s.config_updated:
        out.print(f"{where}: labeling config {would}replaced with the schema's")
    else:
        out.print(f"{where}")
    out.print(f"tasks: {s.created} {would}created, {s.skipped} already there ({counted(s.documents, 'document')})")
    if s.predictions_created or s.predictions_skipped:
        out.print(
            f"predictions ({model_version}): {s.predictions_created} {would}created, "
            f"{s.predictions_skipped} already there"
        )
    if s.annotations_created or s.annotations_skipped:
        out.print(
            f"annotations: {s.annotations_created} {would}created, "
            f"{counted(s.annotations_skipped, 'task')} already annotated"
        )
    if s.retries:
        were = "was" if s.retries == 1 else "were"
        out.print(f"{counted(s.retries, 'failed request')} {were} retried after checking what had arrived")
    if s.duplicates_removed:
        n = s.duplicates_removed
        out.print(
            f"{counted(n, 'task')} that a concurrent push had made too {'was' if n == 1 else 'were'} deleted "
            "(the oldest stays)"
        )
    if s.duplicate_doc_ids:
        shown = ", ".join(repr(d) for d in s.duplicate_doc_ids[:5])
        n = len(s.duplicate_doc_ids)
        out.print(
            f"[yellow]warning:[/yellow] {counted(n, 'document id')} {'has' if n == 1 else 'have'} more than one "
            f"task ({shown}); delete the extra tasks in Label Studio"
        )
    if s.dry_run:
        out.print("dry run: nothing was changed")


# --- pull -------------------------------------------------------------------------------------


@app.command("pull", help="Pull annotations into a gold-set folder, from a project or an export file.")
def pull_cli(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Gold-set folder to write, e.g. gold/NAME.")],
    project: Annotated[str | None, typer.Option("--project", "-p", help="Project title or id.")] = None,
    from_export: Annotated[
        Path | None, typer.Option("--from-export", help="Offline: a full JSON export file instead of a server.")
    ] = None,
    annotations: Annotated[
        AnnotationsOption, typer.Option(help="Which annotation of each task: latest, ground-truth, or all.")
    ] = AnnotationsOption.latest,
    lenient: Annotated[bool, typer.Option(help="Drop (and list) bad regions instead of failing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing gold-set folder.")] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="TIMESTAMP",
            help="Only tasks annotated after this ISO 8601 time (UTC unless it says so), merged into --out.",
        ),
    ] = None,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="Write a gold set even when no task has an annotation.")
    ] = False,
    schema_path: SchemaPath = None,
    url: Url = None,
    data_dir: DataDir = None,
    key_file: KeyFile = None,
) -> None:
    from datetime import datetime

    from eval.errors import UsageError
    from eval.words import counted

    from .convert_pull import AnnotationPolicy
    from .goldset import check_out_folder
    from .pull import pull, pull_from_export
    from .schema import load_schema

    policy = AnnotationPolicy(annotations.value.replace("-", "_"))
    out = _console()
    with _user_errors():
        if (project is None) == (from_export is None):
            raise UsageError("give either --project (pull from the server) or --from-export FILE, not both")
        moment = None
        if since is not None:
            if from_export is not None:
                raise UsageError("--since filters a live project; it does not apply to --from-export")
            try:
                moment = datetime.fromisoformat(since)
            except ValueError:
                raise UsageError(f"--since {since!r} is not an ISO 8601 time; give e.g. 2026-12-01T18:00:00Z") from None
        if moment is None:
            check_out_folder(out_dir, overwrite=force)
        schema = load_schema(schema_path) if schema_path else load_schema()
        if from_export is not None:
            summary = pull_from_export(
                from_export,
                out=out_dir,
                schema=schema,
                policy=policy,
                lenient=lenient,
                overwrite=force,
                allow_empty=allow_empty,
            )
        else:
            assert project is not None
            with _client(url, data_dir, key_file) as client, _progress_bar() as note:
                summary = pull(
                    client,
                    project=project,
                    out=out_dir,
                    schema=schema,
                    policy=policy,
                    lenient=lenient,
                    overwrite=force,
                    since=moment,
                    allow_empty=allow_empty,
                    progress=note,
                )
    c = summary.counts
    for folder in summary.folders:
        out.print(f"wrote {folder}")
    if summary.kept is not None:
        out.print(f"merged: {summary.documents - summary.kept} documents pulled again or new, {summary.kept} kept")
    out.print(
        f"{counted(summary.documents, 'document')} from {counted(c.tasks, 'task')} ({c.unannotated} without "
        f"annotation, {counted(c.cancelled, 'skipped annotation')}); {counted(c.entities, 'entity', 'entities')}, "
        f"{counted(c.events, 'event')}"
    )
    if summary.repairs:
        out.print(
            f"{counted(summary.repairs, 'region')} had UTF-16 offsets and "
            f"{'was' if summary.repairs == 1 else 'were'} repaired (listed in the manifest)"
        )
    if summary.dropped:
        out.print(
            f"[yellow]warning:[/yellow] {counted(summary.dropped, 'bad region/relation', 'bad regions/relations')} "
            "dropped (--lenient); they are listed in the manifest"
        )


# --- a model for live pre-annotation -----------------------------------------------------------


@app.command("serve-model", help="Serve an extractor as a Label Studio ML backend (predictions as tasks open).")
def serve_model_cli(
    extractor: Annotated[
        str, typer.Argument(help="As for `evaluate --extractor`: a command over JSONL pipes, or module:function.")
    ],
    model_version: Annotated[str, typer.Option("--model-version", help="The version its predictions carry.")],
    host: Annotated[str, typer.Option(help="Address to listen on (keep 127.0.0.1 unless LS runs elsewhere).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="TCP port.")] = 9090,
    timeout: Annotated[float, typer.Option(help="Seconds one batch of tasks may take.")] = 600.0,
    schema_path: SchemaPath = None,
) -> None:
    from .schema import load_schema
    from .serve import ModelBackend, serve

    err = _console(stderr=True)
    with _user_errors():
        schema = load_schema(schema_path) if schema_path else load_schema()
        backend = ModelBackend(extractor, schema, model_version, timeout=timeout)
        backend.check()
        err.print(
            f"serving {extractor!r} as model version [bold]{model_version}[/bold] at http://{host}:{port}; "
            f"connect it with: annotate connect-model --project P --url http://{host}:{port}"
        )
        serve(backend, host=host, port=port)


@app.command("connect-model", help="Register a model server (annotate serve-model) with a project.")
def connect_model_cli(
    project: ProjectRef,
    url: Annotated[str, typer.Option("--url", help="The model server's URL, e.g. http://127.0.0.1:9090.")],
    title: Annotated[
        str | None, typer.Option(help="Its name in Label Studio (default: the model version it reports).")
    ] = None,
    server: Annotated[
        str | None, typer.Option("--server", help="Label Studio URL (default: $LABEL_STUDIO_URL or local).")
    ] = None,
    data_dir: DataDir = None,
    key_file: KeyFile = None,
) -> None:
    from .serve import connect_model

    out = _console()
    with _user_errors(), _client(server, data_dir, key_file) as client:
        c = connect_model(client, project=project, url=url, title=title)
    b = c.backend
    how = "connected" if c.created else "was already connected"
    out.print(
        f"model {b.title!r} at {b.url} {how} to project {c.project_title!r} (id {c.project_id}): "
        f"state {b.state or '?'}, model version {b.model_version or '?'}"
    )
    if b.error:
        out.print(f"[yellow]warning:[/yellow] Label Studio reports: {b.error}")


# --- config and agreement ----------------------------------------------------------------------


@app.command("config", help="Print the Label Studio labeling config generated from the schema.")
def config_cli(
    schema_path: SchemaPath = None,
    check: Annotated[
        Path | None, typer.Option("--check", help="Exit 1 when this file differs from the generated config.")
    ] = None,
) -> None:
    from .schema import config_difference, labeling_config, load_schema

    with _user_errors():
        xml = labeling_config(load_schema(schema_path) if schema_path else load_schema())
        if check is None:
            typer.echo(xml, nl=not xml.endswith("\n"))
            return
        try:
            current = check.read_text(encoding="utf-8")
        except OSError as exc:
            raise typer.BadParameter(f"{check}: {exc.strerror}") from None
    difference = config_difference(current, xml)
    if difference:
        fail(
            [f"{check}: differs from the schema ({difference}); regenerate it with `annotate config > {check}`"], code=1
        )
    _console().print(f"{check} matches the schema")


class AgreementFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


@app.command("agreement", help="Inter-annotator agreement: span F1 per pair and label, triggers, token kappa.")
def agreement_cli(
    sources: Annotated[
        list[Path],
        typer.Argument(
            metavar="GOLD...",
            help="A folder written by `pull --annotations all` (one sub-folder per annotator), "
            "or two or more gold sets (files or folders); each is one annotator, named by its stem.",
        ),
    ],
    fmt: Annotated[AgreementFormat, typer.Option("--format", "-f", help="Output format.")] = AgreementFormat.table,
) -> None:
    import json

    from eval.agreement import agreement, agreement_json, agreement_markdown, agreement_table

    from .goldset import annotator_sets

    with _user_errors():
        result = agreement(annotator_sets(sources))
    if fmt is AgreementFormat.json:
        typer.echo(json.dumps(agreement_json(result), indent=2))
    elif fmt is AgreementFormat.markdown:
        typer.echo(agreement_markdown(result))
    else:
        from eval.render.table import print_out

        print_out(agreement_table(result))


# --- quality -----------------------------------------------------------------------------------


class QualityFormatOption(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


@app.command(
    "quality",
    help="Annotation quality: per annotator, against the ground truth or a gold set, agreement "
    "(pairwise and Krippendorff's alpha), and pre-annotations per model version.",
)
def quality_cli(
    project: Annotated[str | None, typer.Option("--project", "-p", help="Project title or id.")] = None,
    from_export: Annotated[
        Path | None, typer.Option("--from-export", help="Offline: a full JSON export file instead of a server.")
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option("--reference", help="A gold-set folder to score annotators against (default: ground truth)."),
    ] = None,
    fmt: Annotated[
        QualityFormatOption, typer.Option("--format", "-f", help="Output format.")
    ] = QualityFormatOption.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    lenient: Annotated[bool, typer.Option(help="Leave bad regions out instead of failing.")] = False,
    schema_path: SchemaPath = None,
    url: Url = None,
    data_dir: DataDir = None,
    key_file: KeyFile = None,
) -> None:
    from eval.errors import UsageError
    from eval.io import atomic_write
    from eval.render.quality import QualityFormat, print_quality, render_quality

    from .quality import quality_from_export, quality_of_project
    from .schema import load_schema

    with _user_errors():
        if (project is None) == (from_export is None):
            raise UsageError("give either --project (a live project) or --from-export FILE, not both")
        schema = load_schema(schema_path) if schema_path else load_schema()
        if from_export is not None:
            report = quality_from_export(from_export, schema=schema, reference=reference, lenient=lenient)
        else:
            assert project is not None
            with _client(url, data_dir, key_file) as client:
                report = quality_of_project(
                    client, project=project, schema=schema, reference=reference, lenient=lenient
                )
        if output is not None:
            with atomic_write(output) as f:
                f.write(render_quality(report, QualityFormat(fmt.value)))
    if output is not None:
        _console().print(f"wrote {output}")
    elif fmt is QualityFormatOption.table:
        from eval.render.table import output_console

        print_quality(report, output_console())
    else:
        text = render_quality(report, QualityFormat(fmt.value))
        typer.echo(text, nl=not text.endswith("\n"))


def main() -> None:
    app(prog_name="annotate")


if __name__ == "__main__":
    main()
