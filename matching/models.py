"""What matching keeps of each case's `identity` section to find the same child in another case.

`IdentityProfile` and `BlockingKey` are derived by PostgreSQL from `casework.IdentitySection`
(`matching.services.match_profiles_refresh`) whenever the section is saved; they carry the
identity section's protection and are never shown to anyone: matching answers only which cases
may be the same child and how strongly (`matching.selectors.possible_matches`).
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from casework.models import Case, CaseMerge, Handoff


class Nickname(models.Model):
    """A nickname folded the way `matching_tokens` folds names ("TONO"), and the formal name it
    stands for ("ANTONIO"). Loaded from `matching.nicknames` by the migrations."""

    name = models.CharField(max_length=40, primary_key=True)
    formal = models.CharField(max_length=40)

    def __str__(self) -> str:
        return f"{self.name} = {self.formal}"


class IdentityProfile(models.Model):
    """One case's names (legal name and aliases) as folded name tokens, nicknames replaced by
    formal names, particles left out, with each token's Double Metaphone code beside it
    (`sounds[i]` is the code of `tokens[i]`) and the date of birth."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="+")
    tokens = ArrayField(models.TextField(), default=list)
    sounds = ArrayField(models.TextField(), default=list)
    # The tokens sorted and joined by spaces, which trigram similarity compares as a whole.
    name_key = models.TextField()
    date_of_birth = models.DateField(null=True)

    def __str__(self) -> str:
        return f"Matching profile of case {self.case_id}"


class BlockingKey(models.Model):
    """A key two records of the same child are likely to share: the sounds of two tokens of one
    name (`P:<sound>.<sound>`), and the same with the month of birth (`Y:<sound>.<sound>:<yyyy-mm>`)
    or, without a date of birth, marked so (`N:<sound>.<sound>`). A check reads only the cases
    sharing a key with the case checked, through the index on `key`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    key = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["key"], name="matching_blocking_key")]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="matching_blocking_key_once")]

    def __str__(self) -> str:
        return self.key


class ComparisonRequest(models.Model):
    """A person working on `asking_case` asked the lead agency of `matched_case` to compare the
    two records. Nothing of `matched_case` is shown to the asker through it: only its lead
    agency's name, which the asker already saw beside the match.

    The asking rides on a handoff of kind `match_review` on `asking_case` to `asked_agency`: its
    response window, reminders, escalation and expiry are the handoffs', accepting it confirms
    the match and declining it (with a reason) rejects it. Once confirmed, the asked agency may
    invite the asking agency to `matched_case` (`invited_at`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    asking_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    matched_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asking_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # The matched case's lead agency when asked: the request goes to it, whoever leads later.
    asked_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Null only for requests asked before comparisons were handoffs.
    handoff = models.OneToOneField(
        Handoff, on_delete=models.PROTECT, null=True, blank=True, related_name="comparison_request"
    )
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["asking_case", "matched_case"], name="comparison_request_once"),
        ]
        indexes = [models.Index(fields=["asked_by", "created_at"], name="comparison_request_by_asker")]

    def __str__(self) -> str:
        return f"Comparison request {self.pk}"


class MergeProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    MERGED = "merged", _("Agreed and merged")
    DECLINED = "declined", pgettext_lazy("merge proposal status", "Declined")


class MergeProposal(models.Model):
    """After a confirmed comparison, a supervisor of one lead agency proposes merging the two
    cases, keeping one of them (`surviving_case`); a supervisor of the other lead agency agrees
    (the merge is `casework.services.merge.case_merge`, recorded in `merge`) or declines with a
    reason. `proposing_case` is the case whose lead agency proposed: the other one agrees."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    comparison = models.ForeignKey(
        ComparisonRequest, on_delete=models.PROTECT, related_name="merge_proposals"
    )
    proposing_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    surviving_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    merged_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=MergeProposalStatus.choices, default=MergeProposalStatus.PROPOSED
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(blank=True)
    merge = models.OneToOneField(CaseMerge, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comparison"],
                condition=models.Q(status="proposed"),
                name="merge_proposal_one_open_per_comparison",
            ),
            models.CheckConstraint(
                condition=~models.Q(surviving_case=models.F("merged_case")), name="merge_proposal_two_cases"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="merge_proposal_has_reason"),
            models.CheckConstraint(
                condition=models.Q(status="proposed", answered_at__isnull=True, merge__isnull=True)
                | models.Q(status="declined", answered_at__isnull=False, merge__isnull=True)
                | models.Q(status="merged", answered_at__isnull=False, merge__isnull=False),
                name="merge_proposal_answer_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Merge proposal {self.pk}"
