"""`GET /api/v1/dashboard/`: the supervisor dashboard's figures for the caller's agency, the same
`casework.dashboard.dashboard_summary` the browser dashboard shows."""

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import BridgeAPIView
from api.fields import BoundedDateField, UTCDateTimeField
from casework.access import may_view_dashboard
from casework.dashboard import default_period, period_bounds
from casework.dashboard_figures import agency_dashboard
from common.errors import PermissionDenied
from relief.selectors import WATCH_DAYS, relief_birthday_watch


class PeriodSerializer(serializers.Serializer):
    since = BoundedDateField(
        required=False, help_text="First local day of the period (default: 29 days ago)."
    )
    until = BoundedDateField(
        required=False, help_text="Last local day of the period, included (default: today)."
    )
    fresh = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Sum the figures up for this request instead of serving the stored ones.",
    )


class CaseCountsSerializer(serializers.Serializer):
    open = serializers.IntegerField(help_text="Open cases the agency takes part in.")
    open_led = serializers.IntegerField(help_text="Of those, the ones it leads.")
    opened_in_period = serializers.IntegerField()


class AssigneeOverdueSerializer(serializers.Serializer):
    assignee = serializers.UUIDField(
        source="assignee_id", allow_null=True, help_text="Null: unassigned tasks."
    )
    assignee_name = serializers.CharField(allow_null=True)
    overdue = serializers.IntegerField()
    oldest_due_at = UTCDateTimeField()


class UpcomingDeadlineSerializer(serializers.Serializer):
    task = serializers.UUIDField(source="task_id")
    case = serializers.UUIDField(source="case_id")
    case_number = serializers.CharField()
    title = serializers.CharField()
    due_at = UTCDateTimeField()
    priority = serializers.CharField()
    assignee_name = serializers.CharField(allow_null=True)
    legal_source = serializers.CharField(allow_null=True)


class DayCountSerializer(serializers.Serializer):
    day = serializers.DateField()
    count = serializers.IntegerField()


class PendingHandoffSerializer(serializers.Serializer):
    handoff = serializers.UUIDField(source="handoff_id")
    direction = serializers.ChoiceField(choices=["incoming", "outgoing"])
    kind = serializers.CharField()
    case_number = serializers.CharField()
    task_title = serializers.CharField(allow_null=True)
    partner_agency = serializers.IntegerField(source="partner_id")
    partner_agency_name = serializers.CharField(source="partner_name")
    urgent = serializers.BooleanField()
    created_at = UTCDateTimeField()
    respond_by = UTCDateTimeField()
    age_seconds = serializers.FloatField()


class ResponseTimesSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(
        choices=["incoming", "outgoing"],
        help_text="`outgoing`: the partner answered this agency's handoffs; "
        "`incoming`: this agency answered theirs.",
    )
    partner_agency = serializers.IntegerField(source="partner_id")
    partner_agency_name = serializers.CharField(source="partner_name")
    answered = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    expired = serializers.IntegerField(help_text="Expired unanswered; not in the response times.")
    median_seconds = serializers.FloatField(allow_null=True)
    p90_seconds = serializers.FloatField(allow_null=True)


class TemplateComplianceSerializer(serializers.Serializer):
    template = serializers.CharField(source="template_key")
    name = serializers.CharField()
    legal_source = serializers.CharField()
    due = serializers.IntegerField(help_text="Deadlines that fell due in the period, before now.")
    met = serializers.IntegerField(help_text="Done by the due time.")
    late = serializers.IntegerField(help_text="Done after the due time.")
    missed = serializers.IntegerField(help_text="Still open past the due time.")
    share_met = serializers.FloatField(allow_null=True)


class WorkerCaseloadSerializer(serializers.Serializer):
    user = serializers.UUIDField(source="user_id")
    name = serializers.CharField()
    role = serializers.CharField()
    open_cases = serializers.IntegerField()
    open_tasks = serializers.IntegerField()
    overdue_tasks = serializers.IntegerField()


RELIEF_BIRTHDAYS = "relief_birthdays"


class ReliefBirthdaySerializer(serializers.Serializer):
    relief_record = serializers.UUIDField(source="record_id")
    case = serializers.UUIDField(source="case_id")
    case_number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    status = serializers.CharField()
    age = serializers.IntegerField(help_text="The birthday that is near: 18 or 21.")
    birthday = serializers.DateField()
    days_left = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency_id")
    since = UTCDateTimeField(help_text="Start of the period (local midnight), included.")
    until = UTCDateTimeField(help_text="End of the period (local midnight after its last day), excluded.")
    generated_at = UTCDateTimeField(
        help_text="When the figures were computed: 'now' for the figures that are as of now."
    )
    stored = serializers.BooleanField(
        help_text="True: the figures as of now are the ones a worker stored at `generated_at` "
        "(by default never served more than ten minutes old); false: computed for this request."
    )
    period_generated_at = UTCDateTimeField(
        source="period_as_of",
        help_text="When the period's figures (`cases.opened_in_period`, `response_times`, "
        "`compliance`) were summed up: `generated_at` for the default period; for another period, "
        "this request, beside stored figures as of now.",
    )
    cases = CaseCountsSerializer()
    overdue_total = serializers.IntegerField()
    overdue_by_assignee = AssigneeOverdueSerializer(many=True)
    upcoming_total = serializers.IntegerField(help_text="Open tasks due in the next 7 days.")
    upcoming = UpcomingDeadlineSerializer(many=True, help_text="The soonest of them (at most 100).")
    upcoming_by_day = DayCountSerializer(many=True)
    pending_handoffs = PendingHandoffSerializer(
        many=True,
        help_text="The most pressing pending handoffs (urgent first, then the soonest answer-by), "
        "at most 100 each way.",
    )
    pending_incoming_total = serializers.IntegerField(help_text="Pending handoffs to the agency, all.")
    pending_outgoing_total = serializers.IntegerField(help_text="Pending handoffs from the agency, all.")
    response_times = ResponseTimesSerializer(many=True)
    compliance = TemplateComplianceSerializer(many=True)
    compliance_share_met = serializers.FloatField(allow_null=True)
    caseload = WorkerCaseloadSerializer(many=True)
    relief_birthdays = serializers.SerializerMethodField(
        help_text=(
            f"Relief steps not yet filed (considering or requested) on children who turn 18 or 21 within "
            f"{WATCH_DAYS} days, on cases where the agency reads immigration and identity."
        ),
    )

    @extend_schema_field(ReliefBirthdaySerializer(many=True))
    def get_relief_birthdays(self, summary: Any) -> Any:
        # The watch reads relief records (an app above casework's summary): the view hands it in.
        return ReliefBirthdaySerializer(self.context[RELIEF_BIRTHDAYS], many=True).data


class DashboardView(BridgeAPIView):
    """Aggregates over the caller's agency: as of now (open cases, overdue tasks, deadlines in the
    next 7 days, pending handoffs, caseload) and over the period (handoff response times,
    statutory deadline compliance). Supervisors only. The figures as of now are the ones a worker
    stored, by default at most ten minutes before (`generated_at`, `stored`); those over another
    period than the default are summed up for the request (`period_generated_at`)."""

    pagination_class = None
    filter_backends = ()

    @extend_schema(
        parameters=[
            OpenApiParameter("since", str, description="YYYY-MM-DD, first day (default: 29 days ago)."),
            OpenApiParameter("until", str, description="YYYY-MM-DD, last day, included (default: today)."),
            OpenApiParameter(
                "fresh", bool, description="Compute the figures now instead of serving the stored ones."
            ),
        ],
        responses={200: DashboardSerializer},
    )
    def get(self, request: Request) -> Response:
        actor = self.actor
        if not may_view_dashboard(user=actor):
            raise PermissionDenied(gettext("The dashboard is for supervisors."))
        period = PeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        default_since, default_until = default_period()
        values: dict[str, Any] = period.validated_data
        start, end = period_bounds(
            since=values.get("since", default_since), until=values.get("until", default_until)
        )
        assert actor.agency is not None
        summary = agency_dashboard(agency=actor.agency, since=start, until=end, fresh=values["fresh"])
        context = {RELIEF_BIRTHDAYS: relief_birthday_watch(user=actor)}
        return Response(DashboardSerializer(summary, context=context).data)
