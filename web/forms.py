"""Forms of the browser pages. They parse and label input; the services validate it again and
decide. Choices that depend on the reader (their agency's members, the sections they may write)
are passed in by the view, already read through the access layer, so rendering a list of forms
costs no query per row."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.postgres.forms import SimpleArrayField
from django.db import models
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from agencies.services import EMAIL_MAX_LENGTH, PERSON_NAME_MAX_LENGTH, ROLE_CHOICES, USERNAME_MAX_LENGTH
from casework.dashboard import period_bounds
from casework.models import (
    CONSENT_INTERPRETER_MAX_LENGTH,
    CONSENT_LANGUAGE_MAX_LENGTH,
    CONSENT_SIGNED_BY_MAX_LENGTH,
    HEARING_EVENT_TYPES,
    SECTION_MODELS,
    TASK_TITLE_MAX_LENGTH,
    CaseStatus,
    Consent,
    TaskPriority,
    TraffickingStatus,
    section_fields,
)
from casework.sections import Section, section_names
from casework.selectors import FIELD_LABELS
from casework.services.breakglass import REASON_MAX_LENGTH as BREAK_GLASS_REASON_MAX_LENGTH
from casework.services.cases import AGE_BAND_CHOICES, PSEUDONYM_MAX_LENGTH
from casework.services.events import EVENT_TYPE_CHOICES
from casework.services.events import REASON_MAX_LENGTH as EVENT_REASON_MAX_LENGTH
from casework.services.handoffs import NOTE_MAX_LENGTH as HANDOFF_NOTE_MAX_LENGTH
from casework.services.notes import NOTE_MAX_LENGTH
from casework.services.sharing import CONSENT_PURPOSE_MAX_LENGTH, SIGNER_CAPACITY_CHOICES
from casework.services.tasks import (
    OUTCOME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    STATUTORY_OUTCOME_REQUIRED,
    TASK_DESCRIPTION_MAX_LENGTH,
    TASK_PRIORITY_CHOICES,
)
from common.errors import ValidationFailed
from common.inputs import TOO_LONG
from common.times import format_day
from documents.models import DOCUMENT_TITLE_MAX_LENGTH, AttachedKind, DocumentType
from exploitation.models import (
    ForcedLabourIndustry,
    MethodOfControl,
    MethodOfRecruitment,
    RecruiterRelationship,
    TypeOfExploitation,
)
from exploitation.services import COUNTY_MAX_LENGTH, STATE_CODE_LENGTH
from links.models import LinkKind
from matching.services import MATCH_TOKEN_MAX_LENGTH
from notifications.models import NotificationPreference
from relief.models import DETAILS_MAX_LENGTH as RELIEF_DETAILS_MAX_LENGTH
from relief.models import RECEIPT_NUMBER_MAX_LENGTH, ReliefStatus
from relief.services import RELIEF_KIND_CHOICES, RELIEF_STATUS_CHOICES
from web.selectors import UNASSIGNED

LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=LOCAL_DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def local_now_input() -> str:
    return timezone.localtime().strftime(LOCAL_DATETIME_FORMAT)


def set_choices(
    form: forms.Form, name: str, choices: Sequence[tuple[Any, str | Promise | list[tuple[Any, str]]]]
) -> None:
    """Plain choices, or named groups of them."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    """A form's errors in the shape of `ValidationFailed.fields`."""
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def person_name(user: User) -> str:
    return user.get_full_name() or user.username


def member_choices(members: Iterable[User], *, empty: str | Promise) -> list[tuple[str, str | Promise]]:
    return [("", empty), *((str(m.public_id), f"{person_name(m)} ({m.get_role_display()})") for m in members)]


def agency_choices(agencies: Iterable[Agency]) -> list[tuple[int, str]]:
    return [(agency.pk, agency.name) for agency in agencies]


class ServiceErrorsMixin:
    """Put a service's `ValidationFailed.fields` on the form: keys the form knows become field
    errors, the rest (and the message) form-wide errors."""

    # Service field names that this form calls differently.
    service_field_names: Mapping[str, str] = {}

    def add_service_errors(self, message: str, fields: Mapping[str, list[str]]) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        placed = False
        for key, messages in fields.items():
            name = self.service_field_names.get(key, key.rsplit(".", 1)[-1])
            for text in messages:
                if name in form.fields:
                    form.add_error(name, text)
                    placed = True
                else:
                    form.add_error(None, f"{key}: {text}")
        if not placed and not fields:
            form.add_error(None, message)


class BridgeForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A text over its limit reads as the service and the API say it.
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is not None:
                field.error_messages["max_length"] = TOO_LONG.format(max_length="%(limit_value)d")

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        # Screen readers announce an invalid field and read its message with it.
        names = [field] if field is not None else []
        if isinstance(error, forms.ValidationError) and hasattr(error, "error_dict"):
            names = list(error.error_dict)
        for name in names:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}_error"]
                if bound.help_text:
                    described.append(f"{bound.auto_id}_helptext")
                # Keep whatever else describes the field (a line the page shows next to it).
                already = str(self.fields[name].widget.attrs.get("aria-describedby", "")).split()
                described += [known for known in already if known not in described]
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": " ".join(described)}
                )


class MemberAddForm(BridgeForm):
    username = forms.CharField(label=_("Username"), max_length=USERNAME_MAX_LENGTH)
    first_name = forms.CharField(label=_("First name"), max_length=PERSON_NAME_MAX_LENGTH)
    last_name = forms.CharField(label=_("Last name"), max_length=PERSON_NAME_MAX_LENGTH)
    email = forms.EmailField(
        label=_("Work email"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("The enrolment link goes here: they choose their own password."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Choose a role")), *ROLE_CHOICES])


class MemberRoleForm(BridgeForm):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)


class SearchForm(BridgeForm):
    q = forms.CharField(
        label=_("Case number, pseudonym or name"),
        max_length=200,
        required=False,
        help_text=_(
            "Any part of it; accents, case, spaces and punctuation do not matter (LM finds L.M.). "
            "A child's name or alias finds the cases where your agency may read their identity."
        ),
    )


# The case list's orders: the first click on a column sorts it the way people look at it first
# (soonest deadline, most overdue, latest activity); the next click reverses it.
CASE_SORT_LABELS = {
    "newest": _("newest first"),
    "deadline": _("soonest deadline first"),
    "-deadline": _("latest deadline first"),
    "-overdue": _("most overdue tasks first"),
    "overdue": _("fewest overdue tasks first"),
    "-activity": _("latest activity first"),
    "activity": _("earliest activity first"),
}


class CaseFilterForm(BridgeForm):
    """The case list's filters and order, all in the URL (`GET`); the search term is not (it is
    carried by the random key in `search`)."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *CaseStatus.choices], required=False
    )
    trafficking = forms.ChoiceField(
        label=_("Trafficking status"),
        choices=[("", _("Any trafficking status")), *TraffickingStatus.choices],
        required=False,
    )
    unscreened = forms.BooleanField(
        label=_("In care, never screened"),
        required=False,
        help_text=_(
            "Children removed from home and not yet screened for trafficking (cases whose location "
            "your agency reads)."
        ),
    )
    lead = forms.TypedChoiceField(label=_("Lead agency"), coerce=int, empty_value=None, required=False)
    assignee = forms.ChoiceField(label=_("Task assigned to"), required=False)
    overdue = forms.BooleanField(label=_("Has overdue tasks"), required=False)
    mine = forms.BooleanField(label=_("My cases only"), required=False)
    sort = forms.ChoiceField(choices=list(CASE_SORT_LABELS.items()), required=False, widget=forms.HiddenInput)
    search = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        agencies: Iterable[Agency],
        members: Iterable[User],
        whole_agency: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "lead", [("", _("Any agency")), *agency_choices(agencies)])
        set_choices(
            self,
            "assignee",
            [
                ("", _("Anyone or no one")),
                (UNASSIGNED, _("No one (unassigned tasks)")),
                *member_choices(members, empty="")[1:],
            ],
        )
        if whole_agency:
            self.fields["mine"].help_text = _("Cases whose team you are on or where you hold a task.")
        else:
            # A caseworker sees only the cases they work on: the filter would change nothing.
            del self.fields["mine"]


class CaseOpenForm(BridgeForm):
    pseudonym = forms.CharField(
        label=_("Pseudonym or initials"),
        max_length=PSEUDONYM_MAX_LENGTH,
        help_text=_("Never the child's legal name."),
    )
    # No age band is chosen for the user: a wrong one would pass unnoticed ("Unknown" is a choice).
    age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=[("", _("Choose the child's age band")), *AGE_BAND_CHOICES],
        error_messages={
            "required": _("Choose the child's age band, or Unknown if nobody knows it yet."),
            "invalid_choice": _("Choose one of the age bands in the list."),
        },
    )


class VersionedForm(BridgeForm):
    """An edit of the case made against the version the editor saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CoreEditForm(VersionedForm):
    pseudonym = forms.CharField(
        label=_("Pseudonym or initials"),
        max_length=PSEUDONYM_MAX_LENGTH,
        help_text=_("Never the child's legal name."),
    )
    age_band = forms.ChoiceField(label=_("Age band"), choices=AGE_BAND_CHOICES)

    field_order = ["pseudonym", "age_band", "version"]


def _section_widgets(section: str) -> dict[str, type[forms.Widget] | forms.Widget]:
    model = SECTION_MODELS[section]
    widgets: dict[str, type[forms.Widget] | forms.Widget] = {}
    for name in section_fields(section):
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        if field.get_internal_type() == "DateField":
            widgets[name] = DateInput()
        elif field.get_internal_type() == "TextField":
            widgets[name] = forms.Textarea(attrs={"rows": 4})
    return widgets


def section_edit_form(section: str) -> type[VersionedForm]:
    """An edit form for a data section, its fields taken from the section's model."""
    fields = fields_for_model(
        SECTION_MODELS[section], fields=list(section_fields(section)), widgets=_section_widgets(section)
    )
    for name, field in fields.items():
        # The models' verbose names are English; people read the fields' names in their language.
        field.label = FIELD_LABELS.get(name, field.label)
        if isinstance(field, SimpleArrayField):
            field.help_text = _("Separate several with commas.")
    return type(f"{section.title()}EditForm", (VersionedForm,), dict(fields))


class NoteForm(BridgeForm):
    section = forms.ChoiceField(label=_("Section"))
    body = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, sections: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "section", [(s, Section(s).label) for s in sections])


class CaseEventForm(BridgeForm):
    # Nothing is chosen for the user: a deadline started by a wrong default is worse than a
    # form that asks.
    event_type = forms.ChoiceField(
        label=_("What happened"),
        choices=[("", _("Choose what happened")), *EVENT_TYPE_CHOICES],
        error_messages={
            "required": _("Choose what happened."),
            "invalid_choice": _("Choose one of the events in the list."),
        },
    )
    occurred_at = forms.DateTimeField(
        label=_("When it happened"),
        widget=LocalDateTimeInput(),
        error_messages={
            "required": _("Enter the date and time it happened."),
            "invalid": _("Enter the date and time it happened, as day, month, year and time."),
        },
    )
    hearing_at = forms.DateTimeField(
        label=_("Hearing date and time"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("Only for a court hearing scheduled."),
        error_messages={"invalid": _("Enter the hearing's date and time, as day, month, year and time.")},
    )

    service_field_names = {"type": "event_type", "details.hearing_at": "hearing_at"}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        hearing = cleaned.get("event_type") in HEARING_EVENT_TYPES
        if hearing and not cleaned.get("hearing_at") and "hearing_at" not in self.errors:
            self.add_error("hearing_at", _("Enter the date and time of the court hearing."))
        return cleaned

    def details(self) -> dict[str, str]:
        hearing_at: datetime | None = self.cleaned_data.get("hearing_at")
        if self.cleaned_data["event_type"] not in HEARING_EVENT_TYPES:
            return {}
        return {"hearing_at": hearing_at.isoformat()} if hearing_at else {}


class EventCorrectForm(BridgeForm):
    occurred_at = forms.DateTimeField(
        label=_("When it really happened"),
        widget=LocalDateTimeInput(),
        error_messages={
            "required": _("Enter the date and time it really happened."),
            "invalid": _("Enter the date and time it really happened, as day, month, year and time."),
        },
    )
    hearing_at = forms.DateTimeField(
        label=_("Hearing date and time"),
        required=False,
        widget=LocalDateTimeInput(),
        error_messages={"invalid": _("Enter the hearing's date and time, as day, month, year and time.")},
    )
    reason = forms.CharField(
        label=_("Why it is corrected"),
        max_length=EVENT_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the event is being corrected.")},
    )

    def __init__(self, *args: Any, hearing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not hearing:
            del self.fields["hearing_at"]


class EventVoidForm(BridgeForm):
    reason = forms.CharField(
        label=_("Why it is voided"),
        max_length=EVENT_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The open tasks it started are cancelled with this reason; done tasks stay done."),
        error_messages={"required": _("Say why the event is being voided.")},
    )


class TaskCreateForm(BridgeForm):
    title = forms.CharField(label=_("Title"), max_length=TASK_TITLE_MAX_LENGTH)
    due_at = forms.DateTimeField(label=_("Due"), widget=LocalDateTimeInput())
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TASK_PRIORITY_CHOICES, initial=TaskPriority.NORMAL
    )
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TASK_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, members: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(member.public_id): member for member in members}
        set_choices(self, "assignee", member_choices(self.members.values(), empty=_("Nobody yet")))

    def chosen_assignee(self) -> User | None:
        return self.members.get(self.cleaned_data.get("assignee") or "")


class AssignForm(BridgeForm):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, members: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(member.public_id): member for member in members}
        set_choices(self, "assignee", member_choices(self.members.values(), empty=_("Nobody")))

    def chosen_assignee(self) -> User | None:
        return self.members.get(self.cleaned_data.get("assignee") or "")


class TaskCompleteForm(BridgeForm):
    outcome = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=OUTCOME_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was reported, to whom, and the reference number (e.g. an NCMEC report number)."),
    )

    def __init__(self, *args: Any, statutory: bool, **kwargs: Any) -> None:
        """`statutory`: the task comes from a deadline set by law, whose outcome is required."""
        super().__init__(*args, **kwargs)
        if statutory:
            self.fields["outcome"].required = True
            self.fields["outcome"].error_messages["required"] = STATUTORY_OUTCOME_REQUIRED
        else:
            self.fields["outcome"].label = _("What was done (optional)")


class TaskReopenForm(BridgeForm):
    reason = forms.CharField(
        label=_("Why reopen it"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded on the case's timeline with the outcome it had."),
    )


class TaskHandoffForm(BridgeForm):
    to_agency = forms.TypedChoiceField(label=_("Hand off to"), coerce=int)
    note = forms.CharField(
        label=_("Note for the receiving agency"),
        required=False,
        max_length=HANDOFF_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what is needed. No names of the child."),
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)

    def __init__(
        self,
        *args: Any,
        agencies: Iterable[Agency],
        reached: frozenset[int] | None,
        lead_agency: Agency,
        **kwargs: Any,
    ) -> None:
        """`reached`: the agencies a handoff by this user reaches at once (those on the case), or
        None for any (the user may invite); a handoff to any other awaits `lead_agency`'s approval."""
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        on_case = [agency for agency in self.agencies.values() if reached is None or agency.pk in reached]
        off_case = [
            agency for agency in self.agencies.values() if reached is not None and agency.pk not in reached
        ]
        if not off_case:
            set_choices(self, "to_agency", [("", _("Choose an agency")), *agency_choices(on_case)])
        else:
            lead = lead_agency.name
            set_choices(
                self,
                "to_agency",
                [
                    ("", _("Choose an agency")),
                    (_("On this case"), agency_choices(on_case)),
                    (
                        _("Not on this case yet: %(lead)s must approve first") % {"lead": lead},
                        agency_choices(off_case),
                    ),
                ],
            )
            self.fields["to_agency"].help_text = _(
                "Handing a task to an agency not yet on this case invites it, so %(lead)s must approve "
                "first; that agency sees nothing until then."
            ) % {"lead": lead}
            self.fields["note"].help_text = _(
                "Say what is needed. No names of the child. The lead agency reads it too when it must "
                "approve."
            )
        self.fields["urgent"].help_text = _(
            "Asks for an answer within %(urgent)s h instead of %(normal)s h."
        ) % {
            "urgent": settings.BRIDGE_HANDOFF_URGENT_RESPONSE_HOURS,
            "normal": settings.BRIDGE_HANDOFF_RESPONSE_HOURS,
        }

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["to_agency"]]


class HandoffAcceptForm(BridgeForm):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=HANDOFF_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, members: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(member.public_id): member for member in members}
        set_choices(self, "assignee", member_choices(self.members.values(), empty=_("Nobody yet")))

    def chosen_assignee(self) -> User | None:
        return self.members.get(self.cleaned_data.get("assignee") or "")


class HandoffDeclineForm(BridgeForm):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=HANDOFF_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required. The sending agency reads it."),
    )


class InviteForm(BridgeForm):
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int)

    def __init__(self, *args: Any, agencies: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        set_choices(
            self, "agency", [("", str(_("Choose an agency"))), *agency_choices(self.agencies.values())]
        )

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


class TeamMemberForm(BridgeForm):
    member = forms.ChoiceField(label=_("Colleague"))

    service_field_names = {"user": "member"}

    def __init__(self, *args: Any, members: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(member.public_id): member for member in members}
        set_choices(self, "member", member_choices(self.members.values(), empty=str(_("Choose a colleague"))))

    def chosen_member(self) -> User:
        return self.members[self.cleaned_data["member"]]


class GrantForm(BridgeForm):
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int)
    section = forms.ChoiceField(label=_("Section"))
    consent = forms.ChoiceField(
        label=_("Consent"),
        required=False,
        help_text=_("Required for sections shared only on recorded consent."),
    )
    expires_at = forms.DateTimeField(label=_("Ends"), required=False, widget=LocalDateTimeInput())

    def __init__(
        self,
        *args: Any,
        agencies: Iterable[Agency],
        sections: Iterable[str],
        consents: Iterable[Consent],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        self.consents = {str(consent.pk): consent for consent in consents}
        set_choices(
            self, "agency", [("", str(_("Choose an agency"))), *agency_choices(self.agencies.values())]
        )
        set_choices(self, "section", [(s, Section(s).label) for s in sections])
        set_choices(
            self,
            "consent",
            [
                ("", str(_("No consent"))),
                *(
                    (
                        key,
                        _("%(agency)s: %(sections)s, signed %(signed)s, until %(until)s")
                        % {
                            "agency": consent.recipient_agency.name,
                            "sections": section_names(consent.sections),
                            "signed": format_day(consent.signed_on),
                            "until": format_day(consent.expires_on),
                        },
                    )
                    for key, consent in self.consents.items()
                ),
            ],
        )

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]

    def chosen_consent(self) -> Consent | None:
        return self.consents.get(self.cleaned_data.get("consent") or "")


class ConsentForm(BridgeForm):
    recipient_agency = forms.TypedChoiceField(label=_("Receiving agency"), coerce=int)
    sections = forms.MultipleChoiceField(label=_("Sections"), widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(
        label=_("Purpose"), max_length=CONSENT_PURPOSE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    signed_by = forms.CharField(
        label=_("Signed by"),
        max_length=CONSENT_SIGNED_BY_MAX_LENGTH,
        help_text=_("The child, and the guardian where one must sign."),
    )
    signer_capacity = forms.ChoiceField(
        label=_("Signed as"),
        choices=[("", _("Choose a capacity")), *SIGNER_CAPACITY_CHOICES],
    )
    explained_in = forms.CharField(
        label=_("Explained in"),
        max_length=CONSENT_LANGUAGE_MAX_LENGTH,
        required=False,
        help_text=_("The language the consent was explained in, for example Spanish."),
    )
    interpreter = forms.CharField(
        label=_("Interpreter"),
        max_length=CONSENT_INTERPRETER_MAX_LENGTH,
        required=False,
        help_text=_("If one was used: their name or the interpreter service's reference."),
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput(),
    )

    def __init__(
        self, *args: Any, agencies: Iterable[Agency], sections: Iterable[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        set_choices(
            self,
            "recipient_agency",
            [
                ("", str(_("Choose an agency"))),
                *agency_choices(self.agencies.values()),
            ],
        )
        set_choices(self, "sections", [(s, Section(s).label) for s in sorted(sections)])
        # Set here, not on the field: the sentence is translated in the reader's language.
        self.fields["expires_on"].help_text = _(
            "At most %(days)s days after signing; that is the default."
        ) % {"days": settings.BRIDGE_CONSENT_MAX_DAYS}

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["recipient_agency"]]


class DashboardPeriodForm(BridgeForm):
    since = forms.DateField(label=_("From"), widget=DateInput())
    until = forms.DateField(label=_("To (inclusive)"), widget=DateInput())
    # [start, end) of the chosen days, set once the form is valid.
    bounds: tuple[datetime, datetime]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "since" in cleaned and "until" in cleaned:
            try:
                self.bounds = period_bounds(since=cleaned["since"], until=cleaned["until"])
            except ValidationFailed as error:
                self.add_service_errors(error.message, error.fields)
        return cleaned


class BreakGlassForm(BridgeForm):
    section = forms.ChoiceField(label=_("Section to open"))
    reason = forms.CharField(
        label=_("Why the child is in danger and why this section is needed"),
        max_length=BREAK_GLASS_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. The lead agency's supervisors and the section's stewards read it at once."),
    )

    def __init__(self, *args: Any, sections: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "section", [(s, Section(s).label) for s in sections])


class ExploitationProfileForm(BridgeForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    type_of_exploitation = forms.MultipleChoiceField(
        label=_("Type of exploitation"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=TypeOfExploitation.choices,
    )
    industry = forms.ChoiceField(
        label=_("Industry or setting"), required=False, choices=ForcedLabourIndustry.choices
    )
    method_of_recruitment = forms.MultipleChoiceField(
        label=_("How the child was recruited"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=MethodOfRecruitment.choices,
    )
    method_of_control = forms.MultipleChoiceField(
        label=_("Means of control"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=MethodOfControl.choices,
    )
    recruiter_relationship = forms.ChoiceField(
        label=_("The exploiter is the child's"),
        required=False,
        choices=RecruiterRelationship.choices,
        help_text=_(
            "A parent, guardian or relative here means consents they may have signed cannot ground a grant."
        ),
    )
    exploitation_began_on = forms.DateField(
        label=_("Exploitation began on"), required=False, widget=DateInput()
    )
    exploitation_ended_on = forms.DateField(
        label=_("Exploitation ended on"), required=False, widget=DateInput()
    )
    state = forms.CharField(
        label=_("State"), required=False, max_length=STATE_CODE_LENGTH, help_text=_("Two letters, e.g. TX.")
    )
    county = forms.CharField(
        label=_("County"),
        required=False,
        max_length=COUNTY_MAX_LENGTH,
        help_text=_("Never a street or a venue."),
    )
    exploiter_may_have_access = forms.BooleanField(
        label=_("The exploiter may still have access to the child"), required=False
    )


class CaseLinkForm(BridgeForm):
    other_case = forms.CharField(
        label=_("Other case number"), max_length=32, help_text=_("For example BR-2026-000123.")
    )
    kind = forms.ChoiceField(label=_("Link"), choices=LinkKind.choices)


class EmailSettingsForm(BridgeForm):
    """How Bridge emails a person, as three plain choices over the two switches
    `notification_preferences_update` takes (`email_enabled`, `email_digest`)."""

    SWITCHES = {
        "each": {"email_enabled": True, "email_digest": False},
        "digest": {"email_enabled": True, "email_digest": True},
        "none": {"email_enabled": False, "email_digest": False},
    }
    SAVED = {
        "each": _("Saved: Bridge will email you each notification."),
        "digest": _("Saved: Bridge will email you one daily digest."),
        "none": _("Saved: Bridge will not email you; notifications stay in your inbox."),
    }

    email = forms.ChoiceField(
        label=_("When you get a notification"),
        choices=[
            ("each", _("Email me each notification")),
            ("digest", _("One daily digest")),
            ("none", _("No email (inbox only)")),
        ],
        widget=forms.RadioSelect,
    )

    @staticmethod
    def choice_for(preference: NotificationPreference) -> str:
        if not preference.email_enabled:
            return "none"
        return "digest" if preference.email_digest else "each"

    def switches(self) -> dict[str, bool]:
        return self.SWITCHES[self.cleaned_data["email"]]

    def saved_message(self) -> str:
        return str(self.SAVED[self.cleaned_data["email"]])


class ReliefFieldsForm(BridgeForm):
    requested_on = forms.DateField(label=_("Requested on"), required=False, widget=DateInput())
    filed_on = forms.DateField(label=_("Filed on"), required=False, widget=DateInput())
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=DateInput())
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())
    receipt_number = forms.CharField(
        label=_("Receipt number"), required=False, max_length=RECEIPT_NUMBER_MAX_LENGTH
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=RELIEF_DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReliefAddForm(ReliefFieldsForm):
    kind = forms.ChoiceField(label=_("Step"), choices=RELIEF_KIND_CHOICES)
    status = forms.ChoiceField(
        label=_("Status"), choices=RELIEF_STATUS_CHOICES, initial=ReliefStatus.CONSIDERING
    )

    field_order = ["kind", "status"]


class ReliefUpdateForm(ReliefFieldsForm):
    status = forms.ChoiceField(label=_("Status"), choices=RELIEF_STATUS_CHOICES)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    field_order = ["status"]


class ReliefRequestForm(BridgeForm):
    to_agency = forms.TypedChoiceField(label=_("Ask"), coerce=int)

    def __init__(self, *args: Any, agencies: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        set_choices(
            self, "to_agency", [("", str(_("Choose an agency"))), *agency_choices(self.agencies.values())]
        )

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["to_agency"]]


class DocumentUploadForm(BridgeForm):
    """A new document: its type, the section that protects it (those the reader's agency writes),
    a title and the file. The service checks the file's content and size."""

    document_type = forms.ChoiceField(label=_("Type"))
    section = forms.ChoiceField(
        label=_("Section"),
        required=False,
        help_text=_(
            "Who may open it: the readers of this section. A document of a record takes the record's."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=DOCUMENT_TITLE_MAX_LENGTH)
    file = forms.FileField(label=_("File"), help_text=_("A PDF or image."))
    attached_kind = forms.ChoiceField(
        widget=forms.HiddenInput, required=False, choices=[("", ""), *AttachedKind.choices]
    )
    attached_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, document_types: Iterable[DocumentType], sections: Iterable[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.document_types = {document_type.key: document_type for document_type in document_types}
        set_choices(self, "document_type", [(key, str(value)) for key, value in self.document_types.items()])
        set_choices(
            self,
            "section",
            [
                ("", str(_("The record's section"))),
                *[(section, Section(section).label) for section in sections],
            ],
        )

    def chosen_type(self) -> DocumentType:
        return self.document_types[self.cleaned_data["document_type"]]


class DocumentVersionForm(BridgeForm):
    file = forms.FileField(
        label=_("New version"), help_text=_("A PDF or image; the earlier versions are kept.")
    )


class ComparisonAskForm(forms.Form):
    match = forms.CharField(max_length=MATCH_TOKEN_MAX_LENGTH)
    note = forms.CharField(max_length=HANDOFF_NOTE_MAX_LENGTH, required=False)


def _reason_field(help_text: Any) -> forms.CharField:
    """`help_text`: a lazily translated string."""
    return forms.CharField(
        label=_("Reason"),
        max_length=HANDOFF_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class MergeProposeForm(BridgeForm):
    keep = forms.ChoiceField(
        label=_("Keep"),
        choices=[("mine", _("Your agency's case")), ("theirs", _("The other agency's case"))],
        widget=forms.RadioSelect,
        help_text=_(
            "The other case is merged into it: its tasks, notes, handoffs and sharing move; "
            "nothing is deleted."
        ),
    )
    reason = _reason_field(_("Required. The other agency's supervisors read it."))


class MergeDeclineForm(BridgeForm):
    reason = _reason_field(_("Required. The supervisor who proposed the merge reads it."))


class ComparisonDecisionForm(BridgeForm):
    reason = _reason_field(
        _("Required. The asking agency reads it: write nothing of your case it may not read.")
    )
