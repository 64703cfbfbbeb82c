"""The demo county's runaway known twice (`manage.py load_demo`, through
`settings.BRIDGE_DEMO_EXTENSIONS`): children's services and the police each opened a case for the
same girl under different spellings, and neither sees the other's, so each is shown a possible
match in a case led by the other agency, and nothing more of it. The police liaison has asked
children's services to compare: the review waits on the children's services handoff desk.

And a boy the community center knows as "Paco Morales", whom children's services knows as
Francisco Morales Cruz: the center asked, children's services confirmed and invited the center to
its case, and either lead agency's supervisors may now propose merging the two records."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Role, User
from casework.services.cases import case_open
from matching.services import comparison_ask, comparison_confirm, comparison_invite, possible_matches_check


def _born_years_ago(years: int, *, days: int) -> str:
    today = timezone.localdate()
    return (today.replace(year=today.year - years) - timedelta(days=days)).isoformat()


# (the lead agency opening, pseudonym, age band, identity without the shared date of birth).
DEMO_TWICE_KNOWN: tuple[tuple[str, str, str, dict[str, object]], ...] = (
    (
        "cps",
        "G.H.",
        "15-17",
        {
            "legal_name": "Guadalupe Hernández López-Demo",
            "languages": ["es", "en"],
            "guardian": "Rosa López (mother)",
        },
    ),
    (
        "pd",
        "L.H.",
        "15-17",
        {"legal_name": "Lupe Hernandez-Demo", "languages": ["es"]},
    ),
)


ASKING_NOTE = (
    "Runaway report from last month: same first name and birthday, mother's name Rosa. Could you compare "
    "with your records?"
)


def demo_load_possible_matches(*, people: dict[tuple[str, str], User]) -> None:
    opened = [
        case_open(
            actor=people[opener, Role.LIAISON],
            pseudonym=pseudonym,
            age_band=age_band,
            sections={"identity": {**identity, "date_of_birth": _born_years_ago(16, days=40)}},
        )
        for opener, pseudonym, age_band, identity in DEMO_TWICE_KNOWN
    ]
    police_liaison = people["pd", Role.LIAISON]
    [match] = possible_matches_check(actor=police_liaison, case=opened[-1])
    comparison_ask(actor=police_liaison, case=opened[-1], token=match.token, note=ASKING_NOTE)
    _demo_load_confirmed_match(people=people)


def _demo_load_confirmed_match(*, people: dict[tuple[str, str], User]) -> None:
    born = _born_years_ago(13, days=200)
    case_open(
        actor=people["cps", Role.LIAISON],
        pseudonym="F.M.",
        age_band="12-14",
        sections={
            "identity": {
                "legal_name": "Francisco Morales Cruz-Demo",
                "date_of_birth": born,
                "languages": ["es"],
                "guardian": "Ana Cruz (mother)",
            }
        },
    )
    center_liaison = people["center", Role.LIAISON]
    asking = case_open(
        actor=center_liaison,
        pseudonym="P.M.",
        age_band="12-14",
        sections={
            "identity": {"legal_name": "Paco Morales-Demo", "date_of_birth": born, "languages": ["es"]}
        },
    )
    [match] = possible_matches_check(actor=center_liaison, case=asking)
    asked = comparison_ask(
        actor=center_liaison,
        case=asking,
        token=match.token,
        note="Came to the drop-in with his mother Ana; says he was in foster care last year.",
    )
    cps_liaison = people["cps", Role.LIAISON]
    comparison_confirm(
        actor=cps_liaison,
        handoff_id=asked.handoff_id,
        reason="Same date of birth and mother; Paco is what the family calls Francisco.",
    )
    comparison_invite(actor=cps_liaison, handoff_id=asked.handoff_id)
