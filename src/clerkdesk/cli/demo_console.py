"""The demo without a screen: serve the sample applicant into the sandbox web systems in the terminal.

`clerkdesk demo` opens the clerk's window when there is a display; on a server or a fresh machine without one
it runs this instead, so the README's first command always shows ClerkDesk doing its job end to end.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from clerkdesk.engine.run import RunInfo
from clerkdesk.records.runstate import RunStatus


class DemoClerk:
    """Confirms after showing the values (in words, ``Desk.confirm_text``), and logs in to the sandbox like a
    trained clerk would (demo only)."""

    def __init__(self, desk: Any = None):
        self.desk = desk

    def confirm(self, info: RunInfo, message: str, values: list[tuple[str, str]]) -> bool:
        click.echo(f"    [{info.system_title}] {message}")
        lines = self.desk.confirm_text(info, values) if self.desk is not None else [f"{k}：{v}" for k, v in values]
        for line in lines:
            click.echo(f"        {line}")
        click.echo("    → 演示：自动确认 (demo: confirmed)")
        return True

    def human(self, info: RunInfo, message: str, driver: Any, check: Callable[[], bool] | None) -> None:
        click.echo(f"    [{info.system_title}] {message}")
        from clerkdesk.sandbox.web.training import SANDBOX_USER, login

        code = login(driver.page, driver.ctx.system.start_url, driver.ctx.system.id)
        if code:
            click.echo(f"    → 演示：用户名 {SANDBOX_USER}，验证码 {code}（沙箱训练模式）")

    def decide_discrepancies(self, info: RunInfo, rows: list[Any]) -> dict[str, str]:
        """The table of what the system holds otherwise than the profile; the demo keeps the profile's values
        (updates the system with them), as a clerk would after checking the citizen's 户口簿."""
        click.echo(f"    [{info.system_title}] 系统中已有的信息与档案不一致 (the system holds other values than the profile):")
        click.echo("        系统 | 项目 | 系统中的值 | 档案中的值 | 档案上次核验")
        for r in rows:
            click.echo(f"        {r.system} | {r.diff.label} | {r.diff.system_words} | {r.diff.profile_words or '（无）'}"
                       f" | {r.verified or '从未'}")
        click.echo("    → 演示：核对户口簿后，以档案更新系统 (demo: the profile updates the system)")
        return {r.field: "system" for r in rows}

    def uncertain(self, info: RunInfo, message: str) -> tuple[str, str | None]:
        return "abort", None


def run_console_demo(home: Path | None) -> int:
    from clerkdesk.desk import CaseRequest, Desk, FillOptions
    from clerkdesk.engine import events as ev
    from clerkdesk.records.standards import id_check_digit
    from clerkdesk.sandbox.web import start_web_sandbox

    tmp = Path(tempfile.mkdtemp(prefix="clerkdesk-demo-"))
    home = home or tmp / "home"
    sandbox = start_web_sandbox(tmp / "sandbox-log", debug=True)
    first17 = "65010219900228123"
    person = {"name": "阿卜杜拉·买买提", "id_number": first17 + id_check_digit(first17), "ethnicity": "维吾尔族",
              "hukou_type": "农业", "education": "本科", "marital_status": "已婚", "hukou_region": "650102",
              "hukou_address": "新疆维吾尔自治区乌鲁木齐市天山区解放南路12号",
              "current_address": "四川省成都市武侯区科华北路65号", "phone": "13812345678"}
    case = {"employer": "成都蓉城科技有限公司", "employer_uscc": "91110000600037341L", "start_date": "2026-11-01",
            "contract_term": "三年及以上", "post": "会计", "employment_form": "单位就业", "wage": "6500",
            "contract_signed": True, "insurances": ["养老", "医疗", "失业"], "insured_from": "2026-11-01",
            "contribution_base": "6500", "shop_name": "买买提新疆风味餐馆", "premises": "四川省成都市武侯区科华北路65号附1号",
            "scope": "餐饮服务", "org_form": "个人经营", "capital": "5"}
    # 人员基本信息变更 first: it reads what 人社 already holds for him (a 户口性质 from his student years) before
    # anything is written, and shows the one discrepancy
    targets = ["hrss.person-info-change", "hrss.employment-registration", "hrss.insurance-enrollment",
               "amr.individual-business-opening"]

    def on(e: ev.Event) -> None:
        if isinstance(e, ev.RunStarted):
            click.echo(f"\n▶ {e.recipe}（{e.total} 步）")
        elif isinstance(e, ev.StepSucceeded):
            click.echo(f"    {e.index:>3} ✓ {e.what}  {e.seconds * 1000:.0f} ms")
        elif isinstance(e, ev.StepFailed):
            click.echo(f"    {e.index:>3} ✗ {e.what}: {e.message}")
        elif isinstance(e, ev.RunFinished):
            click.echo(f"  结果 ({e.status}): " + ", ".join(f"{k}={v}" for k, v in e.captures.items()))

    click.echo("ClerkDesk 演示（无显示器：终端模式）— the demo without a display: terminal mode")
    click.echo(f"沙箱系统 sandbox: 人社 {sandbox.hrss_url}/   市场监管 {sandbox.amr_url}/")
    click.echo(f"申请人 applicant: {person['name']}（样例数据 sample data）; 一次采集，填入 {len(targets)} 个事项")
    desk = Desk(home)
    try:
        opts = FillOptions(headless=True, system_urls={"hrss": sandbox.hrss_url, "amr": sandbox.amr_url}, on_event=on)
        res = desk.fill(CaseRequest("person", person, targets, case), DemoClerk(desk), opts)
        click.echo("\n办理结果 (receipts):")
        for rid, out in res.outcomes.items():
            click.echo(f"  {'✓' if out.status == 'succeeded' else '✗'} {desk.catalog.recipes[rid].title:<14} "
                       + "  ".join(f"{k}: {v}" for k, v in out.receipts.items()) + (
                           "" if out.status == RunStatus.SUCCEEDED else f"  {out.message}"))
        for system in ("hrss", "amr"):
            click.echo(f"  {system} 系统收到 {len(sandbox.submissions(system))} 条记录 (submissions recorded)")
        return 0 if res.ok else 1
    finally:
        desk.close()
        sandbox.stop()
