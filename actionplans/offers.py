"""Offers and sign-ups: the coordinator offers activities of an approved plan to the
collaborating organisations, each organisation's contact answers per activity.

Writes (``offer_send``, ``participation_answer``), the access rule (``offer_access``) and
the reads for the participation matrix live here together, as the offer's own service
module beside ``services`` for the plan itself.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.access import PlanAccess, plan_access
from actionplans.models import ActionPlan, Activity, Offer, OfferRecipient, Participation
from portal.access import ANSWER_OFFERS
from portal.models import Organisation, OrganisationUserObjectPermission, User

#: Plans whose activities can be offered.
OFFERABLE_STATES = (ActionPlan.State.APPROVED, ActionPlan.State.PUBLISHED)


def today() -> date:
    """Today in the portal's time zone: a deadline is a Swedish calendar day."""
    return timezone.localdate()


def is_open(offer: Offer) -> bool:
    return today() <= offer.deadline


# --- Access ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferAccess:
    plan: PlanAccess
    #: The organisation the user answers for, if it received the offer and they are its
    #: contact.
    answers_for: Organisation | None = None

    @property
    def manages(self) -> bool:
        return self.plan.can_edit_plan

    @property
    def sees_every_answer(self) -> bool:
        """Names in the matrix: those who work on the plan do; contacts see only totals
        for the others until the plan is published."""
        return self.plan.can_work_on

    def can_answer(self, offer: Offer) -> bool:
        return self.manages or (self.answers_for is not None and is_open(offer))


def offer_access(user: User, offer: Offer) -> OfferAccess:
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
    return OfferAccess(plan=access, answers_for=answers_for)


def get_offer(offer_id: int) -> Offer:
    try:
        return Offer.objects.select_related("plan", "plan__strategy", "sent_by").get(pk=offer_id)
    except Offer.DoesNotExist:
        raise Http404 from None


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def offer_send(
    *,
    plan: ActionPlan,
    user: User,
    access: PlanAccess,
    title: str,
    text: str,
    deadline: date,
    reminder_days: int,
    activities: list[Activity],
    organisations: list[Organisation],
) -> Offer:
    """Create the offer and queue one mail to each organisation's contacts."""
    from actionplans.tasks import send_offer_mails  # tasks import this module

    if not access.can_edit_plan:
        raise PermissionDenied
    if plan.state not in OFFERABLE_STATES:
        raise ValidationError(_("Only activities of an approved or published plan can be offered."))
    if deadline < today():
        raise ValidationError(_("The deadline has passed already."))
    if not activities:
        raise ValidationError(_("Choose at least one activity."))
    if not organisations:
        raise ValidationError(_("Choose at least one organisation."))
    if any(a.plan_id != plan.pk or a.removed_at for a in activities):
        raise ValidationError(_("Some of the chosen activities are not in this plan."))
    offer = Offer(
        plan=plan,
        title=title.strip(),
        text=text.strip(),
        deadline=deadline,
        reminder_days=reminder_days,
        sent_by=user,
    )
    offer._history_user = user
    offer.save()
    offer.activities.set(activities)
    for organisation in organisations:
        recipient = OfferRecipient(offer=offer, organisation=organisation)
        recipient._history_user = user
        recipient.save()
    send_offer_mails.delay_on_commit(offer.pk)  # type: ignore[attr-defined]  # DjangoTask
    return offer


@dataclass
class AnswerRow:
    activity: Activity
    answer: str
    contact_person: str = ""
    comment: str = ""


@dataclass
class AnswerResult:
    changed: list[Participation] = field(default_factory=list)


@transaction.atomic
def participation_answer(
    *,
    offer: Offer,
    organisation: Organisation,
    user: User,
    access: OfferAccess,
    rows: list[AnswerRow],
) -> AnswerResult:
    """Save an organisation's answers. A contact answers for their own organisation until
    the deadline; after it only a coordinator can change an answer (and history records
    who did)."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if not access.manages:
        if access.answers_for is None or access.answers_for.pk != organisation.pk:
            raise PermissionDenied
        if not is_open(offer):
            raise ValidationError(
                _(
                    "The deadline was %(deadline)s: answers can no longer be changed here. "
                    "Ask the coordinator, %(coordinator)s, to change it."
                )
                % {
                    "deadline": offer.deadline.isoformat(),
                    "coordinator": offer.sent_by.get_full_name() or offer.sent_by.username,
                }
            )
    if not offer.recipients.filter(organisation=organisation).exists():
        raise ValidationError(_("The offer was not sent to %(name)s.") % {"name": organisation})
    offered = set(offer.activities.values_list("pk", flat=True))
    existing = {
        p.activity_id: p
        for p in Participation.objects.select_for_update().filter(
            offer=offer, organisation=organisation
        )
    }
    result = AnswerResult()
    for row in rows:
        if row.activity.pk not in offered:
            raise ValidationError(_("“%(title)s” is not in the offer.") % {"title": row.activity})
        if row.answer not in Participation.Answer.values:
            continue  # left unanswered
        current = existing.get(row.activity.pk)
        values = (row.answer, row.contact_person.strip(), row.comment.strip())
        if current and (current.answer, current.contact_person, current.comment) == values:
            continue
        participation = current or Participation(
            offer=offer, activity=row.activity, organisation=organisation
        )
        participation.answer, participation.contact_person, participation.comment = values
        participation.answered_by = user
        participation._history_user = user
        participation.save()
        result.changed.append(participation)
    return result


# --- Reads ----------------------------------------------------------------------------------


@dataclass
class MatrixRow:
    activity: Activity
    cells: list[Participation | None]
    counts: dict[str, int]


@dataclass
class Matrix:
    organisations: list[Organisation]
    rows: list[MatrixRow]
    #: per organisation: how many activities it answered yes to
    column_yes: list[int]
    answered: set[int]  # organisation ids that answered at least once
    totals: dict[str, int]


def offer_matrix(offer: Offer, *, answer: str = "", organisation_kind: str = "") -> Matrix:
    """Activity × organisation, with totals; three queries whatever its size."""
    organisations = [
        r.organisation
        for r in offer.recipients.select_related("organisation").order_by("organisation__name")
    ]
    if organisation_kind:
        organisations = [o for o in organisations if o.kind == organisation_kind]
    activities = list(
        offer.activities.select_related("collaboration_area").order_by(
            "collaboration_area__order", "order", "pk"
        )
    )
    answers = {
        (p.activity_id, p.organisation_id): p
        for p in offer.participations.only(
            "id",
            "offer_id",
            "activity_id",
            "organisation_id",
            "answer",
            "contact_person",
            "comment",
        )
    }
    rows = []
    totals = dict.fromkeys(Participation.Answer.values, 0)
    for activity in activities:
        cells = [answers.get((activity.pk, o.pk)) for o in organisations]
        counts = dict.fromkeys(Participation.Answer.values, 0)
        for cell in cells:
            if cell:
                counts[cell.answer] += 1
                totals[cell.answer] += 1
        if answer and not counts.get(answer):
            continue
        rows.append(MatrixRow(activity=activity, cells=cells, counts=counts))
    column_yes = [
        sum(1 for row in rows if (cell := row.cells[i]) is not None and cell.answer == "yes")
        for i in range(len(organisations))
    ]
    answered = {organisation_id for (_a, organisation_id) in answers}
    return Matrix(organisations, rows, column_yes, answered, totals)


def open_offers_for(user: User) -> list[tuple[Offer, int, int]]:
    """The open offers the user answers for, with how many of their activities the
    organisation has answered: (offer, answered, offered)."""
    if not user.is_authenticated:
        return []
    organisation_ids = list(
        OrganisationUserObjectPermission.objects.filter(
            user=user, permission__codename=ANSWER_OFFERS
        ).values_list("content_object_id", flat=True)
    )
    if not organisation_ids:
        return []
    offers = list(
        Offer.objects.filter(
            recipients__organisation_id__in=organisation_ids, deadline__gte=today()
        )
        .select_related("plan")
        .distinct()
        .order_by("deadline")
    )
    if not offers:
        return []
    offered = {
        o.pk: o.n
        for o in Offer.objects.filter(pk__in=[o.pk for o in offers]).annotate(
            n=Count("activities", distinct=True)
        )
    }
    answered: dict[int, int] = {}
    for offer_id in Participation.objects.filter(
        offer__in=offers, organisation_id__in=organisation_ids
    ).values_list("offer_id", flat=True):
        answered[offer_id] = answered.get(offer_id, 0) + 1
    return [(o, answered.get(o.pk, 0), offered.get(o.pk, 0)) for o in offers]


def commitments_for(organisation: Organisation) -> list[Participation]:
    """Everything an organisation has answered, across plans and years, newest first."""
    return list(
        Participation.objects.filter(organisation=organisation)
        .select_related("activity", "activity__collaboration_area", "offer", "offer__plan")
        .order_by("-offer__plan__year", "activity__title")
    )


def recipients_without_contact(offer: Offer) -> list[Organisation]:
    return list(
        Organisation.objects.filter(offers_received__offer=offer)
        .exclude(users__in=User.objects.filter(is_contact=True, is_active=True).exclude(email=""))
        .order_by("name")
    )
