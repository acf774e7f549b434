"""My work (`/me/`, docs/architecture.md "My work"): each kind of entry appears for the right
people and disappears when dealt with; "answers since I last looked" go after a visit; the
home page sends coordinators and members here and keeps the dashboard for PMs; the page's
queries are bounded whatever the data size. Dates are relative to today, so the tests hold
at PLANBRIDGE_TEST_NOW=2026-12-01T10:00 and 2026-12-31T23:30 too."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from goals import services as goal_services
from meetings import services as meeting_services
from meetings.models import ActionItem, Ask
from planbridge.models import Membership, Profile
from planbridge.periods import add_months, month_start, today
from reviews import services as review_services
from reviews.models import Review
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.goals.factories import CheckInFactory, GoalFactory, PlanItemFactory
from tests.meetings.factories import (
    ActionItemFactory,
    AskFactory,
    MeetingFactory,
    WeeklyUpdateFactory,
    this_week,
)
from tests.reviews.factories import FindingFactory, ReviewFactory

DAY = datetime.timedelta(days=1)
PAGE = "/me/"


def _page(client):
    response = client.get(reverse("my_work"))
    assert response.status_code == 200
    return response


def _titles(client) -> dict[str, list[str]]:
    """The entries' titles of each kind shown on the user's My work."""
    return {
        kind["key"]: [entry.title for entry in kind["entries"]]
        for kind in _page(client).context["kinds"]
    }


def _entries(client) -> dict[str, list]:
    """The entries of each kind shown on the user's My work."""
    return {kind["key"]: kind["entries"] for kind in _page(client).context["kinds"]}


def _review_month() -> datetime.date:
    """A month two months back: carrying from its findings into this month is allowed."""
    return add_months(month_start(today()), -2)


def _closed_review(closed_days_ago: int = 0) -> Review:
    closed_at = timezone.now() - closed_days_ago * DAY
    return ReviewFactory(month=_review_month(), status=Review.Status.CLOSED, closed_at=closed_at)


# ------------------------------------------------------------------- access and the home page


def test_my_work_is_at_me():
    assert reverse("my_work") == PAGE


def test_an_anonymous_visitor_is_sent_to_the_login(anon):
    response = anon.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_my_work_answers_get_only_and_a_post_records_nothing(client_for, sales_member):
    response = client_for(sales_member).post(PAGE)
    assert response.status_code == 405
    assert Profile.objects.get(user=sales_member).my_work_seen_at is None


def test_the_home_page_sends_coordinators_and_members_to_my_work(
    client_for, dev_coordinator, sales_member
):
    for user in (dev_coordinator, sales_member):
        response = client_for(user).get("/")
        assert response.status_code == 302
        assert response["Location"] == PAGE


def test_pms_keep_the_bridge_dashboard_as_their_home_and_have_a_link_to_my_work(client_for, pm):
    response = client_for(pm).get("/")
    assert response.status_code == 200
    assert "rows" in response.context  # the dashboard
    nav = {item["key"]: item for item in response.context["nav_items"]}
    assert nav["dashboard"]["active"]
    assert nav["my_work"]["url"] == PAGE
    assert f'href="{PAGE}"' in response.content.decode()


def test_coordinators_still_reach_the_dashboard(client_for, dev_coordinator):
    response = client_for(dev_coordinator).get(reverse("dashboard"))
    assert response.status_code == 200
    assert "rows" in response.context


def test_the_navigation_says_my_work_in_both_languages(client_for, sales_member):
    client = client_for(sales_member)
    nav = {item["key"]: item for item in _page(client).context["nav_items"]}
    assert nav["my_work"]["active"]
    assert str(nav["my_work"]["label"]) == "My work"
    client.post(reverse("set_language"), {"language": "zh-hans"})
    html = _page(client).content.decode()
    assert "我的工作" in html
    assert "目前没有等待您处理的事项。" in html


def test_nothing_waiting_shows_the_empty_state(client_for, sales_member):
    response = _page(client_for(sales_member))
    assert response.context["kinds"] == []
    assert 'data-testid="my-work-empty"' in response.content.decode()


# ------------------------------------------------------------------------------ weekly update


def test_a_missing_weekly_update_waits_for_its_departments_coordinator_until_submitted(
    client_for, departments, dev_coordinator, marketing_coordinator, dev_member
):
    dana, mia = client_for(dev_coordinator), client_for(marketing_coordinator)
    assert _titles(dana)["meetings.update"] == ["Weekly update of Product Development"]
    assert _titles(mia)["meetings.update"] == ["Weekly update of Marketing"]
    assert "meetings.update" not in _titles(client_for(dev_member))
    [entry] = _entries(dana)["meetings.update"]
    assert entry.url == reverse("meetings:this_week") + f"?department={departments['dev'].pk}"
    assert entry.due == meeting_services.reminder_deadline(this_week())
    assert "Due " in _page(dana).content.decode()

    WeeklyUpdateFactory(department=departments["dev"], week=this_week(), author=dev_coordinator)
    assert "meetings.update" not in _titles(dana)
    assert _titles(mia)["meetings.update"] == ["Weekly update of Marketing"]


# ----------------------------------------------------------------------------- asks, answers


def test_asks_to_my_department_wait_overdue_first_until_answered(
    client_for, departments, dev_coordinator, marketing_coordinator, dev_member
):
    later = AskFactory(
        from_department=departments["marketing"],
        to_department=departments["dev"],
        what="Screenshots",
        created_by=marketing_coordinator,
    )
    AskFactory(
        from_department=departments["marketing"],
        to_department=departments["dev"],
        what="Release notes",
        needed_by=today() - 3 * DAY,
        created_by=marketing_coordinator,
    )
    dana = client_for(dev_coordinator)
    assert _titles(dana)["meetings.asks"] == [
        "Release notes (from Marketing)",
        "Screenshots (from Marketing)",
    ]
    entries = _entries(dana)
    assert [entry.overdue for entry in entries["meetings.asks"]] == [True, False]
    assert 'data-testid="overdue"' in _page(dana).content.decode()
    assert "meetings.asks" not in _titles(client_for(marketing_coordinator))
    assert "meetings.asks" not in _titles(client_for(dev_member))

    meeting_services.ask_answer(actor=dev_coordinator, ask=later, answer="accept")
    assert _titles(dana)["meetings.asks"] == ["Release notes (from Marketing)"]


def test_an_answer_to_my_departments_ask_shows_until_i_have_looked(
    client_for, departments, dev_coordinator, marketing_coordinator, sales_coordinator
):
    ask = AskFactory(
        from_department=departments["marketing"],
        to_department=departments["dev"],
        what="Screenshots",
        created_by=marketing_coordinator,
    )
    mia = client_for(marketing_coordinator)
    assert "meetings.answers" not in _titles(mia)  # this visit is now "last looked"

    meeting_services.ask_answer(
        actor=dev_coordinator, ask=ask, answer="decline", reply="No capacity"
    )
    assert _titles(mia)["meetings.answers"] == ["Screenshots: Declined by Product Development"]
    assert "meetings.answers" not in _titles(client_for(dev_coordinator))
    assert "meetings.answers" not in _titles(client_for(sales_coordinator))
    # Seen: the next visit no longer shows it.
    assert "meetings.answers" not in _titles(mia)


def test_the_first_visit_shows_the_answers_of_the_last_week(
    client_for, departments, dev_coordinator, marketing_coordinator
):
    recent, old = (
        AskFactory(
            from_department=departments["marketing"],
            to_department=departments["dev"],
            what=what,
            state=Ask.State.ACCEPTED,
            answered_by=dev_coordinator,
            answered_at=timezone.now() - days * DAY,
            created_by=marketing_coordinator,
        )
        for what, days in (("Recent", 2), ("Old", 20))
    )
    assert Profile.objects.get(user=marketing_coordinator).my_work_seen_at is None
    titles = _titles(client_for(marketing_coordinator))["meetings.answers"]
    assert titles == ["Recent: Accepted by Product Development"]


def test_visiting_my_work_records_when_i_last_looked(client_for, sales_member):
    before = timezone.now()
    _page(client_for(sales_member))
    seen_at = Profile.objects.get(user=sales_member).my_work_seen_at
    assert seen_at is not None and before <= seen_at <= timezone.now()


# ------------------------------------------------------------------------- carry proposals


def test_a_proposal_for_my_department_waits_until_accepted(
    client_for, departments, dev_coordinator, marketing_coordinator, sales_coordinator
):
    finding = FindingFactory(review=_closed_review(), department=departments["dev"])
    proposal = review_services.finding_propose_item(
        actor=dev_coordinator,
        finding=finding,
        department=departments["marketing"],
        title="Delay the campaign",
    )
    mia = client_for(marketing_coordinator)
    expected = f"New item “Delay the campaign” proposed from “{finding.title}”"
    assert _titles(mia)["reviews.proposals"] == [expected]
    [entry] = _entries(mia)["reviews.proposals"]
    assert entry.url == reverse("reviews:finding_detail", args=[finding.pk])
    for other in (dev_coordinator, sales_coordinator):
        assert "reviews.proposals" not in _titles(client_for(other))

    review_services.carry_proposal_accept(
        actor=marketing_coordinator, proposal=proposal, owner=marketing_coordinator, no_plan=True
    )
    assert "reviews.proposals" not in _titles(mia)


def test_a_carryover_proposed_into_my_departments_item_waits_until_accepted(
    client_for, departments, dev_coordinator, marketing_coordinator
):
    finding = FindingFactory(review=_closed_review(), department=departments["dev"])
    item = PlanItemFactory(department=departments["marketing"], title="Campaign", owner=None)
    carryover = review_services.finding_carry(
        actor=dev_coordinator, finding=finding, plan_item=item
    )
    assert carryover.accepted_at is None
    mia = client_for(marketing_coordinator)
    assert _titles(mia)["reviews.proposals"] == [f"“{finding.title}” proposed into “Campaign”"]
    assert "reviews.proposals" not in _titles(client_for(dev_coordinator))

    review_services.carryover_accept(actor=marketing_coordinator, carryover=carryover)
    assert "reviews.proposals" not in _titles(mia)


# ---------------------------------------------------------------------------- action items


def test_my_action_items_wait_overdue_first_until_done(
    client_for, departments, dev_member, dev_coordinator
):
    meeting = MeetingFactory()
    soon = ActionItemFactory(
        meeting=meeting, owner=dev_member, department=departments["dev"], title="Soon"
    )
    late = ActionItemFactory(
        meeting=meeting, owner=dev_member, department=departments["dev"], title="Late"
    )
    ActionItem.objects.filter(pk=late.pk).update(due=today() - 2 * DAY)
    ActionItemFactory(
        meeting=meeting,
        owner=dev_member,
        department=departments["dev"],
        title="Done",
        status="done",
    )
    devon = client_for(dev_member)
    assert _titles(devon)["meetings.actions"] == ["Late", "Soon"]
    assert "meetings.actions" not in _titles(client_for(dev_coordinator))

    meeting_services.action_item_set_status(
        actor=dev_member, item=soon, status=ActionItem.Status.DONE
    )
    assert _titles(devon)["meetings.actions"] == ["Late"]


# -------------------------------------------------------------------------------- findings


def test_findings_without_disposition_wait_for_their_departments_coordinator(
    client_for, pm, departments, dev_coordinator, marketing_coordinator, dev_member
):
    review = _closed_review(closed_days_ago=30)
    overdue = FindingFactory(review=review, department=departments["dev"], title="Late one")
    FindingFactory(
        review=ReviewFactory(month=add_months(_review_month(), -1)),
        department=departments["dev"],
        title="Still in review",
    )
    recent_review = ReviewFactory(
        month=add_months(_review_month(), 1),
        status=Review.Status.CLOSED,
        closed_at=timezone.now(),
    )
    fresh = FindingFactory(review=recent_review, department=departments["dev"], title="Fresh")
    dana = client_for(dev_coordinator)
    month = f"{review.month:%Y-%m}"
    assert _titles(dana)["reviews.findings"] == [
        f"Late one (Product Development, review of {month})",
        f"Fresh (Product Development, review of {recent_review.month:%Y-%m})",
    ]
    entries = _entries(dana)
    late_entry, fresh_entry = entries["reviews.findings"]
    assert late_entry.overdue and not fresh_entry.overdue
    assert "days left" in str(fresh_entry.note)
    for other in (marketing_coordinator, dev_member):
        assert "reviews.findings" not in _titles(client_for(other))

    review_services.finding_dismiss(actor=pm, finding=overdue, reason="Not ours after all")
    item = PlanItemFactory(department=departments["dev"], owner=dev_coordinator)
    review_services.finding_carry(actor=dev_coordinator, finding=fresh, plan_item=item)
    assert "reviews.findings" not in _titles(dana)


# ----------------------------------------------------------------------------------- goals


def test_my_goals_without_a_check_in_this_month_wait_until_checked_in(
    client_for, departments, dev_member, dev_coordinator
):
    goal = GoalFactory(owner=dev_member, department=departments["dev"], title="Sign-ups")
    last_month = month_start(today()) - DAY
    CheckInFactory(goal=goal, date=last_month, author=dev_member)
    devon = client_for(dev_member)
    assert _titles(devon)["goals.check_ins"] == ["Sign-ups (Product Development)"]
    assert "goals.check_ins" not in _titles(client_for(dev_coordinator))

    goal_services.checkin_create(
        actor=dev_member, goal=goal, date=today(), value=Decimal(10), confidence=6
    )
    assert "goals.check_ins" not in _titles(devon)


# ---------------------------------------------------------------------------- query bound


@pytest.fixture(params=[2, 40], ids=["2-of-each", "40-of-each"])
def busy_coordinator(request, departments, pm, marketing_coordinator):
    """A coordinator of Development (also owning action items and goals) with N entries of
    each kind waiting, and as many of other departments that are not theirs."""
    count = request.param
    coordinator = UserFactory(username="busy.coordinator")
    MembershipFactory(
        user=coordinator, department=departments["dev"], role=Membership.Role.COORDINATOR
    )
    dev, marketing = departments["dev"], departments["marketing"]
    other = DepartmentFactory(name="Other", slug="other")
    review = _closed_review(closed_days_ago=count % 7)
    meeting = MeetingFactory()
    for n in range(count):
        AskFactory(from_department=marketing, to_department=dev, created_by=pm)
        AskFactory(
            from_department=dev,
            to_department=marketing,
            state=Ask.State.DONE,
            answered_at=timezone.now() - DAY,
            done_at=timezone.now() - DAY,
            created_by=coordinator,
        )
        AskFactory(from_department=marketing, to_department=other, created_by=pm)
        finding = FindingFactory(review=review, department=marketing)
        review_services.finding_propose_item(
            actor=marketing_coordinator, finding=finding, department=dev, title=f"Proposal {n}"
        )
        review_services.finding_carry(
            actor=marketing_coordinator,
            finding=FindingFactory(review=review, department=marketing),
            plan_item=PlanItemFactory(department=dev),
        )
        FindingFactory(review=review, department=dev)
        FindingFactory(review=review, department=other)
        ActionItemFactory(meeting=meeting, owner=coordinator, department=dev)
        GoalFactory(owner=coordinator, department=dev)
    return coordinator, count


def test_my_work_runs_a_bounded_number_of_queries(
    client_for, busy_coordinator, django_assert_max_num_queries
):
    coordinator, count = busy_coordinator
    client = client_for(coordinator)
    # Session, user, profile, PM group, memberships and the asks-to-us badge (6); the missing
    # update (1), asks waiting (1), answers since (1), proposals and pending carryovers (2),
    # action items (1), findings with their carryovers and proposals (3), goals (1); the
    # moment seen (1); the navigation's unread-notifications count (1).
    with django_assert_max_num_queries(18):
        response = client.get(PAGE)
    kinds = {kind["key"]: len(kind["entries"]) for kind in response.context["kinds"]}
    assert kinds == {
        "meetings.update": 1,
        "meetings.asks": count,
        "meetings.answers": count,
        "reviews.proposals": 2 * count,
        "meetings.actions": count,
        "reviews.findings": count,
        "goals.check_ins": count,
    }
