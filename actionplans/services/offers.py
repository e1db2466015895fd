"""Writes of offers: the coordinator sends one, each organisation answers per activity.

Sending does not mail anybody: the caller queues ``tasks.send_offer_mails`` once the offer
is saved (services never import tasks).
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actionplans.access import OfferAccess, PlanAccess, is_open
from actionplans.models import ActionPlan, Activity, Offer, OfferRecipient, Participation
from portal.dates import today
from portal.limits import check_lengths
from portal.models import Organisation, User


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
    """Create the offer with its recipients; the caller queues the mails."""
    if not access.can_edit_plan:
        raise PermissionDenied("Only the plan's coordinators send offers.")
    if plan.state not in ActionPlan.OFFERABLE_STATES:
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
    check_lengths(offer)
    offer._history_user = user
    offer.save()
    offer.activities.set(activities)
    for organisation in organisations:
        recipient = OfferRecipient(offer=offer, organisation=organisation)
        recipient._history_user = user
        recipient.save()
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
            raise PermissionDenied(
                "A contact answers only for their own organisation; coordinators answer for any."
            )
        # The locked row's deadline, not the one the page was shown with.
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
        check_lengths(participation)  # the row's earlier answers roll back with it
        participation._history_user = user
        participation.save()
        result.changed.append(participation)
    return result
