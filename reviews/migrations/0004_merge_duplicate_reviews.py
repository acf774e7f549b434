"""Before one review per month and plan is a database constraint (the next migration),
duplicates that an unlocked check let through are merged: per month and plan the review
that went furthest (closed, then open, then draft; the oldest of those) is kept, the
others' findings move to it, and the emptied duplicates are removed.
"""

from django.db import migrations
from django.db.models import Count

STATUS_RANK = {"closed": 0, "open": 1, "draft": 2}


def merge_duplicate_reviews(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    Finding = apps.get_model("reviews", "Finding")
    groups = (
        Review.objects.values("month", "plan_id")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
    )
    for group in groups:
        reviews = sorted(
            Review.objects.filter(month=group["month"], plan_id=group["plan_id"]),
            key=lambda review: (STATUS_RANK.get(review.status, 3), review.pk),
        )
        keeper, duplicates = reviews[0], [review.pk for review in reviews[1:]]
        Finding.objects.filter(review_id__in=duplicates).update(review_id=keeper.pk)
        Review.objects.filter(pk__in=duplicates).delete()


class Migration(migrations.Migration):
    # Its own migration: PostgreSQL cannot build the unique indexes in the transaction that
    # moved the findings (their foreign-key checks are still pending).
    dependencies = [("reviews", "0003_carry_proposal_history")]

    operations = [migrations.RunPython(merge_duplicate_reviews, migrations.RunPython.noop)]
