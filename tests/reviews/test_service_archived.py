"""Archived plans and departments take no new review work: no review of an archived plan, no
finding of an archived department (docs/architecture.md "Nothing with history is deleted")."""

import pytest
from django.core.exceptions import ValidationError

from planbridge import services as core_services
from reviews import services
from reviews.models import Finding, Review

from .conftest import APRIL

pytestmark = pytest.mark.django_db


def test_no_review_is_created_for_an_archived_plan(pm, plan):
    plan = core_services.plan_archive(actor=pm, plan=plan)
    with pytest.raises(ValidationError) as refused:
        services.review_create(actor=pm, month=APRIL, plan=plan)
    assert refused.value.message_dict["plan"] == ["This plan is archived and takes no new work."]
    assert not Review.objects.filter(plan=plan, month=APRIL).exists()


def test_no_finding_is_recorded_for_an_archived_department(pm, review, departments):
    sales = core_services.department_archive(actor=pm, department=departments["sales"])
    with pytest.raises(ValidationError) as refused:
        services.finding_create(
            actor=pm, review=review, kind=Finding.Kind.PROBLEM, title="Late list", department=sales
        )
    assert refused.value.message_dict["department"] == [
        "This department is archived and takes no new work."
    ]
    assert not Finding.objects.exists()
