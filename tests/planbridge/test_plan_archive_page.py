"""The plan's archive confirmation page (docs/architecture.md "Nothing with history is
deleted"): who may open and use it, a refused second archive, and its query bound."""

import pytest
from django.urls import reverse

from goals.models import PlanItem
from planbridge.models import Plan
from tests.goals.factories import PlanItemFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_who_does_not_own_the_plan_gets_403_and_nothing_changes(
    client_for, plan, dev_coordinator
):
    client = client_for(dev_coordinator)
    url = reverse("plan_archive", args=[plan.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Plan.objects.get(pk=plan.pk).archived_at is None


def test_the_page_names_what_happens_before_the_post_archives(client_for, pm, plan):
    client = client_for(pm)
    url = reverse("plan_archive", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200 and plan.title in page.content.decode()
    assert Plan.objects.get(pk=plan.pk).archived_at is None
    assert client.post(url).status_code == 302
    assert Plan.objects.get(pk=plan.pk).archived_at is not None


def test_archiving_an_archived_plan_says_so_and_keeps_the_first_moment(client_for, pm, plan):
    client = client_for(pm)
    url = reverse("plan_archive", args=[plan.pk])
    client.post(url)
    first = Plan.objects.get(pk=plan.pk).archived_at
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert Plan.objects.get(pk=plan.pk).archived_at == first
    assert any(message.level_tag == "error" for message in response.context["messages"])


def test_an_unknown_plan_is_404(client_for, pm):
    assert client_for(pm).get(reverse("plan_archive", args=[999999])).status_code == 404


@pytest.mark.parametrize("size", [2, 60])
def test_the_page_runs_the_same_queries_at_two_sizes(
    client_for, pm, plan, departments, django_assert_max_num_queries, size
):
    PlanItemFactory.create_batch(size, plan=plan, department=departments["dev"])
    assert PlanItem.objects.filter(plan=plan).count() == size
    client = client_for(pm)
    client.get(reverse("plan_archive", args=[plan.pk]))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("plan_archive", args=[plan.pk])).status_code == 200
