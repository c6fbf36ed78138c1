"""Which signed recipe set a run used is kept with the run, on SQLite and on PostgreSQL: a set published and
pulled for real (Ed25519), cases opened for real through the application layer, read back by ``clerkdesk runs``.

A run keeps the set it was opened with after a newer set is pulled; a recipe edited on the workstation after
the pull shows as ``+local``; an unpublished folder claims no set; runs stored before the migration read as
no set, and the migration applies over an earlier schema on both backends."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlite_utils import Database

from clerkdesk.config import recipes_dir
from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.records.standards import id_check_digit
from clerkdesk.store import Store
from clerkdesk.store.migrations import STEPS, migrations
from clerkdesk.store.pg import PgDatabase
from clerkdesk.workbench.recipe_sets import MANIFEST, SIGNATURE, generate_key, key_id, publish, pull, stamp

EMP = "hrss.employment-registration"
EMPLOYMENT = {"employer": "成都蓉城科技有限公司", "employer_uscc": "91110000600037341L", "start_date": "2026-11-01",
              "contract_term": "三年及以上", "post": "会计", "employment_form": "单位就业", "wage": "6500.50",
              "contract_signed": True, "postcode": "610041"}
NONE = {"set_id": None, "set_version": None, "set_sig": None}


def person(n: int) -> dict[str, str]:
    """A distinct valid applicant per case (one open case per citizen and matter)."""
    base = f"11010519491231{n:03d}"
    return {"name": "司徒雅琴", "id_number": base + id_check_digit(base), "ethnicity": "汉族", "hukou_type": "非农业",
            "education": "本科", "marital_status": "已婚", "hukou_region": "110105",
            "hukou_address": "北京市朝阳区建国路1号", "current_address": "北京市朝阳区建国路1号", "phone": "13911112222"}


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The store on each backend: the data folder's SQLite file, or a fresh PostgreSQL database."""
    if request.param == "postgresql":
        url = str(request.getfixturevalue("pg_url"))
        monkeypatch.setenv("CLERKDESK_DATABASE_URL", url)
        return url
    monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    return None


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path | str]:
    """A supervisor's source folder and key, a share with set 2026.12.1, and a workstation that pulled it."""
    src = tmp_path / "src"
    shutil.copytree(recipes_dir(), src)
    key = tmp_path / "supervisor.key"
    pub = generate_key(key)
    share = tmp_path / "share"
    publish(src, share, "2026.12.1", key)
    into = tmp_path / "ws" / "recipes"
    pull(share, into, [pub])
    monkeypatch.setenv("CLERKDESK_RECIPES", str(into))
    return {"src": src, "key": key, "pub": pub, "share": share, "into": into}


def _expected(folder: Path, pub: str, version: str) -> dict[str, str]:
    body = (folder / MANIFEST).read_bytes()
    sig = (folder / SIGNATURE).read_bytes().strip()
    return {"set_id": hashlib.sha256(body).hexdigest()[:16], "set_version": version,
            "set_sig": f"{key_id(pub)}:{hashlib.sha256(sig).hexdigest()[:16]}"}


def _open(home: Path, n: int) -> str:
    desk = Desk(home)
    try:
        res, _ = desk.open_case(CaseRequest("person", person(n), [EMP], dict(EMPLOYMENT)), FillOptions())
        return res.runs[EMP]
    finally:
        desk.close()


def test_each_run_keeps_the_set_and_version_it_used(backend: str | None, world: dict, home: Path) -> None:
    into, pub = world["into"], world["pub"]
    first = _open(home, 1)
    v1 = _expected(into, pub, "2026.12.1")
    # the supervisor fixes the recipe and publishes the next version; the workstation pulls it
    recipe = world["src"] / "hrss" / "employment-registration.yaml"
    recipe.write_text(recipe.read_text("utf-8") + "# fixed\n", encoding="utf-8")
    publish(world["src"], world["share"], "2026.12.2", world["key"])
    assert pull(world["share"], into, [pub]).installed is not None
    second = _open(home, 2)
    v2 = _expected(into, pub, "2026.12.2")
    assert v1["set_id"] != v2["set_id"] and v1["set_sig"] != v2["set_sig"]
    # a clerk's machine edits the installed recipe after the pull: its runs are not credited to the set
    installed = into / "hrss" / "employment-registration.yaml"
    installed.write_text(installed.read_text("utf-8") + "# hot fix\n", encoding="utf-8")
    third = _open(home, 3)

    desk = Desk(home)
    try:
        assert desk.runs.get(first).recipe_set == v1  # kept, although a newer set is installed now
        assert desk.runs.get(second).recipe_set == v2
        assert desk.runs.get(third).recipe_set == {**v2, "set_version": "2026.12.2+local"}
        listed = {r["id"]: r for r in desk.runs.list()}
        assert {k: listed[first][k] for k in v1} == v1 and listed[third]["set_version"] == "2026.12.2+local"
    finally:
        desk.close()


def test_an_unpublished_folder_claims_no_set(backend: str | None, world: dict, home: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERKDESK_RECIPES", str(world["src"]))  # the supervisor's working copy: no SET.json
    rid = _open(home, 4)
    desk = Desk(home)
    try:
        assert desk.runs.get(rid).recipe_set == NONE
    finally:
        desk.close()


def test_clerkdesk_runs_shows_the_set(backend: str | None, world: dict, home: Path, cli_env: dict[str, str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    rid = _open(home, 5)
    monkeypatch.setenv("CLERKDESK_RECIPES", str(world["src"]))
    unsigned = _open(home, 6)
    env = {**cli_env, "CLERKDESK_RECIPES": str(world["into"])}
    if backend:
        env["CLERKDESK_DATABASE_URL"] = backend

    def cli(*args: str) -> str:
        r = subprocess.run([sys.executable, "-m", "clerkdesk", *args], capture_output=True, text=True,
                           timeout=120, env=env, stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r.stderr
        return r.stdout

    rows = {r["id"]: r for r in json.loads(cli("--json", "runs"))}
    assert {k: rows[rid][k] for k in NONE} == _expected(world["into"], world["pub"], "2026.12.1")
    assert {k: rows[unsigned][k] for k in NONE} == NONE
    lines = {line.split()[0]: line for line in cli("runs").splitlines()}
    assert "  set 2026.12.1" in lines[rid] and "  set -" in lines[unsigned]


def test_the_migration_upgrades_an_earlier_schema_and_old_runs_read_as_no_set(backend: str | None,
                                                                              tmp_path: Path) -> None:
    names = [s.name for s in STEPS]
    upto = names.index("m007_run_recipe_set")
    home = tmp_path / "old"
    home.mkdir()
    if backend:
        db = PgDatabase(psycopg.connect(backend, autocommit=True), backend)
        with db.transaction():
            db.execute("create table _clerkdesk_migrations (id serial primary key, name text unique not null, "
                       "applied_at text)")
            for step in STEPS[:upto]:
                db.raw.execute(step.postgres.encode())
                db.execute("insert into _clerkdesk_migrations (name, applied_at) values (?, 'then')", [step.name])
        db.close()
    else:
        lite = Database(home / "clerkdesk.db")
        migrations.apply(lite, stop_before="m007_run_recipe_set")
        lite.close()
    old = Store.open(home, url=backend, migrate=False)  # what the previous release did: no set columns yet
    assert "set_version" not in {d[0] for d in old.db.execute("select * from runs limit 0").description}
    cid = old.cases.create(matter="m", applicant_kind="person", applicant_key="k", record={}, targets=[EMP],
                           fields={}, profile_id=None)
    rid = old.runs.create(cid, EMP, "hrss")
    old.close()

    s = Store.open(home, url=backend)
    try:
        assert s.runs.get(rid).recipe_set == NONE
        assert {k: s.runs.list()[0][k] for k in NONE} == NONE
        _, runs = s.cases.open(matter="m", applicant_kind="person", applicant_key="k2", record={}, fields={},
                               targets=[(EMP, "hrss")], profile_id=None,
                               recipe_sets={EMP: {"set_id": "a" * 16, "set_version": "1.0", "set_sig": "k:s"}})
        assert s.runs.get(runs[EMP]).recipe_set == {"set_id": "a" * 16, "set_version": "1.0", "set_sig": "k:s"}
    finally:
        s.close()


def test_stamp_of_a_broken_manifest_claims_nothing_signed(tmp_path: Path) -> None:
    """A SET.json that is not a manifest (damaged share copy) never yields a clean version."""
    (tmp_path / MANIFEST).write_text("{not json", encoding="utf-8")
    got = stamp(tmp_path, [])
    assert got.set_version == "?+local" and got.set_sig is None and got.local
