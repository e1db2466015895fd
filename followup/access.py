"""Who may do what in follow-up: the one place the app checks access.

Follow-up builds on the plan's permissions (actionplans.access):
- those who work on the plan (coordinators, the strategy group, the council, the steering
  group, the areas' leads) see its rounds, the reports and the generated PDFs;
- coordinators (edit_plans) open and close rounds, generate reports and may fill any
  activity's report;
- an area's lead (insatsledare) fills the reports of that area's activities, and an
  activity's own contact person fills its report even without any other role;
- the steering group (approve_plans) comments on, approves or sends back a report.
Everyone else gets a 404, so that drafts stay unseen.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from actionplans.access import PlanAccess, plan_access
from actionplans.models import ActionPlan
from followup.models import ActivityReport, FollowUpRound, Report
from portal.models import User

#: Plans that can be followed up: decided ones (a draft has nothing to follow up yet).
FOLLOWABLE_STATES = (
    ActionPlan.State.APPROVED,
    ActionPlan.State.PUBLISHED,
    ActionPlan.State.CLOSED,
)


@dataclass(frozen=True)
class RoundAccess:
    plan: PlanAccess
    user_id: int | None

    @property
    def can_view(self) -> bool:
        return self.plan.can_work_on

    @property
    def can_manage(self) -> bool:
        """Open and close rounds, generate reports, fill any report."""
        return self.plan.can_edit_plan

    @property
    def can_review(self) -> bool:
        return self.plan.can_approve

    @property
    def can_comment(self) -> bool:
        return self.plan.can_comment

    def can_fill(self, report: ActivityReport) -> bool:
        activity = report.activity
        return self.plan.can_edit_area(activity.collaboration_area_id) or (
            self.user_id is not None and activity.contact_id == self.user_id
        )


def round_access(user: User | AnonymousUser, followup_round: FollowUpRound) -> RoundAccess:
    return RoundAccess(
        plan=plan_access(user, followup_round.plan),
        user_id=user.pk if user.is_authenticated else None,
    )


def get_round_for_user(
    user: User | AnonymousUser, round_id: int
) -> tuple[FollowUpRound, RoundAccess]:
    try:
        followup_round = FollowUpRound.objects.select_related(
            "plan", "plan__strategy", "opened_by"
        ).get(pk=round_id)
    except FollowUpRound.DoesNotExist:
        raise Http404 from None
    access = round_access(user, followup_round)
    if not access.can_view:
        raise Http404
    return followup_round, access


def get_report_for_user(
    user: User | AnonymousUser, report_id: int
) -> tuple[ActivityReport, RoundAccess]:
    """An activity report for those who see the round, and for the activity's contact."""
    try:
        report = ActivityReport.objects.select_related(
            "round",
            "round__plan",
            "round__plan__strategy",
            "activity",
            "activity__collaboration_area",
            "activity__lead_organisation",
        ).get(pk=report_id)
    except ActivityReport.DoesNotExist:
        raise Http404 from None
    access = round_access(user, report.round)
    if not (access.can_view or access.can_fill(report)):
        raise Http404
    return report, access


def get_pdf_report_for_user(
    user: User | AnonymousUser, pdf_report_id: int
) -> tuple[Report, RoundAccess]:
    try:
        report = Report.objects.select_related(
            "round", "round__plan", "round__plan__strategy", "requested_by", "reviewed_by"
        ).get(pk=pdf_report_id)
    except Report.DoesNotExist:
        raise Http404 from None
    access = round_access(user, report.round)
    if not access.can_view:
        raise Http404
    return report, access
