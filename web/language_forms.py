"""The form that chooses the language a person reads Bridge in."""

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from web.forms import BridgeForm

# Each language named in itself, so a person who cannot read the current page still finds theirs.
FOLLOW_BROWSER = ""


def language_choices() -> list[tuple[str, str | Promise]]:
    return [(FOLLOW_BROWSER, _("The language of my browser")), *settings.LANGUAGES]


class LanguageForm(BridgeForm):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=language_choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Pages, messages and the emails Bridge sends you are in this language."),
    )
