from django.http import HttpRequest

from . import notifications, registry, rules


def navigation(request: HttpRequest) -> dict[str, object]:
    """The main navigation (current section marked) and the apps' user-menu links, from
    what the apps registered (planbridge/registry.py), for base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": registry.navigation(request),
        "user_menu_items": registry.user_menu(user),
        "may_use_admin": rules.can_use_admin(user),
        # One COUNT per page (docs/architecture.md "Notifications").
        "unread_notifications": notifications.unread_count(user),
    }
