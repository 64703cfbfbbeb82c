"""Template helpers for the browser pages: times as everywhere in Bridge (`common.times`) with
"in 3 h" / "2 days overdue" wording, labels for stored codes, long texts collapsed, and the unread
badge of the
navigation."""

from datetime import date, datetime
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from agencies.access import may_manage_members
from agencies.models import User
from casework.access import may_view_dashboard, works_on_cases
from casework.sections import Section
from common.times import format_day, format_when, format_when_in_full
from notifications.models import Notification
from notifications.selectors import notifications_for
from web import humanize
from web.links import notification_url

register = template.Library()


def _time_element(moment: datetime) -> SafeString:
    """`<time>` with the machine-readable moment, and the year and time zone on hover."""
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        timezone.localtime(moment).isoformat(),
        format_when_in_full(moment),
        format_when(moment),
    )


@register.simple_tag
def when(moment: datetime | None) -> SafeString | str:
    """A moment as a `<time>` element: `Tue 3 Jun, 14:00`."""
    if moment is None:
        return "—"
    return _time_element(moment)


@register.simple_tag
def deadline(moment: datetime | None) -> SafeString | str:
    """A due time with how it stands: `Tue 3 Jun, 14:00 (in 3 h)`; overdue ones are marked."""
    if moment is None:
        return "—"
    overdue = moment < timezone.now()
    return format_html(
        '{} <span class="{}">({})</span>',
        _time_element(moment),
        "relative overdue" if overdue else "relative",
        humanize.until_deadline(moment),
    )


@register.filter
def day(value: date | None) -> str:
    """A calendar date (a consent's signing day, a date of birth): `Tue 3 Jun`."""
    return format_day(value) if value else "—"


@register.filter
def ago(moment: datetime | None) -> str:
    """`5 min ago`."""
    return humanize.since_moment(moment) if moment else ""


@register.filter
def duration(seconds: float | None) -> str:
    """`45 min`, `2.5 h`, `3 days`: the unit that fits."""
    return humanize.duration(seconds)


@register.filter
def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f} %"


@register.filter
def person(user: User | None, nobody: str = "") -> str:
    """A member as people write them: full name, else username; `nobody` when there is none."""
    if user is None:
        return nobody
    return user.get_full_name() or user.username


@register.filter
def section_label(section: str) -> str:
    return str(Section(section).label) if section in Section.values else section


@register.filter
def is_past(moment: datetime | None) -> bool:
    return bool(moment and moment < timezone.now())


@register.inclusion_tag("web/partials/inbox_badge.html", takes_context=True)
def inbox_badge(context: template.Context) -> dict[str, Any]:
    """The unread count on the navigation's inbox link, refreshed by htmx polling."""
    user = context["request"].user
    unread = notifications_for(user=user, unread=True).count() if works_on_cases(user) else 0
    return {"unread": unread}


@register.inclusion_tag("web/partials/nav.html", takes_context=True)
def main_nav(context: template.Context) -> dict[str, Any]:
    """The main navigation for the signed-in user: case work for case roles, the dashboard for
    those who may see it, the members page for agency administrators. `page` in the context marks
    the current item."""
    user = context["request"].user
    case_worker = works_on_cases(user)
    items = []
    if case_worker:
        items = [
            ("my-work", _("My work"), reverse("web:my-work")),
            ("cases", _("Cases"), reverse("web:cases")),
            ("handoffs", _("Handoffs"), reverse("web:handoffs")),
            ("referrals", _("Referrals"), reverse("web:referrals")),
        ]
        if may_view_dashboard(user=user):
            items.append(("dashboard", _("Dashboard"), reverse("web:dashboard")))
    if user.agency is not None and may_manage_members(actor=user, agency=user.agency):
        items.append(("members", _("Members"), reverse("web:members")))
    return {
        "items": items,
        "current": context.get("page", ""),
        "show_inbox": case_worker,
        "request": context["request"],
    }


@register.simple_tag(takes_context=True)
def here(context: template.Context) -> str:
    """The address of the page the person is looking at, also inside an htmx fragment (whose own
    request address is the fragment's), for forms to come back to."""
    request = context["request"]
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return str(htmx.current_url_abs_path)
    return str(request.get_full_path())


@register.filter
def link(notification: Notification) -> str:
    return notification_url(notification)


# A text longer than this is shown by its start and a "Show all" control, so one long note does not
# push everything after it off the screen.
LONG_TEXT_CHARACTERS = 600
LONG_TEXT_LINES = 8
PREVIEW_CHARACTERS = 300
PREVIEW_LINES = 4


def text_preview(text: str) -> str | None:
    """The start of a long text, cut after a whole word where there is one; None for a text short
    enough to show whole."""
    lines = text.splitlines()
    if len(text) <= LONG_TEXT_CHARACTERS and len(lines) <= LONG_TEXT_LINES:
        return None
    start = "\n".join(lines[:PREVIEW_LINES])
    if len(start) > PREVIEW_CHARACTERS:
        cut_in_a_word = not (start[PREVIEW_CHARACTERS - 1].isspace() or start[PREVIEW_CHARACTERS].isspace())
        start = start[:PREVIEW_CHARACTERS]
        words = start.rsplit(maxsplit=1)
        # Drop the broken word unless that throws most of the preview away (a long unbroken one).
        if cut_in_a_word and len(words) == 2 and len(words[0]) > PREVIEW_CHARACTERS // 2:
            start = words[0]
    return start.rstrip() + " …"


@register.inclusion_tag("web/partials/long_text.html")
def long_text(text: str, what: str) -> dict[str, Any]:
    """A person's free text (a note, a description), whole or, when long, its start with "Show all".
    `what` names it for screen readers ("the note by Ana Diaz")."""
    return {"text": text, "preview": text_preview(text), "what": what}
