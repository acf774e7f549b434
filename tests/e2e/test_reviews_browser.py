"""The PM runs this month's review of the demo story in a browser and watches the bridge
dashboard's carry-over rate move."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from planbridge import periods
from reviews import rules
from reviews.models import Carryover, Finding, Review

from .conftest import login


@pytest.fixture
def demo_at_month_end(transactional_db):
    """The demo, seeded and run on the first of this month's last five days (or now, if
    later): this month's review can be closed only from then on. The live server runs in
    this process, so it follows the clock."""
    first_day = rules.review_first_close_day(periods.month_start(periods.today()))
    moment = datetime.datetime.combine(first_day, datetime.time(10)).replace(
        tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )
    with time_machine.travel(max(moment, timezone.now()), tick=True):
        call_command("seed_demo", "--lang", "en", stdout=io.StringIO())
        yield


def test_the_pm_runs_the_monthly_review_and_the_carry_over_rate_changes(page, demo_at_month_end):
    login(page, "pm")
    page.goto("/")
    before = page.get_by_test_id("rate-total").inner_text()
    assert before == "75%"

    review = Review.objects.get(status=Review.Status.DRAFT)
    page.goto("/reviews/")
    page.get_by_test_id("review-list").get_by_role(
        "link", name=review.month.strftime("%Y-%m")
    ).click()
    page.get_by_role("button", name="Open the review").click()
    assert page.get_by_test_id("review-status").inner_text() == "Open"

    # "Make a finding" on an evidence line opens a finding form prefilled from it.
    line = (
        page.get_by_test_id("evidence-plan_item")
        .get_by_test_id("evidence-line")
        .filter(has_text="Internal testing and adjustment")
    )
    line.get_by_role("button", name="Make a finding").click()
    page.get_by_test_id("evidence-finding-form").get_by_role(
        "button", name="Record finding"
    ).click()
    page.wait_for_url("**/reviews/findings/*/")
    assert page.get_by_role("heading", name="Internal testing and adjustment").is_visible()

    carry = page.get_by_test_id("carry-new")
    carry.get_by_label("Department").select_option(label="Marketing")
    carry.get_by_label("Title of the new plan item").fill("Move the launch event after testing")
    carry.get_by_role("button", name="Carry into new item").click()
    assert (
        page.get_by_test_id("disposition")
        .get_by_role("link", name="Move the launch event after testing")
        .is_visible()
    )

    # A second finding from the evidence, dismissed with a reason.
    page.get_by_role("link", name=f"Review of {review.month:%Y-%m}").click()
    page.get_by_test_id("evidence-plan_item").get_by_test_id("evidence-line").filter(
        has_text="Launch: start selling"
    ).get_by_role("button", name="Make a finding").click()
    page.get_by_test_id("evidence-finding-form").get_by_role(
        "button", name="Record finding"
    ).click()
    page.wait_for_url("**/reviews/findings/*/")
    page.get_by_test_id("dismiss").get_by_label("Why is this finding dismissed?").fill(
        "The launch date is tracked by the testing item."
    )
    page.get_by_test_id("dismiss").get_by_role("button", name="Dismiss finding").click()
    assert page.get_by_text("The launch date is tracked by the testing item.").is_visible()

    page.get_by_role("link", name=f"Review of {review.month:%Y-%m}").click()
    page.get_by_role("link", name="Close the review").click()
    page.get_by_test_id("confirm").click()
    assert page.get_by_test_id("review-status").inner_text() == "Closed"

    page.get_by_test_id("main-nav").get_by_role("link", name="Dashboard").click()
    after = page.get_by_test_id("rate-total").inner_text()
    assert after == "83%" and after != before

    carried = Carryover.objects.select_related("plan_item__department").get(
        plan_item__title="Move the launch event after testing"
    )
    assert carried.plan_item.department.slug == "marketing"
    assert carried.plan_item.month > review.month
    assert Finding.objects.filter(review=review, dismissed_at__isnull=False).count() == 1
