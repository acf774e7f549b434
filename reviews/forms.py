"""Forms of the review pages. They parse and bind; the rules (later month, reasons, who may)
live in reviews.services, so whatever a form lets through is checked again there."""

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from goals import rules as goal_rules
from goals.models import PlanItem
from planbridge import periods
from planbridge import rules as core_rules
from planbridge.forms import (
    BoundedDateField,
    ConfirmForm,
    MonthField,
    OneTimeTokenForm,
    PlanScopeField,
)
from planbridge.models import Department, Plan
from planbridge.pages import id_or_none
from planbridge.people import person_name

from . import rules, selectors
from .models import Finding, Review


class ReviewForm(forms.Form):
    month = MonthField(label=_("Month"))
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.order_by("-start", "title"), required=False
    )


class ReviewCloseForm(ConfirmForm):
    """The confirmation of closing a review, with the status its page showed (a colleague's
    change since is refused by name, services.review_close)."""

    seen_status = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submission_form="reviews.review_close", **kwargs)


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["kind", "title", "detail", "department", "severity"]
        widgets = {"detail": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Archived departments are not offered, but a finding keeps the one it has.
        self.fields["department"].queryset = Department.objects.filter(
            core_rules.current_departments_q(keep=self.instance.department_id)
        ).order_by("name")


class FindingCreateForm(OneTimeTokenForm, FindingForm):
    """A finding typed on the review page, with its one-time token."""

    submission_form = "reviews.finding_create"

    class Meta(FindingForm.Meta):
        pass


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


class EvidenceFindingForm(OneTimeTokenForm, EvidenceLineForm, FindingForm):
    """A finding made from an evidence line: prefilled from the line, every field editable,
    the link to the line kept in hidden fields (the service checks it is still evidence)."""

    submission_form = "reviews.finding_from_evidence"

    class Meta(FindingForm.Meta):
        pass


NO_PLAN = "none"


def _plan_label(plan: Plan) -> str:
    return f"{plan.title} ({plan.start:%Y-%m} – {plan.end:%Y-%m})"


def _person_label(user: User) -> str:
    return person_name(user)


class _CarriedWorkFields(forms.Form):
    """The plan, owner and month of new carried work (docs/architecture.md "Periods at the
    edges"). The choices are built for the department and month the form shows — posted
    ones when it is bound, so a refused form offers what fits them; the service checks the
    rule again for whatever is posted (goals.rules.plan_item_owner_is_allowed)."""

    month = MonthField(label=_("Month"))
    plan = forms.ChoiceField(
        label=_("Plan"),
        required=False,
        help_text=_("The plan the new item belongs to: the review's while it owns the month."),
        error_messages={"invalid_choice": _("Choose one of the plans offered for this month.")},
    )
    owner = forms.ChoiceField(
        label=_("Owner"),
        required=False,
        help_text=_("A member of the department or of the plan's team."),
        error_messages={
            "invalid_choice": _(
                "Choose the owner from the list: a member of the department or of the plan's team."
            )
        },
    )

    def _set_up_carried_work(
        self, *, finding, actor, department_id, default_month, cache=None
    ) -> None:
        """Builds the plan and owner choices; `cache` (a dict) shares them between the forms
        of one page that are for the same department and month."""
        month = self._posted_month() or default_month
        cache = {} if cache is None else cache
        cache_key = (finding.review_id, department_id, month)
        if cache_key not in cache:
            plans = selectors.carry_plans(finding, department_id=department_id, month=month)
            owners = selectors.carry_owners(
                department_id=department_id, plan_ids=[plan.pk for plan in plans.offered]
            )
            default = selectors.default_carry_owner(department_id=department_id, actor=actor)
            cache[cache_key] = (plans, list(owners), default)
        plans, owners, default_owner = cache[cache_key]
        self._offered_plans = {str(plan.pk): plan for plan in plans.offered}
        choices = [(key, _plan_label(plan)) for key, plan in self._offered_plans.items()]
        plan_initial = ""
        if plans.fixed is not None or len(plans.candidates) == 1:
            plan_initial = choices[0][0]
        else:
            choices.append((NO_PLAN, _("No plan (company-wide)")))
            if not plans.candidates and finding.review.plan_id is None:
                plan_initial = NO_PLAN
        if not plan_initial:
            choices.insert(0, ("", "---------"))
        self.fields["plan"].choices = choices
        self._offered_owners = {str(user.pk): user for user in owners}
        self.fields["owner"].choices = [("", "---------")] + [
            (key, _person_label(user)) for key, user in self._offered_owners.items()
        ]
        if not self.is_bound:
            self.initial.setdefault("month", month)
            self.initial.setdefault("plan", plan_initial)
            if default_owner is not None and str(default_owner.pk) in self._offered_owners:
                self.initial.setdefault("owner", str(default_owner.pk))

    def _posted_month(self):
        if not self.is_bound:
            return None
        try:
            return self.fields["month"].clean(self.data.get(self.add_prefix("month")))
        except forms.ValidationError:
            return None

    def clean_month(self):
        month = self.cleaned_data["month"]
        if not rules.carry_month_has_not_ended(month):
            raise forms.ValidationError(
                rules.CARRY_MONTH_OVER_MESSAGE
                % {
                    "month": month.strftime("%Y-%m"),
                    "current": periods.month_start(periods.today()).strftime("%Y-%m"),
                }
            )
        return month

    def clean_owner(self):
        return self._offered_owners.get(self.cleaned_data["owner"])

    def clean_plan(self):
        """A Plan, NO_PLAN, or None when nothing was chosen (the service says why)."""
        value = self.cleaned_data["plan"]
        if value == NO_PLAN:
            return NO_PLAN
        return self._offered_plans.get(value)

    def carried_work(self) -> dict:
        """The plan, no_plan and owner arguments of the carry services."""
        plan = self.cleaned_data.get("plan")
        return {
            "plan": None if plan == NO_PLAN else plan,
            "no_plan": plan == NO_PLAN,
            "owner": self.cleaned_data.get("owner"),
        }


class CarryNewItemForm(OneTimeTokenForm, _CarriedWorkFields):
    """A new plan item for a finding: created at once for a department the user plans for,
    else proposed to its coordinator (who then chooses the owner and the plan)."""

    submission_form = "reviews.carry_new_item"

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(core_rules.current_departments_q()).order_by("name"),
    )
    title = forms.CharField(label=_("Title of the new plan item"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    start = BoundedDateField(label=_("Start"), required=False)
    due = BoundedDateField(label=_("Due"), required=False)

    field_order = ["department", "title", "description", "month", "plan", "owner"]

    def __init__(self, *args, finding, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        department_id = finding.department_id
        if self.is_bound:
            posted = id_or_none(self.data.get(self.add_prefix("department")))
            if posted and Department.objects.filter(pk=posted).exists():
                department_id = posted
        self._set_up_carried_work(
            finding=finding,
            actor=actor,
            department_id=department_id,
            default_month=rules.default_carry_month(finding),
        )
        self.fields["owner"].help_text = _(
            "A member of the department or of the plan's team. For an item proposed to "
            "another department, its coordinator chooses the owner on accepting."
        )

    def clean(self):
        cleaned = super().clean()
        if not goal_rules.due_not_before_start(cleaned.get("start"), cleaned.get("due")):
            self.add_error("due", goal_rules.DUE_BEFORE_START_MESSAGE)
        department = cleaned.get("department")
        if (
            department is not None
            and rules.can_plan_for_department(self.actor, department.pk)
            and not cleaned.get("owner")
            and "owner" not in self.errors
        ):
            self.add_error("owner", _("Choose who owns the new plan item."))
        return cleaned


class CarryProposalAcceptForm(_CarriedWorkFields):
    """What the receiving coordinator settles when accepting a proposed item: its owner, its
    month (the proposed one, or the current month once that is over) and its plan."""

    def __init__(self, *args, proposal, actor, cache=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_proposal{proposal.pk}_%s")
        super().__init__(*args, **kwargs)
        self._set_up_carried_work(
            finding=proposal.finding,
            actor=actor,
            department_id=proposal.department_id,
            default_month=max(proposal.month, periods.month_start(periods.today())),
            cache=cache,
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("owner") and "owner" not in self.errors:
            self.add_error("owner", _("Choose who owns the new plan item."))
        return cleaned


def _carry_target_label(item: PlanItem) -> str:
    label = f"{item.month:%Y-%m} · {item.department.name} · {item.title}"
    # carry_targets annotates `overdue` (goals.rules): said in words in the choice.
    return f"{label} · {_('Overdue')}" if getattr(item, "overdue", False) else label


class CarryExistingForm(forms.Form):
    """Any plan item id is accepted here; the service refuses items of the same or an
    earlier month, so a hand-made POST gets the same answer as the list."""

    plan_item = forms.IntegerField(label=_("Plan item"), widget=forms.Select)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].widget.choices = [("", "---------")] + [
            (item.pk, _carry_target_label(item)) for item in targets
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
