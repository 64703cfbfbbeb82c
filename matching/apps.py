from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from casework.services.cases import identity_saved_hook_register
        from casework.services.handoffs import handoff_accepted_hook_register, handoff_declined_hook_register
        from matching.services import match_identity_saved, match_review_accepted, match_review_declined

        # Whichever page or endpoint saves a case's identity, its matching keys follow.
        identity_saved_hook_register(name="matching", hook=match_identity_saved)
        # Whichever page or endpoint answers a match review, the match is confirmed or rejected.
        handoff_accepted_hook_register(name="matching", hook=match_review_accepted)
        handoff_declined_hook_register(name="matching", hook=match_review_declined)

        from matching.services_merge import matching_merge_register

        # A merge leaves comparisons as history and keeps the survivor's matching keys in step.
        matching_merge_register()
