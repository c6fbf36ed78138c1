"""读取证件 from the screen: a document camera's (高拍仪) preview window or a region the clerk marks.

A real window under Xvfb shows a generated ID card; ``Desk.read_screen`` grabs it in memory and reads it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from clerkdesk.desk import Desk
from clerkdesk.testing.synth import make_sample, write_sample

pytestmark = [pytest.mark.desktop, pytest.mark.ocr]

TITLE = "高拍仪预览 - 测试"
VIEWER = Path(__file__).parents[1] / "support" / "image_viewer.py"


@pytest.fixture
def shown_card(display: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    monkeypatch.setenv("DISPLAY", display)
    arr, meta = make_sample("idcard-front", 101)
    image = write_sample(tmp_path, "card", arr, meta, jpeg=False)
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=display)
    env.pop("QT_SCALE_FACTOR", None)
    proc = subprocess.Popen([sys.executable, str(VIEWER), str(image), TITLE], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from clerkdesk.vision.windows import find_window

        find_window(TITLE, timeout=15)
        yield meta["truth"]
    finally:
        proc.terminate()
        proc.wait(5)


def test_reads_the_card_in_a_preview_window_and_in_a_marked_region(shown_card: dict[str, str], home: Path) -> None:
    from clerkdesk.vision.windows import find_window

    desk = Desk(home, clerk="tester")
    try:
        read = desk.read_screen("idcard-front", window="高拍仪预览")
        assert read.source == "screen" and read.ok, read.problems
        values = read.values()
        assert values["person.name"] == shown_card["name"]
        assert values["person.id_number"] == shown_card["id_number"]
        assert values["person.hukou_address"] == shown_card["address"]
        assert values["person.birth_date"] == shown_card["birth_date"]
        assert desk.store.db["documents"].count == 0  # nothing kept unless asked

        r = find_window(TITLE).rect
        again = desk.read_screen("idcard-front", region=(r.x0, r.y0, r.width, r.height), keep_image=True)
        assert again.values()["person.id_number"] == shown_card["id_number"]
        assert again.document_id is not None
        png = desk.document_image(again.document_id)
        assert png.startswith(b"\x89PNG") and len(png) > 10_000  # the grab, kept encrypted
        raw = (home / "clerkdesk.db").read_bytes()
        assert shown_card["id_number"].encode() not in raw
    finally:
        desk.close()


def test_bad_screen_sources_are_named(display: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", display)
    from clerkdesk.recipe.driver import DriverError

    desk = Desk(home, clerk="tester")
    try:
        with pytest.raises(ValueError, match="empty"):
            desk.read_screen("idcard-front", region=(10, 10, 0, 50))
        with pytest.raises(ValueError, match="not both"):
            desk.read_screen("idcard-front", region=(0, 0, 10, 10), window="x")
        with pytest.raises(DriverError, match="no window titled '没有这个窗口'"):
            desk.read_screen("idcard-front", window="没有这个窗口")
    finally:
        desk.close()


def test_cli_reads_a_window_and_refuses_two_sources(shown_card: dict[str, str], cli_env: dict[str, str],
                                                    display: str) -> None:
    import json

    env = dict(cli_env, DISPLAY=display, CLERKDESK_NO_PLUGINS="1")
    run = [sys.executable, "-m", "clerkdesk", "capture", "--kind", "idcard-front", "--json"]
    p = subprocess.run([*run, "--window", "高拍仪预览"], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, (p.stdout, p.stderr)
    got = json.loads(p.stdout)  # stdout is the JSON alone (python-xlib's xauth warning kept off it)
    assert got["fields"]["id_number"]["value"] == shown_card["id_number"]
    p = subprocess.run([*run, "--window", "x", "--screen", "0,0,10,10"], env=env, capture_output=True, text=True)
    assert p.returncode == 2 and "exactly one of IMAGE, --window TITLE or --screen" in p.stderr
    p = subprocess.run([*run, "--screen", "0,0,abc"], env=env, capture_output=True, text=True)
    assert p.returncode == 2 and "X,Y,WIDTH,HEIGHT" in p.stderr
