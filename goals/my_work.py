"""What goals keep waiting for a user on My work (docs/architecture.md "My work"): the goals
they own that are running this month and have no check-in dated in it
(goals.rules.goal_needs_check_in_q); one query."""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from planbridge import periods
from planbridge.registry import WorkEntry

from . import rules
from .models import Goal


def goals_without_check_in(user, seen_at) -> list[WorkEntry]:
    """The user's goals without a check-in this month, the soonest due first; each waits since
    the month (or the goal) began."""
    on_date = periods.today()
    first = periods.month_start(on_date)
    goals = (
        Goal.objects.select_related("department")
        .filter(rules.goal_needs_check_in_q(on_date), owner_id=user.pk)
        .order_by(F("due").asc(nulls_last=True), "title", "pk")
    )
    return [
        WorkEntry(
            title=_("%(title)s (%(department)s)")
            % {"title": goal.title, "department": goal.department.name},
            url=reverse("goals:goal_detail", args=[goal.pk]),
            since=max(first, goal.start),
        )
        for goal in goals
    ]
