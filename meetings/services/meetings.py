"""Meetings and action items. The agenda is assembled by meetings.selectors; here only
what the facilitator records: attendance, notes and action items (never copied forward:
an open item is shown on later agendas by the selector)."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from planbridge import notifications
from planbridge import rules as core_rules
from planbridge.models import Department, Notification, Plan
from planbridge.periods import check_dates_in_range, week_start
from planbridge.services import refuse_archived

from .. import rules
from ..models import DEFAULT_END, DEFAULT_START, ActionItem, Meeting


def _check_date_in_plan(plan: Plan | None, date: datetime.date) -> None:
    if plan is not None and not core_rules.date_in_plan(plan, date):
        raise ValidationError(
            {
                "date": _(
                    "The meeting date is outside the days the plan “%(plan)s” owns (%(first)s – "
                    "%(last)s: from its creation or start to the end of the month after its end)."
                )
                % {
                    "plan": plan.title,
                    "first": core_rules.plan_first_day(plan).isoformat(),
                    "last": core_rules.plan_last_day(plan).isoformat(),
                }
            }
        )


def _check_times(start_time: datetime.time, end_time: datetime.time) -> None:
    if not rules.meeting_times_are_allowed(start_time=start_time, end_time=end_time):
        raise ValidationError({"end_time": _("The meeting must end after it starts.")})


def _check_link(link: str) -> None:
    if not rules.meeting_link_is_allowed(link):
        raise ValidationError({"link": _("Enter a web address starting with http:// or https://.")})


def _save_one_per_week(meeting: Meeting) -> None:
    try:
        # One weekly meeting per plan (or without plan) and week: a second one would split
        # the week's agenda and count carried action items twice. The unique constraints
        # hold it, for an existing meeting and for a concurrent create or move alike; the
        # savepoint keeps the outer transaction usable for the refusal.
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise ValidationError(
            {
                "date": _(
                    "This week already has its coordination meeting. Open it from the "
                    "meetings list instead of creating another."
                )
            }
        ) from None


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    date: datetime.date,
    plan: Plan | None = None,
    facilitator: User | None = None,
    start_time: datetime.time = DEFAULT_START,
    end_time: datetime.time = DEFAULT_END,
    place: str = "",
    link: str = "",
) -> Meeting:
    """Creates the weekly meeting of the week containing `date`, at most one per plan and week,
    ending after it starts; only a PM or the plan's owner."""
    if not rules.can_create_meeting(actor, plan):
        raise PermissionDenied(_("Only a project manager or the plan's owner creates meetings."))
    refuse_archived(plan=plan)
    check_dates_in_range(date=date)
    _check_date_in_plan(plan, date)
    _check_times(start_time, end_time)
    _check_link(link.strip())
    meeting = Meeting(
        date=date,
        week=week_start(date),
        plan=plan,
        facilitator=facilitator or actor,
        start_time=start_time,
        end_time=end_time,
        place=place.strip(),
        link=link.strip(),
        updated_at=timezone.now(),
    )
    meeting.full_clean(validate_constraints=False)
    _save_one_per_week(meeting)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    actor: User,
    meeting: Meeting,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    place: str,
    link: str = "",
) -> Meeting:
    """Moves the meeting to another day, time, place or link, still one per plan and week and
    never after an action it agreed is due; a real change raises its calendar sequence, so
    subscribed calendars move their copy. Whoever runs the meeting may."""
    if not rules.can_run_meeting(actor, meeting):
        raise PermissionDenied(
            _("Only the facilitator, the plan's owner or a project manager moves the meeting.")
        )
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("plan").get(pk=meeting.pk)
    )
    refuse_archived(plan=meeting.plan)
    check_dates_in_range(date=date)
    _check_date_in_plan(meeting.plan, date)
    _check_times(start_time, end_time)
    _check_link(link.strip())
    if meeting.action_items.filter(due__lt=date).exists():
        raise ValidationError(
            {
                "date": _(
                    "An action agreed in this meeting is due before that day: an action cannot "
                    "be due before the meeting that agreed it. Choose an earlier day."
                )
            }
        )
    changed = {
        "date": date,
        "start_time": start_time,
        "end_time": end_time,
        "place": place.strip(),
        "link": link.strip(),
    }
    if all(getattr(meeting, field) == value for field, value in changed.items()):
        return meeting
    for field, value in changed.items():
        setattr(meeting, field, value)
    meeting.week = week_start(date)
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    meeting.full_clean(validate_constraints=False)
    _save_one_per_week(meeting)
    return meeting


@transaction.atomic
def meeting_record(
    *, actor: User, meeting: Meeting, attendees: Iterable[User], notes: str
) -> Meeting:
    """Stores who attended and the notes; only the facilitator, a PM or the plan's owner."""
    if not rules.can_run_meeting(actor, meeting):
        raise PermissionDenied(_("Only the facilitator or a project manager records the meeting."))
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("plan").get(pk=meeting.pk)
    )
    meeting.notes = notes.strip()
    meeting.save(update_fields=["notes"])
    meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def action_item_create(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    owner: User,
    department: Department,
    due: datetime.date,
) -> ActionItem:
    """Records an action agreed in the meeting, owned by a person of a department."""
    if not rules.can_run_meeting(actor, meeting):
        raise PermissionDenied(_("Only the facilitator or a project manager records actions."))
    refuse_archived(department=department)
    if not title.strip():
        raise ValidationError(_("Say what the action is."))
    check_dates_in_range(due=due)
    if not rules.action_item_due_is_allowed(meeting=meeting, due=due):
        raise ValidationError(_("An action cannot be due before the meeting that agreed it."))
    if not owner.is_active:
        raise ValidationError(_("The owner must be an active user."))
    item = ActionItem(
        meeting=meeting, title=title.strip(), owner=owner, department=department, due=due
    )
    item.full_clean()
    item.save()
    notifications.notify(
        kind=Notification.Kind.ACTION_ITEM_ASSIGNED,
        recipient_ids=[owner.pk],
        actor=actor,
        app_label="meetings",
        object_id=item.pk,
        url=reverse("meetings:meeting_detail", args=[meeting.pk]),
        title=item.title,
        department_name=department.name,
    )
    return item


@transaction.atomic
def action_item_set_status(*, actor: User, item: ActionItem, status: str) -> ActionItem:
    """Marks an action done or open again; its owner or whoever runs the meeting may."""
    if status not in ActionItem.Status.values:
        raise ValidationError(_("Unknown status."))
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("meeting__plan")
        .get(pk=item.pk)
    )
    if not rules.can_set_action_item_status(actor, item):
        raise PermissionDenied(_("Only the action's owner or the meeting's facilitator can."))
    if item.status != status:
        item.status = status
        item.done_at = timezone.now() if status == ActionItem.Status.DONE else None
        item.save(update_fields=["status", "done_at"])
    return item
