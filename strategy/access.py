"""Who may do what with a strategy: the one place the app checks access.

The strategy's coordinators write its tree in the portal (strategy.services.tree) while it is
a draft or in revision, start a new strategy from it, revise it once it is decided, and move
it through the workflow's states they own (strategy.workflow); its steering group (who hold
``approve_plans``) takes the decision states.

For the indicators: the strategy's coordinators (the members of its coordinators body,
who hold ``edit_plans`` on the strategy, granted by
actionplans.services.permissions.access_sync) create its indicators, set their yearly
targets, and enter their values or link them to Kolada; so do administrators. The
indicators of a public strategy are public (its pages show them), so others signed in are
refused with a 403; a strategy that is not public is a 404 to all but its coordinators.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from portal.access import ANSWER_OFFERS
from portal.dates import today
from portal.models import Organisation, OrganisationUserObjectPermission, User
from portal.params import BadParameter
from strategy.models import (
    TREE_NODES,
    Consultation,
    ConsultationAnswer,
    ConsultationRecipient,
    Indicator,
    Strategy,
    StrategyUserObjectPermission,
    TreeNode,
)

#: The permission of the strategy's coordinators (the name actionplans.access gives it).
COORDINATE = "edit_plans"
#: The permission of the strategy's steering group, which decides it as it approves plans.
DECIDE = "approve_plans"


@dataclass(frozen=True)
class StrategyAccess:
    """What one user may do with one strategy, worked out once per request."""

    is_coordinator: bool = False
    is_steering_group: bool = False
    #: The strategy's state when the access was worked out (the services check it again
    #: under a lock).
    state: str = ""

    def has(self, permission: str) -> bool:
        """For the workflow's transitions, which name the permissions they take."""
        return {COORDINATE: self.is_coordinator, DECIDE: self.is_steering_group}.get(
            permission, False
        )

    @property
    def can_manage_indicators(self) -> bool:
        """Create and change indicators, set their targets, enter values, link to Kolada."""
        return self.is_coordinator

    @property
    def can_open_editor(self) -> bool:
        """See the editor's page: with forms in an editable state, read only otherwise."""
        return self.is_coordinator

    @property
    def can_edit_tree(self) -> bool:
        return self.is_coordinator and self.state in Strategy.EDITABLE_STATES

    @property
    def can_start_new(self) -> bool:
        """Start a new strategy from this one (a copy of its tree, or empty with its owner
        and governing bodies)."""
        return self.is_coordinator

    @property
    def can_revise(self) -> bool:
        """A decided strategy changes only through a revision: a new draft linked to it."""
        return self.is_coordinator and self.state in Strategy.REVISABLE_STATES

    @property
    def can_decide(self) -> bool:
        """Decide the worked-through strategy, at one of the steering group's meetings."""
        return self.is_steering_group and self.state == Strategy.State.REVISION

    @property
    def is_insider(self) -> bool:
        """Sees the strategy in every state: its coordinators and its steering group."""
        return self.is_coordinator or self.is_steering_group


def strategy_access(user: User | AnonymousUser, strategy: Strategy) -> StrategyAccess:
    """One indexed query (none for anonymous users and administrators)."""
    if not user.is_authenticated or not user.is_active:
        return StrategyAccess(state=strategy.state)
    if user.is_superuser:
        return StrategyAccess(is_coordinator=True, is_steering_group=True, state=strategy.state)
    held = set(
        StrategyUserObjectPermission.objects.filter(
            user=user, content_object_id=strategy.pk, permission__codename__in=(COORDINATE, DECIDE)
        ).values_list("permission__codename", flat=True)
    )
    return StrategyAccess(
        is_coordinator=COORDINATE in held, is_steering_group=DECIDE in held, state=strategy.state
    )


def _refuse_unless_coordinator(strategy: Strategy, access: StrategyAccess) -> None:
    if access.can_manage_indicators:
        return
    if not strategy.is_shown_publicly:
        raise Http404
    raise PermissionDenied("Only the strategy's coordinators manage its indicators.")


def get_strategy_for_indicators(
    user: User | AnonymousUser, slug: str
) -> tuple[Strategy, StrategyAccess]:
    """The strategy, for one of its coordinators: 404 if there is none (or it is not public
    and the user is not one), 403 for others."""
    try:
        strategy = Strategy.objects.select_related("owner").get(slug=slug)
    except Strategy.DoesNotExist:
        raise Http404 from None
    access = strategy_access(user, strategy)
    _refuse_unless_coordinator(strategy, access)
    return strategy, access


def get_indicator_for_user(
    user: User | AnonymousUser, slug: str, indicator_id: int
) -> tuple[Indicator, StrategyAccess]:
    """An indicator of the strategy, for one of its coordinators (404 for an indicator of
    another strategy)."""
    try:
        indicator = Indicator.objects.select_related(
            "strategy", "strategy__owner", "focus_area", "effect_goal"
        ).get(pk=indicator_id, strategy__slug=slug)
    except Indicator.DoesNotExist:
        raise Http404 from None
    access = strategy_access(user, indicator.strategy)
    _refuse_unless_coordinator(indicator.strategy, access)
    return indicator, access


def _get_strategy(slug: str) -> Strategy:
    try:
        return Strategy.objects.select_related("owner", "based_on", "revises").get(slug=slug)
    except Strategy.DoesNotExist:
        raise Http404 from None


def get_strategy_for_editor(
    user: User | AnonymousUser, slug: str
) -> tuple[Strategy, StrategyAccess]:
    """The strategy, for one of its coordinators: a 404 to others unless its public pages
    show it (then a 403), so that a draft's existence is not given away."""
    strategy = _get_strategy(slug)
    access = strategy_access(user, strategy)
    if access.can_open_editor:
        return strategy, access
    if not strategy.is_shown_publicly:
        raise Http404
    raise PermissionDenied("Only the strategy's coordinators edit it.")


def get_strategy_for_workflow(
    user: User | AnonymousUser, slug: str
) -> tuple[Strategy, StrategyAccess]:
    """The strategy, for its coordinators and its steering group (the workflow's states are
    theirs); a 404 or 403 to others as for the editor."""
    strategy = _get_strategy(slug)
    access = strategy_access(user, strategy)
    if access.is_insider:
        return strategy, access
    if not strategy.is_shown_publicly:
        raise Http404
    raise PermissionDenied("Only the strategy's coordinators and steering group move it.")


def get_tree_row_for_editor(
    user: User | AnonymousUser, slug: str, kind: str, row_id: int
) -> tuple[Strategy, StrategyAccess, TreeNode, models.Model]:
    """A row of the strategy's tree (a focus area, a tactical point, ...), for one of its
    coordinators: a 404 for an unknown kind or a row of another strategy."""
    strategy, access = get_strategy_for_editor(user, slug)
    node = TREE_NODES.get(kind)
    if node is None:
        raise Http404
    try:
        row = node.model.objects.get(pk=row_id, **{node.strategy_path: strategy})  # type: ignore[attr-defined]
    except node.model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404 from None
    return strategy, access, node, row


def tree_parent(strategy: Strategy, node: TreeNode, parent_id: int | None) -> models.Model:
    """What a new row goes under: the strategy, or the focus area or direction of the
    strategy's that the form names (a BadParameter if it names none of them)."""
    if node.parent == "strategy":
        return strategy
    path = node.strategy_path.split("__", 1)[1]
    parent = (
        node.parent_model.objects.filter(pk=parent_id, **{path: strategy}).first()  # type: ignore[attr-defined]
        if parent_id
        else None
    )
    if parent is None:
        raise BadParameter(_("The form did not say what to add to: open the editor again."))
    return parent


# --- Consultation (remiss) ------------------------------------------------------------------


def consultation_is_open(consultation: Consultation) -> bool:
    """Answers are taken up to and on the last day (a Swedish calendar day)."""
    return today() <= consultation.deadline


@dataclass(frozen=True)
class ConsultationAccess:
    """What one user may do with one consultation. ``answers_for`` is the organisation,
    among those it went to, that the user answers for: whoever answers offers for it (the
    organisation's contacts, ``portal.access.ANSWER_OFFERS``) answers the consultation too."""

    strategy: StrategyAccess
    answers_for: Organisation | None
    is_open: bool

    @property
    def can_answer(self) -> bool:
        """A contact answers, and changes the answer, until the last day."""
        return self.answers_for is not None and self.is_open

    @property
    def can_see_compilation(self) -> bool:
        """The compilation names every organisation's answer: the strategy's insiders."""
        return self.strategy.is_insider

    @property
    def can_note(self) -> bool:
        """How each answer was handled is the coordinators' note, during the revision too."""
        return self.strategy.is_coordinator

    @property
    def can_export(self) -> bool:
        return self.can_see_compilation

    @property
    def can_enter_answers(self) -> bool:
        """After the last day an organisation's answer comes to the coordinator (the answer
        form says so), who enters it on the organisation's behalf, while the answers are
        still worked in."""
        return (
            self.strategy.is_coordinator
            and not self.is_open
            and self.strategy.state in (Strategy.State.CONSULTATION, Strategy.State.REVISION)
        )


def can_send_consultation(access: StrategyAccess) -> bool:
    """Sending the draft is the workflow's "consult" step: a coordinator's, from a draft
    or a revision."""
    return access.is_coordinator and access.state in (
        Strategy.State.DRAFT,
        Strategy.State.REVISION,
    )


def get_strategy_for_consultation_send(
    user: User | AnonymousUser, slug: str
) -> tuple[Strategy, StrategyAccess]:
    """The strategy, for one of its coordinators (404 or 403 to others, as the editor)."""
    return get_strategy_for_editor(user, slug)


def consultation_access(
    user: User | AnonymousUser, consultation: Consultation
) -> ConsultationAccess:
    """Two indexed queries at most (the strategy's permissions, the organisation answered
    for); a 404 for those the consultation does not concern, so that a draft sent to others
    is not given away."""
    access = strategy_access(user, consultation.strategy)
    answers_for = None
    if user.is_authenticated and user.is_active:
        grant = (
            OrganisationUserObjectPermission.objects.filter(
                user=user,
                permission__codename=ANSWER_OFFERS,
                content_object__consultations_received__consultation=consultation,
            )
            .select_related("content_object")
            .first()
        )
        answers_for = grant.content_object if grant else None
    if not (access.is_insider or answers_for):
        raise Http404(
            "The consultation concerns neither the programme nor the user's organisation."
        )
    return ConsultationAccess(
        strategy=access, answers_for=answers_for, is_open=consultation_is_open(consultation)
    )


def get_consultation_for_user(
    user: User | AnonymousUser, slug: str, consultation_id: int
) -> tuple[Consultation, ConsultationAccess]:
    """The consultation of the strategy if it concerns the user (404 otherwise)."""
    try:
        consultation = Consultation.objects.select_related(
            "strategy", "strategy__owner", "sent_by"
        ).get(pk=consultation_id, strategy__slug=slug)
    except Consultation.DoesNotExist:
        raise Http404 from None
    return consultation, consultation_access(user, consultation)


def get_consultation_for_compilation(
    user: User | AnonymousUser, slug: str, consultation_id: int
) -> tuple[Consultation, ConsultationAccess]:
    """For the strategy's insiders; a contact of a recipient is refused with a 403."""
    consultation, access = get_consultation_for_user(user, slug, consultation_id)
    if not access.can_see_compilation:
        raise PermissionDenied("The compilation is for the strategy's coordinators.")
    return consultation, access


def get_consultation_for_answer(
    user: User | AnonymousUser, slug: str, consultation_id: int
) -> tuple[Consultation, ConsultationAccess]:
    """For the contacts of the organisations it went to; its insiders are refused (403):
    they read the answers in the compilation."""
    consultation, access = get_consultation_for_user(user, slug, consultation_id)
    if access.answers_for is None:
        raise PermissionDenied("Only the contacts of the organisations asked answer.")
    return consultation, access


def get_answer_for_note(
    user: User | AnonymousUser, slug: str, consultation_id: int, answer_id: int
) -> tuple[ConsultationAnswer, ConsultationAccess]:
    """An answer of the consultation, for the strategy's coordinators (403 to the others it
    concerns, 404 for an answer of another consultation)."""
    consultation, access = get_consultation_for_user(user, slug, consultation_id)
    if not access.can_note:
        raise PermissionDenied("Only the strategy's coordinators note how answers were handled.")
    try:
        answer = ConsultationAnswer.objects.select_related(
            "recipient__organisation", "recipient__consultation__strategy"
        ).get(pk=answer_id, recipient__consultation=consultation)
    except ConsultationAnswer.DoesNotExist:
        raise Http404 from None
    return answer, access


def get_recipient_for_entering(
    user: User | AnonymousUser, slug: str, consultation_id: int, recipient_id: int
) -> tuple[ConsultationRecipient, ConsultationAccess]:
    """An organisation the consultation went to, for the strategy's coordinators, who enter
    its answer (403 to the others it concerns, 404 for a recipient of another one)."""
    consultation, access = get_consultation_for_user(user, slug, consultation_id)
    if not access.strategy.is_coordinator:
        raise PermissionDenied("Only the strategy's coordinators enter an organisation's answer.")
    try:
        recipient = ConsultationRecipient.objects.select_related("organisation").get(
            pk=recipient_id, consultation=consultation
        )
    except ConsultationRecipient.DoesNotExist:
        raise Http404 from None
    recipient.consultation = consultation
    return recipient, access
