from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from casework.services.cases import identity_saved_hook_register
        from matching.services import match_identity_saved

        # Whichever page or endpoint saves a case's identity, its matching keys follow.
        identity_saved_hook_register(name="matching", hook=match_identity_saved)
