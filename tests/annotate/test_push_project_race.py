"""The project rule of concurrent pushes, on a fake server: the lowest-id project with the title
is kept and every other empty one is deleted, whoever made it (unit test of the race's end state)."""

from __future__ import annotations

from annotate.client import Project
from annotate.push import _create_project_once


class FakeServer:
    def __init__(self, existing: list[Project]) -> None:
        self.projects = {p.id: p for p in existing}
        self.next_id = max(self.projects, default=0) + 1
        self.deleted: list[int] = []

    def create_project(self, title: str, label_config: str) -> Project:
        p = Project(self.next_id, title, label_config, 0)
        self.projects[p.id] = p
        self.next_id += 1
        return p

    def find_projects(self, title: str) -> list[Project]:
        return [p for p in self.projects.values() if p.title == title]

    def delete_project(self, project_id: int, *, missing_ok: bool = False) -> None:
        if project_id not in self.projects:
            assert missing_ok, f"project {project_id} deleted twice without missing_ok"
            return
        del self.projects[project_id]
        self.deleted.append(project_id)


def test_create_project_once_keeps_the_lowest_and_deletes_every_empty_copy():
    # 3 is a racer's project it has not deleted yet, 5 an orphan; 4 already holds tasks
    server = FakeServer([Project(3, "t", "<View/>", 0), Project(4, "t", "<View/>", 7), Project(5, "t", "<View/>", 0)])
    server.projects[2] = Project(2, "t", "<View/>", 0)
    kept = _create_project_once(server, "t", "<View/>")  # type: ignore[arg-type]
    assert kept.id == 2
    assert sorted(server.projects) == [2, 4]  # ours (6), 3 and 5 deleted; 4 has tasks and stays
    assert sorted(server.deleted) == [3, 5, 6]


def test_create_project_once_alone_keeps_its_own_project():
    server = FakeServer([Project(1, "other", "<View/>", 0)])
    kept = _create_project_once(server, "t", "<View/>")  # type: ignore[arg-type]
    assert kept.id == 2 and server.deleted == []
