"""Move the immigration section's free-text relief fields into relief records before casework 0019
drops them, so nothing is lost:

* `sijs_candidate` set: an SIJS petition step, considering;
* `t_visa_status`, `u_visa_status`: a T-visa or U-visa step whose status is read from the words
  (granted/approved, denied, expired, filed/pending, requested; otherwise considering), the text
  kept in its details;
* `continued_presence_until`: a Continued Presence step, granted and expiring that day (expired
  if the day has passed);
* `immigration_status` (the child's status in general, not a pathway): an immigration-section
  note by whoever opened the case, else the lead agency's first member.

Reversing puts the values back from the records this migration made (marked in their details)."""

from datetime import date

from django.db import migrations

MOVED = "Recorded before relief was tracked: "
STATUS_NOTE = "Immigration status recorded before relief was tracked: "
WORDS = (
    (("granted", "approved"), "granted"),
    (("denied",), "denied"),
    (("expired",), "expired"),
    (("filed", "pending", "submitted"), "filed"),
    (("requested",), "requested"),
)


def _status_from(text: str) -> str:
    lowered = text.lower()
    for words, status in WORDS:
        if any(word in lowered for word in words):
            return status
    return "considering"


def forwards(apps, schema_editor):
    ImmigrationSection = apps.get_model("casework", "ImmigrationSection")
    Note = apps.get_model("casework", "Note")
    User = apps.get_model("agencies", "User")
    ReliefRecord = apps.get_model("relief", "ReliefRecord")
    today = date.today()
    sections = ImmigrationSection.objects.select_related("case").exclude(
        immigration_status="",
        sijs_candidate=False,
        t_visa_status="",
        u_visa_status="",
        continued_presence_until__isnull=True,
    )
    for section in sections.iterator():
        case = section.case
        if section.sijs_candidate:
            ReliefRecord.objects.create(case=case, kind="sijs_petition", status="considering", details=MOVED + "SIJS candidate")
        for kind, text in (("t_visa", section.t_visa_status), ("u_visa", section.u_visa_status)):
            if text.strip():
                ReliefRecord.objects.create(case=case, kind=kind, status=_status_from(text), details=MOVED + text.strip())
        if section.continued_presence_until is not None:
            until = section.continued_presence_until
            ReliefRecord.objects.create(
                case=case,
                kind="continued_presence",
                status="granted" if until >= today else "expired",
                expires_on=until,
                details=MOVED + f"Continued Presence until {until.isoformat()}",
            )
        if section.immigration_status.strip():
            author = case.created_by or User.objects.filter(agency_id=case.lead_agency_id).order_by("pk").first()
            if author is None:
                raise RuntimeError(f"Case {case.number} has an immigration status but nobody to record it as a note.")
            Note.objects.create(
                case=case,
                section="immigration",
                body=STATUS_NOTE + section.immigration_status.strip(),
                author=author,
                agency_id=case.lead_agency_id,
            )


def backwards(apps, schema_editor):
    ImmigrationSection = apps.get_model("casework", "ImmigrationSection")
    Note = apps.get_model("casework", "Note")
    ReliefRecord = apps.get_model("relief", "ReliefRecord")
    for record in ReliefRecord.objects.filter(details__startswith=MOVED).iterator():
        section = ImmigrationSection.objects.get(case_id=record.case_id)
        text = record.details.removeprefix(MOVED)
        if record.kind == "sijs_petition":
            section.sijs_candidate = True
        elif record.kind == "t_visa":
            section.t_visa_status = text[:100]
        elif record.kind == "u_visa":
            section.u_visa_status = text[:100]
        elif record.kind == "continued_presence":
            section.continued_presence_until = record.expires_on
        section.save()
        record.delete()
    for note in Note.objects.filter(section="immigration", body__startswith=STATUS_NOTE).iterator():
        ImmigrationSection.objects.filter(case_id=note.case_id).update(
            immigration_status=note.body.removeprefix(STATUS_NOTE)[:200]
        )
        note.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("relief", "0001_initial"),
        ("casework", "0018_labor_trafficking_and_screening_templates"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
