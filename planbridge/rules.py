"""Who may do what (docs/architecture.md "Domain"): PMs are the `pm` group, admins are superusers,
coordinators and members come from Membership. Pages and services ask these functions;
results are cached on the user object for the request."""

from django.contrib.auth.models import AnonymousUser

from .models import PM_GROUP, Membership


def is_pm(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_pb_is_pm"):
        user._pb_is_pm = user.groups.filter(name=PM_GROUP).exists()
    return user._pb_is_pm


def _roles(user) -> dict[int, str]:
    """department id -> role for the user's memberships, loaded once per user object."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return {}
    if not hasattr(user, "_pb_roles"):
        user._pb_roles = dict(
            Membership.objects.filter(user=user).values_list("department_id", "role")
        )
    return user._pb_roles


def coordinated_department_ids(user) -> set[int]:
    return {dep for dep, role in _roles(user).items() if role == Membership.Role.COORDINATOR}


def member_department_ids(user) -> set[int]:
    """Departments the user belongs to in any role."""
    return set(_roles(user))


def is_coordinator_of(user, department_id: int) -> bool:
    return department_id in coordinated_department_ids(user)


def is_coordinator(user) -> bool:
    return bool(coordinated_department_ids(user))


def can_manage_department(user, department_id: int) -> bool:
    """PMs manage every department; coordinators their own."""
    return is_pm(user) or is_coordinator_of(user, department_id)
