"""Login throttling (docs/architecture.md "Login throttling"), on django-axes.

The lockout rule, defined once here: the failed logins recorded for a user name, or for an
address, that have not cooled off count against that kind's limit; reaching it refuses
further logins of that user name, or from that address, the right password too. An attempt
row (one per user name, address and browser) cools off `AXES_COOLOFF_TIME` after its latest
failure, as django-axes counts, so a lockout ends once the rows still counting hold fewer
failures than the limit. The axes handler below, the login page's message and the PM's
lockouts page (`planbridge.selectors.login_lockouts`) all read it from here.
"""

import datetime
from collections.abc import Iterable
from typing import Literal

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

Kind = Literal["username", "ip_address"]
KINDS: tuple[Kind, ...] = ("username", "ip_address")


def failure_limit(kind: Kind) -> int:
    """How many failures that have not cooled off lock a user name or an address out."""
    if kind == "username":
        return int(settings.PLANBRIDGE_LOGIN_FAILURES_PER_USERNAME)
    return int(settings.PLANBRIDGE_LOGIN_FAILURES_PER_ADDRESS)


def cool_off() -> datetime.timedelta:
    return settings.AXES_COOLOFF_TIME


def counting_attempts(now: datetime.datetime) -> QuerySet[AccessAttempt]:
    """The attempt rows that still count at `now` (axes keeps those at or after the threshold)."""
    return AccessAttempt.objects.filter(attempt_time__gte=now - cool_off())


def is_locked(kind: Kind, failures: int) -> bool:
    return failures >= failure_limit(kind)


def lockout_end(
    kind: Kind, attempts: Iterable[tuple[datetime.datetime, int]]
) -> datetime.datetime | None:
    """The moment a user name's or an address's lockout ends, from its counting attempt rows
    (latest failure time, failures): logins are accepted again after it. None when the rows
    do not lock it out. Rows cool off oldest first; the lockout ends with the one whose
    cooling off leaves fewer failures than the limit."""
    rows = sorted(attempts)
    remaining = sum(failures for _time, failures in rows)
    if not is_locked(kind, remaining):
        return None
    for attempt_time, failures in rows:
        remaining -= failures
        if not is_locked(kind, remaining):
            return attempt_time + cool_off()
    return None  # not reached: no rows hold no failures


def retry_at(until: datetime.datetime) -> datetime.datetime:
    """The first whole minute after a lockout's end, the moment pages name: a login is
    accepted from then on (the end itself still counts as locked)."""
    return until.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)


def _request_filters(request: HttpRequest, credentials: dict | None) -> dict[Kind, dict]:
    return {
        "username": {"username": get_client_username(request, credentials)},
        "ip_address": {"ip_address": getattr(request, "axes_ip_address", None)},
    }


def request_lockout_end(
    request: HttpRequest, credentials: dict | None = None
) -> datetime.datetime | None:
    """When the lockout refusing this login attempt ends (the later one when both its user
    name and its address are locked out), or None when neither is."""
    rows = counting_attempts(getattr(request, "axes_attempt_time", None) or timezone.now())
    ends = [
        lockout_end(kind, rows.filter(**lookup).values_list("attempt_time", "failures_since_start"))
        for kind, lookup in _request_filters(request, credentials).items()
    ]
    return max((end for end in ends if end is not None), default=None)


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit per lockout parameter: its maintainers'
    answer for "one limit for user names, another for addresses" is a handler of one's own
    (jazzband/django-axes#661); AXES_FAILURE_LIMIT is the user-name limit."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The user name's counting failures, raised to AXES_FAILURE_LIMIT when the address is
        locked out: axes compares this one number with AXES_FAILURE_LIMIT."""
        rows = counting_attempts(request.axes_attempt_time)
        failures: dict[Kind, int] = {
            kind: rows.filter(**lookup).aggregate(total=Sum("failures_since_start"))["total"] or 0
            for kind, lookup in _request_filters(request, credentials).items()
        }
        if is_locked("ip_address", failures["ip_address"]):
            return max(failures["username"], settings.AXES_FAILURE_LIMIT)
        return failures["username"]

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """On a successful login (AXES_RESET_ON_SUCCESS): the failures of its user name only.
        Axes would also clear every failure from the address, letting someone with an account
        wipe the count of their guesses at other user names by logging in between them."""
        username = get_client_username(request, credentials)
        count, _details = AccessAttempt.objects.filter(username=username).delete()
        return count
