from django import forms
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from planbridge import periods
from planbridge import rules as core_rules
from planbridge.forms import (
    BoundedDateField,
    DateInput,
    MonthField,
    OneTimeTokenForm,
    PersonChoiceField,
    active_people,
)
from planbridge.models import Department, Plan

from . import rules, services
from .models import CheckIn, Goal, Objective, PlanItem
from .smart import LETTERS


def _users():
    return active_people()


def _managed_departments(user, keep: int | None = None):
    """The departments the user manages, archived ones left out but the row's own (`keep`)."""
    return Department.objects.filter(
        core_rules.managed_departments_q(user), core_rules.current_departments_q(keep=keep)
    ).order_by("name")


def _current_plans(keep: int | None = None):
    return Plan.objects.filter(core_rules.current_plans_q(keep=keep)).order_by("-start", "title")


class UserChoiceField(PersonChoiceField):
    """A user picker of the apps' forms: by name, as planbridge.forms.PersonChoiceField."""


class VersionedForm(forms.ModelForm):
    """Carries the version the row was read at, for the optimistic lock in the service."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version

    def stored_values(self, stored: models.Model) -> list[tuple[str, str]]:
        """The stored row as this form shows each of its fields, in the form's order and
        under its labels: for the version-conflict box beside the form, so the two read
        alike (a user under the owner list's label, a status by its label, a month as the
        month picker shows it, a date as the date picker holds it)."""
        return [
            (str(bound.label), _shown(bound.field, stored, bound.name) or "—")
            for bound in self.visible_fields()
        ]


def _shown(field: forms.Field, stored: models.Model, name: str) -> str:
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(field.label_from_instance(obj) for obj in getattr(stored, name).all())
    value = getattr(stored, name)
    if value is None:
        return ""
    if isinstance(field, forms.ModelChoiceField):
        return str(field.label_from_instance(value))
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(field, MonthField):
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return str(field.widget.format_value(value) or "")


class ObjectiveForm(forms.ModelForm):
    quarter = BoundedDateField(
        label=_("Quarter"),
        widget=DateInput(),
        help_text=_("Any day of the quarter; the objective belongs to the whole quarter."),
    )

    class Meta:
        model = Objective
        fields = ["title", "description", "quarter", "plan"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_quarter(self):
        return periods.quarter_start(self.cleaned_data["quarter"])


class GoalForm(VersionedForm):
    owner = UserChoiceField(queryset=_users(), label=_("Owner"))

    class Meta:
        model = Goal
        fields = [
            "title",
            "description",
            "department",
            "owner",
            "metric",
            "unit",
            "baseline",
            "direction",
            "target",
            "start",
            "due",
            "objective",
            "plan",
        ]
        field_classes = {"start": BoundedDateField, "due": BoundedDateField}
        widgets = {
            "start": DateInput(),
            "due": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _users()
        self.fields["department"].queryset = _managed_departments(
            user, keep=self.instance.department_id
        )
        self.fields["objective"].queryset = Objective.objects.order_by("-quarter", "title")
        self.fields["plan"].queryset = _current_plans(keep=self.instance.plan_id)

    def clean(self):
        cleaned = super().clean()
        if not rules.due_not_before_start(cleaned.get("start"), cleaned.get("due")):
            self.add_error("due", rules.DUE_BEFORE_START_MESSAGE)
        return cleaned


class CheckInForm(forms.ModelForm):
    confidence = forms.IntegerField(label=_("Confidence (1–10)"), min_value=1, max_value=10)

    class Meta:
        model = CheckIn
        fields = ["date", "value", "confidence", "note"]
        field_classes = {"date": BoundedDateField}
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > periods.today():
            raise forms.ValidationError(_("A check-in cannot be dated in the future."))
        return date


class CheckInCreateForm(OneTimeTokenForm, CheckInForm):
    """A new check-in, with its one-time token (editing one needs none)."""

    submission_form = "goals.checkin_create"

    class Meta(CheckInForm.Meta):
        pass


class PlanItemChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # SQLite cannot compare a number past 64 bits with an id ("IN" has no range check).
        for pk in value:
            try:
                too_large = abs(int(pk)) > 2**63 - 1
            except (TypeError, ValueError):
                continue
            if too_large:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)

    def label_from_instance(self, obj):
        label = f"{obj.department.name} · {obj.month:%Y-%m} · {obj.title}"
        # `overdue` is annotated by the queryset (goals.rules.plan_item_overdue_flag).
        return f"{label} · {_('Overdue')}" if getattr(obj, "overdue", False) else label


class PlanItemForm(VersionedForm):
    month = MonthField(label=_("Month"))
    owner = UserChoiceField(queryset=_users(), label=_("Owner"), required=False)
    depends_on = PlanItemChoiceField(
        queryset=PlanItem.objects.none(),
        label=_("Depends on"),
        required=False,
        help_text=_("Items of any department that must be done before this one."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = PlanItem
        fields = [
            "plan",
            "department",
            "month",
            "title",
            "description",
            "owner",
            "start",
            "due",
            "status",
            "goal",
            "depends_on",
        ]
        field_classes = {"start": BoundedDateField, "due": BoundedDateField}
        widgets = {
            "start": DateInput(),
            "due": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        plan = plan or (self.instance.plan if self.instance.plan_id else None)
        self.fields["department"].queryset = _managed_departments(
            user, keep=self.instance.department_id
        )
        # Owners the item may have in the departments and plan offered; the service checks
        # the posted pair (rules.plan_item_owner_is_allowed). The current owner stays shown.
        owners = rules.plan_item_owners_q(
            department_ids=self.fields["department"].queryset.values_list("pk", flat=True),
            plan_ids=[plan.pk] if plan else [],
        )
        self.fields["owner"].queryset = _users().filter(owners | Q(pk=self.instance.owner_id))
        self.fields["plan"].queryset = _current_plans(keep=plan.pk if plan else None)
        self.fields["goal"].queryset = Goal.objects.select_related("department").order_by(
            "department__name", "title"
        )
        candidates = (
            PlanItem.objects.select_related("department")
            .annotate(overdue=rules.plan_item_overdue_flag())
            .order_by("month", "department__name", "title")
        )
        if plan is not None:
            candidates = candidates.filter(plan=plan)
        if self.instance.pk:
            candidates = candidates.exclude(pk=self.instance.pk)
        self.fields["depends_on"].queryset = candidates

    def clean(self):
        cleaned = super().clean()
        month, plan = cleaned.get("month"), cleaned.get("plan")
        if not rules.due_not_before_start(cleaned.get("start"), cleaned.get("due")):
            self.add_error("due", rules.DUE_BEFORE_START_MESSAGE)
        try:
            services.plan_item_month_check(plan=plan, month=month)
        except forms.ValidationError as error:
            self.add_error(None, error)
        return cleaned


class PlanItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanItem.Status.choices)


class FilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = _("All")
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )


class GoalFilterForm(FilterForm):
    failed = forms.ChoiceField(
        label=_("Fails SMART letter"),
        required=False,
        choices=[("", _("Any or none")), ("any", _("Any letter"))]
        + [(letter, letter) for letter in LETTERS],
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False
    )
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.order_by("-start"), required=False
    )


class PlanItemFilterForm(FilterForm):
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.order_by("-start"), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False
    )
    month = MonthField(label=_("Month"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + PlanItem.Status.choices, required=False
    )
    owner = UserChoiceField(label=_("Owner"), queryset=_users(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _users()
