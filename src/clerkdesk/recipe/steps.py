"""Step types: registered once, each with its parameters and its meaning.

The registry drives the loader (what a step may say), the JSON Schema that
editors use, the docs check, and execution: each step's ``perform`` calls
only the small ``Driver`` protocol (through ``Exec``), so the same recipe
words mean the same thing for web pages and desktop screens.

It is also the one place that says what each step *means* (``StepType``'s
flags: it submits, it verifies the answer, it needs a person, …) and what the
clerk reads for it (``zh``/``en``). The engine, the lint, the confirm's words,
the shells and the docs ask these flags (or ``kinds(...)``) and keep no list of
step names of their own, so a new step type is described here and nowhere else
(``tests/recipe/test_step_registry.py`` scans the source for such lists).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from clerkdesk.errors import Mark
from clerkdesk.recipe.driver import (
    Condition,
    Driver,
    FramesCapable,
    Locator,
    ReadSpec,
    UploadsFiles,
    WindowsCapable,
    as_frames,
    as_uploads,
    as_windows,
)
from clerkdesk.recipe.said import said

LOCATOR_KEYS = ("label", "role", "name", "placeholder", "text", "css", "xpath", "image", "nth", "exact", "within",
                "offset", "row")
CONDITION_KEYS = ("text", "element", "url", "window", "gone")
# the texts of a locator and of a condition that may be templates (成员{{ loop_index + 1 }}姓名, {{ case.month }}月)
LOCATOR_TEXTS = ("label", "name", "text", "placeholder", "css", "xpath", "within")
CONDITION_TEXTS = ("text", "url", "window")
# settings that are words for people (the clerk, the run log): never templates, so no citizen's value reaches a log
MESSAGE_SETTINGS = {"confirm": ("message", "en"), "human": ("message", "en"), "login": ("message", "en"),
                    "expect": ("message",), "screenshot": ("name", "en")}
# the setting that gives a message step's words in the English window (one line of text; the Chinese when absent)
EN_SETTING = "en"
# plain-text settings that are rendered like values when they hold a template (what to look for)
RENDERED_TEXTS = {"frame": ("name", "url", "css"), "window": ("title", "url"), "dialog": ("text",)}


COMMON = {"timeout": "number", "retry": "int", "note": "text"}
# the name a `login` step binds the stored credential to in its steps: {{ login.username }}, {{ login.password }}
CREDENTIAL_NAME = "login"


def _is_template(text: Any) -> bool:
    return isinstance(text, str) and ("{{" in text or "{%" in text)


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
    optional_locator: bool = False  # …but needs none (``key: F2`` goes to whatever has the focus)
    condition: bool = False  # accepts condition keys inline (expect: {text: 受理成功})
    kinds: frozenset[str] = frozenset({"web", "desktop"})
    safe_to_retry: bool = True
    default_timeout: float = 10.0
    one_of: tuple[str, ...] = ()  # exactly one of these must be given
    example: str = ""  # one step in recipe YAML (flow style); the docs show it and a test lints it
    # What the clerk reads for it (the run monitor's "第 3/20 步：填写 姓名", failure headlines, evidence titles):
    zh: str = ""  # every step has one (a test checks); the shells' English comes from EN below
    en: str = ""
    # What the step means. The one source: the engine, the lint, the confirm's words, the shells and the docs
    # derive from these flags and never list step names themselves (a test scans the source for such lists).
    irreversible: bool = False  # it submits: never retried, guarded by the submit state machine (``submits``)
    answers: bool = False  # it reads the system's answer page (after a submit it is part of the answer)
    confirms: bool = False  # when it succeeds after a submit's click, the answer was seen: the submit is recorded
    verifies: bool = False  # it waits for the system to show something: right after a submit's click it is
    #                         the first look at the answer, waited for as long as the system takes
    reads: bool = False  # it reads values off the screen into the case's results (the receipt)
    person: bool = False  # it needs a person: the run stops until the clerk acts or answers
    navigates: bool = False  # it brings the system to a known page or window: a resumed run starts again here
    container: bool = False  # it runs nested steps (transparent for "what comes after the submit")
    decides: bool = False  # a container whose nested steps run as the run decides (a condition, a list's items):
    #                        their values are checked when they run, not in the plan
    repeats: bool = False  # a container that runs its nested steps once per item (their paths carry the item)
    fills: str | None = None  # what it enters into a field, reported to the confirm: "value" or "tick"
    entries: str | None = None  # its settings are named reads (`NAME: {after: …}`): "results" (the receipt,
    #                             kept with the case) or "profile" (a profile field the system already holds)
    observes: bool = False  # it reads what the system already holds for the applicant, before anything is
    #                         written: the engine compares it with the profile and the clerk decides each
    #                         difference (docs/engine.md "Discrepancies")

    @property
    def submits(self) -> bool:
        """The irreversible action: the submit state machine guards it, it is never retried nor repeated."""
        return self.irreversible
    needs: type | None = None  # the optional driver capability it uses (recipe.driver); the engine checks it first


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

    def templates(self) -> list[tuple[str, str, Mark]]:
        """Every template of this step's own settings (nested locators and conditions included, children not):
        (setting, template source, where). The plan renders each before anything runs."""
        out: list[tuple[str, str, Mark]] = []

        def walk(where: str, v: Any, mark: Mark) -> None:
            if _is_template(v):
                out.append((where, v, mark))
            elif isinstance(v, dict):
                for k, inner in v.items():
                    walk(f"{where}.{k}", inner, mark)
            elif isinstance(v, list):  # a list value: a multi-select's items, a date range's two dates
                for i, inner in enumerate(v):
                    walk(f"{where}[{i}]", inner, mark)

        for k, v in self.args.items():
            walk(k, v, self.marks.get(k, self.mark))
        return out

    def describe(self) -> str:
        """Short, PII-free words for the clerk: ``fill 姓名``, ``click 提交``."""
        a = self.args
        what = (a.get("label") or a.get("name") or a.get("text") or a.get("placeholder") or a.get("target")
                or a.get("message") or a.get("css") or a.get("xpath") or "")
        if self.type.entries:
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
    def login(self, step: Step, message: str, until: Condition, captcha: Condition | None) -> None:
        """Log in: by a stored credential where there is one and no captcha shows, else as ``human``."""
        ...
    def submit(self, step: Step, send: Callable[[], None]) -> None:
        """The submit guard: records the submit before SEND (the click or key), then its outcome."""
        ...
    def captured(self, step: Step, name: str, value: str) -> None: ...
    def observed(self, step: Step, shown: dict[str, str]) -> None:
        """What the system shows for the applicant (profile field → its text): compared with the profile."""
        ...
    def evidence(self, step: Step, name: str) -> None: ...
    def run_children(self, step: Step, key: str = "steps", bind: dict[str, Any] | None = None) -> None: ...
    def filled(self, step: Step, label: str, value: str) -> None: ...
    def check_url(self, step: Step, url: str) -> str: ...


STEPS: dict[str, StepType] = {}


def kinds(**meanings: Any) -> frozenset[str]:
    """The names of the step types with these meanings, e.g. ``kinds(answers=True)`` or ``kinds(fills="tick")``:
    how a module outside the registry names a set of steps (never a list of names of its own)."""
    return frozenset(n for n, t in STEPS.items() if all(getattr(t, k) == v for k, v in meanings.items()))


def step(name: str, doc: str, params: dict[str, Param] | None = None, **kw: Any
         ) -> Callable[[Callable[[Exec, Step], None]], Callable[[Exec, Step], None]]:
    def deco(fn: Callable[[Exec, Step], None]) -> Callable[[Exec, Step], None]:
        STEPS[name] = StepType(name, doc, dict(params or {}), fn, **kw)
        return fn

    return deco


V = Param("value", True, "the value: text or a template such as {{ person.name }}")
# fill and choose also take a list (recipe/choices.py): a date range's [start, end], a multi-select's items
FILL_V = Param("values", True, "the value: text or a template such as {{ person.name }}; a date range: "
               "[start, end]")
CHOOSE_V = Param("values", True, "the value: text or a template; a multi-select: a list (or a list field, or "
                 "items joined by 、)")


@step("open", "Web: go to a URL or a path, resolved against the system's `start_url` like a link on that page "
      "(`/x` from the root, `x` next to the start page; only the system's origins). Desktop: focus "
      "the window with this title (starting the client when the system file says how).",
      {"target": Param("value", True, "URL, path, or window title")}, scalar="target", default_timeout=30,
      example='open: /employment/new',
      zh="打开页面", en="open page", navigates=True)
def _open(x: Exec, s: Step) -> None:
    x.driver.open(x.check_url(s, x.value(s, "target")), x.timeout(s))


@step("fill", "Type a value into a field (web: the input belonging to the label; desktop: the box beside the "
      "OCR'd label), then read it back: a difference fails the step.", {"value": FILL_V}, locator=True,
      example='fill: {label: 姓名, value: "{{ person.name }}"}',
      zh="填写", en="fill", fills="value")
def _fill(x: Exec, s: Step) -> None:
    from clerkdesk.recipe.choices import RANGE_JOIN, rendered_value

    value = rendered_value(x, s, RANGE_JOIN)
    got = x.driver.fill(x.locator(s), value, x.timeout(s))
    x.filled(s, s.describe().removeprefix("fill "), value)
    if got is not None and _norm(got) != _norm(value):
        from clerkdesk.recipe.driver import DriverError

        raise DriverError(f"read-back differs from what was typed in {s.locator().describe()} "
                          "(the field changed or dropped characters)", retryable=True)


def _norm(s: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", s).strip()


# --- templates in texts and conditions ------------------------------------------------------------
# Rendered through ``Exec.value`` (the engine's one renderer: its environment, code maps and the bindings of
# `each`), on a copy of the step that holds only the text, so every Exec renders them the same way.

def render_text(x: Exec, s: Step, text: str | None) -> str | None:
    """TEXT with its template rendered (``None`` and plain text unchanged)."""
    if not _is_template(text):
        return text
    from dataclasses import replace

    return x.value(replace(s, args={"_text": text}), "_text")


def _render_locator(x: Exec, s: Step, loc: Locator, shown: list[tuple[str, str]]) -> Locator:
    from dataclasses import replace

    out: dict[str, Any] = {}
    for f in LOCATOR_TEXTS:
        src = getattr(loc, f)
        got = render_text(x, s, src)
        if got != src:
            out[f] = got
            shown.append((str(got), str(src)))
    return replace(loc, **out) if out else loc


def render_condition(x: Exec, s: Step, src: dict[str, Any] | None = None
                     ) -> tuple[Condition, list[tuple[str, str]]]:
    """The step's condition (or SRC, e.g. `until`/`shown`) with its templates rendered, and the pairs
    (rendered text, template source) so that messages can name the template instead of the value."""
    from dataclasses import replace

    cond = s.condition(src)
    shown: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    for f in CONDITION_TEXTS:
        raw = getattr(cond, f)
        got = render_text(x, s, raw)
        if got != raw:
            out[f] = got
            shown.append((str(got), str(raw)))
    if cond.element is not None:
        out["element"] = _render_locator(x, s, cond.element, shown)
    return (replace(cond, **out) if out else cond), shown


class masked:
    """Context manager: a DriverError raised inside names each template's source, not the value it rendered to.

    Messages go to the run log and the shells, and a condition such as ``{text: "{{ person.name }}"}`` renders
    to a citizen's name; the log must hold the recipe's words only (see ``clerkdesk.errors``).
    """

    def __init__(self, shown: list[tuple[str, str]]):
        # one character identifies no one, and replacing it would garble the message ('7' in 127.0.0.1)
        self.shown = [(v, src) for v, src in shown if len(v) >= 2]

    def hide(self, text: str) -> str:
        for value, src in sorted(self.shown, key=lambda p: -len(p[0])):
            text = text.replace(value, src)
        return text

    def __enter__(self) -> masked:
        return self

    def __exit__(self, typ: Any, e: BaseException | None, tb: Any) -> bool:
        from clerkdesk.recipe.driver import DriverError

        if isinstance(e, DriverError) and self.shown:
            new = type(e)(self.hide(e.message), [self.hide(t) for t in e.tried], retryable=e.retryable,
                          evidence=e.evidence, nothing_sent=e.nothing_sent)
            raise new from None
        return False


@step("choose", "Pick an option of a select, radio group or combobox by its value or its visible text; waits "
      "for the option itself to appear (cascading selects). Desktop: also a date on a month calendar (its "
      "arrows clicked until the header shows the month, the day clicked, the selection read back).",
      {"value": CHOOSE_V}, locator=True,
      example='choose: {label: 户口性质, value: "{{ person.hukou_type | code(\'hukou_type\') }}"}',
      zh="选择", en="choose", fills="value")
def _choose(x: Exec, s: Step) -> None:
    from clerkdesk.recipe.choices import ITEM_JOIN, rendered_value

    value = rendered_value(x, s, ITEM_JOIN)
    shown = x.driver.choose(x.locator(s), value, x.timeout(s))
    x.filled(s, s.describe().removeprefix("choose "), value)
    if shown is not None and not shows_choice(shown, value):
        from clerkdesk.recipe.driver import DriverError

        raise DriverError(f"read-back differs from what was chosen in {s.locator().describe()} "
                          "(the field shows another value)", retryable=True)


def _same_date(a: str, b: str) -> bool:
    """Both texts a date (year of 4 digits, month, day) with the same numbers: ``2025-09-05`` shows
    ``2025-9-5`` (a calendar writes its own separators and zero padding), so does ``2025年9月5日``."""
    import re

    na, nb = re.findall(r"\d+", _norm(a)), re.findall(r"\d+", _norm(b))
    if len(na) != 3 or len(nb) != 3 or len(na[0]) != 4 or len(nb[0]) != 4:
        return False
    if re.sub(r"[\d\s./\-年月日]", "", _norm(a)) or re.sub(r"[\d\s./\-年月日]", "", _norm(b)):
        return False  # other words around the numbers: not just a date
    return [int(x) for x in na] == [int(x) for x in nb]


def shows_choice(shown: str, value: str) -> bool:
    """Does a field that shows SHOWN hold the choice VALUE? Compared without spaces (NFKC); a path
    ``省/市/区`` matches whatever separator the field puts between the levels (`` / ``, ``-``, ``,``) or, for a
    cascader that shows only the last level, that level."""
    import re

    def squash(t: str) -> str:
        return re.sub(r"\s+", "", _norm(t))

    if squash(shown) == squash(value) or _same_date(shown, value):
        return True
    from clerkdesk.recipe.choices import same_items, split_items

    if len(split_items(value)) > 1 and same_items(shown, value):  # a multi-select's tags, in any order
        return True
    want = [squash(p) for p in re.split(r"[/／]", value) if p.strip()]
    got = [squash(p) for p in re.split(r"\s*(?:[/／>＞,，、-]|\s)\s*", _norm(shown)) if p.strip()]
    return len(want) > 1 and (got == want or got == want[-1:])


@step("check", "Tick a checkbox (`value: false` unticks; a template works).",
      {"value": Param("bool", False, "true (default), false, or a template")}, locator=True,
      example='check: {label: 已签订劳动合同, value: true}',
      zh="勾选", en="tick", fills="tick")
def _check(x: Exec, s: Step) -> None:
    on = x.truthy(s, "value") if "value" in s.args else True
    state = x.driver.check(x.locator(s), on, x.timeout(s))
    if state is not None and state != on:
        from clerkdesk.recipe.driver import DriverError

        raise DriverError(f"{s.locator().describe()} is still {'unticked' if on else 'ticked'} after the click "
                          "(read back from the page)", retryable=True)
    x.filled(s, s.describe().removeprefix("check "), "true" if on else "false")  # a confirm lists ticks too


@step("click", "Click a button, tab, link or menu item.", {}, locator=True, safe_to_retry=False,
      example='click: {role: tab, name: 就业信息}',
      zh="点击", en="click")
def _click(x: Exec, s: Step) -> None:
    x.driver.click(x.locator(s), x.timeout(s))


@step("upload", "Attach a file to a file input.", {"file": Param("value", True, "path of the file")},
      locator=True, kinds=frozenset({"web"}), needs=UploadsFiles,
      example='upload: {label: 附件, file: "{{ case.attachment }}"}',
      zh="上传", en="upload")
def _upload(x: Exec, s: Step) -> None:
    from pathlib import Path

    as_uploads(x.driver, s.kind).upload(x.locator(s), Path(x.value(s, "file")), x.timeout(s))


@step("key", "Press a key or chord (`F2`, `ctrl+s`), in the located field if a locator is given. Never to "
      "move between fields.", {"keys": Param("text", True, "e.g. F2, ctrl+s, Escape")}, scalar="keys",
      locator=True, optional_locator=True, safe_to_retry=False,
      example='key: F2',
      zh="按键", en="press")
def _key(x: Exec, s: Step) -> None:
    loc = x.locator(s)
    x.driver.press(s.args["keys"], loc if loc != Locator() else None, x.timeout(s))


@step("submit", "**The irreversible action**: click the button or press the key. Never retried, never repeated "
      "on resume; the engine records it before and after. A dry run (`recipe test`) stops here.",
      {"click": Param("locator", False, "the button"), "key": Param("text", False, "or a key such as ctrl+s"),
       "rejected": Param("condition", False, "the system's own sign that it refused the submit (its validation "
                         "message on the form page): then nothing was recorded, and the clerk sees its words")},
      safe_to_retry=False, one_of=("click", "key"), default_timeout=30,
      example='submit: {click: {role: button, name: 提交}}',
      zh="提交", en="submit", irreversible=True)
def _submit(x: Exec, s: Step) -> None:
    def send() -> None:
        if "click" in s.args:
            x.driver.click(x.locator(s, "click"), x.timeout(s))
        else:
            x.driver.press(s.args["key"], None, x.timeout(s))

    x.submit(s, send)


@step("confirm", "Stop and show the clerk the values about to be submitted; continue only when they confirm.",
      {"message": Param("text", True, "what to ask"),
       "en": Param("text", False, "what to ask, in the English window (the Chinese when absent)")},
      scalar="message", safe_to_retry=False,
      example='confirm: {message: 请核对后提交, en: "Check the values, then submit"}',
      zh="核对确认", en="confirm", person=True)
def _confirm(x: Exec, s: Step) -> None:
    x.confirm(s, said(s.args["message"], s.args.get(EN_SETTING, "")))


@step("human", "Something only the clerk can do (log in, captcha, a check). Skipped when `until` already "
      "holds; otherwise waits for the clerk (and for `until`).",
      {"message": Param("text", True, "what the clerk should do"),
       "en": Param("text", False, "what the clerk should do, in the English window (the Chinese when absent)"),
       "until": Param("condition", False, "done when this holds")},
      scalar="message", safe_to_retry=False, default_timeout=600,
      example='human: {message: 请登录系统, until: {text: 退出登录}}',
      zh="等待经办人", en="waiting for the clerk", person=True)
def _human(x: Exec, s: Step) -> None:
    until, shown = render_condition(x, s, s.args["until"]) if s.args.get("until") else (None, [])
    with masked(shown):
        x.human(s, said(s.args["message"], s.args.get(EN_SETTING, "")), until)


@step("login", "Log in to the system. Skipped when `until` already holds (a kept login). With a credential stored "
      "for this system and origin (`clerkdesk login set`) and no `captcha` shown, runs its `steps` with "
      "`{{ login.username }}` and `{{ login.password }}` (only there; never shown, logged or confirmed) and waits for "
      "`until`; otherwise — no credential, a captcha, a refused password — the clerk logs in, as with `human`.",
      {"message": Param("text", True, "what the clerk should do when a person must log in"),
       "en": Param("text", False, "that, in the English window (the Chinese when absent)"),
       "until": Param("condition", True, "how the page shows a logged-in user"),
       "captcha": Param("condition", False, "how the page shows a captcha: then a person logs in"),
       "steps": Param("steps", False, "the login by stored credential (fill user name and password, click)")},
      safe_to_retry=False, default_timeout=600, container=True, decides=True,
      example='login: {message: 请登录系统, until: {text: 退出登录}, captcha: {element: {label: 验证码}}, steps: '
              '[{fill: {label: 用户名, value: "{{ login.username }}"}}, '
              '{fill: {label: 密码, value: "{{ login.password }}"}}, {click: {role: button, name: 登录}}]}',
      zh="登录", en="log in", person=True)
def _login(x: Exec, s: Step) -> None:
    until, shown = render_condition(x, s, s.args["until"])
    captcha = render_condition(x, s, s.args["captcha"])[0] if s.args.get("captcha") else None
    with masked(shown):
        x.login(s, said(s.args["message"], s.args.get(EN_SETTING, "")), until, captcha)


@step("expect", "Check that text, an element, a URL or a window is shown; fails with `message`.",
      {"message": Param("text", False, "what to say when it is not shown")}, condition=True, answers=True,
      confirms=True, example='expect: {text: 受理成功, message: 系统未受理}',
      zh="核对结果", en="check the answer", verifies=True)
def _expect(x: Exec, s: Step) -> None:
    from clerkdesk.recipe.driver import DriverError

    cond, shown = render_condition(x, s)
    try:
        with masked(shown):
            x.driver.wait_for(cond, x.timeout(s))
    except DriverError as e:
        said = s.args.get("message")
        if not said:
            raise
        # the recipe author's words first (what the clerk should understand), then the technical cause
        raise type(e)(f"{said} — {e.message}", e.tried, retryable=e.retryable, evidence=e.evidence) from None


@step("wait", "Wait for text, an element, a URL or a window (or, with `gone: true`, for it to disappear). "
      "Never a fixed sleep.",
      {}, condition=True, default_timeout=30, answers=True,
      example='wait: {text: 正在加载, gone: true}',
      zh="等待", en="wait for", verifies=True)
def _wait(x: Exec, s: Step) -> None:
    cond, shown = render_condition(x, s)
    with masked(shown):
        x.driver.wait_for(cond, x.timeout(s))


@step("capture", "Read values into the case's results, e.g. the receipt number: each entry takes `after` (the "
      "text after a label), `element` (a locator) and `pattern` (a regex; group 1 if any).",
      {}, safe_to_retry=True, answers=True, confirms=True, entries="results",
      example='capture: {receipt: {after: 受理编号, pattern: "RS\\\\d+"}}',
      zh="读取回执", en="read the receipt", verifies=True, reads=True)
def _capture(x: Exec, s: Step) -> None:
    for name, spec in s.args.items():
        if name not in COMMON:
            x.captured(s, name, read_entry(x, s, name, spec))


def read_entry(x: Exec, s: Step, name: str, spec: dict[str, Any]) -> str:
    """One named read of `capture` or `read`: the text after a label or of an element, cut by `pattern`."""
    import re

    el = spec.get("element")
    shown: list[tuple[str, str]] = []
    after = render_text(x, s, spec.get("after"))
    if after != spec.get("after"):
        shown.append((str(after), str(spec.get("after"))))
    element = _render_locator(x, s, Locator(**{k: v for k, v in el.items() if k in LOCATOR_KEYS}), shown) \
        if el else None
    rs = ReadSpec(after=after, pattern=spec.get("pattern"), element=element)
    with masked(shown):
        text = x.driver.read(rs, x.timeout(s))
    if rs.pattern:
        m = re.search(rs.pattern, text)
        if not m:
            from clerkdesk.recipe.driver import DriverError

            raise DriverError(f"{s.kind} {name}: the text read does not match pattern {rs.pattern!r}")
        text = m.group(1) if m.groups() else m.group(0)
    return text.strip()


@step("read", "Read what the system already holds for this applicant (its query page) into profile fields, "
      "before anything is written: each entry names a profile field (`person.hukou_type`) and takes `after`, "
      "`element` and `pattern` as in `capture`. ClerkDesk compares each value with the profile (codes in words) "
      "and the clerk decides every difference: update the system with the profile, update the profile, or "
      "leave it; the decision is audited and carried into the fill.",
      {}, safe_to_retry=True, entries="profile", observes=True,
      example='read: {person.hukou_type: {after: 户口性质}}',
      zh="读取系统现有信息", en="read what the system holds")
def _read(x: Exec, s: Step) -> None:
    x.observed(s, {name: read_entry(x, s, name, spec) for name, spec in s.args.items() if name not in COMMON})


@step("frame", "Run the nested steps inside a frame or iframe (by `name`, part of its `url`, or the frame "
      "element's `css`).",
      {"name": Param("text", False, "frame name"), "url": Param("text", False, "part of the frame URL"),
       "css": Param("text", False, "frame element selector"), "steps": Param("steps", True, "")},
      kinds=frozenset({"web"}), one_of=("name", "url", "css"), container=True, needs=FramesCapable,
      example='frame: {name: main, steps: [{fill: {label: 企业名称, value: "{{ enterprise.name }}"}}]}',
      zh="切换框架", en="switch frame")
def _frame(x: Exec, s: Step) -> None:
    a = {k: render_text(x, s, s.args.get(k)) for k in ("name", "url", "css")}
    css = a.get("css") or (f"frame[name='{a['name']}'], iframe[name='{a['name']}']" if a.get("name") else None)
    frames = as_frames(x.driver, s.kind)
    frames.enter_frame(Locator(css=css, name=a.get("name"), text=a.get("url")))
    try:
        x.run_children(s)
    finally:
        frames.leave_frame()


@step("window", "Run the nested steps in a popup or new window the system opens (an address picker, a print "
      "preview), waiting for it; the steps after it go on in the page that opened it.",
      {"title": Param("text", False, "part of the window title"), "url": Param("text", False, "part of its URL"),
       "steps": Param("steps", True, "")},
      kinds=frozenset({"web"}), one_of=("title", "url"), container=True, needs=WindowsCapable,
      example='window: {title: 地址选择, steps: [{click: {text: 确定}}]}',
      zh="切换窗口", en="switch window")
def _window(x: Exec, s: Step) -> None:
    title, url = render_text(x, s, s.args.get("title")), render_text(x, s, s.args.get("url"))
    popups = as_windows(x.driver, s.kind)
    with masked([(str(v), str(s.args.get(k))) for k, v in (("title", title), ("url", url)) if v != s.args.get(k)]):
        popups.enter_window(title, url, x.timeout(s))
    try:
        x.run_children(s)
    finally:
        popups.leave_window()


@step("dialog", "Answer the *next* JS dialog (alert/confirm/prompt) or modal box: `action` is `accept` or "
      "`dismiss`; `text` checks its message; `prompt` answers a prompt(). Put it before the click "
      "that opens the dialog.",
      {"action": Param("text", True, "accept or dismiss"), "text": Param("text", False, "expected message"),
       "prompt": Param("value", False, "answer for a prompt()")}, scalar="action", answers=True,
      example='dialog: {action: accept, text: 确定提交吗}',
      zh="对话框", en="dialog", verifies=True)
def _dialog(x: Exec, s: Step) -> None:
    prompt = x.value(s, "prompt") if "prompt" in s.args else None
    x.driver.arm_dialog(s.args["action"] == "accept", render_text(x, s, s.args.get("text")), prompt)


@step("screenshot", "Keep a screenshot as evidence (stored encrypted with the run).",
      {"name": Param("text", True, "evidence name"),
       "en": Param("text", False, "the evidence name in the English window (the Chinese when absent)")},
      scalar="name", answers=True,
      example='screenshot: {name: 受理回执, en: Receipt}',
      zh="截图留证", en="screenshot")
def _screenshot(x: Exec, s: Step) -> None:
    # stored as one name, the Chinese then the English in brackets (as the engine names its own shots); the
    # window shows the part in its language (ui.dialogs.evidence_title)
    en = s.args.get(EN_SETTING)
    x.evidence(s, f"{s.args['name']} ({en})" if en else s.args["name"])


@step("when", "Run the nested steps only if `if` (a template that is true or false) holds, or `shown` "
      "(something on screen now); the `else` steps otherwise.",
      {"if": Param("value", False, "template that is true or false"),
       "shown": Param("condition", False, "true when this is on screen now"),
       "steps": Param("steps", True, ""), "else": Param("steps", False, "")},
      one_of=("if", "shown"), container=True,
      example='when: {shown: {text: 温馨提示}, steps: [{click: {text: 关闭}}]}',
      zh="条件", en="if", decides=True)
def _when(x: Exec, s: Step) -> None:
    if "if" in s.args:
        ok = x.truthy(s, "if")
    else:
        cond, shown = render_condition(x, s, s.args["shown"])
        with masked(shown):
            ok = x.driver.probe(cond)
    if ok:
        x.run_children(s, "steps")
    elif s.children.get("else"):
        x.run_children(s, "else")


@step("each", "Repeat the nested steps for every item of a list (e.g. family members); the item is bound to "
      "`as`, its position to `loop_index` (0 = first).",
      {"items": Param("value", True, "a template giving a list, e.g. {{ case.members }}"),
       "as": Param("text", True, "name of the item in templates"), "steps": Param("steps", True, "")},
      container=True, example='each: {items: "{{ case.members }}", as: member, steps: [{fill: {label: "成员{{ loop_index + 1 }}姓名", value: "{{ member.name }}"}}]}',
      zh="逐项", en="for each", decides=True, repeats=True)
def _each(x: Exec, s: Step) -> None:
    for i, item in enumerate(x.items(s, "items")):
        x.run_children(s, "steps", {s.args["as"]: item, "loop_index": i})
