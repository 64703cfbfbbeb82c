"""Browser-page test helpers: Django's test client signed in as one user, as htmx or as a plain
browser."""

import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.test import Client

from agencies.models import User
from tests.api.conftest import api_as  # noqa: F401 - the API's token client, for the dashboard endpoint

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/work/"}


class Browser:
    def __init__(self, user: User | None) -> None:
        self.client = Client()
        if user is not None:
            self.client.force_login(user)

    def get(self, path: str, data: dict[str, Any] | None = None, *, htmx: bool = False) -> Any:
        return self.client.get(path, data or {}, headers=HTMX if htmx else {})

    def post(self, path: str, data: dict[str, Any] | None = None, *, htmx: bool = False) -> Any:
        return self.client.post(path, data or {}, headers=HTMX if htmx else {})


@pytest.fixture
def browser_as() -> Callable[[User | None], Browser]:
    return Browser


def text(response: Any) -> str:
    """The page's visible text, tags stripped and whitespace collapsed, for assertions on wording."""
    return html_text(response.content.decode())


def html_text(html: str) -> str:
    """Visible text of a piece of HTML, as `text` gives it for a whole response."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def make_task(*, case: Any, owner: Any, title: str, due_at: Any, **fields: Any) -> Any:
    """A task row with exact times, for aggregate tests (the services stamp `now`)."""
    from casework.models import Task

    return Task.objects.create(case=case, owner_agency=owner, title=title, due_at=due_at, **fields)


def make_handoff(*, task: Any, sender: Any, receiver: Any, created_at: Any, **fields: Any) -> Any:
    """A handoff row with exact times (the services stamp `now`); resolved ones pass `status`,
    `responded_at` and, unless expired, `responded_by`."""
    from datetime import timedelta

    from casework.models import Handoff

    return Handoff.objects.create(
        task=task,
        case=task.case,
        from_agency=sender.agency,
        to_agency=receiver.agency,
        created_by=sender.caseworker,
        created_at=created_at,
        respond_by=fields.pop("respond_by", created_at + timedelta(hours=24)),
        **fields,
    )
