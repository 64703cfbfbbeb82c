"""Deadline templates carry their names and descriptions in other languages as data, and a task
made from one is read in its reader's language; what a person typed stays as typed."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from casework.models import DeadlineTemplate, Task

pytestmark = pytest.mark.django_db


def test_every_shipped_template_has_spanish():
    missing = [
        template.key
        for template in DeadlineTemplate.objects.filter(jurisdiction="US")
        if not template.translations.get("es", {}).get("name")
    ]

    assert missing == []


def test_a_template_reads_in_the_active_language():
    template = DeadlineTemplate.objects.get(key="permanency-hearing")

    with translation.override("es"):
        assert template.shown_name == "Audiencia de permanencia"
    with translation.override("en"):
        assert template.shown_name == "Permanency hearing"


def test_a_task_bridge_wrote_reads_in_the_active_language(case):
    task = Task(
        case=case, title="Permanency hearing", translations={"es": {"title": "Audiencia de permanencia"}}
    )

    with translation.override("es-mx"):
        assert task.shown_title == "Audiencia de permanencia"
    with translation.override("en"):
        assert task.shown_title == "Permanency hearing"


def test_a_typed_title_stays_as_typed(case):
    task = Task(case=case, title="Call the school", description="Ask about attendance")

    with translation.override("es"):
        assert (task.shown_title, task.shown_description) == ("Call the school", "Ask about attendance")


@pytest.mark.parametrize(
    "translations",
    [["es"], {"fr": {"name": "Audience"}}, {"es": {"title": "x"}}, {"es": {"name": 3}}],
    ids=["not-an-object", "unknown-language", "unknown-field", "not-text"],
)
def test_the_admin_refuses_translations_of_the_wrong_shape(translations):
    template = DeadlineTemplate.objects.get(key="permanency-hearing")
    template.translations = translations

    with pytest.raises(ValidationError) as refused:
        template.clean()

    assert "translations" in refused.value.message_dict


def test_a_legal_sources_prose_reads_in_the_active_language_and_its_citation_stays():
    template = DeadlineTemplate.objects.get(key="screen-child-entering-care")

    with translation.override("es"):
        assert template.shown_legal_source.startswith("* Sin verificar: 42 U.S.C. 671(a)(9)(C)(i)")
    assert template.shown_legal_source == template.legal_source
