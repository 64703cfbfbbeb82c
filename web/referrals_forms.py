"""Forms of the referral pages; limits and choices come from `referrals.services`."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from casework.services.handoffs import NOTE_MAX_LENGTH
from referrals.models import ServiceType
from referrals.services import (
    HANDOVER_NOTE_MAX_LENGTH,
    OUTCOME_CHOICES,
    REASON_MAX_LENGTH,
    SECTIONS_NEEDED_CHOICES,
    SESSION_KIND_CHOICES,
    SESSION_NOTE_MAX_LENGTH,
)
from web.forms import BridgeForm, agency_choices, set_choices


class ReferralSendForm(BridgeForm):
    service_type = forms.ChoiceField(label=_("Service"))
    provider = forms.TypedChoiceField(label=_("Provider"), coerce=int)
    sections_needed = forms.MultipleChoiceField(
        label=_("Sections the provider needs"),
        choices=SECTIONS_NEEDED_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("An active consent must name the provider and each of these."),
    )
    note = forms.CharField(
        label=_("Note to the provider"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea
    )

    urgent = forms.BooleanField(label=_("Urgent (a shorter time to answer)"), required=False)

    def __init__(
        self, *args: Any, service_types: Iterable[ServiceType], providers: Iterable[Agency], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.service_types = {service.key: service for service in service_types}
        self.providers = {agency.pk: agency for agency in providers}
        set_choices(
            self,
            "service_type",
            [("", gettext("Choose a service")), *((key, s.name) for key, s in self.service_types.items())],
        )
        set_choices(
            self, "provider", [("", gettext("Choose an agency")), *agency_choices(self.providers.values())]
        )

    def chosen(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "service_type": self.service_types[data["service_type"]],
            "provider": self.providers[data["provider"]],
            "sections_needed": list(data["sections_needed"]),
            "note": data["note"] or "",
            "urgent": bool(data["urgent"]),
        }


class ReferralDeclineForm(BridgeForm):
    reason = forms.CharField(
        label=_("Why your agency declines"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea
    )


class ReferralSessionForm(BridgeForm):
    occurred_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    kind = forms.ChoiceField(label=_("What"), choices=SESSION_KIND_CHOICES)
    note = forms.CharField(
        label=_("Note"), max_length=SESSION_NOTE_MAX_LENGTH, required=False, widget=forms.Textarea
    )


class ReferralOutcomeForm(BridgeForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOME_CHOICES)
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea)


class ReferralHandoverForm(BridgeForm):
    handover_note = forms.CharField(
        label=_("Who takes the service over when the case closes"),
        max_length=HANDOVER_NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
