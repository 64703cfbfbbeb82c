"""Query-string filters of the list endpoints (API.md). They narrow rows the access layer already
scoped to the caller; none of them widens what a caller sees."""

import uuid

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from agencies.models import Agency, AgencyKind, Role, User
from casework.models import Case, CaseStatus, Note, Task, TaskStatus
from casework.sections import Section

ME = "me"


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices)

    class Meta:
        model = Agency
        fields = ("kind",)


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = User
        fields = ("role",)


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    q = django_filters.CharFilter(method="search", help_text="Part of a case number or pseudonym.")

    class Meta:
        model = Case
        fields = ("status", "q")

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(pseudonym__icontains=value))


class NoteFilter(django_filters.FilterSet):
    section = django_filters.ChoiceFilter(choices=Section.choices)

    class Meta:
        model = Note
        fields = ("section",)


class TaskFilter(django_filters.FilterSet):
    assignee = django_filters.CharFilter(method="filter_assignee", help_text="`me` or a user id.")
    agency = django_filters.NumberFilter(field_name="owner_agency_id", help_text="Owning agency id.")
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices)
    case = django_filters.UUIDFilter(field_name="case_id")
    due_before = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt")
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text="Open and past due.")

    class Meta:
        model = Task
        fields = ("assignee", "agency", "status", "case", "due_before", "overdue")

    def filter_assignee(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        if value == ME:
            return queryset.filter(assignee_id=self.request.user.pk)
        try:
            public_id = uuid.UUID(value)
        except ValueError as error:
            raise ValidationError({"assignee": ["Give `me` or a user id."]}) from error
        return queryset.filter(assignee__public_id=public_id)

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet[Task]:
        overdue = Q(status=TaskStatus.OPEN, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
