"""`clerkdesk recipe probe` against the 住房公积金 sandbox client under Xvfb: every label is found with the input
box the driver would fill, the locators it prints resolve, and the annotated screenshot is saved."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

from clerkdesk.sandbox.desktop import launch
from clerkdesk.sandbox.desktop import layout as L
from clerkdesk.vision import windows

pytestmark = [pytest.mark.desktop, pytest.mark.ocr, pytest.mark.slow]

MAIN = L.MAIN_TITLE


@pytest.fixture
def gjj(display: str, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    proc = launch(tmp_path / "gjj.jsonl", "--operator", "0001", "--open", "open")
    deadline = time.monotonic() + 20
    while not windows.find_windows(MAIN) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the form opens right after the window
    yield proc
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()


def _near(a: list[int], b: tuple[int, int, int, int], tol: int = 3) -> bool:
    x, y, w, h = b
    return all(abs(p - q) <= tol for p, q in zip(a, [x, y, x + w, y + h], strict=True))


def test_probe_lists_labels_with_their_input_boxes_and_saves_the_screenshot(
        gjj: Any, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "shots" / "gjj.png"
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(home), "recipe", "probe", "--window", MAIN,
                        "--out", str(out), "--json"], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["window"]["title"] == MAIN and res["window"]["size"] == list(L.MAIN_SIZE)
    texts = res["texts"]
    by_text = {t["text"].rstrip("："): t for t in texts}
    tab0 = [f for f in L.matter("open").fields if f.tab == 0]
    for f in tab0:  # every label of the first tab, with the very box the layout puts beside it
        t = by_text[f.label]
        assert t["kind"] == "label" and t["input"]["side"] == "right", t
        assert _near(t["input"]["box"], L.field_rects(f)[1]), (f.label, t["input"]["box"], L.field_rects(f)[1])
        assert t["input"]["dropdown"] == (f.kind == "combo"), f.label
        assert t["locator"] == {"label": f.label}
        assert t["score"] > 0.8 and 0 < t["center"][0] < 1 and 0 < t["center"][1] < 1
    assert by_text["汉族"]["kind"] == "content" and by_text["汉族"]["locator"] == {}  # a combo box's current item
    assert by_text["保存"]["kind"] == "button" and by_text["保存"]["locator"] == {"text": "保存", "exact": True}
    # 个人开户 is on the tool bar and in the form's title: the locators tell them apart with nth
    both = [t["locator"] for t in texts if t["text"] == "个人开户"]
    assert both == [{"text": "个人开户", "exact": True, "nth": 0}, {"text": "个人开户", "exact": True, "nth": 1}]
    assert res["screenshot"] == str(out)
    img = Image.open(io.BytesIO(out.read_bytes()))
    assert img.size == (L.MAIN_SIZE[0], L.MAIN_SIZE[1] + 18)


def test_probe_text_output_and_a_missing_window(gjj: Any, home: Path, tmp_path: Path) -> None:
    from clerkdesk.cli import main

    runner = CliRunner()
    r = runner.invoke(main, ["--home", str(home), "recipe", "probe", "--window", "住房公积金",
                             "--out", str(tmp_path / "p.png")])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith(f"window '{MAIN}' 920×640")
    name = next(x for x in lines if " 姓名：" in x)
    assert "label → input right" in name and name.endswith("{label: 姓名}")
    assert any("民族：" in x and "drop-down right" in x for x in lines)
    assert "Annotated screenshot:" in r.output and "空白表单" in r.output
    assert (tmp_path / "p.png").read_bytes().startswith(b"\x89PNG")
    r = runner.invoke(main, ["recipe", "probe", "--window", "不存在的窗口", "--timeout", "0.3",
                             "--out", str(tmp_path / "q.png")])
    assert r.exit_code == 1 and "no window titled '不存在的窗口'" in r.output and "open windows:" in r.output
    assert not (tmp_path / "q.png").exists()
