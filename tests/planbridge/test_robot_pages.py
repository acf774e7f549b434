"""The chat robots' settings pages: who may open them, bad input refused with a clear message
and nothing saved, the URL and secret never shown again, the test button showing the
platform's answer, and a bounded number of queries (docs/architecture.md "Chat robots")."""

import pytest
from django.urls import reverse

from planbridge.models import ChatRobot
from tests.factories import PlanFactory, UserFactory
from tests.robot_servers import RobotServer

PAGE = reverse("robots:department", args=["development"])
SECRET_URL = "https://oapi.dingtalk.com/robot/send?access_token=topsecrettoken9876"


@pytest.fixture(autouse=True)
def _private_webhooks(settings):
    settings.PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS = True


def _robot(department, owner, url=SECRET_URL, secret="SECverysecret42", kind="dingtalk"):
    return ChatRobot.objects.create(
        department=department, kind=kind, url=url, secret=secret, posts=["digest"],
        created_by=owner,
    )  # fmt: skip


def test_the_departments_coordinator_and_a_pm_open_its_robots_page(
    client_for, departments, dev_coordinator, pm
):
    assert client_for(dev_coordinator).get(PAGE).status_code == 200
    assert client_for(pm).get(PAGE).status_code == 200


@pytest.mark.parametrize("who", ["marketing_coordinator", "dev_member"])
def test_others_get_403_and_post_nothing(request, client_for, departments, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 403
    response = client.post(PAGE, {"kind": "wecom", "url": SECRET_URL, "language": "en"})
    assert response.status_code == 403
    assert not ChatRobot.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(anon, departments):
    response = anon.get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_only_the_plans_owner_and_pms_open_a_plans_robots_page(
    client_for, dev_coordinator, marketing_coordinator, pm
):
    page = reverse("robots:plan", args=[PlanFactory(owner=dev_coordinator).pk])
    assert client_for(dev_coordinator).get(page).status_code == 200
    assert client_for(pm).get(page).status_code == 200
    assert client_for(marketing_coordinator).get(page).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "dingtalk", "url": "http-not-a-url"},
            "The webhook URL must start with https://.",
        ),
        ({"kind": "msteams", "url": SECRET_URL}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_on_the_form_and_nothing_saved(
    client_for, departments, dev_coordinator, settings, data, message
):
    settings.PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS = False
    response = client_for(dev_coordinator).post(
        PAGE, {"language": "en", "posts": ["digest"], **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ChatRobot.objects.exists()


def test_a_saved_url_and_secret_are_never_shown_again(client_for, departments, dev_coordinator):
    client = client_for(dev_coordinator)
    response = client.post(
        PAGE,
        {"kind": "dingtalk", "url": SECRET_URL, "secret": "SECverysecret42", "language": "zh-hans",
         "posts": ["digest", "asks"]},
        follow=True,
    )  # fmt: skip
    robot = ChatRobot.objects.get()
    assert (robot.url, robot.secret, robot.posts) == (
        SECRET_URL,
        "SECverysecret42",
        ["digest", "asks"],
    )
    for page in (PAGE, reverse("robots:edit", args=[robot.pk])):
        html = client.get(page).content.decode()
        assert "topsecrettoken" not in html and "SECverysecret" not in html
        assert "oapi.dingtalk.com …9876" in html
    assert "topsecrettoken" not in response.content.decode()


def test_the_test_button_shows_the_platforms_answer_and_the_last_error(
    client_for, departments, dev_coordinator
):
    client = client_for(dev_coordinator)
    with RobotServer("dingtalk", secret="SECright") as server:
        robot = _robot(departments["dev"], dev_coordinator, url=server.url, secret="SECwrong")
        page = client.post(reverse("robots:test", args=[robot.pk]), follow=True).content.decode()
    assert "The platform refused the test message: 310000: sign not match" in page
    assert 'data-testid="robot-error"' in page


def test_another_coordinator_may_not_test_change_or_remove_a_robot(
    client_for, departments, dev_coordinator, marketing_coordinator
):
    robot = _robot(departments["dev"], dev_coordinator)
    client = client_for(marketing_coordinator)
    assert client.post(reverse("robots:test", args=[robot.pk])).status_code == 403
    assert client.get(reverse("robots:edit", args=[robot.pk])).status_code == 403
    assert client.post(reverse("robots:delete", args=[robot.pk])).status_code == 403
    assert ChatRobot.objects.filter(pk=robot.pk).exists()


def test_changing_keeps_the_url_and_removing_removes(client_for, departments, dev_coordinator):
    robot = _robot(departments["dev"], dev_coordinator)
    client = client_for(dev_coordinator)
    response = client.post(
        reverse("robots:edit", args=[robot.pk]), {"language": "en", "posts": ["reviews"]}
    )
    assert response.status_code == 302
    robot.refresh_from_db()
    assert (robot.url, robot.language, robot.posts) == (SECRET_URL, "en", ["reviews"])
    client.post(reverse("robots:delete", args=[robot.pk]))
    assert not ChatRobot.objects.exists()


@pytest.mark.parametrize("count", [2, 30])
def test_the_robots_page_runs_a_bounded_number_of_queries(
    client_for, departments, dev_coordinator, django_assert_max_num_queries, count
):
    owners = [UserFactory() for _ in range(3)]
    for n in range(count):
        _robot(departments["dev"], owners[n % 3])
    client = client_for(dev_coordinator)
    # Session, user, profile, PM group, memberships, the asks-to-us badge and the unread
    # notifications (7); the department (1); the robots with their department, plan and
    # owner (1).
    with django_assert_max_num_queries(9):
        response = client.get(PAGE)
    assert len(response.context["robots"]) == count


def test_the_index_lists_the_departments_and_plans_whose_robots_one_manages(
    client_for, departments, dev_coordinator, dev_member
):
    plan = PlanFactory(owner=dev_coordinator, title="Launch plan")
    html = client_for(dev_coordinator).get(reverse("robots:index")).content.decode()
    assert PAGE in html and reverse("robots:plan", args=[plan.pk]) in html
    assert reverse("robots:department", args=["marketing"]) not in html
    html = client_for(dev_member).get(reverse("robots:index")).content.decode()
    assert "You manage no department" in html and PAGE not in html
    # The user menu links to it.
    assert reverse("robots:index") in client_for(dev_coordinator).get("/profile/").content.decode()
