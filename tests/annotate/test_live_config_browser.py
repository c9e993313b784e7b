"""The labeling config in Label Studio's own editor, in headless Chromium: label a word as an
entity, then choose a trigger label for the same region; the region ends with one label. The
same clicks in a project with the config goldbench made before (a group per kind) leave the
region with both labels, and pull names that.

Needs Debian's ``chromium`` and the ``playwright`` package (dev extra; it drives the system
browser, no browser download). Without them the test skips, except under CI (``CI=true``).
The screenshots are written to the test's temporary folder (``screenshots`` in the assertion
message) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annotate.convert_pull import results_to_document
from annotate.convert_push import document_to_task
from annotate.errors import RegionError
from annotate.push import push
from annotate.schema import ENTITY_CONTROL, TEXT_NAME, TRIGGER_CONTROL, Schema, labeling_config, load_schema
from eval.model import Document

pytestmark = [pytest.mark.live, pytest.mark.browser]

SCHEMA = load_schema()
TEXT = "Putin visited Tashkent on Monday ."
TIMEOUT_MS = 120_000


def _need(found: object, reason: str) -> None:
    if found:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the browser tests")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium")
    _need(found, "chromium is not installed (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _need(False, "playwright is not installed (pip install -e '.[dev]')")
    assert found is not None
    return found


WORD_BOX = """(word) => {
    const line = document.querySelector('.lsf-richtext__line');
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const at = node.data.indexOf(word);
        if (at >= 0) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + word.length);
            const box = range.getBoundingClientRect();
            return {x: box.left, y: box.top, w: box.width, h: box.height};
        }
    }
    return null;
}"""


def legacy_config(schema: Schema) -> str:
    """The labeling config goldbench made before: one ``<Labels>`` group per kind."""
    root = ET.fromstring(labeling_config(schema))
    (group,) = root.findall("Labels")
    n = len(schema.entity_labels)
    entity = ET.Element("Labels", {"name": ENTITY_CONTROL, "toName": TEXT_NAME})
    trigger = ET.Element("Labels", {"name": TRIGGER_CONTROL, "toName": TEXT_NAME})
    for i, label in enumerate(list(group)):
        label.attrib.pop("html", None)
        (entity if i < n else trigger).append(label)
    index = list(root).index(group)
    root.remove(group)
    root.insert(index, trigger)
    root.insert(index, entity)
    return ET.tostring(root, encoding="unicode")


def _label_then_relabel(page, url: str, project_id: int, task_id: int, shots: Path, stem: str) -> None:  # type: ignore[no-untyped-def]
    """In the editor: GPE on "Tashkent", select that region, choose the trigger label Travel, submit."""
    page.goto(f"{url}/projects/{project_id}/data?task={task_id}")
    page.locator(".lsf-richtext__line").first.wait_for()
    page.locator('.lsf-label:has-text("GPE")').first.click()
    box = page.evaluate(WORD_BOX, "Tashkent")
    assert box is not None, "the task text is not in the editor"
    y = box["y"] + box["h"] / 2
    page.mouse.move(box["x"] + 1, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["w"] - 1, y, steps=5)  # a drag over the word, as a person selects it
    page.mouse.up()
    page.locator(".htx-highlight").first.wait_for()
    page.screenshot(path=str(shots / f"{stem}-1-entity.png"))
    page.locator(".htx-highlight").first.click()  # select the region
    page.locator('.lsf-label:has-text("Travel")').first.click()  # try the trigger label on it
    page.wait_for_timeout(1000)
    page.screenshot(path=str(shots / f"{stem}-2-trigger-tried.png"))
    page.get_by_role("button", name="Submit").click()
    page.locator(".lsf-label").first.wait_for()
    page.wait_for_timeout(2000)


def _annotation(client, project_id: int) -> tuple[dict, list[dict]]:  # type: ignore[no-untyped-def]
    (task,) = client.export_json(project_id).tasks
    (annotation,) = task["annotations"]
    return task, [r for r in annotation["result"] if r.get("type") == "labels"]


def test_live_config_one_label_per_region_in_the_editor(live_server, live_client, chromium, tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    url = live_server.info.url
    title = live_server.title("one label per region")
    push(live_client, [Document("b1", TEXT)], project=title, schema=SCHEMA)
    (project,) = live_client.find_projects(title)
    (task,) = live_client.list_tasks(project.id)
    legacy = live_client.create_project(live_server.title("two label groups"), legacy_config(SCHEMA))
    live_client.import_tasks(legacy.id, [document_to_task(Document("b1", TEXT))])
    (legacy_task,) = live_client.list_tasks(legacy.id)
    password = live_server.info.password_file.read_text(encoding="utf-8").strip()
    shots = tmp_path / "screenshots"
    shots.mkdir()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{url}/user/login/")
        page.fill('input[name="email"]', live_server.info.username)
        page.fill('input[name="password"]', password)
        page.locator('button[type="submit"]').first.click()
        page.wait_for_load_state("networkidle")
        _label_then_relabel(page, url, project.id, task.id, shots, "one-group")
        _label_then_relabel(page, url, legacy.id, legacy_task.id, shots, "two-groups")
        browser.close()
    where = f"(screenshots in {shots})"
    assert all(p.stat().st_size > 10_000 for p in shots.iterdir()) and len(list(shots.iterdir())) == 4

    # the generated config: one region, one label (the trigger label replaced the entity label)
    exported, regions = _annotation(live_client, project.id)
    assert [(r["from_name"], r["value"]["text"], r["value"]["labels"]) for r in regions] == [
        ("label", "Tashkent", ["Travel"])
    ], where
    doc = results_to_document(task.id, exported["data"], regions, SCHEMA).document
    assert (len(doc.entities), [ev.type for ev in doc.events]) == (0, ["Travel"])

    # the config made before: the same clicks leave the region with both labels, which pull names
    exported, regions = _annotation(live_client, legacy.id)
    assert sorted((r["from_name"], tuple(r["value"]["labels"])) for r in regions) == [
        (ENTITY_CONTROL, ("GPE",)),
        (TRIGGER_CONTROL, ("Travel",)),
    ], where
    assert len({r["id"] for r in regions}) == 1
    with pytest.raises(RegionError, match="both an entity label and an event trigger label"):
        results_to_document(legacy_task.id, exported["data"], regions, SCHEMA)
