"""Nobody rewrites the trail from the application: not the ORM, not raw SQL."""

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import Action, AppendOnlyError, AuditEntry
from audit.services import record

pytestmark = pytest.mark.django_db

migration = importlib.import_module("audit.migrations.0002_append_only")


@pytest.fixture
def entry():
    return record(action=Action.EXPORT, label="tickets", extra={"rows": 3})


def test_an_orm_update_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action=Action.SIGNIN)
    entry.refresh_from_db()
    assert entry.action == Action.EXPORT


def test_an_orm_delete_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET actor_label = 'someone else' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_delete_a_row(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == entry.actor_label


def test_truncate_is_refused(entry):
    # The test databases drop this trigger for their flushes (tests/conftest.py):
    # put the migration's back inside this test's transaction, which undoes it.
    truncate_guard = migration.INSTALL.split("CREATE TRIGGER audit_entry_no_truncate")[1]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TRIGGER audit_entry_no_truncate" + truncate_guard)
        # The row's foreign keys are checked at commit; TRUNCATE waits for no check.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
            cursor.execute("TRUNCATE audit_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_model_refuses_to_save_an_existing_row_or_delete_one(entry):
    entry.actor_label = "someone else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == ""
