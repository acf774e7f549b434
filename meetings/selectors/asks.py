"""Asks as pages show them: with both departments, the linked plan item and whether each is
overdue, computed against planbridge.periods.today() (settings.TIME_ZONE)."""

import datetime

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from planbridge import rules
from planbridge.models import Membership
from planbridge.periods import today

from ..models import Ask

WAITING = (Ask.State.OPEN, Ask.State.ACCEPTED)


def with_overdue(queryset: QuerySet[Ask], on_date: datetime.date | None = None) -> QuerySet[Ask]:
    """Annotates `overdue`: still open or accepted and needed before `on_date` (default today)."""
    on_date = on_date or today()
    return queryset.annotate(
        overdue=Case(
            When(state__in=WAITING, needed_by__lt=on_date, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def ask_list(
    *,
    to_department_ids=None,
    from_department_ids=None,
    states=None,
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
    return with_overdue(queryset, on_date).order_by("-overdue", "needed_by", "pk")


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


def asks_to_us_count(user) -> int:
    """Open (unanswered) asks to the departments the user coordinates; one query."""
    return Ask.objects.filter(
        state=Ask.State.OPEN,
        to_department__memberships__user=user,
        to_department__memberships__role=Membership.Role.COORDINATOR,
    ).count()


def ask_counts_by_box(user) -> dict[str, int]:
    """Open asks to the user's departments and still-waiting asks from them, in one query."""
    department_ids = rules.member_department_ids(user)
    if not department_ids:
        return {"to_us": 0, "from_us": 0}
    return Ask.objects.filter(
        Q(to_department_id__in=department_ids) | Q(from_department_id__in=department_ids),
        state__in=WAITING,
    ).aggregate(
        to_us=Count("pk", filter=Q(to_department_id__in=department_ids, state=Ask.State.OPEN)),
        from_us=Count("pk", filter=Q(from_department_id__in=department_ids)),
    )
