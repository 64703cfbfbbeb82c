import uuid
from collections.abc import Iterable
from datetime import datetime

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from agencies.models import Agency, AgencyKind
from casework.deadlines import offset_to_iso
from casework.search import ArrayConcat, SearchKey, TextArray
from casework.sections import DATA_SECTIONS, Section
from casework.translations import text_in_active_language, translation_errors
from common.ids import time_ordered_id

# Column widths that are also input limits (the services' input contracts name them).
PSEUDONYM_MAX_LENGTH = 64
TASK_TITLE_MAX_LENGTH = 200
CONSENT_SIGNED_BY_MAX_LENGTH = 200
# The language a consent was explained in ("Spanish", "K'iche'"), and who interpreted it.
CONSENT_LANGUAGE_MAX_LENGTH = 64
CONSENT_INTERPRETER_MAX_LENGTH = 200


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


class TraffickingStatus(models.TextChoices):
    """What is known of whether the child is a trafficking victim (a `core` fact: every agency on
    the case acts on it). Why it was set belongs to the screening's section (`screening` app)."""

    NOT_SCREENED = "not_screened", _("Not screened")
    SCREENED_NO_INDICATORS = "screened_no_indicators", _("Screened, no indicators")
    AT_RISK = "at_risk", _("At risk")
    SUSPECTED = "suspected", _("Suspected victim")
    CONFIRMED_SEX = "confirmed_sex", _("Confirmed sex-trafficking victim")
    CONFIRMED_LABOR = "confirmed_labor", _("Confirmed labor-trafficking victim")
    CONFIRMED_BOTH = "confirmed_both", _("Confirmed sex- and labor-trafficking victim")


# A suspected or confirmed victim: whose exploitation (how, by whom, where) is recorded.
VICTIM_STATUSES = frozenset(
    {
        TraffickingStatus.SUSPECTED,
        TraffickingStatus.CONFIRMED_SEX,
        TraffickingStatus.CONFIRMED_LABOR,
        TraffickingStatus.CONFIRMED_BOTH,
    }
)


class AgeBand(models.TextChoices):
    UNDER_6 = "0-5", pgettext_lazy("age band", "0 to 5")
    SIX_TO_11 = "6-11", pgettext_lazy("age band", "6 to 11")
    TWELVE_TO_14 = "12-14", pgettext_lazy("age band", "12 to 14")
    FIFTEEN_TO_17 = "15-17", pgettext_lazy("age band", "15 to 17")
    EIGHTEEN_TO_20 = "18-20", pgettext_lazy("age band", "18 to 20")
    UNKNOWN = "unknown", pgettext_lazy("age band", "Unknown")


class Case(models.Model):
    """One child. The row holds the `core` section; every other section has its own table.

    `version` and `updated_at` count and date edits of `core` only; each data section's edits are
    counted and dated in `section_changes` (`{"location": {"version": 2, "at": "<ISO time>"}}`).
    A reader is shown the version and time of what they may read (`version_for`,
    `updated_at_for`), so an edit of a section they cannot see changes nothing they see: not the
    ETag, not the version, not the time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=20, unique=True, editable=False)
    pseudonym = models.CharField(
        max_length=PSEUDONYM_MAX_LENGTH, help_text=_("Initials or a pseudonym, never the legal name.")
    )
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    status = models.CharField(max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    # Changed only by `screening.services.trafficking_status_change`, which records why.
    trafficking_status = models.CharField(
        max_length=24, choices=TraffickingStatus.choices, default=TraffickingStatus.NOT_SCREENED
    )
    trafficking_status_changed_at = models.DateTimeField(null=True, blank=True)
    trafficking_status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_cases")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    section_changes = models.JSONField(default=dict, blank=True)
    # Set once, by `casework.services.merge.case_merge`: the case was found to be the same child as
    # the surviving case and everything on it moved there. The row stays (nothing is deleted); its
    # URLs lead to the surviving case for those who see it (`casework.access.get_case_access`).
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases", db_index=False
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    # What case search matches in the number and pseudonym (`casework.search`).
    search_key = models.GeneratedField(
        expression=SearchKey(TextArray("number", "pseudonym")),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [("work_on_case", "Is on the case team")]
        indexes = [
            models.Index(fields=["lead_agency", "status"]),
            models.Index(fields=["-created_at"]),
            models.Index(fields=["pseudonym"]),
            # Case search matches any part of the search key.
            GinIndex(fields=["search_key"], opclasses=["gin_trgm_ops"], name="case_search_key"),
            # A term too short for a trigram is a pseudonym: its cases, newest first, so a page of
            # search results stops after its last row (`casework.selectors.case_search_filter`).
            models.Index(
                SearchKey(F("pseudonym")), F("created_at").desc(), F("id").desc(), name="case_pseudonym_key"
            ),
            # The few merged cases, looked up by the case they now lead to (redirects, search).
            models.Index(
                fields=["merged_into"], condition=Q(merged_into__isnull=False), name="case_merged_into"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_is_known"),
            models.CheckConstraint(condition=Q(age_band__in=AgeBand.values), name="case_age_band_is_known"),
            models.CheckConstraint(
                condition=Q(trafficking_status__in=TraffickingStatus.values),
                name="case_trafficking_status_is_known",
            ),
            models.CheckConstraint(
                condition=Q(trafficking_status=TraffickingStatus.NOT_SCREENED)
                | Q(trafficking_status_changed_at__isnull=False),
                name="case_trafficking_status_change_dated",
            ),
            models.CheckConstraint(condition=~Q(pseudonym=""), name="case_pseudonym_not_blank"),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_at__isnull=True)
                | Q(merged_into__isnull=False, merged_at__isnull=False) & ~Q(merged_into=models.F("id")),
                name="case_merge_dated_and_not_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def version_for(self, sections: Iterable[str]) -> int:
        """The version of what a reader of these sections sees: core's plus each data section's
        edit count. It only grows, whichever of those sections is edited."""
        return self.version + sum(
            self.section_changes.get(section, {}).get("version", 0) for section in sections
        )

    def updated_at_for(self, sections: Iterable[str]) -> datetime:
        """When what a reader of these sections sees last changed."""
        times = [self.updated_at]
        for section in sections:
            if at := self.section_changes.get(section, {}).get("at"):
                times.append(datetime.fromisoformat(at))
        return max(times)

    def record_section_change(self, section: str, *, at: datetime) -> None:
        """Count an edit of a data section (the caller saves `section_changes`)."""
        previous = self.section_changes.get(section, {}).get("version", 0)
        self.section_changes = {
            **self.section_changes,
            section: {"version": previous + 1, "at": at.isoformat()},
        }


class CaseNumberCounter(models.Model):
    """The last case number issued in a year, advanced atomically with UPDATE ... RETURNING."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


# guardian's direct foreign-key permission tables: one indexed join instead of its generic tables.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass


class ParticipationVia(models.TextChoices):
    OPENED = "opened", _("Opened the case")
    INVITED = "invited", _("Invited")
    HANDOFF = "handoff", _("Accepted a handoff")


class CaseParticipant(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="participations")
    joined_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=16, choices=ParticipationVia.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="one_participation_per_agency_per_case"),
        ]
        indexes = [models.Index(fields=["agency", "case"])]

    def __str__(self) -> str:
        return f"agency {self.agency_id} on case {self.case_id}"


class GrantBasis(models.TextChoices):
    DEFAULT = "default", _("Default on joining")
    STEWARD = "steward", _("Granted by a steward")
    CONSENT = "consent", _("Recorded consent")


class GrantEndReason(models.TextChoices):
    REVOKED = "revoked", pgettext_lazy("grant end reason", "Revoked")
    EXPIRED = "expired", pgettext_lazy("grant end reason", "Expired")
    CONSENT_REVOKED = "consent_revoked", pgettext_lazy("grant end reason", "Consent revoked")
    # The consent was signed in a capacity the case's exploitation profile rules out (a parent or
    # guardian suspected of exploiting the child): it never could ground the grant. The label is
    # read by the section's readers, who may not read `investigation`, so it says no more.
    SIGNER_SUSPECTED = (
        "signer_suspected",
        pgettext_lazy("grant end reason", "Consent signer may not consent for this child"),
    )
    # Two cases of one child were merged and the agency held this section on both: the grant that
    # would have ended first ended, the other carries the agency's access on the surviving case.
    MERGED = (
        "merged",
        pgettext_lazy("grant end reason", "Cases merged: another grant of the same section continues"),
    )


class SignerCapacity(models.TextChoices):
    """In what capacity the person named in `Consent.signed_by` signed. Empty on consents recorded
    before Bridge asked, which counts as "not known" wherever the capacity matters."""

    NOT_RECORDED = "", pgettext_lazy("consent signer", "Not recorded")
    CHILD = "child", pgettext_lazy("consent signer", "The child")
    PARENT = "parent", pgettext_lazy("consent signer", "Parent")
    LEGAL_GUARDIAN = "legal_guardian", pgettext_lazy("consent signer", "Legal guardian")
    GUARDIAN_AD_LITEM = "guardian_ad_litem", pgettext_lazy("consent signer", "Guardian ad litem")
    COURT = "court", pgettext_lazy("consent signer", "Court")
    OTHER = "other", pgettext_lazy("consent signer", "Other")


class Consent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    recipient_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="consents_received")
    sections = ArrayField(models.CharField(max_length=16, choices=Section.choices))
    purpose = models.TextField()
    signed_by = models.CharField(
        max_length=CONSENT_SIGNED_BY_MAX_LENGTH,
        help_text=_("The child, and the guardian where one must sign."),
    )
    signer_capacity = models.CharField(
        max_length=20, choices=SignerCapacity.choices, blank=True, default=SignerCapacity.NOT_RECORDED
    )
    signed_on = models.DateField()
    expires_on = models.DateField()
    # Consent is informed only in a language the child and guardian read: which one, and who
    # interpreted if someone did (a name or an interpreter service's reference). Empty on consents
    # recorded before Bridge asked.
    explained_in = models.CharField(
        max_length=CONSENT_LANGUAGE_MAX_LENGTH, blank=True, default="", db_default=""
    )
    interpreter = models.CharField(
        max_length=CONSENT_INTERPRETER_MAX_LENGTH, blank=True, default="", db_default=""
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("signed_on")), name="consent_expires_after_signing"
            ),
            models.CheckConstraint(condition=~Q(sections=[]), name="consent_names_sections"),
        ]
        indexes = [
            models.Index(
                fields=["expires_on"], condition=Q(revoked_at__isnull=True), name="consent_active_expiry"
            )
        ]

    def __str__(self) -> str:
        # Never the signer's name: a consent names the child.
        return f"consent {self.pk}"


class SectionGrant(models.Model):
    """An agency's right to read a data section of one case. Active while not ended and not past
    `expires_at`; access checks test both, so expiry takes effect at once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="grants")
    section = models.CharField(max_length=16, choices=[(s, s) for s in DATA_SECTIONS])
    basis = models.CharField(max_length=8, choices=GrantBasis.choices)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    end_reason = models.CharField(max_length=16, choices=GrantEndReason.choices, blank=True, default="")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency", "section"],
                condition=Q(ended_at__isnull=True),
                name="one_active_grant_per_agency_per_section",
            ),
            models.CheckConstraint(
                condition=Q(section__in=DATA_SECTIONS), name="grant_section_is_data_section"
            ),
            models.CheckConstraint(
                condition=Q(basis=GrantBasis.CONSENT, consent__isnull=False) | ~Q(basis=GrantBasis.CONSENT),
                name="consent_grant_names_its_consent",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="")
                | Q(ended_at__isnull=False) & ~Q(end_reason=""),
                name="ended_grant_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["agency", "case"], condition=Q(ended_at__isnull=True), name="grant_active_by_agency"
            ),
            models.Index(
                fields=["expires_at"], condition=Q(ended_at__isnull=True), name="grant_active_expiry"
            ),
            # Whether one of an agency's grants ended while its dashboard figures were summed up.
            models.Index(
                fields=["agency", "ended_at"],
                condition=Q(ended_at__isnull=False),
                name="grant_ended_by_agency",
            ),
        ]

        triggers = [
            # What an agency's stored dashboard figures list rests on its grants: a grant that ends
            # drops them at once, rather than leaving a task of the section on the dashboard until
            # the next refresh (`casework.dashboard_figures`).
            pgtrigger.Trigger(
                name="grant_change_drops_dashboard_figures",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                func=(
                    "DELETE FROM casework_dashboardfigures "
                    "WHERE agency_id IN (NEW.agency_id, OLD.agency_id); RETURN NULL;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} for agency {self.agency_id} on case {self.case_id}"


# --- section data -----------------------------------------------------------------------------


class SectionData(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        # Never the content: admin lists and logs may show this.
        return f"{type(self).__name__} of case {self.pk}"


class IdentitySection(SectionData):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="identity")
    legal_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    guardian = models.CharField(max_length=200, blank=True)
    # What case search matches, for readers of `identity`, in the legal name and aliases.
    search_key = models.GeneratedField(
        expression=SearchKey(
            ArrayConcat(TextArray("legal_name"), Cast("aliases", ArrayField(models.TextField())))
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta(SectionData.Meta):
        indexes = [GinIndex(fields=["search_key"], opclasses=["gin_trgm_ops"], name="identity_search_key")]


class PlacementType(models.TextChoices):
    UNKNOWN = "", pgettext_lazy("placement", "Not recorded")
    HOME = "home", pgettext_lazy("placement", "Home of parent or guardian")
    KINSHIP = "kinship", pgettext_lazy("placement", "Kinship care")
    FOSTER_FAMILY = "foster_family", pgettext_lazy("placement", "Foster family")
    GROUP_HOME = "group_home", pgettext_lazy("placement", "Group home")
    SHELTER = "shelter", pgettext_lazy("placement", "Shelter")
    RESIDENTIAL = "residential", pgettext_lazy("placement", "Residential treatment")
    DETENTION = "detention", pgettext_lazy("placement", "Detention")
    MISSING = "missing", pgettext_lazy("placement", "Missing")


class LocationSection(SectionData):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="location")
    placement_type = models.CharField(max_length=16, choices=PlacementType.choices, blank=True)
    address = models.TextField(blank=True)
    school = models.CharField(max_length=200, blank=True)


class ImmigrationSection(SectionData):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="immigration")
    nationality = models.CharField(max_length=100, blank=True)
    # Relief pathways (SIJS, T and U visas, Continued Presence, the HHS letter) are tracked as
    # records in the `relief` app, in this section.


class InvestigationSection(SectionData):
    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="investigation"
    )
    summary = models.TextField(blank=True)


class HealthSection(SectionData):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="health")
    summary = models.TextField(blank=True)


class ServicesSection(SectionData):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="services")
    summary = models.TextField(blank=True)
    safety_plan = models.TextField(blank=True)


class LegalSection(SectionData):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="legal")
    summary = models.TextField(blank=True)


SECTION_MODELS: dict[str, type[SectionData]] = {
    Section.IDENTITY: IdentitySection,
    Section.LOCATION: LocationSection,
    Section.IMMIGRATION: ImmigrationSection,
    Section.INVESTIGATION: InvestigationSection,
    Section.HEALTH: HealthSection,
    Section.SERVICES: ServicesSection,
    Section.LEGAL: LegalSection,
}


def section_fields(section: str) -> tuple[str, ...]:
    """The editable field names of a data section, in declaration order."""
    return tuple(
        f.name
        for f in SECTION_MODELS[section]._meta.concrete_fields
        if f.name != "case" and not isinstance(f, models.GeneratedField)
    )


# --- work ------------------------------------------------------------------------------------


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "Open")
    DONE = "done", pgettext_lazy("task status", "Done")
    # The event that created it was voided: kept, with the reason, never deleted.
    CANCELLED = "cancelled", pgettext_lazy("task status", "Cancelled")


class TaskPriority(models.TextChoices):
    LOW = "low", pgettext_lazy("task priority", "Low")
    NORMAL = "normal", pgettext_lazy("task priority", "Normal")
    HIGH = "high", pgettext_lazy("task priority", "High")
    URGENT = "urgent", pgettext_lazy("task priority", "Urgent")


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=TASK_TITLE_MAX_LENGTH)
    description = models.TextField(blank=True)
    # What Bridge itself wrote (a deadline template's task, a review task), in the other languages:
    # {"es": {"title": "...", "description": "..."}}. A title a person typed has none.
    translations = models.JSONField(default=dict, blank=True, db_default={})
    # Empty only while the task waits for an agency of `awaits_kind` to join the case (see
    # `casework.services.events`): it is never given to an agency that may not see it.
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    due_at = models.DateTimeField()
    priority = models.CharField(max_length=8, choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    status = models.CharField(max_length=9, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    cancel_reason = models.TextField(blank=True, default="", help_text=_("Why it was cancelled."))
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    outcome = models.TextField(
        blank=True,
        help_text=_(
            "What was done, given on completion (required for a deadline template's task: what was "
            "reported, to whom, the reference number). Part of the task's section."
        ),
    )
    template = models.ForeignKey(
        "DeadlineTemplate", on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    event = models.ForeignKey(
        "CaseEvent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        help_text=_("The case event whose deadline template created this task."),
    )
    section = models.CharField(
        max_length=16,
        choices=Section.choices,
        default=Section.CORE,
        help_text=_("The section whose protection the task carries: its deadline template's, else core."),
    )
    awaits_kind = models.CharField(
        max_length=32,
        choices=AgencyKind.choices,
        blank=True,
        default="",
        help_text=_("While no agency on the case may hold it: the kind of agency it waits for."),
    )

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="task_status_is_known"),
            models.CheckConstraint(
                condition=Q(priority__in=TaskPriority.values), name="task_priority_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status=TaskStatus.DONE, completed_at__isnull=False)
                | Q(status__in=[TaskStatus.OPEN, TaskStatus.CANCELLED], completed_at__isnull=True),
                name="task_done_iff_completed",
            ),
            models.CheckConstraint(
                condition=Q(status=TaskStatus.CANCELLED) & ~Q(cancel_reason="")
                | ~Q(status=TaskStatus.CANCELLED) & Q(cancel_reason=""),
                name="task_cancelled_iff_reason",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="task_title_not_blank"),
            models.CheckConstraint(condition=Q(section__in=Section.values), name="task_section_is_known"),
            # A task is owned, or it waits, open (or cancelled) and unassigned, for an agency of a
            # known kind to join; only a template's task in a section not every participant reads
            # can wait.
            models.CheckConstraint(
                condition=Q(owner_agency__isnull=False, awaits_kind="")
                | Q(
                    owner_agency__isnull=True,
                    awaits_kind__in=AgencyKind.values,
                    # Cancelled while it waited: its event was voided.
                    status__in=[TaskStatus.OPEN, TaskStatus.CANCELLED],
                    assignee__isnull=True,
                    template__isnull=False,
                )
                & ~Q(section=Section.CORE),
                name="task_owned_or_waiting",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "due_at"]),
            models.Index(fields=["owner_agency", "status", "due_at"]),
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["due_at"], condition=Q(status=TaskStatus.OPEN), name="task_open_due"),
            # The tasks waiting on a case for an agency of a kind, read when an agency joins.
            models.Index(
                fields=["case", "awaits_kind"], condition=Q(owner_agency__isnull=True), name="task_waiting"
            ),
            # A caseworker sees the cases where they hold a task (`casework.access`) ...
            models.Index(fields=["assignee", "owner_agency", "case"], name="task_assignee_owner_case"),
            # ... and lists their open tasks, soonest first.
            models.Index(
                fields=["assignee", "owner_agency", "due_at"],
                condition=Q(status=TaskStatus.OPEN),
                name="task_assignee_owner_open_due",
            ),
            # The dashboard's caseload, overdue and upcoming figures read an agency's open tasks
            # from this index alone.
            models.Index(
                fields=["owner_agency", "due_at"],
                include=["assignee", "case"],
                condition=Q(status=TaskStatus.OPEN),
                name="task_open_owner_due_covering",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the reader's language when Bridge wrote it; a typed title as typed."""
        return text_in_active_language(self.translations, "title", self.title)

    @property
    def shown_description(self) -> str:
        return text_in_active_language(self.translations, "description", self.description)


class Note(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    section = models.CharField(max_length=16, choices=Section.choices)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(section__in=Section.values), name="note_section_is_known"),
            models.CheckConstraint(condition=~Q(body=""), name="note_body_not_blank"),
        ]
        indexes = [models.Index(fields=["case", "section", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.section} note {self.pk}"


class TimelineEvent(models.Model):
    """Something that happened on a case. `summary` never carries section content; an entry is
    shown to agencies that may read its section and, when `agencies` is non-empty, only to those."""

    # Time-ordered ids and no index of the case's own (the index below starts with it): the sweep
    # appends a hundred thousand entries at a time (docs/performance.md).
    id = models.UUIDField(primary_key=True, default=time_ordered_id, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline", db_index=False)
    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40)
    section = models.CharField(max_length=16, choices=Section.choices, default=Section.CORE)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    actor_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    agencies = ArrayField(models.BigIntegerField(), default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["case", "-occurred_at"]),
            # Entries without an actor (the sweep's) need no entry in these.
            models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="timeline_actor"),
            models.Index(
                fields=["actor_agency"], condition=Q(actor_agency__isnull=False), name="timeline_actor_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}"


# --- case events, deadline templates and handoffs -------------------------------------------------


class CaseEventType(models.TextChoices):
    SEX_TRAFFICKING_IDENTIFIED = "sex_trafficking_identified", _("Identified as a sex-trafficking victim")
    LABOR_TRAFFICKING_IDENTIFIED = (
        "labor_trafficking_identified",
        _("Identified as a labor-trafficking victim"),
    )
    MISSING_REPORTED = "missing_reported", _("Reported missing")
    MISSING_LOCATED = "missing_located", _("Missing child located")
    FOREIGN_NATIONAL_MINOR_IDENTIFIED = (
        "foreign_national_minor_identified",
        _("Foreign-national minor identified"),
    )
    SIJS_CANDIDATE_IDENTIFIED = "sijs_candidate_identified", _("SIJS candidate identified")
    INTERIM_ASSISTANCE_ISSUED = "interim_assistance_issued", _("HHS interim assistance letter issued")
    U_VISA_CERTIFIED = "u_visa_certified", _("U-visa certification (I-918 Supplement B) signed")
    CONTINUED_PRESENCE_GRANTED = "continued_presence_granted", _("Continued Presence granted")
    REMOVED_FROM_HOME = "removed_from_home", _("Removed from home (entered foster care)")
    PLACEMENT_CHANGED = "placement_changed", _("Moved to a new placement")
    COURT_HEARING_SCHEDULED = "court_hearing_scheduled", _("Court hearing scheduled")
    # The criminal case against the exploiter (recorded by `court.services`, section investigation).
    CRIMINAL_PROCEEDING_SCHEDULED = "criminal_proceeding_scheduled", _("Public criminal proceeding scheduled")
    DEFENDANT_RELEASED = "defendant_released", _("Defendant released from custody")
    DEFENDANT_ESCAPED = "defendant_escaped", _("Defendant escaped from custody")
    CASE_PLAN_APPROVED = "case_plan_approved", _("Case plan approved")


# Events that carry `details.hearing_at`, from which HEARING_AT-anchored templates count.
HEARING_EVENT_TYPES = (CaseEventType.COURT_HEARING_SCHEDULED, CaseEventType.CRIMINAL_PROCEEDING_SCHEDULED)


class CaseEvent(models.Model):
    """A fact recorded on a case that may start statutory clocks. `section` is the section whose
    readers may see the event (see `casework.services.events.EVENT_SECTIONS`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=40, choices=CaseEventType.choices)
    occurred_at = models.DateTimeField()
    details = models.JSONField(default=dict, blank=True)
    section = models.CharField(max_length=16, choices=Section.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recording_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A correction changes `occurred_at` or the hearing time in place (the timeline and the audit
    # log keep what it was); a void keeps the event, marked, with its reason.
    corrected_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-occurred_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=CaseEventType.values), name="case_event_type_is_known"
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True, voided_by__isnull=True, void_reason="")
                | Q(voided_at__isnull=False, voided_by__isnull=False) & ~Q(void_reason=""),
                name="case_event_void_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(section__in=Section.values), name="case_event_section_is_known"
            ),
        ]
        indexes = [models.Index(fields=["case", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} at {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def hearing_at(self) -> datetime | None:
        """A court hearing's date and time (`details.hearing_at`), or None."""
        value = self.details.get("hearing_at")
        return parse_datetime(value) if isinstance(value, str) else None


class DeadlineAnchor(models.TextChoices):
    EVENT = "event", _("When the event occurred")
    DATE_OF_BIRTH = "date_of_birth", _("A birthday of the child")
    HEARING_AT = "hearing_at", _("The scheduled hearing")


class DeadlineOwner(models.TextChoices):
    CHILD_WELFARE = AgencyKind.CHILD_WELFARE.value, AgencyKind.CHILD_WELFARE.label
    LAW_ENFORCEMENT = AgencyKind.LAW_ENFORCEMENT.value, AgencyKind.LAW_ENFORCEMENT.label
    IMMIGRATION = AgencyKind.IMMIGRATION.value, AgencyKind.IMMIGRATION.label
    LEGAL_ADVOCATE = AgencyKind.LEGAL_ADVOCATE.value, AgencyKind.LEGAL_ADVOCATE.label
    VICTIM_SERVICES = AgencyKind.VICTIM_SERVICES.value, AgencyKind.VICTIM_SERVICES.label
    PROSECUTION = AgencyKind.PROSECUTION.value, AgencyKind.PROSECUTION.label
    RECORDING_AGENCY = "recording_agency", _("The agency that recorded the event")


class DeadlineTemplate(models.Model):
    """A statutory or policy deadline as data. A task is due at anchor + offset, where the anchor is
    the event's time, the hearing time, or midnight (in BRIDGE_TIME_ZONE) starting the child's
    `age_years` birthday. Offsets are calendar months and days plus elapsed hours, each may be
    negative. A state overlay (`jurisdiction` a state) applies to cases whose lead agency is in
    that state; with `overrides` it competes with that federal template (`casework.deadlines`)."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What to do; copied into the task.")
    trigger = models.CharField(max_length=40, choices=CaseEventType.choices)
    anchor = models.CharField(max_length=16, choices=DeadlineAnchor.choices, default=DeadlineAnchor.EVENT)
    age_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a birthday anchor: the birthday (18 for the 18th)."
    )
    offset_months = models.IntegerField(default=0)
    offset_days = models.IntegerField(default=0)
    offset_hours = models.IntegerField(default=0)
    repeats = models.BooleanField(
        default=False,
        help_text="When a task from this template is done, the next one is due one offset later.",
    )
    owner_kind = models.CharField(max_length=32, choices=DeadlineOwner.choices)
    asks_owner = models.BooleanField(
        default=False,
        help_text=(
            "The deadline asks something of an agency of the owner kind that may not read the section "
            "(Continued Presence renewal by the federal agency that requested it; a T-visa declaration "
            "or U-visa certification asked of law enforcement). Such an agency is given the task and "
            "sees its title and due time, nothing else of the section."
        ),
    )
    section = models.CharField(
        max_length=16,
        choices=Section.choices,
        help_text=(
            "The section the deadline's subject belongs to (SIJS, T/U visas, HHS letters: immigration). "
            "Its tasks, reminders and timeline lines are shown only to agencies that may read it, and "
            "are never given to an agency that may not (unless the template asks something of it)."
        ),
    )
    priority = models.CharField(max_length=8, choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    jurisdiction = models.CharField(max_length=2, default="US", help_text="`US` (federal) or a state code.")
    overrides = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overlays",
        help_text="The federal template this state overlay replaces when it is stricter.",
    )
    yields_to_state = models.BooleanField(
        default=False,
        help_text="A federal placeholder for state law: a state overlay replaces it even when less strict.",
    )
    legal_source = models.CharField(max_length=300)
    # The name, description and legal source in other languages, as data beside the English ones:
    # {"es": {"name": "...", "description": "...", "legal_source": "..."}} (`casework.translations`).
    translations = models.JSONField(default=dict, blank=True, db_default={})
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["trigger", "jurisdiction", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger__in=CaseEventType.values), name="template_trigger_is_known"
            ),
            models.CheckConstraint(
                condition=Q(anchor__in=DeadlineAnchor.values), name="template_anchor_is_known"
            ),
            models.CheckConstraint(
                condition=Q(owner_kind__in=DeadlineOwner.values), name="template_owner_is_known"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=TaskPriority.values), name="template_priority_is_known"
            ),
            models.CheckConstraint(condition=Q(section__in=Section.values), name="template_section_is_known"),
            models.CheckConstraint(
                condition=Q(asks_owner=False) | ~Q(owner_kind=DeadlineOwner.RECORDING_AGENCY),
                name="template_asks_an_owner_kind",
            ),
            models.CheckConstraint(
                condition=Q(jurisdiction__regex=r"^[A-Z]{2}$"), name="template_jurisdiction_code"
            ),
            models.CheckConstraint(
                condition=Q(anchor=DeadlineAnchor.DATE_OF_BIRTH, age_years__isnull=False, age_years__gt=0)
                | (~Q(anchor=DeadlineAnchor.DATE_OF_BIRTH) & Q(age_years__isnull=True)),
                name="template_age_iff_birthday_anchor",
            ),
            models.CheckConstraint(
                condition=~Q(anchor=DeadlineAnchor.HEARING_AT) | Q(trigger__in=HEARING_EVENT_TYPES),
                name="template_hearing_anchor_needs_hearing",
            ),
            models.CheckConstraint(
                condition=~Q(repeats=True)
                | Q(
                    anchor=DeadlineAnchor.EVENT,
                    offset_months__gte=0,
                    offset_days__gte=0,
                    offset_hours__gte=0,
                )
                & (Q(offset_months__gt=0) | Q(offset_days__gt=0) | Q(offset_hours__gt=0)),
                name="template_repeats_forward_from_event",
            ),
            models.CheckConstraint(
                condition=Q(overrides__isnull=True) | ~Q(jurisdiction="US"),
                name="template_only_overlays_override",
            ),
            models.CheckConstraint(
                condition=Q(yields_to_state=False) | Q(jurisdiction="US"), name="template_only_federal_yields"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="template_name_not_blank"),
            models.CheckConstraint(condition=~Q(legal_source=""), name="template_legal_source_not_blank"),
        ]
        indexes = [
            models.Index(fields=["trigger", "jurisdiction"], condition=Q(active=True), name="template_active")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction})"

    @property
    def shown_name(self) -> str:
        return text_in_active_language(self.translations, "name", self.name)

    @property
    def shown_legal_source(self) -> str:
        return text_in_active_language(self.translations, "legal_source", self.legal_source)

    @property
    def shown_description(self) -> str:
        return text_in_active_language(self.translations, "description", self.description)

    @property
    def offset(self) -> str:
        """The offset as an ISO 8601 duration, with a sign per part where they differ (as
        PostgreSQL writes intervals): `PT24H`, `P6M`, `-P1D`, `P2Y-90D`."""
        return offset_to_iso(months=self.offset_months, days=self.offset_days, hours=self.offset_hours)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        base = self.overrides
        if base is not None:
            if base.jurisdiction != "US":
                errors["overrides"] = "A state overlay overrides a federal (US) template."
            elif (base.trigger, base.owner_kind, base.section, base.asks_owner) != (
                self.trigger,
                self.owner_kind,
                self.section,
                self.asks_owner,
            ):
                errors["overrides"] = (
                    "An overlay has the trigger, owner kind, section and asking of the template it overrides."
                )
            if self.jurisdiction == "US":
                errors["jurisdiction"] = "Only a state overlay overrides another template."
        translation_problems = translation_errors(
            self.translations, fields=frozenset({"name", "description", "legal_source"})
        )
        if translation_problems:
            errors["translations"] = " ".join(translation_problems)
        if errors:
            raise ValidationError(errors)


class HandoffKind(models.TextChoices):
    TASK = "task", pgettext_lazy("handoff kind", "Task")
    LEAD = "lead", pgettext_lazy("handoff kind", "Lead of the case")
    # Another agency asks the receiving agency, which leads a case that may be the same child, to
    # compare the two records (`matching`): the handoff's case is the asking one.
    MATCH_REVIEW = "match_review", pgettext_lazy("handoff kind", "Comparison of a possible match")


class HandoffStatus(models.TextChoices):
    AWAITING_APPROVAL = (
        "awaiting_approval",
        pgettext_lazy("handoff status", "Awaiting the lead agency's approval"),
    )
    PENDING = "pending", pgettext_lazy("handoff status", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("handoff status", "Accepted")
    DECLINED = "declined", pgettext_lazy("handoff status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("handoff status", "Withdrawn")
    EXPIRED = "expired", pgettext_lazy("handoff status", "Expired")


# Not yet answered: the lead agency has still to approve it, or the receiving agency to answer it.
HANDOFF_OPEN_STATUSES = (HandoffStatus.AWAITING_APPROVAL, HandoffStatus.PENDING)
HANDOFF_TERMINAL_STATUSES = tuple(s for s in HandoffStatus.values if s not in HANDOFF_OPEN_STATUSES)
HANDOFF_PAST_APPROVAL_STATUSES = tuple(
    s for s in HandoffStatus.values if s != HandoffStatus.AWAITING_APPROVAL
)


class Handoff(models.Model):
    """A request that another agency take over a task (`kind=task`) or the lead of the case
    (`kind=lead`), or compare the case with one it leads that may be the same child
    (`kind=match_review`, asked through `matching`; accepting it confirms the match and brings
    nobody onto either case).

    A handoff to an agency not yet on the case is an invitation. When its proposer may not invite
    (`needs_approval`), it starts `awaiting_approval`: the lead agency approves it (→ `pending`,
    recording who and when) or declines it, and until then the receiving agency sees nothing.
    Otherwise it starts `pending`, and the receiving agency answers it.

    The database enforces the state machine. `awaiting_approval` and `pending` are the only states
    that are not final, and a trigger refuses any update of a resolved row, a step back from
    `pending` to `awaiting_approval`, and an accept straight from `awaiting_approval`; so the
    moves are awaiting_approval → pending | declined | withdrawn | expired and pending → accepted
    | declined | withdrawn | expired, each once. Check constraints require what each state records
    (a responder and time, a reason to decline, an approval for a handoff that needed one)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=HandoffKind.choices, default=HandoffKind.TASK)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handoffs")
    task = models.ForeignKey("Task", on_delete=models.CASCADE, null=True, blank=True, related_name="handoffs")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="handoffs_sent")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="handoffs_received")
    status = models.CharField(max_length=20, choices=HandoffStatus.choices, default=HandoffStatus.PENDING)
    urgent = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    respond_by = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(blank=True)
    # Set once, at creation: the handoff brings a new agency onto the case and its proposer may not
    # invite, so the lead agency approves it first.
    needs_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=HandoffStatus.values), name="handoff_status_is_known"
            ),
            models.CheckConstraint(condition=Q(kind__in=HandoffKind.values), name="handoff_kind_is_known"),
            models.CheckConstraint(
                condition=Q(kind=HandoffKind.TASK, task__isnull=False)
                | Q(kind__in=[HandoffKind.LEAD, HandoffKind.MATCH_REVIEW], task__isnull=True),
                name="handoff_task_iff_task_kind",
            ),
            # A comparison may be asked of the asker's own agency, when it leads the other case and
            # the asker does not work on it; work is always handed to another agency.
            models.CheckConstraint(
                condition=~Q(from_agency=models.F("to_agency")) | Q(kind=HandoffKind.MATCH_REVIEW),
                name="handoff_between_two_agencies",
            ),
            models.CheckConstraint(
                condition=Q(respond_by__gt=models.F("created_at")), name="handoff_respond_by_after_creation"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=HANDOFF_OPEN_STATUSES, responded_at__isnull=True, responded_by__isnull=True
                )
                | Q(status=HandoffStatus.EXPIRED, responded_at__isnull=False, responded_by__isnull=True)
                | Q(
                    status__in=[HandoffStatus.ACCEPTED, HandoffStatus.DECLINED, HandoffStatus.WITHDRAWN],
                    responded_at__isnull=False,
                    responded_by__isnull=False,
                ),
                name="handoff_response_matches_status",
            ),
            models.CheckConstraint(
                condition=~Q(status=HandoffStatus.DECLINED) | ~Q(response_note=""),
                name="handoff_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(
                    needs_approval=True,
                    status=HandoffStatus.AWAITING_APPROVAL,
                    approved_at__isnull=True,
                    approved_by__isnull=True,
                )
                | Q(
                    needs_approval=True,
                    status__in=[HandoffStatus.DECLINED, HandoffStatus.WITHDRAWN, HandoffStatus.EXPIRED],
                    approved_at__isnull=True,
                    approved_by__isnull=True,
                )
                | Q(
                    needs_approval=True,
                    status__in=HANDOFF_PAST_APPROVAL_STATUSES,
                    approved_at__isnull=False,
                    approved_by__isnull=False,
                    respond_by__gt=models.F("approved_at"),
                )
                | Q(
                    needs_approval=False,
                    status__in=HANDOFF_PAST_APPROVAL_STATUSES,
                    approved_at__isnull=True,
                    approved_by__isnull=True,
                ),
                name="handoff_approval_matches_status",
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status__in=HANDOFF_OPEN_STATUSES, kind=HandoffKind.TASK),
                name="one_pending_handoff_per_task",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=HANDOFF_OPEN_STATUSES, kind=HandoffKind.LEAD),
                name="one_pending_lead_handoff_per_case",
            ),
        ]
        indexes = [
            models.Index(fields=["to_agency", "status", "-created_at"]),
            models.Index(fields=["from_agency", "status", "-created_at"]),
            # The sweep's open handoffs by due time. Not a partial index on the open statuses:
            # PostgreSQL counts such an index's condition again beside a query's own `status =`
            # and, ten times too sure, ANDed it into the incoming handoffs' bitmap, reading every
            # pending handoff of every agency (docs/performance.md, change 15).
            models.Index(fields=["status", "respond_by"], name="handoff_status_due"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="handoff_resolved_is_final",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__status__in=list(HANDOFF_TERMINAL_STATUSES))
                | pgtrigger.Q(old__status=HandoffStatus.PENDING, new__status=HandoffStatus.AWAITING_APPROVAL)
                | pgtrigger.Q(old__status=HandoffStatus.AWAITING_APPROVAL, new__status=HandoffStatus.ACCEPTED)
                | pgtrigger.Q(old__needs_approval__df=pgtrigger.F("new__needs_approval")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} handoff ({self.status})"


class BreakGlass(models.Model):
    """A supervisor's emergency opening of a section their agency holds no grant for, when a child
    is in danger. It lets that supervisor read the section until `expires_at`; `casework.access`
    counts it among the readable sections while it lasts. Rows are never changed or removed: each
    one is part of the case's disclosure history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    section = models.CharField(max_length=16, choices=[(s, s) for s in DATA_SECTIONS])
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section__in=DATA_SECTIONS), name="break_glass_section_is_data_section"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="break_glass_has_reason"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("opened_at")), name="break_glass_expires_after_opening"
            ),
        ]
        indexes = [models.Index(fields=["case", "opened_by", "expires_at"])]
        triggers = [
            pgtrigger.Protect(name="break_glass_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"Break-glass on {self.section}"


# --- closing and reopening a case ------------------------------------------------------------------


class ClosureReason(models.TextChoices):
    REUNIFIED = "reunified", pgettext_lazy("closing reason", "Reunified with family")
    PERMANENCY = (
        "permanency",
        pgettext_lazy("closing reason", "Permanency achieved (adoption or guardianship)"),
    )
    AGED_OUT = "aged_out", pgettext_lazy("closing reason", "Aged out")
    TRANSFERRED = (
        "transferred",
        pgettext_lazy("closing reason", "Transferred to another agency or jurisdiction"),
    )
    MOVED_AWAY = "moved_away", pgettext_lazy("closing reason", "Moved out of the jurisdiction")
    REPATRIATED = "repatriated", pgettext_lazy("closing reason", "Returned to the country of origin")
    NO_LONGER_NEEDED = "no_longer_needed", pgettext_lazy("closing reason", "Services no longer needed")
    OTHER = "other", pgettext_lazy("closing reason", "Other (see the summary)")


class ClosureStatus(models.TextChoices):
    AWAITING_APPROVAL = (
        "awaiting_approval",
        pgettext_lazy("closing request status", "Awaiting a supervisor's approval"),
    )
    APPROVED = "approved", pgettext_lazy("closing request status", "Approved: the case closed")
    RETURNED = "returned", pgettext_lazy("closing request status", "Returned with comments")
    WITHDRAWN = "withdrawn", pgettext_lazy("closing request status", "Withdrawn")


CLOSURE_SUMMARY_MAX_LENGTH = 10_000


class CaseClosure(models.Model):
    """A request to close a case, its supervisor's decision and, once approved, the reopening that
    ends it. Nothing here is deleted: a case closed twice has two rows, each with its reopening."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(max_length=20, choices=ClosureReason.choices)
    summary = models.TextField(help_text=_("The closing summary: what was done and where the child is left."))
    # The open deadline tasks set by law (by id) and the blockers of feature apps (by key) the
    # requester justified closing with, in their words.
    task_justifications = models.JSONField(default=dict, blank=True)
    blocker_justifications = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The supervisor of the lead agency asked to approve it."),
    )
    # The supervisor's task of deciding: the sweep reminds and escalates it like any other.
    review_task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=ClosureStatus.choices, default=ClosureStatus.AWAITING_APPROVAL
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comments = models.TextField(blank=True, default="")
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=ClosureReason.values), name="closure_reason_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ClosureStatus.values), name="closure_status_is_known"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="closure_has_summary"),
            models.CheckConstraint(
                condition=Q(
                    status=ClosureStatus.AWAITING_APPROVAL, decided_at__isnull=True, decided_by__isnull=True
                )
                | Q(
                    status__in=[ClosureStatus.APPROVED, ClosureStatus.RETURNED, ClosureStatus.WITHDRAWN],
                    decided_at__isnull=False,
                    decided_by__isnull=False,
                ),
                name="closure_decision_matches_status",
            ),
            models.CheckConstraint(
                condition=~Q(status=ClosureStatus.RETURNED) | ~Q(decision_comments=""),
                name="closure_return_has_comments",
            ),
            # Nobody approves their own request (DOMAIN: a supervisor's approval is a second person's).
            models.CheckConstraint(
                condition=~Q(status=ClosureStatus.APPROVED) | ~Q(decided_by=models.F("requested_by")),
                name="closure_not_self_approved",
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True, reopened_by__isnull=True, reopen_reason="")
                | Q(status=ClosureStatus.APPROVED, reopened_at__isnull=False, reopened_by__isnull=False)
                & ~Q(reopen_reason=""),
                name="closure_reopening_has_reason",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=ClosureStatus.AWAITING_APPROVAL),
                name="closure_one_request_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=ClosureStatus.APPROVED, reopened_at__isnull=True),
                name="closure_one_standing_closing",
            ),
        ]

    def __str__(self) -> str:
        return f"Closing ({self.get_reason_display()}), {self.get_status_display().lower()}"


# --- merging two cases of one child -----------------------------------------------------------------


class CaseMerge(models.Model):
    """Two cases found to be the same child, merged: everything on `merged_case` moved to
    `surviving_case`, agreed by a supervisor of each lead agency (two people). `carried_over`
    counts what moved, by table. Rows are never changed or removed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    surviving_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="merges_received")
    merged_case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="merge")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreed_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    merged_at = models.DateTimeField(default=timezone.now)
    carried_over = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-merged_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(surviving_case=models.F("merged_case")), name="case_merge_two_cases"
            ),
            models.CheckConstraint(
                condition=~Q(proposed_by=models.F("agreed_by")), name="case_merge_two_people"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="case_merge_has_reason"),
        ]
        triggers = [
            pgtrigger.Protect(name="case_merge_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"Merge of case {self.merged_case_id} into {self.surviving_case_id}"


class DashboardFigures(models.Model):
    """An agency's dashboard figures over the default period (the last 30 days), computed by a
    Celery worker and served to its supervisors with their age, so that the page does not
    aggregate over all of a large agency's cases and tasks on every request
    (`casework.dashboard_figures`). One row per agency and language: the figures carry deadline
    names in the reader's language. Served only while younger than
    `BRIDGE_DASHBOARD_MAX_AGE_SECONDS` and before `valid_until` (the next expiry of one of the
    agency's grants); any change to the agency's grants deletes the row."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    since = models.DateTimeField()
    until = models.DateTimeField()
    computed_at = models.DateTimeField()
    valid_until = models.DateTimeField()
    took_ms = models.PositiveIntegerField()
    figures = models.JSONField()
    # When a supervisor last opened the dashboard: only figures someone reads are kept fresh.
    viewed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "language"], name="dashboard_figures_per_language"),
        ]

    def __str__(self) -> str:
        return f"dashboard figures of agency {self.agency_id} ({self.language})"
