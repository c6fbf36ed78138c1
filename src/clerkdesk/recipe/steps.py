"""Step types: registered once, each with its parameters and its meaning.

The registry drives the loader (what a step may say), the JSON Schema that
editors use, the docs check, and execution: each step's ``perform`` calls
only the small ``Driver`` protocol (through ``Exec``), so the same recipe
words mean the same thing for web pages and desktop screens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from clerkdesk.errors import Mark
from clerkdesk.recipe.driver import Condition, Driver, Locator, ReadSpec

LOCATOR_KEYS = ("label", "role", "name", "placeholder", "text", "css", "xpath", "image", "nth", "exact", "within",
                "offset")
CONDITION_KEYS = ("text", "element", "url", "window", "gone")
COMMON = {"timeout": "number", "retry": "int", "note": "text"}


@dataclass(frozen=True)
class Param:
    type: str  # text | value | bool | number | int | locator | condition | steps | captures | list
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class StepType:
    name: str
    doc: str
    params: dict[str, Param]
    perform: Callable[[Exec, Step], None]
    scalar: str | None = None  # `open: /path` fills this param
    locator: bool = False  # accepts locator keys inline (fill: {label: 姓名, value: …})
    condition: bool = False  # accepts condition keys inline (expect: {text: 受理成功})
    kinds: frozenset[str] = frozenset({"web", "desktop"})
    irreversible: bool = False
    safe_to_retry: bool = True
    default_timeout: float = 10.0
    one_of: tuple[str, ...] = ()  # exactly one of these must be given


@dataclass(frozen=True)
class Step:
    kind: str
    args: dict[str, Any]  # plain values; templates unrendered
    mark: Mark
    marks: dict[str, Mark] = field(default_factory=dict)  # where each arg is
    children: dict[str, tuple[Step, ...]] = field(default_factory=dict)  # steps / else
    index: int = 0  # position among the recipe's top-level steps (0-based), or the parent's

    @property
    def type(self) -> StepType:
        return STEPS[self.kind]

    def locator(self, key: str | None = None) -> Locator:
        src = self.args.get(key, {}) if key else self.args
        kw = {k: src[k] for k in LOCATOR_KEYS if k in src}
        if "offset" in kw and kw["offset"] is not None:
            kw["offset"] = tuple(kw["offset"])
        return Locator(**kw)

    def condition(self, src: dict[str, Any] | None = None) -> Condition:
        src = self.args if src is None else src
        el = src.get("element")
        return Condition(text=src.get("text"), url=src.get("url"), window=src.get("window"),
                         element=Locator(**{k: v for k, v in el.items() if k in LOCATOR_KEYS}) if el else None,
                         gone=bool(src.get("gone", False)))

    def describe(self) -> str:
        """Short, PII-free words for the clerk: ``fill 姓名``, ``click 提交``."""
        a = self.args
        what = (a.get("label") or a.get("name") or a.get("text") or a.get("placeholder") or a.get("target")
                or a.get("message") or a.get("css") or a.get("xpath") or "")
        if self.kind == "capture":
            what = ", ".join(k for k in a if k not in COMMON)
        if self.kind == "submit":
            sub = a.get("click") or {}
            what = sub.get("name") or sub.get("text") or sub.get("label") or a.get("key") or ""
        return f"{self.kind} {what}".strip()


class Exec(Protocol):
    """What a step needs from the engine while it runs."""

    driver: Driver

    def value(self, step: Step, key: str) -> str: ...
    def locator(self, step: Step, key: str | None = None) -> Locator:
        """The step's locator with templates in its texts rendered (e.g. 成员{{ loop_index + 1 }}姓名)."""
        ...
    def truthy(self, step: Step, key: str) -> bool: ...
    def items(self, step: Step, key: str) -> list[Any]: ...
    def timeout(self, step: Step) -> float: ...
    def confirm(self, step: Step, message: str) -> None: ...
    def human(self, step: Step, message: str, until: Condition | None) -> None: ...
    def submitting(self, step: Step) -> Any: ...  # context manager: the submit guard
    def captured(self, step: Step, name: str, value: str) -> None: ...
    def evidence(self, step: Step, name: str) -> None: ...
    def run_children(self, step: Step, key: str = "steps", bind: dict[str, Any] | None = None) -> None: ...
    def filled(self, step: Step, label: str, value: str) -> None: ...
    def check_url(self, step: Step, url: str) -> str: ...


STEPS: dict[str, StepType] = {}


def step(name: str, doc: str, params: dict[str, Param] | None = None, **kw: Any
         ) -> Callable[[Callable[[Exec, Step], None]], Callable[[Exec, Step], None]]:
    def deco(fn: Callable[[Exec, Step], None]) -> Callable[[Exec, Step], None]:
        STEPS[name] = StepType(name, doc, dict(params or {}), fn, **kw)
        return fn

    return deco


V = Param("value", True, "the value: text or a template such as {{ person.name }}")


@step("open", "Go to a page (web: a URL or a path resolved against the system's start_url like a link — `/x` from the root, `x` next to the start page; desktop: focus the window with "
              "this title). The system's origins are enforced.",
      {"target": Param("value", True, "URL, path, or window title")}, scalar="target", default_timeout=30)
def _open(x: Exec, s: Step) -> None:
    x.driver.open(x.check_url(s, x.value(s, "target")), x.timeout(s))


@step("fill", "Type a value into the field (web: the input belonging to the label; desktop: the box beside the "
              "OCR'd label), then read it back.", {"value": V}, locator=True)
def _fill(x: Exec, s: Step) -> None:
    value = x.value(s, "value")
    got = x.driver.fill(x.locator(s), value, x.timeout(s))
    x.filled(s, s.describe().removeprefix("fill "), value)
    if got is not None and _norm(got) != _norm(value):
        from clerkdesk.recipe.driver import DriverError

        raise DriverError(f"read-back differs from what was typed in {s.locator().describe()} "
                          "(the field changed or dropped characters)", retryable=True)


def _norm(s: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", s).strip()


@step("choose", "Pick an option in a select, radio group or combobox by its value or visible text; waits for "
                "the option itself to appear (cascading selects).", {"value": V}, locator=True)
def _choose(x: Exec, s: Step) -> None:
    value = x.value(s, "value")
    x.driver.choose(x.locator(s), value, x.timeout(s))
    x.filled(s, s.describe().removeprefix("choose "), value)


@step("check", "Tick (value true) or untick (false) a checkbox.",
      {"value": Param("bool", False, "true (default), false, or a template")}, locator=True)
def _check(x: Exec, s: Step) -> None:
    on = x.truthy(s, "value") if "value" in s.args else True
    x.driver.check(x.locator(s), on, x.timeout(s))
    x.filled(s, s.describe().removeprefix("check "), "true" if on else "false")  # a confirm lists ticks too


@step("click", "Click a button, link, tab or menu item.", {}, locator=True, safe_to_retry=False)
def _click(x: Exec, s: Step) -> None:
    x.driver.click(x.locator(s), x.timeout(s))


@step("upload", "Attach a file to a file input.", {"file": Param("value", True, "path of the file")},
      locator=True, kinds=frozenset({"web"}))
def _upload(x: Exec, s: Step) -> None:
    from pathlib import Path

    x.driver.upload(x.locator(s), Path(x.value(s, "file")), x.timeout(s))


@step("key", "Press a key or chord (F2, ctrl+s) — in the located field if a locator is given. Never use it to "
             "move between fields.", {"keys": Param("text", True, "e.g. F2, ctrl+s, Escape")}, scalar="keys",
      locator=True, safe_to_retry=False)
def _key(x: Exec, s: Step) -> None:
    loc = x.locator(s)
    x.driver.press(s.args["keys"], loc if loc != Locator() else None, x.timeout(s))


@step("submit", "The irreversible action (click the submit button or press a key). Never retried and never "
                "repeated on resume; the engine records it before and after.",
      {"click": Param("locator", False, "the button"), "key": Param("text", False, "or a key such as ctrl+s")},
      irreversible=True, safe_to_retry=False, one_of=("click", "key"), default_timeout=30)
def _submit(x: Exec, s: Step) -> None:
    with x.submitting(s):
        if "click" in s.args:
            x.driver.click(x.locator(s, "click"), x.timeout(s))
        else:
            x.driver.press(s.args["key"], None, x.timeout(s))


@step("confirm", "Stop and show the clerk the values about to be submitted; continue only when they confirm.",
      {"message": Param("text", True, "what to ask")}, scalar="message", safe_to_retry=False)
def _confirm(x: Exec, s: Step) -> None:
    x.confirm(s, s.args["message"])


@step("human", "Something only the clerk can do (log in, captcha, a check). Skipped when `until` already holds; "
               "otherwise waits for the clerk (and for `until`).",
      {"message": Param("text", True, "what the clerk should do"),
       "until": Param("condition", False, "done when this holds (text/element/url/window)")},
      scalar="message", safe_to_retry=False, default_timeout=600)
def _human(x: Exec, s: Step) -> None:
    until = s.condition(s.args["until"]) if s.args.get("until") else None
    x.human(s, s.args["message"], until)


@step("expect", "Check that something is shown (text, element, URL, window); fails with a clear message.",
      {"message": Param("text", False, "what to say when it is not shown")}, condition=True)
def _expect(x: Exec, s: Step) -> None:
    from clerkdesk.recipe.driver import DriverError

    try:
        x.driver.wait_for(s.condition(), x.timeout(s))
    except DriverError as e:
        said = s.args.get("message")
        if not said:
            raise
        # the recipe author's words first (what the clerk should understand), then the technical cause
        raise type(e)(f"{said} — {e.message}", e.tried, retryable=e.retryable, evidence=e.evidence) from None


@step("wait", "Wait for text, an element, a URL or a window (or for it to disappear). No fixed sleeps.",
      {}, condition=True, default_timeout=30)
def _wait(x: Exec, s: Step) -> None:
    x.driver.wait_for(s.condition(), x.timeout(s))


@step("capture", "Read values into the case's results, e.g. `receipt: {after: 受理编号：}`; each entry takes "
                 "after (text after a label), element (a locator) and pattern (a regex; group 1 if any).",
      {}, safe_to_retry=True)
def _capture(x: Exec, s: Step) -> None:
    import re

    for name, spec in s.args.items():
        if name in COMMON:
            continue
        el = spec.get("element")
        rs = ReadSpec(after=spec.get("after"), pattern=spec.get("pattern"),
                      element=Locator(**{k: v for k, v in el.items() if k in LOCATOR_KEYS}) if el else None)
        text = x.driver.read(rs, x.timeout(s))
        if rs.pattern:
            m = re.search(rs.pattern, text)
            if not m:
                from clerkdesk.recipe.driver import DriverError

                raise DriverError(f"capture {name}: the text read does not match pattern {rs.pattern!r}")
            text = m.group(1) if m.groups() else m.group(0)
        x.captured(s, name, text.strip())


@step("frame", "Run the nested steps inside a frame or iframe (by name, url or css).",
      {"name": Param("text", False, "frame name"), "url": Param("text", False, "part of the frame URL"),
       "css": Param("text", False, "frame element selector"), "steps": Param("steps", True, "")},
      kinds=frozenset({"web"}), one_of=("name", "url", "css"))
def _frame(x: Exec, s: Step) -> None:
    a = s.args
    css = a.get("css") or (f"frame[name='{a['name']}'], iframe[name='{a['name']}']" if a.get("name") else None)
    x.driver.enter_frame(Locator(css=css, name=a.get("name"), text=a.get("url")))
    try:
        x.run_children(s)
    finally:
        x.driver.leave_frame()


@step("window", "Run the nested steps in a popup or new window of the system (by part of its title or URL), "
                "waiting for it to open; the steps after it go on in the page that opened it.",
      {"title": Param("text", False, "part of the window title"), "url": Param("text", False, "part of its URL"),
       "steps": Param("steps", True, "")},
      kinds=frozenset({"web"}), one_of=("title", "url"))
def _window(x: Exec, s: Step) -> None:
    x.driver.enter_window(s.args.get("title"), s.args.get("url"), x.timeout(s))
    try:
        x.run_children(s)
    finally:
        x.driver.leave_window()


@step("dialog", "Answer the next JS dialog (alert/confirm/prompt) or modal box: accept or dismiss; `text` "
                "checks its message.",
      {"action": Param("text", True, "accept or dismiss"), "text": Param("text", False, "expected message"),
       "prompt": Param("value", False, "answer for a prompt()")}, scalar="action")
def _dialog(x: Exec, s: Step) -> None:
    prompt = x.value(s, "prompt") if "prompt" in s.args else None
    x.driver.arm_dialog(s.args["action"] == "accept", s.args.get("text"), prompt)


@step("screenshot", "Keep a screenshot as evidence (stored encrypted with the run).",
      {"name": Param("text", True, "evidence name")}, scalar="name")
def _screenshot(x: Exec, s: Step) -> None:
    x.evidence(s, s.args["name"])


@step("when", "Run the nested steps only if a condition holds: `if` (a template, e.g. {{ person.hukou_type == "
              "'rural' }}) or `shown` (something on screen now); `else` steps otherwise.",
      {"if": Param("value", False, "template that is true or false"),
       "shown": Param("condition", False, "text/element shown now"),
       "steps": Param("steps", True, ""), "else": Param("steps", False, "")},
      one_of=("if", "shown"))
def _when(x: Exec, s: Step) -> None:
    ok = x.truthy(s, "if") if "if" in s.args else x.driver.probe(s.condition(s.args["shown"]))
    if ok:
        x.run_children(s, "steps")
    elif s.children.get("else"):
        x.run_children(s, "else")


@step("each", "Repeat the nested steps for every item of a list (e.g. family members); the item is bound to `as`.",
      {"items": Param("value", True, "a template giving a list, e.g. {{ case.members }}"),
       "as": Param("text", True, "name of the item in templates"), "steps": Param("steps", True, "")})
def _each(x: Exec, s: Step) -> None:
    for i, item in enumerate(x.items(s, "items")):
        x.run_children(s, "steps", {s.args["as"]: item, "loop_index": i})
