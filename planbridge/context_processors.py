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
        "unread_notifications": _unread_notifications(request, user),
    }


def _unread_notifications(request: HttpRequest, user) -> int:
    # One COUNT per request (docs/architecture.md "Notifications"), also when a page renders
    # a second template with the request (the plan document's sections).
    cached: int | None = getattr(request, "_pb_unread_notifications", None)
    if cached is None:
        cached = notifications.unread_count(user)
        setattr(request, "_pb_unread_notifications", cached)  # noqa: B010
    return cached
