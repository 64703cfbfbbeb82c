"""The visibility rules written out as SQL (`CaseVisible`) and the readable-sections statement: the
same answers as DOMAIN.md's rules wherever a query puts them, subqueries included."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from agencies.models import AgencyKind, Role
from casework.access import (
    VIEW_CASE,
    WORK_ON_CASE,
    CaseVisible,
    agency_takes_part,
    cases_visible_to,
    cases_worked_on_by,
    get_case_access,
    readable_sections_by_case,
    tasks_visible_to,
)
from casework.models import Case, GrantBasis, SectionGrant, Task
from casework.services.breakglass import break_glass_open
from casework.services.handoffs import handoff_create, handoff_decline
from casework.services.sharing import grant_create, grant_revoke, participant_invite, team_member_add
from casework.services.tasks import task_create
from common.errors import NotFound
from tests.conftest import Staff, make_staff
from tests.factories import UserFactory, in_hours, open_case

pytestmark = pytest.mark.django_db

REASON = "Child called from an unknown address; police need the placement to do a welfare check."


@pytest.fixture
def lead_only_case(lead: Staff) -> Case:
    """A second case of the lead agency that nobody else takes part in."""
    return open_case(actor=lead.caseworker, pseudonym="J.D.")


def stray_task(*, case: Case, owner: Staff, assignee_staff: Staff) -> Task:
    """A task no service would create (its assignee is not a member of the owning agency, or the
    owning agency does not take part): written directly, to show the rules hold for any row."""
    return Task.objects.create(
        case=case,
        title="Stray",
        owner_agency=owner.agency,
        assignee=assignee_staff.caseworker,
        due_at=in_hours(24),
    )


# --- the expression, wherever it is used ------------------------------------------------------


def test_on_cases_it_keeps_the_cases_the_agency_takes_part_in(
    shared_case, lead_only_case, lead, partner, unrelated
):
    def visible(staff: Staff) -> set[Case]:
        return set(Case.objects.filter(CaseVisible("pk", agency_id=staff.agency.pk)))

    assert visible(lead) == {shared_case, lead_only_case}
    assert visible(partner) == {shared_case}
    assert visible(unrelated) == set()


def test_on_tasks_it_follows_each_tasks_case(shared_case, lead_only_case, lead, partner):
    on_shared = task_create(actor=lead.caseworker, case=shared_case, title="Interview", due_at=in_hours(24))
    task_create(actor=lead.caseworker, case=lead_only_case, title="Placement", due_at=in_hours(24))

    assert list(Task.objects.filter(CaseVisible("case_id", agency_id=partner.agency.pk))) == [on_shared]


def test_in_an_exists_over_tasks_it_follows_the_tasks_case(shared_case, lead_only_case, lead, partner):
    for case in (shared_case, lead_only_case):
        task_create(actor=lead.caseworker, case=case, title="Interview", due_at=in_hours(24))
    partner_task_there = Task.objects.filter(
        agency_takes_part(agency_id=partner.agency.pk, case_ref="case_id"), case_id=OuterRef("pk")
    )

    assert list(Case.objects.filter(Exists(partner_task_there))) == [shared_case]


def test_in_a_subquery_it_follows_the_subquerys_own_rows(shared_case, lead_only_case, partner):
    # Every case of the lead agency shares its lead with a case the partner sees; were the rule
    # correlated with the outer row instead of the subquery's, the lead-only case would drop out.
    same_lead_as_a_visible_case = Exists(
        cases_visible_to(user=partner.liaison).filter(lead_agency_id=OuterRef("lead_agency_id"))
    )

    assert set(Case.objects.filter(same_lead_as_a_visible_case)) == {shared_case, lead_only_case}


def test_in_a_subquery_over_another_table_it_is_relabeled(shared_case, lead_only_case, lead, partner):
    on_shared = task_create(actor=lead.caseworker, case=shared_case, title="Interview", due_at=in_hours(24))
    task_create(actor=lead.caseworker, case=lead_only_case, title="Placement", due_at=in_hours(24))
    colleague = UserFactory(agency=lead.agency, role=Role.CASEWORKER)
    team_member_add(actor=lead.liaison, case=lead_only_case, member=colleague)
    with_a_task_the_colleague_sees = Exists(tasks_visible_to(user=colleague).filter(case_id=OuterRef("pk")))

    assert list(Task.objects.filter(case__in=cases_visible_to(user=partner.liaison))) == [on_shared]
    assert list(Case.objects.filter(with_a_task_the_colleague_sees)) == [lead_only_case]


def test_negated_it_keeps_exactly_the_other_cases(shared_case, lead_only_case, lead, partner, unrelated):
    team_member_add(actor=partner.liaison, case=shared_case, member=partner.caseworker)
    unrelated_case = open_case(actor=unrelated.caseworker, pseudonym="K.L.")
    visible = CaseVisible("pk", agency_id=partner.agency.pk, worker_id=partner.caseworker.pk)

    assert list(Case.objects.filter(visible)) == [shared_case]
    assert set(Case.objects.exclude(visible)) == {lead_only_case, unrelated_case}
    assert set(Case.objects.filter(~Q(visible))) == {lead_only_case, unrelated_case}


def test_the_permission_and_group_ids_are_looked_up_by_the_database_on_every_query(lead):
    # Ids differ between databases (and after a test flush), so none is cached in Python: the
    # query names the permissions by codename and the agency by its id.
    sql, params = cases_visible_to(user=lead.caseworker).query.sql_with_params()

    assert [value for value in params if value in (VIEW_CASE, WORK_ON_CASE)] == [VIEW_CASE, WORK_ON_CASE]
    assert lead.agency.pk in params
    assert sql.count('FROM "auth_permission"') == 2
    assert sql.count('FROM "agencies_agency"') == 1


# --- who sees which case --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LIAISON, Role.SUPERVISOR])
def test_liaisons_and_supervisors_see_every_case_their_agency_takes_part_in(
    shared_case, lead_only_case, partner, role
):
    assert list(cases_visible_to(user=partner.by_role(role))) == [shared_case]


@pytest.mark.parametrize("role", Role.values)
def test_an_agency_that_does_not_take_part_sees_nothing_even_holding_a_task_there(
    shared_case, unrelated, role
):
    stray_task(case=shared_case, owner=unrelated, assignee_staff=unrelated)
    user = unrelated.by_role(role)

    assert list(cases_visible_to(user=user)) == []
    assert list(tasks_visible_to(user=user)) == []
    with pytest.raises(NotFound):
        get_case_access(user=user, case_id=shared_case.pk)


def test_a_task_of_another_agency_does_not_show_a_caseworker_the_case(shared_case, lead, partner):
    stray_task(case=shared_case, owner=lead, assignee_staff=partner)

    assert list(cases_visible_to(user=partner.caseworker)) == []
    assert list(tasks_visible_to(user=partner.caseworker)) == []


def test_a_caseworker_who_moved_agency_no_longer_sees_the_old_agencys_cases(shared_case, partner):
    other = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Other agency")
    team_member_add(actor=partner.liaison, case=shared_case, member=partner.caseworker)
    partner.caseworker.agency = other.agency
    partner.caseworker.save(update_fields=["agency"])

    assert list(cases_visible_to(user=partner.caseworker)) == []


@pytest.mark.parametrize("role", Role.values)
def test_a_whole_list_holds_the_same_cases_as_a_page_by_page_one(
    shared_case, lead_only_case, lead, partner, unrelated, role
):
    stray_task(case=shared_case, owner=unrelated, assignee_staff=unrelated)
    stray_task(case=lead_only_case, owner=lead, assignee_staff=partner)
    stray_task(case=shared_case, owner=partner, assignee_staff=partner)
    open_case(actor=partner.caseworker, pseudonym="P.Q.")

    for staff in (lead, partner, unrelated):
        user = staff.by_role(role)
        assert set(cases_visible_to(user=user, whole=True)) == set(cases_visible_to(user=user)), staff


def test_a_supervisors_desk_holds_only_the_cases_they_work_on(shared_case, lead_only_case, lead):
    team_member_add(actor=lead.liaison, case=lead_only_case, member=lead.supervisor)

    assert set(cases_visible_to(user=lead.supervisor)) == {shared_case, lead_only_case}
    assert list(cases_worked_on_by(user=lead.supervisor)) == [lead_only_case]


def test_a_task_offered_in_a_pending_handoff_is_visible_to_the_receiving_liaison_until_declined(case, lead):
    advocate = make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Gulf Coast Immigrant Legal Aid")
    task = task_create(actor=lead.caseworker, case=case, title="T-visa declaration", due_at=in_hours(72))
    handoff = handoff_create(actor=lead.liaison, task=task, to_agency=advocate.agency)
    with_a_visible_task = Exists(tasks_visible_to(user=advocate.liaison).filter(case_id=OuterRef("pk")))

    assert list(tasks_visible_to(user=advocate.liaison)) == [task]
    assert list(Case.objects.filter(with_a_visible_task)) == [case]
    assert list(tasks_visible_to(user=advocate.caseworker)) == []

    handoff_decline(actor=advocate.liaison, handoff=handoff, reason="No capacity this month.")

    assert list(tasks_visible_to(user=advocate.liaison)) == []
    assert list(Case.objects.filter(with_a_visible_task)) == []


# --- which sections -------------------------------------------------------------------------


def test_expired_and_ended_grants_are_not_readable(shared_case, lead, partner):
    other_case = open_case(actor=lead.caseworker, pseudonym="J.D.")
    participant_invite(actor=lead.liaison, case=other_case, agency=partner.agency)
    grant_create(
        actor=partner.liaison,
        case=shared_case,
        agency=lead.agency,
        section="investigation",
        expires_at=in_hours(2),
    )
    ended = grant_create(actor=partner.liaison, case=other_case, agency=lead.agency, section="investigation")
    grant_revoke(actor=partner.liaison, grant=ended)
    cases = [shared_case.pk, other_case.pk]

    assert readable_sections_by_case(user=lead.caseworker, case_ids=cases)[shared_case.pk] == {
        "core",
        "identity",
        "location",
        "immigration",
        "health",
        "investigation",
    }
    assert (
        "investigation" not in readable_sections_by_case(user=lead.caseworker, case_ids=cases)[other_case.pk]
    )
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert "investigation" not in get_case_access(user=lead.caseworker, case_id=shared_case.pk).readable
        assert (
            "investigation"
            not in readable_sections_by_case(user=lead.caseworker, case_ids=cases)[shared_case.pk]
        )


def test_break_glass_opens_a_section_for_the_supervisor_who_opened_it_until_it_expires(shared_case, partner):
    break_glass_open(actor=partner.supervisor, case=shared_case, section="location", reason=REASON)
    default = {"core", "identity", "investigation"}

    access = get_case_access(user=partner.supervisor, case_id=shared_case.pk)
    assert (access.readable, access.break_glass) == (default | {"location"}, {"location"})
    assert readable_sections_by_case(user=partner.supervisor, case_ids=[shared_case.pk]) == {
        shared_case.pk: default | {"location"}
    }
    assert get_case_access(user=partner.liaison, case_id=shared_case.pk).readable == default
    with time_machine.travel(timezone.now() + timedelta(hours=settings.BRIDGE_BREAK_GLASS_HOURS, minutes=1)):
        access = get_case_access(user=partner.supervisor, case_id=shared_case.pk)
        assert (access.readable, access.break_glass) == (default, frozenset())


def test_a_section_also_held_by_grant_is_not_marked_as_break_glass(shared_case, partner):
    break_glass_open(actor=partner.supervisor, case=shared_case, section="location", reason=REASON)
    # Written directly: sharing the location needs a consent, which is beside the point here.
    SectionGrant.objects.create(
        case=shared_case, agency=partner.agency, section="location", basis=GrantBasis.STEWARD
    )

    access = get_case_access(user=partner.supervisor, case_id=shared_case.pk)

    assert (access.readable, access.break_glass) == (
        {"core", "identity", "investigation", "location"},
        frozenset(),
    )


def test_readable_sections_for_one_case_and_for_many_agree(
    shared_case, lead, partner, django_assert_num_queries
):
    cases = [shared_case, *(open_case(actor=lead.caseworker, pseudonym=f"C{index}") for index in range(3))]
    break_glass_open(actor=partner.supervisor, case=shared_case, section="location", reason=REASON)

    for user in (lead.caseworker, partner.supervisor):
        with django_assert_num_queries(1):
            by_case = readable_sections_by_case(user=user, case_ids=[case.pk for case in cases])
        for case in cases_visible_to(user=user):
            with django_assert_num_queries(1):
                assert get_case_access(user=user, case_id=case.pk).readable == by_case[case.pk]


def test_no_cases_need_no_query(lead, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert readable_sections_by_case(user=lead.caseworker, case_ids=[]) == {}
