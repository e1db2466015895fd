"""Who is asking: the client's address behind our proxies; who keeps a body's meetings and
who reads what its members read. (Per-object access checks of each app live in that app's
``access.py``; who answers offers for an organisation is granted by
``portal.services.contact_access_sync``.)"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from portal.models import AgendaItem, ApiToken, Body, Decision, Meeting, Membership, User

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
        ended_on__isnull=True,
    ).exists()


def is_member(user: User | AnonymousUser, body: Body) -> bool:
    return user.is_authenticated and (
        user.is_superuser or body.memberships.filter(user=user, ended_on__isnull=True).exists()
    )


def can_manage_members(user, body: Body) -> bool:
    """Who adds people to a body and ends their memberships, on the body's page: staff, and
    the programme's coordinators (members of a coordinators' body of the organisation that
    hosts the body).

    Never the members themselves by their membership: a body's chair or secretary keeps its
    meetings but does not pick its members, and the coordinators do not pick the
    coordinators (staff do), so that no one widens their own rights or co-opts a colleague
    into them. Rights follow memberships (portal.memberships), so this is who grants them.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if body.kind == Body.Kind.COORDINATORS:
        return False
    return Membership.objects.filter(
        user=user,
        body__kind=Body.Kind.COORDINATORS,
        body__organisation_id=body.organisation_id,
        ended_on__isnull=True,
    ).exists()


def visible_people(user) -> Q:
    """The people a manager of members finds when adding someone to a body (a filter on
    User): staff find every active account; a coordinator the active people of the
    organisations that collaborate in the programme and of their own, never an account
    without an organisation (one made at a first sign-in that belongs nowhere yet)."""
    active = Q(is_active=True)
    if user.is_staff or user.is_superuser:
        return active
    return active & (Q(organisation__collaborates=True) | Q(organisation_id=user.organisation_id))


@dataclass(frozen=True)
class BodyAccess:
    """What one user may do with one body's meetings and members, worked out once per
    request."""

    #: Keeps the meetings (see can_manage_meetings).
    can_manage: bool = False
    #: Adds people to the body and ends their memberships (see can_manage_members).
    can_manage_members: bool = False
    #: Reads what the members read: draft minutes, non-public decisions and the pages the
    #: agenda items concern.
    is_insider: bool = False

    def can_read_minutes(self, meeting: Meeting) -> bool:
        return meeting.minutes_published or self.is_insider

    def can_read_decision(self, decision: Decision) -> bool:
        return decision.is_public or self.is_insider


def body_access(user: User | AnonymousUser, body: Body) -> BodyAccess:
    can_manage = can_manage_meetings(user, body)
    # Those who keep the meetings read what the members read (and need no second query).
    return BodyAccess(
        can_manage=can_manage,
        can_manage_members=can_manage_members(user, body),
        is_insider=can_manage or is_member(user, body),
    )


def get_body_for_manager(user, slug: str) -> Body:
    """The body, for someone who keeps its meetings: 404 if there is none, 403 for others
    (the body and its meetings are public, so refusing tells nothing new)."""
    body = get_object_or_404(Body, slug=slug)
    if not can_manage_meetings(user, body):
        raise PermissionDenied(
            "Only the body's chair and secretary and the coordinators keep its meetings."
        )
    return body


def get_body_for_member_manager(user, slug: str) -> Body:
    """The body, for someone who manages its members: 404 if there is none, 403 for others
    (the body and its members are public, so refusing tells nothing new)."""
    body = get_object_or_404(Body.objects.select_related("organisation"), slug=slug)
    if not can_manage_members(user, body):
        raise PermissionDenied("Only staff and the programme's coordinators manage the members.")
    return body


def get_membership_for_manager(user, slug: str, membership_id: int) -> Membership:
    """A membership of the body, for someone who manages its members; 404 for one of
    another body."""
    body = get_body_for_member_manager(user, slug)
    return get_object_or_404(
        Membership.objects.select_related("body", "user"), pk=membership_id, body=body
    )


def get_meeting_for_manager(user, slug: str, meeting_id: int) -> Meeting:
    body = get_body_for_manager(user, slug)
    return get_object_or_404(Meeting.objects.select_related("body"), pk=meeting_id, body=body)


def get_agenda_item_for_manager(
    user, slug: str, meeting_id: int, item_id: int
) -> tuple[Meeting, AgendaItem]:
    """An item on the meeting's agenda, for someone who keeps the meeting; 404 for an item
    of another meeting."""
    meeting = get_meeting_for_manager(user, slug, meeting_id)
    return meeting, get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)


def get_api_token_for_owner(user: User, token_id: int) -> ApiToken:
    """One of the user's own API keys: another's key is a 404, as if there were none."""
    return get_object_or_404(ApiToken, pk=token_id, user=user)


def needs_second_factor(user: User) -> bool:
    """Staff, superusers and coordinators (members of a coordinators' body) must have a
    second factor when they sign in with a local password: they change what others rely
    on. Those who sign in through their organisation's provider have their provider's."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, body__kind=Body.Kind.COORDINATORS, ended_on__isnull=True
    ).exists()
