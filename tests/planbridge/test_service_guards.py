"""The core's services protect themselves: each guard is exercised by calling the service
directly (docs/contributing.md "Guards")."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planbridge import services
from planbridge.models import Plan, Profile

pytestmark = pytest.mark.django_db


def _plan_fields(owner, **overrides):
    fields = {
        "title": "Launch",
        "start": datetime.date(2026, 1, 1),
        "end": datetime.date(2026, 6, 30),
        "owner": owner,
        "team": [owner],
    }
    return fields | overrides


def test_a_coordinator_cannot_save_a_plan(dev_coordinator):
    with pytest.raises(PermissionDenied, match="Only project managers"):
        services.plan_save(actor=dev_coordinator, **_plan_fields(dev_coordinator))
    assert not Plan.objects.exists()


def test_a_coordinator_cannot_change_a_plan(pm, dev_coordinator):
    plan = services.plan_save(actor=pm, **_plan_fields(pm))
    with pytest.raises(PermissionDenied, match="Only project managers"):
        services.plan_save(
            actor=dev_coordinator, plan=plan, **_plan_fields(dev_coordinator, title="Mine")
        )
    plan.refresh_from_db()
    assert (plan.title, plan.owner) == ("Launch", pm)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"start": datetime.date(1999, 1, 1)},
            "start",
            "Enter a date between 2000-01-01 and 2100-12-31.",
        ),
        (
            {"end": datetime.date(2025, 12, 31)},
            "end",
            "The end date must not be before the start date.",
        ),
    ],
)
def test_a_plan_breaking_a_date_rule_is_not_saved(pm, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        services.plan_save(actor=pm, **_plan_fields(pm, **overrides))
    assert error.value.message_dict[field] == [message]
    assert not Plan.objects.exists()


def test_a_pm_saves_a_plan_with_its_team(pm, dev_coordinator):
    plan = services.plan_save(actor=pm, **_plan_fields(pm, team=[pm, dev_coordinator]))
    assert set(plan.team.all()) == {pm, dev_coordinator}
    changed = services.plan_save(actor=pm, plan=plan, **_plan_fields(pm, review_cadence="Monthly"))
    assert (changed.pk, Plan.objects.get().review_cadence) == (plan.pk, "Monthly")


def test_an_unknown_language_is_not_remembered(dev_member):
    with pytest.raises(ValidationError, match="Unknown language."):
        services.profile_set_language(user=dev_member, language="klingon")
    assert not Profile.objects.filter(user=dev_member, language="klingon").exists()
