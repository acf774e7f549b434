"""Writes of company objectives."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from planbridge import periods
from planbridge.models import Plan

from .. import rules
from ..models import Objective


@transaction.atomic
def objective_save(
    *,
    actor: User,
    objective: Objective | None = None,
    title: str,
    quarter: datetime.date,
    description: str = "",
    plan: Plan | None = None,
) -> Objective:
    """Creates or changes a company objective for the quarter containing `quarter`; PMs
    only."""
    if not rules.can_save_objective(actor, objective):
        raise PermissionDenied(_("Only project managers can create or change objectives."))
    periods.check_dates_in_range(quarter=quarter)
    if objective is None:
        objective = Objective(owner=actor)
    objective.title = title
    objective.description = description
    objective.quarter = periods.quarter_start(quarter)
    objective.plan = plan
    objective.full_clean()
    objective.save()
    return objective
