"""The whole loop in a browser at the edges of time (docs/architecture.md "Periods at the
edges"), on the story's own calendar: the plan "New product R&D and launch" is created on
Tuesday 1 December 2026 and starts in January; the week of Monday 30 November spans two
months. Development reports a problem, Marketing declines an ask, the PM's meeting gives
Development an action item that is still open at next week's meeting; December's review
lists the three, one finding is carried (into a new January item and an existing February
item), one dismissed and one left open; after the grace period the flag job flags exactly
that one, its coordinator and the PM each get one digest, the coordinator carries it from
the digest link, and the dashboard shows 2 of 3 in time.

The test sets its own clock with time-machine (the live server runs in this process, so it
follows), which is why it passes whatever the real date is; the browser's cookies are
session cookies, so a real clock far from the story cannot expire them."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings as django_settings
from playwright.sync_api import expect

from goals.models import PlanItem
from planbridge.models import Membership
from reviews.models import Carryover, Finding
from reviews.tasks import flag_unlinked_findings, send_unlinked_digests
from tests.clock import moment
from tests.factories import DepartmentFactory, MembershipFactory, PlanFactory, UserFactory, make_pm
from tests.goals.factories import PlanItemFactory
from tests.smtp import Mailbox, SMTPServer

from .conftest import login

PASSWORD = "correct-horse-battery"  # tests.factories.PASSWORD
PLAN_TITLE = "New product R&D and launch"


def at(day: str) -> time_machine.travel:
    """The story's clock at 10:00 of `day` in TIME_ZONE, read as PLANBRIDGE_TEST_NOW is."""
    return time_machine.travel(moment(f"{day}T10:00", django_settings.TIME_ZONE), tick=True)


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username, PASSWORD)


@pytest.fixture
def story(transactional_db, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    settings.LANGUAGE_COOKIE_AGE = None
    settings.PLANBRIDGE_CARRY_GRACE_DAYS = 7
    with at("2026-12-01"):
        pm = make_pm("pat.pm")
        pm.last_name = "PM"
        pm.save()
        dev = DepartmentFactory(name="Product Development", slug="dev")
        marketing = DepartmentFactory(name="Marketing", slug="marketing")
        sales = DepartmentFactory(name="Sales", slug="sales")
        people = {}
        for username, first, department in [
            ("dana.dev", "Dana", dev),
            ("mia.marketing", "Mia", marketing),
            ("sam.sales", "Sam", sales),
        ]:
            user = UserFactory(username=username, first_name=first, last_name="Lee")
            MembershipFactory(user=user, department=department, role=Membership.Role.COORDINATOR)
            people[username] = user
        plan = PlanFactory(
            title=PLAN_TITLE,
            owner=pm,
            start=datetime.date(2027, 1, 1),
            end=datetime.date(2027, 3, 31),
        )
        plan.team.set([pm, *people.values()])
        later_item = PlanItemFactory(
            plan=plan,
            department=dev,
            owner=people["dana.dev"],
            title="Pilot with the first customers",
            month=datetime.date(2027, 2, 1),
            start=datetime.date(2027, 2, 1),
            due=datetime.date(2027, 2, 26),
        )
    return {"pm": pm, "plan": plan, "later_item": later_item, **people}


def test_the_loop_holds_across_the_month_edge(page, story, settings):
    plan = story["plan"]

    # Tuesday 1 December: this week's update, a declined ask, a meeting with an action item.
    with at("2026-12-01"):
        sign_in(page, "dana.dev")
        page.goto("/weekly/")
        switcher = page.get_by_test_id("week-switcher")
        switcher.get_by_label("Plan").select_option(label=PLAN_TITLE)
        switcher.get_by_role("button", name="Show").click()
        form = page.get_by_test_id("weekly-update-form")
        form.get_by_label("Progress this week").fill("Architecture signed off.")
        form.get_by_label("Plans for next week").fill("Start the integration of module A.")
        form.get_by_label("Problems and blockers").fill("Core module B delayed two weeks")
        form.get_by_role("button", name="Submit update").click()
        expect(page.get_by_text("The weekly update was saved.")).to_be_visible()

        page.get_by_role("link", name="Raise an ask from this update").click()
        ask_form = page.get_by_test_id("ask-form")
        ask_form.get_by_label("To department").select_option(label="Marketing")
        ask_form.get_by_label("What is needed").fill("Launch message draft")
        ask_form.get_by_label("Needed by").fill("2026-12-04")
        ask_form.get_by_role("button", name="Send ask").click()
        expect(page.get_by_text("Your ask was sent to Marketing.")).to_be_visible()

        sign_in(page, "mia.marketing")
        page.goto("/weekly/")
        page.get_by_test_id("asks-to-us").get_by_role("link", name="Launch message draft").click()
        answer = page.get_by_test_id("ask-answer-form")
        answer.get_by_label("Reply").fill("Not before the feature freeze.")
        answer.get_by_role("button", name="Decline", exact=True).click()
        expect(page.get_by_test_id("ask-reply")).to_have_text("Not before the feature freeze.")

        sign_in(page, "pat.pm")
        page.goto("/weekly/meetings/new/")
        meeting_form = page.get_by_test_id("meeting-form")
        meeting_form.get_by_label("Date").fill("2026-12-01")
        meeting_form.get_by_label("Plan").select_option(label=PLAN_TITLE)
        meeting_form.get_by_role("button", name="Create meeting").click()
        expect(page.get_by_test_id("agenda-updates")).to_contain_text(
            "Core module B delayed two weeks"
        )
        action_form = page.get_by_test_id("action-form")
        action_form.get_by_label("Action").fill("Re-plan the integration of module B")
        action_form.get_by_label("Owner").select_option(label="Dana Lee")
        action_form.get_by_label("Department").select_option(label="Product Development")
        action_form.get_by_label("Due").fill("2026-12-03")
        action_form.get_by_role("button", name="Add action item").click()
        expect(page.get_by_test_id("meeting-action")).to_contain_text(
            "Re-plan the integration of module B"
        )

    # Tuesday 8 December: next week's meeting still shows the action item, overdue.
    with at("2026-12-08"):
        sign_in(page, "pat.pm")
        page.goto("/weekly/meetings/new/")
        meeting_form = page.get_by_test_id("meeting-form")
        meeting_form.get_by_label("Date").fill("2026-12-08")
        meeting_form.get_by_label("Plan").select_option(label=PLAN_TITLE)
        meeting_form.get_by_role("button", name="Create meeting").click()
        carried = page.get_by_test_id("agenda-carried-actions").get_by_test_id("carried-action")
        expect(carried).to_contain_text("Re-plan the integration of module B")
        expect(carried).to_contain_text("Overdue")

    # Monday 28 December, in the month's last five days: December's review.
    with at("2026-12-28"):
        sign_in(page, "pat.pm")
        page.goto("/reviews/new/")
        page.get_by_label("Month").fill("2026-12")
        page.get_by_label("Plan").select_option(label=PLAN_TITLE)
        page.get_by_role("button", name="Create review").click()
        page.get_by_role("button", name="Open the review").click()
        expect(page.get_by_test_id("review-status")).to_have_text("Open")
        review_url = page.url

        problem = make_finding(page, "weekly_update", "Core module B delayed two weeks")
        expect(
            page.get_by_role("heading", name=re.compile("Core module B delayed"))
        ).to_be_visible()
        carry = page.get_by_test_id("carry-new")
        carry.get_by_label("Department").select_option(label="Product Development")
        carry.get_by_label("Title of the new plan item").fill("Recover the module B schedule")
        expect(carry.get_by_label("Month")).to_have_value("2027-01")
        expect(carry.get_by_label("Owner")).to_have_value(str(story["dana.dev"].pk))
        carry.get_by_role("button", name="Carry into new item").click()
        disposition = page.get_by_test_id("disposition")
        expect(
            disposition.get_by_role("link", name="Recover the module B schedule")
        ).to_be_visible()
        existing = page.get_by_test_id("carry-existing")
        existing.get_by_label("Plan item").select_option(value=str(story["later_item"].pk))
        existing.get_by_role("button", name="Carry").click()
        expect(
            page.get_by_test_id("disposition").get_by_role(
                "link", name="Pilot with the first customers"
            )
        ).to_be_visible()

        page.goto(review_url)
        declined = make_finding(page, "ask", "Launch message draft")
        dismiss = page.get_by_test_id("dismiss")
        dismiss.get_by_label("Why is this finding dismissed?").fill(
            "The launch message waits for the feature freeze, as agreed."
        )
        dismiss.get_by_role("button", name="Dismiss finding").click()
        expect(page.get_by_text("The launch message waits for the feature freeze")).to_be_visible()

        page.goto(review_url)
        left_open = make_finding(page, "action_item", "Re-plan the integration of module B")

        page.goto(review_url)
        page.get_by_role("link", name="Close the review").click()
        page.get_by_test_id("confirm").click()
        expect(page.get_by_test_id("review-status")).to_have_text("Closed")

    new_item = PlanItem.objects.get(title="Recover the module B schedule")
    assert new_item.plan_id == plan.pk
    assert new_item.owner_id == story["dana.dev"].pk
    assert new_item.month == datetime.date(2027, 1, 1)
    assert set(
        Carryover.objects.filter(finding=problem, accepted_at__isnull=False).values_list(
            "plan_item_id", flat=True
        )
    ) == {new_item.pk, story["later_item"].pk}
    assert Finding.objects.get(pk=declined.pk).dismissed_at is not None

    # Tuesday 5 January, past the seven days' grace: the flag job and the digests.
    with at("2027-01-05"):
        assert flag_unlinked_findings() == 1
        assert list(Finding.objects.filter(flagged_at__isnull=False)) == [left_open]
        with SMTPServer(Mailbox()) as server:
            server.settings_for(settings)
            send_unlinked_digests.delay()
        recipients = sorted(message["To"] for message in server.mailbox.messages)
        # Dana's department holds the flagged finding and Pat facilitated the review; Mia's
        # Marketing had a finding in the review Pat closed, which her daily digest reports.
        assert recipients == sorted(
            [story["dana.dev"].email, story["pm"].email, story["mia.marketing"].email]
        )
        to_mia = next(m for m in server.mailbox.messages if m["To"] == story["mia.marketing"].email)
        to_mia_text = to_mia.get_body(preferencelist=("plain",)).get_content()
        assert "Notifications since your last digest" in to_mia_text
        assert "Re-plan the integration of module B" not in to_mia_text
        to_dana = next(m for m in server.mailbox.messages if m["To"] == story["dana.dev"].email)
        text = to_dana.get_body(preferencelist=("plain",)).get_content()
        assert "Re-plan the integration of module B" in text
        link = re.search(r"https?://\S+/reviews/findings/\d+/\S*", text).group(0)

        sign_in(page, "dana.dev")
        page.goto(re.sub(r"^https?://[^/]+", "", link))
        carry = page.get_by_test_id("carry-new")
        carry.get_by_label("Title of the new plan item").fill("Integration plan for module B")
        expect(carry.get_by_label("Month")).to_have_value("2027-01")
        carry.get_by_role("button", name="Carry into new item").click()
        expect(
            page.get_by_test_id("disposition").get_by_role(
                "link", name="Integration plan for module B"
            )
        ).to_be_visible()
        assert Finding.objects.get(pk=left_open.pk).flagged_at is None

        sign_in(page, "pat.pm")
        page.goto(f"/?plan={plan.pk}&month_from=2026-12&month_to=2026-12")
        expect(page.get_by_test_id("rate-in-time")).to_have_text("2")
        expect(page.get_by_test_id("rate-due")).to_have_text("3")


def make_finding(page, kind: str, text: str) -> Finding:
    """Turns the evidence line of `kind` holding `text` into a finding, keeping the proposed
    title, and returns it (the page is then the finding's)."""
    line = (
        page.get_by_test_id(f"evidence-{kind}")
        .get_by_test_id("evidence-line")
        .filter(has_text=text)
    )
    expect(line).to_have_count(1)
    line.get_by_role("button", name="Make a finding").click()
    form = page.get_by_test_id("evidence-finding-form")
    expect(form.get_by_label("Title")).not_to_have_value("")
    form.get_by_role("button", name="Record finding").click()
    page.wait_for_url("**/reviews/findings/*/")
    return Finding.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
