"""The audit anchor: the head of the audit chain (row number + hash) kept outside the database, beside the key.

The signed head in ``meta`` lives in the same file as the rows, so whoever can replace the file (an older
backup, a copy with its tail cut, a WAL lost in a power cut) replaces the head with it. The anchor is a small
file in the key folder (``<config>/keys/<store id>.audit-head``, or beside ``CLERKDESK_KEY_FILE``), signed
with the audit key, rewritten after every committed audit row. ``AuditLog.verify`` and ``Store.open``
compare it with the database: an anchor *ahead* of the database means rows that were written are gone.

The anchor only moves forward along the same chain: it is rewritten only when the row it names is still in
the database with the same hash, so a wiped or rewritten log cannot drag the anchor along with the next
clerk action. It is written after the commit (never naming a row that was rolled back); a crash between
the two leaves it one step behind, which is harmless (the rows after it are covered by the chain and the
signed head in ``meta``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clerkdesk.store.crypto import Cipher, key_file_path


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    at: str


def anchor_path(store_id: str) -> Path:
    return key_file_path(store_id).parent / f"{store_id}.audit-head"


class Anchor:
    def __init__(self, store_id: str, cipher: Cipher):
        self.store_id = store_id
        self.cipher = cipher
        self.path = anchor_path(store_id)

    def _sig(self, seq: int, hsh: str, at: str) -> str:
        return self.cipher.sign(f"anchor|{self.store_id}|{seq}|{hsh}|{at}")

    def sign(self, seq: int, hsh: str, at: str) -> str:
        """The signature of a head, also carried by the lines of the append-only sinks (``store/sink.py``)."""
        return self._sig(seq, hsh, at)

    def read(self) -> Head | None:
        """The anchored head; None when there is no anchor file. Raises ValueError when it was altered."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as e:
            raise ValueError(f"the audit anchor {self.path} cannot be read ({e.strerror})") from None
        try:
            d = json.loads(raw)
            head = Head(int(d["seq"]), str(d["hash"]), str(d["at"]))
            ok = d.get("store") == self.store_id and d.get("sig") == self._sig(head.seq, head.hash, head.at)
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            raise ValueError(f"the audit anchor {self.path} was altered or damaged (its signature does not match)")
        return head

    def write(self, seq: int, hsh: str, at: str) -> None:
        """Replace the anchor atomically (write a temporary file, then rename it over the old one)."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = json.dumps({"store": self.store_id, "seq": seq, "hash": hsh, "at": at,
                           "sig": self._sig(seq, hsh, at)})
        fd, tmp = tempfile.mkstemp(prefix=".audit-head-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(body + "\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def advance(self, conn: sqlite3.Connection, seq: int, hsh: str, at: str) -> bool:
        """Move the anchor to row SEQ if that continues the anchored chain; False when it stays where it is.

        It stays when another process already anchored a later row, and when the anchored row is no longer
        in the database as it was (wiped, cut or rewritten): the anchor then keeps the evidence for
        ``audit verify`` instead of following the damage.
        """
        try:
            cur = self.read()
        except ValueError:
            return False  # an altered anchor is reported by verify; never silently replaced
        if cur is not None:
            if cur.seq >= seq:
                return False
            if cur.seq > 0:
                row = conn.execute("select hash from audit where id = ?", [cur.seq]).fetchone()
                if row is None or row[0] != cur.hash:
                    return False
        self.write(seq, hsh, at)
        return True
