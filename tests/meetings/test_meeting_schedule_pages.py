"""The meeting's time and place on its pages: the new-meeting form and the change form refuse
an end before the start and a link that is no web address with a message on the field and
save nothing; the change form is for whoever runs the meeting; the meeting page shows when
and where, and the change page's queries stay bounded."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Meeting
from planbridge.models import Profile
from planbridge.periods import today

from .factories import ActionItemFactory, MeetingFactory

CREATE = reverse("meetings:meeting_create")
END_BEFORE_START = "The meeting must end after it starts."
BAD_LINK = "Enter a web address starting with http:// or https://."


def edit_url(meeting):
    return reverse("meetings:meeting_reschedule", args=[meeting.pk])


@pytest.fixture
def meeting(running_plan, dev_coordinator):
    return MeetingFactory(
        plan=running_plan, facilitator=dev_coordinator, date=today(), place="Room 3"
    )


def _schedule(meeting, **overrides):
    data = {
        "date": meeting.date.isoformat(),
        "start_time": "14:00",
        "end_time": "15:30",
        "place": "Room 5",
        "link": "https://meet.example.com/weekly",
    }
    data.update(overrides)
    return data


def test_a_pm_creates_a_meeting_with_its_time_place_and_link(client_for, pm, running_plan):
    response = client_for(pm).post(
        CREATE,
        {
            "date": today().isoformat(),
            "start_time": "09:30",
            "end_time": "10:15",
            "place": "Room 3",
            "link": "meet.example.com/x",
            "plan": running_plan.pk,
            "facilitator": pm.pk,
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.start_time, meeting.end_time, meeting.place, meeting.link) == (
        datetime.time(9, 30),
        datetime.time(10, 15),
        "Room 3",
        "https://meet.example.com/x",
    )


@pytest.mark.parametrize(
    "bad, field, message",
    [
        ({"start_time": "11:00", "end_time": "10:00"}, "end_time", END_BEFORE_START),
        ({"start_time": "10:00", "end_time": "10:00"}, "end_time", END_BEFORE_START),
        ({"start_time": "25:00"}, "start_time", "Enter a valid time."),
        ({"end_time": ""}, "end_time", "This field is required."),
        ({"link": "javascript:alert(1)"}, "link", BAD_LINK),
        ({"link": "ftp://files.example.com/a"}, "link", BAD_LINK),
        ({"place": "x" * 201}, "place", "at most 200 characters"),
    ],
)
def test_a_new_meeting_with_bad_times_or_link_is_refused_and_nothing_saved(
    client_for, pm, bad, field, message
):
    data = {
        "date": today().isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "plan": "",
        "facilitator": pm.pk,
        **bad,
    }
    response = client_for(pm).post(CREATE, data)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Meeting.objects.exists()


def test_the_new_meeting_form_says_the_times_zone_in_chinese_too(client_for, pm, settings):
    Profile.objects.update_or_create(user=pm, defaults={"language": "zh-hans"})
    response = client_for(pm).get(CREATE)
    page = response.content.decode()
    assert f"时间均为 {settings.TIME_ZONE}" in page and "开始时间" in page


def test_the_meeting_page_shows_when_and_where(client_for, sales_member, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(link="https://meet.example.com/weekly")
    page = client_for(sales_member).get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    text = page.content.decode()
    assert "10:00–11:00" in text and "at Room 3" in text
    assert 'href="https://meet.example.com/weekly"' in text
    # Only who runs the meeting is offered to change it.
    assert 'data-testid="reschedule-meeting"' not in text


def test_the_facilitator_moves_the_meeting(client_for, dev_coordinator, meeting):
    client = client_for(dev_coordinator)
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert 'data-testid="reschedule-meeting"' in page
    form = client.get(edit_url(meeting))
    assert form.status_code == 200 and 'value="10:00"' in form.content.decode()

    response = client.post(edit_url(meeting), _schedule(meeting))

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.start_time, meeting.place, meeting.sequence) == (
        datetime.time(14, 0),
        "Room 5",
        1,
    )


@pytest.mark.parametrize("who", ["marketing_coordinator", "sales_member"])
def test_who_does_not_run_the_meeting_may_not_move_it(request, client_for, who, meeting):
    client = client_for(request.getfixturevalue(who))
    assert client.get(edit_url(meeting)).status_code == 403
    assert client.post(edit_url(meeting), _schedule(meeting)).status_code == 403
    meeting.refresh_from_db()
    assert (meeting.place, meeting.sequence) == ("Room 3", 0)


@pytest.mark.parametrize(
    "bad, field, message",
    [
        ({"start_time": "16:00"}, "end_time", END_BEFORE_START),
        ({"link": "javascript:alert(1)"}, "link", BAD_LINK),
        ({"date": "2026-02-30"}, "date", "Enter a valid date"),
        ({"date": "2101-01-01"}, "date", "Enter a date between 2000-01-01 and 2100-12-31."),
        ({"start_time": "noon"}, "start_time", "Enter a valid time."),
    ],
)
def test_a_bad_move_is_refused_with_a_message_and_nothing_saved(
    client_for, dev_coordinator, meeting, bad, field, message
):
    response = client_for(dev_coordinator).post(edit_url(meeting), _schedule(meeting, **bad))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    meeting.refresh_from_db()
    assert (meeting.start_time, meeting.place, meeting.sequence) == (
        datetime.time(10, 0),
        "Room 3",
        0,
    )


def test_a_move_the_service_refuses_is_shown_on_the_form(client_for, dev_coordinator, meeting):
    ActionItemFactory(meeting=meeting, due=meeting.date + datetime.timedelta(days=1))
    later = (meeting.date + datetime.timedelta(days=3)).isoformat()
    response = client_for(dev_coordinator).post(edit_url(meeting), _schedule(meeting, date=later))
    assert response.status_code == 400
    assert "cannot be due before the meeting" in response.context["form"].errors["date"][0]
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_an_unknown_meeting_cannot_be_moved(client_for, pm):
    assert client_for(pm).get("/weekly/meetings/987654/edit/").status_code == 404


@pytest.mark.parametrize("size", [5, 200])
def test_the_change_page_runs_a_bounded_number_of_queries(
    client_for, pm, meeting, departments, django_assert_max_num_queries, size
):
    ActionItemFactory.create_batch(size, meeting=meeting, department=departments["dev"])
    client = client_for(pm)
    # session, user, profile, the meeting with its plan and facilitator, PM group, badge.
    with django_assert_max_num_queries(7):
        response = client.get(edit_url(meeting))
    assert response.status_code == 200 and 'value="Room 3"' in response.content.decode()
