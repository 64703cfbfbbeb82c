"""The load generator writes exactly the data the services would: checked against the access
layer and the rules in casework/sections.py at a tiny size, so it cannot silently rot."""

import re
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from agencies.models import Agency, Role, User
from benchmarks.loadgen.cli import main as loadgen_main
from benchmarks.loadgen.generator import generate
from benchmarks.loadgen.world import LoadSizes
from casework.access import cases_visible_to, get_case_access
from casework.models import (
    SECTION_MODELS,
    Case,
    CaseGroupObjectPermission,
    CaseNumberCounter,
    CaseParticipant,
    CaseUserObjectPermission,
    Consent,
    GrantBasis,
    Handoff,
    HandoffStatus,
    Note,
    SectionGrant,
    Task,
    TaskStatus,
    TimelineEvent,
)
from casework.sections import default_sections_for
from notifications.models import Notification, Reminder
from tests.benchmarks.conftest import TINY

pytestmark = pytest.mark.django_db


def test_counts_match_the_sizes_asked_for(tiny_load):
    assert Agency.objects.count() == 6
    assert User.objects.count() == 48
    assert Case.objects.count() == 40
    assert Task.objects.count() == 400
    assert Handoff.objects.count() == 16
    assert Note.objects.count() == 60
    assert tiny_load.rows["task"] == 400


def test_exactly_the_overdue_share_of_tasks_is_open_and_past_due(tiny_load):
    overdue = Task.objects.filter(status=TaskStatus.OPEN, due_at__lt=tiny_load.now)

    assert overdue.count() == round(400 * TINY.overdue_fraction)
    assert not overdue.filter(case__status="closed").exists()


def test_every_agency_has_each_role_and_its_group(tiny_load):
    for agency in Agency.objects.all():
        roles = set(User.objects.filter(agency=agency).values_list("role", flat=True))
        assert roles == set(Role.values)
        assert set(User.objects.filter(agency=agency).values_list("groups", flat=True)) == {agency.group_id}


def test_case_numbers_are_sequential_per_year_and_the_counter_continues_them(tiny_load):
    by_year = defaultdict(list)
    for number in Case.objects.values_list("number", flat=True):
        _, year, sequence = number.split("-")
        by_year[int(year)].append(int(sequence))
    for year, sequences in by_year.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))
        assert CaseNumberCounter.objects.get(year=year).last == len(sequences)


def test_each_case_has_two_to_four_agencies_each_with_view_case_for_its_group(tiny_load):
    participants = CaseParticipant.objects.values("case").annotate(n=Count("id"))
    assert {row["n"] for row in participants} <= {2, 3, 4}
    assert len(participants) == 40
    expected = set(CaseParticipant.objects.values_list("case_id", "agency__group_id"))
    granted = set(
        CaseGroupObjectPermission.objects.filter(permission__codename="view_case").values_list(
            "content_object_id", "group_id"
        )
    )
    assert granted == expected
    assert CaseGroupObjectPermission.objects.exclude(permission__codename="view_case").count() == 0


def test_each_participant_holds_exactly_the_default_grants_of_its_kind(tiny_load):
    defaults = defaultdict(set)
    for case_id, agency_id, section in SectionGrant.objects.filter(basis=GrantBasis.DEFAULT).values_list(
        "case_id", "agency_id", "section"
    ):
        defaults[(case_id, agency_id)].add(section)
    for participant in CaseParticipant.objects.select_related("agency"):
        assert defaults[(participant.case_id, participant.agency_id)] == set(
            default_sections_for(agency_kind=participant.agency.kind)
        )


def test_every_case_has_a_row_for_every_section(tiny_load):
    for model in SECTION_MODELS.values():
        assert model.objects.count() == 40


def test_a_liaison_sees_exactly_the_cases_its_agency_takes_part_in(tiny_load):
    for agency in Agency.objects.all():
        liaison = User.objects.filter(agency=agency, role=Role.LIAISON).first()
        visible = set(cases_visible_to(user=liaison).values_list("pk", flat=True))
        assert visible == set(CaseParticipant.objects.filter(agency=agency).values_list("case_id", flat=True))


def test_a_caseworker_sees_exactly_its_team_and_task_cases(tiny_load):
    checked = 0
    for caseworker in User.objects.filter(role=Role.CASEWORKER):
        agency_cases = set(
            CaseParticipant.objects.filter(agency_id=caseworker.agency_id).values_list("case_id", flat=True)
        )
        team = set(
            CaseUserObjectPermission.objects.filter(user=caseworker).values_list(
                "content_object_id", flat=True
            )
        )
        holds = set(
            Task.objects.filter(assignee=caseworker, owner_agency_id=caseworker.agency_id).values_list(
                "case_id", flat=True
            )
        )
        visible = set(cases_visible_to(user=caseworker).values_list("pk", flat=True))
        assert visible == agency_cases & (team | holds)
        checked += bool(visible)
    assert checked > 0


def test_case_teams_and_tasks_stay_inside_agencies_that_take_part(tiny_load):
    takes_part = set(CaseParticipant.objects.values_list("case_id", "agency_id"))
    for case_id, agency_id in CaseUserObjectPermission.objects.values_list(
        "content_object_id", "user__agency_id"
    ):
        assert (case_id, agency_id) in takes_part
    for task in Task.objects.select_related("assignee"):
        assert (task.case_id, task.owner_agency_id) in takes_part
        assert task.assignee is None or task.assignee.agency_id == task.owner_agency_id


def test_handoffs_agree_with_their_tasks_and_participants(tiny_load):
    takes_part = set(CaseParticipant.objects.values_list("case_id", "agency_id"))
    statuses = set()
    for handoff in Handoff.objects.select_related("task"):
        statuses.add(handoff.status)
        assert handoff.task.case_id == handoff.case_id
        assert not handoff.needs_approval
        if handoff.status == HandoffStatus.ACCEPTED:
            assert handoff.task.owner_agency_id == handoff.to_agency_id
            assert (handoff.case_id, handoff.to_agency_id) in takes_part
        else:
            assert handoff.task.owner_agency_id == handoff.from_agency_id
        if handoff.status == HandoffStatus.PENDING:
            assert handoff.respond_by > tiny_load.now
            assert handoff.task.status == TaskStatus.OPEN
    assert HandoffStatus.PENDING in statuses
    assert HandoffStatus.ACCEPTED in statuses


def test_only_the_lead_agencys_liaisons_hand_work_at_once_to_an_agency_not_on_the_case(db):
    # A seed whose handoffs reach beyond the case (the tiny load's do not).
    generate(sizes=LoadSizes(agencies=6, users=48, cases=40, tasks=400, handoffs=40, notes=60, seed=13))
    takes_part = set(CaseParticipant.objects.values_list("case_id", "agency_id"))
    reaching_out = [
        handoff
        for handoff in Handoff.objects.select_related("case", "created_by")
        if (handoff.case_id, handoff.to_agency_id) not in takes_part
    ]

    assert len(reaching_out) == 1
    for handoff in reaching_out:
        assert handoff.status == HandoffStatus.PENDING
        assert handoff.created_by.agency_id == handoff.case.lead_agency_id
        assert handoff.created_by.role in (Role.LIAISON, Role.SUPERVISOR)


def test_consent_grants_rest_on_a_consent_naming_a_participant_and_end_with_it(tiny_load):
    grants = SectionGrant.objects.filter(basis=GrantBasis.CONSENT).select_related("consent")
    assert grants.exists()
    takes_part = set(CaseParticipant.objects.values_list("case_id", "agency_id"))
    for grant in grants:
        consent = grant.consent
        assert consent.recipient_agency_id == grant.agency_id
        assert grant.section in consent.sections
        assert (grant.case_id, grant.agency_id) in takes_part
        ends = timezone.make_aware(datetime.combine(consent.expires_on + timedelta(days=1), time.min))
        assert grant.expires_at == ends
    assert Consent.objects.count() == grants.values("consent").distinct().count()


def test_a_consent_recipient_reads_the_shared_section(tiny_load):
    grant = SectionGrant.objects.filter(basis=GrantBasis.CONSENT).first()
    liaison = User.objects.filter(agency_id=grant.agency_id, role=Role.LIAISON).first()

    assert grant.section in get_case_access(user=liaison, case_id=grant.case_id).readable


def test_timeline_records_each_opening_joining_and_task(tiny_load):
    kinds = Counter(TimelineEvent.objects.values_list("kind", flat=True))
    assert kinds["case_opened"] == 40
    assert kinds["participant_joined"] == CaseParticipant.objects.count()
    assert kinds["task_created"] == 400
    assert kinds["task_completed"] == Task.objects.filter(status=TaskStatus.DONE).count()
    assert kinds["note_added"] == 60
    assert kinds["handoff_proposed"] == 16


def test_reminder_history_notifies_people_who_work_on_cases(tiny_load):
    assert Reminder.objects.exists()
    recipients = User.objects.filter(notifications__isnull=False).distinct()
    assert set(recipients.values_list("role", flat=True)) <= {Role.CASEWORKER, Role.LIAISON, Role.SUPERVISOR}
    assert Notification.objects.filter(reminder__isnull=False).count() >= Reminder.objects.count()


def test_the_generator_refuses_a_database_that_holds_data(tiny_load):
    with pytest.raises(ValueError, match="already holds"):
        generate(sizes=TINY)


def test_impossible_sizes_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="at least 4 per agency"):
        generate(sizes=LoadSizes(agencies=5, users=10, cases=10, tasks=100, handoffs=0, notes=0))


def test_the_command_refuses_production_settings_without_force(settings):
    settings.SETTINGS_MODULE = "config.settings.production"

    with pytest.raises(SystemExit, match="production"):
        loadgen_main(["--cases", "10"], out=StringIO())

    assert Case.objects.count() == 0


def test_the_command_loads_the_sizes_given(settings):
    out = StringIO()
    loadgen_main(
        [
            "--agencies",
            "6",
            "--users",
            "24",
            "--cases",
            "12",
            "--tasks",
            "60",
            "--handoffs",
            "4",
            "--notes",
            "6",
        ],
        out=out,
    )

    assert Case.objects.count() == 12
    assert Task.objects.count() == 60
    assert "Loaded in" in out.getvalue()


def _schema_of_loaded_tables() -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, convalidated::text, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype IN ('p', 'u', 'f', 'c') "
            "UNION ALL SELECT tablename, indexname, '', indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "ORDER BY 1, 2, 3, 4"
        )
        return [(*row[:3], _without_casts(row[3])) for row in cursor.fetchall()]


def _without_casts(definition: str) -> str:
    """A definition without its casts and parentheses. PostgreSQL prints an index it re-creates
    from its own printed definition with the casts moved (`ARRAY['a'::varchar]::text[]` becomes
    `ARRAY[('a'::varchar)::text]`): the same index, told apart by text alone."""
    return re.sub(r"::[\w ]+(\[\])?", "", definition).replace("(", "").replace(")", "")


@pytest.mark.django_db(transaction=True)
def test_the_parallel_load_puts_back_every_key_and_index_it_dropped_and_checks_them():
    before = _schema_of_loaded_tables()

    report = generate(sizes=TINY, workers=2)

    assert _schema_of_loaded_tables() == before
    assert report.rows["task"] == Task.objects.count() == 400
    assert Case.objects.count() == 40
    liaison = User.objects.filter(role=Role.LIAISON).order_by("pk").first()
    assert set(cases_visible_to(user=liaison)) == set(
        Case.objects.filter(participants__agency=liaison.agency_id)
    )
