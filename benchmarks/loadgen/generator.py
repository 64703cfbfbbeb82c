"""Writing the planned state, case by case, row for row what the services would write."""

import multiprocessing
import multiprocessing.queues
import random
import time
import traceback
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, connection, connections, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Role, User, agency_group_name
from benchmarks.loadgen.tables import COLUMNS, Table
from benchmarks.loadgen.world import (
    AGE_BAND_SHARES,
    AGE_BANDS,
    AGENCY_NAMES,
    CASES_PER_BATCH,
    DONE_SHARE,
    FIRST_NAMES,
    HANDOFF_FALLBACK_CASES,
    HANDOFF_MIX,
    KIND_SHARES,
    LANGUAGES,
    LAST_NAMES,
    LEAD_KINDS,
    NOTE_BODIES,
    PARTNER_KINDS,
    PLACES,
    PRIORITIES,
    TASK_NOUNS,
    TASK_TITLES,
    YEAR,
    AgencyInfo,
    CasePlan,
    LoadReport,
    LoadSizes,
    Member,
    Participation,
    TaskPlan,
    between,
    random_uuid,
    split_total,
)
from casework.access import VIEW_CASE, WORK_ON_CASE
from casework.models import (
    Case,
    CaseNumberCounter,
    CaseStatus,
    GrantBasis,
    Handoff,
    HandoffKind,
    HandoffStatus,
    ParticipationVia,
    PlacementType,
    Task,
    TaskStatus,
)
from casework.sections import RULES, Section, default_sections_for, section_names
from common.times import format_day, format_when
from notifications.models import (
    DeliveryKind,
    DeliveryStatus,
    NotificationKind,
)
from notifications.services import SUBJECTS, link_for


@dataclass
class Rebuild:
    """What the parallel load dropped from the loaded tables and puts back afterwards."""

    statements: list[str] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class PartnersJoined:
    """What the partners joining a case left for the rest of it to build on."""

    last_join: datetime
    investigation_summary: str = ""
    section_changes: dict[str, dict[str, object]] = field(default_factory=dict)


@dataclass
class HandoffPlan:
    """One task handoff as written: who proposed and answered it, and when."""

    id: uuid.UUID
    task: TaskPlan
    sender: AgencyInfo
    receiver: AgencyInfo
    status: str
    urgent: bool
    created: datetime
    respond_by: datetime
    responded: datetime | None
    creator: Member
    responder: Member | None

    @property
    def pair(self) -> list[int]:
        return [self.sender.pk, self.receiver.pk]

    def data(self, status: str) -> dict[str, str]:
        return {"handoff": str(self.id), "status": status, "task": str(self.task.id)}


class Generator:
    """Builds the plan, then writes it in batches of cases inside one transaction."""

    def __init__(self, sizes: LoadSizes, *, history: bool, log: Callable[[str], None]) -> None:
        self.sizes = sizes
        self.history = history
        self.log = log
        # Reproducible from the seed; nothing here is secret.
        self.rng = random.Random(sizes.seed)
        self.now = timezone.now().replace(microsecond=0)
        self.agencies: list[AgencyInfo] = []
        self.by_kind: dict[str, list[AgencyInfo]] = defaultdict(list)
        self.kind_weights: dict[str, list[float]] = {}
        self.tables: dict[str, Table] = {}
        self.base_url = settings.BRIDGE_BASE_URL
        self.reminder_offsets = sorted(h for h in settings.BRIDGE_REMINDER_OFFSETS_HOURS if h > 0)
        self.handoff_hours = settings.BRIDGE_HANDOFF_RESPONSE_HOURS
        self.urgent_handoff_hours = settings.BRIDGE_HANDOFF_URGENT_RESPONSE_HOURS
        self.handoff_before = timedelta(hours=settings.BRIDGE_HANDOFF_REMINDER_BEFORE_HOURS)
        self.handoff_grace = timedelta(hours=settings.BRIDGE_HANDOFF_EXPIRY_GRACE_HOURS)
        self.consent_days = settings.BRIDGE_CONSENT_MAX_DAYS
        self.relay_after = timedelta(seconds=settings.BRIDGE_OUTBOX_RELAY_AFTER_SECONDS)
        self.counters: dict[int, int] = defaultdict(int)
        self.carried_handoffs: list[str] = []
        self.cases_left = 0
        # Set while the parallel load runs with the keys dropped: putting them back checks them.
        self.keys_dropped = False

    # ---- world ----

    def create_agencies(self) -> None:
        """Agencies and their groups through the ORM; their people come once the cases are
        planned (`create_people`)."""
        per_kind = split_total(self.sizes.agencies, KIND_SHARES, 1)
        specs: list[tuple[str, str]] = []
        for kind, count in per_kind.items():
            for index in range(count):
                place = PLACES[index % len(PLACES)]
                if index >= len(PLACES):
                    place = f"{place} {index // len(PLACES) + 1}"
                specs.append((AGENCY_NAMES[kind].format(place=place), kind))
        public_ids = [uuid.uuid4() for _ in specs]
        groups = Group.objects.bulk_create(
            Group(name=agency_group_name(public_id)) for public_id in public_ids
        )
        agencies = Agency.objects.bulk_create(
            Agency(
                public_id=public_id,
                name=name,
                kind=kind,
                jurisdiction="US" if kind == AgencyKind.IMMIGRATION else "TX",
                group=group,
            )
            for (name, kind), group, public_id in zip(specs, groups, public_ids, strict=True)
        )
        for agency in agencies:
            info = AgencyInfo(
                pk=agency.pk, name=agency.name, kind=agency.kind, group_id=agency.group_id, members={}
            )
            self.agencies.append(info)
            self.by_kind[info.kind].append(info)
        # Bigger counties have more cases: agency i of a kind weighs 1/sqrt(i+1).
        for kind, infos in self.by_kind.items():
            self.kind_weights[kind] = [1 / (i + 1) ** 0.5 for i in range(len(infos))]

    def create_people(self, plans: list["CasePlan"]) -> None:
        """Each agency gets four people (admin, supervisor, liaison, caseworker) and a share of the
        others in proportion to the cases it takes part in: a county with five times the cases
        has about five times the staff."""
        load: dict[int, int] = defaultdict(int)
        for plan in plans:
            for agency in (plan.lead, *plan.partners):
                load[agency.pk] += 1
        spare = self.sizes.users - 4 * len(self.agencies)
        total = sum(load.values()) or 1
        counts = {agency.pk: 4 + int(spare * load[agency.pk] / total) for agency in self.agencies}
        by_load = sorted(self.agencies, key=lambda agency: (-load[agency.pk], agency.pk))
        for index in range(self.sizes.users - sum(counts.values())):
            counts[by_load[index % len(by_load)].pk] += 1
        users: list[User] = []
        unusable = "!" + "loadgen"  # no password: load-data users sign in with API tokens only
        for index, agency in enumerate(self.agencies):
            count = counts[agency.pk]
            supervisors = max(1, round(count * 0.05))
            liaisons = max(1, round(count * 0.1))
            roles = [Role.AGENCY_ADMIN] + [Role.SUPERVISOR] * supervisors + [Role.LIAISON] * liaisons
            roles += [Role.CASEWORKER] * (count - len(roles))
            per_role: dict[str, int] = defaultdict(int)
            for role in roles:
                per_role[role] += 1
                first = FIRST_NAMES[self.rng.randrange(len(FIRST_NAMES))]
                last = LAST_NAMES[self.rng.randrange(len(LAST_NAMES))]
                username = f"a{index + 1:03d}-{role.replace('_', '-')}-{per_role[role]}"
                users.append(
                    User(
                        username=username,
                        email=f"{username}@example.org",
                        first_name=first,
                        last_name=last,
                        agency_id=agency.pk,
                        role=role,
                        password=unusable,
                    )
                )
        User.objects.bulk_create(users, batch_size=1000)
        group_of = {agency.pk: agency.group_id for agency in self.agencies}
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=user.pk, group_id=group_of[user.agency_id])  # type: ignore[index]
            for user in users
        )
        members: dict[int, dict[str, list[Member]]] = defaultdict(lambda: defaultdict(list))
        for user in users:
            assert user.agency_id is not None
            members[user.agency_id][user.role].append(
                Member(pk=user.pk, agency_id=user.agency_id, role=user.role, name=user.get_full_name())
            )
        for agency in self.agencies:
            agency.members = {
                role: sorted(people, key=lambda m: m.pk) for role, people in members[agency.pk].items()
            }

    def _agency_of_kind(self, kind: str, exclude: set[int]) -> AgencyInfo | None:
        candidates = [
            (a, w)
            for a, w in zip(self.by_kind[kind], self.kind_weights[kind], strict=True)
            if a.pk not in exclude
        ]
        if not candidates:
            return None
        return self.rng.choices([a for a, _ in candidates], weights=[w for _, w in candidates])[0]

    # ---- plans ----

    def plan_cases(self) -> list[CasePlan]:
        sizes, rng = self.sizes, self.rng
        created = sorted(self.now - 3 * YEAR * rng.random() ** 0.8 for _ in range(sizes.cases))
        weights = [0.2 + 1.6 * rng.random() for _ in range(sizes.cases)]
        tasks = self._spread(sizes.tasks, weights, minimum=1)
        notes = self._spread(sizes.notes, weights, minimum=0)
        plans = []
        for index, created_at in enumerate(created):
            lead = self._agency_of_kind(LEAD_KINDS.draw(rng), set())
            assert lead is not None
            partners: list[AgencyInfo] = []
            wanted = rng.randint(sizes.min_agencies_per_case, sizes.max_agencies_per_case) - 1
            taken = {lead.pk}
            if lead.kind != AgencyKind.CHILD_WELFARE and rng.random() < 0.7:
                partner = self._agency_of_kind(AgencyKind.CHILD_WELFARE, taken)
                if partner is not None:
                    partners.append(partner)
                    taken.add(partner.pk)
            while len(partners) < wanted:
                partner = self._agency_of_kind(PARTNER_KINDS.draw(rng), taken)
                if partner is None:
                    partner = rng.choice([a for a in self.agencies if a.pk not in taken])
                partners.append(partner)
                taken.add(partner.pk)
            age = (self.now - created_at).days
            closed = (age > 540 and rng.random() < 0.6) or (180 < age <= 540 and rng.random() < 0.2)
            year = timezone.localtime(created_at).year
            self.counters[year] += 1
            plans.append(
                CasePlan(
                    id=random_uuid(rng),
                    number=f"BR-{year}-{self.counters[year]:06d}",
                    created_at=created_at,
                    lead=lead,
                    partners=partners,
                    closed=closed,
                    tasks=tasks[index],
                    notes=notes[index],
                    handoffs=0,
                )
            )
        self._plan_task_fates(plans)
        self._plan_handoffs(plans)
        return plans

    def _spread(self, total: int, weights: list[float], *, minimum: int) -> list[int]:
        """`total` items over len(weights) buckets in proportion to the weights, each bucket at
        least `minimum`, summing to `total` exactly."""
        buckets = len(weights)
        spare = total - minimum * buckets
        scale = spare / sum(weights)
        counts = [minimum + int(w * scale) for w in weights]
        for index in self.rng.sample(range(buckets), total - sum(counts)):
            counts[index] += 1
        return counts

    def _plan_task_fates(self, plans: list[CasePlan]) -> None:
        """Exactly `overdue_fraction` of all tasks are open and overdue, all on open cases; about
        DONE_SHARE are done (every task of a closed case); the rest are open and due later."""
        open_slots = 0
        for plan in plans:
            if not plan.closed:
                plan.open_task_offset = open_slots
                open_slots += plan.tasks
        overdue = round(self.sizes.tasks * self.sizes.overdue_fraction)
        if overdue > open_slots:
            raise ValueError(
                "Not enough tasks on open cases for the overdue share; lower --overdue-fraction."
            )
        closed_tasks = self.sizes.tasks - open_slots
        upcoming = min(open_slots - overdue, max(0, round(self.sizes.tasks * (1 - DONE_SHARE)) - overdue))
        done_on_open = open_slots - overdue - upcoming
        fates = bytearray(b"o" * overdue + b"u" * upcoming + b"d" * done_on_open)
        self.rng.shuffle(fates)
        self.fates = fates
        self.log(
            f"  tasks: {overdue} overdue, {upcoming} open and due later, "
            f"{done_on_open + closed_tasks} done ({closed_tasks} on closed cases)"
        )

    def _plan_handoffs(self, plans: list[CasePlan]) -> None:
        """Handoffs go to cases in proportion to their tasks."""
        chosen = sorted(self.rng.sample(range(self.sizes.tasks), self.sizes.handoffs))
        index, start = 0, 0
        for plan in plans:
            end = start + plan.tasks
            while index < len(chosen) and chosen[index] < end:
                plan.handoffs += 1
                index += 1
            start = end
        statuses = [s for s, share in HANDOFF_MIX.items() for _ in range(round(share * self.sizes.handoffs))]
        while len(statuses) < self.sizes.handoffs:
            statuses.append(HandoffStatus.ACCEPTED)
        statuses = statuses[: self.sizes.handoffs]
        self.rng.shuffle(statuses)
        for plan in plans:
            plan.handoff_statuses = [statuses.pop() for _ in range(plan.handoffs)]

    # ---- writing ----

    def open_tables(self) -> None:
        self.tables = {key: Table(model, names) for key, (model, names) in COLUMNS.items()}
        permissions = Permission.objects.filter(
            content_type__app_label="casework", content_type__model="case"
        )
        by_codename = {p.codename: p.pk for p in permissions}
        self.view_case = by_codename[VIEW_CASE]
        self.work_on_case = by_codename[WORK_ON_CASE]

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()

    def timeline(
        self,
        case: uuid.UUID,
        at: datetime,
        kind: str,
        summary: str,
        actor: Member | None,
        *,
        section: str = Section.CORE,
        agencies: Iterable[int] = (),
        data: dict[str, Any] | None = None,
    ) -> None:
        self.tables["timeline"].add(
            random_uuid(self.rng),
            case,
            at,
            kind,
            section,
            summary[:300],
            actor.pk if actor else None,
            actor.agency_id if actor else None,
            sorted(set(agencies)),
            data or {},
        )

    def write_case(self, plan: CasePlan) -> None:
        """Everything on one case, in the order the services would have written it."""
        rng, t = self.rng, self.tables
        lead = plan.lead
        band = AGE_BAND_SHARES.draw(rng)
        pseudonym = f"{chr(65 + rng.randrange(26))}.{chr(65 + rng.randrange(26))}."
        opener = rng.choice(lead.people(Role.CASEWORKER) if rng.random() < 0.8 else lead.people(Role.LIAISON))
        participants = self._open_case(plan, opener, band)
        lead_liaison = rng.choice(lead.people(Role.LIAISON))
        team: dict[int, list[int]] = defaultdict(list)
        team[lead.pk].append(opener.pk)
        if rng.random() < 0.5:
            extra = rng.choice(lead.people(Role.CASEWORKER))
            if extra.pk not in team[lead.pk]:
                self._team_add(
                    plan.id, plan.created_at + timedelta(hours=rng.randint(1, 72)), lead_liaison, extra
                )
                team[lead.pk].append(extra.pk)
        partners = self._invite_partners(plan, participants, team, lead_liaison)
        t["investigation"].add(plan.id, partners.investigation_summary)
        for key in ("immigration", "health", "services", "legal"):
            t[key].add(plan.id)
        self._consents(plan.id, participants, partners.last_join)
        tasks = self._tasks(plan, participants, team)
        self._handoffs(plan, participants, tasks)
        self._notes(plan, participants)
        for task in tasks:
            self._write_task(plan.id, task)
        self._upcoming_reminders(plan, tasks)
        status, version, updated = CaseStatus.OPEN, 1, plan.created_at
        if plan.closed:
            status, version, updated = (
                CaseStatus.CLOSED,
                2,
                self._close_case(plan, tasks, partners, lead_liaison),
            )
        t["case"].add(
            plan.id,
            plan.number,
            pseudonym,
            band,
            status,
            lead.pk,
            version,
            opener.pk,
            plan.created_at,
            updated,
            partners.section_changes,
        )

    def _open_case(self, plan: CasePlan, opener: Member, band: str) -> list[Participation]:
        """`case_open`: the lead joining, the opener on the team, and the sections the lead
        stewards recorded with it. Returns the participants so far (the lead)."""
        rng, t = self.rng, self.tables
        case_id, opened, lead = plan.id, plan.created_at, plan.lead
        self.timeline(case_id, opened, "case_opened", f"Case opened by {lead.name}.", opener)
        participants = [Participation(lead, opened, ParticipationVia.OPENED, opener.pk)]
        self._join(case_id, participants[0], opener)
        t["user_perm"].add(case_id, opener.pk, self.work_on_case)
        t["identity"].add(case_id, *self._identity(band))
        self.timeline(
            case_id,
            opened,
            "section_updated",
            "Identity recorded (legal_name, date_of_birth, languages).",
            opener,
            section=Section.IDENTITY,
        )
        if lead.kind != AgencyKind.CHILD_WELFARE:
            t["location"].add(case_id, "", "", "")
            return participants
        placement = rng.choice([p for p in PlacementType.values if p])
        t["location"].add(case_id, placement, f"{rng.randint(10, 999)} Synthetic Street", "Synthetic School")
        self.timeline(
            case_id,
            opened,
            "section_updated",
            "Location recorded (placement_type, address, school).",
            opener,
            section=Section.LOCATION,
        )
        return participants

    def _invite_partners(
        self,
        plan: CasePlan,
        participants: list[Participation],
        team: dict[int, list[int]],
        lead_liaison: Member,
    ) -> PartnersJoined:
        """The lead's liaison invites each partner, whose liaison puts a caseworker on the team;
        the first law-enforcement partner records an investigation summary (and may share it
        with a child-welfare lead)."""
        rng = self.rng
        joined = PartnersJoined(last_join=plan.created_at)
        for partner in plan.partners:
            at = min(self.now, plan.created_at + timedelta(minutes=rng.randint(30, 60 * 24 * 30)))
            joined.last_join = max(joined.last_join, at)
            participation = Participation(partner, at, ParticipationVia.INVITED, lead_liaison.pk)
            participants.append(participation)
            self._join(plan.id, participation, lead_liaison)
            partner_liaison = rng.choice(partner.people(Role.LIAISON))
            if rng.random() < 0.8:
                member = rng.choice(partner.people(Role.CASEWORKER))
                self._team_add(plan.id, at + timedelta(minutes=rng.randint(5, 600)), partner_liaison, member)
                team[partner.pk].append(member.pk)
            if partner.kind == AgencyKind.LAW_ENFORCEMENT and not joined.investigation_summary:
                self._investigation_update(plan, joined, partner_liaison, at)
        return joined

    def _investigation_update(
        self, plan: CasePlan, joined: PartnersJoined, partner_liaison: Member, partner_joined: datetime
    ) -> None:
        """The investigation summary written some hours after law enforcement joined, if that
        moment has come."""
        rng = self.rng
        at = partner_joined + timedelta(hours=rng.randint(1, 200))
        if at >= self.now:
            return
        joined.investigation_summary = "Synthetic investigation notes."
        joined.section_changes[Section.INVESTIGATION] = {"version": 1, "at": at.isoformat()}
        self.timeline(
            plan.id,
            at,
            "section_updated",
            "Investigation updated (summary).",
            partner_liaison,
            section=Section.INVESTIGATION,
            data={"fields": ["summary"]},
        )
        if plan.lead.kind == AgencyKind.CHILD_WELFARE and rng.random() < 0.5:
            self._grant(
                plan.id,
                plan.lead,
                Section.INVESTIGATION,
                GrantBasis.STEWARD,
                partner_liaison,
                at + timedelta(minutes=5),
            )

    def _close_case(
        self, plan: CasePlan, tasks: list[TaskPlan], partners: PartnersJoined, lead_liaison: Member
    ) -> datetime:
        """The lead's liaison closes the case after its last activity; returns when."""
        latest = max([partners.last_join, *(task.updated_at or task.created_at for task in tasks)])
        closed_at = min(self.now, latest + timedelta(days=self.rng.uniform(1, 60)))
        self.timeline(
            plan.id,
            closed_at,
            "case_updated",
            "Case details changed (status).",
            lead_liaison,
            data={"fields": ["status"]},
        )
        return max(plan.created_at, closed_at)

    def _identity(self, band: str) -> tuple[object, ...]:
        rng = self.rng
        _, low, high = AGE_BANDS[band]
        born: date | None = None
        if low >= 0:
            born = timezone.localdate(self.now) - timedelta(days=rng.randint(low * 365 + 1, high * 365 + 364))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}-Synthetic"
        languages = rng.sample(LANGUAGES, rng.randint(1, 2))
        return (name, born, [], languages, "")

    def _join(self, case_id: uuid.UUID, participation: Participation, actor: Member) -> None:
        """`participant_join`: the participant, `view_case` for the agency's group, its default
        grants and the timeline entry."""
        agency, at = participation.agency, participation.joined_at
        t = self.tables
        t["participant"].add(case_id, agency.pk, at, participation.via, participation.invited_by)
        t["group_perm"].add(case_id, agency.group_id, self.view_case)
        for section in sorted(default_sections_for(agency_kind=agency.kind)):
            t["grant"].add(
                random_uuid(self.rng),
                case_id,
                agency.pk,
                section,
                GrantBasis.DEFAULT,
                None,
                actor.pk,
                at,
                None,
            )
        label = ParticipationVia(participation.via).label.lower()
        self.timeline(
            case_id,
            at,
            "participant_joined",
            f"{agency.name} joined the case ({label}).",
            actor,
            data={"agency": agency.pk, "via": participation.via},
        )

    def _team_add(self, case_id: uuid.UUID, at: datetime, actor: Member, member: Member) -> None:
        at = min(at, self.now)
        self.tables["user_perm"].add(case_id, member.pk, self.work_on_case)
        self.timeline(
            case_id,
            at,
            "team_member_added",
            f"{member.name} joined the case team.",
            actor,
            agencies=[actor.agency_id],
        )

    def _grant(
        self,
        case_id: uuid.UUID,
        agency: AgencyInfo,
        section: str,
        basis: str,
        actor: Member,
        at: datetime,
        *,
        consent: uuid.UUID | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        grant_id = random_uuid(self.rng)
        self.tables["grant"].add(
            grant_id, case_id, agency.pk, section, basis, consent, actor.pk, at, expires_at
        )
        label = GrantBasis(basis).label.lower()
        self.timeline(
            case_id,
            at,
            "grant_created",
            f"{agency.name} was granted the {section} section ({label}).",
            actor,
            section=section,
            data={"agency": agency.pk, "section": section, "basis": basis, "grant": str(grant_id)},
        )

    def _consents(self, case_id: uuid.UUID, participants: list[Participation], after: datetime) -> None:
        """A steward records a consent for a participant lacking a consent-based section, and
        grants it: child welfare shares location with victim services, victim services shares its
        services section with child welfare."""
        rng = self.rng
        kinds = {p.agency.kind: p.agency for p in participants}
        offers = []
        if AgencyKind.CHILD_WELFARE in kinds and AgencyKind.VICTIM_SERVICES in kinds and rng.random() < 0.4:
            offers.append(
                (kinds[AgencyKind.CHILD_WELFARE], kinds[AgencyKind.VICTIM_SERVICES], [Section.LOCATION])
            )
        if AgencyKind.VICTIM_SERVICES in kinds and AgencyKind.CHILD_WELFARE in kinds and rng.random() < 0.3:
            offers.append(
                (kinds[AgencyKind.VICTIM_SERVICES], kinds[AgencyKind.CHILD_WELFARE], [Section.SERVICES])
            )
        for steward, recipient, sections in offers:
            # Consents run at most a year, so only recent ones are still in force; none expires
            # within the reminder window, which would make the benchmark sweep depend on the day.
            earliest = max(after, self.now - timedelta(days=self.consent_days - 30))
            if earliest < self.now:
                self._consent(case_id, participants, steward, recipient, sections, earliest)

    def _consent(
        self,
        case_id: uuid.UUID,
        participants: list[Participation],
        steward: AgencyInfo,
        recipient: AgencyInfo,
        sections: list[str],
        earliest: datetime,
    ) -> None:
        """`consent_record` and the grants resting on the consent, which end with it."""
        rng = self.rng
        recorded_at = between(rng, earliest, self.now)
        signed_on = timezone.localdate(recorded_at)
        expires_on = signed_on + timedelta(days=self.consent_days)
        actor = rng.choice(steward.people(Role.LIAISON))
        consent_id = random_uuid(rng)
        self.tables["consent"].add(
            consent_id,
            case_id,
            recipient.pk,
            sections,
            "Safety planning",
            "Child and guardian",
            signed_on,
            expires_on,
            actor.pk,
            steward.pk,
            recorded_at,
        )
        stewards = {
            p.agency.pk
            for p in participants
            if any((RULES[s].steward_kinds or frozenset()).__contains__(p.agency.kind) for s in sections)
        }
        self.timeline(
            case_id,
            recorded_at,
            "consent_recorded",
            f"Consent recorded for {recipient.name} ({section_names(sections)})"
            f" until {format_day(expires_on)}.",
            actor,
            agencies=stewards | {recipient.pk},
            data={"consent": str(consent_id)},
        )
        ends = timezone.make_aware(datetime.combine(expires_on + timedelta(days=1), datetime.min.time()))
        for section in sections:
            self._grant(
                case_id,
                recipient,
                section,
                GrantBasis.CONSENT,
                actor,
                recorded_at,
                consent=consent_id,
                expires_at=ends,
            )

    def _tasks(
        self, plan: CasePlan, participants: list[Participation], team: dict[int, list[int]]
    ) -> list[TaskPlan]:
        rng, now = self.rng, self.now
        tasks = []
        for index in range(plan.tasks):
            participation = participants[0] if rng.random() < 0.6 else rng.choice(participants)
            owner = participation.agency
            fate = "d" if plan.closed else chr(self.fates[plan.open_task_offset + index])
            caseworkers = owner.people(Role.CASEWORKER)
            roll = rng.random()
            assignee: Member | None = None
            if roll < 0.68 and team[owner.pk]:
                assignee = self.members[rng.choice(team[owner.pk])]
            elif roll < 0.85:
                assignee = rng.choice(caseworkers + owner.people(Role.LIAISON))
            creator = assignee or rng.choice(owner.people(Role.LIAISON))
            start = participation.joined_at + timedelta(minutes=10)
            if fate == "d":
                created = between(rng, start, now - timedelta(days=1))
                due = created + timedelta(hours=rng.uniform(2, 24 * 60))
                done = min(
                    now,
                    created
                    + timedelta(hours=rng.uniform(2, max(2.5, 1.3 * (due - created).total_seconds() / 3600))),
                )
                task = self._task(owner, assignee, creator, created, due, rng)
                task.completed_at = done
                task.completed_by = (assignee or creator).pk
                task.version = 2
                task.updated_at = done
            elif fate == "o":
                created = between(rng, start, now - timedelta(minutes=30))
                due = now - timedelta(minutes=rng.uniform(5, 60 * 24 * 30))
                task = self._task(owner, assignee, creator, created, due, rng)
            else:
                created = between(rng, start, now - timedelta(minutes=30))
                due = now + timedelta(minutes=rng.uniform(30, 60 * 24 * 180))
                task = self._task(owner, assignee, creator, created, due, rng)
            tasks.append(task)
        return tasks

    def _task(
        self,
        owner: AgencyInfo,
        assignee: Member | None,
        creator: Member,
        created: datetime,
        due: datetime,
        rng: random.Random,
    ) -> TaskPlan:
        return TaskPlan(
            id=random_uuid(rng),
            title=rng.choice(TASK_TITLES[owner.kind]),
            owner=owner.pk,
            original_owner=owner.pk,
            assignee=assignee.pk if assignee else None,
            created_by=creator.pk,
            created_at=created,
            due_at=due,
            priority=PRIORITIES.draw(rng),
        )

    def _write_task(self, case_id: uuid.UUID, task: TaskPlan) -> None:
        status = TaskStatus.DONE if task.completed_at else TaskStatus.OPEN
        self.tables["task"].add(
            task.id,
            case_id,
            task.title,
            "",
            task.owner,
            task.assignee,
            task.due_at,
            task.priority,
            status,
            task.version,
            task.created_by,
            task.created_at,
            task.updated_at or task.created_at,
            task.completed_at,
            task.completed_by,
            # Created by people, not deadline templates: core and owned, as `task_create` writes them.
            Section.CORE,
            "",
        )
        creator = self.members[task.created_by]
        self.timeline(
            case_id,
            task.created_at,
            "task_created",
            f"Task created: {task.title}.",
            creator,
            agencies=[task.original_owner],
            data={"task": str(task.id)},
        )
        if task.completed_at and task.completed_by:
            self.timeline(
                case_id,
                task.completed_at,
                "task_completed",
                f"Task done: {task.title}.",
                self.members[task.completed_by],
                agencies=[task.owner],
                data={"task": str(task.id)},
            )

    # ---- handoffs ----

    def _handoffs(self, plan: CasePlan, participants: list[Participation], tasks: list[TaskPlan]) -> None:
        """The case's handoffs, plus those earlier cases had no suitable task for. Near the end
        of a writer's cases a handoff that fits no task here takes whichever status does, so the
        total stays exact."""
        wanted = plan.handoff_statuses + self.carried_handoffs
        self.carried_handoffs = []
        free = list(tasks)
        self.rng.shuffle(free)
        for status in wanted:
            fits = self._one_handoff(plan, participants, free, status)
            if not fits and self.cases_left <= HANDOFF_FALLBACK_CASES:
                fits = any(self._one_handoff(plan, participants, free, other) for other in HANDOFF_MIX)
            if not fits:
                self.carried_handoffs.append(status)

    def _one_handoff(
        self, plan: CasePlan, participants: list[Participation], free: list[TaskPlan], status: str
    ) -> bool:
        rng, now = self.rng, self.now
        urgent = rng.random() < 0.15
        window = timedelta(hours=self.urgent_handoff_hours if urgent else self.handoff_hours)
        joined = {p.agency.pk: p.joined_at for p in participants}
        for task in free:
            end = task.completed_at or now
            if status == HandoffStatus.PENDING:
                if task.completed_at:
                    continue
                start = max(task.created_at, now - window + timedelta(minutes=30))
                if start >= now:
                    continue
                created = between(rng, start, now - timedelta(minutes=1))
                responded = None
            else:
                span = window + self.handoff_grace if status == HandoffStatus.EXPIRED else window / 2
                latest = end - span - timedelta(minutes=10)
                if latest <= task.created_at:
                    continue
                created = between(rng, task.created_at, latest)
                if status == HandoffStatus.EXPIRED:
                    responded = created + window + self.handoff_grace
                else:
                    responded = created + timedelta(minutes=rng.uniform(5, window.total_seconds() / 120))
            others = [p.agency for p in participants if p.agency.pk != task.owner]
            if status == HandoffStatus.ACCEPTED:
                # The task moved to the receiver: it was the sender's, created by one of its people.
                senders = [
                    p.agency
                    for p in participants
                    if p.agency.pk != task.owner and p.joined_at <= task.created_at
                ]
                if not senders or joined[task.owner] > created:
                    continue
                receiver = self.agency_by_pk[task.owner]
                sender = rng.choice(senders)
            else:
                sender = self.agency_by_pk[task.owner]
                # Handing work to an agency not on the case invites it, which without the lead
                # agency's approval only its liaisons may: only the lead's pending handoffs reach out.
                reaches_out = status == HandoffStatus.PENDING and sender.pk == plan.lead.pk
                if reaches_out and (not others or rng.random() < 0.4):
                    receiver = rng.choice([a for a in self.agencies if a.pk != sender.pk])
                else:
                    receivers = [a for a in others if joined[a.pk] <= created]
                    if not receivers:
                        continue
                    receiver = rng.choice(receivers)
            free.remove(task)
            invites = receiver.pk not in joined or joined[receiver.pk] > created
            self._write_handoff(
                plan, task, sender, receiver, status, urgent, window, created, responded, invites
            )
            return True
        return False

    def _write_handoff(
        self,
        plan: CasePlan,
        task: TaskPlan,
        sender: AgencyInfo,
        receiver: AgencyInfo,
        status: str,
        urgent: bool,
        window: timedelta,
        created: datetime,
        responded: datetime | None,
        invites: bool,
    ) -> None:
        """`invites`: the receiver does not take part in the case, so (the generator writing no
        handoff awaiting approval) one of the lead agency's liaisons proposed it."""
        handoff_id = random_uuid(self.rng)
        creator = self._handoff_creator(task, sender, status, responded, invites)
        handoff = HandoffPlan(
            id=handoff_id,
            task=task,
            sender=sender,
            receiver=receiver,
            status=status,
            urgent=urgent,
            created=created,
            respond_by=created + window,
            responded=responded,
            creator=creator,
            responder=self._handoff_responder(receiver, status, creator),
        )
        self._handoff_row(plan, handoff)
        self._handoff_proposed(plan, handoff)
        if status == HandoffStatus.PENDING:
            self._handoff_reminders(
                plan, task, handoff_id, receiver, urgent, created, handoff.respond_by, until=self.now
            )
        else:
            self._handoff_answered(plan, handoff)

    def _handoff_creator(
        self, task: TaskPlan, sender: AgencyInfo, status: str, responded: datetime | None, invites: bool
    ) -> Member:
        """Who proposed it. An accepted handoff moved the task to the receiver, so the task was
        created by the sender's proposer."""
        if status == HandoffStatus.ACCEPTED:
            creator = self.rng.choice(sender.people(Role.CASEWORKER, Role.LIAISON))
            task.original_owner = sender.pk
            task.created_by = creator.pk
            task.handed_off = True
            task.version += 1
            assert responded is not None
            task.updated_at = max(task.updated_at or responded, responded)
            return creator
        if task.assignee and not invites:
            return self.members[task.assignee]
        return self.rng.choice(sender.people(Role.LIAISON))

    def _handoff_responder(self, receiver: AgencyInfo, status: str, creator: Member) -> Member | None:
        if status in (HandoffStatus.ACCEPTED, HandoffStatus.DECLINED):
            return self.rng.choice(receiver.people(Role.LIAISON, Role.SUPERVISOR))
        if status == HandoffStatus.WITHDRAWN:
            return creator
        return None

    def _handoff_row(self, plan: CasePlan, handoff: HandoffPlan) -> None:
        responder = handoff.responder
        self.tables["handoff"].add(
            handoff.id,
            HandoffKind.TASK,
            plan.id,
            handoff.task.id,
            handoff.sender.pk,
            handoff.receiver.pk,
            handoff.status,
            handoff.urgent,
            "",
            handoff.respond_by,
            handoff.creator.pk,
            handoff.created,
            responder.pk if responder else None,
            handoff.responded,
            "We do not have capacity for this right now." if handoff.status == HandoffStatus.DECLINED else "",
            False,
        )

    def _handoff_proposed(self, plan: CasePlan, handoff: HandoffPlan) -> None:
        """`handoff_create`: the timeline line and the receiving agency asked."""
        number, task = plan.number, handoff.task
        self.timeline(
            plan.id,
            handoff.created,
            "handoff_proposed",
            f"Handoff of task {task.title} to {handoff.receiver.name} proposed.",
            handoff.creator,
            agencies=handoff.pair,
            data=handoff.data(HandoffStatus.PENDING),
        )
        urgency = " (urgent)" if handoff.urgent else ""
        self._notify(
            self._answerers(handoff.receiver),
            "handoff_created",
            plan.id,
            number,
            handoff.created,
            f"Case {number}: {handoff.sender.name} asks your agency to take over a task{urgency}. "
            f"Please answer by {format_when(handoff.respond_by)}.",
            task=task.id,
            handoff=handoff.id,
        )

    def _handoff_answered(self, plan: CasePlan, handoff: HandoffPlan) -> None:
        """How an answered (or expired) handoff ended: its timeline line and who was told."""
        responded, task, status = handoff.responded, handoff.task, handoff.status
        assert responded is not None
        number, sender, receiver = plan.number, handoff.sender.name, handoff.receiver.name
        if status == HandoffStatus.EXPIRED:
            self._handoff_reminders(
                plan,
                task,
                handoff.id,
                handoff.receiver,
                handoff.urgent,
                handoff.created,
                handoff.respond_by,
                until=responded,
            )
        senders_people = self._sender_recipients(handoff.sender, handoff.creator)
        summary, recipients, message = {
            HandoffStatus.ACCEPTED: (
                f"{receiver} took over task {task.title}.",
                senders_people,
                f"Case {number}: {receiver} accepted a task your agency handed off.",
            ),
            HandoffStatus.DECLINED: (
                f"{receiver} declined to take over a task.",
                senders_people,
                f"Case {number}: {receiver} declined a task your agency handed off; "
                "it stays with your agency.",
            ),
            HandoffStatus.WITHDRAWN: (
                "Handoff of a task withdrawn.",
                self._receiving_liaisons(handoff.receiver),
                f"Case {number}: {sender} withdrew its handoff of a task.",
            ),
            HandoffStatus.EXPIRED: (
                f"Handoff of a task to {receiver} expired unanswered.",
                senders_people,
                f"Case {number}: {receiver} did not answer your agency's handoff of a task "
                "in time; it stays with your agency.",
            ),
        }[HandoffStatus(status)]
        kind = f"handoff_{status}"
        self.timeline(
            plan.id,
            responded,
            kind,
            summary,
            handoff.responder,
            agencies=handoff.pair,
            data=handoff.data(status),
        )
        self._notify(recipients, kind, plan.id, number, responded, message, task=task.id, handoff=handoff.id)

    def _handoff_reminders(
        self,
        plan: CasePlan,
        task: TaskPlan,
        handoff_id: uuid.UUID,
        receiver: AgencyInfo,
        urgent: bool,
        created: datetime,
        respond_by: datetime,
        *,
        until: datetime,
    ) -> None:
        """The reminders the sweep fires for a handoff between `created` and `until`: at half the
        response window, an hour before it closes, and the escalation when it does."""
        half = created + (respond_by - created) / 2
        before = respond_by - self.handoff_before
        noun = "An urgent handoff" if urgent else "A handoff"
        number = plan.number
        for moment in sorted({half, before}):
            if not created < moment <= until:
                continue
            minutes = round((respond_by - moment).total_seconds() / 60)
            self._reminder(
                plan.id,
                plan.number,
                NotificationKind.HANDOFF_PENDING,
                minutes,
                respond_by,
                moment,
                self._receiving_liaisons(receiver),
                f"{noun} to your agency on case {number} awaits an answer by {format_when(respond_by)}, "
                f"in {_remaining(until=respond_by, now=moment)}.",
                agency=receiver.pk,
                timeline_kind="handoff_reminded",
                summary="Handoff reminder sent to {people}.",
                task=task.id,
                handoff=handoff_id,
            )
        if respond_by <= until:
            expires = respond_by + self.handoff_grace
            self._reminder(
                plan.id,
                plan.number,
                NotificationKind.HANDOFF_OVERDUE,
                0,
                respond_by,
                respond_by,
                self._escalation(receiver),
                f"Escalation: {noun.lower()} to your agency on case {number} was not answered by "
                f"{format_when(respond_by)}. It goes back to the sender at {format_when(expires)} "
                "unless answered.",
                agency=receiver.pk,
                timeline_kind="handoff_escalated",
                summary="Unanswered handoff escalated to {people}.",
                task=task.id,
                handoff=handoff_id,
            )

    def _upcoming_reminders(self, plan: CasePlan, tasks: list[TaskPlan]) -> None:
        """Open tasks due within the largest offset have had every reminder point passed since
        they were created."""
        for task in tasks:
            if task.completed_at or task.due_at <= self.now:
                continue
            for hours in sorted(self.reminder_offsets, reverse=True):
                fire_at = task.due_at - timedelta(hours=hours)
                if not task.created_at <= fire_at <= self.now:
                    continue
                noun = TASK_NOUNS.get(task.priority, "A task")
                self._reminder(
                    plan.id,
                    plan.number,
                    NotificationKind.TASK_UPCOMING,
                    hours,
                    task.due_at,
                    fire_at,
                    self._task_recipients(task),
                    f"{noun} on case {plan.number} is due {format_when(task.due_at)}, "
                    f"in {_remaining(until=task.due_at, now=fire_at)}.",
                    agency=task.owner,
                    timeline_kind="task_reminded",
                    summary=f"Task reminder ({hours} h before due) sent to {{people}}.",
                    task=task.id,
                )

    def _reminder(
        self,
        case_id: uuid.UUID,
        number: str,
        kind: str,
        step: int,
        due_at: datetime,
        fire_at: datetime,
        recipients: list[Member],
        message: str,
        *,
        agency: int,
        timeline_kind: str,
        summary: str,
        task: uuid.UUID | None = None,
        handoff: uuid.UUID | None = None,
    ) -> None:
        reminder_id = random_uuid(self.rng)
        self.tables["reminder"].add(
            reminder_id, kind, step, case_id, None if handoff else task, handoff, due_at, fire_at, fire_at
        )
        self._notify(
            recipients,
            kind,
            case_id,
            number,
            fire_at,
            message,
            task=task,
            handoff=handoff,
            reminder=reminder_id,
        )
        data: dict[str, Any] = {
            "reminder": str(reminder_id),
            "kind": kind,
            "step": step,
            "recipients": [m.pk for m in recipients],
        }
        if task:
            data["task"] = str(task)
        if handoff:
            data["handoff"] = str(handoff)
        count = len(recipients)
        people = f"{count} person" if count == 1 else f"{count} people"
        self.timeline(
            case_id, fire_at, timeline_kind, summary.format(people=people), None, agencies=[agency], data=data
        )

    def _notify(
        self,
        recipients: list[Member],
        kind: str,
        case_id: uuid.UUID,
        number: str,
        at: datetime,
        message: str,
        *,
        task: uuid.UUID | None = None,
        handoff: uuid.UUID | None = None,
        reminder: uuid.UUID | None = None,
    ) -> None:
        """`notify`: an inbox entry per recipient and, everyone having the default preferences,
        an immediate email each, long since sent."""
        subject = " ".join(
            render_to_string(
                "notifications/email/notification_subject.txt",
                {"about": SUBJECTS.get(kind, "update"), "case_number": number},
            ).split()
        )
        link = link_for(
            case=Case(id=case_id),
            task=Task(id=task) if task else None,
            handoff=Handoff(id=handoff) if handoff else None,
        )
        body = (
            render_to_string(
                "notifications/email/notification_body.txt",
                {"message": message, "case_number": number, "link": link},
            ).strip()
            + "\n"
        )
        sent = at + timedelta(seconds=self.rng.randint(2, 90))
        for person in sorted({m.pk: m for m in recipients}.values(), key=lambda m: m.pk):
            notification_id = random_uuid(self.rng)
            # People read most of what is more than a day old.
            read_at = None
            if at < self.now - timedelta(days=1) and self.rng.random() < 0.8:
                read_at = min(self.now, at + timedelta(hours=self.rng.uniform(0.1, 30)))
            self.tables["notification"].add(
                notification_id, person.pk, kind, case_id, task, handoff, reminder, message, at, read_at
            )
            self.tables["email"].add(
                random_uuid(self.rng),
                person.pk,
                DeliveryKind.IMMEDIATE,
                notification_id,
                subject,
                body,
                DeliveryStatus.SENT,
                1,
                at + self.relay_after,
                at,
                sent,
                sent,
            )

    # ---- recipients, as casework.access.audience chooses them ----

    def _answerers(self, agency: AgencyInfo) -> list[Member]:
        return agency.people(Role.LIAISON, Role.SUPERVISOR)

    def _receiving_liaisons(self, agency: AgencyInfo) -> list[Member]:
        return agency.people(Role.LIAISON) or agency.people(Role.SUPERVISOR)

    def _escalation(self, agency: AgencyInfo) -> list[Member]:
        return agency.people(Role.SUPERVISOR) or agency.people(Role.LIAISON)

    def _sender_recipients(self, agency: AgencyInfo, creator: Member) -> list[Member]:
        people = {m.pk: m for m in agency.people(Role.LIAISON)}
        if creator.agency_id == agency.pk:
            people.setdefault(creator.pk, creator)
        return [people[pk] for pk in sorted(people)]

    def _task_recipients(self, task: TaskPlan) -> list[Member]:
        if task.assignee is not None:
            return [self.members[task.assignee]]
        owner = self.agency_by_pk[task.owner]
        return owner.people(Role.LIAISON) or owner.people(Role.SUPERVISOR)

    # ---- notes ----

    def _notes(self, plan: CasePlan, participants: list[Participation]) -> None:
        rng = self.rng
        for _ in range(plan.notes):
            participation = rng.choice(participants)
            agency = participation.agency
            author = rng.choice(agency.people(Role.CASEWORKER, Role.LIAISON))
            readable = sorted(default_sections_for(agency_kind=agency.kind))
            section = Section.CORE if rng.random() < 0.7 or not readable else rng.choice(readable)
            at = between(rng, participation.joined_at, self.now)
            note_id = random_uuid(rng)
            self.tables["note"].add(
                note_id, plan.id, section, rng.choice(NOTE_BODIES), author.pk, agency.pk, at
            )
            self.timeline(
                plan.id,
                at,
                "note_added",
                f"Note added by {agency.name}.",
                author,
                section=section,
                data={"note": str(note_id)},
            )

    # ---- driver ----

    def write_slice(self, plans: list[CasePlan], *, worker: int, started: float) -> dict[str, int]:
        """Write these cases in one transaction of this process's connection."""
        # Rows below the case plans are drawn from a stream of their own per writer.
        self.rng = random.Random(self.sizes.seed * 1000 + worker + 1)
        self.carried_handoffs = []
        self.open_tables()
        with transaction.atomic(), connection.cursor() as cursor:
            checked_in_bulk = not self.history and self._skip_row_triggers(cursor)
            if not checked_in_bulk:
                # Deferred foreign-key checks would queue an event per row until commit, and
                # PostgreSQL walks that queue again after every statement a trigger runs:
                # quadratic. Checked at the end of each COPY instead, which is why the tables are
                # written in order.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                if not self.history:
                    cursor.execute(
                        "SELECT set_config('pgtrigger.ignore', %s, true)", [self._history_triggers()]
                    )
            for start in range(0, len(plans), CASES_PER_BATCH):
                for index, plan in enumerate(plans[start : start + CASES_PER_BATCH], start=start):
                    self.cases_left = len(plans) - index
                    self.write_case(plan)
                self.flush()
                done = min(len(plans), start + CASES_PER_BATCH)
                self.log(
                    f"  writer {worker + 1}: {done} / {len(plans)} cases ({time.monotonic() - started:.0f} s)"
                )
            if self.carried_handoffs:
                raise ValueError(
                    f"{len(self.carried_handoffs)} handoffs found no suitable task; lower --handoffs."
                )
            if checked_in_bulk and not self.keys_dropped:
                cursor.execute("SET LOCAL session_replication_role = origin")
                self._verify_foreign_keys(cursor)
                self.log(f"  writer {worker + 1}: foreign keys verified ({time.monotonic() - started:.0f} s)")
        return {key: table.written for key, table in self.tables.items()}

    def _skip_row_triggers(self, cursor: Any) -> bool:
        """Turn off row triggers (foreign-key checks and history) for this transaction, which
        needs a superuser; False when not allowed."""
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            return False
        return True

    def _verify_foreign_keys(self, cursor: Any) -> None:
        """Every foreign key of every table written, checked with one anti-join each: the same
        guarantee as the row-by-row checks the copy skipped, at a fraction of the cost."""
        for table in self.tables.values():
            for model_field in table.model._meta.concrete_fields:
                if not isinstance(model_field, models.ForeignKey) or not getattr(
                    model_field, "db_constraint", True
                ):
                    continue
                target = model_field.target_field
                child_table, column = table.model._meta.db_table, model_field.column
                # Identifiers come from model metadata, never from input.
                cursor.execute(
                    f'SELECT count(*) FROM "{child_table}" AS child WHERE child."{column}" IS NOT NULL '
                    f'AND NOT EXISTS (SELECT 1 FROM "{target.model._meta.db_table}" AS parent '
                    f'WHERE parent."{target.column}" = child."{column}")'
                )
                (missing,) = cursor.fetchone()
                if missing:
                    raise ValueError(
                        f"{missing} rows of {table.model.__name__}.{model_field.name} point at nothing."
                    )

    def _history_triggers(self) -> str:
        """The history triggers (django-pghistory) on the tables this loader writes, as the
        `{name,...}` array pgtrigger's ignore setting takes."""
        loaded = {table.model for table in self.tables.values()}
        names = sorted(
            trigger.get_pgid(model)
            for model, trigger in pgtrigger.registered()
            if model in loaded and type(trigger).__module__.startswith("pghistory")
        )
        return "{" + ",".join(names) + "}"

    def run(self, *, workers: int) -> LoadReport:
        started = time.monotonic()
        report = LoadReport(now=self.now)
        with transaction.atomic():
            self.create_agencies()
            plans = self.plan_cases()
            self.create_people(plans)
        self.agency_by_pk = {a.pk: a for a in self.agencies}
        self.members = {m.pk: m for a in self.agencies for people in a.members.values() for m in people}
        elapsed = time.monotonic() - started
        self.log(f"  {len(self.agencies)} agencies and {len(self.members)} users ({elapsed:.0f} s)")
        self.open_tables()
        if workers == 1 or connection.in_atomic_block:
            report.rows = self.write_slice(plans, worker=0, started=started)
        else:
            rebuild = self._drop_indexes_and_keys()
            self.keys_dropped = True
            try:
                report.rows = self._write_in_parallel(plans, workers=workers, started=started)
            finally:
                self.log(
                    f"  rebuilding {len(rebuild.statements)} indexes and keys and checking "
                    f"{len(rebuild.foreign_keys)} foreign keys ({time.monotonic() - started:.0f} s)"
                )
                self._rebuild_indexes_and_keys(rebuild)
        for year, last in self.counters.items():
            CaseNumberCounter.objects.update_or_create(year=year, defaults={"last": last})
        self.log(f"  committed ({time.monotonic() - started:.0f} s); analysing tables")
        tables = [table.model._meta.db_table for table in self.tables.values()]
        tables += [model._meta.db_table for model in (Agency, User, Group, CaseNumberCounter)]
        # VACUUM also fills the visibility map, as autovacuum would have by now in a deployment, so
        # index-only scans work from the first benchmark request.
        if connection.in_atomic_block:
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f'ANALYZE "{table}"')
        else:
            _on_two_connections([f'VACUUM (ANALYZE) "{table}"' for table in tables])
        report.seconds = time.monotonic() - started
        return report

    def _drop_indexes_and_keys(self) -> Rebuild:
        """Drop every index of the loaded tables, their primary and unique keys among them, and
        every foreign key from or to them, and return what puts them back. Inserting millions of
        rows into random-UUID indexes far bigger than PostgreSQL's buffers touches a random page per
        row, which makes the load grow faster than the data; building each index once afterwards
        sorts instead. Putting the keys back checks every row (uniqueness, references), so nothing
        the row-by-row checks would have caught goes unchecked."""
        tables = [table.model._meta.db_table for table in self.tables.values()]
        rebuild = Rebuild()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' "
                "AND (conrelid::regclass::text = ANY(%s) OR confrelid::regclass::text = ANY(%s))",
                [tables, tables],
            )
            for name, table, definition in cursor.fetchall():
                rebuild.foreign_keys.append((table, name, definition))
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype IN ('p', 'u') AND conrelid::regclass::text = ANY(%s)",
                [tables],
            )
            for name, table, definition in cursor.fetchall():
                rebuild.statements.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid) "
                "FROM pg_index AS index JOIN pg_class AS tbl ON tbl.oid = index.indrelid "
                "WHERE tbl.relname = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = index.indexrelid)",
                [tables],
            )
            for name, definition in cursor.fetchall():
                rebuild.statements.append(definition)
                cursor.execute(f"DROP INDEX {name}")
        return rebuild

    def _rebuild_indexes_and_keys(self, rebuild: Rebuild) -> None:
        """Keys and indexes first, then the foreign keys, added unchecked and validated on two
        connections: validating takes no lock that another validation or an index build waits on
        for long, and both cores sort or scan."""
        _on_two_connections(rebuild.statements)
        with connection.cursor() as cursor:
            for table, name, definition in rebuild.foreign_keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
        _on_two_connections(
            [f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"' for table, name, _ in rebuild.foreign_keys]
        )

    def _write_in_parallel(self, plans: list[CasePlan], *, workers: int, started: float) -> dict[str, int]:
        """One forked process per writer, each with its own connection and transaction, so that
        both cores work: PostgreSQL's per-row work (indexes, foreign keys, history triggers)
        dominates and one backend uses one core."""
        connections.close_all()
        context = multiprocessing.get_context("fork")
        results: multiprocessing.queues.Queue[tuple[str, object]] = context.Queue()

        def child(worker: int) -> None:
            try:
                rows = self.write_slice(plans[worker::workers], worker=worker, started=started)
                results.put(("ok", rows))
            except BaseException:
                results.put(("error", traceback.format_exc()))
            finally:
                connections.close_all()

        processes = [context.Process(target=child, args=(worker,)) for worker in range(workers)]
        for process in processes:
            process.start()
        outcomes = [results.get() for _ in processes]
        for process in processes:
            process.join()
        errors = [str(detail) for status, detail in outcomes if status == "error"]
        if errors:
            raise RuntimeError(
                "A writer failed; other writers may have committed, so drop and recreate the database "
                "before loading again.\n" + "\n".join(errors)
            )
        totals: dict[str, int] = defaultdict(int)
        for _, rows in outcomes:
            assert isinstance(rows, dict)
            for key, count in rows.items():
                totals[key] += count
        return dict(totals)


def _on_two_connections(statements: list[str]) -> None:
    """Run the statements (each on its own) from two threads with a connection each, taking the
    next from a shared queue, so both cores work; each thread's statements run in autocommit."""
    pending = deque(statements)

    def drain() -> None:
        try:
            with connection.cursor() as cursor:
                # The two threads are the parallelism; PostgreSQL's own workers would only compete.
                cursor.execute("SET maintenance_work_mem = '512MB'")
                cursor.execute("SET max_parallel_maintenance_workers = 0")
                while True:
                    try:
                        statement = pending.popleft()
                    except IndexError:
                        return
                    cursor.execute(statement)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(drain) for _ in range(2)]:
            future.result()


def _remaining(*, until: datetime, now: datetime) -> str:
    """How reminder messages say the time left (as `casework.sweep` does)."""
    minutes = max(1, round((until - now).total_seconds() / 60))
    if minutes < 90:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{round(minutes / 60)} hours"


def database_holds_data() -> bool:
    return Agency.objects.exists() or Case.objects.exists()


def generate(
    *,
    sizes: LoadSizes,
    workers: int = 2,
    history: bool = False,
    log: Callable[[str], None] = lambda _: None,
) -> LoadReport:
    """Write a whole synthetic state into the configured (empty, migrated) database. `workers`
    processes write in parallel (one when called inside a transaction, as tests do). Unless
    `history` is asked for, row triggers are off while copying (foreign keys are verified in bulk
    afterwards instead) and the change-history triggers do not record the generated rows: the
    audit log starts empty, as on the day a county imports its backlog."""
    problems = sizes.problems()
    if problems:
        raise ValueError(" ".join(problems))
    if database_holds_data():
        raise ValueError(
            "The database already holds agencies or cases; load data goes into an empty database."
        )
    return Generator(sizes, history=history, log=log).run(workers=max(1, workers))
