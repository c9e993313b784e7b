"""Two pushes of the same documents into one project at the same moment leave each document once.

The racers are two ``annotate push`` processes started together, three times (each round a
new project, so the project is raced for too). To show that the clean-up is what makes this
hold, not luck in the timing, one more race is forced: two pushes in threads, each waiting at a
barrier after its first look at the server until the other has looked too, so both import
every document and both create the project.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from annotate.client import Client, Project, TaskRef
from annotate.push import PushSummary, push
from annotate.schema import load_schema
from eval.model import Document

pytestmark = pytest.mark.live

DOCS = 120
BATCH = 10


def documents() -> list[Document]:
    return [Document(f"doc{i:03d}", f"Article {i}: Anna Berg met Boris Lind in Oslo on day {i}.") for i in range(DOCS)]


def assert_each_document_once(live_client: Client, title: str) -> None:
    (project,) = live_client.find_projects(title)
    counts = Counter(t.doc_id for t in live_client.list_tasks(project.id))
    assert counts == Counter({d.id: 1 for d in documents()}), {k: v for k, v in counts.items() if v != 1}


@pytest.mark.parametrize("round_", [1, 2, 3])
def test_two_push_commands_at_once_leave_each_document_once(live_server, live_client, tmp_path, round_):
    src = tmp_path / "articles"
    src.mkdir()
    for d in documents():
        (src / f"{d.id}.txt").write_text(d.text, encoding="utf-8")
    title = live_server.title(f"race {round_}")
    annotate = Path(sys.executable).parent / "annotate"
    argv = [str(annotate), "push", str(src), "--project", title, "--batch-size", str(BATCH),
            "--url", live_server.info.url, "--data-dir", str(live_server.info.data_dir)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    env.update(HOME=str(tmp_path), TERM="dumb")
    racers = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env) for _ in range(2)]
    outputs = [r.communicate(timeout=600)[0].decode() for r in racers]
    live_server.outputs.extend(outputs)
    assert [r.returncode for r in racers] == [0, 0], outputs
    made = [int(m[1]) for o in outputs for m in re.finditer(r"tasks: (\d+) created", o)]
    print(f"round {round_}: tasks created by each push {made}; raced: {sum(made) > DOCS}")
    assert_each_document_once(live_client, title)
    assert not any("more than one task" in o for o in outputs), outputs


class Racing(Client):
    """A real client whose first look at the projects and at the tasks waits for the other racer."""

    def __init__(self, live_server, barrier: threading.Barrier) -> None:  # type: ignore[no-untyped-def]
        super().__init__(live_server.settings)
        self.barrier = barrier
        self.waited: set[str] = set()

    def _meet(self, what: str) -> None:
        if what not in self.waited:
            self.waited.add(what)
            self.barrier.wait(timeout=300)

    def find_projects(self, title: str) -> list[Project]:
        found = super().find_projects(title)
        self._meet("projects")
        return found

    def list_tasks(self, project_id: int, *, with_model_versions: bool = False) -> list[TaskRef]:
        found = super().list_tasks(project_id, with_model_versions=with_model_versions)
        self._meet("tasks")
        return found


def test_a_forced_race_makes_duplicates_and_the_pushes_remove_them(live_server, live_client):
    title = live_server.title("forced race")
    schema = load_schema()
    barrier = threading.Barrier(2)

    def race() -> PushSummary:
        with Racing(live_server, barrier) as client:
            return push(client, documents(), project=title, schema=schema, batch_size=BATCH)

    with ThreadPoolExecutor(2) as pool:
        summaries = list(pool.map(lambda _: race(), range(2)))
    assert [s.created for s in summaries] == [DOCS, DOCS]  # both imported everything: a real race
    assert [s.project_created for s in summaries] == [True, True]
    assert sum(s.duplicates_removed for s in summaries) >= DOCS  # both may delete the same ones
    assert summaries[0].project_id == summaries[1].project_id
    assert all(s.duplicate_doc_ids == () for s in summaries)
    assert_each_document_once(live_client, title)
