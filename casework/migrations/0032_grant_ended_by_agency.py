from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built CONCURRENTLY, so a live deployment keeps granting and ending access meanwhile; that
    # cannot run in a transaction.
    atomic = False

    dependencies = [
        ("casework", "0031_dashboard_figures"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="sectiongrant",
            index=models.Index(
                fields=["agency", "ended_at"],
                condition=models.Q(ended_at__isnull=False),
                name="grant_ended_by_agency",
            ),
        ),
    ]
