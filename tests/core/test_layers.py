"""Import layers (import-linter, config in pyproject [tool.importlinter]): the pure core stays pure."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def test_lint_imports_passes() -> None:
    p = subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr


def test_the_contracts_hold(tmp_path: Path) -> None:
    """The same contracts, with external packages included (the forbidden list names PySide6, playwright …),
    so a broken contract shows here even while the configuration itself is being fixed."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    lines = [f'root_package = "{cfg["root_package"]}"', "include_external_packages = true"]
    out = ["[importlinter]", *(line.replace(" = ", ": ").replace('"', "") for line in lines)]
    for i, c in enumerate(cfg["contracts"]):
        out.append(f"\n[importlinter:contract:{i}]")
        for k, v in c.items():
            if isinstance(v, list):
                out.append(f"{k} =\n" + "\n".join(f"    {x}" for x in v))
            else:
                out.append(f"{k} = {str(v).lower() if isinstance(v, bool) else v}")
    ini = tmp_path / "importlinter.ini"
    ini.write_text("\n".join(out) + "\n", encoding="utf-8")
    p = subprocess.run([LINT_IMPORTS, "--no-cache", "--config", str(ini)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "BROKEN" not in p.stdout and "KEPT" in p.stdout
