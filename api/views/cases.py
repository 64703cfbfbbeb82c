"""Cases, and what hangs off one: participants, grants, consents, notes and the timeline."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet, prefetch_related_objects
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import BridgeAPIView, CaseNestedAPIView
from api.concurrency import ETAG_HEADER, IF_MATCH_HEADER, etag_for, expected_version
from api.filters import CaseFilter, NoteFilter
from api.serializers.cases import (
    LEGACY_IMMIGRATION,
    READABLE_SECTIONS,
    READABLE_SECTIONS_BY_CASE,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseSummarySerializer,
    CaseUpdateSerializer,
    split_case_input,
)
from api.serializers.sharing import (
    CAPACITIES_RULED_OUT,
    ConsentCreateSerializer,
    ConsentSerializer,
    GrantCreateSerializer,
    GrantSerializer,
    ParticipantInviteSerializer,
    ParticipantSerializer,
)
from api.serializers.work import (
    CaseEventCorrectSerializer,
    CaseEventCreateSerializer,
    CaseEventSerializer,
    CaseEventVoidSerializer,
    NoteCreateSerializer,
    NoteSerializer,
    TimelineEventSerializer,
)
from audit.services import audit_case_read, audit_cases_found_by_name
from casework.access import (
    Action,
    CaseAccess,
    case_with_readable_sections,
    cases_visible_to,
    consent_capacities_ruled_out,
    consents_visible,
    get_case_access,
    grants_visible,
    notes_visible,
    participants_visible,
    readable_sections_by_case,
    timeline_visible,
)
from casework.models import Case, CaseEvent, CaseParticipant, Consent, Note, SectionGrant, TimelineEvent
from casework.sections import Section
from casework.selectors import case_events_for, event_tasks_prefetch
from casework.services.cases import case_open, case_update
from casework.services.events import case_event_correct, case_event_record, case_event_void
from casework.services.notes import note_add
from casework.services.sharing import (
    consent_record,
    consent_revoke,
    grant_create,
    grant_revoke,
    participant_invite,
)
from common.errors import ValidationFailed
from relief.selectors import legacy_immigration_fields


def case_detail_response(access: CaseAccess, *, status_code: int = status.HTTP_200_OK) -> Response:
    case = case_with_readable_sections(access=access)
    context: dict[str, Any] = {READABLE_SECTIONS: access.readable}
    if access.may_read(Section.IMMIGRATION):
        context[LEGACY_IMMIGRATION] = legacy_immigration_fields(access=access)
    data = CaseDetailSerializer(case, context=context).data
    audit_case_read(access=access, sections=access.readable, view="detail")
    return Response(data, status=status_code, headers={"ETag": etag_for(case.version_for(access.readable))})


class CaseListCreateView(BridgeAPIView):
    """Cases the caller may see, newest first. Lists carry core fields and the names of the
    sections the caller may read, never section content: open a case for that. Cases `q` found by
    the child's name or an alias are recorded as reads of their `identity`."""

    model = Case
    ordering = ("-created_at", "-id")
    filterset_class = CaseFilter

    def scoped_queryset(self) -> QuerySet[Case]:
        return cases_visible_to(user=self.actor)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        audit_cases_found_by_name(
            user=self.actor, cases=[case for case in page if getattr(case, "found_by_name", False)]
        )
        return {
            READABLE_SECTIONS_BY_CASE: readable_sections_by_case(
                user=self.actor, case_ids=[c.pk for c in page]
            )
        }

    @extend_schema(responses={200: CaseSummarySerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), CaseSummarySerializer)

    @extend_schema(
        request=CaseCreateSerializer, responses={201: CaseDetailSerializer}, parameters=[ETAG_HEADER]
    )
    def post(self, request: Request) -> Response:
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        core, sections = split_case_input(serializer.validated_data)
        case = case_open(actor=self.actor, sections=sections, **core)
        access = get_case_access(user=self.actor, case_id=case.pk)
        return case_detail_response(access, status_code=status.HTTP_201_CREATED)


class CaseDetailView(CaseNestedAPIView):
    """One case with every section the caller may read; the others are absent."""

    @extend_schema(responses={200: CaseDetailSerializer}, parameters=[ETAG_HEADER])
    def get(self, request: Request, case_id: UUID) -> Response:
        return case_detail_response(self.case_access)

    @extend_schema(
        request=CaseUpdateSerializer,
        responses={200: CaseDetailSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
    )
    def patch(self, request: Request, case_id: UUID) -> Response:
        access = self.case_access
        version = expected_version(request)
        serializer = CaseUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        core, sections = split_case_input(serializer.validated_data)
        case_update(
            actor=self.actor, case=access.case, expected_version=version, core=core, sections=sections
        )
        return case_detail_response(access)


class ParticipantsView(CaseNestedAPIView):
    """The agencies taking part in the case. A liaison or supervisor of the lead agency invites
    another agency, which joins with its default grants."""

    model = CaseParticipant
    ordering = ("joined_at", "id")

    def scoped_queryset(self) -> QuerySet[CaseParticipant]:
        return participants_visible(access=self.case_access)

    @extend_schema(responses={200: ParticipantSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), ParticipantSerializer)

    @extend_schema(request=ParticipantInviteSerializer, responses={201: ParticipantSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        serializer = ParticipantInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        participant = participant_invite(
            actor=self.actor, case=self.case_access.case, agency=serializer.validated_data["agency"]
        )
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class GrantsView(CaseNestedAPIView):
    """Section grants on the case, for liaisons and supervisors of an agency that stewards a
    section here; each sees the grants of the sections its agency stewards."""

    model = SectionGrant
    ordering = ("created_at", "id")

    def scoped_queryset(self) -> QuerySet[SectionGrant]:
        access = self.case_access
        access.require(Action.VIEW_GRANTS)
        return grants_visible(access=access)

    @extend_schema(responses={200: GrantSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), GrantSerializer)

    @extend_schema(request=GrantCreateSerializer, responses={201: GrantSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        access = self.case_access
        serializer = GrantCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        consent = None
        if data.get("consent") is not None:
            consent = consents_visible(access=access).filter(pk=data["consent"]).first()
            if consent is None:
                raise ValidationFailed(
                    gettext("Unknown consent."),
                    fields={"consent": [gettext("No consent with this id on this case.")]},
                )
        grant = grant_create(
            actor=self.actor,
            case=access.case,
            agency=data["agency"],
            section=data["section"],
            consent=consent,
            expires_at=data.get("expires_at"),
        )
        return Response(GrantSerializer(grant).data, status=status.HTTP_201_CREATED)


class GrantDetailView(CaseNestedAPIView):
    model = SectionGrant
    lookup_url_kwarg = "grant_id"

    def scoped_queryset(self) -> QuerySet[SectionGrant]:
        access = self.case_access
        access.require(Action.VIEW_GRANTS)
        return grants_visible(access=access)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, case_id: UUID, grant_id: UUID) -> Response:
        grant_revoke(actor=self.actor, grant=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def consent_steward(access: CaseAccess) -> CaseAccess:
    """The access of an agency that stewards a consent-based section here, or 403: consents are
    theirs to record, read and revoke."""
    access.require(Action.HANDLE_CONSENTS)
    return access


def consent_context(access: CaseAccess) -> dict[str, Any]:
    return {CAPACITIES_RULED_OUT: consent_capacities_ruled_out(case=access.case)}


class ConsentsView(CaseNestedAPIView):
    """Recorded consents, for agencies that steward a consent-based section on the case. A consent
    signed in a capacity that may be held by a suspected exploiter is flagged
    (`signer_may_not_consent`) and cannot ground a grant."""

    model = Consent
    ordering = ("-created_at", "-id")

    def scoped_queryset(self) -> QuerySet[Consent]:
        return consents_visible(access=consent_steward(self.case_access))

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        return consent_context(self.case_access)

    @extend_schema(responses={200: ConsentSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), ConsentSerializer)

    @extend_schema(request=ConsentCreateSerializer, responses={201: ConsentSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        access = consent_steward(self.case_access)
        serializer = ConsentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = consent_record(actor=self.actor, case=access.case, **serializer.validated_data)
        return Response(
            ConsentSerializer(consent, context=consent_context(access)).data, status=status.HTTP_201_CREATED
        )


class ConsentRevokeView(CaseNestedAPIView):
    """Revoke a consent; every grant resting on it ends at once."""

    model = Consent
    lookup_url_kwarg = "consent_id"

    def scoped_queryset(self) -> QuerySet[Consent]:
        return consents_visible(access=consent_steward(self.case_access))

    @extend_schema(request=None, responses={200: ConsentSerializer})
    def post(self, request: Request, case_id: UUID, consent_id: UUID) -> Response:
        consent = consent_revoke(actor=self.actor, consent=self.get_object())
        return Response(ConsentSerializer(consent, context=consent_context(self.case_access)).data)


class NotesView(CaseNestedAPIView):
    """Notes in the sections the caller's agency may read, newest first."""

    model = Note
    ordering = ("-created_at", "-id")
    filterset_class = NoteFilter

    def scoped_queryset(self) -> QuerySet[Note]:
        return notes_visible(access=self.case_access).select_related("author")

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        # Computed once per page served: the moment the notes' sections are read.
        audit_case_read(access=self.case_access, sections={note.section for note in page}, view="notes")
        return {}

    @extend_schema(responses={200: NoteSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), NoteSerializer)

    @extend_schema(request=NoteCreateSerializer, responses={201: NoteSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        serializer = NoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = note_add(actor=self.actor, case=self.case_access.case, **serializer.validated_data)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class TimelineView(CaseNestedAPIView):
    """What happened on the case, newest first, limited to the caller's sections and to the
    entries meant for the caller's agency."""

    model = TimelineEvent
    ordering = ("-occurred_at", "-id")

    def scoped_queryset(self) -> QuerySet[TimelineEvent]:
        return timeline_visible(access=self.case_access).select_related("actor")

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        # Computed once per page served: the moment the entries' sections are read.
        audit_case_read(access=self.case_access, sections={entry.section for entry in page}, view="timeline")
        return {}

    @extend_schema(responses={200: TimelineEventSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), TimelineEventSerializer)


class CaseEventsView(CaseNestedAPIView):
    """Facts recorded on the case that start statutory clocks, newest first, in the sections the
    caller reads. Recording one creates the tasks its active deadline templates call for; the
    response lists them."""

    model = CaseEvent
    ordering = ("-occurred_at", "-id")
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[CaseEvent]:
        return case_events_for(access=self.case_access)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        # Computed once per page served: the moment the events' sections are read.
        audit_case_read(access=self.case_access, sections={event.section for event in page}, view="events")
        return {}

    @extend_schema(responses={200: CaseEventSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), CaseEventSerializer)

    @extend_schema(request=CaseEventCreateSerializer, responses={201: CaseEventSerializer})
    def post(self, request: Request, case_id: UUID) -> Response:
        serializer = CaseEventCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        recorded = case_event_record(
            actor=self.actor,
            case=self.case_access.case,
            event_type=data["type"],
            occurred_at=data["occurred_at"],
            details=data["details"],
        )
        # The recorder sees what it recorded, whichever section the event belongs to: it is the
        # caller's own input. Of the tasks it started, only those in sections the recorder reads:
        # who must act on an immigration deadline is immigration's business.
        prefetch_related_objects([recorded.event], event_tasks_prefetch(access=self.case_access))
        return Response(CaseEventSerializer(recorded.event).data, status=status.HTTP_201_CREATED)


class CaseEventCorrectView(CaseNestedAPIView):
    """Correct when a wrongly recorded event happened, or a court hearing's time, with a reason.
    The open tasks it started are due again from the corrected times; done tasks stay done. Only
    the agency that recorded it: its liaison or supervisor, or the person who recorded it."""

    @extend_schema(request=CaseEventCorrectSerializer, responses={200: CaseEventSerializer})
    def post(self, request: Request, case_id: UUID, event_id: UUID) -> Response:
        serializer = CaseEventCorrectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        corrected = case_event_correct(
            actor=self.actor,
            case=self.case_access.case,
            event_id=event_id,
            reason=data["reason"],
            occurred_at=data.get("occurred_at"),
            hearing_at=data.get("hearing_at"),
        )
        prefetch_related_objects([corrected.event], event_tasks_prefetch(access=self.case_access))
        return Response(CaseEventSerializer(corrected.event).data)


class CaseEventVoidView(CaseNestedAPIView):
    """Void an event recorded by mistake, with a reason: it stays, marked voided, and the open
    tasks it started are cancelled with that reason (never deleted); done tasks stay done."""

    @extend_schema(request=CaseEventVoidSerializer, responses={200: CaseEventSerializer})
    def post(self, request: Request, case_id: UUID, event_id: UUID) -> Response:
        serializer = CaseEventVoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        voided = case_event_void(
            actor=self.actor,
            case=self.case_access.case,
            event_id=event_id,
            reason=serializer.validated_data["reason"],
        )
        prefetch_related_objects([voided.event], event_tasks_prefetch(access=self.case_access))
        return Response(CaseEventSerializer(voided.event).data)
