"""The Windows wheelhouse is resolved for Windows on this Linux machine (markers evaluated for win32, not for
the build host), each pin is a win_amd64/cp311 or pure-Python wheel, and an incomplete set is named as such."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wheelhouse", ROOT / "packaging" / "windows" / "wheelhouse.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


wh = _load()


@pytest.fixture(scope="module")
def desktop_pins() -> dict[str, str]:
    return {p.split("==")[0].lower(): p for p in wh.resolve(["desktop"])}


def test_desktop_dependencies_are_resolved_for_windows(desktop_pins: dict[str, str]) -> None:
    names = set(desktop_pins)
    assert {"pyautogui", "pygetwindow", "pymsgbox", "mss"} <= names  # pygetwindow: Windows-only, via a marker
    assert not names & {"python3-xlib", "python-xlib"}  # Linux-only: the build host's markers were not used


@pytest.mark.slow
def test_a_binary_pin_and_a_source_only_pin_become_windows_wheels(tmp_path: Path,
                                                                  desktop_pins: dict[str, str]) -> None:
    pins = desktop_pins
    binary = wh.fetch(pins["pillow"], tmp_path)
    assert binary.name.endswith("-cp311-cp311-win_amd64.whl"), binary.name
    source_only = wh.fetch(pins["mouseinfo"], tmp_path)  # published as an sdist only: built pure here
    assert source_only.name.endswith("-none-any.whl")
    (tmp_path / wh.LOCK).write_text(f"{pins['pillow']}\n{pins['mouseinfo']}\n{pins['mss']}\n", encoding="utf-8")
    assert wh.missing(tmp_path) == [pins["mss"]]  # what payload.py reports before naming the MSI -nodeps
