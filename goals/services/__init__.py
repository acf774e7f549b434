"""State changes of goals, by sub-topic: objectives, goals, check-ins and plan items. Each
service runs in one transaction, checks who may act (goals/rules.py), and refuses broken
rules with a translated ValidationError (docs/architecture.md "Where code goes")."""

from .checkins import checkin_create, checkin_delete, checkin_update
from .conflicts import UNCHANGED, VersionConflict
from .goals import goal_create, goal_update
from .objectives import objective_save
from .plan_items import (
    DEPENDENCY_LOCK_KEY,
    plan_item_add_dependency,
    plan_item_create,
    plan_item_month_check,
    plan_item_set_status,
    plan_item_update,
)

__all__ = [
    "DEPENDENCY_LOCK_KEY",
    "UNCHANGED",
    "VersionConflict",
    "checkin_create",
    "checkin_delete",
    "checkin_update",
    "goal_create",
    "goal_update",
    "objective_save",
    "plan_item_add_dependency",
    "plan_item_create",
    "plan_item_month_check",
    "plan_item_set_status",
    "plan_item_update",
]
