"""The 公积金 applicant and case the desktop fill tests share (the sandbox gjj client's 个人开户).

A helper module, not a test module, so other test files import it without re-importing a test file.
"""

from __future__ import annotations

from clerkdesk.records.standards import id_check_digit

PERSON = {"name": "欧阳娜娜", "id_number": "11010519491231002" + id_check_digit("11010519491231002"),
          "ethnicity": "土家族", "phone": "13800138000", "marital_status": "已婚",
          "current_address": "北京市朝阳区建国路88号SOHO现代城2号楼1单元1203室"}
CASE = {"employer": "北京市朝阳区人力资源和社会保障局", "employer_account": "100200300400", "personal_rate": "8%",
        "monthly_base": "8500.50", "opened_on": "2026-11-01"}
