from datetime import timedelta

import pytest
from django.utils import timezone

from casework.access import get_case_access, tasks_visible_to
from casework.models import CaseEvent, Handoff, HandoffStatus, Task, TimelineEvent
from common.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from relief.models import ReliefKind, ReliefRecord, ReliefStatus
from relief.selectors import relief_records_for
from relief.services import relief_record_add, relief_record_update, relief_request_signature

pytestmark = pytest.mark.django_db


def test_legal_advocate_tracks_a_step_with_a_timeline_line_in_immigration(relief_case, advocate):
    record = relief_record_add(
        actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA, receipt_number=" EAC2612345678 "
    )

    assert (record.kind, record.status, record.receipt_number) == ("t_visa", "considering", "EAC2612345678")
    line = TimelineEvent.objects.get(case=relief_case, kind="relief_changed")
    assert (line.section, line.summary) == (
        "immigration",
        "Relief tracked: T visa (Form I-914) (considering).",
    )


def test_tracking_a_step_moves_the_immigration_version_only(relief_case, advocate, partner):
    reader_before = get_case_access(user=advocate.liaison, case_id=relief_case.pk).version
    outsider_before = get_case_access(user=partner.liaison, case_id=relief_case.pk).version

    relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.U_VISA)

    assert get_case_access(user=advocate.liaison, case_id=relief_case.pk).version == reader_before + 1
    assert get_case_access(user=partner.liaison, case_id=relief_case.pk).version == outsider_before


def test_law_enforcement_without_immigration_is_told_relief_does_not_exist(relief_case, partner):
    with pytest.raises(NotFound):
        relief_record_add(actor=partner.liaison, case=relief_case, kind=ReliefKind.T_VISA)

    assert ReliefRecord.objects.count() == 0


def test_child_welfare_reads_relief_but_may_not_write_it(relief_case, lead, advocate):
    relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA)

    with pytest.raises(PermissionDenied, match=r"Your agency may not change this section\."):
        relief_record_add(actor=lead.supervisor, case=relief_case, kind=ReliefKind.U_VISA)

    access = get_case_access(user=lead.caseworker, case_id=relief_case.pk)
    assert [record.kind for record in relief_records_for(access=access)] == ["t_visa"]


def test_relief_records_are_not_listed_to_an_agency_without_immigration(relief_case, advocate, partner):
    relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA)

    access = get_case_access(user=partner.supervisor, case_id=relief_case.pk)

    assert list(relief_records_for(access=access)) == []


def test_a_second_open_step_of_a_kind_is_a_conflict(relief_case, advocate):
    relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.U_VISA)

    with pytest.raises(Conflict):
        relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.U_VISA)


def test_a_denied_step_is_final(relief_case, advocate):
    record = relief_record_add(
        actor=advocate.liaison, case=relief_case, kind=ReliefKind.U_VISA, status=ReliefStatus.DENIED
    )

    with pytest.raises(ValidationFailed) as refused:
        relief_record_update(actor=advocate.liaison, record=record, expected_version=1, status="filed")

    assert refused.value.fields == {"status": ["A denied step is final; add a new record."]}


def test_a_stale_edit_is_refused(relief_case, advocate):
    record = relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA)
    relief_record_update(actor=advocate.liaison, record=record, expected_version=1, status="filed")

    with pytest.raises(StaleVersion):
        relief_record_update(actor=advocate.liaison, record=record, expected_version=1, details="Late")


def test_filing_before_requesting_is_refused(relief_case, advocate):
    today = timezone.localdate()

    with pytest.raises(ValidationFailed) as refused:
        relief_record_add(
            actor=advocate.liaison,
            case=relief_case,
            kind=ReliefKind.T_VISA,
            status=ReliefStatus.FILED,
            requested_on=today,
            filed_on=today - timedelta(days=1),
        )

    assert refused.value.fields == {"filed_on": ["Filed on or after the day it was requested."]}


def test_an_sijs_step_starts_the_i360_and_predicate_order_clocks_once(relief_case, advocate):
    relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.SIJS_PREDICATE_ORDER)
    relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.SIJS_PETITION)

    events = CaseEvent.objects.filter(case=relief_case)
    assert [(event.type, event.section) for event in events] == [("sijs_candidate_identified", "immigration")]
    tasks = Task.objects.filter(case=relief_case, template__isnull=False).order_by("template__key")
    assert [(task.template.key, task.section, task.owner_agency) for task in tasks] == [
        ("file-sij-petition", "immigration", advocate.agency),
        ("obtain-sij-predicate-order", "immigration", advocate.agency),
    ]


def test_a_signed_u_visa_certification_starts_the_i918_clock_from_its_day(relief_case, advocate):
    signed = timezone.localdate() - timedelta(days=3)

    relief_record_add(
        actor=advocate.liaison,
        case=relief_case,
        kind=ReliefKind.U_VISA_CERTIFICATION,
        status=ReliefStatus.GRANTED,
        decided_on=signed,
    )

    event = CaseEvent.objects.get(case=relief_case)
    assert (event.type, timezone.localtime(event.occurred_at).date()) == ("u_visa_certified", signed)
    task = Task.objects.get(case=relief_case, template__key="file-i918-after-certification")
    assert task.section == "immigration"


def test_a_grant_already_recorded_as_an_event_starts_no_second_clock(relief_case, advocate, lead):
    from casework.services.events import case_event_record

    case_event_record(
        actor=lead.caseworker,
        case=relief_case,
        event_type="continued_presence_granted",
        occurred_at=timezone.now() - timedelta(hours=1),
    )

    relief_record_add(
        actor=advocate.liaison,
        case=relief_case,
        kind=ReliefKind.CONTINUED_PRESENCE,
        status=ReliefStatus.GRANTED,
        decided_on=timezone.localdate(),
    )

    assert CaseEvent.objects.filter(case=relief_case, type="continued_presence_granted").count() == 1


def test_asking_for_a_declaration_hands_law_enforcement_a_core_task_that_names_only_the_form(
    relief_case, advocate, partner
):
    record = relief_record_add(
        actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA_DECLARATION, details="Secret detail"
    )

    record = relief_request_signature(actor=advocate.liaison, record=record, to_agency=partner.agency)

    task = record.request_task
    assert (task.section, task.title, task.description) == (
        "core",
        f"Sign Form I-914 Supplement B declaration for case {relief_case.number}",
        "",
    )
    handoff = Handoff.objects.get(task=task)
    assert (handoff.to_agency, handoff.status, handoff.note) == (partner.agency, HandoffStatus.PENDING, "")
    assert (record.status, record.requested_of, record.version) == ("requested", partner.agency, 2)
    assert task in tasks_visible_to(user=partner.liaison)
    with pytest.raises(NotFound):
        relief_record_update(actor=partner.liaison, record=record, expected_version=2, details="x")


def test_a_declaration_is_asked_only_of_law_enforcement_or_immigration(relief_case, advocate, lead):
    record = relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA_DECLARATION)

    with pytest.raises(ValidationFailed) as refused:
        relief_request_signature(actor=advocate.liaison, record=record, to_agency=lead.agency)

    assert list(refused.value.fields) == ["to_agency"]
    assert Task.objects.filter(case=relief_case).count() == 0


def test_a_petition_is_not_asked_of_another_agency(relief_case, advocate, partner):
    record = relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA)

    with pytest.raises(ValidationFailed) as refused:
        relief_request_signature(actor=advocate.liaison, record=record, to_agency=partner.agency)

    assert list(refused.value.fields) == ["kind"]


def test_break_glass_reads_relief_but_never_writes_it(relief_case, advocate, partner):
    from casework.services.breakglass import break_glass_open

    record = relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA)
    break_glass_open(
        actor=partner.supervisor,
        case=relief_case,
        section="immigration",
        reason="Child missing, status needed",
    )
    access = get_case_access(user=partner.supervisor, case_id=relief_case.pk)

    assert list(relief_records_for(access=access)) == [record]
    with pytest.raises(PermissionDenied):
        relief_record_update(actor=partner.supervisor, record=record, expected_version=1, status="filed")
    with pytest.raises(PermissionDenied):
        relief_record_add(actor=partner.supervisor, case=relief_case, kind=ReliefKind.U_VISA)


@pytest.mark.parametrize(("field", "limit"), [("details", 2_000), ("receipt_number", 20)])
def test_free_text_over_its_limit_is_refused_on_its_field(relief_case, advocate, field, limit):
    relief_record_add(
        actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA, **{field: "x" * limit}
    )

    with pytest.raises(ValidationFailed) as refused:
        relief_record_add(
            actor=advocate.liaison, case=relief_case, kind=ReliefKind.U_VISA, **{field: "x" * (limit + 1)}
        )

    assert refused.value.fields == {field: [f"At most {limit} characters."]}


def test_a_declined_request_is_asked_again_with_the_same_task(relief_case, advocate, partner):
    from casework.services.handoffs import handoff_decline

    record = relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA_DECLARATION)
    record = relief_request_signature(actor=advocate.liaison, record=record, to_agency=partner.agency)
    handoff_decline(
        actor=partner.liaison, handoff=Handoff.objects.get(task=record.request_task), reason="Not ours"
    )

    again = relief_request_signature(actor=advocate.liaison, record=record, to_agency=partner.agency)

    assert again.request_task_id == record.request_task_id
    assert Handoff.objects.filter(task=record.request_task, status=HandoffStatus.PENDING).count() == 1


def test_a_request_still_unanswered_is_not_sent_twice(relief_case, advocate, partner):
    record = relief_record_add(actor=advocate.liaison, case=relief_case, kind=ReliefKind.T_VISA_DECLARATION)
    relief_request_signature(actor=advocate.liaison, record=record, to_agency=partner.agency)

    with pytest.raises(Conflict):
        relief_request_signature(actor=advocate.liaison, record=record, to_agency=partner.agency)

    assert Handoff.objects.count() == 1


def test_relief_fields_are_cut_from_log_lines():
    from security.logging import REDACTED, scrub

    assert scrub("{'receipt_number': 'EAC2612345678', 'details': 'T visa filed'}") == (
        f"{{'receipt_number': {REDACTED}, 'details': {REDACTED}}}"
    )
