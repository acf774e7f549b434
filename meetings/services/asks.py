"""Asks between departments: open -> accepted | declined (with a reply) -> done, answered
only by a coordinator of the receiving department."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from goals.models import PlanItem
from planbridge import notifications
from planbridge.models import Department, Notification
from planbridge.periods import check_dates_in_range
from planbridge.services import refuse_archived

from .. import rules
from ..models import Ask, WeeklyUpdate


@transaction.atomic
def ask_raise(
    *,
    actor: User,
    from_department: Department,
    to_department: Department,
    what: str,
    why: str = "",
    needed_by: datetime.date,
    plan_item: PlanItem | None = None,
    weekly_update: WeeklyUpdate | None = None,
) -> Ask:
    """Creates an open ask from a department the actor coordinates to another department."""
    if not rules.can_raise_ask(actor, from_department):
        raise PermissionDenied(_("Only coordinators of the asking department can raise an ask."))
    refuse_archived(from_department=from_department, to_department=to_department)
    if not rules.ask_departments_are_allowed(from_department.pk, to_department.pk):
        raise ValidationError(_("An ask goes to another department."))
    if not what.strip():
        raise ValidationError(_("Say what is needed."))
    check_dates_in_range(needed_by=needed_by)
    if not rules.ask_needed_by_is_allowed(needed_by):
        raise ValidationError(_("The needed-by date cannot be in the past."))
    if weekly_update is not None and weekly_update.department_id != from_department.pk:
        raise ValidationError(
            _("An ask raised from an update comes from that update's department.")
        )
    ask = Ask(
        from_department=from_department,
        to_department=to_department,
        what=what.strip(),
        why=why.strip(),
        needed_by=needed_by,
        plan_item=plan_item,
        plan=plan_item.plan if plan_item else (weekly_update.plan if weekly_update else None),
        weekly_update=weekly_update,
        created_by=actor,
    )
    ask.full_clean()
    ask.save()
    _ask_notify(ask=ask, kind=Notification.Kind.ASK_RAISED, actor=actor)
    return ask


def _ask_notify(*, ask: Ask, kind: str, actor: User) -> None:
    # A raised ask concerns the receiving department, an answer the asking one
    # (docs/architecture.md "Notifications").
    department = ask.to_department if kind == Notification.Kind.ASK_RAISED else ask.from_department
    notifications.notify(
        kind=kind,
        recipient_ids=notifications.department_coordinator_ids([department.pk]),
        actor=actor,
        app_label="meetings",
        object_id=ask.pk,
        url=reverse("meetings:ask_detail", args=[ask.pk]),
        title=ask.what,
        department_name=department.name,
    )


def stale_ask_message(ask: Ask) -> str:
    """Says who changed the ask to which state and when, for an answer given to an older
    state of it."""
    who = (ask.answered_by.get_full_name() or ask.answered_by.username) if ask.answered_by else ""
    when = timezone.localtime(ask.answered_at).strftime("%Y-%m-%d %H:%M") if ask.answered_at else ""
    return _(
        "%(who)s already changed this ask to “%(state)s” at %(when)s; the page now shows "
        "it. Nothing was saved: answer again if still needed."
    ) % {"who": who, "state": ask.get_state_display(), "when": when}


@transaction.atomic
def ask_answer(
    *, actor: User, ask: Ask, answer: str, reply: str = "", seen_state: str | None = None
) -> Ask:
    """Accepts, declines (a reply is required) or completes an ask sent to a department the
    actor coordinates; the state moves only forward and a decline is final.

    `seen_state` is the state the answering page showed (the ask page posts it): when a
    colleague answered in between, the answer is refused, under the row lock, so that of two
    coordinators answering at once exactly one wins and the other is told what happened."""
    if answer not in rules.ASK_ANSWERS:
        raise ValidationError(_("Unknown answer."))
    ask = Ask.objects.select_for_update().get(pk=ask.pk)
    if not rules.can_answer_ask(actor, ask):
        raise PermissionDenied(
            _("Only coordinators of the receiving department can answer this ask.")
        )
    if seen_state is not None and not rules.ask_is_as_seen(ask, seen_state):
        raise ValidationError(stale_ask_message(ask), code="stale")
    reply = reply.strip()
    if not rules.ask_takes_answer(ask, answer):
        raise ValidationError(
            _("This ask is already %(state)s and cannot be changed that way.")
            % {"state": ask.get_state_display().lower()}
        )
    if not rules.ask_answer_has_reply(answer=answer, reply=reply):
        raise ValidationError(_("Say why the ask is declined: a reply is required."))
    now = timezone.now()
    if answer == "decline":
        ask.state = Ask.State.DECLINED
    elif answer == "accept":
        ask.state = Ask.State.ACCEPTED
    else:
        ask.state = Ask.State.DONE
        ask.done_at = now
    if reply:
        ask.reply = reply
    ask.answered_by = actor
    if ask.answered_at is None or answer != "done":
        ask.answered_at = now
    ask.save()
    _ask_notify(ask=ask, kind=ANSWER_KINDS[answer], actor=actor)
    return ask


ANSWER_KINDS = {
    "accept": Notification.Kind.ASK_ACCEPTED,
    "decline": Notification.Kind.ASK_DECLINED,
    "done": Notification.Kind.ASK_DONE,
}
