"""seed_demo's weekly-coordination story, and that a second run changes nothing."""

import datetime
import io

import pytest
from django.core.management import call_command

from meetings.models import ActionItem, Ask, Meeting, WeeklyUpdate
from meetings.selectors import ask_list, meeting_agenda


def seed(lang="en"):
    call_command("seed_demo", "--lang", lang, stdout=io.StringIO())


def counts():
    return tuple(m.objects.count() for m in (WeeklyUpdate, Ask, Meeting, ActionItem))


@pytest.mark.django_db
def test_the_demo_tells_the_weekly_story_and_is_idempotent():
    seed()
    first = counts()
    seed()
    assert counts() == first

    development_problems = WeeklyUpdate.objects.filter(department__slug="development")
    assert any("two weeks behind" in u.progress for u in development_problems)
    freeze = Ask.objects.get(what__icontains="feature-freeze")
    assert (freeze.from_department.slug, freeze.to_department.slug) == ("marketing", "development")
    assert freeze.plan_item is not None and freeze.state == Ask.State.ACCEPTED
    material = ask_list().get(what__icontains="brochures")
    assert (material.from_department.slug, material.to_department.slug) == ("sales", "marketing")
    assert [a.pk for a in ask_list() if a.overdue] == [material.pk]
    assert Ask.objects.filter(state__in=["accepted", "declined", "done"]).count() == 3

    latest = Meeting.objects.order_by("-date").first()
    assert (latest.start_time, latest.end_time, latest.place) == (
        datetime.time(10, 0),
        datetime.time(11, 0),
        "Meeting room 3, second floor",
    )
    assert latest.link.startswith("https://")
    agenda = meeting_agenda(latest)
    carried = {item.title: item.meetings_open for item in agenda.carried_action_items}
    assert carried["Publish a revised schedule for the core functions"] == 3
    assert {d.slug for d in agenda.missing_departments} == {"development", "sales"}
    assert [a.what for a in agenda.answered_asks] == ["A pricing one-pager for the launch"]


@pytest.mark.django_db
def test_the_demo_in_chinese():
    seed("zh-hans")
    assert Ask.objects.filter(what="发布版本的功能冻结日期").exists()
    assert WeeklyUpdate.objects.filter(progress__contains="核心功能").exists()
    assert set(Meeting.objects.values_list("place", flat=True)) == {"二楼3号会议室"}
