"""What closing a case asks of the records that feature apps keep on it.

Closing is casework's (`casework.services.closure`), but some of what may refuse it or must end
with it lives in apps above casework (service referrals, plan approvals), which casework may not
import (the layer contract in `pyproject.toml`). Each such app registers a participant when it is
ready; closing asks every participant for its blockers and, once the case closes, lets each end
its open records inside the same transaction, so nothing is left pending on a closed case.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from agencies.models import User
from casework.models import Case


@dataclass(frozen=True)
class ClosureBlocker:
    """One reason the case may not close yet, in words a supervisor acts on. `key` names the record
    (stable, e.g. `referral:<uuid>`) so a form can ask for a justification per blocker when
    `justifiable` is true."""

    key: str
    message: str
    justifiable: bool = False


@dataclass(frozen=True)
class ClosureParticipant:
    name: str
    # blockers(case=...) -> what refuses closure now, given what the app holds on the case.
    blockers: Callable[..., Sequence[ClosureBlocker]]
    # on_close(case=..., actor=..., now=..., reason=..., justifications=...) ends the app's open
    # records on the case; called inside the closing transaction after every blocker was cleared
    # or justified. `justifications` maps a blocker's key to the words that cleared it (for an
    # ongoing service, the hand-over note the provider is left with).
    on_close: Callable[..., None]


_participants: dict[str, ClosureParticipant] = {}


def closure_participant_register(participant: ClosureParticipant) -> None:
    """Called once by each app from `AppConfig.ready`; the same name again replaces it."""
    _participants[participant.name] = participant


def closure_participants() -> tuple[ClosureParticipant, ...]:
    return tuple(_participants.values())


def closure_blockers_from_participants(*, case: Case) -> list[ClosureBlocker]:
    return [blocker for participant in closure_participants() for blocker in participant.blockers(case=case)]


def closure_participants_close(
    *, case: Case, actor: User, now: datetime, reason: str, justifications: Mapping[str, str]
) -> None:
    for participant in closure_participants():
        participant.on_close(case=case, actor=actor, now=now, reason=reason, justifications=justifications)
