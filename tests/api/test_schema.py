"""The OpenAPI document: served, valid, free of generator warnings, and covering API.md."""

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

API_MD_OPERATIONS = {
    ("post", "/api/v1/auth/token/"),
    ("delete", "/api/v1/auth/token/"),
    ("get", "/api/v1/me/"),
    # Extension of API.md: the caller chooses their language (docs/translation.md).
    ("patch", "/api/v1/me/"),
    # Extension of API.md: the caller's own email choices ("per user preference", DOMAIN.md).
    ("get", "/api/v1/me/notification-preferences/"),
    ("patch", "/api/v1/me/notification-preferences/"),
    ("get", "/api/v1/agencies/"),
    ("post", "/api/v1/agencies/"),
    ("get", "/api/v1/users/"),
    ("post", "/api/v1/users/"),
    ("get", "/api/v1/cases/"),
    ("post", "/api/v1/cases/"),
    ("get", "/api/v1/cases/{case_id}/"),
    ("patch", "/api/v1/cases/{case_id}/"),
    ("get", "/api/v1/cases/{case_id}/participants/"),
    ("post", "/api/v1/cases/{case_id}/participants/"),
    ("get", "/api/v1/cases/{case_id}/grants/"),
    ("post", "/api/v1/cases/{case_id}/grants/"),
    ("delete", "/api/v1/cases/{case_id}/grants/{grant_id}/"),
    ("get", "/api/v1/cases/{case_id}/consents/"),
    ("post", "/api/v1/cases/{case_id}/consents/"),
    ("post", "/api/v1/cases/{case_id}/consents/{consent_id}/revoke/"),
    ("get", "/api/v1/cases/{case_id}/notes/"),
    ("post", "/api/v1/cases/{case_id}/notes/"),
    ("get", "/api/v1/cases/{case_id}/events/"),
    ("post", "/api/v1/cases/{case_id}/events/"),
    # Extensions of API.md (issue 13): correcting and voiding a wrongly recorded event.
    ("post", "/api/v1/cases/{case_id}/events/{event_id}/correct/"),
    ("post", "/api/v1/cases/{case_id}/events/{event_id}/void/"),
    ("get", "/api/v1/cases/{case_id}/closures/"),
    ("post", "/api/v1/cases/{case_id}/closures/"),
    ("get", "/api/v1/cases/{case_id}/closure-blockers/"),
    ("post", "/api/v1/cases/{case_id}/closures/{closure_id}/approve/"),
    ("post", "/api/v1/cases/{case_id}/closures/{closure_id}/return/"),
    ("post", "/api/v1/cases/{case_id}/closures/{closure_id}/withdraw/"),
    ("post", "/api/v1/cases/{case_id}/reopen/"),
    # Documents (issue 17): files are multipart in and binary out.
    ("get", "/api/v1/cases/{case_id}/documents/"),
    ("post", "/api/v1/cases/{case_id}/documents/"),
    ("get", "/api/v1/cases/{case_id}/documents/{document_id}/"),
    ("post", "/api/v1/cases/{case_id}/documents/{document_id}/versions/"),
    ("get", "/api/v1/cases/{case_id}/documents/{document_id}/download/"),
    ("get", "/api/v1/cases/{case_id}/documents/{document_id}/versions/{number}/download/"),
    ("get", "/api/v1/cases/{case_id}/relief/"),
    ("post", "/api/v1/cases/{case_id}/relief/"),
    ("get", "/api/v1/cases/{case_id}/relief/{record_id}/"),
    ("patch", "/api/v1/cases/{case_id}/relief/{record_id}/"),
    ("post", "/api/v1/cases/{case_id}/relief/{record_id}/request/"),
    # Extensions of API.md (issue 16): court, dependency hearings (core) and the criminal case
    # (investigation).
    ("get", "/api/v1/cases/{case_id}/hearings/"),
    ("post", "/api/v1/cases/{case_id}/hearings/"),
    ("get", "/api/v1/cases/{case_id}/hearings/{hearing_id}/"),
    ("patch", "/api/v1/cases/{case_id}/hearings/{hearing_id}/"),
    ("get", "/api/v1/cases/{case_id}/criminal-cases/"),
    ("post", "/api/v1/cases/{case_id}/criminal-cases/"),
    ("get", "/api/v1/cases/{case_id}/criminal-cases/{criminal_case_id}/"),
    ("patch", "/api/v1/cases/{case_id}/criminal-cases/{criminal_case_id}/"),
    ("get", "/api/v1/cases/{case_id}/defendants/"),
    ("post", "/api/v1/cases/{case_id}/defendants/"),
    ("post", "/api/v1/cases/{case_id}/defendants/{defendant_id}/sentence/"),
    ("get", "/api/v1/cases/{case_id}/charges/"),
    ("post", "/api/v1/cases/{case_id}/charges/"),
    ("get", "/api/v1/cases/{case_id}/proceedings/"),
    ("post", "/api/v1/cases/{case_id}/proceedings/"),
    ("get", "/api/v1/cases/{case_id}/custody-events/"),
    ("post", "/api/v1/cases/{case_id}/custody-events/"),
    ("get", "/api/v1/cases/{case_id}/restitution-orders/"),
    ("post", "/api/v1/cases/{case_id}/restitution-orders/"),
    ("get", "/api/v1/cases/{case_id}/restitution-payments/"),
    ("post", "/api/v1/cases/{case_id}/restitution-payments/"),
    ("get", "/api/v1/cases/{case_id}/timeline/"),
    # Extensions of API.md (issue 15): the exploitation profile and links between cases.
    ("get", "/api/v1/cases/{case_id}/exploitation-profile/"),
    ("patch", "/api/v1/cases/{case_id}/exploitation-profile/"),
    ("get", "/api/v1/cases/{case_id}/links/"),
    ("post", "/api/v1/cases/{case_id}/links/"),
    ("delete", "/api/v1/cases/{case_id}/links/{link_id}/"),
    ("get", "/api/v1/cases/{case_id}/sibling-group/"),
    # Extension of API.md (issue 18): a case's possible matches and asking to compare one.
    ("get", "/api/v1/cases/{case_id}/possible-matches/"),
    ("post", "/api/v1/cases/{case_id}/possible-matches/ask/"),
    ("get", "/api/v1/match-reviews/{handoff_id}/"),
    ("post", "/api/v1/match-reviews/{handoff_id}/confirm/"),
    ("post", "/api/v1/match-reviews/{handoff_id}/reject/"),
    ("post", "/api/v1/match-reviews/{handoff_id}/invite/"),
    ("get", "/api/v1/comparisons/{handoff_id}/merge/"),
    ("post", "/api/v1/comparisons/{handoff_id}/merge/"),
    ("post", "/api/v1/comparisons/{handoff_id}/merge/agree/"),
    ("post", "/api/v1/comparisons/{handoff_id}/merge/decline/"),
    ("get", "/api/v1/cases/{case_id}/access-log/"),
    # Extensions of API.md (docs/security.md): the disclosure history and break-glass.
    ("get", "/api/v1/cases/{case_id}/access-log/disclosures/"),
    ("post", "/api/v1/cases/{case_id}/break-glass/"),
    ("get", "/api/v1/tasks/"),
    ("post", "/api/v1/tasks/"),
    ("get", "/api/v1/tasks/{task_id}/"),
    ("patch", "/api/v1/tasks/{task_id}/"),
    ("post", "/api/v1/tasks/{task_id}/complete/"),
    ("post", "/api/v1/tasks/{task_id}/reopen/"),
    ("get", "/api/v1/handoffs/"),
    ("post", "/api/v1/handoffs/"),
    ("post", "/api/v1/handoffs/{handoff_id}/accept/"),
    ("post", "/api/v1/handoffs/{handoff_id}/decline/"),
    ("post", "/api/v1/handoffs/{handoff_id}/approve/"),
    ("post", "/api/v1/handoffs/{handoff_id}/withdraw/"),
    ("get", "/api/v1/notifications/"),
    ("post", "/api/v1/notifications/{notification_id}/read/"),
    ("post", "/api/v1/notifications/read-all/"),
    ("get", "/api/v1/deadline-templates/"),
    ("get", "/api/v1/dashboard/"),
    # Extensions of API.md (issue 15): screening instruments, screenings, trafficking status.
    ("get", "/api/v1/screening-instruments/"),
    ("get", "/api/v1/screening-instruments/{instrument_id}/"),
    ("get", "/api/v1/cases/{case_id}/screenings/"),
    ("post", "/api/v1/cases/{case_id}/screenings/"),
    ("get", "/api/v1/cases/{case_id}/screenings/{screening_id}/"),
    ("get", "/api/v1/cases/{case_id}/trafficking-status/"),
    ("post", "/api/v1/cases/{case_id}/trafficking-status/"),
    # Extensions of API.md (issue 16): service referrals and service types.
    ("get", "/api/v1/service-types/"),
    ("get", "/api/v1/cases/{case_id}/referrals/"),
    ("post", "/api/v1/cases/{case_id}/referrals/"),
    ("get", "/api/v1/referrals/"),
    ("get", "/api/v1/referrals/{referral_id}/"),
    ("patch", "/api/v1/referrals/{referral_id}/"),
    ("post", "/api/v1/referrals/{referral_id}/accept/"),
    ("post", "/api/v1/referrals/{referral_id}/decline/"),
    ("post", "/api/v1/referrals/{referral_id}/withdraw/"),
    ("post", "/api/v1/referrals/{referral_id}/outcome/"),
    ("get", "/api/v1/referrals/{referral_id}/sessions/"),
    ("post", "/api/v1/referrals/{referral_id}/sessions/"),
    # Extensions of API.md (issue 16): the case plan and its approval.
    ("get", "/api/v1/cases/{case_id}/plan/"),
    ("post", "/api/v1/cases/{case_id}/plan/goals/"),
    ("patch", "/api/v1/cases/{case_id}/plan/goals/{goal_id}/"),
    ("post", "/api/v1/cases/{case_id}/plan/goals/{goal_id}/actions/"),
    ("patch", "/api/v1/cases/{case_id}/plan/actions/{action_id}/"),
    ("post", "/api/v1/cases/{case_id}/plan/submit/"),
    ("get", "/api/v1/cases/{case_id}/plan/submissions/"),
    ("get", "/api/v1/plan-submissions/"),
    ("post", "/api/v1/plan-submissions/{submission_id}/approve/"),
    ("post", "/api/v1/plan-submissions/{submission_id}/return/"),
    # Extensions of API.md (issue 17): the case summary PDF, case list exports, copies taken.
    ("get", "/api/v1/cases/{case_id}/summary.pdf"),
    ("get", "/api/v1/cases/{case_id}/consents/{consent_id}/form.pdf"),
    ("get", "/api/v1/cases/export.csv"),
    ("get", "/api/v1/cases/export.xlsx"),
    ("get", "/api/v1/cases/{case_id}/copies/"),
}


@pytest.fixture
def signed_in(lead):
    client = Client()
    client.force_login(lead.caseworker)
    return client


@pytest.fixture
def document(signed_in):
    response = signed_in.get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_validates_without_generator_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_schema_covers_every_operation_of_api_md(document):
    operations = {(method, path) for path, item in document["paths"].items() for method in item}

    assert operations == API_MD_OPERATIONS


def test_every_operation_documents_the_error_shape(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status in ("401", "403", "404"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_patch_operations_require_if_match_and_document_412_and_428(document):
    for path in ("/api/v1/cases/{case_id}/", "/api/v1/tasks/{task_id}/"):
        patch = document["paths"][path]["patch"]
        (if_match,) = [p for p in patch["parameters"] if p["name"] == "If-Match"]
        assert (if_match["in"], if_match["required"]) == ("header", True)
        assert {"412", "428"} <= set(patch["responses"])


def test_an_edit_without_a_version_documents_no_if_match_answers(document):
    patch = document["paths"]["/api/v1/me/notification-preferences/"]["patch"]

    assert [p for p in patch.get("parameters", []) if p["name"] == "If-Match"] == []
    assert {"412", "428"}.isdisjoint(patch["responses"])
    assert {"400", "401"} <= set(patch["responses"])


def test_the_case_search_parameter_says_what_it_matches_and_for_whom(document):
    parameters = document["paths"]["/api/v1/cases/"]["get"]["parameters"]
    q = next(parameter for parameter in parameters if parameter["name"] == "q")

    assert "ignoring case, spaces and punctuation" in q["description"]
    assert "legal name or an alias, on the cases where your agency may read `identity`" in q["description"]


def test_case_sections_are_optional_in_the_case_shape(document):
    case = document["components"]["schemas"]["CaseDetail"]

    assert {"identity", "location", "legal"} <= set(case["properties"])
    assert {"identity", "location", "legal"}.isdisjoint(case["required"])


def test_docs_page_renders_the_schema(signed_in):
    page = signed_in.get("/api/v1/docs/")
    script = signed_in.get("/api/v1/docs/", {"script": ""})

    assert page.status_code == 200
    assert b'<script src="/api/v1/docs/?script="></script>' in page.content
    assert b"/api/v1/schema/" in script.content


def test_docs_page_loads_its_scripts_from_this_server_not_a_cdn(signed_in):
    body = signed_in.get("/api/v1/docs/").content.decode()

    assert "cdn." not in body
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in body


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/docs/"])
def test_the_schema_and_docs_need_sign_in(path):
    response = Client().get(path)

    assert response.status_code == 401
    assert b"/cases/" not in response.content


def test_api_responses_are_never_stored(api_as, lead, case):
    found = api_as(lead.caseworker).get(f"cases/{case.pk}/")
    missing = api_as(lead.caseworker).get("cases/00000000-0000-0000-0000-000000000000/")
    unrouted = api_as(lead.caseworker).get("no-such-thing/")

    for response in (found, missing, unrouted):
        assert "no-store" in response.headers["Cache-Control"], response.status_code
