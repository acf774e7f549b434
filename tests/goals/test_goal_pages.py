"""Goal, check-in, objective and alignment pages: who may do what (PM, coordinator of the
department, coordinator of another department, member, anonymous) and bad input."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from goals.models import CheckIn, Goal, Objective

PEOPLE = ["pm", "dev_coordinator", "marketing_coordinator", "dev_member"]


def person(request, name):
    return request.getfixturevalue(name)


def goal_payload(department, who, /, **overrides):
    payload = {
        "title": "Collect 10,000 leads",
        "description": "",
        "department": department.pk,
        "owner": who.pk,
        "metric": "Leads",
        "unit": "leads",
        "baseline": "0",
        "direction": "up",
        "target": "10000",
        "start": "2026-01-01",
        "due": "2026-03-31",
        "objective": "",
        "plan": "",
    }
    payload.update(overrides)
    return payload


@pytest.mark.parametrize("url_name", ["goals:goal_list", "goals:alignment", "goals:objective_list"])
@pytest.mark.parametrize("name", PEOPLE + ["sales_member"])
def test_everyone_logged_in_reads_goal_pages(request, client_for, dev_goal, url_name, name):
    response = client_for(person(request, name)).get(reverse(url_name))
    assert response.status_code == 200
    assert dev_goal.title in response.content.decode() or url_name == "goals:objective_list"
    # Each page names the goal's objective (the objective list has no goals to show).
    assert dev_goal.objective.title in response.content.decode()


@pytest.mark.parametrize("name", PEOPLE + ["sales_member"])
def test_everyone_logged_in_reads_a_goal_page(request, client_for, dev_goal, name):
    response = client_for(person(request, name)).get(
        reverse("goals:goal_detail", args=[dev_goal.pk])
    )
    assert response.status_code == 200
    assert 'id="goal-chart-data"' in response.content.decode()


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("goals:goal_list", "get"),
        ("goals:goal_create", "get"),
        ("goals:alignment", "get"),
        ("goals:objective_list", "get"),
        ("goals:smart_check", "post"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(anon, url, method):
    response = getattr(anon, method)(reverse(url))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_visitors_cannot_open_or_check_in_a_goal(anon, dev_goal):
    for url in ("goals:goal_detail", "goals:goal_edit", "goals:checkin_create"):
        response = anon.post(reverse(url, args=[dev_goal.pk]))
        assert response.status_code == 302
    assert dev_goal.checkins.count() == 0


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("pm", True),
        ("dev_coordinator", True),
        ("marketing_coordinator", False),
        ("dev_member", False),
    ],
)
def test_pms_and_the_departments_coordinators_create_its_goals(
    request, client_for, departments, name, allowed
):
    user = person(request, name)
    response = client_for(user).post(
        reverse("goals:goal_create"), goal_payload(departments["dev"], user)
    )
    assert Goal.objects.filter(title="Collect 10,000 leads").exists() is allowed
    if name == "dev_member":
        assert response.status_code == 403
    elif not allowed:
        assert response.status_code == 200
        assert "department" in response.context["form"].errors


def test_a_created_goal_lands_on_its_page_with_the_smart_check(
    client_for, dev_coordinator, departments
):
    response = client_for(dev_coordinator).post(
        reverse("goals:goal_create"),
        goal_payload(departments["dev"], dev_coordinator, title="Improve sales"),
        follow=True,
    )
    goal = Goal.objects.get(title="Improve sales")
    assert response.redirect_chain[-1][0] == reverse("goals:goal_detail", args=[goal.pk])
    page = response.content.decode()
    assert 'data-letter="S" data-passed="false"' in page
    assert "Vague wording" in page


@pytest.mark.parametrize(
    ("name", "status"),
    [("pm", 200), ("dev_coordinator", 200), ("marketing_coordinator", 403), ("dev_member", 403)],
)
def test_only_pms_and_the_departments_coordinators_edit_a_goal(
    request, client_for, dev_goal, name, status
):
    client = client_for(person(request, name))
    url = reverse("goals:goal_edit", args=[dev_goal.pk])
    assert client.get(url).status_code == status
    payload = goal_payload(
        dev_goal.department, dev_goal.owner, title="Edited", version=dev_goal.version
    )
    response = client.post(url, payload)
    dev_goal.refresh_from_db()
    assert (dev_goal.title == "Edited") is (status == 200)
    assert response.status_code == (302 if status == 200 else 403)


def test_a_coordinator_cannot_move_a_goal_to_another_department(
    client_for, dev_coordinator, dev_goal, departments
):
    response = client_for(dev_coordinator).post(
        reverse("goals:goal_edit", args=[dev_goal.pk]),
        goal_payload(departments["sales"], dev_goal.owner, version=dev_goal.version),
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    dev_goal.refresh_from_db()
    assert dev_goal.department == departments["dev"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due": "2025-12-01"}, "due"),
        ({"baseline": "a lot"}, "baseline"),
        ({"start": "2026-02-30"}, "start"),
        ({"direction": "sideways"}, "direction"),
        ({"owner": "999999"}, "owner"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_goal_input_shows_a_clear_error_and_saves_nothing(
    client_for, dev_coordinator, departments, overrides, field
):
    response = client_for(dev_coordinator).post(
        reverse("goals:goal_create"), goal_payload(departments["dev"], dev_coordinator, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Goal.objects.count() == 0


def test_the_smart_check_endpoint_checks_what_is_typed(client_for, dev_coordinator, departments):
    client = client_for(dev_coordinator)
    vague = client.post(
        reverse("goals:smart_check"),
        goal_payload(departments["dev"], dev_coordinator, title="Better sales"),
    ).content.decode()
    concrete = client.post(
        reverse("goals:smart_check"),
        goal_payload(departments["dev"], dev_coordinator, title="Sell 300 units"),
    ).content.decode()
    garbage = client.post(reverse("goals:smart_check"), {"baseline": "x", "goal": "abc"})
    assert 'data-letter="S" data-passed="false"' in vague
    assert 'data-letter="S" data-passed="true"' in concrete
    assert garbage.status_code == 200
    assert Goal.objects.count() == 0


def test_the_smart_check_follows_the_users_language(client_for, dev_coordinator, departments):
    dev_coordinator.profile.language = "zh-hans"
    dev_coordinator.profile.save()
    page = (
        client_for(dev_coordinator)
        .post(
            reverse("goals:smart_check"),
            goal_payload(departments["dev"], dev_coordinator, title="提升销售"),
        )
        .content.decode()
    )
    assert "含糊的措辞" in page


def test_the_goal_list_filters_by_failed_letter(client_for, sales_member, dev_goal, departments):
    vague = Goal.objects.create(
        title="加强团队协作",
        start=datetime.date(2026, 1, 1),
        owner=sales_member,
        department=departments["sales"],
    )
    client = client_for(sales_member)
    failing_s = client.get(reverse("goals:goal_list"), {"failed": "S"}).context["page"]
    failing_any = client.get(reverse("goals:goal_list"), {"failed": "any"}).context["page"]
    everything = client.get(reverse("goals:goal_list")).context["page"]
    assert [row.goal for row in failing_s] == [vague]
    assert [row.goal for row in failing_any] == [vague]
    assert {row.goal for row in everything} == {vague, dev_goal}
    assert [row.failed for row in failing_s] == ["SMART"]


def test_unknown_goal_filters_are_ignored_with_a_message(client_for, sales_member, dev_goal):
    response = client_for(sales_member).get(
        reverse("goals:goal_list"), {"failed": "X", "department": "abc", "page": "zz"}
    )
    assert response.status_code == 200
    assert "not understood" in response.content.decode()
    assert [row.goal for row in response.context["page"]] == [dev_goal]


def test_an_unknown_goal_is_a_404(client_for, pm):
    assert client_for(pm).get(reverse("goals:goal_detail", args=[999999])).status_code == 404
    assert client_for(pm).get(reverse("goals:goal_edit", args=[999999])).status_code == 404


# ---------------------------------------------------------------------------- check-ins


def checkin_payload(**overrides):
    payload = {"date": "2026-02-01", "value": "3", "confidence": "7", "note": "on plan"}
    payload.update(overrides)
    return payload


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("pm", True),
        ("dev_coordinator", True),
        ("dev_member", True),  # Devon owns the goal
        ("marketing_coordinator", False),
        ("sales_member", False),
    ],
)
def test_goal_owners_coordinators_and_pms_record_check_ins(
    request, client_for, dev_goal, name, allowed
):
    response = client_for(person(request, name)).post(
        reverse("goals:checkin_create", args=[dev_goal.pk]), checkin_payload()
    )
    assert response.status_code == (302 if allowed else 403)
    assert dev_goal.checkins.count() == (1 if allowed else 0)


def test_a_member_who_does_not_own_the_goal_cannot_check_in(
    client_for, dev_goal, departments, dev_coordinator
):
    dev_goal.owner = dev_coordinator
    dev_goal.save()
    from planbridge.models import Membership
    from tests.conftest import _member

    other = _member("otto.dev", departments["dev"], Membership.Role.MEMBER)
    response = client_for(other).post(
        reverse("goals:checkin_create", args=[dev_goal.pk]), checkin_payload()
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"confidence": "11"}, "confidence"),
        ({"confidence": "0"}, "confidence"),
        ({"value": "lots"}, "value"),
        ({"date": "2099-01-01"}, "date"),
        ({"date": "yesterday"}, "date"),
    ],
)
def test_bad_check_ins_are_refused_with_a_clear_error(
    client_for, dev_member, dev_goal, overrides, field
):
    response = client_for(dev_member).post(
        reverse("goals:checkin_create", args=[dev_goal.pk]), checkin_payload(**overrides)
    )
    assert response.status_code == 400
    assert field in response.context["checkin_form"].errors
    assert CheckIn.objects.count() == 0


def test_check_ins_drive_progress_on_the_goal_page(client_for, dev_member, dev_goal):
    client = client_for(dev_member)
    client.post(reverse("goals:checkin_create", args=[dev_goal.pk]), checkin_payload(value="6"))
    page = client.get(reverse("goals:goal_detail", args=[dev_goal.pk]))
    assert page.context["progress"].progress == pytest.approx(0.5)
    assert page.context["chart"]["checkins"] == [{"x": "2026-02-01", "y": 6.0}]
    assert page.context["chart"]["baseline"] == [
        {"x": "2026-01-01", "y": 0.0},
        {"x": "2026-03-31", "y": 12.0},
    ]


# ---------------------------------------------------------------------------- objectives


def test_a_pm_creates_an_objective_for_a_quarter(client_for, pm):
    response = client_for(pm).post(
        reverse("goals:objective_list"),
        {"title": "Grow market share", "quarter": "2026-05-17", "description": "", "plan": ""},
    )
    assert response.status_code == 302
    objective = Objective.objects.get(title="Grow market share")
    assert objective.quarter == datetime.date(2026, 4, 1)
    assert objective.owner == pm


@pytest.mark.parametrize("name", ["dev_coordinator", "dev_member"])
def test_only_pms_create_or_edit_objectives(request, client_for, objective, name):
    client = client_for(person(request, name))
    created = client.post(
        reverse("goals:objective_list"), {"title": "Mine", "quarter": "2026-01-01"}
    )
    edit_url = reverse("goals:objective_edit", args=[objective.pk])
    assert created.status_code == 403
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, {"title": "Hijacked", "quarter": "2026-01-01"}).status_code == 403
    objective.refresh_from_db()
    assert objective.title == "Launch the new product"
    assert not Objective.objects.filter(title="Mine").exists()


def test_a_pm_edits_an_objective(client_for, pm, objective):
    response = client_for(pm).post(
        reverse("goals:objective_edit", args=[objective.pk]),
        {"title": "Launch it", "quarter": "2026-02-02", "description": "", "plan": ""},
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.title == "Launch it"


@pytest.mark.parametrize("quarter", ["", "someday", "2026-02-31"])
def test_an_objective_without_a_valid_quarter_is_refused(client_for, pm, quarter):
    response = client_for(pm).post(
        reverse("goals:objective_list"), {"title": "Grow", "quarter": quarter}
    )
    assert response.status_code == 400
    assert "quarter" in response.context["form"].errors
    assert Objective.objects.count() == 0


# ---------------------------------------------------------------------------- alignment


def test_alignment_shows_supporting_goals_orphans_and_uncovered_objectives(
    client_for, sales_member, dev_goal, objective, pm, departments
):
    uncovered = Objective.objects.create(
        title="Answer within a day", quarter=datetime.date(2026, 1, 1), owner=pm
    )
    orphan = Goal.objects.create(
        title="Orphan", start=datetime.date(2026, 1, 1), owner=pm, department=departments["sales"]
    )
    data = client_for(sales_member).get(reverse("goals:alignment")).context["alignment"]
    supported = next(row for row in data.rows if row.objective == objective)
    assert supported.by_department == [(departments["dev"], [dev_goal])]
    assert data.orphan_goals == [orphan]
    assert data.uncovered == [uncovered]


def test_alignment_filters_by_quarter_and_ignores_a_bad_one(
    client_for, sales_member, objective, pm
):
    Objective.objects.create(title="Later", quarter=datetime.date(2026, 4, 1), owner=pm)
    client = client_for(sales_member)
    q2 = client.get(reverse("goals:alignment"), {"quarter": "2026-05-05"}).context["alignment"]
    bad = client.get(reverse("goals:alignment"), {"quarter": "soon"})
    assert [row.objective.title for row in q2.rows] == ["Later"]
    assert bad.status_code == 200
    assert len(bad.context["alignment"].rows) == 2


def test_the_goal_decimal_fields_keep_their_values(dev_goal):
    assert dev_goal.target == Decimal(12)
