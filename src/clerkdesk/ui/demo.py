"""The demo: sandbox ministry systems on loopback, a sample applicant, and a login hint for newcomers."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SANDBOX_USER, SANDBOX_PASSWORD = "clerk01", "sandbox"
GJJ_OPERATOR = "0001"


def sample_person() -> dict[str, Any]:
    """A valid sample applicant (the check digit is computed, so the number is always valid)."""
    from clerkdesk.records.standards import id_check_digit

    first17 = "65010219900228123"
    return {"person.name": "阿卜杜拉·买买提", "person.id_number": first17 + id_check_digit(first17),
            "person.ethnicity": "05", "person.hukou_type": "rural", "person.education": "20",
            "person.marital_status": "20", "person.hukou_region": "650102",
            "person.hukou_address": "新疆维吾尔自治区乌鲁木齐市天山区解放南路12号",
            "person.current_address": "四川省成都市武侯区科华北路65号", "person.phone": "13812345678"}


SAMPLE_CASE = {"case.employer": "成都蓉城科技有限公司", "case.employer_uscc": "91110000600037341L",
               "case.start_date": "2026-11-01", "case.contract_term": "三年及以上", "case.post": "会计",
               "case.employment_form": "单位就业", "case.wage": "6500", "case.contract_signed": True,
               "case.insurances": ["养老", "医疗", "失业"], "case.insured_from": "2026-11-01",
               "case.contribution_base": "6500", "case.shop_name": "买买提新疆风味餐馆",
               "case.premises": "四川省成都市武侯区科华北路65号附1号", "case.scope": "餐饮服务",
               "case.org_form": "个人经营", "case.capital": "5", "case.employer_account": "100200300400",
               "case.personal_rate": "8%", "case.monthly_base": "6500", "case.opened_on": "2026-11-01"}


def captcha_hint(driver: Any) -> str | None:
    """On a sandbox login page: the user, password and the training captcha (debug sandbox only).

    Runs in the run's worker thread (Playwright objects belong to it).
    """
    from clerkdesk.ui.i18n import tr

    ctx = getattr(driver, "ctx", None)
    if ctx is not None and ctx.system.kind == "desktop":
        return f"{tr('操作员代码')} {GJJ_OPERATOR}　{tr('密码')} {tr('任意（沙箱客户端）')}" if ctx.system.id == "gjj" \
            else None
    page = getattr(driver, "page", None)
    if page is None or "login" not in page.url:
        return None
    hint = f"{tr('用户名')} {SANDBOX_USER}　{tr('密码')} {SANDBOX_PASSWORD}"
    resp = page.request.get(driver.ctx.system.start_url + "__sandbox/captcha")
    return hint + f"　{tr('验证码')} {resp.text().strip()}" if resp.ok else hint


@dataclass
class Demo:
    """A running web sandbox and what the window pre-fills."""

    sandbox: Any
    values: dict[str, Any] = field(default_factory=lambda: {**sample_person(), **SAMPLE_CASE})
    desktop: Any = None  # the 公积金 sandbox client process (``--desktop``)

    @property
    def system_urls(self) -> dict[str, str]:
        return {"hrss": self.sandbox.hrss_url, "amr": self.sandbox.amr_url}

    @property
    def systems(self) -> set[str]:
        return set(self.system_urls) | ({"gjj"} if self.desktop is not None else set())

    def prepare(self, form: Any) -> None:
        """Tick every single person matter on the running sandbox systems that the sample values cover."""
        cat = form.desk.catalog

        def covered(r: Any) -> bool:
            derived = {"person.sex", "person.birth_date", "person.native_region", "person.id_type"}
            optional = {n for n, f in r.fields.items() if not f.required}
            return all(n in self.values or n in derived or n in optional for n in r.needs) and all(
                n in self.values for n, f in r.fields.items() if f.required)

        def reads_first(r: Any) -> bool:
            """A recipe that reads what the system holds (a discrepancy table) is left for the clerk to tick
            alone: the window runs web targets side by side, and 就业登记 would update the sandbox's stale record
            while it is being read (the terminal demo runs it first, on its own)."""
            return any(s.type.observes for s in r.walk())

        ids = [m.id for m in cat.matters.values() if len(m.recipes) == 1
               and cat.recipes[m.recipes[0]].applicant == "person"
               and cat.recipes[m.recipes[0]].system in self.systems and covered(cat.recipes[m.recipes[0]])
               and not reads_first(cat.recipes[m.recipes[0]])]
        form.set_matters(ids)
        form.fill_values(self.values)

    def stop(self) -> None:
        self.sandbox.stop()
        if self.desktop is not None:
            self.desktop.terminate()
            try:
                self.desktop.wait(5)
            except subprocess.TimeoutExpired:
                self.desktop.kill()


def start_demo(log_dir: Path | None = None, *, desktop: bool = False, auto_login: bool = False) -> Demo:
    """Start the web sandbox (debug captcha) and, with DESKTOP, the 公积金 sandbox client on this display."""
    from clerkdesk.sandbox.web import start_web_sandbox

    log = Path(log_dir) if log_dir else Path(tempfile.mkdtemp(prefix="clerkdesk-demo-"))
    demo = Demo(start_web_sandbox(log, debug=True))
    if desktop:
        if sys.platform != "win32" and not os.environ.get("DISPLAY"):
            demo.stop()
            raise RuntimeError("--desktop needs a screen (DISPLAY); the sandbox client is a desktop program")
        from clerkdesk.sandbox.desktop import launch

        demo.desktop = launch(log / "gjj.jsonl", *(["--operator", GJJ_OPERATOR] if auto_login else []))
    return demo


def sandbox_login(driver: Any) -> None:
    """Log in to a sandbox system as a clerk would (``clerkdesk demo --auto-login``); runs in the run's worker."""
    from clerkdesk.sandbox.web.training import login

    login(driver.page, driver.ctx.system.start_url, driver.ctx.system.id)
