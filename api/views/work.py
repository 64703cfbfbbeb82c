"""Tasks, handoffs, notifications and deadline templates."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from agencies.models import User
from agencies.selectors import agency_members
from api.base import BridgeAPIView
from api.concurrency import ETAG_HEADER, IF_MATCH_HEADER, etag_for, expected_version
from api.filters import TaskFilter
from api.serializers.work import (
    DeadlineTemplateSerializer,
    HandoffAcceptSerializer,
    HandoffCreateSerializer,
    HandoffDeclineSerializer,
    HandoffSerializer,
    NotificationPreferencesSerializer,
    NotificationPreferencesUpdateSerializer,
    NotificationSerializer,
    TaskCompleteSerializer,
    TaskCreateSerializer,
    TaskReopenSerializer,
    TaskSerializer,
    TaskUpdateSerializer,
)
from audit.services import audit_task_read
from casework.access import (
    get_case_access,
    get_task_for_user,
    handoffs_visible_to,
    task_shows_detail,
    tasks_visible_to,
)
from casework.models import DeadlineTemplate, Handoff, HandoffStatus, Task
from casework.selectors import HANDOFF_DIRECTIONS, deadline_templates_list, handoff_list
from casework.services.handoffs import (
    handoff_accept,
    handoff_approve,
    handoff_create,
    handoff_decline,
    handoff_withdraw,
    lead_handoff_create,
)
from casework.services.tasks import task_complete, task_create, task_reopen, task_update
from common.errors import ValidationFailed
from notifications.models import Notification
from notifications.selectors import notification_preferences_for, notifications_for
from notifications.services import (
    notification_mark_read,
    notification_preferences_update,
    notifications_mark_all_read,
)

TASK_RELATED = ("case", "assignee", "template")


def colleague(*, actor: User, public_id: uuid.UUID | None, field: str) -> User | None:
    """A member of the caller's agency named by user id: work is assigned inside one's own agency,
    so members of other agencies are not looked up at all."""
    if public_id is None:
        return None
    assert actor.agency is not None
    member = agency_members(agency=actor.agency).filter(public_id=public_id).first()
    if member is None:
        raise ValidationFailed(
            gettext("Unknown assignee."),
            fields={field: [gettext("No active member of your agency with this id.")]},
        )
    return member


def task_response(task: Task, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(TaskSerializer(task).data, status=status_code, headers={"ETag": etag_for(task.version)})


class TaskListCreateView(BridgeAPIView):
    """Tasks of the caller's agency on cases the caller may see, soonest due first."""

    model = Task
    ordering = ("due_at", "id")
    filterset_class = TaskFilter

    def scoped_queryset(self) -> QuerySet[Task]:
        return tasks_visible_to(user=self.actor).select_related(*TASK_RELATED)

    def page_context(self, page: list[Any]) -> dict[str, Any]:
        # Tasks carry their section: showing one of a restricted section is a read of it.
        shown_whole = [task for task in page if task_shows_detail(task)]
        audit_task_read(user=self.actor, tasks_shown_whole=shown_whole, view="tasks")
        return {}

    @extend_schema(responses={200: TaskSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), TaskSerializer)

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer}, parameters=[ETAG_HEADER])
    def post(self, request: Request) -> Response:
        serializer = TaskCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        access = get_case_access(user=self.actor, case_id=data.pop("case"))
        assignee = colleague(actor=self.actor, public_id=data.pop("assignee", None), field="assignee")
        task = task_create(actor=self.actor, case=access.case, assignee=assignee, **data)
        return task_response(
            get_task_for_user(user=self.actor, task_id=task.pk), status_code=status.HTTP_201_CREATED
        )


class TaskDetailView(BridgeAPIView):
    model = Task
    lookup_url_kwarg = "task_id"

    def scoped_queryset(self) -> QuerySet[Task]:
        return tasks_visible_to(user=self.actor).select_related(*TASK_RELATED)

    @extend_schema(responses={200: TaskSerializer}, parameters=[ETAG_HEADER])
    def get(self, request: Request, task_id: uuid.UUID) -> Response:
        task = self.get_object()
        audit_task_read(
            user=self.actor, tasks_shown_whole=[task] if task_shows_detail(task) else [], view="task"
        )
        return task_response(task)

    @extend_schema(
        request=TaskUpdateSerializer,
        responses={200: TaskSerializer},
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
    )
    def patch(self, request: Request, task_id: uuid.UUID) -> Response:
        task = self.get_object()
        version = expected_version(request)
        serializer = TaskUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "assignee" in changes:
            changes["assignee"] = colleague(actor=self.actor, public_id=changes["assignee"], field="assignee")
        task_update(actor=self.actor, task=task, expected_version=version, **changes)
        return task_response(self.get_object())


class TaskCompleteView(BridgeAPIView):
    model = Task
    lookup_url_kwarg = "task_id"

    def scoped_queryset(self) -> QuerySet[Task]:
        return tasks_visible_to(user=self.actor).select_related(*TASK_RELATED)

    @extend_schema(request=TaskCompleteSerializer, responses={200: TaskSerializer}, parameters=[ETAG_HEADER])
    def post(self, request: Request, task_id: uuid.UUID) -> Response:
        task = self.get_object()
        serializer = TaskCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task_complete(actor=self.actor, task=task, outcome=serializer.validated_data.get("outcome", ""))
        return task_response(self.get_object())


class TaskReopenView(BridgeAPIView):
    """Undo a completion: the owning agency, with a reason."""

    model = Task
    lookup_url_kwarg = "task_id"

    def scoped_queryset(self) -> QuerySet[Task]:
        return tasks_visible_to(user=self.actor).select_related(*TASK_RELATED)

    @extend_schema(request=TaskReopenSerializer, responses={200: TaskSerializer}, parameters=[ETAG_HEADER])
    def post(self, request: Request, task_id: uuid.UUID) -> Response:
        task = self.get_object()
        serializer = TaskReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task_reopen(actor=self.actor, task=task, reason=serializer.validated_data["reason"])
        return task_response(self.get_object())


class HandoffListCreateView(BridgeAPIView):
    """Handoffs the caller's agency sent or received, newest first; for liaisons and supervisors of
    a case's lead agency, also the handoffs on it that bring another agency onto the case.

    A handoff to an agency that does not take part in the case is an invitation. Proposed by
    someone who may not invite (anyone but a liaison or supervisor of the lead agency), it is
    created `awaiting_approval`: only the sending agency and the lead agency's liaisons and
    supervisors see it, and the receiving agency sees nothing of it until the lead agency approves
    it (`POST /handoffs/{id}/approve/`, then it is `pending`)."""

    model = Handoff
    ordering = ("-created_at", "-id")
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[Handoff]:
        params = self.request.query_params
        return handoff_list(user=self.actor, direction=params.get("direction"), status=params.get("status"))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "direction",
                str,
                enum=list(HANDOFF_DIRECTIONS),
                description=(
                    "`incoming`: what asks the caller's agency to act: handoffs to it and, for liaisons "
                    "and supervisors of a case's lead agency, handoffs awaiting their approval (a handoff "
                    "awaiting approval is never incoming for the agency it would go to, which cannot see "
                    "it; one the lead agency proposed itself is also `outgoing`). `outgoing`: handoffs "
                    "from the caller's agency."
                ),
            ),
            OpenApiParameter(
                "status",
                str,
                enum=list(HandoffStatus.values),
                description=(
                    "`awaiting_approval` comes before `pending` for a handoff the lead agency must approve."
                ),
            ),
        ],
        responses={200: HandoffSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), HandoffSerializer)

    @extend_schema(request=HandoffCreateSerializer, responses={201: HandoffSerializer})
    def post(self, request: Request) -> Response:
        serializer = HandoffCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        options = {"to_agency": data["to_agency"], "note": data["note"], "urgent": data["urgent"]}
        if "task" in data:
            task = get_task_for_user(user=self.actor, task_id=data["task"])
            handoff = handoff_create(actor=self.actor, task=task, **options)
        else:
            access = get_case_access(user=self.actor, case_id=data["case"])
            handoff = lead_handoff_create(actor=self.actor, case=access.case, **options)
        return Response(HandoffSerializer(handoff).data, status=status.HTTP_201_CREATED)


class HandoffActionView(BridgeAPIView):
    model = Handoff
    lookup_url_kwarg = "handoff_id"
    filter_backends = ()
    pagination_class = None

    def scoped_queryset(self) -> QuerySet[Handoff]:
        return handoffs_visible_to(user=self.actor).select_related(
            "case",
            "case__lead_agency",
            "task",
            "from_agency",
            "to_agency",
            "created_by",
            "responded_by",
            "approved_by",
        )

    def answered(self) -> Response:
        return Response(HandoffSerializer(self.get_object()).data)


class HandoffAcceptView(HandoffActionView):
    """Take over the task (or the lead of the case): a liaison or supervisor of the receiving
    agency. The agency joins the case with its default grants if it had not."""

    @extend_schema(request=HandoffAcceptSerializer, responses={200: HandoffSerializer})
    def post(self, request: Request, handoff_id: uuid.UUID) -> Response:
        handoff = self.get_object()
        serializer = HandoffAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignee = colleague(actor=self.actor, public_id=data.get("assignee"), field="assignee")
        handoff_accept(actor=self.actor, handoff=handoff, assignee=assignee, note=data["note"])
        return self.answered()


class HandoffApproveView(HandoffActionView):
    """Approve a handoff awaiting approval: a liaison or supervisor of the case's lead agency. It
    becomes `pending` with a fresh response window, and the receiving agency is asked to answer."""

    @extend_schema(request=None, responses={200: HandoffSerializer})
    def post(self, request: Request, handoff_id: uuid.UUID) -> Response:
        handoff_approve(actor=self.actor, handoff=self.get_object())
        return self.answered()


class HandoffDeclineView(HandoffActionView):
    """Decline a handoff, with a reason: a liaison or supervisor of the receiving agency when it is
    `pending`, or of the case's lead agency while it is `awaiting_approval`."""

    @extend_schema(request=HandoffDeclineSerializer, responses={200: HandoffSerializer})
    def post(self, request: Request, handoff_id: uuid.UUID) -> Response:
        handoff = self.get_object()
        serializer = HandoffDeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        handoff_decline(actor=self.actor, handoff=handoff, reason=serializer.validated_data["reason"])
        return self.answered()


class HandoffWithdrawView(HandoffActionView):
    @extend_schema(request=None, responses={200: HandoffSerializer})
    def post(self, request: Request, handoff_id: uuid.UUID) -> Response:
        handoff_withdraw(actor=self.actor, handoff=self.get_object())
        return self.answered()


class NotificationListView(BridgeAPIView):
    """The caller's own inbox, newest first."""

    model = Notification
    ordering = ("-created_at", "-id")
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[Notification]:
        unread = self.request.query_params.get("unread")
        if unread not in (None, "true", "false"):
            raise ValidationFailed(
                gettext("Unknown filter value."), fields={"unread": [gettext("Must be true or false.")]}
            )
        return notifications_for(user=self.actor, unread=None if unread is None else unread == "true")

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="true: unread only; false: read only.")],
        responses={200: NotificationSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), NotificationSerializer)


class NotificationReadView(BridgeAPIView):
    model = Notification
    lookup_url_kwarg = "notification_id"
    pagination_class = None
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[Notification]:
        return notifications_for(user=self.actor)

    @extend_schema(request=None, responses={200: NotificationSerializer})
    def post(self, request: Request, notification_id: uuid.UUID) -> Response:
        notification_mark_read(user=self.actor, notification=self.get_object())
        return Response(NotificationSerializer(self.get_object()).data)


class NotificationReadAllView(BridgeAPIView):
    pagination_class = None
    filter_backends = ()

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        notifications_mark_all_read(user=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationPreferencesView(BridgeAPIView):
    """The caller's own email choices, for every signed-in user. The path names no one: nobody
    reads or changes another person's choices. Two booleans that only their owner writes, so an
    edit needs no `If-Match` (like `/me/`, this resource has no version)."""

    pagination_class = None
    filter_backends = ()

    @extend_schema(responses={200: NotificationPreferencesSerializer})
    def get(self, request: Request) -> Response:
        preference = notification_preferences_for(user=self.actor)
        return Response(NotificationPreferencesSerializer(preference).data)

    @extend_schema(
        request=NotificationPreferencesUpdateSerializer, responses={200: NotificationPreferencesSerializer}
    )
    def patch(self, request: Request) -> Response:
        serializer = NotificationPreferencesUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = notification_preferences_update(user=self.actor, **serializer.validated_data)
        return Response(NotificationPreferencesSerializer(preference).data)


class DeadlineTemplateListView(BridgeAPIView):
    """The statutory and policy deadlines that case events start. Public law, so every signed-in
    user may list them."""

    model = DeadlineTemplate
    ordering = ("key",)
    filter_backends = ()

    def scoped_queryset(self) -> QuerySet[DeadlineTemplate]:
        return deadline_templates_list()

    @extend_schema(responses={200: DeadlineTemplateSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset(), DeadlineTemplateSerializer)
