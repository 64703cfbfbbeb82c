from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Cases"

    def ready(self) -> None:
        # Notifications sit below casework and may not import its rules; casework hands them the
        # two answers their worker needs (notifications/policy.py).
        from casework.access import works_on_cases
        from casework.sweep import stale_reason
        from notifications.policy import DeliveryPolicy, delivery_policy_register

        delivery_policy_register(DeliveryPolicy(may_receive=works_on_cases, stale_reason=stale_reason))
