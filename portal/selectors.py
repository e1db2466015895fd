"""Reads about people and bodies."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from portal.access import ANSWER_OFFERS, visible_people
from portal.models import (
    ApiToken,
    Body,
    Decision,
    Meeting,
    Membership,
    Organisation,
    OrganisationUserObjectPermission,
    User,
)


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, ended_on__isnull=True)
        .select_related("body", "body__organisation")
        .order_by("body__kind", "body__name")
    )


def body_members(body: Body) -> list[Membership]:
    """The body's current members."""
    return list(
        body.memberships.filter(ended_on__isnull=True)
        .select_related("user", "user__organisation")
        .order_by("role", "user__last_name", "user__first_name")
    )


def body_former_members(body: Body) -> list[Membership]:
    """The body's ended memberships, the latest ended first: the record of who sat in it."""
    return list(
        body.memberships.filter(ended_on__isnull=False)
        .select_related("user", "user__organisation")
        .order_by("-ended_on", "user__last_name", "user__first_name")
    )


def people_visible_to(user: User) -> QuerySet[User]:
    """Everyone ``user`` may find and add to a body (access.visible_people)."""
    return User.objects.filter(visible_people(user))


#: The most people a search for someone to add to a body shows: enough to pick from, few
#: enough to read; more means the words should be narrowed.
PEOPLE_SEARCH_LIMIT = 20


def people_search(*, user: User, body: Body, query: str) -> tuple[list[User], bool]:
    """The people ``user`` may add to ``body`` whose name, e-mail, user name or
    organisation contain every word of ``query``, and whether there were more than
    PEOPLE_SEARCH_LIMIT; its current members are left out."""
    words = query.split()
    if not words:
        return [], False
    people = (
        people_visible_to(user)
        .exclude(
            pk__in=Membership.objects.filter(body=body, ended_on__isnull=True).values("user_id")
        )
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    found = list(people[: PEOPLE_SEARCH_LIMIT + 1])
    return found[:PEOPLE_SEARCH_LIMIT], len(found) > PEOPLE_SEARCH_LIMIT


def body_meetings(body: Body) -> list[Meeting]:
    """The body's meetings with their agenda items and the decisions taken at them."""
    return list(
        body.meetings.prefetch_related(
            "items", Prefetch("decisions", queryset=Decision.objects.order_by("pk"))
        ).order_by("-starts_at")
    )


def readable_decisions(user: User | AnonymousUser) -> QuerySet[Decision]:
    """What the register shows a reader: public decisions, and those of the bodies they sit
    in or keep the meetings of."""
    member_of = {*member_bodies(user), *bodies_kept_by(user)}
    return Decision.objects.filter(Q(is_public=True) | Q(body__in=list(member_of)))


def decisions(*, body: Body | None = None, year: int | None = None, member_of=()) -> list:
    """The register: public decisions, and those of the bodies the reader sits in."""
    found = Decision.objects.select_related("body", "meeting").filter(
        Q(is_public=True) | Q(body__in=list(member_of))
    )
    if body is not None:
        found = found.filter(body=body)
    if year is not None:
        found = found.filter(decided_on__year=year)
    return list(found.order_by("-decided_on", "-pk")[:500])


def member_bodies(user: User | AnonymousUser) -> list[Body]:
    if not user.is_authenticated:
        return []
    return list(Body.objects.filter(memberships__user=user, memberships__ended_on__isnull=True))


def bodies_kept_by(user) -> list[Body]:
    """The bodies whose meetings the user keeps (see access.can_manage_meetings): they read
    the bodies' draft minutes and non-public decisions as the members do."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return list(Body.objects.all())
    return list(
        Body.objects.filter(
            Q(
                memberships__user=user,
                memberships__role__in=[Membership.Role.CHAIR, Membership.Role.SECRETARY],
                memberships__ended_on__isnull=True,
            )
            | Q(
                organisation__in=Body.objects.filter(
                    kind=Body.Kind.COORDINATORS,
                    memberships__user=user,
                    memberships__ended_on__isnull=True,
                ).values("organisation")
            )
        ).distinct()
    )


def answering_users(organisation_ids) -> "dict[int, list[User]]":
    """organisation id -> the active users who may answer offers for it."""
    found: dict[int, list[User]] = {}
    for grant in OrganisationUserObjectPermission.objects.filter(
        content_object_id__in=list(organisation_ids),
        permission__codename=ANSWER_OFFERS,
        user__is_active=True,
    ).select_related("user"):
        found.setdefault(grant.content_object_id, []).append(grant.user)
    return found


def api_tokens(*, user: User) -> list[ApiToken]:
    """The user's API keys, active ones first, newest first."""
    return list(
        ApiToken.objects.filter(user=user).order_by(
            F("revoked_at").desc(nulls_first=True), "-created_at", "-pk"
        )
    )


def organisation_named(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


def coming_meetings_for(user: User, *, limit: int = 5) -> list[Meeting]:
    """The next meetings of the bodies the user sits in, soonest first."""
    return list(
        Meeting.objects.filter(
            body__memberships__user=user,
            body__memberships__ended_on__isnull=True,
            ends_at__gte=timezone.now(),
        )
        .select_related("body")
        .order_by("starts_at", "pk")[:limit]
    )


def meetings_of_year(user: User, year: int) -> list[Meeting]:
    """The year's meetings of the bodies the user sits in."""
    return list(
        Meeting.objects.filter(
            body__memberships__user=user,
            body__memberships__ended_on__isnull=True,
            starts_at__year=year,
        )
        .select_related("body")
        .order_by("starts_at", "pk")
    )
