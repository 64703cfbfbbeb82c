"""The free-text relief fields of the immigration section give way to relief records; relief's
0002 moved their values first."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0018_labor_trafficking_and_screening_templates'),
        ('relief', '0002_move_free_text_statuses'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='immigrationsection',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='immigrationsection',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='immigrationsection',
            name='delete_delete',
        ),
        migrations.RemoveField(
            model_name='immigrationsection',
            name='continued_presence_until',
        ),
        migrations.RemoveField(
            model_name='immigrationsection',
            name='immigration_status',
        ),
        migrations.RemoveField(
            model_name='immigrationsection',
            name='sijs_candidate',
        ),
        migrations.RemoveField(
            model_name='immigrationsection',
            name='t_visa_status',
        ),
        migrations.RemoveField(
            model_name='immigrationsection',
            name='u_visa_status',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='immigrationsection',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "audit_immigrationsectionhistory" ("case_id", "nationality", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."case_id", NEW."nationality", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."case_id"); RETURN NULL;', hash='63808fe88a03f78378d100ab1f585f8581563e10', operation='INSERT', pgid='pgtrigger_insert_insert_75dc8', table='casework_immigrationsection', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='immigrationsection',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "audit_immigrationsectionhistory" ("case_id", "nationality", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."case_id", NEW."nationality", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."case_id"); RETURN NULL;', hash='11e9f22b87d1d56d01a778645770cbd596eb8dcc', operation='UPDATE', pgid='pgtrigger_update_update_505c8', table='casework_immigrationsection', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='immigrationsection',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "audit_immigrationsectionhistory" ("case_id", "nationality", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (OLD."case_id", OLD."nationality", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."case_id"); RETURN NULL;', hash='7c390f3e3bc618832f9edc3de819dec32a8c507c', operation='DELETE', pgid='pgtrigger_delete_delete_96839', table='casework_immigrationsection', when='AFTER')),
        ),
    ]
