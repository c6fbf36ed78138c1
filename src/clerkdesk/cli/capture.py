"""``clerkdesk capture``: through ``Desk`` (audited like every document read), read an ID card side or a business licence image and print its fields.

Exit status: 0 when every required field was read and passed its checks
(warnings allowed), 1 when a required field is missing or fails a check (or no
document was found in the image), 2 when the file is not a readable image (empty,
truncated, too large, not an image) or the options are wrong. The output is personal data: it goes to
stdout only and is never logged.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from clerkdesk.capture.imagefile import ImageFileError
from clerkdesk.capture.model import KINDS, CaptureResult
from clerkdesk.cli.root import Ctx, fail
from clerkdesk.desk import Desk
from clerkdesk.errors import ClerkDeskError

_LABELS = {
    "name": "姓名/名称", "sex": "性别", "ethnicity": "民族", "birth_date": "出生", "address": "住址/住所",
    "id_number": "公民身份号码", "issuing_authority": "签发机关", "valid_from": "有效期限起", "valid_to": "有效期限止",
    "uscc": "统一社会信用代码", "entity_type": "类型", "legal_rep": "法定代表人", "registered_capital": "注册资本",
    "established": "成立日期", "business_scope": "经营范围",
}


def _print_text(result: CaptureResult) -> None:
    click.echo(f"{result.kind}  (turned {result.rotation}°, {'flattened' if result.rectified else 'as scanned'}, "
               f"{result.seconds:.2f}s)")
    for name, f in result.fields.items():
        value = f.value if f.value is not None else ("长期" if "long_term" in f.flags else "—")
        flags = f"  [{', '.join(f.flags)}]" if f.flags else ""
        note = f"  ({f.note})" if f.note else ""
        click.echo(f"  {name:<19} {value}  ({f.confidence:.2f}){flags}{note}")
    if result.problems:
        click.echo("problems:")
        for p in result.problems:
            tag = {"error": "ERROR", "info": "note"}.get(p.severity, p.severity)
            click.echo(f"  {tag:<7} {p.field}: [{p.code}] {p.zh} / {p.en}")
    click.echo("OK" if result.ok else "NOT OK: a required field is missing or failed its check")


def _region(text: str | None) -> tuple[int, int, int, int] | None:
    if text is None:
        return None
    try:
        x, y, w, h = (int(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        raise click.BadParameter(f"{text!r}: give X,Y,WIDTH,HEIGHT in screen pixels", param_hint="--screen") from None
    if w <= 0 or h <= 0:
        raise click.BadParameter(f"{text!r}: width and height must be > 0", param_hint="--screen")
    return x, y, w, h


@click.command("capture")
@click.option("--kind", "kind", type=click.Choice(KINDS), required=True, help="which document the image shows")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("--window", "window", metavar="TITLE", help="read what the window TITLE shows (e.g. a 高拍仪 preview)")
@click.option("--screen", "screen", metavar="X,Y,W,H", help="read this region of the screen")
@click.argument("image", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def capture(kind: str, as_json: bool, window: str | None, screen: str | None, image: Path | None) -> None:
    """Read IMAGE (a photo or scan of an ID card side or a business licence), or what a window or a screen
    region shows, into fields. The screen is grabbed in memory and never written to a file. Each read is
    recorded in the audit log (kind, source, field names; never values)."""
    region = _region(screen)
    if sum(x is not None for x in (image, window, region)) != 1:
        raise click.UsageError("give exactly one of IMAGE, --window TITLE or --screen X,Y,W,H")
    c = Ctx.current()
    try:
        result = _read(c.desk, kind, image, window, region)
    except ClerkDeskError as e:  # the data folder or its key (run on its own, no root group to say it)
        fail(c, e)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_text(result)
    if any(p.code == "no_document" for p in result.problems):  # nothing to check: the input is wrong, like a bad file
        raise SystemExit(2)
    raise SystemExit(0 if result.ok else 1)


def _read(desk: Desk, kind: str, image: Path | None, window: str | None,
          region: tuple[int, int, int, int] | None) -> CaptureResult:
    try:
        if image is not None:
            result = desk.documents.inspect(image, kind, source="file")
        else:
            from clerkdesk.capture.screen import grab_document
            from clerkdesk.recipe.driver import DriverError

            try:
                rgb = grab_document(region=region, window=window)
            except DriverError as e:
                raise click.UsageError(str(e)) from None
            result = desk.documents.inspect(rgb, kind, source="screen")
    except ImageFileError as e:  # empty, truncated, huge, not an image: one sentence, exit 2, no traceback
        click.echo(f"{image if image is not None else 'screen'}: {e}", err=True)
        raise SystemExit(2) from None
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="IMAGE") from e
    return result
