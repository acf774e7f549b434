from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Goals and plan items")

    def ready(self):
        from planbridge import registry

        from .models import Goal, PlanItem

        registry.register_object_page(Goal, "goals:goal_detail")
        registry.register_object_page(PlanItem, "goals:plan_item_detail")
        registry.register_nav(
            registry.NavEntry(
                key="goals",
                label=_("Goals"),
                url_name="goals:goal_list",
                order=20,
                namespaces=("goals",),
            )
        )
