"""Label Studio stores any result unchecked; pull must catch a corrupted region.

A region whose offsets run past the end of the text and one whose text does not match its
offsets make ``annotate pull`` exit 2, naming the task and the region, and write nothing.
``--lenient`` drops them, and the manifest lists what was dropped.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.live

TEXT = "Mirziyoyev received Putin in Samarkand on Friday."


def region(rid: str, label: str, start: int, end: int, text: str) -> dict[str, object]:
    return {"value": {"start": start, "end": end, "text": text, "labels": [label]},
            "id": rid, "from_name": "entity", "to_name": "text", "type": "labels", "origin": "manual"}


def test_corrupted_regions_fail_pull_naming_task_and_region(live_server, live_client, tmp_path):
    (tmp_path / "samarkand.txt").write_text(TEXT, encoding="utf-8")
    title = live_server.title("corrupted")
    assert live_server.cli("push", str(tmp_path / "samarkand.txt"), "--project", title).exit_code == 0
    (project,) = live_client.find_projects(title)
    (task,) = live_client.list_tasks(project.id)
    s = TEXT.index("Putin")
    results = [
        region("good000001", "PERSON", s, s + 5, "Putin"),
        region("pastEnd001", "GPE", len(TEXT) - 3, len(TEXT) + 40, "Friday and beyond"),
        region("wrongTxt01", "GPE", 29, 38, "Tashkent!"),
    ]
    live_client.create_annotation(task.id, results)

    out = tmp_path / "gold" / "strict"
    result = live_server.cli("pull", "--project", title, "--out", str(out))
    assert result.exit_code == 2
    assert f"task {task.id}" in result.output
    assert "'pastEnd001'" in result.output and "'wrongTxt01'" in result.output
    assert "'good000001'" not in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []  # no staging folder left over

    lenient = live_server.cli("pull", "--project", title, "--out", str(out), "--lenient")
    assert lenient.exit_code == 0, lenient.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(d["item"] for d in manifest["dropped"]) == ["pastEnd001", "wrongTxt01"]
    assert all(d["task"] == task.id for d in manifest["dropped"])
    (doc,) = [json.loads(line) for line in (out / "documents.jsonl").read_text().splitlines()]
    assert doc["entities"] == [{"id": "good000001", "start": s, "end": s + 5, "label": "PERSON", "text": "Putin"}]
