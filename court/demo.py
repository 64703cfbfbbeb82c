"""The demo county's court records, loaded through the real services after casework's demo
cases (`settings.BRIDGE_DEMO_EXTENSIONS`): A.N.'s dependency hearings (one held, one to come) and
the prosecution of her traffickers from charges to sentencing, with restitution ordered, two
payments, and a defendant released last night, whose notice task waits for the district
attorney's victim-witness coordinator."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from agencies.models import Agency, Role, User
from casework.demo import DEMO_AGENCIES
from casework.models import Case
from court.services import (
    charge_add,
    criminal_case_open,
    custody_event_record,
    defendant_add,
    defendant_sentence,
    dependency_hearing_schedule,
    dependency_hearing_update,
    proceeding_schedule,
    restitution_order_add,
    restitution_payment_add,
)


def _case(pseudonym: str) -> Case:
    return Case.objects.get(
        pseudonym=pseudonym, lead_agency__name__in=[name for name, _, _ in DEMO_AGENCIES.values()]
    )


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def court_demo_load(*, people: dict[tuple[str, str], User]) -> None:
    cps = people["cps", Role.LIAISON]
    police = people["pd", Role.LIAISON]
    da = people["da", Role.LIAISON]
    today = timezone.localdate()
    case = _case("A.N.")

    held = dependency_hearing_schedule(
        actor=cps,
        case=case,
        type="adjudication",
        scheduled_at=_at(today - timedelta(days=30), 9),
        court="Lakeview County Juvenile Court, Dept. 2",
    )
    dependency_hearing_update(
        actor=cps,
        hearing=held,
        expected_version=held.version,
        outcome="held",
        outcome_notes="Demo: dependency found; the child stays in foster care.",
    )
    dependency_hearing_schedule(
        actor=cps,
        case=case,
        type="disposition",
        scheduled_at=_at(today + timedelta(days=12), 10),
        court="Lakeview County Juvenile Court, Dept. 2",
    )

    criminal = criminal_case_open(
        actor=police,
        case=case,
        court="Lakeview County District Court, 3rd Criminal Division",
        docket_number="CR-2026-0412",
        status="sentenced",
        prosecuting_agency=Agency.objects.get(name=DEMO_AGENCIES["da"][0]),
    )
    leader = defendant_add(actor=da, criminal_case=criminal, defendant_name="Victor Demo-Krall", alias="Vic")
    helper = defendant_add(actor=da, criminal_case=criminal, defendant_name="Dana Demo-Reyes")
    filed = today - timedelta(days=200)
    sentenced = today - timedelta(days=14)
    charge_add(
        actor=da,
        defendant=leader,
        statute="Tex. Penal Code 20A.03",
        description="Continuous trafficking of persons",
        filed_on=filed,
        disposition="convicted",
        disposed_on=today - timedelta(days=60),
    )
    charge_add(
        actor=da,
        defendant=helper,
        statute="Tex. Penal Code 20A.02",
        description="Trafficking of persons",
        filed_on=filed,
        disposition="pleaded",
        disposed_on=today - timedelta(days=90),
    )
    for defendant, taken in ((leader, filed), (helper, filed)):
        custody_event_record(
            actor=police,
            defendant=defendant,
            kind="taken_into_custody",
            occurred_at=_at(taken - timedelta(days=1), 6),
        )
    for kind, day, outcome in (
        ("initial_appearance", filed + timedelta(days=1), "Bail denied for Victor Demo-Krall."),
        ("plea", today - timedelta(days=90), "Dana Demo-Reyes pleaded guilty."),
        ("trial", today - timedelta(days=65), "Jury trial, five days."),
        ("verdict", today - timedelta(days=60), "Guilty on all counts."),
        ("sentencing", sentenced, "Sentences pronounced; restitution ordered."),
    ):
        proceeding_schedule(
            actor=da, criminal_case=criminal, type=kind, scheduled_at=_at(day, 9), held=True, outcome=outcome
        )
    # Still to come: the victim-witness coordinator is asked to tell the child's family beforehand.
    proceeding_schedule(
        actor=da, criminal_case=criminal, type="restitution", scheduled_at=_at(today + timedelta(days=20), 14)
    )
    defendant_sentence(actor=da, defendant=leader, sentence="25 years' confinement", sentenced_on=sentenced)
    defendant_sentence(
        actor=da,
        defendant=helper,
        sentence="Time served and 5 years' community supervision",
        sentenced_on=sentenced,
    )
    order = restitution_order_add(
        actor=da,
        defendant=leader,
        amount=Decimal("18500.00"),
        monthly_amount=Decimal("250.00"),
        schedule="Monthly from prison earnings, then from wages on release",
        ordered_on=sentenced,
    )
    restitution_payment_add(
        actor=da, order=order, amount=Decimal("250.00"), paid_on=sentenced + timedelta(days=5)
    )
    restitution_payment_add(
        actor=da, order=order, amount=Decimal("125.00"), paid_on=today - timedelta(days=2)
    )
    custody_event_record(
        actor=police,
        defendant=helper,
        kind="released",
        occurred_at=timezone.now() - timedelta(hours=6),
        details="Released to community supervision",
    )
