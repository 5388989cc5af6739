"""Someone with write access to the database rewrites the audit log with raw SQL, recomputing
everything the database holds (the SHA-256 chain, a MAC under a guessed key, the head), or removes
its newest entries with the head; verify_audit finds it through the MAC under the audit key and
the signed checkpoints kept outside the database. The checkpoint file tampered with is reported;
the entries chained with SHA-256 before the key are sealed by migration 0005; the operators' page
shows the latest checkpoint (docs/adr/0024-audit-mac-and-checkpoints.md)."""

from __future__ import annotations

import hashlib
import importlib
import io
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from sahl.audit import checkpoints, keys, rules
from sahl.audit import services as audit
from sahl.audit.models import AuditEntry, AuditHead
from tests.integration.conftest import run_tasks

pytestmark = pytest.mark.django_db

Compute = Callable[[Mapping[str, object]], str]


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue().strip()


def refused() -> str:
    """verify_audit's complaint; it must exit with 1."""
    with pytest.raises(CommandError) as caught:
        verify()
    assert caught.value.returncode == 1
    return str(caught.value)


def written(demo, count: int) -> list[AuditEntry]:
    return [
        audit.append("data_read", subject_civil_id=demo["father"], purpose=f"Case review {n}")
        for n in range(count)
    ]


@contextmanager
def as_the_tables_owner() -> Iterator[object]:
    """A cursor around Sahl, as the tables' owner has: on PostgreSQL the append-only trigger is
    switched off first (the owner may), within the test's transaction."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE wants no pending checks
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER sahl_append_only")
        yield cursor
        if postgres:
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER sahl_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def sha256(row: Mapping[str, object]) -> str:
    """The chain as it was: SHA-256 of the published canonical form, which anyone can compute."""
    return hashlib.sha256(rules.canonical(row)).hexdigest()


def rewrite(sequence: int, purpose: str, compute: Compute = sha256, key_id: str | None = None) -> None:
    """Change one entry's purpose, then recompute the hash of it and of every entry after it and
    move the head, all in SQL: everything the database holds agrees with the change."""
    names = ("id", "hash", *rules.MACED_FIELDS)
    rows = list(AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence").values(*names))
    before = AuditEntry.objects.filter(sequence=sequence - 1).values_list("hash", flat=True).first()
    previous = before or rules.GENESIS
    with as_the_tables_owner() as cursor:
        for row in rows:
            if row["sequence"] == sequence:
                row["purpose"] = purpose
            if key_id is not None:
                row["key_id"] = key_id
            row["previous_hash"] = previous
            row["hash"] = previous = compute(row)
            cursor.execute(
                "UPDATE audit_auditentry SET purpose = %s, key_id = %s, previous_hash = %s, hash = %s "
                "WHERE id = %s",
                [row["purpose"], row["key_id"], row["previous_hash"], row["hash"], row["id"]],
            )
        cursor.execute("UPDATE audit_audithead SET hash = %s WHERE id = 1", [previous])


def checkpoint_lines(settings) -> list[str]:
    path = settings.SAHL_AUDIT_CHECKPOINTS
    return path.read_text().splitlines() if path.exists() else []


# --- An untouched log ---------------------------------------------------------------------------


def test_an_untouched_log_verifies_against_its_checkpoints(demo, settings):
    written(demo, 3)
    assert checkpoints.publish().outcome == "written"
    assert checkpoints.publish().outcome == "unchanged"  # one line per head, however often it runs
    entries = written(demo, 2)
    call_command("audit_checkpoint", stdout=io.StringIO())
    assert verify() == f"ok: {entries[-1].sequence} entries, 2 checkpoints"
    lines = [json.loads(line) for line in checkpoint_lines(settings)]
    assert [line["sequence"] for line in lines] == [entries[0].sequence - 1, entries[-1].sequence]
    assert lines[-1]["head"] == entries[-1].hash and lines[-1]["key"] == keys.current().key_id
    assert set(lines[-1]) == {"sequence", "head", "at", "key", "signature"}


def test_entries_carry_a_mac_under_the_audit_key_not_a_hash_anyone_can_compute(demo):
    [entry] = written(demo, 1)
    fields = {name: getattr(entry, name) for name in rules.MACED_FIELDS}
    assert entry.key_id == keys.current().key_id and len(entry.key_id) == 16
    assert entry.hash == rules.entry_mac(fields, keys.current().mac_key) != sha256(fields)
    assert settings_key_is_nowhere_in_the_database(entry)


def settings_key_is_nowhere_in_the_database(entry: AuditEntry) -> bool:
    from django.conf import settings

    stored = json.dumps(list(AuditEntry.objects.values()), default=str)
    stored += json.dumps(list(AuditHead.objects.values()), default=str)
    return settings.SAHL_AUDIT_KEY not in stored and keys.current().mac_key.hex() not in stored


# --- Rewrites in SQL ------------------------------------------------------------------------------


@pytest.mark.parametrize("key_id", [None, ""], ids=["key id left", "key id emptied"])
def test_an_entry_rewritten_with_the_sha256_chain_and_head_recomputed_in_sql_is_named(demo, key_id):
    entries = written(demo, 5)
    target = entries[2]
    rewrite(target.sequence, "Nothing to see", key_id=key_id)
    assert AuditEntry.objects.get(pk=target.pk).purpose == "Nothing to see"
    assert AuditHead.objects.get(pk=1).hash == AuditEntry.objects.get(pk=entries[-1].pk).hash  # consistent
    complaint = refused()
    assert f"entry {target.pk} (sequence {target.sequence})" in complaint
    assert ("changed" if key_id is None else "inserted") in complaint
    # Named by id and sequence only: nothing of what the entries hold.
    assert demo["father"] not in complaint and "Case review" not in complaint and "Nothing" not in complaint


def test_the_whole_log_rewritten_in_the_old_sha256_form_is_reported(demo):
    entries = written(demo, 3)
    rewrite(1, "Nothing to see", key_id="")
    complaint = refused()
    assert f"entry {entries[-1].pk} " in complaint and "not sealed" in complaint


def test_a_chain_recomputed_with_a_mac_under_a_wrong_key_is_named(demo):
    entries = written(demo, 4)
    guessed = keys._key("a guess at the audit key, long enough to pass")

    def mac(row: Mapping[str, object]) -> str:
        return rules.entry_mac(row, guessed.mac_key)

    rewrite(entries[1].sequence, "Nothing to see", mac)
    complaint = refused()
    assert f"entry {entries[1].pk} (sequence {entries[1].sequence})" in complaint and "changed" in complaint


def test_even_with_the_key_a_rewrite_below_a_checkpoint_is_named(demo):
    """Whoever stole the key can mend every MAC; the signed checkpoint outside the database holds."""
    entries = written(demo, 4)
    checkpoints.publish()
    later = written(demo, 2)

    def mac(row: Mapping[str, object]) -> str:
        return rules.entry_mac(row, keys.current().mac_key)

    rewrite(entries[1].sequence, "Nothing to see", mac)
    complaint = refused()
    assert f"entry {entries[-1].pk} (sequence {entries[-1].sequence})" in complaint
    assert "signed checkpoint" in complaint and f"entry {later[0].pk} " not in complaint


def test_removing_the_newest_entries_with_the_head_shows_through_the_checkpoint(demo, settings):
    entries = written(demo, 6)
    checkpoints.publish()
    kept = entries[3]
    with as_the_tables_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence > %s", [kept.sequence])
        cursor.execute(
            "UPDATE audit_audithead SET sequence = %s, hash = %s WHERE id = 1", [kept.sequence, kept.hash]
        )
    complaint = refused()
    assert f"entry {kept.pk} (sequence {kept.sequence})" in complaint
    assert f"a signed checkpoint covers {entries[-1].sequence}" in complaint
    # The checkpoint is what shows it: everything in the database agrees.
    settings.SAHL_AUDIT_CHECKPOINTS.rename(settings.SAHL_AUDIT_CHECKPOINTS.with_suffix(".away"))
    assert verify().startswith(f"ok: {kept.sequence} entries")
    # ...and no checkpoint is signed for a log behind its last one.
    settings.SAHL_AUDIT_CHECKPOINTS.with_suffix(".away").rename(settings.SAHL_AUDIT_CHECKPOINTS)
    with pytest.raises(CommandError, match="refused: the log is behind"):
        call_command("audit_checkpoint", stdout=io.StringIO())


def test_no_checkpoint_is_signed_over_a_newest_entry_that_does_not_verify(demo, settings):
    entries = written(demo, 2)
    rewrite(entries[-1].sequence, "Nothing to see")
    with pytest.raises(CommandError, match="refused: the newest entry does not verify"):
        call_command("audit_checkpoint", stdout=io.StringIO())
    assert checkpoint_lines(settings) == []


# --- The checkpoint file ---------------------------------------------------------------------------


def test_a_tampered_checkpoint_is_reported_by_line_and_not_trusted(demo, settings):
    entries = written(demo, 3)
    checkpoints.publish()
    written(demo, 1)
    checkpoints.publish()
    path = settings.SAHL_AUDIT_CHECKPOINTS
    first, second = path.read_text().splitlines()
    moved = json.loads(first) | {"sequence": entries[1].sequence, "head": entries[1].hash}
    path.write_text(json.dumps(moved) + "\n" + second + "\n")
    complaint = refused()
    assert f"checkpoint line 1 (sequence {entries[1].sequence}): its signature does not verify" in complaint
    assert "broken" not in complaint  # the chain itself holds, and the second line verifies


def test_checkpoints_by_another_key_or_torn_lines_are_reported(demo, settings):
    written(demo, 2)
    head = AuditHead.objects.get(pk=1)
    forged = checkpoints.sign(head.sequence, head.hash, keys._key("someone else's key, long enough to pass"))
    settings.SAHL_AUDIT_CHECKPOINTS.write_text(forged.line() + '{"sequence": 3, "he\n')
    complaint = refused()
    assert (
        f"checkpoint line 1 (sequence {head.sequence}): signed with a key this server does not hold"
        in complaint
    )
    assert "checkpoint line 2: not a checkpoint" in complaint


# --- When checkpoints are written ------------------------------------------------------------------


def test_every_nth_entry_queues_a_checkpoint_the_worker_writes_after_commit(demo, settings):
    settings.SAHL_AUDIT_CHECKPOINT_EVERY = 3
    queued = DBTaskResult.objects.filter(task_path="sahl.audit.tasks.checkpoint")
    head = AuditHead.objects.get(pk=1).sequence
    with transaction.atomic():
        written(demo, 3 - head % 3)  # reaches a multiple of 3, then rolls back: no task
        transaction.set_rollback(True)
    assert not queued.exists()
    entries = written(demo, 3 - head % 3)
    assert queued.count() == 1 and checkpoint_lines(settings) == []
    run_tasks()  # the worker, after the entry committed
    [line] = checkpoint_lines(settings)
    assert json.loads(line)["sequence"] == entries[-1].sequence
    assert queued.get().status == "SUCCESSFUL"


def test_a_checkpoint_is_never_written_inside_a_transaction(demo, settings):
    written(demo, 1)
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        checkpoints.publish()
    assert checkpoint_lines(settings) == []


# --- Keys rotate ------------------------------------------------------------------------------------


def test_a_rotated_key_keeps_what_it_made_verifiable(demo, settings):
    old = written(demo, 2)
    checkpoints.publish()
    settings.SAHL_AUDIT_OLD_KEYS = [settings.SAHL_AUDIT_KEY]
    settings.SAHL_AUDIT_KEY = "the next audit key, from the secret store, 2027"
    new = written(demo, 2)
    checkpoints.publish()
    assert new[0].key_id != old[0].key_id and new[0].previous_hash == old[-1].hash
    assert verify() == f"ok: {new[-1].sequence} entries, 2 checkpoints"
    settings.SAHL_AUDIT_OLD_KEYS = []  # the old key lost: reported, never skipped
    complaint = refused()
    assert f"entry {old[0].pk} " in complaint and "does not hold" in complaint
    assert "checkpoint line 1" in complaint


def test_a_short_audit_key_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SAHL_AUDIT_KEY = "short"
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        keys.current()


# --- Entries chained with SHA-256 before the key ------------------------------------------------


def sha256_entries(demo, count: int) -> list[AuditEntry]:
    """Entries as the log wrote them before the audit key: no key id, SHA-256."""
    head = AuditHead.objects.get(pk=1)
    made, previous = [], head.hash
    for n in range(1, count + 1):
        entry = AuditEntry(
            sequence=head.sequence + n, kind="login", subject_civil_id=demo["mother"], previous_hash=previous
        )
        entry.hash = previous = sha256({name: getattr(entry, name) for name in rules.HASHED_FIELDS})
        entry.save()
        made.append(entry)
    AuditHead.objects.filter(pk=1).update(sequence=made[-1].sequence, hash=previous)
    return made


def seal_migration() -> None:
    migration = importlib.import_module("sahl.audit.migrations.0005_seal_sha256_entries")
    migration.seal_sha256_entries(apps, None)


def test_the_migration_seals_the_sha256_entries_with_one_keyed_entry(demo):
    old = sha256_entries(demo, 3)
    assert "not sealed" in refused()  # as the log stands before the migration
    seal_migration()
    seal = AuditEntry.objects.order_by("sequence").last()
    assert seal is not None and (seal.kind, seal.sequence) == ("chain_keyed", old[-1].sequence + 1)
    assert seal.previous_hash == old[-1].hash and seal.key_id == keys.current().key_id
    assert seal.detail == "sealed 3 SHA-256 entries" and seal.subject_civil_id == ""
    assert verify() == f"ok: {seal.sequence} entries, 0 checkpoints"
    seal_migration()  # once only
    assert AuditEntry.objects.filter(kind="chain_keyed").count() == 1
    new = written(demo, 1)[0]
    assert new.previous_hash == seal.hash and verify().startswith(f"ok: {new.sequence} entries")


def test_a_sealed_sha256_entry_rewritten_with_its_chain_recomputed_is_found_at_the_seal(demo):
    old = sha256_entries(demo, 3)
    seal_migration()
    seal = AuditEntry.objects.get(kind="chain_keyed")
    with as_the_tables_owner() as cursor:  # the SHA-256 part recomputed; the seal cannot be
        previous = old[0].hash
        for entry in old[1:]:
            fields = {name: getattr(entry, name) for name in rules.HASHED_FIELDS}
            fields |= {"detail": "changed" if entry == old[1] else entry.detail, "previous_hash": previous}
            previous = sha256(fields)
            cursor.execute(
                "UPDATE audit_auditentry SET detail = %s, previous_hash = %s, hash = %s WHERE id = %s",
                [fields["detail"], fields["previous_hash"], previous, entry.pk],
            )
    complaint = refused()
    assert f"entry {seal.pk} (sequence {seal.sequence})" in complaint and "does not follow" in complaint


def test_the_migration_on_an_empty_or_keyed_log_adds_nothing(demo):
    seal_migration()
    assert not AuditEntry.objects.filter(kind="chain_keyed").exists()
    written(demo, 1)
    seal_migration()
    assert not AuditEntry.objects.filter(kind="chain_keyed").exists()


# --- The operators' page --------------------------------------------------------------------------


def test_the_operators_page_shows_the_latest_checkpoint(login, demo):
    operator = login(demo["operator"], "en")
    assert "No checkpoint has been written yet" in operator.get("/operators/audit").content.decode()
    written(demo, 2)
    checkpoints.publish()
    entries = written(demo, 3)
    page = operator.get("/operators/audit").content.decode()
    head = entries[0].previous_hash
    assert f">{entries[0].sequence - 1}<" in page and head in page and "verifies" in page
    assert keys.current().key_id in page and keys.current().public_text in page and "Signing now" in page
    assert "Entries written since" in page and ">3<" in page
    assert demo["father"] not in page and "Case review" not in page
    arabic = login(demo["operator"], "ar").get("/operators/audit").content.decode()
    assert "نقاط التحقق" in arabic and head in arabic


def test_the_operators_page_says_when_the_latest_checkpoint_does_not_verify(login, demo, settings):
    written(demo, 1)
    checkpoints.publish()
    path = settings.SAHL_AUDIT_CHECKPOINTS
    path.write_text(path.read_text().replace('"head":"', '"head":"0'))
    page = login(demo["operator"], "en").get("/operators/audit").content.decode()
    assert "does not verify" in page


def test_only_operators_see_the_page(login, demo):
    assert login(demo["father"], "en").get("/operators/audit").status_code == 404


def test_the_operators_other_pages_lead_to_the_checkpoints(login, demo):
    operator = login(demo["operator"], "en")
    for page in ("/operators/outbox", "/operators/events"):
        assert 'href="/operators/audit"' in operator.get(page).content.decode(), page
