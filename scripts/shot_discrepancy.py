"""Photograph the discrepancy table (docs/img/discrepancy.png) as the sandbox demo shows it, offscreen.

The rows are the ones the terminal demo finds (the sandbox 人社's stale 户口性质 for the demo applicant), built by
the same comparison the engine runs; python scripts/shot_discrepancy.py [OUT.png]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from clerkdesk.config import recipes_dir
    from clerkdesk.desk.discrepancy import Row
    from clerkdesk.engine.discrepancy import compare
    from clerkdesk.engine.run import RunInfo
    from clerkdesk.recipe.systems import load_systems
    from clerkdesk.ui.qt_discrepancy import DiscrepancyDialog
    from clerkdesk.ui.style import apply as apply_style
    from clerkdesk.ui.workers import Ask, AskKind

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    hrss = load_systems(recipes_dir())["hrss"]
    diffs = compare({"person.hukou_type": "非农业户口", "person.current_address": "四川省成都市武侯区科华北路65号"},
                    {"person": {"hukou_type": "rural", "current_address": "四川省成都市武侯区科华北路65号"}}, hrss.codes)
    info = RunInfo("R-demo", "hrss.person-info-change", "人员基本信息变更", "hrss", hrss.title)
    ask = Ask(AskKind.DISCREPANCY, info, "系统中已有的信息与档案不一致，请逐项选择处理方式",  # as QtClerk asks
              rows=[Row(hrss.title, d, "2026-12-05") for d in diffs])
    dlg = DiscrepancyDialog(ask)
    dlg.resize(900, 300)
    dlg.show()
    app.processEvents()
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs/img/discrepancy.png"
    dlg.grab().save(str(out))
    from clerkdesk.testing.shots import palette_png

    print(out, palette_png(out), "bytes")
    dlg.hide()
    dlg.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
