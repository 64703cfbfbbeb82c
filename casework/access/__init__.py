"""The case policy: the one place that decides who may see or do what on a case, and which
sections. Every view, API endpoint, template, export and notification asks it; none decides for
itself, and nothing outside this package reads the permission stores (a test holds it to that).

Two stores answer:

* guardian's direct foreign-key permission tables say *who takes part*: `view_case` held by an
  agency's group means the agency participates; `work_on_case` held by a user puts a caseworker
  on the case team. The services that change participation keep these rows in step.
* `SectionGrant` says *which data sections* an agency may read. Grants carry their basis,
  consent and expiry, which guardian rows cannot, and an expired grant stops access at the
  moment it expires because every check compares `expires_at` with now.

What a caller may not see raises `NotFound`, the same error as for something that does not
exist, so nobody can probe for a child's existence; what a caller sees but may not do raises
`PermissionDenied` with the rule's own words (`CaseAccess.require`).

* `policy`: which cases a user sees, and `CaseAccess`, the policy object for one user on one
  case ("may I", "which sections", `Action`);
* `records`: what the user sees of the things on a case, and may do with tasks and handoffs;
* `audience`: the reverse direction, which people are on a case or must act (the case team,
  who answers, who is reminded, who is told);
* `signers`: whose signature on a consent may ground a grant;
* `disclosures`: the access log and the disclosure history (who had access, when, and why);
* `sql`: the same rules written out as SQL once, spliced into queries over many rows.
"""

from casework.access.audience import case_team
from casework.access.disclosures import (
    Disclosure,
    DisclosureBasis,
    case_access_log,
    copies_taken,
    disclosure_history,
)
from casework.access.policy import (
    BREAK_GLASS_READS_ONLY,
    CASE_IS_CLOSED,
    CASE_ROLES,
    DENIALS,
    LIAISON_ROLES,
    Action,
    CaseAccess,
    active_break_glass_filter,
    active_grant_filter,
    agency_grant_ended_since,
    agency_holds_section_filter,
    agency_next_grant_expiry,
    agency_reads_section_filter,
    agency_stewards,
    agency_takes_part,
    case_found_filter,
    case_visibility_filter,
    case_with_readable_sections,
    cases_visible_to,
    cases_worked_on_by,
    get_case_access,
    may_view_dashboard,
    parse_id,
    participants_visible,
    readable_sections_by_case,
    section_may_reach,
    sees_case,
    sees_every_agency_case,
    worked_on_filter,
    works_on_cases,
)
from casework.access.records import (
    agencies_reached_without_approval,
    agencies_reading,
    agencies_reading_section,
    agency_may_hold_task,
    case_events_visible,
    consents_visible,
    event_tasks_visible,
    get_case_event,
    get_handoff_for_user,
    get_task_for_user,
    grants_visible,
    handoff_needs_approval,
    handoffs_to_approve_filter,
    handoffs_visible_to,
    may_answer_handoff,
    may_approve_handoff,
    may_assign_task,
    may_claim_task,
    may_compare_identity,
    may_edit_task_detail,
    may_hand_off_task,
    may_reassign_task,
    may_reopen_task,
    may_withdraw_handoff,
    may_work_on_task,
    notes_visible,
    pending_handoffs_to_agency_visible_to,
    task_shows_detail,
    tasks_visible_to,
    tasks_waiting_for,
    timeline_visible,
)
from casework.access.signers import consent_capacities_ruled_out, signer_capacities_source_register
from casework.access.sql import (
    TASK_DETAIL_FIELDS,
    VIEW_CASE,
    WORK_ON_CASE,
    CaseVisible,
    open_cases_per_worker,
    owner_reads_task_section,
    owner_sees_task,
    readable_changed_at,
)

__all__ = [
    "BREAK_GLASS_READS_ONLY",
    "CASE_IS_CLOSED",
    "CASE_ROLES",
    "DENIALS",
    "LIAISON_ROLES",
    "TASK_DETAIL_FIELDS",
    "VIEW_CASE",
    "WORK_ON_CASE",
    "Action",
    "CaseAccess",
    "CaseVisible",
    "Disclosure",
    "DisclosureBasis",
    "active_break_glass_filter",
    "active_grant_filter",
    "agencies_reached_without_approval",
    "agencies_reading",
    "agencies_reading_section",
    "agency_grant_ended_since",
    "agency_holds_section_filter",
    "agency_may_hold_task",
    "agency_next_grant_expiry",
    "agency_reads_section_filter",
    "agency_stewards",
    "agency_takes_part",
    "case_access_log",
    "case_events_visible",
    "case_found_filter",
    "case_team",
    "case_visibility_filter",
    "case_with_readable_sections",
    "cases_visible_to",
    "cases_worked_on_by",
    "consent_capacities_ruled_out",
    "consents_visible",
    "copies_taken",
    "disclosure_history",
    "event_tasks_visible",
    "get_case_access",
    "get_case_event",
    "get_handoff_for_user",
    "get_task_for_user",
    "grants_visible",
    "handoff_needs_approval",
    "handoffs_to_approve_filter",
    "handoffs_visible_to",
    "may_answer_handoff",
    "may_approve_handoff",
    "may_assign_task",
    "may_claim_task",
    "may_compare_identity",
    "may_edit_task_detail",
    "may_hand_off_task",
    "may_reassign_task",
    "may_reopen_task",
    "may_view_dashboard",
    "may_withdraw_handoff",
    "may_work_on_task",
    "notes_visible",
    "open_cases_per_worker",
    "owner_reads_task_section",
    "owner_sees_task",
    "parse_id",
    "participants_visible",
    "pending_handoffs_to_agency_visible_to",
    "readable_changed_at",
    "readable_sections_by_case",
    "section_may_reach",
    "sees_case",
    "sees_every_agency_case",
    "signer_capacities_source_register",
    "task_shows_detail",
    "tasks_visible_to",
    "tasks_waiting_for",
    "timeline_visible",
    "worked_on_filter",
    "works_on_cases",
]
