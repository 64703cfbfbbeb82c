from django.apps import AppConfig
from django.core.signals import request_finished


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common building blocks"

    def ready(self) -> None:
        from common.logs import log_context_clear

        request_finished.connect(log_context_clear, dispatch_uid="common.logs.log_context_clear")
