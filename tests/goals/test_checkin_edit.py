"""Editing and deleting check-ins (members edit check-ins of goals they own;
coordinators of the goal's department and PMs may too): who may, bad input, query bound."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from goals import services
from goals.models import CheckIn

from .factories import CheckInFactory
from .test_query_counts import REQUEST_OVERHEAD

# Devon (dev_member) owns dev_goal; the Development coordinator and PMs manage it.
WHO_MAY = [
    ("pm", True),
    ("dev_coordinator", True),
    ("dev_member", True),
    ("marketing_coordinator", False),
    ("sales_member", False),
]


def person(request, name):
    return request.getfixturevalue(name)


@pytest.fixture
def checkin(dev_goal, dev_coordinator):
    """A check-in recorded by the Development coordinator on Devon's goal."""
    return CheckInFactory(
        goal=dev_goal,
        author=dev_coordinator,
        date=datetime.date(2026, 2, 1),
        value=Decimal(3),
        confidence=6,
        note="first count",
    )


def edit_url(checkin):
    return reverse("goals:checkin_edit", args=[checkin.goal_id, checkin.pk])


def delete_url(checkin):
    return reverse("goals:checkin_delete", args=[checkin.goal_id, checkin.pk])


def payload(**overrides):
    data = {"date": "2026-02-02", "value": "4.5", "confidence": "8", "note": "recounted"}
    data.update(overrides)
    return data


@pytest.mark.parametrize(("name", "allowed"), WHO_MAY)
def test_goal_owners_coordinators_and_pms_edit_a_check_in(
    request, client_for, checkin, dev_coordinator, name, allowed
):
    client = client_for(person(request, name))
    assert client.get(edit_url(checkin)).status_code == (200 if allowed else 403)
    response = client.post(edit_url(checkin), payload())
    assert response.status_code == (302 if allowed else 403)
    checkin.refresh_from_db()
    if allowed:
        assert (checkin.date, checkin.value, checkin.confidence, checkin.note) == (
            datetime.date(2026, 2, 2),
            Decimal("4.5"),
            8,
            "recounted",
        )
        # The author stays the person who recorded it.
        assert checkin.author == dev_coordinator
    else:
        assert checkin.value == Decimal(3)


@pytest.mark.parametrize(("name", "allowed"), WHO_MAY)
def test_goal_owners_coordinators_and_pms_delete_a_check_in(
    request, client_for, checkin, name, allowed
):
    response = client_for(person(request, name)).post(delete_url(checkin))
    assert response.status_code == (302 if allowed else 403)
    assert CheckIn.objects.filter(pk=checkin.pk).exists() is not allowed


def test_anonymous_visitors_are_sent_to_log_in_from_check_in_edits(anon, checkin):
    for response in (anon.get(edit_url(checkin)), anon.post(delete_url(checkin))):
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert CheckIn.objects.filter(pk=checkin.pk, value=3).exists()


def test_deleting_asks_first_and_only_the_post_deletes(client_for, pm, checkin):
    assert client_for(pm).get(delete_url(checkin)).status_code == 200
    assert CheckIn.objects.filter(pk=checkin.pk).exists()


def test_a_check_in_is_only_reached_through_its_own_goal(client_for, pm, checkin, departments):
    from .factories import GoalFactory

    other_goal = GoalFactory(department=departments["sales"])
    wrong = reverse("goals:checkin_edit", args=[other_goal.pk, checkin.pk])
    assert client_for(pm).get(wrong).status_code == 404
    wrong_delete = reverse("goals:checkin_delete", args=[other_goal.pk, checkin.pk])
    assert client_for(pm).post(wrong_delete).status_code == 404
    assert client_for(pm).get(reverse("goals:checkin_edit", args=[1, 999999])).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"confidence": "11"}, "confidence"),
        ({"confidence": "0"}, "confidence"),
        ({"confidence": "high"}, "confidence"),
        ({"value": "lots"}, "value"),
        ({"value": "1" * 30}, "value"),
        ({"date": "2099-01-01"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"date": ""}, "date"),
    ],
)
def test_a_bad_check_in_edit_shows_a_clear_error_and_saves_nothing(
    client_for, dev_member, checkin, overrides, field
):
    response = client_for(dev_member).post(edit_url(checkin), payload(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    checkin.refresh_from_db()
    assert (checkin.value, checkin.confidence, checkin.note) == (Decimal(3), 6, "first count")


def test_the_service_refuses_a_future_date_and_outsiders(checkin, dev_member, sales_member):
    with pytest.raises(ValidationError):
        services.checkin_update(
            actor=dev_member,
            checkin=checkin,
            date=datetime.date(2099, 1, 1),
            value=Decimal(1),
            confidence=5,
        )
    with pytest.raises(PermissionDenied):
        services.checkin_update(
            actor=sales_member,
            checkin=checkin,
            date=datetime.date(2026, 2, 1),
            value=Decimal(1),
            confidence=5,
        )
    with pytest.raises(PermissionDenied):
        services.checkin_delete(actor=sales_member, checkin=checkin)
    checkin.refresh_from_db()
    assert checkin.value == Decimal(3)


def test_editing_a_check_in_changes_the_goals_progress(client_for, dev_member, checkin):
    client = client_for(dev_member)
    client.post(edit_url(checkin), payload(value="6"))
    page = client.get(reverse("goals:goal_detail", args=[checkin.goal_id]))
    assert page.context["progress"].progress == pytest.approx(0.5)
    client.post(delete_url(checkin))
    page = client.get(reverse("goals:goal_detail", args=[checkin.goal_id]))
    assert page.context["progress"].status == "no_data"


def test_the_goal_page_links_each_check_in_to_its_edit_page_for_those_who_may(
    client_for, checkin, dev_member, sales_member
):
    url = reverse("goals:goal_detail", args=[checkin.goal_id])
    assert edit_url(checkin) in client_for(dev_member).get(url).content.decode()
    assert edit_url(checkin) not in client_for(sales_member).get(url).content.decode()


@pytest.mark.parametrize("count", [10, 300])
def test_the_check_in_edit_page_query_count_is_bounded(
    client_for, dev_member, dev_goal, count, django_assert_max_num_queries
):
    checkins = CheckIn.objects.bulk_create(
        CheckIn(
            goal=dev_goal,
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 200),
            value=n,
            confidence=5,
            author=dev_member,
        )
        for n in range(count)
    )
    client = client_for(dev_member)
    # the check-in with its goal and author (the permission reads only the goal's owner)
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 1):
        response = client.get(edit_url(checkins[-1]))
    assert response.status_code == 200
    # the check-in; the form's confidence constraint check (in a savepoint: three); in the
    # service's savepoint (two) the locked row with its goal, the constraint check again
    # (three), the update and the history row
    with django_assert_max_num_queries(REQUEST_OVERHEAD + 9):
        response = client.post(edit_url(checkins[-1]), payload())
    assert response.status_code == 302
