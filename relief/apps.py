from django.apps import AppConfig


class ReliefConfig(AppConfig):
    name = "relief"
    verbose_name = "Immigration relief"

    def ready(self) -> None:
        # casework's demo may not import relief; relief adds its pathways to it.
        from casework.demo import demo_extension_register
        from relief.demo import relief_demo_load

        demo_extension_register(relief_demo_load)
