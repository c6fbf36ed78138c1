"""Where the recipes come from: an unusable folder is a clear error, never an empty list of matters."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_missing_recipes_folder_is_named(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(cli_env, CLERKDESK_RECIPES=str(tmp_path / "nowhere"))
    p = subprocess.run([sys.executable, "-m", "clerkdesk", "recipe", "list"], env=env, capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 2
    assert f"no recipes at {tmp_path / 'nowhere'}" in p.stderr and "CLERKDESK_RECIPES" in p.stderr


def test_an_offline_install_finds_the_recipes_beside_its_venv(tmp_path: Path) -> None:
    """packaging/offline-bundle.sh's install.sh lays out DEST/venv and DEST/recipes; no variable is needed."""
    from clerkdesk import config

    dest = tmp_path / "opt-clerkdesk"
    (dest / "recipes" / "systems").mkdir(parents=True)
    code = ("import sys; from pathlib import Path; import clerkdesk.config as c; "
            "c.__file__ = str(Path(sys.argv[1]) / 'site' / 'clerkdesk' / 'config.py'); "  # not a checkout
            "print(c.recipes_dir())")
    env = {k: v for k, v in os.environ.items() if k != "CLERKDESK_RECIPES"}
    env["PYTHONPATH"] = str(Path(config.__file__).parents[1])  # this source tree, as if site-packages
    venv = dest / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    p = subprocess.run([str(venv / "bin" / "python"), "-c", code, str(dest)], env=env, capture_output=True,
                       text=True, timeout=60, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert Path(p.stdout.strip()) == dest / "recipes"
    assert config.recipes_dir() != dest / "recipes"  # this checkout still uses its own
