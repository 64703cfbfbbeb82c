"""The demo county's documents, stored encrypted through the real services after casework's demo
cases (`settings.BRIDGE_DEMO_EXTENSIONS`): on each open case led by children's services, the
placement agreement, a clinic's discharge summary, the child's identity document, the signed form
of each consent, and, where the legal advocate works on the case, the SIJ predicate order."""

from datetime import timedelta
from io import BytesIO

from django.utils import timezone

from agencies.models import Role, User
from casework.demo import DEMO_AGENCIES
from casework.models import Case, CaseParticipant, CaseStatus, Consent
from casework.sections import Section
from documents.models import DocumentType
from documents.services import document_upload


def simple_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing `lines` in Helvetica, written by hand (a few hundred bytes, valid
    for any reader) so the demo needs no PDF library."""
    text = " ".join(
        f"({line.replace(chr(92), '').replace('(', '').replace(')', '')}) Tj 0 -18 Td" for line in lines
    )
    stream = f"BT /F1 12 Tf 72 720 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _add(
    *, actor: User, case: Case, type_key: str, title: str, filename: str, lines: list[str], **where: object
) -> None:
    content = simple_pdf([title, f"Case {case.number}", *lines])
    document_upload(
        actor=actor,
        case=case,
        document_type=DocumentType.objects.get(key=type_key),
        title=title,
        upload=BytesIO(content),
        uploaded_name=filename,
        **where,  # type: ignore[arg-type]
    )


def documents_demo_load(*, people: dict[tuple[str, str], User]) -> None:
    cps_name = DEMO_AGENCIES["cps"][0]
    legal_name = DEMO_AGENCIES["legal"][0]
    cps = people["cps", Role.CASEWORKER]
    legal = people["legal", Role.LIAISON]
    today = timezone.localdate()
    cases = Case.objects.filter(lead_agency__name=cps_name, status=CaseStatus.OPEN).order_by("number")
    for case in cases:
        signed = (today - timedelta(days=21)).strftime("%d %B %Y")
        _add(
            actor=cps,
            case=case,
            type_key="placement_agreement",
            title="Foster placement agreement",
            filename="placement-agreement.pdf",
            lines=[f"Signed {signed} by the foster carers and the caseworker."],
            section=Section.LOCATION,
        )
        _add(
            actor=cps,
            case=case,
            type_key="medical_record",
            title="Clinic discharge summary",
            filename="discharge-summary.pdf",
            lines=["Lakeview Community Clinic. Follow-up visit booked in two weeks."],
            section=Section.HEALTH,
        )
        _add(
            actor=cps,
            case=case,
            type_key="identity_document",
            title="Birth certificate (copy)",
            filename="birth-certificate.pdf",
            lines=["Certified copy received from the vital records office."],
            section=Section.IDENTITY,
        )
        for consent in Consent.objects.filter(
            case=case, revoked_at__isnull=True, recorded_by_agency=cps.agency
        ):
            _add(
                actor=cps,
                case=case,
                type_key="consent_form",
                title="Signed consent to share",
                filename="consent-form.pdf",
                lines=[f"Signed {consent.signed_on:%d %B %Y} by {consent.signed_by}."],
                consent=consent,
            )
        if CaseParticipant.objects.filter(case=case, agency__name=legal_name).exists():
            _add(
                actor=legal,
                case=case,
                type_key="predicate_order",
                title="SIJ predicate order (draft findings)",
                filename="predicate-order.pdf",
                lines=["Proposed findings for the juvenile court: dependency, reunification, best interest."],
                section=Section.IMMIGRATION,
            )
