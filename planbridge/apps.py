from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanbridgeConfig(AppConfig):
    name = "planbridge"
    verbose_name = _("PlanBridge")

    def ready(self):
        from . import signals  # noqa: F401
