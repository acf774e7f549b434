"""Dates live in periods.FIRST_YEAR–LAST_YEAR: every form and every service refuses others
with a message, the period helpers never overflow, and a row stored with a far date before
the rule existed does not break a page."""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from goals import services as goals_services
from goals.models import CheckIn, Goal, Objective, PlanItem
from meetings import services as meetings_services
from meetings.models import ActionItem, Ask, Meeting, WeeklyUpdate
from planbridge import periods
from planbridge import services as core_services
from planbridge.models import OutboxMessage, Plan
from reviews import services as reviews_services
from reviews.models import Carryover, CarryProposal, Review
from tests.goals.factories import CheckInFactory, GoalFactory, PlanItemFactory
from tests.meetings.factories import MeetingFactory
from tests.reviews.factories import FindingFactory, ReviewFactory

DATE_MESSAGE = "Enter a date between 2000-01-01 and 2100-12-31."
MONTH_MESSAGE = "Enter a month between 2000-01 and 2100-12."
TOO_EARLY = datetime.date(1999, 12, 31)
TOO_LATE = datetime.date(2101, 1, 1)
FAR = datetime.date(9999, 12, 31)


def _messages(error: ValidationError, field: str) -> list[str]:
    return error.value.message_dict[field]


# ---------------------------------------------------------------------------- the helpers


@pytest.mark.parametrize(
    ("month", "count", "expected"),
    [
        (datetime.date(9999, 12, 1), 1, datetime.date(9999, 12, 1)),
        (datetime.date(9999, 11, 1), 1, datetime.date(9999, 12, 1)),
        (datetime.date(9999, 1, 1), 10**6, datetime.date(9999, 12, 1)),
        (datetime.date(1, 1, 1), -1, datetime.date(1, 1, 1)),
        (datetime.date(2026, 3, 1), -(10**6), datetime.date(1, 1, 1)),
        (datetime.date(2026, 11, 1), 2, datetime.date(2027, 1, 1)),
    ],
)
def test_add_months_saturates_at_the_months_a_date_can_hold(month, count, expected):
    assert periods.add_months(month, count) == expected


def test_month_and_quarter_ends_hold_at_the_last_day_a_date_can_hold():
    assert periods.month_end(datetime.date(9999, 12, 5)) == datetime.date.max
    assert periods.quarter_end(datetime.date(9999, 11, 5)) == datetime.date.max
    assert periods.month_end(datetime.date(2028, 2, 10)) == datetime.date(2028, 2, 29)
    assert periods.quarter_end(datetime.date(2026, 2, 10)) == datetime.date(2026, 3, 31)


def test_months_between_counts_without_looping_past_the_last_month():
    last = datetime.date(9999, 12, 31)
    assert periods.months_between(datetime.date(9999, 10, 20), last) == [
        datetime.date(9999, 10, 1),
        datetime.date(9999, 11, 1),
        datetime.date(9999, 12, 1),
    ]
    assert periods.month_count(datetime.date(1, 1, 1), last) == 9999 * 12
    assert periods.months_between(last, datetime.date(2026, 1, 1)) == []
    assert periods.month_count(last, datetime.date(2026, 1, 1)) == 0


def test_the_first_and_last_day_are_inside_the_range_and_their_neighbours_are_not():
    periods.check_dates_in_range(first=periods.FIRST_DAY, last=periods.LAST_DAY, none=None)
    with pytest.raises(ValidationError) as error:
        periods.check_dates_in_range(start=TOO_EARLY, month=TOO_LATE, months=("month",))
    assert _messages(error, "start") == [DATE_MESSAGE]
    assert _messages(error, "month") == [MONTH_MESSAGE]


def _form_classes():
    for name in ("goals.forms", "meetings.forms", "reviews.forms", "planbridge.forms"):
        module = importlib.import_module(name)
        yield from (
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, forms.BaseForm)
            and value.__module__ == name
        )
    from planbridge.dashboard import DashboardForm

    yield DashboardForm


def test_every_date_field_of_every_form_refuses_dates_outside_the_range():
    checked = 0
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField):
                checked += 1
                assert set(field.validators) & {
                    periods.validate_date_in_range,
                    periods.validate_month_in_range,
                }, f"{form_class.__name__}.{name}"
    # Goals, check-ins, plan items and plans; asks, meetings and actions; reviews,
    # carries and the filters of findings, plan items and the dashboard.
    assert checked >= 20


# ---------------------------------------------------------------------------- forms


def test_a_far_future_plan_end_typed_in_the_form_is_refused_and_nothing_saved(client_for, pm):
    response = client_for(pm).post(
        reverse("plan_create"),
        {"title": "Forever", "start": "2026-01-01", "end": "9999-12-31", "owner": pm.pk},
    )
    assert response.status_code == 200
    assert DATE_MESSAGE in response.content.decode()
    assert not Plan.objects.exists()


def test_the_chinese_message_names_the_range(client_for, pm):
    client = client_for(pm)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    response = client.post(
        reverse("plan_create"),
        {"title": "Forever", "start": "1999-01-01", "end": "2026-12-31", "owner": pm.pk},
    )
    assert "请输入 2000-01-01 到 2100-12-31 之间的日期。" in response.content.decode()


def test_a_month_filter_outside_the_range_is_reported_and_ignored(client_for, pm):
    response = client_for(pm).get(reverse("goals:plan_item_list"), {"month": "2101-01"})
    assert response.status_code == 200
    assert "not understood" in response.content.decode()


@pytest.mark.parametrize("quarter", ["9999-12-31", "1999-01-01", "2026-02-30"])
def test_an_alignment_quarter_outside_the_range_is_reported_and_ignored(client_for, pm, quarter):
    response = client_for(pm).get(reverse("goals:alignment"), {"quarter": quarter})
    assert response.status_code == 200 and response.context["quarter"] is None
    assert "Unknown quarter" in response.content.decode()


def test_a_review_month_outside_the_range_is_refused(client_for, pm):
    response = client_for(pm).post(reverse("reviews:review_create"), {"month": "1999-12"})
    assert MONTH_MESSAGE in response.content.decode()
    assert not Review.objects.exists()


# ---------------------------------------------------------------------------- services


@pytest.mark.parametrize("quarter", [TOO_EARLY, FAR])
def test_objective_save_refuses_a_quarter_outside_the_range(pm, quarter):
    with pytest.raises(ValidationError) as error:
        goals_services.objective_save(actor=pm, title="Grow", quarter=quarter)
    assert _messages(error, "quarter") == [DATE_MESSAGE]
    assert not Objective.objects.exists()


def test_goal_create_refuses_a_due_date_outside_the_range(pm, departments):
    with pytest.raises(ValidationError) as error:
        goals_services.goal_create(
            actor=pm,
            department=departments["dev"],
            owner=pm,
            title="Ship 3 features",
            start=datetime.date(2026, 1, 1),
            due=FAR,
        )
    assert _messages(error, "due") == [DATE_MESSAGE]
    assert not Goal.objects.exists()


def test_goal_update_refuses_a_start_outside_the_range(pm, departments):
    goal = GoalFactory(department=departments["dev"], owner=pm)
    with pytest.raises(ValidationError) as error:
        goals_services.goal_update(actor=pm, goal=goal, version=goal.version, start=TOO_EARLY)
    assert _messages(error, "start") == [DATE_MESSAGE]
    assert Goal.objects.get(pk=goal.pk).start == goal.start


def test_checkin_create_and_update_refuse_a_date_outside_the_range(pm, departments):
    goal = GoalFactory(department=departments["dev"], owner=pm)
    with pytest.raises(ValidationError) as error:
        goals_services.checkin_create(actor=pm, goal=goal, date=TOO_EARLY, value=1, confidence=5)
    assert _messages(error, "date") == [DATE_MESSAGE]
    checkin = CheckInFactory(goal=goal)
    with pytest.raises(ValidationError):
        goals_services.checkin_update(
            actor=pm, checkin=checkin, date=TOO_EARLY, value=1, confidence=5
        )
    assert CheckIn.objects.get().date == checkin.date


def test_plan_item_create_and_update_refuse_dates_outside_the_range(pm, departments, plan):
    with pytest.raises(ValidationError) as error:
        goals_services.plan_item_create(
            actor=pm,
            plan=None,
            department=departments["dev"],
            month=datetime.date(9999, 12, 1),
            title="Forever",
            start=datetime.date(9999, 12, 1),
            due=FAR,
        )
    assert _messages(error, "month") == [MONTH_MESSAGE]
    assert _messages(error, "due") == [DATE_MESSAGE]
    item = PlanItemFactory(plan=plan, department=departments["dev"])
    with pytest.raises(ValidationError) as error:
        goals_services.plan_item_update(actor=pm, item=item, version=item.version, due=FAR)
    assert _messages(error, "due") == [DATE_MESSAGE]
    assert PlanItem.objects.get().due == item.due


def test_ask_raise_refuses_a_needed_by_date_outside_the_range(dev_coordinator, departments):
    with pytest.raises(ValidationError) as error:
        meetings_services.ask_raise(
            actor=dev_coordinator,
            from_department=departments["dev"],
            to_department=departments["marketing"],
            what="A date",
            needed_by=FAR,
        )
    assert _messages(error, "needed_by") == [DATE_MESSAGE]
    assert not Ask.objects.exists()


def test_meeting_create_refuses_a_date_outside_the_range(pm):
    with pytest.raises(ValidationError) as error:
        meetings_services.meeting_create(actor=pm, date=FAR)
    assert _messages(error, "date") == [DATE_MESSAGE]
    assert not Meeting.objects.exists()


def test_action_item_create_refuses_a_due_date_outside_the_range(pm, departments):
    meeting = MeetingFactory(facilitator=pm)
    with pytest.raises(ValidationError) as error:
        meetings_services.action_item_create(
            actor=pm, meeting=meeting, title="Act", owner=pm, department=departments["dev"], due=FAR
        )
    assert _messages(error, "due") == [DATE_MESSAGE]
    assert not ActionItem.objects.exists()


def test_weekly_update_submit_refuses_a_week_outside_the_range(dev_coordinator, departments):
    with pytest.raises(ValidationError) as error:
        meetings_services.weekly_update_submit(
            actor=dev_coordinator,
            department=departments["dev"],
            week=datetime.date(2101, 1, 3),
            progress="Done",
            next_week="",
            problems="",
            version=0,
        )
    assert _messages(error, "week") == [DATE_MESSAGE]
    assert not WeeklyUpdate.objects.exists()


def test_reminder_enqueue_refuses_a_week_outside_the_range(dev_coordinator):
    with pytest.raises(ValidationError):
        meetings_services.reminder_enqueue(user_id=dev_coordinator.pk, week=FAR)
    assert not OutboxMessage.objects.exists()


def test_review_create_refuses_a_month_outside_the_range(pm):
    with pytest.raises(ValidationError) as error:
        reviews_services.review_create(actor=pm, month=datetime.date(9999, 12, 1))
    assert _messages(error, "month") == [MONTH_MESSAGE]
    assert not Review.objects.exists()


def test_carrying_into_a_new_item_refuses_dates_outside_the_range(pm, departments):
    finding = FindingFactory(review=ReviewFactory(facilitator=pm), department=departments["dev"])
    with pytest.raises(ValidationError) as error:
        reviews_services.finding_carry_new_item(
            actor=pm,
            finding=finding,
            department=departments["dev"],
            title="Fix it",
            owner=pm,
            month=datetime.date(9999, 12, 1),
            due=FAR,
        )
    assert _messages(error, "month") == [MONTH_MESSAGE]
    assert _messages(error, "due") == [DATE_MESSAGE]
    assert not PlanItem.objects.exists() and not Carryover.objects.exists()


def test_proposing_an_item_refuses_a_month_outside_the_range(dev_coordinator, departments):
    finding = FindingFactory(department=departments["dev"])
    with pytest.raises(ValidationError) as error:
        reviews_services.finding_propose_item(
            actor=dev_coordinator,
            finding=finding,
            department=departments["marketing"],
            title="Fix it",
            month=datetime.date(9999, 12, 1),
        )
    assert _messages(error, "month") == [MONTH_MESSAGE]
    assert not CarryProposal.objects.exists()


def test_accepting_a_proposal_refuses_dates_outside_the_range(pm, departments):
    finding = FindingFactory(department=departments["dev"])
    proposal = CarryProposal.objects.create(
        finding=finding,
        department=departments["marketing"],
        month=datetime.date(2026, 4, 1),
        title="Fix it",
        proposed_by=pm,
    )
    with pytest.raises(ValidationError) as error:
        reviews_services.carry_proposal_accept(actor=pm, proposal=proposal, owner=pm, due=FAR)
    assert _messages(error, "due") == [DATE_MESSAGE]
    assert CarryProposal.objects.filter(pk=proposal.pk).exists()
    assert not PlanItem.objects.exists()


def test_plan_save_refuses_an_end_outside_the_range(pm):
    with pytest.raises(ValidationError) as error:
        core_services.plan_save(
            actor=pm, title="Forever", start=datetime.date(2026, 1, 1), end=FAR, owner=pm, team=[pm]
        )
    assert _messages(error, "end") == [DATE_MESSAGE]
    assert not Plan.objects.exists()


# ---------------------------------------------------------------------------- stored rows


@pytest.fixture(params=[datetime.date(2026, 1, 1), datetime.date.min], ids=["2026", "0001"])
def long_plan(request, pm, departments, dev_member):
    """A plan written straight to the database with an end of 9999-12-31 (no form or
    service would accept it now), with an item, a goal and a meeting of its own."""
    start = request.param
    plan = Plan.objects.create(title="Forever", start=start, end=FAR, owner=pm)
    plan.team.set([pm, dev_member])
    PlanItem.objects.create(
        plan=plan,
        department=departments["dev"],
        month=datetime.date(9999, 12, 1),
        title="The very last item",
        start=start,
        due=FAR,
        owner=dev_member,
    )
    PlanItem.objects.create(
        plan=plan,
        department=departments["dev"],
        month=periods.month_start(periods.today()),
        title="This month's item",
        start=periods.today(),
        due=periods.month_end(periods.today()),
    )
    Goal.objects.create(
        plan=plan,
        department=departments["dev"],
        owner=dev_member,
        title="Reach 10 signups",
        metric="signups",
        unit="users",
        baseline=0,
        target=10,
        start=start,
        due=FAR,
    )
    MeetingFactory(plan=plan, facilitator=pm)
    Review.objects.create(month=datetime.date(9999, 12, 1), plan=plan, facilitator=pm)
    return plan


def test_the_timeline_of_a_plan_ending_in_9999_shows_a_window_around_today(
    client_for, pm, long_plan
):
    response = client_for(pm).get(reverse("goals:timeline"), {"plan": long_plan.pk})
    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert timeline.truncated and len(timeline.months) == 36
    assert timeline.months[0] <= periods.month_start(periods.today()) <= timeline.months[-1]
    html = response.content.decode()
    assert "the timeline shows its months" in html
    assert "This month&#x27;s item" in html or "This month's item" in html


def test_pages_showing_a_plan_ending_in_9999_answer(client_for, pm, dev_member, long_plan):
    meeting = Meeting.objects.get(plan=long_plan)
    item = PlanItem.objects.filter(plan=long_plan).first()
    goal = Goal.objects.get(plan=long_plan)
    urls = [
        reverse("plan_list"),
        reverse("plan_detail", args=[long_plan.pk]),
        reverse("plan_edit", args=[long_plan.pk]),
        reverse("plan_document", args=[long_plan.pk]),
        reverse("plan_document_markdown", args=[long_plan.pk]),
        reverse("plan_items_csv", args=[long_plan.pk]),
        reverse("dashboard") + f"?plan={long_plan.pk}",
        reverse("dashboard"),
        reverse("goals:goal_list") + f"?plan={long_plan.pk}",
        reverse("goals:goal_detail", args=[goal.pk]),
        reverse("goals:plan_item_list") + f"?plan={long_plan.pk}",
        reverse("goals:plan_item_detail", args=[item.pk]),
        reverse("goals:plan_item_create") + f"?plan={long_plan.pk}",
        reverse("goals:alignment"),
        reverse("meetings:this_week") + f"?plan={long_plan.pk}",
        reverse("meetings:meeting_create"),
        reverse("meetings:meeting_detail", args=[meeting.pk]),
        reverse("meetings:meeting_minutes", args=[meeting.pk]),
        reverse("reviews:review_list"),
        reverse("reviews:review_detail", args=[Review.objects.get(plan=long_plan).pk]),
    ]
    forms_for_pms = {
        reverse("plan_edit", args=[long_plan.pk]),
        reverse("goals:plan_item_create") + f"?plan={long_plan.pk}",
        reverse("meetings:meeting_create"),
    }
    for user in (pm, dev_member):
        client = client_for(user)
        for url in urls:
            expected = 403 if user == dev_member and url in forms_for_pms else 200
            assert client.get(url).status_code == expected, (user.username, url)
