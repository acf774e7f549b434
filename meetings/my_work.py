"""What weekly coordination keeps waiting for a user on My work (docs/architecture.md "My work"):
this week's update of a department they coordinate that has not submitted it, asks to those
departments waiting for an answer, answers to their asks since they last looked, and the open
action items they own. Each kind is one query (the roles are cached on the user)."""

import datetime
from urllib.parse import urlencode

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from planbridge import rules as core_rules
from planbridge.periods import today, week_start
from planbridge.registry import WorkEntry

from . import rules
from .models import ActionItem, Ask
from .selectors import ask_list, departments_missing_update_for
from .services import reminder_deadline

# The first visit of My work shows the answers of this many days back.
FIRST_LOOK_DAYS = 7


def missing_updates(user, seen_at) -> list[WorkEntry]:
    """This week's update of each department the user coordinates that has none yet, with the
    reminder moment as its deadline (overdue once it has passed)."""
    if not core_rules.coordinated_department_ids(user):
        return []
    week = week_start(today())
    deadline = reminder_deadline(week)
    passed = timezone.now() >= deadline
    note = _("Due %(deadline)s") % {
        "deadline": date_format(timezone.localtime(deadline), "Y-m-d H:i")
    }
    return [
        WorkEntry(
            title=_("Weekly update of %(department)s") % {"department": department.name},
            url=reverse("meetings:this_week") + "?" + urlencode({"department": department.pk}),
            since=week,
            overdue=passed,
            due=deadline,
            note=note,
        )
        for department in departments_missing_update_for(user_id=user.pk, week=week).order_by(
            "name"
        )
    ]


def asks_waiting(user, seen_at) -> list[WorkEntry]:
    """Asks to the departments the user coordinates that nobody has answered, overdue first."""
    department_ids = core_rules.coordinated_department_ids(user)
    if not department_ids:
        return []
    asks = ask_list(to_department_ids=department_ids, states=[Ask.State.OPEN])
    return [
        WorkEntry(
            title=_("%(what)s (from %(department)s)")
            % {"what": ask.what, "department": ask.from_department.name},
            url=reverse("meetings:ask_detail", args=[ask.pk]),
            since=ask.created_at,
            overdue=ask.__dict__["overdue"],  # annotated by ask_list (rules.ask_overdue_flag)
            due=ask.needed_by,
            note=_("Needed by %(date)s") % {"date": date_format(ask.needed_by, "Y-m-d")},
        )
        for ask in asks
    ]


def answers_since(user, seen_at) -> list[WorkEntry]:
    """Answers (accepted, declined, done) to the asks of the departments the user coordinates
    given since they last looked at My work (the first time: the last FIRST_LOOK_DAYS days),
    newest first."""
    department_ids = core_rules.coordinated_department_ids(user)
    if not department_ids:
        return []
    since = seen_at or timezone.now() - datetime.timedelta(days=FIRST_LOOK_DAYS)
    asks = (
        ask_list(from_department_ids=department_ids)
        .filter(Q(answered_at__gt=since) | Q(done_at__gt=since))
        .order_by(F("answered_at").desc(nulls_last=True), "-pk")
    )
    return [
        WorkEntry(
            title=_("%(what)s: %(state)s by %(department)s")
            % {
                "what": ask.what,
                "state": ask.get_state_display(),
                "department": ask.to_department.name,
            },
            url=reverse("meetings:ask_detail", args=[ask.pk]),
            since=max(moment for moment in (ask.answered_at, ask.done_at) if moment),
        )
        for ask in asks
    ]


def action_items_owned(user, seen_at) -> list[WorkEntry]:
    """The open action items the user owns, overdue first, then by due date."""
    on_date = today()
    items = (
        ActionItem.objects.select_related("meeting")
        .filter(rules.action_item_open_q(), owner_id=user.pk)
        .annotate(overdue=rules.action_item_overdue_flag(on_date))
        .order_by(F("overdue").desc(), "due", "pk")
    )
    return [
        WorkEntry(
            title=item.title,
            url=reverse("meetings:meeting_detail", args=[item.meeting_id]),
            since=item.created_at,
            overdue=item.overdue,
            due=item.due,
            note=_("Due %(date)s") % {"date": date_format(item.due, "Y-m-d")},
        )
        for item in items
    ]
