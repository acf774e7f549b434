"""A meeting's time and place in a browser: the demo meeting's page says when and where, the
facilitator changes it on its own page, an end before the start is refused on the field with
nothing saved, and the moved meeting is shown with its new time. With PLANBRIDGE_SCREENSHOTS
set, the meeting page, the change form and the meetings list are saved at desktop width and
390 px, in English and Chinese."""

import os
from pathlib import Path

from playwright.sync_api import expect

from meetings.models import Meeting

from .conftest import login

SCREENSHOTS = os.environ.get("PLANBRIDGE_SCREENSHOTS")


def _shoot(page, name, *, fits=True):
    if not SCREENSHOTS:
        return
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        fitting = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fitting or not fits, f"{name} is wider than {width} px"
        page.screenshot(path=folder / f"{name}_{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_facilitator_moves_the_meeting_and_its_page_says_when_and_where(page, demo):
    meeting = Meeting.objects.order_by("-date").first()
    login(page, "pm")
    page.goto(f"/weekly/meetings/{meeting.pk}/")
    expect(page.get_by_test_id("meeting-time")).to_contain_text("10:00–11:00")
    expect(page.get_by_test_id("meeting-place")).to_have_text("at Meeting room 3, second floor")
    expect(page.get_by_test_id("meeting-link")).to_have_attribute("href", meeting.link)
    # The agenda's tables below the header are wider than a phone, with or without a time.
    _shoot(page, "meeting_detail_en", fits=False)

    page.get_by_test_id("reschedule-meeting").click()
    page.wait_for_url(f"**/weekly/meetings/{meeting.pk}/edit/")
    page.get_by_label("Starts at").fill("15:00")
    page.get_by_label("Ends at").fill("14:00")
    page.get_by_role("button", name="Save time and place").click()
    expect(page.get_by_text("The meeting must end after it starts.")).to_be_visible()
    _shoot(page, "meeting_schedule_form_en")
    meeting.refresh_from_db()
    assert (meeting.start_time.hour, meeting.sequence) == (10, 0)

    page.get_by_label("Ends at").fill("16:00")
    page.get_by_label("Place").fill("Room 5")
    page.get_by_role("button", name="Save time and place").click()
    page.wait_for_url(f"**/weekly/meetings/{meeting.pk}/")
    expect(page.get_by_test_id("meeting-time")).to_contain_text("15:00–16:00")
    expect(page.get_by_test_id("meeting-place")).to_have_text("at Room 5")
    meeting.refresh_from_db()
    assert (meeting.start_time.hour, meeting.place, meeting.sequence) == (15, "Room 5", 1)

    if SCREENSHOTS:
        page.goto("/weekly/meetings/")
        _shoot(page, "meeting_list_en")
        page.get_by_role("button", name="简体中文").click()
        page.goto(f"/weekly/meetings/{meeting.pk}/")
        expect(page.get_by_test_id("meeting-place")).to_have_text("地点：Room 5")
        _shoot(page, "meeting_detail_zh", fits=False)
        page.goto(f"/weekly/meetings/{meeting.pk}/edit/")
        page.get_by_label("结束时间").fill("09:00")
        page.get_by_role("button", name="保存时间和地点").click()
        expect(page.get_by_text("会议的结束时间必须晚于开始时间。")).to_be_visible()
        _shoot(page, "meeting_schedule_form_zh")
        page.goto("/weekly/meetings/new/")
        _shoot(page, "meeting_form_zh")
        page.goto("/weekly/meetings/")
        _shoot(page, "meeting_list_zh")
        page.get_by_role("button", name="English").click()
