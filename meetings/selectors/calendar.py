"""What a user's private calendar feed lists: their meetings, and the due dates of their
open action items and plan items."""

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q

from goals import rules as goal_rules
from goals.models import PlanItem
from planbridge import rules as core_rules
from planbridge.models import Profile, calendar_token_hash
from planbridge.periods import today

from .. import rules
from ..models import ActionItem, Meeting

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")

# The feed looks this far back; later entries are all included.
FEED_HISTORY_DAYS = 90


@dataclass
class CalendarEntries:
    meetings: list[Meeting]
    action_items: list[ActionItem]
    plan_items: list[PlanItem]


def profile_for_calendar_token(token: str) -> Profile | None:
    """The profile whose feed token this is; None for an unknown or revoked token."""
    # Tokens are URL-safe base64 (secrets.token_urlsafe); anything else cannot match and
    # must not reach the database (PostgreSQL refuses a NUL byte with an error, not a miss).
    if not token or not TOKEN_PATTERN.fullmatch(token):
        return None
    return (
        Profile.objects.select_related("user")
        .filter(calendar_token_hash=calendar_token_hash(token))
        .first()
    )


def calendar_entries(user: User) -> CalendarEntries:
    """The user's feed in three queries: meetings they facilitate, attended or whose plan
    team (or, without plan, whose company) they belong to; their open actions and items."""
    since = today() - datetime.timedelta(days=FEED_HISTORY_DAYS)
    mine = Q(facilitator=user) | Q(attendees=user) | Q(plan__team=user)
    if core_rules.member_department_ids(user) or core_rules.is_pm(user):
        mine |= Q(plan__isnull=True)
    meetings = list(
        Meeting.objects.filter(mine, date__gte=since)
        .select_related("plan", "facilitator")
        .distinct()
        .order_by("date", "pk")
    )
    action_items = list(
        ActionItem.objects.filter(rules.action_item_open_q(), owner=user, due__gte=since)
        .select_related("meeting", "department")
        .order_by("due", "pk")
    )
    plan_items = list(
        PlanItem.objects.filter(goal_rules.open_plan_item_q(), owner=user, due__gte=since)
        .select_related("department", "plan")
        .order_by("due", "pk")
    )
    return CalendarEntries(meetings=meetings, action_items=action_items, plan_items=plan_items)
