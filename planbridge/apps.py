from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanbridgeConfig(AppConfig):
    name = "planbridge"
    verbose_name = _("PlanBridge")

    def ready(self):
        from . import registry, signals  # noqa: F401

        registry.register_nav(
            registry.NavEntry(key="dashboard", label=_("Dashboard"), url_name="dashboard", order=0)
        )
        registry.register_nav(
            registry.NavEntry(
                key="plans",
                label=_("Plans"),
                url_name="plan_list",
                order=10,
                url_name_prefix="plan",
            )
        )
