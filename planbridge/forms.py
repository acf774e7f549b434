import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import once, people, periods, plan_scope, rules
from .models import Plan, Profile


class DateInput(forms.DateInput):
    """A date picker whose value is always ISO (YYYY-MM-DD): an <input type="date"> shows
    nothing for a locale format such as zh-hans' "2026/11/25", losing the initial date."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class BoundedDateField(forms.DateField):
    """A date (ISO date picker) refused outside periods.FIRST_YEAR–LAST_YEAR with a message;
    every form's date field is one, or a MonthField for months."""

    widget = DateInput
    default_validators = [periods.validate_date_in_range]


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (or any date in it); cleans to the month's first day and is
    refused outside periods.FIRST_YEAR–LAST_YEAR."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_validators = [periods.validate_month_in_range]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def to_python(self, value):
        day = super().to_python(value)
        return periods.month_start(day) if day else day


class OneTimeTokenForm(forms.Form):
    """A form that creates something carries a one-time token (docs/architecture.md
    "Idempotent writes"): a fresh one on each fresh form, the posted one kept when a bound
    form is shown again, a fresh one when the posted one is missing or garbled (the form is
    then refused with a message, nothing saved). Mixed in before the form's own class; the
    view submits it through planbridge.once.form_submitted_once. `submission_form` names the
    form in the token's row."""

    submission_form = ""
    submission_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submission_token"] = str(uuid.uuid4())

    def renew_submission_token(self) -> None:
        """Gives the form, shown again, a token not used yet."""
        name = self.add_prefix("submission_token")
        if self.is_bound:
            self.data = self.data.copy()
            self.data[name] = str(uuid.uuid4())
        else:
            self.initial["submission_token"] = str(uuid.uuid4())

    def cleaned_data_without_token(self) -> dict:
        """The cleaned fields a service takes (everything but the token)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "submission_token"}

    def clean(self):
        cleaned = super().clean()
        token = once.parse_token(cleaned.get("submission_token"))
        if token is None:
            self.add_error(None, once.TOKEN_MISSING_MESSAGE)
            self.renew_submission_token()
        cleaned["submission_token"] = token
        return cleaned


class ConfirmForm(OneTimeTokenForm):
    """The form of a confirmation page (a deletion, closing a review): only its POST, with
    the one-time token the page gave it, does what the page named; a second submit of it
    does nothing again (docs/architecture.md "Confirmations"). `submission_form` names the
    action in the token's row."""

    def __init__(self, *args, submission_form: str, **kwargs):
        self.submission_form = submission_form
        super().__init__(*args, **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of one user, offered by name (planbridge/people.py)."""

    def label_from_instance(self, obj):
        return people.person_name(obj)


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several users, offered by name (planbridge/people.py)."""

    def label_from_instance(self, obj):
        return people.person_name(obj)


def active_people() -> QuerySet:
    """The active users, in the order their names are shown."""
    return people.by_name(get_user_model().objects.filter(is_active=True))


class _PlanScopeChoices(forms.models.ModelChoiceIterator):
    def __init__(self, field):
        super().__init__(field)
        # Archived plans are not offered, except the one chosen: a link to an archived plan's
        # figures still opens them (docs/architecture.md "Nothing with history is deleted").
        self.queryset = self.queryset.filter(rules.current_plans_q(keep=field.chosen_pk))

    def __iter__(self):
        yield (plan_scope.ALL, plan_scope.ALL_PLANS_LABEL)
        yield (plan_scope.NONE, plan_scope.COMPANY_WIDE_LABEL)
        yield from super().__iter__()

    def __len__(self):
        return super().__len__() + 2


class PlanScopeField(forms.ModelChoiceField):
    """A plan filter (planbridge/plan_scope.py): "all" for every plan, "none" for
    company-wide rows, or a plan's id; cleans to a PlanScope, or None when nothing was
    chosen. Anything else is refused with the usual "Select a valid choice" message."""

    iterator = _PlanScopeChoices
    chosen_pk: int | None = None

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Plan.objects.order_by("-start", "title"))
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, plan_scope.PlanScope):
            return value.value
        return super().prepare_value(value)

    def to_python(self, value):
        if isinstance(value, plan_scope.PlanScope):
            return value
        if value == plan_scope.ALL:
            return plan_scope.ALL_PLANS
        if value == plan_scope.NONE:
            return plan_scope.COMPANY_WIDE
        plan = super().to_python(value)
        if plan is None:
            return None
        self.chosen_pk = plan.pk
        return plan_scope.PlanScope.of(plan)


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "title",
            "background",
            "start",
            "end",
            "owner",
            "team",
            "communication_mechanism",
            "review_cadence",
        ]
        field_classes = {
            "start": BoundedDateField,
            "end": BoundedDateField,
            "owner": PersonChoiceField,
            "team": PersonMultipleChoiceField,
        }
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "team": forms.CheckboxSelectMultiple(),
            "background": forms.Textarea(attrs={"rows": 4}),
            "communication_mechanism": forms.Textarea(attrs={"rows": 3}),
            "review_cadence": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = active_people()
        self.fields["owner"].queryset = users
        self.fields["team"].queryset = users

    def clean(self):
        cleaned = super().clean()
        if not rules.plan_end_not_before_start(cleaned.get("start"), cleaned.get("end")):
            self.add_error("end", rules.END_BEFORE_START_MESSAGE)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["language", "digest_opt_out"]


class LoginLockoutLiftForm(forms.Form):
    """Which lockout to lift: a user name or an address (planbridge.selectors.login_lockouts)."""

    kind = forms.ChoiceField(choices=[("username", _("User name")), ("ip_address", _("Address"))])
    value = forms.CharField(max_length=255, strip=False)
