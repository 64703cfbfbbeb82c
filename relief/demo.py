"""The demo county's relief pathways, in several states, loaded through the real services after
casework's demo cases (`settings.BRIDGE_DEMO_EXTENSIONS`)."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Agency, Role, User
from casework.demo import DEMO_AGENCIES
from casework.models import Case
from relief.models import ReliefKind, ReliefStatus
from relief.services import relief_record_add, relief_request_signature


def _case(pseudonym: str) -> Case:
    return Case.objects.get(
        pseudonym=pseudonym, lead_agency__name__in=[name for name, _, _ in DEMO_AGENCIES.values()]
    )


def relief_demo_load(*, people: dict[tuple[str, str], User]) -> None:
    legal = people["legal", Role.LIAISON]
    today = timezone.localdate()
    hsi = Agency.objects.get(name=DEMO_AGENCIES["hsi"][0])

    # A.N., 16: an SIJS pathway under way and the HHS letter asked for.
    an = _case("A.N.")
    relief_record_add(
        actor=legal,
        case=an,
        kind=ReliefKind.SIJS_PREDICATE_ORDER,
        status=ReliefStatus.REQUESTED,
        requested_on=today - timedelta(days=12),
        details="Demo: motion for SIJ findings filed with the juvenile court.",
    )
    relief_record_add(actor=legal, case=an, kind=ReliefKind.SIJS_PETITION)
    relief_record_add(
        actor=legal,
        case=an,
        kind=ReliefKind.HHS_ELIGIBILITY_LETTER,
        status=ReliefStatus.REQUESTED,
        requested_on=today - timedelta(days=2),
    )

    # R.P., about to turn 18: Continued Presence granted; a T visa considered, its declaration
    # asked of HSI, which sees the request and nothing else.
    rp = _case("R.P.")
    relief_record_add(
        actor=legal,
        case=rp,
        kind=ReliefKind.CONTINUED_PRESENCE,
        status=ReliefStatus.GRANTED,
        requested_on=today - timedelta(days=40),
        decided_on=today - timedelta(days=10),
        expires_on=today - timedelta(days=10) + timedelta(days=730),
    )
    relief_record_add(actor=legal, case=rp, kind=ReliefKind.T_VISA)
    declaration = relief_record_add(actor=legal, case=rp, kind=ReliefKind.T_VISA_DECLARATION)
    relief_request_signature(actor=legal, record=declaration, to_agency=hsi)

    # S.A.: police signed the U-visa certification; the I-918 is being prepared.
    sa = _case("S.A.")
    relief_record_add(
        actor=legal,
        case=sa,
        kind=ReliefKind.U_VISA_CERTIFICATION,
        status=ReliefStatus.GRANTED,
        requested_on=today - timedelta(days=20),
        decided_on=today - timedelta(days=3),
        expires_on=today - timedelta(days=3) + timedelta(days=182),
    )
    relief_record_add(actor=legal, case=sa, kind=ReliefKind.U_VISA)

    # E.G., 20: the SIJ petition, not yet filed, and her 21st birthday near.
    eg = _case("E.G.")
    relief_record_add(
        actor=legal,
        case=eg,
        kind=ReliefKind.SIJS_PREDICATE_ORDER,
        status=ReliefStatus.GRANTED,
        decided_on=today - timedelta(days=400),
        receipt_number="",
        details="Demo: predicate order obtained before she turned 18.",
    )
    relief_record_add(
        actor=legal,
        case=eg,
        kind=ReliefKind.SIJS_PETITION,
        status=ReliefStatus.CONSIDERING,
        details="Demo: the I-360 must be filed before her 21st birthday.",
    )
