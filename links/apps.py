from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinksConfig(AppConfig):
    name = "links"
    verbose_name = _("Case links")

    def ready(self) -> None:
        from casework.merge import case_merge_participant_register
        from links.models import CaseLink
        from links.services import case_links_merge

        # Moved as-is, a link could join the surviving case to itself or leave its pair unordered.
        case_merge_participant_register(name=self.name, participant=case_links_merge, models=(CaseLink,))
