"""The private iCalendar feed: reachable without login by a secret token, listing the
user's meetings and the due dates of their open action items and plan items; a wrong or
revoked token gets nothing."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.services import calendar_token_regenerate, calendar_token_revoke, meeting_reschedule
from planbridge.models import Profile, calendar_token_hash
from planbridge.periods import today

from ..factories import PlanFactory
from ..goals.factories import PlanItemFactory
from .factories import ActionItemFactory, MeetingFactory

SETTINGS = reverse("meetings:calendar_settings")
HOST = "planbridge.example.com"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = f"https://{HOST}"


def feed_url(token):
    return reverse("meetings:calendar_feed", args=[token])


def events(response):
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def uid(kind, pk):
    return f"{kind}-{pk}@{HOST}"


def test_the_feed_parses_and_lists_meetings_actions_and_plan_items(
    anon, running_plan, everyone, departments
):
    dev = everyone["dev"]
    meeting = MeetingFactory(plan=running_plan, date=today() + datetime.timedelta(days=3))
    other_plan_meeting = MeetingFactory(plan=PlanFactory(), date=today())
    action = ActionItemFactory(owner=dev, title="Publish the schedule", meeting=meeting)
    ActionItemFactory(owner=dev, status="done", meeting=meeting)
    item = PlanItemFactory(owner=dev, department=departments["dev"], title="Core function")
    PlanItemFactory(owner=dev, department=departments["dev"], status="done")
    token = calendar_token_regenerate(user=dev)

    response = anon.get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    assert set(found) == {
        uid("meeting", meeting.pk),
        uid("action", action.pk),
        uid("planitem", item.pk),
    }
    assert uid("meeting", other_plan_meeting.pk) not in found
    assert found[uid("action", action.pk)]["SUMMARY"] == "Action due: Publish the schedule"
    assert found[uid("action", action.pk)].decoded("DTSTART") == action.due
    assert found[uid("planitem", item.pk)].decoded("DTSTART") == item.due
    assert found[uid("meeting", meeting.pk)].decoded("DTSTART").date() == meeting.date


def test_the_feed_is_in_the_user_language(anon, everyone, departments):
    dev = everyone["dev"]
    Profile.objects.filter(user=dev).update(language="zh-hans")
    action = ActionItemFactory(owner=dev, title="Publish")
    token = calendar_token_regenerate(user=dev)
    found = events(anon.get(feed_url(token)))
    assert str(found[uid("action", action.pk)]["SUMMARY"]).startswith("行动项到期")


@pytest.mark.parametrize("token", ["wrong-token", "a" * 32, "-"])
def test_a_wrong_token_is_refused(anon, everyone, token):
    calendar_token_regenerate(user=everyone["dev"])
    assert anon.get(feed_url(token)).status_code == 404


def test_a_revoked_or_replaced_token_is_refused(anon, client_for, everyone):
    dev = everyone["dev"]
    old = calendar_token_regenerate(user=dev)
    new = calendar_token_regenerate(user=dev)
    assert anon.get(feed_url(old)).status_code == 404
    assert anon.get(feed_url(new)).status_code == 200

    calendar_token_revoke(user=dev)
    assert anon.get(feed_url(new)).status_code == 404
    assert Profile.objects.get(user=dev).calendar_token_hash is None


def test_the_token_is_stored_only_as_its_hash_also_in_history(everyone):
    dev = everyone["dev"]
    token = calendar_token_regenerate(user=dev)
    calendar_token_revoke(user=dev)
    profile = Profile.objects.get(user=dev)
    history_rows = [str(row) for row in profile.history.values_list()]
    assert history_rows and not any(token in row for row in history_rows)


def test_an_inactive_user_feed_is_refused(anon, everyone):
    dev = everyone["dev"]
    token = calendar_token_regenerate(user=dev)
    dev.is_active = False
    dev.save()
    assert anon.get(feed_url(token)).status_code == 404


def test_the_settings_page_creates_and_revokes_the_link(client_for, everyone):
    client = client_for(everyone["sales_member"])
    assert 'data-testid="no-feed"' in client.get(SETTINGS).content.decode()

    assert client.post(SETTINGS, {"action": "regenerate"}).status_code == 302
    shown = client.get(SETTINGS).content.decode()
    token = re.search(r'value="[^"]*/calendar/([A-Za-z0-9_-]+)\.ics"', shown).group(1)
    assert client.get(feed_url(token)).status_code == 200
    again = client.get(SETTINGS).content.decode()
    assert token not in again and 'data-testid="feed-exists"' in again

    assert client.post(SETTINGS, {"action": "revoke"}).status_code == 302
    assert Profile.objects.get(user=everyone["sales_member"]).calendar_token_hash is None


def test_an_unknown_settings_action_changes_nothing(client_for, everyone):
    token = calendar_token_regenerate(user=everyone["dev"])
    response = client_for(everyone["dev"]).post(SETTINGS, {"action": "share-with-all"})
    assert response.status_code == 400
    assert "Unknown action." in response.content.decode()
    assert Profile.objects.get(user=everyone["dev"]).calendar_token_hash == (
        calendar_token_hash(token)
    )


def test_the_settings_page_needs_a_login(anon):
    response = anon.get(SETTINGS)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("size", [5, 150])
def test_the_feed_runs_a_bounded_number_of_queries(
    anon, everyone, departments, running_plan, django_assert_max_num_queries, size
):
    dev = everyone["dev"]
    for n in range(size):
        meeting = MeetingFactory(plan=running_plan, date=today() + datetime.timedelta(weeks=n))
        ActionItemFactory(owner=dev, meeting=meeting)
        PlanItemFactory(owner=dev, department=departments["dev"])
    token = calendar_token_regenerate(user=dev)
    # profile + user, roles, PM group, meetings, action items, plan items: 6.
    with django_assert_max_num_queries(7):
        response = anon.get(feed_url(token))
    assert len(events(response)) == 3 * size


def _meeting_feed(anon, token, meeting):
    calendar = Calendar.from_ical(anon.get(feed_url(token)).content)
    return calendar, {str(e["UID"]): e for e in calendar.walk("VEVENT")}[uid("meeting", meeting.pk)]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin", "America/New_York"])
def test_a_meeting_is_a_timed_event_in_the_company_zone_with_its_vtimezone(
    anon, running_plan, everyone, settings, zone
):
    settings.TIME_ZONE = zone
    meeting = MeetingFactory(
        plan=running_plan,
        date=today() + datetime.timedelta(days=1),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 45),
        place="Meeting room 3, second floor; east wing",
        link="https://meet.example.com/planbridge-weekly",
    )
    token = calendar_token_regenerate(user=everyone["dev"])

    calendar, event = _meeting_feed(anon, token, meeting)

    tz = ZoneInfo(zone)
    assert event["DTSTART"].params["TZID"] == zone == event["DTEND"].params["TZID"]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.replace(tzinfo=None) == datetime.datetime.combine(meeting.date, meeting.start_time)
    assert end.replace(tzinfo=None) == datetime.datetime.combine(meeting.date, meeting.end_time)
    assert start.utcoffset() == tz.utcoffset(start.replace(tzinfo=None))
    assert str(event["LOCATION"]) == meeting.place
    assert str(event["URL"]) == meeting.link
    assert meeting.link in str(event["DESCRIPTION"])
    assert f"/meetings/{meeting.pk}/" in str(event["DESCRIPTION"])

    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == zone
    observances = vtimezone.walk("STANDARD") + vtimezone.walk("DAYLIGHT")
    offsets = {o.decoded("TZOFFSETTO") for o in observances}
    # The zone's own offsets this year and next: one for Shanghai, winter and summer elsewhere.
    year = meeting.date.year
    expected = {tz.utcoffset(datetime.datetime(y, m, 15)) for y in (year, year + 1) for m in (1, 7)}
    assert expected <= offsets
    assert bool(vtimezone.walk("DAYLIGHT")) == (len(expected) > 1)
    # The parsed zone places the meeting at the same instant as zoneinfo does.
    assert vtimezone.to_tz().utcoffset(start.replace(tzinfo=None)) == start.utcoffset()


def test_uids_are_stable_and_name_the_installation_host(anon, running_plan, everyone):
    meeting = MeetingFactory(plan=running_plan, date=today())
    ActionItemFactory(owner=everyone["dev"], meeting=meeting)
    token = calendar_token_regenerate(user=everyone["dev"])
    first, second = events(anon.get(feed_url(token))), events(anon.get(feed_url(token)))
    assert set(first) == set(second) and len(first) == 2
    assert all(u.endswith(f"@{HOST}") for u in first)
    event_1, event_2 = first[uid("meeting", meeting.pk)], second[uid("meeting", meeting.pk)]
    # Nothing changed between the fetches: the meeting's event is the same, to the byte.
    assert event_1.to_ical() == event_2.to_ical()


def test_a_moved_meeting_has_a_higher_sequence_and_a_later_stamp(
    anon, running_plan, everyone, dev_coordinator
):
    meeting = MeetingFactory(
        plan=running_plan,
        date=today(),
        facilitator=dev_coordinator,
        updated_at=timezone.now() - datetime.timedelta(hours=1),
    )
    token = calendar_token_regenerate(user=everyone["dev"])
    _, before = _meeting_feed(anon, token, meeting)
    assert before.decoded("SEQUENCE") == 0

    meeting_reschedule(
        actor=dev_coordinator,
        meeting=meeting,
        date=meeting.date,
        start_time=datetime.time(15, 0),
        end_time=datetime.time(16, 0),
        place="Room 5",
    )
    _, after = _meeting_feed(anon, token, meeting)

    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("SEQUENCE") == 1
    assert after.decoded("DTSTAMP") > before.decoded("DTSTAMP")
    assert after.decoded("LAST-MODIFIED") == after.decoded("DTSTAMP")
    assert after.decoded("DTSTART").time() == datetime.time(15, 0)
    assert str(after["LOCATION"]) == "Room 5"


def test_text_is_escaped_and_lines_are_folded(anon, running_plan, everyone):
    place = "Hall A, level 2; bring badge \\ " + "x" * 120 + "\r\nBEGIN:VEVENT\r\nUID:evil"
    meeting = MeetingFactory(plan=running_plan, date=today(), place=place)
    token = calendar_token_regenerate(user=everyone["dev"])
    body = anon.get(feed_url(token)).content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert b"Hall A\\, level 2\\; bring badge \\\\" in body
    found = events(anon.get(feed_url(token)))
    assert set(found) == {uid("meeting", meeting.pk)}
    assert str(found[uid("meeting", meeting.pk)]["LOCATION"]) == place.replace("\r\n", "\n")
