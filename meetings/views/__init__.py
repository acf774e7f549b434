"""Pages of weekly coordination, by topic. Views stay thin: permission, form, one service
or selector, render or redirect."""

from .asks import ask_create, ask_detail, ask_list
from .calendar import calendar_feed, calendar_settings
from .meetings import (
    action_item_create,
    action_item_status,
    meeting_create,
    meeting_detail,
    meeting_list,
    meeting_minutes,
    meeting_record,
    meeting_reschedule,
)
from .updates import this_week, update_detail

__all__ = [
    "action_item_create",
    "action_item_status",
    "ask_create",
    "ask_detail",
    "ask_list",
    "calendar_feed",
    "calendar_settings",
    "meeting_create",
    "meeting_detail",
    "meeting_list",
    "meeting_minutes",
    "meeting_record",
    "meeting_reschedule",
    "this_week",
    "update_detail",
]
