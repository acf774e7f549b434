"""The core pages the other files leave out of the page rule (docs/contributing.md "The tests
every page gets"): editing a plan (who may, bad input), the plan form's query bound, and the
login and password pages' answers to wrong input."""

import pytest
from django.urls import reverse

from planbridge.models import Plan
from tests.factories import PASSWORD, MembershipFactory, UserFactory

from .test_plans import plan_payload


def test_a_pm_edits_a_plan_and_its_team(client_for, pm, plan, sales_member):
    response = client_for(pm).post(
        reverse("plan_edit", args=[plan.pk]),
        plan_payload(owner=pm.pk, title="Renamed launch", team=[sales_member.pk]),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[plan.pk])
    plan.refresh_from_db()
    assert plan.title == "Renamed launch"
    assert list(plan.team.all()) == [sales_member]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end": "2026-06-01"}, "end", "The end date must not be before the start date."),
        ({"start": "2026-02-30"}, "start", "Enter a valid date."),
        ({"title": ""}, "title", "This field is required."),
        ({"owner": "abc"}, "owner", "Select a valid choice."),
        ({"team": ["99999999999999999999"]}, "team", "Select a valid choice."),
    ],
)
def test_a_bad_plan_edit_shows_a_clear_error_and_saves_nothing(
    client_for, pm, plan, overrides, field, message
):
    team_before = set(plan.team.all())
    response = client_for(pm).post(
        reverse("plan_edit", args=[plan.pk]),
        plan_payload(**{"owner": pm.pk, "title": "Changed", **overrides}),
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    plan.refresh_from_db()
    assert plan.title == "New product launch"
    assert set(plan.team.all()) == team_before


def test_editing_an_unknown_plan_is_a_404(client_for, pm):
    assert client_for(pm).get(reverse("plan_edit", args=[987654])).status_code == 404


@pytest.mark.parametrize("people", [5, 200])
def test_the_plan_form_runs_a_bounded_number_of_queries(
    client_for, pm, departments, people, django_assert_max_num_queries
):
    for _ in range(people):
        MembershipFactory(user=UserFactory(), department=departments["sales"])
    client = client_for(pm)
    # session, user, profile (language), PM group (permission and navigation), the
    # asks-to-us badge, the unread-notifications count, the owner choices and the team
    # choices: eight at either size.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("plan_create"))
    assert response.status_code == 200
    assert Plan.objects.count() == 0


def test_a_wrong_password_is_refused_with_a_message(anon, sales_member):
    response = anon.post(reverse("login"), {"username": "sid.sales", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in anon.session


def test_the_right_password_logs_in(anon, sales_member):
    response = anon.post(reverse("login"), {"username": "sid.sales", "password": PASSWORD})
    assert response.status_code == 302
    assert anon.session["_auth_user_id"] == str(sales_member.pk)


def test_two_different_new_passwords_are_refused_with_a_message(client_for, sales_member):
    response = client_for(sales_member).post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "N3w-pass-phrase",
            "new_password2": "Other-pass-phrase",
        },
    )
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    sales_member.refresh_from_db()
    assert sales_member.check_password(PASSWORD)
