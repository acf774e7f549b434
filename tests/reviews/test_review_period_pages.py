"""The review pages keep reviews in time (docs/architecture.md "Periods at the edges"): the
form refuses a month that has not begun or that the plan does not own, and the review page
offers "Close the review" only from its month's last five days, saying when before."""

import datetime
import zoneinfo

import time_machine
from django.conf import settings
from django.urls import reverse

from planbridge.periods import add_months, month_end, month_start, today
from reviews import rules
from reviews.models import Review

from ..factories import PlanFactory
from .factories import ReviewFactory
from .factories_flags import set_profile

CREATE = reverse("reviews:review_create")


def _at(day: datetime.date, hour: int = 10) -> time_machine.travel:
    moment = datetime.datetime.combine(day, datetime.time(hour))
    return time_machine.travel(
        moment.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)), tick=False
    )


def test_the_form_refuses_a_review_of_next_month(client_for, pm):
    next_month = add_months(month_start(today()), 1)
    response = client_for(pm).post(CREATE, {"month": f"{next_month:%Y-%m}"})
    assert response.status_code == 400
    assert response.context["form"].errors["month"] == [
        f"{next_month:%Y-%m} has not begun yet: a review of it can be created from "
        f"{next_month.isoformat()} on."
    ]
    assert not Review.objects.exists()


def test_the_form_refuses_a_month_the_plan_does_not_own(client_for, pm, plan):
    response = client_for(pm).post(CREATE, {"month": "2026-08", "plan": plan.pk})
    assert response.status_code == 400
    assert "owns (2026-01 – 2026-07" in response.context["form"].errors["month"][0]
    assert not Review.objects.exists()


def test_the_form_creates_this_month_s_review_of_a_plan_starting_next_month(client_for, pm):
    start = add_months(month_start(today()), 1)
    plan = PlanFactory(title="R&D and launch", start=start, end=month_end(start))
    response = client_for(pm).post(CREATE, {"month": f"{today():%Y-%m}", "plan": plan.pk})
    review = Review.objects.get()
    assert response.status_code == 302
    assert (review.month, review.plan) == (month_start(today()), plan)


def test_the_refusal_is_in_chinese_for_a_chinese_speaking_pm(client_for, pm):
    set_profile(pm, language="zh-hans")
    next_month = add_months(month_start(today()), 1)
    response = client_for(pm).post(CREATE, {"month": f"{next_month:%Y-%m}"})
    assert response.status_code == 400
    assert response.context["form"].errors["month"] == [
        f"{next_month:%Y-%m} 尚未开始：该月的复盘从 {next_month.isoformat()} 起才能创建。"
    ]


def test_before_the_last_five_days_the_page_says_when_the_review_can_be_closed(
    client_for, pm, dev_coordinator
):
    this_month = month_start(today())
    first_day = rules.review_first_close_day(this_month)
    with _at(first_day - datetime.timedelta(days=1)):
        review = ReviewFactory(month=this_month, facilitator=pm, status=Review.Status.OPEN)
        url = reverse("reviews:review_detail", args=[review.pk])
        page = client_for(pm).get(url)
        assert page.context["may_close"] is False
        assert page.context["closes_from"] == first_day
        html = page.content.decode()
        assert reverse("reviews:review_close", args=[review.pk]) not in html
        assert f"Can be closed from {first_day.isoformat()}." in html
        # Who does not run reviews is not told either.
        other = client_for(dev_coordinator).get(url)
        assert other.context["closes_from"] is None
        assert "Can be closed from" not in other.content.decode()


def test_closing_through_the_page_too_early_is_refused_with_the_day(client_for, pm):
    this_month = month_start(today())
    first_day = rules.review_first_close_day(this_month)
    with _at(first_day - datetime.timedelta(days=1)):
        review = ReviewFactory(month=this_month, facilitator=pm, status=Review.Status.OPEN)
        response = client_for(pm).post(
            reverse("reviews:review_close", args=[review.pk]), follow=True
        )
    assert response.status_code == 200
    assert f"can be closed from {first_day.isoformat()}" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN and review.closed_at is None


def test_in_the_last_five_days_the_page_offers_to_close_the_review(client_for, pm):
    this_month = month_start(today())
    with _at(rules.review_first_close_day(this_month)):
        review = ReviewFactory(month=this_month, facilitator=pm, status=Review.Status.OPEN)
        client = client_for(pm)
        page = client.get(reverse("reviews:review_detail", args=[review.pk]))
        assert page.context["may_close"] is True and page.context["closes_from"] is None
        assert reverse("reviews:review_close", args=[review.pk]) in page.content.decode()
        client.post(reverse("reviews:review_close", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == Review.Status.CLOSED


def test_a_draft_of_this_month_is_opened_and_says_when_it_can_be_closed(client_for, pm):
    this_month = month_start(today())
    first_day = rules.review_first_close_day(this_month)
    with _at(this_month):
        draft = ReviewFactory(
            month=this_month, facilitator=pm, status=Review.Status.DRAFT, opened_at=None
        )
        client = client_for(pm)
        client.post(reverse("reviews:review_open", args=[draft.pk]))
        page = client.get(reverse("reviews:review_detail", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Review.Status.OPEN
    assert (page.context["may_open"], page.context["may_close"]) == (False, False)
    assert page.context["closes_from"] == first_day
