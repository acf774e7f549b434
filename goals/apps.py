from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Goals and plan items")

    def ready(self):
        from planbridge import registry

        from . import my_work
        from .models import Goal, PlanItem
        from .services import departments

        registry.register_object_page(Goal, "goals:goal_detail")
        registry.register_object_page(PlanItem, "goals:plan_item_detail")
        # My work (docs/architecture.md "My work").
        registry.register_my_work(
            registry.WorkKind(
                key="goals.check_ins",
                label=_("Goals of mine without a check-in this month"),
                entries=my_work.goals_without_check_in,
                order=70,
            )
        )
        registry.register_nav(
            registry.NavEntry(
                key="goals",
                label=_("Goals"),
                url_name="goals:goal_list",
                order=20,
                namespaces=("goals",),
            )
        )
        registry.register_department_work(
            registry.DepartmentWork(
                key="goals.plan_items",
                label=_("open plan items: %(count)d"),
                open_count=departments.department_open_plan_items,
                move=departments.department_plan_items_move,
                order=10,
            )
        )
        registry.register_department_work(
            registry.DepartmentWork(
                key="goals.goals",
                label=_("goals not yet due: %(count)d"),
                open_count=departments.department_current_goals,
                move=departments.department_goals_move,
                order=20,
            )
        )
