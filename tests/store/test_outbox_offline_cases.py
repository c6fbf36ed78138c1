"""The offline outbox's hard cases, each against one real PostgreSQL with two data folders (two windows):

- a capture made offline after another window's newer edit landed surfaces as a conflict (never overwrites,
  never vanishes), whatever the order of the events (Hypothesis);
- settling a conflict keeps every field the other window edited unless the clerk chose otherwise for it, also
  when the other window edits again while the clerk looks at the conflict;
- a person erased at another window while this one was offline is neither recreated nor dropped in silence;
- two processes syncing the same outbox at once (the app and a second process on the workstation) land each
  entry once;
- a store whose connect hangs (a TCP server that accepts and never answers) is said unreachable within a
  bounded time and the capture is kept in the outbox.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storedata import make_id

from clerkdesk.store import open_store
from clerkdesk.store.outbox import Outbox

pytestmark = pytest.mark.own_backend

SYNC = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from clerkdesk.store import open_store
    from clerkdesk.store.outbox import Outbox
    home, url, go = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    store = open_store(home, url, clerk="clerk-a")
    box = Outbox.open(home, "clerk-a")
    while time.time() < go:
        time.sleep(0.0005)
    rep = box.sync(store)
    print(len(rep.applied), len(rep.conflicts))
""")


def _ids(n: int, seed: int = 0) -> list[str]:
    return [make_id("110105", date(1970 + (seed + i) % 40, 1 + i % 12, 1 + i % 28), 100 + seed + i) for i in range(n)]


def test_two_processes_syncing_one_outbox_land_each_entry_once(tmp_path: Path, pg_url: str) -> None:
    """The app and a second process on the same workstation sync the same outbox at the same moment: each
    entry lands once (one new profile version each), none is lost, none is left pending."""
    home = tmp_path / "window-1"
    store = open_store(home, pg_url, clerk="clerk-a")
    box = Outbox.open(home, "clerk-a")
    for rnd in range(3):
        ids = _ids(12, seed=rnd * 50)
        bases = {i: store.profiles.save("person", i, {"name": "甲", "phone": "1"}).version for i in ids}
        for i in ids:
            box.save_profile("person", i, {"phone": f"2{rnd}"}, base_version=bases[i])
        go = time.time() + 4.0
        procs = [subprocess.Popen([sys.executable, "-c", SYNC, str(home), pg_url, str(go)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        for i in ids:
            hist = store.profiles.history("person", i, audit=False)
            assert [v.version for v in hist] == [bases[i], bases[i] + 1], f"round {rnd}: {i} landed {len(hist) - 1}x"
            assert hist[-1].record["phone"] == f"2{rnd}"
        assert box.pending() == [] and box.conflicts() == []
    assert store.audit.verify().ok
    box.close()
    store.close()


def test_a_person_erased_elsewhere_while_offline_is_told_not_recreated_nor_dropped(tmp_path: Path,
                                                                                     pg_url: str) -> None:
    """Window B (a supervisor) erases people while window A is offline and captures them: A's sync neither
    recreates them in silence nor drops A's capture — each one is a conflict the clerk settles (keep it
    erased, or capture it again). A person erased *before* A's last look at the hall is simply new to A."""
    a = open_store(tmp_path / "a", pg_url, clerk="clerk-a")
    b = open_store(tmp_path / "b", pg_url, clerk="supervisor")
    looked, unlooked, gone_before, new = _ids(4, seed=7)
    seen = {i: b.profiles.save("person", i, {"name": "乙", "phone": "1"}).version for i in (looked, unlooked)}
    b.profiles.save("person", gone_before, {"name": "丙"})
    b.profiles.delete("person", gone_before)  # erased before window A last saw the hall
    box = Outbox.open(tmp_path / "a", "clerk-a")
    box.note_seen(a.profiles.high_water())  # A's poll, the last one before the store went away
    # offline at A: one person looked up before the cut, one captured without a look-up, two new to A
    box.save_profile("person", looked, {"name": "乙", "phone": "2"}, base_version=seen[looked])
    box.save_profile("person", unlooked, {"name": "乙", "phone": "3"})
    box.save_profile("person", gone_before, {"name": "丙", "phone": "4"})
    box.save_profile("person", new, {"name": "丁", "phone": "5"})
    b.profiles.delete("person", looked)  # meanwhile the supervisor erases both at window B
    b.profiles.delete("person", unlooked)
    out = box.sync(a)
    assert len(out.applied) == 2 and len(out.conflicts) == 2
    assert a.profiles.get("person", looked, audit=False) is None, "an erased person was recreated"
    assert a.profiles.get("person", unlooked, audit=False) is None, "an erased person was recreated"
    assert a.profiles.get("person", gone_before, audit=False).record["phone"] == "4"  # type: ignore[union-attr]
    assert a.profiles.get("person", new, audit=False).record["phone"] == "5"  # type: ignore[union-attr]
    conflicts = {c.key: c for c in box.conflicts()}
    assert set(conflicts) == {looked, unlooked}, "a capture of an erased person vanished"
    assert all(set(c.clash) == {"*"} for c in conflicts.values())
    # the clerk decides: keep one erased, capture the other again
    box.discard(conflicts[looked].id, a)
    box.resolve(conflicts[unlooked].id, conflicts[unlooked].record, a)
    assert a.profiles.get("person", looked, audit=False) is None
    assert a.profiles.get("person", unlooked, audit=False).record["phone"] == "3"  # type: ignore[union-attr]
    assert box.pending() == [] and box.conflicts() == [] and a.audit.verify().ok
    for x in (box, a, b):
        x.close()


FIELDS = ("phone", "hukou_address", "education", "marital_status")
VALUES = ("x", "y", "z")  # few values: windows often type the same one, or change a field back

edits = st.dictionaries(st.sampled_from(FIELDS), st.sampled_from(VALUES), min_size=1, max_size=len(FIELDS))


@st.composite
def schedules(draw: st.DrawFn) -> dict[str, object]:
    """One window A's outage: the hall's edits before A's last poll, A's capture (with or without a look-up),
    window B's edits during the outage before and after A's capture, the clerk's choices, and B editing again
    while the clerk looks at the conflict."""
    return {
        "base": draw(st.dictionaries(st.sampled_from(FIELDS), st.sampled_from(VALUES))),
        "pre": draw(st.lists(edits, max_size=2)),  # landed before A's last poll: old news to A
        "looked": draw(st.booleans()),  # A looked the person up before the cut (a version seen) or not
        "before": draw(st.lists(edits, max_size=2)),  # B, during the outage, before A's capture
        "capture": draw(edits),
        "after": draw(st.lists(edits, max_size=2)),  # B, during the outage, after A's capture
        "choices": draw(st.dictionaries(st.sampled_from(FIELDS), st.sampled_from(("here", "there")))),
        "meanwhile": draw(st.lists(edits, max_size=1)),  # B again, between the clerk's look and the clerk's save
    }


def _now(store: object, key: str) -> dict[str, object]:
    prof = store.profiles.get("person", key, audit=False)  # type: ignore[attr-defined]
    return dict(prof.record) if prof is not None else {}


def _theirs(ref: dict[str, object], cur: dict[str, object]) -> set[str]:
    return {k for k in set(ref) | set(cur) if ref.get(k) != cur.get(k)}


def test_offline_capture_against_the_other_windows_edits_in_any_order(tmp_path: Path, pg_url: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever lands at window B and in which order, A's offline capture never overwrites B's change in
    silence, never vanishes, and the clerk's settling of a conflict keeps every field B edited unless the
    clerk chose A's value for it — also when B edits again while the clerk decides (the decision was made on
    values no longer there: refused, and the conflict is shown again as it stands)."""
    from clerkdesk.desk.facade import Desk
    from clerkdesk.errors import ClerkDeskError

    monkeypatch.setenv("CLERKDESK_DATABASE_URL", pg_url)
    b = open_store(tmp_path / "b", pg_url, clerk="clerk-b")
    counter = iter(range(10_000))

    @settings(max_examples=int(os.environ.get("CLERKDESK_HYPOTHESIS_EXAMPLES", "60")), deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(schedules())
    def run(s: dict[str, object]) -> None:
        n = next(counter)
        (key,) = _ids(1, seed=1000 + n)
        home = tmp_path / f"a{n}"
        desk = Desk(home, "clerk-a")
        a = desk.session.store
        b.profiles.save("person", key, {"name": "甲", **s["base"]})  # type: ignore[dict-item]
        for e in s["pre"]:  # type: ignore[attr-defined]
            b.profiles.save("person", key, e)
        box = Outbox.open(home, "clerk-a")
        box.note_seen(a.profiles.high_water())  # A's last poll before the cut
        seen = a.profiles.get("person", key, audit=False).version if s["looked"] else None  # type: ignore[union-attr]
        ref = _now(a, key)
        for e in s["before"]:  # type: ignore[attr-defined]
            b.profiles.save("person", key, e)
        capture: dict[str, object] = dict(s["capture"])  # type: ignore[arg-type]
        box.save_profile("person", key, capture, base_version=seen)
        for e in s["after"]:  # type: ignore[attr-defined]
            b.profiles.save("person", key, e)
        there = _now(b, key)
        theirs = _theirs(ref, there)

        box.sync(a)  # the store is back
        got = _now(a, key)
        clash = {k for k, v in capture.items() if k in theirs and v != ref.get(k) and v != there.get(k)}
        assert box.pending() == []
        if clash:
            (c,) = box.conflicts()  # not vanished, and nothing of it written
            assert set(c.clash) == clash and got == there
        else:
            assert box.conflicts() == []
            for k in set(got) | set(capture) | set(there):
                want = there.get(k) if k in theirs else capture.get(k, there.get(k))
                assert got.get(k) == want, f"{k}: {got.get(k)!r}, want {want!r} (B's change overwritten or A's lost)"
        if clash:
            (shown,) = desk.conflicts.list()
            for f in shown.fields:
                assert f.there == there.get(f.field)
            for e in s["meanwhile"]:  # type: ignore[attr-defined]
                b.profiles.save("person", key, e)
            choices = {f.field: s["choices"].get(f.field, "here") for f in shown.fields}  # type: ignore[attr-defined]
            if s["meanwhile"]:
                latest = b.profiles.get("person", key, audit=False).version  # type: ignore[union-attr]
                with pytest.raises(ClerkDeskError, match="又被其他窗口修改"):
                    desk.conflicts.resolve(shown.id, choices, version=shown.version)  # type: ignore[arg-type]
                assert a.profiles.get("person", key, audit=False).version == latest  # type: ignore[union-attr]
                assert len(box.conflicts()) == 1, "a refused decision lost the conflict"
            now_there = _now(b, key)
            theirs = _theirs(ref, now_there)
            again = desk.conflicts.list()
            fresh = {k for k, v in capture.items() if k in theirs and v != ref.get(k) and v != now_there.get(k)}
            assert {f.field for c in again for f in c.fields} == fresh
            chosen: dict[str, str] = {}
            for c in again:
                chosen = {f.field: s["choices"].get(f.field, "here") for f in c.fields}  # type: ignore[attr-defined]
                for f in c.fields:
                    assert f.there == now_there.get(f.field), "the clerk was shown a value no longer there"
                desk.conflicts.resolve(c.id, chosen, version=c.version)  # type: ignore[arg-type]
            got = _now(a, key)
            for k in set(got) | set(capture) | set(now_there):
                if k in fresh:
                    want = capture[k] if chosen[k] == "here" else now_there.get(k)
                elif k in theirs:
                    want = now_there.get(k)  # B's edit, kept unless the clerk chose otherwise for that field
                else:
                    want = capture.get(k, now_there.get(k))
                assert got.get(k) == want, f"{k}: {got.get(k)!r}, want {want!r}"
            assert box.conflicts() == [] and box.pending() == []
        box.close()
        desk.close()

    run()
    assert b.audit.verify().ok
    b.close()
