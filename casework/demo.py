"""The demo county: one agency of each kind, a user for every role, and a dozen cases drawn from
the situations Bridge was built for. Every name and place is invented."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from agencies.models import Agency, AgencyKind, Role, User
from agencies.services import agency_create, user_create
from casework.access import get_case_access
from casework.models import Case, SignerCapacity
from casework.sections import RULES
from casework.services.cases import case_open, case_update
from casework.services.closure import case_closure_approve, case_closure_request, case_reopen
from casework.services.events import case_event_record
from casework.services.handoffs import handoff_create
from casework.services.notes import note_add
from casework.services.sharing import consent_record, grant_create, participant_invite
from casework.services.tasks import task_create

DEMO_AGENCIES: dict[str, tuple[str, str, str]] = {
    # key: (name, kind, jurisdiction)
    "cps": ("Lakeview County Children's Services", AgencyKind.CHILD_WELFARE, "TX"),
    "pd": ("Lakeview Police Department", AgencyKind.LAW_ENFORCEMENT, "TX"),
    "hsi": ("HSI Lakeview Field Office", AgencyKind.IMMIGRATION, "US"),
    "legal": ("Lakeview Legal Aid", AgencyKind.LEGAL_ADVOCATE, "TX"),
    "center": ("Eastside Community Center", AgencyKind.VICTIM_SERVICES, "TX"),
    "da": ("Lakeview County District Attorney's Office", AgencyKind.PROSECUTION, "TX"),
}

DEMO_PEOPLE: dict[str, tuple[str, str]] = {
    Role.CASEWORKER: ("Casey", "Caseworker"),
    Role.LIAISON: ("Lee", "Liaison"),
    Role.SUPERVISOR: ("Sam", "Supervisor"),
    Role.AGENCY_ADMIN: ("Ada", "Admin"),
}

PLATFORM_ADMIN_USERNAME = "platform-admin"
# The community center's staff work in Spanish (docs/translation.md); everyone else follows the
# browser.
DEMO_LANGUAGES = {"center": "es"}


def demo_username(agency_key: str, role: str) -> str:
    return f"{agency_key}-{role.replace('_', '-')}"


@dataclass(frozen=True)
class DemoTask:
    title: str
    due_in_hours: float
    owner: str = "cps"
    priority: str = "normal"


@dataclass(frozen=True)
class DemoCase:
    pseudonym: str
    age_band: str
    lead: str
    partners: tuple[str, ...]
    sections: dict[str, dict[str, Any]]
    story: str
    tasks: tuple[DemoTask, ...] = ()
    consents: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (recipient, sections) recorded by the steward
    investigation_shared_with: tuple[str, ...] = ()
    handoffs: tuple[tuple[int, str, bool], ...] = ()  # (task index, to agency, urgent)
    events: tuple[tuple[str, float], ...] = ()  # (event type, hours ago), recorded by the lead
    # (section, author agency, body): facts of a restricted section go in that section's notes,
    # never in the core story every participant reads.
    notes: tuple[tuple[str, str, str], ...] = ()
    # (reason, summary, reopened because): closed by the lead agency (asked by its caseworker,
    # approved by its supervisor), and reopened by its liaison when a reason is given.
    closing: tuple[str, str, str] | None = None


def _born(years_ago: int, days: int = 0) -> str:
    today = timezone.localdate()
    return (today.replace(year=today.year - years_ago) - timedelta(days=days)).isoformat()


DEMO_CASES: tuple[DemoCase, ...] = (
    DemoCase(
        pseudonym="A.N.",
        age_band="15-17",
        lead="cps",
        partners=("pd", "hsi", "legal", "center", "da"),
        story=(
            "A teen stopped coming to the community center; a social worker found she had been taken"
            " and trafficked, her mother among the traffickers."
        ),
        sections={
            "identity": {
                "legal_name": "Amara Nwosu-Demo",
                "date_of_birth": _born(16, 40),
                "languages": ["en", "fr"],
                "guardian": "County (temporary custody)",
            },
            "location": {
                "placement_type": "foster_family",
                "address": "Demo foster home, 400 Birch Lane, Lakeview",
                "school": "Lakeview North High",
            },
            "immigration": {"nationality": "Demoland"},
        },
        tasks=(
            DemoTask("Arrange emergency shelter bed and transport", 3, priority="urgent"),
            DemoTask("Arrange trauma-informed forensic interview", 20, owner="pd"),
        ),
        consents=(("center", ("location",)),),
        investigation_shared_with=("cps",),
        handoffs=((0, "center", True),),
        events=(
            ("sex_trafficking_identified", 3),
            ("foreign_national_minor_identified", 2),
            ("sijs_candidate_identified", 2),
        ),
        notes=(
            (
                "immigration",
                "legal",
                "Demo: arrived recently and is undocumented; a candidate for Special Immigrant Juvenile "
                "status. Preparing the predicate order motion.",
            ),
        ),
    ),
    DemoCase(
        pseudonym="J.T.",
        age_band="15-17",
        lead="cps",
        partners=("pd", "center"),
        story="A foster youth ran away from a group home and was trafficked; police found him 11 days later.",
        sections={
            "identity": {
                "legal_name": "Jordan Tate-Demo",
                "date_of_birth": _born(16, 200),
                "languages": ["en"],
            },
            "location": {
                "placement_type": "group_home",
                "address": "Demo group home, 18 Cedar Court",
                "school": "Lakeview Alternative School",
            },
            "health": {"summary": "Demo: follow-up with pediatric clinic."},
        },
        tasks=(DemoTask("Update safety plan with group home staff", 24 * 5, owner="center"),),
        events=(("missing_located", 70),),
    ),
    DemoCase(
        pseudonym="L.M.",
        age_band="12-14",
        lead="cps",
        partners=("pd",),
        story="A 13-year-old was reported missing by her foster parent; she has not been found.",
        sections={
            "identity": {
                "legal_name": "Lucia Moreno-Demo",
                "date_of_birth": _born(13, 90),
                "languages": ["es", "en"],
            },
            "location": {
                "placement_type": "missing",
                "address": "Last seen: Demo transit center",
                "school": "Lakeview Middle",
            },
        },
        tasks=(DemoTask("Canvass the last-seen area with flyers", 6, priority="high"),),
        handoffs=((0, "pd", False),),
        events=(("missing_reported", 30),),
    ),
    DemoCase(
        pseudonym="K.O.",
        age_band="15-17",
        lead="pd",
        partners=("cps", "hsi"),
        story="Identified during an online-advertisement investigation; referred to children's services.",
        sections={
            "identity": {
                "legal_name": "Kofi Owusu-Demo",
                "date_of_birth": _born(17, 20),
                "languages": ["en", "tw"],
            }
        },
        tasks=(DemoTask("Victim interview with advocate present", 26, owner="pd"),),
    ),
    DemoCase(
        pseudonym="R.P.",
        age_band="15-17",
        lead="cps",
        partners=("legal", "hsi"),
        story="Made to work on a farm as a minor; referred by a farm-worker outreach program.",
        sections={
            "identity": {
                "legal_name": "Rosa Perez-Demo",
                "date_of_birth": _born(17, 330),
                "languages": ["es", "mam"],
            },
            "immigration": {"nationality": "Demoland"},
        },
        tasks=(DemoTask("Arrange a medical check-up", 24 * 2),),
        events=(("foreign_national_minor_identified", 30), ("continued_presence_granted", 24 * 10)),
        notes=(
            (
                "immigration",
                "legal",
                "Demo: a foreign national; HSI requested Continued Presence, which was granted. The T-visa "
                "application is being prepared.",
            ),
        ),
    ),
    DemoCase(
        pseudonym="D.W.",
        age_band="12-14",
        lead="cps",
        partners=("center",),
        story="A 12-year-old disclosed exploitation by a relative to a school counselor.",
        sections={"identity": {"legal_name": "Dana Wells-Demo", "date_of_birth": _born(12, 10)}},
        tasks=(DemoTask("Court finding on reasonable efforts", 24 * 40),),
    ),
    DemoCase(
        pseudonym="T.B.",
        age_band="15-17",
        lead="center",
        partners=("cps",),
        story="Walked into the center's drop-in; asked for help leaving a 'boyfriend' who sells her.",
        sections={
            "identity": {"legal_name": "Tasha Brooks-Demo", "date_of_birth": _born(15, 100)},
            "services": {
                "summary": "Demo: emergency shelter bed arranged.",
                "safety_plan": "Demo: code word with staff.",
            },
        },
        tasks=(DemoTask("Safety planning session", 4, owner="center", priority="high"),),
    ),
    DemoCase(
        pseudonym="M.H.",
        age_band="6-11",
        lead="cps",
        partners=("pd",),
        story="A younger sibling of a trafficked teen; assessed for risk.",
        sections={"identity": {"legal_name": "Mia Hart-Demo", "date_of_birth": _born(9, 15)}},
        tasks=(DemoTask("Family safety assessment", 24 * 7),),
        events=(("removed_from_home", 24 * 20),),
    ),
    DemoCase(
        pseudonym="E.G.",
        age_band="18-20",
        lead="legal",
        partners=("cps",),
        story="Aged out of foster care at 18; legal aid keeps representing her.",
        sections={
            "identity": {
                "legal_name": "Elena Garcia-Demo",
                # Turns 21 within the supervisors' relief watch, her SIJ petition not yet filed.
                "date_of_birth": _born(20, 250),
                "languages": ["es"],
            }
        },
        tasks=(DemoTask("Help with a housing application", 24 * 30, owner="legal"),),
        events=(("sijs_candidate_identified", 24),),
        notes=(("immigration", "legal", "Demo: the SIJ petition must be filed before she turns 21."),),
    ),
    DemoCase(
        pseudonym="S.A.",
        age_band="15-17",
        lead="cps",
        partners=("pd", "legal", "da"),
        story="Labor trafficking in a nail salon; police investigation ongoing.",
        sections={
            "identity": {"legal_name": "Sun Ahn-Demo", "date_of_birth": _born(16, 5), "languages": ["ko"]}
        },
        tasks=(
            DemoTask("Arrange an interpreter for the victim interview", 24 * 4, owner="pd"),
            DemoTask("Open a federal labor-trafficking referral", 24 * 4, owner="pd"),
        ),
        # The police caseworker offers the referral to HSI, which is not on the case: the handoff
        # waits on the children's services liaisons' desk for approval.
        handoffs=((1, "hsi", False),),
        events=(("u_visa_certified", 24 * 3),),
        notes=(
            (
                "immigration",
                "legal",
                "Demo: police signed the U-visa certification (I-918 Supplement B); the I-918 is being "
                "prepared.",
            ),
        ),
    ),
    DemoCase(
        pseudonym="B.C.",
        age_band="15-17",
        lead="cps",
        partners=(),
        story="Runaway returned home; screening pending.",
        sections={"identity": {"legal_name": "Ben Cole-Demo", "date_of_birth": _born(15, 250)}},
        tasks=(DemoTask("Family reunification meeting", 24 * 9),),
        events=(("missing_located", 77),),
    ),
    DemoCase(
        pseudonym="N.F.",
        age_band="12-14",
        lead="cps",
        partners=("center", "pd"),
        story="Recruited through a gaming platform; investigation ongoing.",
        sections={
            "identity": {
                "legal_name": "Noor Farah-Demo",
                "date_of_birth": _born(14, 30),
                "languages": ["ar", "en"],
            }
        },
        tasks=(DemoTask("School enrollment records request", 24 * 7 + 3),),
    ),
    DemoCase(
        pseudonym="T.W.",
        age_band="12-14",
        lead="cps",
        partners=("center",),
        story="Exploited by an older boyfriend; placed with her grandmother after a year in care.",
        sections={"identity": {"legal_name": "Tia Walker-Demo", "date_of_birth": _born(13, 120)}},
        closing=(
            "reunified",
            "Placed permanently with her grandmother, who holds guardianship since the October "
            "hearing. Counselling continues at the community center; school attendance is steady. "
            "No contact from the former boyfriend in six months.",
            "",
        ),
    ),
    DemoCase(
        pseudonym="D.S.",
        age_band="15-17",
        lead="cps",
        partners=("pd",),
        story="Moved with his father to another state; came back alone and was found at the bus station.",
        sections={"identity": {"legal_name": "Diego Soto-Demo", "date_of_birth": _born(16, 200)}},
        closing=(
            "moved_away",
            "Family moved out of state; the receiving county's child welfare agency has the file and "
            "the transfer summary.",
            "He came back to Lakeview alone and was found at the bus station by police; new safety "
            "concerns about his father's employer.",
        ),
    ),
)

DEMO_CHILD_NAMES: tuple[str, ...] = tuple(case.sections["identity"]["legal_name"] for case in DEMO_CASES)


def _stewards(agency: Agency, section: str) -> bool:
    rule = RULES[section]
    return rule.steward_kinds is None or agency.kind in rule.steward_kinds


def _demo_password_set(user: User, password: str) -> None:
    """The demo's published password. Real accounts never get a password from anyone but the
    person (`agencies.services.user_create` emails them an enrolment link); this runs only from
    `load_demo`, which refuses to run unless the settings define BRIDGE_DEMO_PASSWORD (the local
    demo and the tests)."""
    user.set_password(password)
    user.save(update_fields=["password"])


@transaction.atomic
def demo_load(*, password: str) -> bool:
    """Load the demo county through the real services. Returns False when it is already there."""
    if Agency.objects.filter(name=DEMO_AGENCIES["cps"][0]).exists():
        return False
    platform_admin = user_create(
        actor=None,
        username=PLATFORM_ADMIN_USERNAME,
        email="platform-admin@bridge.invalid",
        agency=None,
        role="",
        first_name="Pia",
        last_name="Platform",
        is_staff=True,
        is_superuser=True,
        enrolment_email=False,
    )
    _demo_password_set(platform_admin, password)
    agencies: dict[str, Agency] = {}
    people: dict[tuple[str, str], User] = {}
    for key, (name, kind, jurisdiction) in DEMO_AGENCIES.items():
        agencies[key] = agency_create(actor=platform_admin, name=name, kind=kind, jurisdiction=jurisdiction)
        for role, (first, last) in DEMO_PEOPLE.items():
            username = demo_username(key, role)
            people[key, role] = user_create(
                actor=platform_admin,
                username=username,
                email=f"{username}@bridge.invalid",
                agency=agencies[key],
                role=role,
                first_name=first,
                last_name=f"{last} ({key.upper()})",
                enrolment_email=False,
                language=DEMO_LANGUAGES.get(key, ""),
            )
            _demo_password_set(people[key, role], password)
    for demo in DEMO_CASES:
        _load_case(demo=demo, agencies=agencies, people=people)
    # Apps built on casework add their own demo data (settings.BRIDGE_DEMO_EXTENSIONS), through
    # their own services: casework never imports them.
    for loader in settings.BRIDGE_DEMO_EXTENSIONS:
        import_string(loader)(people=people)
    return True


def _load_case(*, demo: DemoCase, agencies: dict[str, Agency], people: dict[tuple[str, str], User]) -> Case:
    lead_worker = people[demo.lead, Role.CASEWORKER]
    lead_liaison = people[demo.lead, Role.LIAISON]
    own = {name: values for name, values in demo.sections.items() if _stewards(agencies[demo.lead], name)}
    case = case_open(actor=lead_worker, pseudonym=demo.pseudonym, age_band=demo.age_band, sections=own)
    note_add(actor=lead_worker, case=case, section="core", body=demo.story)
    for partner in demo.partners:
        participant_invite(actor=lead_liaison, case=case, agency=agencies[partner])
    for name, values in demo.sections.items():
        if name not in own:
            steward = next(key for key in demo.partners if _stewards(agencies[key], name))
            writer = people[steward, Role.LIAISON]
            case = case_update(
                actor=writer,
                case=case,
                expected_version=get_case_access(user=writer, case_id=case.pk).version,
                sections={name: values},
            )
    for recipient, sections in demo.consents:
        consent = consent_record(
            actor=lead_liaison,
            case=case,
            recipient_agency=agencies[recipient],
            sections=list(sections),
            purpose="Coordinate shelter and school safety planning.",
            signed_by="Child and guardian ad litem",
            signer_capacity=SignerCapacity.GUARDIAN_AD_LITEM,
            signed_on=timezone.localdate() - timedelta(days=20),
            explained_in="Spanish",
            interpreter="Language Line Solutions, interpreter ID 40317",
        )
        for section in sections:
            grant_create(
                actor=lead_liaison, case=case, agency=agencies[recipient], section=section, consent=consent
            )
    for recipient in demo.investigation_shared_with:
        grant_create(
            actor=people["pd", Role.LIAISON], case=case, agency=agencies[recipient], section="investigation"
        )
    now = timezone.now()
    tasks = [
        task_create(
            actor=lead_worker if task.owner == demo.lead else people[task.owner, Role.LIAISON],
            case=case,
            title=task.title,
            due_at=now + timedelta(hours=task.due_in_hours),
            priority=task.priority,
            assignee=people[task.owner, Role.CASEWORKER],
        )
        for task in demo.tasks
    ]
    for event_type, hours_ago in demo.events:
        case_event_record(
            actor=lead_worker, case=case, event_type=event_type, occurred_at=now - timedelta(hours=hours_ago)
        )
    for section, author, body in demo.notes:
        note_add(actor=people[author, Role.LIAISON], case=case, section=section, body=body)
    for index, recipient, urgent in demo.handoffs:
        handoff_create(
            actor=people[demo.tasks[index].owner, Role.CASEWORKER],
            task=tasks[index],
            to_agency=agencies[recipient],
            note="Can your team take this on?",
            urgent=urgent,
        )
    if demo.closing is not None:
        _close(case=case, demo=demo, people=people)
    return case


def _close(*, case: Case, demo: DemoCase, people: dict[tuple[str, str], User]) -> None:
    assert demo.closing is not None
    reason, summary, reopened_because = demo.closing
    closure = case_closure_request(
        actor=people[demo.lead, Role.CASEWORKER],
        case_id=case.pk,
        reason=reason,
        summary=summary,
        reviewer=people[demo.lead, Role.SUPERVISOR],
    )
    case_closure_approve(actor=people[demo.lead, Role.SUPERVISOR], closure_id=closure.pk, comments="Agreed.")
    if reopened_because:
        case_reopen(actor=people[demo.lead, Role.LIAISON], case_id=case.pk, reason=reopened_because)
