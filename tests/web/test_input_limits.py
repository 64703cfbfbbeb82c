"""The API and the pages hold free text to the same limit and say so the same way: one character
over it is a 400 naming the field, in the API's error body and beside the field on the page."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from agencies.models import User
from agencies.services import USERNAME_MAX_LENGTH
from casework.models import CONSENT_SIGNED_BY_MAX_LENGTH, PSEUDONYM_MAX_LENGTH, TASK_TITLE_MAX_LENGTH, Case
from casework.services import breakglass, events, handoffs, notes, tasks
from casework.services.events import case_event_record
from casework.services.handoffs import handoff_create
from casework.services.sharing import CONSENT_PURPOSE_MAX_LENGTH
from casework.services.tasks import task_complete, task_create
from common.dates import OUT_OF_RANGE_MESSAGE
from documents.services import TITLE_MAX_LENGTH
from tests.api.conftest import Api, error_of
from tests.conftest import Staff
from tests.documents.conftest import pdf_bytes, upload_file
from tests.web.conftest import Browser, text
from web.forms import LOCAL_DATETIME_FORMAT

pytestmark = pytest.mark.django_db


@dataclass
class Fronts:
    lead: Staff
    partner: Staff
    case: Case
    api_as: Callable[[User], Api]
    browser_as: Callable[[User], Browser]


@pytest.fixture
def fronts(lead: Staff, partner: Staff, shared_case: Case, api_as: Any, browser_as: Any) -> Fronts:
    return Fronts(lead=lead, partner=partner, case=shared_case, api_as=api_as, browser_as=browser_as)


def _task_id(f: Fronts) -> str:
    task = task_create(
        actor=f.lead.caseworker, case=f.case, title="Call school", due_at=timezone.now() + timedelta(days=3)
    )
    return str(task.pk)


def _done_task_id(f: Fronts) -> str:
    task = task_create(
        actor=f.lead.caseworker, case=f.case, title="Call school", due_at=timezone.now() + timedelta(days=3)
    )
    return str(task_complete(actor=f.lead.caseworker, task=task, outcome="Called.").pk)


def _handoff_id(f: Fronts) -> str:
    task = task_create(
        actor=f.lead.caseworker, case=f.case, title="Call school", due_at=timezone.now() + timedelta(days=3)
    )
    return str(handoff_create(actor=f.lead.caseworker, task=task, to_agency=f.partner.agency).pk)


def _event_id(f: Fronts) -> str:
    recorded = case_event_record(
        actor=f.lead.caseworker,
        case=f.case,
        event_type="missing_reported",
        occurred_at=timezone.now() - timedelta(hours=1),
    )
    return str(recorded.event.pk)


def _consent(f: Fronts, **values: str) -> dict[str, Any]:
    return {
        "recipient_agency": f.partner.agency.pk,
        "sections": ["location"],
        "purpose": "Safety planning",
        "signed_by": "Child and guardian",
        "signed_on": timezone.localdate().isoformat(),
        **values,
    }


@dataclass(frozen=True)
class Contract:
    field: str
    limit: int
    # Each front end, given one text, sends it where this operation takes it.
    api: Callable[[Fronts, str], Any]
    page: Callable[[Fronts, str], Any]
    # A pattern of the page's name for the field, where a form prefix changes it.
    page_name: str | None = None


def _void_page(f: Fronts, reason: str) -> Any:
    event_id = _event_id(f)
    return f.browser_as(f.lead.caseworker).post(
        f"/cases/{f.case.pk}/events/{event_id}/void/",
        {f"event-{event_id.replace('-', '')[:12]}-void-reason": reason},
    )


CONTRACTS: dict[str, Contract] = {
    "case_open": Contract(
        "pseudonym",
        PSEUDONYM_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.caseworker).post("cases/", {"pseudonym": t}),
        lambda f, t: f.browser_as(f.lead.caseworker).post(
            "/cases/new/", {"pseudonym": t, "age_band": "unknown"}
        ),
    ),
    "note_add": Contract(
        "body",
        notes.NOTE_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.caseworker).post(
            f"cases/{f.case.pk}/notes/", {"section": "core", "body": t}
        ),
        lambda f, t: f.browser_as(f.lead.caseworker).post(
            f"/cases/{f.case.pk}/notes/", {"section": "core", "body": t}
        ),
    ),
    "task_create title": Contract(
        "title",
        TASK_TITLE_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.caseworker).post(
            "tasks/",
            {"case": str(f.case.pk), "title": t, "due_at": (timezone.now() + timedelta(days=1)).isoformat()},
        ),
        lambda f, t: f.browser_as(f.lead.caseworker).post(
            f"/cases/{f.case.pk}/tasks/",
            {
                "title": t,
                "due_at": timezone.localtime(timezone.now() + timedelta(days=1)).strftime(
                    LOCAL_DATETIME_FORMAT
                ),
                "priority": "normal",
            },
        ),
    ),
    "task_create description": Contract(
        "description",
        tasks.TASK_DESCRIPTION_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.caseworker).post(
            "tasks/",
            {
                "case": str(f.case.pk),
                "title": "Call school",
                "description": t,
                "due_at": (timezone.now() + timedelta(days=1)).isoformat(),
            },
        ),
        lambda f, t: f.browser_as(f.lead.caseworker).post(
            f"/cases/{f.case.pk}/tasks/",
            {
                "title": "Call school",
                "description": t,
                "due_at": timezone.localtime(timezone.now() + timedelta(days=1)).strftime(
                    LOCAL_DATETIME_FORMAT
                ),
                "priority": "normal",
            },
        ),
    ),
    "task_complete": Contract(
        "outcome",
        tasks.OUTCOME_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.caseworker).post(f"tasks/{_task_id(f)}/complete/", {"outcome": t}),
        lambda f, t: f.browser_as(f.lead.caseworker).post(f"/tasks/{_task_id(f)}/complete/", {"outcome": t}),
    ),
    "task_reopen": Contract(
        "reason",
        tasks.REASON_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.caseworker).post(f"tasks/{_done_task_id(f)}/reopen/", {"reason": t}),
        lambda f, t: f.browser_as(f.lead.caseworker).post(
            f"/tasks/{_done_task_id(f)}/reopen/", {"reason": t}
        ),
    ),
    "handoff_create": Contract(
        "note",
        handoffs.NOTE_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.caseworker).post(
            "handoffs/", {"task": _task_id(f), "to_agency": f.partner.agency.pk, "note": t}
        ),
        lambda f, t: f.browser_as(f.lead.caseworker).post(
            f"/tasks/{_task_id(f)}/handoff/", {"to_agency": f.partner.agency.pk, "note": t}
        ),
    ),
    "handoff_decline": Contract(
        "reason",
        handoffs.NOTE_MAX_LENGTH,
        lambda f, t: f.api_as(f.partner.liaison).post(f"handoffs/{_handoff_id(f)}/decline/", {"reason": t}),
        lambda f, t: f.browser_as(f.partner.liaison).post(
            f"/handoffs/{_handoff_id(f)}/decline/", {"reason": t}
        ),
    ),
    "consent_record purpose": Contract(
        "purpose",
        CONSENT_PURPOSE_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.liaison).post(f"cases/{f.case.pk}/consents/", _consent(f, purpose=t)),
        lambda f, t: f.browser_as(f.lead.liaison).post(
            f"/cases/{f.case.pk}/sharing/consents/", _consent(f, purpose=t)
        ),
    ),
    "consent_record signed_by": Contract(
        "signed_by",
        CONSENT_SIGNED_BY_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.liaison).post(f"cases/{f.case.pk}/consents/", _consent(f, signed_by=t)),
        lambda f, t: f.browser_as(f.lead.liaison).post(
            f"/cases/{f.case.pk}/sharing/consents/", _consent(f, signed_by=t)
        ),
    ),
    "break_glass_open": Contract(
        "reason",
        breakglass.REASON_MAX_LENGTH,
        lambda f, t: f.api_as(f.partner.supervisor).post(
            f"cases/{f.case.pk}/break-glass/", {"section": "health", "reason": t}
        ),
        lambda f, t: f.browser_as(f.partner.supervisor).post(
            f"/cases/{f.case.pk}/break-glass/", {"section": "health", "reason": t}
        ),
    ),
    "case_event_void": Contract(
        "reason",
        events.REASON_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.caseworker).post(
            f"cases/{f.case.pk}/events/{_event_id(f)}/void/", {"reason": t}
        ),
        _void_page,
        page_name="event-[0-9a-f]{12}-void-reason",
    ),
    "document_upload": Contract(
        "title",
        TITLE_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.caseworker).multipart(f"cases/{f.case.pk}/documents/", _document(t)),
        lambda f, t: f.browser_as(f.lead.caseworker).post(f"/cases/{f.case.pk}/documents/", _document(t)),
    ),
    "user_create": Contract(
        "username",
        USERNAME_MAX_LENGTH,
        lambda f, t: f.api_as(f.lead.admin).post(
            "users/",
            {"username": t, "email": "new@example.org", "agency": f.lead.agency.pk, "role": "caseworker"},
        ),
        lambda f, t: f.browser_as(f.lead.admin).post(
            "/members/add/",
            {
                "username": t,
                "first_name": "New",
                "last_name": "Member",
                "email": "new@example.org",
                "role": "caseworker",
            },
        ),
    ),
}


def _document(title: str) -> dict[str, object]:
    return {
        "document_type": "court_order",
        "section": "core",
        "title": title,
        "file": upload_file(pdf_bytes("Order"), "order.pdf"),
    }


def _field_tag(html: str, name: str) -> str:
    found = re.search(rf'<(?:input|textarea|select)\b[^>]*\bname="{name}"[^>]*>', html)
    assert found is not None, f"no field {name}"
    return found.group(0)


@pytest.mark.parametrize("operation", list(CONTRACTS))
def test_the_api_refuses_one_character_over_the_limit_naming_the_field(
    fronts: Fronts, operation: str
) -> None:
    contract = CONTRACTS[operation]

    response = contract.api(fronts, "x" * (contract.limit + 1))

    assert response.status_code == 400
    assert error_of(response)["fields"] == {contract.field: [f"At most {contract.limit} characters."]}


@pytest.mark.parametrize("operation", list(CONTRACTS))
def test_the_page_refuses_one_character_over_the_limit_beside_the_field(
    fronts: Fronts, operation: str
) -> None:
    contract = CONTRACTS[operation]

    response = contract.page(fronts, "x" * (contract.limit + 1))

    assert response.status_code == 400
    name = contract.page_name or re.escape(contract.field)
    assert 'aria-invalid="true"' in _field_tag(response.content.decode(), name)
    assert f"At most {contract.limit} characters." in text(response)


def test_a_task_due_outside_the_supported_years_is_refused_beside_the_field(fronts: Fronts) -> None:
    response = fronts.browser_as(fronts.lead.caseworker).post(
        f"/cases/{fronts.case.pk}/tasks/",
        {"title": "Call school", "due_at": "2500-01-01T09:00", "priority": "normal"},
    )

    assert response.status_code == 400
    assert 'aria-invalid="true"' in _field_tag(response.content.decode(), "due_at")
    assert str(OUT_OF_RANGE_MESSAGE) in text(response)
