"""The ``clerkdesk`` command: a thin shell over ``clerkdesk.desk``.

It parses arguments, calls the application layer, prints (text or ``--json``)
and maps errors to exit codes: 0 ok, 1 a check failed or a run did not
succeed, 2 bad input (every problem listed, nothing stored).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from clerkdesk.errors import ClerkDeskError, Problem, ValidationError


class Ctx:
    def __init__(self, home: Path | None, as_json: bool, clerk: str | None):
        self.home = home
        self.json = as_json
        self.clerk = clerk
        self._desk: Any = None

    @property
    def desk(self) -> Any:
        if self._desk is None:
            from clerkdesk.desk import Desk

            self._desk = Desk(self.home, self.clerk)
        return self._desk

    def out(self, obj: Any, text: str | None = None) -> None:
        if self.json:
            click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))
        elif text is not None:
            click.echo(text)


pass_ctx = click.make_pass_decorator(Ctx)


def fail(ctx: Ctx, err: ClerkDeskError) -> NoReturn:
    if isinstance(err, ValidationError):
        if ctx.json:
            click.echo(json.dumps({"ok": False, "problems": [p.to_dict() for p in err.problems]},
                                  ensure_ascii=False, indent=2))
        else:
            click.echo("输入有误，未保存任何内容 (invalid input, nothing was stored):", err=True)
            for p in err.problems:
                click.echo(f"  {p}", err=True)
    elif ctx.json:
        click.echo(json.dumps({"ok": False, "error": str(err), "type": type(err).__name__}, ensure_ascii=False))
    else:
        click.echo(f"错误 (error): {err}", err=True)
    sys.exit(err.exit_code)


class Group(click.Group):
    """Turns ClerkDeskError from any command into a message and its exit code.

    The commands of heavier modules (``cli_run``, capture, the app) are added on the first lookup rather than
    at import, so any of those modules can be imported first without a circular import.
    """

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        _register_optional()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _register_optional()
        return super().list_commands(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            args = hoist_global_options(self, ctx, args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClerkDeskError as e:
            obj = ctx.find_object(Ctx) or Ctx(None, False, None)
            fail(obj, e)


GLOBAL_OPTIONS = {"--home": True, "--json": False, "--clerk": True}  # name → takes a value


def hoist_global_options(root: click.Group, ctx: click.Context, args: list[str]) -> list[str]:
    """Move ``--json``, ``--home DIR`` and ``--clerk NAME`` found after a subcommand in front of it, so
    ``clerkdesk person show KEY --json`` means what ``clerkdesk --json person show KEY`` means (click takes
    group options only before the subcommand). A command with an option of the same name keeps it (e.g.
    ``person add --json FILE`` reads FILE); nothing after ``--`` moves."""
    front: list[str] = []
    rest: list[str] = []
    cmd: click.Command = root
    own: set[str] = set()  # option names the subcommands on the way define themselves
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rest += args[i:]
            break
        name = a.split("=", 1)[0]
        if cmd is not root and name in GLOBAL_OPTIONS and name not in own:
            front.append(a)
            if GLOBAL_OPTIONS[name] and "=" not in a and i + 1 < len(args):
                front.append(args[i + 1])
                i += 1
        else:
            rest.append(a)
            if cmd is root and name in GLOBAL_OPTIONS and GLOBAL_OPTIONS[name] and "=" not in a and i + 1 < len(args):
                rest.append(args[i + 1])  # the root's own option value, in its place
                i += 1
            elif isinstance(cmd, click.Group) and not a.startswith("-"):
                sub = cmd.get_command(ctx, a)
                if sub is not None:
                    cmd = sub
                    own |= {o for p in sub.params if isinstance(p, click.Option) for o in p.opts + p.secondary_opts}
        i += 1
    return front + rest


@click.group(cls=Group, invoke_without_command=True)
@click.option("--home", type=click.Path(path_type=Path), envvar="CLERKDESK_HOME",
              help="Data folder (database, evidence, browser profiles). Env: CLERKDESK_HOME.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--clerk", envvar="CLERKDESK_CLERK", help="Who is acting (audit log); default: the OS user.")
@click.version_option(package_name="clerkdesk")
@click.pass_context
def main(ctx: click.Context, home: Path | None, as_json: bool, clerk: str | None) -> None:
    """ClerkDesk: capture a record once, fill it into every ministry system."""
    ctx.obj = Ctx(home, as_json, clerk)
    if ctx.invoked_subcommand is None:
        app_cmd = main.get_command(ctx, "app")
        if app_cmd is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(app_cmd)


# --- check -------------------------------------------------------------------------------

@main.group()
def check() -> None:
    """Check a number against its national standard (exit 0 valid, 1 invalid)."""


def _print_checked(c: Ctx, checked: Any, labels: dict[str, str]) -> None:
    c.out({"ok": checked.ok, "value": checked.value, **checked.facts,
           "problems": [p.to_dict() for p in checked.problems]})
    if not c.json:
        if checked.ok:
            click.echo(f"有效 (valid): {checked.value}")
            for k, zh in labels.items():
                if checked.facts.get(k) not in (None, "", False):
                    click.echo(f"  {zh}: {checked.facts[k]}")
        else:
            click.echo("无效 (invalid):")
        for p in checked.problems:
            click.echo(f"  {p}")
    sys.exit(0 if checked.ok else 1)


@check.command("id")
@click.argument("value")
@pass_ctx
def check_id(c: Ctx, value: str) -> None:
    """公民身份号码 (GB 11643-1999): check digit, region code, birth date; 15-digit numbers converted."""
    _print_checked(c, c.desk.check_id(value), {"birth_date": "出生日期 birth date", "sex_label": "性别 sex",
                                               "region": "地址码 region", "converted_from_15": "由15位转换 from 15"})


@check.command("uscc")
@click.argument("value")
@pass_ctx
def check_uscc(c: Ctx, value: str) -> None:
    """统一社会信用代码 (GB 32100-2015): charset, MOD 31, embedded organisation code, authority, region."""
    _print_checked(c, c.desk.check_uscc(value), {"authority": "登记管理部门 authority",
                                                 "entity_kind": "机构类别 entity type", "region": "区划 region",
                                                 "org_code": "组织机构代码 organisation code"})


# --- profiles ----------------------------------------------------------------------------------

def _read_json(source: str) -> dict[str, Any]:
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as e:
        raise ValidationError([Problem("(input)", "FILE_UNREADABLE", f"无法读取文件：{e.strerror}",
                                       f"cannot read {source}: {e.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")  # Notepad writes a BOM
    except UnicodeDecodeError:
        raise ValidationError([Problem("(input)", "FILE_ENCODING", "文件不是UTF-8编码（请另存为UTF-8）",
                                       "the file is not UTF-8 (save it as UTF-8)")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValidationError([Problem(f"(input):{e.lineno}:{e.colno}", "JSON_SYNTAX", f"JSON格式错误：{e.msg}",
                                       f"malformed JSON: {e.msg}")]) from None
    if not isinstance(data, dict):
        raise ValidationError([Problem("(input)", "JSON_TYPE", "应为一个JSON对象", "expected a JSON object")])
    return data


def _profile_group(kind: str, key_name: str, zh: str) -> click.Group:
    @click.group(name=kind, help=f"{zh}档案 ({kind} profiles), keyed by {key_name}.")
    def grp() -> None:
        pass

    @grp.command("add")
    @click.option("--json", "source", required=True, metavar="FILE|-",
                  help="A JSON object keyed by canonical field names (codes or Chinese labels accepted).")
    @pass_ctx
    def add(c: Ctx, source: str) -> None:
        """Add a profile, or update it as a new version when the key exists."""
        saved, warnings = c.desk.save_profile(kind, _read_json(source))
        c.out({"ok": True, "profile_id": saved.profile_id, "version": saved.version, "created": saved.created,
               "changed": saved.changed, "warnings": [w.to_dict() for w in warnings]},
              f"{'已建档' if saved.created else '已更新'} (saved) {kind} #{saved.profile_id} "
              f"version {saved.version}; changed: {', '.join(saved.changed) or '-'}")
        if not c.json:
            for w in warnings:
                click.echo(f"  {w}")

    @grp.command("show")
    @click.argument("key")
    @pass_ctx
    def show(c: Ctx, key: str) -> None:
        """Show a profile and when each value was last verified."""
        prof = c.desk.profile(kind, key)
        if prof is None:
            c.out({"ok": False, "found": False}, f"未找到 (no {kind} profile with that {key_name})")
            sys.exit(1)
        c.out({"ok": True, "profile_id": prof.id, "version": prof.version, "record": prof.record,
               "verified": prof.verified, "updated_at": prof.updated_at})
        if not c.json:
            from clerkdesk.records.model import field_spec

            click.echo(f"{kind} #{prof.id} version {prof.version} (updated {prof.updated_at})")
            for k, v in prof.record.items():
                spec = field_spec(f"{kind}.{k}")
                label = spec.zh if spec else k
                click.echo(f"  {label} ({k}): {v}   [verified {prof.verified.get(k, '-')}]")

    @grp.command("history")
    @click.argument("key")
    @pass_ctx
    def history(c: Ctx, key: str) -> None:
        """Every version: when, who, which fields changed."""
        versions = c.desk.history(kind, key)
        if not versions:
            c.out({"ok": False, "found": False}, "未找到 (not found)")
            sys.exit(1)
        c.out({"ok": True, "versions": [{"version": v.version, "at": v.at, "actor": v.actor, "changed": v.changed,
                                         "record": v.record} for v in versions]})
        if not c.json:
            for v in versions:
                click.echo(f"v{v.version}  {v.at}  {v.actor}  changed: {', '.join(v.changed)}")

    @grp.command("delete")
    @click.argument("key")
    @pass_ctx
    def delete(c: Ctx, key: str) -> None:
        """Erase the profile and all its versions (the audit log keeps only that it happened)."""
        ok = c.desk.delete_profile(kind, key)
        c.out({"ok": ok}, "已删除 (deleted)" if ok else "未找到 (not found)")
        sys.exit(0 if ok else 1)

    return grp


main.add_command(_profile_group("person", "ID number", "个人"))
main.add_command(_profile_group("enterprise", "credit code", "企业"))


@main.group()
def audit() -> None:
    """The append-only audit log."""


@audit.command("verify")
@pass_ctx
def audit_verify(c: Ctx) -> None:
    """Check the signed hash chain: exit 0 intact, 1 changed or removed rows."""
    rep = c.desk.verify_audit()
    c.out({"ok": rep.ok, "rows": rep.rows, "problems": rep.problems},
          f"审计日志完整 (audit log intact): {rep.rows} rows" if rep.ok
          else "审计日志被改动 (audit log tampered):\n  " + "\n  ".join(rep.problems))
    sys.exit(0 if rep.ok else 1)


@main.command("whitelist-uscc")
@click.argument("code")
@click.option("--note", required=True, help="Why (e.g. the licence was checked by hand).")
@pass_ctx
def whitelist_uscc(c: Ctx, code: str, note: str) -> None:
    """(Supervisor) accept a credit code that fails its check but was really issued."""
    c.desk.whitelist_uscc(code, note)
    c.out({"ok": True}, "已加入白名单 (whitelisted)")


_registered = False


def _register_optional() -> None:
    """Commands whose modules pull heavier parts are registered lazily (once), if present."""
    global _registered
    if _registered:
        return
    _registered = True
    import importlib

    for mod, name in (("clerkdesk.cli_run", "commands"), ("clerkdesk.capture.commands", "capture"),
                      ("clerkdesk.ui.commands", "commands")):
        try:
            m = importlib.import_module(mod)
        except ImportError as e:
            if e.name and e.name.startswith("clerkdesk"):
                continue
            raise
        obj = getattr(m, name)
        for cmd in obj if isinstance(obj, list | tuple) else [obj]:
            main.add_command(cmd)
