"""``clerkdesk app`` and ``clerkdesk demo`` (registered by cli.root; PySide6 is imported only when they run)."""

from __future__ import annotations

import sys

import click

from clerkdesk.cli.root import Ctx, pass_ctx


@click.command("app")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Interface language (default: zh).")
@click.option("--headless", is_flag=True, help="Run target browsers without windows (human steps then need "
              "the sandbox's training helpers).")
@pass_ctx
def app(c: Ctx, lang: str | None, headless: bool) -> None:
    """Open the clerk's window (also what `clerkdesk` with no arguments does)."""
    from clerkdesk.ui.app import run_app

    sys.exit(run_app(c.home, c.clerk, lang=lang, headless=headless, create=c.create))


@click.command("demo")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None)
@click.option("--headless", is_flag=True, help="Browsers without windows.")
@click.option("--auto-login", is_flag=True, help="Log in to the sandbox systems automatically (unattended demos).")
@click.option("--desktop/--no-desktop", default=None, help="Also start the 公积金 sandbox desktop client, filled by "
              "screen OCR with the mouse and keyboard (default: on an X11 desktop; Wayland has no such automation).")
@click.option("--console", is_flag=True, help="No window: serve the sample case in the terminal (the default "
              "when there is no display).")
@pass_ctx
def demo(c: Ctx, lang: str | None, headless: bool, auto_login: bool, desktop: bool | None, console: bool) -> None:
    """Start the sandbox ministry systems and open the window with a sample case ready to fill (F5)."""
    import os

    no_display = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                           or os.environ.get("WAYLAND_DISPLAY"))
    if console or no_display:
        from clerkdesk.cli.demo_console import run_console_demo

        sys.exit(run_console_demo(c.home))
    from clerkdesk.ui.app import run_app
    from clerkdesk.ui.demo import start_demo

    if desktop is None:
        from clerkdesk.vision.windows import session_kind

        desktop = session_kind() == "x11"
    try:
        d = start_demo(desktop=desktop, auto_login=auto_login)
    except RuntimeError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"sandbox: 人社 {d.sandbox.hrss_url}/   市场监管 {d.sandbox.amr_url}/"
               + ("   公积金: the desktop client window (keep hands off mouse and keyboard while it is filled)"
                  if desktop else "   (no desktop client: --desktop on an X11 session)"), err=True)
    try:
        code = run_app(c.home, c.clerk, lang=lang, demo=d, headless=headless, auto_login=auto_login)
    finally:
        d.stop()
    sys.exit(code)


commands = [app, demo]
