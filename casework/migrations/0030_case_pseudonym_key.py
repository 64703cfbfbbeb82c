from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

import casework.search


class Migration(migrations.Migration):
    # Built CONCURRENTLY, so a live deployment keeps writing cases meanwhile; that cannot run in a
    # transaction.
    atomic = False

    dependencies = [
        ("casework", "0029_deadline_templates_in_spanish"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(
                casework.search.SearchKey(models.F("pseudonym")),
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="case_pseudonym_key",
            ),
        ),
    ]
