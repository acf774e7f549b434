"""The chat robots' services called directly: who may manage a department's or a plan's
robots, and bad input refused with a clear message and nothing saved
(docs/architecture.md "Chat robots")."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planbridge.models import ChatRobot
from planbridge.robots.services import robot_add, robot_delete, robot_test, robot_update
from tests.factories import PlanFactory
from tests.robot_servers import RobotServer

URL = "https://oapi.dingtalk.com/robot/send?access_token=abcd1234"


@pytest.fixture(autouse=True)
def _no_dns(monkeypatch):
    # The public host of the tests' URLs is taken as public without asking a resolver.
    import ipaddress
    import socket

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "oapi.dingtalk.com":
            host = "106.11.35.100"
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise socket.gaierror("not found") from None
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (host, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _add(actor, **kwargs):
    values = {"kind": "dingtalk", "url": URL, "secret": "SECabc", "posts": ["digest"]}
    values.update(kwargs)
    return robot_add(actor=actor, **values)


def test_a_coordinator_adds_a_robot_to_their_department(departments, dev_coordinator):
    robot = _add(dev_coordinator, department=departments["dev"], posts=["asks", "digest"])
    assert robot.posts == ["digest", "asks"]
    assert robot.url_hint == "oapi.dingtalk.com …1234"
    assert robot.secret_hint == "…Cabc"


def test_another_departments_coordinator_may_not(departments, marketing_coordinator):
    with pytest.raises(PermissionDenied):
        _add(marketing_coordinator, department=departments["dev"])
    assert not ChatRobot.objects.exists()


def test_a_member_may_not(departments, dev_member):
    with pytest.raises(PermissionDenied):
        _add(dev_member, department=departments["dev"])


def test_a_pm_adds_one_to_any_department(departments, pm):
    assert _add(pm, department=departments["sales"]).department == departments["sales"]


def test_a_plans_owner_adds_one_to_their_plan_and_a_coordinator_may_not(
    dev_coordinator, marketing_coordinator
):
    plan = PlanFactory(owner=dev_coordinator)
    assert _add(dev_coordinator, plan=plan).plan == plan
    with pytest.raises(PermissionDenied):
        _add(marketing_coordinator, plan=plan)


def test_the_shell_names_the_robots_owner(departments, dev_coordinator):
    with pytest.raises(ValidationError, match="needs an owner"):
        robot_add(actor=None, department=departments["dev"], kind="wecom", url=URL, posts=[])
    robot = robot_add(
        actor=None, owner=dev_coordinator, department=departments["dev"], kind="wecom", url=URL,
        posts=[],
    )  # fmt: skip
    assert robot.created_by == dev_coordinator


def test_a_robot_belongs_to_one_department_or_one_plan(departments, pm):
    with pytest.raises(ValidationError, match="one department or one plan"):
        _add(pm)
    with pytest.raises(ValidationError, match="one department or one plan"):
        _add(pm, department=departments["dev"], plan=PlanFactory(owner=pm))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "http://oapi.dingtalk.com/robot/send?access_token=x", "must start with https://"),
        ("url", "https://10.0.0.5/robot/send", "not on the public internet"),
        ("url", "https://nowhere.invalid/hook", "cannot be found"),
        ("kind", "teams", "Unknown platform teams"),
        ("language", "fr", "zh-hans or en"),
        ("posts", ["digest", "gossip"], "Unknown posts gossip"),
        ("secret", "s" * 201, "too long"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    departments, dev_coordinator, field, value, message
):
    with pytest.raises(ValidationError, match=message) as refused:
        _add(dev_coordinator, department=departments["dev"], **{field: value})
    assert field in refused.value.message_dict
    assert not ChatRobot.objects.exists()


def test_updating_keeps_the_stored_url_and_secret_unless_new_ones_are_given(
    departments, dev_coordinator, marketing_coordinator
):
    robot = _add(dev_coordinator, department=departments["dev"])
    ChatRobot.objects.filter(pk=robot.pk).update(last_error="310000: sign not match")
    robot_update(actor=dev_coordinator, robot=robot, language="en", posts=["reviews"])
    robot.refresh_from_db()
    assert (robot.url, robot.secret, robot.language, robot.posts) == (
        URL,
        "SECabc",
        "en",
        ["reviews"],
    )
    assert robot.last_error == "310000: sign not match"
    robot_update(actor=dev_coordinator, robot=robot, language="en", posts=[], secret="SECnew")
    robot.refresh_from_db()
    assert (robot.secret, robot.last_error) == ("SECnew", "")
    with pytest.raises(PermissionDenied):
        robot_update(actor=marketing_coordinator, robot=robot, language="en", posts=[])
    with pytest.raises(ValidationError, match="https://"):
        robot_update(actor=dev_coordinator, robot=robot, language="en", posts=[], url="ftp://x")


def test_only_its_managers_remove_a_robot(departments, dev_coordinator, marketing_coordinator):
    robot = _add(dev_coordinator, department=departments["dev"])
    with pytest.raises(PermissionDenied):
        robot_delete(actor=marketing_coordinator, robot=robot)
    robot_delete(actor=dev_coordinator, robot=robot)
    assert not ChatRobot.objects.exists()


def test_a_test_message_returns_the_platforms_answer(
    departments, dev_coordinator, marketing_coordinator, settings
):
    settings.PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS = True
    with RobotServer("dingtalk", secret="SECgood") as server:
        robot = _add(
            dev_coordinator, department=departments["dev"], url=server.url, secret="SECgood"
        )
        with pytest.raises(PermissionDenied):
            robot_test(actor=marketing_coordinator, robot=robot)
        result = robot_test(actor=dev_coordinator, robot=robot)
        assert (result.ok, result.answer) == (True, "ok")
        ChatRobot.objects.filter(pk=robot.pk).update(secret="SECbad")
        robot.refresh_from_db()
        result = robot_test(actor=dev_coordinator, robot=robot)
    assert not result.ok
    assert result.answer.startswith("310000: sign not match")
    assert len(server.received) == 1
