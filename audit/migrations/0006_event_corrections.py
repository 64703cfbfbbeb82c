
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_task_outcome_and_reopen'),
    ]

    operations = [
        migrations.AddField(
            model_name='taskhistory',
            name='cancel_reason',
            field=models.TextField(blank=True, default='', help_text='Why it was cancelled.'),
        ),
        migrations.AlterField(
            model_name='taskhistory',
            name='status',
            field=models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='open', max_length=9),
        ),
    ]
