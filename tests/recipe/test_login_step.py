"""The recipe's `login` step, as lint sees it: the credential's names exist only inside a login, a login only
types and clicks, and the shipped recipes (which use it) stay valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerkdesk.errors import RecipeError
from clerkdesk.recipe.loader import load_recipe
from clerkdesk.recipe.systems import System

SYSTEM = System("local", "本地", "web", mark=None, start_url="http://127.0.0.1:9/",  # type: ignore[arg-type]
                origins=("http://127.0.0.1:9",))
LOGIN = """  - login:
      message: 请登录
      until: {text: 退出登录}
      captcha: {element: {label: 验证码}}
      steps:
        - fill: {label: 用户名, value: "{{ login.username }}"}
        - fill: {label: 密码, value: "{{ login.password }}"}
"""


def _load(tmp_path: Path, steps: str) -> object:
    p = tmp_path / "local" / "r.yaml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("recipe: local.r\ntitle: r\nsystem: local\nsteps:\n" + steps, encoding="utf-8")
    return load_recipe(p, {"local": SYSTEM})


def test_a_login_block_loads(tmp_path: Path) -> None:
    r = _load(tmp_path, LOGIN + "        - click: {role: button, name: 登录}\n")
    step = r.steps[0]  # type: ignore[attr-defined]
    assert step.kind == "login" and [s.kind for s in step.children["steps"]] == ["fill", "fill", "click"]


def test_the_credential_is_not_a_field_outside_a_login(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match="login"):
        _load(tmp_path, '  - fill: {label: 备注, value: "{{ login.password }}"}\n')


@pytest.mark.parametrize("inner", ['        - submit: {click: {text: 提交}}\n', '        - confirm: 请核对\n',
                                   '        - capture: {receipt: {after: 编号}}\n'])
def test_a_login_only_types_and_clicks(tmp_path: Path, inner: str) -> None:
    with pytest.raises(RecipeError, match="login steps only type and click"):
        _load(tmp_path, LOGIN + inner)


def test_a_login_needs_until(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match="until"):
        _load(tmp_path, "  - login: {message: 请登录}\n")


def test_the_shipped_recipes_lint_clean() -> None:
    from clerkdesk.config import recipes_dir
    from clerkdesk.recipe.lint import lint

    errors, _ = lint([recipes_dir()], None)
    assert errors == []
