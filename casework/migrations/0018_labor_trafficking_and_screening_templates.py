"""Deadline templates for the trafficking status and re-screening (issue 15): a labor-trafficking
victim's reporting clock, and a trafficking screen when a child enters care or moves to a new
placement. Citations marked * are unverified: check them before relying on them."""

from django.db import migrations

TEMPLATES = [
    {
        "key": "report-labor-trafficking-victim",
        "name": "Report labor-trafficking victim to law enforcement",
        "description": "Report the child, identified as a labor-trafficking victim, to law enforcement.",
        "trigger": "labor_trafficking_identified",
        "offset_hours": 24,
        "owner_kind": "child_welfare",
        "priority": "urgent",
        "legal_source": (
            "* Unverified: agency policy extending the 24-hour report of 42 U.S.C. 671(a)(34)(A), which "
            "names sex trafficking only, to labor trafficking (22 U.S.C. 7102(11)(B)); check state law."
        ),
    },
    {
        "key": "screen-child-entering-care",
        "name": "Screen child entering care for trafficking",
        "description": "Screen the child for trafficking with a screening instrument (agency policy: 72 hours; "
        "states set their own).",
        "trigger": "removed_from_home",
        "offset_hours": 72,
        "owner_kind": "child_welfare",
        "priority": "high",
        "legal_source": "* Unverified: 42 U.S.C. 671(a)(9)(C)(i) (identify and document children at risk); "
        "the 72-hour window is agency policy.",
    },
    {
        "key": "screen-child-new-placement",
        "name": "Screen child in a new placement for trafficking",
        "description": "Screen the child again for trafficking after the move (agency policy: 72 hours; states "
        "set their own).",
        "trigger": "placement_changed",
        "offset_hours": 72,
        "owner_kind": "child_welfare",
        "priority": "high",
        "legal_source": "* Unverified: 42 U.S.C. 671(a)(9)(C)(i) (identify and document children at risk); "
        "the 72-hour window is agency policy.",
    },
]


def create_templates(apps, schema_editor):
    DeadlineTemplate = apps.get_model("casework", "DeadlineTemplate")
    for values in TEMPLATES:
        defaults = {
            "anchor": "event",
            "age_years": None,
            "offset_months": 0,
            "offset_days": 0,
            "repeats": False,
            "yields_to_state": False,
            "jurisdiction": "US",
            "section": "core",
            "asks_owner": False,
            "active": True,
            **{name: value for name, value in values.items() if name != "key"},
        }
        DeadlineTemplate.objects.update_or_create(key=values["key"], defaults=defaults)


def remove_templates(apps, schema_editor):
    DeadlineTemplate = apps.get_model("casework", "DeadlineTemplate")
    keys = [values["key"] for values in TEMPLATES]
    DeadlineTemplate.objects.filter(key__in=keys, tasks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0017_trafficking_status_and_events")]

    operations = [migrations.RunPython(create_templates, remove_templates)]
