"""Who may do what with action plans: the one place the app checks access.

Permissions are django-guardian object permissions on the strategy (edit, comment on and
approve its plans) and on a collaboration area (edit its activities). They are granted
from the bodies people sit in by :func:`access_sync`, so a membership is all an
administrator maintains:

- members of the strategy's coordinators body edit every plan of the strategy;
- the lead (insatsledare) of a collaboration group edits that area's activities;
- members of the strategy group and of the digitalisation council comment;
- members of the programme steering group approve (and comment).

Everyone else, anonymous readers included, reads published plans only.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from actionplans.models import ActionPlan, Activity, Initiative
from portal.models import Body, Membership, User
from strategy.models import (
    CollaborationArea,
    CollaborationAreaUserObjectPermission,
    Strategy,
    StrategyUserObjectPermission,
)

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


def plan_access(user: User | AnonymousUser, plan: ActionPlan) -> PlanAccess:
    """Two indexed queries: the user's permissions on the strategy and on its areas."""
    if not user.is_authenticated or not user.is_active:
        return PlanAccess()
    if user.is_superuser:
        return PlanAccess(is_superuser=True)
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
    return PlanAccess(strategy_perms=strategy_perms, area_ids=area_ids)


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


def plans_for_user(user: User) -> list[ActionPlan]:
    """Every plan the user works on, newest first: those of the strategies they hold a
    permission on, through the strategy or one of its areas."""
    if user.is_superuser:
        strategies = Strategy.objects.all()
    else:
        strategies = Strategy.objects.filter(
            pk__in=StrategyUserObjectPermission.objects.filter(user=user).values(
                "content_object_id"
            )
        ) | Strategy.objects.filter(
            pk__in=CollaborationAreaUserObjectPermission.objects.filter(user=user).values(
                "content_object__strategy_id"
            )
        )
    return list(
        ActionPlan.objects.filter(strategy__in=strategies)
        .select_related("strategy")
        .order_by("strategy__title", "-year", "-revision")
    )


@transaction.atomic
def access_sync(*, strategy: Strategy) -> dict[str, int]:
    """Grant exactly the permissions the memberships call for on the strategy and its areas.

    Permissions granted by hand on these objects are replaced: membership of a body is the
    one way in, so that removing someone from a body also takes their access away.
    Returns how many grants were added and removed.
    """
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="strategy", codename__in=(*STRATEGY_PERMISSIONS, EDIT_AREA)
        )
    }
    wanted: set[tuple[int, str]] = set()
    memberships = Membership.objects.filter(
        body__in=strategy.governing_bodies.all(), user__is_active=True
    ).select_related("body")
    for membership in memberships:
        for codename in BODY_PERMISSIONS.get(membership.body.kind, ()):
            wanted.add((membership.user_id, codename))
    added, removed = _replace(
        StrategyUserObjectPermission, strategy, wanted, permissions, STRATEGY_PERMISSIONS
    )

    for area in CollaborationArea.objects.filter(strategy=strategy).select_related("group"):
        leads = set()
        if area.group_id:
            leads = {
                (user_id, EDIT_AREA)
                for user_id in Membership.objects.filter(
                    body_id=area.group_id, role=Membership.Role.LEAD, user__is_active=True
                ).values_list("user_id", flat=True)
            }
        area_added, area_removed = _replace(
            CollaborationAreaUserObjectPermission, area, leads, permissions, (EDIT_AREA,)
        )
        added += area_added
        removed += area_removed
    return {"added": added, "removed": removed}


def _replace(model, obj, wanted: set[tuple[int, str]], permissions, codenames) -> tuple[int, int]:
    existing = {
        (row.user_id, row.permission.codename): row
        for row in model.objects.filter(
            content_object=obj, permission__codename__in=codenames
        ).select_related("permission")
    }
    surplus = [row.pk for key, row in existing.items() if key not in wanted]
    missing = [
        model(user_id=user_id, permission=permissions[codename], content_object=obj)
        for user_id, codename in wanted - set(existing)
    ]
    model.objects.filter(pk__in=surplus).delete()
    model.objects.bulk_create(missing)
    return len(missing), len(surplus)


def access_sync_for_body(*, body: Body) -> None:
    """After a body or its members changed: resync every strategy it touches."""
    strategies = set(body.governed_strategies.all())
    area = CollaborationArea.objects.filter(group=body).select_related("strategy").first()
    if area:
        strategies.add(area.strategy)
    for strategy in strategies:
        access_sync(strategy=strategy)


# --- Initiatives ---------------------------------------------------------------------------
# The intake of initiatives (actionplans.services.initiatives):
# - any signed-in member of a collaborating organisation submits an initiative to a strategy;
# - those who prepare plans (the strategy group, the council, the coordinators: ``comment_plans``
#   on the strategy) see every initiative and assign a preparer among themselves;
# - the preparer scores it against the programme's criteria and writes the analysis;
# - the steering group (``approve_plans``) decides.
# The submitter sees their own initiatives.


def can_submit(user: User | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.organisation is not None
        and user.organisation.collaborates
    )


@dataclass(frozen=True)
class InitiativeAccess:
    """What one user may do with one initiative.

    ``may_*`` is what the user's role allows in any state: a post without it is refused
    (403) before its form is read. ``can_*`` is what the page offers now, the role and the
    initiative's state together; a post the state no longer allows is answered by the
    service's message instead.
    """

    perms: frozenset[str]
    is_submitter: bool
    is_preparer: bool
    is_superuser: bool = False
    state: str = Initiative.State.SUBMITTED
    is_scored: bool = False

    @property
    def can_view(self) -> bool:
        return self.is_superuser or self.is_submitter or bool(self.perms)

    @property
    def may_prepare(self) -> bool:
        """Assign a preparer and comment: the strategy group, council and coordinators."""
        return self.is_superuser or bool(self.perms & {COMMENT, EDIT})

    @property
    def may_score(self) -> bool:
        return self.is_superuser or self.is_preparer

    @property
    def may_put_on_agenda(self) -> bool:
        return self.may_prepare or self.may_decide

    @property
    def may_decide(self) -> bool:
        return self.is_superuser or APPROVE in self.perms

    @property
    def can_comment(self) -> bool:
        """In every state, so the timeline stays open after the decision."""
        return self.may_prepare or self.may_decide or self.is_submitter

    @property
    def can_assign(self) -> bool:
        return self.may_prepare and self.state != Initiative.State.DECIDED

    @property
    def can_score(self) -> bool:
        return self.may_score and self.state == Initiative.State.ANALYSIS

    @property
    def can_put_on_agenda(self) -> bool:
        return self.may_put_on_agenda and self._awaits_decision

    @property
    def can_decide(self) -> bool:
        return self.may_decide and self._awaits_decision

    @property
    def _awaits_decision(self) -> bool:
        return self.state == Initiative.State.ANALYSIS and self.is_scored


def _strategy_perms(user: User | AnonymousUser, strategy_id: int) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(
        StrategyUserObjectPermission.objects.filter(
            user=user, content_object_id=strategy_id
        ).values_list("permission__codename", flat=True)
    )


def initiative_access(user: User | AnonymousUser, initiative: Initiative) -> InitiativeAccess:
    authenticated = user.is_authenticated and user.is_active
    return InitiativeAccess(
        perms=_strategy_perms(user, initiative.strategy_id),
        is_submitter=bool(authenticated and initiative.submitted_by_id == user.pk),
        is_preparer=bool(authenticated and initiative.preparer_id == user.pk),
        is_superuser=bool(authenticated and user.is_superuser),
        state=initiative.state,
        is_scored=initiative.total_score is not None,
    )


def get_initiative_for_user(
    user: User | AnonymousUser, initiative_id: int
) -> tuple[Initiative, InitiativeAccess]:
    """The initiative for its submitter and those who prepare or decide; 404 for others."""
    try:
        initiative = Initiative.objects.select_related(
            "strategy", "organisation", "submitted_by", "preparer", "plan", "activity", "decision"
        ).get(pk=initiative_id)
    except Initiative.DoesNotExist:
        raise Http404 from None
    access = initiative_access(user, initiative)
    if not access.can_view:
        raise Http404
    return initiative, access
