"""State changes of the core: plans and profiles. Each runs in one transaction."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import periods, rules
from .models import Plan, Profile


@transaction.atomic
def plan_save(
    *,
    actor: User,
    plan: Plan | None = None,
    title: str,
    start: datetime.date,
    end: datetime.date,
    owner: User,
    team: Iterable[User],
    background: str = "",
    communication_mechanism: str = "",
    review_cadence: str = "",
) -> Plan:
    """Creates (`plan` None) or changes a plan and its team; only PMs may."""
    if not rules.can_save_plan(actor, plan):
        raise PermissionDenied(_("Only project managers can create or change plans."))
    periods.check_dates_in_range(start=start, end=end)
    if not rules.plan_end_not_before_start(start, end):
        raise ValidationError({"end": rules.END_BEFORE_START_MESSAGE})
    if plan is None:
        plan = Plan()
    plan.title, plan.background, plan.owner = title, background, owner
    plan.start, plan.end = start, end
    plan.communication_mechanism, plan.review_cadence = communication_mechanism, review_cadence
    plan.full_clean()
    plan.save()
    plan.team.set(list(team))
    return plan


@transaction.atomic
def profile_update(*, user: User, language: str, digest_opt_out: bool) -> Profile:
    """Stores the user's language and digest preference."""
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.language = language
    profile.digest_opt_out = digest_opt_out
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def profile_set_language(*, user: User, language: str) -> None:
    """Remembers the language chosen with the switcher; pages and emails follow it."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    Profile.objects.update_or_create(user=user, defaults={"language": language})
