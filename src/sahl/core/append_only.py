"""Append-only tables: rows are added, never changed or removed (an application's history, the
audit log's entries, the notice log, a complaint's history, payment events).

Two walls, one inside the other (docs/adr/0011-append-only-tables.md):

- In Python, on every database: `AppendOnly` is the abstract base of such models. Its manager,
  which is also the model's base manager (the one Django itself uses for related rows), gives
  querysets that refuse `update()`, `delete()` and what is built on them (bulk updates,
  upserts); its instances refuse a second save and `delete()`. Each raises `AppendOnlyError`
  before any SQL is sent.
- In PostgreSQL: `RefuseChanges(table)` in a migration puts a trigger on the table that refuses
  UPDATE and DELETE row by row, so raw SQL, a plain `models.QuerySet(Model)`, bulk statements and
  other programs are refused too (SQLSTATE 42501, a `ProgrammingError` in Django). TRUNCATE stays
  allowed: it is how the test framework empties tables between tests, and a role that may
  truncate a table may also drop it. SQLite gets no trigger (it is the single-user demo
  database); there the Python wall is the only one.

Nothing in a normal flow changes or deletes these rows: a correction is a new row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.migrations.operations.base import Operation

if TYPE_CHECKING:
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.migrations.state import ProjectState

_M = TypeVar("_M", bound=models.Model)

FUNCTION = "sahl_refuse_change"
TRIGGER = "sahl_append_only"


class AppendOnlyError(ValueError):
    """Something tried to change or remove a row of an append-only table. A programming error,
    never a person's: record a new row instead. (A ValueError, as the guards it replaces raised.)"""

    def __init__(self, model: type[models.Model], what: str) -> None:
        super().__init__(
            f"{model._meta.label} is append-only: {what} refused (rows are added, never changed or removed)"
        )
        self.model = model


class AppendOnlyQuerySet(models.QuerySet[_M, _M]):
    """Reads and inserts as usual; every way of changing or removing rows raises."""

    def _refuse(self, what: str) -> AppendOnlyError:
        return AppendOnlyError(self.model, what)

    def update(self, **kwargs: Any) -> int:
        raise self._refuse("update()")

    def _update(self, values: Any) -> Any:
        raise self._refuse("update")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise self._refuse("bulk_update()")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise self._refuse("update_or_create()")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("update_conflicts"):
            raise self._refuse("bulk_create(update_conflicts=True)")
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise self._refuse("delete()")

    def _raw_delete(self, using: Any) -> int:
        raise self._refuse("delete")


class AppendOnly(models.Model):
    """Abstract base of append-only models. A model's own Meta must extend `AppendOnly.Meta`
    (`class Meta(AppendOnly.Meta):`), which makes the refusing manager its base manager too."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            raise AppendOnlyError(type(self), "saving an existing row")
        kwargs["force_insert"] = True  # never the UPDATE Django tries first when a pk is given
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(type(self), "delete()")


# --- PostgreSQL: the trigger ------------------------------------------------------------------

_CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'insufficient_privilege',
        MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME || ' refused: the table is append-only',
        HINT = 'Rows are only ever added: record what happened as a new row.';
    RETURN NULL;
END
$body$
"""
# The function goes with the last trigger that uses it.
_DROP_FUNCTION_IF_UNUSED = f"""
DO $body$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgfoid = to_regprocedure('{FUNCTION}()')) THEN
        DROP FUNCTION IF EXISTS {FUNCTION}();
    END IF;
END
$body$
"""  # noqa: S608 (constants only)


class RefuseChanges(Operation):
    """Migration operation: on PostgreSQL, refuse UPDATE and DELETE on `table` with a trigger
    (BEFORE UPDATE OR DELETE, FOR EACH ROW); TRUNCATE and INSERT stay allowed. Reversed, it drops
    the trigger (and the shared function once no trigger uses it). Nothing on other databases."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str) -> None:
        self.table = table

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.table], {})

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass  # the models do not change; only the database's behaviour does

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(self.table)
        schema_editor.execute(_CREATE_FUNCTION, params=None)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}", params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
            params=None,
        )

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON {schema_editor.quote_name(self.table)}", params=None
        )
        schema_editor.execute(_DROP_FUNCTION_IF_UNUSED, params=None)

    def describe(self) -> str:
        return f"Refuse UPDATE and DELETE on {self.table} (PostgreSQL trigger)"

    @property
    def migration_name_fragment(self) -> str:
        return f"refuse_changes_{self.table}"
