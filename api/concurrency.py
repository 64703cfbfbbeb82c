"""Optimistic concurrency for editable resources: each carries an integer `version`, served as its
ETag; an edit must name the version it was made against in `If-Match`. The services compare it
with the row they lock, so two people editing the same record can never silently overwrite each
other: the second gets 412 and reloads."""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from api.exceptions import PreconditionRequired
from common.errors import ValidationFailed

IF_MATCH = "If-Match"

ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=True,
    description="The version of the record, for If-Match.",
)
IF_MATCH_HEADER = OpenApiParameter(
    IF_MATCH,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the version you edited. Without it: 428; stale: 412.",
)


def etag_for(version: int) -> str:
    return f'"{version}"'


def expected_version(request: Request) -> int:
    """The version named by the request's `If-Match`. A missing header, or `*` (which proves
    nothing about what the client read), is 428; anything but one of our ETags is 400."""
    header = request.headers.get(IF_MATCH, "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    # Proxies that compress responses weaken ETags (W/"4"); the version inside is still the one read.
    tag = header.removeprefix("W/")
    if len(tag) >= 2 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit() and tag[1:-1].isascii():
        return int(tag[1:-1])
    raise ValidationFailed(
        gettext("If-Match must be the ETag of the version you edited."),
        fields={IF_MATCH: [gettext('Send the ETag header from your last read, e.g. "4".')]},
    )
