"""Merging the two cases of a confirmed comparison: a supervisor of one lead agency proposes, a
supervisor of the other agrees (the cases are merged) or declines; each side is told only of its
own case; two agreements at once merge once."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from agencies.models import Role
from audit.models import AuditRecord
from casework.models import Case, Note
from casework.services.notes import note_add
from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from matching.models import BlockingKey, ComparisonRequest, MergeProposal, MergeProposalStatus
from matching.services import comparison_ask, comparison_confirm, comparison_invite, possible_matches_check
from matching.services_merge import merge_agree, merge_decline, merge_propose, merge_state
from notifications.models import Notification
from tests.api.conftest import Api, body, error_of
from tests.conftest import Staff
from tests.factories import UserFactory
from tests.matching.conftest import leaks

pytestmark = pytest.mark.django_db


def confirmed(*, lead: Staff, unrelated: Staff, asking_case: Case) -> ComparisonRequest:
    [match] = possible_matches_check(actor=lead.liaison, case=asking_case)
    asked = comparison_ask(actor=lead.liaison, case=asking_case, token=match.token)
    comparison_confirm(actor=unrelated.liaison, handoff_id=asked.handoff_id, reason="Same child.")
    return asked


@pytest.fixture
def comparison(lead, unrelated, asking_case) -> ComparisonRequest:
    return confirmed(lead=lead, unrelated=unrelated, asking_case=asking_case)


def propose(actor, comparison: ComparisonRequest, *, keep: str) -> MergeProposal:
    return merge_propose(actor=actor, handoff_id=comparison.handoff_id, keep=keep, reason="Same child.")


def merge_url(comparison: ComparisonRequest, action: str = "") -> str:
    return f"comparisons/{comparison.handoff_id}/merge/" + (f"{action}/" if action else "")


def test_a_supervisor_of_either_lead_agency_may_propose(comparison, lead, unrelated):
    assert merge_state(actor=lead.supervisor, handoff_id=comparison.handoff_id).may_propose
    assert merge_state(actor=unrelated.supervisor, handoff_id=comparison.handoff_id).may_propose


@pytest.mark.parametrize(
    "who", ["lead.liaison", "lead.caseworker", "unrelated.liaison", "partner.supervisor"]
)
def test_nobody_else_sees_the_merge(comparison, who, request):
    fixture, role = who.split(".")

    response = Api(getattr(request.getfixturevalue(fixture), role)).get(merge_url(comparison))

    assert response.status_code == 404


def test_merging_waits_for_the_confirmation(lead, unrelated, asking_case):
    [match] = possible_matches_check(actor=lead.liaison, case=asking_case)
    asked = comparison_ask(actor=lead.liaison, case=asking_case, token=match.token)

    with pytest.raises(Conflict):
        merge_propose(actor=lead.supervisor, handoff_id=asked.handoff_id, keep="mine", reason="Same child.")


def test_a_proposal_needs_a_reason_and_a_choice(comparison, lead):
    response = Api(lead.supervisor).post(merge_url(comparison), {"keep": "neither", "reason": ""})

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"keep", "reason"}


def test_the_other_side_is_asked_about_its_own_case_only(
    comparison, lead, unrelated, asking_case, hidden_case
):
    merge_propose(
        actor=lead.supervisor, handoff_id=comparison.handoff_id, keep="theirs", reason="Same child."
    )

    told = Notification.objects.get(recipient=unrelated.supervisor, kind="merge_proposed")
    assert hidden_case.number in told.message
    assert asking_case.number not in told.message
    state = body(Api(lead.supervisor).get(merge_url(comparison)))
    assert state["own_case"]["number"] == asking_case.number
    assert leaks(str(state), hidden_case) == []


def test_the_proposer_does_not_answer_their_own_proposal(comparison, lead):
    propose(lead.supervisor, comparison, keep="mine")

    with pytest.raises(PermissionDenied):
        merge_agree(actor=lead.supervisor, handoff_id=comparison.handoff_id)


def test_agreeing_merges_the_two_cases(comparison, lead, unrelated, asking_case, hidden_case):
    note_add(actor=lead.caseworker, case=asking_case, section="core", body="Seen at the shelter.")
    merge_propose(
        actor=lead.supervisor, handoff_id=comparison.handoff_id, keep="theirs", reason="Same child."
    )

    response = Api(unrelated.supervisor).post(merge_url(comparison, "agree"))

    assert response.status_code == 200
    assert body(response)["proposal"]["status"] == MergeProposalStatus.MERGED
    asking_case.refresh_from_db()
    assert asking_case.merged_into_id == hidden_case.pk
    assert Note.objects.get(body="Seen at the shelter.").case_id == hidden_case.pk
    assert not BlockingKey.objects.filter(case=asking_case).exists()
    assert {r.case_id for r in AuditRecord.objects.filter(event_type="match.merge_agreed")} == {
        asking_case.pk,
        hidden_case.pk,
    }


def test_declining_keeps_both_cases_and_tells_the_proposer(comparison, lead, unrelated, asking_case):
    propose(lead.supervisor, comparison, keep="mine")

    merge_decline(actor=unrelated.supervisor, handoff_id=comparison.handoff_id, reason="We keep ours open.")

    asking_case.refresh_from_db()
    assert asking_case.merged_into_id is None
    assert MergeProposal.objects.get().status == MergeProposalStatus.DECLINED
    assert Notification.objects.filter(recipient=lead.supervisor, kind="merge_declined").exists()
    assert merge_state(actor=lead.supervisor, handoff_id=comparison.handoff_id).may_propose


def test_declining_needs_a_reason(comparison, lead, unrelated):
    propose(lead.supervisor, comparison, keep="mine")

    with pytest.raises(ValidationFailed):
        merge_decline(actor=unrelated.supervisor, handoff_id=comparison.handoff_id, reason=" ")


def test_proposing_twice_is_a_conflict(comparison, lead, unrelated):
    propose(lead.supervisor, comparison, keep="mine")

    response = Api(unrelated.supervisor).post(merge_url(comparison), {"keep": "mine", "reason": "Same."})

    assert response.status_code == 409


def test_the_merge_page_offers_what_the_reader_may_do(comparison, lead, unrelated):
    propose(lead.supervisor, comparison, keep="mine")
    client = Client()
    client.force_login(unrelated.supervisor)

    page = client.get(reverse("web:match-merge", args=[comparison.handoff_id])).content.decode()

    assert reverse("web:match-merge-agree", args=[comparison.handoff_id]) in page
    assert "Merges your case" in page


def test_the_review_page_links_the_merge_for_a_supervisor(comparison, unrelated):
    client = Client()
    client.force_login(unrelated.supervisor)

    page = client.get(reverse("web:match-review", args=[comparison.handoff_id])).content.decode()

    assert reverse("web:match-merge", args=[comparison.handoff_id]) in page


def test_a_merge_page_of_someone_else_is_not_found(comparison, partner):
    with pytest.raises(NotFound):
        merge_state(actor=partner.supervisor, handoff_id=comparison.handoff_id)


@pytest.mark.django_db(transaction=True)
def test_two_agreements_at_once_merge_once(lead, unrelated, asking_case, hidden_case):
    comparison = confirmed(lead=lead, unrelated=unrelated, asking_case=asking_case)
    merge_propose(
        actor=lead.supervisor, handoff_id=comparison.handoff_id, keep="theirs", reason="Same child."
    )
    second_supervisor = UserFactory(agency=unrelated.agency, role=Role.SUPERVISOR)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def agree(actor) -> None:
        try:
            barrier.wait()
            merge_agree(actor=actor, handoff_id=comparison.handoff_id)
            outcomes.append("merged")
        except Conflict:
            outcomes.append("conflict")
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=agree, args=(actor,)) for actor in (unrelated.supervisor, second_supervisor)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "merged"]
    assert Case.objects.get(pk=asking_case.pk).merged_into_id == hidden_case.pk


def test_after_an_invitation_the_asking_supervisor_still_finds_the_merge(comparison, lead, unrelated):
    comparison_invite(actor=unrelated.liaison, handoff_id=comparison.handoff_id)
    client = Client()
    client.force_login(lead.supervisor)

    page = client.get(reverse("web:case-matches", args=[comparison.asking_case_id])).content.decode()

    assert reverse("web:match-merge", args=[comparison.handoff_id]) in page
