"""The remaining pages' permission, bad-input and query-count tests: the update page, the
ask form, the meeting form, the minutes and the calendar settings."""

import datetime

import pytest
from django.urls import reverse

from meetings.services import weekly_update_submit
from planbridge.periods import today

from ..factories import UserFactory
from ..goals.factories import PlanItemFactory
from .factories import ActionItemFactory, AskFactory, MeetingFactory, WeeklyUpdateFactory


def test_the_update_page_is_read_by_everyone_logged_in_and_not_by_visitors(
    client_for, anon, departments, sales_member
):
    update = WeeklyUpdateFactory(department=departments["dev"], progress="Visible progress")
    url = reverse("meetings:update_detail", args=[update.pk])
    assert "Visible progress" in client_for(sales_member).get(url).content.decode()
    response = anon.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_unknown_update_is_not_found(client_for, sales_member):
    assert client_for(sales_member).get("/weekly/updates/987654/").status_code == 404


def test_only_the_coordinator_sees_the_edit_link(
    client_for, dev_coordinator, dev_member, departments
):
    update = WeeklyUpdateFactory(department=departments["dev"], author=dev_coordinator)
    url = reverse("meetings:update_detail", args=[update.pk])
    assert "Edit on the This week page" in client_for(dev_coordinator).get(url).content.decode()
    assert "Edit on the This week page" not in client_for(dev_member).get(url).content.decode()


@pytest.mark.parametrize("versions", [1, 40])
def test_the_update_page_runs_a_bounded_number_of_queries(
    client_for, dev_coordinator, departments, week, django_assert_max_num_queries, versions
):
    for version in range(versions):
        update = weekly_update_submit(
            actor=dev_coordinator,
            department=departments["dev"],
            week=week,
            progress=f"Version {version}",
            next_week="",
            problems="",
            version=version,
        )
    for _n in range(versions):
        AskFactory(from_department=departments["dev"], weekly_update=update)
    client = client_for(dev_coordinator)
    # session, user, profile, update, its asks, roles, history (50 at most), PM group, badge.
    with django_assert_max_num_queries(10):
        assert client.get(reverse("meetings:update_detail", args=[update.pk])).status_code == 200


@pytest.mark.parametrize("size", [5, 200])
def test_the_ask_form_runs_a_bounded_number_of_queries(
    client_for, marketing_coordinator, departments, django_assert_max_num_queries, size
):
    PlanItemFactory.create_batch(size, department=departments["dev"])
    client = client_for(marketing_coordinator)
    # session, user, profile, roles, from departments, to departments, plan items, PM group,
    # badge.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("meetings:ask_create"))
    assert response.status_code == 200
    assert response.content.decode().count("Plan item ") >= size


@pytest.mark.parametrize("size", [5, 200])
def test_the_meeting_form_runs_a_bounded_number_of_queries(
    client_for, pm, django_assert_max_num_queries, size
):
    UserFactory.create_batch(size)
    client = client_for(pm)
    # session, user, profile, PM group, running plan, plans, facilitators, badge.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("meetings:meeting_create")).status_code == 200


@pytest.mark.parametrize("size", [5, 150])
def test_the_minutes_run_a_bounded_number_of_queries(
    client_for, pm, running_plan, departments, everyone, django_assert_max_num_queries, size
):
    meeting = MeetingFactory(plan=running_plan, facilitator=pm, date=today())
    earlier = MeetingFactory(plan=running_plan, date=today() - datetime.timedelta(days=7))
    for _n in range(size):
        ActionItemFactory(meeting=earlier, department=departments["dev"])
        ActionItemFactory(meeting=meeting, department=departments["sales"])
        AskFactory(from_department=departments["dev"], to_department=departments["sales"])
    client = client_for(pm)
    # session, user, profile, meeting, the agenda's 11 (10 here: no update to prefetch asks
    # for), attendees: 15; no navigation context in a download.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("meetings:meeting_minutes", args=[meeting.pk]))
    assert response.content.decode().count("- [ ] Action") == size


@pytest.mark.parametrize("size", [1, 50])
def test_the_calendar_settings_page_runs_a_bounded_number_of_queries(
    client_for, dev_coordinator, django_assert_max_num_queries, size
):
    for n in range(size):
        MeetingFactory(date=today() - datetime.timedelta(weeks=n))
    client = client_for(dev_coordinator)
    client.post(reverse("meetings:calendar_settings"), {"action": "regenerate"})
    # session, user, profile (middleware), profile (token), roles, PM group, badge, and the
    # session written again once the new address, shown only this once, left it; the
    # navigation's unread-notifications count.
    with django_assert_max_num_queries(10):
        assert client.get(reverse("meetings:calendar_settings")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("meetings:calendar_settings")).status_code == 200


def test_bad_page_numbers_fall_back_to_a_valid_page(client_for, sales_member):
    for n in range(3):
        MeetingFactory(date=today() - datetime.timedelta(weeks=n))
    for page in ["abc", "-1", "9999"]:
        response = client_for(sales_member).get(reverse("meetings:meeting_list") + f"?page={page}")
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="meeting-row"') == 3, page


def test_the_update_page_marks_an_overdue_ask_raised_in_it(client_for, sales_member, departments):
    update = WeeklyUpdateFactory(department=departments["dev"])
    AskFactory(
        from_department=departments["dev"],
        to_department=departments["sales"],
        weekly_update=update,
        needed_by=today() - datetime.timedelta(days=2),
    )
    body = client_for(sales_member).get(reverse("meetings:update_detail", args=[update.pk]))
    assert 'data-testid="ask-overdue"' in body.content.decode()
