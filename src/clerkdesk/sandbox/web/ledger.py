"""The submission log: one JSON line per accepted submission, with a unique receipt number."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: the in-process lock alone
    fcntl = None  # type: ignore[assignment]

# (sequence number, now) → receipt number
ReceiptFormat = Callable[[int, dt.datetime], str]


def hrss_receipt(seq: int, now: dt.datetime) -> str:
    """RS + yyyymmdd + 6-digit sequence, e.g. RS20261123000123."""
    return f"RS{now:%Y%m%d}{seq:06d}"


def amr_receipt(seq: int, now: dt.datetime) -> str:
    """SC + registration authority 110000 + yyyy + 6-digit sequence, e.g. SC1100002026000123."""
    return f"SC110000{now:%Y}{seq:06d}"


class Ledger:
    """Appends accepted submissions to LOG_DIR/<system>.jsonl; sequence numbers survive restarts."""

    def __init__(self, log_dir: Path, system: str, receipt: ReceiptFormat) -> None:
        self.path = Path(log_dir) / f"{system}.jsonl"
        self.system = system
        self._receipt = receipt
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def record(self, matter: str, fields: dict[str, str], labels: dict[str, str]) -> str:
        """Append one submission and return its new receipt number.

        The sequence is the number of lines already in the file, counted under an exclusive
        lock (flock where available), so two sandboxes sharing a log directory never reuse one.
        """
        with self._lock, self.path.open("a+", encoding="utf-8") as f:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                f.seek(0)
                seq = sum(1 for line in f if line.strip()) + 1
                now = dt.datetime.now().astimezone()
                receipt = self._receipt(seq, now)
                entry = {
                    "system": self.system,
                    "matter": matter,
                    "receipt": receipt,
                    "at": now.isoformat(timespec="milliseconds"),
                    "fields": fields,
                    "labels": labels,
                }
                f.seek(0, 2)
                f.write(json.dumps(entry, ensure_ascii=False) + "\n")
                f.flush()
            finally:
                if fcntl is not None:
                    fcntl.flock(f.fileno(), fcntl.LOCK_UN)
            return receipt
