from django.db import migrations, models


def take_staff_out_of_agencies(apps, schema_editor):
    """A platform administrator who also held an agency membership read cases with it (issue 12,
    finding 1). Such accounts lose the membership before the constraint forbids it; the change
    history records each one. The person gets a separate member account if they need one."""
    User = apps.get_model("agencies", "User")
    staff = User.objects.filter(models.Q(is_staff=True) | models.Q(is_superuser=True)).filter(
        models.Q(agency__isnull=False) | ~models.Q(role="")
    )
    for user in staff:
        user.groups.clear()
    staff.update(agency=None, role="")
    # Fire the deferred foreign-key checks now: ALTER TABLE refuses to run with events pending.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0002_history_triggers'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(take_staff_out_of_agencies, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('is_staff', False), ('is_superuser', False)), models.Q(('agency__isnull', True), ('role', '')), _connector='OR'), name='user_staff_have_no_agency'),
        ),
    ]
