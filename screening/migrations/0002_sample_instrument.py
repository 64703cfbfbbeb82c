"""A sample screening instrument written for Bridge, so a new installation can record screenings
at once. It is no validated tool and copies none: agencies load the instruments they license in
the admin, as new instruments."""

from django.db import migrations

KEY = "bridge-sample-indicators"

QUESTIONS = [
    ("runaway", "Has the child run away or been missing from home or care in the past year?", 1),
    ("older_partner", "Does the child have a boyfriend, girlfriend or friend who is much older?", 1),
    ("unexplained_money", "Does the child have money, phones, clothes or gifts they cannot explain?", 1),
    ("controlled_id", "Does someone else hold the child's identity papers, phone or earnings?", 2),
    ("work_debt", "Does the child work to pay off a debt, or for someone who keeps what they earn?", 2),
    ("sex_for_needs", "Has the child traded sex or sexual images for money, a place to stay, food or drugs?", 3),
    ("threats", "Has anyone threatened the child or their family to make them work or stay?", 3),
    ("branding", "Does the child have a tattoo or mark they say shows who they belong to?", 2),
]

CHOICE_QUESTION = {
    "key": "hours_working",
    "text": "How often does the child work long hours, at night, or instead of going to school?",
    "choices": [
        {"value": "never", "label": "Never", "points": 0},
        {"value": "sometimes", "label": "Sometimes", "points": 1},
        {"value": "often", "label": "Often", "points": 2},
    ],
}

THRESHOLDS = [(2, "at_risk"), (5, "suspected")]


def create_instrument(apps, schema_editor):
    Instrument = apps.get_model("screening", "Instrument")
    instrument, _ = Instrument.objects.update_or_create(
        key=KEY,
        version=1,
        defaults={
            "name": "Bridge sample trafficking indicators",
            "description": (
                "A short sample written for Bridge to show how instruments work. It is not a validated "
                "screening tool: load the instrument your agency uses, under its licence, as a new instrument."
            ),
            "scoring_rule": "sum",
            "active": True,
        },
    )
    for position, (key, text, points) in enumerate(QUESTIONS, start=1):
        instrument.questions.update_or_create(
            key=key,
            defaults={"position": position, "text": text, "answer_type": "yes_no", "points_if_yes": points},
        )
    instrument.questions.update_or_create(
        key=CHOICE_QUESTION["key"],
        defaults={
            "position": len(QUESTIONS) + 1,
            "text": CHOICE_QUESTION["text"],
            "answer_type": "choice",
            "choices": CHOICE_QUESTION["choices"],
        },
    )
    instrument.questions.update_or_create(
        key="notes",
        defaults={
            "position": len(QUESTIONS) + 2,
            "text": "What the child said, in their words, where it matters.",
            "answer_type": "text",
            "required": False,
        },
    )
    for min_score, suggests in THRESHOLDS:
        instrument.thresholds.update_or_create(min_score=min_score, defaults={"suggests": suggests})


def remove_instrument(apps, schema_editor):
    Instrument = apps.get_model("screening", "Instrument")
    Instrument.objects.filter(key=KEY, version=1, screenings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(create_instrument, remove_instrument)]
