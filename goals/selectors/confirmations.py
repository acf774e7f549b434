"""What the check-in's delete confirmation names before anything changes
(docs/architecture.md "Confirmations")."""

from dataclasses import dataclass

from ..models import CheckIn


@dataclass(frozen=True)
class CheckInDeletePreview:
    """The goal's check-ins left once this one is deleted: how many, and the latest of them,
    from which the goal's progress is then read (None when none is left)."""

    remaining: int
    latest_remaining: CheckIn | None


def checkin_delete_preview(checkin: CheckIn) -> CheckInDeletePreview:
    """The goal's other check-ins, the latest in the order goal_queryset() reads it (two
    queries: the count, the latest)."""
    others = CheckIn.objects.filter(goal_id=checkin.goal_id).exclude(pk=checkin.pk)
    return CheckInDeletePreview(
        remaining=others.count(),
        latest_remaining=others.order_by("-date", "-created_at", "-pk").first(),
    )
