"""What a document capture returns: fields with confidence and source box, and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from clerkdesk.errors import Problem

Kind = Literal["idcard-front", "idcard-back", "license"]
KINDS: tuple[Kind, ...] = ("idcard-front", "idcard-back", "license")
BBox = tuple[int, int, int, int]

FIELDS: dict[str, tuple[str, ...]] = {
    "idcard-front": ("name", "sex", "ethnicity", "birth_date", "address", "id_number"),
    "idcard-back": ("issuing_authority", "valid_from", "valid_to"),
    "license": (
        "uscc", "name", "entity_type", "legal_rep", "registered_capital", "established", "address", "business_scope",
    ),
}
# valid_to may legitimately be empty (长期); everything else is required.
REQUIRED: dict[str, tuple[str, ...]] = {k: tuple(f for f in v if f != "valid_to") for k, v in FIELDS.items()}


@dataclass(frozen=True)
class CapturedField:
    """One field read from a document. ``box`` is in the coordinates of the input image."""

    name: str
    value: str | None
    confidence: float
    box: BBox | None = None
    raw: str = ""  # the OCR text before parsing/repair
    flags: tuple[str, ...] = ()  # e.g. "long_term" (长期), "corrected", "from_id_number"
    note: str = ""  # what the card showed when a proven value replaced it ("card shows 1971-01-12")

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "box": list(self.box) if self.box else None,
            "flags": list(self.flags),
            **({"note": self.note} if self.note else {}),
        }


@dataclass
class CaptureResult:
    kind: Kind
    fields: dict[str, CapturedField] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rotation: int = 0  # degrees clockwise the input was turned to read it
    rectified: bool = False  # a document outline was found and flattened
    seconds: float = 0.0
    labels_missing: int = 0  # field labels OCR did not find (a hint that the layout was not understood)
    image: np.ndarray | None = field(default=None, repr=False, compare=False)  # what was read; boxes refer to it

    def value(self, name: str) -> str | None:
        f = self.fields.get(name)
        return f.value if f else None

    def values(self) -> dict[str, str | None]:
        return {k: f.value for k, f in self.fields.items()}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        """Every required field present and no field failed its check."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "fields": {k: f.to_dict() for k, f in self.fields.items()},
            "problems": [p.to_dict() for p in self.problems],
            "rotation": self.rotation,
            "rectified": self.rectified,
            "labels_missing": self.labels_missing,
            "seconds": round(self.seconds, 3),
        }
