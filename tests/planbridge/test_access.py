import pytest
from django.db import connections
from django.urls import reverse

PAGES = [
    "dashboard",
    "plan_list",
    "plan_create",
    "profile",
    "password_change",
    "goals:goal_list",
    "meetings:this_week",
    "reviews:review_list",
]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_login(anon, name):
    url = reverse(name)
    response = anon.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_plan_detail_requires_login(anon, plan):
    response = anon.get(reverse("plan_detail", args=[plan.pk]))
    assert response.status_code == 302


def test_login_page_is_public(anon):
    assert anon.get(reverse("login")).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_logged_in_users_see_every_navigation_page(client_for, pm, name):
    assert client_for(pm).get(reverse(name)).status_code == 200


def test_navigation_lists_the_five_sections(client_for, dev_coordinator):
    html = client_for(dev_coordinator).get(reverse("dashboard")).content.decode()
    for label in ["Dashboard", "Plans", "Goals", "Weekly", "Reviews"]:
        assert f">{label}" in html


def test_healthz_answers_when_database_and_broker_answer(anon):
    response = anon.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "static": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(anon, monkeypatch):
    connection = connections["default"]

    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    # Undone before teardown, which needs the real connection to roll back.
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = anon.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


def test_healthz_is_503_when_the_broker_is_unreachable(anon, monkeypatch):
    from planbridge.celery import app

    # A closed port on this machine: the connection is refused at once.
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = anon.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error")
