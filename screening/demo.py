"""The screening part of the demo county (`manage.py load_demo`, through
`settings.BRIDGE_DEMO_EXTENSIONS`): screenings with the sample instrument, an at-risk child, a
confirmed labor-trafficking victim and a child in care never screened."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Role, User
from casework.models import Case
from casework.services.events import case_event_record
from screening.models import Instrument
from screening.services import screening_record, trafficking_status_change

# (pseudonym, screening agency, days ago, answers "yes", how often the child works, decision, reason)
DEMO_SCREENINGS: tuple[tuple[str, str, int, tuple[str, ...], str, str, str], ...] = (
    ("J.T.", "cps", 2, ("runaway", "unexplained_money", "sex_for_needs"), "sometimes", "suspected", ""),
    # The at-risk child: a younger sibling with warning signs, screened and followed.
    ("M.H.", "cps", 10, ("older_partner", "unexplained_money"), "never", "at_risk", ""),
    (
        "T.B.",
        "center",
        1,
        ("runaway", "older_partner", "sex_for_needs", "threats"),
        "never",
        "confirmed_sex",
        "Demo: she disclosed being sold by the man she called her boyfriend.",
    ),
)
# Statuses set without a screening of the sample instrument (the demo's exploitation profiles, on
# R.P. and A.N., are recorded for these confirmed victims).
DEMO_STATUSES: tuple[tuple[str, str, str], ...] = (
    (
        "S.A.",
        "confirmed_labor",
        "Demo: worked unpaid in the salon to repay a travel debt; her papers were kept from her.",
    ),
    ("R.P.", "confirmed_labor", "Demo: found working the harvest for a crew boss who held his wages."),
    ("A.N.", "confirmed_sex", "Demo: forensic interview; her mother arranged the buyers."),
)
SAMPLE_INSTRUMENT_KEY = "bridge-sample-indicators"


def demo_load_screening(*, people: dict[tuple[str, str], User]) -> None:
    """Screenings with the sample instrument, an at-risk child, a confirmed labor-trafficking
    victim, and a child who entered care and was never screened (the supervisors' list)."""
    instrument = Instrument.objects.get(key=SAMPLE_INSTRUMENT_KEY, version=1)
    cases = {
        case.pseudonym: case
        for case in Case.objects.filter(
            pseudonym__in={"J.T.", "M.H.", "T.B.", "S.A.", "D.W.", "R.P.", "A.N."}
        )
    }
    yes_no = [question.key for question in instrument.questions.all() if question.answer_type == "yes_no"]
    for pseudonym, agency, days_ago, yes, working, decided, reason in DEMO_SCREENINGS:
        screening_record(
            actor=people[agency, Role.CASEWORKER],
            case=cases[pseudonym],
            instrument_id=instrument.pk,
            screened_on=timezone.localdate() - timedelta(days=days_ago),
            answers={**{key: key in yes for key in yes_no}, "hours_working": working},
            decided_status=decided,
            reason=reason,
        )
    for pseudonym, status, reason in DEMO_STATUSES:
        trafficking_status_change(
            actor=people["cps", Role.LIAISON], case=cases[pseudonym], status=status, reason=reason
        )
    case_event_record(
        actor=people["cps", Role.CASEWORKER],
        case=cases["D.W."],
        event_type="removed_from_home",
        occurred_at=timezone.now() - timedelta(days=5),
    )
