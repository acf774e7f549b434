"""Chat robots from the shell (docs/architecture.md "Chat robots"): add, list, test."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from planbridge.models import ChatRobot, Department, Plan
from planbridge.robots.services import robot_add, robot_test


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Adds, lists and tests chat robots (WeCom, DingTalk, Feishu, Slack)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Adds a robot to a department or a plan.")
        owner = add.add_mutually_exclusive_group(required=True)
        owner.add_argument("--department", metavar="SLUG")
        owner.add_argument("--plan", metavar="ID", type=int)
        add.add_argument("--kind", required=True, metavar="wecom|dingtalk|feishu|slack")
        add.add_argument("--url", required=True)
        add.add_argument("--secret", default="")
        add.add_argument("--lang", default="zh-hans", metavar="zh-hans|en")
        add.add_argument("--posts", default="digest,agenda,asks,reviews")
        add.add_argument(
            "--by",
            metavar="USERNAME",
            help="Who is told of the platform's refusals (default: the oldest superuser).",
        )
        sub.add_parser("list", help="Lists the robots with the platform's last error.")
        test = sub.add_parser("test", help="Posts a test message and prints the answer.")
        test.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _add(self, *, department, plan, kind, url, secret, lang, posts, by, **options):
        target_department = target_plan = None
        if department:
            target_department = Department.objects.filter(slug=department).first()
            if target_department is None:
                raise CommandError(f"No department with the slug {department!r}.")
        else:
            target_plan = Plan.objects.filter(pk=plan).first()
            if target_plan is None:
                raise CommandError(f"No plan with the id {plan}.")
        if by:
            owner = User.objects.filter(username=by, is_active=True).first()
        else:
            owner = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if owner is None:
            raise CommandError("Name the robot's owner with --by USERNAME (an active user).")
        try:
            robot = robot_add(
                actor=None,
                owner=owner,
                department=target_department,
                plan=target_plan,
                kind=kind,
                url=url,
                secret=secret,
                language=lang,
                posts=[post.strip() for post in posts.split(",") if post.strip()],
            )
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from exc
        self.stdout.write(f"Added robot {robot.pk}: {robot}")

    def _list(self, **options):
        robots = ChatRobot.objects.select_related("department", "plan").order_by("pk")
        for robot in robots:
            owner = (
                f"department {robot.department.slug}"
                if robot.department
                else f"plan {robot.plan_id}"
            )
            line = (
                f"{robot.pk}\t{robot.kind}\t{robot.url_hint}\t{owner}\t{robot.language}\t"
                f"{','.join(robot.posts)}"
            )
            if robot.last_error:
                line += f"\tlast error {robot.last_error_at:%Y-%m-%d %H:%M}: {robot.last_error}"
            self.stdout.write(line)
        if not robots:
            self.stdout.write("No chat robots.")

    def _test(self, *, id, **options):
        robot = ChatRobot.objects.select_related("department", "plan").filter(pk=id).first()
        if robot is None:
            raise CommandError(f"No chat robot with the id {id}.")
        result = robot_test(actor=None, robot=robot)
        if not result.ok:
            raise CommandError(f"The platform answered: {result.answer}")
        self.stdout.write(f"The platform answered: {result.answer}")
