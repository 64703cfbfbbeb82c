"""A case led by child welfare with a partner of every other agency kind taking part (each
partner's caseworker on the case team), and a marker in every section, in a note of every section
and in a timeline line of every section."""

import io
from dataclasses import dataclass

import pytest
from django.utils import timezone
from pypdf import PdfReader

from agencies.models import AgencyKind
from casework.models import SECTION_MODELS, Case, Note, TimelineEvent
from casework.sections import DATA_SECTIONS, Section
from casework.services.sharing import participant_invite, team_member_add
from tests.conftest import Staff, make_staff
from tests.factories import open_case

# A text field of each data section, to plant its marker in.
MARKED_FIELDS = {
    Section.IDENTITY: "guardian",
    Section.LOCATION: "address",
    Section.IMMIGRATION: "nationality",
    Section.INVESTIGATION: "summary",
    Section.HEALTH: "summary",
    Section.SERVICES: "safety_plan",
    Section.LEGAL: "summary",
}
PARTNER_KINDS = {
    AgencyKind.LAW_ENFORCEMENT: "Houston Police Department",
    AgencyKind.IMMIGRATION: "Homeland Security Investigations Houston",
    AgencyKind.LEGAL_ADVOCATE: "Harris County Legal Aid",
    AgencyKind.VICTIM_SERVICES: "Bay Area Turning Point",
    AgencyKind.PROSECUTION: "Harris County District Attorney",
}


def marker(section: str, where: str) -> str:
    return f"MK{section.upper()}{where.upper()}X"


def pdf_text(content: bytes) -> str:
    """Every page's text, joined, as a reader of the printed summary reads it."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


@dataclass
class World:
    case: Case
    staff: dict[str, Staff]


@pytest.fixture
def world(lead: Staff) -> World:
    case = open_case(
        actor=lead.caseworker,
        pseudonym="A.R.",
        age_band="15-17",
        sections={"identity": {"legal_name": "Ana María Rivera", "aliases": ["Anita Ruiz"]}},
    )
    staff = {AgencyKind.CHILD_WELFARE.value: lead}
    for kind, name in PARTNER_KINDS.items():
        partner = make_staff(kind=kind, name=name)
        participant_invite(actor=lead.liaison, case=case, agency=partner.agency)
        team_member_add(actor=partner.liaison, case=case, member=partner.caseworker)
        staff[kind.value] = partner
    for section in DATA_SECTIONS:
        SECTION_MODELS[section].objects.filter(case=case).update(
            **{MARKED_FIELDS[section]: marker(section, "F")}
        )
    for section in Section.values:
        Note.objects.create(
            case=case, section=section, body=marker(section, "N"), author=lead.caseworker, agency=lead.agency
        )
        TimelineEvent.objects.create(
            case=case,
            occurred_at=timezone.now(),
            kind="note_added",
            section=section,
            summary=marker(section, "T"),
        )
    case.refresh_from_db()
    return World(case=case, staff=staff)
