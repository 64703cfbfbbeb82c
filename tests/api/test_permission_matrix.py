"""Every endpoint, for every role of every agency kind, against the lead's, a partner's and an
unrelated agency's objects.

The world: a child-welfare lead agency opened case A; a partner of every kind takes part in it
(another child-welfare agency, law enforcement, immigration, a legal advocate, victim services),
every caseworker is on the case team, and an unrelated child-welfare agency has a case of its own.
Law enforcement has proposed handing its task to an outside immigration agency that is not on the
case, which it may not invite: that handoff awaits the lead agency's approval, and the outside
agency must see nothing of it.
The lead agency also leads case B, a sibling of A's child, and linked the two; no partner takes part
in B, so for them the link does not exist. Law enforcement recorded A's exploitation profile (in
`investigation`). Every section of case A holds a distinctive marker (the profile too), as does a
note in every section, every task title and the consent's purpose. Each caller runs every request
(writes inside a savepoint that is rolled back, so each request sees the same world); the test
asserts the status and greps the raw response body for every marker the caller may not see.

Expectations come from the tables below, written from DOMAIN.md, never from `casework.access`:
a test that asked the access layer what to expect could not catch the access layer being wrong.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, AgencyKind, User
from casework.access import get_case_access
from casework.models import (
    Case,
    CaseClosure,
    ClosureReason,
    ClosureStatus,
    Consent,
    Handoff,
    SectionGrant,
    Task,
)
from casework.services.cases import case_update
from casework.services.handoffs import handoff_create, handoff_decline, match_review_handoff_create
from casework.services.notes import note_add
from casework.services.sharing import consent_record, grant_create, participant_invite, team_member_add
from casework.services.tasks import task_create
from court.models import CriminalCase, Defendant, DependencyHearing
from court.services import criminal_case_open, defendant_add, dependency_hearing_schedule
from exploitation.services import exploitation_profile_save
from links.models import CaseLink
from links.services import case_link_create
from matching.models import ComparisonRequest
from plans.models import CasePlan, GoalDomain
from plans.services import plan_action_add, plan_goal_add, plan_submission_return, plan_submit
from referrals.models import ServiceType
from referrals.services import (
    referral_accept,
    referral_handover_note_set,
    referral_send,
    referral_session_record,
)
from relief.models import ReliefKind, ReliefRecord
from relief.services import relief_record_add
from screening.models import Instrument, Screening
from screening.services import screening_record
from tests.api.conftest import Api
from tests.conftest import Staff, make_staff
from tests.documents.conftest import add_document, pdf_bytes, upload_file
from tests.factories import PlatformAdminFactory, in_hours, open_case

pytestmark = pytest.mark.django_db

CW, LE, IMM, LEGAL, VS, PRO = (
    AgencyKind.CHILD_WELFARE,
    AgencyKind.LAW_ENFORCEMENT,
    AgencyKind.IMMIGRATION,
    AgencyKind.LEGAL_ADVOCATE,
    AgencyKind.VICTIM_SERVICES,
    AgencyKind.PROSECUTION,
)
CASE_ROLES = ("caseworker", "liaison", "supervisor")
LIAISON_ROLES = ("liaison", "supervisor")
ROLES = (*CASE_ROLES, "agency_admin")
SECTIONS = ("identity", "location", "immigration", "investigation", "health", "services", "legal")

# DOMAIN.md "A case and its sections": what each kind holds on joining (plus what it stewards).
DEFAULT_READABLE = {
    CW: {"core", "identity", "location", "immigration", "health"},
    LE: {"core", "identity", "investigation"},
    IMM: {"core", "identity", "investigation"},
    LEGAL: {"core", "identity", "immigration", "legal"},
    VS: {"core", "identity", "health", "services"},
    PRO: {"core", "identity", "investigation"},
}
# Who writes each data section; `identity` is the lead agency's, whatever its kind.
STEWARD_KINDS = {
    "location": {CW},
    "immigration": {LEGAL},
    "investigation": {LE, IMM},
    "health": {CW, VS},
    "services": {VS},
    "legal": {LEGAL},
}
CONSENT_SECTIONS = {"location", "immigration", "health", "services"}
# Field that carries each section's marker.
MARKER_FIELDS = {
    "identity": "legal_name",
    "location": "address",
    "immigration": "nationality",
    "investigation": "summary",
    "health": "summary",
    "services": "summary",
    "legal": "summary",
}

AGENCY_SLOTS = ("lead", "cw_partner", "le", "imm", "legal", "vs", "da", "unrelated", "outside")
SLOT_KIND = {
    "lead": CW,
    "cw_partner": CW,
    "le": LE,
    "imm": IMM,
    "legal": LEGAL,
    "vs": VS,
    "da": PRO,
    "unrelated": CW,
    "outside": IMM,
}
CALLERS = [(slot, role) for slot in AGENCY_SLOTS for role in ROLES] + [("platform", "admin")]


def section_marker(section):
    return f"MKSECTION{section.upper()}"


def note_marker(section):
    return f"MKNOTE{section.upper()}"


CORE_MARKER = "MKCORE"  # case A's pseudonym
UNRELATED_MARKER = "MKUNRELATED"  # the unrelated agency's case: pseudonym, note and identity
LEAD_TASK, PARTNER_TASK, OFFERED_TASK = "MKTASKLEAD", "MKTASKPARTNER", "MKTASKOFFERED"
CONSENT_MARKER = "MKCONSENTPURPOSE"
PROFILE_MARKER = "MKPROFILECOUNTY"  # the county in case A's exploitation profile (investigation)
SIBLING_MARKER = "MKSIBLING"  # case B's pseudonym, shown only through the link
# A screening's free-text answer and the reason for the status it set: health data (issue 15).
SCREENING_ANSWER_MARKER, SCREENING_REASON_MARKER = "MKSCREENANSWER", "MKSCREENREASON"
SCREENING_MARKERS = {SCREENING_ANSWER_MARKER, SCREENING_REASON_MARKER}
NO_INDICATORS = {
    "runaway": False,
    "older_partner": False,
    "unexplained_money": False,
    "controlled_id": False,
    "work_debt": False,
    "sex_for_needs": False,
    "threats": False,
    "branding": False,
    "hours_working": "never",
}
RELIEF_MARKER = "MKRELIEFDETAILS"  # a relief record's details and receipt number (immigration)
CLOSURE_MARKER = "MKCLOSURESUMMARY"  # a closing's summary and comments (the lead agency's own)
# A mental health referral from the lead agency to victim services: a session note and the
# hand-over note are health's, and the referral exists only for the two agencies (issue 16).
REFERRAL_SESSION_MARKER, REFERRAL_HANDOVER_MARKER = "MKREFERRALSESSION", "MKREFERRALHANDOVER"
REFERRAL_MARKERS = {REFERRAL_SESSION_MARKER, REFERRAL_HANDOVER_MARKER}
HEARING_MARKER = "MKHEARINGCOURT"  # a dependency hearing's court (core)
DEFENDANT_MARKER = "MKDEFENDANTNAME"  # a defendant's name in the criminal case (investigation)
# Case plan goals (issue 16): a core goal every case reader sees, a health goal only health's readers.
PLAN_CORE_MARKER, PLAN_HEALTH_MARKER = "MKPLANCORE", "MKPLANHEALTH"
# A medical record in health (issue 17): its title, and the text inside the file itself.
DOCUMENT_TITLE_MARKER, DOCUMENT_CONTENT_MARKER = "MKDOCHEALTHTITLE", "MKDOCHEALTHCONTENT"


@dataclass
class World:
    staff: dict[str, Staff]
    platform_admin: User
    case: Case
    unrelated_case: Case
    lead_task: Task
    partner_task: Task
    offered_task: Task
    handoff: Handoff
    awaiting_handoff: Handoff
    consent: Consent
    revocable_grant: SectionGrant
    spare_agency: Agency
    sibling_case: Case
    link: CaseLink
    instrument: Instrument
    screening: Screening
    relief: ReliefRecord
    closure: CaseClosure
    hearing: DependencyHearing
    criminal_case: CriminalCase
    defendant: Defendant
    extra: dict[str, object] = field(default_factory=dict)


def build_world() -> World:
    staff = {
        slot: make_staff(kind=SLOT_KIND[slot], name=f"{slot.replace('_', ' ').title()} Agency")
        for slot in AGENCY_SLOTS
    }
    lead = staff["lead"]
    case = open_case(
        actor=lead.caseworker,
        pseudonym=CORE_MARKER,
        sections={
            "identity": {"legal_name": section_marker("identity")},
            "location": {"address": section_marker("location")},
            "health": {"summary": section_marker("health")},
        },
    )
    for slot in ("cw_partner", "le", "imm", "legal", "vs", "da"):
        participant_invite(actor=lead.liaison, case=case, agency=staff[slot].agency)
    for slot in ("lead", "cw_partner", "le", "imm", "legal", "vs", "da"):
        if slot != "lead":
            team_member_add(actor=staff[slot].liaison, case=case, member=staff[slot].caseworker)
    writers = {"immigration": "legal", "investigation": "le", "services": "vs", "legal": "legal"}
    for section, slot in writers.items():
        case_update(
            actor=staff[slot].liaison,
            case=case,
            expected_version=get_case_access(user=staff[slot].liaison, case_id=case.pk).version,
            sections={section: {MARKER_FIELDS[section]: section_marker(section)}},
        )
    note_writers = {"core": "lead", "identity": "lead", "location": "lead", "health": "lead", **writers}
    for section, slot in note_writers.items():
        note_add(actor=staff[slot].liaison, case=case, section=section, body=note_marker(section))

    lead_task = task_create(actor=lead.caseworker, case=case, title=LEAD_TASK, due_at=in_hours(24))
    partner_task = task_create(
        actor=staff["le"].caseworker, case=case, title=PARTNER_TASK, due_at=in_hours(24)
    )
    offered_task = task_create(actor=lead.caseworker, case=case, title=OFFERED_TASK, due_at=in_hours(24))
    handoff = handoff_create(actor=lead.caseworker, task=offered_task, to_agency=staff["le"].agency)
    awaiting_handoff = handoff_create(
        actor=staff["le"].liaison, task=partner_task, to_agency=staff["outside"].agency
    )
    consent = consent_record(
        actor=lead.liaison,
        case=case,
        recipient_agency=staff["le"].agency,
        sections=["location"],
        purpose=CONSENT_MARKER,
        signed_by="Child and guardian",
        signed_on=timezone.localdate(),
    )
    revocable_grant = grant_create(
        actor=staff["le"].liaison, case=case, agency=staff["vs"].agency, section="investigation"
    )
    sibling_case = open_case(actor=lead.caseworker, pseudonym=SIBLING_MARKER)
    link = case_link_create(actor=lead.liaison, case=case, other_case_id=sibling_case.pk, kind="sibling")

    instrument = Instrument.objects.get(key="bridge-sample-indicators", version=1)
    screening = screening_record(
        actor=lead.caseworker,
        case=case,
        instrument_id=instrument.pk,
        screened_on=timezone.localdate(),
        answers={**NO_INDICATORS, "notes": SCREENING_ANSWER_MARKER},
        decided_status="suspected",
        reason=SCREENING_REASON_MARKER,
    ).screening
    # The screening made the child a suspected victim, whose exploitation profile is recorded.
    exploitation_profile_save(
        actor=staff["le"].liaison,
        case=case,
        expected_version=0,
        values={
            "type_of_exploitation": ["labour"],
            "recruiter_relationship": "employer",
            "county": PROFILE_MARKER,
        },
    )

    relief = relief_record_add(
        actor=staff["legal"].liaison,
        case=case,
        kind=ReliefKind.T_VISA_DECLARATION,
        receipt_number="MKRELIEFDETAILS",
        details=RELIEF_MARKER,
    )

    # A closing asked for and returned: the case stays open, its summary is the lead agency's.
    closure = CaseClosure.objects.create(
        case=case,
        reason=ClosureReason.REUNIFIED,
        summary=CLOSURE_MARKER,
        requested_by=lead.caseworker,
        reviewer=lead.supervisor,
        review_task=task_create(actor=lead.caseworker, case=case, title=LEAD_TASK, due_at=in_hours(72)),
        status=ClosureStatus.RETURNED,
        decided_by=lead.supervisor,
        decided_at=timezone.now(),
        decision_comments=CLOSURE_MARKER,
    )
    hearing = dependency_hearing_schedule(
        actor=lead.liaison, case=case, type="review", scheduled_at=in_hours(24 * 10), court=HEARING_MARKER
    )
    criminal_case = criminal_case_open(
        actor=staff["da"].liaison, case=case, court="District Court", prosecuting_agency=staff["da"].agency
    )
    defendant = defendant_add(
        actor=staff["da"].liaison, criminal_case=criminal_case, defendant_name=DEFENDANT_MARKER
    )
    plan = _plan_world(lead=lead, case=case, sibling_case=sibling_case)

    unrelated = staff["unrelated"]
    unrelated_case = open_case(
        actor=unrelated.caseworker,
        pseudonym=UNRELATED_MARKER,
        sections={"identity": {"legal_name": UNRELATED_MARKER}},
    )
    note_add(actor=unrelated.caseworker, case=unrelated_case, section="core", body=UNRELATED_MARKER)
    task_create(actor=unrelated.caseworker, case=unrelated_case, title=UNRELATED_MARKER, due_at=in_hours(24))
    match_review = add_answered_match_review(
        lead=lead, case=case, unrelated=unrelated, matched=unrelated_case
    )
    referral = add_referral(staff=staff, case=case)
    case.refresh_from_db()
    world = World(
        staff=staff,
        platform_admin=PlatformAdminFactory(),
        case=case,
        unrelated_case=unrelated_case,
        lead_task=lead_task,
        partner_task=partner_task,
        offered_task=offered_task,
        handoff=handoff,
        awaiting_handoff=awaiting_handoff,
        consent=consent,
        revocable_grant=revocable_grant,
        spare_agency=make_staff(kind=IMM, name="Spare Agency").agency,
        sibling_case=sibling_case,
        link=link,
        instrument=instrument,
        screening=screening,
        relief=relief,
        closure=closure,
        hearing=hearing,
        criminal_case=criminal_case,
        defendant=defendant,
        extra=plan,
    )
    world.extra["referral"] = referral
    world.extra["match_review"] = match_review
    world.extra["document"] = add_document(
        actor=lead.caseworker,
        case=case,
        section="health",
        title=DOCUMENT_TITLE_MARKER,
        text=DOCUMENT_CONTENT_MARKER,
    )
    return world


def add_answered_match_review(*, lead: Staff, case: Case, unrelated: Staff, matched: Case) -> Handoff:
    """Case A asked the unrelated agency to compare its case, which found it is not the same
    child: answered, so the review lends nothing of case A and every marker rule holds as it is
    (what a pending review lends is tested in tests/matching/test_review.py)."""
    review = match_review_handoff_create(actor=lead.liaison, case=case, to_agency=unrelated.agency)
    ComparisonRequest.objects.create(
        asking_case=case,
        matched_case=matched,
        asked_by=lead.liaison,
        asking_agency=lead.agency,
        asked_agency=unrelated.agency,
        handoff=review,
    )
    return handoff_decline(actor=unrelated.liaison, handoff=review, reason="Not the same child.")


def add_referral(*, staff: dict[str, Staff], case: Case):
    """Victim services reads health on joining, so this referral needs no consent."""
    provider = staff["vs"].liaison
    referral = referral_send(
        actor=staff["lead"].liaison,
        case=case,
        service_type=ServiceType.objects.get(key="mental_health"),
        provider=provider.agency,
    )
    referral = referral_accept(actor=provider, referral=referral)
    referral_session_record(
        actor=provider,
        referral=referral,
        occurred_at=timezone.now(),
        kind="session",
        note=REFERRAL_SESSION_MARKER,
    )
    referral.refresh_from_db()
    return referral_handover_note_set(
        actor=provider, referral=referral, note=REFERRAL_HANDOVER_MARKER, expected_version=referral.version
    )


def _plan_world(*, lead: Staff, case: Case, sibling_case: Case) -> dict[str, object]:
    """Case A's plan, returned once so its draft is editable, with a core and a health goal; the
    sibling case (the lead agency's alone) with a submission awaiting the supervisor."""

    def goal(on: Case, domain: str, description: str):
        version = CasePlan.objects.filter(case=on).values_list("version", flat=True).first() or 0
        return plan_goal_add(
            actor=lead.caseworker,
            case=on,
            expected_version=version,
            domain=domain,
            description=description,
            review_on=timezone.localdate() + timedelta(days=60),
        )

    core_goal = goal(case, GoalDomain.SAFETY, PLAN_CORE_MARKER)
    health_goal = goal(case, GoalDomain.HEALTH, PLAN_HEALTH_MARKER)
    core_action = plan_action_add(
        actor=lead.caseworker,
        goal=core_goal,
        expected_version=CasePlan.objects.get(case=case).version,
        description="Weekly check-in",
        owner_agency=lead.agency,
        due_at=in_hours(24 * 7),
    )
    returned = plan_submit(
        actor=lead.caseworker,
        case=case,
        expected_version=CasePlan.objects.get(case=case).version,
        approver=lead.supervisor,
    )
    plan_submission_return(actor=lead.supervisor, submission=returned, comments="Add a school goal.")
    goal(sibling_case, GoalDomain.FAMILY, "Visits")
    awaiting = plan_submit(
        actor=lead.caseworker,
        case=sibling_case,
        expected_version=CasePlan.objects.get(case=sibling_case).version,
        approver=lead.supervisor,
    )
    return {"plan_health_goal": health_goal, "plan_core_action": core_action, "plan_awaiting": awaiting}


# --- the oracle -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    slot: str
    role: str

    @property
    def kind(self):
        return SLOT_KIND.get(self.slot)

    @property
    def is_platform(self):
        return self.slot == "platform"

    @property
    def works_on_cases(self):
        return not self.is_platform and self.role in CASE_ROLES

    @property
    def is_liaison(self):
        return self.role in LIAISON_ROLES

    @property
    def views_case(self):
        return self.works_on_cases and self.slot not in {"unrelated", "outside"}

    @property
    def sees_awaiting_handoff(self):
        """DOMAIN.md, Handoffs: until the lead agency approves, only the sender (on the case) and
        the lead agency's liaisons and supervisors see a handoff to an agency not on the case."""
        return (self.slot == "le" and self.works_on_cases) or (self.is_lead and self.is_liaison)

    @property
    def hears_of_awaiting_handoff(self):
        """Its timeline line is the sending and the lead agencies' (every member on the case), never
        the agency it would go to."""
        return self.works_on_cases and self.slot in {"le", "lead"}

    @property
    def views_unrelated_case(self):
        return self.works_on_cases and self.slot == "unrelated"

    @property
    def is_lead(self):
        return self.slot == "lead"

    def readable(self):
        if not self.views_case:
            return set()
        sections = set(DEFAULT_READABLE[self.kind])
        if self.slot == "vs":
            sections.add("investigation")  # the revocable steward grant
        return sections

    def writes_criminal_case(self):
        """Action.WRITE_CRIMINAL_CASE: investigation's stewards, and prosecution reading it."""
        return "investigation" in self.readable() and (self.stewards("investigation") or self.kind == PRO)

    def stewards(self, section):
        if section == "identity":
            return self.is_lead
        return self.kind in STEWARD_KINDS[section]

    def forbidden_markers(self):
        readable = self.readable()
        forbidden = {section_marker(s) for s in SECTIONS if s not in readable}
        forbidden |= {note_marker(s) for s in ("core", *SECTIONS) if s not in readable}
        if not self.views_case:
            forbidden.add(CORE_MARKER)
        if not self.views_unrelated_case:
            forbidden.add(UNRELATED_MARKER)
        lead_member = self.is_lead and self.works_on_cases
        if not lead_member:
            forbidden.add(LEAD_TASK)
        if not (self.slot == "le" and self.works_on_cases):
            forbidden.add(PARTNER_TASK)
        # A handoff involves both agencies: the receiving one's members read its timeline entry,
        # though only its liaisons and supervisors open the offered task itself.
        if not (lead_member or (self.slot == "le" and self.works_on_cases)):
            forbidden.add(OFFERED_TASK)
        if not (self.views_case and self.kind == CW):
            forbidden.add(CONSENT_MARKER)
        if "investigation" not in readable:
            forbidden.add(PROFILE_MARKER)
        if not lead_member:
            forbidden.add(SIBLING_MARKER)
        if "health" not in readable:
            forbidden |= SCREENING_MARKERS
        if "immigration" not in readable:
            forbidden.add(RELIEF_MARKER)
        if not lead_member:
            forbidden.add(CLOSURE_MARKER)
        if not self.in_referral:
            forbidden |= REFERRAL_MARKERS
        if not self.views_case:
            forbidden.add(HEARING_MARKER)
        if "investigation" not in readable:
            forbidden.add(DEFENDANT_MARKER)
        if not self.views_case:
            forbidden.add(PLAN_CORE_MARKER)
        if "health" not in readable:
            forbidden.add(PLAN_HEALTH_MARKER)
        if "health" not in readable:
            forbidden |= {DOCUMENT_TITLE_MARKER, DOCUMENT_CONTENT_MARKER}
        return forbidden

    @property
    def in_referral(self):
        """The referral's sending (and lead) agency and its provider, which both read health."""
        return self.views_case and self.slot in {"lead", "vs"}


def expected_case_status(caller, allowed, ok=200):
    """`ok` when allowed; 403 when the caller sees the case but may not; 404 when it does not."""
    if not caller.views_case:
        return 404
    return ok if allowed else 403


def requests_for(world: World, caller: Caller):
    """(label, method, path, body, headers, expected status, markers that must appear)."""
    case_id = world.case.pk
    lead = world.staff["lead"]
    views = caller.views_case
    readable = caller.readable()
    # The version of what this caller reads: edits of other sections do not change it.
    version = Case.objects.get(pk=case_id).version_for(readable)
    if_match = {"If-Match": f'"{version}"'}

    yield "me", "get", "me/", None, {}, 200, set()
    # Everyone's own email choices; the path names no one, so there is nobody else's to reach.
    yield "my notification preferences", "get", "me/notification-preferences/", None, {}, 200, set()
    yield (
        "my notification preferences change",
        "patch",
        "me/notification-preferences/",
        {"email_digest": True},
        {},
        200,
        set(),
    )
    yield "agencies list", "get", "agencies/", None, {}, 200, set()
    yield (
        "agency create",
        "post",
        "agencies/",
        {"name": "New Agency", "kind": "victim_services"},
        {},
        201 if caller.is_platform else 403,
        set(),
    )
    may_list_lead_members = caller.is_platform or (caller.is_lead and caller.role != "caseworker")
    yield (
        "users list",
        "get",
        f"users/?agency={lead.agency.pk}",
        None,
        {},
        200 if may_list_lead_members else 403,
        set(),
    )
    may_add_lead_members = caller.is_platform or (caller.is_lead and caller.role == "agency_admin")
    new_member = {
        "username": "brand.new",
        "email": "brand.new@example.org",
        "agency": lead.agency.pk,
        "role": "caseworker",
    }
    yield "user create", "post", "users/", new_member, {}, 201 if may_add_lead_members else 403, set()
    # Nobody chooses another person's password (DOMAIN.md rule 1), whoever asks.
    yield (
        "user create with a password",
        "post",
        "users/",
        {**new_member, "password": "a-long-enough-passphrase"},
        {},
        400,
        set(),
    )

    yield "cases list", "get", "cases/", None, {}, 200, {CORE_MARKER} if views else set()
    yield (
        "case open",
        "post",
        "cases/",
        {"pseudonym": "N.C."},
        {},
        201 if caller.works_on_cases else 403,
        set(),
    )
    yield (
        "case detail",
        "get",
        f"cases/{case_id}/",
        None,
        {},
        404 if not views else 200,
        {section_marker(s) for s in SECTIONS if s in readable},
    )
    yield (
        "case core edit",
        "patch",
        f"cases/{case_id}/",
        {"pseudonym": "R.R."},
        if_match,
        expected_case_status(caller, caller.is_lead),
        set(),
    )
    for section in SECTIONS:
        yield (
            f"case {section} edit",
            "patch",
            f"cases/{case_id}/",
            {section: {MARKER_FIELDS[section]: "rewritten"}},
            if_match,
            expected_case_status(caller, caller.stewards(section)),
            set(),
        )
    yield (
        "participants",
        "get",
        f"cases/{case_id}/participants/",
        None,
        {},
        expected_case_status(caller, True),
        set(),
    )
    yield (
        "participant invite",
        "post",
        f"cases/{case_id}/participants/",
        {"agency": world.spare_agency.pk},
        {},
        expected_case_status(caller, caller.is_lead and caller.is_liaison, 201),
        set(),
    )
    steward_of_any = any(caller.stewards(section) for section in SECTIONS)
    yield (
        "grants",
        "get",
        f"cases/{case_id}/grants/",
        None,
        {},
        # Prosecution stewards no section (only the criminal-case records within investigation).
        expected_case_status(caller, caller.is_liaison and steward_of_any),
        set(),
    )
    yield (
        "grant create",
        "post",
        f"cases/{case_id}/grants/",
        {"agency": world.staff["legal"].agency.pk, "section": "investigation"},
        {},
        expected_case_status(caller, caller.is_liaison and caller.stewards("investigation"), 201),
        set(),
    )
    if not views or not caller.is_liaison or not steward_of_any:
        revoke_status = 404 if not views else 403
    else:
        revoke_status = 204 if caller.stewards("investigation") else 404
    yield (
        "grant revoke",
        "delete",
        f"cases/{case_id}/grants/{world.revocable_grant.pk}/",
        None,
        {},
        revoke_status,
        set(),
    )
    consent_steward = any(caller.stewards(s) for s in CONSENT_SECTIONS)
    yield (
        "consents",
        "get",
        f"cases/{case_id}/consents/",
        None,
        {},
        expected_case_status(caller, consent_steward),
        {CONSENT_MARKER} if views and caller.kind == CW else set(),
    )
    yield (
        "consent record",
        "post",
        f"cases/{case_id}/consents/",
        {
            "recipient_agency": world.staff["le"].agency.pk,
            "sections": ["health"],
            "purpose": "Medical follow-up",
            "signed_by": "Child",
            "signed_on": timezone.localdate().isoformat(),
        },
        {},
        expected_case_status(caller, caller.stewards("health"), 201),
        set(),
    )
    if not views:
        consent_revoke_status = 404
    elif not consent_steward:
        consent_revoke_status = 403
    elif not caller.stewards("location"):
        consent_revoke_status = 404
    else:
        # Only a liaison or supervisor of the agency that recorded it (the lead) revokes it.
        consent_revoke_status = 200 if caller.slot == "lead" and caller.is_liaison else 403
    # Issue 19: the consent's printable form is its stewards' as the consent is; it carries the
    # consent's purpose (a marker) to them alone.
    consent_form_status = (
        200 if consent_revoke_status in (200, 403) and consent_steward else consent_revoke_status
    )
    yield (
        "consent form",
        "get",
        f"cases/{case_id}/consents/{world.consent.pk}/form.pdf?language=es",
        None,
        {},
        consent_form_status,
        set(),
    )
    yield (
        "consent revoke",
        "post",
        f"cases/{case_id}/consents/{world.consent.pk}/revoke/",
        None,
        {},
        consent_revoke_status,
        set(),
    )
    yield (
        "notes",
        "get",
        f"cases/{case_id}/notes/",
        None,
        {},
        expected_case_status(caller, True),
        {note_marker(s) for s in ("core", *SECTIONS) if s in readable},
    )
    for section in ("core", "legal", "location"):
        yield (
            f"note add {section}",
            "post",
            f"cases/{case_id}/notes/",
            {"section": section, "body": "A new note."},
            {},
            expected_case_status(caller, section in readable, 201),
            set(),
        )
    reads_investigation = "investigation" in readable
    yield (
        "exploitation profile",
        "get",
        f"cases/{case_id}/exploitation-profile/",
        None,
        {},
        200 if reads_investigation else 404,
        {PROFILE_MARKER} if reads_investigation else set(),
    )
    # Its stewards write it; victim services reads it by a steward's grant and writes nothing.
    profile_edit_status = (200 if caller.stewards("investigation") else 403) if reads_investigation else 404
    yield (
        "exploitation profile edit",
        "patch",
        f"cases/{case_id}/exploitation-profile/",
        {"industry": "agriculture"},
        {"If-Match": '"1"'},
        profile_edit_status,
        set(),
    )
    lead_member = caller.is_lead and caller.works_on_cases
    yield (
        "sibling group",
        "get",
        f"cases/{case_id}/sibling-group/",
        None,
        {},
        expected_case_status(caller, True),
        {SIBLING_MARKER} if lead_member else set(),
    )
    yield (
        "links",
        "get",
        f"cases/{case_id}/links/",
        None,
        {},
        expected_case_status(caller, True),
        {SIBLING_MARKER} if lead_member else set(),
    )
    yield (
        "link create",
        "post",
        f"cases/{case_id}/links/",
        {"other_case": str(world.sibling_case.pk), "kind": "same_household"},
        {},
        expected_case_status(caller, caller.is_lead, 201),
        set(),
    )
    yield (
        "link delete",
        "delete",
        f"cases/{case_id}/links/{world.link.pk}/",
        None,
        {},
        204 if lead_member else 404,
        set(),
    )
    # Possible matches derive from identity: its readers who work on the case (never an
    # administrator) are told of them; a made-up token asks about nothing.
    yield (
        "possible matches",
        "get",
        f"cases/{case_id}/possible-matches/",
        None,
        {},
        expected_case_status(caller, "identity" in readable),
        set(),
    )
    yield (
        "possible match ask",
        "post",
        f"cases/{case_id}/possible-matches/ask/",
        {"match": "0" * 64},
        {},
        expected_case_status(caller, "identity" in readable, 400),
        set(),
    )
    yield "timeline", "get", f"cases/{case_id}/timeline/", None, {}, expected_case_status(caller, True), set()
    yield "events", "get", f"cases/{case_id}/events/", None, {}, expected_case_status(caller, True), set()
    yield (
        "event record",
        "post",
        f"cases/{case_id}/events/",
        {"type": "missing_reported", "occurred_at": timezone.now().isoformat()},
        {},
        expected_case_status(caller, True, 201),
        set(),
    )

    # Screening (issue 15): the status is core, answers and reasons are health data.
    reads_health = "health" in readable
    yield "screening instruments", "get", "screening-instruments/", None, {}, 200, set()
    yield (
        "screenings",
        "get",
        f"cases/{case_id}/screenings/",
        None,
        {},
        expected_case_status(caller, True),
        SCREENING_MARKERS - {SCREENING_REASON_MARKER} if reads_health else set(),
    )
    yield (
        "screening detail",
        "get",
        f"cases/{case_id}/screenings/{world.screening.pk}/",
        None,
        {},
        200 if reads_health else 404,
        {SCREENING_ANSWER_MARKER} if reads_health else set(),
    )
    yield (
        "screening record",
        "post",
        f"cases/{case_id}/screenings/",
        {
            "instrument": world.instrument.pk,
            "screened_on": timezone.localdate().isoformat(),
            "answers": NO_INDICATORS,
            "decided_status": "screened_no_indicators",
            "reason": "Nothing found.",
        },
        {},
        expected_case_status(caller, caller.stewards("health"), 201),
        set(),
    )
    yield (
        "trafficking status history",
        "get",
        f"cases/{case_id}/trafficking-status/",
        None,
        {},
        expected_case_status(caller, True),
        {SCREENING_REASON_MARKER} if reads_health else set(),
    )
    yield (
        "trafficking status change",
        "post",
        f"cases/{case_id}/trafficking-status/",
        {"status": "confirmed_sex", "reason": "Disclosed in interview."},
        {},
        expected_case_status(caller, caller.stewards("health"), 201),
        set(),
    )

    lead_member = caller.is_lead and caller.works_on_cases
    le_member = caller.slot == "le" and caller.works_on_cases
    task_markers = set()
    if lead_member:
        task_markers = {LEAD_TASK, OFFERED_TASK}
    elif le_member:
        task_markers = {PARTNER_TASK} | ({OFFERED_TASK} if caller.is_liaison else set())
    yield "tasks list", "get", "tasks/?page_size=200", None, {}, 200, task_markers
    yield (
        "task create",
        "post",
        "tasks/",
        {"case": str(case_id), "title": "Fresh task", "due_at": "2030-01-01T09:00:00Z"},
        {},
        201 if views else 404,
        set(),
    )
    task_version = {"If-Match": f'"{world.lead_task.version}"'}
    yield "lead task", "get", f"tasks/{world.lead_task.pk}/", None, {}, 200 if lead_member else 404, set()
    yield (
        "lead task edit",
        "patch",
        f"tasks/{world.lead_task.pk}/",
        {"title": "Renamed"},
        task_version,
        200 if lead_member else 404,
        set(),
    )
    yield (
        "lead task complete",
        "post",
        f"tasks/{world.lead_task.pk}/complete/",
        None,
        {},
        200 if lead_member else 404,
        set(),
    )
    yield "partner task", "get", f"tasks/{world.partner_task.pk}/", None, {}, 200 if le_member else 404, set()
    offered_visible = lead_member or (le_member and caller.is_liaison)
    yield (
        "offered task",
        "get",
        f"tasks/{world.offered_task.pk}/",
        None,
        {},
        200 if offered_visible else 404,
        set(),
    )

    awaiting_id = str(world.awaiting_handoff.pk)
    yield (
        "handoffs",
        "get",
        "handoffs/",
        None,
        {},
        200,
        {awaiting_id} if caller.sees_awaiting_handoff else set(),
    )
    yield (
        "handoff propose",
        "post",
        "handoffs/",
        {"task": str(world.lead_task.pk), "to_agency": world.staff["vs"].agency.pk},
        {},
        201 if lead_member else 404,
        set(),
    )
    handoff_visible = lead_member or le_member
    answer_status = (200 if caller.is_liaison else 403) if le_member else (403 if lead_member else 404)
    if not handoff_visible:
        answer_status = 404
    handoff_path = f"handoffs/{world.handoff.pk}"
    yield "handoff accept", "post", f"{handoff_path}/accept/", {}, {}, answer_status, set()
    yield (
        "handoff decline",
        "post",
        f"{handoff_path}/decline/",
        {"reason": "No capacity"},
        {},
        answer_status,
        set(),
    )
    withdraw_status = 200 if lead_member else (403 if le_member else 404)
    yield "handoff withdraw", "post", f"{handoff_path}/withdraw/", None, {}, withdraw_status, set()
    # Only a handoff that brings a new agency onto the case is approved; this one goes to a participant.
    yield (
        "handoff approve",
        "post",
        f"{handoff_path}/approve/",
        None,
        {},
        403 if handoff_visible else 404,
        set(),
    )

    lead_approver = caller.is_lead and caller.is_liaison
    awaiting_path = f"handoffs/{awaiting_id}"
    if not caller.sees_awaiting_handoff:
        approve_status = answer_status = withdraw_status = accept_status = 404
    elif lead_approver:
        approve_status, answer_status, withdraw_status, accept_status = 200, 200, 403, 403
    else:
        approve_status, answer_status, withdraw_status, accept_status = 403, 403, 200, 403
    yield "awaiting handoff approve", "post", f"{awaiting_path}/approve/", None, {}, approve_status, set()
    yield (
        "awaiting handoff decline",
        "post",
        f"{awaiting_path}/decline/",
        {"reason": "Not needed"},
        {},
        answer_status,
        set(),
    )
    yield "awaiting handoff accept", "post", f"{awaiting_path}/accept/", {}, {}, accept_status, set()
    yield "awaiting handoff withdraw", "post", f"{awaiting_path}/withdraw/", None, {}, withdraw_status, set()

    # A match review exists only for the asked agency's liaisons and supervisors; answered, it
    # is answered once.
    review_path = f"match-reviews/{world.extra['match_review'].pk}"
    asked = caller.slot == "unrelated" and caller.works_on_cases and caller.is_liaison
    yield "match review", "get", f"{review_path}/", None, {}, 200 if asked else 404, set()
    for action, payload in (("confirm", {"reason": "Same"}), ("reject", {"reason": "No"}), ("invite", None)):
        answered = 409 if asked else 404
        yield f"match review {action}", "post", f"{review_path}/{action}/", payload, {}, answered, set()
    # Merging it: the supervisors of either lead agency, each shown their own case; a rejected
    # match is never merged.
    merge_path = f"comparisons/{world.extra['match_review'].pk}/merge"
    merger = caller.works_on_cases and caller.role == "supervisor" and caller.slot in {"lead", "unrelated"}
    yield "merge state", "get", f"{merge_path}/", None, {}, 200 if merger else 404, set()
    for label, path, payload in (
        ("merge propose", f"{merge_path}/", {"keep": "mine", "reason": "Same"}),
        ("merge agree", f"{merge_path}/agree/", None),
        ("merge decline", f"{merge_path}/decline/", {"reason": "No"}),
    ):
        yield label, "post", path, payload, {}, 409 if merger else 404, set()

    # Relief records are immigration's (8 U.S.C. 1367): a case reader without it gets an empty list
    # and 404 for a record; legal advocates, its stewards, write them.
    reads_immigration = "immigration" in readable
    relief_path = f"cases/{case_id}/relief/{world.relief.pk}/"
    if not views or not reads_immigration:
        relief_read_status = relief_write_status = 404
    else:
        relief_read_status = 200
        relief_write_status = 200 if caller.stewards("immigration") else 403
    yield (
        "relief list",
        "get",
        f"cases/{case_id}/relief/",
        None,
        {},
        expected_case_status(caller, True),
        {RELIEF_MARKER} if reads_immigration else set(),
    )
    yield (
        "relief detail",
        "get",
        relief_path,
        None,
        {},
        relief_read_status,
        {RELIEF_MARKER} if reads_immigration else set(),
    )
    yield (
        "relief add",
        "post",
        f"cases/{case_id}/relief/",
        {"kind": "u_visa"},
        {},
        201 if relief_write_status == 200 else relief_write_status,
        set(),
    )
    yield (
        "relief update",
        "patch",
        relief_path,
        {"receipt_number": "EAC2612345678"},
        {"If-Match": '"1"'},
        relief_write_status,
        set(),
    )
    yield (
        "relief request declaration",
        "post",
        f"{relief_path}request/",
        {"to_agency": world.staff["le"].agency.pk},
        {},
        relief_write_status,
        set(),
    )

    # Closing: every viewer sees why and when; the summary and decisions are the lead agency's.
    lead_member = caller.is_lead and caller.works_on_cases
    closure_path = f"cases/{case_id}/closures/{world.closure.pk}"
    yield (
        "closures",
        "get",
        f"cases/{case_id}/closures/",
        None,
        {},
        expected_case_status(caller, True),
        {CLOSURE_MARKER} if lead_member else set(),
    )
    yield (
        "closure blockers",
        "get",
        f"cases/{case_id}/closure-blockers/",
        None,
        {},
        expected_case_status(caller, caller.is_lead),
        set(),
    )
    yield (
        "closure request",
        "post",
        f"cases/{case_id}/closures/",
        {},
        {},
        expected_case_status(caller, caller.is_lead, 400),
        set(),
    )
    decided_status = 409 if lead_member else 404
    yield "closure approve", "post", f"{closure_path}/approve/", {}, {}, decided_status, set()
    yield "closure return", "post", f"{closure_path}/return/", {"comments": "No"}, {}, decided_status, set()
    yield "closure withdraw", "post", f"{closure_path}/withdraw/", None, {}, decided_status, set()
    reopen_status = (
        (409 if caller.is_liaison else 403) if lead_member else expected_case_status(caller, False)
    )
    yield "reopen", "post", f"cases/{case_id}/reopen/", {"reason": "Back"}, {}, reopen_status, set()
    yield from referral_requests(world, caller)
    yield from document_requests(world, caller)
    # Court (issue 16): hearings are core, the lead agency writes them; the criminal case is
    # investigation, written by its stewards and prosecution, 404 to anyone who does not read it.
    in_case = 200 if views else 404
    hearing_write = expected_case_status(caller, caller.is_lead)
    yield (
        "hearings list",
        "get",
        f"cases/{case_id}/hearings/",
        None,
        {},
        in_case,
        {HEARING_MARKER} if views else set(),
    )
    hearing_path = f"cases/{case_id}/hearings/{world.hearing.pk}/"
    yield "hearing detail", "get", hearing_path, None, {}, in_case, {HEARING_MARKER} if views else set()
    yield (
        "hearing schedule",
        "post",
        f"cases/{case_id}/hearings/",
        {"type": "permanency", "scheduled_at": in_hours(48).isoformat()},
        {},
        201 if hearing_write == 200 else hearing_write,
        set(),
    )
    yield (
        "hearing outcome",
        "patch",
        hearing_path,
        {"outcome": "held"},
        {"If-Match": '"1"'},
        hearing_write,
        set(),
    )
    reads_investigation = "investigation" in readable
    criminal_read = 200 if reads_investigation else 404
    criminal_write = (200 if caller.writes_criminal_case() else 403) if reads_investigation else 404
    criminal_created = 201 if criminal_write == 200 else criminal_write
    defendant_seen = {DEFENDANT_MARKER} if reads_investigation else set()
    yield "criminal cases list", "get", f"cases/{case_id}/criminal-cases/", None, {}, in_case, set()
    criminal_path = f"cases/{case_id}/criminal-cases/{world.criminal_case.pk}/"
    yield "criminal case detail", "get", criminal_path, None, {}, criminal_read, set()
    yield (
        "criminal case open",
        "post",
        f"cases/{case_id}/criminal-cases/",
        {"court": "Federal Court"},
        {},
        criminal_created,
        set(),
    )
    yield (
        "criminal case update",
        "patch",
        criminal_path,
        {"status": "trial"},
        {"If-Match": '"1"'},
        criminal_write,
        set(),
    )
    yield "defendants list", "get", f"cases/{case_id}/defendants/", None, {}, in_case, defendant_seen
    defendant_id = str(world.defendant.pk)
    for label, suffix, payload in (
        (
            "defendant add",
            "defendants/",
            {"criminal_case": str(world.criminal_case.pk), "defendant_name": "Y"},
        ),
        (
            "charge add",
            "charges/",
            {"defendant": defendant_id, "statute": "18 U.S.C. 1591", "filed_on": "2026-10-01"},
        ),
        (
            "proceeding add",
            "proceedings/",
            {
                "criminal_case": str(world.criminal_case.pk),
                "type": "trial",
                "scheduled_at": in_hours(24 * 30).isoformat(),
            },
        ),
        (
            "custody event add",
            "custody-events/",
            {"defendant": defendant_id, "kind": "released", "occurred_at": in_hours(-1).isoformat()},
        ),
        (
            "restitution order add",
            "restitution-orders/",
            {"defendant": defendant_id, "amount": "1000.00", "ordered_on": "2026-11-01"},
        ),
    ):
        yield label, "post", f"cases/{case_id}/{suffix}", payload, {}, criminal_created, set()
    yield (
        "sentence",
        "post",
        f"cases/{case_id}/defendants/{defendant_id}/sentence/",
        {"sentence": "10 years", "sentenced_on": "2026-11-20"},
        {},
        criminal_write,
        set(),
    )
    for suffix in (
        "charges/",
        "proceedings/",
        "custody-events/",
        "restitution-orders/",
        "restitution-payments/",
    ):
        yield f"{suffix} list", "get", f"cases/{case_id}/{suffix}", None, {}, in_case, set()
    yield from _plan_requests(world, caller)

    yield "notifications", "get", "notifications/", None, {}, 200, set()
    yield "notifications read all", "post", "notifications/read-all/", None, {}, 204, set()
    yield "deadline templates", "get", "deadline-templates/", None, {}, 200, set()

    unrelated_id = world.unrelated_case.pk
    sees_unrelated = caller.views_unrelated_case
    for suffix in ("", "notes/", "timeline/", "participants/", "screenings/", "trafficking-status/"):
        yield (
            f"unrelated case {suffix or 'detail'}",
            "get",
            f"cases/{unrelated_id}/{suffix}",
            None,
            {},
            200 if sees_unrelated else 404,
            {UNRELATED_MARKER} if sees_unrelated and suffix in {"", "notes/"} else set(),
        )


def document_requests(world: World, caller: Caller):
    """A health document: its readers list, open and download it (each download audited); its
    stewards (child welfare, victim services) upload; a case reader without health gets 404."""
    document = world.extra["document"]
    path = f"cases/{world.case.pk}/documents/"
    reads = caller.views_case and "health" in caller.readable()
    read_status = 200 if reads else 404
    write_status = (201 if caller.stewards("health") else 403) if reads else 404
    title = {DOCUMENT_TITLE_MARKER} if reads else set()
    yield "documents list", "get", path, None, {}, expected_case_status(caller, True), title
    yield "document detail", "get", f"{path}{document.pk}/", None, {}, read_status, title
    content = {DOCUMENT_CONTENT_MARKER} if reads else set()
    yield "document download", "get", f"{path}{document.pk}/download/", None, {}, read_status, content
    yield (
        "document version download",
        "get",
        f"{path}{document.pk}/versions/1/download/",
        None,
        {},
        read_status,
        content,
    )
    upload = {
        "file": upload_file(pdf_bytes("Discharge summary")),
        "document_type": "medical_record",
        "title": "Discharge summary",
        "section": "health",
    }
    yield "document upload", "multipart", path, upload, {}, write_status, set()
    new_version = {"file": upload_file(pdf_bytes("Discharge summary, signed"))}
    yield (
        "document new version",
        "multipart",
        f"{path}{document.pk}/versions/",
        new_version,
        {},
        write_status,
        set(),
    )


def referral_requests(world: World, caller: Caller):
    referral = world.extra["referral"]
    path = f"referrals/{referral.pk}/"
    involved = caller.in_referral
    provider = caller.slot == "vs"
    # The provider writes what it did; the sender (the lead agency) reads it; anyone else: 404.
    provider_write = 404 if not involved else (200 if provider else 403)
    both = {REFERRAL_SESSION_MARKER, REFERRAL_HANDOVER_MARKER} if involved else set()
    yield "service types", "get", "service-types/", None, {}, 200, set()
    yield (
        "referral desk",
        "get",
        "referrals/",
        None,
        {},
        200,
        {REFERRAL_HANDOVER_MARKER} if involved else set(),
    )
    yield (
        "case referrals",
        "get",
        f"cases/{world.case.pk}/referrals/",
        None,
        {},
        expected_case_status(caller, True),
        {REFERRAL_HANDOVER_MARKER} if involved else set(),
    )
    yield (
        "referral detail",
        "get",
        path,
        None,
        {},
        200 if involved else 404,
        {REFERRAL_HANDOVER_MARKER} & both,
    )
    yield (
        "referral sessions",
        "get",
        f"{path}sessions/",
        None,
        {},
        200 if involved else 404,
        {REFERRAL_SESSION_MARKER} & both,
    )
    yield (
        "referral session add",
        "post",
        f"{path}sessions/",
        {"occurred_at": timezone.now().isoformat(), "kind": "contact", "note": "Called"},
        {},
        201 if provider_write == 200 else provider_write,
        set(),
    )
    yield (
        "referral hand-over note",
        "patch",
        path,
        {"handover_note": "County clinic"},
        {"If-Match": f'"{referral.version}"'},
        provider_write,
        set(),
    )
    yield (
        "referral outcome",
        "post",
        f"{path}outcome/",
        {"outcome": "completed", "reason": "Goals met"},
        {},
        provider_write,
        set(),
    )
    # Answered already: the provider's liaisons are told so, anyone else that they may not answer.
    accept_status = 404 if not involved else (409 if provider and caller.is_liaison else 403)
    yield "referral accept", "post", f"{path}accept/", {}, {}, accept_status, set()
    withdraw_status = 404 if not involved else (409 if caller.is_lead else 403)
    yield "referral withdraw", "post", f"{path}withdraw/", None, {}, withdraw_status, set()
    # Any agency on the case refers; victim services cannot refer to itself.
    send_status = 404 if not caller.views_case else (400 if provider else 201)
    yield (
        "referral send",
        "post",
        f"cases/{world.case.pk}/referrals/",
        {"service_type": "mental_health", "provider": world.staff["vs"].agency.pk},
        {},
        send_status,
        set(),
    )


def _plan_requests(world: World, caller: Caller):
    """The case plan (issue 16): every case reader reads the goals of the sections it reads; the
    lead agency's case team edits and submits; a supervisor of the lead agency decides, never on
    a submission of their own."""
    case_id = world.case.pk
    lead = world.staff["lead"]
    readable = caller.readable()
    reads_health = "health" in readable
    lead_member = caller.is_lead and caller.works_on_cases
    plan_match = {"If-Match": f'"{CasePlan.objects.get(case=world.case).version}"'}
    markers = ({PLAN_CORE_MARKER} if caller.views_case else set()) | (
        {PLAN_HEALTH_MARKER} if reads_health else set()
    )
    plan_path = f"cases/{case_id}/plan/"
    yield "plan", "get", plan_path, None, {}, expected_case_status(caller, True), markers
    yield (
        "plan submissions",
        "get",
        f"{plan_path}submissions/",
        None,
        {},
        expected_case_status(caller, True),
        markers,
    )
    review_on = (timezone.localdate() + timedelta(days=30)).isoformat()
    yield (
        "plan goal add",
        "post",
        f"{plan_path}goals/",
        {"domain": "education", "description": "Enrol in school", "review_on": review_on},
        plan_match,
        expected_case_status(caller, lead_member, ok=201),
        set(),
    )
    health_goal = world.extra["plan_health_goal"]
    health_status = expected_case_status(caller, lead_member) if reads_health else 404
    yield (
        "plan health goal update",
        "patch",
        f"{plan_path}goals/{health_goal.pk}/",
        {"review_on": review_on},
        plan_match,
        health_status,
        set(),
    )
    yield (
        "plan health goal action add",
        "post",
        f"{plan_path}goals/{health_goal.pk}/actions/",
        {"description": "Dentist", "owner_agency": lead.agency.pk, "due_at": in_hours(48).isoformat()},
        plan_match,
        201 if health_status == 200 else health_status,
        set(),
    )
    yield (
        "plan action update",
        "patch",
        f"{plan_path}actions/{world.extra['plan_core_action'].pk}/",
        {"description": "Twice-weekly check-in"},
        plan_match,
        expected_case_status(caller, lead_member),
        set(),
    )
    submit_status = expected_case_status(caller, lead_member, ok=201)
    if lead_member and caller.role == "supervisor":
        submit_status = 400  # the only supervisor named to decide on their own submission
    yield (
        "plan submit",
        "post",
        f"{plan_path}submit/",
        {"approver": str(lead.supervisor.public_id)},
        plan_match,
        submit_status,
        set(),
    )
    yield "plan submissions awaiting me", "get", "plan-submissions/?awaiting=me", None, {}, 200, set()
    awaiting = world.extra["plan_awaiting"]
    # The sibling case is the lead agency's alone: 404 for everyone else.
    decide_status = (200 if caller.role == "supervisor" else 403) if lead_member else 404
    yield "plan approve", "post", f"plan-submissions/{awaiting.pk}/approve/", {}, {}, decide_status, set()
    yield (
        "plan return",
        "post",
        f"plan-submissions/{awaiting.pk}/return/",
        {"comments": "Add a health goal."},
        {},
        decide_status,
        set(),
    )
    # Issue 17: a summary is printed by whoever sees the case (the PDF's text is checked for
    # markers in tests/exports); the case list export holds the caller's own cases only; the copies
    # taken are the access log's, for the lead agency's supervisors.
    yield (
        "case summary",
        "get",
        f"cases/{case_id}/summary.pdf?purpose=Court",
        None,
        {},
        200 if caller.views_case else 404,
        set(),
    )
    yield (
        "case summary without purpose",
        "get",
        f"cases/{case_id}/summary.pdf",
        None,
        {},
        400 if caller.views_case else 404,
        set(),
    )
    yield "case list csv", "get", "cases/export.csv?purpose=Review", None, {}, 200, set()
    yield "case list xlsx", "get", "cases/export.xlsx?purpose=Review", None, {}, 200, set()
    yield (
        "copies taken",
        "get",
        f"cases/{case_id}/copies/",
        None,
        {},
        expected_case_status(caller, caller.is_lead and caller.role == "supervisor"),
        set(),
    )


def call(api: Api, method, path, payload, headers):
    """One request whose writes are rolled back, so every request meets the same world."""
    savepoint = transaction.savepoint()
    try:
        if method == "get":
            return api.get(path, **headers)
        if method == "delete":
            return api.delete(path, **headers)
        return getattr(api, method)(path, payload, **headers)
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.parametrize(("slot", "role"), CALLERS, ids=[f"{slot}-{role}" for slot, role in CALLERS])
def test_every_endpoint_answers_as_domain_md_says_and_leaks_nothing(slot, role):
    check_every_endpoint(slot, role, language_headers={})


# Translation changes no answer (issue 19): every fifth caller, every role and most agency kinds among
# them, asks again in Spanish.
SPANISH_CALLERS = CALLERS[::5]


@pytest.mark.parametrize(
    ("slot", "role"), SPANISH_CALLERS, ids=[f"{slot}-{role}" for slot, role in SPANISH_CALLERS]
)
def test_every_endpoint_answers_the_same_in_spanish(slot, role):
    check_every_endpoint(slot, role, language_headers={"Accept-Language": "es"})


def test_the_spanish_sample_holds_every_role_and_slot():
    assert {role for _slot, role in SPANISH_CALLERS} == set(ROLES)
    assert len({slot for slot, _role in SPANISH_CALLERS}) >= len({slot for slot, _role in CALLERS}) // 2


def check_every_endpoint(slot, role, *, language_headers):
    world = build_world()
    caller = Caller(slot, role)
    user = world.platform_admin if caller.is_platform else world.staff[slot].by_role(role)
    api = Api(user)
    forbidden = caller.forbidden_markers()
    if not caller.hears_of_awaiting_handoff:
        forbidden.add(str(world.awaiting_handoff.pk))
    if not (caller.is_lead and caller.works_on_cases):
        # The link, and the case at its other end, do not exist for anyone who does not see both.
        forbidden |= {str(world.link.pk), str(world.sibling_case.pk)}

    problems = []
    for label, method, path, payload, headers, expected, required in requests_for(world, caller):
        response = call(api, method, path, payload, {**headers, **language_headers})
        # A file (the summary PDF, a workbook) is bytes; its markers are checked in tests/exports.
        content = response.content.decode(errors="replace")
        if response.status_code != expected:
            problems.append(
                f"{label}: {method.upper()} {path} -> {response.status_code} not {expected}: {content[:200]}"
            )
        leaked = sorted(marker for marker in forbidden if marker in content)
        if leaked:
            problems.append(f"{label}: {method.upper()} {path} leaked {leaked}")
        missing = sorted(marker for marker in required if marker not in content)
        if missing:
            problems.append(f"{label}: {method.upper()} {path} lacks {missing}")

    assert not problems, "\n".join(problems)
