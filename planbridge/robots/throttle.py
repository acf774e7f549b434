"""The per-robot throttle, below each platform's rate limit, kept on the robot's row (locked
for the check), so that every worker and process shares it (STYLE.md "Jobs": a cache is not
correctness)."""

import datetime

from django.db import transaction

from ..models import ChatRobot
from .formats import DINGTALK, FEISHU, SLACK, WECOM

# (window in seconds, posts at most): WeCom and DingTalk 20 a minute, Feishu 100 a minute and
# 5 a second, Slack 1 a second.
LIMITS = {
    WECOM: [(60, 20)],
    DINGTALK: [(60, 20)],
    FEISHU: [(60, 100), (1, 5)],
    SLACK: [(1, 1)],
}
# Our clock and the platform's differ a little: a window counts this much longer.
MARGIN_SECONDS = 1.0


def robot_post_slot(*, robot_pk: int, now: datetime.datetime) -> float:
    """Takes a posting slot for the robot at `now` and returns 0, or, when its windows are
    full, takes none and returns the seconds until one frees."""
    with transaction.atomic():
        robot = ChatRobot.objects.select_for_update().get(pk=robot_pk)
        limits = LIMITS[robot.kind]
        longest = max(window for window, _count in limits) + MARGIN_SECONDS
        moments = [
            moment
            for moment in (datetime.datetime.fromisoformat(m) for m in robot.recent_posts)
            if (now - moment).total_seconds() < longest
        ]
        wait = 0.0
        for window, count in limits:
            inside = sorted(
                m for m in moments if (now - m).total_seconds() < window + MARGIN_SECONDS
            )
            if len(inside) >= count:
                frees = inside[-count] + datetime.timedelta(seconds=window + MARGIN_SECONDS)
                wait = max(wait, (frees - now).total_seconds())
        if wait <= 0:
            moments.append(now)
        # update(): no history record for every post.
        ChatRobot.objects.filter(pk=robot.pk).update(recent_posts=[m.isoformat() for m in moments])
        return max(wait, 0.0)
