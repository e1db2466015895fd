"""Writes of the intake of initiatives: each step of the preparation process.

Who may take each step is in ``actionplans.access`` (``InitiativeAccess``). Every step
records an event on the initiative's timeline and returns it, its ``initiative`` the saved
initiative. The caller has the submitter told of the step by mail, once the step is
committed: ``portal.tasks.enqueue(send_initiative_notice, event.pk)`` (actionplans.tasks).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actionplans.access import InitiativeAccess, can_submit
from actionplans.models import ActionPlan, Activity, Initiative, InitiativeEvent, PlanEvent
from actionplans.selectors.initiatives import preparers, steering_meetings
from actionplans.services.activities import next_activity_order
from portal.limits import check_lengths
from portal.models import Decision, Meeting, User
from portal.services import agenda_item_add
from strategy.models import CollaborationArea, FocusArea, Strategy
from strategy.services import steering_group_decision_record


def _event(initiative: Initiative, kind: str, user: User, text: str = "") -> InitiativeEvent:
    event = InitiativeEvent(initiative=initiative, kind=kind, actor=user, text=text.strip())
    check_lengths(event)
    event.save()
    return event


@transaction.atomic
def initiative_submit(
    *,
    user: User,
    strategy: Strategy,
    title: str,
    problem: str,
    expected_benefit: str,
    focus_areas: list[FocusArea],
    proposed_kind: str,
    rough_cost: Decimal | None = None,
) -> InitiativeEvent:
    if not can_submit(user):
        raise PermissionDenied("Only members of a collaborating organisation submit initiatives.")
    problems = {}
    if not title.strip():
        problems["title"] = _("Give the initiative a title.")
    if not problem.strip():
        problems["problem"] = _("Describe the problem or need.")
    if not expected_benefit.strip():
        problems["expected_benefit"] = _("Describe the benefit you expect.")
    if proposed_kind not in Activity.Kind.values:
        problems["proposed_kind"] = _("Choose a kind.")
    if any(area.strategy_id != strategy.pk for area in focus_areas):
        problems["focus_areas"] = _("The focus areas must be the strategy's.")
    if rough_cost is not None and rough_cost < 0:
        problems["rough_cost"] = _("The cost cannot be negative.")
    if problems:
        raise ValidationError(problems)
    initiative = Initiative(
        strategy=strategy,
        title=title.strip(),
        problem=problem.strip(),
        expected_benefit=expected_benefit.strip(),
        proposed_kind=proposed_kind,
        rough_cost=rough_cost,
        organisation=user.organisation,
        submitted_by=user,
    )
    check_lengths(initiative)
    initiative.skip_history_when_saving = True
    initiative.save()
    initiative.focus_areas.set(focus_areas)
    del initiative.skip_history_when_saving
    initiative._history_user = user
    initiative.save()
    return _event(initiative, InitiativeEvent.Kind.SUBMITTED, user)


def _locked(initiative: Initiative) -> Initiative:
    return Initiative.objects.select_for_update().get(pk=initiative.pk)


def _save(initiative: Initiative, user: User, fields: list[str]) -> None:
    initiative._history_user = user
    initiative.save(update_fields=fields)


@transaction.atomic
def initiative_assign(
    *, initiative: Initiative, user: User, access: InitiativeAccess, preparer: User
) -> InitiativeEvent:
    if not access.may_prepare:
        raise PermissionDenied(
            "Only the strategy group, the council and the coordinators assign a preparer."
        )
    stored = _locked(initiative)
    if stored.state == Initiative.State.DECIDED:
        raise ValidationError(_("The initiative is decided already."))
    if not preparers(stored.strategy).filter(pk=preparer.pk).exists():
        raise ValidationError(_("The preparer must be one of those who prepare the plans."))
    stored.preparer = preparer
    stored.state = Initiative.State.ANALYSIS
    _save(stored, user, ["preparer", "state"])
    return _event(
        stored,
        InitiativeEvent.Kind.ASSIGNED,
        user,
        _("%(name)s prepares the initiative.") % {"name": preparer.get_full_name() or preparer},
    )


@transaction.atomic
def initiative_score(
    *,
    initiative: Initiative,
    user: User,
    access: InitiativeAccess,
    scores: dict[str, int],
    analysis: str,
) -> InitiativeEvent:
    if not access.may_score:
        raise PermissionDenied("Only the initiative's preparer scores it.")
    stored = _locked(initiative)
    if stored.state != Initiative.State.ANALYSIS:
        raise ValidationError(_("Only an initiative under analysis can be scored."))
    problems = {
        name: _("Score from 1 to 5.")
        for name in Initiative.CRITERIA
        if not isinstance(scores.get(name), int) or not 1 <= scores[name] <= 5
    }
    if not analysis.strip():
        problems["analysis"] = _("Write the analysis the decision will rest on.")
    if problems:
        raise ValidationError(problems)
    for name in Initiative.CRITERIA:
        setattr(stored, name, scores[name])
    stored.analysis = analysis.strip()
    check_lengths(stored)
    _save(stored, user, [*Initiative.CRITERIA, "analysis"])
    return _event(
        stored,
        InitiativeEvent.Kind.SCORED,
        user,
        _("Scored %(total)s of 25.") % {"total": stored.total_score},
    )


def _plan_for(strategy: Strategy, year: int, user: User) -> ActionPlan:
    """The year's draft plan, started if the strategy has no plan for that year yet."""
    plans = ActionPlan.objects.select_for_update().filter(strategy=strategy, year=year)
    draft = plans.filter(state=ActionPlan.State.DRAFT).order_by("-revision").first()
    if draft is not None:
        return draft
    if plans.exists():
        raise ValidationError(
            _(
                "The plan for %(year)s is no longer a draft: start a revision of it first, "
                "then prioritise the initiative into it."
            )
            % {"year": year}
        )
    with translation.override("sv"):
        title = _("Activities %(year)s") % {"year": year}
    plan = ActionPlan(strategy=strategy, year=year, title=title)
    plan._history_user = user
    plan.save()
    PlanEvent.objects.create(
        plan=plan,
        kind=PlanEvent.Kind.CREATED,
        actor=user,
        comment=_("Started when the steering group prioritised an initiative into it."),
    )
    return plan


@transaction.atomic
def initiative_to_agenda(
    *, initiative: Initiative, user: User, access: InitiativeAccess, meeting: Meeting
) -> InitiativeEvent:
    """Put the initiative on the agenda of one of the steering group's meetings."""
    if not access.may_put_on_agenda:
        raise PermissionDenied(
            "Only those who prepare or decide initiatives put them on an agenda."
        )
    if initiative.state == Initiative.State.DECIDED:
        raise ValidationError(_("The initiative is decided already."))
    if not steering_meetings(initiative.strategy).filter(pk=meeting.pk).exists():
        raise ValidationError({"meeting": _("The meeting must be the steering group's.")})
    _agenda(initiative, meeting, user)
    return _event(
        initiative,
        InitiativeEvent.Kind.AGENDA,
        user,
        _("On the agenda of %(meeting)s, %(date)s.")
        % {"meeting": meeting.title, "date": timezone.localtime(meeting.starts_at).date()},
    )


def _agenda(initiative: Initiative, meeting: Meeting, user: User) -> None:
    with translation.override("sv"):
        title = _("Initiative: %(title)s") % {"title": initiative.title}
    agenda_item_add(
        meeting=meeting,
        title=title,
        user=user,
        subject=initiative,
        subject_url=initiative.get_absolute_url(),
    )


@transaction.atomic
def initiative_decide(
    *,
    initiative: Initiative,
    user: User,
    access: InitiativeAccess,
    outcome: str,
    reason: str,
    meeting: Meeting | None = None,
    year: int | None = None,
    collaboration_area: CollaborationArea | None = None,
) -> InitiativeEvent:
    """Decide the initiative; a prioritised one becomes an activity of the year's plan."""
    if not access.may_decide:
        raise PermissionDenied("Only the steering group decides initiatives.")
    stored = _locked(initiative)
    if stored.state != Initiative.State.ANALYSIS or stored.total_score is None:
        raise ValidationError(_("Only an analysed and scored initiative can be decided."))
    if outcome not in Initiative.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    problems = {}
    if not reason.strip():
        problems["reason"] = _("Give the reason for the decision.")
    if outcome == Initiative.Outcome.PRIORITISED:
        if not year:
            problems["year"] = _("Choose the year whose plan the activity goes into.")
        if collaboration_area is None or collaboration_area.strategy_id != stored.strategy_id:
            problems["collaboration_area"] = _("Choose a collaboration area of the strategy.")
    if (
        meeting is not None
        and not steering_meetings(stored.strategy).filter(pk=meeting.pk).exists()
    ):
        problems["meeting"] = _("The meeting must be the steering group's.")
    if problems:
        raise ValidationError(problems)

    stored.outcome = outcome
    stored.reason = reason.strip()
    check_lengths(stored)  # before the plan and the activity are made
    stored.state = Initiative.State.DECIDED
    if outcome == Initiative.Outcome.PRIORITISED:
        assert year and collaboration_area is not None  # checked above
        plan = _plan_for(stored.strategy, year, user)
        stored.plan = plan
        stored.activity = _activity_from(stored, plan, collaboration_area, user)
    if meeting is not None:
        _agenda(stored, meeting, user)
    stored.decision = _register(stored, user, meeting)
    _save(stored, user, ["outcome", "reason", "state", "plan", "activity", "decision"])
    return _event(stored, InitiativeEvent.Kind.DECIDED, user, stored.reason)


def _activity_from(
    initiative: Initiative, plan: ActionPlan, area: CollaborationArea, user: User
) -> Activity:
    activity = Activity(
        plan=plan,
        order=next_activity_order(plan),
        title=initiative.title,
        description=initiative.problem,
        kind=initiative.proposed_kind,
        collaboration_area=area,
        lead_organisation=initiative.organisation,
        contact=initiative.submitted_by,
        expected_benefits=initiative.expected_benefit,
    )
    # One history row with the links in it, as every other save of an activity writes.
    activity.skip_history_when_saving = True
    activity.save()
    activity.focus_areas.set(initiative.focus_areas.all())
    del activity.skip_history_when_saving
    activity._history_user = user
    activity.save()
    return activity


def _register(initiative: Initiative, user: User, meeting: Meeting | None) -> Decision | None:
    return steering_group_decision_record(
        strategy=initiative.strategy,
        title=lambda: _decision_title(initiative),
        user=user,
        subject=initiative,
        subject_url=initiative.get_absolute_url(),
        meeting=meeting,
        text=initiative.reason,
    )


def _decision_title(initiative: Initiative) -> str:
    if initiative.outcome == Initiative.Outcome.PRIORITISED:
        assert initiative.plan is not None  # a prioritised initiative has its plan
        return _("Prioritised the initiative “%(title)s” into the plan for %(year)s") % {
            "title": initiative.title,
            "year": initiative.plan.year,
        }
    if initiative.outcome == Initiative.Outcome.PARKED:
        return _("Parked the initiative “%(title)s”") % {"title": initiative.title}
    return _("Rejected the initiative “%(title)s”") % {"title": initiative.title}


def initiative_comment(
    *, initiative: Initiative, user: User, access: InitiativeAccess, text: str
) -> InitiativeEvent:
    if not access.can_comment:
        raise PermissionDenied(
            "Only the submitter and those who prepare or decide comment on an initiative."
        )
    if not text.strip():
        raise ValidationError(_("The comment is empty."))
    return _event(initiative, InitiativeEvent.Kind.COMMENT, user, text)
