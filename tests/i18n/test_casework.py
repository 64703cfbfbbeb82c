"""The core of case work reads in Spanish: labels, service errors, notification texts rendered in
their reader's language, while the timeline Bridge stores stays English. Needs the compiled
catalogue (`scripts/messages`, or CI's bootstrap)."""

from datetime import UTC, date, datetime

from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from casework.models import CaseStatus, ClosureReason, HandoffStatus, TaskStatus
from casework.sections import Section, section_names
from casework.timeline import in_english
from common.dates import OUT_OF_RANGE_MESSAGE
from common.errors import NotFound, StaleVersion
from common.i18n import Message
from common.inputs import choice_errors, text_errors
from common.times import format_day, format_when_lazy


def test_section_labels_read_in_spanish():
    with translation.override("es"):
        assert str(Section.LOCATION.label) == "Ubicación"
        assert str(Section.IMMIGRATION.label) == "Situación migratoria"
        assert section_names(["location", "health"]) == "Ubicación, Salud"


def test_one_english_word_has_two_spanish_genders_by_context():
    with translation.override("es"):
        assert str(CaseStatus.OPEN.label) == "Abierto"
        assert str(TaskStatus.OPEN.label) == "Abierta"


def test_handoff_status_and_closure_reason_labels_read_in_spanish():
    with translation.override("es"):
        assert str(HandoffStatus.DECLINED.label) == "Rechazado"
        assert str(ClosureReason.REUNIFIED.label) == "Reunificado con su familia"


def test_choice_values_do_not_change_with_the_language():
    with translation.override("es"):
        assert HandoffStatus.DECLINED.value == "declined"
        assert Section.LOCATION.value == "location"


def test_error_raised_under_spanish_carries_a_spanish_message():
    with translation.override("es"):
        error = StaleVersion()
        missing = NotFound()
    assert error.message == "Otra persona modificó este registro; vuelva a cargarlo e inténtelo de nuevo."
    assert missing.message == "No encontrado."
    assert StaleVersion().message == "This record was changed by someone else; reload it and try again."


def test_input_messages_read_in_the_active_language():
    with translation.override("es"):
        assert text_errors("", max_length=10) == ["Este campo no puede estar vacío."]
        assert text_errors("x" * 11, max_length=10) == ["Como máximo 10 caracteres."]
        assert choice_errors("z", ["a", "b"]) == ["Debe ser uno de: a, b."]
        assert str(OUT_OF_RANGE_MESSAGE) == "Indique una hora entre los años 1900 y 2199."
    assert text_errors("", max_length=10) == ["This field may not be blank."]


def test_days_are_written_with_the_language_s_month_names():
    with translation.override("es"):
        assert format_day(date(2010, 4, 2)) == "vie 2 Abr 2010"
    assert format_day(date(2010, 4, 2)) == "Fri 2 Apr 2010"


def test_a_notification_message_renders_in_each_reader_s_language():
    message = Message(
        gettext_lazy("%(task)s on case %(number)s is due now (%(when)s)."),
        task=pgettext_lazy("task reminder, starts a sentence", "An urgent task"),
        number="BR-2030-000001",
        when=format_when_lazy(datetime(2030, 3, 5, 15, 0, tzinfo=UTC)),
    )
    with translation.override("es"):
        spanish = str(message)
    with translation.override("en"):
        english = str(message)
    assert spanish == "Una tarea urgente del caso BR-2030-000001 vence ahora (mar 5 Mar 2030, 09:00)."
    assert english == "An urgent task on case BR-2030-000001 is due now (Tue 5 Mar 2030, 09:00)."


def test_stored_timeline_text_stays_english_under_a_spanish_request():
    with translation.override("es"):
        assert in_english(ClosureReason.AGED_OUT.label) == "Aged out"
