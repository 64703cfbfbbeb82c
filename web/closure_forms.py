"""Forms of the case's closing page (`web.views.closure`). Limits and choices come from the
closing services' input contract."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import User
from casework.closure import ClosureBlocker
from casework.models import CLOSURE_SUMMARY_MAX_LENGTH
from casework.services.closure import (
    CLOSURE_REASON_CHOICES,
    DECISION_COMMENTS_MAX_LENGTH,
    JUSTIFICATION_MAX_LENGTH,
    REOPEN_REASON_MAX_LENGTH,
)
from web.forms import BridgeForm


class ClosureRequestForm(BridgeForm):
    reason = forms.ChoiceField(
        label=_("Why the case closes"), choices=[("", _("Choose a reason")), *CLOSURE_REASON_CHOICES]
    )
    summary = forms.CharField(
        label=_("Closing summary"),
        max_length=CLOSURE_SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What was done, where the child is and who supports them now. Only your agency reads it."
        ),
    )
    reviewer = forms.ModelChoiceField(
        label=_("Supervisor asked to approve"),
        queryset=User.objects.none(),
        empty_label=_("Choose a supervisor"),
    )

    def __init__(
        self, *args: Any, blockers: list[ClosureBlocker], reviewers: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        reviewer_field = self.fields["reviewer"]
        assert isinstance(reviewer_field, forms.ModelChoiceField)
        reviewer_field.queryset = User.objects.filter(pk__in=[user.pk for user in reviewers]).order_by(
            "last_name", "first_name", "username"
        )
        reviewer_field.label_from_instance = lambda user: user.get_full_name() or user.username  # type: ignore[method-assign,assignment]
        self.justified: list[tuple[str, ClosureBlocker]] = []
        for number, blocker in enumerate(blockers, start=1):
            if not blocker.justifiable:
                continue
            name = f"justification_{number}"
            self.fields[name] = forms.CharField(
                label=blocker.message,
                max_length=JUSTIFICATION_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Why the case may close with this open (or finish it first)."),
            )
            self.justified.append((name, blocker))

    def justifications(self) -> dict[str, str]:
        return {
            blocker.key: self.cleaned_data[name]
            for name, blocker in self.justified
            if self.cleaned_data.get(name, "").strip()
        }


class ClosureApproveForm(BridgeForm):
    comments = forms.CharField(
        label=_("Comments (optional)"),
        max_length=DECISION_COMMENTS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClosureReturnForm(BridgeForm):
    comments = forms.CharField(
        label=_("What needs to change"),
        max_length=DECISION_COMMENTS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(BridgeForm):
    reason = forms.CharField(
        label=_("Why the case is reopened"),
        max_length=REOPEN_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
