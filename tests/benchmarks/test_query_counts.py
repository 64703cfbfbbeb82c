"""The pages the benchmarks time cost a fixed number of queries, whatever the amount of data: the
same count on a dozen generated cases as on eighty, for a caseworker, a liaison and a supervisor
of the busiest agency. Timings stay out of the suite (docs/performance.md); query counts are
what regress silently, so they are pinned here."""

import pytest
from django.db.models import Count

from agencies.models import Agency, Role, User
from benchmarks.loadgen.generator import generate
from benchmarks.loadgen.world import LoadSizes
from casework.access import cases_visible_to
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db

SIZES = {
    "small": LoadSizes(agencies=6, users=30, cases=12, tasks=120, handoffs=6, notes=12, seed=3),
    "larger": LoadSizes(agencies=6, users=60, cases=80, tasks=900, handoffs=40, notes=120, seed=4),
}

# (path, query string, roles, queries): the token lookup is one of them.
PAGES = {
    "case list": ("cases/", {}, (Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR), 3),
    # A term of three characters or more: "BR-" alone is the two-letter key "BR", a pseudonym.
    "case search": ("cases/", {"q": "BR-20"}, (Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR), 3),
    # For a reader of `immigration`: one more than for others, API.md's relief fields told from
    # the case's relief records.
    "case detail": ("cases/{case}/", {}, (Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR), 5),
    "my tasks": (
        "tasks/",
        {"assignee": "me", "status": "open"},
        (Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR),
        2,
    ),
    "incoming handoffs": (
        "handoffs/",
        {"direction": "incoming", "status": "pending"},
        (Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR),
        2,
    ),
    "notifications": ("notifications/", {}, (Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR), 2),
    # The first view sums the figures up and stores them (`casework.dashboard_figures`): the
    # figures, the panels, the grants' checks and the upsert; and the relief birthday watch.
    "dashboard": ("dashboard/", {}, (Role.SUPERVISOR,), 23),
}
# The same request again, as the benchmarks time it: the stored figures and the relief watch.
AGAIN = {"dashboard": 3}


def busiest_member(role: str) -> User:
    agency = Agency.objects.annotate(cases=Count("participations")).order_by("-cases", "pk").first()
    return User.objects.filter(agency=agency, role=role).order_by("pk").first()


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("page", sorted(PAGES))
def test_benchmarked_page_costs_the_same_queries_at_any_size(django_assert_num_queries, page, size):
    generate(sizes=SIZES[size])
    path, params, roles, expected = PAGES[page]
    for role in roles:
        user = busiest_member(role)
        case = cases_visible_to(user=user).order_by("pk").first()
        assert case is not None
        api = Api(user)

        with django_assert_num_queries(expected):
            response = api.get(path.format(case=case.pk), params)

        assert response.status_code == 200
        if page in AGAIN:
            with django_assert_num_queries(AGAIN[page]):
                assert api.get(path.format(case=case.pk), params).status_code == 200
