"""People are shown by name everywhere (planbridge/people.py): in the pickers of the forms, on
the pages, and the plan's team card of members in no department has a heading of its own."""

from django.urls import reverse

from goals.forms import PlanItemForm
from planbridge.forms import PlanForm
from planbridge.people import person_name
from tests.factories import UserFactory


def _labels(field) -> list[str]:
    return [str(label) for value, label in field.choices if value != ""]


def test_a_person_is_named_by_full_name_and_by_login_only_without_one(db):
    named = UserFactory(username="dev.coordinator", first_name="Dana", last_name="Li")
    unnamed = UserFactory(username="robot.account", first_name="", last_name="")
    assert person_name(named) == "Dana Li"
    assert person_name(unnamed) == "robot.account"
    assert person_name(None) == "—"


def test_the_new_plan_team_picker_lists_names_in_name_order_not_logins(client_for, pm):
    UserFactory(username="dev.coordinator", first_name="Zoe", last_name="")
    UserFactory(username="zz.sales", first_name="Adam", last_name="")
    form = PlanForm()
    team = _labels(form.fields["team"])
    assert "Zoe" in team and "Adam" in team and "dev.coordinator" not in team
    assert team.index("Adam") < team.index("Zoe")
    assert _labels(form.fields["owner"]) == team
    html = client_for(pm).get(reverse("plan_create")).content.decode()
    assert "Zoe" in html and ">dev.coordinator<" not in html


def test_the_plan_item_owner_picker_lists_names(dev_coordinator, departments):
    form = PlanItemForm(user=dev_coordinator)
    owners = _labels(form.fields["owner"])
    assert person_name(dev_coordinator) in owners
    assert dev_coordinator.username not in owners


def test_the_pm_of_no_department_is_listed_under_a_heading_not_a_dash(client_for, plan, pm):
    html = client_for(pm).get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert '<h3 class="h6 card-title">No department</h3>' in html
    assert '<h3 class="h6 card-title">—</h3>' not in html
    assert html.index("Product Development</h3>") < html.index("No department</h3>")
    assert f"<li>{person_name(pm)}</li>" in html


def test_the_team_heading_of_no_department_reads_in_chinese(client_for, plan, pm):
    client = client_for(pm)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert '<h3 class="h6 card-title">未归属部门</h3>' in html
