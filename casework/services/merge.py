"""Merging two cases found to be the same child.

A supervisor of each case's lead agency agrees (two people; when one agency leads both, two of its
supervisors). Nothing is deleted: the merged case's row and its section rows stay, marked with
the surviving case, and everything else on it moves there: tasks, notes, handoffs, timeline,
events, consents, participants with their grants and case team (`participation_merge`), and the
records of the apps built on casework, found through `Case._meta.related_objects` (`casework.merge`).
Rows that exist once per case (a section, a matching profile) stay with the merged case unless
their app registered a participant that moves them. History and audit rows are append-only and
stay as they were written. Afterwards nobody sees the merged case: its URLs lead to the surviving
case for those who see it (`casework.access.get_case_access`), and its number finds it.
"""

from collections import defaultdict
from contextlib import nullcontext
from datetime import datetime
from typing import Any

import pghistory.models
import pgtrigger
from django.db import IntegrityError, transaction
from django.db.models import F, ForeignKey, ForeignObjectRel, Model, UniqueConstraint
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import User
from audit.services import audit_record
from casework.access import CASE_IS_CLOSED, DENIALS, Action, CaseAccess, get_case_access, sees_case
from casework.merge import case_merged_hooks, merge_participants, models_moved_by_participants
from casework.models import (
    HANDOFF_OPEN_STATUSES,
    SECTION_MODELS,
    Case,
    CaseClosure,
    CaseMerge,
    ClosureStatus,
    Handoff,
    HandoffKind,
    IdentitySection,
    section_fields,
)
from casework.sections import Section
from casework.services.sharing import PARTICIPATION_MODELS, participation_merge
from casework.timeline import timeline_record
from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from common.inputs import text_errors

# Input contract of `case_merge`.
MERGE_REASON_MAX_LENGTH = 2_000
TWO_PEOPLE = gettext_lazy("A second supervisor agrees to a merge: not the person who proposed it.")
ALREADY_MERGED = gettext_lazy("This case was already merged into another case.")
PENDING_CHANGE = gettext_lazy(
    "A closing or a handoff of the lead is waiting for an answer on one of these cases: "
    "decide or withdraw it before merging."
)
ONE_PER_CASE_ON_BOTH = gettext_lazy(
    "Both cases hold a record that may exist only once at a time per case (%(records)s): "
    "end one of them before merging."
)


def _is_append_only(model: type[Model]) -> bool:
    """History and audit rows are what was written, where it was written: never moved."""
    if issubclass(model, pghistory.models.Event):
        return True
    return any(
        isinstance(trigger, pgtrigger.Protect) and trigger.condition is None
        for trigger in getattr(model._meta, "triggers", [])
    )


def _one_per_case(model: type[Model], field: ForeignKey) -> bool:
    """A row that exists once per case (one-to-one, or unique with the case): it stays with the
    merged case, since the surviving case may hold its own."""
    if field.unique:
        return True
    if any(field.name in fields for fields in model._meta.unique_together):
        return True
    return any(
        isinstance(constraint, UniqueConstraint)
        and constraint.condition is None
        and field.name in constraint.fields
        for constraint in model._meta.constraints
    )


def _state_guards(model: type[Model]) -> list[str]:
    """The model's conditional protections (a resolved handoff is final): they guard a row's state,
    not which case it is on, so moving it to the surviving case passes them."""
    return [
        f"{model._meta.label}:{trigger.name}"
        for trigger in getattr(model._meta, "triggers", [])
        if isinstance(trigger, pgtrigger.Protect) and trigger.condition is not None
    ]


def case_references_to_move() -> list[ForeignKey]:
    """Every foreign key to a case whose rows the generic move carries to the surviving case."""
    left_alone = {Case, CaseMerge, *SECTION_MODELS.values(), *PARTICIPATION_MODELS}
    left_alone |= models_moved_by_participants()
    references = []
    # Hidden relations too: most apps name no reverse accessor (`related_name="+"`).
    relations = [
        field for field in Case._meta.get_fields(include_hidden=True) if isinstance(field, ForeignObjectRel)
    ]
    for relation in relations:
        model, field = relation.field.model, relation.field
        if not isinstance(field, ForeignKey) or model in left_alone:
            continue
        if _is_append_only(model) or _one_per_case(model, field):
            continue
        references.append(field)
    return references


def _move_references(*, surviving_case: Case, merged_case: Case) -> dict[str, int]:
    moved: dict[str, int] = defaultdict(int)
    for field in case_references_to_move():
        model = field.model
        guards = _state_guards(model)
        # `pgtrigger.ignore()` without names ignores every trigger, history included.
        with pgtrigger.ignore(*guards) if guards else nullcontext():
            count = model._base_manager.filter(**{field.name: merged_case}).update(
                **{field.name: surviving_case}
            )
        if count:
            moved[model._meta.label_lower] += count
    return dict(moved)


def _is_empty(value: Any) -> bool:
    return value in (None, "", [])


def _merge_sections(*, surviving_case: Case, merged_case: Case, now: datetime) -> list[str]:
    """Each data section of the surviving case keeps its values; a field it lacks is filled from
    the merged case. The merged case's legal name and aliases become aliases of the surviving
    case, so a search by the other spelling still finds the child. Returns the sections changed."""
    sections = list(SECTION_MODELS)
    survivor = Case.objects.select_related(*sections).get(pk=surviving_case.pk)
    merged = Case.objects.select_related(*sections).get(pk=merged_case.pk)
    changed = []
    for section in sections:
        keep, other = getattr(survivor, section), getattr(merged, section)
        fields = [
            name
            for name in section_fields(section)
            if _is_empty(getattr(keep, name)) and not _is_empty(getattr(other, name))
        ]
        for name in fields:
            setattr(keep, name, getattr(other, name))
        if isinstance(keep, IdentitySection) and isinstance(other, IdentitySection):
            names = [*keep.aliases, other.legal_name, *other.aliases]
            seen = {keep.legal_name.casefold()}
            aliases = []
            for name in names:
                if name and name.casefold() not in seen:
                    seen.add(name.casefold())
                    aliases.append(name)
            if aliases != keep.aliases:
                keep.aliases = aliases
                fields.append("aliases")
        if fields:
            keep.save(update_fields=sorted(set(fields)))
            surviving_case.record_section_change(section, at=now)
            changed.append(section)
    return changed


def _access_or_none(*, user: User, case: Case) -> CaseAccess | None:
    try:
        return get_case_access(user=user, case_id=case.pk)
    except NotFound:
        return None


def _check_agreement(*, surviving_case: Case, merged_case: Case, proposed_by: User, agreed_by: User) -> None:
    """`NotFound` for a proposer who sees neither case. Otherwise one of the two holds `MERGE` on
    one case and the other on the other case, in either order, or the merge is refused: 409 when a
    case is closed, else the rule's words."""
    cases = (surviving_case, merged_case)
    proposer = [_access_or_none(user=proposed_by, case=case) for case in cases]
    agreer = [_access_or_none(user=agreed_by, case=case) for case in cases]
    if proposer == [None, None]:
        raise NotFound()

    def may(access: CaseAccess | None) -> bool:
        return access is not None and access.may(Action.MERGE)

    if (may(proposer[0]) and may(agreer[1])) or (may(proposer[1]) and may(agreer[0])):
        return
    if any(access is not None and not access.is_open for access in [*proposer, *agreer]):
        raise Conflict(CASE_IS_CLOSED)
    raise PermissionDenied(DENIALS[Action.MERGE])


def _lock_both(*, surviving_case: Case, merged_case: Case, proposed_by: User) -> tuple[Case, Case]:
    """Both case rows, locked in id order so that two merges of overlapping cases never deadlock:
    the second waits for the first to commit, then finds the case merged (409)."""
    locked = {
        case.pk: case
        for case in Case.objects.select_for_update(of=("self",))
        .filter(pk__in=[surviving_case.pk, merged_case.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise NotFound()
    for case in locked.values():
        if case.merged_into_id is not None:
            # Only someone who sees where it went is told it was merged (DOMAIN rule 5).
            if sees_case(user=proposed_by, case_id=case.merged_into_id):
                raise Conflict(ALREADY_MERGED)
            raise NotFound()
    return locked[surviving_case.pk], locked[merged_case.pk]


def _check_nothing_pending(*, case_ids: list[Any]) -> None:
    lead_handoffs = Handoff.objects.filter(
        case_id__in=case_ids, kind=HandoffKind.LEAD, status__in=HANDOFF_OPEN_STATUSES
    )
    closings = CaseClosure.objects.filter(case_id__in=case_ids, status=ClosureStatus.AWAITING_APPROVAL)
    if lead_handoffs.exists() or closings.exists():
        raise Conflict(PENDING_CHANGE)


@transaction.atomic
def case_merge(
    *, surviving_case: Case, merged_case: Case, proposed_by: User, agreed_by: User, reason: str
) -> CaseMerge:
    """Merge `merged_case` into `surviving_case` (see the module's docstring). `proposed_by` and
    `agreed_by` are two different people, each a supervisor of one of the two lead agencies."""
    errors: dict[str, list[str]] = {}
    if reason_errors := text_errors(reason, max_length=MERGE_REASON_MAX_LENGTH):
        errors["reason"] = reason_errors
    if proposed_by.pk == agreed_by.pk:
        errors["agreed_by"] = [str(TWO_PEOPLE)]
    if surviving_case.pk == merged_case.pk:
        errors["merged_case"] = [_("A case is not merged into itself.")]
    if errors:
        raise ValidationFailed(_("The merge cannot be recorded as given."), fields=errors)

    surviving_case, merged_case = _lock_both(
        surviving_case=surviving_case, merged_case=merged_case, proposed_by=proposed_by
    )
    _check_agreement(
        surviving_case=surviving_case, merged_case=merged_case, proposed_by=proposed_by, agreed_by=agreed_by
    )
    _check_nothing_pending(case_ids=[surviving_case.pk, merged_case.pk])

    now = timezone.now()
    carried_over = participation_merge(
        surviving_case=surviving_case, merged_case=merged_case, actor=proposed_by, now=now
    )
    try:
        with transaction.atomic():
            carried_over |= _move_references(surviving_case=surviving_case, merged_case=merged_case)
    except IntegrityError as error:
        raise Conflict(ONE_PER_CASE_ON_BOTH % {"records": _constraint_named(error)}) from error
    for registered in merge_participants():
        carried_over |= registered.participant(
            surviving_case=surviving_case, merged_case=merged_case, actor=proposed_by, now=now
        )
    sections_filled = _merge_sections(surviving_case=surviving_case, merged_case=merged_case, now=now)

    Case.objects.filter(merged_into=merged_case).update(merged_into=surviving_case)
    merged_case.merged_into, merged_case.merged_at = surviving_case, now
    merged_case.version = F("version") + 1
    merged_case.save(update_fields=["merged_into", "merged_at", "version", "updated_at"])
    surviving_case.version = F("version") + 1
    surviving_case.save(update_fields=["version", "section_changes", "updated_at"])
    surviving_case.refresh_from_db(fields=["version"])

    # Both hold MERGE, which only agency supervisors do.
    assert proposed_by.agency_id is not None
    assert agreed_by.agency_id is not None
    merge = CaseMerge.objects.create(
        surviving_case=surviving_case,
        merged_case=merged_case,
        proposed_by=proposed_by,
        proposed_by_agency_id=proposed_by.agency_id,
        agreed_by=agreed_by,
        agreed_by_agency_id=agreed_by.agency_id,
        reason=reason.strip(),
        merged_at=now,
        carried_over={**carried_over, "sections_filled": len(sections_filled)},
    )
    timeline_record(
        case=surviving_case,
        kind="case_merged",
        summary=f"Merged {merged_case.number} into this case.",
        actor=proposed_by,
        data={"merged_case": str(merged_case.pk), "merge": str(merge.pk)},
        occurred_at=now,
    )
    for case, role in ((surviving_case, "surviving"), (merged_case, "merged")):
        audit_record(
            event_type="case.merged",
            user=proposed_by,
            object_type="case_merge",
            object_id=str(merge.pk),
            case_id=case.pk,
            section=Section.CORE,
            detail={
                "role": role,
                "surviving_case": str(surviving_case.pk),
                "merged_case": str(merged_case.pk),
                "agreed_by": agreed_by.pk,
            },
        )
    # The identity hooks do not run: the merged hooks see both cases, which a follower of the
    # identity section (matching) needs to drop the merged case's derived rows as well.
    for hook in case_merged_hooks():
        hook(surviving_case=surviving_case, merged_case=merged_case, actor=proposed_by)
    return merge


def _constraint_named(error: IntegrityError) -> str:
    diagnostics = getattr(error.__cause__, "diag", None)
    return getattr(diagnostics, "constraint_name", None) or _("a record of the same kind")
