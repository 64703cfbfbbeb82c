"""Shared fixtures: three agencies as in STYLE.md — the lead agency of a case, a partner it
shared the case with, and an unrelated agency that must get not-found everywhere."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.utils import timezone, translation

from agencies.models import Agency, AgencyKind, Role, User
from casework.models import Case, DeadlineTemplate, TraffickingStatus
from casework.services.sharing import participant_invite
from documents.models import DocumentType
from matching.models import Nickname
from referrals.models import ServiceType
from screening.models import Instrument
from tests.factories import (
    AgencyFactory,
    PlatformAdminFactory,
    UserFactory,
    federal_deadline_templates,
    open_case,
    sample_screening_instrument,
    shipped_document_types,
    shipped_nicknames,
    shipped_service_types,
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `replica` need a streaming replica; scripts/test runs them under
    scripts/replica, and without one they are skipped, not failed."""
    if "replica" in settings.DATABASES:
        return
    skip = pytest.mark.skip(reason="no replica configured (REPLICA_DATABASE_URL); run under scripts/replica")
    for item in items:
        if item.get_closest_marker("replica") is not None:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: LocaleMiddleware activates a request's language
    for the thread and leaves it there (a server's next request sets its own)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _shipped_deadline_templates(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush every table, the data migrations' templates and sample screening
    instrument included; put them back so each database test starts from what a migrated
    deployment has."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not DeadlineTemplate.objects.filter(jurisdiction="US").exists():
        federal_deadline_templates()
    if not Instrument.objects.exists():
        sample_screening_instrument()
    if not ServiceType.objects.exists():
        shipped_service_types()
    if not Nickname.objects.exists():
        shipped_nicknames()
    if not DocumentType.objects.exists():
        shipped_document_types()


@dataclass
class Staff:
    agency: Agency
    caseworker: User
    liaison: User
    supervisor: User
    admin: User

    def by_role(self, role: str) -> User:
        return {
            Role.CASEWORKER: self.caseworker,
            Role.LIAISON: self.liaison,
            Role.SUPERVISOR: self.supervisor,
            Role.AGENCY_ADMIN: self.admin,
        }[role]


def make_staff(*, kind: str, name: str) -> Staff:
    agency = AgencyFactory(kind=kind, name=name)
    return Staff(
        agency=agency,
        caseworker=UserFactory(agency=agency, role=Role.CASEWORKER),
        liaison=UserFactory(agency=agency, role=Role.LIAISON),
        supervisor=UserFactory(agency=agency, role=Role.SUPERVISOR),
        admin=UserFactory(agency=agency, role=Role.AGENCY_ADMIN),
    )


@pytest.fixture
def lead() -> Staff:
    return make_staff(kind=AgencyKind.CHILD_WELFARE, name="Harris County CPS")


@pytest.fixture
def partner() -> Staff:
    return make_staff(kind=AgencyKind.LAW_ENFORCEMENT, name="Houston Police Department")


@pytest.fixture
def unrelated() -> Staff:
    return make_staff(kind=AgencyKind.CHILD_WELFARE, name="Dallas County CPS")


@pytest.fixture
def platform_admin() -> User:
    return PlatformAdminFactory()


@pytest.fixture
def suspected_victim(case: Case) -> Case:
    """The case, its child a suspected victim: whose exploitation profile may be recorded."""
    Case.objects.filter(pk=case.pk).update(
        trafficking_status=TraffickingStatus.SUSPECTED, trafficking_status_changed_at=timezone.now()
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def case(lead: Staff) -> Case:
    """A case the lead agency's caseworker opened, with identity and location recorded."""
    return open_case(
        actor=lead.caseworker,
        pseudonym="M.R.",
        age_band="15-17",
        sections={
            "identity": {"legal_name": "Maria Rivera", "date_of_birth": "2010-04-02", "languages": ["es"]},
            "location": {"placement_type": "foster_family", "address": "12 Elm Street", "school": "Lee High"},
        },
    )


@pytest.fixture
def shared_case(case: Case, lead: Staff, partner: Staff) -> Case:
    """The case with the partner agency invited."""
    participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
    return case
