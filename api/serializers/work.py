"""Notes, the timeline, tasks, handoffs, case events, notifications and deadline templates."""

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency, AgencyKind, User
from api.fields import (
    OffsetDateTimeField,
    StrictBooleanField,
    StrictCharField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictUUIDField,
    UTCDateTimeField,
)
from casework.access import TASK_DETAIL_FIELDS, task_shows_detail
from casework.models import (
    TASK_TITLE_MAX_LENGTH,
    CaseEvent,
    DeadlineTemplate,
    Handoff,
    Note,
    Task,
    TaskPriority,
    TimelineEvent,
)
from casework.sections import Section
from casework.services.events import EVENT_TYPE_CHOICES
from casework.services.events import REASON_MAX_LENGTH as EVENT_REASON_MAX_LENGTH
from casework.services.handoffs import NOTE_MAX_LENGTH as HANDOFF_NOTE_MAX_LENGTH
from casework.services.notes import NOTE_MAX_LENGTH, NOTE_SECTION_CHOICES
from casework.services.tasks import (
    OUTCOME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TASK_DESCRIPTION_MAX_LENGTH,
    TASK_PRIORITY_CHOICES,
)
from notifications.models import Notification, NotificationPreference


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


class NoteSerializer(StrictModelSerializer):
    author = serializers.UUIDField(source="author.public_id", read_only=True)
    author_name = serializers.SerializerMethodField()
    agency = serializers.IntegerField(source="agency_id", read_only=True)

    class Meta:
        model = Note
        fields = ("id", "section", "body", "author", "author_name", "agency", "created_at")
        read_only_fields = fields

    def get_author_name(self, note: Note) -> str:
        return display_name(note.author)


class NoteCreateSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=NOTE_SECTION_CHOICES, default=Section.CORE)
    body = StrictCharField(max_length=NOTE_MAX_LENGTH)


class TimelineEventSerializer(StrictModelSerializer):
    actor = serializers.SerializerMethodField()
    actor_name = serializers.SerializerMethodField()
    actor_agency = serializers.IntegerField(source="actor_agency_id", read_only=True, allow_null=True)

    class Meta:
        model = TimelineEvent
        fields = (
            "id",
            "occurred_at",
            "kind",
            "section",
            "summary",
            "actor",
            "actor_name",
            "actor_agency",
            "data",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_actor(self, event: TimelineEvent) -> str | None:
        return str(event.actor.public_id) if event.actor is not None else None

    def get_actor_name(self, event: TimelineEvent) -> str:
        return display_name(event.actor)


class TaskSerializer(StrictModelSerializer):
    """A task as its reader may see it. A reader who may not read the task's section (the owner
    its deadline template asks something of; an agency offered it) gets the task without
    `casework.access.TASK_DETAIL_FIELDS`, and `restricted` true."""

    case = serializers.UUIDField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    # Declared writable only so the schema marks them optional: a restricted task leaves them out.
    description = serializers.CharField(required=False, help_text="Absent when `restricted`.")
    section = serializers.ChoiceField(
        choices=Section.choices,
        required=False,
        help_text="The section whose protection the task carries. Absent when `restricted`.",
    )
    owner_agency = serializers.IntegerField(source="owner_agency_id", read_only=True)
    assignee = serializers.SerializerMethodField()
    template = serializers.CharField(
        source="template.key",
        required=False,
        allow_null=True,
        help_text="The deadline template that created it. Absent when `restricted`.",
    )
    event = serializers.UUIDField(
        source="event_id",
        required=False,
        allow_null=True,
        help_text="The case event whose deadline template created it. Absent when `restricted`.",
    )
    outcome = serializers.CharField(
        required=False,
        help_text="What was done, given on completion (empty while open). Absent when `restricted`.",
    )
    restricted = serializers.SerializerMethodField(
        help_text="True when the reader may not read the task's section and sees its title and due time "
        "(and what it needs to do the work), nothing else of it."
    )

    class Meta:
        model = Task
        fields = (
            "id",
            "case",
            "case_number",
            "title",
            "description",
            "section",
            "owner_agency",
            "assignee",
            "due_at",
            "priority",
            "status",
            "cancel_reason",
            "template",
            "event",
            "restricted",
            "version",
            "created_at",
            "completed_at",
            "outcome",
        )
        read_only_fields = fields

    def to_representation(self, instance: Task) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not task_shows_detail(instance):
            for name in TASK_DETAIL_FIELDS:
                data.pop(name, None)
        return data

    @extend_schema_field(serializers.UUIDField(allow_null=True, help_text="The assignee's user id."))
    def get_assignee(self, task: Task) -> str | None:
        return str(task.assignee.public_id) if task.assignee is not None else None

    def get_restricted(self, task: Task) -> bool:
        return not task_shows_detail(task)


class TaskInputFields(serializers.Serializer):
    title = StrictCharField(max_length=TASK_TITLE_MAX_LENGTH)
    description = StrictCharField(required=False, allow_blank=True, max_length=TASK_DESCRIPTION_MAX_LENGTH)
    due_at = OffsetDateTimeField()
    priority = serializers.ChoiceField(choices=TASK_PRIORITY_CHOICES, default=TaskPriority.NORMAL)
    assignee = StrictUUIDField(
        required=False, allow_null=True, help_text="A user id of a case worker of the owning agency."
    )


class TaskCreateSerializer(TaskInputFields):
    case = StrictUUIDField()


class TaskUpdateSerializer(TaskInputFields):
    title = StrictCharField(max_length=TASK_TITLE_MAX_LENGTH, required=False)
    due_at = OffsetDateTimeField(required=False)
    priority = serializers.ChoiceField(choices=TASK_PRIORITY_CHOICES, required=False)


class TaskCompleteSerializer(serializers.Serializer):
    outcome = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=OUTCOME_MAX_LENGTH,
        help_text="What was done: what was reported, to whom, the reference number. Required for a task a "
        "deadline template created.",
    )


class TaskReopenSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=REASON_MAX_LENGTH, help_text="Why the task is not done after all.")


class HandoffSerializer(StrictModelSerializer):
    task = serializers.UUIDField(source="task_id", read_only=True, allow_null=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    from_agency = serializers.IntegerField(source="from_agency_id", read_only=True)
    to_agency = serializers.IntegerField(source="to_agency_id", read_only=True)
    created_by = serializers.UUIDField(source="created_by.public_id", read_only=True)
    responded_by = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()

    class Meta:
        model = Handoff
        fields = (
            "id",
            "kind",
            "task",
            "case",
            "case_number",
            "from_agency",
            "to_agency",
            "status",
            "urgent",
            "note",
            "respond_by",
            "created_by",
            "created_at",
            "responded_by",
            "responded_at",
            "response_note",
            "approved_by",
            "approved_at",
        )
        read_only_fields = fields
        extra_kwargs = {
            "approved_at": {
                "help_text": "When the lead agency approved a handoff that brings a new agency onto the case."
            }
        }

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_responded_by(self, handoff: Handoff) -> str | None:
        return str(handoff.responded_by.public_id) if handoff.responded_by is not None else None

    @extend_schema_field(
        serializers.UUIDField(
            allow_null=True,
            help_text="The lead agency's liaison or supervisor who approved it; null when none was needed.",
        )
    )
    def get_approved_by(self, handoff: Handoff) -> str | None:
        return str(handoff.approved_by.public_id) if handoff.approved_by is not None else None


class HandoffCreateSerializer(serializers.Serializer):
    """Hand a task to another agency; or, with `case` instead of `task`, the lead of a case
    (liaisons and supervisors of the lead agency)."""

    task = StrictUUIDField(required=False, help_text="The task to hand off.")
    case = StrictUUIDField(
        required=False, help_text="For a handoff of the lead of this case, instead of a task."
    )
    to_agency = StrictPrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        help_text=(
            "An agency not on the case is invited by the handoff: unless the caller is a liaison or "
            "supervisor of the lead agency, the handoff is created `awaiting_approval` and reaches the "
            "agency only once the lead agency approves it."
        ),
    )
    note = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=HANDOFF_NOTE_MAX_LENGTH,
        help_text=(
            "For the receiving agency, and the lead agency's liaisons and supervisors when it awaits their "
            "approval. No names of the child."
        ),
    )
    urgent = StrictBooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("task" in attrs) == ("case" in attrs):
            raise serializers.ValidationError(
                {"task": [gettext("Give either a task or, for the lead of a case, a case.")]}
            )
        return attrs


class HandoffAcceptSerializer(serializers.Serializer):
    assignee = StrictUUIDField(
        required=False, allow_null=True, help_text="A case worker of your agency to take the task."
    )
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=HANDOFF_NOTE_MAX_LENGTH)


class HandoffDeclineSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=HANDOFF_NOTE_MAX_LENGTH)


class EventTaskSerializer(StrictModelSerializer):
    """A task a deadline template created for the event (only those in sections the reader reads)."""

    owner_agency = serializers.IntegerField(
        source="owner_agency_id",
        read_only=True,
        allow_null=True,
        help_text="Null while the task waits for an agency of the kind `awaits_kind` to join the case.",
    )
    awaits_kind = serializers.SerializerMethodField()
    template = serializers.CharField(source="template.key", read_only=True, allow_null=True)

    class Meta:
        model = Task
        fields = (
            "id",
            "title",
            "owner_agency",
            "awaits_kind",
            "due_at",
            "priority",
            "status",
            "cancel_reason",
            "template",
            "section",
        )
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(
            choices=AgencyKind.choices,
            allow_null=True,
            help_text="The kind of agency the task waits for; null once an agency holds it.",
        )
    )
    def get_awaits_kind(self, task: Task) -> str | None:
        return task.awaits_kind or None


class CaseEventSerializer(StrictModelSerializer):
    recorded_by = serializers.UUIDField(source="recorded_by.public_id", read_only=True)
    recording_agency = serializers.IntegerField(source="recording_agency_id", read_only=True)
    details = serializers.DictField(read_only=True)
    hearing_at = serializers.SerializerMethodField()
    voided = serializers.SerializerMethodField()
    tasks = EventTaskSerializer(many=True, read_only=True)

    class Meta:
        model = CaseEvent
        fields = (
            "id",
            "type",
            "occurred_at",
            "hearing_at",
            "details",
            "section",
            "recorded_by",
            "recording_agency",
            "created_at",
            "corrected_at",
            "voided",
            "voided_at",
            "void_reason",
            "tasks",
        )
        read_only_fields = fields

    @extend_schema_field(
        serializers.DateTimeField(
            allow_null=True, help_text="A court hearing's date and time; null otherwise."
        )
    )
    def get_hearing_at(self, event: CaseEvent) -> str | None:
        hearing_at = event.hearing_at
        return UTCDateTimeField().to_representation(hearing_at) if hearing_at is not None else None

    @extend_schema_field(serializers.BooleanField(help_text="Voided events start no deadline."))
    def get_voided(self, event: CaseEvent) -> bool:
        return event.voided_at is not None


class CaseEventCorrectSerializer(serializers.Serializer):
    occurred_at = OffsetDateTimeField(required=False, help_text="When it really happened.")
    hearing_at = OffsetDateTimeField(required=False, help_text="A court hearing's real date and time.")
    reason = StrictCharField(max_length=EVENT_REASON_MAX_LENGTH, help_text="Why the event is corrected.")


class CaseEventVoidSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=EVENT_REASON_MAX_LENGTH, help_text="Why the event is voided.")


class CaseEventCreateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=EVENT_TYPE_CHOICES)
    occurred_at = OffsetDateTimeField()
    details = serializers.DictField(
        required=False,
        default=dict,
        help_text=(
            "`court_hearing_scheduled` and `criminal_proceeding_scheduled` take `hearing_at`; others nothing."
        ),
    )


class NotificationSerializer(StrictModelSerializer):
    case = serializers.UUIDField(
        source="case_id", read_only=True, allow_null=True, help_text="Null for notices about accounts."
    )
    case_number = serializers.CharField(
        source="case.number", read_only=True, allow_null=True, help_text="Null for notices about accounts."
    )
    task = serializers.UUIDField(source="task_id", read_only=True, allow_null=True)
    handoff = serializers.UUIDField(source="handoff_id", read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = ("id", "kind", "case", "case_number", "task", "handoff", "message", "created_at", "read_at")
        read_only_fields = fields


EMAIL_ENABLED_HELP = "false: no email at all, the inbox only (`email_digest` is then ignored)."
EMAIL_DIGEST_HELP = "true: one email a day listing what is still unread, instead of one per notification."


class NotificationPreferencesSerializer(StrictModelSerializer):
    """The caller's email choices. Every notification is in the inbox whatever they are."""

    class Meta:
        model = NotificationPreference
        fields = ("email_enabled", "email_digest")
        read_only_fields = fields
        extra_kwargs = {
            "email_enabled": {"help_text": EMAIL_ENABLED_HELP},
            "email_digest": {"help_text": EMAIL_DIGEST_HELP},
        }


class NotificationPreferencesUpdateSerializer(serializers.Serializer):
    email_enabled = StrictBooleanField(required=False, help_text=EMAIL_ENABLED_HELP)
    email_digest = StrictBooleanField(required=False, help_text=EMAIL_DIGEST_HELP)


class DeadlineTemplateSerializer(StrictModelSerializer):
    offset = serializers.CharField(read_only=True, help_text="ISO 8601 duration, e.g. PT24H or P6M.")
    overrides = serializers.CharField(source="overrides.key", read_only=True, allow_null=True)

    class Meta:
        model = DeadlineTemplate
        fields = (
            "key",
            "name",
            "description",
            "trigger",
            "anchor",
            "age_years",
            "offset",
            "repeats",
            "owner_kind",
            "priority",
            "jurisdiction",
            "overrides",
            "legal_source",
            "active",
        )
        read_only_fields = fields
