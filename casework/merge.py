"""What merging two cases of one child asks of the apps built on casework.

Merging is casework's (`casework.services.merge`): it moves every row that points at the merged
case to the surviving case, generically, over `Case._meta.related_objects`, so records of apps
casework may not import (the layer contract in `pyproject.toml`) move too. Where that move would
break an app's invariant (a link between the two cases would point from the surviving case to
itself; a plan's goals would leave their plan behind), the app registers a participant that moves
its own models instead, inside the merge's transaction. After everything moved, the hooks
registered with `case_merged_hook_register` run in the same transaction (matching drops the merged
case's profile and refreshes the survivor's).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db.models import Model

from agencies.models import User
from casework.models import Case


class MergeParticipant(Protocol):
    def __call__(
        self, *, surviving_case: Case, merged_case: Case, actor: User, now: datetime
    ) -> Mapping[str, int]:
        """Move (or leave, as history) the app's rows of `models` on `merged_case`; return what it
        moved, by a name for the merge record's `carried_over`."""
        ...


class CaseMergedHook(Protocol):
    def __call__(self, *, surviving_case: Case, merged_case: Case, actor: User) -> None: ...


@dataclass(frozen=True)
class RegisteredParticipant:
    name: str
    participant: MergeParticipant
    # The models it moves itself: the generic move leaves their case references alone.
    models: tuple[type[Model], ...]


_participants: dict[str, RegisteredParticipant] = {}
_hooks: dict[str, CaseMergedHook] = {}


def case_merge_participant_register(
    *, name: str, participant: MergeParticipant, models: tuple[type[Model], ...]
) -> None:
    """Called once by each app from `AppConfig.ready`; the same name again replaces it."""
    _participants[name] = RegisteredParticipant(name=name, participant=participant, models=models)


def case_merged_hook_register(*, name: str, hook: CaseMergedHook) -> None:
    """`hook(surviving_case=..., merged_case=..., actor=...)` runs after every merge, inside its
    transaction. Called once by each app from `AppConfig.ready`; the same name again replaces it."""
    _hooks[name] = hook


def merge_participants() -> tuple[RegisteredParticipant, ...]:
    return tuple(_participants.values())


def models_moved_by_participants() -> frozenset[type[Model]]:
    return frozenset(model for registered in _participants.values() for model in registered.models)


def case_merged_hooks() -> tuple[Callable[..., None], ...]:
    return tuple(_hooks.values())
