"""Recording case events: every statutory template fires with the right due time and owner."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from agencies.models import AgencyKind
from casework.access import case_events_visible, get_case_access, timeline_visible
from casework.models import CaseEvent, DeadlineTemplate, Task, TimelineEvent
from casework.services.events import case_event_record
from casework.services.sharing import participant_invite
from casework.services.tasks import task_complete
from common.errors import NotFound, ValidationFailed
from tests.conftest import Staff, make_staff
from tests.factories import federal_deadline_templates, open_case

pytestmark = pytest.mark.django_db

OCCURRED = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)  # 10:00 in Chicago (CDT)


@pytest.fixture(autouse=True)
def chicago(settings):
    settings.TIME_ZONE = "America/Chicago"


@pytest.fixture(autouse=True)
def templates():
    federal_deadline_templates()


@pytest.fixture
def advocate() -> Staff:
    return make_staff(kind=AgencyKind.LEGAL_ADVOCATE, name="Gulf Coast Immigrant Legal Aid")


@pytest.fixture
def hsi() -> Staff:
    return make_staff(kind=AgencyKind.IMMIGRATION, name="HSI Houston")


@pytest.fixture
def full_case(shared_case, lead, advocate, hsi):
    """Lead child welfare (date of birth 2010-04-02), police, a legal advocate and HSI."""
    participant_invite(actor=lead.liaison, case=shared_case, agency=advocate.agency)
    participant_invite(actor=lead.liaison, case=shared_case, agency=hsi.agency)
    return shared_case


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _recorder(staff: Staff, name: str):
    return staff.caseworker if name == "lead" else staff.liaison


def _record(actor, case, event_type, occurred_at=OCCURRED, details=None):
    return case_event_record(
        actor=actor, case=case, event_type=event_type, occurred_at=occurred_at, details=details
    )


@pytest.mark.parametrize(
    ("event_type", "key", "recorded_by", "due_at", "owner"),
    [
        (
            "sex_trafficking_identified",
            "report-sex-trafficking-victim",
            "lead",
            utc(2026, 6, 2, 15, 0),
            "lead",
        ),
        ("missing_reported", "report-missing-child", "lead", utc(2026, 6, 2, 15, 0), "lead"),
        ("missing_reported", "enter-missing-child-ncic", "lead", utc(2026, 6, 1, 17, 0), "partner"),
        (
            "foreign_national_minor_identified",
            "notify-hhs-otip-foreign-national-minor",
            "advocate",
            utc(2026, 6, 2, 15, 0),
            "advocate",
        ),
        (
            "foreign_national_minor_identified",
            "request-hhs-eligibility-letter",
            "partner",
            utc(2028, 4, 1, 5, 0),
            "advocate",
        ),
        (
            "sijs_candidate_identified",
            "file-sij-petition",
            "advocate",
            utc(2031, 4, 1, 5, 0),
            "advocate",
        ),
        (
            "sijs_candidate_identified",
            "obtain-sij-predicate-order",
            "advocate",
            utc(2028, 4, 1, 5, 0),
            "advocate",
        ),
        (
            "interim_assistance_issued",
            "hhs-interim-assistance-ends",
            "advocate",
            utc(2026, 9, 29, 15, 0),
            "advocate",
        ),
        (
            "u_visa_certified",
            "file-i918-after-certification",
            "partner",
            utc(2026, 12, 1, 16, 0),
            "advocate",
        ),
        ("continued_presence_granted", "renew-continued-presence", "hsi", utc(2028, 3, 3, 16, 0), "hsi"),
        (
            "removed_from_home",
            "court-finding-reasonable-efforts",
            "lead",
            utc(2026, 7, 31, 15, 0),
            "lead",
        ),
        ("removed_from_home", "periodic-case-review", "lead", utc(2026, 12, 1, 16, 0), "lead"),
        ("removed_from_home", "permanency-hearing", "lead", utc(2027, 6, 1, 15, 0), "lead"),
        ("missing_located", "screen-returned-child", "lead", utc(2026, 6, 4, 15, 0), "lead"),
    ],
)
def test_statutory_template_fires_from_its_event_with_due_time_and_owner(
    request, full_case, event_type, key, recorded_by, due_at, owner
):
    actor = _recorder(request.getfixturevalue(recorded_by), recorded_by)
    recorded = _record(actor, full_case, event_type)
    task = next(task for task in recorded.tasks if task.template.key == key)
    assert task.due_at == due_at
    assert task.owner_agency == request.getfixturevalue(owner).agency


@pytest.mark.parametrize(
    ("event_type", "keys"),
    [
        ("sex_trafficking_identified", {"report-sex-trafficking-victim"}),
        ("labor_trafficking_identified", {"report-labor-trafficking-victim"}),
        ("placement_changed", {"screen-child-new-placement"}),
        ("missing_reported", {"report-missing-child", "enter-missing-child-ncic"}),
        ("missing_located", {"screen-returned-child"}),
        (
            "foreign_national_minor_identified",
            {"notify-hhs-otip-foreign-national-minor", "request-hhs-eligibility-letter"},
        ),
        ("sijs_candidate_identified", {"file-sij-petition", "obtain-sij-predicate-order"}),
        ("interim_assistance_issued", {"hhs-interim-assistance-ends"}),
        ("u_visa_certified", {"file-i918-after-certification"}),
        ("continued_presence_granted", {"renew-continued-presence"}),
        (
            "removed_from_home",
            {
                "court-finding-reasonable-efforts",
                "periodic-case-review",
                "permanency-hearing",
                "screen-child-entering-care",
            },
        ),
    ],
)
def test_event_creates_one_task_per_matching_template_and_no_other(full_case, lead, event_type, keys):
    recorded = _record(lead.caseworker, full_case, event_type)
    assert sorted(task.template.key for task in recorded.tasks) == sorted(keys)
    assert Task.objects.filter(case=full_case).count() == len(keys)


def test_court_hearing_reminds_child_welfare_and_legal_advocate_the_day_before(full_case, lead, advocate):
    recorded = _record(
        lead.caseworker,
        full_case,
        "court_hearing_scheduled",
        details={"hearing_at": "2026-07-15T09:00:00-05:00"},
    )
    assert recorded.event.details == {"hearing_at": "2026-07-15T14:00:00+00:00"}
    assert sorted((t.template.key, t.owner_agency_id, t.due_at, t.section) for t in recorded.tasks) == [
        ("court-hearing-child-welfare", lead.agency.pk, utc(2026, 7, 14, 14), "core"),
        ("court-hearing-legal-advocate", advocate.agency.pk, utc(2026, 7, 14, 14), "core"),
    ]


def test_task_links_back_to_its_template_and_event(full_case, lead):
    recorded = _record(lead.caseworker, full_case, "sex_trafficking_identified")
    (task,) = recorded.tasks
    task.refresh_from_db()
    assert (task.template.key, task.event_id, task.title, task.priority) == (
        "report-sex-trafficking-victim",
        recorded.event.pk,
        "Report sex-trafficking victim to law enforcement",
        "urgent",
    )
    assert task.description.endswith("Legal source: 42 U.S.C. 671(a)(34)(A).")


def test_event_is_stored_with_its_recorder_and_section(full_case, advocate):
    recorded = _record(advocate.liaison, full_case, "sijs_candidate_identified")
    event = CaseEvent.objects.get(pk=recorded.event.pk)
    assert (event.type, event.section, event.recorded_by, event.recording_agency, event.occurred_at) == (
        "sijs_candidate_identified",
        "immigration",
        advocate.liaison,
        advocate.agency,
        OCCURRED,
    )


def test_task_for_an_absent_agency_kind_goes_to_the_lead_and_says_to_invite_one(case, lead):
    recorded = _record(lead.caseworker, case, "missing_reported")
    ncic = next(task for task in recorded.tasks if task.template.key == "enter-missing-child-ncic")
    assert ncic.owner_agency == lead.agency
    assert ncic.due_at == datetime(2026, 6, 1, 17, 0, tzinfo=UTC)
    assert ncic.description.startswith(
        "This is the work of a law enforcement agency, and none takes part in this case: "
        "invite one and hand this task off to it."
    )


def test_age_based_task_without_a_date_of_birth_is_due_at_once_and_says_why(lead):
    case = open_case(actor=lead.caseworker, pseudonym="J.D.")
    now = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        recorded = _record(lead.caseworker, case, "sijs_candidate_identified")
    petition = next(task for task in recorded.tasks if task.template.key == "file-sij-petition")
    assert petition.due_at == now
    assert (
        "The child's date of birth is not recorded in the identity section, so this deadline "
        "(-P1D from the day the child turns 21) could not be computed and the task is due at once"
    ) in petition.description


def test_recording_agency_owns_the_otip_notification(full_case, advocate):
    recorded = _record(advocate.liaison, full_case, "foreign_national_minor_identified")
    otip = next(
        task for task in recorded.tasks if task.template.key == "notify-hhs-otip-foreign-national-minor"
    )
    assert otip.owner_agency == advocate.agency


def test_otip_notification_recorded_by_an_agency_without_immigration_goes_to_the_lead(
    full_case, lead, partner
):
    recorded = _record(partner.liaison, full_case, "foreign_national_minor_identified")
    otip = next(
        task for task in recorded.tasks if task.template.key == "notify-hhs-otip-foreign-national-minor"
    )
    assert (otip.owner_agency, otip.section) == (lead.agency, "immigration")


def test_lead_agency_of_the_owner_kind_is_preferred_over_other_participants(full_case, lead, unrelated):
    participant_invite(actor=lead.liaison, case=full_case, agency=unrelated.agency)  # a second child welfare
    recorded = _record(lead.caseworker, full_case, "missing_located")
    assert recorded.tasks[0].owner_agency == lead.agency


# --- state overlays ------------------------------------------------------------------------------


def _overlay(*, overrides: str, jurisdiction: str = "TX", **values) -> DeadlineTemplate:
    federal = DeadlineTemplate.objects.get(key=overrides)
    return DeadlineTemplate.objects.create(
        key=f"{jurisdiction.lower()}-{overrides}",
        name=f"{federal.name} ({jurisdiction})",
        trigger=federal.trigger,
        owner_kind=federal.owner_kind,
        section=federal.section,
        asks_owner=federal.asks_owner,
        jurisdiction=jurisdiction,
        overrides=federal,
        legal_source="State rule",
        **values,
    )


def test_stricter_overlay_of_the_lead_agencys_state_replaces_the_federal_template(full_case, lead):
    overlay = _overlay(overrides="report-missing-child", offset_hours=12)
    recorded = _record(lead.caseworker, full_case, "missing_reported")
    assert [(task.template, task.due_at) for task in recorded.tasks] == [
        (
            DeadlineTemplate.objects.get(key="enter-missing-child-ncic"),
            datetime(2026, 6, 1, 17, 0, tzinfo=UTC),
        ),
        (overlay, datetime(2026, 6, 2, 3, 0, tzinfo=UTC)),
    ]


def test_less_strict_overlay_does_not_replace_the_federal_template(full_case, lead):
    _overlay(overrides="report-missing-child", offset_hours=48)
    recorded = _record(lead.caseworker, full_case, "missing_reported")
    assert sorted(task.template.key for task in recorded.tasks) == [
        "enter-missing-child-ncic",
        "report-missing-child",
    ]


def test_overlay_of_another_state_does_not_apply(full_case, lead):
    _overlay(overrides="report-missing-child", jurisdiction="OH", offset_hours=1)
    recorded = _record(lead.caseworker, full_case, "missing_reported")
    assert sorted(task.template.key for task in recorded.tasks) == [
        "enter-missing-child-ncic",
        "report-missing-child",
    ]


def test_state_age_limit_for_the_sij_predicate_order_applies_even_when_later(full_case, advocate):
    overlay = _overlay(
        overrides="obtain-sij-predicate-order", anchor="date_of_birth", age_years=21, offset_days=-1
    )
    recorded = _record(advocate.liaison, full_case, "sijs_candidate_identified")
    predicate = next(task for task in recorded.tasks if task.template.key != "file-sij-petition")
    assert (predicate.template, predicate.due_at) == (overlay, datetime(2031, 4, 1, 5, 0, tzinfo=UTC))


def test_inactive_template_creates_no_task(full_case, lead):
    DeadlineTemplate.objects.filter(key="enter-missing-child-ncic").update(active=False)
    recorded = _record(lead.caseworker, full_case, "missing_reported")
    assert [task.template.key for task in recorded.tasks] == ["report-missing-child"]


def test_template_anchored_on_the_hearing_counts_back_from_it(full_case, lead):
    DeadlineTemplate.objects.filter(trigger="court_hearing_scheduled").update(active=False)
    DeadlineTemplate.objects.create(
        key="court-report",
        name="File the court report",
        trigger="court_hearing_scheduled",
        anchor="hearing_at",
        offset_days=-7,
        owner_kind="child_welfare",
        section="core",
        legal_source="Local court rule",
    )
    recorded = _record(
        lead.caseworker,
        full_case,
        "court_hearing_scheduled",
        details={"hearing_at": "2026-07-15T09:00:00-05:00"},
    )
    assert [(task.template.key, task.due_at) for task in recorded.tasks] == [
        ("court-report", datetime(2026, 7, 8, 14, 0, tzinfo=UTC))
    ]


# --- repeating templates ---------------------------------------------------------------------------


def _review(case, lead) -> Task:
    recorded = _record(lead.caseworker, case, "removed_from_home")
    return next(task for task in recorded.tasks if task.template.key == "periodic-case-review")


def test_completing_a_periodic_review_early_schedules_the_next_from_the_completion(full_case, lead):
    review = _review(full_case, lead)
    with time_machine.travel(datetime(2026, 11, 2, 16, 0, tzinfo=UTC), tick=False):
        task_complete(actor=lead.caseworker, task=review, outcome="Review held.")
    following = Task.objects.get(case=full_case, template__key="periodic-case-review", status="open")
    assert (following.due_at, following.owner_agency, following.event_id) == (
        datetime(2027, 5, 2, 15, 0, tzinfo=UTC),
        lead.agency,
        review.event_id,
    )


def test_completing_a_periodic_review_late_keeps_the_schedule(full_case, lead):
    review = _review(full_case, lead)
    with time_machine.travel(datetime(2026, 12, 20, 16, 0, tzinfo=UTC), tick=False):
        task_complete(actor=lead.caseworker, task=review, outcome="Review held.")
    following = Task.objects.get(case=full_case, template__key="periodic-case-review", status="open")
    assert following.due_at == datetime(2027, 6, 1, 15, 0, tzinfo=UTC)


def test_completing_a_non_repeating_task_schedules_nothing(full_case, lead):
    recorded = _record(lead.caseworker, full_case, "missing_located")
    with time_machine.travel(datetime(2026, 6, 2, tzinfo=UTC), tick=False):
        task_complete(actor=lead.caseworker, task=recorded.tasks[0], outcome="Screened.")
    assert Task.objects.filter(case=full_case, status="open").count() == 0


def test_deactivated_repeating_template_stops_repeating(full_case, lead):
    review = _review(full_case, lead)
    DeadlineTemplate.objects.filter(key="periodic-case-review").update(active=False)
    with time_machine.travel(datetime(2026, 11, 2, 16, 0, tzinfo=UTC), tick=False):
        task_complete(actor=lead.caseworker, task=review, outcome="Review held.")
    assert Task.objects.filter(case=full_case, template__key="periodic-case-review").count() == 1


# --- who may record, and validation ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["unrelated_liaison", "lead_admin", "partner_caseworker_off_team"])
def test_people_who_do_not_see_the_case_get_not_found_and_nothing_is_recorded(
    full_case, lead, partner, unrelated, who
):
    actor = {
        "unrelated_liaison": unrelated.liaison,
        "lead_admin": lead.admin,
        "partner_caseworker_off_team": partner.caseworker,
    }[who]
    with pytest.raises(NotFound):
        _record(actor, full_case, "missing_reported")
    assert (CaseEvent.objects.count(), Task.objects.count()) == (0, 0)


def test_any_case_worker_of_a_participating_agency_may_record(full_case, partner):
    recorded = _record(partner.liaison, full_case, "missing_reported")
    assert recorded.event.recording_agency == partner.agency


def test_unknown_event_type_is_refused_with_a_field_message(full_case, lead):
    with pytest.raises(ValidationFailed) as error:
        _record(lead.caseworker, full_case, "kidnapped")
    assert list(error.value.fields) == ["type"]
    assert CaseEvent.objects.count() == 0


def test_event_in_the_future_is_refused(full_case, lead):
    with pytest.raises(ValidationFailed) as error:
        _record(
            lead.caseworker, full_case, "missing_reported", occurred_at=datetime.now(UTC) + timedelta(hours=1)
        )
    assert error.value.fields == {
        "occurred_at": ["An event cannot have happened in the future: give the time it happened."]
    }


def test_event_time_without_offset_is_refused(full_case, lead):
    with pytest.raises(ValidationFailed) as error:
        _record(lead.caseworker, full_case, "missing_reported", occurred_at=datetime(2026, 6, 1, 10, 0))  # noqa: DTZ001
    assert error.value.fields == {"occurred_at": ["Give the date and time it happened, with its offset."]}


def test_court_hearing_needs_the_hearing_time(full_case, lead):
    with pytest.raises(ValidationFailed) as error:
        _record(lead.caseworker, full_case, "court_hearing_scheduled", details={"hearing_at": "next week"})
    assert error.value.fields == {"details.hearing_at": ["Give the hearing's date and time with its offset."]}


def test_details_an_event_type_does_not_carry_are_refused(full_case, lead):
    with pytest.raises(ValidationFailed) as error:
        _record(lead.caseworker, full_case, "missing_reported", details={"last_seen": "bus station"})
    assert error.value.fields == {"details.last_seen": ["Unknown field for this event type."]}
    assert CaseEvent.objects.count() == 0


# --- what the timeline and event list show ------------------------------------------------------


def test_immigration_event_is_hidden_from_agencies_without_the_immigration_section(
    full_case, lead, partner, advocate
):
    recorded = _record(advocate.liaison, full_case, "continued_presence_granted")
    police = get_case_access(user=partner.liaison, case_id=full_case.pk)
    welfare = get_case_access(user=lead.liaison, case_id=full_case.pk)
    assert list(case_events_visible(access=police)) == []
    assert list(case_events_visible(access=welfare)) == [recorded.event]
    assert not timeline_visible(access=police).filter(kind="case_event_recorded").exists()
    assert timeline_visible(access=welfare).filter(kind="case_event_recorded").count() == 1


def test_missing_report_is_on_every_participants_timeline_without_the_childs_name(full_case, lead, partner):
    _record(lead.caseworker, full_case, "missing_reported")
    police = get_case_access(user=partner.liaison, case_id=full_case.pk)
    entry = timeline_visible(access=police).get(kind="case_event_recorded")
    assert entry.summary == "Reported missing (recorded by Harris County CPS)."
    assert entry.occurred_at == OCCURRED


def test_created_tasks_are_on_the_timeline_only_for_their_owner(full_case, lead, partner):
    recorded = _record(lead.caseworker, full_case, "missing_reported")
    ncic = next(task for task in recorded.tasks if task.template.key == "enter-missing-child-ncic")
    entry = TimelineEvent.objects.get(kind="task_created", data__task=str(ncic.pk))
    assert (entry.agencies, entry.section, entry.summary) == (
        [partner.agency.pk],
        "core",
        "Task created: Enter missing child in NCIC.",
    )
