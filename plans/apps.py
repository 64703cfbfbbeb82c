from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Case plans")

    def ready(self) -> None:
        from casework.closure import ClosureParticipant, closure_participant_register
        from casework.merge import case_merge_participant_register
        from plans.models import PlanAction, PlanGoal, PlanSubmission
        from plans.services import plan_close, plan_closure_blockers, plan_merge

        # A pending approval refuses closing; closing ends the plan's reviews.
        closure_participant_register(
            ClosureParticipant(name="plans", blockers=plan_closure_blockers, on_close=plan_close)
        )
        # Moved one by one, a plan's goals would leave the plan behind (one plan per case).
        case_merge_participant_register(
            name=self.name, participant=plan_merge, models=(PlanGoal, PlanAction, PlanSubmission)
        )
