import datetime

import pytest
from django.urls import reverse

from planbridge.models import Plan
from tests.factories import MembershipFactory, PlanFactory, UserFactory


def plan_payload(**overrides):
    payload = {
        "title": "Autumn launch",
        "background": "Bring the product to market.",
        "start": "2026-07-01",
        "end": "2026-12-31",
        "communication_mechanism": "Weekly meeting",
        "review_cadence": "Monthly review",
    }
    payload.update(overrides)
    return payload


def test_a_pm_creates_a_plan_with_a_cross_department_team(
    client_for, pm, dev_coordinator, marketing_coordinator
):
    response = client_for(pm).post(
        reverse("plan_create"),
        plan_payload(owner=pm.pk, team=[dev_coordinator.pk, marketing_coordinator.pk]),
    )
    plan = Plan.objects.get(title="Autumn launch")
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[plan.pk])
    assert set(plan.team.all()) == {dev_coordinator, marketing_coordinator}
    assert plan.history.first().history_user == pm


@pytest.mark.parametrize("person", ["dev_coordinator", "sales_member"])
def test_only_pms_may_create_or_edit_plans(client_for, request, plan, person):
    client = client_for(request.getfixturevalue(person))
    assert client.get(reverse("plan_create")).status_code == 403
    assert client.post(reverse("plan_create"), plan_payload(owner=plan.owner.pk)).status_code == 403
    edit = client.post(
        reverse("plan_edit", args=[plan.pk]), plan_payload(owner=plan.owner.pk, title="Hijacked")
    )
    assert edit.status_code == 403
    plan.refresh_from_db()
    assert plan.title == "New product launch"


def test_everyone_logged_in_reads_plans(client_for, plan, sales_member):
    client = client_for(sales_member)
    assert client.get(reverse("plan_list")).status_code == 200
    page = client.get(reverse("plan_detail", args=[plan.pk]))
    assert page.status_code == 200
    assert "Product Development" in page.content.decode()


def test_a_plan_ending_before_it_starts_is_refused_and_nothing_saved(client_for, pm):
    response = client_for(pm).post(
        reverse("plan_create"), plan_payload(owner=pm.pk, start="2026-07-01", end="2026-06-01")
    )
    assert response.status_code == 200
    assert "The end date must not be before the start date." in response.content.decode()
    assert not Plan.objects.exists()


def test_a_malformed_date_is_refused_with_a_message(client_for, pm):
    response = client_for(pm).post(reverse("plan_create"), plan_payload(owner=pm.pk, start="13/45"))
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert not Plan.objects.exists()


def test_an_unknown_plan_is_a_404(client_for, pm):
    assert client_for(pm).get(reverse("plan_detail", args=[987654])).status_code == 404


def build_plans(count: int, owner, departments):
    for index in range(count):
        plan = PlanFactory(owner=owner, start=datetime.date(2026, 1, 1) + datetime.timedelta(index))
        members = [UserFactory() for _ in range(3)]
        for member, department in zip(members, departments.values(), strict=True):
            MembershipFactory(user=member, department=department)
        plan.team.set(members)


@pytest.mark.parametrize("count", [3, 60])
def test_the_plan_list_runs_a_bounded_number_of_queries(
    client_for, pm, departments, count, django_assert_max_num_queries
):
    build_plans(count, pm, departments)
    client = client_for(pm)
    # session, user, profile (language), pm group check, plans + owners, team users,
    # their memberships with departments; the navigation's unread-notifications count.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("plan_list"))
    assert response.status_code == 200
    assert response.content.decode().count("/plans/") >= count


@pytest.mark.parametrize("count", [3, 60])
def test_the_plan_page_runs_a_bounded_number_of_queries(
    client_for, pm, departments, count, django_assert_max_num_queries
):
    build_plans(1, pm, departments)
    plan = Plan.objects.get()
    extra = [UserFactory() for _ in range(count)]
    for member in extra:
        MembershipFactory(user=member, department=departments["sales"])
    plan.team.add(*extra)
    client = client_for(pm)
    # session, user, profile, pm group, plan + owner, team, memberships + departments; the
    # navigation's unread-notifications count.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("plan_detail", args=[plan.pk]))
    assert response.status_code == 200


def test_the_plan_form_keeps_its_dates_when_the_page_is_in_chinese(client_for, pm, plan):
    client = client_for(pm)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("plan_edit", args=[plan.pk])).content.decode()
    # <input type="date"> only understands ISO dates; a localized value would show blank.
    assert 'type="date" name="start" value="2026-01-01"' in html
