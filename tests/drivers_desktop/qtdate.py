"""A Qt dialog whose date is a stock ``QDateEdit`` with ``calendarPopup``: the picker that Qt-built legacy
clients draw (issue 13).

    python qtdate.py OUT.json [--start 2026-12-04] [--title TITLE]

姓名 (a line edit); 出生日期, a QDateEdit showing yyyy-MM-dd with the arrow button at its right end that opens a
QCalendarWidget popup (header ``‹ 十二月 2026 ›`` in a Chinese locale, ``‹ December 2026 ›`` otherwise; the
month is a menu button, the year a spin box); clicking a day writes the box and closes the popup. 保存 writes the
values to OUT.json and shows 保存成功.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QDateEdit, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--start", default="2026-12-04")
    ap.add_argument("--title", default="Qt日期窗口")
    args = ap.parse_args()
    app = QApplication([])
    w = QWidget()
    w.setWindowTitle(args.title)
    grid = QGridLayout(w)
    grid.setContentsMargins(20, 20, 20, 20)
    grid.setVerticalSpacing(14)
    grid.addWidget(QLabel("姓名："), 0, 0)
    name = QLineEdit()
    name.setMinimumWidth(240)
    grid.addWidget(name, 0, 1)
    grid.addWidget(QLabel("出生日期："), 1, 0)
    date = QDateEdit(QDate.fromString(args.start, "yyyy-MM-dd"))
    date.setDisplayFormat("yyyy-MM-dd")
    date.setCalendarPopup(True)
    grid.addWidget(date, 1, 1)
    save = QPushButton("保存")
    grid.addWidget(save, 2, 0)
    done = QLabel("")
    grid.addWidget(done, 2, 1)

    def do_save() -> None:
        Path(args.out).write_text(json.dumps({"name": name.text(), "date": date.date().toString("yyyy-MM-dd")},
                                             ensure_ascii=False), encoding="utf-8")
        done.setText("保存成功")

    save.clicked.connect(do_save)
    w.setFixedSize(460, 200)
    w.move(40, 30)
    w.show()
    app.exec()


if __name__ == "__main__":
    main()
