"""Writes of chat robots (docs/architecture.md "Chat robots"): add, change, remove, send a
test message, and hand a message to the outbox for every robot of a department or plan that
posts its kind."""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import outbox, rules
from ..models import ChatRobot, Department, OutboxMessage, Plan
from .formats import Line, lines_dump
from .transport import url_check

POSTS = [choice.value for choice in ChatRobot.Post]
LANGUAGES = ["zh-hans", "en"]


def _clean(*, kind: str, url: str, secret: str, language: str, posts: list[str]) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in ChatRobot.Kind.values:
        errors["kind"] = [
            _("Unknown platform %(kind)s: choose wecom, dingtalk, feishu or slack.")
            % {"kind": kind}
        ]
    try:
        url_check(url)
    except ValidationError as exc:
        errors["url"] = exc.messages
    if len(url) > 500:
        errors["url"] = [_("The webhook URL is too long (at most 500 characters).")]
    if len(secret) > 200:
        errors["secret"] = [_("The secret is too long (at most 200 characters).")]
    if language not in LANGUAGES:
        errors["language"] = [_("Choose zh-hans or en as the language.")]
    unknown = [post for post in posts if post not in POSTS]
    if unknown:
        errors["posts"] = [
            _("Unknown posts %(posts)s: choose from digest, agenda, asks, reviews.")
            % {"posts": ", ".join(unknown)}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def robot_add(
    *,
    actor: User | None,
    kind: str,
    url: str,
    secret: str = "",
    language: str = "zh-hans",
    posts: list[str],
    department: Department | None = None,
    plan: Plan | None = None,
    owner: User | None = None,
) -> ChatRobot:
    """Adds a robot to a department (its coordinators, PMs) or a plan (its owner, PMs); actor
    None is the shell (`manage.py chat_robot add`), which names the robot's `owner`, the user
    told of the platform's refusals."""
    if (department is None) == (plan is None):
        raise ValidationError(_("A robot belongs to one department or one plan."))
    if actor is not None:
        if department is not None and not rules.can_manage_department_robots(actor, department.pk):
            raise PermissionDenied(
                _("Only the department's coordinators and PMs manage its robots.")
            )
        if plan is not None and not rules.can_manage_plan_robots(actor, plan):
            raise PermissionDenied(_("Only the plan's owner and PMs manage its robots."))
    owner = owner or actor
    if owner is None:
        raise ValidationError(_("A robot needs an owner, told when its platform refuses it."))
    url, secret = url.strip(), secret.strip()
    _clean(kind=kind, url=url, secret=secret, language=language, posts=posts)
    return ChatRobot.objects.create(
        department=department,
        plan=plan,
        kind=kind,
        url=url,
        secret=secret,
        language=language,
        posts=sorted(set(posts), key=POSTS.index),
        created_by=owner,
    )


@transaction.atomic
def robot_update(
    *,
    actor: User,
    robot: ChatRobot,
    language: str,
    posts: list[str],
    url: str = "",
    secret: str = "",
) -> ChatRobot:
    """Changes a robot's language and posts, and its URL or secret when new ones are given
    (an empty field keeps the stored one, which is never shown); a new URL or secret clears
    the platform's last error."""
    robot = ChatRobot.objects.select_for_update().get(pk=robot.pk)
    if not rules.can_manage_robot(actor, robot):
        raise PermissionDenied(_("You may not manage this robot."))
    new_url, new_secret = url.strip() or robot.url, secret.strip() or robot.secret
    _clean(kind=robot.kind, url=new_url, secret=new_secret, language=language, posts=posts)
    if (new_url, new_secret) != (robot.url, robot.secret):
        robot.last_error, robot.last_error_at = "", None
    robot.url, robot.secret = new_url, new_secret
    robot.language = language
    robot.posts = sorted(set(posts), key=POSTS.index)
    robot.save()
    return robot


@transaction.atomic
def robot_delete(*, actor: User, robot: ChatRobot) -> None:
    """Removes a robot and the messages it still had to post."""
    if not rules.can_manage_robot(actor, robot):
        raise PermissionDenied(_("You may not manage this robot."))
    robot.delete()


@dataclass(frozen=True)
class RobotTestResult:
    ok: bool
    answer: str


def robot_test(*, actor: User | None, robot: ChatRobot) -> RobotTestResult:
    """Posts a test message through the outbox at once and returns the platform's answer
    (actor None: the shell's `chat_robot test`)."""
    if actor is not None and not rules.can_manage_robot(actor, robot):
        raise PermissionDenied(_("You may not manage this robot."))
    with translation.override(robot.language):
        title = _("PlanBridge test message")
        owner = str(robot.department or robot.plan)
        lines = [
            Line(_("This robot will post PlanBridge messages for %(owner)s.") % {"owner": owner})
        ]
    with transaction.atomic():
        message = robot_message_enqueue(
            robot=robot,
            kind="robot_test",
            dedupe_key=f"robot-test:{robot.pk}:{uuid.uuid4().hex}",
            title=title,
            lines=lines,
            queue=False,
        )
    assert message is not None  # a fresh key
    outbox.outbox_message_send(message_pk=message.pk)
    message.refresh_from_db()
    if message.state == OutboxMessage.State.SENT:
        if robot.last_error:
            ChatRobot.objects.filter(pk=robot.pk).update(last_error="", last_error_at=None)
        return RobotTestResult(True, message.headers.get("answer", "ok"))
    # Not retried behind the user's back: the answer is on the page, and they try again.
    if message.state == OutboxMessage.State.PENDING:
        OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.PENDING).update(
            state=OutboxMessage.State.FAILED
        )
    return RobotTestResult(False, message.last_error.removeprefix("RobotError: "))


def robot_message_enqueue(
    *,
    robot: ChatRobot,
    kind: str,
    dedupe_key: str,
    title: str,
    lines: list[Line],
    queue: bool = True,
) -> OutboxMessage | None:
    """Hands one rendered message for one robot to the outbox (None: this key was posted)."""
    return outbox.outbox_enqueue(
        recipient_id=None,
        robot_id=robot.pk,
        channel=OutboxMessage.Channel.ROBOT,
        address=f"robot:{robot.pk}",
        kind=kind,
        dedupe_key=dedupe_key,
        subject=title[:255],
        text=lines_dump(lines),
        queue=queue,
    )


def robots_posting(
    *, post: str, department_ids: Iterable[int] = (), plan_ids: Iterable[int] = ()
) -> list[ChatRobot]:
    """The robots of these departments and plans that post `post` (one query)."""
    from django.db.models import Q

    # Filtered here, not with a JSON lookup: the embedded SQLite mode has no JSON `contains`.
    robots = ChatRobot.objects.filter(
        Q(department_id__in=list(department_ids)) | Q(plan_id__in=list(plan_ids))
    ).select_related("department", "plan")
    return [robot for robot in robots if post in robot.posts]


def robot_owner_notify(*, robot: ChatRobot, error: str, now: datetime.datetime) -> None:
    """E-mails the robot's owner (who added it) the platform's refusal, at most once a day per
    robot, in their language."""
    owner = User.objects.select_related("profile").get(pk=robot.created_by_id)
    if not owner.email or not owner.is_active:
        return
    language = getattr(getattr(owner, "profile", None), "language", "en")
    with translation.override(language):
        subject = _("Your %(platform)s robot was refused a message") % {
            "platform": robot.get_kind_display()
        }
        text = _(
            "The platform refused a message of your robot %(robot)s: %(error)s\n"
            "Other messages keep going. Check the robot's secret, keywords and settings."
        ) % {"robot": robot.url_hint, "error": error}
    outbox.outbox_enqueue(
        recipient_id=owner.pk,
        address=owner.email,
        kind="robot_error",
        dedupe_key=f"robot-error:{robot.pk}:{timezone.localdate(now).isoformat()}",
        subject=subject,
        text=text,
    )
