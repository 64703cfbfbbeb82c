"""Writing rows with PostgreSQL's COPY, for the few places that insert rows by the hundred
thousand (the reminder sweep, the load generator): several times faster than `bulk_create`,
whose per-row, per-field preparation and one giant parameterised INSERT dominate at that size."""

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from django.db import connection, models
from django.utils import timezone

_UNSET = object()
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _array_item(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value is None:
        return "NULL"
    return str(value)


def copy_text(value: object) -> str:
    """One value in COPY's text format."""
    # The types the sweep writes by the hundred thousand first, by exact type; then the rest.
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)  # type: ignore[attr-defined]
    if kind is uuid.UUID:
        return value.hex  # type: ignore[attr-defined]  # PostgreSQL reads the 32 digits alone too
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
    """Insert new instances of one model, as `bulk_create` would, with one COPY. Primary keys must
    be set already (the UUIDs Bridge uses are); constraints are checked by the database as for any
    insert. `auto_now` and `auto_now_add` fields get one timestamp for the whole batch, set on the
    instances too; every other value is written as the instance holds it."""
    if not instances:
        return
    model = type(instances[0])
    fields = model._meta.concrete_fields
    now = timezone.now()
    stamped = [
        model_field.attname
        for model_field in fields
        if isinstance(model_field, models.DateField) and (model_field.auto_now or model_field.auto_now_add)
    ]
    for instance in instances:
        for attname in stamped:
            setattr(instance, attname, now)
    attnames = [model_field.attname for model_field in fields]
    # Rows written together repeat most values (one notice's case, message and email body for
    # each recipient; the batch's timestamp; the same empty values), as the very same objects:
    # a column reuses its last text while the value is the same object.
    last_values: list[object] = [_UNSET] * len(attnames)
    last_texts = [""] * len(attnames)
    lines = []
    for instance in instances:
        values = instance.__dict__
        for index, attname in enumerate(attnames):
            value = values[attname]
            if value is not last_values[index]:
                last_values[index] = value
                last_texts[index] = copy_text(value)
        lines.append("\t".join(last_texts) + "\n")
    columns = ", ".join(f'"{model_field.column}"' for model_field in fields)
    statement = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write("".join(lines))
