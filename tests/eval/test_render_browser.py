"""The HTML report in a real browser: headless Chromium draws a non-blank page and keeps
document text (a ``<script>`` in it included) as text.

Needs Debian's ``chromium`` (``apt-get install -y chromium``). Without it the tests skip, except
under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import runpy
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from eval.counts import Scheme
from eval.render.html import render_html

pytestmark = pytest.mark.browser

reports = SimpleNamespace(**runpy.run_path(str(Path(__file__).parents[1] / "fixtures" / "render" / "reports.py")))

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WIDTH, HEIGHT = 1280, 2000
TIMEOUT = 120


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        reason = "chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the browser tests")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    report = reports.hostile_report()
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return SimpleNamespace(report=report, path=path)


def _run(chromium: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir()
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def decode_png(data: bytes) -> np.ndarray:
    """An 8-bit RGB/RGBA non-interlaced PNG as an (height, width, channels) uint8 array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, bytearray(), None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += length + 12
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    assert header is not None, "PNG without IHDR"
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(bytes(idat))
    out = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1)
        if kind == 0:
            row = line.copy()
        elif kind == 1:  # Sub: running sum along each channel
            row = (np.cumsum(line.reshape(width, bpp).astype(np.int64), axis=0) % 256).astype(np.uint8).ravel()
        elif kind == 2:  # Up
            row = line + previous
        elif kind in (3, 4):  # Average, Paeth: each byte needs the decoded byte to its left
            row = _unfilter_sequential(kind, line.tobytes(), previous.tobytes(), bpp)
        else:
            raise AssertionError(f"bad PNG filter {kind} on row {y}")
        out[y] = row
        previous = row
    return out.reshape(height, width, bpp)


def _unfilter_sequential(kind: int, line: bytes, up: bytes, bpp: int) -> np.ndarray:
    row = bytearray(line)
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = up[i]
        if kind == 3:
            row[i] = (row[i] + (a + b) // 2) & 0xFF
            continue
        c = up[i - bpp] if i >= bpp else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        predictor = a if pa <= pb and pa <= pc else b if pb <= pc else c
        row[i] = (row[i] + predictor) & 0xFF
    return np.frombuffer(bytes(row), dtype=np.uint8)


def test_png_decoder_reads_every_filter() -> None:
    pixels = np.array([[[10, 20, 30], [200, 100, 0]], [[255, 255, 255], [1, 2, 3]]], dtype=np.uint8)
    rows = pixels.reshape(2, -1).astype(np.int64)
    for kind in range(5):
        filtered = bytearray()
        previous: np.ndarray = np.zeros(rows.shape[1], dtype=np.int64)
        for row in rows:
            left = np.concatenate([np.zeros(3, dtype=np.int64), row[:-3]])
            up_left = np.concatenate([np.zeros(3, dtype=np.int64), previous[:-3]])
            if kind == 4:
                p = left + previous - up_left
                pa, pb, pc = abs(p - left), abs(p - previous), abs(p - up_left)
                predictor = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, previous, up_left))
            else:
                predictor = [np.zeros_like(row), left, previous, (left + previous) // 2][kind]
            filtered += bytes([kind]) + bytes(((row - predictor) % 256).astype(np.uint8))
            previous = row
        ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
        png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(bytes(filtered)))
        assert (decode_png(png + _chunk(b"IEND", b"")) == pixels).all(), f"filter {kind}"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_screenshot_is_a_drawn_page(chromium: str, page: SimpleNamespace, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    _run(chromium, tmp_path, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", page.path.as_uri())
    pixels = decode_png(shot.read_bytes())
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    rgb = pixels[..., :3].astype(np.uint32)
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    colours = len(np.unique(packed))
    assert colours > 200, f"only {colours} distinct colours: the page looks blank"
    ink = float((packed != 0xFFFFFF).mean())
    assert 0.03 < ink < 0.9, f"{ink:.1%} of the pixels are not white"
    # The bar chart's colours are drawn (precision blue, recall orange, F1 green).
    for colour in (0x4C78A8, 0xF58518, 0x54A24B):
        assert (packed == colour).sum() > 100, f"no bars in #{colour:06x}"


def test_dom_keeps_document_text_as_text(chromium: str, page: SimpleNamespace, tmp_path: Path) -> None:
    dom = _run(chromium, tmp_path, "--dump-dom", page.path.as_uri()).stdout
    strict = page.report.entities.micro[Scheme.STRICT].metrics.f1
    assert "goldbench report" in dom
    assert f'<div class="value">{strict:.3f}</div>' in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script" not in dom.lower()
    assert '<mark class="spurious">&lt;script&gt;alert(1)&lt;/script&gt;</mark>' in dom
