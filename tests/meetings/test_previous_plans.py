"""The weekly update form shows what the department planned last time: the "plans for next
week" of its latest earlier update for the same plan, with that update's week, beside the
progress box, with a button (shown by meetings/static/meetings/weekly_update.js) to copy
it in; the text stays readable without JavaScript."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import WeeklyUpdate
from meetings.selectors import previous_weekly_update
from planbridge.models import Profile

from ..goals.factories import PlanItemFactory
from .factories import WeeklyUpdateFactory

URL = reverse("meetings:this_week")
WEEK = datetime.timedelta(days=7)


def _previous_plans(client, department, plan=None) -> str:
    body = client.get(f"{URL}?department={department.pk}&plan={plan.pk if plan else 'none'}")
    assert body.status_code == 200
    html = body.content.decode()
    start = html.index('data-testid="previous-plans"')
    # The box comes right before the progress box's label.
    return html[start : html.index('for="id_progress"', start)]


def test_the_form_shows_the_latest_earlier_plans_with_their_week_and_a_copy_button(
    client_for, dev_coordinator, departments, week
):
    dev = departments["dev"]
    WeeklyUpdateFactory(department=dev, week=week - 2 * WEEK, next_week="Old plans")
    WeeklyUpdateFactory(
        department=dev, week=week - WEEK, next_week="Start internal testing\nBook the lab"
    )
    box = _previous_plans(client_for(dev_coordinator), dev)

    assert f"week of {week - WEEK:%Y-%m-%d}" in box
    assert "Start internal testing<br>Book the lab" in box
    assert "Old plans" not in box
    assert 'data-copy-into="id_progress"' in box
    assert 'data-copy-text="Start internal testing\nBook the lab"' in box
    # Shown by the script; without it the text above is there to copy by hand.
    assert "Copy into this week's progress</button>" in box
    assert " hidden>" in box


def test_without_an_earlier_update_the_form_says_so(client_for, dev_coordinator, departments):
    # This week's own update is not an earlier one.
    WeeklyUpdateFactory(department=departments["dev"], next_week="This week's plans")
    box = _previous_plans(client_for(dev_coordinator), departments["dev"])
    assert "There is no earlier weekly update of the department" in box
    assert "data-copy-into" not in box


def test_an_earlier_update_that_planned_nothing_says_so(
    client_for, dev_coordinator, departments, week
):
    WeeklyUpdateFactory(department=departments["dev"], week=week - WEEK, next_week="")
    box = _previous_plans(client_for(dev_coordinator), departments["dev"])
    assert "That update wrote no plans for next week." in box
    assert "data-copy-into" not in box


def test_the_plans_come_from_the_same_plan_and_department(
    client_for, dev_coordinator, departments, week, running_plan
):
    dev = departments["dev"]
    WeeklyUpdateFactory(department=dev, week=week - WEEK, plan=running_plan, next_week="Launch")
    WeeklyUpdateFactory(department=dev, week=week - 2 * WEEK, next_week="Department-wide")
    WeeklyUpdateFactory(department=departments["marketing"], week=week - WEEK, next_week="Ads")
    client = client_for(dev_coordinator)

    in_plan = _previous_plans(client, dev, running_plan)
    assert "Launch" in in_plan and "Department-wide" not in in_plan
    without_plan = _previous_plans(client, dev)
    assert "Department-wide" in without_plan and "Launch" not in without_plan
    assert "Ads" not in in_plan + without_plan


def test_the_selector_picks_the_latest_earlier_week(departments, week):
    dev = departments["dev"]
    assert previous_weekly_update(department_id=dev.pk, week=week, plan=None) is None
    older = WeeklyUpdateFactory(department=dev, week=week - 3 * WEEK)
    assert previous_weekly_update(department_id=dev.pk, week=week, plan=None) == older
    latest = WeeklyUpdateFactory(department=dev, week=week - WEEK)
    WeeklyUpdateFactory(department=dev, week=week)
    assert previous_weekly_update(department_id=dev.pk, week=week, plan=None) == latest


@pytest.mark.parametrize("who", ["dev_member", "pm"])
def test_only_those_who_write_the_update_are_offered_the_plans(
    request, client_for, departments, week, who
):
    WeeklyUpdateFactory(department=departments["dev"], week=week - WEEK, next_week="Secretish")
    body = client_for(request.getfixturevalue(who)).get(
        f"{URL}?department={departments['dev'].pk}&plan=none"
    )
    assert body.status_code == 200
    assert 'data-testid="previous-plans"' not in body.content.decode()
    assert "weekly_update.js" not in body.content.decode()


def test_another_department_page_is_not_found_and_anonymous_visitors_log_in(
    client_for, anon, marketing_coordinator, departments
):
    query = f"?department={departments['dev'].pk}&plan=none"
    assert client_for(marketing_coordinator).get(URL + query).status_code == 404
    response = anon.get(URL + query)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_refused_update_shows_the_plans_again_and_saves_nothing(
    client_for, dev_coordinator, departments, week
):
    dev = departments["dev"]
    WeeklyUpdateFactory(department=dev, week=week - WEEK, next_week="Start internal testing")
    response = client_for(dev_coordinator).post(
        f"{URL}?department={dev.pk}&plan=none",
        {"progress": " ", "next_week": "", "problems": "", "version": 0},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Write at least one of progress, plans for next week or problems." in body
    assert "Start internal testing" in body
    assert not WeeklyUpdate.objects.filter(week=week).exists()


def test_the_plans_read_in_chinese(client_for, dev_coordinator, departments, week):
    Profile.objects.update_or_create(user=dev_coordinator, defaults={"language": "zh-hans"})
    WeeklyUpdateFactory(department=departments["dev"], week=week - WEEK, next_week="开始内测")
    box = _previous_plans(client_for(dev_coordinator), departments["dev"])
    assert f"{week - WEEK:%Y-%m-%d} 那一周的周报中写的下周计划" in box
    assert "复制到本周进展" in box


def test_chinese_says_plainly_that_there_is_no_earlier_update(
    client_for, dev_coordinator, departments
):
    Profile.objects.update_or_create(user=dev_coordinator, defaults={"language": "zh-hans"})
    box = _previous_plans(client_for(dev_coordinator), departments["dev"])
    assert "本部门没有更早的周报" in box


@pytest.mark.parametrize("size", [5, 120])
def test_the_form_with_the_previous_plans_runs_a_bounded_number_of_queries(
    client_for, dev_coordinator, departments, django_assert_max_num_queries, week, size
):
    dev = departments["dev"]
    for n in range(size):
        PlanItemFactory(department=dev, due=week + datetime.timedelta(days=n % 10))
        WeeklyUpdateFactory(
            department=dev,
            week=week - (n + 1) * WEEK,
            next_week=f"Plans {n}",
            author=dev_coordinator,
        )
    client = client_for(dev_coordinator)
    # As tests/meetings/test_weekly_update.py's bound (about 17: session, user, profile,
    # memberships, default plan, update, plan items, asks both ways, earlier updates,
    # meetings, my actions, plans owning the week, roles, PM group, asks badge) plus the
    # previous update's plans (1), whatever the size.
    with django_assert_max_num_queries(21):
        response = client.get(f"{URL}?department={dev.pk}&plan=none")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Plans 0" in body and f"week of {week - WEEK:%Y-%m-%d}" in body
    assert body.count('data-testid="plan-item-row"') == size
