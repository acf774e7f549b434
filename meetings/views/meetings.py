from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planbridge import rules as core_rules
from planbridge.models import Plan
from planbridge.once import AlreadySubmitted, form_submitted_once
from planbridge.pages import apply_form_errors
from planbridge.periods import today
from planbridge.redirects import redirect_to_next

from .. import rules, selectors, services
from ..forms import (
    ActionItemForm,
    ActionItemStatusForm,
    MeetingForm,
    MeetingRecordForm,
    MeetingScheduleForm,
)
from ..models import ActionItem

PAGE_SIZE = 30


def meeting_list(request):
    """Meetings, newest first, paginated."""
    meetings = selectors.meeting_queryset().order_by("-date", "-pk")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {"page": page, "may_create": rules.can_create_any_meeting(request.user)},
    )


def meeting_create(request):
    """A PM (any plan or none) or a plan's owner (their plans) creates a week's meeting."""
    if not rules.can_create_any_meeting(request.user):
        raise PermissionDenied(_("Only a project manager or the plan's owner creates meetings."))
    plans = Plan.objects.filter(
        rules.meeting_plans_q(request.user), core_rules.current_plans_q()
    ).order_by("-start", "title")
    initial = {"date": today(), "facilitator": request.user.pk}
    owning = selectors.plans_owning_day(today()).filter(pk__in=plans.values("pk")).first()
    if owning is not None:
        initial["plan"] = owning.pk
    form = MeetingForm(
        request.POST or None,
        initial=initial,
        plans=plans,
        plan_required=not rules.can_create_meeting(request.user, None),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The meeting was created; its agenda is below."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def meeting_reschedule(request, pk):
    """Whoever runs the meeting changes its day, times, place or link; subscribed calendars
    follow (docs/architecture.md "Calendar feed")."""
    meeting = get_object_or_404(selectors.meeting_queryset(), pk=pk)
    if not rules.can_run_meeting(request.user, meeting):
        raise PermissionDenied(
            _("Only the facilitator, the plan's owner or a project manager moves the meeting.")
        )
    form = MeetingScheduleForm(
        request.POST or None,
        initial={
            "date": meeting.date,
            "start_time": meeting.start_time,
            "end_time": meeting.end_time,
            "place": meeting.place,
            "link": meeting.link,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_reschedule(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The meeting's time and place were saved."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_schedule_form.html",
        {"form": form, "meeting": meeting},
        status=400 if request.method == "POST" else 200,
    )


def _meeting_page(request, meeting, *, record_form=None, action_form=None, status=200):
    may_run = rules.can_run_meeting(request.user, meeting)
    agenda = selectors.meeting_agenda(meeting)
    if may_run:
        people = selectors.people_for_meeting(meeting)
        record_form = record_form or MeetingRecordForm(
            initial={"attendees": list(meeting.attendees.all()), "notes": meeting.notes},
            people=people,
        )
        action_form = action_form or ActionItemForm(
            initial={"due": meeting.date}, people=people, meeting=meeting
        )
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "attendees": meeting.attendees.order_by("first_name", "last_name", "username"),
            "may_run": may_run,
            "may_set_status_ids": {
                item.pk
                for item in agenda.carried_action_items + agenda.action_items
                if rules.can_set_action_item_status(request.user, item)
            },
            "record_form": record_form,
            "action_form": action_form,
        },
        status=status,
    )


def meeting_detail(request, pk):
    """The meeting page: its agenda, assembled from data, and what was recorded."""
    meeting = get_object_or_404(selectors.meeting_queryset(), pk=pk)
    return _meeting_page(request, meeting)


@require_POST
def meeting_record(request, pk):
    """The facilitator (or a PM, or the plan owner) records attendance and notes."""
    meeting = get_object_or_404(selectors.meeting_queryset(), pk=pk)
    if not rules.can_run_meeting(request.user, meeting):
        raise PermissionDenied(_("Only the facilitator or a project manager records the meeting."))
    form = MeetingRecordForm(request.POST, people=selectors.people_for_meeting(meeting))
    if form.is_valid():
        services.meeting_record(
            actor=request.user,
            meeting=meeting,
            attendees=form.cleaned_data["attendees"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, _("Attendance and notes were saved."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _meeting_page(request, meeting, record_form=form, status=400)


@require_POST
def action_item_create(request, pk):
    """The facilitator records an action item: what, owner, department, due."""
    meeting = get_object_or_404(selectors.meeting_queryset(), pk=pk)
    if not rules.can_run_meeting(request.user, meeting):
        raise PermissionDenied(_("Only the facilitator or a project manager records actions."))
    form = ActionItemForm(
        request.POST, people=selectors.people_for_meeting(meeting), meeting=meeting
    )
    if form.is_valid():
        try:
            # A second submit is shown the first one's result (docs/architecture.md
            # "Idempotent writes").
            with form_submitted_once(request, form) as receipt:
                services.action_item_create(
                    actor=request.user, meeting=meeting, **form.cleaned_data_without_token()
                )
                receipt.done(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#actions")
        except AlreadySubmitted as submitted:
            return submitted.redirect(request)
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The action item was added."))
            return redirect(receipt.result_url)
    return _meeting_page(request, meeting, action_form=form, status=400)


@require_POST
def action_item_status(request, pk):
    """The action's owner, or whoever runs its meeting, marks it done or open again."""
    item = get_object_or_404(ActionItem.objects.select_related("meeting__plan"), pk=pk)
    if not rules.can_set_action_item_status(request.user, item):
        raise PermissionDenied(
            _(
                "Only the action's owner, the meeting's facilitator, the plan's owner or a "
                "project manager can mark this action done or open."
            )
        )
    # The redirect is decided before anything is saved: whatever `next` holds, the answer
    # is this redirect, so a change is never saved behind an error page.
    response = redirect_to_next(request, reverse("meetings:meeting_detail", args=[item.meeting_id]))
    form = ActionItemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
        return response
    services.action_item_set_status(
        actor=request.user, item=item, status=form.cleaned_data["status"]
    )
    messages.success(request, _("The action item was updated."))
    return response


def meeting_minutes(request, pk):
    """The minutes (agenda, attendance, notes, actions) as a Markdown download."""
    meeting = get_object_or_404(selectors.meeting_queryset(), pk=pk)
    text = render_to_string(
        "meetings/minutes.txt",
        {
            "meeting": meeting,
            "agenda": selectors.meeting_agenda(meeting),
            "attendees": meeting.attendees.order_by("first_name", "last_name", "username"),
        },
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.date:%Y-%m-%d}.md"'
    return response
