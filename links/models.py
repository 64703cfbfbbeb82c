"""Links between cases: siblings, one household, one exploiter or incident. A link exists only
for a reader who sees both cases (`links.selectors`)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from audit.models import track_case_record
from casework.models import Case


class LinkKind(models.TextChoices):
    SIBLING = "sibling", _("Sibling")
    SAME_HOUSEHOLD = "same_household", _("Same household")
    SAME_EXPLOITER = "same_exploiter", _("Same exploiter or incident")


class CaseLink(models.Model):
    """One link, stored once with its two cases in id order, so a pair and kind is one row
    whichever case it was made from."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case_a = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    case_b = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=LinkKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case_a", "case_b", "kind"], name="case_link_unique_pair_kind"),
            models.CheckConstraint(condition=Q(case_a__lt=models.F("case_b")), name="case_link_ordered_pair"),
        ]
        indexes = [models.Index(fields=["case_b"], name="case_link_case_b")]

    def __str__(self) -> str:
        return f"{self.kind} link {self.pk}"

    def other_case_id(self, case_id: uuid.UUID) -> uuid.UUID:
        return self.case_b_id if self.case_a_id == case_id else self.case_a_id


# Recorded against the first case of the pair; `links.services` records the second's side.
CaseLinkHistory = track_case_record(
    CaseLink, object_type="case_link", app_label="links", case_column="case_a_id", section="core"
)
