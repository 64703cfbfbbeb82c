"""The case summary PDF: only what its reader may read (checked in the PDF's text), its options,
its header and footer, its audit, and its purpose."""

import pytest

from agencies.models import Role
from audit.models import AuditRecord
from casework.sections import Section
from common.errors import NotFound, ValidationFailed
from exports.services import PURPOSE_MAX_LENGTH, case_summary_pdf
from tests.exports.conftest import PARTNER_KINDS, marker, pdf_text

pytestmark = pytest.mark.django_db

# What each agency kind reads on a case led by child welfare: its default grants and the sections it
# stewards (victim services keeps health records too) (DOMAIN.md, "A case and its sections"),
# written from the brief, not asked of the access layer.
READS = {
    "child_welfare": {"core", "identity", "location", "immigration", "health"},
    "law_enforcement": {"core", "identity", "investigation"},
    "immigration": {"core", "identity", "investigation"},
    "legal_advocate": {"core", "identity", "immigration", "legal"},
    "victim_services": {"core", "identity", "services", "health"},
    "prosecution": {"core", "identity", "investigation"},
}
CASE_ROLES = (Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR)
SECTION_HEADINGS = {section: str(Section(section).label) for section in Section.values if section != "core"}


def summary(user, case, **options):
    chosen = {"include_notes": True, "include_timeline": True, "mask_legal_name": False, **options}
    purpose = chosen.pop("purpose", "Court hearing on 12 March")
    return case_summary_pdf(actor=user, case_id=case.pk, purpose=purpose, **chosen)


@pytest.mark.parametrize("role", CASE_ROLES)
@pytest.mark.parametrize("kind", sorted(READS))
def test_a_summary_carries_every_section_its_reader_reads_and_nothing_of_the_others(world, kind, role):
    text = pdf_text(summary(world.staff[kind].by_role(role), world.case).content)

    for section in Section.values:
        shown = {marker(section, where) in text for where in ("N", "T")}
        if section != Section.CORE:
            shown.add(marker(section, "F") in text)
        assert shown == {section in READS[kind]}, (kind, role, section)


@pytest.mark.parametrize("kind", sorted(PARTNER_KINDS))
def test_a_section_the_reader_may_not_read_is_absent_even_by_name(world, kind):
    text = pdf_text(summary(world.staff[kind].liaison, world.case).content)

    for section, heading in SECTION_HEADINGS.items():
        if section not in READS[kind]:
            assert heading not in text.splitlines(), (kind, section)


def test_agencies_outside_the_case_and_agency_admins_are_told_it_does_not_exist(world, unrelated):
    for user in (unrelated.liaison, world.staff["child_welfare"].admin):
        with pytest.raises(NotFound):
            summary(user, world.case)
    assert not AuditRecord.objects.filter(event_type__startswith="copy.").exists()


def test_the_header_names_who_took_it_when_and_why(world):
    lead = world.staff["child_welfare"]
    lead.liaison.first_name, lead.liaison.last_name = "Dana", "Ortiz"
    lead.liaison.save()

    text = pdf_text(summary(lead.liaison, world.case, purpose="Permanency hearing, Judge Lee").content)

    assert "Exported by Dana Ortiz, Harris County CPS" in text
    assert "Purpose Permanency hearing, Judge Lee" in text
    assert "CST" in text or "CDT" in text
    assert f"Case summary: {world.case.number}" in text


def test_every_page_says_it_is_confidential_and_names_the_laws(world):
    text = pdf_text(summary(world.staff["child_welfare"].liaison, world.case).content)

    assert text.count("Confidential: contains information protected under") == text.count("Page ")
    for law in ("34 U.S.C. 12291(b)(2)", "8 U.S.C. 1367", "42 CFR Part 2", "CJIS Security Policy"):
        assert law in text
    assert "Page 1 of" in text


def test_masking_shortens_the_legal_name_and_aliases_to_initials(world):
    text = pdf_text(summary(world.staff["child_welfare"].liaison, world.case, mask_legal_name=True).content)

    assert "Ana María Rivera" not in text
    assert "Anita Ruiz" not in text
    assert "A. M. R." in text
    assert "A. R." in text


def test_without_masking_the_legal_name_is_printed(world):
    text = pdf_text(summary(world.staff["child_welfare"].liaison, world.case).content)

    assert "Ana María Rivera" in text


def test_notes_and_timeline_are_left_out_when_not_asked_for(world):
    lead = world.staff["child_welfare"]

    text = pdf_text(summary(lead.liaison, world.case, include_notes=False, include_timeline=False).content)

    assert marker("identity", "F") in text
    assert marker("identity", "N") not in text
    assert marker("core", "T") not in text
    assert "Timeline" not in text


def test_a_summary_is_audited_as_a_read_of_what_it_carried_and_as_a_copy(world):
    reader = world.staff["law_enforcement"].liaison

    summary(reader, world.case, mask_legal_name=True, include_timeline=False)

    reads = AuditRecord.objects.filter(case_id=world.case.pk, user=reader, detail__view="case_summary")
    assert sorted(reads.values_list("section", flat=True)) == ["core", "identity", "investigation"]
    copy = AuditRecord.objects.get(case_id=world.case.pk, event_type="copy.case_summary")
    assert copy.user == reader
    assert copy.agency == reader.agency
    assert copy.detail["sections"] == ["core", "identity", "investigation"]
    assert copy.detail["purpose"] == "Court hearing on 12 March"
    assert (copy.detail["notes"], copy.detail["timeline"], copy.detail["name_masked"]) == (True, False, True)


@pytest.mark.parametrize(
    ("purpose", "message"),
    [("", "Say why"), ("   ", "Say why"), ("x" * (PURPOSE_MAX_LENGTH + 1), f"At most {PURPOSE_MAX_LENGTH}")],
)
def test_a_summary_needs_a_purpose_within_its_limit(world, purpose, message):
    with pytest.raises(ValidationFailed) as raised:
        summary(world.staff["child_welfare"].liaison, world.case, purpose=purpose)

    assert message in raised.value.fields["purpose"][0]
    assert not AuditRecord.objects.filter(event_type__startswith="copy.").exists()


def test_a_purpose_at_its_limit_is_printed(world):
    purpose = "p" * PURPOSE_MAX_LENGTH

    summary(world.staff["child_welfare"].liaison, world.case, purpose=purpose)

    assert AuditRecord.objects.get(event_type="copy.case_summary").detail["purpose"] == purpose
