"""Migration operations that change a table with rows without stopping the requests that use it
(`common.migration_safety` says why each plain operation would)."""

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AddConstraint
from django.db.migrations.state import ProjectState
from django.db.models import BaseConstraint, CheckConstraint


class AddCheckConstraintNotValid(AddConstraint):
    """Adds a CHECK constraint in two steps: `NOT VALID` (a moment's lock; new rows are checked
    from then on), then `VALIDATE CONSTRAINT`, which reads the existing rows while reads and
    writes go on. The state is AddConstraint's, so makemigrations sees no difference.

    The two steps must commit separately, or the first step's lock lasts through the second:
    the migration must say `atomic = False`."""

    # Set by AddConstraint.__init__; django-stubs does not declare them.
    model_name: str
    constraint: BaseConstraint

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        if not isinstance(self.constraint, CheckConstraint):
            raise TypeError(f"{type(self).__name__} adds CHECK constraints only, not {self.constraint!r}.")
        if schema_editor.atomic_migration:
            raise ValueError(f"{type(self).__name__} needs a migration with atomic = False.")
        model: Any = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        quote = schema_editor.quote_name
        schema_editor.execute(f"{self.constraint.create_sql(model, schema_editor)} NOT VALID")
        schema_editor.execute(
            f"ALTER TABLE {quote(model._meta.db_table)} VALIDATE CONSTRAINT {quote(self.constraint.name)}"
        )
