"""Break-glass lets one supervisor read a section in an emergency, never write in it: no write
path, API or page, accepts a section (or a record derived from one) that the writer reads only
through a break-glass opening (issue 14). Notes and section edits are covered in
test_break_glass.py; these are the remaining writers."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework.models import Consent, SectionGrant, Task, TaskStatus
from court.models import CriminalCase, CustodyEvent, Defendant
from court.services import criminal_case_open, defendant_add
from documents.models import Document
from plans.models import PlanGoal
from tests.api.conftest import Api
from tests.documents.conftest import pdf_bytes, upload_file
from tests.factories import open_case
from tests.security.test_break_glass import open_location

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(shared_case, partner):
    """The partner agency's supervisor has opened the lead agency's location section."""
    assert open_location(shared_case, partner.supervisor).status_code == 201
    return shared_case


@pytest.fixture
def location_task(opened, partner):
    """A task in the location section held by the partner agency, which no longer reads the
    section: only the supervisor's opening shows it whole."""
    return Task.objects.create(
        case=opened,
        title="Check the placement",
        description="Placement visit notes",
        owner_agency=partner.agency,
        assignee=partner.supervisor,
        due_at=timezone.now() + timedelta(days=2),
        section="location",
    )


def browser_for(user):
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_opener_sees_the_location_task_whole(location_task, partner):
    response = Api(partner.supervisor).get(f"tasks/{location_task.pk}/")

    assert response.status_code == 200
    assert response.json()["description"] == "Placement visit notes"


def test_no_grant_of_an_opened_section_through_the_api(opened, partner, unrelated, lead):
    response = Api(partner.supervisor).post(
        f"cases/{opened.pk}/grants/", {"agency": lead.agency.pk, "section": "location"}
    )

    assert response.status_code == 403
    assert not SectionGrant.objects.filter(section="location", granted_by=partner.supervisor).exists()


def test_no_grant_of_an_opened_section_through_the_page(opened, partner, lead):
    """The partner stewards `investigation`, so it has a grant form; `location` is not among its
    choices."""
    response = browser_for(partner.supervisor).post(
        reverse("web:case-grant-add", args=[opened.pk]), {"agency": lead.agency.pk, "section": "location"}
    )

    assert response.status_code == 400
    assert not SectionGrant.objects.filter(section="location", granted_by=partner.supervisor).exists()


def test_no_consent_for_an_opened_section_through_the_api(opened, partner, lead):
    response = Api(partner.supervisor).post(
        f"cases/{opened.pk}/consents/",
        {
            "recipient_agency": lead.agency.pk,
            "sections": ["location"],
            "purpose": "Welfare check",
            "signed_by": "The child",
            "signed_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 403
    assert not Consent.objects.exists()


def test_no_consent_for_an_opened_section_through_the_page(opened, partner, lead):
    response = browser_for(partner.supervisor).post(
        reverse("web:case-consent-add", args=[opened.pk]),
        {
            "recipient_agency": lead.agency.public_id,
            "sections": ["location"],
            "purpose": "Welfare check",
            "signed_by": "The child",
            "signed_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 403
    assert not Consent.objects.exists()


def test_no_edit_of_a_task_description_read_through_break_glass(location_task, partner):
    response = Api(partner.supervisor).patch(
        f"tasks/{location_task.pk}/", {"description": "Moved to 3 Oak Road"}, **{"If-Match": '"1"'}
    )

    assert response.status_code == 403
    location_task.refresh_from_db()
    assert location_task.description == "Placement visit notes"


def test_no_completion_of_a_task_seen_only_through_break_glass_by_the_api(location_task, partner):
    response = Api(partner.supervisor).post(
        f"tasks/{location_task.pk}/complete/", {"outcome": "Visited 12 Elm Street"}
    )

    assert response.status_code == 403
    location_task.refresh_from_db()
    assert (location_task.status, location_task.outcome) == (TaskStatus.OPEN, "")


def test_no_completion_of_a_task_seen_only_through_break_glass_by_the_page(location_task, partner):
    response = browser_for(partner.supervisor).post(
        reverse("web:task-complete", args=[location_task.pk]), {"outcome": "Visited 12 Elm Street"}
    )

    assert response.status_code == 403
    location_task.refresh_from_db()
    assert location_task.status == TaskStatus.OPEN


def test_no_handoff_of_a_task_seen_only_through_break_glass(location_task, partner, lead):
    response = Api(partner.supervisor).post(
        "handoffs/", {"task": str(location_task.pk), "to_agency": lead.agency.pk, "note": "Yours"}
    )

    assert response.status_code == 403
    assert not location_task.handoffs.exists()


def test_a_core_task_of_the_same_agency_is_still_worked_on(opened, partner):
    task = Task.objects.create(
        case=opened,
        title="Call the school",
        owner_agency=partner.agency,
        due_at=timezone.now() + timedelta(days=2),
    )

    response = Api(partner.supervisor).post(f"tasks/{task.pk}/complete/", {"outcome": "Called"})

    assert response.status_code == 200


def test_a_referral_provider_reading_the_service_section_by_break_glass_records_no_session(case, lead):
    """Service referrals (issue 16): once the consent behind a shelter referral is revoked, the
    provider's supervisor may open location in an emergency, but not write the service's notes."""
    from agencies.models import AgencyKind
    from casework.services.sharing import consent_record, consent_revoke
    from referrals.models import ReferralSession, ServiceType
    from referrals.services import referral_accept, referral_send
    from tests.conftest import make_staff

    provider = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Safe House")
    consent = consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=provider.agency,
        sections=["location"],
        purpose="Shelter",
        signed_by="The child",
        signer_capacity="child",
        signed_on=timezone.localdate(),
    )
    referral = referral_send(
        actor=lead.liaison,
        case=case,
        service_type=ServiceType.objects.get(key="shelter"),
        provider=provider.agency,
    )
    referral_accept(actor=provider.liaison, referral=referral)
    consent_revoke(actor=lead.liaison, consent=consent)
    assert open_location(case, provider.supervisor).status_code == 201

    response = Api(provider.supervisor).post(
        f"referrals/{referral.pk}/sessions/", {"occurred_at": timezone.now().isoformat(), "kind": "session"}
    )

    assert response.status_code == 403
    assert not ReferralSession.objects.exists()


@pytest.fixture
def criminal_opened(shared_case, partner, lead):
    """Law enforcement records a criminal case; the lead agency's supervisor, who does not read
    investigation, opens it by break-glass."""
    criminal = criminal_case_open(actor=partner.liaison, case=shared_case, court="District Court")
    defendant_add(actor=partner.liaison, criminal_case=criminal, defendant_name="Someone")
    response = Api(lead.supervisor).post(
        f"cases/{shared_case.pk}/break-glass/",
        {"section": "investigation", "reason": "Child missing tonight"},
    )
    assert response.status_code == 201
    return criminal


def test_the_criminal_case_read_through_break_glass_is_not_written_through_the_api(criminal_opened, lead):
    case_id = criminal_opened.case_id
    api = Api(lead.supervisor)
    defendant = Defendant.objects.get()

    read = api.get(f"cases/{case_id}/criminal-cases/{criminal_opened.pk}/")
    opened = api.post(f"cases/{case_id}/criminal-cases/", {"court": "Another"})
    custody = api.post(
        f"cases/{case_id}/custody-events/",
        {"defendant": str(defendant.pk), "kind": "released", "occurred_at": timezone.now().isoformat()},
    )

    assert (read.status_code, opened.status_code, custody.status_code) == (200, 403, 403)
    assert not CustodyEvent.objects.exists()


def test_the_criminal_case_read_through_break_glass_is_not_written_through_the_page(criminal_opened, lead):
    response = browser_for(lead.supervisor).post(
        f"/cases/{criminal_opened.case_id}/court/criminal-case/", {"court": "Another", "status": "charged"}
    )

    assert response.status_code == 403
    assert CriminalCase.objects.count() == 1


@pytest.fixture
def police_led_case(partner):
    """A case law enforcement leads, whose supervisor opened location (placement goals' section)."""
    case = open_case(actor=partner.caseworker, pseudonym="P.L.")
    assert open_location(case, partner.supervisor).status_code == 201
    return case


def test_no_case_plan_goal_in_an_opened_section_through_the_api(police_led_case, partner):
    response = Api(partner.supervisor).post(
        f"cases/{police_led_case.pk}/plan/goals/",
        {"domain": "placement_stability", "description": "Stay put", "review_on": "2027-01-01"},
        **{"If-Match": '"0"'},
    )

    assert response.status_code == 403
    assert not PlanGoal.objects.exists()


def test_no_case_plan_goal_in_an_opened_section_through_the_page(police_led_case, partner):
    response = browser_for(partner.supervisor).post(
        reverse("web:case-plan", args=[police_led_case.pk]),
        {
            "domain": "placement_stability",
            "description": "Stay put",
            "review_on": "2027-01-01",
            "version": "0",
        },
    )

    assert response.status_code == 400  # not among the domains offered
    assert not PlanGoal.objects.exists()


def _document_upload(section: str = "location") -> dict[str, object]:
    return {
        "file": upload_file(pdf_bytes("Placement agreement")),
        "document_type": "placement_agreement",
        "title": "Placement agreement",
        "section": section,
    }


def test_no_document_in_an_opened_section_through_the_api(opened, partner):
    response = Api(partner.supervisor).multipart(f"cases/{opened.pk}/documents/", _document_upload())

    assert response.status_code == 403
    assert not Document.objects.exists()


def test_no_document_in_an_opened_section_through_the_page(opened, partner):
    response = browser_for(partner.supervisor).post(
        reverse("web:case-documents", args=[opened.pk]), _document_upload()
    )

    assert response.status_code == 400  # location is not among the sections offered
    assert not Document.objects.exists()
