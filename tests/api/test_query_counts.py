"""Every list endpoint costs the same number of queries for 1 row as for 50: no N+1 anywhere.

The counts include authentication (the token lookup) and are exact, so a new per-row query or a
new per-request one both fail here."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from agencies.models import AgencyKind, Role
from audit.services import audit_copy_made
from casework.models import DeadlineTemplate
from casework.services.closure import case_closure_request, case_closure_return
from casework.services.events import case_event_record
from casework.services.handoffs import handoff_create
from casework.services.notes import note_add
from casework.services.sharing import consent_record, participant_invite
from casework.services.tasks import task_create
from court.services import (
    charge_add,
    criminal_case_open,
    custody_event_record,
    defendant_add,
    dependency_hearing_schedule,
    proceeding_schedule,
    restitution_order_add,
    restitution_payment_add,
)
from documents.services import document_version_add
from links.services import case_link_create
from plans.models import CasePlan
from plans.services import plan_goal_add, plan_goal_update, plan_submission_return, plan_submit
from referrals.models import ServiceType
from referrals.services import referral_send
from relief.services import relief_record_add
from screening.models import Instrument
from screening.services import screening_record, trafficking_status_change
from tests.api.conftest import body
from tests.conftest import make_staff
from tests.documents.conftest import add_document, pdf_bytes, upload_file
from tests.factories import AgencyFactory, UserFactory, in_hours, open_case

pytestmark = pytest.mark.django_db


def add_agencies(world, count):
    for _ in range(count):
        AgencyFactory(kind=AgencyKind.VICTIM_SERVICES)


def add_users(world, count):
    for _ in range(count):
        UserFactory(agency=world["lead"].agency, role=Role.CASEWORKER)


def add_cases(world, count):
    for number in range(count):
        open_case(actor=world["lead"].liaison, pseudonym=f"C.{number}")


def add_participants(world, count):
    for _ in range(count):
        agency = AgencyFactory(kind=AgencyKind.LAW_ENFORCEMENT)
        participant_invite(actor=world["lead"].liaison, case=world["case"], agency=agency)


def add_consents(world, count):
    for _ in range(count):
        consent_record(
            actor=world["lead"].liaison,
            case=world["case"],
            recipient_agency=world["partner"].agency,
            sections=["location"],
            purpose="Safety planning",
            signed_by="Child and guardian",
            signed_on=timezone.localdate(),
        )


def add_notes(world, count):
    for number in range(count):
        note_add(actor=world["lead"].liaison, case=world["case"], section="location", body=f"Note {number}")


def add_links(world, count):
    for number in range(count):
        sibling = open_case(actor=world["lead"].liaison, pseudonym=f"S.{number}")
        case_link_create(
            actor=world["lead"].liaison, case=world["case"], other_case_id=sibling.pk, kind="sibling"
        )


def add_events(world, count):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for number in range(count):
        case_event_record(
            actor=world["lead"].liaison,
            case=world["case"],
            event_type="sex_trafficking_identified",
            occurred_at=start + timedelta(hours=number),
        )


def add_tasks(world, count):
    for number in range(count):
        task_create(
            actor=world["lead"].liaison,
            case=world["case"],
            title=f"Task {number}",
            due_at=in_hours(number + 1),
            assignee=world["lead"].liaison,
        )


def add_handoffs(world, count):
    for number in range(count):
        task = task_create(
            actor=world["lead"].liaison, case=world["case"], title=f"T{number}", due_at=in_hours(5)
        )
        handoff_create(actor=world["lead"].liaison, task=task, to_agency=world["partner"].agency)


def add_relief(world, count):
    legal = make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Legal Aid")
    participant_invite(actor=world["lead"].liaison, case=world["case"], agency=legal.agency)
    for number in range(count):
        # Decided steps: only one open step of a kind may be tracked at a time.
        relief_record_add(
            actor=legal.liaison, case=world["case"], kind="u_visa", status="denied", details=f"Try {number}"
        )


def add_documents(world, count):
    # Location and health documents with two versions each: the list reads both sections (one
    # audit insert for the page) and every version in one prefetch.
    for number in range(count):
        document = add_document(
            actor=world["lead"].caseworker,
            case=world["case"],
            section="location" if number % 2 else "health",
            title=f"Paper {number}",
        )
        document_version_add(
            actor=world["lead"].caseworker,
            document=document,
            upload=upload_file(pdf_bytes(f"v2 {number}")),
            uploaded_name="v2.pdf",
        )


def add_closures(world, count):
    for _ in range(count):
        closure = case_closure_request(
            actor=world["lead"].caseworker,
            case_id=world["case"].pk,
            reason="reunified",
            summary="Home again.",
            reviewer=world["lead"].supervisor,
        )
        case_closure_return(actor=world["lead"].supervisor, closure_id=closure.pk, comments="Not yet.")


def add_referrals(world, count):
    provider = make_staff(kind=AgencyKind.VICTIM_SERVICES, name="Safe House")
    mental_health = ServiceType.objects.get(key="mental_health")
    for _ in range(count):
        referral_send(
            actor=world["lead"].liaison,
            case=world["case"],
            service_type=mental_health,
            provider=provider.agency,
        )


def add_service_types(world, count):
    for number in range(count):
        ServiceType.objects.create(
            key=f"state-service-{number}", name=f"Service {number}", section="services"
        )


def add_hearings(world, count):
    for number in range(count):
        dependency_hearing_schedule(
            actor=world["lead"].liaison, case=world["case"], type="review", scheduled_at=in_hours(24 + number)
        )


def add_criminal_records(world, count):
    """`count` criminal cases, each with a defendant, a charge, a proceeding, a custody event and a
    restitution order with a payment."""
    police = world["partner"].liaison
    for number in range(count):
        criminal = criminal_case_open(actor=police, case=world["case"], court=f"Court {number}")
        defendant = defendant_add(actor=police, criminal_case=criminal, defendant_name=f"D{number}")
        charge_add(actor=police, defendant=defendant, statute="18 U.S.C. 1591", filed_on=timezone.localdate())
        proceeding_schedule(
            actor=police, criminal_case=criminal, type="plea", scheduled_at=in_hours(-2), held=True
        )
        custody_event_record(
            actor=police, defendant=defendant, kind="taken_into_custody", occurred_at=in_hours(-1)
        )
        order = restitution_order_add(
            actor=police, defendant=defendant, amount="100.00", ordered_on=timezone.localdate()
        )
        restitution_payment_add(actor=police, order=order, amount="10.00", paid_on=timezone.localdate())


def add_templates(world, count):
    for number in range(count):
        DeadlineTemplate.objects.create(
            key=f"state-rule-{number}",
            name=f"State rule {number}",
            trigger="missing_reported",
            offset_hours=12,
            owner_kind=AgencyKind.CHILD_WELFARE,
            section="core",
            jurisdiction="TX",
            legal_source="Tex. Fam. Code",
        )


def _sample_instrument():
    return Instrument.objects.get(key="bridge-sample-indicators", version=1)


def add_instruments(world, count):
    sample = _sample_instrument()
    for number in range(count):
        instrument = Instrument.objects.create(key=f"state-tool-{number}", name=f"State tool {number}")
        for question in sample.questions.all()[:3]:
            instrument.questions.create(
                position=question.position, key=question.key, text=question.text, answer_type="yes_no"
            )
        instrument.thresholds.create(min_score=1, suggests="at_risk")


def add_screenings(world, count):
    instrument = _sample_instrument()
    for _ in range(count):
        screening_record(
            actor=world["lead"].liaison,
            case=world["case"],
            instrument_id=instrument.pk,
            screened_on=timezone.localdate(),
            answers={question.key: False for question in instrument.questions.filter(answer_type="yes_no")}
            | {"hours_working": "never"},
            decided_status="screened_no_indicators",
        )


def add_status_changes(world, count):
    for number in range(count):
        trafficking_status_change(
            actor=world["lead"].liaison,
            case=world["case"],
            status=("at_risk", "suspected")[number % 2],
            reason=f"Change {number}",
        )


def _plan_version(case):
    return CasePlan.objects.filter(case=case).values_list("version", flat=True).first() or 0


def _plan_goal(world, case):
    return plan_goal_add(
        actor=world["lead"].liaison,
        case=case,
        expected_version=_plan_version(case),
        domain="health",
        description="Therapy",
        review_on=timezone.localdate(),
    )


def add_plan_submissions(world, count):
    """Submissions of one case: each returned, the draft changed and submitted again."""
    case, lead = world["case"], world["lead"]
    goal = _plan_goal(world, case)
    for number in range(count):
        submission = plan_submit(
            actor=lead.liaison, case=case, expected_version=_plan_version(case), approver=lead.supervisor
        )
        plan_submission_return(actor=lead.supervisor, submission=submission, comments="Again")
        plan_goal_update(
            actor=lead.liaison,
            goal=goal,
            expected_version=_plan_version(case),
            description=f"Therapy {number}",
        )


def add_plans_awaiting(world, count):
    """Submissions awaiting the lead supervisor on as many cases."""
    lead = world["lead"]
    for number in range(count):
        case = open_case(actor=lead.liaison, pseudonym=f"P.{number}")
        _plan_goal(world, case)
        plan_submit(
            actor=lead.liaison, case=case, expected_version=_plan_version(case), approver=lead.supervisor
        )


def add_copies(world, count):
    """Copies taken of the case: summaries printed by the lead's liaison."""
    for number in range(count):
        audit_copy_made(
            user=world["lead"].liaison,
            kind="case_summary",
            cases=[world["case"]],
            sections=["core", "identity"],
            purpose=f"Court hearing {number}",
        )


# (path, builder, caller role in world, expected queries)
POLICE = "partner.liaison"  # reads investigation, where the criminal case is
LIST_ENDPOINTS = {
    "agencies": ("agencies/", add_agencies, "lead.liaison", 2),
    "users": ("users/", add_users, "lead.liaison", 2),
    "cases": ("cases/", add_cases, "lead.liaison", 3),
    "participants": ("cases/{case}/participants/", add_participants, "lead.liaison", 3),
    "grants": ("cases/{case}/grants/", add_participants, "lead.liaison", 3),
    # One more for the signer capacities the case's exploitation profile rules out, once per page.
    "consents": ("cases/{case}/consents/", add_consents, "lead.liaison", 4),
    "links": ("cases/{case}/links/", add_links, "lead.liaison", 3),
    # Reads of a case's notes, timeline and events write one audit insert for the page (docs/security.md).
    "notes": ("cases/{case}/notes/", add_notes, "lead.liaison", 4),
    "timeline": ("cases/{case}/timeline/", add_notes, "lead.liaison", 4),
    "events": ("cases/{case}/events/", add_events, "lead.liaison", 5),
    "relief": ("cases/{case}/relief/", add_relief, "lead.liaison", 4),
    # One audit insert for the page and one prefetch for every document's versions.
    "documents": ("cases/{case}/documents/", add_documents, "lead.liaison", 5),
    "closures": ("cases/{case}/closures/", add_closures, "lead.liaison", 3),
    "hearings": ("cases/{case}/hearings/", add_hearings, "lead.liaison", 3),
    # Reads of the criminal case write one audit insert for the page.
    "criminal-cases": ("cases/{case}/criminal-cases/", add_criminal_records, POLICE, 4),
    "defendants": ("cases/{case}/defendants/", add_criminal_records, POLICE, 4),
    "charges": ("cases/{case}/charges/", add_criminal_records, POLICE, 4),
    "proceedings": ("cases/{case}/proceedings/", add_criminal_records, POLICE, 4),
    "custody-events": ("cases/{case}/custody-events/", add_criminal_records, POLICE, 4),
    "restitution-orders": ("cases/{case}/restitution-orders/", add_criminal_records, POLICE, 4),
    "restitution-payments": ("cases/{case}/restitution-payments/", add_criminal_records, POLICE, 4),
    "tasks": ("tasks/", add_tasks, "lead.liaison", 2),
    # The agencies and people a handoff names are read by a query each (the case's lead agency,
    # from, to, created by; responded and approved by once some handoff has them).
    "handoffs": ("handoffs/", add_handoffs, "lead.liaison", 6),
    "notifications": ("notifications/", add_handoffs, "partner.liaison", 2),
    "deadline-templates": ("deadline-templates/", add_templates, "lead.liaison", 2),
    "screening-instruments": ("screening-instruments/", add_instruments, "lead.liaison", 4),
    # Screenings prefetch their instrument's questions (the page shows each answer's question).
    "screenings": ("cases/{case}/screenings/", add_screenings, "lead.liaison", 5),
    "trafficking-status": ("cases/{case}/trafficking-status/", add_status_changes, "lead.liaison", 4),
    "service-types": ("service-types/", add_service_types, "lead.liaison", 2),
    # The desk: one more for the cases seen and one for the sections read on them, per page; a
    # case's referrals write one audit insert for the page.
    "referrals": ("referrals/", add_referrals, "lead.liaison", 4),
    "case-referrals": ("cases/{case}/referrals/", add_referrals, "lead.liaison", 4),
    # One audit insert for the page, as for the other reads of a case.
    "plan-submissions": ("cases/{case}/plan/submissions/", add_plan_submissions, "lead.liaison", 4),
    "plan-submissions-awaiting": ("plan-submissions/", add_plans_awaiting, "lead.supervisor", 2),
    "copies": ("cases/{case}/copies/", add_copies, "lead.supervisor", 3),
}
POSSIBLE_MATCHES_QUERIES = 8


@pytest.fixture
def world(shared_case, lead, partner):
    return {"case": shared_case, "lead": lead, "partner": partner}


def caller(world, who):
    staff, role = who.split(".")
    return getattr(world[staff], role)


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("endpoint", sorted(LIST_ENDPOINTS))
def test_list_endpoint_query_count_does_not_grow_with_rows(
    api_as, world, django_assert_num_queries, endpoint, rows
):
    path, build, who, expected = LIST_ENDPOINTS[endpoint]
    build(world, rows)
    api = api_as(caller(world, who))
    url = path.format(case=world["case"].pk)

    with django_assert_num_queries(expected):
        response = api.get(url, {"page_size": 200})

    assert response.status_code == 200
    assert len(body(response)["results"]) >= rows


def add_possible_matches(world, count):
    """Cases of the same child as the world's case, every other one led by an agency the caller
    does not see: both kinds of match on one page."""
    elsewhere = make_staff(kind="child_welfare", name="Travis County CPS")
    for number in range(count):
        opener = world["lead"].liaison if number % 2 else elsewhere.liaison
        open_case(
            actor=opener,
            pseudonym=f"R.{number}",
            sections={"identity": {"legal_name": "María Rivera", "date_of_birth": "2010-04-02"}},
        )


@pytest.mark.parametrize("rows", [1, 5])
def test_possible_matches_query_count_does_not_grow_with_matches(
    api_as, world, django_assert_num_queries, rows
):
    """Matches are at most `BRIDGE_MATCH_LIMIT` (5), all on one page: the check, the cases the
    caller sees among them, their lead agencies' names, the requests this case sent about them
    (with their handoffs), and one audit insert."""
    add_possible_matches(world, rows)
    api = api_as(world["lead"].liaison)

    with django_assert_num_queries(POSSIBLE_MATCHES_QUERIES):
        response = api.get(f"cases/{world['case'].pk}/possible-matches/")

    assert len(body(response)["results"]) == rows
