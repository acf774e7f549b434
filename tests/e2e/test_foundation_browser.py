from .conftest import login


def test_a_coordinator_logs_in_switches_to_chinese_and_logs_out(page, demo):
    login(page, "dev.coordinator")
    nav = page.get_by_test_id("main-nav")
    for label in ["Dashboard", "Plans", "Goals", "Weekly", "Reviews"]:
        assert nav.get_by_role("link", name=label, exact=True).is_visible()

    page.get_by_role("button", name="简体中文").click()
    nav = page.get_by_test_id("main-nav")
    for label in ["仪表板", "计划", "目标", "每周", "复盘"]:
        assert nav.get_by_role("link", name=label, exact=True).is_visible()

    page.get_by_role("button", name="Wei Chen").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login/")
    assert page.get_by_role("button", name="登录").is_visible()
