"""The ``clerkdesk`` command's root: global options, error → exit code, and the profile/audit/store commands.

A thin shell over ``clerkdesk.desk``: every command goes through ``Desk`` (never into the store).

It parses arguments, calls the application layer, prints (text or ``--json``)
and maps errors to exit codes: 0 ok, 1 a check failed or a run did not
succeed, 2 bad input (every problem listed, nothing stored).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from clerkdesk.desk import Desk
from clerkdesk.cli.inputs import read_json
from clerkdesk.errors import ClerkDeskError, ValidationError


class Ctx:
    def __init__(self, home: Path | None, as_json: bool, clerk: str | None, create: bool = False):
        self.home = home
        self.json = as_json
        self.clerk = clerk
        self.create = create
        self._desk: Desk | None = None

    @classmethod
    def current(cls) -> Ctx:
        """The root command's context, or a default one when a command runs on its own (``capture()`` in a
        script, ``CliRunner().invoke(capture)``): the default data folder, text output."""
        ctx = click.get_current_context(silent=True)
        found = ctx.find_object(Ctx) if ctx is not None else None
        return found or cls(None, False, None)

    @property
    def desk(self) -> Desk:
        if self._desk is None:
            from clerkdesk.config import policy
            from clerkdesk.desk import Desk

            # --create guards a folder the user typed; the default folder and one the machine policy fixes
            # (IT's choice, not a typo) are made on first use
            create = self.create or self.home is None or "data_dir" in policy().values
            self._desk = Desk(self.home, self.clerk, create=create)
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

    The commands of heavier modules (``cli.run``, capture, the app) are added on the first lookup rather than
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
        import sqlite3

        try:
            return super().invoke(ctx)
        except ClerkDeskError as e:
            obj = ctx.find_object(Ctx) or Ctx(None, False, None)
            fail(obj, e)
        except sqlite3.DatabaseError as e:  # the file went bad under a read: a clear error, not a traceback
            from clerkdesk.desk.upkeep import damage_of

            obj = ctx.find_object(Ctx) or Ctx(None, False, None)
            err = damage_of(obj.home, e)
            if err is None:
                raise
            fail(obj, err)


GLOBAL_OPTIONS = {"--home": True, "--json": False, "--clerk": True, "--create": False}  # name → takes a value


def hoist_global_options(root: click.Group, ctx: click.Context, args: list[str]) -> list[str]:
    """Move ``--json``, ``--home DIR``, ``--clerk NAME`` and ``--create`` found after a subcommand in front of
    it, so ``clerkdesk person show KEY --json`` means what ``clerkdesk --json person show KEY`` means (click takes
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
@click.option("--create", is_flag=True,
              help="Start a new data folder when --home does not exist (without it, a missing folder is an error: "
                   "a mistyped path must not become an empty database with a new key).")
@click.version_option(package_name="clerkdesk")
@click.pass_context
def main(ctx: click.Context, home: Path | None, as_json: bool, clerk: str | None, create: bool) -> None:
    """ClerkDesk: capture a record once, fill it into every ministry system."""
    ctx.obj = Ctx(home, as_json, clerk, create)
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
        saved, warnings = c.desk.save_profile(kind, read_json(source))
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
@click.option("--public-key", "public_key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Verify offline with the public key from 'audit export-key' (no master key needed).")
@click.option("--db", "db_file", type=click.Path(dir_okay=False, path_type=Path),
              help="With --public-key: the database file to verify (default: the one in the data folder).")
@pass_ctx
def audit_verify(c: Ctx, public_key: Path | None, db_file: Path | None) -> None:
    """Check the signed hash chain, the anchor beside the key and the signed checkpoints: exit 0 intact,
    1 changed, removed, cut or rolled-back rows (each named)."""
    if public_key is not None:
        rep = c.desk.upkeep.verify_audit_offline(public_key.read_bytes(), db_file)
    elif db_file is not None:
        raise click.UsageError("--db goes with --public-key (to verify with the key, use --home)")
    else:
        rep = c.desk.verify_audit()
    c.out({"ok": rep.ok, "rows": rep.rows, "problems": rep.problems, "notes": rep.notes},
          (f"审计日志完整 (audit log intact): {rep.rows} rows" if rep.ok
           else "审计日志被改动 (audit log tampered):\n  " + "\n  ".join(rep.problems))
          + "".join(f"\n  note: {n}" for n in rep.notes))
    sys.exit(0 if rep.ok else 1)


@audit.command("export-key")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the PEM here (default: print).")
@pass_ctx
def audit_export_key(c: Ctx, out: Path | None) -> None:
    """The public key of the signed checkpoints, for an auditor: 'audit verify --public-key FILE'."""
    pem = c.desk.audit_public_key()
    if out is not None:
        if out.exists():
            raise click.UsageError(f"{out} exists already")
        out.write_text(pem, encoding="ascii")
    c.out({"ok": True, "public_key": pem}, None if out else pem.rstrip())
    if out is not None and not c.json:
        click.echo(f"公钥已导出 (public key written): {out}")


@audit.command("checkpoint")
@pass_ctx
def audit_checkpoint(c: Ctx) -> None:
    """Sign a checkpoint at the current end of the log (also made every 100 rows and at each backup)."""
    row = c.desk.audit_checkpoint()
    c.out({"ok": True, "row": row}, f"已签名检查点 (checkpoint signed) at row {row}")


@audit.command("accept-loss")
@click.option("--yes", is_flag=True, help="Do not ask.")
@pass_ctx
def audit_accept_loss(c: Ctx, yes: bool) -> None:
    """Record in the log that rows the anchor beside the key knows of are gone (e.g. a power cut took the
    last writes), so work can go on. The gap stays in the log for every auditor."""
    if not yes and not c.json:
        rep = c.desk.verify_audit()
        click.echo("\n".join(rep.problems) or "-")
        click.confirm("把上述缺失记入审计日志并继续？(record this loss in the log and go on?)", abort=True)
    info = c.desk.accept_audit_loss()
    c.out({"ok": True, **info}, f"已记录 (recorded): the file ends at row {info['file_row']}, the anchor was at row "
                                f"{info['anchored_row']}; lost rows: {info['lost_rows'] or '-'}")


@main.group()
def store() -> None:
    """The database file: check it, back it up, restore a backup."""


@store.command("check")
@pass_ctx
def store_check(c: Ctx) -> None:
    """Full integrity check of the database file and of the audit log: exit 0 sound, 1 damaged."""
    rep = c.desk.check_store()
    audit_problems = rep.audit.problems if rep.audit else []
    c.out({"ok": rep.ok, "pages": rep.pages, "audit": {"ok": rep.audit.ok, "rows": rep.audit.rows,
                                                       "problems": audit_problems} if rep.audit else None},
          "数据库完好 (store sound)" if rep.ok else "数据库有问题 (store damaged):\n  "
          + "\n  ".join([*rep.pages, *audit_problems]))
    sys.exit(0 if rep.ok else 1)


@store.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def store_backup(c: Ctx, dest: Path) -> None:
    """Copy the database to DEST while it is in use (encrypted as the store is; the key is NOT in it)."""
    info = c.desk.backup_store(dest)
    c.out({"ok": True, **info}, f"已备份 (backed up) to {info['path']} (audit row {info['audit_row']}); "
                                "back up the key file separately")


@store.command("restore")
@click.argument("src", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask.")
@pass_ctx
def store_restore(c: Ctx, src: Path, yes: bool) -> None:
    """Put backup SRC of this store back (close ClerkDesk on every desk first). The replaced file is kept
    beside it; the restore and the rows the backup lacks are recorded in the audit log."""
    if not yes and not c.json:
        click.confirm(f"用 {src} 替换当前数据库？(replace the database with {src}?)", abort=True)
    info = c.desk.restore_store(src)
    c.out({"ok": True, **info}, f"已恢复 (restored) up to audit row {info['restored_row']}; lost rows: "
                                f"{info['lost_rows'] or '-'}; the replaced file was kept at {info['kept'] or '-'}")


@main.command("whitelist-uscc")
@click.argument("code")
@click.option("--note", required=True, help="Why (e.g. the licence was checked by hand).")
@pass_ctx
def whitelist_uscc(c: Ctx, code: str, note: str) -> None:
    """(Supervisor) accept a credit code that fails its check but was really issued."""
    c.desk.whitelist_uscc(code, note)
    c.out({"ok": True}, "已加入白名单 (whitelisted)")


@main.command("config")
@pass_ctx
def config_show(c: Ctx) -> None:
    """Show every setting in force and where it comes from (machine policy, environment, default)."""
    from clerkdesk.config import describe

    rows = describe()
    c.out({"ok": True, "settings": [{"key": k, "value": v, "source": s} for k, v, s in rows]},
          "\n".join(f"{k:<22} {v}" + (f"   ({s})" if s else "") for k, v, s in rows))


_registered = False


def _register_optional() -> None:
    """Commands whose modules pull heavier parts are registered lazily (once), if present."""
    global _registered
    if _registered:
        return
    _registered = True
    import importlib

    for mod, name in (("clerkdesk.cli.run", "commands"), ("clerkdesk.cli.workbench", "commands"),
                      ("clerkdesk.cli.capture", "capture"), ("clerkdesk.cli.window", "commands"),
                      ("clerkdesk.cli.hall", "commands"), ("clerkdesk.cli.logins", "commands")):
        try:
            m = importlib.import_module(mod)
        except ImportError as e:
            if e.name and e.name.startswith("clerkdesk"):
                continue
            raise
        obj = getattr(m, name)
        for cmd in obj if isinstance(obj, list | tuple) else [obj]:
            main.add_command(cmd)
