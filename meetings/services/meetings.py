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
from ..models import ActionItem, Meeting


@transaction.atomic
def meeting_create(
    *, actor: User, date: datetime.date, plan: Plan | None = None, facilitator: User | None = None
) -> Meeting:
    """Creates the weekly meeting of the week containing `date`, at most one per plan and week;
    only a PM or the plan's owner."""
    if not rules.can_create_meeting(actor, plan):
        raise PermissionDenied(_("Only a project manager or the plan's owner creates meetings."))
    refuse_archived(plan=plan)
    check_dates_in_range(date=date)
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
    week = week_start(date)
    meeting = Meeting(date=date, week=week, plan=plan, facilitator=facilitator or actor)
    meeting.full_clean(validate_constraints=False)
    try:
        # One weekly meeting per plan (or without plan) and week: a second one would split
        # the week's agenda and count carried action items twice. The unique constraints
        # hold it, for an existing meeting and for a concurrent create alike; the savepoint
        # keeps the outer transaction usable for the refusal.
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
