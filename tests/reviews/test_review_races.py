"""Two PMs on the same review page: opening or closing acts on the status the page showed, so
the second click after a colleague's is refused with who did it and when, and changes
nothing (closed_at, from which the grace period runs, stays the first close's)."""

from django.urls import reverse

from reviews import services
from reviews.models import Review
from tests.factories import make_pm

from .conftest import MARCH
from .factories import ReviewFactory


def _colleague():
    user = make_pm("mia.pm")
    user.first_name, user.last_name = "Mia", "Lee"
    user.save()
    return user


def test_the_close_confirmation_posts_the_status_it_shows(client_for, pm, review):
    html = client_for(pm).get(reverse("reviews:review_close", args=[review.pk])).content
    assert b'name="seen_status" value="open"' in html


def test_a_second_close_after_a_colleague_closed_is_refused_with_409(client_for, pm, review):
    url = reverse("reviews:review_close", args=[review.pk])
    assert client_for(_colleague()).post(url, {"seen_status": "open"}).status_code == 302
    review.refresh_from_db()
    closed_at = review.closed_at
    response = client_for(pm).post(url, {"seen_status": "open"})
    assert response.status_code == 409
    content = response.content.decode()
    assert "Mia Lee already changed this review to “Closed”" in content
    assert response.context["is_closed"] and not response.context["may_close"]
    review.refresh_from_db()
    assert review.closed_at == closed_at and review.history.count() == 2


def test_a_second_open_after_a_colleague_opened_is_refused_with_409(client_for, pm, plan):
    draft = ReviewFactory(
        month=MARCH, plan=plan, facilitator=pm, status=Review.Status.DRAFT, opened_at=None
    )
    services.review_open(actor=_colleague(), review=draft, seen_status="draft")
    draft.refresh_from_db()
    response = client_for(pm).post(
        reverse("reviews:review_open", args=[draft.pk]), {"seen_status": "draft"}
    )
    assert response.status_code == 409
    assert "Mia Lee already changed this review to “Open”" in response.content.decode()
    opened_at = draft.opened_at
    draft.refresh_from_db()
    assert draft.opened_at == opened_at


def test_a_made_up_status_seen_is_refused_without_a_change(client_for, pm, review):
    response = client_for(pm).post(
        reverse("reviews:review_close", args=[review.pk]), {"seen_status": "<b>x</b>"}
    )
    assert response.status_code == 409
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN and review.closed_at is None


def test_the_stale_refusal_is_translated(client_for, pm, review):
    from planbridge.models import Profile

    services.review_close(actor=_colleague(), review=review, seen_status="open")
    Profile.objects.update_or_create(user=pm, defaults={"language": "zh-hans"})
    response = client_for(pm).post(
        reverse("reviews:review_close", args=[review.pk]), {"seen_status": "open"}
    )
    assert response.status_code == 409
    assert "将此复盘改为“已结束”" in response.content.decode()
