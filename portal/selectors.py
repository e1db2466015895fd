"""Reads about people and bodies."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from portal.models import Body, Decision, Meeting, Membership, User


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("body", "body__organisation")
        .order_by("body__kind", "body__name")
    )


def body_members(body: Body) -> list[Membership]:
    return list(
        body.memberships.select_related("user", "user__organisation").order_by(
            "role", "user__last_name", "user__first_name"
        )
    )


def is_member(user: User | AnonymousUser, body: Body) -> bool:
    return user.is_authenticated and (
        user.is_superuser or body.memberships.filter(user=user).exists()
    )


def body_meetings(body: Body) -> list[Meeting]:
    """The body's meetings with their agenda items and the decisions taken at them."""
    return list(
        body.meetings.prefetch_related(
            "items", Prefetch("decisions", queryset=Decision.objects.order_by("pk"))
        ).order_by("-starts_at")
    )


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
    return list(Body.objects.filter(memberships__user=user))
