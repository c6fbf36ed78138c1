"""Schema migrations (sqlite-utils ``Migrations``). Add new ones at the end; never edit an applied one."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("clerkdesk")


@migrations()
def m001_profiles_and_audit(db: Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["profiles"].create(
        {"id": int, "kind": str, "lookup": str, "version": int, "created_at": str, "updated_at": str,
         "data": bytes},
        pk="id", not_null={"kind", "lookup", "version", "data"},
    )
    db["profiles"].create_index(["lookup"], unique=True)
    db["profile_versions"].create(
        {"id": int, "profile_id": int, "version": int, "at": str, "actor": str, "changed": str, "data": bytes},
        pk="id", foreign_keys=[("profile_id", "profiles", "id")],
    )
    db["profile_versions"].create_index(["profile_id", "version"], unique=True)
    # detail holds field names and ids only, never personal values
    db["audit"].create(
        {"id": int, "at": str, "actor": str, "action": str, "subject": str, "detail": str, "prev": str, "hash": str},
        pk="id",
    )


@migrations()
def m002_cases_and_runs(db: Database) -> None:
    db["cases"].create(
        {"id": str, "created_at": str, "updated_at": str, "matter": str, "status": str, "profile_id": int,
         "data": bytes},
        pk="id",
    )
    db["runs"].create(
        {"id": str, "case_id": str, "recipe": str, "system": str, "status": str, "created_at": str,
         "updated_at": str, "checkpoint": int, "submit_state": str, "data": bytes},
        pk="id", foreign_keys=[("case_id", "cases", "id")],
    )
    db["runs"].create_index(["case_id"])
    db["run_events"].create(
        {"id": int, "run_id": str, "at": str, "step": int, "kind": str, "status": str, "message": str},
        pk="id", foreign_keys=[("run_id", "runs", "id")],
    )
    db["run_events"].create_index(["run_id"])
    db["evidence"].create(
        {"id": int, "run_id": str, "step": int, "at": str, "name": str, "data": bytes},
        pk="id", foreign_keys=[("run_id", "runs", "id")],
    )
    db["uscc_whitelist"].create({"code": str, "added_by": str, "added_at": str, "note": str}, pk="code")


@migrations()
def m003_documents(db: Database) -> None:
    # Document images the clerk chose to keep as evidence (PIPL: only when asked). The image is encrypted
    # (AAD "document:<id>"); case_id / profile_id tie it to the case or profile once they exist.
    db["documents"].create(
        {"id": int, "at": str, "actor": str, "kind": str, "source": str, "format": str, "case_id": str,
         "profile_id": int, "data": bytes},
        pk="id",
    )
    db["documents"].create_index(["case_id"])


@migrations()
def m004_drafts(db: Database) -> None:
    # The capture form while the clerk types, one row per clerk (encrypted, AAD "draft:<clerk>"), so a crash
    # or a power cut before F5 costs no retype. Cleared when the case starts or the clerk starts over.
    db["drafts"].create({"clerk": str, "saved_at": str, "data": bytes}, pk="clerk")


@migrations()
def m005_run_leases(db: Database) -> None:
    # Exactly once across processes. A run's lease names the process that runs it (host, pid, the process's
    # start time) and a heartbeat; submit states get the engine's names (pending → armed, done → confirmed);
    # step events keep their duration; `open_targets` holds one row per (profile, recipe) whose run is not
    # finished, so a second case for the same citizen and matter is refused while one is open.
    db["runs"].add_column("lease_host", str)
    db["runs"].add_column("lease_pid", int)
    db["runs"].add_column("lease_started", str)
    db["runs"].add_column("lease_at", str)
    db["runs"].add_column("seconds", float)
    db.execute("update runs set submit_state = 'armed' where submit_state = 'pending'")
    db.execute("update runs set submit_state = 'confirmed' where submit_state = 'done'")
    db["run_events"].add_column("ms", int)
    db["open_targets"].create({"profile_id": int, "recipe": str, "run_id": str, "case_id": str},
                              pk=("profile_id", "recipe"))
    db["open_targets"].create_index(["run_id"], unique=True)
    db.execute(
        "insert or ignore into open_targets (profile_id, recipe, run_id, case_id) "
        "select c.profile_id, r.recipe, r.id, c.id from runs r join cases c on c.id = r.case_id "
        "where c.profile_id is not null and r.status not in ('succeeded', 'dry_run') order by r.created_at")


@migrations()
def m006_audit_checkpoints(db: Database) -> None:
    # Ed25519-signed checkpoints of the audit chain (store/audit.py): seq = the last row covered, head = its
    # hash, digest = a public SHA-256 over rows 1..seq, so an auditor verifies them with the public key alone.
    db["audit_checkpoints"].create({"seq": int, "at": str, "head": str, "digest": str, "sig": str}, pk="seq")
