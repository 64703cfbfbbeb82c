from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = _("Sign-in security")

    def ready(self) -> None:
        from security import receivers

        receivers.connect()
