"""Evidence at the edges of time (docs/architecture.md "Periods at the edges"): a week spanning
two months is evidence for both; what was overdue since an earlier month stays evidence; what
was done in time is not; a line an earlier review already made a finding of links to it; a
finding made from a line is titled with the problem and can be edited before it is saved.

Every date is relative to periods.today(): the reviews are of this month and the month before
(a review of a month not yet begun cannot be created), so the tests hold at any moment,
PLANBRIDGE_TEST_NOW=2026-12-01T10:00 and 2026-12-31T23:30 included."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse

from goals.models import PlanItem
from meetings.models import ActionItem, Ask
from planbridge import periods
from reviews.models import Finding
from reviews.selectors import review_evidence
from reviews.selectors.evidence import EarlierFinding
from tests.factories import PlanFactory
from tests.goals.factories import PlanItemFactory
from tests.meetings.factories import (
    ActionItemFactory,
    AskFactory,
    MeetingFactory,
    WeeklyUpdateFactory,
)

from .factories import FindingFactory, ReviewFactory

DAY = datetime.timedelta(days=1)


def this_month() -> datetime.date:
    return periods.month_start(periods.today())


def last_month() -> datetime.date:
    return periods.add_months(this_month(), -1)


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(12), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )


def lines_of(review, kind):
    return {line.object_id: line for line in review_evidence(review).lines(kind)}


@pytest.fixture
def story_plan(pm, dev_coordinator, marketing_coordinator):
    """A plan running from three months ago to three months ahead."""
    plan = PlanFactory(
        title="New product R&D and launch",
        owner=pm,
        start=periods.add_months(this_month(), -3),
        end=periods.month_end(periods.add_months(this_month(), 3)),
    )
    plan.team.set([pm, dev_coordinator, marketing_coordinator])
    return plan


@pytest.fixture
def review_now(pm, story_plan):
    """This month's open review (its evidence is as of today)."""
    return ReviewFactory(month=this_month(), plan=story_plan, facilitator=pm)


@pytest.fixture
def review_before(pm, story_plan):
    """Last month's review, closed (its evidence is as of the month's last day)."""
    return ReviewFactory(month=last_month(), plan=story_plan, facilitator=pm, closed=True)


# ------------------------------------------------------------------------ weeks and months


def spanning_week() -> tuple[datetime.date, datetime.date]:
    """The latest month up to this one that does not begin on a Monday, and the Monday of
    its first week, which lies in the month before."""
    month = this_month()
    while month.weekday() == 0:
        month = periods.add_months(month, -1)
    return month, periods.week_start(month)


def test_a_week_spanning_two_months_is_evidence_for_both(pm, story_plan, departments):
    month, week = spanning_week()
    earlier = periods.add_months(month, -1)
    assert week < month and periods.month_start(week) == earlier
    update = WeeklyUpdateFactory(
        department=departments["dev"],
        week=week,
        plan=story_plan,
        problems="Core module B delayed two weeks",
        author=pm,
    )
    week_before = WeeklyUpdateFactory(
        department=departments["dev"],
        week=week - 7 * DAY,
        plan=story_plan,
        problems="Supplier late",
        author=pm,
    )
    first = ReviewFactory(month=earlier, plan=story_plan, facilitator=pm, closed=True)
    second = ReviewFactory(month=month, plan=story_plan, facilitator=pm)
    assert set(lines_of(first, "weekly_update")) == {update.pk, week_before.pk}
    lines = lines_of(second, "weekly_update")
    assert set(lines) == {update.pk}
    assert lines[update.pk].since == f"reported in the week of {week.isoformat()}"


# ---------------------------------------------------------------- overdue since earlier months


def test_an_action_item_overdue_since_an_earlier_month_is_evidence(
    pm, story_plan, departments, dev_coordinator, review_now, review_before
):
    meeting = MeetingFactory(plan=story_plan, date=last_month(), facilitator=pm)
    late = ActionItemFactory(
        meeting=meeting,
        title="Re-plan the integration of module B",
        owner=dev_coordinator,
        department=departments["dev"],
        due=last_month() + 4 * DAY,
    )
    in_time = ActionItemFactory(
        meeting=meeting,
        owner=dev_coordinator,
        department=departments["dev"],
        due=last_month() + 4 * DAY,
        status=ActionItem.Status.DONE,
        done_at=at_noon(last_month() + 2 * DAY),
    )
    lines = lines_of(review_now, "action_item")
    assert set(lines) == {late.pk}
    line = lines[late.pk]
    assert line.since == f"overdue since {(late.due + DAY).isoformat()}"
    owner = dev_coordinator.get_full_name() or dev_coordinator.username
    assert line.finding_title == (
        f"Overdue action: Re-plan the integration of module B ({owner}, Product Development), "
        f"due {late.due.isoformat()}, still open"
    )
    assert in_time.pk not in lines_of(review_before, "action_item")
    assert late.pk in lines_of(review_before, "action_item")


def test_an_action_item_done_late_in_the_month_is_evidence_of_that_month(
    pm, story_plan, departments, dev_coordinator, review_now
):
    meeting = MeetingFactory(plan=story_plan, date=last_month(), facilitator=pm)
    done_late = ActionItemFactory(
        meeting=meeting,
        owner=dev_coordinator,
        department=departments["dev"],
        due=last_month() + 4 * DAY,
        status=ActionItem.Status.DONE,
        done_at=at_noon(periods.today()),
    )
    line = lines_of(review_now, "action_item")[done_late.pk]
    assert line.since == f"done late on {periods.today().isoformat()}"
    assert line.finding_title.startswith(f"Done late: {done_late.title} (")


def test_an_ask_overdue_since_an_earlier_month_is_evidence(
    pm, story_plan, departments, review_now, review_before
):
    overdue = AskFactory(
        from_department=departments["dev"],
        to_department=departments["marketing"],
        plan=story_plan,
        what="Launch message draft",
        needed_by=last_month() + 4 * DAY,
        created_by=pm,
    )
    answered_in_time = AskFactory(
        from_department=departments["dev"],
        to_department=departments["marketing"],
        plan=story_plan,
        needed_by=last_month() + 4 * DAY,
        state=Ask.State.DONE,
        answered_at=at_noon(last_month() + DAY),
        created_by=pm,
    )
    lines = lines_of(review_now, "ask")
    assert set(lines) == {overdue.pk}
    line = lines[overdue.pk]
    assert line.since == f"overdue since {(overdue.needed_by + DAY).isoformat()}"
    assert line.finding_title == (
        "Overdue ask: Launch message draft (Product Development → Marketing), "
        f"needed by {overdue.needed_by.isoformat()}, unanswered"
    )
    assert line.department == departments["marketing"]
    assert answered_in_time.pk not in lines_of(review_before, "ask")


def test_an_ask_is_evidence_of_the_month_it_was_declined_in(
    pm, story_plan, departments, review_now, review_before
):
    def declined(answered_on, needed_by):
        return AskFactory(
            from_department=departments["dev"],
            to_department=departments["marketing"],
            plan=story_plan,
            what=f"Launch message draft {answered_on}",
            needed_by=needed_by,
            state=Ask.State.DECLINED,
            reply="Not before the feature freeze.",
            answered_at=at_noon(answered_on),
            created_by=pm,
        )

    # Declined today although needed next month; declined last month although needed now.
    now = declined(periods.today(), periods.add_months(this_month(), 1) + 2 * DAY)
    before = declined(last_month() + 3 * DAY, this_month() + 2 * DAY)
    assert set(lines_of(review_now, "ask")) == {now.pk}
    assert set(lines_of(review_before, "ask")) == {before.pk}
    line = lines_of(review_now, "ask")[now.pk]
    assert line.since == f"declined on {periods.today().isoformat()}"
    assert line.finding_title == f"Declined: {now.what} (Product Development → Marketing)"


def test_a_plan_item_overdue_since_an_earlier_month_is_evidence_and_one_done_in_time_is_not(
    story_plan, departments, review_now, review_before
):
    def item(title, status, due):
        return PlanItemFactory(
            plan=story_plan,
            department=departments["dev"],
            month=last_month(),
            title=title,
            start=last_month(),
            due=due,
            status=status,
        )

    overdue = item("Core development", PlanItem.Status.IN_PROGRESS, last_month() + 19 * DAY)
    month_end = item("Integration", PlanItem.Status.BLOCKED, periods.month_end(last_month()))
    done = item("Architecture", PlanItem.Status.DONE, last_month() + 19 * DAY)
    dropped = item("Old prototype", PlanItem.Status.DROPPED, last_month() + 19 * DAY)
    now = lines_of(review_now, "plan_item")
    assert set(now) == {overdue.pk, month_end.pk}
    assert now[overdue.pk].since == f"overdue since {(overdue.due + DAY).isoformat()}"
    assert now[overdue.pk].finding_title == (
        f"Overdue: Core development (Product Development), due {overdue.due.isoformat()}, "
        "still in progress"
    )
    # Still open on the last day of the month it was due in: overdue for that month too.
    before = lines_of(review_before, "plan_item")
    assert set(before) == {overdue.pk, month_end.pk}
    assert before[month_end.pk].finding_title == (
        f"Overdue: Integration (Product Development), due {month_end.due.isoformat()}, "
        "still blocked"
    )
    assert done.pk not in before and dropped.pk not in before


def test_an_item_of_a_running_month_not_yet_due_is_not_called_overdue(
    story_plan, departments, review_now
):
    later = PlanItemFactory(
        plan=story_plan, department=departments["dev"], month=this_month(), title="Launch"
    )
    # Due on the month's last day, so never overdue while the month runs.
    line = lines_of(review_now, "plan_item")[later.pk]
    assert line.since == ""
    assert line.finding_title.startswith("Not done: Launch (Product Development), due ")


# ----------------------------------------------------------------- findings of earlier reviews


def test_a_line_already_found_in_an_earlier_review_links_to_that_finding(
    client_for, pm, story_plan, departments, review_now, review_before
):
    overdue = PlanItemFactory(
        plan=story_plan,
        department=departments["dev"],
        month=last_month(),
        title="Core development",
        start=last_month(),
        due=last_month() + 19 * DAY,
        status=PlanItem.Status.IN_PROGRESS,
    )
    earlier = FindingFactory(
        review=review_before,
        department=departments["dev"],
        evidence_kind="plan_item",
        evidence_object_id=overdue.pk,
    )
    own = FindingFactory(
        review=review_now,
        department=departments["dev"],
        evidence_kind="plan_item",
        evidence_object_id=overdue.pk,
    )
    line = lines_of(review_now, "plan_item")[overdue.pk]
    assert line.earlier_findings == [EarlierFinding(pk=earlier.pk, review_month=last_month())]
    assert line.finding_ids == [own.pk]
    # Last month's review sees its own finding, not this month's (a later review).
    before = lines_of(review_before, "plan_item")[overdue.pk]
    assert before.finding_ids == [earlier.pk] and before.earlier_findings == []

    page = client_for(pm).get(reverse("reviews:review_detail", args=[review_now.pk]))
    content = page.content.decode()
    assert reverse("reviews:finding_detail", args=[earlier.pk]) in content
    assert f"already a finding of the review of {last_month():%Y-%m}" in content


# ------------------------------------------------------------------- a finding made from a line


def test_a_finding_from_a_line_names_the_problem_and_is_edited_before_it_is_saved(
    client_for, pm, story_plan, departments
):
    month, week = spanning_week()
    update = WeeklyUpdateFactory(
        department=departments["dev"],
        week=week,
        plan=story_plan,
        problems="Core module B delayed two weeks\nThe supplier's parts arrive late.",
        author=pm,
    )
    review = ReviewFactory(month=month, plan=story_plan, facilitator=pm)
    client = client_for(pm)
    url = reverse("reviews:finding_from_evidence", args=[review.pk])
    opened = client.get(url, {"evidence_kind": "weekly_update", "evidence_object_id": update.pk})
    assert opened.status_code == 200
    initial = opened.context["form"].initial
    assert initial["title"] == (
        "Problem reported by Product Development: Core module B delayed two weeks"
    )
    assert "The supplier's parts arrive late." in initial["detail"]
    assert 'data-testid="evidence-finding-form"' in opened.content.decode()

    posted = client.post(
        url,
        {
            **initial,
            "department": departments["dev"].pk,
            "title": "Module B is two weeks late: the supplier's parts",
            "severity": Finding.Severity.HIGH,
        },
    )
    finding = Finding.objects.get()
    assert posted.status_code == 302
    assert finding.title == "Module B is two weeks late: the supplier's parts"
    assert finding.severity == Finding.Severity.HIGH
    assert (finding.evidence_kind, finding.evidence_object_id) == ("weekly_update", update.pk)
    line = review_evidence(review).find("weekly_update", update.pk)
    assert line.finding_ids == [finding.pk]


def test_a_finding_from_a_line_no_longer_in_the_evidence_is_refused_and_nothing_saved(
    client_for, pm, story_plan, departments, review_now
):
    ask = AskFactory(
        from_department=departments["dev"],
        to_department=departments["marketing"],
        plan=story_plan,
        needed_by=last_month() + 4 * DAY,
        created_by=pm,
    )
    client = client_for(pm)
    url = reverse("reviews:finding_from_evidence", args=[review_now.pk])
    initial = (
        client.get(url, {"evidence_kind": "ask", "evidence_object_id": ask.pk})
        .context["form"]
        .initial
    )
    Ask.objects.filter(pk=ask.pk).update(state=Ask.State.DONE)  # answered meanwhile
    response = client.post(url, {**initial, "department": departments["marketing"].pk})
    assert response.status_code == 400
    assert "not part of this review" in response.content.decode()
    assert not Finding.objects.exists()


# ------------------------------------------------------------------------------ query bounds


def make_late_work(*, plan, departments, author, earlier_review, count):
    """`count` of each: plan items, asks and action items overdue since last month, each
    already a finding of the earlier review."""
    meeting = MeetingFactory(plan=plan, date=last_month(), facilitator=author)
    for n in range(count):
        due = last_month() + (n % 20) * DAY
        item = PlanItemFactory(
            plan=plan,
            department=departments["dev"],
            month=last_month(),
            start=last_month(),
            due=due,
            status=PlanItem.Status.IN_PROGRESS,
        )
        ask = AskFactory(
            from_department=departments["dev"],
            to_department=departments["marketing"],
            plan=plan,
            needed_by=due,
            created_by=author,
        )
        action = ActionItemFactory(
            meeting=meeting, owner=author, department=departments["dev"], due=due
        )
        for kind, row in (("plan_item", item), ("ask", ask), ("action_item", action)):
            FindingFactory(
                review=earlier_review,
                department=departments["dev"],
                evidence_kind=kind,
                evidence_object_id=row.pk,
            )


@pytest.mark.parametrize("size", [3, 40])
def test_evidence_of_earlier_months_takes_a_fixed_number_of_queries(
    pm, story_plan, departments, review_now, review_before, size, django_assert_max_num_queries
):
    make_late_work(
        plan=story_plan,
        departments=departments,
        author=pm,
        earlier_review=review_before,
        count=size,
    )
    # 1 goals at risk, 1 items, 1 updates, 1 asks, 1 action items, 1 conflicts, 1 findings of
    # this review and earlier ones.
    with django_assert_max_num_queries(7):
        evidence = review_evidence(review_now)
    for kind in ("plan_item", "ask", "action_item"):
        lines = evidence.lines(kind)
        assert len(lines) == size, kind
        assert all(len(line.earlier_findings) == 1 for line in lines), kind


@pytest.mark.parametrize("size", [3, 40])
def test_the_evidence_finding_page_takes_a_fixed_number_of_queries(
    client_for,
    pm,
    story_plan,
    departments,
    review_now,
    review_before,
    size,
    django_assert_max_num_queries,
):
    make_late_work(
        plan=story_plan,
        departments=departments,
        author=pm,
        earlier_review=review_before,
        count=size,
    )
    item = PlanItem.objects.order_by("pk").first()
    client = client_for(pm)
    url = reverse("reviews:finding_from_evidence", args=[review_now.pk])
    # session, user, profile (language), 1 review, pm group, 7 evidence, the Asks tab's
    # count and the unread-notifications count (context processors), the departments of
    # the form.
    with django_assert_max_num_queries(15):
        response = client.get(url, {"evidence_kind": "plan_item", "evidence_object_id": item.pk})
    assert response.status_code == 200
    with django_assert_max_num_queries(20):
        page = client.get(reverse("reviews:review_detail", args=[review_now.pk]))
    assert page.status_code == 200
