"""One review per month and plan, backed by the database (duplicates were merged by 0004)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_merge_duplicate_reviews")]

    operations = [
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("plan__isnull", False)),
                fields=("month", "plan"),
                name="review_one_per_month_and_plan",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("plan__isnull", True)),
                fields=("month",),
                name="review_one_per_month_without_plan",
            ),
        ),
    ]
