import re
from io import StringIO

import pytest
from django.core.management import call_command

from agencies.models import Agency, AgencyKind, Role, User
from audit.models import AuditRecord
from casework.models import Case, Note, SectionGrant, Task, TimelineEvent
from exploitation.models import ExploitationProfile
from links.models import CaseLink
from matching.services import possible_matches_check

pytestmark = pytest.mark.django_db


def test_demo_has_an_agency_of_each_kind_and_a_user_for_every_role(capsys):
    call_command("load_demo")

    assert sorted(Agency.objects.values_list("kind", flat=True)) == sorted(AgencyKind.values)
    for agency in Agency.objects.all():
        assert sorted(User.objects.filter(agency=agency).values_list("role", flat=True)) == sorted(
            Role.values
        )
    assert "cps-caseworker" in capsys.readouterr().out


def test_demo_has_eighteen_cases_with_overdue_and_upcoming_tasks():
    from django.utils import timezone

    call_command("load_demo", stdout=StringIO())

    now = timezone.now()
    assert Case.objects.count() == 18
    assert Task.objects.filter(due_at__lt=now).count() >= 3
    assert Task.objects.filter(due_at__gt=now + timezone.timedelta(days=5)).count() >= 3


def test_loading_the_demo_twice_changes_nothing():
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())

    assert Case.objects.count() == 18


def test_demo_has_pending_handoffs_one_awaiting_approval_and_statutory_tasks_from_recorded_events():
    from casework.models import Handoff

    call_command("load_demo", stdout=StringIO())

    # Two task handoffs, and the T-visa declaration asked of HSI on R.P.'s relief pathway (service
    # referrals' handoffs are counted in tests/referrals/test_demo.py), and the police's request to
    # compare L.H. with a case children's services leads.
    assert Handoff.objects.filter(status="pending", referral__isnull=True).count() == 4
    assert Handoff.objects.filter(status="pending", kind="match_review").count() == 1
    [awaiting] = Handoff.objects.filter(status="awaiting_approval", referral__isnull=True).select_related(
        "case__lead_agency", "created_by", "to_agency"
    )
    assert (awaiting.case.lead_agency.name, awaiting.created_by.username, awaiting.to_agency.name) == (
        "Lakeview County Children's Services",
        "pd-caseworker",
        "HSI Lakeview Field Office",
    )
    assert not awaiting.case.participants.filter(agency=awaiting.to_agency).exists()
    statutory = set(Task.objects.filter(template__isnull=False).values_list("template__key", flat=True))
    assert len(statutory) >= 6


# Facts of the immigration section (8 U.S.C. 1367): status, visas, SIJS, Continued Presence, HHS letters.
IMMIGRATION_FACTS = re.compile(
    r"visa|\bSIJ|special immigrant|continued presence|immigra|undocumented|foreign.national|nationality"
    r"|asylum|I-918|I-360|OTIP|eligibility letter|deport",
    re.IGNORECASE,
)


def test_demo_writes_no_immigration_fact_into_what_every_participant_reads():
    call_command("load_demo", stdout=StringIO())

    core = {
        "notes": Note.objects.filter(section="core").values_list("body", flat=True),
        "timeline": TimelineEvent.objects.filter(section="core").values_list("summary", flat=True),
        "tasks": Task.objects.filter(section="core").values_list("title", flat=True),
    }
    assert {
        name: [text for text in texts if IMMIGRATION_FACTS.search(text)] for name, texts in core.items()
    } == {
        "notes": [],
        "timeline": [],
        "tasks": [],
    }


def test_demo_keeps_its_immigration_facts_in_immigration_notes():
    call_command("load_demo", stdout=StringIO())

    notes = Note.objects.filter(section="immigration").values_list("body", flat=True)
    assert len([body for body in notes if IMMIGRATION_FACTS.search(body)]) == 4


def test_demo_has_a_labour_trafficking_profile_and_a_sibling_pair():
    call_command("load_demo", stdout=StringIO())

    labour = ExploitationProfile.objects.get(type_of_exploitation=["labour"])
    assert (labour.case.pseudonym, labour.industry) == ("R.P.", "agriculture")
    link = CaseLink.objects.get()
    assert (link.kind, {link.case_a.pseudonym, link.case_b.pseudonym}) == ("sibling", {"A.N.", "M.H."})


def test_the_demo_consent_signed_by_a_guardian_ad_litem_still_shares_with_the_center():
    call_command("load_demo", stdout=StringIO())

    grant = SectionGrant.objects.get(
        case__pseudonym="A.N.", agency__kind="victim_services", section="location"
    )
    assert grant.ended_at is None


def test_demo_has_a_closed_case_and_a_reopened_one():
    call_command("load_demo", stdout=StringIO())

    closed = Case.objects.get(pseudonym="T.W.")
    reopened = Case.objects.get(pseudonym="D.S.")
    assert closed.status == "closed"
    assert reopened.status == "open"
    assert reopened.closures.get().reopen_reason.startswith("He came back")


def test_demo_has_a_criminal_case_from_charges_to_sentencing_with_restitution_and_a_release():
    from decimal import Decimal

    from casework.access import get_case_access
    from court.models import CriminalCase, CustodyEvent, DependencyHearing
    from court.selectors import restitution_orders_for

    call_command("load_demo", stdout=StringIO())

    criminal = CriminalCase.objects.select_related("case", "prosecuting_agency").get()
    assert (criminal.case.pseudonym, criminal.status, criminal.prosecuting_agency.name) == (
        "A.N.",
        "sentenced",
        "Lakeview County District Attorney's Office",
    )
    assert sorted(DependencyHearing.objects.values_list("outcome", flat=True)) == ["held", "pending"]
    coordinator = User.objects.get(username="da-liaison")
    [order] = restitution_orders_for(access=get_case_access(user=coordinator, case_id=criminal.case_id))
    assert (order.amount, order.balance) == (Decimal("18500.00"), Decimal("18125.00"))
    assert CustodyEvent.objects.filter(kind="released").count() == 1
    [notice] = Task.objects.filter(
        template__key="notify-victim-defendant-released", status="open"
    ).select_related("owner_agency")
    assert notice.owner_agency.name == "Lakeview County District Attorney's Office"


def test_the_demo_has_an_approved_plan_and_one_awaiting_the_cps_supervisor():
    from plans.models import CasePlan, Decision, PlanAction, PlanSubmission

    call_command("load_demo", stdout=StringIO())

    approved = CasePlan.objects.get(case__pseudonym="J.T.")
    assert approved.status == "approved"
    assert sorted(PlanAction.objects.filter(goal__plan=approved).values_list("task__section", flat=True)) == [
        "core",
        "core",
        "health",
    ]
    awaiting = PlanSubmission.objects.get(plan__case__pseudonym="A.N.", decision=Decision.PENDING)
    assert awaiting.approver.username == "cps-supervisor"
    returned = PlanSubmission.objects.get(plan__case__pseudonym="A.N.", decision=Decision.RETURNED)
    assert returned.comments


def test_the_demo_documents_are_encrypted_pdfs_that_open_in_their_sections():
    from documents.models import Document
    from documents.services import document_version_download

    call_command("load_demo", stdout=StringIO())

    an = Case.objects.get(pseudonym="A.N.")
    documents = Document.objects.filter(case=an)
    assert sorted(documents.values_list("document_type__key", "section")) == [
        ("consent_form", "location"),
        ("identity_document", "identity"),
        ("medical_record", "health"),
        ("placement_agreement", "location"),
        ("predicate_order", "immigration"),
    ]
    reader = User.objects.get(username="cps-supervisor")
    for document in documents.exclude(section="immigration"):
        assert document_version_download(actor=reader, document=document).content.startswith(b"%PDF-1.4")


def test_the_demo_has_copies_taken_of_a_case_and_a_case_list():
    call_command("load_demo", stdout=StringIO())

    an = Case.objects.get(pseudonym="A.N.")
    summaries = AuditRecord.objects.filter(case_id=an.pk, event_type="copy.case_summary")
    assert sorted(record.detail["purpose"][:8] for record in summaries) == ["Permanen", "Planning"]
    assert AuditRecord.objects.filter(event_type="copy.case_list").count() >= 5


def test_the_police_are_told_of_children_services_case_of_the_same_runaway_and_nothing_else():
    call_command("load_demo", stdout=StringIO())
    police = User.objects.get(username="pd-liaison")
    case = Case.objects.get(pseudonym="L.H.")

    [match] = possible_matches_check(actor=police, case=case)

    assert (match.lead_agency_name, match.case, bool(match.token)) == (
        "Lakeview County Children's Services",
        None,
        True,
    )
