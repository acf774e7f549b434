"""Forms of the review pages. They parse and bind; the rules (later month, reasons, who may)
live in reviews.services, so whatever a form lets through is checked again there."""

from django import forms
from django.utils.translation import gettext_lazy as _

from goals import rules as goal_rules
from goals.models import PlanItem
from planbridge.forms import BoundedDateField, MonthField, PlanScopeField
from planbridge.models import Department, Plan

from .models import Finding, Review


class ReviewForm(forms.Form):
    month = MonthField(label=_("Month"))
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.order_by("-start", "title"), required=False
    )


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["kind", "title", "detail", "department", "severity"]
        widgets = {"detail": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")


# Any id a bigint column holds; a larger one names no row and must not reach the database.
LARGEST_ID = 2**63 - 1
EVIDENCE_NOT_IN_MONTH = _("That evidence is not part of this review's month.")


class EvidenceLineForm(forms.Form):
    """Names an evidence line: the query of its "Make a finding" button, and the hidden
    fields of the finding form made from it. Anything else is one message, not field errors
    on fields the user never sees."""

    evidence_kind = forms.CharField(required=False, widget=forms.HiddenInput)
    evidence_object_id = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        kind, object_id = cleaned.get("evidence_kind"), cleaned.get("evidence_object_id")
        if kind not in Finding.EvidenceKind.values or not (object_id or "").isdecimal():
            raise forms.ValidationError(EVIDENCE_NOT_IN_MONTH)
        if not 1 <= int(object_id) <= LARGEST_ID:
            raise forms.ValidationError(EVIDENCE_NOT_IN_MONTH)
        cleaned["evidence_object_id"] = int(object_id)
        return cleaned


class EvidenceFindingForm(EvidenceLineForm, FindingForm):
    """A finding made from an evidence line: prefilled from the line, every field editable,
    the link to the line kept in hidden fields (the service checks it is still evidence)."""

    class Meta(FindingForm.Meta):
        pass


class CarryNewItemForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name")
    )
    title = forms.CharField(label=_("Title of the new plan item"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    month = MonthField(label=_("Month"))
    start = BoundedDateField(label=_("Start"), required=False)
    due = BoundedDateField(label=_("Due"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not goal_rules.due_not_before_start(cleaned.get("start"), cleaned.get("due")):
            self.add_error("due", goal_rules.DUE_BEFORE_START_MESSAGE)
        return cleaned


class CarryExistingForm(forms.Form):
    """Any plan item id is accepted here; the service refuses items of the same or an
    earlier month, so a hand-made POST gets the same answer as the list."""

    plan_item = forms.IntegerField(label=_("Plan item"), widget=forms.Select)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].widget.choices = [("", "---------")] + [
            (
                item.pk,
                f"{item.month:%Y-%m} · {item.department.name} · {item.title}",
            )
            for item in targets
        ]

    def clean_plan_item(self):
        item = PlanItem.objects.filter(pk=self.cleaned_data["plan_item"]).first()
        if item is None:
            raise forms.ValidationError(_("There is no such plan item."))
        return item


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this finding dismissed?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Write why the finding is dismissed.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Write why the finding is dismissed."))
        return reason


class FindingFilterForm(forms.Form):
    """Query-string filters of the findings list behind the dashboard's numbers."""

    # The dashboard's plan choice: "all", "none" (company-wide reviews) or a plan's id.
    plan = PlanScopeField(label=_("Plan"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    month_from = MonthField(label=_("From month"), required=False)
    month_to = MonthField(label=_("To month"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    review = forms.ModelChoiceField(
        label=_("Review"), queryset=Review.objects.all(), required=False
    )

    def __init__(self, *args, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "")] + list(states)
