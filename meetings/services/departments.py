"""A department's waiting asks and open action items, for the core's archive and merge
(docs/architecture.md "Nothing with history is deleted"; registered in meetings.apps)."""

from django.db.models import Q, QuerySet

from .. import rules
from ..models import ActionItem, Ask


def _waiting_asks(department_id: int) -> QuerySet[Ask]:
    return Ask.objects.filter(rules.ask_waiting_q()).filter(
        Q(from_department_id=department_id) | Q(to_department_id=department_id)
    )


def department_waiting_asks(department_id: int) -> int:
    return _waiting_asks(department_id).count()


def department_open_action_items(department_id: int) -> int:
    return ActionItem.objects.filter(
        rules.action_item_open_q(), department_id=department_id
    ).count()


def department_asks_move(source_id: int, target_id: int) -> int:
    """Moves the source's waiting asks, sent and received, to the target (one save each, so
    the history records it). An ask between the two departments stays as it is: after the
    merge it would go from a department to itself, which an ask never does; answered asks
    stay with the source as its history."""
    moved = 0
    asks = _waiting_asks(source_id).select_for_update(of=("self",))
    for ask in asks.exclude(from_department_id=target_id).exclude(to_department_id=target_id):
        if ask.from_department_id == source_id:
            ask.from_department_id = target_id
        if ask.to_department_id == source_id:
            ask.to_department_id = target_id
        ask.save(update_fields=["from_department", "to_department"])
        moved += 1
    return moved


def department_action_items_move(source_id: int, target_id: int) -> int:
    """Moves the source's open action items to the target; done ones stay."""
    moved = 0
    items = ActionItem.objects.select_for_update(of=("self",)).filter(
        rules.action_item_open_q(), department_id=source_id
    )
    for item in items:
        item.department_id = target_id
        item.save(update_fields=["department"])
        moved += 1
    return moved
