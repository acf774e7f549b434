"""The chat robots' settings pages (docs/architecture.md "Chat robots"): a department's (its
coordinators, PMs) and a plan's (its owner, PMs), with add, change, remove and "Send a test
message", which shows the platform's answer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import rules
from ..forms import ConfirmForm
from ..models import ChatRobot, Department, Plan
from ..once import AlreadySubmitted, form_submitted_once, resubmitted
from ..pages import apply_form_errors
from . import selectors, services
from .forms import RobotAddForm, RobotEditForm


def robot_index(request):
    """The departments and plans whose robots the user manages, with their robot counts."""
    departments = Department.objects.filter(rules.robot_departments_q(request.user)).annotate(
        robot_count=Count("chat_robots")
    )
    plans = Plan.objects.filter(rules.robot_plans_q(request.user)).annotate(
        robot_count=Count("chat_robots")
    )
    return render(
        request, "planbridge/robot_index.html", {"departments": departments, "plans": plans}
    )


def _page_of(robot: ChatRobot) -> str:
    if robot.department_id is not None:
        return reverse("robots:department", args=[robot.department.slug])
    return reverse("robots:plan", args=[robot.plan_id])


def _robots_page(request, *, department: Department | None = None, plan: Plan | None = None):
    form = RobotAddForm(request.POST or None)
    page = (
        reverse("robots:department", args=[department.slug])
        if department
        else reverse("robots:plan", args=[plan.pk])
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data_without_token()
        try:
            with form_submitted_once(request, form) as receipt:
                services.robot_add(actor=request.user, department=department, plan=plan, **data)
                receipt.done(page)
        except AlreadySubmitted as submitted:
            return submitted.redirect(request)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The robot was saved. Send it a test message."))
            return redirect(page)
    robots = ChatRobot.objects.filter(department=department, plan=plan).select_related(
        "department", "plan", "created_by"
    )
    owner_name = department.name if department else plan.title
    return render(
        request,
        "planbridge/robots.html",
        {"form": form, "robots": robots, "owner_name": owner_name},
        status=400 if request.method == "POST" else 200,
    )


def department_robots(request, slug: str):
    department = get_object_or_404(Department, slug=slug)
    if not rules.can_manage_department_robots(request.user, department.pk):
        raise PermissionDenied(_("Only the department's coordinators and PMs manage its robots."))
    return _robots_page(request, department=department)


def plan_robots(request, pk: int):
    plan = get_object_or_404(Plan, pk=pk)
    if not rules.can_manage_plan_robots(request.user, plan):
        raise PermissionDenied(_("Only the plan's owner and PMs manage its robots."))
    return _robots_page(request, plan=plan)


def _robot_or_403(request, pk: int) -> ChatRobot:
    robot = get_object_or_404(ChatRobot.objects.select_related("department", "plan"), pk=pk)
    if not rules.can_manage_robot(request.user, robot):
        raise PermissionDenied(_("You may not manage this robot."))
    return robot


@require_POST
def robot_test(request, pk: int):
    robot = _robot_or_403(request, pk)
    result = services.robot_test(actor=request.user, robot=robot)
    if result.ok:
        messages.success(
            request, _("The platform answered: %(answer)s") % {"answer": result.answer}
        )
    else:
        messages.error(
            request,
            _("The platform refused the test message: %(answer)s") % {"answer": result.answer},
        )
    return redirect(_page_of(robot))


ROBOT_DELETE = "robots.delete"


@require_http_methods(["GET", "POST"])
def robot_delete(request, pk: int):
    """The confirmation page of removing a robot (GET), naming the messages it still had to
    post, and the removal (the page's POST, with its one-time token, docs/architecture.md
    "Confirmations")."""
    if request.method == "POST" and (done := resubmitted(request, ROBOT_DELETE)) is not None:
        return done.redirect(request)
    robot = _robot_or_403(request, pk)
    page = _page_of(robot)
    posted = request.method == "POST"
    form = ConfirmForm(request.POST if posted else None, submission_form=ROBOT_DELETE)
    if posted and form.is_valid():
        try:
            with form_submitted_once(request, form) as receipt:
                services.robot_delete(actor=request.user, robot=robot)
                receipt.done(page)
        except AlreadySubmitted as submitted:
            return submitted.redirect(request)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The robot was removed."))
            return redirect(page)
    return render(
        request,
        "planbridge/robot_delete.html",
        {
            "robot": robot,
            "owner_name": robot.department.name if robot.department_id else robot.plan.title,
            "waiting": selectors.robot_waiting_messages(robot),
            "form": form,
            "back": page,
        },
        status=400 if posted else 200,
    )


def robot_edit(request, pk: int):
    robot = _robot_or_403(request, pk)
    form = RobotEditForm(
        request.POST or None, initial={"language": robot.language, "posts": robot.posts}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.robot_update(actor=request.user, robot=robot, **form.cleaned_data)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The robot was saved."))
            return redirect(_page_of(robot))
    return render(
        request,
        "planbridge/robot_edit.html",
        {"form": form, "robot": robot, "back": _page_of(robot)},
        status=400 if request.method == "POST" else 200,
    )
