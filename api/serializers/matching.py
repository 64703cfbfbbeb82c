"""Possible matches of a case as the caller may be told of them."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import StrictCharField
from api.serializers.links import LinkedCaseSerializer
from api.serializers.work import HandoffSerializer
from casework.services.handoffs import NOTE_MAX_LENGTH
from matching.models import MergeProposal
from matching.selectors import Strength
from matching.services import MATCH_TOKEN_MAX_LENGTH, ComparisonReview, ShownMatch
from matching.services_merge import KEEP_CHOICES, REASON_MAX_LENGTH


class PossibleMatchSerializer(serializers.Serializer):
    """`case` only for a case the caller sees; otherwise `match`, an opaque token to ask its lead
    agency to compare with."""

    strength = serializers.ChoiceField(choices=[Strength.HIGH, Strength.MEDIUM], read_only=True)
    lead_agency_name = serializers.CharField(read_only=True)
    case = serializers.SerializerMethodField()
    match = serializers.SerializerMethodField()

    @extend_schema_field(LinkedCaseSerializer(allow_null=True))
    def get_case(self, shown: ShownMatch) -> dict[str, Any] | None:
        return None if shown.case is None else dict(LinkedCaseSerializer(shown.case).data)

    asked = HandoffSerializer(
        read_only=True,
        allow_null=True,
        help_text="The request this case sent the lead agency to compare this match, if any.",
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_match(self, shown: ShownMatch) -> str | None:
        return shown.token or None


class PossibleMatchesPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True, read_only=True)
    previous = serializers.CharField(allow_null=True, read_only=True)
    results = PossibleMatchSerializer(many=True, read_only=True)


class ComparisonAskSerializer(serializers.Serializer):
    match = serializers.CharField(
        max_length=MATCH_TOKEN_MAX_LENGTH,
        help_text="The `match` token of a possible match in this case's list.",
    )
    note = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_MAX_LENGTH,
        help_text="For the asked agency's liaisons: why you think it is the same child.",
    )


class ComparisonRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    asked_agency_name = serializers.CharField(source="asked_agency.name", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    handoff = HandoffSerializer(read_only=True, allow_null=True)


class ComparisonRowSerializer(serializers.Serializer):
    field = serializers.CharField(source="label", read_only=True)
    asking = serializers.CharField(read_only=True, help_text="The asking case's value (while pending).")
    own = serializers.CharField(read_only=True, help_text="Your case's value, as your access reads it.")
    differs = serializers.BooleanField(read_only=True)


class ComparisonReviewSerializer(serializers.Serializer):
    """A match review your agency was asked: the asking case's identity beside your case's, field
    by field, while it is pending; afterwards the decision only."""

    handoff = HandoffSerializer(read_only=True)
    asking_agency_name = serializers.CharField(source="request.asking_agency.name", read_only=True)
    own_case = serializers.SerializerMethodField()
    rows = ComparisonRowSerializer(many=True, read_only=True)
    may_answer = serializers.BooleanField(read_only=True)
    may_invite = serializers.BooleanField(read_only=True)
    invited_at = serializers.DateTimeField(source="request.invited_at", read_only=True, allow_null=True)

    @extend_schema_field(LinkedCaseSerializer(allow_null=True))
    def get_own_case(self, review: ComparisonReview) -> dict[str, Any] | None:
        return None if review.own_case is None else dict(LinkedCaseSerializer(review.own_case).data)


class ComparisonDecisionSerializer(serializers.Serializer):
    reason = StrictCharField(
        max_length=NOTE_MAX_LENGTH, help_text="Why; the asking agency reads it. Required."
    )


class MergeProposalSerializer(serializers.ModelSerializer):
    proposed_by = serializers.UUIDField(source="proposed_by.public_id", read_only=True)
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = MergeProposal
        fields = (
            "id",
            "status",
            "reason",
            "created_at",
            "proposed_by",
            "answered_by",
            "answered_at",
            "answer_note",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_answered_by(self, proposal: MergeProposal) -> str | None:
        return None if proposal.answered_by is None else str(proposal.answered_by.public_id)


class MergeStateSerializer(serializers.Serializer):
    """Merging the two cases of a comparison, as one of the two lead agencies' supervisors sees
    it: their own case only, never the other's number."""

    own_case = LinkedCaseSerializer(read_only=True)
    proposal = MergeProposalSerializer(read_only=True, allow_null=True)
    keeps_own_case = serializers.BooleanField(
        read_only=True, help_text="Whether the proposal keeps your case (the other is merged into it)."
    )
    may_propose = serializers.BooleanField(read_only=True)
    may_agree = serializers.BooleanField(read_only=True)


class MergeProposeSerializer(serializers.Serializer):
    keep = serializers.ChoiceField(
        choices=list(KEEP_CHOICES), help_text="`mine` keeps your case, `theirs` the other agency's."
    )
    reason = StrictCharField(max_length=REASON_MAX_LENGTH)


class MergeDeclineSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=REASON_MAX_LENGTH)
