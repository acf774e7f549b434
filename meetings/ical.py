"""Renders a user's calendar entries as iCalendar (RFC 5545) with the icalendar package, which
folds long lines and escapes text values. Meetings are timed events in TIME_ZONE with that
zone's VTIMEZONE (computed from zoneinfo for the years the feed covers); due dates of action
items and plan items are all-day events. Every UID names this installation's host (SITE_URL),
so two installations' feeds in one calendar client never replace each other's events."""

import datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from planbridge.people import person_name

from .models import Meeting
from .selectors import CalendarEntries


def event_uid(kind: str, pk: int) -> str:
    """The event's UID: stable for the row, unique to this installation (RFC 5545 3.8.4.7)."""
    return f"{kind}-{pk}@{urlparse(settings.SITE_URL).hostname}"


def _all_day_event(
    uid: str, day: datetime.date, summary: str, url: str, description: str = ""
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("url", url)
    if description:
        event.add("description", description)
    return event


def _meeting_event(meeting: Meeting, zone: ZoneInfo) -> Event:
    title = _("Weekly coordination meeting")
    if meeting.plan_id:
        title = f"{title} · {meeting.plan.title}"
    page = settings.SITE_URL + reverse("meetings:meeting_detail", args=[meeting.pk])
    description = [_("Facilitator: %(name)s") % {"name": person_name(meeting.facilitator)}]
    if meeting.link:
        description.append(_("Meeting link: %(link)s") % {"link": meeting.link})
    description.append(_("Agenda: %(url)s") % {"url": page})
    event = Event()
    event.add("uid", event_uid("meeting", meeting.pk))
    # Without a METHOD, DTSTAMP is when the stored event was last revised (RFC 5545
    # 3.8.7.2): the same on every fetch until the meeting moves, with SEQUENCE raised.
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    event.add("dtstart", datetime.datetime.combine(meeting.date, meeting.start_time, zone))
    event.add("dtend", datetime.datetime.combine(meeting.date, meeting.end_time, zone))
    event.add("summary", title)
    if meeting.place:
        event.add("location", meeting.place)
    event.add("url", meeting.link or page)
    event.add("description", "\n".join(description))
    return event


def build_calendar(user, entries: CalendarEntries) -> bytes:
    """The feed's bytes: one event per meeting, open action item and open plan item."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//PlanBridge//Weekly coordination//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("PlanBridge: %(name)s") % {"name": person_name(user)})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in entries.meetings:
        calendar.add_component(_meeting_event(meeting, zone))
    for item in entries.action_items:
        calendar.add_component(
            _all_day_event(
                event_uid("action", item.pk),
                item.due,
                _("Action due: %(title)s") % {"title": item.title},
                settings.SITE_URL + reverse("meetings:meeting_detail", args=[item.meeting_id]),
                _("Agreed in the meeting of %(date)s (%(department)s).")
                % {"date": item.meeting.date.isoformat(), "department": item.department.name},
            )
        )
    for item in entries.plan_items:
        calendar.add_component(
            _all_day_event(
                event_uid("planitem", item.pk),
                item.due,
                _("Plan item due: %(title)s") % {"title": item.title},
                settings.SITE_URL + reverse("goals:plan_item_detail", args=[item.pk]),
                f"{item.department.name} · {item.get_status_display()}",
            )
        )
    if entries.meetings:
        # The zone's observances (STANDARD/DAYLIGHT, or one fixed offset for a zone without
        # daylight saving) from zoneinfo, for whole years around the meetings: enough for
        # every DTSTART/DTEND with TZID, and the same on every fetch.
        days = [meeting.date for meeting in entries.meetings]
        calendar.add_missing_timezones(
            first_date=datetime.date(min(days).year - 1, 1, 1),
            last_date=datetime.date(max(days).year + 1, 12, 31),
        )
    return calendar.to_ical()
