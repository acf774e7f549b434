"""Nothing a user can type into a query string, a URL or a form of weekly coordination
gives a server error: bad ids are "not found", bad dates and choices are form errors and
nothing is saved, and another department's ask cannot be answered."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import ActionItem, Ask, Meeting, WeeklyUpdate
from planbridge.periods import today

from .factories import ActionItemFactory, AskFactory, MeetingFactory

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "query, status",
    [
        ("?department=abc", 404),
        ("?department=-3", 404),
        (f"?department={HUGE}", 404),
        ("?plan=999999", 404),
        ("?plan=abc", 404),
        (f"?plan={HUGE}", 404),
        ("?week=garbage", 200),  # not a parameter of the page: ignored
        ("?department=1.5&plan=none", 404),
    ],
)
@pytest.mark.parametrize("who", ["dev_coordinator", "pm", "sales_member"])
def test_bad_query_strings_on_this_week_are_not_found_or_ignored(
    request, client_for, departments, who, query, status
):
    response = client_for(request.getfixturevalue(who)).get(reverse("meetings:this_week") + query)
    assert response.status_code in (200, 404)
    assert response.status_code == status
    assert WeeklyUpdate.objects.count() == 0


@pytest.mark.parametrize(
    "url, query, status",
    [
        ("meetings:ask_list", "?box=nonsense&state=nonsense&page=abc", 200),
        ("meetings:ask_list", "?page=-1&state=waiting", 200),
        ("meetings:ask_create", "?update=abc", 404),
        ("meetings:ask_create", f"?update={HUGE}", 404),
        ("meetings:ask_create", "?to=abc", 404),
        ("meetings:ask_create", "?to=999999", 200),  # only the form's initial choice
        ("meetings:meeting_list", "?page=999999", 200),
        ("meetings:calendar_settings", "?action=revoke", 200),  # GET changes nothing
    ],
)
def test_bad_query_strings_on_list_and_form_pages_never_fail(
    client_for, dev_coordinator, departments, url, query, status
):
    response = client_for(dev_coordinator).get(reverse(url) + query)
    assert response.status_code in (200, 404)
    assert response.status_code == status


@pytest.mark.parametrize(
    "path",
    [
        f"/weekly/asks/{HUGE}/",
        f"/weekly/updates/{HUGE}/",
        f"/weekly/meetings/{HUGE}/",
        f"/weekly/meetings/{HUGE}/minutes.md",
        "/weekly/calendar/%00.ics",
        "/weekly/calendar/' OR 1=1 --.ics",
    ],
)
def test_bad_ids_in_the_url_are_not_found(client_for, dev_coordinator, path):
    assert client_for(dev_coordinator).get(path).status_code == 404


def test_an_ask_with_impossible_dates_or_ids_is_refused_and_nothing_saved(
    client_for, marketing_coordinator, departments
):
    client = client_for(marketing_coordinator)
    base = {
        "from_department": departments["marketing"].pk,
        "to_department": departments["dev"].pk,
        "what": "Freeze date",
        "needed_by": (today() + datetime.timedelta(days=3)).isoformat(),
    }
    for bad in [
        {"needed_by": "2026-02-30"},
        {"needed_by": "garbage"},
        {"needed_by": "99999-01-01"},
        {"to_department": "abc"},
        {"to_department": HUGE},
        {"from_department": departments["dev"].pk},
        {"plan_item": "abc"},
        {"plan_item": HUGE},
    ]:
        response = client.post(reverse("meetings:ask_create"), {**base, **bad})
        assert response.status_code == 400, bad
        assert response.context["form"].errors, bad
    assert Ask.objects.count() == 0


def test_posting_an_answer_to_another_department_ask_is_forbidden(
    client_for, marketing_coordinator, departments
):
    ask = AskFactory(from_department=departments["sales"], to_department=departments["dev"])
    response = client_for(marketing_coordinator).post(
        reverse("meetings:ask_detail", args=[ask.pk]),
        {"answer": "decline", "reply": "No", "seen_state": "open"},
    )
    assert response.status_code == 403
    ask.refresh_from_db()
    assert ask.state == Ask.State.OPEN and ask.reply == ""


def test_a_meeting_with_impossible_input_is_refused_and_nothing_saved(client_for, pm):
    client = client_for(pm)
    for bad in [
        {"date": "2026-13-01"},
        {"date": "garbage"},
        {"date": today().isoformat(), "plan": "abc"},
        {"date": today().isoformat(), "facilitator": HUGE},
    ]:
        data = {"plan": "", "facilitator": pm.pk, "start_time": "10:00", "end_time": "11:00", **bad}
        response = client.post(reverse("meetings:meeting_create"), data)
        assert response.status_code == 400, bad
    assert Meeting.objects.count() == 0


def test_recording_with_impossible_input_is_refused_and_nothing_saved(client_for, pm, everyone):
    meeting = MeetingFactory(facilitator=pm)
    client = client_for(pm)
    response = client.post(
        reverse("meetings:meeting_record", args=[meeting.pk]), {"attendees": ["abc"], "notes": "x"}
    )
    assert response.status_code == 400
    for bad in [
        {"due": "2026-02-30"},
        {"owner": "abc"},
        {"department": HUGE},
        {"title": ""},
    ]:
        data = {
            "title": "Send the schedule",
            "owner": everyone["dev"].pk,
            "department": everyone["dev"].memberships.first().department_id,
            "due": today().isoformat(),
            **bad,
        }
        response = client.post(reverse("meetings:action_item_create", args=[meeting.pk]), data)
        assert response.status_code == 400, bad
    meeting.refresh_from_db()
    assert meeting.notes == "" and ActionItem.objects.count() == 0


def test_an_action_status_from_elsewhere_never_redirects_off_site(client_for, everyone):
    item = ActionItemFactory(owner=everyone["dev"])
    response = client_for(everyone["dev"]).post(
        reverse("meetings:action_item_status", args=[item.pk]),
        {"status": "done", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("meetings:meeting_detail", args=[item.meeting_id])


@pytest.mark.parametrize("token", ["a\x00b", "x" * 500, "../../etc", "ä", " "])
def test_a_malformed_calendar_token_finds_no_profile(db, token):
    from meetings.selectors import profile_for_calendar_token

    assert profile_for_calendar_token(token) is None
