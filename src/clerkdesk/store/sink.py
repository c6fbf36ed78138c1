"""Append-only sinks for the audit head: copies of each committed head that nobody at the workstation can take back.

The anchor beside the key (``store/anchor.py``) catches a wiped, cut or rolled-back log as long as the anchor
file itself is not rolled back with it. An administrator with access to both the data folder and the key
folder can put back an older database *and* the older anchor together, and the two agree. The machine policy
can therefore name sinks outside the workstation that only ever grow:

- ``file:/mnt/audit/{host}.log`` — one line per committed head, appended (``O_APPEND``) to a file on a
  write-once share (or a local file with ``chattr +a``, or a WORM volume). ``audit verify`` reads it back and
  checks *every* line of this store against the database: a line naming a row the database no longer has, or
  with another hash, is reported — so a consistent rollback of database + anchor is still found.
- ``syslog`` (the local syslog socket, e.g. journald's ``/dev/log``), ``syslog:/path/to/socket`` or
  ``syslog://host:514`` (UDP, the hall's log server): the same line, as an ``authpriv.notice`` message tagged
  ``clerkdesk-audit``. ClerkDesk cannot read these back; an auditor compares them (``journalctl -t
  clerkdesk-audit``) with ``audit verify --json``'s head.

- ``eventlog`` (this PC's Windows event log, Application, source ``ClerkDesk``) or ``eventlog://SERVER`` (the
  event log of the hall's log server, by its UNC name): the same line as an information event 1000. The MSI
  registers the source with .NET's ``EventLogMessages.dll``, so Event Viewer shows the line itself; Windows
  Event Forwarding can collect it. Only on Windows: elsewhere the sink reports that it cannot be written.

Each line is signed with the audit key (as the anchor is), so a line added by someone without the key is
recognised as forged. A sink that cannot be written never undoes the clerk's action: the error is kept and
``audit verify`` reports it.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clerkdesk.errors import ConfigError

TAG = "clerkdesk-audit"


@dataclass(frozen=True)
class SinkHead:
    seq: int
    hash: str
    at: str
    sig: str


def parse_sink(spec: str, where: str = "audit_sinks") -> str:
    """Check one sink spec; returns it unchanged. A ConfigError names the policy line otherwise."""
    if spec.startswith("syslog://"):
        try:
            parts = urlsplit(spec)
            ok = bool(parts.hostname) and (parts.port is None or 0 < parts.port < 65536)
        except ValueError:
            ok = False
        if not ok:
            raise ConfigError(f"{where}: {spec!r} is not syslog://host:port")
        return spec
    if spec == "syslog" or spec.startswith("syslog:/"):
        return spec
    if spec == "eventlog" or spec.startswith("eventlog://"):
        server = spec[len("eventlog://"):] if spec != "eventlog" else ""
        if spec != "eventlog" and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}", server):
            raise ConfigError(f"{where}: {spec!r} is not eventlog://SERVER (a host name)")
        return spec
    if spec.startswith("file:"):
        path = spec[5:]
        if not (Path(path).is_absolute() or path.startswith("\\\\") or path[1:3] in (":\\", ":/")):
            raise ConfigError(f"{where}: {spec!r} needs an absolute path after file:")
        return spec
    raise ConfigError(f"{where}: unknown audit sink {spec!r} (use file:/path, syslog, syslog:/socket, "
                      "syslog://host:port, eventlog or eventlog://server)")


def _file_path(spec: str) -> Path:
    return Path(spec[5:].replace("{host}", socket.gethostname()))


class AuditSinks:
    """The sinks a machine policy names (none by default)."""

    def __init__(self, specs: tuple[str, ...] = ()):
        self.specs = specs
        self.error = ""
        self._syslog: dict[str, logging.Logger] = {}

    @classmethod
    def from_policy(cls) -> AuditSinks:
        from clerkdesk.config import policy

        pol = policy()
        return cls(tuple(pol.values.get("audit_sinks", ())))

    @staticmethod
    def line(store_id: str, head: SinkHead) -> str:
        return json.dumps({"tag": TAG, "store": store_id, "seq": head.seq, "hash": head.hash, "at": head.at,
                           "sig": head.sig}, separators=(",", ":"))

    def emit(self, store_id: str, head: SinkHead) -> None:
        """Send one committed head to every sink; failures are kept in ``error``, never raised."""
        text = self.line(store_id, head)
        errors = []
        for spec in self.specs:
            try:
                if spec.startswith("file:"):
                    path = _file_path(spec)
                    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                    try:
                        os.write(fd, (text + "\n").encode("utf-8"))  # one write: lines from hall PCs never interleave
                    finally:
                        os.close(fd)
                elif spec.startswith("eventlog"):
                    report_event(spec[len("eventlog://"):] if spec != "eventlog" else "", text)
                else:
                    self._logger(spec).info(text)
            except OSError as e:
                errors.append(f"{spec}: {e.strerror or e}")
        if errors and not self.error:  # the first failure stays (a later success does not undo a missing head)
            self.error = "; ".join(errors)

    def _logger(self, spec: str) -> logging.Logger:
        lg = self._syslog.get(spec)
        if lg is None:
            if spec == "syslog":
                addr: str | tuple[str, int] = "/dev/log" if os.path.exists("/dev/log") else ("localhost", 514)
            elif spec.startswith("syslog://"):
                parts = urlsplit(spec)
                addr = (str(parts.hostname), parts.port or 514)
            else:
                addr = spec[len("syslog:"):]
            handler = logging.handlers.SysLogHandler(address=addr,
                                                     facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV)
            handler.ident = TAG + ": "
            handler.mapPriority = lambda _level: "notice"  # type: ignore[method-assign]
            lg = logging.Logger(f"{TAG}:{spec}", logging.INFO)
            lg.propagate = False
            lg.addHandler(handler)
            self._syslog[spec] = lg
        return lg

    def readable_heads(self, store_id: str) -> dict[str, list[SinkHead]]:
        """Every head of STORE_ID in each sink ClerkDesk can read back (file sinks), by spec."""
        out: dict[str, list[SinkHead]] = {}
        for spec in self.specs:
            if not spec.startswith("file:"):
                continue
            heads: list[SinkHead] = []
            try:
                text = _file_path(spec).read_text(encoding="utf-8", errors="replace")
            except FileNotFoundError:
                out[spec] = heads
                continue
            for raw in text.splitlines():
                try:
                    d = json.loads(raw)
                    if d.get("tag") == TAG and d.get("store") == store_id:
                        heads.append(SinkHead(int(d["seq"]), str(d["hash"]), str(d["at"]), str(d["sig"])))
                except (ValueError, KeyError, TypeError, AttributeError):
                    heads.append(SinkHead(-1, "", "", ""))  # an unreadable line: reported, never skipped
            out[spec] = heads
        return out


EVENT_SOURCE = "ClerkDesk"
EVENT_ID = 1000
_EVENTLOG_INFORMATION_TYPE = 0x0004


def report_event(server: str, text: str, api: Any = None) -> None:
    """Write TEXT to the Windows event log of SERVER ("" = this PC) as an information event of ClerkDesk.

    ``RegisterEventSourceW`` / ``ReportEventW`` / ``DeregisterEventSource`` of advapi32 through ctypes (no
    pywin32 in the wheelhouse). API is advapi32 itself; tests on Linux pass a stand-in that records the calls,
    as this machine has no event log. A failure is an OSError, which ``AuditSinks.emit`` keeps for
    ``audit verify`` like any other sink's.
    """
    import ctypes

    if api is None:
        if sys.platform != "win32":
            raise OSError("the Windows event log exists only on Windows (audit_sinks names eventlog)")
        api = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
    handle = api.RegisterEventSourceW(server or None, EVENT_SOURCE)
    if not handle:
        raise OSError(f"the event log of {server or 'this PC'} refused the source {EVENT_SOURCE} "
                      f"(Windows error {_last_error()})")
    try:
        strings = (ctypes.c_wchar_p * 1)(text)
        if not api.ReportEventW(handle, _EVENTLOG_INFORMATION_TYPE, 0, EVENT_ID, None, 1, 0, strings, None):
            raise OSError(f"the event log of {server or 'this PC'} did not take the audit head "
                          f"(Windows error {_last_error()})")
    finally:
        api.DeregisterEventSource(handle)


def _last_error() -> int:
    import ctypes

    get = getattr(ctypes, "get_last_error", None)
    return int(get()) if get is not None else 0
