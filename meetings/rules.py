"""Weekly coordination's rules, each defined once (docs/architecture.md "Where code goes").

Permissions, `can_<verb>_<noun>(user, obj)`: only coordinators of a department write its
update and answer asks sent to it; PMs (or the plan owner) create and run meetings, with the
facilitator; members update their own action items' status.

States: a Python predicate for one row and, where lists filter or annotate on the same rule,
a `Q` (or an expression) built from the same constants, so that a page and a list never
disagree. "Today" is `planbridge.periods.today()`, the date in TIME_ZONE."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone

from planbridge import rules as core_rules
from planbridge.models import Department, Plan
from planbridge.periods import today, week_start
from planbridge.rules import AnyUser

from .models import LINK_VALIDATOR, ActionItem, Ask, Meeting, WeeklyUpdate


def _as_flag(condition: Q) -> Case:
    """A boolean annotation that is true exactly where `condition` holds."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


# Asks ---------------------------------------------------------------------------------------

# Waiting: the receiving department still owes something (an answer, or the work it accepted).
ASK_WAITING_STATES = (Ask.State.OPEN, Ask.State.ACCEPTED)
# Which answer an ask takes in which state: the state moves only forward; declined and done
# are final.
ASK_ANSWER_FROM_STATES = {
    "accept": (Ask.State.OPEN,),
    "decline": (Ask.State.OPEN, Ask.State.ACCEPTED),
    "done": (Ask.State.OPEN, Ask.State.ACCEPTED),
}
ASK_ANSWERS = tuple(ASK_ANSWER_FROM_STATES)


def ask_is_waiting(ask: Ask) -> bool:
    return ask.state in ASK_WAITING_STATES


def ask_waiting_q() -> Q:
    return Q(state__in=ASK_WAITING_STATES)


def ask_is_unanswered(ask: Ask) -> bool:
    """Nobody of the receiving department has answered yet."""
    return ask.state == Ask.State.OPEN


def ask_unanswered_q() -> Q:
    return Q(state=Ask.State.OPEN)


def ask_is_overdue(ask: Ask, on_date: datetime.date | None = None) -> bool:
    """Still waiting (unanswered, or accepted and not done) after its needed-by date."""
    return ask_is_waiting(ask) and ask.needed_by < (on_date or today())


def ask_overdue_q(on_date: datetime.date | None = None) -> Q:
    return ask_waiting_q() & Q(needed_by__lt=on_date or today())


def ask_overdue_flag(on_date: datetime.date | None = None) -> Case:
    """`ask_overdue_q` as a boolean annotation."""
    return _as_flag(ask_overdue_q(on_date))


def ask_needed_by_is_allowed(needed_by: datetime.date) -> bool:
    """An ask is never raised for a date already past."""
    return needed_by >= today()


def ask_departments_are_allowed(from_department_id: int, to_department_id: int) -> bool:
    """An ask goes to another department, never to the asking one."""
    return from_department_id != to_department_id


def ask_takes_answer(ask: Ask, answer: str) -> bool:
    """The answer is one of the known ones and allowed in the ask's state."""
    return ask.state in ASK_ANSWER_FROM_STATES.get(answer, ())


def ask_answer_has_reply(*, answer: str, reply: str) -> bool:
    """A decline says why: its reply is required."""
    return answer != "decline" or bool(reply.strip())


def ask_is_as_seen(ask: Ask, seen_state: str) -> bool:
    """The ask is still in the state the user saw when the page was opened: an answer is
    given to that state, not to one a colleague made since."""
    return ask.state == seen_state


def ask_is_closed(ask: Ask) -> bool:
    """No answer can change the ask any more (declined or done)."""
    return not any(ask_takes_answer(ask, answer) for answer in ASK_ANSWERS)


# Action items -------------------------------------------------------------------------------


def action_item_is_open(item: ActionItem) -> bool:
    return item.status == ActionItem.Status.OPEN


def action_item_open_q() -> Q:
    return Q(status=ActionItem.Status.OPEN)


def action_item_is_overdue(item: ActionItem, on_date: datetime.date | None = None) -> bool:
    """Still open after its due date."""
    return action_item_is_open(item) and item.due < (on_date or today())


def action_item_overdue_q(on_date: datetime.date | None = None) -> Q:
    return action_item_open_q() & Q(due__lt=on_date or today())


def action_item_overdue_flag(on_date: datetime.date | None = None) -> Case:
    """`action_item_overdue_q` as a boolean annotation."""
    return _as_flag(action_item_overdue_q(on_date))


def action_item_was_done_late(item: ActionItem) -> bool:
    """Marked done on a day (in TIME_ZONE) after its due date."""
    if item.status != ActionItem.Status.DONE or item.done_at is None:
        return False
    return timezone.localdate(item.done_at) > item.due


def action_item_done_late_q() -> Q:
    # `__date` converts to the current time zone (TIME_ZONE), as localdate() does above.
    return Q(status=ActionItem.Status.DONE, done_at__date__gt=F("due"))


def action_item_due_is_allowed(*, meeting: Meeting, due: datetime.date) -> bool:
    """An action is never due before the meeting that agreed it."""
    return due >= meeting.date


# Weekly updates -----------------------------------------------------------------------------


def weekly_update_week_is_open(week: datetime.date) -> bool:
    """Only the current week's update can be written or changed."""
    return week == week_start(today())


def weekly_update_plan_owns_week(plan: Plan, week: datetime.date) -> bool:
    """A weekly update may belong to a plan owning any day of its week
    (planbridge.rules.date_in_plan): a week overlapping two months counts for a plan that
    starts, or whose follow-up ends, inside it."""
    return any(core_rules.date_in_plan(plan, week + datetime.timedelta(days=n)) for n in range(7))


def weekly_update_plans_q(week: datetime.date) -> Q:
    """weekly_update_plan_owns_week as a filter on Plan. The days a plan owns are one span
    longer than a week (from its creation or start to the end of the month after its end),
    so it owns a day of the week exactly when it owns the Monday or the Sunday."""
    return core_rules.plans_owning_date_q(week) | core_rules.plans_owning_date_q(
        week + datetime.timedelta(days=6)
    )


def weekly_update_submitted(
    week: datetime.date, *, department: str = "pk", scope: Q | None = None
) -> Exists:
    """The department (the outer row's `department` field) has an update for the week; `scope`
    narrows which updates count (a meeting's plan)."""
    return Exists(
        WeeklyUpdate.objects.filter(scope or Q(), department=OuterRef(department), week=week)
    )


def weekly_update_has_content(*, progress: str, next_week: str, problems: str) -> bool:
    """An update says something: progress, plans for next week or problems."""
    return any(text.strip() for text in (progress, next_week, problems))


# Permissions --------------------------------------------------------------------------------


def can_write_weekly_update(user: AnyUser, department: Department) -> bool:
    return core_rules.is_coordinator_of(user, department.pk)


def can_edit_weekly_update(user: AnyUser, update: WeeklyUpdate) -> bool:
    """The department's coordinators, during the update's own week."""
    return core_rules.is_coordinator_of(user, update.department_id) and weekly_update_week_is_open(
        update.week
    )


def can_raise_ask(user: AnyUser, from_department: Department) -> bool:
    return core_rules.is_coordinator_of(user, from_department.pk)


def can_raise_any_ask(user: AnyUser) -> bool:
    """Coordinators of at least one department raise asks (from it)."""
    return core_rules.is_coordinator(user)


def can_answer_ask(user: AnyUser, ask: Ask) -> bool:
    return core_rules.is_coordinator_of(user, ask.to_department_id)


def can_create_meeting(user: AnyUser, plan: Plan | None) -> bool:
    """PMs create meetings of any plan or none; a plan's owner those of that plan."""
    if core_rules.is_pm(user):
        return True
    return plan is not None and plan.owner_id == user.pk


def meeting_plans_q(user: AnyUser) -> Q:
    """The plans `can_create_meeting` allows, as a filter on Plan."""
    if core_rules.is_pm(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(owner_id=user.pk)


def can_create_any_meeting(user: AnyUser) -> bool:
    """PMs, and owners of at least one plan, see the "new meeting" form."""
    return core_rules.is_pm(user) or (
        user.is_authenticated and Plan.objects.filter(meeting_plans_q(user)).exists()
    )


def can_run_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """The facilitator, a PM or the plan's owner record attendance, notes and actions."""
    if not user.is_authenticated:
        return False
    if core_rules.is_pm(user) or meeting.facilitator_id == user.pk:
        return True
    plan = meeting.plan  # None without a query when the meeting has no plan
    return plan is not None and plan.owner_id == user.pk


def meeting_times_are_allowed(*, start_time: datetime.time, end_time: datetime.time) -> bool:
    """A meeting ends after it starts, on its own day."""
    return end_time > start_time


def meeting_link_is_allowed(link: str) -> bool:
    """A meeting's link is empty or a web address (http or https): everyone invited opens it."""
    if not link:
        return True
    try:
        LINK_VALIDATOR(link)
    except ValidationError:
        return False
    return True


def can_set_action_item_status(user: AnyUser, item: ActionItem) -> bool:
    """The action's owner, or whoever runs the meeting that agreed it."""
    if not user.is_authenticated:
        return False
    return item.owner_id == user.pk or can_run_meeting(user, item.meeting)
