from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Weekly coordination")

    def ready(self):
        from planbridge import registry

        from .context_processors import asks_to_us_badge
        from .models import Ask, WeeklyUpdate

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
