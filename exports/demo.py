"""The demo county's copies taken: case summaries printed for a court hearing and an interview, and
a case list exported for a review, made through the real services after casework's demo cases
(`settings.BRIDGE_DEMO_EXTENSIONS`), so the Disclosures tab's "Copies taken" has rows."""

from agencies.models import Role, User
from casework.access import cases_visible_to
from casework.demo import DEMO_AGENCIES
from casework.models import Case
from exports.services import case_list_export, case_summary_pdf


def exports_demo_load(*, people: dict[tuple[str, str], User]) -> None:
    an = Case.objects.get(pseudonym="A.N.", lead_agency__name=DEMO_AGENCIES["cps"][0])
    case_summary_pdf(
        actor=people["cps", Role.CASEWORKER],
        case_id=an.pk,
        purpose="Permanency hearing, Lakeview County juvenile court",
        include_notes=False,
        include_timeline=True,
        mask_legal_name=True,
    )
    case_summary_pdf(
        actor=people["pd", Role.LIAISON],
        case_id=an.pk,
        purpose="Planning the forensic interview with the District Attorney's Office",
        include_notes=True,
        include_timeline=False,
        mask_legal_name=False,
    )
    supervisor = people["cps", Role.SUPERVISOR]
    case_list_export(
        actor=supervisor,
        cases=cases_visible_to(user=supervisor).order_by("-created_at", "pk"),
        purpose="Quarterly caseload review for the county board",
        file_format="xlsx",
    )
