"""Writes shared by the apps: a body's members, its meetings, the items on their agendas
and the decisions in its register; and who answers offers for an organisation."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import api_keys as tokens
from portal.access import ANSWER_OFFERS, can_manage_members, visible_people
from portal.dates import today
from portal.history import EditConflict, conflict_details
from portal.limits import check_lengths
from portal.memberships import members_changed
from portal.models import (
    AgendaItem,
    ApiToken,
    Body,
    Decision,
    Meeting,
    Membership,
    OrganisationUserObjectPermission,
    User,
)


class OrderedRow(Protocol):
    """A model instance with an ``order`` field and history (an agenda item, an activity)."""

    order: int
    _history_user: User | None

    def save(self, *, update_fields: list[str]) -> None: ...


def decision_record(
    *,
    body: Body,
    title: str,
    decided_on: date,
    user: User | None,
    subject: models.Model | None = None,
    subject_url: str = "",
    meeting: Meeting | None = None,
    text: str = "",
    is_public: bool = True,
) -> Decision:
    """Enter a decision in the body's register, linked to what it decided.

    The workflows call this when a body takes a decision in them (a plan approved, say), so
    the register needs no retyping.
    """
    decision = Decision(
        body=body,
        meeting=meeting,
        decided_on=decided_on,
        title=title.strip(),
        text=text.strip(),
        subject_type=ContentType.objects.get_for_model(subject) if subject else None,
        subject_id=subject.pk if subject else None,
        subject_title=str(subject)[:300] if subject else "",
        subject_url=subject_url,
        is_public=is_public,
    )
    decision._history_user = user
    decision.save()
    return decision


def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    user: User | None,
    subject: models.Model | None = None,
    subject_url: str = "",
) -> AgendaItem:
    """Put something on a meeting's agenda, once: a second call for the same subject returns
    the item already there."""
    subject_type = ContentType.objects.get_for_model(subject) if subject else None
    if subject is not None:
        existing = AgendaItem.objects.filter(
            meeting=meeting, subject_type=subject_type, subject_id=subject.pk
        ).first()
        if existing is not None:
            return existing
    last = meeting.items.aggregate(last=models.Max("order"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        order=last + 1,
        title=title.strip()[:300],
        subject_type=subject_type,
        subject_id=subject.pk if subject else None,
        subject_url=subject_url,
    )
    item._history_user = user
    item.save()
    return item


# --- Meetings, kept by the body's chair or secretary (portal.access.can_manage_meetings) ----


class MeetingConflict(EditConflict):
    """Someone saved the meeting after this form was loaded (or the form did not say when)."""


#: What a meeting's conflict page compares (the agenda's items are kept on its own page).
MEETING_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "location",
    "agenda",
    "minutes",
    "minutes_published",
)


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at < starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})


def meeting_create(
    *,
    body: Body,
    user: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
) -> Meeting:
    _check_times(starts_at, ends_at)
    meeting = Meeting(
        body=body,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
    )
    check_lengths(meeting)
    meeting._history_user = user
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    user: User,
    expected_version: int | None,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    minutes: str,
    minutes_published: bool,
) -> Meeting:
    """Save the meeting's details and minutes; refuse a save made from an older version, or
    from a form that does not say which (``expected_version`` None)."""
    stored = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is None or stored.version != expected_version:
        raise MeetingConflict(**conflict_details(stored, expected_version, MEETING_FIELDS))
    _check_times(starts_at, ends_at)
    if minutes_published and not minutes.strip():
        raise ValidationError({"minutes_published": _("There are no minutes to publish.")})
    stored.title = title.strip()
    stored.starts_at = starts_at
    stored.ends_at = ends_at
    stored.location = location.strip()
    stored.minutes = minutes.strip()
    stored.minutes_published = minutes_published
    check_lengths(stored)
    stored.version += 1
    stored._history_user = user
    stored.save()
    return stored


@transaction.atomic
def meeting_delete(*, meeting: Meeting, user: User) -> None:
    """Remove a meeting entered by mistake or cancelled. One where decisions were taken is
    part of the register and stays."""
    if meeting.decisions.exists():
        raise ValidationError(_("Decisions were taken at this meeting; it stays in the register."))
    meeting._history_user = user
    meeting.delete()


def renumber_with_history(rows: Sequence[OrderedRow], user: User) -> None:
    """Number the rows 1, 2, 3… in the order given, saving (with history) only those whose
    number changes; a move renumbers all, so that equal or sparse numbers cannot stall it."""
    for order, row in enumerate(rows, start=1):
        if row.order != order:
            row.order = order
            row._history_user = user
            row.save(update_fields=["order"])


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, user: User, direction: str) -> None:
    """Move an item one place up or down on its meeting's agenda."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Unknown direction."))
    items = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting_id=item.meeting_id)
        .order_by("order", "pk")
    )
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    renumber_with_history(items, user)


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, user: User) -> None:
    meeting = item.meeting
    item._history_user = user
    item.delete()
    renumber_with_history(list(meeting.items.order_by("order", "pk")), user)


def meeting_decision_record(
    *,
    meeting: Meeting,
    user: User,
    title: str,
    text: str = "",
    is_public: bool = True,
    item: AgendaItem | None = None,
) -> Decision:
    """A decision taken at the meeting, entered from its minutes; linked to what the agenda
    item was about, if it was about something in the portal."""
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": _("The item is not on this meeting's agenda.")})
    subject = item.subject if item is not None and item.subject_id else None
    return decision_record(
        body=meeting.body,
        meeting=meeting,
        title=title,
        text=text,
        decided_on=timezone.localtime(meeting.starts_at).date(),
        user=user,
        subject=subject,
        subject_url=item.subject_url if item is not None else "",
        is_public=is_public,
    )


# --- A body's members ------------------------------------------------------------------------


def membership_add(
    *, body: Body, person: User, role: str, since: date | None, user: User
) -> Membership:
    """Add ``person`` to ``body`` in ``role`` from ``since`` (today if not given).

    The rights the body gives follow at once: the apps' listeners (portal.memberships) run
    in the same transaction. A second add of someone already a member (a double submit) is
    refused with a message and changes nothing.
    """
    if not can_manage_members(user, body):
        raise PermissionDenied("Only staff and the programme's coordinators manage the members.")
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose one of the roles offered.")})
    since = since or today()
    if since > today():
        raise ValidationError(
            {"since": _("Rights follow at once: add the person on the day they start.")}
        )
    if not person.is_active:
        raise ValidationError(
            _("%(person)s's account is closed and cannot be added.") % {"person": person}
        )
    if not User.objects.filter(visible_people(user), pk=person.pk).exists():
        raise ValidationError({"person": _("Choose a person the search found.")})
    with transaction.atomic():
        # The body's row is locked so that two adds of the same person cannot both pass.
        Body.objects.select_for_update().filter(pk=body.pk).first()
        if Membership.objects.filter(body=body, user=person, ended_on__isnull=True).exists():
            raise ValidationError(
                _("%(person)s is already a member of %(body)s.") % {"person": person, "body": body},
                code="duplicate",
            )
        membership = Membership(body=body, user=person, role=role, since=since)
        membership._history_user = user
        membership.save()
        members_changed(body=body)
    return membership


def membership_end(*, membership: Membership, user: User) -> bool:
    """End the membership today. It is kept, with its history, and gives no rights from
    now; the rights that follow are revoked at once (portal.memberships). Returns False if
    it had already ended (a double submit), and then changes nothing."""
    body = membership.body
    if not can_manage_members(user, body):
        raise PermissionDenied("Only staff and the programme's coordinators manage the members.")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.ended_on is not None:
            return False
        locked.ended_on = today()
        locked._history_user = user
        locked.save(update_fields=["ended_on"])
        members_changed(body=body)
    membership.ended_on = locked.ended_on
    return True


# --- Who answers offers for an organisation -------------------------------------------------


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


# --- API keys -------------------------------------------------------------------------------

#: Active keys a person may hold: enough for each integration, few enough to keep track of.
MAX_ACTIVE_API_TOKENS = 20


@transaction.atomic
def api_token_create(
    *, user: User, name: str, can_write_indicator_values: bool = False
) -> tuple[ApiToken, str]:
    """A new key for the user; returns the token and the key, which is shown only now."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the key after what will use it.")})
    # The user's row is locked so that two requests at once cannot pass the limit together.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_API_TOKENS:
        raise ValidationError(
            _("You have %(count)s active keys: revoke one you no longer use first.")
            % {"count": MAX_ACTIVE_API_TOKENS}
        )
    key = tokens.new_key()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[: tokens.SHOWN_CHARACTERS],
        key_hash=tokens.key_hash(key),
        can_write_indicator_values=can_write_indicator_values,
    )
    check_lengths(token)
    token.save()
    return token, key


def api_token_revoke(*, user: User, token: ApiToken) -> bool:
    """Revoke one of the user's keys at once; returns False if it was already revoked."""
    if token.user_id != user.pk:
        raise PermissionDenied("Only a key's owner revokes it.")
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
