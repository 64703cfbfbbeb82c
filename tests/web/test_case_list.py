"""The case list: search that ignores case and punctuation and finds names only for readers of
`identity`, filters and sortable columns kept in the URL (the search term never), and figures that
show nothing of other agencies' work or of sections the reader may not read."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from audit.models import AuditRecord
from casework.models import Case, CaseStatus, SectionGrant
from casework.services.breakglass import break_glass_open
from casework.services.cases import case_update
from casework.services.sharing import grant_revoke, participant_invite, team_member_add
from tests.factories import UserFactory, open_case
from tests.web.conftest import make_task, text
from web.forms import CASE_SORT_LABELS
from web.selectors import CASE_ORDERINGS

pytestmark = pytest.mark.django_db


def numbers(response) -> list[str]:
    """The case numbers of the list's rows, in order."""
    table = response.content.decode().split('<table class="case-list">', 1)
    if len(table) == 1:
        return []
    return re.findall(r'<td class="nowrap"><a href="/cases/[^"]+/">([^<]+)</a>', table[1])


def row(response, number: str) -> str:
    """The HTML of the list's row for the case with this number."""
    html = response.content.decode()
    start = html.rindex("<tr>", 0, html.index(f">{number}</a>"))
    return html[start : html.index("</tr>", start)]


def search(browser, term: str, **filters: str):
    """Post a search the way the page does (to the list's address with its filters) and follow
    the redirect to the results."""
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return browser.client.post(f"/cases/?{query}", {"q": term}, follow=True)


@pytest.fixture
def named(lead):
    return open_case(
        actor=lead.caseworker,
        pseudonym="L.M.",
        sections={"identity": {"legal_name": "Lucía Martínez-O'Brien", "aliases": ["Lulu", "Chiqui"]}},
    )


@pytest.fixture
def other(lead):
    return open_case(actor=lead.caseworker, pseudonym="J.T.")


# --- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["LM", "lm", "l m", "L.M", " l-m. "])
def test_a_pseudonym_is_found_whatever_the_case_spaces_and_punctuation(browser_as, lead, named, other, term):
    assert numbers(search(browser_as(lead.caseworker), term)) == [named.number]


def test_part_of_a_case_number_is_found_without_its_dashes(browser_as, lead, named, other):
    year, serial = other.number.split("-")[1:]

    found = numbers(search(browser_as(lead.caseworker), f"{year[2:]} {serial}"))

    assert found == [other.number]


def test_a_reader_of_identity_finds_a_case_by_part_of_the_childs_name(browser_as, lead, named, other):
    response = search(browser_as(lead.caseworker), "martinez o brien")

    assert numbers(response) == [named.number]
    assert f"{named.number} Name matches" in text(response)


def test_an_alias_finds_the_case(browser_as, lead, named, other):
    assert numbers(search(browser_as(lead.caseworker), "lulu")) == [named.number]


def test_a_term_never_matches_across_two_aliases(browser_as, lead, named):
    assert numbers(search(browser_as(lead.caseworker), "luluchiqui")) == []


def test_a_case_found_by_number_or_pseudonym_is_not_marked_as_a_name_match(browser_as, lead, named):
    assert "Name matches" not in text(search(browser_as(lead.caseworker), "L.M."))


def test_a_name_finds_nothing_where_the_agency_may_not_read_identity(
    browser_as, lead, partner, named, unrelated
):
    participant_invite(actor=lead.liaison, case=named, agency=partner.agency)
    grant = SectionGrant.objects.get(case=named, agency=partner.agency, section="identity", ended_at=None)
    grant_revoke(actor=lead.liaison, grant=grant)

    by_name = search(browser_as(partner.supervisor), "lucia")
    by_pseudonym = search(browser_as(partner.supervisor), "LM")
    unrelated_by_name = search(browser_as(unrelated.supervisor), "lucia")

    assert numbers(by_name) == []
    assert "No case you can see matches “lucia”." in text(by_name)
    assert numbers(by_pseudonym) == [named.number]
    assert numbers(unrelated_by_name) == []


def test_an_emergency_opening_of_identity_does_not_make_names_searchable(browser_as, lead, partner, named):
    participant_invite(actor=lead.liaison, case=named, agency=partner.agency)
    grant = SectionGrant.objects.get(case=named, agency=partner.agency, section="identity", ended_at=None)
    grant_revoke(actor=lead.liaison, grant=grant)
    break_glass_open(
        actor=partner.supervisor, case=named, section="identity", reason="Child missing tonight."
    )

    assert numbers(search(browser_as(partner.supervisor), "lucia")) == []


def test_a_case_found_by_name_is_audited_as_a_read_of_its_identity(browser_as, lead, named, other):
    search(browser_as(lead.caseworker), "lucia")
    search(browser_as(lead.caseworker), "J.T.")

    reads = AuditRecord.objects.filter(event_type="section.read", detail__view="search")
    assert [(r.user_id, r.case_id, r.section, r.object_id) for r in reads] == [
        (lead.caseworker.pk, named.pk, "identity", f"{named.pk}/identity")
    ]
    assert "lucia" not in str(reads[0].detail).lower()


def test_punctuation_alone_searches_for_nothing_and_lists_every_case(browser_as, lead, named, other):
    response = search(browser_as(lead.caseworker), "..")

    assert sorted(numbers(response)) == sorted([named.number, other.number])


# --- filters and order in the URL ---------------------------------------------------------------


def test_filters_and_order_stay_in_the_url_beside_the_search_key_and_the_term_never(browser_as, lead, named):
    browser = browser_as(lead.liaison)

    posted = browser.client.post("/cases/?status=open&sort=-activity&search=old", {"q": "Lucía"})

    location = posted["Location"]
    parameters = parse_qs(urlsplit(location).query)
    assert posted.status_code == 302
    assert set(parameters) == {"status", "sort", "search"}
    assert (parameters["status"], parameters["sort"]) == (["open"], ["-activity"])
    assert parameters["search"] != ["old"]
    assert "Luc" not in location
    page = browser.get(location)
    assert numbers(page) == [named.number]
    assert 'name="search" value="{}"'.format(parameters["search"][0]) in page.content.decode()
    assert 'name="sort" value="-activity"' in page.content.decode()


def test_an_htmx_search_pushes_the_address_with_the_filters_and_swaps_them_too(browser_as, lead, named):
    browser = browser_as(lead.liaison)

    swapped = browser.post("/cases/?status=open", {"q": "lm"}, htmx=True)

    pushed = parse_qs(urlsplit(swapped["HX-Push-Url"]).query)
    assert set(pushed) == {"status", "search"}
    html = swapped.content.decode()
    assert html.startswith('<div id="case-results">') or '<div id="case-results">' in html[:200]
    assert f'name="search" value="{pushed["search"][0]}"' in html
    assert numbers(swapped) == [named.number]


def test_the_filter_form_lands_on_an_address_with_only_what_was_chosen(browser_as, lead, named):
    response = browser_as(lead.liaison).get(
        "/cases/", {"status": "", "lead": "", "assignee": "", "overdue": "on", "sort": "", "search": ""}
    )

    assert (response.status_code, response["Location"]) == (302, "/cases/?overdue=on")


def test_status_filter(browser_as, lead, named, other):
    Case.objects.filter(pk=other.pk).update(status=CaseStatus.CLOSED)

    closed = browser_as(lead.caseworker).get("/cases/", {"status": "closed"})

    assert numbers(closed) == [other.number]
    assert "Cases matching the filters, newest first" in text(closed)


def test_lead_agency_filter(browser_as, lead, partner, named):
    theirs = open_case(actor=partner.liaison, pseudonym="P.D.")
    participant_invite(actor=partner.liaison, case=theirs, agency=lead.agency)

    led_by_partner = browser_as(lead.liaison).get("/cases/", {"lead": partner.agency.pk})

    assert numbers(led_by_partner) == [theirs.number]


def test_overdue_filter_counts_only_my_agencys_tasks(browser_as, lead, partner, named, other):
    participant_invite(actor=lead.liaison, case=other, agency=partner.agency)
    make_task(case=named, owner=lead.agency, title="Visit", due_at=timezone.now() - timedelta(hours=2))
    make_task(
        case=other, owner=partner.agency, title="Their report", due_at=timezone.now() - timedelta(hours=2)
    )

    response = browser_as(lead.liaison).get("/cases/", {"overdue": "on"})

    assert numbers(response) == [named.number]


def test_my_cases_filter_keeps_the_cases_whose_team_i_am_on(browser_as, lead, named, other):
    team_member_add(actor=lead.liaison, case=other, member=lead.liaison)

    response = browser_as(lead.liaison).get("/cases/", {"mine": "on"})

    assert numbers(response) == [other.number]


def test_a_caseworker_is_not_offered_my_cases_which_would_change_nothing(browser_as, lead, named):
    html = browser_as(lead.caseworker).get("/cases/").content.decode()

    assert 'name="mine"' not in html
    assert 'name="mine"' in browser_as(lead.liaison).get("/cases/").content.decode()


def test_assignee_filter_finds_cases_where_a_colleague_holds_an_open_task(browser_as, lead, named, other):
    colleague = UserFactory(agency=lead.agency, role="caseworker")
    make_task(case=other, owner=lead.agency, title="Visit", due_at=timezone.now(), assignee=colleague)
    make_task(case=named, owner=lead.agency, title="Call", due_at=timezone.now())
    browser = browser_as(lead.supervisor)

    by_colleague = browser.get("/cases/", {"assignee": str(colleague.public_id)})
    unassigned = browser.get("/cases/", {"assignee": "none"})

    assert numbers(by_colleague) == [other.number]
    assert numbers(unassigned) == [named.number]


def test_a_filter_value_that_is_not_offered_is_explained_and_nothing_breaks(browser_as, lead, named):
    response = browser_as(lead.liaison).get("/cases/", {"lead": "abc", "assignee": "someone", "sort": "x"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_lead_error">Select a valid choice. abc is not one of the available choices.' in html
    assert (
        'id="id_assignee_error">Select a valid choice. someone is not one of the available choices.' in html
    )
    assert numbers(response) == [named.number]


# --- sortable columns -----------------------------------------------------------------------------


def test_every_order_the_form_accepts_is_one_the_list_knows():
    assert list(CASE_SORT_LABELS) == list(CASE_ORDERINGS)


@pytest.fixture
def three(lead):
    """Three cases: the first with an overdue task and a task due in two days, the second with
    two overdue tasks, the third with none."""
    now = timezone.now()
    first, second, third = (open_case(actor=lead.caseworker, pseudonym=p) for p in ("A.A.", "B.B.", "C.C."))
    make_task(case=first, owner=lead.agency, title="t", due_at=now - timedelta(hours=1))
    make_task(case=first, owner=lead.agency, title="t", due_at=now + timedelta(days=2))
    make_task(case=second, owner=lead.agency, title="t", due_at=now - timedelta(days=3))
    make_task(case=second, owner=lead.agency, title="t", due_at=now - timedelta(days=2))
    return first, second, third


def test_next_deadline_sorts_soonest_first_and_cases_without_open_tasks_last(browser_as, lead, three):
    first, second, third = three

    soonest = browser_as(lead.caseworker).get("/cases/", {"sort": "deadline"})
    latest = browser_as(lead.caseworker).get("/cases/", {"sort": "-deadline"})

    assert numbers(soonest) == [second.number, first.number, third.number]
    assert numbers(latest) == [first.number, second.number, third.number]


def test_overdue_sorts_most_first(browser_as, lead, three):
    first, second, third = three

    response = browser_as(lead.caseworker).get("/cases/", {"sort": "-overdue"})

    assert numbers(response) == [second.number, first.number, third.number]
    assert "Cases you can see, most overdue tasks first" in text(response)


def test_last_activity_sorts_by_the_last_change_the_reader_can_see(browser_as, lead, three):
    first = three[0]
    case_update(actor=lead.caseworker, case=first, expected_version=first.version, core={"pseudonym": "A.Z."})

    latest = numbers(browser_as(lead.caseworker).get("/cases/", {"sort": "-activity"}))
    earliest = numbers(browser_as(lead.caseworker).get("/cases/", {"sort": "activity"}))

    assert latest[0] == first.number
    assert earliest[-1] == first.number


def test_a_column_heading_sorts_by_it_and_a_second_click_reverses(browser_as, lead, three):
    html = browser_as(lead.caseworker).get("/cases/", {"status": "open", "sort": "-overdue"}).content.decode()

    overdue = re.search(
        r'<th scope="col" aria-sort="(\w+)"><a href="([^"]+)" class="sort-link[^"]*">Overdue', html
    )
    deadline = re.search(
        r'<th scope="col" aria-sort="(\w+)"><a href="([^"]+)" class="sort-link[^"]*">Next', html
    )
    assert overdue.group(1) == "descending"
    assert parse_qs(urlsplit(overdue.group(2).replace("&amp;", "&")).query) == {
        "status": ["open"],
        "sort": ["overdue"],
    }
    assert deadline.group(1) == "none"
    assert parse_qs(urlsplit(deadline.group(2).replace("&amp;", "&")).query)["sort"] == ["deadline"]


def test_a_row_shows_the_next_deadline_and_overdue_count_of_my_agencys_tasks(
    browser_as, lead, partner, three
):
    first, _, third = three
    participant_invite(actor=lead.liaison, case=third, agency=partner.agency)
    make_task(case=third, owner=partner.agency, title="theirs", due_at=timezone.now() - timedelta(days=1))

    response = browser_as(lead.caseworker).get("/cases/")

    assert re.search(
        r"\(1 h overdue\)</span></td>\s*<td class=\"number\"><span class=\"overdue-text\">1</span>",
        row(response, first),
    )
    assert re.search(r'No open task</span></td>\s*<td class="number">0</td>', row(response, third))


# --- what a row may not reveal ------------------------------------------------------------------


def test_last_activity_does_not_move_when_a_section_the_reader_cannot_see_is_edited(
    browser_as, lead, partner, shared_case
):
    before = browser_as(partner.liaison).get("/cases/").content.decode()
    access_version = shared_case.version
    case_update(
        actor=lead.caseworker,
        case=shared_case,
        expected_version=access_version,
        sections={"location": {"school": "Another school"}},
    )

    after = browser_as(partner.liaison).get("/cases/").content.decode()
    mine = browser_as(lead.caseworker).get("/cases/").content.decode()

    times = re.compile(r'<td><time datetime="([^"]+)"')
    assert times.findall(after) == times.findall(before)
    assert times.findall(mine) != times.findall(before)


def test_the_list_costs_the_same_queries_for_one_case_as_for_many(
    browser_as, lead, django_assert_num_queries
):
    open_case(actor=lead.caseworker, pseudonym="A.A.")
    browser = browser_as(lead.liaison)
    browser.get("/cases/")  # the session is warm, as on every page after the first

    with django_assert_num_queries(7) as one:
        browser.get("/cases/", {"sort": "-activity"})
    for number in range(5):
        case = open_case(actor=lead.caseworker, pseudonym=f"X.{number}")
        make_task(case=case, owner=lead.agency, title="t", due_at=timezone.now() - timedelta(hours=1))
    with django_assert_num_queries(len(one.captured_queries)):
        browser.get("/cases/", {"sort": "-activity"})
