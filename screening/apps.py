from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Trafficking screening")

    def ready(self) -> None:
        from casework.dashboard_figures import dashboard_panel_register
        from screening.selectors import SCREENING_PANEL, agency_screening_panel

        # Counting an agency's open cases by status costs as much as the dashboard's own figures
        # at scale: it is stored and refreshed with them.
        dashboard_panel_register(name=SCREENING_PANEL, compute=agency_screening_panel)
