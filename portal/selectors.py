"""Reads about people and bodies."""

from django.db.models import QuerySet

from portal.models import Membership, User


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("body", "body__organisation")
        .order_by("body__kind", "body__name")
    )
