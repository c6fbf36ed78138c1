"""A real GTK3 dialog with a calendar widget, as a third-party program would draw it (issue 13).

    /usr/bin/python3 gtkcal.py OUT.json [--start 2026-12] [--selected 4] [--title TITLE]

Run with the SYSTEM python3 (Debian python3-gi, gir1.2-gtk-3.0): the project's venv has no GTK bindings.
One column: 姓名 (an entry), 出生日期 (an entry written by the calendar under it), a stock GtkCalendar (its
own header ``‹ December ›  ‹ 2026 ›``: month and year each between two arrows, the neighbouring months'
days drawn grey; clicking one switches the month) and 保存, which writes every value to OUT.json and shows
保存成功. Without a zh_CN locale (this machine has only C/POSIX) GTK names the months in English; with
one it shows 十二月. The driver reads both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import Gtk  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--start", default="2026-12")
    ap.add_argument("--selected", type=int, default=4)
    ap.add_argument("--title", default="GTK日期窗口")
    args = ap.parse_args()
    year, month = (int(p) for p in args.start.split("-"))

    css = Gtk.CssProvider()
    css.load_from_data(b"* { font-family: 'WenQuanYi Micro Hei'; font-size: 11pt; }")
    Gtk.StyleContext.add_provider_for_screen(
        Gtk.Window().get_screen(), css, Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION
    )

    win = Gtk.Window(title=args.title)
    win.set_default_size(460, 430)
    win.move(40, 30)
    win.set_resizable(False)
    win.connect("destroy", Gtk.main_quit)
    grid = Gtk.Grid(column_spacing=12, row_spacing=10, margin=16)
    win.add(grid)

    grid.attach(Gtk.Label(label="姓名", xalign=0), 0, 0, 1, 1)
    name = Gtk.Entry(width_chars=24)
    grid.attach(name, 1, 0, 1, 1)
    grid.attach(Gtk.Label(label="出生日期", xalign=0), 0, 1, 1, 1)
    date = Gtk.Entry(width_chars=24)
    grid.attach(date, 1, 1, 1, 1)
    cal = Gtk.Calendar()
    cal.select_month(month - 1, year)  # GTK counts months from 0
    cal.select_day(args.selected)
    grid.attach(cal, 1, 2, 1, 1)

    def picked(c: Gtk.Calendar) -> None:
        y, m, d = c.get_date()
        date.set_text(dt.date(y, m + 1, d).isoformat())

    cal.connect("day-selected", picked)
    status = Gtk.Label(label="")
    save = Gtk.Button(label="保存")
    grid.attach(save, 0, 3, 1, 1)
    grid.attach(status, 1, 3, 1, 1)

    def on_save(_b: Gtk.Button) -> None:
        y, m, _d = cal.get_date()
        Path(args.out).write_text(
            json.dumps(
                {"name": name.get_text(), "date": date.get_text(), "shown": [y, m + 1]}, ensure_ascii=False
            ),
            encoding="utf-8",
        )
        status.set_text("保存成功")

    save.connect("clicked", on_save)
    win.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
