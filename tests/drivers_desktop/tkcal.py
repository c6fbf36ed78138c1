"""A Tk test client with a month calendar, radio buttons and a save that a message box can block (issue 13).

    python tkcal.py OUT.json [--start 2026-12] [--selected 4] [--title TITLE] [--frozen] [--popup]

The traits of the GTK dialog in the issue, drawn in Tk (the venv has no GTK bindings):

* 出生日期 is an entry that the calendar below it writes (YYYY-MM-DD) when a day is clicked;
* the calendar opens on another month (``--start``, default 2026-12, day ``--selected`` highlighted) with a
  header ``<<  <  2026年12月  >  >>`` (year and month arrows) and a grid of days in which the days of the
  neighbouring months are shown greyed; clicking a grey day switches the calendar to that month, as GTK does;
  the selected day is drawn white on blue;
* 性别 is a pair of radio buttons (男, 女), 已婚 a check button;
* ``--frozen``: the days ignore clicks (a click whose effect must be noticed missing);
* ``--popup``: the calendar is not on the form; a button ``▼`` right of the 出生日期 box opens it in a window of
  its own (``选择日期``, below the box), and clicking a day writes the box and closes that window — a date
  picker as legacy clients draw it;
* 保存 with an empty or invalid 出生日期 opens the toolkit's own message box "出生日期无效" (modal) and saves
  nothing; otherwise it writes every value to OUT.json and shows "保存成功" on the form.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import tkinter as tk
from pathlib import Path
from tkinter import font as tkfont
from tkinter import messagebox

W, H = 520, 470
SELECTED_BG, GREY = "#1c4f9c", "#a0a0a0"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--start", default="2026-12")
    ap.add_argument("--selected", type=int, default=4)
    ap.add_argument("--title", default="Tk日期窗口")
    ap.add_argument("--frozen", action="store_true", help="the days ignore clicks (a click that selects nothing)")
    ap.add_argument("--popup", action="store_true", help="the calendar opens from a button beside the date box")
    args = ap.parse_args()
    root = tk.Tk()
    root.title(args.title)
    root.geometry(f"{W}x{H}+40+30")
    root.resizable(False, False)
    root.option_add("*Font", tkfont.Font(root=root, family="WenQuanYi Micro Hei", size=11))

    tk.Label(root, text="姓名").place(x=20, y=18)
    name = tk.Entry(root, relief="solid", borderwidth=1, highlightthickness=0, background="white")
    name.place(x=100, y=14, width=240, height=26)
    tk.Label(root, text="出生日期").place(x=20, y=56)
    date = tk.Entry(root, relief="solid", borderwidth=1, highlightthickness=0, background="white")
    date.place(x=100, y=52, width=240, height=26)

    year, month = (int(p) for p in args.start.split("-"))
    state = {"year": year, "month": month, "sel": dt.date(year, month, args.selected)}

    def build(parent: tk.Misc, x: int, y: int) -> None:
        cal = tk.Frame(parent, relief="solid", borderwidth=1, background="white")
        cal.place(x=x, y=y, width=320, height=218)
        widgets["header"] = tk.Label(cal, background="white")
        widgets["header"].place(x=110, y=6, width=100, height=24)
        for text, bx, months in (("<<", 8, -12), ("<", 52, -1), (">", 234, 1), (">>", 270, 12)):
            tk.Button(cal, text=text, relief="flat", background="white", borderwidth=0, highlightthickness=0,
                      command=lambda m=months: shift(m)).place(x=bx, y=6, width=36, height=24)
        for i, wd in enumerate("日一二三四五六"):
            tk.Label(cal, text=wd, background="white").place(x=8 + i * 44, y=34, width=40, height=22)
        cells.clear()
        for r in range(6):
            for c in range(7):
                lab = tk.Label(cal, background="white")
                lab.place(x=8 + c * 44, y=58 + r * 26, width=40, height=24)
                cells.append(lab)
        draw()

    def shift(months: int) -> None:
        k = state["year"] * 12 + state["month"] - 1 + months
        state["year"], state["month"] = divmod(k, 12)
        state["month"] += 1
        draw()

    def pick(day: dt.date) -> None:
        state["sel"] = day
        state["year"], state["month"] = day.year, day.month  # a grey day switches the month, as GTK does
        date.delete(0, "end")
        date.insert(0, day.isoformat())
        if args.popup:
            root.after(50, close_popup)  # a picker closes once a day is picked
        draw()

    def draw() -> None:
        if "header" not in widgets or not widgets["header"].winfo_exists():
            return
        widgets["header"].configure(text=f"{state['year']}年{state['month']}月")
        first = dt.date(state["year"], state["month"], 1)
        lead = (first.weekday() + 1) % 7  # weeks start on Sunday (日)
        start = first - dt.timedelta(days=lead)
        for i, lab in enumerate(cells):
            day = start + dt.timedelta(days=i)
            other = day.month != state["month"]
            sel = day == state["sel"]
            lab.configure(text=str(day.day), foreground="white" if sel else GREY if other else "black",
                          background=SELECTED_BG if sel else "white")
            if not args.frozen:
                lab.bind("<Button-1>", lambda _e, d=day: pick(d))

    widgets: dict[str, tk.Label] = {}
    cells: list[tk.Label] = []
    holder: dict[str, tk.Toplevel] = {}

    def open_popup() -> None:
        if "top" in holder:
            return
        top = tk.Toplevel(root)
        top.title("选择日期")
        top.transient(root)
        top.configure(background="white")
        top.geometry(f"322x220+{root.winfo_rootx() + 100}+{root.winfo_rooty() + 80}")
        holder["top"] = top
        build(top, 0, 0)
        top.protocol("WM_DELETE_WINDOW", close_popup)

    def close_popup() -> None:
        top = holder.pop("top", None)
        if top is not None:
            top.destroy()

    if args.popup:
        tk.Button(root, text="▼", command=open_popup, borderwidth=1, highlightthickness=0).place(
            x=342, y=52, width=26, height=26)
    else:
        build(root, 100, 92)
    sex = tk.StringVar(value="未选")  # matches no option (Tk draws "" as tristate)
    tk.Label(root, text="性别").place(x=20, y=328)
    for i, v in enumerate(("男", "女")):
        tk.Radiobutton(root, text=v, variable=sex, value=v, highlightthickness=0).place(x=100 + i * 80, y=326)
    married = tk.BooleanVar(value=False)
    tk.Checkbutton(root, text="已婚", variable=married, highlightthickness=0).place(x=100, y=362)
    status = tk.Label(root, text="")
    status.place(x=140, y=412)

    def save() -> None:
        try:
            dt.date.fromisoformat(date.get().strip())
        except ValueError:
            messagebox.showerror("错误", "出生日期无效", parent=root)
            return
        Path(args.out).write_text(json.dumps({"name": name.get(), "date": date.get(), "sex": sex.get(),
                                              "married": married.get(), "shown": [state["year"], state["month"]]},
                                             ensure_ascii=False), encoding="utf-8")
        status.configure(text="保存成功")

    tk.Button(root, text="保存", command=save, width=8).place(x=20, y=408)
    assert calendar.monthrange(year, month)  # a valid --start
    root.mainloop()


if __name__ == "__main__":
    main()
