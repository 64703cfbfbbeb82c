"""The case plan (issue 16): a case event recorded when a supervisor approves a plan, and the
deadline template that makes its review due. Citations marked * are unverified."""

from django.conf import settings
from django.db import migrations, models

TEMPLATE = {
    "key": "case-plan-review",
    "name": "Case plan review",
    "description": (
        "Review the case plan with the team and the child: progress on each goal, actions still open, "
        "and what should change. Submit a revised plan for approval if anything does."
    ),
    "trigger": "case_plan_approved",
    "offset_days": 90,
    "repeats": True,
    "owner_kind": "recording_agency",
    "priority": "normal",
    "section": "core",
    "legal_source": (
        "* Unverified: case plan, 42 U.S.C. 675(1) and 45 CFR 1356.21(g); the 90-day review is agency "
        "policy within the periodic review of at least every 6 months, 42 U.S.C. 675(5)(B)."
    ),
}


def create_template(apps, schema_editor):
    DeadlineTemplate = apps.get_model("casework", "DeadlineTemplate")
    defaults = {
        "anchor": "event",
        "age_years": None,
        "offset_months": 0,
        "offset_hours": 0,
        "yields_to_state": False,
        "jurisdiction": "US",
        "asks_owner": False,
        "active": True,
        **{name: value for name, value in TEMPLATE.items() if name != "key"},
    }
    DeadlineTemplate.objects.update_or_create(key=TEMPLATE["key"], defaults=defaults)


def remove_template(apps, schema_editor):
    DeadlineTemplate = apps.get_model("casework", "DeadlineTemplate")
    DeadlineTemplate.objects.filter(key=TEMPLATE["key"], tasks__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0005_agency_kind_is_fixed'),
        ('casework', '0019_immigration_relief_replaces_free_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='caseevent',
            name='case_event_type_is_known',
        ),
        migrations.RemoveConstraint(
            model_name='deadlinetemplate',
            name='template_trigger_is_known',
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='type',
            field=models.CharField(choices=[('sex_trafficking_identified', 'Identified as a sex-trafficking victim'), ('labor_trafficking_identified', 'Identified as a labor-trafficking victim'), ('missing_reported', 'Reported missing'), ('missing_located', 'Missing child located'), ('foreign_national_minor_identified', 'Foreign-national minor identified'), ('sijs_candidate_identified', 'SIJS candidate identified'), ('interim_assistance_issued', 'HHS interim assistance letter issued'), ('u_visa_certified', 'U-visa certification (I-918 Supplement B) signed'), ('continued_presence_granted', 'Continued Presence granted'), ('removed_from_home', 'Removed from home (entered foster care)'), ('placement_changed', 'Moved to a new placement'), ('court_hearing_scheduled', 'Court hearing scheduled'), ('case_plan_approved', 'Case plan approved')], max_length=40),
        ),
        migrations.AlterField(
            model_name='deadlinetemplate',
            name='trigger',
            field=models.CharField(choices=[('sex_trafficking_identified', 'Identified as a sex-trafficking victim'), ('labor_trafficking_identified', 'Identified as a labor-trafficking victim'), ('missing_reported', 'Reported missing'), ('missing_located', 'Missing child located'), ('foreign_national_minor_identified', 'Foreign-national minor identified'), ('sijs_candidate_identified', 'SIJS candidate identified'), ('interim_assistance_issued', 'HHS interim assistance letter issued'), ('u_visa_certified', 'U-visa certification (I-918 Supplement B) signed'), ('continued_presence_granted', 'Continued Presence granted'), ('removed_from_home', 'Removed from home (entered foster care)'), ('placement_changed', 'Moved to a new placement'), ('court_hearing_scheduled', 'Court hearing scheduled'), ('case_plan_approved', 'Case plan approved')], max_length=40),
        ),
        migrations.AddConstraint(
            model_name='caseevent',
            constraint=models.CheckConstraint(condition=models.Q(('type__in', ['sex_trafficking_identified', 'labor_trafficking_identified', 'missing_reported', 'missing_located', 'foreign_national_minor_identified', 'sijs_candidate_identified', 'interim_assistance_issued', 'u_visa_certified', 'continued_presence_granted', 'removed_from_home', 'placement_changed', 'court_hearing_scheduled', 'case_plan_approved'])), name='case_event_type_is_known'),
        ),
        migrations.AddConstraint(
            model_name='deadlinetemplate',
            constraint=models.CheckConstraint(condition=models.Q(('trigger__in', ['sex_trafficking_identified', 'labor_trafficking_identified', 'missing_reported', 'missing_located', 'foreign_national_minor_identified', 'sijs_candidate_identified', 'interim_assistance_issued', 'u_visa_certified', 'continued_presence_granted', 'removed_from_home', 'placement_changed', 'court_hearing_scheduled', 'case_plan_approved'])), name='template_trigger_is_known'),
        ),
        migrations.RunPython(create_template, remove_template),
    ]
