"""The rest of the recipe vocabulary, run by the engine against a small local page built to need each word."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.local_site import QuietHandler, run_recipe, serve, write_system

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><meta charset=utf-8><title>综合受理</title></head><body>
<h1>综合受理</h1>
<form id=f method=post action=/save enctype=multipart/form-data>
 <table><tr><td>申请人：</td><td><input name=f1></td><td>证件号码：</td><td><input name=f2></td></tr></table>
 <input name=f3 placeholder="请输入联系电话">
 <div id=members></div>
 <button type=button id=add onclick="addMember()">添加家庭成员</button>
 <label><input type=checkbox name=f4 value=1> 同意授权</label>
 <input type=file name=f5 aria-label=附件>
 <input name=f6 id=f6 readonly>
 <button type=button onclick="document.getElementById('f6').value = prompt('请输入经办备注') || ''">填写备注</button>
 <button type=button onclick="if (!confirm('清空表单？')) document.body.dataset.kept='1'">清空</button>
 <div id=busy>正在加载…</div>
 <button type=submit>保存</button>
</form>
<script>
 let n = 0;
 function addMember() { const i = n++; const d = document.createElement('div');
   d.innerHTML = '<span>成员' + (i + 1) + '姓名</span><input name="m' + i + '">'; members.appendChild(d); }
 setTimeout(() => document.getElementById('busy').remove(), 700);
</script></body></html>"""


class Server:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        outer = self

        class H(QuietHandler):
            def do_GET(self) -> None:
                time.sleep(0.3)  # a slow system
                self.send_html(PAGE if self.path == "/form" else "<p>首页</p>")

            def do_POST(self) -> None:
                from email.parser import BytesParser
                from email.policy import HTTP

                body = self.rfile.read(int(self.headers["Content-Length"]))
                head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
                msg = BytesParser(policy=HTTP).parsebytes(head + body)
                rec: dict[str, Any] = {}
                for part in msg.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    data = part.get_payload(decode=True) or b""
                    fname = part.get_filename()
                    rec[name] = {"filename": fname, "size": len(data)} if fname else data.decode("utf-8")
                outer.posts.append(rec)
                self.send_html(f"<p>保存成功</p><p>流水号：ZH{len(outer.posts):06d}</p>")


        self.httpd, self.url = serve(H)


RECIPE = """recipe: local.vocabulary
title: 词汇测试
system: local
fields:
  case.members: {zh: 家庭成员, kind: list}
  case.attachment: {zh: 附件}
steps:
  - open: /form
  - wait: {text: 正在加载, gone: true}
  - fill: {label: 申请人, value: "{{ person.name }}"}
  - fill: {xpath: "//td[normalize-space()='证件号码：']/following-sibling::td[1]/input", value: "{{ person.id_number }}"}
  - fill: {placeholder: 请输入联系电话, value: "{{ person.phone | fullwidth | halfwidth }}"}
  - each:
      items: "{{ case.members }}"
      as: member
      steps:
        - click: {role: button, name: 添加家庭成员}
        - fill: {label: "成员{{ loop_index + 1 }}姓名", value: "{{ member }}"}
  - check: {label: 同意授权}
  - upload: {label: 附件, file: "{{ case.attachment }}"}
  - dialog: {action: accept, prompt: "{{ person.name | pinyin('initials') }}"}
  - click: {text: 填写备注}
  - dialog: dismiss
  - click: {text: 清空}
  - when:
      shown: {element: {css: "body[data-kept='1']"}}
      steps:
        - screenshot: 未清空
      else:
        - expect: {text: 永远不会出现的文字}
  - submit: {click: {css: "button[type=submit]"}}
  - expect: {text: 保存成功}
  - capture: {serial: {after: 流水号, pattern: "ZH\\\\d+"}}
"""


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Any]:
    srv = Server()
    yield srv, write_system(tmp_path / "recipes", "local", srv.url)
    srv.httpd.shutdown()


def test_every_word_of_the_vocabulary_against_a_real_page(local: Any, desk: Any, tmp_path: Path) -> None:
    srv, folder = local
    attachment = tmp_path / "证明.pdf"
    attachment.write_bytes(b"%PDF-1.4 test\n" * 10)
    context = {"person": {"name": "王小明", "id_number": "11010519491231002X", "phone": "13812345678"},
               "case": {"members": ["王大明", "李小红"], "attachment": str(attachment)}}
    out, rid = run_recipe(desk, folder, "local", "vocabulary", RECIPE, context)
    assert out.status == "succeeded", out.message
    (post,) = srv.posts
    assert post["f1"] == "王小明" and post["f2"] == "11010519491231002X" and post["f3"] == "13812345678"
    assert (post["m0"], post["m1"]) == ("王大明", "李小红")
    assert post["f4"] == "1"
    assert post["f5"] == {"filename": "证明.pdf", "size": 140}
    assert post["f6"] == "WXM"
    assert out.receipts == {"serial": "ZH000001"}
    assert [e["name"] for e in desk.store.runs.evidence(rid)][:1] == ["未清空"]
    json.dumps(post)


# --- locator scoping (within, nth), frames by url and css, an ARIA combobox with a late suggest list ----------

SCOPES_PAGE = """<!doctype html><html><head><meta charset=utf-8><title>范围测试</title></head><body>
<form id=f method=post action=/save>
 <div id=a><span>姓名</span><input name=a_name></div>
 <div id=b><span>姓名</span><input name=b_name></div>
 <table><tr><td>电话</td><td><input name=tel0></td><td>电话</td><td><input name=tel1></td></tr></table>
 <input class=m name=m0><input class=m name=m1><input class=m name=m2>
 <div id=pa><button type=button onclick="picked.value='a'">选择</button></div>
 <div id=pb><button type=button onclick="picked.value='b'">选择</button></div>
 <input type=hidden name=picked id=picked><input type=hidden name=from_a id=from_a><input type=hidden name=from_b id=from_b>
 <label for=bank>开户银行</label>
 <input id=bank role=combobox aria-autocomplete=list aria-expanded=false aria-controls=bank-list autocomplete=off>
 <ul id=bank-list role=listbox hidden></ul>
 <input type=hidden name=bank_code id=bank_code>
 <button type=submit>保存</button>
</form>
<iframe src="/inner?which=a"></iframe><iframe class=second src="/inner?which=b"></iframe>
<script>
 const bank = document.getElementById('bank'), list = document.getElementById('bank-list');
 let asked = 0;
 bank.addEventListener('input', () => {            // a server-side suggest: the list arrives late
   const q = bank.value, mine = ++asked;
   bank_code.value = '';
   fetch('/suggest?q=' + encodeURIComponent(q)).then(r => r.json()).then(items => {
     if (mine !== asked) return;
     list.innerHTML = '';
     for (const [code, name] of items) {
       const li = document.createElement('li');
       li.setAttribute('role', 'option'); li.textContent = name;
       li.onclick = () => { bank.value = name; bank_code.value = code; list.hidden = true;
                            bank.setAttribute('aria-expanded', 'false'); };
       list.appendChild(li);
     }
     list.hidden = !items.length; bank.setAttribute('aria-expanded', String(!!items.length));
   });
 });
</script></body></html>"""

INNER = """<!doctype html><html><head><meta charset=utf-8></head><body>
<label for=x>备注</label><input id=x oninput="parent.document.getElementById('from_{which}').value = this.value">
</body></html>"""

BANKS = [("102", "中国工商银行"), ("102110", "中国工商银行北京分行"), ("103", "中国农业银行"), ("104", "中国银行")]


class ScopesServer:
    def __init__(self) -> None:
        self.posts: list[dict[str, str]] = []
        outer = self

        class H(QuietHandler):
            def do_GET(self) -> None:
                from urllib.parse import parse_qs, urlsplit

                u = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(u.query).items()}
                if u.path == "/suggest":
                    time.sleep(0.5)  # the suggest service is slow: the list appears well after the typing
                    hits = [b for b in BANKS if q.get("q") and q["q"] in b[1]]
                    self.send_html(json.dumps(hits, ensure_ascii=False), "application/json")
                elif u.path == "/inner":
                    self.send_html(INNER.replace("{which}", q["which"]))
                else:
                    self.send_html(SCOPES_PAGE if u.path == "/scopes" else "<p>首页</p>")

            def do_POST(self) -> None:
                from urllib.parse import parse_qsl

                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                outer.posts.append(dict(parse_qsl(body, keep_blank_values=True)))
                self.send_html("<p>保存成功</p>")


        self.httpd, self.url = serve(H)


SCOPES_RECIPE = """recipe: local.scopes
title: 范围测试
system: local
steps:
  - open: /scopes
  - fill: {label: 姓名, within: "#b", value: 李四}
  - fill: {label: 姓名, value: 张三}
  - fill: {label: 电话, nth: 1, value: "13900002222"}
  - fill: {label: 电话, value: "13900001111"}
  - fill: {css: input.m, nth: 2, value: 第三}
  - click: {role: button, name: 选择, within: "#pb"}
  - frame:
      url: which=b
      steps:
        - fill: {label: 备注, value: 乙框}
  - frame:
      css: iframe.second
      steps:
        - expect: {element: {label: 备注}}
  - frame:
      css: "iframe:not(.second)"
      steps:
        - fill: {label: 备注, value: 甲框}
  - choose: {label: 开户银行, value: 中国工商银行}
  - expect: {element: {role: listbox}, gone: true, message: 开户银行的候选列表应已收起}
  - submit: {click: {role: button, name: 保存}}
  - expect: {text: 保存成功}
"""


@pytest.fixture
def scopes(tmp_path: Path) -> Iterator[Any]:
    srv = ScopesServer()
    yield srv, write_system(tmp_path / "recipes", "local", srv.url)
    srv.httpd.shutdown()


def _run(folder: Path, desk: Any, name: str, text: str) -> Any:
    return run_recipe(desk, folder, "local", name, text, {"person": {}, "case": {}})[0]


def test_within_nth_frames_by_url_and_css_and_a_late_combobox(scopes: Any, desk: Any) -> None:
    srv, folder = scopes
    out = _run(folder, desk, "scopes", SCOPES_RECIPE)
    assert out.status == "succeeded", out.message
    (post,) = srv.posts
    assert (post["a_name"], post["b_name"]) == ("张三", "李四")  # within limits the label search to #b
    assert (post["tel0"], post["tel1"]) == ("13900001111", "13900002222")  # nth picks the second 电话
    assert (post["m0"], post["m1"], post["m2"]) == ("", "", "第三")
    assert post["picked"] == "b"
    assert (post["from_a"], post["from_b"]) == ("甲框", "乙框")  # each frame got its own value
    assert post["bank_code"] == "102"  # the exact option, picked from the list that arrived 0.5 s later


def test_a_failed_expect_says_the_recipe_authors_message_and_the_cause(scopes: Any, desk: Any) -> None:
    _, folder = scopes
    out = _run(folder, desk, "expect", "recipe: local.expect\ntitle: 提示测试\nsystem: local\nsteps:\n"
               "  - open: /scopes\n"
               "  - expect: {text: 受理成功, message: 系统没有显示受理成功，请查看页面上的提示, timeout: 1}\n")
    assert out.status == "failed"
    assert "系统没有显示受理成功，请查看页面上的提示 — text '受理成功' not shown within 1s on http" in out.message
    assert "expect.yaml:6:5" in out.message
