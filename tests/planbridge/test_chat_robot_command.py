"""`manage.py chat_robot add|list|test` (docs/architecture.md "Chat robots")."""

import io

import pytest
from django.core.management import CommandError, call_command

from planbridge.models import ChatRobot
from tests.robot_servers import RobotServer


@pytest.fixture(autouse=True)
def _private_webhooks(settings):
    settings.PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS = True


def _run(*args):
    out = io.StringIO()
    call_command("chat_robot", *args, stdout=out)
    return out.getvalue()


def test_a_robot_added_from_the_shell_is_listed_without_its_url_and_tested(
    departments, dev_coordinator
):
    with RobotServer("feishu", secret="shellsecret") as server:
        added = _run(
            "add", "--department", "development", "--kind", "feishu", "--url", server.url,
            "--secret", "shellsecret", "--lang", "en", "--posts", "digest,asks", "--by", "dana.dev",
        )  # fmt: skip
        robot = ChatRobot.objects.get()
        assert f"Added robot {robot.pk}" in added
        assert (robot.created_by, robot.posts, robot.language) == (
            dev_coordinator,
            ["digest", "asks"],
            "en",
        )
        listed = _run("list")
        assert "127.0.0.1 …0001" in listed and "feishuhook0001" not in listed
        assert "shellsecret" not in listed
        assert "The platform answered: success" in _run("test", str(robot.pk))
    assert list(server.received[0]["content"]["post"]) == ["en_us"]


def test_the_list_shows_the_platforms_last_error(departments, dev_coordinator):
    with RobotServer("dingtalk", secret="SECright") as server:
        _run("add", "--department", "development", "--kind", "dingtalk", "--url", server.url,
             "--secret", "SECwrong", "--by", "dana.dev")  # fmt: skip
        robot = ChatRobot.objects.get()
        with pytest.raises(CommandError, match="310000"):
            _run("test", str(robot.pk))
    assert "last error" in _run("list") and "310000: sign not match" in _run("list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "teams", "--url", "https://example.com/h"], "Unknown platform teams"),
        (["--kind", "wecom", "--url", "ftp://example.com/h"], "must start with https://"),
        (["--kind", "wecom", "--url", "https://example.com/h", "--posts", "x"], "Unknown posts x"),
    ],
)
def test_bad_input_from_the_shell_is_refused_and_nothing_saved(departments, pm, args, message):
    with pytest.raises(CommandError, match=message):
        _run("add", "--department", "development", "--by", "pat.pm", *args)
    assert not ChatRobot.objects.exists()


def test_an_unknown_department_or_robot_is_named(departments, pm):
    with pytest.raises(CommandError, match="No department with the slug 'nowhere'"):
        _run("add", "--department", "nowhere", "--kind", "wecom", "--url", "https://e.com/h")
    with pytest.raises(CommandError, match="No chat robot with the id 99"):
        _run("test", "99")
