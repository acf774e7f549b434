from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanbridgeConfig(AppConfig):
    name = "planbridge"
    verbose_name = _("PlanBridge")

    def ready(self):
        from . import registry, rules, signals  # noqa: F401

        registry.register_nav(
            registry.NavEntry(key="my_work", label=_("My work"), url_name="my_work", order=-10)
        )
        # `/` shows PMs the dashboard (planbridge/my_work.py home).
        registry.register_nav(
            registry.NavEntry(
                key="dashboard",
                label=_("Dashboard"),
                url_name="dashboard",
                order=0,
                url_names=("home",),
            )
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
        # PMs and admins lift login lockouts (docs/architecture.md "Login throttling").
        registry.register_user_menu(
            registry.MenuEntry(
                key="login_lockouts",
                label=_("Login lockouts"),
                url_name="login_lockouts",
                order=50,
                visible=rules.can_unlock_logins,
            )
        )
        # Group robots of departments and plans (docs/architecture.md "Chat robots"). For
        # everyone: asking for the user's roles here would cost every page a query; the page
        # itself lists only what the user manages.
        registry.register_user_menu(
            registry.MenuEntry(
                key="chat_robots", label=_("Chat robots"), url_name="robots:index", order=40
            )
        )
