"""The screening forms: a screening's questions are rendered from its instrument's data, then the
worker confirms a decision on the suggested status."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.models import DECIDABLE_STATUS_CHOICES, AnswerType, Instrument, InstrumentQuestion
from screening.scoring import TEXT_ANSWER_MAX_LENGTH
from screening.services import REASON_MAX_LENGTH
from web.forms import BridgeForm, DateInput

STATUS_CHOICES = DECIDABLE_STATUS_CHOICES
ANSWER_PREFIX = "answer_"
YES, NO = "yes", "no"


def _question_field(question: InstrumentQuestion) -> forms.Field:
    common: dict[str, Any] = {"label": question.text, "required": question.required}
    if question.answer_type == AnswerType.YES_NO:
        return forms.ChoiceField(choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **common)
    if question.answer_type == AnswerType.CHOICE:
        choices = [
            (str(choice["value"]), str(choice.get("label", choice["value"]))) for choice in question.choices
        ]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.answer_type == AnswerType.NUMBER:
        return forms.IntegerField(min_value=0, max_value=1_000_000, **common)
    return forms.CharField(
        max_length=TEXT_ANSWER_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}), **common
    )


class ScreeningForm(BridgeForm):
    """The date and the instrument's questions, then (once the answers were scored) the decision.
    `decided_status` and `reason` are required only at the confirm step: the service says when a
    reason is needed."""

    screened_on = forms.DateField(label=_("Screened on"), widget=DateInput())
    decided_status = forms.ChoiceField(
        label=_("Trafficking status you decide"), choices=STATUS_CHOICES, required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you decide other than the suggestion, or lower the case's status."),
    )

    def __init__(self, *args: Any, instrument: Instrument, confirming: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(instrument.questions.all())
        self.service_field_names = {f"answers.{q.key}": f"{ANSWER_PREFIX}{q.key}" for q in self.questions}
        answer_fields = {f"{ANSWER_PREFIX}{q.key}": _question_field(q) for q in self.questions}
        decision = {name: self.fields.pop(name) for name in ("decided_status", "reason")}
        self.fields.update(answer_fields)
        if confirming:
            self.fields.update(decision)

    def answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"{ANSWER_PREFIX}{question.key}")
            if value in (None, ""):
                continue
            answers[question.key] = value == YES if question.answer_type == AnswerType.YES_NO else value
        return answers

    def screened_on_value(self) -> date:
        value: date = self.cleaned_data["screened_on"]
        return value


def screening_form_initial() -> dict[str, Any]:
    return {"screened_on": timezone.localdate()}


class StatusChangeForm(BridgeForm):
    status = forms.ChoiceField(
        label=_("New trafficking status"), choices=[("", _("Choose a status")), *STATUS_CHOICES]
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the health section: only agencies that read it see why."),
    )
