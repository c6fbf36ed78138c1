"""The drivers are built by composition: small collaborators with declared dependencies, no mixins; one import
path for the Driver protocol; the optional capabilities are what each driver really implements."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from clerkdesk.recipe.driver import AwaitsSystem, Driver, FramesCapable, UploadsFiles, WindowsCapable

SRC = Path(__file__).resolve().parents[2] / "src" / "clerkdesk"
DRIVERS = SRC / "drivers"
CAPABILITIES = (FramesCapable, WindowsCapable, UploadsFiles, AwaitsSystem)


def _classes() -> list[tuple[Path, ast.ClassDef]]:
    out = []
    for path in sorted(DRIVERS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        out += [(path, node) for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    return out


def _base_name(base: ast.expr) -> str:
    if isinstance(base, ast.Subscript):  # Generic[T], Protocol[T]
        base = base.value
    if isinstance(base, ast.Attribute):
        return base.attr
    return base.id if isinstance(base, ast.Name) else ast.unparse(base)


def test_the_scan_sees_the_drivers() -> None:
    names = {c.name for _, c in _classes()}
    assert {"PlaywrightDriver", "DesktopDriver", "ElementFinder", "FieldFinder", "Kits", "DialogHandler"} <= names


def test_no_mixins_in_the_drivers() -> None:
    """No ``*Mixin`` class, and no class with more than one base that is not a Protocol: a collaborator gets what
    it needs through its constructor, not from a host class it is mixed into."""
    bad = []
    for path, cls in _classes():
        where = f"{path.relative_to(SRC)}:{cls.lineno} {cls.name}"
        if cls.name.endswith("Mixin"):
            bad.append(f"{where}: a mixin")
        concrete = [n for n in map(_base_name, cls.bases) if n not in ("Protocol", "Generic", "object")]
        if len(concrete) > 1:
            bad.append(f"{where}: inherits from {', '.join(concrete)}")
    assert not bad, "\n".join(bad)


def test_the_scan_would_catch_a_mixin() -> None:
    """The same rules on a made-up module: the test above can fail."""
    tree = ast.parse("class AMixin: pass\nclass B(AMixin, dict): pass\nclass P(Protocol): pass\n")
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    assert [c.name for c in classes if c.name.endswith("Mixin")] == ["AMixin"]
    multi = [c.name for c in classes
             if len([b for b in map(_base_name, c.bases) if b not in ("Protocol", "Generic", "object")]) > 1]
    assert multi == ["B"]


def test_one_import_path_for_the_driver_protocol() -> None:
    assert not (SRC / "engine" / "driver.py").exists()
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("clerkdesk.engine.driver")
    users = [p for p in SRC.rglob("*.py") if "clerkdesk.engine.driver" in p.read_text(encoding="utf-8")]
    assert not users, users


def test_public_import_paths() -> None:
    from clerkdesk.drivers import make_driver
    from clerkdesk.drivers.desktop import DesktopDriver
    from clerkdesk.drivers.web import PlaywrightDriver, WebDriver

    assert WebDriver is PlaywrightDriver
    assert isinstance(make_driver("web"), WebDriver) and isinstance(make_driver("desktop"), DesktopDriver)


def test_capabilities_are_what_each_driver_implements() -> None:
    """The web driver has every optional capability; the desktop driver none — and no stubs that pretend."""
    from clerkdesk.drivers.desktop import DesktopDriver
    from clerkdesk.drivers.web import WebDriver

    web, desktop = WebDriver(), DesktopDriver()
    assert isinstance(web, Driver) and isinstance(desktop, Driver)
    assert all(isinstance(web, c) for c in CAPABILITIES)
    assert not any(isinstance(desktop, c) for c in CAPABILITIES)
    for name in ("upload", "enter_frame", "leave_frame", "enter_window", "leave_window", "awaiting_system"):
        assert not hasattr(desktop, name), name


def test_the_recipe_tests_recording_driver_has_the_real_drivers_capabilities() -> None:
    """The dry run wraps the real driver; the engine's capability check must see through the wrapper."""
    from clerkdesk.drivers.desktop import DesktopDriver
    from clerkdesk.drivers.web import WebDriver
    from clerkdesk.workbench.recipe_test import RecordingDriver

    web, desktop = RecordingDriver(WebDriver(), print), RecordingDriver(DesktopDriver(), print)
    assert isinstance(web, Driver) and isinstance(desktop, Driver)
    assert all(isinstance(web, c) for c in CAPABILITIES)
    assert not any(isinstance(desktop, c) for c in CAPABILITIES)
