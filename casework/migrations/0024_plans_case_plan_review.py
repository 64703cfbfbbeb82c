"""The case plan (issue 16): the deadline template that makes a plan's review due, counted from the
case event recorded when a supervisor approves a plan (0023). Citations marked * are unverified."""

from django.db import migrations

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
        ("casework", "0023_plans_case_plan_event"),
    ]

    operations = [
        migrations.RunPython(create_template, remove_template),
    ]
