"""Writing the generated rows with PostgreSQL `COPY`, one buffer per table."""

import time
from collections.abc import Sequence

from django.db import connection, models

from common.copy import copy_text

# --- writing rows with COPY -----------------------------------------------------------------


class Table:
    """Rows for one model's table, written with COPY. Columns not named take the field's default
    (or NULL), computed once, so a field added to the model later does not break the loader as
    long as it has a default or is nullable."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        self.model = model
        self.names = tuple(names)
        by_name = {f.name: f for f in model._meta.concrete_fields}
        unknown = sorted(set(self.names) - set(by_name))
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {unknown}.")
        self.fixed: list[tuple[str, str]] = []
        for name, model_field in by_name.items():
            if name in self.names:
                continue
            if model_field.primary_key and isinstance(model_field, models.AutoField | models.BigAutoField):
                continue
            if isinstance(model_field, models.GeneratedField):
                # PostgreSQL computes it (a search key) from the columns written.
                continue
            # What Django would save for a field left unset: its default, "" for blank text.
            default = model_field.get_default()
            if default is None and not model_field.null:
                raise ValueError(f"{model.__name__}.{name} has no default; the load generator must set it.")
            self.fixed.append((model_field.column, copy_text(default)))
        columns = [by_name[name].column for name in self.names] + [column for column, _ in self.fixed]
        quoted = ", ".join(f'"{column}"' for column in columns)
        self.sql = f'COPY "{model._meta.db_table}" ({quoted}) FROM STDIN'
        self.suffix = "".join("\t" + text for _, text in self.fixed)
        self.lines: list[str] = []
        self.written = 0
        self.seconds = 0.0

    def add(self, *values: object) -> None:
        self.lines.append("\t".join(map(copy_text, values)) + self.suffix + "\n")

    def flush(self) -> None:
        if not self.lines:
            return
        started = time.monotonic()
        with connection.cursor() as cursor, cursor.copy(self.sql) as copy:
            copy.write("".join(self.lines))
        self.seconds += time.monotonic() - started
        self.written += len(self.lines)
        self.lines = []
