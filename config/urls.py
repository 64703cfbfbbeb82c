import sys

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control

from api.views.health import healthz
from common.http import api_error_response, is_api_request
from config.metrics import metrics

# The admin signs in through the one sign-in page (/accounts/login/), so the second factor,
# the lockout and the system-use notice apply to it as to everything else.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


@cache_control(max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon (a JSON answer, a download): the
    same icon the pages name. Not permanent, so a new icon is not hidden behind a cached redirect."""
    return HttpResponseRedirect(static("img/bridge.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("allauth.urls")),
    # The language switch of the sign-in page (Django's set_language: POST, sets the cookie).
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("", include("web.urls")),
]


# Errors raised before a DRF view runs (no route matched, a bad Host header) or escaping one (a
# bug) still answer API clients in the API's error shape; other paths keep Django's pages.
def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(status_code=400, code="bad_request", message=_("Bad request."))
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(status_code=403, code="permission_denied", message=_("Permission denied."))
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(status_code=404, code="not_found", message=_("Not found."))
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so it is still the one in flight.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    if is_api_request(request):
        return api_error_response(
            status_code=500, code="server_error", message=_("Something went wrong on our side.")
        )
    return defaults.server_error(request)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The database went away (a restart, a failover, an upgrade): 503 with Retry-After, which
    clients and proxies know to retry, instead of a 500 that says Bridge is broken. The page is
    rendered without a context so that it needs nothing from the database."""
    retry_after = str(settings.BRIDGE_DATABASE_RETRY_AFTER_SECONDS)
    if is_api_request(request):
        response: HttpResponse = api_error_response(
            status_code=503,
            code="service_unavailable",
            message=_("Bridge cannot reach its database just now. Try again in a few seconds."),
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = retry_after
    return response
