"""Who is asking: the client's address behind our proxies; who answers for an organisation;
and who keeps a body's meetings. (Per-object access checks of each app live in that app's
``access.py``.)"""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from portal.models import Body, Meeting, Membership, OrganisationUserObjectPermission, User

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


def can_manage_meetings(user, body: Body) -> bool:
    """The body's chair and secretary keep its meetings: agendas, minutes and decisions. So
    do the coordinators of the body's hosting organisation, who are the programme's
    secretariat, and administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        Q(body=body, role__in=[Membership.Role.CHAIR, Membership.Role.SECRETARY])
        | Q(body__kind=Body.Kind.COORDINATORS, body__organisation_id=body.organisation_id),
        user=user,
    ).exists()


def bodies_kept_by(user) -> list[Body]:
    """The bodies whose meetings the user keeps (see can_manage_meetings): they read the
    bodies' draft minutes and non-public decisions as the members do."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return list(Body.objects.all())
    return list(
        Body.objects.filter(
            Q(
                memberships__user=user,
                memberships__role__in=[Membership.Role.CHAIR, Membership.Role.SECRETARY],
            )
            | Q(
                organisation__in=Body.objects.filter(
                    kind=Body.Kind.COORDINATORS, memberships__user=user
                ).values("organisation")
            )
        ).distinct()
    )


def get_body_for_manager(user, slug: str) -> Body:
    """The body, for someone who keeps its meetings: 404 if there is none, 403 for others
    (the body and its meetings are public, so refusing tells nothing new)."""
    body = get_object_or_404(Body, slug=slug)
    if not can_manage_meetings(user, body):
        raise PermissionDenied
    return body


def get_meeting_for_manager(user, slug: str, meeting_id: int) -> Meeting:
    body = get_body_for_manager(user, slug)
    return get_object_or_404(Meeting.objects.select_related("body"), pk=meeting_id, body=body)
