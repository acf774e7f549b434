"""Forms of weekly coordination. Rules that need the database live in meetings.services;
forms check what a user can type wrong (dates, choices, required text)."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from goals import rules as goal_rules
from goals.forms import UserChoiceField
from goals.models import PlanItem
from planbridge import rules as core_rules
from planbridge.forms import BoundedDateField, OneTimeTokenForm
from planbridge.models import Department, Plan
from planbridge.periods import add_months, month_start, today

from . import rules
from .models import DEFAULT_END, DEFAULT_START, LINK_VALIDATOR, ActionItem, Ask

ITEM_STATUS_PREFIX = "status_"
SHOWN_PREFIX = "shown_"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    label_from_instance = UserChoiceField.label_from_instance


class WeeklyUpdateForm(forms.Form):
    progress = forms.CharField(
        label=_("Progress this week"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_week = forms.CharField(
        label=_("Plans for next week"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    problems = forms.CharField(
        label=_("Problems and blockers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Need something from another department? Save the update, then raise an ask "
            "from it: the other department must answer."
        ),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, plan_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_items = list(plan_items)
        for item in self.plan_items:
            self.fields[f"{ITEM_STATUS_PREFIX}{item.pk}"] = forms.ChoiceField(
                label=item.title,
                choices=PlanItem.Status.choices,
                initial=item.status,
            )
            # The status the page showed, so that a change made by someone else meanwhile
            # is detected instead of overwritten.
            self.fields[f"{SHOWN_PREFIX}{item.pk}"] = forms.ChoiceField(
                choices=PlanItem.Status.choices,
                initial=item.status,
                required=False,
                widget=forms.HiddenInput,
            )

    def status_fields(self):
        """(plan item, status field, hidden shown-status field) for the status table."""
        return [
            (item, self[f"{ITEM_STATUS_PREFIX}{item.pk}"], self[f"{SHOWN_PREFIX}{item.pk}"])
            for item in self.plan_items
        ]

    def text_fields(self):
        return [self["progress"], self["next_week"], self["problems"]]

    def clean(self):
        cleaned = super().clean()
        if not rules.weekly_update_has_content(
            progress=cleaned.get("progress") or "",
            next_week=cleaned.get("next_week") or "",
            problems=cleaned.get("problems") or "",
        ):
            raise forms.ValidationError(
                _("Write at least one of progress, plans for next week or problems.")
            )
        return cleaned

    def item_statuses(self) -> dict:
        return {
            item: self.cleaned_data[f"{ITEM_STATUS_PREFIX}{item.pk}"] for item in self.plan_items
        }

    def statuses_shown(self) -> dict[int, str]:
        """Plan item id -> the status the form showed (absent for an old form)."""
        shown = {}
        for item in self.plan_items:
            value = self.cleaned_data.get(f"{SHOWN_PREFIX}{item.pk}")
            if value:
                shown[item.pk] = value
        return shown


def askable_plan_items():
    """Plan items an ask may point at: open, and of the months around now (bounded)."""
    current = month_start(today())
    return (
        PlanItem.objects.select_related("department")
        .annotate(overdue=goal_rules.plan_item_overdue_flag())
        .filter(
            goal_rules.open_plan_item_q(),
            month__gte=add_months(current, -1),
            month__lte=add_months(current, 2),
        )
        .order_by("department__name", "due", "title")
    )


class PlanItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = f"{obj.department.name} · {obj.title} ({obj.due:%Y-%m-%d})"
        # `overdue` is annotated by askable_plan_items (goals.rules.plan_item_overdue_flag).
        return f"{label} · {_('Overdue')}" if getattr(obj, "overdue", False) else label


class AskForm(OneTimeTokenForm):
    submission_form = "meetings.ask_raise"

    from_department = forms.ModelChoiceField(
        label=_("From department"), queryset=Department.objects.none()
    )
    to_department = forms.ModelChoiceField(
        label=_("To department"),
        queryset=Department.objects.filter(core_rules.current_departments_q()).order_by("name"),
    )
    what = forms.CharField(label=_("What is needed"), max_length=300)
    why = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    needed_by = BoundedDateField(label=_("Needed by"))
    plan_item = PlanItemChoiceField(
        label=_("Plan item (optional)"), queryset=PlanItem.objects.none(), required=False
    )

    def __init__(self, *args, from_departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_department"].queryset = from_departments
        self.fields["plan_item"].queryset = askable_plan_items()

    def clean_needed_by(self):
        needed_by = self.cleaned_data["needed_by"]
        if not rules.ask_needed_by_is_allowed(needed_by):
            raise forms.ValidationError(_("The needed-by date cannot be in the past."))
        return needed_by

    def clean(self):
        cleaned = super().clean()
        from_department = cleaned.get("from_department")
        to_department = cleaned.get("to_department")
        if (
            from_department
            and to_department
            and not rules.ask_departments_are_allowed(from_department.pk, to_department.pk)
        ):
            self.add_error("to_department", _("An ask goes to another department."))
        return cleaned


# The answers as the ask page's buttons: value, label and Bootstrap button class.
ASK_ANSWER_BUTTONS = (
    ("accept", _("Accept"), "btn-primary"),
    ("decline", _("Decline"), "btn-outline-danger"),
    ("done", _("Mark done"), "btn-success"),
)


class AskAnswerForm(forms.Form):
    # Posted by the button that was pressed (one per answer), not chosen from a list.
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[(value, label) for value, label, _style in ASK_ANSWER_BUTTONS],
        error_messages={"required": _("Choose an answer: Accept, Decline or Mark done.")},
    )
    reply = forms.CharField(
        label=_("Reply"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining."),
    )
    # The state the page showed: the service refuses an answer to a state that changed since.
    seen_state = forms.ChoiceField(choices=Ask.State.choices, widget=forms.HiddenInput)

    def __init__(self, *args, ask: Ask, **kwargs):
        super().__init__(*args, **kwargs)
        self.ask = ask

    def answer_buttons(self):
        """(value, label, button class) of each answer the ask takes in its state; any
        other posted answer still reaches the service, which says why it is refused."""
        return [
            button for button in ASK_ANSWER_BUTTONS if rules.ask_takes_answer(self.ask, button[0])
        ]

    def clean(self):
        cleaned = super().clean()
        answer = cleaned.get("answer")
        if answer and not rules.ask_answer_has_reply(
            answer=answer, reply=cleaned.get("reply") or ""
        ):
            self.add_error("reply", _("Say why the ask is declined: a reply is required."))
        return cleaned


class AskFilterForm(forms.Form):
    box = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("to_us", _("Asks to us")),
            ("from_us", _("Our asks")),
            ("all", _("All asks")),
        ],
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state")), ("waiting", _("Waiting (open or accepted)"))]
        + list(Ask.State.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class TimeInput(forms.TimeInput):
    input_type = "time"


class WebLinkField(forms.URLField):
    # Only http and https, with the one message of the model's validator (URLField's own
    # "Enter a valid URL." would replace it).
    default_validators = [LINK_VALIDATOR]
    default_error_messages = {"invalid": LINK_VALIDATOR.message}


class MeetingScheduleForm(forms.Form):
    """When and where a meeting is: its day, start and end (TIME_ZONE), place and link."""

    date = BoundedDateField(label=_("Date"))
    start_time = forms.TimeField(
        label=_("Starts at"), initial=DEFAULT_START, widget=TimeInput(format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ends at"), initial=DEFAULT_END, widget=TimeInput(format="%H:%M")
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("A room or an address, as people should find it."),
    )
    link = WebLinkField(
        label=_("Link (optional)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("A video call or document link (http or https)."),
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        if abs((date - today()).days) > 366:
            raise forms.ValidationError(_("Choose a date within a year of today."))
        return date

    def clean(self):
        cleaned = super().clean()
        start_time, end_time = cleaned.get("start_time"), cleaned.get("end_time")
        if (
            start_time
            and end_time
            and not rules.meeting_times_are_allowed(start_time=start_time, end_time=end_time)
        ):
            self.add_error("end_time", _("The meeting must end after it starts."))
        return cleaned


class MeetingForm(MeetingScheduleForm):
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.none(), required=False, empty_label=_("No plan")
    )
    facilitator = UserChoiceField(label=_("Facilitator"), queryset=get_user_model().objects.none())

    field_order = ["date", "start_time", "end_time", "place", "link", "plan", "facilitator"]

    def __init__(self, *args, plans, plan_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        # Plan owners who are not PMs run meetings of their own plans only.
        self.fields["plan"].required = plan_required
        self.fields["facilitator"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("first_name", "last_name", "username")
        )


class MeetingRecordForm(forms.Form):
    attendees = UserMultipleChoiceField(
        label=_("Attendees"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people


class ActionItemForm(OneTimeTokenForm):
    submission_form = "meetings.action_item_create"

    title = forms.CharField(label=_("Action"), max_length=300)
    owner = UserChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(core_rules.current_departments_q()).order_by("name"),
    )
    due = BoundedDateField(label=_("Due"))

    def __init__(self, *args, people, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["owner"].queryset = people

    def clean_due(self):
        due = self.cleaned_data["due"]
        if not rules.action_item_due_is_allowed(meeting=self.meeting, due=due):
            raise forms.ValidationError(
                _("An action cannot be due before the meeting that agreed it.")
            )
        if due > self.meeting.date + datetime.timedelta(days=366):
            raise forms.ValidationError(_("Choose a due date within a year of the meeting."))
        return due


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)
