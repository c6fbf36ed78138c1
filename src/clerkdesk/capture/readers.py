"""二代证 card readers: a Protocol shaped like the vendor SDKs, a plugin registry, a simulated reader.

Vendor SDKs (神思, 华视, 精伦, 新中新 …) share one call sequence, whatever
their function names: open the port (``InitComm``/``SDT_OpenPort``), find and
select the card (``Authenticate``/``SDT_StartFindIDCard`` + ``SDT_SelectIDCard``),
read the base information (``Read_Content``/``SDT_ReadBaseMsg``: text fields and
the decoded photo), close the port. :class:`CardReader` is that sequence; a
vendor plugin wraps its SDK in a class with these four methods and registers
a factory under the entry-point group ``clerkdesk.card_readers``
(see ``docs/capture.md``). Readers return canonical field names, the same as
document OCR, and the same checks apply (:func:`check_card`).
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from clerkdesk.capture.problems import problem
from clerkdesk.capture.specimen import silhouette, specimen_card
from clerkdesk.errors import ClerkDeskError, ConfigError, Problem
from clerkdesk.records.codes import ethnic_group_names
from clerkdesk.records.standards import check_id_number

ENTRY_POINT_GROUP = "clerkdesk.card_readers"
CARD_FIELDS = (
    "name", "sex", "ethnicity", "birth_date", "address", "id_number", "issuing_authority", "valid_from", "valid_to",
)


class CardReaderError(ClerkDeskError):
    """The reader is missing, busy, or the card could not be read."""

    exit_code = 1


@dataclass(frozen=True)
class CardData:
    """What a reader returns: canonical fields (``valid_to`` None = 长期), the photo, and who read it."""

    fields: dict[str, str | None]
    photo: bytes = b""  # image bytes as decoded by the vendor (PNG/BMP/JPEG); b"" if none
    photo_format: str = "png"
    reader: str = ""
    problems: list[Problem] = field(default_factory=list)


@runtime_checkable
class CardReader(Protocol):
    """One physical (or simulated) 二代证 reader. Methods mirror the vendor SDK call sequence."""

    name: str

    def open(self, port: str | None = None) -> None:
        """Open the port: ``None``/``"auto"`` searches USB then serial ports; ``"usb"``, ``"COM3"``, ``"/dev/ttyUSB0"``."""
        ...

    def authenticate(self, timeout: float = 5.0) -> bool:
        """Find and select a card (找卡 + 选卡). False when no card was placed within TIMEOUT seconds."""
        ...

    def read_base_info(self) -> CardData:
        """Read the base information (文字信息 + 照片). Raises CardReaderError if it fails."""
        ...

    def close(self) -> None:
        """Release the port. Safe to call twice."""
        ...


class SimulatedReader:
    """A reader with a specimen card on it (``capture.specimen``: training, the demo, tests). Never real data."""

    name = "simulated"

    def __init__(self, seed: int = 0, *, card_present: bool = True, fail_read: bool = False):
        self.seed = seed
        self.card_present = card_present
        self.fail_read = fail_read
        self.is_open = False
        self._selected = False

    def open(self, port: str | None = None) -> None:
        if port not in (None, "auto", "usb", "sim"):
            raise CardReaderError(f"simulated reader: no such port {port!r} (use auto, usb or sim)")
        self.is_open = True

    def authenticate(self, timeout: float = 5.0) -> bool:
        if not self.is_open:
            raise CardReaderError("simulated reader: port not open; call open() first")
        self._selected = self.card_present
        return self._selected

    def read_base_info(self) -> CardData:
        if not self._selected:
            raise CardReaderError("simulated reader: no card selected; call authenticate() first")
        if self.fail_read:
            raise CardReaderError("simulated reader: read failed (card moved?)")
        return CardData(fields=specimen_card(self.seed), photo=_photo_png(self.seed), photo_format="png", reader=self.name)

    def close(self) -> None:
        self.is_open = False
        self._selected = False


def _photo_png(seed: int) -> bytes:
    from PIL import Image

    img = Image.new("RGB", (102, 126), (255, 255, 255))  # 二代证 photos are 102 × 126
    silhouette(img, (0, 0, 101, 125), random.Random(seed))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


ReaderFactory = Callable[[], CardReader]
BUILTIN: dict[str, ReaderFactory] = {"simulated": SimulatedReader}


def available_readers(*, plugins: bool | None = None) -> dict[str, ReaderFactory]:
    """Built-in readers plus vendor plugins from the ``clerkdesk.card_readers`` entry-point group.

    Plugins are skipped when PLUGINS is False or ``$CLERKDESK_NO_PLUGINS`` is set (as the tests do).
    """
    out = dict(BUILTIN)
    if plugins is None:
        plugins = not os.environ.get("CLERKDESK_NO_PLUGINS")
    if plugins:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            out.setdefault(ep.name, _lazy(ep))
    return out


def _lazy(ep: object) -> ReaderFactory:
    def make() -> CardReader:
        factory = ep.load()  # type: ignore[attr-defined]
        reader = factory()
        if not isinstance(reader, CardReader):
            raise ConfigError(f"card reader plugin {ep.name!r} does not implement CardReader")  # type: ignore[attr-defined]
        return reader

    return make


def get_reader(name: str = "simulated", *, plugins: bool | None = None) -> CardReader:
    readers = available_readers(plugins=plugins)
    if name not in readers:
        raise ConfigError(f"unknown card reader {name!r}; installed: {', '.join(sorted(readers))}")
    return readers[name]()


@contextmanager
def opened(reader: CardReader, port: str | None = None) -> Iterator[CardReader]:
    reader.open(port)
    try:
        yield reader
    finally:
        reader.close()


def read_card(reader: CardReader, port: str | None = None, timeout: float = 5.0) -> CardData:
    """Open, authenticate, read, close; the result carries the same checks as OCR capture."""
    with opened(reader, port):
        if not reader.authenticate(timeout):
            raise CardReaderError("no card on the reader (请将身份证放在读卡器上)")
        data = reader.read_base_info()
    return CardData(data.fields, data.photo, data.photo_format, data.reader or reader.name, check_card(data.fields))


def check_card(fields: dict[str, str | None]) -> list[Problem]:
    """Chip data is signed, so OCR-style repair never applies; still check what a faulty reader could garble."""
    out: list[Problem] = []
    for name in CARD_FIELDS:
        if name != "valid_to" and not fields.get(name):
            out.append(problem(name, "missing"))
    number = fields.get("id_number") or ""
    info, rules = check_id_number(number, "id_number", allow_15=False) if number else (None, [])
    out.extend(rules)  # the records rules, as `clerkdesk check id` states them
    if info is not None:
        out.extend(info.warnings)
        if fields.get("birth_date") and fields["birth_date"] != f"{number[6:10]}-{number[10:12]}-{number[12:14]}":
            out.append(problem("birth_date", "birth_date_mismatch"))
        if fields.get("sex") and fields["sex"] != ("男" if int(number[16]) % 2 else "女"):
            out.append(problem("sex", "sex_mismatch"))
    if fields.get("ethnicity") and fields["ethnicity"] not in ethnic_group_names():
        out.append(problem("ethnicity", "ethnicity_unknown"))
    return out
