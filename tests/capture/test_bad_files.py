"""Bad image files: one clear sentence and exit 2 (CLI) / ImageFileError (app), never a traceback.

Issue 18: an empty file died with ``cv2.error … !buf.empty()`` and exit 1. Files are made here for real
(a truncated JPEG is a real JPEG cut short); the bad ones never reach the OCR engine.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from clerkdesk.capture import imagefile
from clerkdesk.capture.documents import read_document
from clerkdesk.capture.imagefile import ImageFileError, load_image
from clerkdesk.cli.capture import capture


@pytest.fixture(autouse=True)
def _data_folder(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``capture`` reads through Desk, which audits each read in the data folder: a fresh one per test."""
    monkeypatch.setenv("CLERKDESK_HOME", str(home))


def _jpeg(w: int = 640, h: int = 400) -> bytes:
    rng = np.random.default_rng(1)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).save(buf, "JPEG", quality=80)
    return buf.getvalue()


BAD: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty": (lambda d: _write(d / "scan.png", b""), "empty"),
    "truncated": (lambda d: _write(d / "photo.jpg", _jpeg()[:4000]), "truncated"),
    "text renamed .jpg": (lambda d: _write(d / "card.jpg", "身份证 正面\n".encode() * 50), "not an image"),
    "pdf": (lambda d: _write(d / "scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 10), "a PDF document"),
    "word file": (lambda d: _write(d / "card.docx", b"PK\x03\x04" + b"\0" * 200), "Office document"),
    "tiny": (lambda d: _image(d / "tiny.png", 40, 30), "too small"),
}


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p


def _image(p: Path, w: int, h: int) -> Path:
    Image.new("RGB", (w, h), (200, 200, 200)).save(p)
    return p


@pytest.mark.parametrize("case", list(BAD))
def test_bad_file_is_one_clear_error(case: str, tmp_path: Path) -> None:
    make, words = BAD[case]
    path = make(tmp_path)
    with pytest.raises(ImageFileError, match=words) as e:
        load_image(path)
    assert e.value.exit_code == 2 and path.name not in str(e.value)  # scans are named after people
    with pytest.raises(ImageFileError, match=words):
        read_document(path, "idcard-front")  # before any OCR model loads


@pytest.mark.parametrize("case", list(BAD))
def test_cli_exits_2_naming_the_file(case: str, tmp_path: Path) -> None:
    make, words = BAD[case]
    path = make(tmp_path)
    res = CliRunner().invoke(capture, ["--kind", "idcard-front", str(path)])
    assert res.exit_code == 2, res.output
    assert str(path) in res.output and words in res.output and "Traceback" not in res.output


def test_huge_file_and_too_many_pixels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imagefile, "MAX_BYTES", 10_000)  # the real limit is 50 MB: same code path, smaller file
    big = _write(tmp_path / "big.jpg", _jpeg())
    with pytest.raises(ImageFileError, match="too large"):
        load_image(big)
    monkeypatch.setattr(imagefile, "MAX_BYTES", 50 * 2**20)
    monkeypatch.setattr(imagefile, "MAX_PIXELS", 100_000)
    with pytest.raises(ImageFileError, match="too many pixels"):
        load_image(big)


def test_a_jpeg_named_png_is_read_by_its_content(tmp_path: Path) -> None:
    p = _write(tmp_path / "scan.png", _jpeg(320, 200))
    assert load_image(p).shape == (200, 320, 3)


def test_pixels_handed_in_are_checked_too() -> None:
    with pytest.raises(ImageFileError, match="RGB uint8"):
        read_document(np.zeros((300, 400, 3), np.float32), "license")
    with pytest.raises(ImageFileError, match="too small"):
        read_document(np.zeros((0, 0, 3), np.uint8), "license")


def test_empty_file_as_a_subprocess_exits_2_without_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.jpg", b"")
    code = "from clerkdesk.cli.capture import capture; capture()"
    p = subprocess.run([sys.executable, "-c", code, "--kind", "idcard-front", str(path)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "empty" in p.stderr and "Traceback" not in p.stderr
