"""Who sees which cases and sections: DOMAIN.md's table, role by role and kind by kind."""

import pytest

from agencies.models import AgencyKind, Role
from casework.access import Action, cases_visible_to, get_case_access, readable_sections_by_case
from casework.models import Case, CaseStatus
from casework.services.sharing import participant_invite, team_member_add
from casework.services.tasks import task_create
from common.errors import Conflict, NotFound
from tests.conftest import make_staff
from tests.factories import PlatformAdminFactory, in_hours, open_case

pytestmark = pytest.mark.django_db

# Written out from DOMAIN.md rather than computed, so a change to the rules must change this too.
SECTIONS_BY_KIND = {
    AgencyKind.CHILD_WELFARE: {"core", "identity", "location", "immigration", "health"},
    AgencyKind.LAW_ENFORCEMENT: {"core", "identity", "investigation"},
    AgencyKind.IMMIGRATION: {"core", "identity", "investigation"},
    AgencyKind.LEGAL_ADVOCATE: {"core", "identity", "immigration", "legal"},
    AgencyKind.VICTIM_SERVICES: {"core", "identity", "health", "services"},
    AgencyKind.PROSECUTION: {"core", "identity", "investigation"},
}
WRITABLE_BY_PARTNER_KIND = {
    AgencyKind.CHILD_WELFARE: {"location", "health"},
    AgencyKind.LAW_ENFORCEMENT: {"investigation"},
    AgencyKind.IMMIGRATION: {"investigation"},
    AgencyKind.LEGAL_ADVOCATE: {"immigration", "legal"},
    AgencyKind.VICTIM_SERVICES: {"health", "services"},
    # Prosecution writes only the criminal-case records in investigation (Action.WRITE_CRIMINAL_CASE).
    AgencyKind.PROSECUTION: set(),
}


@pytest.mark.parametrize("kind", AgencyKind.values)
@pytest.mark.parametrize("role", [Role.LIAISON, Role.SUPERVISOR])
def test_partner_liaisons_and_supervisors_read_their_kinds_default_sections(case, lead, kind, role):
    partner = make_staff(kind=kind, name=f"Partner {kind}")
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)

    access = get_case_access(user=partner.by_role(role), case_id=case.pk)

    assert access.readable == SECTIONS_BY_KIND[kind]
    assert access.writable == WRITABLE_BY_PARTNER_KIND[kind]


@pytest.mark.parametrize("kind", AgencyKind.values)
def test_lead_agency_reads_its_kinds_sections_and_writes_core_and_identity(kind):
    lead = make_staff(kind=kind, name=f"Lead {kind}")
    case = open_case(actor=lead.caseworker)

    access = get_case_access(user=lead.caseworker, case_id=case.pk)

    assert access.readable == SECTIONS_BY_KIND[kind]
    assert access.writable == {"core", "identity"} | WRITABLE_BY_PARTNER_KIND[kind]


@pytest.mark.parametrize("kind", AgencyKind.values)
def test_partner_caseworker_off_the_team_does_not_see_the_case(case, lead, kind):
    partner = make_staff(kind=kind, name=f"Partner {kind}")
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)

    with pytest.raises(NotFound):
        get_case_access(user=partner.caseworker, case_id=case.pk)
    assert list(cases_visible_to(user=partner.caseworker)) == []


def test_caseworker_put_on_the_team_sees_the_case(shared_case, partner):
    team_member_add(actor=partner.liaison, case=shared_case, member=partner.caseworker)

    assert list(cases_visible_to(user=partner.caseworker)) == [shared_case]


def test_caseworker_holding_a_task_sees_the_case(shared_case, partner):
    task_create(
        actor=partner.liaison,
        case=shared_case,
        title="Interview",
        due_at=in_hours(24),
        assignee=partner.caseworker,
    )

    assert list(cases_visible_to(user=partner.caseworker)) == [shared_case]


def test_another_caseworker_of_the_lead_agency_off_the_team_sees_nothing(case, lead):
    from tests.factories import UserFactory

    colleague = UserFactory(agency=lead.agency, role=Role.CASEWORKER)

    assert list(cases_visible_to(user=colleague)) == []


@pytest.mark.parametrize("role", Role.values)
def test_unrelated_agency_gets_not_found_in_every_role(shared_case, unrelated, role):
    user = unrelated.by_role(role)

    with pytest.raises(NotFound):
        get_case_access(user=user, case_id=shared_case.pk)
    assert list(cases_visible_to(user=user)) == []


@pytest.mark.parametrize("staff", ["lead", "partner"])
def test_agency_admins_see_no_case_content(shared_case, staff, request):
    admin = request.getfixturevalue(staff).admin

    with pytest.raises(NotFound):
        get_case_access(user=admin, case_id=shared_case.pk)
    assert list(cases_visible_to(user=admin)) == []


def test_platform_administrator_sees_no_case(shared_case):
    platform_admin = PlatformAdminFactory()

    with pytest.raises(NotFound):
        get_case_access(user=platform_admin, case_id=shared_case.pk)
    assert list(cases_visible_to(user=platform_admin)) == []


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", None, 12, "00000000-0000-0000-0000-000000000000"])
def test_malformed_or_unknown_case_ids_are_not_found(lead, bad_id):
    with pytest.raises(NotFound):
        get_case_access(user=lead.supervisor, case_id=bad_id)


def test_listing_visible_cases_costs_one_query_however_many_cases(lead, partner, django_assert_num_queries):
    for index in range(12):
        case = open_case(actor=lead.caseworker, pseudonym=f"C{index}")
        participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    for user in (lead.caseworker, partner.supervisor):
        with django_assert_num_queries(1):
            assert len(list(cases_visible_to(user=user))) == 12


def test_readable_sections_for_many_cases_cost_one_query(lead, django_assert_num_queries):
    cases = [open_case(actor=lead.caseworker, pseudonym=f"C{index}") for index in range(5)]

    with django_assert_num_queries(1):
        sections = readable_sections_by_case(user=lead.caseworker, case_ids=[case.pk for case in cases])

    assert all(value == SECTIONS_BY_KIND[AgencyKind.CHILD_WELFARE] for value in sections.values())


# Action.MERGE: only the lead agency's supervisors, on an open case (a closed one is a 409).
MERGE_HOLDERS = {
    ("lead", Role.CASEWORKER): False,
    ("lead", Role.LIAISON): False,
    ("lead", Role.SUPERVISOR): True,
    ("partner", Role.CASEWORKER): False,
    ("partner", Role.LIAISON): False,
    ("partner", Role.SUPERVISOR): False,
}


@pytest.mark.parametrize(("agency", "role"), list(MERGE_HOLDERS))
def test_only_lead_agency_supervisors_may_merge_a_case(shared_case, lead, partner, agency, role):
    staff = {"lead": lead, "partner": partner}[agency]
    user = staff.by_role(role)
    if role == Role.CASEWORKER:
        team_member_add(actor=staff.liaison, case=shared_case, member=user)

    assert (
        get_case_access(user=user, case_id=shared_case.pk).may(Action.MERGE) is MERGE_HOLDERS[(agency, role)]
    )


def test_a_closed_case_refuses_its_lead_supervisor_a_merge_with_a_conflict(case, lead):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)

    with pytest.raises(Conflict, match="This case is closed"):
        get_case_access(user=lead.supervisor, case_id=case.pk).require(Action.MERGE)
