"""The core's services protect themselves: each guard is exercised by calling the service
directly (docs/contributing.md "Guards")."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planbridge import services
from planbridge.models import Plan, Profile

pytestmark = pytest.mark.django_db


def test_a_coordinator_cannot_save_a_plan(dev_coordinator):
    plan = Plan(
        title="Launch",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 6, 30),
        owner=dev_coordinator,
    )
    with pytest.raises(PermissionDenied, match="Only project managers"):
        services.plan_save(actor=dev_coordinator, plan=plan, team=[dev_coordinator])
    assert not Plan.objects.exists()


def test_a_plan_starting_before_the_accepted_years_is_not_saved(pm):
    plan = Plan(
        title="Launch", start=datetime.date(1999, 1, 1), end=datetime.date(2026, 6, 30), owner=pm
    )
    with pytest.raises(ValidationError) as error:
        services.plan_save(actor=pm, plan=plan, team=[pm])
    assert error.value.message_dict["start"] == ["Enter a date between 2000-01-01 and 2100-12-31."]
    assert not Plan.objects.exists()


def test_an_unknown_language_is_not_remembered(dev_member):
    with pytest.raises(ValidationError, match="Unknown language."):
        services.profile_set_language(user=dev_member, language="klingon")
    assert not Profile.objects.filter(user=dev_member, language="klingon").exists()
