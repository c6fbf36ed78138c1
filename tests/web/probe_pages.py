"""The probe/recorder test page (a table layout, a frame, split date selects, a label used twice, a radio group, a
hidden tab), its system file and a clerk who never logs in: shared by test_web_probe.py and test_recorder.py, so
neither test module imports the other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clerkdesk.recipe.systems import System, load_system

FORM = """<!doctype html><html><head><meta charset=utf-8><title>登记</title></head><body>
<form method=post action=/save>
<table>
 <tr><td><font color=red>*</font>姓名：</td><td><input name=txt_01></td>
     <td>性别：</td><td><label><input type=radio name=xb value=1>男</label><label><input type=radio name=xb value=2>女</label></td></tr>
 <tr><td>出生日期：</td><td><select name=y><option value="">年</option><option>1989</option><option>1990</option></select>
     <select name=m><option value="">月</option><option>1</option><option>2</option></select>
     <select name=d><option value="">日</option><option>27</option><option>28</option></select></td>
     <td>户口性质：</td><td><select name=txt_04><option value="">请选择</option><option value="1">农业户口</option>
     <option value="2">非农业户口</option></select></td></tr>
</table>
<fieldset><legend>本人</legend><p>电话：<input name=tel1></p></fieldset>
<fieldset><legend>紧急联系人</legend><p>电话：<input name=tel2></p></fieldset>
<p><label for=start>开始日期</label><input type=date id=start name=start></p>
<p><label><input type=checkbox name=agree value=1> 同意授权</label></p>
<div id=tab2 style="display:none">备注：<input name=memo></div>
<iframe name=extra src="/extra"></iframe>
<button type=submit>提 交</button>
</form></body></html>"""

EXTRA = """<!doctype html><html><head><meta charset=utf-8></head><body>
<label>单位名称<input name=org></label></body></html>"""


def probe_system(folder: Path, url: str) -> System:
    (folder / "systems").mkdir(parents=True, exist_ok=True)
    (folder / "systems" / "newsys.yaml").write_text(
        f"system: newsys\ntitle: 新系统\nkind: web\nstart_url: {url}/\norigins: [\"{url}\"]\n"
        "codes:\n  hukou_type: {rural: \"1\", urban: \"2\", resident: \"2\"}\n", encoding="utf-8")
    return load_system(folder / "systems" / "newsys.yaml")


class NoLogin:
    def human(self, *a: Any) -> None:
        raise AssertionError("no login on this page")


# labels that are bare text in a fieldset or form (no element of their own), and a popup window the page opens
BARE = """<!doctype html><html><head><meta charset=utf-8><title>通讯</title></head><body>
<form method=post action=/save><fieldset><legend>通讯地址</legend>邮编：<input name=zip> 地址：<input name=addr></fieldset>
单位电话：<input name=worktel>
<button type=submit>保 存</button></form>
<script>window.open('/pick', 'pick', 'width=480,height=320')</script></body></html>"""

PICK = """<!doctype html><html><head><meta charset=utf-8><title>地址选择</title></head><body>
<form>详细地址：<input name=detail><button type=button onclick="window.close()">确定</button></form></body></html>"""
