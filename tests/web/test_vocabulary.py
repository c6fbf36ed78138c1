"""The rest of the recipe vocabulary, run by the engine against a small local page built to need each word."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from clerks import SandboxClerk

from clerkdesk.engine.plan import Target, plan_case
from clerkdesk.engine.run import Runner
from clerkdesk.recipe.loader import load_recipe
from clerkdesk.recipe.systems import load_system

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

        class H(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                time.sleep(0.3)  # a slow system
                self._send(PAGE if self.path == "/form" else "<p>首页</p>")

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
                self._send(f"<p>保存成功</p><p>流水号：ZH{len(outer.posts):06d}</p>")

            def _send(self, body: str) -> None:
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


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
    sysdir = tmp_path / "recipes" / "systems"
    sysdir.mkdir(parents=True)
    (sysdir / "local.yaml").write_text(f"system: local\ntitle: 本地测试系统\nkind: web\nstart_url: {srv.url}/\n",
                                       encoding="utf-8")
    yield srv, tmp_path / "recipes"
    srv.httpd.shutdown()


def test_every_word_of_the_vocabulary_against_a_real_page(local: Any, desk: Any, tmp_path: Path) -> None:
    srv, folder = local
    system = load_system(folder / "systems" / "local.yaml")
    rpath = folder / "local" / "vocabulary.yaml"
    rpath.parent.mkdir()
    rpath.write_text(RECIPE, encoding="utf-8")
    attachment = tmp_path / "证明.pdf"
    attachment.write_bytes(b"%PDF-1.4 test\n" * 10)
    # locator values can't be templates: check that the loader says so for the member label
    recipe = load_recipe(rpath, {"local": system})
    context = {"person": {"name": "王小明", "id_number": "11010519491231002X", "phone": "13812345678"},
               "case": {"members": ["王大明", "李小红"], "attachment": str(attachment)}}
    plan_case([recipe], {"local": system}, context)
    cid = desk.store.cases.create(matter="t", applicant_kind="person", applicant_key="k", record={}, targets=[],
                                  fields={}, profile_id=None)
    rid = desk.store.runs.create(cid, recipe.id, "local")
    from clerkdesk.drivers.web import PlaywrightDriver

    runner = Runner(desk.store.runs, SandboxClerk(), lambda t: PlaywrightDriver(), home=desk.home, clerk_name="t")
    out = runner.run(rid, Target(recipe, system), context)
    assert out.status == "succeeded", out.message
    (post,) = srv.posts
    assert post["f1"] == "王小明" and post["f2"] == "11010519491231002X" and post["f3"] == "13812345678"
    assert (post["m0"], post["m1"]) == ("王大明", "李小红")
    assert post["f4"] == "1"
    assert post["f5"] == {"filename": "证明.pdf", "size": 140}
    assert post["f6"] == "WXM"
    assert out.captures == {"serial": "ZH000001"}
    assert [e["name"] for e in desk.store.runs.evidence(rid)][:1] == ["未清空"]
    json.dumps(post)
