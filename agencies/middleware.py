"""The language a signed-in person chose wins over their browser's (LocaleMiddleware's guess)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # The API answers in the caller's Accept-Language when it names one (API.md); a chosen
        # language fills in only when the client states none.
        explicit_api_language = request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if not chosen or explicit_api_language:
            return self.get_response(request)
        request.LANGUAGE_CODE = chosen
        # Only for this request: the thread serves the next one in that one's language.
        with translation.override(chosen):
            response = self.get_response(request)
        response.headers["Content-Language"] = chosen
        return response
