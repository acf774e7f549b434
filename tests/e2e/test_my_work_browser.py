"""My work in a browser (docs/architecture.md "My work"): a coordinator lands on it after
logging in, follows an entry to its page, and the page fits a 390 px wide phone in both
languages without scrolling sideways. Screenshots go to var/screenshots/ for a person to
look at."""

from pathlib import Path

from .conftest import login

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


def _fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_coordinator_lands_on_my_work_and_follows_an_entry(page, demo):
    login(page, "dev.coordinator")
    page.wait_for_url("**/me/")
    entries = page.get_by_test_id("my-work-entry")
    assert entries.count() > 0
    first = entries.first.get_by_role("link")
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**{href}")


def test_my_work_fits_a_phone_in_both_languages(page, demo):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, "dev.coordinator")
    page.set_viewport_size(PHONE)
    page.goto("/me/")
    assert page.get_by_role("heading", name="My work", exact=True).is_visible()
    assert _fits_the_width(page)
    page.screenshot(path=SCREENSHOTS / "my_work_en_390.png", full_page=True)

    page.set_viewport_size({"width": 1200, "height": 900})
    page.get_by_role("button", name="简体中文").click()
    page.set_viewport_size(PHONE)
    page.goto("/me/")
    assert page.get_by_role("heading", name="我的工作", exact=True).is_visible()
    assert _fits_the_width(page)
    page.screenshot(path=SCREENSHOTS / "my_work_zh_390.png", full_page=True)
