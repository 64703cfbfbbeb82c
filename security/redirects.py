"""Sending a browser to sign in, for full pages and for htmx requests alike."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


def sign_in_response(request: HttpRequest) -> HttpResponse:
    """A redirect to the sign-in page that comes back where the person was. An htmx request would
    swap the sign-in page into a fragment of the old page, and its own path may be a fragment
    endpoint (the inbox badge), so the whole window goes there and returns to the page it shows."""
    if not request.headers.get("HX-Request"):
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    current = urlsplit(request.headers.get("HX-Current-URL") or request.get_full_path())
    back = current.path + (f"?{current.query}" if current.query else "")
    response = HttpResponse(status=204)
    response["HX-Redirect"] = redirect_to_login(back, settings.LOGIN_URL)["Location"]
    return response
