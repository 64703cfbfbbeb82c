"""The demo county's runaway known twice (`manage.py load_demo`, through
`settings.BRIDGE_DEMO_EXTENSIONS`): children's services and the police each opened a case for the
same girl under different spellings, and neither sees the other's, so each is shown a possible
match in a case led by the other agency, and nothing more of it. The police liaison has asked
children's services to compare: the review waits on the children's services handoff desk."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Role, User
from casework.services.cases import case_open
from matching.services import comparison_ask, possible_matches_check


def _born_sixteen_years_ago() -> str:
    today = timezone.localdate()
    return (today.replace(year=today.year - 16) - timedelta(days=40)).isoformat()


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
            sections={"identity": {**identity, "date_of_birth": _born_sixteen_years_ago()}},
        )
        for opener, pseudonym, age_band, identity in DEMO_TWICE_KNOWN
    ]
    police_liaison = people["pd", Role.LIAISON]
    [match] = possible_matches_check(actor=police_liaison, case=opened[-1])
    comparison_ask(actor=police_liaison, case=opened[-1], token=match.token, note=ASKING_NOTE)
