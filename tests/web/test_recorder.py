"""`clerkdesk recipe record`: the supervisor (played here by Playwright, as a person would) fills a form once with a
sample record and clicks 提 交; nothing reaches the system, and the recorded recipe binds every value to its field,
lints clean, and fills the same form in a dry run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from probe_pages import EXTRA, FORM, NoLogin, probe_system

from clerkdesk.drivers import make_driver
from clerkdesk.recipe.lint import lint_paths
from clerkdesk.workbench.recipe_test import dry_run, load_for_test, sample_context
from clerkdesk.workbench.recorder import record_url
from tests.support.data import PERSON

pytestmark = pytest.mark.browser

SAMPLE = {"person": {"name": "欧阳娜娜", "id_number": PERSON["id_number"], "hukou_type": "rural",
                     "phone": "13912345678"},  # born 1990-02-28, sex 1 (from the ID number)
          "case": {"start": "2026-12-01", "org": "锦官城餐饮", "memo": "无"}}


@pytest.fixture
def site() -> Any:
    from tests.support.local_site import QuietHandler, serve

    posts: list[bytes] = []

    class H(QuietHandler):
        def do_GET(self) -> None:
            self.send_html(EXTRA if self.path == "/extra" else FORM)

        def do_POST(self) -> None:
            posts.append(b"x")
            self.send_html("<p>已保存</p>")

    httpd, url = serve(H)
    yield url, posts
    httpd.shutdown()


def test_record_a_form_by_hand_and_get_a_recipe_that_fills_it(desk: Any, site: Any, tmp_path: Path) -> None:
    url, posts = site
    folder = tmp_path / "recipes"
    system = probe_system(folder, url)
    _, context = sample_context(SAMPLE)

    def supervisor(page: Any) -> None:  # what a person does in the browser window
        page.fill("input[name=txt_01]", "欧阳娜娜")
        page.check("input[name=xb][value='1']")  # 男: derived from the ID number
        page.select_option("select[name=y]", "1990")
        page.select_option("select[name=m]", "2")
        page.select_option("select[name=d]", "28")
        page.select_option("select[name=txt_04]", label="农业户口")
        page.fill("input[name=tel1]", "13912345678")
        page.fill("input[name=start]", "2026-12-01")
        page.frame(name="extra").fill("input[name=org]", "锦官城餐饮")
        page.click("text=提 交")  # by habit: blocked, remembered as the submit

    text = record_url(f"{url}/form", system, context, supervisor, home=desk.home, clerk="t", headless=True)
    assert posts == [], "nothing may be sent while recording"
    assert 'fill: {label: 姓名, value: "{{ person.name }}"}' in text
    assert "choose: {label: 户口性质, value: \"{{ person.hukou_type | code('hukou_type') }}\"}" in text
    assert 'fill: {label: 电话, value: "{{ person.phone }}"}' in text
    assert "fill: {label: 开始日期, value: \"{{ case.start | date('%Y-%m-%d') }}\"}" in text or \
        'fill: {label: 开始日期, value: "{{ case.start }}"}' in text
    assert 'name: "extra"' in text and '- fill: {label: 单位名称, value: "{{ case.org }}"}' in text
    assert 'submit: {click: {role: button, name: "提 交"}}' in text
    assert "choose: {label: 性别, value: \"{{ person.sex" in text  # the radio 男 bound to the derived sex
    assert "choose: {label: 出生日期, value: \"{{ person.birth_date | date('%Y') }}\"}" in text
    assert "value: \"{{ person.birth_date | date('%m') | int }}\"" in text  # month: no label, bound by value
    # the case fields it binds are declared, named by their labels, so the recorded recipe lints clean as written
    assert "fields:\n  case.start: {zh: 开始日期" in text and "  case.org: {zh: 单位名称}\n" in text
    recipe = folder / "newsys" / "recorded.yaml"
    recipe.parent.mkdir()
    recipe.write_text(text, encoding="utf-8")
    found = [str(e) for e in lint_paths([recipe], folder)]
    # the one thing a draft cannot know: what the system answers after its submit; lint says to add it
    assert [e for e in found if "nothing after this submit checks the system's answer" not in e] == [], text
    assert len(found) == ("submit:" in text), found
    r, s = load_for_test(str(recipe), folder, {})
    out = dry_run(r, s, context, NoLogin(), make_driver, home=desk.home, clerk_name="t")
    assert out.ok, [(x.what, x.message) for x in out.rows if x.status == "failed"]
    assert posts == []
