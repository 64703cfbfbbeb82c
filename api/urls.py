from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import (
    accounts,
    cases,
    closure,
    court,
    dashboard,
    documents,
    exploitation,
    exports,
    links,
    matching,
    plans,
    referrals,
    relief,
    screening,
    security,
    work,
)

app_name = "api"

urlpatterns = [
    path("auth/token/", accounts.TokenView.as_view(), name="auth-token"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path(
        "me/notification-preferences/",
        work.NotificationPreferencesView.as_view(),
        name="me-notification-preferences",
    ),
    path("agencies/", accounts.AgencyListCreateView.as_view(), name="agencies"),
    path("users/", accounts.UserListCreateView.as_view(), name="users"),
    path("cases/", cases.CaseListCreateView.as_view(), name="cases"),
    # Before `cases/<uuid:case_id>/`, though a file name never parses as a case id.
    path("cases/export.csv", exports.CaseListCsvView.as_view(), name="cases-export-csv"),
    path("cases/export.xlsx", exports.CaseListXlsxView.as_view(), name="cases-export-xlsx"),
    path("cases/<uuid:case_id>/", cases.CaseDetailView.as_view(), name="case"),
    path("cases/<uuid:case_id>/participants/", cases.ParticipantsView.as_view(), name="case-participants"),
    path("cases/<uuid:case_id>/grants/", cases.GrantsView.as_view(), name="case-grants"),
    path("cases/<uuid:case_id>/grants/<uuid:grant_id>/", cases.GrantDetailView.as_view(), name="case-grant"),
    path("cases/<uuid:case_id>/consents/", cases.ConsentsView.as_view(), name="case-consents"),
    path(
        "cases/<uuid:case_id>/consents/<uuid:consent_id>/revoke/",
        cases.ConsentRevokeView.as_view(),
        name="case-consent-revoke",
    ),
    path("cases/<uuid:case_id>/notes/", cases.NotesView.as_view(), name="case-notes"),
    path("cases/<uuid:case_id>/events/", cases.CaseEventsView.as_view(), name="case-events"),
    path(
        "cases/<uuid:case_id>/events/<uuid:event_id>/correct/",
        cases.CaseEventCorrectView.as_view(),
        name="case-event-correct",
    ),
    path(
        "cases/<uuid:case_id>/events/<uuid:event_id>/void/",
        cases.CaseEventVoidView.as_view(),
        name="case-event-void",
    ),
    path("cases/<uuid:case_id>/screenings/", screening.ScreeningsView.as_view(), name="case-screenings"),
    path(
        "cases/<uuid:case_id>/screenings/<uuid:screening_id>/",
        screening.ScreeningDetailView.as_view(),
        name="case-screening",
    ),
    path(
        "cases/<uuid:case_id>/trafficking-status/",
        screening.TraffickingStatusView.as_view(),
        name="case-trafficking-status",
    ),
    # Documents (issue 17): encrypted files in the section that protects them.
    path("cases/<uuid:case_id>/documents/", documents.DocumentsView.as_view(), name="case-documents"),
    path(
        "cases/<uuid:case_id>/documents/<uuid:document_id>/",
        documents.DocumentDetailView.as_view(),
        name="case-document",
    ),
    path(
        "cases/<uuid:case_id>/documents/<uuid:document_id>/versions/",
        documents.DocumentVersionsView.as_view(),
        name="case-document-versions",
    ),
    path(
        "cases/<uuid:case_id>/documents/<uuid:document_id>/download/",
        documents.DocumentDownloadView.as_view(),
        name="case-document-download",
    ),
    path(
        "cases/<uuid:case_id>/documents/<uuid:document_id>/versions/<int:number>/download/",
        documents.DocumentVersionDownloadView.as_view(),
        name="case-document-version-download",
    ),
    path("cases/<uuid:case_id>/relief/", relief.ReliefRecordsView.as_view(), name="case-relief"),
    path(
        "cases/<uuid:case_id>/relief/<uuid:record_id>/",
        relief.ReliefRecordDetailView.as_view(),
        name="case-relief-record",
    ),
    path(
        "cases/<uuid:case_id>/relief/<uuid:record_id>/request/",
        relief.ReliefRequestView.as_view(),
        name="case-relief-request",
    ),
    # Court (issue 16): dependency hearings (core) and the criminal case (investigation).
    path("cases/<uuid:case_id>/hearings/", court.DependencyHearingsView.as_view(), name="case-hearings"),
    path(
        "cases/<uuid:case_id>/hearings/<uuid:hearing_id>/",
        court.DependencyHearingDetailView.as_view(),
        name="case-hearing",
    ),
    path(
        "cases/<uuid:case_id>/criminal-cases/", court.CriminalCasesView.as_view(), name="case-criminal-cases"
    ),
    path(
        "cases/<uuid:case_id>/criminal-cases/<uuid:criminal_case_id>/",
        court.CriminalCaseDetailView.as_view(),
        name="case-criminal-case",
    ),
    path("cases/<uuid:case_id>/defendants/", court.DefendantsView.as_view(), name="case-defendants"),
    path(
        "cases/<uuid:case_id>/defendants/<uuid:defendant_id>/sentence/",
        court.DefendantSentenceView.as_view(),
        name="case-defendant-sentence",
    ),
    path("cases/<uuid:case_id>/charges/", court.ChargesView.as_view(), name="case-charges"),
    path("cases/<uuid:case_id>/proceedings/", court.ProceedingsView.as_view(), name="case-proceedings"),
    path(
        "cases/<uuid:case_id>/custody-events/", court.CustodyEventsView.as_view(), name="case-custody-events"
    ),
    path(
        "cases/<uuid:case_id>/restitution-orders/",
        court.RestitutionOrdersView.as_view(),
        name="case-restitution-orders",
    ),
    path(
        "cases/<uuid:case_id>/restitution-payments/",
        court.RestitutionPaymentsView.as_view(),
        name="case-restitution-payments",
    ),
    path("cases/<uuid:case_id>/plan/", plans.CasePlanView.as_view(), name="case-plan"),
    path("cases/<uuid:case_id>/plan/goals/", plans.PlanGoalsView.as_view(), name="case-plan-goals"),
    path(
        "cases/<uuid:case_id>/plan/goals/<uuid:goal_id>/",
        plans.PlanGoalDetailView.as_view(),
        name="case-plan-goal",
    ),
    path(
        "cases/<uuid:case_id>/plan/goals/<uuid:goal_id>/actions/",
        plans.PlanGoalActionsView.as_view(),
        name="case-plan-goal-actions",
    ),
    path(
        "cases/<uuid:case_id>/plan/actions/<uuid:action_id>/",
        plans.PlanActionDetailView.as_view(),
        name="case-plan-action",
    ),
    path("cases/<uuid:case_id>/plan/submit/", plans.PlanSubmitView.as_view(), name="case-plan-submit"),
    path(
        "cases/<uuid:case_id>/plan/submissions/",
        plans.PlanSubmissionsView.as_view(),
        name="case-plan-submissions",
    ),
    path("plan-submissions/", plans.PlanSubmissionQueueView.as_view(), name="plan-submissions"),
    path(
        "plan-submissions/<uuid:submission_id>/approve/",
        plans.PlanApproveView.as_view(),
        name="plan-submission-approve",
    ),
    path(
        "plan-submissions/<uuid:submission_id>/return/",
        plans.PlanReturnView.as_view(),
        name="plan-submission-return",
    ),
    path("cases/<uuid:case_id>/timeline/", cases.TimelineView.as_view(), name="case-timeline"),
    path("cases/<uuid:case_id>/closures/", closure.CaseClosuresView.as_view(), name="case-closures"),
    path(
        "cases/<uuid:case_id>/closure-blockers/",
        closure.CaseClosureBlockersView.as_view(),
        name="case-closure-blockers",
    ),
    path(
        "cases/<uuid:case_id>/closures/<uuid:closure_id>/approve/",
        closure.CaseClosureApproveView.as_view(),
        name="case-closure-approve",
    ),
    path(
        "cases/<uuid:case_id>/closures/<uuid:closure_id>/return/",
        closure.CaseClosureReturnView.as_view(),
        name="case-closure-return",
    ),
    path(
        "cases/<uuid:case_id>/closures/<uuid:closure_id>/withdraw/",
        closure.CaseClosureWithdrawView.as_view(),
        name="case-closure-withdraw",
    ),
    path("cases/<uuid:case_id>/reopen/", closure.CaseReopenView.as_view(), name="case-reopen"),
    path(
        "cases/<uuid:case_id>/exploitation-profile/",
        exploitation.ExploitationProfileView.as_view(),
        name="case-exploitation-profile",
    ),
    path("cases/<uuid:case_id>/links/", links.CaseLinksView.as_view(), name="case-links"),
    path(
        "cases/<uuid:case_id>/sibling-group/", links.CaseSiblingGroupView.as_view(), name="case-sibling-group"
    ),
    path("cases/<uuid:case_id>/links/<uuid:link_id>/", links.CaseLinkDetailView.as_view(), name="case-link"),
    path(
        "cases/<uuid:case_id>/possible-matches/",
        matching.PossibleMatchesView.as_view(),
        name="case-possible-matches",
    ),
    path(
        "cases/<uuid:case_id>/possible-matches/ask/",
        matching.ComparisonAskView.as_view(),
        name="case-possible-matches-ask",
    ),
    path("cases/<uuid:case_id>/break-glass/", security.BreakGlassView.as_view(), name="case-break-glass"),
    path("cases/<uuid:case_id>/access-log/", security.AccessLogView.as_view(), name="case-access-log"),
    path("cases/<uuid:case_id>/copies/", exports.CopiesTakenView.as_view(), name="case-copies"),
    path("cases/<uuid:case_id>/summary.pdf", exports.CaseSummaryView.as_view(), name="case-summary-pdf"),
    path(
        "cases/<uuid:case_id>/consents/<uuid:consent_id>/form.pdf",
        exports.ConsentFormView.as_view(),
        name="case-consent-form",
    ),
    path(
        "cases/<uuid:case_id>/access-log/disclosures/",
        security.DisclosureHistoryView.as_view(),
        name="case-disclosures",
    ),
    path("tasks/", work.TaskListCreateView.as_view(), name="tasks"),
    path("tasks/<uuid:task_id>/", work.TaskDetailView.as_view(), name="task"),
    path("tasks/<uuid:task_id>/complete/", work.TaskCompleteView.as_view(), name="task-complete"),
    path("tasks/<uuid:task_id>/reopen/", work.TaskReopenView.as_view(), name="task-reopen"),
    path("handoffs/", work.HandoffListCreateView.as_view(), name="handoffs"),
    path("handoffs/<uuid:handoff_id>/accept/", work.HandoffAcceptView.as_view(), name="handoff-accept"),
    path("handoffs/<uuid:handoff_id>/decline/", work.HandoffDeclineView.as_view(), name="handoff-decline"),
    path("handoffs/<uuid:handoff_id>/approve/", work.HandoffApproveView.as_view(), name="handoff-approve"),
    path("handoffs/<uuid:handoff_id>/withdraw/", work.HandoffWithdrawView.as_view(), name="handoff-withdraw"),
    path("match-reviews/<uuid:handoff_id>/", matching.MatchReviewView.as_view(), name="match-review"),
    path("comparisons/<uuid:handoff_id>/merge/", matching.MergeView.as_view(), name="comparison-merge"),
    path(
        "comparisons/<uuid:handoff_id>/merge/agree/",
        matching.MergeAgreeView.as_view(),
        name="comparison-merge-agree",
    ),
    path(
        "comparisons/<uuid:handoff_id>/merge/decline/",
        matching.MergeDeclineView.as_view(),
        name="comparison-merge-decline",
    ),
    path(
        "match-reviews/<uuid:handoff_id>/confirm/",
        matching.MatchReviewConfirmView.as_view(),
        name="match-review-confirm",
    ),
    path(
        "match-reviews/<uuid:handoff_id>/reject/",
        matching.MatchReviewRejectView.as_view(),
        name="match-review-reject",
    ),
    path(
        "match-reviews/<uuid:handoff_id>/invite/",
        matching.MatchReviewInviteView.as_view(),
        name="match-review-invite",
    ),
    path("notifications/", work.NotificationListView.as_view(), name="notifications"),
    path("notifications/read-all/", work.NotificationReadAllView.as_view(), name="notifications-read-all"),
    path(
        "notifications/<uuid:notification_id>/read/",
        work.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path("deadline-templates/", work.DeadlineTemplateListView.as_view(), name="deadline-templates"),
    path("screening-instruments/", screening.InstrumentListView.as_view(), name="screening-instruments"),
    path(
        "screening-instruments/<int:instrument_id>/",
        screening.InstrumentDetailView.as_view(),
        name="screening-instrument",
    ),
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, so the Content Security Policy needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Service referrals (issue 16, part 1).
    path("service-types/", referrals.ServiceTypeListView.as_view(), name="service-types"),
    path("cases/<uuid:case_id>/referrals/", referrals.CaseReferralsView.as_view(), name="case-referrals"),
    path("referrals/", referrals.ReferralListView.as_view(), name="referrals"),
    path("referrals/<uuid:referral_id>/", referrals.ReferralDetailView.as_view(), name="referral"),
    path(
        "referrals/<uuid:referral_id>/accept/", referrals.ReferralAcceptView.as_view(), name="referral-accept"
    ),
    path(
        "referrals/<uuid:referral_id>/decline/",
        referrals.ReferralDeclineView.as_view(),
        name="referral-decline",
    ),
    path(
        "referrals/<uuid:referral_id>/withdraw/",
        referrals.ReferralWithdrawView.as_view(),
        name="referral-withdraw",
    ),
    path(
        "referrals/<uuid:referral_id>/outcome/",
        referrals.ReferralOutcomeView.as_view(),
        name="referral-outcome",
    ),
    path(
        "referrals/<uuid:referral_id>/sessions/",
        referrals.ReferralSessionsView.as_view(),
        name="referral-sessions",
    ),
]
