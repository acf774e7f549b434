from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Weekly coordination")

    def ready(self):
        from planbridge import registry

        from . import my_work
        from .context_processors import asks_to_us_badge
        from .models import Ask, WeeklyUpdate
        from .services import departments

        registry.register_object_page(Ask, "meetings:ask_detail")
        # Asks are posted to chat robots as they happen (docs/architecture.md "Chat robots").
        from . import robot_posts

        robot_posts.connect()
        registry.register_object_page(WeeklyUpdate, "meetings:update_detail")
        # My work (docs/architecture.md "My work").
        for key, label, entries, order in (
            ("meetings.update", _("This week's update"), my_work.missing_updates, 10),
            (
                "meetings.asks",
                _("Asks to my department waiting for an answer"),
                my_work.asks_waiting,
                20,
            ),
            (
                "meetings.answers",
                _("Answers to my department's asks since I last looked"),
                my_work.answers_since,
                30,
            ),
            ("meetings.actions", _("Action items I own"), my_work.action_items_owned, 50),
        ):
            registry.register_my_work(
                registry.WorkKind(key=key, label=label, entries=entries, order=order)
            )
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
