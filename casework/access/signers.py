"""Whose signature may ground a grant. A consent signed in a capacity the case's own record rules
out (a parent or guardian suspected of exploiting the child) is no basis for sharing: the grant
is refused and the consent is flagged to its stewards.

What is suspected is recorded by a feature app above casework (`exploitation`), which casework
may not import (the layer contract in `pyproject.toml`); that app hands its answer down when it is
ready (`exploitation.apps`), as casework hands notifications theirs, so the rule is asked here and
written once."""

from collections.abc import Callable

from casework.models import Case

CapacitiesRuledOut = Callable[[Case], frozenset[str]]

_sources: dict[str, CapacitiesRuledOut] = {}


def signer_capacities_source_register(*, name: str, source: CapacitiesRuledOut) -> None:
    """Called once by the app that knows; registering the same name again replaces it."""
    _sources[name] = source


def consent_capacities_ruled_out(*, case: Case) -> frozenset[str]:
    """The signer capacities whose consents cannot ground a grant on this case."""
    ruled_out: frozenset[str] = frozenset()
    for source in _sources.values():
        ruled_out |= source(case)
    return ruled_out
