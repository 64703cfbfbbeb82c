import django.contrib.postgres.fields
import django.db.models.deletion
from django.contrib.postgres.operations import CreateExtension
from django.db import connection, migrations, models

# A name as matching compares it: accents and case folded (the `unaccent` dictionary named, as
# `bridge_search_key` does in casework/0014, so the function is immutable), apostrophes dropped
# ("O'Connor" is one token), split at anything not a letter, so "García-López" and "Garcia Lopez"
# are the same two tokens; particles ("de", "del", "la", "y", "van", ...) and single letters
# (initials) are left out because they do not tell two children apart.
MATCHING_TOKENS = """
    CREATE OR REPLACE FUNCTION matching_tokens(value text) RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN ARRAY(
            SELECT token
            FROM regexp_split_to_table(
                translate(upper(unaccent('unaccent'::regdictionary, coalesce(value, ''))), '''‘’`', ''),
                '[^A-Z]+'
            ) AS token
            WHERE length(token) > 1
              AND token <> ALL (ARRAY[
                  'DE', 'DEL', 'LA', 'LAS', 'LOS', 'Y', 'E', 'DA', 'DAS', 'DO', 'DOS', 'DI',
                  'VAN', 'VON', 'DER', 'DEN', 'LE', 'DU', 'BIN', 'BINT', 'IBN', 'AL', 'EL'
              ])
        );
"""

DROP_MATCHING_TOKENS = "DROP FUNCTION IF EXISTS matching_tokens(text);"


def load_nicknames(apps, schema_editor):
    from matching.nicknames import NICKNAMES

    Nickname = apps.get_model("matching", "Nickname")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (matching_tokens(n))[1], (matching_tokens(f))[1] FROM unnest(%s::text[], %s::text[]) AS pair(n, f)",
            [list(NICKNAMES), list(NICKNAMES.values())],
        )
        folded = cursor.fetchall()
    Nickname.objects.bulk_create([Nickname(name=name, formal=formal) for name, formal in folded])


def profile_existing_cases(apps, schema_editor):
    from matching.services import match_profiles_refresh

    IdentitySection = apps.get_model("casework", "IdentitySection")
    case_ids = list(IdentitySection.objects.values_list("case_id", flat=True))
    for start in range(0, len(case_ids), 5_000):
        match_profiles_refresh(case_ids=case_ids[start : start + 5_000])


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0024_plans_case_plan_review"),
    ]

    operations = [
        CreateExtension("fuzzystrmatch"),
        migrations.RunSQL(MATCHING_TOKENS, DROP_MATCHING_TOKENS),
        migrations.CreateModel(
            name="Nickname",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("formal", models.CharField(max_length=40)),
            ],
        ),
        migrations.CreateModel(
            name="IdentityProfile",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="casework.case",
                    ),
                ),
                ("tokens", django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), default=list, size=None)),
                ("sounds", django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), default=list, size=None)),
                ("name_key", models.TextField()),
                ("date_of_birth", models.DateField(null=True)),
            ],
        ),
        migrations.CreateModel(
            name="BlockingKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.TextField()),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="casework.case"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["key"], name="matching_blocking_key")],
                "constraints": [
                    models.UniqueConstraint(fields=("case", "key"), name="matching_blocking_key_once")
                ],
            },
        ),
        migrations.RunPython(load_nicknames, migrations.RunPython.noop),
        migrations.RunPython(profile_existing_cases, migrations.RunPython.noop),
    ]
