"""Nothing with history is deleted by accident (docs/architecture.md): the database refuses
to delete plans, departments, users, reviews with findings, findings of closed reviews and
carried plan items; the admin says why; archiving a plan or a department leaves them out of
the choices and keeps past carry-over rates as they were."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from goals.models import PlanItem
from planbridge import services
from planbridge.forms import PlanForm
from planbridge.models import Department, Plan
from reviews.models import Finding, Review
from reviews.selectors import bridge_counts
from tests.factories import PlanFactory
from tests.goals.factories import PlanItemFactory
from tests.meetings.factories import AskFactory
from tests.reviews.factories import CarryoverFactory, FindingFactory, ReviewFactory

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
DAY = datetime.timedelta(days=1)


def test_a_plan_with_items_is_not_deleted(plan, departments):
    PlanItemFactory(plan=plan, department=departments["dev"])
    with pytest.raises(ProtectedError):
        plan.delete()
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_a_department_with_members_is_not_deleted(dev_member, departments):
    with pytest.raises(ProtectedError):
        departments["dev"].delete()
    assert Department.objects.filter(pk=departments["dev"].pk).exists()


def test_a_user_owning_plan_items_is_not_deleted(dev_member, departments):
    dev_member.memberships.all().delete()  # only the item is left to protect them
    PlanItemFactory(department=departments["dev"], owner=dev_member)
    with pytest.raises(ProtectedError):
        dev_member.delete()
    dev_member.refresh_from_db()


def test_a_review_with_findings_is_not_deleted(pm, plan, departments):
    review = ReviewFactory(plan=plan, facilitator=pm)
    FindingFactory(review=review, department=departments["dev"])
    with pytest.raises(ProtectedError):
        review.delete()
    assert Review.objects.filter(pk=review.pk).exists()


def test_a_carried_plan_item_is_not_deleted(pm, plan, departments):
    finding = FindingFactory(
        review=ReviewFactory(plan=plan, facilitator=pm), department=departments["dev"]
    )
    carryover = CarryoverFactory(finding=finding)
    with pytest.raises(ProtectedError):
        carryover.plan_item.delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's (reviews 0009)"
)
def test_the_database_refuses_to_delete_a_finding_of_a_closed_review(pm, plan, departments):
    finding = FindingFactory(
        review=ReviewFactory(plan=plan, facilitator=pm, closed=True), department=departments["dev"]
    )
    with pytest.raises(IntegrityError, match="closed review"), transaction.atomic():
        Finding.objects.filter(pk=finding.pk).delete()
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_the_database_lets_a_finding_of_an_open_review_go(pm, plan, departments):
    finding = FindingFactory(
        review=ReviewFactory(plan=plan, facilitator=pm), department=departments["dev"]
    )
    finding.delete()
    assert not Finding.objects.filter(pk=finding.pk).exists()


# ---------------------------------------------------------------------------- the admin


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("ada.admin", "ada@example.com", "pw")


def test_the_admin_says_why_a_plan_with_items_is_not_deleted(
    client_for, admin_user, plan, departments
):
    item = PlanItemFactory(plan=plan, department=departments["dev"], title="Core module A")
    url = reverse("admin:planbridge_plan_delete", args=[plan.pk])
    response = client_for(admin_user).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in html
    assert item.title in html
    assert client_for(admin_user).post(url, {"post": "yes"}).status_code == 200
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_the_admin_offers_no_delete_for_a_closed_reviews_finding(
    client_for, admin_user, pm, plan, departments
):
    finding = FindingFactory(
        review=ReviewFactory(plan=plan, facilitator=pm, closed=True), department=departments["dev"]
    )
    client = client_for(admin_user)
    change = client.get(reverse("admin:reviews_finding_change", args=[finding.pk]))
    assert change.status_code == 200
    assert "its findings are kept" in change.content.decode()
    assert reverse("admin:reviews_finding_delete", args=[finding.pk]) not in change.content.decode()
    assert (
        client.post(
            reverse("admin:reviews_finding_delete", args=[finding.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_the_admin_deactivates_a_user_instead(client_for, admin_user, dev_member):
    response = client_for(admin_user).post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [dev_member.pk]},
        follow=True,
    )
    assert response.status_code == 200
    dev_member.refresh_from_db()
    assert not dev_member.is_active


def test_the_admin_archive_action_names_the_open_work(client_for, admin_user, departments):
    AskFactory(from_department=departments["dev"], to_department=departments["sales"])
    response = client_for(admin_user).post(
        reverse("admin:planbridge_department_changelist"),
        {"action": "archive_departments", "_selected_action": [departments["sales"].pk]},
        follow=True,
    )
    assert "asks waiting for an answer or to be done: 1" in response.content.decode()
    assert Department.objects.get(pk=departments["sales"].pk).archived_at is None


def test_the_admin_merges_departments_after_a_page_naming_what_happens(
    client_for, admin_user, departments, sales_member
):
    client = client_for(admin_user)
    url = reverse("admin:planbridge_department_changelist")
    chosen = {"action": "merge_departments", "_selected_action": [departments["sales"].pk]}
    page = client.post(url, chosen)
    assert page.status_code == 200
    assert "findings of closed reviews" in page.content.decode()
    assert Department.objects.get(pk=departments["sales"].pk).archived_at is None
    client.post(url, chosen | {"target": departments["marketing"].pk}, follow=True)
    sales = Department.objects.get(pk=departments["sales"].pk)
    assert sales.merged_into == departments["marketing"] and sales.archived_at is not None
    assert sales_member.memberships.filter(department=departments["marketing"]).exists()


# ---------------------------------------------------------------------------- archiving


def test_archived_plans_and_departments_leave_the_choices(client_for, pm, plan, departments):
    old = PlanFactory(title="Last year's launch", owner=pm)
    services.plan_archive(actor=pm, plan=old)
    services.department_archive(actor=pm, department=departments["sales"])
    dashboard = client_for(pm).get(reverse("dashboard"))
    plans = [str(value) for value, _label in dashboard.context["form"].fields["plan"].choices]
    assert str(plan.pk) in plans and str(old.pk) not in plans
    item_form = client_for(pm).get(reverse("goals:plan_item_create")).context["form"]
    assert departments["sales"] not in item_form.fields["department"].queryset
    assert old not in item_form.fields["plan"].queryset
    listed = client_for(pm).get(reverse("plan_list")).context["plans"]
    assert old not in listed and plan in listed
    assert old in client_for(pm).get(reverse("plan_list"), {"archived": "1"}).context["plans"]


def test_an_archived_plans_dashboard_still_opens_by_its_link(client_for, pm, plan):
    services.plan_archive(actor=pm, plan=plan)
    response = client_for(pm).get(reverse("dashboard"), {"plan": plan.pk})
    assert response.status_code == 200 and response.context["scope"].plan == plan


@pytest.fixture
def past_month(pm, plan, departments):
    """March's closed review of the plan: Sales carried one of two findings in time."""
    review = ReviewFactory(
        month=MARCH,
        plan=plan,
        facilitator=pm,
        status=Review.Status.CLOSED,
        closed_at=timezone.now() - 30 * DAY,
    )
    carried = FindingFactory(review=review, department=departments["sales"])
    CarryoverFactory(
        finding=carried, accepted_at=review.closed_at, plan_item__status=PlanItem.Status.DONE
    )
    FindingFactory(
        review=review,
        department=departments["sales"],
        dismissed_at=review.closed_at,
        dismissed_by=pm,
        dismissal_reason="Not ours",
    )
    FindingFactory(review=review, department=departments["dev"])
    return review


def _march(client, plan):
    response = client.get(
        reverse("dashboard"), {"plan": plan.pk, "month_from": "2026-03", "month_to": "2026-03"}
    )
    assert response.status_code == 200
    rows = {row.department.slug: row.rate for row in response.context["rows"]}
    return rows, response.context["total"]


def test_archiving_the_plan_and_a_department_keeps_the_past_months_rate(
    client_for, pm, plan, departments, past_month
):
    client = client_for(pm)
    before = bridge_counts(month_from=MARCH, month_to=MARCH)
    rows_before, total_before = _march(client, plan)
    assert (rows_before["sales"].in_time, rows_before["sales"].due) == (2, 2)

    services.plan_archive(actor=pm, plan=plan)
    services.department_archive(actor=pm, department=departments["sales"])

    after = bridge_counts(month_from=MARCH, month_to=MARCH)
    assert after.rates == before.rates
    rows_after, total_after = _march(client, plan)
    assert rows_after == rows_before and total_after == total_before
    archived_row = next(
        r
        for r in client.get(
            reverse("dashboard"), {"plan": plan.pk, "month_from": "2026-03", "month_to": "2026-03"}
        ).context["rows"]
        if r.department.slug == "sales"
    )
    assert archived_row.archived


def test_merging_a_department_keeps_the_past_months_rate(
    client_for, pm, plan, departments, past_month
):
    before = bridge_counts(month_from=MARCH, month_to=MARCH)
    services.department_merge(actor=pm, source=departments["sales"], target=departments["dev"])
    assert bridge_counts(month_from=MARCH, month_to=MARCH).rates == before.rates


def test_an_archived_department_without_past_findings_leaves_the_dashboard(
    client_for, pm, plan, departments
):
    services.department_archive(actor=pm, department=departments["marketing"])
    rows = client_for(pm).get(reverse("dashboard")).context["rows"]
    assert departments["marketing"] not in {row.department for row in rows}


def test_the_plan_form_offers_active_users_only(pm, dev_member):
    services.user_deactivate(actor=pm, user=dev_member)
    assert dev_member not in PlanForm().fields["owner"].queryset


def test_archived_departments_leave_the_finding_ask_and_action_choices(pm, departments):
    from meetings.forms import ActionItemForm, AskForm
    from reviews.forms import CarryNewItemForm, FindingForm

    services.department_archive(actor=pm, department=departments["sales"])
    sales = departments["sales"]
    assert sales not in FindingForm().fields["department"].queryset
    assert sales not in AskForm.base_fields["to_department"].queryset
    assert sales not in ActionItemForm.base_fields["department"].queryset
    assert sales not in CarryNewItemForm.base_fields["department"].queryset
    kept = FindingForm(instance=Finding(department=sales)).fields["department"].queryset
    assert sales in kept
