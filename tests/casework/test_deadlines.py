"""Due-time arithmetic, the overlay rule and the shipped federal templates."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from casework.deadlines import (
    add_months,
    apply_offset,
    birthday,
    compute_due,
    effective_templates,
    next_repeat_due,
    offset_to_iso,
)
from casework.models import DeadlineTemplate
from tests.factories import federal_deadline_templates

CHICAGO = ZoneInfo("America/Chicago")


@dataclass
class Rule:
    anchor: str = "event"
    age_years: int | None = None
    offset_months: int = 0
    offset_days: int = 0
    offset_hours: int = 0


@dataclass
class Candidate:
    pk: int
    key: str
    jurisdiction: str = "US"
    overrides_id: int | None = None
    yields_to_state: bool = False


@pytest.mark.parametrize(
    ("months", "days", "hours", "expected"),
    [
        (0, 0, 24, "PT24H"),
        (6, 0, 0, "P6M"),
        (12, 0, 0, "P1Y"),
        (0, 120, 0, "P120D"),
        (0, -1, 0, "-P1D"),
        (24, -90, 0, "P2Y-90D"),
        (1, 2, 3, "P1M2DT3H"),
        (0, 0, 0, "PT0S"),
    ],
)
def test_offset_is_written_as_an_iso_8601_duration(months, days, hours, expected):
    assert offset_to_iso(months=months, days=days, hours=hours) == expected


def test_adding_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_adding_months_reaches_a_leap_day():
    assert add_months(date(2027, 8, 29), 6) == date(2028, 2, 29)


def test_adding_negative_months_crosses_a_year():
    assert add_months(date(2026, 1, 15), -2) == date(2025, 11, 15)


def test_leap_day_birthday_falls_on_february_28_in_common_years():
    assert birthday(date(2008, 2, 29), 18) == date(2026, 2, 28)


def test_leap_day_birthday_stays_on_february_29_in_leap_years():
    assert birthday(date(2008, 2, 29), 20) == date(2028, 2, 29)


def test_hours_are_elapsed_time_across_the_spring_daylight_saving_change():
    anchor = datetime(2026, 3, 7, 12, 0, tzinfo=CHICAGO)  # 18:00 UTC, CST
    due = apply_offset(anchor, months=0, days=0, hours=24, tz=CHICAGO)
    assert due == datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
    assert due.astimezone(CHICAGO).hour == 13


def test_days_keep_the_wall_clock_time_across_the_spring_daylight_saving_change():
    anchor = datetime(2026, 3, 7, 12, 0, tzinfo=CHICAGO)
    due = apply_offset(anchor, months=0, days=1, hours=0, tz=CHICAGO)
    assert due == datetime(2026, 3, 8, 17, 0, tzinfo=UTC)


def test_months_keep_the_wall_clock_time_across_the_autumn_daylight_saving_change():
    anchor = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)  # 10:00 CDT
    due = apply_offset(anchor, months=6, days=0, hours=0, tz=CHICAGO)
    assert due == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 10:00 CST


def test_apply_offset_refuses_a_naive_anchor():
    with pytest.raises(ValueError, match="aware"):
        apply_offset(datetime(2026, 6, 1, 10, 0), months=0, days=0, hours=1, tz=CHICAGO)  # noqa: DTZ001


def test_day_before_a_birthday_is_local_midnight_starting_that_day():
    rule = Rule(anchor="date_of_birth", age_years=18, offset_days=-1)
    due = compute_due(
        rule, occurred_at=datetime(2026, 6, 1, tzinfo=UTC), tz=CHICAGO, date_of_birth=date(2010, 4, 2)
    )
    assert due == datetime(2028, 4, 1, 0, 0, tzinfo=CHICAGO)
    assert due == datetime(2028, 4, 1, 5, 0, tzinfo=UTC)


def test_birthday_rule_without_a_date_of_birth_cannot_be_computed():
    rule = Rule(anchor="date_of_birth", age_years=18, offset_days=-1)
    assert (
        compute_due(rule, occurred_at=datetime(2026, 6, 1, tzinfo=UTC), tz=CHICAGO, date_of_birth=None)
        is None
    )


def test_hearing_rule_counts_from_the_hearing():
    rule = Rule(anchor="hearing_at", offset_days=-7)
    due = compute_due(
        rule,
        occurred_at=datetime(2026, 6, 1, tzinfo=UTC),
        tz=CHICAGO,
        hearing_at=datetime(2026, 7, 15, 14, 0, tzinfo=UTC),
    )
    assert due == datetime(2026, 7, 8, 14, 0, tzinfo=UTC)


def test_repeat_done_early_restarts_from_the_completion():
    rule = Rule(offset_months=6)
    due = next_repeat_due(
        rule,
        due_at=datetime(2026, 12, 1, 16, 0, tzinfo=UTC),
        completed_at=datetime(2026, 11, 2, 16, 0, tzinfo=UTC),
        tz=CHICAGO,
    )
    assert due == datetime(2027, 5, 2, 15, 0, tzinfo=UTC)


def test_repeat_done_late_keeps_the_original_schedule():
    rule = Rule(offset_months=6)
    due = next_repeat_due(
        rule,
        due_at=datetime(2026, 12, 1, 16, 0, tzinfo=UTC),
        completed_at=datetime(2026, 12, 20, 16, 0, tzinfo=UTC),
        tz=CHICAGO,
    )
    assert due == datetime(2027, 6, 1, 15, 0, tzinfo=UTC)


# --- the overlay rule --------------------------------------------------------------------------


def _dues(**by_key: int):
    return lambda template: datetime(2026, 6, 1, tzinfo=UTC).replace(hour=by_key[template.key])


def test_stricter_state_overlay_replaces_its_federal_template():
    federal = Candidate(pk=1, key="federal")
    overlay = Candidate(pk=2, key="texas", jurisdiction="TX", overrides_id=1)
    chosen = effective_templates([federal, overlay], jurisdiction="TX", due_for=_dues(federal=12, texas=6))
    assert chosen == [overlay]


def test_less_strict_state_overlay_leaves_the_federal_template():
    federal = Candidate(pk=1, key="federal")
    overlay = Candidate(pk=2, key="texas", jurisdiction="TX", overrides_id=1)
    chosen = effective_templates([federal, overlay], jurisdiction="TX", due_for=_dues(federal=12, texas=18))
    assert chosen == [federal]


def test_equally_strict_state_overlay_wins_the_tie():
    federal = Candidate(pk=1, key="federal")
    overlay = Candidate(pk=2, key="texas", jurisdiction="TX", overrides_id=1)
    chosen = effective_templates([federal, overlay], jurisdiction="TX", due_for=_dues(federal=12, texas=12))
    assert chosen == [overlay]


def test_federal_placeholder_yields_to_a_later_state_overlay():
    federal = Candidate(pk=1, key="federal", yields_to_state=True)
    overlay = Candidate(pk=2, key="texas", jurisdiction="TX", overrides_id=1)
    chosen = effective_templates([federal, overlay], jurisdiction="TX", due_for=_dues(federal=12, texas=18))
    assert chosen == [overlay]


def test_overlay_of_another_state_does_not_apply():
    federal = Candidate(pk=1, key="federal")
    overlay = Candidate(pk=2, key="ohio", jurisdiction="OH", overrides_id=1)
    chosen = effective_templates([federal, overlay], jurisdiction="TX", due_for=_dues(federal=12, ohio=1))
    assert chosen == [federal]


def test_state_template_without_override_is_added_alongside_federal_ones():
    federal = Candidate(pk=1, key="federal")
    extra = Candidate(pk=2, key="texas-extra", jurisdiction="TX")
    chosen = effective_templates(
        [federal, extra], jurisdiction="TX", due_for=_dues(federal=12, **{"texas-extra": 3})
    )
    assert chosen == [extra, federal]


def test_overlay_only_competes_with_the_template_it_overrides():
    review = Candidate(pk=1, key="review")
    hearing = Candidate(pk=2, key="hearing")
    overlay = Candidate(pk=3, key="texas-review", jurisdiction="TX", overrides_id=1)
    chosen = effective_templates(
        [review, hearing, overlay],
        jurisdiction="TX",
        due_for=_dues(review=12, hearing=20, **{"texas-review": 6}),
    )
    assert chosen == [overlay, hearing]


# --- the shipped templates and their constraints -----------------------------------------------

FEDERAL_FLOOR = [
    (
        "report-sex-trafficking-victim",
        "sex_trafficking_identified",
        "PT24H",
        "child_welfare",
        "42 U.S.C. 671(a)(34)(A)",
    ),
    ("report-missing-child", "missing_reported", "PT24H", "child_welfare", "42 U.S.C. 671(a)(35)(B)"),
    ("enter-missing-child-ncic", "missing_reported", "PT2H", "law_enforcement", "34 U.S.C. 41308"),
    (
        "notify-hhs-otip-foreign-national-minor",
        "foreign_national_minor_identified",
        "PT24H",
        "recording_agency",
        "22 U.S.C. 7105(b)(1)(G)",
    ),
    (
        "request-hhs-eligibility-letter",
        "foreign_national_minor_identified",
        "-P1D",
        "legal_advocate",
        "OTIP-PI-16-01",
    ),
    ("file-sij-petition", "sijs_candidate_identified", "-P1D", "legal_advocate", "8 CFR 204.11"),
    (
        "obtain-sij-predicate-order",
        "sijs_candidate_identified",
        "-P1D",
        "legal_advocate",
        "State law (juvenile court age limit; default 18)",
    ),
    (
        "hhs-interim-assistance-ends",
        "interim_assistance_issued",
        "P120D",
        "legal_advocate",
        "22 U.S.C. 7105(b)(1)(F)",
    ),
    ("file-i918-after-certification", "u_visa_certified", "P6M", "legal_advocate", "8 CFR 214.14(c)(2)(i)"),
    (
        "renew-continued-presence",
        "continued_presence_granted",
        "P2Y-90D",
        "immigration",
        "22 U.S.C. 7105(c)(3)",
    ),
    (
        "court-finding-reasonable-efforts",
        "removed_from_home",
        "P60D",
        "child_welfare",
        "45 CFR 1356.21(b)(1)(i)",
    ),
    ("periodic-case-review", "removed_from_home", "P6M", "child_welfare", "42 U.S.C. 675(5)(B)"),
    ("permanency-hearing", "removed_from_home", "P1Y", "child_welfare", "42 U.S.C. 675(5)(C)"),
    ("screen-returned-child", "missing_located", "PT72H", "child_welfare", "42 U.S.C. 671(a)(35)(A)(iii)"),
]
# Shipped beside the federal floor: agency practice, not statute (their source says so).
COURT_HEARING_REMINDERS = [
    (
        f"court-hearing-{kind.replace('_', '-')}",
        "court_hearing_scheduled",
        "-P1D",
        kind,
        "Agency practice: court hearing reminder (the court's notice sets the hearing)",
    )
    for kind in ("child_welfare", "legal_advocate")
]
# Issue 15: the labor-trafficking report and the screening reminders; their sources say they are
# unverified or agency policy.
SCREENING_AND_LABOR_TEMPLATES = [
    (
        "report-labor-trafficking-victim",
        "labor_trafficking_identified",
        "PT24H",
        "child_welfare",
        "* Unverified: agency policy extending the 24-hour report of 42 U.S.C. 671(a)(34)(A), which "
        "names sex trafficking only, to labor trafficking (22 U.S.C. 7102(11)(B)); check state law.",
    ),
    *(
        (
            key,
            trigger,
            "PT72H",
            "child_welfare",
            "* Unverified: 42 U.S.C. 671(a)(9)(C)(i) (identify and document children at risk); "
            "the 72-hour window is agency policy.",
        )
        for key, trigger in (
            ("screen-child-entering-care", "removed_from_home"),
            ("screen-child-new-placement", "placement_changed"),
        )
    ),
]
# The case plan's review (issue 16), due 90 days after each approval and every 90 days after.
CASE_PLAN_REVIEW = (
    "case-plan-review",
    "case_plan_approved",
    "P90D",
    "recording_agency",
    "* Unverified: case plan, 42 U.S.C. 675(1) and 45 CFR 1356.21(g); the 90-day review is agency "
    "policy within the periodic review of at least every 6 months, 42 U.S.C. 675(5)(B).",
)


# Victims' rights notices in the criminal case (issue 16), asked of the prosecution agency's
# victim-witness coordinator.
VICTIM_NOTICE_TEMPLATES = [
    (
        "notify-victim-defendant-released",
        "defendant_released",
        "PT24H",
        "prosecution",
        '18 U.S.C. 3771(a)(2), (c)(1) (notice of release); * Unverified: the statute says "timely" '
        "without hours; 24 hours is agency policy.",
    ),
    (
        "notify-victim-defendant-escaped",
        "defendant_escaped",
        "PT2H",
        "prosecution",
        '18 U.S.C. 3771(a)(2), (c)(1) (notice of escape); * Unverified: the statute says "timely" '
        "without hours; 2 hours is agency policy.",
    ),
    (
        "notify-victim-public-proceeding",
        "criminal_proceeding_scheduled",
        "-P3D",
        "prosecution",
        "18 U.S.C. 3771(a)(2), (a)(3), (a)(4), (c)(1) (notice of public proceedings); "
        "* Unverified: three days before is agency policy.",
    ),
]


@pytest.fixture
def templates(db):
    federal_deadline_templates()


def test_data_migration_ships_exactly_the_federal_floor(templates):
    shipped = {
        (t.key, t.trigger, t.offset, t.owner_kind, t.legal_source)
        for t in DeadlineTemplate.objects.filter(jurisdiction="US", active=True)
    }
    assert shipped == (
        set(FEDERAL_FLOOR)
        | set(COURT_HEARING_REMINDERS)
        | set(SCREENING_AND_LABOR_TEMPLATES)
        | set(VICTIM_NOTICE_TEMPLATES)
        | {CASE_PLAN_REVIEW}
    )


@pytest.mark.parametrize(
    ("key", "age_years"),
    [("request-hhs-eligibility-letter", 18), ("file-sij-petition", 21), ("obtain-sij-predicate-order", 18)],
)
def test_age_based_templates_count_from_the_right_birthday(templates, key, age_years):
    template = DeadlineTemplate.objects.get(key=key)
    assert (template.anchor, template.age_years) == ("date_of_birth", age_years)


def test_only_the_reviews_and_the_permanency_hearing_repeat(templates):
    assert set(DeadlineTemplate.objects.filter(repeats=True).values_list("key", flat=True)) == {
        "periodic-case-review",
        "permanency-hearing",
        "case-plan-review",
    }


def test_only_the_sij_predicate_order_yields_to_state_law(templates):
    assert list(DeadlineTemplate.objects.filter(yields_to_state=True).values_list("key", flat=True)) == [
        "obtain-sij-predicate-order"
    ]


OVERLAY_MISMATCH = "An overlay has the trigger, owner kind, section and asking of the template it overrides."


def test_overlay_must_share_trigger_and_owner_kind_with_the_template_it_overrides(templates):
    federal = DeadlineTemplate.objects.get(key="report-missing-child")
    overlay = DeadlineTemplate(
        key="tx-ncic",
        name="Enter missing child in NCIC (Texas)",
        trigger="missing_reported",
        offset_hours=1,
        owner_kind="law_enforcement",
        section="core",
        jurisdiction="TX",
        overrides=federal,
        legal_source="Tex. Code Crim. Proc. art. 63.009",
    )
    with pytest.raises(ValidationError) as error:
        overlay.full_clean()
    assert error.value.message_dict == {"overrides": [OVERLAY_MISMATCH]}


def test_overlay_must_carry_the_section_of_the_template_it_overrides(templates):
    federal = DeadlineTemplate.objects.get(key="file-sij-petition")
    overlay = DeadlineTemplate(
        key="tx-sij-petition",
        name="File SIJ petition (Texas)",
        trigger=federal.trigger,
        anchor=federal.anchor,
        age_years=federal.age_years,
        offset_days=-30,
        owner_kind=federal.owner_kind,
        section="core",
        jurisdiction="TX",
        overrides=federal,
        legal_source="State practice",
    )
    with pytest.raises(ValidationError) as error:
        overlay.full_clean()
    assert error.value.message_dict == {"overrides": [OVERLAY_MISMATCH]}


def test_shipped_templates_name_the_section_their_subject_belongs_to(templates):
    sections = dict(DeadlineTemplate.objects.filter(jurisdiction="US").values_list("key", "section"))
    assert sections == {
        "report-sex-trafficking-victim": "core",
        "report-missing-child": "core",
        "enter-missing-child-ncic": "core",
        "notify-hhs-otip-foreign-national-minor": "immigration",
        "request-hhs-eligibility-letter": "immigration",
        "file-sij-petition": "immigration",
        "obtain-sij-predicate-order": "immigration",
        "hhs-interim-assistance-ends": "immigration",
        "file-i918-after-certification": "immigration",
        "renew-continued-presence": "immigration",
        "court-finding-reasonable-efforts": "core",
        "periodic-case-review": "core",
        "permanency-hearing": "core",
        "screen-returned-child": "core",
        "court-hearing-child-welfare": "core",
        "court-hearing-legal-advocate": "core",
        "report-labor-trafficking-victim": "core",
        "screen-child-entering-care": "core",
        "screen-child-new-placement": "core",
        "notify-victim-defendant-released": "investigation",
        "notify-victim-defendant-escaped": "investigation",
        "notify-victim-public-proceeding": "investigation",
        "case-plan-review": "core",
    }


def test_only_continued_presence_renewal_asks_something_of_its_owner_kind(templates):
    asking = DeadlineTemplate.objects.filter(asks_owner=True).values_list("key", "owner_kind")
    assert list(asking) == [("renew-continued-presence", "immigration")]


@pytest.mark.django_db
def test_database_refuses_a_template_without_a_known_section():
    with pytest.raises(IntegrityError):
        DeadlineTemplate.objects.create(
            key="bad",
            name="Bad",
            trigger="missing_reported",
            owner_kind="child_welfare",
            section="",
            legal_source="none",
        )


@pytest.mark.django_db
def test_database_refuses_a_template_asking_something_of_the_recording_agency():
    with pytest.raises(IntegrityError):
        DeadlineTemplate.objects.create(
            key="bad",
            name="Bad",
            trigger="foreign_national_minor_identified",
            owner_kind="recording_agency",
            section="immigration",
            asks_owner=True,
            legal_source="none",
        )


@pytest.mark.django_db
def test_database_refuses_a_birthday_age_on_an_event_anchored_template():
    with pytest.raises(IntegrityError):
        DeadlineTemplate.objects.create(
            key="bad",
            name="Bad",
            trigger="missing_reported",
            anchor="event",
            age_years=18,
            owner_kind="child_welfare",
            section="core",
            legal_source="none",
        )


def test_database_refuses_a_federal_template_that_overrides_another(templates):
    federal = DeadlineTemplate.objects.get(key="report-missing-child")
    with pytest.raises(IntegrityError):
        DeadlineTemplate.objects.create(
            key="bad",
            name="Bad",
            trigger="missing_reported",
            offset_hours=1,
            owner_kind="child_welfare",
            section="core",
            jurisdiction="US",
            overrides=federal,
            legal_source="none",
        )


@pytest.mark.django_db
def test_database_refuses_a_repeating_template_that_does_not_move_forward():
    with pytest.raises(IntegrityError):
        DeadlineTemplate.objects.create(
            key="bad",
            name="Bad",
            trigger="removed_from_home",
            offset_days=-1,
            repeats=True,
            owner_kind="child_welfare",
            section="core",
            legal_source="none",
        )
