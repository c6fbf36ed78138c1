"""A second test client, in Tk, with the traits of a Tk/Motif-style legacy data-entry screen.

    python tkform.py OUT.json [--variant a|b] [--prefill] [--title TITLE]

Unlike ``formapp.py`` (PySide6, labels left of their boxes) this form has:

* labels *above* their fields (姓名, 性别, 联系电话, 户籍地址), one wrapped over two lines
  (公民身份 / 证件号码 — a recipe says ``{label: 公民身份证件号码}``);
* a date as three spin boxes (年 / 月 / 日) under the label 出生日期, the small labels beside them;
* a multi-line address box (``tk.Text``) three rows below 出生日期;
* 户口性质 with its box drawn 2 px right of the label and another box (备注) right below the label: a
  one-pixel OCR shift must not move the field to the box below;
* the Tk bindings: Ctrl+A moves the cursor to the start of the line (it does *not* select all), so
  "Ctrl+A, Ctrl+V" into a filled box inserts before the old contents;
* a calendar-like header ``< 2026 >`` and a day button ``20`` (``click: {text: "20", exact: true}``
  must press the button, never the "20" inside "2026");
* Escape closes the window, as many dialogs do (a ``choose`` that opened no list must not send it);
* 保存 writes every field to OUT.json.

``--prefill`` starts with old values in every box (a record opened for correction). ``--variant b``
rearranges the form inside a window of the same size and title (the layout cache must notice):
the two columns are swapped and 姓名's box sits right of its label instead of below it.
"""

from __future__ import annotations

import argparse
import json
import tkinter as tk
from pathlib import Path
from tkinter import font as tkfont

W, H = 600, 500
PREFILL = {"name": "旧姓名", "id_number": "110101199001011234", "sex": "男", "phone": "01012345678",
           "year": "1980", "month": "1", "day": "1", "address": "旧地址第一行\n旧地址第二行", "hukou": "农业",
           "remark": "无"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--variant", choices=("a", "b"), default="a")
    ap.add_argument("--prefill", action="store_true")
    ap.add_argument("--title", default="Tk录入窗口")
    args = ap.parse_args()
    root = tk.Tk()
    root.title(args.title)
    root.geometry(f"{W}x{H}+60+40")
    root.resizable(False, False)
    family = "WenQuanYi Micro Hei"
    f = tkfont.Font(root=root, family=family, size=11)
    root.option_add("*Font", f)
    entries: dict[str, tk.Entry | tk.Spinbox] = {}

    def label(text: str, x: int, y: int) -> tk.Label:
        lab = tk.Label(root, text=text, justify="left", padx=0, pady=0, borderwidth=0)
        lab.place(x=x, y=y)
        return lab

    def entry(key: str, x: int, y: int, w: int) -> tk.Entry:
        e = tk.Entry(root, relief="solid", borderwidth=1, highlightthickness=0, background="white")
        e.place(x=x, y=y, width=w, height=26)
        entries[key] = e
        return e

    left, right = (20, 320) if args.variant == "a" else (320, 20)
    # 姓名: box below the label (variant a) or right of it (variant b)
    label("姓名", left, 16)
    if args.variant == "a":
        entry("name", left, 38, 240)
    else:
        entry("name", left + 50, 12, 200)
    label("公民身份\n证件号码", left, 78)  # wrapped over two lines, box below
    entry("id_number", left, 120, 240)
    label("性别", right, 16)
    entry("sex", right, 38, 240)
    label("联系电话", right, 78)
    entry("phone", right, 120, 240)
    # 出生日期: three spin boxes with 年/月/日 beside them
    label("出生日期", 20, 164)
    x = 20
    for key, unit, lo, hi in (("year", "年", 1900, 2100), ("month", "月", 1, 12), ("day", "日", 1, 31)):
        s = tk.Spinbox(root, from_=lo, to=hi, relief="solid", borderwidth=1, highlightthickness=0,
                       background="white", buttonbackground="#dddddd")
        s.place(x=x, y=186, width=84 if key == "year" else 64, height=26)
        s.delete(0, "end")
        entries[key] = s
        x += 84 if key == "year" else 64
        label(unit, x + 3, 189)
        x += 30
    label("户籍地址", 20, 230)
    address = tk.Text(root, relief="solid", borderwidth=1, highlightthickness=0, background="white", wrap="word")
    address.place(x=20, y=252, width=540, height=66)
    # 户口性质 with its box 2 px to the right, and 备注's box right below the label
    hukou_label = label("户口性质", 20, 340)
    root.update_idletasks()
    hx = 20 + hukou_label.winfo_reqwidth() + 2
    entry("hukou", hx, 336, 200)
    label("备注", 20, 372)
    entry("remark", 62, 368, 300)
    if args.prefill:
        for k, e in entries.items():
            e.delete(0, "end")
            e.insert(0, PREFILL[k])
        address.insert("1.0", PREFILL["address"])

    picked: list[str] = []
    tk.Label(root, text="< 2026 >").place(x=400, y=410)
    tk.Button(root, text="20", width=3, command=lambda: picked.append("20")).place(x=500, y=440)

    def values() -> dict[str, object]:
        d: dict[str, object] = {k: e.get() for k, e in entries.items()}
        d["address"] = address.get("1.0", "end-1c")
        d["picked"] = list(picked)
        return d

    def save() -> None:
        Path(args.out).write_text(json.dumps(values(), ensure_ascii=False), encoding="utf-8")

    tk.Button(root, text="保存", command=save, width=8).place(x=20, y=440)
    root.bind("<Escape>", lambda _e: root.destroy())  # like a dialog: Escape closes it
    root.mainloop()


if __name__ == "__main__":
    main()
