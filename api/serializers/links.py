"""Links between cases the caller sees both of."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import StrictUUIDField
from links.models import CaseLink, LinkKind


class LinkedCaseSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    number = serializers.CharField(read_only=True)
    pseudonym = serializers.CharField(read_only=True)


class CaseLinkSerializer(serializers.ModelSerializer):
    """A link as seen from the case in the URL (`case_id` in the context): `other_case` is the
    case at the other end."""

    other_case = serializers.SerializerMethodField()
    created_by_agency = serializers.IntegerField(source="created_by_agency_id", read_only=True)

    class Meta:
        model = CaseLink
        fields = ("id", "kind", "other_case", "created_by_agency", "created_at")
        read_only_fields = fields

    @staticmethod
    def _other(link: CaseLink, case_id: Any) -> Any:
        return link.case_b if link.case_a_id == case_id else link.case_a

    @extend_schema_field(LinkedCaseSerializer)
    def get_other_case(self, link: CaseLink) -> dict[str, Any]:
        return dict(LinkedCaseSerializer(self._other(link, self.context["case_id"])).data)


class CaseLinkCreateSerializer(serializers.Serializer):
    other_case = StrictUUIDField(help_text="The id of a case you see.")
    kind = serializers.ChoiceField(choices=LinkKind.choices)
