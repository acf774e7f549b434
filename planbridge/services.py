"""State changes of the core: plans, profiles, login lockouts, and archiving plans and
departments, merging departments and deactivating users (docs/architecture.md "Nothing with
history is deleted"). Each runs in one transaction."""

import datetime
from collections.abc import Iterable

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import login_throttle, periods, registry, rules, selectors
from .models import Department, Membership, Plan, Profile


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


def profile_my_work_seen(*, user: User, at: datetime.datetime) -> None:
    """Records that the user looked at My work at `at` (its "answers since I last looked"
    start there next time); one UPDATE, which never moves the moment back (a slower request of
    an earlier visit finishing last)."""
    Profile.objects.filter(user=user).filter(
        Q(my_work_seen_at__isnull=True) | Q(my_work_seen_at__lt=at)
    ).update(my_work_seen_at=at)


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


def _locked_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def refuse_archived(*, plan: Plan | None = None, **departments: Department | None) -> None:
    """Refuses new work in an archived plan or department (docs/architecture.md "Nothing with
    history is deleted"): the forms do not offer them, a direct call is refused the same.
    Each keyword names the form field of one department."""
    errors = {}
    if plan is not None and rules.plan_is_archived(plan):
        errors["plan"] = _("This plan is archived and takes no new work.")
    for field, department in departments.items():
        if department is not None and rules.department_is_archived(department):
            errors[field] = _("This department is archived and takes no new work.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_archive(*, actor: User, plan: Plan) -> Plan:
    """Archives a plan (PM or its owner): it leaves the lists of current work and the plan
    choices, and keeps everything it holds, which still counts in past figures."""
    if not rules.can_archive_plan(actor, plan):
        raise PermissionDenied(_("Only project managers and the plan's owner can archive it."))
    plan = _locked_plan(plan)
    if rules.plan_is_archived(plan):
        raise ValidationError(_("This plan is archived already."))
    plan.archived_at = timezone.now()
    plan.save(update_fields=["archived_at"])
    return plan


@transaction.atomic
def plan_unarchive(*, actor: User, plan: Plan) -> Plan:
    """Brings an archived plan back to the lists of current work (PM or its owner)."""
    if not rules.can_archive_plan(actor, plan):
        raise PermissionDenied(
            _("Only project managers and the plan's owner can bring it back from the archive.")
        )
    plan = _locked_plan(plan)
    if not rules.plan_is_archived(plan):
        raise ValidationError(_("This plan is not archived."))
    plan.archived_at = None
    plan.save(update_fields=["archived_at"])
    return plan


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Deactivates a user (PM or staff) instead of deleting them: they can no longer log in,
    get no digests or reminders and leave every choice list (which offer active users only);
    their memberships, owned plan items and everything they wrote stay as history, so their
    open items keep them as owner until someone reassigns them."""
    if not rules.can_deactivate_user(actor, user):
        raise PermissionDenied(_("Only project managers and staff can deactivate users."))
    if not rules.user_may_be_deactivated(actor, user):
        raise ValidationError(_("You cannot deactivate yourself."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(_("This user is deactivated already."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def department_open_work(department: Department) -> list[str]:
    """What the department still has open, one line per kind the apps registered
    (registry.DepartmentWork), only kinds with something open."""
    lines = []
    for work in registry.department_work():
        count = work.open_count(department.pk)
        if count:
            lines.append(str(work.label) % {"count": count})
    return lines


def _locked_departments(*departments: Department) -> list[Department]:
    # In id order, so that two merges of the same pair wait for each other instead of
    # deadlocking.
    pks = [department.pk for department in departments]
    locked = {d.pk: d for d in Department.objects.select_for_update().filter(pk__in=pks)}
    return [locked[pk] for pk in pks]


@transaction.atomic
def department_archive(*, actor: User, department: Department) -> Department:
    """Archives a department that has no open work left (PM only): it leaves every choice
    list and keeps its members and history, which still count in past figures. One with
    open work is refused, naming it: merging hands the work to another department."""
    if not rules.can_archive_department(actor, department):
        raise PermissionDenied(_("Only project managers can archive departments."))
    (department,) = _locked_departments(department)
    if rules.department_is_archived(department):
        raise ValidationError(_("This department is archived already."))
    open_work = department_open_work(department)
    if open_work:
        raise ValidationError(
            _(
                "%(department)s still has open work (%(work)s). Finish it, or merge the "
                "department into the one taking it over."
            )
            % {"department": department, "work": "; ".join(open_work)}
        )
    department.archived_at = timezone.now()
    department.save(update_fields=["archived_at"])
    return department


@transaction.atomic
def department_merge(*, actor: User, source: Department, target: Department) -> dict[str, int]:
    """Merges `source` into `target` (PM only): the target takes over the source's open work
    (each app's registry.DepartmentWork moves it) and its people (a membership in the target
    for each member, coordinators staying coordinators); the source is archived with
    `merged_into` the target and keeps its closed history and memberships, so its past
    figures stay as they were. Returns how many rows of each kind moved."""
    if not rules.can_archive_department(actor, source):
        raise PermissionDenied(_("Only project managers can merge departments."))
    if source.pk == target.pk:
        raise ValidationError({"target": _("A department cannot be merged into itself.")})
    source, target = _locked_departments(source, target)
    if rules.department_is_archived(source):
        raise ValidationError(_("%(department)s is archived already.") % {"department": source})
    if rules.department_is_archived(target):
        raise ValidationError(
            {
                "target": _("%(department)s is archived; choose a current department.")
                % {"department": target}
            }
        )
    moved = {"memberships": 0}
    target_roles = dict(
        Membership.objects.select_for_update()
        .filter(department=target)
        .values_list("user_id", "role")
    )
    for membership in Membership.objects.filter(department=source):
        role = target_roles.get(membership.user_id)
        if role is None:
            Membership.objects.create(
                user_id=membership.user_id, department=target, role=membership.role
            )
            moved["memberships"] += 1
        elif role != membership.role and membership.role == Membership.Role.COORDINATOR:
            target_membership = Membership.objects.get(
                user_id=membership.user_id, department=target
            )
            target_membership.role = Membership.Role.COORDINATOR
            target_membership.save(update_fields=["role"])
            moved["memberships"] += 1
    for work in registry.department_work():
        moved[work.key] = work.move(source.pk, target.pk)
    source.archived_at = timezone.now()
    source.merged_into = target
    source.save(update_fields=["archived_at", "merged_into"])
    return moved
