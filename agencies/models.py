import uuid

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    IMMIGRATION = "immigration", _("Immigration (ICE / HSI)")
    LEGAL_ADVOCATE = "legal_advocate", _("Legal advocate")
    VICTIM_SERVICES = "victim_services", _("Victim services")
    PROSECUTION = "prosecution", _("Prosecution")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    LIAISON = "liaison", _("Liaison")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")


AGENCY_NAME_MAX_LENGTH = 200


def agency_group_name(public_id: uuid.UUID) -> str:
    """The name of an agency's auth group. Built from the agency's public id, never its name: an
    agency name may be longer than a group name can be (200 against 150 characters)."""
    return f"agency:{public_id}"


class Agency(models.Model):
    """An organisation taking part in Bridge. Its group carries its object permissions."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=AGENCY_NAME_MAX_LENGTH, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    jurisdiction = models.CharField(
        max_length=16, default="US", help_text=_("`US` for federal agencies or a state code such as `TX`.")
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AgencyKind.values), name="agency_kind_is_known"
            ),
        ]
        triggers = [
            # An agency's kind decides which sections it stewards and writes on every case it takes
            # part in: changing it would hand its members rights nobody granted. A different kind
            # of agency is a new agency, invited like any other.
            pgtrigger.Protect(
                name="agency_kind_is_fixed",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__kind__df=pgtrigger.F("new__kind")),
            ),
        ]

    def __str__(self) -> str:
        return self.name


# DRF's token table (`rest_framework.authtoken.models.Token`), named here because the trigger
# below is written in SQL; a test checks it is still that model's table.
API_TOKEN_TABLE = "authtoken_token"  # noqa: S105 - a table name


class User(AbstractUser):
    """A person. Members of an agency hold exactly one role there; platform administrators
    (staff or superusers) manage agencies and templates, hold no agency and no role, and never
    see case content. Nobody but the person sets their password (see `agencies.services`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    role = models.CharField(max_length=32, choices=Role.choices, blank=True, default="")
    # The language pages, messages and the emails sent to this person are in; blank follows the
    # browser. A database default too, so rows written by COPY (the load generator) carry it.
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(agency__isnull=True) & models.Q(role=""))
                | (models.Q(agency__isnull=False) & models.Q(role__in=Role.values)),
                name="user_agency_and_role_go_together",
            ),
            # No god mode: a platform administrator given an agency and a case role would read
            # cases with the platform's rights. Staff and members are separate accounts.
            models.CheckConstraint(
                condition=(models.Q(is_staff=False) & models.Q(is_superuser=False))
                | (models.Q(agency__isnull=True) & models.Q(role="")),
                name="user_staff_have_no_agency",
            ),
        ]
        indexes = [models.Index(fields=["agency", "role"])]
        triggers = [
            # An API token must not outlive the reason its password changed, whichever path changed
            # it: the sign-in pages, a reset link, `manage.py changepassword` or a shell. Sessions
            # end by themselves (Django checks each against the password hash); tokens do not.
            pgtrigger.Trigger(
                name="password_change_ends_api_tokens",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__password__df=pgtrigger.F("new__password"))
                | pgtrigger.Q(old__is_active=True, new__is_active=False),
                func=f"DELETE FROM {API_TOKEN_TABLE} WHERE user_id = NEW.id; RETURN NULL;",  # noqa: S608
            ),
        ]
