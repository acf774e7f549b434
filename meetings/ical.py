"""Renders a user's calendar entries as iCalendar (RFC 5545) with the icalendar package.
Meetings and due dates are all-day events: meetings have a date, not a time."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from planbridge.people import person_name

from .selectors import CalendarEntries


def _event(uid: str, day: datetime.date, summary: str, url: str, description: str = "") -> Event:
    event = Event()
    event.add("uid", f"{uid}@planbridge")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("url", url)
    if description:
        event.add("description", description)
    return event


def build_calendar(user, entries: CalendarEntries) -> bytes:
    """The feed's bytes: one event per meeting, open action item and open plan item."""
    calendar = Calendar()
    calendar.add("prodid", "-//PlanBridge//Weekly coordination//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("PlanBridge: %(name)s") % {"name": person_name(user)})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in entries.meetings:
        title = _("Weekly coordination meeting")
        if meeting.plan_id:
            title = f"{title} · {meeting.plan.title}"
        calendar.add_component(
            _event(
                f"meeting-{meeting.pk}",
                meeting.date,
                title,
                settings.SITE_URL + reverse("meetings:meeting_detail", args=[meeting.pk]),
                _("Facilitator: %(name)s") % {"name": person_name(meeting.facilitator)},
            )
        )
    for item in entries.action_items:
        calendar.add_component(
            _event(
                f"action-{item.pk}",
                item.due,
                _("Action due: %(title)s") % {"title": item.title},
                settings.SITE_URL + reverse("meetings:meeting_detail", args=[item.meeting_id]),
                _("Agreed in the meeting of %(date)s (%(department)s).")
                % {"date": item.meeting.date.isoformat(), "department": item.department.name},
            )
        )
    for item in entries.plan_items:
        calendar.add_component(
            _event(
                f"planitem-{item.pk}",
                item.due,
                _("Plan item due: %(title)s") % {"title": item.title},
                settings.SITE_URL + reverse("goals:plan_item_detail", args=[item.pk]),
                f"{item.department.name} · {item.get_status_display()}",
            )
        )
    return calendar.to_ical()
