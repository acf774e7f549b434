"""The private iCalendar feed: reachable without login by a secret token, listing the
user's meetings and the due dates of their open action items and plan items; a wrong or
revoked token gets nothing."""

import datetime
import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.services import calendar_token_regenerate, calendar_token_revoke
from planbridge.models import Profile, calendar_token_hash
from planbridge.periods import today

from ..factories import PlanFactory
from ..goals.factories import PlanItemFactory
from .factories import ActionItemFactory, MeetingFactory

SETTINGS = reverse("meetings:calendar_settings")


def feed_url(token):
    return reverse("meetings:calendar_feed", args=[token])


def events(response):
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


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
        f"meeting-{meeting.pk}@planbridge",
        f"action-{action.pk}@planbridge",
        f"planitem-{item.pk}@planbridge",
    }
    assert f"meeting-{other_plan_meeting.pk}@planbridge" not in found
    assert found[f"action-{action.pk}@planbridge"]["SUMMARY"] == "Action due: Publish the schedule"
    assert found[f"action-{action.pk}@planbridge"].decoded("DTSTART") == action.due
    assert found[f"planitem-{item.pk}@planbridge"].decoded("DTSTART") == item.due
    assert found[f"meeting-{meeting.pk}@planbridge"].decoded("DTSTART") == meeting.date


def test_the_feed_is_in_the_user_language(anon, everyone, departments):
    dev = everyone["dev"]
    Profile.objects.filter(user=dev).update(language="zh-hans")
    action = ActionItemFactory(owner=dev, title="Publish")
    token = calendar_token_regenerate(user=dev)
    found = events(anon.get(feed_url(token)))
    assert str(found[f"action-{action.pk}@planbridge"]["SUMMARY"]).startswith("行动项到期")


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
