"""Documents held on a case: signed consent forms, court and predicate orders, certifications,
placement agreements, identity and medical papers.

A `Document` belongs to one case and one section, which decides who may open it; it may be
attached to a record of that case (a consent, a relief step, a hearing, a referral), and then
takes that record's section. Its title is content of its section. Each upload is a
`DocumentVersion`: the file's bytes, encrypted (`documents.crypto`), are stored under a random
object name in the `documents` storage, never under anything derived from the uploaded filename;
a new upload adds a version and keeps the old ones."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models import Case, Consent
from casework.sections import Section

DOCUMENT_TITLE_MAX_LENGTH = 200
DOCUMENT_TYPE_KEY_MAX_LENGTH = 40
DOCUMENT_TYPE_NAME_MAX_LENGTH = 100
# The uploaded name is kept only as display text (what the download is called), cut to this.
DISPLAY_NAME_MAX_LENGTH = 120


class DocumentType(models.Model):
    """What kind of paper a document is. Data, edited by platform staff in the admin."""

    key = models.SlugField(max_length=DOCUMENT_TYPE_KEY_MAX_LENGTH, unique=True)
    name = models.CharField(max_length=DOCUMENT_TYPE_NAME_MAX_LENGTH)
    active = models.BooleanField(default=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "name"]

    def __str__(self) -> str:
        return self.name


class AttachedKind(models.TextChoices):
    """The records of a case a document can be attached to, each of which carries a section."""

    CONSENT = "consent", _("Consent")
    RELIEF_RECORD = "relief_record", _("Relief step")
    HEARING = "hearing", _("Hearing")
    REFERRAL = "referral", _("Referral")


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    section = models.CharField(max_length=16, choices=Section.choices)
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(max_length=DOCUMENT_TITLE_MAX_LENGTH)
    # The record it belongs to, if any. Consents live in casework and are linked by key; relief
    # steps, hearings and referrals live in feature apps this app may not import, so they are
    # named by kind and id (the API and pages resolve them through their own apps' access checks).
    attached_kind = models.CharField(max_length=16, choices=AttachedKind.choices, blank=True)
    attached_id = models.UUIDField(null=True, blank=True)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    latest_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(section__in=Section.values), name="document_section_is_known"),
            models.CheckConstraint(
                condition=(Q(attached_kind="") & Q(attached_id__isnull=True))
                | (~Q(attached_kind="") & Q(attached_id__isnull=False)),
                name="document_attachment_complete",
            ),
            models.CheckConstraint(
                condition=Q(consent__isnull=True)
                | (Q(attached_kind=AttachedKind.CONSENT) & Q(attached_id=models.F("consent"))),
                name="document_consent_is_attachment",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "section"], name="document_case_section"),
            models.Index(fields=["attached_kind", "attached_id"], name="document_attached"),
        ]

    def __str__(self) -> str:
        # Never the title: it is content of its section, and admin lists and logs may show this.
        return f"document {self.pk}"


class DocumentVersion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # A random name in the documents storage: the uploaded filename never reaches a path.
    object_name = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX_LENGTH)
    size = models.PositiveBigIntegerField(help_text=_("Bytes of the file before encryption."))
    content_type = models.CharField(max_length=100, help_text=_("Sniffed from the file's content."))
    sha256 = models.CharField(max_length=64, help_text=_("Of the file before encryption."))
    key_id = models.CharField(max_length=32, help_text=_("The key it is encrypted under now."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"document version {self.pk}"
