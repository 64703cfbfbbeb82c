"""Case events are safe to record and correct (issue 13).

Schema: an event can be corrected (`corrected_at`) or voided with a reason; a task can be
`cancelled`, with the reason, when the event that created it is voided (it is never deleted).

Data: a court hearing creates a reminder task for the agencies on the case that take part in
court (child welfare, legal advocate), due the day before the hearing. Court work is `core`
(DOMAIN.md, "Derived records carry their section"). Templates are created or refreshed by key;
the rows are repeated here on purpose: a migration must not import code that will change."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


COURT_HEARING_TEMPLATES = [
    {
        "key": "court-hearing-child-welfare",
        "name": "Prepare for the court hearing",
        "description": "Prepare the agency's report and recommendations for the scheduled court hearing, "
        "and make sure the child, caregivers and parties have been notified of it.",
        "owner_kind": "child_welfare",
    },
    {
        "key": "court-hearing-legal-advocate",
        "name": "Prepare the child for the court hearing",
        "description": "Meet the child before the scheduled court hearing: explain what will happen, hear "
        "what they want the court to know, and prepare the representation.",
        "owner_kind": "legal_advocate",
    },
]


def create_court_hearing_templates(apps, schema_editor):
    DeadlineTemplate = apps.get_model("casework", "DeadlineTemplate")
    for values in COURT_HEARING_TEMPLATES:
        defaults = {
            "trigger": "court_hearing_scheduled",
            "anchor": "hearing_at",
            "age_years": None,
            "offset_months": 0,
            "offset_days": -1,
            "offset_hours": 0,
            "repeats": False,
            "asks_owner": False,
            "section": "core",
            "priority": "high",
            "yields_to_state": False,
            "jurisdiction": "US",
            "legal_source": "Agency practice: court hearing reminder (the court's notice sets the hearing)",
            "active": True,
            **{name: value for name, value in values.items() if name != "key"},
        }
        DeadlineTemplate.objects.update_or_create(key=values["key"], defaults=defaults)


def remove_court_hearing_templates(apps, schema_editor):
    DeadlineTemplate = apps.get_model("casework", "DeadlineTemplate")
    keys = [values["key"] for values in COURT_HEARING_TEMPLATES]
    DeadlineTemplate.objects.filter(key__in=keys, tasks__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0003_staff_have_no_agency'),
        # The task history triggers below write the history table's new column.
        ('audit', '0006_event_corrections'),
        ('casework', '0011_task_outcome_and_reopen'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='task',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='task',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='task',
            name='delete_delete',
        ),
        migrations.RemoveConstraint(
            model_name='task',
            name='task_status_is_known',
        ),
        migrations.RemoveConstraint(
            model_name='task',
            name='task_done_iff_completed',
        ),
        migrations.AddField(
            model_name='caseevent',
            name='corrected_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='void_reason',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='voided_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='voided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='task',
            name='cancel_reason',
            field=models.TextField(blank=True, default='', help_text='Why it was cancelled.'),
        ),
        migrations.AlterField(
            model_name='task',
            name='status',
            field=models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='open', max_length=9),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='task',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "audit_taskhistory" ("assignee_id", "awaits_kind", "cancel_reason", "case_id", "completed_at", "completed_by_id", "created_at", "created_by_id", "description", "due_at", "event_id", "id", "owner_agency_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "section", "status", "template_id", "title", "updated_at", "version") VALUES (NEW."assignee_id", NEW."awaits_kind", NEW."cancel_reason", NEW."case_id", NEW."completed_at", NEW."completed_by_id", NEW."created_at", NEW."created_by_id", NEW."description", NEW."due_at", NEW."event_id", NEW."id", NEW."owner_agency_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."priority", NEW."section", NEW."status", NEW."template_id", NEW."title", NEW."updated_at", NEW."version"); RETURN NULL;', hash='d25808fa2875483d2276a1c07d4e555b112913f2', operation='INSERT', pgid='pgtrigger_insert_insert_bc02c', table='casework_task', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='task',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "audit_taskhistory" ("assignee_id", "awaits_kind", "cancel_reason", "case_id", "completed_at", "completed_by_id", "created_at", "created_by_id", "description", "due_at", "event_id", "id", "owner_agency_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "section", "status", "template_id", "title", "updated_at", "version") VALUES (NEW."assignee_id", NEW."awaits_kind", NEW."cancel_reason", NEW."case_id", NEW."completed_at", NEW."completed_by_id", NEW."created_at", NEW."created_by_id", NEW."description", NEW."due_at", NEW."event_id", NEW."id", NEW."owner_agency_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."priority", NEW."section", NEW."status", NEW."template_id", NEW."title", NEW."updated_at", NEW."version"); RETURN NULL;', hash='9b02a549796e5c509e5e5a39e1e71809106ba3bf', operation='UPDATE', pgid='pgtrigger_update_update_0475a', table='casework_task', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='task',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "audit_taskhistory" ("assignee_id", "awaits_kind", "cancel_reason", "case_id", "completed_at", "completed_by_id", "created_at", "created_by_id", "description", "due_at", "event_id", "id", "owner_agency_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "section", "status", "template_id", "title", "updated_at", "version") VALUES (OLD."assignee_id", OLD."awaits_kind", OLD."cancel_reason", OLD."case_id", OLD."completed_at", OLD."completed_by_id", OLD."created_at", OLD."created_by_id", OLD."description", OLD."due_at", OLD."event_id", OLD."id", OLD."owner_agency_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."priority", OLD."section", OLD."status", OLD."template_id", OLD."title", OLD."updated_at", OLD."version"); RETURN NULL;', hash='107a0bd3bf49a2b3034de6c2dfe2340307773c1a', operation='DELETE', pgid='pgtrigger_delete_delete_8a289', table='casework_task', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='caseevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('void_reason', ''), ('voided_at__isnull', True), ('voided_by__isnull', True)), models.Q(('voided_at__isnull', False), ('voided_by__isnull', False), models.Q(('void_reason', ''), _negated=True)), _connector='OR'), name='case_event_void_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='task',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'done', 'cancelled'])), name='task_status_is_known'),
        ),
        migrations.AddConstraint(
            model_name='task',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('completed_at__isnull', False), ('status', 'done')), models.Q(('completed_at__isnull', True), ('status__in', ['open', 'cancelled'])), _connector='OR'), name='task_done_iff_completed'),
        ),
        migrations.AddConstraint(
            model_name='task',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'cancelled'), models.Q(('cancel_reason', ''), _negated=True)), models.Q(models.Q(('status', 'cancelled'), _negated=True), ('cancel_reason', '')), _connector='OR'), name='task_cancelled_iff_reason'),
        ),
        migrations.RemoveConstraint(
            model_name='task',
            name='task_owned_or_waiting',
        ),
        migrations.AddConstraint(
            model_name='task',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('awaits_kind', ''), ('owner_agency__isnull', False)), models.Q(('assignee__isnull', True), ('awaits_kind__in', ['child_welfare', 'law_enforcement', 'immigration', 'legal_advocate', 'victim_services']), ('owner_agency__isnull', True), ('status__in', ['open', 'cancelled']), ('template__isnull', False), models.Q(('section', 'core'), _negated=True)), _connector='OR'), name='task_owned_or_waiting'),
        ),
        migrations.RunPython(create_court_hearing_templates, remove_court_hearing_templates),
    ]
