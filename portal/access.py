"""Who is asking: the client's address behind our proxies; and who answers for an
organisation. (Per-object access checks of each app live in that app's ``access.py``.)"""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.http import HttpRequest

from portal.models import OrganisationUserObjectPermission, User

ANSWER_OFFERS = "answer_offers"


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as seen by our outermost trusted proxy.

    Each proxy appends the address it received the request from to X-Forwarded-For, so
    with N trusted proxies the N-th entry from the right is the one the first of them saw.
    Entries further left were written by the client and prove nothing.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote_addr
    return forwarded[-count]


@transaction.atomic
def contact_access_sync(*, user: User) -> None:
    """Grant the user the right to answer offers for their organisation exactly while they
    are its active contact (``User.is_contact``); the flag is what administrators set."""
    grants = OrganisationUserObjectPermission.objects.filter(
        user=user, permission__codename=ANSWER_OFFERS
    )
    wanted = user.organisation_id if user.is_active and user.is_contact else None
    grants.exclude(content_object_id=wanted).delete()
    if wanted and not grants.filter(content_object_id=wanted).exists():
        OrganisationUserObjectPermission.objects.create(
            user=user,
            content_object_id=wanted,
            permission=Permission.objects.get(
                content_type__app_label="portal", codename=ANSWER_OFFERS
            ),
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
