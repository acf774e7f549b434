"""Notifications in a browser (docs/architecture.md "Notifications"): an ask raised by
Development lights the bell of Marketing's coordinator with the unread count as text; the
list page names the event, one notification is marked read and then all of them, each with a
plain POST form; the e-mail settings are saved per kind. Both pages fit a 390 px wide phone
in both languages (screenshots go to var/screenshots/ for a person to look at)."""

import datetime
from pathlib import Path

from playwright.sync_api import expect

from planbridge.models import Notification, NotificationPreference
from planbridge.periods import today

from .conftest import login

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1200, "height": 900}


def _raise_ask_to_marketing(page, what: str) -> None:
    page.goto("/weekly/asks/new/")
    form = page.get_by_test_id("ask-form")
    form.get_by_label("To department").select_option(label="Marketing")
    form.get_by_label("What is needed").fill(what)
    form.get_by_label("Why").fill("Testing must cover the launch message.")
    form.get_by_label("Needed by").fill((today() + datetime.timedelta(days=4)).isoformat())
    form.get_by_role("button", name="Send ask").click()
    expect(page.get_by_text("Your ask was sent to Marketing.")).to_be_visible()


def _fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_bell_counts_unread_and_the_list_marks_them_read(page, demo):
    login(page, "marketing.coordinator")
    before = int(page.get_by_test_id("notification-count").inner_text())

    login(page, "dev.coordinator")
    # The actor's own bell does not count their ask.
    mine = int(page.get_by_test_id("notification-count").inner_text())
    _raise_ask_to_marketing(page, "Launch checklist review")
    _raise_ask_to_marketing(page, "Press kit wording")
    expect(page.get_by_test_id("notification-count")).to_have_text(str(mine))

    login(page, "marketing.coordinator")
    expect(page.get_by_test_id("notification-count")).to_have_text(str(before + 2))
    page.get_by_test_id("notification-bell").click()
    page.wait_for_url("**/notifications/")
    rows = page.get_by_test_id("notification")
    newest = rows.filter(has_text="Press kit wording")
    expect(newest).to_contain_text("raised an ask to Marketing")
    expect(newest).to_contain_text("unread")

    newest.get_by_role("button", name="Mark read").click()
    expect(page.get_by_test_id("notification-count")).to_have_text(str(before + 1))
    newest = page.get_by_test_id("notification").filter(has_text="Press kit wording")
    expect(newest.get_by_role("button", name="Mark read")).to_have_count(0)

    page.get_by_test_id("notification-read-all").click()
    expect(page.get_by_test_id("notification-count")).to_have_text("0")
    expect(page.get_by_role("button", name="Mark read")).to_have_count(0)
    assert not Notification.objects.filter(
        recipient__username="marketing.coordinator", read_at=None
    ).exists()

    # Following a notification leads to the ask.
    page.get_by_test_id("notification").filter(has_text="Launch checklist review").get_by_role(
        "link"
    ).click()
    expect(page.get_by_role("heading", name="Launch checklist review")).to_be_visible()


def test_the_email_settings_are_saved_per_kind(page, demo):
    login(page, "marketing.coordinator")
    page.goto("/notifications/settings/")
    form = page.get_by_test_id("notification-settings")
    form.get_by_label("Ask raised to my department").select_option(label="No e-mail")
    form.get_by_role("button", name="Save").click()
    preference = NotificationPreference.objects.get(
        user__username="marketing.coordinator", kind=Notification.Kind.ASK_RAISED
    )
    assert preference.delivery == Notification.Delivery.OFF
    page.goto("/notifications/settings/")
    expect(
        page.get_by_test_id("notification-settings").get_by_label("Ask raised to my department")
    ).to_have_value(Notification.Delivery.OFF)


def test_the_notification_pages_fit_a_phone_in_both_languages(page, demo):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, "dev.coordinator")
    _raise_ask_to_marketing(page, "Launch checklist review")
    login(page, "marketing.coordinator")
    for language, heading, settings_heading in (
        ("en", "Notifications", "Notification settings"),
        ("zh", "通知", "通知设置"),
    ):
        if language == "zh":
            page.set_viewport_size(DESKTOP)
            page.get_by_role("button", name="简体中文").click()
        page.set_viewport_size(PHONE)
        page.goto("/me/")
        # The navigation is folded on a phone; the unread count stays in sight.
        expect(page.get_by_test_id("notification-bell-folded")).to_be_visible()
        page.get_by_test_id("notification-bell-folded").click()
        page.wait_for_url("**/notifications/")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert _fits_the_width(page)
        page.screenshot(path=SCREENSHOTS / f"notifications_{language}_390.png", full_page=True)
        page.goto("/notifications/settings/")
        expect(page.get_by_role("heading", name=settings_heading, exact=True)).to_be_visible()
        assert _fits_the_width(page)
        page.screenshot(
            path=SCREENSHOTS / f"notification_settings_{language}_390.png", full_page=True
        )
