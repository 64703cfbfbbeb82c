from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from security.logging import personal_data_fields_register

        # A document's title and uploaded name are content of its section.
        personal_data_fields_register("title", "display_name")
