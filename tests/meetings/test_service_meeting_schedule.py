"""A meeting's time, place and link, set when it is created and changed by meeting_reschedule:
each guard is hit by a direct call and nothing is written; a real move raises the calendar
sequence, a save that changes nothing does not."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.models import Meeting
from meetings.services import meeting_create, meeting_reschedule
from planbridge import services as core_services
from planbridge.periods import today
from planbridge.rules import plan_last_day

from .factories import ActionItemFactory, MeetingFactory

TEN = datetime.time(10, 0)
ELEVEN = datetime.time(11, 0)


@pytest.fixture
def meeting(running_plan, dev_coordinator):
    return MeetingFactory(plan=running_plan, facilitator=dev_coordinator, place="Room 3")


def _move(actor, meeting, **overrides):
    arguments = {
        "actor": actor,
        "meeting": meeting,
        "date": meeting.date,
        "start_time": datetime.time(14, 0),
        "end_time": datetime.time(15, 30),
        "place": "Room 5",
        "link": "https://meet.example.com/weekly",
    }
    arguments.update(overrides)
    return meeting_reschedule(**arguments)


def _unchanged(meeting):
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.start_time, stored.end_time, stored.place, stored.link, stored.sequence) == (
        TEN,
        ELEVEN,
        "Room 3",
        "",
        0,
    )


def test_a_new_meeting_is_at_ten_for_an_hour_unless_told_otherwise(pm):
    meeting = meeting_create(actor=pm, date=today())
    assert (meeting.start_time, meeting.end_time, meeting.place, meeting.sequence) == (
        TEN,
        ELEVEN,
        "",
        0,
    )
    other = meeting_create(
        actor=pm,
        date=today() + datetime.timedelta(weeks=1),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 15),
        place="  Room 3 ",
        link="https://meet.example.com/x",
    )
    assert (other.start_time, other.place, other.link) == (
        datetime.time(9, 30),
        "Room 3",
        "https://meet.example.com/x",
    )


def test_a_new_meeting_that_ends_before_it_starts_is_refused(pm):
    for end in (datetime.time(9, 0), TEN):
        with pytest.raises(ValidationError) as refused:
            meeting_create(actor=pm, date=today(), start_time=TEN, end_time=end)
        assert refused.value.message_dict["end_time"] == ["The meeting must end after it starts."]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://files.example.com/agenda", "not a link"]
)
def test_a_new_meeting_with_a_link_that_is_no_web_address_is_refused(pm, link):
    with pytest.raises(ValidationError) as refused:
        meeting_create(actor=pm, date=today(), link=link)
    assert refused.value.message_dict["link"] == [
        "Enter a web address starting with http:// or https://."
    ]
    assert not Meeting.objects.exists()


def test_whoever_runs_the_meeting_moves_it_and_its_sequence_rises(meeting, dev_coordinator, pm):
    moved = _move(dev_coordinator, meeting)
    assert (moved.start_time, moved.end_time, moved.place, moved.link, moved.sequence) == (
        datetime.time(14, 0),
        datetime.time(15, 30),
        "Room 5",
        "https://meet.example.com/weekly",
        1,
    )
    assert moved.updated_at > meeting.updated_at
    again = _move(pm, moved, place="Room 6")
    assert Meeting.objects.get(pk=meeting.pk).sequence == again.sequence == 2


def test_saving_the_same_time_and_place_changes_nothing(meeting, dev_coordinator):
    first = _move(dev_coordinator, meeting)
    same = _move(dev_coordinator, first)
    assert same.sequence == 1 and same.updated_at == first.updated_at


def test_moving_to_another_day_moves_the_week_too(meeting, dev_coordinator):
    day = meeting.date + datetime.timedelta(weeks=1)
    if day > plan_last_day(meeting.plan):
        day = meeting.date - datetime.timedelta(weeks=1)
    moved = _move(dev_coordinator, meeting, date=day)
    assert moved.date == day and moved.week == day - datetime.timedelta(days=day.weekday())


def test_moving_a_meeting_is_refused_to_who_does_not_run_it(
    meeting, marketing_coordinator, sales_member
):
    for actor in (marketing_coordinator, sales_member):
        with pytest.raises(PermissionDenied, match="moves the meeting"):
            _move(actor, meeting)
    _unchanged(meeting)


def test_a_move_that_ends_before_it_starts_is_refused(meeting, dev_coordinator):
    with pytest.raises(ValidationError) as refused:
        _move(dev_coordinator, meeting, start_time=datetime.time(16, 0))
    assert refused.value.message_dict["end_time"] == ["The meeting must end after it starts."]
    _unchanged(meeting)


def test_a_move_with_a_link_that_is_no_web_address_is_refused(meeting, dev_coordinator):
    with pytest.raises(ValidationError) as refused:
        _move(dev_coordinator, meeting, link="javascript:alert(1)")
    assert refused.value.message_dict["link"] == [
        "Enter a web address starting with http:// or https://."
    ]
    _unchanged(meeting)


def test_a_move_outside_the_accepted_years_is_refused(meeting, dev_coordinator):
    with pytest.raises(ValidationError, match="Enter a date between 2000-01-01 and 2100-12-31"):
        _move(dev_coordinator, meeting, date=datetime.date(2101, 1, 3))
    _unchanged(meeting)


def test_a_move_outside_the_days_its_plan_owns_is_refused(meeting, dev_coordinator):
    day = plan_last_day(meeting.plan) + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        _move(dev_coordinator, meeting, date=day)
    assert "outside the days the plan" in refused.value.message_dict["date"][0]
    _unchanged(meeting)


def test_a_move_into_a_week_that_has_its_meeting_is_refused(meeting, dev_coordinator, pm):
    other_day = meeting.date - datetime.timedelta(weeks=1)
    MeetingFactory(plan=meeting.plan, date=other_day, facilitator=pm)
    with pytest.raises(ValidationError) as refused:
        _move(dev_coordinator, meeting, date=other_day)
    assert "already has its coordination meeting" in refused.value.message_dict["date"][0]
    _unchanged(meeting)


def test_a_move_after_an_action_it_agreed_is_due_is_refused(meeting, dev_coordinator):
    ActionItemFactory(meeting=meeting, due=meeting.date + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        _move(dev_coordinator, meeting, date=meeting.date + datetime.timedelta(days=2))
    assert "cannot be due before the meeting" in refused.value.message_dict["date"][0]
    _unchanged(meeting)


def test_a_meeting_of_an_archived_plan_is_not_moved(meeting, dev_coordinator, pm):
    core_services.plan_archive(actor=pm, plan=meeting.plan)
    with pytest.raises(ValidationError) as refused:
        _move(pm, meeting)
    assert "plan" in refused.value.message_dict
    _unchanged(meeting)
