"""The goals pages the other files leave out of the page rule (docs/contributing.md "The tests
every page gets"): the objective list's and the plan's conflict panel's query bounds, the new
goal and new plan item forms' bounds, bad input on the objective edit page and unknown plan
items."""

import datetime

import pytest
from django.urls import reverse

from goals.models import Objective

from . import test_query_counts
from .test_query_counts import REQUEST_OVERHEAD

# The 10- and 300-item plan of the goals pages' bounds.
busy_plan = test_query_counts.busy_plan


@pytest.fixture(params=[10, 300], ids=["10-objectives", "300-objectives"])
def many_objectives(request, plan, pm):
    """N objectives over eight quarters, each with its own owner, every other one in the plan."""
    from tests.factories import UserFactory

    owners = [UserFactory() for _ in range(5)]
    return Objective.objects.bulk_create(
        Objective(
            title=f"Objective {n}",
            quarter=datetime.date(2025 + n % 8 // 4, n % 4 * 3 + 1, 1),
            owner=owners[n % 5],
            plan=plan if n % 2 else None,
        )
        for n in range(request.param)
    )


def test_the_objective_list_query_count_is_bounded(
    client_for, pm, many_objectives, django_assert_max_num_queries
):
    client = client_for(pm)
    # the count for the pages, one page of objectives with owner and plan, the new
    # objective form's plan choices
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(reverse("goals:objective_list"))
    assert response.status_code == 200
    assert response.content.decode().count("/edit/") == min(len(many_objectives), 50)
    last_page = client.get(reverse("goals:objective_list") + "?page=last")
    on_last_page = len(many_objectives) % 50 or 50
    assert last_page.content.decode().count("/edit/") == on_last_page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "Launch it", "quarter": "someday"}, "quarter"),
        ({"title": "Launch it", "quarter": "2026-02-31"}, "quarter"),
        ({"title": "", "quarter": "2026-02-02"}, "title"),
        ({"title": "Launch it", "quarter": "2026-02-02", "plan": "abc"}, "plan"),
        ({"title": "Launch it", "quarter": "2026-02-02", "plan": "99999999999999999999"}, "plan"),
    ],
)
def test_a_bad_objective_edit_shows_a_clear_error_and_saves_nothing(
    client_for, pm, objective, data, field
):
    response = client_for(pm).post(reverse("goals:objective_edit", args=[objective.pk]), data)
    assert response.status_code in (200, 400)
    assert field in response.context["form"].errors
    objective.refresh_from_db()
    assert objective.title == "Launch the new product"
    assert objective.quarter == datetime.date(2026, 1, 1)


def test_an_unknown_objective_or_plan_item_is_a_404(client_for, pm):
    client = client_for(pm)
    assert client.get(reverse("goals:objective_edit", args=[999999])).status_code == 404
    for name in ("goals:plan_item_detail", "goals:plan_item_edit"):
        assert client.get(reverse(name, args=[999999])).status_code == 404, name
    assert (
        client.post(reverse("goals:plan_item_status", args=[999999]), {"status": "done"})
    ).status_code == 404


def test_the_plan_conflict_panel_query_count_is_bounded(
    client_for,
    sales_member,
    busy_plan,
    django_assert_max_num_queries,
):
    plan, _goals, _items = busy_plan
    client = client_for(sales_member)
    # the plan, its rhythm conflicts (one query), and the context processors' PM group
    # and asks-to-us count; the panel has no navigation of its own.
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 2):
        response = client.get(reverse("goals:plan_conflicts", args=[plan.pk]))
    assert response.status_code == 200
    assert "depends on" in response.content.decode()


def test_the_new_plan_item_form_query_count_is_bounded(
    client_for,
    dev_coordinator,
    busy_plan,
    django_assert_max_num_queries,
):
    plan, _goals, items = busy_plan
    client = client_for(dev_coordinator)
    # the chosen plan, the coordinated departments, and the form's choices: plans,
    # departments, owners, goals and the plan's items it may depend on.
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 7):
        response = client.get(reverse("goals:plan_item_create"), {"plan": plan.pk})
    assert response.status_code == 200
    assert response.content.decode().count("Item ") >= len(items)


def test_the_new_goal_form_query_count_is_bounded(
    client_for,
    dev_coordinator,
    busy_plan,
    django_assert_max_num_queries,
):
    client = client_for(dev_coordinator)
    # the coordinated departments, and the form's choices: departments, owners,
    # objectives and plans.
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 5):
        response = client.get(reverse("goals:goal_create"))
    assert response.status_code == 200
