"""Forms that ask why a copy of case data is taken (the case summary, the case list export).
Limits come from `exports.services`, which checks them again."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from exports.services import EXPORT_FORMATS, PURPOSE_MAX_LENGTH
from web.forms import BridgeForm

FORMAT_LABELS = {"csv": _("CSV (opens in any spreadsheet program)"), "xlsx": _("Excel workbook (XLSX)")}


def _purpose_field() -> forms.CharField:
    return forms.CharField(
        label=_("Purpose"),
        max_length=PURPOSE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required. Why you are taking this copy (for example: court hearing on 12 March). "
            "It is printed on the copy and kept in the case's disclosure history."
        ),
    )


class CaseSummaryForm(BridgeForm):
    purpose = _purpose_field()
    include_notes = forms.BooleanField(label=_("Include notes"), required=False, initial=True)
    include_timeline = forms.BooleanField(label=_("Include the timeline"), required=False, initial=True)
    mask_legal_name = forms.BooleanField(
        label=_("Mask the legal name"),
        required=False,
        help_text=_("The child's legal name and aliases are shortened to initials."),
    )
    # Each language named in itself; the page's language comes first chosen.
    language = forms.ChoiceField(
        label=_("Language of the summary"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Headings and labels; what people wrote in the case stays as written."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


class CaseListExportForm(BridgeForm):
    purpose = _purpose_field()
    format = forms.ChoiceField(
        label=_("File"), choices=[(name, FORMAT_LABELS[name]) for name in EXPORT_FORMATS], initial="csv"
    )
