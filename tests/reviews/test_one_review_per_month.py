"""One review per month and plan: the service refuses a second one, the database refuses
what slips past the service (a concurrent create), and the migration that added the
constraints merges duplicates that existed before it."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from reviews import services
from reviews.models import Finding, Review

from .factories import ReviewFactory

MARCH = datetime.date(2026, 3, 1)


def test_the_database_refuses_a_second_review_of_a_month_and_plan(pm, plan):
    ReviewFactory(month=MARCH, plan=plan, facilitator=pm)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(month=MARCH, plan=plan, facilitator=pm)


def test_the_database_refuses_a_second_review_of_a_month_without_a_plan(pm):
    ReviewFactory(month=MARCH, plan=None, facilitator=pm)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(month=MARCH, plan=None, facilitator=pm)


def test_a_month_may_have_a_review_per_plan_and_one_without(pm, plan):
    ReviewFactory(month=MARCH, plan=plan, facilitator=pm)
    ReviewFactory(month=MARCH, plan=None, facilitator=pm)
    assert Review.objects.filter(month=MARCH).count() == 2


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_make_one_review_and_one_clear_refusal(pm, plan):
    start = threading.Barrier(2)
    outcomes = []

    def create():
        start.wait()
        try:
            services.review_create(actor=pm, month=MARCH, plan=plan)
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Review.objects.filter(month=MARCH, plan=plan).count() == 1
    assert sorted(outcomes) == ["There is already a review for this month and plan.", "created"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_existing_duplicates_into_the_furthest_review(pm, plan, departments):
    before = [("reviews", "0003_carry_proposal_history")]
    after = [("reviews", "0005_review_one_per_month_and_plan")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        OldReview = old_apps.get_model("reviews", "Review")
        OldFinding = old_apps.get_model("reviews", "Finding")
        draft = OldReview.objects.create(month=MARCH, plan_id=plan.pk, facilitator_id=pm.pk)
        closed = OldReview.objects.create(
            month=MARCH,
            plan_id=plan.pk,
            facilitator_id=pm.pk,
            status="closed",
            closed_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
        )
        other_month = OldReview.objects.create(
            month=datetime.date(2026, 4, 1), plan_id=plan.pk, facilitator_id=pm.pk
        )
        for review in (draft, closed, other_month):
            OldFinding.objects.create(
                review_id=review.pk,
                kind="problem",
                title=f"Found in {review.pk}",
                department_id=departments["dev"].pk,
                created_by_id=pm.pk,
                severity="medium",
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(Review.objects.filter(month=MARCH).values_list("pk", flat=True)) == [closed.pk]
    assert Finding.objects.filter(review_id=closed.pk).count() == 2
    assert Finding.objects.filter(review_id=other_month.pk).count() == 1
