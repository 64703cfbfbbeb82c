"""Linking cases. The lead agency of a case links it to another case its user sees; a link is
audited on both cases and written to no timeline, since a timeline line would tell readers of
one case about a case they may not see."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from agencies.models import User
from audit.services import audit_record
from casework.access import Action, get_case_access
from casework.models import Case
from common.errors import Conflict, NotFound, ValidationFailed
from links.models import CaseLink, LinkKind


def _audit(*, event_type: str, actor: User, link: CaseLink) -> None:
    # The history trigger records the change against `case_a`; this puts it in `case_b`'s log too.
    audit_record(
        event_type=event_type,
        user=actor,
        object_type="case_link",
        object_id=str(link.pk),
        case_id=link.case_b_id,
        section="core",
        detail={"kind": link.kind},
    )


@transaction.atomic
def case_link_create(*, actor: User, case: Case, other_case_id: object, kind: str) -> CaseLink:
    """Link `case` to another case. The actor's agency leads `case`, and the actor sees the other
    case; one they do not see is answered exactly like one that does not exist."""
    access = get_case_access(user=actor, case_id=case.pk)
    access.require(Action.LINK_CASES)
    if kind not in LinkKind.values:
        raise ValidationFailed(
            _("Unknown kind of link."),
            fields={"kind": [_("Choose from: %(choices)s.") % {"choices": ", ".join(LinkKind.values)}]},
        )
    try:
        other = get_case_access(user=actor, case_id=other_case_id).case
    except NotFound as error:
        raise ValidationFailed(_("Unknown case."), fields={"other_case": [_("No such case.")]}) from error
    if other.pk == case.pk:
        raise ValidationFailed(
            _("A case is not linked to itself."), fields={"other_case": [_("Choose another case.")]}
        )
    case_a, case_b = sorted((case, other), key=lambda linked: linked.pk)
    try:
        with transaction.atomic():
            link = CaseLink.objects.create(
                case_a=case_a,
                case_b=case_b,
                kind=kind,
                created_by=actor,
                created_by_agency=access.agency,
            )
    except IntegrityError as error:
        raise Conflict(_("These cases are already linked this way.")) from error
    _audit(event_type="case_link.created", actor=actor, link=link)
    return link


@transaction.atomic
def case_link_delete(*, actor: User, case: Case, link: CaseLink) -> None:
    """Remove a link of `case` that the actor sees (`links.selectors.get_case_link`). The lead
    agency of either case may, each from its own case."""
    access = get_case_access(user=actor, case_id=case.pk)
    access.require(Action.LINK_CASES)
    _audit(event_type="case_link.deleted", actor=actor, link=link)
    link.delete()


def case_links_merge(
    *, surviving_case: Case, merged_case: Case, actor: User, now: datetime
) -> dict[str, int]:
    """Carry the merged case's links over to the surviving case (`casework.merge` participant),
    keeping each pair in id order. A link between the two merged cases, or one the surviving
    case already has with the same case and kind, stays where it is, as history."""
    moved = 0
    for link in CaseLink.objects.filter(Q(case_a=merged_case) | Q(case_b=merged_case)).select_for_update():
        other_id = link.other_case_id(merged_case.pk)
        if other_id == surviving_case.pk:
            continue
        case_a_id, case_b_id = sorted([surviving_case.pk, other_id])
        if CaseLink.objects.filter(case_a_id=case_a_id, case_b_id=case_b_id, kind=link.kind).exists():
            continue
        link.case_a_id, link.case_b_id = case_a_id, case_b_id
        link.save(update_fields=["case_a", "case_b"])
        moved += 1
    return {"links.caselink": moved} if moved else {}
