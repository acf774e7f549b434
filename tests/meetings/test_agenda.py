"""The meeting's agenda, assembled from data: each section with the right rows, in a
bounded number of queries at two data sizes; action items carried over until done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import PlanItem
from meetings.models import ActionItem, Ask
from meetings.selectors import meeting_agenda
from meetings.services import action_item_set_status
from planbridge.periods import today

from ..factories import PlanFactory
from ..goals.factories import CheckInFactory, GoalFactory, PlanItemFactory
from .factories import ActionItemFactory, AskFactory, MeetingFactory, WeeklyUpdateFactory


@pytest.fixture
def meeting(running_plan, pm):
    return MeetingFactory(plan=running_plan, date=today(), facilitator=pm)


def test_each_section_holds_the_right_items(meeting, running_plan, departments, everyone, week):
    dev, marketing, sales = departments["dev"], departments["marketing"], departments["sales"]
    day = datetime.timedelta(days=1)
    # Updates: this week's of the plan or of no plan, not last week's nor another plan's.
    dev_update = WeeklyUpdateFactory(department=dev, plan=running_plan, progress="Core late")
    WeeklyUpdateFactory(department=marketing, plan=None, progress="Campaign prep")
    WeeklyUpdateFactory(department=sales, week=week - 7 * day, progress="Last week")
    other_plan_update = WeeklyUpdateFactory(department=sales, plan=PlanFactory(), progress="x")
    # Asks: open (one overdue), accepted, done, and one declined this week.
    overdue = AskFactory(from_department=sales, to_department=marketing, needed_by=today() - day)
    accepted = AskFactory(from_department=marketing, to_department=dev, state=Ask.State.ACCEPTED)
    AskFactory(from_department=dev, to_department=sales, state=Ask.State.DONE)
    declined = AskFactory(
        from_department=dev,
        to_department=marketing,
        state=Ask.State.DECLINED,
        reply="Not this month",
        answered_at=timezone.now(),
    )
    # Action items: one open from an earlier meeting, one done, one of this meeting.
    earlier = MeetingFactory(plan=running_plan, date=today() - 7 * day)
    carried = ActionItemFactory(meeting=earlier, department=dev, title="Publish schedule")
    ActionItemFactory(meeting=earlier, status=ActionItem.Status.DONE, title="Finished")
    own = ActionItemFactory(meeting=meeting, title="Decided today")
    # Rhythm conflict: a marketing item depends on a blocked development item.
    core = PlanItemFactory(
        plan=running_plan, department=dev, title="Core function", status="blocked"
    )
    campaign = PlanItemFactory(plan=running_plan, department=marketing, title="Campaign")
    campaign.depends_on.add(core)
    # Goals: one far behind, one on track.
    behind = GoalFactory(plan=running_plan, department=marketing, title="Leads 100")
    CheckInFactory(goal=behind, value=5)
    fine = GoalFactory(plan=running_plan, department=sales, title="Leads fine")
    CheckInFactory(goal=fine, value=100)
    # Plan items due this week vs next month.
    due_now = PlanItemFactory(plan=running_plan, department=sales, due=week + 2 * day)
    due_later = PlanItemFactory(plan=running_plan, department=sales, due=week + 40 * day)

    agenda = meeting_agenda(meeting)

    assert [u.progress for u in agenda.updates] == ["Campaign prep", "Core late"]
    assert dev_update in agenda.updates and other_plan_update not in agenda.updates
    assert agenda.missing_departments == [sales]
    assert [a.pk for a in agenda.open_asks] == [overdue.pk, accepted.pk]
    assert agenda.open_asks[0].overdue and not agenda.open_asks[1].overdue
    assert agenda.overdue_ask_count == 1
    assert [a.pk for a in agenda.answered_asks] == [declined.pk]
    assert [i.pk for i in agenda.carried_action_items] == [carried.pk]
    assert agenda.carried_action_items[0].meetings_open == 2
    assert agenda.action_items == [own]
    assert [(c.item, c.dependency, c.reason) for c in agenda.rhythm_conflicts] == [
        (campaign, core, "depends_on_blocked")
    ]
    assert [record.goal for record in agenda.goals_at_risk] == [behind]
    assert due_now in agenda.items_due and due_later not in agenda.items_due


def test_the_meeting_page_shows_every_section(client_for, meeting, departments, everyone):
    WeeklyUpdateFactory(department=departments["dev"], progress="Core function two weeks late")
    AskFactory(
        from_department=departments["sales"],
        to_department=departments["marketing"],
        what="Sales deck",
        needed_by=today() - datetime.timedelta(days=2),
    )
    page = client_for(everyone["sales_member"]).get(
        reverse("meetings:meeting_detail", args=[meeting.pk])
    )
    body = page.content.decode()
    assert page.status_code == 200
    for testid in [
        "agenda-updates",
        "agenda-missing",
        "agenda-asks",
        "agenda-carried-actions",
        "agenda-conflicts",
        "agenda-goals",
        "agenda-items-due",
    ]:
        assert f'data-testid="{testid}"' in body
    assert "Core function two weeks late" in body
    assert "Sales deck" in body and "Overdue" in body
    assert "record-form" not in body  # members read; they do not run the meeting


def fill(running_plan, departments, everyone, week, size):
    """`size` rows of every kind the agenda reads."""
    dev, marketing = departments["dev"], departments["marketing"]
    earlier = MeetingFactory(plan=running_plan, date=today() - datetime.timedelta(days=7))
    previous_item = None
    for n in range(size):
        AskFactory(from_department=dev, to_department=marketing, needed_by=today())
        AskFactory(
            from_department=marketing,
            to_department=dev,
            state=Ask.State.DECLINED,
            reply="no",
            answered_at=timezone.now(),
        )
        ActionItemFactory(meeting=earlier, department=dev, owner=everyone["dev"])
        item = PlanItemFactory(
            plan=running_plan,
            department=dev,
            due=week + datetime.timedelta(days=n % 7),
            owner=everyone["dev"],
        )
        if previous_item is not None:
            item.depends_on.add(previous_item)
        previous_item = item
        goal = GoalFactory(plan=running_plan, department=marketing)
        CheckInFactory(goal=goal, value=1)
    WeeklyUpdateFactory(department=dev, plan=running_plan)


@pytest.mark.parametrize("size", [10, 200])
def test_the_agenda_runs_a_bounded_number_of_queries(
    meeting, running_plan, departments, everyone, week, django_assert_max_num_queries, size
):
    fill(running_plan, departments, everyone, week, size)
    # previous meeting, updates, their asks (prefetch), missing departments, open asks,
    # answered asks, carried action items (meetings-open subquery inline), this meeting's
    # actions, rhythm conflicts (1), goals at risk (1), items due: 11 queries.
    with django_assert_max_num_queries(11):
        agenda = meeting_agenda(meeting)
    assert len(agenda.open_asks) == size
    assert len(agenda.answered_asks) == size
    assert len(agenda.carried_action_items) == size
    assert len(agenda.items_due) == size
    assert len(agenda.rhythm_conflicts) >= 1
    assert len(agenda.goals_at_risk) == size


@pytest.mark.parametrize("size", [10, 200])
def test_the_meeting_page_runs_a_bounded_number_of_queries(
    client_for,
    pm,
    meeting,
    running_plan,
    departments,
    everyone,
    week,
    django_assert_max_num_queries,
    size,
):
    fill(running_plan, departments, everyone, week, size)
    client = client_for(pm)
    # session, user, profile, meeting, PM group, the agenda's 11, people for the forms
    # (attendee checkboxes and owner select), attendees (initial + shown), departments of
    # the action form, asks badge: about 22 whatever the size.
    with django_assert_max_num_queries(24):
        response = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="carried-action"') == size


def test_an_open_action_item_is_carried_across_three_meetings_until_done(
    running_plan, pm, departments, everyone
):
    day = datetime.timedelta(days=1)
    first = MeetingFactory(plan=running_plan, date=today() - 14 * day, facilitator=pm)
    second = MeetingFactory(plan=running_plan, date=today() - 7 * day, facilitator=pm)
    third = MeetingFactory(plan=running_plan, date=today(), facilitator=pm)
    unrelated = MeetingFactory(plan=None, date=today())
    raised_first = ActionItemFactory(
        meeting=first, owner=everyone["dev"], department=departments["dev"], title="Schedule"
    )
    raised_second = ActionItemFactory(
        meeting=second, owner=everyone["marketing"], department=departments["marketing"]
    )

    assert meeting_agenda(first).carried_action_items == []
    assert meeting_agenda(first).action_items == [raised_first]
    on_second = meeting_agenda(second).carried_action_items
    assert [(i.pk, i.meetings_open) for i in on_second] == [(raised_first.pk, 2)]
    on_third = meeting_agenda(third).carried_action_items
    assert [(i.pk, i.meetings_open) for i in on_third] == [
        (raised_first.pk, 3),
        (raised_second.pk, 2),
    ]
    assert on_third[0].meeting == first  # the date raised is the first meeting's
    assert meeting_agenda(unrelated).carried_action_items == []
    # Carried, never copied.
    assert ActionItem.objects.count() == 2

    action_item_set_status(actor=everyone["dev"], item=raised_first, status="done")

    assert [i.pk for i in meeting_agenda(third).carried_action_items] == [raised_second.pk]
    assert meeting_agenda(second).carried_action_items == []


def test_items_due_and_conflicts_follow_the_meeting_plan(running_plan, departments, week):
    other_plan_meeting = MeetingFactory(plan=None, date=today())
    item = PlanItemFactory(
        plan=running_plan, department=departments["dev"], due=week, status=PlanItem.Status.DONE
    )
    other_plan = PlanFactory()
    blocked = PlanItemFactory(
        plan=other_plan, department=departments["dev"], due=week, status=PlanItem.Status.BLOCKED
    )
    waiting = PlanItemFactory(plan=other_plan, department=departments["sales"], due=week)
    waiting.depends_on.add(blocked)
    plan_meeting = MeetingFactory(plan=running_plan, date=today())
    assert item in meeting_agenda(plan_meeting).items_due
    # Another plan's items and conflicts are not on this plan's agenda.
    assert blocked not in meeting_agenda(plan_meeting).items_due
    assert meeting_agenda(plan_meeting).rhythm_conflicts == []
    # A meeting without a plan covers every plan.
    everything = meeting_agenda(other_plan_meeting)
    assert item in everything.items_due and blocked in everything.items_due
    assert [(c.item, c.dependency) for c in everything.rhythm_conflicts] == [(waiting, blocked)]
