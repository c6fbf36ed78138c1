"""Every fault, in both systems, set in-process and over HTTP."""

from __future__ import annotations

import json
import re
import time

import pytest
from sandbox_helpers import EMPLOYMENT_OK, ENTERPRISE_CHANGE_OK, AmrClient, Client, HrssClient, Reply

from clerkdesk.sandbox.web import FaultError, WebSandbox


def submit(system: str, client: Client) -> Reply:
    if isinstance(client, HrssClient):
        return client.submit("/employment/new", EMPLOYMENT_OK)
    return client.post("/qybg/save.do", ENTERPRISE_CHANGE_OK)


def accepted(system: str, r: Reply) -> bool:
    return r.status == 303 if system == "hrss" else (r.status == 200 and "提交成功" in r.text)


@pytest.fixture(params=["hrss", "amr"])
def system(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(system: str, sandbox: WebSandbox) -> Client:
    c: Client = HrssClient(sandbox) if system == "hrss" else AmrClient(sandbox)
    c.login()
    return c


FORM_PAGE = {"hrss": "/employment/new", "amr": "/qybg/input.jsp"}


def test_slow(system: str, sandbox: WebSandbox, client: Client) -> None:
    sandbox.set_fault(system, "slow", ms=700)
    start = time.monotonic()
    assert client.get(FORM_PAGE[system]).status == 200
    assert time.monotonic() - start >= 0.7
    sandbox.clear_faults(system)
    start = time.monotonic()
    client.get(FORM_PAGE[system])
    assert time.monotonic() - start < 0.6


def test_submit500_records_nothing(system: str, sandbox: WebSandbox, client: Client) -> None:
    before = len(sandbox.submissions(system))
    sandbox.set_fault(system, "submit500")
    r = submit(system, client)
    assert r.status == 500
    assert ("系统繁忙" in r.text) if system == "hrss" else ("HTTP Status 500" in r.text)
    assert len(sandbox.submissions(system)) == before
    sandbox.clear_faults(system)
    assert accepted(system, submit(system, client))


def test_submit500_recorded_records_then_fails(system: str, sandbox: WebSandbox, client: Client) -> None:
    before = len(sandbox.submissions(system))
    sandbox.set_fault(system, "submit500_recorded")
    r = submit(system, client)
    assert r.status == 500
    entries = sandbox.submissions(system)
    assert len(entries) == before + 1
    assert entries[-1]["fields"]["txt_01" if system == "amr" else "aac003"] in (
        "成都蓉锦商贸有限公司",
        "李晓明",
    )


def test_faults_with_times_clear_themselves(system: str, sandbox: WebSandbox, client: Client) -> None:
    sandbox.set_fault(system, "submit500", times=1)
    assert submit(system, client).status == 500
    assert accepted(system, submit(system, client))


def test_expire(system: str, sandbox: WebSandbox, client: Client) -> None:
    sandbox.set_fault(system, "expire")
    r = client.get(FORM_PAGE[system])
    if system == "hrss":
        assert r.status == 303 and r.location.startswith("/login?timeout=1")
        assert "登录超时，请重新登录" in client.get(r.location).text
    else:
        assert "登录超时，请重新登录" in r.text
    client.login()
    assert client.get(FORM_PAGE[system]).status == 200 and accepted(system, submit(system, client))


def test_expire_also_stops_a_submit(system: str, sandbox: WebSandbox, client: Client) -> None:
    before = len(sandbox.submissions(system))
    if isinstance(client, HrssClient):
        token = client.token("/employment/new")
        sandbox.set_fault(system, "expire")
        r = client.post("/employment/new", [("_token", token), *EMPLOYMENT_OK.items()])
        assert r.status == 303 and "timeout=1" in r.location
    else:
        sandbox.set_fault(system, "expire")
        assert "登录超时" in submit(system, client).text
    assert len(sandbox.submissions(system)) == before


def test_layout_hrss(sandbox: WebSandbox, hrss: HrssClient) -> None:
    normal = hrss.get("/employment/new").text
    sandbox.set_fault("hrss", "layout")
    changed = hrss.get("/employment/new").text
    assert ">姓名<" in normal and "姓名" not in changed
    assert '<label for="aac003">名称（个人）</label>' in changed

    def order(page: str) -> list[str]:
        return re.findall(r'data-field="(\w+)"', page)

    assert order(changed) != order(normal) and sorted(order(changed)) == sorted(order(normal))
    r = hrss.submit("/employment/new", EMPLOYMENT_OK)
    assert r.status == 303
    assert sandbox.submissions("hrss")[-1]["labels"]["aac003"] == "名称（个人）"
    assert "请填写名称（个人）" in hrss.submit("/employment/new", {}).text


def test_layout_amr(sandbox: WebSandbox, amr: AmrClient) -> None:
    normal = amr.get("/qybg/input.jsp").text
    sandbox.set_fault("amr", "layout")
    changed = amr.get("/qybg/input.jsp").text
    assert "企业名称：" in normal and "企业名称" not in changed and "市场主体名称：" in changed
    assert re.findall(r'name="(txt_\d+)"', changed) != re.findall(r'name="(txt_\d+)"', normal)
    assert "经营者姓名" not in amr.get("/gtkydj/input.jsp").text


def test_faults_over_http(system: str, sandbox: WebSandbox, client: Client) -> None:
    def call(method: str, payload: object = None) -> tuple[int, dict[str, object]]:
        body = json.dumps(payload).encode() if payload is not None else None
        r = client.request(method, "/__sandbox/faults", body, "application/json")
        return r.status, json.loads(r.body)

    status, data = call("POST", {"fault": "submit500", "times": 2})
    assert status == 200 and data["faults"] == {"submit500": {"times": 2}}
    assert submit(system, client).status == 500
    assert call("GET")[1]["faults"] == {"submit500": {"times": 1}}
    assert call("DELETE") == (200, {"faults": {}})
    assert accepted(system, submit(system, client))
    status, data = call("POST", {"fault": "nonsense"})
    assert status == 400 and "unknown fault" in str(data["error"])
    assert call("POST", {"ms": 3})[0] == 400
    call("POST", {"fault": "slow", "ms": 300})
    assert sandbox.app(system).faults.get("slow") == {"ms": 300}


def test_bad_faults_are_refused(sandbox: WebSandbox) -> None:
    with pytest.raises(FaultError, match="unknown fault"):
        sandbox.set_fault("hrss", "explode")
    with pytest.raises(FaultError):
        sandbox.set_fault("amr", "slow", ms=-1)
    with pytest.raises(ValueError, match="unknown sandbox system"):
        sandbox.set_fault("tax", "slow")
