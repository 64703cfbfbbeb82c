"""Every page a demo user can reach works, and shows nothing of a section their agency may not read.

On the demo county (`load_demo`), with a marker string planted in every section and every
section's notes of every case (and in every case's exploitation profile, part of `investigation`,
in every screening's answers and reason and every trafficking status change's reason, which are
health data), each of the twenty-four demo users (six agency kinds, four roles) and the platform
administrator signs in and follows every link and opens every GET form reachable from the home
page, as a person clicking through would (no sign-out, no POST). Each page must answer without a
server error or a debug page, and every marker it shows must belong to a section that user's
agency may read on that case now (asked of the access layer, not restated here).

A sample of them (one per agency kind, every role among them, and the platform administrator)
walks again reading Spanish: the same checks, and no word of the UI's own English (the msgids of
the Spanish catalogue, less words Spanish shares and words of the demo's data) anywhere a person
reads on a page, so a string added outside the translation machinery shows up here (issue 19).

The walk is bounded: at most `SAME_SHAPE_LIMIT` pages of one URL shape (ids replaced) per user, so
it covers every kind of page on several cases without visiting all of them.
"""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import cycle
from urllib.parse import urlencode, urljoin, urlsplit

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.utils import translation
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_AP, WEEKDAYS, WEEKDAYS_ABBR

from agencies.models import User
from casework.access import get_case_access, may_compare_identity
from casework.demo import DEMO_AGENCIES, DEMO_PEOPLE, PLATFORM_ADMIN_USERNAME, demo_load, demo_username
from casework.models import SECTION_MODELS, Case, Handoff, Note, Task
from casework.sections import DATA_SECTIONS, Section
from common.errors import NotFound
from court.models import (
    Charge,
    CriminalCase,
    CriminalProceeding,
    CustodyEvent,
    Defendant,
    DependencyHearing,
    RestitutionPayment,
)
from documents.models import Document
from exploitation.models import ExploitationProfile
from plans.models import PlanAction, PlanGoal, PlanSubmission
from referrals.models import Referral, ReferralOutcome, ReferralSession
from relief.models import ReliefRecord
from screening.models import Screening, TraffickingStatusChange

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SAME_SHAPE_LIMIT = 2
PAGES_PER_USER = 400
# Where a person's walk stops: signing out ends it, and files are not pages.
SKIPPED_PREFIXES = ("/accounts/logout/", "/static/", "/admin/logout/")
MARKER = re.compile(r"MK(?P<section>[A-Z]+)(?P<case>\d{3})X")
TEXT_FIELDS = {
    Section.IDENTITY: "legal_name",
    Section.LOCATION: "address",
    Section.IMMIGRATION: "nationality",
    Section.INVESTIGATION: "summary",
    Section.HEALTH: "summary",
    Section.SERVICES: "safety_plan",
    Section.LEGAL: "summary",
}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REVIEW_PAGE = re.compile(r"/handoffs/(?P<handoff>[0-9a-f-]{36})/compare/")
DEBUG_PAGE_SIGNS = ("Traceback", "technical_500", "Django Version:", "Request Method:")
SPANISH_CATALOGUE = settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"
WORD = re.compile(r"[^\W\d_]{3,}")
# People read these; an admin's tools (the admin site) are Django's, in English model names.
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
NOT_CHECKED_FOR_LANGUAGE = ("/admin/",)


def marker(section: str, index: int) -> str:
    return f"MK{section.upper()}{index:03d}X"


@dataclass
class Links(HTMLParser):
    """The links of a page, and its GET forms submitted with the values they show."""

    found: list[str] = field(default_factory=list)
    _form: dict[str, str] | None = None
    _form_action: str = ""
    _select: str | None = None

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.found.append(values["href"])
        elif tag == "form" and values.get("method", "get").lower() == "get":
            self._form, self._form_action = {}, values.get("action", "")
        elif self._form is not None and tag == "input" and values.get("name"):
            if values.get("type") not in ("checkbox", "radio") or "checked" in values:
                self._form[values["name"]] = values.get("value", "")
        elif self._form is not None and tag == "select":
            self._select = values.get("name")
        elif (
            self._form is not None
            and tag == "option"
            and self._select
            and (self._select not in self._form or "selected" in values)
        ):
            self._form[self._select] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            query = urlencode(self._form)
            self.found.append(f"{self._form_action}?{query}" if query else self._form_action)
            self._form = None


def same_site_path(base: str, href: str) -> str | None:
    url = urlsplit(urljoin(f"http://testserver{base}", href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None
    path = url.path + (f"?{url.query}" if url.query else "")
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return path


@dataclass
class Planted:
    """Which demo case each marker number stands for."""

    cases: dict[int, Case]


def plant_markers() -> Planted:
    cases = dict(enumerate(Case.objects.order_by("number")))
    for index, case in cases.items():
        for section in DATA_SECTIONS:
            model = SECTION_MODELS[section]
            model.objects.filter(case=case).update(**{TEXT_FIELDS[section]: marker(section, index)})
        # Relief records are the immigration section's (the demo has them in several states).
        ReliefRecord.objects.filter(case=case).update(
            details=marker(Section.IMMIGRATION, index), receipt_number=marker(Section.IMMIGRATION, index)
        )
        # A referral's session notes, outcome reason and hand-over note are its section's.
        for referral in Referral.objects.filter(case=case).exclude(section=Section.CORE):
            details = marker(referral.section, index)
            ReferralSession.objects.filter(referral=referral).update(note=details)
            Referral.objects.filter(pk=referral.pk).update(handover_note=details)
            Referral.objects.filter(pk=referral.pk).exclude(outcome=ReferralOutcome.ONGOING).update(
                outcome_reason=details
            )
        # Court (issue 16): hearings are core; the criminal case and all under it investigation.
        DependencyHearing.objects.filter(case=case).update(court=marker(Section.CORE, index))
        investigation = marker(Section.INVESTIGATION, index)
        CriminalCase.objects.filter(case=case).update(docket_number=investigation)
        Defendant.objects.filter(case=case).update(defendant_name=investigation, alias=investigation)
        CustodyEvent.objects.filter(case=case).update(details=investigation)
        Charge.objects.filter(case=case).update(description=investigation)
        CriminalProceeding.objects.filter(case=case).update(outcome=investigation)
        RestitutionPayment.objects.filter(case=case).update(reference=investigation)
        # Case plan goals, their actions, the tasks made from them and the submissions' snapshots
        # are their goal's section's (issue 16).
        for section in Section.values:
            PlanGoal.objects.filter(case=case, section=section).update(description=marker(section, index))
            PlanAction.objects.filter(case=case, section=section).update(description=marker(section, index))
            Task.objects.filter(
                pk__in=PlanAction.objects.filter(case=case, section=section).values("task_id")
            ).update(title=f"Case plan: {marker(section, index)}", description=marker(section, index))
        for submission in PlanSubmission.objects.filter(case=case):
            for goal in submission.snapshot["goals"]:
                goal["description"] = marker(goal["section"], index)
                for action in goal["actions"]:
                    action["description"] = marker(goal["section"], index)
            submission.save(update_fields=["snapshot"])
        # A document's title is its section's (issue 17).
        for section in Section.values:
            Document.objects.filter(case=case, section=section).update(
                title=f"Paper {marker(section, index)}"
            )
        Case.objects.filter(pk=case.pk).update(pseudonym=f"P{index:03d}")
        health = marker(Section.HEALTH, index)
        for screening in Screening.objects.filter(case=case):
            screening.answers = {**screening.answers, "notes": f"Said {health}"}
            screening.decision_reason = f"Decided {health}"
            screening.save(update_fields=["answers", "decision_reason"])
        TraffickingStatusChange.objects.filter(case=case).update(reason=f"Because {health}")
        author = User.objects.filter(agency=case.lead_agency, role="caseworker").first()
        # The exploitation profile is part of `investigation`.
        ExploitationProfile.objects.update_or_create(
            case=case, defaults={"county": marker(Section.INVESTIGATION, index), "updated_by": author}
        )
        for section in Section.values:
            Note.objects.create(
                case=case,
                section=section,
                body=f"Note {marker(section, index)}",
                author=author,
                agency=case.lead_agency,
            )
    return Planted(cases=cases)


class ReadableText(HTMLParser):
    """What a person reads on a page: text and the attributes read aloud, not scripts or styles,
    nor the values of inputs and text areas (data someone typed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "textarea"}:
            self._hidden.append(tag)
        self.pieces.extend(value or "" for name, value in attrs if name in READ_ATTRIBUTES)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.pieces.append(data)


def words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(text)}


def data_words() -> set[str]:
    """Every word stored in the demo's database: what people typed (in English) is not the UI."""
    found: set[str] = set()
    for model in apps.get_models():
        text_fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.values_list(*text_fields) if text_fields else ():
            found |= words(" ".join(str(value) for value in row if value))
    return found


def english_ui_words() -> frozenset[str]:
    """The UI's own English words that Spanish does not share and no demo data holds."""
    catalogue = polib.pofile(str(SPANISH_CATALOGUE))
    english = words(" ".join(f"{entry.msgid} {entry.msgid_plural}" for entry in catalogue))
    spanish = words(" ".join(" ".join([entry.msgstr, *entry.msgstr_plural.values()]) for entry in catalogue))
    return frozenset(english - spanish - spanish_date_words() - data_words())


def spanish_date_words() -> set[str]:
    """Month and day names as Django writes them in Spanish ("ago" is August's abbreviation)."""
    with translation.override("es"):
        names = [*MONTHS.values(), *MONTHS_3.values(), *MONTHS_AP.values(), *WEEKDAYS.values()]
        names += [*WEEKDAYS_ABBR.values()]
        return words(" ".join(str(name) for name in names))


def english_on_page(html: str, english: frozenset[str]) -> list[str]:
    reader = ReadableText()
    reader.feed(html)
    return sorted(words(" ".join(reader.pieces)) & english)


@dataclass
class Walk:
    pages: int = 0
    problems: list[str] = field(default_factory=list)


def readable_sections(user: User, case: Case) -> frozenset[str]:
    try:
        return get_case_access(user=user, case_id=case.pk).readable
    except NotFound:
        return frozenset()


def lent_sections(user: User, path: str, case: Case) -> frozenset[str]:
    """The asking case's identity, on the review page of a pending match review the user's agency
    was asked to compare (`may_compare_identity`), and nowhere else."""
    review = REVIEW_PAGE.fullmatch(path)
    if review is None:
        return frozenset()
    handoff = Handoff.objects.filter(pk=review["handoff"], case=case).first()
    if handoff is None or not may_compare_identity(user=user, handoff=handoff):
        return frozenset()
    return frozenset({Section.IDENTITY})


def check_markers(user: User, path: str, html: str, planted: Planted, walk: Walk) -> None:
    for found in set(MARKER.finditer(html)):
        section, index = found["section"].lower(), int(found["case"])
        case = planted.cases[index]
        if section not in readable_sections(user, case) | lent_sections(user, path, case):
            walk.problems.append(f"{path}: shows {found[0]} ({section} of case {index})")


def crawl(user: User, planted: Planted, *, english: frozenset[str] | None = None) -> Walk:
    """Walk as `user`; with `english`, the page must show none of those words."""
    client = Client()
    client.force_login(user)
    walk = Walk()
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue: deque[str] = deque(["/"])
    while queue and walk.pages < PAGES_PER_USER:
        path = queue.popleft()
        shape = UUID.sub("<id>", path.split("?")[0])
        if path in seen or shapes[shape] >= SAME_SHAPE_LIMIT:
            continue
        seen.add(path)
        shapes[shape] += 1
        response = client.get(path, follow=True)
        walk.pages += 1
        html = response.content.decode(errors="replace")
        if response.status_code >= 500 or any(sign in html for sign in DEBUG_PAGE_SIGNS):
            walk.problems.append(f"{path}: {response.status_code}")
            continue
        if response.status_code >= 400:
            walk.problems.append(f"{path}: {response.status_code} on a link the pages offered")
            continue
        check_markers(user, path, html, planted, walk)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        if english is not None and not path.startswith(NOT_CHECKED_FOR_LANGUAGE):
            untranslated = english_on_page(html, english)
            if untranslated:
                walk.problems.append(f"{path}: English in Spanish: {', '.join(untranslated[:12])}")
        links = Links()
        links.feed(html)
        final = response.request["PATH_INFO"]
        for href in links.found:
            target = same_site_path(final, href)
            if target is not None and target not in seen:
                queue.append(target)
    return walk


@pytest.fixture
def demo() -> Planted:
    demo_load(password=settings.BRIDGE_DEMO_PASSWORD)
    return plant_markers()


DEMO_USERS = [demo_username(agency, role) for agency in DEMO_AGENCIES for role in DEMO_PEOPLE]


def test_the_demo_has_twenty_four_users_of_six_agency_kinds():
    assert len(DEMO_USERS) == 24
    assert len({kind for _name, kind, _state in DEMO_AGENCIES.values()}) == 6


@pytest.mark.parametrize("username", [*DEMO_USERS, PLATFORM_ADMIN_USERNAME])
def test_every_page_a_demo_user_reaches_works_and_leaks_no_section(demo, username):
    user = User.objects.get(username=username)

    walk = crawl(user, demo)

    assert walk.problems == []
    assert walk.pages >= 5


# One user of each agency kind, the roles taken in turn so every role is among them.
SPANISH_READERS = [
    demo_username(agency, role) for agency, role in zip(DEMO_AGENCIES, cycle(DEMO_PEOPLE), strict=False)
]


@pytest.mark.parametrize("username", [*SPANISH_READERS, PLATFORM_ADMIN_USERNAME])
def test_every_page_reads_in_spanish_and_leaks_no_section(demo, username):
    User.objects.filter(username=username).update(language="es")
    user = User.objects.get(username=username)

    walk = crawl(user, demo, english=english_ui_words())

    assert walk.problems == []
    assert walk.pages >= 5


def test_the_spanish_readers_hold_every_role_of_every_agency_kind():
    assert {username.split("-", 1)[0] for username in SPANISH_READERS} == set(DEMO_AGENCIES)
    assert {username.split("-", 1)[1] for username in SPANISH_READERS} == {
        role.replace("_", "-") for role in DEMO_PEOPLE
    }


def test_english_on_a_page_is_found():
    html = (
        "<h1>Casos</h1><p title='Overdue tasks'>Vencida</p>"
        "<textarea>Overdue</textarea><script>x='Save'</script>"
    )

    assert english_on_page(html, frozenset({"overdue", "save", "tasks"})) == ["overdue", "tasks"]
