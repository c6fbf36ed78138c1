"""Fixtures for capture tests: synthetic SPECIMEN images made at test time with fixed seeds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from clerkdesk.capture.model import CaptureResult, Kind
from clerkdesk.testing.synth import make_sample

Sample = tuple[np.ndarray, dict[str, Any]]


@pytest.fixture(autouse=True)
def _no_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERKDESK_NO_PLUGINS", "1")


_cache: dict[tuple[Any, ...], tuple[Sample, CaptureResult]] = {}


@pytest.fixture(scope="session")
def read_sample() -> Callable[..., tuple[Sample, CaptureResult]]:
    """Generate (kind, seed, **options) once per session and read it with the real OCR engine."""
    from clerkdesk.capture.documents import read_document

    def read(kind: Kind, seed: int, **options: Any) -> tuple[Sample, CaptureResult]:
        key = (kind, seed, tuple(sorted(options.items())))
        if key not in _cache:
            sample = make_sample(kind, seed, **options)
            _cache[key] = (sample, read_document(sample[0], kind))
        return _cache[key]

    return read
