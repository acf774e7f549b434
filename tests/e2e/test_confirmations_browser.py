"""Deleting a finding and closing a review in a browser ask first (docs/architecture.md
"Confirmations"): the button leads to a page naming what will happen, nothing has changed
in the database until it is confirmed, Cancel leaves everything as it was, and confirming
does it. With PLANBRIDGE_SCREENSHOTS set, both pages are saved at desktop width and 390 px,
in English and Chinese."""

import os
from pathlib import Path

from playwright.sync_api import expect

from reviews import selectors
from reviews.models import Finding, Review

from .conftest import login
from .test_loop_at_the_edges import make_finding
from .test_reviews_browser import demo_at_month_end  # noqa: F401 (the fixture)

SCREENSHOTS = os.environ.get("PLANBRIDGE_SCREENSHOTS")


def _shoot(page, name):
    if not SCREENSHOTS:
        return
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=folder / f"{name}_{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_deleting_a_finding_and_closing_the_review_must_be_confirmed(
    page,
    demo_at_month_end,  # noqa: F811
):
    login(page, "pm")
    review = Review.objects.get(status=Review.Status.DRAFT)
    review_url = f"/reviews/{review.pk}/"
    page.goto(review_url)
    page.get_by_role("button", name="Open the review").click()
    expect(page.get_by_test_id("review-status")).to_have_text("Open")

    # Delete finding: a page names the finding; Cancel keeps it.
    finding = make_finding(page, "plan_item", "Internal testing and adjustment")
    page.get_by_role("link", name="Delete finding").click()
    page.wait_for_url(f"**/reviews/findings/{finding.pk}/delete/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Delete the finding “{finding.title}” of the review of {review.month:%Y-%m}?"
    )
    expect(page.get_by_test_id("confirm-consequences")).to_contain_text("This cannot be undone.")
    assert Finding.objects.filter(pk=finding.pk).exists()
    _shoot(page, "finding_delete_en")
    page.get_by_test_id("cancel").click()
    page.wait_for_url(f"**/reviews/findings/{finding.pk}/")
    assert Finding.objects.filter(pk=finding.pk).exists()

    # Confirmed, it is deleted and the review's page says so.
    page.get_by_role("link", name="Delete finding").click()
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"**{review_url}")
    expect(page.get_by_text("The finding was deleted.")).to_be_visible()
    assert not Finding.objects.filter(pk=finding.pk).exists()

    # Close the review: a page names the findings and the day their grace period ends.
    page.goto(review_url)
    kept = make_finding(page, "plan_item", "Internal testing and adjustment")
    page.goto(review_url)
    page.get_by_role("link", name="Close the review").click()
    page.wait_for_url(f"**/reviews/{review.pk}/close/")
    deadline = selectors.review_close_preview(review).deadline
    expect(page.get_by_test_id("confirm-consequences")).to_contain_text(
        f"Its 1 finding without a disposition must then be carried into a later month's plan "
        f"item or dismissed by {deadline:%Y-%m-%d}"
    )
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN and review.closed_at is None
    _shoot(page, "review_close_en")
    page.get_by_test_id("cancel").click()
    page.wait_for_url(f"**{review_url}")
    expect(page.get_by_test_id("review-status")).to_have_text("Open")
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN and review.closed_at is None

    if SCREENSHOTS:
        page.get_by_role("button", name="简体中文").click()
        page.goto(f"/reviews/findings/{kept.pk}/delete/")
        expect(page.get_by_test_id("confirm-consequences")).to_contain_text("此操作无法撤销。")
        _shoot(page, "finding_delete_zh")
        page.goto(f"/reviews/{review.pk}/close/")
        expect(page.get_by_test_id("confirm-consequences")).to_contain_text("结束后无法撤销。")
        _shoot(page, "review_close_zh")
        page.get_by_role("button", name="English").click()
        page.goto(review_url)

    # Confirmed, the review closes.
    page.get_by_role("link", name="Close the review").click()
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"**{review_url}")
    expect(page.get_by_test_id("review-status")).to_have_text("Closed")
    review.refresh_from_db()
    assert review.status == Review.Status.CLOSED and review.closed_at is not None
    assert Finding.objects.filter(pk=kept.pk, review=review).exists()
