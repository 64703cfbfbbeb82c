"""Forms of the case plan pages. Each carries the plan's `version`, the draft the editor saw."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from plans.models import (
    ACTION_DESCRIPTION_MAX_LENGTH,
    COMMENTS_MAX_LENGTH,
    GOAL_DESCRIPTION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
)
from plans.services import GOAL_STATUS_CHOICES
from web.forms import BridgeForm, DateInput, LocalDateTimeInput, agency_choices, member_choices, set_choices


class PlanVersionForm(BridgeForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PlanGoalAddForm(PlanVersionForm):
    domain = forms.ChoiceField(label=_("Domain"))
    description = forms.CharField(
        label=_("Goal"), max_length=GOAL_DESCRIPTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    review_on = forms.DateField(label=_("Review on"), widget=DateInput())

    field_order = ["domain", "description", "review_on", "version"]

    def __init__(self, *args: Any, domains: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "domain", domains)


class PlanGoalEditForm(PlanVersionForm):
    description = forms.CharField(
        label=_("Goal"), max_length=GOAL_DESCRIPTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(label=_("Status"), choices=GOAL_STATUS_CHOICES)
    review_on = forms.DateField(label=_("Review on"), widget=DateInput())

    field_order = ["description", "status", "review_on", "version"]


class PlanActionAddForm(PlanVersionForm):
    description = forms.CharField(
        label=_("Action"), max_length=ACTION_DESCRIPTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_agency = forms.TypedChoiceField(label=_("Agency"), coerce=int)
    due_at = forms.DateTimeField(label=_("Due"), widget=LocalDateTimeInput())

    field_order = ["description", "owner_agency", "due_at", "version"]

    def __init__(self, *args: Any, agencies: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        set_choices(
            self, "owner_agency", [("", gettext("Choose an agency")), *agency_choices(self.agencies.values())]
        )

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["owner_agency"]]


class PlanSubmitForm(PlanVersionForm):
    summary = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    approver = forms.ChoiceField(label=_("Supervisor to decide"))

    field_order = ["summary", "approver", "version"]

    def __init__(self, *args: Any, supervisors: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.supervisors = {str(user.public_id): user for user in supervisors}
        set_choices(
            self, "approver", member_choices(self.supervisors.values(), empty=gettext("Choose a supervisor"))
        )

    def chosen_approver(self) -> User:
        return self.supervisors[self.cleaned_data["approver"]]


class PlanDecisionForm(BridgeForm):
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=COMMENTS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to return the plan: say what should change."),
    )
