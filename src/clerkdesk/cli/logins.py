"""``clerkdesk login set|forget|list``: stored credentials for logins without a person (``desk.credentials``).

The password is asked for at a hidden prompt (or read from standard input with ``--password-stdin`` for a
provisioning script), never taken from the command line, where shell history and ``ps`` would show it."""

from __future__ import annotations

import sys

import click

from clerkdesk.cli.root import Ctx, pass_ctx
from clerkdesk.errors import ClerkDeskError


def _origin(c: Ctx, system: str, origin: str | None) -> str:
    """ORIGIN as given (a training server's URL), else the origin of the system file's start URL."""
    from clerkdesk.recipe.systems import origin_of

    systems = c.desk.catalog.systems
    if system not in systems:
        raise ClerkDeskError(f"没有系统 {system!r} (no system {system!r}; known: {', '.join(sorted(systems))})")
    url = origin or systems[system].start_url
    if not url:
        raise ClerkDeskError(f"系统 {system} 没有网址，请用 --origin 指定 (system {system} has no start_url: give --origin)")
    return origin_of(url)


@click.group("login")
def login() -> None:
    """Credentials for logins without a person (systems without captcha): tests, canaries, back-office workers."""


@login.command("set")
@click.argument("system")
@click.option("--origin", default=None, metavar="URL", help="The server this credential is for (a training server); "
              "default: the system file's own.")
@click.option("--user", "username", default=None, help="The user name (asked for when not given).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (provisioning "
              "scripts) instead of a hidden prompt.")
@pass_ctx
def login_set(c: Ctx, system: str, origin: str | None, username: str | None, password_stdin: bool) -> None:
    """Store the user name and password for SYSTEM (OS keyring, else sealed in the data folder)."""
    where_to = _origin(c, system, origin)
    if username is None:
        username = click.prompt("用户名 (user name)")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码 (password)", hide_input=True, confirmation_prompt=True)
    where = c.desk.runs.credentials.set(system, where_to, str(username), password)
    c.out({"system": system, "origin": where_to, "where": where},
          f"已保存 {system} ({where_to}) 的登录凭据 (stored in {where})")


@login.command("forget")
@click.argument("system")
@click.option("--origin", default=None, metavar="URL", help="As for set.")
@pass_ctx
def login_forget(c: Ctx, system: str, origin: str | None) -> None:
    """Remove SYSTEM's stored credential (a person logs in from then on)."""
    where_to = _origin(c, system, origin)
    found = c.desk.runs.credentials.forget(system, where_to)
    c.out({"system": system, "origin": where_to, "forgotten": found},
          f"已删除 {system} ({where_to}) 的登录凭据" if found else f"{system} ({where_to}) 没有保存的登录凭据 (none stored)")


@login.command("list")
@pass_ctx
def login_list(c: Ctx) -> None:
    """Which systems have a stored credential, and where (never the secret)."""
    rows = c.desk.runs.credentials.list()
    c.out(rows, "\n".join(f"{r['system']}  {r['origin']}  ({r['where']})" for r in rows) or "没有保存的登录凭据 (none)")


commands = [login]
