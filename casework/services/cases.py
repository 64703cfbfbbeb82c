"""Opening and editing cases."""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm

from agencies.models import User
from casework.access import WORK_ON_CASE, CaseAccess, get_case_access, works_on_cases
from casework.models import (
    PSEUDONYM_MAX_LENGTH,
    SECTION_MODELS,
    AgeBand,
    Case,
    CaseNumberCounter,
    CaseStatus,
    ParticipationVia,
    section_fields,
)
from casework.sections import CORE_FIELDS, DATA_SECTIONS, Section
from casework.services.sharing import participant_join
from casework.timeline import timeline_record
from common.errors import PermissionDenied, StaleVersion, ValidationFailed
from common.inputs import choice_errors, text_errors

SectionValues = Mapping[str, Mapping[str, Any]]

# Input contract of `case_open` and `case_update`'s core fields. Section fields are limited by
# their models (`full_clean`), which the API's section serializers and the page's section forms
# are built from.
PSEUDONYM_BLANK = gettext_lazy("Give initials or a pseudonym.")
AGE_BAND_CHOICES = AgeBand.choices
STATUS_CHOICES = CaseStatus.choices


IdentitySavedHook = Callable[..., None]

_identity_saved_hooks: dict[str, IdentitySavedHook] = {}


def identity_saved_hook_register(*, name: str, hook: IdentitySavedHook) -> None:
    """Let a feature app above casework (matching) follow a case's `identity` section, whichever
    page or endpoint opened the case or changed it: `hook(case=..., actor=...)` runs inside
    `case_open`'s or `case_update`'s transaction after the identity row is saved. Called from
    `AppConfig.ready`; the same name again replaces it."""
    _identity_saved_hooks[name] = hook


def _identity_saved(*, case: Case, actor: User, changed_sections: Mapping[str, list[str]]) -> None:
    if Section.IDENTITY in changed_sections:
        for hook in _identity_saved_hooks.values():
            hook(case=case, actor=actor)


def _next_case_number() -> str:
    year = timezone.localdate().year
    counter = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {counter} (year, last) VALUES (%s, 1) "  # noqa: S608 (a table name from the model)
            f"ON CONFLICT (year) DO UPDATE SET last = {counter}.last + 1 RETURNING last",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"BR-{year}-{number:06d}"


def _validate_core(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown = set(values) - set(CORE_FIELDS)
    for name in sorted(unknown):
        errors[name] = [_("Unknown field.")]
    if "pseudonym" in values and (
        problems := text_errors(values["pseudonym"], max_length=PSEUDONYM_MAX_LENGTH, blank=PSEUDONYM_BLANK)
    ):
        errors["pseudonym"] = problems
    if "age_band" in values and (problems := choice_errors(values["age_band"], AgeBand.values)):
        errors["age_band"] = problems
    if "status" in values and (problems := choice_errors(values["status"], CaseStatus.values)):
        errors["status"] = problems
    return errors


STATUS_CHANGES_THROUGH_CLOSURE = gettext_lazy(
    "A case is closed through a closing request its lead agency's supervisor approves, and reopened "
    "by its lead agency with a reason; its status is not edited."
)


def _check_section_names(sections: SectionValues) -> None:
    unknown = sorted(set(sections) - set(DATA_SECTIONS))
    if unknown:
        raise ValidationFailed(
            _("Unknown section."), fields={name: [_("Unknown section.")] for name in unknown}
        )


def _require_writable(access: CaseAccess, sections: SectionValues, *, core: bool) -> None:
    denied = sorted(name for name in sections if not access.may_write(name))
    if core and not access.may_write(Section.CORE):
        denied.insert(0, Section.CORE)
    if denied:
        raise PermissionDenied(
            _("Your agency may not write: %(sections)s.") % {"sections": ", ".join(denied)}
        )


def _apply_sections(*, case: Case, sections: SectionValues) -> dict[str, list[str]]:
    """Validate and save section values. Returns the changed field names per section; raises
    `ValidationFailed` with `section.field` keys before saving anything if any value is bad."""
    errors: dict[str, list[str]] = {}
    pending = []
    changed: dict[str, list[str]] = {}
    for name, values in sections.items():
        if not isinstance(values, Mapping):
            errors[name] = [_("Expected an object of fields.")]
            continue
        allowed = section_fields(name)
        for field in sorted(set(values) - set(allowed)):
            errors[f"{name}.{field}"] = [_("Unknown field.")]
        row = SECTION_MODELS[name]._default_manager.select_for_update().get(case=case)
        before = {field: getattr(row, field) for field in allowed}
        for field in allowed:
            if field in values:
                setattr(row, field, values[field])
        try:
            row.full_clean(exclude=["case"], validate_unique=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"{name}.{field}"] = list(messages)
            continue
        fields_changed = [field for field in allowed if getattr(row, field) != before[field]]
        if fields_changed:
            pending.append((row, fields_changed))
            changed[name] = fields_changed
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    for row, fields_changed in pending:
        row.save(update_fields=fields_changed)
    return changed


@transaction.atomic
def case_open(
    *,
    actor: User,
    pseudonym: str,
    age_band: str = AgeBand.UNKNOWN,
    sections: SectionValues | None = None,
) -> Case:
    """Open a case led by the actor's agency, put the actor on its team and save any sections
    the lead agency stewards."""
    if not works_on_cases(actor):
        raise PermissionDenied(_("Only caseworkers, liaisons and supervisors open cases."))
    assert actor.agency is not None
    sections = sections or {}
    _check_section_names(sections)
    errors = _validate_core({"pseudonym": pseudonym, "age_band": age_band})
    if errors:
        raise ValidationFailed(_("The case could not be opened."), fields=errors)
    case = Case.objects.create(
        number=_next_case_number(),
        pseudonym=pseudonym.strip(),
        age_band=age_band,
        lead_agency=actor.agency,
        created_by=actor,
    )
    for model in SECTION_MODELS.values():
        model._default_manager.create(case=case)
    timeline_record(
        case=case, kind="case_opened", summary=f"Case opened by {actor.agency.name}.", actor=actor
    )
    participant_join(case=case, agency=actor.agency, via=ParticipationVia.OPENED, actor=actor)
    assign_perm(f"casework.{WORK_ON_CASE}", actor, case)
    if sections:
        access = get_case_access(user=actor, case_id=case.pk)
        _require_writable(access, sections, core=False)
        changed_sections = _apply_sections(case=case, sections=sections)
        for name, fields in changed_sections.items():
            timeline_record(
                case=case,
                kind="section_updated",
                summary=f"{name.title()} recorded ({', '.join(fields)}).",
                actor=actor,
                section=name,
            )
        _identity_saved(case=case, actor=actor, changed_sections=changed_sections)
    return case


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    core: Mapping[str, Any] | None = None,
    sections: SectionValues | None = None,
) -> Case:
    """Apply an edit made against `expected_version`, the version of what the actor reads
    (`Case.version_for`); a stale version raises `StaleVersion` and changes nothing."""
    core = core or {}
    sections = sections or {}
    access = get_case_access(user=actor, case_id=case.pk, lock=True)
    access.require_open()
    case = access.case
    _check_section_names(sections)
    _require_writable(access, sections, core=bool(core))
    if access.version != expected_version:
        raise StaleVersion()
    errors = _validate_core(core)
    if "status" in core and not errors.get("status") and core["status"] != case.status:
        errors["status"] = [str(STATUS_CHANGES_THROUGH_CLOSURE)]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    changed_core = [
        name for name in CORE_FIELDS if name in core and getattr(case, name) != _clean_core(name, core[name])
    ]
    for name in changed_core:
        setattr(case, name, _clean_core(name, core[name]))
    changed_sections = _apply_sections(case=case, sections=sections)
    if not changed_core and not changed_sections:
        return case
    if changed_core:
        case.version += 1
        case.save(update_fields=[*changed_core, "version", "updated_at"])
    if changed_sections:
        now = timezone.now()
        for name in changed_sections:
            case.record_section_change(name, at=now)
        case.save(update_fields=["section_changes"])
    if changed_core:
        timeline_record(
            case=case,
            kind="case_updated",
            summary=f"Case details changed ({', '.join(changed_core)}).",
            actor=actor,
            data={"fields": changed_core},
        )
    for name, fields in changed_sections.items():
        timeline_record(
            case=case,
            kind="section_updated",
            summary=f"{name.title()} updated ({', '.join(fields)}).",
            actor=actor,
            section=name,
            data={"fields": fields},
        )
    _identity_saved(case=case, actor=actor, changed_sections=changed_sections)
    return case


def _clean_core(name: str, value: Any) -> Any:
    return value.strip() if name == "pseudonym" else value
