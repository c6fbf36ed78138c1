"""The machine policy (/etc/clerkdesk/config.toml): what it fixes cannot be changed by a user, supervisors are
OS groups and not a ``--clerk`` claim, and every mistake in it names file:line.

Real policy files in temp folders, the real ``clerkdesk`` command as a subprocess, the real groups of this test
process. ``CLERKDESK_POLICY`` points at the test's file: allowed here because this machine has no policy of its
own (the test that it is refused under a strict machine policy moves the machine policy's place instead).
"""

from __future__ import annotations

import getpass
import grp
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerkdesk import config
from clerkdesk.errors import ConfigError

CLI = str(Path(sys.executable).parent / "clerkdesk")
PILOT = "91110000600037341M"  # fails its MOD 31 check: only a supervisor may whitelist it


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=60)


def my_group() -> str:
    return grp.getgrgid(os.getgid()).gr_name


def a_group_i_am_not_in() -> str:
    mine = config.os_groups()
    return next(g.gr_name for g in grp.getgrall() if g.gr_name not in mine)


@pytest.fixture
def policy_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose policy file is tmp/policy.toml (written by each test), with no CLERKDESK_HOME."""
    env = {k: v for k, v in os.environ.items() if k not in ("CLERKDESK_HOME", "CLERKDESK_SUPERVISORS")}
    pol = tmp_path / "policy.toml"
    env["CLERKDESK_POLICY"] = str(pol)
    return env, pol


def test_this_machine_has_no_policy_of_its_own() -> None:
    # the premise of the tests below: CLERKDESK_POLICY is honoured only where no machine policy forbids it
    assert not config.system_policy_path().exists()


def test_the_policy_fixes_data_keys_recipes_and_browser(policy_env: tuple[dict[str, str], Path],
                                                        tmp_path: Path) -> None:
    env, pol = policy_env
    recipes = Path(__file__).resolve().parents[2] / "recipes"
    pol.write_text(f'data_dir = "{tmp_path}/data/{{user}}"\nkey_dir = "{tmp_path}/keys/{{user}}"\n'
                   f'recipes = "{recipes}"\nbrowser = "/usr/bin/chromium"\n'
                   f'upstream_proxy = "http://10.1.2.3:3128"\n', encoding="utf-8")
    p = run(env, "--json", "config")
    assert p.returncode == 0, p.stderr
    rows = {r["key"]: (r["value"], r["source"]) for r in json.loads(p.stdout)["settings"]}
    user = getpass.getuser()
    assert rows["data_dir"] == (f"{tmp_path}/data/{user}", "policy")
    assert rows["recipes"] == (str(recipes), "policy")
    assert rows["browser"] == ("/usr/bin/chromium", "policy")
    assert rows["upstream_proxy"] == ("http://10.1.2.3:3128", "policy")
    assert rows["keyring"][0] == "no"  # a fixed key folder means key files, never the keyring
    # a real store opened under the policy puts its data and its key where the policy says
    p = run(env, "check", "id", "11010519491231002X")
    assert p.returncode == 0, p.stderr
    p = run(env, "person", "add", "--json", str(_person(tmp_path)))
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "data" / user / "clerkdesk.db").exists()
    # the key, and the audit chain's anchor that lives beside it (docs/security.md)
    assert sorted(k.suffix for k in (tmp_path / "keys" / user).iterdir()) == [".audit-head", ".key"]
    assert run(env, "audit", "verify").returncode == 0


def _person(tmp: Path) -> Path:
    f = tmp / "person.json"
    f.write_text(json.dumps({"name": "张三", "id_number": "11010519491231002X", "phone": "13812345678"}),
                 encoding="utf-8")
    return f


@pytest.mark.parametrize(("var", "value", "key"), [
    ("CLERKDESK_HOME", "/tmp/elsewhere", "data_dir"),
    ("CLERKDESK_KEY_FILE", "/tmp/my.key", "key_dir"),
    ("CLERKDESK_BROWSER", "/usr/bin/false", "browser"),
    ("CLERKDESK_RECIPES", "/tmp/my-recipes", "recipes"),
])
def test_a_user_cannot_change_what_the_policy_fixes(policy_env: tuple[dict[str, str], Path], tmp_path: Path,
                                                    var: str, value: str, key: str) -> None:
    env, pol = policy_env
    pol.write_text(f'# the hall\'s policy\ndata_dir = "{tmp_path}/data"\nkey_dir = "{tmp_path}/keys"\n'
                   f'browser = "/usr/bin/chromium"\nrecipes = "{tmp_path}/recipes"\n', encoding="utf-8")
    line = {"data_dir": 2, "key_dir": 3, "browser": 4, "recipes": 5}[key]
    p = run(dict(env, **{var: value}), "config")
    assert p.returncode == 2
    assert f"{pol}:{line}: {key} is set by the machine policy; {var} may not change it" in p.stderr
    assert "Traceback" not in p.stderr


def test_home_on_the_command_line_cannot_change_it_either(policy_env: tuple[dict[str, str], Path],
                                                          tmp_path: Path) -> None:
    env, pol = policy_env
    pol.write_text(f'data_dir = "{tmp_path}/data"\n', encoding="utf-8")
    p = run(env, "--home", str(tmp_path / "mine"), "audit", "verify")
    assert p.returncode == 2 and f"{pol}:1: data_dir is set by the machine policy" in p.stderr
    assert not (tmp_path / "mine").exists()
    # the same folder as the policy's is no change, so it is fine
    assert run(env, "--home", str(tmp_path / "data"), "audit", "verify").returncode == 0


def test_allow_environment_hands_the_settings_back(policy_env: tuple[dict[str, str], Path],
                                                   tmp_path: Path) -> None:
    env, pol = policy_env
    pol.write_text(f'allow_environment = true\ndata_dir = "{tmp_path}/data"\n', encoding="utf-8")
    p = run(dict(env, CLERKDESK_HOME=str(tmp_path / "dev")), "--json", "config")
    rows = {r["key"]: (r["value"], r["source"]) for r in json.loads(p.stdout)["settings"]}
    assert rows["data_dir"] == (str(tmp_path / "dev"), "environment")


def test_supervisors_are_an_os_group_not_a_clerk_claim(policy_env: tuple[dict[str, str], Path],
                                                       tmp_path: Path) -> None:
    env, pol = policy_env
    env["CLERKDESK_HOME"] = str(tmp_path / "data")  # not fixed by this policy: the variable still works
    (tmp_path / "data").mkdir()  # an existing data folder (a new one would need --create)
    other = a_group_i_am_not_in()
    pol.write_text(f'supervisor_groups = ["{other}"]\n', encoding="utf-8")
    # the claim: a clerk named as a supervisor in the variable, acting under that name — refused
    claim = dict(env, CLERKDESK_SUPERVISORS="王主管", CLERKDESK_CLERK="王主管")
    p = run(claim, "whitelist-uscc", PILOT, "--note", "已核对营业执照原件")
    assert p.returncode == 1, p.stdout
    assert "只有主管可以" in p.stderr and f"supervisor groups {other}" in p.stderr and f"{pol}:1" in p.stderr
    p = run(claim, "--clerk", "王主管", "whitelist-uscc", PILOT, "--note", "已核对营业执照原件")
    assert p.returncode == 1
    assert run(env, "check", "uscc", PILOT).returncode == 1  # nothing was whitelisted
    # the OS group this test process really has: allowed, whatever name the clerk gives
    pol.write_text(f'supervisor_groups = ["{other}", "{my_group()}"]\n', encoding="utf-8")
    p = run(dict(env, CLERKDESK_CLERK="窗口三号"), "whitelist-uscc", PILOT, "--note", "已核对营业执照原件")
    assert p.returncode == 0, p.stderr
    assert run(env, "check", "uscc", PILOT).returncode == 0
    assert run(env, "audit", "verify").returncode == 0
    from clerkdesk.store import Store

    s = Store.open(tmp_path / "data")
    actions = [(r["actor"], r["action"]) for r in s.audit.rows()]
    s.close()
    assert actions.count(("王主管", "uscc_whitelist_refused")) == 2 and ("窗口三号", "uscc_whitelisted") in actions


def test_an_empty_group_list_makes_nobody_a_supervisor(policy_env: tuple[dict[str, str], Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _, pol = policy_env
    pol.write_text("supervisor_groups = []\n", encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_POLICY", str(pol))
    assert config.supervisor_groups() == ()
    assert "none of the supervisor groups (none)" in (config.supervisor_refusal("anyone") or "")


def test_config_shows_whether_i_am_a_supervisor(policy_env: tuple[dict[str, str], Path]) -> None:
    env, pol = policy_env
    pol.write_text(f'supervisor_groups = ["{my_group()}"]\n', encoding="utf-8")
    p = run(env, "config")
    assert p.returncode == 0, p.stderr
    assert "you are a supervisor" in p.stdout and "yes" in p.stdout and my_group() in p.stdout


@pytest.mark.parametrize(("text", "message"), [
    ('supervisor_group = ["x"]\n', ":1: supervisor_group: unknown setting (did you mean supervisor_groups?)"),
    ('\n\ndata_dir = 5\n', ":3: data_dir: must be a string, not number"),
    ('recipes = "share/recipes"\n', ":1: recipes: must be an absolute path, not 'share/recipes'"),
    ('upstream_proxy = "10.1.2.3"\n', ":1: upstream_proxy: write it as http://host:port"),
    ('upstream_proxy = "http://proxy:99999"\n', ":1: upstream_proxy: not a proxy address"),
    ('supervisor_groups = "sup"\n', ":1: supervisor_groups: must be a list, not string"),
    ('supervisor_groups = ["", 3]\n', ":1: supervisor_groups: must be a list of group names"),
    ('keyring = "no"\n', ":1: keyring: must be a true/false, not string"),
    ('data_dir = "/x\n', ": not valid TOML: "),
])
def test_every_mistake_in_the_policy_names_its_place(policy_env: tuple[dict[str, str], Path], text: str,
                                                     message: str) -> None:
    env, pol = policy_env
    pol.write_text(text, encoding="utf-8")
    p = run(env, "check", "id", "11010519491231002X")  # even a command that needs no setting stops
    assert p.returncode == 2 and f"{pol}{message}" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr


def test_a_missing_policy_named_by_the_variable_is_an_error(policy_env: tuple[dict[str, str], Path]) -> None:
    env, pol = policy_env
    p = run(env, "config")
    assert p.returncode == 2 and f"{pol}: the machine policy cannot be read" in p.stderr


def test_the_variable_is_refused_under_a_strict_machine_policy(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    machine = tmp_path / "etc" / "config.toml"
    machine.parent.mkdir()
    machine.write_text(f'data_dir = "{tmp_path}/hall"\n', encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text(f'data_dir = "{tmp_path}/mine"\nallow_environment = true\n', encoding="utf-8")
    monkeypatch.setattr(config, "system_policy_path", lambda: machine)
    monkeypatch.setenv("CLERKDESK_POLICY", str(mine))
    with pytest.raises(ConfigError, match="CLERKDESK_POLICY is not allowed on this machine"):
        config.default_home()
    monkeypatch.delenv("CLERKDESK_POLICY")
    assert config.default_home() == tmp_path / "hall"
    machine.write_text(f'data_dir = "{tmp_path}/hall"\nallow_environment = true\n', encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_POLICY", str(mine))
    assert config.default_home() == tmp_path / "mine"


def test_without_a_policy_names_still_work_for_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLERKDESK_POLICY", raising=False)
    monkeypatch.setenv("CLERKDESK_SUPERVISORS", "王主管, 李组长")
    assert config.supervisor_refusal("李组长") is None
    assert "not named in CLERKDESK_SUPERVISORS" in (config.supervisor_refusal("窗口三号") or "")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('abdeikloprstuy_="[]#.,/\\ \n0123456789truefals{}')), max_size=80))
def test_any_text_is_a_policy_or_a_config_error(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    """Whatever an admin writes, ClerkDesk either understands it or says where it is wrong: no other
    exception escapes, so a broken policy can never crash the app into some half-configured state."""
    f = tmp_path_factory.mktemp("p") / "config.toml"
    f.write_text(text, encoding="utf-8")
    try:
        pol = config.load_policy(f)
    except ConfigError as e:
        assert str(e).startswith(str(f))
    else:
        assert set(pol.values) <= set(config.KEYS)


def test_registry_values_as_the_msi_and_group_policy_write_them() -> None:
    """HKLM\\Software\\Policies\\ClerkDesk → policy keys. The winreg reading itself needs Windows (never run
    here); this checks the conversion and that the same checks apply, with the pairs winreg would yield."""
    pairs = [("recipes", r"\\server\share\recipes"), ("supervisor_groups", r"HALL\主管, BUILTIN\Administrators"),
             ("keyring", 0), ("allow_environment", "false"), ("browser", "")]  # the MSI's empty value: unset
    raw = config.registry_values(lambda: pairs)
    assert raw == {"recipes": r"\\server\share\recipes", "supervisor_groups": [r"HALL\主管", r"BUILTIN\Administrators"],
                   "keyring": False, "allow_environment": False}
    pol = config._checked(config.Policy(Path("HKLM/Software/Policies/ClerkDesk")), raw)
    assert pol.values["supervisor_groups"] == (r"HALL\主管", r"BUILTIN\Administrators")
    with pytest.raises(ConfigError, match="recipes: must be an absolute path"):
        config._checked(config.Policy(Path("HKLM")), config.registry_values(lambda: [("recipes", "share")]))
    assert config.registry_values() == {}  # not Windows: no registry


def test_an_install_without_recipes_names_the_install_folder(tmp_path: Path) -> None:
    """A copy of the package with no ``recipes/`` anywhere near it (a wheel installed by ``pip --no-index``):
    the error names ``<prefix>/../recipes``, where an installer puts them, not a folder inside the package that no
    build ever fills."""
    shutil.copytree(Path(config.__file__).parent, tmp_path / "src" / "clerkdesk",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLERKDESK_")}
    env["PYTHONPATH"] = str(tmp_path / "src")
    prefix = tmp_path / "opt" / "venv"  # as the offline bundle installs: <dest>/venv beside <dest>/recipes
    code = (f"import sys; sys.prefix = {str(prefix)!r}\n"
            "from clerkdesk.config import recipes_dir; from clerkdesk.recipe.catalog import Catalog\n"
            "print(recipes_dir())\n"
            "try:\n    Catalog(recipes_dir())\nexcept Exception as e:\n    print(type(e).__name__, e)\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    folder, error = out.stdout.splitlines()[:2]
    assert Path(folder) == tmp_path / "opt" / "recipes"
    assert error.startswith("ConfigError no recipes at " + folder)
