"""Read-side queries of the core: plans and departments with what their pages need."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from .models import Membership, Plan


def plan_list() -> QuerySet[Plan]:
    """Plans with owner and team (and each member's departments) loaded."""
    user_model = get_user_model()
    return Plan.objects.select_related("owner").prefetch_related(
        Prefetch(
            "team",
            queryset=user_model.objects.order_by("username").prefetch_related(
                Prefetch("memberships", queryset=Membership.objects.select_related("department"))
            ),
        )
    )


def plan_team_by_department(plan: Plan) -> list[tuple[str, list]]:
    """The plan's team grouped by department name (a member of several appears in each);
    expects `plan` from plan_list()."""
    groups: dict[str, list] = {}
    for member in plan.team.all():
        departments = [m.department.name for m in member.memberships.all()] or ["—"]
        for name in departments:
            groups.setdefault(name, []).append(member)
    return sorted(groups.items())
