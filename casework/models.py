import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from agencies.models import Agency
from casework.sections import DATA_SECTIONS, Section


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class AgeBand(models.TextChoices):
    UNDER_6 = "0-5", "0–5"
    SIX_TO_11 = "6-11", "6–11"
    TWELVE_TO_14 = "12-14", "12–14"
    FIFTEEN_TO_17 = "15-17", "15–17"
    EIGHTEEN_TO_20 = "18-20", "18–20"
    UNKNOWN = "unknown", "Unknown"


class Case(models.Model):
    """One child. The row holds the `core` section; every other section has its own table."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=20, unique=True, editable=False)
    pseudonym = models.CharField(max_length=64, help_text="Initials or a pseudonym, never the legal name.")
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    status = models.CharField(max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_cases")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("work_on_case", "Is on the case team")]
        indexes = [
            models.Index(fields=["lead_agency", "status"]),
            models.Index(fields=["-created_at"]),
            models.Index(fields=["pseudonym"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_is_known"),
            models.CheckConstraint(condition=Q(age_band__in=AgeBand.values), name="case_age_band_is_known"),
            models.CheckConstraint(condition=~Q(pseudonym=""), name="case_pseudonym_not_blank"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseNumberCounter(models.Model):
    """The last case number issued in a year, advanced atomically with UPDATE ... RETURNING."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


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
    OPENED = "opened", "Opened the case"
    INVITED = "invited", "Invited"
    HANDOFF = "handoff", "Accepted a handoff"


class CaseParticipant(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="participations")
    joined_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=16, choices=ParticipationVia.choices)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="one_participation_per_agency_per_case"),
        ]
        indexes = [models.Index(fields=["agency", "case"])]


class GrantBasis(models.TextChoices):
    DEFAULT = "default", "Default on joining"
    STEWARD = "steward", "Granted by a steward"
    CONSENT = "consent", "Recorded consent"


class GrantEndReason(models.TextChoices):
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"
    CONSENT_REVOKED = "consent_revoked", "Consent revoked"


class Consent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    recipient_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="consents_received")
    sections = ArrayField(models.CharField(max_length=16, choices=Section.choices))
    purpose = models.TextField()
    signed_by = models.CharField(max_length=200, help_text="The child, and the guardian where one must sign.")
    signed_on = models.DateField()
    expires_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__gt=models.F("signed_on")), name="consent_expires_after_signing"),
            models.CheckConstraint(condition=~Q(sections=[]), name="consent_names_sections"),
        ]
        indexes = [models.Index(fields=["expires_on"], condition=Q(revoked_at__isnull=True), name="consent_active_expiry")]


class SectionGrant(models.Model):
    """An agency's right to read a data section of one case. Active while not ended and not past
    `expires_at`; access checks test both, so expiry takes effect at once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="grants")
    section = models.CharField(max_length=16, choices=[(s, s) for s in DATA_SECTIONS])
    basis = models.CharField(max_length=8, choices=GrantBasis.choices)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="grants")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    end_reason = models.CharField(max_length=16, choices=GrantEndReason.choices, blank=True, default="")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency", "section"],
                condition=Q(ended_at__isnull=True),
                name="one_active_grant_per_agency_per_section",
            ),
            models.CheckConstraint(condition=Q(section__in=DATA_SECTIONS), name="grant_section_is_data_section"),
            models.CheckConstraint(
                condition=Q(basis=GrantBasis.CONSENT, consent__isnull=False) | ~Q(basis=GrantBasis.CONSENT),
                name="consent_grant_names_its_consent",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="") | Q(ended_at__isnull=False) & ~Q(end_reason=""),
                name="ended_grant_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "case"], condition=Q(ended_at__isnull=True), name="grant_active_by_agency"),
            models.Index(fields=["expires_at"], condition=Q(ended_at__isnull=True), name="grant_active_expiry"),
        ]


# --- section data -----------------------------------------------------------------------------


class SectionData(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="+")

    class Meta:
        abstract = True


class IdentitySection(SectionData):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="identity")
    legal_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    guardian = models.CharField(max_length=200, blank=True)


class PlacementType(models.TextChoices):
    UNKNOWN = "", "Not recorded"
    HOME = "home", "Home of parent or guardian"
    KINSHIP = "kinship", "Kinship care"
    FOSTER_FAMILY = "foster_family", "Foster family"
    GROUP_HOME = "group_home", "Group home"
    SHELTER = "shelter", "Shelter"
    RESIDENTIAL = "residential", "Residential treatment"
    DETENTION = "detention", "Detention"
    MISSING = "missing", "Missing"


class LocationSection(SectionData):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="location")
    placement_type = models.CharField(max_length=16, choices=PlacementType.choices, blank=True)
    address = models.TextField(blank=True)
    school = models.CharField(max_length=200, blank=True)


class ImmigrationSection(SectionData):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="immigration")
    nationality = models.CharField(max_length=100, blank=True)
    immigration_status = models.CharField(max_length=200, blank=True)
    sijs_candidate = models.BooleanField(default=False)
    t_visa_status = models.CharField(max_length=100, blank=True)
    u_visa_status = models.CharField(max_length=100, blank=True)
    continued_presence_until = models.DateField(null=True, blank=True)


class InvestigationSection(SectionData):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="investigation")
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
    return tuple(f.name for f in SECTION_MODELS[section]._meta.concrete_fields if f.name != "case")


# --- work ------------------------------------------------------------------------------------


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class TaskPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_tasks"
    )
    due_at = models.DateTimeField()
    priority = models.CharField(max_length=8, choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="task_status_is_known"),
            models.CheckConstraint(condition=Q(priority__in=TaskPriority.values), name="task_priority_is_known"),
            models.CheckConstraint(
                condition=Q(status=TaskStatus.DONE, completed_at__isnull=False)
                | Q(status=TaskStatus.OPEN, completed_at__isnull=True),
                name="task_done_iff_completed",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="task_title_not_blank"),
        ]
        indexes = [
            models.Index(fields=["case", "due_at"]),
            models.Index(fields=["owner_agency", "status", "due_at"]),
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["due_at"], condition=Q(status=TaskStatus.OPEN), name="task_open_due"),
        ]

    def __str__(self) -> str:
        return self.title


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


class TimelineEvent(models.Model):
    """Something that happened on a case. `summary` never carries section content; an entry is
    shown to agencies that may read its section and, when `agencies` is non-empty, only to those."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40)
    section = models.CharField(max_length=16, choices=Section.choices, default=Section.CORE)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, related_name="+")
    agencies = ArrayField(models.BigIntegerField(), default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["case", "-occurred_at"])]
