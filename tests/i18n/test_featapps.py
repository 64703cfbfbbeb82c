"""Spanish in the capability apps: choices labels, service and API errors, the case list export's
headings in the exporting person's language, and stored timeline text that stays English."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone, translation

import court.services
from casework.models import Case, TimelineEvent
from common.errors import ValidationFailed
from common.i18n import Message
from court.models import CriminalCaseStatus, HearingType
from court.services import dependency_hearing_schedule
from exports.services import case_list_export
from matching.models import MergeProposalStatus
from plans.models import GoalDomain
from relief.models import ReliefKind, ReliefStatus
from screening.scoring import suggested_status
from tests.api.conftest import Api, error_of

pytestmark = pytest.mark.django_db

SPANISH = {"Accept-Language": "es"}


def csv_header(content: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_choices_labels_read_in_spanish():
    with translation.override("es"):
        labels = [
            str(HearingType.PERMANENCY.label),
            str(HearingType.DISPOSITION.label),
            str(CriminalCaseStatus.APPEAL.label),
            str(ReliefKind.T_VISA.label),
            str(ReliefKind.CONTINUED_PRESENCE.label),
            str(ReliefStatus.EXPIRED.label),
            str(MergeProposalStatus.DECLINED.label),
            str(GoalDomain.PLACEMENT_STABILITY.label),
        ]

    assert labels == [
        "Audiencia de permanencia",
        "Audiencia de disposición",
        "En apelación",
        "Visa T (Form I-914)",
        "Continued Presence (Presencia Continuada)",
        "Vencido",
        "Rechazada",
        "Estabilidad de la colocación",
    ]


def test_choices_labels_stay_english_by_default():
    assert str(HearingType.PERMANENCY.label) == "Permanency hearing"
    assert str(ReliefKind.T_VISA.label) == "T visa (Form I-914)"
    # The stored value never changes with the language.
    with translation.override("es"):
        assert HearingType.PERMANENCY == "permanency"
        assert suggested_status(0, []) == "screened_no_indicators"


def test_the_case_list_export_has_spanish_headings_for_a_person_who_chose_spanish(case, lead):
    lead.liaison.language = "es"
    lead.liaison.save(update_fields=["language"])

    exported = case_list_export(
        actor=lead.liaison, cases=Case.objects.all(), purpose="Revisión mensual", file_format="csv"
    )

    header = csv_header(exported.content)
    assert header[:6] == [
        "Caso",
        "Seudónimo",
        "Rango de edad",
        "Estado",
        "Situación de trata",
        "Agencia principal",
    ]
    assert header[6].startswith("Próximo plazo (")
    assert header[7] == "Tareas vencidas"
    assert header[8].startswith("Última actividad (")
    # Spanish is the exporter's, not left active afterwards.
    assert translation.get_language() != "es"


def test_the_case_list_export_keeps_english_headings_for_a_person_without_a_choice(case, lead):
    exported = case_list_export(
        actor=lead.liaison, cases=Case.objects.all(), purpose="Review", file_format="csv"
    )

    assert csv_header(exported.content)[:2] == ["Case", "Pseudonym"]


def test_a_missing_export_purpose_is_explained_in_spanish(lead):
    with translation.override("es"), pytest.raises(ValidationFailed) as refused:
        case_list_export(actor=lead.liaison, cases=Case.objects.all(), purpose="", file_format="csv")

    assert refused.value.fields["purpose"] == [
        "Indique para qué saca esta copia (por ejemplo: audiencia en el tribunal el 12 de marzo)."
    ]


def test_an_api_error_message_is_in_spanish_with_accept_language_es(case, lead):
    response = Api(lead.caseworker).post(
        f"cases/{case.pk}/links/", {"other_case": str(case.pk), "kind": "sibling"}, **SPANISH
    )

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["message"] == "Un caso no se vincula consigo mismo."
    assert error["fields"] == {"other_case": ["Elija otro caso."]}


def test_the_same_api_error_stays_english_without_accept_language(case, lead):
    response = Api(lead.caseworker).post(
        f"cases/{case.pk}/links/", {"other_case": str(case.pk), "kind": "sibling"}
    )

    assert error_of(response)["message"] == "A case is not linked to itself."


def test_a_hearing_scheduled_in_spanish_keeps_its_stored_timeline_line_in_english(case, lead):
    when = timezone.now() + timedelta(days=10)

    with translation.override("es"):
        dependency_hearing_schedule(
            actor=lead.caseworker, case=case, type=HearingType.PERMANENCY, scheduled_at=when
        )

    line = TimelineEvent.objects.get(case=case, kind="dependency_hearing_scheduled")
    assert line.summary.startswith("Permanency hearing scheduled for ")


def test_the_hearing_notice_is_a_message_each_liaison_reads_in_their_language(monkeypatch, case, lead):
    sent: list[dict] = []
    monkeypatch.setattr(court.services, "notify", lambda **notice: sent.append(notice))

    dependency_hearing_schedule(
        actor=lead.caseworker,
        case=case,
        type=HearingType.REVIEW,
        scheduled_at=timezone.now() + timedelta(days=3),
    )

    (notice,) = sent
    assert isinstance(notice["message"], Message)
    assert str(notice["message"]) == f"A dependency court hearing was scheduled on case {case.number}."
    with translation.override("es"):
        assert (
            str(notice["message"])
            == f"Se programó una audiencia del tribunal de dependencia en el caso {case.number}."
        )
