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
from django.shortcuts import get_object_or_404

from actionplans.models import ActionPlan, Activity, Initiative, Offer, PlanImport
from portal.access import ANSWER_OFFERS
from portal.dates import today
from portal.models import Body, Organisation, OrganisationUserObjectPermission, User
from strategy.access import StrategyAccess
from strategy.models import (
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

    @property
    def awaits_review(self) -> bool:
        """The plan waits for this person now: under review, for the steering group's
        approval and the comments of the strategy group and the council. The coordinators
        who submitted it wait with them."""
        return self.plan_state == ActionPlan.State.REVIEW and (
            self.can_approve or (self.can_comment and not self.can_edit_plan)
        )

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


@dataclass(frozen=True)
class CarryOverAccess:
    """Carrying a plan's continuing activities into the first plan of the strategy that
    follows: the coordinators of both strategies (the new one's are granted from the same
    bodies when it is started from the old)."""

    plan: PlanAccess
    new_strategy: StrategyAccess

    @property
    def can_carry_over(self) -> bool:
        return (
            self.plan.can_edit_plan
            and self.new_strategy.is_coordinator
            and (self.new_strategy.state in (Strategy.State.DECIDED, Strategy.State.IN_FORCE))
        )


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


def _perms_by_strategy(user: User, strategy_ids: set[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {}
    for strategy_id, codename in StrategyUserObjectPermission.objects.filter(
        user=user, content_object_id__in=strategy_ids
    ).values_list("content_object_id", "permission__codename"):
        found.setdefault(strategy_id, set()).add(codename)
    return {strategy_id: frozenset(codenames) for strategy_id, codenames in found.items()}


def plan_accesses(user: User, plans: list[ActionPlan]) -> dict[int, PlanAccess]:
    """plan_access for many plans, by plan id, in two queries however many there are."""
    if not user.is_active:
        return {plan.pk: PlanAccess(plan_state=plan.state) for plan in plans}
    if user.is_superuser:
        return {plan.pk: PlanAccess(is_superuser=True, plan_state=plan.state) for plan in plans}
    strategy_ids = {plan.strategy_id for plan in plans}
    perms = _perms_by_strategy(user, strategy_ids)
    areas: dict[int, set[int]] = {}
    for strategy_id, area_id in CollaborationAreaUserObjectPermission.objects.filter(
        user=user, permission__codename=EDIT_AREA, content_object__strategy_id__in=strategy_ids
    ).values_list("content_object__strategy_id", "content_object_id"):
        areas.setdefault(strategy_id, set()).add(area_id)
    return {
        plan.pk: PlanAccess(
            strategy_perms=perms.get(plan.strategy_id, frozenset()),
            area_ids=frozenset(areas.get(plan.strategy_id, ())),
            plan_state=plan.state,
        )
        for plan in plans
    }


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
        raise PermissionDenied(
            "Only the plan's coordinators and the area's lead change the area's activities."
        )
    return activity, access


# --- Offers -----------------------------------------------------------------------------------


def is_open(offer: Offer) -> bool:
    """Contacts answer until the end of the deadline's day (a Swedish calendar day)."""
    return today() <= offer.deadline


@dataclass(frozen=True)
class OfferAccess:
    offer: Offer
    plan: PlanAccess
    #: The organisation the user answers for, if it received the offer and they are its
    #: contact.
    answers_for: Organisation | None = None

    @property
    def manages(self) -> bool:
        return self.plan.can_edit_plan

    @property
    def is_open(self) -> bool:
        return is_open(self.offer)

    @property
    def sees_names(self) -> bool:
        """Names in the matrix and its Excel file: those who work on the plan see whose
        answer is whose; contacts see only totals for the others until the plan is
        published."""
        return self.plan.can_work_on or self.offer.plan.is_public

    @property
    def can_answer(self) -> bool:
        """A coordinator changes answers also after the deadline; a contact until it."""
        return self.manages or (self.answers_for is not None and self.is_open)


def offer_access(user: User | AnonymousUser, offer: Offer) -> OfferAccess:
    """What the user may do with the offer; 404 for those it does not concern."""
    access = plan_access(user, offer.plan)
    answers_for = None
    if user.is_authenticated and user.is_active:
        # The organisations the user answers for (guardian: portal.answer_offers), among
        # those the offer went to.
        grant = (
            OrganisationUserObjectPermission.objects.filter(
                user=user,
                permission__codename=ANSWER_OFFERS,
                content_object__offers_received__offer=offer,
            )
            .select_related("content_object")
            .first()
        )
        answers_for = grant.content_object if grant else None
    if not (access.can_work_on or answers_for):
        raise Http404
    return OfferAccess(offer=offer, plan=access, answers_for=answers_for)


def get_offer_for_user(user: User | AnonymousUser, offer_id: int) -> tuple[Offer, OfferAccess]:
    """The offer if it concerns the user (404 otherwise), with what they may do with it."""
    try:
        offer = Offer.objects.select_related("plan", "plan__strategy", "sent_by").get(pk=offer_id)
    except Offer.DoesNotExist:
        raise Http404 from None
    return offer, offer_access(user, offer)


def get_answering_organisation(access: OfferAccess, slug: str) -> Organisation | None:
    """The organisation the user answers for on the answer page: a coordinator picks one
    of the recipients (``slug``), a contact answers for their own whatever the URL says.
    None for a coordinator who has not picked one; 403 for everyone else."""
    if access.manages and slug:
        return get_object_or_404(Organisation, slug=slug, offers_received__offer=access.offer)
    if access.answers_for is not None:
        return access.answers_for
    if access.manages:
        return None
    raise PermissionDenied(
        "A contact answers only for their own organisation; coordinators answer for any."
    )


def is_own_organisation(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Members see all of their organisation's answers, also to unpublished plans."""
    return user.is_authenticated and user.organisation_id == organisation.pk


# --- Spreadsheet imports ----------------------------------------------------------------------

#: Imports their uploader may check again: a preview the plan may have changed under, a
#: file with errors, a failed save.
RECHECKABLE_IMPORT_STATES = (
    PlanImport.State.READY,
    PlanImport.State.INVALID,
    PlanImport.State.FAILED,
)
#: Imports their uploader may remove: any that is not being checked or saved, nor saved
#: (a saved import is the record of what the file changed).
REMOVABLE_IMPORT_STATES = RECHECKABLE_IMPORT_STATES


@dataclass(frozen=True)
class ImportAccess:
    """What the user may do with an uploaded plan file: only its uploader saves it, checks
    it again or removes it; those who edit the plan see it."""

    plan_import: PlanImport
    is_uploader: bool

    @property
    def can_apply(self) -> bool:
        return self.is_uploader and self.plan_import.state == PlanImport.State.READY

    @property
    def can_recheck(self) -> bool:
        return self.is_uploader and self.plan_import.state in RECHECKABLE_IMPORT_STATES

    @property
    def can_remove(self) -> bool:
        return self.is_uploader and self.plan_import.state in REMOVABLE_IMPORT_STATES


def get_plan_for_import(user: User | AnonymousUser, plan_id: int) -> tuple[ActionPlan, PlanAccess]:
    """The plan if the user may import activities into it (edit it or one of its areas)."""
    plan, access = get_plan_for_user(user, plan_id)
    if not access.can_add_activities:
        raise PermissionDenied("Only those who add activities to the plan import into it.")
    return plan, access


def get_import_for_user(
    user: User | AnonymousUser, import_id: int, *, uploader_only: bool = False
) -> tuple[PlanImport, ImportAccess]:
    """The import if the user uploaded it or edits the plan; 404 otherwise, so that
    nobody else learns of it. With ``uploader_only``, 403 for anyone but the uploader."""
    try:
        plan_import = PlanImport.objects.select_related(
            "plan", "plan__strategy", "uploaded_by"
        ).get(pk=import_id)
    except PlanImport.DoesNotExist:
        raise Http404 from None
    access = plan_access(user, plan_import.plan)
    is_uploader = plan_import.uploaded_by_id == user.pk
    if not (is_uploader or access.can_edit_plan):
        raise Http404
    if uploader_only and not is_uploader:
        raise PermissionDenied("Only the uploader saves, checks again or removes an import.")
    return plan_import, ImportAccess(plan_import=plan_import, is_uploader=is_uploader)


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

    @property
    def awaits_preparer(self) -> bool:
        """Nobody prepares it yet: the strategy group, the council and the coordinators
        assign one (the steering group, which also comments, waits for the analysis)."""
        return self.may_prepare and not self.may_decide and self.state == Initiative.State.SUBMITTED

    @property
    def awaits_analysis(self) -> bool:
        return self.can_score and not self.is_scored

    @property
    def awaits_user(self) -> bool:
        """It needs this person now: a preparer assigned, its analysis, or the decision."""
        return self.awaits_preparer or self.awaits_analysis or self.can_decide


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


def initiative_accesses(user: User, initiatives: list[Initiative]) -> dict[int, InitiativeAccess]:
    """initiative_access for many initiatives, by id, in one query however many there are."""
    perms = {}
    if user.is_active and not user.is_superuser:
        perms = _perms_by_strategy(user, {i.strategy_id for i in initiatives})
    return {
        initiative.pk: InitiativeAccess(
            perms=perms.get(initiative.strategy_id, frozenset()),
            is_submitter=bool(user.is_active and initiative.submitted_by_id == user.pk),
            is_preparer=bool(user.is_active and initiative.preparer_id == user.pk),
            is_superuser=bool(user.is_active and user.is_superuser),
            state=initiative.state,
            is_scored=initiative.total_score is not None,
        )
        for initiative in initiatives
    }


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
