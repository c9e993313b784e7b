"""Label Studio round trip at scale: idempotent push of N synthetic tasks, and pull, timed.

    .venv/bin/python bench/ls_roundtrip.py [--tasks 10000] [--batch-size 500] [--annotated 500]

Starts its own Label Studio (temporary data dir, free port; stopped at the end) unless
``--url`` is given (then the key comes from $LABEL_STUDIO_API_KEY or --data-dir's key file).
Steps, each into a fresh project:
  raw import     one ``import_tasks`` request with all N tasks (the floor: what the server costs)
  push           ``annotate.push.push`` of the same N documents (lists the project, then batches)
  push again     the same push once more: lists the project and sends nothing
  annotations    ``store_annotations`` on the first --annotated documents (one request each)
  pull           full JSON export of all N tasks -> validated gold set on disk
  pull --since   --since-annotated more annotations, then only those tasks (a filtered export
                 snapshot) merged into that gold set
Prints a table; the target is push within 2x of the raw import.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.table import Table

from annotate.client import Client
from annotate.convert_push import document_to_task
from annotate.pull import pull
from annotate.push import push, store_annotations
from annotate.schema import labeling_config, load_schema
from annotate.server import free_port, start_server, stop_server
from annotate.settings import resolve_settings
from eval.model import Document, Entity

T = TypeVar("T")

NAMES = ["Aral", "Borov", "Chimgan", "Dostyk", "Ersay", "Farg", "Gulmira", "Hissar", "Issyk", "Jizzakh"]
PLACES = ["Nurata", "Kokand", "Termez", "Urgut", "Zarafshan", "Khiva", "Navoi", "Angren"]
VERBS = ["visited", "met officials in", "signed a deal in", "opened a plant in", "toured"]


def synthetic(n: int, seed: int = 7) -> list[Document]:
    """N short made-up news sentences, each with a PERSON and a GPE entity."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        who, verb, where = rng.choice(NAMES), rng.choice(VERBS), rng.choice(PLACES)
        head = f"{who} {verb} "
        text = f"{head}{where} on day {i}. Local reports counted {rng.randint(2, 900)} delegates."
        place = Entity(len(head), len(head) + len(where), "GPE", "g", where)
        entities = (Entity(0, len(who), "PERSON", "p", who), place)
        docs.append(Document(f"syn-{i:06d}", text, entities))
    return docs


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


Row = tuple[str, int, float]


def run(
    client: Client, docs: list[Document], *, batch_size: int, annotated: int, since_annotated: int, work: Path
) -> list[Row]:
    schema = load_schema()
    stamp = time.strftime("%H%M%S")
    rows: list[Row] = []

    raw_project = client.create_project(f"bench raw {stamp}", labeling_config(schema))
    tasks = [document_to_task(d) for d in docs]
    ids, seconds = timed(lambda: client.import_tasks(raw_project.id, tasks))
    rows.append(("raw import (1 request)", len(ids), seconds))

    title = f"bench push {stamp}"
    summary, seconds = timed(lambda: push(client, docs, project=title, schema=schema, batch_size=batch_size))
    rows.append((f"push (batches of {batch_size})", summary.created, seconds))
    again, seconds = timed(lambda: push(client, docs, project=title, schema=schema, batch_size=batch_size))
    assert again.created == 0 and again.skipped == len(docs), again
    rows.append(("push again (all skipped)", again.skipped, seconds))

    pid = summary.project_id
    assert pid is not None
    (made, _), seconds = timed(lambda: store_annotations(client, pid, docs[:annotated], schema))
    rows.append(("store annotations (1 request each)", made, seconds))

    pulled, seconds = timed(lambda: pull(client, project=str(pid), out=work / "gold", schema=schema))
    rows.append((f"pull ({pulled.counts.tasks} tasks, export + convert + write)", pulled.documents, seconds))

    time.sleep(1.0)
    since = datetime.now(UTC)
    time.sleep(1.0)
    more = docs[annotated : annotated + since_annotated]
    store_annotations(client, pid, more, schema)
    merged, seconds = timed(lambda: pull(client, project=str(pid), out=work / "gold", schema=schema, since=since))
    assert merged.counts.tasks == len(more) and merged.documents == pulled.documents + len(more), merged
    rows.append(
        (f"pull --since ({merged.counts.tasks} tasks, merged into {pulled.documents})", merged.documents, seconds)
    )
    for project_id in (raw_project.id, pid):
        client.delete_project(project_id)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument("--annotated", type=int, default=500)
    ap.add_argument("--since-annotated", type=int, default=100, help="annotated after the pull, for pull --since")
    ap.add_argument("--url", default=None, help="use this running server instead of starting one")
    ap.add_argument("--data-dir", type=Path, default=Path(".labelstudio"))
    args = ap.parse_args()
    console = Console()
    docs = synthetic(args.tasks)
    with tempfile.TemporaryDirectory(prefix="ls-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "labelstudio"
        try:
            if args.url:
                settings = resolve_settings(url=args.url, data_dir=args.data_dir)
            else:
                with console.status("starting Label Studio…"):
                    info = start_server(data_dir, free_port(), timeout=600)
                settings = resolve_settings(url=info.url, data_dir=data_dir, env={})
            with Client(settings, timeout=600) as client:
                version = client.version()
                with console.status(f"running the round trip with {len(docs)} tasks…"):
                    rows = run(
                        client,
                        docs,
                        batch_size=args.batch_size,
                        annotated=args.annotated,
                        since_annotated=args.since_annotated,
                        work=work,
                    )
        finally:
            if not args.url:
                stop_server(data_dir)
    raw = rows[0][2]
    table = Table(title=f"Label Studio {version} round trip, {len(docs)} synthetic tasks")
    for col in ("step", "items", "seconds", "x raw import", "items/s"):
        table.add_column(col, justify="left" if col == "step" else "right")
    for step, items, seconds in rows:
        table.add_row(step, str(items), f"{seconds:.2f}", f"{seconds / raw:.2f}", f"{items / seconds:,.0f}")
    console.print(table)
    ratio = rows[1][2] / raw
    console.print(f"push / raw import = {ratio:.2f} (target: at most 2.00)")


if __name__ == "__main__":
    main()
