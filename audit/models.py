"""The audit log: one append-only table of who did what, when, from where, with what outcome.

Three kinds of record land in `AuditRecord`:

* changes, written by PostgreSQL itself: django-pghistory's triggers store a snapshot of every
  insert, update and delete of the tracked tables in their history tables (below), and a trigger
  on each history table mirrors the event into the audit log. Bulk updates, raw SQL and the
  shell are therefore recorded exactly like the services' writes;
* reads of a case and of its restricted sections, denied accesses, sign-ins, failures, lockouts
  and break-glass openings, written by `audit.services`;
* nothing else: no row is ever updated or deleted. Triggers refuse UPDATE and DELETE on the audit
  table, on the history tables and on the seals.

Tamper evidence: every record is sealed into a hash chain (`AuditSeal`): the seal at position n
stores sha256(hash of seal n-1 + canonical form of its record). Sealing runs in one short
transaction of its own (`audit.services.audit_seal_pending`), so the business transactions that
write records never wait on a global lock; a trigger queues each new record in `UnsealedRecord`
so no record can be skipped. `manage.py verify_audit_chain` recomputes the chain.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency, User
from casework.models import (
    BreakGlass,
    Case,
    CaseClosure,
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
)


class Outcome(models.TextChoices):
    SUCCESS = "success", pgettext_lazy("audit outcome", "Success")
    FAILURE = "failure", pgettext_lazy("audit outcome", "Failure")
    DENIED = "denied", pgettext_lazy("audit outcome", "Denied")


class AuditRecord(models.Model):
    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    component = models.CharField(max_length=16)
    event_type = models.CharField(max_length=64)
    # Plain references, not foreign keys: the log must outlive anything it mentions, and a
    # constraint would let a change elsewhere block or cascade into it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text=_("As it was when the record was written.")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    client_address = models.GenericIPAddressField(null=True, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    section = models.CharField(max_length=16, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    # Names and ids only; never section content or a child's name.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["case", "-id"], condition=Q(case__isnull=False), name="audit_by_case"),
            models.Index(fields=["user", "-id"], condition=Q(user__isnull=False), name="audit_by_user"),
            models.Index(fields=["event_type", "-id"], name="audit_by_event_type"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="audit_outcome_is_known"),
            models.CheckConstraint(condition=~Q(event_type=""), name="audit_event_type_not_blank"),
        ]
        triggers = [
            pgtrigger.Protect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="audit_queue_for_seal",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                func="INSERT INTO audit_unsealedrecord (record_id) VALUES (NEW.id); RETURN NULL;",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.event_type} ({self.outcome})"


class UnsealedRecord(models.Model):
    """The queue of records not yet in the hash chain. The sealer empties it."""

    record = models.OneToOneField(
        AuditRecord, on_delete=models.DO_NOTHING, primary_key=True, related_name="unsealed"
    )

    def __str__(self) -> str:
        return f"record #{self.record_id} awaiting its seal"


class AuditSeal(models.Model):
    """One link of the hash chain. Positions run 1, 2, 3... without gaps."""

    position = models.PositiveBigIntegerField(primary_key=True)
    record = models.OneToOneField(AuditRecord, on_delete=models.PROTECT, related_name="seal")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hash__regex=r"^[0-9a-f]{64}$"), name="audit_seal_hash_is_sha256"
            ),
            models.CheckConstraint(
                condition=Q(prev_hash__regex=r"^[0-9a-f]{64}$"), name="audit_seal_prev_hash_is_sha256"
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="audit_seal_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"seal {self.position} of record #{self.record_id}"


# --- the archive: records older than the retention period -----------------------------------------


class ArchivedAuditRecord(models.Model):
    """An audit record older than `BRIDGE_AUDIT_RETENTION_DAYS`, moved out of the live log together
    with its seal (`audit.services.audit_archive`) so that the tables every page reads stay the size
    of the retention period. Same columns, same canonical form: the hash chain runs on from the
    archived seals into the live ones and `verify_chain` walks both. Never changed or removed."""

    id = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField(db_index=True)
    component = models.CharField(max_length=16)
    event_type = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    client_address = models.GenericIPAddressField(null=True, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    section = models.CharField(max_length=16, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    detail = models.JSONField(default=dict, blank=True)
    archived_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        triggers = [
            pgtrigger.Protect(
                name="audit_archive_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"archived #{self.pk} {self.event_type} ({self.outcome})"


class ArchivedAuditSeal(models.Model):
    """The seal of an archived record, moved with it: positions and hashes unchanged."""

    position = models.PositiveBigIntegerField(primary_key=True)
    record = models.OneToOneField(ArchivedAuditRecord, on_delete=models.PROTECT, related_name="seal")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["position"]
        triggers = [
            pgtrigger.Protect(
                name="audit_archived_seal_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"archived seal {self.position} of record #{self.record_id}"


# --- change history ------------------------------------------------------------------------------


def _mirror_into_audit_log(
    *, object_type: str, case_column: str | None, section_sql: str
) -> pgtrigger.Trigger:
    """The trigger on a history table that writes each new history event into the audit log,
    with the actor, component and address pghistory's context carried at the time of the change
    (`audit.middleware.AuditContextMiddleware` sets them; outside a request the component is
    `system`). The agency is the actor's agency at that moment."""
    case_sql = f"NEW.{case_column}" if case_column else "NULL"
    return pgtrigger.Trigger(
        name="audit_mirror",
        operation=pgtrigger.Insert,
        when=pgtrigger.After,
        # Built from constants in this module only (table and section names), never from input.
        func=f"""
            INSERT INTO audit_auditrecord (
                occurred_at, component, event_type, user_id, username, agency_id, client_address,
                object_type, object_id, case_id, section, outcome, detail
            )
            SELECT
                NEW.pgh_created_at,
                COALESCE(NEW.pgh_context ->> 'component', 'system'),
                '{object_type}.' || NEW.pgh_label,
                actor.id,
                COALESCE(actor.username, ''),
                actor.agency_id,
                NULLIF(NEW.pgh_context ->> 'ip', '')::inet,
                '{object_type}',
                NEW.pgh_obj_id::text,
                {case_sql},
                {section_sql},
                'success',
                jsonb_build_object('history', TG_TABLE_NAME, 'history_id', NEW.pgh_id)
            FROM (SELECT 1) AS one
            LEFT JOIN {User._meta.db_table} AS actor
                ON actor.id = (NEW.pgh_context ->> 'user')::bigint;
            RETURN NULL;
        """,  # noqa: S608
    )


def _track(
    model: type[models.Model],
    *,
    object_type: str,
    case_column: str | None,
    section: str = "",
    exclude: tuple[str, ...] = (),
    app_label: str = "audit",
) -> type[models.Model]:
    section_sql = f"'{section}'" if section else ("NEW.section" if hasattr(model, "section") else "''")
    return pghistory.create_event_model(
        model,
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude=list(exclude))),
        pghistory.DeleteEvent(),
        exclude=list(exclude),
        obj_field=pghistory.ObjForeignKey(related_name="+"),
        context_field=pghistory.ContextJSONField(),
        append_only=True,
        app_label=app_label,
        model_name=f"{model.__name__}History",
        abstract=False,
        meta={
            "triggers": [
                _mirror_into_audit_log(
                    object_type=object_type, case_column=case_column, section_sql=section_sql
                )
            ]
        },
    )


def track_case_record(
    model: type[models.Model],
    *,
    object_type: str,
    app_label: str,
    case_column: str = "case_id",
    section: str = "",
    exclude: tuple[str, ...] = (),
) -> type[models.Model]:
    """Change history, mirrored into the audit log, for a record on a case (`case_column`; its
    `section` field, or the `section` given) of an app built on casework: the app calls this in its
    own models module, so the history table is its own and audit never imports it. `exclude` names
    fields kept out of the history rows (a value holding several sections under one row)."""
    return _track(
        model,
        object_type=object_type,
        case_column=case_column,
        section=section,
        exclude=exclude,
        app_label=app_label,
    )


# Search keys are not kept: PostgreSQL derives them from the values kept (`casework.search`).
CaseHistory = _track(
    Case, object_type="case", case_column="pgh_obj_id", section="core", exclude=("search_key",)
)
IdentitySectionHistory = _track(
    IdentitySection,
    object_type="section",
    case_column="case_id",
    section="identity",
    exclude=("search_key",),
)
LocationSectionHistory = _track(
    LocationSection, object_type="section", case_column="case_id", section="location"
)
ImmigrationSectionHistory = _track(
    ImmigrationSection, object_type="section", case_column="case_id", section="immigration"
)
InvestigationSectionHistory = _track(
    InvestigationSection, object_type="section", case_column="case_id", section="investigation"
)
HealthSectionHistory = _track(HealthSection, object_type="section", case_column="case_id", section="health")
ServicesSectionHistory = _track(
    ServicesSection, object_type="section", case_column="case_id", section="services"
)
LegalSectionHistory = _track(LegalSection, object_type="section", case_column="case_id", section="legal")
SectionGrantHistory = _track(SectionGrant, object_type="grant", case_column="case_id")
ConsentHistory = _track(Consent, object_type="consent", case_column="case_id")
CaseParticipantHistory = _track(CaseParticipant, object_type="participant", case_column="case_id")
CaseTeamHistory = _track(CaseUserObjectPermission, object_type="case_team", case_column="content_object_id")
CaseAgencyPermissionHistory = _track(
    CaseGroupObjectPermission, object_type="case_agency_permission", case_column="content_object_id"
)
TaskHistory = _track(Task, object_type="task", case_column="case_id")
NoteHistory = _track(Note, object_type="note", case_column="case_id")
HandoffHistory = _track(Handoff, object_type="handoff", case_column="case_id")
BreakGlassHistory = _track(BreakGlass, object_type="break_glass", case_column="case_id")
CaseClosureHistory = _track(CaseClosure, object_type="closure", case_column="case_id", section="core")
# Passwords and sign-in times are not history: a hash must not be copied around, and every
# sign-in would be an "update". Role, agency and the platform flags are.
UserHistory = _track(User, object_type="user", case_column=None, exclude=("password", "last_login"))
AgencyHistory = _track(Agency, object_type="agency", case_column=None)
