from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Service referrals")

    def ready(self) -> None:
        from casework.closure import ClosureParticipant, closure_participant_register
        from casework.services.handoffs import handoff_accepted_hook_register
        from referrals.services import (
            referral_closure_blockers,
            referral_handoff_accepted,
            referrals_close_with_case,
        )
        from security.logging import personal_data_fields_register

        # Session notes, outcome reasons and hand-over notes describe the child's care.
        personal_data_fields_register("outcome_reason", "handover_note", "note")
        closure_participant_register(
            ClosureParticipant(
                name="referrals", blockers=referral_closure_blockers, on_close=referrals_close_with_case
            )
        )
        handoff_accepted_hook_register(name="referrals", hook=referral_handoff_accepted)
