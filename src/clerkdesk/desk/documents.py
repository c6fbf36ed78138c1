"""Document reading (读取证件): an ID card or business licence, from an image, the screen or a card reader, into
the record. Named ``documents``/``DocumentReading`` so that "capture" keeps one meaning elsewhere (the
recipe's step that reads a receipt); the OCR itself is ``clerkdesk.capture``.

Plain values in, plain values out, no Qt.

* ``Desk.read_document(path, kind)`` — OCR an image (``capture.documents.read_document``);
* ``Desk.read_screen(kind, region=… | window=…)`` — what is on the screen: a rectangle the clerk marked, or a
  window such as a document camera's (高拍仪) live preview or a scan viewer, grabbed in memory (never a file);
* ``Desk.read_card(reader)`` — a 二代证 reader (``capture.readers``; ``simulated`` unless a plugin is named);

both return a :class:`DocumentRead`: canonical record paths (``person.ethnicity``, ``enterprise.uscc`` …) →
value (canonical code / ISO date / number where the record wants one) + confidence + ``doubtful``, and the
problems (with canonical paths). A value that does not map to a code is kept as read and marked doubtful.

The image is stored only when the caller asks (``keep_image=True``; PIPL minimum necessary): encrypted in
the ``documents`` table, tied to a case or profile when known (``link_documents`` once the case exists).
Each read is audited (``document_read``) with the kind, the source and the field names — never values,
never the file name (a scan is often named after the person).
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clerkdesk.capture.doubt import doubt_below  # pure Python: no numpy for a CLI that only checks a number
from clerkdesk.desk.session import Session
from clerkdesk.errors import Problem
from clerkdesk.records import codes
from clerkdesk.store import Store

if TYPE_CHECKING:
    from clerkdesk.capture.model import CaptureResult  # numpy: not for a CLI that only checks an ID number

DOUBT_BELOW = 0.8  # the default doubt line; per field, as capture measured it: clerkdesk.capture.doubt
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")

# capture field name → canonical record path, per document kind ("idcard": a card reader, both sides)
PATHS: dict[str, dict[str, str]] = {
    "idcard-front": {"name": "person.name", "sex": "person.sex", "ethnicity": "person.ethnicity",
                     "birth_date": "person.birth_date", "address": "person.hukou_address",
                     "id_number": "person.id_number"},
    "idcard-back": {"issuing_authority": "person.issuing_authority", "valid_from": "person.id_valid_from",
                    "valid_to": "person.id_valid_to"},
    "license": {"uscc": "enterprise.uscc", "name": "enterprise.name", "entity_type": "enterprise.entity_type",
                "legal_rep": "enterprise.legal_rep.name", "registered_capital": "enterprise.registered_capital",
                "established": "enterprise.established", "address": "enterprise.address",
                "business_scope": "enterprise.business_scope"},
}
PATHS["idcard"] = {**PATHS["idcard-front"], **PATHS["idcard-back"]}
KIND_OF_PATH = {p: ("person" if p.startswith("person.") else "enterprise") for m in PATHS.values() for p in m.values()}


@dataclass(frozen=True)
class ReadField:
    """One field as read. ``value`` is what the record wants (a code, an ISO date, 万元) or, when it does not map,
    the text as read; ``text`` is always the text as read."""

    value: Any
    confidence: float
    doubtful: bool
    text: str | None = None
    reasons: tuple[str, ...] = ()  # problem codes, "low_confidence", "unresolved"
    flags: tuple[str, ...] = ()  # from capture: "corrected", "long_term", "from_id_number" …
    note: str = ""  # what the card showed when a proven value (the ID number's birth date/sex) replaced it


@dataclass
class DocumentRead:
    kind: str  # idcard-front | idcard-back | license | idcard (card reader)
    source: str  # "file" or "reader:<name>"
    fields: dict[str, ReadField] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    document_id: int | None = None  # set when the image was kept

    @property
    def applicant(self) -> str:
        return "enterprise" if self.kind == "license" else "person"

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def doubtful(self) -> list[str]:
        return [p for p, f in self.fields.items() if f.doubtful]

    def values(self) -> dict[str, Any]:
        return {p: f.value for p, f in self.fields.items()}


# --- values → canonical -------------------------------------------------------------------------------
_UPPER = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")} | {c: i for i, c in enumerate("〇一二三四五六七八九")}
_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}


def _upper_number(text: str) -> int | None:
    """伍佰零伍 → 505 (financial numerals below 万); None if TEXT is not one."""
    total, digit = 0, None
    for ch in text:
        if ch in _UPPER:
            digit = _UPPER[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0) if text else None


def capital_wan(text: str) -> str | None:
    """Registered capital as printed (伍佰万元整, 500万元人民币, 50.5万元) → 万元 as a number string; None if unsure."""
    t = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    t = re.sub(r"(人民币|\(人民币\)|元整|整)$", "", t)
    m = re.fullmatch(r"(?:人民币)?(\d+(?:\.\d+)?)万(?:元)?(?:人民币)?", t)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(?:人民币)?([零壹贰叁肆伍陆柒捌玖〇一二三四五六七八九拾十佰百仟千]+)万(?:元)?", t)
    if m:
        n = _upper_number(m.group(1))
        return str(n) if n else None
    return None


def _code(table: str, text: str) -> str | None:
    t = codes.table(table)
    norm = unicodedata.normalize("NFKC", text).strip()
    found = t.resolve(norm)
    if found is None and table == "ethnicity":
        found = t.resolve(norm + "族")  # ID cards print 汉, 蒙古 … without 族
    if found is None and table == "entity_type":
        found = t.resolve(re.sub(r"\(.*\)$", "", norm))  # 有限责任公司(自然人投资或控股) → 有限责任公司
    return found


def canonical(path: str, text: str | None) -> tuple[Any, bool]:
    """(value the record wants, resolved?) for TEXT read into PATH. Unresolved: the text, False."""
    if text is None:
        return None, True
    table = {"person.sex": "sex", "person.ethnicity": "ethnicity", "enterprise.entity_type": "entity_type"}.get(path)
    if table:
        found = _code(table, text)
        return (found, True) if found else (text, False)
    if path == "enterprise.registered_capital":
        wan = capital_wan(text)
        return (wan, True) if wan else (text, False)
    return text, True


def build(kind: str, source: str, raw: dict[str, tuple[str | None, float, tuple[str, ...]]],
          problems: Iterable[Problem], seconds: float = 0.0, notes: dict[str, str] | None = None) -> DocumentRead:
    """Map capture field names → canonical paths, values → codes, and mark what the clerk must check.

    A problem of severity ``info`` (a proven value replaced the card's reading) is shown but does not make
    its field doubtful: the value carries its own proof, and flags that cry wolf get ignored."""
    names = PATHS[kind]
    mapped = [Problem(names.get(p.field, p.field), p.code, p.zh, p.en, p.severity) for p in problems]
    out = DocumentRead(kind, source, problems=mapped, seconds=seconds)
    for name, path in names.items():
        if name not in raw:
            continue
        text, conf, flags = raw[name]
        value, resolved = canonical(path, text)
        reasons = [p.code for p in mapped if p.field == path and p.severity != "info"]
        if (conf < doubt_below(kind, name) and "low_confidence" not in reasons
                and not (text is None and "long_term" in flags)):
            reasons.append("low_confidence")
        if not resolved:
            reasons.append("unresolved")
        out.fields[path] = ReadField(value, round(conf, 3), bool(reasons), text, tuple(reasons), flags,
                                     (notes or {}).get(name, ""))
    return out


def _png(rgb: Any) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".png", rgb[:, :, ::-1])
    if not ok:
        raise ValueError("could not encode the screen image")
    return bytes(buf)


def newest_image(folder: Path | str) -> Path | None:
    """The most recently written image in FOLDER (a scanner's output folder); None if there is none."""
    d = Path(folder)
    if not d.is_dir():
        return None
    images = [p for p in d.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
    return max(images, key=lambda p: (p.stat().st_mtime_ns, p.name), default=None)


class DocumentReading:
    """Reads documents into record paths and keeps (encrypted, audited) only the images the clerk asks to keep."""

    def __init__(self, session: Session):
        self.session = session

    @property
    def store(self) -> Store:
        return self.session.store

    def read_document(self, image: Path | str, kind: str, *, keep_image: bool = False, case_id: str | None = None,
                      profile_id: int | None = None, today: date | None = None) -> DocumentRead:
        """OCR the document image at IMAGE as KIND (idcard-front | idcard-back | license)."""
        from clerkdesk.capture.documents import read_document

        if kind not in ("idcard-front", "idcard-back", "license"):
            raise ValueError(f"unknown document kind {kind!r}")
        path = Path(image)
        t0 = time.perf_counter()
        res = read_document(path, kind, today=today)  # type: ignore[arg-type]
        raw = {n: (f.value, f.confidence, f.flags) for n, f in res.fields.items()}
        out = build(kind, "file", raw, res.problems, time.perf_counter() - t0,
                    {n: f.note for n, f in res.fields.items() if f.note})
        blob = path.read_bytes() if keep_image else None
        self._record_read(out, blob, path.suffix.lower().lstrip(".") or "bin", case_id, profile_id)
        return out

    def inspect(self, image: Path | Any, kind: str, *, source: str = "file") -> CaptureResult:
        """The OCR's own reading of IMAGE (a path or an RGB array), field names and all, for ``clerkdesk capture``
        (a supervisor checking a scanner or a recipe author checking a layout). Audited like every read: the
        kind, the source and the field names, never values or the file name. Nothing is kept."""
        from clerkdesk.capture.documents import read_document

        if kind not in ("idcard-front", "idcard-back", "license"):
            raise ValueError(f"unknown document kind {kind!r}")
        res = read_document(image, kind)  # type: ignore[arg-type]
        doubtful = [n for n, f in res.fields.items() if f.confidence < doubt_below(kind, n)]
        self.store.audit.append("document_read", "document", {"kind": kind, "source": source,
                                                              "fields": list(res.fields), "doubtful": doubtful,
                                                              "kept": False})
        return res

    def read_screen(self, kind: str, *, region: tuple[int, int, int, int] | None = None, window: str | None = None,
                    keep_image: bool = False, case_id: str | None = None, profile_id: int | None = None,
                    today: date | None = None) -> DocumentRead:
        """OCR the document shown on screen as KIND: REGION (x, y, width, height in screen pixels) or the client
        area of the window titled WINDOW (exact, contained, or ``re:REGEX``); the whole screen if neither."""
        from clerkdesk.capture.screen import grab_document

        if kind not in ("idcard-front", "idcard-back", "license"):
            raise ValueError(f"unknown document kind {kind!r}")
        rgb = grab_document(region=region, window=window)
        return self.read_pixels(rgb, kind, keep_image=keep_image, case_id=case_id, profile_id=profile_id,
                                today=today)

    def read_pixels(self, rgb: Any, kind: str, *, source: str = "screen", keep_image: bool = False,
                    case_id: str | None = None, profile_id: int | None = None,
                    today: date | None = None) -> DocumentRead:
        """OCR RGB (an (H, W, 3) uint8 array, e.g. a screen grab) as KIND; kept (as PNG) only with KEEP_IMAGE."""
        from clerkdesk.capture.documents import read_document

        if kind not in ("idcard-front", "idcard-back", "license"):
            raise ValueError(f"unknown document kind {kind!r}")
        t0 = time.perf_counter()
        res = read_document(rgb, kind, today=today)  # type: ignore[arg-type]
        raw = {n: (f.value, f.confidence, f.flags) for n, f in res.fields.items()}
        out = build(kind, source, raw, res.problems, time.perf_counter() - t0,
                    {n: f.note for n, f in res.fields.items() if f.note})
        blob = _png(rgb) if keep_image else None
        self._record_read(out, blob, "png", case_id, profile_id)
        return out

    def read_card(self, reader: str = "simulated", *, keep_image: bool = False, port: str | None = None,
                  case_id: str | None = None, profile_id: int | None = None) -> DocumentRead:
        """Read a 二代证 on READER (a built-in or plugin name). The chip photo is kept only with KEEP_IMAGE."""
        from clerkdesk.capture.readers import get_reader
        from clerkdesk.capture.readers import read_card as sdk_read

        t0 = time.perf_counter()
        data = sdk_read(get_reader(reader), port)
        raw = {n: (v, 1.0, ("long_term",) if n == "valid_to" and v is None else ())
               for n, v in data.fields.items()}  # chip data is signed: no OCR doubt, only the checks
        out = build("idcard", f"reader:{data.reader or reader}", raw, data.problems, time.perf_counter() - t0)
        self._record_read(out, data.photo if keep_image and data.photo else None, data.photo_format,
                          case_id, profile_id)
        return out

    def _record_read(self, out: DocumentRead, blob: bytes | None, fmt: str, case_id: str | None,
                     profile_id: int | None) -> None:
        from clerkdesk.store.db import now

        detail: dict[str, Any] = {"kind": out.kind, "source": out.source, "fields": list(out.fields),
                                  "doubtful": out.doubtful, "kept": blob is not None}
        with self.store.tx() as db:
            if blob is not None:
                did = int(db["documents"].insert({"at": now(), "actor": self.store.clerk, "kind": out.kind,
                                                  "source": out.source, "format": fmt, "case_id": case_id,
                                                  "profile_id": profile_id, "data": b""}).last_pk)
                db["documents"].update(did, {"data": self.store.cipher.encrypt(blob, f"document:{did}".encode())})
                out.document_id = did
                self.store.audit.append("document_read", f"document:{did}", detail)
            else:
                self.store.audit.append("document_read", "document", detail)

    def link_documents(self, ids: Iterable[int], *, case_id: str | None = None,
                       profile_id: int | None = None) -> None:
        """Tie kept document images to the case / profile they were read for (known only after the read)."""
        ids = list(ids)
        if not ids:
            return
        if case_id is not None and profile_id is None:
            row = next(self.store.db["cases"].rows_where("id = ?", [case_id], select="profile_id"), None)
            profile_id = row["profile_id"] if row else None
        with self.store.tx() as db:
            for did in ids:
                change = {k: v for k, v in (("case_id", case_id), ("profile_id", profile_id)) if v is not None}
                if change:
                    db["documents"].update(did, change)
                    self.store.audit.append("document_linked", f"document:{did}",
                                            {"case": case_id, "profile": profile_id})

    def discard_documents(self, ids: Iterable[int]) -> list[int]:
        """Delete those of IDS that never got a case or a profile (the clerk started over, or closed the app):
        an image kept as evidence of nothing is not kept at all (PIPL). Returns the ids deleted."""
        ids = [int(i) for i in ids]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        with self.store.tx(durable=True) as db:
            gone = [r["id"] for r in db.query(
                f"select id from documents where id in ({marks}) and case_id is null and profile_id is null", ids)]
            if gone:
                db.execute(f"delete from documents where id in ({','.join('?' * len(gone))})", gone)
                self.store.audit.append("documents_discarded", "document", {"documents": gone,
                                                                             "why": "no case started"})
        return gone

    def purge_orphan_documents(self, older_than_hours: float = 24.0) -> list[int]:
        """Delete kept images with no case and no profile older than OLDER_THAN_HOURS (left by a crash before
        the case started). Run when the app starts."""
        from datetime import datetime, timedelta

        cutoff = (datetime.now().astimezone() - timedelta(hours=older_than_hours)).isoformat(timespec="milliseconds")
        ids = [r["id"] for r in self.store.db.query(
            "select id from documents where case_id is null and profile_id is null and at < ?", [cutoff])]
        return self.discard_documents(ids)

    def kept(self, case_id: str) -> list[dict[str, Any]]:
        """Kept document images of a case: id, at, kind, source (no image)."""
        return [{k: r[k] for k in ("id", "at", "kind", "source", "format")}
                for r in self.store.db["documents"].rows_where("case_id = ?", [case_id], order_by="id")]

    def document_image(self, did: int) -> bytes:
        """The kept image (decrypted). Viewing is audited."""
        r = self.store.db["documents"].get(did)
        self.store.audit.append("document_viewed", f"document:{did}", {"case": r["case_id"]})
        return bytes(self.store.cipher.decrypt(r["data"], f"document:{did}".encode()))

    @staticmethod
    def newest_scan(folder: Path | str) -> Path | None:
        return newest_image(folder)
