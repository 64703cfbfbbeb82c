"""The signed-in person's language: kept on their account (so emails follow it too) and in the
language cookie (so the sign-in page, before anyone is known, follows it as well)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.services import user_language_set
from common.errors import ValidationFailed
from web.forms import form_errors
from web.http import WebRequest, signed_in
from web.language_forms import LanguageForm


@signed_in
@require_http_methods(["GET", "POST"])
def language_settings(request: WebRequest) -> HttpResponse:
    if request.method == "GET":
        form = LanguageForm(initial={"language": request.user.language})
        return render(request, "web/language_settings.html", {"form": form, "page": "language"})
    form = LanguageForm(request.POST)
    # The choices are radio buttons: anything else was not sent by this page.
    if not form.is_valid():
        raise ValidationFailed(_("Choose one of the languages offered."), fields=form_errors(form))
    language = user_language_set(user=request.user, language=form.cleaned_data["language"])
    response = redirect("web:language-settings")
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite="Lax",
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, samesite="Lax")
    # Said in the language just chosen: the next page is in it.
    with translation.override(language or translation.get_language_from_request(request)):
        messages.success(request, _("Language saved."))
    return response
