from django.apps import AppConfig


class ReliefConfig(AppConfig):
    name = "relief"
    verbose_name = "Immigration relief"

    def ready(self) -> None:
        from security.logging import personal_data_fields_register

        # Immigration facts (8 U.S.C. 1367) never reach a log line.
        personal_data_fields_register("receipt_number", "details")
