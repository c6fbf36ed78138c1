from __future__ import annotations

import pytest

from clerkdesk.capture import readers as rd
from clerkdesk.capture.specimen import SPECIMEN_CARDS
from clerkdesk.errors import ConfigError
from clerkdesk.records.standards import id_number_valid


def test_simulated_reader_follows_the_sdk_sequence() -> None:
    r = rd.SimulatedReader(seed=3)
    assert isinstance(r, rd.CardReader)
    with pytest.raises(rd.CardReaderError, match="port not open"):
        r.authenticate()
    r.open("usb")
    with pytest.raises(rd.CardReaderError, match="no card selected"):
        r.read_base_info()
    assert r.authenticate(timeout=0.1)
    data = r.read_base_info()
    r.close()
    r.close()  # twice is fine
    assert set(data.fields) == set(rd.CARD_FIELDS)
    assert id_number_valid(data.fields["id_number"] or "")
    assert data.photo.startswith(b"\x89PNG")


def test_read_card_checks_and_closes() -> None:
    r = rd.SimulatedReader(seed=11)
    data = rd.read_card(r)
    assert data.problems == [] and data.reader == "simulated" and not r.is_open


def test_no_card_and_failed_read_are_clear_errors() -> None:
    with pytest.raises(rd.CardReaderError, match="no card"):
        rd.read_card(rd.SimulatedReader(card_present=False))
    r = rd.SimulatedReader(fail_read=True)
    with pytest.raises(rd.CardReaderError, match="read failed"):
        rd.read_card(r)
    assert not r.is_open


def test_check_card_reports_garbled_fields() -> None:
    data = rd.SimulatedReader(seed=2)
    data.open()
    data.authenticate()
    fields = dict(data.read_base_info().fields)
    fields["sex"] = "女" if fields["sex"] == "男" else "男"
    fields["ethnicity"] = "火星"
    codes = {p.code for p in rd.check_card(fields)}
    assert codes == {"sex_mismatch", "ethnicity_unknown"}


def test_registry_builtin_and_unknown() -> None:
    assert "simulated" in rd.available_readers()
    assert isinstance(rd.get_reader("simulated"), rd.SimulatedReader)
    with pytest.raises(ConfigError, match="unknown card reader 'acme'"):
        rd.get_reader("acme")


class _Vendor:
    name = "acme"

    def open(self, port: str | None = None) -> None: ...
    def authenticate(self, timeout: float = 5.0) -> bool: return False
    def read_base_info(self) -> rd.CardData: raise rd.CardReaderError("no")
    def close(self) -> None: ...


class _EntryPoint:
    name = "acme"

    def load(self) -> type[_Vendor]:
        return _Vendor


def test_plugins_come_from_the_entry_point_group(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def fake_entry_points(group: str) -> list[_EntryPoint]:
        seen.append(group)
        return [_EntryPoint()]

    monkeypatch.setattr(rd, "entry_points", fake_entry_points)
    assert "acme" not in rd.available_readers()  # $CLERKDESK_NO_PLUGINS set by conftest
    reader = rd.get_reader("acme", plugins=True)
    assert seen == [rd.ENTRY_POINT_GROUP] and reader.name == "acme"
    with pytest.raises(rd.CardReaderError, match="no card"):
        rd.read_card(reader)


@pytest.mark.parametrize("seed", range(len(SPECIMEN_CARDS)))
def test_every_specimen_card_passes_the_records_rules(seed: int) -> None:
    """The training cards are frozen data: a typo in one would show the clerk a problem on a 'good' card."""
    data = rd.read_card(rd.SimulatedReader(seed=seed))
    assert data.fields == SPECIMEN_CARDS[seed] and set(data.fields) == set(rd.CARD_FIELDS)
    assert data.problems == [] and id_number_valid(data.fields["id_number"] or "")
    assert rd.read_card(rd.SimulatedReader(seed=seed + len(SPECIMEN_CARDS))).fields == data.fields  # seeds cycle
