"""State changes of the core: plans, profiles and login lockouts. Each runs in one
transaction."""

import datetime
from collections.abc import Iterable

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import login_throttle, periods, rules, selectors
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


@transaction.atomic
def login_lockout_lift(*, actor: User, kind: login_throttle.Kind, value: str) -> int:
    """Lifts a current lockout of a user name or an address (docs/architecture.md "Login
    throttling") with django-axes' reset: its next login is accepted at once. Only PMs and
    admins may, and only a lockout there is now; returns the attempt rows removed."""
    if not rules.can_unlock_logins(actor):
        raise PermissionDenied(_("Only project managers and administrators can unlock logins."))
    current = {(lockout.kind, lockout.value) for lockout in selectors.login_lockouts()}
    if (kind, value) not in current:
        raise ValidationError(
            _("There is no such lockout now: it has ended or was lifted already. Nothing changed.")
        )
    if kind == "username":
        return axes_reset(username=value)
    return axes_reset(ip=value)
