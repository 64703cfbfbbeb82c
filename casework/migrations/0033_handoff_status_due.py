from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built and dropped CONCURRENTLY, so a live deployment keeps handing off meanwhile; that cannot
    # run in a transaction. The new index is built before the old one goes: the sweep always has one.
    atomic = False

    dependencies = [
        ("casework", "0032_grant_ended_by_agency"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="handoff",
            index=models.Index(fields=["status", "respond_by"], name="handoff_status_due"),
        ),
        RemoveIndexConcurrently(model_name="handoff", name="handoff_pending_due"),
    ]
