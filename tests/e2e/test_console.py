"""No console error on any kind of page, in a real browser.

The crawler test (`tests/web/test_crawler.py`) opens every page a demo user reaches, without a
browser. Here one page of each kind that a demo user reaches (URL shape with ids replaced) is
opened in Chromium, with the console watched by the `page` fixture: a script error, a blocked
inline style or script (the content security policy), or a failed load fails the test.
"""

from collections import deque

import pytest
from django.conf import settings
from django.test import Client

from agencies.models import User
from casework.demo import demo_load
from tests.web.test_crawler import UUID, Links, same_site_path

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES_PER_USER = 60


def one_page_of_each_kind(client: Client) -> list[str]:
    """Up to PAGES_PER_USER paths, one per URL shape, breadth first from the home page."""
    shapes: dict[str, str] = {}
    seen: set[str] = set()
    queue: deque[str] = deque(["/"])
    while queue and len(shapes) < PAGES_PER_USER:
        path = queue.popleft()
        shape = UUID.sub("<id>", path.split("?")[0])
        if path in seen or shape in shapes:
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        shapes.setdefault(UUID.sub("<id>", response.request["PATH_INFO"]), path)
        links = Links()
        links.feed(response.content.decode())
        queue.extend(
            target for href in links.found if (target := same_site_path(path, href)) and target not in seen
        )
    return list(shapes.values())


@pytest.mark.parametrize(
    "username", ["cps-supervisor", "pd-liaison", "legal-caseworker", "center-agency-admin"]
)
def test_every_kind_of_page_runs_without_a_console_error(page, live_server, username):
    demo_load(password=settings.BRIDGE_DEMO_PASSWORD)
    client = Client()
    client.force_login(User.objects.get(username=username))
    paths = one_page_of_each_kind(client)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")

    assert len(paths) >= (2 if username.endswith("agency-admin") else 10), paths
