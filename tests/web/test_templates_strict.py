"""Pages must not break on the data they meet: an unassigned task, a form opened without `next`.
And a template that reaches for something missing fails the suite, not a caseworker."""

import pytest
from django.template.loader import render_to_string

from casework.services.tasks import task_create
from config.strict_templates import UndefinedTemplateVariable
from tests.factories import in_hours
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def test_an_undefined_variable_in_a_bridge_template_is_an_error():
    with pytest.raises(UndefinedTemplateVariable, match=r"field\.label_tag"):
        render_to_string("web/partials/field.html", {})


def test_an_unassigned_task_has_a_page(browser_as, lead, case):
    task = task_create(actor=lead.liaison, case=case, title="Call the school", due_at=in_hours(30))

    response = browser_as(lead.liaison).get(f"/tasks/{task.pk}/")

    assert response.status_code == 200
    assert "Assigned to Nobody yet" in text(response)


@pytest.mark.parametrize("query", ["", "?next=/work/"])
def test_the_handoff_page_of_an_unassigned_task_opens(browser_as, lead, case, query):
    task = task_create(actor=lead.liaison, case=case, title="Call the school", due_at=in_hours(30))

    response = browser_as(lead.liaison).get(f"/tasks/{task.pk}/handoff/{query}")

    assert response.status_code == 200
    expected_next = "/work/" if query else f"/tasks/{task.pk}/"
    assert f'name="next" value="{expected_next}"' in response.content.decode()


def test_a_handoff_page_never_carries_a_next_to_another_site(browser_as, lead, case):
    task = task_create(actor=lead.liaison, case=case, title="Call the school", due_at=in_hours(30))

    response = browser_as(lead.liaison).get(f"/tasks/{task.pk}/handoff/?next=https://evil.example/")

    assert "evil.example" not in response.content.decode()
