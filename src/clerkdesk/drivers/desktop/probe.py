"""``clerkdesk recipe probe``: show a supervisor what the desktop driver's OCR sees in a window.

    clerkdesk recipe probe --window 不动产登记 [--out probe.png] [--json]

Focuses the window, waits until it has finished drawing, runs one full OCR of it (and of any dialog
of the same program that is open) and lists every text box: its position in window pixels, its
centre as fractions of the window (for ``within``), the OCR confidence, and what it looks like to
the driver — a *label* with an input box beside it (found by the same image analysis as a ``fill``
step, ``vision.layout.input_beside``), a check box's text, the contents of an input box, or plain
text (a button, tab, menu). Each line ends with a locator that resolves to it, with ``nth`` when
the text occurs more than once. The annotated screenshot has every OCR box in blue with its number
and every input box found beside a label in red.

The screenshot and the list show whatever is on the screen: probe an empty form or test data,
never a citizen's record. The command itself is in ``clerkdesk.cli.run`` (the shell); this module is the
driver-side logic it calls.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

PRIVACY_NOTE = "注意：截图和文字列表包含屏幕上的一切内容，请只对空白表单或测试数据使用。"


@dataclass
class ProbedText:
    """One OCR text box as the driver sees it (window pixels)."""

    n: int
    text: str
    score: float
    box: list[int]
    center: list[float]  # centre as fractions of the window (0..1), for `within`
    kind: str  # label | check | content (inside an input box) | button | text
    input: dict[str, Any] | None = None  # label: {"side", "box", "dropdown"}
    locator: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        x0, y0, x1, y1 = self.box
        what = {"label": "label", "check": "check box", "content": "inside an input box", "button": "button",
                "text": "text"}[self.kind]
        if self.input:
            kind = ("drop-down" if self.input["dropdown"] else
                    "input with a button (spin box or picker: fill)" if self.input.get("button") else "input")
            what += f" → {kind} {self.input['side']} {self.input['box']}"
        loc = "" if not self.locator else "  " + _yaml_flow(self.locator)
        return (f"{self.n:>3}  [{x0:>4},{y0:>4},{x1:>4},{y1:>4}]  ({self.center[0]:.2f},{self.center[1]:.2f})  "
                f"{self.score:.2f}  {self.text}  — {what}{loc}")


@dataclass
class ProbeResult:
    window: dict[str, Any]
    texts: list[ProbedText]
    seconds: float
    screenshot: str | None = None
    dialogs: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"window": self.window, "dialogs": self.dialogs, "seconds": round(self.seconds, 2),
                "screenshot": self.screenshot, "texts": [asdict(t) for t in self.texts]}


def _yaml_flow(d: dict[str, Any]) -> str:
    parts = []
    for k, v in d.items():
        if isinstance(v, bool):
            v = "true" if v else "false"
        elif isinstance(v, str) and _needs_quotes(v):
            v = json.dumps(v, ensure_ascii=False)
        parts.append(f"{k}: {v}")
    return "{" + ", ".join(parts) + "}"


def _needs_quotes(s: str) -> bool:
    return not s or any(c in s for c in ":{}[],#&*!|>'\"%@`") or s != s.strip()


def _locator(boxes: list[Any], i: int, kind: str, threshold: float) -> dict[str, Any]:
    """A locator that resolves to box I the way the driver resolves it (checked): label for labels and
    check boxes, else text (exact); with nth when the text is not unique."""
    from clerkdesk.vision import layout
    from clerkdesk.vision.normalize import label_score, norm

    b = boxes[i]
    want = b.text.strip().rstrip(":：∶﹕").lstrip("*＊").strip()
    if not norm(want):
        return {}
    if kind in ("label", "check"):
        try:
            if layout.find_label(boxes, want, threshold=threshold)[0] is b:
                return {"label": want}
        except layout.NotFound:
            pass
        cands = [x for x in boxes if label_score(want, x.text) >= threshold]  # the driver's nth counts these
        k = next((j for j, x in enumerate(cands) if x is b), None)
        if k is not None and layout.find_label(boxes, want, threshold=threshold, nth=k)[0] is b:
            return {"label": want, "nth": k}
        return {}
    cands = [x for x in boxes if norm(x.text) == norm(want)]
    k = next((j for j, x in enumerate(cands) if x is b), None)
    if k is None:
        return {}
    loc: dict[str, Any] = {"text": want, "exact": True}
    if len(cands) > 1:
        loc["nth"] = k
    m = layout.find_text(boxes, want, exact=True, nth=loc.get("nth"))
    return loc if m.anchor == layout.box_rect(b) else {}


def probe_window(title: str, *, timeout: float = 10.0, backend: str | None = None,
                 threshold: float | None = None) -> tuple[ProbeResult, Any, list[Any], list[Any]]:
    """Focus the window TITLE, OCR it and classify every text. Returns the result, the image (RGB array),
    the OCR boxes (image pixels) and the input boxes found beside labels (image pixels)."""
    from clerkdesk.drivers.desktop.view import WindowTracker, wait_stable
    from clerkdesk.vision import layout, windows
    from clerkdesk.vision.normalize import DEFAULT_THRESHOLD
    from clerkdesk.vision.ocr import get_engine, read_screen

    th = DEFAULT_THRESHOLD if threshold is None else threshold
    windows.require_desktop()
    win = windows.find_window(title, timeout)
    tracker = WindowTracker(win, {w.handle for w in windows.list_windows()})
    tracker.focus()
    wait_stable(lambda: tracker.view().image, 3.0)
    view = tracker.view()
    engine = get_engine(backend)
    t0 = time.monotonic()
    # in the engine's order, as the driver counts `nth`; split where a label runs into its box, as the driver does
    boxes = layout.split_at_inputs(view.image, read_screen(engine, view.image), engine)
    seconds = time.monotonic() - t0
    w, h = view.win.rect.width, view.win.rect.height
    found_inputs = []
    texts: list[ProbedText] = []
    for i, b in enumerate(boxes):
        r = layout.box_rect(b)
        kind, inp = "text", None
        holder = layout.box_at(view.image, *r.center, max(8, r.height))
        if holder is not None and holder.x0 <= r.x0 + 4 and holder.x1 >= r.x1 - 2 and holder.width > r.width:
            # the text sits inside a bordered box: a field's contents, or a button's caption
            kind = "content" if layout.is_content(holder, r) else "button"
        else:
            beside = layout.input_beside(view.image, r, others=[layout.box_rect(x) for x in boxes if x is not b],
                                         text=b.text)
            if beside is not None:
                box, side = beside
                found_inputs.append(box)
                kind = "label"
                shape = layout.button_shape(view.image, box)
                # only a down arrow is a drop-down; an entry with a spin/calendar/lookup button is an entry
                inp = {"side": side, "box": view.to_win(box).as_list(), "dropdown": shape == "arrow",
                       "button": shape is not None and shape != "arrow"}
            elif layout.check_indicator(view.image, r) is not None:
                kind = "check"
        wr = view.to_win(r)
        texts.append(ProbedText(i, b.text, round(float(b.score), 3), wr.as_list(),
                                [round(wr.center[0] / max(1, w), 3), round(wr.center[1] / max(1, h), 3)], kind, inp))
    for t in texts:
        if t.kind != "content":
            t.locator = _locator(boxes, t.n, t.kind, th)
    result = ProbeResult({"title": view.win.title, "size": [w, h], "at": [view.win.rect.x0, view.win.rect.y0],
                          "pid": view.win.pid}, texts, seconds, dialogs=[d.title for d in view.dialogs])
    return result, view.image, boxes, found_inputs


def annotated_png(result: ProbeResult, image: Any, boxes: list[Any], inputs: list[Any]) -> bytes:
    """The window with every OCR box numbered (blue) and every input box beside a label (red), a note on top."""
    import numpy as np

    from clerkdesk.vision import layout
    from clerkdesk.vision.ocr import TextBox

    # a strip *below* the window for the note: the picture's pixels are the window's (offsets read off it
    # are right), and the note hides nothing
    pad = 18
    h = image.shape[0]
    image = np.pad(image, ((0, pad), (0, 0), (0, 0)), constant_values=255)
    numbered = [TextBox(f"{i}", b.score, b.quad) for i, b in enumerate(boxes)]
    return layout.annotate(image, numbered, list(inputs), note=f"clerkdesk recipe probe: {result.window['title']}",
                           note_y=h + 1)
