from django.apps import AppConfig


class ReliefConfig(AppConfig):
    name = "relief"
    verbose_name = "Immigration relief"

    def ready(self) -> None:
        # casework's demo may not import relief; relief adds its pathways to it.
        from casework.demo import demo_extension_register
        from relief.demo import relief_demo_load
        from security.logging import personal_data_fields_register

        demo_extension_register(relief_demo_load)
        # Immigration facts (8 U.S.C. 1367) never reach a log line.
        personal_data_fields_register("receipt_number", "details")
