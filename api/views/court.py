"""Court records of a case. Dependency hearings (`core`): every participant reads them, the lead
agency writes them. The criminal case and everything under it (`investigation`): a reader without
investigation gets an empty list and 404 for any one record, exactly as for a case without a
criminal case; writers are those `Action.WRITE_CRIMINAL_CASE` allows (403 with its words)."""

from collections.abc import Callable
from typing import Any, ClassVar
from uuid import UUID

from django.db.models import Model, QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import CaseNestedAPIView
from api.concurrency import ETAG_HEADER, IF_MATCH_HEADER, etag_for, expected_version
from api.serializers import court as court_serializers
from audit.services import audit_case_read
from casework.access import CaseAccess
from casework.sections import Section
from common.errors import ValidationFailed
from court import selectors
from court.models import (
    Charge,
    CriminalCase,
    CriminalProceeding,
    CustodyEvent,
    Defendant,
    DependencyHearing,
    RestitutionOrder,
    RestitutionPayment,
)
from court.services import (
    charge_add,
    criminal_access,
    criminal_case_open,
    criminal_case_update,
    custody_event_record,
    defendant_add,
    defendant_sentence,
    dependency_hearing_schedule,
    dependency_hearing_update,
    proceeding_schedule,
    restitution_order_add,
    restitution_payment_add,
)


def _versioned(data: Any, version: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(data, status=status_code, headers={"ETag": etag_for(version)})


class DependencyHearingsView(CaseNestedAPIView):
    """The case's dependency-court hearings, soonest first. Scheduling one reminds the agencies
    taking part (the court hearing templates) and tells each agency's liaisons."""

    model = DependencyHearing
    ordering = ("scheduled_at", "id")

    def scoped_queryset(self) -> QuerySet[DependencyHearing]:
        return selectors.dependency_hearings_for(access=self.case_access)

    @extend_schema(responses={200: court_serializers.DependencyHearingSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), court_serializers.DependencyHearingSerializer)

    @extend_schema(
        request=court_serializers.DependencyHearingCreateSerializer,
        responses={201: court_serializers.DependencyHearingSerializer},
    )
    def post(self, request: Request, case_id: UUID) -> Response:
        serializer = court_serializers.DependencyHearingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hearing = dependency_hearing_schedule(
            actor=self.actor, case=self.case_access.case, **serializer.validated_data
        )
        data = court_serializers.DependencyHearingSerializer(hearing).data
        return _versioned(data, hearing.version, status_code=status.HTTP_201_CREATED)


class DependencyHearingDetailView(CaseNestedAPIView):
    model = DependencyHearing
    lookup_url_kwarg = "hearing_id"

    def scoped_queryset(self) -> QuerySet[DependencyHearing]:
        return selectors.dependency_hearings_for(access=self.case_access)

    @extend_schema(responses={200: court_serializers.DependencyHearingSerializer}, parameters=[ETAG_HEADER])
    def get(self, request: Request, case_id: UUID, hearing_id: UUID) -> Response:
        hearing = self.get_object()
        return _versioned(court_serializers.DependencyHearingSerializer(hearing).data, hearing.version)

    @extend_schema(
        request=court_serializers.DependencyHearingUpdateSerializer,
        responses={200: court_serializers.DependencyHearingSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
    )
    def patch(self, request: Request, case_id: UUID, hearing_id: UUID) -> Response:
        hearing = self.get_object()
        version = expected_version(request)
        serializer = court_serializers.DependencyHearingUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        hearing = dependency_hearing_update(
            actor=self.actor, hearing=hearing, expected_version=version, **serializer.validated_data
        )
        return _versioned(court_serializers.DependencyHearingSerializer(hearing).data, hearing.version)


class _InvestigationRecords(CaseNestedAPIView):
    """A list of one kind of criminal-case record, and adding one to a parent named in the body
    (a parent not on this case is a 400 on that field, for a reader of investigation)."""

    ordering = ("created_at", "id")
    selector: ClassVar[Callable[..., QuerySet[Any]]]
    output: ClassVar[type[serializers.Serializer]]
    create_input: ClassVar[type[serializers.Serializer]]
    parent_field: ClassVar[str]
    parent_selector: ClassVar[Callable[..., QuerySet[Any]]]
    view_name: ClassVar[str]

    def scoped_queryset(self) -> QuerySet[Any]:
        return type(self).selector(access=self.case_access)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        audit_case_read(
            access=self.case_access, sections={Section.INVESTIGATION} if page else set(), view=self.view_name
        )
        return {}

    def parent(self, access: CaseAccess, parent_id: UUID) -> Model:
        found = type(self).parent_selector(access=access).filter(pk=parent_id).first()
        if found is None:
            raise ValidationFailed(
                gettext("The record could not be saved."),
                fields={self.parent_field: [gettext("Not found on this case.")]},
            )
        return found

    def create(self, values: dict[str, Any]) -> Model:
        """The service call that records one row from the validated input; each subclass names it."""
        raise NotImplementedError(f"{type(self).__name__} must implement create().")

    def created(self, access: CaseAccess, record: Model) -> Model:
        """The new record as the list shows it."""
        return record

    def list_records(self) -> Response:
        return self.list_response(self.get_queryset(), type(self).output)

    def create_record(self, request: Request) -> Response:
        access = criminal_access(actor=self.actor, case_id=self.case_access.case.pk, write=True)
        serializer = type(self).create_input(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values[self.parent_field] = self.parent(access, values[self.parent_field])
        record = self.created(access, self.create(values))
        return Response(type(self).output(record).data, status=status.HTTP_201_CREATED)


class CriminalCasesView(CaseNestedAPIView):
    """The prosecutions of the child's exploiter(s), for readers of investigation."""

    model = CriminalCase
    ordering = ("created_at", "id")

    def scoped_queryset(self) -> QuerySet[CriminalCase]:
        return selectors.criminal_cases_for(access=self.case_access)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        audit_case_read(
            access=self.case_access,
            sections={Section.INVESTIGATION} if page else set(),
            view="criminal_cases",
        )
        return {}

    @extend_schema(responses={200: court_serializers.CriminalCaseSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_response(self.get_queryset(), court_serializers.CriminalCaseSerializer)

    @extend_schema(
        request=court_serializers.CriminalCaseCreateSerializer,
        responses={201: court_serializers.CriminalCaseSerializer},
    )
    def post(self, request: Request, case_id: UUID) -> Response:
        criminal_access(actor=self.actor, case_id=self.case_access.case.pk, write=True)
        serializer = court_serializers.CriminalCaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = criminal_case_open(actor=self.actor, case=self.case_access.case, **serializer.validated_data)
        data = court_serializers.CriminalCaseSerializer(record).data
        return _versioned(data, record.version, status_code=status.HTTP_201_CREATED)


class CriminalCaseDetailView(CaseNestedAPIView):
    model = CriminalCase
    lookup_url_kwarg = "criminal_case_id"

    def scoped_queryset(self) -> QuerySet[CriminalCase]:
        return selectors.criminal_cases_for(access=self.case_access)

    @extend_schema(responses={200: court_serializers.CriminalCaseSerializer}, parameters=[ETAG_HEADER])
    def get(self, request: Request, case_id: UUID, criminal_case_id: UUID) -> Response:
        record = self.get_object()
        audit_case_read(access=self.case_access, sections={Section.INVESTIGATION}, view="criminal_cases")
        return _versioned(court_serializers.CriminalCaseSerializer(record).data, record.version)

    @extend_schema(
        request=court_serializers.CriminalCaseUpdateSerializer,
        responses={200: court_serializers.CriminalCaseSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
    )
    def patch(self, request: Request, case_id: UUID, criminal_case_id: UUID) -> Response:
        record = self.get_object()
        criminal_access(actor=self.actor, case_id=self.case_access.case.pk, write=True)
        version = expected_version(request)
        serializer = court_serializers.CriminalCaseUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        record = criminal_case_update(
            actor=self.actor, criminal_case=record, expected_version=version, **serializer.validated_data
        )
        return _versioned(court_serializers.CriminalCaseSerializer(record).data, record.version)


class DefendantsView(_InvestigationRecords):
    model = Defendant
    selector = selectors.defendants_for
    output = court_serializers.DefendantSerializer
    create_input = court_serializers.DefendantCreateSerializer
    parent_field = "criminal_case"
    parent_selector = selectors.criminal_cases_for
    view_name = "defendants"

    def create(self, values: dict[str, Any]) -> Model:
        return defendant_add(actor=self.actor, **values)

    @extend_schema(responses={200: court_serializers.DefendantSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_records()

    @extend_schema(
        request=court_serializers.DefendantCreateSerializer,
        responses={201: court_serializers.DefendantSerializer},
    )
    def post(self, request: Request, case_id: UUID) -> Response:
        return self.create_record(request)


class DefendantSentenceView(CaseNestedAPIView):
    """Record the sentence a defendant received."""

    model = Defendant
    lookup_url_kwarg = "defendant_id"

    def scoped_queryset(self) -> QuerySet[Defendant]:
        return selectors.defendants_for(access=self.case_access)

    @extend_schema(
        request=court_serializers.SentenceSerializer, responses={200: court_serializers.DefendantSerializer}
    )
    def post(self, request: Request, case_id: UUID, defendant_id: UUID) -> Response:
        defendant = self.get_object()
        criminal_access(actor=self.actor, case_id=self.case_access.case.pk, write=True)
        serializer = court_serializers.SentenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        defendant = defendant_sentence(actor=self.actor, defendant=defendant, **serializer.validated_data)
        return Response(court_serializers.DefendantSerializer(defendant).data)


class ChargesView(_InvestigationRecords):
    model = Charge
    selector = selectors.charges_for
    output = court_serializers.ChargeSerializer
    create_input = court_serializers.ChargeCreateSerializer
    parent_field = "defendant"
    parent_selector = selectors.defendants_for
    view_name = "charges"

    def create(self, values: dict[str, Any]) -> Model:
        return charge_add(actor=self.actor, **values)

    @extend_schema(responses={200: court_serializers.ChargeSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_records()

    @extend_schema(
        request=court_serializers.ChargeCreateSerializer, responses={201: court_serializers.ChargeSerializer}
    )
    def post(self, request: Request, case_id: UUID) -> Response:
        return self.create_record(request)


class ProceedingsView(_InvestigationRecords):
    """Proceedings of the criminal case. A public one still to come asks the victim-witness
    coordinator to notify the victim before it (18 U.S.C. 3771(a)(2))."""

    model = CriminalProceeding
    selector = selectors.proceedings_for
    output = court_serializers.ProceedingSerializer
    create_input = court_serializers.ProceedingCreateSerializer
    parent_field = "criminal_case"
    parent_selector = selectors.criminal_cases_for
    view_name = "proceedings"

    def create(self, values: dict[str, Any]) -> Model:
        return proceeding_schedule(actor=self.actor, **values)

    @extend_schema(responses={200: court_serializers.ProceedingSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_records()

    @extend_schema(
        request=court_serializers.ProceedingCreateSerializer,
        responses={201: court_serializers.ProceedingSerializer},
    )
    def post(self, request: Request, case_id: UUID) -> Response:
        return self.create_record(request)


class CustodyEventsView(_InvestigationRecords):
    """Custody changes of the defendants. A release or escape asks the victim-witness coordinator to
    notify the victim (24 hours; an escape 2 hours, urgent)."""

    model = CustodyEvent
    selector = selectors.custody_events_for
    output = court_serializers.CustodyEventSerializer
    create_input = court_serializers.CustodyEventCreateSerializer
    parent_field = "defendant"
    parent_selector = selectors.defendants_for
    view_name = "custody_events"

    def create(self, values: dict[str, Any]) -> Model:
        return custody_event_record(actor=self.actor, **values)

    @extend_schema(responses={200: court_serializers.CustodyEventSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_records()

    @extend_schema(
        request=court_serializers.CustodyEventCreateSerializer,
        responses={201: court_serializers.CustodyEventSerializer},
    )
    def post(self, request: Request, case_id: UUID) -> Response:
        return self.create_record(request)


class RestitutionOrdersView(_InvestigationRecords):
    """Restitution ordered (18 U.S.C. 1593), with what was paid and the balance."""

    model = RestitutionOrder
    selector = selectors.restitution_orders_for
    output = court_serializers.RestitutionOrderSerializer
    create_input = court_serializers.RestitutionOrderCreateSerializer
    parent_field = "defendant"
    parent_selector = selectors.defendants_for
    view_name = "restitution"

    def create(self, values: dict[str, Any]) -> Model:
        return restitution_order_add(actor=self.actor, **values)

    def created(self, access: CaseAccess, record: Model) -> Model:
        return selectors.restitution_orders_for(access=access).get(pk=record.pk)

    @extend_schema(responses={200: court_serializers.RestitutionOrderSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_records()

    @extend_schema(
        request=court_serializers.RestitutionOrderCreateSerializer,
        responses={201: court_serializers.RestitutionOrderSerializer},
    )
    def post(self, request: Request, case_id: UUID) -> Response:
        return self.create_record(request)


class RestitutionPaymentsView(_InvestigationRecords):
    model = RestitutionPayment
    selector = selectors.restitution_payments_for
    output = court_serializers.RestitutionPaymentSerializer
    create_input = court_serializers.RestitutionPaymentCreateSerializer
    parent_field = "order"
    parent_selector = selectors.restitution_orders_for
    view_name = "restitution"

    def create(self, values: dict[str, Any]) -> Model:
        return restitution_payment_add(actor=self.actor, **values)

    @extend_schema(responses={200: court_serializers.RestitutionPaymentSerializer(many=True)})
    def get(self, request: Request, case_id: UUID) -> Response:
        return self.list_records()

    @extend_schema(
        request=court_serializers.RestitutionPaymentCreateSerializer,
        responses={201: court_serializers.RestitutionPaymentSerializer},
    )
    def post(self, request: Request, case_id: UUID) -> Response:
        return self.create_record(request)
