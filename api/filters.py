"""Query-string filters of the list endpoints (API.md). They narrow rows the access layer already
scoped to the caller; none of them widens what a caller sees."""

import uuid

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError

from agencies.models import Agency, AgencyKind, Role, User
from casework.models import Case, CaseStatus, Note, Task, TaskStatus, TraffickingStatus
from casework.sections import Section
from casework.selectors import case_search_filter, with_found_by_name
from screening.selectors import in_care_never_screened_filter

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
    trafficking_status = django_filters.MultipleChoiceFilter(
        choices=TraffickingStatus.choices,
        help_text="One or more trafficking statuses (repeat the parameter).",
    )
    in_care_never_screened = django_filters.BooleanFilter(
        method="filter_in_care_never_screened",
        help_text=(
            "`true`: open cases of children in care (removed from home) never screened for trafficking, "
            "among the cases whose `location` your agency may read."
        ),
    )
    q = django_filters.CharFilter(
        method="search",
        max_length=200,
        help_text=(
            "Part of a case number or pseudonym, ignoring case, spaces and punctuation (`LM` finds "
            "`L.M.`, `br2026 12` finds `BR-2026-000012`); also part of the child's legal name or an "
            "alias, on the cases where your agency may read `identity` (an active grant), and on no "
            "other. A case found by name is recorded in the audit log as a read of its `identity`. "
            "A term of one or two characters is a pseudonym, matched whole (`LM` finds `L.M.` only)."
        ),
    )

    class Meta:
        model = Case
        fields = ("status", "trafficking_status", "in_care_never_screened", "q")

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        user = self.request.user
        assert isinstance(user, User), "the API's base view signs every caller in"
        matches = case_search_filter(user=user, term=value)
        if matches is None:
            return queryset
        return with_found_by_name(queryset.filter(matches), term=value)

    def filter_in_care_never_screened(
        self, queryset: QuerySet[Case], name: str, value: bool
    ) -> QuerySet[Case]:
        user = self.request.user
        assert isinstance(user, User), "the API's base view signs every caller in"
        matches = in_care_never_screened_filter(user=user)
        return queryset.filter(matches) if value else queryset.exclude(matches)


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
            raise ValidationError({"assignee": [gettext("Give `me` or a user id.")]}) from error
        return queryset.filter(assignee__public_id=public_id)

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet[Task]:
        overdue = Q(status=TaskStatus.OPEN, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
