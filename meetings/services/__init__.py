"""State changes of weekly coordination, by topic; each public function runs in one
transaction and raises ValidationError / PermissionDenied when a rule is broken."""

from .asks import ask_answer, ask_raise
from .calendar import calendar_token_regenerate, calendar_token_revoke
from .meetings import (
    action_item_create,
    action_item_set_status,
    meeting_create,
    meeting_record,
    meeting_reschedule,
)
from .reminders import reminder_deadline, reminder_enqueue, reminder_key
from .updates import CONCURRENT_EDIT_MESSAGE, weekly_update_submit

__all__ = [
    "CONCURRENT_EDIT_MESSAGE",
    "action_item_create",
    "action_item_set_status",
    "ask_answer",
    "ask_raise",
    "calendar_token_regenerate",
    "calendar_token_revoke",
    "meeting_create",
    "meeting_record",
    "meeting_reschedule",
    "reminder_deadline",
    "reminder_enqueue",
    "reminder_key",
    "weekly_update_submit",
]
