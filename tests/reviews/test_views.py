"""Review pages: who may do what, bad input answered with a message and nothing saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Carryover, Finding, Review

from .conftest import APRIL, MARCH
from .factories import FindingFactory, ReviewFactory


def test_anonymous_visitors_are_sent_to_login(anon, review, dev_finding):
    for url in [
        reverse("reviews:review_list"),
        reverse("reviews:review_detail", args=[review.pk]),
        reverse("reviews:finding_detail", args=[dev_finding.pk]),
        reverse("reviews:finding_list"),
        reverse("trace", args=["finding", dev_finding.pk]),
    ]:
        response = anon.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_members_read_reviews_and_findings(client_for, sales_member, review, dev_finding):
    client = client_for(sales_member)
    page = client.get(reverse("reviews:review_detail", args=[review.pk]))
    assert page.status_code == 200 and dev_finding.title in page.content.decode()
    finding_page = client.get(reverse("reviews:finding_detail", args=[dev_finding.pk])).content
    assert b"Dismiss finding" not in finding_page and b"Carry into new item" not in finding_page


def test_a_pm_creates_opens_and_closes_a_review(client_for, pm, plan):
    client = client_for(pm)
    response = client.post(reverse("reviews:review_create"), {"month": "2026-03", "plan": plan.pk})
    review = Review.objects.get()
    assert response.status_code == 302 and review.month == MARCH
    client.post(reverse("reviews:review_open", args=[review.pk]))
    client.post(reverse("reviews:review_close", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == Review.Status.CLOSED and review.closed_at is not None


def test_a_coordinator_cannot_create_open_or_close_reviews(
    client_for, dev_coordinator, plan, review
):
    client = client_for(dev_coordinator)
    assert client.post(reverse("reviews:review_create"), {"month": "2026-05"}).status_code == 403
    assert client.post(reverse("reviews:review_close", args=[review.pk])).status_code == 403
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN and Review.objects.count() == 1


@pytest.mark.parametrize("month", ["", "March", "2026-13", "2026-02-30"])
def test_a_bad_month_is_refused_with_a_message(client_for, pm, month):
    response = client_for(pm).post(reverse("reviews:review_create"), {"month": month})
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_a_duplicate_review_is_refused_on_the_form(client_for, pm, review):
    response = client_for(pm).post(
        reverse("reviews:review_create"), {"month": "2026-03", "plan": review.plan_id}
    )
    assert response.status_code == 400 and b"already a review" in response.content


def test_unknown_ids_are_404(client_for, pm):
    client = client_for(pm)
    assert client.get(reverse("reviews:review_detail", args=[999999])).status_code == 404
    assert client.get(reverse("reviews:finding_detail", args=[999999])).status_code == 404
    assert client.get(reverse("trace", args=["finding", 999999])).status_code == 404
    assert client.get("/trace/galaxy/1/").status_code == 404


def test_a_pm_records_a_typed_finding(client_for, pm, review, departments):
    response = client_for(pm).post(
        reverse("reviews:finding_create", args=[review.pk]),
        {
            "kind": "lesson",
            "title": "Meet weekly",
            "detail": "",
            "department": departments["marketing"].pk,
            "severity": "low",
        },
    )
    finding = Finding.objects.get()
    assert response.status_code == 302 and finding.kind == "lesson"


def test_a_typed_finding_without_title_or_with_a_wrong_kind_is_refused(
    client_for, pm, review, departments
):
    response = client_for(pm).post(
        reverse("reviews:finding_create", args=[review.pk]),
        {"kind": "gossip", "title": "", "department": departments["dev"].pk, "severity": "low"},
    )
    assert response.status_code == 400 and not Finding.objects.exists()


def test_a_coordinator_cannot_record_findings(client_for, dev_coordinator, review, departments):
    response = client_for(dev_coordinator).post(
        reverse("reviews:finding_create", args=[review.pk]),
        {"kind": "lesson", "title": "x", "department": departments["dev"].pk, "severity": "low"},
    )
    assert response.status_code == 403 and not Finding.objects.exists()


def test_evidence_that_is_not_in_the_month_makes_no_finding(client_for, pm, review):
    for data in [
        {"evidence_kind": "plan_item", "evidence_object_id": "999999"},
        {"evidence_kind": "nonsense", "evidence_object_id": "x"},
        {},
    ]:
        url = reverse("reviews:finding_from_evidence", args=[review.pk])
        opened = client_for(pm).get(url, data, follow=True)
        assert b"not part of this review" in opened.content
        posted = client_for(pm).post(
            url, {**data, "kind": "problem", "title": "x", "severity": "low"}, follow=True
        )
        assert posted.status_code == 400 and b"not part of this review" in posted.content
    assert not Finding.objects.exists()


def test_carrying_through_the_page_into_the_same_month_is_refused_with_a_message(
    client_for, pm, dev_finding, item_factory, departments
):
    same_month = item_factory(departments["dev"], month=MARCH)
    response = client_for(pm).post(
        reverse("reviews:finding_carry", args=[dev_finding.pk]), {"plan_item": same_month.pk}
    )
    assert response.status_code == 400 and "later month" in response.content.decode()
    assert not Carryover.objects.exists()


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_carrying_into_a_missing_item_is_refused(client_for, pm, dev_finding, value):
    response = client_for(pm).post(
        reverse("reviews:finding_carry", args=[dev_finding.pk]), {"plan_item": value}
    )
    assert response.status_code == 400 and not Carryover.objects.exists()


def test_a_coordinator_carries_their_finding_into_their_items_from_the_page(
    client_for, dev_coordinator, dev_finding, item_factory, departments
):
    item = item_factory(departments["dev"], month=APRIL)
    response = client_for(dev_coordinator).post(
        reverse("reviews:finding_carry", args=[dev_finding.pk]), {"plan_item": item.pk}
    )
    assert response.status_code == 302
    assert Carryover.objects.get().accepted_at is not None


def test_a_coordinator_of_another_department_may_not_carry(
    client_for, sales_coordinator, dev_finding, item_factory, departments
):
    item = item_factory(departments["sales"], month=APRIL)
    response = client_for(sales_coordinator).post(
        reverse("reviews:finding_carry", args=[dev_finding.pk]), {"plan_item": item.pk}
    )
    assert response.status_code == 403 and not Carryover.objects.exists()


def test_a_pm_carries_into_a_new_next_month_item_for_another_department(
    client_for, pm, recent_finding, departments, marketing_coordinator, this_month
):
    response = client_for(pm).post(
        reverse("reviews:finding_carry_new", args=[recent_finding.pk]),
        {
            "department": departments["marketing"].pk,
            "title": "Warm up the launch after the release date is firm",
            "month": f"{this_month:%Y-%m}",
            "owner": marketing_coordinator.pk,
        },
    )
    assert response.status_code == 302
    carryover = Carryover.objects.select_related("plan_item").get()
    item = carryover.plan_item
    assert item.department == departments["marketing"] and item.owner == marketing_coordinator
    assert item.month == this_month and item.plan == recent_finding.review.plan
    assert carryover.accepted_at is not None


def test_a_new_item_in_the_review_month_is_refused_and_nothing_is_created(
    client_for, pm, dev_finding, departments
):
    response = client_for(pm).post(
        reverse("reviews:finding_carry_new", args=[dev_finding.pk]),
        {"department": departments["dev"].pk, "title": "Too early", "month": "2026-03"},
    )
    assert response.status_code == 400 and "later month" in response.content.decode()
    assert not Carryover.objects.exists()
    from goals.models import PlanItem

    assert not PlanItem.objects.filter(title="Too early").exists()


def test_a_coordinator_proposes_a_new_item_that_the_other_coordinator_accepts(
    client_for, dev_coordinator, marketing_coordinator, recent_finding, departments, this_month
):
    client_for(dev_coordinator).post(
        reverse("reviews:finding_carry_new", args=[recent_finding.pk]),
        {
            "department": departments["marketing"].pk,
            "title": "Delay the campaign",
            "month": f"{this_month:%Y-%m}",
        },
    )
    assert not Carryover.objects.exists()
    proposal = recent_finding.proposals.get()
    listing = client_for(marketing_coordinator).get(reverse("reviews:review_list")).content
    assert b"Delay the campaign" in listing
    accept = reverse("reviews:proposal_accept", args=[proposal.pk])
    chosen = {"owner": marketing_coordinator.pk, "month": f"{this_month:%Y-%m}"}
    assert client_for(dev_coordinator).post(accept, chosen).status_code == 403
    client_for(marketing_coordinator).post(accept, chosen)
    carryover = Carryover.objects.select_related("plan_item").get()
    assert carryover.plan_item.department == departments["marketing"]
    assert carryover.plan_item.owner == marketing_coordinator
    assert carryover.plan_item.plan == recent_finding.review.plan
    assert carryover.created_by == dev_coordinator
    assert carryover.accepted_by == marketing_coordinator
    assert not recent_finding.proposals.exists()


def test_dismissing_without_a_reason_shows_the_form_again(client_for, pm, dev_finding):
    response = client_for(pm).post(
        reverse("reviews:finding_dismiss", args=[dev_finding.pk]), {"reason": "   "}
    )
    assert response.status_code == 400 and b"why the finding is dismissed" in response.content
    dev_finding.refresh_from_db()
    assert dev_finding.dismissed_at is None


def test_only_a_pm_dismisses_through_the_page(client_for, dev_coordinator, dev_finding):
    response = client_for(dev_coordinator).post(
        reverse("reviews:finding_dismiss", args=[dev_finding.pk]), {"reason": "meh"}
    )
    assert response.status_code == 403


def test_the_review_page_shows_each_disposition(client_for, pm, plan, departments, item_factory):
    from django.utils import timezone

    closed = ReviewFactory(
        month=MARCH,
        plan=plan,
        facilitator=pm,
        status="closed",
        closed_at=timezone.now() - datetime.timedelta(days=2),
    )
    carried = FindingFactory(review=closed, department=departments["dev"], title="Carried one")
    item = item_factory(departments["dev"], month=APRIL, title="April fix")
    Carryover.objects.create(
        finding=carried, plan_item=item, created_by=pm, accepted_by=pm, accepted_at=timezone.now()
    )
    FindingFactory(
        review=closed,
        department=departments["dev"],
        dismissed_at=timezone.now(),
        dismissed_by=pm,
        dismissal_reason="Solved by itself",
    )
    FindingFactory(review=closed, department=departments["sales"], title="Open one")
    html = client_for(pm).get(reverse("reviews:review_detail", args=[closed.pk])).content.decode()
    assert "April fix" in html
    assert "Solved by itself" in html
    assert "4 days left" in html


def test_the_plan_item_fragment_lists_the_findings_it_came_from(
    client_for, sales_member, pm, dev_finding, item_factory, departments
):
    item = item_factory(departments["dev"], month=APRIL)
    Carryover.objects.create(finding=dev_finding, plan_item=item, created_by=pm)
    html = (
        client_for(sales_member)
        .get(reverse("reviews:plan_item_findings", args=[item.pk]))
        .content.decode()
    )
    assert dev_finding.title in html and "review of 2026-03" in html


def test_findings_with_carryovers_cannot_be_deleted_through_the_page(
    client_for, pm, dev_finding, item_factory, departments
):
    item = item_factory(departments["dev"], month=APRIL)
    Carryover.objects.create(finding=dev_finding, plan_item=item, created_by=pm)
    response = client_for(pm).post(
        reverse("reviews:finding_delete", args=[dev_finding.pk]), follow=True
    )
    assert b"cannot be deleted" in response.content
    assert Finding.objects.filter(pk=dev_finding.pk).exists()


@pytest.mark.parametrize(
    "query", ["state=bogus", "month_from=2026-99", "department=abc", "plan=999999", "page=zz"]
)
def test_the_findings_list_reports_bad_filters(client_for, pm, dev_finding, query):
    response = client_for(pm).get(reverse("reviews:finding_list") + "?" + query)
    assert response.status_code in (200, 400)
    if "page" not in query:
        assert response.status_code == 400 and b"not understood" in response.content


def test_the_plan_item_page_loads_the_findings_it_came_from(
    client_for, sales_member, item_factory, departments
):
    item = item_factory(departments["dev"], month=APRIL)
    html = client_for(sales_member).get(reverse("goals:plan_item_detail", args=[item.pk]))
    assert reverse("reviews:plan_item_findings", args=[item.pk]) in html.content.decode()


def test_the_plan_document_summarises_each_review_and_where_its_findings_went(
    client_for, pm, plan, departments, item_factory
):
    from django.utils import timezone

    review = ReviewFactory(month=MARCH, plan=plan, facilitator=pm, closed=True)
    finding = FindingFactory(review=review, department=departments["dev"], title="Beta late")
    item = item_factory(departments["marketing"], month=APRIL, title="Delay the campaign")
    Carryover.objects.create(
        finding=finding, plan_item=item, created_by=pm, accepted_by=pm, accepted_at=timezone.now()
    )
    FindingFactory(
        review=review,
        department=departments["sales"],
        title="Good research",
        dismissed_at=timezone.now(),
        dismissed_by=pm,
        dismissal_reason="Nothing to do",
    )
    client = client_for(pm)
    html = client.get(reverse("plan_document", args=[plan.pk])).content.decode()
    assert "Review of 2026-03" in html and "Delay the campaign" in html and "Nothing to do" in html
    markdown = client.get(reverse("plan_document_markdown", args=[plan.pk])).content.decode()
    assert "Beta late" in markdown and "carried into Delay the campaign" in markdown
    assert "dismissed: Nothing to do" in markdown


@pytest.mark.parametrize("size", [3, 40])
def test_the_plan_document_summary_takes_a_fixed_number_of_queries(
    plan, pm, departments, size, django_assert_max_num_queries
):
    from reviews.selectors import plan_review_summary

    for month in (MARCH, APRIL):
        review = ReviewFactory(month=month, plan=plan, facilitator=pm, closed=True)
        for _n in range(size):
            FindingFactory(review=review, department=departments["dev"])
    # reviews, findings, carryovers, proposals.
    with django_assert_max_num_queries(4):
        summary = plan_review_summary(plan)
    assert [len(findings) for _review, findings in summary] == [size, size]


def test_a_carried_finding_offers_no_dismiss_form(
    client_for, pm, dev_finding, item_factory, departments
):
    from reviews import services

    services.finding_carry(
        actor=pm, finding=dev_finding, plan_item=item_factory(departments["dev"], month=APRIL)
    )
    html = client_for(pm).get(reverse("reviews:finding_detail", args=[dev_finding.pk])).content
    assert b"Dismiss finding" not in html


def test_the_proposer_withdraws_a_proposal_that_the_other_coordinator_may_decline(
    client_for, dev_coordinator, marketing_coordinator, dev_finding, departments
):
    from reviews import services

    proposal = services.finding_propose_item(
        actor=dev_coordinator,
        finding=dev_finding,
        department=departments["marketing"],
        title="Delay the campaign",
    )
    page = reverse("reviews:finding_detail", args=[dev_finding.pk])
    assert b"Withdraw" in client_for(dev_coordinator).get(page).content
    receiving = client_for(marketing_coordinator).get(page).content
    assert b"Accept" in receiving and b"Decline" in receiving and b"Withdraw" not in receiving
    response = client_for(dev_coordinator).post(
        reverse("reviews:proposal_decline", args=[proposal.pk]), follow=True
    )
    assert b"The proposal was withdrawn." in response.content
    assert not dev_finding.proposals.exists()


def test_a_sales_coordinator_cannot_decline_a_proposal_to_marketing(
    client_for, dev_coordinator, sales_coordinator, dev_finding, departments
):
    from reviews import services

    proposal = services.finding_propose_item(
        actor=dev_coordinator,
        finding=dev_finding,
        department=departments["marketing"],
        title="Delay the campaign",
    )
    response = client_for(sales_coordinator).post(
        reverse("reviews:proposal_decline", args=[proposal.pk])
    )
    assert response.status_code == 403 and dev_finding.proposals.exists()


def test_posting_on_another_departments_finding_changes_nothing(
    client_for, sales_coordinator, dev_finding, departments
):
    client = client_for(sales_coordinator)
    new_item = client.post(
        reverse("reviews:finding_carry_new", args=[dev_finding.pk]),
        {"department": departments["sales"].pk, "title": "Ours now", "month": "2026-04"},
    )
    dismiss = client.post(
        reverse("reviews:finding_dismiss", args=[dev_finding.pk]), {"reason": "Not ours"}
    )
    edit = client.post(
        reverse("reviews:finding_edit", args=[dev_finding.pk]),
        {"kind": "risk", "title": "Renamed", "department": departments["sales"].pk},
    )
    delete = client.post(reverse("reviews:finding_delete", args=[dev_finding.pk]))
    assert [r.status_code for r in (new_item, dismiss, edit, delete)] == [403] * 4
    dev_finding.refresh_from_db()
    assert dev_finding.title == "Development slipped two weeks"
    assert not dev_finding.carryovers.exists() and not dev_finding.proposals.exists()
    assert dev_finding.dismissed_at is None


@pytest.mark.parametrize("month", ["2026-03", "2026-02"])
def test_a_proposal_for_another_department_in_the_review_month_or_before_is_refused(
    client_for, dev_coordinator, dev_finding, departments, month
):
    response = client_for(dev_coordinator).post(
        reverse("reviews:finding_carry_new", args=[dev_finding.pk]),
        {"department": departments["marketing"].pk, "title": "Too early", "month": month},
    )
    assert response.status_code == 400 and "later month" in response.content.decode()
    assert not dev_finding.proposals.exists() and not Carryover.objects.exists()


@pytest.mark.parametrize("accepted", [False, True])
def test_a_carry_still_waiting_for_its_department_is_marked_proposed_on_item_and_trace(
    client_for, sales_member, pm, dev_finding, item_factory, departments, accepted
):
    item = item_factory(departments["marketing"], month=APRIL)
    Carryover.objects.create(
        finding=dev_finding,
        plan_item=item,
        created_by=pm,
        accepted_by=pm if accepted else None,
        accepted_at=timezone.now() if accepted else None,
    )
    client = client_for(sales_member)
    fragment = client.get(reverse("reviews:plan_item_findings", args=[item.pk])).content.decode()
    trace = client.get(reverse("trace", args=["finding", dev_finding.pk])).content.decode()
    assert ("proposed, not accepted yet" in fragment) is not accepted
    assert ("· proposed ←" in trace) is not accepted


def test_only_pms_make_a_finding_from_an_evidence_line(client_for, dev_coordinator, review):
    url = reverse("reviews:finding_from_evidence", args=[review.pk])
    line = {"evidence_kind": "plan_item", "evidence_object_id": "1"}
    assert client_for(dev_coordinator).get(url, line).status_code == 403
    posted = client_for(dev_coordinator).post(
        url, {**line, "kind": "problem", "title": "x", "severity": "low"}
    )
    assert posted.status_code == 403 and not Finding.objects.exists()
