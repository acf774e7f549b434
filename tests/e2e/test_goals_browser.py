"""Browser tests of goals: the live SMART check on the goal form, and the demo's rhythm
conflict on the timeline."""

import os

from .conftest import login

SCREENSHOTS = os.environ.get("PLANBRIDGE_SCREENSHOTS")


def smart_letter(page, letter):
    return page.get_by_test_id("smart-check").locator(f'[data-letter="{letter}"]')


def test_a_coordinator_sees_a_vague_goal_fail_s_then_fixes_it(page, demo):
    login(page, "marketing.coordinator")
    page.goto("/goals/new/")
    page.get_by_label("Title").fill("Improve our brand")
    page.get_by_label("Metric").fill("Leads collected")
    page.get_by_label("Unit").fill("leads")
    page.get_by_label("Baseline").fill("0")
    page.get_by_label("Target").fill("2000")
    page.get_by_label("Due").fill(page.get_by_label("Start").input_value())
    # The check runs as the coordinator types; S fails on vague wording without a number.
    s = smart_letter(page, "S")
    s.and_(page.locator('[data-passed="false"]')).wait_for()
    assert "Vague wording" in s.inner_text()
    page.get_by_role("button", name="Save goal").click()
    page.wait_for_url("**/goals/*/")
    assert smart_letter(page, "S").get_attribute("data-passed") == "false"

    page.get_by_role("link", name="Edit goal").click()
    # Until the page's load event htmx has not bound the form's input trigger, and a title
    # typed before that would never be checked.
    page.wait_for_url("**/goals/*/edit/")
    page.get_by_label("Title").fill("Collect 2,000 leads at the spring fair")
    smart_letter(page, "S").and_(page.locator('[data-passed="true"]')).wait_for()
    page.get_by_role("button", name="Save goal").click()
    page.wait_for_url("**/goals/*/")
    assert smart_letter(page, "S").get_attribute("data-passed") == "true"
    assert page.get_by_role("heading", name="Collect 2,000 leads at the spring fair").is_visible()


def test_a_pm_sees_the_demos_conflict_highlighted_on_the_timeline(page, demo):
    login(page, "pm")
    page.goto("/goals/timeline/")
    timeline = page.get_by_test_id("timeline")
    rows = timeline.get_by_test_id("timeline-row")
    assert rows.count() == 3
    warmup = timeline.locator('[data-department="marketing"]').get_by_role(
        "link", name="Start the warm-up campaign"
    )
    assert warmup.get_attribute("data-conflict") == "true"
    border = warmup.evaluate("el => getComputedStyle(el).borderTopColor")
    assert border == "rgb(220, 53, 69)"  # the conflict red
    conflicts = page.get_by_test_id("rhythm-conflicts")
    assert conflicts.is_visible()
    assert "depends on “Develop the core functions” (Product Development)" in conflicts.inner_text()
    # The plan page loads the same conflicts into its own panel.
    page.goto("/plans/")
    page.get_by_role("link", name="New product development and launch").first.click()
    page.get_by_test_id("plan-conflicts").get_by_test_id("rhythm-conflicts").wait_for()
    page.goto("/goals/timeline/")
    if SCREENSHOTS:
        page.set_viewport_size({"width": 1500, "height": 1000})
        page.screenshot(path=os.path.join(SCREENSHOTS, "timeline.png"), full_page=True)
