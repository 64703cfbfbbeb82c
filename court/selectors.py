"""Reads of court records, scoped by the case policy: every participant reads the dependency
hearings (core); only a reader of `investigation` sees anything of the criminal case, and a
reader without it sees no sign that one exists."""

from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from casework.access import CaseAccess
from casework.sections import Section
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


def dependency_hearings_for(*, access: CaseAccess) -> QuerySet[DependencyHearing]:
    return DependencyHearing.objects.filter(case_id=access.case.pk)


def criminal_cases_for(*, access: CaseAccess) -> QuerySet[CriminalCase]:
    if not access.may_read(Section.INVESTIGATION):
        return CriminalCase.objects.none()
    return CriminalCase.objects.filter(case_id=access.case.pk).select_related("prosecuting_agency")


def defendants_for(*, access: CaseAccess) -> QuerySet[Defendant]:
    if not access.may_read(Section.INVESTIGATION):
        return Defendant.objects.none()
    return Defendant.objects.filter(case_id=access.case.pk)


def charges_for(*, access: CaseAccess) -> QuerySet[Charge]:
    if not access.may_read(Section.INVESTIGATION):
        return Charge.objects.none()
    return Charge.objects.filter(case_id=access.case.pk)


def proceedings_for(*, access: CaseAccess) -> QuerySet[CriminalProceeding]:
    if not access.may_read(Section.INVESTIGATION):
        return CriminalProceeding.objects.none()
    return CriminalProceeding.objects.filter(case_id=access.case.pk)


def custody_events_for(*, access: CaseAccess) -> QuerySet[CustodyEvent]:
    if not access.may_read(Section.INVESTIGATION):
        return CustodyEvent.objects.none()
    return CustodyEvent.objects.filter(case_id=access.case.pk)


def restitution_orders_for(*, access: CaseAccess) -> QuerySet[RestitutionOrder]:
    """Restitution orders with `paid` and `balance` (ordered less paid) computed in SQL."""
    if not access.may_read(Section.INVESTIGATION):
        return RestitutionOrder.objects.none()
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
    paid = (
        RestitutionPayment.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        RestitutionOrder.objects.filter(case_id=access.case.pk)
        .annotate(paid=Coalesce(Subquery(paid, output_field=money), Value(0), output_field=money))
        .annotate(balance=F("amount") - F("paid"))
    )


def restitution_payments_for(*, access: CaseAccess) -> QuerySet[RestitutionPayment]:
    if not access.may_read(Section.INVESTIGATION):
        return RestitutionPayment.objects.none()
    return RestitutionPayment.objects.filter(case_id=access.case.pk)


def criminal_case_page(*, access: CaseAccess) -> list[CriminalCase]:
    """Everything of the criminal case(s) a page shows, in a fixed number of queries."""
    defendants = Defendant.objects.order_by("created_at", "pk").prefetch_related(
        Prefetch("charges", queryset=Charge.objects.order_by("filed_on", "created_at")),
        Prefetch("custody_events", queryset=CustodyEvent.objects.order_by("occurred_at", "created_at")),
        Prefetch(
            "restitution_orders", queryset=restitution_orders_for(access=access).prefetch_related("payments")
        ),
    )
    return list(
        criminal_cases_for(access=access).prefetch_related(
            Prefetch("defendants", queryset=defendants),
            Prefetch("proceedings", queryset=CriminalProceeding.objects.order_by("scheduled_at", "pk")),
        )
    )
