"""Read-side queries of the core: plans and departments with what their pages need, and the
current login lockouts."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from . import login_throttle
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


def plan_team_by_department(plan: Plan) -> list[tuple[str | None, list]]:
    """The plan's team grouped by department name (a member of several appears in each), the
    members of no department (a PM, usually) last under None; expects `plan` from
    plan_list()."""
    groups: dict[str | None, list] = {}
    for member in plan.team.all():
        departments: list[str | None] = [m.department.name for m in member.memberships.all()]
        for name in departments or [None]:
            groups.setdefault(name, []).append(member)
    return sorted(groups.items(), key=lambda group: (group[0] is None, group[0] or ""))


@dataclass(frozen=True)
class LoginLockout:
    """A user name or an address refused at login now (docs/architecture.md "Login
    throttling"): its counting failures, when it ends, and the addresses its failures came
    from (a user name) or the user names tried (an address)."""

    kind: login_throttle.Kind
    value: str
    failures: int
    until: datetime.datetime
    others: tuple[str, ...]

    @property
    def retry_at(self) -> datetime.datetime:
        return login_throttle.retry_at(self.until)


def login_lockouts() -> list[LoginLockout]:
    """The current lockouts, latest ending first; three queries whatever the number of
    attempts (the locked user names, the locked addresses, their attempt rows). A lockout of
    no address (a request without the proxies' header) is left to the admin's Access attempts."""
    counting = login_throttle.counting_attempts(timezone.now())
    locked: dict[login_throttle.Kind, list[str]] = {
        kind: [
            value
            for value, failures in counting.exclude(**{f"{kind}__isnull": True})
            .values(kind)
            .annotate(failures=Sum("failures_since_start"))
            .values_list(kind, "failures")
            .order_by()
            if login_throttle.is_locked(kind, failures)
        ]
        for kind in login_throttle.KINDS
    }
    if not any(locked.values()):
        return []
    rows = list(
        counting.filter(
            Q(username__in=locked["username"]) | Q(ip_address__in=locked["ip_address"])
        ).values_list("username", "ip_address", "attempt_time", "failures_since_start")
    )
    groups: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for row in rows:
        groups["username", row[0]].append(row)
        groups["ip_address", row[1]].append(row)
    lockouts = []
    for kind in login_throttle.KINDS:
        other = 1 if kind == "username" else 0
        for value in locked[kind]:
            group = groups[kind, value]
            until = login_throttle.lockout_end(kind, [(row[2], row[3]) for row in group])
            if until is None:  # cooled off between the two queries
                continue
            lockouts.append(
                LoginLockout(
                    kind=kind,
                    value=value,
                    failures=sum(row[3] for row in group),
                    until=until,
                    others=tuple(sorted({row[other] for row in group if row[other]})),
                )
            )
    return sorted(lockouts, key=lambda lockout: (lockout.until, lockout.value), reverse=True)
