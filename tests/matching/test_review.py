"""The asked agency's review of a possible match: a `match_review` handoff on the asking case,
approved first when its asker may not invite; the asking case's identity beside the asked
agency's own while it is pending; confirm or reject with a reason; invite; every step audited, and
nothing of either case shown to anyone who may not read it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditRecord
from casework.access import cases_visible_to
from casework.models import Case, CaseParticipant, Handoff, HandoffKind, HandoffStatus
from casework.services.handoffs import handoff_accept, handoff_approve, handoff_expire
from common.errors import Conflict, NotFound
from matching.models import ComparisonRequest
from matching.services import (
    comparison_ask,
    comparison_confirm,
    comparison_invite,
    comparison_reject,
    comparison_review_open,
    possible_matches_check,
)
from notifications.models import Notification
from tests.api.conftest import Api, body, error_of
from tests.conftest import Staff
from tests.factories import open_case
from tests.matching.conftest import leaks

pytestmark = pytest.mark.django_db

ASKING_ADDRESS = "MKASKINGADDRESSX"


@pytest.fixture
def asking_case(lead: Staff, hidden_case: Case) -> Case:
    """Harris County CPS's record of Lupe, with a placement the asked agency must never read."""
    return open_case(
        actor=lead.caseworker,
        pseudonym="L.H.",
        sections={
            "identity": {"legal_name": "Lupe Hernandez", "date_of_birth": "2011-06-14"},
            "location": {"address": ASKING_ADDRESS},
        },
    )


def ask(*, actor, case: Case, note: str = "") -> ComparisonRequest:
    [match] = possible_matches_check(actor=actor, case=case)
    return comparison_ask(actor=actor, case=case, token=match.token, note=note)


@pytest.fixture
def review(asking_case: Case, lead: Staff) -> ComparisonRequest:
    """Asked by a liaison of the asking case's lead agency, who may invite: pending at once."""
    return ask(actor=lead.liaison, case=asking_case)


def review_url(request: ComparisonRequest, action: str = "") -> str:
    return f"match-reviews/{request.handoff_id}/" + (f"{action}/" if action else "")


def test_asking_is_a_match_review_handoff_to_the_lead_agency_of_the_match(
    review, asking_case, unrelated, lead
):
    handoff = review.handoff

    assert (handoff.kind, handoff.case_id, handoff.from_agency_id, handoff.to_agency_id, handoff.status) == (
        HandoffKind.MATCH_REVIEW,
        asking_case.pk,
        lead.agency.pk,
        unrelated.agency.pk,
        HandoffStatus.PENDING,
    )
    assert Notification.objects.filter(recipient=unrelated.liaison, kind="handoff_created").exists()


def test_a_caseworkers_request_waits_for_the_lead_agencys_approval(asking_case, lead, unrelated):
    asked = ask(actor=lead.caseworker, case=asking_case)

    assert asked.handoff.status == HandoffStatus.AWAITING_APPROVAL
    assert Api(unrelated.liaison).get(review_url(asked)).status_code == 404
    assert not Notification.objects.filter(recipient=unrelated.liaison).exists()

    handoff_approve(actor=lead.liaison, handoff=asked.handoff)

    assert Api(unrelated.liaison).get(review_url(asked)).status_code == 200


def test_the_reviewer_sees_both_identities_side_by_side(review, unrelated, hidden_case):
    response = Api(unrelated.liaison).get(review_url(review))

    assert response.status_code == 200
    rows = {row["field"]: (row["asking"], row["own"]) for row in body(response)["rows"]}
    assert rows["Legal name"] == ("Lupe Hernandez", "Guadalupe Hernández López")
    assert body(response)["own_case"]["number"] == hidden_case.number


def test_the_reviewer_reads_nothing_of_the_asking_case_but_its_identity(review, unrelated):
    api_text = Api(unrelated.liaison).get(review_url(review)).content.decode()
    client = Client()
    client.force_login(unrelated.liaison)
    page = client.get(reverse("web:match-review", args=[review.handoff_id])).content.decode()

    assert "Lupe Hernandez" in page
    assert ASKING_ADDRESS not in api_text
    assert ASKING_ADDRESS not in page


def test_reading_the_review_is_in_the_asking_cases_disclosure_history(review, unrelated, asking_case):
    Api(unrelated.liaison).get(review_url(review))

    read = AuditRecord.objects.get(event_type="section.read", case_id=asking_case.pk, user=unrelated.liaison)
    assert (read.section, read.detail["view"]) == ("identity", "match_review")


@pytest.mark.parametrize(
    "who", ["unrelated.caseworker", "lead.liaison", "lead.caseworker", "partner.liaison"]
)
def test_only_the_asked_agencys_liaisons_and_supervisors_open_the_review(review, who, request):
    fixture, role = who.split(".")
    user = getattr(request.getfixturevalue(fixture), role)

    response = Api(user).get(review_url(review))

    assert response.status_code == 404


def test_platform_and_agency_administrators_open_no_review(review, unrelated, platform_admin):
    assert Api(unrelated.admin).get(review_url(review)).status_code in (403, 404)
    assert Api(platform_admin).get(review_url(review)).status_code in (403, 404)


def test_the_asking_side_learns_nothing_of_the_other_case_through_the_request(review, lead, hidden_case):
    api = Api(lead.liaison)
    client = Client()
    client.force_login(lead.liaison)
    responses = [
        api.get(f"cases/{review.asking_case_id}/possible-matches/"),
        api.get("handoffs/"),
        api.get("notifications/"),
        client.get(reverse("web:case-matches", args=[review.asking_case_id])),
        client.get(reverse("web:handoffs")),
        client.get(reverse("web:handoff", args=[review.handoff_id])),
        api.get(review_url(review)),
    ]

    assert [leaks(response.content.decode(), hidden_case) for response in responses] == [[]] * len(responses)


def test_confirming_needs_a_reason(review, unrelated):
    response = Api(unrelated.liaison).post(review_url(review, "confirm"), {"reason": ""})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["reason"]


def test_accepting_the_handoff_without_a_reason_confirms_nothing(review, unrelated):
    response = Api(unrelated.liaison).post(f"handoffs/{review.handoff_id}/accept/", {})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["note"]
    assert Handoff.objects.get(pk=review.handoff_id).status == HandoffStatus.PENDING


def test_confirming_accepts_the_review_and_joins_nobody(review, unrelated, lead, asking_case, hidden_case):
    response = Api(unrelated.liaison).post(
        review_url(review, "confirm"), {"reason": "Same birth date and family."}
    )

    assert response.status_code == 200
    assert body(response)["handoff"]["status"] == HandoffStatus.ACCEPTED
    assert body(response)["rows"][0]["asking"] == ""
    assert not CaseParticipant.objects.filter(case=asking_case, agency=unrelated.agency).exists()
    assert not CaseParticipant.objects.filter(case=hidden_case, agency=lead.agency).exists()
    confirmed = AuditRecord.objects.filter(event_type="match.confirmed")
    assert {record.case_id for record in confirmed} == {asking_case.pk, hidden_case.pk}
    assert Notification.objects.filter(recipient=lead.liaison, kind="handoff_accepted").exists()


def test_rejecting_declines_with_the_reason_the_asker_reads(review, unrelated, lead, hidden_case):
    comparison_reject(actor=unrelated.liaison, handoff_id=review.handoff_id, reason="Different mother.")

    handoff = Handoff.objects.get(pk=review.handoff_id)
    assert (handoff.status, handoff.response_note) == (HandoffStatus.DECLINED, "Different mother.")
    assert AuditRecord.objects.filter(event_type="match.rejected").count() == 2
    told = Notification.objects.get(recipient=lead.liaison, kind="handoff_declined")
    assert "not the same child" in told.message
    assert leaks(told.message, hidden_case) == []


def test_after_an_answer_the_asking_identity_is_no_longer_shown(review, unrelated):
    comparison_reject(actor=unrelated.liaison, handoff_id=review.handoff_id, reason="Different mother.")

    shown = comparison_review_open(actor=unrelated.liaison, handoff_id=review.handoff_id)

    assert shown.asking_identity == []
    assert not shown.may_answer


def test_answering_twice_is_a_conflict(review, unrelated):
    comparison_confirm(actor=unrelated.liaison, handoff_id=review.handoff_id, reason="Same child.")

    response = Api(unrelated.supervisor).post(review_url(review, "reject"), {"reason": "No."})

    assert response.status_code == 409


def test_inviting_after_confirming_brings_the_asking_agency_onto_the_case(
    review, unrelated, lead, hidden_case
):
    comparison_confirm(actor=unrelated.liaison, handoff_id=review.handoff_id, reason="Same child.")

    response = Api(unrelated.liaison).post(review_url(review, "invite"))

    assert response.status_code == 200
    assert CaseParticipant.objects.filter(case=hidden_case, agency=lead.agency).exists()
    assert cases_visible_to(user=lead.liaison).filter(pk=hidden_case.pk).exists()
    [match] = possible_matches_check(actor=lead.liaison, case=review.asking_case)
    assert match.case == hidden_case
    assert AuditRecord.objects.filter(event_type="match.invited", case_id=hidden_case.pk).exists()


def test_inviting_before_confirming_is_a_conflict(review, unrelated, hidden_case, lead):
    response = Api(unrelated.liaison).post(review_url(review, "invite"))

    assert response.status_code == 409
    assert not CaseParticipant.objects.filter(case=hidden_case, agency=lead.agency).exists()


def test_inviting_twice_is_a_conflict(review, unrelated):
    comparison_confirm(actor=unrelated.liaison, handoff_id=review.handoff_id, reason="Same child.")
    comparison_invite(actor=unrelated.liaison, handoff_id=review.handoff_id)

    with pytest.raises(Conflict):
        comparison_invite(actor=unrelated.supervisor, handoff_id=review.handoff_id)


def test_an_unanswered_review_expires_and_the_asker_is_told(review, lead):
    handoff = Handoff.objects.get(pk=review.handoff_id)

    handoff_expire(handoff=handoff, now=handoff.respond_by + timedelta(minutes=1))

    assert Handoff.objects.get(pk=review.handoff_id).status == HandoffStatus.EXPIRED
    told = Notification.objects.get(recipient=lead.liaison, kind="handoff_expired")
    assert "the case stays as it is" in told.message


def test_a_match_in_a_case_of_the_askers_own_agency_is_reviewed_by_its_liaisons(lead):
    theirs = open_case(
        actor=lead.liaison,
        pseudonym="G.",
        sections={"identity": {"legal_name": "Guadalupe Hernández López", "date_of_birth": "2011-06-14"}},
    )
    mine = open_case(
        actor=lead.caseworker,
        pseudonym="L.",
        sections={"identity": {"legal_name": "Lupe Hernandez", "date_of_birth": "2011-06-14"}},
    )
    assert not cases_visible_to(user=lead.caseworker).filter(pk=theirs.pk).exists()

    asked = ask(actor=lead.caseworker, case=mine)
    handoff_accept(actor=lead.liaison, handoff=asked.handoff, note="Same child.")

    assert Handoff.objects.get(pk=asked.handoff_id).status == HandoffStatus.ACCEPTED


def test_the_desk_links_the_review_instead_of_accepting_in_place(review, unrelated):
    client = Client()
    client.force_login(unrelated.liaison)

    desk = client.get(reverse("web:handoffs")).content.decode()

    assert reverse("web:match-review", args=[review.handoff_id]) in desk
    assert reverse("web:handoff-accept", args=[review.handoff_id]) not in desk


def test_confirming_on_the_page_without_a_reason_shows_the_field_error(review, unrelated):
    client = Client()
    client.force_login(unrelated.liaison)

    response = client.post(reverse("web:match-review-confirm", args=[review.handoff_id]), {"reason": ""})

    assert response.status_code == 400
    assert Handoff.objects.get(pk=review.handoff_id).status == HandoffStatus.PENDING


def test_the_review_page_confirms_and_then_offers_the_invitation(review, unrelated):
    client = Client()
    client.force_login(unrelated.liaison)

    client.post(reverse("web:match-review-confirm", args=[review.handoff_id]), {"reason": "Same child."})
    page = client.get(reverse("web:match-review", args=[review.handoff_id])).content.decode()

    assert "Confirmed" in page
    assert reverse("web:match-review-invite", args=[review.handoff_id]) in page


def test_a_review_of_someone_else_answers_as_nothing(review, partner):
    with pytest.raises(NotFound):
        comparison_review_open(actor=partner.liaison, handoff_id=review.handoff_id)


def test_the_matches_list_shows_the_requests_state(review, lead):
    [match] = body(Api(lead.liaison).get(f"cases/{review.asking_case_id}/possible-matches/"))["results"]

    assert match["asked"]["status"] == HandoffStatus.PENDING


def test_the_matches_list_costs_the_same_queries_whatever_was_asked(asking_case, lead, unrelated):
    api = Api(lead.liaison)
    url = f"cases/{asking_case.pk}/possible-matches/"
    api.get(url)
    with CaptureQueriesContext(connection) as one_unasked:
        api.get(url)
    ask(actor=lead.liaison, case=asking_case)
    open_case(
        actor=unrelated.caseworker,
        pseudonym="Z.",
        sections={"identity": {"legal_name": "Lupita Hernandes", "date_of_birth": "2011-06-14"}},
    )

    with CaptureQueriesContext(connection) as two_one_asked:
        listing = api.get(url)

    assert len(body(listing)["results"]) == 2
    assert len(two_one_asked) == len(one_unasked)
