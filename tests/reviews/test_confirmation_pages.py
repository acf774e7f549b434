"""The confirmation pages of deleting a finding and closing a review (docs/architecture.md
"Confirmations"): the page names what will happen before anything changes, only its POST
with its one-time token does it, a refused state is said and changes nothing, and each page
runs the same queries whatever the data size."""

import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planbridge import periods
from planbridge.models import SubmissionToken
from reviews import services
from reviews.models import CarryProposal, Finding, Review
from tests.factories import make_pm
from tests.goals.test_query_counts import REQUEST_OVERHEAD

from .conftest import APRIL
from .factories import CarryoverFactory, FindingFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _delete_url(finding):
    return reverse("reviews:finding_delete", args=[finding.pk])


def _close_url(review):
    return reverse("reviews:review_close", args=[review.pk])


def _errors(response):
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


# ------------------------------------------------------------------------- deleting a finding


@pytest.mark.parametrize("who", ["dev_coordinator", "marketing_coordinator", "sales_member"])
def test_only_pms_open_or_confirm_a_findings_deletion(request, client_for, dev_finding, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_delete_url(dev_finding)).status_code == 403
    assert client.post(_delete_url(dev_finding)).status_code == 403
    assert Finding.objects.filter(pk=dev_finding.pk).exists()


def test_the_deletion_page_names_the_finding_and_what_goes_with_it(
    client_for, pm, dev_finding, departments
):
    CarryProposal.objects.create(
        finding=dev_finding,
        department=departments["marketing"],
        title="Shift the launch",
        month=APRIL,
        proposed_by=pm,
    )
    page = client_for(pm).get(_delete_url(dev_finding))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Delete the finding “Development slipped two weeks” of the review of 2026-03?" in text
    assert "Its pending carry proposal goes with it." in text
    assert "This cannot be undone." in text
    assert Finding.objects.filter(pk=dev_finding.pk).exists()


def test_a_dismissed_findings_page_says_its_dismissal_goes_with_it(client_for, pm, dev_finding):
    services.finding_dismiss(actor=pm, finding=dev_finding, reason="Tracked elsewhere")
    text = client_for(pm).get(_delete_url(dev_finding)).content.decode()
    assert "Its dismissal (“Tracked elsewhere”) goes with it." in text


def test_only_the_pages_post_with_its_token_deletes(client_for, pm, dev_finding):
    client = client_for(pm)
    token = client.get(_delete_url(dev_finding)).context["form"]["submission_token"].value()
    response = client.post(_delete_url(dev_finding), {"submission_token": token}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "reviews:review_detail", args=[dev_finding.review_id]
    )
    assert not Finding.objects.filter(pk=dev_finding.pk).exists()
    assert SubmissionToken.objects.filter(form="reviews.finding_delete").count() == 1


def test_a_post_without_the_pages_token_deletes_nothing(pm, dev_finding):
    client = Client()  # posts only what it is given, as a form that lost its token would
    client.force_login(pm)
    response = client.post(_delete_url(dev_finding))
    assert response.status_code == 400
    assert "lost its one-time token" in response.content.decode()
    assert Finding.objects.filter(pk=dev_finding.pk).exists()


def test_a_second_submit_of_the_deletion_shows_the_result(client_for, pm, dev_finding):
    client = client_for(pm)
    token = str(uuid.uuid4())
    client.post(_delete_url(dev_finding), {"submission_token": token})
    # The finding is gone; the resent page is sent where the first one went, not to a 404.
    again = client.post(_delete_url(dev_finding), {"submission_token": token}, follow=True)
    assert again.redirect_chain[-1][0] == reverse(
        "reviews:review_detail", args=[dev_finding.review_id]
    )
    assert any("already submitted" in str(m) for m in again.context["messages"])
    # A token never used for it finds no finding: 404, never a 5xx.
    fresh = {"submission_token": str(uuid.uuid4())}
    assert client.post(_delete_url(dev_finding), fresh).status_code == 404


def test_a_carried_or_closed_findings_deletion_is_refused_with_a_message(
    client_for, pm, dev_finding, departments, plan
):
    client = client_for(pm)
    CarryoverFactory(finding=dev_finding, created_by=pm)
    for response in (
        client.get(_delete_url(dev_finding), follow=True),
        client.post(_delete_url(dev_finding), follow=True),
    ):
        assert response.status_code == 200
        assert _errors(response) == [
            "This finding has been carried into plan items and cannot be deleted."
        ]
    closed = FindingFactory(
        review=ReviewFactory(month=datetime.date(2026, 2, 1), plan=plan, closed=True),
        department=departments["dev"],
    )
    response = client.get(_delete_url(closed), follow=True)
    assert _errors(response) == ["This review is closed; its findings cannot be deleted."]
    response = client.post(_delete_url(closed), follow=True)
    assert _errors(response) == ["This review is closed; its findings cannot be deleted."]
    assert Finding.objects.filter(pk__in=[dev_finding.pk, closed.pk]).count() == 2


def test_an_unknown_finding_is_404(client_for, pm):
    assert client_for(pm).get(reverse("reviews:finding_delete", args=[999999])).status_code == 404


@pytest.mark.parametrize("size", [2, 40])
def test_the_deletion_page_runs_the_same_queries_at_two_sizes(
    client_for, pm, dev_finding, departments, django_assert_max_num_queries, size
):
    for index in range(size):
        CarryProposal.objects.create(
            finding=dev_finding,
            department=departments["marketing"],
            title=f"Proposal {index}",
            month=APRIL,
            proposed_by=pm,
        )
    client = client_for(pm)
    client.get(_delete_url(dev_finding))
    # the request's overhead, the finding with its review, plan, department and people, its
    # carryovers and its proposals (prefetched, which the page counts)
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(_delete_url(dev_finding))
    assert f"Its {size} pending carry proposals go with it." in response.content.decode()


# ------------------------------------------------------------------------- closing a review


@pytest.mark.parametrize("who", ["dev_coordinator", "marketing_coordinator", "sales_member"])
def test_only_pms_open_or_confirm_a_reviews_closing(request, client_for, review, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_close_url(review)).status_code == 403
    assert client.post(_close_url(review), {"seen_status": "open"}).status_code == 403
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN and review.closed_at is None


def test_the_close_page_names_the_findings_and_the_day_their_grace_ends(
    client_for, pm, review, dev_finding, departments, settings
):
    FindingFactory(review=review, department=departments["marketing"])
    disposed = FindingFactory(review=review, department=departments["marketing"])
    services.finding_dismiss(actor=pm, finding=disposed, reason="Not ours")
    page = client_for(pm).get(_close_url(review))
    assert page.status_code == 200
    preview = page.context["preview"]
    assert (preview.findings, preview.undisposed, preview.grace_days) == (3, 2, 7)
    deadline = timezone.localdate() + datetime.timedelta(days=settings.PLANBRIDGE_CARRY_GRACE_DAYS)
    text = page.content.decode()
    assert "Close the review of 2026-03 of “" in text
    assert (
        f"Its 2 findings without a disposition must then each be carried into a later "
        f"month's plan item or dismissed by {deadline:%Y-%m-%d}, or they are flagged."
    ) in text
    assert "That is 7 days from now." in text
    assert "The coordinators of Marketing, Product Development are told" in text
    assert "Closing cannot be undone." in text
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN and review.closed_at is None


def test_only_the_close_pages_post_with_its_token_closes(client_for, pm, review):
    client = client_for(pm)
    form = client.get(_close_url(review)).context["form"]
    data = {name: form[name].value() for name in ("submission_token", "seen_status")}
    response = client.post(_close_url(review), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.CLOSED and review.closed_at is not None
    again = client.post(_close_url(review), data, follow=True)
    assert any("already submitted" in str(m) for m in again.context["messages"])


def test_a_close_without_the_pages_token_changes_nothing(pm, review):
    client = Client()
    client.force_login(pm)
    response = client.post(_close_url(review), {"seen_status": "open"})
    assert response.status_code == 400
    assert "lost its one-time token" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN


def test_confirming_the_close_of_a_closed_review_says_so_and_changes_nothing(
    client_for, pm, review
):
    colleague = make_pm("mia.pm")
    client = client_for(pm)
    seen = client.get(_close_url(review)).context["form"]["seen_status"].value()
    services.review_close(actor=colleague, review=review, seen_status="open")
    review.refresh_from_db()
    closed_at = review.closed_at
    response = client.post(_close_url(review), {"seen_status": seen})
    assert response.status_code == 409
    assert "already changed this review to “Closed”" in response.content.decode()
    # Opening the page again: the review page with the refusal, not the confirmation.
    page = client.get(_close_url(review), follow=True)
    assert _errors(page) == ["This review is closed already; nothing was changed."]
    review.refresh_from_db()
    assert review.closed_at == closed_at and review.history.count() == 2


def test_a_draft_or_too_early_review_has_no_close_page(client_for, pm, plan):
    client = client_for(pm)
    draft = ReviewFactory(
        month=datetime.date(2026, 2, 1), plan=plan, status=Review.Status.DRAFT, opened_at=None
    )
    assert _errors(client.get(_close_url(draft), follow=True)) == [
        "Only an open review can be closed."
    ]
    # Made directly: the service creates no review of a month that has not begun.
    early = ReviewFactory(
        month=periods.add_months(periods.month_start(periods.today()), 1), plan=None
    )
    (message,) = _errors(client.get(_close_url(early), follow=True))
    assert "can be closed from" in message
    draft.refresh_from_db()
    early.refresh_from_db()
    assert (draft.status, early.status) == (Review.Status.DRAFT, Review.Status.OPEN)


def test_an_unknown_review_is_404(client_for, pm):
    assert client_for(pm).get(reverse("reviews:review_close", args=[999999])).status_code == 404


@pytest.mark.parametrize("size", [2, 40])
def test_the_close_page_runs_the_same_queries_at_two_sizes(
    client_for, pm, review, departments, django_assert_max_num_queries, size
):
    for index in range(size):
        department = departments["dev"] if index % 2 else departments["marketing"]
        FindingFactory(review=review, department=department)
    client = client_for(pm)
    client.get(_close_url(review))
    # the request's overhead, the review with plan and facilitator, the findings' counts,
    # the departments with findings
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(_close_url(review))
    assert response.context["preview"].undisposed == size
