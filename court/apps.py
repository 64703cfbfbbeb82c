from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourtConfig(AppConfig):
    name = "court"
    verbose_name = _("Court and the criminal case")

    def ready(self) -> None:
        from security.logging import personal_data_fields_register

        # Defendants are named people and their names are investigation content: never in a log.
        personal_data_fields_register("defendant_name", "alias", "docket_number")
