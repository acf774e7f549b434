"""Asks as pages show them: with both departments, the linked plan item and whether each is
overdue (meetings.rules.ask_overdue_q, against today in settings.TIME_ZONE)."""

import datetime
from collections.abc import Collection

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Q, QuerySet

from planbridge import rules as core_rules
from planbridge.models import Membership

from .. import rules
from ..models import Ask


def with_overdue(queryset: QuerySet[Ask], on_date: datetime.date | None = None) -> QuerySet[Ask]:
    """Annotates `overdue` (meetings.rules.ask_overdue_q) on `on_date`, default today."""
    return queryset.annotate(overdue=rules.ask_overdue_flag(on_date))


def ask_list(
    *,
    to_department_ids: Collection[int] | None = None,
    from_department_ids: Collection[int] | None = None,
    states: Collection[str] | None = None,
    on_date: datetime.date | None = None,
) -> QuerySet[Ask]:
    """Asks filtered by receiving/asking departments and states, with everything a list row
    shows loaded in the same query and `overdue` annotated."""
    queryset = Ask.objects.select_related(
        "from_department",
        "to_department",
        "plan_item",
        "created_by",
        "answered_by",
    )
    if to_department_ids is not None:
        queryset = queryset.filter(to_department_id__in=to_department_ids)
    if from_department_ids is not None:
        queryset = queryset.filter(from_department_id__in=from_department_ids)
    if states:
        queryset = queryset.filter(state__in=states)
    return with_overdue(queryset, on_date).order_by(F("overdue").desc(), "needed_by", "pk")


def ask_detail_queryset() -> QuerySet[Ask]:
    """Asks with departments, people, plan item and the update they were raised in."""
    return with_overdue(
        Ask.objects.select_related(
            "from_department",
            "to_department",
            "plan",
            "plan_item__department",
            "weekly_update__department",
            "created_by",
            "answered_by",
        )
    )


def asks_to_us_count(user: User) -> int:
    """Open (unanswered) asks to the departments the user coordinates; one query."""
    return Ask.objects.filter(
        rules.ask_unanswered_q(),
        to_department__memberships__user=user,
        to_department__memberships__role=Membership.Role.COORDINATOR,
    ).count()


def ask_counts_by_box(user: User | AnonymousUser) -> dict[str, int]:
    """Open asks to the user's departments and still-waiting asks from them, in one query."""
    department_ids = core_rules.member_department_ids(user)
    if not department_ids:
        return {"to_us": 0, "from_us": 0}
    return Ask.objects.filter(
        Q(to_department_id__in=department_ids) | Q(from_department_id__in=department_ids),
        rules.ask_waiting_q(),
    ).aggregate(
        to_us=Count("pk", filter=Q(to_department_id__in=department_ids) & rules.ask_unanswered_q()),
        from_us=Count("pk", filter=Q(from_department_id__in=department_ids)),
    )
