"""One translation function, ``tr``: Chinese source strings, English from Qt translation files.

The catalogue lives in ``translations/en.ts`` (Qt Linguist XML, editable in Qt Linguist) and is compiled to
``translations/en.qm`` with ``pyside6-lrelease``; ``python -m clerkdesk.ui.i18n`` rebuilds both from ``EN`` below.
When no ``.qm`` is loadable (e.g. a stripped install) the same dictionary is used directly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from clerkdesk.engine.notices import NOTICES
from clerkdesk.recipe.steps import STEPS

CONTEXT = "ClerkDesk"
HERE = Path(__file__).resolve().parent / "translations"
_lang = "zh"
_fallback: dict[str, str] = {}
_translator: object | None = None
_qt_translator: object | None = None  # Qt's own strings (QMessageBox buttons, QFileDialog, context menus)

# Chinese source → English. Keep sorted by screen; every tr() string the UI shows belongs here.
EN: dict[str, str] = {
    # window, tabs, menus
    "ClerkDesk 一窗受理": "ClerkDesk one-window service",
    "受理": "Capture", "办理监控": "Run monitor", "今日案件": "Today's cases",
    "帮助": "Help", "快捷键": "Keyboard shortcuts", "语言": "Language", "中文": "Chinese", "English": "English",
    "重启后生效": "Takes effect after a restart", "退出": "Quit",
    "就绪": "Ready", "正在处理…": "Working…", "正在加载…": "Loading…", "视图": "View",
    "快捷键帮助": "Keyboard shortcuts",
    # capture
    "办理事项": "Matters", "勾选要办理的事项（空格勾选，可多选）": "Tick the matters to handle (Space; several allowed)",
    "目标系统": "Target systems", "【一件事】": "[One-stop] ", "：": ": ", "申请人信息": "Applicant", "业务信息": "Case details",
    "查询档案 (F2)": "Look up profile (F2)", "开始办理 (F5)": "Start (F5)", "保存档案 (Ctrl+S)": "Save profile (Ctrl+S)",
    "新建受理 (Ctrl+N)": "New case (Ctrl+N)", "请先勾选办理事项": "Tick at least one matter first",
    "所选事项的申请人类型不同（个人/企业），请分开办理": "The matters are for different applicant kinds "
    "(person/company); handle them separately",
    "由身份证号自动生成": "derived from the ID number", "上次核验": "last verified", "已修改": "changed",
    "原值": "was", "未找到档案，将新建": "No profile yet; one will be created",
    "已读取档案": "Profile loaded", "已读取档案（版本 {v}，上次到访 {d}；上次变更：{c}）":
        "Profile loaded (version {v}, last visit {d}; changed then: {c})",
    "无": "none", "档案已保存": "Profile saved", "输入有误，请修正红色字段": "Please correct the fields in red",
    "必填": "required", "（选填）": "(optional)", "请填写": "Please fill in", "是": "yes", "请选择": "Please choose",
    "应为数字": "must be a number", "不是可选值": "is not one of the choices",
    "正在启动浏览器并填报…": "Starting the browsers and filling…",
    "等待您在“{s}”窗口中操作（如登录）": "Waiting for you in the “{s}” window (e.g. log in)",
    "等待您核对并确认提交：{s}": "Waiting for you to check and confirm the submit: {s}",
    "等待您核对提交结果：{s}": "Waiting for you to check the submit's outcome: {s}",
    "已暂停（F6 继续），已完成 {d}/{n}": "Paused (F6 resumes); {d} of {n} done",
    "正在办理 {r} 个系统，已完成 {d}/{n}": "Filling {r} system(s); {d} of {n} done",
    "办理无法开始": "The case cannot start",
    "已提交，正在等待系统答复…（中止 = 停止等待，提交结果将不确定）":
        "Submitted, waiting for the system's answer… (Abort stops waiting; the outcome is then unknown)",
    "提交结果不确定：请在系统中查询后选择 已记录 / 未记录":
        "Submit outcome unknown: look it up in the system, then choose Recorded / Not recorded",
    "该申请人的同一事项已有未办结的案件，已为您打开": "This applicant already has an open case for this matter: it is shown instead",
    "需要修正的项目": "Problems to correct",
    # the discrepancy table (qt_discrepancy.py)
    "信息不一致": "Values differ",
    "尚未向系统写入任何内容。“暂不处理”：系统和档案都不改。":
        "Nothing has been written to the system yet. “Leave it”: neither the system nor the profile changes.",
    "系统中已有的信息与档案不一致，请逐项选择处理方式":
        "The system already holds other values than the profile; choose what to do with each",
    "系统": "System", "系统中的值": "System's value", "档案中的值": "Profile's value",
    "档案上次核验": "Profile last verified", "处理": "Decision", "（无）": "(none)", "从未": "never",
    "以档案更新系统": "Update the system with the profile", "以系统更新档案": "Update the profile with the system",
    "暂不处理": "Leave it", "中止办理 (Esc)": "Stop (Esc)", "按所选处理并继续 (F9)": "Apply and continue (F9)",
    "等待您处理系统与档案不一致的信息：{s}": "Waiting for you to decide where the system differs from the profile: {s}",
    "请修正以下 {n} 项（点击或按回车跳到该项）：": "Please correct these {n} field(s) (click or press Enter to go there):",
    "由身份证号推得，请核对": "from the ID number: please check",
    # 读取证件
    "读取证件 (F11)": "Read document (F11)", "读取证件": "Read document", "从图片文件…": "From an image file…",
    "从扫描文件夹": "From the scan folder", "从读卡器": "From the card reader",
    "身份证正面（人像面）": "ID card front (photo side)", "身份证背面（国徽面）": "ID card back (emblem side)",
    "营业执照": "Business licence", "证件类型": "Document kind",
    "保留证件图像作为证据": "Keep the document image as evidence",
    "默认不保存证件图像（个人信息最小必要）；勾选后加密保存，并关联到本次案件":
        "By default the image is not stored (personal data: minimum necessary); when ticked it is stored "
        "encrypted and tied to this case",
    "图片 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)": "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)",
    "选择证件图片": "Choose the document image", "选择扫描文件夹": "Choose the scan folder",
    "扫描文件夹中没有图片：{d}": "No image in the scan folder: {d}", "正在识别证件…": "Reading the document…",
    "正在读卡…": "Reading the card…", "已读取证件：填入 {n} 项，{m} 项请核对": "Document read: {n} field(s) filled, "
    "{m} to check", "无法读取证件": "Cannot read the document", "识别置信度低": "low recognition confidence",
    "无法对应标准代码，保留识别原文": "no standard code matches; kept as read", "校验未通过": "check failed",
    "请核对：": "Please check: ",
    "证件与所选事项的申请人类型不符（个人/企业）": "The document does not fit the applicant of the chosen matters "
    "(person/company)",
    "读取证件（图片文件 / 扫描文件夹 / 屏幕区域 / 高拍仪 / 读卡器）":
        "Read a document (image file / scan folder / screen region / document camera / card reader)",
    "从屏幕区域…": "From a screen region…", "从高拍仪窗口": "From the document camera window",
    "自动读取扫描文件夹中的新图片": "Read new images in the scan folder automatically",
    "正在监视扫描文件夹：{d}": "Watching the scan folder: {d}",
    "扫描文件夹不存在，未开始监视：{d}": "The scan folder does not exist; not watching: {d}", "扫描文件夹中有新图片，正在读取": "A new scan arrived; reading it",
    "无法截取屏幕（Wayland 会话不允许截屏时，请改用图片文件或扫描文件夹）":
        "Cannot capture the screen (a Wayland session may forbid it: use an image file or the scan folder)",
    "高拍仪窗口": "Document camera window", "选择高拍仪（或扫描预览）窗口：": "Choose the document camera (or scan preview) window:",
    "框选证件区域": "Mark the document", "拖动鼠标框选证件，松开即识别；Esc 取消":
        "Drag to mark the document; release to read it, Esc to cancel",
    "已恢复上次未完成的受理（{t}），请核对后继续": "The unfinished form of {t} was restored: check it, then go on",
    "正在加载识别模型…": "Loading the recognition models…", "识别模型已就绪": "Recognition models ready",
    "识别模型未能加载：{e}": "The recognition models did not load: {e}",
    # monitor
    "当前没有办理中的案件": "No case in progress", "案件": "Case", "步骤": "Step", "状态": "Status",
    "受理编号": "Receipt", "个人账号": "Account", "业务流水号": "Serial", "复制": "Copy", "已复制": "Copied", "证据": "Evidence", "暂停": "Pause", "继续": "Resume",
    "中止": "Abort", "重试": "Retry", "待办理": "Planned", "排队中（同一系统、桌面系统一次一个）": "Queued (one run per system, one desktop system at a time)",
    "办理中": "Running", "已暂停": "Paused", "待经办人处理": "Needs the clerk", "失败": "Failed", "已完成": "Done",
    "已中止": "Aborted", "第 {n}/{m} 步": "Step {n} of {m}", "确定中止这个系统的办理吗？": "Abort this system's run?",
    "全部暂停/继续 (F6)": "Pause/resume all (F6)", "重试失败项 (F7)": "Retry failed (F7)",
    "复制全部回执 (Ctrl+Shift+C)": "Copy all receipts (Ctrl+Shift+C)",
    "可按“重试”(F7)从断点继续": "Press Retry (F7) to continue from the checkpoint",
    "技术详情": "Technical details",
    # step words: each step type's label in the step registry (one source)
    **{t.zh: t.en for t in STEPS.values()},
    # the engine's notices (engine/notices.py: one source), shown through ``said``
    **dict(NOTICES.values()),
    # failures
    "无法打开系统页面（系统可能暂时不可用）": "Cannot open the system's page (it may be down)",
    "在系统页面上找不到或无法操作“{what}”（页面可能已改版，请通知管理员更新配方）":
        "Cannot find or use “{what}” on the system's page (the page may have changed; tell the supervisor)",
    "提交后没有看到系统的受理结果": "No answer from the system after the submit",
    "无法启动浏览器": "The browser did not start", "第 {n} 步（{what}）出错": "Step {n} ({what}) failed",
    "提交结果不确定：请在系统中核对是否已记录": "Submit outcome unknown: check in the system whether it was recorded",
    # dialogs
    "提交确认": "Confirm submit", "即将提交以下信息（按目标系统显示的文字；有“说明”的项与档案不完全相同）：":
        "About to submit (as the target system will show it; a line with a note differs from the profile):",
    "项目": "Field", "将提交的值": "Value to submit", "系统代码": "System code", "说明": "Note",
    "即将提交以下信息：": "About to submit:", "确认提交 (F9)": "Submit (F9)",
    "取消 (Esc)": "Cancel (Esc)", "需要经办人操作": "Your turn",
    "请在第 {n} 个浏览器窗口“{t}”（{s}）中完成操作（不是本窗口），完成后按“继续”。系统检测到完成后会自动继续。":
        "Act in browser window {n}, “{t}” ({s}) — not this window — then press Continue. The run continues by "
        "itself once it sees the step done.",
    "请在“{s}”的窗口中完成操作（不是本窗口），完成后按“继续”。系统检测到完成后会自动继续。":
        "Act in the “{s}” window (not this one), then press Continue. It also continues by itself once the "
        "system shows the step is done.", "请在系统窗口中完成操作，完成后按“继续”。"
    "系统检测到完成后会自动继续。": "Act in the system's window, then press Continue. It also continues by itself "
    "once the system shows the step is done.", "继续 (F9)": "Continue (F9)", "中止办理": "Abort",
    "演示提示": "Demo hint", "演示": "demo", "操作员代码": "operator code", "任意（沙箱客户端）": "any (sandbox client)", "用户名": "user", "密码": "password", "验证码": "captcha",
    "提交结果不确定": "Submit outcome unknown", "已记录 (F9)": "Recorded (F9)", "未记录": "Not recorded",
    "稍后处理": "Decide later", "系统中看到的受理编号（可选）": "Receipt seen in the system (optional)",
    "证据截图": "Evidence screenshots", "提交后系统的页面（第 {n} 步）": "The system's page after the submit (step {n})",
    "出错时的页面（第 {n} 步：{what}）": "The page when it failed (step {n}: {what})", "关闭": "Close", "没有证据截图": "No evidence screenshots",
    "办理仍在进行": "Runs in progress",
    "关闭后，未完成的办理会保存断点，可在“今日案件”中继续。确定关闭吗？":
        "Unfinished runs keep their checkpoint and can be resumed from Today's cases. Close now?",
    "关闭窗口": "Close the window", "不关闭": "Keep it open",
    "正在保存断点…": "Saving checkpoints…", "应用关闭，办理已暂停": "The app was closed; the run is paused",
    "经办人中止了办理": "The clerk aborted the run",
    # case list
    "时间": "Time", "申请人": "Applicant", "事项": "Matter", "回执": "Receipts", "可继续": "Resumable", "可重试": "Retryable", "继续/重试": "Resume / retry", "刷新 (Ctrl+R)": "Refresh (Ctrl+R)",
    "打开 (Enter)": "Open (Enter)", "继续办理 (F7)": "Resume (F7)", "已受理": "Open", "全部完成": "All done",
    "有失败": "Has failures", "待处理": "Needs the clerk",
    "有 {n} 个案件可继续办理（F8 今日案件）": "{n} case(s) can be resumed (F8 Today's cases)",
    # recipe health beside a matter, and the recipe set a run used (ui/qt_recipe_health.py)
    "配方状态：正常（{d} 检查）": "Recipe: ok (checked {d})",
    "配方状态：{d} 起系统有变化，可能无法自动填报": "Recipe: the system changed on {d}; filling may fail",
    "配方状态：{d} 起无法检查（{why}）": "Recipe: could not be checked since {d} ({why})",
    "配方状态：未检查": "Recipe: never checked", "系统无法访问": "system unreachable", "需要登录": "needs a login",
    "检查出错": "the check failed", "失效的步骤：{s}": "Broken step: {s}", "定位：{loc}": "Locator: {loc}",
    "上次正常：{d}": "Last good: {d}", "从未正常": "never",
    "配方：未发布的配方文件夹（未签名）": "Recipe: an unpublished recipes folder (not signed)",
    "配方集 {v}，但本配方在本机被修改过": "Recipe set {v}, but this recipe was changed on this workstation",
    "配方集 {v}（签名密钥 {k}）": "Recipe set {v} (signing key {k})", "配方集 {v}（未签名）": "Recipe set {v} (unsigned)",
    # errors
    "出错了": "Error", "错误": "Error",
    "数据文件夹不存在": "Data folder not found",
    # the supervisors' hall view
    "大厅概况": "Hall overview", "各系统": "Systems", "导出日报…": "Export the daily report…",
    "导出日报到…": "Export the daily report to…", "已导出": "Exported",
    "（未安装 openpyxl：只导出 CSV）": "(openpyxl is not installed: CSV only)",
    "原因": "Reason", "大厅概况仅对主管开放": "The hall overview is for supervisors only",
    # the hall at the clerk's window: the back office (转后台办理), the shared store and its conflicts
    "转后台办理": "Queue for the back office", "已转后台": "With the back office",
    "正在转后台办理…": "Queueing for the back office…", "该案件没有需要转后台办理的事项": "Nothing of this case is left for the back office", "没有转后台办理": "Not queued for the back office",
    "没有转后台办理：{e}": "Not queued for the back office: {e}", "不能转后台办理：{e}": "Cannot queue for the back office: {e}",
    "已转后台办理，完成后回执会显示在今日案件中":
        "Queued for the back office; the receipts will show in Today's cases when it is done",
    "将“{m}”转交后台办理。\n\n后台将按您核对过的这些值直接提交各系统，不再逐一询问；需要经办人处理时会退回本窗口。确认转后台吗？":
        "Hand “{m}” to the back office?\n\nThe back office submits these values, as you checked them, to every "
        "system without asking again; anything that needs a person comes back to this window.",
    "取消": "Cancel", "关闭 (Esc)": "Close (Esc)", "共 {n} 件": "{n} in all",
    "后台退回的案件": "Cases the back office handed back", "后台退回 {n} 件（{k}）": "{n} handed back ({k})",
    "后台办理时需要经办人处理（验证码、登录、提交结果不确定、系统信息与档案不一致）的案件。选中后按 Enter 打开，在办理监控中继续（F7）。":
        "Cases the back office could not finish without a person (a captcha, a login, an uncertain submit, a "
        "system holding other values than the profile). "
        "Select one and press Enter to open it, then go on in the run monitor (F7).",
    "共享档案库连不上：{e}": "The shared store cannot be reached: {e}",
    "共享档案库已恢复连接": "The shared store answers again", "档案冲突无法读取：{e}": "The profile conflicts cannot be read: {e}",
    "档案冲突": "Profile conflicts", "档案冲突 {n} 件（{k}）": "{n} profile conflict(s) ({k})",
    "本窗口离线时录入的档案，在此期间已被其他窗口修改。请逐项选择保留哪个值；未选择前不会写入任何内容。":
        "Profiles this window captured while offline were changed at another window meanwhile. Choose, field by "
        "field, which value to keep; nothing is written until every field is chosen.",
    "字段": "Field", "本窗口的值（离线时录入）": "This window's value (captured offline)",
    "档案库的值（其他窗口）": "The store's value (another window)", "保留": "Keep",
    "用本窗口的值": "This window's value", "保留档案库的值": "The store's value",
    "全部用本窗口的值": "All: this window's values", "全部保留档案库的值": "All: the store's values",
    "保存选择 (Ctrl+Enter)": "Save the choices (Ctrl+Enter)", "稍后处理 (Esc)": "Later (Esc)",
    "没有待处理的档案冲突": "No profile conflicts are waiting",
    "本窗口 {a} 于 {t} 离线录入；档案库中的值由 {b} 于 {u} 修改":
        "Captured offline at this window by {a} at {t}; the store's values were changed by {b} at {u}",
    "请先为每个字段选择保留哪个值：{f}": "Choose the value to keep for every field first: {f}",
    "（空）": "(empty)", "离线时录入的整份档案": "the whole profile, captured offline",
    "档案已在其他窗口删除": "the profile was deleted at another window",
    "档案可能已在其他窗口删除（请核对）": "the profile may have been deleted at another window (please check)",
    "数据文件夹 {home} 不存在。\n\n如果是路径输错了，请选“否”，然后检查 --home 或 CLERKDESK_HOME；"
    "选“是”将在那里新建一个空的数据文件夹（原有的档案不会出现在其中）。\n\n新建吗？":
    "The data folder {home} does not exist.\n\nIf the path is mistyped, choose No and check --home or "
    "CLERKDESK_HOME; Yes makes a new, empty data folder there (the existing profiles will not be in it).\n\n"
    "Create it?",
    # F1 help
    "新建受理（清空表单）": "New case (clear the form)", "保存档案": "Save the profile",
    "重试失败项 / 继续办理": "Retry failed targets / resume", "全部暂停/继续": "Pause/resume all",
    "复制全部回执": "Copy all receipts", "打开菜单": "Open a menu", "刷新今日案件": "Refresh today's cases",
    "开始办理": "Start", "受理表单": "Capture form", "对话框中：取消": "In a dialog: cancel",
    "读取/查询档案（按身份证号/信用代码）": "Look up the profile (by ID number / credit code)",
    "对话框中：确认提交 / 继续 / 已记录": "In a dialog: submit / continue / recorded",
    "下一个/上一个字段": "Next/previous field", "勾选事项": "Tick a matter", "空格": "Space", "Alt+字母": "Alt+letter",
    # capturing while the shared store is away (qt_offline.py, qt_watch.py)
    "离线案件": "Offline cases", "离线案件（共享档案库连不上时受理的）": "Offline cases (captured while the shared store was away)",
    "离线": "Offline", "（{n} 件待发送）": " ({n} waiting to be sent)", "{n} 件待发送": "{n} waiting to be sent",
    "正在发送 {n} 件": "Sending {n}", "共享档案库已连接": "Shared store connected",
    "（离线受理中，{n} 件待发送）": " (capturing offline, {n} waiting to be sent)",
    "正在发送离线受理的案件 {n} 件…": "Sending {n} cases captured offline…",
    "离线受理的案件 {n} 件待发送": "{n} cases captured offline waiting to be sent",
    "离线案件 {n} 件待发送（{k}）": "Offline cases: {n} waiting ({k})",
    "共享档案库连不上，表单已保存在本机（离线案件 {k} 中可放回表单）":
    "The shared store does not answer: the form is kept on this machine (put it back from Offline cases, {k})",
    "共享档案库连不上，案件已加密保存在本机，恢复连接后自动发送（{k} 查看）":
    "The shared store does not answer: the case is kept encrypted on this machine and sent when it is back ({k})",
    "共享档案库连不上时受理的案件保存在本机（已加密），恢复连接后自动发送，每件只发送一次。":
    "Cases captured while the shared store does not answer are kept on this machine (encrypted) and sent when it "
    "is back, each exactly once.",
    "离线保存的表单（{t}）": "Form kept offline ({t})", "没有离线案件": "No offline cases",
    "待发送": "waiting", "发送中": "sending", "已发送": "sent", "放回表单": "Put back into the form",
    "打开案件": "Open the case", "离线案件已放回表单，请核对后按 F5": "The offline case is back in the form: check it, then F5",
    "共享档案库连不上，无法查询档案；请完整录入，恢复连接后再与档案库核对":
    "The shared store does not answer, so the profile cannot be looked up: capture it in full; it is checked "
    "against the store when it is back",
    "共享档案库连不上：已读取本窗口离线录入的记录（{t}），恢复连接后再与档案库核对":
    "The shared store does not answer: read what this window captured offline ({t}); it is checked against the "
    "store when it is back",
    "另有一份离线时保存的表单，可在离线案件（{k}）中放回表单":
    "Another form was kept while offline: put it back from Offline cases ({k})",
    "其他窗口已受理": "opened at another window", "并入该案件": "Merge into that case",
    "该申请人的同一事项已在其他窗口受理：案件 {c}（{m}）。并入后不再另建案件，以该案件为准。":
    "Another window opened the same matter for this applicant: case {c} ({m}). Merging opens no second case; "
    "that case's values stand.",
    "本窗口录入的业务信息与该案件不同：{f}（请打开案件核对）":
    "This window captured other business details than that case: {f} (open the case to check)",
    "离线案件已并入案件 {c}": "The offline case was merged into case {c}",
    "离线案件 {n} 件待处理（{k}）": "Offline cases: {n} for you to handle ({k})",
    "离线受理的案件 {n} 件已在其他窗口受理，请在离线案件（Ctrl+Shift+O）中并入或放回表单":
    "{n} cases captured offline were opened at another window meanwhile: merge them or put them back into the "
    "form (Offline cases, Ctrl+Shift+O)",
    "{n} 件待处理": "{n} for you to handle",
}


def _install_qt_strings(lang: str) -> None:
    """Qt's own dialogs speak the clerk's language too: in zh mode Qt's Chinese catalogue (qtbase_zh_CN.qm,
    shipped with PySide6) and a Chinese default locale, so a file picker, a Yes/No box or a line edit's context
    menu are Chinese; in en mode Qt's built-in English and an English locale (whatever the machine's locale)."""
    global _qt_translator
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

    app = QCoreApplication.instance()
    if _qt_translator is not None and app is not None:
        QCoreApplication.removeTranslator(_qt_translator)  # type: ignore[arg-type]
    _qt_translator = None
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh" else \
        QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    QLocale.setDefault(locale)
    if lang != "zh" or app is None:
        return
    t = QTranslator()
    if t.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        QCoreApplication.installTranslator(t)
        _qt_translator = t


def set_language(lang: str) -> None:
    """'zh' (default) or 'en'; call before widgets are built (changing later needs a restart)."""
    global _lang, _fallback, _translator
    _lang = lang if lang in ("zh", "en") else "zh"
    _fallback = dict(EN) if _lang == "en" else {}
    if _translator is not None:
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.removeTranslator(_translator)  # type: ignore[arg-type]
    _translator = None
    _install_qt_strings(_lang)
    if _lang == "en":
        from PySide6.QtCore import QCoreApplication, QTranslator

        t = QTranslator()
        qm = HERE / "en.qm"
        if qm.exists() and t.load(str(qm)) and QCoreApplication.instance() is not None:
            QCoreApplication.installTranslator(t)
            _translator = t


def language() -> str:
    return _lang


def run_names(info: object) -> tuple[str, str]:
    """A run's (system, matter) titles in the UI's language, from its ``RunInfo``."""
    from clerkdesk.recipe.model import in_language

    return (in_language(str(getattr(info, "system_title", "")), str(getattr(info, "system_en", "") or ""), _lang),
            in_language(str(getattr(info, "title", "")), str(getattr(info, "en", "") or ""), _lang))


def named(thing: object) -> str:
    """A recipe's, system's or bundle's title (a case field's ``zh`` label) in the UI's language: its ``en:``
    label in English where the recipe author gave one (``recipe.model.in_language``)."""
    from clerkdesk.recipe.model import in_language

    zh = str(getattr(thing, "title", None) or getattr(thing, "zh", ""))
    return in_language(zh, str(getattr(thing, "en", "") or ""), _lang)


def said(text: object, info: object = None) -> str:
    """Words for the clerk that came from the core (``recipe.said.Said``) in the UI's language: a recipe's message
    in English where the recipe gives its ``en:``; an engine notice translated from its template and parameters
    (``{system}`` named as this UI names the run's system, from INFO); anything else as it is."""
    key = str(getattr(text, "key", "") or "")
    if _lang == "en" and getattr(text, "en", ""):
        return str(text.en)  # type: ignore[attr-defined]
    if key:
        params = dict(getattr(text, "params", {}) or {})
        if info is not None and "system" in params:
            params["system"] = run_names(info)[0]
        return tr(key, **params)
    return str(text)


def tr(zh: str, **kw: object) -> str:
    """The UI text for Chinese source string ZH in the current language; ``{name}`` fields filled from KW."""
    text = zh
    if _lang != "zh":
        if _translator is not None:
            from PySide6.QtCore import QCoreApplication

            text = QCoreApplication.translate(CONTEXT, zh)
        if text == zh:
            text = _fallback.get(zh, zh)
    return text.format(**kw) if kw else text


def write_ts(path: Path = HERE / "en.ts") -> Path:
    """Write the Qt Linguist file from ``EN``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = "".join(f"    <message>\n        <source>{escape(k)}</source>\n"
                   f"        <translation>{escape(v)}</translation>\n    </message>\n" for k, v in EN.items())
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                    f'<TS version="2.1" language="en" sourcelanguage="zh_CN">\n<context>\n'
                    f"    <name>{CONTEXT}</name>\n{rows}</context>\n</TS>\n", encoding="utf-8")
    return path


def build(lrelease: str | None = None) -> Path:
    """Regenerate en.ts and compile en.qm (needs pyside6-lrelease)."""
    ts = write_ts()
    exe = lrelease or shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    if not os.path.exists(exe):
        raise SystemExit("pyside6-lrelease not found")
    subprocess.run([exe, "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
    return ts.with_suffix(".qm")


if __name__ == "__main__":
    print(build())
