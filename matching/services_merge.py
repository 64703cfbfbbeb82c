"""Merging two cases a comparison confirmed are the same child: a supervisor of one lead agency
proposes, keeping one of the two cases; a supervisor of the other lead agency agrees, and
`casework.services.merge.case_merge` merges them, or declines with a reason.

Each side is told only of its own case: the asking side never learns the other case's number
from a proposal (it learns it when the merge brings it onto the surviving case, or from an
invitation). Every proposal, agreement and refusal is audited on both cases, with ids only.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import User
from agencies.selectors import agency_supervisors
from audit.services import audit_record
from casework.access import Action, get_case_access, get_handoff_for_user
from casework.merge import case_merge_participant_register, case_merged_hook_register
from casework.models import Case, HandoffKind, HandoffStatus
from casework.sections import Section
from casework.services.merge import case_merge
from common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from common.i18n import Message
from common.inputs import text_errors
from matching.models import (
    BlockingKey,
    ComparisonRequest,
    IdentityProfile,
    MergeProposal,
    MergeProposalStatus,
)
from matching.services import match_profiles_forget, match_profiles_refresh
from notifications.services import notify

REASON_MAX_LENGTH = 5_000
KEEP_CHOICES = ("mine", "theirs")


@dataclass(frozen=True)
class MergeState:
    """Where merging stands for one supervisor: which of the two cases is theirs, the proposal
    (open, or the last one answered) and what they may do."""

    comparison: ComparisonRequest
    own_case: Case
    proposal: MergeProposal | None
    may_propose: bool
    may_agree: bool

    @property
    def keeps_own_case(self) -> bool:
        return self.proposal is not None and self.proposal.surviving_case_id == self.own_case.pk


def _holds_merge(*, user: User, case: Case) -> bool:
    try:
        return get_case_access(user=user, case_id=case.pk).may(Action.MERGE)
    except NotFound:
        return False


def _comparison(*, actor: User, handoff_id: object, lock: bool = False) -> ComparisonRequest:
    handoff = get_handoff_for_user(user=actor, handoff_id=handoff_id)
    if handoff.kind != HandoffKind.MATCH_REVIEW:
        raise NotFound()
    queryset = ComparisonRequest.objects.select_related("asking_case", "matched_case", "handoff")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    comparison = queryset.filter(handoff=handoff).first()
    if comparison is None:
        raise NotFound()
    return comparison


def merge_state(*, actor: User, handoff_id: object) -> MergeState:
    """`NotFound` for anyone but a supervisor holding `Action.MERGE` on one of the two cases,
    exactly as for a comparison that does not exist."""
    comparison = _comparison(actor=actor, handoff_id=handoff_id)
    return _state(actor=actor, comparison=comparison)


def _state(*, actor: User, comparison: ComparisonRequest) -> MergeState:
    on_asking = _holds_merge(user=actor, case=comparison.asking_case)
    on_matched = _holds_merge(user=actor, case=comparison.matched_case)
    if not (on_asking or on_matched):
        raise NotFound()
    proposal = (
        MergeProposal.objects.filter(comparison=comparison)
        .select_related("proposed_by", "answered_by", "surviving_case", "merged_case")
        .first()
    )
    is_open = proposal is not None and proposal.status == MergeProposalStatus.PROPOSED
    asking, matched = comparison.asking_case, comparison.matched_case
    own_case = asking if on_asking else matched
    if on_asking and on_matched and is_open:
        # One agency leads both cases: a supervisor other than the proposer answers for the other.
        assert proposal is not None
        proposing = asking if proposal.proposing_case_id == asking.pk else matched
        answering = matched if proposing is asking else asking
        own_case = proposing if actor.pk == proposal.proposed_by_id else answering
    may_agree = (
        is_open
        and proposal is not None
        and actor.pk != proposal.proposed_by_id
        and own_case.pk != proposal.proposing_case_id
    )
    confirmed = comparison.handoff is not None and comparison.handoff.status == HandoffStatus.ACCEPTED
    merged = proposal is not None and proposal.status == MergeProposalStatus.MERGED
    return MergeState(
        comparison=comparison,
        own_case=own_case,
        proposal=proposal,
        may_propose=confirmed and not is_open and not merged,
        may_agree=may_agree,
    )


def _audit(*, proposal: MergeProposal, actor: User, event_type: str) -> None:
    for case_id in (proposal.surviving_case_id, proposal.merged_case_id):
        audit_record(
            event_type=event_type,
            user=actor,
            object_type="merge_proposal",
            object_id=str(proposal.pk),
            case_id=case_id,
            section=Section.CORE,
        )


def _clean(value: str, *, field: str) -> str:
    if problems := text_errors(value, max_length=REASON_MAX_LENGTH, required=True):
        raise ValidationFailed(_("Give a reason."), fields={field: problems})
    return value.strip()


@transaction.atomic
def merge_propose(*, actor: User, handoff_id: object, keep: str, reason: str) -> MergeProposal:
    """Propose merging the two cases of a confirmed comparison, keeping the actor's own case
    (`keep="mine"`) or the other one (`"theirs"`); the other lead agency's supervisors are asked."""
    comparison = _comparison(actor=actor, handoff_id=handoff_id, lock=True)
    state = _state(actor=actor, comparison=comparison)
    if keep not in KEEP_CHOICES:
        raise ValidationFailed(
            _("Choose which case to keep."), fields={"keep": [_("Choose mine or theirs.")]}
        )
    reason = _clean(reason, field="reason")
    if not state.may_propose:
        if state.proposal is not None and state.proposal.status != MergeProposalStatus.DECLINED:
            raise Conflict(_("A merge of these two cases is already proposed or done."))
        raise Conflict(_("Only a confirmed match is merged: the asked agency confirms it first."))
    own = state.own_case
    other = comparison.matched_case if own.pk == comparison.asking_case_id else comparison.asking_case
    surviving, merged = (own, other) if keep == "mine" else (other, own)
    proposal = MergeProposal.objects.create(
        comparison=comparison,
        proposing_case=own,
        surviving_case=surviving,
        merged_case=merged,
        proposed_by=actor,
        reason=reason,
    )
    _audit(proposal=proposal, actor=actor, event_type="match.merge_proposed")
    notify(
        recipients=agency_supervisors(agency=other.lead_agency),
        kind="merge_proposed",
        case=other,
        message=Message(
            gettext_lazy(
                "Case %(number)s: %(agency)s proposes merging it with its case, found to be the same child. "
                "A supervisor of your agency agrees or declines."
            ),
            number=other.number,
            agency=own.lead_agency.name,
        ),
    )
    return proposal


def _open_proposal(*, actor: User, handoff_id: object) -> tuple[MergeProposal, MergeState]:
    comparison = _comparison(actor=actor, handoff_id=handoff_id, lock=True)
    state = _state(actor=actor, comparison=comparison)
    proposal = state.proposal
    if proposal is None or proposal.status != MergeProposalStatus.PROPOSED:
        raise Conflict(_("No merge of these two cases awaits an answer."))
    if not state.may_agree:
        raise PermissionDenied(
            _("A supervisor of the other case's lead agency, not the one who proposed, answers a merge.")
        )
    return proposal, state


def _answered(proposal: MergeProposal, *, actor: User, status: str, note: str, at: datetime) -> None:
    proposal.status = status
    proposal.answered_by = actor
    proposal.answered_at = at
    proposal.answer_note = note


@transaction.atomic
def merge_agree(*, actor: User, handoff_id: object) -> MergeProposal:
    """Agree to the open proposal: the two cases are merged now, or `Conflict` if either was
    merged meanwhile (of two merges at once, one wins)."""
    proposal = _open_proposal(actor=actor, handoff_id=handoff_id)[0]
    merge = case_merge(
        surviving_case=proposal.surviving_case,
        merged_case=proposal.merged_case,
        proposed_by=proposal.proposed_by,
        agreed_by=actor,
        reason=proposal.reason,
    )
    _answered(proposal, actor=actor, status=MergeProposalStatus.MERGED, note="", at=timezone.now())
    proposal.merge = merge
    proposal.save(update_fields=["status", "answered_by", "answered_at", "answer_note", "merge"])
    _audit(proposal=proposal, actor=actor, event_type="match.merge_agreed")
    notify(
        recipients=[proposal.proposed_by],
        kind="merge_agreed",
        case=proposal.surviving_case,
        message=Message(
            gettext_lazy("Case %(number)s: the two records of the child are merged into it."),
            number=proposal.surviving_case.number,
        ),
    )
    return proposal


@transaction.atomic
def merge_decline(*, actor: User, handoff_id: object, reason: str) -> MergeProposal:
    """Decline the open proposal, saying why; the proposer is told, of their own case only."""
    reason = _clean(reason, field="reason")
    proposal = _open_proposal(actor=actor, handoff_id=handoff_id)[0]
    _answered(proposal, actor=actor, status=MergeProposalStatus.DECLINED, note=reason, at=timezone.now())
    proposal.save(update_fields=["status", "answered_by", "answered_at", "answer_note"])
    _audit(proposal=proposal, actor=actor, event_type="match.merge_declined")
    notify(
        recipients=[proposal.proposed_by],
        kind="merge_declined",
        case=proposal.proposing_case,
        message=Message(
            gettext_lazy(
                "Case %(number)s: the other agency declined to merge it with the case "
                "found to be the same child."
            ),
            number=proposal.proposing_case.number,
        ),
    )
    return proposal


def _comparisons_stay(
    *, surviving_case: Case, merged_case: Case, actor: User, now: datetime
) -> dict[str, int]:
    """Comparisons and proposals name the cases as they were when asked: history, never moved.
    The derived matching rows of the merged case go (`match_merged`)."""
    return {}


def match_merged(*, surviving_case: Case, merged_case: Case, actor: User) -> None:
    """casework's merged hook: the merged case matches nothing any more, and the survivor's keys
    follow its identity, which gained the merged case's names."""
    match_profiles_forget(case_ids=[merged_case.pk])
    match_profiles_refresh(case_ids=[surviving_case.pk])


def matching_merge_register() -> None:
    case_merge_participant_register(
        name="matching",
        participant=_comparisons_stay,
        models=(ComparisonRequest, MergeProposal, IdentityProfile, BlockingKey),
    )
    case_merged_hook_register(name="matching", hook=match_merged)
