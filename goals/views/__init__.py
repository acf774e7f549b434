"""Pages of goals, split by sub-topic: goals and objectives, plan items and the timeline."""

from .goal_pages import (
    alignment,
    checkin_create,
    checkin_delete,
    checkin_edit,
    goal_create,
    goal_detail,
    goal_edit,
    goal_list,
    objective_edit,
    objective_list,
    smart_check,
)
from .plan_item_pages import (
    plan_conflicts,
    plan_item_create,
    plan_item_detail,
    plan_item_edit,
    plan_item_list,
    plan_item_status,
    timeline,
)

__all__ = [
    "alignment",
    "checkin_create",
    "checkin_delete",
    "checkin_edit",
    "goal_create",
    "goal_detail",
    "goal_edit",
    "goal_list",
    "objective_edit",
    "objective_list",
    "plan_conflicts",
    "plan_item_create",
    "plan_item_detail",
    "plan_item_edit",
    "plan_item_list",
    "plan_item_status",
    "smart_check",
    "timeline",
]
