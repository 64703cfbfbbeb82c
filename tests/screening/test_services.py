import pytest
from django.utils import timezone

from audit.models import AuditRecord
from casework.models import CaseEvent, Task, TimelineEvent
from casework.services.events import case_event_record
from casework.services.sharing import consent_record, participant_invite
from common.errors import NotFound, PermissionDenied, ValidationFailed
from screening.models import Screening, TraffickingStatusChange
from screening.services import screening_preview, screening_record, trafficking_status_change
from tests.factories import open_case
from tests.screening.conftest import CLEAR_ANSWERS, SUSPECT_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lead, partner):
    case = open_case(actor=lead.caseworker)
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    return case


def _events(case):
    return sorted(CaseEvent.objects.filter(case=case).values_list("type", flat=True))


def _task_templates(case):
    return sorted(Task.objects.filter(case=case).values_list("template__key", flat=True))


@pytest.mark.parametrize(
    ("status", "events", "templates"),
    [
        ("confirmed_sex", ["sex_trafficking_identified"], ["report-sex-trafficking-victim"]),
        ("confirmed_labor", ["labor_trafficking_identified"], ["report-labor-trafficking-victim"]),
        (
            "confirmed_both",
            ["labor_trafficking_identified", "sex_trafficking_identified"],
            ["report-labor-trafficking-victim", "report-sex-trafficking-victim"],
        ),
        ("suspected", [], []),
        ("at_risk", [], []),
        ("screened_no_indicators", [], []),
    ],
)
def test_each_status_change_starts_the_clocks_of_the_identification_it_implies(
    case, lead, status, events, templates
):
    trafficking_status_change(actor=lead.caseworker, case=case, status=status, reason="Interview on 3 May.")

    assert _events(case) == events
    assert _task_templates(case) == templates


def test_moving_from_confirmed_sex_to_both_starts_only_the_labor_clock(case, lead):
    trafficking_status_change(actor=lead.caseworker, case=case, status="confirmed_sex", reason="Disclosure.")
    changed = trafficking_status_change(
        actor=lead.caseworker, case=case, status="confirmed_both", reason="Also worked to repay a debt."
    )

    assert [task.template.key for task in changed.tasks] == ["report-labor-trafficking-victim"]
    assert _events(case) == ["labor_trafficking_identified", "sex_trafficking_identified"]


def test_an_identification_already_recorded_as_an_event_does_not_start_its_clocks_again(case, lead):
    case_event_record(
        actor=lead.caseworker, case=case, event_type="sex_trafficking_identified", occurred_at=timezone.now()
    )

    changed = trafficking_status_change(
        actor=lead.caseworker, case=case, status="confirmed_sex", reason="Forensic interview."
    )

    assert changed.tasks == []
    assert _events(case) == ["sex_trafficking_identified"]
    assert _task_templates(case) == ["report-sex-trafficking-victim"]


def test_status_change_records_who_when_and_why_and_bumps_the_case_version(case, lead):
    version = case.version
    changed = trafficking_status_change(
        actor=lead.caseworker, case=case, status="at_risk", reason="Older partner."
    )

    case.refresh_from_db()
    assert (case.trafficking_status, case.trafficking_status_changed_by) == ("at_risk", lead.caseworker)
    assert case.trafficking_status_changed_at == changed.change.changed_at
    assert case.version == version + 1
    assert (changed.change.previous_status, changed.change.reason, changed.change.section) == (
        "not_screened",
        "Older partner.",
        "health",
    )


def test_the_core_timeline_line_carries_the_status_but_never_the_reason(case, lead):
    trafficking_status_change(actor=lead.caseworker, case=case, status="at_risk", reason="SECRETREASON")

    line = TimelineEvent.objects.get(case=case, kind="trafficking_status_changed")
    assert line.section == "core"
    assert line.summary == f"Trafficking status changed from Not screened to At risk by {lead.agency.name}."
    assert "SECRETREASON" not in str(line.data)


def test_an_agency_that_does_not_write_health_may_not_change_the_status(case, partner):
    with pytest.raises(PermissionDenied):
        trafficking_status_change(actor=partner.liaison, case=case, status="confirmed_sex", reason="Told so.")

    case.refresh_from_db()
    assert case.trafficking_status == "not_screened"
    assert _events(case) == []


def test_an_unrelated_agency_gets_not_found(case, unrelated):
    with pytest.raises(NotFound):
        trafficking_status_change(actor=unrelated.liaison, case=case, status="at_risk", reason="x")


@pytest.mark.parametrize(
    ("status", "reason", "field"),
    [
        ("at_risk", "  ", "reason"),
        ("not_screened", "Back to the start.", "status"),
        ("nonsense", "x", "status"),
    ],
)
def test_status_change_refuses_bad_input_with_field_messages(case, lead, status, reason, field):
    with pytest.raises(ValidationFailed) as error:
        trafficking_status_change(actor=lead.caseworker, case=case, status=status, reason=reason)
    assert list(error.value.fields) == [field]


def test_setting_the_status_the_case_has_is_refused(case, lead):
    trafficking_status_change(actor=lead.caseworker, case=case, status="at_risk", reason="Older partner.")
    with pytest.raises(ValidationFailed) as error:
        trafficking_status_change(actor=lead.caseworker, case=case, status="at_risk", reason="Again.")
    assert list(error.value.fields) == ["status"]


# --- screenings ---------------------------------------------------------------------------------


def _screen(case, actor, instrument, answers, decided, reason=""):
    return screening_record(
        actor=actor,
        case=case,
        instrument_id=instrument.pk,
        screened_on=timezone.localdate(),
        answers=answers,
        decided_status=decided,
        reason=reason,
    )


def test_the_instrument_scores_the_answers_and_suggests_a_status(instrument):
    assert screening_preview(instrument=instrument, answers=CLEAR_ANSWERS) == (0, "screened_no_indicators")
    assert screening_preview(
        instrument=instrument, answers={**CLEAR_ANSWERS, "runaway": True, "older_partner": True}
    ) == (
        2,
        "at_risk",
    )
    assert screening_preview(instrument=instrument, answers=SUSPECT_ANSWERS) == (6, "suspected")


def test_a_screening_that_suggests_a_higher_status_changes_it_when_the_worker_agrees(case, lead, instrument):
    recorded = _screen(case, lead.caseworker, instrument, SUSPECT_ANSWERS, "suspected")

    case.refresh_from_db()
    screening = recorded.screening
    assert (screening.score, screening.suggested_status, screening.decided_status) == (
        6,
        "suspected",
        "suspected",
    )
    assert screening.previous_status == "not_screened"
    assert case.trafficking_status == "suspected"
    assert recorded.status_changed is not None
    assert recorded.status_changed.change.screening == screening


def test_a_positive_screen_confirmed_by_the_worker_starts_the_reporting_clock(case, lead, instrument):
    recorded = _screen(
        case, lead.caseworker, instrument, SUSPECT_ANSWERS, "confirmed_sex", reason="The child disclosed it."
    )

    assert recorded.status_changed is not None
    assert [task.template.key for task in recorded.status_changed.tasks] == ["report-sex-trafficking-victim"]


def test_a_decision_other_than_the_suggestion_needs_a_reason(case, lead, instrument):
    with pytest.raises(ValidationFailed) as error:
        _screen(case, lead.caseworker, instrument, SUSPECT_ANSWERS, "at_risk")

    assert list(error.value.fields) == ["reason"]
    assert not Screening.objects.exists()


def test_a_screening_that_keeps_the_status_changes_nothing(case, lead, instrument):
    trafficking_status_change(actor=lead.caseworker, case=case, status="suspected", reason="Police report.")
    recorded = _screen(case, lead.caseworker, instrument, SUSPECT_ANSWERS, "suspected")

    assert recorded.status_changed is None
    assert TraffickingStatusChange.objects.filter(case=case).count() == 1


def test_lowering_the_status_needs_a_reason_even_when_the_instrument_suggests_it(case, lead, instrument):
    trafficking_status_change(actor=lead.caseworker, case=case, status="suspected", reason="Police report.")
    with pytest.raises(ValidationFailed) as error:
        _screen(case, lead.caseworker, instrument, CLEAR_ANSWERS, "screened_no_indicators")
    assert list(error.value.fields) == ["reason"]


def test_answers_the_instrument_does_not_accept_are_refused_by_question(case, lead, instrument):
    answers = {**CLEAR_ANSWERS, "runaway": "maybe", "shoe_size": 9}
    del answers["threats"]
    with pytest.raises(ValidationFailed) as error:
        _screen(case, lead.caseworker, instrument, answers, "screened_no_indicators")
    assert error.value.fields == {
        "answers.shoe_size": ["This instrument has no such question."],
        "answers.runaway": ["Answer yes (true) or no (false)."],
        "answers.threats": ["Answer this question."],
    }


def test_a_screening_in_the_future_is_refused(case, lead, instrument):
    with pytest.raises(ValidationFailed) as error:
        screening_record(
            actor=lead.caseworker,
            case=case,
            instrument_id=instrument.pk,
            screened_on=timezone.localdate() + timezone.timedelta(days=1),
            answers=CLEAR_ANSWERS,
            decided_status="screened_no_indicators",
        )
    assert list(error.value.fields) == ["screened_on"]


def test_an_inactive_instrument_is_refused(case, lead, instrument):
    instrument.active = False
    instrument.save()
    with pytest.raises(ValidationFailed) as error:
        _screen(case, lead.caseworker, instrument, CLEAR_ANSWERS, "screened_no_indicators")
    assert list(error.value.fields) == ["instrument"]


def test_an_agency_reading_health_by_consent_may_not_record_a_screening(case, lead, partner, instrument):
    consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=partner.agency,
        sections=["health"],
        purpose="Joint interview",
        signed_by="Child and guardian",
        signed_on=timezone.localdate(),
    )
    with pytest.raises(PermissionDenied):
        _screen(case, partner.liaison, instrument, CLEAR_ANSWERS, "screened_no_indicators")
    assert not Screening.objects.exists()


def test_the_screening_timeline_line_is_in_the_health_section(case, lead, instrument):
    _screen(case, lead.caseworker, instrument, CLEAR_ANSWERS, "screened_no_indicators")

    line = TimelineEvent.objects.get(case=case, kind="screening_recorded")
    assert line.section == "health"


def test_a_child_who_enters_a_new_placement_gets_a_screening_task(case, lead):
    recorded = case_event_record(
        actor=lead.caseworker, case=case, event_type="placement_changed", occurred_at=timezone.now()
    )
    assert [(task.template.key, task.owner_agency) for task in recorded.tasks] == [
        ("screen-child-new-placement", lead.agency)
    ]


def test_screenings_and_status_changes_are_in_the_audit_log_with_their_section(case, lead, instrument):
    recorded = _screen(case, lead.caseworker, instrument, SUSPECT_ANSWERS, "suspected")

    records = AuditRecord.objects.filter(
        case_id=case.pk, object_type__in=["screening", "trafficking_status_change"]
    )
    assert sorted((record.event_type, record.section) for record in records) == [
        ("screening.insert", "health"),
        ("trafficking_status_change.insert", "health"),
    ]
    assert recorded.status_changed is not None
