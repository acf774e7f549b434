from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import rules

NAVIGATION = [
    ("dashboard", _("Dashboard"), "dashboard"),
    ("plans", _("Plans"), "plan_list"),
    ("goals", _("Goals"), "goals:goal_list"),
    ("weekly", _("Weekly"), "meetings:this_week"),
    ("reviews", _("Reviews"), "reviews:review_list"),
]


def navigation(request):
    """The main navigation, with the current section marked, for base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    url_name = match.url_name if match else ""
    sections = {"goals": "goals", "meetings": "weekly", "reviews": "reviews"}
    current = sections.get(namespace) or ("plans" if url_name.startswith("plan") else url_name)
    return {
        "nav_items": [
            {"key": key, "label": label, "url": reverse(name), "active": key == current}
            for key, label, name in NAVIGATION
        ],
        "user_is_pm": rules.is_pm(user),
    }
