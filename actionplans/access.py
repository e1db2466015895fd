"""Who may do what with action plans: the one place the app checks access.

Permissions are django-guardian object permissions on the strategy (edit, comment on and
approve its plans) and on a collaboration area (edit its activities). They are granted
from the bodies people sit in (``actionplans.services.permissions.access_sync``), so a
membership is all an administrator maintains:

- members of the strategy's coordinators body edit every plan of the strategy;
- the lead (insatsledare) of a collaboration group edits that area's activities;
- members of the strategy group and of the digitalisation council comment;
- members of the programme steering group approve (and comment).

Everyone else, anonymous readers included, reads published plans only.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from actionplans.models import ActionPlan, Activity
from portal.models import Body, User
from strategy.models import CollaborationAreaUserObjectPermission, StrategyUserObjectPermission

EDIT = "edit_plans"
COMMENT = "comment_plans"
APPROVE = "approve_plans"
EDIT_AREA = "edit_area_activities"
STRATEGY_PERMISSIONS = (EDIT, COMMENT, APPROVE)

#: What the members of each kind of governing body may do with the strategy's plans.
BODY_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Body.Kind.COORDINATORS: (EDIT, COMMENT),
    Body.Kind.STRATEGY_GROUP: (COMMENT,),
    Body.Kind.DIGITALISATION_COUNCIL: (COMMENT,),
    Body.Kind.STEERING_GROUP: (APPROVE, COMMENT),
}


@dataclass(frozen=True)
class PlanAccess:
    """What one user may do with one plan, worked out once per request."""

    strategy_perms: frozenset[str] = frozenset()
    #: Collaboration areas whose activities the user may edit (as their lead).
    area_ids: frozenset[int] = field(default_factory=frozenset)
    is_superuser: bool = False
    #: The plan's state when the access was worked out.
    plan_state: str = ""

    @property
    def can_edit_plan(self) -> bool:
        return self.is_superuser or EDIT in self.strategy_perms

    @property
    def can_comment(self) -> bool:
        return self.is_superuser or bool(self.strategy_perms & {COMMENT, EDIT, APPROVE})

    @property
    def can_approve(self) -> bool:
        return self.is_superuser or APPROVE in self.strategy_perms

    @property
    def can_work_on(self) -> bool:
        """May see the plan in every state (drafts included)."""
        return self.is_superuser or bool(self.strategy_perms) or bool(self.area_ids)

    def has(self, permission: str) -> bool:
        return self.is_superuser or permission in self.strategy_perms

    def can_edit_area(self, area_id: int) -> bool:
        return self.can_edit_plan or area_id in self.area_ids

    @property
    def can_add_activities(self) -> bool:
        return self.can_edit_plan or bool(self.area_ids)

    # The rules below also depend on the plan's state (as it was when the access was worked
    # out); the services check the state again under a row lock.

    @property
    def plan_is_editable(self) -> bool:
        return self.plan_state in ActionPlan.EDITABLE_STATES

    @property
    def can_edit_activities(self) -> bool:
        """May add activities (and import them from a spreadsheet) now: in a draft."""
        return self.plan_is_editable and self.can_add_activities

    @property
    def can_revise(self) -> bool:
        return self.can_edit_plan and self.plan_state in ActionPlan.REVISABLE_STATES

    @property
    def can_offer(self) -> bool:
        return self.can_edit_plan and self.plan_state in ActionPlan.OFFERABLE_STATES

    def for_activity(self, activity: Activity) -> "ActivityAccess":
        return ActivityAccess(plan=self, area_id=activity.collaboration_area_id)


@dataclass(frozen=True)
class ActivityAccess:
    """What one user may do with one activity of the plan."""

    plan: PlanAccess
    area_id: int

    @property
    def can_edit(self) -> bool:
        """Edit, move, remove, restore or revert it: in a draft, as an editor of the plan or
        the lead of the activity's collaboration area."""
        return self.plan.plan_is_editable and self.plan.can_edit_area(self.area_id)


def plan_access(user: User | AnonymousUser, plan: ActionPlan) -> PlanAccess:
    """Two indexed queries: the user's permissions on the strategy and on its areas."""
    if not user.is_authenticated or not user.is_active:
        return PlanAccess(plan_state=plan.state)
    if user.is_superuser:
        return PlanAccess(is_superuser=True, plan_state=plan.state)
    strategy_perms = frozenset(
        StrategyUserObjectPermission.objects.filter(
            user=user, content_object_id=plan.strategy_id
        ).values_list("permission__codename", flat=True)
    )
    area_ids = frozenset(
        CollaborationAreaUserObjectPermission.objects.filter(
            user=user,
            permission__codename=EDIT_AREA,
            content_object__strategy_id=plan.strategy_id,
        ).values_list("content_object_id", flat=True)
    )
    return PlanAccess(strategy_perms=strategy_perms, area_ids=area_ids, plan_state=plan.state)


def can_view_plan(plan: ActionPlan, access: PlanAccess) -> bool:
    return plan.is_public or access.can_work_on


def get_plan_for_user(user: User | AnonymousUser, plan_id: int) -> tuple[ActionPlan, PlanAccess]:
    """The plan if the user may work on it; 404 otherwise, so that drafts stay unseen.

    Readers of a published plan use its public page; the workspace is for those who work
    on the plan.
    """
    try:
        plan = ActionPlan.objects.select_related("strategy", "strategy__owner").get(pk=plan_id)
    except ActionPlan.DoesNotExist:
        raise Http404 from None
    access = plan_access(user, plan)
    if not access.can_work_on:
        raise Http404
    return plan, access


def get_activity_for_user(
    user: User | AnonymousUser, activity_id: int, *, edit: bool
) -> tuple[Activity, PlanAccess]:
    """The activity if the user may work on its plan (and, with ``edit``, edit it)."""
    try:
        activity = Activity.objects.select_related(
            "plan", "plan__strategy", "collaboration_area"
        ).get(pk=activity_id)
    except Activity.DoesNotExist:
        raise Http404 from None
    access = plan_access(user, activity.plan)
    if not access.can_work_on:
        raise Http404
    if edit and not access.can_edit_area(activity.collaboration_area_id):
        raise PermissionDenied
    return activity, access
