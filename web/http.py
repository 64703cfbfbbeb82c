"""What every browser page shares: who may open it, and how the application's errors become pages.

Views are wrapped in `case_work` (or `signed_in` for the few pages every signed-in user may open).
The wrapper maps `common.errors` the same way for every page:

* `Moved` (a case merged into one the user sees) → 302 to the same page of that case;
* `NotFound` → the 404 page (for an htmx request, a small fragment with the same status), worded
  exactly as for something that does not exist;
* `PermissionDenied` → the 403 page with the service's reason;
* `Conflict` → the reason, status 409;
* `StaleVersion` → status 412 with "someone changed this" (edit views show the full conflict
  view themselves before this fallback is reached);
* `ValidationFailed` that a view did not turn into form errors → the messages, status 400;
* an error only an operator can put right (status 5xx, a document this server cannot open) →
  its message with that status.

Every response is marked `no-store`: pages carry children's data, and a shared tablet's cache or
back button must not keep them.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from agencies.models import User
from audit.services import audit_request_denied
from casework.access import works_on_cases
from common.errors import (
    ApplicationError,
    Conflict,
    Moved,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from security.redirects import sign_in_response

P = ParamSpec("P")


class WebRequest(HttpRequest):
    """A request as the page views see it: signed in, with django-htmx's details."""

    user: User
    htmx: HtmxDetails


View = Callable[Concatenate[WebRequest, P], HttpResponse]


def render_problem(
    request: WebRequest, *, status: int, title: str, message: str, fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    """An error as a page, or as a fragment swapped in where the htmx request pointed."""
    template = "web/partials/problem.html" if request.htmx else "web/problem.html"
    context = {"title": title, "message": message, "fields": fields or {}}
    return render(request, template, context, status=status)


def _audit_denial(request: WebRequest, status: int) -> None:
    url_kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    audit_request_denied(user=request.user, url_kwargs=url_kwargs, status=status)


def _handle(request: WebRequest, error: ApplicationError) -> HttpResponse:
    if isinstance(error, Moved) and (relocated := error.relocate(request.path)) is not None:
        query = request.META.get("QUERY_STRING", "")
        location = relocated + (f"?{query}" if query else "")
        if request.htmx:
            # htmx swaps a redirect's target into the page; `HX-Location` makes it go there instead.
            response = HttpResponse(status=200)
            response["HX-Location"] = location
            return response
        return HttpResponseRedirect(location)
    if isinstance(error, NotFound | PermissionDenied):
        _audit_denial(request, 404 if isinstance(error, NotFound) else 403)
    if isinstance(error, NotFound):
        if request.htmx:
            return render_problem(
                request,
                status=404,
                title=_("Not found"),
                message=_("This page does not exist or you cannot see it."),
            )
        raise Http404 from error
    if isinstance(error, PermissionDenied):
        if request.htmx:
            return render_problem(request, status=403, title=_("Not allowed"), message=error.message)
        raise DjangoPermissionDenied(error.message) from error
    if isinstance(error, StaleVersion):
        return render_problem(
            request,
            status=412,
            title=_("Someone changed this"),
            message=_(
                "Someone else changed this while you were working on it. Reload the page to see "
                "their changes, then make yours again."
            ),
        )
    if isinstance(error, Conflict):
        return render_problem(
            request, status=409, title=_("That is no longer possible"), message=error.message
        )
    if isinstance(error, ValidationFailed):
        return render_problem(
            request,
            status=400,
            title=_("Please check your input"),
            message=error.message,
            fields=error.fields,
        )
    if error.status >= 500:
        # Something only an operator can put right (a document under a key this server lacks):
        # said plainly, never a traceback.
        return render_problem(
            request, status=error.status, title=_("This cannot be done now"), message=error.message
        )
    raise error


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


def signed_in(view: View[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Any signed-in user; application errors become pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return _no_store(sign_in_response(request))
        web_request: WebRequest = request  # type: ignore[assignment]
        try:
            response = view(web_request, *args, **kwargs)
        except ApplicationError as error:
            response = _handle(web_request, error)
        return _no_store(response)

    return wrapper


def case_work(view: View[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Pages for agency members who work on cases: caseworkers, liaisons and supervisors.
    Agency administrators and platform staff see no case content and get 403."""

    @wraps(view)
    def checked(request: WebRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not works_on_cases(request.user):
            raise PermissionDenied(_("Your role does not work on cases."))
        return view(request, *args, **kwargs)

    return signed_in(checked)


def next_url(request: WebRequest, default: str) -> str:
    """Where to go after a form: the `next` the form carried if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def redirect_after(request: WebRequest, default: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(next_url(request, default))
