"""Shared fixtures. Every test gets its own config dir (key files) and data home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("CLERKDESK_CONFIG", str(cfg))
    monkeypatch.setenv("CLERKDESK_KEYRING", "0")
    monkeypatch.delenv("CLERKDESK_KEY_FILE", raising=False)
    monkeypatch.delenv("CLERKDESK_HOME", raising=False)
    monkeypatch.setenv("CLERKDESK_CLERK", "test-clerk")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture
def cli_env(home: Path) -> dict[str, str]:
    """Environment for running the CLI as a subprocess against HOME."""
    env = dict(os.environ)
    env["CLERKDESK_HOME"] = str(home)
    return env
