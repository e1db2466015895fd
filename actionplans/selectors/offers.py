"""Reads of offers: the participation matrix, the offers a contact answers, an
organisation's commitments."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from actionplans.models import (
    Activity,
    Offer,
    OfferRecipient,
    Participation,
)
from actionplans.selectors import plans as plan_selectors
from portal.access import ANSWER_OFFERS
from portal.dates import today
from portal.models import (
    Organisation,
    OrganisationUserObjectPermission,
    User,
)
from portal.page_cache import history_version
from strategy.models import CollaborationArea


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


def offer_content_version() -> str:
    """A version that changes whenever anything an offer's participation matrix shows
    changes: an answer, a recipient, an activity's title or area, an organisation's name
    (the newest history date of each, in one statement)."""
    return history_version(
        [Participation, OfferRecipient, Offer, Activity, CollaborationArea, Organisation]
    )


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


def offer_answer_form_data(
    offer: Offer, organisation: Organisation
) -> tuple[list[Activity], dict[int, Participation]]:
    """What the answer form shows: the offered activities, and the organisation's
    answers so far by activity id."""
    activities = list(offer.activities.order_by("collaboration_area__order", "order", "pk"))
    current = {
        p.activity_id: p
        for p in Participation.objects.filter(offer=offer, organisation=organisation)
    }
    return activities, current


def commitments_for(organisation: Organisation, *, own: bool) -> list[Participation]:
    """Everything an organisation has answered, across plans and years, newest first.
    Others than its own people see the answers to published plans only: drafts of
    answers stay in-house."""
    commitments = list(
        Participation.objects.filter(organisation=organisation)
        .select_related(
            "activity", "activity__collaboration_area", "offer", "offer__plan__strategy"
        )
        .order_by("-offer__plan__year", "activity__title")
    )
    if not own:
        commitments = [p for p in commitments if p.offer.plan.is_public]
    return commitments


def recipients_without_contact(offer: Offer) -> list[Organisation]:
    return list(
        Organisation.objects.filter(offers_received__offer=offer)
        .exclude(users__in=User.objects.filter(is_contact=True, is_active=True).exclude(email=""))
        .order_by("name")
    )


def readable_participations(user: User | AnonymousUser) -> QuerySet[Participation]:
    """The answers a reader may see (as commitments_for and the offer matrix show them):
    those to published plans of public strategies; with their own organisation's, also
    before publication; and all answers to the plans they work on."""
    visible = Q(offer__plan__in=plan_selectors.readable_plans(user))
    if user.is_authenticated and user.is_active and user.organisation_id is not None:
        visible |= Q(organisation_id=user.organisation_id)
    return Participation.objects.filter(visible)


def offers_of_year(user: User, year: int) -> list[Offer]:
    """The offers sent or due in ``year`` that concern the user: those of the plans they
    work on, and those to the organisations they answer for."""
    answers_for = OrganisationUserObjectPermission.objects.filter(
        user=user, permission__codename=ANSWER_OFFERS
    ).values("content_object_id")
    concerns = Q(plan__strategy__in=plan_selectors.worked_on_strategies(user)) | Q(
        recipients__organisation__in=answers_for
    )
    return list(
        Offer.objects.filter(concerns)
        .filter(Q(sent_at__year=year) | Q(deadline__year=year))
        .distinct()
        .order_by("deadline", "pk")[:200]
    )
