"""The federal floor of statutory deadlines from DOMAIN.md. Administrators add state overlays in the
admin; this migration only creates or refreshes the federal rows by key."""

from django.db import migrations

HOURS = "offset_hours"
DAYS = "offset_days"
MONTHS = "offset_months"

FEDERAL_TEMPLATES = [
    {
        "key": "report-sex-trafficking-victim",
        "name": "Report sex-trafficking victim to law enforcement",
        "description": "Report the child, identified as a sex-trafficking victim, to law enforcement.",
        "trigger": "sex_trafficking_identified",
        HOURS: 24,
        "owner_kind": "child_welfare",
        "priority": "urgent",
        "legal_source": "42 U.S.C. 671(a)(34)(A)",
    },
    {
        "key": "report-missing-child",
        "name": "Report missing child to law enforcement and NCMEC",
        "description": "Report the missing child to law enforcement and to the National Center for Missing "
        "and Exploited Children.",
        "trigger": "missing_reported",
        HOURS: 24,
        "owner_kind": "child_welfare",
        "priority": "urgent",
        "legal_source": "42 U.S.C. 671(a)(35)(B)",
    },
    {
        "key": "enter-missing-child-ncic",
        "name": "Enter missing child in NCIC",
        "description": "Enter the missing child in the NCIC database.",
        "trigger": "missing_reported",
        HOURS: 2,
        "owner_kind": "law_enforcement",
        "priority": "urgent",
        "legal_source": "34 U.S.C. 41308",
    },
    {
        "key": "notify-hhs-otip-foreign-national-minor",
        "name": "Notify HHS (OTIP) of foreign-national minor, Request for Assistance Part A",
        "description": "Submit the Request for Assistance (Part A) to HHS Office on Trafficking in Persons.",
        "trigger": "foreign_national_minor_identified",
        HOURS: 24,
        "owner_kind": "recording_agency",
        "priority": "high",
        "legal_source": "22 U.S.C. 7105(b)(1)(G)",
    },
    {
        "key": "request-hhs-eligibility-letter",
        "name": "Request HHS eligibility letter before 18th birthday",
        "description": "Request the HHS eligibility letter while the child is a minor.",
        "trigger": "foreign_national_minor_identified",
        "anchor": "date_of_birth",
        "age_years": 18,
        DAYS: -1,
        "owner_kind": "legal_advocate",
        "priority": "high",
        "legal_source": "OTIP-PI-16-01",
    },
    {
        "key": "file-sij-petition",
        "name": "File SIJ petition (I-360) before 21st birthday",
        "description": "File Form I-360 for Special Immigrant Juvenile status before the child turns 21.",
        "trigger": "sijs_candidate_identified",
        "anchor": "date_of_birth",
        "age_years": 21,
        DAYS: -1,
        "owner_kind": "legal_advocate",
        "priority": "high",
        "legal_source": "8 CFR 204.11",
    },
    {
        "key": "obtain-sij-predicate-order",
        "name": "Obtain state-court SIJ predicate order",
        "description": "Obtain the state juvenile court's SIJ predicate order before the court's age limit "
        "(federal default 18; a state overlay sets the state's limit).",
        "trigger": "sijs_candidate_identified",
        "anchor": "date_of_birth",
        "age_years": 18,
        DAYS: -1,
        "owner_kind": "legal_advocate",
        "priority": "high",
        "yields_to_state": True,
        "legal_source": "State law (juvenile court age limit; default 18)",
    },
    {
        "key": "hhs-interim-assistance-ends",
        "name": "HHS interim assistance ends",
        "description": "Interim assistance ends 120 days after the letter; secure the eligibility letter or "
        "other support before then. Verify the citation before relying on it.",
        "trigger": "interim_assistance_issued",
        DAYS: 120,
        "owner_kind": "legal_advocate",
        "priority": "high",
        "legal_source": "22 U.S.C. 7105(b)(1)(F)",
    },
    {
        "key": "file-i918-after-certification",
        "name": "File I-918 after U-visa certification",
        "description": "File Form I-918 while the signed Supplement B is valid. Verify the citation before "
        "relying on it.",
        "trigger": "u_visa_certified",
        MONTHS: 6,
        "owner_kind": "legal_advocate",
        "priority": "high",
        "legal_source": "8 CFR 214.14(c)(2)(i)",
    },
    {
        "key": "renew-continued-presence",
        "name": "Renew Continued Presence",
        "description": "Continued Presence lasts 2 years; this task is due 90 days before it ends so the "
        "renewal is filed in time.",
        "trigger": "continued_presence_granted",
        MONTHS: 24,
        DAYS: -90,
        "owner_kind": "immigration",
        "priority": "high",
        "legal_source": "22 U.S.C. 7105(c)(3)",
    },
    {
        "key": "court-finding-reasonable-efforts",
        "name": "Court finding on reasonable efforts",
        "description": "Obtain the court's finding on reasonable efforts to prevent removal.",
        "trigger": "removed_from_home",
        DAYS: 60,
        "owner_kind": "child_welfare",
        "priority": "high",
        "legal_source": "45 CFR 1356.21(b)(1)(i)",
    },
    {
        "key": "periodic-case-review",
        "name": "Periodic case review",
        "description": "Hold the periodic case review; the next one is scheduled when this task is done.",
        "trigger": "removed_from_home",
        MONTHS: 6,
        "repeats": True,
        "owner_kind": "child_welfare",
        "priority": "normal",
        "legal_source": "42 U.S.C. 675(5)(B)",
    },
    {
        "key": "permanency-hearing",
        "name": "Permanency hearing",
        "description": "Hold the permanency hearing; the next one is scheduled when this task is done.",
        "trigger": "removed_from_home",
        MONTHS: 12,
        "repeats": True,
        "owner_kind": "child_welfare",
        "priority": "normal",
        "legal_source": "42 U.S.C. 675(5)(C)",
    },
    {
        "key": "screen-returned-child",
        "name": "Screen returned child for trafficking",
        "description": "Screen the located child for sex trafficking (agency policy: 72 hours; states set "
        "their own).",
        "trigger": "missing_located",
        HOURS: 72,
        "owner_kind": "child_welfare",
        "priority": "high",
        "legal_source": "42 U.S.C. 671(a)(35)(A)(iii)",
    },
]


def create_templates(apps, schema_editor):
    DeadlineTemplate = apps.get_model("casework", "DeadlineTemplate")
    for values in FEDERAL_TEMPLATES:
        defaults = {
            "anchor": "event",
            "age_years": None,
            MONTHS: 0,
            DAYS: 0,
            HOURS: 0,
            "repeats": False,
            "yields_to_state": False,
            "jurisdiction": "US",
            "active": True,
            **{name: value for name, value in values.items() if name != "key"},
        }
        DeadlineTemplate.objects.update_or_create(key=values["key"], defaults=defaults)


def remove_templates(apps, schema_editor):
    DeadlineTemplate = apps.get_model("casework", "DeadlineTemplate")
    keys = [values["key"] for values in FEDERAL_TEMPLATES]
    DeadlineTemplate.objects.filter(key__in=keys, tasks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_events_templates_handoffs")]

    operations = [migrations.RunPython(create_templates, remove_templates)]
