"""The labeling config in Label Studio's own editor, in headless Chromium: label a word as an
entity, then choose a trigger label for the same region; the region ends with one label.

Needs Debian's ``chromium`` and the ``playwright`` package (dev extra; it drives the system
browser, no browser download). Without them the test skips, except under CI (``CI=true``).
The screenshots are written to the test's temporary folder (``screenshots`` in the assertion
message) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from annotate.convert_pull import results_to_document
from annotate.push import push
from annotate.schema import load_schema
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
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    _need(found, "chromium is not installed (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _need(False, "playwright is not installed (pip install -e '.[dev]')")
    assert found is not None
    return found


def _select_word(page, word: str) -> None:  # type: ignore[no-untyped-def]
    """Select ``word`` in the editor's text as a mouse drag would, and release the mouse there."""
    page.evaluate(
        """(word) => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(word);
                if (at >= 0 && !node.parentElement.closest('.lsf-label, script, style, title')) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + word.length);
                    const sel = window.getSelection();
                    sel.removeAllRanges();
                    sel.addRange(range);
                    const target = node.parentElement;
                    const box = range.getBoundingClientRect();
                    const opts = {bubbles: true, clientX: box.right, clientY: box.bottom - 2};
                    target.dispatchEvent(new MouseEvent('mouseup', opts));
                    return;
                }
            }
            throw new Error('word not found in the editor text: ' + word);
        }""",
        word,
    )


def _label_button(page, value: str):  # type: ignore[no-untyped-def]
    return page.locator(f'.lsf-label:has-text("{value}")').first


def test_live_config_one_label_per_region_in_the_editor(live_server, live_client, chromium, tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    title = live_server.title("one label per region")
    push(live_client, [Document("b1", TEXT)], project=title, schema=SCHEMA)
    (project,) = live_client.find_projects(title)
    (task,) = live_client.list_tasks(project.id)
    password = live_server.info.password_file.read_text(encoding="utf-8").strip()
    shots = tmp_path / "screenshots"
    shots.mkdir()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{live_server.info.url}/user/login/")
        page.fill('input[name="email"]', live_server.info.username)
        page.fill('input[name="password"]', password)
        page.click('button[type="submit"], input[type="submit"]')
        page.wait_for_url("**/projects/**")
        page.goto(f"{live_server.info.url}/projects/{project.id}/data?task={task.id}")
        page.get_by_text("Tashkent", exact=False).first.wait_for()

        _label_button(page, "GPE").click()
        _select_word(page, "Tashkent")
        page.locator(".htx-highlight").first.wait_for()
        page.screenshot(path=str(shots / "1-entity.png"))
        page.locator(".htx-highlight").first.click()  # select the region
        _label_button(page, "Travel").click()  # try the trigger label on it
        page.screenshot(path=str(shots / "2-trigger-tried.png"))
        page.get_by_role("button", name="Submit").click()
        page.wait_for_timeout(2000)
        page.screenshot(path=str(shots / "3-submitted.png"))
        browser.close()

    (annotated,) = [t for t in live_client.export_json(project.id).tasks if t["id"] == task.id]
    (annotation,) = annotated["annotations"]
    regions = [r for r in annotation["result"] if r.get("type") == "labels"]
    assert len(regions) == 1, f"{regions} (screenshots in {shots})"
    (region,) = regions
    assert region["value"]["labels"] in (["GPE"], ["Travel"]), regions
    assert region["value"]["text"] == "Tashkent"
    doc = results_to_document(task.id, annotated["data"], annotation["result"], SCHEMA).document
    assert len(doc.entities) + len(doc.events) == 1  # one region, one label: pulls without a problem
    assert all((shots / n).stat().st_size > 10_000 for n in ("1-entity.png", "2-trigger-tried.png", "3-submitted.png"))
