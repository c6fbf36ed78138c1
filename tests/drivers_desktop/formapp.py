"""A small PySide6 form used by the desktop-driver tests (run as a subprocess under Xvfb).

    python formapp.py OUT.json [--shift PX] [--title TITLE] [--maxlen KEY=N] [--delay S]

Labels beside line edits, a masked date, two combo boxes, a check box, a 保存 button that
writes every field to OUT.json, and a 提交 button that asks 确认提交吗？ in a modal box and
then shows 个人账号：… as read-only text. ``--shift`` pushes the whole form right and down inside a
window of the same size, to test that a cached layout notices the change. ``--maxlen name=3`` makes a
box drop what is pasted beyond N characters (a field that alters its value). ``--delay`` shows the
window only after S seconds (a slow-starting client).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

ETHNIC = ["汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
          "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--shift", type=int, default=0)
    ap.add_argument("--title", default="测试录入窗口")
    ap.add_argument("--maxlen", action="append", default=[], metavar="KEY=N")
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--paint-late", type=float, default=0.0,
                    help="show the window all black this long before the form: a client starved of CPU")
    args = ap.parse_args()
    maxlen = {k: int(n) for k, n in (m.split("=", 1) for m in args.maxlen)}
    app = QApplication(sys.argv[:1])
    w = QWidget()
    w.setWindowTitle(args.title)
    grid = QGridLayout(w)
    grid.setContentsMargins(20 + args.shift, 20 + args.shift, 20, 20)
    grid.setHorizontalSpacing(12)
    grid.setVerticalSpacing(14)
    fields: dict[str, QLineEdit] = {}
    rows = [("姓名：", "name"), ("身份证号：", "id_number"), ("户籍地址：", "address"), ("联系电话：", "phone"),
            ("出生日期：", "birth_date"), ("工作单位：", "employer")]
    for r, (label, key) in enumerate(rows):
        grid.addWidget(QLabel(label), r, 0)
        e = QLineEdit()
        e.setMinimumWidth(360 if key in ("address", "employer") else 240)
        if key == "birth_date":
            e.setInputMask("0000-00-00")
        if key in maxlen:
            e.setMaxLength(maxlen[key])
        fields[key] = e
        grid.addWidget(e, r, 1)
    r = len(rows)
    grid.addWidget(QLabel("民族："), r, 0)
    ethnic = QComboBox()
    ethnic.addItems(ETHNIC)
    grid.addWidget(ethnic, r, 1)
    grid.addWidget(QLabel("性别："), r + 1, 0)
    sex = QComboBox()
    sex.addItems(["男", "女", "未说明"])
    grid.addWidget(sex, r + 1, 1)
    agree = QCheckBox("本人承诺所填信息真实")
    grid.addWidget(agree, r + 2, 1)
    account = QLabel("")
    grid.addWidget(account, r + 3, 1)
    save = QPushButton("保存")
    submit = QPushButton("提交")
    grid.addWidget(save, r + 4, 0)
    grid.addWidget(submit, r + 4, 1)

    def values() -> dict[str, object]:
        d: dict[str, object] = {k: e.text() for k, e in fields.items()}
        d["ethnic"] = ethnic.currentText()
        d["sex"] = sex.currentText()
        d["agree"] = agree.isChecked()
        return d

    def do_save() -> None:
        Path(args.out).write_text(json.dumps(values(), ensure_ascii=False), encoding="utf-8")
        account.setText("保存成功")  # the client's answer, for a recipe's `expect` after its submit

    def do_submit() -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "确认", "确认提交吗？", parent=w)
        ok = box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is ok:
            account.setText("个人账号：6222021001123456")
            d = values()
            d["submitted"] = True
            Path(args.out).write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")

    save.clicked.connect(do_save)
    submit.clicked.connect(do_submit)
    w.setFixedSize(560, 470)  # --shift moves the widgets inside a window of the same size
    w.move(40, 30)
    if args.delay > 0:
        QTimer.singleShot(int(args.delay * 1000), w.show)
    else:
        w.show()
    if args.paint_late > 0:
        # what X shows of a mapped window its starved client has not painted yet: all black, then the form at once
        cover = QWidget(w)
        cover.setStyleSheet("background: black")
        cover.setGeometry(0, 0, 560, 470)
        cover.raise_()
        cover.show()
        QTimer.singleShot(int(args.paint_late * 1000), cover.hide)
    sys.exit(app.exec())


if __name__ == "__main__":
    main()
