"""Who may do what in follow-up: the one place the app's access rules live.

Follow-up builds on the plan's permissions (actionplans.access):
- those who work on the plan (coordinators, the strategy group, the council, the steering
  group, the areas' leads) see its rounds, the reports and the generated PDFs;
- coordinators (edit_plans) open and close rounds, generate reports and may fill any
  activity's report;
- an area's lead (insatsledare) fills the reports of that area's activities, and an
  activity's own contact person fills its report even without any other role;
- the steering group (approve_plans) comments on, approves or sends back a report.
Everyone else gets a 404, so that drafts stay unseen.

``FollowUpAccess`` holds the permissions; the services check it. ``RoundAccess``,
``ReportAccess`` and ``PdfReportAccess`` add the state of what a page shows, and say which
of its buttons and forms the page offers. A post is checked against the permission only:
the services then refuse a stale page's post with a message (the state may have changed).
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404

from actionplans.access import (
    EDIT_AREA,
    STRATEGY_PERMISSIONS,
    PlanAccess,
    get_plan_for_user,
    plan_access,
)
from actionplans.models import ActionPlan
from followup.models import ActivityReport, FollowUpRound, IndicatorValue, Report
from portal.models import User
from strategy.models import (
    CollaborationAreaUserObjectPermission,
    Strategy,
    StrategyUserObjectPermission,
)

#: Plans that can be followed up: decided ones (a draft has nothing to follow up yet).
FOLLOWABLE_STATES = (
    ActionPlan.State.APPROVED,
    ActionPlan.State.PUBLISHED,
    ActionPlan.State.CLOSED,
)


@dataclass(frozen=True)
class FollowUpAccess:
    """What one user may do in the follow-up of one plan."""

    plan: PlanAccess
    user_id: int | None
    plan_state: str

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

    @property
    def can_open(self) -> bool:
        """Open a new round of the plan."""
        return self.can_manage and self.plan_state in FOLLOWABLE_STATES

    def can_fill(self, report: ActivityReport) -> bool:
        """As the activity's contact or its area's lead (coordinators edit every area)."""
        activity = report.activity
        return self.plan.can_edit_area(activity.collaboration_area_id) or (
            self.user_id is not None and activity.contact_id == self.user_id
        )


def followup_access(
    user: User | AnonymousUser, plan: ActionPlan, permissions: PlanAccess | None = None
) -> FollowUpAccess:
    """``permissions``: the plan's, when the caller has read them already."""
    return FollowUpAccess(
        plan=permissions if permissions is not None else plan_access(user, plan),
        user_id=user.pk if user.is_authenticated else None,
        plan_state=plan.state,
    )


def round_access(user: User | AnonymousUser, followup_round: FollowUpRound) -> FollowUpAccess:
    return followup_access(user, followup_round.plan)


@dataclass(frozen=True)
class RoundAccess:
    """A round's page: closing it, opening it again, and a new version of its report."""

    followup: FollowUpAccess
    round_state: str
    #: A version of the round's report is approved: the round stays closed, with no new
    #: version.
    approved: bool

    @property
    def can_close(self) -> bool:
        return self.followup.can_manage and self.round_state == FollowUpRound.State.OPEN

    @property
    def can_reopen(self) -> bool:
        return (
            self.followup.can_manage
            and self.round_state == FollowUpRound.State.CLOSED
            and not self.approved
        )

    @property
    def can_request_report(self) -> bool:
        return self.followup.can_manage and not self.approved


@dataclass(frozen=True)
class ReportAccess:
    """An activity's report: who fills it, and whether it can be changed now."""

    followup: FollowUpAccess
    #: The activity's contact, its area's lead or a coordinator.
    fills: bool
    round_state: str
    report_state: str

    @property
    def can_edit(self) -> bool:
        """Save a draft of the report, or submit it (a submitted one stays submitted)."""
        return self.fills and self.round_state == FollowUpRound.State.OPEN

    @property
    def can_reopen(self) -> bool:
        """Give a submitted report back to its lead as a draft."""
        return (
            self.followup.can_manage
            and self.report_state == ActivityReport.State.SUBMITTED
            and self.round_state == FollowUpRound.State.OPEN
        )


@dataclass(frozen=True)
class PdfReportAccess:
    """A version of the round's report: its build, comments and review."""

    followup: FollowUpAccess
    state: str
    review: str
    #: No later version of the round's report exists.
    is_newest: bool

    @property
    def can_retry(self) -> bool:
        """Build a failed version again."""
        return self.followup.can_manage and self.state == Report.State.FAILED

    @property
    def can_comment(self) -> bool:
        return self.followup.can_comment and self.state == Report.State.DONE

    @property
    def can_review(self) -> bool:
        """Approve the version or send it back: the newest, finished and not yet reviewed."""
        return (
            self.followup.can_review
            and self.state == Report.State.DONE
            and self.review == Report.Review.PENDING
            and self.is_newest
        )


def get_followup_plan_for_user(
    user: User | AnonymousUser, plan_id: int
) -> tuple[ActionPlan, FollowUpAccess]:
    """The plan whose follow-up the user sees (actionplans.access decides who sees it)."""
    plan, permissions = get_plan_for_user(user, plan_id)
    return plan, followup_access(user, plan, permissions)


def get_round_for_user(
    user: User | AnonymousUser, round_id: int
) -> tuple[FollowUpRound, RoundAccess]:
    approved = Report.objects.filter(round=OuterRef("pk"), review=Report.Review.APPROVED)
    try:
        followup_round = (
            FollowUpRound.objects.select_related("plan", "plan__strategy", "opened_by")
            .annotate(has_approved_report=Exists(approved))
            .get(pk=round_id)
        )
    except FollowUpRound.DoesNotExist:
        raise Http404 from None
    access = round_access(user, followup_round)
    if not access.can_view:
        raise Http404
    return followup_round, RoundAccess(
        followup=access,
        round_state=followup_round.state,
        approved=followup_round.has_approved_report,
    )


def get_report_for_user(
    user: User | AnonymousUser, report_id: int
) -> tuple[ActivityReport, ReportAccess]:
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
    access = report_access(user, report)
    if not (access.followup.can_view or access.fills):
        raise Http404
    return report, access


def report_access(user: User | AnonymousUser, report: ActivityReport) -> ReportAccess:
    """What the user may do with the report (its round and activity loaded)."""
    access = round_access(user, report.round)
    return ReportAccess(
        followup=access,
        fills=access.can_fill(report) or access.can_manage,
        round_state=report.round.state,
        report_state=report.state,
    )


def get_pdf_report_for_user(
    user: User | AnonymousUser, pdf_report_id: int
) -> tuple[Report, PdfReportAccess]:
    newest = (
        Report.objects.filter(round=OuterRef("round")).order_by("-version").values("version")[:1]
    )
    try:
        report = (
            Report.objects.select_related(
                "round", "round__plan", "round__plan__strategy", "requested_by", "reviewed_by"
            )
            .annotate(newest_version=Subquery(newest))
            .get(pk=pdf_report_id)
        )
    except Report.DoesNotExist:
        raise Http404 from None
    access = round_access(user, report.round)
    if not access.can_view:
        raise Http404
    return report, PdfReportAccess(
        followup=access,
        state=report.state,
        review=report.review,
        is_newest=report.version == report.newest_version,
    )


# --- The programme dashboard (followup.dashboard) -------------------------------------------


@dataclass(frozen=True)
class DashboardAccess:
    """What of a strategy's follow-up its programme dashboard shows.

    The public sees the rounds of published plans whose report the steering group has
    approved: figures the steering group has not yet accepted stay inside the programme.
    Those who work on the programme (coordinators, the steering group, the strategy group,
    the council, the areas' leads) also see the rounds still under way of every decided
    plan, the current one first of all.
    """

    works_on_programme: bool

    def shows_round(self, *, plan_state: str, approved: bool) -> bool:
        if approved and plan_state in ActionPlan.PUBLIC_STATES:
            return True
        return self.works_on_programme and plan_state in FOLLOWABLE_STATES

    def shows_indicator_value(self, value: IndicatorValue, shown_years: set[int]) -> bool:
        """Kolada publishes its values itself; a value entered here is public only for a
        year whose round the public sees (it is entered with that round's reports)."""
        return self.works_on_programme or value.from_kolada or value.year in shown_years


#: The PDF report's overview: the steering group reads it before approving, so it shows
#: what they see (the round being reported on included).
REPORT_DASHBOARD_ACCESS = DashboardAccess(works_on_programme=True)


def dashboard_access(user: User | AnonymousUser, strategy: Strategy) -> DashboardAccess:
    """Two indexed queries (none for anonymous users and administrators): a permission on
    the strategy's plans or on one of its collaboration areas."""
    if not user.is_authenticated or not user.is_active:
        return DashboardAccess(works_on_programme=False)
    if user.is_superuser:
        return DashboardAccess(works_on_programme=True)
    works_on = (
        StrategyUserObjectPermission.objects.filter(
            user=user,
            content_object_id=strategy.pk,
            permission__codename__in=STRATEGY_PERMISSIONS,
        ).exists()
        or CollaborationAreaUserObjectPermission.objects.filter(
            user=user, permission__codename=EDIT_AREA, content_object__strategy_id=strategy.pk
        ).exists()
    )
    return DashboardAccess(works_on_programme=works_on)


def get_dashboard_for_user(
    user: User | AnonymousUser, slug: str
) -> tuple[Strategy, DashboardAccess]:
    """The strategy whose dashboard the user sees: one whose plans are not public (a
    strategy not public, or not decided yet) is a 404 to all but those who work on it; an
    ended strategy's stays readable."""
    try:
        strategy = Strategy.objects.select_related("owner").get(slug=slug)
    except Strategy.DoesNotExist:
        raise Http404 from None
    access = dashboard_access(user, strategy)
    if not strategy.shows_plans_publicly and not access.works_on_programme:
        raise Http404
    return strategy, access
