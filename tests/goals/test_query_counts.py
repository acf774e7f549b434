"""Every goals page runs a bounded number of queries whatever the data size (docs/architecture.md
"Tests"): each bound must hold with 10 and with 300 plan items."""

import datetime

import pytest
from django.urls import reverse

from goals.models import CheckIn, Goal, PlanItem

from .factories import CheckInFactory, GoalFactory, ObjectiveFactory

# Every request of a logged-in client: session, user, profile (language), and the
# navigation's PM-group, membership and asks-to-us look-ups, and the unread count of its
# Notifications link (docs/architecture.md "Notifications").
REQUEST_OVERHEAD = 7


@pytest.fixture(params=[10, 300], ids=["10-items", "300-items"])
def busy_plan(request, plan, departments, pm, dev_coordinator):
    """A plan with N plan items spread over three departments and six months, each depending
    on the one before (so there are conflicts), serving one of five goals with check-ins."""
    count = request.param
    objectives = [ObjectiveFactory(owner=pm, plan=plan) for _ in range(3)]
    goals = [
        GoalFactory(
            department=list(departments.values())[n % 3],
            owner=dev_coordinator,
            objective=objectives[n % 3] if n < 4 else None,
            plan=plan,
        )
        for n in range(5)
    ]
    for goal in goals:
        for day in (1, 15):
            CheckInFactory(goal=goal, date=datetime.date(2026, 2, day))
    items = PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            department=list(departments.values())[n % 3],
            month=datetime.date(2026, n % 6 + 1, 1),
            title=f"Item {n}",
            owner=dev_coordinator,
            start=datetime.date(2026, n % 6 + 1, 1),
            due=datetime.date(2026, n % 6 + 1, 20),
            status=PlanItem.Status.BLOCKED if n % 7 == 0 else PlanItem.Status.PLANNED,
            goal=goals[0] if n % 2 == 0 else goals[n % 5],
        )
        for n in range(count)
    )
    through = PlanItem.depends_on.through
    through.objects.bulk_create(
        through(from_planitem_id=later.pk, to_planitem_id=earlier.pk)
        for earlier, later in zip(items, items[1:], strict=False)
    )
    return plan, goals, items


def test_the_plan_item_list_query_count_is_bounded(
    client_for, sales_member, busy_plan, django_assert_max_num_queries
):
    plan, _goals, _items = busy_plan
    client = client_for(sales_member)
    # the filtered plan's look-up, count for the paginator, the page of items with
    # plan/department/owner/goal joined, the conflicts of the page's items, and the filter
    # form's plan, department and owner choices.
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 7):
        response = client.get(reverse("goals:plan_item_list"), {"plan": plan.pk})
    assert response.status_code == 200


@pytest.fixture(params=[10, 300], ids=["10-goals", "300-goals"])
def many_goals(request, plan, departments, pm, dev_coordinator):
    """N goals over three departments, a third of them vague (S fails) and every fifth
    without an objective (R fails), each with two check-ins."""
    count = request.param
    objective = ObjectiveFactory(owner=pm, plan=plan)
    goals = Goal.objects.bulk_create(
        Goal(
            title="Improve the campaign" if n % 3 == 0 else f"Collect 10,000 leads ({n})",
            metric="Leads",
            unit="leads",
            baseline=0,
            target=10000,
            start=datetime.date(2026, 1, 1),
            due=datetime.date(2026, 3, 31),
            owner=dev_coordinator,
            department=list(departments.values())[n % 3],
            objective=None if n % 5 == 0 else objective,
            plan=plan,
        )
        for n in range(count)
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            goal=goal,
            date=datetime.date(2026, 2, day),
            value=day * 100,
            confidence=7,
            author=dev_coordinator,
        )
        for goal in goals
        for day in (1, 15)
    )
    return goals


@pytest.mark.parametrize("failed", ["", "S", "R", "any"])
def test_the_goal_list_query_count_is_bounded(
    client_for, sales_member, many_goals, failed, django_assert_max_num_queries
):
    client = client_for(sales_member)
    # without a letter: the paginator's count and the page's goals with relations and
    # latest value; with one: the matching ids, then the page's goals. Plus the filter's
    # department and plan choices.
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 4):
        response = client.get(reverse("goals:goal_list"), {"failed": failed, "page": 2})
    assert response.status_code == 200
    expected = {
        "": len(many_goals),
        "S": len(range(0, len(many_goals), 3)),
        "R": len(range(0, len(many_goals), 5)),
        "any": sum(1 for n in range(len(many_goals)) if n % 3 == 0 or n % 5 == 0),
    }[failed]
    page = response.context["page"]
    assert page.paginator.count == expected
    assert len(page.object_list) == min(50, expected - 50 * (page.number - 1))
    assert all(failed in row.failed for row in page.object_list if failed not in ("", "any"))


def test_the_goal_page_query_count_is_bounded(
    client_for, dev_coordinator, busy_plan, django_assert_max_num_queries
):
    _plan, goals, items = busy_plan
    client = client_for(dev_coordinator)
    # the goal with relations and latest value, its check-ins with authors, the plan items
    # serving it with department and owner
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(reverse("goals:goal_detail", args=[goals[0].pk]))
    assert response.status_code == 200
    assert len(response.context["plan_items"]) >= len(items) // 2


def test_the_alignment_page_query_count_is_bounded(
    client_for, sales_member, busy_plan, django_assert_max_num_queries
):
    client = client_for(sales_member)
    # objectives, goals with department/owner/objective, the quarter picker
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(reverse("goals:alignment"))
    assert response.status_code == 200
    assert len(response.context["alignment"].orphan_goals) == 1


def test_the_timeline_query_count_is_bounded(
    client_for, pm, busy_plan, django_assert_max_num_queries
):
    plan, _goals, items = busy_plan
    client = client_for(pm)
    # the plan, the months its items hold (one aggregate), the items, the conflicts, the
    # department rows, the plan and department pickers
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 7):
        response = client.get(reverse("goals:timeline"), {"plan": plan.pk})
    timeline = response.context["timeline"]
    assert sum(len(row.bars) for row in timeline.rows) == len(items)
    assert timeline.conflicts


def test_the_plan_document_query_count_is_bounded(
    client_for, sales_member, busy_plan, django_assert_max_num_queries
):
    plan, _goals, items = busy_plan
    client = client_for(sales_member)
    # the plan with owner, its team with memberships and departments (three), the goals
    # with latest value, the items with relations
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 6):
        response = client.get(reverse("plan_document", args=[plan.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 6):
        markdown = client.get(reverse("plan_document_markdown", args=[plan.pk]))
    assert markdown.content.decode().count("- Month") == len(items)
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 3):
        csv_response = client.get(reverse("plan_items_csv", args=[plan.pk]))
    assert csv_response.content.decode("utf-8-sig").count("\n") == len(items) + 1


def test_the_plan_item_page_query_count_is_bounded(
    client_for, pm, busy_plan, django_assert_max_num_queries
):
    _plan, _goals, items = busy_plan
    client = client_for(pm)
    # the item with relations, its dependencies and dependents, its conflicts, the status form
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 4):
        response = client.get(reverse("goals:plan_item_detail", args=[items[5].pk]))
    assert response.status_code == 200
