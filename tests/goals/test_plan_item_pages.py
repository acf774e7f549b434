"""Plan item pages, timeline and plan document: who may do what, bad input, and the version
check on concurrent edits."""

import csv
import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from goals import services
from goals.models import Goal, PlanItem

from .factories import PlanItemFactory

PEOPLE = ["pm", "dev_coordinator", "marketing_coordinator", "dev_member", "sales_member"]


def person(request, name):
    return request.getfixturevalue(name)


def item_payload(item_or_none=None, **overrides):
    payload = {
        "plan": "",
        "department": "",
        "month": "2026-02",
        "title": "Core functions",
        "description": "",
        "owner": "",
        "start": "2026-02-01",
        "due": "2026-05-31",
        "status": "planned",
        "goal": "",
    }
    if item_or_none is not None:
        item = item_or_none
        payload.update(
            plan=item.plan_id or "",
            department=item.department_id,
            month=item.month.strftime("%Y-%m"),
            title=item.title,
            owner=item.owner_id or "",
            start=item.start.isoformat(),
            due=item.due.isoformat(),
            status=item.status,
            version=item.version,
        )
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


@pytest.mark.parametrize("name", PEOPLE)
def test_everyone_logged_in_reads_plan_item_pages(
    request, client_for, plan, dev_item, marketing_item, name
):
    client = client_for(person(request, name))
    for url in (
        reverse("goals:plan_item_list"),
        reverse("goals:plan_item_detail", args=[dev_item.pk]),
        reverse("goals:timeline"),
        reverse("plan_document", args=[plan.pk]),
        reverse("plan_document_markdown", args=[plan.pk]),
        reverse("plan_items_csv", args=[plan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Core functions" in response.content.decode(), url


def test_anonymous_visitors_are_sent_to_log_in_from_plan_item_pages(anon, plan, dev_item):
    for url in (
        reverse("goals:plan_item_list"),
        reverse("goals:plan_item_create"),
        reverse("goals:plan_item_detail", args=[dev_item.pk]),
        reverse("goals:plan_item_edit", args=[dev_item.pk]),
        reverse("goals:plan_item_status", args=[dev_item.pk]),
        reverse("goals:timeline"),
        reverse("plan_document", args=[plan.pk]),
        reverse("plan_document_markdown", args=[plan.pk]),
        reverse("plan_items_csv", args=[plan.pk]),
    ):
        response = anon.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("pm", True),
        ("dev_coordinator", True),
        ("marketing_coordinator", False),
        ("dev_member", False),
    ],
)
def test_pms_and_the_departments_coordinators_create_its_plan_items(
    request, client_for, plan, departments, marketing_item, name, allowed
):
    response = client_for(person(request, name)).post(
        reverse("goals:plan_item_create") + f"?plan={plan.pk}",
        item_payload(
            plan=plan.pk, department=departments["dev"].pk, depends_on=[marketing_item.pk]
        ),
    )
    created = PlanItem.objects.filter(title="Core functions").first()
    assert (created is not None) is allowed
    if allowed:
        assert response.status_code == 302
        assert list(created.depends_on.all()) == [marketing_item]
    elif name == "dev_member":
        assert response.status_code == 403
    else:
        assert "department" in response.context["form"].errors


@pytest.mark.parametrize(
    ("name", "status"),
    [("pm", 200), ("dev_coordinator", 200), ("marketing_coordinator", 403), ("dev_member", 403)],
)
def test_only_pms_and_the_departments_coordinators_edit_a_plan_item(
    request, client_for, dev_item, name, status
):
    client = client_for(person(request, name))
    url = reverse("goals:plan_item_edit", args=[dev_item.pk])
    assert client.get(url).status_code == status
    response = client.post(url, item_payload(dev_item, title="Edited"))
    dev_item.refresh_from_db()
    assert (dev_item.title == "Edited") is (status == 200)
    assert response.status_code == (302 if status == 200 else 403)


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("pm", True),
        ("dev_coordinator", True),
        ("dev_member", True),  # Devon owns the item
        ("marketing_coordinator", False),
        ("sales_member", False),
    ],
)
def test_owners_coordinators_and_pms_set_a_plan_items_status(
    request, client_for, dev_item, name, allowed
):
    response = client_for(person(request, name)).post(
        reverse("goals:plan_item_status", args=[dev_item.pk]), {"status": "blocked"}
    )
    dev_item.refresh_from_db()
    assert response.status_code == (302 if allowed else 403)
    assert (dev_item.status == "blocked") is allowed


def test_an_unknown_status_is_refused(client_for, dev_member, dev_item):
    response = client_for(dev_member).post(
        reverse("goals:plan_item_status", args=[dev_item.pk]), {"status": "finished"}
    )
    assert response.status_code == 400
    assert "status" in response.context["status_form"].errors
    dev_item.refresh_from_db()
    assert dev_item.status == "planned"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due": "2026-01-15"}, "due"),
        ({"month": "2026-13"}, "month"),
        ({"month": "2027-03"}, "month"),  # outside the plan
        ({"start": "not a date"}, "start"),
        ({"status": "finished"}, "status"),
        ({"depends_on": ["999999"]}, "depends_on"),
        ({"depends_on": ["abc"]}, "depends_on"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_plan_item_input_shows_a_clear_error_and_saves_nothing(
    client_for, dev_coordinator, plan, departments, overrides, field
):
    response = client_for(dev_coordinator).post(
        reverse("goals:plan_item_create"),
        item_payload(plan=plan.pk, department=departments["dev"].pk, **overrides),
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert PlanItem.objects.count() == 0


def test_a_dependency_cycle_through_the_edit_form_is_refused(
    client_for, pm, dev_item, marketing_item
):
    marketing_item.depends_on.add(dev_item)
    response = client_for(pm).post(
        reverse("goals:plan_item_edit", args=[dev_item.pk]),
        item_payload(dev_item, depends_on=[marketing_item.pk]),
    )
    assert response.status_code == 400
    assert "cycle" in str(response.context["form"].errors["depends_on"])
    assert dev_item.depends_on.count() == 0


def test_the_list_filters_by_plan_department_month_status_and_owner(
    client_for, sales_member, plan, dev_item, marketing_item, departments, dev_member
):
    other = PlanItemFactory(title="Elsewhere", department=departments["sales"])
    client = client_for(sales_member)

    def titles(**params):
        page = client.get(reverse("goals:plan_item_list"), params).context["page"]
        return [item.title for item in page]

    assert set(titles()) == {"Core functions", "Warm-up campaign", "Elsewhere"}
    assert set(titles(plan=plan.pk)) == {"Core functions", "Warm-up campaign"}
    assert titles(department=departments["sales"].pk) == ["Elsewhere"]
    assert titles(month="2026-05") == ["Warm-up campaign"]
    assert titles(owner=dev_member.pk) == ["Core functions"]
    PlanItem.objects.filter(pk=other.pk).update(status="done")
    assert titles(status="done") == ["Elsewhere"]


def test_bad_list_filters_are_ignored_with_a_message(client_for, sales_member, dev_item):
    response = client_for(sales_member).get(
        reverse("goals:plan_item_list"), {"month": "May", "status": "nope", "plan": "x"}
    )
    assert response.status_code == 200
    assert "not understood" in response.content.decode()


def test_conflicts_show_on_the_item_the_list_the_plan_and_the_timeline(
    client_for, sales_member, plan, dev_item, marketing_item
):
    # The plan lies in the past, so the core functions (due 2026-05-31, not done) are overdue.
    marketing_item.depends_on.add(dev_item)
    client = client_for(sales_member)
    for url in (
        reverse("goals:plan_item_detail", args=[marketing_item.pk]),
        reverse("goals:plan_item_detail", args=[dev_item.pk]),
        reverse("goals:plan_item_list"),
        reverse("goals:plan_conflicts", args=[plan.pk]),  # loaded into the plan page
        reverse("goals:timeline") + f"?plan={plan.pk}",
    ):
        page = client.get(url).content.decode()
        assert "“Warm-up campaign” (Marketing) depends on “Core functions”" in page, url
    timeline = client.get(reverse("goals:timeline"), {"plan": plan.pk}).content.decode()
    assert 'data-conflict="true"' in timeline


def test_the_timeline_has_a_row_per_department_and_bars_across_months(
    client_for, sales_member, plan, dev_item, marketing_item
):
    data = (
        client_for(sales_member)
        .get(reverse("goals:timeline"), {"plan": plan.pk})
        .context["timeline"]
    )
    assert [row.department.name for row in data.rows] == [
        "Marketing",
        "Product Development",
        "Sales",
    ]
    [dev_bar] = data.rows[1].bars
    assert (dev_bar.column_start, dev_bar.column_end) == (2, 6)  # February through May
    assert len(data.months) == 6


@pytest.mark.parametrize("plan_param", ["999999", "abc"])
def test_an_unknown_plan_on_the_timeline_is_a_404(client_for, sales_member, plan, plan_param):
    response = client_for(sales_member).get(reverse("goals:timeline"), {"plan": plan_param})
    assert response.status_code == 404


def test_the_plan_page_links_to_its_document_timeline_and_conflicts(client_for, sales_member, plan):
    page = client_for(sales_member).get(reverse("plan_detail", args=[plan.pk])).content.decode()
    for url in (
        reverse("plan_document", args=[plan.pk]),
        reverse("plan_items_csv", args=[plan.pk]),
        reverse("goals:timeline") + f"?plan={plan.pk}",
        reverse("goals:plan_conflicts", args=[plan.pk]),
    ):
        assert url in page


def test_unknown_plan_documents_are_404s(client_for, sales_member):
    client = client_for(sales_member)
    assert client.get(reverse("goals:plan_conflicts", args=[999999])).status_code == 404
    for name in ("plan_document", "plan_document_markdown", "plan_items_csv"):
        assert client.get(reverse(name, args=[999999])).status_code == 404


def test_the_plan_document_follows_the_quarterly_plan_template(
    client_for, sales_member, plan, dev_item, dev_goal
):
    client = client_for(sales_member)
    page = client.get(reverse("plan_document", args=[plan.pk])).content.decode()
    markdown = client.get(reverse("plan_document_markdown", args=[plan.pk]))
    text = markdown.content.decode()
    headings = [
        "1. Background",
        "2. Goals",
        "3. Communication mechanism",
        "4. Team",
        "5. Monthly action plan",
        "6. Summary and feedback",
    ]
    for heading in headings:
        assert heading in page
        assert f"## {heading}" in text
    # The print layout is in the page's stylesheet (the Content-Security-Policy refuses
    # inline styles).
    assert 'href="/static/css/plan_document.css"' in page
    assert "@media print" in Path(finders.find("css/plan_document.css")).read_text()
    assert "Months 2–5: Core functions" in text
    assert "- Finish 12 core functions — target 12 functions" in text
    assert markdown["Content-Disposition"].startswith("attachment;")
    assert markdown["Content-Type"].startswith("text/markdown")


def test_the_plan_document_says_when_a_section_has_nothing_yet(
    client_for, sales_member, plan, dev_item
):
    # dev_item makes Development a department of the document, yet it has no goal.
    client = client_for(sales_member)
    page = client.get(reverse("plan_document", args=[plan.pk])).content.decode()
    text = client.get(reverse("plan_document_markdown", args=[plan.pk])).content.decode()
    goals_section = page.split('id="goals"')[1].split("</section>")[0]
    assert "No goals yet." in goals_section
    assert "No plan items yet." not in page
    assert "No goals yet." in text.split("## 2.")[1].split("## 3.")[0]
    assert "Core functions" in text.split("## 5.")[1]


def test_the_markdown_is_not_html_escaped(client_for, pm, plan, dev_item):
    PlanItem.objects.filter(pk=dev_item.pk).update(title="R&D <core>")
    text = client_for(pm).get(reverse("plan_document_markdown", args=[plan.pk])).content.decode()
    assert "R&D <core>" in text


def test_plan_items_download_as_csv(client_for, sales_member, plan, dev_item, marketing_item):
    marketing_item.depends_on.add(dev_item)
    PlanItem.objects.filter(pk=dev_item.pk).update(title="=HYPERLINK(1)")
    response = client_for(sales_member).get(reverse("plan_items_csv", args=[plan.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:4] == ["id", "department", "month", "title"]
    by_title = {row[3]: row for row in rows[1:]}
    assert by_title["Warm-up campaign"][10] == str(dev_item.pk)
    assert "'=HYPERLINK(1)" in by_title  # a formula is defused


# ---------------------------------------------------------------------------- versions


def test_the_second_of_two_concurrent_plan_item_edits_is_refused(pm, dev_coordinator, dev_item):
    read_by_pm = PlanItem.objects.get(pk=dev_item.pk)
    read_by_dana = PlanItem.objects.get(pk=dev_item.pk)
    services.plan_item_update(
        actor=pm, item=read_by_pm, version=read_by_pm.version, title="Pat's title"
    )
    with pytest.raises(services.VersionConflict) as conflict:
        services.plan_item_update(
            actor=dev_coordinator, item=read_by_dana, version=read_by_dana.version, title="Dana's"
        )
    assert conflict.value.current.title == "Pat's title"
    dev_item.refresh_from_db()
    assert (dev_item.title, dev_item.version) == ("Pat's title", 2)


def test_a_stale_plan_item_form_shows_the_current_values_and_overwrites_nothing(
    client_for, pm, dev_coordinator, dev_item
):
    url = reverse("goals:plan_item_edit", args=[dev_item.pk])
    pat, dana = client_for(pm), client_for(dev_coordinator)
    stale = item_payload(dev_item)  # both opened the form at version 1
    assert pat.post(url, {**stale, "title": "Pat's title"}).status_code == 302
    response = dana.post(url, {**stale, "title": "Dana's title"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this plan item" in page
    assert 'data-testid="version-conflict"' in page and "Pat&#x27;s title" in page
    assert 'name="version" value="2"' in page  # saving again is a deliberate overwrite
    dev_item.refresh_from_db()
    assert dev_item.title == "Pat's title"


def test_the_second_of_two_concurrent_goal_edits_is_refused(
    client_for, pm, dev_coordinator, dev_goal
):
    url = reverse("goals:goal_edit", args=[dev_goal.pk])
    payload = {
        "title": dev_goal.title,
        "description": "",
        "department": dev_goal.department_id,
        "owner": dev_goal.owner_id,
        "metric": dev_goal.metric,
        "unit": dev_goal.unit,
        "baseline": "0",
        "direction": "up",
        "target": "12",
        "start": "2026-01-01",
        "due": "2026-03-31",
        "objective": dev_goal.objective_id,
        "plan": dev_goal.plan_id,
        "version": dev_goal.version,
    }
    assert client_for(pm).post(url, {**payload, "target": "15"}).status_code == 302
    response = client_for(dev_coordinator).post(url, {**payload, "target": "20"})
    assert response.status_code == 409
    assert "Someone else saved this goal" in response.content.decode()
    assert "15" in dict(response.context["conflict"]).values().__repr__()
    dev_goal.refresh_from_db()
    assert (dev_goal.target, dev_goal.version) == (15, 2)


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_in_two_transactions_let_exactly_one_win(departments):
    import threading

    from django.db import connection

    from tests.factories import make_pm

    pm = make_pm("pat.concurrent")
    item = PlanItemFactory(department=departments["dev"], title="Start")
    barrier = threading.Barrier(2)
    outcomes = []

    def edit(title):
        try:
            barrier.wait()
            services.plan_item_update(actor=pm, item=item, version=1, title=title)
            outcomes.append("saved")
        except services.VersionConflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(name,)) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    item.refresh_from_db()
    assert sorted(outcomes) == ["refused", "saved"]
    assert item.version == 2 and item.title in ("A", "B")


def test_goals_keep_their_department_after_a_refused_edit(dev_goal):
    assert Goal.objects.get(pk=dev_goal.pk).department == dev_goal.department


def test_the_plan_item_form_offers_owners_of_the_department_and_plan_team_only(
    client_for, plan, departments, dev_coordinator, dev_member, sales_member, marketing_coordinator
):
    client = client_for(dev_coordinator)
    page = client.get(reverse("goals:plan_item_create") + f"?plan={plan.pk}")
    owners = {user.pk for user in page.context["form"].fields["owner"].queryset}
    assert {dev_member.pk, dev_coordinator.pk, marketing_coordinator.pk} <= owners
    assert sales_member.pk not in owners

    # A hand-made POST naming someone outside both is refused beside the field.
    response = client.post(
        reverse("goals:plan_item_create") + f"?plan={plan.pk}",
        item_payload(plan=plan.pk, department=departments["dev"].pk, owner=sales_member.pk),
    )
    assert response.status_code in (200, 400)
    assert "owner" in response.context["form"].errors
    assert not PlanItem.objects.filter(title="Core functions").exists()
