"""How a decrypted version leaves Bridge over HTTP, the same from the API and the pages: as an
attachment (never shown inline), its sniffed type, never sniffed again by the browser, never
cached."""

from urllib.parse import quote

from django.http import HttpResponse

from documents.services import OpenedVersion


def attachment_response(opened: OpenedVersion) -> HttpResponse:
    version = opened.version
    response = HttpResponse(opened.content, content_type=version.content_type)
    response.headers["Content-Disposition"] = content_disposition(version.display_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Length"] = str(len(opened.content))
    return response


def content_disposition(name: str) -> str:
    """The display name is already free of quotes and control characters; the ASCII fallback
    keeps old clients safe and `filename*` carries the rest."""
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
