"""A scripted ministry system for the discrepancy tests: two matters of system a, one of system b, each reading
the person's 户口性质 from the system's query page (a ``read`` step) before filling it. What each system's page
shows is set per test (``World.shown``); what each run filled is kept (``World.filled``). No browser."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from clerkdesk.desk import Desk
from clerkdesk.recipe.catalog import Catalog
from clerkdesk.recipe.driver import Condition, DriverContext, Locator, ReadSpec
from clerkdesk.records.standards import id_check_digit

SYSTEM = """\
system: {sid}
title: {title}
kind: web
start_url: http://127.0.0.1:9/
origins: ["http://127.0.0.1:9"]
login: manual
codes:
  hukou_type: {{rural: "1", urban: "2", resident: "2"}}
"""
RECIPE = """\
recipe: {rid}
title: {title}
system: {sid}
applicant: person
needs: [person.name, person.id_number, person.hukou_type]
steps:
  - open: /query
  - read:
      person.hukou_type: {{element: {{css: "#hukou"}}}}
  - open: /form
  - fill: {{label: 姓名, value: "{{{{ person.name }}}}"}}
  - choose: {{label: 户口性质, value: "{{{{ person.hukou_type | code('hukou_type') }}}}"}}
"""
MATTERS = {"a.one": "a", "a.two": "a", "b.one": "b"}  # recipe → system: two matters of system a, one of b
ID = "11010519491231002" + id_check_digit("11010519491231002")
PERSON = {"name": "司徒雅琴", "id_number": ID, "hukou_type": "农业"}  # the profile: rural, code 1 in both systems


@dataclass
class World:
    """What each system's query page shows for the person, and what each run filled."""

    shown: dict[str, str]
    filled: list[tuple[str, str]] = field(default_factory=list)  # (system, 户口性质 sent)

    def driver(self, kind: str) -> ScriptedDriver:
        return ScriptedDriver(self)


class ScriptedDriver:
    kind = "web"

    def __init__(self, world: World):
        self.w = world
        self.system = ""

    def start(self, ctx: DriverContext) -> None:
        self.system = ctx.system.id

    def close(self) -> None:
        pass

    def open(self, where: str, timeout: float) -> None:
        pass

    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        return value

    def choose(self, loc: Locator, value: str, timeout: float) -> None:
        self.w.filled.append((self.system, value))

    def check(self, loc: Locator, on: bool, timeout: float) -> None:
        pass

    def click(self, loc: Locator, timeout: float) -> None:
        pass

    def press(self, keys: str, loc: Locator | None, timeout: float) -> None:
        pass

    def probe(self, cond: Condition) -> bool:
        return False

    def wait_for(self, cond: Condition, timeout: float) -> None:
        pass

    def read(self, spec: ReadSpec, timeout: float) -> str:
        return self.w.shown[self.system]

    def screenshot(self) -> bytes:
        return b"\x89PNG fake"

    def arm_dialog(self, accept: bool, text: str | None, prompt: str | None) -> None:
        pass

    def where(self) -> str:
        return f"scripted {self.system}"


def scripted_desk(root: Path, home: Path | None = None) -> Desk:
    """A desk over ROOT/home (or HOME) whose recipes are the scripted systems (written under ROOT)."""
    rec = root / "recipes"
    (rec / "systems").mkdir(parents=True)
    for sid, title in (("a", "甲系统"), ("b", "乙系统")):
        (rec / "systems" / f"{sid}.yaml").write_text(SYSTEM.format(sid=sid, title=title), encoding="utf-8")
        (rec / sid).mkdir()
    for rid, sid in MATTERS.items():
        (rec / sid / f"{rid.split('.')[1]}.yaml").write_text(RECIPE.format(rid=rid, sid=sid, title=rid),
                                                            encoding="utf-8")
    desk = Desk(root / "home") if home is None else Desk(home)
    desk.session.catalog = Catalog(rec)
    return desk
