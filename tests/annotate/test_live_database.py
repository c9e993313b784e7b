"""The live server keeps its data in the database it was started with: SQLite in its data dir,
or PostgreSQL with ``pytest --ls-database=postgresql`` (``annotate server start --database``)."""

from __future__ import annotations

import json
import sqlite3

import pytest

pytestmark = pytest.mark.live


def tasks_in_database(live_server, project_id: int) -> int:  # type: ignore[no-untyped-def]
    query = "SELECT count(*) FROM task WHERE project_id = %s"
    if live_server.database is None:
        with sqlite3.connect(live_server.info.data_dir / "label_studio.sqlite3") as db:
            return int(db.execute(query.replace("%s", "?"), (project_id,)).fetchone()[0])
    import psycopg  # installed with label-studio

    with psycopg.connect(live_server.database) as db:
        row = db.execute(query, (project_id,)).fetchone()
        assert row is not None
        return int(row[0])


def test_tasks_are_stored_in_the_database_the_server_was_started_with(live_server, live_client, tmp_path):
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"Text {name}: Anna met Boris.", encoding="utf-8")
    title = live_server.title("database")
    assert live_server.cli("push", str(tmp_path), "--project", title).exit_code == 0
    (project,) = live_client.find_projects(title)
    assert tasks_in_database(live_server, project.id) == 3
    record = json.loads((live_server.info.data_dir / "server.json").read_text(encoding="utf-8"))
    assert record.get("database") == live_server.database
    if live_server.database is None:
        assert (live_server.info.data_dir / "label_studio.sqlite3").is_file()
    else:
        assert not (live_server.info.data_dir / "label_studio.sqlite3").exists()
