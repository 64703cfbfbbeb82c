"""Writing the generated rows with PostgreSQL `COPY`, one buffer per table."""

import time
from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from casework.models import (
    Case,
    CaseGroupObjectPermission,
    CaseParticipant,
    CaseUserObjectPermission,
    Consent,
    Handoff,
    HealthSection,
    IdentitySection,
    ImmigrationSection,
    InvestigationSection,
    LegalSection,
    LocationSection,
    Note,
    SectionGrant,
    ServicesSection,
    Task,
    TimelineEvent,
)
from notifications.models import EmailDelivery, Notification, Reminder

# --- writing rows with COPY -----------------------------------------------------------------


class Table:
    """Rows for one model's table, written with binary COPY. Columns not named take the field's
    default (or NULL), computed once, so a field added to the model later does not break the loader
    as long as it has a default or is nullable. Binary COPY leaves the conversion of every value to
    psycopg's C dumpers and spares PostgreSQL the parsing: together several times cheaper than
    rows formatted as text, and the loader's time is mostly this."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        self.model = model
        self.names = tuple(names)
        by_name = {f.name: f for f in model._meta.concrete_fields}
        unknown = sorted(set(self.names) - set(by_name))
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {unknown}.")
        fixed_columns: list[str] = []
        fixed_values: list[object] = []
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
            fixed_columns.append(model_field.column)
            fixed_values.append(default)
        self.columns = [by_name[name].column for name in self.names] + fixed_columns
        self.fixed = tuple(fixed_values)
        quoted = ", ".join(f'"{column}"' for column in self.columns)
        self.sql = f'COPY "{model._meta.db_table}" ({quoted}) FROM STDIN (FORMAT BINARY)'
        self.rows: list[tuple[object, ...]] = []
        self.types: list[int] = []
        self.written = 0
        self.seconds = 0.0

    def add(self, *values: object) -> None:
        self.rows.append(values + self.fixed)

    def flush(self) -> None:
        if not self.rows:
            return
        started = time.monotonic()
        with connection.cursor() as cursor:
            if not self.types:
                self.types = self._column_types(cursor)
            with cursor.copy(self.sql) as copy:
                copy.set_types(self.types)
                write_row = copy.write_row
                for row in self.rows:
                    write_row(row)
        self.seconds += time.monotonic() - started
        self.written += len(self.rows)
        self.rows = []

    def _column_types(self, cursor: Any) -> list[int]:
        """The columns' type OIDs, in order: binary COPY must know them, and the catalogue (not
        the model) is what the COPY writes into."""
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            [f'"{self.model._meta.db_table}"'],
        )
        by_column = dict(cursor.fetchall())
        return [by_column[column] for column in self.columns]


# The tables the generator writes and the columns it sets; every other column takes the field's
# default (`Table`).
COLUMNS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "case": (
        Case,
        (
            "id",
            "number",
            "pseudonym",
            "age_band",
            "status",
            "lead_agency",
            "version",
            "created_by",
            "created_at",
            "updated_at",
            "section_changes",
        ),
    ),
    "identity": (
        IdentitySection,
        ("case", "legal_name", "date_of_birth", "aliases", "languages", "guardian"),
    ),
    "location": (LocationSection, ("case", "placement_type", "address", "school")),
    "immigration": (ImmigrationSection, ("case",)),
    "investigation": (InvestigationSection, ("case", "summary")),
    "health": (HealthSection, ("case",)),
    "services": (ServicesSection, ("case",)),
    "legal": (LegalSection, ("case",)),
    "participant": (CaseParticipant, ("case", "agency", "joined_at", "via", "invited_by")),
    "group_perm": (CaseGroupObjectPermission, ("content_object", "group", "permission")),
    "user_perm": (CaseUserObjectPermission, ("content_object", "user", "permission")),
    "consent": (
        Consent,
        (
            "id",
            "case",
            "recipient_agency",
            "sections",
            "purpose",
            "signed_by",
            "signed_on",
            "expires_on",
            "recorded_by",
            "recorded_by_agency",
            "created_at",
        ),
    ),
    "grant": (
        SectionGrant,
        (
            "id",
            "case",
            "agency",
            "section",
            "basis",
            "consent",
            "granted_by",
            "created_at",
            "expires_at",
        ),
    ),
    "task": (
        Task,
        (
            "id",
            "case",
            "title",
            "description",
            "owner_agency",
            "assignee",
            "due_at",
            "priority",
            "status",
            "version",
            "created_by",
            "created_at",
            "updated_at",
            "completed_at",
            "completed_by",
            "section",
            "awaits_kind",
        ),
    ),
    "note": (Note, ("id", "case", "section", "body", "author", "agency", "created_at")),
    "handoff": (
        Handoff,
        (
            "id",
            "kind",
            "case",
            "task",
            "from_agency",
            "to_agency",
            "status",
            "urgent",
            "note",
            "respond_by",
            "created_by",
            "created_at",
            "responded_by",
            "responded_at",
            "response_note",
            "needs_approval",
        ),
    ),
    "reminder": (
        Reminder,
        ("id", "kind", "step", "case", "task", "handoff", "due_at", "fire_at", "created_at"),
    ),
    "notification": (
        Notification,
        (
            "id",
            "recipient",
            "kind",
            "case",
            "task",
            "handoff",
            "reminder",
            "message",
            "created_at",
            "read_at",
        ),
    ),
    "email": (
        EmailDelivery,
        (
            "id",
            "recipient",
            "kind",
            "notification",
            "subject",
            "body",
            "status",
            "attempts",
            "next_attempt_at",
            "created_at",
            "updated_at",
            "sent_at",
        ),
    ),
    "timeline": (
        TimelineEvent,
        (
            "id",
            "case",
            "occurred_at",
            "kind",
            "section",
            "summary",
            "actor",
            "actor_agency",
            "agencies",
            "data",
        ),
    ),
}
