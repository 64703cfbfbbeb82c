"""The service types of issue 16, with the section that protects each one's session notes and
outcome reason: clinical care in `health`, a shelter (it says where the child sleeps) in
`location`, legal representation in `core` (the representation itself is coordination; what the
lawyer learns stays in `legal`, which never leaves legal advocates), the rest in `services`."""

from django.db import migrations

SERVICE_TYPES = [
    ("shelter", "Shelter", "location"),
    ("medical", "Medical care", "health"),
    ("mental_health", "Mental health", "health"),
    ("legal_representation", "Legal representation", "core"),
    ("education", "Education", "services"),
    ("interpreter", "Interpreter", "services"),
    ("family_tracing", "Family tracing", "services"),
    ("repatriation_assessment", "Repatriation or reunification assessment", "services"),
    ("life_skills", "Life skills", "services"),
]


def add_service_types(apps, schema_editor):
    service_type = apps.get_model("referrals", "ServiceType")
    for position, (key, name, section) in enumerate(SERVICE_TYPES, start=1):
        service_type.objects.update_or_create(
            key=key, defaults={"name": name, "section": section, "ordering": position * 10}
        )


def remove_service_types(apps, schema_editor):
    apps.get_model("referrals", "ServiceType").objects.filter(key__in=[key for key, _, _ in SERVICE_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(add_service_types, remove_service_types)]
