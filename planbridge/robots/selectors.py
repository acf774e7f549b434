"""Reads of the chat robots' pages (docs/architecture.md "Chat robots")."""

from ..models import ChatRobot, OutboxMessage


def robot_waiting_messages(robot: ChatRobot) -> int:
    """How many of the robot's messages have not reached its platform yet (waiting or being
    posted): removing the robot removes them with it (one query)."""
    return OutboxMessage.objects.filter(
        robot=robot, state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.SENDING]
    ).count()
