"""The capture screen: pick matters, then a form generated from exactly the fields their recipes need.

A view over ``clerkdesk.desk.form.CaptureFormModel``: the model says which fields, in which order, what is
wrong with them, what the ID number proves and which case to start; this module holds the editors and
shows what the model says.
"""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from clerkdesk.desk import CaseRequest
from clerkdesk.desk.form import CaptureFormModel, key_field
from clerkdesk.records import codes, regions
from clerkdesk.ui.errors import problem_text
from clerkdesk.ui.fields import Editor, FieldDef, check_case_value, field_def, make_editor
from clerkdesk.ui.i18n import language, named, tr
from clerkdesk.ui.qt_read_document import DocumentBar
from clerkdesk.ui.qt_recipe_health import show_health
from clerkdesk.ui.workers import run_op


class FieldRow:
    def __init__(self, fd: FieldDef, editor: Editor, label: QLabel, message: QLabel, meta: QLabel):
        self.fd = fd
        self.editor = editor
        self.label = label
        self.message = message
        self.meta = meta
        self.touched = False

    def show_problem(self, text: str | None, warning: bool = False) -> None:
        self.message.setObjectName("warning" if warning else "problem")
        self.message.setStyleSheet(self.message.styleSheet())  # re-polish for the new object name
        self.message.setText(text or "")
        self.message.setVisible(bool(text))
        self.editor.set_invalid(bool(text) and not warning)


def _jsonable(v: Any) -> Any:
    if isinstance(v, str | int | float | bool) or v is None:
        return v
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return str(v)


def value_words(fd: FieldDef, value: Any) -> str:
    """A stored value as the clerk reads it: a code's label (汉族, 非农业户口), a region's full name; else as is."""
    if value in (None, ""):
        return ""
    if fd.table and fd.table in codes.TABLES:
        tbl = codes.table(fd.table)
        code = tbl.resolve(str(value))
        for c in tbl.codes:
            if c.code == code:
                return c.en if language() == "en" else c.zh
    if fd.kind == "region":
        return regions.full_name(str(value)) or str(value)
    return str(value)


def _get(record: dict[str, Any], parts: list[str]) -> Any:
    cur: Any = record
    for p in parts:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(p)
    return cur


class CaptureForm(QWidget):
    start_requested = Signal()
    status = Signal(str)
    store_away = Signal(str)  # a lookup answered offline: why the store is away ("away": known already)

    def __init__(self, desk: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.model: CaptureFormModel = desk.form() if desk is not None else None  # type: ignore[assignment]
        self.rows: dict[str, FieldRow] = {}
        self.kind = "person"
        self.recipes: list[Any] = []
        self.profile: Any = None
        self.captured: Any = None  # while the store is away: what this window captured offline for this person
        self._restored_note = ""  # "this form was restored": stays in the banner until the clerk starts over
        self.submitted = False
        self._looked_up: str | None = None
        self._values: dict[str, Any] = {}
        self._doubt: dict[str, str] = {}  # path → why the clerk should check a value read from a document
        self._suggested: dict[str, str] = {}  # path → a value derived from the ID number the clerk has not changed
        self._filling = False
        self.documents: list[int] = []  # kept document images, linked to the case when it starts
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.validate)
        self._draft_timer = QTimer(self, singleShot=True, interval=800)  # the draft follows the typing
        self._draft_timer.timeout.connect(self.save_draft)
        self.keep_drafts = True  # off in the demo: its sample person is no clerk's unfinished work
        self.drafts_offline = False  # the hall's shared store is away: the draft goes to the outbox meanwhile

        self.matters = QListWidget()
        self.matters.setWordWrap(True)
        self.matters.setSpacing(2)
        self.matters.setAccessibleName(tr("办理事项"))
        self.matters.itemChanged.connect(lambda _i: (self._rebuild(), self._draft_timer.start()))
        self.targets_label = QLabel(wordWrap=True)
        self.targets_label.setObjectName("hint")
        left = QWidget()
        ll = QVBoxLayout(left)
        title = QLabel(tr("办理事项"))
        title.setObjectName("title")
        ll.addWidget(title)
        hint = QLabel(tr("勾选要办理的事项（空格勾选，可多选）"), wordWrap=True)
        hint.setObjectName("hint")
        ll.addWidget(hint)
        ll.addWidget(self.matters, 1)
        ll.addWidget(QLabel(tr("目标系统")))
        ll.addWidget(self.targets_label)

        self.banner = QLabel(wordWrap=True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        # The error summary: every problem in one list above the form; click or Enter jumps to the field.
        self.summary_box = QFrame()
        self.summary_box.setObjectName("summary")
        self.summary_title = QLabel()
        self.summary_title.setObjectName("problem")
        self.summary = QListWidget()
        self.summary.setAccessibleName(tr("需要修正的项目"))
        self.summary.itemActivated.connect(self._jump)  # Enter (and double-click)
        self.summary.itemClicked.connect(self._jump)
        sl = QVBoxLayout(self.summary_box)
        sl.setContentsMargins(6, 4, 6, 4)
        sl.addWidget(self.summary_title)
        sl.addWidget(self.summary)
        self.summary_box.hide()
        self.form_host = QWidget()
        self.form_layout = QVBoxLayout(self.form_host)
        self.form_layout.addStretch(1)
        self.scroll = scroll = QScrollArea(widgetResizable=True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field; the area follows the focus
        scroll.setWidget(self.form_host)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

        self.lookup_btn = QPushButton(tr("查询档案 (F2)"))
        self.lookup_btn.clicked.connect(self.lookup)
        self.save_btn = QPushButton(tr("保存档案 (Ctrl+S)"))
        self.save_btn.clicked.connect(self.save_profile)
        self.start_btn = QPushButton(tr("开始办理 (F5)"))
        self.start_btn.setDefault(True)
        self.start_btn.clicked.connect(self.start_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.lookup_btn)
        buttons.addWidget(self.save_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.start_btn)

        self.doc_bar = DocumentBar(self)
        self.doc_bar.status.connect(self.status.emit)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.doc_bar)
        rl.addWidget(self.banner)
        rl.addWidget(self.summary_box)
        rl.addWidget(scroll, 1)
        rl.addLayout(buttons)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([360, 900])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(split)
        if desk is not None:
            self.load_matters()

    # --- matters ---------------------------------------------------------------------------------
    def load_matters(self) -> None:
        self.model = self.desk.form()  # a fresh catalog and whitelist view
        self.matters.blockSignals(True)
        self.matters.clear()
        sep = ", " if language() == "en" else "、"
        for m in self.model.load(language()):
            text = (tr("【一件事】") + m.title if m.bundle else m.title) + f"\n    {sep.join(m.systems)}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.matters.addItem(item)
        show_health(self.matters, self.model, self.desk.home)  # ok / changed since … from the last canary
        self.matters.blockSignals(False)
        if self.matters.count():
            self.matters.setCurrentRow(0)
        self._rebuild()

    def checked_matters(self) -> list[str]:
        return [self.matters.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.matters.count())
                if self.matters.item(i).checkState() == Qt.CheckState.Checked]

    # --- the draft: what the clerk typed survives a crash until the case starts -------------------------------
    def draft_data(self) -> dict[str, Any]:
        vals = {**self._values, **self.values()}
        return {"matters": self.checked_matters(),
                "values": {k: _jsonable(v) for k, v in vals.items() if v not in (None, "", [], False)}}

    def save_draft(self) -> None:
        if self.desk is None or not self.keep_drafts:
            return
        data, desk = self.draft_data(), self.desk
        if not data["values"]:
            return
        keep = desk.offline.save_draft if self.drafts_offline else desk.save_draft
        run_op(lambda: keep(data), lambda _r: None, lambda _e: None)

    def flush_draft(self) -> None:
        """Save the draft now if an edit is waiting for the draft timer (the window is closing)."""
        if self._draft_timer.isActive():
            self._draft_timer.stop()
            self.save_draft()

    def restore_draft(self, draft: Any) -> None:
        """Put back an unfinished form (after a crash or a closed window) and say so."""
        known = {self.matters.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.matters.count())}
        self.set_matters([m for m in draft.data.get("matters", []) if m in known])
        # kept ahead of the profile lookup's own line, which the restored ID number starts: the clerk must still
        # read that this form is an old one, not lose the notice a moment later
        self._restored_note = tr("已恢复上次未完成的受理（{t}），请核对后继续", t=str(draft.saved_at)[:16].replace("T", " "))
        self.fill_values(draft.data.get("values", {}))
        self.show_banner("")

    def set_matters(self, ids: list[str]) -> None:
        self.matters.blockSignals(True)
        for i in range(self.matters.count()):
            it = self.matters.item(i)
            it.setCheckState(Qt.CheckState.Checked if it.data(Qt.ItemDataRole.UserRole) in ids
                             else Qt.CheckState.Unchecked)
        self.matters.blockSignals(False)
        self._rebuild()

    def targets(self) -> list[str]:
        return self.model.targets(self.checked_matters())

    # --- the generated form ---------------------------------------------------------------------------
    def _rebuild(self) -> None:
        self._values.update(self.values())
        cat = self.desk.catalog
        shape = self.model.shape(self.checked_matters())
        self.recipes = list(shape.recipes)
        self.kind = shape.kind
        self.targets_label.setText("\n".join(f"• {named(cat.systems[r.system])}{tr('：')}{named(r)}" for r in self.recipes)
                                   or "—")
        while self.form_layout.count() > 1:
            item = self.form_layout.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        self.rows.clear()
        if not self.recipes or self.kind == "mixed":
            self.show_banner(tr("请先勾选办理事项") if not self.recipes
                             else tr("所选事项的申请人类型不同（个人/企业），请分开办理"), error=self.kind == "mixed")
            return
        self.banner.hide()
        for title, group in ((tr("申请人信息"), list(shape.applicant)), (tr("业务信息"), list(shape.case))):
            if group:
                self.form_layout.insertWidget(self.form_layout.count() - 1, self._group(title, group))
        self._filling = True  # carried-over values keep their 读取证件 marks
        try:
            for path, v in {**self.model.defaults(self.kind), **self._values}.items():
                if path in self.rows and v not in ("", None, [], False):
                    self.rows[path].editor.set_value(v)
        finally:
            self._filling = False
        self._show_doubts()
        self._tab_order()
        self._apply_derived()
        self.validate()

    def _tab_order(self) -> None:
        """Matters → every field in form order → 开始办理 → 查询档案 → 保存档案 (rows are built after the buttons)."""
        chain: list[QWidget] = [self.matters, self.summary]
        for r in self.rows.values():
            if r.fd.derived:
                continue  # grey, filled from the ID number: not a tab stop
            ed = r.editor
            chain += getattr(ed, "boxes", None) or [ed.widget]
        chain += [self.start_btn, self.lookup_btn, self.save_btn]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _group(self, title: str, paths: list[str]) -> QGroupBox:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        for i, path in enumerate(paths):
            fd = field_def(path, self.recipes)
            ed = make_editor(fd)
            label = QLabel(fd.label if fd.required else f"{fd.label} {tr('（选填）')}")
            label.setBuddy(ed.focus_widget())
            message = QLabel()
            message.setObjectName("problem")
            message.setWordWrap(True)
            message.hide()
            meta = QLabel()
            meta.setObjectName("hint")
            grid.addWidget(label, 2 * i, 0, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(ed.widget, 2 * i, 1)
            grid.addWidget(meta, 2 * i, 2)
            grid.addWidget(message, 2 * i + 1, 1, 1, 2)
            row = FieldRow(fd, ed, label, message, meta)
            ed.widget.setAccessibleName(fd.label)
            ed.widget.setObjectName(path)
            ed.on_change(lambda row=row: self._changed(row))
            self.rows[path] = row
            if fd.derived:
                ed.set_derived(True)
                meta.setText(tr("由身份证号自动生成"))
        return box

    def _changed(self, row: FieldRow) -> None:
        row.touched = True
        if not self._filling and row.fd.path in self._doubt:  # the clerk looked at it and changed it
            del self._doubt[row.fd.path]
            self._mark_doubt(row, None)
        if row.fd.path == key_field(self.kind):
            self._apply_derived()
        self._timer.start()
        self._draft_timer.start()

    # --- values ---------------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {p: r.editor.value() for p, r in self.rows.items()}

    def fill_values(self, values: dict[str, Any]) -> None:
        """Set field values by path (demo, tests, profile pre-fill)."""
        for path, v in values.items():
            if path in self.rows:
                self.rows[path].editor.set_value(v)
            else:
                self._values[path] = v
        self._apply_derived()
        self.validate()

    def discard_unused_documents(self, wait: bool = False) -> None:
        """Kept document images whose case never started are deleted (Ctrl+N, closing the app)."""
        ids, self.documents = self.documents, []
        if not ids or self.desk is None:
            return
        desk = self.desk
        if wait:
            desk.discard_documents(ids)
        else:
            run_op(lambda: desk.discard_documents(ids), lambda _r: None)

    def clear(self) -> None:
        self.discard_unused_documents()
        self._draft_timer.stop()
        if self.desk is not None:
            desk = self.desk
            forget = desk.offline.discard_draft if self.drafts_offline else (lambda: desk.discard_draft("started over"))
            run_op(forget, lambda _r: None, lambda _e: None)
        self._values.clear()
        self._restored_note = ""
        for path in list(self._doubt):
            if path in self.rows:
                self._mark_doubt(self.rows[path], None)
        self._doubt.clear()
        self._suggested.clear()
        self.documents = []
        self.doc_bar.reset()
        self.profile = None
        self.captured = None
        self._looked_up = None
        self.submitted = False
        defaults = self.model.defaults(self.kind)
        for path, r in self.rows.items():
            r.editor.set_value(defaults.get(path))
            r.touched = False
            r.meta.setText(tr("由身份证号自动生成") if r.fd.derived else "")
        self.banner.hide()
        self.validate()
        self.scroll.verticalScrollBar().setValue(0)  # a new case starts at the top of the form

    # --- 读取证件 ----------------------------------------------------------------------------------------
    def apply_document(self, read: Any) -> tuple[int, int]:
        """Pre-fill from a ``DocumentRead``: the fields this form has (others wait for a matter that asks them),
        doubtful ones amber with the reason. Returns (fields filled, of them doubtful)."""
        if read.document_id is not None:
            self.documents.append(read.document_id)
        probs: dict[str, list[str]] = {}
        for p in read.problems:
            probs.setdefault(p.field, []).append(problem_text(p))
        filled = doubtful = 0
        self._filling = True
        try:
            for path, f in read.fields.items():
                if f.value in (None, ""):
                    continue
                reasons = list(dict.fromkeys(probs.get(path, [])))
                if "low_confidence" in f.reasons and not any(tr("识别置信度低") in r for r in reasons):
                    reasons.append(tr("识别置信度低"))
                if "unresolved" in f.reasons:
                    reasons.append(tr("无法对应标准代码，保留识别原文"))
                if f.doubtful and not reasons:
                    reasons.append(tr("校验未通过"))
                if f.doubtful:
                    self._doubt[path] = tr("请核对：") + "；".join(reasons)
                else:
                    self._doubt.pop(path, None)
                if path in self.rows:
                    self.rows[path].editor.set_value(f.value)
                    filled += 1
                    doubtful += f.doubtful
                else:
                    self._values[path] = f.value
            self._apply_derived()
        finally:
            self._filling = False
        self._show_doubts()
        if self.rows and not filled:
            self.show_banner(tr("证件与所选事项的申请人类型不符（个人/企业）"), error=True)
        self.validate()
        return filled, doubtful

    def document_problems(self, read: Any) -> list[str]:
        """One line per problem the reading found: field label and reason (never the value)."""
        out = []
        for p in read.problems:
            label = field_def(p.field, self.recipes).label if p.field.count(".") else p.field
            out.append(f"• {label}：{problem_text(p)}")
        return out

    def _show_doubts(self) -> None:
        for path, row in self.rows.items():
            self._mark_doubt(row, self._doubt.get(path))

    def _mark_doubt(self, row: FieldRow, why: str | None) -> None:
        w = row.editor.widget
        if bool(w.property("doubtful")) == bool(why) and (w.toolTip() == (why or "")):
            return
        w.setProperty("doubtful", bool(why))
        w.setToolTip(why or "")
        w.style().unpolish(w)
        w.style().polish(w)

    def record_data(self) -> dict[str, Any]:
        """The applicant's values keyed like ``make_person`` wants (derived fields left to the record layer)."""
        return self.model.record_data(self.values())

    def case_fields(self) -> dict[str, Any]:
        return self.model.case_fields(self.values())

    # --- derived values and profiles ----------------------------------------------------------------------
    def _apply_derived(self) -> None:
        key = self.rows.get(key_field(self.kind))
        if key is None:
            return
        if self.kind != "person":  # a company: nothing derives from the credit code; look the profile up
            value = self.key_value()
            if value is not None and value != self._looked_up:
                self.lookup()
            return
        proven = self.model.proven(key.editor.value())
        for path, value in proven.items():
            if path in self.rows:
                self.rows[path].editor.set_value(value)
        self._suggest("person.hukou_region", proven["person.native_region"])
        number = self.model.key_value("person", key.editor.value())
        if number is not None and number != self._looked_up:
            self.lookup()

    def _suggest(self, path: str, value: str) -> None:
        """Fill PATH with a value derived from the ID number (the checker's region code, ``Desk.check_id``), but
        only while the field is empty or still holds our own earlier suggestion: the clerk's or the profile's
        value always wins (a person may have moved since the number was issued). A retired code is not offered."""
        row = self.rows.get(path)
        if row is None:
            return
        reg = regions.region(value) if value else None
        value = value if reg is not None and reg.current else ""
        now = row.editor.value()
        if now not in ("", None) and now != self._suggested.get(path):
            return
        if value:
            self._suggested[path] = value
        else:
            self._suggested.pop(path, None)
        if now != value:
            row.editor.set_value(value)

    def key_value(self) -> str | None:
        key = self.rows.get(key_field(self.kind))
        return self.model.key_value(self.kind, key.editor.value()) if key is not None else None

    def lookup(self) -> None:
        """F2: find the profile of the ID number / credit code and pre-fill (off the UI thread)."""
        key = self.key_value()
        if key is None:
            return
        self._looked_up = key
        kind = self.kind
        away = self.drafts_offline  # the window knows the store is away: read this window's offline captures
        self.status.emit(tr("正在处理…"))
        run_op(lambda: self.desk.lookup(kind, key, away=away), lambda res: self._prefill(key, res))

    def _prefill(self, key: str, looked: Any) -> None:
        if self.desk is None:
            return  # the window closed while the lookup ran
        if key != self.key_value():
            return  # the clerk typed another number meanwhile
        profile, history = looked.profile, looked.history
        self.profile = profile
        self.captured = looked.captured
        if looked.away:
            got = looked.captured
            if got is None:
                self.show_banner(tr("共享档案库连不上，无法查询档案；请完整录入，恢复连接后再与档案库核对"))
            else:
                self.show_banner(tr("共享档案库连不上：已读取本窗口离线录入的记录（{t}），恢复连接后再与档案库核对",
                                    t=got.at[:16].replace("T", " ")))
                self._fill_known(got.record)
                self.validate()
            self.store_away.emit(looked.away)  # the status line says the store's state again (not 就绪)
            return
        if profile is None:
            self.show_banner(tr("未找到档案，将新建"))
            self.status.emit(tr("就绪"))
            return
        changed = history[-1].changed if len(history) > 1 else []
        labels = "、".join(field_def(f"{self.kind}.{c}", self.recipes).label for c in changed) or tr("无")
        self.show_banner(tr("已读取档案（版本 {v}，上次到访 {d}；上次变更：{c}）", v=profile.version,
                            d=profile.updated_at[:10], c=labels))
        self._fill_known(profile.record)
        self.validate()
        self.status.emit(tr("已读取档案"))

    def _fill_known(self, record: dict[str, Any]) -> None:
        """Pre-fill the empty applicant fields (and our own ID-number suggestions) from a known RECORD."""
        for path, r in self.rows.items():
            if path.startswith("case.") or r.fd.derived:
                continue
            v = _get(record, path.split(".")[1:])
            ours = path in self._suggested and r.editor.value() == self._suggested[path]
            if v not in (None, "") and (r.editor.value() in ("", None, []) or ours):
                self._suggested.pop(path, None)  # the profile knows better than the ID number's region
                r.editor.set_value(v)

    def _meta(self, path: str, row: FieldRow) -> None:
        if row.fd.derived:
            return
        extra = ""
        if row.fd.kind == "region" and row.editor.value():
            extra = regions.full_name(str(row.editor.value())) or ""
            if self._suggested.get(path) == row.editor.value():
                extra += "  " + tr("由身份证号推得，请核对")
        if self.profile is None or path.startswith("case."):
            row.meta.setObjectName("hint")
            row.meta.setText(extra)
            return
        parts = path.split(".")[1:]
        old = _get(self.profile.record, parts)
        verified = self.profile.verified.get(parts[0], "")
        now = row.editor.value()
        if old not in (None, "") and now not in ("", None) and not self.model.same(path, old, now):
            row.meta.setObjectName("changed")
            row.meta.setText(f"{tr('已修改')}（{tr('原值')}：{value_words(row.fd, old)}）")
        else:
            row.meta.setObjectName("hint")
            row.meta.setText("  ".join(x for x in (extra, f"{tr('上次核验')} {verified}" if verified else "") if x))
        row.meta.setStyleSheet(row.meta.styleSheet())

    def save_profile(self, failed: Any = None) -> None:
        """Ctrl+S: store the applicant's values as a new profile version (every problem listed if invalid).
        FAILED: who hears an error instead of the form (the window keeps the form offline when the store is gone)."""
        data, kind = self.record_data(), self.kind

        def done(res: Any) -> None:
            self.status.emit(tr("档案已保存"))
            self._looked_up = None
            self.lookup()

        run_op(lambda: self.desk.save_profile(kind, data), done, failed or self.show_error)

    # --- validation -------------------------------------------------------------------------------------
    def problems(self) -> dict[str, tuple[str, bool]]:
        """Field path → (message, is_warning) from the record layer, the case-field shapes and emptiness."""
        out = {path: (problem_text(p), p.severity != "error")
               for path, p in self.model.problems(self.kind, self.values()).items()}
        for path, r in self.rows.items():
            if path.startswith("case."):
                msg = check_case_value(r.fd, r.editor.value())
                if msg:
                    out[path] = (msg, False)
            if self.submitted and r.fd.required and not r.fd.derived and r.editor.value() in ("", None, []) \
                    and r.fd.kind != "bool":
                out.setdefault(path, (tr("必填"), False))
        return out

    def validate(self) -> bool:
        if self.desk is None:
            return False  # the window is closing
        found = self.problems()
        for path, r in self.rows.items():
            msg = found.get(path)
            r.show_problem(msg[0] if msg else None, warning=bool(msg and msg[1]))
            self._meta(path, r)
        self._update_summary()
        return not any(not w for _m, w in found.values())

    def show_problems(self, by_field: dict[str, str]) -> None:
        for path, msg in by_field.items():
            if path in self.rows:
                self.rows[path].show_problem(msg)
        self.submitted = True
        self._update_summary()
        self.focus_first_problem()

    def _update_summary(self) -> None:
        """List every field in error at the top, in form order, once the clerk asked to start (or save)."""
        items = [(p, r) for p, r in self.rows.items()
                 if not r.message.isHidden() and r.message.text() and r.message.objectName() == "problem"]
        if not self.submitted or not items:
            self.summary_box.hide()
            self.summary.clear()
            return
        current = self.summary.currentItem().data(Qt.ItemDataRole.UserRole) if self.summary.currentItem() else None
        self.summary.clear()
        for path, r in items:
            it = QListWidgetItem(f"{r.fd.label}：{r.message.text()}")
            it.setData(Qt.ItemDataRole.UserRole, path)
            self.summary.addItem(it)
            if path == current:
                self.summary.setCurrentItem(it)
        if self.summary.currentRow() < 0:
            self.summary.setCurrentRow(0)
        self.summary_title.setText(tr("请修正以下 {n} 项（点击或按回车跳到该项）：", n=len(items)))
        rows = min(len(items), 5)
        self.summary.setFixedHeight(rows * max(self.summary.sizeHintForRow(0), 18) + 2 * self.summary.frameWidth() + 2)
        self.summary_box.show()

    def _jump(self, item: QListWidgetItem) -> None:
        """From the summary to the field: focus it (the ID number for a field derived from it) and show it."""
        row = self.rows.get(item.data(Qt.ItemDataRole.UserRole))
        if row is None:
            return
        if row.fd.derived and key_field(self.kind) in self.rows:
            row = self.rows[key_field(self.kind)]
        row.editor.focus_widget().setFocus(Qt.FocusReason.OtherFocusReason)
        self._reveal(row.editor.widget)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        """The form scrolls so the focused field (and its message line) is on screen, whatever moved the focus."""
        try:
            if new is not None and self.form_host.isAncestorOf(new):
                self._reveal(new)
        except RuntimeError:  # the form is being destroyed
            pass

    def _reveal(self, w: QWidget) -> None:
        """Scroll W into view now, and again once pending layouts ran (messages just shown move rows down)."""
        self.scroll.ensureWidgetVisible(w, 40, 60)

        def again() -> None:
            try:
                if w.isVisible() and self.form_host.isAncestorOf(w):
                    self.scroll.ensureWidgetVisible(w, 40, 60)
            except RuntimeError:  # the row was rebuilt meanwhile
                pass

        QTimer.singleShot(0, again)

    def focus_first_problem(self) -> None:
        for r in self.rows.values():
            if not r.message.isHidden() and r.message.text() and r.message.objectName() == "problem":
                fw = r.editor.focus_widget()
                if fw.focusPolicy() == Qt.FocusPolicy.NoFocus and key_field(self.kind) in self.rows:
                    fw = self.rows[key_field(self.kind)].editor.focus_widget()
                fw.setFocus()
                self._reveal(r.editor.widget)
                return

    def show_banner(self, text: str, error: bool = False) -> None:
        note = self._restored_note
        if note and not error:
            text = f"{note}　{text}" if text and note not in text else note
        self.banner.setObjectName("problem" if error else "")
        self.banner.setStyleSheet(self.banner.styleSheet())
        self.banner.setText(text)
        self.banner.show()

    def show_error(self, e: Exception) -> None:
        from clerkdesk.errors import PlanError, ValidationError
        from clerkdesk.ui.errors import message_of, plan_fields

        if isinstance(e, ValidationError):
            self.show_problems({p.field: problem_text(p) for p in e.problems if p.severity == "error"})
        elif isinstance(e, PlanError):
            self.show_problems(plan_fields(e))
        self.show_banner(message_of(e), error=True)

    def request(self) -> CaseRequest | None:
        """The case to start, or None (problems shown, focus on the first) when the form is not ready."""
        self.submitted = True
        if not self.recipes or self.kind == "mixed":
            self.show_banner(tr("请先勾选办理事项"), error=True)
            self.matters.setFocus()
            return None
        if not self.validate():
            self.show_banner(tr("输入有误，请修正红色字段"), error=True)
            self.focus_first_problem()
            return None
        return self.model.request(self.kind, self.values(), self.checked_matters())
