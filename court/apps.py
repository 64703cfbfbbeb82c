from django.apps import AppConfig


class CourtConfig(AppConfig):
    name = "court"
    verbose_name = "Court and the criminal case"

    def ready(self) -> None:
        from security.logging import personal_data_fields_register

        # Defendants are named people and their names are investigation content: never in a log.
        personal_data_fields_register("defendant_name", "alias", "docket_number")
