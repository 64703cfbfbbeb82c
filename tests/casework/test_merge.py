"""Merging two cases of one child (issue 18): who may, what is carried over, what is kept, where
the merged case's addresses lead, and two merges at once."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import AgencyKind, Role
from audit.models import AuditRecord, HandoffHistory, TaskHistory
from casework import merge as merge_registry
from casework.access import cases_visible_to, get_case_access
from casework.models import (
    Case,
    CaseMerge,
    CaseParticipant,
    CaseStatus,
    GrantEndReason,
    Handoff,
    IdentitySection,
    Note,
    SectionGrant,
    Task,
    TimelineEvent,
    TraffickingStatus,
)
from casework.sections import Section
from casework.selectors import case_search_filter
from casework.services.handoffs import handoff_create
from casework.services.merge import case_merge
from casework.services.notes import note_add
from casework.services.sharing import participant_invite
from casework.services.tasks import task_create
from common.errors import Conflict, Moved, NotFound, PermissionDenied, ValidationFailed
from exploitation.models import ExploitationProfile, RecruiterRelationship
from exploitation.services import exploitation_profile_save
from links.models import CaseLink
from links.services import case_link_create
from relief.models import ReliefRecord
from relief.services import relief_record_add
from tests.api.conftest import Api
from tests.conftest import Staff, make_staff
from tests.factories import UserFactory, in_hours, open_case
from tests.web.conftest import Browser

pytestmark = pytest.mark.django_db

REASON = "Same child: same date of birth, mother and school."


@pytest.fixture
def other_lead() -> Staff:
    return make_staff(kind=AgencyKind.CHILD_WELFARE, name="Fort Bend County CPS")


@pytest.fixture
def advocate() -> Staff:
    return make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Harris County Legal Aid")


@pytest.fixture
def duplicate(other_lead: Staff, partner: Staff) -> Case:
    """The same child, opened by another county under another spelling, with law enforcement on it
    too (as on the shared case)."""
    duplicate = open_case(
        actor=other_lead.caseworker,
        pseudonym="M.R.L.",
        age_band="15-17",
        sections={
            "identity": {
                "legal_name": "María Rivera-López",
                "aliases": ["Mari"],
                "date_of_birth": "2010-04-02",
                "guardian": "Ana López",
            },
            "location": {"address": "40 Oak Lane", "school": "Sugar Land Middle"},
        },
    )
    participant_invite(actor=other_lead.liaison, case=duplicate, agency=partner.agency)
    return duplicate


def merge(shared_case: Case, duplicate: Case, lead: Staff, other_lead: Staff) -> CaseMerge:
    return case_merge(
        surviving_case=shared_case,
        merged_case=duplicate,
        proposed_by=lead.supervisor,
        agreed_by=other_lead.supervisor,
        reason=REASON,
    )


def _unchanged(duplicate: Case) -> bool:
    duplicate.refresh_from_db()
    return duplicate.merged_into_id is None and not CaseMerge.objects.exists()


# --- who may ---------------------------------------------------------------------------------------


def test_a_supervisor_of_each_lead_agency_merges_the_two_cases(shared_case, duplicate, lead, other_lead):
    record = merge(shared_case, duplicate, lead, other_lead)
    duplicate.refresh_from_db()
    assert (duplicate.merged_into_id, duplicate.merged_at) == (shared_case.pk, record.merged_at)
    assert (
        record.surviving_case_id,
        record.merged_case_id,
        record.proposed_by,
        record.proposed_by_agency,
        record.agreed_by,
        record.agreed_by_agency,
        record.reason,
    ) == (
        shared_case.pk,
        duplicate.pk,
        lead.supervisor,
        lead.agency,
        other_lead.supervisor,
        other_lead.agency,
        REASON,
    )


def test_either_lead_agency_may_propose(shared_case, duplicate, lead, other_lead):
    case_merge(
        surviving_case=shared_case,
        merged_case=duplicate,
        proposed_by=other_lead.supervisor,
        agreed_by=lead.supervisor,
        reason=REASON,
    )
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == shared_case.pk


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.LIAISON])
def test_lead_agency_members_below_supervisor_are_refused(shared_case, duplicate, lead, other_lead, role):
    with pytest.raises(PermissionDenied, match="Only a supervisor of the case's lead agency"):
        case_merge(
            surviving_case=shared_case,
            merged_case=duplicate,
            proposed_by=lead.by_role(role),
            agreed_by=other_lead.supervisor,
            reason=REASON,
        )
    assert _unchanged(duplicate)


def test_a_supervisor_of_a_partner_agency_on_both_cases_is_refused(
    shared_case, duplicate, partner, other_lead
):
    with pytest.raises(PermissionDenied):
        case_merge(
            surviving_case=shared_case,
            merged_case=duplicate,
            proposed_by=partner.supervisor,
            agreed_by=other_lead.supervisor,
            reason=REASON,
        )
    assert _unchanged(duplicate)


def test_an_agreement_from_a_supervisor_of_the_wrong_agency_is_refused(shared_case, duplicate, lead, partner):
    with pytest.raises(PermissionDenied):
        case_merge(
            surviving_case=shared_case,
            merged_case=duplicate,
            proposed_by=lead.supervisor,
            agreed_by=partner.supervisor,
            reason=REASON,
        )
    assert _unchanged(duplicate)


@pytest.mark.parametrize("who", ["agency_admin", "platform_admin", "unrelated_supervisor"])
def test_someone_who_sees_neither_case_is_told_they_do_not_exist(
    shared_case, duplicate, lead, other_lead, unrelated, platform_admin, who
):
    proposer = {
        "agency_admin": lead.admin,
        "platform_admin": platform_admin,
        "unrelated_supervisor": unrelated.supervisor,
    }[who]
    with pytest.raises(NotFound):
        case_merge(
            surviving_case=shared_case,
            merged_case=duplicate,
            proposed_by=proposer,
            agreed_by=other_lead.supervisor,
            reason=REASON,
        )
    assert _unchanged(duplicate)


def test_one_person_cannot_both_propose_and_agree(shared_case, lead):
    second = open_case(actor=lead.caseworker, pseudonym="M.R. 2")
    with pytest.raises(ValidationFailed) as refused:
        case_merge(
            surviving_case=shared_case,
            merged_case=second,
            proposed_by=lead.supervisor,
            agreed_by=lead.supervisor,
            reason=REASON,
        )
    assert list(refused.value.fields) == ["agreed_by"]


def test_two_supervisors_of_one_agency_leading_both_cases_merge_them(shared_case, lead):
    second = open_case(actor=lead.caseworker, pseudonym="M.R. 2")
    colleague = UserFactory(agency=lead.agency, role=Role.SUPERVISOR)
    case_merge(
        surviving_case=shared_case,
        merged_case=second,
        proposed_by=lead.supervisor,
        agreed_by=colleague,
        reason=REASON,
    )
    second.refresh_from_db()
    assert second.merged_into_id == shared_case.pk


def test_a_case_is_not_merged_into_itself(shared_case, lead, other_lead):
    with pytest.raises(ValidationFailed) as refused:
        case_merge(
            surviving_case=shared_case,
            merged_case=shared_case,
            proposed_by=lead.supervisor,
            agreed_by=other_lead.supervisor,
            reason=REASON,
        )
    assert list(refused.value.fields) == ["merged_case"]


def test_a_reason_is_required(shared_case, duplicate, lead, other_lead):
    with pytest.raises(ValidationFailed) as refused:
        case_merge(
            surviving_case=shared_case,
            merged_case=duplicate,
            proposed_by=lead.supervisor,
            agreed_by=other_lead.supervisor,
            reason="  ",
        )
    assert list(refused.value.fields) == ["reason"]


def test_a_case_already_merged_is_a_conflict(shared_case, duplicate, lead, other_lead):
    merge(shared_case, duplicate, lead, other_lead)
    with pytest.raises(Conflict, match="already merged"):
        merge(shared_case, duplicate, lead, other_lead)
    assert CaseMerge.objects.count() == 1


def test_a_closed_case_is_a_conflict(shared_case, duplicate, lead, other_lead):
    Case.objects.filter(pk=duplicate.pk).update(status=CaseStatus.CLOSED)
    with pytest.raises(Conflict, match="This case is closed"):
        merge(shared_case, duplicate, lead, other_lead)
    assert _unchanged(duplicate)


# --- what is carried over ------------------------------------------------------------------------------


def test_tasks_notes_and_handoffs_move_to_the_surviving_case(
    shared_case, duplicate, lead, other_lead, partner
):
    task = task_create(actor=other_lead.caseworker, case=duplicate, title="Home visit", due_at=in_hours(48))
    note = note_add(actor=other_lead.caseworker, case=duplicate, section=Section.CORE, body="Met the child.")
    handoff = handoff_create(actor=other_lead.caseworker, task=task, to_agency=partner.agency)
    merge(shared_case, duplicate, lead, other_lead)
    assert (
        Task.objects.get(pk=task.pk).case_id,
        Note.objects.get(pk=note.pk).case_id,
        Handoff.objects.get(pk=handoff.pk).case_id,
    ) == (shared_case.pk, shared_case.pk, shared_case.pk)


def test_a_feature_app_record_moves_to_the_surviving_case(shared_case, duplicate, lead, other_lead, advocate):
    participant_invite(actor=other_lead.liaison, case=duplicate, agency=advocate.agency)
    record = relief_record_add(actor=advocate.liaison, case=duplicate, kind="t_visa")
    merge(shared_case, duplicate, lead, other_lead)
    assert ReliefRecord.objects.get(pk=record.pk).case_id == shared_case.pk


def test_the_merged_case_lead_agency_takes_part_in_the_surviving_case_with_what_it_read(
    shared_case, duplicate, lead, other_lead
):
    read_before = get_case_access(user=other_lead.supervisor, case_id=duplicate.pk).readable
    merge(shared_case, duplicate, lead, other_lead)
    assert CaseParticipant.objects.filter(case=shared_case, agency=other_lead.agency).exists()
    assert get_case_access(user=other_lead.supervisor, case_id=shared_case.pk).readable >= read_before


def test_an_agency_on_both_cases_holds_one_grant_per_section_afterwards(
    shared_case, duplicate, lead, other_lead, partner
):
    sections_on_both = set(
        SectionGrant.objects.filter(case=shared_case, agency=partner.agency).values_list("section", flat=True)
    ) & set(
        SectionGrant.objects.filter(case=duplicate, agency=partner.agency).values_list("section", flat=True)
    )
    merge(shared_case, duplicate, lead, other_lead)
    open_grants = SectionGrant.objects.filter(case=shared_case, agency=partner.agency, ended_at__isnull=True)
    assert sorted(open_grants.values_list("section", flat=True)) == sorted(sections_on_both)
    ended = SectionGrant.objects.filter(
        case=shared_case, agency=partner.agency, end_reason=GrantEndReason.MERGED
    )
    assert ended.count() == len(sections_on_both)
    # The partner's row on the merged case stays as history; it is not on the surviving case twice.
    assert CaseParticipant.objects.filter(case=shared_case, agency=partner.agency).count() == 1
    assert CaseParticipant.objects.filter(case=duplicate, agency=partner.agency).count() == 1


def test_the_timeline_moves_and_says_which_case_was_merged(shared_case, duplicate, lead, other_lead):
    opened = TimelineEvent.objects.filter(case=duplicate).values_list("pk", flat=True)
    moved = set(opened)
    merge(shared_case, duplicate, lead, other_lead)
    assert set(TimelineEvent.objects.filter(pk__in=moved).values_list("case_id", flat=True)) == {
        shared_case.pk
    }
    line = TimelineEvent.objects.get(case=shared_case, kind="case_merged")
    assert (line.summary, line.section) == (f"Merged {duplicate.number} into this case.", Section.CORE)


def test_the_merge_is_audited_on_both_cases(shared_case, duplicate, lead, other_lead):
    record = merge(shared_case, duplicate, lead, other_lead)
    audited = AuditRecord.objects.filter(event_type="case.merged", object_id=str(record.pk))
    assert sorted(audited.values_list("case_id", flat=True)) == sorted([shared_case.pk, duplicate.pk])


def test_sections_keep_the_survivor_values_and_fill_what_it_lacks(shared_case, duplicate, lead, other_lead):
    merge(shared_case, duplicate, lead, other_lead)
    identity = IdentitySection.objects.get(case=shared_case)
    assert (identity.legal_name, identity.guardian, identity.aliases) == (
        "Maria Rivera",
        "Ana López",
        ["Mari", "María Rivera-López"],
    )
    location = shared_case.location
    location.refresh_from_db()
    assert (location.address, location.school) == ("12 Elm Street", "Lee High")


def test_nothing_of_the_merged_case_is_deleted(shared_case, duplicate, lead, other_lead):
    merge(shared_case, duplicate, lead, other_lead)
    kept = Case.objects.get(pk=duplicate.pk)
    assert (kept.number, kept.pseudonym, kept.identity.legal_name, kept.location.address) == (
        duplicate.number,
        "M.R.L.",
        "María Rivera-López",
        "40 Oak Lane",
    )


def test_a_link_between_the_two_cases_stays_and_other_links_follow(shared_case, duplicate, lead, other_lead):
    sibling = open_case(actor=other_lead.caseworker, pseudonym="J.R.L.")
    to_sibling = case_link_create(
        actor=other_lead.caseworker, case=duplicate, other_case_id=sibling.pk, kind="sibling"
    )
    merge(shared_case, duplicate, lead, other_lead)
    to_sibling.refresh_from_db()
    assert {to_sibling.case_a_id, to_sibling.case_b_id} == {shared_case.pk, sibling.pk}
    assert to_sibling.case_a_id < to_sibling.case_b_id
    assert CaseLink.objects.count() == 1


def test_registered_hooks_run_with_both_cases(shared_case, duplicate, lead, other_lead):
    calls = []
    merge_registry.case_merged_hook_register(
        name="test",
        hook=lambda **kwargs: calls.append((kwargs["surviving_case"].pk, kwargs["merged_case"].pk)),
    )
    try:
        merge(shared_case, duplicate, lead, other_lead)
    finally:
        merge_registry._hooks.pop("test")
    assert calls == [(shared_case.pk, duplicate.pk)]


# --- where the merged case leads -------------------------------------------------------------------


def test_the_merged_case_is_in_nobodys_list(shared_case, duplicate, lead, other_lead, partner):
    merge(shared_case, duplicate, lead, other_lead)
    for user in (other_lead.supervisor, other_lead.caseworker, partner.liaison, lead.supervisor):
        assert not cases_visible_to(user=user).filter(pk=duplicate.pk).exists()


def test_someone_who_sees_the_survivor_is_sent_there(shared_case, duplicate, lead, other_lead):
    merge(shared_case, duplicate, lead, other_lead)
    with pytest.raises(Moved) as moved:
        get_case_access(user=other_lead.caseworker, case_id=duplicate.pk)
    assert moved.value.new_id == str(shared_case.pk)


def test_a_page_of_the_merged_case_redirects_to_the_same_page_of_the_survivor(
    shared_case, duplicate, lead, other_lead
):
    merge(shared_case, duplicate, lead, other_lead)
    response = Browser(other_lead.supervisor).get(f"/cases/{duplicate.pk}/sections/identity/", {"tab": "x"})
    assert (response.status_code, response["Location"]) == (
        302,
        f"/cases/{shared_case.pk}/sections/identity/?tab=x",
    )


def test_the_api_answers_308_with_the_survivors_address(shared_case, duplicate, lead, other_lead):
    merge(shared_case, duplicate, lead, other_lead)
    response = Api(other_lead.caseworker).get(f"cases/{duplicate.pk}/")
    assert (response.status_code, response["Location"]) == (
        308,
        f"http://testserver/api/v1/cases/{shared_case.pk}/",
    )


def test_an_outsider_gets_exactly_the_answer_for_a_case_that_does_not_exist(
    shared_case, duplicate, lead, other_lead, unrelated
):
    merge(shared_case, duplicate, lead, other_lead)
    api, browser = Api(unrelated.supervisor), Browser(unrelated.supervisor)
    missing = uuid.uuid4()
    merged_api, missing_api = api.get(f"cases/{duplicate.pk}/"), api.get(f"cases/{missing}/")
    assert (merged_api.status_code, merged_api.content) == (404, missing_api.content)
    assert browser.get(f"/cases/{duplicate.pk}/").status_code == 404


def test_search_by_the_merged_case_number_finds_the_survivor(shared_case, duplicate, lead, other_lead):
    merge(shared_case, duplicate, lead, other_lead)
    user = other_lead.supervisor
    found = cases_visible_to(user=user).filter(case_search_filter(user=user, term=duplicate.number))
    assert list(found.values_list("pk", flat=True)) == [shared_case.pk]


# --- cost ---------------------------------------------------------------------------------------------


def _pair_with_work(*, lead: Staff, other_lead: Staff, items: int) -> tuple[Case, Case]:
    survivor = open_case(actor=lead.caseworker, pseudonym="S.C.")
    merged = open_case(actor=other_lead.caseworker, pseudonym="M.C.")
    for number in range(items):
        task_create(actor=other_lead.caseworker, case=merged, title=f"Task {number}", due_at=in_hours(24))
        note_add(actor=other_lead.caseworker, case=merged, section=Section.CORE, body=f"Note {number}")
    return survivor, merged


def test_the_merge_costs_the_same_queries_whatever_the_work_on_the_case(
    lead, other_lead, django_assert_num_queries
):
    small = _pair_with_work(lead=lead, other_lead=other_lead, items=3)
    large = _pair_with_work(lead=lead, other_lead=other_lead, items=30)
    with CaptureQueriesContext(connection) as small_merge:
        case_merge(
            surviving_case=small[0],
            merged_case=small[1],
            proposed_by=lead.supervisor,
            agreed_by=other_lead.supervisor,
            reason=REASON,
        )
    with django_assert_num_queries(len(small_merge.captured_queries)):
        case_merge(
            surviving_case=large[0],
            merged_case=large[1],
            proposed_by=lead.supervisor,
            agreed_by=other_lead.supervisor,
            reason=REASON,
        )
    assert Task.objects.filter(case=large[0]).count() == 30


def test_the_survivor_without_a_profile_gets_a_copy_of_the_merged_cases(
    shared_case, duplicate, lead, other_lead, partner
):
    Case.objects.filter(pk=duplicate.pk).update(
        trafficking_status=TraffickingStatus.SUSPECTED, trafficking_status_changed_at=timezone.now()
    )
    exploitation_profile_save(
        actor=partner.liaison,
        case=duplicate,
        expected_version=0,
        values={"recruiter_relationship": RecruiterRelationship.PARENT},
    )
    merge(shared_case, duplicate, lead, other_lead)
    profiles = ExploitationProfile.objects.values_list("case_id", "recruiter_relationship")
    assert set(profiles) == {(shared_case.pk, "parent"), (duplicate.pk, "parent")}


def test_an_htmx_request_for_the_merged_case_is_told_where_to_go(shared_case, duplicate, lead, other_lead):
    merge(shared_case, duplicate, lead, other_lead)
    response = Browser(other_lead.supervisor).get(f"/cases/{duplicate.pk}/", htmx=True)
    assert (response.status_code, response["HX-Location"]) == (200, f"/cases/{shared_case.pk}/")


def test_the_merged_case_named_outside_the_address_is_a_case_that_does_not_exist(
    shared_case, duplicate, lead, other_lead
):
    """A link asked for from another case to the merged one: there is no page to send anyone to,
    so the answer is the one for a case that does not exist."""
    merge(shared_case, duplicate, lead, other_lead)
    other = open_case(actor=other_lead.caseworker, pseudonym="J.R.L.")
    api = Api(other_lead.supervisor)
    to_merged = api.post(f"cases/{other.pk}/links/", {"other_case": str(duplicate.pk), "kind": "sibling"})
    to_missing = api.post(f"cases/{other.pk}/links/", {"other_case": str(uuid.uuid4()), "kind": "sibling"})
    assert (to_merged.status_code, to_merged.content) == (to_missing.status_code, to_missing.content)
    assert to_merged.status_code in (400, 404)


def test_history_records_each_move(shared_case, duplicate, lead, other_lead, partner):
    task = task_create(actor=other_lead.caseworker, case=duplicate, title="Home visit", due_at=in_hours(48))
    handoff = handoff_create(actor=other_lead.caseworker, task=task, to_agency=partner.agency)
    merge(shared_case, duplicate, lead, other_lead)
    assert list(
        TaskHistory.objects.filter(pgh_obj_id=task.pk).order_by("pgh_id").values_list("pgh_label", "case_id")
    ) == [("insert", duplicate.pk), ("update", shared_case.pk)]
    assert HandoffHistory.objects.filter(pgh_obj_id=handoff.pk, case_id=shared_case.pk).count() == 1


def test_an_open_record_of_one_kind_on_both_cases_refuses_the_merge_and_changes_nothing(
    shared_case, duplicate, lead, other_lead, advocate
):
    participant_invite(actor=lead.liaison, case=shared_case, agency=advocate.agency)
    participant_invite(actor=other_lead.liaison, case=duplicate, agency=advocate.agency)
    relief_record_add(actor=advocate.liaison, case=shared_case, kind="t_visa")
    on_merged = relief_record_add(actor=advocate.liaison, case=duplicate, kind="t_visa")
    task = task_create(actor=other_lead.caseworker, case=duplicate, title="Home visit", due_at=in_hours(48))
    with pytest.raises(Conflict, match="relief_one_open_record_per_kind"):
        merge(shared_case, duplicate, lead, other_lead)
    assert _unchanged(duplicate)
    assert (ReliefRecord.objects.get(pk=on_merged.pk).case_id, Task.objects.get(pk=task.pk).case_id) == (
        duplicate.pk,
        duplicate.pk,
    )
    assert CaseParticipant.objects.filter(case=shared_case, agency=other_lead.agency).count() == 0


def test_the_case_list_shows_the_survivor_only_and_finds_it_by_the_old_number(
    shared_case, duplicate, lead, other_lead
):
    merge(shared_case, duplicate, lead, other_lead)
    browser = Browser(other_lead.supervisor)
    listed = browser.get("/cases/").content.decode()
    found = browser.client.post("/cases/", {"q": duplicate.number}, follow=True).content.decode()
    assert (f">{shared_case.number}</a>" in listed, f">{duplicate.number}</a>" in listed) == (True, False)
    assert f">{shared_case.number}</a>" in found
