"""Weekly coordination in the browser: Development copies last week's plans into its
progress, submits its update and raises an ask to Marketing; Marketing presses Decline
without a reply (refused), then with one; the PM opens this week's meeting and sees
the update, the declined ask and the missing Sales update."""

import datetime

from playwright.sync_api import expect

from planbridge.periods import today

from .conftest import login


def test_update_ask_decline_and_the_meeting_agenda(page, demo):
    login(page, "dev.coordinator")
    page.goto("/weekly/")
    form = page.get_by_test_id("weekly-update-form")
    # Last week's plans stand above the progress box; one click copies them in.
    previous = form.get_by_test_id("previous-plans")
    expect(previous.get_by_test_id("previous-plans-text")).to_have_text(
        "Finish reporting; start internal testing."
    )
    previous.get_by_role("button", name="Copy into this week's progress").click()
    expect(form.get_by_label("Progress this week")).to_have_value(
        "Finish reporting; start internal testing."
    )
    form.get_by_label("Progress this week").fill("Sync engine fixed; reporting almost done.")
    form.get_by_label("Plans for next week").fill("Start internal testing.")
    form.get_by_label("Problems and blockers").fill("Testing needs pilot data.")
    form.get_by_role("button", name="Submit update").click()
    expect(page.get_by_text("The weekly update was saved.")).to_be_visible()

    page.get_by_role("link", name="Raise an ask from this update").click()
    ask_form = page.get_by_test_id("ask-form")
    ask_form.get_by_label("To department").select_option(label="Marketing")
    ask_form.get_by_label("What is needed").fill("Launch checklist review")
    ask_form.get_by_label("Why").fill("Testing must cover the launch message.")
    needed_by = (today() + datetime.timedelta(days=4)).isoformat()
    ask_form.get_by_label("Needed by").fill(needed_by)
    ask_form.get_by_role("button", name="Send ask").click()
    expect(page.get_by_text("Your ask was sent to Marketing.")).to_be_visible()

    login(page, "marketing.coordinator")
    page.goto("/weekly/")
    # The demo's overdue ask for sales material, and the new one.
    expect(page.get_by_test_id("weekly-badge")).to_have_text("2")
    page.get_by_test_id("asks-to-us").get_by_role("link", name="Launch checklist review").click()
    answer = page.get_by_test_id("ask-answer-form")
    expect(answer.get_by_role("button")).to_have_text(["Accept", "Decline", "Mark done"])
    answer.get_by_role("button", name="Decline", exact=True).click()
    expect(page.get_by_text("Say why the ask is declined: a reply is required.")).to_be_visible()
    expect(page.get_by_test_id("ask-state")).to_have_text("Open")
    answer = page.get_by_test_id("ask-answer-form")
    answer.get_by_label("Reply").fill("Not before the feature freeze.")
    answer.get_by_role("button", name="Decline", exact=True).click()
    expect(page.get_by_text("Your answer was saved.")).to_be_visible()
    expect(page.get_by_test_id("ask-state")).to_have_text("Declined")
    expect(page.get_by_test_id("ask-reply")).to_have_text("Not before the feature freeze.")
    expect(page.get_by_test_id("ask-answer-form")).to_have_count(0)

    login(page, "pm")
    page.goto("/weekly/")
    page.get_by_test_id("week-meetings").get_by_role("list").get_by_role("link").first.click()
    expect(page.get_by_test_id("agenda-updates")).to_contain_text(
        "Sync engine fixed; reporting almost done."
    )
    answered = page.get_by_test_id("agenda-answered-asks")
    row = answered.get_by_test_id("ask-row").filter(has_text="Launch checklist review")
    expect(row).to_contain_text("Declined")
    expect(row).to_contain_text("Not before the feature freeze.")
    missing = page.get_by_test_id("agenda-missing")
    expect(missing.get_by_test_id("missing-department")).to_have_text(["Sales"])
