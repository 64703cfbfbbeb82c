"""Writing rows with PostgreSQL's COPY, for the few places that insert rows by the hundred
thousand (the reminder sweep, the load generator): several times faster than `bulk_create`,
whose per-row, per-field preparation and one giant parameterised INSERT dominate at that size."""

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from django.db import connection, models

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _array_item(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value is None:
        return "NULL"
    return str(value)


def copy_text(value: object) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ("{" + ",".join(_array_item(item) for item in value) + "}").translate(_COPY_ESCAPES)
    if isinstance(value, dict):
        return json.dumps(value, separators=(", ", ": ")).translate(_COPY_ESCAPES)
    raise TypeError(f"Cannot COPY a {type(value).__name__}.")


def copy_insert(instances: Sequence[models.Model]) -> None:
    """Insert new instances of one model, as `bulk_create` would (defaults and `auto_now` fields
    filled in by each field's `pre_save`), with one COPY. Primary keys must be set already (the
    UUIDs Bridge uses are); constraints are checked by the database as for any insert."""
    if not instances:
        return
    model = type(instances[0])
    fields = model._meta.concrete_fields
    columns = ", ".join(f'"{model_field.column}"' for model_field in fields)
    lines = [
        "\t".join(copy_text(model_field.pre_save(instance, add=True)) for model_field in fields) + "\n"
        for instance in instances
    ]
    statement = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write("".join(lines))
