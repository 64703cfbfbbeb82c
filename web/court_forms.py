"""Forms of the case's Court tab. Limits and choices come from `court.services`, which checks
them again; a record a form points at (a criminal case, a defendant, a restitution order) is
chosen among those of this case the reader sees."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from court.models import DETAILS_MAX_LENGTH, TEXT_MAX_LENGTH
from court.services import (
    CHARGE_DISPOSITION_CHOICES,
    CRIMINAL_CASE_STATUS_CHOICES,
    CUSTODY_EVENT_CHOICES,
    CUSTODY_STATUS_CHOICES,
    DOCKET_MAX_LENGTH,
    HEARING_OUTCOME_CHOICES,
    HEARING_TYPE_CHOICES,
    MONEY_MAX,
    PROCEEDING_TYPE_CHOICES,
    REFERENCE_MAX_LENGTH,
    STATUTE_MAX_LENGTH,
)
from web.forms import BridgeForm, DateInput, LocalDateTimeInput, set_choices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _money(label: "StrOrPromise", *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=12, decimal_places=2, min_value=0.01, max_value=MONEY_MAX
    )


class HearingScheduleForm(BridgeForm):
    type = forms.ChoiceField(label=_("Hearing"), choices=HEARING_TYPE_CHOICES)
    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput())
    court = forms.CharField(label=_("Court and department"), max_length=TEXT_MAX_LENGTH, required=False)


class HearingUpdateForm(BridgeForm):
    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=HEARING_OUTCOME_CHOICES)
    outcome_notes = forms.CharField(
        label=_("What the court decided"),
        max_length=DETAILS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class _RecordChoiceForm(BridgeForm):
    """A form adding a record under another one of this case (`parent`)."""

    parent_field = ""

    def __init__(self, *args: Any, parents: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.parent_field:
            set_choices(self, self.parent_field, list(parents))


class CriminalCaseForm(BridgeForm):
    court = forms.CharField(label=_("Court"), max_length=TEXT_MAX_LENGTH)
    docket_number = forms.CharField(label=_("Docket number"), max_length=DOCKET_MAX_LENGTH, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=CRIMINAL_CASE_STATUS_CHOICES)


class CriminalCaseStatusForm(BridgeForm):
    status = forms.ChoiceField(label=_("Status"), choices=CRIMINAL_CASE_STATUS_CHOICES)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DefendantForm(_RecordChoiceForm):
    parent_field = "criminal_case"
    criminal_case = forms.ChoiceField(label=_("Criminal case"))
    defendant_name = forms.CharField(label=_("Name"), max_length=TEXT_MAX_LENGTH)
    alias = forms.CharField(label=_("Alias"), max_length=TEXT_MAX_LENGTH, required=False)
    custody_status = forms.ChoiceField(label=_("Custody"), choices=CUSTODY_STATUS_CHOICES)


class ChargeForm(_RecordChoiceForm):
    parent_field = "defendant"
    defendant = forms.ChoiceField(label=_("Defendant"))
    statute = forms.CharField(
        label=_("Statute"), max_length=STATUTE_MAX_LENGTH, help_text=_("e.g. 18 U.S.C. 1591")
    )
    description = forms.CharField(label=_("Description"), max_length=TEXT_MAX_LENGTH, required=False)
    filed_on = forms.DateField(label=_("Filed on"), widget=DateInput())
    disposition = forms.ChoiceField(label=_("Disposition"), choices=CHARGE_DISPOSITION_CHOICES)
    disposed_on = forms.DateField(label=_("Disposed of on"), widget=DateInput(), required=False)


class ProceedingForm(_RecordChoiceForm):
    parent_field = "criminal_case"
    criminal_case = forms.ChoiceField(label=_("Criminal case"))
    type = forms.ChoiceField(label=_("Proceeding"), choices=PROCEEDING_TYPE_CHOICES)
    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput())
    public = forms.BooleanField(
        label=_("Public proceeding"),
        required=False,
        initial=True,
        help_text=_("The victim is notified before it."),
    )
    held = forms.BooleanField(label=_("Already held"), required=False)
    outcome = forms.CharField(
        label=_("Outcome"), max_length=DETAILS_MAX_LENGTH, required=False, widget=forms.Textarea
    )


class SentenceForm(_RecordChoiceForm):
    parent_field = "defendant"
    defendant = forms.ChoiceField(label=_("Defendant"))
    sentence = forms.CharField(label=_("Sentence"), max_length=TEXT_MAX_LENGTH)
    sentenced_on = forms.DateField(label=_("Sentenced on"), widget=DateInput())


class CustodyEventForm(_RecordChoiceForm):
    parent_field = "defendant"
    defendant = forms.ChoiceField(label=_("Defendant"))
    kind = forms.ChoiceField(label=_("What happened"), choices=CUSTODY_EVENT_CHOICES)
    occurred_at = forms.DateTimeField(label=_("When"), widget=LocalDateTimeInput())
    details = forms.CharField(
        label=_("Details"), max_length=TEXT_MAX_LENGTH, required=False, help_text=_("e.g. released on bond")
    )


class RestitutionOrderForm(_RecordChoiceForm):
    parent_field = "defendant"
    defendant = forms.ChoiceField(label=_("Defendant"))
    amount = _money(_("Amount ordered ($)"))
    monthly_amount = _money(_("Monthly payment ($)"), required=False)
    schedule = forms.CharField(label=_("Schedule"), max_length=TEXT_MAX_LENGTH, required=False)
    ordered_on = forms.DateField(label=_("Ordered on"), widget=DateInput())


class RestitutionPaymentForm(_RecordChoiceForm):
    parent_field = "order"
    order = forms.ChoiceField(label=_("Restitution order"))
    amount = _money(_("Amount paid ($)"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(label=_("Reference"), max_length=REFERENCE_MAX_LENGTH, required=False)
