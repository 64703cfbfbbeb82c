"""Which cases a user sees, and `CaseAccess`: everything one user may do on one case."""

import enum
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, AgencyKind, Role, User
from casework.access.sql import (
    CaseFound,
    CaseVisible,
    SectionsGranted,
    SectionsOpened,
    readable_rows,
    sections_read,
)
from casework.models import (
    Case,
    CaseEvent,
    CaseParticipant,
    CaseStatus,
    Consent,
    SectionGrant,
)
from casework.sections import CONSENT_SECTIONS, DATA_SECTIONS, RULES, Section, section_in_sentence
from common.errors import Conflict, Moved, NotFound, PermissionDenied, Text

CASE_ROLES = frozenset({Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR})
LIAISON_ROLES = frozenset({Role.LIAISON, Role.SUPERVISOR})


def works_on_cases(user: User) -> bool:
    """Agency members in a case role; agency administrators and platform staff see no case content."""
    return bool(user.is_authenticated and user.is_active and user.agency_id and user.role in CASE_ROLES)


def active_grant_filter(*, prefix: str = "") -> Q:
    now = timezone.now()
    return Q(**{f"{prefix}ended_at__isnull": True}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
    )


def worker_id_for(user: User) -> int | None:
    """Whose own work limits the cases a user sees: a caseworker's. Liaisons and supervisors see
    every case their agency takes part in."""
    return None if user.role in LIAISON_ROLES else user.pk


def sees_every_agency_case(*, user: User) -> bool:
    """Whether the user sees every case their agency takes part in (liaisons and supervisors), not
    only those they work on (caseworkers)."""
    return works_on_cases(user) and worker_id_for(user) is None


def agency_takes_part(*, agency_id: int, case_ref: str = "pk") -> CaseVisible:
    return CaseVisible(case_ref, agency_id=agency_id)


def case_visibility_filter(*, user: User, case_ref: str = "pk", whole: bool = False) -> Q:
    """A filter over any queryset with a reference to a case (`case_ref`) that keeps the rows on
    cases this user may see. One indexed `EXISTS` per rule, whatever the data size. `whole`: the
    query needs every such case (a list sorted by a figure), not a page in an index's order; the
    same cases, read from a caseworker's own side (`casework.access.sql`)."""
    if not works_on_cases(user):
        return Q(pk__in=[])
    assert user.agency_id is not None
    return Q(CaseVisible(case_ref, agency_id=user.agency_id, worker_id=worker_id_for(user), whole=whole))


def cases_visible_to(*, user: User, whole: bool = False) -> QuerySet[Case]:
    return Case.objects.filter(case_visibility_filter(user=user, whole=whole))


def sees_case(*, user: User, case_id: uuid.UUID) -> bool:
    """Whether the user may see the case (NotFound's question, answered without raising)."""
    return cases_visible_to(user=user).filter(pk=case_id).exists()


def parse_id(value: object) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as error:
        raise NotFound() from error


class Action(enum.StrEnum):
    """What a user may ask to do on a case. Those about a section take `section=`; consents
    `sections=`; those about one record take it (`grant=`, `consent=`, `event=`)."""

    READ = "read"
    WRITE = "write"
    ADD_NOTE = "add_note"
    SEE_SECTION_READERS = "see_section_readers"
    GRANT = "grant"
    VIEW_GRANTS = "view_grants"
    REVOKE_GRANT = "revoke_grant"
    HANDLE_CONSENTS = "handle_consents"
    RECORD_CONSENT = "record_consent"
    REVOKE_CONSENT = "revoke_consent"
    INVITE = "invite"
    MANAGE_TEAM = "manage_team"
    SEE_SHARING = "see_sharing"
    VIEW_ACCESS_LOG = "view_access_log"
    BREAK_GLASS = "break_glass"
    CORRECT_EVENT = "correct_event"
    HAND_OFF_LEAD = "hand_off_lead"
    RECORD_EXPLOITATION_PROFILE = "record_exploitation_profile"
    LINK_CASES = "link_cases"
    REQUEST_CLOSURE = "request_closure"
    DECIDE_CLOSURE = "decide_closure"
    REOPEN = "reopen"
    REFER = "refer"
    WRITE_CRIMINAL_CASE = "write_criminal_case"
    EDIT_PLAN = "edit_plan"
    APPROVE_PLAN = "approve_plan"
    SEE_POSSIBLE_MATCHES = "see_possible_matches"
    ASK_TO_COMPARE = "ask_to_compare"
    MERGE = "merge"


BREAK_GLASS_READS_ONLY = gettext_lazy(
    "Your agency reads this only through a break-glass opening, which lets you read, never write."
)

# What `CaseAccess.require` says when an action is refused: the rule, in the words DOMAIN.md uses.
DENIALS: dict[Action, Text] = {
    Action.READ: gettext_lazy("Your agency may not read this section."),
    Action.WRITE: gettext_lazy("Your agency may not change this section."),
    Action.ADD_NOTE: gettext_lazy("Your agency may not write in this section."),
    Action.SEE_SECTION_READERS: gettext_lazy("Only the section's steward agencies see who reads it."),
    Action.GRANT: gettext_lazy("Only a liaison or supervisor of the section's steward agency grants it."),
    Action.VIEW_GRANTS: gettext_lazy("Only liaisons and supervisors of a steward agency manage grants."),
    Action.REVOKE_GRANT: (
        gettext_lazy(
            "Only a liaison or supervisor of the section's steward agency ends a grant,"
            " never a steward's own."
        )
    ),
    Action.HANDLE_CONSENTS: gettext_lazy(
        "Only agencies stewarding a section shared on consent handle consents."
    ),
    Action.RECORD_CONSENT: gettext_lazy("Only a steward of every section named records this consent."),
    Action.REVOKE_CONSENT: (
        gettext_lazy("Only a liaison or supervisor of the agency that recorded this consent revokes it.")
    ),
    Action.INVITE: gettext_lazy("Only a liaison or supervisor of the lead agency invites agencies."),
    Action.MANAGE_TEAM: gettext_lazy("Only a liaison or supervisor builds the case team."),
    Action.SEE_SHARING: gettext_lazy("Only liaisons and supervisors manage sharing."),
    Action.VIEW_ACCESS_LOG: gettext_lazy("Only supervisors of the lead agency see the access log."),
    Action.BREAK_GLASS: gettext_lazy("Only a supervisor may use break-glass access."),
    Action.CORRECT_EVENT: (
        gettext_lazy(
            "Only the agency that recorded an event corrects or voids it, through a liaison, a supervisor"
            " or the person who recorded it."
        )
    ),
    Action.HAND_OFF_LEAD: gettext_lazy("Only a liaison or supervisor of the lead agency hands off the lead."),
    Action.RECORD_EXPLOITATION_PROFILE: (
        gettext_lazy(
            "Only law enforcement, immigration, or child welfare holding the investigation section records"
            " the exploitation profile."
        )
    ),
    Action.LINK_CASES: gettext_lazy("Only the lead agency links its case to others or removes its links."),
    Action.REQUEST_CLOSURE: gettext_lazy("Only the lead agency asks to close a case."),
    Action.DECIDE_CLOSURE: (
        gettext_lazy(
            "Only a supervisor of the lead agency approves or returns a closing, never the person who asked."
        )
    ),
    Action.REOPEN: gettext_lazy("Only a liaison or supervisor of the lead agency reopens a closed case."),
    Action.REFER: gettext_lazy("Only an agency taking part in the case refers the child to a service."),
    Action.WRITE_CRIMINAL_CASE: (
        gettext_lazy(
            "Only law enforcement, immigration, or a prosecution agency holding the investigation section"
            " records the criminal case."
        )
    ),
    Action.EDIT_PLAN: (
        gettext_lazy(
            "Only the lead agency's case team edits and submits the case plan, and only goals in sections"
            " it reads (never by break-glass)."
        )
    ),
    Action.APPROVE_PLAN: gettext_lazy(
        "Only a supervisor of the lead agency approves or returns the case plan."
    ),
    Action.SEE_POSSIBLE_MATCHES: (
        gettext_lazy(
            "Only people who work on the case and read its identity section (never by break-glass) see"
            " its possible matches."
        )
    ),
    Action.ASK_TO_COMPARE: (
        gettext_lazy(
            "Only people who work on the case and read its identity section (never by break-glass) ask"
            " another agency to compare a possible match."
        )
    ),
    Action.MERGE: gettext_lazy(
        "Only a supervisor of the case's lead agency agrees to merge it with another case."
    ),
}

CASE_IS_CLOSED = gettext_lazy(
    "This case is closed: its lead agency reopens it before anything on it changes."
)

# What a closed case refuses: every change to its record, its sharing and its team. Reading,
# ending a grant and revoking a consent stay open (a child may always withdraw consent); a new
# grant (`Action.GRANT` with `to_agency`) is refused too.
CHANGES_THE_CASE = frozenset(
    {
        Action.WRITE,
        Action.ADD_NOTE,
        Action.RECORD_CONSENT,
        Action.INVITE,
        Action.MANAGE_TEAM,
        Action.CORRECT_EVENT,
        Action.HAND_OFF_LEAD,
        Action.RECORD_EXPLOITATION_PROFILE,
        Action.LINK_CASES,
        Action.REQUEST_CLOSURE,
        Action.DECIDE_CLOSURE,
        Action.REFER,
        Action.WRITE_CRIMINAL_CASE,
        Action.EDIT_PLAN,
        Action.APPROVE_PLAN,
        Action.ASK_TO_COMPARE,
        Action.MERGE,
    }
)

SELF_APPROVAL = gettext_lazy(
    "A supervisor never decides on a case plan they submitted: another supervisor must."
)


def section_may_reach(*, section: str, agency_kind: str) -> bool:
    """Whether the section may ever be read by an agency of this kind: a section that never leaves
    its kind of agency (`legal` outside legal advocates) is never granted or opened elsewhere."""
    only_kinds = RULES[section].only_kinds
    return only_kinds is None or agency_kind in only_kinds


def _never_leaves(section: str, verb: str) -> str:
    only_kinds = RULES[section].only_kinds
    assert only_kinds is not None
    values = {
        "section": section_in_sentence(section),
        # The kinds' codes, as the API names them.
        "kinds": ", ".join(sorted(only_kinds)),
    }
    if verb == "opened":
        return _("The %(section)s section is never opened outside %(kinds)s agencies.") % values
    return _("The %(section)s section is never shared outside %(kinds)s agencies.") % values


@dataclass(frozen=True)
class CaseAccess:
    """The case policy for one user on one case: "may I" (`may`, `require`), "which ones"
    (`sections`, `readable`, `writable`) and the records on the case this user sees (the
    `*_visible` functions take it). Build it with `get_case_access`."""

    user: User
    case: Case
    readable: frozenset[str]
    # The readable sections the user reads only through an active break-glass opening: read-only,
    # and marked as such in the audit log.
    break_glass: frozenset[str] = frozenset()

    @property
    def agency(self) -> Agency:
        assert self.user.agency is not None
        return self.user.agency

    @property
    def version(self) -> int:
        """The version of what this user may read of the case (its ETag)."""
        return self.case.version_for(self.readable)

    @property
    def is_lead(self) -> bool:
        return self.case.lead_agency_id == self.user.agency_id

    @property
    def is_open(self) -> bool:
        return self.case.status == CaseStatus.OPEN

    def require_open(self) -> None:
        """`Conflict` on a closed case: for changes that need only sight of the case (recording an
        event, creating or handing off a task), which no other rule refuses."""
        if not self.is_open:
            raise Conflict(CASE_IS_CLOSED)

    def stewards(self, section: str) -> bool:
        return agency_stewards(agency=self.agency, case=self.case, section=section)

    def may_read(self, section: str) -> bool:
        return section in self.readable

    def may_write(self, section: str) -> bool:
        return (
            self.is_open
            and section in self.readable
            and section not in self.break_glass
            and self.stewards(section)
        )

    def may_add_note(self, section: str) -> bool:
        """A note is a write: general notes (`core`) by every agency on the case, a data section's
        notes only by an agency that may write that section. Reading a section, by grant, consent
        or break-glass, never lets anyone write in it."""
        return (section == Section.CORE and self.is_open) or self.may_write(section)

    @property
    def note_sections(self) -> frozenset[str]:
        return frozenset(section for section in self.readable if self.may_add_note(section))

    @property
    def writable(self) -> frozenset[str]:
        return frozenset(section for section in self.readable if self.may_write(section))

    @property
    def is_liaison_or_supervisor(self) -> bool:
        return self.user.role in LIAISON_ROLES

    @property
    def may_invite(self) -> bool:
        return self.is_lead and self.is_liaison_or_supervisor

    def may_grant(self, section: str) -> bool:
        return section != Section.CORE and self.is_liaison_or_supervisor and self.stewards(section)

    @property
    def grantable_sections(self) -> frozenset[str]:
        return frozenset(section for section in RULES if self.may_grant(section))

    @property
    def may_view_grants(self) -> bool:
        return bool(self.grantable_sections)

    def may_record_consent(self, sections: list[str] | frozenset[str]) -> bool:
        return bool(sections) and all(self.stewards(section) for section in sections)

    def may_revoke_grant(self, grant: SectionGrant) -> bool:
        """End another agency's grant of a section this agency stewards; a steward's own access to
        its section never ends this way."""
        return (
            grant.ended_at is None
            and self.may_grant(grant.section)
            and not agency_stewards(agency=grant.agency, case=self.case, section=grant.section)
        )

    def may_revoke_consent(self, consent: Consent) -> bool:
        """Revoking a consent ends the grants resting on it, so it takes what ending a grant takes:
        a liaison or supervisor of the steward agency that recorded it."""
        return (
            consent.revoked_at is None
            and self.is_liaison_or_supervisor
            and consent.recorded_by_agency_id == self.user.agency_id
            and self.may_record_consent(consent.sections)
        )

    @property
    def consent_sections(self) -> frozenset[str]:
        """The consent-based sections this agency stewards, so may record consents for."""
        return frozenset(section for section in CONSENT_SECTIONS if self.stewards(section))

    @property
    def may_refer(self) -> bool:
        """Ask a provider for a service for the child: a case worker of an agency taking part in
        the case (who asks is the sending agency; the handoff's rules decide whether the provider
        must first be approved onto the case)."""
        return (
            self.user.role in CASE_ROLES
            and CaseParticipant.objects.filter(case=self.case, agency=self.agency).exists()
        )

    @property
    def may_view_access_log(self) -> bool:
        return self.is_lead and self.user.role == Role.SUPERVISOR

    @property
    def may_manage_team(self) -> bool:
        return self.is_liaison_or_supervisor

    @property
    def may_handle_consents(self) -> bool:
        """Consents are recorded, read and revoked by the agencies that steward a section shared on
        consent here; the others never see them (a consent names its purpose)."""
        return bool(self.consent_sections)

    @property
    def may_see_sharing(self) -> bool:
        """Whether the case's sharing page has anything this user may do or read beyond the list
        of participants every viewer sees."""
        return self.may_invite or self.may_view_grants or self.may_handle_consents or self.may_manage_team

    def may_break_glass(self, section: str) -> bool:
        """A supervisor may open a data section their agency holds no grant for, in an emergency;
        never a section that may not leave its kind of agency (`legal` outside legal advocates)."""
        if self.user.role != Role.SUPERVISOR or section not in DATA_SECTIONS or section in self.readable:
            return False
        return section_may_reach(section=section, agency_kind=self.agency.kind)

    @property
    def may_record_exploitation_profile(self) -> bool:
        """The exploitation profile lives in `investigation`: its stewards write it, and child
        welfare records it too, but only while it already reads the section by a grant (never by
        break-glass), so recording never widens what child welfare reads."""
        section = Section.INVESTIGATION
        return self.may_write(section) or (
            self.agency.kind == AgencyKind.CHILD_WELFARE
            and section in self.readable
            and section not in self.break_glass
        )

    @property
    def may_write_criminal_case(self) -> bool:
        """The criminal case (charges, proceedings, defendants, custody, restitution) lives in
        `investigation`: its stewards write it, and a prosecution agency does too while it reads
        the section (never by break-glass), without stewarding the rest of the section."""
        section = Section.INVESTIGATION
        return self.may_write(section) or (
            self.agency.kind == AgencyKind.PROSECUTION
            and section in self.readable
            and section not in self.break_glass
        )

    def may_edit_plan(self, section: str = "") -> bool:
        """The lead agency keeps the case plan: any of its people on the case edit the draft and
        submit it, each goal only in a section they read other than by break-glass (a goal's
        words belong to its section). Without a section: whether they edit the plan at all."""
        if not self.is_lead:
            return False
        return not section or (section in self.readable and section not in self.break_glass)

    def may_approve_plan(self, submitted_by_id: int | None = None) -> bool:
        """A supervisor of the lead agency decides, never on their own submission."""
        return (
            self.is_lead
            and self.user.role == Role.SUPERVISOR
            and (submitted_by_id is None or submitted_by_id != self.user.pk)
        )

    @property
    def may_see_possible_matches(self) -> bool:
        """A possible match is derived from the identity section, so it carries that section's
        protection; administrators never reach a case (`works_on_cases`), and a break-glass opening
        reads, it does not search other agencies' cases."""
        return (
            self.user.role in CASE_ROLES
            and Section.IDENTITY in self.readable
            and Section.IDENTITY not in self.break_glass
        )

    def may_correct_event(self, event: CaseEvent) -> bool:
        """Correct or void a recorded event: its recording agency, through a liaison or supervisor
        or the person who recorded it, while the agency reads (not by break-glass) its section."""
        return (
            event.recording_agency_id == self.user.agency_id
            and (self.is_liaison_or_supervisor or event.recorded_by_id == self.user.pk)
            and event.section in self.readable
            and event.section not in self.break_glass
        )

    def may(
        self,
        action: Action,
        *,
        section: str = "",
        sections: Iterable[str] = (),
        to_agency: Agency | None = None,
        grant: SectionGrant | None = None,
        consent: Consent | None = None,
        event: CaseEvent | None = None,
        submitted_by_id: int | None = None,
    ) -> bool:
        """Whether the user may do `action` here (with what it is about: see `Action`)."""
        if action in CHANGES_THE_CASE and not self.is_open:
            return False
        match action:
            case Action.READ:
                return self.may_read(section)
            case Action.WRITE:
                return self.may_write(section)
            case Action.ADD_NOTE:
                return self.may_add_note(section)
            case Action.SEE_SECTION_READERS:
                return self.may_read(section) and (section == Section.CORE or self.stewards(section))
            case Action.GRANT:
                if to_agency is None:
                    return self.may_grant(section)
                reaches = section_may_reach(section=section, agency_kind=to_agency.kind)
                return self.may_grant(section) and reaches and self.is_open
            case Action.VIEW_GRANTS:
                return self.may_view_grants
            case Action.REVOKE_GRANT:
                assert grant is not None
                return self.may_revoke_grant(grant)
            case Action.HANDLE_CONSENTS:
                return self.may_handle_consents
            case Action.RECORD_CONSENT:
                return self.may_record_consent(frozenset(sections))
            case Action.REVOKE_CONSENT:
                assert consent is not None
                return self.may_revoke_consent(consent)
            case Action.INVITE:
                return self.may_invite
            case Action.MANAGE_TEAM:
                return self.may_manage_team
            case Action.SEE_SHARING:
                return self.may_see_sharing
            case Action.VIEW_ACCESS_LOG:
                return self.may_view_access_log
            case Action.BREAK_GLASS:
                # Without a section: whether there is any section the user may open.
                return self.may_break_glass(section) if section else bool(self.sections(Action.BREAK_GLASS))
            case Action.CORRECT_EVENT:
                assert event is not None
                return self.may_correct_event(event)
            case Action.HAND_OFF_LEAD:
                return self.is_lead and self.is_liaison_or_supervisor
            case Action.RECORD_EXPLOITATION_PROFILE:
                return self.may_record_exploitation_profile
            case Action.WRITE_CRIMINAL_CASE:
                return self.may_write_criminal_case
            case Action.LINK_CASES:
                # Either end's lead agency, each from its own case; the other end must be a case
                # the user sees (`links.services`), so a link never tells anyone of a case.
                return self.is_lead
            case Action.REQUEST_CLOSURE:
                return self.is_lead
            case Action.DECIDE_CLOSURE:
                # The requester is refused by `casework.services.closure`, which knows the request.
                return self.is_lead and self.user.role == Role.SUPERVISOR
            case Action.REOPEN:
                return self.is_lead and self.is_liaison_or_supervisor and not self.is_open
            case Action.REFER:
                return self.may_refer
            case Action.EDIT_PLAN:
                return self.may_edit_plan(section)
            case Action.APPROVE_PLAN:
                return self.may_approve_plan(submitted_by_id)
            case Action.SEE_POSSIBLE_MATCHES | Action.ASK_TO_COMPARE:
                return self.may_see_possible_matches
            case Action.MERGE:
                return self.is_lead and self.user.role == Role.SUPERVISOR

    def require(
        self,
        action: Action,
        *,
        section: str = "",
        sections: Iterable[str] = (),
        to_agency: Agency | None = None,
        grant: SectionGrant | None = None,
        consent: Consent | None = None,
        event: CaseEvent | None = None,
        submitted_by_id: int | None = None,
    ) -> None:
        """`PermissionDenied`, saying which rule refuses, unless the user may do `action`."""
        allowed = self.may(
            action,
            section=section,
            sections=sections,
            to_agency=to_agency,
            grant=grant,
            consent=consent,
            event=event,
            submitted_by_id=submitted_by_id,
        )
        if allowed:
            return
        if not self.is_open and (action in CHANGES_THE_CASE or (action is Action.GRANT and to_agency)):
            raise Conflict(CASE_IS_CLOSED)
        if action is Action.REOPEN and self.is_open and self.is_lead and self.is_liaison_or_supervisor:
            raise Conflict(_("This case is open."))
        if action is Action.GRANT and to_agency is not None and self.may_grant(section):
            raise PermissionDenied(_never_leaves(section, "shared"))
        if (
            action is Action.BREAK_GLASS
            and section
            and not section_may_reach(section=section, agency_kind=self.agency.kind)
        ):
            raise PermissionDenied(_never_leaves(section, "opened"))
        if action is Action.CORRECT_EVENT and event is not None:
            recorder = event.recording_agency.name
            raise PermissionDenied(
                _("%(rule)s This one was recorded by %(agency)s.")
                % {"rule": DENIALS[action], "agency": recorder}
            )
        if action is Action.APPROVE_PLAN and self.may_approve_plan():
            raise PermissionDenied(SELF_APPROVAL)
        raise PermissionDenied(DENIALS[action])

    def sections(self, action: Action) -> frozenset[str]:
        """Which sections of the case the user may do `action` on (read, write, add notes to,
        grant, record consent for, open by break-glass)."""
        match action:
            case Action.READ:
                return self.readable
            case Action.WRITE:
                return self.writable
            case Action.ADD_NOTE:
                return self.note_sections
            case Action.GRANT:
                return self.grantable_sections
            case Action.RECORD_CONSENT:
                return self.consent_sections
            case Action.BREAK_GLASS:
                return frozenset(section for section in DATA_SECTIONS if self.may_break_glass(section))
        raise ValueError(f"{action} is not about sections.")


def agency_stewards(*, agency: Agency, case: Case, section: str) -> bool:
    rule = RULES[section]
    if rule.steward_kinds is None:
        return case.lead_agency_id == agency.pk
    return agency.kind in rule.steward_kinds


def active_break_glass_filter(*, user: User) -> Q:
    """Break-glass openings by this user, for their current agency, that have not yet expired."""
    return Q(opened_by_id=user.pk, agency_id=user.agency_id, expires_at__gt=timezone.now())


# Columns of the case page's query, taken off the case once read.
_GRANTED = "access_sections_granted"
_OPENED = "access_sections_opened"


def get_case_access(*, user: User, case_id: object, lock: bool = False) -> CaseAccess:
    """The case with this id as this user may see it, or `NotFound`. With `lock`, the case row is
    locked for the rest of the caller's transaction."""
    # One query for the case and the sections the user reads of it, one filter call and `get`
    # (which drops the cases' default ordering): on a page that reads one case, building and
    # compiling the query costs more than the database takes to run it.
    if not works_on_cases(user):
        raise NotFound()
    assert user.agency_id is not None
    now = timezone.now()
    queryset = (
        Case.objects.select_related("lead_agency")
        .annotate(
            **{
                _GRANTED: SectionsGranted(agency_id=user.agency_id, now=now),
                _OPENED: SectionsOpened(agency_id=user.agency_id, user_id=user.pk, now=now),
            }
        )
        .filter(case_visibility_filter(user=user), pk=parse_id(case_id))
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        case = queryset.get()
    except Case.DoesNotExist as error:
        surviving_case_id = surviving_case_seen(user=user, case_id=case_id)
        if surviving_case_id is not None:
            raise Moved(old_id=parse_id(case_id), new_id=surviving_case_id) from error
        raise NotFound() from error
    granted, opened = case.__dict__.pop(_GRANTED), case.__dict__.pop(_OPENED)
    readable, break_glass = sections_read(granted=granted, opened=opened)
    return CaseAccess(user=user, case=case, readable=readable, break_glass=break_glass)


def surviving_case_seen(*, user: User, case_id: object) -> uuid.UUID | None:
    """The case this one was merged into, if the user sees it. A merged case is seen by nobody (its
    participation moved with everything else), so its URLs lead here; for anyone who does not see
    the surviving case it stays exactly like a case that does not exist. Asked for every id not
    found, so a missing case and a merged one cost the same query."""
    return (
        cases_visible_to(user=user)
        .filter(merged_cases__pk=parse_id(case_id))
        .order_by()
        .values_list("pk", flat=True)
        .first()
    )


def readable_sections_by_case(*, user: User, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]:
    """Readable sections for many visible cases in one query (list pages)."""
    by_case: dict[uuid.UUID, set[str]] = defaultdict(lambda: {Section.CORE.value})
    for case_id, section, _break_glass in readable_rows(user=user, case_ids=case_ids):
        by_case[case_id].add(section)
    return {case_id: frozenset(by_case[case_id]) for case_id in case_ids}


# --- case lists: search by name and what a row may show ---------------------------------------


def case_found_filter(*, user: User, term: str) -> Q:
    """The cases a search for `term` (of three characters or more: `casework.search`) finds for
    this user: by number or pseudonym, or by the child's names on the cases whose `identity` the
    user's agency reads through a grant. It narrows the cases the user sees, never widens them."""
    if not works_on_cases(user):
        return Q(pk__in=[])
    assert user.agency_id is not None
    return Q(CaseFound(term=term, agency_id=user.agency_id))


def agency_reads_section_filter(*, user: User, section: str, case_ref: str = "pk") -> Q:
    """Rows whose case (`case_ref`) the user's agency holds an active grant of `section` on: the
    cases whose `identity` a search may match by the child's name. Break-glass openings do not
    count: one supervisor's emergency read of one case is not a way to search across cases."""
    if not works_on_cases(user):
        return Q(pk__in=[])
    assert user.agency_id is not None
    return agency_holds_section_filter(agency_id=user.agency_id, section=section, case_ref=case_ref)


def agency_next_grant_expiry(*, agency_id: int, after: datetime) -> datetime | None:
    """When the first of the agency's active grants that end by date ends after `after`: until
    then, figures summed up over what the agency reads stay true (its stored dashboard)."""
    expiry: datetime | None = SectionGrant.objects.filter(
        agency_id=agency_id, ended_at__isnull=True, expires_at__gt=after
    ).aggregate(first=Min("expires_at"))["first"]
    return expiry


def agency_grant_ended_since(*, agency_id: int, moment: datetime) -> bool:
    """Whether one of the agency's grants was ended at or after `moment`."""
    return SectionGrant.objects.filter(agency_id=agency_id, ended_at__gte=moment).exists()


def agency_holds_section_filter(*, agency_id: int, section: str, case_ref: str = "pk") -> Q:
    """Rows whose case (`case_ref`) the agency holds an active grant of `section` on: what
    `agency_reads_section_filter` asks of a member's agency, for figures about the agency itself
    (its supervisors' stored dashboard)."""
    grants = SectionGrant.objects.filter(
        active_grant_filter(), case_id=OuterRef(case_ref), agency_id=agency_id, section=section
    )
    return Q(Exists(grants))


# When what the reader may read of a case last changed, as `Case.updated_at_for(readable)` answers
# it on a case page, for every row of a list at once, so a list can sort by it: core's time and the
# edit time (`section_changes`) of each section the reader reads, by grant or their own break-glass
# opening. Edits of other sections move nothing the reader sees (issue 12, finding 11).


# --- reads for the API ------------------------------------------------------------------------


def case_with_readable_sections(*, access: CaseAccess) -> Case:
    """The case re-read with the data sections the caller may read joined in, and no others, so
    an unreadable section is never even loaded. One query."""
    readable_data = [
        section for section in Section.values if section != Section.CORE and access.may_read(section)
    ]
    return Case.objects.select_related("lead_agency", *readable_data).get(pk=access.case.pk)


def participants_visible(*, access: CaseAccess) -> QuerySet[CaseParticipant]:
    """The agencies taking part: who works on a case is core, so every viewer of the case sees it."""
    return CaseParticipant.objects.filter(case=access.case)


# --- for the browser pages (web/) ------------------------------------------------------------


def worked_on_filter(*, user: User) -> Q:
    """The cases on the user's own desk: those whose case team they are on or on which they hold a
    task of their agency. A subset of the cases they see, for every role."""
    if not works_on_cases(user):
        return Q(pk__in=[])
    assert user.agency_id is not None
    return Q(CaseVisible(agency_id=user.agency_id, worker_id=user.pk))


def cases_worked_on_by(*, user: User) -> QuerySet[Case]:
    return Case.objects.filter(worked_on_filter(user=user))


def may_view_dashboard(*, user: User) -> bool:
    """The agency dashboard (its aggregates name workers and partner agencies) is for supervisors."""
    return works_on_cases(user) and user.role == Role.SUPERVISOR
