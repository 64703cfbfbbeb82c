"""The linked cases of the demo county (`manage.py load_demo`, through
`settings.BRIDGE_DEMO_EXTENSIONS`): a sibling pair."""

from agencies.models import Role, User
from casework.models import Case
from links.models import LinkKind
from links.services import case_link_create

# (the lead agency linking, case, other case, kind).
DEMO_LINKS: tuple[tuple[str, str, str, str], ...] = (("cps", "A.N.", "M.H.", LinkKind.SIBLING),)


def demo_load_links(*, people: dict[tuple[str, str], User]) -> None:
    named = {pseudonym for _, first, second, _ in DEMO_LINKS for pseudonym in (first, second)}
    cases = {case.pseudonym: case for case in Case.objects.filter(pseudonym__in=named)}
    for linker, pseudonym, other, kind in DEMO_LINKS:
        actor = people[linker, Role.LIAISON]
        case_link_create(actor=actor, case=cases[pseudonym], other_case_id=cases[other].pk, kind=kind)
