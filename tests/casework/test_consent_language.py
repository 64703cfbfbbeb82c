"""A consent records the language it was explained in and who interpreted it, if anyone did:
consent is informed only in a language the child and guardian read."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework.models import Consent
from casework.services.sharing import consent_record
from common.errors import ValidationFailed
from tests.api.conftest import Api, body, error_of

pytestmark = pytest.mark.django_db


def consent_body(recipient, **extra):
    return {
        "recipient_agency": recipient.pk,
        "sections": ["location"],
        "purpose": "Safety planning",
        "signed_by": "Child and guardian",
        "signed_on": timezone.localdate().isoformat(),
        **extra,
    }


def test_the_language_and_the_interpreter_are_recorded(shared_case, lead, partner):
    consent = consent_record(
        actor=lead.liaison,
        case=shared_case,
        recipient_agency=partner.agency,
        sections=["location"],
        purpose="Safety planning",
        signed_by="Child and guardian",
        signed_on=timezone.localdate(),
        explained_in=" Spanish ",
        interpreter="LanguageLine, call 55-1024",
    )

    consent.refresh_from_db()
    assert (consent.explained_in, consent.interpreter) == ("Spanish", "LanguageLine, call 55-1024")


def test_a_consent_recorded_without_them_keeps_them_empty(shared_case, lead, partner):
    response = Api(lead.liaison).post(f"cases/{shared_case.pk}/consents/", consent_body(partner.agency))

    assert response.status_code == 201
    assert (body(response)["explained_in"], body(response)["interpreter"]) == ("", "")


def test_the_api_records_and_returns_them(shared_case, lead, partner):
    api = Api(lead.liaison)
    api.post(
        f"cases/{shared_case.pk}/consents/",
        consent_body(partner.agency, explained_in="K'iche'", interpreter="Rosa M., court interpreter"),
    )

    [listed] = body(api.get(f"cases/{shared_case.pk}/consents/"))["results"]

    assert (listed["explained_in"], listed["interpreter"]) == ("K'iche'", "Rosa M., court interpreter")


def test_a_language_longer_than_allowed_is_refused_on_its_field(shared_case, lead, partner):
    response = Api(lead.liaison).post(
        f"cases/{shared_case.pk}/consents/", consent_body(partner.agency, explained_in="x" * 65)
    )

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["explained_in"]
    assert not Consent.objects.exists()


def test_the_service_refuses_an_interpreter_longer_than_allowed(shared_case, lead, partner):
    with pytest.raises(ValidationFailed) as refused:
        consent_record(
            actor=lead.liaison,
            case=shared_case,
            recipient_agency=partner.agency,
            sections=["location"],
            purpose="Safety planning",
            signed_by="Child and guardian",
            signed_on=timezone.localdate(),
            interpreter="x" * 201,
        )

    assert list(refused.value.fields) == ["interpreter"]


def test_the_sharing_page_records_and_shows_them(shared_case, lead, partner):
    client = Client()
    client.force_login(lead.liaison)
    form = {
        **consent_body(partner.agency, explained_in="Spanish", interpreter="Ana P."),
        "signer_capacity": "child",
    }

    response = client.post(reverse("web:case-consent-add", args=[shared_case.pk]), form, follow=True)

    page = response.content.decode()
    assert "explained in Spanish, interpreted by Ana P." in page
