"""Weekly updates: one per department and week (and plan), edited during the week only,
guarded by an optimistic version check so that a concurrent edit is refused, not lost."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals.models import PlanItem
from goals.services import plan_item_set_status
from planbridge import rules as core_rules
from planbridge.models import Department, Plan
from planbridge.periods import check_dates_in_range, week_start
from planbridge.services import refuse_archived

from .. import rules
from ..models import WeeklyUpdate

CONCURRENT_EDIT_MESSAGE = gettext_lazy(
    "Someone else saved this weekly update after you opened it. Your changes were not "
    "saved: reload the page, check their changes and enter yours again."
)


@transaction.atomic
def weekly_update_submit(
    *,
    actor: User,
    department: Department,
    week: datetime.date,
    plan: Plan | None = None,
    progress: str,
    next_week: str,
    problems: str,
    version: int,
    item_statuses: dict[PlanItem, str] | None = None,
    statuses_shown: dict[int, str] | None = None,
) -> WeeklyUpdate:
    """Creates or changes the department's update for the current week (version 0 = new),
    sets the changed plan-item statuses, and refuses a stale version, another week, a plan
    that does not own the week, or a plan-item status someone else changed since the form
    showed it (`statuses_shown`)."""
    if not rules.can_write_weekly_update(actor, department):
        raise PermissionDenied(_("Only coordinators of the department write its weekly update."))
    refuse_archived(plan=plan, department=department)
    check_dates_in_range(week=week)
    if week != week_start(week):
        raise ValidationError(_("A week is given by its Monday."))
    if not rules.weekly_update_week_is_open(week):
        raise ValidationError(_("Only the current week's update can be written or changed."))
    if plan is not None and not rules.weekly_update_plan_owns_week(plan, week):
        raise ValidationError(
            _(
                "This week is outside the days the plan “%(plan)s” owns (%(first)s – %(last)s: "
                "from its creation or start to the end of the month after its end)."
            )
            % {
                "plan": plan.title,
                "first": core_rules.plan_first_day(plan).isoformat(),
                "last": core_rules.plan_last_day(plan).isoformat(),
            },
            code="plan_period",
        )
    if not rules.weekly_update_has_content(
        progress=progress, next_week=next_week, problems=problems
    ):
        raise ValidationError(_("Write at least one of progress, plans for next week or problems."))

    update = (
        WeeklyUpdate.objects.select_for_update()
        .filter(department=department, week=week, plan=plan)
        .first()
    )
    current_version = update.version if update else 0
    if version != current_version:
        raise ValidationError(CONCURRENT_EDIT_MESSAGE, code="stale")
    if update is None:
        update = WeeklyUpdate(department=department, week=week, plan=plan, version=1)
    else:
        update.version += 1
    update.progress = progress.strip()
    update.next_week = next_week.strip()
    update.problems = problems.strip()
    update.author = actor
    try:
        # A savepoint: two first submissions racing both pass the version check; the unique
        # constraint lets one win and the other is told, as for any concurrent edit.
        with transaction.atomic():
            update.save()
    except IntegrityError as exc:
        raise ValidationError(CONCURRENT_EDIT_MESSAGE, code="stale") from exc

    statuses_shown = statuses_shown or {}
    for item, status in (item_statuses or {}).items():
        if item.department_id != department.pk:
            raise ValidationError(_("Only the department's own plan items can be set here."))
        shown = statuses_shown.get(item.pk)
        if shown == status:
            continue  # left as shown: whatever it is now, this update does not change it
        if shown is not None:
            # The row lock makes the check and the change one step (as for the update's
            # version): a status set by someone else meanwhile is not silently overwritten.
            current = PlanItem.objects.select_for_update().only("status").get(pk=item.pk)
            if current.status != shown:
                raise ValidationError(
                    _(
                        "Someone else changed the status of “%(title)s” after you opened this "
                        "page. Nothing was saved: reload the page and enter your changes again."
                    )
                    % {"title": item.title},
                    code="stale",
                )
            item.status = current.status
        if item.status != status:
            plan_item_set_status(actor=actor, item=item, status=status)
    return update
