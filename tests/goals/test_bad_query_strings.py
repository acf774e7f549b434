"""Whatever a person types into a goals page's address bar, the answer is the page (with a
message where a filter was not understood) or a 404, never a server error."""

import pytest
from django.urls import reverse

GARBAGE = [
    "garbage",
    "abc",
    "-1",
    "1.5",
    "99999999999999999999999",
    "2026-13",
    "2026-02-30",
    "9999-12",
    "'; DROP TABLE goals_goal; --",
    "１２",
    "",
]
LIST_PAGES = {
    "goals:goal_list": ["failed", "department", "plan", "page"],
    "goals:plan_item_list": ["plan", "department", "month", "status", "owner", "page"],
    "goals:alignment": ["quarter", "plan"],
    "goals:timeline": ["plan", "department"],
    "goals:objective_list": ["page"],
    "goals:plan_item_create": ["plan", "department"],
    "goals:goal_create": ["plan"],
}


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize(
    ("url_name", "param"),
    [(url_name, param) for url_name, params in LIST_PAGES.items() for param in params],
)
def test_a_typed_query_string_never_breaks_a_page(
    client_for, pm, dev_goal, dev_item, url_name, param, value
):
    response = client_for(pm).get(reverse(url_name), {param: value})
    assert response.status_code in (200, 404), response.status_code


def test_a_page_number_past_the_end_shows_the_last_page(client_for, sales_member, dev_goal):
    for url_name in ("goals:goal_list", "goals:plan_item_list"):
        response = client_for(sales_member).get(reverse(url_name), {"page": 999})
        assert response.status_code == 200
        assert response.context["page"].number == 1


def test_a_bad_month_filter_is_reported_and_ignored(client_for, sales_member, dev_item):
    response = client_for(sales_member).get(
        reverse("goals:plan_item_list"), {"month": "garbage"}, follow=True
    )
    assert response.status_code == 200
    assert "Enter a month as YYYY-MM." in response.content.decode()
    assert [item.pk for item, _conflicts in response.context["rows"]] == [dev_item.pk]


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-3"])
def test_a_bad_plan_on_the_timeline_is_a_404(client_for, sales_member, plan, value):
    response = client_for(sales_member).get(reverse("goals:timeline"), {"plan": value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "2026-13-01"])
def test_bad_values_in_goal_and_item_forms_are_form_errors(
    client_for, pm, dev_goal, dev_item, value
):
    client = client_for(pm)
    goal_form = client.post(
        reverse("goals:goal_edit", args=[dev_goal.pk]),
        {"title": "x", "department": value, "owner": value, "start": value, "version": value},
    )
    assert goal_form.status_code == 200
    assert goal_form.context["form"].errors
    item_form = client.post(
        reverse("goals:plan_item_edit", args=[dev_item.pk]),
        {"title": "x", "plan": value, "department": value, "month": value, "depends_on": value},
    )
    assert item_form.status_code == 400
    assert item_form.context["form"].errors
    smart = client.post(reverse("goals:smart_check"), {"goal": value, "due": value})
    assert smart.status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"start": "0001-01-01", "due": "9999-12-31"},
        {"start": "9999-12-31", "due": "9999-12-31"},
        {"baseline": "1e400", "target": "-1e400"},
        {"baseline": "NaN", "target": "Infinity"},
        {"baseline": "99999999999999999999", "target": "1"},
        {"direction": "sideways"},
    ],
)
def test_extreme_goal_values_are_saved_or_refused_never_a_server_error(
    client_for, dev_coordinator, departments, objective, plan, overrides
):
    payload = {
        "title": "Collect 10,000 leads",
        "department": departments["dev"].pk,
        "owner": dev_coordinator.pk,
        "metric": "Leads",
        "unit": "leads",
        "baseline": "0",
        "direction": "up",
        "target": "10000",
        "start": "2026-01-01",
        "due": "2026-03-31",
        "objective": objective.pk,
        "plan": plan.pk,
        **overrides,
    }
    client = client_for(dev_coordinator)
    assert client.post(reverse("goals:smart_check"), payload).status_code == 200
    response = client.post(reverse("goals:goal_create"), payload)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
        assert client.get(reverse("goals:goal_list")).status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"plan": "", "month": "9999-12", "start": "9999-12-01", "due": "9999-12-31"},
        {"plan": "", "month": "0001-01", "start": "0001-01-01", "due": "0001-01-31"},
        {"month": "2026-13"},
        {"status": "finished"},
    ],
)
def test_extreme_plan_item_values_are_saved_or_refused_never_a_server_error(
    client_for, dev_coordinator, departments, plan, overrides
):
    payload = {
        "plan": plan.pk,
        "department": departments["dev"].pk,
        "month": "2026-02",
        "title": "Core functions",
        "start": "2026-02-01",
        "due": "2026-02-27",
        "status": "planned",
        **overrides,
    }
    client = client_for(dev_coordinator)
    response = client.post(reverse("goals:plan_item_create"), payload)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
        for url_name in ("goals:plan_item_list", "goals:timeline"):
            assert client.get(reverse(url_name)).status_code == 200
