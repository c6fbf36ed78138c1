"""Append-only audit sinks: a rollback of the database *together with* the anchor beside the key (someone with
both folders) is still reported, because every head also went to a file on a write-once share or to syslog."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from clerkdesk.config import policy
from clerkdesk.errors import ConfigError
from clerkdesk.store import Store


@pytest.fixture
def sink_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    share = tmp_path / "share"
    share.mkdir()
    pol = tmp_path / "policy.toml"
    pol.write_text(f'audit_sinks = ["file:{share}/{{host}}.log"]\n', encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_POLICY", str(pol))
    return share / f"{socket.gethostname()}.log"


def acted(home: Path, n: int) -> str:
    s = Store.open(home)
    for i in range(n):
        s.audit.append("viewed", f"person:{i + 1}")
    sid = s.store_id
    s.close()
    return sid


def snapshot(home: Path, store: str, to: Path) -> list[Path]:
    """Copy what an admin with the data folder and the key folder could copy: the database and the anchor."""
    s = Store.open(home)
    anchor = s.anchor.path
    s.close()
    files = [p for p in home.iterdir() if p.name.startswith("clerkdesk.db")] + [anchor]
    to.mkdir()
    for p in files:
        shutil.copy2(p, to / p.name)
    return files


def put_back(files: list[Path], frm: Path) -> None:
    for p in files:
        if (frm / p.name).exists():
            shutil.copy2(frm / p.name, p)
        else:
            p.unlink(missing_ok=True)


def report(home: Path) -> tuple[bool, list[str], list[str]]:
    s = Store.open(home, allow_damaged=True)
    rep = s.audit.verify()
    s.close()
    return rep.ok, rep.problems, rep.notes


def test_every_committed_head_is_appended_signed(home: Path, sink_file: Path) -> None:
    acted(home, 5)
    lines = [json.loads(x) for x in sink_file.read_text(encoding="utf-8").splitlines()]
    seqs = [d["seq"] for d in lines]
    assert seqs == sorted(seqs) and seqs[-5:] == list(range(seqs[-1] - 4, seqs[-1] + 1))
    assert all(d["tag"] == "clerkdesk-audit" and len(d["sig"]) >= 32 for d in lines)
    ok, problems, notes = report(home)
    assert ok, problems
    assert any("append-only sink" in n for n in notes)


@pytest.mark.sqlite_only("puts back copies of the SQLite file and the anchor")
def test_rollback_of_database_and_anchor_together_is_reported(home: Path, sink_file: Path, tmp_path: Path) -> None:
    sid = acted(home, 8)
    files = snapshot(home, sid, tmp_path / "old")
    acted(home, 4)
    last = json.loads(sink_file.read_text(encoding="utf-8").splitlines()[-1])["seq"]
    put_back(files, tmp_path / "old")  # database and anchor agree again: only the sink remembers
    ok, problems, _ = report(home)
    assert not ok
    text = " ".join(problems)
    assert f"..{last} are gone" in text and "append-only sink" in text
    assert "anchor beside the key recorded" not in text  # the anchor was rolled back with the file


@pytest.mark.sqlite_only("puts back copies of the SQLite file and the anchor")
def test_rolled_back_and_written_again_is_reported(home: Path, sink_file: Path, tmp_path: Path) -> None:
    sid = acted(home, 6)
    files = snapshot(home, sid, tmp_path / "old")
    acted(home, 3)
    put_back(files, tmp_path / "old")
    acted(home, 3)  # the same row numbers again, with other content
    ok, problems, _ = report(home)
    assert not ok
    assert any("is not the row the append-only sink" in p for p in problems), problems


def test_a_line_added_without_the_key_is_reported(home: Path, sink_file: Path) -> None:
    sid = acted(home, 3)
    with sink_file.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"tag": "clerkdesk-audit", "store": sid, "seq": 2, "hash": "0" * 64,
                             "at": "2026-12-05T00:00:00", "sig": "forged"}) + "\n")
    ok, problems, _ = report(home)
    assert not ok and any("not signed with this store's key" in p for p in problems)


def test_an_unwritable_sink_never_undoes_the_action_and_is_reported(home: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pol = tmp_path / "policy.toml"
    pol.write_text(f'audit_sinks = ["file:{tmp_path}/no-such-share/audit.log"]\n', encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_POLICY", str(pol))
    s = Store.open(home)
    s.audit.append("viewed", "person:1")
    assert s.audit.rows()[-1]["action"] == "viewed"
    rep = s.audit.verify()
    s.close()
    assert not rep.ok and any("could not be written" in p for p in rep.problems)


def test_syslog_receives_each_head(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real syslog datagram socket (as journald's /dev/log is) receives one notice per committed head."""
    path = tmp_path / "log.sock"
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    srv.bind(str(path))
    srv.settimeout(5)
    pol = tmp_path / "policy.toml"
    pol.write_text(f'audit_sinks = ["syslog:{path}"]\n', encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_POLICY", str(pol))
    acted(home, 2)
    msgs = []
    try:
        while True:
            msgs.append(srv.recv(65536).decode("utf-8"))
    except TimeoutError:
        pass
    finally:
        srv.close()
    assert msgs, "no syslog message arrived"
    # <PRI>: facility authpriv (10) * 8 + severity notice (5) = 85
    assert all(m.startswith("<85>clerkdesk-audit: {") for m in msgs), msgs[:1]
    assert json.loads(msgs[-1].split(": ", 1)[1].rstrip("\x00"))["seq"] >= 2
    _, _, notes = report(home)
    assert any("cannot read those back" in n for n in notes)


@pytest.mark.parametrize("bad, says", [('["ftp://x/y"]', "unknown audit sink"),
                                       ('["file:relative/x.log"]', "absolute path"),
                                       ('["syslog://:99999"]', "syslog://host:port"),
                                       ('"syslog"', "must be a list")])
def test_bad_sink_settings_name_the_policy_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                bad: str, says: str) -> None:
    pol = tmp_path / "policy.toml"
    pol.write_text(f"keyring = false\naudit_sinks = {bad}\n", encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_POLICY", str(pol))
    with pytest.raises(ConfigError, match=says) as ei:
        policy()
    assert f"{pol}:2: audit_sinks" in str(ei.value)


def test_a_sink_outage_stays_reported_after_the_sink_is_back(home: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A head that never reached the sink is a gap an auditor must hear of, even once later heads arrive."""
    share = tmp_path / "share"
    pol = tmp_path / "policy.toml"
    pol.write_text(f'audit_sinks = ["file:{share}/audit.log"]\n', encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_POLICY", str(pol))
    s = Store.open(home)
    s.audit.append("viewed", "person:1")  # the share is not mounted yet
    share.mkdir()
    s.audit.append("viewed", "person:2")  # back: this head arrives
    rep = s.audit.verify()
    s.close()
    assert (share / "audit.log").exists()
    assert not rep.ok and any("could not be written" in p for p in rep.problems)


def test_the_windows_event_log_sink_is_reported_unwritable_off_windows(home: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine has no event log: the clerk's action stands and `audit verify` says why the sink failed."""
    pol = tmp_path / "policy.toml"
    pol.write_text('audit_sinks = ["eventlog", "eventlog://logsrv.hall.local"]\n', encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_POLICY", str(pol))
    s = Store.open(home)
    s.audit.append("viewed", "person:1")
    assert s.audit.rows()[-1]["action"] == "viewed"
    rep = s.audit.verify()
    s.close()
    assert not rep.ok
    assert any("could not be written: eventlog: the Windows event log exists only on Windows" in p
               for p in rep.problems), rep.problems


class AdvapiStandIn:
    """Records advapi32's event-log calls as ctypes would make them (this machine has no event log to call)."""

    def __init__(self, register: int = 7, report: int = 1) -> None:
        self.calls: list[tuple[object, ...]] = []
        self._register, self._report = register, report

    def RegisterEventSourceW(self, server: str | None, source: str) -> int:
        self.calls.append(("register", server, source))
        return self._register

    def ReportEventW(self, handle: int, etype: int, category: int, event_id: int, sid: object, n: int,
                     size: int, strings: object, data: object) -> int:
        self.calls.append(("report", handle, etype, category, event_id, n, [strings[i] for i in range(n)]))  # type: ignore[index]
        return self._report

    def DeregisterEventSource(self, handle: int) -> int:
        self.calls.append(("deregister", handle))
        return 1


def test_report_event_makes_the_win32_calls_with_the_signed_line() -> None:
    from clerkdesk.store.sink import AuditSinks, SinkHead, report_event

    line = AuditSinks.line("0123456789abcdef", SinkHead(3, "ab" * 32, "2026-12-05T09:00:00+08:00", "sig"))
    api = AdvapiStandIn()
    report_event("", line, api)
    assert api.calls == [("register", None, "ClerkDesk"), ("report", 7, 4, 0, 1000, 1, [line]), ("deregister", 7)]
    api = AdvapiStandIn()
    report_event("logsrv.hall.local", line, api)
    assert api.calls[0] == ("register", "logsrv.hall.local", "ClerkDesk")


def test_report_event_failures_are_oserrors_and_the_source_is_always_released() -> None:
    from clerkdesk.store.sink import report_event

    with pytest.raises(OSError, match="refused the source ClerkDesk"):
        report_event("", "x", AdvapiStandIn(register=0))
    api = AdvapiStandIn(report=0)
    with pytest.raises(OSError, match="did not take the audit head"):
        report_event("logsrv", "x", api)
    assert api.calls[-1] == ("deregister", 7)


def test_an_eventlog_server_must_be_a_host_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pol = tmp_path / "policy.toml"
    pol.write_text('keyring = false\naudit_sinks = ["eventlog://../x y"]\n', encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_POLICY", str(pol))
    with pytest.raises(ConfigError, match="is not eventlog://SERVER"):
        policy()
