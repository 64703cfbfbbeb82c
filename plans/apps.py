from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Case plans"

    def ready(self) -> None:
        from casework.closure import ClosureParticipant, closure_participant_register
        from plans.services import plan_close, plan_closure_blockers

        # A pending approval refuses closing; closing ends the plan's reviews.
        closure_participant_register(
            ClosureParticipant(name="plans", blockers=plan_closure_blockers, on_close=plan_close)
        )
