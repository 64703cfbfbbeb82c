"""The browser pages. Notification links (`notifications.services.link_for`) point at
`/cases/<id>/`, `/tasks/<id>/` and `/handoffs/<id>/`, so those paths are part of the contract."""

from django.urls import path

from web.views import cases, dashboard, handoffs, members, notifications, relief, sharing, work

app_name = "web"

urlpatterns = [
    path("", work.home, name="home"),
    path("work/", work.my_work, name="my-work"),
    path("tasks/<uuid:task_id>/", work.task_page, name="task"),
    path("tasks/<uuid:task_id>/complete/", work.task_complete_view, name="task-complete"),
    path("tasks/<uuid:task_id>/reopen/", work.task_reopen_view, name="task-reopen"),
    path("tasks/<uuid:task_id>/claim/", work.task_claim, name="task-claim"),
    path("tasks/<uuid:task_id>/assign/", work.task_assign, name="task-assign"),
    path("tasks/<uuid:task_id>/handoff/", work.task_handoff, name="task-handoff"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/new/", cases.case_new, name="case-new"),
    path("cases/<uuid:case_id>/", cases.case_overview, name="case"),
    path("cases/<uuid:case_id>/sections/<slug:section>/", cases.case_section, name="case-section"),
    path(
        "cases/<uuid:case_id>/sections/<slug:section>/edit/",
        cases.case_section_edit,
        name="case-section-edit",
    ),
    path("cases/<uuid:case_id>/notes/", cases.case_note_add, name="case-note-add"),
    path("cases/<uuid:case_id>/tasks/", cases.case_tasks_view, name="case-tasks"),
    path("cases/<uuid:case_id>/handoffs/", cases.case_handoffs_view, name="case-handoffs"),
    path("cases/<uuid:case_id>/events/", cases.case_events_view, name="case-events"),
    path(
        "cases/<uuid:case_id>/events/<uuid:event_id>/correct/",
        cases.case_event_correct_view,
        name="case-event-correct",
    ),
    path(
        "cases/<uuid:case_id>/events/<uuid:event_id>/void/",
        cases.case_event_void_view,
        name="case-event-void",
    ),
    path("cases/<uuid:case_id>/relief/", relief.case_relief, name="case-relief"),
    path(
        "cases/<uuid:case_id>/relief/<uuid:record_id>/",
        relief.case_relief_update,
        name="case-relief-update",
    ),
    path(
        "cases/<uuid:case_id>/relief/<uuid:record_id>/request/",
        relief.case_relief_request,
        name="case-relief-request",
    ),
    path("cases/<uuid:case_id>/timeline/", cases.case_timeline_view, name="case-timeline"),
    path("cases/<uuid:case_id>/sharing/", sharing.sharing, name="case-sharing"),
    path("cases/<uuid:case_id>/sharing/invite/", sharing.invite, name="case-invite"),
    path("cases/<uuid:case_id>/sharing/team/", sharing.team_add, name="case-team-add"),
    path("cases/<uuid:case_id>/sharing/grants/", sharing.grant_add, name="case-grant-add"),
    path(
        "cases/<uuid:case_id>/sharing/grants/<uuid:grant_id>/revoke/",
        sharing.grant_end,
        name="case-grant-revoke",
    ),
    path("cases/<uuid:case_id>/sharing/consents/", sharing.consent_add, name="case-consent-add"),
    path(
        "cases/<uuid:case_id>/sharing/consents/<uuid:consent_id>/revoke/",
        sharing.consent_end,
        name="case-consent-revoke",
    ),
    path("cases/<uuid:case_id>/disclosures/", sharing.disclosures, name="case-disclosures"),
    path("cases/<uuid:case_id>/break-glass/", sharing.break_glass, name="case-break-glass"),
    path("handoffs/", handoffs.desk, name="handoffs"),
    path("handoffs/<uuid:handoff_id>/", handoffs.handoff_page, name="handoff"),
    path("handoffs/<uuid:handoff_id>/accept/", handoffs.accept, name="handoff-accept"),
    path("handoffs/<uuid:handoff_id>/decline/", handoffs.decline, name="handoff-decline"),
    path("handoffs/<uuid:handoff_id>/approve/", handoffs.approve, name="handoff-approve"),
    path("handoffs/<uuid:handoff_id>/withdraw/", handoffs.withdraw, name="handoff-withdraw"),
    path("members/", members.members, name="members"),
    path("members/add/", members.member_add, name="member-add"),
    path("members/<uuid:public_id>/role/", members.member_role, name="member-role"),
    path("members/<uuid:public_id>/active/", members.member_active, name="member-active"),
    path("members/<uuid:public_id>/reset-link/", members.member_reset_link, name="member-reset-link"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", dashboard.dashboard_csv, name="dashboard-csv"),
    path("notifications/", notifications.inbox, name="inbox"),
    path("notifications/badge/", notifications.badge, name="inbox-badge"),
    path("notifications/read-all/", notifications.read_all, name="inbox-read-all"),
    path("notifications/<uuid:notification_id>/read/", notifications.read, name="notification-read"),
]
