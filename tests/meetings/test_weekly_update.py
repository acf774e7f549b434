"""The "This week" page: a coordinator's weekly update with plan-item statuses, one per
department and week (and plan), editable during the week, history kept, concurrent edits
refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from goals.models import PlanItem
from meetings.models import WeeklyUpdate
from meetings.services import weekly_update_submit
from planbridge.periods import today

from ..goals.factories import PlanItemFactory
from .factories import WeeklyUpdateFactory

URL = reverse("meetings:this_week")


def post_update(client, *, department, plan=None, version=0, **fields):
    data = {
        "progress": "Core module done",
        "next_week": "Testing",
        "problems": "",
        "version": version,
    }
    data.update(fields)
    query = f"?department={department.pk}&plan={plan.pk if plan else 'none'}"
    return client.post(URL + query, data)


def test_a_coordinator_submits_the_week_update(client_for, dev_coordinator, departments, week):
    response = post_update(client_for(dev_coordinator), department=departments["dev"])

    assert response.status_code == 302
    update = WeeklyUpdate.objects.get()
    assert (update.department, update.week, update.plan, update.version) == (
        departments["dev"],
        week,
        None,
        1,
    )
    assert update.progress == "Core module done"
    assert update.author == dev_coordinator


def test_editing_keeps_one_update_per_week_and_its_history(
    client_for, dev_coordinator, departments
):
    client = client_for(dev_coordinator)
    post_update(client, department=departments["dev"])
    post_update(client, department=departments["dev"], version=1, progress="Core module tested")

    update = WeeklyUpdate.objects.get()
    assert update.version == 2
    assert update.progress == "Core module tested"
    assert [h.progress for h in update.history.order_by("history_date")] == [
        "Core module done",
        "Core module tested",
    ]
    detail = client.get(reverse("meetings:update_detail", args=[update.pk]))
    assert "Core module done" in detail.content.decode()


def test_a_concurrent_edit_is_refused_with_a_clear_message(
    client_for, dev_coordinator, departments
):
    client = client_for(dev_coordinator)
    post_update(client, department=departments["dev"])
    post_update(client, department=departments["dev"], version=1, progress="Saved by a colleague")

    # This browser opened the page at version 1, before the colleague saved version 2.
    response = post_update(client, department=departments["dev"], version=1, progress="Mine")

    assert response.status_code == 400
    assert "Someone else saved this weekly update after you opened it" in response.content.decode()
    assert WeeklyUpdate.objects.get().progress == "Saved by a colleague"


def test_a_second_first_submission_is_refused_as_a_concurrent_edit(
    dev_coordinator, departments, week
):
    weekly_update_submit(
        actor=dev_coordinator,
        department=departments["dev"],
        week=week,
        progress="First",
        next_week="",
        problems="",
        version=0,
    )
    with pytest.raises(ValidationError, match="Someone else saved"):
        weekly_update_submit(
            actor=dev_coordinator,
            department=departments["dev"],
            week=week,
            progress="Second",
            next_week="",
            problems="",
            version=0,
        )
    assert WeeklyUpdate.objects.get().progress == "First"


def test_the_update_sets_statuses_of_the_department_current_plan_items(
    client_for, dev_coordinator, departments
):
    item = PlanItemFactory(department=departments["dev"], title="Core function")
    other = PlanItemFactory(department=departments["dev"], title="API docs")
    client = client_for(dev_coordinator)
    page = client.get(URL)
    assert "Core function" in page.content.decode()

    post_update(
        client,
        department=departments["dev"],
        **{f"status_{item.pk}": "blocked", f"status_{other.pk}": "planned"},
    )

    item.refresh_from_db()
    other.refresh_from_db()
    assert item.status == PlanItem.Status.BLOCKED
    assert other.status == PlanItem.Status.PLANNED
    assert other.version == 1  # unchanged items are not written


def test_a_wrong_plan_item_status_is_a_form_error_and_nothing_is_saved(
    client_for, dev_coordinator, departments
):
    item = PlanItemFactory(department=departments["dev"])
    response = post_update(
        client_for(dev_coordinator), department=departments["dev"], **{f"status_{item.pk}": "lost"}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not WeeklyUpdate.objects.exists()


def test_an_empty_update_is_refused(client_for, dev_coordinator, departments):
    response = post_update(
        client_for(dev_coordinator), department=departments["dev"], progress=" ", next_week=""
    )

    assert response.status_code == 400
    assert "Write at least one of progress" in response.content.decode()
    assert not WeeklyUpdate.objects.exists()


def test_a_missing_version_is_a_form_error(client_for, dev_coordinator, departments):
    response = post_update(client_for(dev_coordinator), department=departments["dev"], version="x")
    assert response.status_code == 400
    assert not WeeklyUpdate.objects.exists()


@pytest.mark.parametrize(
    "who, status", [("dev_member", 403), ("pm", 403), ("marketing_coordinator", 404)]
)
def test_only_the_department_coordinators_write_its_update(
    request, client_for, departments, who, status
):
    user = request.getfixturevalue(who)
    response = post_update(client_for(user), department=departments["dev"])
    # A member sees their department read-only; others cannot even choose it (404), and the
    # PM may view it but not write it.
    assert response.status_code in (403, 404)
    assert response.status_code == status
    assert not WeeklyUpdate.objects.exists()


def test_the_pm_reads_a_department_week_without_a_form(client_for, pm, departments):
    WeeklyUpdateFactory(department=departments["dev"], progress="Shown to the PM")
    response = client_for(pm).get(URL + f"?department={departments['dev'].pk}&plan=none")
    assert response.status_code == 200
    assert "Shown to the PM" in response.content.decode()
    assert "weekly-update-form" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(anon):
    response = anon.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("query", ["?department=abc", "?department=999999", "?plan=xyz", "?plan=0"])
def test_bad_ids_in_the_query_string_are_not_found(client_for, dev_coordinator, query):
    assert client_for(dev_coordinator).get(URL + query).status_code == 404


def test_last_week_update_cannot_be_changed(dev_coordinator, departments, week):
    last_week = week - datetime.timedelta(days=7)
    WeeklyUpdateFactory(department=departments["dev"], week=last_week, author=dev_coordinator)
    with pytest.raises(ValidationError, match="Only the current week"):
        weekly_update_submit(
            actor=dev_coordinator,
            department=departments["dev"],
            week=last_week,
            progress="Late edit",
            next_week="",
            problems="",
            version=1,
        )


def test_the_service_refuses_a_member(dev_member, departments, week):
    with pytest.raises(PermissionDenied):
        weekly_update_submit(
            actor=dev_member,
            department=departments["dev"],
            week=week,
            progress="x",
            next_week="",
            problems="",
            version=0,
        )


def test_one_update_per_plan_and_week(client_for, dev_coordinator, departments, running_plan):
    client = client_for(dev_coordinator)
    post_update(client, department=departments["dev"], plan=running_plan)
    post_update(client, department=departments["dev"])

    assert WeeklyUpdate.objects.filter(department=departments["dev"]).count() == 2
    # Without a plan in the query, the page picks the running plan the department is in.
    page = client.get(URL)
    assert page.context["overview"].plan == running_plan


def _plan_starting_next_month(pm, team):
    """A plan created today that starts on the first 1st after this week (so in no day of
    it, even when the week runs into next month)."""
    from planbridge.periods import add_months, month_end, month_start, week_start

    from ..factories import PlanFactory

    sunday = week_start(today()) + datetime.timedelta(days=6)
    start = add_months(month_start(sunday), 1)
    plan = PlanFactory(title="R&D and launch", owner=pm, start=start, end=month_end(start))
    plan.team.set(team)
    return plan


def test_the_switcher_offers_and_picks_a_plan_starting_next_month(
    client_for, pm, dev_coordinator, departments
):
    # Created today, the plan owns this week's preparation (docs/architecture.md "Periods").
    plan = _plan_starting_next_month(pm, [pm, dev_coordinator])
    client = client_for(dev_coordinator)
    page = client.get(URL)
    assert page.context["plans"] == [plan]
    assert page.context["overview"].plan == plan
    assert (
        f'<option value="{plan.pk}" selected>R&amp;D and launch</option>' in page.content.decode()
    )
    response = post_update(client, department=departments["dev"], plan=plan)
    assert response.status_code == 302
    assert WeeklyUpdate.objects.get().plan == plan


def test_a_running_plan_comes_before_one_preparing(
    client_for, pm, dev_coordinator, departments, running_plan
):
    upcoming = _plan_starting_next_month(pm, [pm, dev_coordinator])
    page = client_for(dev_coordinator).get(URL)
    assert page.context["plans"] == [running_plan, upcoming]
    assert page.context["overview"].plan == running_plan


def test_a_plan_that_does_not_own_the_week_is_not_found(
    client_for, pm, dev_coordinator, departments
):
    from planbridge.periods import add_months, month_end, month_start

    from ..factories import PlanFactory

    start = add_months(month_start(today()), -6)
    ended = PlanFactory(owner=pm, start=start, end=month_end(add_months(start, 1)))
    ended.team.set([dev_coordinator])
    client = client_for(dev_coordinator)
    assert ended not in client.get(URL).context["plans"]
    response = post_update(client, department=departments["dev"], plan=ended)
    assert response.status_code == 404
    assert not WeeklyUpdate.objects.exists()


@pytest.mark.parametrize("size", [5, 120])
def test_the_page_runs_a_bounded_number_of_queries(
    client_for, dev_coordinator, departments, django_assert_max_num_queries, size
):
    dev = departments["dev"]
    WeeklyUpdateFactory(department=dev, author=dev_coordinator)
    for n in range(size):
        PlanItemFactory(department=dev, due=today() + datetime.timedelta(days=n % 10))
        WeeklyUpdateFactory(
            department=dev,
            week=today() - datetime.timedelta(days=7 * (n + 1)),
            author=dev_coordinator,
        )
    client = client_for(dev_coordinator)
    # session + user + profile (middleware), memberships (departments), default plan, update,
    # current plan items, asks to us, asks from us, earlier updates, meetings, my actions,
    # plans owning the week, roles + PM group (navigation), asks badge: about 17, whatever the
    # size.
    with django_assert_max_num_queries(20):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="plan-item-row"') == size


def test_the_pm_sees_who_has_not_submitted_and_can_open_the_week_meeting(
    client_for, pm, departments
):
    WeeklyUpdateFactory(department=departments["dev"], progress="Submitted")
    body = client_for(pm).get(URL).content.decode()
    missing = body[body.index('data-testid="week-missing"') :]
    missing = missing[: missing.index("</section>")]
    assert "Marketing" in missing and "Sales" in missing and "Product Development" not in missing
    assert f'href="?department={departments["sales"].pk}&amp;plan=none"' in missing
    assert 'data-testid="new-meeting"' in body


def test_a_coordinator_page_offers_no_new_meeting_and_points_to_asks(
    client_for, dev_coordinator, departments
):
    body = client_for(dev_coordinator).get(URL).content.decode()
    assert 'data-testid="new-meeting"' not in body
    assert "raise an ask" in body  # the hint under problems and blockers


def test_my_overdue_action_items_are_marked(client_for, dev_member):
    from .factories import ActionItemFactory, MeetingFactory

    meeting = MeetingFactory(date=today() - datetime.timedelta(days=10))
    ActionItemFactory(meeting=meeting, owner=dev_member, due=today() - datetime.timedelta(days=1))
    body = client_for(dev_member).get(URL).content.decode()
    mine = body[body.index('data-testid="my-action-items"') :]
    assert "Overdue" in mine[: mine.index("</section>")]


def test_a_plan_item_status_changed_by_someone_else_meanwhile_is_not_overwritten(
    client_for, dev_coordinator, pm, departments
):
    from goals.services import plan_item_set_status

    item = PlanItemFactory(department=departments["dev"], title="Core function")
    client = client_for(dev_coordinator)
    page = client.get(URL).content.decode()
    assert f'name="shown_{item.pk}" value="planned"' in page
    # The PM blocks the item while the coordinator's page is open.
    plan_item_set_status(actor=pm, item=item, status=PlanItem.Status.BLOCKED)

    # The coordinator moves it to "in progress" from the stale page: refused, nothing saved.
    response = post_update(
        client,
        department=departments["dev"],
        **{f"status_{item.pk}": "in_progress", f"shown_{item.pk}": "planned"},
    )
    assert response.status_code == 400
    assert "Someone else changed the status of “Core function”" in response.content.decode()
    item.refresh_from_db()
    assert item.status == PlanItem.Status.BLOCKED
    assert not WeeklyUpdate.objects.exists()

    # Leaving the status as it was shown does not undo the PM's change either.
    response = post_update(
        client,
        department=departments["dev"],
        **{f"status_{item.pk}": "planned", f"shown_{item.pk}": "planned"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == PlanItem.Status.BLOCKED
