"""meetings.rules: each state rule's Python predicate and its Q agree on a table of cases,
so that a page showing one row and a list filtering many never disagree."""

import datetime

import pytest
from django.utils import timezone

from meetings import rules
from meetings.models import ActionItem, Ask
from planbridge.periods import today

from .factories import ActionItemFactory, AskFactory, MeetingFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def asks(departments):
    """One ask per state, each needed yesterday, today and tomorrow."""
    made = []
    for state in Ask.State.values:
        for offset in (-1, 0, 1):
            made.append(
                AskFactory(
                    from_department=departments["dev"],
                    to_department=departments["marketing"],
                    state=state,
                    reply="Reason" if state == Ask.State.DECLINED else "",
                    needed_by=today() + offset * DAY,
                )
            )
    return made


def _agree(queryset, rows, predicate, q):
    chosen = set(queryset.filter(q).values_list("pk", flat=True))
    assert {row.pk for row in rows if predicate(row)} == chosen
    return chosen


def test_an_ask_is_overdue_when_still_waiting_past_its_needed_by_date(asks):
    overdue = _agree(Ask.objects, asks, rules.ask_is_overdue, rules.ask_overdue_q())
    assert {(a.state, a.needed_by) for a in asks if a.pk in overdue} == {
        (Ask.State.OPEN, today() - DAY),
        (Ask.State.ACCEPTED, today() - DAY),
    }


def test_the_overdue_annotation_is_the_same_rule(asks):
    annotated = Ask.objects.annotate(overdue=rules.ask_overdue_flag())
    assert {a.pk for a in annotated if a.overdue} == {a.pk for a in asks if rules.ask_is_overdue(a)}


def test_overdue_on_another_day_follows_that_day(asks):
    later = today() + 2 * DAY
    _agree(
        Ask.objects,
        asks,
        lambda ask: rules.ask_is_overdue(ask, later),
        rules.ask_overdue_q(later),
    )


def test_waiting_and_unanswered_asks(asks):
    waiting = _agree(Ask.objects, asks, rules.ask_is_waiting, rules.ask_waiting_q())
    unanswered = _agree(Ask.objects, asks, rules.ask_is_unanswered, rules.ask_unanswered_q())
    assert unanswered < waiting


def test_declined_and_done_asks_are_closed_and_take_no_answer(asks):
    for ask in asks:
        closed = ask.state in (Ask.State.DECLINED, Ask.State.DONE)
        assert rules.ask_is_closed(ask) is closed
        assert rules.ask_takes_answer(ask, "accept") is (ask.state == Ask.State.OPEN)
        assert not rules.ask_takes_answer(ask, "maybe")


@pytest.fixture
def action_items(pm):
    meeting = MeetingFactory(date=today() - 7 * DAY)
    made = []
    late = timezone.now() + 3 * DAY
    on_time = timezone.now() - 3 * DAY
    for status in ActionItem.Status.values:
        for offset in (-1, 0, 1):
            for done_at in (late, on_time) if status == ActionItem.Status.DONE else (None,):
                made.append(
                    ActionItemFactory(
                        meeting=meeting,
                        status=status,
                        due=today() + offset * DAY,
                        done_at=done_at,
                    )
                )
    return made


def test_an_action_item_is_overdue_when_still_open_past_its_due_date(action_items):
    _agree(ActionItem.objects, action_items, rules.action_item_is_open, rules.action_item_open_q())
    overdue = _agree(
        ActionItem.objects,
        action_items,
        rules.action_item_is_overdue,
        rules.action_item_overdue_q(),
    )
    assert {(i.status, i.due) for i in action_items if i.pk in overdue} == {
        (ActionItem.Status.OPEN, today() - DAY)
    }
    annotated = ActionItem.objects.annotate(overdue=rules.action_item_overdue_flag())
    assert {i.pk for i in annotated if i.overdue} == overdue


def test_an_action_item_done_after_its_due_day_was_done_late(action_items):
    late = _agree(
        ActionItem.objects,
        action_items,
        rules.action_item_was_done_late,
        rules.action_item_done_late_q(),
    )
    assert late and all(i.status == ActionItem.Status.DONE for i in action_items if i.pk in late)


def test_only_the_current_week_s_update_is_open():
    from planbridge.periods import week_start

    monday = week_start(today())
    assert rules.weekly_update_week_is_open(monday)
    assert not rules.weekly_update_week_is_open(monday - 7 * DAY)
    assert not rules.weekly_update_week_is_open(monday + 7 * DAY)


# A week spanning two months: Monday 30 November to Sunday 6 December 2026.
SPANNING_WEEK = datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    "start, end, created, owns",
    [
        # Created on the week's Saturday, starting next month: owns its preparation.
        (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31), datetime.date(2026, 12, 5), True),
        # Created the day after the week: not yet.
        (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31), datetime.date(2026, 12, 7), False),
        # Starting on the week's Sunday.
        (datetime.date(2026, 12, 6), datetime.date(2027, 3, 31), datetime.date(2026, 12, 6), True),
        # Ended in October: its follow-up month ends on the week's Monday.
        (datetime.date(2026, 5, 1), datetime.date(2026, 10, 31), datetime.date(2026, 4, 1), True),
        # Ended in September: its follow-up ended in October.
        (datetime.date(2026, 5, 1), datetime.date(2026, 9, 30), datetime.date(2026, 4, 1), False),
    ],
)
def test_a_plan_owns_a_week_when_it_owns_any_of_its_days(db, start, end, created, owns):
    from planbridge.models import Plan

    from ..factories import PlanFactory

    plan = PlanFactory(start=start, end=end)
    moment = timezone.make_aware(datetime.datetime.combine(created, datetime.time(12)))
    Plan.objects.filter(pk=plan.pk).update(created_at=moment)
    plan.refresh_from_db()
    assert rules.weekly_update_plan_owns_week(plan, SPANNING_WEEK) is owns
    owning = Plan.objects.filter(rules.weekly_update_plans_q(SPANNING_WEEK))
    assert owning.filter(pk=plan.pk).exists() is owns
