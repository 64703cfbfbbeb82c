"""End-to-end tests: Debian's Chromium, driven by Playwright, against a live server on the real
PostgreSQL test database.

Every page a test opens is watched: a console error or warning, or an uncaught page error, fails
the test (a blocked inline script or style under the content security policy shows up here).
A test that expects one (a 404 answer logs "Failed to load resource") says so with
`watch.expect(...)`. Screenshots of each page at desktop and tablet width land in
docs/screenshots/ for the README.
"""

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings

from agencies.models import User
from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django then refuses database access
# from it unless told that this is safe (it is: the test and the loop take turns).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class ConsoleWatch:
    """Console messages and page errors of one browser page."""

    problems: list[str] = field(default_factory=list)
    expected: list[re.Pattern[str]] = field(default_factory=list)

    def expect(self, pattern: str) -> None:
        """A console message this test causes on purpose (matched as a regular expression)."""
        self.expected.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [text for text in self.problems if not any(p.search(text) for p in self.expected)]


@pytest.fixture
def watch() -> ConsoleWatch:
    return ConsoleWatch()


@pytest.fixture
def page(chromium, live_server, watch) -> Iterator[object]:
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-US")
    browser_page = context.new_page()
    browser_page.on(
        "console",
        lambda message: (
            watch.problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    browser_page.on("pageerror", lambda error: watch.problems.append(f"page error: {error}"))
    yield browser_page
    context.close()
    assert watch.unexpected() == []


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def enrol_second_factor(user: User) -> str:
    """Give the user an authenticator app, as enrolment would; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sign_in(page, user: User, *, second_factor: str | None = None) -> None:
    """Through the real sign-in page: the system-use notice, the password and, for a user with an
    authenticator app, its one-time code."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    if second_factor is not None:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.get_by_label(re.compile("code", re.I)).fill(totp_code(second_factor))
        page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def snap(page, name: str) -> None:
    """Screenshots at desktop and tablet width. At tablet width nothing may stick out sideways:
    wide tables scroll inside their own box."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"))
    page.set_viewport_size(TABLET)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(SCREENSHOTS / f"{name}-tablet.png"))
    page.set_viewport_size(DESKTOP)
    assert overflow <= 0, f"{name} is {overflow}px wider than a tablet"
