"""The document types of issue 17, as data platform staff may extend in the admin."""

from django.db import migrations

DOCUMENT_TYPES = [
    ("consent_form", "Consent form"),
    ("court_order", "Court order"),
    ("predicate_order", "Predicate order"),
    ("certification", "Certification"),
    ("placement_agreement", "Placement agreement"),
    ("identity_document", "Identity document"),
    ("medical_record", "Medical record"),
    ("other", "Other"),
]


def add_document_types(apps, schema_editor):
    document_type = apps.get_model("documents", "DocumentType")
    for position, (key, name) in enumerate(DOCUMENT_TYPES, start=1):
        document_type.objects.update_or_create(key=key, defaults={"name": name, "ordering": position * 10})


def remove_document_types(apps, schema_editor):
    apps.get_model("documents", "DocumentType").objects.filter(key__in=[key for key, _ in DOCUMENT_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(add_document_types, remove_document_types)]
