"""Read-side queries of weekly coordination, by topic; each returns data with what its
page needs already loaded, in a bounded number of queries."""

from .agenda import Agenda, agenda_date, carried_action_items, meeting_agenda, meeting_queryset
from .asks import (
    ask_counts_by_box,
    ask_detail_queryset,
    ask_list,
    asks_to_us_count,
    with_overdue,
)
from .calendar import CalendarEntries, calendar_entries, profile_for_calendar_token
from .updates import (
    ThisWeek,
    default_plan_for,
    departments_missing_update_for,
    people_for_meeting,
    plans_owning_day,
    plans_owning_week,
    previous_weekly_update,
    recent_updates,
    reminder_recipient_ids,
    this_week_overview,
    user_departments,
    weekly_update_for,
    weekly_update_queryset,
)

__all__ = [
    "Agenda",
    "CalendarEntries",
    "ThisWeek",
    "agenda_date",
    "ask_counts_by_box",
    "ask_detail_queryset",
    "ask_list",
    "asks_to_us_count",
    "calendar_entries",
    "carried_action_items",
    "default_plan_for",
    "departments_missing_update_for",
    "meeting_agenda",
    "meeting_queryset",
    "people_for_meeting",
    "plans_owning_day",
    "plans_owning_week",
    "previous_weekly_update",
    "profile_for_calendar_token",
    "recent_updates",
    "reminder_recipient_ids",
    "this_week_overview",
    "user_departments",
    "weekly_update_for",
    "weekly_update_queryset",
    "with_overdue",
]
