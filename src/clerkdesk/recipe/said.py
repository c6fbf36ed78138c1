"""Words for the clerk that a shell shows in its own language: ``Said``.

A ``Said`` is a plain ``str`` — the text as the CLI and the run log have always had it — that also knows how to be
shown in each language of the window:

- a recipe's message (a ``confirm``'s, a ``human``'s or a ``login``'s ``message``) carries the recipe's ``en:``
  (``en``; "" = the recipe gives none, and the English window shows the Chinese as written);
- a notice of the engine (an uncertain submit, a discrepancy) carries its Chinese template (``key``) and its
  parameters (``params``): the shell translates the template with its own translation function (``ui.i18n.tr``),
  so the pure core holds no translation machinery and imports no Qt.

Pure: no imports beyond the standard library.
"""

from __future__ import annotations

from typing import Any


class Said(str):
    """TEXT (the str itself), with its English (``en``) or its template and parameters (``key``, ``params``)."""

    en: str
    key: str
    params: dict[str, Any]

    def __new__(cls, text: str, en: str = "", key: str = "", params: dict[str, Any] | None = None) -> Said:
        obj = super().__new__(cls, text)
        obj.en = en
        obj.key = key
        obj.params = dict(params or {})
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # a Said crosses processes (the hall's workers) as a Said
        return (Said, (str(self), self.en, self.key, self.params))


def said(text: str, en: str = "") -> str:
    """TEXT with its English EN, or TEXT unchanged when there is none."""
    return Said(text, en) if en else text


__all__ = ["Said", "said"]
