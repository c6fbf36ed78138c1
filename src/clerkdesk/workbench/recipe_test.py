"""``clerkdesk recipe test``: a dry run of one recipe with a sample record, and its HTML report.

The engine runs every step up to the recipe's ``submit`` and stops there (``Runner(dry_run=True)``): nothing
is ever submitted. Around it, this module
- loads the recipe from a file (against its own ``systems/`` folder, as lint does) or from the catalogue,
- validates the sample record exactly as ``fill`` would (derived fields included) and plans it, so every
  missing input is listed before a browser starts,
- wraps the driver to record every call: the locator, what it resolved to (web: frame, element, box), the value
  sent and read back, and its timing; and takes a screenshot of every page the run passes through, and of the
  filled form with the submit button it would have clicked,
- keeps the run's log in memory: a test stores nothing (no case, no run, no profile) except the login the
  system keeps, which is the supervisor's own and is kept encrypted as for ``fill``.

The report shows the sample's values (that is its point): use test data, never a citizen's record.
"""

from __future__ import annotations

import base64
import html
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clerkdesk.engine import events as ev
from clerkdesk.engine.plan import Target, plan_case
from clerkdesk.engine.run import Clerk, Outcome, RunInfo, Runner
from clerkdesk.errors import ClerkDeskError, RecipeError
from clerkdesk.recipe import values
from clerkdesk.recipe.driver import (
    Condition,
    Driver,
    DriverError,
    FramesCapable,
    Locator,
    ReadSpec,
    UploadsFiles,
    WindowsCapable,
)
from clerkdesk.recipe.model import Recipe
from clerkdesk.recipe.steps import Step, kinds
from clerkdesk.recipe.systems import System
from clerkdesk.records.runstate import RunStatus

NOTHING_SUBMITTED = "未提交任何内容 (nothing was submitted)"

# what a web element is, for the report: tag, identifiers, the frame it is in, its box on the page
_DESCRIBE_JS = """e => { const r = e.getBoundingClientRect();
  const lab = (e.labels && e.labels.length) ? e.labels[0].innerText : (e.getAttribute('aria-label') || '');
  return {tag: e.tagName.toLowerCase(), type: (e.type || '').toLowerCase(), id: e.id || '',
          name: e.getAttribute('name') || '', label: (lab || '').trim().slice(0, 40),
          text: (e.innerText || e.value || '').trim().slice(0, 40), frame: location.href,
          box: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]}; }"""


@dataclass
class Call:
    """One driver call made by a step."""

    action: str
    locator: str = ""
    resolved: str = ""
    sent: str | None = None
    read_back: str | None = None
    ms: float = 0.0
    error: str = ""


@dataclass
class StepRow:
    index: int
    kind: str
    what: str
    where: str = ""  # file:line:col of the step
    status: str = "started"  # ok | failed | retried | stopped (the submit) | not run
    ms: float = 0.0
    message: str = ""
    calls: list[Call] = field(default_factory=list)


@dataclass
class Shot:
    title: str
    place: str
    png: bytes


@dataclass
class TestResult:
    """What a dry run did, for the report and the exit code."""

    recipe: Recipe
    system: System
    outcome: Outcome
    rows: list[StepRow]
    shots: list[Shot]
    submit: Call | None  # the submit the dry run did not click, and what it resolved to
    seconds: float

    @property
    def ok(self) -> bool:
        return self.outcome.status == RunStatus.DRY_RUN and all(r.status != "failed" for r in self.rows)


class MemoryRunLog:
    """The ``RunLog`` the runner writes to, kept in memory: a dry run leaves nothing in the store."""

    @dataclass
    class Row:
        status: str = "created"
        checkpoint: int = 0
        submit_state: str = "none"
        data: dict[str, Any] = field(default_factory=dict)

    def __init__(self) -> None:
        self.row = MemoryRunLog.Row()
        self.events: list[tuple[int, str, str, str]] = []
        self.evidence: list[tuple[int, str, bytes]] = []

    def get(self, rid: str) -> Any:
        return self.row

    def update(self, rid: str, *, status: str | None = None, checkpoint: int | None = None,
               submit_state: str | None = None, data: dict[str, Any] | None = None,
               seconds: float | None = None) -> None:
        if status is not None:
            self.row.status = status
        if checkpoint is not None:
            self.row.checkpoint = checkpoint
        if submit_state is not None:
            self.row.submit_state = submit_state
        if data:
            self.row.data.update(data)

    def event(self, rid: str, step: int, kind: str, status: str, message: str = "",
              checkpoint: int | None = None, ms: int | None = None) -> None:
        self.events.append((step, kind, status, message))
        if checkpoint is not None:
            self.row.checkpoint = checkpoint

    def add_evidence(self, rid: str, step: int, name: str, png: bytes) -> int:
        self.evidence.append((step, name, png))
        return len(self.evidence)

    def acquire(self, rid: str) -> None:  # a dry run lives in this process only: nobody else can hold it
        pass

    def release(self, rid: str) -> None:
        pass


class DryRunClerk:
    """Confirms (nothing will be submitted) and hands `human` steps (a login) to a real person's stand-in."""

    def __init__(self, person: Clerk):
        self.person = person
        self.confirmed: list[list[tuple[str, str]]] = []

    def confirm(self, info: RunInfo, message: str, values: list[tuple[str, str]]) -> bool:
        self.confirmed.append(list(values))
        return True

    def human(self, info: RunInfo, message: str, driver: Any, check: Callable[[], bool] | None) -> None:
        self.person.human(info, message, getattr(driver, "inner", driver), check)

    def uncertain(self, info: RunInfo, message: str) -> tuple[str, str | None]:
        return "abort", None  # unreachable: a dry run never submits


class RecordingDriver:
    """A Driver that forwards every call to the real one and records it for the report.

    For web systems each located element is resolved first with the driver's own search (``resolve``, the
    same strategies and waiting as the action) so the report can say which element, in which frame, a locator
    found; the action itself then runs as in a fill. The desktop driver does not expose its resolution; the
    report says so and shows the screenshots.
    """

    def __init__(self, inner: Any, on_call: Callable[[Call], None]):
        self.inner = inner
        self.kind = inner.kind
        self.on_call = on_call
        # the optional capabilities are the real driver's: recorded where it has them, absent where it has not,
        # so that the engine's capability check (``StepType.needs``) sees the real driver through this one
        if isinstance(inner, UploadsFiles):
            self.upload = self._upload
        if isinstance(inner, FramesCapable):
            self.enter_frame, self.leave_frame = self._enter_frame, self._leave_frame
        if isinstance(inner, WindowsCapable):
            self.enter_window, self.leave_window = self._enter_window, self._leave_window

    def __getattr__(self, name: str) -> Any:  # ctx, page … for a clerk that logs in; awaiting_system if it has it
        return getattr(self.inner, name)

    # --- resolution --------------------------------------------------------------------------------
    def resolved(self, loc: Locator, timeout: float, want: str | None = None) -> str:
        if self.kind != "web" or not hasattr(self.inner, "resolve"):
            return "(the desktop driver does not report it; see the screenshots)"
        el = self.inner.resolve(loc, timeout, want)
        try:
            d = el.evaluate(_DESCRIBE_JS)
        except Exception as e:  # the element went away between finding and describing it
            return f"(found, then gone: {str(e).splitlines()[0][:80]})"
        ident = "".join([f"#{d['id']}" if d["id"] else "", f"[name={d['name']}]" if d["name"] else ""])
        kind = d["tag"] + (f"[type={d['type']}]" if d["type"] and d["tag"] == "input" else "")
        shown = f" “{d['label'] or d['text']}”" if (d["label"] or d["text"]) and d["tag"] not in (
            "input", "select", "textarea") else ""
        x, y, w, h = d["box"]
        return f"<{kind}{ident}>{shown} in frame {d['frame']} at ({x}, {y}) {w}×{h}"

    def _do(self, action: str, loc: Locator | None, fn: Callable[[], Any], *, sent: str | None = None,
            want: str | None = None, timeout: float = 10.0, resolve: bool = True) -> Any:
        call = Call(action, loc.describe() if loc is not None else "", sent=sent)
        t0 = time.monotonic()
        try:
            if loc is not None and resolve:
                call.resolved = self.resolved(loc, timeout, want)
            got = fn()
            if isinstance(got, bool):  # a kit checkbox's state read back from the page
                call.read_back = str(got).lower()
            elif isinstance(got, str):
                call.read_back = got
            return got
        except DriverError as e:
            call.error = e.message
            raise
        finally:
            call.ms = (time.monotonic() - t0) * 1000
            if self.__dict__.get("typing_secret"):  # a login by stored credential: the report shows no secret
                call.sent = None if call.sent is None else "••••"
                call.read_back = None if call.read_back is None else "••••"
            self.on_call(call)

    # --- the Driver protocol -------------------------------------------------------------------------
    def start(self, ctx: Any) -> None:
        self.inner.start(ctx)

    def close(self) -> None:
        self.inner.close()

    def open(self, where: str, timeout: float) -> None:
        self._do("open", None, lambda: self.inner.open(where, timeout), sent=where)

    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        return str(self._do("fill", loc, lambda: self.inner.fill(loc, value, timeout), sent=value, timeout=timeout))

    # choose and check hand on what the field shows (a kit's read-back): the step compares it as in a fill
    def choose(self, loc: Locator, value: str, timeout: float) -> str | None:
        got = self._do("choose", loc, lambda: self.inner.choose(loc, value, timeout), sent=value, want=value,
                       timeout=timeout)
        return None if got is None else str(got)

    def check(self, loc: Locator, on: bool, timeout: float) -> bool | None:
        got = self._do("check", loc, lambda: self.inner.check(loc, on, timeout), sent=str(on).lower(),
                       timeout=timeout)
        return None if got is None else bool(got)

    def click(self, loc: Locator, timeout: float) -> None:
        self._do("click", loc, lambda: self.inner.click(loc, timeout), timeout=timeout)

    def _upload(self, loc: Locator, path: Path, timeout: float) -> None:
        self._do("upload", loc, lambda: self.inner.upload(loc, path, timeout), sent=path.name, timeout=timeout)

    def press(self, keys: str, loc: Locator | None, timeout: float) -> None:
        self._do("key", loc, lambda: self.inner.press(keys, loc, timeout), sent=keys, timeout=timeout)

    def wait_for(self, cond: Condition, timeout: float) -> None:
        self._do("wait for", None, lambda: self.inner.wait_for(cond, timeout), sent=cond.describe())

    def probe(self, cond: Condition) -> bool:
        got = bool(self.inner.probe(cond))
        self.on_call(Call("look for", "", sent=cond.describe(), read_back="shown" if got else "not shown"))
        return got

    def read(self, spec: ReadSpec, timeout: float) -> str:
        what = f"after {spec.after!r}" if spec.after else spec.element.describe() if spec.element else ""
        return str(self._do("read", None, lambda: self.inner.read(spec, timeout), sent=what))

    def screenshot(self) -> bytes:
        return bytes(self.inner.screenshot())

    def _enter_frame(self, frame: Locator) -> None:
        self._do("enter frame", frame, lambda: self.inner.enter_frame(frame), resolve=False)

    def _leave_frame(self) -> None:
        self.inner.leave_frame()

    def _enter_window(self, title: str | None, url: str | None, timeout: float) -> None:
        self._do("enter window", None, lambda: self.inner.enter_window(title, url, timeout), sent=title or url)

    def _leave_window(self) -> None:
        self.inner.leave_window()

    def arm_dialog(self, accept: bool, text: str | None, prompt: str | None) -> None:
        self._do("dialog", None, lambda: self.inner.arm_dialog(accept, text, prompt),
                 sent=("accept" if accept else "dismiss") + (f" {text!r}" if text else ""))

    def where(self) -> str:
        return str(self.inner.where())


def _first_submit(steps: tuple[Step, ...]) -> Step | None:
    for s in steps:
        if s.type.submits:
            return s
        for kids in s.children.values():
            found = _first_submit(kids)
            if found is not None:
                return found
    return None


def sample_context(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The sample record file (as for ``fill``) → (applicant kind, template context), validated and with
    the derived fields (sex and birth date from the ID number …) exactly as a fill would have them."""
    from clerkdesk.records import model

    kind = "enterprise" if "enterprise" in data or "uscc" in data else "person"
    record = data.get(kind, data if kind not in data else {})
    record = {k: v for k, v in record.items() if k != "case"} if isinstance(record, dict) else {}
    case = {k.removeprefix("case."): v for k, v in (data.get("case") or {}).items()}
    made = model.make_person(record)[0] if kind == "person" else model.make_enterprise(record)[0]
    return kind, {kind: made.to_dict(), "case": case}


def dry_run(recipe: Recipe, system: System, context: dict[str, Any], person: Clerk, make_driver: Callable[[str], Any],
            *, home: Path, clerk_name: str, headless: bool = True, driver_options: dict[str, Any] | None = None,
            on_event: Callable[[ev.Event], None] | None = None, timeout_factor: float = 1.0) -> TestResult:
    """Run RECIPE on SYSTEM with CONTEXT up to its submit (never clicking it) and record everything."""
    submit = _first_submit(recipe.steps)
    if submit is None:
        raise RecipeError(f"recipe {recipe.id} has no submit step: a dry run would not know where to stop, so it "
                          "is not started (every recipe that files something ends its form with `submit`)",
                          recipe.mark)
    plan_case([recipe], {system.id: system}, context)  # every missing input listed before a browser starts
    rows: list[StepRow] = []
    shots: list[Shot] = []
    marks = {(i + 1, s.describe()): s.mark for i, top in enumerate(recipe.steps)
             for s in _walk(top)}
    state: dict[str, Any] = {"driver": None, "place": None, "submit": None}

    def on_call(c: Call) -> None:
        if not rows:
            return
        last = rows[-1].calls[-1] if rows[-1].calls else None
        if last is not None and c.action == last.action == "look for" and (c.sent, c.read_back) == (
                last.sent, last.read_back):
            return  # a person's login polled `until` every 0.2 s: one line is enough
        rows[-1].calls.append(c)

    def make(t: Target) -> Driver:
        state["driver"] = RecordingDriver(make_driver(t.system.kind), on_call)
        return state["driver"]  # type: ignore[no-any-return]

    def shoot(title: str) -> None:
        drv = state["driver"]
        if drv is None:
            return
        try:
            shots.append(Shot(title, drv.where(), drv.screenshot()))
        except Exception as e:  # a screenshot is evidence for the report, never a reason to fail the test
            shots.append(Shot(f"{title} (no screenshot: {str(e).splitlines()[0][:80]})", "", b""))

    def event(e: ev.Event) -> None:
        if isinstance(e, ev.StepStarted):
            rows.append(StepRow(e.index, e.kind, e.what, str(marks.get((e.index, e.what), ""))))
            if e.kind in kinds(submits=True):
                # the dry run stops here: show what the submit would have clicked, and the filled form
                state["submit"] = _resolve_submit(state["driver"], submit, recipe, system, context, timeout_factor)
                rows[-1].status = "stopped"
                rows[-1].message = NOTHING_SUBMITTED
                rows[-1].calls.append(state["submit"])
                shoot(f"step {e.index}: the filled form, before the submit (not clicked)")
        elif isinstance(e, ev.StepSucceeded):
            row = _row(rows, e.index, e.what)
            row.status, row.ms = "ok", e.seconds * 1000
            place = state["driver"].where() if state["driver"] is not None else None
            if place != state["place"]:
                state["place"] = place
                shoot(f"after step {e.index} ({e.what})")
        elif isinstance(e, ev.StepFailed):
            row = _row(rows, e.index, e.what)
            row.status, row.message = ("retried" if e.will_retry else "failed"), e.message
            if not e.will_retry:
                shoot(f"step {e.index} failed ({e.what})")
        if on_event is not None:
            on_event(e)

    runner = Runner(MemoryRunLog(), DryRunClerk(person), make, home=home, clerk_name=clerk_name, headless=headless,
                    on_event=event, timeout_factor=timeout_factor, driver_options=driver_options, dry_run=True)
    t0 = time.monotonic()
    outcome = runner.run("dry-run", Target(recipe, system), context)
    if outcome.status != RunStatus.DRY_RUN and rows and rows[-1].status == "started":
        rows[-1].status, rows[-1].message = "failed", outcome.message
    after = _top_of(recipe, submit)
    for i, top in enumerate(recipe.steps):
        if not any(r.index == i + 1 for r in rows):
            rows.append(StepRow(i + 1, top.kind, top.describe(), str(top.mark), "not run",
                                message="after the submit" if outcome.status == RunStatus.DRY_RUN and i >= after else ""))
    return TestResult(recipe, system, outcome, rows, shots, state["submit"], time.monotonic() - t0)


def _walk(s: Step) -> list[Step]:
    out = [s]
    for kids in s.children.values():
        for k in kids:
            out += _walk(k)
    return out


def _top_of(recipe: Recipe, target: Step) -> int:
    for i, top in enumerate(recipe.steps):
        if any(s is target for s in _walk(top)):
            return i
    return len(recipe.steps)


def _row(rows: list[StepRow], index: int, what: str) -> StepRow:
    for r in reversed(rows):
        if r.index == index and r.what == what:
            return r
    rows.append(StepRow(index, "", what))
    return rows[-1]


def _resolve_submit(driver: RecordingDriver | None, submit: Step, recipe: Recipe, system: System,
                    context: dict[str, Any], timeout_factor: float) -> Call:
    """Find the submit's button without clicking it: the dry run proves it is there."""
    if "key" in submit.args:
        return Call("submit (not pressed)", "", sent=str(submit.args["key"]),
                    resolved="a key: nothing to find on the page")
    loc = submit.locator("click")
    env = values.make_env(system.id, system.codes)
    rendered = {f: values.render(env, v, context) for f in ("label", "name", "text", "placeholder", "css", "xpath",
                                                          "within")
                if isinstance(v := getattr(loc, f), str) and values.is_template(v)}
    if rendered:
        import dataclasses

        loc = dataclasses.replace(loc, **rendered)
    call = Call("submit (not clicked)", loc.describe())
    if driver is None:
        return call
    t0 = time.monotonic()
    try:
        call.resolved = driver.resolved(loc, float(submit.args.get("timeout", 10)) * timeout_factor)
    except DriverError as e:
        call.error = f"the submit button was not found: {e.message}"
    call.ms = (time.monotonic() - t0) * 1000
    return call


# --- the report ------------------------------------------------------------------------------------------

_CSS = """body{font:14px/1.45 system-ui,'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;width:100%;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}
th{background:#f3f3f3;text-align:left}.ok{color:#1a7f37}.failed{color:#c62828;font-weight:bold}
.stopped{color:#8a5a00;font-weight:bold}.not{color:#888}.banner{padding:10px 14px;border-radius:6px;margin:12px 0}
.pass{background:#e6f4ea}.fail{background:#fdecea}code{background:#f6f6f6;padding:0 3px}
img{max-width:100%;border:1px solid #aaa}.calls td{border:none;padding:1px 6px}.err{color:#c62828}"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def report_html(res: TestResult) -> str:
    """A self-contained HTML page (screenshots inlined): what every step did and found, and the verdict."""
    verdict = ("通过：每一步都在提交前完成 (passed: every step before the submit worked)" if res.ok
               else "未通过 (failed)")
    out = [f"<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>recipe test {_e(res.recipe.id)}"
           f"</title><style>{_CSS}</style></head><body>",
           f"<h1>试运行报告 · recipe test: {_e(res.recipe.id)} — {_e(res.recipe.title)}</h1>",
           f"<p>system <b>{_e(res.system.id)}</b> ({_e(res.system.title)}) at <code>"
           f"{_e(res.system.start_url or res.system.window)}</code>; recipe file <code>{_e(res.recipe.path)}</code>;"
           f" {res.seconds:.1f} s</p>",
           f"<div class='banner {'pass' if res.ok else 'fail'}'><b>{_e(verdict)}</b><br>"
           f"{_e(NOTHING_SUBMITTED)}: the run stopped before the submit and did not click it. "
           f"Status: <code>{_e(res.outcome.status)}</code>. {_e(res.outcome.message)}</div>",
           "<p>The values below come from the sample record: use test data only.</p>",
           "<table><tr><th>#</th><th>step</th><th>recipe line</th><th>status</th><th>ms</th>"
           "<th>calls: locator → what it resolved to · value sent → read back</th></tr>"]
    for r in res.rows:
        cls = {"ok": "ok", "failed": "failed", "stopped": "stopped", "retried": "stopped"}.get(r.status, "not")
        calls = "".join(
            f"<tr><td><b>{_e(c.action)}</b></td><td>{_e(c.locator)}</td><td>→ {_e(c.resolved) or '·'}</td>"
            f"<td>{'sent ' + _e(c.sent) if c.sent is not None else ''}"
            f"{' → read back ' + _e(c.read_back) if c.read_back is not None else ''}</td>"
            f"<td>{c.ms:.0f} ms</td><td class=err>{_e(c.error)}</td></tr>" for c in r.calls)
        out.append(f"<tr><td>{r.index}</td><td><code>{_e(r.what)}</code></td><td>{_e(r.where)}</td>"
                   f"<td class={cls}>{_e(r.status)}<br>{_e(r.message)}</td><td>{r.ms:.0f}</td>"
                   f"<td><table class=calls>{calls}</table></td></tr>")
    out.append("</table><h2>Screenshots</h2>")
    for s in res.shots:
        img = (f"<img alt='{_e(s.title)}' src='data:image/png;base64,{base64.b64encode(s.png).decode()}'>"
               if s.png else "")
        out.append(f"<h3>{_e(s.title)}</h3><p><code>{_e(s.place)}</code></p>{img}")
    out.append("</body></html>")
    return "\n".join(out)


def result_json(res: TestResult, report: Path | None) -> dict[str, Any]:
    return {"ok": res.ok, "status": res.outcome.status, "message": res.outcome.message, "submitted": False,
            "recipe": res.recipe.id, "system": res.system.id, "report": str(report) if report else None,
            "steps": [{"index": r.index, "step": r.what, "where": r.where, "status": r.status, "ms": round(r.ms),
                       "message": r.message,
                       "calls": [{"action": c.action, "locator": c.locator, "resolved": c.resolved, "sent": c.sent,
                                  "read_back": c.read_back, "ms": round(c.ms), "error": c.error} for c in r.calls]}
                      for r in res.rows]}


def load_for_test(spec: str, catalog_folder: Path, system_urls: dict[str, str]) -> tuple[Recipe, System]:
    """SPEC: a recipe file (checked against its own systems/ folder, like lint) or a recipe id of the catalogue."""
    from clerkdesk.recipe.lint import systems_folder_for
    from clerkdesk.recipe.loader import load_recipe
    from clerkdesk.recipe.systems import load_systems

    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise ClerkDeskError(f"no recipe file {spec}")
        folder = systems_folder_for(path, catalog_folder)
        if folder is None:
            raise ClerkDeskError(f"no systems/ folder for {spec} (next to it, in a parent, or in the recipes folder)")
        systems = load_systems(folder)
        recipe = load_recipe(path, systems)
    else:
        from clerkdesk.recipe.catalog import Catalog

        cat = Catalog(catalog_folder)
        systems, recipe = dict(cat.systems), cat.get(spec)
    for sid, url in system_urls.items():
        if sid not in systems:
            raise ClerkDeskError(f"--system-url names unknown system {sid!r}")
        systems[sid] = systems[sid].at(url)
    if recipe.system not in systems:
        raise ClerkDeskError(f"recipe {recipe.id} names unknown system {recipe.system!r}")
    return recipe, systems[recipe.system]


def write_report(res: TestResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_html(res), encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(result_json(res, path), ensure_ascii=False, indent=2),
                                         encoding="utf-8")
