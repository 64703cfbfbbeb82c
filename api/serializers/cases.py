"""Cases and their sections.

A section the caller may not read is absent from the representation, not null. Which sections are
readable is the access layer's answer (`CaseAccess.readable`, `readable_sections_by_case`), handed
in as serializer context; the serializers never decide it.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import StrictCharField, StrictModelSerializer, UTCDateTimeField
from casework.models import (
    AgeBand,
    Case,
    HealthSection,
    IdentitySection,
    ImmigrationSection,
    InvestigationSection,
    LegalSection,
    LocationSection,
    ServicesSection,
    section_fields,
)
from casework.sections import DATA_SECTIONS, Section
from casework.services.cases import AGE_BAND_CHOICES, PSEUDONYM_MAX_LENGTH, STATUS_CHOICES
from relief.selectors import LEGACY_IMMIGRATION_FIELDS

READABLE_SECTIONS = "readable_sections"
READABLE_SECTIONS_BY_CASE = "readable_sections_by_case"
# API.md's relief fields of `immigration`, as `relief.selectors.legacy_immigration_fields` tells them.
LEGACY_IMMIGRATION = "legacy_immigration"
LEGACY_IMMIGRATION_WRITE = _("Relief is recorded as relief records now: use /api/v1/cases/{id}/relief/.")


def _section_serializer(model: type[Any], section: str) -> type[StrictModelSerializer]:
    fields = section_fields(section)
    meta = type(
        "Meta",
        (),
        {"model": model, "fields": fields, "extra_kwargs": {f: {"required": False} for f in fields}},
    )
    name = f"{section.title()}Section"
    return type(
        name, (StrictModelSerializer,), {"Meta": meta, "__doc__": f"The `{section}` section of a case."}
    )


class ImmigrationSectionSerializer(StrictModelSerializer):
    """The `immigration` section. The relief fields API.md names are read-only now, told by the
    case's relief records (`/api/v1/cases/{id}/relief/`), which replaced their free text."""

    immigration_status = serializers.SerializerMethodField(
        help_text="Each relief pathway's latest step and its status, in one line."
    )
    sijs_candidate = serializers.SerializerMethodField(help_text="An SIJS step is open or granted.")
    t_visa_status = serializers.SerializerMethodField(help_text="The latest T visa step's status, or empty.")
    u_visa_status = serializers.SerializerMethodField(help_text="The latest U visa step's status, or empty.")
    continued_presence_until = serializers.SerializerMethodField(
        help_text="When a granted Continued Presence ends, or null."
    )

    class Meta:
        model = ImmigrationSection
        fields = (*section_fields(Section.IMMIGRATION), *LEGACY_IMMIGRATION_FIELDS)
        extra_kwargs = {name: {"required": False} for name in section_fields(Section.IMMIGRATION)}

    def _told(self, name: str) -> Any:
        return self.context[LEGACY_IMMIGRATION][name]

    @extend_schema_field(serializers.CharField())
    def get_immigration_status(self, section: ImmigrationSection) -> str:
        return str(self._told("immigration_status"))

    @extend_schema_field(serializers.BooleanField())
    def get_sijs_candidate(self, section: ImmigrationSection) -> bool:
        return bool(self._told("sijs_candidate"))

    @extend_schema_field(serializers.CharField())
    def get_t_visa_status(self, section: ImmigrationSection) -> str:
        return str(self._told("t_visa_status"))

    @extend_schema_field(serializers.CharField())
    def get_u_visa_status(self, section: ImmigrationSection) -> str:
        return str(self._told("u_visa_status"))

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_continued_presence_until(self, section: ImmigrationSection) -> str | None:
        until = self._told("continued_presence_until")
        return until.isoformat() if until is not None else None

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            written = sorted(set(data) & set(LEGACY_IMMIGRATION_FIELDS))
            if written:
                raise serializers.ValidationError({name: [LEGACY_IMMIGRATION_WRITE] for name in written})
        return super().to_internal_value(data)


SECTION_SERIALIZERS: dict[str, type[StrictModelSerializer]] = {
    Section.IDENTITY: _section_serializer(IdentitySection, Section.IDENTITY),
    Section.LOCATION: _section_serializer(LocationSection, Section.LOCATION),
    Section.IMMIGRATION: ImmigrationSectionSerializer,
    Section.INVESTIGATION: _section_serializer(InvestigationSection, Section.INVESTIGATION),
    Section.HEALTH: _section_serializer(HealthSection, Section.HEALTH),
    Section.SERVICES: _section_serializer(ServicesSection, Section.SERVICES),
    Section.LEGAL: _section_serializer(LegalSection, Section.LEGAL),
}


def ordered_sections(sections: frozenset[str]) -> list[str]:
    return [section for section in Section.values if section in sections]


class CaseSummarySerializer(StrictModelSerializer):
    """A case as lists show it: core fields and the names of the sections the caller may read,
    never section content."""

    lead_agency = serializers.IntegerField(source="lead_agency_id", read_only=True)
    visible_sections = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField(
        help_text=(
            "The version of what you may read (the ETag); edits of sections you cannot read do not change it."
        )
    )
    updated_at = serializers.SerializerMethodField(help_text="When what you may read last changed.")

    class Meta:
        model = Case
        fields: tuple[str, ...] = (
            "id",
            "number",
            "pseudonym",
            "status",
            "trafficking_status",
            "trafficking_status_changed_at",
            "age_band",
            "lead_agency",
            "version",
            "visible_sections",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def _readable(self, case: Case) -> frozenset[str]:
        if READABLE_SECTIONS in self.context:
            readable: frozenset[str] = self.context[READABLE_SECTIONS]
            return readable
        by_case: dict[Any, frozenset[str]] = self.context[READABLE_SECTIONS_BY_CASE]
        return by_case[case.pk]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Section.choices)))
    def get_visible_sections(self, case: Case) -> list[str]:
        return ordered_sections(self._readable(case))

    @extend_schema_field(serializers.IntegerField())
    def get_version(self, case: Case) -> int:
        return case.version_for(self._readable(case))

    @extend_schema_field(serializers.DateTimeField())
    def get_updated_at(self, case: Case) -> str:
        return str(UTCDateTimeField().to_representation(case.updated_at_for(self._readable(case))))


class CaseSectionsSerializer(serializers.Serializer):
    """One optional object per data section. In a response a section is present only when the
    caller may read it; in a request, only the sections given are written."""

    identity = SECTION_SERIALIZERS[Section.IDENTITY](required=False)
    location = SECTION_SERIALIZERS[Section.LOCATION](required=False)
    immigration = SECTION_SERIALIZERS[Section.IMMIGRATION](required=False)
    investigation = SECTION_SERIALIZERS[Section.INVESTIGATION](required=False)
    health = SECTION_SERIALIZERS[Section.HEALTH](required=False)
    services = SECTION_SERIALIZERS[Section.SERVICES](required=False)
    legal = SECTION_SERIALIZERS[Section.LEGAL](required=False)


class CaseDetailSerializer(CaseSectionsSerializer, CaseSummarySerializer):
    """A case with the content of every section the caller may read. Sections the caller may not
    read are left out of the response entirely."""

    class Meta(CaseSummarySerializer.Meta):
        fields = (*CaseSummarySerializer.Meta.fields, *DATA_SECTIONS)
        read_only_fields = CaseSummarySerializer.Meta.fields

    def to_representation(self, instance: Case) -> dict[str, Any]:
        readable: frozenset[str] = self.context[READABLE_SECTIONS]
        data = dict(CaseSummarySerializer(instance, context=self.context).data)
        # Only readable sections are touched, so an unreadable one is never even loaded.
        for section in DATA_SECTIONS:
            if section in readable:
                data[section] = self.fields[section].to_representation(getattr(instance, section))
        return data


class CaseCreateSerializer(CaseSectionsSerializer):
    """Open a case. The caller's agency becomes its lead; sections in the body must be ones the
    lead agency stewards (403 otherwise)."""

    pseudonym = StrictCharField(
        max_length=PSEUDONYM_MAX_LENGTH, help_text="Initials or a pseudonym, never the legal name."
    )
    age_band = serializers.ChoiceField(choices=AGE_BAND_CHOICES, default=AgeBand.UNKNOWN)


class CaseUpdateSerializer(CaseSectionsSerializer):
    """Change core fields (lead agency only) and sections the caller's agency may write. Writing
    any section the agency may not write is 403 and changes nothing."""

    pseudonym = StrictCharField(max_length=PSEUDONYM_MAX_LENGTH, required=False)
    age_band = serializers.ChoiceField(choices=AGE_BAND_CHOICES, required=False)
    status = serializers.ChoiceField(choices=STATUS_CHOICES, required=False)


def split_case_input(validated: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Core field values and section values from a validated create or update body."""
    sections = {name: dict(values) for name, values in validated.items() if name in DATA_SECTIONS}
    core = {name: value for name, value in validated.items() if name not in DATA_SECTIONS}
    return core, sections
