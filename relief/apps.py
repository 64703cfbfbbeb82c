from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReliefConfig(AppConfig):
    name = "relief"
    verbose_name = _("Immigration relief")

    def ready(self) -> None:
        from security.logging import personal_data_fields_register

        # Immigration facts (8 U.S.C. 1367) never reach a log line.
        personal_data_fields_register("receipt_number", "details")
