"""Documents (`/api/v1/cases/{id}/documents/`): metadata and versions; files go in as multipart
and come out through the download endpoints only."""

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import StrictCharField, StrictModelSerializer
from documents.models import AttachedKind, Document, DocumentType, DocumentVersion
from documents.services import DOCUMENT_SECTION_CHOICES, TITLE_MAX_LENGTH


class DocumentVersionSerializer(StrictModelSerializer):
    uploaded_by = serializers.IntegerField(source="uploaded_by_id", read_only=True, allow_null=True)
    filename = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = DocumentVersion
        fields = ("number", "filename", "size", "content_type", "sha256", "uploaded_by", "uploaded_at")
        read_only_fields = fields


class DocumentSerializer(StrictModelSerializer):
    document_type: serializers.SlugRelatedField[DocumentType] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)
    attached_kind = serializers.SerializerMethodField(help_text="The kind of record it belongs to, if any.")
    attached_id = serializers.UUIDField(read_only=True, allow_null=True)
    versions = DocumentVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = (
            "id",
            "section",
            "document_type",
            "title",
            "attached_kind",
            "attached_id",
            "latest_version",
            "versions",
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=AttachedKind.choices, allow_null=True))
    def get_attached_kind(self, document: Document) -> str | None:
        return document.attached_kind or None


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A PDF or image; its type is read from its content.")
    document_type: serializers.SlugRelatedField[DocumentType] = serializers.SlugRelatedField(
        slug_field="key", queryset=DocumentType.objects.filter(active=True)
    )
    title = StrictCharField(max_length=TITLE_MAX_LENGTH)
    section = serializers.ChoiceField(
        choices=DOCUMENT_SECTION_CHOICES,
        required=False,
        help_text="The section that protects the document; leave out when it is attached to a record.",
    )
    attached_kind = serializers.ChoiceField(
        choices=AttachedKind.choices,
        required=False,
        help_text="The kind of record the document belongs to; it then takes that record's section.",
    )
    attached_id = serializers.UUIDField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_kind, has_id = "attached_kind" in attrs, "attached_id" in attrs
        if has_kind != has_id:
            missing = "attached_id" if has_kind else "attached_kind"
            raise serializers.ValidationError(
                {missing: [gettext("Give both attached_kind and attached_id.")]}
            )
        if not has_kind and "section" not in attrs:
            raise serializers.ValidationError(
                {"section": [gettext("Give the section, or the record it belongs to.")]}
            )
        return attrs


class DocumentVersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The new version: a PDF or image; earlier versions are kept.")
