"""A coordinator adds a DingTalk robot for their department in a browser, sends a test
message and sees the platform's answer: the local DingTalk contract server checks the
signature and answers (docs/architecture.md "Chat robots")."""

import pytest

from planbridge.models import ChatRobot
from tests.robot_servers import RobotServer

from .conftest import login


@pytest.fixture(autouse=True)
def _private_webhooks(settings):
    settings.PLANBRIDGE_ALLOW_PRIVATE_WEBHOOKS = True


def test_a_coordinator_adds_a_dingtalk_robot_and_sees_the_platforms_answer(page, demo):
    with RobotServer("dingtalk", secret="SECbrowsersecret") as server:
        login(page, "dev.coordinator")
        page.get_by_role("button", name="Wei Chen").click()
        page.get_by_role("link", name="Chat robots").click()
        page.get_by_role("link", name="Product Development").click()
        page.get_by_label("Platform").select_option("dingtalk")
        page.get_by_label("Webhook URL").fill(server.url)
        page.get_by_label("Signing secret").fill("SECbrowsersecret")
        page.get_by_label("Language of its messages").select_option("en")
        page.get_by_role("button", name="Save").click()
        row = page.get_by_test_id(f"robot-{ChatRobot.objects.get().pk}")
        assert "127.0.0.1 …0001" in row.inner_text()
        assert "dingtoken0001" not in page.content()
        row.get_by_role("button", name="Send a test message").click()
        page.get_by_text("The platform answered: ok").wait_for()
    assert len(server.received) == 1
    assert server.received[0]["markdown"]["title"] == "PlanBridge test message"


def test_a_wrong_secret_shows_the_platforms_refusal(page, demo):
    with RobotServer("dingtalk", secret="SECright") as server:
        login(page, "dev.coordinator")
        page.goto("/robots/department/development/")
        page.get_by_label("Platform").select_option("dingtalk")
        page.get_by_label("Webhook URL").fill(server.url)
        page.get_by_label("Signing secret").fill("SECwrong")
        page.get_by_role("button", name="Save").click()
        page.get_by_role("button", name="Send a test message").click()
        page.get_by_text("The platform refused the test message: 310000: sign not match").wait_for()
        assert page.get_by_test_id("robot-error").is_visible()
    assert server.received == []


def test_the_robot_pages_fit_a_phone_in_both_languages(page, demo):
    from pathlib import Path

    from django.contrib.auth.models import User

    from planbridge.models import Department
    from planbridge.robots.services import robot_add

    screenshots = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    robot_add(
        actor=User.objects.get(username="dev.coordinator"),
        department=Department.objects.get(slug="development"),
        kind=ChatRobot.Kind.FEISHU,
        url="https://open.feishu.cn/open-apis/bot/v2/hook/phone0001",
        secret="feishu-secret",
        language="zh-hans",
        posts=["digest", "asks"],
    )
    login(page, "dev.coordinator")
    for language in ("en", "zh"):
        if language == "zh":
            page.set_viewport_size({"width": 1200, "height": 900})
            page.get_by_role("button", name="简体中文").click()
        page.set_viewport_size({"width": 390, "height": 844})
        for name, path in (
            ("robots", "/robots/"),
            ("robots_dept", "/robots/department/development/"),
        ):
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=screenshots / f"{name}_{language}_390.png", full_page=True)
            if path != "/robots/":
                row = page.get_by_test_id(f"robot-{ChatRobot.objects.get().pk}")
                words = {"en": "Daily digest of flagged findings", "zh": "被标记发现的每日摘要"}
                assert words[language] in row.inner_text()
        assert "phone0001" not in page.content()
