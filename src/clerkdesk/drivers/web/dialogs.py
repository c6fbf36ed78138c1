"""JS dialogs (alert / confirm / prompt) on a web system's pages: answered as the recipe armed them, or dismissed.

A page's dialog blocks the page until answered, and Playwright hands it to a handler on the driver's thread:
``DialogAnswerer.on_dialog`` answers it at once (the armed answer, else dismiss) and keeps what went wrong, so
that the next step raises it (``raise_problem``) instead of the page hanging or a dialog passing unnoticed.
"""

from __future__ import annotations

from typing import Any

from clerkdesk.recipe.driver import DriverError


class DialogAnswerer:
    """The answer to the next dialog (``arm``), the last dialog's message and a problem to report."""

    def __init__(self) -> None:
        self._dialog: tuple[bool, str | None, str | None] | None = None
        self._dialog_problem: str | None = None
        self.last: str | None = None  # the last dialog's message (named when a wait times out)

    def on_dialog(self, dialog: Any) -> None:
        self.last = dialog.message
        armed, self._dialog = self._dialog, None
        if armed is None:
            self._dialog_problem = f"unexpected dialog from the system: {dialog.message!r} (dismissed)"
            dialog.dismiss()
            return
        accept, text, prompt = armed
        if text and text not in dialog.message:
            self._dialog_problem = f"the dialog said {dialog.message!r}, expected {text!r} (dismissed)"
            dialog.dismiss()
        elif accept:
            dialog.accept(prompt) if prompt is not None else dialog.accept()
        else:
            dialog.dismiss()

    def raise_problem(self) -> None:
        """Raise what went wrong with a dialog since the last look (once)."""
        if self._dialog_problem:
            msg, self._dialog_problem = self._dialog_problem, None
            raise DriverError(msg, retryable=False)

    def arm_none(self) -> None:
        """Forget the armed answer, the last message and an unreported problem (a new run on the same page)."""
        self._dialog = self._dialog_problem = self.last = None

    def arm(self, accept: bool, text: str | None, prompt: str | None) -> None:
        self._dialog = (accept, text, prompt)
