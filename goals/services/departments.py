"""A department's current goals and plan items, for the core's archive and merge
(docs/architecture.md "Nothing with history is deleted"; registered in goals.apps)."""

from django.db.models import Q

from planbridge import periods

from .. import rules
from ..models import Goal, PlanItem


def _current_goals_q() -> Q:
    """Goals not yet due (or without a due date) are current work; past ones are history."""
    return Q(due__isnull=True) | Q(due__gte=periods.today())


def department_open_plan_items(department_id: int) -> int:
    return PlanItem.objects.filter(rules.open_plan_item_q(), department_id=department_id).count()


def department_current_goals(department_id: int) -> int:
    return Goal.objects.filter(_current_goals_q(), department_id=department_id).count()


def department_plan_items_move(source_id: int, target_id: int) -> int:
    """Moves the source's open plan items to the target, one save each so every item's
    history records the move and its version refuses a form read before it; done and dropped
    items stay with the source as its history."""
    items = PlanItem.objects.select_for_update(of=("self",)).filter(
        rules.open_plan_item_q(), department_id=source_id
    )
    moved = 0
    for item in items:
        item.department_id = target_id
        item.version += 1
        item.save(update_fields=["department", "version"])
        moved += 1
    return moved


def department_goals_move(source_id: int, target_id: int) -> int:
    """Moves the source's current goals (not yet due) to the target; past goals stay."""
    goals = Goal.objects.select_for_update(of=("self",)).filter(
        _current_goals_q(), department_id=source_id
    )
    moved = 0
    for goal in goals:
        goal.department_id = target_id
        goal.version += 1
        goal.save(update_fields=["department", "version"])
        moved += 1
    return moved
