"""The check-in's delete confirmation (docs/architecture.md "Confirmations"): who may open
and confirm it, the page naming what the goal's progress is then read from, nothing deleted
before its POST with its token, and the same queries at two sizes."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from goals.models import CheckIn

from .factories import CheckInFactory, GoalFactory
from .test_query_counts import REQUEST_OVERHEAD

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkin(dev_goal, dev_coordinator):
    return CheckInFactory(
        goal=dev_goal,
        author=dev_coordinator,
        date=datetime.date(2026, 2, 1),
        value=Decimal(3),
        confidence=6,
    )


def _url(checkin):
    return reverse("goals:checkin_delete", args=[checkin.goal_id, checkin.pk])


@pytest.mark.parametrize("who", ["marketing_coordinator", "sales_member"])
def test_someone_outside_the_goal_gets_403_and_nothing_is_deleted(
    request, client_for, checkin, who
):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_url(checkin)).status_code == 403
    assert client.post(_url(checkin)).status_code == 403
    assert CheckIn.objects.filter(pk=checkin.pk).exists()


def test_the_page_names_the_check_in_and_what_progress_is_read_from(
    client_for, dev_member, checkin, dev_goal, dev_coordinator
):
    client = client_for(dev_member)
    text = client.get(_url(checkin)).content.decode()
    assert "Delete the check-in of 2026-02-01 of the goal “Finish 12 core functions”?" in text
    assert "It is the goal's only check-in" in text
    CheckInFactory(goal=dev_goal, author=dev_coordinator, date=datetime.date(2026, 1, 15), value=2)
    text = client.get(_url(checkin)).content.decode()
    assert "from its other check-in, of 2026-01-15 (2)." in text
    assert "This cannot be undone." in text
    assert CheckIn.objects.filter(pk=checkin.pk).exists()


def test_the_pages_post_deletes_and_a_second_submit_is_shown_the_result(
    client_for, dev_member, checkin
):
    client = client_for(dev_member)
    token = client.get(_url(checkin)).context["form"]["submission_token"].value()
    response = client.post(_url(checkin), {"submission_token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("goals:goal_detail", args=[checkin.goal_id])
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()
    # The check-in is gone; the resent page is sent where the first one went, not to a 404.
    again = client.post(_url(checkin), {"submission_token": token})
    assert again.status_code == 302 and again["Location"] == response["Location"]


def test_a_post_without_the_token_or_with_anothers_deletes_nothing(
    client_for, dev_member, checkin, dev_coordinator
):
    client = Client()
    client.force_login(dev_member)
    response = client.post(_url(checkin))
    assert response.status_code == 400
    assert "lost its one-time token" in response.content.decode()
    used = str(uuid.uuid4())
    other = CheckInFactory(
        goal=checkin.goal, author=dev_coordinator, date=datetime.date(2026, 2, 8)
    )
    client_for(dev_coordinator).post(_url(other), {"submission_token": used})
    response = client.post(_url(checkin), {"submission_token": used})
    assert response.status_code == 400
    assert "used for another form or by someone else" in response.content.decode()
    assert CheckIn.objects.filter(pk=checkin.pk).exists()


def test_a_check_in_of_another_goal_is_404(client_for, pm, checkin, objective):
    other = GoalFactory(objective=objective)
    url = reverse("goals:checkin_delete", args=[other.pk, checkin.pk])
    assert client_for(pm).get(url).status_code == 404


@pytest.mark.parametrize("size", [2, 60])
def test_the_page_runs_the_same_queries_at_two_sizes(
    client_for, pm, checkin, dev_goal, django_assert_max_num_queries, size
):
    CheckInFactory.create_batch(size, goal=dev_goal, author=pm, date=datetime.date(2026, 1, 20))
    client = client_for(pm)
    client.get(_url(checkin))
    # the request's overhead, the check-in with its goal and author, the other check-ins'
    # count and the latest of them
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(_url(checkin))
    assert response.context["preview"].remaining == size
