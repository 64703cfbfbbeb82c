"""Each write that takes free text refuses a value over its limit itself, naming the field the API
and the pages use, whoever calls it; a value exactly at the limit is taken."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from agencies.models import AGENCY_NAME_MAX_LENGTH, AgencyKind, Role, User
from agencies.services import (
    EMAIL_MAX_LENGTH,
    PERSON_NAME_MAX_LENGTH,
    USERNAME_MAX_LENGTH,
    agency_create,
    user_create,
)
from casework.access import get_case_access
from casework.models import (
    CONSENT_SIGNED_BY_MAX_LENGTH,
    PSEUDONYM_MAX_LENGTH,
    TASK_TITLE_MAX_LENGTH,
    Case,
    CaseEvent,
    Handoff,
    Task,
)
from casework.services import breakglass, events, handoffs, notes, tasks
from casework.services.breakglass import break_glass_open
from casework.services.cases import case_open, case_update
from casework.services.events import case_event_correct, case_event_record, case_event_void
from casework.services.handoffs import handoff_accept, handoff_create, handoff_decline, lead_handoff_create
from casework.services.notes import note_add
from casework.services.sharing import CONSENT_PURPOSE_MAX_LENGTH, consent_record, grant_create
from casework.services.tasks import task_complete, task_create, task_reopen, task_update
from common.dates import OUT_OF_RANGE_MESSAGE
from common.errors import ValidationFailed
from documents.services import TITLE_MAX_LENGTH
from tests.conftest import Staff
from tests.documents.conftest import add_document

pytestmark = pytest.mark.django_db


@dataclass
class World:
    lead: Staff
    partner: Staff
    case: Case
    platform_admin: User


@pytest.fixture
def world(lead: Staff, partner: Staff, shared_case: Case, platform_admin: User) -> World:
    return World(lead=lead, partner=partner, case=shared_case, platform_admin=platform_admin)


def _task(w: World) -> Task:
    return task_create(
        actor=w.lead.caseworker, case=w.case, title="Call school", due_at=timezone.now() + timedelta(days=3)
    )


def _done_task(w: World) -> Task:
    return task_complete(actor=w.lead.caseworker, task=_task(w), outcome="Called.")


def _handoff(w: World) -> Handoff:
    return handoff_create(actor=w.lead.caseworker, task=_task(w), to_agency=w.partner.agency)


def _event(w: World) -> CaseEvent:
    return case_event_record(
        actor=w.lead.caseworker,
        case=w.case,
        event_type="missing_reported",
        occurred_at=timezone.now() - timedelta(hours=1),
    ).event


def _consent(w: World, *, purpose: str = "Safety planning", signed_by: str = "Child and guardian") -> None:
    consent_record(
        actor=w.lead.liaison,
        case=w.case,
        recipient_agency=w.partner.agency,
        sections=["location"],
        purpose=purpose,
        signed_by=signed_by,
        signed_on=timezone.localdate(),
    )


def _new_member(w: World, **values: str) -> None:
    user_create(
        actor=w.lead.admin,
        agency=w.lead.agency,
        role=Role.CASEWORKER,
        **{"username": "new.member", "email": "new.member@example.org", **values},
    )


def _email(text: str) -> str:
    """An address exactly as long as `text`."""
    return text[: -len("@example.org")] + "@example.org"


Write = Callable[[World, str], object]

# (field the API and the form use, its limit, the write given a text of some length)
WRITES: dict[str, tuple[str, int, Write]] = {
    "case_open": (
        "pseudonym",
        PSEUDONYM_MAX_LENGTH,
        lambda w, text: case_open(actor=w.lead.caseworker, pseudonym=text),
    ),
    "case_update": (
        "pseudonym",
        PSEUDONYM_MAX_LENGTH,
        lambda w, text: case_update(
            actor=w.lead.caseworker,
            case=w.case,
            expected_version=get_case_access(user=w.lead.caseworker, case_id=w.case.pk).version,
            core={"pseudonym": text},
        ),
    ),
    "note_add": (
        "body",
        notes.NOTE_MAX_LENGTH,
        lambda w, text: note_add(actor=w.lead.caseworker, case=w.case, section="core", body=text),
    ),
    "task_create title": (
        "title",
        TASK_TITLE_MAX_LENGTH,
        lambda w, text: task_create(
            actor=w.lead.caseworker, case=w.case, title=text, due_at=timezone.now() + timedelta(days=1)
        ),
    ),
    "task_create description": (
        "description",
        tasks.TASK_DESCRIPTION_MAX_LENGTH,
        lambda w, text: task_create(
            actor=w.lead.caseworker,
            case=w.case,
            title="Call school",
            description=text,
            due_at=timezone.now() + timedelta(days=1),
        ),
    ),
    "task_update description": (
        "description",
        tasks.TASK_DESCRIPTION_MAX_LENGTH,
        lambda w, text: task_update(
            actor=w.lead.caseworker, task=_task(w), expected_version=1, description=text
        ),
    ),
    "task_complete": (
        "outcome",
        tasks.OUTCOME_MAX_LENGTH,
        lambda w, text: task_complete(actor=w.lead.caseworker, task=_task(w), outcome=text),
    ),
    "task_reopen": (
        "reason",
        tasks.REASON_MAX_LENGTH,
        lambda w, text: task_reopen(actor=w.lead.caseworker, task=_done_task(w), reason=text),
    ),
    "handoff_create": (
        "note",
        handoffs.NOTE_MAX_LENGTH,
        lambda w, text: handoff_create(
            actor=w.lead.caseworker, task=_task(w), to_agency=w.partner.agency, note=text
        ),
    ),
    "lead_handoff_create": (
        "note",
        handoffs.NOTE_MAX_LENGTH,
        lambda w, text: lead_handoff_create(
            actor=w.lead.liaison, case=w.case, to_agency=w.partner.agency, note=text
        ),
    ),
    "handoff_accept": (
        "note",
        handoffs.NOTE_MAX_LENGTH,
        lambda w, text: handoff_accept(actor=w.partner.liaison, handoff=_handoff(w), note=text),
    ),
    "handoff_decline": (
        "reason",
        handoffs.NOTE_MAX_LENGTH,
        lambda w, text: handoff_decline(actor=w.partner.liaison, handoff=_handoff(w), reason=text),
    ),
    "consent_record purpose": (
        "purpose",
        CONSENT_PURPOSE_MAX_LENGTH,
        lambda w, text: _consent(w, purpose=text),
    ),
    "consent_record signed_by": (
        "signed_by",
        CONSENT_SIGNED_BY_MAX_LENGTH,
        lambda w, text: _consent(w, signed_by=text),
    ),
    "break_glass_open": (
        "reason",
        breakglass.REASON_MAX_LENGTH,
        lambda w, text: break_glass_open(
            actor=w.partner.supervisor, case=w.case, section="health", reason=text
        ),
    ),
    "case_event_correct": (
        "reason",
        events.REASON_MAX_LENGTH,
        lambda w, text: case_event_correct(
            actor=w.lead.caseworker,
            case=w.case,
            event_id=_event(w).pk,
            reason=text,
            occurred_at=timezone.now() - timedelta(hours=2),
        ),
    ),
    "case_event_void": (
        "reason",
        events.REASON_MAX_LENGTH,
        lambda w, text: case_event_void(
            actor=w.lead.caseworker, case=w.case, event_id=_event(w).pk, reason=text
        ),
    ),
    "document_upload": (
        "title",
        TITLE_MAX_LENGTH,
        lambda w, text: add_document(actor=w.lead.caseworker, case=w.case, section="core", title=text),
    ),
    "agency_create": (
        "name",
        AGENCY_NAME_MAX_LENGTH,
        lambda w, text: agency_create(actor=w.platform_admin, name=text, kind=AgencyKind.VICTIM_SERVICES),
    ),
    "user_create username": ("username", USERNAME_MAX_LENGTH, lambda w, text: _new_member(w, username=text)),
    "user_create first_name": (
        "first_name",
        PERSON_NAME_MAX_LENGTH,
        lambda w, text: _new_member(w, first_name=text),
    ),
    "user_create last_name": (
        "last_name",
        PERSON_NAME_MAX_LENGTH,
        lambda w, text: _new_member(w, last_name=text),
    ),
    "user_create email": ("email", EMAIL_MAX_LENGTH, lambda w, text: _new_member(w, email=_email(text))),
}


@pytest.mark.parametrize("operation", list(WRITES))
def test_a_service_refuses_text_over_its_limit_naming_the_field(world: World, operation: str) -> None:
    field, limit, write = WRITES[operation]

    with pytest.raises(ValidationFailed) as error:
        write(world, "x" * (limit + 1))

    assert error.value.fields == {field: [f"At most {limit} characters."]}


@pytest.mark.parametrize("operation", list(WRITES))
def test_a_service_takes_text_exactly_at_its_limit(world: World, operation: str) -> None:
    _, limit, write = WRITES[operation]

    write(world, "x" * limit)


def test_surrounding_spaces_do_not_count_towards_a_limit(world: World) -> None:
    note = note_add(
        actor=world.lead.caseworker,
        case=world.case,
        section="core",
        body=f"  {'x' * notes.NOTE_MAX_LENGTH}  ",
    )

    assert len(note.body) == notes.NOTE_MAX_LENGTH


@pytest.mark.parametrize("field", ["signed_on", "expires_on"])
def test_a_consent_date_outside_the_supported_years_is_a_field_error(world: World, field: str) -> None:
    dates = {"signed_on": timezone.localdate(), "expires_on": None, field: date(9999, 12, 31)}

    with pytest.raises(ValidationFailed) as error:
        consent_record(
            actor=world.lead.liaison,
            case=world.case,
            recipient_agency=world.partner.agency,
            sections=["location"],
            purpose="Safety planning",
            signed_by="Child and guardian",
            **dates,
        )

    assert error.value.fields == {field: [OUT_OF_RANGE_MESSAGE]}


def test_a_grant_ending_outside_the_supported_years_is_a_field_error(world: World) -> None:
    with pytest.raises(ValidationFailed) as error:
        grant_create(
            actor=world.partner.liaison,
            case=world.case,
            agency=world.lead.agency,
            section="investigation",
            expires_at=timezone.now().replace(year=9999),
        )

    assert error.value.fields == {"expires_at": [OUT_OF_RANGE_MESSAGE]}


def test_an_agency_jurisdiction_longer_than_a_state_code_is_a_field_error(world: World) -> None:
    with pytest.raises(ValidationFailed) as error:
        agency_create(
            actor=world.platform_admin, name="Metro PD", kind=AgencyKind.LAW_ENFORCEMENT, jurisdiction="USA"
        )

    assert list(error.value.fields) == ["jurisdiction"]


def test_a_task_due_outside_the_supported_years_is_a_field_error(world: World) -> None:
    with pytest.raises(ValidationFailed) as error:
        task_create(
            actor=world.lead.caseworker,
            case=world.case,
            title="Call school",
            due_at=timezone.now().replace(year=2500),
        )

    assert error.value.fields == {"due_at": [OUT_OF_RANGE_MESSAGE]}


def test_an_event_before_the_supported_years_is_a_field_error(world: World) -> None:
    with pytest.raises(ValidationFailed) as error:
        case_event_record(
            actor=world.lead.caseworker,
            case=world.case,
            event_type="missing_reported",
            occurred_at=timezone.now().replace(year=1800),
        )

    assert error.value.fields == {"occurred_at": [OUT_OF_RANGE_MESSAGE]}
