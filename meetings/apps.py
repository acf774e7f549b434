from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Weekly coordination")

    def ready(self):
        from planbridge import registry

        from .context_processors import asks_to_us_badge
        from .models import Ask, WeeklyUpdate
        from .services import departments

        registry.register_object_page(Ask, "meetings:ask_detail")
        registry.register_object_page(WeeklyUpdate, "meetings:update_detail")
        registry.register_nav(
            registry.NavEntry(
                key="weekly",
                label=_("Weekly"),
                url_name="meetings:this_week",
                order=30,
                namespaces=("meetings",),
                badge=asks_to_us_badge,
                badge_title=_("Asks to your department waiting for an answer"),
            )
        )
        registry.register_department_work(
            registry.DepartmentWork(
                key="meetings.asks",
                label=_("asks waiting for an answer or to be done: %(count)d"),
                open_count=departments.department_waiting_asks,
                move=departments.department_asks_move,
                order=30,
            )
        )
        registry.register_department_work(
            registry.DepartmentWork(
                key="meetings.action_items",
                label=_("open action items: %(count)d"),
                open_count=departments.department_open_action_items,
                move=departments.department_action_items_move,
                order=40,
            )
        )
