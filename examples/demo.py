"""The goldbench demo, end to end against a real local Label Studio (``make demo``).

1. start Label Studio on 127.0.0.1 (data in .labelstudio/; reused when already running);
2. push the gold/news-demo articles as tasks, with the reference extractor's output attached
   as pre-annotations (model version ``reference-extractor``);
3. store the adjudicated gold annotations through the API, as an annotator submitting in the
   web editor would;
4. pull the project back into a fresh gold folder (reports/demo-gold/) and check it equals
   gold/news-demo exactly;
5. ``annotate quality`` on the project: how much the annotator changed the pre-annotations
   (reports/quality.html, reports/quality.md; the table is printed);
6. score the reference extractor against the pulled gold set, also per news source (the
   documents' ``meta.source``, sent to Label Studio as task meta and pulled back); write
   reports/report.html and reports/report.md; print the headline table, the slice table, the
   Label Studio URL, the login, and how to stop.

Every step is idempotent: running the demo again skips what is already there.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / ".labelstudio"
PROJECT = "goldbench news demo"
MODEL_VERSION = "reference-extractor"
EXTRACTOR = f"{sys.executable} {ROOT / 'examples' / 'reference_extractor' / '__main__.py'}"
REPORTS = ROOT / "reports"


def main() -> int:
    from annotate.client import Client
    from annotate.convert_pull import AnnotationPolicy
    from annotate.pull import pull
    from annotate.push import push, store_annotations
    from annotate.quality import quality_of_project
    from annotate.schema import load_schema
    from annotate.server import DEFAULT_PORT, start_server
    from annotate.settings import resolve_settings
    from eval.errors import GoldbenchError
    from eval.extractor import run_command
    from eval.pipeline import Options, evaluate_extractor
    from eval.readers.jsonl import read_jsonl
    from eval.render import OutputFormat, render
    from eval.render.quality import QualityFormat, print_quality, render_quality
    from eval.render.table import print_table

    out = Console()
    err = Console(stderr=True)
    try:
        schema = load_schema()
        gold = read_jsonl(ROOT / "gold" / "news-demo" / "documents.jsonl")
        articles = [d._replace(entities=(), events=()) for d in gold]

        with out.status("starting Label Studio (the first start takes about a minute)…"):
            server = start_server(DATA_DIR, DEFAULT_PORT)
        out.print(f"Label Studio {'started' if server.started else 'already running'} at {server.url}")

        predictions = run_command(EXTRACTOR, articles, timeout=300).documents
        with Client(resolve_settings(url=server.url, data_dir=DATA_DIR)) as client:
            summary = push(
                client, articles, project=PROJECT, schema=schema, predictions=predictions, model_version=MODEL_VERSION
            )
            out.print(
                f"pushed {summary.documents} articles to project {summary.project_title!r} (id {summary.project_id}): "
                f"{summary.created} created, {summary.skipped} already there; "
                f"{summary.predictions_created} pre-annotations from {MODEL_VERSION}"
            )
            assert summary.project_id is not None
            created, skipped = store_annotations(client, summary.project_id, gold, schema)
            out.print(f"stored the gold annotations as an annotator would: {created} created, {skipped} already there")
            pulled = pull(
                client,
                project=str(summary.project_id),
                out=REPORTS / "demo-gold",
                schema=schema,
                policy=AnnotationPolicy.LATEST,
                overwrite=True,
            )
            quality = quality_of_project(client, project=str(summary.project_id), schema=schema)
        REPORTS.mkdir(exist_ok=True)
        for fmt, name in ((QualityFormat.HTML, "quality.html"), (QualityFormat.MARKDOWN, "quality.md")):
            (REPORTS / name).write_text(render_quality(quality, fmt), encoding="utf-8")
        print_quality(quality, out)
        round_trip = read_jsonl(pulled.out / "documents.jsonl")
        identical = _comparable(round_trip) == _comparable(gold)
        out.print(
            f"pulled {pulled.documents} documents into {pulled.out.relative_to(ROOT)}: "
            + ("[green]identical to gold/news-demo[/green]" if identical else "[red]differs from gold/news-demo[/red]")
        )

        # The pulled documents kept their meta (news source, date): score per source too.
        options = Options(details=True, slice_by=("meta.source",))
        outcome = evaluate_extractor(pulled.out, EXTRACTOR, options=options)
        REPORTS.mkdir(exist_ok=True)
        (REPORTS / "report.html").write_text(render(outcome.report, OutputFormat.HTML), encoding="utf-8")
        (REPORTS / "report.md").write_text(render(outcome.report, OutputFormat.MARKDOWN), encoding="utf-8")
        out.print()
        print_table(outcome.report, out)
        out.print()
        out.print(f"reports: {REPORTS.relative_to(ROOT)}/report.html, {REPORTS.relative_to(ROOT)}/report.md")
        rel = REPORTS.relative_to(ROOT)
        out.print(f"annotation quality: {rel}/quality.html, {rel}/quality.md")
        out.print(f"Label Studio: {server.url}  (project {PROJECT!r})")
        out.print(f"  log in as {server.username}; the password is in {server.password_file.relative_to(ROOT)}")
        out.print("  stop it with: .venv/bin/annotate server stop   (or: make demo-stop)")
        return 0 if identical else 1
    except GoldbenchError as exc:
        for line in exc.lines():
            err.print(f"[red]error:[/red] {line}", highlight=False)
        return 2


def _comparable(docs: list) -> list:
    """Documents as plain data in id order: ids, texts, entity and event offsets and labels."""
    from eval.io import document_to_json

    return sorted((document_to_json(d) for d in docs), key=lambda d: d["id"])


if __name__ == "__main__":
    sys.exit(main())
